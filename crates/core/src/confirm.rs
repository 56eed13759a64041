//! Which actions ask the administrator to confirm first — the ones that remove a way in or
//! lock someone out — and the question, naming the user and the token. Decided here once, so
//! the CLI's prompt (or `--yes`) and the app's dialog ask the same thing; an action on the
//! profile's own admin account says so in plain words.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::centagate::tokens::SettableState;
use crate::ops::{SetTokenStatusRequest, UserTokenRequest};
use crate::profile::Profile;
use crate::vocab::Backend;

/// A change that needs confirming.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// CENTAGATE: remove a user's token of one kind.
    UnregisterToken(&'a UserTokenRequest),
    /// CENTAGATE: set a token's status (asks only when it can lock the user out).
    SetTokenStatus(&'a SetTokenStatusRequest),
    /// Either server: disable a user (`who`: a username or email address).
    DisableUser { who: &'a str },
    /// SecurID: unassign a hardware token from a user.
    UnassignToken { who: &'a str, serial: &'a str },
}

impl Change<'_> {
    /// The question to ask before `profile` makes this change; `None` when it needs no
    /// confirmation.
    pub fn question(&self, profile: &Profile) -> Option<String> {
        let (who, what) = match self {
            Change::UnregisterToken(r) => (
                r.username.trim(),
                format!(
                    "Remove the {} of {}? They can no longer sign in with it, and it must be registered again to be used.",
                    r.kind.label(),
                    r.username.trim()
                ),
            ),
            Change::SetTokenStatus(r) if r.status.locks_out() => (
                r.username.trim(),
                format!(
                    "Set the {} of {} to {}? They cannot sign in with it until it is set valid again{}.",
                    r.kind.label(),
                    r.username.trim(),
                    r.status.status().label(),
                    if r.status == SettableState::Deactivated {
                        " (deactivated may be final on the server)"
                    } else {
                        ""
                    }
                ),
            ),
            Change::SetTokenStatus(_) => return None,
            Change::DisableUser { who } => (
                who.trim(),
                format!(
                    "Disable the account of {}? They cannot sign in at all until it is enabled again.",
                    who.trim()
                ),
            ),
            Change::UnassignToken { who, serial } => (
                who.trim(),
                format!(
                    "Unassign hardware token {} from {}? They can no longer sign in with it.",
                    serial.trim(),
                    who.trim()
                ),
            ),
        };
        let own = profile.backend == Backend::Centagate && who.eq_ignore_ascii_case(&profile.admin);
        Some(if own {
            format!(
                "{what} This is your own admin account ({}), the one this profile signs in as: you may lock yourself out of TokenDesk and the portal.",
                profile.admin
            )
        } else {
            what
        })
    }
}

/// A change as a surface names it when it asks for the question (the app's confirm dialog):
/// the owned form of [`Change`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "change", rename_all = "camelCase")]
#[ts(export)]
pub enum ChangeRequest {
    UnregisterToken(UserTokenRequest),
    SetTokenStatus(SetTokenStatusRequest),
    DisableUser { who: String },
    UnassignToken { who: String, serial: String },
}

impl ChangeRequest {
    /// The question to ask before `profile` makes this change, as [`Change::question`].
    pub fn question(&self, profile: &Profile) -> Option<String> {
        match self {
            ChangeRequest::UnregisterToken(r) => Change::UnregisterToken(r).question(profile),
            ChangeRequest::SetTokenStatus(r) => Change::SetTokenStatus(r).question(profile),
            ChangeRequest::DisableUser { who } => Change::DisableUser { who }.question(profile),
            ChangeRequest::UnassignToken { who, serial } => {
                Change::UnassignToken { who, serial }.question(profile)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::centagate::tokens::TokenType;

    fn profile() -> Profile {
        crate::centagate::profile::ProfileDraft {
            name: "p".into(),
            url: "https://mfa.example.com".into(),
            admin: "helpdesk01".into(),
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn destructive_changes_ask_naming_the_user_and_the_token() {
        let p = profile();
        let unregister = UserTokenRequest {
            username: " alice ".into(),
            kind: TokenType::Sms,
        };
        let q = Change::UnregisterToken(&unregister).question(&p).unwrap();
        assert!(q.starts_with("Remove the SMS token of alice?"), "{q}");
        assert!(!q.contains("own admin"));
        let status = |status| SetTokenStatusRequest {
            username: "HelpDesk01".into(),
            kind: TokenType::Mobile,
            status,
        };
        let valid = status(SettableState::Valid);
        assert_eq!(Change::SetTokenStatus(&valid).question(&p), None);
        let off = status(SettableState::TempDeactivated);
        let q = Change::SetTokenStatus(&off).question(&p).unwrap();
        assert!(q.contains("temporarily deactivated"), "{q}");
        assert!(q.contains("your own admin account (helpdesk01)"), "{q}");
        let q = Change::UnassignToken {
            who: "bob@corp.example",
            serial: "000123",
        }
        .question(&p)
        .unwrap();
        assert!(
            q.contains("000123") && q.contains("bob@corp.example"),
            "{q}"
        );
        assert!(Change::DisableUser { who: "carol" }
            .question(&p)
            .unwrap()
            .contains("carol"));
    }
}
