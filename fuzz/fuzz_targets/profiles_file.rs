//! profiles.toml parsing, through the real path: the bytes written as the file of a store in
//! a scratch folder, then `load` (and each profile's endpoint checks) — an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tokendesk_core::profiles::ProfileStore;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| {
        // tmpfs when there is one: this target writes a file per input.
        let shm = std::path::Path::new("/dev/shm");
        if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .expect("a scratch folder")
    });
    let store = ProfileStore::in_dir(dir.path());
    std::fs::write(store.path(), data).expect("write the scratch profiles.toml");
    if let Ok(profiles) = store.load() {
        for (name, p) in profiles {
            let _ = store.get(&name);
            let _ = format!("{p:?}");
            let _ = p.signs_in();
            let _ = p.base_url();
            let _ = p.endpoint().base_url();
            let _ = p.auth_endpoint().base_url();
        }
    }
});
