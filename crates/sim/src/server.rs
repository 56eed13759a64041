//! Starting and stopping a practice server: configuration, shared request state, the handle.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::{middleware, Router};
use serde::Serialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::cen_token_matches;
use crate::centagate::{self, BASE_PATH};
use crate::controls::Controls;
use crate::error::SimError;
use crate::faults::{self, Faults};
use crate::fixture::{AdminCredentials, Fixture};
use crate::practice;
use crate::quirks::{self, AnswerStyle};
use crate::rate_limit::{Limiter, RateLimit};
use crate::securid::{self, SecurIdService};
use crate::securid_auth::{write_key_file, KeyFile, SecurIdKey, Verifier, SECURID_API_PATH};
use crate::signin::{SignIns, DEFAULT_SESSION_TIMEOUT_SECS, V2_BASE_PATH};
use crate::store::{DbLocation, Store};

/// How the practice SecurID Cloud Access Service behaves.
#[derive(Debug, Clone, Default)]
pub struct SecurIdConfig {
    /// The API key whose tokens are accepted (default: the built-in, public practice key).
    pub key: SecurIdKey,
    /// Answer 429 beyond this many SecurID calls a second (`None`: no limit).
    pub rate_limit: Option<RateLimit>,
}

/// How to run a practice server.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The data to start with (used only when the database is new).
    pub fixture: Fixture,
    pub db: DbLocation,
    /// Where to listen; port 0 picks a free port. Loopback only, unless `listen_any`.
    pub listen: SocketAddr,
    /// Allow a `listen` address beyond this machine (`--listen-any`, on purpose). Off, a
    /// non-loopback address is refused ([`SimError::NotLoopback`]) and every request must
    /// name a loopback host in its `Host` header (a page on another site that rebinds its
    /// own name to 127.0.0.1 is refused: DNS rebinding).
    pub listen_any: bool,
    /// Serve the practice controls under `/practice`.
    pub practice: bool,
    pub faults: Faults,
    /// Strict (as documented) or loose (code as a string, object as JSON in a string).
    pub answers: AnswerStyle,
    /// The SecurID API's key and rate limit.
    pub securid: SecurIdConfig,
    /// How long a signed-in session (`auth/authBasic` and a second factor) lasts; admin calls
    /// signed with it answer 10001 afterwards. Default 1800 s.
    pub session_timeout: Duration,
}

impl Default for SimConfig {
    /// Only the practice admin, in memory, on 127.0.0.1 with a free port, no practice routes,
    /// no faults.
    fn default() -> SimConfig {
        SimConfig {
            fixture: Fixture::default(),
            db: DbLocation::Memory,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            listen_any: false,
            practice: false,
            faults: Faults::default(),
            answers: AnswerStyle::Strict,
            securid: SecurIdConfig::default(),
            session_timeout: Duration::from_secs(DEFAULT_SESSION_TIMEOUT_SECS),
        }
    }
}

/// The default database file in the platform data directory
/// (e.g. `~/.local/share/tokendesk/practice-server.sqlite3` on Linux).
pub fn default_db_path() -> Result<PathBuf, SimError> {
    directories::ProjectDirs::from("", "", "tokendesk")
        .map(|dirs| dirs.data_dir().join("practice-server.sqlite3"))
        .ok_or(SimError::NoDataDir)
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub fixture: Arc<Fixture>,
    pub securid: Arc<SecurIdService>,
    pub sign_ins: Arc<SignIns>,
}

impl AppState {
    /// Whether `cen_token` is the cenToken of the administrator named `admin`: with the
    /// fixture's fixed credentials (a session that never ends) or a live signed-in session.
    pub fn admin_signed(&self, admin: &str, cen_token: &str) -> bool {
        self.fixture.admins.iter().any(|a| {
            a.username == admin
                && cen_token_matches(cen_token, &a.username, &a.auth_token, &a.secret_code)
        }) || self.sign_ins.session_signed(admin, cen_token)
    }

    /// Seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        crate::controls::now()
    }
}

/// A running practice server. Dropping it stops the server too (without waiting).
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    admin: AdminCredentials,
    practice: bool,
    controls: Controls,
    securid_key: SecurIdKey,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The CENTAGATE base URL: origin + `/CentagateWS/webresources`.
    pub fn base_url(&self) -> String {
        format!("{}{BASE_PATH}", self.origin())
    }

    /// The sign-in calls' versioned base URL: origin + `/v2/CentagateWS/webresources` (they
    /// are answered under [`SimHandle::base_url`] too).
    pub fn v2_base_url(&self) -> String {
        format!("{}{V2_BASE_PATH}", self.origin())
    }

    /// The practice controls' base URL (origin + `/practice`), if they are served.
    pub fn practice_url(&self) -> Option<String> {
        self.practice
            .then(|| format!("{}{}", self.origin(), practice::PREFIX))
    }

    /// The practice controls, for a program that embeds the server (the desktop app's
    /// practice panel); available whether or not the `/practice` routes are served.
    pub fn controls(&self) -> Controls {
        self.controls.clone()
    }

    /// The SecurID adminRestApiUrl: origin + `/AdminInterface/restapi/v1` (every token's
    /// `aud`).
    pub fn securid_url(&self) -> String {
        format!("{}{SECURID_API_PATH}", self.origin())
    }

    /// The SecurID access ID tokens must name as `sub`.
    pub fn securid_access_id(&self) -> &str {
        self.securid_key.access_id()
    }

    /// The SecurID API key the server accepts tokens from (the public practice key unless
    /// configured otherwise).
    pub fn securid_key(&self) -> &SecurIdKey {
        &self.securid_key
    }

    /// The key file for this server in the vendor's format, its `adminRestApiUrl` naming this
    /// server's address.
    pub fn securid_key_file(&self) -> KeyFile {
        self.securid_key.key_file(&self.securid_url())
    }

    /// [`SimHandle::securid_key_file`] as the JSON text of a downloaded key file.
    pub fn securid_key_file_json(&self) -> String {
        self.securid_key_file().to_json()
    }

    /// Write the key file to `path` (owner-only permissions on Unix).
    pub fn write_securid_key_file(
        &self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<(), SimError> {
        Ok(write_key_file(&self.securid_key_file(), path.as_ref())?)
    }

    /// The first administrator of the fixture.
    pub fn admin(&self) -> &AdminCredentials {
        &self.admin
    }

    /// What the binary prints on start: base URL, origin, admin credentials, practice flag.
    pub fn startup_line(&self) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Admin<'a> {
            username: &'a str,
            auth_token: &'a str,
            secret_code: &'a str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct SecurId<'a> {
            admin_rest_api_url: String,
            #[serde(rename = "accessID")]
            access_id: &'a str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Line<'a> {
            base_url: String,
            origin: String,
            admin: Admin<'a>,
            practice: bool,
            securid: SecurId<'a>,
        }
        serde_json::to_string(&Line {
            base_url: self.base_url(),
            origin: self.origin(),
            admin: Admin {
                username: &self.admin.username,
                auth_token: &self.admin.auth_token,
                secret_code: &self.admin.secret_code,
            },
            practice: self.practice,
            securid: SecurId {
                admin_rest_api_url: self.securid_url(),
                access_id: self.securid_key.access_id(),
            },
        })
        .unwrap_or_default()
    }

    /// Stop accepting connections, let answers in flight finish, and wait for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "server stopped with an error"),
                Err(e) => tracing::warn!(error = %e, "server task failed"),
            }
        }
    }
}

/// True when a `Host` header names this machine's loopback: `127.0.0.1`, `[::1]` or
/// `localhost` (any case), with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inner, port)) if port.is_empty() || is_port(port) => inner,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "::1"
}

/// A port as a `Host` header carries it (after the `:`, or with its `:`): 1–5 digits.
fn is_port(text: &str) -> bool {
    let digits = text.strip_prefix(':').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u16>().is_ok()
}

/// Refuses (HTTP 421) a request whose `Host` header is missing or names anything but this
/// machine's loopback: what a DNS-rebinding page in a browser would send.
async fn loopback_host_only(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if is_loopback_host(&h) => next.run(request).await,
        _ => (
            axum::http::StatusCode::MISDIRECTED_REQUEST,
            "this practice server answers only requests addressed to 127.0.0.1, [::1] or localhost\n",
        )
            .into_response(),
    }
}

/// Build the router for `state`. Faults wrap everything else on the vendor routes; on the
/// SecurID routes latency comes first, then the rate limit and the JWT check.
pub fn router(state: AppState, practice: bool, faults: Faults, answers: AnswerStyle) -> Router {
    let faults = Arc::new(faults);
    let securid_routes = securid::routes()
        .route_layer(middleware::from_fn_with_state(
            state.securid.clone(),
            securid::guard,
        ))
        .route_layer(middleware::from_fn_with_state(
            faults.clone(),
            faults::inject_transport,
        ));
    let mut app = centagate::routes()
        .route_layer(middleware::from_fn_with_state(answers, quirks::apply))
        .route_layer(middleware::from_fn_with_state(faults, faults::inject))
        .merge(securid_routes);
    if practice {
        app = app.merge(practice::routes());
    }
    app.with_state(state)
}

/// Open the database (seeding it from the fixture if new), bind, and serve in the background.
pub async fn spawn(config: SimConfig) -> Result<SimHandle, SimError> {
    if !config.listen_any && !config.listen.ip().is_loopback() {
        return Err(SimError::NotLoopback {
            addr: config.listen,
        });
    }
    config.fixture.validate()?;
    let fixture = Arc::new(config.fixture);
    let store = Store::open(&config.db, &fixture)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind {
        addr: config.listen,
        source,
    })?;
    let admin = fixture.first_admin().clone();
    let sign_ins = Arc::new(SignIns::new(fixture.clone(), config.session_timeout));
    let controls = Controls::new(store.clone(), fixture.clone(), sign_ins.clone());
    let securid_key = config.securid.key.clone();
    let securid = Arc::new(SecurIdService {
        verifier: Verifier::new(
            securid_key.clone(),
            format!("http://{addr}{SECURID_API_PATH}"),
        ),
        limiter: config.securid.rate_limit.map(Limiter::new),
    });
    let mut app = router(
        AppState {
            store,
            fixture,
            securid,
            sign_ins,
        },
        config.practice,
        config.faults,
        config.answers,
    );
    if !config.listen_any {
        app = app.layer(middleware::from_fn(loopback_host_only));
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, practice = config.practice, "practice server listening");
    Ok(SimHandle {
        addr,
        admin,
        practice: config.practice,
        controls,
        securid_key,
        stop: Some(stop),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_loopback_names_pass_the_host_check() {
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8790",
            "localhost",
            "LocalHost:1",
            "[::1]",
            "[::1]:8790",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8790",
            "127.0.0.1.evil.example",
            "localhost.evil.example:80",
            "127.0.0.2:80",
            "[::2]:80",
            "[::1]x",
            "127.0.0.1:",
            "127.0.0.1:+1",
            "127.0.0.1:99999",
            "localhost:80:80",
            "0.0.0.0:8790",
            "::1",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }
}
