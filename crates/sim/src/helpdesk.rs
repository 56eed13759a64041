//! The CENTAGATE help-desk calls beyond the four: unregister a token, read and set a token's
//! status, unlock a user account, enable or disable a user. Same envelope, checks and cenToken
//! as the four (`centagate.rs`); the `type` numbering here is the unregister family's (1
//! mobile, 2 SMS, 3 challenge-response, 4 PKI), not the register call's.

use std::future::Future;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::routing::put;
use axum::Router;
use serde_json::Value;

use crate::centagate::{authorize_admin, reply, Answer, Fields, Reply, BASE_PATH};
use crate::codes::Code;
use crate::server::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            &format!("{BASE_PATH}/token/unregisterActiveToken/{{admin}}"),
            put(unregister_token),
        )
        .route(
            &format!("{BASE_PATH}/token/getStatus/{{admin}}"),
            put(token_status),
        )
        .route(
            &format!("{BASE_PATH}/token/update/token/status/{{admin}}"),
            put(set_token_status),
        )
        .route(
            &format!("{BASE_PATH}/user/unlockUser/{{admin}}"),
            put(unlock_user),
        )
        .route(
            &format!("{BASE_PATH}/user/status/update/{{admin}}"),
            put(user_status),
        )
}

type Admin = Result<Path<String>, PathRejection>;
type Body = Result<Bytes, BytesRejection>;

/// Check the caller, then run `call` with the admin's name and the body's fields.
async fn handle<F, Fut>(name: &'static str, request: (AppState, Admin, Body), call: F) -> Reply
where
    F: FnOnce(AppState, String, Fields) -> Fut,
    Fut: Future<Output = Result<Option<Value>, Code>>,
{
    let (state, admin, body) = request;
    let result = async {
        let (admin, fields) = authorize_admin(&state, admin, &body)?;
        Ok(Answer::success(call(state, admin, fields).await?))
    }
    .await;
    reply(name, result)
}

/// `username` and `type` (1 mobile, 2 SMS, 3 challenge-response, 4 PKI).
fn user_and_kind(fields: &Fields) -> Result<(String, u8), Code> {
    Ok((fields.text("username")?, fields.number("type", 1..=4)?))
}

async fn unregister_token(State(state): State<AppState>, admin: Admin, body: Body) -> Reply {
    handle(
        "token/unregisterActiveToken",
        (state, admin, body),
        |state, _, fields| async move {
            let (username, kind) = user_and_kind(&fields)?;
            state.store.unregister_token(username, kind).await?;
            Ok(None)
        },
    )
    .await
}

async fn token_status(State(state): State<AppState>, admin: Admin, body: Body) -> Reply {
    handle(
        "token/getStatus",
        (state, admin, body),
        |state, _, fields| async move {
            let (username, kind) = user_and_kind(&fields)?;
            let status = state.store.token_status(username, kind).await?;
            Ok(Some(Value::String(
                status.map(|s| s.to_string()).unwrap_or_default(),
            )))
        },
    )
    .await
}

async fn set_token_status(State(state): State<AppState>, admin: Admin, body: Body) -> Reply {
    handle(
        "token/update/token/status",
        (state, admin, body),
        |state, _, fields| async move {
            let (username, kind) = user_and_kind(&fields)?;
            let status = fields.number("status", 1..=4)?;
            state.store.set_token_status(username, kind, status).await?;
            Ok(None)
        },
    )
    .await
}

async fn unlock_user(State(state): State<AppState>, admin: Admin, body: Body) -> Reply {
    handle(
        "user/unlockUser",
        (state, admin, body),
        |state, admin, fields| async move {
            let username = fields.text("lockedUsername")?;
            if username == admin {
                return Err(Code::SameUser);
            }
            state.store.unlock_user(username).await?;
            Ok(None)
        },
    )
    .await
}

async fn user_status(State(state): State<AppState>, admin: Admin, body: Body) -> Reply {
    handle(
        "user/status/update",
        (state, admin, body),
        |state, _, fields| async move {
            let username = fields.text("username")?;
            let active = fields.number("status", 0..=1)? == 1;
            state.store.set_user_status(username, active).await?;
            Ok(None)
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_statuses_are_small_numbers_in_range() {
        let fields = |s: &str| Fields::parse(s.as_bytes()).unwrap();
        assert_eq!(
            user_and_kind(&fields(r#"{"username":"a","type":"2"}"#)),
            Ok(("a".into(), 2))
        );
        assert_eq!(
            user_and_kind(&fields(r#"{"username":"a","type":4}"#)),
            Ok(("a".into(), 4))
        );
        for bad in [
            r#"{"username":"a","type":"0"}"#,
            r#"{"username":"a","type":"5"}"#,
            r#"{"username":"a","type":"2.5"}"#,
            r#"{"username":"a","type":"sms"}"#,
            r#"{"username":"a"}"#,
            r#"{"type":"1"}"#,
        ] {
            assert_eq!(
                user_and_kind(&fields(bad)),
                Err(Code::InvalidInput),
                "{bad}"
            );
        }
        assert_eq!(fields(r#"{"status":"0"}"#).number("status", 0..=1), Ok(0));
        assert_eq!(
            fields(r#"{"status":"2"}"#).number("status", 0..=1),
            Err(Code::InvalidInput)
        );
    }
}
