//! The profiles file under concurrency: two processes adding profiles at once lose none
//! (each change is load → change → save under an exclusive lock with a fresh read).

mod common;

use common::*;

#[test]
fn two_processes_adding_20_profiles_each_lose_none() {
    let desk = Desk::new();
    let add = |tag: &'static str| {
        let desk = &desk;
        move || {
            for i in 0..20 {
                let name = format!("{tag}-{i}");
                desk.run(&[
                    "profile",
                    "add",
                    &name,
                    "--url",
                    "https://mfa.example.com",
                    "--admin",
                    "helpdesk",
                    "--no-store",
                ])
                .success();
            }
        }
    };
    std::thread::scope(|s| {
        s.spawn(add("a"));
        s.spawn(add("b"));
    });
    let out = desk.run(&["--json", "profile", "list"]);
    out.success();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let names: std::collections::BTreeSet<&str> = doc["object"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 40, "{names:?}");
    // Each add was recorded too: 40 actions, one chain.
    desk.run(&["audit", "verify"])
        .success()
        .stdout_has("80 entries, chain intact");
}
