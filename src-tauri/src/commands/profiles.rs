//! Server profiles: list, add or edit (secrets are write-only), remove, test.

use tauri::State;
use tokendesk_core::credentials::{CentagateCredentials, SecretStore};
use tokendesk_core::ops::ConnectionCheck;
use tokendesk_core::profiles::{Profile, ProfileDraft, ProfileSummary};
use tokendesk_core::validate::Field;
use tokendesk_core::{ConfigError, Error};

use crate::state::{AppState, PRACTICE_PROFILE};

/// Runs credential-store work off the async threads (the store's calls block).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ConfigError::StoreFailed {
            detail: e.to_string(),
        })?
}

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
    let names: Vec<String> = profiles.keys().cloned().collect();
    // A missing store is not an error for listing: every profile then shows "not stored".
    let stored = blocking(move || {
        Ok(match SecretStore::open() {
            Ok(store) => names
                .iter()
                .map(|n| store.has(n).unwrap_or(false))
                .collect(),
            Err(_) => vec![false; names.len()],
        })
    })
    .await?;
    let mut out = Vec::new();
    if let Some(p) = state.practice().await.as_ref() {
        out.push(summary(p.session.profile().clone(), true, true));
    }
    out.extend(
        profiles
            .into_values()
            .zip(stored)
            .map(|(p, s)| summary(p, s, false)),
    );
    Ok(out)
}

/// Adds a profile (`replace` false) or edits one (`replace` true). Secrets, when given, are
/// stored in the OS credential store; on edit, none given keeps the stored ones.
#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    draft: ProfileDraft,
    secrets: Option<CentagateCredentials>,
    replace: bool,
) -> Result<ProfileSummary, Error> {
    let profile = draft.validate()?;
    if profile.name.eq_ignore_ascii_case(PRACTICE_PROFILE) {
        return Err(Error::input(
            Field::ProfileName,
            "is reserved for practice mode; choose another name",
        ));
    }
    let secrets = match secrets {
        Some(s) => Some(CentagateCredentials::new(s.auth_token, s.secret_code)?),
        None if !replace => return Err(Error::input(Field::AuthToken, "must not be empty")),
        None => None,
    };
    let store = state.store()?;
    let exists = store.load()?.contains_key(&profile.name);
    match (replace, exists) {
        (false, true) => return Err(ConfigError::ProfileExists { name: profile.name }.into()),
        (true, false) => return Err(ConfigError::ProfileNotFound { name: profile.name }.into()),
        _ => {}
    }
    if let Some(creds) = secrets {
        let name = profile.name.clone();
        blocking(move || SecretStore::open()?.save(&name, &creds)).await?;
    }
    let saved = if replace {
        store.update(&profile)
    } else {
        store.add(&profile)
    };
    if let Err(e) = saved {
        if !replace {
            let name = profile.name.clone();
            let _ = blocking(move || SecretStore::open()?.delete(&name)).await;
        }
        return Err(e);
    }
    state.forget_session(&profile.name);
    let name = profile.name.clone();
    let stored = blocking(move || SecretStore::open()?.has(&name))
        .await
        .unwrap_or(false);
    Ok(summary(profile, stored, false))
}

/// Removes a profile and deletes its stored credentials (first, so none are left behind).
#[tauri::command]
pub async fn remove_profile(state: State<'_, AppState>, name: String) -> Result<(), Error> {
    let store = state.store()?;
    store.get(&name)?;
    let key = name.clone();
    blocking(move || SecretStore::open()?.delete(&key).map(|_| ())).await?;
    store.remove(&name)?;
    state.forget_session(&name);
    Ok(())
}

/// Checks the server answers and accepts the profile's credentials.
#[tauri::command]
pub async fn test_profile(
    state: State<'_, AppState>,
    name: String,
) -> Result<ConnectionCheck, Error> {
    state.session(&name).await?.test_connection().await
}
