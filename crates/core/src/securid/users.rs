//! The requests and typed answers of the SecurID help-desk calls: User Details
//! (`POST users/lookup`) and Unlock User Tokencodes (`PATCH users/{userId}/methods`).
//!
//! Answers are read leniently (booleans as strings, missing optional fields) and every field
//! this version does not know is kept in `extra`, as for CENTAGATE's method list.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::locks::{MethodLocks, UnlockMethod};
use crate::error::{Error, TransportError};
use crate::transport::excerpt;
use crate::validate;
use crate::vocab::Field;

/// What to look a user up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LookupBy {
    Email,
    Username,
}

/// Find a SecurID user (and their ID) by email address or username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LookupUserRequest {
    pub by: LookupBy,
    pub value: String,
}

impl LookupUserRequest {
    /// By email address.
    pub fn email(email: impl Into<String>) -> Self {
        LookupUserRequest {
            by: LookupBy::Email,
            value: email.into(),
        }
    }

    /// By username.
    pub fn username(username: impl Into<String>) -> Self {
        LookupUserRequest {
            by: LookupBy::Username,
            value: username.into(),
        }
    }

    /// Checks the value; returns the request as it will be sent (trimmed).
    pub fn validate(&self) -> Result<Self, Error> {
        let value = match self.by {
            LookupBy::Email => validate::email(&self.value)?,
            LookupBy::Username => validate::username(Field::Username, &self.value)?,
        };
        Ok(LookupUserRequest { by: self.by, value })
    }

    /// The JSON body: `{"email": ...}` or `{"username": ...}`.
    pub fn body(&self) -> Value {
        let key = match self.by {
            LookupBy::Email => "email",
            LookupBy::Username => "username",
        };
        let mut m = Map::new();
        m.insert(key.into(), Value::String(self.value.clone()));
        Value::Object(m)
    }
}

/// Unlock some of a user's tokencode methods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnlockMethodsRequest {
    /// The user's ID, from a lookup.
    pub user_id: String,
    /// At least one of TOKEN, SMS, VOICE.
    pub methods: Vec<UnlockMethod>,
}

impl UnlockMethodsRequest {
    /// Checks the user ID and that at least one method is chosen; repeated methods are sent
    /// once, in the order TOKEN, SMS, VOICE.
    pub fn validate(&self) -> Result<Self, Error> {
        let user_id = validate::user_id(&self.user_id)?;
        let methods = Self::methods(&self.methods)?;
        Ok(UnlockMethodsRequest { user_id, methods })
    }

    /// The methods to send: at least one; each once, in the order TOKEN, SMS, VOICE.
    pub fn methods(chosen: &[UnlockMethod]) -> Result<Vec<UnlockMethod>, Error> {
        let mut methods = chosen.to_vec();
        methods.sort();
        methods.dedup();
        if methods.is_empty() {
            return Err(Error::input(
                Field::Methods,
                "choose at least one of token, SMS and voice",
            ));
        }
        Ok(methods)
    }

    /// The JSON body: `{"unlockMethods": [...]}`.
    pub fn body(&self) -> Value {
        let list = self
            .methods
            .iter()
            .map(|m| Value::String(m.wire().to_owned()))
            .collect();
        let mut m = Map::new();
        m.insert("unlockMethods".into(), Value::Array(list));
        Value::Object(m)
    }
}

/// A user as User Details describes them.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecurIdUser {
    /// The ID other calls need.
    pub id: String,
    /// First and last name, or the email address when there is no name.
    pub name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// `userStatus` as sent, e.g. "Enabled" or "Disabled".
    pub status: Option<String>,
    pub identity_source: Option<String>,
    pub mark_deleted: Option<bool>,
    pub high_risk: Option<bool>,
    /// True when SMS tokencodes are on (the answer then carries `smsNumber`).
    pub sms_on: bool,
    /// True when voice tokencodes are on (the answer then carries `voiceNumber`).
    pub voice_on: bool,
    pub sms_number: Option<String>,
    pub voice_number: Option<String>,
    /// Fields of the answer this version does not know.
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

pub(crate) const SERVICE: &str = "SecurID Cloud Administration API";

fn not_understood(reason: &str, body: &[u8]) -> TransportError {
    TransportError::UnexpectedAnswer {
        service: SERVICE.into(),
        reason: reason.to_owned(),
        excerpt: scrub(&excerpt(body)),
    }
}

/// Parses a body that must be a JSON object.
pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, TransportError> {
    let text = std::str::from_utf8(body).map_err(|_| not_understood("not UTF-8 text", body))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(not_understood("empty answer", body));
    }
    if trimmed.starts_with('<') {
        return Err(not_understood("an HTML or XML page", body));
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(not_understood("JSON but not an object", body)),
        Err(_) => Err(not_understood("not valid JSON", body)),
    }
}

fn take(m: &mut Map<String, Value>, key: &str) -> Value {
    m.remove(key).unwrap_or(Value::Null)
}

/// A field as text, cleaned for the screen (names, email, status, identity source, IDs).
fn text(v: Value) -> Option<String> {
    let raw = match v {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    crate::text::clean_opt(Some(raw), crate::text::SHORT)
}

fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

impl SecurIdUser {
    /// Reads a User Details answer; `id` is required.
    pub fn from_body(body: &[u8]) -> Result<Self, TransportError> {
        let mut m = object(body)?;
        let id = text(take(&mut m, "id")).ok_or_else(|| not_understood("no user id", body))?;
        let first_name = text(take(&mut m, "firstName"));
        let last_name = text(take(&mut m, "lastName"));
        let email = text(take(&mut m, "emailAddress")).or_else(|| text(take(&mut m, "email")));
        let sms_number = text(take(&mut m, "smsNumber"));
        let voice_number = text(take(&mut m, "voiceNumber"));
        let joined = [first_name.as_deref(), last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let name = if joined.is_empty() {
            email.clone().unwrap_or_else(|| id.clone())
        } else {
            joined
        };
        Ok(SecurIdUser {
            id,
            name,
            first_name,
            last_name,
            email,
            status: text(take(&mut m, "userStatus")),
            identity_source: text(take(&mut m, "identitySource")),
            mark_deleted: flag(&take(&mut m, "markDeleted")),
            high_risk: flag(&take(&mut m, "highRiskUser")),
            sms_on: sms_number.is_some(),
            voice_on: voice_number.is_some(),
            sms_number,
            voice_number,
            extra: m,
        })
    }
}

/// Reading the unlock call's answer lives here, beside the other answers' readers; the type
/// itself is in [`super::locks`], where the error type can name it without this module.
impl MethodLocks {
    /// Reads an unlock answer (200 or 500); all three statuses are required. `user_id` is
    /// used when the answer lacks `userId`.
    pub fn from_body(body: &[u8], user_id: &str) -> Result<Self, TransportError> {
        let mut m = object(body)?;
        let mut lock = |key: &str| {
            flag(&take(&mut m, key)).ok_or_else(|| not_understood(&format!("no {key}"), body))
        };
        let token_locked = lock("isTokenLocked")?;
        let sms_locked = lock("isSmsLocked")?;
        let voice_locked = lock("isVoiceLocked")?;
        Ok(MethodLocks {
            user_id: text(take(&mut m, "userId")).unwrap_or_else(|| user_id.to_owned()),
            token_locked,
            sms_locked,
            voice_locked,
            extra: m,
        })
    }
}

/// The server's own words in an error answer: a `message`-like field of a JSON body, else
/// a short excerpt; anything shaped like a token removed.
pub(crate) fn server_message(body: &[u8]) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    message_field(body).or_else(|| Some(scrub(&excerpt(body))))
}

/// Only a `message`-like field of a JSON body, scrubbed.
pub(crate) fn message_field(body: &[u8]) -> Option<String> {
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    [
        "message",
        "errorMessage",
        "error_description",
        "error",
        "description",
        "detail",
    ]
    .iter()
    .find_map(|key| match m.get(*key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(scrub(&excerpt(s.as_bytes()))),
        _ => None,
    })
}

/// Cleans a server's words and hides long token-like runs (a JWT, a key line).
pub(crate) fn scrub(text: &str) -> String {
    crate::text::scrub(text, crate::text::LONG)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn users_are_read_with_their_methods() {
        let body = json!({
            "id": "u-1", "emailAddress": "alice@corp.example", "firstName": "Alice",
            "lastName": "Liddell", "userStatus": "Enabled", "identitySource": "AD",
            "markDeleted": false, "highRiskUser": "true", "smsNumber": "+15550100",
            "lastLogin": 17
        });
        let u = SecurIdUser::from_body(body.to_string().as_bytes()).unwrap();
        assert_eq!((u.id.as_str(), u.name.as_str()), ("u-1", "Alice Liddell"));
        assert_eq!((u.sms_on, u.voice_on), (true, false));
        assert_eq!((u.mark_deleted, u.high_risk), (Some(false), Some(true)));
        assert_eq!(u.extra.get("lastLogin"), Some(&json!(17)));
        let u = SecurIdUser::from_body(br#"{"id":"u-2","emailAddress":"b@x.io"}"#).unwrap();
        assert_eq!(u.name, "b@x.io");
        assert!(SecurIdUser::from_body(br#"{"emailAddress":"b@x.io"}"#).is_err());
        assert!(SecurIdUser::from_body(b"<html>").is_err());
    }

    #[test]
    fn locks_need_all_three() {
        let l = MethodLocks::from_body(
            br#"{"userId":"u","isTokenLocked":true,"isSmsLocked":"false","isVoiceLocked":false}"#,
            "x",
        )
        .unwrap();
        assert_eq!(l.locked(), [UnlockMethod::Token]);
        assert_eq!(l.words(), "token locked, SMS unlocked, voice unlocked");
        assert!(MethodLocks::from_body(br#"{"isTokenLocked":true}"#, "x").is_err());
    }

    #[test]
    fn unlock_requests_dedupe_and_need_a_method() {
        let r = UnlockMethodsRequest {
            user_id: " u-1 ".into(),
            methods: vec![
                UnlockMethod::Voice,
                UnlockMethod::Token,
                UnlockMethod::Voice,
            ],
        }
        .validate()
        .unwrap();
        assert_eq!(r.body(), json!({"unlockMethods": ["TOKEN", "VOICE"]}));
        assert_eq!(r.user_id, "u-1");
        let e = UnlockMethodsRequest {
            user_id: "u".into(),
            methods: vec![],
        }
        .validate()
        .unwrap_err();
        assert!(matches!(
            e,
            Error::Input {
                field: Field::Methods,
                ..
            }
        ));
        assert_eq!(
            serde_json::to_value(UnlockMethod::Sms).unwrap(),
            json!("SMS")
        );
    }

    #[test]
    fn tokens_are_scrubbed_from_messages() {
        let jwt = format!(
            "eyJ{}.eyJ{}.{}",
            "a".repeat(30),
            "b".repeat(30),
            "c".repeat(40)
        );
        let m = server_message(format!(r#"{{"message":"bad token {jwt}"}}"#).as_bytes()).unwrap();
        assert_eq!(m, "bad token [redacted]");
        assert_eq!(server_message(b"  "), None);
    }
}
