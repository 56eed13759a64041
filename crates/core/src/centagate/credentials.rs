//! The credentials a CENTAGATE admin call is signed with — the admin session's auth token and
//! secret code —, where automation supplies them instead of the store (the environment), and
//! how the store's entry encodes them. Which entry is [`crate::credentials`]' business.

use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, Error};
use crate::secret::{Secret, SecretKind};
use crate::vocab::Field;

/// Environment variable carrying the auth token for automation.
pub const ENV_AUTH_TOKEN: &str = "TOKENDESK_AUTH_TOKEN";
/// Environment variable carrying the secret code for automation.
pub const ENV_SECRET_CODE: &str = "TOKENDESK_SECRET_CODE";

/// How people are told about CENTAGATE credentials.
pub static SECRET: SecretKind = SecretKind {
    word: "credentials",
    title: "credentials",
    plural: true,
    env: &[ENV_AUTH_TOKEN, ENV_SECRET_CODE],
    env_source: "TOKENDESK_AUTH_TOKEN / TOKENDESK_SECRET_CODE",
    restore_in_window: "Store them again (Edit the profile, then Replace credentials), or set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE.",
    restore_in_cli: |profile| {
        format!("Store them again with `tokendesk profile add {profile} ...` (after `tokendesk profile remove {profile}`), or set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE.")
    },
};

/// The credential store's entry for a CENTAGATE profile: `{"authToken":…,"secretCode":…}`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    auth_token: String,
    secret_code: String,
}

/// The two session credentials a CENTAGATE admin call is signed with. The desktop app's
/// forms send them in (never out: this type cannot be serialised).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "Secrets")]
pub struct CentagateCredentials {
    #[ts(type = "string")]
    pub auth_token: Secret,
    #[ts(type = "string")]
    pub secret_code: Secret,
}

impl CentagateCredentials {
    /// Checks both are present.
    pub fn new(auth_token: Secret, secret_code: Secret) -> Result<Self, Error> {
        if auth_token.is_blank() {
            return Err(Error::input(Field::AuthToken, "must not be empty"));
        }
        if secret_code.is_blank() {
            return Err(Error::input(Field::SecretCode, "must not be empty"));
        }
        Ok(CentagateCredentials {
            auth_token,
            secret_code,
        })
    }

    /// The credentials in `TOKENDESK_AUTH_TOKEN` and `TOKENDESK_SECRET_CODE`, when both are set.
    pub fn from_env() -> Result<Option<Self>, Error> {
        let read = |k| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.is_empty())
                .map(Secret::new)
        };
        match (read(ENV_AUTH_TOKEN), read(ENV_SECRET_CODE)) {
            (Some(t), Some(c)) => Self::new(t, c).map(Some),
            (None, None) => Ok(None),
            _ => Err(ConfigError::HalfEnvironment.into()),
        }
    }

    /// The credential store's entry for them (the format TokenDesk has always stored).
    pub(crate) fn to_stored(&self) -> Secret {
        Secret::new(
            serde_json::to_string(&Stored {
                auth_token: self.auth_token.expose().to_owned(),
                secret_code: self.secret_code.expose().to_owned(),
            })
            .expect("two strings serialise"),
        )
    }

    /// Reads the store's entry for `profile`.
    pub(crate) fn from_stored(profile: &str, entry: &Secret) -> Result<Self, Error> {
        let stored: Stored =
            serde_json::from_str(entry.expose()).map_err(|_| ConfigError::StoreFailed {
                detail: format!(
                    "the stored entry for profile '{profile}' is not in TokenDesk's format"
                ),
            })?;
        Self::new(
            Secret::new(stored.auth_token),
            Secret::new(stored.secret_code),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries stored before the backend seam must still read, and new ones be the same bytes.
    #[test]
    fn the_store_entry_keeps_its_format() {
        let entry = Secret::new(r#"{"authToken":"tok-1","secretCode":"code-2"}"#);
        let c = CentagateCredentials::from_stored("p", &entry).unwrap();
        assert_eq!(
            (c.auth_token.expose(), c.secret_code.expose()),
            ("tok-1", "code-2")
        );
        assert_eq!(c.to_stored(), entry);
        let e = CentagateCredentials::from_stored("p", &Secret::new("tok-1")).unwrap_err();
        assert!(e.to_string().contains("not in TokenDesk's format"), "{e}");
    }
}
