//! What the app's commands share: the profile store, one session per profile (credentials are
//! read once), the audit log's sink, and the embedded practice server when it runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tokendesk_core::activity::ActivityEntry;
use tokendesk_core::audit::{AuditFilter, AuditLog, Recorder, Surface};
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

    /// Today's actions (UTC) from the audit log, as the activity column shows them.
    pub async fn activity_today(&self) -> Result<Vec<ActivityEntry>, Error> {
        let recorder = self.recorder()?;
        let today = time_today();
        tauri::async_runtime::spawn_blocking(move || {
            let filter = AuditFilter {
                since: Some(today),
                ..AuditFilter::default()
            };
            Ok(recorder
                .log()
                .entries(&filter)?
                .iter()
                .filter_map(ActivityEntry::from_audit)
                .collect())
        })
        .await
        .map_err(|e| tokendesk_core::ConfigError::AuditUnavailable {
            path: "(audit log)".into(),
            detail: e.to_string(),
        })?
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

/// Today's date in UTC, `YYYY-MM-DD`.
fn time_today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    tokendesk_core::audit::utc_date(secs)
}
