//! The admin operations on a user, each recorded in the session's activity.

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;
use tauri::State;
use tokendesk_core::activity::ActivityEntry;
use tokendesk_core::centagate::methods::AuthMethods;
use tokendesk_core::ops::{Outcome, RegisterTokenRequest, Session, SyncTokenRequest, UserRequest};
use tokendesk_core::vocab::Operation;
use tokendesk_core::Error;

use crate::state::AppState;

/// Runs one operation on the profile's session and records it in the activity.
pub(crate) async fn recorded<T, Fut>(
    state: &AppState,
    profile: &str,
    operation: Operation,
    username: String,
    run: impl FnOnce(Arc<Session>) -> Fut,
) -> Result<Outcome<T>, Error>
where
    Fut: Future<Output = Result<Outcome<T>, Error>>,
{
    let result = match state.session(profile).await {
        Ok(session) => run(session).await,
        Err(e) => Err(e),
    };
    state
        .activity()
        .record(profile, operation, &username, result)
}

/// The authentication methods bound to a user.
#[tauri::command]
pub async fn list_methods(
    state: State<'_, AppState>,
    profile: String,
    request: UserRequest,
) -> Result<Outcome<AuthMethods>, Error> {
    let user = request.username.clone();
    recorded(
        &state,
        &profile,
        Operation::ListMethods,
        user,
        |s| async move { s.list_methods(&request).await },
    )
    .await
}

/// Registers an SMS number or a hardware token to a user.
#[tauri::command]
pub async fn register_token(
    state: State<'_, AppState>,
    profile: String,
    request: RegisterTokenRequest,
) -> Result<Outcome<Value>, Error> {
    let user = request.username.clone();
    recorded(
        &state,
        &profile,
        Operation::Register,
        user,
        |s| async move { s.register_token(&request).await },
    )
    .await
}

/// Resynchronises a user's OTP token with two consecutive codes.
#[tauri::command]
pub async fn sync_token(
    state: State<'_, AppState>,
    profile: String,
    request: SyncTokenRequest,
) -> Result<Outcome<Value>, Error> {
    let user = request.username.clone();
    recorded(&state, &profile, Operation::Sync, user, |s| async move {
        s.sync_token(&request).await
    })
    .await
}

/// Unlocks a user's locked or suspended OTP token.
#[tauri::command]
pub async fn unlock_token(
    state: State<'_, AppState>,
    profile: String,
    request: UserRequest,
) -> Result<Outcome<Value>, Error> {
    let user = request.username.clone();
    recorded(&state, &profile, Operation::Unlock, user, |s| async move {
        s.unlock_token(&request).await
    })
    .await
}

/// The actions taken since the app started, oldest first.
#[tauri::command]
pub async fn activity(state: State<'_, AppState>) -> Result<Vec<ActivityEntry>, Error> {
    Ok(state.activity().entries())
}
