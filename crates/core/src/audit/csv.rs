//! Audit entries as RFC 4180 CSV for a spreadsheet or a ticket system: a header row, then
//! one row per action. A cell that a spreadsheet would run as a formula (it starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.

use std::io::Write;

use super::entry::AuditEntry;

/// The header row, in column order.
pub const HEADER: [&str; 19] = [
    "id",
    "at",
    "osUser",
    "host",
    "surface",
    "profile",
    "server",
    "admin",
    "operation",
    "target",
    "details",
    "outcome",
    "errorKind",
    "errorCode",
    "errorTitle",
    "serverMessage",
    "durationMs",
    "caseId",
    "ticket",
];

/// Writes `entries` as CSV to `out`.
pub fn write(entries: &[AuditEntry], out: impl Write) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    for e in entries {
        let details: Vec<String> = e.details.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let error = e.error.as_ref();
        let row = [
            e.id.to_string(),
            e.at.clone(),
            e.os_user.clone(),
            e.host.clone(),
            e.surface.clone(),
            e.profile.clone(),
            e.server.clone(),
            e.admin.clone(),
            e.operation.clone(),
            e.target.clone(),
            details.join("; "),
            e.outcome.word().to_owned(),
            error
                .map(|x| {
                    serde_json::to_value(x.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
            error
                .and_then(|x| x.code)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            error.map(|x| x.title.clone()).unwrap_or_default(),
            error
                .and_then(|x| x.server_message.clone())
                .unwrap_or_default(),
            e.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            e.case_id.clone().unwrap_or_default(),
            e.ticket.clone().unwrap_or_default(),
        ];
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.flush()
}

/// The entries as one CSV text.
pub fn to_string(entries: &[AuditEntry]) -> String {
    let mut buf = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(entries, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}

/// A cell a spreadsheet will show as text, never evaluate.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::entry::{AuditError, AuditOutcome};
    use crate::error::ErrorKind;

    fn entry(target: &str, message: &str) -> AuditEntry {
        AuditEntry {
            id: 7,
            at: "2026-11-29T10:00:00.000Z".into(),
            os_user: "alice".into(),
            host: "desk".into(),
            surface: "cli".into(),
            profile: "prod".into(),
            server: "https://mfa.example.com".into(),
            admin: "admin".into(),
            operation: "unlock".into(),
            target: target.into(),
            details: [("serial".to_owned(), "+60123".to_owned())].into(),
            outcome: AuditOutcome::Failed,
            error: Some(AuditError {
                kind: ErrorKind::Server,
                code: Some(22002),
                title: "No such user".into(),
                server_message: Some(message.into()),
            }),
            summary: None,
            duration_ms: Some(12),
            case_id: None,
            ticket: None,
        }
    }

    #[test]
    fn formulas_are_neutralised_in_every_cell() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for fine in ["alice", "1", "", "a=b"] {
            assert_eq!(neutralise(fine), fine);
        }
        let text = to_string(&[entry("=HYPERLINK(\"http://x\")", "@evil")]);
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let headers = r.headers().unwrap().clone();
        assert_eq!(headers.iter().collect::<Vec<_>>(), HEADER.to_vec());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[9], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&row[15], "'@evil");
        assert_eq!(&row[10], "serial='+60123".replacen("'", "", 1));
        assert_eq!(&row[11], "failed");
        assert_eq!(&row[13], "22002");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        let text = to_string(&[entry("bob", "line one\nsaid \"no\", twice")]);
        assert!(text.starts_with("id,at,osUser"));
        assert!(
            text.contains("\"line one\nsaid \"\"no\"\", twice\""),
            "{text}"
        );
        assert!(text.contains("\r\n"));
    }
}
