//! The hostile-text filter. Properties: no control, escape or bidi/format character survives
//! `clean` or `scrub`, and the output keeps within the cap (plus the one ellipsis marking a
//! cut). The first byte picks the cap.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::text;

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

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let max = match first % 4 {
        0 => text::SHORT,
        1 => text::LONG,
        2 => usize::from(first / 4),
        _ => 1,
    };
    let raw = String::from_utf8_lossy(rest);
    for (name, out) in [
        ("clean", text::clean(&raw, max)),
        ("scrub", text::scrub(&raw, max)),
    ] {
        if let Some(c) = out.chars().find(|c| forbidden(*c)) {
            panic!("{name} kept {c:?} (U+{:04X}) in {out:?}", c as u32);
        }
        let n = out.chars().count();
        assert!(
            n <= max + 1,
            "{name} gave {n} chars for a cap of {max}: {out:?}"
        );
    }
});
