//! SecurID help-desk bodies: user search, emergency code, authenticators, hardware token.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::securid::helpdesk::{Authenticator, EmergencyCode, HardwareToken, UserSearch};

fuzz_target!(|data: &[u8]| {
    let _ = UserSearch::from_body(data);
    let _ = EmergencyCode::from_body(data);
    let _ = Authenticator::list_from_body(data);
    let _ = HardwareToken::from_body(data, "000123456789");
});
