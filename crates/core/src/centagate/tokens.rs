//! The token kinds and statuses of CENTAGATE's unregister / get-status / set-status calls, in
//! *their* numbering — which is not the register call's: there SMS is `tokenType` 1, here
//! `type` 1 is the mobile (soft-token app) token and SMS is 2
//! (`reference/centagate-more-admin-calls.md`, "Token-type numbering differs between calls").
//! The kind names say exactly what the vendor calls each number. Which `type` addresses a
//! time-based hardware OTP token registered with `tokenType` 2 is published nowhere, so no kind
//! claims to be it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Error;
use crate::vocab::Field;

/// A token kind of the unregister / status calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum TokenType {
    /// `type` 1: the mobile (soft-token app) token.
    Mobile,
    /// `type` 2: the SMS token (registered as `tokenType` 1).
    Sms,
    /// `type` 3: the challenge-response token ("CH Token"; one vendor source expands it as
    /// challenge question).
    Cr,
    /// `type` 4: the PKI token.
    Pki,
}

impl TokenType {
    /// Every kind, in the vendor's order.
    pub const ALL: [TokenType; 4] = [
        TokenType::Mobile,
        TokenType::Sms,
        TokenType::Cr,
        TokenType::Pki,
    ];

    /// The `type` value these calls take.
    pub fn wire(self) -> &'static str {
        match self {
            TokenType::Mobile => "1",
            TokenType::Sms => "2",
            TokenType::Cr => "3",
            TokenType::Pki => "4",
        }
    }

    /// The name the CLI and the app use (`--kind sms`).
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Mobile => "mobile",
            TokenType::Sms => "sms",
            TokenType::Cr => "cr",
            TokenType::Pki => "pki",
        }
    }

    /// In words, as the vendor names it.
    pub fn label(self) -> &'static str {
        match self {
            TokenType::Mobile => "mobile token",
            TokenType::Sms => "SMS token",
            TokenType::Cr => "challenge-response token",
            TokenType::Pki => "PKI token",
        }
    }

    /// Reads a kind name (`sms`, case and spaces ignored).
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let v = raw.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.name() == v).ok_or_else(|| {
            Error::input(
                Field::TokenKind,
                "must be one of mobile, sms, cr, pki (a hardware OTP token has no documented kind here: unlock or resynchronise it instead)",
            )
        })
    }
}

/// A token's status as `token/getStatus` answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TokenState {
    /// "": the user has no token of the kind.
    None,
    Pending,
    Valid,
    TempDeactivated,
    Deactivated,
    Suspended,
}

impl TokenState {
    /// Reads the answer's `object` ("", "1"–"5"; a number is taken too). `None` when it is
    /// none of those.
    pub fn from_wire(raw: &str) -> Option<Self> {
        Some(match raw.trim() {
            "" => TokenState::None,
            "1" => TokenState::Pending,
            "2" => TokenState::Valid,
            "3" => TokenState::TempDeactivated,
            "4" => TokenState::Deactivated,
            "5" => TokenState::Suspended,
            _ => return None,
        })
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            TokenState::None => "none (no token of this kind)",
            TokenState::Pending => "pending",
            TokenState::Valid => "valid",
            TokenState::TempDeactivated => "temporarily deactivated",
            TokenState::Deactivated => "deactivated",
            TokenState::Suspended => "suspended",
        }
    }
}

/// A status `token/update/token/status` can set. Suspended is the server's to set, not an
/// administrator's: it is not one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SettableState {
    Pending,
    Valid,
    TempDeactivated,
    Deactivated,
}

impl SettableState {
    /// The `status` value the call takes.
    pub fn wire(self) -> &'static str {
        match self {
            SettableState::Pending => "1",
            SettableState::Valid => "2",
            SettableState::TempDeactivated => "3",
            SettableState::Deactivated => "4",
        }
    }

    /// The name the CLI uses (`--status temp-deactivated`).
    pub fn name(self) -> &'static str {
        match self {
            SettableState::Pending => "pending",
            SettableState::Valid => "valid",
            SettableState::TempDeactivated => "temp-deactivated",
            SettableState::Deactivated => "deactivated",
        }
    }

    /// Whether setting it can lock the user out (asks for confirmation).
    pub fn locks_out(self) -> bool {
        matches!(
            self,
            SettableState::TempDeactivated | SettableState::Deactivated
        )
    }

    /// Reads a status name; `suspended` is refused with the reason.
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let v = raw.trim().to_ascii_lowercase();
        let all = [
            SettableState::Pending,
            SettableState::Valid,
            SettableState::TempDeactivated,
            SettableState::Deactivated,
        ];
        if let Some(s) = all.into_iter().find(|s| s.name() == v) {
            return Ok(s);
        }
        Err(Error::input(
            Field::TokenStatus,
            if v == "suspended" {
                "cannot be set to suspended: the server suspends a token itself; choose valid, pending, temp-deactivated or deactivated"
            } else {
                "must be one of valid, pending, temp-deactivated, deactivated"
            },
        ))
    }

    /// As the status it becomes.
    pub fn status(self) -> TokenState {
        match self {
            SettableState::Pending => TokenState::Pending,
            SettableState::Valid => TokenState::Valid,
            SettableState::TempDeactivated => TokenState::TempDeactivated,
            SettableState::Deactivated => TokenState::Deactivated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbering trap: SMS is 2 here (1 when registering).
    #[test]
    fn kinds_use_the_unregister_numbering() {
        let wire: Vec<_> = TokenType::ALL.iter().map(|k| k.wire()).collect();
        assert_eq!(wire, ["1", "2", "3", "4"]);
        assert_eq!(TokenType::parse(" SMS ").unwrap().wire(), "2");
        assert_eq!(TokenType::parse("mobile").unwrap().wire(), "1");
        let e = TokenType::parse("otp").unwrap_err();
        assert!(e.to_string().contains("hardware OTP"), "{e}");
    }

    #[test]
    fn statuses_read_and_set() {
        assert_eq!(TokenState::from_wire(""), Some(TokenState::None));
        assert_eq!(TokenState::from_wire("5"), Some(TokenState::Suspended));
        assert_eq!(TokenState::from_wire("9"), None);
        assert_eq!(
            SettableState::parse("temp-deactivated").unwrap().wire(),
            "3"
        );
        let e = SettableState::parse("suspended").unwrap_err();
        assert!(e.to_string().contains("cannot be set to suspended"), "{e}");
        assert!(SettableState::Deactivated.locks_out() && !SettableState::Valid.locks_out());
    }
}
