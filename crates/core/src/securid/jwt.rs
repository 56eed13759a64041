//! The JSON Web Token every SecurID Cloud Administration call carries as
//! `Authorization: Bearer`: header `{"typ":"JWT","alg":"RS256"}`, claims `sub` = access ID,
//! `aud` = `adminRestApiUrl`, `iat` and `exp` (epoch seconds), signed RS256 with the API key
//! by the `jsonwebtoken` crate (RustCrypto). A token lives [`TOKEN_LIFETIME_SECS`] and is
//! reused until [`RENEW_BEFORE_SECS`] before it expires.

use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use super::key::{install_crypto, SecurIdKey};
use crate::error::{ConfigError, Error};
use crate::secret::Secret;

/// How long a token is valid (the server accepts at most 60 minutes).
pub const TOKEN_LIFETIME_SECS: u64 = 5 * 60;
/// A cached token is renewed when fewer seconds than this are left, so it cannot expire on
/// the way (the server tolerates 60 s of clock skew, not more).
pub const RENEW_BEFORE_SECS: u64 = 60;

/// The clock tokens are dated with (the crate's one clock trait).
pub use crate::clock::{Clock, SystemClock};

/// The claims, in the order they are serialised.
#[derive(Debug, Serialize)]
pub struct Claims<'a> {
    pub sub: &'a str,
    pub aud: &'a str,
    pub iat: u64,
    pub exp: u64,
}

struct Cached {
    token: Secret,
    exp: u64,
}

/// Signs tokens for one API key and keeps the current one.
pub struct JwtSigner {
    access_id: String,
    audience: String,
    key: EncodingKey,
    clock: Arc<dyn Clock>,
    cached: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSigner")
            .field("access_id", &self.access_id)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtSigner {
    /// A signer for `key`, reading the time from `clock`.
    pub fn new(key: &SecurIdKey, clock: Arc<dyn Clock>) -> Result<Self, Error> {
        install_crypto();
        Ok(JwtSigner {
            access_id: key.access_id().to_owned(),
            audience: key.api_url().to_owned(),
            key: key.encoding_key()?,
            clock,
            cached: Mutex::new(None),
        })
    }

    /// A new token issued at `iat`, valid [`TOKEN_LIFETIME_SECS`].
    pub fn sign_at(&self, iat: u64) -> Result<Secret, Error> {
        let claims = Claims {
            sub: &self.access_id,
            aud: &self.audience,
            iat,
            exp: iat + TOKEN_LIFETIME_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map(Secret::new)
            .map_err(|_| {
                ConfigError::KeyUnusable {
                    detail: "signing the request with it failed".into(),
                }
                .into()
            })
    }

    /// The token to send now: the cached one while more than [`RENEW_BEFORE_SECS`] of it
    /// are left, else a new one.
    pub fn bearer(&self) -> Result<Secret, Error> {
        let now = self.clock.now();
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cached.as_ref() {
            if c.exp > now + RENEW_BEFORE_SECS {
                return Ok(c.token.clone());
            }
        }
        let token = self.sign_at(now)?;
        tracing::debug!(
            iat = now,
            exp = now + TOKEN_LIFETIME_SECS,
            "signed a new API token"
        );
        *cached = Some(Cached {
            token: token.clone(),
            exp: now + TOKEN_LIFETIME_SECS,
        });
        Ok(token)
    }
}
