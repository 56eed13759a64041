//! The Bulk screen's commands, each a few lines over `tokendesk_core::bulk` (the same plan,
//! journal, runner, status and results CSV as `tokendesk bulk`). The CSV file is chosen in
//! the system's open dialog here, in Rust: the window gets a handle and the file's name, and
//! passes the handle back — it never names a path. A job runs on a background task: the
//! command answers its id at once, then [`PROGRESS_EVENT`]s follow and one [`END_EVENT`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{Emitter, State};
use tokendesk_core::audit::{Recorder, Surface};
use tokendesk_core::bulk::{
    self, BulkOperation, DryRun, JobStatus, Journal, OperationInfo, Preview, RowRecord, RowState,
    RunEnd, RunOptions, Stop,
};
use tokendesk_core::vocab::Field;
use tokendesk_core::{ConfigError, Error, ErrorInfo};
use ts_rs::TS;

use super::blocking;
use super::dialog::{open_path, save_path, Ask, ChosenFile};
use crate::state::{AppState, ExportPathChooser};

/// Sent to the window as a job's rows finish (core's `Progress`), at most every
/// [`PROGRESS_EVERY`] and always for the last row.
pub const PROGRESS_EVENT: &str = "bulk-progress";
/// Sent to the window once when a job's run ends ([`BulkEnd`]).
pub const END_EVENT: &str = "bulk-end";
/// The least time between two progress events of one job.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// The rows of the file the preview shows.
pub const PREVIEW_ROWS: usize = 100;
/// The most rows `bulk_results` sends: the first ones, and the first ones that did not
/// succeed (the export writes every row).
pub const RESULT_ROWS: usize = 2000;

/// The Bulk screen's state: the files chosen (by handle), the jobs running in this app, and
/// the journal (opened on first use).
#[derive(Default)]
pub struct BulkState {
    files: Mutex<HashMap<String, PathBuf>>,
    next_handle: AtomicU64,
    running: Mutex<HashMap<String, Stop>>,
    journal: OnceLock<Arc<Journal>>,
    /// Stands in for the open dialog (the command-layer tests).
    open_chooser: OnceLock<ExportPathChooser>,
}

impl BulkState {
    /// Makes `bulk_choose_file` ask `choose` (given the dialog's title) instead of opening
    /// the system's dialog: for the command-layer tests, which run no window system.
    pub fn set_open_chooser(&self, choose: ExportPathChooser) {
        let _ = self.open_chooser.set(choose);
    }

    fn file(&self, handle: &str) -> Result<PathBuf, Error> {
        lock(&self.files).get(handle).cloned().ok_or_else(|| {
            Error::input(
                Field::CsvFile,
                "must be chosen again (this app no longer holds it)",
            )
        })
    }

    async fn journal(&self) -> Result<Arc<Journal>, Error> {
        if let Some(j) = self.journal.get() {
            return Ok(j.clone());
        }
        let j = Arc::new(blocking(Journal::open_default).await?);
        Ok(self.journal.get_or_init(|| j).clone())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How a job's run ended: core's `RunEnd`, or the error that stopped it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkEnd {
    pub job: String,
    pub end: Option<RunEnd>,
    pub error: Option<ErrorInfo>,
}

/// A job's status and rows for the results table.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkResults {
    pub status: JobStatus,
    pub rows: Vec<RowRecord>,
    /// Rows of the job not sent (beyond [`RESULT_ROWS`]); the export has them all.
    pub left_out: usize,
}

/// The operations the profile's server does in bulk, with their columns (core's list).
#[tauri::command]
pub async fn bulk_operations(
    state: State<'_, AppState>,
    profile: String,
) -> Result<Vec<OperationInfo>, Error> {
    Ok(bulk::operations(state.profile(&profile).await?.backend))
}

/// Opens the system's open dialog for a CSV file; its handle and name, or None (cancelled).
#[tauri::command]
pub async fn bulk_choose_file<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    bulk: State<'_, BulkState>,
) -> Result<Option<ChosenFile>, Error> {
    let ask = Ask {
        title: "Choose the CSV file of the bulk job",
        filter: ("CSV (spreadsheet)", &["csv", "txt"]),
        name: None,
    };
    let Some(path) = open_path(&window, bulk.open_chooser.get().cloned(), ask).await? else {
        return Ok(None);
    };
    let handle = format!("f{}", bulk.next_handle.fetch_add(1, Ordering::SeqCst) + 1);
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    lock(&bulk.files).insert(handle.clone(), path);
    Ok(Some(ChosenFile { handle, name }))
}

/// Every row of the chosen file checked for `operation` on the profile's server, and its
/// first rows: nothing is sent.
#[tauri::command]
pub async fn bulk_preview(
    state: State<'_, AppState>,
    bulk: State<'_, BulkState>,
    profile: String,
    file: String,
    operation: BulkOperation,
) -> Result<Preview, Error> {
    let (path, profile) = (bulk.file(&file)?, state.profile(&profile).await?);
    blocking(move || bulk::preview(&path, operation, &profile, PREVIEW_ROWS)).await
}

/// The dry run: every row checked and the profile's read-only connection test; nothing else
/// is sent.
#[tauri::command]
pub async fn bulk_dry_run(
    state: State<'_, AppState>,
    bulk: State<'_, BulkState>,
    profile: String,
    file: String,
    operation: BulkOperation,
) -> Result<DryRun, Error> {
    let path = bulk.file(&file)?;
    let (plan, check) = bulk::dry_run(&path, operation, &*state.session(&profile).await?).await?;
    Ok(DryRun::new(plan, &check))
}

/// Records a new job for the chosen file (refused when a row is invalid, unless
/// `skip_invalid`) and starts sending its rows; answers the job's id at once.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn bulk_start<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    bulk: State<'_, BulkState>,
    profile: String,
    file: String,
    operation: BulkOperation,
    skip_invalid: bool,
    concurrency: Option<usize>,
) -> Result<String, Error> {
    let options = RunOptions {
        concurrency: concurrency.unwrap_or(RunOptions::default().concurrency),
        retry_unknown: false,
    };
    options.check()?;
    let (path, found) = (bulk.file(&file)?, state.profile(&profile).await?);
    let journal = bulk.journal().await?;
    let j = journal.clone();
    let (job, _) =
        blocking(move || bulk::create(&j, &path, operation, &found, skip_invalid)).await?;
    launch(app, &state, &bulk, journal, job.id, &profile, options).await
}

/// Sends the rows an unfinished job has left (and, with `retry_unknown`, those whose outcome
/// is unknown); answers its id at once.
#[tauri::command]
pub async fn bulk_resume<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    bulk: State<'_, BulkState>,
    job: String,
    retry_unknown: bool,
) -> Result<String, Error> {
    let journal = bulk.journal().await?;
    let j = journal.clone();
    let id = job.clone();
    let record = blocking(move || bulk::status(&j, &id)).await?.job;
    let options = RunOptions {
        retry_unknown,
        ..RunOptions::default()
    };
    launch(app, &state, &bulk, journal, job, &record.profile, options).await
}

/// Runs job `id` on a background task with a session of its own recording as
/// `bulk:<id>`; progress and the end go to the window as events.
async fn launch<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: &AppState,
    bulk: &BulkState,
    journal: Arc<Journal>,
    id: String,
    profile: &str,
    options: RunOptions,
) -> Result<String, Error> {
    if journal.is_claimed(&id) {
        return Err(ConfigError::JobRunning { job: id }.into());
    }
    let recorder = Recorder::new(state.recorder()?.log().clone(), Surface::Bulk(id.clone()));
    let session = Arc::new(state.session(profile).await?.with_recorder(recorder));
    let stop = Stop::default();
    lock(&bulk.running).insert(id.clone(), stop.clone());
    let (handle, job) = (app.clone(), id.clone());
    let last = Mutex::new(None::<Instant>);
    let progress = move |p: &bulk::Progress| {
        let mut last = lock(&last);
        if p.done < p.total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
            return;
        }
        *last = Some(Instant::now());
        if let Err(e) = handle.emit(PROGRESS_EVENT, p) {
            tracing::warn!(error = %e, "could not show a bulk job's progress");
        }
    };
    tauri::async_runtime::spawn(async move {
        let end = bulk::run(journal, &job, session, options, stop, progress).await;
        if let Some(bulk) = tauri::Manager::try_state::<BulkState>(&app) {
            lock(&bulk.running).remove(&job);
        }
        let end = match end {
            Ok(end) => BulkEnd {
                job,
                end: Some(end),
                error: None,
            },
            Err(e) => BulkEnd {
                job,
                end: None,
                error: Some(e.info()),
            },
        };
        if let Err(e) = app.emit(END_EVENT, &end) {
            tracing::warn!(error = %e, "could not show a bulk job's end");
        }
    });
    Ok(id)
}

/// Asks job `job`, running in this app, to stop: no new rows are taken, those in flight are
/// waited for and recorded, and the end event follows. False when it is not running here.
#[tauri::command]
pub fn bulk_cancel(bulk: State<'_, BulkState>, job: String) -> bool {
    lock(&bulk.running).get(&job).map(Stop::request).is_some()
}

/// The jobs that can be resumed (not done, and run by no process now), newest first.
#[tauri::command]
pub async fn bulk_unfinished(bulk: State<'_, BulkState>) -> Result<Vec<JobStatus>, Error> {
    let journal = bulk.journal().await?;
    blocking(move || bulk::unfinished(&journal)).await
}

/// A job's counts, failures by code with the catalog's next step, and rows: the first
/// [`RESULT_ROWS`], and the first [`RESULT_ROWS`] that did not succeed.
#[tauri::command]
pub async fn bulk_results(bulk: State<'_, BulkState>, job: String) -> Result<BulkResults, Error> {
    let journal = bulk.journal().await?;
    blocking(move || {
        let status = bulk::status(&journal, &job)?;
        let all = journal.rows(&job)?;
        let total = all.len();
        let mut problems = 0;
        let rows: Vec<RowRecord> = all
            .into_iter()
            .enumerate()
            .filter(|(i, r)| {
                let problem = r.state != RowState::Ok;
                problems += usize::from(problem);
                *i < RESULT_ROWS || (problem && problems <= RESULT_ROWS)
            })
            .map(|(_, r)| r)
            .collect();
        Ok(BulkResults {
            status,
            left_out: total - rows.len(),
            rows,
        })
    })
    .await
}

/// Writes the job's results CSV (core's, as `--results` writes it) to a file chosen in the
/// save dialog; the path written, or None when the person cancelled.
#[tauri::command]
pub async fn bulk_export<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    state: State<'_, AppState>,
    bulk: State<'_, BulkState>,
    job: String,
) -> Result<Option<String>, Error> {
    let journal = bulk.journal().await?;
    let id = job.clone();
    let (record, rows) = blocking(move || {
        let record = bulk::status(&journal, &id)?.job;
        Ok((record, journal.rows(&id)?))
    })
    .await?;
    let name = format!("tokendesk-bulk-{job}-results.csv");
    let ask = Ask {
        title: "Export the job's results as CSV",
        filter: ("CSV (spreadsheet)", &["csv"]),
        name: Some(&name),
    };
    let Some(path) = save_path(&window, &state, ask).await? else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let target = shown.clone();
    blocking(move || {
        bulk::results::write_file(&record, &rows, &path).map_err(|e| {
            ConfigError::ExportFailed {
                path: target,
                detail: e.to_string(),
            }
            .into()
        })
    })
    .await?;
    Ok(Some(shown))
}
