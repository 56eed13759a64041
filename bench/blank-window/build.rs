fn main() {
    // As in the app: the one command is declared so the capability grants exactly it.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(&["ui_ready"]));
    tauri_build::try_build(attributes).expect("tauri build step");
}
