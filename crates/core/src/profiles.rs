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

/// A credential-store entry being written or deleted: its profile id, and the process doing
/// it. Named in the file before the entry is written (or after its profile is removed) and
/// dropped once the change is complete, so no TokenDesk entry is ever named nowhere: one
/// left here by a process that died is an orphan, offered for clean-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSecret {
    pub id: String,
    pub pid: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    /// Entries in flight (see [`PendingSecret`]); before the profiles so TOML keeps it a
    /// plain array of tables at the top.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending: Vec<PendingSecret>,
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

    /// All profiles, by name. A missing file is an empty list. A profile without an id (from
    /// an older file, or added by hand) is given one, written back under the lock; when the
    /// file cannot be written it is returned without one (its secrets then stay filed under
    /// its name).
    pub fn load(&self) -> Result<BTreeMap<String, Profile>, Error> {
        let all = self.read()?.profiles;
        if !needs_ids(&all) {
            return Ok(all);
        }
        match self.change_file(|file| {
            give_ids(&mut file.profiles);
            Ok(())
        }) {
            Ok(()) => Ok(self.read()?.profiles),
            Err(_) => Ok(all),
        }
    }

    /// The credential-store entries named as in flight (see [`PendingSecret`]).
    pub fn pending(&self) -> Result<Vec<PendingSecret>, Error> {
        Ok(self.read()?.pending)
    }

    /// Names `id` as in flight for this process, before its entry is written.
    pub fn mark_pending(&self, id: &str) -> Result<(), Error> {
        self.change_file(|file| {
            mark(&mut file.pending, id);
            Ok(())
        })
    }

    /// Drops `ids` from the entries in flight (their change is complete, or they were
    /// cleaned up).
    pub fn clear_pending(&self, ids: &[&str]) -> Result<(), Error> {
        self.change_file(|file| {
            file.pending.retain(|p| !ids.contains(&p.id.as_str()));
            Ok(())
        })
    }

    fn read(&self) -> Result<ProfilesFile, Error> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ProfilesFile::default())
            }
            Err(e) => return Err(self.io_error(e)),
        };
        let mut file: ProfilesFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            ConfigError::Corrupt {
                path: self.path.display().to_string(),
                line,
                detail: e.message().to_owned(),
            }
        })?;
        for (name, p) in file.profiles.iter_mut() {
            p.name.clone_from(name);
        }
        Ok(file)
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

    /// Adds a new profile; refuses to replace one of the same name. One without an id is
    /// given one.
    pub fn add(&self, profile: &Profile) -> Result<(), Error> {
        self.put(profile, false).map(|_| ())
    }

    /// Replaces an existing profile's settings.
    pub fn update(&self, profile: &Profile) -> Result<(), Error> {
        self.put(profile, true).map(|_| ())
    }

    /// Adds (`replace` false) or replaces (`replace` true) `profile`, in one write with its
    /// secret's bookkeeping: its id leaves the entries in flight, and the id it had before,
    /// when that changed, joins them (its entry is deleted next). Returns the profile as it
    /// was before, on replace.
    pub fn put(&self, profile: &Profile, replace: bool) -> Result<Option<Profile>, Error> {
        self.change_file(|file| {
            let all = &mut file.profiles;
            let old = all.get(&profile.name).cloned();
            match (replace, &old) {
                (false, Some(_)) => {
                    return Err(ConfigError::ProfileExists {
                        name: profile.name.clone(),
                    }
                    .into())
                }
                (true, None) => {
                    return Err(ConfigError::ProfileNotFound {
                        name: profile.name.clone(),
                    }
                    .into())
                }
                _ => {}
            }
            let mut profile = profile.clone();
            if profile.id.is_none() {
                profile.id = Some(crate::profile::new_id());
            }
            let id = profile.id.clone().expect("an id");
            file.pending.retain(|p| p.id != id);
            if let Some(old_id) = old.as_ref().and_then(|o| o.id.as_deref()) {
                if old_id != id {
                    mark(&mut file.pending, old_id);
                }
            }
            all.insert(profile.name.clone(), profile);
            Ok(old)
        })
    }

    /// Removes a profile; returns what it was. Its id joins the entries in flight, in the
    /// same write, until its secrets are deleted ([`ProfileStore::clear_pending`]).
    pub fn remove(&self, name: &str) -> Result<Profile, Error> {
        self.change_file(|file| {
            let gone = file.profiles.remove(name).ok_or_else(|| -> Error {
                ConfigError::ProfileNotFound {
                    name: name.to_owned(),
                }
                .into()
            })?;
            if let Some(id) = gone.id.as_deref() {
                mark(&mut file.pending, id);
            }
            Ok(gone)
        })
    }

    /// Load → change → save under an exclusive lock on `profiles.toml.lock` beside the file,
    /// so the app and several CLIs changing profiles at once each see the others' changes
    /// and lose none. Nothing is written when `f` fails.
    fn change_file<T>(
        &self,
        f: impl FnOnce(&mut ProfilesFile) -> Result<T, Error>,
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
        let mut file = self.read()?;
        give_ids(&mut file.profiles);
        let out = f(&mut file)?;
        self.save(file)?;
        // The lock is released when `lock` is closed, after the new file is in place.
        drop(lock);
        Ok(out)
    }

    fn save(&self, file: ProfilesFile) -> Result<(), Error> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| self.io_error(e))?;
        let mut text = String::from(
            "# TokenDesk server profiles. No secrets here: auth tokens and secret codes live in\n\
             # the operating system's credential store.\n\n",
        );
        text.push_str(&toml::to_string_pretty(&file).expect("profiles serialise"));
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| self.io_error(e))?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| self.io_error(e))?;
        tmp.as_file().sync_all().map_err(|e| self.io_error(e))?;
        tmp.persist(&self.path)
            .map_err(|e| self.io_error(e.error))?;
        sync_dir(dir);
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

/// Makes the rename durable: the folder's entry is flushed too (Unix; elsewhere the rename is
/// as durable as the system makes it).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn mark(pending: &mut Vec<PendingSecret>, id: &str) {
    if !pending.iter().any(|p| p.id == id) {
        pending.push(PendingSecret {
            id: id.to_owned(),
            pid: i64::from(std::process::id()),
        });
    }
}

/// True when a profile has no id, or shares its id with another.
fn needs_ids(all: &BTreeMap<String, Profile>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    all.values().any(|p| {
        !p.id
            .as_deref()
            .is_some_and(|id| crate::profile::is_id(id) && seen.insert(id))
    })
}

/// Gives every profile without a (well-formed) id one, and a copied one (two profiles with the
/// same id, by hand) a new one for the second (in name order).
fn give_ids(all: &mut BTreeMap<String, Profile>) {
    let mut seen = std::collections::BTreeSet::new();
    for p in all.values_mut() {
        let fine =
            p.id.as_deref()
                .is_some_and(|id| crate::profile::is_id(id) && seen.insert(id.to_owned()));
        if !fine {
            let id = crate::profile::new_id();
            seen.insert(id.clone());
            p.id = Some(id);
        }
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
        let mut with_id = store.get("prod").unwrap();
        assert!(with_id.id.as_deref().is_some_and(crate::profile::is_id));
        with_id.id = None;
        assert_eq!(with_id, p, "saved with a random id");
        let p = store.get("prod").unwrap();
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

    /// Profiles from an older file are given ids once (kept on every later read); a copied
    /// id (a block copied by hand) is replaced for the second; removing names the id as in
    /// flight until its entries are gone.
    #[test]
    fn ids_are_given_once_and_never_shared() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::in_dir(dir.path());
        std::fs::write(
            store.path(),
            "[profiles.a]\nurl = \"https://h\"\nadmin = \"x\"\n[profiles.b]\nurl = \"https://h\"\nadmin = \"y\"\n",
        )
        .unwrap();
        let first = store.load().unwrap();
        let (a, b) = (
            first["a"].id.clone().unwrap(),
            first["b"].id.clone().unwrap(),
        );
        assert_ne!(a, b);
        assert_eq!(store.load().unwrap(), first, "given once");
        let text = std::fs::read_to_string(store.path()).unwrap();
        std::fs::write(store.path(), text.replace(&b, &a)).unwrap();
        let again = store.load().unwrap();
        assert_eq!(again["a"].id.as_deref(), Some(a.as_str()));
        assert!(again["b"]
            .id
            .as_deref()
            .is_some_and(|id| id != a && id != b));
        let gone = store.remove("a").unwrap();
        assert_eq!(gone.id.as_deref(), Some(a.as_str()));
        assert_eq!(store.pending().unwrap()[0].id, a);
        store.clear_pending(&[&a]).unwrap();
        assert!(store.pending().unwrap().is_empty());
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
