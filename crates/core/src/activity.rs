//! The session's activity: every admin action taken since the app started, with its outcome,
//! so an administrator can see (and copy into a ticket) what they did.

use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, ErrorInfo};
use crate::ops::Outcome;
use crate::vocab::Operation;

/// Most entries kept; the oldest go first.
pub const MAX_ENTRIES: usize = 500;

/// One action and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityEntry {
    /// When it finished, RFC 3339 in UTC.
    pub at: String,
    pub profile: String,
    pub operation: Operation,
    pub username: String,
    pub ok: bool,
    /// The outcome's summary, or the error's title.
    pub summary: String,
    pub error: Option<ErrorInfo>,
}

/// An in-memory, bounded activity list, safe to share between commands.
#[derive(Debug, Default)]
pub struct ActivityLog {
    entries: Mutex<Vec<ActivityEntry>>,
}

impl ActivityLog {
    /// Records the result of `operation` on `username` and passes the result through.
    pub fn record<T>(
        &self,
        profile: &str,
        operation: Operation,
        username: &str,
        result: Result<Outcome<T>, Error>,
    ) -> Result<Outcome<T>, Error> {
        let (ok, summary, error) = match &result {
            Ok(o) => (true, o.summary.clone(), None),
            Err(e) => {
                let info = e.info();
                (false, info.title.clone(), Some(info))
            }
        };
        let entry = ActivityEntry {
            at: now_rfc3339(),
            profile: profile.to_owned(),
            operation,
            username: username.trim().to_owned(),
            ok,
            summary,
            error,
        };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.remove(0);
        }
        entries.push(entry);
        result
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> Vec<ActivityEntry> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The current time, RFC 3339 in UTC, to the second.
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_success_and_failure_bounded() {
        let log = ActivityLog::default();
        let ok: Result<Outcome<()>, Error> = Ok(Outcome {
            code: 0,
            message: None,
            summary: "Unlocked bob".into(),
            object: (),
        });
        assert!(log.record("p", Operation::Unlock, " bob ", ok).is_ok());
        let err: Result<Outcome<()>, Error> = Err(Error::Server {
            code: 22002,
            operation: Some(Operation::Unlock),
            server_message: None,
            catalog: &crate::centagate::catalog::CATALOG,
        });
        assert!(log.record("p", Operation::Unlock, "nobody", err).is_err());
        let e = log.entries();
        assert_eq!(
            (e[0].ok, e[0].username.as_str(), e[0].summary.as_str()),
            (true, "bob", "Unlocked bob")
        );
        assert_eq!(
            (e[1].ok, e[1].error.as_ref().and_then(|i| i.code)),
            (false, Some(22002))
        );
        assert!(e[0].at.ends_with('Z') && e[0].at.len() == 20);
        for _ in 0..MAX_ENTRIES {
            let _ = log.record::<()>(
                "p",
                Operation::Sync,
                "x",
                Err(Error::input(crate::vocab::Field::Otp1, "r")),
            );
        }
        assert_eq!(log.entries().len(), MAX_ENTRIES);
    }
}
