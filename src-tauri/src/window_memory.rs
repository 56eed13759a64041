//! Saves the window's size and position shortly after they change. tauri-plugin-window-state
//! saves on a clean exit only; saving as the person arranges the window means an app that is
//! killed (log-out, crash, a test driver) still opens where it was left.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// How long the window must stay put before its state is written (a drag sends many events).
const SETTLE: Duration = Duration::from_millis(400);

static LAST_CHANGE: AtomicU64 = AtomicU64::new(0);

/// Call on every window event; a move or resize schedules one save once the window settles.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    let change = LAST_CHANGE.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if LAST_CHANGE.load(Ordering::SeqCst) != change {
            return; // a later change will save
        }
        if let Err(e) = app.save_window_state(StateFlags::all()) {
            tracing::warn!(error = %e, "could not remember the window's size and position");
        }
    });
}
