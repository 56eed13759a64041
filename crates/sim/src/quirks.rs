//! Loose answers, as some real CENTAGATE servers give them: `code` as a string (`"0"`) and
//! `object` as a JSON document inside a string. For testing clients' lenient parsing.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

/// How answers are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerStyle {
    /// `code` a number, `object` JSON or null: what the vendor pages show.
    #[default]
    Strict,
    /// `code` a string and a non-null `object` a string holding JSON (an `object` that is
    /// already a string, as getStatus answers, stays as it is).
    Loose,
}

/// Rewrite a vendor answer to `style`.
pub fn loosen(answer: &mut Value) {
    if let Some(code) = answer.get("code").and_then(Value::as_u64) {
        answer["code"] = Value::String(code.to_string());
    }
    if let Some(object) = answer
        .get("object")
        .filter(|o| !o.is_null() && !o.is_string())
    {
        answer["object"] = Value::String(object.to_string());
    }
}

/// Axum middleware applying `style` to JSON answers.
pub async fn apply(State(style): State<AnswerStyle>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if style == AnswerStyle::Strict {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut answer) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    loosen(&mut answer);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(answer.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loosens_code_and_object() {
        let mut answer = json!({"code": 0, "message": "Success", "object": {"tokenList": []}});
        loosen(&mut answer);
        assert_eq!(answer["code"], "0");
        assert_eq!(answer["object"], "{\"tokenList\":[]}");
        let mut answer = json!({"code": 22002, "message": "User not found", "object": null});
        loosen(&mut answer);
        assert_eq!(
            answer,
            json!({"code": "22002", "message": "User not found", "object": null})
        );
        let mut answer = json!({"code": 0, "message": "Success", "object": "2"});
        loosen(&mut answer);
        assert_eq!(
            answer["object"], "2",
            "a getStatus answer is already a string"
        );
    }
}
