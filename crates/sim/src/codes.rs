//! The CENTAGATE return codes the simulator answers with, and their vendor texts
//! (verbatim from the vendor's published return-code list).

/// A return code of the CENTAGATE calls the simulator answers (the admin calls and the
/// sign-in calls).
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
    /// 22005: the administrator has no phone for SMS codes.
    UserMobileNotFound,
    /// 23001: wrong username, password or OTP code.
    InvalidCredentials,
    /// 23002: an SMS code was sent too recently.
    SmsOtpTooSoon,
    /// 23008: the SMS code does not match.
    InvalidSmsOtp,
    /// 23009: the SMS code is no longer valid.
    SmsOtpExpired,
    /// 23010: no SMS code was requested.
    SmsOtpNotGenerated,
    /// 23016: the authToken of the first step is unknown or expired.
    AuthDataNotFound,
    /// 23017: the administrator has no such second factor.
    AuthMethodNotEnabled,
    /// 23019: the authToken belongs to another administrator.
    AuthRequestOwnerMismatch,
    /// 23022: the `hmac` does not match (wrong Secret Key, field order or hex case).
    InvalidSignature,
    /// 23023: `unixTimestamp` outside the accepted window.
    RequestExpired,
    /// 22006: an administrator asked to unlock their own account.
    SameUser,
    /// 22016: `user/unlockUser` on an account that is not locked.
    UserNotLocked,
    /// 26011: unregistering the PKI token of a user without a certificate (the vendor's
    /// text for this code is "Certificate revoked"; its unregister page prints "Certificate
    /// not found").
    CertificateRevoked,
    /// 36000: unregistering the mobile token of a user without a device.
    DeviceNotFound,
}

impl Code {
    /// Every code, for tables and tests.
    pub const ALL: [Code; 33] = [
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
        Code::UserMobileNotFound,
        Code::InvalidCredentials,
        Code::SmsOtpTooSoon,
        Code::InvalidSmsOtp,
        Code::SmsOtpExpired,
        Code::SmsOtpNotGenerated,
        Code::AuthDataNotFound,
        Code::AuthMethodNotEnabled,
        Code::AuthRequestOwnerMismatch,
        Code::InvalidSignature,
        Code::RequestExpired,
        Code::SameUser,
        Code::UserNotLocked,
        Code::CertificateRevoked,
        Code::DeviceNotFound,
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
            Code::UserMobileNotFound => 22005,
            Code::InvalidCredentials => 23001,
            Code::SmsOtpTooSoon => 23002,
            Code::InvalidSmsOtp => 23008,
            Code::SmsOtpExpired => 23009,
            Code::SmsOtpNotGenerated => 23010,
            Code::AuthDataNotFound => 23016,
            Code::AuthMethodNotEnabled => 23017,
            Code::AuthRequestOwnerMismatch => 23019,
            Code::InvalidSignature => 23022,
            Code::RequestExpired => 23023,
            Code::SameUser => 22006,
            Code::UserNotLocked => 22016,
            Code::CertificateRevoked => 26011,
            Code::DeviceNotFound => 36000,
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
            Code::UserMobileNotFound => "User mobile not found",
            Code::InvalidCredentials => "Invalid credentials",
            Code::SmsOtpTooSoon => "Please wait before requesting another SMS OTP",
            Code::InvalidSmsOtp => "Invalid SMS OTP",
            Code::SmsOtpExpired => "SMS OTP expired",
            Code::SmsOtpNotGenerated => "SMS OTP not generated",
            Code::AuthDataNotFound => "Authentication data does not exist",
            Code::AuthMethodNotEnabled => "Authentication method is not enabled",
            Code::AuthRequestOwnerMismatch => "Authentication request owner not match",
            Code::InvalidSignature => "Rejected: invalid API signature",
            Code::RequestExpired => "Rejected: request expired",
            Code::SameUser => "Requestor and user is the same user",
            Code::UserNotLocked => "User not in locked status",
            Code::CertificateRevoked => "Certificate revoked",
            Code::DeviceNotFound => "Device not found",
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
        assert_eq!(
            Code::InvalidSignature.message(),
            "Rejected: invalid API signature"
        );
        assert_eq!(Code::SmsOtpTooSoon.number(), 23002);
    }
}
