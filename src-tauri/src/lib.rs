//! The TokenDesk desktop app's shell: Tauri commands over tokendesk-core. Thin on purpose —
//! every admin action goes through `tokendesk_core::ops::Session`, exactly as the CLI's do.

#[cfg(test)]
mod catalog_json;
mod command_list;
mod commands;
mod state;
mod window_memory;

use std::sync::Arc;

use tokendesk_core::securid::retry::RateLimitNotice;

pub use command_list::COMMANDS;
pub use commands::bulk::{
    BulkState, END_EVENT as BULK_END_EVENT, PROGRESS_EVENT as BULK_PROGRESS_EVENT,
};
pub use state::{
    AppState, ExportPathChooser, PRACTICE_PROFILE, PRACTICE_SECURID_PROFILE,
    PRACTICE_SIGN_IN_PROFILE,
};

/// The event a [`RateLimitNotice`] is sent to the window with, while a call waits out a 429.
pub const RATE_LIMIT_EVENT: &str = "rate-limit-wait";

/// The app's plugins, state, start-up ([`on_start`]) and commands on any Tauri runtime: the real one in [`run`], the
/// mock one in the command-layer tests, so both go through the same IPC handler and ACL.
pub fn builder<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Used from Rust only (choose_key_file, choose_ca_file, audit_export, the bulk file and export): the capability grants the
        // webview none of it.
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::new())
        .manage(BulkState::default())
        .setup(|app| {
            on_start(app);
            Ok(())
        })
        .on_window_event(|window, event| {
            window_memory::on_event(tauri::Manager::app_handle(window), event)
        })
        // The same commands as COMMANDS (src/command_list.rs); tests/command_list.rs checks it.
        .invoke_handler(tauri::generate_handler![
            commands::profiles::list_profiles,
            commands::profiles::save_profile,
            commands::profiles::remove_profile,
            commands::profiles::test_profile,
            commands::profiles::save_securid_profile,
            commands::profiles::choose_key_file,
            commands::profiles::choose_ca_file,
            commands::tokens::list_methods,
            commands::tokens::register_token,
            commands::tokens::sync_token,
            commands::tokens::unlock_token,
            commands::audit::audit_entries,
            commands::audit::audit_export,
            commands::audit::audit_ticket,
            commands::securid::securid_lookup,
            commands::securid::securid_unlock,
            commands::practice::practice_status,
            commands::practice::practice_start,
            commands::practice::practice_stop,
            commands::practice::practice_users,
            commands::practice::practice_codes,
            commands::practice::practice_fail_login,
            commands::practice::practice_drift,
            commands::practice::practice_securid_users,
            commands::practice::practice_securid_lock,
            commands::sign_in::sign_in,
            commands::sign_in::sign_in_send_sms,
            commands::sign_in::sign_in_code,
            commands::sign_in::sign_in_cancel,
            commands::sign_in::sign_out,
            commands::sign_in::session_status,
            commands::practice::practice_sign_in,
            commands::startup::ui_ready,
            commands::helpdesk::confirm_question,
            commands::helpdesk::identity_checks_list,
            commands::helpdesk::open_case,
            commands::helpdesk::confirm_identity,
            commands::helpdesk::close_case,
            commands::helpdesk::unregister_token,
            commands::helpdesk::token_status,
            commands::helpdesk::set_token_status,
            commands::helpdesk::unlock_user,
            commands::helpdesk::set_user_enabled,
            commands::helpdesk::securid_search,
            commands::helpdesk::securid_set_user_enabled,
            commands::helpdesk::securid_emergency_code,
            commands::helpdesk::securid_methods,
            commands::helpdesk::securid_lookup_token,
            commands::helpdesk::securid_assign_token,
            commands::helpdesk::securid_unlock_user,
            commands::bulk::bulk_operations,
            commands::bulk::bulk_choose_file,
            commands::bulk::bulk_preview,
            commands::bulk::bulk_dry_run,
            commands::bulk::bulk_start,
            commands::bulk::bulk_resume,
            commands::bulk::bulk_cancel,
            commands::bulk::bulk_unfinished,
            commands::bulk::bulk_results,
            commands::bulk::bulk_export,
        ])
}

/// What the app does once its event loop starts (the command-layer tests call it themselves,
/// as the mock runtime runs no loop): rate-limit waits of SecurID calls go to the window as
/// [`RATE_LIMIT_EVENT`], and `TOKENDESK_PRACTICE=1` starts practice mode.
pub fn on_start<R: tauri::Runtime>(app: &tauri::App<R>) {
    let handle = app.handle().clone();
    tauri::Manager::state::<AppState>(app).set_rate_limit_observer(Arc::new(
        move |notice: &RateLimitNotice| {
            if let Err(e) = tauri::Emitter::emit(&handle, RATE_LIMIT_EVENT, notice) {
                tracing::warn!(error = %e, "could not show a rate-limit wait");
            }
        },
    ));
    if std::env::var_os("TOKENDESK_PRACTICE").is_some_and(|v| v == "1") {
        let state = tauri::Manager::state::<AppState>(app).inner().clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = state.start_practice().await {
                tracing::error!(error = %e, "practice mode did not start");
            }
        });
    }
}

/// The app's configuration (tauri.conf.json, capabilities, embedded UI) for any runtime.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Starts the app. `TOKENDESK_PRACTICE=1` starts practice mode at launch.
pub fn run() {
    // No core dumps (they would hold keys), and a panic says where, never what.
    tokendesk_core::harden::harden_process();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "warn,tokendesk_core=info,tokendesk_app=info",
        ))
        .with_writer(std::io::stderr)
        .init();
    let result = builder(tauri::Builder::default()).run(context());
    if let Err(e) = result {
        eprintln!("TokenDesk could not start: {e}");
        std::process::exit(1);
    }
}
