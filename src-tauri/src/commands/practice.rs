//! Practice mode: the embedded practice server with demo users, and the panel's controls
//! (read a token's codes, fail a login, add drift) so every operation can be rehearsed.

use serde::Serialize;
use tauri::State;
use tokendesk_core::securid::locks::UnlockMethod;
use tokendesk_core::vocab::Field;
use tokendesk_core::{ConfigError, Error};
use tokendesk_sim::{Controls, OtpKind, SecurIdMethod, StoreError, TokenStatus};
use ts_rs::TS;

use crate::state::{
    AppState, PRACTICE_PROFILE, PRACTICE_SECURID_PROFILE, PRACTICE_SIGN_IN_PROFILE,
};

/// Whether practice mode runs, and where.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeStatus {
    pub running: bool,
    /// The practice CENTAGATE profile.
    pub profile: Option<String>,
    /// The practice SecurID Cloud profile (the same server's SecurID routes).
    pub securid_profile: Option<String>,
    /// The practice CENTAGATE profile whose administrator signs in.
    pub sign_in_profile: Option<String>,
    pub origin: Option<String>,
}

/// A practice user's OTP token (its secret stays in the server).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeToken {
    pub serial: String,
    #[ts(type = "\"hotp\" | \"totp\"")]
    pub kind: OtpKind,
    #[ts(
        type = "\"deactivated\" | \"active\" | \"locked\" | \"suspended\" | \"pending\" | \"pending_locked\""
    )]
    pub status: TokenStatus,
    pub fail_count: u32,
    pub digits: u32,
    pub period: Option<u64>,
}

/// A user's phone number and its status.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticePhone {
    pub number: String,
    pub status: String,
}

/// A practice user with what is bound to them.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeUser {
    pub username: String,
    pub status: String,
    pub phone: Option<PracticePhone>,
    pub token: Option<PracticeToken>,
}

/// What a practice token shows now and next.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeCodes {
    pub serial: String,
    #[ts(type = "\"hotp\" | \"totp\"")]
    pub kind: OtpKind,
    pub current: String,
    pub next: Vec<String>,
    /// TOTP: seconds until `current` changes.
    pub seconds_remaining: Option<u64>,
}

/// What the practice admin signs in with, so a person can sign in to the practice sign-in
/// profile without a phone: the (public, practice-only) password, the code their OTP token
/// shows now, and the last SMS code the practice server "sent".
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeSignIn {
    pub profile: String,
    pub admin: String,
    /// The practice admin's password (public practice data).
    pub password: String,
    /// The code the admin's OTP token shows now, and the next one.
    pub otp_code: Option<String>,
    pub otp_next: Option<String>,
    /// Seconds until `otp_code` changes.
    #[ts(type = "number | null")]
    pub otp_seconds_remaining: Option<u64>,
    /// The last SMS code sent to the admin, and seconds it stays valid.
    pub sms_code: Option<String>,
    #[ts(type = "number | null")]
    pub sms_seconds_remaining: Option<u64>,
    /// Where SMS codes "go".
    pub phone: Option<String>,
    /// The admin's live sessions at the practice server.
    #[ts(type = "number")]
    pub sessions: usize,
}

/// The answer to a practice login.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LoginAttempt {
    /// Whether the login succeeded (never, for a deliberately wrong code).
    pub accepted: bool,
    pub message: String,
}

/// A practice user's SecurID identity and its lock states, as the practice server knows them
/// (the real service offers no such view: there, statuses come only from an unlock's answer).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeSecurIdUser {
    pub id: String,
    pub username: String,
    pub email: String,
    /// First and last name.
    pub name: String,
    /// "Enabled" or "Disabled".
    pub status: String,
    pub sms_on: bool,
    pub voice_on: bool,
    pub token_locked: bool,
    pub sms_locked: bool,
    pub voice_locked: bool,
    /// Methods whose unlock fails while locked (the unlock then answers HTTP 500).
    pub stuck: Vec<UnlockMethod>,
}

fn unlock_method(m: SecurIdMethod) -> UnlockMethod {
    match m {
        SecurIdMethod::Token => UnlockMethod::Token,
        SecurIdMethod::Sms => UnlockMethod::Sms,
        SecurIdMethod::Voice => UnlockMethod::Voice,
    }
}

fn sim_method(m: UnlockMethod) -> SecurIdMethod {
    match m {
        UnlockMethod::Token => SecurIdMethod::Token,
        UnlockMethod::Sms => SecurIdMethod::Sms,
        UnlockMethod::Voice => SecurIdMethod::Voice,
    }
}

impl From<tokendesk_sim::SecurIdUser> for PracticeSecurIdUser {
    fn from(u: tokendesk_sim::SecurIdUser) -> Self {
        PracticeSecurIdUser {
            name: format!("{} {}", u.first_name, u.last_name)
                .trim()
                .to_owned(),
            id: u.id,
            username: u.username,
            email: u.email,
            status: u.status.as_str().to_owned(),
            sms_on: u.sms_number.is_some(),
            voice_on: u.voice_number.is_some(),
            token_locked: u.token_locked,
            sms_locked: u.sms_locked,
            voice_locked: u.voice_locked,
            stuck: u.stuck.into_iter().map(unlock_method).collect(),
        }
    }
}

fn practice_error(e: StoreError) -> Error {
    match e {
        StoreError::UnknownUser(u) => {
            Error::input(Field::Username, format!("no practice user named {u}"))
        }
        StoreError::UnknownToken(t) => {
            Error::input(Field::Serial, format!("no practice token {t}"))
        }
        // A practice control that does not apply now, e.g. locking a method that is off.
        StoreError::Conflict(why) => Error::input(Field::Methods, why),
        other => ConfigError::Io {
            path: "practice server".into(),
            detail: other.to_string(),
        }
        .into(),
    }
}

fn not_running() -> Error {
    ConfigError::Io {
        path: "practice server".into(),
        detail: "practice mode is not running; start it first".into(),
    }
    .into()
}

async fn status(state: &AppState) -> PracticeStatus {
    match state.practice().await.as_ref() {
        Some(p) => PracticeStatus {
            running: true,
            profile: Some(PRACTICE_PROFILE.into()),
            securid_profile: Some(PRACTICE_SECURID_PROFILE.into()),
            sign_in_profile: Some(PRACTICE_SIGN_IN_PROFILE.into()),
            origin: Some(p.server.origin()),
        },
        None => PracticeStatus {
            running: false,
            profile: None,
            securid_profile: None,
            sign_in_profile: None,
            origin: None,
        },
    }
}

async fn controls(state: &AppState) -> Result<Controls, Error> {
    state
        .practice()
        .await
        .as_ref()
        .map(|p| p.server.controls())
        .ok_or_else(not_running)
}

#[tauri::command]
pub async fn practice_status(state: State<'_, AppState>) -> Result<PracticeStatus, Error> {
    Ok(status(&state).await)
}

/// Starts the practice server on 127.0.0.1 with demo users; the Practice profile appears.
#[tauri::command]
pub async fn practice_start(state: State<'_, AppState>) -> Result<PracticeStatus, Error> {
    state.start_practice().await?;
    Ok(status(&state).await)
}

/// Stops the practice server; its changes are forgotten.
#[tauri::command]
pub async fn practice_stop(state: State<'_, AppState>) -> Result<PracticeStatus, Error> {
    state.stop_practice().await;
    Ok(status(&state).await)
}

#[tauri::command]
pub async fn practice_users(state: State<'_, AppState>) -> Result<Vec<PracticeUser>, Error> {
    let users = controls(&state)
        .await?
        .users()
        .await
        .map_err(practice_error)?;
    Ok(users
        .into_iter()
        .map(|u| PracticeUser {
            username: u.username,
            status: u.status.to_owned(),
            phone: u.phone.map(|p| PracticePhone {
                number: p.number,
                status: p.status.to_owned(),
            }),
            token: u.token.map(|t| PracticeToken {
                serial: t.serial,
                kind: t.kind,
                status: t.status,
                fail_count: t.fail_count,
                digits: t.digits,
                period: t.period,
            }),
        })
        .collect())
}

#[tauri::command]
pub async fn practice_codes(
    state: State<'_, AppState>,
    serial: String,
) -> Result<PracticeCodes, Error> {
    let c = controls(&state)
        .await?
        .codes(&serial, 3)
        .await
        .map_err(practice_error)?;
    Ok(PracticeCodes {
        serial: c.serial,
        kind: c.kind,
        current: c.codes.current,
        next: c.codes.next,
        seconds_remaining: c.codes.seconds_remaining,
    })
}

/// One login with a wrong code; five in a row lock the token.
#[tauri::command]
pub async fn practice_fail_login(
    state: State<'_, AppState>,
    username: String,
) -> Result<LoginAttempt, Error> {
    let a = controls(&state)
        .await?
        .fail_login(&username)
        .await
        .map_err(practice_error)?;
    Ok(LoginAttempt {
        accepted: a.accepted,
        message: a.message,
    })
}

/// Moves a practice token's device out of step with the server.
#[tauri::command]
pub async fn practice_drift(
    state: State<'_, AppState>,
    serial: String,
    steps: i64,
) -> Result<(), Error> {
    controls(&state)
        .await?
        .drift(&serial, steps)
        .await
        .map_err(practice_error)?;
    Ok(())
}

/// Every practice SecurID identity with its lock states.
#[tauri::command]
pub async fn practice_securid_users(
    state: State<'_, AppState>,
) -> Result<Vec<PracticeSecurIdUser>, Error> {
    let users = controls(&state)
        .await?
        .securid_users()
        .await
        .map_err(practice_error)?;
    Ok(users.into_iter().map(PracticeSecurIdUser::from).collect())
}

/// Locks one of a practice user's SecurID methods, as too many wrong tokencodes would, so an
/// unlock can be rehearsed. `who`: the user's ID, email address or username.
#[tauri::command]
pub async fn practice_securid_lock(
    state: State<'_, AppState>,
    who: String,
    method: UnlockMethod,
) -> Result<PracticeSecurIdUser, Error> {
    let user = controls(&state)
        .await?
        .securid_lock(&who, sim_method(method))
        .await
        .map_err(practice_error)?;
    Ok(user.into())
}

/// The practice admin's sign-in data for the practice panel: password, OTP code, SMS code.
#[tauri::command]
pub async fn practice_sign_in(state: State<'_, AppState>) -> Result<PracticeSignIn, Error> {
    let controls = controls(&state).await?;
    let admin = tokendesk_sim::SignInSpec::practice().admin;
    let view = controls
        .sign_in_admins()
        .into_iter()
        .find(|a| a.username == admin)
        .ok_or_else(|| practice_error(StoreError::UnknownUser(admin.clone())))?;
    let otp = controls.admin_codes(&admin, 1).ok();
    let sms = controls.admin_sms(&admin).ok();
    Ok(PracticeSignIn {
        profile: PRACTICE_SIGN_IN_PROFILE.into(),
        admin,
        password: view.password,
        otp_next: otp.as_ref().and_then(|c| c.next.first().cloned()),
        otp_seconds_remaining: otp.as_ref().map(|c| c.seconds_remaining),
        otp_code: otp.map(|c| c.current),
        sms_seconds_remaining: sms.as_ref().map(|s| s.seconds_remaining),
        sms_code: sms.map(|s| s.code),
        phone: view.phone,
        sessions: view.sessions,
    })
}
