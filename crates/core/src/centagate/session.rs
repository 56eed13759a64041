//! What a signing-in CENTAGATE profile keeps in the OS credential store: the sign-in app's
//! Secret Key (the profile's own entry) and, once signed in, the session — auth token,
//! secret code and when the session ends (a second entry, deleted on sign-out). How the
//! entries are encoded lives here; which entry is [`crate::credentials`]' business.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::credentials::CentagateCredentials;
use super::signin::Factor;
use crate::error::{ConfigError, Error};
use crate::secret::{Secret, SecretKind};
use crate::vocab::Field;

/// Environment variable carrying the sign-in app's Secret Key for automation.
pub const ENV_APP_SECRET_KEY: &str = "TOKENDESK_APP_SECRET_KEY";
/// Environment variable carrying the administrator's password for automation (`login`).
pub const ENV_PASSWORD: &str = "TOKENDESK_PASSWORD";
/// Environment variable carrying the second factor's code for automation (`login`).
pub const ENV_OTP: &str = "TOKENDESK_OTP";

/// How long a session is kept when the server does not say (`sessionTimeout` absent): the
/// practice server's and a common portal default. A server that ends it sooner answers
/// 10001, which ends the kept session too.
pub const DEFAULT_SESSION_SECS: u64 = 30 * 60;

/// How people are told about a signing-in profile's secret.
pub static APP_SECRET: SecretKind = SecretKind {
    word: "app Secret Key",
    title: "app Secret Key",
    plural: false,
    env: &[ENV_APP_SECRET_KEY],
    env_source: "TOKENDESK_APP_SECRET_KEY",
    restore_in_window: "Store it again (Edit the profile, then Replace credentials), or set TOKENDESK_APP_SECRET_KEY.",
    restore_in_cli: |profile| {
        format!("Store it again with `tokendesk profile add {profile} ... --integration-key KEY` (after `tokendesk profile remove {profile}`), or set TOKENDESK_APP_SECRET_KEY.")
    },
};

/// The Secret Key of the "Web API" app administrators sign in through: it signs the sign-in
/// calls (`hmac`). A credential: the OS store or the environment only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSecretKey(Secret);

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredKey {
    app_secret_key: String,
}

impl AppSecretKey {
    /// Checks it is present.
    pub fn new(key: Secret) -> Result<Self, Error> {
        if key.is_blank() {
            return Err(Error::input(Field::AppSecretKey, "must not be empty"));
        }
        if key.expose().chars().any(char::is_control) {
            return Err(Error::input(
                Field::AppSecretKey,
                "must be the key as the portal shows it, on one line",
            ));
        }
        Ok(AppSecretKey(Secret::new(key.expose().trim())))
    }

    /// The key in `TOKENDESK_APP_SECRET_KEY`, when set.
    pub fn from_env() -> Result<Option<Self>, Error> {
        match std::env::var(ENV_APP_SECRET_KEY) {
            Ok(v) if !v.is_empty() => Self::new(Secret::new(v)).map(Some),
            _ => Ok(None),
        }
    }

    /// The key itself, for signing.
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// The credential store's entry for it: `{"appSecretKey":…}`.
    pub(crate) fn to_stored(&self) -> Secret {
        Secret::new(
            serde_json::to_string(&StoredKey {
                app_secret_key: self.0.expose().to_owned(),
            })
            .expect("a string serialises"),
        )
    }

    /// Reads the store's entry for `profile`.
    pub(crate) fn from_stored(profile: &str, entry: &Secret) -> Result<Self, Error> {
        let stored: StoredKey = serde_json::from_str(entry.expose()).map_err(|_| {
            ConfigError::StoreFailed {
                detail: format!(
                    "the stored entry for profile '{profile}' is not an app Secret Key in TokenDesk's format"
                ),
            }
        })?;
        Self::new(Secret::new(stored.app_secret_key))
    }
}

/// A second factor, as the app and `--json login` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "SignInFactor")]
pub enum FactorName {
    Otp,
    Sms,
}

impl From<Factor> for FactorName {
    fn from(f: Factor) -> Self {
        match f {
            Factor::Otp => FactorName::Otp,
            Factor::Sms => FactorName::Sms,
        }
    }
}

impl From<FactorName> for Factor {
    fn from(f: FactorName) -> Self {
        match f {
            FactorName::Otp => Factor::Otp,
            FactorName::Sms => Factor::Sms,
        }
    }
}

/// A signed-in session as kept: what admin calls are signed with, and its times (Unix
/// seconds). Its `Debug` shows no credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptSession {
    pub credentials: CentagateCredentials,
    pub signed_in_at: u64,
    pub expires_at: u64,
    pub second_factor: Option<FactorName>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSession {
    auth_token: String,
    secret_code: String,
    signed_in_at: u64,
    expires_at: u64,
    #[serde(default)]
    second_factor: Option<FactorName>,
}

impl KeptSession {
    /// True while the session is within its time at `now` (Unix seconds).
    pub fn is_live(&self, now: u64) -> bool {
        now < self.expires_at
    }

    /// The credential store's entry for it.
    pub(crate) fn to_stored(&self) -> Secret {
        Secret::new(
            serde_json::to_string(&StoredSession {
                auth_token: self.credentials.auth_token.expose().to_owned(),
                secret_code: self.credentials.secret_code.expose().to_owned(),
                signed_in_at: self.signed_in_at,
                expires_at: self.expires_at,
                second_factor: self.second_factor,
            })
            .expect("strings and numbers serialise"),
        )
    }

    /// Reads the store's session entry for `profile`.
    pub(crate) fn from_stored(profile: &str, entry: &Secret) -> Result<Self, Error> {
        let s: StoredSession =
            serde_json::from_str(entry.expose()).map_err(|_| ConfigError::StoreFailed {
                detail: format!(
                    "the stored session of profile '{profile}' is not in TokenDesk's format"
                ),
            })?;
        Ok(KeptSession {
            credentials: CentagateCredentials::new(
                Secret::new(s.auth_token),
                Secret::new(s.secret_code),
            )?,
            signed_in_at: s.signed_in_at,
            expires_at: s.expires_at,
            second_factor: s.second_factor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_refuse_other_formats() {
        let key = AppSecretKey::new(Secret::new(" SK-1 ")).unwrap();
        assert_eq!(key.secret().expose(), "SK-1");
        let back = AppSecretKey::from_stored("p", &key.to_stored()).unwrap();
        assert_eq!(back, key);
        let direct = Secret::new(r#"{"authToken":"t","secretCode":"c"}"#);
        assert!(AppSecretKey::from_stored("p", &direct).is_err());
        assert!(AppSecretKey::new(Secret::new(" ")).is_err());

        let s = KeptSession {
            credentials: CentagateCredentials::new(Secret::new("AT"), Secret::new("SC")).unwrap(),
            signed_in_at: 100,
            expires_at: 1900,
            second_factor: Some(FactorName::Otp),
        };
        assert_eq!(KeptSession::from_stored("p", &s.to_stored()).unwrap(), s);
        assert!(s.is_live(1899) && !s.is_live(1900));
        assert!(!format!("{s:?}").contains("AT\""), "{s:?}");
    }
}
