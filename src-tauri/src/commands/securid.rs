//! SecurID Cloud: find a user, unlock their token, SMS or voice tokencodes. Core records each
//! in the audit log, like the CENTAGATE operations.
//!
//! The vendor API has no call that reads lock statuses: they are known only from an unlock's
//! answer, which reports all three — also when it fails part-way (HTTP 500). Core therefore
//! answers an [`UnlockReport`] holding the statuses beside the failure in that case.

use tauri::State;
use tokendesk_core::ops::{Outcome, UnlockReport};
use tokendesk_core::securid::users::{LookupUserRequest, SecurIdUser, UnlockMethodsRequest};
use tokendesk_core::Error;

use crate::state::AppState;

/// Finds a SecurID user by email address or username: their ID, name, status and whether
/// SMS and voice tokencodes are on.
#[tauri::command]
pub async fn securid_lookup(
    state: State<'_, AppState>,
    profile: String,
    request: LookupUserRequest,
) -> Result<Outcome<SecurIdUser>, Error> {
    state.session(&profile).await?.lookup_user(&request).await
}

/// Unlocks the chosen tokencode methods of a user (by the ID a lookup gave). `user` is how
/// the person found them (an email address or username), for the audit log. A failure
/// part-way (HTTP 500) answers a report with the statuses and the failure; every other
/// failure rejects with the stable error shape.
#[tauri::command]
pub async fn securid_unlock(
    state: State<'_, AppState>,
    profile: String,
    request: UnlockMethodsRequest,
    user: Option<String>,
) -> Result<UnlockReport, Error> {
    let who = user.unwrap_or_default();
    state
        .session(&profile)
        .await?
        .unlock_report(&request, &who)
        .await
}
