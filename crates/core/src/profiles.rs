//! The profiles file: every server profile by name, kept as TOML in the platform config
//! folder. Writes are atomic (temp file + rename); a file that does not parse is reported with
//! its path and line and never overwritten. What one profile holds is [`crate::profile`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ConfigError, Error};
use crate::profile::Profile;

/// Environment variable that moves the config folder (tests, portable installs).
pub const ENV_CONFIG_DIR: &str = "TOKENDESK_CONFIG_DIR";

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
        self.change(|all| {
            if all.contains_key(&profile.name) {
                return Err(ConfigError::ProfileExists {
                    name: profile.name.clone(),
                }
                .into());
            }
            all.insert(profile.name.clone(), profile.clone());
            Ok(())
        })
    }

    /// Replaces an existing profile's settings.
    pub fn update(&self, profile: &Profile) -> Result<(), Error> {
        self.change(|all| {
            if !all.contains_key(&profile.name) {
                return Err(ConfigError::ProfileNotFound {
                    name: profile.name.clone(),
                }
                .into());
            }
            all.insert(profile.name.clone(), profile.clone());
            Ok(())
        })
    }

    /// Removes a profile; returns what it was.
    pub fn remove(&self, name: &str) -> Result<Profile, Error> {
        self.change(|all| {
            all.remove(name).ok_or_else(|| {
                ConfigError::ProfileNotFound {
                    name: name.to_owned(),
                }
                .into()
            })
        })
    }

    /// Load → change → save under an exclusive lock on `profiles.toml.lock` beside the file,
    /// so the app and several CLIs changing profiles at once each see the others' changes
    /// and lose none. Nothing is written when `f` fails.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut BTreeMap<String, Profile>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.io_error(e))?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("profiles.toml.lock"))
            .map_err(|e| self.io_error(e))?;
        lock.lock().map_err(|e| self.io_error(e))?;
        let mut all = self.load()?;
        let out = f(&mut all)?;
        self.save(all)?;
        // The lock is released when `lock` is closed, after the new file is in place.
        drop(lock);
        Ok(out)
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
    use crate::centagate::profile::ProfileDraft;

    fn draft(name: &str, url: &str) -> ProfileDraft {
        ProfileDraft {
            name: name.into(),
            url: url.into(),
            admin: "helpdesk01".into(),
            ..Default::default()
        }
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
        let mut left: Vec<String> = std::fs::read_dir(store.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["profiles.toml", "profiles.toml.lock"],
            "the file and its (empty) lock file remain, no temp files"
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
