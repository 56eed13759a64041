//! The SecurID Cloud Administration API client: each call as the vendor pages give it (JSON,
//! `Authorization: Bearer <jwt>`, under the key file's `adminRestApiUrl`), 429 answers
//! retried for calls that are safe to repeat, and every other answer turned into a typed
//! result or an [`Error`] whose code is the HTTP status.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;
use url::Url;

use super::catalog::CATALOG;
use super::helpdesk::{
    Authenticator, EmergencyCode, EmergencyValidity, HardwareToken, HardwareTokenRequest,
    UserSearch, UserStatus,
};
use super::jwt::{Clock, JwtSigner};
use super::key::SecurIdKey;
use super::locks::MethodLocks;
use super::retry::{parse_retry_after, RateLimitNotice, RetryPolicy};
use super::users::{self, object, LookupUserRequest, SecurIdUser, UnlockMethodsRequest};
use crate::error::{Error, TransportError, UnlockIncomplete};
use crate::transport::{Endpoint, HttpAnswer, HttpClient};
use crate::vocab::Operation;

/// The address a connection test looks up: `.invalid` cannot belong to anyone.
pub const PROBE_EMAIL: &str = "tokendesk-connection-check@example.invalid";

/// Whether a call may be sent again after a 429: only when repeating it cannot do harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Repeating it changes nothing more (lookups, unlocks).
    Safe,
    /// Its effect could not be known; never retried.
    Never,
}

/// Which version of the API a call is in: `adminRestApiUrl` ends in `/v1`; a v2 call goes
/// to the same place with `/v2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    #[default]
    V1,
    V2,
}

/// One API call.
#[derive(Debug, Clone)]
pub struct ApiCall<'a> {
    pub operation: Operation,
    pub method: Method,
    /// Path segments below `adminRestApiUrl`, each percent-encoded on its own.
    pub segments: &'a [&'a str],
    pub body: serde_json::Value,
    pub repeat: Repeat,
    pub version: Version,
    /// Query parameters (e.g. `pageSize`).
    pub query: &'a [(&'a str, String)],
}

impl<'a> ApiCall<'a> {
    /// A v1 call with no query, safe to repeat after a 429.
    pub fn v1(
        operation: Operation,
        method: Method,
        segments: &'a [&'a str],
        body: serde_json::Value,
    ) -> Self {
        ApiCall {
            operation,
            method,
            segments,
            body,
            repeat: Repeat::Safe,
            version: Version::V1,
            query: &[],
        }
    }
}

/// A client for one profile with its API key. Shared by every call of a session — a bulk
/// job's rows included — so a 429 slows them all: after one, no call is sent until the wait
/// it asked for has passed (one shared backoff, not one per worker).
#[derive(Debug)]
pub struct Client {
    http: HttpClient,
    base: Url,
    signer: JwtSigner,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    /// No call is sent before this instant (set by a 429's wait).
    paused_until: std::sync::Mutex<Option<tokio::time::Instant>>,
}

impl Client {
    /// Prepares a client for the server at `endpoint` (a profile's): checks the URL, reads
    /// the CA file, loads the key for signing.
    pub fn new(
        endpoint: &Endpoint,
        key: &SecurIdKey,
        clock: Arc<dyn Clock>,
        retry: RetryPolicy,
    ) -> Result<Self, Error> {
        Ok(Client {
            http: HttpClient::for_endpoint(endpoint)?,
            base: endpoint.base_url()?,
            signer: JwtSigner::new(key, clock.clone())?,
            retry,
            clock,
            paused_until: std::sync::Mutex::new(None),
        })
    }

    /// The signer, for tests that check the token.
    pub fn signer(&self) -> &JwtSigner {
        &self.signer
    }

    /// The full URL of a v1 call.
    pub fn endpoint(&self, segments: &[&str]) -> Url {
        self.url_of(Version::V1, segments, &[])
    }

    /// The full URL of a call in `version`: below `adminRestApiUrl`, its last segment `v1`
    /// changed to `v2` for a v2 call (or `v2` added when it has no version).
    pub fn url_of(&self, version: Version, segments: &[&str], query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .expect("an http(s) base URL has path segments");
            path.pop_if_empty();
            if version == Version::V2 {
                let versioned = self
                    .base
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .is_some_and(|last| {
                        last.len() > 1
                            && last.starts_with('v')
                            && last[1..].chars().all(|c| c.is_ascii_digit())
                    });
                if versioned {
                    path.pop();
                }
                path.push("v2");
            }
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Sends a call and returns the answer, whatever its status, after retrying 429 answers
    /// as the retry policy allows (calls marked [`Repeat::Safe`] only). A fresh token is
    /// asked of the signer for every attempt.
    pub async fn send(&self, call: &ApiCall<'_>) -> Result<HttpAnswer, Error> {
        let url = self.url_of(call.version, call.segments, call.query);
        let mut attempt = 1;
        // The pause this call set and already waited out itself.
        let mut waited = None;
        loop {
            self.wait_for_pause(waited).await;
            let bearer = self.signer.bearer()?;
            tracing::info!(operation = ?call.operation, method = %call.method, url = %url, attempt, "sending");
            let answer = self
                .http
                .exchange(call.method.clone(), &url, &[], Some(&bearer), &call.body)
                .await;
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(operation = ?call.operation, error = %e, "call failed");
                    return Err(e);
                }
            };
            tracing::info!(operation = ?call.operation, status = answer.status, "answered");
            if answer.status != 429 || call.repeat == Repeat::Never {
                return Ok(answer);
            }
            let retry_after = answer
                .retry_after
                .as_deref()
                .and_then(|v| parse_retry_after(v, self.clock.now()));
            let Some((wait, from_retry_after)) = self.retry.wait_after(attempt, retry_after) else {
                return Ok(answer);
            };
            let notice = RateLimitNotice::new(
                call.operation,
                attempt,
                self.retry.max_attempts,
                wait,
                from_retry_after,
            );
            tracing::warn!(operation = ?call.operation, wait_ms = notice.wait_ms, attempt, "rate limited; waiting");
            self.retry.notify(&notice);
            waited = Some(self.pause_for(wait));
            self.retry.sleeper.sleep(wait).await;
            attempt += 1;
        }
    }

    /// Holds every call of this client back for `wait` from now (or longer, if a pause
    /// already runs longer); the pause now running.
    fn pause_for(&self, wait: std::time::Duration) -> tokio::time::Instant {
        let until = tokio::time::Instant::now() + wait;
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        match *paused {
            Some(p) if p >= until => p,
            _ => {
                *paused = Some(until);
                until
            }
        }
    }

    /// Waits out a pause a 429 set, if one is running — unless it is the one `waited` (this
    /// call set it and has slept it already).
    async fn wait_for_pause(&self, waited: Option<tokio::time::Instant>) {
        let until = *self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if until.is_some() && until == waited {
            return;
        }
        if let Some(left) =
            until.and_then(|u| u.checked_duration_since(tokio::time::Instant::now()))
        {
            if !left.is_zero() {
                self.retry.sleeper.sleep(left).await;
            }
        }
    }

    /// User Details: `POST users/lookup` with `{"email"}` or `{"username"}`.
    pub async fn lookup_user(&self, req: &LookupUserRequest) -> Result<SecurIdUser, Error> {
        let call = ApiCall::v1(
            Operation::LookupUser,
            Method::POST,
            &["users", "lookup"],
            req.body(),
        );
        let a = self.send(&call).await?;
        if is_success(a.status) {
            return Ok(SecurIdUser::from_body(&a.body)?);
        }
        Err(status_error(&a, Operation::LookupUser))
    }

    /// Unlock User Tokencodes: `PATCH users/{userId}/methods` with `{"unlockMethods"}`.
    /// A 500 answer that carries the lock statuses is [`Error::UnlockIncomplete`].
    pub async fn unlock_methods(&self, req: &UnlockMethodsRequest) -> Result<MethodLocks, Error> {
        let segments = ["users", &req.user_id, "methods"];
        let call = ApiCall::v1(
            Operation::UnlockMethods,
            Method::PATCH,
            &segments,
            req.body(),
        );
        let a = self.send(&call).await?;
        if is_success(a.status) {
            return Ok(MethodLocks::from_body(&a.body, &req.user_id)?);
        }
        if a.status == 500 {
            if let Ok(locks) = MethodLocks::from_body(&a.body, &req.user_id) {
                return Err(Error::UnlockIncomplete(Box::new(UnlockIncomplete {
                    requested: req.methods.clone(),
                    locks,
                    server_message: users::message_field(&a.body),
                    catalog: &CATALOG,
                })));
            }
        }
        Err(status_error(&a, Operation::UnlockMethods))
    }

    /// Sends `call` and reads a 2xx answer with `read`; any other status is a server error
    /// for the call's operation.
    async fn answered<T>(
        &self,
        call: &ApiCall<'_>,
        read: impl FnOnce(&[u8]) -> Result<T, TransportError>,
    ) -> Result<T, Error> {
        let a = self.send(call).await?;
        if is_success(a.status) {
            return Ok(read(&a.body)?);
        }
        Err(status_error(&a, call.operation))
    }

    /// User Search: `POST users/search?pageSize=N` with `{"emailLike"}`.
    pub async fn search_users(
        &self,
        email_like: &str,
        page_size: u32,
    ) -> Result<UserSearch, Error> {
        let query = [("pageSize", page_size.to_string())];
        let call = ApiCall {
            query: &query,
            ..ApiCall::v1(
                Operation::SearchUsers,
                Method::POST,
                &["users", "search"],
                json!({ "emailLike": email_like }),
            )
        };
        self.answered(&call, UserSearch::from_body).await
    }

    /// User Status: `PUT users/{userId}/userStatus`. The status the server reports after.
    pub async fn set_user_status(
        &self,
        user_id: &str,
        status: UserStatus,
    ) -> Result<Option<String>, Error> {
        let operation = match status {
            UserStatus::Enabled => Operation::EnableUser,
            UserStatus::Disabled => Operation::DisableUser,
        };
        let segments = ["users", user_id, "userStatus"];
        let call = ApiCall::v1(operation, Method::PUT, &segments, status.body());
        self.answered(&call, |b| {
            Ok(object(b)?
                .get("userStatus")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned))
        })
        .await
    }

    /// Enable Emergency Tokencode: `PUT v2/users/{userId}/emergencyTokencode`; when the v2
    /// route answers 404 (for a user a lookup just found), the v1 call with `expirationDays`
    /// — if v1 can express the request (whole days, the tenant's one-time setting). Never
    /// repeated after a 429: each call issues a new code.
    pub async fn emergency_code(
        &self,
        user_id: &str,
        validity: &EmergencyValidity,
    ) -> Result<EmergencyCode, Error> {
        let segments = ["users", user_id, "emergencyTokencode"];
        let v2 = ApiCall {
            repeat: Repeat::Never,
            version: Version::V2,
            ..ApiCall::v1(
                Operation::EmergencyCode,
                Method::PUT,
                &segments,
                validity.v2_body(),
            )
        };
        let a = self.send(&v2).await?;
        if is_success(a.status) {
            return Ok(EmergencyCode::from_body(&a.body)?);
        }
        if a.status != 404 {
            return Err(status_error(&a, Operation::EmergencyCode));
        }
        let Some(body) = validity.v1_body() else {
            return Err(Error::Server {
                code: 404,
                operation: Some(Operation::EmergencyCode),
                server_message: Some(
                    "This tenant has no v2 emergency tokencode call; its v1 call takes whole days and the tenant's one-time setting only."
                        .to_owned(),
                ),
                catalog: &CATALOG,
            });
        };
        let v1 = ApiCall {
            repeat: Repeat::Never,
            ..ApiCall::v1(Operation::EmergencyCode, Method::PUT, &segments, body)
        };
        self.answered(&v1, EmergencyCode::from_body).await
    }

    /// Authenticator Details v2: `GET v2/users/{userId}/devices` (browsers excluded; SID700
    /// hardware tokens included).
    pub async fn authenticators(&self, user_id: &str) -> Result<Vec<Authenticator>, Error> {
        let query = [("includeBrowsers", "false".to_owned())];
        let segments = ["users", user_id, "devices"];
        let call = ApiCall {
            version: Version::V2,
            query: &query,
            ..ApiCall::v1(
                Operation::ListMethods,
                Method::GET,
                &segments,
                serde_json::Value::Null,
            )
        };
        self.answered(&call, Authenticator::list_from_body).await
    }

    /// Retrieve Hardware Token Details: `POST sidTokens/lookup`.
    pub async fn lookup_token(&self, token: &HardwareTokenRequest) -> Result<HardwareToken, Error> {
        let call = ApiCall::v1(
            Operation::LookupToken,
            Method::POST,
            &["sidTokens", "lookup"],
            token.serial_body(),
        );
        self.answered(&call, |b| HardwareToken::from_body(b, &token.serial))
            .await
    }

    /// Assign (`assign` true) or unassign a hardware token: `PATCH
    /// users/{userId}/sidTokens/assign|unassign`.
    pub async fn assign_token(
        &self,
        user_id: &str,
        token: &HardwareTokenRequest,
        assign: bool,
    ) -> Result<HardwareToken, Error> {
        let (operation, verb, body) = if assign {
            (Operation::Register, "assign", token.assign_body())
        } else {
            (Operation::UnregisterToken, "unassign", token.serial_body())
        };
        let segments = ["users", user_id, "sidTokens", verb];
        let call = ApiCall::v1(operation, Method::PATCH, &segments, body);
        self.answered(&call, |b| HardwareToken::from_body(b, &token.serial))
            .await
    }

    /// Proves the server answers and accepts the API key: a user lookup of an address that
    /// cannot exist, where 200 or 404 mean accepted and 403 refused. The status that proved it.
    pub async fn probe(&self) -> Result<i64, Error> {
        match self
            .lookup_user(&LookupUserRequest::email(PROBE_EMAIL))
            .await
        {
            Ok(_) => Ok(200),
            Err(Error::Server { code: 404, .. }) => Ok(404),
            Err(e) => Err(e),
        }
    }
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Any non-2xx answer: the HTTP status is the code, the server's words its message.
fn status_error(a: &HttpAnswer, operation: Operation) -> Error {
    Error::Server {
        code: i64::from(a.status),
        operation: Some(operation),
        server_message: users::server_message(&a.body),
        catalog: &CATALOG,
    }
}
