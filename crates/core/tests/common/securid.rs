//! Helpers of the SecurID tests: the committed test key, key files, a session on a local
//! server with recorded waits and notices, a hand-moved clock, strict JWT verification.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::response::Response;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::ops::Session;
use tokendesk_core::profile::Profile;
use tokendesk_core::securid::jwt::Clock;
use tokendesk_core::securid::key::SecurIdKey;
use tokendesk_core::securid::locks::UnlockMethod;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::securid::retry::{NoJitter, RateLimitNotice, RetryPolicy, Sleeper};
use tokendesk_core::securid::users::{LookupUserRequest, UnlockMethodsRequest};
use tokendesk_core::Secret;

use super::TestServer;

pub const ACCESS_ID: &str = "tokendesk-test-access-id";
pub const VECTOR_AUD: &str = "https://tenant.access.securid.com/AdminInterface/restapi/v1";
pub const API_PATH: &str = "/AdminInterface/restapi/v1";
pub const USER_ID: &str = "f10d0514-7dd1-4a13-a30e-236d0e65b56a";

pub fn data(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("tests/data/{name}: {e}"))
}

pub fn pem() -> String {
    data("securid-test-key.pkcs1.pem")
}

/// The lines of the private key's body: none may ever appear in any text we produce.
pub fn key_canaries() -> Vec<String> {
    pem()
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .map(str::to_owned)
        .collect()
}

pub fn key_file(url: &str, access_key: &str) -> String {
    json!({
        "customerName": "Test Tenant",
        "accessID": ACCESS_ID,
        "description": "TokenDesk tests",
        "accessKey": access_key,
        "adminRestApiUrl": url,
    })
    .to_string()
}

pub fn key_for(url: &str) -> SecurIdKey {
    SecurIdKey::from_json(&key_file(url, &pem())).expect("test key file")
}

pub fn api_url(server: &TestServer) -> String {
    format!("{}{API_PATH}", server.url())
}

pub fn securid_profile(url: &str) -> Profile {
    SecurIdProfileDraft {
        name: "cloud".into(),
        key_json: Some(Secret::new(key_file(url, &pem()))),
        ..Default::default()
    }
    .validate()
    .expect("valid draft")
    .0
}

/// Records each wait instead of sleeping.
#[derive(Debug, Default)]
pub struct RecordingSleeper(pub Mutex<Vec<Duration>>);

impl Sleeper for RecordingSleeper {
    fn sleep(
        &self,
        d: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        self.0.lock().unwrap().push(d);
        Box::pin(std::future::ready(()))
    }
}

impl RecordingSleeper {
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A clock a test moves by hand.
#[derive(Debug)]
pub struct ManualClock(pub AtomicU64);

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct Rig {
    pub session: Session,
    pub sleeper: Arc<RecordingSleeper>,
    pub notices: Arc<Mutex<Vec<RateLimitNotice>>>,
}

/// A session on `server` with the test key, waits recorded (no jitter) and notices kept.
pub fn rig(server: &TestServer) -> Rig {
    let url = api_url(server);
    let sleeper = Arc::new(RecordingSleeper::default());
    let notices: Arc<Mutex<Vec<RateLimitNotice>>> = Arc::default();
    let seen = notices.clone();
    let session = Session::with_secret(
        securid_profile(&url),
        ProfileSecret::SecurId(key_for(&url)),
        super::recorder(),
    )
    .with_retry_policy(RetryPolicy {
        sleeper: sleeper.clone(),
        jitter: Arc::new(NoJitter),
        ..RetryPolicy::default()
    })
    .on_rate_limit(Arc::new(move |n| seen.lock().unwrap().push(n.clone())));
    Rig {
        session,
        sleeper,
        notices,
    }
}

pub fn with_retry_after(status: u16, retry_after: &str, body: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("retry-after", retry_after)
        .body(axum::body::Body::from(body.to_owned()))
        .unwrap()
}

pub const ALICE: &str = r#"{"id":"f10d0514-7dd1-4a13-a30e-236d0e65b56a","emailAddress":"alice@corp.example","firstName":"Alice","lastName":"Liddell","userStatus":"Enabled","identitySource":"Cloud","markDeleted":false,"highRiskUser":false,"smsNumber":"+15550100","lastSync":"2024-01-01"}"#;
pub const UNLOCKED: &str = r#"{"userId":"f10d0514-7dd1-4a13-a30e-236d0e65b56a","isTokenLocked":false,"isSmsLocked":false,"isVoiceLocked":false}"#;

pub fn alice() -> LookupUserRequest {
    LookupUserRequest::email("alice@corp.example")
}

pub fn unlock_all() -> UnlockMethodsRequest {
    UnlockMethodsRequest {
        user_id: USER_ID.into(),
        methods: UnlockMethod::ALL.to_vec(),
    }
}

pub fn strict_validation(aud: &str) -> Validation {
    let mut v = Validation::new(Algorithm::RS256);
    v.set_audience(&[aud]);
    v.sub = Some(ACCESS_ID.into());
    v.set_required_spec_claims(&["exp", "iat", "sub", "aud"]);
    v.leeway = 0;
    v
}

/// Checks a token as the server would, with jsonwebtoken's decoder and the public key only.
pub fn verify(token: &str, aud: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    let public = DecodingKey::from_rsa_pem(data("securid-test-key.pub.pem").as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<Value>(token, &public, &strict_validation(aud))
        .expect("verifies against the public key")
        .claims;
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert!(exp > iat && exp - iat <= 3600, "lifetime {}", exp - iat);
    assert_eq!(claims["sub"], ACCESS_ID);
    assert_eq!(claims["aud"], aud);
    claims
}

pub fn too_many() -> Response {
    super::json(429, r#"{"message":"Too many requests"}"#)
}
