//! Adding, editing and removing profiles together with their secrets, as recorded actions:
//! the one path the CLI and the app both take. A new secret goes to the OS credential store
//! before the profile file is written; a new profile whose file write fails takes its secret
//! back out, so neither is ever left without the other. A signed-in session goes with the
//! settings it was made for: removed with the profile, ended when its server, admin or app
//! changes.

use crate::audit::{Action, Recordable, Recorder};
use crate::backend::ProfileSecret;
use crate::credentials::{blocking, SecretStore};
use crate::error::{ConfigError, Error, ErrorInfo};
use crate::profile::Profile;
use crate::profiles::ProfileStore;
use crate::vocab::{Field, Operation};

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

/// Adds `profile` (`replace` false: the name must be new) or edits it (`replace` true: it
/// must exist, for the same kind of server), storing `secret` first when one is given. On
/// edit, no secret keeps the stored one. Recorded as adding, editing or replacing
/// credentials.
pub async fn save(
    store: &ProfileStore,
    recorder: &Recorder,
    profile: Profile,
    secret: Option<ProfileSecret>,
    replace: bool,
) -> Result<Saved, Error> {
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
            let name = profile.name.clone();
            let had_secret = secret.is_some();
            if let Some(secret) = secret {
                let name = name.clone();
                blocking(move || SecretStore::open()?.save(&name, &secret)).await?;
            }
            let written = if replace {
                store.update(&profile)
            } else {
                store.add(&profile)
            };
            if let Err(e) = written {
                if !replace && had_secret {
                    let name = name.clone();
                    let _ = blocking(move || SecretStore::open()?.delete(&name)).await;
                }
                return Err(e);
            }
            if session_stale {
                let name = name.clone();
                blocking(move || SecretStore::open()?.delete_session(&name)).await?;
            }
            let secret_stored = had_secret
                || blocking(move || SecretStore::open()?.has(&name))
                    .await
                    .unwrap_or(false);
            Ok(Saved {
                profile,
                secret_stored,
            })
        })
        .await
}

/// Adds a profile whose secret is not stored (automation: it comes from the environment on
/// every run). Recorded as adding a profile.
pub async fn add_without_secret(
    store: &ProfileStore,
    recorder: &Recorder,
    profile: Profile,
) -> Result<Saved, Error> {
    if store.load()?.contains_key(&profile.name) {
        return Err(ConfigError::ProfileExists { name: profile.name }.into());
    }
    recorder
        .record(action(Operation::AddProfile, &profile), async {
            store.add(&profile)?;
            Ok(Saved {
                profile: profile.clone(),
                secret_stored: false,
            })
        })
        .await
}

/// Removes a profile and deletes its stored secret (first, so none is left behind when the
/// store answers). A store that cannot be asked does not keep the profile: the answer says
/// the secret was not checked. Recorded as removing a profile.
pub async fn remove(
    store: &ProfileStore,
    recorder: &Recorder,
    name: &str,
) -> Result<Removed, Error> {
    let profile = store.get(name)?;
    recorder
        .record(action(Operation::RemoveProfile, &profile), async {
            let key = profile.name.clone();
            let deleted = blocking(move || {
                let store = SecretStore::open()?;
                store.delete_session(&key)?;
                store.delete(&key)
            });
            let secret = match deleted.await {
                Ok(true) => SecretRemoval::Deleted,
                Ok(false) => SecretRemoval::NoneStored,
                Err(e) => SecretRemoval::Unchecked(e.info()),
            };
            let profile = store.remove(&profile.name)?;
            Ok(Removed { profile, secret })
        })
        .await
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
