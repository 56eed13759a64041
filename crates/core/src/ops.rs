//! The admin operations: one path for each, shared by the desktop app and the CLI.
//! Check the profile's backend offers it → validate → (load credentials) → sign → send →
//! interpret. Nothing is sent when the input is invalid, and credentials are not even read.
//!
//! CENTAGATE profiles offer register, resync, unlock and list methods; SecurID Cloud
//! profiles offer user lookup and unlock tokencodes. Asking a profile for an operation its
//! backend lacks is a `Config` error ([`ConfigError::Unsupported`]) before anything else.
//! The backend itself — its secret, its client, its connection test — is reached through
//! [`crate::backend`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::OnceCell;
use ts_rs::TS;

use crate::audit::{in_case, Action, Case, Recordable, Recorder};
use crate::backend::{self, Connection, ConnectionCheck, ProfileSecret};
use crate::centagate::answer::Answer;
use crate::centagate::client::{Call, Client as CentagateClient};
use crate::centagate::methods::AuthMethods;
use crate::centagate::tokens::{SettableState, TokenState, TokenType};
use crate::credentials;
use crate::error::{ConfigError, Error, ErrorInfo, TransportError};
use crate::profile::Profile;
use crate::securid::client::Client as SecurIdClient;
use crate::securid::helpdesk::{
    EmergencyCode, EmergencyCodeRequest, HardwareToken, HardwareTokenRequest, SearchUsersRequest,
    SecurIdMethods, UserSearch, UserStatus,
};
use crate::securid::jwt::{Clock, SystemClock};
use crate::securid::locks::MethodLocks;
use crate::securid::locks::UnlockMethod;
use crate::securid::retry::{RateLimitObserver, RetryPolicy};
use crate::securid::users::{LookupBy, LookupUserRequest, SecurIdUser, UnlockMethodsRequest};
use crate::validate;
use crate::vocab::{Field, Operation};

/// The token to register to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum NewToken {
    /// An SMS token: the user's mobile number.
    Sms { phone: String },
    /// A hardware OTP token: its serial, unbound and deactivated on the server.
    Otp { serial: String },
}

/// Register an active SMS or OTP token to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RegisterTokenRequest {
    pub username: String,
    pub token: NewToken,
}

/// Resynchronise a user's OTP token with two consecutive codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncTokenRequest {
    pub username: String,
    pub otp1: String,
    pub otp2: String,
}

/// An operation on one user (unlock, list methods).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserRequest {
    pub username: String,
}

/// A user's token of one kind (unregister it, read its status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserTokenRequest {
    pub username: String,
    pub kind: TokenType,
}

/// Set a user's token of one kind to a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetTokenStatusRequest {
    pub username: String,
    pub kind: TokenType,
    pub status: SettableState,
}

/// A user's token status of one kind, as the server reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenStateView {
    pub username: String,
    pub kind: TokenType,
    pub status: TokenState,
}

impl NewToken {
    /// The serial or phone number, as `tokenSn`.
    pub fn sn(&self) -> &str {
        match self {
            NewToken::Sms { phone } => phone,
            NewToken::Otp { serial } => serial,
        }
    }
}

impl RegisterTokenRequest {
    /// Checks every field; returns the request as it will be sent (trimmed, normalised).
    pub fn validate(&self) -> Result<Self, Error> {
        Ok(RegisterTokenRequest {
            username: validate::username(Field::Username, &self.username)?,
            token: match &self.token {
                NewToken::Sms { phone } => NewToken::Sms {
                    phone: validate::phone(phone)?,
                },
                NewToken::Otp { serial } => NewToken::Otp {
                    serial: validate::serial(serial)?,
                },
            },
        })
    }
}

impl SyncTokenRequest {
    /// Checks every field; returns the request as it will be sent.
    pub fn validate(&self) -> Result<Self, Error> {
        let username = validate::username(Field::Username, &self.username)?;
        let (otp1, otp2) = validate::otp_pair(&self.otp1, &self.otp2)?;
        Ok(SyncTokenRequest {
            username,
            otp1,
            otp2,
        })
    }
}

impl UserRequest {
    /// Checks the username; returns it trimmed.
    pub fn validate(&self) -> Result<Self, Error> {
        Ok(UserRequest {
            username: validate::username(Field::Username, &self.username)?,
        })
    }
}

/// A successful answer: code 0, the server's message, and the object.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Outcome<T> {
    pub code: i64,
    pub message: Option<String>,
    /// What the operation did, in words for the person ("Registered SMS +6012… to alice").
    pub summary: String,
    pub object: T,
}

/// A connection to one server profile. Its secret is read on first use, after the input of
/// the first operation was found valid.
#[derive(Debug)]
pub struct Session {
    profile: Profile,
    /// The secret the caller gave; `None`: the environment's, else the store's.
    given: Option<ProfileSecret>,
    conn: OnceCell<Resolved>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    recorder: Recorder,
    env: credentials::Environment,
}

impl Session {
    /// A session that finds credentials in the environment or the OS store, and records
    /// every action through `recorder`.
    pub fn new(profile: Profile, recorder: Recorder) -> Self {
        Session {
            profile,
            recorder,
            given: None,
            conn: OnceCell::new(),
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            env: credentials::Environment::Use,
        }
    }

    /// Never takes the secret from the environment (the app, unless started for automation).
    pub fn without_environment(mut self) -> Self {
        self.env = credentials::Environment::Ignore;
        self
    }

    /// A session with the secret supplied by the caller (just imported, tests, practice
    /// mode). It must be the profile's (its kind; SecurID: its access ID and URL); that is
    /// checked on first use.
    pub fn with_secret(profile: Profile, secret: ProfileSecret, recorder: Recorder) -> Self {
        Session {
            given: Some(secret),
            ..Session::new(profile, recorder)
        }
    }

    /// Calls `observer` before each wait when the server rate-limits (HTTP 429), e.g. to
    /// print "rate limited by the server, retrying in 2 s (attempt 2 of 4)".
    pub fn on_rate_limit(mut self, observer: RateLimitObserver) -> Self {
        self.retry.observer = Some(observer);
        self
    }

    /// Replaces how 429 answers are retried (attempts, waits, sleeper, jitter); an
    /// observer already set is kept unless the policy brings its own.
    pub fn with_retry_policy(mut self, mut policy: RetryPolicy) -> Self {
        if policy.observer.is_none() {
            policy.observer = self.retry.observer.take();
        }
        self.retry = policy;
        self
    }

    /// Replaces the clock the SecurID tokens are dated with (tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A new session like this one (profile, given secret, 429 policy, clock, environment)
    /// that records through `recorder` and has its own connection: a bulk job's, whose rows
    /// are recorded as surface `bulk:<job id>`.
    pub fn with_recorder(&self, recorder: Recorder) -> Session {
        Session {
            profile: self.profile.clone(),
            given: self.given.clone(),
            conn: OnceCell::new(),
            retry: self.retry.clone(),
            clock: self.clock.clone(),
            recorder,
            env: self.env,
        }
    }

    /// The profile this session talks to.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The sink this session records its actions through.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Records `operation` on `target` (with non-secret `details`) around `run`: the attempt
    /// before anything is sent (or nothing is sent, when it cannot be recorded), the result
    /// after.
    async fn recorded<T: Recordable>(
        &self,
        operation: Operation,
        target: &str,
        details: &[(&str, &str)],
        run: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let action = Action {
            profile: self.profile.name.clone(),
            server: self.profile.url.clone(),
            admin: self.profile.admin.clone(),
            operation: operation.name().to_owned(),
            target: target.to_owned(),
            details: details
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        self.recorder.record(action, run).await
    }

    /// Refuses an operation the profile's backend does not offer.
    fn require(&self, operation: Operation) -> Result<(), Error> {
        if operation
            .backend()
            .is_none_or(|b| b == self.profile.backend)
        {
            return Ok(());
        }
        Err(self.not_offered(operation))
    }

    fn not_offered(&self, operation: Operation) -> Error {
        ConfigError::Unsupported {
            profile: self.profile.name.clone(),
            backend: self.profile.backend.label().to_owned(),
            action: operation.label().to_owned(),
        }
        .into()
    }

    /// The profile's client, made on first use with the given secret, else the
    /// environment's or the store's (a signed-in profile's: its kept session).
    async fn connection(&self) -> Result<&Connection, Error> {
        Ok(&self.resolved().await?.conn)
    }

    /// The client (made on first use), refused before anything is sent when it signs with a
    /// kept session that has since ended — by its time, or by the server (10001).
    async fn resolved(&self) -> Result<&Resolved, Error> {
        let r = self
            .conn
            .get_or_try_init(|| async {
                let (secret, session_ends_at) = match &self.given {
                    Some(s) => (s.clone(), None),
                    None => {
                        let profile = self.profile.clone();
                        let (now, env) = (self.clock.now(), self.env);
                        let r =
                            credentials::blocking(move || credentials::resolve(&profile, now, env))
                                .await?;
                        (r.secret, r.session_ends_at)
                    }
                };
                let conn = backend::connect(
                    &self.profile,
                    &secret,
                    self.clock.clone(),
                    self.retry.clone(),
                )?;
                Ok::<_, Error>(Resolved {
                    conn,
                    session_ends_at,
                    ended: AtomicBool::new(false),
                })
            })
            .await?;
        if let Some(at) = r.session_ends_at {
            if r.ended.load(Ordering::SeqCst) {
                return Err(ConfigError::NotSignedIn {
                    profile: self.profile.name.clone(),
                }
                .into());
            }
            if self.clock.now() >= at {
                return Err(ConfigError::SessionExpired {
                    profile: self.profile.name.clone(),
                    at: crate::clock::utc_minute(at),
                }
                .into());
            }
        }
        Ok(r)
    }

    /// A CENTAGATE answer 10001 (credentials refused) on a kept session means the server
    /// ended it: TokenDesk ends it too (deletes it from the store) and says so.
    async fn ended_session(&self, e: Error) -> Error {
        let kept = self.conn.get().filter(|r| r.session_ends_at.is_some());
        let Some(kept) = kept.filter(|_| matches!(e, Error::Server { code: 10001, .. })) else {
            return e;
        };
        kept.ended.store(true, Ordering::SeqCst);
        let profile = self.profile.clone();
        let deleted = credentials::blocking(move || {
            credentials::SecretStore::open()?.delete_session(&profile)
        })
        .await;
        if deleted.is_err() {
            tracing::warn!(profile = %self.profile.name, "the ended session could not be deleted from the store");
        }
        ConfigError::SessionEnded {
            profile: self.profile.name.clone(),
        }
        .into()
    }

    /// The CENTAGATE client, for `operation` (which [`Session::require`] let through).
    async fn centagate(&self, operation: Operation) -> Result<&CentagateClient, Error> {
        match self.connection().await? {
            Connection::Centagate(c) => Ok(c),
            _ => Err(self.not_offered(operation)),
        }
    }

    /// The SecurID client, for `operation` (which [`Session::require`] let through).
    async fn securid(&self, operation: Operation) -> Result<&SecurIdClient, Error> {
        match self.connection().await? {
            Connection::SecurId(c) => Ok(c),
            _ => Err(self.not_offered(operation)),
        }
    }

    /// SecurID: finds a user by email address or username (User Details), with their ID
    /// and whether SMS and voice tokencodes are on. `code` is the HTTP status.
    pub async fn lookup_user(
        &self,
        req: &LookupUserRequest,
    ) -> Result<Outcome<SecurIdUser>, Error> {
        self.require(Operation::LookupUser)?;
        let req = req.validate()?;
        let by = match req.by {
            LookupBy::Email => "email",
            LookupBy::Username => "username",
        };
        self.recorded(Operation::LookupUser, &req.value, &[("by", by)], async {
            self.lookup_user_unrecorded(&req).await
        })
        .await
    }

    async fn lookup_user_unrecorded(
        &self,
        req: &LookupUserRequest,
    ) -> Result<Outcome<SecurIdUser>, Error> {
        let user = self
            .securid(Operation::LookupUser)
            .await?
            .lookup_user(req)
            .await?;
        let onoff = |on: bool| if on { "on" } else { "off" };
        let summary = format!(
            "Found {} ({}){}; SMS {}, voice {}.",
            user.name,
            user.id,
            user.status
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default(),
            onoff(user.sms_on),
            onoff(user.voice_on),
        );
        Ok(Outcome {
            code: 200,
            message: None,
            summary,
            object: user,
        })
    }

    /// SecurID: unlocks the chosen tokencode methods of a user (by the ID a lookup gave) and
    /// reports the lock status of all three. `code` is the HTTP status. When the server
    /// answers 500 the error is [`Error::UnlockIncomplete`], which still carries the
    /// statuses ([`Error::method_locks`]).
    pub async fn unlock_methods(
        &self,
        req: &UnlockMethodsRequest,
    ) -> Result<Outcome<MethodLocks>, Error> {
        self.unlock_methods_of(req, &req.user_id).await
    }

    /// As [`Session::unlock_methods`], recorded with `who` (the email address or username
    /// the person found the user by) as the target.
    pub async fn unlock_methods_of(
        &self,
        req: &UnlockMethodsRequest,
        who: &str,
    ) -> Result<Outcome<MethodLocks>, Error> {
        self.require(Operation::UnlockMethods)?;
        let req = req.validate()?;
        let who = match who.trim() {
            "" => req.user_id.as_str(),
            w => w,
        };
        let methods = method_list(&req.methods);
        self.recorded(
            Operation::UnlockMethods,
            who,
            &[("userId", &req.user_id), ("methods", &methods)],
            async { self.unlock_methods_unrecorded(&req).await },
        )
        .await
    }

    /// Unlocks as [`Session::unlock_methods_of`] and reports the statuses of all three
    /// methods either way: a part-way failure (HTTP 500) is a report with `failure` set, not
    /// an error, so a screen can show the statuses beside the failure.
    pub async fn unlock_report(
        &self,
        req: &UnlockMethodsRequest,
        who: &str,
    ) -> Result<UnlockReport, Error> {
        match self.unlock_methods_of(req, who).await {
            Ok(outcome) => Ok(UnlockReport {
                code: outcome.code,
                summary: outcome.summary,
                requested: req.validate()?.methods,
                locks: outcome.object,
                failure: None,
            }),
            Err(Error::UnlockIncomplete(u)) => {
                let failure = Error::UnlockIncomplete(u.clone()).info();
                let asked: Vec<&str> = u.requested.iter().map(|m| m.label()).collect();
                Ok(UnlockReport {
                    code: 500,
                    summary: format!(
                        "Asked to unlock {} for user {}, but the server failed part-way (HTTP 500). Now: {}.",
                        asked.join(", "),
                        u.locks.user_id,
                        u.locks.words()
                    ),
                    requested: u.requested,
                    locks: u.locks,
                    failure: Some(failure),
                })
            }
            Err(e) => Err(e),
        }
    }

    async fn unlock_methods_unrecorded(
        &self,
        req: &UnlockMethodsRequest,
    ) -> Result<Outcome<MethodLocks>, Error> {
        let locks = self
            .securid(Operation::UnlockMethods)
            .await?
            .unlock_methods(req)
            .await?;
        let asked: Vec<&str> = req.methods.iter().map(|m| m.label()).collect();
        let still: Vec<&str> = req
            .methods
            .iter()
            .filter(|m| locks.is_locked(**m))
            .map(|m| m.label())
            .collect();
        let summary = if still.is_empty() {
            format!(
                "Unlocked {} for user {}. Now: {}.",
                asked.join(", "),
                locks.user_id,
                locks.words()
            )
        } else {
            format!(
                "Asked to unlock {} for user {}, but {} still locked. Now: {}.",
                asked.join(", "),
                locks.user_id,
                still.join(", "),
                locks.words()
            )
        };
        Ok(Outcome {
            code: 200,
            message: None,
            summary,
            object: locks,
        })
    }

    /// SecurID: checks who to act on, before anything is sent; the target's words.
    fn who(
        &self,
        operation: Operation,
        who: &LookupUserRequest,
    ) -> Result<LookupUserRequest, Error> {
        self.require(operation)?;
        who.validate()
    }

    /// SecurID: finds the user to act on (unrecorded: part of the action that needs it).
    async fn find(
        &self,
        operation: Operation,
        who: &LookupUserRequest,
    ) -> Result<(&SecurIdClient, SecurIdUser), Error> {
        let client = self.securid(operation).await?;
        Ok((client, client.lookup_user(who).await?))
    }

    /// SecurID: users whose email address contains some text (one page, up to 25).
    pub async fn search_users(
        &self,
        req: &SearchUsersRequest,
    ) -> Result<Outcome<UserSearch>, Error> {
        self.require(Operation::SearchUsers)?;
        let (text, size) = req.validate()?;
        self.recorded(Operation::SearchUsers, &text, &[], async {
            let found = self
                .securid(Operation::SearchUsers)
                .await?
                .search_users(&text, size)
                .await?;
            let summary = match (found.users.len(), found.total) {
                (0, _) => format!("No user's email address contains \"{text}\"."),
                (n, Some(t)) if t > n as u64 => {
                    format!("{n} of {t} users whose email address contains \"{text}\".")
                }
                (1, _) => format!("1 user's email address contains \"{text}\"."),
                (n, _) => format!("{n} users' email addresses contain \"{text}\"."),
            };
            Ok(Outcome {
                code: 200,
                message: None,
                summary,
                object: found,
            })
        })
        .await
    }

    /// SecurID: enables (`enable`) or disables a user found by email address or username.
    pub async fn securid_set_user_enabled(
        &self,
        who: &LookupUserRequest,
        enable: bool,
    ) -> Result<Outcome<SecurIdUser>, Error> {
        let (operation, status) = if enable {
            (Operation::EnableUser, UserStatus::Enabled)
        } else {
            (Operation::DisableUser, UserStatus::Disabled)
        };
        let who = self.who(operation, who)?;
        self.recorded(operation, &who.value, &[], async {
            let (client, mut user) = self.find(operation, &who).await?;
            let now = client.set_user_status(&user.id, status).await?;
            user.status = now.or(Some(status.wire().to_owned()));
            let summary = if enable {
                format!(
                    "Enabled {} ({}): they can sign in again.",
                    user.name, user.id
                )
            } else {
                format!(
                    "Disabled {} ({}): they cannot sign in until enabled again.",
                    user.name, user.id
                )
            };
            Ok(Outcome {
                code: 200,
                message: None,
                summary,
                object: user,
            })
        })
        .await
    }

    /// SecurID: issues an emergency tokencode to a user. The code is in the outcome's object
    /// for its one display; the audit log records that one was issued, to whom, and until
    /// when — never the code.
    pub async fn emergency_code(
        &self,
        who: &LookupUserRequest,
        req: &EmergencyCodeRequest,
    ) -> Result<Outcome<IssuedCode>, Error> {
        let who = self.who(Operation::EmergencyCode, who)?;
        let validity = req.validate()?;
        let asked = validity.words();
        self.recorded(
            Operation::EmergencyCode,
            &who.value,
            &[("validity", &asked)],
            async {
                let (client, user) = self.find(Operation::EmergencyCode, &who).await?;
                let code = client.emergency_code(&user.id, &validity).await?;
                let until = code
                    .expires_at
                    .as_deref()
                    .map(|t| format!(" until {t}"))
                    .unwrap_or_default();
                let once = match code.one_time {
                    Some(true) => "one-time",
                    Some(false) => "reusable until it expires",
                    None => "one-time use as the tenant sets",
                };
                Ok(Outcome {
                    code: 200,
                    message: None,
                    summary: format!(
                        "Issued an emergency tokencode to {} ({}), valid{until} ({once}). Give it to the user by a channel you trust; it is not shown again.",
                        user.name, user.id
                    ),
                    object: IssuedCode { user, code },
                })
            },
        )
        .await
    }

    /// SecurID: the methods bound to a user — who they are (SMS, voice) and their
    /// authenticators, SID700 hardware tokens included.
    pub async fn securid_methods(
        &self,
        who: &LookupUserRequest,
    ) -> Result<Outcome<SecurIdMethods>, Error> {
        let who = self.who(Operation::ListMethods, who)?;
        self.recorded(Operation::ListMethods, &who.value, &[], async {
            let (client, user) = self.find(Operation::ListMethods, &who).await?;
            let authenticators = client.authenticators(&user.id).await?;
            let n = authenticators.len() + usize::from(user.sms_on) + usize::from(user.voice_on);
            let summary = match n {
                0 => format!("{} has no methods bound.", user.name),
                1 => format!("{} has 1 method bound.", user.name),
                n => format!("{} has {n} methods bound.", user.name),
            };
            Ok(Outcome {
                code: 200,
                message: None,
                summary,
                object: SecurIdMethods {
                    user,
                    authenticators,
                },
            })
        })
        .await
    }

    /// SecurID: finds a user by email address or username, then unlocks the chosen
    /// tokencode methods — one recorded action (a bulk row, where no person saw the lookup).
    pub async fn unlock_found_user(
        &self,
        who: &LookupUserRequest,
        methods: &[UnlockMethod],
    ) -> Result<Outcome<MethodLocks>, Error> {
        let who = self.who(Operation::UnlockMethods, who)?;
        let methods = UnlockMethodsRequest::methods(methods)?;
        let list = method_list(&methods);
        self.recorded(
            Operation::UnlockMethods,
            &who.value,
            &[("methods", &list)],
            async {
                let (_, user) = self.find(Operation::UnlockMethods, &who).await?;
                let req = UnlockMethodsRequest {
                    user_id: user.id,
                    methods: methods.clone(),
                };
                self.unlock_methods_unrecorded(&req).await
            },
        )
        .await
    }

    /// SecurID: a SID700 hardware token by serial: its status and whom it is assigned to.
    pub async fn lookup_token(
        &self,
        req: &HardwareTokenRequest,
    ) -> Result<Outcome<HardwareToken>, Error> {
        self.require(Operation::LookupToken)?;
        let req = req.validate()?;
        self.recorded(Operation::LookupToken, &req.serial, &[], async {
            let token = self
                .securid(Operation::LookupToken)
                .await?
                .lookup_token(&req)
                .await?;
            let whose = token.user_id.as_deref().map_or_else(
                || "assigned to nobody".to_owned(),
                |u| format!("assigned to user {u}"),
            );
            let status = token.status.as_deref().unwrap_or("status not given");
            Ok(Outcome {
                code: 200,
                message: None,
                summary: format!("Hardware token {}: {status}, {whose}.", token.serial),
                object: token,
            })
        })
        .await
    }

    /// SecurID: assigns (`assign`) a SID700 hardware token to a user, or unassigns it.
    pub async fn assign_token(
        &self,
        who: &LookupUserRequest,
        req: &HardwareTokenRequest,
        assign: bool,
    ) -> Result<Outcome<HardwareToken>, Error> {
        let operation = if assign {
            Operation::Register
        } else {
            Operation::UnregisterToken
        };
        let who = self.who(operation, who)?;
        let req = req.validate()?;
        self.recorded(operation, &who.value, &[("serial", &req.serial)], async {
            let (client, user) = self.find(operation, &who).await?;
            let token = client.assign_token(&user.id, &req, assign).await?;
            let summary = if assign {
                format!(
                    "Assigned hardware token {} to {} ({}).",
                    req.serial, user.name, user.id
                )
            } else {
                format!(
                    "Unassigned hardware token {} from {} ({}); it can be assigned again.",
                    req.serial, user.name, user.id
                )
            };
            Ok(Outcome {
                code: 200,
                message: None,
                summary,
                object: token,
            })
        })
        .await
    }

    async fn send(&self, call: Call, fields: &[(&str, &str)]) -> Result<Answer, Error> {
        let sent = self
            .centagate(call.operation())
            .await?
            .send(call, fields)
            .await;
        match sent {
            Err(e) => Err(self.ended_session(e).await),
            ok => ok,
        }
    }

    /// Registers an active SMS (tokenType 1) or hardware OTP (tokenType 2) token to a user.
    pub async fn register_token(
        &self,
        req: &RegisterTokenRequest,
    ) -> Result<Outcome<Value>, Error> {
        self.require(Operation::Register)?;
        let v = req.validate()?;
        let (token_type, what) = match v.token {
            NewToken::Sms { .. } => ("1", "SMS number"),
            NewToken::Otp { .. } => ("2", "hardware token"),
        };
        let sn = v.token.sn();
        let detail = match v.token {
            NewToken::Sms { .. } => [("kind", "sms"), ("phone", sn)],
            NewToken::Otp { .. } => [("kind", "otp"), ("serial", sn)],
        };
        self.recorded(Operation::Register, &v.username, &detail, async {
            let a = self
                .send(
                    Call::RegisterActiveToken,
                    &[
                        ("username", &v.username),
                        ("tokenSn", sn),
                        ("tokenType", token_type),
                    ],
                )
                .await?;
            Ok(outcome(
                a,
                format!("Registered {what} {sn} to {}; it is active.", v.username),
            ))
        })
        .await
    }

    /// Resynchronises the user's OTP token with two consecutive codes.
    pub async fn sync_token(&self, req: &SyncTokenRequest) -> Result<Outcome<Value>, Error> {
        self.require(Operation::Sync)?;
        let username = validate::username(Field::Username, &req.username)?;
        let (otp1, otp2) = validate::otp_pair(&req.otp1, &req.otp2)?;
        // The codes are secrets of the moment: never recorded.
        self.recorded(Operation::Sync, &username, &[], async {
            let a = self
                .send(
                    Call::SyncToken,
                    &[
                        ("username", &username),
                        ("otpStr1", &otp1),
                        ("otpStr2", &otp2),
                    ],
                )
                .await?;
            Ok(outcome(
                a,
                format!(
                    "Resynchronised the OTP token of {username}; the next code it shows will work."
                ),
            ))
        })
        .await
    }

    /// Unlocks (or unsuspends) the user's OTP token.
    pub async fn unlock_token(&self, req: &UserRequest) -> Result<Outcome<Value>, Error> {
        self.require(Operation::Unlock)?;
        let username = validate::username(Field::Username, &req.username)?;
        self.recorded(Operation::Unlock, &username, &[], async {
            let a = self
                .send(Call::UnlockToken, &[("username", &username)])
                .await?;
            Ok(outcome(
                a,
                format!("Unlocked the OTP token of {username}; it is active again."),
            ))
        })
        .await
    }

    /// Lists the authentication methods bound to a user.
    pub async fn list_methods(&self, req: &UserRequest) -> Result<Outcome<AuthMethods>, Error> {
        self.require(Operation::ListMethods)?;
        let username = validate::username(Field::Username, &req.username)?;
        self.recorded(Operation::ListMethods, &username, &[], async {
            self.list_methods_unrecorded(&username).await
        })
        .await
    }

    async fn list_methods_unrecorded(&self, username: &str) -> Result<Outcome<AuthMethods>, Error> {
        let a = self
            .send(Call::ListAuthMethods, &[("username", username)])
            .await?;
        let methods = AuthMethods::from_object(&a.object);
        let n = methods.tokens.len()
            + methods.certificates.len()
            + usize::from(methods.device.is_some());
        let summary = match n {
            0 => format!("{username} has no methods bound."),
            1 => format!("{username} has 1 method bound."),
            n => format!("{username} has {n} methods bound."),
        };
        Ok(Outcome {
            code: a.code,
            message: a.message,
            summary,
            object: methods,
        })
    }

    /// Removes the user's token of one kind (`type` in the unregister numbering: SMS is 2).
    pub async fn unregister_token(&self, req: &UserTokenRequest) -> Result<Outcome<Value>, Error> {
        self.require(Operation::UnregisterToken)?;
        let username = validate::username(Field::Username, &req.username)?;
        let kind = req.kind;
        self.recorded(
            Operation::UnregisterToken,
            &username,
            &[("kind", kind.name())],
            async {
                let a = self
                    .send(
                        Call::UnregisterActiveToken,
                        &[("username", &username), ("type", kind.wire())],
                    )
                    .await?;
                Ok(outcome(
                    a,
                    format!("Removed the {} of {username}.", kind.label()),
                ))
            },
        )
        .await
    }

    /// Reads the status of the user's token of one kind.
    pub async fn token_status(
        &self,
        req: &UserTokenRequest,
    ) -> Result<Outcome<TokenStateView>, Error> {
        self.require(Operation::TokenStatus)?;
        let username = validate::username(Field::Username, &req.username)?;
        let kind = req.kind;
        self.recorded(
            Operation::TokenStatus,
            &username,
            &[("kind", kind.name())],
            async {
                let a = self
                    .send(
                        Call::GetTokenStatus,
                        &[("username", &username), ("type", kind.wire())],
                    )
                    .await?;
                let raw = match &a.object {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => "?".to_owned(),
                };
                let status =
                    TokenState::from_wire(&raw).ok_or_else(|| TransportError::NotUnderstood {
                        reason: "a token status that is none of \"\", 1 to 5".to_owned(),
                        excerpt: raw.chars().take(40).collect(),
                    })?;
                let summary = match status {
                    TokenState::None => format!("{username} has no {}.", kind.label()),
                    s => format!("The {} of {username} is {}.", kind.label(), s.label()),
                };
                Ok(Outcome {
                    code: a.code,
                    message: a.message,
                    summary,
                    object: TokenStateView {
                        username: username.clone(),
                        kind,
                        status,
                    },
                })
            },
        )
        .await
    }

    /// Sets the status of the user's token of one kind (not suspended: refused when read).
    pub async fn set_token_status(
        &self,
        req: &SetTokenStatusRequest,
    ) -> Result<Outcome<Value>, Error> {
        self.require(Operation::SetTokenStatus)?;
        let username = validate::username(Field::Username, &req.username)?;
        let (kind, status) = (req.kind, req.status);
        self.recorded(
            Operation::SetTokenStatus,
            &username,
            &[("kind", kind.name()), ("status", status.name())],
            async {
                let a = self
                    .send(
                        Call::UpdateTokenStatus,
                        &[
                            ("username", &username),
                            ("type", kind.wire()),
                            ("status", status.wire()),
                        ],
                    )
                    .await?;
                Ok(outcome(
                    a,
                    format!(
                        "Set the {} of {username} to {}.",
                        kind.label(),
                        status.status().label()
                    ),
                ))
            },
        )
        .await
    }

    /// Unlocks a locked user account (not the token: that is [`Session::unlock_token`]).
    pub async fn unlock_user(&self, req: &UserRequest) -> Result<Outcome<Value>, Error> {
        self.require(Operation::UnlockUser)?;
        let username = validate::username(Field::Username, &req.username)?;
        self.recorded(Operation::UnlockUser, &username, &[], async {
            let a = self
                .send(Call::UnlockUser, &[("lockedUsername", &username)])
                .await?;
            Ok(outcome(
                a,
                format!("Unlocked the account of {username}; they can sign in again."),
            ))
        })
        .await
    }

    /// Activates (`enable`) or deactivates a user account. Its tokens are not changed.
    pub async fn set_user_enabled(
        &self,
        req: &UserRequest,
        enable: bool,
    ) -> Result<Outcome<Value>, Error> {
        let call = Call::UpdateUserStatus { enable };
        let operation = call.operation();
        self.require(operation)?;
        let username = validate::username(Field::Username, &req.username)?;
        self.recorded(operation, &username, &[], async {
            let status = if enable { "1" } else { "0" };
            let a = self
                .send(call, &[("username", &username), ("status", status)])
                .await?;
            let what = if enable {
                "Enabled the account of {u}: it is active again."
            } else {
                "Disabled the account of {u}: it cannot sign in until enabled again."
            };
            Ok(outcome(a, what.replace("{u}", &username)))
        })
        .await
    }

    /// Proves the server answers and accepts the credentials, by the probe call of the
    /// profile's backend (CENTAGATE: a methods lookup of the admin's own username; SecurID: a
    /// user lookup of an address that cannot exist).
    pub async fn test_connection(&self) -> Result<ConnectionCheck, Error> {
        let name = self.profile.name.clone();
        self.recorded(Operation::TestProfile, &name, &[], async {
            match self.connection().await?.probe(&self.profile).await {
                Err(e) => Err(self.ended_session(e).await),
                ok => ok,
            }
        })
        .await
    }
}

/// A session's client and, when it signs with a signed-in profile's kept session, when that
/// ends and whether the server ended it sooner (10001).
#[derive(Debug)]
struct Resolved {
    conn: Connection,
    session_ends_at: Option<u64>,
    ended: AtomicBool,
}

/// An emergency tokencode as issued, with the user it was issued to.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IssuedCode {
    pub user: SecurIdUser,
    pub code: EmergencyCode,
}

/// How a SecurID unlock ended: the lock status of all three methods as the server reported
/// it, and — when it failed part-way (HTTP 500) — why, in the stable error shape.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnlockReport {
    /// The HTTP status: 200, or 500 when not every method was unlocked.
    pub code: i64,
    /// What happened, in words.
    pub summary: String,
    /// The methods that were asked to be unlocked (TOKEN, SMS, VOICE order).
    pub requested: Vec<UnlockMethod>,
    /// All three statuses after the attempt.
    pub locks: MethodLocks,
    /// Why the unlock did not complete; null when it did.
    pub failure: Option<ErrorInfo>,
}

impl<T> Recordable for Outcome<T> {
    fn summary(&self) -> Option<String> {
        Some(self.summary.clone())
    }
}

impl Recordable for ConnectionCheck {
    fn summary(&self) -> Option<String> {
        Some(self.summary.clone())
    }
}

/// "TOKEN,SMS".
fn method_list(methods: &[UnlockMethod]) -> String {
    methods
        .iter()
        .map(|m| m.wire())
        .collect::<Vec<_>>()
        .join(",")
}

fn outcome(a: Answer, summary: String) -> Outcome<Value> {
    Outcome {
        code: a.code,
        message: a.message,
        summary,
        object: a.object,
    }
}

/// The guided help-desk flows a case can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CaseFlow {
    /// A user lost their token or got a new one: remove the old, register the new.
    LostToken,
}

impl CaseFlow {
    fn name(self) -> &'static str {
        match self {
            CaseFlow::LostToken => "lostToken",
        }
    }
}

/// A step of a guided flow, as a case's close names where it stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CaseStep {
    Identity,
    EmergencyCode,
    RemoveOld,
    Register,
    Unlock,
    Check,
}

impl CaseStep {
    fn name(self) -> &'static str {
        match self {
            CaseStep::Identity => "identity",
            CaseStep::EmergencyCode => "emergencyCode",
            CaseStep::RemoveOld => "removeOld",
            CaseStep::Register => "register",
            CaseStep::Unlock => "unlock",
            CaseStep::Check => "check",
        }
    }
}

/// Open a help-desk case about a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenCaseRequest {
    /// The user the case is about (CENTAGATE username; SecurID email address or username).
    pub user: String,
    pub flow: CaseFlow,
    /// The help-desk ticket number, if there is one.
    pub ticket: Option<String>,
}

/// One thing an administrator checks before a guided flow changes anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IdentityCheck {
    /// As recorded in the audit log.
    pub id: String,
    /// What the administrator ticks, in words.
    pub label: String,
}

/// The identity checks every guided flow asks for, all of which must be ticked.
pub fn identity_checks() -> Vec<IdentityCheck> {
    [
        (
            "callback",
            "I called the user back on the number in the company directory, not one they gave me",
        ),
        (
            "personal",
            "The user answered a question only they can (employee number, manager's name)",
        ),
        (
            "request",
            "The request came from the user or their manager, and this case is about that user",
        ),
    ]
    .into_iter()
    .map(|(id, label)| IdentityCheck {
        id: id.into(),
        label: label.into(),
    })
    .collect()
}

/// The administrator's confirmation of the user's identity: the checks they ticked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConfirmIdentityRequest {
    pub user: String,
    /// The ids of the [`identity_checks`] ticked.
    pub checks: Vec<String>,
}

/// End a case: finished, or stopped part-way (then it stays unfinished in the audit log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CloseCaseRequest {
    pub user: String,
    /// True when every step was done.
    pub finished: bool,
    /// Where the flow was when it ended.
    pub step: Option<CaseStep>,
}

impl Session {
    /// Opens a help-desk case about a user: a fresh case id, recorded (`openCase`) with the
    /// ticket. Every step of the flow is then recorded inside it ([`crate::audit::in_case`]).
    pub async fn open_case(&self, req: &OpenCaseRequest) -> Result<Outcome<Case>, Error> {
        let user = validate::username(Field::Username, &req.user)?;
        let case = Case::open(req.ticket.as_deref())?;
        let summary = format!(
            "Opened case {}{} for the lost or replaced token of {user}.",
            case.id,
            case.ticket
                .as_deref()
                .map(|t| format!(" (ticket {t})"))
                .unwrap_or_default()
        );
        let object = case.clone();
        case.clone()
            .scope(self.recorded(
                Operation::OpenCase,
                &user,
                &[("flow", req.flow.name())],
                async {
                    Ok(Outcome {
                        code: 0,
                        message: None,
                        summary,
                        object,
                    })
                },
            ))
            .await
    }

    /// Records that the administrator confirmed the user's identity in `case`. Every one of
    /// the [`identity_checks`] must be ticked; otherwise nothing is recorded and the error
    /// names the ones missing.
    pub async fn confirm_identity(
        &self,
        case: &Case,
        req: &ConfirmIdentityRequest,
    ) -> Result<Outcome<()>, Error> {
        let user = validate::username(Field::Username, &req.user)?;
        let all = identity_checks();
        if let Some(unknown) = req.checks.iter().find(|c| !all.iter().any(|a| &a.id == *c)) {
            return Err(Error::input(
                Field::IdentityChecks,
                format!(
                    "must be among the listed checks (\"{}\" is not one)",
                    crate::text::clean(unknown, 40)
                ),
            ));
        }
        let missing: Vec<&str> = all
            .iter()
            .filter(|a| !req.checks.contains(&a.id))
            .map(|a| a.label.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(Error::input(
                Field::IdentityChecks,
                format!(
                    "must all be ticked before anything changes; not yet: {}",
                    missing.join("; ")
                ),
            ));
        }
        let ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
        let checks = ids.join(",");
        in_case(
            Some(case),
            self.recorded(
                Operation::ConfirmIdentity,
                &user,
                &[("checks", &checks)],
                async {
                    Ok(Outcome {
                        code: 0,
                        message: None,
                        summary: format!("Confirmed the identity of {user} ({}).", ids.join(", ")),
                        object: (),
                    })
                },
            ),
        )
        .await
    }

    /// Ends `case`: finished, or stopped at a step (the audit log then shows it unfinished).
    pub async fn close_case(
        &self,
        case: &Case,
        req: &CloseCaseRequest,
    ) -> Result<Outcome<()>, Error> {
        let user = validate::username(Field::Username, &req.user)?;
        let result = if req.finished { "finished" } else { "stopped" };
        let step = req.step.map(CaseStep::name).unwrap_or("");
        let summary = if req.finished {
            format!("Case {} finished: every step done for {user}.", case.id)
        } else {
            format!(
                "Case {} stopped unfinished{} for {user}: the steps after it were not done.",
                case.id,
                req.step
                    .map(|s| format!(" at step {}", s.name()))
                    .unwrap_or_default()
            )
        };
        in_case(
            Some(case),
            self.recorded(
                Operation::CloseCase,
                &user,
                &[("result", result), ("atStep", step)],
                async {
                    Ok(Outcome {
                        code: 0,
                        message: None,
                        summary,
                        object: (),
                    })
                },
            ),
        )
        .await
    }
}

#[cfg(test)]
mod case_tests {
    use super::*;
    use crate::audit::{AuditFilter, AuditLog, Surface};

    fn session(dir: &std::path::Path) -> Session {
        let profile = crate::centagate::profile::ProfileDraft {
            name: "p".into(),
            url: "https://mfa.example.com".into(),
            admin: "helpdesk01".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let log = Arc::new(AuditLog::at(dir.join("audit.sqlite3")));
        Session::new(profile, Recorder::new(log, Surface::App))
    }

    /// Opening, confirming and stopping a case are recorded with its id and ticket; an
    /// identity confirmation with a check left unticked is refused and not recorded.
    #[tokio::test]
    async fn a_cases_steps_share_its_id_and_a_missing_check_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path());
        let open = s
            .open_case(&OpenCaseRequest {
                user: "trent".into(),
                flow: CaseFlow::LostToken,
                ticket: Some("INC-9".into()),
            })
            .await
            .unwrap();
        let case = open.object;
        let partial = ConfirmIdentityRequest {
            user: "trent".into(),
            checks: vec!["callback".into()],
        };
        let e = s.confirm_identity(&case, &partial).await.unwrap_err();
        assert!(
            e.to_string()
                .starts_with("Identity checks: must all be ticked"),
            "{e}"
        );
        let all = ConfirmIdentityRequest {
            user: "trent".into(),
            checks: identity_checks().into_iter().map(|c| c.id).collect(),
        };
        s.confirm_identity(&case, &all).await.unwrap();
        let closed = s
            .close_case(
                &case,
                &CloseCaseRequest {
                    user: "trent".into(),
                    finished: false,
                    step: Some(CaseStep::RemoveOld),
                },
            )
            .await
            .unwrap();
        assert!(
            closed
                .summary
                .contains("stopped unfinished at step removeOld"),
            "{}",
            closed.summary
        );
        let entries = s.recorder().log().entries(&AuditFilter::default()).unwrap();
        let ops: Vec<&str> = entries.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(ops, ["openCase", "confirmIdentity", "closeCase"]);
        assert!(entries
            .iter()
            .all(|e| e.case_id.as_deref() == Some(case.id.as_str())
                && e.ticket.as_deref() == Some("INC-9")));
        assert_eq!(entries[2].details["result"], "stopped");
    }
}
