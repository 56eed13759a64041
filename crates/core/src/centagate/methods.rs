//! The typed view of `user/auth/list`: which tokens, certificates and device a user has.
//!
//! Decoded leniently (numbers as strings, missing fields) and keeping every field we do not
//! know in `extra`, so a newer server's data is shown rather than lost.

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use super::answer::lenient_int;

/// Everything bound to a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuthMethods {
    pub tokens: Vec<TokenMethod>,
    pub certificates: Vec<Certificate>,
    pub device: Option<Device>,
    /// Fields of the answer this version does not know.
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// What kind of token a `tokenList` entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TokenKind {
    Sms,
    Otp,
    Fido,
    Unknown,
}

/// A token's status as `user/auth/list` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum TokenStatus {
    Inactive,
    Active,
    /// Active and locked (too many failures, or suspended).
    ActiveLocked,
    Pending,
    PendingLocked,
    Unknown,
}

impl TokenStatus {
    fn from_code(code: Option<i64>) -> Self {
        match code {
            Some(0) => TokenStatus::Inactive,
            Some(1) => TokenStatus::Active,
            Some(2) => TokenStatus::ActiveLocked,
            Some(3) => TokenStatus::Pending,
            Some(4) => TokenStatus::PendingLocked,
            _ => TokenStatus::Unknown,
        }
    }

    /// True when an administrator's unlock would help.
    pub fn is_locked(self) -> bool {
        matches!(self, TokenStatus::ActiveLocked | TokenStatus::PendingLocked)
    }

    /// Plain words for a table cell.
    pub fn label(self) -> &'static str {
        match self {
            TokenStatus::Inactive => "inactive",
            TokenStatus::Active => "active",
            TokenStatus::ActiveLocked => "locked",
            TokenStatus::Pending => "pending",
            TokenStatus::PendingLocked => "pending, locked",
            TokenStatus::Unknown => "unknown",
        }
    }
}

impl TokenKind {
    /// Plain words for a table cell.
    pub fn label(self) -> &'static str {
        match self {
            TokenKind::Sms => "SMS",
            TokenKind::Otp => "OTP",
            TokenKind::Fido => "FIDO",
            TokenKind::Unknown => "unknown",
        }
    }
}

/// One entry of `tokenList`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenMethod {
    /// Serial number (OTP, FIDO) or phone number (SMS).
    pub sn: String,
    pub kind: TokenKind,
    /// The raw `type` number, when there was one.
    pub type_code: Option<i64>,
    pub status: TokenStatus,
    /// The raw `status` number, when there was one.
    pub status_code: Option<i64>,
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// One entry of `certList`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Certificate {
    pub sn: Option<String>,
    pub fingerprint: Option<String>,
    pub subject_dn: Option<String>,
    pub issuer_dn: Option<String>,
    pub revoked: Option<bool>,
    /// Epoch milliseconds.
    pub valid_from: Option<i64>,
    /// Epoch milliseconds.
    pub valid_to: Option<i64>,
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// The user's registered mobile device.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Device {
    pub name: Option<String>,
    pub model: Option<String>,
    pub os: Option<String>,
    /// 0 inactive, 1 active, 2 pending.
    pub status_code: Option<i64>,
    pub status: DeviceStatus,
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// A device's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DeviceStatus {
    Inactive,
    Active,
    Pending,
    Unknown,
}

impl DeviceStatus {
    /// Plain words for a table cell.
    pub fn label(self) -> &'static str {
        match self {
            DeviceStatus::Inactive => "inactive",
            DeviceStatus::Active => "active",
            DeviceStatus::Pending => "pending",
            DeviceStatus::Unknown => "unknown",
        }
    }
}

/// Takes the named field out of `map`, leaving the rest for `extra`.
fn take(map: &mut Map<String, Value>, key: &str) -> Value {
    map.remove(key).unwrap_or(Value::Null)
}

/// A field as text, cleaned for the screen (serials, phone numbers, DNs, device names).
fn text(v: Value) -> Option<String> {
    let raw = match v {
        Value::String(s) => s,
        Value::Null => return None,
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    crate::text::clean_opt(Some(raw), crate::text::LONG)
}

fn flag(v: Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        _ => None,
    }
}

fn entries(v: Value) -> Vec<Map<String, Value>> {
    match v {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|i| match i {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        Value::Object(m) => vec![m],
        _ => Vec::new(),
    }
}

impl AuthMethods {
    /// Decodes the `object` of a `user/auth/list` answer.
    pub fn from_object(object: &Value) -> Self {
        let mut map = object.as_object().cloned().unwrap_or_default();
        let tokens = entries(take(&mut map, "tokenList"))
            .into_iter()
            .map(TokenMethod::from_map)
            .collect();
        let certificates = entries(take(&mut map, "certList"))
            .into_iter()
            .map(Certificate::from_map)
            .collect();
        let device = match take(&mut map, "device") {
            Value::Object(m) if !m.is_empty() => Some(Device::from_map(m)),
            _ => None,
        };
        AuthMethods {
            tokens,
            certificates,
            device,
            extra: map,
        }
    }

    /// True when nothing at all is bound.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.certificates.is_empty() && self.device.is_none()
    }

    /// The user's OTP token, if any.
    pub fn otp_token(&self) -> Option<&TokenMethod> {
        self.tokens.iter().find(|t| t.kind == TokenKind::Otp)
    }
}

impl TokenMethod {
    fn from_map(mut m: Map<String, Value>) -> Self {
        let type_code = lenient_int(&take(&mut m, "type"));
        let status_code = lenient_int(&take(&mut m, "status"));
        TokenMethod {
            sn: text(take(&mut m, "sn")).unwrap_or_default(),
            kind: match type_code {
                Some(1) => TokenKind::Sms,
                Some(2) => TokenKind::Otp,
                Some(3) => TokenKind::Fido,
                _ => TokenKind::Unknown,
            },
            type_code,
            status: TokenStatus::from_code(status_code),
            status_code,
            extra: m,
        }
    }
}

impl Certificate {
    fn from_map(mut m: Map<String, Value>) -> Self {
        Certificate {
            sn: text(take(&mut m, "sn")),
            fingerprint: text(take(&mut m, "fingerprint")),
            subject_dn: text(take(&mut m, "subjectDn")),
            issuer_dn: text(take(&mut m, "issuerDn")),
            revoked: flag(take(&mut m, "revoked")),
            valid_from: lenient_int(&take(&mut m, "validFrom")),
            valid_to: lenient_int(&take(&mut m, "validTo")),
            extra: m,
        }
    }
}

impl Device {
    fn from_map(mut m: Map<String, Value>) -> Self {
        let status_code = lenient_int(&take(&mut m, "status"));
        Device {
            name: text(take(&mut m, "name")),
            model: text(take(&mut m, "model")),
            os: text(take(&mut m, "os")),
            status: match status_code {
                Some(0) => DeviceStatus::Inactive,
                Some(1) => DeviceStatus::Active,
                Some(2) => DeviceStatus::Pending,
                _ => DeviceStatus::Unknown,
            },
            status_code,
            extra: m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_the_documented_shape() {
        let m = AuthMethods::from_object(&json!({
            "tokenList": [
                {"sn": "+60123456789", "type": 1, "status": 1},
                {"sn": "HW-1001", "type": "2", "status": "2"},
                {"sn": "FIDO-9", "type": 3, "status": 3},
                {"sn": "X", "type": 2, "status": 4, "lastUsed": 1700000000000i64},
                {"sn": 12345, "type": 9, "status": 7}
            ],
            "certList": [{"sn": "0A1B", "fingerprint": "ab12", "subjectDn": "CN=alice", "issuerDn": "CN=CA",
                          "revoked": "false", "validFrom": 1600000000000i64, "validTo": "1900000000000"}],
            "device": {"name": "Pixel", "model": "8", "os": "Android", "status": 2, "pushId": "p"},
            "newField": 1
        }));
        let kinds: Vec<_> = m.tokens.iter().map(|t| (t.kind, t.status)).collect();
        assert_eq!(
            kinds,
            [
                (TokenKind::Sms, TokenStatus::Active),
                (TokenKind::Otp, TokenStatus::ActiveLocked),
                (TokenKind::Fido, TokenStatus::Pending),
                (TokenKind::Otp, TokenStatus::PendingLocked),
                (TokenKind::Unknown, TokenStatus::Unknown),
            ]
        );
        assert_eq!(
            m.tokens[3].extra.get("lastUsed"),
            Some(&json!(1700000000000i64))
        );
        assert_eq!(m.tokens[4].sn, "12345");
        assert_eq!(m.tokens[4].type_code, Some(9));
        let c = &m.certificates[0];
        assert_eq!((c.revoked, c.valid_to), (Some(false), Some(1900000000000)));
        assert_eq!(c.subject_dn.as_deref(), Some("CN=alice"));
        let d = m.device.as_ref().unwrap();
        assert_eq!(
            (d.status, d.extra.get("pushId")),
            (DeviceStatus::Pending, Some(&json!("p")))
        );
        assert_eq!(m.extra.get("newField"), Some(&json!(1)));
        assert_eq!(m.otp_token().unwrap().sn, "HW-1001");
        assert!(m.tokens[1].status.is_locked());
    }

    #[test]
    fn missing_or_null_parts_are_empty() {
        for object in [
            json!(null),
            json!({}),
            json!({"tokenList": null, "certList": null, "device": null}),
            json!({"tokenList": [], "device": {}}),
        ] {
            let m = AuthMethods::from_object(&object);
            assert!(m.is_empty(), "{object}");
        }
    }
}
