//! Each kind of failure as a user meets it: input rejected before anything is sent (exit 2),
//! the server unreachable or not understood (exit 4), local configuration (exit 5), usage
//! errors; and which profile is used.

mod common;

use std::io::Read;
use std::net::TcpListener;

use common::{dead_origin, Desk, Sim, Trap, PRACTICE_ADMIN, PRACTICE_AUTH, PRACTICE_SECRET};
use tokendesk_sim::{FailMode, Faults, Fixture, SimConfig};

/// Bad input for each operation: (arguments, the field's name, words of its rule).
const BAD_INPUT: &[(&[&str], &str, &str)] = &[
    (
        &["token", "register", "--user", "grace", "--sms", "12ab45678"],
        "Phone number",
        "must be 7 to 15 digits",
    ),
    (
        &["token", "register", "--user", "grace", "--sms", "+60 12"],
        "Phone number",
        "must be 7 to 15 digits",
    ),
    (
        &[
            "token",
            "register",
            "--user",
            "grace",
            "--sms",
            "1234567890123456",
        ],
        "Phone number",
        "must be 7 to 15 digits",
    ),
    (
        &["token", "register", "--user", "grace", "--otp", "HW 1001!"],
        "Token serial",
        "must be 1 to 64 letters, digits, - or _",
    ),
    (
        &["token", "register", "--user", "grace", "--otp", ""],
        "Token serial",
        "must be 1 to 64 letters, digits, - or _",
    ),
    (
        &[
            "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2", "1234567",
        ],
        "Second code",
        "must have as many digits as the first code",
    ),
    (
        &[
            "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2", "123456",
        ],
        "Second code",
        "must differ from the first code",
    ),
    (
        &[
            "token", "sync", "--user", "frank", "--otp1", "12a456", "--otp2", "123457",
        ],
        "First code",
        "must be 6 to 8 digits",
    ),
    (
        &[
            "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2", "12345",
        ],
        "Second code",
        "must be 6 to 8 digits",
    ),
    (
        &["user", "methods", "--user", "   "],
        "Username",
        "must not be empty",
    ),
    (
        &["token", "unlock", "--user", ""],
        "Username",
        "must not be empty",
    ),
    (
        &["token", "register", "--user", "", "--otp", "HW-1001"],
        "Username",
        "must not be empty",
    ),
    (
        &["token", "unlock", "--user", "car\tol"],
        "Username",
        "must not contain control characters",
    ),
];

#[test]
fn the_trap_sees_a_connection_when_one_is_made() {
    // The proof below relies on this: a connection the CLI makes is seen by the listener.
    let trap = Trap::new();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("trap", &trap.origin(), PRACTICE_ADMIN);
    // A server that reads the request and hangs up without answering.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let reader = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    });
    desk.add_profile("hangup", &origin, PRACTICE_ADMIN);
    desk.run(&["--profile", "hangup", "user", "methods", "--user", "grace"])
        .fails(4);
    let head = reader.join().unwrap();
    assert!(
        head.starts_with("PUT /CentagateWS/webresources/user/auth/list/practice-admin HTTP/1.1"),
        "{head}"
    );
    // And the trap itself, once something connects to it.
    assert_eq!(trap.connections(), 0);
    let _c = std::net::TcpStream::connect(trap.addr()).unwrap();
    assert_eq!(trap.connections(), 1);
}

#[test]
fn invalid_input_is_rejected_and_nothing_is_sent() {
    let trap = Trap::new();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("trap", &trap.origin(), PRACTICE_ADMIN);
    for (args, field, rule) in BAD_INPUT {
        let out = desk.run(args);
        out.fails(2)
            .stderr_has(&format!("error: {field} is not valid"))
            .stderr_has(&format!("next: {field}: {rule}"))
            .stderr_has("Nothing was sent to the server.");

        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let e = desk.run(&json_args).json_err(2, "input", None);
        assert_eq!(e["title"], format!("{field} is not valid"), "{args:?}");
        assert!(e["hint"].as_str().unwrap().contains(rule), "{args:?}: {e}");
        assert!(e["serverMessage"].is_null());
        assert_eq!(trap.connections(), 0, "{args:?} connected to the server");
    }
}

#[test]
fn missing_sms_or_otp_is_a_usage_error_and_sends_nothing() {
    let trap = Trap::new();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("trap", &trap.origin(), PRACTICE_ADMIN);
    desk.run(&["token", "register", "--user", "grace"])
        .fails(2)
        .stderr_has("--sms")
        .stderr_has("--otp")
        .stderr_has("Usage:");
    let e = desk
        .run(&["--json", "token", "register", "--user", "grace"])
        .json_err(2, "input", None);
    assert_eq!(e["title"], "The command line is not valid");
    let hint = e["hint"].as_str().unwrap();
    assert!(hint.contains("--sms") && hint.contains("--otp"), "{hint}");
    assert!(hint.contains("Nothing was sent"), "{hint}");
    // Both at once is also refused.
    desk.run(&[
        "token",
        "register",
        "--user",
        "grace",
        "--sms",
        "+60123456789",
        "--otp",
        "HW-1",
    ])
    .fails(2)
    .stderr_has("cannot be used with");
    assert_eq!(trap.connections(), 0);
}

#[test]
fn input_errors_come_before_profile_errors() {
    // No profile at all, or an unknown one: the input is still checked first (exit 2, not 5).
    let desk = Desk::new();
    for args in [
        &[
            "token", "sync", "--user", "frank", "--otp1", "111111", "--otp2", "111111",
        ][..],
        &["--profile", "nope", "token", "unlock", "--user", " "],
        &[
            "--profile",
            "nope",
            "token",
            "register",
            "--user",
            "a",
            "--sms",
            "12",
        ],
    ] {
        desk.run(args)
            .fails(2)
            .stderr_has("is not valid")
            .stderr_lacks("profile");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        desk.run(&json_args).json_err(2, "input", None);
    }
    // Valid input then meets the missing profile.
    desk.run(&[
        "token", "sync", "--user", "frank", "--otp1", "111111", "--otp2", "222222",
    ])
    .fails(5)
    .stderr_has("No profile chosen");
}

#[test]
fn server_down_is_a_transport_failure() {
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    let origin = dead_origin();
    desk.run(&[
        "profile",
        "add",
        "down",
        "--url",
        &origin,
        "--admin",
        PRACTICE_ADMIN,
        "--no-store",
        "--timeout",
        "2",
    ])
    .success();
    let host = origin.trim_start_matches("http://");
    for args in [
        &["user", "methods", "--user", "grace"][..],
        &["profile", "test"],
        &["token", "unlock", "--user", "carol"],
        &[
            "token",
            "register",
            "--user",
            "grace",
            "--sms",
            "+60123456789",
        ],
        &[
            "token", "sync", "--user", "frank", "--otp1", "123456", "--otp2", "234567",
        ],
    ] {
        desk.run(args)
            .fails(4)
            .stderr_has("error: The server could not be reached")
            .stderr_has(&format!("could not connect to {host}"))
            .stderr_has(&format!("Nothing answered at {host}"));
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let e = desk.run(&json_args).json_err(4, "transport", None);
        assert_eq!(e["title"], "The server could not be reached");
        assert!(e["serverMessage"]
            .as_str()
            .unwrap()
            .contains("could not connect"));
    }
}

#[test]
fn http_500_html_page_is_a_transport_failure() {
    let sim = Sim::start(SimConfig {
        fixture: Fixture::demo(),
        faults: Faults {
            fail_rate: 1.0,
            fail_mode: FailMode::Http500,
            ..Faults::default()
        },
        ..SimConfig::default()
    });
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("flaky", &sim.origin(), PRACTICE_ADMIN);
    let out = desk.run(&["user", "methods", "--user", "grace"]);
    out.fails(4)
        .stderr_has("error: The server answered with an HTTP error (HTTP 500)")
        .stderr_has("HTTP 500 is not a CENTAGATE answer")
        .stderr_lacks("<html")
        .stderr_lacks("<body");
    let e = desk
        .run(&["--json", "token", "unlock", "--user", "carol"])
        .json_err(4, "transport", Some(500));
    let detail = e["serverMessage"].as_str().unwrap();
    assert!(detail.contains("500"), "{detail}");
    assert!(!detail.contains('<'), "an unsanitised excerpt: {detail}");
    assert!(detail.len() < 400, "not a short excerpt: {detail}");
    desk.run(&["profile", "test"])
        .fails(4)
        .stderr_has("HTTP 500");
}

#[test]
fn configuration_failures() {
    let sim = Sim::demo();
    // No profile.
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.run(&["user", "methods", "--user", "grace"])
        .fails(5)
        .stderr_has("error: No profile chosen")
        .stderr_has("tokendesk profile add");
    let e = desk
        .run(&["--json", "user", "methods", "--user", "grace"])
        .json_err(5, "config", None);
    assert_eq!(e["title"], "No profile chosen");
    desk.run(&["profile", "test"]).fails(5);

    // An unknown profile.
    desk.add_profile("p", &sim.origin(), PRACTICE_ADMIN);
    desk.run(&["--profile", "nope", "user", "methods", "--user", "grace"])
        .fails(5)
        .stderr_has("No profile named 'nope'");
    desk.run(&[
        "--json",
        "--profile",
        "nope",
        "token",
        "unlock",
        "--user",
        "carol",
    ])
    .json_err(5, "config", None);
    desk.run(&["profile", "test", "nope"])
        .fails(5)
        .stderr_has("No profile named 'nope'");

    // Only one of the two credentials in the environment.
    desk.run_env(
        &["user", "methods", "--user", "grace"],
        &[("TOKENDESK_SECRET_CODE", None)],
    )
    .fails(5)
    .stderr_has("Only one credential is set in the environment");
}

#[test]
fn a_corrupt_profiles_file_is_named_with_its_line_and_kept() {
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    let text = "# mine\n[profiles.a]\nurl = \"http://127.0.0.1:1\"\nadmin = \n";
    std::fs::write(desk.profiles_file(), text).unwrap();
    let path = desk.profiles_file().display().to_string();
    for args in [
        &["profile", "list"][..],
        &["user", "methods", "--user", "grace"],
        &["profile", "show", "a"],
        &[
            "profile",
            "add",
            "b",
            "--url",
            "http://127.0.0.1:2",
            "--admin",
            "x",
            "--no-store",
        ],
        &["profile", "remove", "a"],
    ] {
        desk.run(args)
            .fails(5)
            .stderr_has("error: The profiles file cannot be read")
            .stderr_has(&format!("{path}, line 4:"))
            .stderr_has("will not overwrite it");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let e = desk.run(&json_args).json_err(5, "config", None);
        assert!(e["hint"].as_str().unwrap().contains(&path), "{e}");
    }
    assert_eq!(std::fs::read_to_string(desk.profiles_file()).unwrap(), text);
}

#[test]
fn usage_errors() {
    let desk = Desk::new();
    for args in [
        &["token", "regster"][..],
        &["user", "methods"],
        &["--bogus", "codes"],
        &["token", "sync", "--user", "a", "--otp1", "123456"],
        // Secrets are never flags.
        &[
            "profile",
            "add",
            "x",
            "--url",
            "https://h",
            "--admin",
            "a",
            "--secret-code",
            "s",
        ],
    ] {
        desk.run(args).status(2).stdout_empty().stderr_has("Usage:");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let out = desk.run(&json_args);
        let e = out.json_err(2, "input", None);
        assert_eq!(e["title"], "The command line is not valid");
        assert!(e["hint"].as_str().unwrap().contains("tokendesk --help"));
        assert_eq!(out.stderr, "", "usage error in JSON mode wrote to stderr");
    }
    desk.run(&["--help"]).success().stdout_has("Usage:");
    desk.run(&["--version"]).success().stdout_has("tokendesk");
}

#[test]
fn tokendesk_profile_picks_among_two() {
    let sim = Sim::demo();
    let mut desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("good", &sim.origin(), PRACTICE_ADMIN);
    desk.add_profile("down", &dead_origin(), PRACTICE_ADMIN);
    let methods = ["user", "methods", "--user", "carol"];

    desk.run(&methods)
        .fails(5)
        .stderr_has("No profile chosen")
        .stderr_has("Profiles: down, good.");

    desk.set("TOKENDESK_PROFILE", "good");
    desk.run(&methods).success().stdout_has("HW-2002");
    desk.run(&["profile", "test"]).success();
    // --profile wins over the variable.
    desk.run(&["--profile", "down", "user", "methods", "--user", "carol"])
        .fails(4);

    desk.set("TOKENDESK_PROFILE", "down");
    desk.run(&methods)
        .fails(4)
        .stderr_has("could not be reached");
    desk.run(&["--profile", "good", "user", "methods", "--user", "carol"])
        .success();

    desk.set("TOKENDESK_PROFILE", "missing");
    desk.run(&methods)
        .fails(5)
        .stderr_has("No profile named 'missing'");
}

#[test]
fn a_reader_that_went_away_is_not_an_internal_error() {
    // `tokendesk codes | head -0`: stdout is a pipe nobody reads any more. The command's own
    // result decides the exit status; no panic, no "internal error".
    let sim = Sim::demo();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("p", &sim.origin(), PRACTICE_ADMIN);
    for (args, status) in [
        (&["codes"][..], 0),
        (&["--json", "codes"], 0),
        (&["user", "methods", "--user", "oscar"], 0),
        (&["--json", "token", "unlock", "--user", "bob"], 3),
        (
            &["--json", "token", "sync", "--user", "a", "--otp1", "1"],
            2,
        ),
    ] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = desk
            .cmd(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(status), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("internal error") && !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn profile_add_input_is_checked_before_anything_is_written() {
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    let add = |name: &'static str, url: &'static str, extra: &[&'static str]| {
        let mut v = vec![
            "profile",
            "add",
            name,
            "--url",
            url,
            "--admin",
            "a",
            "--no-store",
        ];
        v.extend_from_slice(extra);
        v
    };
    for (args, field, rule) in [
        (
            add("a b", "https://mfa.example.com", &[]),
            "Profile name",
            "must be 1 to 64",
        ),
        (
            add("p", "mfa.example.com", &[]),
            "Server URL",
            "must be a full address",
        ),
        (
            add("p", "http://mfa.example.com", &[]),
            "Server URL",
            "plain http:// is allowed only for this computer",
        ),
        (
            add("p", "https://u:pw@mfa.example.com", &[]),
            "Server URL",
            "must not contain a user name or password",
        ),
        (
            add("p", "https://mfa.example.com", &["--timeout", "0"]),
            "Timeout",
            "between 1 and",
        ),
        (
            add("p", "https://mfa.example.com", &["--base-path", "no-slash"]),
            "Base path",
            "must start with /",
        ),
        (
            add(
                "p",
                "https://mfa.example.com",
                &["--ca-file", "/nonexistent/ca.pem"],
            ),
            "CA certificate file",
            "not a readable PEM file",
        ),
    ] {
        desk.run(&args)
            .fails(2)
            .stderr_has(&format!("error: {field} is not valid"))
            .stderr_has(rule);
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(&args);
        desk.run(&json_args).json_err(2, "input", None);
        assert!(!desk.profiles_file().exists(), "{args:?} wrote a profile");
    }
    desk.run(&[
        "profile",
        "add",
        "p",
        "--url",
        "https://h",
        "--admin",
        " ",
        "--no-store",
    ])
    .fails(2)
    .stderr_has("Admin username is not valid");
    // A typed CA file may name anything: a folder, a file that is no PEM, one too big, a
    // device all answer the same words, never what is there.
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("passwd");
    std::fs::write(&junk, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 2 << 20]).unwrap();
    for path in [dir.path(), &junk, &big, std::path::Path::new("/dev/zero")] {
        let shown = path.to_str().unwrap();
        desk.run(&[
            "profile",
            "add",
            "p",
            "--url",
            "https://h",
            "--admin",
            "a",
            "--ca-file",
            shown,
            "--no-store",
        ])
        .fails(2)
        .stderr_has("CA certificate file: not a readable PEM file.")
        .stderr_lacks("root:")
        .stderr_lacks("not found")
        .stderr_lacks("directory");
    }
    assert!(!desk.profiles_file().exists());
    // localhost and [::1] may use plain http.
    desk.add_profile("local", "http://localhost:8790", "a");
    desk.add_profile("v6", "http://[::1]:8790", "a");
    desk.run(&["profile", "list"])
        .success()
        .stdout_has("http://localhost:8790/CentagateWS/webresources")
        .stdout_has("http://[::1]:8790/CentagateWS/webresources");
}

/// An argument that is not UTF-8 is refused in words (exit 2), never a panic or an abort.
/// (Unix only: arguments there are bytes; Windows' are UTF-16.)
#[cfg(unix)]
#[test]
fn non_utf8_arguments_are_refused_in_words() {
    use std::os::unix::ffi::OsStrExt;
    let desk = Desk::new();
    let bad = std::ffi::OsStr::from_bytes(b"\xfe\xff");
    let out = desk
        .cmd(&[])
        .arg("--profile")
        .arg(bad)
        .args(["profile", "show", "x"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(
        stderr.contains("UTF-8") || stderr.contains("invalid"),
        "{stderr}"
    );
}
