//! The CENTAGATE return codes the simulator answers with, and their vendor texts
//! (verbatim from the vendor's published return-code list).

/// A return code of the four core CENTAGATE calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Success,
    PermissionNotAllowed,
    InvalidInput,
    DbProtectionError,
    DbError,
    CryptoError,
    UserNotFound,
    TokenNotFound,
    TokenNotActive,
    TokenNotBoundToUser,
    PhoneNumberUsed,
    OtpTokenAlreadyRegistered,
    InvalidActivationCode,
    TokenNotBoundToAnyone,
    InvalidTokenStatus,
    SyncOtpFailed,
    TokenRegisterFailed,
    CrOtpNotAllowed,
}

impl Code {
    /// Every code, for tables and tests.
    pub const ALL: [Code; 18] = [
        Code::Success,
        Code::PermissionNotAllowed,
        Code::InvalidInput,
        Code::DbProtectionError,
        Code::DbError,
        Code::CryptoError,
        Code::UserNotFound,
        Code::TokenNotFound,
        Code::TokenNotActive,
        Code::TokenNotBoundToUser,
        Code::PhoneNumberUsed,
        Code::OtpTokenAlreadyRegistered,
        Code::InvalidActivationCode,
        Code::TokenNotBoundToAnyone,
        Code::InvalidTokenStatus,
        Code::SyncOtpFailed,
        Code::TokenRegisterFailed,
        Code::CrOtpNotAllowed,
    ];

    /// The number sent in the `code` field.
    pub fn number(self) -> u32 {
        match self {
            Code::Success => 0,
            Code::PermissionNotAllowed => 10001,
            Code::InvalidInput => 10002,
            Code::DbProtectionError => 10003,
            Code::DbError => 10004,
            Code::CryptoError => 10011,
            Code::UserNotFound => 22002,
            Code::TokenNotFound => 29001,
            Code::TokenNotActive => 29002,
            Code::TokenNotBoundToUser => 29003,
            Code::PhoneNumberUsed => 29004,
            Code::OtpTokenAlreadyRegistered => 29008,
            Code::InvalidActivationCode => 29011,
            Code::TokenNotBoundToAnyone => 29013,
            Code::InvalidTokenStatus => 29017,
            Code::SyncOtpFailed => 54002,
            Code::TokenRegisterFailed => 6002,
            Code::CrOtpNotAllowed => 6007,
        }
    }

    /// The vendor's text for this code, sent in the `message` field.
    pub fn message(self) -> &'static str {
        match self {
            Code::Success => "Success",
            Code::PermissionNotAllowed => "Permission not allowed",
            Code::InvalidInput => "Invalid Input",
            Code::DbProtectionError => "DB protection error",
            Code::DbError => "DB error",
            Code::CryptoError => "Crypto error",
            Code::UserNotFound => "User not found",
            Code::TokenNotFound => "Token not found",
            Code::TokenNotActive => "Token is not active",
            Code::TokenNotBoundToUser => "Token is not bound to the user",
            Code::PhoneNumberUsed => "Phone number had been used",
            Code::OtpTokenAlreadyRegistered => "An OTP token already registered to this user",
            Code::InvalidActivationCode => "Invalid token activation code",
            Code::TokenNotBoundToAnyone => "Token is not bound to anyone",
            Code::InvalidTokenStatus => "Invalid token status",
            Code::SyncOtpFailed => "Sync OTP failed",
            Code::TokenRegisterFailed => "Token register to user failed",
            Code::CrOtpNotAllowed => "User is not allowed to bind with CR OTP token",
        }
    }

    /// The code with this number, if it is one of ours.
    pub fn from_number(number: u32) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.number() == number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_round_trip() {
        for code in Code::ALL {
            assert_eq!(Code::from_number(code.number()), Some(code));
        }
        assert_eq!(Code::from_number(12345), None);
    }

    #[test]
    fn texts_match_the_vendor_list() {
        assert_eq!(
            Code::PhoneNumberUsed.message(),
            "Phone number had been used"
        );
        assert_eq!(Code::SyncOtpFailed.message(), "Sync OTP failed");
        assert_eq!(Code::InvalidInput.message(), "Invalid Input");
    }
}
