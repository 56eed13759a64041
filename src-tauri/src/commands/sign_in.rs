//! A CENTAGATE administrator signing in and out of a profile that signs in: password, then
//! the second factor the server asks for (an OTP code, or an SMS code it sends), and the
//! session's status for the profile list. Each step is one call into core's `sign_in`, which
//! records it and keeps the session in the OS store.
//!
//! The password and the codes arrive as [`Secret`]s and are never answered, logged or
//! evented; the first step's auth token stays in [`AppState`] until the code is given.

use serde::Serialize;
use tauri::State;
use tokendesk_core::centagate::session::FactorName;
use tokendesk_core::sign_in::{self, SessionStatus, SignInState, SignedIn, SignedOut, SmsCodeSent};
use tokendesk_core::{Error, Secret};
use ts_rs::TS;

use super::blocking;
use crate::state::{AppState, PendingSignIn};

/// What the password led to: signed in, or a code is needed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
#[ts(export)]
pub enum SignInProgress {
    /// The password alone signed in.
    #[serde(rename_all = "camelCase")]
    SignedIn { signed_in: SignedIn },
    /// The server wants a second factor: one of `offered`, `suggested` first (OTP when
    /// offered). Give it with `sign_in_code` (an SMS code after `sign_in_send_sms`).
    #[serde(rename_all = "camelCase")]
    CodeNeeded {
        offered: Vec<FactorName>,
        suggested: FactorName,
    },
}

/// The first step: the administrator's password. A code the server asks for next is given
/// with `sign_in_code`; until then the sign-in waits here (a new one replaces it).
#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    profile: String,
    password: Secret,
) -> Result<SignInProgress, Error> {
    state.drop_sign_in(&profile);
    let sign_in = state.sign_in(&profile).await?;
    match sign_in.password(&password).await? {
        SignInState::SignedIn(signed_in) => {
            state.forget_session(&profile);
            Ok(SignInProgress::SignedIn { signed_in })
        }
        SignInState::SecondFactor(needed) => {
            let suggested = needed.choose(false, sign_in.profile())?;
            let offered = needed.offered().to_vec();
            state.keep_sign_in(&profile, PendingSignIn { sign_in, needed });
            Ok(SignInProgress::CodeNeeded { offered, suggested })
        }
    }
}

/// Asks the server to text the administrator a sign-in code (the code itself never comes
/// here: the vendor's answer carries it, and core drops it unread).
#[tauri::command]
pub async fn sign_in_send_sms(
    state: State<'_, AppState>,
    profile: String,
) -> Result<SmsCodeSent, Error> {
    let p = state.pending_sign_in(&profile)?;
    p.sign_in.send_sms(&p.needed).await
}

/// The second step: the code from the administrator's OTP token, or the SMS code. Signed
/// in, the profile's next action uses the new session. A wrong code keeps the sign-in
/// waiting, so the person can try again.
#[tauri::command]
pub async fn sign_in_code(
    state: State<'_, AppState>,
    profile: String,
    factor: FactorName,
    code: Secret,
) -> Result<SignedIn, Error> {
    let p = state.pending_sign_in(&profile)?;
    let signed_in = p.sign_in.code(&p.needed, factor, &code).await?;
    state.drop_sign_in(&profile);
    state.forget_session(&profile);
    Ok(signed_in)
}

/// Drops a sign-in waiting for its code (the dialog was closed).
#[tauri::command]
pub async fn sign_in_cancel(state: State<'_, AppState>, profile: String) -> Result<(), Error> {
    state.drop_sign_in(&profile);
    Ok(())
}

/// Ends the profile's session at the server and deletes it here, also when the server
/// cannot be told (then the error says its session lives on until its timeout).
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, profile: String) -> Result<SignedOut, Error> {
    state.sign_out(&profile).await
}

/// Whether the profile is signed in and until when; null for a profile that does not sign in.
#[tauri::command]
pub async fn session_status(
    state: State<'_, AppState>,
    profile: String,
) -> Result<Option<SessionStatus>, Error> {
    let p = state.profile(&profile).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    blocking(move || sign_in::session_status(&p, now)).await
}
