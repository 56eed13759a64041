//! The command line, as the README documents it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// TokenDesk: fix a user's second factor on a CENTAGATE or RSA SecurID Cloud server.
#[derive(Debug, Parser)]
#[command(name = "tokendesk", version, about, propagate_version = true)]
pub struct Cli {
    /// Server profile to use (default: TOKENDESK_PROFILE, or the only profile)
    #[arg(long, global = true, env = "TOKENDESK_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Print exactly one JSON document on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// Confirm a change that removes a way in or locks someone out without asking (needed
    /// without a terminal; other commands ignore it)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// More log detail on stderr (-v, -vv, -vvv); secrets are never logged
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
    /// Whether --profile was given on this command line (not only by TOKENDESK_PROFILE).
    #[arg(skip)]
    pub profile_on_command_line: bool,
}

impl Cli {
    /// Parses the command line and checks what clap's attributes cannot say.
    pub fn parse_checked() -> Result<Self, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().try_get_matches()?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.profile_on_command_line =
            matches.value_source("profile") == Some(clap::parser::ValueSource::CommandLine);
        cli.check()?;
        Ok(cli)
    }

    /// Usage rules clap's attributes cannot say (which flags go with which kind of server).
    pub fn check(&self) -> Result<(), clap::Error> {
        match &self.command {
            Command::Profile(ProfileCommand::Add(add)) => add.check(),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage server profiles
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Sign in to a CENTAGATE profile that has an Integration Key: password, then a code
    ///
    /// The password comes from TOKENDESK_PASSWORD or is asked for without echo; then, if the
    /// server asks for a second factor, the code from the OTP token (or with --sms, or when the
    /// server offers SMS alone, the code sent by SMS) comes from TOKENDESK_OTP or is asked for.
    /// The variables are for automation only. The session is kept in the OS credential store
    /// and used by every command of the profile until it ends.
    Login {
        /// Use an SMS code as the second factor (default: the OTP token's code when offered)
        #[arg(long)]
        sms: bool,
    },
    /// Sign out: end the session on the server and delete it from the OS credential store
    Logout,
    /// A user's tokens: register, remove, status (CENTAGATE: also resynchronise, unlock;
    /// SecurID Cloud: hardware tokens)
    #[command(subcommand)]
    Token(TokenCommand),
    /// A user: methods, unlock, enable, disable (SecurID Cloud: also lookup, search,
    /// emergency tokencode)
    #[command(subcommand)]
    User(UserCommand),
    /// Bulk jobs: one operation over the rows of a CSV file (dry run, resume, results)
    #[command(subcommand)]
    Bulk(BulkCommand),
    /// Read the audit log of every action (oldest first), or verify its hash chain
    Audit(AuditArgs),
    /// Explain server return codes (all of them, or one)
    Codes {
        /// A return code, e.g. 29017 (with --securid, an HTTP status such as 403)
        code: Option<i64>,
        /// SecurID Cloud's HTTP answers instead of CENTAGATE's return codes
        #[arg(long)]
        securid: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add a profile. CENTAGATE: the auth token and secret code come from TOKENDESK_AUTH_TOKEN
    /// and TOKENDESK_SECRET_CODE or are asked for without echo; with --integration-key the
    /// administrator signs in (`tokendesk login`) and the app's Secret Key comes from
    /// TOKENDESK_APP_SECRET_KEY or is asked for. SecurID Cloud (--kind securid): the API key
    /// file. Any of them goes to the OS credential store
    Add(ProfileAdd),
    /// Change a profile's settings. A new URL, base path, admin or CA file asks for its
    /// credentials again (a stored secret signs only for the server and admin it was given
    /// for): from the environment, as `profile add` takes them, else asked on the terminal,
    /// else nothing is changed (exit 2)
    Edit(ProfileEditArgs),
    /// Delete the credential-store entries an interrupted save or remove left behind (`profile
    /// list` mentions them)
    Cleanup,
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
pub struct ProfileEditArgs {
    pub name: String,
    /// CENTAGATE: the new server address (a path in it becomes the base path)
    #[arg(long)]
    pub url: Option<String>,
    /// CENTAGATE: the new admin username
    #[arg(long)]
    pub admin: Option<String>,
    /// CENTAGATE: the new web services path
    #[arg(long, value_name = "P")]
    pub base_path: Option<String>,
    /// A new extra CA certificate (PEM); "" removes it
    #[arg(long, value_name = "F")]
    pub ca_file: Option<String>,
    /// Seconds to wait for an answer
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Give the credentials again even when no setting changes (e.g. after profiles.toml was
    /// edited by hand to point at another server)
    #[arg(long)]
    pub replace_credentials: bool,
    /// SecurID Cloud: the API key file, when the key must be given again
    #[arg(long, value_name = "F")]
    pub key_file: Option<String>,
}

/// The kind of server a profile is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// CENTAGATE (its CentagateWS web services)
    Centagate,
    /// RSA SecurID Cloud Access Service (its Cloud Administration REST API)
    Securid,
}

#[derive(Debug, Args)]
pub struct ProfileAdd {
    pub name: String,
    /// The kind of server
    #[arg(long, value_enum, default_value_t = Kind::Centagate)]
    pub kind: Kind,
    /// CENTAGATE: server address, e.g. https://mfa.example.com (a path in it becomes the base
    /// path)
    #[arg(long)]
    pub url: Option<String>,
    /// CENTAGATE: the admin username the credentials belong to
    #[arg(long)]
    pub admin: Option<String>,
    /// CENTAGATE: web services path [default: /CentagateWS/webresources]
    #[arg(long, value_name = "P")]
    pub base_path: Option<String>,
    /// CENTAGATE: the Integration Key of the "Web API" app the administrator signs in through
    /// (then `tokendesk login` instead of an auth token and secret code)
    #[arg(long, value_name = "KEY")]
    pub integration_key: Option<String>,
    /// CENTAGATE, with --integration-key: where the sign-in calls live, e.g.
    /// /v2/CentagateWS/webresources [default: the base path]
    #[arg(long, value_name = "P")]
    pub auth_base_path: Option<String>,
    /// SecurID Cloud: the API key file (.json) from the Cloud Administration Console
    #[arg(long, value_name = "F")]
    pub key_file: Option<String>,
    /// Extra CA certificate (PEM) for a server with a private PKI
    #[arg(long, value_name = "F")]
    pub ca_file: Option<String>,
    /// Seconds to wait for an answer [default: 30]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Store no credentials: every run must set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE
    /// (SecurID Cloud: TOKENDESK_SECURID_KEY_FILE). Not with --integration-key: a signed-in
    /// session lives in the OS credential store
    #[arg(long)]
    pub no_store: bool,
}

impl ProfileAdd {
    /// Refuses flags of the other kind of server, and missing ones of this kind, as usage
    /// errors (exit 2, nothing written).
    pub fn check(&self) -> Result<(), clap::Error> {
        use clap::error::ErrorKind;
        let cmd = || {
            let mut c = <Cli as clap::CommandFactory>::command();
            c.build();
            c.find_subcommand("profile")
                .and_then(|p| p.find_subcommand("add"))
                .cloned()
                .expect("profile add exists")
        };
        match self.kind {
            Kind::Centagate => {
                if self.key_file.is_some() {
                    return Err(cmd().error(
                        ErrorKind::ArgumentConflict,
                        "--key-file is for SecurID Cloud profiles: add --kind securid (a CENTAGATE profile takes --url and --admin)",
                    ));
                }
                let missing: Vec<&str> =
                    [("--url <URL>", &self.url), ("--admin <ADMIN>", &self.admin)]
                        .into_iter()
                        .filter(|(_, v)| v.is_none())
                        .map(|(flag, _)| flag)
                        .collect();
                if !missing.is_empty() {
                    return Err(cmd().error(
                        ErrorKind::MissingRequiredArgument,
                        format!(
                            "a CENTAGATE profile needs {} (for a SecurID Cloud profile: --kind securid --key-file F)",
                            missing.join(" and ")
                        ),
                    ));
                }
                if self.no_store && self.integration_key.is_some() {
                    return Err(cmd().error(
                        ErrorKind::ArgumentConflict,
                        "--no-store cannot go with --integration-key: a signed-in session lives in the OS credential store. Leave out --no-store to sign in with `tokendesk login`, or leave out --integration-key to give TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE at every run",
                    ));
                }
            }
            Kind::Securid => {
                let foreign: Vec<&str> = [
                    ("--url", self.url.is_some()),
                    ("--admin", self.admin.is_some()),
                    ("--base-path", self.base_path.is_some()),
                    ("--integration-key", self.integration_key.is_some()),
                    ("--auth-base-path", self.auth_base_path.is_some()),
                ]
                .into_iter()
                .filter(|(_, given)| *given)
                .map(|(flag, _)| flag)
                .collect();
                if !foreign.is_empty() {
                    return Err(cmd().error(
                        ErrorKind::ArgumentConflict,
                        format!(
                            "{} {} for CENTAGATE profiles: a SecurID Cloud profile takes its URL and access ID from the API key file (--key-file)",
                            foreign.join(", "),
                            if foreign.len() == 1 { "is" } else { "are" }
                        ),
                    ));
                }
                if self.key_file.is_none() {
                    return Err(cmd().error(
                        ErrorKind::MissingRequiredArgument,
                        "a SecurID Cloud profile needs --key-file F: the API key file (.json) from the Cloud Administration Console",
                    ));
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Register a token to a user. CENTAGATE: an active SMS number (--sms) or hardware OTP
    /// token (--otp). SecurID Cloud: assign a SID700 hardware token (--otp SERIAL [--name N]),
    /// the user found by --user or --email
    #[command(group(clap::ArgGroup::new("token").required(true).args(["sms", "otp"])))]
    Register {
        #[command(flatten)]
        who: Who,
        /// CENTAGATE: mobile number for an SMS token, e.g. +60 12-345 6789
        #[arg(long, value_name = "PHONE")]
        sms: Option<String>,
        /// CENTAGATE: serial of a deactivated, unbound hardware OTP token; SecurID Cloud: the
        /// SID700's serial
        #[arg(long, value_name = "SERIAL")]
        otp: Option<String>,
        /// SecurID Cloud: the name to give the token [default: its serial]
        #[arg(long, value_name = "N", requires = "otp")]
        name: Option<String>,
    },
    /// Remove a user's token. CENTAGATE: the token of one kind (--kind; asks first).
    /// SecurID Cloud: unassign a SID700 hardware token (--otp SERIAL; asks first)
    #[command(group(clap::ArgGroup::new("which").required(true).args(["kind", "otp"])))]
    Unregister {
        #[command(flatten)]
        who: Who,
        /// CENTAGATE: mobile, sms, cr (challenge-response) or pki
        #[arg(long, value_name = "K")]
        kind: Option<String>,
        /// SecurID Cloud: the SID700's serial
        #[arg(long, value_name = "SERIAL")]
        otp: Option<String>,
    },
    /// Show the status of a user's token of one kind (CENTAGATE)
    Status {
        #[arg(long, value_name = "U")]
        user: String,
        /// mobile, sms, cr (challenge-response) or pki
        #[arg(long, value_name = "K")]
        kind: String,
    },
    /// Set the status of a user's token of one kind (CENTAGATE; asks first for
    /// temp-deactivated and deactivated)
    SetStatus {
        #[arg(long, value_name = "U")]
        user: String,
        /// mobile, sms, cr (challenge-response) or pki
        #[arg(long, value_name = "K")]
        kind: String,
        /// valid, pending, temp-deactivated or deactivated
        #[arg(long, value_name = "S")]
        status: String,
    },
    /// Show a SID700 hardware token by serial: its status and whom it is assigned to
    /// (SecurID Cloud)
    Lookup {
        #[arg(long, value_name = "S")]
        serial: String,
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
    /// List the authentication methods bound to a user (CENTAGATE: --user; SecurID Cloud:
    /// SMS, voice and authenticators, hardware tokens included)
    Methods {
        #[command(flatten)]
        who: Who,
    },
    /// Find a user by email address or username: ID, status, SMS and voice (SecurID Cloud)
    Lookup {
        #[command(flatten)]
        who: Who,
    },
    /// Find users whose email address contains some text (SecurID Cloud)
    Search {
        /// Text the email address contains (matched literally)
        #[arg(long, value_name = "TEXT")]
        email_like: String,
        /// Users to show, 1 to 25 [default: 25]
        #[arg(long, value_name = "N")]
        page_size: Option<u32>,
    },
    /// Unlock a user. CENTAGATE: the locked account (--user). SecurID Cloud: the token, SMS
    /// and voice tokencodes; looks the user up first, then shows the lock status of all three
    Unlock {
        #[command(flatten)]
        who: Who,
        /// SecurID Cloud: which to unlock, comma-separated [default: token,sms,voice]
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            value_name = "M,...",
            ignore_case = true
        )]
        methods: Vec<Method>,
    },
    /// Enable a user's account so they can sign in again
    Enable {
        #[command(flatten)]
        who: Who,
    },
    /// Disable a user's account: they cannot sign in until enabled (asks first)
    Disable {
        #[command(flatten)]
        who: Who,
    },
    /// Issue an emergency tokencode (SecurID Cloud), shown once: valid 1 day and reusable
    /// unless told otherwise (1 minute to 7 days)
    #[command(group(clap::ArgGroup::new("validity").args(["days", "hours", "minutes"])))]
    EmergencyCode {
        #[command(flatten)]
        who: Who,
        /// Valid N days [default: 1]
        #[arg(long, value_name = "N")]
        days: Option<u32>,
        /// Valid N hours
        #[arg(long, value_name = "N")]
        hours: Option<u32>,
        /// Valid N minutes
        #[arg(long, value_name = "N")]
        minutes: Option<u32>,
        /// The code works for one sign-in only
        #[arg(long)]
        one_time: bool,
    },
}

/// A user: by email address (SecurID Cloud) or by username.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Who {
    /// The user's email address (SecurID Cloud)
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    /// The user's username
    #[arg(long, value_name = "U")]
    pub user: Option<String>,
}

/// A SecurID tokencode method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// The Authenticate app's OTP and hardware tokencodes
    Token,
    /// SMS tokencodes
    Sms,
    /// Voice tokencodes
    Voice,
}

/// `tokendesk bulk ...`.
#[derive(Debug, Subcommand)]
pub enum BulkCommand {
    /// Run OPERATION over every row of FILE.csv (a header row names the columns: the single
    /// command's flag names, e.g. user,sms). Operations: token-register, token-unlock,
    /// token-unregister, user-unlock, user-enable, user-disable
    Run {
        /// The single command's two words joined by a hyphen, e.g. token-register
        operation: String,
        /// The CSV file (UTF-8, comma or semicolon, header row required)
        file: PathBuf,
        /// Check every row and the profile; send nothing that changes anything
        #[arg(long, conflicts_with = "results")]
        dry_run: bool,
        /// Run the valid rows and mark the invalid ones skipped (default: refuse the file)
        #[arg(long)]
        skip_invalid: bool,
        /// Rows in flight at once
        #[arg(long, value_name = "N", default_value_t = 4, value_parser = concurrency)]
        concurrency: usize,
        /// Write every row with its outcome to this CSV file at the end
        #[arg(long, value_name = "OUT.csv")]
        results: Option<PathBuf>,
    },
    /// Continue a stopped (or killed) job: its pending rows; rows whose outcome is unknown
    /// only with --retry-unknown
    Resume {
        /// The job's id, as `bulk run` printed it (`tokendesk bulk status` lists them)
        job: String,
        /// Send again the rows that were in flight when the job died (their outcome is not
        /// known: check them first; a register sent twice is refused or doubled)
        #[arg(long)]
        retry_unknown: bool,
        /// Rows in flight at once
        #[arg(long, value_name = "N", default_value_t = 4, value_parser = concurrency)]
        concurrency: usize,
        /// Write every row with its outcome to this CSV file at the end
        #[arg(long, value_name = "OUT.csv")]
        results: Option<PathBuf>,
    },
    /// The jobs and their counts, or one job's counts and failures
    Status {
        /// One job's id
        job: Option<String>,
    },
}

fn concurrency(raw: &str) -> Result<usize, String> {
    let max = tokendesk_core::bulk::MAX_CONCURRENCY;
    match raw.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!("must be a number from 1 to {max}")),
    }
}

/// `tokendesk audit [filters] [--csv]` and `tokendesk audit verify`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: Option<AuditCommand>,
    /// From this time on: RFC 3339 (2026-11-29T14:00:00Z) or a date (2026-11-29, UTC)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Up to this time: RFC 3339 or a date (to the end of that day, UTC)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only actions on this user (any case)
    #[arg(long, value_name = "U")]
    pub user: Option<String>,
    /// Only this operation, e.g. unlock, register, sync, listMethods, unlockMethods
    #[arg(long, value_name = "OP")]
    pub operation: Option<String>,
    /// Only this outcome
    #[arg(long, value_enum)]
    pub outcome: Option<OutcomeArg>,
    /// Keep only the newest N
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Write RFC 4180 CSV (with a header row) instead of a table
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and report the first entry that does not verify
    Verify,
}

/// An outcome to filter on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Ok,
    Failed,
    Unknown,
}
