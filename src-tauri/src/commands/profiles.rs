//! Server profiles: list, add or edit (secrets are write-only), remove, test. A CENTAGATE
//! profile is saved with its auth token and secret code, a SecurID Cloud one from its API key
//! file, which the backend reads. Key files and CA certificate files are chosen in the
//! system's open dialog, opened here: the window holds a handle and the file's name, never a
//! path, so it cannot make the backend read any other file.

use std::path::PathBuf;

use serde::Deserialize;
use tauri::State;
use tokendesk_core::backend::{ConnectionCheck, ProfileSecret};
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::centagate::session::AppSecretKey;
use tokendesk_core::credentials::SecretStore;
use tokendesk_core::local_file;
use tokendesk_core::profile::{checked_ca_file, Profile};
use tokendesk_core::profile_changes::{self, SecretRemoval};
use tokendesk_core::profiles::ProfileSummary;
use tokendesk_core::securid::key::SecurIdKey;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::vocab::Field;
use tokendesk_core::{ConfigError, Error, Secret};
use ts_rs::TS;

use super::blocking;
use super::dialog::{open_path, Ask, ChosenFile};
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

/// What the window says of a profile's CA certificate file: keep the one it has (none, for a
/// new profile), remove it, or the file chosen in the open dialog (`choose_ca_file`'s handle).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum CaFileChoice {
    #[default]
    Keep,
    Remove,
    Chosen {
        handle: String,
    },
}

/// Adds a profile (`replace` false) or edits one (`replace` true). A profile with an
/// Integration Key signs in: its secret is the sign-in app's Secret Key (`app_secret_key`);
/// any other is given its auth token and secret code (`secrets`). Secrets, when given, are
/// stored in the OS credential store; on edit, none given keeps the stored ones — unless the
/// URL, base path, admin or CA file changed, which core refuses without them. The CA file is
/// `ca_file` (none: keep), never a path in the draft.
#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    draft: ProfileDraft,
    secrets: Option<CentagateCredentials>,
    app_secret_key: Option<Secret>,
    replace: bool,
    ca_file: Option<CaFileChoice>,
) -> Result<ProfileSummary, Error> {
    refuse_typed_path(draft.ca_file.as_deref(), Field::CaFile)?;
    let mut profile = draft.validate()?;
    refuse_practice_name(&profile.name)?;
    profile.ca_file = ca_file_of(&state, &profile.name, replace, ca_file.unwrap_or_default())?;
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

/// A file path the window put in a draft: refused, since files are chosen in the dialog.
fn refuse_typed_path(given: Option<&str>, field: Field) -> Result<(), Error> {
    if given.is_some_and(|p| !p.trim().is_empty()) {
        return Err(Error::input(
            field,
            "must be chosen with its Choose button (the window does not name files)",
        ));
    }
    Ok(())
}

/// The CA file a saved profile `name` gets from `choice`: the edited profile's own when kept,
/// or the chosen file, checked as core checks a typed one.
fn ca_file_of(
    state: &AppState,
    name: &str,
    replace: bool,
    choice: CaFileChoice,
) -> Result<Option<PathBuf>, Error> {
    match choice {
        CaFileChoice::Keep if replace => {
            Ok(state.store()?.load()?.remove(name).and_then(|p| p.ca_file))
        }
        CaFileChoice::Keep | CaFileChoice::Remove => Ok(None),
        CaFileChoice::Chosen { handle } => {
            let path = state.chosen_files().path(Field::CaFile, &handle)?;
            checked_ca_file(&path).map(Some)
        }
    }
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
/// (`replace` true). The backend reads and checks the file chosen under `key_file`
/// (`choose_key_file`'s handle), stores the key in the OS credential store and keeps only the
/// non-secret settings in the profile (URL, access ID, customer name). On edit, no key file
/// keeps the stored key — unless the CA file changed, which core refuses without one; a new
/// one replaces it. The draft names no file. The answer never holds key material.
#[tauri::command]
pub async fn save_securid_profile(
    state: State<'_, AppState>,
    mut draft: SecurIdProfileDraft,
    replace: bool,
    key_file: Option<String>,
    ca_file: Option<CaFileChoice>,
) -> Result<ProfileSummary, Error> {
    refuse_typed_path(draft.key_file.as_deref(), Field::KeyFile)?;
    refuse_typed_path(draft.ca_file.as_deref(), Field::CaFile)?;
    refuse_practice_name(&draft.name)?;
    let store = state.store()?;
    let name = tokendesk_core::validate::profile_name(&draft.name)?;
    let existing = store.load()?.remove(&name);
    if let Some(handle) = key_file {
        let path = state.chosen_files().path(Field::KeyFile, &handle)?;
        let path = path.to_str().ok_or_else(local_file::not_a_key_file)?;
        draft.key_file = Some(path.to_owned());
    }
    let (mut profile, key) = draft.apply(existing.as_ref())?;
    profile.ca_file = ca_file_of(&state, &name, replace, ca_file.unwrap_or_default())?;
    store_profile(&state, profile, key.map(ProfileSecret::SecurId), replace).await
}

/// Opens the system's open dialog to choose a SecurID API key file; its handle and name, or
/// null when the person cancelled. The file is checked at once (and read again when the
/// profile is saved); a file that is not an API key file answers only that.
#[tauri::command]
pub async fn choose_key_file<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Option<ChosenFile>, Error> {
    let ask = Ask {
        title: "Choose the SecurID API key file",
        filter: ("API key file (JSON)", &["json"]),
        name: None,
    };
    choose(&window, &state, Field::KeyFile, ask).await
}

/// Opens the system's open dialog to choose a CA certificate file (PEM) for a profile; its
/// handle and name, or null when the person cancelled. Checked at once as core checks a typed
/// one: a file that is not a readable PEM file answers only that.
#[tauri::command]
pub async fn choose_ca_file<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    state: State<'_, AppState>,
) -> Result<Option<ChosenFile>, Error> {
    let ask = Ask {
        title: "Choose the CA certificate file (PEM)",
        filter: ("CA certificate (PEM)", &["pem", "crt", "cer"]),
        name: None,
    };
    choose(&window, &state, Field::CaFile, ask).await
}

async fn choose<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    state: &AppState,
    field: Field,
    ask: Ask<'_>,
) -> Result<Option<ChosenFile>, Error> {
    let Some(path) = open_path(window, state.open_path_chooser(), ask).await? else {
        return Ok(None);
    };
    let read = path.clone();
    blocking(move || match field {
        Field::KeyFile => SecurIdKey::from_file(&read).map(drop),
        _ => checked_ca_file(&read).map(drop),
    })
    .await?;
    Ok(Some(state.chosen_files().keep(field, path)))
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
