//! The CENTAGATE help-desk calls over real HTTP: unregister a token, read and set its status,
//! unlock a user account, enable or disable a user — every code the sim produces, the state
//! each leaves (list, practice login, practice views), the practice switch that names the
//! hardware OTP token's `type`, and persistence across a restart.

mod common;

use common::{call, code, demo, demo_at, device_codes, list, practice_get, practice_post};
use serde_json::{json, Value};
use tokendesk_sim::{DbLocation, SimHandle};

async fn unregister(sim: &SimHandle, user: &str, kind: &str) -> Value {
    call(
        sim,
        "token/unregisterActiveToken",
        json!({ "username": user, "type": kind }),
    )
    .await
}

async fn get_status(sim: &SimHandle, user: &str, kind: &str) -> Value {
    call(
        sim,
        "token/getStatus",
        json!({ "username": user, "type": kind }),
    )
    .await
}

async fn set_status(sim: &SimHandle, user: &str, kind: &str, status: &str) -> Value {
    call(
        sim,
        "token/update/token/status",
        json!({ "username": user, "type": kind, "status": status }),
    )
    .await
}

async fn unlock_user(sim: &SimHandle, user: &str) -> Value {
    call(sim, "user/unlockUser", json!({ "lockedUsername": user })).await
}

async fn user_status(sim: &SimHandle, user: &str, status: &str) -> Value {
    call(
        sim,
        "user/status/update",
        json!({ "username": user, "status": status }),
    )
    .await
}

/// The status object of `token/getStatus`, checking the code is 0.
async fn status_of(sim: &SimHandle, user: &str, kind: &str) -> String {
    let answer = get_status(sim, user, kind).await;
    assert_eq!(code(&answer), 0, "{answer}");
    answer["object"]
        .as_str()
        .expect("a string object")
        .to_string()
}

/// A practice login with the code the user's token shows now.
async fn login(sim: &SimHandle, user: &str, serial: &str) -> Value {
    let (current, _) = device_codes(sim, serial, 1).await;
    let (status, body) =
        practice_post(sim, "/login", json!({ "username": user, "code": current })).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn assert_code(answer: &Value, expected: u64, message: &str) {
    assert_eq!(code(answer), expected, "{answer}");
    assert_eq!(answer["message"], message, "{answer}");
}

#[tokio::test]
async fn unregister_removes_the_token_of_that_kind_and_says_when_there_is_none() {
    let sim = demo().await;
    // SMS is type 2 here (not the register call's 1).
    let answer = unregister(&sim, "alice", "2").await;
    assert_code(&answer, 0, "Success");
    assert_eq!(answer["object"], Value::Null);
    assert_eq!(list(&sim, "alice").await["object"]["tokenList"], json!([]));
    assert_code(
        &unregister(&sim, "alice", "2").await,
        29001,
        "Token not found",
    );

    // Mobile (type 1) is the device; none left → 36000.
    assert!(list(&sim, "uma").await["object"]["device"].is_object());
    assert_code(&unregister(&sim, "uma", "1").await, 0, "Success");
    assert_eq!(list(&sim, "uma").await["object"]["device"], Value::Null);
    assert_code(
        &unregister(&sim, "uma", "1").await,
        36000,
        "Device not found",
    );

    // PKI (type 4) is the user's certificates; none left → 26011.
    assert_code(&unregister(&sim, "oscar", "4").await, 0, "Success");
    let oscar = list(&sim, "oscar").await;
    assert_eq!(oscar["object"]["certList"], json!([]));
    assert_eq!(
        oscar["object"]["tokenList"].as_array().unwrap().len(),
        3,
        "{oscar}"
    );
    assert_code(
        &unregister(&sim, "oscar", "4").await,
        26011,
        "Certificate revoked",
    );

    // The sim has no challenge-response tokens, and by default no type names the hardware
    // OTP token: trent keeps HW-2012.
    assert_code(
        &unregister(&sim, "oscar", "3").await,
        29001,
        "Token not found",
    );
    assert_code(
        &unregister(&sim, "trent", "3").await,
        29001,
        "Token not found",
    );
    assert_eq!(
        list(&sim, "trent").await["object"]["tokenList"][0]["sn"],
        "HW-2012"
    );
}

#[tokio::test]
async fn the_help_desk_calls_check_like_the_four() {
    let sim = demo().await;
    let bodies = [
        (
            "token/unregisterActiveToken",
            json!({ "username": "nobody", "type": "2" }),
        ),
        (
            "token/getStatus",
            json!({ "username": "nobody", "type": "2" }),
        ),
        (
            "token/update/token/status",
            json!({ "username": "nobody", "type": "2", "status": "2" }),
        ),
        ("user/unlockUser", json!({ "lockedUsername": "nobody" })),
        (
            "user/status/update",
            json!({ "username": "nobody", "status": "1" }),
        ),
    ];
    for (path, body) in &bodies {
        assert_code(
            &call(&sim, path, body.clone()).await,
            22002,
            "User not found",
        );
        let mut wrong = body.clone();
        wrong["cenToken"] = json!("0".repeat(64));
        let answer = common::put_raw(&sim, path, &sim.admin().username, wrong.to_string()).await;
        assert_code(&answer, 10001, "Permission not allowed");
        assert_code(&call(&sim, path, json!({})).await, 10002, "Invalid Input");
    }
    for bad in ["0", "5", "sms", "", "2.5"] {
        assert_code(
            &unregister(&sim, "alice", bad).await,
            10002,
            "Invalid Input",
        );
        assert_code(
            &get_status(&sim, "alice", bad).await,
            10002,
            "Invalid Input",
        );
    }
    for bad in ["0", "5", "valid"] {
        assert_code(
            &set_status(&sim, "alice", "2", bad).await,
            10002,
            "Invalid Input",
        );
    }
    for bad in ["2", "-1", "yes"] {
        assert_code(
            &user_status(&sim, "sybil", bad).await,
            10002,
            "Invalid Input",
        );
    }
    // Numbers are taken as numbers too, as Java servers do.
    assert_code(
        &call(
            &sim,
            "token/getStatus",
            json!({ "username": "alice", "type": 2 }),
        )
        .await,
        0,
        "Success",
    );
    // user/unlockUser names the user `lockedUsername`, not `username`.
    assert_code(
        &call(&sim, "user/unlockUser", json!({ "username": "rupert" })).await,
        10002,
        "Invalid Input",
    );
}

#[tokio::test]
async fn get_status_reads_each_kind_and_set_status_changes_it() {
    let sim = demo().await;
    assert_eq!(status_of(&sim, "alice", "2").await, "2");
    assert_eq!(status_of(&sim, "heidi", "2").await, "1", "a pending phone");
    assert_eq!(status_of(&sim, "grace", "2").await, "", "no phone");
    assert_eq!(status_of(&sim, "oscar", "1").await, "2");
    assert_eq!(status_of(&sim, "grace", "1").await, "");
    assert_eq!(status_of(&sim, "oscar", "4").await, "2");
    assert_eq!(status_of(&sim, "alice", "4").await, "");
    assert_eq!(status_of(&sim, "oscar", "3").await, "");

    for (status, listed) in [("3", 0), ("4", 0), ("1", 3), ("2", 1)] {
        assert_code(&set_status(&sim, "alice", "2", status).await, 0, "Success");
        assert_eq!(status_of(&sim, "alice", "2").await, status);
        let entry = &list(&sim, "alice").await["object"]["tokenList"][0];
        assert_eq!(entry["status"], listed, "{entry}");
    }
    for (status, device) in [("3", 3), ("4", 0), ("1", 2), ("2", 1)] {
        assert_code(&set_status(&sim, "uma", "1", status).await, 0, "Success");
        assert_eq!(status_of(&sim, "uma", "1").await, status);
        assert_eq!(
            list(&sim, "uma").await["object"]["device"]["status"],
            device
        );
    }
    assert_code(&set_status(&sim, "oscar", "4", "3").await, 0, "Success");
    assert_eq!(status_of(&sim, "oscar", "4").await, "3");

    for (user, kind) in [
        ("grace", "2"),
        ("grace", "1"),
        ("alice", "4"),
        ("oscar", "3"),
    ] {
        assert_code(
            &set_status(&sim, user, kind, "2").await,
            29001,
            "Token not found",
        );
    }
}

#[tokio::test]
async fn the_switch_names_the_hardware_otp_tokens_type() {
    let sim = demo().await;
    assert_eq!(status_of(&sim, "trent", "3").await, "");
    let (status, switches) = practice_get(&sim, "/switches").await;
    assert_eq!(status, 200);
    assert_eq!(
        switches,
        json!({ "otpTokenType": null, "securidEmergencyV2Missing": false })
    );
    let (status, body) = practice_post(&sim, "/switches", json!({ "otpTokenType": 3 })).await;
    assert_eq!(
        (status, body["otpTokenType"].clone()),
        (200, json!(3)),
        "{body}"
    );
    let (status, _) = practice_post(&sim, "/switches", json!({ "otpTokenType": 5 })).await;
    assert_eq!(status, 400);

    // Type 3 now addresses trent's hardware token HW-2012.
    assert_eq!(status_of(&sim, "trent", "3").await, "2");
    assert_eq!(login(&sim, "trent", "HW-2012").await["accepted"], true);
    for (status, number) in [("3", "temp_deactivated"), ("4", "deactivated")] {
        assert_code(&set_status(&sim, "trent", "3", status).await, 0, "Success");
        assert_eq!(status_of(&sim, "trent", "3").await, status);
        let refused = login(&sim, "trent", "HW-2012").await;
        assert_eq!(refused["outcome"], "notUsable", "{refused}");
        assert_eq!(refused["token"]["status"], number);
        assert_eq!(
            common::listed_status(&sim, "trent", "HW-2012").await,
            Some(0)
        );
    }
    assert_code(&set_status(&sim, "trent", "3", "2").await, 0, "Success");
    assert_eq!(login(&sim, "trent", "HW-2012").await["accepted"], true);
    // dave's suspended token reads 5 (not settable).
    assert_eq!(status_of(&sim, "dave", "3").await, "5");

    assert_code(&unregister(&sim, "trent", "3").await, 0, "Success");
    assert_eq!(list(&sim, "trent").await["object"]["tokenList"], json!([]));
    let (_, token) = practice_get(&sim, "/tokens/HW-2012").await;
    assert_eq!(
        (token["owner"].clone(), token["status"].clone()),
        (Value::Null, json!("deactivated"))
    );
    assert_code(
        &unregister(&sim, "trent", "3").await,
        29001,
        "Token not found",
    );
    // The replacement: a stock token registers as usual.
    let answer = common::register(&sim, "trent", "HW-1001", json!("2")).await;
    assert_code(&answer, 0, "Success");

    // The sim's own kind of that number is hidden meanwhile; a reset puts the default back.
    let (status, _) = practice_post(&sim, "/switches", json!({ "otpTokenType": 1 })).await;
    assert_eq!(status, 200);
    assert_code(&unregister(&sim, "erin", "1").await, 0, "Success");
    assert_code(
        &unregister(&sim, "erin", "1").await,
        29001,
        "Token not found",
    );
    assert_eq!(status_of(&sim, "uma", "1").await, "");
    let (status, _) = practice_post(&sim, "/reset", json!({})).await;
    assert_eq!(status, 204);
    assert_eq!(
        practice_get(&sim, "/switches").await.1["otpTokenType"],
        Value::Null
    );
    assert_eq!(status_of(&sim, "uma", "1").await, "2");
}

#[tokio::test]
async fn a_locked_account_is_refused_until_unlocked() {
    let sim = demo().await;
    let refused = login(&sim, "rupert", "HW-2010").await;
    assert_eq!(refused["accepted"], false);
    assert_eq!(refused["outcome"], "notUsable");
    assert_eq!(refused["message"], "the user account is locked");
    let (_, users) = practice_get(&sim, "/users").await;
    let rupert = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "rupert")
        .unwrap();
    assert_eq!(rupert["locked"], true);

    // An admin cannot unlock itself (checked before the user is looked up).
    let me = sim.admin().username.clone();
    assert_code(
        &unlock_user(&sim, &me).await,
        22006,
        "Requestor and user is the same user",
    );
    assert_code(&unlock_user(&sim, "rupert").await, 0, "Success");
    assert_eq!(login(&sim, "rupert", "HW-2010").await["accepted"], true);
    assert_code(
        &unlock_user(&sim, "rupert").await,
        22016,
        "User not in locked status",
    );

    // The practice control locks any account again.
    let (status, view) = practice_post(&sim, "/users/bob/lock", json!({})).await;
    assert_eq!(
        (status, view["locked"].clone()),
        (200, json!(true)),
        "{view}"
    );
    assert_eq!(login(&sim, "bob", "HW-2001").await["outcome"], "notUsable");
    assert_code(&unlock_user(&sim, "bob").await, 0, "Success");
    assert_eq!(
        practice_post(&sim, "/users/nobody/lock", json!({})).await.0,
        404
    );
}

#[tokio::test]
async fn a_disabled_user_is_refused_until_enabled() {
    let sim = demo().await;
    assert_eq!(login(&sim, "sybil", "HW-2011").await["accepted"], true);
    assert_code(&user_status(&sim, "sybil", "0").await, 0, "Success");
    let refused = login(&sim, "sybil", "HW-2011").await;
    assert_eq!(
        refused["message"], "the user account is inactive",
        "{refused}"
    );
    let (_, users) = practice_get(&sim, "/users").await;
    let sybil = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "sybil")
        .unwrap();
    assert_eq!(sybil["status"], "inactive");
    // Disabling twice is no error; numbers are taken too.
    assert_code(
        &call(
            &sim,
            "user/status/update",
            json!({ "username": "sybil", "status": 0 }),
        )
        .await,
        0,
        "Success",
    );
    assert_code(&user_status(&sim, "sybil", "1").await, 0, "Success");
    // HW-2011 is a TOTP token whose current code was used: the next step's code (within the
    // login window of ±1 step) signs in.
    let (_, next) = device_codes(&sim, "HW-2011", 1).await;
    let (_, body) = practice_post(
        &sim,
        "/login",
        json!({ "username": "sybil", "code": next[0] }),
    )
    .await;
    assert_eq!(body["accepted"], true, "{body}");
}

#[tokio::test]
async fn help_desk_changes_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.sqlite3");
    let sim = demo_at(DbLocation::Path(path.clone())).await;
    assert_code(&unregister(&sim, "alice", "2").await, 0, "Success");
    assert_code(&unlock_user(&sim, "rupert").await, 0, "Success");
    assert_code(&user_status(&sim, "sybil", "0").await, 0, "Success");
    assert_code(&set_status(&sim, "uma", "1", "3").await, 0, "Success");
    practice_post(&sim, "/switches", json!({ "otpTokenType": 3 })).await;
    sim.shutdown().await;

    let sim = demo_at(DbLocation::Path(path)).await;
    assert_code(
        &unregister(&sim, "alice", "2").await,
        29001,
        "Token not found",
    );
    assert_code(
        &unlock_user(&sim, "rupert").await,
        22016,
        "User not in locked status",
    );
    assert_eq!(
        login(&sim, "sybil", "HW-2011").await["outcome"],
        "notUsable"
    );
    assert_eq!(status_of(&sim, "uma", "1").await, "3");
    assert_eq!(status_of(&sim, "trent", "3").await, "2");
}

#[tokio::test]
async fn a_database_from_before_the_help_desk_calls_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.sqlite3");
    let sim = demo_at(DbLocation::Path(path.clone())).await;
    assert_code(&unregister(&sim, "alice", "2").await, 0, "Success");
    sim.shutdown().await;
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE securid_emergency_codes; DROP TABLE securid_sid_tokens; \
             ALTER TABLE users DROP COLUMN locked; ALTER TABLE users DROP COLUMN pki_status; \
             DELETE FROM meta WHERE key = 'helpdesk_seeded';",
        )
        .unwrap();
    }
    let sim = demo_at(DbLocation::Path(path)).await;
    // The state it had is kept; the account locks and SID700 tokens come from the fixture once.
    assert_code(
        &unregister(&sim, "alice", "2").await,
        29001,
        "Token not found",
    );
    assert_code(&unlock_user(&sim, "rupert").await, 0, "Success");
    assert_eq!(status_of(&sim, "oscar", "4").await, "2");
    let tokens = sim.controls().securid_tokens().await.unwrap();
    assert_eq!(tokens.len(), 4);
}
