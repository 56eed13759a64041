//! The SecurID Cloud Administration API client: each call as the vendor pages give it (JSON,
//! `Authorization: Bearer <jwt>`, under the key file's `adminRestApiUrl`), 429 answers
//! retried for calls that are safe to repeat, and every other answer turned into a typed
//! result or an [`Error`] whose code is the HTTP status.

use std::sync::Arc;

use reqwest::Method;
use url::Url;

use super::catalog::CATALOG;
use super::jwt::{Clock, JwtSigner};
use super::key::SecurIdKey;
use super::locks::MethodLocks;
use super::retry::{parse_retry_after, RateLimitNotice, RetryPolicy};
use super::users::{self, LookupUserRequest, SecurIdUser, UnlockMethodsRequest};
use crate::error::{Error, UnlockIncomplete};
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

/// One API call.
#[derive(Debug, Clone)]
pub struct ApiCall<'a> {
    pub operation: Operation,
    pub method: Method,
    /// Path segments below `adminRestApiUrl`, each percent-encoded on its own.
    pub segments: &'a [&'a str],
    pub body: serde_json::Value,
    pub repeat: Repeat,
}

/// A client for one profile with its API key.
#[derive(Debug)]
pub struct Client {
    http: HttpClient,
    base: Url,
    signer: JwtSigner,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
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
            http: HttpClient::new(endpoint.settings.clone())?,
            base: endpoint.base_url()?,
            signer: JwtSigner::new(key, clock.clone())?,
            retry,
            clock,
        })
    }

    /// The signer, for tests that check the token.
    pub fn signer(&self) -> &JwtSigner {
        &self.signer
    }

    /// The full URL of a call.
    pub fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("an http(s) base URL has path segments")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// Sends a call and returns the answer, whatever its status, after retrying 429 answers
    /// as the retry policy allows (calls marked [`Repeat::Safe`] only). A fresh token is
    /// asked of the signer for every attempt.
    pub async fn send(&self, call: &ApiCall<'_>) -> Result<HttpAnswer, Error> {
        let url = self.endpoint(call.segments);
        let mut attempt = 1;
        loop {
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
            self.retry.sleeper.sleep(wait).await;
            attempt += 1;
        }
    }

    /// User Details: `POST users/lookup` with `{"email"}` or `{"username"}`.
    pub async fn lookup_user(&self, req: &LookupUserRequest) -> Result<SecurIdUser, Error> {
        let call = ApiCall {
            operation: Operation::LookupUser,
            method: Method::POST,
            segments: &["users", "lookup"],
            body: req.body(),
            repeat: Repeat::Safe,
        };
        let a = self.send(&call).await?;
        if is_success(a.status) {
            return Ok(SecurIdUser::from_body(&a.body)?);
        }
        Err(status_error(&a, Operation::LookupUser))
    }

    /// Unlock User Tokencodes: `PATCH users/{userId}/methods` with `{"unlockMethods"}`.
    /// A 500 answer that carries the lock statuses is [`Error::UnlockIncomplete`].
    pub async fn unlock_methods(&self, req: &UnlockMethodsRequest) -> Result<MethodLocks, Error> {
        let call = ApiCall {
            operation: Operation::UnlockMethods,
            method: Method::PATCH,
            segments: &["users", &req.user_id, "methods"],
            body: req.body(),
            repeat: Repeat::Safe,
        };
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
