//! Credentials and where they live: the operating system's credential store (Secret Service,
//! Keychain, Credential Manager) through keyring-core, or — for automation — the environment.
//! Never a file TokenDesk writes, never memory only.
//!
//! Every profile's secret is one entry (service `tokendesk`, user `profile-id:ID`, the
//! profile's random id): a CENTAGATE profile's holds its auth token and secret code (or, when
//! its administrator signs in, the sign-in app's Secret Key), a SecurID profile's its whole API
//! key file. A signed-in profile's session is a second entry (user `session-id:ID`), deleted
//! on sign-out. Each entry names the server origin and admin it was given for, and is refused
//! for any other. Entries older versions filed by name (`profile:NAME`, `session:NAME`) are
//! moved under the id on first use.
//! What a secret is and how its entry is encoded is its backend's ([`ProfileSecret`]); this
//! module keeps the entries and picks, per profile, the environment's secret or the store's.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::backend::{self, stored_secret_kind, ProfileSecret};
use crate::error::{ConfigError, Error};
use crate::profile::{Binding, Profile};
use crate::secret::Secret;

/// Runs credential-store work off the async threads (the store's calls block).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ConfigError::StoreFailed {
            detail: e.to_string(),
        })?
}

/// The service name of every TokenDesk entry in the credential store.
pub const STORE_SERVICE: &str = "tokendesk";

/// The operating system's credential store, registered once per process.
#[derive(Debug, Clone, Copy)]
pub struct SecretStore(());

/// Whether the store is registered. Only success is kept: a failed first connection (the
/// Secret Service not started yet, a locked session bus) is tried again on the next action,
/// so a long-running app needs no restart.
static STORE: Mutex<bool> = Mutex::new(false);

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

/// The entry of a profile's secret: `profile-id:ID`, or — for a profile without an id (an
/// unsaved practice profile, a read-only config folder) — the name-keyed `profile:NAME` older
/// versions used.
fn entry_user(profile: &Profile) -> String {
    match &profile.id {
        Some(id) => id_user(id),
        None => legacy_user(&profile.name),
    }
}

fn session_user(profile: &Profile) -> String {
    match &profile.id {
        Some(id) => id_session_user(id),
        None => legacy_session_user(&profile.name),
    }
}

fn id_user(id: &str) -> String {
    format!("profile-id:{id}")
}

fn id_session_user(id: &str) -> String {
    format!("session-id:{id}")
}

fn legacy_user(name: &str) -> String {
    format!("profile:{name}")
}

fn legacy_session_user(name: &str) -> String {
    format!("session:{name}")
}

/// What an entry holds: its backend's encoding of the secret (`entry`), and the server origin
/// and admin it was given for. Older entries are the bare encoding (read once, then
/// rewritten in this form).
#[derive(Serialize, Deserialize)]
struct Envelope {
    tokendesk: u8,
    origin: String,
    admin: String,
    entry: String,
}

const ENVELOPE_VERSION: u8 = 2;

fn wrap(profile: &Profile, entry: &Secret) -> Secret {
    let binding = profile.binding();
    Secret::new(
        serde_json::to_string(&Envelope {
            tokendesk: ENVELOPE_VERSION,
            origin: binding.origin,
            admin: binding.admin,
            entry: entry.expose().to_owned(),
        })
        .expect("strings serialise"),
    )
}

/// The backend's entry inside `raw`, when it was given for `profile`'s origin and admin. A
/// bare (older) entry is taken as it is only when `bare_ok`.
fn unwrap(profile: &Profile, raw: &Secret, bare_ok: bool) -> Result<Secret, Error> {
    match serde_json::from_str::<Envelope>(raw.expose()) {
        Ok(env) if env.tokendesk == ENVELOPE_VERSION => {
            let given = Binding {
                origin: env.origin.clone(),
                admin: env.admin.clone(),
            };
            let entry = Secret::new(env.entry);
            if given != profile.binding() {
                return Err(ConfigError::SecretForOtherServer {
                    profile: profile.name.clone(),
                    given_for: given.to_string(),
                    now_for: profile.binding().to_string(),
                }
                .into());
            }
            Ok(entry)
        }
        _ if bare_ok => Ok(raw.clone()),
        _ => Err(ConfigError::StoreFailed {
            detail: format!(
                "the stored entry for profile '{}' is not in TokenDesk's format",
                profile.name
            ),
        }
        .into()),
    }
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
    /// Connects to the OS credential store; a clear `Config` error when there is none (and
    /// the next call tries again).
    pub fn open() -> Result<Self, Error> {
        let mut registered = STORE.lock().unwrap_or_else(|p| p.into_inner());
        if !*registered {
            register_native_store().map_err(|detail| ConfigError::StoreUnavailable { detail })?;
            *registered = true;
        }
        Ok(SecretStore(()))
    }

    fn entry(self, user: &str) -> Result<keyring_core::Entry, Error> {
        keyring_core::Entry::new(STORE_SERVICE, user).map_err(store_error)
    }

    fn read(self, user: &str) -> Result<Option<Secret>, Error> {
        match self.entry(user)?.get_password() {
            Ok(e) => Ok(Some(Secret::new(e))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn write(self, user: &str, value: &Secret) -> Result<(), Error> {
        self.entry(user)?
            .set_password(value.expose())
            .map_err(store_error)
    }

    fn remove(self, user: &str) -> Result<bool, Error> {
        match self.entry(user)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(store_error(e)),
        }
    }

    /// The backend entry of `profile` at `user` (its id's entry), checked to be bound to the
    /// profile's server and admin. An entry filed under the profile's name by an older
    /// version is moved, once, under its id — bound to the profile as it is now — and the
    /// old one deleted.
    fn read_bound(
        self,
        profile: &Profile,
        user: &str,
        legacy: &str,
    ) -> Result<Option<Secret>, Error> {
        if let Some(raw) = self.read(user)? {
            return unwrap(profile, &raw, profile.id.is_none()).map(Some);
        }
        if profile.id.is_none() {
            return Ok(None);
        }
        let Some(raw) = self.read(legacy)? else {
            return Ok(None);
        };
        let entry = unwrap(profile, &raw, true)?;
        self.write(user, &wrap(profile, &entry))?;
        self.remove(legacy)?;
        tracing::info!(profile = %profile.name, "credential-store entry moved from the profile's name to its id");
        Ok(Some(entry))
    }

    /// Keeps (or replaces) the signed-in session of `profile`, as its backend encodes it,
    /// bound to the profile's server and admin.
    pub fn save_session(self, profile: &Profile, entry: &Secret) -> Result<(), Error> {
        self.write(&session_user(profile), &wrap(profile, entry))
    }

    /// The kept session entry of `profile`, if there is one; refused when it was made for
    /// another server or admin.
    pub fn load_session(self, profile: &Profile) -> Result<Option<Secret>, Error> {
        self.read_bound(
            profile,
            &session_user(profile),
            &legacy_session_user(&profile.name),
        )
    }

    /// Deletes `profile`'s kept session; `false` when there was none.
    pub fn delete_session(self, profile: &Profile) -> Result<bool, Error> {
        self.remove(&session_user(profile))
    }

    /// Stores (or replaces) the secret of `profile` under its id, bound to its server origin
    /// and admin: it signs for no other.
    pub fn save(self, profile: &Profile, secret: &ProfileSecret) -> Result<(), Error> {
        self.write(&entry_user(profile), &wrap(profile, &secret.to_stored()))
    }

    /// Reads `profile`'s secret, as its backend stores it; refused when it was given for
    /// another server origin or admin (the profile's URL or admin changed, also by hand).
    pub fn load(self, profile: &Profile) -> Result<ProfileSecret, Error> {
        match self.read_bound(profile, &entry_user(profile), &legacy_user(&profile.name))? {
            Some(entry) => ProfileSecret::from_stored(profile, &entry),
            None => Err(ConfigError::SecretMissing {
                profile: profile.name.clone(),
                secret: stored_secret_kind(profile),
            }
            .into()),
        }
    }

    /// True when a secret is stored for the profile (under its id, or still under its name
    /// from an older version).
    pub fn has(self, profile: &Profile) -> Result<bool, Error> {
        if self.read(&entry_user(profile))?.is_some() {
            return Ok(true);
        }
        Ok(profile.id.is_some() && self.read(&legacy_user(&profile.name))?.is_some())
    }

    /// Deletes a profile's secret; `false` when there was none.
    pub fn delete(self, profile: &Profile) -> Result<bool, Error> {
        self.remove(&entry_user(profile))
    }

    /// Deletes the entries (secret and session) an older version filed under the profile
    /// name `name`; `true` when there was one.
    pub fn delete_legacy(self, name: &str) -> Result<bool, Error> {
        let session = self.remove(&legacy_session_user(name))?;
        Ok(self.remove(&legacy_user(name))? || session)
    }

    /// True when an entry (secret or session) is filed under the profile id `id`.
    pub fn has_id(self, id: &str) -> Result<bool, Error> {
        Ok(self.read(&id_user(id))?.is_some() || self.read(&id_session_user(id))?.is_some())
    }

    /// Deletes the entries (secret and session) filed under the profile id `id`; `true` when
    /// there was one.
    pub fn delete_id(self, id: &str) -> Result<bool, Error> {
        let session = self.remove(&id_session_user(id))?;
        Ok(self.remove(&id_user(id))? || session)
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
            let entry = SecretStore::open()?.load_session(profile)?.ok_or_else(|| {
                ConfigError::NotSignedIn {
                    profile: profile.name.clone(),
                }
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
