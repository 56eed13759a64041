//! Practice controls under `/practice` (only with `practice = true`): read the codes a token
//! shows, log users in, lock, suspend or drift tokens, lock SecurID methods, start over. Plain JSON, proper HTTP
//! statuses, no cenToken: they serve the practice panel on the machine the server binds to.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::controls::{CodesView, Controls, LoginView};
use crate::fixture::SecurIdMethod;
use crate::securid_auth::KeyFile;
use crate::server::AppState;
use crate::signin::{AdminCodesView, SignInAdminView, SignInControlError, SmsView};
use crate::store::{SecurIdUser, StoreError, TokenView, UserView};

mod helpdesk;

/// The path prefix of every practice route.
pub const PREFIX: &str = "/practice";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/practice/users", get(users))
        .route("/practice/tokens", get(tokens))
        .route("/practice/tokens/{serial}", get(token))
        .route("/practice/tokens/{serial}/codes", get(codes))
        .route("/practice/tokens/{serial}/lock", post(lock))
        .route("/practice/tokens/{serial}/suspend", post(suspend))
        .route("/practice/tokens/{serial}/drift", post(drift))
        .route("/practice/login", post(login))
        .route("/practice/reset", post(reset))
        .route("/practice/securid/users", get(securid_users))
        .route("/practice/securid/users/{who}", get(securid_user))
        .route("/practice/securid/users/{who}/lock", post(securid_lock))
        .route("/practice/securid/users/{who}/stuck", post(securid_stuck))
        .route("/practice/securid/key-file", get(securid_key_file))
        .route("/practice/admins", get(admins))
        .route("/practice/admins/{admin}/codes", get(admin_codes))
        .route("/practice/admins/{admin}/sms", get(admin_sms))
        .route("/practice/admins/{admin}/blocked", post(admin_blocked))
        .route(
            "/practice/admins/{admin}/end-sessions",
            post(admin_end_sessions),
        )
        .merge(helpdesk::routes())
}

/// A practice failure: an HTTP status and `{"error": ...}`.
#[derive(Debug)]
struct Failure(StatusCode, String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Failure {
        let status = match &err {
            StoreError::UnknownUser(_) | StoreError::UnknownToken(_) => StatusCode::NOT_FOUND,
            StoreError::Conflict(_) | StoreError::Refused(_) => StatusCode::CONFLICT,
            StoreError::Db(_) | StoreError::TaskFailed => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Failure(status, err.to_string())
    }
}

fn bad_request(what: impl std::fmt::Display) -> Failure {
    Failure(StatusCode::BAD_REQUEST, what.to_string())
}

fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("body: {e}")))
}

fn serial(path: Result<Path<String>, PathRejection>) -> Result<String, Failure> {
    path.map(|Path(s)| s).map_err(bad_request)
}

type Answer<T> = Result<Json<T>, Failure>;

fn controls(state: &AppState) -> Controls {
    Controls::new(
        state.store.clone(),
        state.fixture.clone(),
        state.sign_ins.clone(),
    )
}

async fn users(State(state): State<AppState>) -> Answer<Vec<UserView>> {
    Ok(Json(controls(&state).users().await?))
}

async fn tokens(State(state): State<AppState>) -> Answer<Vec<TokenView>> {
    Ok(Json(controls(&state).tokens().await?))
}

async fn token(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<TokenView> {
    Ok(Json(controls(&state).token(&serial(path)?).await?))
}

#[derive(Deserialize)]
struct CodesQuery {
    count: Option<usize>,
}

async fn codes(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<CodesQuery>, QueryRejection>,
) -> Answer<CodesView> {
    let Query(query) = query.map_err(bad_request)?;
    let count = query.count.unwrap_or(3);
    Ok(Json(controls(&state).codes(&serial(path)?, count).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    code: String,
}

/// `POST /practice/login` answers HTTP 200 whether or not the code was accepted.
async fn login(State(state): State<AppState>, body: Bytes) -> Answer<LoginView> {
    let request: LoginRequest = json_body(&body)?;
    Ok(Json(
        controls(&state)
            .login(&request.username, &request.code)
            .await?,
    ))
}

async fn lock(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<TokenView> {
    Ok(Json(controls(&state).lock(&serial(path)?).await?))
}

async fn suspend(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<TokenView> {
    Ok(Json(controls(&state).suspend(&serial(path)?).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DriftRequest {
    steps: i64,
}

async fn drift(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Answer<TokenView> {
    let serial = serial(path)?;
    let DriftRequest { steps } = json_body(&body)?;
    Ok(Json(controls(&state).drift(&serial, steps).await?))
}

async fn reset(State(state): State<AppState>) -> Result<StatusCode, Failure> {
    controls(&state).reset().await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn securid_users(State(state): State<AppState>) -> Answer<Vec<SecurIdUser>> {
    Ok(Json(controls(&state).securid_users().await?))
}

async fn securid_user(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<SecurIdUser> {
    Ok(Json(controls(&state).securid_user(&serial(path)?).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LockRequest {
    method: SecurIdMethod,
}

async fn securid_lock(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Answer<SecurIdUser> {
    let who = serial(path)?;
    let LockRequest { method } = json_body(&body)?;
    Ok(Json(controls(&state).securid_lock(&who, method).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StuckRequest {
    method: SecurIdMethod,
    #[serde(default = "yes")]
    stuck: bool,
}

fn yes() -> bool {
    true
}

async fn securid_stuck(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Answer<SecurIdUser> {
    let who = serial(path)?;
    let StuckRequest { method, stuck } = json_body(&body)?;
    Ok(Json(
        controls(&state)
            .securid_set_stuck(&who, method, stuck)
            .await?,
    ))
}

/// The server's SecurID key file — only while it is the public practice key: a key given
/// with `--securid-key` is a credential, and this route asks for none (404 then).
async fn securid_key_file(State(state): State<AppState>) -> Result<Json<KeyFile>, Failure> {
    let file = state.securid.verifier.key_file();
    if !state.securid.verifier.key().is_practice() {
        return Err(Failure(
            StatusCode::NOT_FOUND,
            "this server was given its own SecurID key: it serves only the public practice key"
                .into(),
        ));
    }
    Ok(Json(file))
}

impl From<SignInControlError> for Failure {
    fn from(err: SignInControlError) -> Failure {
        Failure(StatusCode::NOT_FOUND, err.to_string())
    }
}

async fn admins(State(state): State<AppState>) -> Json<Vec<SignInAdminView>> {
    Json(controls(&state).sign_in_admins())
}

async fn admin_codes(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<CodesQuery>, QueryRejection>,
) -> Answer<AdminCodesView> {
    let Query(query) = query.map_err(bad_request)?;
    let count = query.count.unwrap_or(3);
    Ok(Json(controls(&state).admin_codes(&serial(path)?, count)?))
}

async fn admin_sms(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<SmsView> {
    Ok(Json(controls(&state).admin_sms(&serial(path)?)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockedRequest {
    #[serde(default = "yes")]
    blocked: bool,
}

async fn admin_blocked(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Answer<SignInAdminView> {
    let admin = serial(path)?;
    let BlockedRequest { blocked } = json_body(&body)?;
    Ok(Json(controls(&state).set_admin_blocked(&admin, blocked)?))
}

async fn admin_end_sessions(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<SignInAdminView> {
    Ok(Json(controls(&state).end_admin_sessions(&serial(path)?)?))
}
