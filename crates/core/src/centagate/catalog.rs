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

use Operation::{Register, SetTokenStatus, Sync, TokenStatus, Unlock, UnlockUser, UnregisterToken};

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
    with(22016, "User not in locked status", "The user account is not locked", "Nothing to unlock: the account is not locked.", &[
            on(UnlockUser, "The user account is not locked", "Nothing to unlock: the account can sign in. If the user still cannot, look at their token: it may be locked (unlock the token) or out of step (resynchronise it)."),
        ]),
    c(22025, "Duplicate username", "Duplicate username", "Another user already has this username."),
    c(22027, "User already bound with a token", "The user already has a token", "Unregister the user's current token first, or choose another user."),
    c(22029, "User edit pending approval", "A change to this user awaits approval", "Wait for the pending change to be approved or rejected, then try again."),
    c(22031, "User edit fail", "The user could not be changed", "Try again; if it persists, check the server logs."),
    c(23001, "Invalid credentials", "Sign-in refused: wrong username, password or code",
        "The server did not accept the username, password or code. Check the profile's admin username and type the password again; if a code was asked for, use a fresh one. Repeated failures may lock the account."),
    c(23002, "Please wait before requesting another SMS OTP", "Too soon for another SMS code",
        "The server allows one SMS code at a time. Wait a minute for the code already sent (or before asking again), then enter it or request a new one."),
    c(23003, "Generate random string failed", "The server could not generate a random value", "Try again; if it persists, contact the CENTAGATE server administrator."),
    c(23004, "Generate SMS OTP failed", "The server could not generate an SMS code", "Try again; if it persists, check the SMS gateway."),
    c(23005, "Generate OTP challenge failed", "The server could not generate an OTP challenge", "Try again; if it persists, contact the CENTAGATE server administrator."),
    c(23006, "Push mobile soft cert failed", "Push to the mobile app failed", "Check the user's device is reachable and try again."),
    c(23007, "Authentication is pending", "Authentication is still pending", "Wait for the user to complete the authentication."),
    c(23008, "Invalid SMS OTP", "Wrong SMS code",
        "The SMS code was not accepted. Type the code from the latest SMS again carefully, or request a new one."),
    c(23009, "SMS OTP expired", "The SMS code has expired",
        "SMS codes are valid only for a short time. Request a new SMS code and enter it promptly."),
    c(23010, "SMS OTP not generated", "No SMS code was requested",
        "The server has no SMS code waiting for this sign-in. Request an SMS code first, then enter it."),
    c(23012, "Certificate is revoked", "The certificate is revoked", "Issue the user a new certificate."),
    c(23013, "User does not bind with any device", "The user has no device", "Register a device for the user first."),
    c(23014, "Unknown device OS", "Unknown device operating system", "Re-register the user's device."),
    c(23015, "Push mobile audio pass failed", "Push of the audio pass failed", "Check the user's device is reachable and try again."),
    c(23016, "Authentication data does not exist", "Sign-in data not found on the server",
        "The server no longer knows this sign-in attempt (it may have timed out). Start the sign-in again from the password."),
    c(23017, "Authentication method is not enabled", "This sign-in method is not enabled",
        "The server does not allow this method for your account. Choose another second factor the server offers, or ask a CENTAGATE administrator to enable it for your group."),
    c(23018, "Invalid authentication request status", "The sign-in attempt is in the wrong state",
        "The attempt was already completed, refused or timed out. Start the sign-in again from the password."),
    c(23019, "Authentication request owner not match", "The sign-in attempt belongs to another user",
        "The second step must be made by the user who started the sign-in. Start the sign-in again with the profile's admin username."),
    c(23020, "Rejected: not from trusted IP list", "Rejected: this computer's address is not trusted",
        "The app this profile signs in through lists the IP addresses allowed to call it (\"Allowed IP addresses\" on the App page in the CENTAGATE portal). Ask a CENTAGATE administrator to add this computer's public IP address there."),
    c(23021, "Rejected: user's group not allowed to access this API", "Rejected: your group may not use this app",
        "The app this profile signs in through allows only some user groups (\"User groups allowed to access this app\" on the App page in the CENTAGATE portal). Ask a CENTAGATE administrator to allow your group."),
    c(23022, "Rejected: invalid API signature", "Rejected: the request signature is wrong",
        "The server could not verify the request's signature. Check the app's Secret Key stored for this profile (copy it again from the App page in the CENTAGATE portal) and its Integration Key, and that this computer's clock is right."),
    c(23023, "Rejected: request expired", "Rejected: the request expired",
        "The request's time was too far from the server's. Set this computer's clock right (turn on automatic time), then sign in again."),
    c(23024, "API not found", "The server does not offer this sign-in call here",
        "The auth base path is probably wrong. CENTAGATE Cloud takes the sign-in calls under /v2/CentagateWS/webresources; older and on-premise servers may take them under /CentagateWS/webresources (without /v2). Change the profile's auth base path and try again."),
    c(23025, "Authentication/Web API error", "Sign-in error on the server",
        "The server failed while handling the sign-in. Try again in a moment; if it persists, contact the CENTAGATE server administrator."),
    c(23026, "Authentication request rejected", "Sign-in refused by the server",
        "The server rejected this sign-in (by policy or its risk check). Try again later or from your usual computer; if it persists, ask a CENTAGATE administrator why your sign-in is blocked."),
    c(23035, "OTP token out of sync", "Your OTP token is out of sync",
        "The server no longer matches your token's codes. Ask another CENTAGATE administrator to resynchronise your token, or sign in with another second factor the server offers (SMS)."),
    c(23036, "OTP token locked", "Your OTP token is locked",
        "Too many wrong codes locked your token. Ask another CENTAGATE administrator to unlock it, or sign in with another second factor the server offers (SMS)."),
    c(23037, "Fingerprint not match", "Fingerprint does not match", "Ask the user to try again."),
    c(23038, "Fingerprint exceed two record", "Too many fingerprint records", "Remove an old fingerprint record first."),
    c(25009, "Insufficient SMS credit", "No SMS credit left",
        "The CENTAGATE account has no credit to send the SMS code. Use another second factor (an OTP code), or ask whoever manages the CENTAGATE account to top up the SMS credit."),
    c(26001, "Certificate not found", "Certificate not found", "Check the certificate serial."),
    c(26010, "Certificate not owned by user", "The certificate belongs to someone else", "Check the user and the certificate serial."),
    with(26011, "Certificate revoked", "The certificate is revoked", "Issue the user a new certificate.", &[
            on(UnregisterToken, "No usable certificate for this PKI token", "The vendor's documentation gives this code two texts — \"Certificate not found\" for this call, \"Certificate revoked\" elsewhere — so the user's certificate is missing or revoked. Look at the user's methods; nothing was removed."),
        ]),
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
            on(UnregisterToken, "This user has no token of this kind", "Nothing was removed. Check the kind (mobile, sms, cr, pki: SMS is its own kind) and look at the user's methods."),
            on(SetTokenStatus, "This user has no token of this kind", "Nothing was changed. Check the kind (mobile, sms, cr, pki) and look at the user's methods."),
            on(TokenStatus, "This user has no token of this kind", "Check the kind (mobile, sms, cr, pki) and look at the user's methods."),
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
    with(29013, "Token is not bound to anyone", "The token is not bound to anyone", "Register the token to the user first.", &[
            on(UnregisterToken, "The token is bound to nobody", "Nothing to remove: the token of this kind is not bound to the user. Look at the user's methods."),
        ]),
    with(29017, "Invalid token status", "The token is in the wrong state for this action",
        "The token's status does not allow this action. Look at the user's methods to see its state.", &[
            on(Unlock, "The token is not locked or suspended", "Nothing to unlock: the user's OTP token is already usable. If the user still cannot sign in, the token may have drifted: resynchronise it with two consecutive codes."),
            on(Register, "This token cannot be registered in its present state", "The token is bound to another user or is not in deactivated status. Choose another token from stock, or release this one in the CENTAGATE console."),
        ]),
    with(36000, "Device not found", "Device not found", "Check the user's devices.", &[
            on(UnregisterToken, "This user has no mobile device", "Nothing to remove: no mobile token (device) is registered to the user. Look at the user's methods."),
        ]),
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

    /// The codes of the sign-in calls (reference/centagate-admin-sign-in.md) say what to
    /// check next: the app's keys, the clock, the app's allowed IPs and groups, the base path.
    #[test]
    fn sign_in_codes_point_at_what_to_check() {
        for code in [
            10002, 10011, 23001, 23002, 23008, 23009, 23010, 23016, 23017, 23018, 23019, 23020,
            23021, 23022, 23023, 23024, 23025, 23026, 23035, 23036, 25009,
        ] {
            assert!(CATALOG.entry(code).is_some(), "sign-in code {code} missing");
        }
        let hint = |code| describe(code, None).hint;
        assert!(hint(23022).contains("Secret Key") && hint(23022).contains("clock"));
        assert!(hint(23023).contains("clock"));
        assert!(hint(23020).contains("Allowed IP addresses"));
        assert!(hint(23021).contains("User groups allowed"));
        assert!(hint(23024).contains("/v2/CentagateWS/webresources"));
        assert!(hint(23024).contains("without /v2"));
        for code in [23001, 23008, 23016, 23035, 23036, 25009] {
            assert!(!hint(code).contains("tokendesk") && !hint(code).contains("--"));
        }
    }

    #[test]
    fn unknown_codes_name_their_number() {
        let d = describe(99999, Some(Sync));
        assert!(d.title.contains("99999"));
        assert_eq!(d.vendor_text, None);
    }
}
