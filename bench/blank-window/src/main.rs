//! A blank Tauri window with one input (dist/index.html). Its page calls `ui_ready` once the
//! input exists, and this prints "interactive after N ms (page M ms)" on stderr, as the app
//! does (see src-tauri/src/commands/startup.rs).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::Duration;

#[tauri::command]
fn ui_ready(page: Option<u64>) {
    let page = page
        .map(|ms| format!(" (page {ms} ms)"))
        .unwrap_or_default();
    match process_age() {
        Some(age) => eprintln!(
            " INFO blank_window: interactive after {} ms{page}",
            age.as_millis()
        ),
        None => eprintln!(" INFO blank_window: interactive{page}"),
    }
}

/// How long ago this process started (/proc/self/stat field 22 against /proc/uptime; 10 ms
/// resolution; Linux only) — the same reckoning as the app's src-tauri/src/commands/startup.rs.
fn process_age() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let after = &stat[stat.rfind(')')? + 1..];
        let ticks: u64 = after.split_whitespace().nth(19)?.parse().ok()?;
        let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
        let up: f64 = uptime.split_whitespace().next()?.parse().ok()?;
        Some(Duration::from_secs_f64(
            (up - ticks as f64 / 100.0).max(0.0),
        ))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("blank window could not start: {e}");
        std::process::exit(1);
    }
}
