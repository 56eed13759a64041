//! Administrator sign-in, as `../shared/reference/centagate-admin-sign-in.md` reads the vendor:
//! `auth/authBasic` (password), then `auth/authOtp` or `auth/requestSmsOtp` + `auth/authSmsOtp`
//! when a second factor is required, and `auth/logout`; every call signed with an `hmac` keyed
//! with the app's Secret Key. A successful sign-in is a session (random authToken and
//! secretCode) that admin calls accept until it expires or is logged out. Sessions live in
//! memory only: a restart ends them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::auth::cen_token_matches;
use crate::centagate::{reply, Answer, Fields, Reply, BASE_PATH};
use crate::codes::Code;
use crate::fixture::{decode_secret, Fixture, SignInSpec};
use crate::otp;
use crate::server::AppState;

/// The versioned base path the 2025 developer guide gives the sign-in calls; the practice
/// server answers them under both this and [`BASE_PATH`].
pub const V2_BASE_PATH: &str = "/v2/CentagateWS/webresources";
/// How far `unixTimestamp` may be from the server's clock, either way (else 23023). The vendor
/// does not publish its window; this is ours.
pub const TIMESTAMP_WINDOW_SECS: u64 = 300;
/// How long the authToken of a first step (authBasic needing a second factor) stays usable.
pub const STEP_TIMEOUT_SECS: u64 = 300;
/// How long an SMS code is valid (the `timeout` of the requestSmsOtp answer).
pub const SMS_OTP_TIMEOUT_SECS: u64 = 300;
/// Least time between two SMS codes for one administrator (else 23002).
pub const SMS_RESEND_SECS: u64 = 60;
/// The session timeout unless configured (`--session-timeout`, `SimConfig::session_timeout`).
pub const DEFAULT_SESSION_TIMEOUT_SECS: u64 = 1800;
/// Step of the administrators' own OTP tokens (TOTP), in seconds.
pub const ADMIN_OTP_PERIOD: u64 = 30;
/// Digits of the administrators' own OTP tokens.
pub const ADMIN_OTP_DIGITS: u32 = 6;

type HmacSha256 = Hmac<Sha256>;

/// The sign-in routes under both base paths.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for base in [BASE_PATH, V2_BASE_PATH] {
        router = router
            .route(&format!("{base}/auth/authBasic"), post(auth_basic))
            .route(&format!("{base}/auth/authOtp"), post(auth_otp))
            .route(&format!("{base}/auth/requestSmsOtp"), post(request_sms_otp))
            .route(&format!("{base}/auth/authSmsOtp"), post(auth_sms_otp))
            .route(&format!("{base}/auth/logout"), post(logout));
    }
    router.route(
        &format!("{V2_BASE_PATH}/req/requestSmsOtp"),
        post(request_sms_otp),
    )
}

struct Pending {
    admin: String,
    expires: Instant,
}

struct Session {
    admin: String,
    secret_code: String,
    expires: Instant,
}

struct Sms {
    code: String,
    sent: Instant,
}

#[derive(Default)]
struct Inner {
    /// First-step authTokens waiting for a second factor.
    pending: HashMap<String, Pending>,
    /// Live sessions by authToken.
    sessions: HashMap<String, Session>,
    /// The last SMS code sent to each admin.
    sms: HashMap<String, Sms>,
    /// Practice control overrides of `SignInSpec::blocked`.
    blocked: HashMap<String, bool>,
    /// The last TOTP step used by each admin (a code is used once).
    otp_used: HashMap<String, u64>,
}

/// The sign-in state of one server: sessions, first steps, SMS codes.
pub struct SignIns {
    fixture: Arc<Fixture>,
    timeout: Duration,
    inner: Mutex<Inner>,
}

/// A practice view of an administrator who can sign in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInAdminView {
    /// The administrator's username.
    pub username: String,
    /// The sign-in password (practice data).
    pub password: String,
    /// The second factors offered (`OTP`, `SMS`); empty: the password alone signs in.
    pub second_factors: Vec<&'static str>,
    /// The phone SMS codes go to, if any.
    pub phone: Option<String>,
    /// Whether sign-in answers `multiStepAuth` "blocked".
    pub blocked: bool,
    /// Live sessions of this administrator.
    pub sessions: usize,
}

/// What the administrator's own OTP token shows.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminCodesView {
    /// The administrator.
    pub username: String,
    /// The code shown now.
    pub current: String,
    /// The codes of the next steps.
    pub next: Vec<String>,
    /// Seconds until `current` changes.
    pub seconds_remaining: u64,
    /// Always 6.
    pub digits: u32,
    /// Always 30.
    pub period: u64,
}

/// The last SMS code sent to an administrator.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsView {
    /// The administrator.
    pub username: String,
    /// The phone it went to.
    pub phone: String,
    /// The code.
    pub code: String,
    /// Seconds it stays valid (0: expired).
    pub seconds_remaining: u64,
}

/// Why a practice sign-in control could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInControlError {
    /// No `[[sign_in]]` for this administrator.
    UnknownAdmin(String),
    /// The administrator has no OTP token / no SMS code was sent.
    Nothing(String),
}

impl std::fmt::Display for SignInControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInControlError::UnknownAdmin(who) => write!(f, "no sign-in for admin {who:?}"),
            SignInControlError::Nothing(what) => f.write_str(what),
        }
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    hex::encode(buf)
}

fn unix_now() -> u64 {
    crate::controls::now()
}

impl std::fmt::Debug for SignIns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIns")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl SignIns {
    /// Sign-in state for `fixture`'s app and admins; sessions last `timeout`.
    pub fn new(fixture: Arc<Fixture>, timeout: Duration) -> SignIns {
        SignIns {
            fixture,
            timeout,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn spec(&self, admin: &str) -> Option<&SignInSpec> {
        self.fixture.sign_in.iter().find(|s| s.admin == admin)
    }

    fn is_blocked(&self, inner: &Inner, spec: &SignInSpec) -> bool {
        inner
            .blocked
            .get(&spec.admin)
            .copied()
            .unwrap_or(spec.blocked)
    }

    /// Whether `cen_token` signs a call as `admin` with one of its live sessions.
    pub fn session_signed(&self, admin: &str, cen_token: &str) -> bool {
        let now = Instant::now();
        let mut inner = self.lock();
        inner.sessions.retain(|_, s| s.expires > now);
        inner.sessions.iter().any(|(auth_token, s)| {
            s.admin == admin && cen_token_matches(cen_token, admin, auth_token, &s.secret_code)
        })
    }

    fn new_session(&self, inner: &mut Inner, admin: &str) -> (String, String) {
        let auth_token = random_hex(16);
        let secret_code = random_hex(16);
        inner.sessions.insert(
            auth_token.clone(),
            Session {
                admin: admin.to_string(),
                secret_code: secret_code.clone(),
                expires: Instant::now() + self.timeout,
            },
        );
        tracing::info!(admin, "session started");
        (auth_token, secret_code)
    }

    /// Every administrator who can sign in, for the practice panel.
    pub fn admins(&self) -> Vec<SignInAdminView> {
        let now = Instant::now();
        let inner = self.lock();
        self.fixture
            .sign_in
            .iter()
            .map(|spec| SignInAdminView {
                username: spec.admin.clone(),
                password: spec.password.clone(),
                second_factors: spec.second_factors(),
                phone: spec.phone.clone(),
                blocked: self.is_blocked(&inner, spec),
                sessions: inner
                    .sessions
                    .values()
                    .filter(|s| s.admin == spec.admin && s.expires > now)
                    .count(),
            })
            .collect()
    }

    /// What `admin`'s OTP token shows now and the `count` next codes (at most 20).
    pub fn codes(&self, admin: &str, count: usize) -> Result<AdminCodesView, SignInControlError> {
        let spec = self
            .spec(admin)
            .ok_or_else(|| SignInControlError::UnknownAdmin(admin.into()))?;
        let secret = spec
            .otp_secret
            .as_deref()
            .and_then(decode_secret)
            .ok_or_else(|| SignInControlError::Nothing(format!("{admin:?} has no OTP token")))?;
        let now = unix_now();
        let step = otp::time_step(now, ADMIN_OTP_PERIOD);
        let code = |step: u64| otp::hotp(&secret, step, ADMIN_OTP_DIGITS);
        Ok(AdminCodesView {
            username: admin.into(),
            current: code(step),
            next: (1..=count.min(20) as u64).map(|i| code(step + i)).collect(),
            seconds_remaining: otp::seconds_remaining(now, ADMIN_OTP_PERIOD),
            digits: ADMIN_OTP_DIGITS,
            period: ADMIN_OTP_PERIOD,
        })
    }

    /// The last SMS code sent to `admin`.
    pub fn sms(&self, admin: &str) -> Result<SmsView, SignInControlError> {
        let spec = self
            .spec(admin)
            .ok_or_else(|| SignInControlError::UnknownAdmin(admin.into()))?;
        let inner = self.lock();
        let (Some(sms), Some(phone)) = (inner.sms.get(admin), spec.phone.as_ref()) else {
            return Err(SignInControlError::Nothing(format!(
                "no SMS code sent to {admin:?}"
            )));
        };
        Ok(SmsView {
            username: admin.into(),
            phone: phone.clone(),
            code: sms.code.clone(),
            seconds_remaining: Duration::from_secs(SMS_OTP_TIMEOUT_SECS)
                .saturating_sub(sms.sent.elapsed())
                .as_secs(),
        })
    }

    /// Make `admin`'s sign-in answer `multiStepAuth` "blocked" (or not).
    pub fn set_blocked(
        &self,
        admin: &str,
        blocked: bool,
    ) -> Result<SignInAdminView, SignInControlError> {
        if self.spec(admin).is_none() {
            return Err(SignInControlError::UnknownAdmin(admin.into()));
        }
        self.lock().blocked.insert(admin.into(), blocked);
        Ok(self.view(admin))
    }

    /// End `admin`'s live sessions, as a logout elsewhere or an early timeout would: the
    /// next admin call signed with one answers 10001.
    pub fn end_sessions(&self, admin: &str) -> Result<SignInAdminView, SignInControlError> {
        if self.spec(admin).is_none() {
            return Err(SignInControlError::UnknownAdmin(admin.into()));
        }
        self.lock().sessions.retain(|_, s| s.admin != admin);
        tracing::info!(admin, "sessions ended (practice control)");
        Ok(self.view(admin))
    }

    /// The practice view of `admin`, who has a sign-in.
    fn view(&self, admin: &str) -> SignInAdminView {
        self.admins()
            .into_iter()
            .find(|a| a.username == admin)
            .expect("the admin has a sign-in")
    }

    /// End every session and first step, forget SMS codes and blocks (practice reset).
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// The `hmac` message: these fields' values concatenated, an absent field counting as "".
fn message(fields: &Fields, names: &[&str]) -> String {
    names
        .iter()
        .map(|name| match fields.0.get(*name) {
            Some(Value::String(s)) => s.as_str(),
            _ => "",
        })
        .collect()
}

/// Whether `presented` is the lowercase hex HMAC-SHA256 (key = the app's Secret Key) of one of
/// the `orders` the vendor's sources give for this call.
fn signature_matches(
    secret_key: &str,
    fields: &Fields,
    presented: &str,
    orders: &[&[&str]],
) -> bool {
    if presented.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let Ok(bytes) = hex::decode(presented) else {
        return false;
    };
    orders.iter().any(|order| {
        let mut mac =
            HmacSha256::new_from_slice(secret_key.as_bytes()).expect("HMAC takes any key length");
        mac.update(message(fields, order).as_bytes());
        mac.verify_slice(&bytes).is_ok()
    })
}

/// The checks every sign-in call makes, in this order: the body is a JSON object whose
/// `required` fields are non-empty strings and whose other fields, if present, are strings
/// (10002); `unixTimestamp` is an integer (10002); the integration key is the app's and
/// `hmac` matches one of `orders` (23022); the timestamp is within the window (23023).
fn check_request(
    state: &AppState,
    body: &Result<Bytes, BytesRejection>,
    required: &[&str],
    orders: &[&[&str]],
) -> Result<Fields, Code> {
    let body = body.as_ref().map_err(|_| Code::InvalidInput)?;
    let fields = Fields::parse(body)?;
    for name in required
        .iter()
        .chain(&["integrationKey", "unixTimestamp", "hmac"])
    {
        fields.text(name)?;
    }
    // Every value is sent as a string; a number or other type is invalid input.
    if fields
        .0
        .values()
        .any(|v| !matches!(v, Value::String(_) | Value::Null))
    {
        return Err(Code::InvalidInput);
    }
    let timestamp: u64 = fields
        .text("unixTimestamp")?
        .trim()
        .parse()
        .map_err(|_| Code::InvalidInput)?;
    let app = &state.fixture.app;
    if fields.text("integrationKey")? != app.integration_key
        || !signature_matches(&app.secret_key, &fields, &fields.text("hmac")?, orders)
    {
        return Err(Code::InvalidSignature);
    }
    if unix_now().abs_diff(timestamp) > TIMESTAMP_WINDOW_SECS {
        return Err(Code::RequestExpired);
    }
    Ok(fields)
}

/// The answer object of a sign-in step.
fn sign_in_object(
    sign_ins: &SignIns,
    admin: &str,
    auth_token: &str,
    secret_code: &str,
    multi_step: &str,
    methods: &str,
) -> Value {
    json!({
        "authToken": auth_token,
        "secretCode": secret_code,
        "multiStepAuth": multi_step,
        "authMethods": methods,
        "sessionTimeout": sign_ins.timeout.as_millis() as u64,
        "lastLogin": unix_now() * 1000,
        "lastSuccessLogin": unix_now() * 1000,
        "appId": "practice-app",
        "userId": admin,
        "companyId": "practice",
        "companyName": "TokenDesk Practice",
        "role": "admin",
        "timezone": "UTC",
        "email": format!("{admin}@example.com"),
        "groupId": "admins",
        "uuid": "",
        "useSystemPassword": "false",
        "passwordExpired": "false",
    })
}

async fn auth_basic(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Reply {
    reply(
        "auth/authBasic",
        (|| -> Result<Answer, Code> {
            // PDF / demo / DG Java and Node order, and the DG table order; with the optional
            // fields left out both are username + password + integrationKey + unixTimestamp.
            let fields = check_request(
                &state,
                &body,
                &["username", "password"],
                &[
                    &[
                        "username",
                        "password",
                        "integrationKey",
                        "unixTimestamp",
                        "supportFido",
                        "ipAddress",
                        "userAgent",
                        "browserFp",
                    ],
                    &[
                        "username",
                        "password",
                        "userAgent",
                        "integrationKey",
                        "supportFido",
                        "browserFp",
                        "unixTimestamp",
                        "ipAddress",
                    ],
                ],
            )?;
            if fields.optional_text("isPasswordEncrypted")?.as_deref() == Some("1") {
                // The sim does not implement the PDF's AES password option.
                return Err(Code::CryptoError);
            }
            let username = fields.text("username")?;
            let sign_ins = &state.sign_ins;
            let spec = sign_ins
                .spec(&username)
                .filter(|s| s.password == fields.text("password").unwrap_or_default())
                .ok_or(Code::InvalidCredentials)?;
            let mut inner = sign_ins.lock();
            if sign_ins.is_blocked(&inner, spec) {
                tracing::info!(admin = username, "sign-in blocked");
                return Ok(Answer::success(Some(sign_in_object(
                    sign_ins, &username, "", "", "blocked", "",
                ))));
            }
            let factors = spec.second_factors();
            let object = if factors.is_empty() {
                let (auth_token, secret_code) = sign_ins.new_session(&mut inner, &username);
                sign_in_object(
                    sign_ins,
                    &username,
                    &auth_token,
                    &secret_code,
                    "false",
                    "PASS",
                )
            } else {
                let auth_token = random_hex(16);
                let now = Instant::now();
                inner.pending.retain(|_, p| p.expires > now);
                inner.pending.insert(
                    auth_token.clone(),
                    Pending {
                        admin: username.clone(),
                        expires: now + Duration::from_secs(STEP_TIMEOUT_SECS),
                    },
                );
                sign_in_object(
                    sign_ins,
                    &username,
                    &auth_token,
                    "",
                    "true",
                    &factors.join(","),
                )
            };
            Ok(Answer::success(Some(object)))
        })(),
    )
}

/// The first step `auth_token` names, which must be `admin`'s and not expired.
fn check_pending(inner: &Inner, admin: &str, auth_token: Option<&str>) -> Result<(), Code> {
    let pending = auth_token
        .and_then(|t| inner.pending.get(t))
        .filter(|p| p.expires > Instant::now())
        .ok_or(Code::AuthDataNotFound)?;
    if pending.admin != admin {
        return Err(Code::AuthRequestOwnerMismatch);
    }
    Ok(())
}

/// End the first step `auth_token` and start a session: the second factor's answer.
fn second_factor_done(
    sign_ins: &SignIns,
    inner: &mut Inner,
    admin: &str,
    auth_token: &str,
    method: &str,
) -> Value {
    inner.pending.remove(auth_token);
    let (auth_token, secret_code) = sign_ins.new_session(inner, admin);
    sign_in_object(sign_ins, admin, &auth_token, &secret_code, "false", method)
}

async fn auth_otp(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Reply {
    reply(
        "auth/authOtp",
        (|| -> Result<Answer, Code> {
            // PDF / demo / DG table / DG Node (devAccId empty), and DG Java / PHP.
            let fields = check_request(
                &state,
                &body,
                &["username", "otp"],
                &[
                    &[
                        "username",
                        "devAccId",
                        "otp",
                        "integrationKey",
                        "unixTimestamp",
                        "authToken",
                        "supportFido",
                        "ipAddress",
                        "userAgent",
                        "browserFp",
                    ],
                    &[
                        "username",
                        "devAccId",
                        "otp",
                        "authToken",
                        "integrationKey",
                        "unixTimestamp",
                        "supportFido",
                        "ipAddress",
                        "userAgent",
                        "browserFp",
                    ],
                ],
            )?;
            let username = fields.text("username")?;
            let auth_token = fields.optional_text("authToken")?;
            let sign_ins = &state.sign_ins;
            let mut inner = sign_ins.lock();
            check_pending(&inner, &username, auth_token.as_deref())?;
            let auth_token = auth_token.unwrap_or_default();
            let spec = sign_ins.spec(&username).ok_or(Code::AuthDataNotFound)?;
            let secret = spec
                .otp_secret
                .as_deref()
                .and_then(decode_secret)
                .ok_or(Code::AuthMethodNotEnabled)?;
            let code = fields.text("otp")?;
            let now_step = otp::time_step(unix_now(), ADMIN_OTP_PERIOD);
            let last_used = inner.otp_used.get(&username).copied();
            let step = (now_step.saturating_sub(1)..=now_step + 1)
                .filter(|s| last_used.is_none_or(|used| *s > used))
                .find(|s| otp::hotp(&secret, *s, ADMIN_OTP_DIGITS) == code.trim())
                .ok_or(Code::InvalidCredentials)?;
            inner.otp_used.insert(username.clone(), step);
            Ok(Answer::success(Some(second_factor_done(
                sign_ins,
                &mut inner,
                &username,
                &auth_token,
                "OTP",
            ))))
        })(),
    )
}

async fn request_sms_otp(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    reply(
        "requestSmsOtp",
        (|| -> Result<Answer, Code> {
            // PDF / demo; DG table and CON; DG Java, Node, PHP. With authToken and the
            // optional fields empty all give username + integrationKey + unixTimestamp.
            let fields = check_request(
                &state,
                &body,
                &["username"],
                &[
                    &[
                        "username",
                        "integrationKey",
                        "unixTimestamp",
                        "authToken",
                        "ipAddress",
                        "userAgent",
                    ],
                    &[
                        "username",
                        "authToken",
                        "userAgent",
                        "integrationKey",
                        "supportFido",
                        "browserFp",
                        "unixTimestamp",
                        "ipAddress",
                    ],
                    &[
                        "username",
                        "authToken",
                        "integrationKey",
                        "unixTimestamp",
                        "supportFido",
                        "ipAddress",
                        "userAgent",
                        "browserFp",
                    ],
                ],
            )?;
            let username = fields.text("username")?;
            let sign_ins = &state.sign_ins;
            let spec = sign_ins.spec(&username).ok_or(Code::UserNotFound)?;
            let phone = spec.phone.clone().ok_or(Code::UserMobileNotFound)?;
            let mut inner = sign_ins.lock();
            if let Some(auth_token) = fields.optional_text("authToken")? {
                check_pending(&inner, &username, Some(&auth_token))?;
            }
            if inner
                .sms
                .get(&username)
                .is_some_and(|s| s.sent.elapsed() < Duration::from_secs(SMS_RESEND_SECS))
            {
                return Err(Code::SmsOtpTooSoon);
            }
            let code = format!("{:06}", rand::rng().random_range(0..1_000_000u32));
            inner.sms.insert(
                username.clone(),
                Sms {
                    code: code.clone(),
                    sent: Instant::now(),
                },
            );
            tracing::info!(admin = username, "SMS code sent (see /practice/admins)");
            // The vendor returns the code itself to the caller [PDF 3.1.1.15].
            Ok(Answer::success(Some(json!({
                "phone": phone,
                "smsOtp": code,
                "timeout": SMS_OTP_TIMEOUT_SECS,
            }))))
        })(),
    )
}

async fn auth_sms_otp(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Reply {
    reply(
        "auth/authSmsOtp",
        (|| -> Result<Answer, Code> {
            // PDF / demo / DG Node and Python, and DG Java.
            let fields = check_request(
                &state,
                &body,
                &["username", "smsOtp"],
                &[
                    &[
                        "username",
                        "smsOtp",
                        "integrationKey",
                        "unixTimestamp",
                        "authToken",
                        "supportFido",
                        "ipAddress",
                        "userAgent",
                        "browserFp",
                    ],
                    &[
                        "username",
                        "smsOtp",
                        "authToken",
                        "integrationKey",
                        "unixTimestamp",
                        "supportFido",
                        "ipAddress",
                        "userAgent",
                        "browserFp",
                    ],
                ],
            )?;
            let username = fields.text("username")?;
            let auth_token = fields.optional_text("authToken")?;
            let sign_ins = &state.sign_ins;
            let mut inner = sign_ins.lock();
            check_pending(&inner, &username, auth_token.as_deref())?;
            let auth_token = auth_token.unwrap_or_default();
            let spec = sign_ins.spec(&username).ok_or(Code::AuthDataNotFound)?;
            if spec.phone.is_none() {
                return Err(Code::AuthMethodNotEnabled);
            }
            let sms = inner.sms.get(&username).ok_or(Code::SmsOtpNotGenerated)?;
            if sms.sent.elapsed() >= Duration::from_secs(SMS_OTP_TIMEOUT_SECS) {
                inner.sms.remove(&username);
                return Err(Code::SmsOtpExpired);
            }
            if sms.code != fields.text("smsOtp")?.trim() {
                return Err(Code::InvalidSmsOtp);
            }
            inner.sms.remove(&username);
            Ok(Answer::success(Some(second_factor_done(
                sign_ins,
                &mut inner,
                &username,
                &auth_token,
                "SMS",
            ))))
        })(),
    )
}

async fn logout(State(state): State<AppState>, body: Result<Bytes, BytesRejection>) -> Reply {
    reply(
        "auth/logout",
        (|| -> Result<Answer, Code> {
            let fields = check_request(
                &state,
                &body,
                &["username", "authToken"],
                &[&["username", "integrationKey", "unixTimestamp", "authToken"]],
            )?;
            let username = fields.text("username")?;
            let auth_token = fields.text("authToken")?;
            let mut inner = state.sign_ins.lock();
            if inner
                .sessions
                .get(&auth_token)
                .is_some_and(|s| s.admin == username)
            {
                inner.sessions.remove(&auth_token);
                tracing::info!(admin = username, "session ended");
            }
            if inner
                .pending
                .get(&auth_token)
                .is_some_and(|p| p.admin == username)
            {
                inner.pending.remove(&auth_token);
            }
            // The object is always empty; an unknown or ended session is no error.
            Ok(Answer::success(None))
        })(),
    )
}
