//! The four CENTAGATE calls, as the vendor documents them: `PUT` with a JSON body, the admin
//! username as the last path segment, and always HTTP 200 with `{code, message, object}`.

use std::ops::RangeInclusive;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::routing::put;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::codes::Code;
use crate::fixture::normalize_phone;
use crate::server::AppState;
use crate::store::{AuthList, StoreError};

/// Where the vendor's web services live.
pub const BASE_PATH: &str = "/CentagateWS/webresources";

/// The vendor routes (their paths include `BASE_PATH`), the sign-in calls included.
pub fn routes() -> Router<AppState> {
    crate::signin::routes()
        .route(
            &format!("{BASE_PATH}/user/auth/list/{{admin}}"),
            put(auth_list),
        )
        .route(
            &format!("{BASE_PATH}/token/registerActiveToken/{{admin}}"),
            put(register_active_token),
        )
        .route(
            &format!("{BASE_PATH}/token/syncToken/{{admin}}"),
            put(sync_token),
        )
        .route(
            &format!("{BASE_PATH}/token/unlockToken/{{admin}}"),
            put(unlock_token),
        )
        .merge(crate::helpdesk::routes())
}

/// The vendor's answer envelope; `object` is null unless the call returns data.
#[derive(Debug, Serialize)]
pub struct Answer<T = Value> {
    pub code: u32,
    pub message: &'static str,
    pub object: Option<T>,
}

impl<T> Answer<T> {
    pub fn of(code: Code) -> Answer<T> {
        Answer {
            code: code.number(),
            message: code.message(),
            object: None,
        }
    }

    pub(crate) fn success(object: Option<T>) -> Answer<T> {
        Answer {
            object,
            ..Answer::of(Code::Success)
        }
    }
}

pub(crate) type Reply<T = Value> = Json<Answer<T>>;

/// The answer to `call`, logged (call name and code only: no body, no credentials).
pub(crate) fn reply<T>(call: &'static str, result: Result<Answer<T>, Code>) -> Reply<T> {
    let answer = result.unwrap_or_else(Answer::of);
    tracing::info!(call, code = answer.code, "answered");
    Json(answer)
}

/// The code a store refusal or failure answers with.
pub(crate) fn store_code(err: StoreError) -> Code {
    match err {
        StoreError::Refused(code) => code,
        StoreError::UnknownUser(_) => Code::UserNotFound,
        StoreError::UnknownToken(_) => Code::TokenNotFound,
        StoreError::Conflict(_) => Code::InvalidTokenStatus,
        StoreError::Db(e) => {
            tracing::error!(error = %e, "database error");
            Code::DbError
        }
        StoreError::TaskFailed => {
            tracing::error!("database task failed");
            Code::DbError
        }
    }
}

impl From<StoreError> for Code {
    fn from(err: StoreError) -> Code {
        store_code(err)
    }
}

/// A request body: a JSON object whose fields are checked one by one.
pub(crate) struct Fields(pub(crate) Map<String, Value>);

impl Fields {
    pub(crate) fn parse(body: &[u8]) -> Result<Fields, Code> {
        match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => Ok(Fields(map)),
            _ => Err(Code::InvalidInput),
        }
    }

    /// A required, non-empty string field.
    pub(crate) fn text(&self, name: &str) -> Result<String, Code> {
        match self.0.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(Code::InvalidInput),
        }
    }

    /// An optional string field (absent, null or empty count as absent).
    pub(crate) fn optional_text(&self, name: &str) -> Result<Option<String>, Code> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Code::InvalidInput),
        }
    }

    /// A small whole number in `range`, as a number (`2`, `2.0`) or numeric string (`"2"`),
    /// as Java servers accept.
    pub(crate) fn number(&self, name: &str, range: RangeInclusive<u8>) -> Result<u8, Code> {
        let number = match self.0.get(name) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        number
            .filter(|n| n.fract() == 0.0)
            .and_then(|n| range.clone().find(|r| f64::from(*r) == n))
            .ok_or(Code::InvalidInput)
    }

    /// `tokenType`: 1 (SMS) or 2 (OTP).
    fn token_type(&self) -> Result<TokenType, Code> {
        match self.number("tokenType", 1..=2)? {
            1 => Ok(TokenType::Sms),
            _ => Ok(TokenType::Otp),
        }
    }
}

enum TokenType {
    Sms,
    Otp,
}

/// Parse the body and check the caller: the path's admin must exist and `cenToken` must match.
pub(crate) fn authorize(
    state: &AppState,
    admin: Result<Path<String>, PathRejection>,
    body: &Result<Bytes, BytesRejection>,
) -> Result<Fields, Code> {
    authorize_admin(state, admin, body).map(|(_, fields)| fields)
}

/// [`authorize`], also giving the admin the call is made as.
pub(crate) fn authorize_admin(
    state: &AppState,
    admin: Result<Path<String>, PathRejection>,
    body: &Result<Bytes, BytesRejection>,
) -> Result<(String, Fields), Code> {
    let Ok(Path(admin)) = admin else {
        return Err(Code::PermissionNotAllowed);
    };
    // An unreadable body (too large, cut off) is invalid input like malformed JSON.
    let body = body.as_ref().map_err(|_| Code::InvalidInput)?;
    let fields = Fields::parse(body)?;
    let cen_token = fields.text("cenToken")?;
    if !state.admin_signed(&admin, &cen_token) {
        tracing::info!(admin, "refused: unknown admin or wrong cenToken");
        return Err(Code::PermissionNotAllowed);
    }
    Ok((admin, fields))
}

/// An OTP as typed by a person: digits only.
fn otp_field(fields: &Fields, name: &str) -> Result<String, Code> {
    let code = fields.text(name)?.trim().to_string();
    if code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(Code::InvalidInput)
    }
}

async fn auth_list(
    State(state): State<AppState>,
    admin: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply<AuthList> {
    reply(
        "user/auth/list",
        async {
            let fields = authorize(&state, admin, &body)?;
            let username = fields.text("username")?;
            let list = state.store.auth_list(username).await.map_err(store_code)?;
            Ok(Answer::success(Some(list)))
        }
        .await,
    )
}

async fn register_active_token(
    State(state): State<AppState>,
    admin: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    reply(
        "token/registerActiveToken",
        async {
            let fields = authorize(&state, admin, &body)?;
            let username = fields.text("username")?;
            let token_type = fields.token_type()?;
            let token_sn = fields.text("tokenSn")?;
            let result = match token_type {
                TokenType::Sms => {
                    let number = normalize_phone(&token_sn).ok_or(Code::InvalidInput)?;
                    state.store.register_sms(username, number).await
                }
                TokenType::Otp => {
                    state
                        .store
                        .register_otp(username, token_sn.trim().to_string())
                        .await
                }
            };
            result.map_err(store_code)?;
            Ok(Answer::success(None))
        }
        .await,
    )
}

async fn sync_token(
    State(state): State<AppState>,
    admin: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    reply(
        "token/syncToken",
        async {
            let fields = authorize(&state, admin, &body)?;
            let username = fields.text("username")?;
            let otp1 = otp_field(&fields, "otpStr1")?;
            let otp2 = otp_field(&fields, "otpStr2")?;
            // Not in the vendor's table, but some clients name the token; then it must be theirs.
            let serial = fields.optional_text("tokenSn")?;
            state
                .store
                .sync_token(username, serial, otp1, otp2, state.now())
                .await
                .map_err(store_code)?;
            Ok(Answer::success(None))
        }
        .await,
    )
}

async fn unlock_token(
    State(state): State<AppState>,
    admin: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    reply(
        "token/unlockToken",
        async {
            let fields = authorize(&state, admin, &body)?;
            let username = fields.text("username")?;
            state
                .store
                .unlock_token(username)
                .await
                .map_err(store_code)?;
            Ok(Answer::success(None))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_type_accepts_what_java_servers_accept() {
        let ok = [
            r#"{"tokenType":1}"#,
            r#"{"tokenType":"2"}"#,
            r#"{"tokenType":2.0}"#,
        ];
        for body in ok {
            assert!(
                Fields::parse(body.as_bytes()).unwrap().token_type().is_ok(),
                "{body}"
            );
        }
        let bad = [
            r#"{"tokenType":3}"#,
            r#"{"tokenType":"two"}"#,
            r#"{"tokenType":true}"#,
            r#"{"tokenType":null}"#,
            r#"{}"#,
            r#"{"tokenType":1.5}"#,
        ];
        for body in bad {
            assert!(
                Fields::parse(body.as_bytes())
                    .unwrap()
                    .token_type()
                    .is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn bodies_must_be_objects() {
        for body in ["", "[]", "\"x\"", "{", "null", "42"] {
            assert!(Fields::parse(body.as_bytes()).is_err(), "{body}");
        }
    }
}
