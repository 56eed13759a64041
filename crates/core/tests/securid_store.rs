//! A SecurID API key in the REAL credential store (scripts/with-secret-service.sh sets
//! TOKENDESK_TEST_SECRET_SERVICE=1; elsewhere the store tests print a note and return), and
//! the TOKENDESK_SECURID_KEY_FILE override. Its own test binary: it sets the environment.

mod common;

use std::process::Command;

use common::securid::*;
use common::*;
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::credentials::{self, SecretStore};
use tokendesk_core::ops::Session;
use tokendesk_core::securid::users::LookupUserRequest;
use tokendesk_core::securid::ENV_KEY_FILE;
use tokendesk_core::{ConfigError, Error};

/// Held by the tests that read or set the environment.
static ENV: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The whole key file is stored under the profile's usual entry; a session without a key
/// given finds it there, signs with it, and the profile file holds none of it.
#[tokio::test]
async fn the_key_is_stored_found_and_used() {
    if !store_available("the_key_is_stored_found_and_used") {
        return;
    }
    let server = TestServer::start(|_| json(200, ALICE)).await;
    let url = api_url(&server);
    let mut profile = securid_profile(&url);
    profile.name = unique("securid-store");
    let store = SecretStore::open().unwrap();
    store
        .save(&profile, &ProfileSecret::SecurId(key_for(&url)))
        .unwrap();
    assert!(store.has(&profile).unwrap());

    // Independently of our code: libsecret's secret-tool finds the entry, and it is the
    // key file (JSON with the PEM inside).
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "tokendesk", "username"])
        .arg(format!("profile:{}", profile.name))
        .output()
        .expect("secret-tool runs (package libsecret-tools)");
    let wrapped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&wrapped["origin"], &wrapped["admin"]),
        (
            &serde_json::json!(profile.url),
            &serde_json::json!(ACCESS_ID)
        ),
        "bound to the server and access ID"
    );
    let stored: serde_json::Value =
        serde_json::from_str(wrapped["entry"].as_str().unwrap()).unwrap();
    assert_eq!(stored["accessID"], ACCESS_ID);
    assert!(stored["accessKey"]
        .as_str()
        .unwrap()
        .contains(&key_canaries()[0]));

    let ProfileSecret::SecurId(loaded) = store.load(&profile).unwrap() else {
        panic!("a SecurID profile's secret is its key")
    };
    let _env = ENV.lock().await;
    assert_eq!(
        (loaded.access_id(), loaded.api_url()),
        (ACCESS_ID, url.as_str())
    );
    let out = Session::new(profile.clone(), common::recorder())
        .lookup_user(&LookupUserRequest::email("alice@corp.example"))
        .await
        .unwrap();
    assert_eq!(out.object.id, USER_ID);
    assert!(store.delete(&profile).unwrap());
    match store.load(&profile).unwrap_err() {
        Error::Config(ConfigError::SecretMissing { profile: p, secret }) => {
            assert_eq!(
                (p.as_str(), secret.word),
                (profile.name.as_str(), "API key")
            )
        }
        other => panic!("{other:?}"),
    }
}

/// A CENTAGATE entry is not a SecurID key: a clear store error, no credential in it.
#[test]
fn a_centagate_entry_read_as_a_key_is_a_store_error() {
    if !store_available("a_centagate_entry_read_as_a_key_is_a_store_error") {
        return;
    }
    let name = unique("securid-wrong-kind");
    let store = SecretStore::open().unwrap();
    let mut profile =
        securid_profile("https://tenant.access.securid.com/AdminInterface/restapi/v1");
    profile.name = name.clone();
    store
        .save(&profile, &ProfileSecret::Centagate(credentials()))
        .unwrap();
    let e = store.load(&profile).unwrap_err();
    assert!(
        matches!(e, Error::Config(ConfigError::StoreFailed { .. })),
        "{e:?}"
    );
    assert_no_secrets(&e, "no-cen-token-here");
    store.delete(&profile).unwrap();
}

/// TOKENDESK_SECURID_KEY_FILE names a key file that is used instead of the store (no store
/// needed), and it must be the profile's key.
#[test]
fn the_key_file_in_the_environment_overrides_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = "https://tenant.access.securid.com/AdminInterface/restapi/v1";
    let path = dir.path().join("key.json");
    std::fs::write(&path, key_file(url, &pem())).unwrap();
    let profile = securid_profile(url);
    let _env = ENV.blocking_lock();
    std::env::set_var(ENV_KEY_FILE, &path);
    let Ok(ProfileSecret::SecurId(key)) =
        credentials::resolve(&profile, 0, credentials::Environment::Use).map(|r| r.secret)
    else {
        panic!("the key file's key")
    };
    assert_eq!(key.access_id(), ACCESS_ID);
    let other = securid_profile("https://other.access.securid.com/AdminInterface/restapi/v1");
    assert!(matches!(
        credentials::resolve(&other, 0, credentials::Environment::Use).unwrap_err(),
        Error::Config(ConfigError::KeyMismatch { .. })
    ));
    // A surface that ignores the environment (the app) never takes it, for any profile.
    assert!(!matches!(
        credentials::resolve(&profile, 0, credentials::Environment::Ignore),
        Ok(r) if matches!(&r.secret, ProfileSecret::SecurId(k) if k.access_id() == ACCESS_ID)
    ));
    std::env::set_var(ENV_KEY_FILE, dir.path().join("missing.json"));
    let e = credentials::resolve(&profile, 0, credentials::Environment::Use).unwrap_err();
    // A typed path: the same words whatever is wrong with it.
    assert!(
        e.to_string()
            .contains(tokendesk_core::local_file::NOT_A_KEY_FILE),
        "{e}"
    );
    std::env::remove_var(ENV_KEY_FILE);
}
