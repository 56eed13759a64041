//! Credentials and where they live: the operating system's credential store (Secret Service,
//! Keychain, Credential Manager) through keyring-core, or — for automation — the environment.
//! Never a file TokenDesk writes, never memory only.
//!
//! A CENTAGATE profile's entry holds its auth token and secret code; a SecurID profile's
//! entry (same service, same `profile:NAME` user) holds its whole API key file. What those
//! credentials are is each backend's ([`CentagateCredentials`], [`SecurIdKey`]); this module
//! keeps them and picks, per profile, the environment's or the store's.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::centagate::credentials::CentagateCredentials;
use crate::error::{ConfigError, Error};
use crate::profiles::Profile;
use crate::secret::Secret;
use crate::securid::key::SecurIdKey;
use crate::securid::ENV_KEY_FILE;

/// The service name of every TokenDesk entry in the credential store.
pub const STORE_SERVICE: &str = "tokendesk";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredCentagate {
    auth_token: String,
    secret_code: String,
}

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

    /// Stores (or replaces) a profile's CENTAGATE credentials.
    pub fn save(self, profile: &str, creds: &CentagateCredentials) -> Result<(), Error> {
        let blob = Secret::new(
            serde_json::to_string(&StoredCentagate {
                auth_token: creds.auth_token.expose().to_owned(),
                secret_code: creds.secret_code.expose().to_owned(),
            })
            .expect("two strings serialise"),
        );
        self.entry(profile)?
            .set_password(blob.expose())
            .map_err(store_error)
    }

    /// Reads a profile's credentials.
    pub fn load(self, profile: &str) -> Result<CentagateCredentials, Error> {
        let blob = match self.entry(profile)?.get_password() {
            Ok(b) => Secret::new(b),
            Err(keyring_core::Error::NoEntry) => {
                return Err(ConfigError::SecretsMissing {
                    profile: profile.to_owned(),
                }
                .into())
            }
            Err(e) => return Err(store_error(e)),
        };
        let stored: StoredCentagate =
            serde_json::from_str(blob.expose()).map_err(|_| ConfigError::StoreFailed {
                detail: format!(
                    "the stored entry for profile '{profile}' is not in TokenDesk's format"
                ),
            })?;
        CentagateCredentials::new(
            Secret::new(stored.auth_token),
            Secret::new(stored.secret_code),
        )
    }

    /// Stores (or replaces) a SecurID profile's API key (the whole key file).
    pub fn save_securid(self, profile: &str, key: &SecurIdKey) -> Result<(), Error> {
        self.entry(profile)?
            .set_password(key.to_stored_json().expose())
            .map_err(store_error)
    }

    /// Reads a SecurID profile's API key.
    pub fn load_securid(self, profile: &str) -> Result<SecurIdKey, Error> {
        let blob = match self.entry(profile)?.get_password() {
            Ok(b) => Secret::new(b),
            Err(keyring_core::Error::NoEntry) => {
                return Err(ConfigError::KeyMissing {
                    profile: profile.to_owned(),
                }
                .into())
            }
            Err(e) => return Err(store_error(e)),
        };
        // The parser's words name what is wrong without quoting the key.
        SecurIdKey::from_json(blob.expose()).map_err(|e| {
            ConfigError::StoreFailed {
                detail: format!(
                    "the stored entry for profile '{profile}' is not a usable SecurID API key ({e})"
                ),
            }
            .into()
        })
    }

    /// True when credentials are stored for the profile.
    pub fn has(self, profile: &str) -> Result<bool, Error> {
        match self.entry(profile)?.get_password() {
            Ok(_) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Deletes a profile's credentials; `false` when there were none.
    pub fn delete(self, profile: &str) -> Result<bool, Error> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }
}

/// The SecurID API key to use for `profile`: the key file named by
/// `TOKENDESK_SECURID_KEY_FILE` when set, else the stored one. Either must belong to the
/// profile (same access ID and URL).
pub fn resolve_securid(profile: &Profile) -> Result<SecurIdKey, Error> {
    let key = match std::env::var_os(ENV_KEY_FILE).filter(|v| !v.is_empty()) {
        Some(path) => SecurIdKey::from_file(std::path::Path::new(&path))?,
        None => SecretStore::open()?.load_securid(&profile.name)?,
    };
    profile.check_key(&key)?;
    Ok(key)
}

/// The credentials to use for `profile`: the environment's when set, else the store's.
pub fn resolve(profile: &str) -> Result<CentagateCredentials, Error> {
    match CentagateCredentials::from_env()? {
        Some(c) => Ok(c),
        None => SecretStore::open()?.load(profile),
    }
}
