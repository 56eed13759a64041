//! Input rules checked before anything is sent. Each check names the field and the rule it
//! breaks, and returns the value in the exact form that goes on the wire.

use crate::error::Error;
use crate::vocab::Field;

/// Longest username accepted.
pub const MAX_USERNAME_CHARS: usize = 128;

/// A username (of a user or an admin): trimmed, 1–128 characters, no control characters.
pub fn username(field: Field, raw: &str) -> Result<String, Error> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(Error::input(field, "must not be empty"));
    }
    if v.chars().count() > MAX_USERNAME_CHARS {
        return Err(Error::input(
            field,
            format!("must be at most {MAX_USERNAME_CHARS} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::input(
            field,
            "must not contain control characters (tabs, line breaks)",
        ));
    }
    Ok(v.to_owned())
}

/// An SMS phone number: an optional leading `+`, separators (space, `-`, `(`, `)`) removed,
/// then 7–15 digits (the E.164 maximum). Returns the number as it will be sent.
pub fn phone(raw: &str) -> Result<String, Error> {
    const RULE: &str = "must be 7 to 15 digits, optionally starting with +; spaces, dashes and brackets are allowed";
    let v = raw.trim();
    let (plus, rest) = match v.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", v),
    };
    let digits: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit())
        || !(7..=15).contains(&digits.len())
    {
        return Err(Error::input(Field::Phone, RULE));
    }
    Ok(format!("{plus}{digits}"))
}

/// A hardware token serial: 1–64 of ASCII letters, digits, `-` and `_` (surrounding spaces
/// are ignored).
pub fn serial(raw: &str) -> Result<String, Error> {
    let v = raw.trim();
    let ok = (1..=64).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(Error::input(
            Field::Serial,
            "must be 1 to 64 letters, digits, - or _",
        ));
    }
    Ok(v.to_owned())
}

/// Two consecutive OTP codes for a resync: each 6–8 digits, the same length, not equal.
pub fn otp_pair(otp1: &str, otp2: &str) -> Result<(String, String), Error> {
    fn one(field: Field, raw: &str) -> Result<String, Error> {
        let v: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if !(6..=8).contains(&v.len()) || !v.chars().all(|c| c.is_ascii_digit()) {
            return Err(Error::input(field, "must be 6 to 8 digits"));
        }
        Ok(v)
    }
    let (a, b) = (one(Field::Otp1, otp1)?, one(Field::Otp2, otp2)?);
    if a.len() != b.len() {
        return Err(Error::input(
            Field::Otp2,
            "must have as many digits as the first code",
        ));
    }
    if a == b {
        return Err(Error::input(
            Field::Otp2,
            "must differ from the first code: ask for the next code the token shows",
        ));
    }
    Ok((a, b))
}

/// A profile name: 1–64 of letters, digits, `-`, `_` and `.`, so it is safe as a file key and
/// a credential-store entry name.
pub fn profile_name(raw: &str) -> Result<String, Error> {
    let v = raw.trim();
    let ok = (1..=64).contains(&v.chars().count())
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        return Err(Error::input(
            Field::ProfileName,
            "must be 1 to 64 letters, digits, -, _ or .",
        ));
    }
    Ok(v.to_owned())
}

/// An email address to look a user up by: trimmed, at most 254 characters, one `@` with a
/// non-empty local part (at most 64 characters) and a domain with a dot, no spaces or
/// control characters. Not a full RFC 5322 parser: the server has the last word.
pub fn email(raw: &str) -> Result<String, Error> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(Error::input(Field::Email, "must not be empty"));
    }
    let rule = "must look like name@example.com (one @, no spaces)";
    if v.chars().count() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::input(Field::Email, rule));
    }
    let Some((local, domain)) = v.split_once('@') else {
        return Err(Error::input(Field::Email, rule));
    };
    let domain_ok = !domain.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || local.chars().count() > 64 || !domain_ok {
        return Err(Error::input(Field::Email, rule));
    }
    Ok(v.to_owned())
}

/// A SecurID user ID (the `id` a user lookup returns, a UUID in practice): trimmed, 1–128 of
/// ASCII letters, digits, `-`, `_` and `.`, and not `.` or `..` (it goes into the URL path).
pub fn user_id(raw: &str) -> Result<String, Error> {
    let v = raw.trim();
    let ok = (1..=128).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(v, "." | "..");
    if !ok {
        return Err(Error::input(
            Field::UserId,
            "must be the ID the user lookup returned: 1 to 128 letters, digits, -, _ or .",
        ));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule_of(e: Error) -> (Field, String) {
        match e {
            Error::Input { field, rule } => (field, rule),
            other => panic!("not an input error: {other:?}"),
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(username(Field::Username, "  alice ").unwrap(), "alice");
        assert_eq!(
            username(Field::Username, "ünïcødé@corp").unwrap(),
            "ünïcødé@corp"
        );
        assert_eq!(
            rule_of(username(Field::Username, "   ").unwrap_err()).1,
            "must not be empty"
        );
        assert!(username(Field::Username, &"a".repeat(128)).is_ok());
        assert!(
            rule_of(username(Field::Username, &"a".repeat(129)).unwrap_err())
                .1
                .contains("128")
        );
        assert!(rule_of(username(Field::Username, "al\tice").unwrap_err())
            .1
            .contains("control"));
        assert_eq!(
            rule_of(username(Field::AdminUsername, "").unwrap_err()).0,
            Field::AdminUsername
        );
    }

    #[test]
    fn phones() {
        assert_eq!(phone("+60 12-345 6789").unwrap(), "+60123456789");
        assert_eq!(phone("(012) 345-6789").unwrap(), "0123456789");
        assert_eq!(phone("1234567").unwrap(), "1234567");
        assert_eq!(phone("123456789012345").unwrap(), "123456789012345");
        for bad in [
            "",
            "+",
            "123456",
            "1234567890123456",
            "12a4567",
            "++1234567",
            "1234567+",
            "12.345.678",
        ] {
            assert_eq!(rule_of(phone(bad).unwrap_err()).0, Field::Phone, "{bad}");
        }
    }

    #[test]
    fn serials() {
        assert_eq!(serial(" HW-1001_a ").unwrap(), "HW-1001_a");
        assert!(serial(&"A".repeat(64)).is_ok());
        for bad in ["", &"A".repeat(65), "HW 1001", "HW/1", "ŞN1"] {
            assert_eq!(rule_of(serial(bad).unwrap_err()).0, Field::Serial, "{bad}");
        }
    }

    #[test]
    fn otp_pairs() {
        assert_eq!(
            otp_pair("123456", "654321").unwrap(),
            ("123456".into(), "654321".into())
        );
        assert_eq!(
            otp_pair("123 456", "12345678").unwrap_err().to_string(),
            "Second code: must have as many digits as the first code"
        );
        assert_eq!(
            rule_of(otp_pair("12345", "123456").unwrap_err()).0,
            Field::Otp1
        );
        assert_eq!(
            rule_of(otp_pair("123456", "12345a").unwrap_err()).0,
            Field::Otp2
        );
        assert_eq!(
            rule_of(otp_pair("123456789", "123456789").unwrap_err()).0,
            Field::Otp1
        );
        assert!(rule_of(otp_pair("123456", "123456").unwrap_err())
            .1
            .contains("differ"));
        assert!(otp_pair("12345678", "87654321").is_ok());
    }

    #[test]
    fn profile_names() {
        assert_eq!(profile_name(" prod-1 ").unwrap(), "prod-1");
        assert!(profile_name("a/b").is_err());
        assert!(profile_name("").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email(" alice@corp.example ").unwrap(), "alice@corp.example");
        assert_eq!(email("a.b+c@x.io").unwrap(), "a.b+c@x.io");
        for bad in [
            "",
            "alice",
            "@corp.com",
            "alice@",
            "alice@corp",
            "a b@c.d",
            "a@b@c.d",
            "a@.c",
            "a@c.",
            "a@c..d",
        ] {
            assert_eq!(rule_of(email(bad).unwrap_err()).0, Field::Email, "{bad}");
        }
        assert!(email(&format!("{}@x.io", "a".repeat(65))).is_err());
    }

    #[test]
    fn user_ids() {
        assert_eq!(
            user_id(" f10d0514-7dd1-4a13-a30e-236d0e65b56a ").unwrap(),
            "f10d0514-7dd1-4a13-a30e-236d0e65b56a"
        );
        for bad in ["", ".", "..", "a/b", "a b", "ü", &"a".repeat(129)] {
            assert_eq!(rule_of(user_id(bad).unwrap_err()).0, Field::UserId, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn accepted_phones_are_plus_and_7_to_15_digits(raw in "[+]?[0-9 ()-]{0,24}") {
            if let Ok(p) = phone(&raw) {
                let digits = p.trim_start_matches('+');
                prop_assert!((7..=15).contains(&digits.len()));
                prop_assert!(digits.chars().all(|c| c.is_ascii_digit()));
                prop_assert_eq!(p.starts_with('+'), raw.trim().starts_with('+'));
            } else {
                let n = raw.chars().filter(char::is_ascii_digit).count();
                let bad_plus = raw.trim().trim_start_matches('+').contains('+') || raw.trim().starts_with("++");
                prop_assert!(!(7..=15).contains(&n) || bad_plus || n == 0);
            }
        }

        #[test]
        fn usernames_never_keep_surrounding_space_or_controls(raw in "\\PC{0,140}") {
            if let Ok(u) = username(Field::Username, &raw) {
                prop_assert_eq!(u.trim(), u.as_str());
                prop_assert!(!u.is_empty() && u.chars().count() <= 128);
                prop_assert!(!u.chars().any(char::is_control));
            }
        }

        #[test]
        fn valid_pairs_round_trip(a in "[0-9]{6,8}", b in "[0-9]{6,8}") {
            match otp_pair(&a, &b) {
                Ok((x, y)) => { prop_assert_eq!(x, a); prop_assert_eq!(y, b); }
                Err(_) => prop_assert!(a.len() != b.len() || a == b),
            }
        }
    }
}
