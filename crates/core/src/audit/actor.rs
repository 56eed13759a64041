//! Who acts, from where: the operating-system account, the host and the process, as the
//! audit log records them with each attempt.

/// The operating-system account running TokenDesk.
pub fn os_user() -> String {
    let name = whoami::username();
    if name.trim().is_empty() {
        "unknown".into()
    } else {
        name
    }
}

/// This computer's host name.
pub fn host_name() -> String {
    whoami::fallible::hostname()
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether the process `pid` on this host is still running, where that can be told: the
/// current process always is; elsewhere Linux's `/proc` answers, and other systems say no
/// (an unanswered attempt then shows as `unknown`, never wrongly as in progress for ever).
pub fn alive(pid: i64) -> bool {
    if pid == i64::from(std::process::id()) {
        return true;
    }
    if cfg!(target_os = "linux") && pid > 0 {
        return std::path::Path::new(&format!("/proc/{pid}")).exists();
    }
    false
}
