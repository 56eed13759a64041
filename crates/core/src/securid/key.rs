//! The SecurID Cloud Administration API key file, as the Cloud Administration Console
//! downloads it: `{customerName, accessID, description, accessKey, adminRestApiUrl}`, where
//! `accessKey` is an RSA private key in PEM (PKCS#1 or PKCS#8). The whole file is a
//! credential; only its access ID, URL and customer name go into a profile.
//!
//! Every problem is reported as an `Input` error on [`Field::KeyFile`] naming what is wrong,
//! and never quoting the key.

use std::path::Path;
use std::sync::Once;

use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;
use url::Url;

use super::ENV_KEY_FILE;
use crate::error::{ConfigError, Error};
use crate::secret::{Secret, SecretKind};
use crate::transport::check_url;
use crate::vocab::Field;

/// How people are told about a SecurID API key.
pub static SECRET: SecretKind = SecretKind {
    word: "API key",
    title: "SecurID API key",
    plural: false,
    env: &[ENV_KEY_FILE],
    env_source: "the key file TOKENDESK_SECURID_KEY_FILE names",
    restore_in_window: "Import the API key file again (Edit the profile, then Replace key file), or set TOKENDESK_SECURID_KEY_FILE to the key file's path.",
    restore_in_cli: |_| {
        "Import the API key file again (remove the profile and add it with the key file), or set TOKENDESK_SECURID_KEY_FILE to the key file's path.".to_owned()
    },
};

/// Largest key file accepted; a real one is about 2 KB.
pub const MAX_KEY_FILE_BYTES: usize = 64 * 1024;

/// An imported API key: who signs (the access ID), for which tenant (the API URL, which is
/// also the JWT audience), and the RSA private key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct SecurIdKey {
    access_id: String,
    api_url: String,
    customer_name: String,
    description: Option<String>,
    access_key: Secret,
}

impl std::fmt::Debug for SecurIdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurIdKey")
            .field("access_id", &self.access_id)
            .field("api_url", &self.api_url)
            .field("customer_name", &self.customer_name)
            .field("access_key", &self.access_key)
            .finish_non_exhaustive()
    }
}

fn bad(rule: impl Into<String>) -> Error {
    Error::input(Field::KeyFile, rule)
}

impl SecurIdKey {
    /// Reads and checks the key file at `path`: a regular file of at most
    /// [`MAX_KEY_FILE_BYTES`]. The path may have been typed to probe the disk, so whatever is
    /// wrong — no such file, a folder, too big, unreadable, not a key file — the answer is
    /// [`crate::local_file::not_a_key_file`] and says nothing more ([`Self::from_json`] says
    /// what is wrong with a key file's text).
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let bytes = crate::local_file::read_capped(path, MAX_KEY_FILE_BYTES as u64)
            .ok_or_else(crate::local_file::not_a_key_file)?;
        let text =
            Secret::new(String::from_utf8(bytes).map_err(|_| crate::local_file::not_a_key_file())?);
        Self::from_json(text.expose()).map_err(|_| crate::local_file::not_a_key_file())
    }

    /// Parses and checks the text of a key file.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_KEY_FILE_BYTES {
            return Err(bad(format!(
                "is larger than {MAX_KEY_FILE_BYTES} bytes: not an API key file"
            )));
        }
        // serde_json's messages may quote the text; only its position is reported.
        let value: Value = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "is not JSON (line {}, column {}): use the .json file the Cloud Administration Console downloads",
                e.line(),
                e.column()
            ))
        })?;
        let Value::Object(map) = value else {
            return Err(bad(
                "is JSON but not an object with customerName, accessID, accessKey and adminRestApiUrl",
            ));
        };
        let field = |name: &str| -> Result<String, Error> {
            match map.get(name) {
                None | Some(Value::Null) => Err(bad(format!("{name} is missing"))),
                Some(Value::String(s)) if s.trim().is_empty() => {
                    Err(bad(format!("{name} is empty")))
                }
                Some(Value::String(s)) => Ok(s.trim().to_owned()),
                Some(_) => Err(bad(format!("{name} must be a string"))),
            }
        };
        // Shown on screen: cleaned like any text from outside.
        let customer_name = crate::text::clean(&field("customerName")?, crate::text::SHORT);
        if customer_name.is_empty() {
            return Err(bad("customerName has no printable text".to_owned()));
        }
        let access_id = field("accessID")?;
        let api_url = field("adminRestApiUrl")?;
        let access_key = Secret::new(field("accessKey")?);
        let description = match map.get("description") {
            Some(Value::String(s)) => crate::text::clean_opt(Some(s.clone()), crate::text::SHORT),
            _ => None,
        };
        if access_id.chars().count() > 256 || access_id.chars().any(char::is_control) {
            return Err(bad(
                "accessID must be at most 256 characters without control characters",
            ));
        }
        check_api_url(&api_url)?;
        let access_key = normalise_pem(&access_key);
        encoding_key(&access_key)?;
        Ok(SecurIdKey {
            access_id,
            api_url,
            customer_name,
            description,
            access_key,
        })
    }

    /// The access ID: the JWT's `sub`.
    pub fn access_id(&self) -> &str {
        &self.access_id
    }

    /// `adminRestApiUrl` exactly as the key file gives it: the JWT's `aud`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// The tenant's name.
    pub fn customer_name(&self) -> &str {
        &self.customer_name
    }

    /// The key's description in the console, when it has one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The API base URL (parsed, trailing `/` removed) that calls go to.
    pub fn base_url(&self) -> Url {
        // Checked in from_json.
        let trimmed = self.api_url.trim_end_matches('/');
        Url::parse(trimmed).expect("checked when the key was read")
    }

    /// The RSA private key, ready for signing.
    pub(crate) fn encoding_key(&self) -> Result<EncodingKey, Error> {
        encoding_key(&self.access_key)
    }

    /// The key file named by `TOKENDESK_SECURID_KEY_FILE`, when it is set (automation).
    pub fn from_env() -> Result<Option<Self>, Error> {
        match std::env::var_os(ENV_KEY_FILE).filter(|v| !v.is_empty()) {
            Some(path) => Self::from_file(Path::new(&path)).map(Some),
            None => Ok(None),
        }
    }

    /// Reads the credential store's entry for `profile` (the key file as
    /// [`SecurIdKey::to_stored`] wrote it).
    pub(crate) fn from_stored(profile: &str, entry: &Secret) -> Result<Self, Error> {
        // The parser's words name what is wrong without quoting the key.
        Self::from_json(entry.expose()).map_err(|e| {
            ConfigError::StoreFailed {
                detail: format!(
                    "the stored entry for profile '{profile}' is not a usable SecurID API key ({e})"
                ),
            }
            .into()
        })
    }

    /// The key file again, for the credential store (the same format, so it is read back
    /// with [`SecurIdKey::from_json`]).
    pub(crate) fn to_stored(&self) -> Secret {
        // Borrowed fields: the only copy of the key made is the output, itself a Secret.
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Stored<'a> {
            customer_name: &'a str,
            #[serde(rename = "accessID")]
            access_id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: Option<&'a str>,
            access_key: &'a str,
            admin_rest_api_url: &'a str,
        }
        Secret::new(
            serde_json::to_string(&Stored {
                customer_name: &self.customer_name,
                access_id: &self.access_id,
                description: self.description.as_deref(),
                access_key: self.access_key.expose(),
                admin_rest_api_url: &self.api_url,
            })
            .expect("strings serialise"),
        )
    }
}

fn check_api_url(raw: &str) -> Result<(), Error> {
    let rule = "adminRestApiUrl must be an https:// address such as https://tenant.access.securid.com/AdminInterface/restapi/v1 (plain http:// only for this computer: localhost, 127.0.0.1, [::1])";
    let url = Url::parse(raw.trim_end_matches('/')).map_err(|_| bad(rule))?;
    check_url(&url).map_err(|_| bad(rule))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "adminRestApiUrl must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("adminRestApiUrl must not contain ? or #"));
    }
    Ok(())
}

/// Some tools write the PEM with `\n` escapes left in (a literal backslash and `n`), or on
/// one line; this puts real line breaks back. Windows line ends become `\n`.
fn normalise_pem(key: &Secret) -> Secret {
    let k = key.expose().trim();
    let k = if !k.contains('\n') && k.contains("\\n") {
        k.replace("\\r\\n", "\n").replace("\\n", "\n")
    } else {
        k.replace("\r\n", "\n")
    };
    Secret::new(k.trim())
}

/// The first PEM label (`RSA PRIVATE KEY`, `PRIVATE KEY`, ...), if any.
fn pem_label(pem: &str) -> Option<&str> {
    let start = pem.find("-----BEGIN ")? + "-----BEGIN ".len();
    let rest = &pem[start..];
    let end = rest.find("-----")?;
    Some(rest[..end].trim())
}

/// Checks `pem` is an unencrypted RSA private key in PKCS#1 or PKCS#8 PEM and that
/// jsonwebtoken can sign with it; names the problem otherwise.
fn encoding_key(pem: &Secret) -> Result<EncodingKey, Error> {
    let text = pem.expose();
    let Some(label) = pem_label(text) else {
        return Err(bad(
            "accessKey is not a PEM private key (no -----BEGIN ... PRIVATE KEY----- line)",
        ));
    };
    let encrypted = "accessKey is encrypted with a passphrase; import the unencrypted key file as the Cloud Administration Console downloads it";
    match label {
        "ENCRYPTED PRIVATE KEY" => return Err(bad(encrypted)),
        "RSA PRIVATE KEY" if text.contains("Proc-Type: 4,ENCRYPTED") => return Err(bad(encrypted)),
        "RSA PRIVATE KEY" | "PRIVATE KEY" => {}
        "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
            return Err(bad(format!(
                "accessKey holds a {} instead of the RSA private key",
                if label == "CERTIFICATE" {
                    "certificate"
                } else {
                    "public key"
                }
            )))
        }
        "EC PRIVATE KEY" => return Err(bad("accessKey is an EC key, not an RSA private key")),
        "OPENSSH PRIVATE KEY" => {
            return Err(bad(
                "accessKey is an OpenSSH key, not an RSA private key in PKCS#1 or PKCS#8 PEM",
            ))
        }
        other if other.len() <= 40 && other.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => {
            return Err(bad(format!(
                "accessKey is a PEM \"{other}\", not an RSA private key"
            )))
        }
        _ => return Err(bad("accessKey is not a PEM private key")),
    }
    let damaged = "accessKey is damaged: its PEM text does not decode to an RSA private key";
    let key = match EncodingKey::from_rsa_pem(text.as_bytes()) {
        Ok(k) => k,
        Err(_) if label == "PRIVATE KEY" => {
            let what = if EncodingKey::from_ec_pem(text.as_bytes()).is_ok() {
                "an EC key"
            } else if EncodingKey::from_ed_pem(text.as_bytes()).is_ok() {
                "an Ed25519 key"
            } else {
                "not an RSA private key, or is damaged"
            };
            return Err(bad(format!(
                "accessKey is {what}; an RSA private key is needed"
            )));
        }
        Err(_) => return Err(bad(damaged)),
    };
    // The PEM parser checks the structure only; a trial signature proves the key works.
    install_crypto();
    jsonwebtoken::crypto::sign(b"tokendesk key check", &key, Algorithm::RS256)
        .map_err(|_| bad(damaged))?;
    Ok(key)
}

/// Chooses jsonwebtoken's RustCrypto provider for the process, so the choice does not hang
/// on which crate features another crate of the build turned on. Here, not in `jwt`, because
/// the key check signs first; the signer calls it too.
pub(crate) fn install_crypto() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means a provider is already installed; either one signs RS256 the same way.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_labels() {
        assert_eq!(
            pem_label("x\n-----BEGIN RSA PRIVATE KEY-----\nabc"),
            Some("RSA PRIVATE KEY")
        );
        assert_eq!(pem_label("no pem"), None);
    }

    #[test]
    fn escaped_newlines_are_restored() {
        let k = normalise_pem(&Secret::new(
            "-----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n-----END RSA PRIVATE KEY-----\\n",
        ));
        assert_eq!(
            k.expose(),
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"
        );
        let k = normalise_pem(&Secret::new("a\r\nb\r\n"));
        assert_eq!(k.expose(), "a\nb");
    }
}
