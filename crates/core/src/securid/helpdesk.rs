//! The requests and typed answers of SecurID's wider help-desk calls
//! (`reference/securid-more-admin-calls.md`): user search, user status, the emergency
//! tokencode, a user's authenticators, and SID700 hardware tokens (lookup, assign, unassign).
//!
//! Answers are read leniently and every unknown field kept in `extra`. The emergency
//! tokencode is the one credential an answer carries: it is a [`ShownOnce`], which only its one
//! display may serialise, and no `Debug`, log line or audit entry ever shows.

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Map, Value};
use ts_rs::TS;

use super::users::{object, SecurIdUser, SERVICE};
use crate::error::{Error, TransportError};
use crate::secret::Secret;
use crate::transport::excerpt;
use crate::validate;
use crate::vocab::Field;

/// Most users one search page may ask for (the API's limit).
pub const MAX_PAGE_SIZE: u32 = 25;

/// Search users whose email address contains some text (the only search the API offers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SearchUsersRequest {
    pub email_like: String,
    /// 1 to 25; 25 when absent.
    #[ts(optional)]
    pub page_size: Option<u32>,
}

impl SearchUsersRequest {
    /// Checks the text and page size; returns what will be sent.
    pub fn validate(&self) -> Result<(String, u32), Error> {
        let text = self.email_like.trim();
        if text.is_empty() || text.chars().count() > 254 || text.chars().any(char::is_control) {
            return Err(Error::input(
                Field::Email,
                "must be some text of the email address (1 to 254 characters; no wildcards: it is matched literally)",
            ));
        }
        let size = self.page_size.unwrap_or(MAX_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(Error::input(
                Field::PageSize,
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        Ok((text.to_owned(), size))
    }
}

/// The users a search found (sorted by email address, as the server sends them).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserSearch {
    pub users: Vec<SecurIdUser>,
    /// How many users match in all, when the server says.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

fn not_understood(reason: &str, body: &[u8]) -> TransportError {
    TransportError::UnexpectedAnswer {
        service: SERVICE.into(),
        reason: reason.to_owned(),
        excerpt: super::users::scrub(&excerpt(body)),
    }
}

/// A field as text, cleaned for the screen.
fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    let raw = match m.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => return None,
    };
    crate::text::clean_opt(Some(raw), crate::text::SHORT)
}

impl UserSearch {
    /// Reads a search answer: a list of users, or an object holding one (`elements`,
    /// `users`, `content`) with `totalElements`.
    pub fn from_body(body: &[u8]) -> Result<Self, TransportError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|_| not_understood("not valid JSON", body))?;
        let (items, total) = match value {
            Value::Array(items) => (items, None),
            Value::Object(m) => {
                let total = m.get("totalElements").and_then(Value::as_u64);
                let list = ["elements", "users", "content"]
                    .iter()
                    .find_map(|k| m.get(*k).and_then(Value::as_array).cloned())
                    .ok_or_else(|| not_understood("no list of users", body))?;
                (list, total)
            }
            _ => return Err(not_understood("neither a list nor an object", body)),
        };
        let users = items
            .iter()
            .map(|u| SecurIdUser::from_body(u.to_string().as_bytes()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(UserSearch { users, total })
    }
}

/// The status a user is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UserStatus {
    Enabled,
    Disabled,
}

impl UserStatus {
    /// The value `userStatus` takes.
    pub fn wire(self) -> &'static str {
        match self {
            UserStatus::Enabled => "Enabled",
            UserStatus::Disabled => "Disabled",
        }
    }

    /// The body of `PUT users/{id}/userStatus`.
    pub fn body(self) -> Value {
        json!({ "userStatus": self.wire() })
    }
}

/// The unit of an emergency tokencode's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ValidityUnit {
    Days,
    Hours,
    Minutes,
}

impl ValidityUnit {
    fn minutes(self) -> u64 {
        match self {
            ValidityUnit::Days => 24 * 60,
            ValidityUnit::Hours => 60,
            ValidityUnit::Minutes => 1,
        }
    }

    /// The value `expiryUnit` takes.
    pub fn wire(self) -> &'static str {
        match self {
            ValidityUnit::Days => "days",
            ValidityUnit::Hours => "hours",
            ValidityUnit::Minutes => "minutes",
        }
    }
}

/// Issue a user an emergency tokencode: valid for `value` `unit`s (1 minute to 7 days; 1 day
/// when not given), one-time or reusable until it expires (reusable when not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmergencyCodeRequest {
    #[ts(optional)]
    pub unit: Option<ValidityUnit>,
    #[ts(optional)]
    pub value: Option<u32>,
    #[serde(default)]
    pub one_time: bool,
}

/// An emergency code request as checked: what will be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmergencyValidity {
    pub unit: ValidityUnit,
    pub value: u32,
    pub one_time: bool,
}

impl EmergencyCodeRequest {
    /// Checks the validity lies between 1 minute and 7 days.
    pub fn validate(&self) -> Result<EmergencyValidity, Error> {
        let (unit, value) = match (self.unit, self.value) {
            (None, None) => (ValidityUnit::Days, 1),
            (Some(u), Some(v)) => (u, v),
            (Some(u), None) => (u, 1),
            (None, Some(_)) => {
                return Err(Error::input(
                    Field::Validity,
                    "needs its unit: days, hours or minutes",
                ))
            }
        };
        let minutes = u64::from(value) * unit.minutes();
        if !(1..=7 * 24 * 60).contains(&minutes) {
            return Err(Error::input(
                Field::Validity,
                "must be between 1 minute and 7 days",
            ));
        }
        Ok(EmergencyValidity {
            unit,
            value,
            one_time: self.one_time,
        })
    }
}

impl EmergencyValidity {
    /// The body of the v2 call.
    pub fn v2_body(&self) -> Value {
        json!({
            "oneTimeUse": self.one_time,
            "expiryUnit": self.unit.wire(),
            "expiryValue": self.value,
        })
    }

    /// The body of the v1 call (whole days only, the tenant's one-time setting), or `None`
    /// when v1 cannot express this request.
    pub fn v1_body(&self) -> Option<Value> {
        (self.unit == ValidityUnit::Days && !self.one_time)
            .then(|| json!({ "expirationDays": self.value.to_string() }))
    }

    /// In words: "1 day, reusable".
    pub fn words(&self) -> String {
        let unit = match (self.unit, self.value) {
            (ValidityUnit::Days, 1) => "day",
            (ValidityUnit::Days, _) => "days",
            (ValidityUnit::Hours, 1) => "hour",
            (ValidityUnit::Hours, _) => "hours",
            (ValidityUnit::Minutes, 1) => "minute",
            (ValidityUnit::Minutes, _) => "minutes",
        };
        let reuse = if self.one_time {
            "one-time"
        } else {
            "reusable until it expires"
        };
        format!("{} {unit}, {reuse}", self.value)
    }
}

/// A credential shown to the administrator once (to pass on to the user), then forgotten:
/// serialises to its value — only the one display may serialise it —, `Debug` shows `***`.
#[derive(Clone, PartialEq, Eq, TS)]
#[ts(type = "string")]
pub struct ShownOnce(Secret);

impl ShownOnce {
    /// The value, for the one display.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl Serialize for ShownOnce {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose())
    }
}

impl std::fmt::Debug for ShownOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShownOnce(***)")
    }
}

/// An emergency tokencode as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct EmergencyCode {
    /// The code itself: give it to the user; shown once, recorded nowhere.
    pub code: ShownOnce,
    pub id: Option<String>,
    /// When it stops working online (as the server wrote it).
    pub expires_at: Option<String>,
    /// When it stops working offline (MFA Agent for Windows).
    pub offline_expires_at: Option<String>,
    /// Whether it works once only, when the server said.
    pub one_time: Option<bool>,
}

impl EmergencyCode {
    /// Reads an enable answer; the code is required.
    pub fn from_body(body: &[u8]) -> Result<Self, TransportError> {
        let m = object(body)?;
        let code =
            text(&m, "emergencyTokencode").ok_or_else(|| TransportError::UnexpectedAnswer {
                service: SERVICE.into(),
                reason: "no emergencyTokencode in the answer".into(),
                // The answer holds a credential: never quoted.
                excerpt: String::new(),
            })?;
        let one_time = match m.get("oneTimeUse") {
            Some(Value::Bool(b)) => Some(*b),
            _ => m
                .get("configurationsUsed")
                .and_then(|c| c.get("oneTimeUse"))
                .and_then(Value::as_bool),
        };
        Ok(EmergencyCode {
            code: ShownOnce(Secret::new(code)),
            id: text(&m, "emergencyTokencodeId"),
            expires_at: text(&m, "expirationDate"),
            offline_expires_at: text(&m, "offlineExpirationDate"),
            one_time,
        })
    }
}

/// An authenticator of a user (a phone app, a FIDO key, a SID700 hardware token).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Authenticator {
    /// `devices`, `fidoTokens` or `sidTokens`: which list it came in.
    pub group: String,
    pub name: Option<String>,
    pub device_type: Option<String>,
    /// The hardware token's serial, for a SID700.
    pub serial: Option<String>,
    /// `tokenStatus` or `status` as sent ("Enabled", "Disabled", ...).
    pub status: Option<String>,
    pub registered: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

/// The methods bound to a SecurID user: who, and their authenticators.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SecurIdMethods {
    pub user: SecurIdUser,
    pub authenticators: Vec<Authenticator>,
}

impl Authenticator {
    fn from_value(group: &str, v: &Value) -> Option<Self> {
        let mut m = v.as_object()?.clone();
        let take = |m: &mut Map<String, Value>, keys: &[&str]| {
            keys.iter().find_map(|k| {
                let t = text(m, k);
                m.remove(*k);
                t
            })
        };
        Some(Authenticator {
            group: group.to_owned(),
            name: take(&mut m, &["name", "deviceName"]),
            device_type: take(&mut m, &["deviceType"]),
            serial: take(&mut m, &["tokenSerialNumber", "deviceSerialNumber"]),
            status: take(&mut m, &["tokenStatus", "status", "tokenState"]),
            registered: take(&mut m, &["registeredDate", "assignedAt"]),
            extra: m,
        })
    }

    /// Reads a `v2/users/{id}/devices` answer: `{devices, fidoTokens, sidTokens}` (or a bare
    /// list).
    pub fn list_from_body(body: &[u8]) -> Result<Vec<Self>, TransportError> {
        let value: Value =
            serde_json::from_slice(body).map_err(|_| not_understood("not valid JSON", body))?;
        let mut out = Vec::new();
        match &value {
            Value::Array(items) => {
                out.extend(items.iter().filter_map(|v| Self::from_value("devices", v)));
            }
            Value::Object(m) => {
                for group in ["devices", "fidoTokens", "sidTokens"] {
                    if let Some(items) = m.get(group).and_then(Value::as_array) {
                        out.extend(items.iter().filter_map(|v| Self::from_value(group, v)));
                    }
                }
            }
            _ => return Err(not_understood("neither a list nor an object", body)),
        }
        Ok(out)
    }
}

/// A SID700 hardware token by serial (lookup, assign, unassign).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HardwareTokenRequest {
    pub serial: String,
    /// The name to give it when assigning (the serial when absent).
    #[ts(optional)]
    pub name: Option<String>,
}

impl HardwareTokenRequest {
    /// Checks the serial (the number on the back of the token: up to 36 characters) and the
    /// name (up to 255).
    pub fn validate(&self) -> Result<Self, Error> {
        let serial = validate::serial(&self.serial)?;
        if serial.chars().count() > 36 {
            return Err(Error::input(Field::Serial, "must be at most 36 characters"));
        }
        let name = match self.name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => {
                if n.chars().count() > 255 || n.chars().any(char::is_control) {
                    return Err(Error::input(
                        Field::TokenName,
                        "must be at most 255 characters on one line",
                    ));
                }
                Some(n.to_owned())
            }
            _ => None,
        };
        Ok(HardwareTokenRequest { serial, name })
    }

    /// `{"tokenSerialNumber"}` (lookup, unassign).
    pub fn serial_body(&self) -> Value {
        json!({ "tokenSerialNumber": self.serial })
    }

    /// `{"tokenSerialNumber", "tokenName"?}` (assign).
    pub fn assign_body(&self) -> Value {
        let mut body = self.serial_body();
        if let Some(n) = &self.name {
            body["tokenName"] = Value::String(n.clone());
        }
        body
    }
}

/// A SID700 hardware token as the server describes it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HardwareToken {
    pub serial: String,
    /// `tokenStatus` ("Enabled", "Disabled") as sent.
    pub status: Option<String>,
    /// `tokenState` ("Assigned", "Unassigned") as sent.
    pub state: Option<String>,
    /// The user it is assigned to; none when unassigned.
    pub user_id: Option<String>,
    pub name: Option<String>,
    pub expiry_date: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub extra: Map<String, Value>,
}

impl HardwareToken {
    /// Reads a lookup, assign or unassign answer; the serial asked for stands in when the
    /// answer lacks one.
    pub fn from_body(body: &[u8], serial: &str) -> Result<Self, TransportError> {
        let mut m = object(body)?;
        let mut take = |k: &str| {
            let t = text(&m, k);
            m.remove(k);
            t
        };
        Ok(HardwareToken {
            serial: take("tokenSerialNumber").unwrap_or_else(|| serial.to_owned()),
            status: take("tokenStatus"),
            state: take("tokenState"),
            user_id: take("userId"),
            name: take("name").or_else(|| take("tokenName")),
            expiry_date: take("expiryDate"),
            extra: m,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_are_checked_and_read_in_either_shape() {
        let r = |t: &str, n| SearchUsersRequest {
            email_like: t.into(),
            page_size: n,
        };
        assert_eq!(r(" corp ", None).validate().unwrap(), ("corp".into(), 25));
        assert!(r("", None).validate().is_err());
        assert!(r("a", Some(26)).validate().is_err());
        assert!(r("a", Some(0)).validate().is_err());
        let list = br#"[{"id":"1","emailAddress":"a@corp"},{"id":"2","emailAddress":"b@corp"}]"#;
        assert_eq!(UserSearch::from_body(list).unwrap().users.len(), 2);
        let paged = br#"{"totalElements":7,"elements":[{"id":"1"}]}"#;
        let s = UserSearch::from_body(paged).unwrap();
        assert_eq!((s.users.len(), s.total), (1, Some(7)));
        assert!(UserSearch::from_body(b"{}").is_err());
    }

    #[test]
    fn emergency_validity_is_one_minute_to_seven_days() {
        let r = |unit, value, one_time| EmergencyCodeRequest {
            unit,
            value,
            one_time,
        };
        let d = r(None, None, false).validate().unwrap();
        assert_eq!((d.unit, d.value), (ValidityUnit::Days, 1));
        assert_eq!(d.v1_body(), Some(json!({"expirationDays": "1"})));
        assert_eq!(
            d.v2_body(),
            json!({"oneTimeUse": false, "expiryUnit": "days", "expiryValue": 1})
        );
        assert!(r(Some(ValidityUnit::Days), Some(8), false)
            .validate()
            .is_err());
        assert!(r(Some(ValidityUnit::Hours), Some(168), false)
            .validate()
            .is_ok());
        assert!(r(Some(ValidityUnit::Minutes), Some(0), false)
            .validate()
            .is_err());
        assert!(r(None, Some(3), false).validate().is_err());
        let h = r(Some(ValidityUnit::Hours), Some(4), true)
            .validate()
            .unwrap();
        assert_eq!(h.v1_body(), None, "v1 has whole days only");
        assert_eq!(h.words(), "4 hours, one-time");
    }

    #[test]
    fn the_emergency_code_is_never_in_debug_and_never_quoted() {
        let body = br#"{"emergencyTokencodeId":"e1","emergencyTokencode":"CANARY-EAC-19","expirationDate":"2026-12-01T00:00:00Z"}"#;
        let c = EmergencyCode::from_body(body).unwrap();
        assert_eq!(c.code.expose(), "CANARY-EAC-19");
        assert!(!format!("{c:?}").contains("CANARY"));
        assert_eq!(serde_json::to_value(&c).unwrap()["code"], "CANARY-EAC-19");
        let e = EmergencyCode::from_body(br#"{"x":"CANARY-EAC-19"}"#).unwrap_err();
        assert!(!format!("{e:?}{e}").contains("CANARY"));
    }

    #[test]
    fn authenticators_and_hardware_tokens_are_read() {
        let body = br#"{"devices":[{"name":"Pixel","deviceType":"ANDROID"}],"fidoTokens":[],"sidTokens":[{"tokenSerialNumber":"000123","tokenStatus":"Enabled"}]}"#;
        let a = Authenticator::list_from_body(body).unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].serial.as_deref(), Some("000123"));
        assert_eq!(a[1].group, "sidTokens");
        let t = HardwareToken::from_body(
            br#"{"tokenSerialNumber":"000123","tokenStatus":"Enabled","userId":null}"#,
            "000123",
        )
        .unwrap();
        assert_eq!((t.status.as_deref(), t.user_id), (Some("Enabled"), None));
        let req = HardwareTokenRequest {
            serial: " 000123 ".into(),
            name: Some("Alice's token".into()),
        }
        .validate()
        .unwrap();
        assert_eq!(
            req.assign_body(),
            json!({"tokenSerialNumber": "000123", "tokenName": "Alice's token"})
        );
        let long = HardwareTokenRequest {
            serial: "1".repeat(37),
            name: None,
        };
        assert!(long.validate().is_err());
    }
}
