// The one list of the app's Tauri commands. Read twice: `build.rs` `include!`s this file to give
// tauri-build the app manifest (so the capability can grant exactly these), and the library
// exposes it as `tokendesk_app::COMMANDS`. The other three places that must name the same
// commands — `generate_handler!` in lib.rs, `capabilities/main.json` and the UI's `CommandName`
// in ui/src/lib/types.ts — are checked against it by src-tauri/tests/command_list.rs.
// (Plain `//` comments: an inner doc comment would not survive `include!`.)

/// Every command the app registers and the main window may call, as Tauri names them.
pub const COMMANDS: &[&str] = &[
    "list_profiles",
    "save_profile",
    "remove_profile",
    "test_profile",
    "save_securid_profile",
    "choose_key_file",
    "list_methods",
    "register_token",
    "sync_token",
    "unlock_token",
    "audit_entries",
    "audit_export",
    "audit_ticket",
    "securid_lookup",
    "securid_unlock",
    "practice_status",
    "practice_start",
    "practice_stop",
    "practice_users",
    "practice_codes",
    "practice_fail_login",
    "practice_drift",
    "practice_securid_users",
    "practice_securid_lock",
    "sign_in",
    "sign_in_send_sms",
    "sign_in_code",
    "sign_in_cancel",
    "sign_out",
    "session_status",
    "practice_sign_in",
    "ui_ready",
    "bulk_operations",
    "bulk_choose_file",
    "bulk_preview",
    "bulk_dry_run",
    "bulk_start",
    "bulk_resume",
    "bulk_cancel",
    "bulk_unfinished",
    "bulk_results",
    "bulk_export",
];
