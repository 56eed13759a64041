//! Command-layer tests: the app's own command handler, configuration and capability
//! (`tokendesk_app::builder`, `tokendesk_app::context`) on Tauri's mock runtime, over core,
//! against the practice server. Every call goes through Tauri's IPC path (argument decoding,
//! the capability check, the answer's serialisation) exactly as the webview's calls do, and
//! every answer is kept, so the canary test can check what crossed the boundary.
//!
//! Tests that save profiles need the OS credential store: run them inside
//! `scripts/with-secret-service.sh` (as `make test` does), which sets
//! TOKENDESK_TEST_SECRET_SERVICE=1. Without it they say so and return.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;
use tokendesk_sim::{AdminCredentials, Fixture, RateLimit, SimConfig, SimHandle};

/// One app on the mock runtime with its main window, and everything its commands answered.
struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    received: Mutex<Vec<String>>,
    /// What the open dialog of a profile's key or CA file answers (None: cancelled).
    pick: Arc<Mutex<Option<PathBuf>>>,
}

impl App {
    fn new() -> App {
        config_dir();
        let app = tokendesk_app::builder(mock_builder())
            .build(tokendesk_app::context())
            .expect("the app builds on the mock runtime");
        tokendesk_app::on_start(&app);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the main window");
        let pick = Arc::new(Mutex::new(None::<PathBuf>));
        let answer = pick.clone();
        tauri::Manager::state::<tokendesk_app::AppState>(&app)
            .set_open_path_chooser(Arc::new(move |_| answer.lock().unwrap().clone()));
        App {
            _app: app,
            window,
            received: Mutex::new(Vec::new()),
            pick,
        }
    }

    /// Chooses `file` in the open dialog `cmd` opens (`choose_key_file`, `choose_ca_file`).
    fn choose(&self, cmd: &str, file: &Path) -> Result<Value, Value> {
        *self.pick.lock().unwrap() = Some(file.to_owned());
        self.call(cmd, json!({}))
    }

    /// The handle of `file`, chosen in `cmd`'s dialog.
    fn handle(&self, cmd: &str, file: &Path) -> Value {
        let chosen = self
            .choose(cmd, file)
            .unwrap_or_else(|e| panic!("{cmd} {}: {e}", file.display()));
        chosen["handle"].clone()
    }

    /// Starts practice mode; waits while a test holds [`PRACTICE_STARTS`] for writing.
    fn start_practice(&self) -> Value {
        let _saved = PRACTICE_STARTS.read().unwrap_or_else(|p| p.into_inner());
        self.ok("practice_start", json!({}))
    }

    /// Invokes a command as the webview does; `Err` is the error value the webview receives.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("the app's origin"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let answer = get_ipc_response(&self.window, request).map(|body| {
            body.deserialize::<Value>()
                .expect("every answer is JSON the webview can read")
        });
        let text = match &answer {
            Ok(v) | Err(v) => v.to_string(),
        };
        self.received.lock().unwrap().push(format!("{cmd}: {text}"));
        answer
    }

    /// The app's shared state, as its commands see it.
    fn state(&self) -> tokendesk_app::AppState {
        tauri::Manager::state::<tokendesk_app::AppState>(&self._app)
            .inner()
            .clone()
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} succeeded but should have failed: {v}"),
            Err(e) => e,
        }
    }

    fn methods(&self, profile: &str, user: &str) -> Vec<Value> {
        let outcome = self.ok(
            "list_methods",
            json!({"profile": profile, "request": {"username": user}}),
        );
        assert_eq!(outcome["code"], 0, "{outcome}");
        outcome["object"]["tokens"].as_array().cloned().unwrap()
    }

    fn token_status(&self, profile: &str, user: &str, sn: &str) -> String {
        self.methods(profile, user)
            .iter()
            .find(|t| t["sn"] == sn)
            .unwrap_or_else(|| panic!("{user} has no {sn}"))["status"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// One profiles folder for this test process (commands read it from the environment).
fn config_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir").keep();
        std::env::set_var("TOKENDESK_CONFIG_DIR", &dir);
        std::env::set_var("TOKENDESK_DATA_DIR", dir.join("data"));
        dir
    })
}

/// Held by every test that adds, edits or removes profiles, so they take turns: they share
/// one profiles file, and the store's add/update/remove each read, change and rewrite the
/// whole file without a lock, so two at once can lose one's change (seen: an edit undone by
/// a concurrent remove, failing about one run in six).
fn profile_writes() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// Held for reading while a test starts practice mode; for writing by a test during which no
/// other may start it: the one that saves a profile under a practice name (practice mode then
/// refuses to start), and the sign-in tests (a practice start forgets the practice sign-in's
/// kept session, which all apps of this process share).
static PRACTICE_STARTS: RwLock<()> = RwLock::new(());

fn secret_service() -> bool {
    let ok = std::env::var("TOKENDESK_TEST_SECRET_SERVICE").as_deref() == Ok("1");
    if !ok {
        eprintln!(
            "skipped: needs the Secret Service; run inside scripts/with-secret-service.sh \
             (make test does)"
        );
    }
    ok
}

/// The keys of the error shape every command fails with (DESIGN.md, "Errors").
fn assert_error_shape(e: &Value, kind: &str) {
    let keys: Vec<&str> = e
        .as_object()
        .unwrap_or_else(|| panic!("an error is an object, got {e}"))
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["code", "hint", "kind", "serverMessage", "title"],
        "{e}"
    );
    assert_eq!(e["kind"], kind, "{e}");
    assert!(!e["title"].as_str().unwrap().is_empty(), "{e}");
    assert!(!e["hint"].as_str().unwrap().is_empty(), "{e}");
}

/// A passed connection test: the probe's code is 0, or 22002 when the admin is no user.
fn assert_connected(check: &Value) {
    assert!(
        [0, 22002].contains(&check["code"].as_i64().unwrap()),
        "{check}"
    );
    assert!(!check["summary"].as_str().unwrap().is_empty(), "{check}");
}

/// A practice server of the test's own, on the app's async runtime.
fn sim(admin: AdminCredentials) -> SimHandle {
    let mut fixture = Fixture::demo();
    fixture.admins = vec![admin];
    tauri::async_runtime::block_on(tokendesk_sim::spawn(SimConfig {
        fixture,
        ..SimConfig::default()
    }))
    .expect("the practice server starts")
}

#[test]
fn the_capability_grants_the_app_commands_and_nothing_else() {
    let app = App::new();
    // An app command the capability grants answers (practice mode is off).
    assert_eq!(app.ok("practice_status", json!({}))["running"], false);
    // A plugin command the capability does not grant is refused before it runs.
    for cmd in [
        "plugin:window-state|save_window_state",
        "plugin:window|close",
        // The dialog plugin is used from Rust only (choose_key_file, choose_ca_file, audit_export).
        "plugin:dialog|open",
        "plugin:dialog|message",
        "plugin:dialog|save",
    ] {
        let e = app.err(cmd, json!({}));
        assert!(
            e.to_string().contains("not allowed"),
            "{cmd} must be refused by the capability: {e}"
        );
    }
    // Listening for the shell's rate-limit event is granted; sending events is not.
    app.ok(
        "plugin:event|listen",
        json!({"event": tokendesk_app::RATE_LIMIT_EVENT, "target": {"kind": "Any"}, "handler": 7}),
    );
    let e = app.err("plugin:event|emit", json!({"event": "x", "payload": null}));
    assert!(
        e.to_string().contains("not allowed"),
        "emit must be refused: {e}"
    );
    // A command that does not exist.
    assert!(app.call("read_secrets", json!({})).is_err());
}

#[test]
fn practice_mode_rehearses_every_operation_through_the_commands() {
    let app = App::new();
    let p = tokendesk_app::PRACTICE_PROFILE;

    let status = app.start_practice();
    assert_eq!(status["running"], true);
    assert_eq!(status["profile"], p);
    assert!(status["origin"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    let profiles = app.ok("list_profiles", json!({}));
    assert_eq!(profiles[0]["name"], p, "{profiles}");
    assert_eq!(profiles[0]["practice"], true);

    let users = app.ok("practice_users", json!({}));
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["username"] == "bob"));

    // Lock bob's token through failed logins, see it locked, unlock it, see it active.
    assert_eq!(app.token_status(p, "bob", "HW-2001"), "active");
    for _ in 0..5 {
        let attempt = app.ok("practice_fail_login", json!({"username": "bob"}));
        assert_eq!(attempt["accepted"], false);
    }
    assert_eq!(app.token_status(p, "bob", "HW-2001"), "activeLocked");
    let unlocked = app.ok(
        "unlock_token",
        json!({"profile": p, "request": {"username": "bob"}}),
    );
    assert_eq!(unlocked["code"], 0);
    assert!(
        unlocked["summary"].as_str().unwrap().contains("bob"),
        "{unlocked}"
    );
    assert_eq!(app.token_status(p, "bob", "HW-2001"), "active");

    // Drift erin's TOTP token further, then resync it with two codes read from the panel.
    app.ok("practice_drift", json!({"serial": "HW-2004", "steps": 5}));
    let codes = app.ok("practice_codes", json!({"serial": "HW-2004"}));
    let (otp1, otp2) = (codes["current"].clone(), codes["next"][0].clone());
    let synced = app.ok(
        "sync_token",
        json!({"profile": p, "request": {"username": "erin", "otp1": otp1, "otp2": otp2}}),
    );
    assert_eq!(synced["code"], 0, "{synced}");

    // Register an SMS number and a hardware token to grace, who had nothing.
    assert!(app.methods(p, "grace").is_empty());
    for token in [
        json!({"kind": "sms", "phone": "+60 12-345 6789"}),
        json!({"kind": "otp", "serial": "HW-1001"}),
    ] {
        let done = app.ok(
            "register_token",
            json!({"profile": p, "request": {"username": "grace", "token": token}}),
        );
        assert_eq!(done["code"], 0, "{done}");
    }
    let sns: Vec<Value> = app
        .methods(p, "grace")
        .iter()
        .map(|t| t["sn"].clone())
        .collect();
    assert!(sns.contains(&json!("+60123456789")), "{sns:?}");
    assert!(sns.contains(&json!("HW-1001")), "{sns:?}");

    // The audit log lists what was done, in order, with outcomes. It is shared by every test
    // of this process, but only this app's practice server has this origin.
    let origin = status["origin"].as_str().unwrap();
    let entries = app.ok("audit_entries", json!({"filter": {"profile": p}}));
    let ops: Vec<(&str, &str, &str)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["server"] == origin)
        .map(|a| {
            (
                a["operation"].as_str().unwrap(),
                a["target"].as_str().unwrap(),
                a["outcome"].as_str().unwrap(),
            )
        })
        .filter(|(op, _, _)| *op != "listMethods")
        .collect();
    assert_eq!(
        ops,
        [
            ("unlock", "bob", "ok"),
            ("sync", "erin", "ok"),
            ("register", "grace", "ok"),
            ("register", "grace", "ok"),
        ]
    );

    // Stopped, the practice profile is gone and says so in words.
    assert_eq!(app.ok("practice_stop", json!({}))["running"], false);
    let gone = app.err(
        "list_methods",
        json!({"profile": p, "request": {"username": "bob"}}),
    );
    assert_error_shape(&gone, "config");
    let e = app.err("practice_codes", json!({"serial": "HW-2004"}));
    assert!(
        e["hint"].as_str().unwrap().contains("start it first")
            || e["serverMessage"].to_string().contains("start it first"),
        "{e}"
    );
}

#[test]
fn failures_cross_ipc_in_the_stable_shape() {
    let _turn = profile_writes();
    let app = App::new();
    let p = tokendesk_app::PRACTICE_PROFILE;
    app.start_practice();

    // Refused before sending: the field and the rule.
    let e = app.err(
        "list_methods",
        json!({"profile": p, "request": {"username": ""}}),
    );
    assert_error_shape(&e, "input");
    assert_eq!(e["code"], Value::Null);
    let e = app.err(
        "sync_token",
        json!({"profile": p, "request": {"username": "erin", "otp1": "12345x", "otp2": "123456"}}),
    );
    assert_error_shape(&e, "input");

    // The server's refusal: its code, our words, its message.
    let e = app.err(
        "list_methods",
        json!({"profile": p, "request": {"username": "nobody-here"}}),
    );
    assert_error_shape(&e, "server");
    assert!(e["code"].as_i64().unwrap() > 0, "{e}");
    assert!(e["serverMessage"].is_string(), "{e}");
    let e = app.err(
        "sync_token",
        json!({"profile": p, "request": {"username": "erin", "otp1": "000000", "otp2": "000001"}}),
    );
    assert_error_shape(&e, "server");

    // Arguments the command cannot decode are refused, not guessed at.
    assert!(app.call("list_methods", json!({"profile": p})).is_err());

    // A profile whose server is down: a transport failure in words.
    if !secret_service() {
        return;
    }
    app.ok(
        "save_profile",
        json!({
            "draft": {"name": "shape-down", "url": "http://127.0.0.1:1", "admin": "x",
                      "basePath": null, "caFile": null, "timeoutSecs": null},
            "secrets": {"authToken": "t", "secretCode": "s"},
            "replace": false,
        }),
    );
    let e = app.err(
        "list_methods",
        json!({"profile": "shape-down", "request": {"username": "bob"}}),
    );
    assert_error_shape(&e, "transport");
    assert!(
        e["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("reach"),
        "{e}"
    );
    app.ok("remove_profile", json!({"name": "shape-down"}));
}

#[test]
fn profiles_are_added_edited_tested_and_removed_with_their_secrets() {
    let _turn = profile_writes();
    if !secret_service() {
        return;
    }
    let server = sim(AdminCredentials::practice());
    let app = App::new();
    let draft = |url: &str| {
        json!({"name": "desk-1", "url": url, "admin": "practice-admin",
               "basePath": null, "caFile": null, "timeoutSecs": null})
    };
    let secrets = json!({"authToken": "practice-auth-token", "secretCode": "practice-secret-code"});

    // Adding needs the secrets; with them it is stored and listed as such.
    let e = app.err(
        "save_profile",
        json!({"draft": draft(&server.origin()), "secrets": null, "replace": false}),
    );
    assert_error_shape(&e, "input");
    let saved = app.ok(
        "save_profile",
        json!({"draft": draft(&server.origin()), "secrets": secrets, "replace": false}),
    );
    assert_eq!(saved["credentialsStored"], true, "{saved}");
    let listed = app.ok("list_profiles", json!({}));
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "desk-1" && p["credentialsStored"] == true));
    assert_connected(&app.ok("test_profile", json!({"name": "desk-1"})));

    // Adding it twice is refused; the reserved practice name too.
    let e = app.err(
        "save_profile",
        json!({"draft": draft(&server.origin()), "secrets": secrets, "replace": false}),
    );
    assert_error_shape(&e, "config");
    let mut practice = draft(&server.origin());
    practice["name"] = json!("practice");
    let e = app.err(
        "save_profile",
        json!({"draft": practice, "secrets": secrets, "replace": false}),
    );
    assert_error_shape(&e, "input");

    // A new URL without secrets is refused (a stored secret signs only for the server it
    // was given for), and nothing changes; other settings keep the stored ones.
    let stopped = "http://127.0.0.1:1";
    let file = config_dir().join("profiles.toml");
    let before = std::fs::read_to_string(&file).unwrap();
    assert_error_shape(
        &app.err(
            "save_profile",
            json!({"draft": draft(stopped), "secrets": null, "replace": true}),
        ),
        "input",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    let mut slower = draft(&server.origin());
    slower["timeoutSecs"] = json!(20);
    app.ok(
        "save_profile",
        json!({"draft": slower, "secrets": null, "replace": true}),
    );
    assert_connected(&app.ok("test_profile", json!({"name": "desk-1"})));
    // profiles.toml changed under the app (by hand, or the CLI): the cached session is
    // dropped, and the stored secret refuses the other server.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace(&server.origin(), stopped)).unwrap();
    let e = app.err("test_profile", json!({"name": "desk-1"}));
    assert_error_shape(&e, "config");
    assert!(
        e["title"].as_str().unwrap().contains("another server"),
        "{e}"
    );
    std::fs::write(&file, &text).unwrap();
    assert_connected(&app.ok("test_profile", json!({"name": "desk-1"})));

    // Wrong secrets replaced in: the server refuses them, in words.
    app.ok(
        "save_profile",
        json!({"draft": draft(&server.origin()),
               "secrets": {"authToken": "practice-auth-token", "secretCode": "wrong"},
               "replace": true}),
    );
    assert_error_shape(
        &app.err("test_profile", json!({"name": "desk-1"})),
        "server",
    );

    // Removed: gone from the list, and its secrets gone from the store.
    let id = tokendesk_core::profiles::ProfileStore::open_default()
        .and_then(|s| s.get("desk-1"))
        .expect("the profile")
        .id
        .expect("an id");
    app.ok("remove_profile", json!({"name": "desk-1"}));
    let listed = app.ok("list_profiles", json!({}));
    assert!(!listed
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "desk-1"));
    let store = tokendesk_core::credentials::SecretStore::open().expect("the store");
    assert!(!store.has_id(&id).expect("the store answers"));
    assert_error_shape(
        &app.err("remove_profile", json!({"name": "desk-1"})),
        "config",
    );
    tauri::async_runtime::block_on(server.shutdown());
}

/// Canary secrets: a profile saved with them, every command run on it (successes and
/// failures), and not one answer the webview received contains them or the cenToken.
#[test]
fn no_secret_crosses_ipc() {
    let _turn = profile_writes();
    if !secret_service() {
        return;
    }
    const ADMIN: &str = "canary-admin";
    const AUTH: &str = "CANARY-AUTH-51d0e";
    const SECRET: &str = "CANARY-SECRET-93b7";
    let server = sim(AdminCredentials {
        username: ADMIN.into(),
        auth_token: AUTH.into(),
        secret_code: SECRET.into(),
    });
    let app = App::new();
    let draft = json!({"name": "canary", "url": server.origin(), "admin": ADMIN,
                       "basePath": null, "caFile": null, "timeoutSecs": null});
    app.ok(
        "save_profile",
        json!({"draft": draft, "secrets": {"authToken": AUTH, "secretCode": SECRET}, "replace": false}),
    );
    let on = |request: Value| json!({"profile": "canary", "request": request});
    app.ok("list_profiles", json!({}));
    assert_connected(&app.ok("test_profile", json!({"name": "canary"})));
    app.ok("list_methods", on(json!({"username": "oscar"})));
    app.ok("unlock_token", on(json!({"username": "carol"})));
    app.ok(
        "register_token",
        on(json!({"username": "grace", "token": {"kind": "sms", "phone": "+60123000111"}})),
    );
    app.err(
        "sync_token",
        on(json!({"username": "bob", "otp1": "000000", "otp2": "000001"})),
    );
    app.err("list_methods", on(json!({"username": "nobody-here"})));
    app.err("list_methods", on(json!({"username": ""})));
    // What the Activity view reads of these: the entries and each one's ticket text.
    let entries = app.ok("audit_entries", json!({"filter": {"profile": "canary"}}));
    let entries = entries.as_array().unwrap();
    assert!(entries.len() >= 7, "{entries:?}");
    for e in entries {
        app.ok("audit_ticket", json!({"id": e["id"]}));
    }
    app.ok(
        "save_profile",
        json!({"draft": draft, "secrets": null, "replace": true}),
    );
    // The same secrets once more, refused as a duplicate: the error must not echo them.
    app.err(
        "save_profile",
        json!({"draft": draft, "secrets": {"authToken": AUTH, "secretCode": SECRET}, "replace": false}),
    );
    app.ok("remove_profile", json!({"name": "canary"}));

    let cen = tokendesk_sim::cen_token(ADMIN, AUTH, SECRET);
    let needles = [
        ("the auth token", "canary-auth".to_owned()),
        ("the secret code", "canary-secret".to_owned()),
        ("the cenToken", cen[..16].to_lowercase()),
    ];
    let received = app.received.lock().unwrap();
    assert!(received.len() >= 13, "every command answered: {received:?}");
    for answer in received.iter() {
        let lower = answer.to_lowercase();
        for (what, needle) in &needles {
            assert!(!lower.contains(needle), "{what} crossed IPC in {answer}");
        }
    }
    // The check can fail: the same needles are found in a text that does hold a secret.
    let leaked = format!("{{\"x\":\"{AUTH}\",\"y\":\"{cen}\"}}").to_lowercase();
    assert!(leaked.contains(&needles[0].1) && leaked.contains(&needles[2].1));
    drop(received);
    tauri::async_runtime::block_on(server.shutdown());
}

// ------------------------------------------------------------------------------- SecurID

/// The practice SecurID profile: look users up, unlock a subset, lock through the practice
/// panel and unlock again, a part-way failure (HTTP 500) with the statuses, a 404 in words,
/// and operations of the other backend refused.
#[test]
fn practice_securid_rehearses_lookup_and_unlock_through_the_commands() {
    let app = App::new();
    let p = tokendesk_app::PRACTICE_SECURID_PROFILE;
    let status = app.start_practice();
    assert_eq!(status["securidProfile"], p, "{status}");
    let profiles = app.ok("list_profiles", json!({}));
    let listed = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == p)
        .unwrap_or_else(|| panic!("{p} listed: {profiles}"))
        .clone();
    assert_eq!(listed["practice"], true);
    assert_eq!(listed["profile"]["backend"], "securid");
    assert!(listed["profile"]["customerName"].is_string(), "{listed}");
    let check = app.ok("test_profile", json!({"name": p}));
    assert_eq!(check["code"], 404, "the probe address is nobody's: {check}");

    let lookup = |by: &str, value: &str| {
        app.ok(
            "securid_lookup",
            json!({"profile": p, "request": {"by": by, "value": value}}),
        )
    };
    let unlock = |id: &Value, methods: Value, user: &str| {
        app.ok(
            "securid_unlock",
            json!({"profile": p, "request": {"userId": id, "methods": methods}, "user": user}),
        )
    };

    // bob: TOKEN locked. Found by email; unlocking TOKEN alone clears it.
    let bob = lookup("email", "bob@example.com");
    assert_eq!(bob["code"], 200);
    let user = &bob["object"];
    assert_eq!(user["email"], "bob@example.com", "{bob}");
    assert_eq!(
        (user["smsOn"].clone(), user["voiceOn"].clone()),
        (json!(true), json!(true))
    );
    assert!(bob["summary"].as_str().unwrap().contains("SMS on"), "{bob}");
    let id = user["id"].clone();
    let done = unlock(&id, json!(["TOKEN"]), "bob@example.com");
    assert_eq!(done["code"], 200, "{done}");
    assert_eq!(done["failure"], Value::Null);
    assert_eq!(done["requested"], json!(["TOKEN"]));
    assert_eq!(
        (
            done["locks"]["tokenLocked"].clone(),
            done["locks"]["smsLocked"].clone(),
            done["locks"]["voiceLocked"].clone()
        ),
        (json!(false), json!(false), json!(false)),
        "{done}"
    );
    // Found by username too.
    assert_eq!(lookup("username", "bob")["object"]["id"], id);

    // alice: SMS locked through the practice panel, seen there, then unlocked with SMS only.
    let locked = app.ok(
        "practice_securid_lock",
        json!({"who": "alice@example.com", "method": "SMS"}),
    );
    assert_eq!(locked["smsLocked"], true, "{locked}");
    let users = app.ok("practice_securid_users", json!({}));
    let alice = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "alice")
        .unwrap()
        .clone();
    assert_eq!(
        (alice["smsLocked"].clone(), alice["tokenLocked"].clone()),
        (json!(true), json!(false))
    );
    let done = unlock(&alice["id"], json!(["SMS"]), "alice@example.com");
    assert_eq!(done["locks"]["smsLocked"], false, "{done}");
    // A method that is off cannot be locked: said in words, as an input problem.
    let e = app.err(
        "practice_securid_lock",
        json!({"who": "grace", "method": "VOICE"}),
    );
    assert_error_shape(&e, "input");

    // frank: VOICE stuck. Unlocking all three answers 500: the report carries the failure in
    // words and all three statuses (SMS now unlocked, VOICE still locked).
    let frank = lookup("email", "frank@example.com");
    let report = unlock(
        &frank["object"]["id"],
        json!(["TOKEN", "SMS", "VOICE"]),
        "frank@example.com",
    );
    assert_eq!(report["code"], 500, "{report}");
    let failure = &report["failure"];
    assert_error_shape(failure, "server");
    assert_eq!(failure["code"], 500);
    assert!(
        failure["title"]
            .as_str()
            .unwrap()
            .contains("did not complete"),
        "{failure}"
    );
    assert!(
        failure["hint"]
            .as_str()
            .unwrap()
            .starts_with("Now: token unlocked, SMS unlocked, voice locked"),
        "{failure}"
    );
    assert_eq!(report["locks"]["voiceLocked"], true);
    assert_eq!(report["locks"]["smsLocked"], false);
    assert!(
        report["summary"].as_str().unwrap().contains("voice locked"),
        "{report}"
    );

    // Nobody by that address: 404 in words; a bad address is refused before sending.
    let e = app.err(
        "securid_lookup",
        json!({"profile": p, "request": {"by": "email", "value": "nobody@example.com"}}),
    );
    assert_error_shape(&e, "server");
    assert_eq!(e["code"], 404);
    assert!(
        e["title"].as_str().unwrap().contains("email address"),
        "{e}"
    );
    let e = app.err(
        "securid_lookup",
        json!({"profile": p, "request": {"by": "email", "value": "not-an-address"}}),
    );
    assert_error_shape(&e, "input");
    // No method chosen: refused before sending.
    let e = app.err(
        "securid_unlock",
        json!({"profile": p, "request": {"userId": id, "methods": []}, "user": null}),
    );
    assert_error_shape(&e, "input");

    // Each backend's operations on the other's profile: a config error in words.
    let e = app.err(
        "list_methods",
        json!({"profile": p, "request": {"username": "bob"}}),
    );
    assert_error_shape(&e, "config");
    assert!(e["title"].as_str().unwrap().contains("SecurID"), "{e}");
    let e = app.err(
        "securid_lookup",
        json!({"profile": tokendesk_app::PRACTICE_PROFILE, "request": {"by": "email", "value": "bob@example.com"}}),
    );
    assert_error_shape(&e, "config");
    assert!(e["title"].as_str().unwrap().contains("CENTAGATE"), "{e}");

    // The audit log names the operations and the people as they were found (this app's
    // practice server only: the log is shared by the tests of this process).
    let origin = app.ok("practice_status", json!({}))["origin"].clone();
    let entries = app.ok(
        "audit_entries",
        json!({"filter": {"profile": p, "operation": "unlockMethods"}}),
    );
    let ops: Vec<(String, String, bool)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["server"] == origin)
        .map(|a| {
            (
                a["target"].as_str().unwrap().to_owned(),
                a["summary"].to_string(),
                a["outcome"] == "ok",
            )
        })
        .collect();
    // (the unlock with no method chosen was refused before anything was sent: not an action)
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert_eq!((ops[0].0.as_str(), ops[0].2), ("bob@example.com", true));
    assert_eq!((ops[2].0.as_str(), ops[2].2), ("frank@example.com", false));
    app.ok("practice_stop", json!({}));
    assert_error_shape(&app.err("practice_securid_users", json!({})), "config");
}

/// A SecurID profile from the practice server's key file, written to a temp file: the
/// backend reads it, stores the key in the real Secret Service, and no answer the webview
/// receives holds a line of the key.
#[test]
fn securid_profiles_are_saved_from_a_key_file_and_never_return_the_key() {
    let _turn = profile_writes();
    if !secret_service() {
        return;
    }
    let server = sim(AdminCredentials::practice());
    let app = App::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("securid-key.json");
    server.write_securid_key_file(&path).unwrap();
    let key_file = server.securid_key_file();
    let draft = |extra: Value| {
        let mut d = json!({"name": "cloud-1"});
        d.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        d
    };

    // The key file is chosen in the dialog: the window gets a handle and the file's name.
    let chosen = app.choose("choose_key_file", &path).unwrap();
    assert_eq!(chosen["name"], "securid-key.json", "{chosen}");
    assert!(!chosen.to_string().contains(dir.path().to_str().unwrap()));
    let handle = chosen["handle"].clone();
    // Refused: no key file, a path typed in the draft, a handle of no file, a reserved name.
    for (bad, key, field_word) in [
        (draft(json!({})), Value::Null, "key file"),
        (draft(json!({"keyFile": path})), Value::Null, "key file"),
        (draft(json!({})), json!("file-999"), "key file"),
        (
            json!({"name": "practice-securid"}),
            handle.clone(),
            "Profile name",
        ),
    ] {
        let e = app.err(
            "save_securid_profile",
            json!({"draft": bad, "replace": false, "keyFile": key}),
        );
        assert_error_shape(&e, "input");
        assert!(e["title"].as_str().unwrap().contains(field_word), "{e}");
    }

    let saved = app.ok(
        "save_securid_profile",
        json!({"draft": draft(json!({})), "replace": false, "keyFile": handle}),
    );
    assert_eq!(saved["credentialsStored"], true, "{saved}");
    assert_eq!(saved["profile"]["backend"], "securid");
    assert_eq!(saved["profile"]["admin"], key_file.access_id);
    assert_eq!(saved["profile"]["customerName"], key_file.customer_name);
    assert_eq!(saved["profile"]["url"], server.origin());
    let check = app.ok("test_profile", json!({"name": "cloud-1"}));
    assert_eq!(check["code"], 404, "{check}");
    let found = app.ok(
        "securid_lookup",
        json!({"profile": "cloud-1", "request": {"by": "email", "value": "carol@example.com"}}),
    );
    let report = app.ok(
        "securid_unlock",
        json!({"profile": "cloud-1", "request": {"userId": found["object"]["id"], "methods": ["TOKEN", "SMS", "VOICE"]}}),
    );
    assert_eq!(report["code"], 200, "{report}");
    assert_eq!(report["locks"]["tokenLocked"], false);

    // Twice is refused; edited without a key file, the stored key is kept.
    let e = app.err(
        "save_securid_profile",
        json!({"draft": draft(json!({})), "replace": false, "keyFile": handle}),
    );
    assert_error_shape(&e, "config");
    let edited = app.ok(
        "save_securid_profile",
        json!({"draft": draft(json!({"timeoutSecs": 20})), "replace": true}),
    );
    assert_eq!(edited["profile"]["timeoutSecs"], 20, "{edited}");
    assert_eq!(
        app.ok("test_profile", json!({"name": "cloud-1"}))["code"],
        404
    );
    // Replaced with the key file again: still works.
    app.ok(
        "save_securid_profile",
        json!({"draft": draft(json!({})), "replace": true, "keyFile": handle}),
    );
    app.ok("test_profile", json!({"name": "cloud-1"}));
    // A CENTAGATE edit of a SecurID profile (and the reverse) is refused.
    let e = app.err(
        "save_profile",
        json!({"draft": {"name": "cloud-1", "url": server.origin(), "admin": "x",
                         "basePath": null, "caFile": null, "timeoutSecs": null},
               "secrets": null, "replace": true}),
    );
    assert_error_shape(&e, "config");
    let id = tokendesk_core::profiles::ProfileStore::open_default()
        .and_then(|s| s.get("cloud-1"))
        .expect("the profile")
        .id
        .expect("an id");
    app.ok("remove_profile", json!({"name": "cloud-1"}));
    let store = tokendesk_core::credentials::SecretStore::open().expect("the store");
    assert!(!store.has_id(&id).expect("the store answers"));

    // No line of the private key in anything the webview received.
    let lines: Vec<&str> = key_file
        .access_key
        .lines()
        .map(str::trim)
        .filter(|l| l.len() > 20 && !l.starts_with("-----"))
        .collect();
    assert!(lines.len() > 10, "a PEM key has many lines");
    let received = app.received.lock().unwrap();
    assert!(received.len() >= 12, "{received:?}");
    for answer in received.iter() {
        assert!(
            !answer.contains("PRIVATE KEY"),
            "key material crossed IPC: {answer}"
        );
        for line in &lines {
            assert!(!answer.contains(line), "a key line crossed IPC: {answer}");
        }
    }
    drop(received);
    tauri::async_runtime::block_on(server.shutdown());
}

/// A CA certificate file (PEM) in `dir`.
fn ca_pem(dir: &Path) -> PathBuf {
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["ca.test".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let path = dir.join("private-ca.pem");
    std::fs::write(&path, cert.pem()).unwrap();
    path
}

/// Key and CA files are chosen in the dialog opened from Rust: the window gets a handle and
/// the file's name, names no path itself, and a file that cannot be used answers only "not a
/// readable PEM / key file", naming the field.
#[test]
fn profile_files_are_chosen_in_the_dialog_and_the_window_names_no_path() {
    let app = App::new();
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("passwd");
    std::fs::write(&junk, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 2 << 20]).unwrap();
    let ca = ca_pem(dir.path());

    for file in [
        dir.path().join("none.pem"),
        dir.path().to_owned(),
        junk.clone(),
        big,
        PathBuf::from("/dev/zero"),
    ] {
        let shown = file.display().to_string();
        for (cmd, field, words) in [
            (
                "choose_ca_file",
                "CA certificate file",
                "not a readable PEM file",
            ),
            ("choose_key_file", "API key file", "not a readable key file"),
        ] {
            let e = app.choose(cmd, &file).unwrap_err();
            assert_error_shape(&e, "input");
            assert_eq!(e["title"], format!("{field} is not valid"), "{e}");
            assert_eq!(
                e["hint"],
                format!("{field}: {words}. Nothing was sent to the server."),
                "{shown}"
            );
            assert!(!e.to_string().contains(&shown), "{e}");
        }
    }
    // Cancelled: null. Chosen: a handle and the name, no path.
    *app.pick.lock().unwrap() = None;
    assert_eq!(app.ok("choose_ca_file", json!({})), Value::Null);
    let chosen = app.choose("choose_ca_file", &ca).unwrap();
    assert_eq!(chosen["name"], "private-ca.pem");
    assert!(!chosen.to_string().contains('/'), "{chosen}");

    // A path typed in a draft is refused; so is a handle the app never gave, or one chosen
    // for the other field.
    let draft = |ca: Value| {
        json!({"name": "typed-1", "url": "https://mfa.example.com", "admin": "a",
               "basePath": null, "caFile": ca, "timeoutSecs": null})
    };
    let secrets = json!({"authToken": "t", "secretCode": "s"});
    let ca_handle = app.handle("choose_ca_file", &ca);
    for (d, choice) in [
        (draft(json!(junk)), Value::Null),
        (
            draft(Value::Null),
            json!({"kind": "chosen", "handle": "file-999"}),
        ),
        (
            draft(Value::Null),
            json!({"kind": "chosen", "handle": junk.display().to_string()}),
        ),
    ] {
        let e = app.err(
            "save_profile",
            json!({"draft": d, "secrets": secrets, "replace": false, "caFile": choice}),
        );
        assert_error_shape(&e, "input");
        assert_eq!(e["title"], "CA certificate file is not valid", "{e}");
    }
    let e = app.err(
        "save_securid_profile",
        json!({"draft": {"name": "typed-2", "caFile": ca}, "replace": false, "keyFile": null}),
    );
    assert_eq!(e["title"], "CA certificate file is not valid", "{e}");
    // A CA file's handle is no key file.
    let e = app.err(
        "save_securid_profile",
        json!({"draft": {"name": "typed-2"}, "replace": false, "keyFile": ca_handle}),
    );
    assert_eq!(e["title"], "API key file is not valid", "{e}");
    assert!(
        e["hint"].as_str().unwrap().contains("must be chosen again"),
        "{e}"
    );
}

/// Editing a profile's URL, admin, base path or CA file in the app needs the credentials
/// again: core refuses the edit without them (naming the field and the rule) and changes
/// nothing; with them, profile and secret are saved as one unit. Other edits keep the stored
/// secret, and a kept CA file stays.
#[test]
fn an_edit_of_where_a_secret_signs_needs_the_credentials_again() {
    let _turn = profile_writes();
    if !secret_service() {
        return;
    }
    let server = sim(AdminCredentials::practice());
    let app = App::new();
    let dir = tempfile::tempdir().unwrap();
    let ca = ca_pem(dir.path());
    let canonical = std::fs::canonicalize(&ca).unwrap().display().to_string();
    let secrets = json!({"authToken": "practice-auth-token", "secretCode": "practice-secret-code"});
    let draft = |url: &str, admin: &str| {
        json!({"name": "desk-ca", "url": url, "admin": admin,
               "basePath": null, "caFile": null, "timeoutSecs": null})
    };
    let origin = server.origin();
    app.ok(
        "save_profile",
        json!({"draft": draft(&origin, "practice-admin"), "secrets": secrets, "replace": false}),
    );
    let file = config_dir().join("profiles.toml");
    let id = || {
        tokendesk_core::profiles::ProfileStore::open_default()
            .and_then(|s| s.get("desk-ca"))
            .unwrap()
            .id
    };
    let first_id = id();

    // Without credentials: refused, naming the secret's field and what changed.
    let handle = app.handle("choose_ca_file", &ca);
    let chosen = json!({"kind": "chosen", "handle": handle});
    for (d, ca_choice, words) in [
        (
            draft("http://127.0.0.1:1", "practice-admin"),
            json!({"kind": "keep"}),
            "the server URL changed",
        ),
        (
            draft(&origin, "someone-else"),
            json!({"kind": "keep"}),
            "the admin username changed",
        ),
        (
            draft(&origin, "practice-admin"),
            chosen.clone(),
            "the CA certificate file changed",
        ),
    ] {
        let before = std::fs::read_to_string(&file).unwrap();
        let e = app.err(
            "save_profile",
            json!({"draft": d, "secrets": null, "replace": true, "caFile": ca_choice}),
        );
        assert_error_shape(&e, "input");
        assert_eq!(e["title"], "Auth token is not valid", "{e}");
        assert_eq!(
            e["hint"],
            format!("Auth token: must be given again: {words}, and a stored secret signs only for the server and admin it was given for. Nothing was sent to the server."),
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    }
    let mut based = draft(&origin, "practice-admin");
    based["basePath"] = json!("/v2/CentagateWS/webresources");
    let e = app.err(
        "save_profile",
        json!({"draft": based, "secrets": null, "replace": true}),
    );
    assert!(
        e["hint"]
            .as_str()
            .unwrap()
            .contains("the base path changed"),
        "{e}"
    );

    // With them: the CA file and the new secret saved together (a new id).
    let saved = app.ok(
        "save_profile",
        json!({"draft": draft(&origin, "practice-admin"), "secrets": secrets,
               "replace": true, "caFile": chosen}),
    );
    assert_eq!(saved["profile"]["caFile"], canonical, "{saved}");
    assert_eq!(saved["credentialsStored"], true);
    assert_ne!(id(), first_id);
    assert_connected(&app.ok("test_profile", json!({"name": "desk-ca"})));

    // The timeout alone: the stored secret and the CA file are kept (no caFile: keep).
    let mut slower = draft(&origin, "practice-admin");
    slower["timeoutSecs"] = json!(20);
    let kept = app.ok(
        "save_profile",
        json!({"draft": slower, "secrets": null, "replace": true}),
    );
    assert_eq!(kept["profile"]["caFile"], canonical, "{kept}");
    assert_eq!(kept["profile"]["timeoutSecs"], 20);
    assert_connected(&app.ok("test_profile", json!({"name": "desk-ca"})));

    // Removing the CA file is a change too.
    let e = app.err(
        "save_profile",
        json!({"draft": slower, "secrets": null, "replace": true, "caFile": {"kind": "remove"}}),
    );
    assert!(
        e["hint"]
            .as_str()
            .unwrap()
            .contains("the CA certificate file changed"),
        "{e}"
    );
    let removed = app.ok(
        "save_profile",
        json!({"draft": slower, "secrets": secrets, "replace": true, "caFile": {"kind": "remove"}}),
    );
    assert_eq!(removed["profile"]["caFile"], Value::Null, "{removed}");
    app.ok("remove_profile", json!({"name": "desk-ca"}));
    tauri::async_runtime::block_on(server.shutdown());
}

/// Practice mode never stands in for a saved profile of a practice name (one an older version
/// or a hand edit saved; the app refuses to save one): it refuses to start, naming it, until
/// the profile is gone.
#[test]
fn practice_mode_refuses_a_saved_profile_with_a_practice_name() {
    let _turn = profile_writes();
    let _alone = PRACTICE_STARTS.write().unwrap_or_else(|p| p.into_inner());
    let app = App::new();
    let store = tokendesk_core::profiles::ProfileStore::open_default().unwrap();
    // Any case: practice names are matched without it.
    let name = "PRACTICE-securid";
    let profile = tokendesk_core::centagate::profile::ProfileDraft {
        name: name.into(),
        url: "https://mfa.example.com".into(),
        admin: "helpdesk".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    store.add(&profile).unwrap();

    let e = app.err("practice_start", json!({}));
    assert_error_shape(&e, "input");
    assert_eq!(e["title"], "Profile name is not valid", "{e}");
    assert!(
        e["hint"]
            .as_str()
            .unwrap()
            .contains(&format!("'{name}' is a saved profile")),
        "{e}"
    );
    assert_eq!(app.ok("practice_status", json!({}))["running"], false);
    let listed = app.ok("list_profiles", json!({}));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["practice"] == false),
        "{listed}"
    );
    // The app never saves one either.
    let e = app.err(
        "save_profile",
        json!({"draft": {"name": "practice-signin", "url": "https://mfa.example.com",
                         "admin": "a", "basePath": null, "caFile": null, "timeoutSecs": null},
               "secrets": {"authToken": "t", "secretCode": "s"}, "replace": false}),
    );
    assert_eq!(e["title"], "Profile name is not valid", "{e}");

    store.remove(name).unwrap();
    assert_eq!(app.ok("practice_start", json!({}))["running"], true);
    app.ok("practice_stop", json!({}));
}

/// A SecurID server that answers 429: the call waits and retries a bounded number of times,
/// each wait is sent to the window (`RATE_LIMIT_EVENT`, so the screen says it is waiting), and
/// then the failure comes back in words.
#[test]
fn rate_limit_waits_are_sent_to_the_window() {
    let _turn = profile_writes();
    if !secret_service() {
        return;
    }
    let mut config = SimConfig {
        fixture: Fixture::demo(),
        ..SimConfig::default()
    };
    config.securid.rate_limit = Some(RateLimit::per_second(0));
    let server = tauri::async_runtime::block_on(tokendesk_sim::spawn(config))
        .expect("the practice server starts");
    let app = App::new();
    let notices = Arc::new(Mutex::new(Vec::<Value>::new()));
    let seen = notices.clone();
    tauri::Listener::listen_any(&app._app, tokendesk_app::RATE_LIMIT_EVENT, move |event| {
        seen.lock()
            .unwrap()
            .push(serde_json::from_str(event.payload()).expect("a JSON notice"));
    });
    app.ok(
        "save_securid_profile",
        json!({"draft": {"name": "limited", "keyJson": server.securid_key_file_json()},
               "replace": false}),
    );

    let e = app.err(
        "securid_lookup",
        json!({"profile": "limited", "request": {"by": "email", "value": "bob@example.com"}}),
    );
    assert_error_shape(&e, "server");
    assert_eq!(e["code"], 429, "{e}");
    let notices = notices.lock().unwrap().clone();
    let attempts: Vec<&Value> = notices.iter().map(|n| &n["attempt"]).collect();
    assert_eq!(
        attempts,
        [1, 2, 3],
        "one notice before each retry: {notices:?}"
    );
    for n in &notices {
        assert_eq!(n["operation"], "lookupUser");
        assert_eq!(n["maxAttempts"], 4);
        assert!(
            n["message"].as_str().unwrap().contains("retrying in"),
            "{n}"
        );
    }
    app.ok("remove_profile", json!({"name": "limited"}));
    tauri::async_runtime::block_on(server.shutdown());
}

// ------------------------------------------------------------------------------- audit log

/// Operations through IPC land in the audit log with every field the Activity view shows;
/// the filters narrow them; one entry comes back as ticket text; the filtered entries are
/// exported as CSV to the file the save dialog answers (a stand-in here), or to nothing when
/// it is cancelled; and bad input is refused in words before any dialog opens.
#[test]
fn audit_entries_tickets_and_exports_through_the_commands() {
    let app = App::new();
    let p = tokendesk_app::PRACTICE_PROFILE;
    let status = app.start_practice();
    // The log is shared by the tests of this process: this app's practice server is told
    // apart by its origin.
    let origin = status["origin"].as_str().unwrap().to_owned();
    let on = |request: Value| json!({"profile": p, "request": request});
    app.ok("unlock_token", on(json!({"username": "carol"})));
    app.ok(
        "register_token",
        on(json!({"username": "grace", "token": {"kind": "otp", "serial": "HW-1003"}})),
    );
    let refused = app.err(
        "sync_token",
        on(json!({"username": "bob", "otp1": "000000", "otp2": "000001"})),
    );
    assert_eq!(refused["code"], 54002, "{refused}");
    app.ok("test_profile", json!({"name": p}));

    let mine = |filter: Value| -> Vec<Value> {
        app.ok("audit_entries", json!({ "filter": filter }))
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["server"] == origin.as_str())
            .cloned()
            .collect()
    };
    let all = mine(json!({"profile": p}));
    let ops: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("unlock", "carol", "ok"),
            ("register", "grace", "ok"),
            ("sync", "bob", "failed"),
            ("testProfile", p, "ok"),
        ],
        "{all:?}"
    );
    // Every field of an entry, as recorded by the app.
    let unlock = &all[0];
    assert_eq!(unlock["surface"], "app");
    assert_eq!(unlock["profile"], p);
    assert_eq!(unlock["admin"], "practice-admin");
    assert!(!unlock["osUser"].as_str().unwrap().is_empty(), "{unlock}");
    assert!(!unlock["host"].as_str().unwrap().is_empty(), "{unlock}");
    assert!(unlock["durationMs"].is_u64(), "{unlock}");
    assert!(unlock["error"].is_null());
    assert!(
        unlock["summary"].as_str().unwrap().contains("carol"),
        "{unlock}"
    );
    let at = unlock["at"].as_str().unwrap();
    assert!(
        at.len() == 24 && at.ends_with('Z'),
        "RFC 3339 UTC with ms: {at}"
    );
    assert_eq!(
        all[1]["details"],
        json!({"kind": "otp", "serial": "HW-1003"})
    );
    let failed = &all[2]["error"];
    assert_eq!(failed["kind"], "server");
    assert_eq!(failed["code"], 54002);
    assert_eq!(failed["title"], refused["title"]);
    assert!(
        failed.get("hint").is_none(),
        "the log keeps facts, not advice"
    );
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");

    // Filters: user (any case), operation, outcome, dates; an empty filter is every entry,
    // in the shape the UI sends it (every field null) or with fields left out.
    assert_eq!(
        mine(json!({"profile": p, "user": "CAROL"})),
        [all[0].clone()]
    );
    assert_eq!(
        mine(json!({"profile": p, "operation": "register"})),
        [all[1].clone()]
    );
    assert_eq!(
        mine(json!({"profile": p, "outcome": "failed"})),
        [all[2].clone()]
    );
    let today = &at[..10];
    assert_eq!(
        mine(json!({"profile": p, "since": today, "until": today})),
        all
    );
    assert!(mine(json!({"profile": p, "until": "2000-01-01"})).is_empty());
    let nulls = json!({"since": null, "until": null, "user": null, "profile": null,
                       "operation": null, "outcome": null, "limit": null});
    assert!(mine(nulls.clone()).len() >= all.len());
    assert_eq!(mine(json!({})), mine(nulls));
    let e = app.err(
        "audit_entries",
        json!({"filter": {"since": "last tuesday"}}),
    );
    assert_error_shape(&e, "input");
    assert!(e["hint"].as_str().unwrap().contains("2026-11-29"), "{e}");

    // Copy for ticket: core's text of that one entry; an id the log lacks, in words.
    let ticket = app.ok("audit_ticket", json!({"id": unlock["id"]}));
    let ticket = ticket.as_str().unwrap();
    assert!(
        ticket.starts_with(&format!("TokenDesk audit entry #{}", ids[0])),
        "{ticket}"
    );
    for part in ["carol", "Outcome:   ok", origin.as_str(), "(app)"] {
        assert!(ticket.contains(part), "{part} in {ticket}");
    }
    let failed_ticket = app.ok("audit_ticket", json!({"id": all[2]["id"]}));
    assert!(
        failed_ticket.as_str().unwrap().contains("(code 54002)"),
        "{failed_ticket}"
    );
    let e = app.err("audit_ticket", json!({"id": i64::MAX}));
    assert_error_shape(&e, "config");
    assert!(
        e["title"].as_str().unwrap().contains("No audit entry"),
        "{e}"
    );

    // Export: the save dialog's stand-in answers a file, then "cancelled", then a folder that
    // does not exist; it records what it was asked.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("carol.csv");
    let answers = Arc::new(Mutex::new(vec![
        Some(dir.path().join("missing-folder").join("x.csv")),
        None,
        Some(file.clone()),
    ]));
    let asked = Arc::new(Mutex::new(Vec::<String>::new()));
    {
        let (answers, asked) = (answers.clone(), asked.clone());
        app.state()
            .set_export_path_chooser(Arc::new(move |name: &str| {
                asked.lock().unwrap().push(name.to_owned());
                answers.lock().unwrap().pop().flatten()
            }));
    }
    let carol = json!({"filter": {"profile": p, "user": "carol"}});
    let saved = app.ok("audit_export", carol.clone());
    assert_eq!(saved, json!(file.display().to_string()));
    let csv = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].starts_with("id,at,osUser,host,surface,profile,server"),
        "{csv}"
    );
    // Carol's unlocks of every test of this process that used the practice profile: at
    // least this one, and nobody else's.
    assert!(lines.len() >= 2, "{csv}");
    assert!(lines[1..].iter().all(|l| l.contains(",carol,")), "{csv}");
    assert!(
        lines.iter().any(|l| l.starts_with(&format!("{},", ids[0]))),
        "{csv}"
    );
    assert_eq!(
        app.ok("audit_export", carol.clone()),
        Value::Null,
        "cancelled"
    );
    let e = app.err("audit_export", carol);
    assert_error_shape(&e, "config");
    assert_eq!(e["title"], "The export could not be written", "{e}");
    assert!(
        e["hint"].as_str().unwrap().contains("missing-folder"),
        "{e}"
    );
    // A bad filter is refused before the dialog is asked.
    let e = app.err("audit_export", json!({"filter": {"until": "soon"}}));
    assert_error_shape(&e, "input");
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert!(
        asked
            .iter()
            .all(|n| n.starts_with("tokendesk-audit-") && n.ends_with(".csv")),
        "{asked:?}"
    );
    app.ok("practice_stop", json!({}));
}

// ------------------------------------------------------------------------------- sign-in

/// The sign-in tests' app: practice mode started, with their turn at the profile writes (a
/// sign-in keeps its session in the OS store). None without the Secret Service.
/// The turn to write profiles, and no practice start by another test until the guards drop.
type SignInTurn = (
    std::sync::MutexGuard<'static, ()>,
    std::sync::RwLockWriteGuard<'static, ()>,
);

fn signing_in_app() -> Option<(SignInTurn, App, Value)> {
    let turn = profile_writes();
    if !secret_service() {
        return None;
    }
    let alone = PRACTICE_STARTS.write().unwrap_or_else(|p| p.into_inner());
    let app = App::new();
    let status = app.ok("practice_start", json!({}));
    Some(((turn, alone), app, status))
}

impl App {
    /// The password step of a sign-in to `profile`, which must ask for a code.
    fn password(&self, profile: &str, password: &str) -> Value {
        let step = self.ok("sign_in", json!({"profile": profile, "password": password}));
        assert_eq!(step["state"], "codeNeeded", "{step}");
        step
    }

    /// The code step of a sign-in to `profile`.
    fn code(&self, profile: &str, factor: &str, code: &Value) -> Result<Value, Value> {
        self.call(
            "sign_in_code",
            json!({"profile": profile, "factor": factor, "code": code}),
        )
    }

    /// The profile's session state: signedIn, expired or signedOut (null: does not sign in).
    fn session_state(&self, profile: &str) -> Value {
        self.ok("session_status", json!({"profile": profile}))["state"].clone()
    }
}

/// The practice CENTAGATE profile whose administrator signs in: the practice admin's
/// password, wrong and right; the second factor offered (OTP by default) with the code the
/// practice panel shows; an action before and after; the status; sign-out.
#[test]
fn practice_sign_in_with_otp_acts_and_signs_out() {
    let Some((_turn, app, status)) = signing_in_app() else {
        return;
    };
    let p = tokendesk_app::PRACTICE_SIGN_IN_PROFILE;
    assert_eq!(status["signInProfile"], p, "{status}");
    let listed = app.ok("list_profiles", json!({}));
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == p)
        .unwrap_or_else(|| panic!("{p} is listed: {listed}"));
    assert_eq!(
        mine["profile"]["integrationKey"],
        "practice-integration-key"
    );
    assert_eq!(app.session_state(p), "signedOut");
    // A profile that does not sign in has no session status.
    assert!(app
        .ok(
            "session_status",
            json!({"profile": tokendesk_app::PRACTICE_PROFILE})
        )
        .is_null());

    // An action before signing in is refused here, in words, and nothing is sent.
    let methods = json!({"profile": p, "request": {"username": "bob"}});
    let not_signed_in = |e: &Value| {
        assert_error_shape(e, "config");
        assert!(
            e["title"].as_str().unwrap().contains("Not signed in"),
            "{e}"
        );
        assert!(e["hint"].as_str().unwrap().contains("Sign in"), "{e}");
    };
    not_signed_in(&app.err("list_methods", methods.clone()));

    // A wrong password: the server's 23001, in words.
    let e = app.err("sign_in", json!({"profile": p, "password": "not-it"}));
    assert_error_shape(&e, "server");
    assert_eq!(e["code"], 23001, "{e}");
    // No code before a password.
    assert_error_shape(&app.code(p, "otp", &json!("123456")).unwrap_err(), "input");

    let panel = app.ok("practice_sign_in", json!({}));
    assert_eq!(panel["admin"], "practice-admin", "{panel}");
    let step = app.password(p, panel["password"].as_str().unwrap());
    assert_eq!(step["offered"], json!(["otp", "sms"]));
    assert_eq!(step["suggested"], "otp");
    // A wrong code keeps the sign-in waiting.
    let e = app.code(p, "otp", &json!("12345")).unwrap_err();
    assert_eq!(e["code"], 23001, "{e}");
    let code = app.ok("practice_sign_in", json!({}))["otpCode"].clone();
    let signed = app.code(p, "otp", &code).expect("signed in");
    assert_eq!(signed["signedInAs"], "practice-admin", "{signed}");
    assert_eq!(signed["secondFactor"], "otp");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(signed["expiresAtUnix"].as_u64().unwrap() > now, "{signed}");
    let st = app.ok("session_status", json!({"profile": p}));
    assert_eq!(st["state"], "signedIn", "{st}");
    assert_eq!(st["expiresAtUnix"], signed["expiresAtUnix"]);

    // The refused action again: the new session is used (the cached one was forgotten).
    assert_eq!(app.ok("list_methods", methods.clone())["code"], 0);

    let out = app.ok("sign_out", json!({"profile": p}));
    assert_eq!(out["wasSignedIn"], true, "{out}");
    assert_eq!(app.session_state(p), "signedOut");
    not_signed_in(&app.err("list_methods", methods));
    let again = app.ok("sign_out", json!({"profile": p}));
    assert_eq!(again["wasSignedIn"], false, "{again}");

    // Every step is in the audit log, with its outcome.
    let origin = status["origin"].as_str().unwrap();
    let entries = app.ok("audit_entries", json!({"filter": {"profile": p}}));
    let ops: Vec<(&str, &str)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["server"] == origin && a["operation"] != "listMethods")
        .map(|a| {
            (
                a["operation"].as_str().unwrap(),
                a["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("signIn", "failed"),
            ("signIn", "ok"),
            ("secondFactor", "failed"),
            ("secondFactor", "ok"),
            ("signOut", "ok"),
        ],
        "{entries}"
    );
    app.ok("practice_stop", json!({}));
}

/// The SMS path: the code is sent, read from the practice panel (never from the answer),
/// and a second request within the cool-down is refused by the server in words; a cancelled
/// sign-in takes no code.
#[test]
fn practice_sign_in_with_an_sms_code() {
    let Some((_turn, app, _)) = signing_in_app() else {
        return;
    };
    let p = tokendesk_app::PRACTICE_SIGN_IN_PROFILE;
    let send = json!({"profile": p});
    // Before any password: nothing to send a code for.
    assert_error_shape(&app.err("sign_in_send_sms", send.clone()), "input");
    app.password(p, "practice-password");
    let sent = app.ok("sign_in_send_sms", send.clone());
    assert!(sent["summary"].as_str().unwrap().contains("SMS"), "{sent}");
    let sms = app.ok("practice_sign_in", json!({}))["smsCode"].clone();
    assert!(sms.is_string(), "the practice panel shows the SMS code");
    assert!(
        !sent.to_string().contains(sms.as_str().unwrap()),
        "the SMS code is not in the answer: {sent}"
    );
    let e = app.err("sign_in_send_sms", send);
    assert_error_shape(&e, "server");
    assert_eq!(e["code"], 23002, "{e}");
    let signed = app.code(p, "sms", &sms).expect("signed in");
    assert_eq!(signed["secondFactor"], "sms", "{signed}");
    let methods = json!({"profile": p, "request": {"username": "bob"}});
    assert_eq!(app.ok("list_methods", methods)["code"], 0);
    // Cancelling a sign-in drops the waiting step.
    app.password(p, "practice-password");
    app.ok("sign_in_cancel", json!({"profile": p}));
    assert_error_shape(&app.code(p, "otp", &json!("123456")).unwrap_err(), "input");
    app.ok("sign_out", json!({"profile": p}));
    app.ok("practice_stop", json!({}));
}

/// Canary sign-in: a profile saved with a canary app Secret Key, signed in with a canary
/// password and a code, acting, ended by the server (10001, in words), signed in again and
/// out. No answer the webview received holds the password, the codes, the app Secret Key or
/// the session's auth token and secret code (read from the OS store here).
#[test]
fn no_sign_in_secret_crosses_ipc() {
    let _turn = profile_writes();
    if !secret_service() {
        return;
    }
    const ADMIN: &str = "canary-signin";
    const PASSWORD: &str = "CANARY-PASSWORD-7f3a";
    const APP_KEY: &str = "CANARY-APPKEY-c41d";
    let mut fixture = Fixture::demo();
    fixture.app = tokendesk_sim::AppSpec {
        integration_key: "canary-ik".into(),
        secret_key: APP_KEY.into(),
    };
    fixture.sign_in = vec![tokendesk_sim::SignInSpec {
        admin: ADMIN.into(),
        password: PASSWORD.into(),
        ..tokendesk_sim::SignInSpec::practice()
    }];
    let server = tauri::async_runtime::block_on(tokendesk_sim::spawn(SimConfig {
        fixture,
        ..SimConfig::default()
    }))
    .expect("the practice server starts");
    let app = App::new();
    let p = "canary-signin";
    let draft = json!({"name": p, "url": server.origin(), "admin": ADMIN,
                       "basePath": null, "caFile": null, "timeoutSecs": null,
                       "integrationKey": "canary-ik"});
    // A signing-in profile needs the app Secret Key, not an auth token.
    assert_error_shape(
        &app.err(
            "save_profile",
            json!({"draft": draft, "secrets": null, "replace": false}),
        ),
        "input",
    );
    let saved = app.ok(
        "save_profile",
        json!({"draft": draft, "secrets": null, "appSecretKey": APP_KEY, "replace": false}),
    );
    assert_eq!(saved["credentialsStored"], true, "{saved}");
    let methods = json!({"profile": p, "request": {"username": "bob"}});
    let mut codes = Vec::new();
    let mut sessions = Vec::new();
    let mut sign_in = || {
        app.err(
            "sign_in",
            json!({"profile": p, "password": "CANARY-WRONG-PASSWORD"}),
        );
        app.password(p, PASSWORD);
        // The current code may have been used by the previous sign-in: the next one is
        // accepted too.
        let code = server
            .controls()
            .admin_codes(ADMIN, 1)
            .expect("its codes")
            .next[0]
            .clone();
        let signed = app.code(p, "otp", &json!(code)).expect("signed in");
        assert_eq!(signed["signedInAs"], ADMIN, "{signed}");
        codes.push(code);
        let profile = tokendesk_core::profiles::ProfileStore::open_default()
            .and_then(|s| s.get(p))
            .expect("the profile");
        let entry = tokendesk_core::credentials::SecretStore::open()
            .and_then(|s| s.load_session(&profile))
            .expect("the store")
            .expect("a kept session");
        let kept: Value = serde_json::from_str(entry.expose()).unwrap();
        for k in ["authToken", "secretCode"] {
            sessions.push(kept[k].as_str().unwrap().to_owned());
        }
    };
    sign_in();
    app.session_state(p);
    app.ok("list_profiles", json!({}));
    app.ok("list_methods", methods.clone());
    // The server ends the session: the next action says so (10001) and the session is gone.
    tauri::async_runtime::block_on(server.controls().reset()).expect("reset");
    let e = app.err("list_methods", methods.clone());
    assert_error_shape(&e, "config");
    assert_eq!(e["code"], 10001, "{e}");
    assert_eq!(app.session_state(p), "signedOut");
    sign_in();
    app.ok("list_methods", methods);
    app.ok("sign_out", json!({"profile": p}));
    let entries = app.ok("audit_entries", json!({"filter": {"profile": p}}));
    for e in entries.as_array().unwrap() {
        app.ok("audit_ticket", json!({"id": e["id"]}));
    }
    app.ok("remove_profile", json!({"name": p}));

    let mut needles = vec![
        ("the password", "canary-password".to_owned()),
        ("a wrong password", "canary-wrong".to_owned()),
        ("the app Secret Key", "canary-appkey".to_owned()),
    ];
    needles.extend(codes.iter().map(|c| ("a code", format!("\"{c}\""))));
    needles.extend(
        sessions
            .iter()
            .map(|s| ("the session", s[..16].to_lowercase())),
    );
    let received = app.received.lock().unwrap();
    assert!(received.len() >= 15, "every command answered: {received:?}");
    for answer in received.iter() {
        let lower = answer.to_lowercase();
        for (what, needle) in &needles {
            assert!(!lower.contains(needle), "{what} crossed IPC in {answer}");
        }
    }
    drop(received);
    tauri::async_runtime::block_on(server.shutdown());
}

/// The audit entries of one case, oldest first: (operation, outcome).
fn case_steps(app: &App, case: &Value) -> Vec<(String, String)> {
    let entries = app.ok("audit_entries", json!({"filter": {}}));
    let of_case: Vec<&Value> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["caseId"] == case["id"])
        .collect();
    for e in &of_case {
        assert_eq!(e["ticket"], case["ticket"], "{e}");
    }
    of_case
        .iter()
        .map(|e| {
            (
                e["operation"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Opens a case about `user` with a ticket and confirms the identity with every check.
fn open_confirmed_case(app: &App, p: &str, user: &str, ticket: &str) -> Value {
    let opened = app.ok(
        "open_case",
        json!({"profile": p, "request": {"user": user, "flow": "lostToken", "ticket": ticket}}),
    );
    let case = opened["object"].clone();
    assert!(
        case["id"].as_str().unwrap().starts_with("case-"),
        "{opened}"
    );
    assert_eq!(case["ticket"], ticket);
    let checks: Vec<Value> = app
        .ok("identity_checks_list", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert!(checks.len() >= 2);
    // One check left unticked: refused in words, nothing recorded.
    let e = app.err(
        "confirm_identity",
        json!({"profile": p, "case": case, "request": {"user": user, "checks": &checks[..1]}}),
    );
    assert_error_shape(&e, "input");
    app.ok(
        "confirm_identity",
        json!({"profile": p, "case": case, "request": {"user": user, "checks": checks}}),
    );
    case
}

/// The CENTAGATE Lost or replaced token flow through the commands: uma's phone is replaced
/// (remove the mobile token, register an SMS number, check), every step recorded with the
/// case's id and ticket; a second case stopped after a failing step stays unfinished.
#[test]
fn centagate_lost_token_flow_shares_one_case_id_through_the_commands() {
    let app = App::new();
    let p = tokendesk_app::PRACTICE_PROFILE;
    let status = app.start_practice();
    let admin = app
        .ok("list_profiles", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == p)
        .unwrap()["profile"]["admin"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(status["running"] == true);

    // The confirm dialog's words: the user and the token; the admin's own account said so.
    let remove = json!({"change": "unregisterToken", "username": "uma", "kind": "mobile"});
    let q = app.ok("confirm_question", json!({"profile": p, "change": remove}));
    assert!(
        q.as_str()
            .unwrap()
            .starts_with("Remove the mobile token of uma?"),
        "{q}"
    );
    let own = json!({"change": "setTokenStatus", "username": admin, "kind": "sms", "status": "deactivated"});
    let q = app.ok("confirm_question", json!({"profile": p, "change": own}));
    assert!(
        q.as_str().unwrap().contains("your own admin account"),
        "{q}"
    );
    let valid =
        json!({"change": "setTokenStatus", "username": "uma", "kind": "sms", "status": "valid"});
    assert_eq!(
        app.ok("confirm_question", json!({"profile": p, "change": valid})),
        Value::Null
    );

    let case = open_confirmed_case(&app, p, "uma", "INC-4711");
    let removed = app.ok(
        "unregister_token",
        json!({"profile": p, "case": case, "request": {"username": "uma", "kind": "mobile"}}),
    );
    assert!(
        removed["summary"].as_str().unwrap().contains("uma"),
        "{removed}"
    );
    app.ok(
        "register_token",
        json!({"profile": p, "case": case,
               "request": {"username": "uma", "token": {"kind": "sms", "phone": "+60 12-000 1099"}}}),
    );
    let methods = app.ok(
        "list_methods",
        json!({"profile": p, "case": case, "request": {"username": "uma"}}),
    );
    assert!(methods["object"]["device"].is_null(), "{methods}");
    assert!(
        methods["object"]["tokens"]
            .to_string()
            .contains("+60120001099"),
        "{methods}"
    );
    app.ok(
        "close_case",
        json!({"profile": p, "case": case, "request": {"user": "uma", "finished": true, "step": "check"}}),
    );
    let ok = |op: &str| (op.to_owned(), "ok".to_owned());
    assert_eq!(
        case_steps(&app, &case),
        [
            ok("openCase"),
            ok("confirmIdentity"),
            ok("unregisterToken"),
            ok("register"),
            ok("listMethods"),
            ok("closeCase"),
        ]
    );

    // A second case: the removal fails (uma has no mobile token now); the administrator stops.
    let case2 = open_confirmed_case(&app, p, "uma", "INC-4712");
    assert_ne!(case2["id"], case["id"]);
    let e = app.err(
        "unregister_token",
        json!({"profile": p, "case": case2, "request": {"username": "uma", "kind": "mobile"}}),
    );
    assert_error_shape(&e, "server");
    let closed = app.ok(
        "close_case",
        json!({"profile": p, "case": case2, "request": {"user": "uma", "finished": false, "step": "removeOld"}}),
    );
    assert!(
        closed["summary"].as_str().unwrap().contains("unfinished"),
        "{closed}"
    );
    assert_eq!(
        case_steps(&app, &case2),
        [
            ok("openCase"),
            ok("confirmIdentity"),
            ("unregisterToken".to_owned(), "failed".to_owned()),
            ok("closeCase"),
        ]
    );
    let entries = app.ok(
        "audit_entries",
        json!({"filter": {"operation": "closeCase"}}),
    );
    let close = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["caseId"] == case2["id"])
        .unwrap()
        .clone();
    assert_eq!(close["details"]["result"], "stopped", "{close}");
    assert_eq!(close["details"]["atStep"], "removeOld", "{close}");

    // A forged case id is refused before anything is sent.
    let e = app.err(
        "unregister_token",
        json!({"profile": p, "case": {"id": "x'); DROP", "ticket": null},
               "request": {"username": "uma", "kind": "sms"}}),
    );
    assert_error_shape(&e, "input");
    app.ok("practice_stop", json!({}));
}

/// The SecurID Lost or replaced token flow through the commands for trent: an emergency
/// tokencode (answered once, never in the audit log), the lost SID700 unassigned, a spare
/// assigned, TOKEN unlocked, the methods checked — one case id throughout.
#[test]
fn securid_lost_token_flow_shares_one_case_id_and_never_records_the_code() {
    let app = App::new();
    let p = tokendesk_app::PRACTICE_SECURID_PROFILE;
    app.start_practice();
    let who = json!({"by": "email", "value": "trent@example.com"});

    let q = app.ok(
        "confirm_question",
        json!({"profile": p, "change": {"change": "unassignToken", "who": "trent@example.com", "serial": "000700000001"}}),
    );
    assert!(
        q.as_str()
            .unwrap()
            .starts_with("Unassign hardware token 000700000001 from trent@example.com?"),
        "{q}"
    );

    let case = open_confirmed_case(&app, p, "trent@example.com", "RITM-88");
    let issued = app.ok(
        "securid_emergency_code",
        json!({"profile": p, "case": case, "who": who,
               "request": {"unit": "hours", "value": 4, "oneTime": true}}),
    );
    let code = issued["object"]["code"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(code.len() >= 6, "{issued}");
    assert!(
        issued["object"]["code"]["expiresAt"].is_string(),
        "{issued}"
    );
    let before = app.ok(
        "securid_methods",
        json!({"profile": p, "case": case, "who": who}),
    );
    assert!(before.to_string().contains("000700000001"), "{before}");
    app.ok(
        "securid_assign_token",
        json!({"profile": p, "case": case, "who": who,
               "request": {"serial": "000700000001"}, "assign": false}),
    );
    // A token bound to someone else is refused (409); the flow retries with a spare.
    let e = app.err(
        "securid_assign_token",
        json!({"profile": p, "case": case, "who": who,
               "request": {"serial": "000700000002"}, "assign": true}),
    );
    assert_error_shape(&e, "server");
    assert_eq!(e["code"], 409, "{e}");
    app.ok(
        "securid_assign_token",
        json!({"profile": p, "case": case, "who": who,
               "request": {"serial": "000700000003"}, "assign": true}),
    );
    let unlocked = app.ok(
        "securid_unlock_user",
        json!({"profile": p, "case": case, "who": who, "methods": ["TOKEN"]}),
    );
    assert_eq!(unlocked["object"]["tokenLocked"], false, "{unlocked}");
    let after = app.ok(
        "securid_methods",
        json!({"profile": p, "case": case, "who": who}),
    );
    assert!(after.to_string().contains("000700000003"), "{after}");
    assert!(!after.to_string().contains("000700000001"), "{after}");
    app.ok(
        "close_case",
        json!({"profile": p, "case": case, "request": {"user": "trent@example.com", "finished": true, "step": "check"}}),
    );
    let ok = |op: &str| (op.to_owned(), "ok".to_owned());
    assert_eq!(
        case_steps(&app, &case),
        [
            ok("openCase"),
            ok("confirmIdentity"),
            ok("emergencyCode"),
            ok("listMethods"),
            ok("unregisterToken"),
            ("register".to_owned(), "failed".to_owned()),
            ok("register"),
            ok("unlockMethods"),
            ok("listMethods"),
            ok("closeCase"),
        ]
    );
    // The code crossed IPC once, in that answer; the audit log has that it was issued, never it.
    let log = app.ok("audit_entries", json!({"filter": {}})).to_string();
    assert!(
        !log.contains(&code),
        "the emergency code is in the audit log"
    );
    let issued_entry = app.ok(
        "audit_entries",
        json!({"filter": {"operation": "emergencyCode"}}),
    );
    let e = issued_entry
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["caseId"] == case["id"])
        .unwrap()
        .clone();
    assert_eq!(e["target"], "trent@example.com");
    assert!(
        e["summary"].as_str().unwrap().contains("valid until"),
        "{e}"
    );
    app.ok("practice_stop", json!({}));
}

// ------------------------------------------------------------------------------- bulk jobs

/// A bulk test's app: practice mode started, the open dialog answering `file`, the save
/// dialog answering `export`, and every bulk event the window would receive.
struct BulkRig {
    app: App,
    progress: Arc<Mutex<Vec<Value>>>,
    ends: Arc<Mutex<Vec<Value>>>,
    dir: tempfile::TempDir,
}

impl BulkRig {
    fn new() -> BulkRig {
        let app = App::new();
        app.start_practice();
        let dir = tempfile::tempdir().unwrap();
        let (open, save) = (dir.path().join("users.csv"), dir.path().join("results.csv"));
        tauri::Manager::state::<tokendesk_app::BulkState>(&app._app)
            .set_open_chooser(Arc::new(move |_: &str| Some(open.clone())));
        app.state()
            .set_export_path_chooser(Arc::new(move |_: &str| Some(save.clone())));
        let (progress, ends) = (
            Arc::new(Mutex::new(Vec::new())),
            Arc::new(Mutex::new(Vec::new())),
        );
        for (event, seen) in [
            (tokendesk_app::BULK_PROGRESS_EVENT, progress.clone()),
            (tokendesk_app::BULK_END_EVENT, ends.clone()),
        ] {
            tauri::Listener::listen_any(&app._app, event, move |e| {
                seen.lock()
                    .unwrap()
                    .push(serde_json::from_str::<Value>(e.payload()).unwrap());
            });
        }
        BulkRig {
            app,
            progress,
            ends,
            dir,
        }
    }

    /// Writes the CSV file and chooses it through the command: its handle.
    fn choose(&self, csv: &str) -> String {
        std::fs::write(self.dir.path().join("users.csv"), csv).unwrap();
        let chosen = self.app.ok("bulk_choose_file", json!({}));
        assert_eq!(chosen["name"], "users.csv", "{chosen}");
        chosen["handle"].as_str().unwrap().to_owned()
    }

    /// Waits for job `id`'s end event.
    fn end(&self, id: &str) -> Value {
        for _ in 0..600 {
            if let Some(e) = self.ends.lock().unwrap().iter().find(|e| e["job"] == id) {
                return e.clone();
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("job {id} did not end within a minute");
    }

    /// The audit entries recorded as rows of job `id`.
    fn audited(&self, id: &str) -> Vec<Value> {
        let entries = self.app.ok("audit_entries", json!({"filter": {}}));
        entries
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["surface"] == format!("bulk:{id}"))
            .cloned()
            .collect()
    }
}

/// The preview names each bad row's field and rule in the CLI's words; the operations come
/// from core for the profile's server; a dry run tests the profile and changes nothing at
/// the server; a run of a file with bad rows is refused before anything is recorded.
#[test]
fn bulk_preview_and_dry_run_send_nothing() {
    let rig = BulkRig::new();
    let (app, p) = (&rig.app, tokendesk_app::PRACTICE_PROFILE);
    let names = |profile: &str| -> Vec<Value> {
        app.ok("bulk_operations", json!({"profile": profile}))
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["operation"].clone())
            .collect()
    };
    assert_eq!(
        names(p),
        [
            "token-register",
            "token-unlock",
            "token-unregister",
            "user-unlock",
            "user-enable",
            "user-disable"
        ]
    );
    assert!(!names(tokendesk_app::PRACTICE_SECURID_PROFILE).contains(&json!("token-unlock")));

    for _ in 0..5 {
        app.ok("practice_fail_login", json!({"username": "bob"}));
    }
    assert_eq!(app.token_status(p, "bob", "HW-2001"), "activeLocked");
    let file = rig.choose("user,ticket\nbob,T-1\n,T-2\ncarol,T-3\nbob,T-4\n");
    let args = json!({"profile": p, "file": file, "operation": "token-unlock"});
    let preview = app.ok("bulk_preview", args.clone());
    assert_eq!(
        (&preview["rows"], &preview["valid"], &preview["invalid"]),
        (&json!(4), &json!(3), &json!(1)),
        "{preview}"
    );
    assert_eq!(preview["columns"], json!(["user", "ticket"]));
    assert_eq!(preview["problems"][0]["row"], 2, "{preview}");
    assert_eq!(preview["problems"][0]["label"], "Username", "{preview}");
    assert!(preview["problems"][0]["rule"]
        .as_str()
        .unwrap()
        .starts_with("must"));
    assert_eq!(
        preview["duplicates"],
        json!([{"row": 4, "firstRow": 1, "target": "bob"}])
    );
    assert_eq!(
        preview["sample"][2],
        json!({"number": 3, "cells": ["carol", "T-3"]})
    );

    let dry = app.ok("bulk_dry_run", args.clone());
    assert_eq!(dry["invalid"], 1, "{dry}");
    assert!(dry["connection"]["summary"].is_string(), "{dry}");
    assert_eq!(dry["connectionError"], Value::Null);
    assert_eq!(
        app.token_status(p, "bob", "HW-2001"),
        "activeLocked",
        "nothing sent"
    );

    // A run is refused while a row is invalid: nothing recorded, nothing sent.
    let jobs_before = app.ok("bulk_unfinished", json!({}));
    let mut start = args.clone();
    start["skipInvalid"] = json!(false);
    let e = app.err("bulk_start", start);
    assert_error_shape(&e, "input");
    assert!(e["hint"].as_str().unwrap().contains("row 2"), "{e}");
    assert_eq!(app.ok("bulk_unfinished", json!({})), jobs_before);
    assert_eq!(app.token_status(p, "bob", "HW-2001"), "activeLocked");
    // So is a concurrency out of range, before a job is made of the file.
    let mut start = args.clone();
    start["skipInvalid"] = json!(true);
    start["concurrency"] = json!(33);
    let e = app.err("bulk_start", start);
    assert_error_shape(&e, "input");
    assert!(e["title"].as_str().unwrap().contains("Concurrency"), "{e}");
    assert_eq!(app.ok("bulk_unfinished", json!({})), jobs_before);
    // A handle the app never gave is refused.
    let e = app.err(
        "bulk_preview",
        json!({"profile": p, "file": "f999", "operation": "token-unlock"}),
    );
    assert_error_shape(&e, "input");
    app.ok("practice_stop", json!({}));
}

/// A run answers its id at once; progress events follow, then the end with the counts; each
/// row is an audit entry of surface `bulk:<id>`; the results come back by row and export as
/// core's CSV (formulas neutralised).
#[test]
fn a_bulk_job_runs_with_progress_events_and_exports_its_results() {
    let rig = BulkRig::new();
    let (app, p) = (&rig.app, tokendesk_app::PRACTICE_PROFILE);
    for _ in 0..5 {
        app.ok("practice_fail_login", json!({"username": "bob"}));
    }
    let file = rig.choose("user,ticket\nbob,=HYPERLINK(\"x\")\nnobody-at-all,T-2\n,T-3\n");
    let id = app.ok(
        "bulk_start",
        json!({"profile": p, "file": file, "operation": "token-unlock", "skipInvalid": true,
               "concurrency": 2}),
    );
    let id = id.as_str().unwrap().to_owned();
    let end = rig.end(&id);
    assert_eq!(end["error"], Value::Null, "{end}");
    let counts = &end["end"]["counts"];
    assert_eq!(
        counts,
        &json!({"ok": 1, "failed": 1, "unknown": 0, "skipped": 1, "pending": 0}),
        "{end}"
    );
    assert_eq!(end["end"]["state"], "done");
    assert_eq!(end["end"]["stopped"], Value::Null);
    let progress: Vec<Value> = rig
        .progress
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p["job"] == id.as_str())
        .cloned()
        .collect();
    let last = progress.last().expect("at least one progress event");
    assert_eq!(
        (&last["done"], &last["total"]),
        (&json!(2), &json!(2)),
        "{progress:?}"
    );
    assert_eq!(app.token_status(p, "bob", "HW-2001"), "active");

    let audited = rig.audited(&id);
    let mut targets: Vec<&str> = audited
        .iter()
        .map(|a| a["target"].as_str().unwrap())
        .collect();
    targets.sort();
    assert_eq!(targets, ["bob", "nobody-at-all"], "{audited:?}");

    let results = app.ok("bulk_results", json!({"job": id}));
    let states: Vec<&Value> = results["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["state"])
        .collect();
    assert_eq!(states, ["ok", "failed", "skipped"], "{results}");
    assert!(results["rows"][1]["title"].is_string(), "{results}");
    assert_eq!(
        results["status"]["failures"][0]["rows"],
        json!([2]),
        "{results}"
    );

    let written = app.ok("bulk_export", json!({"job": id}));
    let path = rig.dir.path().join("results.csv");
    assert_eq!(written, json!(path.display().to_string()));
    let csv = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "user,ticket,outcome,code,title,serverMessage,at");
    assert!(
        lines[1].starts_with("bob,\"'=HYPERLINK(\"\"x\"\")\",ok,0,"),
        "{csv}"
    );
    assert!(lines[2].starts_with("nobody-at-all,T-2,failed,"), "{csv}");
    assert!(lines[3].starts_with(",T-3,skipped,,Username: "), "{csv}");
    app.ok("practice_stop", json!({}));
}

/// Cancel stops taking rows and waits for those in flight; the job is then offered for
/// resume — also to an app started afresh — and the resume sends only what was left: every
/// row once.
#[test]
fn a_cancelled_bulk_job_resumes_where_it_stopped() {
    let rig = BulkRig::new();
    let (app, p) = (&rig.app, tokendesk_app::PRACTICE_PROFILE);
    let mut csv = String::from("user\n");
    for i in 0..1500 {
        csv.push_str(&format!("user{i}\n"));
    }
    let file = rig.choose(&csv);
    let id = app.ok(
        "bulk_start",
        json!({"profile": p, "file": file, "operation": "user-enable", "skipInvalid": false}),
    );
    let id = id.as_str().unwrap().to_owned();
    assert_eq!(app.ok("bulk_cancel", json!({"job": id})), true);
    let end = rig.end(&id);
    assert_eq!(end["end"]["stopped"], "stopped", "{}", end["end"]["counts"]);
    let first = end["end"]["counts"].clone();
    assert!(first["pending"].as_u64().unwrap() > 0, "{end}");
    assert_eq!(first["unknown"], 0, "rows in flight were waited for: {end}");
    assert_eq!(
        app.ok("bulk_cancel", json!({"job": id})),
        false,
        "not running"
    );

    // After a restart: the job is offered, and resumed to its end.
    let again = BulkRig::new();
    let offered = again.app.ok("bulk_unfinished", json!({}));
    let job = offered
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == id.as_str())
        .unwrap_or_else(|| panic!("{id} is offered: {offered}"));
    assert_eq!(job["state"], "stopped");
    assert_eq!(job["counts"], first);
    let resumed = again
        .app
        .ok("bulk_resume", json!({"job": id, "retryUnknown": false}));
    assert_eq!(resumed, json!(id));
    let end = again.end(&id);
    let c = &end["end"]["counts"];
    assert_eq!(end["end"]["state"], "done", "{end}");
    assert_eq!(c["pending"], 0);
    assert_eq!(
        c["ok"].as_u64().unwrap() + c["failed"].as_u64().unwrap(),
        1500,
        "{end}"
    );
    let offered = again.app.ok("bulk_unfinished", json!({}));
    assert!(!offered.to_string().contains(&id), "{offered}");
    // Every row once at the server: one audit entry per row, each user once.
    let audited = again.audited(&id);
    let users: std::collections::HashSet<&str> = audited
        .iter()
        .map(|a| a["target"].as_str().unwrap())
        .collect();
    assert_eq!((audited.len(), users.len()), (1500, 1500));
    app.ok("practice_stop", json!({}));
    again.app.ok("practice_stop", json!({}));
}
