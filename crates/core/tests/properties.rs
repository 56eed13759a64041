//! Property tests (issue 13) for invariants that read better as properties than as fuzz
//! targets: the hostile-text filter, the validate round trip and the loopback rule for
//! plain-http URLs. The fuzz targets in fuzz/ check the same properties with coverage guidance.

use proptest::prelude::*;
use std::net::IpAddr;
use tokendesk_core::text;
use tokendesk_core::transport::{check_url, is_loopback_host};
use tokendesk_core::validate;
use tokendesk_core::vocab::Field;
use url::Url;

/// A validate function of one text argument.
type Check = fn(&str) -> Result<String, tokendesk_core::Error>;

/// What must never reach a terminal, the window, the clipboard or the audit log.
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{2028}' | '\u{2029}')
}

/// Text rich in what the filter must handle: escapes, C1, bidi, breaks, long token runs.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "\\PC{0,12}",
        any::<char>().prop_map(String::from),
        Just("\u{1b}[2J".to_owned()),
        Just("\u{1b}]52;c;ZXZpbA==\u{07}".to_owned()),
        Just("\u{1b}]0;t\u{1b}\\".to_owned()),
        Just("\u{1b}".to_owned()),
        Just("\u{9b}31m".to_owned()),
        Just("\u{9d}x".to_owned()),
        Just("\u{202e}\u{2066}\u{200b}\u{feff}\u{061c}".to_owned()),
        Just("\r\n\t\u{2028}\u{2029}\u{85}".to_owned()),
        "[A-Za-z0-9+/=_.-]{30,60}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn filtered_text_has_no_control_or_bidi_characters_and_keeps_the_cap(
        raw in hostile_text(), max in prop_oneof![Just(text::SHORT), Just(text::LONG), 0usize..64],
    ) {
        for (name, out) in [("clean", text::clean(&raw, max)), ("scrub", text::scrub(&raw, max))] {
            prop_assert!(!out.chars().any(forbidden), "{} kept a forbidden char: {:?}", name, out);
            prop_assert!(out.chars().count() <= max + 1, "{} over the cap {}: {:?}", name, max, out);
        }
    }

    #[test]
    fn clean_text_is_left_as_it_is(raw in hostile_text()) {
        let once = text::clean(&raw, text::LONG);
        prop_assume!(once.chars().count() < text::LONG);
        prop_assert_eq!(text::clean(&once, text::LONG), once);
    }

    #[test]
    fn scrub_leaves_no_token_like_run(raw in hostile_text()) {
        let out = text::scrub(&raw, text::LONG);
        for word in out.split(' ') {
            let run = word
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '='))
                .count();
            prop_assert!(run < 40, "{:?} kept in {:?}", word, out);
        }
    }

    #[test]
    fn accepted_values_validate_again_to_themselves(
        raw in prop_oneof!["\\PC{0,80}", ".{0,80}", "[ +()0-9-]{0,20}", "[ A-Za-z0-9_.@-]{0,70}"],
    ) {
        let checks: [(&str, Check); 7] = [
            ("username", |s| validate::username(Field::Username, s)),
            ("admin", |s| validate::username(Field::AdminUsername, s)),
            ("phone", validate::phone),
            ("serial", validate::serial),
            ("profile_name", validate::profile_name),
            ("email", validate::email),
            ("user_id", validate::user_id),
        ];
        for (name, check) in checks {
            if let Ok(v) = check(&raw) {
                let again = check(&v);
                prop_assert!(again.is_ok(), "{}: {:?} -> {:?} refused on a second pass", name, raw, v);
                prop_assert_eq!(again.unwrap(), v, "{}: not a fixed point for {:?}", name, raw);
            }
        }
    }

    #[test]
    fn accepted_otp_pairs_validate_again_to_themselves(a in "[0-9 ]{0,10}", b in "[0-9 \t]{0,10}") {
        if let Ok((x, y)) = validate::otp_pair(&a, &b) {
            prop_assert_eq!(validate::otp_pair(&x, &y).ok(), Some((x.clone(), y.clone())));
        }
    }

    #[test]
    fn an_accepted_http_url_is_loopback(
        host in prop_oneof![
            Just("localhost".to_owned()),
            Just("LocalHost".to_owned()),
            Just("localhost.".to_owned()),
            Just("localhost.evil.example".to_owned()),
            Just("127.0.0.1.nip.io".to_owned()),
            Just("0x7f000001".to_owned()),
            Just("2130706433".to_owned()),
            Just("127.1".to_owned()),
            Just("0177.0.0.1".to_owned()),
            Just("[::ffff:127.0.0.1]".to_owned()),
            Just("[::1]".to_owned()),
            Just("[0:0:0:0:0:0:0:1]".to_owned()),
            Just("0.0.0.0".to_owned()),
            Just("%6c%6f%63%61%6c%68%6f%73%74".to_owned()),
            any::<[u8; 4]>().prop_map(|o| format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])),
            any::<[u16; 8]>().prop_map(|s| format!("[{}]", std::net::Ipv6Addr::from(s))),
            "[a-z0-9.-]{1,30}",
        ],
        scheme in prop_oneof![Just("http"), Just("HTTP"), Just("https"), Just("ftp")],
        userinfo in prop_oneof![Just(""), Just("user:pw@"), Just("localhost@"), Just("127.0.0.1@")],
        port in prop_oneof![Just(String::new()), (1u16..).prop_map(|p| format!(":{p}"))],
    ) {
        let text = format!("{scheme}://{userinfo}{host}{port}/CENTAGATE");
        let Ok(url) = Url::parse(&text) else { return Ok(()) };
        if check_url(&url).is_ok() && url.scheme() == "http" {
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                None => false,
            };
            prop_assert!(loopback, "accepted a non-loopback http URL: {} (from {:?})", url, text);
            prop_assert!(is_loopback_host(&url));
        }
        if check_url(&url).is_ok() {
            prop_assert!(matches!(url.scheme(), "http" | "https"), "accepted {}", url);
            prop_assert!(url.host().is_some(), "accepted {} without a host", url);
        }
    }
}

#[test]
fn plain_http_to_another_computer_is_refused() {
    for bad in [
        "http://localhost.evil.example/",
        "http://127.0.0.1.nip.io/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost@evil.example/",
        "http://example.com/",
    ] {
        let url = Url::parse(bad).unwrap();
        assert!(check_url(&url).is_err(), "{bad} was accepted");
    }
    for good in [
        "http://localhost:8790/",
        "http://127.0.0.1/",
        "http://127.1/",
        "http://[::1]/",
        "https://example.com/",
    ] {
        assert!(
            check_url(&Url::parse(good).unwrap()).is_ok(),
            "{good} was refused"
        );
    }
}

/// Found by the `text_filter` fuzz target: a line break right at the cap became a counted
/// space past it, and the cap was never checked again — any length got through.
#[test]
fn a_line_break_at_the_cap_does_not_lift_it() {
    let long = format!("{}\n{}", "a".repeat(text::SHORT), "b".repeat(5000));
    let out = text::clean(&long, text::SHORT);
    assert!(
        out.chars().count() <= text::SHORT + 1,
        "{} chars",
        out.chars().count()
    );
    assert!(out.ends_with('…'));
    let out = text::scrub("x\u{1}\t1rrrrrrrr\t\tline\nbreak\ttab\tt!", 1);
    assert!(out.chars().count() <= 2, "{out:?}");
    assert_eq!(text::clean("}\t1rrrr", 1), "}…");
}
