//! The one error type of TokenDesk, with kinds a person understands, and its stable
//! serialised shape `{kind, code, title, hint, serverMessage}` for the CLI's `--json` and IPC.
//!
//! It imports no backend: a server error carries the [`Catalog`] of the backend that built it,
//! and a missing secret the [`SecretKind`] of its backend; their words come from there. The one
//! vendor name here is SecurID's lock vocabulary ([`crate::securid::locks`], a leaf), which a
//! part-way unlock carries.
//!
//! The next step (`hint`) is given per [`HintSurface`]: the window never tells an
//! administrator to run a `tokendesk` command or pass a flag; the CLI does where that is the
//! way.

use serde::{Serialize, Serializer};
use ts_rs::TS;

use crate::catalog::Catalog;
use crate::secret::SecretKind;
use crate::securid::locks::{MethodLocks, UnlockMethod};
use crate::vocab::{Field, Operation};

/// Everything that can go wrong, by who must act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Rejected before sending: nothing left the machine.
    #[error("{}: {rule}", field.label())]
    Input { field: Field, rule: String },
    /// The server answered with a non-zero return code (CENTAGATE), or a non-2xx HTTP
    /// status (SecurID, where `code` is the status and `operation` is always given).
    #[error("server refused with code {code}")]
    Server {
        code: i64,
        operation: Option<Operation>,
        server_message: Option<String>,
        /// The catalog of the backend that answered, which explains `code`.
        catalog: &'static Catalog,
    },
    /// A SecurID unlock answered HTTP 500: not every method was unlocked. Carries the lock
    /// status of all three methods the server reported after trying, so a caller can show
    /// them beside the failure. Its kind is `Server` and its code 500.
    #[error("the unlock did not complete (HTTP 500): {}", .0.locks.words())]
    UnlockIncomplete(Box<UnlockIncomplete>),
    /// The server could not be reached, or its answer was not understood.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A local profile or credential-store problem.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Sign-out deleted the kept session, but the server could not be told (`cause`): its
    /// session lives on until `until` (its timeout). Its kind is `Transport`.
    #[error("signed out here, but the server was not told: {cause}")]
    SignedOutLocally {
        cause: TransportError,
        until: String,
    },
}

/// What a SecurID unlock that failed part-way left behind.
#[derive(Debug, Clone, PartialEq)]
pub struct UnlockIncomplete {
    /// The methods that were asked to be unlocked.
    pub requested: Vec<UnlockMethod>,
    /// The status of all three methods after the attempt, as the server reported it.
    pub locks: MethodLocks,
    /// The server's own message, when it sent one.
    pub server_message: Option<String>,
    /// The SecurID catalog, whose words for HTTP 500 on an unlock the error shows.
    pub catalog: &'static Catalog,
}

/// Why talking to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("could not connect to {host}: {detail}")]
    Unreachable { host: String, detail: String },
    #[error("no answer from {host} within {seconds} s")]
    Timeout { host: String, seconds: u64 },
    #[error("secure connection to {host} failed: {detail}")]
    Tls { host: String, detail: String },
    /// A non-2xx answer from a server whose answers never are (`service`: "CENTAGATE").
    #[error("the server answered HTTP {status}: {excerpt}")]
    HttpStatus {
        status: u16,
        excerpt: String,
        service: String,
    },
    #[error("the server redirected to another address ({location}); not followed")]
    Redirected { location: String },
    #[error("the answer is not a CENTAGATE answer: {reason}: {excerpt}")]
    NotUnderstood { reason: String, excerpt: String },
    /// A 2xx answer of a backend other than CENTAGATE that could not be read.
    #[error("the answer is not a {service} answer: {reason}: {excerpt}")]
    UnexpectedAnswer {
        service: String,
        reason: String,
        excerpt: String,
    },
    #[error("the answer is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the connection broke while reading the answer: {detail}")]
    Broken { detail: String },
}

/// What is wrong with local configuration or the credential store.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("no profile named '{name}'")]
    ProfileNotFound { name: String },
    #[error("a profile named '{name}' already exists")]
    ProfileExists { name: String },
    #[error("no profile chosen")]
    NoProfileChosen { available: Vec<String> },
    #[error("{path}: line {line}: {detail}")]
    Corrupt {
        path: String,
        line: usize,
        detail: String,
    },
    #[error("{path}: {detail}")]
    Io { path: String, detail: String },
    #[error("no OS credential store is available: {detail}")]
    StoreUnavailable { detail: String },
    #[error("the OS credential store failed: {detail}")]
    StoreFailed { detail: String },
    /// No secret is stored for the profile; `secret` says what kind its backend uses.
    #[error("no {} {} stored for profile '{profile}'", .secret.title, .secret.is())]
    SecretMissing {
        profile: String,
        secret: &'static SecretKind,
    },
    #[error("only one of TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE is set")]
    HalfEnvironment,
    #[error("CA certificate file {path}: {detail}")]
    CaFile { path: String, detail: String },
    #[error("the SecurID API key cannot be used: {detail}")]
    KeyUnusable { detail: String },
    #[error("the SecurID API key does not belong to profile '{profile}': {detail}")]
    KeyMismatch { profile: String, detail: String },
    /// The stored secret was given for another server origin or admin than the profile now
    /// names (its URL or admin was changed, also by editing `profiles.toml` by hand): refused,
    /// nothing sent. `given_for` and `now_for` read "ADMIN at ORIGIN".
    #[error("the stored secret of profile '{profile}' was given for {given_for}, not {now_for}")]
    SecretForOtherServer {
        profile: String,
        given_for: String,
        now_for: String,
    },
    /// Credential-store entries left by an interrupted save or remove (their ids), which
    /// `profile cleanup` deletes.
    #[error("{count} credential-store entries are left from an interrupted change")]
    OrphanedSecrets { count: usize },
    #[error("profile '{profile}' is for {backend}, which cannot {action}")]
    Unsupported {
        profile: String,
        backend: String,
        action: String,
    },
    /// The audit log could not be written (or read): actions are refused rather than taken
    /// unrecorded.
    #[error("the audit log {path} cannot be used: {detail}")]
    AuditUnavailable { path: String, detail: String },
    /// An audit entry asked for by id (e.g. for a ticket) is not in the log.
    #[error("the audit log has no entry #{id}")]
    AuditEntryMissing { id: i64 },
    /// Exported audit entries could not be written to the file chosen for them.
    #[error("the export to {path} could not be written: {detail}")]
    ExportFailed { path: String, detail: String },
    /// A profile that signs in has no kept session: refused before anything is sent.
    #[error("profile '{profile}' is not signed in")]
    NotSignedIn { profile: String },
    /// A profile's kept session is past its time (`at`): refused before anything is sent.
    #[error("the session of profile '{profile}' ended at {at}")]
    SessionExpired { profile: String, at: String },
    /// The server refused a kept session (code 10001): TokenDesk ended it.
    #[error("the server no longer accepts the session of profile '{profile}' (code 10001)")]
    SessionEnded { profile: String },
    /// The bulk jobs' journal could not be written or read: rows are not sent unjournalled.
    #[error("the bulk job journal {path} cannot be used: {detail}")]
    JournalUnavailable { path: String, detail: String },
    /// No bulk job with this id in the journal.
    #[error("no bulk job '{job}'")]
    JobNotFound { job: String },
    /// The bulk job is being run by another process.
    #[error("bulk job '{job}' is running in another process")]
    JobRunning { job: String },
}

/// The four kinds of failure, as serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ErrorKind {
    Input,
    Server,
    Transport,
    Config,
}

/// The stable shape of an error for the CLI's `--json` and for the desktop app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    /// The server's return code (or HTTP status for SecurID), when the server gave one.
    pub code: Option<i64>,
    /// What happened, in a few words.
    pub title: String,
    /// What to do next.
    pub hint: String,
    /// The server's own message, or the technical detail, when there is one.
    pub server_message: Option<String>,
}

/// Who reads an error's next step: the desktop app's window or the `tokendesk` CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintSurface {
    /// The app: it names its buttons and fields, never a command or a flag.
    Window,
    /// The CLI: it may name `tokendesk` commands and their flags.
    Cli,
}

impl Error {
    /// Builds an input error naming the field and the rule it breaks.
    pub fn input(field: Field, rule: impl Into<String>) -> Self {
        Error::Input {
            field,
            rule: rule.into(),
        }
    }

    /// The kind, for exit statuses and styling.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input { .. } => ErrorKind::Input,
            Error::Server { .. } | Error::UnlockIncomplete(_) => ErrorKind::Server,
            Error::Transport(_) | Error::SignedOutLocally { .. } => ErrorKind::Transport,
            Error::Config(_) => ErrorKind::Config,
        }
    }

    /// The words an administrator sees in the app's window (what IPC sends).
    pub fn info(&self) -> ErrorInfo {
        self.info_for(HintSurface::Window)
    }

    /// The words an administrator sees on `surface`.
    pub fn info_for(&self, surface: HintSurface) -> ErrorInfo {
        let kind = self.kind();
        match self {
            Error::Input { field, rule } => ErrorInfo {
                kind,
                code: None,
                title: format!("{} is not valid", field.label()),
                hint: format!("{}: {rule}. Nothing was sent to the server.", field.label()),
                server_message: None,
            },
            Error::Server {
                code,
                operation,
                server_message,
                catalog,
            } => {
                let d = catalog.describe(*code, *operation);
                ErrorInfo {
                    kind,
                    code: Some(*code),
                    title: d.title,
                    hint: d.hint,
                    server_message: server_message.clone().or(d.vendor_text.map(str::to_owned)),
                }
            }
            Error::UnlockIncomplete(u) => {
                let d = u.catalog.describe(500, Some(Operation::UnlockMethods));
                ErrorInfo {
                    kind,
                    code: Some(500),
                    title: d.title,
                    hint: format!("Now: {}. {}", u.locks.words(), d.hint),
                    server_message: u
                        .server_message
                        .clone()
                        .or(d.vendor_text.map(str::to_owned)),
                }
            }
            Error::Transport(t) => {
                let (title, hint) = t.words(surface);
                ErrorInfo {
                    kind,
                    code: t.http_status().map(i64::from),
                    title: title.to_owned(),
                    hint,
                    server_message: Some(t.to_string()),
                }
            }
            Error::SignedOutLocally { cause, until } => {
                let (title, hint) = cause.words(surface);
                ErrorInfo {
                    kind,
                    code: cause.http_status().map(i64::from),
                    title: format!("Signed out here; {}{}", title[..1].to_lowercase(), &title[1..]),
                    hint: format!("TokenDesk deleted its session, so nothing more is sent with it, but the server was not told: its session lives on until {until} (its timeout). {hint}"),
                    server_message: Some(cause.to_string()),
                }
            }
            Error::Config(c) => {
                let (title, hint) = c.words(surface);
                ErrorInfo {
                    kind,
                    code: c.code(),
                    title,
                    hint,
                    server_message: None,
                }
            }
        }
    }
}

impl Error {
    /// The lock statuses a failed SecurID unlock reported, when it reported them.
    pub fn method_locks(&self) -> Option<&MethodLocks> {
        match self {
            Error::UnlockIncomplete(u) => Some(&u.locks),
            _ => None,
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.info().serialize(s)
    }
}

impl TransportError {
    fn http_status(&self) -> Option<u16> {
        match self {
            TransportError::HttpStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    fn words(&self, surface: HintSurface) -> (&'static str, String) {
        match self {
            TransportError::Unreachable { host, .. } => (
                "The server could not be reached",
                format!("Nothing answered at {host}. Check the profile's URL, that the server is running, and your network or VPN; then try again."),
            ),
            TransportError::Timeout { .. } => (
                "The server did not answer in time",
                "The server may be overloaded or the network slow. Try again; if it keeps happening, raise the profile's timeout or contact the server administrator. The action may or may not have been applied: check the user's methods before repeating it.".to_owned(),
            ),
            TransportError::Tls { .. } => (
                "The server's identity could not be verified",
                format!("The secure connection failed. If the server uses a private certificate authority, add its CA certificate file to the profile ({}). Check the URL's host name matches the server's certificate, and that its port is the server's HTTPS port, not a plain-HTTP one.", match surface {
                    HintSurface::Window => "Edit the profile, then CA certificate file",
                    HintSurface::Cli => "--ca-file",
                }),
            ),
            TransportError::HttpStatus { status, service, .. } => (
                "The server answered with an HTTP error",
                format!("HTTP {status} is not a {service} answer. Check the profile's URL and base path; if they are right, the server or a proxy in front of it is failing — try again later or contact its administrator."),
            ),
            TransportError::Redirected { .. } => (
                "The server redirected elsewhere",
                "TokenDesk does not follow redirects to another address, so credentials never go where you did not point them. Put the final address in the profile's URL if it is the right server.".to_owned(),
            ),
            TransportError::NotUnderstood { .. } => (
                "The answer was not a CENTAGATE answer",
                "Something answered, but not the CENTAGATE web services. Check the profile's URL and base path; a proxy or login page may be in the way.".to_owned(),
            ),
            TransportError::UnexpectedAnswer { service, .. } => (
                "The answer was not understood",
                format!("Something answered, but not as the {service} does. Check the profile's URL (the adminRestApiUrl of the API key file); a proxy or login page may be in the way."),
            ),
            TransportError::TooLarge { .. } => (
                "The answer was too large",
                "The server sent far more data than any answer TokenDesk expects. Check the profile's URL; contact the server administrator if it is right.".to_owned(),
            ),
            TransportError::Broken { .. } => (
                "The connection broke during the answer",
                "The connection closed before the whole answer arrived. Try again; the action may or may not have been applied, so check the user's methods first.".to_owned(),
            ),
        }
    }
}

const STORE_HINT: &str = "TokenDesk keeps credentials in the operating system's credential store. On Linux that is the Secret Service: install and unlock GNOME Keyring (package gnome-keyring), KWallet or KeePassXC in your desktop session. For automation without a store, set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE in the environment (for a SecurID profile, TOKENDESK_SECURID_KEY_FILE with the API key file's path).";

impl ConfigError {
    /// The server's code behind it, for the one that has one.
    fn code(&self) -> Option<i64> {
        match self {
            ConfigError::SessionEnded { .. } => Some(10001),
            _ => None,
        }
    }

    fn words(&self, surface: HintSurface) -> (String, String) {
        let cli = surface == HintSurface::Cli;
        let sign_in = |profile: &str| {
            if cli {
                format!(
                    "Sign in with `tokendesk login --profile {profile}`, then repeat the action."
                )
            } else {
                "Sign in (the profile's Sign in button), then repeat the action.".to_owned()
            }
        };
        match self {
            ConfigError::NotSignedIn { profile } => (
                format!("Not signed in to profile '{profile}'"),
                format!("This profile's administrator signs in with password and code; no session is kept for it now. Nothing was sent. {}", sign_in(profile)),
            ),
            ConfigError::SessionExpired { profile, at } => (
                format!("The session of profile '{profile}' has ended"),
                format!("It ended at {at} (the server's session timeout). Nothing was sent. {}", sign_in(profile)),
            ),
            ConfigError::JournalUnavailable { path, detail } => (
                "The bulk job journal cannot be written".into(),
                format!("TokenDesk records each row of a bulk job before sending it, and could not ({detail}; {path}). No row was sent unrecorded. Free disk space, make sure you may write to that folder (TOKENDESK_DATA_DIR sets another one), then resume the job."),
            ),
            ConfigError::JobRunning { job } => (
                format!("Bulk job {job} is running in another process"),
                if cli {
                    format!("Wait for it to finish, or stop it there with Ctrl-C; `tokendesk bulk status {job}` shows how far it got. Nothing was sent.")
                } else {
                    "Wait for it to finish, or stop it where it runs; its progress shows on the Bulk screen. Nothing was sent.".into()
                },
            ),
            ConfigError::JobNotFound { job } => (
                format!("No bulk job '{job}'"),
                if cli {
                    "List the jobs with `tokendesk bulk status`.".into()
                } else {
                    "Choose a job from the Bulk screen's list.".into()
                },
            ),
            ConfigError::SessionEnded { profile } => (
                format!("The server ended the session of profile '{profile}'"),
                format!("It no longer accepts the session (code 10001: it timed out early or was ended elsewhere), so TokenDesk ended it too. The action was not applied. {}", sign_in(profile)),
            ),
            ConfigError::ProfileNotFound { name } => (
                format!("No profile named '{name}'"),
                if cli {
                    "List the profiles with `tokendesk profile list`, or add one with `tokendesk profile add`.".into()
                } else {
                    "Choose a profile from the list, or add one with Add profile.".into()
                },
            ),
            ConfigError::ProfileExists { name } => (
                format!("A profile named '{name}' already exists"),
                "Choose another name, or remove the existing profile first.".into(),
            ),
            ConfigError::NoProfileChosen { available } => (
                "No profile chosen".into(),
                match (available.is_empty(), cli) {
                    (true, true) => "Add a profile first with `tokendesk profile add NAME --url URL --admin ADMIN`.".into(),
                    (true, false) => "Add a profile first with Add profile.".into(),
                    (false, true) => format!("Choose one with --profile NAME or TOKENDESK_PROFILE. Profiles: {}.", available.join(", ")),
                    (false, false) => format!("Choose one from the list. Profiles: {}.", available.join(", ")),
                },
            ),
            ConfigError::Corrupt { path, line, detail } => (
                "The profiles file cannot be read".into(),
                format!("{path}, line {line}: {detail}. Fix or move the file aside; TokenDesk will not overwrite it."),
            ),
            ConfigError::Io { path, detail } => (
                "A configuration file could not be read or written".into(),
                format!("{path}: {detail}. Check the folder exists and you may write to it (TOKENDESK_CONFIG_DIR sets another folder)."),
            ),
            ConfigError::StoreUnavailable { detail } => (
                "No credential store is available".into(),
                format!("{STORE_HINT} (Detail: {detail}.)"),
            ),
            ConfigError::StoreFailed { detail } => (
                "The credential store failed".into(),
                format!("{STORE_HINT} (Detail: {detail}.)"),
            ),
            ConfigError::SecretMissing { profile, secret } => (
                format!("No {} stored for profile '{profile}'", secret.title),
                if cli {
                    (secret.restore_in_cli)(profile)
                } else {
                    secret.restore_in_window.to_owned()
                },
            ),
            ConfigError::HalfEnvironment => (
                "Only one credential is set in the environment".into(),
                "Set both TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE, or neither to use the stored credentials.".into(),
            ),
            ConfigError::CaFile { path, detail } => (
                "The profile's CA certificate file cannot be used".into(),
                format!("{path}: {detail}. Give a PEM file holding the CA certificate of the server's issuer."),
            ),
            ConfigError::KeyUnusable { detail } => (
                "The SecurID API key cannot be used".into(),
                format!("{detail}. Import a fresh API key file from the Cloud Administration Console."),
            ),
            ConfigError::KeyMismatch { profile, detail } => (
                format!("The SecurID API key is not the one of profile '{profile}'"),
                format!("{detail}. Use the key file this profile was made from, or make a new profile from this key file."),
            ),
            ConfigError::SecretForOtherServer { profile, given_for, now_for } => (
                format!("The stored secret of profile '{profile}' was given for another server"),
                format!(
                    "It was given for {given_for}; the profile now names {now_for} (its URL or admin was changed, perhaps in profiles.toml by hand). Nothing was sent: a secret signs only for the server and admin it was given for. {}",
                    if cli {
                        format!("If the new address is right, give the secret for it: `tokendesk profile edit {profile} --replace-credentials`; otherwise put the URL and admin back.")
                    } else {
                        "If the new address is right, Edit the profile and Replace credentials; otherwise put the URL and admin back.".to_owned()
                    }
                ),
            ),
            ConfigError::OrphanedSecrets { count } => (
                format!("{count} stored secret(s) left from an interrupted change"),
                if cli {
                    "A save or remove of a profile stopped half-way (the program was killed or the credential store failed), leaving entries no profile uses. `tokendesk profile cleanup` deletes them.".to_owned()
                } else {
                    "A save or remove of a profile stopped half-way, leaving entries no profile uses; the command-line tool's profile clean-up deletes them.".to_owned()
                },
            ),
            ConfigError::Unsupported { backend, action, .. } => (
                format!("{backend} cannot {action}"),
                "Choose a profile for a server that offers this action.".into(),
            ),
            ConfigError::AuditUnavailable { path, detail } => (
                "The audit log cannot be written".into(),
                format!("TokenDesk records every action in its audit log before sending it, and could not ({detail}; {path}). Nothing was sent. Free disk space, make sure you may write to that folder (TOKENDESK_DATA_DIR sets another one), or try again if another TokenDesk was busy with the log."),
            ),
            ConfigError::AuditEntryMissing { id } => (
                format!("No audit entry #{id}"),
                "The audit log does not hold this entry: the log file was replaced or restored from an older copy after the list was shown. Refresh the list and try again.".into(),
            ),
            ConfigError::ExportFailed { path, detail } => (
                "The export could not be written".into(),
                format!("{path}: {detail}. Nothing was exported. Choose a folder you may write to, on a disk with free space, and export again."),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centagate::catalog;
    use serde_json::json;

    /// A secret refused for another server: a config error (exit 5) in the stable shape,
    /// naming both places and never a secret.
    #[test]
    fn a_secret_for_another_server_serialises_stably() {
        let e: Error = ConfigError::SecretForOtherServer {
            profile: "prod".into(),
            given_for: "helpdesk01 at https://mfa.example.com".into(),
            now_for: "helpdesk01 at https://mfa.examp1e.com".into(),
        }
        .into();
        assert_eq!(e.kind(), ErrorKind::Config);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            json!({
                "kind": "config",
                "code": null,
                "title": "The stored secret of profile 'prod' was given for another server",
                "hint": "It was given for helpdesk01 at https://mfa.example.com; the profile now names helpdesk01 at https://mfa.examp1e.com (its URL or admin was changed, perhaps in profiles.toml by hand). Nothing was sent: a secret signs only for the server and admin it was given for. If the new address is right, Edit the profile and Replace credentials; otherwise put the URL and admin back.",
                "serverMessage": null
            })
        );
        let cli = e.info_for(HintSurface::Cli).hint;
        assert!(
            cli.contains("`tokendesk profile edit prod --replace-credentials`"),
            "{cli}"
        );
    }

    #[test]
    fn serialised_shape_is_stable() {
        let e = Error::Server {
            code: 29017,
            operation: Some(Operation::Unlock),
            server_message: Some("Invalid token status".into()),
            catalog: &catalog::CATALOG,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            json!({
                "kind": "server",
                "code": 29017,
                "title": "The token is not locked or suspended",
                "hint": catalog::describe(29017, Some(Operation::Unlock)).hint,
                "serverMessage": "Invalid token status",
            })
        );
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 5);
    }

    #[test]
    fn every_kind_serialises_with_the_same_keys() {
        let errors = [
            Error::input(Field::Phone, "must have 7 to 15 digits"),
            Error::Transport(TransportError::Timeout {
                host: "h".into(),
                seconds: 3,
            }),
            Error::Config(ConfigError::HalfEnvironment),
            Error::Server {
                code: 12345,
                operation: None,
                server_message: None,
                catalog: &catalog::CATALOG,
            },
        ];
        for e in errors {
            let v = serde_json::to_value(&e).unwrap();
            let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            assert_eq!(
                keys,
                ["code", "hint", "kind", "serverMessage", "title"],
                "{e:?}"
            );
        }
    }

    #[test]
    fn input_errors_name_field_and_rule() {
        let info = Error::input(Field::Phone, "must have 7 to 15 digits").info();
        assert_eq!(info.kind, ErrorKind::Input);
        assert_eq!(info.code, None);
        assert!(info.title.contains("Phone number"));
        assert!(info.hint.contains("7 to 15 digits"));
    }

    #[test]
    fn audit_lookups_and_exports_say_what_failed() {
        let info = Error::Config(ConfigError::AuditEntryMissing { id: 42 }).info();
        assert_eq!(info.kind, ErrorKind::Config);
        assert!(info.title.contains("#42"), "{}", info.title);
        let info = Error::Config(ConfigError::ExportFailed {
            path: "/ro/audit.csv".into(),
            detail: "Permission denied".into(),
        })
        .info();
        assert_eq!(info.title, "The export could not be written");
        assert!(
            info.hint.contains("/ro/audit.csv: Permission denied"),
            "{}",
            info.hint
        );
    }

    #[test]
    fn http_status_is_the_code_of_a_transport_error() {
        let info = Error::Transport(TransportError::HttpStatus {
            status: 502,
            excerpt: "Bad Gateway".into(),
            service: "CENTAGATE".into(),
        })
        .info();
        assert_eq!(info.code, Some(502));
        assert!(info.server_message.unwrap().contains("502"));
    }

    #[test]
    fn the_key_missing_hint_names_the_key_file_variable() {
        let e = Error::Config(ConfigError::SecretMissing {
            profile: "cloud".into(),
            secret: &crate::securid::key::SECRET,
        });
        assert_eq!(
            e.to_string(),
            "no SecurID API key is stored for profile 'cloud'"
        );
        for surface in [HintSurface::Window, HintSurface::Cli] {
            let info = e.info_for(surface);
            assert_eq!(info.title, "No SecurID API key stored for profile 'cloud'");
            assert!(info.hint.contains(crate::securid::ENV_KEY_FILE), "{info:?}");
        }
        let e = Error::Config(ConfigError::SecretMissing {
            profile: "prod".into(),
            secret: &crate::centagate::credentials::SECRET,
        });
        assert_eq!(
            e.to_string(),
            "no credentials are stored for profile 'prod'"
        );
        assert_eq!(
            e.info_for(HintSurface::Cli).hint,
            "Store them again with `tokendesk profile add prod ...` (after `tokendesk profile remove prod`), or set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE."
        );
    }

    /// One of every configuration and transport error. The match makes a new variant a
    /// compile error here until it is added to the list.
    fn every_config_and_transport_error() -> Vec<Error> {
        let s = String::new;
        let config = vec![
            ConfigError::ProfileNotFound { name: "p".into() },
            ConfigError::ProfileExists { name: "p".into() },
            ConfigError::NoProfileChosen { available: vec![] },
            ConfigError::NoProfileChosen {
                available: vec!["a".into(), "b".into()],
            },
            ConfigError::Corrupt {
                path: s(),
                line: 1,
                detail: s(),
            },
            ConfigError::Io {
                path: s(),
                detail: s(),
            },
            ConfigError::StoreUnavailable { detail: s() },
            ConfigError::StoreFailed { detail: s() },
            ConfigError::SecretMissing {
                profile: "p".into(),
                secret: &crate::centagate::credentials::SECRET,
            },
            ConfigError::SecretMissing {
                profile: "p".into(),
                secret: &crate::securid::key::SECRET,
            },
            ConfigError::HalfEnvironment,
            ConfigError::CaFile {
                path: s(),
                detail: s(),
            },
            ConfigError::KeyUnusable { detail: s() },
            ConfigError::KeyMismatch {
                profile: s(),
                detail: s(),
            },
            ConfigError::Unsupported {
                profile: s(),
                backend: s(),
                action: s(),
            },
            ConfigError::AuditUnavailable {
                path: s(),
                detail: s(),
            },
            ConfigError::AuditEntryMissing { id: 1 },
            ConfigError::ExportFailed {
                path: s(),
                detail: s(),
            },
            ConfigError::SecretMissing {
                profile: "p".into(),
                secret: &crate::centagate::session::APP_SECRET,
            },
            ConfigError::NotSignedIn { profile: s() },
            ConfigError::SessionExpired {
                profile: s(),
                at: s(),
            },
            ConfigError::SessionEnded { profile: s() },
            ConfigError::JournalUnavailable {
                path: s(),
                detail: s(),
            },
            ConfigError::JobNotFound { job: s() },
            ConfigError::JobRunning { job: s() },
            ConfigError::SecretForOtherServer {
                profile: s(),
                given_for: s(),
                now_for: s(),
            },
            ConfigError::OrphanedSecrets { count: 1 },
        ];
        let transport = vec![
            TransportError::Unreachable {
                host: s(),
                detail: s(),
            },
            TransportError::Timeout {
                host: s(),
                seconds: 1,
            },
            TransportError::Tls {
                host: s(),
                detail: s(),
            },
            TransportError::HttpStatus {
                status: 502,
                excerpt: s(),
                service: "CENTAGATE".into(),
            },
            TransportError::Redirected { location: s() },
            TransportError::NotUnderstood {
                reason: s(),
                excerpt: s(),
            },
            TransportError::UnexpectedAnswer {
                service: s(),
                reason: s(),
                excerpt: s(),
            },
            TransportError::TooLarge { limit: 1 },
            TransportError::Broken { detail: s() },
        ];
        for c in &config {
            match c {
                ConfigError::ProfileNotFound { .. }
                | ConfigError::ProfileExists { .. }
                | ConfigError::NoProfileChosen { .. }
                | ConfigError::Corrupt { .. }
                | ConfigError::Io { .. }
                | ConfigError::StoreUnavailable { .. }
                | ConfigError::StoreFailed { .. }
                | ConfigError::SecretMissing { .. }
                | ConfigError::HalfEnvironment
                | ConfigError::CaFile { .. }
                | ConfigError::KeyUnusable { .. }
                | ConfigError::KeyMismatch { .. }
                | ConfigError::Unsupported { .. }
                | ConfigError::AuditUnavailable { .. }
                | ConfigError::AuditEntryMissing { .. }
                | ConfigError::ExportFailed { .. }
                | ConfigError::NotSignedIn { .. }
                | ConfigError::SessionExpired { .. }
                | ConfigError::SessionEnded { .. }
                | ConfigError::JournalUnavailable { .. }
                | ConfigError::JobNotFound { .. }
                | ConfigError::JobRunning { .. }
                | ConfigError::SecretForOtherServer { .. }
                | ConfigError::OrphanedSecrets { .. } => {}
            }
        }
        for t in &transport {
            match t {
                TransportError::Unreachable { .. }
                | TransportError::Timeout { .. }
                | TransportError::Tls { .. }
                | TransportError::HttpStatus { .. }
                | TransportError::Redirected { .. }
                | TransportError::NotUnderstood { .. }
                | TransportError::UnexpectedAnswer { .. }
                | TransportError::TooLarge { .. }
                | TransportError::Broken { .. } => {}
            }
        }
        config
            .into_iter()
            .map(Error::Config)
            .chain(transport.into_iter().map(Error::Transport))
            .chain([Error::SignedOutLocally {
                cause: TransportError::Unreachable {
                    host: s(),
                    detail: s(),
                },
                until: s(),
            }])
            .collect()
    }

    /// "`tokendesk profile list`", "--ca-file", "--profile": what a CLI hint may say.
    fn names_a_command_or_flag(hint: &str) -> bool {
        hint.contains("tokendesk ")
            || hint
                .split(|c: char| c.is_whitespace() || "(`".contains(c))
                .any(|w| {
                    w.starts_with("--") && w[2..].starts_with(|c: char| c.is_ascii_lowercase())
                })
    }

    #[test]
    fn the_window_is_never_told_to_run_a_command_or_pass_a_flag() {
        for e in every_config_and_transport_error() {
            let window = e.info();
            assert_eq!(window, e.info_for(HintSurface::Window));
            assert!(
                !names_a_command_or_flag(&window.hint),
                "{e:?}: {}",
                window.hint
            );
            let cli = e.info_for(HintSurface::Cli);
            assert_eq!(
                (&cli.title, cli.kind, cli.code),
                (&window.title, window.kind, window.code),
                "only the next step differs"
            );
            assert_eq!(serde_json::to_value(&e).unwrap()["hint"], window.hint);
        }
        assert!(names_a_command_or_flag("add it (--ca-file)."));
        assert!(names_a_command_or_flag("with `tokendesk profile list`"));
        assert!(!names_a_command_or_flag("HTTP 502 -- or not; a - b"));
    }

    #[test]
    fn the_cli_still_names_its_commands_and_flags() {
        let cli = |e: Error| e.info_for(HintSurface::Cli).hint;
        let named = every_config_and_transport_error()
            .into_iter()
            .map(cli)
            .filter(|h| names_a_command_or_flag(h))
            .count();
        assert_eq!(
            named, 13,
            "ProfileNotFound, NoProfileChosen twice, SecretMissing (CENTAGATE, app key), Tls, NotSignedIn, SessionExpired, SessionEnded, JobNotFound, JobRunning, SecretForOtherServer, OrphanedSecrets"
        );
        assert!(cli(Error::Config(ConfigError::ProfileNotFound {
            name: "x".into()
        }))
        .contains("`tokendesk profile list`"));
        assert!(cli(Error::Transport(TransportError::Tls {
            host: "h".into(),
            detail: "d".into()
        }))
        .contains("(--ca-file)"));
        assert!(cli(Error::Config(ConfigError::NoProfileChosen {
            available: vec!["a".into()]
        }))
        .contains("--profile NAME"));
    }

    #[test]
    fn transport_hints_name_a_server_kind_only_when_the_error_knows_it() {
        for e in every_config_and_transport_error() {
            let hint = e.info().hint;
            let knows = matches!(
                e,
                Error::Transport(
                    TransportError::HttpStatus { .. } | TransportError::NotUnderstood { .. }
                )
            );
            assert_eq!(hint.contains("CENTAGATE"), knows, "{e:?}: {hint}");
        }
    }

    #[test]
    fn server_words_come_from_the_catalog_the_error_carries() {
        let on = |catalog: &'static Catalog| {
            Error::Server {
                code: 404,
                operation: Some(Operation::LookupUser),
                server_message: None,
                catalog,
            }
            .info()
        };
        let securid = on(&crate::securid::catalog::CATALOG);
        assert!(securid.title.contains("email"), "{securid:?}");
        let centagate = on(&catalog::CATALOG);
        assert_eq!(centagate.title, "Unknown server code 404");
    }
}
