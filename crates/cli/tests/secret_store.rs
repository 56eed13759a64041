//! The CLI against the REAL credential store: the Secret Service of a throwaway, unlocked
//! gnome-keyring on a private D-Bus session (scripts/with-secret-service.sh sets
//! TOKENDESK_TEST_SECRET_SERVICE=1). Outside that wrapper the tests that need the store print a
//! note and return; the ones about having no store or no terminal run everywhere.
//!
//! All tests of a run share one keyring: every profile name is unique.

mod common;

use std::process::Command;

use common::{
    secret_service, unique_name, Desk, Sim, PRACTICE_ADMIN, PRACTICE_AUTH, PRACTICE_SECRET,
};
use serde_json::Value;

fn skip(test: &str) -> bool {
    common::skip_without_store(test)
}

/// What `secret-tool` (libsecret, independent of our code) finds for a profile.
fn lookup(profile: &str) -> Option<String> {
    common::store_entry(&format!("profile:{profile}"))
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
    .success()
    .stdout_has(&format!("Added profile '{name}'"))
    .stdout_has("credentials saved in the OS credential store")
    .stdout_lacks(auth)
    .stdout_lacks(secret);
}

#[test]
fn stored_credentials_are_found_by_a_later_process_and_deleted_on_remove() {
    if skip("stored_credentials_are_found_by_a_later_process_and_deleted_on_remove") {
        return;
    }
    let sim = Sim::demo();
    let name = unique_name("stored");
    // The desk itself has no secrets in its environment.
    let desk = Desk::new();
    add_stored(&desk, &name, &sim.origin(), PRACTICE_AUTH, PRACTICE_SECRET);

    // In the store, as a JSON blob, checked with libsecret's own tool.
    let blob = lookup(&name).expect("an entry service=tokendesk username=profile:NAME");
    let v: Value = serde_json::from_str(&blob).expect("the entry is JSON");
    assert_eq!(v["authToken"], PRACTICE_AUTH);
    assert_eq!(v["secretCode"], PRACTICE_SECRET);

    // Never in the profiles file.
    let toml = std::fs::read_to_string(desk.profiles_file()).unwrap();
    assert!(toml.contains(&name), "{toml}");
    for (path, bytes) in desk.files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(PRACTICE_AUTH) && !text.contains(PRACTICE_SECRET),
            "a secret in {}",
            path.display()
        );
    }

    // A later process without the variables finds them and works.
    desk.run(&["profile", "test", &name])
        .success()
        .stdout_has("accepted the credentials of practice-admin");
    desk.run(&["user", "methods", "--user", "carol"])
        .success()
        .stdout_has("HW-2002");
    desk.run(&["token", "unlock", "--user", "carol"])
        .success()
        .stdout_has("Unlocked the OTP token of carol");
    desk.run(&["--json", "user", "methods", "--user", "carol"])
        .json_ok(0);

    // `profile show` says where they are and shows neither.
    desk.run(&["profile", "show", &name])
        .success()
        .stdout_has("credentials: stored in the OS credential store")
        .stdout_lacks(PRACTICE_AUTH)
        .stdout_lacks(PRACTICE_SECRET);
    let out = desk.run(&["--json", "profile", "show", &name]);
    let v = out.json_ok(0);
    assert_eq!(
        v["object"]["credentials"],
        "stored in the OS credential store"
    );
    assert!(!out.stdout.contains(PRACTICE_AUTH) && !out.stdout.contains(PRACTICE_SECRET));

    // Remove deletes them from the store.
    desk.run(&["profile", "remove", &name])
        .success()
        .stdout_has(&format!(
            "Removed profile '{name}'; its credentials were deleted from the OS credential store."
        ));
    assert_eq!(lookup(&name), None, "the entry is still in the store");
    desk.run(&["profile", "list"])
        .success()
        .stdout_has("No profiles yet.");
}

#[test]
fn json_remove_and_credentials_deleted_behind_our_back() {
    if skip("json_remove_and_credentials_deleted_behind_our_back") {
        return;
    }
    let sim = Sim::demo();
    let name = unique_name("gone");
    let desk = Desk::new();
    add_stored(&desk, &name, &sim.origin(), PRACTICE_AUTH, PRACTICE_SECRET);
    assert!(lookup(&name).is_some());

    // Someone deletes the entry with their keyring tool: a clear config failure (5).
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", "tokendesk", "username"])
        .arg(common::store_user(&format!("profile:{name}")))
        .status()
        .unwrap();
    assert!(cleared.success());
    desk.run(&["user", "methods", "--user", "carol"])
        .fails(5)
        .stderr_has(&format!("No credentials stored for profile '{name}'"))
        .stderr_has("TOKENDESK_AUTH_TOKEN");
    desk.run(&["profile", "show", &name])
        .success()
        .stdout_has("credentials: not stored");
    // The environment still works in their place.
    desk.run_env(
        &["user", "methods", "--user", "carol"],
        &[
            ("TOKENDESK_AUTH_TOKEN", Some(PRACTICE_AUTH)),
            ("TOKENDESK_SECRET_CODE", Some(PRACTICE_SECRET)),
        ],
    )
    .success();

    let v = desk.run(&["--json", "profile", "remove", &name]).json_ok(0);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("no credentials were stored for it"),
        "{v}"
    );
}

#[test]
fn the_environment_overrides_stored_credentials() {
    if skip("the_environment_overrides_stored_credentials") {
        return;
    }
    let sim = Sim::demo();
    let name = unique_name("override");
    let desk = Desk::new();
    // Stored credentials that the server refuses.
    add_stored(
        &desk,
        &name,
        &sim.origin(),
        PRACTICE_AUTH,
        "an-old-secret-code",
    );
    desk.run(&["profile", "test"])
        .fails(3)
        .stderr_has("Credentials refused");
    desk.run_env(
        &["profile", "test"],
        &[
            ("TOKENDESK_AUTH_TOKEN", Some(PRACTICE_AUTH)),
            ("TOKENDESK_SECRET_CODE", Some(PRACTICE_SECRET)),
        ],
    )
    .success();
    // The store was not changed by that.
    let v: Value = serde_json::from_str(&lookup(&name).unwrap()).unwrap();
    assert_eq!(v["secretCode"], "an-old-secret-code");
    desk.run(&["profile", "remove", &name]).success();
    assert_eq!(lookup(&name), None);
}

#[test]
fn no_store_available_is_a_config_failure_saying_what_to_do() {
    // Runs everywhere: the session bus address points at nothing.
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", Some("unix:path=/nonexistent"))];
    let sim = Sim::demo();
    let name = unique_name("nostore");
    let desk = Desk::new();
    let with_env = [
        no_bus[0],
        ("TOKENDESK_AUTH_TOKEN", Some(PRACTICE_AUTH)),
        ("TOKENDESK_SECRET_CODE", Some(PRACTICE_SECRET)),
    ];
    let add = [
        "profile",
        "add",
        &name,
        "--url",
        &sim.origin(),
        "--admin",
        PRACTICE_ADMIN,
    ];
    desk.run_env(&add, &with_env)
        .fails(5)
        .stderr_has("error: No credential store is available")
        .stderr_has("gnome-keyring")
        .stderr_has("TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE")
        .stderr_lacks(PRACTICE_AUTH)
        .stderr_lacks(PRACTICE_SECRET);
    assert!(
        !desk.profiles_file().exists(),
        "a profile was written without its credentials"
    );
    let mut json_add = vec!["--json"];
    json_add.extend_from_slice(&add);
    let e = desk
        .run_env(&json_add, &with_env)
        .json_err(5, "config", None);
    assert_eq!(e["title"], "No credential store is available");
    assert!(e["hint"].as_str().unwrap().contains("gnome-keyring"));
    assert!(!desk.profiles_file().exists());

    // A profile that relies on stored credentials cannot work without the store.
    desk.run_env(
        &[
            "profile",
            "add",
            &name,
            "--url",
            &sim.origin(),
            "--admin",
            PRACTICE_ADMIN,
            "--no-store",
        ],
        &with_env,
    )
    .success();
    desk.run_env(&["user", "methods", "--user", "carol"], &no_bus)
        .fails(5)
        .stderr_has("No credential store is available")
        .stderr_has("gnome-keyring");
    desk.run_env(&["--json", "profile", "test"], &no_bus)
        .json_err(5, "config", None);
    // ... while the environment's credentials still do.
    desk.run_env(&["user", "methods", "--user", "carol"], &with_env)
        .success()
        .stdout_has("HW-2002");
    desk.run_env(&["profile", "show", &name], &no_bus)
        .success()
        .stdout_has("credentials: unknown (No credential store is available)");
    // Removing still removes the profile, and says the store could not be checked.
    desk.run_env(&["profile", "remove", &name], &no_bus)
        .status(0)
        .stdout_has("its stored credentials could not be checked")
        .stderr_has("`tokendesk profile cleanup` deletes it");
    // Its id stays named in flight until then: listed as left behind while the store is
    // away, dropped by the clean-up once it answers.
    desk.run_env(&["profile", "list"], &no_bus)
        .success()
        .stdout_has("left from an interrupted change");
    if common::secret_service() {
        desk.run(&["profile", "cleanup"]).success();
        let out = desk.run(&["profile", "list"]);
        out.success();
        assert!(!out.stdout.contains("interrupted"), "{}", out.stdout);
    }
}

#[test]
fn no_terminal_to_prompt_on_asks_for_the_environment() {
    // rpassword asks on /dev/tty. `setsid` starts the CLI in a new session, with no controlling
    // terminal. Where this test process has no terminal either (CI), the CLI is also run
    // directly, exactly as CI would run it.
    let have_setsid = Command::new("setsid").arg("--version").output().is_ok();
    let have_tty = std::fs::File::open("/dev/tty").is_ok();
    let mut ways = Vec::new();
    if have_setsid {
        ways.push(true);
    }
    if !have_tty {
        ways.push(false);
    }
    if ways.is_empty() {
        eprintln!("note: no `setsid` (util-linux) and a terminal is attached; prompt test skipped");
        return;
    }
    let desk = Desk::new();
    let name = unique_name("prompt");
    let add = [
        "profile",
        "add",
        name.as_str(),
        "--url",
        "http://127.0.0.1:9",
        "--admin",
        PRACTICE_ADMIN,
    ];
    for via_setsid in ways {
        for json in [false, true] {
            let mut c = if via_setsid {
                let mut c = desk.command_for("setsid");
                c.arg("--wait").arg(common::bin());
                c
            } else {
                desk.command_for(common::bin())
            };
            if json {
                c.arg("--json");
            }
            c.args(add);
            let out = common::Out::of(&add, c);
            if json {
                let e = out.json_err(2, "input", None);
                assert!(e["hint"]
                    .as_str()
                    .unwrap()
                    .contains("set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE"));
            } else {
                out.fails(2).stderr_has("no terminal to ask on").stderr_has(
                    "set TOKENDESK_AUTH_TOKEN and TOKENDESK_SECRET_CODE in the environment",
                );
            }
            assert!(!desk.profiles_file().exists());
        }
    }
    if secret_service() {
        assert_eq!(lookup(&name), None);
    }
}

/// A SecurID profile from the practice server's key file, its key in the store.
fn add_securid_stored(desk: &Desk, name: &str, key: &std::path::Path) {
    desk.run(&[
        "profile",
        "add",
        name,
        "--kind",
        "securid",
        "--key-file",
        key.to_str().unwrap(),
    ])
    .success()
    .stdout_has(&format!("Added profile '{name}' for SecurID Cloud"))
    .stdout_has("API key saved in the OS credential store")
    .stdout_lacks("PRIVATE KEY");
}

#[test]
fn a_securid_key_is_stored_used_by_a_later_process_and_deleted_on_remove() {
    if skip("a_securid_key_is_stored_used_by_a_later_process_and_deleted_on_remove") {
        return;
    }
    let sim = Sim::demo_securid(None);
    let keys = common::key_dir();
    let key = keys.path().join("practice-key.json");
    sim.write_key_file(&key);
    let name = unique_name("sid");
    let desk = Desk::new();
    add_securid_stored(&desk, &name, &key);

    // In the store: the key file again, as secret-tool finds it.
    let blob = lookup(&name).expect("an entry service=tokendesk username=profile:NAME");
    let v: Value = serde_json::from_str(&blob).expect("the entry is JSON");
    assert_eq!(v["accessID"], tokendesk_sim::PRACTICE_ACCESS_ID);
    assert_eq!(v["adminRestApiUrl"], sim.key_file().admin_rest_api_url);
    assert!(v["accessKey"].as_str().unwrap().contains("PRIVATE KEY"));
    // Never in the profiles file.
    for (path, bytes) in desk.files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("PRIVATE KEY") && !text.contains("accessKey"),
            "the key in {}",
            path.display()
        );
    }

    // The key file can go: later processes use the stored key.
    std::fs::remove_file(&key).unwrap();
    desk.run(&["profile", "test", &name])
        .success()
        .stdout_has("accepted the API key of access ID");
    desk.run(&["user", "lookup", "--email", "bob@example.com"])
        .success()
        .stdout_has("Found Bob Baker");
    desk.run(&["user", "unlock", "--user", "bob"])
        .success()
        .stdout_has("Unlocked token, SMS, voice");
    assert_eq!(sim.securid_user("bob")["isTokenLocked"], false);
    desk.run(&["--json", "user", "unlock", "--user", "frank"])
        .json_err(3, "server", Some(500));
    desk.run(&["profile", "show", &name])
        .success()
        .stdout_has("API key:     stored in the OS credential store")
        .stdout_lacks("PRIVATE KEY");
    // The environment's key file comes first (here: one that is not there).
    desk.run_env(
        &["user", "lookup", "--user", "bob"],
        &[("TOKENDESK_SECURID_KEY_FILE", Some("/nonexistent/key.json"))],
    )
    .fails(2)
    .stderr_has("API key file: not a readable key file.");

    // Remove deletes the key from the store.
    desk.run(&["profile", "remove", &name])
        .success()
        .stdout_has(&format!(
            "Removed profile '{name}'; its API key was deleted from the OS credential store."
        ));
    assert_eq!(lookup(&name), None, "the entry is still in the store");
}

#[test]
fn a_securid_key_deleted_behind_our_back_is_a_config_failure() {
    if skip("a_securid_key_deleted_behind_our_back_is_a_config_failure") {
        return;
    }
    let sim = Sim::demo_securid(None);
    let keys = common::key_dir();
    let key = keys.path().join("practice-key.json");
    sim.write_key_file(&key);
    let name = unique_name("sidgone");
    let desk = Desk::new();
    add_securid_stored(&desk, &name, &key);
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", "tokendesk", "username"])
        .arg(common::store_user(&format!("profile:{name}")))
        .status()
        .unwrap();
    assert!(cleared.success());
    desk.run(&["user", "lookup", "--user", "bob"])
        .fails(5)
        .stderr_has(&format!("No SecurID API key stored for profile '{name}'"))
        .stderr_has("TOKENDESK_SECURID_KEY_FILE");
    desk.run(&["--json", "profile", "test"])
        .json_err(5, "config", None);
    // The key file through the environment still works.
    desk.run_env(
        &["user", "lookup", "--user", "bob"],
        &[("TOKENDESK_SECURID_KEY_FILE", Some(key.to_str().unwrap()))],
    )
    .success();
    let v = desk.run(&["--json", "profile", "remove", &name]).json_ok(0);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("no API key was stored for it"),
        "{v}"
    );
}

#[test]
fn no_store_available_for_a_securid_key_is_a_config_failure() {
    // Runs everywhere: the session bus address points at nothing.
    let no_bus = [("DBUS_SESSION_BUS_ADDRESS", Some("unix:path=/nonexistent"))];
    let sim = Sim::demo_securid(None);
    let keys = common::key_dir();
    let key = keys.path().join("practice-key.json");
    sim.write_key_file(&key);
    let name = unique_name("sidnostore");
    let desk = Desk::new();
    let add = [
        "profile",
        "add",
        &name,
        "--kind",
        "securid",
        "--key-file",
        key.to_str().unwrap(),
    ];
    desk.run_env(&add, &no_bus)
        .fails(5)
        .stderr_has("error: No credential store is available")
        .stderr_has("TOKENDESK_SECURID_KEY_FILE");
    assert!(!desk.profiles_file().exists());
    // --no-store and the variable work without any store.
    let mut no_store = add.to_vec();
    no_store.push("--no-store");
    desk.run_env(&no_store, &no_bus).success();
    desk.run_env(
        &["user", "unlock", "--user", "carol", "--methods", "token"],
        &[
            no_bus[0],
            ("TOKENDESK_SECURID_KEY_FILE", Some(key.to_str().unwrap())),
        ],
    )
    .success()
    .stdout_has("Unlocked token for user");
    desk.run_env(&["user", "lookup", "--user", "carol"], &no_bus)
        .fails(5)
        .stderr_has("No credential store is available");
}
