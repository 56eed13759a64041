//! The system's open and save dialogs, opened from Rust (the webview has no dialog or file
//! permission) and parented to the window, with two stand-ins:
//!
//! - the command-layer tests set a chooser in the app's state (no window system answers a
//!   dialog there);
//! - an app started for automation on purpose (`TOKENDESK_APP_AUTOMATION=1`) takes the answer
//!   from `TOKENDESK_APP_AUTOMATION_OPEN_FILE` / `TOKENDESK_APP_AUTOMATION_SAVE_FILE`, since
//!   WebDriver cannot drive a native dialog. Without automation those variables are ignored.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use tauri_plugin_dialog::DialogExt;
use tokendesk_core::vocab::Field;
use tokendesk_core::{ConfigError, Error};
use ts_rs::TS;

use crate::state::{AppState, ExportPathChooser};

/// The file the open dialog answers in an app started for automation.
pub const ENV_OPEN_FILE: &str = "TOKENDESK_APP_AUTOMATION_OPEN_FILE";
/// The file the save dialog answers in an app started for automation.
pub const ENV_SAVE_FILE: &str = "TOKENDESK_APP_AUTOMATION_SAVE_FILE";

/// A file chosen in the open dialog (a profile's key or CA file, a bulk job's CSV): the handle
/// the window passes back, and the file's name to show. Never its path: the window cannot name
/// a file for the backend to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChosenFile {
    pub handle: String,
    pub name: String,
}

/// The files chosen in the open dialog for profiles (API key files, CA certificate files),
/// by handle. A handle answers only for the field it was chosen for.
#[derive(Default)]
pub struct ChosenFiles {
    files: Mutex<HashMap<String, (Field, PathBuf)>>,
    next: AtomicU64,
}

impl ChosenFiles {
    /// Keeps `path`, chosen for `field`; its handle and name for the window.
    pub fn keep(&self, field: Field, path: PathBuf) -> ChosenFile {
        let handle = format!("file-{}", self.next.fetch_add(1, Ordering::SeqCst) + 1);
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        self.lock().insert(handle.clone(), (field, path));
        ChosenFile { handle, name }
    }

    /// The file chosen for `field` under `handle`.
    pub fn path(&self, field: Field, handle: &str) -> Result<PathBuf, Error> {
        match self.lock().get(handle) {
            Some((f, path)) if *f == field => Ok(path.clone()),
            _ => Err(Error::input(
                field,
                "must be chosen again (this app no longer holds it)",
            )),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Field, PathBuf)>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What a dialog is for: its title, its file filter, and the file name it suggests.
pub struct Ask<'a> {
    pub title: &'a str,
    pub filter: (&'a str, &'a [&'a str]),
    pub name: Option<&'a str>,
}

/// The automation stand-in's answer: the file named by `file`, only when `automation` is `1`.
pub fn automation_answer(automation: Option<OsString>, file: Option<OsString>) -> Option<PathBuf> {
    automation
        .filter(|a| a == "1")
        .and(file)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
}

fn from_env(var: &str) -> Option<PathBuf> {
    automation_answer(
        std::env::var_os(AppState::ENV_APP_AUTOMATION),
        std::env::var_os(var),
    )
}

/// The file to write, or None (cancelled): the test chooser, else the automation stand-in,
/// else the system's save dialog.
pub async fn save_path<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    state: &AppState,
    ask: Ask<'_>,
) -> Result<Option<PathBuf>, Error> {
    if let Some(choose) = state.export_path_chooser() {
        return Ok(choose(ask.name.unwrap_or_default()));
    }
    if let Some(path) = from_env(ENV_SAVE_FILE) {
        return Ok(Some(path));
    }
    native(window, ask, true).await
}

/// The file to read, or None (cancelled): `stand_in` (tests), else the automation stand-in,
/// else the system's open dialog.
pub async fn open_path<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    stand_in: Option<ExportPathChooser>,
    ask: Ask<'_>,
) -> Result<Option<PathBuf>, Error> {
    if let Some(choose) = stand_in {
        return Ok(choose(ask.title));
    }
    if let Some(path) = from_env(ENV_OPEN_FILE) {
        return Ok(Some(path));
    }
    native(window, ask, false).await
}

async fn native<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    ask: Ask<'_>,
    save: bool,
) -> Result<Option<PathBuf>, Error> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = window
        .dialog()
        .file()
        .set_title(ask.title)
        .add_filter(ask.filter.0, ask.filter.1)
        .set_parent(window);
    if let Some(name) = ask.name {
        dialog = dialog.set_file_name(name);
    }
    let answer = move |picked| {
        let _ = tx.send(picked);
    };
    if save {
        dialog.save_file(answer);
    } else {
        dialog.pick_file(answer);
    }
    match rx.await.unwrap_or(None).map(|p| p.into_path()) {
        None => Ok(None),
        Some(Ok(path)) => Ok(Some(path)),
        Some(Err(e)) => Err(ConfigError::ExportFailed {
            path: "(the chosen file)".into(),
            detail: format!("it is not a local path ({e})"),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_answers_only_for_its_field() {
        let files = ChosenFiles::default();
        let key = files.keep(Field::KeyFile, PathBuf::from("/home/a/api-key.json"));
        assert_eq!(key.name, "api-key.json");
        assert!(!key.handle.contains('/'));
        assert_eq!(
            files.path(Field::KeyFile, &key.handle).unwrap(),
            PathBuf::from("/home/a/api-key.json")
        );
        for (field, handle) in [
            (Field::CaFile, key.handle.as_str()),
            (Field::KeyFile, "file-99"),
            (Field::KeyFile, "/etc/passwd"),
        ] {
            match files.path(field, handle) {
                Err(Error::Input { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn the_automation_stand_in_is_off_unless_automation_is_on() {
        let file = || Some(OsString::from("/tmp/users.csv"));
        assert_eq!(automation_answer(None, file()), None);
        assert_eq!(automation_answer(Some("0".into()), file()), None);
        assert_eq!(automation_answer(Some("yes".into()), file()), None);
        assert_eq!(automation_answer(Some("1".into()), None), None);
        assert_eq!(automation_answer(Some("1".into()), Some("".into())), None);
        assert_eq!(
            automation_answer(Some("1".into()), file()),
            Some(PathBuf::from("/tmp/users.csv"))
        );
    }
}
