//! Every `tokendesk` command end to end: the built binary, a fresh config folder, a practice
//! server over real HTTP. Each in human form (exit status, stdout, stderr) and with `--json`
//! (exactly one JSON document on stdout).

mod common;

use common::{Desk, Sim, PRACTICE_ADMIN, PRACTICE_AUTH, PRACTICE_SECRET};
use serde_json::json;

/// A desk with the practice admin's credentials in the environment and one profile, `p`,
/// at the practice server.
fn desk_at(sim: &Sim) -> Desk {
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("p", &sim.origin(), PRACTICE_ADMIN);
    desk
}

#[test]
fn profile_add_list_show_remove() {
    let sim = Sim::demo();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    let origin = sim.origin();

    let out = desk.run(&[
        "profile",
        "add",
        "practice",
        "--url",
        &origin,
        "--admin",
        PRACTICE_ADMIN,
        "--no-store",
    ]);
    out.success()
        .stdout_has(&format!(
            "Added profile 'practice' for CENTAGATE at {origin}/CentagateWS/webresources as {PRACTICE_ADMIN}"
        ))
        .stdout_has("credentials not stored: set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE")
        .stdout_has("tokendesk profile test practice");
    let toml = std::fs::read_to_string(desk.profiles_file()).expect("profiles.toml written");
    assert!(toml.contains("[profiles.practice]"), "{toml}");
    assert!(toml.contains(&origin), "{toml}");
    assert!(!toml.contains(PRACTICE_AUTH) && !toml.contains(PRACTICE_SECRET));

    // A second, with --json, a base path of its own and a timeout.
    let v = desk
        .run(&[
            "--json",
            "profile",
            "add",
            "other",
            "--url",
            &format!("{origin}/"),
            "--admin",
            "helpdesk-2",
            "--base-path",
            "/custom/ws/",
            "--timeout",
            "7",
            "--no-store",
        ])
        .json_ok(0);
    assert_eq!(v["object"]["name"], "other");
    assert_eq!(v["object"]["url"], origin.as_str());
    assert_eq!(v["object"]["basePath"], "/custom/ws");
    assert_eq!(v["object"]["admin"], "helpdesk-2");
    assert_eq!(v["object"]["timeoutSecs"], 7);
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("Added profile 'other'"));

    // The same name again is refused and changes nothing.
    let before = std::fs::read(desk.profiles_file()).unwrap();
    desk.run(&[
        "profile",
        "add",
        "practice",
        "--url",
        &origin,
        "--admin",
        "x",
        "--no-store",
    ])
    .fails(5)
    .stderr_has("A profile named 'practice' already exists");
    assert_eq!(std::fs::read(desk.profiles_file()).unwrap(), before);

    let out = desk.run(&["profile", "list"]);
    out.success()
        .stdout_has("Profiles (2):")
        .stdout_has("NAME")
        .stdout_has("ADMIN");
    let line = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("practice "))
        .expect("a row for practice");
    assert!(line.contains("CENTAGATE"), "{line}");
    assert!(
        line.contains(&format!("{origin}/CentagateWS/webresources")),
        "{line}"
    );
    assert!(line.contains(PRACTICE_ADMIN), "{line}");
    assert!(out
        .stdout
        .lines()
        .any(|l| l.contains("other") && l.contains(&format!("{origin}/custom/ws"))));
    let v = desk.run(&["--json", "profile", "list"]).json_ok(0);
    let names: Vec<&str> = v["object"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["other", "practice"]);

    desk.run(&["profile", "show", "practice"])
        .success()
        .stdout_has("Profile practice")
        .stdout_has(&format!("URL:         {origin}"))
        .stdout_has("base path:   /CentagateWS/webresources")
        .stdout_has(&format!("admin:       {PRACTICE_ADMIN}"))
        .stdout_has("timeout:     30 s")
        .stdout_has("credentials: taken from TOKENDESK_AUTH_TOKEN / TOKENDESK_SECRET_CODE")
        .stdout_lacks(PRACTICE_AUTH)
        .stdout_lacks(PRACTICE_SECRET);
    let v = desk.run(&["--json", "profile", "show", "other"]).json_ok(0);
    assert_eq!(v["object"]["name"], "other");
    assert_eq!(v["object"]["basePath"], "/custom/ws");
    assert!(v["object"]["credentials"]
        .as_str()
        .unwrap()
        .contains("TOKENDESK_AUTH_TOKEN"));
    desk.run(&["profile", "show", "nope"])
        .fails(5)
        .stderr_has("No profile named 'nope'");
    desk.run(&["--json", "profile", "show", "nope"])
        .json_err(5, "config", None);

    // Remove: the profile goes (what is said about stored credentials depends on whether a
    // credential store is running: see secret_store.rs).
    let out = desk.run(&["profile", "remove", "practice"]);
    out.status(0)
        .stdout_has("Removed profile 'practice';")
        .stdout_lacks(PRACTICE_SECRET);
    let v = desk
        .run(&["--json", "profile", "remove", "other"])
        .json_ok(0);
    assert_eq!(v["object"]["name"], "other");
    desk.run(&["profile", "list"])
        .success()
        .stdout_has("No profiles yet.");
    let v = desk.run(&["--json", "profile", "list"]).json_ok(0);
    assert_eq!(v["object"], json!([]));
    desk.run(&["profile", "remove", "practice"])
        .fails(5)
        .stderr_has("No profile named 'practice'");
    desk.run(&["--json", "profile", "remove", "practice"])
        .json_err(5, "config", None);
}

#[test]
fn profile_test_accepted_and_refused() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.run(&["profile", "test"])
        .success()
        .stdout_has(&format!(
            "OK: {} answered and accepted the credentials of {PRACTICE_ADMIN}.",
            sim.origin()
        ));
    desk.run(&["profile", "test", "p"]).success();
    let v = desk.run(&["--json", "profile", "test", "p"]).json_ok(0);
    assert_eq!(v["object"], json!({"profile": "p", "probeCode": 22002}));
    assert!(v["message"].as_str().unwrap().contains("accepted"));

    // An admin who is also a user answers 0; the second demo admin is not a user: 22002.
    let other = Desk::with_secrets("helpdesk-2-auth-token", "helpdesk-2-secret-code");
    other.add_profile("h2", &sim.origin(), "helpdesk-2");
    other
        .run(&["profile", "test"])
        .success()
        .stdout_has("accepted");

    // Wrong secret code: 10001, credentials refused.
    let wrong = [("TOKENDESK_SECRET_CODE", Some("not-the-secret"))];
    desk.run_env(&["profile", "test"], &wrong)
        .fails(3)
        .stderr_has("error: Credentials refused or session expired (code 10001)")
        .stderr_has("server said: Permission not allowed")
        .stderr_has("next: ");
    let e = desk
        .run_env(&["--json", "profile", "test"], &wrong)
        .json_err(3, "server", Some(10001));
    assert!(e["title"].as_str().unwrap().contains("Credentials refused"));
    assert_eq!(e["serverMessage"], "Permission not allowed");
    // Right credentials, wrong admin name.
    other
        .run_env(
            &["profile", "test"],
            &[("TOKENDESK_AUTH_TOKEN", Some(PRACTICE_AUTH))],
        )
        .fails(3)
        .stderr_has("Credentials refused");
}

#[test]
fn token_register_sms_and_otp_then_listed() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.run(&["user", "methods", "--user", "grace"])
        .success()
        .stdout_has("grace has no authentication methods bound.");

    desk.run(&[
        "token",
        "register",
        "--user",
        "grace",
        "--sms",
        "+60 (12) 345-6789",
    ])
    .success()
    .stdout_has("Registered SMS number +60123456789 to grace; it is active.");
    desk.run(&["token", "register", "--user", "grace", "--otp", " HW-1001 "])
        .success()
        .stdout_has("Registered hardware token HW-1001 to grace; it is active.");

    let out = desk.run(&["user", "methods", "--user", "grace"]);
    out.success().stdout_has("Tokens of grace:");
    let row = |sn: &str| {
        out.stdout
            .lines()
            .find(|l| l.contains(sn))
            .unwrap_or_else(|| panic!("no row for {sn}: {}", out.stdout))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("+60123456789"), ["SMS", "+60123456789", "active"]);
    assert_eq!(row("HW-1001"), ["OTP", "HW-1001", "active"]);
    assert_eq!(sim.token("HW-1001")["owner"], "grace");

    // --json: registration of another user's SMS number and an OTP token from stock.
    let v = desk
        .run(&[
            "--json", "token", "register", "--user", "heidi", "--otp", "HW-1006",
        ])
        .json_ok(0);
    assert!(v["message"].is_string(), "{v}");
    let v = desk
        .run(&[
            "--json",
            "token",
            "register",
            "--user",
            "mallory",
            "--sms",
            "601 2000 9999",
        ])
        .json_ok(0);
    assert_eq!(v["ok"], true);
    let v = desk
        .run(&["--json", "user", "methods", "--user", "mallory"])
        .json_ok(0);
    let tokens = v["object"]["tokens"].as_array().unwrap();
    assert!(
        tokens
            .iter()
            .any(|t| t["sn"] == "60120009999" && t["kind"] == "sms" && t["status"] == "active"),
        "{v}"
    );

    // Refusals: a number another user has (29004), a token that cannot be registered (29017),
    // a serial the server does not know (29001), a user who already has an OTP token (29008).
    desk.run(&[
        "token",
        "register",
        "--user",
        "grace2",
        "--sms",
        "+60120001001",
    ])
    .fails(3);
    let e = desk
        .run(&[
            "--json",
            "token",
            "register",
            "--user",
            "bob",
            "--sms",
            "+60 12 000 1001",
        ])
        .json_err(3, "server", Some(29004));
    assert!(e["serverMessage"].is_string());
    desk.run(&["token", "register", "--user", "alice", "--otp", "HW-9001"])
        .fails(3)
        .stderr_has("(code 29017)")
        .stderr_has("This token cannot be registered in its present state");
    desk.run(&["token", "register", "--user", "alice", "--otp", "HW-0000"])
        .fails(3)
        .stderr_has("(code 29001)");
    let e = desk
        .run(&[
            "--json", "token", "register", "--user", "bob", "--otp", "HW-1002",
        ])
        .json_err(3, "server", Some(29008));
    assert!(!e["hint"].as_str().unwrap().is_empty());
}

#[test]
fn token_sync_with_two_real_codes_and_with_wrong_ones() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    // frank's HOTP token was pressed 150 times the server did not see.
    let before = sim.token("HW-2005");
    assert_ne!(before["counter"], before["deviceCounter"], "{before}");

    let (c1, c2) = sim.two_codes("HW-2005");
    desk.run(&[
        "token", "sync", "--user", "frank", "--otp1", &c1, "--otp2", &c2,
    ])
    .success()
    .stdout_has("Resynchronised the OTP token of frank; the next code it shows will work.");
    let after = sim.token("HW-2005");
    assert_eq!(after["counter"], after["deviceCounter"], "{after}");

    // The same two codes again are used up: 54002.
    desk.run(&[
        "token", "sync", "--user", "frank", "--otp1", &c1, "--otp2", &c2,
    ])
    .fails(3)
    .stderr_has("error: The two codes did not match the token (code 54002)")
    .stderr_has("server said: Sync OTP failed")
    .stderr_has("two fresh codes");

    // --json, with erin's TOTP token whose clock runs ahead.
    let (c1, c2) = sim.two_codes("HW-2004");
    let v = desk
        .run(&[
            "--json", "token", "sync", "--user", "erin", "--otp1", &c1, "--otp2", &c2,
        ])
        .json_ok(0);
    assert!(v["message"].is_string(), "{v}");

    // Wrong codes.
    let (c1, c2) = sim.two_codes("HW-2001");
    let (w1, w2) = (
        format!("{:06}", (c1.parse::<u32>().unwrap() + 1) % 1_000_000),
        format!("{:06}", (c2.parse::<u32>().unwrap() + 1) % 1_000_000),
    );
    desk.run(&[
        "token", "sync", "--user", "bob", "--otp1", &w1, "--otp2", &w2,
    ])
    .fails(3)
    .stderr_has("(code 54002)");
    let e = desk
        .run(&[
            "--json", "token", "sync", "--user", "bob", "--otp1", &w1, "--otp2", &w2,
        ])
        .json_err(3, "server", Some(54002));
    assert_eq!(e["title"], "The two codes did not match the token");
    assert!(e["hint"].as_str().unwrap().contains("two fresh codes"));
    assert_eq!(e["serverMessage"], "Sync OTP failed");
    // A user without an OTP token.
    desk.run(&[
        "token", "sync", "--user", "alice", "--otp1", "123456", "--otp2", "234567",
    ])
    .fails(3)
    .stderr_has("(code 29001)");
}

#[test]
fn token_unlock_locked_and_unlocked() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    let out = desk.run(&["user", "methods", "--user", "carol"]);
    out.success();
    let row = out
        .stdout
        .lines()
        .find(|l| l.contains("HW-2002"))
        .expect("carol's token");
    assert!(
        row.contains("locked (unlock with `tokendesk token unlock`)"),
        "{row}"
    );

    desk.run(&["token", "unlock", "--user", "carol"])
        .success()
        .stdout_has("Unlocked the OTP token of carol; it is active again.");
    let out = desk.run(&["user", "methods", "--user", "carol"]);
    out.success();
    let row: Vec<&str> = out
        .stdout
        .lines()
        .find(|l| l.contains("HW-2002"))
        .expect("carol's token")
        .split_whitespace()
        .collect();
    assert_eq!(row, ["OTP", "HW-2002", "active"]);
    assert_eq!(sim.token("HW-2002")["failCount"], 0);

    // Again: nothing to unlock.
    desk.run(&["token", "unlock", "--user", "carol"])
        .fails(3)
        .stderr_has("error: The token is not locked or suspended (code 29017)")
        .stderr_has("server said: Invalid token status")
        .stderr_has("Nothing to unlock");
    let e = desk
        .run(&["--json", "token", "unlock", "--user", "bob"])
        .json_err(3, "server", Some(29017));
    assert!(e["title"]
        .as_str()
        .unwrap()
        .contains("not locked or suspended"));
    assert_eq!(e["serverMessage"], "Invalid token status");

    // --json on dave's suspended token.
    let v = desk
        .run(&["--json", "token", "unlock", "--user", "dave"])
        .json_ok(0);
    assert!(v["message"].is_string());
    let v = desk
        .run(&["--json", "user", "methods", "--user", "dave"])
        .json_ok(0);
    assert_eq!(v["object"]["tokens"][0]["sn"], "HW-2003");
    assert_eq!(v["object"]["tokens"][0]["status"], "active");
    // No OTP token at all.
    desk.run(&["token", "unlock", "--user", "grace"])
        .fails(3)
        .stderr_has("(code 29001)");
}

#[test]
fn user_methods_none_full_and_unknown() {
    let sim = Sim::demo();
    let desk = desk_at(&sim);
    desk.run(&["user", "methods", "--user", "grace"])
        .success()
        .stdout_has("grace has no authentication methods bound.");
    let v = desk
        .run(&["--json", "user", "methods", "--user", "grace"])
        .json_ok(0);
    assert_eq!(v["object"]["tokens"], json!([]));
    assert_eq!(v["object"]["certificates"], json!([]));
    assert!(v["object"]["device"].is_null());

    // oscar has everything: a table of tokens, a certificate, a device.
    let out = desk.run(&["user", "methods", "--user", "oscar"]);
    out.success()
        .stdout_has("Tokens of oscar:")
        .stdout_has("KIND")
        .stdout_has("SERIAL / PHONE")
        .stdout_has("STATUS")
        .stdout_has("HW-2009")
        .stdout_has("+60120001012")
        .stdout_has("FIDO-5001")
        .stdout_has("Certificates:")
        .stdout_has("CN=oscar,O=TokenDesk Practice")
        .stdout_has("Device: Oscar's phone Pixel 8 (Android 15), active");
    let v = desk
        .run(&["--json", "user", "methods", "--user", "oscar"])
        .json_ok(0);
    let kinds: Vec<&str> = v["object"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"sms") && kinds.contains(&"otp") && kinds.contains(&"fido"));
    assert_eq!(v["object"]["certificates"][0]["sn"], "4F2A9C01");

    desk.run(&["user", "methods", "--user", "nobody"])
        .fails(3)
        .stderr_has("error: No such user (code 22002)")
        .stderr_has("server said: User not found");
    let e = desk
        .run(&["--json", "user", "methods", "--user", "nobody"])
        .json_err(3, "server", Some(22002));
    assert_eq!(e["serverMessage"], "User not found");
}

#[test]
fn codes_all_and_one() {
    // Needs no profile and no server.
    let desk = Desk::new();
    let out = desk.run(&["codes"]);
    out.success()
        .stdout_has("CENTAGATE return codes (")
        .stdout_has("CODE")
        .stdout_has("MEANING")
        .stdout_has("VENDOR TEXT");
    for code in [
        "0", "10001", "10002", "22002", "29001", "29004", "29017", "54002",
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(code)),
            "no row for {code}: {}",
            out.stdout
        );
    }
    let v = desk.run(&["--json", "codes"]).json_ok(0);
    let all = v["object"].as_array().unwrap();
    assert!(all.len() >= 50, "{}", all.len());
    let rows = out.stdout.lines().count();
    assert_eq!(rows, all.len() + 2, "a header line and a table header");
    assert!(all.iter().any(|e| e["code"] == 54002));

    desk.run(&["codes", "29017"])
        .success()
        .stdout_has("29017 — ")
        .stdout_has("vendor text: Invalid token status")
        .stdout_has("on unlock: The token is not locked or suspended")
        .stdout_has("on register: ");
    let v = desk.run(&["--json", "codes", "29017"]).json_ok(0);
    assert_eq!(v["object"]["code"], 29017);
    assert_eq!(v["object"]["vendorText"], "Invalid token status");
    assert!(v["object"]["perOperation"]
        .as_array()
        .unwrap()
        .iter()
        .any(
            |m| m["operation"] == "unlock" && m["title"] == "The token is not locked or suspended"
        ));
    desk.run(&["codes", "10001"])
        .success()
        .stdout_has("10001 — Credentials refused or session expired");

    // An unknown code: its number, not swallowed.
    desk.run(&["codes", "424242"])
        .success()
        .stdout_has("424242");
    let v = desk.run(&["--json", "codes", "424242"]).json_ok(0);
    assert_eq!(v["object"]["code"], 424242);
    // Not a number: a usage error.
    desk.run(&["codes", "abc"]).status(2).stdout_empty();

    // SecurID Cloud's HTTP answers, from the same catalog mechanism.
    let out = desk.run(&["codes", "--securid"]);
    out.success()
        .stdout_has("SecurID Cloud HTTP answers (")
        .stdout_has("codes --securid N");
    for code in ["400", "403", "404", "415", "429", "500"] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(code)),
            "no row for {code}: {}",
            out.stdout
        );
    }
    assert!(
        !out.stdout.contains("54002"),
        "no CENTAGATE code among them"
    );
    let v = desk
        .run(&["--json", "codes", "--securid", "403"])
        .json_ok(0);
    assert_eq!(v["object"]["code"], 403);
    assert!(
        v["object"]["hint"].as_str().unwrap().contains("clock"),
        "{v}"
    );
    desk.run(&["codes", "--securid", "418"])
        .success()
        .stdout_has("HTTP 418");
}
