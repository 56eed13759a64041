//! Credentials bound to their server, filed by profile id, saved as one unit with their
//! profile — against the REAL credential store (scripts/with-secret-service.sh) and real
//! local listeners.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

fn skip(test: &str) -> bool {
    skip_without_store(test)
}

fn add_stored(desk: &Desk, name: &str, origin: &str, auth: &str, secret: &str) {
    desk.run_env(
        &[
            "profile",
            "add",
            name,
            "--url",
            origin,
            "--admin",
            PRACTICE_ADMIN,
        ],
        &[
            ("TOKENDESK_AUTH_TOKEN", Some(auth)),
            ("TOKENDESK_SECRET_CODE", Some(secret)),
        ],
    )
    .success();
}

fn cen_token(auth: &str, secret: &str) -> String {
    tokendesk_sim::cen_token(PRACTICE_ADMIN, auth, secret)
}

/// A listener that answers every connection with a CENTAGATE-shaped error and keeps what it
/// was sent.
struct Recorder {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Recorder {
    fn start() -> Recorder {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                stream
                    .set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if got.windows(4).any(|w| w == b"\r\n\r\n") && got.ends_with(b"}") {
                        break;
                    }
                }
                keep.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&got).into_owned());
                let body = r#"{"code":10001,"message":"refused","object":null}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Recorder { addr, seen }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

#[test]
fn an_edited_url_never_receives_a_cen_token() {
    if skip("an_edited_url_never_receives_a_cen_token") {
        return;
    }
    let sim = Sim::demo();
    let elsewhere = Recorder::start();
    let desk = Desk::new();
    let name = unique_name("bound");
    add_stored(&desk, &name, &sim.origin(), PRACTICE_AUTH, PRACTICE_SECRET);
    let old_token = cen_token(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.run(&["--profile", &name, "user", "methods", "--user", "carol"])
        .success();

    // By hand: profiles.toml now points at another listener.
    let file = desk.profiles_file();
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replace(&sim.origin(), &elsewhere.origin())).unwrap();
    let out = desk.run(&[
        "--json",
        "--profile",
        &name,
        "user",
        "methods",
        "--user",
        "carol",
    ]);
    let err = out.json_err(5, "config", None);
    let title = err["title"].as_str().unwrap();
    assert!(title.contains("given for another server"), "{err}");
    assert!(
        err["hint"].as_str().unwrap().contains(&sim.origin()),
        "{err}"
    );
    // ... and the admin, by hand.
    std::fs::write(
        &file,
        original.replace("admin = \"practice-admin\"", "admin = \"alice\""),
    )
    .unwrap();
    desk.run(&["--profile", &name, "user", "methods", "--user", "carol"])
        .status(5);
    std::fs::write(&file, &original).unwrap();

    // `profile edit --url` without a terminal and without the variables: exit 2, nothing
    // changed.
    desk.run(&["profile", "edit", &name, "--url", &elsewhere.origin()])
        .status(2)
        .stderr_has("TOKENDESK_AUTH_TOKEN");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    desk.run(&["profile", "edit", &name, "--timeout", "12"])
        .success();
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains(&sim.origin()));
    // Nothing reached the other listener so far.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );

    // With new credentials given, the edit is saved; the listener then sees only a cenToken
    // made of those, never the old one.
    desk.run_env(
        &["profile", "edit", &name, "--url", &elsewhere.origin()],
        &[
            ("TOKENDESK_AUTH_TOKEN", Some("other-auth")),
            ("TOKENDESK_SECRET_CODE", Some("other-secret")),
        ],
    )
    .success();
    desk.run(&["--profile", &name, "user", "methods", "--user", "carol"])
        .status(3);
    let seen = elsewhere.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(!seen[0].contains(&old_token), "{}", seen[0]);
    assert!(
        seen[0].contains(&cen_token("other-auth", "other-secret")),
        "{}",
        seen[0]
    );
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn two_config_folders_with_the_same_profile_name_keep_their_own_secrets() {
    if skip("two_config_folders_with_the_same_profile_name_keep_their_own_secrets") {
        return;
    }
    let sim = Sim::demo();
    let (a, b) = (Desk::new(), Desk::new());
    let name = unique_name("twin");
    add_stored(&a, &name, &sim.origin(), "wrong-auth", "wrong-secret");
    let id_a = profile_id(&name).unwrap();
    add_stored(&b, &name, &sim.origin(), PRACTICE_AUTH, PRACTICE_SECRET);
    let id_b = profile_id(&name).unwrap();
    assert_ne!(id_a, id_b);
    a.run(&["profile", "test", &name]).status(3);
    b.run(&["profile", "test", &name]).success();
    // Removing A's deletes A's secret only.
    a.run(&["profile", "remove", &name]).success();
    assert_eq!(store_raw(&format!("profile-id:{id_a}")), None);
    assert!(store_raw(&format!("profile-id:{id_b}")).is_some());
    b.run(&["profile", "test", &name]).success();
    b.run(&["profile", "remove", &name]).success();
    assert_eq!(store_raw(&format!("profile-id:{id_b}")), None);
}

#[test]
fn a_secret_filed_under_the_name_moves_under_the_id_once() {
    if skip("a_secret_filed_under_the_name_moves_under_the_id_once") {
        return;
    }
    let sim = Sim::demo();
    let desk = Desk::new();
    let name = unique_name("legacy");
    // As an older version left it: no id in the file, the entry under the name, bare.
    std::fs::write(
        desk.profiles_file(),
        format!(
            "[profiles.{name}]\nurl = \"{}\"\nadmin = \"{PRACTICE_ADMIN}\"\n",
            sim.origin()
        ),
    )
    .unwrap();
    let stored = std::process::Command::new("secret-tool")
        .args([
            "store",
            "--label=tokendesk",
            "service",
            "tokendesk",
            "username",
            &format!("profile:{name}"),
        ])
        .stdin(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(
                format!(r#"{{"authToken":"{PRACTICE_AUTH}","secretCode":"{PRACTICE_SECRET}"}}"#)
                    .as_bytes(),
            )?;
            c.wait()
        })
        .unwrap();
    assert!(stored.success());
    desk.run(&["profile", "test", &name]).success();
    let id = profile_id(&name).expect("an id was given");
    assert_eq!(store_raw(&format!("profile:{name}")), None, "moved");
    assert!(store_entry(&format!("profile:{name}"))
        .unwrap()
        .contains(PRACTICE_AUTH));
    assert!(store_raw(&format!("profile-id:{id}")).is_some());
    desk.run(&["profile", "test", &name]).success();
    desk.run(&["profile", "remove", &name]).success();
    assert_eq!(store_raw(&format!("profile-id:{id}")), None);
}

/// Starts `tokendesk ARGS` paused at `point` (the fault-injection hook), waits until it is
/// there, and kills it with SIGKILL.
fn kill_at(desk: &Desk, args: &[&str], env: &[(&str, &str)], point: &str) {
    let marker = desk.config_dir().join(format!("paused-{point}"));
    let mut c = desk.cmd(args);
    c.env(
        "TOKENDESK_FAULT_PAUSE",
        format!("{point}:{}", marker.display()),
    );
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("`tokendesk {args:?}` ended ({status}) before pausing at {point}");
        }
        assert!(Instant::now() < deadline, "never paused at {point}");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    remember_ids(desk.config_dir());
}

fn pending_ids(desk: &Desk) -> Vec<String> {
    let text = std::fs::read_to_string(desk.profiles_file()).unwrap_or_default();
    let file: toml::Table = text.parse().unwrap();
    file.get("pending")
        .and_then(|p| p.as_array())
        .map(|a| {
            a.iter()
                .map(|p| p["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn kill_9_between_the_secret_and_the_profile_leaves_nothing_invisible() {
    if skip("kill_9_between_the_secret_and_the_profile_leaves_nothing_invisible") {
        return;
    }
    let desk = Desk::new();
    let name = unique_name("killed");
    kill_at(
        &desk,
        &[
            "profile",
            "add",
            &name,
            "--url",
            "https://mfa.example.com",
            "--admin",
            "helpdesk",
        ],
        &[
            ("TOKENDESK_AUTH_TOKEN", "orphan-auth"),
            ("TOKENDESK_SECRET_CODE", "orphan-secret"),
        ],
        "secret-written",
    );
    // The secret is in the store, the profile is not: the file names the entry as in flight.
    let pending = pending_ids(&desk);
    assert_eq!(pending.len(), 1, "{pending:?}");
    let id = &pending[0];
    assert!(store_raw(&format!("profile-id:{id}")).is_some());
    let out = desk.run(&["profile", "list"]);
    out.success()
        .stdout_has("left from an interrupted change")
        .stdout_has("tokendesk profile cleanup");
    assert!(!out.stdout.contains(&name));
    desk.run(&["profile", "cleanup"])
        .success()
        .stdout_has("Deleted 1 credential-store entry");
    assert_eq!(store_raw(&format!("profile-id:{id}")), None);
    assert!(pending_ids(&desk).is_empty());
    let out = desk.run(&["profile", "list"]);
    out.success();
    assert!(!out.stdout.contains("interrupted"), "{}", out.stdout);

    // The same name can be added afterwards, and then killed half-way through its removal.
    add_stored(&desk, &name, "https://mfa.example.com", "a", "b");
    let id = profile_id(&name).unwrap();
    kill_at(&desk, &["profile", "remove", &name], &[], "profile-removed");
    assert_eq!(pending_ids(&desk), vec![id.clone()]);
    assert!(store_raw(&format!("profile-id:{id}")).is_some());
    desk.run(&["profile", "list"])
        .success()
        .stdout_has("tokendesk profile cleanup");
    desk.run(&["profile", "cleanup"]).success();
    assert_eq!(store_raw(&format!("profile-id:{id}")), None);
    assert!(pending_ids(&desk).is_empty());
}

#[test]
fn replacing_a_secret_keeps_the_old_one_until_the_profile_is_saved() {
    if skip("replacing_a_secret_keeps_the_old_one_until_the_profile_is_saved") {
        return;
    }
    let sim = Sim::demo();
    let desk = Desk::new();
    let name = unique_name("replace");
    add_stored(&desk, &name, &sim.origin(), PRACTICE_AUTH, PRACTICE_SECRET);
    let old_id = profile_id(&name).unwrap();
    // Killed after the new secret was written, before the profile: the old one still works.
    kill_at(
        &desk,
        &["profile", "edit", &name, "--replace-credentials"],
        &[
            ("TOKENDESK_AUTH_TOKEN", "new-auth"),
            ("TOKENDESK_SECRET_CODE", "new-secret"),
        ],
        "secret-written",
    );
    assert_eq!(profile_id(&name).unwrap(), old_id);
    desk.run(&["profile", "test", &name]).success();
    let pending = pending_ids(&desk);
    assert_eq!(pending.len(), 1);
    assert_ne!(pending[0], old_id);
    desk.run(&["profile", "cleanup"]).success();
    desk.run(&["profile", "test", &name]).success();
    // Completed: the new id, the old entry gone.
    desk.run_env(
        &["profile", "edit", &name, "--replace-credentials"],
        &[
            ("TOKENDESK_AUTH_TOKEN", Some("new-auth")),
            ("TOKENDESK_SECRET_CODE", Some("new-secret")),
        ],
    )
    .success();
    let new_id = profile_id(&name).unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(store_raw(&format!("profile-id:{old_id}")), None);
    assert!(pending_ids(&desk).is_empty());
    desk.run(&["profile", "test", &name]).status(3);
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn practice_names_cannot_be_taken_by_a_saved_profile() {
    let desk = Desk::new();
    for name in ["Practice", "Practice-SecurID", "Practice-SignIn"] {
        desk.run(&[
            "profile",
            "add",
            name,
            "--url",
            "https://mfa.example.com",
            "--admin",
            "helpdesk",
            "--no-store",
        ])
        .status(2)
        .stderr_has("practice");
    }
    assert!(!desk.profiles_file().exists());
}
