//! SecurID Cloud: find a user, unlock their token, SMS or voice tokencodes. Each recorded in
//! the session's activity, like the CENTAGATE operations.
//!
//! The vendor API has no call that reads lock statuses: they are known only from an unlock's
//! answer, which reports all three — also when it fails part-way (HTTP 500). That failure is
//! therefore not a rejected command but an [`UnlockReport`] holding the statuses beside the
//! failure in the stable error shape, so the screen can show both.

use serde::Serialize;
use tauri::State;
use tokendesk_core::ops::Outcome;
use tokendesk_core::securid::locks::{MethodLocks, UnlockMethod};
use tokendesk_core::securid::users::{LookupUserRequest, SecurIdUser, UnlockMethodsRequest};
use tokendesk_core::vocab::Operation;
use tokendesk_core::{Error, ErrorInfo};
use ts_rs::TS;

use super::tokens::recorded;
use crate::state::AppState;

/// How an unlock ended: the lock status of all three methods as the server reported it, and
/// — when it failed part-way (HTTP 500) — why, in the stable error shape.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnlockReport {
    /// The HTTP status: 200, or 500 when not every method was unlocked.
    pub code: i64,
    /// What happened, in words.
    pub summary: String,
    /// The methods that were asked to be unlocked (TOKEN, SMS, VOICE order).
    pub requested: Vec<UnlockMethod>,
    /// All three statuses after the attempt.
    pub locks: MethodLocks,
    /// Why the unlock did not complete; null when it did.
    pub failure: Option<ErrorInfo>,
}

/// Finds a SecurID user by email address or username: their ID, name, status and whether
/// SMS and voice tokencodes are on.
#[tauri::command]
pub async fn securid_lookup(
    state: State<'_, AppState>,
    profile: String,
    request: LookupUserRequest,
) -> Result<Outcome<SecurIdUser>, Error> {
    let who = request.value.clone();
    recorded(
        &state,
        &profile,
        Operation::LookupUser,
        who,
        |s| async move { s.lookup_user(&request).await },
    )
    .await
}

/// Unlocks the chosen tokencode methods of a user (by the ID a lookup gave). `user` is how
/// the person found them (an email address or username), for the activity list. A failure
/// part-way (HTTP 500) answers a report with the statuses and the failure; every other
/// failure rejects with the stable error shape.
#[tauri::command]
pub async fn securid_unlock(
    state: State<'_, AppState>,
    profile: String,
    request: UnlockMethodsRequest,
    user: Option<String>,
) -> Result<UnlockReport, Error> {
    let who = user
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| request.user_id.clone());
    // As core sends them: each once, in the order TOKEN, SMS, VOICE.
    let mut requested = request.methods.clone();
    requested.sort();
    requested.dedup();
    let result = recorded(
        &state,
        &profile,
        Operation::UnlockMethods,
        who,
        |s| async move { s.unlock_methods(&request).await },
    )
    .await;
    match result {
        Ok(outcome) => Ok(UnlockReport {
            code: outcome.code,
            summary: outcome.summary,
            requested,
            locks: outcome.object,
            failure: None,
        }),
        Err(Error::UnlockIncomplete(u)) => {
            let failure = Error::UnlockIncomplete(u.clone()).info();
            let asked: Vec<&str> = u.requested.iter().map(|m| m.label()).collect();
            Ok(UnlockReport {
                code: 500,
                summary: format!(
                    "Asked to unlock {} for user {}, but the server failed part-way (HTTP 500). Now: {}.",
                    asked.join(", "),
                    u.locks.user_id,
                    u.locks.words()
                ),
                requested: u.requested,
                locks: u.locks,
                failure: Some(failure),
            })
        }
        Err(e) => Err(e),
    }
}
