//! The shared vocabulary every layer speaks: which admin operations exist, which kinds of
//! server a profile can name, and which input fields a person fills in. A leaf: it imports no
//! other module of the crate, so every backend, the error type and the shells can use it
//! without depending on one another.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An admin operation, as the catalog and the activity list name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Operation {
    Register,
    Sync,
    Unlock,
    ListMethods,
    /// SecurID: find a user by email address or username.
    LookupUser,
    /// SecurID: unlock a user's token, SMS or voice tokencodes.
    UnlockMethods,
    /// Either server: prove the server answers and accepts the profile's credentials.
    TestProfile,
    /// A profile was added (with its credentials, when given).
    AddProfile,
    /// A profile's settings were changed.
    EditProfile,
    /// A profile and its stored credentials were removed.
    RemoveProfile,
    /// A profile's stored credentials (or SecurID key) were replaced.
    ReplaceCredentials,
    /// CENTAGATE: an administrator's sign-in with password (`auth/authBasic`).
    SignIn,
    /// CENTAGATE: the sign-in's second factor (an OTP or SMS code).
    SecondFactor,
    /// CENTAGATE: asking the server to text the administrator a sign-in code.
    RequestSmsCode,
    /// CENTAGATE: ending the administrator's session (`auth/logout`).
    SignOut,
    /// CENTAGATE: remove a user's token of one kind (`token/unregisterActiveToken`).
    UnregisterToken,
    /// CENTAGATE: a user's token status of one kind (`token/getStatus`).
    TokenStatus,
    /// CENTAGATE: set a user's token status of one kind (`token/update/token/status`).
    SetTokenStatus,
    /// CENTAGATE: unlock a locked user account (`user/unlockUser`).
    UnlockUser,
    /// CENTAGATE: activate a user account (`user/status/update`, status 1).
    EnableUser,
    /// CENTAGATE: deactivate a user account (`user/status/update`, status 0).
    DisableUser,
    /// SecurID: search users by part of their email address.
    SearchUsers,
    /// SecurID: issue a user an emergency tokencode.
    EmergencyCode,
    /// SecurID: look a SID700 hardware token up by serial.
    LookupToken,
    /// A help-desk case was opened (a guided flow started); its steps carry its id.
    OpenCase,
    /// The administrator confirmed the user's identity (the checks they ticked).
    ConfirmIdentity,
    /// A help-desk case ended: finished, or stopped part-way (unfinished).
    CloseCase,
}

impl Operation {
    /// The operation's name as a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Operation::Register => "register",
            Operation::Sync => "resync",
            Operation::Unlock => "unlock",
            Operation::ListMethods => "list methods",
            Operation::LookupUser => "look up a user",
            Operation::UnlockMethods => "unlock tokencodes",
            Operation::TestProfile => "test the profile",
            Operation::AddProfile => "add a profile",
            Operation::EditProfile => "edit a profile",
            Operation::RemoveProfile => "remove a profile",
            Operation::ReplaceCredentials => "replace credentials",
            Operation::SignIn => "sign in",
            Operation::SecondFactor => "confirm the sign-in with a code",
            Operation::RequestSmsCode => "send a sign-in code by SMS",
            Operation::SignOut => "sign out",
            Operation::UnregisterToken => "unregister a token",
            Operation::TokenStatus => "check a token's status",
            Operation::SetTokenStatus => "set a token's status",
            Operation::UnlockUser => "unlock a user account",
            Operation::EnableUser => "enable a user",
            Operation::DisableUser => "disable a user",
            Operation::SearchUsers => "search users",
            Operation::EmergencyCode => "issue an emergency tokencode",
            Operation::LookupToken => "look up a hardware token",
            Operation::OpenCase => "open a case",
            Operation::ConfirmIdentity => "confirm the user's identity",
            Operation::CloseCase => "close a case",
        }
    }

    /// The operation's name as recorded and serialised, e.g. `listMethods`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Register => "register",
            Operation::Sync => "sync",
            Operation::Unlock => "unlock",
            Operation::ListMethods => "listMethods",
            Operation::LookupUser => "lookupUser",
            Operation::UnlockMethods => "unlockMethods",
            Operation::TestProfile => "testProfile",
            Operation::AddProfile => "addProfile",
            Operation::EditProfile => "editProfile",
            Operation::RemoveProfile => "removeProfile",
            Operation::ReplaceCredentials => "replaceCredentials",
            Operation::SignIn => "signIn",
            Operation::SecondFactor => "secondFactor",
            Operation::RequestSmsCode => "requestSmsCode",
            Operation::SignOut => "signOut",
            Operation::UnregisterToken => "unregisterToken",
            Operation::TokenStatus => "tokenStatus",
            Operation::SetTokenStatus => "setTokenStatus",
            Operation::UnlockUser => "unlockUser",
            Operation::EnableUser => "enableUser",
            Operation::DisableUser => "disableUser",
            Operation::SearchUsers => "searchUsers",
            Operation::EmergencyCode => "emergencyCode",
            Operation::LookupToken => "lookupToken",
            Operation::OpenCase => "openCase",
            Operation::ConfirmIdentity => "confirmIdentity",
            Operation::CloseCase => "closeCase",
        }
    }

    /// The backend that offers the operation; `None` for what every backend's profiles do
    /// (test, add, edit, remove, replace credentials; register and unregister a token, list
    /// methods, enable and disable a user — each server its own way).
    pub fn backend(self) -> Option<Backend> {
        match self {
            Operation::Sync
            | Operation::Unlock
            | Operation::SignIn
            | Operation::SecondFactor
            | Operation::RequestSmsCode
            | Operation::SignOut
            | Operation::TokenStatus
            | Operation::SetTokenStatus
            | Operation::UnlockUser => Some(Backend::Centagate),
            Operation::LookupUser
            | Operation::UnlockMethods
            | Operation::SearchUsers
            | Operation::EmergencyCode
            | Operation::LookupToken => Some(Backend::SecurId),
            // Each server's own way: a token registered (SecurID: a hardware token assigned)
            // or removed, the methods listed, an account enabled or disabled.
            Operation::Register
            | Operation::UnregisterToken
            | Operation::ListMethods
            | Operation::EnableUser
            | Operation::DisableUser
            | Operation::TestProfile
            | Operation::AddProfile
            | Operation::EditProfile
            | Operation::RemoveProfile
            | Operation::ReplaceCredentials
            | Operation::OpenCase
            | Operation::ConfirmIdentity
            | Operation::CloseCase => None,
        }
    }
}

/// Which kind of server a profile talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Backend {
    #[default]
    Centagate,
    /// RSA SecurID Cloud Access Service (its Cloud Administration REST API).
    #[serde(rename = "securid")]
    SecurId,
}

impl Backend {
    /// The product name, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Backend::Centagate => "CENTAGATE",
            Backend::SecurId => "SecurID Cloud",
        }
    }
}

/// A field a person fills in; used to name it in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Field {
    Username,
    Phone,
    Serial,
    Otp1,
    Otp2,
    ProfileName,
    Url,
    AdminUsername,
    BasePath,
    Timeout,
    AuthToken,
    SecretCode,
    CaFile,
    /// The SecurID Cloud Administration API key file.
    KeyFile,
    Email,
    /// A SecurID user's ID, as the user lookup returns it.
    UserId,
    /// The SecurID methods to unlock.
    Methods,
    /// The start of a time range (audit log filter).
    Since,
    /// The end of a time range (audit log filter).
    Until,
    /// CENTAGATE: the sign-in app's Integration Key.
    IntegrationKey,
    /// CENTAGATE: the sign-in app's Secret Key.
    AppSecretKey,
    /// CENTAGATE: where the sign-in calls live, when not below the base path.
    AuthBasePath,
    /// The administrator's own password (sign-in).
    Password,
    /// The sign-in's second-factor code (OTP or SMS).
    SignInCode,
    /// CENTAGATE: which kind of token (mobile, SMS, challenge-response, PKI).
    TokenKind,
    /// CENTAGATE: the status to set a token to.
    TokenStatus,
    /// SecurID: how many users one search page holds.
    PageSize,
    /// SecurID: how long an emergency tokencode works.
    Validity,
    /// SecurID: the name given to an assigned hardware token.
    TokenName,
    /// A bulk job's CSV file (its header, its columns, its text).
    CsvFile,
    /// A bulk job's operation.
    BulkOperation,
    /// A bulk job's number of rows in flight at once.
    Concurrency,
    /// A help-desk case's ticket number.
    Ticket,
    /// A help-desk case's id.
    CaseId,
    /// The identity checks an administrator ticks before a guided flow changes anything.
    IdentityChecks,
}

impl Field {
    /// The field's name inside a sentence: its first letter lowercased, unless it starts
    /// with an acronym ("server URL", "CA certificate file").
    pub fn in_sentence(self) -> String {
        let label = self.label();
        let mut chars = label.chars();
        match (chars.next(), chars.next()) {
            (Some(first), Some(second)) if second.is_lowercase() => first
                .to_lowercase()
                .chain(label[first.len_utf8()..].chars())
                .collect(),
            _ => label.to_owned(),
        }
    }

    /// The field's name as a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Field::Username => "Username",
            Field::Phone => "Phone number",
            Field::Serial => "Token serial",
            Field::Otp1 => "First code",
            Field::Otp2 => "Second code",
            Field::ProfileName => "Profile name",
            Field::Url => "Server URL",
            Field::AdminUsername => "Admin username",
            Field::BasePath => "Base path",
            Field::Timeout => "Timeout",
            Field::AuthToken => "Auth token",
            Field::SecretCode => "Secret code",
            Field::CaFile => "CA certificate file",
            Field::KeyFile => "API key file",
            Field::Email => "Email address",
            Field::UserId => "User ID",
            Field::Methods => "Methods to unlock",
            Field::Since => "Since",
            Field::Until => "Until",
            Field::IntegrationKey => "Integration Key",
            Field::AppSecretKey => "App Secret Key",
            Field::AuthBasePath => "Auth base path",
            Field::Password => "Password",
            Field::SignInCode => "Sign-in code",
            Field::TokenKind => "Token kind",
            Field::TokenStatus => "Token status",
            Field::PageSize => "Page size",
            Field::Validity => "Validity",
            Field::TokenName => "Token name",
            Field::CsvFile => "CSV file",
            Field::BulkOperation => "Bulk operation",
            Field::Concurrency => "Concurrency",
            Field::Ticket => "Ticket number",
            Field::CaseId => "Case id",
            Field::IdentityChecks => "Identity checks",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_in_a_sentence_keeps_its_acronyms() {
        assert_eq!(Field::Url.in_sentence(), "server URL");
        assert_eq!(Field::AdminUsername.in_sentence(), "admin username");
        assert_eq!(Field::BasePath.in_sentence(), "base path");
        assert_eq!(Field::CaFile.in_sentence(), "CA certificate file");
        assert_eq!(Field::KeyFile.in_sentence(), "API key file");
    }

    #[test]
    fn an_operations_name_is_its_serialised_name() {
        use Operation::*;
        for op in [
            Register,
            Sync,
            Unlock,
            ListMethods,
            LookupUser,
            UnlockMethods,
            TestProfile,
            AddProfile,
            EditProfile,
            RemoveProfile,
            ReplaceCredentials,
            SignIn,
            SecondFactor,
            RequestSmsCode,
            SignOut,
            UnregisterToken,
            TokenStatus,
            SetTokenStatus,
            UnlockUser,
            EnableUser,
            DisableUser,
            SearchUsers,
            EmergencyCode,
            LookupToken,
            OpenCase,
            ConfirmIdentity,
            CloseCase,
        ] {
            assert_eq!(serde_json::to_value(op).unwrap(), op.name());
        }
    }
}
