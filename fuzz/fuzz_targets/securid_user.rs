//! SecurID user and unlock bodies: `SecurIdUser::from_body`, `MethodLocks::from_body`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::securid::{locks::MethodLocks, users::SecurIdUser};

fuzz_target!(|data: &[u8]| {
    let _ = SecurIdUser::from_body(data);
    let _ = MethodLocks::from_body(data, "7f3c2a10-0000-4000-8000-000000000001");
});
