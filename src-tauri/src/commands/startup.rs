//! The start-to-interactive yardstick (scripts/perf-app.sh): the UI calls `ui_ready` once,
//! when its first screen is rendered and its form accepts input, and the app logs
//! "interactive after N ms (page M ms)": N since the process started, M of them since the
//! page's navigation began (its `performance.now()`), so N - M is the native start (GTK, the
//! WebKit processes). The blank window of bench/blank-window answers the same command with the
//! same line, so the two compare.

use std::time::Duration;

/// Logs that the first screen accepts input, and how long after the process started.
#[tauri::command]
pub fn ui_ready(page: Option<u64>) {
    let page = page
        .map(|ms| format!(" (page {ms} ms)"))
        .unwrap_or_default();
    match process_age() {
        Some(age) => tracing::info!("interactive after {} ms{page}", age.as_millis()),
        None => tracing::info!("interactive{page}"),
    }
}

/// How long ago this process started, from the kernel's books: its start time in clock ticks
/// since boot (/proc/self/stat, field 22) against the time since boot (/proc/uptime), so the
/// time before `main` (loading, linking) counts too. 10 ms resolution; Linux only. Under
/// `cargo run` (so `tauri dev`) the process began as cargo, which execs the app: N then
/// includes the build.
pub fn process_age() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // Field 2 (the command name) may hold spaces and parentheses: count after its last ')'.
        let after = &stat[stat.rfind(')')? + 1..];
        // Fields 3.. follow; the start time is field 22, the 20th after the name.
        let ticks: u64 = after.split_whitespace().nth(19)?.parse().ok()?;
        let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
        let up: f64 = uptime.split_whitespace().next()?.parse().ok()?;
        // USER_HZ is 100 on every Linux architecture Tauri runs on.
        let started = ticks as f64 / 100.0;
        Some(Duration::from_secs_f64((up - started).max(0.0)))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn this_process_has_an_age() {
        let age = super::process_age().expect("readable /proc");
        assert!(age.as_secs() < 24 * 3600, "{age:?}");
    }
}
