//! Helpers shared by the CLI's integration tests: a practice server owned by the test (on its
//! own tokio runtime), and the built `tokendesk` binary run as a user would run it, with a
//! fresh config folder and no TOKENDESK_* variable but the ones the test sets.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;
use tokendesk_sim::{
    AdminCredentials, Fixture, KeyFile, RateLimit, SecurIdConfig, SecurIdMethod, SimConfig,
    SimHandle,
};

/// The practice administrator's credentials in the demo fixture.
pub const PRACTICE_ADMIN: &str = "practice-admin";
pub const PRACTICE_AUTH: &str = "practice-auth-token";
pub const PRACTICE_SECRET: &str = "practice-secret-code";

/// A practice server on 127.0.0.1, alive as long as this guard.
pub struct Sim {
    handle: Option<SimHandle>,
    rt: Option<tokio::runtime::Runtime>,
}

impl Sim {
    /// A server with this configuration.
    pub fn start(config: SimConfig) -> Sim {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime for the practice server");
        let handle = rt
            .block_on(tokendesk_sim::spawn(config))
            .expect("the practice server starts");
        Sim {
            handle: Some(handle),
            rt: Some(rt),
        }
    }

    /// The demo users and tokens, with the practice routes.
    pub fn demo() -> Sim {
        Sim::start(SimConfig {
            fixture: Fixture::demo(),
            practice: true,
            ..SimConfig::default()
        })
    }

    /// The demo users and tokens, but the only administrator is `admin`.
    pub fn demo_with_admin(admin: AdminCredentials) -> Sim {
        let mut fixture = Fixture::demo();
        fixture.admins = vec![admin];
        Sim::start(SimConfig {
            fixture,
            practice: true,
            ..SimConfig::default()
        })
    }

    /// The demo users (with their SecurID identities) and practice routes; SecurID calls
    /// beyond `rate_limit` a second answer 429 (with Retry-After).
    pub fn demo_securid(rate_limit: Option<u32>) -> Sim {
        Sim::start(SimConfig {
            fixture: Fixture::demo(),
            practice: true,
            securid: SecurIdConfig {
                rate_limit: rate_limit.map(RateLimit::per_second),
                ..SecurIdConfig::default()
            },
            ..SimConfig::default()
        })
    }

    /// The SecurID key file of this server (the public practice key), as the console would
    /// download it.
    pub fn key_file(&self) -> KeyFile {
        self.handle().securid_key_file()
    }

    /// Writes this server's SecurID key file to `path`.
    pub fn write_key_file(&self, path: &Path) {
        self.handle()
            .write_securid_key_file(path)
            .expect("key file written");
    }

    /// The practice view of a SecurID identity (lock states, stuck methods).
    pub fn securid_user(&self, who: &str) -> Value {
        let (status, body) = self.practice_get(&format!("/securid/users/{who}"));
        assert_eq!(status, 200, "SecurID user {who}: {body}");
        body
    }

    /// Locks one of a SecurID user's methods.
    pub fn securid_lock(&self, who: &str, method: SecurIdMethod) {
        let controls = self.handle().controls();
        self.rt
            .as_ref()
            .expect("runtime")
            .block_on(controls.securid_lock(who, method))
            .expect("locked");
    }

    /// Makes a SecurID user's method's unlock fail (HTTP 500), or work again.
    pub fn securid_set_stuck(&self, who: &str, method: SecurIdMethod, stuck: bool) {
        let controls = self.handle().controls();
        self.rt
            .as_ref()
            .expect("runtime")
            .block_on(controls.securid_set_stuck(who, method, stuck))
            .expect("stuck set");
    }

    /// The demo data and practice routes; signed-in sessions last `session_timeout`.
    pub fn demo_sessions(session_timeout: Duration) -> Sim {
        Sim::start(SimConfig {
            fixture: Fixture::demo(),
            practice: true,
            session_timeout,
            ..SimConfig::default()
        })
    }

    /// What an administrator's own OTP token shows now and the `count` codes after it.
    pub fn admin_codes(&self, admin: &str, count: usize) -> Vec<String> {
        let view = self
            .handle()
            .controls()
            .admin_codes(admin, count)
            .expect("the admin has an OTP token");
        std::iter::once(view.current).chain(view.next).collect()
    }

    /// The last SMS code sent to an administrator, if any.
    pub fn admin_sms(&self, admin: &str) -> Option<String> {
        self.handle()
            .controls()
            .admin_sms(admin)
            .ok()
            .map(|v| v.code)
    }

    /// Makes an administrator's sign-in answer "blocked" (or not).
    pub fn set_admin_blocked(&self, admin: &str, blocked: bool) {
        self.handle()
            .controls()
            .set_admin_blocked(admin, blocked)
            .expect("the admin has a sign-in");
    }

    /// Ends an administrator's live sessions on the server (as a logout elsewhere would).
    pub fn end_admin_sessions(&self, admin: &str) {
        self.handle()
            .controls()
            .end_admin_sessions(admin)
            .expect("the admin has a sign-in");
    }

    /// Live signed-in sessions of an administrator.
    pub fn admin_sessions(&self, admin: &str) -> usize {
        self.handle()
            .controls()
            .sign_in_admins()
            .into_iter()
            .find(|a| a.username == admin)
            .map_or(0, |a| a.sessions)
    }

    fn handle(&self) -> &SimHandle {
        self.handle.as_ref().expect("server running")
    }

    /// `http://127.0.0.1:PORT`, what a profile's --url gets.
    pub fn origin(&self) -> String {
        self.handle().origin()
    }

    pub fn admin(&self) -> &AdminCredentials {
        self.handle().admin()
    }

    fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client")
    }

    /// GET a practice route (`path` after `/practice`): status and JSON body.
    pub fn practice_get(&self, path: &str) -> (u16, Value) {
        let url = format!(
            "{}{path}",
            self.handle().practice_url().expect("practice on")
        );
        let client = self.http();
        self.rt.as_ref().expect("runtime").block_on(async move {
            let r = client.get(url).send().await.expect("practice request");
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        })
    }

    /// POST `body` to a practice route (`path` after `/practice`): status and JSON body.
    pub fn practice_post(&self, path: &str, body: Value) -> (u16, Value) {
        let url = format!(
            "{}{path}",
            self.handle().practice_url().expect("practice on")
        );
        let client = self.http();
        self.rt.as_ref().expect("runtime").block_on(async move {
            let r = client
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("practice request");
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        })
    }

    /// The code a practice token shows now and the one after it.
    pub fn two_codes(&self, serial: &str) -> (String, String) {
        let (status, body) = self.practice_get(&format!("/tokens/{serial}/codes?count=1"));
        assert_eq!(status, 200, "codes of {serial}: {body}");
        let current = body["current"].as_str().expect("current code").to_owned();
        let next = body["next"][0].as_str().expect("next code").to_owned();
        assert_ne!(current, next);
        (current, next)
    }

    /// The practice view of a token (status, fail count, ...).
    pub fn token(&self, serial: &str) -> Value {
        let (status, body) = self.practice_get(&format!("/tokens/{serial}"));
        assert_eq!(status, 200, "token {serial}: {body}");
        body
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let (Some(handle), Some(rt)) = (self.handle.take(), self.rt.as_ref()) {
            rt.block_on(async {
                let _ = tokio::time::timeout(Duration::from_secs(5), handle.shutdown()).await;
            });
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
pub fn dead_origin() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// A listener the test owns: it accepts nothing by itself, so any connection the CLI made is
/// left waiting in its queue, where [`Trap::connections`] finds it.
pub struct Trap {
    listener: TcpListener,
}

impl Trap {
    pub fn new() -> Trap {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        Trap { listener }
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("addr")
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr())
    }

    /// How many connections reached the listener so far (takes them off the queue).
    pub fn connections(&self) -> usize {
        let mut n = 0;
        loop {
            match self.listener.accept() {
                Ok(_) => n += 1,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return n,
                Err(e) => panic!("accept: {e}"),
            }
        }
    }
}

/// The built binary.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("tokendesk")
}

/// One user's machine: a config folder of its own and the environment the test gives it.
pub struct Desk {
    pub dir: TempDir,
    env: Vec<(String, String)>,
}

impl Default for Desk {
    fn default() -> Self {
        Self::new()
    }
}

impl Desk {
    pub fn new() -> Desk {
        Desk {
            dir: tempfile::Builder::new()
                .prefix("tokendesk-cli-test")
                .tempdir()
                .expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// A desk whose commands get these credentials in the environment.
    pub fn with_secrets(auth: &str, secret: &str) -> Desk {
        let mut d = Desk::new();
        d.set("TOKENDESK_AUTH_TOKEN", auth);
        d.set("TOKENDESK_SECRET_CODE", secret);
        d
    }

    /// Sets a variable for every later command.
    pub fn set(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    pub fn unset(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
    }

    pub fn config_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The audit log's folder: inside the desk's folder, so `files()` covers the log too.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn profiles_file(&self) -> PathBuf {
        self.dir.path().join("profiles.toml")
    }

    /// `program ARGS` with this desk's environment: no TOKENDESK_* from the test's own
    /// environment (nor proxies), TOKENDESK_CONFIG_DIR at the desk's folder (and
    /// TOKENDESK_DATA_DIR in it), then the
    /// variables set on the desk.
    pub fn command_for(&self, program: impl Into<OsString>) -> Command {
        let mut c = Command::new(program.into());
        for (k, _) in std::env::vars_os() {
            let key = k.to_string_lossy();
            if key.starts_with("TOKENDESK_") || key.to_ascii_lowercase().ends_with("_proxy") {
                c.env_remove(&k);
            }
        }
        c.env("TOKENDESK_CONFIG_DIR", self.dir.path());
        c.env("TOKENDESK_DATA_DIR", self.data_dir());
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c.stdin(std::process::Stdio::null());
        c
    }

    /// `tokendesk ARGS`.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.command_for(bin());
        c.args(args);
        c
    }

    /// Runs `tokendesk ARGS` to the end.
    pub fn run(&self, args: &[&str]) -> Out {
        Out::of(args, self.cmd(args))
    }

    /// Runs `tokendesk ARGS` with extra variables for this run only (`None` removes one).
    pub fn run_env(&self, args: &[&str], env: &[(&str, Option<&str>)]) -> Out {
        let mut c = self.cmd(args);
        for (k, v) in env {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        Out::of(args, c)
    }

    /// Runs `tokendesk ARGS` on a terminal of its own (a pseudo-terminal from `script`), with
    /// stdout and stderr kept apart from it. Each time a prompt ("... (input hidden): ")
    /// appears, `answer` gets its text and what it returns is typed in. Also returns what the
    /// terminal showed.
    pub fn run_tty(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        answer: impl FnMut(&str) -> String,
    ) -> (Out, String) {
        self.run_tty_with(args, env, "(input hidden): ", true, answer)
    }

    /// As [`Desk::run_tty`], answering each prompt that ends with `marker`; with
    /// `stderr_apart` false, stderr goes to the terminal (so a prompt there is seen) and
    /// `Out::stderr` is empty.
    pub fn run_tty_with(
        &self,
        args: &[&str],
        env: &[(&str, &str)],
        marker: &str,
        stderr_apart: bool,
        mut answer: impl FnMut(&str) -> String,
    ) -> (Out, String) {
        use std::io::{Read, Write};
        let streams = key_dir();
        let (out_file, err_file) = (streams.path().join("out"), streams.path().join("err"));
        let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
        let mut line = vec![quote(bin().to_str().expect("UTF-8 path"))];
        line.extend(args.iter().map(|a| quote(a)));
        let mut line = format!(
            "{} >{}",
            line.join(" "),
            quote(out_file.to_str().expect("UTF-8")),
        );
        if stderr_apart {
            line.push_str(&format!(" 2>{}", quote(err_file.to_str().expect("UTF-8"))));
        }
        let mut c = self.command_for("script");
        c.args(["-q", "-e", "-c", &line, "/dev/null"]);
        for (k, v) in env {
            c.env(k, v);
        }
        c.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = c.spawn().expect("script (util-linux) runs");
        let mut stdin = child.stdin.take().expect("stdin");
        let mut tty_out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = tty_out.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut shown = String::new();
        let mut answered = 0;
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(bytes) => shown.push_str(&String::from_utf8_lossy(&bytes)),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            }
            let prompts: Vec<&str> = shown.split_inclusive(marker).collect();
            let complete = prompts.iter().filter(|p| p.ends_with(marker)).count();
            if complete > answered {
                let prompt = prompts[answered].to_owned();
                answered += 1;
                // Typed once the prompt is up and a moment later, when echo is off (the
                // prompt is written just before echo is turned off).
                std::thread::sleep(Duration::from_millis(300));
                let _ = stdin.write_all(format!("{}\n", answer(&prompt)).as_bytes());
                let _ = stdin.flush();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`tokendesk {}` on a terminal did not finish; it showed:\n{shown}",
                args.join(" ")
            );
        }
        drop(stdin);
        let status = child.wait().expect("script ends");
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        remember_ids(self.config_dir());
        let out = Out {
            args: args.join(" "),
            status: status.code().expect("exited"),
            stdout: read(&out_file),
            stderr: read(&err_file),
        };
        (out, shown)
    }

    /// Adds a profile with --no-store (secrets from the environment at every run).
    pub fn add_profile(&self, name: &str, url: &str, admin: &str) {
        self.run(&[
            "profile",
            "add",
            name,
            "--url",
            url,
            "--admin",
            admin,
            "--no-store",
            "--timeout",
            "5",
        ])
        .success();
    }

    /// Adds a SecurID profile with --no-store from `key_file`, and points
    /// TOKENDESK_SECURID_KEY_FILE at it for every later command.
    pub fn add_securid_profile(&mut self, name: &str, key_file: &Path) {
        let key = key_file.to_str().expect("UTF-8 path");
        self.run(&[
            "profile",
            "add",
            name,
            "--kind",
            "securid",
            "--key-file",
            key,
            "--no-store",
            "--timeout",
            "5",
        ])
        .success();
        self.set("TOKENDESK_SECURID_KEY_FILE", key);
    }

    /// Every file under the config folder, with its bytes.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(bytes) = std::fs::read(&p) {
                    out.push((p, bytes));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out
    }
}

/// What a finished run left: exit status and both streams.
#[derive(Debug)]
pub struct Out {
    pub args: String,
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn of(args: &[&str], mut c: Command) -> Out {
        let o = c.output().expect("the command runs");
        if let Some((_, Some(dir))) = c.get_envs().find(|(k, _)| *k == "TOKENDESK_CONFIG_DIR") {
            remember_ids(Path::new(dir));
        }
        Out {
            args: args.join(" "),
            status: o.status.code().expect("exited, not killed by a signal"),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }

    fn show(&self) -> String {
        format!(
            "`tokendesk {}` exited {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.status, self.stdout, self.stderr
        )
    }

    /// Asserts the exit status.
    pub fn status(&self, want: i32) -> &Self {
        assert_eq!(self.status, want, "{}", self.show());
        assert!(
            !self.stderr.contains("panicked")
                && !self.stderr.contains("RUST_BACKTRACE")
                && !self.stderr.contains("internal error"),
            "a panic: {}",
            self.show()
        );
        assert!(
            !self.stderr.contains('\u{1b}') && !self.stdout.contains('\u{1b}'),
            "terminal escape codes in output that is not a terminal: {}",
            self.show()
        );
        self
    }

    /// Exit 0 and nothing on stderr.
    pub fn success(&self) -> &Self {
        self.status(0);
        assert_eq!(self.stderr, "", "{}", self.show());
        self
    }

    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}: {}",
            self.show()
        );
        self
    }

    pub fn stdout_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}: {}",
            self.show()
        );
        self
    }

    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {}",
            self.show()
        );
        self
    }

    pub fn stderr_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stderr.contains(needle),
            "stderr has {needle:?}: {}",
            self.show()
        );
        self
    }

    pub fn stdout_empty(&self) -> &Self {
        assert_eq!(self.stdout, "", "{}", self.show());
        self
    }

    /// A failure in human mode: the status, nothing on stdout, `error: ...` on stderr.
    pub fn fails(&self, status: i32) -> &Self {
        self.status(status).stdout_empty();
        assert!(
            self.stderr.starts_with("error: ") || self.stderr.contains("\nerror: "),
            "no `error:` line: {}",
            self.show()
        );
        self
    }

    /// Exactly one JSON document on stdout (and only whitespace around it).
    pub fn json(&self) -> Value {
        let mut docs = serde_json::Deserializer::from_str(&self.stdout).into_iter::<Value>();
        let first = match docs.next() {
            Some(Ok(v)) => v,
            other => panic!("stdout is not a JSON document ({other:?}): {}", self.show()),
        };
        assert!(
            docs.next().is_none(),
            "more than one JSON document: {}",
            self.show()
        );
        assert!(first.is_object(), "{}", self.show());
        first
    }

    /// `--json` success: exit 0, `ok: true`, the code.
    pub fn json_ok(&self, code: i64) -> Value {
        self.status(0);
        let v = self.json();
        assert_eq!(v["ok"], true, "{}", self.show());
        assert_eq!(v["code"], code, "{}", self.show());
        assert!(v.get("error").is_none(), "{}", self.show());
        assert!(v.get("message").is_some(), "{}", self.show());
        assert!(v.get("object").is_some(), "{}", self.show());
        v
    }

    /// `--json` failure: the status, `ok: false` and the error's five keys; returns `error`.
    pub fn json_err(&self, status: i32, kind: &str, code: Option<i64>) -> Value {
        self.status(status);
        let v = self.json();
        assert_eq!(v["ok"], false, "{}", self.show());
        let e = v["error"].clone();
        let mut keys: Vec<&String> = e.as_object().expect("error object").keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["code", "hint", "kind", "serverMessage", "title"],
            "{}",
            self.show()
        );
        assert_eq!(e["kind"], kind, "{}", self.show());
        match code {
            Some(c) => assert_eq!(e["code"], c, "{}", self.show()),
            None => assert!(e["code"].is_null(), "{}", self.show()),
        }
        assert!(
            !e["title"].as_str().unwrap_or_default().is_empty(),
            "{}",
            self.show()
        );
        assert!(
            !e["hint"].as_str().unwrap_or_default().is_empty(),
            "{}",
            self.show()
        );
        e
    }
}

/// A folder for key files, apart from every desk's config folder (whose files the canary
/// tests search).
pub fn key_dir() -> TempDir {
    tempfile::Builder::new()
        .prefix("tokendesk-cli-keys")
        .tempdir()
        .expect("temp dir")
}

/// Whether the real Secret Service harness is on (scripts/with-secret-service.sh).
pub fn secret_service() -> bool {
    std::env::var("TOKENDESK_TEST_SECRET_SERVICE").as_deref() == Ok("1")
}

/// True (after a note saying how to run it) when `test` needs the real Secret Service and
/// the harness is off.
pub fn skip_without_store(test: &str) -> bool {
    if secret_service() {
        return false;
    }
    eprintln!(
        "note: {test} skipped: it needs the real Secret Service; run it as \
         `scripts/with-secret-service.sh cargo test -p tokendesk-cli` (sets TOKENDESK_TEST_SECRET_SERVICE=1)"
    );
    true
}

/// The ids profiles got, by name, as the profile files of the commands run so far said (names
/// are unique across tests): their entries are filed under the id, and tests name profiles.
static IDS: std::sync::Mutex<BTreeMap<String, String>> = std::sync::Mutex::new(BTreeMap::new());

/// Notes the id of every profile in `dir`'s `profiles.toml`.
pub fn remember_ids(dir: &Path) {
    let Ok(text) = std::fs::read_to_string(dir.join("profiles.toml")) else {
        return;
    };
    let Ok(file) = text.parse::<toml::Table>() else {
        return;
    };
    let mut ids = IDS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(profiles) = file.get("profiles").and_then(|p| p.as_table()) {
        for (name, p) in profiles {
            if let Some(id) = p.get("id").and_then(|i| i.as_str()) {
                ids.insert(name.clone(), id.to_owned());
            }
        }
    }
}

/// The id profile `name` was last seen with.
pub fn profile_id(name: &str) -> Option<String> {
    IDS.lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(name)
        .cloned()
}

/// The store's user name of what a test calls `profile:NAME` / `session:NAME`: the entries of
/// the id profile NAME has (`profile-id:ID`, `session-id:ID`).
pub fn store_user(username: &str) -> String {
    for (old, new) in [("profile:", "profile-id:"), ("session:", "session-id:")] {
        if let Some(name) = username.strip_prefix(old) {
            if let Some(id) = profile_id(name) {
                return format!("{new}{id}");
            }
        }
    }
    username.to_owned()
}

/// The raw text of the store's entry `username`, as `secret-tool` (libsecret, independent
/// of our code) finds it under `service tokendesk`.
pub fn store_raw(username: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "tokendesk", "username", username])
        .output()
        .expect("secret-tool runs (package libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).expect("UTF-8"))
}

/// Replaces the store's entry `username` with `value` (as someone with a keyring tool would).
pub fn store_put(username: &str, value: &str) {
    use std::io::Write;
    let mut c = Command::new("secret-tool")
        .args([
            "store",
            "--label=tokendesk",
            "service",
            "tokendesk",
            "username",
            username,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("secret-tool runs");
    c.stdin
        .take()
        .expect("stdin")
        .write_all(value.as_bytes())
        .expect("written");
    assert!(c.wait().expect("secret-tool ends").success());
}

/// What the store keeps for `username` (`profile:NAME`, or `session:NAME` for a signed-in
/// session: the entries of NAME's id), with the server binding TokenDesk wraps it in taken
/// off (checked to be there).
pub fn store_entry(username: &str) -> Option<String> {
    let raw = store_raw(&store_user(username))?;
    let v: Value = serde_json::from_str(&raw).expect("a JSON entry");
    assert_eq!(v["tokendesk"], 2, "bound to its server: {}", v["origin"]);
    assert!(v["origin"].is_string() && v["admin"].is_string());
    Some(v["entry"].as_str().expect("the entry").to_owned())
}

/// A profile name no other test (or earlier run) uses, for the shared keyring.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}-{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
