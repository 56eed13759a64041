//! The help desk's commands (issue 11) and the `token`/`user` commands that adapt to the
//! profile's server: remove or deactivate a token, unlock, enable or disable an account, an
//! emergency tokencode, SecurID hardware tokens. Which changes ask first, and what, is core's
//! `confirm`; here only the asking: a y/N prompt on a terminal, else `--yes`, else exit 2 with
//! nothing that changes state sent.

use std::io::{BufRead, IsTerminal, Write};

use serde::Serialize;
use tokendesk_core::centagate::tokens::{SettableState, TokenType};
use tokendesk_core::confirm::Change;
use tokendesk_core::ops::{
    NewToken, Outcome, RegisterTokenRequest, Session, SetTokenStatusRequest, UserRequest,
    UserTokenRequest,
};
use tokendesk_core::profile::Profile;
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::securid::helpdesk::{
    EmergencyCodeRequest, HardwareToken, HardwareTokenRequest, SearchUsersRequest, SecurIdMethods,
    ValidityUnit,
};
use tokendesk_core::securid::users::{LookupBy, LookupUserRequest, SecurIdUser};
use tokendesk_core::validate;
use tokendesk_core::vocab::Backend;

use crate::args::{TokenCommand, UserCommand, Who};
use crate::commands::{
    lookup_request, server, session, session_for, unsupported, user_unlock, who_words,
};
use crate::output::{self, Done, Failure};

use Backend::{Centagate, SecurId};

/// `tokendesk token ...` but sync and unlock (CENTAGATE's, in `commands`).
pub async fn token(cmd: TokenCommand, profile: Option<&str>, yes: bool) -> Result<Done, Failure> {
    match cmd {
        TokenCommand::Register {
            who,
            sms,
            otp,
            name,
        } => {
            let who = lookup_request(&who)?;
            sms.as_deref().map(validate::phone).transpose()?;
            otp.as_deref().map(validate::serial).transpose()?;
            let p = chosen(profile)?;
            match (p.backend, sms, otp) {
                (Centagate, _, _) if name.is_some() => {
                    Err(unsupported(&p, SecurId, "token register --name"))
                }
                (Centagate, sms, otp) => {
                    let username = username(&p, &who, "token register")?;
                    let token = match (sms, otp) {
                        (Some(phone), _) => NewToken::Sms { phone },
                        (None, serial) => NewToken::Otp {
                            serial: serial.unwrap_or_default(),
                        },
                    };
                    let req = RegisterTokenRequest { username, token }.validate()?;
                    server(session(p)?.register_token(&req).await?)
                }
                (SecurId, Some(_), _) => Err(unsupported(&p, Centagate, "token register --sms")),
                (SecurId, None, serial) => {
                    let req = HardwareTokenRequest {
                        serial: serial.unwrap_or_default(),
                        name,
                    }
                    .validate()?;
                    let out = session(p)?.assign_token(&who, &req, true).await?;
                    Ok(hardware_token(out))
                }
            }
        }
        TokenCommand::Unregister { who, kind, otp } => {
            let who = lookup_request(&who)?;
            let kind = kind.as_deref().map(TokenType::parse).transpose()?;
            otp.as_deref().map(validate::serial).transpose()?;
            let p = chosen(profile)?;
            match (p.backend, kind, otp) {
                (Centagate, _, Some(_)) => Err(unsupported(&p, SecurId, "token unregister --otp")),
                (Centagate, Some(kind), None) => {
                    let req = UserTokenRequest {
                        username: username(&p, &who, "token unregister")?,
                        kind,
                    };
                    confirm(&p, yes, Change::UnregisterToken(&req))?;
                    server(session(p)?.unregister_token(&req).await?)
                }
                (SecurId, Some(_), _) => Err(unsupported(&p, Centagate, "token unregister --kind")),
                // --kind or --otp is required: here --otp.
                (_, None, serial) => {
                    let req = HardwareTokenRequest {
                        serial: serial.unwrap_or_default(),
                        name: None,
                    }
                    .validate()?;
                    let s = session(p)?;
                    confirm_securid(&s, &who, yes, Some(&req.serial)).await?;
                    Ok(hardware_token(s.assign_token(&who, &req, false).await?))
                }
            }
        }
        TokenCommand::Status { user, kind } => {
            let req = UserTokenRequest {
                username: UserRequest { username: user }.validate()?.username,
                kind: TokenType::parse(&kind)?,
            };
            let s = session_for(profile, Centagate, "token status")?;
            Ok(shown(s.token_status(&req).await?))
        }
        TokenCommand::SetStatus { user, kind, status } => {
            let req = SetTokenStatusRequest {
                username: UserRequest { username: user }.validate()?.username,
                kind: TokenType::parse(&kind)?,
                status: SettableState::parse(&status)?,
            };
            let s = session_for(profile, Centagate, "token set-status")?;
            confirm(s.profile(), yes, Change::SetTokenStatus(&req))?;
            server(s.set_token_status(&req).await?)
        }
        TokenCommand::Lookup { serial } => {
            let req = HardwareTokenRequest { serial, name: None }.validate()?;
            let s = session_for(profile, SecurId, "token lookup")?;
            Ok(hardware_token(s.lookup_token(&req).await?))
        }
        TokenCommand::Sync { .. } | TokenCommand::Unlock { .. } => {
            unreachable!("dispatched in commands")
        }
    }
}

/// `tokendesk user ...` but lookup (in `commands`).
pub async fn user(cmd: UserCommand, profile: Option<&str>, yes: bool) -> Result<Done, Failure> {
    match cmd {
        UserCommand::Methods { who } => {
            let who = lookup_request(&who)?;
            let p = chosen(profile)?;
            if p.backend == SecurId {
                let out = session(p)?.securid_methods(&who).await?;
                let human = securid_methods(&out.summary, &out.object);
                return Ok(with_human(out, human));
            }
            let req = UserRequest {
                username: username(&p, &who, "user methods")?,
            };
            let out = session(p)?.list_methods(&req).await?;
            let human = output::methods(&req.username, &out.object);
            Ok(with_human(out, human))
        }
        UserCommand::Search {
            email_like,
            page_size,
        } => {
            let req = SearchUsersRequest {
                email_like,
                page_size,
            };
            req.validate()?;
            let s = session_for(profile, SecurId, "user search")?;
            let out = s.search_users(&req).await?;
            let mut human = out.summary.clone();
            if !out.object.users.is_empty() {
                let rows: Vec<Vec<String>> = out
                    .object
                    .users
                    .iter()
                    .map(|u| {
                        vec![
                            u.email.clone().unwrap_or_default(),
                            u.name.clone(),
                            u.status.clone().unwrap_or_default(),
                            u.id.clone(),
                        ]
                    })
                    .collect();
                human.push('\n');
                human.push_str(&output::table(
                    &["EMAIL", "NAME", "STATUS", "USER ID"],
                    &rows,
                ));
            }
            Ok(with_human(out, human))
        }
        UserCommand::Unlock { who, methods } => {
            let lookup = lookup_request(&who)?;
            let p = chosen(profile)?;
            if p.backend == SecurId {
                return user_unlock(profile, &who, &methods).await;
            }
            if !methods.is_empty() {
                return Err(unsupported(&p, SecurId, "user unlock --methods"));
            }
            let req = UserRequest {
                username: username(&p, &lookup, "user unlock")?,
            };
            let mut out = session(p)?.unlock_user(&req).await?;
            out.summary.push_str(&format!(
                "\nIts tokens are as they were: a locked OTP token is unlocked with `tokendesk token unlock --user {}`.",
                req.username
            ));
            server(out)
        }
        UserCommand::Enable { who } => set_enabled(profile, &who, true, yes).await,
        UserCommand::Disable { who } => set_enabled(profile, &who, false, yes).await,
        UserCommand::EmergencyCode {
            who,
            days,
            hours,
            minutes,
            one_time,
        } => {
            let (unit, value) = match (days, hours, minutes) {
                (Some(d), _, _) => (Some(ValidityUnit::Days), Some(d)),
                (_, Some(h), _) => (Some(ValidityUnit::Hours), Some(h)),
                (_, _, Some(m)) => (Some(ValidityUnit::Minutes), Some(m)),
                _ => (None, None),
            };
            let req = EmergencyCodeRequest {
                unit,
                value,
                one_time,
            };
            let who = lookup_request(&who)?;
            req.validate()?;
            let s = session_for(profile, SecurId, "user emergency-code")?;
            let out = s.emergency_code(&who, &req).await?;
            let c = &out.object.code;
            // The code's one display: here on stdout (or in the JSON object), nowhere else.
            let mut human = format!(
                "{}\n  emergency tokencode: {}",
                out.summary,
                c.code.expose()
            );
            if let Some(t) = c
                .offline_expires_at
                .as_ref()
                .filter(|t| c.expires_at.as_ref() != Some(*t))
            {
                human.push_str(&format!("\n  offline until:       {t}"));
            }
            Ok(with_human(out, human))
        }
        UserCommand::Lookup { .. } => unreachable!("dispatched in commands"),
    }
}

/// `user enable` / `user disable` on either server (disable asks first).
async fn set_enabled(
    profile: Option<&str>,
    who: &Who,
    enable: bool,
    yes: bool,
) -> Result<Done, Failure> {
    let lookup = lookup_request(who)?;
    let p = chosen(profile)?;
    if p.backend == SecurId {
        let s = session(p)?;
        if !enable {
            confirm_securid(&s, &lookup, yes, None).await?;
        }
        return Ok(shown(s.securid_set_user_enabled(&lookup, enable).await?));
    }
    let command = if enable {
        "user enable"
    } else {
        "user disable"
    };
    let req = UserRequest {
        username: username(&p, &lookup, command)?,
    };
    if !enable {
        confirm(&p, yes, Change::DisableUser { who: &req.username })?;
    }
    server(session(p)?.set_user_enabled(&req, enable).await?)
}

/// The chosen profile, whichever its server.
fn chosen(profile: Option<&str>) -> Result<Profile, Failure> {
    Ok(ProfileStore::open_default()?.choose(profile)?)
}

/// The `--user` of a CENTAGATE command (checked with the input); `--email` is SecurID
/// Cloud's.
fn username(p: &Profile, who: &LookupUserRequest, command: &str) -> Result<String, Failure> {
    match who.by {
        LookupBy::Username => Ok(who.value.clone()),
        LookupBy::Email => Err(unsupported(p, SecurId, &format!("{command} --email"))),
    }
}

/// Asks before `change` when core says it needs asking: on a terminal a y/N prompt on
/// stderr; without one only `--yes` lets it through.
fn confirm(profile: &Profile, yes: bool, change: Change<'_>) -> Result<(), Failure> {
    match change.question(profile) {
        Some(question) if !yes => ask(&question),
        _ => Ok(()),
    }
}

/// As [`confirm`] for a SecurID user (`serial`: unassign that hardware token; none: disable
/// the account). On a terminal the user is looked up first (read-only) to name them.
async fn confirm_securid(
    s: &Session,
    who: &LookupUserRequest,
    yes: bool,
    serial: Option<&str>,
) -> Result<(), Failure> {
    let change = |who| match serial {
        Some(serial) => Change::UnassignToken { who, serial },
        None => Change::DisableUser { who },
    };
    if yes || change(&who.value).question(s.profile()).is_none() {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return confirm(s.profile(), yes, change(&who.value));
    }
    let user: SecurIdUser = s.lookup_user(who).await?.object;
    let named = format!("{} ({})", who_words(&user), user.id);
    confirm(s.profile(), yes, change(&named))
}

/// The y/N prompt; without a terminal, exit 2 saying `--yes` is needed.
fn ask(question: &str) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "This change needs confirming, and there is no terminal to ask on".into(),
            format!("{question} To make it without a terminal, add --yes. Nothing was sent."),
        ));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    drop(err);
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        return Ok(());
    }
    Err(Failure::usage(
        "Not confirmed: nothing was changed".into(),
        "Answer y to make the change, or give --yes. Nothing that changes anything was sent."
            .into(),
    ))
}

/// A result whose human form is the summary.
fn shown<T: Serialize>(out: Outcome<T>) -> Done {
    let human = out.summary.clone();
    with_human(out, human)
}

/// A result with its own human form; `message` is the server's (CENTAGATE), else the summary
/// (SecurID Cloud, whose answers have none), as for the other commands.
fn with_human<T: Serialize>(out: Outcome<T>, human: String) -> Done {
    Done {
        document: None,
        code: out.code,
        message: out.message.or(Some(out.summary)),
        object: serde_json::to_value(&out.object).expect("results serialise"),
        human,
    }
}

/// A SID700 lookup, assign or unassign: the summary, and the token's details.
fn hardware_token(out: Outcome<HardwareToken>) -> Done {
    let t = &out.object;
    let mut human = out.summary.clone();
    for (label, value) in [
        ("name", &t.name),
        ("state", &t.state),
        ("expires", &t.expiry_date),
    ] {
        if let Some(v) = value {
            human.push_str(&format!("\n  {:<9}{v}", format!("{label}:")));
        }
    }
    with_human(out, human)
}

/// The readable answer of `user methods` on SecurID Cloud.
fn securid_methods(summary: &str, m: &SecurIdMethods) -> String {
    let u = &m.user;
    let onoff = |on: bool, number: &Option<String>| match (on, number) {
        (true, Some(n)) => format!("on, {n}"),
        (true, None) => "on".to_owned(),
        (false, _) => "off".to_owned(),
    };
    let mut out = vec![
        summary.to_owned(),
        format!("  user:    {} ({})", who_words(u), u.id),
        format!("  status:  {}", u.status.as_deref().unwrap_or("not given")),
        format!("  SMS:     {}", onoff(u.sms_on, &u.sms_number)),
        format!("  voice:   {}", onoff(u.voice_on, &u.voice_number)),
    ];
    if !m.authenticators.is_empty() {
        let rows: Vec<Vec<String>> = m
            .authenticators
            .iter()
            .map(|a| {
                let kind = match a.group.as_str() {
                    "sidTokens" => "hardware token",
                    "fidoTokens" => "FIDO key",
                    _ => a.device_type.as_deref().unwrap_or("device"),
                };
                vec![
                    kind.to_owned(),
                    a.name.clone().unwrap_or_default(),
                    a.serial.clone().unwrap_or_default(),
                    a.status.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push("Authenticators:".into());
        out.push(output::table(&["KIND", "NAME", "SERIAL", "STATUS"], &rows));
    }
    out.join("\n")
}
