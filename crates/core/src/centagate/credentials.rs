//! The credentials a CENTAGATE admin call is signed with — the admin session's auth token and
//! secret code — and where automation supplies them instead of the store: the environment.
//! Where they are kept is [`crate::credentials`]' business; this backend only uses them.

use serde::Deserialize;

use crate::error::{ConfigError, Error};
use crate::secret::Secret;
use crate::vocab::Field;

/// Environment variable carrying the auth token for automation.
pub const ENV_AUTH_TOKEN: &str = "TOKENDESK_AUTH_TOKEN";
/// Environment variable carrying the secret code for automation.
pub const ENV_SECRET_CODE: &str = "TOKENDESK_SECRET_CODE";

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
}
