//! Sending a job's pending rows: at most `concurrency` in flight over one session (one
//! connection pool; SecurID's 429 waits are the session's), each row marked sent in the
//! journal before it goes and given its outcome after. A stop request stops taking rows and
//! waits for those in flight; repeated transport failures stop the job too (the server is
//! likely down), leaving it resumable.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use serde::Serialize;
use tokio::task::JoinSet;
use ts_rs::TS;

use super::journal::{JobState, Journal, RowOutcome, RowState};
use super::operation::{parse_row, BulkOperation, Columns};
use super::status::{status, JobStatus};
use crate::error::{Error, ErrorKind};
use crate::ops::Session;
use crate::vocab::Field;

/// The most rows a job may have in flight.
pub const MAX_CONCURRENCY: usize = 32;
/// Consecutive rows that could not reach the server after which the job stops.
pub const MAX_TRANSPORT_FAILURES: usize = 5;

/// How to run a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Rows in flight at once (1 to 32; 4 by default).
    pub concurrency: usize,
    /// Send again the rows whose outcome is unknown (register is not safe to repeat blindly).
    pub retry_unknown: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 4,
            retry_unknown: false,
        }
    }
}

impl RunOptions {
    /// Refuses a concurrency outside 1 to [`MAX_CONCURRENCY`] (before a job is made of it).
    pub fn check(&self) -> Result<(), Error> {
        if (1..=MAX_CONCURRENCY).contains(&self.concurrency) {
            Ok(())
        } else {
            Err(Error::input(
                Field::Concurrency,
                format!("must be between 1 and {MAX_CONCURRENCY}"),
            ))
        }
    }
}

/// Asks a running job to stop taking rows (Ctrl-C, the app's Cancel). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Asks the job to stop.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Where a running job is, after each row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkProgress")]
pub struct Progress {
    pub job: String,
    /// Rows with an outcome in this run.
    pub done: usize,
    /// Rows this run set out to send.
    pub total: usize,
    pub failed: usize,
    /// The row just finished and how.
    pub row: usize,
    pub state: super::journal::RowState,
}

/// How the run ended and why it stopped early, if it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunEnd {
    #[serde(flatten)]
    pub status: JobStatus,
    /// Why the run stopped before every row was done: `stopped` (asked to), `unreachable`
    /// (repeated transport failures); null when it finished.
    pub stopped: Option<String>,
    /// Rows that were in flight when an earlier run died, now `unknown`.
    pub recovered_unknown: usize,
}

/// Sends the pending rows of job `id` through `session`, calling `progress` after each row.
/// Rows left `sent` by a run that died become `unknown` first (and pending again with
/// `retry_unknown`).
pub async fn run(
    journal: Arc<Journal>,
    id: &str,
    session: Arc<Session>,
    options: RunOptions,
    stop: Stop,
    progress: impl Fn(&Progress) + Send + Sync + 'static,
) -> Result<RunEnd, Error> {
    options.check()?;
    let _claim = journal.claim(id)?;
    let job = status(&journal, id)?.job;
    let operation = BulkOperation::parse(&job.operation)?;
    let backend = session.profile().backend;
    let columns = Columns::map(operation, backend, &job.columns)?;
    let (recovered_unknown, _) = journal.recover(id, options.retry_unknown)?;
    journal.set_state(id, JobState::Running)?;

    let total = status(&journal, id)?.counts.pending;
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let transport_run = Arc::new(AtomicUsize::new(0));
    let progress = Arc::new(progress);
    let mut tasks: JoinSet<Result<(), Error>> = JoinSet::new();
    let mut after = 0;
    let mut fatal: Option<Error> = None;
    let unreachable = || transport_run.load(Ordering::SeqCst) >= MAX_TRANSPORT_FAILURES;

    'rows: loop {
        let batch = journal.pending(id, after, 256)?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            after = row.n;
            while tasks.len() >= options.concurrency {
                if let Some(Err(e)) = tasks.join_next().await.map(|r| r.unwrap_or(Ok(()))) {
                    fatal = Some(e);
                }
            }
            if stop.requested() || unreachable() || fatal.is_some() {
                break 'rows;
            }
            let action = match parse_row(operation, backend, &columns, row.n, &row.cells) {
                Ok(a) => a,
                Err(p) => {
                    // Checked when the job was made; a changed rule since then skips it.
                    journal
                        .finish(
                            id,
                            row.n,
                            RowOutcome {
                                state: RowState::Skipped,
                                code: None,
                                title: Some(format!("{}: {}", p.field.label(), p.rule)),
                                hint: None,
                                server_message: None,
                                summary: None,
                            },
                        )
                        .await?;
                    continue;
                }
            };
            let (journal, session, id) = (journal.clone(), session.clone(), id.to_owned());
            let (done, failed, transport_run, progress) = (
                done.clone(),
                failed.clone(),
                transport_run.clone(),
                progress.clone(),
            );
            tasks.spawn(async move {
                journal.mark_sent(&id, row.n).await?;
                let outcome = match action.run(&session).await {
                    Ok(d) => {
                        transport_run.store(0, Ordering::SeqCst);
                        RowOutcome {
                            state: RowState::Ok,
                            code: Some(d.code),
                            title: None,
                            hint: None,
                            server_message: None,
                            summary: Some(d.summary),
                        }
                    }
                    Err(e) => {
                        let info = e.info();
                        let state = match info.kind {
                            // Whether a timed-out or broken call was applied is not known.
                            ErrorKind::Transport if sent_unknown(&e) => RowState::Unknown,
                            // It never reached the server: a resume sends it.
                            ErrorKind::Transport => RowState::Pending,
                            _ => RowState::Failed,
                        };
                        if info.kind == ErrorKind::Transport {
                            transport_run.fetch_add(1, Ordering::SeqCst);
                        } else {
                            transport_run.store(0, Ordering::SeqCst);
                        }
                        if info.kind == ErrorKind::Config {
                            // Not the row's fault (audit log, store, session) and not applied:
                            // the row waits for a resume, and the job stops.
                            journal
                                .finish(&id, row.n, failure(RowState::Pending, &info))
                                .await?;
                            return Err(e);
                        }
                        if state == RowState::Failed {
                            failed.fetch_add(1, Ordering::SeqCst);
                        }
                        failure(state, &info)
                    }
                };
                let state = outcome.state;
                journal.finish(&id, row.n, outcome).await?;
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                progress(&Progress {
                    job: id,
                    done: n,
                    total,
                    failed: failed.load(Ordering::SeqCst),
                    row: row.n,
                    state,
                });
                Ok(())
            });
        }
    }
    while let Some(r) = tasks.join_next().await {
        if let Err(e) = r.unwrap_or(Ok(())) {
            fatal.get_or_insert(e);
        }
    }
    let finished = status(&journal, id)?.counts.pending == 0;
    journal.set_state(
        id,
        if finished {
            JobState::Done
        } else {
            JobState::Stopped
        },
    )?;
    if let Some(e) = fatal {
        return Err(e);
    }
    let stopped = if finished {
        None
    } else if unreachable() {
        Some("unreachable".to_owned())
    } else {
        Some("stopped".to_owned())
    };
    Ok(RunEnd {
        status: status(&journal, id)?,
        stopped,
        recovered_unknown,
    })
}

/// A transport failure after the request may have reached the server (timeout, broken
/// answer): whether it was applied is not known. Unreachable, TLS and refused-before-sending
/// failures did not reach it.
fn sent_unknown(e: &Error) -> bool {
    use crate::error::TransportError as T;
    matches!(
        e,
        Error::Transport(
            T::Timeout { .. }
                | T::Broken { .. }
                | T::NotUnderstood { .. }
                | T::UnexpectedAnswer { .. }
                | T::HttpStatus { .. }
                | T::TooLarge { .. }
        )
    )
}

fn failure(state: RowState, info: &crate::error::ErrorInfo) -> RowOutcome {
    RowOutcome {
        state,
        code: info.code,
        title: Some(info.title.clone()),
        hint: Some(info.hint.clone()),
        server_message: info.server_message.clone(),
        summary: None,
    }
}
