//! Practice mode: the embedded practice server with demo users, and the panel's controls
//! (read a token's codes, fail a login, add drift) so every operation can be rehearsed.

use serde::Serialize;
use tauri::State;
use tokendesk_core::{ConfigError, Error};
use tokendesk_sim::{Controls, OtpKind, StoreError, TokenStatus};
use ts_rs::TS;

use crate::state::{AppState, PRACTICE_PROFILE};

/// Whether practice mode runs, and where.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeStatus {
    pub running: bool,
    pub profile: Option<String>,
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

/// The answer to a practice login.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LoginAttempt {
    /// Whether the login succeeded (never, for a deliberately wrong code).
    pub accepted: bool,
    pub message: String,
}

fn practice_error(e: StoreError) -> Error {
    match e {
        StoreError::UnknownUser(u) => Error::input(
            tokendesk_core::validate::Field::Username,
            format!("no practice user named {u}"),
        ),
        StoreError::UnknownToken(t) => Error::input(
            tokendesk_core::validate::Field::Serial,
            format!("no practice token {t}"),
        ),
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
            origin: Some(p.server.origin()),
        },
        None => PracticeStatus {
            running: false,
            profile: None,
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
