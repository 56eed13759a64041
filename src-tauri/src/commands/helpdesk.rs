//! The help desk's wider day, on both servers: token removal and status, account unlock,
//! enable and disable, SecurID search, emergency tokencodes, methods and hardware tokens —
//! and the guided flows' cases. Each command is one call into core; `case` (optional) makes
//! the action a step of that case in the audit log ([`in_case`]).

use serde_json::Value;
use tauri::State;
use tokendesk_core::audit::{in_case, Case};
use tokendesk_core::confirm::ChangeRequest;
use tokendesk_core::ops::{
    identity_checks, CloseCaseRequest, ConfirmIdentityRequest, IdentityCheck, IssuedCode,
    OpenCaseRequest, Outcome, SetTokenStatusRequest, TokenStateView, UserRequest, UserTokenRequest,
};
use tokendesk_core::securid::helpdesk::{
    EmergencyCodeRequest, HardwareToken, HardwareTokenRequest, SearchUsersRequest, SecurIdMethods,
    UserSearch,
};
use tokendesk_core::securid::locks::{MethodLocks, UnlockMethod};
use tokendesk_core::securid::users::{LookupUserRequest, SecurIdUser};
use tokendesk_core::Error;

use crate::state::AppState;

/// The question to ask before a destructive change (None: it needs no confirmation), naming
/// the user, the token and — when it is — the profile's own admin account.
#[tauri::command]
pub async fn confirm_question(
    state: State<'_, AppState>,
    profile: String,
    change: ChangeRequest,
) -> Result<Option<String>, Error> {
    Ok(change.question(&state.profile(&profile).await?))
}

/// The identity checks a guided flow asks the administrator to tick.
#[tauri::command]
pub fn identity_checks_list() -> Vec<IdentityCheck> {
    identity_checks()
}

/// Opens a case (a guided flow's id, with the ticket number), recorded.
#[tauri::command]
pub async fn open_case(
    state: State<'_, AppState>,
    profile: String,
    request: OpenCaseRequest,
) -> Result<Outcome<Case>, Error> {
    state.session(&profile).await?.open_case(&request).await
}

/// Records the identity checks of a case (all must be ticked).
#[tauri::command]
pub async fn confirm_identity(
    state: State<'_, AppState>,
    profile: String,
    case: Case,
    request: ConfirmIdentityRequest,
) -> Result<Outcome<()>, Error> {
    let session = state.session(&profile).await?;
    session.confirm_identity(&case, &request).await
}

/// Ends a case: finished, or stopped at a step (then unfinished in the audit log).
#[tauri::command]
pub async fn close_case(
    state: State<'_, AppState>,
    profile: String,
    case: Case,
    request: CloseCaseRequest,
) -> Result<Outcome<()>, Error> {
    let session = state.session(&profile).await?;
    session.close_case(&case, &request).await
}

/// CENTAGATE: removes a user's token of one kind.
#[tauri::command]
pub async fn unregister_token(
    state: State<'_, AppState>,
    profile: String,
    request: UserTokenRequest,
    case: Option<Case>,
) -> Result<Outcome<Value>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.unregister_token(&request)).await
}

/// CENTAGATE: a user's token status of one kind.
#[tauri::command]
pub async fn token_status(
    state: State<'_, AppState>,
    profile: String,
    request: UserTokenRequest,
    case: Option<Case>,
) -> Result<Outcome<TokenStateView>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.token_status(&request)).await
}

/// CENTAGATE: sets a user's token of one kind to a status.
#[tauri::command]
pub async fn set_token_status(
    state: State<'_, AppState>,
    profile: String,
    request: SetTokenStatusRequest,
    case: Option<Case>,
) -> Result<Outcome<Value>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.set_token_status(&request)).await
}

/// CENTAGATE: unlocks a locked user account.
#[tauri::command]
pub async fn unlock_user(
    state: State<'_, AppState>,
    profile: String,
    request: UserRequest,
    case: Option<Case>,
) -> Result<Outcome<Value>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.unlock_user(&request)).await
}

/// CENTAGATE: enables (`enable`) or disables a user account.
#[tauri::command]
pub async fn set_user_enabled(
    state: State<'_, AppState>,
    profile: String,
    request: UserRequest,
    enable: bool,
    case: Option<Case>,
) -> Result<Outcome<Value>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.set_user_enabled(&request, enable)).await
}

/// SecurID: users whose email address contains some text.
#[tauri::command]
pub async fn securid_search(
    state: State<'_, AppState>,
    profile: String,
    request: SearchUsersRequest,
) -> Result<Outcome<UserSearch>, Error> {
    state.session(&profile).await?.search_users(&request).await
}

/// SecurID: enables (`enable`) or disables a user.
#[tauri::command]
pub async fn securid_set_user_enabled(
    state: State<'_, AppState>,
    profile: String,
    who: LookupUserRequest,
    enable: bool,
    case: Option<Case>,
) -> Result<Outcome<SecurIdUser>, Error> {
    let session = state.session(&profile).await?;
    in_case(
        case.as_ref(),
        session.securid_set_user_enabled(&who, enable),
    )
    .await
}

/// SecurID: issues an emergency tokencode, shown once (the audit log records that it was
/// issued, to whom and until when — never the code).
#[tauri::command]
pub async fn securid_emergency_code(
    state: State<'_, AppState>,
    profile: String,
    who: LookupUserRequest,
    request: EmergencyCodeRequest,
    case: Option<Case>,
) -> Result<Outcome<IssuedCode>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.emergency_code(&who, &request)).await
}

/// SecurID: the methods bound to a user, hardware tokens included.
#[tauri::command]
pub async fn securid_methods(
    state: State<'_, AppState>,
    profile: String,
    who: LookupUserRequest,
    case: Option<Case>,
) -> Result<Outcome<SecurIdMethods>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.securid_methods(&who)).await
}

/// SecurID: a hardware token by serial.
#[tauri::command]
pub async fn securid_lookup_token(
    state: State<'_, AppState>,
    profile: String,
    request: HardwareTokenRequest,
) -> Result<Outcome<HardwareToken>, Error> {
    state.session(&profile).await?.lookup_token(&request).await
}

/// SecurID: assigns (`assign`) a hardware token to a user, or unassigns it.
#[tauri::command]
pub async fn securid_assign_token(
    state: State<'_, AppState>,
    profile: String,
    who: LookupUserRequest,
    request: HardwareTokenRequest,
    assign: bool,
    case: Option<Case>,
) -> Result<Outcome<HardwareToken>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.assign_token(&who, &request, assign)).await
}

/// SecurID: finds a user and unlocks the chosen tokencode methods, in one recorded action.
#[tauri::command]
pub async fn securid_unlock_user(
    state: State<'_, AppState>,
    profile: String,
    who: LookupUserRequest,
    methods: Vec<UnlockMethod>,
    case: Option<Case>,
) -> Result<Outcome<MethodLocks>, Error> {
    let session = state.session(&profile).await?;
    in_case(case.as_ref(), session.unlock_found_user(&who, &methods)).await
}
