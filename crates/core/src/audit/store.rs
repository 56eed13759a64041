//! The audit log's SQLite file: append an event under the database's write lock (so several
//! processes chain onto one another without losing or doubling anything), read entries back
//! merged and filtered, and verify the chain. WAL with synchronous=FULL: an event is on disk
//! when `append` returns.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::chain::{self, Break, Event, GENESIS};
use super::entry::{AuditEntry, AuditError, AuditFilter, AuditOutcome};
use crate::error::{ConfigError, Error};
use crate::vocab::Field;

/// Environment variable naming the folder the audit log lives in.
pub const ENV_DATA_DIR: &str = "TOKENDESK_DATA_DIR";
/// The log's file name inside the data folder.
pub const FILE_NAME: &str = "audit.sqlite3";
/// How long a write waits for another process holding the log before giving up.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit_events (
    seq         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    attempt     INTEGER,
    at          TEXT NOT NULL,
    pid         INTEGER,
    os_user     TEXT,
    host        TEXT,
    surface     TEXT,
    profile     TEXT,
    server      TEXT,
    admin       TEXT,
    operation   TEXT,
    target      TEXT,
    details     TEXT,
    outcome     TEXT,
    error       TEXT,
    summary     TEXT,
    duration_ms INTEGER,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_events_attempt ON audit_events(attempt);
";

/// Columns added after the first logs were written (nullable: a log written before them
/// gains them empty, and its events hash as they always did).
const ADDED_COLUMNS: [(&str, &str); 2] = [("case_id", "TEXT"), ("ticket", "TEXT")];

const COLUMNS: &str = "seq, kind, attempt, at, pid, os_user, host, surface, profile, server, \
    admin, operation, target, details, outcome, error, summary, duration_ms, prev_hash, hash, \
    case_id, ticket";

/// The durable, tamper-evident record of every action. Opened lazily: the file is created
/// on the first write, and a failure to open is reported by that write.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    busy_timeout: Duration,
    conn: Mutex<Option<Connection>>,
    /// Events waiting for the next commit (group commit: see [`AuditLog::append`]).
    queue: Mutex<Vec<Queued>>,
}

/// An event waiting to be chained and committed, and where its writer finds the outcome.
#[derive(Debug)]
struct Queued {
    event: Event,
    done: Arc<Mutex<Option<Result<i64, String>>>>,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every event links to the one before it and matches its hash.
    Intact {
        /// How many events the log holds (an action is an attempt and a result).
        events: usize,
        /// The newest event's hash: note it to detect a later removal of newer events.
        head: String,
    },
    /// The first event that does not verify.
    Broken { id: i64, reason: String },
}

/// The attempt fields of an event (what is known before anything is sent).
pub(crate) struct AttemptRow<'a> {
    pub pid: i64,
    pub os_user: &'a str,
    pub host: &'a str,
    pub surface: &'a str,
    pub profile: &'a str,
    pub server: &'a str,
    pub admin: &'a str,
    pub operation: &'a str,
    pub target: &'a str,
    pub details: String,
    /// The help-desk case the action is a step of, and its ticket number.
    pub case_id: Option<&'a str>,
    pub ticket: Option<&'a str>,
}

/// The result fields of an event.
pub(crate) struct ResultRow {
    pub outcome: AuditOutcome,
    pub error: Option<AuditError>,
    pub summary: Option<String>,
    pub duration_ms: i64,
}

/// Makes `conn` durable and ready: WAL, synchronous=FULL, `schema`, waiting up to `timeout`
/// for other connections. Two processes opening a new file at once: switching it to WAL can
/// answer "busy" without waiting for the busy timeout, so that step is retried until it ends.
pub(crate) fn prepare_durable(
    conn: &Connection,
    schema: &str,
    timeout: Duration,
) -> rusqlite::Result<()> {
    conn.busy_timeout(timeout)?;
    let started = std::time::Instant::now();
    loop {
        let prepared = conn
            .pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| conn.pragma_update(None, "synchronous", "FULL"))
            .and_then(|()| conn.execute_batch(schema));
        match prepared {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && started.elapsed() < timeout =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// TokenDesk's data folder (the audit log, the bulk jobs' journal): `TOKENDESK_DATA_DIR`, or
/// the platform data folder. The error says why there is none.
pub fn data_dir() -> Result<PathBuf, String> {
    match std::env::var_os(ENV_DATA_DIR).filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => directories::ProjectDirs::from("", "", "tokendesk")
            .map(|d| d.data_dir().to_path_buf())
            .ok_or_else(|| format!("no home folder found; set {ENV_DATA_DIR}")),
    }
}

impl AuditLog {
    /// The log in `TOKENDESK_DATA_DIR`, or the platform data folder (Linux
    /// `~/.local/share/tokendesk`, macOS `~/Library/Application Support/tokendesk`, Windows
    /// `%APPDATA%\tokendesk\data`).
    pub fn open_default() -> Result<Self, Error> {
        let dir = data_dir().map_err(|detail| ConfigError::AuditUnavailable {
            path: "(data folder)".into(),
            detail,
        })?;
        Ok(Self::at(dir.join(FILE_NAME)))
    }

    /// The log in the file `path` (created with its folder on first write).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        AuditLog {
            path: path.into(),
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            conn: Mutex::new(None),
            queue: Mutex::new(Vec::new()),
        }
    }

    /// Waits at most `t` for another process holding the log (tests use a short one).
    pub fn with_busy_timeout(mut self, t: Duration) -> Self {
        self.busy_timeout = t;
        self
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fault(&self, what: &str, e: impl std::fmt::Display) -> Error {
        ConfigError::AuditUnavailable {
            path: self.path.display().to_string(),
            detail: format!("{what}: {}", plain(&e.to_string(), self.busy_timeout)),
        }
        .into()
    }

    /// Runs `f` on the open connection, opening (and creating) the file first if needed.
    fn with_conn<T>(
        &self,
        what: &str,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(self.connect()?);
        }
        let conn = guard.as_mut().expect("opened above");
        f(conn).map_err(|e| self.fault(what, e))
    }

    fn connect(&self) -> Result<Connection, Error> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| self.fault("could not create its folder", e))?;
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| self.fault("could not open it", e))?;
        prepare_durable(&conn, SCHEMA, self.busy_timeout)
            .and_then(|()| add_columns(&conn))
            .map_err(|e| self.fault("could not prepare it", e))?;
        Ok(conn)
    }

    /// Appends an attempt; its `seq` identifies the action.
    pub(crate) fn append_attempt(&self, at: &str, row: &AttemptRow<'_>) -> Result<i64, Error> {
        self.append(
            "could not record the attempt",
            Event {
                seq: 0,
                kind: "attempt".into(),
                attempt: None,
                at: at.to_owned(),
                pid: Some(row.pid),
                os_user: Some(row.os_user.to_owned()),
                host: Some(row.host.to_owned()),
                surface: Some(row.surface.to_owned()),
                profile: Some(row.profile.to_owned()),
                server: Some(row.server.to_owned()),
                admin: Some(row.admin.to_owned()),
                operation: Some(row.operation.to_owned()),
                target: Some(row.target.to_owned()),
                details: Some(row.details.clone()),
                outcome: None,
                error: None,
                summary: None,
                duration_ms: None,
                prev_hash: String::new(),
                case_id: row.case_id.map(str::to_owned),
                ticket: row.ticket.map(str::to_owned),
            },
        )
    }

    /// Appends the result of the attempt `attempt`.
    pub(crate) fn append_result(
        &self,
        attempt: i64,
        at: &str,
        row: &ResultRow,
    ) -> Result<i64, Error> {
        let error = row
            .error
            .as_ref()
            .map(|e| serde_json::to_string(e).unwrap_or_default());
        self.append(
            "could not record the result",
            Event {
                seq: 0,
                kind: "result".into(),
                attempt: Some(attempt),
                at: at.to_owned(),
                pid: None,
                os_user: None,
                host: None,
                surface: None,
                profile: None,
                server: None,
                admin: None,
                operation: None,
                target: None,
                details: None,
                outcome: Some(outcome_name(row.outcome).to_owned()),
                error,
                summary: row.summary.clone(),
                duration_ms: Some(row.duration_ms),
                prev_hash: String::new(),
                case_id: None,
                ticket: None,
            },
        )
    }

    /// Chains `event` onto the newest under the write lock (BEGIN IMMEDIATE), so two writers
    /// never chain onto the same event; its `seq`.
    ///
    /// Group commit: the event joins a queue, then its writer takes the connection. Whoever
    /// holds it writes every queued event in one transaction — one fsync for all of them —
    /// and the others find theirs already written when their turn comes. Concurrent actions
    /// (a bulk job's rows) so share commits instead of queueing for one fsync each.
    fn append(&self, what: &str, event: Event) -> Result<i64, Error> {
        let done = Arc::new(Mutex::new(None));
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Queued {
                event,
                done: done.clone(),
            });
        let written = self.with_conn(what, |conn| {
            if done.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
                return Ok(());
            }
            let batch = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|p| p.into_inner()));
            let result = Self::write_batch(conn, &batch).map_err(|e| e.to_string());
            for (i, q) in batch.iter().enumerate() {
                *q.done.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(result.as_ref().map(|seqs| seqs[i]).map_err(Clone::clone));
            }
            Ok(())
        });
        if let Err(e) = written {
            // Not written (the log cannot be opened): it must not be written later either.
            self.queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .retain(|q| !Arc::ptr_eq(&q.done, &done));
            return Err(e);
        }
        let outcome = done.lock().unwrap_or_else(|p| p.into_inner()).take();
        match outcome {
            Some(Ok(seq)) => Ok(seq),
            Some(Err(e)) => Err(self.fault(what, e)),
            None => Err(self.fault(what, "the event was not written")),
        }
    }

    /// Chains and inserts `batch` in one transaction; their `seq`s.
    fn write_batch(conn: &mut Connection, batch: &[Queued]) -> rusqlite::Result<Vec<i64>> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut last, mut prev): (i64, String) = tx
            .query_row(
                "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, GENESIS.to_owned()));
        let mut seqs = Vec::with_capacity(batch.len());
        for q in batch {
            let mut e = q.event.clone();
            e.seq = last + 1;
            e.prev_hash = prev;
            let hash = e.hash();
            tx.execute(
                &format!(
                    "INSERT INTO audit_events ({COLUMNS}) VALUES \
                     (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
                ),
                params![
                    e.seq,
                    e.kind,
                    e.attempt,
                    e.at,
                    e.pid,
                    e.os_user,
                    e.host,
                    e.surface,
                    e.profile,
                    e.server,
                    e.admin,
                    e.operation,
                    e.target,
                    e.details,
                    e.outcome,
                    e.error,
                    e.summary,
                    e.duration_ms,
                    e.prev_hash,
                    hash,
                    e.case_id,
                    e.ticket
                ],
            )?;
            seqs.push(e.seq);
            last = e.seq;
            prev = hash;
        }
        tx.commit()?;
        Ok(seqs)
    }

    /// The actions that match `filter`, oldest first (attempt and result merged). A log that
    /// does not exist yet is empty.
    pub fn entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, Error> {
        self.select(filter, None)
    }

    /// The one action with this id (attempt and result merged), if the log has it: what the
    /// app's "Copy for ticket" reads, without reading the whole log.
    pub fn entry(&self, id: i64) -> Result<Option<AuditEntry>, Error> {
        Ok(self.select(&AuditFilter::default(), Some(id))?.pop())
    }

    fn select(&self, filter: &AuditFilter, id: Option<i64>) -> Result<Vec<AuditEntry>, Error> {
        let since = filter
            .since
            .as_deref()
            .map(|s| bound(Field::Since, s, false))
            .transpose()?;
        let until = filter
            .until
            .as_deref()
            .map(|s| bound(Field::Until, s, true))
            .transpose()?;
        if !self.path.exists() {
            return Ok(Vec::new());
        }
        let host = super::actor::host_name();
        let mut out = self.with_conn("could not read it", |conn| {
            let mut stmt = conn.prepare(
                "SELECT a.seq, a.at, a.pid, a.os_user, a.host, a.surface, a.profile, a.server, \
                        a.admin, a.operation, a.target, a.details, \
                        r.outcome, r.error, r.summary, r.duration_ms, a.case_id, a.ticket \
                 FROM audit_events a \
                 LEFT JOIN audit_events r ON r.kind = 'result' AND r.attempt = a.seq \
                 WHERE a.kind = 'attempt' \
                   AND (?1 IS NULL OR a.at >= ?1) AND (?2 IS NULL OR a.at <= ?2) \
                   AND (?3 IS NULL OR a.target = ?3 COLLATE NOCASE) \
                   AND (?4 IS NULL OR a.profile = ?4) AND (?5 IS NULL OR a.operation = ?5) \
                   AND (?6 IS NULL OR a.seq = ?6) \
                 ORDER BY a.seq",
            )?;
            let rows = stmt.query_map(
                params![
                    since,
                    until,
                    filter.user.as_deref().map(str::trim),
                    filter.profile.as_deref(),
                    filter.operation.as_deref(),
                    id
                ],
                |r| {
                    let pid: Option<i64> = r.get(2)?;
                    let entry_host: String = r.get::<_, Option<String>>(4)?.unwrap_or_default();
                    let outcome: Option<String> = r.get(12)?;
                    let outcome = match outcome.as_deref() {
                        Some(o) => parse_outcome(o),
                        None if entry_host == host && pid.is_some_and(super::actor::alive) => {
                            AuditOutcome::InProgress
                        }
                        None => AuditOutcome::Unknown,
                    };
                    let details: Option<String> = r.get(11)?;
                    let error: Option<String> = r.get(13)?;
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        os_user: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        host: entry_host,
                        surface: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                        profile: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                        server: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                        admin: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                        operation: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                        target: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                        details: details
                            .and_then(|d| serde_json::from_str(&d).ok())
                            .unwrap_or_default(),
                        outcome,
                        error: error.and_then(|e| serde_json::from_str(&e).ok()),
                        summary: r.get(14)?,
                        duration_ms: r.get(15)?,
                        case_id: r.get(16)?,
                        ticket: r.get(17)?,
                    })
                },
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        if let Some(o) = filter.outcome {
            out.retain(|e| e.outcome == o);
        }
        if let Some(n) = filter.limit {
            let n = n as usize;
            if out.len() > n {
                out.drain(..out.len() - n);
            }
        }
        Ok(out)
    }

    /// Recomputes the chain from the first event to the newest.
    pub fn verify(&self) -> Result<Verification, Error> {
        if !self.path.exists() {
            return Ok(Verification::Intact {
                events: 0,
                head: GENESIS.to_owned(),
            });
        }
        let rows = self.with_conn("could not read it", |conn| {
            let mut stmt =
                conn.prepare(&format!("SELECT {COLUMNS} FROM audit_events ORDER BY seq"))?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    Event {
                        seq: r.get(0)?,
                        kind: r.get(1)?,
                        attempt: r.get(2)?,
                        at: r.get(3)?,
                        pid: r.get(4)?,
                        os_user: r.get(5)?,
                        host: r.get(6)?,
                        surface: r.get(7)?,
                        profile: r.get(8)?,
                        server: r.get(9)?,
                        admin: r.get(10)?,
                        operation: r.get(11)?,
                        target: r.get(12)?,
                        details: r.get(13)?,
                        outcome: r.get(14)?,
                        error: r.get(15)?,
                        summary: r.get(16)?,
                        duration_ms: r.get(17)?,
                        prev_hash: r.get(18)?,
                        case_id: r.get(20)?,
                        ticket: r.get(21)?,
                    },
                    r.get::<_, String>(19)?,
                ))
            })?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(
            match chain::first_break(rows.iter().map(|(e, h)| (e, h.as_str()))) {
                Ok((events, head)) => Verification::Intact { events, head },
                Err((id, why)) => Verification::Broken {
                    id,
                    reason: match why {
                        Break::Changed => "its content does not match its hash (it was changed)",
                        Break::NotLinked => {
                            "it does not follow the entry before it (an entry was removed before it, or it was inserted or moved)"
                        }
                    }
                    .to_owned(),
                },
            },
        )
    }
}

/// Adds the [`ADDED_COLUMNS`] a log written by an older TokenDesk lacks. Another process may
/// add them at the same moment: "duplicate column" then means it is done.
fn add_columns(conn: &Connection) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('audit_events')")?;
    let have = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, ty) in ADDED_COLUMNS {
        if have.iter().any(|h| h == name) {
            continue;
        }
        match conn.execute_batch(&format!("ALTER TABLE audit_events ADD COLUMN {name} {ty}")) {
            Err(e) if e.to_string().contains("duplicate column") => {}
            other => other?,
        }
    }
    Ok(())
}

fn outcome_name(o: AuditOutcome) -> &'static str {
    match o {
        AuditOutcome::Ok => "ok",
        AuditOutcome::Failed => "failed",
        AuditOutcome::Unknown => "unknown",
        AuditOutcome::InProgress => "inProgress",
    }
}

fn parse_outcome(s: &str) -> AuditOutcome {
    match s {
        "ok" => AuditOutcome::Ok,
        "failed" => AuditOutcome::Failed,
        _ => AuditOutcome::Unknown,
    }
}

/// SQLite's words for the faults an administrator can act on, in plain terms.
fn plain(detail: &str, busy: Duration) -> String {
    let d = detail.to_ascii_lowercase();
    if d.contains("locked") || d.contains("busy") {
        format!(
            "another TokenDesk held the log for longer than {} s",
            busy.as_secs_f32()
        )
    } else if d.contains("full") {
        "the disk is full".into()
    } else if d.contains("readonly") || d.contains("read-only") || d.contains("read only") {
        "the file or its folder is read-only".into()
    } else {
        detail.to_owned()
    }
}

/// A time bound as stored (`YYYY-MM-DDTHH:MM:SS.mmmZ`): a date is its day's start (or end,
/// for `until`), UTC; an RFC 3339 time is converted to UTC.
fn bound(field: Field, raw: &str, end_of_day: bool) -> Result<String, Error> {
    let raw = raw.trim();
    let date_fmt = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(raw, &date_fmt) {
        let t = if end_of_day {
            time::Time::from_hms_milli(23, 59, 59, 999).expect("valid time")
        } else {
            time::Time::MIDNIGHT
        };
        return Ok(super::clock::stamp(d.with_time(t).assume_utc()));
    }
    time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map(super::clock::stamp)
        .map_err(|_| {
            Error::input(
                field,
                "must be a date (2026-11-29) or an RFC 3339 time (2026-11-29T14:00:00Z)",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Many writers at once share commits and still make one unbroken chain, each event
    /// once, each writer told its own `seq`.
    #[test]
    fn concurrent_appends_group_into_one_unbroken_chain() {
        let dir = tempfile::tempdir().unwrap();
        let log = Arc::new(AuditLog::at(dir.path().join(FILE_NAME)));
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let log = log.clone();
                std::thread::spawn(move || {
                    (0..25)
                        .map(|i| {
                            let target = format!("user-{t}-{i}");
                            log.append_attempt(
                                "2026-11-29T10:00:00.000Z",
                                &AttemptRow {
                                    pid: 1,
                                    os_user: "u",
                                    host: "h",
                                    surface: "bulk:j",
                                    profile: "p",
                                    server: "s",
                                    admin: "a",
                                    operation: "unlock",
                                    target: &target,
                                    details: "{}".into(),
                                    case_id: None,
                                    ticket: None,
                                },
                            )
                            .unwrap()
                        })
                        .collect::<Vec<i64>>()
                })
            })
            .collect();
        let mut seqs: Vec<i64> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());
        assert!(matches!(
            log.verify().unwrap(),
            Verification::Intact { events: 200, .. }
        ));
        let entries = log.entries(&AuditFilter::default()).unwrap();
        let targets: std::collections::HashSet<_> = entries.iter().map(|e| &e.target).collect();
        assert_eq!(targets.len(), 200);
    }

    /// A log written before the case columns existed: opened by this version it gains them,
    /// still verifies, and new events (with and without a case) chain onto it.
    #[test]
    fn an_old_format_log_still_verifies_after_the_case_columns_are_added() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        {
            // The old schema and an event written as the old code wrote it.
            let old = Connection::open(&path).unwrap();
            old.execute_batch(&SCHEMA.replace("IF NOT EXISTS ", ""))
                .unwrap();
            let e = Event {
                seq: 1,
                kind: "attempt".into(),
                attempt: None,
                at: "2026-11-01T10:00:00.000Z".into(),
                pid: Some(1),
                os_user: Some("alice".into()),
                host: Some("desk".into()),
                surface: Some("cli".into()),
                profile: Some("prod".into()),
                server: Some("https://mfa.example.com".into()),
                admin: Some("admin".into()),
                operation: Some("unlock".into()),
                target: Some("bob".into()),
                details: Some("{}".into()),
                outcome: None,
                error: None,
                summary: None,
                duration_ms: None,
                prev_hash: GENESIS.into(),
                case_id: None,
                ticket: None,
            };
            old.execute(
                "INSERT INTO audit_events (seq, kind, at, pid, os_user, host, surface, profile, \
                 server, admin, operation, target, details, prev_hash, hash) \
                 VALUES (1, 'attempt', ?1, 1, 'alice', 'desk', 'cli', 'prod', \
                 'https://mfa.example.com', 'admin', 'unlock', 'bob', '{}', ?2, ?3)",
                params![e.at, GENESIS, e.hash()],
            )
            .unwrap();
        }
        let log = AuditLog::at(&path);
        assert!(matches!(
            log.verify().unwrap(),
            Verification::Intact { events: 1, .. }
        ));
        let row = |target: &'static str, case_id, ticket| AttemptRow {
            pid: 1,
            os_user: "u",
            host: "h",
            surface: "app",
            profile: "p",
            server: "s",
            admin: "a",
            operation: "openCase",
            target,
            details: "{}".into(),
            case_id,
            ticket,
        };
        log.append_attempt(
            "2026-11-29T10:00:00.000Z",
            &row("carol", Some("case-1"), Some("INC-7")),
        )
        .unwrap();
        log.append_attempt("2026-11-29T10:00:01.000Z", &row("dave", None, None))
            .unwrap();
        assert!(matches!(
            log.verify().unwrap(),
            Verification::Intact { events: 3, .. }
        ));
        let entries = log.entries(&AuditFilter::default()).unwrap();
        assert_eq!(entries[0].case_id, None);
        assert_eq!(entries[1].case_id.as_deref(), Some("case-1"));
        assert_eq!(entries[1].ticket.as_deref(), Some("INC-7"));
        // The case id is covered by the hash.
        drop(log);
        let c = Connection::open(&path).unwrap();
        c.execute(
            "UPDATE audit_events SET case_id = 'case-2' WHERE seq = 2",
            [],
        )
        .unwrap();
        assert!(matches!(
            AuditLog::at(&path).verify().unwrap(),
            Verification::Broken { id: 2, .. }
        ));
    }

    #[test]
    fn bounds_accept_dates_and_rfc3339_and_refuse_the_rest() {
        assert_eq!(
            bound(Field::Since, "2026-11-29", false).unwrap(),
            "2026-11-29T00:00:00.000Z"
        );
        assert_eq!(
            bound(Field::Until, "2026-11-29", true).unwrap(),
            "2026-11-29T23:59:59.999Z"
        );
        assert_eq!(
            bound(Field::Since, "2026-11-29T14:00:00+02:00", false).unwrap(),
            "2026-11-29T12:00:00.000Z"
        );
        let e = bound(Field::Until, "yesterday", true).unwrap_err();
        assert!(e.to_string().starts_with("Until:"), "{e}");
    }
}
