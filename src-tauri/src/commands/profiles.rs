//! Server profiles: list, add or edit (secrets are write-only), remove, test. A CENTAGATE
//! profile is saved with its auth token and secret code, a SecurID Cloud one from its API key
//! file, which the backend reads (the webview only ever holds its path).

use tauri::State;
use tauri_plugin_dialog::DialogExt;
use tokendesk_core::backend::{ConnectionCheck, ProfileSecret};
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::centagate::session::AppSecretKey;
use tokendesk_core::credentials::SecretStore;
use tokendesk_core::profile::Profile;
use tokendesk_core::profile_changes::{self, SecretRemoval};
use tokendesk_core::profiles::ProfileSummary;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::vocab::Field;
use tokendesk_core::{ConfigError, Error, Secret};

use super::blocking;
use crate::state::{
    is_practice_name, AppState, PRACTICE_PROFILE, PRACTICE_SECURID_PROFILE,
    PRACTICE_SIGN_IN_PROFILE,
};

fn summary(profile: Profile, credentials_stored: bool, practice: bool) -> ProfileSummary {
    ProfileSummary {
        name: profile.name.clone(),
        profile,
        credentials_stored,
        practice,
    }
}

/// Every profile, the practice one first while practice mode runs.
#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<Vec<ProfileSummary>, Error> {
    let profiles = state.store()?.load()?;
    let listed: Vec<Profile> = profiles.values().cloned().collect();
    // A missing store is not an error for listing: every profile then shows "not stored".
    let stored = blocking(move || {
        Ok(match SecretStore::open() {
            Ok(store) => listed
                .iter()
                .map(|p| store.has(p).unwrap_or(false))
                .collect(),
            Err(_) => vec![false; listed.len()],
        })
    })
    .await?;
    let mut out = Vec::new();
    if let Some(p) = state.practice().await.as_ref() {
        out.push(summary(p.session.profile().clone(), true, true));
        out.push(summary(p.securid.profile().clone(), true, true));
        out.push(summary(p.sign_in_profile.clone(), true, true));
    }
    out.extend(
        profiles
            .into_values()
            .zip(stored)
            .map(|(p, s)| summary(p, s, false)),
    );
    Ok(out)
}

/// Adds a profile (`replace` false) or edits one (`replace` true). A profile with an
/// Integration Key signs in: its secret is the sign-in app's Secret Key (`app_secret_key`);
/// any other is given its auth token and secret code (`secrets`). Secrets, when given, are
/// stored in the OS credential store; on edit, none given keeps the stored ones.
#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    draft: ProfileDraft,
    secrets: Option<CentagateCredentials>,
    app_secret_key: Option<Secret>,
    replace: bool,
) -> Result<ProfileSummary, Error> {
    let profile = draft.validate()?;
    refuse_practice_name(&profile.name)?;
    let secret = if profile.signs_in() {
        match app_secret_key {
            Some(k) => Some(ProfileSecret::CentagateApp(AppSecretKey::new(k)?)),
            None if !replace => return Err(Error::input(Field::AppSecretKey, "must not be empty")),
            None => None,
        }
    } else {
        match secrets {
            Some(s) => Some(ProfileSecret::Centagate(CentagateCredentials::new(
                s.auth_token,
                s.secret_code,
            )?)),
            None if !replace => return Err(Error::input(Field::AuthToken, "must not be empty")),
            None => None,
        }
    };
    store_profile(&state, profile, secret, replace).await
}

/// Stores a profile and its new secret, if any, through core (which rolls back and records);
/// the profile's cached session is dropped.
async fn store_profile(
    state: &AppState,
    profile: Profile,
    secret: Option<ProfileSecret>,
    replace: bool,
) -> Result<ProfileSummary, Error> {
    let saved = profile_changes::save(
        &state.store()?,
        &state.recorder()?,
        profile,
        secret,
        replace,
    )
    .await?;
    state.forget_session(&saved.profile.name);
    Ok(summary(saved.profile, saved.secret_stored, false))
}

fn refuse_practice_name(name: &str) -> Result<(), Error> {
    if is_practice_name(name) {
        return Err(Error::input(
            Field::ProfileName,
            format!(
                "{PRACTICE_PROFILE}, {PRACTICE_SECURID_PROFILE} and {PRACTICE_SIGN_IN_PROFILE} are reserved for practice mode; choose another name"
            ),
        ));
    }
    Ok(())
}

/// Adds a SecurID Cloud profile from its API key file (`replace` false), or edits one
/// (`replace` true). The backend reads and checks the file named by `draft.keyFile`, stores
/// the key in the OS credential store and keeps only the non-secret settings in the profile
/// (URL, access ID, customer name). On edit, no key file keeps the stored key; a new one
/// replaces it. The answer never holds key material.
#[tauri::command]
pub async fn save_securid_profile(
    state: State<'_, AppState>,
    draft: SecurIdProfileDraft,
    replace: bool,
) -> Result<ProfileSummary, Error> {
    refuse_practice_name(&draft.name)?;
    let store = state.store()?;
    let name = tokendesk_core::validate::profile_name(&draft.name)?;
    let existing = store.load()?.remove(&name);
    let (profile, key) = draft.apply(existing.as_ref())?;
    store_profile(&state, profile, key.map(ProfileSecret::SecurId), replace).await
}

/// Opens the system's file dialog to choose a SecurID API key file; the path, or null when
/// the person cancelled. The dialog is opened here, not from the webview, so the window needs
/// no dialog or file-system permission; the file is read only when the profile is saved.
#[tauri::command]
pub async fn choose_key_file<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
) -> Result<Option<String>, Error> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    window
        .dialog()
        .file()
        .set_title("Choose the SecurID API key file")
        .add_filter("API key file (JSON)", &["json"])
        .set_parent(&window)
        .pick_file(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx.await.unwrap_or(None);
    match picked.map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path.display().to_string())),
        Some(Err(e)) => Err(Error::input(
            Field::KeyFile,
            format!("the chosen file cannot be used as a local path ({e})"),
        )),
    }
}

/// Removes a profile and deletes its stored credentials (first, so none are left behind).
#[tauri::command]
pub async fn remove_profile(state: State<'_, AppState>, name: String) -> Result<(), Error> {
    let removed = profile_changes::remove(&state.store()?, &state.recorder()?, &name).await?;
    state.forget_session(&name);
    match removed.secret {
        SecretRemoval::Unchecked(info) => Err(Error::Config(ConfigError::StoreFailed {
            detail: format!(
                "the profile was removed, but its stored secret could not be deleted ({})",
                info.title
            ),
        })),
        _ => Ok(()),
    }
}

/// Checks the server answers and accepts the profile's credentials.
#[tauri::command]
pub async fn test_profile(
    state: State<'_, AppState>,
    name: String,
) -> Result<ConnectionCheck, Error> {
    state.session(&name).await?.test_connection().await
}
