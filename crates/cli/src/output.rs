//! What the CLI prints: short plain words for people, or exactly one JSON document.

use serde::Serialize;
use serde_json::{json, Value};
use tokendesk_core::centagate::methods::AuthMethods;
use tokendesk_core::error::HintSurface;
use tokendesk_core::securid::locks::{MethodLocks, UnlockMethod};
use tokendesk_core::securid::users::SecurIdUser;
use tokendesk_core::vocab::Backend;
use tokendesk_core::{Error, ErrorInfo, ErrorKind};

/// A finished command's result, ready to print either way.
pub struct Done {
    /// A whole JSON document to print in place of the usual envelope (`audit --json`).
    pub document: Option<Value>,
    pub code: i64,
    /// The server's message, or our one-line summary for local commands.
    pub message: Option<String>,
    pub object: Value,
    /// What people read.
    pub human: String,
}

impl Done {
    /// A local command's result.
    pub fn local(human: String, object: impl Serialize) -> Self {
        Done {
            document: None,
            code: 0,
            message: Some(human.lines().next().unwrap_or_default().to_owned()),
            object: serde_json::to_value(object).expect("results serialise"),
            human,
        }
    }
}

/// A failed command: what to print, the exit status, and what the command still has to show
/// (a SecurID unlock that failed part-way still reports the lock statuses).
pub struct Failure {
    pub info: Box<ErrorInfo>,
    pub status: i32,
    /// The code is an HTTP status (SecurID Cloud), printed as `HTTP n`.
    pub http: bool,
    pub partial: Option<Box<Partial>>,
    /// A whole JSON document to print in place of the error envelope (a bulk job's summary).
    pub document: Option<Value>,
}

/// The part of a result a failed command still prints: `human` on stdout, `object` beside
/// `error` in the JSON document.
pub struct Partial {
    pub human: String,
    pub object: Value,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let http = match &e {
            Error::Server { catalog, .. } => catalog.http_statuses,
            Error::UnlockIncomplete(u) => u.catalog.http_statuses,
            _ => false,
        };
        Failure {
            info: Box::new(e.info_for(HintSurface::Cli)),
            status: exit_status(&e),
            http,
            partial: None,
            document: None,
        }
    }
}

impl From<ErrorInfo> for Failure {
    fn from(info: ErrorInfo) -> Self {
        Failure {
            status: kind_status(info.kind),
            info: Box::new(info),
            http: false,
            partial: None,
            document: None,
        }
    }
}

impl Failure {
    /// A usage error found after parsing (exit 2, kind `input`, nothing sent).
    pub fn usage(title: String, hint: String) -> Self {
        Failure {
            info: Box::new(ErrorInfo {
                kind: ErrorKind::Input,
                code: None,
                title,
                hint,
                server_message: None,
            }),
            status: 2,
            http: false,
            partial: None,
            document: None,
        }
    }

    /// A command that has a report to show although it did not succeed (a bulk job with
    /// failed rows): `human` on stdout and `info` on stderr, or `document` alone with --json.
    pub fn report(info: ErrorInfo, status: i32, human: String, document: Value) -> Self {
        Failure {
            info: Box::new(info),
            status,
            http: false,
            partial: Some(Box::new(Partial {
                human,
                object: Value::Null,
            })),
            document: Some(document),
        }
    }
}

/// Prints success: the JSON envelope on stdout, or the human text.
pub fn success(json_mode: bool, done: &Done) {
    if let (true, Some(doc)) = (json_mode, &done.document) {
        stdout(&doc.to_string());
    } else if json_mode {
        stdout(
            &json!({"ok": true, "code": done.code, "message": done.message, "object": done.object})
                .to_string(),
        );
    } else {
        stdout(done.human.trim_end());
    }
}

/// Prints a failure: the JSON envelope on stdout (with `object` when the command still has
/// a result to show), or the partial result on stdout and words on stderr.
pub fn failed(json_mode: bool, f: &Failure) {
    if let (true, Some(doc)) = (json_mode, &f.document) {
        stdout(&doc.to_string());
        return;
    }
    match (&f.partial, json_mode) {
        (Some(p), true) => {
            stdout(&json!({"ok": false, "error": f.info, "object": p.object}).to_string());
            return;
        }
        (Some(p), false) => stdout(p.human.trim_end()),
        (None, _) => {}
    }
    print_error(json_mode, &f.info, f.http);
}

/// Prints an error alone: the JSON envelope on stdout, or words on stderr.
pub fn failure(json_mode: bool, info: &ErrorInfo) {
    print_error(json_mode, info, false);
}

fn print_error(json_mode: bool, info: &ErrorInfo, http: bool) {
    if json_mode {
        stdout(&json!({"ok": false, "error": info}).to_string());
        return;
    }
    let code = match (info.kind, info.code) {
        (ErrorKind::Server, Some(c)) if http => format!(" (HTTP {c})"),
        (ErrorKind::Server, Some(c)) => format!(" (code {c})"),
        (ErrorKind::Transport, Some(c)) => format!(" (HTTP {c})"),
        _ => String::new(),
    };
    let mut text = format!("error: {}{code}\n", info.title);
    if let Some(m) = &info.server_message {
        let label = if info.kind == ErrorKind::Server {
            "server said"
        } else {
            "detail"
        };
        text.push_str(&format!("  {label}: {m}\n"));
    }
    text.push_str(&format!("  next: {}\n", info.hint));
    // As for stdout: a closed stderr is no reason to panic.
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
}

/// A line for the person on stderr, beside the result on stdout.
pub fn note(text: &str) {
    line_to_stderr(&format!("note: {text}"));
}

/// A line on stderr (progress, the job id), beside the result on stdout.
pub fn line_to_stderr(text: &str) {
    let line = format!("{text}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
}

/// Writes a line to stdout. A reader that went away (`| head`, a closed pipe) must not turn
/// the command's result into a panic: the exit status still says what happened.
pub fn stdout(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// The exit status for an error's kind (see the README).
pub fn exit_status(e: &Error) -> i32 {
    kind_status(e.kind())
}

/// The exit status for a kind of failure.
pub fn kind_status(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::Input => 2,
        ErrorKind::Server => 3,
        ErrorKind::Transport => 4,
        ErrorKind::Config => 5,
    }
}

/// Lines of a table with columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("  {}", padded.join("  ").trim_end())
    };
    let mut out = vec![line(header.iter().map(|h| h.to_string()).collect())];
    out.extend(rows.iter().cloned().map(line));
    out.join("\n")
}

/// The readable table of `user methods`.
pub fn methods(username: &str, m: &AuthMethods) -> String {
    if m.is_empty() {
        return format!("{username} has no authentication methods bound.");
    }
    let mut out = Vec::new();
    if m.tokens.is_empty() {
        out.push(format!("{username} has no tokens."));
    } else {
        out.push(format!("Tokens of {username}:"));
        let rows: Vec<Vec<String>> = m
            .tokens
            .iter()
            .map(|t| {
                let mut status = t.status.label().to_owned();
                if t.status.is_locked() {
                    status.push_str(" (unlock with `tokendesk token unlock`)");
                }
                vec![t.kind.label().to_owned(), t.sn.clone(), status]
            })
            .collect();
        out.push(table(&["KIND", "SERIAL / PHONE", "STATUS"], &rows));
    }
    if !m.certificates.is_empty() {
        out.push("Certificates:".into());
        let rows: Vec<Vec<String>> = m
            .certificates
            .iter()
            .map(|c| {
                vec![
                    c.sn.clone().unwrap_or_default(),
                    c.subject_dn.clone().unwrap_or_default(),
                    if c.revoked == Some(true) {
                        "revoked".into()
                    } else {
                        "valid".into()
                    },
                ]
            })
            .collect();
        out.push(table(&["SERIAL", "SUBJECT", "STATE"], &rows));
    }
    if let Some(d) = &m.device {
        let name = [d.name.as_deref(), d.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let os =
            d.os.as_deref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default();
        out.push(format!("Device: {name}{os}, {}", d.status.label()));
    }
    out.join("\n")
}

/// The readable answer of `user lookup`.
pub fn securid_user(summary: &str, u: &SecurIdUser, again: &str) -> String {
    let onoff = |on: bool, number: &Option<String>| match (on, number) {
        (true, Some(n)) => format!("on, {n}"),
        (true, None) => "on".to_owned(),
        (false, _) => "off".to_owned(),
    };
    let mut rows: Vec<(&str, String)> = vec![("user ID", u.id.clone())];
    if let Some(e) = &u.email {
        rows.push(("email", e.clone()));
    }
    if let Some(s) = &u.status {
        rows.push(("status", s.clone()));
    }
    if let Some(s) = &u.identity_source {
        rows.push(("identity source", s.clone()));
    }
    rows.push(("SMS", onoff(u.sms_on, &u.sms_number)));
    rows.push(("voice", onoff(u.voice_on, &u.voice_number)));
    if u.mark_deleted == Some(true) {
        rows.push(("marked deleted", "yes".into()));
    }
    if u.high_risk == Some(true) {
        rows.push(("high-risk user", "yes".into()));
    }
    let mut out = vec![summary.to_owned()];
    out.extend(
        rows.into_iter()
            .map(|(k, v)| format!("  {:<17}{v}", format!("{k}:"))),
    );
    out.push(format!(
        "Unlock tokencodes with `tokendesk user unlock {again}`."
    ));
    out.join("\n")
}

/// The lock status of all three SecurID methods, as a table.
pub fn method_locks(heading: &str, locks: &MethodLocks, user: &SecurIdUser) -> String {
    let rows: Vec<Vec<String>> = UnlockMethod::ALL
        .iter()
        .map(|m| {
            let mut status = if locks.is_locked(*m) {
                "locked".to_owned()
            } else {
                "unlocked".to_owned()
            };
            let off = match m {
                UnlockMethod::Token => false,
                UnlockMethod::Sms => !user.sms_on,
                UnlockMethod::Voice => !user.voice_on,
            };
            if off {
                status.push_str(&format!(
                    " ({} tokencodes are off for this user)",
                    m.label()
                ));
            }
            vec![m.label().to_owned(), status]
        })
        .collect();
    format!("{heading}\n{}", table(&["METHOD", "STATUS"], &rows))
}

/// `tokendesk codes`: the whole catalog, or one code in full — CENTAGATE's return codes, or
/// with `securid` SecurID Cloud's HTTP answers (the same catalog shape).
pub fn codes(code: Option<i64>, securid: bool) -> Done {
    let (backend, flag) = if securid {
        (Backend::SecurId, " --securid")
    } else {
        (Backend::Centagate, "")
    };
    let catalog = tokendesk_core::backend::catalog(backend);
    let what = catalog.heading();
    let all = catalog.all();
    match code {
        None => {
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|e| {
                    vec![
                        e.code.to_string(),
                        e.title.to_owned(),
                        e.vendor_text.to_owned(),
                    ]
                })
                .collect();
            let human = format!(
                "{what} ({}). `tokendesk codes{flag} N` explains one.\n{}",
                rows.len(),
                table(&["CODE", "MEANING", "VENDOR TEXT"], &rows)
            );
            Done::local(human, all)
        }
        Some(n) => match catalog.entry(n) {
            Some(e) => {
                let mut human = format!(
                    "{} — {}\n  vendor text: {}\n  next: {}",
                    e.code, e.title, e.vendor_text, e.hint
                );
                for m in e.per_operation {
                    human.push_str(&format!(
                        "\n  on {}: {} — {}",
                        m.operation.label(),
                        m.title,
                        m.hint
                    ));
                }
                Done::local(human, e)
            }
            None => {
                let d = catalog.describe(n, None);
                Done::local(
                    format!("{} — {}", d.title, d.hint),
                    json!({"code": n, "title": d.title, "hint": d.hint}),
                )
            }
        },
    }
}

/// `tokendesk audit`: one line per action, oldest first.
pub fn audit_table(entries: &[tokendesk_core::audit::AuditEntry]) -> String {
    if entries.is_empty() {
        return "No audit entries match.".into();
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let what = match (&e.error, &e.summary) {
                (Some(err), _) => match err.code {
                    Some(c) => format!("{} (code {c})", err.title),
                    None => err.title.clone(),
                },
                (None, Some(s)) => s.clone(),
                (None, None) => String::new(),
            };
            vec![
                e.id.to_string(),
                e.at.clone(),
                format!("{}@{}", e.os_user, e.host),
                e.surface.clone(),
                e.profile.clone(),
                e.operation.clone(),
                e.target.clone(),
                e.outcome.word().to_uppercase(),
                what,
            ]
        })
        .collect();
    format!(
        "Audit log ({} {}):\n{}",
        rows.len(),
        if rows.len() == 1 { "action" } else { "actions" },
        table(
            &[
                "ID",
                "AT (UTC)",
                "WHO",
                "FROM",
                "PROFILE",
                "OPERATION",
                "TARGET",
                "OUTCOME",
                "RESULT"
            ],
            &rows
        )
    )
}
