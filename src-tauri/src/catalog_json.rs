//! Both backends' answer catalogs as one JSON document, `ui/src/bindings/catalog.json`, for the
//! UI's mock backend (ui/src/mock/backend.ts): its errors take their titles, hints and vendor
//! texts from it, so the fake the UI's tests run against cannot word a code differently from
//! core. The document is written by a test named like ts-rs's (`export_bindings_*`), into the
//! same folder (`TS_RS_EXPORT_DIR`), so `make test-bindings` regenerates it with the bindings
//! and fails when the committed copy is stale.

/// `{"centagate": [CodeEntry...], "securid": [CodeEntry...]}`, each in code order, as
/// `CodeEntry` serialises (the shape of ui/src/bindings/CodeEntry.ts), with a final newline.
fn catalog_json() -> String {
    let doc = serde_json::json!({
        "centagate": tokendesk_core::centagate::catalog::CATALOG.all(),
        "securid": tokendesk_core::securid::catalog::CATALOG.all(),
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("the catalogs serialise");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes ui/src/bindings/catalog.json (or into `TS_RS_EXPORT_DIR`, as ts-rs does).
    #[test]
    fn export_bindings_catalog_json() {
        let dir = std::env::var_os("TS_RS_EXPORT_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings")
            });
        std::fs::create_dir_all(&dir).expect("the bindings folder");
        std::fs::write(dir.join("catalog.json"), catalog_json()).expect("catalog.json written");
    }

    /// The document holds both catalogs with the fields the mock reads.
    #[test]
    fn both_catalogs_with_per_operation_words() {
        let doc: serde_json::Value = serde_json::from_str(&catalog_json()).unwrap();
        let centagate = doc["centagate"].as_array().unwrap();
        let securid = doc["securid"].as_array().unwrap();
        let find = |list: &[serde_json::Value], code: i64| {
            list.iter().find(|e| e["code"] == code).cloned().unwrap()
        };
        let e = find(centagate, 29017);
        assert_eq!(e["vendorText"], "Invalid token status");
        assert!(e["perOperation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["operation"] == "unlock"
                && m["title"].is_string()
                && m["hint"].is_string()));
        let e = find(securid, 404);
        assert_eq!(
            e["title"],
            tokendesk_core::securid::catalog::describe(404, None).title
        );
        assert!(centagate.len() > 20 && securid.len() >= 7);
    }
}
