//! A CENTAGATE administrator signing in and out: the one path the CLI's `login`/`logout`
//! and the app's sign-in take. Password first (`auth/authBasic`), then — when the server asks
//! — a code from the administrator's OTP token or an SMS; the session that results (auth
//! token, secret code, when it ends) is kept in the OS credential store and signs every admin
//! call of the profile until then ([`crate::credentials::resolve`]). Each step is recorded.
//!
//! The password and the codes exist only for the call that uses them: they are [`Secret`]s
//! borrowed by the call, never kept, never logged, never recorded. The first step's auth
//! token stays inside [`SecondFactorNeeded`], which cannot be serialised.

use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::audit::{Action, Recordable, Recorder};
use crate::backend::ProfileSecret;
use crate::centagate::session::{AppSecretKey, FactorName, KeptSession, DEFAULT_SESSION_SECS};
use crate::centagate::signin::{AppKeys, Factor, SignInClient, SignInStep, SignedInSession};
use crate::clock::{rfc3339, utc_minute, Clock, SystemClock};
use crate::credentials::{blocking, Environment, SecretStore};
use crate::error::{ConfigError, Error};
use crate::profile::Profile;
use crate::secret::Secret;
use crate::vocab::{Field, Operation};

/// Signed in: who, until when, with which second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignedIn {
    pub profile: String,
    /// The administrator the session is for.
    pub signed_in_as: String,
    /// When the session ends (RFC 3339, UTC).
    pub expires_at: String,
    /// When the session ends, in Unix seconds (for a countdown).
    #[ts(type = "number")]
    pub expires_at_unix: u64,
    /// The second factor that completed the sign-in; null when the server asked for none.
    pub second_factor: Option<FactorName>,
    /// What happened, in words.
    pub summary: String,
}

/// The server wants a second factor. Holds the first step's auth token (a credential, never
/// serialised); [`SecondFactorNeeded::offered`] is what a person may choose from.
#[derive(Debug, Clone)]
pub struct SecondFactorNeeded {
    first_auth_token: Secret,
    offered: Vec<FactorName>,
    other_methods: Vec<String>,
}

/// What the password step led to.
#[derive(Debug, Clone)]
pub enum SignInState {
    SignedIn(SignedIn),
    SecondFactor(SecondFactorNeeded),
}

/// An SMS code is on its way. The code the vendor's answer carries too was dropped unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SmsCodeSent {
    /// The number it went to, as the server wrote it.
    pub phone: Option<String>,
    /// How long the code is valid, in seconds, when the server said.
    #[ts(type = "number | null")]
    pub valid_for_secs: Option<u64>,
    pub summary: String,
}

/// How a sign-out ended (when it did not fail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SignedOut {
    pub profile: String,
    /// False when no session was kept (nothing to end).
    pub was_signed_in: bool,
    pub summary: String,
}

/// Whether a profile that signs in is signed in now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "state")]
#[ts(export)]
pub enum SessionStatus {
    /// A session is kept and lasts until `expires_at`.
    #[serde(rename_all = "camelCase")]
    SignedIn {
        signed_in_as: String,
        expires_at: String,
        #[ts(type = "number")]
        expires_at_unix: u64,
    },
    /// The kept session passed its time at `expires_at`.
    #[serde(rename_all = "camelCase")]
    Expired { expires_at: String },
    /// No session is kept.
    SignedOut,
}

impl SessionStatus {
    /// In words: "signed in until 2026-11-29 14:32 UTC", "session ended 2026-…", "not signed
    /// in".
    pub fn words(&self) -> String {
        match self {
            SessionStatus::SignedIn {
                signed_in_as,
                expires_at_unix,
                ..
            } => format!(
                "signed in as {signed_in_as} until {}",
                utc_minute(*expires_at_unix)
            ),
            SessionStatus::Expired { .. } => "session ended; not signed in".to_owned(),
            SessionStatus::SignedOut => "not signed in".to_owned(),
        }
    }
}

impl SecondFactorNeeded {
    /// The second factors the server offers that TokenDesk can do, OTP first (the default).
    pub fn offered(&self) -> &[FactorName] {
        &self.offered
    }

    /// The factor to use: SMS when `prefer_sms` (it must be offered) or when it is the only
    /// one offered; else OTP. A server offering neither is refused in words.
    pub fn choose(&self, prefer_sms: bool, profile: &Profile) -> Result<FactorName, Error> {
        let has = |f| self.offered.contains(&f);
        match (prefer_sms, has(FactorName::Otp), has(FactorName::Sms)) {
            (true, _, true) | (false, false, true) => Ok(FactorName::Sms),
            (false, true, _) => Ok(FactorName::Otp),
            (true, true, false) => Err(Error::input(
                Field::SignInCode,
                "cannot come by SMS: the server offers this administrator an OTP code only",
            )),
            _ => Err(self.nothing_offered(profile)),
        }
    }

    fn nothing_offered(&self, profile: &Profile) -> Error {
        let asked = if self.other_methods.is_empty() {
            "a second factor it did not name".to_owned()
        } else {
            self.other_methods.join(", ")
        };
        ConfigError::Unsupported {
            profile: profile.name.clone(),
            backend: "TokenDesk".to_owned(),
            action: format!(
                "complete this sign-in: the server asks for {asked}, and TokenDesk offers OTP and SMS codes only"
            ),
        }
        .into()
    }
}

/// One administrator's sign-in to one signing-in CENTAGATE profile.
#[derive(Debug, Clone)]
pub struct SignIn {
    profile: Profile,
    client: SignInClient,
    clock: Arc<dyn Clock>,
    recorder: Recorder,
}

/// The app Secret Key of `profile`: `TOKENDESK_APP_SECRET_KEY` (when `env` allows), else the
/// OS store's.
fn app_key(profile: &Profile, env: Environment) -> Result<AppSecretKey, Error> {
    if env == Environment::Use {
        if let Some(k) = AppSecretKey::from_env()? {
            return Ok(k);
        }
    }
    match SecretStore::open()?.load(profile)? {
        ProfileSecret::CentagateApp(k) => Ok(k),
        other => Err(ConfigError::Unsupported {
            profile: profile.name.clone(),
            backend: profile.backend.label().to_owned(),
            action: format!("sign in with the stored {}", other.kind().word),
        }
        .into()),
    }
}

/// Refuses a profile whose administrator does not sign in.
fn require_sign_in(profile: &Profile) -> Result<(), Error> {
    if profile.signs_in() {
        return Ok(());
    }
    Err(ConfigError::Unsupported {
        profile: profile.name.clone(),
        backend: profile.backend.label().to_owned(),
        action: "sign in without the sign-in app's Integration Key (add the profile with one)"
            .to_owned(),
    }
    .into())
}

fn action(profile: &Profile, operation: Operation, details: &[(&str, &str)]) -> Action {
    Action {
        profile: profile.name.clone(),
        server: profile.url.clone(),
        admin: profile.admin.clone(),
        operation: operation.name().to_owned(),
        target: profile.admin.clone(),
        details: details
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// A sign-in code: 4 to 10 digits (spaces ignored).
fn check_code(code: &Secret) -> Result<Secret, Error> {
    let digits: String = code
        .expose()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(4..=10).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::input(Field::SignInCode, "must be 4 to 10 digits"));
    }
    Ok(Secret::new(digits))
}

impl SignIn {
    /// Ready to sign in to `profile` (which must have an Integration Key), signing the calls
    /// with its app Secret Key from `TOKENDESK_APP_SECRET_KEY` or the OS store.
    pub async fn start(profile: Profile, recorder: Recorder) -> Result<Self, Error> {
        Self::start_with(profile, recorder, Environment::Use).await
    }

    /// As [`SignIn::start`]; `env` says whether `TOKENDESK_APP_SECRET_KEY` may stand in for
    /// the stored key (the app ignores it unless started for automation).
    pub async fn start_with(
        profile: Profile,
        recorder: Recorder,
        env: Environment,
    ) -> Result<Self, Error> {
        require_sign_in(&profile)?;
        let p = profile.clone();
        let key = blocking(move || app_key(&p, env)).await?;
        Self::with_app_key(profile, key, recorder, Arc::new(SystemClock))
    }

    /// As [`SignIn::start`] with the app Secret Key given and the clock chosen (tests).
    pub fn with_app_key(
        profile: Profile,
        key: AppSecretKey,
        recorder: Recorder,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        require_sign_in(&profile)?;
        let keys = AppKeys {
            integration_key: profile.integration_key.clone().unwrap_or_default(),
            secret_key: key.secret().clone(),
        };
        let client = SignInClient::new(&profile.auth_endpoint(), keys, clock.clone())?;
        Ok(SignIn {
            profile,
            client,
            clock,
            recorder,
        })
    }

    /// The profile signing in.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The first step: the administrator's password. Signed in, or a second factor wanted.
    pub async fn password(&self, password: &Secret) -> Result<SignInState, Error> {
        if password.expose().is_empty() {
            return Err(Error::input(Field::Password, "must not be empty"));
        }
        let p = &self.profile;
        self.recorder
            .record(action(p, Operation::SignIn, &[]), async {
                match self.client.auth_basic(&p.admin, password).await? {
                    SignInStep::Done(session) => {
                        Ok(SignInState::SignedIn(self.keep(session, None).await?))
                    }
                    SignInStep::SecondFactor {
                        first_auth_token,
                        offered,
                        other_methods,
                    } => Ok(SignInState::SecondFactor(SecondFactorNeeded {
                        first_auth_token,
                        offered: offered.into_iter().map(FactorName::from).collect(),
                        other_methods,
                    })),
                }
            })
            .await
    }

    /// Asks the server to text the administrator a sign-in code (SMS must be offered).
    pub async fn send_sms(&self, pending: &SecondFactorNeeded) -> Result<SmsCodeSent, Error> {
        pending.choose(true, &self.profile)?;
        let p = &self.profile;
        self.recorder
            .record(action(p, Operation::RequestSmsCode, &[]), async {
                let sent = self.client.request_sms_otp(&p.admin).await?;
                let to = sent
                    .phone
                    .as_deref()
                    .map(|n| format!(" to {n}"))
                    .unwrap_or_default();
                let valid = sent
                    .valid_for_secs
                    .map(|s| format!("; it is valid for {} min", s.div_ceil(60).max(1)))
                    .unwrap_or_default();
                Ok(SmsCodeSent {
                    summary: format!("Sent a sign-in code by SMS{to}{valid}."),
                    phone: sent.phone,
                    valid_for_secs: sent.valid_for_secs,
                })
            })
            .await
    }

    /// The second step: the code from the administrator's OTP token, or the SMS code.
    pub async fn code(
        &self,
        pending: &SecondFactorNeeded,
        factor: FactorName,
        code: &Secret,
    ) -> Result<SignedIn, Error> {
        pending.choose(factor == FactorName::Sms, &self.profile)?;
        let code = check_code(code)?;
        let p = &self.profile;
        let name = match factor {
            FactorName::Otp => "otp",
            FactorName::Sms => "sms",
        };
        self.recorder
            .record(
                action(p, Operation::SecondFactor, &[("factor", name)]),
                async {
                    let token = &pending.first_auth_token;
                    let step = match Factor::from(factor) {
                        Factor::Otp => self.client.auth_otp(&p.admin, token, &code).await?,
                        Factor::Sms => self.client.auth_sms_otp(&p.admin, token, &code).await?,
                    };
                    match step {
                        SignInStep::Done(session) => self.keep(session, Some(factor)).await,
                        SignInStep::SecondFactor { .. } => Err(ConfigError::Unsupported {
                            profile: p.name.clone(),
                            backend: "TokenDesk".to_owned(),
                            action: "complete this sign-in: the server asks for a third step"
                                .to_owned(),
                        }
                        .into()),
                    }
                },
            )
            .await
    }

    /// Keeps `session` in the OS store and says until when.
    async fn keep(
        &self,
        session: SignedInSession,
        factor: Option<FactorName>,
    ) -> Result<SignedIn, Error> {
        let now = self.clock.now();
        let lasts = session
            .expires_in_ms
            .map_or(DEFAULT_SESSION_SECS, |ms| (ms / 1000).max(1));
        let kept = KeptSession {
            credentials: session.credentials()?,
            signed_in_at: now,
            expires_at: now.saturating_add(lasts),
            second_factor: factor,
        };
        let expires_at_unix = kept.expires_at;
        let profile = self.profile.clone();
        blocking(move || SecretStore::open()?.save_session(&profile, &kept.to_stored())).await?;
        Ok(SignedIn {
            profile: self.profile.name.clone(),
            signed_in_as: self.profile.admin.clone(),
            expires_at: rfc3339(expires_at_unix),
            expires_at_unix,
            second_factor: factor,
            summary: format!(
                "Signed in to '{}' as {} until {}.",
                self.profile.name,
                self.profile.admin,
                utc_minute(expires_at_unix)
            ),
        })
    }

    /// Ends the kept session: `auth/logout`, then the session is deleted from the store —
    /// also when the server cannot be reached ([`Error::SignedOutLocally`], saying its
    /// session lives on until its timeout) or refuses.
    pub async fn sign_out(&self) -> Result<SignedOut, Error> {
        let p = &self.profile;
        let profile = p.clone();
        let entry = blocking(move || SecretStore::open()?.load_session(&profile)).await?;
        let Some(entry) = entry else {
            return Ok(SignedOut {
                profile: p.name.clone(),
                was_signed_in: false,
                summary: format!("Profile '{}' was not signed in.", p.name),
            });
        };
        self.recorder
            .record(action(p, Operation::SignOut, &[]), async {
                let kept = KeptSession::from_stored(&p.name, &entry);
                let told = match &kept {
                    Ok(k) => {
                        self.client
                            .logout(&p.admin, &k.credentials.auth_token)
                            .await
                    }
                    Err(_) => Ok(()),
                };
                let profile = p.clone();
                blocking(move || SecretStore::open()?.delete_session(&profile)).await?;
                let summary = |how: &str| SignedOut {
                    profile: p.name.clone(),
                    was_signed_in: true,
                    summary: format!("Signed out of '{}'{how}.", p.name),
                };
                match told {
                    Ok(()) => Ok(summary("")),
                    Err(Error::Server { code: 10001, .. }) => {
                        Ok(summary(" (the server had already ended the session)"))
                    }
                    Err(Error::Transport(cause)) => Err(Error::SignedOutLocally {
                        cause,
                        until: kept.map_or_else(
                            |_| "its timeout".to_owned(),
                            |k| utc_minute(k.expires_at),
                        ),
                    }),
                    Err(e) => Err(e),
                }
            })
            .await
    }
}

/// Signs `profile` out ([`SignIn::sign_out`]). When the sign-out cannot even be signed (no
/// app Secret Key), the kept session is still deleted and the error says why the server was
/// not told.
pub async fn sign_out(profile: Profile, recorder: Recorder) -> Result<SignedOut, Error> {
    match SignIn::start(profile.clone(), recorder).await {
        Ok(s) => s.sign_out().await,
        Err(e) => {
            let profile = profile.clone();
            let _ = blocking(move || SecretStore::open()?.delete_session(&profile)).await;
            Err(e)
        }
    }
}

/// Whether `profile` is signed in at `now` (Unix seconds); `None` for a profile that does not
/// sign in. Reads the OS store (blocking).
pub fn session_status(profile: &Profile, now: u64) -> Result<Option<SessionStatus>, Error> {
    if !profile.signs_in() {
        return Ok(None);
    }
    let Some(entry) = SecretStore::open()?.load_session(profile)? else {
        return Ok(Some(SessionStatus::SignedOut));
    };
    let kept = KeptSession::from_stored(&profile.name, &entry)?;
    Ok(Some(if kept.is_live(now) {
        SessionStatus::SignedIn {
            signed_in_as: profile.admin.clone(),
            expires_at: rfc3339(kept.expires_at),
            expires_at_unix: kept.expires_at,
        }
    } else {
        SessionStatus::Expired {
            expires_at: rfc3339(kept.expires_at),
        }
    }))
}

impl Recordable for SignInState {
    fn summary(&self) -> Option<String> {
        Some(match self {
            SignInState::SignedIn(s) => s.summary.clone(),
            SignInState::SecondFactor(n) => format!(
                "Password accepted; the server asks for a second factor ({}).",
                n.offered
                    .iter()
                    .map(|f| match f {
                        FactorName::Otp => "OTP",
                        FactorName::Sms => "SMS",
                    })
                    .chain(n.other_methods.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }
}

impl Recordable for SignedIn {
    fn summary(&self) -> Option<String> {
        Some(self.summary.clone())
    }
}

impl Recordable for SmsCodeSent {
    fn summary(&self) -> Option<String> {
        Some(self.summary.clone())
    }
}

impl Recordable for SignedOut {
    fn summary(&self) -> Option<String> {
        Some(self.summary.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(offered: &[FactorName], others: &[&str]) -> SecondFactorNeeded {
        SecondFactorNeeded {
            first_auth_token: Secret::new("t"),
            offered: offered.to_vec(),
            other_methods: others.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn otp_is_the_default_and_sms_is_chosen_or_the_only_one() {
        use FactorName::*;
        let p = Profile {
            name: "p".into(),
            backend: Default::default(),
            id: None,
            url: "https://h".into(),
            admin: "a".into(),
            base_path: "/x".into(),
            ca_file: None,
            timeout_secs: 1,
            connect_timeout_secs: 1,
            customer_name: None,
            integration_key: Some("k".into()),
            auth_base_path: None,
        };
        assert_eq!(pending(&[Otp, Sms], &[]).choose(false, &p).unwrap(), Otp);
        assert_eq!(pending(&[Otp, Sms], &[]).choose(true, &p).unwrap(), Sms);
        assert_eq!(pending(&[Sms], &[]).choose(false, &p).unwrap(), Sms);
        let e = pending(&[Otp], &[]).choose(true, &p).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Input {
                    field: Field::SignInCode,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = pending(&[], &["FIDO"]).choose(false, &p).unwrap_err();
        assert!(e.info().title.contains("FIDO"), "{:?}", e.info());
    }

    #[test]
    fn codes_are_digits() {
        assert_eq!(
            check_code(&Secret::new("123 456")).unwrap().expose(),
            "123456"
        );
        for bad in ["", "12a456", "123", "12345678901"] {
            assert!(check_code(&Secret::new(bad)).is_err(), "{bad}");
        }
    }
}
