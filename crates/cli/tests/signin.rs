//! CENTAGATE sign-in from the command line against the practice server and the REAL Secret
//! Service (scripts/with-secret-service.sh): `profile add --integration-key`, `login` with an
//! OTP or SMS code, admin calls with the kept session, its end (expired, ended by the server,
//! logout) and what the store holds. Outside the wrapper the tests that need the store print
//! a note and return.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{dead_origin, unique_name, Desk, Out, Sim, Trap, PRACTICE_ADMIN};
use serde_json::Value;
use tokendesk_sim::{PRACTICE_ADMIN_PASSWORD, PRACTICE_APP_SECRET_KEY, PRACTICE_INTEGRATION_KEY};

/// The demo's administrator who signs in with the password alone.
const PASSWORD_ONLY: &str = "helpdesk-2";
const PASSWORD_ONLY_PASSWORD: &str = "helpdesk-2-password";

fn skip(test: &str) -> bool {
    common::skip_without_store(test)
}

/// The practice server and a desk with a new profile for `admin` that signs in to it; `None`
/// (after a note) without the real Secret Service.
fn practice(admin: &str, test: &str, sim: impl FnOnce() -> Sim) -> Option<(Sim, String, Desk)> {
    if skip(test) {
        return None;
    }
    let sim = sim();
    let name = unique_name("signin");
    let desk = signing_in_desk(&name, &sim.origin(), admin);
    Some((sim, name, desk))
}

/// The store's entry `username` (`profile:NAME` or `session:NAME`), as JSON.
fn lookup(username: &str) -> Option<Value> {
    common::store_entry(username).map(|e| serde_json::from_str(&e).expect("a JSON entry"))
}

/// Every item of `service tokendesk` as `secret-tool search --all` shows it (secrets too).
fn whole_store() -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "--unlock", "service", "tokendesk"])
        .output()
        .expect("secret-tool runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A desk with a signing-in profile `name` for `admin` at `origin`, chosen for every command.
fn signing_in_desk(name: &str, origin: &str, admin: &str) -> Desk {
    let mut desk = Desk::new();
    desk.run_env(
        &[
            "profile",
            "add",
            name,
            "--url",
            origin,
            "--admin",
            admin,
            "--integration-key",
            PRACTICE_INTEGRATION_KEY,
            "--timeout",
            "5",
        ],
        &[("TOKENDESK_APP_SECRET_KEY", Some(PRACTICE_APP_SECRET_KEY))],
    )
    .success()
    .stdout_has(&format!("Added profile '{name}'"))
    .stdout_has(&format!("Integration Key {PRACTICE_INTEGRATION_KEY}"))
    .stdout_has(&format!("tokendesk --profile {name} login"))
    .stdout_lacks(PRACTICE_APP_SECRET_KEY);
    desk.set("TOKENDESK_PROFILE", name);
    desk
}

/// As [`practice`] for the password-only administrator, signed in and acting.
fn signed_in(test: &str, sim: impl FnOnce() -> Sim) -> Option<(Sim, String, Desk)> {
    let (sim, name, desk) = practice(PASSWORD_ONLY, test, sim)?;
    login(&desk, false, PASSWORD_ONLY_PASSWORD, None).success();
    desk.run(&["user", "methods", "--user", "carol"]).success();
    Some((sim, name, desk))
}

/// `login` with the password and a code from the environment.
fn login(desk: &Desk, json: bool, password: &str, code: Option<&str>) -> Out {
    let args: &[&str] = if json {
        &["--json", "login"]
    } else {
        &["login"]
    };
    desk.run_env(
        args,
        &[
            ("TOKENDESK_PASSWORD", Some(password)),
            ("TOKENDESK_OTP", code),
        ],
    )
}

/// The practice admin's OTP code now.
fn otp(sim: &Sim) -> String {
    sim.admin_codes(PRACTICE_ADMIN, 0).remove(0)
}

/// Points the profile file's URL at `origin` behind TokenDesk's back (the kept session stays,
/// as it would if the server moved), to see whether anything is sent there.
/// Moves the profile to another address — the file and, since its entries are bound to the
/// origin they were given for, its store entries too (as if made there).
fn repoint(desk: &Desk, from: &str, to: &str) {
    let path = desk.profiles_file();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{text}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    common::remember_ids(desk.config_dir());
    let file: toml::Table = text.parse().unwrap();
    for name in file["profiles"].as_table().unwrap().keys() {
        for kind in ["profile:", "session:"] {
            let user = common::store_user(&format!("{kind}{name}"));
            if let Some(raw) = common::store_raw(&user) {
                common::store_put(&user, &raw.replace(from, to));
            }
        }
    }
}

/// Audit entries of `operation` as `audit --json` gives them.
fn audit(desk: &Desk, operation: &str) -> Vec<Value> {
    let v = desk
        .run(&["--json", "audit", "--operation", operation])
        .json();
    v["entries"].as_array().cloned().unwrap_or_default()
}

#[test]
fn an_otp_sign_in_keeps_the_session_acts_and_signs_out() {
    let Some((sim, name, desk)) = practice(
        PRACTICE_ADMIN,
        "an_otp_sign_in_keeps_the_session_acts_and_signs_out",
        Sim::demo,
    ) else {
        return;
    };

    // The app Secret Key is in the store, under the profile's entry; no session yet.
    let key = lookup(&format!("profile:{name}")).expect("the app Secret Key entry");
    assert_eq!(key["appSecretKey"], PRACTICE_APP_SECRET_KEY);
    assert_eq!(lookup(&format!("session:{name}")), None);
    desk.run(&["profile", "show", &name])
        .success()
        .stdout_has("session:     not signed in")
        .stdout_has(&format!("Integration Key {PRACTICE_INTEGRATION_KEY}"))
        .stdout_has("app Secret Key: stored in the OS credential store");
    desk.run(&["user", "methods", "--user", "carol"])
        .fails(5)
        .stderr_has(&format!("Not signed in to profile '{name}'"))
        .stderr_has("tokendesk login");

    let code = otp(&sim);
    let out = login(&desk, false, PRACTICE_ADMIN_PASSWORD, Some(&code));
    out.success()
        .stdout_has(&format!("Signed in to '{name}' as {PRACTICE_ADMIN} until "));
    assert!(out.stdout.trim_end().ends_with(" UTC."), "{}", out.stdout);
    assert_eq!(sim.admin_sessions(PRACTICE_ADMIN), 1);

    // The session is in the store beside the key; the password and the code are nowhere in it.
    let session = lookup(&format!("session:{name}")).expect("the session entry");
    assert!(session["authToken"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(session["secretCode"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert_eq!(session["secondFactor"], "otp");
    let store = whole_store();
    assert!(
        store.contains(PRACTICE_APP_SECRET_KEY),
        "search shows secrets"
    );
    assert!(!store.contains(PRACTICE_ADMIN_PASSWORD), "{store}");
    assert!(!store.contains(&code), "the code in the store: {store}");

    // Admin calls use it.
    desk.run(&["user", "methods", "--user", "carol"])
        .success()
        .stdout_has("HW-2002");
    desk.run(&["token", "unlock", "--user", "carol"])
        .success()
        .stdout_has("Unlocked the OTP token of carol");
    desk.run(&["profile", "test"]).success();

    // list and show say until when, in words and as JSON.
    let list = desk.run(&["profile", "list"]);
    list.success()
        .stdout_has("SESSION")
        .stdout_has(&format!("signed in as {PRACTICE_ADMIN} until "));
    let v = desk.run(&["--json", "profile", "show", &name]).json_ok(0);
    assert_eq!(v["object"]["session"]["state"], "signedIn", "{v}");
    assert_eq!(v["object"]["session"]["signedInAs"], PRACTICE_ADMIN);
    assert_eq!(v["object"]["integrationKey"], PRACTICE_INTEGRATION_KEY);
    let v = desk.run(&["--json", "profile", "list"]).json_ok(0);
    assert_eq!(v["object"][0]["session"]["state"], "signedIn", "{v}");

    // Logout ends it on the server and here; the next admin call is refused locally.
    desk.run(&["logout"])
        .success()
        .stdout_has(&format!("Signed out of '{name}'."));
    assert_eq!(sim.admin_sessions(PRACTICE_ADMIN), 0);
    assert_eq!(lookup(&format!("session:{name}")), None);
    assert!(
        lookup(&format!("profile:{name}")).is_some(),
        "the key stays"
    );
    desk.run(&["user", "methods", "--user", "carol"])
        .fails(5)
        .stderr_has(&format!("Not signed in to profile '{name}'"));
    desk.run(&["profile", "show", &name])
        .success()
        .stdout_has("session:     not signed in");
    desk.run(&["logout"])
        .success()
        .stdout_has("was not signed in");

    // Each step is in the audit log with its outcome, naming the admin, never a secret.
    for (op, outcome) in [("signIn", "ok"), ("secondFactor", "ok"), ("signOut", "ok")] {
        let entries = audit(&desk, op);
        assert_eq!(entries.len(), 1, "{op}: {entries:?}");
        assert_eq!(entries[0]["outcome"], outcome, "{op}: {entries:?}");
        assert_eq!(entries[0]["admin"], PRACTICE_ADMIN, "{op}: {entries:?}");
        let text = entries[0].to_string();
        assert!(!text.contains(PRACTICE_ADMIN_PASSWORD) && !text.contains(&code));
    }
    desk.run(&["profile", "remove", &name]).success();
    assert_eq!(lookup(&format!("profile:{name}")), None);
}

#[test]
fn json_login_prints_who_until_when_and_the_factor() {
    let Some((sim, name, desk)) = practice(
        PRACTICE_ADMIN,
        "json_login_prints_who_until_when_and_the_factor",
        Sim::demo,
    ) else {
        return;
    };
    let out = login(&desk, true, PRACTICE_ADMIN_PASSWORD, Some(&otp(&sim)));
    out.status(0);
    let v = out.json();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["signedInAs"], PRACTICE_ADMIN);
    assert_eq!(v["secondFactor"], "otp");
    let at = v["expiresAt"].as_str().expect("expiresAt");
    assert!(
        at.ends_with('Z') && at.contains('T') && at.len() == 20,
        "{at}"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let unix = v["expiresAtUnix"].as_u64().expect("expiresAtUnix");
    // The practice server's session timeout is 30 minutes.
    assert!((now + 1790..=now + 1810).contains(&unix), "{unix} vs {now}");

    // The password alone (no second factor asked): secondFactor null.
    let name2 = unique_name("json-pw");
    let desk2 = signing_in_desk(&name2, &sim.origin(), PASSWORD_ONLY);
    let v = login(&desk2, true, PASSWORD_ONLY_PASSWORD, None).json();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["signedInAs"], PASSWORD_ONLY);
    assert!(v["secondFactor"].is_null(), "{v}");
    desk2.run(&["user", "methods", "--user", "carol"]).success();
    for (d, n) in [(&desk, &name), (&desk2, &name2)] {
        d.run(&["profile", "remove", n]).success();
    }
}

#[test]
fn an_sms_sign_in_on_a_terminal() {
    let Some((sim, name, desk)) =
        practice(PRACTICE_ADMIN, "an_sms_sign_in_on_a_terminal", Sim::demo)
    else {
        return;
    };
    let mut asked = Vec::new();
    let (out, shown) = desk.run_tty(&["login", "--sms"], &[], |prompt| {
        asked.push(prompt.to_owned());
        if prompt.contains("Password") {
            PRACTICE_ADMIN_PASSWORD.to_owned()
        } else {
            sim.admin_sms(PRACTICE_ADMIN).expect("an SMS code was sent")
        }
    });
    out.status(0)
        .stdout_has(&format!("Signed in to '{name}' as {PRACTICE_ADMIN} until "))
        .stderr_has("note: Sent a sign-in code by SMS to +60120009001");
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[0].contains(&format!("Password of {PRACTICE_ADMIN}")));
    assert!(asked[1].contains("Code from the SMS"), "{asked:?}");
    // Typed without echo: neither the password nor the code was shown on the terminal.
    assert!(!shown.contains(PRACTICE_ADMIN_PASSWORD), "{shown}");
    let session = lookup(&format!("session:{name}")).expect("the session entry");
    assert_eq!(session["secondFactor"], "sms");
    desk.run(&["user", "methods", "--user", "carol"]).success();
    let entries = audit(&desk, "requestSmsCode");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["outcome"], "ok");
    let entries = audit(&desk, "secondFactor");
    assert_eq!(entries[0]["outcome"], "ok");
    desk.run(&["logout"]).success();
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn refused_sign_ins_exit_3_and_keep_nothing() {
    let Some((sim, name, desk)) = practice(
        PRACTICE_ADMIN,
        "refused_sign_ins_exit_3_and_keep_nothing",
        Sim::demo,
    ) else {
        return;
    };
    let no_session = || assert_eq!(lookup(&format!("session:{name}")), None);

    // Wrong password: 23001.
    login(&desk, false, "not-the-password", Some("123456"))
        .fails(3)
        .stderr_has("(code 23001)");
    login(&desk, true, "not-the-password", None).json_err(3, "server", Some(23001));
    no_session();

    // Wrong code: refused, then the right one works.
    let right = otp(&sim);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let out = login(&desk, false, PRACTICE_ADMIN_PASSWORD, Some(wrong));
    out.fails(3).stderr_lacks(wrong);
    no_session();
    login(&desk, false, PRACTICE_ADMIN_PASSWORD, Some("12ab"))
        .fails(2)
        .stderr_has("Sign-in code");
    login(&desk, false, PRACTICE_ADMIN_PASSWORD, Some(&right)).success();
    desk.run(&["logout"]).success();

    // Blocked: refused in words.
    sim.set_admin_blocked(PRACTICE_ADMIN, true);
    login(&desk, false, PRACTICE_ADMIN_PASSWORD, None).fails(3);
    let e = login(&desk, true, PRACTICE_ADMIN_PASSWORD, None).json_err(3, "server", Some(23026));
    assert!(
        e["serverMessage"].as_str().unwrap().contains("blocked"),
        "{e}"
    );
    no_session();

    // The audit log has each refusal.
    let failed: Vec<Value> = audit(&desk, "signIn")
        .into_iter()
        .filter(|e| e["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(audit(&desk, "secondFactor")
        .iter()
        .any(|e| e["outcome"] == "failed"));
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn an_expired_session_is_refused_without_sending() {
    let Some((sim, name, desk)) =
        signed_in("an_expired_session_is_refused_without_sending", || {
            Sim::demo_sessions(Duration::from_secs(3))
        })
    else {
        return;
    };
    // 3 s: long enough to sign in and act even on a loaded machine.
    std::thread::sleep(Duration::from_millis(4100));
    let trap = Trap::new();
    repoint(&desk, &sim.origin(), &trap.origin());
    desk.run(&["user", "methods", "--user", "carol"])
        .fails(5)
        .stderr_has(&format!("The session of profile '{name}' has ended"))
        .stderr_has("Nothing was sent");
    desk.run(&["--json", "token", "unlock", "--user", "carol"])
        .json_err(5, "config", None);
    assert_eq!(trap.connections(), 0, "nothing may be sent");
    desk.run(&["profile", "show", &name])
        .success()
        .stdout_has("session ended; not signed in");
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn a_session_the_server_ended_ends_here_too() {
    let Some((sim, name, desk)) = signed_in("a_session_the_server_ended_ends_here_too", Sim::demo)
    else {
        return;
    };
    sim.end_admin_sessions(PASSWORD_ONLY);
    desk.run(&["--json", "user", "methods", "--user", "carol"])
        .json_err(5, "config", Some(10001));
    assert_eq!(lookup(&format!("session:{name}")), None, "deleted here");
    desk.run(&["user", "methods", "--user", "carol"])
        .fails(5)
        .stderr_has(&format!("Not signed in to profile '{name}'"));
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn logout_without_the_server_still_deletes_the_session() {
    let Some((sim, name, desk)) = signed_in(
        "logout_without_the_server_still_deletes_the_session",
        Sim::demo,
    ) else {
        return;
    };
    repoint(&desk, &sim.origin(), &dead_origin());
    desk.run(&["logout"])
        .fails(4)
        .stderr_has("Signed out here")
        .stderr_has("lives on until");
    assert_eq!(lookup(&format!("session:{name}")), None);
    assert_eq!(
        sim.admin_sessions(PASSWORD_ONLY),
        1,
        "the server's lives on"
    );
    let entries = audit(&desk, "signOut");
    assert_eq!(entries[0]["outcome"], "failed", "{entries:?}");
    desk.run(&["user", "methods", "--user", "carol"])
        .fails(5)
        .stderr_has("Not signed in");
    desk.run(&["profile", "remove", &name]).success();
}

#[test]
fn secrets_needed_without_a_terminal_name_the_variable() {
    let Some((sim, name, desk)) = practice(
        PRACTICE_ADMIN,
        "secrets_needed_without_a_terminal_name_the_variable",
        Sim::demo,
    ) else {
        return;
    };
    // `setsid`: no controlling terminal, as under cron or CI.
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = desk.command_for("setsid");
        c.arg("--wait").arg(common::bin()).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        Out::of(args, c)
    };
    run(&["login"], &[])
        .fails(2)
        .stderr_has("set TOKENDESK_PASSWORD in the environment");
    let pw = [("TOKENDESK_PASSWORD", PRACTICE_ADMIN_PASSWORD)];
    run(&["login"], &pw)
        .fails(2)
        .stderr_has("set TOKENDESK_OTP in the environment");
    let e = run(&["--json", "login", "--sms"], &pw).json_err(2, "input", None);
    assert!(e["hint"].as_str().unwrap().contains("TOKENDESK_OTP"), "{e}");
    assert_eq!(
        sim.admin_sms(PRACTICE_ADMIN),
        None,
        "no SMS sent for nothing"
    );
    assert_eq!(lookup(&format!("session:{name}")), None);

    // The app Secret Key: asked for, and without a terminal the variable named.
    let other = unique_name("asked");
    let origin = sim.origin();
    let add = [
        "profile",
        "add",
        other.as_str(),
        "--url",
        origin.as_str(),
        "--admin",
        PRACTICE_ADMIN,
        "--integration-key",
        PRACTICE_INTEGRATION_KEY,
    ];
    run(&add, &[])
        .fails(2)
        .stderr_has("set TOKENDESK_APP_SECRET_KEY in the environment");
    assert_eq!(lookup(&format!("profile:{other}")), None);
    let (out, shown) = desk.run_tty(&add, &[], |prompt| {
        assert!(prompt.contains("Secret Key"), "{prompt}");
        PRACTICE_APP_SECRET_KEY.to_owned()
    });
    out.status(0)
        .stdout_has(&format!("Added profile '{other}'"));
    assert!(!shown.contains(PRACTICE_APP_SECRET_KEY), "echoed: {shown}");
    let key = lookup(&format!("profile:{other}")).expect("the key entry");
    assert_eq!(key["appSecretKey"], PRACTICE_APP_SECRET_KEY);
    for n in [&name, &other] {
        desk.run(&["profile", "remove", n]).success();
    }
}

#[test]
fn a_signing_in_profile_is_not_a_no_store_one() {
    let desk = Desk::new();
    let args = [
        "profile",
        "add",
        "x",
        "--url",
        "http://127.0.0.1:9",
        "--admin",
        "a",
        "--integration-key",
        "IK",
        "--no-store",
    ];
    desk.run(&args)
        .fails(2)
        .stderr_has("--no-store cannot go with --integration-key");
    let mut json = vec!["--json"];
    json.extend(args);
    desk.run(&json).json_err(2, "input", None);
    desk.run(&[
        "profile",
        "add",
        "x",
        "--kind",
        "securid",
        "--key-file",
        "k.json",
        "--integration-key",
        "IK",
    ])
    .fails(2)
    .stderr_has("--integration-key");
    desk.run(&[
        "profile",
        "add",
        "x",
        "--url",
        "http://127.0.0.1:9",
        "--admin",
        "a",
        "--auth-base-path",
        "/v2/CentagateWS/webresources",
        "--no-store",
    ])
    .fails(2)
    .stderr_has("Integration Key");
    assert!(!desk.profiles_file().exists());
    // A direct profile does not log in.
    desk.add_profile("direct", "http://127.0.0.1:9", "a");
    desk.run(&["--profile", "direct", "login"]).fails(5);
}
