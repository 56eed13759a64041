//! Credentials and where they live: the operating system's credential store (Secret Service,
//! Keychain, Credential Manager) through keyring-core, or — for automation — the environment.
//! Never a file TokenDesk writes, never memory only.
//!
//! Every profile's secret is one entry (service `tokendesk`, user `profile:NAME`): a CENTAGATE
//! profile's holds its auth token and secret code, a SecurID profile's its whole API key file.
//! What a secret is and how its entry is encoded is its backend's ([`ProfileSecret`]); this
//! module keeps the entries and picks, per profile, the environment's secret or the store's.

use std::sync::OnceLock;

use crate::backend::{secret_kind, ProfileSecret};
use crate::error::{ConfigError, Error};
use crate::profile::Profile;
use crate::secret::Secret;

/// The service name of every TokenDesk entry in the credential store.
pub const STORE_SERVICE: &str = "tokendesk";

/// The operating system's credential store, registered once per process.
#[derive(Debug, Clone, Copy)]
pub struct SecretStore(());

static STORE: OnceLock<Result<(), String>> = OnceLock::new();

fn register_native_store() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| e.to_string())?;
    #[cfg(target_os = "macos")]
    let store = apple_native_keyring_store::keychain::Store::new().map_err(|e| e.to_string())?;
    #[cfg(target_os = "windows")]
    let store = windows_native_keyring_store::Store::new().map_err(|e| e.to_string())?;
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    return Err("this operating system has no supported credential store".into());
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
    {
        keyring_core::set_default_store(store);
        Ok(())
    }
}

fn entry_user(profile: &str) -> String {
    format!("profile:{profile}")
}

fn store_error(e: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    match e {
        K::NoStorageAccess(p) => ConfigError::StoreUnavailable {
            detail: format!("the store is locked or refused access ({p})"),
        },
        K::NoDefaultStore => ConfigError::StoreUnavailable {
            detail: "no store registered".into(),
        },
        K::PlatformFailure(p) => {
            let detail = p.to_string();
            if detail.contains("ServiceUnknown")
                || detail.contains("not provided by any")
                || detail.contains("DBUS_SESSION_BUS_ADDRESS")
            {
                ConfigError::StoreUnavailable { detail }
            } else {
                ConfigError::StoreFailed { detail }
            }
        }
        other => ConfigError::StoreFailed {
            detail: other.to_string(),
        },
    }
    .into()
}

impl SecretStore {
    /// Connects to the OS credential store; a clear `Config` error when there is none.
    pub fn open() -> Result<Self, Error> {
        match STORE.get_or_init(register_native_store) {
            Ok(()) => Ok(SecretStore(())),
            Err(detail) => Err(ConfigError::StoreUnavailable {
                detail: detail.clone(),
            }
            .into()),
        }
    }

    fn entry(self, profile: &str) -> Result<keyring_core::Entry, Error> {
        keyring_core::Entry::new(STORE_SERVICE, &entry_user(profile)).map_err(store_error)
    }

    /// Stores (or replaces) the secret of the profile named `profile`.
    pub fn save(self, profile: &str, secret: &ProfileSecret) -> Result<(), Error> {
        self.entry(profile)?
            .set_password(secret.to_stored().expose())
            .map_err(store_error)
    }

    /// Reads `profile`'s secret, as its backend stores it.
    pub fn load(self, profile: &Profile) -> Result<ProfileSecret, Error> {
        let entry = match self.entry(&profile.name)?.get_password() {
            Ok(e) => Secret::new(e),
            Err(keyring_core::Error::NoEntry) => {
                return Err(ConfigError::SecretMissing {
                    profile: profile.name.clone(),
                    secret: secret_kind(profile.backend),
                }
                .into())
            }
            Err(e) => return Err(store_error(e)),
        };
        ProfileSecret::from_stored(profile, &entry)
    }

    /// True when a secret is stored for the profile.
    pub fn has(self, profile: &str) -> Result<bool, Error> {
        match self.entry(profile)?.get_password() {
            Ok(_) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Deletes a profile's secret; `false` when there was none.
    pub fn delete(self, profile: &str) -> Result<bool, Error> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }
}

/// The secret to use for `profile`: the environment's when automation set one, else the
/// store's. Either must be the profile's (SecurID: the same access ID and URL).
pub fn resolve(profile: &Profile) -> Result<ProfileSecret, Error> {
    let secret = match ProfileSecret::from_env(profile)? {
        Some(s) => s,
        None => SecretStore::open()?.load(profile)?,
    };
    secret.check(profile)?;
    Ok(secret)
}
