//! A hardware OTP token as the server sees it, and the simulated device in the user's hand:
//! status, fail counter, login window, resync and drift. Pure state, no storage.

use serde::{Deserialize, Serialize};

use crate::otp;

/// Look-ahead of a normal HOTP login (counters `counter .. counter + 10`).
pub const HOTP_AUTH_WINDOW: u64 = 10;
/// Steps either side of the expected TOTP step that a normal login accepts.
pub const TOTP_AUTH_STEPS: i64 = 1;
/// Look-ahead of an HOTP resync for the first code.
pub const HOTP_SYNC_WINDOW: u64 = 1000;
/// How far (in seconds, either side) a TOTP resync searches.
pub const TOTP_SYNC_SECONDS: u64 = 86_400;
/// Consecutive failed logins that lock a token.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// Largest HOTP counter the simulator handles (keeps all arithmetic far from overflow).
pub const MAX_COUNTER: u64 = 1 << 48;
/// Largest TOTP device-clock offset, in steps, either way.
pub const MAX_DRIFT_STEPS: i64 = 1 << 40;

/// The OTP algorithm of a hardware token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OtpKind {
    Hotp,
    Totp,
}

impl OtpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpKind::Hotp => "hotp",
            OtpKind::Totp => "totp",
        }
    }

    pub fn parse(text: &str) -> Option<OtpKind> {
        match text {
            "hotp" => Some(OtpKind::Hotp),
            "totp" => Some(OtpKind::Totp),
            _ => None,
        }
    }
}

/// The life-cycle status of a hardware token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    /// In stock (or switched off): may be registered to a user when unbound.
    #[default]
    Deactivated,
    Active,
    /// Active but locked by failed logins or an administrator.
    Locked,
    /// Switched off by an administrator; `unlockToken` brings it back.
    Suspended,
    /// Bound but not yet activated.
    Pending,
    /// Pending and locked.
    PendingLocked,
    /// Temporarily deactivated by an administrator (`token/update/token/status` 3).
    TempDeactivated,
}

impl TokenStatus {
    pub const ALL: [TokenStatus; 7] = [
        TokenStatus::Deactivated,
        TokenStatus::Active,
        TokenStatus::Locked,
        TokenStatus::Suspended,
        TokenStatus::Pending,
        TokenStatus::PendingLocked,
        TokenStatus::TempDeactivated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenStatus::Deactivated => "deactivated",
            TokenStatus::Active => "active",
            TokenStatus::Locked => "locked",
            TokenStatus::Suspended => "suspended",
            TokenStatus::Pending => "pending",
            TokenStatus::PendingLocked => "pending_locked",
            TokenStatus::TempDeactivated => "temp_deactivated",
        }
    }

    pub fn parse(text: &str) -> Option<TokenStatus> {
        TokenStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The `status` number `user/auth/list` reports: 0 inactive, 1 active, 2 active+locked
    /// (suspended tokens are reported as locked too), 3 pending, 4 pending+locked.
    pub fn list_status(self) -> u8 {
        match self {
            TokenStatus::Deactivated | TokenStatus::TempDeactivated => 0,
            TokenStatus::Active => 1,
            TokenStatus::Locked | TokenStatus::Suspended => 2,
            TokenStatus::Pending => 3,
            TokenStatus::PendingLocked => 4,
        }
    }
}

/// Why a login attempt was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LoginOutcome {
    Accepted,
    /// Wrong code (or a replayed one); the fail counter went up, maybe locking the token.
    Rejected {
        fail_count: u32,
        locked: bool,
    },
    /// The token is not in a state that allows logins; nothing changed.
    NotUsable {
        status: TokenStatus,
    },
    /// The user account is `inactive` (disabled) or `locked`; nothing changed.
    AccountNotUsable {
        account: &'static str,
    },
}

/// The codes the simulated device shows right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodes {
    /// The code the token shows now (HOTP: on the next button press).
    pub current: String,
    /// The codes that follow (HOTP: further presses; TOTP: the coming steps).
    pub next: Vec<String>,
    /// HOTP: the counter of `current`. TOTP: the device's time step of `current`.
    pub moving_factor: u64,
    /// TOTP only: seconds until `current` changes.
    pub seconds_remaining: Option<u64>,
}

/// A hardware token: the server's record plus the simulated device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub serial: String,
    pub kind: OtpKind,
    pub secret: Vec<u8>,
    pub digits: u32,
    /// TOTP step length in seconds (unused by HOTP).
    pub period: u64,
    /// HOTP: the next counter the server expects (every lower one counts as used).
    pub counter: u64,
    /// TOTP: the device clock's offset in steps as learned by the server (resync, logins).
    pub drift: i64,
    /// TOTP: the last step accepted (no step at or below it is accepted again).
    pub last_step: Option<u64>,
    /// HOTP: the counter of the code the device shows on its next press.
    pub device_counter: u64,
    /// TOTP: how many steps the device's clock is ahead (negative: behind) of true time.
    pub device_drift: i64,
    pub status: TokenStatus,
    pub fail_count: u32,
    /// The username the token is bound to.
    pub owner: Option<String>,
}

impl Token {
    fn code_at(&self, moving_factor: u64) -> String {
        otp::hotp(&self.secret, moving_factor, self.digits)
    }

    fn true_step(&self, now: u64) -> i64 {
        otp::time_step(now, self.period) as i64
    }

    /// What the physical token shows at `now`, with `count` following codes.
    pub fn device_codes(&self, now: u64, count: usize) -> DeviceCodes {
        let first = match self.kind {
            OtpKind::Hotp => self.device_counter,
            OtpKind::Totp => (self.true_step(now) + self.device_drift).max(0) as u64,
        };
        DeviceCodes {
            current: self.code_at(first),
            next: (1..=count as u64)
                .map(|i| self.code_at(first + i))
                .collect(),
            moving_factor: first,
            seconds_remaining: match self.kind {
                OtpKind::Hotp => None,
                OtpKind::Totp => Some(otp::seconds_remaining(now, self.period)),
            },
        }
    }

    /// A user login with `code` at `now`: HOTP looks `HOTP_AUTH_WINDOW` counters ahead, TOTP
    /// accepts the learned step ±`TOTP_AUTH_STEPS`. `MAX_FAILED_LOGINS` consecutive failures lock.
    pub fn login(&mut self, code: &str, now: u64) -> LoginOutcome {
        if self.status != TokenStatus::Active {
            return LoginOutcome::NotUsable {
                status: self.status,
            };
        }
        let accepted = match self.kind {
            OtpKind::Hotp => {
                let found = (self.counter..self.counter + HOTP_AUTH_WINDOW)
                    .find(|&c| self.code_at(c) == code);
                if let Some(c) = found {
                    self.counter = c + 1;
                    self.device_counter = self.device_counter.max(c + 1);
                }
                found.is_some()
            }
            OtpKind::Totp => {
                let now_step = self.true_step(now);
                let expected = now_step + self.drift;
                let found = (expected - TOTP_AUTH_STEPS..=expected + TOTP_AUTH_STEPS)
                    .filter(|&s| s >= 0 && self.unused_step(s as u64))
                    .find(|&s| self.code_at(s as u64) == code);
                if let Some(s) = found {
                    self.last_step = Some(s as u64);
                    self.drift = s - now_step;
                }
                found.is_some()
            }
        };
        if accepted {
            self.fail_count = 0;
            return LoginOutcome::Accepted;
        }
        self.fail_count = self.fail_count.saturating_add(1);
        let locked = self.fail_count >= MAX_FAILED_LOGINS;
        if locked {
            self.status = TokenStatus::Locked;
        }
        LoginOutcome::Rejected {
            fail_count: self.fail_count,
            locked,
        }
    }

    fn unused_step(&self, step: u64) -> bool {
        self.last_step.is_none_or(|last| step > last)
    }

    /// Resynchronise with two consecutive codes. HOTP: `otp1` within `HOTP_SYNC_WINDOW` counters
    /// ahead and `otp2` the very next; TOTP: consecutive steps within `TOTP_SYNC_SECONDS` either
    /// side, the drift is stored. Used counters/steps are never accepted. On success the fail
    /// counter is reset (a lock stays: unlocking is a separate call).
    pub fn resync(&mut self, otp1: &str, otp2: &str, now: u64) -> bool {
        let digits = self.digits as usize;
        if otp1.len() != digits || otp2.len() != digits {
            return false;
        }
        match self.kind {
            OtpKind::Hotp => {
                let found = (self.counter..self.counter + HOTP_SYNC_WINDOW)
                    .find(|&c| self.code_at(c) == otp1 && self.code_at(c + 1) == otp2);
                let Some(c) = found else { return false };
                self.counter = c + 2;
                self.device_counter = self.device_counter.max(c + 2);
            }
            OtpKind::Totp => {
                let now_step = self.true_step(now);
                let reach = (TOTP_SYNC_SECONDS / self.period.max(1)) as i64;
                let mut first = (now_step - reach).max(0);
                if let Some(last) = self.last_step {
                    first = first.max(last as i64 + 1);
                }
                let found = (first..=now_step + reach).find(|&s| {
                    self.code_at(s as u64) == otp1 && self.code_at(s as u64 + 1) == otp2
                });
                let Some(s) = found else { return false };
                // The user read otp2 last, so the device clock stands at step s + 1 now.
                self.last_step = Some(s as u64 + 1);
                self.drift = s + 1 - now_step;
            }
        }
        self.fail_count = 0;
        true
    }

    /// Unlock or unsuspend, resetting the fail counter. Returns false when there is nothing to do.
    pub fn unlock(&mut self) -> bool {
        let next = match self.status {
            TokenStatus::Locked | TokenStatus::Suspended => TokenStatus::Active,
            TokenStatus::PendingLocked => TokenStatus::Pending,
            _ => return false,
        };
        self.status = next;
        self.fail_count = 0;
        true
    }

    /// The status `token/getStatus` reports: 1 pending (locked or not), 2 valid (active,
    /// locked or not), 3 temporarily deactivated, 4 deactivated, 5 suspended.
    pub fn vendor_status(&self) -> u8 {
        match self.status {
            TokenStatus::Pending | TokenStatus::PendingLocked => 1,
            TokenStatus::Active | TokenStatus::Locked => 2,
            TokenStatus::TempDeactivated => 3,
            TokenStatus::Deactivated => 4,
            TokenStatus::Suspended => 5,
        }
    }

    /// `token/update/token/status`: 1 pending, 2 valid, 3 temporarily deactivated, 4
    /// deactivated. A lock stays (pending or valid keep it; unlocking is its own call). False
    /// for any other number.
    pub fn set_vendor_status(&mut self, status: u8) -> bool {
        let locked = matches!(
            self.status,
            TokenStatus::Locked | TokenStatus::PendingLocked
        );
        self.status = match (status, locked) {
            (1, false) => TokenStatus::Pending,
            (1, true) => TokenStatus::PendingLocked,
            (2, false) => TokenStatus::Active,
            (2, true) => TokenStatus::Locked,
            (3, _) => TokenStatus::TempDeactivated,
            (4, _) => TokenStatus::Deactivated,
            _ => return false,
        };
        true
    }

    /// Lock as an administrator would (practice control). False if the token is not in use.
    pub fn lock(&mut self) -> bool {
        self.status = match self.status {
            TokenStatus::Active | TokenStatus::Locked => TokenStatus::Locked,
            TokenStatus::Pending | TokenStatus::PendingLocked => TokenStatus::PendingLocked,
            _ => return false,
        };
        true
    }

    /// Suspend (practice control). False if the token is not active, locked or suspended.
    pub fn suspend(&mut self) -> bool {
        match self.status {
            TokenStatus::Active | TokenStatus::Locked | TokenStatus::Suspended => {
                self.status = TokenStatus::Suspended;
                true
            }
            _ => false,
        }
    }

    /// Move the device away from the server: HOTP presses the button `steps` times unseen
    /// (`steps` must not be negative), TOTP shifts the device clock by `steps` steps. False if
    /// that is impossible or beyond `MAX_COUNTER` / `MAX_DRIFT_STEPS`.
    pub fn add_drift(&mut self, steps: i64) -> bool {
        match self.kind {
            OtpKind::Hotp => match u64::try_from(steps) {
                Ok(presses) if presses <= MAX_COUNTER - self.device_counter.min(MAX_COUNTER) => {
                    self.device_counter += presses;
                    true
                }
                _ => false,
            },
            OtpKind::Totp => match self.device_drift.checked_add(steps) {
                Some(drift) if drift.unsigned_abs() <= MAX_DRIFT_STEPS.unsigned_abs() => {
                    self.device_drift = drift;
                    true
                }
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn token(kind: OtpKind) -> Token {
        Token {
            serial: "T-1".into(),
            kind,
            secret: b"12345678901234567890".to_vec(),
            digits: 6,
            period: 30,
            counter: 0,
            drift: 0,
            last_step: None,
            device_counter: 0,
            device_drift: 0,
            status: TokenStatus::Active,
            fail_count: 0,
            owner: Some("u".into()),
        }
    }

    #[test]
    fn hotp_login_window_and_replay() {
        let mut t = token(OtpKind::Hotp);
        assert_eq!(t.login(&t.code_at(9), NOW), LoginOutcome::Accepted);
        assert_eq!(t.counter, 10);
        // Replaying the same code fails.
        assert!(matches!(
            t.login(&t.code_at(9), NOW),
            LoginOutcome::Rejected { .. }
        ));
        // Just outside the window fails.
        let far = t.code_at(t.counter + HOTP_AUTH_WINDOW);
        assert!(matches!(t.login(&far, NOW), LoginOutcome::Rejected { .. }));
    }

    #[test]
    fn five_failures_lock_and_unlock_resets() {
        let mut t = token(OtpKind::Hotp);
        for i in 1..=4 {
            assert_eq!(
                t.login("000000x", NOW),
                LoginOutcome::Rejected {
                    fail_count: i,
                    locked: false
                }
            );
        }
        assert_eq!(
            t.login("000000x", NOW),
            LoginOutcome::Rejected {
                fail_count: 5,
                locked: true
            }
        );
        assert_eq!(t.status, TokenStatus::Locked);
        let good = t.code_at(0);
        assert!(matches!(
            t.login(&good, NOW),
            LoginOutcome::NotUsable { .. }
        ));
        assert!(t.unlock());
        assert_eq!(t.fail_count, 0);
        assert_eq!(t.login(&good, NOW), LoginOutcome::Accepted);
    }

    #[test]
    fn hotp_resync_window() {
        let mut t = token(OtpKind::Hotp);
        let (a, b) = (t.code_at(999), t.code_at(1000));
        assert!(t.resync(&a, &b, NOW));
        assert_eq!(t.counter, 1001);
        assert!(!t.resync(&a, &b, NOW), "replayed codes must fail");

        let mut t = token(OtpKind::Hotp);
        let (a, b) = (t.code_at(1000), t.code_at(1001));
        assert!(!t.resync(&a, &b, NOW), "beyond the look-ahead");
        let (a, c) = (t.code_at(5), t.code_at(7));
        assert!(!t.resync(&a, &c, NOW), "otp2 must be the next code");
    }

    #[test]
    fn totp_resync_stores_drift_used_by_logins() {
        let mut t = token(OtpKind::Totp);
        t.device_drift = 40;
        let shown = t.device_codes(NOW, 2);
        assert!(matches!(
            t.login(&shown.current, NOW),
            LoginOutcome::Rejected { .. }
        ));
        assert!(t.resync(&shown.current, &shown.next[0], NOW));
        assert_eq!(t.drift, 41);
        // A later code from the device (two steps on) now logs in.
        assert_eq!(t.login(&shown.next[1], NOW), LoginOutcome::Accepted);
    }

    #[test]
    fn totp_resync_far_limits() {
        let mut t = token(OtpKind::Totp);
        let reach = (TOTP_SYNC_SECONDS / 30) as i64;
        t.device_drift = reach + 5;
        let shown = t.device_codes(NOW, 1);
        assert!(!t.resync(&shown.current, &shown.next[0], NOW));
        t.device_drift = -(reach - 5);
        let shown = t.device_codes(NOW, 1);
        assert!(t.resync(&shown.current, &shown.next[0], NOW));
    }

    #[test]
    fn drift_limits() {
        let mut h = token(OtpKind::Hotp);
        assert!(!h.add_drift(-1));
        assert!(!h.add_drift(i64::MAX));
        assert!(h.add_drift(5));
        assert_eq!(h.device_counter, 5);
        let mut t = token(OtpKind::Totp);
        assert!(!t.add_drift(i64::MAX));
        assert!(!t.add_drift(i64::MIN));
        assert!(t.add_drift(-7));
        assert_eq!(t.device_drift, -7);
        // Codes are still computed at the extremes.
        assert!(t.add_drift(-MAX_DRIFT_STEPS + 7));
        assert_eq!(t.device_codes(NOW, 1).current.len(), 6);
    }

    #[test]
    fn list_status_numbers() {
        assert_eq!(TokenStatus::Deactivated.list_status(), 0);
        assert_eq!(TokenStatus::Active.list_status(), 1);
        assert_eq!(TokenStatus::Locked.list_status(), 2);
        assert_eq!(TokenStatus::Suspended.list_status(), 2);
        assert_eq!(TokenStatus::Pending.list_status(), 3);
        assert_eq!(TokenStatus::PendingLocked.list_status(), 4);
        assert_eq!(TokenStatus::TempDeactivated.list_status(), 0);
        for s in TokenStatus::ALL {
            assert_eq!(TokenStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn vendor_statuses_keep_a_lock_and_deactivation_stops_logins() {
        let mut t = token(OtpKind::Hotp);
        assert_eq!(t.vendor_status(), 2);
        assert!(t.lock());
        assert!(t.set_vendor_status(1));
        assert_eq!(
            (t.status, t.vendor_status()),
            (TokenStatus::PendingLocked, 1)
        );
        assert!(t.set_vendor_status(2));
        assert_eq!((t.status, t.vendor_status()), (TokenStatus::Locked, 2));
        assert!(t.set_vendor_status(3));
        assert_eq!(t.vendor_status(), 3);
        let code = otp::hotp(&t.secret, t.counter, t.digits);
        assert!(matches!(
            t.login(&code, NOW),
            LoginOutcome::NotUsable { .. }
        ));
        assert!(t.set_vendor_status(4));
        assert_eq!(t.vendor_status(), 4);
        assert!(matches!(
            t.login(&code, NOW),
            LoginOutcome::NotUsable { .. }
        ));
        assert!(!t.unlock(), "a deactivated token is not unlocked");
        assert!(!t.set_vendor_status(5) && !t.set_vendor_status(0));
        t.status = TokenStatus::Suspended;
        assert_eq!(t.vendor_status(), 5);
        assert!(t.set_vendor_status(2));
        assert_eq!(t.status, TokenStatus::Active);
    }
}
