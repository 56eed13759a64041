fn main() {
    let commands = &[
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
        "activity",
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
        "ui_ready",
    ];
    // Every app command is listed so the capability file can grant exactly these to the
    // main window and nothing else.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    // The capabilities are read by generate_context! at compile time: rebuild when they change
    // (tauri-build does not watch a custom capabilities path by itself).
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(attributes).expect("tauri build step");
}
