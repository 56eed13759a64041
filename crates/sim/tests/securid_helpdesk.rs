//! The SecurID help-desk calls over real HTTP: user search, user status, emergency tokencode
//! (v2, v1, the v2-missing switch, practice sign-in with the code), a user's authenticators
//! (v2) and SID700 hardware tokens (lookup, assign, unassign) — every status each documents
//! that the sim produces, behind the same JWT and rate limit.

mod common;

use common::{demo, http, practice_get, practice_post, securid, send, Answer};
use reqwest::Method;
use serde_json::{json, Value};
use tokendesk_sim::{
    derived_securid_id, spawn, Fixture, RateLimit, SecurIdConfig, SimConfig, SimHandle,
};

const UNKNOWN_ID: &str = "00000000-0000-4000-8000-000000000000";

fn id(user: &str) -> String {
    derived_securid_id(user)
}

async fn search(sim: &SimHandle, query: &str, body: Value) -> Answer {
    securid(
        sim,
        Method::POST,
        &format!("v1/users/search{query}"),
        Some(body),
    )
    .await
}

async fn set_status(sim: &SimHandle, user_id: &str, status: &str) -> Answer {
    let path = format!("v1/users/{user_id}/userStatus");
    securid(
        sim,
        Method::PUT,
        &path,
        Some(json!({ "userStatus": status })),
    )
    .await
}

async fn emergency(sim: &SimHandle, version: &str, user_id: &str, body: Value) -> Answer {
    let path = format!("{version}/users/{user_id}/emergencyTokencode");
    securid(sim, Method::PUT, &path, Some(body)).await
}

async fn sid(sim: &SimHandle, user_id: &str, action: &str, body: Value) -> Answer {
    let path = format!("v1/users/{user_id}/sidTokens/{action}");
    securid(sim, Method::PATCH, &path, Some(body)).await
}

async fn lookup_sid(sim: &SimHandle, serial: &str) -> Answer {
    let body = json!({ "tokenSerialNumber": serial });
    securid(sim, Method::POST, "v1/sidTokens/lookup", Some(body)).await
}

async fn emergency_login(sim: &SimHandle, who: &str, tokencode: &str) -> Value {
    let body = json!({ "who": who, "tokencode": tokencode });
    let (status, answer) = practice_post(sim, "/securid/login", body).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

fn emails(answer: &Answer) -> Vec<String> {
    answer.body["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|u| u["emailAddress"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn search_finds_emails_containing_the_text_sorted_and_paged() {
    let sim = demo().await;
    let all = search(&sim, "", json!({ "emailLike": "@example.com" })).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let found = emails(&all);
    let total = all.body["totalElements"].as_u64().unwrap();
    assert_eq!(found.len() as u64, total.min(25));
    let mut sorted = found.clone();
    sorted.sort_by_key(|e| e.to_lowercase());
    assert_eq!(found, sorted, "sorted by email");
    assert!(found.contains(&"Oscar.Ortiz@example.com".to_string()));

    let page = search(&sim, "?pageSize=2", json!({ "emailLike": "example" })).await;
    assert_eq!(emails(&page), found[..2].to_vec());
    assert_eq!(page.body["totalElements"], total);
    assert_eq!(page.body["pageSize"], 2);

    // Literal text (no wildcards), without regard to case.
    let oscar = search(&sim, "?pageSize=25", json!({ "emailLike": "OSCAR.ortiz@" })).await;
    assert_eq!(emails(&oscar), ["Oscar.Ortiz@example.com"]);
    assert_eq!(
        oscar.body["elements"][0]["id"],
        "f10d0514-7dd1-4a13-a30e-236d0e65b56a"
    );
    for none in ["%", "_lice", "*"] {
        let answer = search(&sim, "", json!({ "emailLike": none })).await;
        assert_eq!(
            (answer.status, answer.body["totalElements"].clone()),
            (200, json!(0))
        );
    }

    for query in ["?pageSize=0", "?pageSize=26", "?pageSize=x", "?pageSize="] {
        let answer = search(&sim, query, json!({ "emailLike": "a" })).await;
        assert_eq!(answer.status, 400, "{query}");
    }
    for body in [
        json!({}),
        json!({ "emailLike": "" }),
        json!({ "emailLike": 1 }),
        json!({ "email": "a" }),
    ] {
        assert_eq!(search(&sim, "", body.clone()).await.status, 400, "{body}");
    }
}

#[tokio::test]
async fn user_status_enables_and_disables_and_409_when_already_so() {
    let sim = demo().await;
    let sybil = id("sybil");
    let answer = set_status(&sim, &sybil, "Disabled").await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        json!({ "id": sybil, "userStatus": "Disabled" })
    );
    let (_, view) = practice_get(&sim, "/securid/users/sybil").await;
    assert_eq!(view["userStatus"], "Disabled");
    assert_eq!(set_status(&sim, &sybil, "Disabled").await.status, 409);
    assert_eq!(set_status(&sim, &sybil, "Enabled").await.status, 200);
    // peggy is the demo's disabled user.
    assert_eq!(set_status(&sim, &id("peggy"), "Enabled").await.status, 200);
    // mallory is marked deleted: no change.
    assert_eq!(
        set_status(&sim, &id("mallory"), "Disabled").await.status,
        409
    );
    assert_eq!(set_status(&sim, UNKNOWN_ID, "Enabled").await.status, 404);
    assert_eq!(set_status(&sim, "sybil", "Enabled").await.status, 400);
    for bad in ["disabled", "Locked", ""] {
        assert_eq!(set_status(&sim, &sybil, bad).await.status, 400, "{bad}");
    }
}

#[tokio::test]
async fn emergency_tokencodes_sign_in_until_used_once_or_expired() {
    let sim = demo().await;
    let trent = id("trent");
    let answer = emergency(&sim, "v2", &trent, json!({})).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let code = answer.body["emergencyTokencode"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        code.len() == 8 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    assert_eq!(
        answer.body["oneTimeUse"], false,
        "the tenant default: reusable"
    );
    assert_eq!(
        answer.body["configurationsUsed"],
        json!({ "expiryValue": 1, "expiryUnit": "days", "oneTimeUse": false })
    );
    assert!(answer.body["expirationDate"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert!(answer.body["emergencyTokencodeId"].is_string());
    assert!(answer.body["offlineExpirationDate"].is_string());

    // Reusable: signs in again and again; a wrong code does not.
    for _ in 0..2 {
        assert_eq!(
            emergency_login(&sim, "trent", &code).await["accepted"],
            true
        );
    }
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    assert_eq!(
        emergency_login(&sim, "trent@example.com", wrong).await["accepted"],
        false
    );

    // A new one-time code replaces it: once only.
    let body = json!({ "oneTimeUse": true, "expiryUnit": "hours", "expiryValue": 4 });
    let answer = emergency(&sim, "v2", &trent, body).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["oneTimeUse"], true);
    assert_eq!(answer.body["configurationsUsed"]["expiryUnit"], "hours");
    let one_time = answer.body["emergencyTokencode"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, codes) = practice_get(&sim, "/securid/emergency-codes").await;
    let listed = &codes.as_array().unwrap()[0];
    assert_eq!(
        (listed["username"].clone(), listed["usable"].clone()),
        (json!("trent"), json!(true))
    );
    assert_eq!(listed["emergencyTokencode"], one_time.as_str());
    assert_eq!(listed["api"], "v2");
    if one_time != code {
        assert_eq!(
            emergency_login(&sim, "trent", &code).await["accepted"],
            false
        );
    }
    let first = emergency_login(&sim, "trent", &one_time).await;
    assert_eq!(first["accepted"], true, "{first}");
    assert_eq!(first["emergencyCode"]["usable"], false);
    let again = emergency_login(&sim, "trent", &one_time).await;
    assert_eq!(
        again["message"],
        "the one-time emergency tokencode was used already"
    );

    // A disabled user is refused even with a good code.
    let answer = emergency(&sim, "v2", &id("peggy"), json!({})).await;
    let peggy = answer.body["emergencyTokencode"].as_str().unwrap();
    assert_eq!(
        emergency_login(&sim, "peggy", peggy).await["message"],
        "the user is disabled"
    );

    let bad_bodies = [
        json!({ "expiryUnit": "days" }),
        json!({ "expiryUnit": "days", "expiryValue": 8 }),
        json!({ "expiryUnit": "minutes", "expiryValue": 0 }),
        json!({ "expiryUnit": "weeks", "expiryValue": 1 }),
        json!({ "oneTimeUse": "yes" }),
        json!({ "expirationDays": "1" }),
    ];
    for body in bad_bodies {
        assert_eq!(
            emergency(&sim, "v2", &trent, body.clone()).await.status,
            400,
            "{body}"
        );
    }
    assert_eq!(
        emergency(&sim, "v2", UNKNOWN_ID, json!({})).await.status,
        404
    );
    assert_eq!(emergency(&sim, "v2", "trent", json!({})).await.status, 400);
    assert_eq!(
        practice_post(
            &sim,
            "/securid/login",
            json!({ "who": "nobody", "tokencode": "1" })
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn emergency_v1_and_the_switch_that_hides_v2() {
    let sim = demo().await;
    let trent = id("trent");
    let answer = emergency(&sim, "v1", &trent, json!({ "expirationDays": "7" })).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let mut keys: Vec<_> = answer.body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "emergencyTokencode",
            "emergencyTokencodeId",
            "expirationDate",
            "offlineExpirationDate"
        ]
    );
    for body in [
        json!({}),
        json!({ "expirationDays": "8" }),
        json!({ "expirationDays": "0" }),
    ] {
        assert_eq!(
            emergency(&sim, "v1", &trent, body.clone()).await.status,
            400,
            "{body}"
        );
    }
    assert_eq!(
        emergency(&sim, "v1", UNKNOWN_ID, json!({ "expirationDays": 1 }))
            .await
            .status,
        404
    );

    let (status, _) = practice_post(
        &sim,
        "/switches",
        json!({ "securidEmergencyV2Missing": true }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(emergency(&sim, "v2", &trent, json!({})).await.status, 404);
    let answer = emergency(&sim, "v1", &trent, json!({ "expirationDays": "1" })).await;
    assert_eq!(answer.status, 200);
    let code = answer.body["emergencyTokencode"].as_str().unwrap();
    assert_eq!(emergency_login(&sim, "trent", code).await["accepted"], true);
    let (_, codes) = practice_get(&sim, "/securid/emergency-codes").await;
    assert_eq!(codes[0]["api"], "v1");
    practice_post(&sim, "/switches", json!({})).await;
    assert_eq!(emergency(&sim, "v2", &trent, json!({})).await.status, 200);
}

#[tokio::test]
async fn devices_list_the_users_sid700_tokens() {
    let sim = demo().await;
    let path = format!("v2/users/{}/devices?includeBrowsers=false", id("trent"));
    let answer = securid(&sim, Method::GET, &path, None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["devices"], json!([]));
    assert_eq!(answer.body["fidoTokens"], json!([]));
    let tokens = answer.body["sidTokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["tokenSerialNumber"], "000700000001");
    assert_eq!(tokens[0]["deviceType"], "SID700");
    assert_eq!(tokens[0]["name"], "Trent's SID700");
    let path = format!("v2/users/{}/devices", id("uma"));
    assert_eq!(
        securid(&sim, Method::GET, &path, None).await.body["sidTokens"],
        json!([])
    );
    let path = format!("v2/users/{}/devices?includeBrowsers=maybe", id("uma"));
    assert_eq!(securid(&sim, Method::GET, &path, None).await.status, 400);
    let path = format!("v2/users/{UNKNOWN_ID}/devices");
    assert_eq!(securid(&sim, Method::GET, &path, None).await.status, 404);
}

#[tokio::test]
async fn sid700_lookup_assign_and_unassign() {
    let sim = demo().await;
    let (trent, sybil) = (id("trent"), id("sybil"));
    let lost = lookup_sid(&sim, "000700000001").await;
    assert_eq!(lost.status, 200);
    assert_eq!(lost.body["userId"], trent.as_str());
    assert_eq!(lost.body["tokenState"], "Assigned");
    assert_eq!(lost.body["tokenStatus"], "Enabled");
    assert_eq!(lost.body["registeredDate"], "2026-01-01T00:00:00.000Z");
    let spare = lookup_sid(&sim, "000700000003").await;
    assert_eq!(
        (
            spare.body["userId"].clone(),
            spare.body["tokenState"].clone()
        ),
        (Value::Null, json!("Unassigned"))
    );
    assert_eq!(
        lookup_sid(&sim, "000700000004").await.body["tokenStatus"],
        "Disabled"
    );
    assert_eq!(lookup_sid(&sim, "999").await.status, 404);
    assert_eq!(lookup_sid(&sim, &"9".repeat(37)).await.status, 400);
    let missing = securid(&sim, Method::POST, "v1/sidTokens/lookup", Some(json!({}))).await;
    assert_eq!(missing.status, 400);

    // The lost token out, the spare in; another user's token is refused.
    let serial = |s: &str| json!({ "tokenSerialNumber": s });
    assert_eq!(
        sid(&sim, &trent, "assign", serial("000700000002"))
            .await
            .status,
        409
    );
    assert_eq!(
        sid(&sim, &trent, "unassign", serial("000700000002"))
            .await
            .status,
        409
    );
    let out = sid(&sim, &trent, "unassign", serial("000700000001")).await;
    assert_eq!(out.status, 200, "{}", out.body);
    assert_eq!(out.body["tokenState"], "Unassigned");
    assert_eq!(out.body["tokenSerialNumber"], "000700000001");
    assert_eq!(
        sid(&sim, &trent, "unassign", serial("000700000001"))
            .await
            .status,
        409
    );
    let body = json!({ "tokenSerialNumber": "000700000003", "tokenName": "Trent's new token" });
    let assigned = sid(&sim, &trent, "assign", body).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.body["userId"], trent.as_str());
    assert_eq!(assigned.body["tokenState"], "Assigned");
    assert_eq!(assigned.body["name"], "Trent's new token");
    assert_eq!(assigned.body["assignedBy"], sim.securid_access_id());
    assert_eq!(
        sid(&sim, &trent, "assign", serial("000700000003"))
            .await
            .status,
        409
    );
    assert_eq!(
        sid(&sim, &sybil, "assign", serial("000700000003"))
            .await
            .status,
        409
    );

    assert_eq!(
        sid(&sim, &trent, "assign", serial("000799999999"))
            .await
            .status,
        404
    );
    assert_eq!(
        sid(&sim, &trent, "unassign", serial("000799999999"))
            .await
            .status,
        404
    );
    assert_eq!(
        sid(&sim, UNKNOWN_ID, "assign", serial("000700000001"))
            .await
            .status,
        404
    );
    assert_eq!(
        sid(&sim, "trent", "assign", serial("000700000001"))
            .await
            .status,
        400
    );
    let long_name = json!({ "tokenSerialNumber": "000700000001", "tokenName": "x".repeat(256) });
    assert_eq!(sid(&sim, &trent, "assign", long_name).await.status, 400);

    let (_, tokens) = practice_get(&sim, "/securid/tokens").await;
    let states: Vec<_> = tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tokenSerialNumber"].as_str().unwrap(),
                t["tokenState"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("000700000001", "Unassigned"),
            ("000700000002", "Assigned"),
            ("000700000003", "Assigned"),
            ("000700000004", "Unassigned")
        ]
    );
    assert_eq!(
        practice_get(&sim, "/securid/tokens/000700000003").await.1["userId"],
        trent.as_str()
    );
    assert_eq!(practice_get(&sim, "/securid/tokens/nope").await.0, 404);

    // A reset puts the demo back.
    assert_eq!(practice_post(&sim, "/reset", json!({})).await.0, 204);
    assert_eq!(
        lookup_sid(&sim, "000700000001").await.body["userId"],
        trent.as_str()
    );
    assert_eq!(
        practice_get(&sim, "/securid/emergency-codes").await.1,
        json!([])
    );
}

#[tokio::test]
async fn the_new_calls_are_behind_the_token_and_the_rate_limit() {
    let sim = demo().await;
    let url = format!(
        "{}/AdminInterface/restapi/v2/users/{}/devices",
        sim.origin(),
        id("trent")
    );
    let answer = send(http().get(&url)).await;
    assert_eq!(answer.status, 403);
    let limited = spawn(SimConfig {
        fixture: Fixture::demo(),
        securid: SecurIdConfig {
            rate_limit: Some(RateLimit::per_second(0)),
            ..SecurIdConfig::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let answer = search(&limited, "", json!({ "emailLike": "a" })).await;
    assert_eq!(answer.status, 429);
    let path = format!("v2/users/{}/emergencyTokencode", id("trent"));
    assert_eq!(
        securid(&limited, Method::PUT, &path, Some(json!({})))
            .await
            .status,
        429
    );
}
