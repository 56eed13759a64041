//! Practice controls for the help-desk cases: lock a user account, the practice switches,
//! SecurID 700 hardware tokens and emergency tokencodes (view, and sign in with one).

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::{bad_request, controls, json_body, serial, Answer};
use crate::controls::EmergencyLoginView;
use crate::server::AppState;
use crate::store::{EmergencyCodeView, SidTokenView, Switches, UserView};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/practice/users/{username}/lock", post(lock_user))
        .route("/practice/switches", get(switches).post(set_switches))
        .route("/practice/securid/tokens", get(securid_tokens))
        .route("/practice/securid/tokens/{serial}", get(securid_token))
        .route(
            "/practice/securid/emergency-codes",
            get(securid_emergency_codes),
        )
        .route("/practice/securid/login", post(securid_login))
}

type PathText = Result<Path<String>, PathRejection>;

async fn lock_user(State(state): State<AppState>, path: PathText) -> Answer<UserView> {
    Ok(Json(controls(&state).lock_user(&serial(path)?).await?))
}

async fn switches(State(state): State<AppState>) -> Answer<Switches> {
    Ok(Json(controls(&state).switches().await?))
}

/// Sets every switch: one left out goes back to its default.
async fn set_switches(State(state): State<AppState>, body: Bytes) -> Answer<Switches> {
    let switches: Switches = json_body(&body)?;
    if switches
        .otp_token_type
        .is_some_and(|t| !(1..=4).contains(&t))
    {
        return Err(bad_request("otpTokenType must be 1, 2, 3, 4 or null"));
    }
    Ok(Json(controls(&state).set_switches(switches).await?))
}

async fn securid_tokens(State(state): State<AppState>) -> Answer<Vec<SidTokenView>> {
    Ok(Json(controls(&state).securid_tokens().await?))
}

async fn securid_token(State(state): State<AppState>, path: PathText) -> Answer<SidTokenView> {
    Ok(Json(controls(&state).securid_token(&serial(path)?).await?))
}

async fn securid_emergency_codes(State(state): State<AppState>) -> Answer<Vec<EmergencyCodeView>> {
    Ok(Json(controls(&state).securid_emergency_codes().await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecurIdLoginRequest {
    /// User id, email or username.
    who: String,
    tokencode: String,
}

/// `POST /practice/securid/login` answers HTTP 200 whether or not the code was accepted.
async fn securid_login(State(state): State<AppState>, body: Bytes) -> Answer<EmergencyLoginView> {
    let SecurIdLoginRequest { who, tokencode } = json_body(&body)?;
    Ok(Json(
        controls(&state).securid_login(&who, &tokencode).await?,
    ))
}
