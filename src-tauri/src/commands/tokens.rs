//! The admin operations on a user; core records each in the audit log (as a step of `case`,
//! when a guided flow gives one).

use serde_json::Value;
use tauri::State;
use tokendesk_core::audit::{in_case, Case};
use tokendesk_core::centagate::methods::AuthMethods;
use tokendesk_core::ops::{Outcome, RegisterTokenRequest, SyncTokenRequest, UserRequest};
use tokendesk_core::Error;

use crate::state::AppState;

/// The authentication methods bound to a user.
#[tauri::command]
pub async fn list_methods(
    state: State<'_, AppState>,
    profile: String,
    request: UserRequest,
    case: Option<Case>,
) -> Result<Outcome<AuthMethods>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.list_methods(&request)).await
}

/// Registers an SMS number or a hardware token to a user.
#[tauri::command]
pub async fn register_token(
    state: State<'_, AppState>,
    profile: String,
    request: RegisterTokenRequest,
    case: Option<Case>,
) -> Result<Outcome<Value>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.register_token(&request)).await
}

/// Resynchronises a user's OTP token with two consecutive codes.
#[tauri::command]
pub async fn sync_token(
    state: State<'_, AppState>,
    profile: String,
    request: SyncTokenRequest,
) -> Result<Outcome<Value>, Error> {
    state.session(&profile).await?.sync_token(&request).await
}

/// Unlocks a user's locked or suspended OTP token.
#[tauri::command]
pub async fn unlock_token(
    state: State<'_, AppState>,
    profile: String,
    request: UserRequest,
) -> Result<Outcome<Value>, Error> {
    state.session(&profile).await?.unlock_token(&request).await
}
