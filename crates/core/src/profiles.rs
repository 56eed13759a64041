//! Server profiles: the non-secret settings for reaching one server, kept as TOML in the
//! platform config folder. Writes are atomic (temp file + rename); a file that does not parse
//! is reported with its path and line and never overwritten.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::error::{ConfigError, Error};
use crate::secret::Secret;
use crate::securid::key::SecurIdKey;
use crate::transport::{check_url, Endpoint, TransportSettings};
use crate::validate;
use crate::vocab::{Backend, Field};

/// Environment variable that moves the config folder (tests, portable installs).
pub const ENV_CONFIG_DIR: &str = "TOKENDESK_CONFIG_DIR";
/// The CENTAGATE web services' default base path.
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

/// A profile as a list shows it: its settings and whether its credentials are stored (never
/// their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileSummary {
    pub name: String,
    pub profile: Profile,
    pub credentials_stored: bool,
    /// The profile practice mode created; its server runs inside the app.
    pub practice: bool,
}

/// What a person enters to create or edit a profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProfileDraft {
    pub name: String,
    pub url: String,
    pub admin: String,
    pub base_path: Option<String>,
    pub ca_file: Option<String>,
    pub timeout_secs: Option<u64>,
}

impl ProfileDraft {
    /// Checks every field and builds the profile. A URL that carries a path (e.g.
    /// `https://host/CentagateWS/webresources`) gives the base path when none is set.
    pub fn validate(&self) -> Result<Profile, Error> {
        let name = validate::profile_name(&self.name)?;
        let mut url = Url::parse(self.url.trim()).map_err(|_| {
            Error::input(
                Field::Url,
                "must be a full address such as https://mfa.example.com",
            )
        })?;
        check_url(&url)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::input(
                Field::Url,
                "must not contain a user name or password",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::input(Field::Url, "must not contain ? or #"));
        }
        let url_path = url.path().trim_end_matches('/').to_owned();
        url.set_path("");
        let base_path = match self.base_path.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => base_path(p)?,
            _ if !url_path.is_empty() => url_path,
            _ => DEFAULT_BASE_PATH.to_owned(),
        };
        let admin = validate::username(Field::AdminUsername, &self.admin)?;
        crate::centagate::client::check_admin_segment(&admin)?;
        let ca_file = ca_file(self.ca_file.as_deref())?;
        let timeout_secs = timeout(self.timeout_secs)?;
        Ok(Profile {
            name,
            backend: Backend::Centagate,
            url: url.origin().ascii_serialization(),
            admin,
            base_path,
            ca_file,
            timeout_secs,
            connect_timeout_secs: DEFAULT_CONNECT_TIMEOUT_SECS.min(timeout_secs),
            customer_name: None,
        })
    }
}

/// An optional CA file: it must exist; kept as its canonical path.
fn ca_file(raw: Option<&str>) -> Result<Option<PathBuf>, Error> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => Ok(Some(
            std::fs::canonicalize(p)
                .ok()
                .filter(|p| p.is_file())
                .ok_or_else(|| {
                    Error::input(
                        Field::CaFile,
                        format!("must be an existing file ({p} was not found)"),
                    )
                })?,
        )),
        None => Ok(None),
    }
}

fn timeout(raw: Option<u64>) -> Result<u64, Error> {
    let timeout_secs = raw.unwrap_or(DEFAULT_TIMEOUT_SECS);
    if !(1..=MAX_TIMEOUT_SECS).contains(&timeout_secs) {
        return Err(Error::input(
            Field::Timeout,
            format!("must be between 1 and {MAX_TIMEOUT_SECS} seconds"),
        ));
    }
    Ok(timeout_secs)
}

/// What a person gives to create a SecurID profile: a name and the API key file — its path
/// (CLI) or its text (the app's file picker) — plus the usual transport settings. Secrets
/// flow in only: this type cannot be serialised.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecurIdProfileDraft {
    pub name: String,
    /// Path of the key file.
    #[ts(optional)]
    pub key_file: Option<String>,
    /// The key file's text, when it was read by the caller.
    #[ts(optional, type = "string")]
    pub key_json: Option<Secret>,
    #[ts(optional)]
    pub ca_file: Option<String>,
    #[ts(optional)]
    pub timeout_secs: Option<u64>,
}

impl SecurIdProfileDraft {
    /// Reads and checks the key file and every field; returns the profile (no secret in it)
    /// and the key to store with [`crate::credentials::SecretStore::save_securid`].
    pub fn validate(&self) -> Result<(Profile, SecurIdKey), Error> {
        let name = validate::profile_name(&self.name)?;
        let path = self
            .key_file
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let key =
            match (path, &self.key_json) {
                (Some(_), Some(_)) => {
                    return Err(Error::input(
                        Field::KeyFile,
                        "give the key file's path or its text, not both",
                    ))
                }
                (Some(p), None) => SecurIdKey::from_file(Path::new(p))?,
                (None, Some(text)) => SecurIdKey::from_json(text.expose())?,
                (None, None) => return Err(Error::input(
                    Field::KeyFile,
                    "must be given: the .json API key file from the Cloud Administration Console",
                )),
            };
        let profile = securid_profile(
            name,
            &key,
            ca_file(self.ca_file.as_deref())?,
            timeout(self.timeout_secs)?,
        );
        Ok((profile, key))
    }
}

impl SecurIdProfileDraft {
    /// Edits an existing SecurID profile without a new key file: the same key (URL, access
    /// ID, customer), this draft's CA file and timeout. A draft that carries a key, another
    /// name or a profile of another backend is refused.
    pub fn revise(&self, existing: &Profile) -> Result<Profile, Error> {
        let name = validate::profile_name(&self.name)?;
        let has_key = self.key_json.is_some()
            || self
                .key_file
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty());
        if has_key {
            return Err(Error::input(
                Field::KeyFile,
                "a new key file makes a new profile: use validate",
            ));
        }
        if name != existing.name {
            return Err(ConfigError::ProfileNotFound { name }.into());
        }
        if existing.backend != Backend::SecurId {
            return Err(ConfigError::Unsupported {
                profile: existing.name.clone(),
                backend: existing.backend.label().to_owned(),
                action: "use a SecurID API key".to_owned(),
            }
            .into());
        }
        let timeout_secs = timeout(self.timeout_secs)?;
        Ok(Profile {
            ca_file: ca_file(self.ca_file.as_deref())?,
            timeout_secs,
            connect_timeout_secs: DEFAULT_CONNECT_TIMEOUT_SECS.min(timeout_secs),
            ..existing.clone()
        })
    }
}

/// The profile of a SecurID key: its URL split into origin and path, its access ID.
fn securid_profile(
    name: String,
    key: &SecurIdKey,
    ca_file: Option<PathBuf>,
    timeout_secs: u64,
) -> Profile {
    let url = key.base_url();
    Profile {
        name,
        backend: Backend::SecurId,
        url: url.origin().ascii_serialization(),
        admin: key.access_id().to_owned(),
        base_path: url.path().trim_end_matches('/').to_owned(),
        ca_file,
        timeout_secs,
        connect_timeout_secs: DEFAULT_CONNECT_TIMEOUT_SECS.min(timeout_secs),
        customer_name: Some(key.customer_name().to_owned()),
    }
}

fn base_path(raw: &str) -> Result<String, Error> {
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

impl Profile {
    /// Checks a key belongs to this profile: the same access ID and API URL.
    pub fn check_key(&self, key: &SecurIdKey) -> Result<(), Error> {
        let mismatch = |detail: String| {
            Err(ConfigError::KeyMismatch {
                profile: self.name.clone(),
                detail,
            }
            .into())
        };
        if key.access_id() != self.admin {
            return mismatch(format!(
                "the key's access ID is {}, the profile's {}",
                key.access_id(),
                self.admin
            ));
        }
        let ours = self.base_url()?;
        if key.base_url() != ours {
            return mismatch(format!(
                "the key is for {}, the profile for {ours}",
                key.base_url()
            ));
        }
        Ok(())
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

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// The profiles file.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    path: PathBuf,
}

impl ProfileStore {
    /// The store in `TOKENDESK_CONFIG_DIR`, or the platform config folder.
    pub fn open_default() -> Result<Self, Error> {
        let dir = match std::env::var_os(ENV_CONFIG_DIR).filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => directories::ProjectDirs::from("", "", "tokendesk")
                .map(|d| d.config_dir().to_path_buf())
                .ok_or_else(|| ConfigError::Io {
                    path: "(config folder)".into(),
                    detail: format!("no home folder found; set {ENV_CONFIG_DIR}"),
                })?,
        };
        Ok(Self::in_dir(&dir))
    }

    /// The store in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        ProfileStore {
            path: dir.join("profiles.toml"),
        }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All profiles, by name. A missing file is an empty list.
    pub fn load(&self) -> Result<BTreeMap<String, Profile>, Error> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(self.io_error(e)),
        };
        let file: ProfilesFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            ConfigError::Corrupt {
                path: self.path.display().to_string(),
                line,
                detail: e.message().to_owned(),
            }
        })?;
        Ok(file
            .profiles
            .into_iter()
            .map(|(name, mut p)| {
                p.name.clone_from(&name);
                (name, p)
            })
            .collect())
    }

    /// One profile by name.
    pub fn get(&self, name: &str) -> Result<Profile, Error> {
        self.load()?.remove(name).ok_or_else(|| {
            ConfigError::ProfileNotFound {
                name: name.to_owned(),
            }
            .into()
        })
    }

    /// The profile to use: the one named, else `TOKENDESK_PROFILE`'s, else the only one.
    pub fn choose(&self, name: Option<&str>) -> Result<Profile, Error> {
        if let Some(n) = name.filter(|n| !n.is_empty()) {
            return self.get(n);
        }
        let all = self.load()?;
        match all.len() {
            1 => Ok(all.into_values().next().expect("one profile")),
            _ => Err(ConfigError::NoProfileChosen {
                available: all.into_keys().collect(),
            }
            .into()),
        }
    }

    /// Adds a new profile; refuses to replace one of the same name.
    pub fn add(&self, profile: &Profile) -> Result<(), Error> {
        let mut all = self.load()?;
        if all.contains_key(&profile.name) {
            return Err(ConfigError::ProfileExists {
                name: profile.name.clone(),
            }
            .into());
        }
        all.insert(profile.name.clone(), profile.clone());
        self.save(all)
    }

    /// Replaces an existing profile's settings.
    pub fn update(&self, profile: &Profile) -> Result<(), Error> {
        let mut all = self.load()?;
        if !all.contains_key(&profile.name) {
            return Err(ConfigError::ProfileNotFound {
                name: profile.name.clone(),
            }
            .into());
        }
        all.insert(profile.name.clone(), profile.clone());
        self.save(all)
    }

    /// Removes a profile; the caller removes its secrets.
    pub fn remove(&self, name: &str) -> Result<Profile, Error> {
        let mut all = self.load()?;
        let removed = all
            .remove(name)
            .ok_or_else(|| ConfigError::ProfileNotFound {
                name: name.to_owned(),
            })?;
        self.save(all)?;
        Ok(removed)
    }

    fn save(&self, profiles: BTreeMap<String, Profile>) -> Result<(), Error> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.io_error(e))?;
        let mut text = String::from(
            "# TokenDesk server profiles. No secrets here: auth tokens and secret codes live in\n\
             # the operating system's credential store.\n\n",
        );
        text.push_str(
            &toml::to_string_pretty(&ProfilesFile { profiles }).expect("profiles serialise"),
        );
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| self.io_error(e))?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| self.io_error(e))?;
        tmp.as_file().sync_all().map_err(|e| self.io_error(e))?;
        tmp.persist(&self.path)
            .map_err(|e| self.io_error(e.error))?;
        Ok(())
    }

    fn io_error(&self, e: std::io::Error) -> Error {
        ConfigError::Io {
            path: self.path.display().to_string(),
            detail: e.to_string(),
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str, url: &str) -> ProfileDraft {
        ProfileDraft {
            name: name.into(),
            url: url.into(),
            admin: "helpdesk01".into(),
            ..Default::default()
        }
    }

    #[test]
    fn drafts_become_profiles() {
        let p = draft("prod", "https://mfa.example.com").validate().unwrap();
        assert_eq!(
            p.base_url().unwrap().as_str(),
            "https://mfa.example.com/CentagateWS/webresources"
        );
        let p = draft(
            "v2",
            "https://mfa.example.com:8443/v2/CentagateWS/webresources/",
        )
        .validate()
        .unwrap();
        assert_eq!(
            (p.url.as_str(), p.base_path.as_str()),
            (
                "https://mfa.example.com:8443",
                "/v2/CentagateWS/webresources"
            )
        );
        let mut d = draft("x", "http://127.0.0.1:8790");
        d.base_path = Some("/custom/ws/".into());
        assert_eq!(
            d.validate().unwrap().base_url().unwrap().as_str(),
            "http://127.0.0.1:8790/custom/ws"
        );
    }

    #[test]
    fn bad_drafts_name_the_field() {
        let field = |d: ProfileDraft| match d.validate().unwrap_err() {
            Error::Input { field, .. } => field,
            e => panic!("{e:?}"),
        };
        assert_eq!(field(draft("a b", "https://h")), Field::ProfileName);
        assert_eq!(field(draft("a", "mfa.example.com")), Field::Url);
        assert_eq!(field(draft("a", "http://mfa.example.com")), Field::Url);
        assert_eq!(field(draft("a", "https://u:p@mfa.example.com")), Field::Url);
        let mut d = draft("a", "https://h");
        d.admin = " ".into();
        assert_eq!(field(d), Field::AdminUsername);
        let mut d = draft("a", "https://h");
        d.timeout_secs = Some(0);
        assert_eq!(field(d), Field::Timeout);
        let mut d = draft("a", "https://h");
        d.ca_file = Some("/nonexistent/ca.pem".into());
        assert_eq!(field(d), Field::CaFile);
        let mut d = draft("a", "https://h");
        d.base_path = Some("no-slash".into());
        assert_eq!(field(d), Field::BasePath);
    }

    #[test]
    fn add_get_remove_round_trip_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(&dir.path().join("nested"));
        assert!(store.load().unwrap().is_empty());
        let p = draft("prod", "https://mfa.example.com").validate().unwrap();
        store.add(&p).unwrap();
        assert!(matches!(
            store.add(&p),
            Err(Error::Config(ConfigError::ProfileExists { .. }))
        ));
        assert_eq!(store.get("prod").unwrap(), p);
        assert_eq!(store.choose(None).unwrap(), p);
        store
            .add(&draft("test", "https://t.example.com").validate().unwrap())
            .unwrap();
        assert!(matches!(
            store.choose(None),
            Err(Error::Config(ConfigError::NoProfileChosen { .. }))
        ));
        assert_eq!(store.remove("prod").unwrap(), p);
        assert!(matches!(
            store.get("prod"),
            Err(Error::Config(ConfigError::ProfileNotFound { .. }))
        ));
        let leftovers: Vec<_> = std::fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(
            leftovers.len(),
            1,
            "only profiles.toml remains, no temp files"
        );
    }

    #[test]
    fn a_corrupt_file_is_reported_with_path_and_line_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path());
        let bad = "[profiles.prod]\nurl = \"https://h\"\nadmin = \n";
        std::fs::write(store.path(), bad).unwrap();
        match store.load().unwrap_err() {
            Error::Config(ConfigError::Corrupt { path, line, .. }) => {
                assert_eq!(path, store.path().display().to_string());
                assert_eq!(line, 3);
            }
            e => panic!("{e:?}"),
        }
        let p = draft("x", "https://h").validate().unwrap();
        assert!(store.add(&p).is_err());
        assert_eq!(
            std::fs::read_to_string(store.path()).unwrap(),
            bad,
            "never overwritten"
        );
    }
}
