//! The CENTAGATE sign-in calls on the wire, against a recording local server: method, path,
//! exact body keys (all string values, none of the disputed optional fields), the `hmac`
//! computed outside Rust, the `/v2` path variants, and how the answers are read — the
//! JSON-in-a-string object, second-factor detection, blocked, the SMS code dropped — with
//! canary secrets absent from every error and Debug output.

mod common;

use std::sync::Arc;

use axum::http::Method;
use common::*;
use serde_json::{json, Value};
use tokendesk_core::centagate::signin::{
    AppKeys, Factor, FixedClock, SignInClient, SignInStep, SignedInSession, SmsSent, BLOCKED_CODE,
    DEFAULT_AUTH_BASE_PATH,
};
use tokendesk_core::transport::{Endpoint, TransportSettings};
use tokendesk_core::{Error, ErrorKind, Secret, TransportError};

const ADMIN: &str = "admin";
/// Canaries: none may appear in any error text or Debug output.
const PASSWORD: &str = "P@ss-CANARY-pw";
const SECRET_KEY: &str = "SK-CANARY-7e21";
const FIRST_TOKEN: &str = "AT-CANARY-first";
const SESSION_TOKEN: &str = "AT-CANARY-session-5521";
const SESSION_SECRET: &str = "SC-CANARY-session-7730";
const SMS_CODE_IN_ANSWER: &str = "CANARY-SMS-889911";
const INTEGRATION_KEY: &str = "IK-3f9a";
const TIME: u64 = 1_764_391_774;

/// The `hmac` of each call for the inputs above (Secret Key `SK-CANARY-7e21`, time
/// 1764391774, OTP 123456, SMS code 654321), computed outside Rust; both commands agree:
/// ```text
/// python3 -c 'import hmac,hashlib,sys; print(hmac.new(b"SK-CANARY-7e21", sys.argv[1].encode(), hashlib.sha256).hexdigest())' MSG
/// printf '%s' MSG | openssl dgst -sha256 -hmac 'SK-CANARY-7e21'
/// ```
/// authBasic: MSG = 'adminP@ss-CANARY-pwIK-3f9a1764391774'
const AUTH_BASIC_HMAC: &str = "d43050857b92c4736bddb0303af47b4cabc9578b89ae3dd0a917e49f42df0dd9";
/// authOtp: MSG = 'admin123456IK-3f9a1764391774AT-CANARY-first'
const AUTH_OTP_HMAC: &str = "b0127ecb1541c1a775e5ed72f248548ce4de3ec027b5107776b307f02e8904ab";
/// requestSmsOtp: MSG = 'adminIK-3f9a1764391774'
const REQUEST_SMS_HMAC: &str = "0870d26e02e5fc044f1c702f846b08bce06551b61fce5d5cb7c55f22f87d7e88";
/// authSmsOtp: MSG = 'admin654321IK-3f9a1764391774AT-CANARY-first'
const AUTH_SMS_HMAC: &str = "14eaebe8ef31d19245c921ab2d1af5d1661568423ae78204b076976463cc47d8";
/// logout: MSG = 'adminIK-3f9a1764391774AT-CANARY-first'
const LOGOUT_HMAC: &str = "4aa04355da1e46fda14c0a839146bec99a9629769d9e79e8bc0f61e171ae51d9";

/// The optional fields whose order the sources dispute: never sent.
const DISPUTED: &[&str] = &[
    "supportFido",
    "ipAddress",
    "userAgent",
    "browserFp",
    "devAccId",
    "isPasswordEncrypted",
];

fn client(server: &TestServer, base_path: &str) -> SignInClient {
    SignInClient::new(
        &Endpoint {
            url: server.url(),
            base_path: base_path.into(),
            settings: TransportSettings::default(),
        },
        AppKeys {
            integration_key: INTEGRATION_KEY.into(),
            secret_key: Secret::new(SECRET_KEY),
        },
        Arc::new(FixedClock(TIME)),
    )
    .unwrap()
}

/// A success answer whose `object` is `object`, sent as JSON inside a string (as the demo
/// client's server did) when `in_string`.
fn answer(object: Value, in_string: bool) -> axum::response::Response {
    let object = if in_string {
        Value::String(object.to_string())
    } else {
        object
    };
    json(
        200,
        &json!({"code": "0", "message": "Success", "object": object}).to_string(),
    )
}

fn session_object() -> Value {
    json!({"authToken": SESSION_TOKEN, "secretCode": SESSION_SECRET, "sessionTimeout": "1800000",
           "multiStepAuth": "false", "authMethods": "PASS,OTP", "userId": "42",
           "lastSuccessLogin": "1764391000000"})
}

/// The request: POST to `path`, JSON, exactly `body` (so exactly its keys, all strings).
fn assert_request(got: &Received, path: &str, body: Value) {
    assert_eq!(got.method, Method::POST);
    assert_eq!(got.path, path);
    assert_eq!(got.query, None);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(got.header("accept").as_deref(), Some("application/json"));
    let sent = got.json();
    assert_eq!(sent, body, "body of {path}");
    let map = sent.as_object().unwrap();
    assert!(map.values().all(Value::is_string), "string values: {sent}");
    for key in DISPUTED {
        assert!(!map.contains_key(*key), "{key} sent to {path}");
    }
}

/// No canary in the error's Display, Debug, words or serialised form.
fn assert_no_canary(e: &Error) {
    let texts = [
        e.to_string(),
        format!("{e:?}"),
        format!("{:?}", e.info()),
        serde_json::to_string(e).unwrap(),
    ];
    for text in texts {
        for canary in [
            PASSWORD,
            SECRET_KEY,
            FIRST_TOKEN,
            SESSION_TOKEN,
            SESSION_SECRET,
            SMS_CODE_IN_ANSWER,
            "123456",
            "654321",
        ] {
            assert!(!text.contains(canary), "{canary} in {text}");
        }
    }
}

#[tokio::test]
async fn auth_basic_sends_exactly_the_documented_string_fields_and_signs_them() {
    for in_string in [false, true] {
        let server = TestServer::start(move |_| answer(session_object(), in_string)).await;
        let step = client(&server, DEFAULT_AUTH_BASE_PATH)
            .auth_basic(ADMIN, &Secret::new(PASSWORD))
            .await
            .unwrap();
        assert_request(
            &server.only(),
            "/v2/CentagateWS/webresources/auth/authBasic",
            json!({"username": ADMIN, "password": PASSWORD, "integrationKey": INTEGRATION_KEY,
                   "unixTimestamp": "1764391774", "hmac": AUTH_BASIC_HMAC}),
        );
        // authMethods names OTP after authBasic: a second factor is wanted.
        assert_eq!(
            step,
            SignInStep::SecondFactor {
                first_auth_token: Secret::new(SESSION_TOKEN),
                offered: vec![Factor::Otp],
                other_methods: vec![],
            },
            "object in a string: {in_string}"
        );
    }
}

#[tokio::test]
async fn a_one_step_sign_in_is_the_session_with_its_timeout() {
    let server = TestServer::start(|_| {
        answer(
            json!({"authToken": SESSION_TOKEN, "secretCode": SESSION_SECRET,
                   "sessionTimeout": 900000, "authMethods": ""}),
            true,
        )
    })
    .await;
    let step = client(&server, "/CentagateWS/webresources")
        .auth_basic(ADMIN, &Secret::new(PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        server.only().path,
        "/CentagateWS/webresources/auth/authBasic"
    );
    let SignInStep::Done(session) = step else {
        panic!("{step:?}")
    };
    assert_eq!(
        session,
        SignedInSession {
            auth_token: Secret::new(SESSION_TOKEN),
            secret_code: Secret::new(SESSION_SECRET),
            expires_in_ms: Some(900_000),
        }
    );
    let creds = session.credentials().unwrap();
    assert_eq!(creds.auth_token.expose(), SESSION_TOKEN);
    let shown = format!(
        "{session:?} {step:?}",
        step = SignInStep::Done(session.clone())
    );
    assert!(
        !shown.contains(SESSION_TOKEN) && !shown.contains(SESSION_SECRET),
        "{shown}"
    );
}

#[tokio::test]
async fn each_second_factor_trigger_is_seen() {
    for object in [
        json!({"authToken": FIRST_TOKEN, "secretCode": "", "authMethods": "PASS,SMS,OTP"}),
        json!({"authToken": FIRST_TOKEN, "secretCode": "SC-x", "multiStepAuth": "true",
               "authMethods": "OTP,SMS"}),
        json!({"authToken": FIRST_TOKEN, "secretCode": "SC-x", "authMethods": "OTP, SMS"}),
    ] {
        let o = object.clone();
        let server = TestServer::start(move |_| answer(o.clone(), true)).await;
        let step = client(&server, DEFAULT_AUTH_BASE_PATH)
            .auth_basic(ADMIN, &Secret::new(PASSWORD))
            .await
            .unwrap();
        assert_eq!(
            step,
            SignInStep::SecondFactor {
                first_auth_token: Secret::new(FIRST_TOKEN),
                offered: vec![Factor::Otp, Factor::Sms],
                other_methods: vec![],
            },
            "{object}"
        );
        assert!(!format!("{step:?}").contains(FIRST_TOKEN));
    }
    // Only methods TokenDesk cannot offer: the caller is told which.
    let server = TestServer::start(|_| {
        answer(
            json!({"authToken": FIRST_TOKEN, "secretCode": "", "authMethods": "PASS,FIDO"}),
            false,
        )
    })
    .await;
    let step = client(&server, DEFAULT_AUTH_BASE_PATH)
        .auth_basic(ADMIN, &Secret::new(PASSWORD))
        .await
        .unwrap();
    assert!(
        matches!(&step, SignInStep::SecondFactor { offered, other_methods, .. }
            if offered.is_empty() && other_methods == &["FIDO".to_owned()]),
        "{step:?}"
    );
}

#[tokio::test]
async fn auth_otp_carries_the_first_token_and_signs_it_last() {
    let server = TestServer::start(|_| answer(session_object(), true)).await;
    let step = client(&server, DEFAULT_AUTH_BASE_PATH)
        .auth_otp(ADMIN, &Secret::new(FIRST_TOKEN), &Secret::new("123456"))
        .await
        .unwrap();
    assert_request(
        &server.only(),
        "/v2/CentagateWS/webresources/auth/authOtp",
        json!({"username": ADMIN, "otp": "123456", "integrationKey": INTEGRATION_KEY,
               "unixTimestamp": "1764391774", "authToken": FIRST_TOKEN, "hmac": AUTH_OTP_HMAC}),
    );
    // The second factor's answer is the session, its token replacing the first one.
    let SignInStep::Done(s) = step else {
        panic!("{step:?}")
    };
    assert_eq!(
        (
            s.auth_token.expose(),
            s.secret_code.expose(),
            s.expires_in_ms
        ),
        (SESSION_TOKEN, SESSION_SECRET, Some(1_800_000))
    );
}

#[tokio::test]
async fn request_sms_otp_path_follows_the_v2_base_and_drops_the_code() {
    for (base, path) in [
        (
            "/v2/CentagateWS/webresources",
            "/v2/CentagateWS/webresources/req/requestSmsOtp",
        ),
        (
            "/CentagateWS/webresources",
            "/CentagateWS/webresources/auth/requestSmsOtp",
        ),
    ] {
        let server = TestServer::start(|_| {
            answer(
                json!({"phone": "+6012***789", "smsOtp": SMS_CODE_IN_ANSWER, "timeout": 300}),
                true,
            )
        })
        .await;
        let sent = client(&server, base).request_sms_otp(ADMIN).await.unwrap();
        assert_request(
            &server.only(),
            path,
            json!({"username": ADMIN, "integrationKey": INTEGRATION_KEY,
                   "unixTimestamp": "1764391774", "hmac": REQUEST_SMS_HMAC}),
        );
        assert_eq!(
            sent,
            SmsSent {
                phone: Some("+6012***789".into()),
                valid_for_secs: Some(300)
            }
        );
        assert!(!server
            .only()
            .json()
            .as_object()
            .unwrap()
            .contains_key("authToken"));
        // Absent from everything the result can become.
        let shown = format!("{sent:?} {sent:#?}");
        assert!(!shown.contains(SMS_CODE_IN_ANSWER), "{shown}");
        assert!(!shown.contains("889911"), "{shown}");
    }
}

#[tokio::test]
async fn auth_sms_otp_sends_the_code_as_sms_otp() {
    let server = TestServer::start(|_| answer(session_object(), false)).await;
    let step = client(&server, DEFAULT_AUTH_BASE_PATH)
        .auth_sms_otp(ADMIN, &Secret::new(FIRST_TOKEN), &Secret::new("654321"))
        .await
        .unwrap();
    assert_request(
        &server.only(),
        "/v2/CentagateWS/webresources/auth/authSmsOtp",
        json!({"username": ADMIN, "smsOtp": "654321", "integrationKey": INTEGRATION_KEY,
               "unixTimestamp": "1764391774", "authToken": FIRST_TOKEN, "hmac": AUTH_SMS_HMAC}),
    );
    assert!(matches!(step, SignInStep::Done(_)), "{step:?}");
}

#[tokio::test]
async fn logout_signs_the_session_token_with_the_secret_key() {
    let server =
        TestServer::start(|_| json(200, r#"{"code":0,"message":"Success","object":""}"#)).await;
    client(&server, DEFAULT_AUTH_BASE_PATH)
        .logout(ADMIN, &Secret::new(FIRST_TOKEN))
        .await
        .unwrap();
    assert_request(
        &server.only(),
        "/v2/CentagateWS/webresources/auth/logout",
        json!({"username": ADMIN, "integrationKey": INTEGRATION_KEY,
               "unixTimestamp": "1764391774", "authToken": FIRST_TOKEN, "hmac": LOGOUT_HMAC}),
    );
    assert!(!server
        .only()
        .json()
        .as_object()
        .unwrap()
        .contains_key("cenToken"));
}

#[tokio::test]
async fn the_timestamp_comes_from_the_clock_in_seconds() {
    let server = TestServer::start(|_| answer(session_object(), false)).await;
    let c = SignInClient::new(
        &Endpoint {
            url: server.url(),
            base_path: DEFAULT_AUTH_BASE_PATH.into(),
            settings: TransportSettings::default(),
        },
        AppKeys {
            integration_key: INTEGRATION_KEY.into(),
            secret_key: Secret::new(SECRET_KEY),
        },
        Arc::new(tokendesk_core::centagate::signin::SystemClock),
    )
    .unwrap();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    c.auth_basic(ADMIN, &Secret::new(PASSWORD)).await.unwrap();
    let sent: u64 = server.only().json()["unixTimestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(sent >= before && sent <= before + 5, "{sent} vs {before}");
}

#[tokio::test]
async fn blocked_is_a_server_refusal_in_words() {
    let server = TestServer::start(|_| {
        answer(
            json!({"authToken": FIRST_TOKEN, "secretCode": "", "multiStepAuth": "blocked"}),
            true,
        )
    })
    .await;
    let e = client(&server, DEFAULT_AUTH_BASE_PATH)
        .auth_basic(ADMIN, &Secret::new(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Server);
    let info = e.info();
    assert_eq!(info.code, Some(BLOCKED_CODE));
    assert!(info.title.contains("refused"), "{info:?}");
    assert!(info.server_message.unwrap().contains("blocked"));
    assert_no_canary(&e);
}

#[tokio::test]
async fn refusals_carry_the_catalogs_words_and_no_secret() {
    for (code, vendor, words) in [
        (23001, "Invalid credentials", "password"),
        (23022, "Rejected: invalid API signature", "Secret Key"),
        (23023, "Rejected: request expired", "clock"),
        (23024, "API not found", "/v2"),
        (
            23020,
            "Rejected: not from trusted IP list",
            "Allowed IP addresses",
        ),
    ] {
        let body = json!({"code": code.to_string(), "message": vendor, "object": null}).to_string();
        let server = TestServer::start(move |_| json(200, &body)).await;
        let e = client(&server, DEFAULT_AUTH_BASE_PATH)
            .auth_basic(ADMIN, &Secret::new(PASSWORD))
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Server { code: c, .. } if c == code),
            "{e:?}"
        );
        let info = e.info();
        assert!(info.hint.contains(words), "{code}: {}", info.hint);
        assert_eq!(info.server_message.as_deref(), Some(vendor));
        assert_no_canary(&e);
    }
}

/// A server (or a proxy) that echoes the request back must not put the password, the Secret
/// Key's signature or any token into an error: sign-in answers are never quoted.
#[tokio::test]
async fn answers_are_never_quoted_in_errors() {
    for status in [200, 404, 500] {
        let server = TestServer::start(move |r| {
            let echoed = format!(
                "{{\"echo\":{},\"object\":{{\"authToken\":\"{SESSION_TOKEN}\",\"smsOtp\":\"{SMS_CODE_IN_ANSWER}\"}}}}",
                String::from_utf8_lossy(&r.body)
            );
            raw(status, "application/json", echoed)
        })
        .await;
        let c = client(&server, DEFAULT_AUTH_BASE_PATH);
        let errors = [
            c.auth_basic(ADMIN, &Secret::new(PASSWORD))
                .await
                .unwrap_err(),
            c.auth_otp(ADMIN, &Secret::new(FIRST_TOKEN), &Secret::new("123456"))
                .await
                .unwrap_err(),
            c.request_sms_otp(ADMIN).await.unwrap_err(),
            c.auth_sms_otp(ADMIN, &Secret::new(FIRST_TOKEN), &Secret::new("654321"))
                .await
                .unwrap_err(),
            c.logout(ADMIN, &Secret::new(FIRST_TOKEN))
                .await
                .unwrap_err(),
        ];
        for e in &errors {
            if status == 404 {
                // Nothing at the path: explained as 23024, the auth base path.
                assert_eq!(e.kind(), ErrorKind::Server, "{e:?}");
                assert_eq!(e.info().code, Some(23024));
                assert!(e.info().hint.contains("auth base path"), "{:?}", e.info());
                assert!(e.info().server_message.unwrap().contains("HTTP 404"));
            } else {
                assert_eq!(e.kind(), ErrorKind::Transport, "{e:?}");
            }
            assert_no_canary(e);
        }
    }
}

#[tokio::test]
async fn a_success_without_an_auth_token_is_not_understood() {
    let server = TestServer::start(|_| {
        answer(
            json!({"secretCode": SESSION_SECRET, "sessionTimeout": 1}),
            true,
        )
    })
    .await;
    let e = client(&server, DEFAULT_AUTH_BASE_PATH)
        .auth_basic(ADMIN, &Secret::new(PASSWORD))
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Transport(TransportError::NotUnderstood { .. })),
        "{e:?}"
    );
    assert_no_canary(&e);
}

#[tokio::test]
async fn the_client_never_prints_its_secret_key() {
    let server = TestServer::start(|_| success()).await;
    let c = client(&server, DEFAULT_AUTH_BASE_PATH);
    let shown = format!("{c:?} {c:#?}");
    assert!(!shown.contains(SECRET_KEY), "{shown}");
    assert!(shown.contains("Secret(***)"), "{shown}");
}
