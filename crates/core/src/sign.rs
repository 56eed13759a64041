//! The CENTAGATE request signature ("cenToken").
//!
//! Every admin call carries `cenToken = lowercase_hex(HMAC-SHA256(key = secretCode,
//! message = adminUsername + authToken))`, both strings as UTF-8 (the vendor's PHP samples are
//! the reference). The result is a credential: it never changes between calls, so it is kept
//! in a [`Secret`] and never logged.
//!
//! The sign-in calls (`centagate::signin`) carry an `hmac` of the same construction keyed
//! with the app's Secret Key: [`hmac_hex`].

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::secret::Secret;

/// Computes the cenToken for `admin_username` from the session's auth token and secret code.
pub fn cen_token(admin_username: &str, auth_token: &Secret, secret_code: &Secret) -> Secret {
    hmac_hex(secret_code, &[admin_username, auth_token.expose()])
}

/// `lowercase_hex(HMAC-SHA256(key, parts concatenated with no separator))`, key and parts as
/// UTF-8 text (the key is used as the characters shown, never hex- or base64-decoded). Every
/// CENTAGATE signature is this shape; only the key and the parts differ.
pub fn hmac_hex(key: &Secret, parts: &[&str]) -> Secret {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
        .expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part.as_bytes());
    }
    Secret::new(hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(admin: &str, token: &str, code: &str) -> String {
        cen_token(admin, &Secret::new(token), &Secret::new(code))
            .expose()
            .to_owned()
    }

    /// Vectors computed outside Rust, e.g.
    /// `printf '%s' 'adminAUTH' | openssl dgst -sha256 -hmac 'SECRET'` and Python's
    /// `hmac.new(key, msg, hashlib.sha256).hexdigest()`.
    #[test]
    fn matches_vectors_computed_with_openssl_and_python() {
        for (admin, token, code, expected) in VECTORS {
            assert_eq!(sign(admin, token, code), *expected, "{admin} / {token}");
        }
    }

    #[test]
    fn is_lowercase_hex_of_32_bytes() {
        let t = sign("admin", "tok", "code");
        assert_eq!(t.len(), 64);
        assert!(t
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }

    #[test]
    fn uses_admin_username_not_user_and_order_matters() {
        assert_ne!(sign("admin", "tok", "code"), sign("tok", "admin", "code"));
        assert_ne!(sign("admin", "tok", "code"), sign("admin", "tok", "code2"));
    }

    /// (admin username, auth token, secret code, cenToken) computed with Python's hmac module;
    /// the first is also `printf '%s' 'adminAUTHTOKEN123' | openssl dgst -sha256 -hmac 'SECRETCODE456'`.
    const VECTORS: &[(&str, &str, &str, &str)] = &[
        ("admin", "AUTHTOKEN123", "SECRETCODE456", "cd64e5da6786bbc13c75e88f59da99ad6c78771ba2a738816d8f7aca4e73ccd4"),
        ("helpdesk01", "3f1c9a7e-5b2d-4e8f-9a10-7c6d5e4f3a21", "Zx9!qP2#rT", "f1bbed6ae9b974577341f7aaa2b8ae540c532ec354de05eda095f9c605a3b14d"),
        ("", "", "k", "8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620"),
        ("admín.ü", "tökén", "sécrêt☃", "ceb1289621008eed49773b324a2bda66551b1a5adc28621ba6ac16ad38f47a07"),
        ("管理员", "令牌", "秘密", "94f5693ffa1cf2127c525c7b8784368d2cd74709efc2a3d1d6a4995e21730641"),
        ("admin", "tok", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "e93645136a451ef702f74f6516368e7f4dd38146ceee9c564c5f2cae663342d4"),
    ];
}
