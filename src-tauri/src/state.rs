//! What the app's commands share: the profile store, one session per profile (credentials are
//! read once), the audit log's sink, and the embedded practice server when it runs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use tokendesk_core::audit::{AuditLog, Recorder, Surface};
use tokendesk_core::backend::ProfileSecret;
use tokendesk_core::centagate::credentials::CentagateCredentials;
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::ops::Session;
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::securid::profile::SecurIdProfileDraft;
use tokendesk_core::securid::retry::RateLimitObserver;
use tokendesk_core::{Error, Secret};
use tokendesk_sim::{Fixture, SimConfig, SimHandle};

/// The name of the profile practice mode adds while its server runs. It lives in memory only.
pub const PRACTICE_PROFILE: &str = "Practice";
/// The SecurID Cloud profile practice mode adds (the same server's SecurID routes, signed
/// with the public practice key). In memory only, like [`PRACTICE_PROFILE`].
pub const PRACTICE_SECURID_PROFILE: &str = "Practice-SecurID";

/// True for the names practice mode reserves (any case).
pub fn is_practice_name(name: &str) -> bool {
    [PRACTICE_PROFILE, PRACTICE_SECURID_PROFILE]
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
}

/// Shared state of all commands; cheap to clone.
#[derive(Clone, Default)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    /// The audit log every action of the app is recorded in (opened on first use).
    recorder: OnceLock<Recorder>,
    practice: tokio::sync::Mutex<Option<Practice>>,
    /// Told when a server answers 429 and a call waits to retry (the window shows it).
    rate_limit: OnceLock<RateLimitObserver>,
    /// Where audit exports go instead of asking in the save dialog (tests only).
    export_path_chooser: OnceLock<ExportPathChooser>,
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
        if let Some(s) = self.sessions().get(name) {
            return Ok(s.clone());
        }
        let session =
            Arc::new(self.observed(Session::new(self.store()?.get(name)?, self.recorder()?)));
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

    /// Forgets a profile's session after its settings or credentials changed.
    pub fn forget_session(&self, name: &str) {
        self.sessions().remove(name);
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.inner
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
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
        *guard = Some(Practice {
            server,
            session,
            securid,
        });
        Ok(())
    }

    /// Stops the practice server; its data goes with it.
    pub async fn stop_practice(&self) {
        if let Some(p) = self.inner.practice.lock().await.take() {
            p.server.shutdown().await;
        }
    }
}
