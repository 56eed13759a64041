//! The audit log: every admin action, from any surface, recorded durably and tamper-evidently
//! through one sink ([`Recorder`]). An `attempt` event is written before anything is sent —
//! if it cannot be written the action is refused (fail closed) — and a `result` event after.
//! An attempt without a result is an action whose outcome is `unknown`.

pub(crate) mod actor;
pub mod case;
pub mod chain;
mod clock;
pub mod csv;
mod entry;
mod store;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

pub use case::{in_case, Case};
pub use clock::utc_date;
pub use entry::{AuditEntry, AuditError, AuditFilter, AuditOutcome};
pub(crate) use store::prepare_durable;
pub use store::{data_dir, AuditLog, Verification, DEFAULT_BUSY_TIMEOUT, ENV_DATA_DIR, FILE_NAME};

use crate::error::{ConfigError, Error};
use clock::now;
use store::{AttemptRow, ResultRow};

/// Which face of TokenDesk started an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Surface {
    Cli,
    App,
    /// A row of the bulk job with this id.
    Bulk(String),
}

impl Surface {
    /// As recorded: `cli`, `app`, `bulk:<job id>`.
    pub fn name(&self) -> String {
        match self {
            Surface::Cli => "cli".into(),
            Surface::App => "app".into(),
            Surface::Bulk(job) => format!("bulk:{job}"),
        }
    }
}

/// One action about to be taken, with nothing secret in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub profile: String,
    /// The server's origin.
    pub server: String,
    /// The CENTAGATE admin username, or the SecurID access ID.
    pub admin: String,
    /// The operation's name (`unlock`, `addProfile`, ...).
    pub operation: String,
    /// The user acted on, or the profile for profile changes.
    pub target: String,
    /// Non-secret parameters only: never a token, code, key or password.
    pub details: BTreeMap<String, String>,
}

/// What a successful action says it did, for the result event.
pub trait Recordable {
    /// The words of the outcome, if it has some.
    fn summary(&self) -> Option<String>;
}

impl Recordable for () {
    fn summary(&self) -> Option<String> {
        None
    }
}

/// The one sink every action is recorded through: the log, and who is acting from where.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Recorder {
    log: Arc<AuditLog>,
    actor: Arc<Actor>,
}

#[derive(Debug)]
struct Actor {
    os_user: String,
    host: String,
    pid: i64,
    surface: String,
}

impl Recorder {
    /// Records into `log` as the current OS user on this host, from `surface`.
    pub fn new(log: Arc<AuditLog>, surface: Surface) -> Self {
        Recorder {
            log,
            actor: Arc::new(Actor {
                os_user: actor::os_user(),
                host: actor::host_name(),
                pid: i64::from(std::process::id()),
                surface: surface.name(),
            }),
        }
    }

    /// The log in the default place (see [`AuditLog::open_default`]), for `surface`.
    pub fn open_default(surface: Surface) -> Result<Self, Error> {
        Ok(Self::new(Arc::new(AuditLog::open_default()?), surface))
    }

    /// The log this recorder writes to.
    pub fn log(&self) -> &Arc<AuditLog> {
        &self.log
    }

    /// Records `action`, runs it, records how it ended, and passes the result through. When
    /// the attempt cannot be recorded, `run` is not started and the error says why (a
    /// `Config` error: nothing was sent). A result that cannot be recorded is logged; the
    /// action then shows as `unknown`.
    pub async fn record<T: Recordable>(
        &self,
        action: Action,
        run: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let seq = self.attempt(action).await?;
        let started = Instant::now();
        let result = run.await;
        let row = ResultRow {
            outcome: if result.is_ok() {
                AuditOutcome::Ok
            } else {
                AuditOutcome::Failed
            },
            error: result.as_ref().err().map(AuditError::from),
            summary: result.as_ref().ok().and_then(Recordable::summary),
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        };
        let log = self.log.clone();
        let written = blocking(move || log.append_result(seq, &now(), &row)).await;
        if let Err(e) = written {
            tracing::warn!(attempt = seq, error = %e, "the result of an action could not be recorded; it will show as unknown");
        }
        result
    }

    async fn attempt(&self, action: Action) -> Result<i64, Error> {
        let log = self.log.clone();
        let actor = self.actor.clone();
        let case = Case::current();
        blocking(move || {
            let details = serde_json::to_string(&action.details).unwrap_or_else(|_| "{}".into());
            log.append_attempt(
                &now(),
                &AttemptRow {
                    pid: actor.pid,
                    os_user: &actor.os_user,
                    host: &actor.host,
                    surface: &actor.surface,
                    profile: &action.profile,
                    server: &action.server,
                    admin: &action.admin,
                    operation: &action.operation,
                    target: &action.target,
                    details,
                    case_id: case.as_ref().map(|c| c.id.as_str()),
                    ticket: case.as_ref().and_then(|c| c.ticket.as_deref()),
                },
            )
        })
        .await
    }
}

/// Runs a log write off the async threads (SQLite's calls block, and may wait for a lock).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ConfigError::AuditUnavailable {
            path: "(audit log)".into(),
            detail: e.to_string(),
        })?
}
