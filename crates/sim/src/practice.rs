//! Practice controls under `/practice` (only with `practice = true`): read the codes a token
//! shows, log users in, lock, suspend or drift tokens, start over. Plain JSON, proper HTTP
//! statuses, no cenToken: they serve the practice panel on the machine the server binds to.

use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::server::AppState;
use crate::store::{StoreError, TokenView};
use crate::token::{DeviceCodes, LoginOutcome, Token};

/// The path prefix of every practice route.
pub const PREFIX: &str = "/practice";

/// Most codes `GET .../codes?count=N` returns after the current one.
const MAX_NEXT_CODES: usize = 20;

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

async fn users(State(state): State<AppState>) -> Answer<Vec<crate::store::UserView>> {
    Ok(Json(state.store.users().await?))
}

async fn tokens(State(state): State<AppState>) -> Answer<Vec<TokenView>> {
    Ok(Json(state.store.tokens().await?))
}

async fn token(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<TokenView> {
    let token = state.store.token(serial(path)?).await?;
    Ok(Json(TokenView::from(&token)))
}

#[derive(Deserialize)]
struct CodesQuery {
    count: Option<usize>,
}

/// What `GET /practice/tokens/{serial}/codes` answers.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodesView {
    serial: String,
    kind: crate::token::OtpKind,
    digits: u32,
    period: Option<u64>,
    #[serde(flatten)]
    codes: DeviceCodes,
}

async fn codes(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<CodesQuery>, QueryRejection>,
) -> Answer<CodesView> {
    let Query(query) = query.map_err(bad_request)?;
    let count = query.count.unwrap_or(3).min(MAX_NEXT_CODES);
    let token: Token = state.store.token(serial(path)?).await?;
    Ok(Json(CodesView {
        codes: token.device_codes(state.now(), count),
        serial: token.serial,
        kind: token.kind,
        digits: token.digits,
        period: (token.kind == crate::token::OtpKind::Totp).then_some(token.period),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    username: String,
    code: String,
}

/// What `POST /practice/login` answers (HTTP 200 whether or not the code was accepted).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginView {
    accepted: bool,
    /// `accepted`, `rejected` or `notUsable`.
    outcome: &'static str,
    message: String,
    token: TokenView,
}

async fn login(State(state): State<AppState>, body: Bytes) -> Answer<LoginView> {
    let request: LoginRequest = json_body(&body)?;
    let code = request.code.trim().to_string();
    let (token, outcome) = state
        .store
        .login(request.username, code, state.now())
        .await?;
    let (accepted, name, message) = match outcome {
        LoginOutcome::Accepted => (true, "accepted", "code accepted".to_string()),
        LoginOutcome::Rejected { fail_count, locked } => (
            false,
            "rejected",
            if locked {
                format!("wrong code; {fail_count} failures in a row locked the token")
            } else {
                format!("wrong code ({fail_count} in a row)")
            },
        ),
        LoginOutcome::NotUsable { status } => (
            false,
            "notUsable",
            format!("the token is {}", status.as_str()),
        ),
    };
    Ok(Json(LoginView {
        accepted,
        outcome: name,
        message,
        token: TokenView::from(&token),
    }))
}

async fn lock(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<TokenView> {
    let token = state
        .store
        .update_token(serial(path)?, |t| {
            if t.lock() {
                Ok(())
            } else {
                Err(format!(
                    "cannot lock {} while it is {}",
                    t.serial,
                    t.status.as_str()
                ))
            }
        })
        .await?;
    Ok(Json(TokenView::from(&token)))
}

async fn suspend(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Answer<TokenView> {
    let token = state
        .store
        .update_token(serial(path)?, |t| {
            if t.suspend() {
                Ok(())
            } else {
                Err(format!(
                    "cannot suspend {} while it is {}",
                    t.serial,
                    t.status.as_str()
                ))
            }
        })
        .await?;
    Ok(Json(TokenView::from(&token)))
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
    let token = state
        .store
        .update_token(serial, move |t| {
            if t.add_drift(steps) {
                Ok(())
            } else {
                Err(format!(
                    "{} is an HOTP token: its device cannot go back",
                    t.serial
                ))
            }
        })
        .await?;
    Ok(Json(TokenView::from(&token)))
}

async fn reset(State(state): State<AppState>) -> Result<StatusCode, Failure> {
    state.store.reset(state.fixture.clone()).await?;
    Ok(StatusCode::NO_CONTENT)
}
