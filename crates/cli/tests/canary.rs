//! Canary secrets: every command at the most verbose log level (`-vvv`), in human form and
//! with `--json`, succeeding and failing, against a practice server whose administrator has
//! exactly these credentials. Neither canary, nor the cenToken computed from them, nor a hex or
//! base64 form of any of them may appear on stdout, stderr or in any file under the config
//! folder. The same for SecurID Cloud: the API key (every line of the practice key's PEM), a
//! canary in its key file's description, and any JWT signed with it.

mod common;

use common::{
    dead_origin, key_dir, secret_service, skip_without_store, store_entry, unique_name, Desk, Out,
    Sim,
};
use tokendesk_sim::{
    AdminCredentials, AppSpec, FailMode, Faults, Fixture, SignInSpec, SimConfig,
    PRACTICE_INTEGRATION_KEY,
};

const AUTH: &str = "CANARY-AUTH-7f3a9";
const SECRET: &str = "CANARY-SECRET-c41e";
const ADMIN: &str = "desk-admin";
/// The description of a SecurID key file (the whole file is a credential; only its access ID,
/// URL and customer name go into a profile).
const KEY_CANARY: &str = "CANARY-KEYDESC-5b8e";

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

/// An auth token and secret code in their forms, and the cenToken they make for each admin.
fn credential_forms(auth: &str, secret: &str, admins: &[&str], out: &mut Vec<(String, String)>) {
    forms("the auth token", auth.as_bytes(), out);
    forms("the secret code", secret.as_bytes(), out);
    for admin in admins {
        let cen = tokendesk_sim::cen_token(admin, auth, secret);
        assert_eq!(cen.len(), 64);
        forms(&format!("cenToken of {admin}"), cen.as_bytes(), out);
        forms(&format!("raw cenToken of {admin}"), &unhex(&cen), out);
        out.push((
            format!("start of cenToken of {admin}"),
            cen[..16].to_owned(),
        ));
    }
}

/// Everything that must never be printed or written, as (what, lowercase text).
fn needles(extra_admins: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let admins: Vec<&str> = [ADMIN]
        .into_iter()
        .chain(extra_admins.iter().copied())
        .collect();
    credential_forms(AUTH, SECRET, &admins, &mut out);
    // Parts of the canaries, should one be cut short.
    out.push(("part of the auth token".into(), "CANARY-AUTH".into()));
    out.push(("part of the secret code".into(), "CANARY-SECRET".into()));
    out.iter_mut()
        .map(|(what, text)| (what.clone(), text.to_lowercase()))
        .collect()
}

struct Watch {
    needles: Vec<(String, String)>,
    /// Every output checked so far (where, text), checked again for secrets learnt later.
    seen: Vec<(String, String)>,
    runs: usize,
    verbose_lines: usize,
    /// How many times the audit log's database (or its WAL) was among the files scanned.
    audit_scans: usize,
}

/// Whether `text` holds something shaped like a JWT: `eyJ` (base64url of `{"`) and a run of
/// base64url after it.
fn has_jwt(text: &str) -> bool {
    text.match_indices("eyJ").any(|(i, _)| {
        text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .count()
            >= 20
    })
}

impl Watch {
    fn new() -> Watch {
        Watch {
            needles: needles(&["helpdesk-x"]),
            seen: Vec::new(),
            runs: 0,
            verbose_lines: 0,
            audit_scans: 0,
        }
    }

    /// Also watching for a SecurID key: the description canary in its forms, and the start of
    /// every line of the PEM body of `pem`.
    fn with_key(pem: &str) -> Watch {
        let mut w = Watch::new();
        let mut more = Vec::new();
        forms(
            "the key file's description",
            KEY_CANARY.as_bytes(),
            &mut more,
        );
        more.push((
            "part of the key file's description".into(),
            "CANARY-KEYDESC".into(),
        ));
        let body: Vec<&str> = pem
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("-----") && l.len() >= 16)
            .collect();
        assert!(body.len() > 20, "a 2048-bit key has more lines");
        for (i, line) in body.iter().enumerate() {
            more.push((
                format!("line {} of the API key", i + 1),
                line[..16].to_owned(),
            ));
        }
        w.watch_for(more);
        w
    }

    /// What of the secrets `text` gives away, if anything.
    fn leak(&self, text: &str) -> Option<&str> {
        let lower = text.to_lowercase();
        self.needles
            .iter()
            .find(|(_, needle)| lower.contains(needle.as_str()))
            .map(|(what, _)| what.as_str())
            .or_else(|| has_jwt(text).then_some("a JWT"))
    }

    fn clean(&self, where_: &str, text: &str) {
        if let Some(what) = self.leak(text) {
            panic!("{what} leaked in {where_}:\n{text}");
        }
    }

    /// Watches for more secrets from now on (`needles` as [`forms`] or [`credential_forms`]
    /// make them), and checks every output seen so far for them too.
    fn watch_for(&mut self, more: Vec<(String, String)>) {
        self.needles.extend(
            more.into_iter()
                .map(|(what, text)| (what, text.to_lowercase())),
        );
        for (where_, text) in &self.seen {
            self.clean(where_, text);
        }
    }

    /// Checks an output, and keeps it for secrets learnt later.
    fn output(&mut self, where_: String, text: &str) {
        self.clean(&where_, text);
        self.seen.push((where_, text.to_owned()));
    }

    /// Checks one run's streams and every file of the desk.
    fn check(&mut self, desk: &Desk, out: &Out) {
        self.runs += 1;
        self.output(format!("stdout of `{}`", out.args), &out.stdout);
        self.output(format!("stderr of `{}`", out.args), &out.stderr);
        self.verbose_lines += out
            .stderr
            .lines()
            .filter(|l| l.contains("TRACE") || l.contains("DEBUG") || l.contains("INFO"))
            .count();
        self.files(desk, &out.args);
    }

    /// Checks every file of the desk (the audit log's database included).
    fn files(&mut self, desk: &Desk, after: &str) {
        for (path, bytes) in desk.files() {
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("audit.sqlite3"))
            {
                self.audit_scans += 1;
            }
            self.clean(
                &format!("{} after `{after}`", path.display()),
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
    assert!(
        w.audit_scans >= 60,
        "the audit log was scanned after every operation"
    );
}

#[test]
fn canaries_in_the_credential_store_never_leak() {
    if skip_without_store("canaries_in_the_credential_store_never_leak") {
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

/// The sign-in canaries: the administrator's password, a wrong one, the app's Secret Key.
const PASSWORD: &str = "CANARY-PASSWORD-2d9c";
const WRONG_PASSWORD: &str = "CANARY-WRONGPW-81f0";
const APP_KEY: &str = "CANARY-APPKEY-6a17";

/// The session a signed-in profile keeps, from the store (libsecret's `secret-tool`).
fn kept_session(profile: &str) -> (String, String) {
    let entry = store_entry(&format!("session:{profile}")).expect("a session entry");
    let v: serde_json::Value = serde_json::from_str(&entry).expect("JSON");
    let text = |k: &str| v[k].as_str().expect("a string").to_owned();
    (text("authToken"), text("secretCode"))
}

#[test]
fn sign_in_secrets_never_leak_at_the_most_verbose_level() {
    if skip_without_store("sign_in_secrets_never_leak_at_the_most_verbose_level") {
        return;
    }
    let sim = Sim::start(SimConfig {
        fixture: Fixture {
            admins: vec![canary_admin()],
            app: AppSpec {
                integration_key: PRACTICE_INTEGRATION_KEY.into(),
                secret_key: APP_KEY.into(),
            },
            sign_in: vec![SignInSpec {
                admin: ADMIN.into(),
                password: PASSWORD.into(),
                ..SignInSpec::practice()
            }],
            ..Fixture::demo()
        },
        practice: true,
        ..SimConfig::default()
    });
    let origin = sim.origin();
    let name = unique_name("cs-signin");
    let mut desk = Desk::new();
    let mut w = Watch::new();
    let mut more = Vec::new();
    for (what, text) in [
        ("the password", PASSWORD),
        ("a wrong password", WRONG_PASSWORD),
        ("the app Secret Key", APP_KEY),
    ] {
        forms(what, text.as_bytes(), &mut more);
        more.push((format!("part of {what}"), text[..text.len() - 2].to_owned()));
    }
    w.watch_for(more);

    let add = |json: bool, name: &str| {
        let mut args = vec!["profile", "add", name, "--url", &origin, "--admin", ADMIN];
        args.extend(["--integration-key", PRACTICE_INTEGRATION_KEY]);
        if json {
            args.insert(0, "--json");
        }
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let json_name = format!("{name}-j");
    for (json, n) in [(false, &name), (true, &json_name)] {
        w.run_env(
            &desk,
            &refs(&add(json, n)),
            &[("TOKENDESK_APP_SECRET_KEY", Some(APP_KEY))],
            0,
        );
    }
    desk.set("TOKENDESK_PROFILE", &name);
    w.both(&desk, &["profile", "show", &name], 0);
    w.both(&desk, &["profile", "list"], 0);
    w.both(&desk, &["user", "methods", "--user", "oscar"], 5);

    let codes = sim.admin_codes(ADMIN, 1);
    // Not a run of one digit, which binary files hold anyway.
    let wrong_code = if codes.contains(&"740285".to_owned()) {
        "740286"
    } else {
        "740285"
    };
    w.watch_for(
        codes
            .iter()
            .map(|c| ("an OTP code".to_owned(), c.clone()))
            .chain([("a wrong code".to_owned(), wrong_code.to_owned())])
            .collect(),
    );
    let login = |w: &mut Watch, json: bool, password: &str, code: &str, status: i32| {
        let args: &[&str] = if json {
            &["--json", "login"]
        } else {
            &["login"]
        };
        w.run_env(
            &desk,
            args,
            &[
                ("TOKENDESK_PASSWORD", Some(password)),
                ("TOKENDESK_OTP", Some(code)),
            ],
            status,
        );
    };
    let learn_session = |w: &mut Watch| {
        let (auth, secret) = kept_session(&name);
        let mut more = Vec::new();
        credential_forms(&auth, &secret, &[ADMIN], &mut more);
        w.watch_for(more);
    };
    for json in [false, true] {
        login(&mut w, json, WRONG_PASSWORD, &codes[0], 3);
        login(&mut w, json, PASSWORD, wrong_code, 3);
    }
    login(&mut w, false, PASSWORD, &codes[0], 0);
    learn_session(&mut w);
    w.both(&desk, &["user", "methods", "--user", "oscar"], 0);
    w.both(&desk, &["token", "unlock", "--user", "bob"], 3);
    w.both(&desk, &["profile", "show", &name], 0);
    w.both(&desk, &["profile", "list"], 0);
    w.both(&desk, &["profile", "test"], 0);
    w.run(&desk, &["logout"], 0);
    w.both(&desk, &["user", "methods", "--user", "oscar"], 5);

    login(&mut w, true, PASSWORD, &codes[1], 0);
    learn_session(&mut w);
    // The server ends it: 10001, ended here too.
    sim.end_admin_sessions(ADMIN);
    w.run(&desk, &["--json", "user", "methods", "--user", "oscar"], 5);
    w.run(&desk, &["logout"], 0);

    // SMS on a terminal: the password typed in, the code from the practice panel.
    let mut sms = None;
    let (out, shown) = desk.run_tty(&["-vvv", "login", "--sms"], &[], |prompt| {
        if prompt.contains("Password") {
            PASSWORD.to_owned()
        } else {
            let code = sim.admin_sms(ADMIN).expect("an SMS code was sent");
            sms = Some(code.clone());
            code
        }
    });
    let sms = sms.expect("the SMS code was asked for");
    w.watch_for(vec![("the SMS code".into(), sms)]);
    w.check(&desk, &out);
    out.status(0);
    learn_session(&mut w);
    w.output("the terminal of `login --sms`".into(), &shown);
    w.run(&desk, &["--json", "logout"], 0);

    // Audit entries of every step, and still nothing secret in any file.
    w.both(&desk, &["audit"], 0);
    w.run(&desk, &["profile", "remove", &name], 0);
    w.run(&desk, &["--json", "profile", "remove", &json_name], 0);
    assert!(w.audit_scans >= 20, "the audit log was scanned");
}

#[test]
fn the_watch_finds_key_material_and_tokens() {
    let sim = Sim::demo_securid(None);
    let pem = sim.key_file().access_key;
    let w = Watch::with_key(&pem);
    let line = pem.lines().nth(5).unwrap();
    let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    for (text, what) in [
        (format!("key: {line}"), "of the API key"),
        (
            format!("{{\"accessKey\":\"{}\"}}", pem.replace('\n', "\\n")),
            "of the API key",
        ),
        (format!("Authorization: Bearer {jwt}"), "a JWT"),
        (format!("description={KEY_CANARY}"), "description"),
        (
            format!("x{}", hex(KEY_CANARY.as_bytes())),
            "hex of the key file's description",
        ),
    ] {
        let found = w.leak(&text);
        assert!(
            found.is_some_and(|f| f.contains(what)),
            "{text}: {found:?}, wanted {what}"
        );
    }
    assert_eq!(
        w.leak(
            "Found Bob Baker (00e65dab-add3-4b08-ac12-b9de3beab1bf), Enabled; SMS on, voice on."
        ),
        None
    );
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The practice server's key file with the description canary, in `dir`.
fn canary_key_file(sim: &Sim, dir: &std::path::Path, name: &str) -> String {
    let mut file = sim.key_file();
    file.description = KEY_CANARY.into();
    let path = dir.join(name);
    std::fs::write(&path, file.to_json()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn securid_key_material_never_leaks_at_the_most_verbose_level() {
    let sim = Sim::demo_securid(None);
    let keys = key_dir();
    let key = canary_key_file(&sim, keys.path(), "key.json");
    let pem = sim.key_file().access_key;
    let mut w = Watch::with_key(&pem);
    let mut desk = Desk::new();
    desk.set("TOKENDESK_SECURID_KEY_FILE", &key);

    // Profiles.
    let add = |name: &'static str, key: &str| -> Vec<String> {
        [
            "profile",
            "add",
            name,
            "--kind",
            "securid",
            "--key-file",
            key,
            "--no-store",
        ]
        .map(String::from)
        .to_vec()
    };
    w.run(&desk, &refs(&add("s", &key)), 0);
    let mut json_add = vec!["--json".to_owned()];
    json_add.extend(add("sj", &key));
    w.run(&desk, &refs(&json_add), 0);
    w.both(&desk, &refs(&add("s", &key)), 5);
    // Broken key files whose text holds the key: the errors must not quote it.
    let text = std::fs::read_to_string(&key).unwrap();
    let truncated = keys.path().join("truncated.json");
    std::fs::write(&truncated, &text[..text.len() - 40]).unwrap();
    w.both(&desk, &refs(&add("bad", truncated.to_str().unwrap())), 2);
    let mut damaged_file = sim.key_file();
    damaged_file.description = KEY_CANARY.into();
    let mut lines: Vec<&str> = pem.lines().collect();
    lines.remove(3);
    damaged_file.access_key = lines.join("\n");
    let damaged = keys.path().join("damaged.json");
    std::fs::write(&damaged, damaged_file.to_json()).unwrap();
    w.both(&desk, &refs(&add("bad", damaged.to_str().unwrap())), 2);
    let mut other = sim.key_file();
    other.description = KEY_CANARY.into();
    other.admin_rest_api_url = "https://tenant.access.securid.com/AdminInterface/restapi/v1".into();
    let other_path = keys.path().join("other.json");
    std::fs::write(&other_path, other.to_json()).unwrap();
    w.run(&desk, &["profile", "list"], 0);
    w.run(&desk, &["--json", "profile", "list"], 0);
    w.both(&desk, &["profile", "show", "s"], 0);
    w.both(&desk, &["profile", "test", "s"], 0);
    // A key that is not the profile's.
    for args in [
        &["profile", "test", "s"][..],
        &[
            "--json",
            "--profile",
            "s",
            "user",
            "unlock",
            "--user",
            "bob",
        ],
    ] {
        w.run_env(
            &desk,
            args,
            &[(
                "TOKENDESK_SECURID_KEY_FILE",
                Some(other_path.to_str().unwrap()),
            )],
            5,
        );
    }

    // Lookup and unlock: found, unlocked, refused, failed part-way, not found, bad input.
    let p = |args: &[&str]| -> Vec<String> {
        let mut v = vec!["--profile".to_owned(), "s".to_owned()];
        v.extend(args.iter().map(|s| s.to_string()));
        v
    };
    for (args, status) in [
        (
            &["user", "lookup", "--email", "oscar.ortiz@example.com"][..],
            0,
        ),
        (&["user", "lookup", "--user", "mallory"], 0),
        (&["user", "lookup", "--user", "heidi"], 3),
        (&["user", "lookup", "--email", "not an address"], 2),
        (&["user", "unlock", "--user", "frank"], 3),
        (&["user", "unlock", "--user", "heidi"], 3),
        (&["user", "unlock", "--user", "bob", "--methods", "fax"], 2),
        (
            &[
                "token", "sync", "--user", "bob", "--otp1", "123456", "--otp2", "234567",
            ],
            2,
        ),
        (&["user", "methods", "--user", "bob"], 0),
    ] {
        let v = p(args);
        w.both(&desk, &refs(&v), status);
    }
    w.run(&desk, &refs(&p(&["user", "unlock", "--user", "bob"])), 0);
    w.run(
        &desk,
        &refs(&p(&[
            "--json",
            "user",
            "unlock",
            "--user",
            "carol",
            "--methods",
            "sms",
        ])),
        0,
    );

    // Rate limited: the notices too.
    let limited = Sim::demo_securid(Some(1));
    let limited_key = canary_key_file(&limited, keys.path(), "limited.json");
    w.run(&desk, &refs(&add("l", &limited_key)), 0);
    let out = w.run_env(
        &desk,
        &["--profile", "l", "user", "unlock", "--user", "carol"],
        &[("TOKENDESK_SECURID_KEY_FILE", Some(&limited_key))],
        0,
    );
    assert!(
        out.stderr.contains("note: rate limited by the server"),
        "{}",
        out.stderr
    );

    // Stored in the real credential store, where there is one.
    if secret_service() {
        let name = unique_name("cs-sid");
        let stored = Desk::new();
        w.run(
            &stored,
            &[
                "profile",
                "add",
                &name,
                "--kind",
                "securid",
                "--key-file",
                &key,
            ],
            0,
        );
        for (args, status) in [
            (&["profile", "show", name.as_str()][..], 0),
            (&["profile", "test", name.as_str()], 0),
            (&["--json", "user", "lookup", "--user", "alice"], 0),
            (&["user", "unlock", "--user", "dave"], 0),
            (&["--json", "user", "unlock", "--user", "frank"], 3),
        ] {
            w.run(&stored, args, status);
        }
        w.run(&stored, &["profile", "remove", &name], 0);
    }

    assert!(
        w.verbose_lines > 30,
        "-vvv printed only {} log lines",
        w.verbose_lines
    );
    for name in ["s", "sj", "l"] {
        w.run(&desk, &["profile", "remove", name], 0);
    }
    assert!(w.runs >= 40, "{} runs", w.runs);
    assert!(
        w.audit_scans >= 40,
        "the audit log was scanned after every operation"
    );
}

/// Issues an emergency tokencode at `-vvv` (`json`: with `--json`): the code is on stdout
/// exactly once; from then on the watch looks for it (in its forms) everywhere else — stderr,
/// every file of the desk, and everything seen before and after.
fn issue_emergency_code(w: &mut Watch, sim: &Sim, desk: &Desk, args: &[&str]) -> String {
    let out = desk.run(args);
    out.status(0);
    let (status, codes) = sim.practice_get("/securid/emergency-codes");
    assert_eq!(status, 200);
    let code = codes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["emergencyTokencode"].as_str())
        .find(|c| out.stdout.contains(c))
        .unwrap_or_else(|| panic!("no issued code on stdout: {}", out.stdout))
        .to_owned();
    assert_eq!(out.stdout.matches(&code).count(), 1, "{}", out.stdout);
    let mut more = Vec::new();
    forms("the emergency tokencode", code.as_bytes(), &mut more);
    w.watch_for(more);
    w.runs += 1;
    w.output(format!("stderr of `{}`", out.args), &out.stderr);
    w.files(desk, &out.args);
    code
}

#[test]
fn the_emergency_tokencode_is_shown_once_and_never_leaks() {
    let sim = Sim::demo_securid(None);
    let keys = key_dir();
    let key = canary_key_file(&sim, keys.path(), "key.json");
    let mut w = Watch::with_key(&sim.key_file().access_key);
    let mut desk = Desk::new();
    desk.set("TOKENDESK_SECURID_KEY_FILE", &key);
    w.run(
        &desk,
        &[
            "profile",
            "add",
            "s",
            "--kind",
            "securid",
            "--key-file",
            &key,
            "--no-store",
        ],
        0,
    );
    let human = [
        "-vvv",
        "--profile",
        "s",
        "user",
        "emergency-code",
        "--user",
        "trent",
    ];
    let first = issue_emergency_code(&mut w, &sim, &desk, &human);
    let json = [
        "-vvv",
        "--json",
        "--profile",
        "s",
        "user",
        "emergency-code",
        "--email",
        "bob@example.com",
        "--hours",
        "2",
        "--one-time",
    ];
    let second = issue_emergency_code(&mut w, &sim, &desk, &json);
    assert_ne!(first, second);
    // Everything after: neither code anywhere, the audit log's every view included.
    for (args, status) in [
        (
            &["--profile", "s", "user", "methods", "--user", "trent"][..],
            0,
        ),
        (&["--profile", "s", "user", "lookup", "--user", "bob"], 0),
        (
            &[
                "--profile",
                "s",
                "user",
                "emergency-code",
                "--user",
                "heidi",
            ],
            3,
        ),
        (
            &[
                "--profile",
                "s",
                "user",
                "emergency-code",
                "--user",
                "bob",
                "--days",
                "8",
            ],
            2,
        ),
        (&["audit"], 0),
        (&["audit", "--operation", "emergencyCode"], 0),
        (&["audit", "verify"], 0),
    ] {
        w.both(&desk, args, status);
    }
    w.run(&desk, &["audit", "--csv"], 0);
    assert!(w.audit_scans >= 10, "the audit log was scanned");
    assert!(
        w.verbose_lines > 10,
        "-vvv printed {} log lines",
        w.verbose_lines
    );
}
