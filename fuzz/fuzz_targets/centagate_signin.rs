//! The sign-in answer reader: a parsed answer read as a first step, a second step, an SMS
//! request and a logout never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::centagate::{answer, signin};

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = answer::parse(data) {
        let _ = signin::read_step(a.clone(), true);
        let _ = signin::read_step(a.clone(), false);
        let _ = signin::read_sms_sent(a.clone());
        let _ = signin::read_logout(a.clone());
        let _ = signin::read_methods(a.object.get("authMethods"));
    }
});
