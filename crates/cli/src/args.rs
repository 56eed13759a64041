//! The command line, as the README documents it.

use clap::{Args, Parser, Subcommand};

/// TokenDesk: fix a user's second factor on a CENTAGATE server.
#[derive(Debug, Parser)]
#[command(name = "tokendesk", version, about, propagate_version = true)]
pub struct Cli {
    /// Server profile to use (default: TOKENDESK_PROFILE, or the only profile)
    #[arg(long, global = true, env = "TOKENDESK_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Print exactly one JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// More log detail on stderr (-v, -vv, -vvv); secrets are never logged
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage server profiles
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Register, resynchronise or unlock a user's token
    #[command(subcommand)]
    Token(TokenCommand),
    /// Look at a user
    #[command(subcommand)]
    User(UserCommand),
    /// Explain server return codes (all of them, or one)
    Codes {
        /// A return code, e.g. 29017
        code: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add a profile; the auth token and secret code come from TOKENDESK_AUTH_TOKEN and
    /// TOKENDESK_SECRET_CODE or are asked for without echo, and go to the OS credential store
    Add(ProfileAdd),
    /// List the profiles
    List,
    /// Show one profile's settings (never its secrets)
    Show { name: String },
    /// Remove a profile and its stored credentials
    Remove { name: String },
    /// Check the server answers and accepts the profile's credentials
    Test { name: Option<String> },
}

#[derive(Debug, Args)]
pub struct ProfileAdd {
    pub name: String,
    /// Server address, e.g. https://mfa.example.com (a path in it becomes the base path)
    #[arg(long)]
    pub url: String,
    /// The admin username the credentials belong to
    #[arg(long)]
    pub admin: String,
    /// Web services path [default: /CentagateWS/webresources]
    #[arg(long, value_name = "P")]
    pub base_path: Option<String>,
    /// Extra CA certificate (PEM) for a server with a private PKI
    #[arg(long, value_name = "F")]
    pub ca_file: Option<String>,
    /// Seconds to wait for an answer [default: 30]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Store no credentials: every run must set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE
    #[arg(long)]
    pub no_store: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Register an active SMS number or hardware OTP token to a user
    #[command(group(clap::ArgGroup::new("token").required(true).args(["sms", "otp"])))]
    Register {
        #[arg(long, value_name = "U")]
        user: String,
        /// Mobile number for an SMS token, e.g. +60 12-345 6789
        #[arg(long, value_name = "PHONE")]
        sms: Option<String>,
        /// Serial of a deactivated, unbound hardware OTP token
        #[arg(long, value_name = "SERIAL")]
        otp: Option<String>,
    },
    /// Resynchronise a user's OTP token with two consecutive codes
    Sync {
        #[arg(long, value_name = "U")]
        user: String,
        /// The first code the token shows
        #[arg(long, value_name = "CODE")]
        otp1: String,
        /// The very next code
        #[arg(long, value_name = "CODE")]
        otp2: String,
    },
    /// Unlock a locked or suspended OTP token
    Unlock {
        #[arg(long, value_name = "U")]
        user: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List the authentication methods bound to a user
    Methods {
        #[arg(long, value_name = "U")]
        user: String,
    },
}
