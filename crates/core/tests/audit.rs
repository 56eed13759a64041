//! The audit log as a file: several processes appending at once lose and double nothing,
//! every kind of tampering is caught by `verify` at the right entry, an unanswered attempt
//! reads as in progress while its process lives, and a log that cannot be written refuses
//! the action before it starts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;
use tokendesk_core::audit::{
    Action, AuditFilter, AuditLog, AuditOutcome, Recorder, Surface, Verification,
};
use tokendesk_core::{ConfigError, Error, ErrorKind};

const CHILD_ENV: &str = "TOKENDESK_AUDIT_TEST_CHILD";

fn action(target: &str) -> Action {
    Action {
        profile: "prod".into(),
        server: "https://mfa.example.com".into(),
        admin: "helpdesk".into(),
        operation: "unlock".into(),
        target: target.into(),
        details: BTreeMap::from([("serial".to_owned(), "SN-1".to_owned())]),
    }
}

fn recorder(path: &Path) -> Recorder {
    Recorder::new(Arc::new(AuditLog::at(path)), Surface::Cli)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Records `n` actions, alternately succeeding and failing.
fn write_actions(path: &Path, n: usize, tag: &str) {
    let r = recorder(path);
    runtime().block_on(async {
        for i in 0..n {
            let target = format!("{tag}-{i}");
            let _ = r
                .record(action(&target), async move {
                    if i % 2 == 0 {
                        Ok(())
                    } else {
                        Err(Error::input(
                            tokendesk_core::vocab::Field::Username,
                            "test failure",
                        ))
                    }
                })
                .await;
        }
    });
}

/// Not a test of its own: the body of the child processes `two_processes_...` starts.
#[test]
fn child_writer() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let (path, tag) = spec.split_once('|').unwrap();
        write_actions(Path::new(path), 200, tag);
    }
}

fn temp_log() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.sqlite3");
    (dir, path)
}

#[test]
fn two_processes_writing_200_actions_each_leave_400_entries_and_an_intact_chain() {
    let (_dir, path) = temp_log();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["a", "b"]
        .iter()
        .map(|tag| {
            Command::new(&exe)
                .args(["--exact", "child_writer", "--test-threads", "1"])
                .env(CHILD_ENV, format!("{}|{tag}", path.display()))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let log = AuditLog::at(&path);
    let entries = log.entries(&AuditFilter::default()).unwrap();
    assert_eq!(entries.len(), 400);
    let targets: std::collections::BTreeSet<&str> =
        entries.iter().map(|e| e.target.as_str()).collect();
    assert_eq!(targets.len(), 400, "no action lost or doubled");
    assert!(entries
        .iter()
        .all(|e| matches!(e.outcome, AuditOutcome::Ok | AuditOutcome::Failed)));
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.outcome == AuditOutcome::Failed)
            .count(),
        200
    );
    match log.verify().unwrap() {
        Verification::Intact { events, head } => {
            assert_eq!(events, 800);
            assert_eq!(head.len(), 64);
        }
        other => panic!("{other:?}"),
    }
}

/// A log of four actions (eight events) to tamper with.
fn four_actions() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = temp_log();
    write_actions(&path, 4, "t");
    (dir, path)
}

fn verify(path: &Path) -> Verification {
    AuditLog::at(path).verify().unwrap()
}

fn tamper(path: &Path, sql: &str) {
    Connection::open(path).unwrap().execute_batch(sql).unwrap();
}

#[test]
fn an_edited_field_is_caught_at_its_entry() {
    let (_d, path) = four_actions();
    tamper(
        &path,
        "UPDATE audit_events SET target = 'mallory' WHERE seq = 3",
    );
    assert!(
        matches!(verify(&path), Verification::Broken { id: 3, ref reason } if reason.contains("changed"))
    );
}

#[test]
fn an_edited_result_is_caught_even_when_its_hash_is_recomputed_by_hand() {
    let (_d, path) = four_actions();
    // Someone turns a failure into a success and writes a hash of their own.
    tamper(
        &path,
        "UPDATE audit_events SET outcome = 'ok', error = NULL, hash = lower(hex(randomblob(32))) WHERE seq = 4",
    );
    assert!(matches!(verify(&path), Verification::Broken { id: 4, .. }));
}

#[test]
fn a_deleted_middle_entry_is_caught_at_the_entry_after_it() {
    let (_d, path) = four_actions();
    tamper(&path, "DELETE FROM audit_events WHERE seq = 5");
    assert!(
        matches!(verify(&path), Verification::Broken { id: 6, ref reason } if reason.contains("removed"))
    );
}

#[test]
fn an_inserted_entry_is_caught() {
    let (_d, path) = four_actions();
    // Moves the newest events up to make room, then inserts a copy of an earlier one.
    tamper(
        &path,
        "UPDATE audit_events SET seq = seq + 100 WHERE seq > 4;
         UPDATE audit_events SET seq = seq - 99 WHERE seq > 100;
         INSERT INTO audit_events SELECT 5, kind, attempt, at, pid, os_user, host, surface,
            profile, server, admin, operation, 'inserted', details, outcome, error, summary,
            duration_ms, (SELECT hash FROM audit_events WHERE seq = 4), hash, case_id, ticket
            FROM audit_events WHERE seq = 1;",
    );
    assert!(matches!(verify(&path), Verification::Broken { id: 5, .. }));
}

#[test]
fn reordered_entries_are_caught() {
    let (_d, path) = four_actions();
    tamper(
        &path,
        "UPDATE audit_events SET seq = 100 WHERE seq = 2;
         UPDATE audit_events SET seq = 2 WHERE seq = 3;
         UPDATE audit_events SET seq = 3 WHERE seq = 100;",
    );
    assert!(matches!(verify(&path), Verification::Broken { id: 2, .. }));
}

#[test]
fn removing_the_newest_entries_leaves_a_valid_chain_with_an_older_head() {
    let (_d, path) = four_actions();
    let Verification::Intact { head: before, .. } = verify(&path) else {
        panic!("intact first")
    };
    tamper(&path, "DELETE FROM audit_events WHERE seq > 6");
    match verify(&path) {
        Verification::Intact { events, head } => {
            assert_eq!(events, 6);
            assert_ne!(head, before, "the head hash shows what went");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_attempt_without_a_result_is_in_progress_while_its_process_lives() {
    let (_d, path) = temp_log();
    let r = recorder(&path);
    let log = r.log().clone();
    let seen = std::sync::Mutex::new(Vec::new());
    runtime().block_on(async {
        r.record(action("bob"), async {
            // The answer has not come yet: this process is alive.
            *seen.lock().unwrap() = log.entries(&AuditFilter::default()).unwrap();
            Ok::<_, Error>(())
        })
        .await
        .unwrap()
    });
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].outcome, AuditOutcome::InProgress);
    assert_eq!(seen[0].duration_ms, None);
    let after = AuditLog::at(&path)
        .entries(&AuditFilter::default())
        .unwrap();
    assert_eq!(after[0].outcome, AuditOutcome::Ok);
    assert!(after[0].duration_ms.is_some());
}

#[test]
fn an_attempt_whose_process_is_gone_is_unknown() {
    // Written by a child process that has ended, its last result gone (as when the
    // process is killed between sending and hearing the answer).
    let (_d2, path2) = temp_log();
    let exe = std::env::current_exe().unwrap();
    let status = Command::new(&exe)
        .args(["--exact", "child_writer", "--test-threads", "1"])
        .env(CHILD_ENV, format!("{}|gone", path2.display()))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let conn = Connection::open(&path2).unwrap();
    conn.execute_batch("DELETE FROM audit_events WHERE seq = 400")
        .unwrap();
    drop(conn);
    let entries = AuditLog::at(&path2)
        .entries(&AuditFilter::default())
        .unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.outcome, AuditOutcome::Unknown, "{last:?}");
    assert_eq!(
        AuditLog::at(&path2)
            .entries(&AuditFilter {
                outcome: Some(AuditOutcome::Unknown),
                ..AuditFilter::default()
            })
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        AuditLog::at(&path2).verify().unwrap(),
        Verification::Intact { .. }
    ));
}

fn refused(e: Error) -> String {
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(matches!(
        e,
        Error::Config(ConfigError::AuditUnavailable { .. })
    ));
    let info = e.info();
    assert!(info.hint.contains("Nothing was sent"), "{}", info.hint);
    info.hint
}

#[test]
fn a_log_that_cannot_be_created_refuses_the_action_before_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("file");
    std::fs::write(&not_a_folder, b"x").unwrap();
    let r = recorder(&not_a_folder.join("audit.sqlite3"));
    let ran = std::sync::atomic::AtomicBool::new(false);
    let e = runtime()
        .block_on(r.record(action("bob"), async {
            ran.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }))
        .unwrap_err();
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    refused(e);
}

#[test]
fn a_log_locked_longer_than_the_busy_timeout_refuses_the_action() {
    let (_d, path) = temp_log();
    write_actions(&path, 1, "first");
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = Recorder::new(
        Arc::new(AuditLog::at(&path).with_busy_timeout(Duration::from_millis(200))),
        Surface::App,
    );
    let ran = std::sync::atomic::AtomicBool::new(false);
    let e = runtime()
        .block_on(r.record(action("bob"), async {
            ran.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }))
        .unwrap_err();
    assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    let hint = refused(e);
    assert!(hint.contains("another TokenDesk held the log"), "{hint}");
    holder.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn filters_narrow_by_user_profile_operation_outcome_time_and_limit() {
    let (_d, path) = temp_log();
    write_actions(&path, 6, "u");
    let log = AuditLog::at(&path);
    let f = |filter: AuditFilter| log.entries(&filter).unwrap();
    assert_eq!(
        f(AuditFilter {
            user: Some(" U-3 ".into()),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        f(AuditFilter {
            profile: Some("other".into()),
            ..Default::default()
        })
        .len(),
        0
    );
    assert_eq!(
        f(AuditFilter {
            operation: Some("unlock".into()),
            outcome: Some(AuditOutcome::Failed),
            ..Default::default()
        })
        .len(),
        3
    );
    let newest = f(AuditFilter {
        limit: Some(2),
        ..Default::default()
    });
    assert_eq!(
        newest.iter().map(|e| e.target.as_str()).collect::<Vec<_>>(),
        ["u-4", "u-5"]
    );
    assert_eq!(
        f(AuditFilter {
            until: Some("2000-01-01".into()),
            ..Default::default()
        })
        .len(),
        0
    );
    let today = &newest[0].at[..10];
    assert_eq!(
        f(AuditFilter {
            since: Some(today.into()),
            until: Some(today.into()),
            ..Default::default()
        })
        .len(),
        6
    );
    let e = log
        .entries(&AuditFilter {
            since: Some("last tuesday".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Input);
    // The entry says who acted, from where, and what happened.
    let one = &newest[1];
    assert_eq!(
        (
            one.surface.as_str(),
            one.profile.as_str(),
            one.admin.as_str()
        ),
        ("cli", "prod", "helpdesk")
    );
    assert_eq!(one.details.get("serial").map(String::as_str), Some("SN-1"));
    assert!(!one.os_user.is_empty() && !one.host.is_empty());
    assert_eq!(
        one.error.as_ref().map(|e| e.title.as_str()),
        Some("Username is not valid")
    );
    let ticket = one.ticket_text();
    assert!(
        ticket.contains("u-5") && ticket.contains("failed"),
        "{ticket}"
    );
}

#[test]
fn one_entry_is_read_by_its_id() {
    let (_d, path) = temp_log();
    let log = AuditLog::at(&path);
    // No file yet: nothing, and no error.
    assert_eq!(log.entry(1).unwrap(), None);
    write_actions(&path, 3, "t");
    let all = log.entries(&AuditFilter::default()).unwrap();
    for e in &all {
        assert_eq!(log.entry(e.id).unwrap().as_ref(), Some(e));
    }
    assert_eq!(log.entry(all[2].id + 1000).unwrap(), None);
}
