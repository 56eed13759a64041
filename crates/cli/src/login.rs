//! `tokendesk login` and `logout`, and what `profile list`/`show` say about a session: the
//! prompts and the printing. Every step itself (what is sent, kept, recorded) is core's
//! `sign_in`.

use serde_json::{json, Value};
use tokendesk_core::centagate::session::{FactorName, ENV_OTP, ENV_PASSWORD};
use tokendesk_core::clock::{Clock, SystemClock};
use tokendesk_core::profile::Profile;
use tokendesk_core::sign_in::{self, SessionStatus, SignIn, SignInState};
use tokendesk_core::vocab::Field;
use tokendesk_core::{Error, Secret};

use crate::output::Done;

/// `tokendesk login [--sms]` for the chosen profile.
pub async fn login(profile: Profile, sms: bool) -> Result<Done, Error> {
    let admin = profile.admin.clone();
    let sign_in = SignIn::start(profile, crate::commands::recorder()?).await?;
    let password = given_or_asked(
        ENV_PASSWORD,
        Field::Password,
        &format!("Password of {admin} (input hidden): "),
    )?;
    let signed = match sign_in.password(&password).await? {
        SignInState::SignedIn(s) => s,
        SignInState::SecondFactor(pending) => {
            let factor = pending.choose(sms, sign_in.profile())?;
            let given = from_env(ENV_OTP);
            // Checked before an SMS is sent: a code nobody can type in is not worth sending.
            if given.is_none() && !terminal() {
                return Err(no_terminal(Field::SignInCode, ENV_OTP));
            }
            let prompt = match factor {
                FactorName::Otp => "Code from your OTP token (input hidden): ",
                FactorName::Sms => {
                    let sent = sign_in.send_sms(&pending).await?;
                    crate::output::note(&sent.summary);
                    "Code from the SMS (input hidden): "
                }
            };
            let code = match given {
                Some(c) => c,
                None => ask(Field::SignInCode, prompt, ENV_OTP)?,
            };
            sign_in.code(&pending, factor, &code).await?
        }
    };
    let mut document = json!({"ok": true});
    merge(&mut document, &signed);
    Ok(Done {
        document: Some(document),
        code: 0,
        message: Some(signed.summary.clone()),
        object: serde_json::to_value(&signed).expect("sign-ins serialise"),
        human: signed.summary,
    })
}

/// `tokendesk logout` for the chosen profile.
pub async fn logout(profile: Profile) -> Result<Done, Error> {
    let out = sign_in::sign_out(profile, crate::commands::recorder()?).await?;
    Ok(Done::local(out.summary.clone(), out))
}

/// Whether `profile` is signed in now, in words and as JSON (`None` for a profile that does
/// not sign in). A store that cannot be read makes it "unknown".
pub fn session_state(profile: &Profile) -> Option<(String, Value)> {
    match sign_in::session_status(profile, SystemClock.now()) {
        Ok(None) => None,
        Ok(Some(s)) => Some((s.words(), to_json(&s))),
        Err(e) => {
            let title = e.info().title;
            Some((
                format!("unknown ({title})"),
                json!({"state": "unknown", "detail": title}),
            ))
        }
    }
}

fn to_json(s: &SessionStatus) -> Value {
    serde_json::to_value(s).expect("session states serialise")
}

/// Adds `value`'s fields to the object `into`.
fn merge(into: &mut Value, value: &impl serde::Serialize) {
    if let (Some(into), Value::Object(more)) = (
        into.as_object_mut(),
        serde_json::to_value(value).expect("results serialise"),
    ) {
        into.extend(more);
    }
}

/// A secret from the environment variable `env`, when set and not empty.
fn from_env(env: &str) -> Option<Secret> {
    std::env::var(env)
        .ok()
        .filter(|v| !v.is_empty())
        .map(Secret::new)
}

/// The secret in `env`, else asked for without echo.
pub fn given_or_asked(env: &str, field: Field, prompt: &str) -> Result<Secret, Error> {
    match from_env(env) {
        Some(s) => Ok(s),
        None => ask(field, prompt, env),
    }
}

/// Asks on the terminal without echo; without one, an input error (exit 2) naming what to
/// set in the environment instead.
pub fn ask(field: Field, prompt: &str, env: &str) -> Result<Secret, Error> {
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|_| no_terminal(field, env))
}

fn no_terminal(field: Field, env: &str) -> Error {
    Error::input(
        field,
        format!("no terminal to ask on: set {env} in the environment"),
    )
}

/// Whether there is a terminal to ask on (where rpassword asks).
fn terminal() -> bool {
    #[cfg(unix)]
    {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok()
    }
    #[cfg(not(unix))]
    {
        std::io::IsTerminal::is_terminal(&std::io::stdin())
    }
}
