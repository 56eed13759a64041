//! SecurID's lock vocabulary: the three tokencode methods a user can have locked, and the
//! lock status of all three as the unlock call reports it.
//!
//! A leaf, apart from the rest of the backend: the error type carries these statuses when an
//! unlock stops part-way ([`crate::Error::UnlockIncomplete`]), so it must name them without
//! depending on the SecurID client, which depends on the error type. Reading them from an
//! answer is in [`super::users`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// A SecurID authentication method that can be locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum UnlockMethod {
    /// The Authenticate app's OTP (and hardware tokencodes).
    Token,
    Sms,
    Voice,
}

impl UnlockMethod {
    /// All three, in the order the server's answer lists them.
    pub const ALL: [UnlockMethod; 3] =
        [UnlockMethod::Token, UnlockMethod::Sms, UnlockMethod::Voice];

    /// The wire name: `TOKEN`, `SMS`, `VOICE`.
    pub fn wire(self) -> &'static str {
        match self {
            UnlockMethod::Token => "TOKEN",
            UnlockMethod::Sms => "SMS",
            UnlockMethod::Voice => "VOICE",
        }
    }

    /// Plain words.
    pub fn label(self) -> &'static str {
        match self {
            UnlockMethod::Token => "token",
            UnlockMethod::Sms => "SMS",
            UnlockMethod::Voice => "voice",
        }
    }
}

/// The lock status of all three methods, as the unlock call reports it after trying.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MethodLocks {
    pub user_id: String,
    pub token_locked: bool,
    pub sms_locked: bool,
    pub voice_locked: bool,
    /// Fields of the answer this version does not know.
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

impl MethodLocks {
    /// Whether `m` is locked.
    pub fn is_locked(&self, m: UnlockMethod) -> bool {
        match m {
            UnlockMethod::Token => self.token_locked,
            UnlockMethod::Sms => self.sms_locked,
            UnlockMethod::Voice => self.voice_locked,
        }
    }

    /// The methods still locked.
    pub fn locked(&self) -> Vec<UnlockMethod> {
        UnlockMethod::ALL
            .into_iter()
            .filter(|m| self.is_locked(*m))
            .collect()
    }

    /// "token locked, SMS unlocked, voice unlocked".
    pub fn words(&self) -> String {
        UnlockMethod::ALL
            .iter()
            .map(|m| {
                format!(
                    "{} {}",
                    m.label(),
                    if self.is_locked(*m) {
                        "locked"
                    } else {
                        "unlocked"
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}
