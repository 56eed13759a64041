//! `Retry-After`: seconds or an HTTP date, against any `now`; never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::securid::retry::parse_retry_after;

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (now, rest) = data.split_at(8);
    let now = u64::from_le_bytes(now.try_into().unwrap());
    let text = String::from_utf8_lossy(rest);
    let _ = parse_retry_after(&text, now);
    let _ = parse_retry_after(&text, 1_764_000_000);
});
