//! Every code the four vendor pages list that the simulator can produce, reached over HTTP.

mod common;

use common::*;
use serde_json::{json, Value};
use tokendesk_sim::{cen_token, spawn, Code, Fixture, SimConfig};

fn assert_code(answer: &Value, want: u32) {
    assert_eq!(code(answer), u64::from(want), "answer: {answer}");
    let expected = Code::from_number(want).expect("known code").message();
    assert_eq!(answer["message"], expected, "vendor text for {want}");
}

const CALLS: [(&str, &str); 4] = [
    ("user/auth/list", r#"{"username":"bob"}"#),
    (
        "token/registerActiveToken",
        r#"{"username":"grace","tokenSn":"HW-1001","tokenType":2}"#,
    ),
    (
        "token/syncToken",
        r#"{"username":"frank","otpStr1":"123456","otpStr2":"654321"}"#,
    ),
    ("token/unlockToken", r#"{"username":"carol"}"#),
];

fn with_token(body: &str, cen: &str) -> String {
    let mut value: Value = serde_json::from_str(body).unwrap();
    value["cenToken"] = json!(cen);
    value.to_string()
}

#[tokio::test]
async fn wrong_admin_or_cen_token_is_10001_on_every_call() {
    let sim = demo().await;
    let admin = sim.admin().clone();
    let demo = Fixture::demo();
    let other = &demo.admins[1];
    for (path, body) in CALLS {
        // Wrong cenToken for the right admin.
        let wrong = cen_token(&admin.username, &admin.auth_token, "not-the-secret");
        assert_code(
            &put_raw(&sim, path, &admin.username, with_token(body, &wrong)).await,
            10001,
        );
        // Unknown admin with a correctly computed token.
        let ghost = cen_token("ghost", &admin.auth_token, &admin.secret_code);
        assert_code(
            &put_raw(&sim, path, "ghost", with_token(body, &ghost)).await,
            10001,
        );
        // Another admin's valid cenToken on this admin's path.
        let theirs = cen_token(&other.username, &other.auth_token, &other.secret_code);
        assert_code(
            &put_raw(&sim, path, &admin.username, with_token(body, &theirs)).await,
            10001,
        );
        // The right token in upper case (Java's Hex gives lower case; the server compares).
        let upper = admin.cen_token().to_uppercase();
        assert_code(
            &put_raw(&sim, path, &admin.username, with_token(body, &upper)).await,
            10001,
        );
        // And the other admin on their own path is fine.
        let own = put_raw(&sim, path, &other.username, with_token(body, &theirs)).await;
        assert_ne!(code(&own), 10001, "{path}: {own}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn malformed_bodies_are_10002_on_every_call() {
    let sim = demo().await;
    let admin = sim.admin().username.clone();
    let cen = sim.admin().cen_token();
    for (path, _) in CALLS {
        for body in [
            "",
            "not json",
            "[1,2]",
            "null",
            "{\"cenToken\":",
            "\"text\"",
        ] {
            let answer = put_raw(&sim, path, &admin, body.to_string()).await;
            assert_code(&answer, 10002);
        }
        // cenToken missing or not a string.
        assert_code(
            &put_raw(&sim, path, &admin, r#"{"username":"bob"}"#.into()).await,
            10002,
        );
        assert_code(
            &put_raw(
                &sim,
                path,
                &admin,
                r#"{"username":"bob","cenToken":42}"#.into(),
            )
            .await,
            10002,
        );
        // username missing, empty, or of the wrong type.
        for username in [
            Value::Null,
            json!(""),
            json!(42),
            json!(["bob"]),
            json!({"u": 1}),
        ] {
            let mut body = json!({ "cenToken": cen, "tokenSn": "HW-1001", "tokenType": 2,
                                   "otpStr1": "123456", "otpStr2": "654321" });
            if !username.is_null() {
                body["username"] = username.clone();
            }
            let answer = put_raw(&sim, path, &admin, body.to_string()).await;
            assert_code(&answer, 10002);
        }
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_user_is_22002_on_every_call() {
    let sim = demo().await;
    let admin = sim.admin().username.clone();
    let cen = sim.admin().cen_token();
    for (path, body) in CALLS {
        let mut body: Value = serde_json::from_str(body).unwrap();
        body["username"] = json!("nobody");
        body["cenToken"] = json!(cen);
        assert_code(&put_raw(&sim, path, &admin, body.to_string()).await, 22002);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn admin_segment_is_percent_decoded() {
    let fixture = Fixture::from_toml_str(
        r#"
        [[admins]]
        username = "ops desk@example.com"
        auth_token = "tok"
        secret_code = "sec"
        [[users]]
        username = "u1"
        "#,
    )
    .unwrap();
    let sim = spawn(SimConfig {
        fixture,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(sim.admin().username, "ops desk@example.com");
    let cen = cen_token("ops desk@example.com", "tok", "sec");
    let body = json!({ "username": "u1", "cenToken": cen }).to_string();
    let answer = put_raw(&sim, "user/auth/list", "ops%20desk%40example.com", body).await;
    assert_code(&answer, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn list_reports_every_state() {
    let sim = demo().await;
    let answer = list(&sim, "oscar").await;
    assert_code(&answer, 0);
    let object = &answer["object"];
    let kinds: Vec<u64> = object["tokenList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_u64().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![1, 2, 3],
        "SMS, OTP and FIDO for oscar: {object}"
    );
    assert_eq!(
        object["certList"][0]["subjectDn"],
        "CN=oscar,O=TokenDesk Practice"
    );
    assert_eq!(object["certList"][0]["revoked"], false);
    assert!(object["certList"][0]["validTo"].as_i64().unwrap() > 0);
    assert_eq!(object["device"]["os"], "Android 15");
    assert_eq!(object["device"]["status"], 1);

    let grace = list(&sim, "grace").await;
    assert_code(&grace, 0);
    assert_eq!(grace["object"]["tokenList"], json!([]));
    assert_eq!(grace["object"]["certList"], json!([]));
    assert_eq!(grace["object"]["device"], Value::Null);

    let expected = [
        ("alice", "+60120001001", 1),
        ("bob", "HW-2001", 1),
        ("carol", "HW-2002", 2),
        ("dave", "HW-2003", 2),
        ("heidi", "+60120001008", 3),
        ("ivan", "HW-2006", 3),
        ("judy", "HW-2007", 4),
        ("mallory", "HW-2008", 0),
    ];
    for (user, sn, status) in expected {
        assert_eq!(
            listed_status(&sim, user, sn).await,
            Some(status),
            "{user} {sn}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn register_sms_codes() {
    let sim = demo().await;
    // tokenType as number, numeric string and float, as Java servers accept.
    assert_code(
        &register(&sim, "grace", "+60 12-555 0101", json!(1)).await,
        0,
    );
    assert_eq!(listed_status(&sim, "grace", "+60125550101").await, Some(1));
    // Registering a new number replaces the old one.
    assert_code(
        &register(&sim, "grace", "+60125550102", json!("1")).await,
        0,
    );
    assert_eq!(listed_status(&sim, "grace", "+60125550101").await, None);
    assert_eq!(listed_status(&sim, "grace", "+60125550102").await, Some(1));
    // Someone else's number, however it is written.
    assert_code(
        &register(&sim, "grace", "+60 12-000 1001", json!(1.0)).await,
        29004,
    );
    // The same number again, even for its holder.
    assert_code(
        &register(&sim, "alice", "+60120001001", json!(1)).await,
        29004,
    );
    // Not a phone number, or a token type that does not exist.
    assert_code(&register(&sim, "grace", "call me", json!(1)).await, 10002);
    assert_code(
        &register(&sim, "grace", "+60125550103", json!(3)).await,
        10002,
    );
    assert_code(
        &register(&sim, "grace", "+60125550103", json!("sms")).await,
        10002,
    );
    assert_code(
        &register(&sim, "grace", "+60125550103", Value::Null).await,
        10002,
    );
    assert_code(
        &register(&sim, "ghost", "+60125550103", json!(1)).await,
        22002,
    );
    // Missing tokenSn.
    let answer = call(
        &sim,
        "token/registerActiveToken",
        json!({"username": "grace", "tokenType": 1}),
    )
    .await;
    assert_code(&answer, 10002);
    sim.shutdown().await;
}

#[tokio::test]
async fn register_otp_codes() {
    let sim = demo().await;
    assert_code(&register(&sim, "grace", "HW-0000", json!(2)).await, 29001);
    // Bound to someone (even to this user), or unbound but not deactivated.
    assert_code(&register(&sim, "grace", "HW-2001", json!(2)).await, 29017);
    assert_code(&register(&sim, "bob", "HW-2001", json!(2)).await, 29017);
    assert_code(&register(&sim, "grace", "HW-9001", json!(2)).await, 29017);
    // bob already holds an OTP token.
    assert_code(&register(&sim, "bob", "HW-1002", json!("2")).await, 29008);
    // A stock token: bound and active afterwards.
    assert_eq!(listed_status(&sim, "grace", "HW-1001").await, None);
    assert_code(&register(&sim, "grace", "HW-1001", json!(2)).await, 0);
    assert_eq!(listed_status(&sim, "grace", "HW-1001").await, Some(1));
    // Now it is bound, and grace holds one.
    assert_code(&register(&sim, "alice", "HW-1001", json!(2)).await, 29017);
    assert_code(&register(&sim, "grace", "HW-1002", json!(2)).await, 29008);
    // The newly registered token logs in with its device's code.
    let (current, _) = device_codes(&sim, "HW-1001", 0).await;
    assert_eq!(login(&sim, "grace", &current).await["accepted"], true);
    sim.shutdown().await;
}

#[tokio::test]
async fn sync_codes() {
    let sim = demo().await;
    let (current, next) = device_codes(&sim, "HW-2005", 1).await;
    // Wrong codes, and non-digit codes.
    assert_code(&sync(&sim, "frank", "000000", "000000").await, 54002);
    assert_code(&sync(&sim, "frank", &current, &current).await, 54002);
    assert_code(&sync(&sim, "frank", "12a456", "123456").await, 10002);
    let missing = call(
        &sim,
        "token/syncToken",
        json!({"username": "frank", "otpStr1": current}),
    )
    .await;
    assert_code(&missing, 10002);
    // No OTP token, or the token is not active.
    assert_code(&sync(&sim, "grace", "123456", "123456").await, 29001);
    assert_code(&sync(&sim, "alice", "123456", "123456").await, 29001);
    assert_code(&sync(&sim, "mallory", "123456", "123456").await, 29002);
    assert_code(&sync(&sim, "ivan", "123456", "123456").await, 29002);
    assert_code(&sync(&sim, "dave", "123456", "123456").await, 29002);
    assert_code(&sync(&sim, "ghost", "123456", "123456").await, 22002);
    // Naming the token: unknown, someone else's, nobody's.
    let named = |sn: &str| json!({"username": "frank", "otpStr1": current, "otpStr2": next[0], "tokenSn": sn});
    assert_code(
        &call(&sim, "token/syncToken", named("HW-0000")).await,
        29001,
    );
    assert_code(
        &call(&sim, "token/syncToken", named("HW-2001")).await,
        29003,
    );
    assert_code(
        &call(&sim, "token/syncToken", named("HW-1003")).await,
        29013,
    );
    // The right two codes.
    assert_code(&call(&sim, "token/syncToken", named("HW-2005")).await, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn unlock_codes() {
    let sim = demo().await;
    assert_code(&unlock(&sim, "bob").await, 29017);
    assert_code(&unlock(&sim, "mallory").await, 29017);
    assert_code(&unlock(&sim, "grace").await, 29001);
    assert_code(&unlock(&sim, "alice").await, 29001);
    assert_code(&unlock(&sim, "ghost").await, 22002);
    // Locked → active; suspended → active; pending+locked → pending.
    assert_code(&unlock(&sim, "carol").await, 0);
    assert_eq!(listed_status(&sim, "carol", "HW-2002").await, Some(1));
    assert_code(&unlock(&sim, "carol").await, 29017);
    assert_code(&unlock(&sim, "dave").await, 0);
    assert_eq!(listed_status(&sim, "dave", "HW-2003").await, Some(1));
    assert_code(&unlock(&sim, "judy").await, 0);
    assert_eq!(listed_status(&sim, "judy", "HW-2007").await, Some(3));
    sim.shutdown().await;
}

#[tokio::test]
async fn vendor_paths_need_put() {
    let sim = demo().await;
    let url = format!("{}/user/auth/list/{}", sim.base_url(), sim.admin().username);
    let response = http().post(url).body("{}").send().await.unwrap();
    assert_eq!(response.status(), 405);
    let response = http()
        .put(format!(
            "{}/user/nothing/{}",
            sim.base_url(),
            sim.admin().username
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn loose_answers_look_like_some_real_servers() {
    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        answers: tokendesk_sim::AnswerStyle::Loose,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let answer = list(&sim, "alice").await;
    assert_eq!(answer["code"], "0", "{answer}");
    assert_eq!(answer["message"], "Success");
    let object: Value = serde_json::from_str(answer["object"].as_str().unwrap()).unwrap();
    assert_eq!(object["tokenList"][0]["sn"], "+60120001001");
    let answer = list(&sim, "nobody").await;
    assert_eq!(
        answer,
        json!({"code": "22002", "message": "User not found", "object": null})
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn oversized_bodies_are_invalid_input() {
    let sim = demo().await;
    let padding = "x".repeat(3 * 1024 * 1024);
    let body = json!({"username": "bob", "cenToken": sim.admin().cen_token(), "pad": padding});
    let answer = put_raw(
        &sim,
        "user/auth/list",
        &sim.admin().username.clone(),
        body.to_string(),
    )
    .await;
    assert_code(&answer, 10002);
    sim.shutdown().await;
}
