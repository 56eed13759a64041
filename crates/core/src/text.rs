//! The one filter for text that comes from a server or a file and reaches a terminal, the
//! window, the clipboard or the audit log: control characters (C0, DEL, C1) and whole escape
//! sequences (CSI such as colour or screen clears, OSC such as a clipboard write) removed,
//! bidirectional and invisible format characters removed, line breaks and tabs made spaces,
//! the length capped. [`scrub`] also hides long runs that look like a token, a key or a
//! signature, for text a server may have echoed from the request. A leaf: it imports nothing.

/// The most characters a short field (a serial, a name, a status) keeps.
pub const SHORT: usize = 200;
/// The most characters a message keeps.
pub const LONG: usize = 500;

/// Characters that reorder or hide text: the bidi embeddings and overrides (U+202A–U+202E),
/// isolates (U+2066–U+2069), zero-width and direction marks (U+200B–U+200F), the Arabic
/// letter mark, the word joiner and invisible operators, and the BOM.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200B}'..='\u{200F}'
        | '\u{061C}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}')
}

/// `raw` made safe to show: no control or format characters, no escape sequences, breaks
/// as spaces, at most `max` characters (an ellipsis marks a cut).
pub fn clean(raw: &str, max: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max * 4));
    let mut chars = raw.chars().peekable();
    let mut kept = 0;
    while let Some(c) = chars.next() {
        match c {
            // ESC: drop the whole sequence. CSI (`ESC [` … final byte), OSC / DCS / PM / APC
            // (`ESC ]` … BEL or `ESC \`), else the one following character.
            '\u{1B}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | '^' | '_' | 'X') => skip_string(&mut chars),
                _ => {}
            },
            '\u{9B}' => skip_csi(&mut chars),
            '\u{9D}' | '\u{90}' | '\u{9E}' | '\u{9F}' | '\u{98}' => skip_string(&mut chars),
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => {
                // Only below the cap: a space counted past it would let the cap be skipped.
                if !out.ends_with(' ') && !out.is_empty() && kept < max {
                    out.push(' ');
                    kept += 1;
                }
            }
            c if c.is_control() || is_format(c) => {}
            c => {
                if kept >= max {
                    out.push('…');
                    return out.trim_end().to_owned();
                }
                out.push(c);
                kept += 1;
            }
        }
    }
    out.trim().to_owned()
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7E}').contains(&c) {
            break;
        }
    }
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' | '\u{9C}' => break,
            '\u{1B}' if chars.peek() == Some(&'\\') => {
                chars.next();
                break;
            }
            _ => {}
        }
    }
}

/// An optional field, cleaned; `None` when nothing is left.
pub fn clean_opt(raw: Option<String>, max: usize) -> Option<String> {
    raw.map(|s| clean(&s, max)).filter(|s| !s.is_empty())
}

/// [`clean`], then every word with a run of 40 or more token-like characters (letters,
/// digits, `-_.+/=`: a JWT, a key line, a cenToken in hex) replaced by `[redacted]`.
pub fn scrub(raw: &str, max: usize) -> String {
    clean(raw, max)
        .split(' ')
        .map(|w| {
            let run = w
                .chars()
                .filter(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=')
                })
                .count();
            if run >= 40 {
                "[redacted]"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_are_removed_whole() {
        assert_eq!(
            clean("\u{1b}[2J\u{1b}[31mred\u{1b}[0m text", SHORT),
            "red text"
        );
        // OSC 52 (clipboard write), ended by BEL or by ESC \.
        assert_eq!(clean("a\u{1b}]52;c;ZXZpbA==\u{07}b", SHORT), "ab");
        assert_eq!(clean("a\u{1b}]0;title\u{1b}\\b", SHORT), "ab");
        assert_eq!(clean("a\u{9b}31mb\u{85}c\u{7f}\u{0}", SHORT), "abc");
        assert_eq!(clean("line one\r\nline\ttwo", SHORT), "line one line two");
    }

    #[test]
    fn bidi_and_invisible_characters_are_removed() {
        assert_eq!(
            clean("HW\u{202E}1001\u{2066}x\u{2069}\u{200B}\u{FEFF}", SHORT),
            "HW1001x"
        );
        assert_eq!(clean("  Alice \u{200F} ", SHORT), "Alice");
    }

    #[test]
    fn length_is_capped_with_an_ellipsis() {
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("abc", 3), "abc");
        assert_eq!(clean(&"é".repeat(1000), LONG).chars().count(), LONG + 1);
    }

    #[test]
    fn scrub_hides_token_like_runs() {
        let token = "ab12".repeat(16);
        assert_eq!(
            scrub(&format!("bad cenToken {token} given"), LONG),
            "bad cenToken [redacted] given"
        );
        assert_eq!(clean_opt(Some("\u{1b}[0m".into()), SHORT), None);
    }
}
