//! The help desk's commands (issue 11) through real HTTP against the practice server: each
//! new command's success and each documented code, the confirmation rules (`--yes`; no
//! terminal; a y/N prompt on a terminal), the unregister numbering trap end to end, the
//! emergency tokencode shown exactly once, and `user unlock` on each server. State is checked
//! through the practice routes, never through TokenDesk itself.

mod common;

use common::{key_dir, Desk, Out, Sim, PRACTICE_ADMIN, PRACTICE_AUTH, PRACTICE_SECRET};
use serde_json::{json, Value};
use tempfile::TempDir;

/// The demo server and a desk with CENTAGATE profile `c` on it.
fn centagate() -> (Sim, Desk) {
    let sim = Sim::demo();
    let desk = Desk::with_secrets(PRACTICE_AUTH, PRACTICE_SECRET);
    desk.add_profile("c", &sim.origin(), PRACTICE_ADMIN);
    (sim, desk)
}

/// The demo server and a desk with SecurID profile `s` on it (the key file in the folder
/// returned, apart from the desk's).
fn securid() -> (Sim, Desk, TempDir) {
    let sim = Sim::demo_securid(None);
    let keys = key_dir();
    let key = keys.path().join("key.json");
    sim.write_key_file(&key);
    let mut desk = Desk::new();
    desk.add_securid_profile("s", &key);
    (sim, desk, keys)
}

/// `tokendesk --profile P ARGS` (`args`: words apart by spaces).
fn run(desk: &Desk, profile: &str, args: &str) -> Out {
    desk.run(&words(&format!("--profile {profile} {args}")))
}

/// `tokendesk --json --profile P ARGS`.
fn run_json(desk: &Desk, profile: &str, args: &str) -> Out {
    desk.run(&words(&format!("--json --profile {profile} {args}")))
}

/// `ARGS` on a profile for `profile`'s server: exit 2 saying `named` is for `server`'s.
fn refused(desk: &Desk, profile: &str, args: &str, named: &str, server: &str) {
    run(desk, profile, args)
        .fails(2)
        .stderr_has(&format!("`tokendesk {named}` is for {server} profiles"))
        .stderr_has("Nothing was sent.");
}

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The practice view of a CENTAGATE user.
fn practice_user(sim: &Sim, username: &str) -> Value {
    let (status, users) = sim.practice_get("/users");
    assert_eq!(status, 200, "{users}");
    users
        .as_array()
        .expect("a list")
        .iter()
        .find(|u| u["username"] == username)
        .unwrap_or_else(|| panic!("no practice user {username}"))
        .clone()
}

/// The practice view of a SID700 token.
fn sid_token(sim: &Sim, serial: &str) -> Value {
    let (status, body) = sim.practice_get(&format!("/securid/tokens/{serial}"));
    assert_eq!(status, 200, "{body}");
    body
}

/// The emergency codes the practice server issued.
fn emergency_codes(sim: &Sim) -> Vec<Value> {
    let (status, body) = sim.practice_get("/securid/emergency-codes");
    assert_eq!(status, 200, "{body}");
    body.as_array().expect("a list").clone()
}

/// The audit log's entries of one operation, as `audit --json` gives them.
fn audited(desk: &Desk, operation: &str) -> Vec<Value> {
    let out = desk.run(&["--json", "audit", "--operation", operation]);
    out.status(0);
    out.json()["entries"].as_array().expect("entries").clone()
}

#[test]
fn unregistering_an_sms_token_removes_the_sms_token_and_nothing_else() {
    let (sim, desk) = centagate();
    let before = practice_user(&sim, "bob");
    assert_eq!(before["phone"]["number"], "+60120001002", "{before}");
    assert_eq!(before["token"]["serial"], "HW-2001", "{before}");

    run(&desk, "c", "token status --user bob --kind sms")
        .success()
        .stdout_has("The SMS token of bob is valid.");
    run(&desk, "c", "token unregister --user bob --kind sms --yes")
        .success()
        .stdout_has("Removed the SMS token of bob.");

    // The SMS token (type "2" on this call, 1 when registering) is gone; the hardware OTP
    // token (tokenType 2 when registering) is still bound and active.
    let after = practice_user(&sim, "bob");
    assert!(after["phone"].is_null(), "{after}");
    assert_eq!(after["token"]["serial"], "HW-2001", "{after}");
    assert_eq!(sim.token("HW-2001")["owner"], "bob");
    let v = run_json(&desk, "c", "token status --user bob --kind sms").json_ok(0);
    assert_eq!(
        v["object"],
        json!({"username": "bob", "kind": "sms", "status": "none"})
    );
    run(&desk, "c", "user methods --user bob")
        .success()
        .stdout_has("HW-2001")
        .stdout_lacks("+60120001002");

    // Again: nothing to remove (29001).
    let e = run_json(&desk, "c", "token unregister --user bob --kind sms --yes").json_err(
        3,
        "server",
        Some(29001),
    );
    assert!(!e["hint"].as_str().unwrap().is_empty());
    let entries = audited(&desk, "unregisterToken");
    assert_eq!(entries.len(), 2, "{entries:?}");
}

#[test]
fn centagate_token_commands_answer_every_documented_code() {
    let (sim, desk) = centagate();
    // A mobile token (type 1): uma's device.
    run(&desk, "c", "token unregister --user uma --kind mobile -y")
        .success()
        .stdout_has("Removed the mobile token of uma.");
    assert!(practice_user(&sim, "uma")["device"].is_null());
    for (args, code) in [
        // No mobile token: 36000; no PKI token: 26011 (the vendor's two texts); no such user.
        ("token unregister --user alice --kind mobile -y", 36000),
        ("token unregister --user alice --kind pki -y", 26011),
        ("token unregister --user nobody --kind sms -y", 22002),
        ("token status --user nobody --kind sms", 22002),
        (
            "token set-status --user grace --kind sms --status valid",
            29001,
        ),
    ] {
        run_json(&desk, "c", args).json_err(3, "server", Some(code));
        let out = run(&desk, "c", args);
        out.fails(3).stderr_has(&format!("(code {code})"));
    }

    // Set a status: a lock-out status asks (--yes here), valid does not; a read takes --yes
    // and ignores it.
    run(
        &desk,
        "c",
        "token set-status --user oscar --kind sms --status temp-deactivated --yes",
    )
    .success()
    .stdout_has("Set the SMS token of oscar to temporarily deactivated.");
    assert_eq!(
        practice_user(&sim, "oscar")["phone"]["status"],
        "temp_deactivated"
    );
    run(&desk, "c", "token status --user oscar --kind sms --yes")
        .success()
        .stdout_has("temporarily deactivated");
    let v = run_json(
        &desk,
        "c",
        "token set-status --user oscar --kind sms --status valid",
    )
    .json_ok(0);
    // CENTAGATE's own message, as for the other CENTAGATE commands.
    assert_eq!(v["message"], "Success", "{v}");
    assert_eq!(practice_user(&sim, "oscar")["phone"]["status"], "active");

    // Refused locally, with words: suspended, a kind no call documents, nothing sent.
    run(
        &desk,
        "c",
        "token set-status --user oscar --kind sms --status suspended",
    )
    .fails(2)
    .stderr_has("cannot be set to suspended")
    .stderr_has("Nothing was sent");
    run(&desk, "c", "token unregister --user bob --kind otp --yes")
        .fails(2)
        .stderr_has("a hardware OTP token has no documented kind here");
    assert_eq!(practice_user(&sim, "bob")["token"]["status"], "active");
}

#[test]
fn centagate_user_unlock_enable_and_disable() {
    let (sim, desk) = centagate();
    assert_eq!(practice_user(&sim, "rupert")["locked"], true);
    run(&desk, "c", "user unlock --user rupert")
        .success()
        .stdout_has("Unlocked the account of rupert")
        .stdout_has("tokendesk token unlock --user rupert");
    assert_eq!(practice_user(&sim, "rupert")["locked"], false);
    // Not locked now: 22016; your own account: 22006.
    run(&desk, "c", "user unlock --user rupert")
        .fails(3)
        .stderr_has("(code 22016)");
    run_json(&desk, "c", &format!("user unlock --user {PRACTICE_ADMIN}")).json_err(
        3,
        "server",
        Some(22006),
    );
    // SecurID's flags are refused with words, nothing sent.
    for (args, named) in [
        (
            "user unlock --user rupert --methods sms",
            "user unlock --methods",
        ),
        (
            "user disable --email sybil@example.com",
            "user disable --email",
        ),
    ] {
        refused(&desk, "c", args, named, "SecurID Cloud");
    }

    // Disable: no terminal and no --yes: exit 2, the account untouched.
    run(&desk, "c", "user disable --user sybil")
        .fails(2)
        .stderr_has("Disable the account of sybil?")
        .stderr_has("add --yes");
    assert_eq!(practice_user(&sim, "sybil")["status"], "active");
    run(&desk, "c", "user disable --user sybil --yes")
        .success()
        .stdout_has("Disabled the account of sybil: it cannot sign in until enabled again.");
    assert_eq!(practice_user(&sim, "sybil")["status"], "inactive");
    // Enable says what it changed; --yes is accepted and ignored.
    run(&desk, "c", "user enable --user sybil --yes")
        .success()
        .stdout_has("Enabled the account of sybil: it is active again.");
    assert_eq!(practice_user(&sim, "sybil")["status"], "active");
    run_json(&desk, "c", "user enable --user nobody").json_err(3, "server", Some(22002));
}

#[test]
fn without_a_terminal_a_destructive_change_needs_yes_and_sends_nothing() {
    let (sim, desk) = centagate();
    for args in [
        "token unregister --user bob --kind sms",
        "token set-status --user bob --kind sms --status deactivated",
        "token set-status --user bob --kind sms --status temp-deactivated",
        "user disable --user bob",
    ] {
        run(&desk, "c", args)
            .fails(2)
            .stderr_has("needs confirming")
            .stderr_has("bob")
            .stderr_has("Nothing was sent.");
        let e = run_json(&desk, "c", args).json_err(2, "input", None);
        assert!(e["hint"].as_str().unwrap().contains("--yes"), "{e}");
    }
    let bob = practice_user(&sim, "bob");
    assert_eq!(bob["phone"]["status"], "active", "{bob}");
    assert_eq!(bob["status"], "active", "{bob}");
    // Nothing was even tried: the audit log holds no attempt.
    for op in ["unregisterToken", "setTokenStatus", "disableUser"] {
        assert_eq!(audited(&desk, op), Vec::<Value>::new(), "{op}");
    }
    // The profile's own admin account is named as such.
    run(
        &desk,
        "c",
        &format!("token unregister --user {PRACTICE_ADMIN} --kind sms"),
    )
    .fails(2)
    .stderr_has("This is your own admin account (practice-admin)");
}

#[test]
fn on_a_terminal_the_change_is_asked_for_y_or_n() {
    let (sim, desk) = centagate();
    let args = words("--profile c token unregister --user bob --kind sms");
    let mut asked = Vec::new();
    let (out, shown) = desk.run_tty_with(&args, &[], "[y/N] ", false, |q| {
        asked.push(q.to_owned());
        "n".into()
    });
    assert_eq!(out.status, 2, "{shown}");
    assert_eq!(asked.len(), 1, "{shown}");
    assert!(
        asked[0].contains("Remove the SMS token of bob?"),
        "{}",
        asked[0]
    );
    assert!(
        shown.contains("Not confirmed: nothing was changed"),
        "{shown}"
    );
    assert!(
        !out.stdout.contains("Remove"),
        "the prompt is not on stdout"
    );
    assert_eq!(practice_user(&sim, "bob")["phone"]["status"], "active");

    let (out, shown) = desk.run_tty_with(&args, &[], "[y/N] ", false, |_| "y".into());
    assert_eq!(out.status, 0, "{shown}");
    assert!(
        out.stdout.contains("Removed the SMS token of bob."),
        "{}",
        out.stdout
    );
    assert!(practice_user(&sim, "bob")["phone"].is_null());

    // --yes on a terminal: no question.
    let (out, shown) = desk.run_tty_with(
        &words("--profile c user disable --user sybil --yes"),
        &[],
        "[y/N] ",
        false,
        |q| panic!("asked {q}"),
    );
    assert_eq!(out.status, 0, "{shown}");
    assert!(!shown.contains("[y/N]"), "{shown}");
    assert_eq!(practice_user(&sim, "sybil")["status"], "inactive");
}

#[test]
fn securid_search_methods_and_hardware_tokens() {
    let (sim, desk, _keys) = securid();
    let v = run_json(
        &desk,
        "s",
        "user search --email-like EXAMPLE.com --page-size 2",
    )
    .json_ok(200);
    assert_eq!(v["object"]["users"].as_array().unwrap().len(), 2, "{v}");
    assert!(v["object"]["total"].as_u64().unwrap() > 2, "{v}");
    run(&desk, "s", "user search --email-like alice@ --yes")
        .success()
        .stdout_has("1 user's email address contains \"alice@\".")
        .stdout_has("alice@example.com");
    run(&desk, "s", "user search --email-like a --page-size 26")
        .fails(2)
        .stderr_has("between 1 and 25");

    // Methods: who, and the SID700 among the authenticators.
    run(&desk, "s", "user methods --email trent@example.com")
        .success()
        .stdout_has("Trent Turner <trent@example.com>")
        .stdout_has("hardware token")
        .stdout_has("000700000001");
    let v = run_json(&desk, "s", "user methods --user sybil").json_ok(200);
    assert_eq!(v["object"]["user"]["smsOn"], true, "{v}");
    assert_eq!(
        v["object"]["authenticators"][0]["serial"], "000700000002",
        "{v}"
    );
    run_json(&desk, "s", "user methods --user heidi").json_err(3, "server", Some(404));

    // Lookup by serial.
    let trent = sim.securid_user("trent")["id"].as_str().unwrap().to_owned();
    let v = run_json(&desk, "s", "token lookup --serial 000700000001").json_ok(200);
    assert_eq!(v["object"]["userId"], trent.as_str(), "{v}");
    run(&desk, "s", "token lookup --serial 000700000003")
        .success()
        .stdout_has("assigned to nobody");
    run(&desk, "s", "token lookup --serial 000799999999")
        .fails(3)
        .stderr_has("(HTTP 404)");

    // Unassign the lost one: asks; no terminal without --yes: exit 2 and still assigned.
    let unassign = "token unregister --user trent --otp 000700000001";
    run(&desk, "s", unassign)
        .fails(2)
        .stderr_has("Unassign hardware token 000700000001 from trent?")
        .stderr_has("Nothing was sent.");
    assert_eq!(sid_token(&sim, "000700000001")["userId"], trent.as_str());
    run(&desk, "s", &format!("{unassign} --yes"))
        .success()
        .stdout_has("Unassigned hardware token 000700000001 from Trent Turner");
    assert!(sid_token(&sim, "000700000001")["userId"].is_null());

    // Assign: one bound elsewhere is refused (409); a spare is assigned, with its name.
    run_json(
        &desk,
        "s",
        "token register --email trent@example.com --otp 000700000002",
    )
    .json_err(3, "server", Some(409));
    assert_ne!(sid_token(&sim, "000700000002")["userId"], trent.as_str());
    run(
        &desk,
        "s",
        "token register --user trent --otp 000700000003 --name Trent-spare",
    )
    .success()
    .stdout_has("Assigned hardware token 000700000003 to Trent Turner");
    let spare = sid_token(&sim, "000700000003");
    assert_eq!(spare["userId"], trent.as_str(), "{spare}");
    assert_eq!(spare["name"], "Trent-spare", "{spare}");
    run_json(&desk, "s", "token register --user heidi --otp 000700000004").json_err(
        3,
        "server",
        Some(404),
    );

    // The server's other refusals (409): a token that is not this user's, a user already
    // disabled, a user marked deleted.
    run_json(
        &desk,
        "s",
        "token unregister --user trent --otp 000700000002 -y",
    )
    .json_err(3, "server", Some(409));
    run_json(&desk, "s", "user disable --user peggy -y").json_err(3, "server", Some(409));
    run_json(&desk, "s", "user enable --user mallory").json_err(3, "server", Some(409));

    // CENTAGATE's flags are refused with words.
    for (args, named) in [
        (
            "token unregister --user trent --kind sms",
            "token unregister --kind",
        ),
        ("token status --user trent --kind sms", "token status"),
    ] {
        refused(&desk, "s", args, named, "CENTAGATE");
    }
}

#[test]
fn securid_enable_disable_and_unlock() {
    let (sim, desk, _keys) = securid();
    run(&desk, "s", "user disable --email sybil@example.com")
        .fails(2)
        .stderr_has("Disable the account of sybil@example.com?");
    assert_eq!(sim.securid_user("sybil")["userStatus"], "Enabled");
    run(&desk, "s", "user disable --email sybil@example.com -y")
        .success()
        .stdout_has("Disabled Sybil Stone");
    assert_eq!(sim.securid_user("sybil")["userStatus"], "Disabled");
    let v = run_json(&desk, "s", "user enable --user sybil").json_ok(200);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Enabled Sybil Stone"),
        "{v}"
    );
    assert_eq!(v["object"]["status"], "Enabled", "{v}");
    assert_eq!(sim.securid_user("sybil")["userStatus"], "Enabled");
    run_json(&desk, "s", "user enable --user heidi").json_err(3, "server", Some(404));

    // `user unlock` on SecurID Cloud: the tokencodes, as before.
    assert_eq!(sim.securid_user("trent")["isTokenLocked"], true);
    run(&desk, "s", "user unlock --user trent")
        .success()
        .stdout_has("Unlocked token, SMS, voice");
    assert_eq!(sim.securid_user("trent")["isTokenLocked"], false);

    // On a terminal the user is looked up first, to name them in the question.
    let (out, shown) = desk.run_tty_with(
        &words("--profile s user disable --user sybil"),
        &[],
        "[y/N] ",
        false,
        |q| {
            assert!(
                q.contains("Disable the account of Sybil Stone <sybil@example.com>"),
                "{q}"
            );
            "yes".into()
        },
    );
    assert_eq!(out.status, 0, "{shown}");
    assert_eq!(sim.securid_user("sybil")["userStatus"], "Disabled");
}

#[test]
fn the_emergency_code_is_shown_once_and_works() {
    let (sim, desk, _keys) = securid();
    let out = desk.run(&words("-vvv --profile s user emergency-code --user trent"));
    out.status(0);
    let codes = emergency_codes(&sim);
    assert_eq!(codes.len(), 1, "{codes:?}");
    let code = codes[0]["emergencyTokencode"].as_str().unwrap().to_owned();
    assert_eq!(codes[0]["api"], "v2");
    assert_eq!(codes[0]["oneTimeUse"], false, "default: reusable");
    assert_eq!(out.stdout.matches(&code).count(), 1, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("Issued an emergency tokencode to Trent Turner"));
    assert!(
        !out.stderr.contains(&code),
        "the code on stderr:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.lines().count() > 3,
        "-vvv logged: {}",
        out.stderr
    );
    for (path, bytes) in desk.files() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&code),
            "the code is in {}",
            path.display()
        );
    }
    let entries = audited(&desk, "emergencyCode");
    assert_eq!(entries.len(), 1);
    assert!(!entries[0].to_string().contains(&code));

    // It signs the user in.
    let (status, login) =
        sim.practice_post("/securid/login", json!({"who": "trent", "tokencode": code}));
    assert_eq!(
        (status, login["accepted"].clone()),
        (200, json!(true)),
        "{login}"
    );

    // --json: once, in the object; a one-time code for 4 hours.
    let out = run_json(
        &desk,
        "s",
        "user emergency-code --email bob@example.com --hours 4 --one-time",
    );
    let v = out.json_ok(200);
    let code = v["object"]["code"]["code"].as_str().unwrap().to_owned();
    assert_eq!(out.stdout.matches(&code).count(), 1, "{}", out.stdout);
    assert_eq!(v["object"]["code"]["oneTime"], true, "{v}");
    assert!(!v["message"].as_str().unwrap().contains(&code));

    // Validity out of range, and an unknown user.
    run(&desk, "s", "user emergency-code --user bob --days 8")
        .fails(2)
        .stderr_has("between 1 minute and 7 days");
    run_json(&desk, "s", "user emergency-code --user heidi").json_err(3, "server", Some(404));

    // A tenant without the v2 call: v1 for whole days.
    let (status, _) = sim.practice_post("/switches", json!({"securidEmergencyV2Missing": true}));
    assert_eq!(status, 200);
    run(&desk, "s", "user emergency-code --user alice --days 2").success();
    assert!(emergency_codes(&sim).iter().any(|c| c["api"] == "v1"));
}
