//! Each subcommand: gather input, call tokendesk-core, shape the result. No protocol here.

use std::sync::Arc;

use serde_json::json;
use tokendesk_core::audit::{AuditFilter, AuditLog, AuditOutcome, Recorder, Surface, Verification};
use tokendesk_core::backend::{stored_secret_kind, ProfileSecret};
use tokendesk_core::centagate::credentials::{
    CentagateCredentials, ENV_AUTH_TOKEN, ENV_SECRET_CODE,
};
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::centagate::session::{AppSecretKey, ENV_APP_SECRET_KEY};
use tokendesk_core::credentials::SecretStore;
use tokendesk_core::ops::{Session, SyncTokenRequest, UserRequest};
use tokendesk_core::profile::Profile;
use tokendesk_core::profile_changes::{self, Removed, SecretRemoval};
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::secret::SecretKind;
use tokendesk_core::securid::locks::UnlockMethod;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::securid::retry::RateLimitNotice;
use tokendesk_core::securid::users::{
    LookupBy, LookupUserRequest, SecurIdUser, UnlockMethodsRequest,
};
use tokendesk_core::securid::ENV_KEY_FILE;
use tokendesk_core::vocab::{Backend, Field};
use tokendesk_core::{ConfigError, Error, ErrorInfo, ErrorKind};

use crate::args::{
    AuditArgs, AuditCommand, Cli, Command, Kind, Method, OutcomeArg, ProfileAdd, ProfileCommand,
    ProfileEditArgs, TokenCommand, UserCommand, Who,
};
use crate::helpdesk;
use crate::login;
use crate::output::{self, Done, Failure, Partial};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<Done, Failure> {
    let profile = cli.profile.as_deref();
    match cli.command {
        Command::Codes { code, securid } => Ok(output::codes(code, securid)),
        Command::Audit(a) => {
            let profile = cli.profile.filter(|_| cli.profile_on_command_line);
            audit(a, profile, cli.json)
        }
        Command::Profile(p) => Ok(profile_command(p, profile).await?),
        Command::Bulk(b) => {
            let flag = profile.filter(|_| cli.profile_on_command_line);
            crate::bulk::command(b, profile, flag, cli.json).await
        }
        Command::Login { sms } => {
            let p = profile_for(profile, Backend::Centagate, "login")?;
            Ok(login::login(p, sms).await?)
        }
        Command::Logout => {
            let p = profile_for(profile, Backend::Centagate, "logout")?;
            Ok(login::logout(p).await?)
        }
        Command::Token(TokenCommand::Sync { user, otp1, otp2 }) => {
            let req = SyncTokenRequest {
                username: user,
                otp1,
                otp2,
            }
            .validate()?;
            let s = session_for(profile, Backend::Centagate, "token sync")?;
            server(s.sync_token(&req).await?)
        }
        Command::Token(TokenCommand::Unlock { user }) => {
            let req = UserRequest { username: user }.validate()?;
            let s = session_for(profile, Backend::Centagate, "token unlock")?;
            server(s.unlock_token(&req).await?)
        }
        Command::User(UserCommand::Lookup { who }) => {
            let req = lookup_request(&who)?;
            let s = session_for(profile, Backend::SecurId, "user lookup")?;
            let out = s.lookup_user(&req).await?;
            Ok(Done {
                document: None,
                code: out.code,
                message: Some(out.summary.clone()),
                human: output::securid_user(&out.summary, &out.object, &again(&req)),
                object: serde_json::to_value(&out.object).expect("users serialise"),
            })
        }
        Command::Token(t) => helpdesk::token(t, profile, cli.yes).await,
        Command::User(u) => helpdesk::user(u, profile, cli.yes).await,
    }
}

/// `user unlock` (SecurID Cloud): as the vendor documents, a User Details lookup gives the user's ID, then
/// the unlock; the lock status of all three methods is shown, also when the unlock failed
/// part-way (HTTP 500).
pub(crate) async fn user_unlock(
    profile: Option<&str>,
    who: &Who,
    methods: &[Method],
) -> Result<Done, Failure> {
    let lookup = lookup_request(who)?;
    let methods: Vec<UnlockMethod> = if methods.is_empty() {
        UnlockMethod::ALL.to_vec()
    } else {
        methods
            .iter()
            .map(|m| match m {
                Method::Token => UnlockMethod::Token,
                Method::Sms => UnlockMethod::Sms,
                Method::Voice => UnlockMethod::Voice,
            })
            .collect()
    };
    let s = session_for(profile, Backend::SecurId, "user unlock")?;
    let user = s.lookup_user(&lookup).await?.object;
    let req = UnlockMethodsRequest {
        user_id: user.id.clone(),
        methods,
    }
    .validate()?;
    let object = |locks: &tokendesk_core::securid::locks::MethodLocks| json!({"user": user, "requested": req.methods, "locks": locks});
    match s.unlock_methods_of(&req, &lookup.value).await {
        Ok(out) => {
            let mut human = format!(
                "{}\n{}",
                out.summary,
                output::method_locks(
                    &format!("Tokencodes of {} now:", who_words(&user)),
                    &out.object,
                    &user
                )
            );
            if let Some(note) = status_note(&user) {
                human.push_str(&format!("\nnote: {note}"));
            }
            Ok(Done {
                document: None,
                code: out.code,
                message: Some(out.summary.clone()),
                object: object(&out.object),
                human,
            })
        }
        Err(e) => {
            let partial = e.method_locks().map(|locks| {
                Box::new(Partial {
                    human: output::method_locks(
                        &format!(
                            "Tokencodes of {} after the attempt (not every one was unlocked):",
                            who_words(&user)
                        ),
                        locks,
                        &user,
                    ),
                    object: object(locks),
                })
            });
            let mut f = Failure::from(e);
            f.partial = partial;
            Err(f)
        }
    }
}

pub(crate) fn lookup_request(who: &Who) -> Result<LookupUserRequest, Error> {
    let req = match (&who.email, &who.user) {
        (Some(e), _) => LookupUserRequest::email(e.as_str()),
        (None, Some(u)) => LookupUserRequest::username(u.as_str()),
        (None, None) => return Err(Error::input(Field::Email, "give --email E or --user U")),
    };
    req.validate()
}

/// The flags that name the same user again, for a next step.
pub(crate) fn again(req: &LookupUserRequest) -> String {
    match req.by {
        LookupBy::Email => format!("--email {}", req.value),
        LookupBy::Username => format!("--user {}", req.value),
    }
}

/// "Bob Builder <bob@example.com>".
pub(crate) fn who_words(u: &SecurIdUser) -> String {
    match &u.email {
        Some(e) if *e != u.name => format!("{} <{e}>", u.name),
        _ => u.name.clone(),
    }
}

/// What else a person should know about a user whose tokencodes were unlocked.
fn status_note(u: &SecurIdUser) -> Option<String> {
    if u.mark_deleted == Some(true) {
        return Some(format!(
            "{} is marked deleted on the server; unlocking tokencodes does not restore the account.",
            u.name
        ));
    }
    match u.status.as_deref() {
        Some(s) if s.eq_ignore_ascii_case("disabled") => Some(format!(
            "{} is Disabled on the server; they cannot sign in until the account is enabled.",
            u.name
        )),
        _ => None,
    }
}

/// The chosen profile, if it is for `backend` (else a usage error saying what the profile can
/// do instead), and a session for it that says so on stderr while the server rate-limits.
pub(crate) fn session_for(
    profile: Option<&str>,
    backend: Backend,
    command: &str,
) -> Result<Session, Failure> {
    Ok(session(profile_for(profile, backend, command)?)?)
}

/// The chosen profile, if it is for `backend`; else a usage error saying what the profile can
/// do instead.
pub(crate) fn profile_for(
    profile: Option<&str>,
    backend: Backend,
    command: &str,
) -> Result<Profile, Failure> {
    let p = ProfileStore::open_default()?.choose(profile)?;
    if p.backend != backend {
        return Err(unsupported(&p, backend, command));
    }
    Ok(p)
}

/// A session for the profile that records into the audit log as the CLI, and says so on
/// stderr while the server rate-limits.
pub(crate) fn session(p: Profile) -> Result<Session, Error> {
    Ok(Session::new(p, recorder()?)
        .on_rate_limit(Arc::new(|n: &RateLimitNotice| output::note(&n.message))))
}

/// The audit log's sink for what this command does.
pub(crate) fn recorder() -> Result<Recorder, Error> {
    Recorder::open_default(Surface::Cli)
}

/// `tokendesk audit`: the log's entries as a table, CSV or one JSON document; `audit verify`:
/// the chain checked (exit 5 naming the first entry that does not verify).
fn audit(a: AuditArgs, profile: Option<String>, json: bool) -> Result<Done, Failure> {
    let log = AuditLog::open_default()?;
    if let Some(AuditCommand::Verify) = a.command {
        return match log.verify()? {
            Verification::Intact { events, head } => Ok(Done::local(
                format!("{events} entries, chain intact, head {head}"),
                json!({"entries": events, "head": head, "intact": true}),
            )),
            Verification::Broken { id, reason } => Err(Failure {
                info: Box::new(ErrorInfo {
                    kind: ErrorKind::Config,
                    code: None,
                    title: format!("The audit log does not verify at entry {id}"),
                    hint: format!("Entry {id}: {reason}. The log at {} was altered outside TokenDesk; keep a copy of the file for investigation. Entries before {id} still verify.", log.path().display()),
                    server_message: None,
                }),
                status: 5,
                http: false,
                partial: None,
                document: None,
            }),
        };
    }
    if a.csv && json {
        return Err(Failure::usage(
            "--csv and --json cannot be used together".into(),
            "Choose one output format. Nothing was read.".into(),
        ));
    }
    let filter = AuditFilter {
        since: a.since,
        until: a.until,
        user: a.user,
        profile,
        operation: a.operation,
        outcome: a.outcome.map(|o| match o {
            OutcomeArg::Ok => AuditOutcome::Ok,
            OutcomeArg::Failed => AuditOutcome::Failed,
            OutcomeArg::Unknown => AuditOutcome::Unknown,
        }),
        limit: a.limit,
    };
    let entries = log.entries(&filter)?;
    let human = if a.csv {
        tokendesk_core::audit::csv::to_string(&entries)
    } else {
        output::audit_table(&entries)
    };
    Ok(Done {
        document: Some(json!({"ok": true, "entries": entries})),
        code: 0,
        message: None,
        object: serde_json::Value::Null,
        human,
    })
}

pub(crate) fn unsupported(p: &Profile, needed: Backend, command: &str) -> Failure {
    let instead = match p.backend {
        Backend::SecurId => "With a SecurID Cloud profile use `tokendesk user lookup --email E`, `user search`, `user methods`, `user unlock`, `user enable`, `user disable`, `user emergency-code`, `token lookup --serial S` and `token register|unregister --otp SERIAL` (the SecurID Cloud API has no resync, SMS registration or token status)",
        Backend::Centagate => "With a CENTAGATE profile use `tokendesk user methods --user U`, `user unlock`, `user enable`, `user disable`, `token unlock --user U`, `token sync`, `token register`, `token unregister --kind K`, `token status` and `token set-status` (users by username)",
    };
    Failure::usage(
        format!(
            "`tokendesk {command}` is for {} profiles; profile '{}' is for {}",
            needed.label(),
            p.name,
            p.backend.label()
        ),
        format!(
            "{instead}, or choose a {} profile with --profile NAME. Nothing was sent.",
            needed.label()
        ),
    )
}

pub(crate) fn server(
    out: tokendesk_core::ops::Outcome<serde_json::Value>,
) -> Result<Done, Failure> {
    Ok(Done {
        document: None,
        code: out.code,
        message: out.message,
        object: out.object,
        human: out.summary,
    })
}

async fn profile_command(cmd: ProfileCommand, chosen: Option<&str>) -> Result<Done, Error> {
    let store = ProfileStore::open_default()?;
    match cmd {
        ProfileCommand::Add(add) => profile_add(&store, add).await,
        ProfileCommand::Edit(edit) => profile_edit(&store, edit).await,
        ProfileCommand::Cleanup => {
            let cleaned = profile_changes::cleanup(&store).await?;
            let n = cleaned.deleted.len();
            let human = if n == 0 && cleaned.empty.is_empty() {
                "Nothing to clean up: every stored secret belongs to a profile.".to_owned()
            } else {
                format!(
                    "Deleted {n} credential-store entr{} left from an interrupted save or remove.",
                    if n == 1 { "y" } else { "ies" }
                )
            };
            Ok(Done::local(
                human,
                json!({"deleted": cleaned.deleted, "cleared": cleaned.empty}),
            ))
        }
        ProfileCommand::List => {
            let all = store.load()?;
            let orphans = {
                let store = store.clone();
                blocking(move || profile_changes::orphans_stored(&store)).await?
            };
            let orphan_note = (!orphans.is_empty()).then(|| {
                let (title, hint) = {
                    let info = Error::from(ConfigError::OrphanedSecrets {
                        count: orphans.len(),
                    })
                    .info_for(tokendesk_core::error::HintSurface::Cli);
                    (info.title, info.hint)
                };
                format!("\nNote: {title}. {hint}")
            });
            if all.is_empty() {
                if let Some(note) = orphan_note {
                    return Ok(Done::local(format!("No profiles.{note}"), json!([])));
                }
                return Ok(Done::local(
                    "No profiles yet. Add one with `tokendesk profile add NAME --url URL --admin ADMIN` (CENTAGATE) or `tokendesk profile add NAME --kind securid --key-file F` (SecurID Cloud).".into(),
                    json!([]),
                ));
            }
            let profiles: Vec<Profile> = all.into_values().collect();
            let states = blocking({
                let profiles = profiles.clone();
                move || {
                    profiles
                        .iter()
                        .map(login::session_state)
                        .collect::<Vec<_>>()
                }
            })
            .await;
            let any_signs_in = states.iter().any(Option::is_some);
            let mut header = vec!["NAME", "SERVER", "URL", "ADMIN / ACCESS ID"];
            if any_signs_in {
                header.push("SESSION");
            }
            let mut objects = Vec::new();
            let mut rows = Vec::new();
            for (p, state) in profiles.iter().zip(states) {
                let mut row = vec![
                    p.name.clone(),
                    p.backend.label().into(),
                    format!("{}{}", p.url, p.base_path),
                    p.admin.clone(),
                ];
                let mut object = profile_json(p);
                if let Some((words, json)) = state {
                    row.push(words);
                    object["session"] = json;
                }
                rows.push(row);
                objects.push(object);
            }
            let human = format!(
                "Profiles ({}):\n{}{}",
                rows.len(),
                output::table(&header, &rows),
                orphan_note.unwrap_or_default()
            );
            Ok(Done::local(human, objects))
        }
        ProfileCommand::Show { name } => {
            let p = store.get(&name)?;
            let secret = stored_secret_kind(&p);
            let (secrets, session) = blocking({
                let p = p.clone();
                move || (credential_state(&p, secret), login::session_state(&p))
            })
            .await;
            let who = match p.backend {
                Backend::Centagate => format!("  admin:       {}\n", p.admin),
                Backend::SecurId => format!(
                    "  customer:    {}\n  access ID:   {}\n",
                    p.customer_name.as_deref().unwrap_or("(not given)"),
                    p.admin
                ),
            };
            let sign_in = match (&p.integration_key, &session) {
                (Some(key), Some((words, _))) => format!(
                    "  signs in:    through the app with Integration Key {key}, at {}\n  session:     {words}\n",
                    p.auth_endpoint().base_path
                ),
                _ => String::new(),
            };
            let human = format!(
                "Profile {}\n  server:      {}\n  URL:         {}\n  base path:   {}\n{who}{sign_in}  CA file:     {}\n  timeout:     {} s\n  {:<12} {}",
                p.name,
                p.backend.label(),
                p.url,
                p.base_path,
                p.ca_file.as_ref().map_or("(system roots only)".into(), |f| f.display().to_string()),
                p.timeout_secs,
                format!("{}:", secret.word),
                secrets,
            );
            let mut object = profile_json(&p);
            object["credentials"] = json!(secrets);
            if let Some((_, json)) = session {
                object["session"] = json;
            }
            Ok(Done::local(human, object))
        }
        ProfileCommand::Remove { name } => {
            let Removed {
                profile: removed,
                secret,
            } = profile_changes::remove(&store, &recorder()?, &name).await?;
            let kind = stored_secret_kind(&removed);
            let (what, was) = (kind.word, kind.was());
            let note = match secret {
                SecretRemoval::Deleted => {
                    format!("its {what} {was} deleted from the OS credential store")
                }
                SecretRemoval::NoneStored => format!("no {what} {was} stored for it"),
                SecretRemoval::Unchecked(info) => {
                    eprintln!("warning: {} — if {what} {was} stored for it, `tokendesk profile cleanup` deletes it once the credential store answers.", info.title);
                    format!("its stored {what} could not be checked")
                }
            };
            Ok(Done::local(
                format!("Removed profile '{}'; {note}.", removed.name),
                profile_json(&removed),
            ))
        }
        ProfileCommand::Test { name } => {
            let p = store.choose(name.as_deref().or(chosen))?;
            let check = session(p.clone())?.test_connection().await?;
            // Accepted is success (code 0); which answer proved it is kept as probeCode.
            Ok(Done {
                document: None,
                code: 0,
                message: Some(check.summary.clone()),
                human: format!("OK: {}", check.summary),
                object: json!({"profile": p.name, "probeCode": check.code}),
            })
        }
    }
}

async fn profile_add(store: &ProfileStore, add: ProfileAdd) -> Result<Done, Error> {
    if add.kind == Kind::Securid {
        return profile_add_securid(store, add).await;
    }
    // Both are present: checked with the command line (Cli::check), as is --no-store not
    // going with --integration-key.
    let profile = ProfileDraft {
        name: add.name,
        url: add.url.unwrap_or_default(),
        admin: add.admin.unwrap_or_default(),
        base_path: add.base_path,
        ca_file: add.ca_file,
        timeout_secs: add.timeout,
        integration_key: add.integration_key,
        auth_base_path: add.auth_base_path,
    }
    .validate()?;
    if store.load()?.contains_key(&profile.name) {
        return Err(ConfigError::ProfileExists { name: profile.name }.into());
    }
    let recorder = recorder()?;
    let (where_, next) = if add.no_store {
        profile_changes::add_without_secret(store, &recorder, profile.clone()).await?;
        (
            format!("credentials not stored: set {ENV_AUTH_TOKEN} and {ENV_SECRET_CODE} for every command"),
            format!("Check it with `tokendesk profile test {}`.", profile.name),
        )
    } else if profile.signs_in() {
        let key = match AppSecretKey::from_env()? {
            Some(k) => k,
            None => AppSecretKey::new(login::ask(
                Field::AppSecretKey,
                "The app's Secret Key (input hidden): ",
                ENV_APP_SECRET_KEY,
            )?)?,
        };
        let secret = Some(ProfileSecret::CentagateApp(key));
        profile_changes::save(store, &recorder, profile.clone(), secret, false).await?;
        (
            format!(
                "it signs in through the app with Integration Key {}, whose Secret Key is saved in the OS credential store",
                profile.integration_key.as_deref().unwrap_or_default()
            ),
            format!("Sign in with `tokendesk --profile {} login`.", profile.name),
        )
    } else {
        let creds = match CentagateCredentials::from_env()? {
            Some(c) => c,
            None => prompt_credentials()?,
        };
        let secret = Some(ProfileSecret::Centagate(creds));
        profile_changes::save(store, &recorder, profile.clone(), secret, false).await?;
        (
            "credentials saved in the OS credential store".to_owned(),
            format!("Check it with `tokendesk profile test {}`.", profile.name),
        )
    };
    let human = format!(
        "Added profile '{}' for {} at {}{} as {}; {where_}.\n{next}",
        profile.name,
        profile.backend.label(),
        profile.url,
        profile.base_path,
        profile.admin,
    );
    Ok(Done::local(human, profile_json(&profile)))
}

/// `profile add --kind securid`: the key file is read and checked, its key goes to the OS
/// credential store (or nowhere with --no-store), the profile keeps its URL and access ID.
async fn profile_add_securid(store: &ProfileStore, add: ProfileAdd) -> Result<Done, Error> {
    let (profile, key) = SecurIdProfileDraft {
        name: add.name,
        key_file: add.key_file,
        key_json: None,
        ca_file: add.ca_file,
        timeout_secs: add.timeout,
    }
    .validate()?;
    if store.load()?.contains_key(&profile.name) {
        return Err(ConfigError::ProfileExists { name: profile.name }.into());
    }
    let recorder = recorder()?;
    let where_ = if add.no_store {
        profile_changes::add_without_secret(store, &recorder, profile.clone()).await?;
        format!("API key not stored: set {ENV_KEY_FILE} to the key file's path for every command")
    } else {
        let secret = Some(ProfileSecret::SecurId(key));
        profile_changes::save(store, &recorder, profile.clone(), secret, false).await?;
        "API key saved in the OS credential store (keep the key file safe, or delete it)".to_owned()
    };
    let human = format!(
        "Added profile '{}' for {} at {}{} (customer {}, access ID {}); {where_}.\nCheck it with `tokendesk profile test {}`.",
        profile.name,
        profile.backend.label(),
        profile.url,
        profile.base_path,
        profile.customer_name.as_deref().unwrap_or("not named"),
        profile.admin,
        profile.name
    );
    Ok(Done::local(human, profile_json(&profile)))
}

/// `profile edit`: core checks the edit and says whether the secret must be given again; it
/// is then taken as `profile add` takes it (environment, else the terminal, else exit 2 with
/// nothing changed).
async fn profile_edit(store: &ProfileStore, edit: ProfileEditArgs) -> Result<Done, Error> {
    let plan = profile_changes::plan_edit(
        store,
        &edit.name,
        &profile_changes::ProfileEdit {
            url: edit.url,
            admin: edit.admin,
            base_path: edit.base_path,
            ca_file: edit.ca_file,
            timeout_secs: edit.timeout,
        },
    )
    .await?;
    let profile = plan.profile;
    let ask = plan.secret_again.is_some() || edit.replace_credentials || edit.key_file.is_some();
    let secret = if !ask {
        None
    } else {
        Some(match profile.backend {
            Backend::SecurId => {
                let key = match edit.key_file.as_deref() {
                    Some(path) => tokendesk_core::securid::key::SecurIdKey::from_file(
                        std::path::Path::new(path),
                    )?,
                    None => {
                        tokendesk_core::securid::key::SecurIdKey::from_env()?.ok_or_else(|| {
                            Error::input(
                                Field::KeyFile,
                                format!(
                                    "must be given again: add --key-file F or set {ENV_KEY_FILE}"
                                ),
                            )
                        })?
                    }
                };
                ProfileSecret::SecurId(key)
            }
            Backend::Centagate if profile.signs_in() => {
                ProfileSecret::CentagateApp(match AppSecretKey::from_env()? {
                    Some(k) => k,
                    None => AppSecretKey::new(login::ask(
                        Field::AppSecretKey,
                        "The app's Secret Key (input hidden): ",
                        ENV_APP_SECRET_KEY,
                    )?)?,
                })
            }
            Backend::Centagate => {
                ProfileSecret::Centagate(match CentagateCredentials::from_env()? {
                    Some(c) => c,
                    None => prompt_credentials()?,
                })
            }
        })
    };
    let given = secret.is_some();
    let saved = profile_changes::save(store, &recorder()?, profile, secret, true).await?;
    let p = &saved.profile;
    let human = format!(
        "Saved profile '{}' for {} at {}{} as {}{}.",
        p.name,
        p.backend.label(),
        p.url,
        p.base_path,
        p.admin,
        if given {
            "; its new secret is in the OS credential store (the old one was deleted)"
        } else {
            ""
        }
    );
    Ok(Done::local(human, profile_json(p)))
}

fn prompt_credentials() -> Result<CentagateCredentials, Error> {
    let env = format!("{ENV_AUTH_TOKEN} and {ENV_SECRET_CODE}");
    let token = login::ask(Field::AuthToken, "Auth token (input hidden): ", &env)?;
    let code = login::ask(Field::SecretCode, "Secret code (input hidden): ", &env)?;
    CentagateCredentials::new(token, code)
}

/// Where a profile's secret comes from: the environment, the store, or nowhere.
fn credential_state(profile: &Profile, secret: &SecretKind) -> String {
    if secret.in_env() {
        return format!("taken from {} in this environment", secret.env_source);
    }
    match SecretStore::open().and_then(|s| s.has(profile)) {
        Ok(true) => "stored in the OS credential store".into(),
        Ok(false) => "not stored".into(),
        Err(e) => format!("unknown ({})", e.info().title),
    }
}

fn profile_json(p: &Profile) -> serde_json::Value {
    let mut v = serde_json::to_value(p).expect("profiles serialise");
    v["name"] = json!(p.name);
    v
}

/// Runs credential-store work off the async thread (the store's calls block).
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("credential-store task does not panic")
}
