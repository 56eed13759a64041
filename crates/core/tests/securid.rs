//! The SecurID Cloud backend end to end against a local axum server: the key file, the JWT
//! (checked with jsonwebtoken's strict validation against the public key, and against a
//! token computed with openssl), token reuse and renewal, every documented HTTP answer, the
//! 429 backoff (counted, not slept) and backend mismatches. No leaks: `securid_leaks.rs`.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use common::securid::*;
use common::*;
use jsonwebtoken::DecodingKey;
use serde_json::{json, Value};
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::ops::{Session, UserRequest};
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::securid::client::{ApiCall, Client, Repeat};
use tokendesk_core::securid::jwt::{Clock, JwtSigner, SystemClock, TOKEN_LIFETIME_SECS};
use tokendesk_core::securid::key::{SecurIdKey, MAX_KEY_FILE_BYTES};
use tokendesk_core::securid::locks::UnlockMethod;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::securid::retry::RetryPolicy;
use tokendesk_core::securid::users::{LookupUserRequest, UnlockMethodsRequest};
use tokendesk_core::vocab::{Backend, Field, Operation};
use tokendesk_core::{ConfigError, Error, ErrorKind, TransportError};

// ---------------------------------------------------------------------------------- JWT

#[test]
fn tokens_verify_independently_with_the_public_key() {
    let key = key_for(VECTOR_AUD);
    let signer = JwtSigner::new(&key, Arc::new(SystemClock)).unwrap();
    let token = signer.bearer().unwrap();
    let claims = verify(token.expose(), VECTOR_AUD);
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        TOKEN_LIFETIME_SECS
    );
    // The header exactly as the vendor requires it, nothing more.
    let first = token.expose().split('.').next().unwrap();
    assert_eq!(first, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9");
    // A token for another audience or signed by another key does not verify.
    let mut other = strict_validation("https://other.example/AdminInterface/restapi/v1");
    other.validate_exp = true;
    let public = DecodingKey::from_rsa_pem(data("securid-test-key.pub.pem").as_bytes()).unwrap();
    assert!(jsonwebtoken::decode::<Value>(token.expose(), &public, &other).is_err());
}

/// The token for fixed claims equals the one openssl computed (tests/data/make-jwt-vector.sh),
/// from the PKCS#1 and the PKCS#8 form of the key alike.
#[test]
fn a_fixed_key_and_claims_give_the_openssl_token() {
    let expected = data("securid-jwt-vector.txt").trim().to_owned();
    for file in ["securid-test-key.pkcs1.pem", "securid-test-key.pkcs8.pem"] {
        let key = SecurIdKey::from_json(&key_file(VECTOR_AUD, &data(file))).unwrap();
        let signer = JwtSigner::new(&key, Arc::new(SystemClock)).unwrap();
        assert_eq!(
            signer.sign_at(1_700_000_000).unwrap().expose(),
            expected,
            "{file}"
        );
    }
}

#[test]
fn tokens_are_reused_until_a_minute_before_expiry_then_renewed() {
    let clock = Arc::new(ManualClock(AtomicU64::new(1_700_000_000)));
    let signer = JwtSigner::new(&key_for(VECTOR_AUD), clock.clone()).unwrap();
    let first = signer.bearer().unwrap();
    clock.0.store(1_700_000_000 + 239, Ordering::SeqCst);
    assert_eq!(
        signer.bearer().unwrap(),
        first,
        "reused while 61 s are left"
    );
    clock.0.store(1_700_000_000 + 240, Ordering::SeqCst);
    let second = signer.bearer().unwrap();
    assert_ne!(second, first, "renewed with 60 s left");
    let mut v = strict_validation(VECTOR_AUD);
    v.validate_exp = false;
    let public = DecodingKey::from_rsa_pem(data("securid-test-key.pub.pem").as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<Value>(second.expose(), &public, &v)
        .unwrap()
        .claims;
    assert_eq!(claims["iat"], 1_700_000_240u64);
    assert_eq!(claims["exp"], 1_700_000_540u64);
    assert_eq!(signer.bearer().unwrap(), second);
}

#[tokio::test]
async fn the_session_sends_one_token_until_it_is_due_for_renewal() {
    let server = TestServer::start(|_| json(200, ALICE)).await;
    let clock = Arc::new(ManualClock(AtomicU64::new(SystemClock.now())));
    let url = api_url(&server);
    let s = Session::with_secret(
        securid_profile(&url),
        ProfileSecret::SecurId(key_for(&url)),
        recorder(),
    )
    .with_clock(clock.clone());
    s.lookup_user(&alice()).await.unwrap();
    s.lookup_user(&alice()).await.unwrap();
    clock.0.fetch_add(TOKEN_LIFETIME_SECS, Ordering::SeqCst);
    s.lookup_user(&alice()).await.unwrap();
    let auth: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.header("authorization").unwrap())
        .collect();
    assert_eq!(auth[0], auth[1]);
    assert_ne!(auth[1], auth[2]);
    let token = auth[0].strip_prefix("Bearer ").expect("a Bearer token");
    verify(token, &url);
}

// ---------------------------------------------------------------------------- key files

fn key_error(text: &str) -> String {
    match SecurIdKey::from_json(text) {
        Err(Error::Input {
            field: Field::KeyFile,
            rule,
        }) => rule,
        other => panic!("expected a key-file input error, got {other:?}"),
    }
}

#[test]
fn bad_key_files_say_what_is_wrong() {
    let url = VECTOR_AUD;
    let good = pem();
    let mut damaged = good.clone();
    damaged.replace_range(200..260, &"A".repeat(60));
    let cases: Vec<(String, &str)> = vec![
        ("not json at all".into(), "is not JSON"),
        ("[1,2]".into(), "not an object"),
        (json!({"accessID": ACCESS_ID, "accessKey": good, "adminRestApiUrl": url}).to_string(), "customerName is missing"),
        (json!({"customerName": "t", "accessID": " ", "accessKey": good, "adminRestApiUrl": url}).to_string(), "accessID is empty"),
        (json!({"customerName": "t", "accessID": 7, "accessKey": good, "adminRestApiUrl": url}).to_string(), "accessID must be a string"),
        (json!({"customerName": "t", "accessID": ACCESS_ID, "adminRestApiUrl": url}).to_string(), "accessKey is missing"),
        (json!({"customerName": "t", "accessID": ACCESS_ID, "accessKey": good}).to_string(), "adminRestApiUrl is missing"),
        (key_file("http://tenant.access.securid.com/AdminInterface/restapi/v1", &good), "must be an https:// address"),
        (key_file("ftp://tenant.example/x", &good), "must be an https:// address"),
        (key_file("tenant.access.securid.com", &good), "must be an https:// address"),
        (key_file("https://tenant.example/x?y=1", &good), "must not contain ? or #"),
        (key_file(url, "just some words"), "not a PEM private key"),
        (key_file(url, &data("bad-key.encrypted-pkcs8.pem")), "encrypted"),
        (key_file(url, &data("bad-key.encrypted-pkcs1.pem")), "encrypted"),
        (key_file(url, &data("bad-key.ec-sec1.pem")), "EC key, not an RSA"),
        (key_file(url, &data("bad-key.ec-pkcs8.pem")), "an EC key; an RSA private key is needed"),
        (key_file(url, &data("bad-key.ed25519.pem")), "an Ed25519 key"),
        (key_file(url, &data("securid-test-key.pub.pem")), "public key instead of the RSA private key"),
        (key_file(url, &damaged), "damaged"),
    ];
    let canaries = key_canaries();
    for (text, expected) in cases {
        let rule = key_error(&text);
        assert!(rule.contains(expected), "{expected:?} not in {rule:?}");
        let shown = Error::input(Field::KeyFile, rule.clone()).info();
        let all = format!("{rule} {shown:?}");
        for c in &canaries {
            assert!(!all.contains(c.as_str()), "key material in {all}");
        }
    }
}

#[test]
fn escaped_newlines_plain_http_to_loopback_and_pkcs8_are_accepted() {
    let escaped = pem().trim().replace('\n', "\\n");
    let key = SecurIdKey::from_json(&key_file(VECTOR_AUD, &escaped)).unwrap();
    assert_eq!(key.access_id(), ACCESS_ID);
    assert_eq!(key.customer_name(), "Test Tenant");
    let key = SecurIdKey::from_json(&key_file(
        "http://127.0.0.1:8790/AdminInterface/restapi/v1/",
        &data("securid-test-key.pkcs8.pem"),
    ))
    .unwrap();
    assert_eq!(
        key.api_url(),
        "http://127.0.0.1:8790/AdminInterface/restapi/v1/"
    );
    assert_eq!(
        key.base_url().as_str(),
        "http://127.0.0.1:8790/AdminInterface/restapi/v1"
    );
}

#[test]
fn key_files_are_read_from_disk_and_missing_ones_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    std::fs::write(&path, key_file(VECTOR_AUD, &pem())).unwrap();
    let draft = SecurIdProfileDraft {
        name: "cloud".into(),
        key_file: Some(path.display().to_string()),
        timeout_secs: Some(20),
        ..Default::default()
    };
    let (profile, key) = draft.validate().unwrap();
    assert_eq!(key.access_id(), ACCESS_ID);
    assert_eq!(
        (
            profile.backend,
            profile.url.as_str(),
            profile.base_path.as_str(),
            profile.admin.as_str()
        ),
        (
            Backend::SecurId,
            "https://tenant.access.securid.com",
            API_PATH,
            ACCESS_ID
        )
    );
    assert_eq!(profile.customer_name.as_deref(), Some("Test Tenant"));
    assert_eq!(profile.timeout_secs, 20);
    // A typed path may probe the disk: whatever is wrong, the same words, naming the field.
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let bad = [
        dir.path().join("nope.json"),
        dir.path().to_owned(),
        write("big.json", &" ".repeat(MAX_KEY_FILE_BYTES + 1)),
        write("passwd", "root:x:0:0:root:/root:/bin/bash\n"),
        write(
            "no-key.json",
            &json!({"customerName": "t", "accessID": ACCESS_ID, "adminRestApiUrl": VECTOR_AUD})
                .to_string(),
        ),
        write(
            "public.json",
            &key_file(VECTOR_AUD, &data("securid-test-key.pub.pem")),
        ),
        PathBuf::from("/dev/zero"),
    ];
    for path in bad {
        let shown = path.display().to_string();
        let typed = SecurIdProfileDraft {
            key_file: Some(shown.clone()),
            ..draft.clone()
        };
        match typed.validate().unwrap_err() {
            Error::Input {
                field: Field::KeyFile,
                rule,
            } => assert_eq!(rule, tokendesk_core::local_file::NOT_A_KEY_FILE, "{shown}"),
            other => panic!("{shown}: {other:?}"),
        }
        assert!(SecurIdKey::from_file(&path).is_err());
    }
    let neither = SecurIdProfileDraft {
        key_file: None,
        ..draft
    };
    assert!(matches!(
        neither.validate().unwrap_err(),
        Error::Input {
            field: Field::KeyFile,
            ..
        }
    ));
}

/// Editing a SecurID profile without a new key file keeps what the key gave (URL, access
/// ID, customer) and takes the new transport settings; a key, another name or a CENTAGATE
/// profile are refused.
#[test]
fn a_securid_profile_is_revised_without_its_key() {
    let existing = securid_profile(VECTOR_AUD);
    let edit = SecurIdProfileDraft {
        name: existing.name.clone(),
        timeout_secs: Some(45),
        ..Default::default()
    };
    let revised = edit.revise(&existing).unwrap();
    assert_eq!(revised.timeout_secs, 45);
    assert_eq!(revised.ca_file, None);
    assert_eq!(
        (&revised.url, &revised.base_path, &revised.admin),
        (&existing.url, &existing.base_path, &existing.admin)
    );
    assert_eq!(revised.customer_name, existing.customer_name);
    let bad_timeout = SecurIdProfileDraft {
        timeout_secs: Some(0),
        ..edit.clone()
    };
    assert!(matches!(
        bad_timeout.revise(&existing).unwrap_err(),
        Error::Input {
            field: Field::Timeout,
            ..
        }
    ));
    let with_key = SecurIdProfileDraft {
        key_file: Some("/tmp/key.json".into()),
        ..edit.clone()
    };
    assert!(with_key.revise(&existing).is_err());
    let other_name = SecurIdProfileDraft {
        name: "other".into(),
        ..edit.clone()
    };
    assert!(other_name.revise(&existing).is_err());
    let centagate = ProfileDraft {
        name: existing.name.clone(),
        url: "https://mfa.example.com".into(),
        admin: "helpdesk01".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    assert!(matches!(
        edit.revise(&centagate).unwrap_err(),
        Error::Config(ConfigError::Unsupported { .. })
    ));
}

/// `apply` is the one choice between the two: no key file revises an existing SecurID
/// profile and keeps its stored key; no key file and nothing to revise is refused by name.
#[test]
fn a_securid_draft_applies_as_a_revision_or_a_new_profile() {
    let existing = securid_profile(VECTOR_AUD);
    let edit = SecurIdProfileDraft {
        name: existing.name.clone(),
        timeout_secs: Some(45),
        ..Default::default()
    };
    let (revised, key) = edit.apply(Some(&existing)).unwrap();
    assert!(key.is_none(), "the stored key is kept");
    assert_eq!(revised.timeout_secs, 45);
    assert_eq!(revised.admin, existing.admin);
    for nothing_to_revise in [
        None,
        Some(
            &ProfileDraft {
                name: existing.name.clone(),
                url: "https://mfa.example.com".into(),
                admin: "helpdesk01".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        ),
    ] {
        assert!(matches!(
            edit.apply(nothing_to_revise).unwrap_err(),
            Error::Input {
                field: Field::KeyFile,
                ..
            }
        ));
    }
}

/// The profiles file keeps URL, access ID and customer name — never the key — and old
/// CENTAGATE entries still load and save exactly as before.
#[test]
fn profiles_file_keeps_no_key_and_stays_compatible() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::in_dir(dir.path());
    std::fs::write(
        store.path(),
        "[profiles.old]\nurl = \"https://mfa.example.com\"\nadmin = \"helpdesk01\"\n",
    )
    .unwrap();
    let old = store.get("old").unwrap();
    assert_eq!(
        (old.backend, old.customer_name.clone()),
        (Backend::Centagate, None)
    );
    let profile = securid_profile(VECTOR_AUD);
    store.add(&profile).unwrap();
    let text = std::fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("backend = \"securid\""), "{text}");
    assert!(text.contains("customerName = \"Test Tenant\""), "{text}");
    assert!(text.contains(ACCESS_ID));
    for c in key_canaries() {
        assert!(!text.contains(&c), "key material in profiles.toml");
    }
    assert!(!text.contains("PRIVATE"));
    let old_section = text.split("[profiles.old]").nth(1).unwrap();
    assert!(!old_section.contains("customerName"), "{text}");
    let mut saved = store.get("cloud").unwrap();
    assert!(saved.id.is_some(), "given an id");
    saved.id = None;
    assert_eq!(saved, profile);
    assert_eq!(store.get("old").unwrap(), old);
}

// ---------------------------------------------------------------------------- the wire

#[tokio::test]
async fn lookup_posts_the_email_and_reads_the_user() {
    let server = TestServer::start(|_| json(200, ALICE)).await;
    let r = rig(&server);
    let out = r
        .session
        .lookup_user(&LookupUserRequest::email(" alice@corp.example "))
        .await
        .unwrap();
    let req = server.only();
    assert_eq!(req.method, axum::http::Method::POST);
    assert_eq!(req.path, format!("{API_PATH}/users/lookup"));
    assert_eq!(req.json(), json!({"email": "alice@corp.example"}));
    assert_eq!(
        req.header("content-type").as_deref(),
        Some("application/json")
    );
    assert!(req
        .header("authorization")
        .unwrap()
        .starts_with("Bearer ey"));
    let u = out.object;
    assert_eq!((u.id.as_str(), u.name.as_str()), (USER_ID, "Alice Liddell"));
    assert_eq!(u.status.as_deref(), Some("Enabled"));
    assert_eq!((u.sms_on, u.voice_on), (true, false));
    assert_eq!(u.extra.get("lastSync"), Some(&json!("2024-01-01")));
    assert_eq!(out.code, 200);
    assert!(
        out.summary.contains("Alice Liddell") && out.summary.contains("SMS on"),
        "{}",
        out.summary
    );

    r.session
        .lookup_user(&LookupUserRequest::username("alice"))
        .await
        .unwrap();
    assert_eq!(server.received()[1].json(), json!({"username": "alice"}));
}

#[tokio::test]
async fn unlock_patches_the_methods_and_reports_all_three() {
    let server = TestServer::start(|_| {
        json(200, r#"{"userId":"f10d0514-7dd1-4a13-a30e-236d0e65b56a","isTokenLocked":false,"isSmsLocked":false,"isVoiceLocked":true}"#)
    })
    .await;
    let r = rig(&server);
    let req = UnlockMethodsRequest {
        user_id: USER_ID.into(),
        methods: vec![UnlockMethod::Sms, UnlockMethod::Token],
    };
    let out = r.session.unlock_methods(&req).await.unwrap();
    let got = server.only();
    assert_eq!(got.method, axum::http::Method::PATCH);
    assert_eq!(got.path, format!("{API_PATH}/users/{USER_ID}/methods"));
    assert_eq!(got.json(), json!({"unlockMethods": ["TOKEN", "SMS"]}));
    let l = out.object;
    assert_eq!(
        (l.token_locked, l.sms_locked, l.voice_locked),
        (false, false, true)
    );
    assert!(
        out.summary.starts_with("Unlocked token, SMS"),
        "{}",
        out.summary
    );
    assert!(out.summary.contains("voice locked"), "{}", out.summary);
}

/// Every documented error answer of both calls: a `Server` error whose code is the HTTP
/// status, the catalog's words for that operation, the server's message kept.
#[tokio::test]
async fn every_documented_status_is_a_server_error_with_catalog_words() {
    for status in [400u16, 403, 404, 415, 500, 502] {
        let server =
            TestServer::start(move |_| json(status, r#"{"message":"vendor says no"}"#)).await;
        let r = rig(&server);
        let lookup = r.session.lookup_user(&alice()).await.unwrap_err();
        let unlock = r.session.unlock_methods(&unlock_all()).await.unwrap_err();
        for (e, op) in [
            (lookup, Operation::LookupUser),
            (unlock, Operation::UnlockMethods),
        ] {
            match &e {
                Error::Server {
                    code,
                    operation,
                    server_message,
                    catalog,
                } => {
                    assert_eq!((*code, *operation), (i64::from(status), Some(op)));
                    assert_eq!(catalog.backend, Backend::SecurId);
                    assert_eq!(server_message.as_deref(), Some("vendor says no"));
                }
                other => panic!("{status}: {other:?}"),
            }
            let info = e.info();
            let d = tokendesk_core::securid::catalog::describe(i64::from(status), Some(op));
            assert_eq!(
                (info.kind, info.code),
                (ErrorKind::Server, Some(i64::from(status)))
            );
            assert_eq!(
                (info.title.as_str(), info.hint.as_str()),
                (d.title.as_str(), d.hint.as_str())
            );
            assert_explained(&e);
        }
        assert_eq!(server.count(), 2, "{status}: no retries");
    }
    // A few words per status, as an administrator reads them.
    let words = |status: i64, op| tokendesk_core::securid::catalog::describe(status, Some(op));
    assert!(words(403, Operation::LookupUser).hint.contains("clock"));
    assert!(words(404, Operation::LookupUser).title.contains("No user"));
    assert!(words(415, Operation::UnlockMethods)
        .title
        .contains("format"));
    assert!(words(502, Operation::UnlockMethods)
        .title
        .contains("HTTP 502"));
}

#[tokio::test]
async fn an_error_answer_without_a_body_falls_back_to_the_vendor_text() {
    let server = TestServer::start(|_| raw(404, "application/json", "")).await;
    let r = rig(&server);
    let info = r.session.lookup_user(&alice()).await.unwrap_err().info();
    assert_eq!(info.server_message.as_deref(), Some("User is not found."));
}

/// HTTP 500 on an unlock still carries the lock status of every method: the error says the
/// unlock failed, and the statuses are there for the caller to show.
#[tokio::test]
async fn a_500_unlock_reports_the_failure_and_the_statuses() {
    let server = TestServer::start(|_| {
        json(500, r#"{"userId":"f10d0514-7dd1-4a13-a30e-236d0e65b56a","isTokenLocked":true,"isSmsLocked":false,"isVoiceLocked":false}"#)
    })
    .await;
    let r = rig(&server);
    let e = r.session.unlock_methods(&unlock_all()).await.unwrap_err();
    let locks = e.method_locks().expect("statuses kept").clone();
    assert_eq!(
        (locks.token_locked, locks.sms_locked, locks.voice_locked),
        (true, false, false)
    );
    match &e {
        Error::UnlockIncomplete(u) => assert_eq!(u.requested, UnlockMethod::ALL.to_vec()),
        other => panic!("{other:?}"),
    }
    let info = e.info();
    assert_eq!((info.kind, info.code), (ErrorKind::Server, Some(500)));
    assert_eq!(info.title, "The unlock did not complete");
    assert!(
        info.hint
            .starts_with("Now: token locked, SMS unlocked, voice unlocked."),
        "{}",
        info.hint
    );
    assert_eq!(
        info.server_message.as_deref(),
        Some("Internal error occurred when processing the request.")
    );
    assert_eq!(server.count(), 1, "a 500 is not retried");

    // Recorded in the audit log as a failed unlock with its HTTP status.
    let entries = r
        .session
        .recorder()
        .log()
        .entries(&tokendesk_core::audit::AuditFilter::default())
        .unwrap();
    let entry = entries.last().unwrap();
    assert_eq!(
        (entry.operation.as_str(), entry.outcome),
        ("unlockMethods", tokendesk_core::audit::AuditOutcome::Failed)
    );
    assert_eq!(entry.error.as_ref().and_then(|i| i.code), Some(500));
    assert_eq!(
        entry.details.get("methods").map(String::as_str),
        Some("TOKEN,SMS,VOICE")
    );
}

#[tokio::test]
async fn a_500_without_statuses_is_a_plain_server_error() {
    let server = TestServer::start(|_| raw(500, "text/html", "<h1>oops</h1>")).await;
    let r = rig(&server);
    let e = r.session.unlock_methods(&unlock_all()).await.unwrap_err();
    assert!(matches!(e, Error::Server { code: 500, .. }), "{e:?}");
    assert!(e.method_locks().is_none());
}

#[tokio::test]
async fn an_answer_that_is_not_the_api_is_a_transport_failure() {
    for body in [
        "<html>Sign in</html>",
        "",
        "[1]",
        r#"{"emailAddress":"no id"}"#,
    ] {
        let b = body.to_owned();
        let server = TestServer::start(move |_| raw(200, "text/html", b.clone())).await;
        let r = rig(&server);
        let e = r.session.lookup_user(&alice()).await.unwrap_err();
        assert!(
            matches!(e, Error::Transport(TransportError::UnexpectedAnswer { .. })),
            "{body}: {e:?}"
        );
        assert_explained(&e);
        assert!(e.info().hint.contains("adminRestApiUrl"));
    }
}

#[tokio::test]
async fn the_connection_test_accepts_200_and_404_and_reports_403() {
    let server = TestServer::start(|_| json(404, "{}")).await;
    let check = rig(&server).session.test_connection().await.unwrap();
    assert_eq!(check.code, 404);
    assert!(check.summary.contains(ACCESS_ID));
    assert_eq!(
        server.only().json(),
        json!({"email": tokendesk_core::securid::client::PROBE_EMAIL})
    );
    let server = TestServer::start(|_| json(403, "{}")).await;
    let e = rig(&server).session.test_connection().await.unwrap_err();
    assert!(matches!(e, Error::Server { code: 403, .. }));
}

// ------------------------------------------------------------------------------ 429

fn flaky(
    limited: usize,
    limited_answer: fn() -> Response,
    ok: &'static str,
) -> impl Fn(&Received) -> Response + Send + Sync + 'static {
    let n = Arc::new(AtomicUsize::new(0));
    move |_| {
        if n.fetch_add(1, Ordering::SeqCst) < limited {
            limited_answer()
        } else {
            json(200, ok)
        }
    }
}

#[tokio::test]
async fn rate_limits_are_retried_with_doubling_waits_and_the_caller_is_told() {
    let server = TestServer::start(flaky(2, too_many, ALICE)).await;
    let r = rig(&server);
    let out = r.session.lookup_user(&alice()).await.unwrap();
    assert_eq!(out.object.id, USER_ID);
    assert_eq!(server.count(), 3);
    assert_eq!(
        r.sleeper.waits(),
        [Duration::from_secs(1), Duration::from_secs(2)]
    );
    let notices = r.notices.lock().unwrap().clone();
    assert_eq!(notices.len(), 2);
    assert_eq!(
        notices[0].message,
        "rate limited by the server, retrying in 1 s (attempt 2 of 4)"
    );
    assert_eq!(
        (
            notices[1].attempt,
            notices[1].wait_ms,
            notices[1].from_retry_after
        ),
        (2, 2000, false)
    );
    assert_eq!(notices[1].operation, Operation::LookupUser);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = TestServer::start(flaky(1, || with_retry_after(429, "7", "{}"), UNLOCKED)).await;
    let r = rig(&server);
    r.session.unlock_methods(&unlock_all()).await.unwrap();
    assert_eq!(server.count(), 2);
    assert_eq!(r.sleeper.waits(), [Duration::from_secs(7)]);
    assert!(r.notices.lock().unwrap()[0].from_retry_after);
    // Both attempts are the same request.
    let got = server.received();
    assert_eq!(got[0].json(), got[1].json());
}

#[tokio::test]
async fn retries_stop_after_four_attempts_with_the_429_error() {
    let server = TestServer::start(|_| too_many()).await;
    let r = rig(&server);
    let e = r.session.unlock_methods(&unlock_all()).await.unwrap_err();
    assert_eq!(server.count(), 4);
    assert_eq!(r.sleeper.waits(), [1, 2, 4].map(Duration::from_secs));
    assert!(matches!(e, Error::Server { code: 429, .. }), "{e:?}");
    assert!(e.info().hint.contains("Wait a minute"));
}

#[tokio::test]
async fn a_retry_after_longer_than_a_minute_is_not_waited_for() {
    let server = TestServer::start(|_| with_retry_after(429, "3600", "{}")).await;
    let r = rig(&server);
    let e = r.session.lookup_user(&alice()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert!(r.sleeper.waits().is_empty());
    assert!(matches!(e, Error::Server { code: 429, .. }));
}

#[tokio::test]
async fn calls_that_are_not_safe_to_repeat_are_never_retried() {
    let server = TestServer::start(|_| too_many()).await;
    let url = api_url(&server);
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = Client::new(
        &securid_profile(&url).endpoint(),
        &key_for(&url),
        Arc::new(SystemClock),
        RetryPolicy {
            sleeper: sleeper.clone(),
            ..RetryPolicy::default()
        },
    )
    .unwrap();
    let answer = client
        .send(&ApiCall {
            repeat: Repeat::Never,
            ..ApiCall::v1(
                Operation::UnlockMethods,
                reqwest::Method::PATCH,
                &["users", USER_ID, "sidTokens", "assign"],
                json!({"tokenSerialNumber": "000123456789"}),
            )
        })
        .await
        .unwrap();
    assert_eq!(answer.status, 429);
    assert_eq!(server.count(), 1);
    assert!(sleeper.waits().is_empty());
}

// ------------------------------------------------------------------ one path, right backend

#[tokio::test]
async fn each_backend_refuses_the_others_operations_before_sending() {
    let server = TestServer::start(|_| json(200, ALICE)).await;
    let r = rig(&server);
    let e = r
        .session
        .unlock_token(&UserRequest {
            username: "alice".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::Unsupported { .. })),
        "{e:?}"
    );
    assert_eq!(e.info().title, "SecurID Cloud cannot unlock");
    let centagate = session(profile(&server.url(), "helpdesk01"));
    let e = centagate.lookup_user(&alice()).await.unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::Unsupported { .. })),
        "{e:?}"
    );
    assert_eq!(e.info().title, "CENTAGATE cannot look up a user");
    let e = centagate.unlock_methods(&unlock_all()).await.unwrap_err();
    assert!(e.to_string().contains("cannot unlock tokencodes"), "{e}");
    assert_eq!(server.count(), 0);
}

/// Input is checked before the key is looked for: a session with no key given and no
/// store reachable still reports the bad email, and sends nothing.
#[tokio::test]
async fn input_is_checked_before_credentials_are_read() {
    assert!(std::env::var_os(tokendesk_core::securid::ENV_KEY_FILE).is_none());
    let server = TestServer::start(|_| json(200, ALICE)).await;
    let s = Session::new(securid_profile(&api_url(&server)), recorder());
    let field = |e: Error| match e {
        Error::Input { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(
            s.lookup_user(&LookupUserRequest::email("not-an-email"))
                .await
                .unwrap_err()
        ),
        Field::Email
    );
    assert_eq!(
        field(
            s.lookup_user(&LookupUserRequest::username(" "))
                .await
                .unwrap_err()
        ),
        Field::Username
    );
    let no_methods = UnlockMethodsRequest {
        user_id: USER_ID.into(),
        methods: vec![],
    };
    assert_eq!(
        field(s.unlock_methods(&no_methods).await.unwrap_err()),
        Field::Methods
    );
    let bad_id = UnlockMethodsRequest {
        user_id: "../admin".into(),
        methods: vec![UnlockMethod::Sms],
    };
    assert_eq!(
        field(s.unlock_methods(&bad_id).await.unwrap_err()),
        Field::UserId
    );
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_key_of_another_tenant_or_access_id_is_refused() {
    let server = TestServer::start(|_| json(200, ALICE)).await;
    let url = api_url(&server);
    let other = SecurIdKey::from_json(&key_file(
        "https://other.access.securid.com/AdminInterface/restapi/v1",
        &pem(),
    ))
    .unwrap();
    let e = Session::with_secret(
        securid_profile(&url),
        ProfileSecret::SecurId(other),
        recorder(),
    )
    .lookup_user(&alice())
    .await
    .unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::KeyMismatch { .. })),
        "{e:?}"
    );
    assert_eq!(server.count(), 0);
}

/// One session's calls share one backoff: after a 429 asked for a wait, the next call waits
/// out what is left of it before sending (a bulk job's workers slow down together).
#[tokio::test]
async fn a_429_pauses_every_call_of_the_session() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let h = hits.clone();
    let server = TestServer::start(move |_| {
        if h.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            with_retry_after(429, "30", r#"{"message":"slow down"}"#)
        } else {
            json(200, ALICE)
        }
    })
    .await;
    let r = rig(&server);
    r.session.lookup_user(&alice()).await.unwrap();
    assert_eq!(r.sleeper.waits(), [Duration::from_secs(30)]);
    // The recording sleeper does not sleep: the pause is still running for the next call.
    r.session.lookup_user(&alice()).await.unwrap();
    let waits = r.sleeper.waits();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(
        waits[1] > Duration::from_secs(29) && waits[1] <= Duration::from_secs(30),
        "{waits:?}"
    );
    assert_eq!(server.count(), 3);
}
