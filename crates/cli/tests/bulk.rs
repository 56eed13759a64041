//! `tokendesk bulk` against the practice server, with a recording proxy in front of it that
//! counts every request the CLI sends: a dry run sends only the profile's read-only test; a
//! real run sends each row once and writes its results neutralised; invalid rows refuse the
//! file unless skipped; a job killed with SIGKILL mid-run resumes without sending any row
//! twice (rows in flight become unknown, sent again only with --retry-unknown); Ctrl-C stops
//! the job after the rows in flight (exit 130) and a resume finishes it; the --json documents
//! and `bulk status`; a SecurID Cloud job (user-unlock by email, semicolons, extra columns).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tokendesk_sim::{Faults, Fixture, SimConfig, UserSpec};

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    body: Vec<u8>,
}

impl Seen {
    fn user(&self) -> String {
        serde_json::from_slice::<Value>(&self.body)
            .ok()
            .and_then(|v| v["username"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// A practice server with `users` extra users (`bulk01`, ...) and `latency` on every answer,
/// behind a proxy that records each request before passing it on.
struct Rig {
    sim: Sim,
    seen: Arc<Mutex<Vec<Seen>>>,
    origin: String,
    rt: Option<tokio::runtime::Runtime>,
    desk: Desk,
    files: tempfile::TempDir,
}

fn user_name(i: usize) -> String {
    format!("bulk{i:02}")
}

impl Rig {
    fn new(users: usize, latency: Duration) -> Rig {
        let mut fixture = Fixture::demo();
        // As a fixture file writes a user: the name alone, everything else by default.
        fixture.users.extend((1..=users).map(|i| {
            serde_json::from_value::<UserSpec>(serde_json::json!({"username": user_name(i)}))
                .expect("a user")
        }));
        let sim = Sim::start(SimConfig {
            fixture,
            practice: true,
            faults: Faults {
                latency,
                ..Faults::default()
            },
            ..SimConfig::default()
        });
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the proxy");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let origin = rt.block_on(proxy(sim.origin(), seen.clone()));
        let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
        desk.add_profile("lab", &origin, PRACTICE_ADMIN);
        Rig {
            sim,
            seen,
            origin,
            rt: Some(rt),
            desk,
            files: key_dir(),
        }
    }

    /// A file beside the test (not in the desk's folder).
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.files.path().join(name);
        std::fs::write(&p, text).expect("file written");
        p
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// Register requests per user.
    fn registers(&self) -> HashMap<String, usize> {
        let mut m = HashMap::new();
        for s in self.seen() {
            if s.path.contains("registerActiveToken") {
                *m.entry(s.user()).or_insert(0) += 1;
            }
        }
        m
    }

    fn register_count(&self) -> usize {
        self.registers().values().sum()
    }

    /// `tokendesk ARGS` started in the background, its streams in files.
    fn spawn(&self, args: &[&str]) -> (Child, PathBuf) {
        let err = self.files.path().join("child.err");
        let mut c = self.desk.cmd(args);
        c.stdout(Stdio::null()).stderr(Stdio::from(
            std::fs::File::create(&err).expect("stderr file"),
        ));
        (c.spawn().expect("tokendesk starts"), err)
    }

    /// Waits until at least `n` register requests reached the server.
    fn wait_for_registers(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.register_count() < n {
            assert!(
                Instant::now() < deadline,
                "only {} registers",
                self.register_count()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the journal has no job.
    fn only_job_none(&self) -> bool {
        let out = self.desk.run(&["--json", "bulk", "status"]);
        out.status(0);
        out.json()["jobs"] == serde_json::json!([])
    }

    /// The only job (as `--json bulk status` shows it).
    fn only_job(&self) -> Value {
        let v = self.desk.run(&["--json", "bulk", "status"]);
        v.status(0);
        let jobs = v.json()["jobs"].as_array().expect("jobs").clone();
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        jobs[0].clone()
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(Duration::from_secs(1));
        }
        let _ = &self.sim;
        let _ = &self.origin;
    }
}

/// A proxy on 127.0.0.1 that records each request, then passes it to `target` and its
/// answer back. Returns its origin.
async fn proxy(target: String, seen: Arc<Mutex<Vec<Seen>>>) -> String {
    use axum::body::Body;
    use axum::extract::Request;
    use axum::response::Response;

    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("HTTP client");
    let handler = move |req: Request| {
        let (client, target, seen) = (client.clone(), target.clone(), seen.clone());
        async move {
            let (parts, body) = req.into_parts();
            let body = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            seen.lock().unwrap().push(Seen {
                path: parts.uri.path().to_owned(),
                body: body.to_vec(),
            });
            let url = format!(
                "{target}{}",
                parts.uri.path_and_query().map_or("/", |p| p.as_str())
            );
            let mut out = client.request(parts.method, url).body(body);
            for (k, v) in &parts.headers {
                if k != "host" && k != "content-length" {
                    out = out.header(k, v);
                }
            }
            let Ok(answer) = out.send().await else {
                return Response::builder()
                    .status(502)
                    .body(Body::empty())
                    .expect("response");
            };
            let mut back = Response::builder().status(answer.status());
            for (k, v) in answer.headers() {
                if k != "content-length" && k != "transfer-encoding" && k != "connection" {
                    back = back.header(k, v);
                }
            }
            let bytes = answer.bytes().await.unwrap_or_default();
            back.body(Body::from(bytes)).expect("response")
        }
    };
    let app = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// `user,sms,ticket` rows for users 1..=n (each its own phone).
fn register_rows(n: usize) -> String {
    let mut text = String::from("user,sms,ticket\n");
    for i in 1..=n {
        text.push_str(&format!("{},+6019{i:07},T-{i}\n", user_name(i)));
    }
    text
}

/// The results file's rows (header first), read as CSV.
fn results(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .expect("results file");
    r.records()
        .map(|rec| rec.expect("CSV").iter().map(str::to_owned).collect())
        .collect()
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn a_dry_run_checks_every_row_and_sends_only_the_profile_test() {
    let rig = Rig::new(3, Duration::ZERO);
    let file = rig.file(
        "users.csv",
        "user,sms,ticket\nbulk01,+60190000001,T-1\nbulk02,12,T-2\nbulk01,+60190000003,T-3\n,+60190000004,T-4\n",
    );
    let f = file.to_str().unwrap();
    let out = rig
        .desk
        .run(&["bulk", "run", "token-register", f, "--dry-run"]);
    out.status(2)
        .stdout_has("4 rows, 2 valid, 2 invalid, 1 duplicate")
        .stdout_has("Phone number")
        .stdout_has("Username")
        .stdout_has("bulk01")
        .stderr_has("error: 2 of 4 rows are invalid")
        .stderr_has("Nothing was sent");
    // The rows' table: row 2's phone, row 4's username; row 3 repeats row 1's user.
    assert!(out
        .stdout
        .lines()
        .any(|l| l.trim_start().starts_with("2 ") && l.contains("Phone number")));
    assert!(out
        .stdout
        .lines()
        .any(|l| l.trim_start().starts_with("4 ") && l.contains("Username")));
    assert!(out.stdout.lines().any(|l| {
        let cells: Vec<&str> = l.split_whitespace().collect();
        cells == ["3", "1", "bulk01"]
    }));

    let out = rig
        .desk
        .run(&["--json", "bulk", "run", "token-register", f, "--dry-run"]);
    out.status(2);
    let v = out.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["dryRun"], true);
    assert_eq!(
        (v["rows"].as_u64(), v["invalid"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(v["problems"][0]["row"], 2);
    assert_eq!(v["problems"][0]["field"], "phone");
    assert_eq!(v["duplicates"][0]["row"], 3);
    assert_eq!(v["duplicates"][0]["firstRow"], 1);
    assert_eq!(v["connection"]["ok"], true);

    let good = rig.file("good.csv", &register_rows(3));
    rig.desk
        .run(&[
            "bulk",
            "run",
            "token-register",
            good.to_str().unwrap(),
            "--dry-run",
        ])
        .status(0)
        .stdout_has("3 rows, 3 valid, 0 invalid")
        .stdout_has("Ready: `tokendesk bulk run token-register");

    // Three dry runs: three profile tests, nothing else.
    let seen = rig.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen
        .iter()
        .all(|s| !s.path.contains("registerActiveToken") && s.path == seen[0].path));
    assert!(rig.only_job_none());
}

#[test]
fn a_run_sends_each_row_once_and_writes_neutralised_results() {
    let rig = Rig::new(30, Duration::ZERO);
    let mut text = register_rows(30);
    // A ticket cell a spreadsheet would run as a formula, and a user the server lacks.
    text = text.replace("T-7\n", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n");
    text.push_str("nobody-here,+60199999999,@SUM(1)\n");
    let file = rig.file("users.csv", &text);
    let out_csv = rig.files.path().join("out.csv");
    let out = rig.desk.run(&[
        "bulk",
        "run",
        "token-register",
        file.to_str().unwrap(),
        "--concurrency",
        "8",
        "--results",
        out_csv.to_str().unwrap(),
    ]);
    out.status(3)
        .stdout_has("Job ")
        .stdout_has("30 ok, 1 failed, 0 unknown, 0 skipped")
        .stdout_has("Failures:")
        .stdout_has("1 row (31)")
        .stdout_has("    next: ")
        .stdout_has("Results written to")
        .stderr_has("error: Job ")
        .stderr_has("1 of 31 rows did not succeed");
    let id = rig.only_job()["job"].as_str().unwrap().to_owned();
    out.stdout_has(&format!("Job {id} started"))
        .stderr_has(&format!("job {id}: started"));

    let per_user = rig.registers();
    assert_eq!(per_user.len(), 31, "{per_user:?}");
    assert!(per_user.values().all(|n| *n == 1), "{per_user:?}");

    let rows = results(&out_csv);
    assert_eq!(
        rows[0],
        [
            "user",
            "sms",
            "ticket",
            "outcome",
            "code",
            "title",
            "serverMessage",
            "at"
        ]
    );
    assert_eq!(rows.len(), 32);
    for (i, row) in rows[1..31].iter().enumerate() {
        assert_eq!(row[0], user_name(i + 1));
        assert_eq!(row[3], "ok", "{row:?}");
    }
    assert_eq!(rows[7][2], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(
        &rows[31][..4],
        ["nobody-here", "'+60199999999", "'@SUM(1)", "failed"]
    );
    assert!(
        !rows[31][4].is_empty() && !rows[31][5].is_empty(),
        "{:?}",
        rows[31]
    );

    // Each row is one audit entry from `bulk:<job>`.
    let audit = rig
        .desk
        .run(&["--json", "audit", "--operation", "register"]);
    audit.status(0);
    let entries = audit.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 31);
    assert!(entries.iter().all(|e| e["surface"] == format!("bulk:{id}")));

    // status: the one job, its counts and failures.
    let out = rig.desk.run(&["bulk", "status", &id]);
    out.status(0)
        .stdout_has(&format!("Job {id}: token-register on profile 'lab'"))
        .stdout_has("state:   done")
        .stdout_has("30 ok, 1 failed");
    let v = rig.desk.run(&["--json", "bulk", "status", &id]);
    v.status(0);
    let v = v.json();
    assert_eq!(v["ok"], true);
    let job = &v["jobs"][0];
    assert_eq!(job["job"], id.as_str());
    assert_eq!(job["operation"], "token-register");
    assert_eq!(job["state"], "done");
    assert!(job["file"].as_str().unwrap().ends_with("users.csv"));
    assert_eq!(job["counts"]["ok"], 30);
    assert_eq!(job["failures"][0]["rows"], serde_json::json!([31]));
    rig.desk
        .run(&["bulk", "status", "nosuchjob"])
        .fails(5)
        .stderr_has("No bulk job 'nosuchjob'");
}

#[test]
fn invalid_rows_refuse_the_file_unless_skipped_and_json_is_one_summary() {
    let rig = Rig::new(4, Duration::ZERO);
    let file = rig.file(
        "users.csv",
        "user,sms\nbulk01,+60190000001\nbulk02,12\nbulk03,+60190000003\n",
    );
    let f = file.to_str().unwrap();
    rig.desk
        .run(&["bulk", "run", "token-register", f])
        .fails(2)
        .stderr_has("row 2")
        .stderr_has("--skip-invalid")
        .stderr_has("Nothing was sent");
    rig.desk
        .run(&["--json", "bulk", "run", "token-register", f])
        .json_err(2, "input", None);
    assert_eq!(rig.seen().len(), 0, "nothing sent");
    assert!(rig.only_job_none(), "no job recorded");

    let out = rig.desk.run(&[
        "--json",
        "bulk",
        "run",
        "token-register",
        f,
        "--skip-invalid",
    ]);
    out.status(0);
    let v = out.json();
    assert_eq!(
        keys(&v),
        [
            "counts",
            "failures",
            "file",
            "job",
            "ok",
            "operation",
            "recoveredUnknown",
            "results",
            "state",
            "stopped"
        ]
    );
    assert_eq!(v["ok"], true);
    assert_eq!(
        v["counts"],
        serde_json::json!({"ok": 2, "failed": 0, "unknown": 0, "skipped": 1, "pending": 0})
    );
    assert_eq!(v["failures"], serde_json::json!([]));
    out.stderr_has(&format!("job {}: started", v["job"].as_str().unwrap()));
    assert_eq!(rig.register_count(), 2);

    // Usage errors: an unknown operation, a concurrency out of range.
    rig.desk
        .run(&["bulk", "run", "token-sync", f])
        .fails(2)
        .stderr_has("token-register");
    rig.desk
        .run(&["bulk", "run", "token-register", f, "--concurrency", "33"])
        .status(2)
        .stderr_has("1 to 32");
}

/// A rig whose server answers in 300 ms, and `bulk run token-register` of 30 rows with four
/// in flight started in the background, once `registers` rows reached the server.
fn slow_job_under_way(registers: usize) -> (Rig, Child, PathBuf) {
    let rig = Rig::new(30, Duration::from_millis(300));
    let file = rig.file("users.csv", &register_rows(30));
    let (child, err) = rig.spawn(&[
        "bulk",
        "run",
        "token-register",
        file.to_str().unwrap(),
        "--concurrency",
        "4",
    ]);
    rig.wait_for_registers(registers);
    (rig, child, err)
}

/// Register rows with latency, four in flight: the job is killed (SIGKILL) in the middle,
/// then resumed. No row reaches the server twice; each is once in the results; the rows that
/// were in flight are unknown until --retry-unknown sends them again.
#[test]
fn a_job_killed_mid_run_resumes_without_sending_a_row_twice() {
    let (rig, mut child, _) = slow_job_under_way(8);
    child.kill().expect("SIGKILL");
    child.wait().expect("killed");
    let before = rig.registers();
    assert!(before.values().all(|n| *n == 1), "{before:?}");

    let job = rig.only_job();
    let id = job["job"].as_str().unwrap().to_owned();
    assert_eq!(
        job["state"], "stopped",
        "killed while running, held by no process: {job}"
    );
    assert!(job["counts"]["pending"].as_u64().unwrap() > 0, "{job}");

    let out_csv = rig.files.path().join("out.csv");
    let out = rig.desk.run(&[
        "--json",
        "bulk",
        "resume",
        &id,
        "--results",
        out_csv.to_str().unwrap(),
    ]);
    // Rows in flight at the kill are unknown: not all ok.
    out.status(3);
    let v = out.json();
    let unknown = v["counts"]["unknown"].as_u64().unwrap() as usize;
    assert!((1..=4).contains(&unknown), "{v}");
    assert_eq!(v["recoveredUnknown"], unknown);
    assert_eq!(v["counts"]["ok"].as_u64().unwrap() as usize, 30 - unknown);
    assert_eq!(v["counts"]["failed"], 0);

    // Each row once in the results; at most once at the server (exactly once unless it was
    // in flight at the kill).
    let rows = results(&out_csv);
    assert_eq!(rows.len(), 31);
    let mut unknown_users = Vec::new();
    let per_user = rig.registers();
    for (i, row) in rows[1..].iter().enumerate() {
        let user = user_name(i + 1);
        assert_eq!(row[0], user);
        let sent = per_user.get(&user).copied().unwrap_or(0);
        match row[3].as_str() {
            "ok" => assert_eq!(sent, 1, "{user}: {per_user:?}"),
            "unknown" => {
                assert!(sent <= 1, "{user}: {per_user:?}");
                assert_eq!(before.get(&user).copied().unwrap_or(0), sent);
                unknown_users.push(user);
            }
            other => panic!("{user}: {other}"),
        }
    }
    assert_eq!(unknown_users.len(), unknown);

    // --retry-unknown sends exactly those rows once more, and nothing else.
    let out = rig
        .desk
        .run(&["--json", "bulk", "resume", &id, "--retry-unknown"]);
    let v = out.json();
    assert_eq!(v["counts"]["unknown"], 0, "{v}");
    assert_eq!(v["counts"]["pending"], 0, "{v}");
    let after = rig.registers();
    for i in 1..=30 {
        let user = user_name(i);
        let extra = usize::from(unknown_users.contains(&user));
        assert_eq!(
            after.get(&user).copied().unwrap_or(0),
            per_user.get(&user).copied().unwrap_or(0) + extra,
            "{user}: {after:?}"
        );
    }
    assert_eq!(rig.only_job()["state"], "done");
}

/// Ctrl-C (SIGINT) stops taking rows, waits for those in flight (none left unknown), says how
/// to resume and exits 130; the resume sends the rest, each row once. A resume while the job
/// still runs is refused.
#[test]
fn ctrl_c_stops_after_the_rows_in_flight_and_a_resume_finishes() {
    let (rig, mut child, err) = slow_job_under_way(6);
    // While it runs, a resume elsewhere is refused: it would send the same rows.
    let id = rig.only_job()["job"].as_str().unwrap().to_owned();
    rig.desk
        .run(&["bulk", "resume", &id])
        .fails(5)
        .stderr_has(&format!("job {id} is running in another process"));
    let signal = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signal.success());
    let status = child.wait().expect("ends");
    let stderr = std::fs::read_to_string(&err).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    let job = rig.only_job();
    assert!(
        stderr.contains(&format!("tokendesk bulk resume {id}")),
        "{stderr}"
    );
    assert!(stderr.contains("stopped by you"), "{stderr}");
    assert_eq!(job["state"], "stopped");
    assert_eq!(
        job["counts"]["unknown"], 0,
        "rows in flight were waited for"
    );
    let sent = rig.register_count();
    assert_eq!(job["counts"]["ok"].as_u64().unwrap() as usize, sent);
    assert!(sent < 30, "stopped early: {sent}");

    rig.desk
        .run(&["bulk", "resume", &id])
        .status(0)
        .stdout_has("30 ok, 0 failed, 0 unknown, 0 skipped");
    let per_user = rig.registers();
    assert_eq!(per_user.len(), 30);
    assert!(per_user.values().all(|n| *n == 1), "{per_user:?}");
}

/// On a SecurID Cloud profile: `user-unlock` over every practice identity by email, with a
/// column the operation does not use kept in the results; each user's token tokencodes end
/// unlocked.
#[test]
fn securid_user_unlock_over_the_practice_users() {
    let sim = Sim::demo_securid(None);
    let keys = key_dir();
    let key = keys.path().join("practice-key.json");
    sim.write_key_file(&key);
    let mut desk = Desk::new();
    desk.add_securid_profile("sid", &key);
    let (status, users) = sim.practice_get("/securid/users");
    assert_eq!(status, 200);
    let users = users.as_array().expect("users").clone();
    assert!(users.iter().any(|u| u["isTokenLocked"] == true));
    let mut text = String::from("Email;Methods;Note\n");
    for u in &users {
        text.push_str(&format!(
            "{};token;ticket {}\n",
            u["emailAddress"].as_str().unwrap(),
            u["username"].as_str().unwrap()
        ));
    }
    let file = keys.path().join("unlock.csv");
    std::fs::write(&file, text).unwrap();
    let out_csv = keys.path().join("out.csv");
    let out = desk.run(&[
        "--json",
        "bulk",
        "run",
        "user-unlock",
        file.to_str().unwrap(),
        "--results",
        out_csv.to_str().unwrap(),
    ]);
    let v = out.json();
    assert_eq!(
        v["counts"]["ok"].as_u64().unwrap() as usize,
        users.len(),
        "{v}"
    );
    out.status(0);
    let (_, after) = sim.practice_get("/securid/users");
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["isTokenLocked"] == false),
        "{after}"
    );
    let rows = results(&out_csv);
    assert_eq!(rows[0][..3], ["Email", "Methods", "Note"]);
    assert_eq!(rows.len(), users.len() + 1);
    assert!(
        rows[1..]
            .iter()
            .all(|r| r[2].starts_with("ticket ") && r[3] == "ok"),
        "{rows:?}"
    );
}

/// A server that cannot be reached stops the job after a few rows (exit 4); the rows stay
/// pending for a resume, none counted as failed.
#[test]
fn an_unreachable_server_stops_the_job_for_a_resume() {
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("gone", &dead_origin(), PRACTICE_ADMIN);
    let files = key_dir();
    let file = files.path().join("users.csv");
    std::fs::write(&file, register_rows(20)).unwrap();
    // The dry run's profile test says so too.
    desk.run(&[
        "bulk",
        "run",
        "token-unlock",
        file.to_str().unwrap(),
        "--dry-run",
    ])
    .status(4)
    .stdout_has("20 rows, 20 valid, 0 invalid")
    .stdout_has("the test failed (below)")
    .stderr_has("error: ");
    let out = desk.run(&[
        "bulk",
        "run",
        "token-unlock",
        file.to_str().unwrap(),
        "--concurrency",
        "1",
    ]);
    out.status(4).stderr_has("could not be reached");
    let v = desk.run(&["--json", "bulk", "status"]);
    let job = v.json()["jobs"][0].clone();
    assert_eq!(job["state"], "stopped", "{job}");
    assert_eq!(job["counts"]["pending"], 20, "{job}");
    let id = job["job"].as_str().unwrap();
    out.stderr_has(&format!("tokendesk bulk resume {id}"));
}
