//! The practice SecurID API key and how the practice Cloud Access Service checks the JSON Web
//! Token of each call: `Authorization: Bearer <jwt>`, RS256 only, signed with the key's private
//! half, `aud` = the advertised adminRestApiUrl, `sub` = the access ID, `exp` required and at
//! most 60 minutes after `iat`, 60 s of clock skew tolerated. Verification is jsonwebtoken's.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};

/// Where the Cloud Administration REST API lives on a server: the adminRestApiUrl is the
/// origin followed by this.
pub const SECURID_API_PATH: &str = "/AdminInterface/restapi/v1";

/// The access ID of the built-in practice key (the JWT's `sub`).
pub const PRACTICE_ACCESS_ID: &str = "5a1e2f0c-7d3b-4c8e-9f61-0b2d4e6a8c10";

/// The `customerName` of a practice key file.
pub const PRACTICE_CUSTOMER_NAME: &str = "TokenDesk Practice";

/// The built-in practice key: a fixed RSA key committed in this crate. It is **public** (anyone
/// can read it here) and protects nothing but the practice server.
pub const PRACTICE_KEY_PEM: &str = include_str!("../keys/practice-securid-key.pem");

const PRACTICE_DESCRIPTION: &str =
    "TokenDesk practice server key: public, protects nothing but the practice server";

/// Longest a token may live: `exp` at most this many seconds after `iat`.
pub const MAX_TOKEN_LIFETIME_SECS: u64 = 3600;

/// Clock skew tolerated on `exp`, `iat` (and `nbf` if present), in seconds.
pub const CLOCK_SKEW_SECS: u64 = 60;

/// Why a SecurID API key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the SecurID key {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the SecurID key file is not the vendor's JSON key file format: {0}")]
    KeyFile(String),
    #[error("the SecurID access key is not an RSA private key in PEM (PKCS#8 or PKCS#1)")]
    NotRsaPem,
    #[error("the SecurID access ID is empty")]
    EmptyAccessId,
    #[error("cannot write the SecurID key file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The vendor's API key file, as the Cloud Administration Console downloads it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    #[serde(rename = "customerName")]
    pub customer_name: String,
    #[serde(rename = "accessID")]
    pub access_id: String,
    pub description: String,
    /// The RSA private key, PEM (the JSON has its line breaks as `\n` escapes).
    #[serde(rename = "accessKey")]
    pub access_key: String,
    #[serde(rename = "adminRestApiUrl")]
    pub admin_rest_api_url: String,
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFile")
            .field("customer_name", &self.customer_name)
            .field("access_id", &self.access_id)
            .field("description", &self.description)
            .field("access_key", &"<redacted>")
            .field("admin_rest_api_url", &self.admin_rest_api_url)
            .finish()
    }
}

impl KeyFile {
    /// The file's JSON text (pretty, like the console's download).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The API key a practice server accepts tokens from: an access ID and an RSA key pair.
#[derive(Clone)]
pub struct SecurIdKey {
    access_id: String,
    customer_name: String,
    description: String,
    private_pem: Arc<str>,
    public: Arc<DecodingKey>,
}

impl fmt::Debug for SecurIdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecurIdKey")
            .field("access_id", &self.access_id)
            .field("customer_name", &self.customer_name)
            .field("access_key", &"<redacted>")
            .finish()
    }
}

impl Default for SecurIdKey {
    fn default() -> SecurIdKey {
        SecurIdKey::practice()
    }
}

impl SecurIdKey {
    /// The built-in practice key ([`PRACTICE_KEY_PEM`], access ID [`PRACTICE_ACCESS_ID`]).
    pub fn practice() -> SecurIdKey {
        static PRACTICE: std::sync::OnceLock<SecurIdKey> = std::sync::OnceLock::new();
        PRACTICE
            .get_or_init(|| {
                let mut key = SecurIdKey::from_pem(PRACTICE_ACCESS_ID, PRACTICE_KEY_PEM)
                    .expect("the built-in practice key is a valid RSA key");
                key.customer_name = PRACTICE_CUSTOMER_NAME.into();
                key.description = PRACTICE_DESCRIPTION.into();
                key
            })
            .clone()
    }

    /// A key from an access ID and an RSA private key in PEM (PKCS#8 or PKCS#1).
    pub fn from_pem(access_id: &str, pem: &str) -> Result<SecurIdKey, KeyError> {
        if access_id.trim().is_empty() {
            return Err(KeyError::EmptyAccessId);
        }
        let pem = pem.trim();
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| KeyError::NotRsaPem)?;
        let public = DecodingKey::from_rsa_raw_components(
            &private.n().to_bytes_be(),
            &private.e().to_bytes_be(),
        );
        Ok(SecurIdKey {
            access_id: access_id.trim().to_string(),
            customer_name: PRACTICE_CUSTOMER_NAME.into(),
            description: "TokenDesk practice server key".into(),
            private_pem: Arc::from(format!("{pem}\n")),
            public: Arc::new(public),
        })
    }

    /// A key from the vendor's JSON key file text. Its `adminRestApiUrl` is not used: the
    /// practice server advertises its own. A `\n` left escaped inside `accessKey` (as some
    /// tools write it) is read as a line break.
    pub fn from_key_file_json(text: &str) -> Result<SecurIdKey, KeyError> {
        #[derive(Deserialize)]
        struct Loose {
            #[serde(rename = "customerName", default)]
            customer_name: Option<String>,
            #[serde(rename = "accessID")]
            access_id: String,
            #[serde(default)]
            description: Option<String>,
            #[serde(rename = "accessKey")]
            access_key: String,
        }
        let file: Loose =
            serde_json::from_str(text).map_err(|e| KeyError::KeyFile(e.to_string()))?;
        let pem = file.access_key.replace("\\n", "\n");
        let mut key = SecurIdKey::from_pem(&file.access_id, &pem)?;
        if let Some(name) = file.customer_name {
            key.customer_name = name;
        }
        if let Some(description) = file.description {
            key.description = description;
        }
        Ok(key)
    }

    /// Read a key: the vendor's JSON key file, or an RSA private key PEM (then the access ID
    /// is [`PRACTICE_ACCESS_ID`]).
    pub fn load(path: impl AsRef<Path>) -> Result<SecurIdKey, KeyError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if text.trim_start().starts_with('{') {
            SecurIdKey::from_key_file_json(&text)
        } else {
            SecurIdKey::from_pem(PRACTICE_ACCESS_ID, &text)
        }
    }

    /// True for the built-in public practice key (and no other): the only key the
    /// `/practice/securid/key-file` route hands out, since it needs no credentials.
    pub fn is_practice(&self) -> bool {
        self.access_id == PRACTICE_ACCESS_ID && self.private_pem.trim() == PRACTICE_KEY_PEM.trim()
    }

    /// The access ID: what a token's `sub` must be.
    pub fn access_id(&self) -> &str {
        &self.access_id
    }

    /// The private key, PEM: what a client signs tokens with.
    pub fn access_key_pem(&self) -> &str {
        &self.private_pem
    }

    /// The key file a client imports to call the server at `admin_rest_api_url`.
    pub fn key_file(&self, admin_rest_api_url: &str) -> KeyFile {
        KeyFile {
            customer_name: self.customer_name.clone(),
            access_id: self.access_id.clone(),
            description: self.description.clone(),
            access_key: self.private_pem.to_string(),
            admin_rest_api_url: admin_rest_api_url.to_string(),
        }
    }
}

/// Write `file` to `path` (created or replaced; owner-only permissions on Unix, since a key
/// file is a credential even when, as here, it is a practice one — also when `path` existed
/// with wider permissions: they are narrowed before anything is written).
pub fn write_key_file(file: &KeyFile, path: &Path) -> Result<(), KeyError> {
    let failed = |source| KeyError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(path).map_err(failed)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        out.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(failed)?;
    }
    std::io::Write::write_all(&mut out, format!("{}\n", file.to_json()).as_bytes())
        .map_err(failed)?;
    out.sync_all().map_err(failed)
}

/// Why a call's token was refused (answered with HTTP 403). The texts are short and name no
/// part of the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtRejection {
    #[error("no Authorization header")]
    MissingHeader,
    #[error("the Authorization header is not 'Bearer <token>'")]
    NotBearer,
    #[error("the token is not a JWT")]
    Malformed,
    #[error("the token's algorithm must be RS256")]
    Algorithm,
    #[error("the token's typ must be JWT")]
    Type,
    #[error("the token's signature does not verify with the API key")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token's aud is not this server's adminRestApiUrl")]
    Audience,
    #[error("the token's sub is not a known access ID")]
    Subject,
    #[error("the token lacks the claim {0}")]
    MissingClaim(&'static str),
    #[error("the token's iat is in the future")]
    IssuedInFuture,
    #[error("the token's exp is more than 60 minutes after its iat")]
    TooLong,
}

/// Checks tokens for one server: its key and its adminRestApiUrl.
#[derive(Clone)]
pub struct Verifier {
    key: SecurIdKey,
    audience: String,
    validation: Validation,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("access_id", &self.key.access_id)
            .field("audience", &self.audience)
            .finish()
    }
}

impl Verifier {
    pub fn new(key: SecurIdKey, audience: String) -> Verifier {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = CLOCK_SKEW_SECS;
        validation.set_audience(&[audience.as_str()]);
        validation.sub = Some(key.access_id.clone());
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Verifier {
            key,
            audience,
            validation,
        }
    }

    /// The key file a client imports to call this server.
    pub fn key_file(&self) -> KeyFile {
        self.key.key_file(&self.audience)
    }

    /// The key whose tokens are accepted.
    pub fn key(&self) -> &SecurIdKey {
        &self.key
    }

    /// Check an `Authorization` header value at `now` (epoch seconds).
    pub fn check(&self, authorization: Option<&[u8]>, now: u64) -> Result<(), JwtRejection> {
        let header = authorization.ok_or(JwtRejection::MissingHeader)?;
        let header = std::str::from_utf8(header).map_err(|_| JwtRejection::NotBearer)?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or(JwtRejection::NotBearer)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(JwtRejection::NotBearer);
        }
        let head = jsonwebtoken::decode_header(token).map_err(|e| match e.kind() {
            // An algorithm jsonwebtoken does not know at all ("none", ...) is still a wrong one.
            ErrorKind::Json(_) if token_alg_is_unknown(token) => JwtRejection::Algorithm,
            _ => JwtRejection::Malformed,
        })?;
        if head.alg != Algorithm::RS256 {
            return Err(JwtRejection::Algorithm);
        }
        if head
            .typ
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("JWT"))
        {
            return Err(JwtRejection::Type);
        }
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &self.key.public,
            &self.validation,
        )
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidKeyFormat
            | ErrorKind::Provider(_) => JwtRejection::Signature,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                JwtRejection::Algorithm
            }
            ErrorKind::ExpiredSignature => JwtRejection::Expired,
            ErrorKind::ImmatureSignature => JwtRejection::NotYetValid,
            ErrorKind::InvalidAudience => JwtRejection::Audience,
            ErrorKind::InvalidSubject => JwtRejection::Subject,
            ErrorKind::MissingRequiredClaim(claim) => {
                JwtRejection::MissingClaim(match claim.as_str() {
                    "exp" => "exp",
                    "aud" => "aud",
                    "sub" => "sub",
                    _ => "required",
                })
            }
            _ => JwtRejection::Malformed,
        })?;
        let claims = data.claims;
        let exp = claims
            .get("exp")
            .and_then(serde_json::Value::as_u64)
            .ok_or(JwtRejection::MissingClaim("exp"))?;
        let iat = claims
            .get("iat")
            .ok_or(JwtRejection::MissingClaim("iat"))?
            .as_u64()
            .ok_or(JwtRejection::Malformed)?;
        if iat > now.saturating_add(CLOCK_SKEW_SECS) {
            return Err(JwtRejection::IssuedInFuture);
        }
        if exp.saturating_sub(iat) > MAX_TOKEN_LIFETIME_SECS {
            return Err(JwtRejection::TooLong);
        }
        Ok(())
    }
}

/// Whether the token's header names an `alg` jsonwebtoken has no name for (such as `none`).
fn token_alg_is_unknown(token: &str) -> bool {
    let head = token.split('.').next().unwrap_or_default();
    data_encoding::BASE64URL_NOPAD
        .decode(head.trim_end_matches('=').as_bytes())
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|v| v.get("alg").is_some_and(serde_json::Value::is_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_practice_key_loads_and_round_trips_through_a_key_file() {
        let key = SecurIdKey::practice();
        assert_eq!(key.access_id(), PRACTICE_ACCESS_ID);
        let file = key.key_file("http://127.0.0.1:1/AdminInterface/restapi/v1");
        let json = file.to_json();
        assert!(json.contains("\"accessID\""), "{json}");
        assert!(json.contains("-----BEGIN PRIVATE KEY-----\\n"), "{json}");
        let again = SecurIdKey::from_key_file_json(&json).unwrap();
        assert_eq!(again.access_id(), key.access_id());
        assert_eq!(again.access_key_pem(), key.access_key_pem());
        // Escaped twice, as some tools write it.
        let doubled = json.replace("\\n", "\\\\n");
        assert!(SecurIdKey::from_key_file_json(&doubled).is_ok());
    }

    #[test]
    fn bad_keys_are_refused() {
        assert!(matches!(
            SecurIdKey::from_pem("id", "not a key"),
            Err(KeyError::NotRsaPem)
        ));
        assert!(matches!(
            SecurIdKey::from_pem(" ", PRACTICE_KEY_PEM),
            Err(KeyError::EmptyAccessId)
        ));
        assert!(matches!(
            SecurIdKey::from_key_file_json("{\"accessID\": 1}"),
            Err(KeyError::KeyFile(_))
        ));
        let debug = format!("{:?}", SecurIdKey::practice());
        assert!(!debug.contains("PRIVATE KEY"), "{debug}");
    }

    #[test]
    fn authorization_header_forms() {
        let verifier = Verifier::new(SecurIdKey::practice(), "http://x/y".into());
        assert_eq!(verifier.check(None, 0), Err(JwtRejection::MissingHeader));
        assert_eq!(
            verifier.check(Some(b"Basic abc"), 0),
            Err(JwtRejection::NotBearer)
        );
        assert_eq!(
            verifier.check(Some(b"Bearer "), 0),
            Err(JwtRejection::NotBearer)
        );
        assert_eq!(
            verifier.check(Some(b"Bearer not.a.jwt"), 0),
            Err(JwtRejection::Malformed)
        );
        // {"alg":"none","typ":"JWT"} . {} . (empty signature)
        assert_eq!(
            verifier.check(Some(b"Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.e30."), 0),
            Err(JwtRejection::Algorithm)
        );
    }
}
