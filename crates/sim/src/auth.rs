//! The administrator check every CENTAGATE call makes: the path's admin must exist and the
//! body's `cenToken` must be lowercase hex HMAC-SHA256(key = secretCode, msg = admin + authToken).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The cenToken a client derives from an administrator's session credentials.
pub fn cen_token(admin_username: &str, auth_token: &str, secret_code: &str) -> String {
    hex::encode(
        mac(admin_username, auth_token, secret_code)
            .finalize()
            .into_bytes(),
    )
}

/// Whether `presented` is the cenToken for these credentials (lowercase hex, compared in
/// constant time).
pub fn cen_token_matches(
    presented: &str,
    admin_username: &str,
    auth_token: &str,
    secret_code: &str,
) -> bool {
    if presented.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let Ok(bytes) = hex::decode(presented) else {
        return false;
    };
    mac(admin_username, auth_token, secret_code)
        .verify_slice(&bytes)
        .is_ok()
}

fn mac(admin_username: &str, auth_token: &str, secret_code: &str) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret_code.as_bytes()).expect("HMAC takes any key length");
    mac.update(admin_username.as_bytes());
    mac.update(auth_token.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let token = cen_token("admin", "token", "secret");
        assert_eq!(token.len(), 64);
        assert!(cen_token_matches(&token, "admin", "token", "secret"));
    }

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assert_eq!(
            cen_token("what do ya want ", "for nothing?", "Jefe"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn rejects_uppercase_wrong_and_garbage() {
        let good = cen_token("admin", "token", "secret");
        assert!(!cen_token_matches(
            &good.to_uppercase(),
            "admin",
            "token",
            "secret"
        ));
        assert!(!cen_token_matches(&good, "admin2", "token", "secret"));
        assert!(!cen_token_matches("zz", "admin", "token", "secret"));
        assert!(!cen_token_matches("", "admin", "token", "secret"));
    }
}
