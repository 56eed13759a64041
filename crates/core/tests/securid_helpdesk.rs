//! SecurID's wider help-desk calls on the wire, against a recording local server: method,
//! path (v1 or v2 beside the key file's `adminRestApiUrl`), query and body; the user found
//! first; the answers read; the emergency tokencode shown once and recorded nowhere; the v1
//! fallback of the emergency call; the catalog's words per operation.

mod common;

use axum::http::Method;
use common::securid::*;
use common::*;
use serde_json::json;
use tokendesk_core::audit::AuditFilter;
use tokendesk_core::securid::helpdesk::{
    EmergencyCodeRequest, HardwareTokenRequest, SearchUsersRequest, ValidityUnit,
};
use tokendesk_core::vocab::{Field, Operation};
use tokendesk_core::{Error, ErrorKind};

const V2_PATH: &str = "/AdminInterface/restapi/v2";
const EAC: &str = "CANARY-EAC-4471";

fn token(serial: &str) -> HardwareTokenRequest {
    HardwareTokenRequest {
        serial: serial.into(),
        name: None,
    }
}

/// Answers the lookup with Alice, and `then` for every other call.
async fn alice_then(then: &'static str) -> TestServer {
    TestServer::start(move |r| {
        if r.path.ends_with("/users/lookup") {
            json(200, ALICE)
        } else {
            json(200, then)
        }
    })
    .await
}

#[tokio::test]
async fn search_posts_the_text_with_the_page_size() {
    let server = TestServer::start(|_| {
        json(
            200,
            r#"[{"id":"1","emailAddress":"a@corp.example"},{"id":"2","emailAddress":"b@corp.example"}]"#,
        )
    })
    .await;
    let r = rig(&server);
    let out = r
        .session
        .search_users(&SearchUsersRequest {
            email_like: " corp.example ".into(),
            page_size: Some(10),
        })
        .await
        .unwrap();
    let got = server.only();
    assert_eq!(got.method, Method::POST);
    assert_eq!(got.path, format!("{API_PATH}/users/search"));
    assert_eq!(got.query.as_deref(), Some("pageSize=10"));
    assert_eq!(got.json(), json!({"emailLike": "corp.example"}));
    assert_eq!(out.object.users.len(), 2);
    assert!(out.summary.starts_with("2 users"), "{}", out.summary);

    let e = r
        .session
        .search_users(&SearchUsersRequest {
            email_like: "x".into(),
            page_size: Some(26),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Input {
                field: Field::PageSize,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(server.count(), 1, "nothing sent for bad input");
}

#[tokio::test]
async fn enable_and_disable_find_the_user_then_put_the_status() {
    let server =
        alice_then(r#"{"id":"f10d0514-7dd1-4a13-a30e-236d0e65b56a","userStatus":"Disabled"}"#)
            .await;
    let r = rig(&server);
    let out = r
        .session
        .securid_set_user_enabled(&alice(), false)
        .await
        .unwrap();
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].path, format!("{API_PATH}/users/lookup"));
    assert_eq!(got[1].method, Method::PUT);
    assert_eq!(
        got[1].path,
        format!("{API_PATH}/users/{USER_ID}/userStatus")
    );
    assert_eq!(got[1].json(), json!({"userStatus": "Disabled"}));
    assert_eq!(out.object.status.as_deref(), Some("Disabled"));
    assert!(
        out.summary.starts_with("Disabled Alice Liddell"),
        "{}",
        out.summary
    );
    r.session
        .securid_set_user_enabled(&alice(), true)
        .await
        .unwrap();
    assert_eq!(
        server.received()[3].json(),
        json!({"userStatus": "Enabled"})
    );
}

#[tokio::test]
async fn an_emergency_code_is_shown_once_and_recorded_nowhere() {
    let server = alice_then(
        r#"{"emergencyTokencodeId":"e-1","emergencyTokencode":"CANARY-EAC-4471","expirationDate":"2026-11-30T10:00:00Z","offlineExpirationDate":"2026-12-01T10:00:00Z","oneTimeUse":true}"#,
    )
    .await;
    let r = rig(&server);
    let out = r
        .session
        .emergency_code(
            &alice(),
            &EmergencyCodeRequest {
                unit: Some(ValidityUnit::Hours),
                value: Some(4),
                one_time: true,
            },
        )
        .await
        .unwrap();
    let got = server.received();
    assert_eq!(got[1].method, Method::PUT);
    assert_eq!(
        got[1].path,
        format!("{V2_PATH}/users/{USER_ID}/emergencyTokencode")
    );
    assert_eq!(
        got[1].json(),
        json!({"oneTimeUse": true, "expiryUnit": "hours", "expiryValue": 4})
    );
    assert_eq!(out.object.code.code.expose(), EAC);
    assert_eq!(
        serde_json::to_value(&out).unwrap()["object"]["code"]["code"],
        EAC
    );
    assert!(!out.summary.contains(EAC) && !format!("{out:?}").contains(EAC));
    assert!(
        out.summary.contains("2026-11-30T10:00:00Z"),
        "{}",
        out.summary
    );

    // The audit log says it was issued, to whom and until when — never the code.
    let log = r.session.recorder().log().clone();
    let entries = log.entries(&AuditFilter::default()).unwrap();
    let e = entries
        .iter()
        .find(|e| e.operation == Operation::EmergencyCode.name())
        .expect("recorded");
    assert_eq!(e.target, "alice@corp.example");
    let dump = serde_json::to_string(&entries).unwrap();
    assert!(!dump.contains(EAC), "{dump}");
    assert!(dump.contains("4 hours, one-time"), "{dump}");
    let raw = std::fs::read(log.path()).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains(EAC));
}

/// The v2 route missing (404 for a user just found): whole days go by v1; what v1 cannot
/// express is refused in words, not widened.
#[tokio::test]
async fn the_emergency_call_falls_back_to_v1_for_whole_days() {
    let server = TestServer::start(|r| {
        if r.path.ends_with("/users/lookup") {
            json(200, ALICE)
        } else if r.path.starts_with(V2_PATH) {
            json(404, r#"{"message":"Not Found"}"#)
        } else {
            json(
                200,
                r#"{"emergencyTokencodeId":"e-2","emergencyTokencode":"CANARY-EAC-4471","expirationDate":"2026-12-02T00:00:00Z"}"#,
            )
        }
    })
    .await;
    let r = rig(&server);
    let days = EmergencyCodeRequest {
        unit: Some(ValidityUnit::Days),
        value: Some(3),
        one_time: false,
    };
    let out = r.session.emergency_code(&alice(), &days).await.unwrap();
    let got = server.received();
    assert_eq!(got.len(), 3);
    assert_eq!(
        got[2].path,
        format!("{API_PATH}/users/{USER_ID}/emergencyTokencode")
    );
    assert_eq!(got[2].json(), json!({"expirationDays": "3"}));
    assert_eq!(out.object.code.code.expose(), EAC);

    let hours = EmergencyCodeRequest {
        unit: Some(ValidityUnit::Hours),
        value: Some(2),
        one_time: false,
    };
    let e = r
        .session
        .emergency_code(&alice(), &hours)
        .await
        .unwrap_err();
    assert_eq!(e.info().code, Some(404));
    assert!(e.info().hint.contains("whole days"), "{:?}", e.info());
    assert_eq!(server.count(), 5, "lookup + v2 only: no v1 call for hours");
}

#[tokio::test]
async fn a_users_methods_are_the_lookup_and_the_v2_authenticators() {
    let server = alice_then(
        r#"{"devices":[{"name":"Pixel 8","deviceType":"ANDROID","status":"Enabled"}],"fidoTokens":[],"sidTokens":[{"tokenSerialNumber":"000123456789","tokenStatus":"Enabled"}]}"#,
    )
    .await;
    let r = rig(&server);
    let out = r.session.securid_methods(&alice()).await.unwrap();
    let got = server.received();
    assert_eq!(got[1].method, Method::GET);
    assert_eq!(got[1].path, format!("{V2_PATH}/users/{USER_ID}/devices"));
    assert_eq!(got[1].query.as_deref(), Some("includeBrowsers=false"));
    assert!(got[1].body.is_empty(), "a GET carries no body");
    assert_eq!(out.object.authenticators.len(), 2);
    assert_eq!(out.summary, "Alice Liddell has 3 methods bound.");
}

#[tokio::test]
async fn hardware_tokens_are_looked_up_assigned_and_unassigned() {
    let server = alice_then(
        r#"{"tokenSerialNumber":"000123456789","tokenStatus":"Enabled","tokenState":"Assigned","userId":"f10d0514-7dd1-4a13-a30e-236d0e65b56a"}"#,
    )
    .await;
    let r = rig(&server);
    let found = r
        .session
        .lookup_token(&token("000123456789"))
        .await
        .unwrap();
    assert_eq!(found.object.user_id.as_deref(), Some(USER_ID));
    let mut named = token("000123456789");
    named.name = Some("Alice spare".into());
    r.session
        .assign_token(&alice(), &named, true)
        .await
        .unwrap();
    r.session
        .assign_token(&alice(), &token("000123456789"), false)
        .await
        .unwrap();
    let got = server.received();
    assert_eq!(got.len(), 5);
    assert_eq!(
        (got[0].method.clone(), got[0].path.as_str()),
        (Method::POST, &*format!("{API_PATH}/sidTokens/lookup"))
    );
    assert_eq!(got[0].json(), json!({"tokenSerialNumber": "000123456789"}));
    assert_eq!(got[2].method, Method::PATCH);
    assert_eq!(
        got[2].path,
        format!("{API_PATH}/users/{USER_ID}/sidTokens/assign")
    );
    assert_eq!(
        got[2].json(),
        json!({"tokenSerialNumber": "000123456789", "tokenName": "Alice spare"})
    );
    assert_eq!(
        got[4].path,
        format!("{API_PATH}/users/{USER_ID}/sidTokens/unassign")
    );
    assert_eq!(got[4].json(), json!({"tokenSerialNumber": "000123456789"}));
}

/// A 409 on assign is explained for assigning; on unassign for unassigning.
#[tokio::test]
async fn conflicts_are_explained_per_operation() {
    let server = TestServer::start(|r| {
        if r.path.ends_with("/users/lookup") {
            json(200, ALICE)
        } else {
            json(409, r#"{"message":"Token already assigned"}"#)
        }
    })
    .await;
    let r = rig(&server);
    let e = r
        .session
        .assign_token(&alice(), &token("000123456789"), true)
        .await
        .unwrap_err();
    assert_eq!((e.kind(), e.info().code), (ErrorKind::Server, Some(409)));
    assert_eq!(
        e.info().title,
        "The hardware token cannot be assigned to this user"
    );
    assert_eq!(
        e.info().server_message.as_deref(),
        Some("Token already assigned")
    );
    let e = r
        .session
        .assign_token(&alice(), &token("000123456789"), false)
        .await
        .unwrap_err();
    assert_eq!(
        e.info().title,
        "The hardware token is not assigned to this user"
    );
}

/// SecurID names, emails and statuses are cleaned before anyone sees them.
#[tokio::test]
async fn hostile_securid_text_is_cleaned() {
    let server = TestServer::start(|_| {
        json(
            200,
            r#"{"id":"f10d0514-7dd1-4a13-a30e-236d0e65b56a","firstName":"Al\u001b[2Jice","lastName":"\u2066Liddell\u2069","emailAddress":"alice@corp.example\u001b]52;c;eA==\u0007","userStatus":"Enabled\r\n"}"#,
        )
    })
    .await;
    let r = rig(&server);
    let u = r.session.lookup_user(&alice()).await.unwrap().object;
    assert_eq!(u.name, "Alice Liddell");
    assert_eq!(u.email.as_deref(), Some("alice@corp.example"));
    assert_eq!(u.status.as_deref(), Some("Enabled"));
}
