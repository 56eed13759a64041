//! The SecurID Cloud commands end to end: the built binary, a fresh config folder, the
//! practice server's SecurID Cloud Administration API over real HTTP, its public practice key
//! file. Profiles here use --no-store with TOKENDESK_SECURID_KEY_FILE (the stored key is in
//! secret_store.rs, the canaries in canary.rs).

mod common;

use std::path::{Path, PathBuf};

use common::{key_dir, Desk, Sim, Trap, PRACTICE_ADMIN};
use serde_json::{json, Value};
use tempfile::TempDir;
use tokendesk_sim::{SecurIdMethod, PRACTICE_ACCESS_ID, PRACTICE_CUSTOMER_NAME};

const OSCAR_ID: &str = "f10d0514-7dd1-4a13-a30e-236d0e65b56a";

/// The practice server's key file, written to a folder of its own.
fn key_file(sim: &Sim) -> (TempDir, PathBuf) {
    let dir = key_dir();
    let path = dir.path().join("practice-key.json");
    sim.write_key_file(&path);
    (dir, path)
}

/// A desk with one SecurID profile, `s`, at the practice server (key from the environment).
fn desk_at(sim: &Sim) -> (Desk, TempDir) {
    let (dir, path) = key_file(sim);
    let mut desk = Desk::new();
    desk.add_securid_profile("s", &path);
    (desk, dir)
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The row of `method` in a lock-status table, split into words.
fn lock_row<'a>(stdout: &'a str, method: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&method))
        .unwrap_or_else(|| panic!("no row for {method}: {stdout}"))
}

#[test]
fn securid_profile_add_list_show_test_remove() {
    let sim = Sim::demo_securid(None);
    let (_keys, key) = key_file(&sim);
    let mut desk = Desk::new();
    let api = format!("{}/AdminInterface/restapi/v1", sim.origin());

    desk.run(&[
        "profile",
        "add",
        "sid",
        "--kind",
        "securid",
        "--key-file",
        path_str(&key),
        "--no-store",
    ])
    .success()
    .stdout_has(&format!(
        "Added profile 'sid' for SecurID Cloud at {api} (customer {PRACTICE_CUSTOMER_NAME}, access ID {PRACTICE_ACCESS_ID})"
    ))
    .stdout_has("API key not stored: set TOKENDESK_SECURID_KEY_FILE to the key file's path for every command")
    .stdout_has("tokendesk profile test sid");
    let toml = std::fs::read_to_string(desk.profiles_file()).expect("profiles.toml written");
    assert!(toml.contains("[profiles.sid]"), "{toml}");
    assert!(toml.contains("backend = \"securid\""), "{toml}");
    assert!(toml.contains(PRACTICE_ACCESS_ID), "{toml}");
    assert!(toml.contains(PRACTICE_CUSTOMER_NAME), "{toml}");
    for secret in ["PRIVATE KEY", "accessKey", "description"] {
        assert!(!toml.contains(secret), "{secret} in {toml}");
    }

    // --json, beside a CENTAGATE profile.
    let v = desk
        .run(&[
            "--json",
            "profile",
            "add",
            "sid2",
            "--kind",
            "securid",
            "--key-file",
            path_str(&key),
            "--timeout",
            "7",
            "--no-store",
        ])
        .json_ok(0);
    assert_eq!(v["object"]["name"], "sid2");
    assert_eq!(v["object"]["backend"], "securid");
    assert_eq!(v["object"]["url"], sim.origin().as_str());
    assert_eq!(v["object"]["basePath"], "/AdminInterface/restapi/v1");
    assert_eq!(v["object"]["admin"], PRACTICE_ACCESS_ID);
    assert_eq!(v["object"]["customerName"], PRACTICE_CUSTOMER_NAME);
    assert_eq!(v["object"]["timeoutSecs"], 7);
    desk.add_profile("c", &sim.origin(), PRACTICE_ADMIN);

    let out = desk.run(&["profile", "list"]);
    out.success().stdout_has("Profiles (3):");
    let row = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("sid "))
        .expect("a row for sid");
    assert!(row.contains("SecurID Cloud"), "{row}");
    assert!(row.contains(&api), "{row}");
    assert!(row.contains(PRACTICE_ACCESS_ID), "{row}");
    let v = desk.run(&["--json", "profile", "list"]).json_ok(0);
    let kinds: Vec<(&str, &str)> = v["object"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["backend"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("c", "centagate"), ("sid", "securid"), ("sid2", "securid")]
    );

    // Show: customer and access ID, where the key comes from, never the key.
    desk.run(&["profile", "show", "sid"])
        .success()
        .stdout_has("server:      SecurID Cloud")
        .stdout_has(&format!("URL:         {}", sim.origin()))
        .stdout_has("base path:   /AdminInterface/restapi/v1")
        .stdout_has(&format!("customer:    {PRACTICE_CUSTOMER_NAME}"))
        .stdout_has(&format!("access ID:   {PRACTICE_ACCESS_ID}"))
        .stdout_lacks("admin:")
        .stdout_lacks("PRIVATE KEY");
    // Nothing stored ("not stored", or "unknown (...)" where no credential store runs).
    let out = desk.run(&["profile", "show", "sid"]);
    assert!(
        out.stdout.contains("API key:     not stored")
            || out
                .stdout
                .contains("API key:     unknown (No credential store"),
        "{}",
        out.stdout
    );
    desk.set("TOKENDESK_SECURID_KEY_FILE", path_str(&key));
    desk.run(&["profile", "show", "sid"])
        .success()
        .stdout_has("API key:     taken from the key file TOKENDESK_SECURID_KEY_FILE names");
    let v = desk.run(&["--json", "profile", "show", "sid"]).json_ok(0);
    assert_eq!(v["object"]["customerName"], PRACTICE_CUSTOMER_NAME);
    assert_eq!(v["object"]["admin"], PRACTICE_ACCESS_ID);
    assert!(v["object"]["credentials"]
        .as_str()
        .unwrap()
        .contains("TOKENDESK_SECURID_KEY_FILE"));
    assert!(!v.to_string().contains("PRIVATE KEY"));
    // A CENTAGATE profile still shows its admin.
    desk.run(&["profile", "show", "c"])
        .success()
        .stdout_has(&format!("admin:       {PRACTICE_ADMIN}"))
        .stdout_lacks("access ID");

    // Test: the server answers and accepts the key (the probe address is unknown: 404).
    desk.run(&["profile", "test", "sid"])
        .success()
        .stdout_has(&format!(
            "OK: {api} answered and accepted the API key of access ID {PRACTICE_ACCESS_ID}."
        ));
    let v = desk.run(&["--json", "profile", "test", "sid"]).json_ok(0);
    assert_eq!(v["object"], json!({"profile": "sid", "probeCode": 404}));

    // Without the variable (and nothing stored): a configuration failure naming it.
    desk.unset("TOKENDESK_SECURID_KEY_FILE");
    desk.run(&["profile", "test", "sid"])
        .fails(5)
        .stderr_has("TOKENDESK_SECURID_KEY_FILE");
    desk.run(&["--json", "profile", "test", "sid"])
        .json_err(5, "config", None);
    // A key file for another server is not this profile's key.
    let mut other = sim.key_file();
    other.admin_rest_api_url = "https://tenant.access.securid.com/AdminInterface/restapi/v1".into();
    let other_path = _keys.path().join("other.json");
    std::fs::write(&other_path, other.to_json()).unwrap();
    desk.run_env(
        &["profile", "test", "sid"],
        &[("TOKENDESK_SECURID_KEY_FILE", Some(path_str(&other_path)))],
    )
    .fails(5)
    .stderr_has("error: The SecurID API key is not the one of profile 'sid'")
    .stderr_has("tenant.access.securid.com");
    // A variable naming no file is named as such.
    desk.run_env(
        &["--profile", "sid", "user", "lookup", "--user", "alice"],
        &[("TOKENDESK_SECURID_KEY_FILE", Some("/nonexistent/key.json"))],
    )
    .fails(2)
    .stderr_has("API key file: not a readable key file.")
    .stderr_lacks("no such file");

    // Remove (whether a store is running or not: see secret_store.rs).
    desk.run(&["profile", "remove", "sid"])
        .status(0)
        .stdout_has("Removed profile 'sid';")
        .stdout_lacks("credentials");
    let v = desk
        .run(&["--json", "profile", "remove", "sid2"])
        .json_ok(0);
    assert_eq!(v["object"]["backend"], "securid");
    desk.run(&["profile", "list"])
        .success()
        .stdout_has("Profiles (1):");
}

#[test]
fn bad_key_files_are_refused_in_the_same_few_words() {
    let sim = Sim::demo_securid(None);
    let keys = key_dir();
    let desk = Desk::new();
    let good: Value = serde_json::from_str(&sim.key_file().to_json()).unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "not-json.json",
            "customerName = practice\n".into(),
            "is not JSON (line 1, column",
        ),
        ("array.json", "[1, 2]".into(), "is JSON but not an object"),
        (
            "no-key.json",
            with(&|v| {
                v.as_object_mut().unwrap().remove("accessKey");
            }),
            "accessKey is missing",
        ),
        (
            "no-id.json",
            with(&|v| {
                v.as_object_mut().unwrap().remove("accessID");
            }),
            "accessID is missing",
        ),
        (
            "no-url.json",
            with(&|v| v["adminRestApiUrl"] = json!("")),
            "adminRestApiUrl is empty",
        ),
        (
            "not-pem.json",
            with(&|v| v["accessKey"] = json!("not a key at all")),
            "accessKey is not a PEM private key",
        ),
        (
            "damaged-pem.json",
            with(&|v| {
                v["accessKey"] = json!(
                    "-----BEGIN PRIVATE KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQC7\n-----END PRIVATE KEY-----\n"
                )
            }),
            "accessKey is",
        ),
        (
            "public.json",
            with(&|v| {
                v["accessKey"] =
                    json!("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            }),
            "accessKey holds a public key instead of the RSA private key",
        ),
        (
            "remote-http.json",
            with(&|v| {
                v["adminRestApiUrl"] = json!("http://tenant.example.com/AdminInterface/restapi/v1")
            }),
            "adminRestApiUrl must be an https:// address",
        ),
    ];
    for (name, text, words) in &cases {
        let path = keys.path().join(name);
        std::fs::write(&path, text).unwrap();
        let add = [
            "profile",
            "add",
            "bad",
            "--kind",
            "securid",
            "--key-file",
            path_str(&path),
            "--no-store",
        ];
        let out = desk.run(&add);
        // A typed path could probe any file: what is wrong with it is not said.
        out.fails(2)
            .stderr_has("error: API key file is not valid")
            .stderr_has("API key file: not a readable key file.")
            .stderr_lacks(words)
            .stderr_has("Nothing was sent");
        // Never a piece of the key in the words.
        out.stderr_lacks("MII").stderr_lacks("AAAAB3");
        let mut json_add = vec!["--json"];
        json_add.extend_from_slice(&add);
        let e = desk.run(&json_add).json_err(2, "input", None);
        assert!(
            e["hint"]
                .as_str()
                .unwrap()
                .starts_with("API key file: not a readable key file."),
            "{name}: {e}"
        );
        assert!(
            !desk.profiles_file().exists(),
            "{name}: a profile was written"
        );
    }
    // No such file; a folder.
    desk.run(&[
        "profile",
        "add",
        "bad",
        "--kind",
        "securid",
        "--key-file",
        "/nonexistent/key.json",
        "--no-store",
    ])
    .fails(2)
    .stderr_has("API key file: not a readable key file.")
    .stderr_lacks("no such file");
    desk.run(&[
        "profile",
        "add",
        "bad",
        "--kind",
        "securid",
        "--key-file",
        path_str(keys.path()),
        "--no-store",
    ])
    .fails(2)
    .stderr_has("API key file: not a readable key file.")
    .stderr_lacks("not a file");
    assert!(!desk.profiles_file().exists());
}

#[test]
fn kind_flags_are_refused_both_ways() {
    let desk = Desk::new();
    let keys = key_dir();
    let key = keys.path().join("k.json");
    std::fs::write(&key, "{}").unwrap();
    let key = path_str(&key);
    for (args, words) in [
        (
            &["profile", "add", "x", "--kind", "securid", "--key-file", key, "--url", "https://mfa.example.com"][..],
            "--url is for CENTAGATE profiles: a SecurID Cloud profile takes its URL and access ID from the API key file (--key-file)",
        ),
        (
            &["profile", "add", "x", "--kind", "securid", "--key-file", key, "--admin", "a", "--base-path", "/x"],
            "--admin, --base-path are for CENTAGATE profiles",
        ),
        (
            &["profile", "add", "x", "--kind", "securid"],
            "a SecurID Cloud profile needs --key-file F",
        ),
        (
            &["profile", "add", "x", "--key-file", key],
            "--key-file is for SecurID Cloud profiles: add --kind securid",
        ),
        (
            &["profile", "add", "x", "--kind", "centagate", "--url", "https://mfa.example.com", "--admin", "a", "--key-file", key],
            "--key-file is for SecurID Cloud profiles",
        ),
        (
            &["profile", "add", "x", "--url", "https://mfa.example.com"],
            "a CENTAGATE profile needs --admin <ADMIN>",
        ),
        (
            &["profile", "add", "x"],
            "a CENTAGATE profile needs --url <URL> and --admin <ADMIN> (for a SecurID Cloud profile: --kind securid --key-file F)",
        ),
    ] {
        desk.run(args)
            .status(2)
            .stdout_empty()
            .stderr_has(&format!("error: {words}"))
            .stderr_has("Usage: tokendesk profile add");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let out = desk.run(&json_args);
        let e = out.json_err(2, "input", None);
        assert_eq!(e["title"], "The command line is not valid");
        assert!(e["hint"].as_str().unwrap().contains(words), "{e}");
        assert_eq!(out.stderr, "");
    }
    desk.run(&["profile", "add", "x", "--kind", "radius", "--key-file", key])
        .status(2)
        .stderr_has("invalid value 'radius'");
    assert!(!desk.profiles_file().exists());
}

#[test]
fn lookup_by_email_and_username() {
    let sim = Sim::demo_securid(None);
    let (desk, _keys) = desk_at(&sim);
    let alice = sim.securid_user("alice");
    let alice_id = alice["id"].as_str().unwrap();

    desk.run(&["user", "lookup", "--email", "alice@example.com"])
        .success()
        .stdout_has(&format!(
            "Found Alice Archer ({alice_id}), Enabled; SMS on, voice on."
        ))
        .stdout_has(&format!("user ID:         {alice_id}"))
        .stdout_has("email:           alice@example.com")
        .stdout_has("status:          Enabled")
        .stdout_has("identity source: Practice Directory")
        .stdout_has("SMS:             on, +")
        .stdout_has("Unlock tokencodes with `tokendesk user unlock --email alice@example.com`.")
        .stdout_lacks("marked deleted");
    let v = desk
        .run(&["--json", "user", "lookup", "--email", " ALICE@example.com "])
        .json_ok(200);
    assert_eq!(v["object"]["id"], alice_id);
    assert_eq!(v["object"]["name"], "Alice Archer");
    assert_eq!(v["object"]["email"], "alice@example.com");
    assert_eq!(v["object"]["status"], "Enabled");
    assert_eq!(v["object"]["smsOn"], true);
    assert_eq!(v["object"]["voiceOn"], true);
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("Found Alice Archer"));

    // By username; dave's voice is off; the vendor's example id.
    desk.run(&["user", "lookup", "--user", "dave"])
        .success()
        .stdout_has("SMS on, voice off.")
        .stdout_has("voice:           off");
    let v = desk
        .run(&[
            "--json",
            "user",
            "lookup",
            "--email",
            "oscar.ortiz@EXAMPLE.com",
        ])
        .json_ok(200);
    assert_eq!(v["object"]["id"], OSCAR_ID);
    desk.run(&["user", "lookup", "--user", "grace"])
        .success()
        .stdout_has("identity source: Practice LDAP")
        .stdout_has("SMS off, voice off.");
    desk.run(&["user", "lookup", "--user", "mallory"])
        .success()
        .stdout_has("marked deleted:  yes");
    desk.run(&["user", "lookup", "--user", "erin"])
        .success()
        .stdout_has("high-risk user:  yes");
    desk.run(&["user", "lookup", "--user", "peggy"])
        .success()
        .stdout_has(", Disabled; SMS on, voice off.");

    // No SecurID identity: 404.
    desk.run(&["user", "lookup", "--user", "heidi"])
        .fails(3)
        .stderr_has("error: No user with this email address or username (HTTP 404)")
        .stderr_has("server said: ")
        .stderr_has("next: Check the spelling");
    let e = desk
        .run(&["--json", "user", "lookup", "--email", "nobody@example.com"])
        .json_err(3, "server", Some(404));
    assert_eq!(e["title"], "No user with this email address or username");

    // Bad input, and usage: nothing sent.
    desk.run(&["user", "lookup", "--email", "not-an-address"])
        .fails(2)
        .stderr_has("error: Email address is not valid")
        .stderr_has("must look like name@example.com");
    desk.run(&["--json", "user", "lookup", "--user", " "])
        .json_err(2, "input", None);
    desk.run(&["user", "lookup", "--email", "a@example.com", "--user", "a"])
        .status(2)
        .stderr_has("cannot be used with");
    desk.run(&["user", "lookup"])
        .status(2)
        .stderr_has("required");
}

#[test]
fn unlock_all_and_some() {
    let sim = Sim::demo_securid(None);
    let (desk, _keys) = desk_at(&sim);

    // bob: the Authenticate OTP is locked; all three by default.
    let out = desk.run(&["user", "unlock", "--user", "bob"]);
    out.success()
        .stdout_has("Unlocked token, SMS, voice for user ")
        .stdout_has("Tokencodes of Bob Baker <bob@example.com> now:")
        .stdout_has("METHOD  STATUS");
    for m in ["token", "SMS", "voice"] {
        assert_eq!(lock_row(&out.stdout, m), [m, "unlocked"]);
    }
    assert_eq!(sim.securid_user("bob")["isTokenLocked"], false);

    // carol: all three locked; SMS only, then the other two with --json.
    let out = desk.run(&[
        "user",
        "unlock",
        "--email",
        "carol@example.com",
        "--methods",
        "sms",
    ]);
    out.success().stdout_has("Unlocked SMS for user ");
    assert_eq!(lock_row(&out.stdout, "token"), ["token", "locked"]);
    assert_eq!(lock_row(&out.stdout, "SMS"), ["SMS", "unlocked"]);
    assert_eq!(lock_row(&out.stdout, "voice"), ["voice", "locked"]);
    let carol = sim.securid_user("carol");
    assert_eq!(
        (
            &carol["isTokenLocked"],
            &carol["isSmsLocked"],
            &carol["isVoiceLocked"]
        ),
        (&json!(true), &json!(false), &json!(true))
    );
    let v = desk
        .run(&[
            "--json",
            "user",
            "unlock",
            "--user",
            "carol",
            "--methods",
            "VOICE,token",
        ])
        .json_ok(200);
    assert_eq!(v["object"]["requested"], json!(["TOKEN", "VOICE"]));
    assert_eq!(v["object"]["user"]["id"], carol["id"]);
    assert_eq!(v["object"]["user"]["email"], "carol@example.com");
    let locks = &v["object"]["locks"];
    assert_eq!(locks["userId"], carol["id"]);
    assert_eq!(
        (
            &locks["tokenLocked"],
            &locks["smsLocked"],
            &locks["voiceLocked"]
        ),
        (&json!(false), &json!(false), &json!(false))
    );
    assert!(v["message"]
        .as_str()
        .unwrap()
        .starts_with("Unlocked token, voice"));

    // Repeated methods are sent once; an unlocked user is unlocked again (200).
    desk.run(&["user", "unlock", "--user", "alice", "--methods", "sms,sms"])
        .success()
        .stdout_has("Unlocked SMS for user ");

    // dave's voice is off: said so beside its status.
    let out = desk.run(&["user", "unlock", "--user", "dave"]);
    out.success();
    assert!(
        out.stdout
            .contains("voice   unlocked (voice tokencodes are off for this user)"),
        "{}",
        out.stdout
    );
    assert_eq!(sim.securid_user("dave")["isSmsLocked"], false);

    // peggy is Disabled: unlocked, with a note.
    desk.run(&["user", "unlock", "--user", "peggy", "--methods", "token"])
        .success()
        .stdout_has("note: Peggy Parker is Disabled on the server");

    // Lock again through the practice controls, and unlock.
    sim.securid_lock("alice", SecurIdMethod::Voice);
    assert_eq!(sim.securid_user("alice")["isVoiceLocked"], true);
    desk.run(&[
        "user",
        "unlock",
        "--email",
        "alice@example.com",
        "--methods",
        "voice",
    ])
    .success();
    assert_eq!(sim.securid_user("alice")["isVoiceLocked"], false);

    // Unknown user: the lookup's 404, nothing unlocked.
    desk.run(&["user", "unlock", "--user", "heidi"])
        .fails(3)
        .stderr_has("No user with this email address or username (HTTP 404)");
    desk.run(&["--json", "user", "unlock", "--email", "nobody@example.com"])
        .json_err(3, "server", Some(404));
    // Usage.
    desk.run(&["user", "unlock", "--user", "bob", "--methods", "fax"])
        .status(2)
        .stderr_has("invalid value 'fax'");
    desk.run(&["--json", "user", "unlock", "--methods", "sms"])
        .json_err(2, "input", None);
}

#[test]
fn a_failed_unlock_shows_the_statuses_and_exits_3() {
    let sim = Sim::demo_securid(None);
    let (desk, _keys) = desk_at(&sim);

    // frank: SMS and voice locked, voice will not unlock (500).
    let out = desk.run(&["user", "unlock", "--user", "frank"]);
    out.status(3)
        .stdout_has(
            "Tokencodes of Frank Fischer <frank@example.com> after the attempt (not every one was unlocked):",
        )
        .stderr_has("error: The unlock did not complete (HTTP 500)")
        .stderr_has("next: Now: token unlocked, SMS unlocked, voice locked.");
    assert!(!out.stdout.contains("error"), "{}", out.stdout);
    assert_eq!(lock_row(&out.stdout, "token"), ["token", "unlocked"]);
    assert_eq!(lock_row(&out.stdout, "SMS"), ["SMS", "unlocked"]);
    assert_eq!(lock_row(&out.stdout, "voice"), ["voice", "locked"]);
    assert_eq!(sim.securid_user("frank")["isSmsLocked"], false);

    let out = desk.run(&[
        "--json",
        "user",
        "unlock",
        "--user",
        "frank",
        "--methods",
        "voice",
    ]);
    let e = out.json_err(3, "server", Some(500));
    assert_eq!(e["title"], "The unlock did not complete");
    let v = out.json();
    assert_eq!(v["object"]["requested"], json!(["VOICE"]));
    assert_eq!(v["object"]["user"]["email"], "frank@example.com");
    let locks = &v["object"]["locks"];
    assert_eq!(
        (
            &locks["tokenLocked"],
            &locks["smsLocked"],
            &locks["voiceLocked"]
        ),
        (&json!(false), &json!(false), &json!(true))
    );
    assert_eq!(out.stderr, "");

    // No longer stuck: it unlocks.
    sim.securid_set_stuck("frank", SecurIdMethod::Voice, false);
    desk.run(&["user", "unlock", "--user", "frank", "--methods", "voice"])
        .success();
    assert_eq!(sim.securid_user("frank")["isVoiceLocked"], false);

    // Stuck on another user: bob's token.
    sim.securid_lock("bob", SecurIdMethod::Token);
    sim.securid_set_stuck("bob", SecurIdMethod::Token, true);
    let out = desk.run(&["user", "unlock", "--user", "bob", "--methods", "token,sms"]);
    out.status(3).stderr_has("(HTTP 500)");
    assert_eq!(lock_row(&out.stdout, "token"), ["token", "locked"]);
}

/// The notices a run printed while rate limited.
fn notices(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("note: rate limited by the server, retrying in "))
        .collect()
}

#[test]
fn rate_limited_it_waits_saying_so_then_gives_up() {
    // Every SecurID call answers 429 with Retry-After: 1. Four attempts, three waits of 1 s;
    // the human and the JSON run side by side.
    let sim = Sim::demo_securid(Some(0));
    let (desk, _keys) = desk_at(&sim);
    let (human, json) = std::thread::scope(|s| {
        let h = s.spawn(|| desk.run(&["user", "unlock", "--user", "bob"]));
        let j = s.spawn(|| desk.run(&["--json", "user", "lookup", "--email", "bob@example.com"]));
        (h.join().unwrap(), j.join().unwrap())
    });
    human
        .fails(3)
        .stderr_has("error: Too many requests: the server is limiting the rate (HTTP 429)")
        .stderr_has("next: TokenDesk waited and tried again");
    assert_eq!(
        notices(&human.stderr),
        [
            "note: rate limited by the server, retrying in 1 s (attempt 2 of 4)",
            "note: rate limited by the server, retrying in 1 s (attempt 3 of 4)",
            "note: rate limited by the server, retrying in 1 s (attempt 4 of 4)",
        ],
        "{}",
        human.stderr
    );
    // Only the notices and the error, no log lines without -v.
    assert!(
        human
            .stderr
            .lines()
            .all(|l| l.starts_with("note: ") || l.starts_with("error: ") || l.starts_with("  ")),
        "{}",
        human.stderr
    );
    // --json: one document on stdout, the notices on stderr.
    json.json_err(3, "server", Some(429));
    assert_eq!(notices(&json.stderr).len(), 3, "{}", json.stderr);
    assert_eq!(sim.securid_user("bob")["isTokenLocked"], true);
}

#[test]
fn rate_limited_once_it_waits_and_goes_on() {
    // One call a second: the lookup takes it, the unlock right after is refused once, waits
    // for the Retry-After (1 s) and goes through.
    let sim = Sim::demo_securid(Some(1));
    let (desk, _keys) = desk_at(&sim);
    let out = desk.run(&["user", "unlock", "--user", "bob"]);
    out.status(0)
        .stdout_has("Unlocked token, SMS, voice for user ");
    assert_eq!(
        notices(&out.stderr),
        ["note: rate limited by the server, retrying in 1 s (attempt 2 of 4)"],
        "{}",
        out.stderr
    );
    assert_eq!(sim.securid_user("bob")["isTokenLocked"], false);
}

#[test]
fn commands_a_backend_cannot_do_say_so() {
    // Both profiles point at a listener that answers nothing: nothing may be sent.
    let trap = Trap::new();
    let sim = Sim::demo_securid(None);
    let keys = key_dir();
    let mut file = sim.key_file();
    file.admin_rest_api_url = format!("{}/AdminInterface/restapi/v1", trap.origin());
    let key = keys.path().join("trap.json");
    std::fs::write(&key, file.to_json()).unwrap();
    let mut desk = Desk::with_secrets("a-token", "a-secret");
    desk.add_securid_profile("s", &key);
    desk.add_profile("c", &trap.origin(), PRACTICE_ADMIN);

    for (command, args) in [
        (
            "token sync",
            &[
                "token", "sync", "--user", "bob", "--otp1", "123456", "--otp2", "234567",
            ][..],
        ),
        (
            "token register --sms",
            &[
                "token",
                "register",
                "--user",
                "bob",
                "--sms",
                "+60123456789",
            ],
        ),
        ("token unlock", &["token", "unlock", "--user", "bob"]),
        (
            "token status",
            &["token", "status", "--user", "bob", "--kind", "sms"],
        ),
        (
            "token unregister --kind",
            &["token", "unregister", "--user", "bob", "--kind", "sms"],
        ),
    ] {
        let mut full = vec!["--profile", "s"];
        full.extend_from_slice(args);
        desk.run(&full)
            .fails(2)
            .stderr_has(&format!(
                "error: `tokendesk {command}` is for CENTAGATE profiles; profile 's' is for SecurID Cloud"
            ))
            .stderr_has("`tokendesk user lookup --email E`")
            .stderr_has("Nothing was sent.");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(&full);
        let e = desk.run(&json_args).json_err(2, "input", None);
        assert!(
            e["hint"].as_str().unwrap().contains("--profile NAME"),
            "{e}"
        );
    }
    for (command, args) in [
        ("user lookup", &["user", "lookup", "--user", "bob"][..]),
        (
            "user unlock --methods",
            &["user", "unlock", "--user", "bob", "--methods", "sms"],
        ),
        (
            "user disable --email",
            &["user", "disable", "--email", "bob@example.com", "--yes"],
        ),
        (
            "token register --name",
            &[
                "token", "register", "--user", "bob", "--otp", "1", "--name", "n",
            ],
        ),
        ("user search", &["user", "search", "--email-like", "bob"]),
        (
            "user emergency-code",
            &["user", "emergency-code", "--user", "bob"],
        ),
        ("token lookup", &["token", "lookup", "--serial", "1"]),
    ] {
        let mut full = vec!["--profile", "c"];
        full.extend_from_slice(args);
        desk.run(&full)
            .fails(2)
            .stderr_has(&format!(
                "error: `tokendesk {command}` is for SecurID Cloud profiles; profile 'c' is for CENTAGATE"
            ))
            .stderr_has("`tokendesk user methods --user U`");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(&full);
        desk.run(&json_args).json_err(2, "input", None);
    }
    assert_eq!(trap.connections(), 0, "a connection was made");
}
