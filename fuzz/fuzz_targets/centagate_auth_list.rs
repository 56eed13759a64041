//! `user/auth/list` decoding: the `object` of a parsed answer, and any JSON value as an
//! object, decode to `AuthMethods` without a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::centagate::{answer, methods::AuthMethods};

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = answer::parse(data) {
        let m = AuthMethods::from_object(&a.object);
        let _ = m.is_empty();
        let _ = m.otp_token();
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let m = AuthMethods::from_object(&v);
        let _ = m.otp_token();
    }
});
