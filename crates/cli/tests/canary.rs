//! Canary secrets: every command at the most verbose log level (`-vvv`), in human form and
//! with `--json`, succeeding and failing, against a practice server whose administrator has
//! exactly these credentials. Neither canary, nor the cenToken computed from them, nor a hex or
//! base64 form of any of them may appear on stdout, stderr or in any file under the config
//! folder.

mod common;

use common::{dead_origin, secret_service, unique_name, Desk, Out, Sim};
use tokendesk_sim::{AdminCredentials, FailMode, Faults, Fixture, SimConfig};

const AUTH: &str = "CANARY-AUTH-7f3a9";
const SECRET: &str = "CANARY-SECRET-c41e";
const ADMIN: &str = "desk-admin";

fn canary_admin() -> AdminCredentials {
    AdminCredentials {
        username: ADMIN.into(),
        auth_token: AUTH.into(),
        secret_code: SECRET.into(),
    }
}

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if pad {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The forms of `bytes` that would give them away: themselves (when text), hex, and base64 in
/// both alphabets at each of the three alignments it can have inside a longer encoded text.
fn forms(label: &str, bytes: &[u8], out: &mut Vec<(String, String)>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        out.push((label.to_owned(), text.to_owned()));
    }
    out.push((format!("hex of {label}"), hex(bytes)));
    for (name, alphabet) in [("base64", STD), ("base64url", URL)] {
        out.push((format!("{name} of {label}"), base64(bytes, alphabet, true)));
        for shift in 0..3usize {
            let mut shifted = vec![b'x'; shift];
            shifted.extend_from_slice(bytes);
            let encoded = base64(&shifted, alphabet, false);
            let start = if shift == 0 { 0 } else { 4 };
            let end = (shifted.len() / 3) * 4;
            out.push((
                format!("{name} of {label} at offset {shift}"),
                encoded[start..end].to_owned(),
            ));
        }
    }
}

/// Everything that must never be printed or written, as (what, lowercase text).
fn needles(extra_admins: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    forms("the auth token", AUTH.as_bytes(), &mut out);
    forms("the secret code", SECRET.as_bytes(), &mut out);
    for admin in [ADMIN].iter().chain(extra_admins) {
        let cen = tokendesk_sim::cen_token(admin, AUTH, SECRET);
        assert_eq!(cen.len(), 64);
        forms(&format!("cenToken of {admin}"), cen.as_bytes(), &mut out);
        forms(&format!("raw cenToken of {admin}"), &unhex(&cen), &mut out);
        out.push((
            format!("start of cenToken of {admin}"),
            cen[..16].to_owned(),
        ));
    }
    // Parts of the canaries, should one be cut short.
    out.push(("part of the auth token".into(), "CANARY-AUTH".into()));
    out.push(("part of the secret code".into(), "CANARY-SECRET".into()));
    out.iter_mut()
        .map(|(what, text)| (what.clone(), text.to_lowercase()))
        .collect()
}

struct Watch {
    needles: Vec<(String, String)>,
    runs: usize,
    verbose_lines: usize,
}

impl Watch {
    fn new() -> Watch {
        Watch {
            needles: needles(&["helpdesk-x"]),
            runs: 0,
            verbose_lines: 0,
        }
    }

    /// What of the secrets `text` gives away, if anything.
    fn leak(&self, text: &str) -> Option<&str> {
        let lower = text.to_lowercase();
        self.needles
            .iter()
            .find(|(_, needle)| lower.contains(needle.as_str()))
            .map(|(what, _)| what.as_str())
    }

    fn clean(&self, where_: &str, text: &str) {
        if let Some(what) = self.leak(text) {
            panic!("{what} leaked in {where_}:\n{text}");
        }
    }

    /// Checks one run's streams and every file of the desk.
    fn check(&mut self, desk: &Desk, out: &Out) {
        self.runs += 1;
        self.clean(&format!("stdout of `{}`", out.args), &out.stdout);
        self.clean(&format!("stderr of `{}`", out.args), &out.stderr);
        self.verbose_lines += out
            .stderr
            .lines()
            .filter(|l| l.contains("TRACE") || l.contains("DEBUG") || l.contains("INFO"))
            .count();
        for (path, bytes) in desk.files() {
            self.clean(
                &format!("{} after `{}`", path.display(), out.args),
                &String::from_utf8_lossy(&bytes),
            );
        }
    }

    /// `tokendesk -vvv ARGS`, checked, expecting `status`.
    fn run(&mut self, desk: &Desk, args: &[&str], status: i32) -> Out {
        self.run_env(desk, args, &[], status)
    }

    fn run_env(
        &mut self,
        desk: &Desk,
        args: &[&str],
        env: &[(&str, Option<&str>)],
        status: i32,
    ) -> Out {
        let mut full = vec!["-vvv"];
        full.extend_from_slice(args);
        let out = desk.run_env(&full, env);
        self.check(desk, &out);
        out.status(status);
        if full.contains(&"--json") {
            out.json();
        }
        out
    }

    /// The same command in human form and with `--json`.
    fn both(&mut self, desk: &Desk, args: &[&str], status: i32) {
        self.run(desk, args, status);
        let mut json = vec!["--json"];
        json.extend_from_slice(args);
        self.run(desk, &json, status);
    }
}

#[test]
fn the_watch_finds_secrets_in_any_form() {
    let w = Watch::new();
    let cen = tokendesk_sim::cen_token(ADMIN, AUTH, SECRET);
    let mut raw_cen = b"cen=".to_vec();
    raw_cen.extend(unhex(&cen));
    for (text, what) in [
        (format!("token={AUTH}&x"), "the auth token"),
        (
            format!("{{\"secretCode\":\"{}\"}}", SECRET.to_lowercase()),
            "the secret code",
        ),
        (
            format!(
                "Authorization: Basic {}",
                base64(format!("a:{SECRET}").as_bytes(), STD, true)
            ),
            "base64 of the secret code at offset 2",
        ),
        (
            base64(format!("{{\"kk\":\"{AUTH}\"}}").as_bytes(), URL, false),
            "base64",
        ),
        (
            format!("x{}", hex(AUTH.as_bytes()).to_uppercase()),
            "hex of the auth token",
        ),
        (
            format!("cenToken={}", cen.to_uppercase()),
            "cenToken of desk-admin",
        ),
        (
            format!("cenToken={}...", &cen[..20]),
            "start of cenToken of desk-admin",
        ),
        (base64(&raw_cen, STD, true), "raw cenToken of desk-admin"),
        ("CANARY-AUTH-7f3".to_owned(), "part of the auth token"),
    ] {
        let found = w.leak(&text);
        assert!(
            found.is_some_and(|f| f.contains(what)),
            "{text}: {found:?}, wanted {what}"
        );
    }
    assert_eq!(
        w.leak("Resynchronised the OTP token of frank; desk-admin"),
        None
    );
}

#[test]
fn canaries_never_leak_at_the_most_verbose_level() {
    let sim = Sim::demo_with_admin(canary_admin());
    let origin = sim.origin();
    let desk = Desk::with_secrets(AUTH, SECRET);
    let mut w = Watch::new();
    assert!(w.needles.len() > 60);

    // Profiles.
    w.run(
        &desk,
        &[
            "profile",
            "add",
            "cp",
            "--url",
            &origin,
            "--admin",
            ADMIN,
            "--no-store",
        ],
        0,
    );
    w.run(
        &desk,
        &[
            "--json",
            "profile",
            "add",
            "cpj",
            "--url",
            &origin,
            "--admin",
            ADMIN,
            "--no-store",
            "--timeout",
            "9",
        ],
        0,
    );
    w.both(
        &desk,
        &[
            "profile",
            "add",
            "cp",
            "--url",
            &origin,
            "--admin",
            ADMIN,
            "--no-store",
        ],
        5,
    );
    w.both(
        &desk,
        &[
            "profile", "add", "bad name", "--url", &origin, "--admin", ADMIN,
        ],
        2,
    );
    w.run(
        &desk,
        &[
            "profile",
            "add",
            "wrongadmin",
            "--url",
            &origin,
            "--admin",
            "helpdesk-x",
            "--no-store",
        ],
        0,
    );
    w.run(&desk, &["profile", "list"], 0);
    w.run(&desk, &["--json", "profile", "list"], 0);
    w.both(&desk, &["profile", "show", "cp"], 0);
    w.both(&desk, &["profile", "show", "nope"], 5);
    w.both(&desk, &["profile", "test", "cp"], 0);
    // The same secrets for an admin the server does not know: 10001.
    w.both(&desk, &["profile", "test", "wrongadmin"], 3);
    // A secret code that is not the canary's: still neither canary appears.
    w.run_env(
        &desk,
        &["--profile", "cp", "user", "methods", "--user", "bob"],
        &[("TOKENDESK_SECRET_CODE", Some("other"))],
        3,
    );
    // Half the environment.
    w.run_env(
        &desk,
        &["--profile", "cp", "user", "methods", "--user", "bob"],
        &[("TOKENDESK_SECRET_CODE", None)],
        5,
    );

    let p = |args: &[&str]| -> Vec<String> {
        let mut v = vec!["--profile".to_owned(), "cp".to_owned()];
        v.extend(args.iter().map(|s| s.to_string()));
        v
    };
    let run = |w: &mut Watch, args: &[&str], status: i32| {
        let v = p(args);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        w.run(&desk, &refs, status)
    };
    let both = |w: &mut Watch, args: &[&str], status: i32| {
        let v = p(args);
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        w.both(&desk, &refs, status)
    };

    // Register.
    run(
        &mut w,
        &[
            "token",
            "register",
            "--user",
            "grace",
            "--sms",
            "+60 12 345 6789",
        ],
        0,
    );
    run(
        &mut w,
        &[
            "--json", "token", "register", "--user", "grace", "--otp", "HW-1001",
        ],
        0,
    );
    both(
        &mut w,
        &[
            "token",
            "register",
            "--user",
            "bob",
            "--sms",
            "+60120001001",
        ],
        3,
    );
    both(
        &mut w,
        &["token", "register", "--user", "bob", "--sms", "12x"],
        2,
    );
    both(&mut w, &["token", "register", "--user", "bob"], 2);

    // Sync: real codes (HOTP and TOTP), then wrong ones, then bad input.
    let (c1, c2) = sim.two_codes("HW-2005");
    run(
        &mut w,
        &[
            "token", "sync", "--user", "frank", "--otp1", &c1, "--otp2", &c2,
        ],
        0,
    );
    let (c1, c2) = sim.two_codes("HW-2004");
    run(
        &mut w,
        &[
            "--json", "token", "sync", "--user", "erin", "--otp1", &c1, "--otp2", &c2,
        ],
        0,
    );
    both(
        &mut w,
        &[
            "token", "sync", "--user", "frank", "--otp1", &c1, "--otp2", &c2,
        ],
        3,
    );
    both(
        &mut w,
        &[
            "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2", "123456",
        ],
        2,
    );

    // Unlock.
    run(&mut w, &["token", "unlock", "--user", "carol"], 0);
    run(&mut w, &["--json", "token", "unlock", "--user", "dave"], 0);
    both(&mut w, &["token", "unlock", "--user", "bob"], 3);
    both(&mut w, &["token", "unlock", "--user", " "], 2);

    // Methods.
    both(&mut w, &["user", "methods", "--user", "oscar"], 0);
    both(&mut w, &["user", "methods", "--user", "grace"], 0);
    both(&mut w, &["user", "methods", "--user", "nobody"], 3);

    // Codes.
    both(&mut w, &["codes"], 0);
    both(&mut w, &["codes", "29017"], 0);

    // Transport failures: nothing listening; an HTTP 500 page.
    w.run(
        &desk,
        &[
            "profile",
            "add",
            "down",
            "--url",
            &dead_origin(),
            "--admin",
            ADMIN,
            "--no-store",
            "--timeout",
            "2",
        ],
        0,
    );
    for args in [
        &["--profile", "down", "user", "methods", "--user", "bob"][..],
        &["--profile", "down", "profile", "test"],
        &[
            "--profile",
            "down",
            "token",
            "sync",
            "--user",
            "frank",
            "--otp1",
            "111111",
            "--otp2",
            "222222",
        ],
    ] {
        w.both(&desk, args, 4);
    }
    let flaky = Sim::start(SimConfig {
        fixture: Fixture {
            admins: vec![canary_admin()],
            ..Fixture::demo()
        },
        faults: Faults {
            fail_rate: 1.0,
            fail_mode: FailMode::Http500,
            ..Faults::default()
        },
        ..SimConfig::default()
    });
    w.run(
        &desk,
        &[
            "profile",
            "add",
            "flaky",
            "--url",
            &flaky.origin(),
            "--admin",
            ADMIN,
            "--no-store",
        ],
        0,
    );
    w.both(
        &desk,
        &["--profile", "flaky", "token", "unlock", "--user", "carol"],
        4,
    );

    // Usage errors.
    w.both(&desk, &["token", "frobnicate"], 2);

    // The files were there to be looked at, and the logs were verbose.
    assert!(desk.profiles_file().exists());
    assert!(
        w.verbose_lines > 50,
        "-vvv printed only {} log lines",
        w.verbose_lines
    );

    // Remove.
    for name in ["cp", "down", "flaky", "wrongadmin"] {
        w.run(&desk, &["profile", "remove", name], 0);
    }
    w.run(&desk, &["--json", "profile", "remove", "cpj"], 0);
    w.both(&desk, &["profile", "remove", "cp"], 5);
    assert!(w.runs >= 60, "{} runs", w.runs);
}

#[test]
fn canaries_in_the_credential_store_never_leak() {
    if !secret_service() {
        eprintln!(
            "note: canaries_in_the_credential_store_never_leak skipped: run it as \
             `scripts/with-secret-service.sh cargo test -p tokendesk-cli` for the real Secret Service"
        );
        return;
    }
    let sim = Sim::demo_with_admin(canary_admin());
    let origin = sim.origin();
    let name = unique_name("cs");
    let desk = Desk::new();
    let mut w = Watch::new();
    let secrets = [
        ("TOKENDESK_AUTH_TOKEN", Some(AUTH)),
        ("TOKENDESK_SECRET_CODE", Some(SECRET)),
    ];
    // Stored (not --no-store), in human form and with --json.
    w.run_env(
        &desk,
        &["profile", "add", &name, "--url", &origin, "--admin", ADMIN],
        &secrets,
        0,
    );
    let json_name = format!("{name}-j");
    w.run_env(
        &desk,
        &[
            "--json", "profile", "add", &json_name, "--url", &origin, "--admin", ADMIN,
        ],
        &secrets,
        0,
    );
    w.both(&desk, &["profile", "show", &name], 0);
    w.both(&desk, &["profile", "test", &name], 0);
    w.both(&desk, &["profile", "list"], 0);
    // A later process without the variables, with the stored credentials.
    let p = ["--profile", name.as_str()];
    for (args, status) in [
        (&["user", "methods", "--user", "oscar"][..], 0),
        (&["--json", "user", "methods", "--user", "oscar"], 0),
        (&["user", "methods", "--user", "nobody"], 3),
        (&["--json", "user", "methods", "--user", "nobody"], 3),
        (&["token", "unlock", "--user", "carol"], 0),
        (&["--json", "token", "unlock", "--user", "dave"], 0),
        (&["token", "unlock", "--user", "carol"], 3),
        (&["--json", "token", "unlock", "--user", "carol"], 3),
        (
            &[
                "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2", "234567",
            ],
            3,
        ),
        (
            &[
                "--json", "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2",
                "234567",
            ],
            3,
        ),
        (
            &["token", "register", "--user", "grace", "--otp", "HW-1002"],
            0,
        ),
        (
            &[
                "--json", "token", "register", "--user", "alice", "--otp", "HW-1003",
            ],
            0,
        ),
        (&["token", "register", "--user", "grace", "--sms", "bad"], 2),
    ] {
        let mut full: Vec<&str> = p.to_vec();
        full.extend_from_slice(args);
        w.run(&desk, &full, status);
    }
    // No store reachable at all.
    w.run_env(
        &desk,
        &["--profile", &name, "user", "methods", "--user", "bob"],
        &[("DBUS_SESSION_BUS_ADDRESS", Some("unix:path=/nonexistent"))],
        5,
    );
    w.run(&desk, &["profile", "remove", &name], 0);
    w.run(&desk, &["--json", "profile", "remove", &json_name], 0);
    w.both(&desk, &["profile", "remove", &name], 5);
}
