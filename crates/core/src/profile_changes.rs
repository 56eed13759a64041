//! Adding, editing and removing profiles together with their secrets, as recorded actions:
//! the one path the CLI and the app both take. Every credential-store entry is named in
//! `profiles.toml` — by its profile's id, or as in flight while a save or remove runs — so
//! none is ever left where nothing points at it: one an interrupted change left is an orphan,
//! listed and cleaned up ([`orphans`], [`cleanup`]). A signed-in session goes with the
//! settings it was made for: removed with the profile, ended when its server, admin or app
//! changes.

use crate::audit::{Action, Recordable, Recorder};
use crate::backend::ProfileSecret;
use crate::credentials::{blocking, SecretStore};
use crate::error::{ConfigError, Error, ErrorInfo};
use crate::profile::{new_id, Profile, PRACTICE_NAMES};
use crate::profiles::ProfileStore;
use crate::vocab::{Backend, Field, Operation};

/// A profile as saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub profile: Profile,
    /// Whether a secret is now stored for it in the OS credential store.
    pub secret_stored: bool,
}

/// What became of a removed profile's stored secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRemoval {
    Deleted,
    NoneStored,
    /// The credential store could not be asked; an entry may be left behind.
    Unchecked(ErrorInfo),
}

/// A profile as removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub profile: Profile,
    pub secret: SecretRemoval,
}

impl Recordable for Saved {
    fn summary(&self) -> Option<String> {
        Some(format!(
            "Saved profile '{}' ({} at {}{}){}.",
            self.profile.name,
            self.profile.backend.label(),
            self.profile.url,
            self.profile.base_path,
            if self.secret_stored {
                "; a secret is stored for it"
            } else {
                ""
            }
        ))
    }
}

impl Recordable for Removed {
    fn summary(&self) -> Option<String> {
        let secret = match &self.secret {
            SecretRemoval::Deleted => "its stored secret was deleted",
            SecretRemoval::NoneStored => "no secret was stored for it",
            SecretRemoval::Unchecked(_) => "its stored secret could not be checked",
        };
        Some(format!(
            "Removed profile '{}'; {secret}.",
            self.profile.name
        ))
    }
}

fn action(operation: Operation, p: &Profile) -> Action {
    Action {
        profile: p.name.clone(),
        server: p.url.clone(),
        admin: p.admin.clone(),
        operation: operation.name().to_owned(),
        target: p.name.clone(),
        details: [
            ("backend".to_owned(), p.backend.label().to_owned()),
            ("basePath".to_owned(), p.base_path.clone()),
        ]
        .into(),
    }
}

/// Refuses a new profile named as one of practice mode's ([`PRACTICE_NAMES`]).
fn check_not_practice(name: &str) -> Result<(), Error> {
    if PRACTICE_NAMES.contains(&name) {
        return Err(Error::input(
            Field::ProfileName,
            format!(
                "{} are the names of the desktop app's practice profiles; choose another name",
                PRACTICE_NAMES.join(", ")
            ),
        ));
    }
    Ok(())
}

/// Where a test stops the process between two steps (the `fault-injection` feature only):
/// `TOKENDESK_FAULT_PAUSE=POINT:FILE` writes FILE and sleeps at POINT, for the test to kill
/// the process there.
#[cfg(any(test, feature = "fault-injection"))]
fn pause_at(point: &str) {
    if let Ok(v) = std::env::var("TOKENDESK_FAULT_PAUSE") {
        if let Some((at, file)) = v.split_once(':') {
            if at == point {
                let _ = std::fs::write(file, std::process::id().to_string());
                std::thread::sleep(std::time::Duration::from_secs(120));
            }
        }
    }
}

#[cfg(not(any(test, feature = "fault-injection")))]
fn pause_at(_point: &str) {}

/// The field that stands for `profile`'s secret in words.
fn secret_field(profile: &Profile) -> Field {
    match profile.backend {
        Backend::SecurId => Field::KeyFile,
        Backend::Centagate if profile.signs_in() => Field::AppSecretKey,
        Backend::Centagate => Field::AuthToken,
    }
}

/// Adds `profile` (`replace` false: the name must be new) or edits it (`replace` true: it
/// must exist, for the same kind of server), storing `secret` first when one is given. On
/// edit, no secret keeps the stored one — unless the URL, base path, admin or CA file
/// changed: a stored secret signs only where it was given, so it must be given again.
/// Recorded as adding, editing or replacing credentials.
///
/// A new secret is filed under a new profile id, named in the profile file as in flight
/// first; the profile is then written with that id (and the old id named in flight), and
/// only then is the old entry deleted. So the old secret stays until the new profile is on
/// disk — a failed write deletes the new entry and leaves the old one as it was — and a
/// crash in between leaves an entry the file names, which `profile cleanup` deletes.
pub async fn save(
    store: &ProfileStore,
    recorder: &Recorder,
    profile: Profile,
    secret: Option<ProfileSecret>,
    replace: bool,
) -> Result<Saved, Error> {
    if !replace {
        check_not_practice(&profile.name)?;
    }
    if let Some(secret) = &secret {
        secret.check(&profile)?;
    }
    let existing = store.load()?.remove(&profile.name);
    check_replace(replace, existing.as_ref(), &profile)?;
    if let Some(old) = existing.as_ref().filter(|_| replace) {
        if old.signs_in() != profile.signs_in() && secret.is_none() {
            let (field, what) = if profile.signs_in() {
                (Field::AppSecretKey, "the sign-in app's Secret Key")
            } else {
                (Field::AuthToken, "an auth token and secret code")
            };
            return Err(Error::input(
                field,
                format!("must be given: the profile now signs in differently and needs {what}"),
            ));
        }
        let stored = if secret.is_none() && old.needs_secret_again(&profile).is_some() {
            let o = old.clone();
            blocking(move || SecretStore::open()?.has(&o))
                .await
                .unwrap_or(true)
        } else {
            false
        };
        if let (Some(changed), true) = (old.needs_secret_again(&profile), stored) {
            return Err(Error::input(
                secret_field(&profile),
                format!(
                    "must be given again: the {} changed, and a stored secret signs only for the server and admin it was given for",
                    changed.in_sentence()
                ),
            ));
        }
    }
    // A kept session belongs to the server, admin and app it was signed in to.
    let session_stale = existing.as_ref().is_some_and(|old| {
        replace
            && (secret.is_some()
                || old.url != profile.url
                || old.admin != profile.admin
                || old.integration_key != profile.integration_key
                || old.auth_endpoint().base_path != profile.auth_endpoint().base_path
                || old.base_path != profile.base_path)
    });
    let operation = match (replace, &secret) {
        (false, _) => Operation::AddProfile,
        (true, Some(_)) => Operation::ReplaceCredentials,
        (true, None) => Operation::EditProfile,
    };
    recorder
        .record(action(operation, &profile), async {
            let mut profile = profile;
            let had_secret = secret.is_some();
            match secret {
                None => {
                    profile.id = existing.as_ref().and_then(|o| o.id.clone());
                    store.put(&profile, replace)?;
                    if session_stale {
                        let p = profile.clone();
                        blocking(move || SecretStore::open()?.delete_session(&p)).await?;
                    }
                }
                Some(secret) => {
                    // No store: nothing is written at all, not even the id in flight.
                    blocking(|| SecretStore::open().map(|_| ())).await?;
                    let id = new_id();
                    profile.id = Some(id.clone());
                    store.mark_pending(&id)?;
                    let p = profile.clone();
                    if let Err(e) = blocking(move || SecretStore::open()?.save(&p, &secret)).await {
                        let _ = store.clear_pending(&[&id]);
                        return Err(e);
                    }
                    pause_at("secret-written");
                    let old = match store.put(&profile, replace) {
                        Ok(old) => old,
                        Err(e) => {
                            let gone = id.clone();
                            if blocking(move || SecretStore::open()?.delete_id(&gone))
                                .await
                                .is_ok()
                            {
                                let _ = store.clear_pending(&[&id]);
                            }
                            return Err(e);
                        }
                    };
                    if let Some(old) = old {
                        forget_secrets(store, old).await;
                    }
                }
            }
            let p = profile.clone();
            let secret_stored = had_secret
                || blocking(move || SecretStore::open()?.has(&p))
                    .await
                    .unwrap_or(false);
            Ok(Saved {
                profile,
                secret_stored,
            })
        })
        .await
}

/// Deletes the entries of a profile as it was before a save gave it a new id (its id was
/// named in flight by that save) — best effort: when the store fails they stay named, as
/// orphans for `profile cleanup`.
async fn forget_secrets(store: &ProfileStore, old: Profile) {
    match old.id.clone() {
        Some(id) => {
            let gone = id.clone();
            if blocking(move || SecretStore::open()?.delete_id(&gone))
                .await
                .is_ok()
            {
                let _ = store.clear_pending(&[&id]);
            }
        }
        None => {
            let _ = blocking(move || {
                let s = SecretStore::open()?;
                s.delete_session(&old)?;
                s.delete(&old)
            })
            .await;
        }
    }
}

/// Adds a profile whose secret is not stored (automation: it comes from the environment on
/// every run). Recorded as adding a profile.
pub async fn add_without_secret(
    store: &ProfileStore,
    recorder: &Recorder,
    profile: Profile,
) -> Result<Saved, Error> {
    check_not_practice(&profile.name)?;
    if store.load()?.contains_key(&profile.name) {
        return Err(ConfigError::ProfileExists { name: profile.name }.into());
    }
    recorder
        .record(action(Operation::AddProfile, &profile), async {
            store.add(&profile)?;
            Ok(Saved {
                profile: store.get(&profile.name)?,
                secret_stored: false,
            })
        })
        .await
}

/// Removes a profile and deletes its stored secret and session. The profile goes first, its
/// id named in flight in the same write; then its entries are deleted and the id dropped. A
/// store that cannot be asked leaves the id named — an orphan `profile list` mentions and
/// `profile cleanup` deletes — and the answer says the secret was not checked. Recorded as
/// removing a profile.
pub async fn remove(
    store: &ProfileStore,
    recorder: &Recorder,
    name: &str,
) -> Result<Removed, Error> {
    let profile = store.get(name)?;
    recorder
        .record(action(Operation::RemoveProfile, &profile), async {
            let profile = store.remove(&profile.name)?;
            pause_at("profile-removed");
            let gone = profile.clone();
            let deleted = blocking(move || {
                let s = SecretStore::open()?;
                let by_id = match &gone.id {
                    Some(id) => s.delete_id(id)?,
                    None => false,
                };
                // Not yet moved under its id: still filed under its name.
                let by_name = !by_id && s.delete_legacy(&gone.name)?;
                Ok(by_id || by_name)
            });
            let secret = match deleted.await {
                Ok(true) => SecretRemoval::Deleted,
                Ok(false) => SecretRemoval::NoneStored,
                Err(e) => SecretRemoval::Unchecked(e.info()),
            };
            if let (Some(id), false) = (
                profile.id.as_deref(),
                matches!(secret, SecretRemoval::Unchecked(_)),
            ) {
                let _ = store.clear_pending(&[id]);
            }
            Ok(Removed { profile, secret })
        })
        .await
}

/// Credential-store entries named in flight by a process that is no longer running, and used
/// by no profile: what an interrupted save or remove left. Their ids.
pub fn orphans(store: &ProfileStore) -> Result<Vec<String>, Error> {
    let used: Vec<String> = store.load()?.into_values().filter_map(|p| p.id).collect();
    Ok(store
        .pending()?
        .into_iter()
        .filter(|p| !crate::audit::actor::alive(p.pid) && !used.contains(&p.id))
        .map(|p| p.id)
        .collect())
}

/// Orphans that still have an entry in the store (a store that cannot be asked: all of
/// them). Reads the OS store (blocking).
pub fn orphans_stored(store: &ProfileStore) -> Result<Vec<String>, Error> {
    let ids = orphans(store)?;
    let Ok(secrets) = SecretStore::open() else {
        return Ok(ids);
    };
    Ok(ids
        .into_iter()
        .filter(|id| secrets.has_id(id).unwrap_or(true))
        .collect())
}

/// What `profile cleanup` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    /// Ids whose entries were deleted.
    pub deleted: Vec<String>,
    /// Ids that had no entry left (dropped from the file all the same).
    pub empty: Vec<String>,
}

/// Deletes the entries of every orphan ([`orphans`]) and drops their ids from the file.
pub async fn cleanup(store: &ProfileStore) -> Result<Cleaned, Error> {
    let ids = orphans(store)?;
    let mut cleaned = Cleaned {
        deleted: Vec::new(),
        empty: Vec::new(),
    };
    for id in ids {
        let gone = id.clone();
        let had = blocking(move || SecretStore::open()?.delete_id(&gone)).await?;
        store.clear_pending(&[&id])?;
        if had {
            cleaned.deleted.push(id);
        } else {
            cleaned.empty.push(id);
        }
    }
    Ok(cleaned)
}

/// What `profile edit` changes: each field given replaces the profile's (an empty CA file
/// removes it); the rest stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileEdit {
    pub url: Option<String>,
    pub admin: Option<String>,
    pub base_path: Option<String>,
    pub ca_file: Option<String>,
    pub timeout_secs: Option<u64>,
}

/// An edit, checked: the profile it makes, and — when its URL, base path, admin or CA file
/// changed and a secret is stored for it — which of them, since the secret must then be
/// given again before anything is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPlan {
    pub profile: Profile,
    pub secret_again: Option<Field>,
}

/// Checks `edit` against the stored profile `name` and says what it makes
/// ([`EditPlan`]); nothing is written. A SecurID profile's URL, base path and admin come
/// from its key file, so only its CA file and timeout are edited here.
pub async fn plan_edit(
    store: &ProfileStore,
    name: &str,
    edit: &ProfileEdit,
) -> Result<EditPlan, Error> {
    let old = store.get(name)?;
    let keep_ca = || old.ca_file.as_ref().map(|p| p.display().to_string());
    let ca_file = match &edit.ca_file {
        Some(f) => Some(f.clone()),
        None => keep_ca(),
    };
    let timeout = Some(edit.timeout_secs.unwrap_or(old.timeout_secs));
    let mut profile = match old.backend {
        Backend::Centagate => crate::centagate::profile::ProfileDraft {
            name: old.name.clone(),
            url: edit.url.clone().unwrap_or_else(|| old.url.clone()),
            admin: edit.admin.clone().unwrap_or_else(|| old.admin.clone()),
            base_path: Some(
                edit.base_path
                    .clone()
                    .unwrap_or_else(|| old.base_path.clone()),
            ),
            ca_file,
            timeout_secs: timeout,
            integration_key: old.integration_key.clone(),
            auth_base_path: old.auth_base_path.clone(),
        }
        .validate()?,
        Backend::SecurId => {
            let foreign = [
                (Field::Url, edit.url.is_some()),
                (Field::AdminUsername, edit.admin.is_some()),
                (Field::BasePath, edit.base_path.is_some()),
            ];
            if let Some((field, _)) = foreign.into_iter().find(|(_, given)| *given) {
                return Err(Error::input(
                    field,
                    "comes from a SecurID profile's API key file: add a new profile from the new key file instead",
                ));
            }
            crate::securid::profile::SecurIdProfileDraft {
                name: old.name.clone(),
                ca_file,
                timeout_secs: timeout,
                ..Default::default()
            }
            .revise(&old)?
        }
    };
    profile.id = old.id.clone();
    let secret_again = match old.needs_secret_again(&profile) {
        Some(field) => {
            let o = old.clone();
            let stored = blocking(move || SecretStore::open()?.has(&o))
                .await
                .unwrap_or(true);
            stored.then_some(field)
        }
        None => None,
    };
    Ok(EditPlan {
        profile,
        secret_again,
    })
}

/// Adding needs a new name, editing an existing profile of the same kind.
fn check_replace(replace: bool, existing: Option<&Profile>, new: &Profile) -> Result<(), Error> {
    let name = &new.name;
    match (replace, existing) {
        (false, Some(_)) => Err(ConfigError::ProfileExists { name: name.clone() }.into()),
        (true, None) => Err(ConfigError::ProfileNotFound { name: name.clone() }.into()),
        (true, Some(p)) if p.backend != new.backend => Err(ConfigError::Unsupported {
            profile: name.clone(),
            backend: p.backend.label().into(),
            action: format!(
                "become a {} profile; add a new profile instead",
                new.backend.label()
            ),
        }
        .into()),
        _ => Ok(()),
    }
}
