//! CENTAGATE's administrator sign-in: the Authentication API calls that turn a username,
//! password and second factor into the session's auth token and secret code (what every admin
//! call is signed with), and `auth/logout`, which ends the session.
//!
//! Built exactly as `reference/centagate-admin-sign-in.md` reads, on the ground its sources
//! share: every call is `POST <auth base>/<path>` with a JSON body of string values and an
//! `hmac` = lowercase hex HMAC-SHA256, keyed with the app's **Secret Key** (as text), over the
//! listed values concatenated with no separator. None of the optional fields whose order the
//! sources dispute (`supportFido`, `ipAddress`, `userAgent`, `browserFp`, `devAccId`,
//! `isPasswordEncrypted`, and `authToken` on `requestSmsOtp`) is sent, so with them empty every
//! source's order reduces to the same message:
//!
//! | call | path | signed message (= body keys before `hmac`, in this order) |
//! |---|---|---|
//! | authBasic | `auth/authBasic` | username + password + integrationKey + unixTimestamp |
//! | authOtp | `auth/authOtp` | username + otp + integrationKey + unixTimestamp + authToken |
//! | requestSmsOtp | `auth/requestSmsOtp`; `req/requestSmsOtp` under a `/v2` auth base | username + integrationKey + unixTimestamp |
//! | authSmsOtp | `auth/authSmsOtp` | username + smsOtp + integrationKey + unixTimestamp + authToken |
//! | logout | `auth/logout` | username + integrationKey + unixTimestamp + authToken |
//!
//! `unixTimestamp` is the Unix time in **seconds** from an injectable [`Clock`]. For authOtp
//! and authSmsOtp the order is the PDF's and the working demo client's (authToken last); DG's
//! Java/PHP samples put it after the code — a 23022 on the second factor would point there.
//!
//! The answers: a non-zero code is an [`Error::Server`] with CENTAGATE's catalog; `object`
//! may be JSON inside a string. A sign-in answer is either the session ([`SignInStep::Done`])
//! or a request for a second factor ([`SignInStep::SecondFactor`]); `multiStepAuth` "blocked"
//! is a refusal. The `requestSmsOtp` answer carries the SMS code itself: it is dropped unread
//! (using it would skip the factor), and every sign-in answer's raw bytes are wiped once read.
//!
//! Every password, code, token, secret code and the Secret Key is a [`Secret`]; nothing here
//! logs a value, and no error built here quotes a sign-in answer's body.

use std::sync::Arc;

use serde_json::{Map, Value};
use url::Url;
use zeroize::Zeroize;

use super::answer::{self, lenient_int, Answer};
use super::catalog::CATALOG;
use super::credentials::CentagateCredentials;
use crate::error::{Error, TransportError};
use crate::secret::Secret;
use crate::sign::hmac_hex;
use crate::transport::{Endpoint, HttpClient};
use crate::vocab::Backend;

/// Where CENTAGATE Cloud's sign-in calls live (its admin calls do not carry the `/v2`).
pub const DEFAULT_AUTH_BASE_PATH: &str = "/v2/CentagateWS/webresources";

/// What stands in an error's excerpt instead of a sign-in answer's body, which may carry
/// an auth token, a secret code or an SMS code.
pub const REDACTED_EXCERPT: &str =
    "(the answer is not quoted: a sign-in answer may carry credentials)";

/// The code a `multiStepAuth` "blocked" answer is reported under. The server answers code 0
/// with the refusal in the object; the vendor's code for a refused authentication request is
/// the closest words, and the server message says what was really answered.
pub const BLOCKED_CODE: i64 = 23026;

// ------------------------------------------------------------------------------ the clock

/// Where `unixTimestamp` comes from (the crate's one clock trait).
pub use crate::clock::{Clock, SystemClock};

/// A clock stopped at one Unix second (tests, and signature vectors).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}

// ------------------------------------------------------------------------- the requests

/// The app (portal Apps → "Web API") the sign-in goes through: its Integration Key (kept in
/// the profile; not a secret) and its Secret Key (a credential: the OS store only).
#[derive(Debug, Clone)]
pub struct AppKeys {
    pub integration_key: String,
    pub secret_key: Secret,
}

/// The five sign-in calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInCall {
    AuthBasic,
    AuthOtp,
    RequestSmsOtp,
    AuthSmsOtp,
    Logout,
}

impl SignInCall {
    /// Path segments below the auth base. `requestSmsOtp` moved to `req/` in the `/v2`
    /// documentation (DG, CON); the 2018 PDF and the demo client have it under `auth/`.
    pub fn segments(self, v2: bool) -> [&'static str; 2] {
        match self {
            SignInCall::AuthBasic => ["auth", "authBasic"],
            SignInCall::AuthOtp => ["auth", "authOtp"],
            SignInCall::RequestSmsOtp if v2 => ["req", "requestSmsOtp"],
            SignInCall::RequestSmsOtp => ["auth", "requestSmsOtp"],
            SignInCall::AuthSmsOtp => ["auth", "authSmsOtp"],
            SignInCall::Logout => ["auth", "logout"],
        }
    }

    /// The call's name as the vendor spells it, for logs and audit details.
    pub fn name(self) -> &'static str {
        match self {
            SignInCall::AuthBasic => "authBasic",
            SignInCall::AuthOtp => "authOtp",
            SignInCall::RequestSmsOtp => "requestSmsOtp",
            SignInCall::AuthSmsOtp => "authSmsOtp",
            SignInCall::Logout => "logout",
        }
    }
}

/// One sign-in call with what it carries. `auth_token` is the first step's token for the
/// second factor, and the session's token for logout.
#[derive(Debug, Clone, Copy)]
pub enum SignInRequest<'a> {
    Basic {
        username: &'a str,
        password: &'a Secret,
    },
    Otp {
        username: &'a str,
        auth_token: &'a Secret,
        otp: &'a Secret,
    },
    RequestSms {
        username: &'a str,
    },
    SmsOtp {
        username: &'a str,
        auth_token: &'a Secret,
        sms_code: &'a Secret,
    },
    Logout {
        username: &'a str,
        auth_token: &'a Secret,
    },
}

impl SignInRequest<'_> {
    /// Which call this is.
    pub fn call(&self) -> SignInCall {
        match self {
            SignInRequest::Basic { .. } => SignInCall::AuthBasic,
            SignInRequest::Otp { .. } => SignInCall::AuthOtp,
            SignInRequest::RequestSms { .. } => SignInCall::RequestSmsOtp,
            SignInRequest::SmsOtp { .. } => SignInCall::AuthSmsOtp,
            SignInRequest::Logout { .. } => SignInCall::Logout,
        }
    }
}

/// A built, signed sign-in request: where it goes and its body's fields in order (every value
/// a [`Secret`], wiped on drop). Its `Debug` shows the call, the URL and the keys, never a
/// value.
pub struct SignedRequest {
    pub call: SignInCall,
    pub url: Url,
    fields: Vec<(&'static str, Secret)>,
}

impl SignedRequest {
    /// The body's keys, in the order they are signed and sent (`hmac` last).
    pub fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(k, _)| *k).collect()
    }

    /// One field's value.
    pub fn value(&self, key: &str) -> Option<&Secret> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The JSON body: every value a JSON string.
    pub fn body(&self) -> Value {
        let mut map = Map::new();
        for (k, v) in &self.fields {
            map.insert((*k).to_owned(), Value::String(v.expose().to_owned()));
        }
        Value::Object(map)
    }
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("call", &self.call)
            .field("url", &self.url.as_str())
            .field("keys", &self.keys())
            .finish()
    }
}

/// True when the auth base's first path segment is `v2` (`/v2/CentagateWS/webresources`).
pub fn is_v2(auth_base: &Url) -> bool {
    auth_base
        .path_segments()
        .and_then(|mut s| s.next())
        .is_some_and(|first| first.eq_ignore_ascii_case("v2"))
}

/// The full URL of `call` below `auth_base`.
pub fn call_url(auth_base: &Url, call: SignInCall) -> Url {
    let mut url = auth_base.clone();
    url.path_segments_mut()
        .expect("an http(s) base URL has path segments")
        .pop_if_empty()
        .extend(call.segments(is_v2(auth_base)));
    url
}

/// Builds and signs `request` for the auth base `auth_base`, at `unix_time` seconds. Pure:
/// the same inputs give the same body and `hmac`.
pub fn build(
    request: &SignInRequest<'_>,
    auth_base: &Url,
    keys: &AppKeys,
    unix_time: u64,
) -> SignedRequest {
    let call = request.call();
    let s = |v: &str| Secret::new(v);
    let ik = s(&keys.integration_key);
    let ts = s(&unix_time.to_string());
    // Each list is the signed message's order; the body carries the same keys.
    let mut fields: Vec<(&'static str, Secret)> = match *request {
        SignInRequest::Basic { username, password } => vec![
            ("username", s(username)),
            ("password", password.clone()),
            ("integrationKey", ik),
            ("unixTimestamp", ts),
        ],
        SignInRequest::Otp {
            username,
            auth_token,
            otp,
        } => vec![
            ("username", s(username)),
            ("otp", otp.clone()),
            ("integrationKey", ik),
            ("unixTimestamp", ts),
            ("authToken", auth_token.clone()),
        ],
        SignInRequest::RequestSms { username } => vec![
            ("username", s(username)),
            ("integrationKey", ik),
            ("unixTimestamp", ts),
        ],
        SignInRequest::SmsOtp {
            username,
            auth_token,
            sms_code,
        } => vec![
            ("username", s(username)),
            ("smsOtp", sms_code.clone()),
            ("integrationKey", ik),
            ("unixTimestamp", ts),
            ("authToken", auth_token.clone()),
        ],
        SignInRequest::Logout {
            username,
            auth_token,
        } => vec![
            ("username", s(username)),
            ("integrationKey", ik),
            ("unixTimestamp", ts),
            ("authToken", auth_token.clone()),
        ],
    };
    let parts: Vec<&str> = fields.iter().map(|(_, v)| v.expose()).collect();
    let hmac = hmac_hex(&keys.secret_key, &parts);
    fields.push(("hmac", hmac));
    SignedRequest {
        call,
        url: call_url(auth_base, call),
        fields,
    }
}

// -------------------------------------------------------------------------- the answers

/// A second factor TokenDesk can offer: the ones `authMethods` names that it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Factor {
    /// A code from the administrator's OTP token (`auth/authOtp`).
    Otp,
    /// A code sent by SMS (`requestSmsOtp`, then `auth/authSmsOtp`).
    Sms,
}

impl Factor {
    /// Its name in `authMethods`.
    pub fn method_name(self) -> &'static str {
        match self {
            Factor::Otp => "OTP",
            Factor::Sms => "SMS",
        }
    }
}

/// A signed-in CENTAGATE session: what every admin call is signed with, and how long the
/// server keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInSession {
    pub auth_token: Secret,
    pub secret_code: Secret,
    /// `sessionTimeout`, in milliseconds, when the server sent one.
    pub expires_in_ms: Option<u64>,
}

impl SignedInSession {
    /// The session as the credentials admin calls are signed with.
    pub fn credentials(&self) -> Result<CentagateCredentials, Error> {
        CentagateCredentials::new(self.auth_token.clone(), self.secret_code.clone())
    }
}

/// Where a sign-in step left the administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in.
    Done(SignedInSession),
    /// The server wants a second factor. `first_auth_token` goes into that call; `offered` is
    /// what the server lists that TokenDesk supports (OTP first when offered: the default);
    /// `other_methods` the rest of `authMethods` (e.g. `FIDO`), for words when `offered` is
    /// empty.
    SecondFactor {
        first_auth_token: Secret,
        offered: Vec<Factor>,
        other_methods: Vec<String>,
    },
}

/// What a `requestSmsOtp` answer may be kept for: where the SMS went and how long its code
/// is valid. The code itself, which the vendor returns too, is never read into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsSent {
    /// `phone`, the number the SMS went to, as the server wrote it.
    pub phone: Option<String>,
    /// `timeout`, the code's validity in seconds.
    pub valid_for_secs: Option<u64>,
}

/// A text field of the object, trimmed; `None` when absent or not text.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    match object.get(key) {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

/// Splits `authMethods` (comma-separated, e.g. "PASS,OTP,SMS"; sometimes a JSON list) into
/// the factors TokenDesk supports, OTP first, and the other names (not PASS, the first step).
pub fn read_methods(value: Option<&Value>) -> (Vec<Factor>, Vec<String>) {
    let names: Vec<String> = match value {
        Some(Value::String(s)) => s
            .split(',')
            .map(|n| n.trim().to_ascii_uppercase())
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|n| n.trim().to_ascii_uppercase())
            .collect(),
        _ => Vec::new(),
    };
    let mut offered = Vec::new();
    let mut others = Vec::new();
    for name in names {
        match name.as_str() {
            "" | "PASS" => {}
            "OTP" => offered.push(Factor::Otp),
            "SMS" => offered.push(Factor::Sms),
            _ if !others.contains(&name) => others.push(name),
            _ => {}
        }
    }
    offered.sort_by_key(|f| *f != Factor::Otp);
    offered.dedup();
    (offered, others)
}

/// An answer this module cannot use, never quoting it.
fn not_understood(reason: &str) -> Error {
    TransportError::NotUnderstood {
        reason: reason.to_owned(),
        excerpt: REDACTED_EXCERPT.to_owned(),
    }
    .into()
}

/// A non-zero code as a refusal explained by CENTAGATE's catalog.
fn refused(answer: Answer) -> Error {
    Error::Server {
        code: answer.code,
        operation: None,
        server_message: answer.message,
        catalog: &CATALOG,
    }
}

/// Reads the answer of authBasic (`first_step`) or of a second factor (authOtp,
/// authSmsOtp). A second factor is wanted when `multiStepAuth` is "true", when `secretCode`
/// is empty, or — after authBasic — when `authMethods` names one (the PDF sends it then only
/// for users whose MFA is "Always Apply"). `multiStepAuth` "blocked" is a refusal.
pub fn read_step(answer: Answer, first_step: bool) -> Result<SignInStep, Error> {
    if answer.code != 0 {
        return Err(refused(answer));
    }
    let object = answer::object_map(&answer.object);
    let multi = text(&object, "multiStepAuth")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if multi == "blocked" {
        return Err(Error::Server {
            code: BLOCKED_CODE,
            operation: None,
            server_message: Some(
                "The server answered multiStepAuth \"blocked\": it refused this sign-in \
                 (its risk check blocked it)."
                    .to_owned(),
            ),
            catalog: &CATALOG,
        });
    }
    let auth_token = Secret::new(text(&object, "authToken").unwrap_or_default());
    if auth_token.is_blank() {
        return Err(not_understood(
            "a successful sign-in answer without an authToken",
        ));
    }
    let secret_code = Secret::new(text(&object, "secretCode").unwrap_or_default());
    let (offered, other_methods) = read_methods(object.get("authMethods"));
    let wants_more = multi == "true"
        || secret_code.is_blank()
        || (first_step && (!offered.is_empty() || !other_methods.is_empty()));
    if wants_more {
        return Ok(SignInStep::SecondFactor {
            first_auth_token: auth_token,
            offered,
            other_methods,
        });
    }
    let expires_in_ms = object
        .get("sessionTimeout")
        .and_then(lenient_int)
        .and_then(|ms| u64::try_from(ms).ok())
        .filter(|ms| *ms > 0);
    Ok(SignInStep::Done(SignedInSession {
        auth_token,
        secret_code,
        expires_in_ms,
    }))
}

/// Reads a `requestSmsOtp` answer. Its `smsOtp` (the code itself) is taken out and dropped
/// as a [`Secret`], so it is wiped, never kept, never shown.
pub fn read_sms_sent(answer: Answer) -> Result<SmsSent, Error> {
    if answer.code != 0 {
        return Err(refused(answer));
    }
    let mut object = answer::object_map(&answer.object);
    drop_sms_code(&mut object);
    Ok(SmsSent {
        phone: crate::text::clean_opt(text(&object, "phone"), crate::text::SHORT),
        valid_for_secs: object
            .get("timeout")
            .and_then(lenient_int)
            .and_then(|s| u64::try_from(s).ok()),
    })
}

/// Removes `smsOtp` (any case) from the object and wipes it.
fn drop_sms_code(object: &mut Map<String, Value>) {
    let keys: Vec<String> = object
        .keys()
        .filter(|k| k.eq_ignore_ascii_case("smsOtp"))
        .cloned()
        .collect();
    for k in keys {
        if let Some(Value::String(mut code)) = object.remove(&k) {
            code.zeroize();
        }
    }
}

/// Reads a logout answer: code 0 is done; the object is always empty.
pub fn read_logout(answer: Answer) -> Result<(), Error> {
    if answer.code != 0 {
        return Err(refused(answer));
    }
    Ok(())
}

// --------------------------------------------------------------------------- the client

/// The sign-in calls against one server's auth base, as one app.
#[derive(Debug, Clone)]
pub struct SignInClient {
    http: HttpClient,
    auth_base: Url,
    keys: AppKeys,
    clock: Arc<dyn Clock>,
}

impl SignInClient {
    /// A client for the sign-in calls below `auth_endpoint` (whose `base_path` is the *auth*
    /// base path, e.g. [`DEFAULT_AUTH_BASE_PATH`]), signing as the app `keys`, dated by
    /// `clock`.
    pub fn new(
        auth_endpoint: &Endpoint,
        keys: AppKeys,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        Ok(SignInClient {
            http: HttpClient::for_endpoint(auth_endpoint)?,
            auth_base: auth_endpoint.base_url()?,
            keys,
            clock,
        })
    }

    /// The auth base every call goes below.
    pub fn auth_base(&self) -> &Url {
        &self.auth_base
    }

    /// Builds and signs `request` at the clock's present second.
    pub fn build(&self, request: &SignInRequest<'_>) -> SignedRequest {
        build(request, &self.auth_base, &self.keys, self.clock.now())
    }

    /// Sends `request` and parses the answer (a non-zero code is returned, not raised). A
    /// non-2xx status and an unreadable answer are transport errors that never quote the
    /// body; the raw answer bytes are wiped once parsed.
    pub async fn send(&self, request: &SignInRequest<'_>) -> Result<Answer, Error> {
        let signed = self.build(request);
        tracing::info!(call = signed.call.name(), url = %signed.url, "sending sign-in call");
        tracing::debug!(fields = ?signed.keys(), "body keys (values not logged)");
        let sent = self
            .http
            .exchange(
                reqwest::Method::POST,
                &signed.url,
                &[],
                None,
                &signed.body(),
            )
            .await;
        let mut answer = match sent {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(call = signed.call.name(), error = %e, "sign-in call failed");
                return Err(e);
            }
        };
        let parsed = if (200..300).contains(&answer.status) {
            answer::parse(&answer.body).map_err(|e| match e {
                TransportError::NotUnderstood { reason, .. } => not_understood(&reason),
                other => other.into(),
            })
        } else if answer.status == 404 {
            // Nothing at this path: the auth base path is the likely cause, which 23024's
            // words explain (with the /v2 choice).
            Err(Error::Server {
                code: 23024,
                operation: None,
                server_message: Some(format!(
                    "HTTP 404: nothing answers at {}",
                    signed.url.path()
                )),
                catalog: &CATALOG,
            })
        } else {
            Err(TransportError::HttpStatus {
                status: answer.status,
                excerpt: REDACTED_EXCERPT.to_owned(),
                service: Backend::Centagate.label().to_owned(),
            }
            .into())
        };
        answer.body.zeroize();
        let parsed = parsed?;
        tracing::info!(call = signed.call.name(), code = parsed.code, "answered");
        Ok(parsed)
    }

    /// `auth/authBasic`: the first step, with the administrator's password.
    pub async fn auth_basic(&self, username: &str, password: &Secret) -> Result<SignInStep, Error> {
        let answer = self
            .send(&SignInRequest::Basic { username, password })
            .await?;
        read_step(answer, true)
    }

    /// `auth/authOtp`: the second factor with a code from the administrator's OTP token.
    pub async fn auth_otp(
        &self,
        username: &str,
        first_auth_token: &Secret,
        otp: &Secret,
    ) -> Result<SignInStep, Error> {
        let answer = self
            .send(&SignInRequest::Otp {
                username,
                auth_token: first_auth_token,
                otp,
            })
            .await?;
        read_step(answer, false)
    }

    /// `requestSmsOtp`: asks the server to send the administrator an SMS code.
    pub async fn request_sms_otp(&self, username: &str) -> Result<SmsSent, Error> {
        let answer = self.send(&SignInRequest::RequestSms { username }).await?;
        read_sms_sent(answer)
    }

    /// `auth/authSmsOtp`: the second factor with the SMS code the administrator received.
    pub async fn auth_sms_otp(
        &self,
        username: &str,
        first_auth_token: &Secret,
        sms_code: &Secret,
    ) -> Result<SignInStep, Error> {
        let answer = self
            .send(&SignInRequest::SmsOtp {
                username,
                auth_token: first_auth_token,
                sms_code,
            })
            .await?;
        read_step(answer, false)
    }

    /// `auth/logout`: ends the session whose auth token is `auth_token`.
    pub async fn logout(&self, username: &str, auth_token: &Secret) -> Result<(), Error> {
        let answer = self
            .send(&SignInRequest::Logout {
                username,
                auth_token,
            })
            .await?;
        read_logout(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: &str = "admin";
    const PASSWORD: &str = "P@ss-CANARY-pw";
    const INTEGRATION_KEY: &str = "IK-3f9a";
    const SECRET_KEY: &str = "SK-CANARY-7e21";
    const TIME: u64 = 1_764_391_774;
    const FIRST_TOKEN: &str = "AT-CANARY-first";

    fn keys() -> AppKeys {
        AppKeys {
            integration_key: INTEGRATION_KEY.into(),
            secret_key: Secret::new(SECRET_KEY),
        }
    }

    fn base(path: &str) -> Url {
        Url::parse(&format!("https://mfa.example.com{path}")).unwrap()
    }

    fn signed(request: &SignInRequest<'_>) -> SignedRequest {
        build(request, &base(DEFAULT_AUTH_BASE_PATH), &keys(), TIME)
    }

    /// The `hmac` of each call for the fixed inputs above, computed outside Rust with
    /// ```text
    /// python3 -c 'import hmac,hashlib; print(hmac.new(b"SK-CANARY-7e21", MSG.encode(), hashlib.sha256).hexdigest())'
    /// printf '%s' MSG | openssl dgst -sha256 -hmac 'SK-CANARY-7e21'
    /// ```
    /// with MSG, per call (both tools agree):
    /// authBasic     'adminP@ss-CANARY-pwIK-3f9a1764391774'
    /// authOtp       'admin123456IK-3f9a1764391774AT-CANARY-first'
    /// requestSmsOtp 'adminIK-3f9a1764391774'
    /// authSmsOtp    'admin654321IK-3f9a1764391774AT-CANARY-first'
    /// logout        'adminIK-3f9a1764391774AT-CANARY-first'
    const AUTH_BASIC_HMAC: &str =
        "d43050857b92c4736bddb0303af47b4cabc9578b89ae3dd0a917e49f42df0dd9";
    const AUTH_OTP_HMAC: &str = "b0127ecb1541c1a775e5ed72f248548ce4de3ec027b5107776b307f02e8904ab";
    const REQUEST_SMS_HMAC: &str =
        "0870d26e02e5fc044f1c702f846b08bce06551b61fce5d5cb7c55f22f87d7e88";
    const AUTH_SMS_HMAC: &str = "14eaebe8ef31d19245c921ab2d1af5d1661568423ae78204b076976463cc47d8";
    const LOGOUT_HMAC: &str = "4aa04355da1e46fda14c0a839146bec99a9629769d9e79e8bc0f61e171ae51d9";

    #[test]
    fn signatures_match_vectors_computed_with_python_and_openssl() {
        let password = Secret::new(PASSWORD);
        let token = Secret::new(FIRST_TOKEN);
        let otp = Secret::new("123456");
        let sms = Secret::new("654321");
        let cases = [
            (
                SignInRequest::Basic {
                    username: USER,
                    password: &password,
                },
                AUTH_BASIC_HMAC,
            ),
            (
                SignInRequest::Otp {
                    username: USER,
                    auth_token: &token,
                    otp: &otp,
                },
                AUTH_OTP_HMAC,
            ),
            (
                SignInRequest::RequestSms { username: USER },
                REQUEST_SMS_HMAC,
            ),
            (
                SignInRequest::SmsOtp {
                    username: USER,
                    auth_token: &token,
                    sms_code: &sms,
                },
                AUTH_SMS_HMAC,
            ),
            (
                SignInRequest::Logout {
                    username: USER,
                    auth_token: &token,
                },
                LOGOUT_HMAC,
            ),
        ];
        for (request, expected) in cases {
            let s = signed(&request);
            assert_eq!(s.value("hmac").unwrap().expose(), expected, "{:?}", s.call);
        }
    }

    #[test]
    fn bodies_carry_exactly_the_documented_keys_as_strings() {
        let password = Secret::new(PASSWORD);
        let token = Secret::new(FIRST_TOKEN);
        let otp = Secret::new("123456");
        let s = signed(&SignInRequest::Basic {
            username: USER,
            password: &password,
        });
        assert_eq!(
            s.body(),
            json!({"username": USER, "password": PASSWORD, "integrationKey": INTEGRATION_KEY,
                   "unixTimestamp": "1764391774", "hmac": AUTH_BASIC_HMAC})
        );
        assert_eq!(
            s.keys(),
            [
                "username",
                "password",
                "integrationKey",
                "unixTimestamp",
                "hmac"
            ]
        );
        let s = signed(&SignInRequest::Otp {
            username: USER,
            auth_token: &token,
            otp: &otp,
        });
        assert_eq!(
            s.keys(),
            [
                "username",
                "otp",
                "integrationKey",
                "unixTimestamp",
                "authToken",
                "hmac"
            ]
        );
        let s = signed(&SignInRequest::RequestSms { username: USER });
        assert_eq!(
            s.keys(),
            ["username", "integrationKey", "unixTimestamp", "hmac"]
        );
        for s in [
            s,
            signed(&SignInRequest::Logout {
                username: USER,
                auth_token: &token,
            }),
        ] {
            assert!(s.body().as_object().unwrap().values().all(Value::is_string));
        }
    }

    #[test]
    fn paths_follow_the_auth_base() {
        let v2 = base("/v2/CentagateWS/webresources");
        let old = base("/CentagateWS/webresources");
        assert!(is_v2(&v2) && !is_v2(&old) && !is_v2(&base("/")));
        assert_eq!(
            call_url(&v2, SignInCall::RequestSmsOtp).path(),
            "/v2/CentagateWS/webresources/req/requestSmsOtp"
        );
        assert_eq!(
            call_url(&old, SignInCall::RequestSmsOtp).path(),
            "/CentagateWS/webresources/auth/requestSmsOtp"
        );
        assert_eq!(
            call_url(
                &base("/v2/CentagateWS/webresources/"),
                SignInCall::AuthBasic
            )
            .path(),
            "/v2/CentagateWS/webresources/auth/authBasic"
        );
        assert_eq!(
            call_url(&old, SignInCall::Logout).path(),
            "/CentagateWS/webresources/auth/logout"
        );
    }

    #[test]
    fn a_signed_request_debug_shows_no_value() {
        let password = Secret::new(PASSWORD);
        let s = signed(&SignInRequest::Basic {
            username: USER,
            password: &password,
        });
        let shown = format!("{s:?}");
        assert!(
            shown.contains("password") && shown.contains("authBasic"),
            "{shown}"
        );
        for v in [PASSWORD, SECRET_KEY, AUTH_BASIC_HMAC] {
            assert!(!shown.contains(v), "{shown}");
        }
        assert!(!format!("{:?}", keys()).contains(SECRET_KEY));
    }

    fn answer(object: Value) -> Answer {
        Answer {
            code: 0,
            message: Some("Success".into()),
            object,
        }
    }

    #[test]
    fn methods_are_read_otp_first_and_pass_ignored() {
        assert_eq!(
            read_methods(Some(&json!("PASS, sms,OTP,FIDO,SMS"))),
            (vec![Factor::Otp, Factor::Sms], vec!["FIDO".to_owned()])
        );
        assert_eq!(
            read_methods(Some(&json!(["SMS"]))),
            (vec![Factor::Sms], vec![])
        );
        assert_eq!(read_methods(Some(&json!(""))), (vec![], vec![]));
        assert_eq!(read_methods(None), (vec![], vec![]));
    }

    #[test]
    fn a_complete_answer_is_the_session() {
        let step = read_step(
            answer(
                json!({"authToken": "T", "secretCode": "S", "sessionTimeout": "900000",
                          "multiStepAuth": "false", "authMethods": "OTP"}),
            ),
            false,
        )
        .unwrap();
        assert_eq!(
            step,
            SignInStep::Done(SignedInSession {
                auth_token: Secret::new("T"),
                secret_code: Secret::new("S"),
                expires_in_ms: Some(900_000),
            })
        );
    }

    #[test]
    fn second_factor_is_detected_three_ways() {
        for object in [
            json!({"authToken": "T", "secretCode": "", "sessionTimeout": 900000}),
            json!({"authToken": "T", "secretCode": "S", "multiStepAuth": "TRUE"}),
            json!({"authToken": "T", "secretCode": "S", "authMethods": "PASS,SMS"}),
        ] {
            match read_step(answer(object.clone()), true).unwrap() {
                SignInStep::SecondFactor {
                    first_auth_token, ..
                } => {
                    assert_eq!(first_auth_token.expose(), "T")
                }
                other => panic!("{object}: {other:?}"),
            }
        }
        // After the second factor, the user's method list alone asks for nothing more.
        assert!(matches!(
            read_step(
                answer(json!({"authToken": "T", "secretCode": "S", "authMethods": "OTP"})),
                false
            ),
            Ok(SignInStep::Done(_))
        ));
    }

    #[test]
    fn blocked_is_a_refusal_in_words() {
        let e = read_step(
            answer(json!({"authToken": "T", "multiStepAuth": "blocked"})),
            true,
        )
        .unwrap_err();
        let info = e.info();
        assert_eq!(info.code, Some(BLOCKED_CODE));
        assert!(info.server_message.unwrap().contains("blocked"));
        assert!(!format!("{e:?}").contains("\"T\""));
    }

    #[test]
    fn non_zero_codes_and_missing_tokens_are_errors() {
        let e = read_step(
            Answer {
                code: 23001,
                message: Some("Invalid credentials".into()),
                object: Value::Null,
            },
            true,
        )
        .unwrap_err();
        assert!(matches!(e, Error::Server { code: 23001, .. }));
        let e = read_step(answer(json!({"secretCode": "CANARY-S"})), true).unwrap_err();
        assert!(matches!(
            e,
            Error::Transport(TransportError::NotUnderstood { .. })
        ));
        assert!(!e.to_string().contains("CANARY-S"));
    }

    #[test]
    fn the_sms_code_is_dropped() {
        let sent = read_sms_sent(answer(
            json!({"phone": "+60123456789", "smsOtp": "CANARY-SMS-889911", "timeout": "300"}),
        ))
        .unwrap();
        assert_eq!(
            sent,
            SmsSent {
                phone: Some("+60123456789".into()),
                valid_for_secs: Some(300)
            }
        );
        assert!(!format!("{sent:?}").contains("889911"));
    }
}
