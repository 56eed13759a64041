//! The bulk jobs' journal: each job and the state of each of its rows, in SQLite in the data
//! folder (`jobs.sqlite3`, WAL, synchronous=FULL). A row is marked `sent` — durably — before
//! it is sent and given its outcome after, so a job killed at any instant resumes without
//! sending a row twice: rows left `sent` were in flight and become `unknown`.
//!
//! Writes of concurrent rows share transactions (group commit): one writer thread takes every
//! write waiting, applies them in one transaction, and answers each after the commit. Durability
//! costs one fsync per batch, not per write.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use tokio::sync::oneshot;
use ts_rs::TS;

use crate::error::{ConfigError, Error};

/// The journal's file name in the data folder.
pub const FILE_NAME: &str = "jobs.sqlite3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    operation TEXT NOT NULL,
    profile TEXT NOT NULL,
    backend TEXT NOT NULL,
    file TEXT NOT NULL,
    columns TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rows (
    job TEXT NOT NULL,
    n INTEGER NOT NULL,
    cells TEXT NOT NULL,
    state TEXT NOT NULL,
    code INTEGER,
    title TEXT,
    hint TEXT,
    server_message TEXT,
    summary TEXT,
    at TEXT,
    PRIMARY KEY (job, n)
);
CREATE INDEX IF NOT EXISTS rows_by_state ON rows (job, state, n);
";

/// Where a row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkRowState")]
pub enum RowState {
    /// Not sent yet.
    Pending,
    /// Sent; no answer recorded yet (in flight, or lost in a crash).
    Sent,
    Ok,
    Failed,
    /// Sent, but whether the server acted is not known (its answer was never recorded).
    Unknown,
    /// Not sent: the row was invalid and the job was run with `--skip-invalid`.
    Skipped,
}

impl RowState {
    fn word(self) -> &'static str {
        match self {
            RowState::Pending => "pending",
            RowState::Sent => "sent",
            RowState::Ok => "ok",
            RowState::Failed => "failed",
            RowState::Unknown => "unknown",
            RowState::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "pending" => RowState::Pending,
            "sent" => RowState::Sent,
            "ok" => RowState::Ok,
            "failed" => RowState::Failed,
            "skipped" => RowState::Skipped,
            _ => RowState::Unknown,
        }
    }
}

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum JobState {
    /// Rows are being sent (or the process sending them died: resume it).
    Running,
    /// Stopped before every row was done: resume it.
    Stopped,
    /// Every row has an outcome.
    Done,
}

impl JobState {
    fn word(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Stopped => "stopped",
            JobState::Done => "done",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "running" => JobState::Running,
            "done" => JobState::Done,
            _ => JobState::Stopped,
        }
    }
}

/// A job as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobRecord {
    #[serde(rename = "job")]
    pub id: String,
    pub operation: String,
    pub profile: String,
    pub backend: String,
    pub file: String,
    /// The input's columns, as its header names them.
    pub columns: Vec<String>,
    pub created_at: String,
    pub state: JobState,
}

/// One row as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkRow")]
pub struct RowRecord {
    pub n: usize,
    pub cells: Vec<String>,
    pub state: RowState,
    #[ts(type = "number | null")]
    pub code: Option<i64>,
    pub title: Option<String>,
    pub hint: Option<String>,
    pub server_message: Option<String>,
    pub summary: Option<String>,
    pub at: Option<String>,
}

/// How a sent row ended, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOutcome {
    pub state: RowState,
    pub code: Option<i64>,
    pub title: Option<String>,
    pub hint: Option<String>,
    pub server_message: Option<String>,
    pub summary: Option<String>,
}

/// A new row for [`Journal::create`].
#[derive(Debug, Clone)]
pub struct NewRow {
    pub n: usize,
    pub cells: Vec<String>,
    /// `Some(rule)`: invalid, recorded as skipped with why.
    pub skipped: Option<String>,
}

enum Write {
    Sent(usize),
    Done(usize, RowOutcome),
}

struct Request {
    job: String,
    write: Write,
    reply: oneshot::Sender<Result<(), String>>,
}

/// A job held by this process while it sends its rows: an OS lock on `job-ID.lock` beside
/// the journal, let go when dropped — and by the OS when the process dies, even by kill -9.
#[derive(Debug)]
pub struct JobClaim {
    _file: std::fs::File,
}

/// The journal file, with its group-commit writer.
pub struct Journal {
    path: PathBuf,
    conn: Mutex<Connection>,
    writer: Mutex<Option<mpsc::Sender<Request>>>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish()
    }
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    crate::audit::prepare_durable(&conn, SCHEMA, std::time::Duration::from_secs(10))?;
    Ok(conn)
}

fn now() -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&fmt)
        .unwrap_or_default()
}

fn apply(tx: &rusqlite::Transaction<'_>, job: &str, write: &Write) -> rusqlite::Result<()> {
    match write {
        Write::Sent(n) => tx.execute(
            "UPDATE rows SET state = 'sent', at = ?3 WHERE job = ?1 AND n = ?2",
            params![job, *n as i64, now()],
        ),
        Write::Done(n, o) => tx.execute(
            "UPDATE rows SET state = ?3, code = ?4, title = ?5, hint = ?6, server_message = ?7,
             summary = ?8, at = ?9 WHERE job = ?1 AND n = ?2",
            params![
                job,
                *n as i64,
                o.state.word(),
                o.code,
                o.title,
                o.hint,
                o.server_message,
                o.summary,
                now()
            ],
        ),
    }
    .map(|_| ())
}

/// The writer thread: takes every waiting write, commits them together, answers each.
fn write_loop(mut conn: Connection, requests: mpsc::Receiver<Request>) {
    while let Ok(first) = requests.recv() {
        let mut batch = vec![first];
        while batch.len() < 512 {
            match requests.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        let result = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .and_then(|tx| {
                for r in &batch {
                    apply(&tx, &r.job, &r.write)?;
                }
                tx.commit()
            })
            .map_err(|e| e.to_string());
        for r in batch {
            let _ = r.reply.send(result.clone());
        }
    }
}

impl Journal {
    /// The journal in the data folder (`TOKENDESK_DATA_DIR` or the platform's).
    pub fn open_default() -> Result<Self, Error> {
        let dir = crate::audit::data_dir().map_err(|detail| ConfigError::JournalUnavailable {
            path: "(data folder)".into(),
            detail,
        })?;
        Self::open(&dir.join(FILE_NAME))
    }

    /// The journal in the file `path` (created with its folder).
    pub fn open(path: &Path) -> Result<Self, Error> {
        let fault = |e: &dyn std::fmt::Display| -> Error {
            ConfigError::JournalUnavailable {
                path: path.display().to_string(),
                detail: e.to_string(),
            }
            .into()
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fault(&e))?;
        }
        let conn = open(path).map_err(|e| fault(&e))?;
        Ok(Journal {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            writer: Mutex::new(None),
        })
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fault(&self, e: impl std::fmt::Display) -> Error {
        ConfigError::JournalUnavailable {
            path: self.path.display().to_string(),
            detail: e.to_string(),
        }
        .into()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, Error> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn).map_err(|e| self.fault(e))
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.path.with_file_name(format!("job-{id}.lock"))
    }

    /// Holds job `id` for this process while it runs: a second run of a job still running
    /// elsewhere (another CLI, the app) is refused rather than sending its rows twice.
    pub fn claim(&self, id: &str) -> Result<JobClaim, Error> {
        let path = self.lock_path(id);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| self.fault(format!("{}: {e}", path.display())))?;
        match file.try_lock() {
            Ok(()) => Ok(JobClaim { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(ConfigError::JobRunning { job: id.to_owned() }.into())
            }
            Err(std::fs::TryLockError::Error(e)) => {
                Err(self.fault(format!("{}: {e}", path.display())))
            }
        }
    }

    /// Whether a process holds job `id` now.
    pub fn is_claimed(&self, id: &str) -> bool {
        std::fs::OpenOptions::new()
            .write(true)
            .open(self.lock_path(id))
            .is_ok_and(|f| matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
    }

    /// Records a new job and all its rows (pending, or skipped with why) in one transaction.
    pub fn create(&self, job: &JobRecord, rows: impl Iterator<Item = NewRow>) -> Result<(), Error> {
        let columns = serde_json::to_string(&job.columns).unwrap_or_else(|_| "[]".into());
        self.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO jobs (id, operation, profile, backend, file, columns, created_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    job.id,
                    job.operation,
                    job.profile,
                    job.backend,
                    job.file,
                    columns,
                    job.created_at,
                    job.state.word()
                ],
            )?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO rows (job, n, cells, state, title) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for row in rows {
                    let cells = serde_json::to_string(&row.cells).unwrap_or_else(|_| "[]".into());
                    let state = if row.skipped.is_some() {
                        RowState::Skipped
                    } else {
                        RowState::Pending
                    };
                    insert.execute(params![job.id, row.n as i64, cells, state.word(), row.skipped])?;
                }
            }
            tx.commit()
        })
    }

    /// A job by id (`None` when there is none).
    pub fn job(&self, id: &str) -> Result<Option<JobRecord>, Error> {
        let job = self.with(|c| {
            c.query_row(
                "SELECT id, operation, profile, backend, file, columns, created_at, state FROM jobs WHERE id = ?1",
                [id],
                job_from_row,
            )
            .optional()
        })?;
        Ok(job.map(|j| self.as_it_is(j)))
    }

    /// Every job, newest first.
    pub fn jobs(&self) -> Result<Vec<JobRecord>, Error> {
        let jobs = self.with(|c| {
            let mut s = c.prepare(
                "SELECT id, operation, profile, backend, file, columns, created_at, state FROM jobs
                 ORDER BY created_at DESC, id",
            )?;
            let rows = s.query_map([], job_from_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(jobs.into_iter().map(|j| self.as_it_is(j)).collect())
    }

    /// A job recorded as running that no process holds was running in one that died: it is
    /// stopped (resume it).
    fn as_it_is(&self, mut job: JobRecord) -> JobRecord {
        if job.state == JobState::Running && !self.is_claimed(&job.id) {
            job.state = JobState::Stopped;
        }
        job
    }

    /// Sets a job's state.
    pub fn set_state(&self, id: &str, state: JobState) -> Result<(), Error> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET state = ?2 WHERE id = ?1",
                params![id, state.word()],
            )
            .map(|_| ())
        })
    }

    /// Rows left `sent` (in flight when the job stopped or died) become `unknown`; with
    /// `retry_unknown`, every `unknown` row becomes `pending` again. How many of each.
    pub fn recover(&self, id: &str, retry_unknown: bool) -> Result<(usize, usize), Error> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let lost = tx.execute(
                "UPDATE rows SET state = 'unknown', title = 'No answer was recorded' WHERE job = ?1 AND state = 'sent'",
                [id],
            )?;
            let retried = if retry_unknown {
                tx.execute(
                    "UPDATE rows SET state = 'pending', code = NULL, title = NULL, hint = NULL,
                     server_message = NULL, summary = NULL WHERE job = ?1 AND state = 'unknown'",
                    [id],
                )?
            } else {
                0
            };
            tx.commit()?;
            Ok((lost, retried))
        })
    }

    /// Up to `limit` pending rows after row `after`, in order.
    pub fn pending(&self, id: &str, after: usize, limit: usize) -> Result<Vec<RowRecord>, Error> {
        self.with(|c| {
            let mut s = c.prepare(
                "SELECT n, cells, state, code, title, hint, server_message, summary, at FROM rows
                 WHERE job = ?1 AND state = 'pending' AND n > ?2 ORDER BY n LIMIT ?3",
            )?;
            let rows = s.query_map(params![id, after as i64, limit as i64], row_from_row)?;
            rows.collect()
        })
    }

    /// Every row of a job, in order (for results and the app's table).
    pub fn rows(&self, id: &str) -> Result<Vec<RowRecord>, Error> {
        self.with(|c| {
            let mut s = c.prepare(
                "SELECT n, cells, state, code, title, hint, server_message, summary, at FROM rows
                 WHERE job = ?1 ORDER BY n",
            )?;
            let rows = s.query_map([id], row_from_row)?;
            rows.collect()
        })
    }

    /// How many rows of a job are in each state.
    pub fn counts(&self, id: &str) -> Result<Vec<(RowState, usize)>, Error> {
        self.with(|c| {
            let mut s =
                c.prepare("SELECT state, COUNT(*) FROM rows WHERE job = ?1 GROUP BY state")?;
            let rows = s.query_map([id], |r| {
                Ok((
                    RowState::parse(&r.get::<_, String>(0)?),
                    r.get::<_, i64>(1)? as usize,
                ))
            })?;
            rows.collect()
        })
    }

    fn send(
        &self,
        job: &str,
        write: Write,
    ) -> Result<oneshot::Receiver<Result<(), String>>, Error> {
        let mut writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if writer.is_none() {
            let conn = open(&self.path).map_err(|e| self.fault(e))?;
            let (tx, rx) = mpsc::channel();
            std::thread::Builder::new()
                .name("tokendesk-journal".into())
                .spawn(move || write_loop(conn, rx))
                .map_err(|e| self.fault(e))?;
            *writer = Some(tx);
        }
        let (reply, answer) = oneshot::channel();
        let request = Request {
            job: job.to_owned(),
            write,
            reply,
        };
        writer
            .as_ref()
            .expect("started above")
            .send(request)
            .map_err(|_| self.fault("the journal writer stopped"))?;
        Ok(answer)
    }

    async fn durable(&self, job: &str, write: Write) -> Result<(), Error> {
        self.send(job, write)?
            .await
            .map_err(|_| self.fault("the journal writer stopped"))?
            .map_err(|e| self.fault(e))
    }

    /// Marks row `n` sent, durably (returns after the commit).
    pub async fn mark_sent(&self, job: &str, n: usize) -> Result<(), Error> {
        self.durable(job, Write::Sent(n)).await
    }

    /// Records row `n`'s outcome, durably.
    pub async fn finish(&self, job: &str, n: usize, outcome: RowOutcome) -> Result<(), Error> {
        self.durable(job, Write::Done(n, outcome)).await
    }
}

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRecord> {
    Ok(JobRecord {
        id: r.get(0)?,
        operation: r.get(1)?,
        profile: r.get(2)?,
        backend: r.get(3)?,
        file: r.get(4)?,
        columns: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
        created_at: r.get(6)?,
        state: JobState::parse(&r.get::<_, String>(7)?),
    })
}

fn row_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RowRecord> {
    Ok(RowRecord {
        n: r.get::<_, i64>(0)? as usize,
        cells: serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or_default(),
        state: RowState::parse(&r.get::<_, String>(2)?),
        code: r.get(3)?,
        title: r.get(4)?,
        hint: r.get(5)?,
        server_message: r.get(6)?,
        summary: r.get(7)?,
        at: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str) -> JobRecord {
        JobRecord {
            id: id.into(),
            operation: "token-unlock".into(),
            profile: "p".into(),
            backend: "centagate".into(),
            file: "users.csv".into(),
            columns: vec!["user".into()],
            created_at: now(),
            state: JobState::Running,
        }
    }

    #[tokio::test]
    async fn rows_move_from_pending_through_sent_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let j = Journal::open(&path).unwrap();
        let rows = (1..=3).map(|n| NewRow {
            n,
            cells: vec![format!("user{n}")],
            skipped: (n == 3).then(|| "Username: must not be empty".to_owned()),
        });
        j.create(&job("j1"), rows).unwrap();
        assert_eq!(j.pending("j1", 0, 10).unwrap().len(), 2);
        j.mark_sent("j1", 1).await.unwrap();
        j.mark_sent("j1", 2).await.unwrap();
        j.finish(
            "j1",
            1,
            RowOutcome {
                state: RowState::Ok,
                code: Some(0),
                title: None,
                hint: None,
                server_message: None,
                summary: Some("done".into()),
            },
        )
        .await
        .unwrap();
        drop(j);
        // As after a crash: row 2 was sent, its answer never recorded.
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.recover("j1", false).unwrap(), (1, 0));
        let states: Vec<RowState> = j.rows("j1").unwrap().iter().map(|r| r.state).collect();
        assert_eq!(states, [RowState::Ok, RowState::Unknown, RowState::Skipped]);
        assert!(j.pending("j1", 0, 10).unwrap().is_empty());
        assert_eq!(j.recover("j1", true).unwrap(), (0, 1));
        assert_eq!(j.pending("j1", 0, 10).unwrap()[0].n, 2);
        assert_eq!(j.jobs().unwrap()[0].columns, ["user"]);
    }

    #[tokio::test]
    async fn concurrent_writes_share_commits() {
        let dir = tempfile::tempdir().unwrap();
        let j = std::sync::Arc::new(Journal::open(&dir.path().join(FILE_NAME)).unwrap());
        let rows = (1..=200).map(|n| NewRow {
            n,
            cells: vec![],
            skipped: None,
        });
        j.create(&job("j2"), rows).unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for n in 1..=200 {
            let j = j.clone();
            tasks.spawn(async move { j.mark_sent("j2", n).await });
        }
        while let Some(r) = tasks.join_next().await {
            r.unwrap().unwrap();
        }
        let counts = j.counts("j2").unwrap();
        assert_eq!(counts, [(RowState::Sent, 200)]);
    }
}
