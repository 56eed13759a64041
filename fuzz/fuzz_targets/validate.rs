//! Every `validate` function: never a panic, and an accepted value validates again to
//! itself (the form that goes on the wire is a fixed point). The first byte picks the check.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::validate;
use tokendesk_core::vocab::Field;

fn fixed<E: std::fmt::Debug>(name: &str, f: impl Fn(&str) -> Result<String, E>, raw: &str) {
    if let Ok(v) = f(raw) {
        match f(&v) {
            Ok(again) => assert_eq!(again, v, "{name}: {raw:?} -> {v:?} -> {again:?}"),
            Err(e) => panic!("{name}: {raw:?} -> {v:?} is refused on a second pass: {e:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let raw = String::from_utf8_lossy(rest);
    match first % 8 {
        0 => fixed("username", |s| validate::username(Field::Username, s), &raw),
        1 => fixed("phone", validate::phone, &raw),
        2 => fixed("serial", validate::serial, &raw),
        3 => fixed("profile_name", validate::profile_name, &raw),
        4 => fixed("email", validate::email, &raw),
        5 => fixed("user_id", validate::user_id, &raw),
        6 => fixed(
            "username(admin)",
            |s| validate::username(Field::AdminUsername, s),
            &raw,
        ),
        _ => {
            // Two codes, split at the first NUL (or the middle).
            let mid = (0..=raw.len() / 2)
                .rev()
                .find(|i| raw.is_char_boundary(*i))
                .unwrap_or(0);
            let (a, b) = raw.split_once('\0').unwrap_or_else(|| raw.split_at(mid));
            if let Ok((x, y)) = validate::otp_pair(a, b) {
                assert_eq!(
                    validate::otp_pair(&x, &y).ok(),
                    Some((x.clone(), y.clone())),
                    "otp_pair {a:?} {b:?}"
                );
            }
        }
    }
});
