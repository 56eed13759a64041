//! A signed-in CENTAGATE session in the REAL credential store (scripts/with-secret-service.sh
//! sets TOKENDESK_TEST_SECRET_SERVICE=1; elsewhere these tests print a note and return): the
//! sign-in keeps it with its end, admin calls sign with it until then, an ended one is refused
//! before anything is sent, a 10001 answer ends it, and sign-out deletes it even when the
//! server cannot be told. The store holds the session and the app Secret Key, never the
//! password or the code.

mod common;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use common::*;
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::centagate::session::{AppSecretKey, FactorName};
use tokendesk_core::clock::Clock;
use tokendesk_core::credentials::SecretStore;
use tokendesk_core::ops::{Session, UserRequest};
use tokendesk_core::profile::Profile;
use tokendesk_core::sign_in::{session_status, SessionStatus, SignIn, SignInState};
use tokendesk_core::{ConfigError, Error, ErrorKind, Secret};

const ADMIN: &str = "helpdesk01";
const PASSWORD: &str = "CANARY-PASSWORD-91f2";
const OTP: &str = "402918";
const APP_SECRET_KEY: &str = "CANARY-APPKEY-77aa";
const FIRST_TOKEN: &str = "CANARY-FIRST-STEP-3c1e";
const T0: u64 = 1_900_000_000;

/// A clock the test moves.
#[derive(Debug)]
struct TestClock(AtomicU64);
impl Clock for TestClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A server that signs in with a second factor (OTP, 60 s sessions; the session is the
/// canary auth token and secret code), and answers admin calls with success — or 10001 once
/// `refuse` is set.
async fn server(refuse: Arc<AtomicBool>) -> TestServer {
    TestServer::start(move |r| {
        let body = |object: String| {
            json(
                200,
                &format!(r#"{{"code":"0","message":"Success","object":{object}}}"#),
            )
        };
        if r.path.ends_with("/auth/authBasic") {
            body(format!(
                r#""{{\"authToken\":\"{FIRST_TOKEN}\",\"secretCode\":\"\",\"authMethods\":\"PASS,OTP\",\"multiStepAuth\":\"true\"}}""#
            ))
        } else if r.path.ends_with("/auth/authOtp") {
            body(format!(
                r#"{{"authToken":"{AUTH_TOKEN}","secretCode":"{SECRET_CODE}","sessionTimeout":"60000"}}"#
            ))
        } else if r.path.ends_with("/auth/logout") {
            body("\"\"".into())
        } else if refuse.load(Ordering::SeqCst) {
            json(
                200,
                r#"{"code":"10001","message":"Permission not allowed","object":null}"#,
            )
        } else {
            success()
        }
    })
    .await
}

fn signing_in_profile(url: &str, name: &str) -> Profile {
    let mut d = draft(url, ADMIN);
    d.name = name.into();
    d.integration_key = Some("IK-test".into());
    d.validate().unwrap()
}

/// Signs `profile` in at the clock's time with the password and the OTP code.
async fn sign_in(profile: &Profile, clock: Arc<TestClock>) {
    let key = AppSecretKey::new(Secret::new(APP_SECRET_KEY)).unwrap();
    let s = SignIn::with_app_key(profile.clone(), key, recorder(), clock).unwrap();
    let SignInState::SecondFactor(pending) = s.password(&Secret::new(PASSWORD)).await.unwrap()
    else {
        panic!("the server asked for a second factor")
    };
    assert_eq!(pending.offered(), [FactorName::Otp]);
    let signed = s
        .code(&pending, FactorName::Otp, &Secret::new(OTP))
        .await
        .unwrap();
    assert_eq!(signed.expires_at_unix, T0 + 60);
    assert_eq!(signed.second_factor, Some(FactorName::Otp));
}

/// Every TokenDesk entry in the store, as libsecret's own tool prints it (secrets included).
fn store_dump() -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", "tokendesk"])
        .output()
        .expect("secret-tool runs (package libsecret-tools)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn cen_token_sent(r: &Received, token: &str) -> bool {
    r.path.contains(token) || String::from_utf8_lossy(&r.body).contains(token)
}

#[tokio::test]
async fn a_kept_session_signs_admin_calls_until_its_end_then_is_refused_locally() {
    if !store_available("a_kept_session_signs_admin_calls_until_its_end") {
        return;
    }
    let server = server(Arc::new(AtomicBool::new(false))).await;
    let profile = signing_in_profile(&server.url(), &unique("signin-store"));
    let clock = Arc::new(TestClock(AtomicU64::new(T0)));
    let store = SecretStore::open().unwrap();

    // Not signed in: refused before anything is sent.
    let session = Session::new(profile.clone(), recorder()).with_clock(clock.clone());
    let user = UserRequest {
        username: "alice".into(),
    };
    let e = session.unlock_token(&user).await.unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::NotSignedIn { .. })),
        "{e:?}"
    );
    assert_eq!(server.count(), 0);
    assert_eq!(
        session_status(&profile, T0).unwrap(),
        Some(SessionStatus::SignedOut)
    );

    sign_in(&profile, clock.clone()).await;
    let dump = store_dump();
    assert!(
        dump.contains(&format!("session:{}", profile.name)),
        "{dump}"
    );
    assert!(dump.contains(AUTH_TOKEN) && dump.contains(SECRET_CODE));
    for never in [PASSWORD, OTP, FIRST_TOKEN] {
        assert!(!dump.contains(never), "the store holds {never}");
    }
    assert!(matches!(
        session_status(&profile, T0 + 59).unwrap(),
        Some(SessionStatus::SignedIn { expires_at_unix, .. }) if expires_at_unix == T0 + 60
    ));

    // Signed in: a fresh session signs with the kept one.
    let session = Session::new(profile.clone(), recorder()).with_clock(clock.clone());
    session.unlock_token(&user).await.unwrap();
    let sent = server.received();
    let admin_call = sent.last().unwrap();
    assert!(cen_token_sent(admin_call, &expected_cen_token(ADMIN)));

    // Past its end: refused locally, by the same session object too, nothing sent.
    clock.0.store(T0 + 60, Ordering::SeqCst);
    let before = server.count();
    let e = session.unlock_token(&user).await.unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::SessionExpired { .. })),
        "{e:?}"
    );
    assert_eq!(e.kind(), ErrorKind::Config);
    let fresh = Session::new(profile.clone(), recorder()).with_clock(clock.clone());
    assert!(matches!(
        fresh.unlock_token(&user).await.unwrap_err(),
        Error::Config(ConfigError::SessionExpired { .. })
    ));
    assert_eq!(server.count(), before, "nothing was sent");
    assert!(matches!(
        session_status(&profile, T0 + 60).unwrap(),
        Some(SessionStatus::Expired { .. })
    ));
    store.delete_session(&profile).unwrap();
}

#[tokio::test]
async fn a_10001_answer_ends_the_kept_session() {
    if !store_available("a_10001_answer_ends_the_kept_session") {
        return;
    }
    let refuse = Arc::new(AtomicBool::new(false));
    let server = server(refuse.clone()).await;
    let profile = signing_in_profile(&server.url(), &unique("signin-10001"));
    let clock = Arc::new(TestClock(AtomicU64::new(T0)));
    sign_in(&profile, clock.clone()).await;

    refuse.store(true, Ordering::SeqCst);
    let session = Session::new(profile.clone(), recorder()).with_clock(clock.clone());
    let user = UserRequest {
        username: "alice".into(),
    };
    let e = session.unlock_token(&user).await.unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::SessionEnded { .. })),
        "{e:?}"
    );
    assert_eq!(e.info().code, Some(10001));
    assert!(e.info().hint.contains("Sign in"), "{:?}", e.info());
    let store = SecretStore::open().unwrap();
    assert!(store.load_session(&profile).unwrap().is_none());

    // The same session object and a new one both refuse now, sending nothing.
    let before = server.count();
    assert!(matches!(
        session.unlock_token(&user).await.unwrap_err(),
        Error::Config(ConfigError::NotSignedIn { .. })
    ));
    assert!(matches!(
        Session::new(profile.clone(), recorder())
            .with_clock(clock)
            .unlock_token(&user)
            .await
            .unwrap_err(),
        Error::Config(ConfigError::NotSignedIn { .. })
    ));
    assert_eq!(server.count(), before);
}

#[tokio::test]
async fn sign_out_deletes_the_session_even_when_the_server_cannot_be_told() {
    if !store_available("sign_out_deletes_the_session") {
        return;
    }
    let server = server(Arc::new(AtomicBool::new(false))).await;
    let name = unique("signin-out");
    let profile = signing_in_profile(&server.url(), &name);
    let clock = Arc::new(TestClock(AtomicU64::new(T0)));
    let key = || AppSecretKey::new(Secret::new(APP_SECRET_KEY)).unwrap();

    // Reachable: logout is sent with the session's token, the session deleted.
    sign_in(&profile, clock.clone()).await;
    let s = SignIn::with_app_key(profile.clone(), key(), recorder(), clock.clone()).unwrap();
    let out = s.sign_out().await.unwrap();
    assert!(out.was_signed_in);
    let logout = server.received().pop().unwrap();
    assert!(logout.path.ends_with("/auth/logout"));
    assert_eq!(logout.json()["authToken"], AUTH_TOKEN);
    let store = SecretStore::open().unwrap();
    assert!(store.load_session(&profile).unwrap().is_none());
    assert!(!s.sign_out().await.unwrap().was_signed_in);

    // Unreachable: still deleted; a transport-kind error says the server's session lives on.
    sign_in(&profile, clock.clone()).await;
    let mut gone = profile.clone();
    gone.url = format!("http://127.0.0.1:{}", closed_port());
    // A kept session is bound to the server it was made on: moved to `gone` as if made there.
    let kept = store.load_session(&profile).unwrap().unwrap();
    store.delete_session(&profile).unwrap();
    store.save_session(&gone, &kept).unwrap();
    let s = SignIn::with_app_key(gone.clone(), key(), recorder(), clock).unwrap();
    let e = s.sign_out().await.unwrap_err();
    assert!(matches!(e, Error::SignedOutLocally { .. }), "{e:?}");
    assert_eq!(e.kind(), ErrorKind::Transport);
    assert!(e.info().hint.contains("lives on until"), "{:?}", e.info());
    assert!(store.load_session(&gone).unwrap().is_none());
}

/// The app Secret Key is what a signing-in profile stores under its own entry.
#[tokio::test]
async fn a_signing_in_profile_stores_its_app_secret_key() {
    if !store_available("a_signing_in_profile_stores_its_app_secret_key") {
        return;
    }
    let profile = signing_in_profile("https://mfa.example.com", &unique("signin-key"));
    let store = SecretStore::open().unwrap();
    let key = AppSecretKey::new(Secret::new(APP_SECRET_KEY)).unwrap();
    store
        .save(&profile, &ProfileSecret::CentagateApp(key.clone()))
        .unwrap();
    let ProfileSecret::CentagateApp(back) = store.load(&profile).unwrap() else {
        panic!("a signing-in profile's entry is its app Secret Key")
    };
    assert_eq!(back, key);
    // Read as a direct-mode profile, the entry is not credentials: a store error, no key in it.
    let mut direct = profile.clone();
    direct.integration_key = None;
    let e = store.load(&direct).unwrap_err();
    assert!(!format!("{e:?}{}", e.info().hint).contains(APP_SECRET_KEY));
    store.delete(&profile).unwrap();
}
