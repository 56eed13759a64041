//! Wire tests: every CENTAGATE call goes out exactly as the vendor pages give it (PUT, JSON
//! headers, `{base}/{call}/{admin}`, exactly the documented keys plus an independently checked
//! cenToken), bad input sends nothing, and answers are read leniently or refused as they must be.

mod common;

use common::*;
use serde_json::{json, Value};
use tokendesk_core::centagate::catalog;
use tokendesk_core::centagate::methods::{TokenKind, TokenStatus};
use tokendesk_core::ops::{NewToken, RegisterTokenRequest, Session, SyncTokenRequest, UserRequest};
use tokendesk_core::vocab::{Backend, Field, Operation};
use tokendesk_core::{Error, ErrorKind};

fn user(name: &str) -> UserRequest {
    UserRequest {
        username: name.into(),
    }
}

fn register(name: &str, token: NewToken) -> RegisterTokenRequest {
    RegisterTokenRequest {
        username: name.into(),
        token,
    }
}

fn sms(phone: &str) -> NewToken {
    NewToken::Sms {
        phone: phone.into(),
    }
}

fn otp(serial: &str) -> NewToken {
    NewToken::Otp {
        serial: serial.into(),
    }
}

fn sync(name: &str, otp1: &str, otp2: &str) -> SyncTokenRequest {
    SyncTokenRequest {
        username: name.into(),
        otp1: otp1.into(),
        otp2: otp2.into(),
    }
}

/// Runs all four calls (register as SMS and as OTP) with inputs that need normalising.
async fn run_every_call(session: &Session) {
    let r = session
        .register_token(&register("  alice ", sms("+60 12-345 6789")))
        .await
        .expect("register SMS");
    assert_eq!((r.code, r.message.as_deref()), (0, Some("Success")));
    session
        .register_token(&register("bob", otp(" HW-1001_a ")))
        .await
        .expect("register OTP");
    session
        .sync_token(&sync("carol", "123 456", "654321"))
        .await
        .expect("sync");
    session
        .unlock_token(&user("dave@corp"))
        .await
        .expect("unlock");
    let m = session
        .list_methods(&user("ünïcødé"))
        .await
        .expect("list methods");
    assert!(m.object.is_empty());
}

/// Asserts one received request: PUT, the raw path, JSON headers, and the exact body.
fn assert_call(got: &Received, path: &str, mut body: Value, cen_token: &str) {
    assert_eq!(got.method, "PUT", "method of {path}");
    assert_eq!(got.path, path, "raw request path");
    assert_eq!(got.query, None, "no query string on {path}");
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/json"),
        "Content-Type of {path}"
    );
    assert_eq!(
        got.header("accept").as_deref(),
        Some("application/json"),
        "Accept of {path}"
    );
    body["cenToken"] = Value::String(cen_token.to_owned());
    let sent = got.json();
    assert!(sent.is_object(), "body of {path} is a JSON object: {sent}");
    assert_eq!(sent, body, "body of {path}: exactly the documented keys");
}

/// The expected requests of [`run_every_call`] below `base` for `admin_segment`.
fn assert_every_call(got: &[Received], base: &str, admin_segment: &str, cen_token: &str) {
    assert_eq!(got.len(), 5, "one request per call: {got:#?}");
    let at = |call: &str| format!("{base}/{call}/{admin_segment}");
    assert_call(
        &got[0],
        &at("token/registerActiveToken"),
        json!({"username": "alice", "tokenSn": "+60123456789", "tokenType": "1"}),
        cen_token,
    );
    assert_call(
        &got[1],
        &at("token/registerActiveToken"),
        json!({"username": "bob", "tokenSn": "HW-1001_a", "tokenType": "2"}),
        cen_token,
    );
    assert_call(
        &got[2],
        &at("token/syncToken"),
        json!({"username": "carol", "otpStr1": "123456", "otpStr2": "654321"}),
        cen_token,
    );
    assert_call(
        &got[3],
        &at("token/unlockToken"),
        json!({"username": "dave@corp"}),
        cen_token,
    );
    assert_call(
        &got[4],
        &at("user/auth/list"),
        json!({"username": "ünïcødé"}),
        cen_token,
    );
}

#[test]
fn the_test_hmac_matches_the_vector_computed_outside_rust() {
    // Guards the helper the other tests compare against.
    assert_eq!(expected_cen_token(ODD_ADMIN), ODD_ADMIN_CEN_TOKEN);
}

#[tokio::test]
async fn every_call_with_the_default_base_path_and_an_odd_admin() {
    let server = TestServer::start(|_| success()).await;
    let session = session(profile(&server.url(), ODD_ADMIN));
    run_every_call(&session).await;
    assert_every_call(
        &server.received(),
        "/CentagateWS/webresources",
        ODD_ADMIN_SEGMENT,
        ODD_ADMIN_CEN_TOKEN,
    );
    // Spot-check one full raw path, spelled out.
    assert_eq!(
        server.received()[3].path,
        "/CentagateWS/webresources/token/unlockToken/help%20desk%2F%C3%BC"
    );
}

#[tokio::test]
async fn every_call_with_a_custom_base_path() {
    let server = TestServer::start(|_| success()).await;
    let mut d = draft(&server.url(), "helpdesk01");
    d.base_path = Some("/custom/ws/".into());
    let session = session(d.validate().unwrap());
    run_every_call(&session).await;
    assert_every_call(
        &server.received(),
        "/custom/ws",
        "helpdesk01",
        &expected_cen_token("helpdesk01"),
    );
}

#[tokio::test]
async fn every_call_with_the_base_path_given_in_the_url() {
    let server = TestServer::start(|_| success()).await;
    let url = format!("{}/v2/CentagateWS/webresources/", server.url());
    let session = session(profile(&url, ODD_ADMIN));
    run_every_call(&session).await;
    assert_every_call(
        &server.received(),
        "/v2/CentagateWS/webresources",
        ODD_ADMIN_SEGMENT,
        ODD_ADMIN_CEN_TOKEN,
    );
}

#[tokio::test]
async fn the_admin_is_signed_and_encoded_after_trimming() {
    let server = TestServer::start(|_| success()).await;
    let session = session(profile(&server.url(), "  ops.admin+1  "));
    session.unlock_token(&user("alice")).await.unwrap();
    let got = server.only();
    assert_call(
        &got,
        "/CentagateWS/webresources/token/unlockToken/ops.admin+1",
        json!({"username": "alice"}),
        &expected_cen_token("ops.admin+1"),
    );
}

#[tokio::test]
async fn bad_input_sends_nothing_and_names_the_field() {
    let server = TestServer::start(|_| success()).await;
    let s = session(profile(&server.url(), ODD_ADMIN));
    let long = "a".repeat(129);
    let cases: Vec<(Field, Result<(), Error>)> = vec![
        (
            Field::Phone,
            s.register_token(&register("alice", sms("12-ab-345")))
                .await
                .map(drop),
        ),
        (
            Field::Phone,
            s.register_token(&register("alice", sms("123456")))
                .await
                .map(drop),
        ),
        (
            Field::Serial,
            s.register_token(&register("alice", otp("HW 1001")))
                .await
                .map(drop),
        ),
        (
            Field::Username,
            s.register_token(&register("   ", otp("HW-1001")))
                .await
                .map(drop),
        ),
        (
            Field::Username,
            s.register_token(&register(&long, sms("+60123456789")))
                .await
                .map(drop),
        ),
        (
            Field::Otp1,
            s.sync_token(&sync("alice", "12345", "123456"))
                .await
                .map(drop),
        ),
        (
            Field::Otp2,
            s.sync_token(&sync("alice", "123456", "123456"))
                .await
                .map(drop),
        ),
        (
            Field::Otp2,
            s.sync_token(&sync("alice", "123456", "1234567"))
                .await
                .map(drop),
        ),
        (Field::Username, s.unlock_token(&user("")).await.map(drop)),
        (
            Field::Username,
            s.list_methods(&user("al\tice")).await.map(drop),
        ),
    ];
    for (want, result) in cases {
        let e = result.expect_err("invalid input must be refused");
        match &e {
            Error::Input { field, .. } => assert_eq!(*field, want, "{e:?}"),
            other => panic!("expected Error::Input naming {want:?}, got {other:?}"),
        }
        let info = e.info();
        assert_eq!(info.kind, ErrorKind::Input);
        assert!(info.title.contains(want.label()), "{info:?}");
        assert!(info.hint.contains("Nothing was sent"), "{info:?}");
        assert_explained(&e);
        assert_no_secrets(&e, ODD_ADMIN_CEN_TOKEN);
    }
    assert_eq!(server.count(), 0, "no request may leave for bad input");
}

#[tokio::test]
async fn lenient_answers_succeed() {
    let server = TestServer::start(|r| {
        let call = r.path.rsplit('/').nth(1).unwrap_or_default().to_owned();
        match call.as_str() {
            "registerActiveToken" => json(200, r#"{"code":" 0 ","object":""}"#),
            "syncToken" => json(200, r#"{"code":0.0,"message":"Success"}"#),
            "unlockToken" => json(200, r#"{"code":"0"}"#),
            "list" => json(
                200,
                r#"{"code":"0","message":"Success","object":"{\"tokenList\":[{\"sn\":\"+60123456789\",\"type\":\"1\",\"status\":\"1\"},{\"sn\":\"HW-1001\",\"type\":2,\"status\":2,\"vendor\":\"acme\"}],\"certList\":[],\"device\":null,\"policy\":\"x\"}"}"#,
            ),
            _ => json(404, r#"{"code":1}"#),
        }
    })
    .await;
    let s = session(profile(&server.url(), "helpdesk01"));
    let r = s
        .register_token(&register("alice", otp("HW-1001")))
        .await
        .unwrap();
    assert_eq!((r.code, r.message, r.object), (0, None, Value::Null));
    let r = s
        .sync_token(&sync("alice", "123456", "654321"))
        .await
        .unwrap();
    assert_eq!((r.code, r.message.as_deref()), (0, Some("Success")));
    let r = s.unlock_token(&user("alice")).await.unwrap();
    assert_eq!((r.code, r.message), (0, None));
    let m = s.list_methods(&user("alice")).await.unwrap();
    assert_eq!(m.code, 0);
    let tokens: Vec<_> = m
        .object
        .tokens
        .iter()
        .map(|t| (t.sn.as_str(), t.kind, t.status))
        .collect();
    assert_eq!(
        tokens,
        [
            ("+60123456789", TokenKind::Sms, TokenStatus::Active),
            ("HW-1001", TokenKind::Otp, TokenStatus::ActiveLocked),
        ]
    );
    assert_eq!(m.object.tokens[1].extra.get("vendor"), Some(&json!("acme")));
    assert_eq!(m.object.extra.get("policy"), Some(&json!("x")));
    assert!(m.summary.contains('2'), "{}", m.summary);
    assert_eq!(server.count(), 4);
}

/// Asserts a server refusal: the code, the operation, the server's message, CENTAGATE's
/// catalog, and its words for that operation.
fn assert_refused(e: &Error, code: i64, op: Operation, message: Option<&str>) {
    match e {
        Error::Server {
            code: c,
            operation,
            server_message,
            catalog,
        } => {
            assert_eq!(
                (*c, *operation, server_message.as_deref()),
                (code, Some(op), message)
            );
            assert_eq!(catalog.backend, Backend::Centagate);
        }
        other => panic!("expected Error::Server {code}, got {other:?}"),
    }
    let info = e.info();
    let d = catalog::describe(code, Some(op));
    assert_eq!(info.kind, ErrorKind::Server);
    assert_eq!(info.code, Some(code));
    assert_eq!(info.title, d.title);
    assert_eq!(info.hint, d.hint);
    assert_explained(e);
}

#[tokio::test]
async fn non_zero_codes_are_server_errors_with_the_catalogs_words() {
    let server = TestServer::start(|r| {
        let call = r.path.rsplit('/').nth(1).unwrap_or_default().to_owned();
        match call.as_str() {
            "registerActiveToken" => json(200, r#"{"code":"29008","message":"An OTP token already registered to this user","object":null}"#),
            "syncToken" => json(200, r#"{"code":54002.0,"message":"Sync OTP failed"}"#),
            "unlockToken" => json(200, r#"{"code":29017,"message":"Invalid token status"}"#),
            "list" => json(200, r#"{"code":99999,"message":"Something new went wrong"}"#),
            _ => json(404, r#"{"code":1}"#),
        }
    })
    .await;
    let s = session(profile(&server.url(), ODD_ADMIN));

    let e = s
        .unlock_token(&user("alice"))
        .await
        .expect_err("29017 is a refusal");
    assert_refused(&e, 29017, Operation::Unlock, Some("Invalid token status"));
    assert!(
        e.info().title.contains("not locked or suspended"),
        "unlock has its own meaning of 29017: {:?}",
        e.info()
    );
    assert_ne!(
        e.info().title,
        catalog::describe(29017, None).title,
        "the per-operation title, not the general one"
    );
    assert_eq!(
        e.info().server_message.as_deref(),
        Some("Invalid token status")
    );
    assert_no_secrets(&e, ODD_ADMIN_CEN_TOKEN);

    let e = s
        .sync_token(&sync("alice", "123456", "654321"))
        .await
        .unwrap_err();
    assert_refused(&e, 54002, Operation::Sync, Some("Sync OTP failed"));
    assert!(e.info().hint.contains("two fresh codes"), "{:?}", e.info());

    let e = s
        .register_token(&register("alice", otp("HW-1001")))
        .await
        .unwrap_err();
    assert_refused(
        &e,
        29008,
        Operation::Register,
        Some("An OTP token already registered to this user"),
    );

    let e = s.list_methods(&user("alice")).await.unwrap_err();
    assert_refused(
        &e,
        99999,
        Operation::ListMethods,
        Some("Something new went wrong"),
    );
    let info = e.info();
    assert!(info.title.contains("99999"), "unknown code shown: {info:?}");
    assert_eq!(
        info.server_message.as_deref(),
        Some("Something new went wrong")
    );
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn test_connection_accepts_0_and_22002_and_refuses_10001() {
    for (answer, expected) in [
        (
            r#"{"code":0,"message":"Success","object":{"tokenList":[]}}"#,
            Ok(0),
        ),
        (r#"{"code":"22002","message":"User not found"}"#, Ok(22002)),
        (
            r#"{"code":10001,"message":"Permission not allowed"}"#,
            Err(10001),
        ),
    ] {
        let server = TestServer::start(move |_| json(200, answer)).await;
        let s = session(profile(&server.url(), ODD_ADMIN));
        let result = s.test_connection().await;
        match (expected, result) {
            (Ok(code), Ok(check)) => {
                assert_eq!(check.code, code, "{answer}");
                assert!(check.summary.contains("accepted"), "{}", check.summary);
            }
            (Err(code), Err(e)) => {
                assert_refused(
                    &e,
                    code,
                    Operation::ListMethods,
                    Some("Permission not allowed"),
                );
                assert!(
                    e.info().title.contains("Credentials refused"),
                    "{:?}",
                    e.info()
                );
                assert_no_secrets(&e, ODD_ADMIN_CEN_TOKEN);
            }
            (want, got) => panic!("{answer}: expected {want:?}, got {got:?}"),
        }
        // The probe is a methods lookup of the admin's own username.
        assert_call(
            &server.only(),
            &format!("/CentagateWS/webresources/user/auth/list/{ODD_ADMIN_SEGMENT}"),
            json!({"username": ODD_ADMIN}),
            ODD_ADMIN_CEN_TOKEN,
        );
    }
}

#[tokio::test]
async fn a_reused_session_signs_every_call_the_same() {
    let server = TestServer::start(|_| success()).await;
    let s = session(profile(&server.url(), "helpdesk01"));
    for _ in 0..3 {
        s.unlock_token(&user("alice")).await.unwrap();
    }
    let got = server.received();
    assert_eq!(got.len(), 3);
    for r in &got {
        assert_eq!(
            r.json()["cenToken"],
            json!(expected_cen_token("helpdesk01"))
        );
    }
}

/// `.` and `..` cannot travel as a path segment (URL rules drop them, and `%2E%2E` is read as
/// `..` again), so such an admin is refused instead of silently calling `{base}/{call}`.
#[tokio::test]
async fn an_admin_of_dots_is_refused_and_other_dotted_admins_are_sent() {
    let server = TestServer::start(|_| success()).await;
    for admin in [".", ".."] {
        match draft(&server.url(), admin).validate() {
            Err(Error::Input {
                field: Field::AdminUsername,
                ..
            }) => {}
            other => panic!("{admin}: expected Error::Input(AdminUsername), got {other:?}"),
        }
        // A profile that bypassed the form (an edited file) is refused at send time.
        let mut p = profile(&server.url(), "placeholder");
        p.admin = admin.to_owned();
        let e = session(p).unlock_token(&user("alice")).await.unwrap_err();
        assert!(
            matches!(
                e,
                Error::Input {
                    field: Field::AdminUsername,
                    ..
                }
            ),
            "{admin}: {e:?}"
        );
    }
    assert_eq!(server.count(), 0);

    let s = session(profile(&server.url(), "..."));
    s.unlock_token(&user("alice")).await.unwrap();
    assert_call(
        &server.only(),
        "/CentagateWS/webresources/token/unlockToken/...",
        json!({"username": "alice"}),
        &expected_cen_token("..."),
    );
}

/// A session holds the credentials and, after its first call, the cenToken: neither may show in
/// its debug output (the form a stray `{:?}` in a log line would take).
#[tokio::test]
async fn a_session_never_prints_its_credentials() {
    let server = TestServer::start(|_| success()).await;
    let s = session(profile(&server.url(), ODD_ADMIN));
    s.unlock_token(&user("alice")).await.unwrap();
    assert_eq!(server.only().json()["cenToken"], ODD_ADMIN_CEN_TOKEN);
    let shown = format!("{s:?} {s:#?} {:?}", credentials());
    for canary in [AUTH_TOKEN, SECRET_CODE, ODD_ADMIN_CEN_TOKEN] {
        assert!(!shown.contains(canary), "{canary} in {shown}");
    }
    assert!(shown.contains("Secret(***)"), "{shown}");
}

/// The help-desk calls go out as the vendor pages give them, with every value a JSON string
/// and the unregister/status numbering (SMS is type "2" here, "1" when registering).
#[tokio::test]
async fn help_desk_calls_on_the_wire() {
    use tokendesk_core::centagate::tokens::{SettableState, TokenType};
    use tokendesk_core::ops::{SetTokenStatusRequest, UserTokenRequest};
    let server = TestServer::start(|_| success()).await;
    let s = session(profile(&server.url(), "helpdesk01"));
    let token = |kind| UserTokenRequest {
        username: " alice ".into(),
        kind,
    };
    s.unregister_token(&token(TokenType::Sms)).await.unwrap();
    s.unregister_token(&token(TokenType::Mobile)).await.unwrap();
    s.token_status(&token(TokenType::Pki)).await.unwrap();
    s.set_token_status(&SetTokenStatusRequest {
        username: "bob".into(),
        kind: TokenType::Cr,
        status: SettableState::TempDeactivated,
    })
    .await
    .unwrap();
    s.unlock_user(&user("carol")).await.unwrap();
    s.set_user_enabled(&user("dave"), true).await.unwrap();
    s.set_user_enabled(&user("erin"), false).await.unwrap();

    let got = server.received();
    assert_eq!(got.len(), 7, "{got:#?}");
    let at = |call: &str| format!("/CentagateWS/webresources/{call}/helpdesk01");
    let cen = expected_cen_token("helpdesk01");
    let expected = [
        (
            "token/unregisterActiveToken",
            json!({"username": "alice", "type": "2"}),
        ),
        (
            "token/unregisterActiveToken",
            json!({"username": "alice", "type": "1"}),
        ),
        ("token/getStatus", json!({"username": "alice", "type": "4"})),
        (
            "token/update/token/status",
            json!({"username": "bob", "type": "3", "status": "3"}),
        ),
        ("user/unlockUser", json!({"lockedUsername": "carol"})),
        (
            "user/status/update",
            json!({"username": "dave", "status": "1"}),
        ),
        (
            "user/status/update",
            json!({"username": "erin", "status": "0"}),
        ),
    ];
    for (r, (call, body)) in got.iter().zip(expected) {
        assert_call(r, &at(call), body, &cen);
    }
}

/// `token/getStatus` answers the status as the object: "", "1"–"5", or a number.
#[tokio::test]
async fn token_statuses_are_read_in_words() {
    use tokendesk_core::centagate::tokens::{TokenState, TokenType};
    use tokendesk_core::ops::UserTokenRequest;
    let req = UserTokenRequest {
        username: "alice".into(),
        kind: TokenType::Sms,
    };
    for (object, want, words) in [
        (r#""""#, TokenState::None, "alice has no SMS token."),
        (
            r#""2""#,
            TokenState::Valid,
            "The SMS token of alice is valid.",
        ),
        ("3", TokenState::TempDeactivated, "temporarily deactivated"),
        ("null", TokenState::None, "has no SMS token"),
        (r#""5""#, TokenState::Suspended, "suspended"),
    ] {
        let body = format!(r#"{{"code":"0","message":"Success","object":{object}}}"#);
        let server = TestServer::start(move |_| json(200, &body)).await;
        let out = session(profile(&server.url(), "helpdesk01"))
            .token_status(&req)
            .await
            .unwrap();
        assert_eq!(out.object.status, want, "{object}");
        assert!(out.summary.contains(words), "{object}: {}", out.summary);
    }
    let server =
        TestServer::start(|_| json(200, r#"{"code":"0","message":"Success","object":"9"}"#)).await;
    let e = session(profile(&server.url(), "helpdesk01"))
        .token_status(&req)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e:?}");
}

/// Each documented code of the new calls is explained for the operation that got it.
#[tokio::test]
async fn help_desk_codes_have_words_per_operation() {
    use tokendesk_core::centagate::tokens::TokenType;
    use tokendesk_core::ops::UserTokenRequest;
    let answer = |code: i64| {
        move |_: &Received| {
            json(
                200,
                &format!(r#"{{"code":"{code}","message":"vendor text","object":""}}"#),
            )
        }
    };
    let req = UserTokenRequest {
        username: "alice".into(),
        kind: TokenType::Pki,
    };
    for (code, title) in [
        (29001, "This user has no token of this kind"),
        (29013, "The token is bound to nobody"),
        (26011, "No usable certificate for this PKI token"),
        (36000, "This user has no mobile device"),
        (22002, "No such user"),
    ] {
        let server = TestServer::start(answer(code)).await;
        let e = session(profile(&server.url(), "helpdesk01"))
            .unregister_token(&req)
            .await
            .unwrap_err();
        assert_refused(&e, code, Operation::UnregisterToken, Some("vendor text"));
        assert!(
            e.info().title.contains(title),
            "{code}: {:?}",
            e.info().title
        );
    }
    for (code, title) in [
        (22016, "The user account is not locked"),
        (22006, "You cannot do this to your own account"),
        (20002, "Company not found"),
    ] {
        let server = TestServer::start(answer(code)).await;
        let e = session(profile(&server.url(), "helpdesk01"))
            .unlock_user(&user("alice"))
            .await
            .unwrap_err();
        assert_refused(&e, code, Operation::UnlockUser, Some("vendor text"));
        assert_eq!(e.info().title, title, "{code}");
    }
}

/// Hostile server text never reaches a screen, a ticket or the audit log as sent: escape
/// sequences (a screen clear, an OSC 52 clipboard write), controls and bidi overrides are
/// removed, and a message echoing the request loses the cenToken.
#[tokio::test]
async fn hostile_server_text_is_cleaned() {
    let cen = expected_cen_token("helpdesk01");
    let echoed = format!(
        r#"{{"code":"22002","message":"\u001b[2J\u001b]52;c;ZXZpbA==\u0007No user \u202eresu\u202c for cenToken {cen}","object":null}}"#
    );
    let server = TestServer::start(move |_| json(200, &echoed)).await;
    let e = session(profile(&server.url(), "helpdesk01"))
        .unlock_token(&user("alice"))
        .await
        .unwrap_err();
    let said = e.info().server_message.unwrap();
    assert_eq!(said, "No user resu for cenToken [redacted]");

    let listed = r#"{"code":"0","message":"Success","object":{"tokenList":[{"sn":"HW\u001b[31m-1\u202e001\u0000","type":"2","status":"1"}],"deviceList":[{"deviceName":"Pixel\r\n\u001b]0;pwned\u0007 8","deviceModel":"x"}]}}"#;
    let server = TestServer::start(move |_| json(200, listed)).await;
    let out = session(profile(&server.url(), "helpdesk01"))
        .list_methods(&user("alice"))
        .await
        .unwrap();
    let text = serde_json::to_string(&out.object).unwrap();
    assert_eq!(out.object.tokens[0].sn, "HW-1001");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
}
