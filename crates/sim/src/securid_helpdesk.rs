//! The SecurID help-desk calls beyond lookup and unlock: user search, user status, emergency
//! tokencode (v1 and v2), a user's authenticators (v2) and SID700 hardware tokens (lookup,
//! assign, unassign). Behind the same rate limit and JWT guard as the others (`securid.rs`).

use std::future::Future;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::fixture::{is_securid_id, SecurIdStatus};
use crate::securid::{log, object, problem, store_failure, UserDetails};
use crate::securid_auth::SECURID_API_PATH;
use crate::server::AppState;
use crate::store::{EmergencyCodeView, EmergencyRequest, StoreError};

/// Where the v2 calls live, beside the v1 base.
pub const SECURID_V2_PATH: &str = "/AdminInterface/restapi/v2";

/// Most users a search page holds (and its default size).
pub const MAX_PAGE_SIZE: u32 = 25;
/// Longest SID700 serial number.
pub const MAX_SERIAL_CHARS: usize = 36;
/// Longest SID700 token name.
pub const MAX_TOKEN_NAME_CHARS: usize = 255;
/// Longest emergency tokencode validity: 7 days, in minutes.
pub const MAX_EMERGENCY_MINUTES: u64 = 7 * 24 * 60;

pub fn routes() -> Router<AppState> {
    let v1 = |p: &str| format!("{SECURID_API_PATH}/{p}");
    let v2 = |p: &str| format!("{SECURID_V2_PATH}/{p}");
    Router::new()
        .route(&v1("users/search"), post(search))
        .route(&v1("users/{user_id}/userStatus"), put(user_status))
        .route(&v1("users/{user_id}/emergencyTokencode"), put(emergency_v1))
        .route(&v2("users/{user_id}/emergencyTokencode"), put(emergency_v2))
        .route(&v2("users/{user_id}/devices"), get(devices))
        .route(&v1("sidTokens/lookup"), post(sid_lookup))
        .route(&v1("users/{user_id}/sidTokens/assign"), patch(sid_assign))
        .route(
            &v1("users/{user_id}/sidTokens/unassign"),
            patch(sid_unassign),
        )
}

type UserId = Result<Path<String>, PathRejection>;

/// Why a request is refused with 400.
type Bad = &'static str;

/// The path's user id (8-4-4-4-12 hex, else 400).
fn user_id(path: UserId) -> Result<String, Bad> {
    match path {
        Ok(Path(id)) if is_securid_id(&id) => Ok(id),
        _ => Err("invalid user ID"),
    }
}

/// A JSON object body holding only `allowed` fields (else 400).
fn fields(body: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, Bad> {
    let map = object(body)?;
    if map.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err("unknown field in the request body");
    }
    Ok(map)
}

/// A query parameter's value (the first one of that name).
fn query_param(query: &Option<String>, name: &str) -> Option<String> {
    query.as_deref()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v.to_owned())
    })
}

/// `tokenSerialNumber`: a non-empty string of at most 36 characters.
fn serial(map: &Map<String, Value>) -> Result<String, Bad> {
    match map.get("tokenSerialNumber") {
        Some(Value::String(s))
            if !s.trim().is_empty() && s.trim().chars().count() <= MAX_SERIAL_CHARS =>
        {
            Ok(s.trim().to_owned())
        }
        _ => Err("tokenSerialNumber must be a non-empty string of at most 36 characters"),
    }
}

/// Run a call: 400 when the request did not parse, else `call`'s result as JSON or the
/// store's refusal (404 unknown user or token, 409 conflict); logged (call and status only).
async fn run<P, T, Fut>(
    name: &'static str,
    parsed: Result<P, Bad>,
    call: impl FnOnce(P) -> Fut,
) -> Response
where
    T: serde::Serialize,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let response = match parsed {
        Err(why) => problem(StatusCode::BAD_REQUEST, why),
        Ok(parsed) => match call(parsed).await {
            Ok(value) => Json(value).into_response(),
            Err(e) => store_failure(e),
        },
    };
    log(name, response)
}

/// The page size: 1-25, default 25.
fn page_size(query: &Option<String>) -> Result<u32, &'static str> {
    match query_param(query, "pageSize") {
        None => Ok(MAX_PAGE_SIZE),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or("pageSize must be a whole number from 1 to 25"),
    }
}

/// `POST v1/users/search?pageSize=N` `{"emailLike"}`: users whose email contains the text.
async fn search(State(state): State<AppState>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    let parsed =
        page_size(&query).and_then(
            |size| match fields(&body, &["emailLike"])?.get("emailLike") {
                Some(Value::String(s)) if !s.is_empty() => Ok((s.clone(), size)),
                _ => Err("emailLike must be a non-empty string"),
            },
        );
    run("users/search", parsed, |(like, size)| async move {
        let (users, total) = state.store.securid_search(like, size).await?;
        Ok(json!({
            "totalElements": total,
            "totalPages": total.div_ceil(u64::from(size)),
            "pageSize": size,
            "currentPage": 0,
            "elements": users.iter().map(UserDetails::from).collect::<Vec<_>>(),
        }))
    })
    .await
}

/// `PUT v1/users/{id}/userStatus` `{"userStatus": "Enabled" | "Disabled"}` → `{id, userStatus}`.
async fn user_status(State(state): State<AppState>, path: UserId, body: Bytes) -> Response {
    let parsed = user_id(path).and_then(|id| {
        let status = fields(&body, &["userStatus"])?
            .get("userStatus")
            .and_then(Value::as_str)
            .and_then(SecurIdStatus::parse)
            .ok_or("userStatus must be Enabled or Disabled")?;
        Ok((id, status))
    });
    run(
        "users/{userId}/userStatus",
        parsed,
        |(id, status)| async move {
            let user = state.store.securid_set_status(id, status).await?;
            Ok(json!({ "id": user.id, "userStatus": user.status.as_str() }))
        },
    )
    .await
}

/// The v2 body: optional `oneTimeUse`, and `expiryUnit` with `expiryValue` (both or neither).
fn emergency_v2_request(body: &[u8]) -> Result<EmergencyRequest, &'static str> {
    let map = object(body)?;
    if map
        .keys()
        .any(|k| !matches!(k.as_str(), "oneTimeUse" | "expiryUnit" | "expiryValue"))
    {
        return Err("unknown field in the request body");
    }
    let one_time = match map.get("oneTimeUse") {
        None | Some(Value::Null) => crate::store::DEFAULT_EMERGENCY_ONE_TIME,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("oneTimeUse must be true or false"),
    };
    let unit = map.get("expiryUnit").filter(|v| !v.is_null());
    let value = map.get("expiryValue").filter(|v| !v.is_null());
    let minutes = match (unit, value) {
        (None, None) => crate::store::DEFAULT_EMERGENCY_MINUTES,
        (Some(unit), Some(value)) => {
            let per = match unit.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("days") => 24 * 60,
                Some("hours") => 60,
                Some("minutes") => 1,
                _ => return Err("expiryUnit must be days, hours or minutes"),
            };
            value
                .as_u64()
                .and_then(|v| v.checked_mul(per))
                .ok_or("expiryValue must be a whole number")?
        }
        _ => return Err("expiryUnit and expiryValue go together"),
    };
    if !(1..=MAX_EMERGENCY_MINUTES).contains(&minutes) {
        return Err("the validity must lie between 1 minute and 7 days");
    }
    Ok(EmergencyRequest {
        minutes,
        one_time,
        api: 2,
    })
}

/// The v1 body: `expirationDays`, 1-7 (a string, as the vendor's example sends it, or a number).
fn emergency_v1_request(body: &[u8]) -> Result<EmergencyRequest, &'static str> {
    let map = object(body)?;
    if map.keys().any(|k| k != "expirationDays") {
        return Err("unknown field in the request body");
    }
    let days = match map.get("expirationDays") {
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    match days {
        Some(days @ 1..=7) => Ok(EmergencyRequest {
            minutes: days * 24 * 60,
            one_time: crate::store::DEFAULT_EMERGENCY_ONE_TIME,
            api: 1,
        }),
        _ => Err("expirationDays must be a whole number of days from 1 to 7"),
    }
}

fn emergency_answer(code: &EmergencyCodeView, v2: bool) -> Value {
    let mut answer = json!({
        "emergencyTokencodeId": code.emergency_tokencode_id,
        "emergencyTokencode": code.emergency_tokencode,
        "expirationDate": code.expiration_date,
        "offlineExpirationDate": code.offline_expiration_date,
    });
    if v2 {
        answer["oneTimeUse"] = json!(code.one_time_use);
        answer["configurationsLocked"] = json!(false);
    }
    answer
}

async fn emergency(
    name: &'static str,
    state: AppState,
    path: UserId,
    request: Result<EmergencyRequest, Bad>,
) -> Response {
    let parsed = user_id(path).and_then(|id| Ok((id, request?)));
    // The code is in the answer: only the call and the status are logged (as for every call).
    run(name, parsed, |(id, request)| async move {
        let now = state.now() as i64;
        let code = state
            .store
            .securid_issue_emergency(id, request, now)
            .await?;
        let mut body = emergency_answer(&code, request.api == 2);
        if request.api == 2 {
            let (value, unit) = match request.minutes {
                m if m % (24 * 60) == 0 => (m / (24 * 60), "days"),
                m if m % 60 == 0 => (m / 60, "hours"),
                m => (m, "minutes"),
            };
            body["configurationsUsed"] = json!({
                "expiryValue": value, "expiryUnit": unit, "oneTimeUse": request.one_time
            });
        }
        Ok(body)
    })
    .await
}

/// `PUT v1/users/{id}/emergencyTokencode` `{"expirationDays": "N"}`.
async fn emergency_v1(State(state): State<AppState>, path: UserId, body: Bytes) -> Response {
    let request = emergency_v1_request(&body);
    emergency("v1 users/{userId}/emergencyTokencode", state, path, request).await
}

/// `PUT v2/users/{id}/emergencyTokencode`; 404 while the practice switch says v2 is missing.
async fn emergency_v2(State(state): State<AppState>, path: UserId, body: Bytes) -> Response {
    const CALL: &str = "v2 users/{userId}/emergencyTokencode";
    match state.store.securid_emergency_v2_missing().await {
        Ok(false) => {}
        Ok(true) => return log(CALL, problem(StatusCode::NOT_FOUND, "no such resource")),
        Err(e) => return log(CALL, store_failure(e)),
    }
    let request = emergency_v2_request(&body);
    emergency(CALL, state, path, request).await
}

/// `GET v2/users/{id}/devices?includeBrowsers=...` → `{devices, fidoTokens, sidTokens}`.
async fn devices(
    State(state): State<AppState>,
    path: UserId,
    RawQuery(query): RawQuery,
) -> Response {
    let parsed =
        user_id(path).and_then(
            |id| match query_param(&query, "includeBrowsers").as_deref() {
                None | Some("true" | "false") => Ok(id),
                Some(_) => Err("includeBrowsers must be true or false"),
            },
        );
    run("v2 users/{userId}/devices", parsed, |id| async move {
        let (_, tokens) = state.store.securid_user_sid_tokens(id).await?;
        Ok(json!({ "devices": [], "fidoTokens": [], "sidTokens": tokens }))
    })
    .await
}

/// `POST v1/sidTokens/lookup` `{"tokenSerialNumber"}`.
async fn sid_lookup(State(state): State<AppState>, body: Bytes) -> Response {
    let parsed = fields(&body, &["tokenSerialNumber"]).and_then(|m| serial(&m));
    run("sidTokens/lookup", parsed, |serial| {
        state.store.securid_sid_token(serial)
    })
    .await
}

/// `PATCH v1/users/{id}/sidTokens/assign` `{"tokenSerialNumber", "tokenName"?}`.
async fn sid_assign(State(state): State<AppState>, path: UserId, body: Bytes) -> Response {
    let parsed = user_id(path).and_then(|id| {
        let map = fields(&body, &["tokenSerialNumber", "tokenName"])?;
        let name = match map.get("tokenName") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.chars().count() <= MAX_TOKEN_NAME_CHARS => {
                Some(s.trim().to_owned()).filter(|s| !s.is_empty())
            }
            Some(_) => return Err("tokenName must be a string of at most 255 characters"),
        };
        Ok((id, serial(&map)?, name))
    });
    let by = state.securid.verifier.key_file().access_id;
    let now = state.now() as i64;
    run(
        "users/{userId}/sidTokens/assign",
        parsed,
        |(id, serial, name)| state.store.securid_assign(id, serial, name, by, now),
    )
    .await
}

/// `PATCH v1/users/{id}/sidTokens/unassign` `{"tokenSerialNumber"}`.
async fn sid_unassign(State(state): State<AppState>, path: UserId, body: Bytes) -> Response {
    let parsed =
        user_id(path).and_then(|id| Ok((id, serial(&fields(&body, &["tokenSerialNumber"])?)?)));
    run(
        "users/{userId}/sidTokens/unassign",
        parsed,
        |(id, serial)| state.store.securid_unassign(id, serial),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emergency_v2_bodies() {
        let ok = |b: &str| emergency_v2_request(b.as_bytes()).unwrap();
        assert_eq!(ok("{}").minutes, 24 * 60);
        assert!(!ok("{}").one_time);
        let r = ok(r#"{"oneTimeUse": true, "expiryUnit": "hours", "expiryValue": 4}"#);
        assert_eq!((r.minutes, r.one_time, r.api), (240, true, 2));
        assert_eq!(
            ok(r#"{"expiryUnit": "minutes", "expiryValue": 1}"#).minutes,
            1
        );
        assert_eq!(
            ok(r#"{"expiryUnit": "days", "expiryValue": 7}"#).minutes,
            10_080
        );
        for bad in [
            r#"{"expiryUnit": "days"}"#,
            r#"{"expiryValue": 3}"#,
            r#"{"expiryUnit": "days", "expiryValue": 8}"#,
            r#"{"expiryUnit": "minutes", "expiryValue": 0}"#,
            r#"{"expiryUnit": "weeks", "expiryValue": 1}"#,
            r#"{"expiryUnit": "days", "expiryValue": "1"}"#,
            r#"{"expiryUnit": "days", "expiryValue": 1.5}"#,
            r#"{"oneTimeUse": "yes"}"#,
            r#"{"expirationDays": "1"}"#,
            "[]",
            "",
        ] {
            assert!(emergency_v2_request(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn emergency_v1_bodies() {
        let ok = |b: &str| emergency_v1_request(b.as_bytes()).unwrap();
        assert_eq!(ok(r#"{"expirationDays": "7"}"#).minutes, 7 * 24 * 60);
        assert_eq!(ok(r#"{"expirationDays": 1}"#).api, 1);
        for bad in [
            r#"{}"#,
            r#"{"expirationDays": "0"}"#,
            r#"{"expirationDays": "8"}"#,
            r#"{"expirationDays": "x"}"#,
            r#"{"expirationDays": "1", "oneTimeUse": true}"#,
        ] {
            assert!(emergency_v1_request(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn page_sizes_and_query_params() {
        let q = |s: &str| Some(s.to_owned());
        assert_eq!(page_size(&None), Ok(25));
        assert_eq!(page_size(&q("pageSize=1")), Ok(1));
        assert_eq!(page_size(&q("x=1&pageSize=25")), Ok(25));
        for bad in [
            "pageSize=0",
            "pageSize=26",
            "pageSize=",
            "pageSize=two",
            "pageSize=-1",
        ] {
            assert!(page_size(&q(bad)).is_err(), "{bad}");
        }
        assert_eq!(
            query_param(&q("includeBrowsers"), "includeBrowsers"),
            Some(String::new())
        );
    }
}
