//! The one seam between the engine and the server vendors: what the rest of the crate, the
//! CLI and the app need from a backend, with one arm per vendor. A vendor keeps everything of
//! its own in its folder (`centagate/`, `securid/`: profile draft, secret and its store
//! encoding, client, catalog); this module only says which is which. Adding a vendor is a new
//! folder and one arm in each match here — the compiler points at every one.
//!
//! Enums, not a trait: the vendors' secrets and clients are different types with different
//! calls (CENTAGATE registers tokens, SecurID looks users up), so the operations match the one
//! variant they need; what every backend has — a secret to store, a connection test, a
//! catalog, words for its secret — is a method here.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::catalog::Catalog;
use crate::centagate::client::Client as CentagateClient;
use crate::centagate::credentials::CentagateCredentials;
use crate::centagate::session::{AppSecretKey, KeptSession, APP_SECRET};
use crate::error::{ConfigError, Error};
use crate::profile::Profile;
use crate::secret::{Secret, SecretKind};
use crate::securid::client::Client as SecurIdClient;
use crate::securid::jwt::Clock;
use crate::securid::key::SecurIdKey;
use crate::securid::profile::check_key;
use crate::securid::retry::RetryPolicy;
use crate::vocab::Backend;

/// What is stored for a profile in the OS credential store (or given by the environment): the
/// secret its backend signs with.
#[derive(Debug, Clone)]
pub enum ProfileSecret {
    /// A CENTAGATE admin's auth token and secret code.
    Centagate(CentagateCredentials),
    /// The Secret Key of the CENTAGATE app a signing-in profile's administrator signs in
    /// through: what such a profile stores. Its admin calls are signed with the session the
    /// sign-in kept ([`crate::credentials::resolve`]), never with this.
    CentagateApp(AppSecretKey),
    /// A SecurID Cloud API key (the whole key file).
    SecurId(SecurIdKey),
}

impl ProfileSecret {
    /// The kind of server this secret is for.
    pub fn backend(&self) -> Backend {
        match self {
            ProfileSecret::Centagate(_) | ProfileSecret::CentagateApp(_) => Backend::Centagate,
            ProfileSecret::SecurId(_) => Backend::SecurId,
        }
    }

    /// The secret automation set in the environment for a profile like `profile`, if any
    /// (`TOKENDESK_AUTH_TOKEN` and `TOKENDESK_SECRET_CODE`; `TOKENDESK_SECURID_KEY_FILE`).
    pub fn from_env(profile: &Profile) -> Result<Option<Self>, Error> {
        Ok(match profile.backend {
            Backend::Centagate => CentagateCredentials::from_env()?.map(Self::Centagate),
            Backend::SecurId => SecurIdKey::from_env()?.map(Self::SecurId),
        })
    }

    /// The credential store's entry for it, as its vendor encodes it.
    pub(crate) fn to_stored(&self) -> Secret {
        match self {
            ProfileSecret::Centagate(c) => c.to_stored(),
            ProfileSecret::CentagateApp(k) => k.to_stored(),
            ProfileSecret::SecurId(k) => k.to_stored(),
        }
    }

    /// Reads `profile`'s entry from the credential store, as its backend's vendor encodes it.
    pub(crate) fn from_stored(profile: &Profile, entry: &Secret) -> Result<Self, Error> {
        let name = &profile.name;
        Ok(match profile.backend {
            Backend::Centagate if profile.signs_in() => {
                Self::CentagateApp(AppSecretKey::from_stored(name, entry)?)
            }
            Backend::Centagate => Self::Centagate(CentagateCredentials::from_stored(name, entry)?),
            Backend::SecurId => Self::SecurId(SecurIdKey::from_stored(name, entry)?),
        })
    }

    /// Checks it can be `profile`'s: for the same kind of server, and (SecurID) the key of
    /// the profile's access ID and URL.
    pub fn check(&self, profile: &Profile) -> Result<(), Error> {
        match (profile.backend, self) {
            (Backend::Centagate, ProfileSecret::Centagate(_)) => Ok(()),
            (Backend::Centagate, ProfileSecret::CentagateApp(_)) if profile.signs_in() => Ok(()),
            (Backend::SecurId, ProfileSecret::SecurId(k)) => check_key(profile, k),
            _ => Err(ConfigError::Unsupported {
                profile: profile.name.clone(),
                backend: profile.backend.label().to_owned(),
                action: format!("use the {} {}", self.backend().label(), self.kind().word),
            }
            .into()),
        }
    }

    /// How people are told about this kind of secret.
    pub fn kind(&self) -> &'static SecretKind {
        match self {
            ProfileSecret::CentagateApp(_) => &APP_SECRET,
            _ => secret_kind(self.backend()),
        }
    }
}

/// The secret a signed-in `profile`'s calls are signed with: its kept session `entry`, while
/// it lasts at `now` (Unix seconds); and when it ends.
pub(crate) fn session_secret(
    profile: &Profile,
    entry: &Secret,
    now: u64,
) -> Result<(ProfileSecret, u64), Error> {
    let session = KeptSession::from_stored(&profile.name, entry)?;
    if !session.is_live(now) {
        return Err(ConfigError::SessionExpired {
            profile: profile.name.clone(),
            at: crate::clock::utc_minute(session.expires_at),
        }
        .into());
    }
    Ok((
        ProfileSecret::Centagate(session.credentials),
        session.expires_at,
    ))
}

/// A client for one profile, signing with its secret.
#[derive(Debug)]
// One per session, made once: the size of the larger client costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Connection {
    Centagate(CentagateClient),
    SecurId(SecurIdClient),
}

/// Makes the client for `profile` with `secret` (checked to be the profile's). `clock` dates
/// SecurID's tokens and `retry` waits out its 429 answers.
pub(crate) fn connect(
    profile: &Profile,
    secret: &ProfileSecret,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
) -> Result<Connection, Error> {
    secret.check(profile)?;
    let endpoint = profile.endpoint();
    Ok(match secret {
        ProfileSecret::Centagate(c) => {
            Connection::Centagate(CentagateClient::new(&endpoint, &profile.admin, c)?)
        }
        ProfileSecret::SecurId(k) => {
            Connection::SecurId(SecurIdClient::new(&endpoint, k, clock, retry)?)
        }
        ProfileSecret::CentagateApp(_) => {
            return Err(ConfigError::NotSignedIn {
                profile: profile.name.clone(),
            }
            .into())
        }
    })
}

/// Whether a profile's server answered and accepted its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionCheck {
    /// The code of the probe call (0, or 22002 when the admin is no user themselves).
    pub code: i64,
    pub summary: String,
}

impl Connection {
    /// The connection test of `profile`'s server: its backend's probe call, and what it proved
    /// in words.
    pub(crate) async fn probe(&self, profile: &Profile) -> Result<ConnectionCheck, Error> {
        let (code, summary) = match self {
            Connection::Centagate(c) => (
                c.probe().await?,
                format!(
                    "{} answered and accepted the credentials of {}.",
                    profile.url, profile.admin
                ),
            ),
            Connection::SecurId(c) => (
                c.probe().await?,
                format!(
                    "{}{} answered and accepted the API key of access ID {}.",
                    profile.url, profile.base_path, profile.admin
                ),
            ),
        };
        Ok(ConnectionCheck { code, summary })
    }
}

/// The catalog that explains `backend`'s answers (`tokendesk codes` lists it).
pub fn catalog(backend: Backend) -> &'static Catalog {
    match backend {
        Backend::Centagate => &crate::centagate::catalog::CATALOG,
        Backend::SecurId => &crate::securid::catalog::CATALOG,
    }
}

/// How people are told about what `profile` stores: its backend's secret, or the app Secret
/// Key of a profile that signs in.
pub fn stored_secret_kind(profile: &Profile) -> &'static SecretKind {
    if profile.signs_in() {
        &APP_SECRET
    } else {
        secret_kind(profile.backend)
    }
}

/// How people are told about `backend`'s secret ("credentials", "API key").
pub fn secret_kind(backend: Backend) -> &'static SecretKind {
    match backend {
        Backend::Centagate => &crate::centagate::credentials::SECRET,
        Backend::SecurId => &crate::securid::key::SECRET,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backend_has_its_own_catalog_and_words() {
        for b in [Backend::Centagate, Backend::SecurId] {
            assert_eq!(catalog(b).backend, b);
        }
        assert_eq!(secret_kind(Backend::Centagate).word, "credentials");
        assert_eq!(secret_kind(Backend::SecurId).word, "API key");
    }
}
