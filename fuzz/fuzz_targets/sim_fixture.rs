//! The practice server's fixture loader: `Fixture::from_toml_str` on any text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_sim::Fixture;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(f) = Fixture::from_toml_str(text) {
        let _ = f.first_admin();
        f.validate().expect("a loaded fixture stays valid");
    }
});
