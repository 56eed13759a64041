//! What the app's commands share: the profile store, one session per profile (credentials are
//! read once), the audit log's sink, and the embedded practice server when it runs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use tokendesk_core::audit::{AuditLog, Recorder, Surface};
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::centagate::session::AppSecretKey;
use tokendesk_core::clock::SystemClock;
use tokendesk_core::credentials::Environment;
use tokendesk_core::credentials::SecretStore;
use tokendesk_core::ops::Session;
use tokendesk_core::profile::Profile;
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::securid::retry::RateLimitObserver;
use tokendesk_core::sign_in::{self, SecondFactorNeeded, SignIn, SignedOut};
use tokendesk_core::vocab::Field;
use tokendesk_core::{Error, Secret};
use tokendesk_sim::{Fixture, SignInSpec, SimConfig, SimHandle, PRACTICE_APP_SECRET_KEY};

/// The name of the profile practice mode adds while its server runs. It lives in memory only.
pub const PRACTICE_PROFILE: &str = "Practice";
/// The SecurID Cloud profile practice mode adds (the same server's SecurID routes, signed
/// with the public practice key). In memory only, like [`PRACTICE_PROFILE`].
pub const PRACTICE_SECURID_PROFILE: &str = "Practice-SecurID";

/// The CENTAGATE profile practice mode adds whose administrator signs in (password and a
/// code the practice panel shows), through the practice app (its Integration Key and public
/// Secret Key, which stays in memory). Its session is kept in the OS store like any other.
pub const PRACTICE_SIGN_IN_PROFILE: &str = "Practice-SignIn";

/// True for the names practice mode reserves (any case).
pub fn is_practice_name(name: &str) -> bool {
    [
        PRACTICE_PROFILE,
        PRACTICE_SECURID_PROFILE,
        PRACTICE_SIGN_IN_PROFILE,
    ]
    .iter()
    .any(|p| name.trim().eq_ignore_ascii_case(p))
}

/// Given the suggested file name, the file an audit export is written to, or None for
/// "cancelled": what the save dialog answers (see [`AppState::set_export_path_chooser`]).
pub type ExportPathChooser = Arc<dyn Fn(&str) -> Option<PathBuf> + Send + Sync>;

/// The embedded practice server and its ready-made sessions.
pub struct Practice {
    pub server: SimHandle,
    /// CENTAGATE, as the practice admin.
    pub session: Arc<Session>,
    /// SecurID Cloud, with the practice API key.
    pub securid: Arc<Session>,
    /// CENTAGATE, signing in as the practice admin (sessions come from its sign-in).
    pub sign_in_profile: Profile,
}

/// A sign-in waiting for its second factor: the first step's auth token stays in here (in
/// the app, never sent to the window) until the code, a cancel or another sign-in.
pub struct PendingSignIn {
    pub sign_in: SignIn,
    pub needed: SecondFactorNeeded,
}

/// Shared state of all commands; cheap to clone.
#[derive(Clone, Default)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    /// Sign-ins waiting for a second factor, by profile.
    pending_sign_ins: Mutex<HashMap<String, Arc<PendingSignIn>>>,
    /// The audit log every action of the app is recorded in (opened on first use).
    recorder: OnceLock<Recorder>,
    practice: tokio::sync::Mutex<Option<Practice>>,
    /// Told when a server answers 429 and a call waits to retry (the window shows it).
    rate_limit: OnceLock<RateLimitObserver>,
    /// Where audit exports go instead of asking in the save dialog (tests only).
    export_path_chooser: OnceLock<ExportPathChooser>,
    /// What the open dialog answers for a profile's key or CA file (tests only).
    open_path_chooser: OnceLock<ExportPathChooser>,
    /// The key and CA files chosen for profiles, by the handle the window holds.
    chosen_files: crate::commands::dialog::ChosenFiles,
}

impl AppState {
    pub fn new() -> Self {
        Self::default()
    }

    /// The profiles file (in `TOKENDESK_CONFIG_DIR` or the platform config folder).
    pub fn store(&self) -> Result<ProfileStore, Error> {
        ProfileStore::open_default()
    }

    /// The sink the app's actions are recorded through: the audit log in
    /// `TOKENDESK_DATA_DIR` or the platform data folder, as surface `app`.
    pub fn recorder(&self) -> Result<Recorder, Error> {
        if let Some(r) = self.inner.recorder.get() {
            return Ok(r.clone());
        }
        let r = Recorder::new(Arc::new(AuditLog::open_default()?), Surface::App);
        Ok(self.inner.recorder.get_or_init(|| r).clone())
    }

    /// Runs `read` on the audit log off the async threads (SQLite's calls block, and may
    /// wait while another process writes).
    pub async fn read_audit<T: Send + 'static>(
        &self,
        read: impl FnOnce(&AuditLog) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let recorder = self.recorder()?;
        tauri::async_runtime::spawn_blocking(move || read(recorder.log()))
            .await
            .map_err(|e| tokendesk_core::ConfigError::AuditUnavailable {
                path: "(audit log)".into(),
                detail: e.to_string(),
            })?
    }

    /// Makes `audit_export` ask `choose` for the file to write instead of opening the save
    /// dialog: for the command-layer tests, which run no window system to answer a dialog.
    pub fn set_export_path_chooser(&self, choose: ExportPathChooser) {
        let _ = self.inner.export_path_chooser.set(choose);
    }

    /// The stand-in for the save dialog, when a test set one.
    pub fn export_path_chooser(&self) -> Option<ExportPathChooser> {
        self.inner.export_path_chooser.get().cloned()
    }

    /// Makes `choose_key_file` and `choose_ca_file` ask `choose` (given the dialog's title)
    /// instead of opening the open dialog: for the command-layer tests, which run no window
    /// system to answer a dialog.
    pub fn set_open_path_chooser(&self, choose: ExportPathChooser) {
        let _ = self.inner.open_path_chooser.set(choose);
    }

    /// The stand-in for the open dialog of a profile's files, when a test set one.
    pub fn open_path_chooser(&self) -> Option<ExportPathChooser> {
        self.inner.open_path_chooser.get().cloned()
    }

    /// The key and CA files chosen for profiles in this app, by handle.
    pub fn chosen_files(&self) -> &crate::commands::dialog::ChosenFiles {
        &self.inner.chosen_files
    }

    /// Set to `1` to start the app for automation: it then takes secrets from the environment
    /// (`TOKENDESK_AUTH_TOKEN`/`TOKENDESK_SECRET_CODE`, `TOKENDESK_SECURID_KEY_FILE`,
    /// `TOKENDESK_APP_SECRET_KEY`) as the CLI does. Otherwise the app ignores them, so a variable
    /// left in a shell never signs every profile's calls.
    pub const ENV_APP_AUTOMATION: &str = "TOKENDESK_APP_AUTOMATION";

    /// Whether this app takes secrets from the environment ([`Self::ENV_APP_AUTOMATION`]).
    pub fn environment() -> Environment {
        if std::env::var_os(Self::ENV_APP_AUTOMATION).is_some_and(|v| v == "1") {
            Environment::Use
        } else {
            Environment::Ignore
        }
    }

    /// The session for a profile: the practice one, or a cached one over the stored profile.
    pub async fn session(&self, name: &str) -> Result<Arc<Session>, Error> {
        if name == PRACTICE_PROFILE || name == PRACTICE_SECURID_PROFILE {
            if let Some(p) = self.inner.practice.lock().await.as_ref() {
                return Ok(if name == PRACTICE_PROFILE {
                    p.session.clone()
                } else {
                    p.securid.clone()
                });
            }
        }
        // The profile as the file holds it now: a cached session of an older version of it
        // (edited by the CLI, or by hand, since) is dropped, never used.
        let profile = self.profile(name).await?;
        if let Some(s) = self.sessions().get(name) {
            if s.profile() == &profile {
                return Ok(s.clone());
            }
        }
        let mut session = Session::new(profile, self.recorder()?);
        if Self::environment() == Environment::Ignore {
            session = session.without_environment();
        }
        let session = Arc::new(self.observed(session));
        self.sessions().insert(name.to_owned(), session.clone());
        Ok(session)
    }

    /// Sets who is told about rate-limit waits (once, at start-up: sessions made after it
    /// tell it).
    pub fn set_rate_limit_observer(&self, observer: RateLimitObserver) {
        let _ = self.inner.rate_limit.set(observer);
    }

    fn observed(&self, session: Session) -> Session {
        match self.inner.rate_limit.get() {
            Some(observer) => session.on_rate_limit(observer.clone()),
            None => session,
        }
    }

    /// Forgets a profile's session after its settings or credentials changed, or it signed in
    /// or out (the next action resolves the session anew).
    pub fn forget_session(&self, name: &str) {
        self.sessions().remove(name);
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.inner
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// A profile by name: practice mode's while it runs, else the stored one.
    pub async fn profile(&self, name: &str) -> Result<Profile, Error> {
        if let Some(p) = self.inner.practice.lock().await.as_ref() {
            let practice = [p.session.profile(), p.securid.profile(), &p.sign_in_profile];
            if let Some(found) = practice.into_iter().find(|f| f.name == name) {
                return Ok(found.clone());
            }
        }
        self.store()?.get(name)
    }

    /// A sign-in to `name`: the practice one signs with the practice app's public Secret Key
    /// (in memory), any other with its app Secret Key from the environment or the OS store.
    pub async fn sign_in(&self, name: &str) -> Result<SignIn, Error> {
        let profile = self.profile(name).await?;
        if name == PRACTICE_SIGN_IN_PROFILE {
            let key = AppSecretKey::new(Secret::new(PRACTICE_APP_SECRET_KEY))?;
            return SignIn::with_app_key(profile, key, self.recorder()?, Arc::new(SystemClock));
        }
        SignIn::start_with(profile, self.recorder()?, Self::environment()).await
    }

    /// Signs `name` out: its kept session is ended at the server and deleted (also when the
    /// server cannot be told); a pending sign-in is dropped and the cached session forgotten.
    pub async fn sign_out(&self, name: &str) -> Result<SignedOut, Error> {
        self.drop_sign_in(name);
        let out = if name == PRACTICE_SIGN_IN_PROFILE {
            self.sign_in(name).await?.sign_out().await
        } else {
            sign_in::sign_out(self.profile(name).await?, self.recorder()?).await
        };
        self.forget_session(name);
        out
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<PendingSignIn>>> {
        self.inner
            .pending_sign_ins
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps a sign-in that waits for its second factor (replacing any earlier one).
    pub fn keep_sign_in(&self, name: &str, pending: PendingSignIn) {
        self.pending().insert(name.to_owned(), Arc::new(pending));
    }

    /// The sign-in of `name` waiting for its second factor, or an error in words.
    pub fn pending_sign_in(&self, name: &str) -> Result<Arc<PendingSignIn>, Error> {
        self.pending().get(name).cloned().ok_or_else(|| {
            Error::input(
                Field::Password,
                "must be entered first: this sign-in was cancelled or has not started; sign in again",
            )
        })
    }

    /// Drops the sign-in of `name` waiting for its second factor, if any.
    pub fn drop_sign_in(&self, name: &str) {
        self.pending().remove(name);
    }

    /// The practice server and session, while practice mode runs.
    pub async fn practice(&self) -> tokio::sync::MutexGuard<'_, Option<Practice>> {
        self.inner.practice.lock().await
    }

    /// Starts the practice server on 127.0.0.1 with the demo users (no-op when running).
    pub async fn start_practice(&self) -> Result<(), Error> {
        let mut guard = self.inner.practice.lock().await;
        if guard.is_some() {
            return Ok(());
        }
        // Practice mode never stands in for a saved profile of the same name (one saved by an
        // older version or by hand: new ones cannot take these names).
        if let Some(name) = self
            .store()?
            .load()?
            .into_keys()
            .find(|n| is_practice_name(n))
        {
            return Err(Error::input(
                Field::ProfileName,
                format!("'{name}' is a saved profile, and practice mode would show its own profile under that name; remove it (tokendesk profile remove) and add it again under another name"),
            ));
        }
        let config = SimConfig {
            fixture: Fixture::demo(),
            practice: true,
            ..SimConfig::default()
        };
        let server = tokendesk_sim::spawn(config).await.map_err(|e| {
            Error::Config(tokendesk_core::ConfigError::Io {
                path: "practice server".into(),
                detail: e.to_string(),
            })
        })?;
        let admin = server.admin().clone();
        let profile = ProfileDraft {
            name: PRACTICE_PROFILE.into(),
            url: server.origin(),
            admin: admin.username.clone(),
            ..ProfileDraft::default()
        }
        .validate()?;
        let creds = CentagateCredentials::new(
            Secret::new(admin.auth_token),
            Secret::new(admin.secret_code),
        )?;
        let recorder = self.recorder()?;
        let session = Arc::new(Session::with_secret(
            profile,
            ProfileSecret::Centagate(creds),
            recorder.clone(),
        ));
        // The SecurID side: a profile made from the server's own key file, exactly as an
        // imported one is (the key stays in this session, never in the OS store).
        let (profile, key) = SecurIdProfileDraft {
            name: PRACTICE_SECURID_PROFILE.into(),
            key_json: Some(Secret::new(server.securid_key_file_json())),
            ..SecurIdProfileDraft::default()
        }
        .validate()?;
        let securid = Arc::new(self.observed(Session::with_secret(
            profile,
            ProfileSecret::SecurId(key),
            recorder,
        )));
        let sign_in_profile = ProfileDraft {
            name: PRACTICE_SIGN_IN_PROFILE.into(),
            url: server.origin(),
            admin: SignInSpec::practice().admin,
            integration_key: Some(tokendesk_sim::PRACTICE_INTEGRATION_KEY.into()),
            ..ProfileDraft::default()
        }
        .validate()?;
        // A session kept from an earlier practice run belongs to a server that is gone.
        self.end_practice_session().await;
        *guard = Some(Practice {
            server,
            session,
            securid,
            sign_in_profile,
        });
        Ok(())
    }

    /// Stops the practice server; its data goes with it, and so does the practice sign-in.
    pub async fn stop_practice(&self) {
        if let Some(p) = self.inner.practice.lock().await.take() {
            p.server.shutdown().await;
            self.end_practice_session().await;
        }
    }

    /// Forgets the practice sign-in: pending, cached and kept (best effort: without a
    /// credential store there is none to delete).
    async fn end_practice_session(&self) {
        self.drop_sign_in(PRACTICE_SIGN_IN_PROFILE);
        self.forget_session(PRACTICE_SIGN_IN_PROFILE);
        let _ = tauri::async_runtime::spawn_blocking(|| {
            // Never saved, so it has no id: its session is filed under its name.
            let practice = ProfileDraft {
                name: PRACTICE_SIGN_IN_PROFILE.into(),
                url: "http://127.0.0.1".into(),
                admin: SignInSpec::practice().admin,
                ..ProfileDraft::default()
            }
            .validate()?;
            SecretStore::open().and_then(|s| s.delete_session(&practice))
        })
        .await;
    }
}
