//! What the audit log says about one action: the entry an administrator reads (attempt and
//! result merged), the filter they read it with, and the plain text they paste into a ticket.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorKind};

/// How an action ended, as far as the log can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AuditOutcome {
    /// The server (or the local step) accepted it.
    Ok,
    /// It was refused or failed; `error` says how.
    Failed,
    /// The attempt was written but no result ever was: the process that sent it ended
    /// (killed, crashed, power lost) before it heard the answer. The server may or may not
    /// have applied it.
    Unknown,
    /// The attempt was written by a process on this host that is still running: the answer
    /// has not come yet.
    InProgress,
}

impl AuditOutcome {
    /// The word used in tables, CSV and filters.
    pub fn word(self) -> &'static str {
        match self {
            AuditOutcome::Ok => "ok",
            AuditOutcome::Failed => "failed",
            AuditOutcome::Unknown => "unknown",
            AuditOutcome::InProgress => "in progress",
        }
    }
}

/// Why an action failed, as recorded: the error's stable shape without its hint (the hint is
/// advice for the moment, not a fact about what happened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditError {
    pub kind: ErrorKind,
    pub code: Option<i64>,
    pub title: String,
    pub server_message: Option<String>,
}

impl From<&Error> for AuditError {
    fn from(e: &Error) -> Self {
        let info = e.info();
        AuditError {
            kind: info.kind,
            code: info.code,
            title: info.title,
            server_message: info.server_message,
        }
    }
}

/// One action from the audit log: its attempt and (when there is one) its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    /// The attempt's position in the log; stable, increasing.
    #[ts(type = "number")]
    pub id: i64,
    /// When the attempt was written, RFC 3339 in UTC with milliseconds.
    pub at: String,
    /// The operating-system account that acted.
    pub os_user: String,
    /// The computer it acted from.
    pub host: String,
    /// Which face of TokenDesk: `cli`, `app`, or `bulk:<job id>`.
    pub surface: String,
    pub profile: String,
    /// The server's origin (scheme, host and port).
    pub server: String,
    /// The CENTAGATE admin username, or the SecurID access ID.
    pub admin: String,
    /// The operation's name, e.g. `unlock`, `register`, `addProfile`.
    pub operation: String,
    /// The user acted on (or the profile, for profile changes).
    pub target: String,
    /// Non-secret parameters: serial, normalised phone, methods, ...
    pub details: BTreeMap<String, String>,
    pub outcome: AuditOutcome,
    pub error: Option<AuditError>,
    /// What happened in words, when it succeeded.
    pub summary: Option<String>,
    /// From the attempt to the result, when there is a result.
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    /// The help-desk case the action is a step of (a guided flow), if any.
    pub case_id: Option<String>,
    /// The case's ticket number, when the administrator gave one.
    pub ticket: Option<String>,
}

impl AuditEntry {
    /// The entry as plain text for a help-desk ticket: one fact a line, nothing secret.
    pub fn ticket_text(&self) -> String {
        let mut lines = vec![
            format!("TokenDesk audit entry #{}", self.id),
            format!("When:      {}", self.at),
            format!(
                "Who:       {} on {} ({})",
                self.os_user, self.host, self.surface
            ),
            format!(
                "Server:    {} (profile {}, admin {})",
                self.server, self.profile, self.admin
            ),
            format!("Action:    {} {}", self.operation, self.target),
        ];
        if let Some(case) = &self.case_id {
            let ticket = self
                .ticket
                .as_deref()
                .map(|t| format!(" (ticket {t})"))
                .unwrap_or_default();
            lines.push(format!("Case:      {case}{ticket}"));
        }
        if !self.details.is_empty() {
            let d: Vec<String> = self
                .details
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            lines.push(format!("Details:   {}", d.join(", ")));
        }
        lines.push(format!("Outcome:   {}", self.outcome.word()));
        if let Some(s) = &self.summary {
            lines.push(format!("Result:    {s}"));
        }
        if let Some(e) = &self.error {
            let code = e.code.map(|c| format!(" (code {c})")).unwrap_or_default();
            lines.push(format!("Error:     {}{code}", e.title));
            if let Some(m) = &e.server_message {
                lines.push(format!("Server said: {m}"));
            }
        }
        if self.outcome == AuditOutcome::Unknown {
            lines.push(
                "Note:      no answer was recorded; the server may or may not have applied it."
                    .into(),
            );
        }
        if let Some(ms) = self.duration_ms {
            lines.push(format!("Took:      {ms} ms"));
        }
        lines.join("\n")
    }
}

/// Which entries to read. Every field narrows; none set means every entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct AuditFilter {
    /// From this time on: RFC 3339, or a date (`2026-11-29`, from its start, UTC).
    pub since: Option<String>,
    /// Up to this time: RFC 3339, or a date (to its end, UTC).
    pub until: Option<String>,
    /// The user acted on (any case).
    pub user: Option<String>,
    pub profile: Option<String>,
    /// An operation name, e.g. `unlock`.
    pub operation: Option<String>,
    pub outcome: Option<AuditOutcome>,
    /// Keep only the newest N (after the other filters).
    pub limit: Option<u32>,
}
