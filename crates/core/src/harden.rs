//! What every TokenDesk process does first: no core dumps (a dump would hold the keys and
//! session credentials in memory), and a panic message that says where, never what (a panic
//! payload may quote a value). The CLI and the app call [`harden_process`] before anything else.

/// Turns core dumps off for this process and installs the quiet panic hook. On Linux:
/// `RLIMIT_CORE` 0 and `PR_SET_DUMPABLE` 0 (also keeps other processes of the same user from
/// attaching to it); on other Unix systems `RLIMIT_CORE` 0. Windows writes no core file
/// unless Windows Error Reporting is set up to collect full dumps: nothing to turn off here.
pub fn harden_process() {
    #[cfg(unix)]
    // SAFETY: plain system calls on this process with valid arguments; no memory is shared.
    unsafe {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "tokendesk: internal error{place}. Nothing was shown of what it held. Please report it with the steps that led here."
        );
    }));
}

/// Whether core dumps are off for this process (`RLIMIT_CORE` is 0 and, on Linux, the process
/// is not dumpable).
pub fn core_dumps_off() -> bool {
    #[cfg(unix)]
    // SAFETY: reads this process's limits into a local struct.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 1,
            rlim_max: 1,
        };
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) != 0 || limit.rlim_cur != 0 {
            return false;
        }
        #[cfg(target_os = "linux")]
        if libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) != 0 {
            return false;
        }
        true
    }
    #[cfg(not(unix))]
    true
}
