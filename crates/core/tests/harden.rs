//! `harden_process` turns core dumps off and quiets panics. Its own test binary: it changes
//! the whole process.

use std::process::Command;

use tokendesk_core::harden::{core_dumps_off, harden_process};

#[test]
fn core_dumps_are_off_after_hardening() {
    harden_process();
    assert!(core_dumps_off());
}

/// Run by the test below in a child process: hardens, then panics with a canary payload.
#[test]
fn child_panics_after_hardening() {
    if std::env::var_os("TOKENDESK_HARDEN_CHILD").is_none() {
        return;
    }
    harden_process();
    panic!("secret-CANARY-payload {}", "AT-CANARY-4411");
}

#[test]
fn a_panic_says_where_not_what() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_panics_after_hardening", "--nocapture"])
        .env("TOKENDESK_HARDEN_CHILD", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("tokendesk: internal error at"), "{stderr}");
    assert!(!stderr.contains("CANARY"), "{stderr}");
}
