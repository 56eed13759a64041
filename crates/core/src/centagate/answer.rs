//! Reading a CENTAGATE answer `{code, message, object}`: lenient where real servers are loose,
//! strict where it matters.
//!
//! `code` may be a number, a string (`"0"`) or a float (`0.0`); `object` may be JSON, JSON
//! encoded inside a string, null or absent; `message` may be absent. An answer without a
//! usable `code`, or that is not JSON at all (an HTML error page, a proxy's login form), is
//! "not understood" — never guessed at.

use serde_json::{Map, Value};

use crate::error::TransportError;
use crate::transport::excerpt;

/// A parsed answer. `code == 0` is success.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub code: i64,
    pub message: Option<String>,
    /// The `object`, decoded from a string when the server sent JSON inside a string;
    /// `Value::Null` when absent.
    pub object: Value,
}

/// Reads an integer the way loose servers write one: `0`, `"0"`, `0.0`, `" 29017 "`.
pub fn lenient_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| {
                s.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
        }
        _ => None,
    }
}

/// Parses the body of a 2xx answer.
pub fn parse(body: &[u8]) -> Result<Answer, TransportError> {
    let not_understood = |reason: &str| TransportError::NotUnderstood {
        reason: reason.to_owned(),
        excerpt: excerpt(body),
    };
    let text = std::str::from_utf8(body).map_err(|_| not_understood("not UTF-8 text"))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(not_understood("empty answer"));
    }
    if trimmed.starts_with('<') {
        return Err(not_understood("an HTML or XML page"));
    }
    let value: Value = serde_json::from_str(text).map_err(|_| not_understood("not valid JSON"))?;
    let Value::Object(mut map) = value else {
        return Err(not_understood("JSON but not an object"));
    };
    let code = map
        .get("code")
        .and_then(lenient_int)
        .ok_or_else(|| not_understood("no return code"))?;
    // Shown on screen and kept in the audit log: cleaned, and scrubbed of anything shaped
    // like a token (a server may echo the request, cenToken included).
    let message = match map.remove("message") {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    }
    .map(|m| crate::text::scrub(&m, crate::text::LONG))
    .filter(|m| !m.is_empty());
    let object = decode_object(map.remove("object").unwrap_or(Value::Null));
    Ok(Answer {
        code,
        message,
        object,
    })
}

/// Unwraps JSON sent inside a string; leaves any other string as it is.
fn decode_object(object: Value) -> Value {
    match object {
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Value::Null;
            }
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(v) = serde_json::from_str::<Value>(t) {
                    return v;
                }
            }
            Value::String(s)
        }
        other => other,
    }
}

/// The object as a map, or an empty one when the server sent none.
pub fn object_map(object: &Value) -> Map<String, Value> {
    object.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(body: &str) -> Answer {
        parse(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
    }

    #[test]
    fn code_as_number_string_or_float() {
        for body in [
            r#"{"code":0,"message":"Success","object":null}"#,
            r#"{"code":"0","message":"Success"}"#,
            r#"{"code":0.0,"message":"Success"}"#,
            r#"{"code":" 0 ","message":"Success"}"#,
            r#"{"code":"0.0"}"#,
        ] {
            assert_eq!(ok(body).code, 0, "{body}");
        }
        assert_eq!(
            ok(r#"{"code":"29017","message":"Invalid token status"}"#).code,
            29017
        );
        assert_eq!(ok(r#"{"code":54002.0}"#).code, 54002);
    }

    #[test]
    fn object_as_json_string_null_or_absent() {
        let nested = ok(r#"{"code":0,"object":{"tokenList":[]}}"#);
        assert_eq!(nested.object, json!({"tokenList": []}));
        let in_string = ok(r#"{"code":0,"object":"{\"tokenList\":[{\"sn\":\"HW1\"}]}"}"#);
        assert_eq!(in_string.object, json!({"tokenList": [{"sn": "HW1"}]}));
        assert_eq!(ok(r#"{"code":0,"object":null}"#).object, Value::Null);
        assert_eq!(ok(r#"{"code":0}"#).object, Value::Null);
        assert_eq!(ok(r#"{"code":0,"object":""}"#).object, Value::Null);
        assert_eq!(
            ok(r#"{"code":0,"object":"plain text"}"#).object,
            json!("plain text")
        );
        assert_eq!(
            ok(r#"{"code":0,"object":"{broken"}"#).object,
            json!("{broken")
        );
    }

    #[test]
    fn message_may_be_missing_or_odd() {
        assert_eq!(ok(r#"{"code":0}"#).message, None);
        assert_eq!(ok(r#"{"code":0,"message":null}"#).message, None);
        assert_eq!(
            ok(r#"{"code":0,"message":42}"#).message.as_deref(),
            Some("42")
        );
    }

    #[test]
    fn strict_where_it_matters() {
        for (body, why) in [
            (r#"{"message":"Success"}"#, "no return code"),
            (r#"{"code":null}"#, "no return code"),
            (r#"{"code":"zero"}"#, "no return code"),
            (r#"{"code":true}"#, "no return code"),
            (r#"{"code":0.5}"#, "no return code"),
            (
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
                "an HTML or XML page",
            ),
            ("Service Unavailable", "not valid JSON"),
            (r#"{"code":0,"message":"Succ"#, "not valid JSON"),
            ("[1,2]", "JSON but not an object"),
            ("", "empty answer"),
        ] {
            match parse(body.as_bytes()) {
                Err(TransportError::NotUnderstood { reason, .. }) => {
                    assert_eq!(reason, why, "{body}")
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        assert!(matches!(
            parse(&[0xff, 0xfe, b'{']),
            Err(TransportError::NotUnderstood { .. })
        ));
    }
}
