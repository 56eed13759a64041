//! The CENTAGATE return-code catalog: every published code with the vendor's text, the words
//! we show an administrator, and what to do next — per operation where the meaning differs.
//!
//! This is data, exported to the UI as-is and printed by `tokendesk codes`; the numbers and
//! vendor texts come from `reference/centagate-return-codes.md`.

use crate::catalog::{c, on, with, Catalog, CodeEntry, Described};
use crate::vocab::{Backend, Operation};

/// CENTAGATE's return codes: what the errors of this backend are explained with, and what
/// `tokendesk codes` lists.
pub static CATALOG: Catalog = Catalog::new(Backend::Centagate, false, CODES, unknown);

/// The words for `code` when it answered `operation`. Unknown codes get a generic title that
/// names the number, so nothing is swallowed; the caller shows the server's message beside it.
pub fn describe(code: i64, operation: Option<Operation>) -> Described {
    CATALOG.describe(code, operation)
}

fn unknown(code: i64) -> Described {
    Described {
        title: format!("Unknown server code {code}"),
        hint: "The server answered with a code TokenDesk does not know. Read the server's \
               message below and check the CENTAGATE audit log or the vendor documentation."
            .to_owned(),
        vendor_text: None,
    }
}

use Operation::{Register, Sync, Unlock};

static CODES: &[CodeEntry] = &[
    c(0, "Success", "Done", "Nothing more to do."),
    with(6002, "Token register to user failed", "The server could not bind the token",
        "The server refused the binding without saying why. Check the user's status and the token in the CENTAGATE console, then try again.", &[]),
    c(6007, "User is not allowed to bind with CR OTP token", "This user may not have a challenge-response OTP token",
        "The user's group policy forbids CR OTP tokens. Register another kind of token, or ask a CENTAGATE administrator to change the policy."),
    c(10001, "Permission not allowed", "Credentials refused or session expired",
        "The admin credentials of this profile were refused: the auth token and secret code are wrong or the admin session has expired. Sign in to CENTAGATE again and store the new auth token and secret code in the profile."),
    c(10002, "Invalid Input", "The server rejected the request as invalid",
        "A field was missing or malformed in the server's eyes. Check the username and the values entered; if they look right, the server may expect a different format."),
    c(10003, "DB protection error", "Server database protection error",
        "The server's database refused the change. Try again in a moment; if it persists, contact the CENTAGATE server administrator."),
    c(10004, "DB error", "Server database error",
        "The server failed to read or write its database. Try again in a moment; if it persists, contact the CENTAGATE server administrator."),
    c(10011, "Crypto error", "Server cryptography error",
        "The server failed while checking the request signature. Check the profile's secret code; if it is right, contact the CENTAGATE server administrator."),
    c(20002, "Company not found", "Company not found", "The company this account belongs to does not exist on the server. Check you are using the right server profile."),
    c(20007, "Company is not active", "Company is not active", "The company is deactivated on the server. Ask a CENTAGATE administrator to activate it."),
    c(21001, "Group not found", "Group not found", "The user's group does not exist. Check the user's group in the CENTAGATE console."),
    c(22001, "Duplicate user email", "Duplicate user email", "Another user already has this email address."),
    with(22002, "User not found", "No such user",
        "No user with this username exists on the server. Check the spelling (usernames are usually case-sensitive) and the server profile.", &[]),
    c(22004, "User is not active", "The user account is not active", "Activate the user account in the CENTAGATE console first, then try again."),
    c(22005, "User mobile not found", "The user has no mobile number", "Add a mobile number to the user first."),
    c(22006, "Requestor and user is the same user", "You cannot do this to your own account", "Ask another administrator to perform this action on your account."),
    c(22011, "User self register failed", "User self-registration failed", "Retry the registration; if it persists, check the server logs."),
    c(22013, "Users limit reached", "The licence's user limit is reached", "Remove unused users or extend the licence."),
    c(22016, "User not in locked status", "The user account is not locked", "Nothing to unlock: the account is not locked."),
    c(22025, "Duplicate username", "Duplicate username", "Another user already has this username."),
    c(22027, "User already bound with a token", "The user already has a token", "Unregister the user's current token first, or choose another user."),
    c(22029, "User edit pending approval", "A change to this user awaits approval", "Wait for the pending change to be approved or rejected, then try again."),
    c(22031, "User edit fail", "The user could not be changed", "Try again; if it persists, check the server logs."),
    c(23001, "Invalid credentials", "Invalid credentials", "The credentials given were refused."),
    c(23002, "Please wait before requesting another SMS OTP", "Too soon for another SMS code", "Wait a minute before requesting another SMS code."),
    c(23003, "Generate random string failed", "The server could not generate a random value", "Try again; if it persists, contact the CENTAGATE server administrator."),
    c(23004, "Generate SMS OTP failed", "The server could not generate an SMS code", "Try again; if it persists, check the SMS gateway."),
    c(23005, "Generate OTP challenge failed", "The server could not generate an OTP challenge", "Try again; if it persists, contact the CENTAGATE server administrator."),
    c(23006, "Push mobile soft cert failed", "Push to the mobile app failed", "Check the user's device is reachable and try again."),
    c(23007, "Authentication is pending", "Authentication is still pending", "Wait for the user to complete the authentication."),
    c(23008, "Invalid SMS OTP", "Wrong SMS code", "Ask the user to read the code again carefully."),
    c(23009, "SMS OTP expired", "The SMS code has expired", "Request a new SMS code."),
    c(23010, "SMS OTP not generated", "No SMS code was requested", "Request an SMS code first."),
    c(23012, "Certificate is revoked", "The certificate is revoked", "Issue the user a new certificate."),
    c(23013, "User does not bind with any device", "The user has no device", "Register a device for the user first."),
    c(23014, "Unknown device OS", "Unknown device operating system", "Re-register the user's device."),
    c(23015, "Push mobile audio pass failed", "Push of the audio pass failed", "Check the user's device is reachable and try again."),
    c(23016, "Authentication data does not exist", "Authentication data not found", "Start the authentication again."),
    c(23017, "Authentication method is not enabled", "This authentication method is not enabled", "Enable the method for the user's group in the CENTAGATE console."),
    c(23018, "Invalid authentication request status", "The authentication request is in the wrong state", "Start the authentication again."),
    c(23019, "Authentication request owner not match", "The authentication request belongs to someone else", "Start the authentication again as the right user."),
    c(23020, "Rejected: not from trusted IP list", "Rejected: this computer's address is not trusted", "Ask a CENTAGATE administrator to add this computer's IP address to the trusted list of the Web API app."),
    c(23021, "Rejected: user's group not allowed to access this API", "Rejected: your admin group may not use this API", "Ask a CENTAGATE administrator to allow your group to use the web services."),
    c(23022, "Rejected: invalid API signature", "Rejected: invalid API signature", "Check the profile's secret code and the admin username; store fresh credentials if the session was renewed."),
    c(23023, "Rejected: request expired", "Rejected: the request expired", "Check this computer's clock, then try again."),
    c(23024, "API not found", "The server does not offer this call", "Check the profile's base path and the server version."),
    c(23025, "Authentication/Web API error", "Web API error on the server", "Try again; if it persists, contact the CENTAGATE server administrator."),
    c(23026, "Authentication request rejected", "The authentication request was rejected", "The request was rejected by the user or by policy."),
    c(23035, "OTP token out of sync", "The OTP token is out of sync", "Resynchronise the token with two consecutive codes from it."),
    c(23036, "OTP token locked", "The OTP token is locked", "Unlock the user's OTP token."),
    c(23037, "Fingerprint not match", "Fingerprint does not match", "Ask the user to try again."),
    c(23038, "Fingerprint exceed two record", "Too many fingerprint records", "Remove an old fingerprint record first."),
    c(25009, "Insufficient SMS credit", "No SMS credit left", "Top up the SMS credit of the CENTAGATE account."),
    c(26001, "Certificate not found", "Certificate not found", "Check the certificate serial."),
    c(26010, "Certificate not owned by user", "The certificate belongs to someone else", "Check the user and the certificate serial."),
    c(26011, "Certificate revoked", "The certificate is revoked", "Issue the user a new certificate."),
    c(27001, "Invalid license file", "The server's licence is invalid", "Contact the CENTAGATE server administrator about the licence."),
    c(28001, "Password policy not up-to-date", "Password policy not up to date", "Update the password policy in the CENTAGATE console."),
    c(28003, "Cannot reuse last X passwords", "Password reused", "Choose a password not used recently."),
    c(28004, "Minimum X characters", "Password too short", "Choose a longer password."),
    c(28005, "Password complexity not met", "Password not complex enough", "Mix letters, digits and symbols."),
    c(28006, "Password blacklisted", "Password not allowed", "Choose another password."),
    c(28007, "Must differ from current password", "Password unchanged", "Choose a password different from the current one."),
    c(28008, "Password changed too frequently", "Password changed too often", "Wait before changing the password again."),
    c(28010, "More than two consecutive repeated characters", "Too many repeated characters", "Avoid repeating a character more than twice in a row."),
    c(28011, "Password equal to username", "Password equals the username", "Choose a password different from the username."),
    with(29001, "Token not found", "Token not found",
        "The server has no such token.", &[
            on(Register, "No hardware token with this serial", "Check the serial printed on the back of the token; it must be imported on the server before it can be registered."),
            on(Sync, "This user has no OTP token", "The user has no hardware OTP token to resynchronise. Look at the user's methods; register a token first if needed."),
            on(Unlock, "This user has no OTP token", "The user has no hardware OTP token to unlock. Look at the user's methods; register a token first if needed."),
        ]),
    with(29002, "Token is not active", "The token is not active",
        "The token exists but is not in active status.", &[
            on(Sync, "The user's OTP token is not active", "Only an active token can be resynchronised. If it is locked or suspended, unlock it first; if it is pending, finish its activation."),
            on(Register, "The token is not in a state that can be registered", "Choose a token in deactivated status, or check its state in the CENTAGATE console."),
        ]),
    c(29003, "Token is not bound to the user", "The token is not bound to this user",
        "The token belongs to someone else or to nobody. Check the username, and look at the user's methods."),
    with(29004, "Phone number had been used", "This phone number is already in use",
        "Another user already has this phone number as an SMS token. Check the number, or remove it from the other user first.", &[]),
    c(29008, "An OTP token already registered to this user", "The user already has an OTP token",
        "A user may hold one OTP token. Resynchronise or unlock the existing token, or unregister it in the console before registering another."),
    c(29011, "Invalid token activation code", "Invalid token activation code", "Check the activation code and try again."),
    c(29013, "Token is not bound to anyone", "The token is not bound to anyone", "Register the token to the user first."),
    with(29017, "Invalid token status", "The token is in the wrong state for this action",
        "The token's status does not allow this action. Look at the user's methods to see its state.", &[
            on(Unlock, "The token is not locked or suspended", "Nothing to unlock: the user's OTP token is already usable. If the user still cannot sign in, the token may have drifted: resynchronise it with two consecutive codes."),
            on(Register, "This token cannot be registered in its present state", "The token is bound to another user or is not in deactivated status. Choose another token from stock, or release this one in the CENTAGATE console."),
        ]),
    c(36000, "Device not found", "Device not found", "Check the user's devices."),
    c(36004, "User device not active", "The user's device is not active", "Activate the device first."),
    c(38000, "Invalid security question", "Invalid security question", "Check the security question."),
    with(54002, "Sync OTP failed", "Resynchronisation failed",
        "The server could not match the codes to the token.", &[
            on(Sync, "The two codes did not match the token", "Ask the user for two fresh codes, pressed one after the other on the same token, and enter them in order. Codes already used or far out of step are refused."),
        ]),
    c(55000, "Invalid signature", "Invalid signature", "Check the profile's secret code and admin username; store fresh credentials if the session was renewed."),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code in reference/centagate-return-codes.md, both tables.
    const PUBLISHED: &[(i64, &str)] = &[
        (0, "Success"),
        (10001, "Permission not allowed"),
        (10002, "Invalid Input"),
        (10003, "DB protection error"),
        (10004, "DB error"),
        (10011, "Crypto error"),
        (22002, "User not found"),
        (29001, "Token not found"),
        (29002, "Token is not active"),
        (29003, "Token is not bound to the user"),
        (29004, "Phone number had been used"),
        (29008, "An OTP token already registered to this user"),
        (29011, "Invalid token activation code"),
        (29013, "Token is not bound to anyone"),
        (29017, "Invalid token status"),
        (54002, "Sync OTP failed"),
        (6002, "Token register to user failed"),
        (6007, "User is not allowed to bind with CR OTP token"),
        (20002, "Company not found"),
        (20007, "Company is not active"),
        (21001, "Group not found"),
        (22001, "Duplicate user email"),
        (22004, "User is not active"),
        (22005, "User mobile not found"),
        (22006, "Requestor and user is the same user"),
        (22011, "User self register failed"),
        (22013, "Users limit reached"),
        (22016, "User not in locked status"),
        (22025, "Duplicate username"),
        (22027, "User already bound with a token"),
        (22029, "User edit pending approval"),
        (22031, "User edit fail"),
        (23001, "Invalid credentials"),
        (23002, "Please wait before requesting another SMS OTP"),
        (23003, "Generate random string failed"),
        (23004, "Generate SMS OTP failed"),
        (23005, "Generate OTP challenge failed"),
        (23006, "Push mobile soft cert failed"),
        (23007, "Authentication is pending"),
        (23008, "Invalid SMS OTP"),
        (23009, "SMS OTP expired"),
        (23010, "SMS OTP not generated"),
        (23012, "Certificate is revoked"),
        (23013, "User does not bind with any device"),
        (23014, "Unknown device OS"),
        (23015, "Push mobile audio pass failed"),
        (23016, "Authentication data does not exist"),
        (23017, "Authentication method is not enabled"),
        (23018, "Invalid authentication request status"),
        (23019, "Authentication request owner not match"),
        (23020, "Rejected: not from trusted IP list"),
        (
            23021,
            "Rejected: user's group not allowed to access this API",
        ),
        (23022, "Rejected: invalid API signature"),
        (23023, "Rejected: request expired"),
        (23024, "API not found"),
        (23025, "Authentication/Web API error"),
        (23026, "Authentication request rejected"),
        (23035, "OTP token out of sync"),
        (23036, "OTP token locked"),
        (23037, "Fingerprint not match"),
        (23038, "Fingerprint exceed two record"),
        (25009, "Insufficient SMS credit"),
        (26001, "Certificate not found"),
        (26010, "Certificate not owned by user"),
        (26011, "Certificate revoked"),
        (27001, "Invalid license file"),
        (28001, "Password policy not up-to-date"),
        (28003, "Cannot reuse last X passwords"),
        (28004, "Minimum X characters"),
        (28005, "Password complexity not met"),
        (28006, "Password blacklisted"),
        (28007, "Must differ from current password"),
        (28008, "Password changed too frequently"),
        (28010, "More than two consecutive repeated characters"),
        (28011, "Password equal to username"),
        (36000, "Device not found"),
        (36004, "User device not active"),
        (38000, "Invalid security question"),
        (55000, "Invalid signature"),
    ];

    #[test]
    fn every_published_code_is_catalogued_with_its_vendor_text() {
        for (code, text) in PUBLISHED {
            let e = CATALOG
                .entry(*code)
                .unwrap_or_else(|| panic!("code {code} missing"));
            assert_eq!(e.vendor_text, *text, "vendor text of {code}");
            assert!(
                !e.title.is_empty() && !e.hint.is_empty(),
                "words for {code}"
            );
        }
        assert_eq!(
            CATALOG.all().len(),
            PUBLISHED.len(),
            "catalog has codes the reference lacks"
        );
    }

    #[test]
    fn codes_are_unique_and_sorted_for_display() {
        let codes: Vec<i64> = CATALOG.all().iter().map(|e| e.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn per_operation_meanings_apply_only_to_their_operation() {
        let unlock = describe(29017, Some(Unlock));
        assert!(
            unlock.title.contains("not locked or suspended"),
            "{unlock:?}"
        );
        let register = describe(29017, Some(Register));
        assert_ne!(register.title, unlock.title);
        let general = describe(29017, None);
        assert_eq!(
            general.title,
            "The token is in the wrong state for this action"
        );
        assert!(describe(54002, Some(Sync)).hint.contains("two fresh codes"));
        assert!(describe(10001, Some(Operation::ListMethods))
            .title
            .contains("session expired"));
    }

    #[test]
    fn unknown_codes_name_their_number() {
        let d = describe(99999, Some(Sync));
        assert!(d.title.contains("99999"));
        assert_eq!(d.vendor_text, None);
    }
}
