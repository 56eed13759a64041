//! Each subcommand: gather input, call tokendesk-core, shape the result. No protocol here.

use serde_json::json;
use tokendesk_core::credentials::{
    CentagateCredentials, SecretStore, ENV_AUTH_TOKEN, ENV_SECRET_CODE,
};
use tokendesk_core::ops::{NewToken, RegisterTokenRequest, Session, SyncTokenRequest, UserRequest};
use tokendesk_core::profiles::{Profile, ProfileDraft, ProfileStore};
use tokendesk_core::validate::Field;
use tokendesk_core::{ConfigError, Error, Secret};

use crate::args::{Cli, Command, ProfileAdd, ProfileCommand, TokenCommand, UserCommand};
use crate::output::{self, Done};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<Done, Error> {
    let profile = cli.profile.as_deref();
    match cli.command {
        Command::Codes { code } => Ok(output::codes(code)),
        Command::Profile(p) => profile_command(p, profile).await,
        Command::Token(TokenCommand::Register { user, sms, otp }) => {
            let token = match (sms, otp) {
                (Some(phone), _) => NewToken::Sms { phone },
                (None, Some(serial)) => NewToken::Otp { serial },
                (None, None) => {
                    return Err(Error::input(
                        Field::Phone,
                        "give --sms PHONE or --otp SERIAL",
                    ))
                }
            };
            let req = RegisterTokenRequest {
                username: user,
                token,
            }
            .validate()?;
            server(session(profile)?.register_token(&req).await?)
        }
        Command::Token(TokenCommand::Sync { user, otp1, otp2 }) => {
            let req = SyncTokenRequest {
                username: user,
                otp1,
                otp2,
            }
            .validate()?;
            server(session(profile)?.sync_token(&req).await?)
        }
        Command::Token(TokenCommand::Unlock { user }) => {
            let req = UserRequest { username: user }.validate()?;
            server(session(profile)?.unlock_token(&req).await?)
        }
        Command::User(UserCommand::Methods { user }) => {
            let req = UserRequest { username: user }.validate()?;
            let out = session(profile)?.list_methods(&req).await?;
            Ok(Done {
                code: out.code,
                message: out.message,
                human: output::methods(&req.username, &out.object),
                object: serde_json::to_value(&out.object).expect("methods serialise"),
            })
        }
    }
}

fn session(profile: Option<&str>) -> Result<Session, Error> {
    Ok(Session::new(ProfileStore::open_default()?.choose(profile)?))
}

fn server(out: tokendesk_core::ops::Outcome<serde_json::Value>) -> Result<Done, Error> {
    Ok(Done {
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
        ProfileCommand::List => {
            let all = store.load()?;
            if all.is_empty() {
                return Ok(Done::local(
                    "No profiles yet. Add one with `tokendesk profile add NAME --url URL --admin ADMIN`.".into(),
                    json!([]),
                ));
            }
            let rows: Vec<Vec<String>> = all
                .values()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.backend.label().into(),
                        format!("{}{}", p.url, p.base_path),
                        p.admin.clone(),
                    ]
                })
                .collect();
            let human = format!(
                "Profiles ({}):\n{}",
                rows.len(),
                output::table(&["NAME", "SERVER", "URL", "ADMIN"], &rows)
            );
            Ok(Done::local(
                human,
                all.values().map(profile_json).collect::<Vec<_>>(),
            ))
        }
        ProfileCommand::Show { name } => {
            let p = store.get(&name)?;
            let secrets = blocking(move || credential_state(&name)).await;
            let human = format!(
                "Profile {}\n  server:      {}\n  URL:         {}\n  base path:   {}\n  admin:       {}\n  CA file:     {}\n  timeout:     {} s\n  credentials: {}",
                p.name,
                p.backend.label(),
                p.url,
                p.base_path,
                p.admin,
                p.ca_file.as_ref().map_or("(system roots only)".into(), |f| f.display().to_string()),
                p.timeout_secs,
                secrets,
            );
            let mut object = profile_json(&p);
            object["credentials"] = json!(secrets);
            Ok(Done::local(human, object))
        }
        ProfileCommand::Remove { name } => {
            let removed = store.remove(&name)?;
            let note = match blocking(move || SecretStore::open().and_then(|s| s.delete(&name)))
                .await
            {
                Ok(true) => "its credentials were deleted from the OS credential store".to_owned(),
                Ok(false) => "no credentials were stored for it".to_owned(),
                Err(e) => {
                    let info = e.info();
                    eprintln!("warning: {} — if credentials were stored for it, delete the entry 'tokendesk' / 'profile:{}' with your keyring tool.", info.title, removed.name);
                    "its stored credentials could not be checked".to_owned()
                }
            };
            Ok(Done::local(
                format!("Removed profile '{}'; {note}.", removed.name),
                profile_json(&removed),
            ))
        }
        ProfileCommand::Test { name } => {
            let p = store.choose(name.as_deref().or(chosen))?;
            let check = Session::new(p.clone()).test_connection().await?;
            // Accepted is success (code 0); which answer proved it is kept as probeCode.
            Ok(Done {
                code: 0,
                message: Some(check.summary.clone()),
                human: format!("OK: {}", check.summary),
                object: json!({"profile": p.name, "probeCode": check.code}),
            })
        }
    }
}

async fn profile_add(store: &ProfileStore, add: ProfileAdd) -> Result<Done, Error> {
    let profile = ProfileDraft {
        name: add.name,
        url: add.url,
        admin: add.admin,
        base_path: add.base_path,
        ca_file: add.ca_file,
        timeout_secs: add.timeout,
    }
    .validate()?;
    if store.load()?.contains_key(&profile.name) {
        return Err(ConfigError::ProfileExists { name: profile.name }.into());
    }
    let where_ = if add.no_store {
        store.add(&profile)?;
        format!(
            "credentials not stored: set {ENV_AUTH_TOKEN} and {ENV_SECRET_CODE} for every command"
        )
    } else {
        let creds = match CentagateCredentials::from_env()? {
            Some(c) => c,
            None => prompt_credentials()?,
        };
        let name = profile.name.clone();
        blocking(move || SecretStore::open()?.save(&name, &creds)).await?;
        if let Err(e) = store.add(&profile) {
            let name = profile.name.clone();
            let _ = blocking(move || SecretStore::open()?.delete(&name)).await;
            return Err(e);
        }
        "credentials saved in the OS credential store".to_owned()
    };
    let human = format!(
        "Added profile '{}' for {} at {}{} as {}; {where_}.\nCheck it with `tokendesk profile test {}`.",
        profile.name,
        profile.backend.label(),
        profile.url,
        profile.base_path,
        profile.admin,
        profile.name
    );
    Ok(Done::local(human, profile_json(&profile)))
}

fn prompt_credentials() -> Result<CentagateCredentials, Error> {
    let ask = |field: Field, prompt: &str| {
        rpassword::prompt_password(prompt).map(Secret::new).map_err(|_| {
            Error::input(field, format!("no terminal to ask on: set {ENV_AUTH_TOKEN} and {ENV_SECRET_CODE} in the environment"))
        })
    };
    let token = ask(Field::AuthToken, "Auth token (input hidden): ")?;
    let code = ask(Field::SecretCode, "Secret code (input hidden): ")?;
    CentagateCredentials::new(token, code)
}

fn credential_state(profile: &str) -> String {
    if std::env::var_os(ENV_AUTH_TOKEN).is_some() && std::env::var_os(ENV_SECRET_CODE).is_some() {
        return format!("taken from {ENV_AUTH_TOKEN} / {ENV_SECRET_CODE} in this environment");
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
