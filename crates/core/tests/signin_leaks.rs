//! No password, code, Secret Key, token or secret code in any log line of the CENTAGATE
//! sign-in calls, at the most verbose level. Its own test binary: a tracing subscriber set for
//! one thread is reliable only when no other test runs beside it.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use serde_json::json;
use tokendesk_core::centagate::signin::{
    AppKeys, FixedClock, SignInClient, DEFAULT_AUTH_BASE_PATH,
};
use tokendesk_core::transport::{Endpoint, TransportSettings};
use tokendesk_core::Secret;

const PASSWORD: &str = "P@ss-CANARY-pw";
const SECRET_KEY: &str = "SK-CANARY-7e21";
const FIRST_TOKEN: &str = "AT-CANARY-first";
const SESSION_TOKEN: &str = "AT-CANARY-session-5521";
const SESSION_SECRET: &str = "SC-CANARY-session-7730";
const OTP: &str = "CANARY-OTP-314159";
const SMS_CODE: &str = "CANARY-SMS-271828";
const SMS_CODE_IN_ANSWER: &str = "CANARY-SMS-889911";

/// A `MakeWriter` into a shared buffer, to read what was logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_reaches_a_log_line() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(|r| {
        let object = if r.path.ends_with("requestSmsOtp") {
            json!({"phone": "+60", "smsOtp": SMS_CODE_IN_ANSWER, "timeout": "300"})
        } else {
            json!({"authToken": SESSION_TOKEN, "secretCode": SESSION_SECRET,
                   "sessionTimeout": "1800000"})
        };
        json(
            200,
            &json!({"code": 0, "message": "Success", "object": object.to_string()}).to_string(),
        )
    })
    .await;
    let c = SignInClient::new(
        &Endpoint {
            url: server.url(),
            base_path: DEFAULT_AUTH_BASE_PATH.into(),
            settings: TransportSettings::default(),
        },
        AppKeys {
            integration_key: "IK-3f9a".into(),
            secret_key: Secret::new(SECRET_KEY),
        },
        Arc::new(FixedClock(1_764_391_774)),
    )
    .unwrap();
    let first = Secret::new(FIRST_TOKEN);
    c.auth_basic("admin", &Secret::new(PASSWORD)).await.unwrap();
    c.auth_otp("admin", &first, &Secret::new(OTP))
        .await
        .unwrap();
    c.request_sms_otp("admin").await.unwrap();
    c.auth_sms_otp("admin", &first, &Secret::new(SMS_CODE))
        .await
        .unwrap();
    c.logout("admin", &Secret::new(SESSION_TOKEN))
        .await
        .unwrap();
    assert_eq!(server.count(), 5);
    drop(_guard);

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("authBasic") && logged.contains("requestSmsOtp"),
        "tracing was captured: {logged}"
    );
    let hmacs: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.json()["hmac"].as_str().unwrap().to_owned())
        .collect();
    for canary in [
        PASSWORD,
        SECRET_KEY,
        FIRST_TOKEN,
        SESSION_TOKEN,
        SESSION_SECRET,
        OTP,
        SMS_CODE,
        SMS_CODE_IN_ANSWER,
    ]
    .into_iter()
    .chain(hmacs.iter().map(String::as_str))
    {
        assert!(!logged.contains(canary), "{canary} logged: {logged}");
    }
}
