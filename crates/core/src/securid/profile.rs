//! What a person gives to make a SecurID Cloud profile — a name and the API key file — and
//! the checks that turn it into a [`Profile`] (no secret in it) and the key to store; and
//! whether a key belongs to a profile.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use ts_rs::TS;

use super::key::SecurIdKey;
use crate::error::{ConfigError, Error};
use crate::profile::{self, Profile};
use crate::secret::Secret;
use crate::validate;
use crate::vocab::{Backend, Field};

/// What a person gives to create a SecurID profile: a name and the API key file — its path
/// (CLI) or its text (the app's file picker) — plus the usual transport settings. Secrets
/// flow in only: this type cannot be serialised.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecurIdProfileDraft {
    pub name: String,
    /// Path of the key file.
    #[ts(optional)]
    pub key_file: Option<String>,
    /// The key file's text, when it was read by the caller.
    #[ts(optional, type = "string")]
    pub key_json: Option<Secret>,
    #[ts(optional)]
    pub ca_file: Option<String>,
    #[ts(optional)]
    pub timeout_secs: Option<u64>,
}

impl SecurIdProfileDraft {
    /// Reads and checks the key file and every field; returns the profile (no secret in it)
    /// and the key to store with it.
    pub fn validate(&self) -> Result<(Profile, SecurIdKey), Error> {
        let name = validate::profile_name(&self.name)?;
        let path = self
            .key_file
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let key =
            match (path, &self.key_json) {
                (Some(_), Some(_)) => {
                    return Err(Error::input(
                        Field::KeyFile,
                        "give the key file's path or its text, not both",
                    ))
                }
                (Some(p), None) => SecurIdKey::from_file(Path::new(p))?,
                (None, Some(text)) => SecurIdKey::from_json(text.expose())?,
                (None, None) => return Err(Error::input(
                    Field::KeyFile,
                    "must be given: the .json API key file from the Cloud Administration Console",
                )),
            };
        let profile = profile_of(
            name,
            &key,
            profile::ca_file(self.ca_file.as_deref())?,
            profile::timeouts(self.timeout_secs)?,
        );
        Ok((profile, key))
    }

    /// The profile this draft makes, and the key to store with it when there is a new one:
    /// with a key file, the profile made afresh from it; without one, `existing` (a SecurID
    /// profile of that name) revised — its CA file and timeout — keeping the stored key.
    pub fn apply(
        &self,
        existing: Option<&Profile>,
    ) -> Result<(Profile, Option<SecurIdKey>), Error> {
        let new_key = self.key_json.is_some()
            || self
                .key_file
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty());
        match existing {
            Some(old) if !new_key && old.backend == Backend::SecurId => {
                Ok((self.revise(old)?, None))
            }
            _ => self.validate().map(|(profile, key)| (profile, Some(key))),
        }
    }

    /// Edits an existing SecurID profile without a new key file: the same key (URL, access
    /// ID, customer), this draft's CA file and timeout. A draft that carries a key, another
    /// name or a profile of another backend is refused.
    pub fn revise(&self, existing: &Profile) -> Result<Profile, Error> {
        let name = validate::profile_name(&self.name)?;
        let has_key = self.key_json.is_some()
            || self
                .key_file
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty());
        if has_key {
            return Err(Error::input(
                Field::KeyFile,
                "a new key file makes a new profile: use validate",
            ));
        }
        if name != existing.name {
            return Err(ConfigError::ProfileNotFound { name }.into());
        }
        if existing.backend != Backend::SecurId {
            return Err(ConfigError::Unsupported {
                profile: existing.name.clone(),
                backend: existing.backend.label().to_owned(),
                action: "use a SecurID API key".to_owned(),
            }
            .into());
        }
        let (timeout_secs, connect_timeout_secs) = profile::timeouts(self.timeout_secs)?;
        Ok(Profile {
            ca_file: profile::ca_file(self.ca_file.as_deref())?,
            timeout_secs,
            connect_timeout_secs,
            ..existing.clone()
        })
    }
}

/// The profile of a SecurID key: its URL split into origin and path, its access ID.
fn profile_of(
    name: String,
    key: &SecurIdKey,
    ca_file: Option<PathBuf>,
    (timeout_secs, connect_timeout_secs): (u64, u64),
) -> Profile {
    let url = key.base_url();
    Profile {
        name,
        backend: Backend::SecurId,
        id: None,
        url: url.origin().ascii_serialization(),
        admin: key.access_id().to_owned(),
        base_path: url.path().trim_end_matches('/').to_owned(),
        ca_file,
        timeout_secs,
        connect_timeout_secs,
        customer_name: Some(key.customer_name().to_owned()),
        integration_key: None,
        auth_base_path: None,
    }
}

/// Checks a key belongs to `profile`: the same access ID and API URL.
pub fn check_key(profile: &Profile, key: &SecurIdKey) -> Result<(), Error> {
    let mismatch = |detail: String| {
        Err(ConfigError::KeyMismatch {
            profile: profile.name.clone(),
            detail,
        }
        .into())
    };
    if key.access_id() != profile.admin {
        return mismatch(format!(
            "the key's access ID is {}, the profile's {}",
            key.access_id(),
            profile.admin
        ));
    }
    let ours = profile.base_url()?;
    if key.base_url() != ours {
        return mismatch(format!(
            "the key is for {}, the profile for {ours}",
            key.base_url()
        ));
    }
    Ok(())
}
