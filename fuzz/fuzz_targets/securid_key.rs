//! SecurID key-file import: `SecurIdKey::from_json` on any text (the import reads the file
//! and hands its text here), and the fields of an accepted key are screen-safe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::securid::key::SecurIdKey;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = SecurIdKey::from_json(text) {
        let _ = key.base_url();
        for s in [key.access_id(), key.api_url(), key.customer_name()] {
            let _ = s.len();
        }
        assert!(!key.customer_name().chars().any(char::is_control));
        let _ = format!("{key:?}");
    }
});
