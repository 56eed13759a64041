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
        }
    }

    /// The backend that offers the operation.
    pub fn backend(self) -> Backend {
        match self {
            Operation::Register | Operation::Sync | Operation::Unlock | Operation::ListMethods => {
                Backend::Centagate
            }
            Operation::LookupUser | Operation::UnlockMethods => Backend::SecurId,
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
}

impl Field {
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
        }
    }
}
