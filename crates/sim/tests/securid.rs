//! The practice SecurID Cloud Access Service over real HTTP: User Details (lookup), Unlock
//! User Tokencodes, every JWT check, the rate limit, the key file, practice controls and
//! persistence.

mod common;

use std::collections::HashSet;

use common::{
    claims, http, now, practice_get, practice_post, send, sign, sign_with, token, Answer,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tokendesk_sim::{
    spawn, DbLocation, Fixture, RateLimit, SecurIdConfig, SecurIdKey, SecurIdMethod, SimConfig,
    SimHandle, StoreError, PRACTICE_ACCESS_ID, PRACTICE_KEY_PEM,
};

const OTHER_KEY_PEM: &str = include_str!("keys/not-the-practice-key.pem");
const OSCAR_ID: &str = "f10d0514-7dd1-4a13-a30e-236d0e65b56a";

async fn demo_with(securid: SecurIdConfig) -> SimHandle {
    spawn(SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        securid,
        ..SimConfig::default()
    })
    .await
    .expect("practice server starts")
}

async fn demo() -> SimHandle {
    demo_with(SecurIdConfig::default()).await
}

/// `POST users/lookup` with exactly this Authorization value, Content-Type and body.
async fn lookup_raw(
    sim: &SimHandle,
    authorization: Option<&str>,
    content_type: Option<&str>,
    body: &str,
) -> Answer {
    let mut request = http()
        .post(format!("{}/users/lookup", sim.securid_url()))
        .body(body.to_string());
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    if let Some(value) = content_type {
        request = request.header("Content-Type", value);
    }
    send(request).await
}

async fn lookup_with(sim: &SimHandle, jwt: &str, body: Value) -> Answer {
    lookup_raw(
        sim,
        Some(&format!("Bearer {jwt}")),
        Some("application/json"),
        &body.to_string(),
    )
    .await
}

async fn lookup(sim: &SimHandle, body: Value) -> Answer {
    lookup_with(sim, &token(sim), body).await
}

async fn user_id(sim: &SimHandle, email: &str) -> String {
    let answer = lookup(sim, json!({ "email": email })).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["id"].as_str().unwrap().to_string()
}

/// `PATCH users/{id}/methods` with this body text.
async fn unlock_raw(sim: &SimHandle, jwt: &str, id: &str, body: &str) -> Answer {
    send(
        http()
            .patch(format!("{}/users/{id}/methods", sim.securid_url()))
            .header("Authorization", format!("Bearer {jwt}"))
            .header("Content-Type", "application/json")
            .body(body.to_string()),
    )
    .await
}

async fn unlock(sim: &SimHandle, id: &str, methods: &[&str]) -> Answer {
    unlock_raw(
        sim,
        &token(sim),
        id,
        &json!({ "unlockMethods": methods }).to_string(),
    )
    .await
}

fn assert_error(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["status"], status, "{}", answer.body);
    assert!(
        answer.body["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        answer.body
    );
}

fn keys(value: &Value) -> HashSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

// ---------------------------------------------------------------------------------- lookup

#[tokio::test]
async fn lookup_answers_the_user_details() {
    let sim = demo().await;
    let alice = lookup(&sim, json!({ "email": "alice@example.com" })).await;
    assert_eq!(alice.status, 200, "{}", alice.body);
    let id = alice.body["id"].as_str().unwrap();
    assert!(tokendesk_sim::is_securid_id(id), "{id}");
    assert_eq!(id, tokendesk_sim::derived_securid_id("alice"));
    assert_eq!(
        alice.body,
        json!({
            "id": id,
            "emailAddress": "alice@example.com",
            "firstName": "Alice",
            "lastName": "Archer",
            "userStatus": "Enabled",
            "identitySource": "Practice Directory",
            "markDeleted": false,
            "highRiskUser": false,
            "smsNumber": "+60120001001",
            "voiceNumber": "+60120001001",
        })
    );

    // Voice off: no voiceNumber at all (not null).
    let dave = lookup(&sim, json!({ "email": "dave@example.com" })).await;
    assert_eq!(dave.status, 200);
    assert_eq!(dave.body["smsNumber"], "+60120001004");
    assert!(!keys(&dave.body).contains("voiceNumber"), "{}", dave.body);

    // Neither method: neither field.
    let grace = lookup(&sim, json!({ "email": "grace@example.com" })).await;
    assert_eq!(grace.status, 200);
    assert!(!keys(&grace.body).contains("smsNumber"));
    assert!(!keys(&grace.body).contains("voiceNumber"));
    assert_eq!(grace.body["identitySource"], "Practice LDAP");

    let peggy = lookup(&sim, json!({ "username": "peggy" })).await;
    assert_eq!(peggy.status, 200);
    assert_eq!(peggy.body["userStatus"], "Disabled");
    assert_eq!(peggy.body["emailAddress"], "peggy@example.com");

    let erin = lookup(&sim, json!({ "email": "erin@example.com" })).await;
    assert_eq!(erin.body["highRiskUser"], true);
    let mallory = lookup(&sim, json!({ "email": "mallory@example.com" })).await;
    assert_eq!(mallory.body["markDeleted"], true);

    // Email matches without regard to case; searchUnsynched is accepted and ignored.
    let oscar = lookup(
        &sim,
        json!({ "email": "OSCAR.ORTIZ@example.COM", "searchUnsynched": true }),
    )
    .await;
    assert_eq!(oscar.status, 200, "{}", oscar.body);
    assert_eq!(oscar.body["id"], OSCAR_ID);
    assert_eq!(oscar.body["emailAddress"], "Oscar.Ortiz@example.com");
    sim.shutdown().await;
}

#[tokio::test]
async fn lookup_refuses_bad_bodies_unknown_users_and_other_media_types() {
    let sim = demo().await;
    let jwt = token(&sim);
    let bearer = format!("Bearer {jwt}");
    for body in [
        "",
        "not json",
        "[]",
        "{}",
        r#"{"email": ""}"#,
        r#"{"email": 42}"#,
        r#"{"email": "alice@example.com", "username": "alice"}"#,
        r#"{"email": "alice@example.com", "searchUnsynched": "yes"}"#,
        r#"{"mail": "alice@example.com"}"#,
    ] {
        let answer = lookup_raw(&sim, Some(&bearer), Some("application/json"), body).await;
        assert_error(&answer, 400);
    }
    for body in [
        json!({ "email": "nobody@example.com" }),
        json!({ "username": "nobody" }),
        // heidi is a CENTAGATE user only: SecurID does not know her.
        json!({ "username": "heidi" }),
        // usernames match exactly
        json!({ "username": "ALICE" }),
    ] {
        assert_error(&lookup_with(&sim, &jwt, body).await, 404);
    }
    let body = r#"{"email": "alice@example.com"}"#;
    for content_type in [Some("text/plain"), Some("application/xml"), None] {
        let answer = lookup_raw(&sim, Some(&bearer), content_type, body).await;
        assert_error(&answer, 415);
    }
    let answer = lookup_raw(
        &sim,
        Some(&bearer),
        Some("application/json; charset=utf-8"),
        body,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------- the JWT

#[tokio::test]
async fn every_token_fault_is_403() {
    let sim = demo().await;
    let body = r#"{"email": "alice@example.com"}"#;
    let good = claims(&sim);
    let now = now();
    let with = |changes: Value| {
        let mut c = good.clone();
        for (k, v) in changes.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &good,
        &EncodingKey::from_secret(b"practice"),
    )
    .unwrap();
    let b64 = |v: &Value| data_encoding::BASE64URL_NOPAD.encode(v.to_string().as_bytes());
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&good)
    );
    // A good token's signature on other claims.
    let good_token = sign(&good);
    let forged = {
        let parts: Vec<&str> = good_token.split('.').collect();
        let other = b64(&with(json!({ "sub": "someone-else" })));
        format!("{}.{}.{}", parts[0], other, parts[2])
    };
    let mut typ_header = Header::new(Algorithm::RS256);
    typ_header.typ = Some("JOSE+JSON".into());
    let wrong_typ = jsonwebtoken::encode(
        &typ_header,
        &good,
        &EncodingKey::from_rsa_pem(PRACTICE_KEY_PEM.as_bytes()).unwrap(),
    )
    .unwrap();
    let rs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::RS512),
        &good,
        &EncodingKey::from_rsa_pem(PRACTICE_KEY_PEM.as_bytes()).unwrap(),
    )
    .unwrap();

    let cases: Vec<(&str, Option<String>)> = vec![
        ("no Authorization header", None),
        ("not Bearer", Some(format!("Basic {good_token}"))),
        ("Bearer without a token", Some("Bearer".into())),
        ("Bearer and a blank", Some("Bearer ".into())),
        ("not a JWT", Some("Bearer abc.def".into())),
        ("alg HS256", Some(format!("Bearer {hs256}"))),
        ("alg none", Some(format!("Bearer {alg_none}"))),
        ("alg RS512", Some(format!("Bearer {rs512}"))),
        ("typ not JWT", Some(format!("Bearer {wrong_typ}"))),
        (
            "signed with another key",
            Some(format!("Bearer {}", sign_with(&good, OTHER_KEY_PEM))),
        ),
        (
            "payload changed after signing",
            Some(format!("Bearer {forged}")),
        ),
        (
            "wrong aud",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({ "aud": format!("{}/", sim.securid_url()) })))
            )),
        ),
        (
            "aud of another tenant",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({
                    "aud": "https://tenant.access.securid.com/AdminInterface/restapi/v1"
                })))
            )),
        ),
        (
            "wrong sub",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({ "sub": "another-access-id" })))
            )),
        ),
        (
            "no sub",
            Some(format!("Bearer {}", sign(&with(json!({ "sub": null }))))),
        ),
        (
            "no aud",
            Some(format!("Bearer {}", sign(&with(json!({ "aud": null }))))),
        ),
        (
            "no exp",
            Some(format!("Bearer {}", sign(&with(json!({ "exp": null }))))),
        ),
        (
            "no iat",
            Some(format!("Bearer {}", sign(&with(json!({ "iat": null }))))),
        ),
        (
            "expired beyond the skew",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({ "iat": now - 900, "exp": now - 120 })))
            )),
        ),
        (
            "exp more than 60 minutes after iat",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({ "iat": now, "exp": now + 3601 })))
            )),
        ),
        (
            "iat in the future beyond the skew",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({ "iat": now + 300, "exp": now + 600 })))
            )),
        ),
        (
            "nbf in the future beyond the skew",
            Some(format!(
                "Bearer {}",
                sign(&with(json!({ "nbf": now + 300 })))
            )),
        ),
    ];
    for (what, authorization) in &cases {
        let answer = lookup_raw(
            &sim,
            authorization.as_deref(),
            Some("application/json"),
            body,
        )
        .await;
        assert_eq!(answer.status, 403, "{what}: {}", answer.body);
        assert_error(&answer, 403);
    }
    // The same checks guard the unlock call (and come before its own checks).
    let bob = tokendesk_sim::derived_securid_id("bob");
    for (what, authorization) in cases.iter().take(12) {
        let mut request = http()
            .patch(format!("{}/users/{bob}/methods", sim.securid_url()))
            .header("Content-Type", "application/json")
            .body(r#"{"unlockMethods": ["TOKEN"]}"#);
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        let answer = send(request).await;
        assert_eq!(answer.status, 403, "unlock, {what}: {}", answer.body);
    }
    let bob_now = lookup(&sim, json!({ "username": "bob" })).await;
    assert_eq!(bob_now.status, 200);
    let states = sim.controls().securid_user("bob").await.unwrap();
    assert!(states.token_locked, "a refused unlock changed nothing");
    sim.shutdown().await;
}

#[tokio::test]
async fn tokens_within_the_rules_are_accepted() {
    let sim = demo().await;
    let now = now();
    let good = claims(&sim);
    let with = |changes: Value| {
        let mut c = good.clone();
        for (k, v) in changes.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    for (what, claims) in [
        (
            "expired, but within the 60 s skew",
            with(json!({ "iat": now - 600, "exp": now - 30 })),
        ),
        (
            "exactly 60 minutes",
            with(json!({ "iat": now, "exp": now + 3600 })),
        ),
        (
            "iat in the future within the skew",
            with(json!({ "iat": now + 30, "exp": now + 330 })),
        ),
        ("extra claims", with(json!({ "jti": "abc", "iss": "x" }))),
        (
            "aud as an array holding the URL",
            with(json!({ "aud": [sim.securid_url()] })),
        ),
    ] {
        let answer = lookup_with(&sim, &sign(&claims), json!({ "username": "alice" })).await;
        assert_eq!(answer.status, 200, "{what}: {}", answer.body);
    }
    // The scheme is case-insensitive.
    let answer = lookup_raw(
        &sim,
        Some(&format!("bearer {}", token(&sim))),
        Some("application/json"),
        r#"{"username": "alice"}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------- unlock

#[tokio::test]
async fn unlock_answers_the_state_of_every_method() {
    let sim = demo().await;
    let carol = user_id(&sim, "carol@example.com").await;
    let answer = unlock(&sim, &carol, &["SMS"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({
            "userId": carol,
            "isTokenLocked": true,
            "isSmsLocked": false,
            "isVoiceLocked": true,
        })
    );
    let answer = unlock(&sim, &carol, &["TOKEN", "VOICE", "SMS"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({
            "userId": carol,
            "isTokenLocked": false,
            "isSmsLocked": false,
            "isVoiceLocked": false,
        })
    );
    // Unlocking what is not locked (or is off) is fine.
    let dave = user_id(&sim, "dave@example.com").await;
    let answer = unlock(&sim, &dave, &["VOICE", "VOICE"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["isSmsLocked"], true);
    // The id matches without regard to case.
    let answer = unlock(&sim, &dave.to_uppercase(), &["SMS"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["userId"], dave);
    assert_eq!(answer.body["isSmsLocked"], false);
    sim.shutdown().await;
}

#[tokio::test]
async fn unlock_refuses_bad_ids_and_bodies_and_unknown_users() {
    let sim = demo().await;
    let jwt = token(&sim);
    let bob = user_id(&sim, "bob@example.com").await;
    for body in [
        "",
        "{}",
        r#"{"unlockMethods": []}"#,
        r#"{"unlockMethods": ["token"]}"#,
        r#"{"unlockMethods": ["TOKEN", "EMAIL"]}"#,
        r#"{"unlockMethods": "TOKEN"}"#,
        r#"{"unlockMethods": [null]}"#,
        r#"{"unlockMethods": ["TOKEN"], "force": true}"#,
    ] {
        assert_error(&unlock_raw(&sim, &jwt, &bob, body).await, 400);
    }
    let good = r#"{"unlockMethods": ["TOKEN"]}"#;
    for id in [
        "bob",
        "not-a-user-id",
        "f10d0514-7dd1-4a13-a30e-236d0e65b56",
        "g10d0514-7dd1-4a13-a30e-236d0e65b56a",
    ] {
        assert_error(&unlock_raw(&sim, &jwt, id, good).await, 400);
    }
    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_error(&unlock_raw(&sim, &jwt, unknown, good).await, 404);
    assert!(
        sim.controls()
            .securid_user("bob")
            .await
            .unwrap()
            .token_locked,
        "nothing was unlocked"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_stuck_method_answers_500_with_the_lock_states() {
    let sim = demo().await;
    let frank = user_id(&sim, "frank@example.com").await;
    let answer = unlock(&sim, &frank, &["SMS", "VOICE"]).await;
    assert_eq!(answer.status, 500, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({
            "userId": frank,
            "isTokenLocked": false,
            "isSmsLocked": false,
            "isVoiceLocked": true,
        })
    );
    // Asking only for what can be unlocked succeeds.
    let answer = unlock(&sim, &frank, &["SMS", "TOKEN"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Unstick it through the practice route: the next unlock succeeds.
    let (status, body) = practice_post(
        &sim,
        "/securid/users/frank@example.com/stuck",
        json!({ "method": "VOICE", "stuck": false }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["stuck"], json!([]));
    let answer = unlock(&sim, &frank, &["VOICE"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["isVoiceLocked"], false);

    // The library control makes any user's method stuck.
    let controls = sim.controls();
    controls
        .securid_lock("alice", SecurIdMethod::Token)
        .await
        .unwrap();
    controls
        .securid_set_stuck("alice", SecurIdMethod::Token, true)
        .await
        .unwrap();
    let alice = tokendesk_sim::derived_securid_id("alice");
    let answer = unlock(&sim, &alice, &["TOKEN"]).await;
    assert_eq!(answer.status, 500, "{}", answer.body);
    assert_eq!(answer.body["isTokenLocked"], true);
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------- rate limit

#[tokio::test]
async fn beyond_the_rate_limit_calls_get_429_with_retry_after() {
    let sim = demo_with(SecurIdConfig {
        rate_limit: Some(RateLimit::per_second(1)),
        ..SecurIdConfig::default()
    })
    .await;
    let jwt = token(&sim);
    let calls = (0..12).map(|_| lookup_with(&sim, &jwt, json!({ "username": "alice" })));
    let answers = futures_util::future::join_all(calls).await;
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    assert_eq!(ok + limited.len(), answers.len(), "only 200 and 429");
    assert!(ok >= 1, "the first call is taken");
    assert!(!limited.is_empty(), "12 calls at once exceed 1 a second");
    for answer in limited {
        assert_error(answer, 429);
        let secs: u64 = answer
            .retry_after
            .as_deref()
            .expect("Retry-After")
            .parse()
            .expect("whole seconds");
        assert!((1..=2).contains(&secs), "{secs}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn rate_limit_zero_refuses_everything_before_the_token_check() {
    let sim = demo_with(SecurIdConfig {
        rate_limit: Some(RateLimit {
            per_second: 0,
            retry_after: false,
        }),
        ..SecurIdConfig::default()
    })
    .await;
    let answer = lookup(&sim, json!({ "username": "alice" })).await;
    assert_error(&answer, 429);
    assert_eq!(answer.retry_after, None);
    let answer = lookup_raw(&sim, None, None, "").await;
    assert_error(&answer, 429);
    let answer = unlock(&sim, OSCAR_ID, &["TOKEN"]).await;
    assert_error(&answer, 429);
    // The CENTAGATE side is not limited.
    let list = common::list(&sim, "alice").await;
    assert_eq!(common::code(&list), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_reach_the_securid_routes_but_failures_do_not() {
    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        faults: tokendesk_sim::Faults {
            close_rate: 1.0,
            ..tokendesk_sim::Faults::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let outcome = match http()
        .post(format!("{}/users/lookup", sim.securid_url()))
        .bearer_auth(token(&sim))
        .json(&json!({ "username": "alice" }))
        .send()
        .await
    {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(outcome.is_err(), "connection dropped mid-answer");
    sim.shutdown().await;

    let sim = spawn(SimConfig {
        fixture: Fixture::demo(),
        faults: tokendesk_sim::Faults {
            fail_rate: 1.0,
            ..tokendesk_sim::Faults::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let answer = lookup(&sim, json!({ "username": "alice" })).await;
    assert_eq!(
        answer.status, 200,
        "fail_rate is CENTAGATE-shaped: not here"
    );
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------- keys

#[tokio::test]
async fn the_written_key_file_signs_tokens_the_server_accepts() {
    let sim = demo().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("practice-key.json");
    sim.write_securid_key_file(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    // Line breaks in the PEM are JSON escapes, as in the vendor's download.
    assert!(text.contains("-----BEGIN PRIVATE KEY-----\\n"), "{text}");
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        keys(&file),
        [
            "customerName",
            "accessID",
            "description",
            "accessKey",
            "adminRestApiUrl"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(file["accessID"], PRACTICE_ACCESS_ID);
    assert_eq!(
        file["adminRestApiUrl"],
        format!("http://{}/AdminInterface/restapi/v1", sim.addr())
    );
    assert_eq!(text.trim(), sim.securid_key_file_json());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner-only: {mode:o}");
    }

    // A client that has only the file: sub, aud and the key all come from it.
    let now = now();
    let jwt = sign_with(
        &json!({
            "sub": file["accessID"],
            "aud": file["adminRestApiUrl"],
            "iat": now,
            "exp": now + 3600,
        }),
        file["accessKey"].as_str().unwrap(),
    );
    let answer = lookup_with(&sim, &jwt, json!({ "email": "bob@example.com" })).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // The same file over the practice routes.
    let (status, served) = practice_get(&sim, "/securid/key-file").await;
    assert_eq!(status, 200);
    assert_eq!(served, file);
    sim.shutdown().await;
}

#[tokio::test]
async fn another_key_replaces_the_practice_key() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("other.pem");
    std::fs::write(&pem, OTHER_KEY_PEM).unwrap();
    let sim = demo_with(SecurIdConfig {
        key: SecurIdKey::load(&pem).unwrap(),
        ..SecurIdConfig::default()
    })
    .await;
    let body = json!({ "username": "alice" });
    let practice_signed = sign(&claims(&sim));
    assert_error(
        &lookup_with(&sim, &practice_signed, body.clone()).await,
        403,
    );
    let other_signed = sign_with(&claims(&sim), OTHER_KEY_PEM);
    assert_eq!(
        lookup_with(&sim, &other_signed, body.clone()).await.status,
        200
    );

    // A key file with its own access ID: then sub must be that.
    let file = dir.path().join("key.json");
    let mut key_file: Value = serde_json::from_str(&sim.securid_key_file_json()).unwrap();
    key_file["accessID"] = json!("tenant-access-id");
    std::fs::write(&file, key_file.to_string()).unwrap();
    sim.shutdown().await;
    let sim = demo_with(SecurIdConfig {
        key: SecurIdKey::load(&file).unwrap(),
        ..SecurIdConfig::default()
    })
    .await;
    assert_eq!(sim.securid_access_id(), "tenant-access-id");
    let mut c = claims(&sim);
    c["sub"] = json!(PRACTICE_ACCESS_ID);
    assert_error(
        &lookup_with(&sim, &sign_with(&c, OTHER_KEY_PEM), body.clone()).await,
        403,
    );
    c["sub"] = json!("tenant-access-id");
    assert_eq!(
        lookup_with(&sim, &sign_with(&c, OTHER_KEY_PEM), body)
            .await
            .status,
        200
    );
    assert!(SecurIdKey::load(dir.path().join("missing.pem")).is_err());
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------- controls

#[tokio::test]
async fn lock_control_then_unlock_through_the_api() {
    let sim = demo().await;
    let controls = sim.controls();
    let users = controls.securid_users().await.unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    assert!(names.contains(&"alice") && names.contains(&"peggy"));
    assert!(!names.contains(&"heidi"), "heidi has no SecurID identity");

    let alice = controls
        .securid_lock("alice@example.com", SecurIdMethod::Sms)
        .await
        .unwrap();
    assert!(alice.sms_locked && !alice.token_locked && !alice.voice_locked);
    let answer = unlock(&sim, &alice.id, &["SMS"]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["isSmsLocked"], false);
    assert!(!controls.securid_user(&alice.id).await.unwrap().sms_locked);

    // A method that is off cannot be locked; an unknown user is an unknown user.
    assert!(matches!(
        controls.securid_lock("dave", SecurIdMethod::Voice).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        controls.securid_lock("nobody", SecurIdMethod::Token).await,
        Err(StoreError::UnknownUser(_))
    ));

    // The same over /practice.
    let (status, body) = practice_post(
        &sim,
        "/securid/users/oscar/lock",
        json!({ "method": "VOICE" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["isVoiceLocked"], true);
    assert_eq!(body["id"], OSCAR_ID);
    let (status, _) = practice_post(
        &sim,
        "/securid/users/dave/lock",
        json!({ "method": "VOICE" }),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = practice_post(
        &sim,
        "/securid/users/nobody/lock",
        json!({ "method": "SMS" }),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = practice_post(
        &sim,
        "/securid/users/oscar/lock",
        json!({ "method": "EMAIL" }),
    )
    .await;
    assert_eq!(status, 400);
    let (status, list) = practice_get(&sim, "/securid/users").await;
    assert_eq!(status, 200);
    let oscar = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "oscar")
        .unwrap();
    assert_eq!(oscar["isVoiceLocked"], true);
    assert_eq!(oscar["emailAddress"], "Oscar.Ortiz@example.com");
    let (status, one) = practice_get(&sim, &format!("/securid/users/{OSCAR_ID}")).await;
    assert_eq!(status, 200);
    assert_eq!(&one, oscar);

    // Reset puts the fixture's states back.
    let (status, _) = practice_post(&sim, "/reset", json!({})).await;
    assert_eq!(status, 204);
    assert!(!controls.securid_user("oscar").await.unwrap().voice_locked);
    assert!(controls.securid_user("bob").await.unwrap().token_locked);
    sim.shutdown().await;
}

#[tokio::test]
async fn lock_states_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = DbLocation::Path(dir.path().join("sim.sqlite3"));
    let sim = common::demo_at(db.clone()).await;
    let bob = user_id(&sim, "bob@example.com").await;
    assert_eq!(unlock(&sim, &bob, &["TOKEN"]).await.status, 200);
    sim.controls()
        .securid_lock("alice", SecurIdMethod::Voice)
        .await
        .unwrap();
    sim.shutdown().await;

    let sim = common::demo_at(db.clone()).await;
    let controls = sim.controls();
    assert!(!controls.securid_user("bob").await.unwrap().token_locked);
    assert!(controls.securid_user("alice").await.unwrap().voice_locked);
    assert_eq!(user_id(&sim, "bob@example.com").await, bob, "ids are kept");
    sim.shutdown().await;

    // A database from before SecurID identities gets them from the fixture once.
    {
        let conn = rusqlite::Connection::open(dir.path().join("sim.sqlite3")).unwrap();
        conn.execute_batch(
            "DELETE FROM securid_users; DELETE FROM meta WHERE key = 'securid_seeded';",
        )
        .unwrap();
    }
    let sim = common::demo_at(db).await;
    let controls = sim.controls();
    assert!(controls.securid_user("bob").await.unwrap().token_locked);
    assert!(!controls.securid_user("alice").await.unwrap().voice_locked);
    sim.shutdown().await;
}
