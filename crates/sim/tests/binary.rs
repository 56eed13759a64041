//! The `tokendesk-sim` program: its start-up line, flags and clean stop.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use common::http;
use serde_json::{json, Value};
use tokendesk_sim::cen_token;

/// A running `tokendesk-sim`, killed if a test fails half-way.
struct Program {
    child: Child,
    line: Value,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Program {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokendesk-sim"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("tokendesk-sim starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // Read the line on a thread so a program that never prints cannot hang the test run.
    let (sent, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        let _ = sent.send((stdout, line));
    });
    let Ok((stdout, line)) = received.recv_timeout(std::time::Duration::from_secs(120)) else {
        let _ = child.kill();
        panic!("no start-up line (watchdog)");
    };
    let line: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    Program {
        child,
        line,
        stdout,
    }
}

impl Program {
    async fn put(&self, path: &str, body: Value) -> reqwest::Response {
        self.try_put(path, body).await.expect("request sent")
    }

    async fn try_put(&self, path: &str, body: Value) -> reqwest::Result<reqwest::Response> {
        let admin = &self.line["admin"];
        let name = admin["username"].as_str().unwrap();
        let mut body = body;
        body["cenToken"] = json!(cen_token(
            name,
            admin["authToken"].as_str().unwrap(),
            admin["secretCode"].as_str().unwrap()
        ));
        http()
            .put(format!(
                "{}/{path}/{name}",
                self.line["baseUrl"].as_str().unwrap()
            ))
            .json(&body)
            .send()
            .await
    }

    /// SIGTERM, then the exit status and whatever else went to stdout.
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) with a pid we own and a valid signal number has no memory effects.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(sent, 0, "SIGTERM sent");
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (status, rest)
    }
}

#[tokio::test]
async fn prints_one_json_line_serves_and_stops_on_sigterm() {
    let program = start(&["--demo", "--practice", "--memory", "--port", "0"]);
    let line = &program.line;
    let origin = line["origin"].as_str().unwrap();
    assert!(origin.starts_with("http://127.0.0.1:"), "{line}");
    assert_eq!(
        line["baseUrl"],
        format!("{origin}/CentagateWS/webresources")
    );
    assert_eq!(line["admin"]["username"], "practice-admin");
    assert_eq!(line["practice"], true);

    let answer: Value = program
        .put("user/auth/list", json!({"username": "alice"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    let users = http()
        .get(format!("{origin}/practice/users"))
        .send()
        .await
        .unwrap();
    assert_eq!(users.status(), 200);

    let (status, rest) = program.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(rest, "", "nothing but the start-up line on stdout");
}

#[tokio::test]
async fn fault_flags_reach_the_server() {
    let program = start(&[
        "--memory",
        "--demo",
        "--fail-rate",
        "1",
        "--fail-mode",
        "db-error",
        "--latency",
        "2,3",
    ]);
    let answer: Value = program
        .put("user/auth/list", json!({"username": "alice"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 10004, "{answer}");
    assert_eq!(program.line["practice"], false);
    drop(program);

    let program = start(&[
        "--memory",
        "--demo",
        "--fail-rate",
        "1.0",
        "--fail-mode",
        "http500",
    ]);
    let response = program
        .put("user/auth/list", json!({"username": "alice"}))
        .await;
    assert_eq!(response.status(), 500);
    assert!(response.text().await.unwrap().contains("<html>"));
    drop(program);

    let program = start(&["--memory", "--demo", "--close-rate", "1"]);
    let outcome = match program
        .try_put("user/auth/list", json!({"username": "alice"}))
        .await
    {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(outcome.is_err(), "connection dropped mid-answer");
}

#[tokio::test]
async fn state_survives_a_restart_of_the_program() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sim.sqlite3");
    let db = db.to_str().unwrap();
    let program = start(&["--demo", "--db", db]);
    let answer: Value = program
        .put(
            "token/registerActiveToken",
            json!({"username": "grace", "tokenSn": "HW-1004", "tokenType": "2"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    assert!(program.terminate().0.success());

    let program = start(&["--demo", "--db", db]);
    let answer: Value = program
        .put("user/auth/list", json!({"username": "grace"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["object"]["tokenList"][0]["sn"], "HW-1004",
        "{answer}"
    );
}

/// A SecurID lookup signed with the key file's key, sub and aud.
async fn securid_lookup(key_file: &Value, email: &str) -> reqwest::Response {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({
        "sub": key_file["accessID"],
        "aud": key_file["adminRestApiUrl"],
        "iat": now,
        "exp": now + 600,
    });
    let key =
        jsonwebtoken::EncodingKey::from_rsa_pem(key_file["accessKey"].as_str().unwrap().as_bytes())
            .unwrap();
    let jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &key,
    )
    .unwrap();
    http()
        .post(format!(
            "{}/users/lookup",
            key_file["adminRestApiUrl"].as_str().unwrap()
        ))
        .bearer_auth(jwt)
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn securid_flags_write_the_key_file_and_limit_the_rate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.json");
    let program = start(&[
        "--demo",
        "--memory",
        "--write-key-file",
        path.to_str().unwrap(),
    ]);
    // The file is there by the time the start-up line is.
    let key_file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let origin = program.line["origin"].as_str().unwrap();
    let api = format!("{origin}/AdminInterface/restapi/v1");
    assert_eq!(key_file["adminRestApiUrl"], api);
    assert_eq!(program.line["securid"]["adminRestApiUrl"], api);
    assert_eq!(
        program.line["securid"]["accessID"], key_file["accessID"],
        "{}",
        program.line
    );
    let response = securid_lookup(&key_file, "alice@example.com").await;
    assert_eq!(response.status(), 200);
    let details: Value = response.json().await.unwrap();
    assert_eq!(details["firstName"], "Alice");
    assert!(program.terminate().0.success());

    // The key written above, given back with --securid-key, and a rate limit of 0 a second.
    let program = start(&[
        "--demo",
        "--memory",
        "--securid-key",
        path.to_str().unwrap(),
        "--rate-limit",
        "0",
    ]);
    let mut key_file = key_file;
    key_file["adminRestApiUrl"] = program.line["securid"]["adminRestApiUrl"].clone();
    let response = securid_lookup(&key_file, "alice@example.com").await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    drop(program);

    let program = start(&[
        "--demo",
        "--memory",
        "--securid-key",
        path.to_str().unwrap(),
        "--rate-limit",
        "100",
        "--no-retry-after",
    ]);
    key_file["adminRestApiUrl"] = program.line["securid"]["adminRestApiUrl"].clone();
    let response = securid_lookup(&key_file, "alice@example.com").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_session_timeout_flag_reaches_sign_in() {
    use hmac::{Hmac, Mac};
    let program = start(&["--memory", "--demo", "--session-timeout", "7"]);
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let (user, password) = ("helpdesk-2", "helpdesk-2-password");
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(tokendesk_sim::PRACTICE_APP_SECRET_KEY.as_bytes())
            .unwrap();
    mac.update(
        format!(
            "{user}{password}{}{ts}",
            tokendesk_sim::PRACTICE_INTEGRATION_KEY
        )
        .as_bytes(),
    );
    let answer: Value = http()
        .post(format!(
            "{}/v2/CentagateWS/webresources/auth/authBasic",
            program.line["origin"].as_str().unwrap()
        ))
        .json(
            &json!({"username": user, "password": password, "unixTimestamp": ts,
                      "integrationKey": tokendesk_sim::PRACTICE_INTEGRATION_KEY,
                      "hmac": hex::encode(mac.finalize().into_bytes())}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(answer["object"]["sessionTimeout"], 7000);
}

#[test]
fn bad_flags_are_refused() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tokendesk-sim"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    for args in [
        &["--memory", "--fail-rate", "1.5"][..],
        &["--memory", "--latency", "soon"],
        &["--memory", "--db", "x.sqlite3"],
        &["--demo", "--fixture", "x.toml"],
        &["--memory", "--listen", "not-an-address"],
        &["--memory", "--rate-limit", "-1"],
        &["--memory", "--no-retry-after"],
        &["--memory", "--securid-key", "/nonexistent/key.json"],
        &["--memory", "--write-key-file", "/nonexistent/dir/key.json"],
        &["--memory", "--session-timeout", "0"],
        &["--memory", "--session-timeout", "soon"],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?} accepted");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    }
    let out = run(&["--memory", "--fixture", "/nonexistent/fixture.toml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixture.toml"));
}
