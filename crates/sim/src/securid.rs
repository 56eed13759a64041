//! The practice RSA SecurID Cloud Access Service: the help-desk calls of the Cloud
//! Administration REST API under `/AdminInterface/restapi/v1`, as the vendor documents them.
//!
//! Every call passes, in this order: the rate limit (429), the JWT (403), then the call's own
//! checks (415 wrong Content-Type on lookup, 400 bad id or body, 404 no such user). Error
//! answers are `{"status": n, "error": reason phrase, "message": short text}`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::fixture::{is_securid_id, SecurIdMethod};
use crate::rate_limit::{retry_after_secs, Limiter};
use crate::securid_auth::{Verifier, SECURID_API_PATH};
use crate::server::AppState;
use crate::store::{SecurIdLookup, SecurIdUser, StoreError};

/// What the SecurID routes share: the token verifier and the rate limiter.
#[derive(Debug)]
pub struct SecurIdService {
    pub verifier: Verifier,
    pub limiter: Option<Limiter>,
}

/// The SecurID routes (their paths include [`SECURID_API_PATH`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{SECURID_API_PATH}/users/lookup"), post(lookup))
        .route(
            &format!("{SECURID_API_PATH}/users/{{user_id}}/methods"),
            patch(unlock),
        )
        .merge(crate::securid_helpdesk::routes())
}

/// An error answer: `{"status", "error", "message"}`.
pub fn problem(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({
            "status": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": message,
        })),
    )
        .into_response()
}

/// Axum middleware in front of every SecurID call: rate limit, then the JWT.
pub async fn guard(
    State(service): State<Arc<SecurIdService>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(limiter) = &service.limiter {
        if let Err(wait) = limiter.take(Instant::now()) {
            tracing::info!(path = request.uri().path(), status = 429, "rate limited");
            let mut response = problem(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests: slow down and try again later",
            );
            if limiter.limit().retry_after {
                let secs = retry_after_secs(wait).to_string();
                if let Ok(value) = HeaderValue::from_str(&secs) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            return response;
        }
    }
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    if let Err(why) = service
        .verifier
        .check(authorization, crate::controls::now())
    {
        // The reason only: never the token.
        tracing::info!(path = request.uri().path(), status = 403, reason = %why, "token refused");
        return problem(StatusCode::FORBIDDEN, &why.to_string());
    }
    next.run(request).await
}

pub(crate) fn log(call: &'static str, response: Response) -> Response {
    tracing::info!(call, status = response.status().as_u16(), "answered");
    response
}

pub(crate) fn store_failure(err: StoreError) -> Response {
    match err {
        StoreError::UnknownUser(_) => problem(StatusCode::NOT_FOUND, "user not found"),
        StoreError::UnknownToken(_) => problem(StatusCode::NOT_FOUND, "token not found"),
        StoreError::Conflict(why) => problem(StatusCode::CONFLICT, &why),
        StoreError::Db(e) => {
            tracing::error!(error = %e, "database error");
            problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
        other => {
            tracing::error!(error = %other, "store failure");
            problem(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, &'static str> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the request body must be a JSON object"),
        Err(_) => Err("the request body is not valid JSON"),
    }
}

/// `POST /users/lookup` answer: the User Details.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserDetails<'a> {
    id: &'a str,
    email_address: &'a str,
    first_name: &'a str,
    last_name: &'a str,
    user_status: &'static str,
    identity_source: &'a str,
    mark_deleted: bool,
    high_risk_user: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    sms_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voice_number: Option<&'a str>,
}

impl<'a> From<&'a SecurIdUser> for UserDetails<'a> {
    fn from(u: &'a SecurIdUser) -> Self {
        UserDetails {
            id: &u.id,
            email_address: &u.email,
            first_name: &u.first_name,
            last_name: &u.last_name,
            user_status: u.status.as_str(),
            identity_source: &u.identity_source,
            mark_deleted: u.mark_deleted,
            high_risk_user: u.high_risk,
            sms_number: u.sms_number.as_deref(),
            voice_number: u.voice_number.as_deref(),
        }
    }
}

/// The body of a lookup: exactly one of `email` / `username` (a non-empty string), optional
/// boolean `searchUnsynched` (ignored), nothing else.
fn lookup_key(body: &[u8]) -> Result<SecurIdLookup, &'static str> {
    let map = object(body)?;
    if map
        .keys()
        .any(|k| !matches!(k.as_str(), "email" | "username" | "searchUnsynched"))
    {
        return Err("unknown field in the request body");
    }
    if !matches!(map.get("searchUnsynched"), None | Some(Value::Bool(_))) {
        return Err("searchUnsynched must be true or false");
    }
    let text = |name: &str| match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Some(_) => Err("email and username must be non-empty strings"),
    };
    match (text("email")?, text("username")?) {
        (Some(email), None) => Ok(SecurIdLookup::Email(email)),
        (None, Some(username)) => Ok(SecurIdLookup::Username(username)),
        (Some(_), Some(_)) => Err("give either email or username, not both"),
        (None, None) => Err("email or username is required"),
    }
}

async fn lookup(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    const CALL: &str = "users/lookup";
    if !is_json(&headers) {
        return log(
            CALL,
            problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json",
            ),
        );
    }
    let by = match lookup_key(&body) {
        Ok(by) => by,
        Err(why) => return log(CALL, problem(StatusCode::BAD_REQUEST, why)),
    };
    let response = match state.store.securid_user(by).await {
        Ok(user) => Json(UserDetails::from(&user)).into_response(),
        Err(e) => store_failure(e),
    };
    log(CALL, response)
}

/// The answer of an unlock, 200 or 500: the lock state of every method afterwards.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LockStates<'a> {
    user_id: &'a str,
    is_token_locked: bool,
    is_sms_locked: bool,
    is_voice_locked: bool,
}

/// The body of an unlock: `unlockMethods`, a non-empty array of `TOKEN`, `SMS`, `VOICE`.
fn unlock_methods(body: &[u8]) -> Result<Vec<SecurIdMethod>, &'static str> {
    let map = object(body)?;
    if map.keys().any(|k| k != "unlockMethods") {
        return Err("unknown field in the request body");
    }
    let Some(Value::Array(items)) = map.get("unlockMethods") else {
        return Err("unlockMethods must be an array");
    };
    if items.is_empty() {
        return Err("unlockMethods must name at least one method");
    }
    items
        .iter()
        .map(|item| {
            item.as_str()
                .and_then(SecurIdMethod::parse)
                .ok_or("unlockMethods may hold only TOKEN, SMS and VOICE")
        })
        .collect()
}

async fn unlock(
    State(state): State<AppState>,
    user_id: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    const CALL: &str = "users/{userId}/methods";
    let user_id = match user_id {
        Ok(Path(id)) if is_securid_id(&id) => id,
        _ => return log(CALL, problem(StatusCode::BAD_REQUEST, "invalid user ID")),
    };
    let methods = match unlock_methods(&body) {
        Ok(methods) => methods,
        Err(why) => return log(CALL, problem(StatusCode::BAD_REQUEST, why)),
    };
    let response = match state.store.securid_unlock(user_id, methods).await {
        Ok((user, all)) => {
            let status = if all {
                StatusCode::OK
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            (
                status,
                Json(LockStates {
                    user_id: &user.id,
                    is_token_locked: user.token_locked,
                    is_sms_locked: user.sms_locked,
                    is_voice_locked: user.voice_locked,
                }),
            )
                .into_response()
        }
        Err(e) => store_failure(e),
    };
    log(CALL, response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_bodies() {
        assert_eq!(
            lookup_key(br#"{"email": "a@b.c", "searchUnsynched": true}"#),
            Ok(SecurIdLookup::Email("a@b.c".into()))
        );
        assert_eq!(
            lookup_key(br#"{"username": "alice"}"#),
            Ok(SecurIdLookup::Username("alice".into()))
        );
        for bad in [
            &br#"{}"#[..],
            br#"[]"#,
            br#"{"email": ""}"#,
            br#"{"email": 3}"#,
            br#"{"email": "a@b.c", "username": "a"}"#,
            br#"{"email": "a@b.c", "searchUnsynched": "yes"}"#,
            br#"{"mail": "a@b.c"}"#,
            b"not json",
        ] {
            assert!(lookup_key(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn unlock_bodies() {
        assert_eq!(
            unlock_methods(br#"{"unlockMethods": ["TOKEN", "VOICE", "SMS"]}"#),
            Ok(vec![
                SecurIdMethod::Token,
                SecurIdMethod::Voice,
                SecurIdMethod::Sms
            ])
        );
        for bad in [
            &br#"{"unlockMethods": []}"#[..],
            br#"{"unlockMethods": ["token"]}"#,
            br#"{"unlockMethods": ["EMAIL"]}"#,
            br#"{"unlockMethods": "TOKEN"}"#,
            br#"{"unlockMethods": [1]}"#,
            br#"{"methods": ["TOKEN"]}"#,
            br#"{"unlockMethods": ["TOKEN"], "extra": 1}"#,
            b"",
        ] {
            assert!(
                unlock_methods(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn json_content_types() {
        let mut headers = HeaderMap::new();
        assert!(!is_json(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/JSON; charset=utf-8"),
        );
        assert!(is_json(&headers));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(!is_json(&headers));
    }
}
