//! The input rules against the vectors the desktop UI's validation is tested with
//! (`ui/src/lib/validation-vectors.json`), so the rules shown as a person types and the rules
//! enforced before sending can never drift apart.

use serde_json::{json, Value};
use tokendesk_core::centagate::profile::ProfileDraft;
use tokendesk_core::validate;
use tokendesk_core::vocab::Field;
use tokendesk_core::Error;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../ui/src/lib/validation-vectors.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file"))
        .expect("vectors JSON")
}

/// `{"field", "rule"}` of an input error, as the vectors write it.
fn as_vector(e: Error) -> Value {
    match e {
        Error::Input { field, rule } => json!({"field": field, "rule": rule}),
        other => panic!("not an input error: {other:?}"),
    }
}

fn check(group: &str, case: &Value, got: Result<Value, Error>) {
    let input = &case["input"];
    match (case.get("ok"), got) {
        (Some(want), Ok(v)) => assert_eq!(&v, want, "{group} {input}"),
        (None, Err(e)) => assert_eq!(as_vector(e), case["error"], "{group} {input}"),
        (Some(want), Err(e)) => panic!("{group} {input}: wanted {want}, got {e}"),
        (None, Ok(v)) => panic!("{group} {input}: wanted {}, got {v}", case["error"]),
    }
}

fn cases<'a>(v: &'a Value, group: &str) -> &'a Vec<Value> {
    let list = v[group]
        .as_array()
        .unwrap_or_else(|| panic!("group {group}"));
    assert!(!list.is_empty(), "group {group} is empty");
    list
}

#[test]
fn single_fields() {
    let v = vectors();
    for case in cases(&v, "username") {
        let field: Field = match case["field"].as_str() {
            Some("adminUsername") => Field::AdminUsername,
            _ => Field::Username,
        };
        let input = case["input"].as_str().unwrap();
        check(
            "username",
            case,
            validate::username(field, input).map(Value::from),
        );
    }
    for case in cases(&v, "phone") {
        check(
            "phone",
            case,
            validate::phone(case["input"].as_str().unwrap()).map(Value::from),
        );
    }
    for case in cases(&v, "serial") {
        check(
            "serial",
            case,
            validate::serial(case["input"].as_str().unwrap()).map(Value::from),
        );
    }
    for case in cases(&v, "email") {
        check(
            "email",
            case,
            validate::email(case["input"].as_str().unwrap()).map(Value::from),
        );
    }
    for case in cases(&v, "profileName") {
        check(
            "profileName",
            case,
            validate::profile_name(case["input"].as_str().unwrap()).map(Value::from),
        );
    }
}

#[test]
fn otp_pairs() {
    let v = vectors();
    for case in cases(&v, "otpPair") {
        let (a, b) = (
            case["input"][0].as_str().unwrap(),
            case["input"][1].as_str().unwrap(),
        );
        check(
            "otpPair",
            case,
            validate::otp_pair(a, b).map(|(x, y)| json!([x, y])),
        );
    }
}

#[test]
fn profile_drafts() {
    let v = vectors();
    for case in cases(&v, "profileDraft") {
        let i = &case["input"];
        let draft = ProfileDraft {
            name: i["name"].as_str().unwrap_or_default().into(),
            url: i["url"].as_str().unwrap_or_default().into(),
            admin: i["admin"].as_str().unwrap_or_default().into(),
            base_path: i["basePath"].as_str().map(Into::into),
            ca_file: None,
            timeout_secs: i["timeoutSecs"].as_u64(),
            ..Default::default()
        };
        let got = draft.validate().map(|p| {
            json!({"name": p.name, "url": p.url, "admin": p.admin, "basePath": p.base_path,
                   "timeoutSecs": p.timeout_secs, "connectTimeoutSecs": p.connect_timeout_secs})
        });
        check("profileDraft", case, got);
    }
}
