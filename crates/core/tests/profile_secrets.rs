//! A profile's secret against the REAL Secret Service (scripts/with-secret-service.sh): bound
//! to the origin and admin it was given for, filed under the profile's random id, saved as one
//! unit with the profile.

mod common;

use common::*;
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::credentials::{self, Environment, SecretStore};
use tokendesk_core::profile::Profile;
use tokendesk_core::profile_changes::{self, ProfileEdit};
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::vocab::Field;
use tokendesk_core::{ConfigError, Error, Secret};

fn draft(name: &str, url: &str) -> Profile {
    ProfileDraft {
        name: name.into(),
        url: url.into(),
        admin: "helpdesk01".into(),
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn creds(tag: &str) -> ProfileSecret {
    ProfileSecret::Centagate(
        CentagateCredentials::new(
            Secret::new(format!("auth-{tag}")),
            Secret::new(format!("code-{tag}")),
        )
        .unwrap(),
    )
}

fn auth_of(profile: &Profile) -> Result<String, Error> {
    match credentials::resolve(profile, 0, Environment::Ignore)?.secret {
        ProfileSecret::Centagate(c) => Ok(c.auth_token.expose().to_owned()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_stored_secret_signs_only_for_the_origin_and_admin_it_was_given_for() {
    if !store_available("a_stored_secret_signs_only_for_the_origin_and_admin") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::in_dir(dir.path());
    let name = unique("bound");
    let saved = profile_changes::save(
        &store,
        &recorder(),
        draft(&name, "https://mfa.example.com"),
        Some(creds("a")),
        false,
    )
    .await
    .unwrap();
    assert_eq!(auth_of(&store.get(&name).unwrap()).unwrap(), "auth-a");

    // profiles.toml edited by hand: another origin, then another admin.
    let text = std::fs::read_to_string(store.path()).unwrap();
    for edited in [
        text.replace("https://mfa.example.com", "https://mfa.examp1e.com"),
        text.replace("https://mfa.example.com", "https://mfa.example.com:8443"),
        text.replace("admin = \"helpdesk01\"", "admin = \"helpdesk02\""),
    ] {
        std::fs::write(store.path(), &edited).unwrap();
        let e = auth_of(&store.get(&name).unwrap()).unwrap_err();
        match &e {
            Error::Config(ConfigError::SecretForOtherServer {
                given_for, now_for, ..
            }) => {
                assert_eq!(given_for, "helpdesk01 at https://mfa.example.com");
                assert_ne!(now_for, given_for);
            }
            other => panic!("{other:?}"),
        }
        assert!(!format!("{e:?}{}", e.info().hint).contains("auth-a"));
    }
    std::fs::write(store.path(), &text).unwrap();
    assert_eq!(auth_of(&store.get(&name).unwrap()).unwrap(), "auth-a");

    // An edit of the URL without the secret is refused, and changes nothing.
    let plan = profile_changes::plan_edit(
        &store,
        &name,
        &ProfileEdit {
            url: Some("https://other.example.com".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(plan.secret_again, Some(Field::Url));
    let e = profile_changes::save(&store, &recorder(), plan.profile.clone(), None, true)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Input {
                field: Field::AuthToken,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(std::fs::read_to_string(store.path()).unwrap(), text);
    // A timeout needs none.
    let plan = profile_changes::plan_edit(
        &store,
        &name,
        &ProfileEdit {
            timeout_secs: Some(9),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(plan.secret_again, None);
    profile_changes::save(&store, &recorder(), plan.profile, None, true)
        .await
        .unwrap();
    assert_eq!(store.get(&name).unwrap().id, saved.profile.id, "same id");
    profile_changes::remove(&store, &recorder(), &name)
        .await
        .unwrap();
    assert!(store.pending().unwrap().is_empty());
}

/// The admin, base path or CA file edited — like the URL — needs the secret again: refused
/// without it, naming what changed, with nothing written; saved with it as one unit (a new
/// id, the new secret, the old entry gone).
#[tokio::test]
async fn every_bound_setting_edited_needs_the_secret_again_and_is_saved_with_it() {
    if !store_available("every_bound_setting_edited_needs_the_secret_again") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::in_dir(dir.path());
    let name = unique("again");
    profile_changes::save(
        &store,
        &recorder(),
        draft(&name, "https://mfa.example.com"),
        Some(creds("a")),
        false,
    )
    .await
    .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let ca = rcgen::CertificateParams::new(vec!["ca.test".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, ca.pem()).unwrap();
    let edits = [
        (
            Field::AdminUsername,
            ProfileEdit {
                admin: Some("helpdesk02".into()),
                ..Default::default()
            },
            "the admin username changed",
        ),
        (
            Field::BasePath,
            ProfileEdit {
                base_path: Some("/v2/CentagateWS/webresources".into()),
                ..Default::default()
            },
            "the base path changed",
        ),
        (
            Field::CaFile,
            ProfileEdit {
                ca_file: Some(ca_path.display().to_string()),
                ..Default::default()
            },
            "the CA certificate file changed",
        ),
    ];
    for (i, (field, edit, words)) in edits.into_iter().enumerate() {
        let before = std::fs::read_to_string(store.path()).unwrap();
        let old = store.get(&name).unwrap();
        let plan = profile_changes::plan_edit(&store, &name, &edit)
            .await
            .unwrap();
        assert_eq!(plan.secret_again, Some(field));
        match profile_changes::save(&store, &recorder(), plan.profile.clone(), None, true).await {
            Err(Error::Input {
                field: Field::AuthToken,
                rule,
            }) => assert!(rule.contains(words), "{rule}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(store.path()).unwrap(), before);
        let tag = format!("b{i}");
        let saved =
            profile_changes::save(&store, &recorder(), plan.profile, Some(creds(&tag)), true)
                .await
                .unwrap();
        assert_ne!(saved.profile.id, old.id, "a new secret, a new id");
        assert_eq!(
            auth_of(&store.get(&name).unwrap()).unwrap(),
            format!("auth-{tag}")
        );
        let old_id = old.id.expect("an id");
        assert!(!SecretStore::open().unwrap().has_id(&old_id).unwrap());
    }
    profile_changes::remove(&store, &recorder(), &name)
        .await
        .unwrap();
}

#[tokio::test]
async fn two_config_folders_with_one_profile_name_keep_their_own_secrets() {
    if !store_available("two_config_folders_with_one_profile_name_keep_their_own_secrets") {
        return;
    }
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (
        ProfileStore::in_dir(da.path()),
        ProfileStore::in_dir(db.path()),
    );
    let name = unique("twin");
    for (store, tag) in [(&a, "a"), (&b, "b")] {
        profile_changes::save(
            store,
            &recorder(),
            draft(&name, "https://mfa.example.com"),
            Some(creds(tag)),
            false,
        )
        .await
        .unwrap();
    }
    assert_eq!(auth_of(&a.get(&name).unwrap()).unwrap(), "auth-a");
    assert_eq!(auth_of(&b.get(&name).unwrap()).unwrap(), "auth-b");
    profile_changes::remove(&a, &recorder(), &name)
        .await
        .unwrap();
    assert_eq!(auth_of(&b.get(&name).unwrap()).unwrap(), "auth-b");
    profile_changes::remove(&b, &recorder(), &name)
        .await
        .unwrap();
}

/// Replacing the secret files it under a new id; the old entry goes only after the profile
/// names the new one. Nothing is left named in flight.
#[tokio::test]
async fn replacing_a_secret_moves_it_to_a_new_id_and_deletes_the_old() {
    if !store_available("replacing_a_secret_moves_it_to_a_new_id") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::in_dir(dir.path());
    let name = unique("replaced");
    let first = profile_changes::save(
        &store,
        &recorder(),
        draft(&name, "https://mfa.example.com"),
        Some(creds("old")),
        false,
    )
    .await
    .unwrap()
    .profile;
    let second = profile_changes::save(
        &store,
        &recorder(),
        draft(&name, "https://mfa.example.com"),
        Some(creds("new")),
        true,
    )
    .await
    .unwrap()
    .profile;
    assert_ne!(first.id, second.id);
    let secrets = SecretStore::open().unwrap();
    assert!(!secrets.has_id(first.id.as_deref().unwrap()).unwrap());
    assert_eq!(auth_of(&store.get(&name).unwrap()).unwrap(), "auth-new");
    assert!(store.pending().unwrap().is_empty());
    assert!(profile_changes::orphans(&store).unwrap().is_empty());
    profile_changes::remove(&store, &recorder(), &name)
        .await
        .unwrap();
    assert!(!secrets.has_id(second.id.as_deref().unwrap()).unwrap());
}
