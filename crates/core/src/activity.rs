//! The app's activity column: the audit log's entries in the shape the column has shown
//! since before the log existed (one line per action, ok or not, with its words).

use serde::Serialize;
use ts_rs::TS;

use crate::audit::{AuditEntry, AuditOutcome};
use crate::error::ErrorInfo;
use crate::vocab::Operation;

/// One action and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivityEntry {
    /// When it was attempted, RFC 3339 in UTC.
    pub at: String,
    pub profile: String,
    pub operation: Operation,
    pub username: String,
    pub ok: bool,
    /// The outcome's summary, or the error's title.
    pub summary: String,
    pub error: Option<ErrorInfo>,
}

impl ActivityEntry {
    /// The column's line for an audit entry; `None` for an operation this build does not
    /// know (written by a newer TokenDesk).
    pub fn from_audit(e: &AuditEntry) -> Option<Self> {
        let operation: Operation =
            serde_json::from_value(serde_json::Value::String(e.operation.clone())).ok()?;
        let error = e.error.as_ref().map(|x| ErrorInfo {
            kind: x.kind,
            code: x.code,
            title: x.title.clone(),
            hint: String::new(),
            server_message: x.server_message.clone(),
        });
        let summary = match (e.outcome, &e.summary, &error) {
            (_, Some(s), _) => s.clone(),
            (_, None, Some(err)) => err.title.clone(),
            (AuditOutcome::Unknown, ..) => {
                "No answer was recorded; the server may or may not have applied it.".into()
            }
            (AuditOutcome::InProgress, ..) => "In progress…".into(),
            _ => String::new(),
        };
        Some(ActivityEntry {
            at: e.at.clone(),
            profile: e.profile.clone(),
            operation,
            username: e.target.clone(),
            ok: e.outcome == AuditOutcome::Ok,
            summary,
            error,
        })
    }
}
