//! The audit log, as the Activity view reads it: the entries a filter picks, one entry as
//! text for a ticket, and the filtered entries exported as CSV to a file the person chooses
//! in the system's save dialog (`dialog`). Core decides what an entry says (its ticket text, its CSV
//! row); these commands only carry it. The dialog is opened here, not from the webview, so
//! the window needs no dialog or file-system permission.

use std::io::Write;
use tauri::State;
use tokendesk_core::audit::{self, AuditEntry, AuditFilter};
use tokendesk_core::{ConfigError, Error};

use super::dialog::{save_path, Ask};
use crate::state::AppState;

/// The actions `filter` picks from the audit log, oldest first.
#[tauri::command]
pub async fn audit_entries(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<Vec<AuditEntry>, Error> {
    state.read_audit(move |log| log.entries(&filter)).await
}

/// One entry as plain text for a help-desk ticket (core's `AuditEntry::ticket_text`).
#[tauri::command]
pub async fn audit_ticket(state: State<'_, AppState>, id: i64) -> Result<String, Error> {
    state
        .read_audit(move |log| {
            let entry = log
                .entry(id)?
                .ok_or(ConfigError::AuditEntryMissing { id })?;
            Ok(entry.ticket_text())
        })
        .await
}

/// Writes the entries `filter` picks as CSV (core's writer) to a file chosen in the save
/// dialog; the path written, or None when the person cancelled. The filter is applied first,
/// so a bad one is refused before any dialog opens.
#[tauri::command]
pub async fn audit_export<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<Option<String>, Error> {
    let entries = state.read_audit(move |log| log.entries(&filter)).await?;
    let name = format!("tokendesk-audit-{}.csv", audit::utc_date(unix_now()));
    let ask = Ask {
        title: "Export the audit entries as CSV",
        filter: ("CSV (spreadsheet)", &["csv"]),
        name: Some(&name),
    };
    let path = save_path(&window, &state, ask).await?;
    let Some(path) = path else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let target = shown.clone();
    tauri::async_runtime::spawn_blocking(move || write_csv(&path, &entries))
        .await
        .map_err(|e| e.to_string())
        .and_then(|written| written.map_err(|e| e.to_string()))
        .map_err(|detail| ConfigError::ExportFailed {
            path: target,
            detail,
        })?;
    Ok(Some(shown))
}

/// The file, replaced if it exists, with every entry as a CSV row, flushed to disk.
fn write_csv(path: &std::path::Path, entries: &[AuditEntry]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    audit::csv::write(entries, &mut file)?;
    file.flush()?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
