//! The practice controls as a library: read a token's codes, log a user in (or fail to, on
//! purpose), lock, suspend or drift a token, start over. The `/practice` routes and the
//! desktop app's practice panel both use this, so they behave the same.

use std::sync::Arc;

use serde::Serialize;

use crate::fixture::{Fixture, SecurIdMethod};
use crate::signin::{AdminCodesView, SignInAdminView, SignInControlError, SignIns, SmsView};
use crate::store::{
    EmergencyCodeView, SecurIdLookup, SecurIdUser, SidTokenView, Store, StoreError, Switches,
    TokenView, UserView,
};
use crate::token::{DeviceCodes, LoginOutcome, OtpKind, Token};

/// Most codes [`Controls::codes`] returns after the current one.
pub const MAX_NEXT_CODES: usize = 20;

/// The practice controls of one running server.
#[derive(Clone)]
pub struct Controls {
    store: Store,
    fixture: Arc<Fixture>,
    sign_ins: Arc<SignIns>,
}

/// What a token's display shows now and next.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodesView {
    pub serial: String,
    pub kind: OtpKind,
    pub digits: u32,
    pub period: Option<u64>,
    #[serde(flatten)]
    pub codes: DeviceCodes,
}

/// The result of a practice login.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginView {
    pub accepted: bool,
    /// `accepted`, `rejected` or `notUsable`.
    pub outcome: &'static str,
    pub message: String,
    pub token: TokenView,
}

/// The result of a practice SecurID sign-in with an emergency tokencode.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyLoginView {
    pub accepted: bool,
    pub message: String,
    /// The code's state after the sign-in (when accepted).
    pub emergency_code: Option<EmergencyCodeView>,
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl std::fmt::Debug for Controls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Controls")
    }
}

impl Controls {
    pub(crate) fn new(store: Store, fixture: Arc<Fixture>, sign_ins: Arc<SignIns>) -> Self {
        Controls {
            store,
            fixture,
            sign_ins,
        }
    }

    /// Every administrator who can sign in: password, second factors, blocked, sessions.
    pub fn sign_in_admins(&self) -> Vec<SignInAdminView> {
        self.sign_ins.admins()
    }

    /// What `admin`'s own OTP token shows now and the `count` next codes (at most 20).
    pub fn admin_codes(
        &self,
        admin: &str,
        count: usize,
    ) -> Result<AdminCodesView, SignInControlError> {
        self.sign_ins.codes(admin, count)
    }

    /// The last SMS code sent to `admin` (by `requestSmsOtp`).
    pub fn admin_sms(&self, admin: &str) -> Result<SmsView, SignInControlError> {
        self.sign_ins.sms(admin)
    }

    /// Make `admin`'s sign-in answer `multiStepAuth` "blocked", or sign in normally again.
    pub fn set_admin_blocked(
        &self,
        admin: &str,
        blocked: bool,
    ) -> Result<SignInAdminView, SignInControlError> {
        self.sign_ins.set_blocked(admin, blocked)
    }

    /// End `admin`'s live sessions (their next admin call answers 10001).
    pub fn end_admin_sessions(&self, admin: &str) -> Result<SignInAdminView, SignInControlError> {
        self.sign_ins.end_sessions(admin)
    }

    /// Every user with their phone and OTP token.
    pub async fn users(&self) -> Result<Vec<UserView>, StoreError> {
        self.store.users().await
    }

    /// Every hardware token, bound or in stock.
    pub async fn tokens(&self) -> Result<Vec<TokenView>, StoreError> {
        self.store.tokens().await
    }

    /// One token.
    pub async fn token(&self, serial: &str) -> Result<TokenView, StoreError> {
        Ok(TokenView::from(&self.store.token(serial.to_owned()).await?))
    }

    /// The code a token shows now and the `count` after it (at most [`MAX_NEXT_CODES`]).
    pub async fn codes(&self, serial: &str, count: usize) -> Result<CodesView, StoreError> {
        let token: Token = self.store.token(serial.to_owned()).await?;
        Ok(CodesView {
            codes: token.device_codes(now(), count.min(MAX_NEXT_CODES)),
            serial: token.serial,
            kind: token.kind,
            digits: token.digits,
            period: (token.kind == OtpKind::Totp).then_some(token.period),
        })
    }

    /// A user logs in with `code` (auth window 10 for HOTP, ±1 step for TOTP; 5 failures in a
    /// row lock the token).
    pub async fn login(&self, username: &str, code: &str) -> Result<LoginView, StoreError> {
        let (token, outcome) = self
            .store
            .login(username.to_owned(), code.trim().to_owned(), now())
            .await?;
        let (accepted, name, message) = match outcome {
            LoginOutcome::Accepted => (true, "accepted", "code accepted".to_string()),
            LoginOutcome::Rejected { fail_count, locked } => (
                false,
                "rejected",
                if locked {
                    format!("wrong code; {fail_count} failures in a row locked the token")
                } else {
                    format!("wrong code ({fail_count} in a row)")
                },
            ),
            LoginOutcome::NotUsable { status } => (
                false,
                "notUsable",
                format!("the token is {}", status.as_str()),
            ),
            LoginOutcome::AccountNotUsable { account } => {
                (false, "notUsable", format!("the user account is {account}"))
            }
        };
        Ok(LoginView {
            accepted,
            outcome: name,
            message,
            token: TokenView::from(&token),
        })
    }

    /// A user logs in with a wrong code: one that the token will not show within the login
    /// window, so it always counts as a failure.
    pub async fn fail_login(&self, username: &str) -> Result<LoginView, StoreError> {
        let users = self.store.users().await?;
        let serial = users
            .iter()
            .find(|u| u.username == username)
            .ok_or_else(|| StoreError::UnknownUser(username.to_owned()))?
            .token
            .as_ref()
            .map(|t| t.serial.clone())
            .ok_or_else(|| StoreError::Conflict(format!("{username} has no OTP token")))?;
        let token = self.store.token(serial).await?;
        let window = token.device_codes(now(), MAX_NEXT_CODES);
        let taken: Vec<&String> = std::iter::once(&window.current)
            .chain(&window.next)
            .collect();
        let wrong = (0..)
            .map(|i: u64| {
                format!(
                    "{:0width$}",
                    (i * 7_919) % 10u64.pow(token.digits),
                    width = token.digits as usize
                )
            })
            .find(|c| !taken.contains(&c))
            .expect("a code outside a window of 21 exists");
        self.login(username, &wrong).await
    }

    /// Locks an active token, as too many failures would.
    pub async fn lock(&self, serial: &str) -> Result<TokenView, StoreError> {
        self.update(serial, |t| t.lock(), "lock").await
    }

    /// Suspends an active or locked token.
    pub async fn suspend(&self, serial: &str) -> Result<TokenView, StoreError> {
        self.update(serial, |t| t.suspend(), "suspend").await
    }

    /// Moves a token's device away from the server: HOTP presses ahead (positive steps),
    /// TOTP clock steps either way.
    pub async fn drift(&self, serial: &str, steps: i64) -> Result<TokenView, StoreError> {
        let token = self
            .store
            .update_token(serial.to_owned(), move |t| {
                if t.add_drift(steps) {
                    Ok(())
                } else {
                    Err(format!(
                        "{} is an HOTP token: its device cannot go back",
                        t.serial
                    ))
                }
            })
            .await?;
        Ok(TokenView::from(&token))
    }

    /// Every user's SecurID identity with its lock states (users without one are left out).
    pub async fn securid_users(&self) -> Result<Vec<SecurIdUser>, StoreError> {
        self.store.securid_users().await
    }

    /// One SecurID identity, named by its user id, email address or username.
    pub async fn securid_user(&self, who: &str) -> Result<SecurIdUser, StoreError> {
        self.store
            .securid_user(SecurIdLookup::Any(who.trim().to_owned()))
            .await
    }

    /// Locks a method's tokencodes, as too many wrong codes would. `who`: user id, email or
    /// username. A method that is off cannot be locked ([`StoreError::Conflict`]).
    pub async fn securid_lock(
        &self,
        who: &str,
        method: SecurIdMethod,
    ) -> Result<SecurIdUser, StoreError> {
        self.store
            .update_securid(SecurIdLookup::Any(who.trim().to_owned()), move |u| {
                if !u.has(method) {
                    return Err(format!("{} has the {method} method off", u.email));
                }
                u.set_locked(method, true);
                Ok(())
            })
            .await
    }

    /// Marks a method stuck (or not): while stuck and locked, the unlock call leaves it
    /// locked and answers HTTP 500 with the lock states.
    pub async fn securid_set_stuck(
        &self,
        who: &str,
        method: SecurIdMethod,
        stuck: bool,
    ) -> Result<SecurIdUser, StoreError> {
        self.store
            .update_securid(SecurIdLookup::Any(who.trim().to_owned()), move |u| {
                u.stuck.retain(|m| *m != method);
                if stuck {
                    u.stuck.push(method);
                    u.stuck.sort();
                }
                Ok(())
            })
            .await
    }

    /// Locks a user account, as too many failed sign-ins would (`user/unlockUser` unlocks
    /// it; the practice login refuses it meanwhile).
    pub async fn lock_user(&self, username: &str) -> Result<UserView, StoreError> {
        self.store.lock_user(username.to_owned()).await?;
        self.user(username).await
    }

    /// One user with what is bound to them.
    pub async fn user(&self, username: &str) -> Result<UserView, StoreError> {
        self.store
            .users()
            .await?
            .into_iter()
            .find(|u| u.username == username)
            .ok_or_else(|| StoreError::UnknownUser(username.to_owned()))
    }

    /// The practice switches (which `type` addresses the hardware OTP token; the SecurID v2
    /// emergency route missing).
    pub async fn switches(&self) -> Result<Switches, StoreError> {
        self.store.switches().await
    }

    /// Sets every practice switch (a reset puts the defaults back).
    pub async fn set_switches(&self, switches: Switches) -> Result<Switches, StoreError> {
        self.store.set_switches(switches).await
    }

    /// Every SecurID 700 hardware token, assigned or in stock.
    pub async fn securid_tokens(&self) -> Result<Vec<SidTokenView>, StoreError> {
        self.store.securid_sid_tokens().await
    }

    /// One SecurID 700 hardware token.
    pub async fn securid_token(&self, serial: &str) -> Result<SidTokenView, StoreError> {
        self.store.securid_sid_token(serial.trim().to_owned()).await
    }

    /// Every user's latest emergency tokencode (the codes included: practice data).
    pub async fn securid_emergency_codes(&self) -> Result<Vec<EmergencyCodeView>, StoreError> {
        self.store.securid_emergency_codes(now() as i64).await
    }

    /// A SecurID user signs in with an emergency tokencode: accepted until it expires, or
    /// once when it is one-time; refused for a disabled user.
    pub async fn securid_login(
        &self,
        who: &str,
        tokencode: &str,
    ) -> Result<EmergencyLoginView, StoreError> {
        let result = self
            .store
            .securid_emergency_login(who.trim().to_owned(), tokencode.to_owned(), now() as i64)
            .await?;
        Ok(match result {
            Ok(code) => EmergencyLoginView {
                accepted: true,
                message: "emergency tokencode accepted".into(),
                emergency_code: Some(code),
            },
            Err(why) => EmergencyLoginView {
                accepted: false,
                message: why.into(),
                emergency_code: None,
            },
        })
    }

    /// Puts every user, token and SecurID identity back as the fixture has them, and ends
    /// every sign-in session (SMS codes and practice blocks are forgotten too).
    pub async fn reset(&self) -> Result<(), StoreError> {
        self.store.reset(self.fixture.clone()).await?;
        self.sign_ins.reset();
        Ok(())
    }

    async fn update(
        &self,
        serial: &str,
        change: fn(&mut Token) -> bool,
        verb: &'static str,
    ) -> Result<TokenView, StoreError> {
        let token = self
            .store
            .update_token(serial.to_owned(), move |t| {
                if change(t) {
                    Ok(())
                } else {
                    Err(format!(
                        "cannot {verb} {} while it is {}",
                        t.serial,
                        t.status.as_str()
                    ))
                }
            })
            .await?;
        Ok(TokenView::from(&token))
    }
}
