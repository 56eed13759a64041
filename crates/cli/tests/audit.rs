//! `tokendesk audit` end to end: every CLI action lands in the audit log with who, where and
//! what the server said; a killed process leaves an `unknown` action; tampering makes
//! `audit verify` exit 5 naming the entry; a log that cannot be written sends nothing; CSV
//! never carries a live formula; no secret reaches the file.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tokendesk_sim::{Faults, Fixture, SimConfig};

fn desk_at(sim: &Sim) -> Desk {
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("practice", &sim.origin(), PRACTICE_ADMIN);
    desk
}

fn entries(desk: &Desk, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json", "audit"];
    all.extend_from_slice(args);
    let out = desk.run(&all);
    out.success();
    let doc: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["ok"], true);
    doc["entries"].as_array().expect("entries").clone()
}

#[test]
fn every_cli_action_is_recorded_with_its_outcome_and_nothing_secret() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.run(&["profile", "test", "practice"]).success();
    desk.run(&[
        "token",
        "register",
        "--user",
        "grace",
        "--sms",
        "+60 (12) 345-6789",
    ])
    .success();
    desk.run(&["token", "register", "--user", "grace", "--otp", "HW-1001"])
        .success();
    let (c1, c2) = sim.two_codes("HW-2005");
    desk.run(&[
        "token", "sync", "--user", "frank", "--otp1", &c1, "--otp2", &c2,
    ])
    .success();
    desk.run(&["token", "unlock", "--user", "carol"]).success();
    desk.run(&["token", "unlock", "--user", "nobody"]).status(3);
    desk.run(&["user", "methods", "--user", "bob"]).success();
    // Refused locally: not an action, nothing recorded.
    desk.run(&["token", "unlock", "--user", ""]).status(2);
    desk.run(&["profile", "remove", "practice"]).success();

    let e = entries(&desk, &[]);
    let ops: Vec<(&str, &str, &str)> = e
        .iter()
        .map(|x| {
            (
                x["operation"].as_str().unwrap(),
                x["target"].as_str().unwrap(),
                x["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("addProfile", "practice", "ok"),
            ("testProfile", "practice", "ok"),
            ("register", "grace", "ok"),
            ("register", "grace", "ok"),
            ("sync", "frank", "ok"),
            ("unlock", "carol", "ok"),
            ("unlock", "nobody", "failed"),
            ("listMethods", "bob", "ok"),
            ("removeProfile", "practice", "ok"),
        ]
    );
    for x in &e {
        assert_eq!(x["surface"], "cli");
        assert_eq!(x["profile"], "practice");
        assert_eq!(x["server"], sim.origin());
        assert_eq!(x["admin"], PRACTICE_ADMIN);
        assert!(x["osUser"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(x["host"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(x["at"].as_str().unwrap().ends_with('Z'));
        assert!(x["durationMs"].as_i64().is_some());
        assert!(x["id"].as_i64().is_some());
    }
    assert_eq!(e[2]["details"]["phone"], "+60123456789");
    assert_eq!(e[2]["details"]["kind"], "sms");
    assert_eq!(e[3]["details"]["serial"], "HW-1001");
    assert_eq!(e[4]["details"], serde_json::json!({}), "no codes recorded");
    assert_eq!(e[6]["error"]["code"], 22002);
    assert_eq!(e[6]["error"]["kind"], "server");
    assert_eq!(e[6]["error"]["serverMessage"], "User not found");
    assert!(e[6]["error"]["title"]
        .as_str()
        .unwrap()
        .contains("No such user"));
    assert!(e[5]["summary"].as_str().unwrap().contains("Unlocked"));

    // The human table, oldest first; --limit keeps the newest.
    let out = desk.run(&["audit", "--limit", "2"]);
    out.success()
        .stdout_has("listMethods")
        .stdout_has("removeProfile")
        .stdout_lacks("testProfile");
    let filtered = entries(&desk, &["--user", "GRACE", "--operation", "register"]);
    assert_eq!(filtered.len(), 2);
    assert_eq!(entries(&desk, &["--outcome", "failed"]).len(), 1);

    // No secret in the log's files, whatever they hold.
    let dir = desk.data_dir();
    let mut scanned = 0;
    for f in std::fs::read_dir(&dir).unwrap().flatten() {
        let bytes = std::fs::read(f.path()).unwrap();
        scanned += bytes.len();
        for needle in [PRACTICE_AUTH, PRACTICE_SECRET, c1.as_str(), c2.as_str()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} found in {}",
                f.path().display()
            );
        }
    }
    assert!(scanned > 0, "the log was written");

    desk.run(&["audit", "verify"])
        .success()
        .stdout_has("18 entries, chain intact, head ");
}

#[test]
fn audit_shows_every_profile_unless_profile_is_on_the_command_line() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.add_profile("second", &sim.origin(), PRACTICE_ADMIN);
    desk.run(&[
        "--profile",
        "practice",
        "token",
        "unlock",
        "--user",
        "carol",
    ])
    .success();
    desk.run(&["--profile", "second", "user", "methods", "--user", "bob"])
        .success();
    let all = desk.run_env(
        &["--json", "audit", "--operation", "listMethods"],
        &[("TOKENDESK_PROFILE", Some("practice"))],
    );
    all.success().stdout_has("\"profile\":\"second\"");
    assert_eq!(entries(&desk, &["--profile", "second"]).len(), 2);
    assert_eq!(entries(&desk, &["--profile", "practice"]).len(), 2);
}

#[test]
fn a_process_killed_mid_call_leaves_an_unknown_action() {
    let sim = Sim::start(SimConfig {
        fixture: Fixture::demo(),
        practice: true,
        faults: Faults {
            latency: Duration::from_secs(10),
            ..Faults::default()
        },
        ..SimConfig::default()
    });
    let desk = desk_at(&sim);
    let mut child = desk
        .cmd(&["token", "unlock", "--user", "carol"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the attempt is on disk: then the call is in flight.
    let deadline = Instant::now() + Duration::from_secs(15);
    let in_progress = loop {
        let e = entries(&desk, &["--operation", "unlock"]);
        if let Some(x) = e.first() {
            break x.clone();
        }
        assert!(Instant::now() < deadline, "the attempt was never recorded");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(in_progress["outcome"], "inProgress");
    child.kill().unwrap();
    child.wait().unwrap();
    let e = entries(&desk, &["--outcome", "unknown"]);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["target"], "carol");
    assert!(e[0]["durationMs"].is_null());
    desk.run(&["audit"]).success().stdout_has("UNKNOWN");
}

#[test]
fn verify_exits_5_naming_the_tampered_entry() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.run(&["token", "unlock", "--user", "carol"]).success();
    desk.run(&["user", "methods", "--user", "bob"]).success();
    let db = desk.data_dir().join("audit.sqlite3");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE audit_events SET outcome = 'failed' WHERE seq = 4",
        [],
    )
    .unwrap();
    drop(conn);
    let out = desk.run(&["audit", "verify"]);
    out.status(5)
        .stderr_has("The audit log does not verify at entry 4");
    let out = desk.run(&["--json", "audit", "verify"]);
    out.status(5);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error"]["kind"], "config");
}

#[test]
fn a_log_that_cannot_be_written_refuses_the_action_and_sends_nothing() {
    let trap = Trap::new();
    let mut desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("trap", &trap.origin(), PRACTICE_ADMIN);
    let blocker = desk.dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    desk.set("TOKENDESK_DATA_DIR", blocker.join("data").to_str().unwrap());
    let out = desk.run(&["token", "unlock", "--user", "carol"]);
    out.status(5)
        .stderr_has("The audit log cannot be written")
        .stderr_has("Nothing was sent");
    let out = desk.run(&["--json", "user", "methods", "--user", "carol"]);
    out.status(5).stdout_has("\"kind\":\"config\"");
    assert_eq!(trap.connections(), 0, "nothing reached the server");
}

#[test]
fn csv_neutralises_formulas_and_quotes_as_rfc_4180() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.run(&[
        "token",
        "unlock",
        "--user",
        "=HYPERLINK(\"http://evil\",\"x\")",
    ])
    .status(3);
    desk.run(&["token", "unlock", "--user", "@SUM(1,2)"])
        .status(3);
    let out = desk.run(&["audit", "--csv"]);
    out.success();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[0], "id");
    let target = header.iter().position(|h| h == "target").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // The profile's creation, then the two unlocks.
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][target], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(&rows[2][target], "'@SUM(1,2)");
    desk.run(&["--json", "audit", "--csv"]).status(2);
}

/// Makes a file read-only for whoever runs the test: `chmod 444`, and for root (whom
/// permissions do not bind) the immutable attribute too. Undone on drop. (Unix only.)
#[cfg(unix)]
struct ReadOnly(std::path::PathBuf);

#[cfg(unix)]
impl ReadOnly {
    fn new(path: &std::path::Path) -> ReadOnly {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let _ = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status();
        // Whoever we are, the file must now refuse a write.
        assert!(
            std::fs::OpenOptions::new().append(true).open(path).is_err(),
            "could not make {} read-only (chattr missing?)",
            path.display()
        );
        ReadOnly(path.to_owned())
    }
}

#[cfg(unix)]
impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o644));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_log_refuses_the_action_and_sends_nothing() {
    let trap = Trap::new();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("trap", &trap.origin(), PRACTICE_ADMIN);
    let db = desk.data_dir().join("audit.sqlite3");
    assert!(db.exists(), "adding the profile created the log");
    let _ro = ReadOnly::new(&db);
    let out = desk.run(&["token", "unlock", "--user", "carol"]);
    out.status(5)
        .stderr_has("The audit log cannot be written")
        .stderr_has("Nothing was sent");
    assert_eq!(trap.connections(), 0, "nothing reached the server");
}
