//! The simulator's state in SQLite: users, phones, tokens and bindings. Every mutating operation
//! is one `BEGIN IMMEDIATE` transaction, so concurrent requests never lose or double-apply an
//! update; reads run in a transaction too, for a consistent view.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{
    params, Connection, ErrorCode, OptionalExtension, Row, Transaction, TransactionBehavior,
};
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::codes::Code;
use crate::error::SimError;
use crate::fixture::{
    decode_secret, CertSpec, DeviceSpec, Fixture, PhoneStatus, SecurIdMethod, SecurIdStatus,
    UserStatus,
};
use crate::token::{LoginOutcome, OtpKind, Token, TokenStatus};

mod helpdesk;
mod sid;

pub use helpdesk::Switches;
pub use sid::{
    EmergencyCodeView, EmergencyRequest, SidTokenView, DEFAULT_EMERGENCY_MINUTES,
    DEFAULT_EMERGENCY_ONE_TIME,
};

/// Where the database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// Gone when the server stops.
    Memory,
    /// A SQLite file (WAL); state survives restarts. Created and seeded from the fixture if new.
    Path(PathBuf),
}

/// Why a store operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Refused for a reason a vendor code names.
    #[error("refused: {} {}", .0.number(), .0.message())]
    Refused(Code),
    #[error("no user named {0:?}")]
    UnknownUser(String),
    #[error("no token with serial {0:?}")]
    UnknownToken(String),
    /// A practice control that does not apply in the current state.
    #[error("{0}")]
    Conflict(String),
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("the database task stopped")]
    TaskFailed,
}

/// Connections to one database, shared by request handlers.
#[derive(Clone)]
pub struct Store {
    pool: Arc<Pool>,
}

struct Pool {
    conns: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    /// Writers queue here first, so they wait in line instead of in SQLite's busy handler
    /// (which sleeps in growing steps). `BEGIN IMMEDIATE` still guards against other processes.
    writer: tokio::sync::Mutex<()>,
}

/// Readers a file database gets at once (WAL lets them run beside the one writer).
const FILE_POOL_SIZE: usize = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    status   TEXT NOT NULL,
    device   TEXT,
    certs    TEXT NOT NULL,
    fido     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS phones (
    number   TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE REFERENCES users(username) ON DELETE CASCADE,
    status   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    serial         TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    secret         TEXT NOT NULL,
    digits         INTEGER NOT NULL,
    period         INTEGER NOT NULL,
    counter        INTEGER NOT NULL,
    drift          INTEGER NOT NULL,
    last_step      INTEGER,
    device_counter INTEGER NOT NULL,
    device_drift   INTEGER NOT NULL,
    status         TEXT NOT NULL,
    fail_count     INTEGER NOT NULL,
    username       TEXT UNIQUE REFERENCES users(username) ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS securid_users (
    id              TEXT PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE REFERENCES users(username) ON DELETE CASCADE,
    email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    first_name      TEXT NOT NULL,
    last_name       TEXT NOT NULL,
    status          TEXT NOT NULL,
    identity_source TEXT NOT NULL,
    mark_deleted    INTEGER NOT NULL,
    high_risk       INTEGER NOT NULL,
    sms_number      TEXT,
    voice_number    TEXT,
    token_locked    INTEGER NOT NULL,
    sms_locked      INTEGER NOT NULL,
    voice_locked    INTEGER NOT NULL,
    stuck           TEXT NOT NULL
);
";

const SECURID_COLUMNS: &str = "id, username, email, first_name, last_name, status, \
                               identity_source, mark_deleted, high_risk, sms_number, \
                               voice_number, token_locked, sms_locked, voice_locked, stuck";

const TOKEN_COLUMNS: &str = "serial, kind, secret, digits, period, counter, drift, last_step, \
                             device_counter, device_drift, status, fail_count, username";

impl Store {
    /// Open (creating and seeding from `fixture` if new) the database.
    pub fn open(location: &DbLocation, fixture: &Fixture) -> Result<Store, SimError> {
        let (first, size) = match location {
            DbLocation::Memory => (Connection::open_in_memory()?, 1),
            DbLocation::Path(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| SimError::Io {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                (Connection::open(path)?, FILE_POOL_SIZE)
            }
        };
        let mut conns = vec![first];
        configure(&conns[0], location)?;
        conns[0].execute_batch(SCHEMA)?;
        helpdesk::migrate(&conns[0])?;
        {
            let tx = conns[0].transaction_with_behavior(TransactionBehavior::Immediate)?;
            let seeded: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if seeded.is_none() {
                seed(&tx, fixture)?;
                tx.execute("INSERT INTO meta (key, value) VALUES ('seeded', '1')", [])?;
                tracing::info!(
                    users = fixture.users.len(),
                    tokens = fixture.tokens.len(),
                    "new database seeded from the fixture"
                );
            } else {
                tracing::info!(
                    "existing database: its state is kept and the fixture's users are not loaded \
                     (POST /practice/reset or a new --db to start over)"
                );
            }
            let securid_seeded: Option<String> = tx
                .query_row(
                    "SELECT value FROM meta WHERE key = 'securid_seeded'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if securid_seeded.is_none() {
                // A database from before the SecurID identities: give the fixture's users
                // that it still has their SecurID identity (a new one got them just above).
                if seeded.is_some() {
                    seed_securid(&tx, fixture)?;
                }
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ('securid_seeded', '1')",
                    [],
                )?;
            }
            helpdesk::seed_older(&tx, fixture, seeded.is_some())?;
            tx.commit()?;
        }
        if let DbLocation::Path(path) = location {
            for _ in 1..size {
                let conn = Connection::open(path)?;
                configure(&conn, location)?;
                conns.push(conn);
            }
        }
        Ok(Store {
            pool: Arc::new(Pool {
                permits: Arc::new(Semaphore::new(conns.len())),
                writer: tokio::sync::Mutex::new(()),
                conns: Mutex::new(conns),
            }),
        })
    }

    /// Run `f` on a pooled connection on the blocking thread pool.
    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let permit = pool
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::TaskFailed)?;
        tokio::task::spawn_blocking(move || {
            let taken = pool.conns.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let Some(mut conn) = taken else {
                return Err(StoreError::TaskFailed);
            };
            let result = f(&mut conn);
            pool.conns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
            drop(permit);
            result
        })
        .await
        .map_err(|_| StoreError::TaskFailed)?
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction, committed only if `f` succeeds.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, StoreError> + Send + 'static,
    {
        let _turn = self.pool.writer.lock().await;
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })
        .await
    }

    /// Run `f` in a read transaction (one consistent snapshot).
    async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, StoreError> + Send + 'static,
    {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            f(&tx)
        })
        .await
    }

    // ------------------------------------------------------------------ the four calls

    /// `user/auth/list`: the user's tokens (SMS, OTP, FIDO), certificates and device.
    pub async fn auth_list(&self, username: String) -> Result<AuthList, StoreError> {
        self.read(move |tx| {
            let user = load_user(tx, &username)?;
            let mut token_list = Vec::new();
            if let Some((number, status)) = user_phone(tx, &username)? {
                token_list.push(ListedToken {
                    sn: number,
                    kind: 1,
                    status: status.list_status(),
                });
            }
            if let Some(token) = user_token(tx, &username)? {
                token_list.push(ListedToken {
                    sn: token.serial,
                    kind: 2,
                    status: token.status.list_status(),
                });
            }
            for sn in user.fido {
                token_list.push(ListedToken {
                    sn,
                    kind: 3,
                    status: 1,
                });
            }
            Ok(AuthList {
                token_list,
                cert_list: user.certs.iter().map(listed_cert).collect(),
                device: user.device,
            })
        })
        .await
    }

    /// `registerActiveToken` type 1: bind a phone number (one per user; a new one replaces
    /// the old). A number held by anyone answers 29004.
    pub async fn register_sms(&self, username: String, number: String) -> Result<(), StoreError> {
        self.write(move |tx| {
            ensure_user(tx, &username)?;
            let holder: Option<String> = tx
                .query_row(
                    "SELECT username FROM phones WHERE number = ?1",
                    [&number],
                    |r| r.get(0),
                )
                .optional()?;
            if holder.is_some() {
                return Err(StoreError::Refused(Code::PhoneNumberUsed));
            }
            let replaced = tx.execute(
                "UPDATE phones SET number = ?1, status = 'active' WHERE username = ?2",
                params![number, username],
            )?;
            if replaced == 0 {
                tx.execute(
                    "INSERT INTO phones (number, username, status) VALUES (?1, ?2, 'active')",
                    params![number, username],
                )
                .map_err(|e| match e.sqlite_error_code() {
                    Some(ErrorCode::ConstraintViolation) => {
                        StoreError::Refused(Code::PhoneNumberUsed)
                    }
                    _ => StoreError::Db(e),
                })?;
            }
            Ok(())
        })
        .await
    }

    /// `registerActiveToken` type 2: bind an unbound, deactivated hardware token and activate it.
    pub async fn register_otp(&self, username: String, serial: String) -> Result<(), StoreError> {
        self.write(move |tx| {
            ensure_user(tx, &username)?;
            let token = load_token(tx, &serial)?.ok_or(StoreError::Refused(Code::TokenNotFound))?;
            if token.owner.is_some() || token.status != TokenStatus::Deactivated {
                return Err(StoreError::Refused(Code::InvalidTokenStatus));
            }
            if user_token(tx, &username)?.is_some() {
                return Err(StoreError::Refused(Code::OtpTokenAlreadyRegistered));
            }
            tx.execute(
                "UPDATE tokens SET username = ?1, status = 'active', fail_count = 0 \
                 WHERE serial = ?2",
                params![username, serial],
            )?;
            Ok(())
        })
        .await
    }

    /// `syncToken`: resynchronise the user's OTP token (or the named one, which must be theirs)
    /// with two consecutive codes.
    pub async fn sync_token(
        &self,
        username: String,
        serial: Option<String>,
        otp1: String,
        otp2: String,
        now: u64,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            ensure_user(tx, &username)?;
            let mut token = match serial {
                Some(serial) => {
                    let token =
                        load_token(tx, &serial)?.ok_or(StoreError::Refused(Code::TokenNotFound))?;
                    match token.owner.as_deref() {
                        None => return Err(StoreError::Refused(Code::TokenNotBoundToAnyone)),
                        Some(owner) if owner != username => {
                            return Err(StoreError::Refused(Code::TokenNotBoundToUser))
                        }
                        Some(_) => token,
                    }
                }
                None => {
                    user_token(tx, &username)?.ok_or(StoreError::Refused(Code::TokenNotFound))?
                }
            };
            if !matches!(token.status, TokenStatus::Active | TokenStatus::Locked) {
                return Err(StoreError::Refused(Code::TokenNotActive));
            }
            if !token.resync(&otp1, &otp2, now) {
                return Err(StoreError::Refused(Code::SyncOtpFailed));
            }
            save_token(tx, &token)?;
            Ok(())
        })
        .await
    }

    /// `unlockToken`: unlock or unsuspend the user's OTP token, resetting its fail counter.
    pub async fn unlock_token(&self, username: String) -> Result<(), StoreError> {
        self.write(move |tx| {
            ensure_user(tx, &username)?;
            let mut token =
                user_token(tx, &username)?.ok_or(StoreError::Refused(Code::TokenNotFound))?;
            if !token.unlock() {
                return Err(StoreError::Refused(Code::InvalidTokenStatus));
            }
            save_token(tx, &token)?;
            Ok(())
        })
        .await
    }

    // ------------------------------------------------------------------ SecurID calls

    /// One SecurID user.
    pub async fn securid_user(&self, by: SecurIdLookup) -> Result<SecurIdUser, StoreError> {
        self.read(move |tx| find_securid(tx, &by)).await
    }

    /// Unlock `methods` of the user with id `id`. A method that is off or not locked stays
    /// unlocked; a locked method marked stuck stays locked. Returns the user afterwards and
    /// whether every method asked for is now unlocked.
    pub async fn securid_unlock(
        &self,
        id: String,
        methods: Vec<SecurIdMethod>,
    ) -> Result<(SecurIdUser, bool), StoreError> {
        self.write(move |tx| {
            let mut user = find_securid(tx, &SecurIdLookup::Id(id))?;
            let mut all = true;
            for method in methods {
                if user.stuck.contains(&method) && user.locked(method) {
                    all = false;
                } else {
                    user.set_locked(method, false);
                }
            }
            save_securid(tx, &user)?;
            Ok((user, all))
        })
        .await
    }

    /// Every SecurID user, by username.
    pub async fn securid_users(&self) -> Result<Vec<SecurIdUser>, StoreError> {
        self.read(|tx| {
            let sql = format!("SELECT {SECURID_COLUMNS} FROM securid_users ORDER BY username");
            let users = tx
                .prepare(&sql)?
                .query_map([], securid_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(users)
        })
        .await
    }

    /// Apply a practice control to a SecurID user; `change` explains why when it does not
    /// apply.
    pub async fn update_securid(
        &self,
        by: SecurIdLookup,
        change: impl FnOnce(&mut SecurIdUser) -> Result<(), String> + Send + 'static,
    ) -> Result<SecurIdUser, StoreError> {
        self.write(move |tx| {
            let mut user = find_securid(tx, &by)?;
            change(&mut user).map_err(StoreError::Conflict)?;
            save_securid(tx, &user)?;
            Ok(user)
        })
        .await
    }

    // ------------------------------------------------------------------ practice controls

    /// Every user with what is bound to them.
    pub async fn users(&self) -> Result<Vec<UserView>, StoreError> {
        self.read(|tx| {
            let names: Vec<String> = tx
                .prepare("SELECT username FROM users ORDER BY username")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut views = Vec::with_capacity(names.len());
            for name in names {
                let user = load_user(tx, &name)?;
                views.push(UserView {
                    phone: user_phone(tx, &name)?.map(|(number, status)| PhoneView {
                        number,
                        status: status.as_str(),
                    }),
                    token: user_token(tx, &name)?.as_ref().map(TokenView::from),
                    status: user.status.as_str(),
                    locked: user.locked,
                    fido: user.fido,
                    device: user.device,
                    certs: user.certs.len(),
                    username: name,
                });
            }
            Ok(views)
        })
        .await
    }

    /// Every hardware token, bound or not.
    pub async fn tokens(&self) -> Result<Vec<TokenView>, StoreError> {
        self.read(|tx| {
            let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY serial");
            let tokens = tx
                .prepare(&sql)?
                .query_map([], token_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(tokens.iter().map(TokenView::from).collect())
        })
        .await
    }

    /// One token by serial.
    pub async fn token(&self, serial: String) -> Result<Token, StoreError> {
        self.read(move |tx| load_token(tx, &serial)?.ok_or(StoreError::UnknownToken(serial)))
            .await
    }

    /// A user logging in with a code from their OTP token.
    pub async fn login(
        &self,
        username: String,
        code: String,
        now: u64,
    ) -> Result<(Token, LoginOutcome), StoreError> {
        self.write(move |tx| {
            let user = load_user(tx, &username)?;
            let mut token = user_token(tx, &username)?
                .ok_or_else(|| StoreError::Conflict(format!("{username} has no OTP token")))?;
            if user.status == UserStatus::Inactive || user.locked {
                let account = if user.locked { "locked" } else { "inactive" };
                return Ok((token, LoginOutcome::AccountNotUsable { account }));
            }
            let outcome = token.login(&code, now);
            save_token(tx, &token)?;
            Ok((token, outcome))
        })
        .await
    }

    /// Apply a practice control to a token; `change` explains why when it does not apply.
    pub async fn update_token(
        &self,
        serial: String,
        change: impl FnOnce(&mut Token) -> Result<(), String> + Send + 'static,
    ) -> Result<Token, StoreError> {
        self.write(move |tx| {
            let mut token =
                load_token(tx, &serial)?.ok_or_else(|| StoreError::UnknownToken(serial.clone()))?;
            change(&mut token).map_err(StoreError::Conflict)?;
            save_token(tx, &token)?;
            Ok(token)
        })
        .await
    }

    /// Throw all users, phones and tokens away and load `fixture` again.
    pub async fn reset(&self, fixture: Arc<Fixture>) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.execute_batch(
                "DELETE FROM securid_emergency_codes; DELETE FROM securid_sid_tokens; \
                 DELETE FROM securid_users; DELETE FROM tokens; DELETE FROM phones; \
                 DELETE FROM users; DELETE FROM meta WHERE key LIKE 'switch.%';",
            )?;
            seed(tx, &fixture)?;
            Ok(())
        })
        .await
    }
}

fn configure(conn: &Connection, location: &DbLocation) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    if matches!(location, DbLocation::Path(_)) {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "SQLite did not switch to WAL");
        }
        // Durable: every committed change is on disk before the answer goes out.
        conn.execute_batch("PRAGMA synchronous = FULL;")?;
    }
    Ok(())
}

fn seed(tx: &Transaction, fixture: &Fixture) -> rusqlite::Result<()> {
    for user in &fixture.users {
        let device = user
            .device
            .as_ref()
            .map(|d| serde_json::to_string(d).unwrap_or_default());
        tx.execute(
            "INSERT INTO users (username, status, device, certs, fido) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                user.username,
                user.status.as_str(),
                device,
                serde_json::to_string(&user.certs).unwrap_or_else(|_| "[]".into()),
                serde_json::to_string(&user.fido).unwrap_or_else(|_| "[]".into()),
            ],
        )?;
    }
    for phone in &fixture.phones {
        tx.execute(
            "INSERT INTO phones (number, username, status) VALUES (?1, ?2, ?3)",
            params![phone.number, phone.user, phone.status.as_str()],
        )?;
    }
    for spec in &fixture.tokens {
        let owner = fixture
            .bindings
            .iter()
            .find(|b| b.token == spec.serial)
            .map(|b| b.user.clone());
        let (device_counter, device_drift) = match spec.kind {
            OtpKind::Hotp => (
                spec.counter
                    .saturating_add(spec.device_offset.max(0) as u64),
                0,
            ),
            OtpKind::Totp => (0, spec.device_offset),
        };
        let token = Token {
            serial: spec.serial.clone(),
            kind: spec.kind,
            secret: decode_secret(&spec.secret).unwrap_or_default(),
            digits: spec.digits,
            period: spec.period,
            counter: spec.counter,
            drift: 0,
            last_step: None,
            device_counter,
            device_drift,
            status: spec.status,
            fail_count: spec.fail_count,
            owner,
        };
        tx.execute(
            &format!(
                "INSERT INTO tokens ({TOKEN_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            ),
            rusqlite::params_from_iter(token_params(&token)),
        )?;
    }
    seed_securid(tx, fixture)?;
    helpdesk::seed(tx, fixture)?;
    Ok(())
}

/// Insert the SecurID identities of the fixture's users (those the database has).
fn seed_securid(tx: &Transaction, fixture: &Fixture) -> rusqlite::Result<()> {
    for user in &fixture.users {
        let Some(spec) = &user.securid else {
            continue;
        };
        let row = SecurIdUser {
            id: spec.user_id(&user.username).to_ascii_lowercase(),
            username: user.username.clone(),
            email: spec.email.clone(),
            first_name: spec.first_name.clone(),
            last_name: spec.last_name.clone(),
            status: spec.status,
            identity_source: spec.identity_source.clone(),
            mark_deleted: spec.mark_deleted,
            high_risk: spec.high_risk,
            sms_number: spec.sms.clone(),
            voice_number: spec.voice.clone(),
            token_locked: spec.locked.contains(&SecurIdMethod::Token),
            sms_locked: spec.locked.contains(&SecurIdMethod::Sms),
            voice_locked: spec.locked.contains(&SecurIdMethod::Voice),
            stuck: {
                let mut stuck = spec.stuck.clone();
                stuck.sort();
                stuck.dedup();
                stuck
            },
        };
        tx.execute(
            &format!(
                "INSERT OR IGNORE INTO securid_users ({SECURID_COLUMNS}) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15 \
                 WHERE EXISTS (SELECT 1 FROM users WHERE username = ?2)"
            ),
            rusqlite::params_from_iter(securid_params(&row)),
        )?;
    }
    Ok(())
}

fn securid_params(u: &SecurIdUser) -> [Box<dyn rusqlite::ToSql>; 15] {
    [
        Box::new(u.id.clone()),
        Box::new(u.username.clone()),
        Box::new(u.email.clone()),
        Box::new(u.first_name.clone()),
        Box::new(u.last_name.clone()),
        Box::new(u.status.as_str()),
        Box::new(u.identity_source.clone()),
        Box::new(u.mark_deleted),
        Box::new(u.high_risk),
        Box::new(u.sms_number.clone()),
        Box::new(u.voice_number.clone()),
        Box::new(u.token_locked),
        Box::new(u.sms_locked),
        Box::new(u.voice_locked),
        Box::new(serde_json::to_string(&u.stuck).unwrap_or_else(|_| "[]".into())),
    ]
}

fn securid_from_row(row: &Row) -> rusqlite::Result<SecurIdUser> {
    let status: String = row.get(5)?;
    let stuck: String = row.get(14)?;
    Ok(SecurIdUser {
        id: row.get(0)?,
        username: row.get(1)?,
        email: row.get(2)?,
        first_name: row.get(3)?,
        last_name: row.get(4)?,
        status: SecurIdStatus::parse(&status).ok_or_else(|| bad_column(5, "SecurID status"))?,
        identity_source: row.get(6)?,
        mark_deleted: row.get(7)?,
        high_risk: row.get(8)?,
        sms_number: row.get(9)?,
        voice_number: row.get(10)?,
        token_locked: row.get(11)?,
        sms_locked: row.get(12)?,
        voice_locked: row.get(13)?,
        stuck: serde_json::from_str(&stuck).map_err(|_| bad_column(14, "SecurID stuck list"))?,
    })
}

fn save_securid(tx: &Transaction, user: &SecurIdUser) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE securid_users SET username = ?2, email = ?3, first_name = ?4, last_name = ?5, \
         status = ?6, identity_source = ?7, mark_deleted = ?8, high_risk = ?9, \
         sms_number = ?10, voice_number = ?11, token_locked = ?12, sms_locked = ?13, \
         voice_locked = ?14, stuck = ?15 WHERE id = ?1",
        rusqlite::params_from_iter(securid_params(user)),
    )?;
    Ok(())
}

/// How a SecurID user is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurIdLookup {
    /// `emailAddress`, without regard to case.
    Email(String),
    /// The username, exactly.
    Username(String),
    /// The user id (uuid form, without regard to case).
    Id(String),
    /// A practice control's name for a user: id, email or username, whichever matches.
    Any(String),
}

fn find_securid(tx: &Transaction, by: &SecurIdLookup) -> Result<SecurIdUser, StoreError> {
    let (condition, value) = match by {
        SecurIdLookup::Email(v) => ("email = ?1", v),
        SecurIdLookup::Username(v) => ("username = ?1", v),
        SecurIdLookup::Id(v) => ("id = lower(?1)", v),
        SecurIdLookup::Any(v) => (
            "id = lower(?1) OR email = ?1 OR username = ?1 ORDER BY id = lower(?1) DESC, \
             username = ?1 DESC LIMIT 1",
            v,
        ),
    };
    tx.query_row(
        &format!("SELECT {SECURID_COLUMNS} FROM securid_users WHERE {condition}"),
        [value],
        securid_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::UnknownUser(value.clone()))
}

fn token_params(t: &Token) -> [Box<dyn rusqlite::ToSql>; 13] {
    [
        Box::new(t.serial.clone()),
        Box::new(t.kind.as_str()),
        Box::new(data_encoding::BASE32_NOPAD.encode(&t.secret)),
        Box::new(t.digits),
        Box::new(t.period as i64),
        Box::new(t.counter as i64),
        Box::new(t.drift),
        Box::new(t.last_step.map(|s| s as i64)),
        Box::new(t.device_counter as i64),
        Box::new(t.device_drift),
        Box::new(t.status.as_str()),
        Box::new(t.fail_count),
        Box::new(t.owner.clone()),
    ]
}

fn save_token(tx: &Transaction, token: &Token) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE tokens SET kind = ?2, secret = ?3, digits = ?4, period = ?5, counter = ?6, \
         drift = ?7, last_step = ?8, device_counter = ?9, device_drift = ?10, status = ?11, \
         fail_count = ?12, username = ?13 WHERE serial = ?1",
        rusqlite::params_from_iter(token_params(token)),
    )?;
    Ok(())
}

fn bad_column(index: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        index,
        rusqlite::types::Type::Text,
        format!("unexpected {what} in the database").into(),
    )
}

fn token_from_row(row: &Row) -> rusqlite::Result<Token> {
    let kind: String = row.get(1)?;
    let secret: String = row.get(2)?;
    let status: String = row.get(10)?;
    Ok(Token {
        serial: row.get(0)?,
        kind: OtpKind::parse(&kind).ok_or_else(|| bad_column(1, "token kind"))?,
        secret: decode_secret(&secret).ok_or_else(|| bad_column(2, "token secret"))?,
        digits: row.get(3)?,
        period: row.get::<_, i64>(4)?.max(1) as u64,
        counter: row.get::<_, i64>(5)?.max(0) as u64,
        drift: row.get(6)?,
        last_step: row.get::<_, Option<i64>>(7)?.map(|s| s.max(0) as u64),
        device_counter: row.get::<_, i64>(8)?.max(0) as u64,
        device_drift: row.get(9)?,
        status: TokenStatus::parse(&status).ok_or_else(|| bad_column(10, "token status"))?,
        fail_count: row.get(11)?,
        owner: row.get(12)?,
    })
}

fn load_token(tx: &Transaction, serial: &str) -> rusqlite::Result<Option<Token>> {
    tx.query_row(
        &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE serial = ?1"),
        [serial],
        token_from_row,
    )
    .optional()
}

fn user_token(tx: &Transaction, username: &str) -> rusqlite::Result<Option<Token>> {
    tx.query_row(
        &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE username = ?1"),
        [username],
        token_from_row,
    )
    .optional()
}

fn user_phone(tx: &Transaction, username: &str) -> rusqlite::Result<Option<(String, PhoneStatus)>> {
    tx.query_row(
        "SELECT number, status FROM phones WHERE username = ?1",
        [username],
        |r| {
            let status: String = r.get(1)?;
            Ok((
                r.get(0)?,
                PhoneStatus::parse(&status).ok_or_else(|| bad_column(1, "phone status"))?,
            ))
        },
    )
    .optional()
}

struct UserRow {
    status: UserStatus,
    /// The account is locked (`user/unlockUser` unlocks it).
    locked: bool,
    device: Option<DeviceSpec>,
    certs: Vec<CertSpec>,
    fido: Vec<String>,
}

fn load_user(tx: &Transaction, username: &str) -> Result<UserRow, StoreError> {
    let row = tx
        .query_row(
            "SELECT status, device, certs, fido, locked FROM users WHERE username = ?1",
            [username],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((status, device, certs, fido, locked)) = row else {
        return Err(StoreError::UnknownUser(username.to_string()));
    };
    Ok(UserRow {
        status: UserStatus::parse(&status).ok_or_else(|| bad_column(0, "user status"))?,
        locked,
        device: device.and_then(|d| serde_json::from_str(&d).ok()),
        certs: serde_json::from_str(&certs).unwrap_or_default(),
        fido: serde_json::from_str(&fido).unwrap_or_default(),
    })
}

fn ensure_user(tx: &Transaction, username: &str) -> Result<(), StoreError> {
    let found: Option<i64> = tx
        .query_row("SELECT 1 FROM users WHERE username = ?1", [username], |r| {
            r.get(0)
        })
        .optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::UnknownUser(username.to_string())),
    }
}

/// One entry of `certList`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedCert {
    pub sn: String,
    pub fingerprint: String,
    pub subject_dn: String,
    pub issuer_dn: String,
    pub revoked: bool,
    pub valid_from: i64,
    pub valid_to: i64,
}

fn listed_cert(cert: &CertSpec) -> ListedCert {
    ListedCert {
        sn: cert.sn.clone(),
        fingerprint: cert.fingerprint.clone(),
        subject_dn: cert.subject_dn.clone(),
        issuer_dn: cert.issuer_dn.clone(),
        revoked: cert.revoked,
        valid_from: cert.valid_from,
        valid_to: cert.valid_to,
    }
}

/// The `object` of a `user/auth/list` answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthList {
    pub token_list: Vec<ListedToken>,
    pub cert_list: Vec<ListedCert>,
    pub device: Option<DeviceSpec>,
}

/// One entry of `tokenList`: type 1 SMS, 2 OTP, 3 FIDO; status as `TokenStatus::list_status`.
#[derive(Debug, Clone, Serialize)]
pub struct ListedToken {
    pub sn: String,
    #[serde(rename = "type")]
    pub kind: u8,
    pub status: u8,
}

/// A user as the practice panel shows them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub username: String,
    pub status: &'static str,
    /// The account is locked.
    pub locked: bool,
    pub phone: Option<PhoneView>,
    pub token: Option<TokenView>,
    pub fido: Vec<String>,
    pub device: Option<DeviceSpec>,
    /// How many certificates the user holds.
    pub certs: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhoneView {
    pub number: String,
    pub status: &'static str,
}

/// A hardware token as the practice panel shows it (secrets included: it is practice data).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub serial: String,
    pub kind: OtpKind,
    pub status: TokenStatus,
    /// The number `user/auth/list` reports for this status.
    pub list_status: u8,
    pub owner: Option<String>,
    pub digits: u32,
    /// TOTP step length in seconds.
    pub period: Option<u64>,
    pub fail_count: u32,
    /// HOTP: the next counter the server expects.
    pub counter: Option<u64>,
    /// HOTP: the counter of the code the device shows on its next press.
    pub device_counter: Option<u64>,
    /// TOTP: the device-clock offset (steps) the server has learned.
    pub drift: Option<i64>,
    /// TOTP: how many steps the device's clock is actually off.
    pub device_drift: Option<i64>,
    /// Base32 secret, to load the practice token into an authenticator app.
    pub secret: String,
}

impl From<&Token> for TokenView {
    fn from(t: &Token) -> TokenView {
        let hotp = t.kind == OtpKind::Hotp;
        TokenView {
            serial: t.serial.clone(),
            kind: t.kind,
            status: t.status,
            list_status: t.status.list_status(),
            owner: t.owner.clone(),
            digits: t.digits,
            period: (!hotp).then_some(t.period),
            fail_count: t.fail_count,
            counter: hotp.then_some(t.counter),
            device_counter: hotp.then_some(t.device_counter),
            drift: (!hotp).then_some(t.drift),
            device_drift: (!hotp).then_some(t.device_drift),
            secret: data_encoding::BASE32_NOPAD.encode(&t.secret),
        }
    }
}

/// A user's identity on the practice SecurID service, with the lock state of each method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurIdUser {
    /// The API's user id (uuid form, lower case).
    pub id: String,
    /// The practice user (CENTAGATE username) this identity belongs to.
    pub username: String,
    #[serde(rename = "emailAddress")]
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(rename = "userStatus")]
    pub status: SecurIdStatus,
    pub identity_source: String,
    pub mark_deleted: bool,
    #[serde(rename = "highRiskUser")]
    pub high_risk: bool,
    /// `None`: the SMS method is off.
    pub sms_number: Option<String>,
    /// `None`: the voice method is off.
    pub voice_number: Option<String>,
    #[serde(rename = "isTokenLocked")]
    pub token_locked: bool,
    #[serde(rename = "isSmsLocked")]
    pub sms_locked: bool,
    #[serde(rename = "isVoiceLocked")]
    pub voice_locked: bool,
    /// Locked methods whose unlock fails (the unlock call answers 500), sorted.
    pub stuck: Vec<SecurIdMethod>,
}

impl SecurIdUser {
    /// Whether `method` is on (TOKEN always is).
    pub fn has(&self, method: SecurIdMethod) -> bool {
        match method {
            SecurIdMethod::Token => true,
            SecurIdMethod::Sms => self.sms_number.is_some(),
            SecurIdMethod::Voice => self.voice_number.is_some(),
        }
    }

    /// Whether `method`'s tokencodes are locked.
    pub fn locked(&self, method: SecurIdMethod) -> bool {
        match method {
            SecurIdMethod::Token => self.token_locked,
            SecurIdMethod::Sms => self.sms_locked,
            SecurIdMethod::Voice => self.voice_locked,
        }
    }

    pub(crate) fn set_locked(&mut self, method: SecurIdMethod, locked: bool) {
        match method {
            SecurIdMethod::Token => self.token_locked = locked,
            SecurIdMethod::Sms => self.sms_locked = locked,
            SecurIdMethod::Voice => self.voice_locked = locked,
        }
    }
}
