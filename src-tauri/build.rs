// The app's command list, kept once (src/command_list.rs), also read by the library.
include!("src/command_list.rs");

fn main() {
    // Every app command is listed so the capability file can grant exactly these to the
    // main window and nothing else.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/*.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    // The capabilities are read by generate_context! at compile time: rebuild when they change
    // (tauri-build does not watch a custom capabilities path by itself).
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/src/command_list.rs");
    tauri_build::try_build(attributes).expect("tauri build step");
}
