//! Bulk jobs against a recording local server: every valid row sent exactly once, with
//! bounded concurrency; invalid files and rows refused before anything is sent; a stop waits
//! for the rows in flight and a resume sends only what is left; rows in flight when a run
//! died become unknown and are sent again only when asked; each row an audit entry.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use tokendesk_core::audit::{AuditFilter, AuditLog, Recorder, Surface};
use tokendesk_core::bulk::{self, BulkOperation, Journal, RowState, RunOptions, Stop};
use tokendesk_core::ops::Session;
use tokendesk_core::vocab::Field;
use tokendesk_core::Error;

struct Rig {
    dir: tempfile::TempDir,
    server: TestServer,
    journal: Arc<Journal>,
}

impl Rig {
    async fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let journal = Arc::new(Journal::open(&dir.path().join("jobs.sqlite3")).unwrap());
        // Answers success, except 22002 for users named "ghost*".
        let server = TestServer::start(|r| {
            if String::from_utf8_lossy(&r.body).contains("ghost") {
                json(
                    200,
                    r#"{"code":"22002","message":"User not found","object":null}"#,
                )
            } else {
                success()
            }
        })
        .await;
        Rig {
            dir,
            server,
            journal,
        }
    }

    fn file(&self, text: &str) -> PathBuf {
        let p = self.dir.path().join("users.csv");
        std::fs::write(&p, text).unwrap();
        p
    }

    fn session(&self, job: &str) -> Arc<Session> {
        let log = Arc::new(AuditLog::at(self.dir.path().join("audit.sqlite3")));
        let recorder = Recorder::new(log, Surface::Bulk(job.to_owned()));
        Arc::new(tokendesk_core::ops::Session::with_secret(
            profile(&self.server.url(), "helpdesk01"),
            tokendesk_core::backend::ProfileSecret::Centagate(credentials()),
            recorder,
        ))
    }

    /// Runs job `id` to its end with `options`, no stop, no progress.
    async fn run(&self, id: &str, options: RunOptions) -> bulk::RunEnd {
        bulk::run(
            self.journal.clone(),
            id,
            self.session(id),
            options,
            Stop::default(),
            |_| {},
        )
        .await
        .unwrap()
    }

    /// How many requests named each user.
    fn sent_per_user(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for r in self.server.received() {
            let user = r.json()["username"].as_str().unwrap_or_default().to_owned();
            *m.entry(user).or_insert(0) += 1;
        }
        m
    }
}

fn users(n: usize) -> String {
    let mut text = String::from("user,ticket\n");
    for i in 1..=n {
        text.push_str(&format!("user{i},T-{i}\n"));
    }
    text
}

#[tokio::test]
async fn every_row_is_sent_once_and_recorded() {
    let rig = Rig::new().await;
    let file = rig.file(&(users(40) + "ghost1,T-41\n"));
    let p = profile(&rig.server.url(), "helpdesk01");
    let (job, plan) =
        bulk::create(&rig.journal, &file, BulkOperation::TokenUnlock, &p, false).unwrap();
    assert_eq!((plan.rows, plan.valid), (41, 41));
    assert_eq!(rig.server.count(), 0, "making the job sends nothing");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let end = bulk::run(
        rig.journal.clone(),
        &job.id,
        rig.session(&job.id),
        RunOptions::default(),
        Stop::default(),
        move |p| s.lock().unwrap().push(p.done),
    )
    .await
    .unwrap();
    assert_eq!(end.stopped, None);
    assert_eq!((end.status.counts.ok, end.status.counts.failed), (40, 1));
    assert_eq!(end.status.failures[0].code, Some(22002));
    assert_eq!(end.status.failures[0].rows, [41]);
    let per_user = rig.sent_per_user();
    assert_eq!(per_user.len(), 41);
    assert!(per_user.values().all(|n| *n == 1), "{per_user:?}");
    assert_eq!(seen.lock().unwrap().len(), 41);

    let log = AuditLog::at(rig.dir.path().join("audit.sqlite3"));
    let entries = log.entries(&AuditFilter::default()).unwrap();
    assert_eq!(entries.len(), 41);
    assert!(entries
        .iter()
        .all(|e| e.surface == format!("bulk:{}", job.id)));

    let mut out = Vec::new();
    bulk::results::write(&job, &rig.journal.rows(&job.id).unwrap(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("user,ticket,outcome,code,title,serverMessage,at\r\n"));
    assert!(text.contains("ghost1,T-41,failed,22002,"), "{text}");
}

#[tokio::test]
async fn invalid_rows_refuse_the_job_unless_skipped() {
    let rig = Rig::new().await;
    let file = rig.file("user,sms\nalice,+60123456789\nbob,12\nalice,+60123456780\n");
    let p = profile(&rig.server.url(), "helpdesk01");
    let plan = bulk::plan(&file, BulkOperation::TokenRegister, &p).unwrap();
    assert_eq!((plan.rows, plan.valid, plan.invalid), (3, 2, 1));
    assert_eq!(
        (plan.problems[0].row, plan.problems[0].field),
        (2, Field::Phone)
    );
    assert_eq!(
        (plan.duplicates[0].row, plan.duplicates[0].first_row),
        (3, 1)
    );
    let e = bulk::create(&rig.journal, &file, BulkOperation::TokenRegister, &p, false).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Input {
                field: Field::Phone,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("row 2"), "{e}");
    assert!(rig.journal.jobs().unwrap().is_empty(), "nothing recorded");

    let (job, _) =
        bulk::create(&rig.journal, &file, BulkOperation::TokenRegister, &p, true).unwrap();
    let end = rig.run(&job.id, RunOptions::default()).await;
    assert_eq!((end.status.counts.ok, end.status.counts.skipped), (2, 1));
    assert_eq!(rig.server.count(), 2);

    let e = bulk::create(
        &rig.journal,
        &rig.file("name,phone\nx,y\n"),
        BulkOperation::TokenRegister,
        &p,
        true,
    )
    .unwrap_err();
    assert!(e.to_string().contains("must have a user column"), "{e}");
}

#[tokio::test]
async fn a_stop_waits_for_rows_in_flight_and_a_resume_sends_the_rest_once() {
    let rig = Rig::new().await;
    let file = rig.file(&users(60));
    let p = profile(&rig.server.url(), "helpdesk01");
    let (job, _) = bulk::create(&rig.journal, &file, BulkOperation::UserEnable, &p, false).unwrap();
    let stop = Stop::default();
    let asked = stop.clone();
    let end = bulk::run(
        rig.journal.clone(),
        &job.id,
        rig.session(&job.id),
        RunOptions {
            concurrency: 3,
            retry_unknown: false,
        },
        stop,
        move |p| {
            if p.done == 10 {
                asked.request();
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(end.stopped.as_deref(), Some("stopped"));
    let sent = rig.server.count();
    assert!(
        (10..=13).contains(&sent),
        "{sent}: stops within the rows in flight"
    );
    assert_eq!(end.status.counts.ok, sent);
    assert_eq!(end.status.counts.pending, 60 - sent);
    assert_eq!(
        rig.journal.job(&job.id).unwrap().unwrap().state,
        bulk::JobState::Stopped
    );

    let end = rig.run(&job.id, RunOptions::default()).await;
    assert_eq!(end.status.counts.ok, 60);
    assert!(rig.sent_per_user().values().all(|n| *n == 1));
    assert_eq!(rig.server.count(), 60);
}

/// As after kill -9: rows marked sent with no answer recorded are unknown — not sent again —
/// until `retry_unknown` asks for them.
#[tokio::test]
async fn rows_in_flight_when_a_run_died_are_unknown_until_retried() {
    let rig = Rig::new().await;
    let file = rig.file(&users(5));
    let p = profile(&rig.server.url(), "helpdesk01");
    let (job, _) =
        bulk::create(&rig.journal, &file, BulkOperation::TokenUnlock, &p, false).unwrap();
    rig.journal.mark_sent(&job.id, 2).await.unwrap();
    rig.journal.mark_sent(&job.id, 4).await.unwrap();
    let end = rig.run(&job.id, RunOptions::default()).await;
    assert_eq!(end.recovered_unknown, 2);
    assert_eq!((end.status.counts.ok, end.status.counts.unknown), (3, 2));
    assert!(!rig.sent_per_user().contains_key("user2"));
    let states: Vec<RowState> = rig
        .journal
        .rows(&job.id)
        .unwrap()
        .iter()
        .map(|r| r.state)
        .collect();
    assert_eq!(states[1], RowState::Unknown);

    let end = rig
        .run(
            &job.id,
            RunOptions {
                concurrency: 2,
                retry_unknown: true,
            },
        )
        .await;
    assert_eq!(end.status.counts.ok, 5);
    assert!(rig.sent_per_user().values().all(|n| *n == 1));
}

#[tokio::test]
async fn an_unreachable_server_stops_the_job_resumably() {
    let rig = Rig::new().await;
    let file = rig.file(&users(30));
    let dead = profile(&format!("http://127.0.0.1:{}", closed_port()), "helpdesk01");
    let (job, _) = bulk::create(
        &rig.journal,
        &file,
        BulkOperation::TokenUnlock,
        &dead,
        false,
    )
    .unwrap();
    let log = Arc::new(AuditLog::at(rig.dir.path().join("audit.sqlite3")));
    let session = Arc::new(Session::with_secret(
        dead,
        tokendesk_core::backend::ProfileSecret::Centagate(credentials()),
        Recorder::new(log, Surface::Bulk(job.id.clone())),
    ));
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let end = bulk::run(
        rig.journal.clone(),
        &job.id,
        session,
        RunOptions {
            concurrency: 1,
            retry_unknown: false,
        },
        Stop::default(),
        move |_| {
            c.fetch_add(1, Ordering::SeqCst);
        },
    )
    .await
    .unwrap();
    assert_eq!(end.stopped.as_deref(), Some("unreachable"));
    assert_eq!(count.load(Ordering::SeqCst), 5, "stops after 5 in a row");
    // Nothing reached the server: every row waits for a resume.
    assert_eq!(end.status.counts.failed, 0);
    assert_eq!(end.status.counts.pending, 30);
    let first = &rig.journal.rows(&job.id).unwrap()[0];
    assert_eq!(
        first.title.as_deref(),
        Some("The server could not be reached")
    );
}

/// SecurID: a 429 slows the whole job, not the one row that met it. The job's rows share the
/// session's one backoff, so every call sent after the 429 — whichever worker sends it, for
/// whichever row — first waits out what is left of the one pause (waits are recorded, not
/// slept). With a backoff per worker, only the row that met the 429 would wait.
#[tokio::test]
async fn a_securid_429_pauses_every_row_of_the_job() {
    use common::securid::{rig, with_retry_after, ALICE, UNLOCKED};
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let server = TestServer::start(move |r| {
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            with_retry_after(429, "30", r#"{"message":"slow down"}"#)
        } else if r.path.ends_with("/methods") {
            json(200, UNLOCKED)
        } else {
            json(200, ALICE)
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&dir.path().join("jobs.sqlite3")).unwrap());
    let file = dir.path().join("locked.csv");
    let rows = 12;
    std::fs::write(
        &file,
        format!("email\n{}", "alice@corp.example\n".repeat(rows)),
    )
    .unwrap();
    let r = rig(&server);
    let session = Arc::new(r.session);
    let (job, _) = bulk::create(
        &journal,
        &file,
        BulkOperation::UserUnlock,
        session.profile(),
        false,
    )
    .unwrap();
    let concurrency = 4;
    let options = RunOptions {
        concurrency,
        retry_unknown: false,
    };
    let end = bulk::run(journal, &job.id, session, options, Stop::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(end.status.counts.ok, rows, "{end:?}");
    // Two calls per row (lookup, unlock) and the one refused.
    assert_eq!(server.count(), 2 * rows + 1);
    let waits = r.sleeper.waits();
    // Every call after the 429 waited, but those already in flight when it came (at most
    // one per other worker).
    assert!(
        waits.len() >= server.count() - concurrency,
        "{} calls, {} waits: {waits:?}",
        server.count(),
        waits.len()
    );
    assert!(
        waits
            .iter()
            .all(|w| *w > std::time::Duration::from_secs(29)
                && *w <= std::time::Duration::from_secs(30)),
        "each waits out the one 30 s pause: {waits:?}"
    );
}
