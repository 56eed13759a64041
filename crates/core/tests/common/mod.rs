//! Shared helpers of the wire and fault tests: a recording HTTP server on 127.0.0.1:0, profiles
//! and sessions pointing at it, canary credentials and an independently computed cenToken.

#![allow(dead_code)] // each test crate uses a different part of this module

pub mod securid;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::ops::Session;
use tokendesk_core::profile::Profile;
use tokendesk_core::{Error, Secret};

/// Canary credentials: they must never appear in any error text.
pub const AUTH_TOKEN: &str = "CANARY-AUTH-4b1d9e";
pub const SECRET_CODE: &str = "CANARY-SECRET-c07a52";

/// An admin username that needs percent-encoding: a space, a slash and a non-ASCII letter.
pub const ODD_ADMIN: &str = "help desk/ü";
/// `ODD_ADMIN` as one encoded path segment.
pub const ODD_ADMIN_SEGMENT: &str = "help%20desk%2F%C3%BC";
/// cenToken for (`ODD_ADMIN`, `AUTH_TOKEN`, `SECRET_CODE`), computed outside Rust:
/// `printf '%s' 'help desk/üCANARY-AUTH-4b1d9e' | openssl dgst -sha256 -hmac 'CANARY-SECRET-c07a52'`
/// (and the same with Python's `hmac`).
pub const ODD_ADMIN_CEN_TOKEN: &str =
    "6d230cabc0eea668800ef29a395160549956aee5eea72995491b944036f06ff2";

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    /// The raw path, exactly as sent (still percent-encoded).
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    /// The body as a JSON value; panics when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// A header's value as text, when present exactly once.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut all = self.headers.get_all(name).iter();
        let first = all.next()?;
        assert!(all.next().is_none(), "header {name} sent more than once");
        Some(first.to_str().expect("ASCII header").to_owned())
    }
}

type Reply = dyn Fn(&Received) -> Response + Send + Sync;

/// An HTTP server on 127.0.0.1:0 that records every request and answers with `reply`.
pub struct TestServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server answering every request with `reply(request)`.
    pub async fn start(reply: impl Fn(&Received) -> Response + Send + Sync + 'static) -> Self {
        Self::start_async(Arc::new(reply), None).await
    }

    /// Starts a server that waits `delay` before answering (for timeouts).
    pub async fn start_slow(
        delay: std::time::Duration,
        reply: impl Fn(&Received) -> Response + Send + Sync + 'static,
    ) -> Self {
        Self::start_async(Arc::new(reply), Some(delay)).await
    }

    async fn start_async(reply: Arc<Reply>, delay: Option<std::time::Duration>) -> Self {
        let log: Arc<Mutex<Vec<Received>>> = Arc::default();
        let router_log = log.clone();
        let app = Router::new().fallback(move |req: Request| {
            let log = router_log.clone();
            let reply = reply.clone();
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .expect("request body")
                    .to_vec();
                let received = Received {
                    method: parts.method,
                    path: parts.uri.path().to_owned(),
                    query: parts.uri.query().map(str::to_owned),
                    headers: parts.headers,
                    body,
                };
                log.lock().unwrap().push(received.clone());
                if let Some(d) = delay {
                    tokio::time::sleep(d).await;
                }
                reply(&received)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer { addr, log, task }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    /// How many requests arrived.
    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// The one request that arrived; panics when there were none or several.
    pub fn only(&self) -> Received {
        let all = self.received();
        assert_eq!(all.len(), 1, "expected exactly one request: {all:#?}");
        all.into_iter().next().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A JSON answer with status 200.
pub fn json(status: u16, body: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// An answer with any status, content type and body.
pub fn raw(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

/// A successful CENTAGATE answer.
pub fn success() -> Response {
    json(200, r#"{"code":0,"message":"Success","object":null}"#)
}

/// True when the real Secret Service is there (scripts/with-secret-service.sh sets
/// TOKENDESK_TEST_SECRET_SERVICE=1); else prints why `test` is skipped.
pub fn store_available(test: &str) -> bool {
    if std::env::var_os("TOKENDESK_TEST_SECRET_SERVICE").is_some_and(|v| v == "1") {
        return true;
    }
    eprintln!(
        "note: {test} skipped: it needs the real Secret Service; run the tests inside \
         `scripts/with-secret-service.sh`"
    );
    false
}

/// A name no other test run uses (store entries outlive a test).
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// A port on 127.0.0.1 where nothing listens: bound, then released.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

/// A profile built the way a person enters one.
pub fn profile(url: &str, admin: &str) -> Profile {
    draft(url, admin).validate().expect("valid profile")
}

/// A draft with the given URL and admin; other fields default.
pub fn draft(url: &str, admin: &str) -> ProfileDraft {
    ProfileDraft {
        name: "wire-test".into(),
        url: url.into(),
        admin: admin.into(),
        ..Default::default()
    }
}

/// The canary credentials.
pub fn credentials() -> CentagateCredentials {
    CentagateCredentials::new(Secret::new(AUTH_TOKEN), Secret::new(SECRET_CODE)).unwrap()
}

/// A session with the canary credentials.
pub fn session(profile: Profile) -> Session {
    Session::with_secret(profile, ProfileSecret::Centagate(credentials()), recorder())
}

/// The cenToken, computed here with the hmac crate rather than by core's signer:
/// lowercase hex of HMAC-SHA256(key = secret code, message = admin + auth token).
pub fn expected_cen_token(admin: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET_CODE.as_bytes()).unwrap();
    mac.update(admin.as_bytes());
    mac.update(AUTH_TOKEN.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Asserts no text derived from `e` (Display, Debug, the serialised info) contains a
/// credential: the auth token, the secret code or `cen_token`.
pub fn assert_no_secrets(e: &Error, cen_token: &str) {
    let info = e.info();
    let texts = [
        e.to_string(),
        format!("{e:?}"),
        serde_json::to_string(&info).unwrap(),
        serde_json::to_string(e).unwrap(),
    ];
    for text in texts {
        for canary in [AUTH_TOKEN, SECRET_CODE, cen_token] {
            assert!(
                !text.contains(canary),
                "error text leaks a credential ({canary}): {text}"
            );
        }
    }
}

/// Asserts the error explains itself: a title and a hint, both non-empty.
pub fn assert_explained(e: &Error) {
    let info = e.info();
    assert!(!info.title.trim().is_empty(), "no title: {e:?}");
    assert!(!info.hint.trim().is_empty(), "no hint: {e:?}");
}

/// A sink for the audit log in a fresh folder of its own (kept for the test process).
#[allow(dead_code)]
pub fn recorder() -> tokendesk_core::audit::Recorder {
    let dir = tempfile::tempdir().expect("temp dir").keep();
    tokendesk_core::audit::Recorder::new(
        std::sync::Arc::new(tokendesk_core::audit::AuditLog::at(
            dir.join("audit.sqlite3"),
        )),
        tokendesk_core::audit::Surface::Cli,
    )
}
