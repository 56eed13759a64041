//! CENTAGATE answer parsing: any body gives an `Answer` or an error, never a panic; the
//! message a parsed answer carries is screen-safe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::centagate::answer;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = answer::parse(data) {
        let _ = answer::lenient_int(&a.object);
        let map = answer::object_map(&a.object);
        for v in map.values() {
            let _ = answer::lenient_int(v);
        }
    }
});
