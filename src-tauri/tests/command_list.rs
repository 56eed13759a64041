//! The app's command list is kept once (`tokendesk_app::COMMANDS`, src-tauri/src/command_list.rs,
//! which build.rs also reads). Three other places must name exactly the same commands and cannot
//! be generated from it: the `generate_handler!` list in src-tauri/src/lib.rs (a macro of paths),
//! the main window's capability (src-tauri/capabilities/main.json, one `allow-*` per command)
//! and the UI's `CommandName` union (ui/src/lib/types.ts). This test reads each of them from
//! its source file and names what is missing or extra, so a command added in one place only
//! fails `make test` with a clear message.

use std::collections::BTreeSet;
use std::path::Path;

/// A file of the repository, relative to its root (the app package's manifest directory).
fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

/// The command names in `generate_handler![...]`: the last segment of each path.
fn handler_commands(lib_rs: &str) -> Result<Vec<String>, String> {
    let start = lib_rs
        .find("generate_handler![")
        .ok_or("no generate_handler![ in src-tauri/src/lib.rs")?
        + "generate_handler![".len();
    let len = lib_rs[start..]
        .find(']')
        .ok_or("generate_handler![ is not closed")?;
    Ok(lib_rs[start..start + len]
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.rsplit("::").next().unwrap_or(p).to_owned())
        .collect())
}

/// The app commands the capability grants: each `allow-<name>` permission with its dashes
/// turned back into underscores (plugin permissions such as `core:event:allow-listen` have a
/// colon and are not app commands).
fn capability_commands(json: &str) -> Result<Vec<String>, String> {
    let doc: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("main.json is not JSON: {e}"))?;
    let permissions = doc["permissions"]
        .as_array()
        .ok_or("main.json has no permissions array")?;
    Ok(permissions
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| !p.contains(':'))
        .map(|p| {
            p.strip_prefix("allow-")
                .map(|c| c.replace('-', "_"))
                .unwrap_or_else(|| format!("<not an allow- permission: {p}>"))
        })
        .collect())
}

/// The string literals of `export type CommandName = ...;` in types.ts.
fn ui_commands(types_ts: &str) -> Result<Vec<String>, String> {
    let start = types_ts
        .find("export type CommandName =")
        .ok_or("no `export type CommandName =` in ui/src/lib/types.ts")?;
    let body = &types_ts[start..];
    let body = &body[..body.find(';').ok_or("CommandName has no closing `;`")?];
    Ok(body
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect())
}

/// What `found` (read from `place`) lacks and has beyond `expected`, and any name it repeats;
/// empty when they agree exactly.
fn differences(place: &str, expected: &[&str], found: &[String]) -> Vec<String> {
    let want: BTreeSet<&str> = expected.iter().copied().collect();
    let have: BTreeSet<&str> = found.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    let missing: Vec<_> = want.difference(&have).collect();
    if !missing.is_empty() {
        out.push(format!("{place} lacks {missing:?}"));
    }
    let extra: Vec<_> = have.difference(&want).collect();
    if !extra.is_empty() {
        out.push(format!("{place} has {extra:?}, which COMMANDS does not"));
    }
    if have.len() != found.len() {
        out.push(format!("{place} names a command twice: {found:?}"));
    }
    out
}

/// Everything that disagrees with `commands` across the three places, given their sources.
fn disagreements(commands: &[&str], lib_rs: &str, capability: &str, types_ts: &str) -> Vec<String> {
    let places = [
        (
            "generate_handler! in src-tauri/src/lib.rs",
            handler_commands(lib_rs),
        ),
        (
            "src-tauri/capabilities/main.json",
            capability_commands(capability),
        ),
        ("CommandName in ui/src/lib/types.ts", ui_commands(types_ts)),
    ];
    let mut out = Vec::new();
    for (place, found) in places {
        match found {
            Ok(found) => out.extend(differences(place, commands, &found)),
            Err(e) => out.push(e),
        }
    }
    out
}

#[test]
fn handler_capability_and_ui_name_exactly_the_listed_commands() {
    let commands = tokendesk_app::COMMANDS;
    let unique: BTreeSet<_> = commands.iter().collect();
    assert_eq!(
        unique.len(),
        commands.len(),
        "COMMANDS names a command twice"
    );
    let problems = disagreements(
        commands,
        &read("src-tauri/src/lib.rs"),
        &read("src-tauri/capabilities/main.json"),
        &read("ui/src/lib/types.ts"),
    );
    assert!(
        problems.is_empty(),
        "the command list (src-tauri/src/command_list.rs) and its copies disagree:\n  {}",
        problems.join("\n  ")
    );
}

/// The check itself catches a command missing from, or added to, each place.
#[test]
fn a_command_missing_or_extra_anywhere_is_named() {
    let lib_rs =
        "x.invoke_handler(tauri::generate_handler![\n    a::one, // note\n    b::c::two,\n])";
    let capability = r#"{"permissions": ["allow-one", "allow-two", "core:event:allow-listen"]}"#;
    let types_ts =
        "export type CommandName =\n  | \"one\"\n  | \"two\";\nexport type X = \"three\";";
    assert_eq!(
        disagreements(&["one", "two"], lib_rs, capability, types_ts),
        Vec::<String>::new()
    );

    let problems = disagreements(&["one", "two", "three_four"], lib_rs, capability, types_ts);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|p| p.contains("lacks [\"three_four\"]")),
        "{problems:?}"
    );

    let problems = disagreements(&["one"], lib_rs, capability, types_ts);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|p| p.contains("[\"two\"], which COMMANDS does not")),
        "{problems:?}"
    );

    let twice = r#"{"permissions": ["allow-one", "allow-two", "allow-two"]}"#;
    let problems = disagreements(&["one", "two"], lib_rs, twice, types_ts);
    assert_eq!(
        problems,
        ["src-tauri/capabilities/main.json names a command twice: [\"one\", \"two\", \"two\"]"]
    );

    assert_eq!(
        disagreements(&["one", "two"], "no handler", capability, types_ts),
        ["no generate_handler![ in src-tauri/src/lib.rs"]
    );
}
