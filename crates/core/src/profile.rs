//! One server profile: the non-secret settings for reaching one server, as `profiles.toml`
//! keeps them, and the field checks every vendor's profile draft shares (CA file, timeout,
//! base path). Below the vendor folders, so each vendor's draft can build a [`Profile`]; where
//! profiles are kept is [`crate::profiles`]' business.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::error::Error;
use crate::transport::{Endpoint, TransportSettings};
use crate::vocab::{Backend, Field};

/// The CENTAGATE web services' default base path (also what a profile without one has: the
/// file format predates other backends).
pub const DEFAULT_BASE_PATH: &str = "/CentagateWS/webresources";
/// Default total time for one call, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default time to establish a connection, in seconds.
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u64 = 10;
const MAX_TIMEOUT_SECS: u64 = 600;

/// One server profile. Holds no secret.
///
/// For a SecurID profile, `url` and `base_path` are the key file's `adminRestApiUrl` split
/// into origin and path, `admin` is the key's access ID, and `customer_name` the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Profile {
    #[serde(skip)]
    pub name: String,
    #[serde(default)]
    pub backend: Backend,
    /// A random id, given when the profile is first saved (or, for a profile from an older
    /// file, when it is first read): its secrets are filed under it in the OS credential
    /// store, not under its name, so two config folders with a profile of the same name, a
    /// rename or a case-insensitive store never share or delete each other's secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// Scheme, host and port, e.g. `https://mfa.example.com:8443`.
    pub url: String,
    /// The admin username the server signs requests for (CENTAGATE), or the API key's
    /// access ID (SecurID).
    pub admin: String,
    #[serde(default = "default_base_path")]
    pub base_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "string | null")]
    pub ca_file: Option<PathBuf>,
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_secs: u64,
    /// The SecurID tenant's name (`customerName` of the key file); absent for CENTAGATE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub customer_name: Option<String>,
    /// CENTAGATE: the Integration Key of the "Web API" app administrators sign in through.
    /// Set, the profile signs in (`tokendesk login`) and keeps the session; absent, its auth
    /// token and secret code are given directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub integration_key: Option<String>,
    /// CENTAGATE: where the sign-in calls live (e.g. `/v2/CentagateWS/webresources`), when
    /// not below `base_path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub auth_base_path: Option<String>,
}

fn default_base_path() -> String {
    DEFAULT_BASE_PATH.to_owned()
}
fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_SECS
}
fn default_connect_timeout() -> u64 {
    DEFAULT_CONNECT_TIMEOUT_SECS
}

/// The names of the profiles the desktop app's practice mode shows while its practice server
/// runs. No saved profile may take one, so practice mode never stands in for a real server's
/// profile of the same name (nor a real one for practice).
pub const PRACTICE_NAMES: [&str; 3] = ["Practice", "Practice-SecurID", "Practice-SignIn"];

/// A new random profile id: 128 bits from the operating system, as 32 lowercase hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    hex::encode(bytes)
}

/// True for a string shaped like a profile id ([`new_id`]).
pub fn is_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The server and admin identity a stored secret was given for: it signs for this profile
/// only while the profile's origin and admin are these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// Scheme, host and port, as [`Profile::url`].
    pub origin: String,
    /// The admin username (CENTAGATE) or access ID (SecurID).
    pub admin: String,
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at {}", self.admin, self.origin)
    }
}

impl Profile {
    /// The server origin and admin its secrets are bound to.
    pub fn binding(&self) -> Binding {
        Binding {
            origin: self.url.clone(),
            admin: self.admin.clone(),
        }
    }

    /// Whether going from `self` to `new` changes where or as whom its secret would sign —
    /// the URL, the base path, the admin or the CA file —, so the secret must be given again
    /// (a typo in an edited URL must never send a valid cenToken elsewhere).
    pub fn needs_secret_again(&self, new: &Profile) -> Option<crate::vocab::Field> {
        use crate::vocab::Field as F;
        if self.url != new.url {
            Some(F::Url)
        } else if self.admin != new.admin {
            Some(F::AdminUsername)
        } else if self.base_path != new.base_path {
            Some(F::BasePath)
        } else if self.ca_file != new.ca_file {
            Some(F::CaFile)
        } else {
            None
        }
    }

    /// True for a CENTAGATE profile whose administrator signs in (it has an Integration
    /// Key): its admin calls are signed with the kept session.
    pub fn signs_in(&self) -> bool {
        self.backend == Backend::Centagate && self.integration_key.is_some()
    }

    /// Where this profile's sign-in calls go: the auth base path, else the base path.
    pub fn auth_endpoint(&self) -> Endpoint {
        Endpoint {
            base_path: self
                .auth_base_path
                .clone()
                .unwrap_or_else(|| self.base_path.clone()),
            ..self.endpoint()
        }
    }

    /// The base of every call: URL + base path.
    pub fn base_url(&self) -> Result<Url, Error> {
        self.endpoint().base_url()
    }

    /// Where this profile's server is and how to reach it, as a backend client takes it.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            url: self.url.clone(),
            base_path: self.base_path.clone(),
            settings: self.transport(),
        }
    }

    /// Transport settings from this profile.
    pub fn transport(&self) -> TransportSettings {
        TransportSettings {
            ca_file: self.ca_file.clone(),
            connect_timeout: Duration::from_secs(self.connect_timeout_secs.max(1)),
            timeout: Duration::from_secs(self.timeout_secs.max(1)),
            ..TransportSettings::default()
        }
    }
}

/// An optional CA file, typed as a path: see [`checked_ca_file`].
pub(crate) fn ca_file(raw: Option<&str>) -> Result<Option<PathBuf>, Error> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => checked_ca_file(std::path::Path::new(p)).map(Some),
        None => Ok(None),
    }
}

/// A CA certificate file: a regular file, size-capped, holding at least one PEM certificate;
/// kept as its canonical path. Whatever is wrong, the answer is
/// [`crate::local_file::not_a_pem_file`] (the path could have been typed to probe the disk).
pub fn checked_ca_file(path: &std::path::Path) -> Result<PathBuf, Error> {
    let not_pem = crate::local_file::not_a_pem_file;
    let canonical = std::fs::canonicalize(path).map_err(|_| not_pem())?;
    crate::transport::ca_certificates(&canonical).ok_or_else(not_pem)?;
    Ok(canonical)
}

/// A timeout in seconds (the default when none is given), and the connect timeout that goes
/// with it.
pub(crate) fn timeouts(raw: Option<u64>) -> Result<(u64, u64), Error> {
    let timeout_secs = raw.unwrap_or(DEFAULT_TIMEOUT_SECS);
    if !(1..=MAX_TIMEOUT_SECS).contains(&timeout_secs) {
        return Err(Error::input(
            Field::Timeout,
            format!("must be between 1 and {MAX_TIMEOUT_SECS} seconds"),
        ));
    }
    Ok((timeout_secs, DEFAULT_CONNECT_TIMEOUT_SECS.min(timeout_secs)))
}

/// A base path: starts with `/`, no spaces, `?` or `#`; kept without a trailing `/`.
pub(crate) fn base_path(raw: &str) -> Result<String, Error> {
    let p = raw.trim().trim_end_matches('/');
    let ok = p.starts_with('/')
        && !p
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\'));
    if !ok {
        return Err(Error::input(
            Field::BasePath,
            "must start with / and contain no spaces, ? or #",
        ));
    }
    Ok(p.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local_file::NOT_A_PEM_FILE;

    #[test]
    fn a_typed_ca_file_is_checked_and_any_failure_says_only_not_a_readable_pem_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["ca.test".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let good = dir.path().join("ca.pem");
        std::fs::write(&good, cert.pem()).unwrap();
        let canonical = std::fs::canonicalize(&good).unwrap();
        assert_eq!(
            ca_file(Some(&format!(" {} ", good.display()))).unwrap(),
            Some(canonical)
        );
        assert_eq!(ca_file(Some("  ")).unwrap(), None);

        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let mut big = cert.pem().into_bytes();
        while big.len() as u64 <= crate::local_file::MAX_PEM_FILE_BYTES {
            big.extend_from_slice(cert.pem().as_bytes());
        }
        let bad = [
            dir.path().join("missing.pem"),
            dir.path().to_owned(),
            write("big.pem", &big),
            write("junk.pem", b"root:x:0:0:root:/root:/bin/bash\n"),
            write("key.pem", key.serialize_pem().as_bytes()),
            write("empty.pem", b""),
            std::path::PathBuf::from("/dev/zero"),
        ];
        for path in bad {
            let shown = path.display().to_string();
            match ca_file(Some(&shown)) {
                Err(
                    e @ Error::Input {
                        field: Field::CaFile,
                        ..
                    },
                ) => {
                    let info = e.info();
                    assert_eq!(
                        info.hint,
                        format!("CA certificate file: {NOT_A_PEM_FILE}. Nothing was sent to the server."),
                        "{shown}"
                    );
                    assert!(!info.title.contains(&shown) && !info.hint.contains(&shown));
                }
                other => panic!("{shown}: {other:?}"),
            }
        }
    }
}
