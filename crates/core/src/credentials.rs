//! Credentials and where they live: the operating system's credential store (Secret Service,
//! Keychain, Credential Manager) through keyring-core, or — for automation — the environment.
//! Never a file TokenDesk writes, never memory only.
//!
//! Every profile's secret is one entry (service `tokendesk`, user `profile:NAME`): a CENTAGATE
//! profile's holds its auth token and secret code (or, when its administrator signs in, the
//! sign-in app's Secret Key), a SecurID profile's its whole API key file. A signed-in
//! profile's session is a second entry (user `session:NAME`), deleted on sign-out.
//! What a secret is and how its entry is encoded is its backend's ([`ProfileSecret`]); this
//! module keeps the entries and picks, per profile, the environment's secret or the store's.

use std::sync::OnceLock;

use crate::backend::{self, stored_secret_kind, ProfileSecret};
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

fn session_user(profile: &str) -> String {
    format!("session:{profile}")
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

    fn session_entry(self, profile: &str) -> Result<keyring_core::Entry, Error> {
        keyring_core::Entry::new(STORE_SERVICE, &session_user(profile)).map_err(store_error)
    }

    /// Keeps (or replaces) the signed-in session of the profile named `profile`, as its
    /// backend encodes it.
    pub fn save_session(self, profile: &str, entry: &Secret) -> Result<(), Error> {
        self.session_entry(profile)?
            .set_password(entry.expose())
            .map_err(store_error)
    }

    /// The kept session entry of `profile`, if there is one.
    pub fn load_session(self, profile: &str) -> Result<Option<Secret>, Error> {
        match self.session_entry(profile)?.get_password() {
            Ok(e) => Ok(Some(Secret::new(e))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Deletes `profile`'s kept session; `false` when there was none.
    pub fn delete_session(self, profile: &str) -> Result<bool, Error> {
        match self.session_entry(profile)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
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
                    secret: stored_secret_kind(profile),
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

/// The secret a profile's calls are signed with, and — when it is a signed-in profile's kept
/// session — when that ends (Unix seconds).
#[derive(Debug, Clone)]
pub struct SigningSecret {
    pub secret: ProfileSecret,
    pub session_ends_at: Option<u64>,
}

/// Whether a session may take its secret from the environment (`TOKENDESK_AUTH_TOKEN` and
/// `TOKENDESK_SECRET_CODE`, `TOKENDESK_SECURID_KEY_FILE`). The CLI does — for the one profile
/// a command runs on (`--profile`, else `TOKENDESK_PROFILE`, else the only one) —; the app
/// does not, unless started for automation on purpose, so they never apply to every profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Use,
    Ignore,
}

/// The secret `profile`'s calls are signed with: the environment's when automation set one
/// (and `env` allows it); else, for a profile that signs in, its kept session while it lasts
/// at `now` (Unix seconds) — none or an ended one is refused here, before anything is sent —;
/// else the store's. Either must be the profile's (SecurID: the same access ID and URL).
pub fn resolve(profile: &Profile, now: u64, env: Environment) -> Result<SigningSecret, Error> {
    let from_env = match env {
        Environment::Use => ProfileSecret::from_env(profile)?,
        Environment::Ignore => None,
    };
    let (secret, session_ends_at) = match from_env {
        Some(s) => (s, None),
        None if profile.signs_in() => {
            let entry = SecretStore::open()?
                .load_session(&profile.name)?
                .ok_or_else(|| ConfigError::NotSignedIn {
                    profile: profile.name.clone(),
                })?;
            let (secret, ends) = backend::session_secret(profile, &entry, now)?;
            (secret, Some(ends))
        }
        None => (SecretStore::open()?.load(profile)?, None),
    };
    secret.check(profile)?;
    Ok(SigningSecret {
        secret,
        session_ends_at,
    })
}
