//! The practice server's JWT verifier: any `Authorization` header value, at any time, is
//! accepted or refused with a reason, never a panic. Input: 8 bytes of `now`, then the header.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tokendesk_sim::{SecurIdKey, Verifier};

static VERIFIER: OnceLock<Verifier> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let v = VERIFIER.get_or_init(|| {
        Verifier::new(
            SecurIdKey::practice(),
            "https://practice.example/AdminInterface/restapi".into(),
        )
    });
    if data.len() < 8 {
        let _ = v.check(None, 0);
        return;
    }
    let (now, header) = data.split_at(8);
    let now = u64::from_le_bytes(now.try_into().unwrap());
    let _ = v.check(Some(header), now);
    let _ = v.check(Some(header), 1_764_000_000);
});
