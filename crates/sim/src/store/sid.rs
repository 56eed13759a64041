//! State of the SecurID help-desk calls: user search and status, emergency tokencodes and
//! SID700 hardware tokens.

use rusqlite::{params, Row, Transaction};
use serde::Serialize;

use super::{
    find_securid, save_securid, SecurIdLookup, SecurIdUser, Store, StoreError, SECURID_COLUMNS,
};
use crate::fixture::{Fixture, SecurIdStatus};

/// When the fixture's SID700 tokens were registered (2026-01-01T00:00:00Z) and when they
/// expire (2031-01-31T00:00:00Z): fixed, so every start shows the same dates.
const SID_REGISTERED: i64 = 1_767_225_600;
const SID_EXPIRES: i64 = 1_927_584_000;

/// The tenant's emergency tokencode settings (applied when a request leaves them out).
pub const DEFAULT_EMERGENCY_MINUTES: u64 = 24 * 60;
pub const DEFAULT_EMERGENCY_ONE_TIME: bool = false;

pub(super) fn seed(tx: &Transaction, fixture: &Fixture) -> rusqlite::Result<()> {
    for token in &fixture.sid_tokens {
        let assigned = token.user.is_some();
        tx.execute(
            "INSERT OR IGNORE INTO securid_sid_tokens (serial, name, user_id, status, \
             registered_at, assigned_at, assigned_by, status_changed_at, expires_at) \
             VALUES (?1, ?2, (SELECT id FROM securid_users WHERE username = ?3), ?4, ?5, ?6, ?7, ?5, ?8)",
            params![
                token.serial,
                token.name.clone().unwrap_or_else(|| token.serial.clone()),
                token.user,
                token.status.as_str(),
                SID_REGISTERED,
                assigned.then_some(SID_REGISTERED),
                assigned.then_some("practice fixture"),
                SID_EXPIRES,
            ],
        )?;
    }
    Ok(())
}

/// `2026-11-29T06:25:00.000Z` for a time in seconds since the epoch (UTC).
pub fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A SID700 hardware token as the lookup call and the practice panel show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SidTokenView {
    pub token_serial_number: String,
    pub device_type: &'static str,
    pub name: String,
    /// `Enabled` or `Disabled`.
    pub token_status: SecurIdStatus,
    /// `Assigned` or `Unassigned`.
    pub token_state: &'static str,
    pub user_id: Option<String>,
    pub assigned_by: Option<String>,
    pub assigned_at: Option<String>,
    pub registered_date: String,
    pub token_status_changed_at: String,
    pub expiry_date: String,
    pub pin_set: bool,
}

const SID_COLUMNS: &str = "serial, name, user_id, status, registered_at, assigned_at, \
                           assigned_by, status_changed_at, expires_at";

fn sid_from_row(row: &Row) -> rusqlite::Result<SidTokenView> {
    let user_id: Option<String> = row.get(2)?;
    let status: String = row.get(3)?;
    Ok(SidTokenView {
        token_serial_number: row.get(0)?,
        device_type: "SID700",
        name: row.get(1)?,
        token_status: SecurIdStatus::parse(&status).unwrap_or_default(),
        token_state: if user_id.is_some() {
            "Assigned"
        } else {
            "Unassigned"
        },
        user_id,
        assigned_by: row.get(6)?,
        assigned_at: row.get::<_, Option<i64>>(5)?.map(iso8601),
        registered_date: iso8601(row.get(4)?),
        token_status_changed_at: iso8601(row.get(7)?),
        expiry_date: iso8601(row.get(8)?),
        pin_set: false,
    })
}

fn sid_tokens_where(
    tx: &Transaction,
    condition: &str,
    value: &str,
) -> rusqlite::Result<Vec<SidTokenView>> {
    let sql =
        format!("SELECT {SID_COLUMNS} FROM securid_sid_tokens WHERE {condition} ORDER BY serial");
    let tokens = tx
        .prepare(&sql)?
        .query_map([value], sid_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(tokens)
}

fn sid_token(tx: &Transaction, serial: &str) -> Result<SidTokenView, StoreError> {
    sid_tokens_where(tx, "serial = ?1", serial)?
        .pop()
        .ok_or_else(|| StoreError::UnknownToken(serial.to_owned()))
}

/// What an emergency tokencode request asks for, after the tenant defaults are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmergencyRequest {
    /// Valid for this many minutes (1 minute to 7 days).
    pub minutes: u64,
    pub one_time: bool,
    /// Which route issued it: 1 or 2.
    pub api: u8,
}

/// An emergency tokencode as issued (and as the practice panel shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmergencyCodeView {
    pub user_id: String,
    pub username: String,
    pub emergency_tokencode_id: String,
    /// The code (practice data: the panel shows it so tests can use it).
    pub emergency_tokencode: String,
    /// `v1` or `v2`: the route that issued it.
    pub api: String,
    pub issued_at: String,
    pub expiration_date: String,
    pub offline_expiration_date: String,
    pub one_time_use: bool,
    /// When it was last used to sign in (practice login).
    pub last_used_at: Option<String>,
    /// It can still sign in: not expired, and not used when one-time.
    pub usable: bool,
    #[serde(skip)]
    expires_at: i64,
}

fn emergency_from_row(row: &Row, now: i64) -> rusqlite::Result<EmergencyCodeView> {
    let expires_at: i64 = row.get(6)?;
    let one_time: bool = row.get(8)?;
    let used_at: Option<i64> = row.get(9)?;
    Ok(EmergencyCodeView {
        user_id: row.get(0)?,
        username: row.get(1)?,
        emergency_tokencode_id: row.get(2)?,
        emergency_tokencode: row.get(3)?,
        api: row.get(4)?,
        issued_at: iso8601(row.get(5)?),
        expiration_date: iso8601(expires_at),
        offline_expiration_date: iso8601(row.get(7)?),
        one_time_use: one_time,
        last_used_at: used_at.map(iso8601),
        usable: now < expires_at && !(one_time && used_at.is_some()),
        expires_at,
    })
}

fn emergency_codes(
    tx: &Transaction,
    user_id: Option<&str>,
    now: i64,
) -> rusqlite::Result<Vec<EmergencyCodeView>> {
    let sql = "SELECT e.user_id, u.username, e.id, e.code, e.api, e.issued_at, e.expires_at, \
               e.offline_expires_at, e.one_time, e.used_at \
               FROM securid_emergency_codes e JOIN securid_users u ON u.id = e.user_id \
               WHERE ?1 IS NULL OR e.user_id = ?1 ORDER BY u.username";
    let codes = tx
        .prepare(sql)?
        .query_map([user_id], |r| emergency_from_row(r, now))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(codes)
}

fn random_id() -> String {
    let n: u128 = rand::random();
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

impl Store {
    /// Users whose email contains `like` (without regard to case, literally: no wildcards),
    /// sorted by email; the first `page_size` and how many match in all.
    pub async fn securid_search(
        &self,
        like: String,
        page_size: u32,
    ) -> Result<(Vec<SecurIdUser>, u64), StoreError> {
        self.read(move |tx| {
            const MATCH: &str = "instr(lower(email), lower(?1)) > 0";
            let sql = format!(
                "SELECT {SECURID_COLUMNS} FROM securid_users WHERE {MATCH} \
                 ORDER BY email COLLATE NOCASE, email LIMIT ?2"
            );
            let users = tx
                .prepare(&sql)?
                .query_map(params![like, page_size], super::securid_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            let total: u64 = tx.query_row(
                &format!("SELECT count(*) FROM securid_users WHERE {MATCH}"),
                [&like],
                |r| r.get(0),
            )?;
            Ok((users, total))
        })
        .await
    }

    /// Enable or disable a user; setting the status it already has is a conflict, and so is
    /// changing a user marked deleted.
    pub async fn securid_set_status(
        &self,
        id: String,
        status: SecurIdStatus,
    ) -> Result<SecurIdUser, StoreError> {
        self.write(move |tx| {
            let mut user = find_securid(tx, &SecurIdLookup::Id(id))?;
            if user.mark_deleted {
                return Err(StoreError::Conflict(
                    "the user is marked for deletion".into(),
                ));
            }
            if user.status == status {
                return Err(StoreError::Conflict(format!(
                    "the user is already {}",
                    status.as_str()
                )));
            }
            user.status = status;
            save_securid(tx, &user)?;
            Ok(user)
        })
        .await
    }

    /// Issue a new emergency tokencode (replacing the user's previous one).
    pub async fn securid_issue_emergency(
        &self,
        id: String,
        request: EmergencyRequest,
        now: i64,
    ) -> Result<EmergencyCodeView, StoreError> {
        self.write(move |tx| {
            let user = find_securid(tx, &SecurIdLookup::Id(id))?;
            let code = format!("{:08}", rand::random_range(0..100_000_000u32));
            let expires = now + (request.minutes * 60) as i64;
            tx.execute(
                "INSERT OR REPLACE INTO securid_emergency_codes (user_id, id, code, api, \
                 issued_at, expires_at, offline_expires_at, one_time, used_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, NULL)",
                params![
                    user.id,
                    random_id(),
                    code,
                    format!("v{}", request.api),
                    now,
                    expires,
                    request.one_time
                ],
            )?;
            emergency_codes(tx, Some(&user.id), now)?
                .pop()
                .ok_or(StoreError::TaskFailed)
        })
        .await
    }

    /// Every emergency tokencode issued (one per user: the latest).
    pub async fn securid_emergency_codes(
        &self,
        now: i64,
    ) -> Result<Vec<EmergencyCodeView>, StoreError> {
        self.read(move |tx| Ok(emergency_codes(tx, None, now)?))
            .await
    }

    /// Practice sign-in with an emergency tokencode: `Ok(Err(why))` when it is refused.
    pub async fn securid_emergency_login(
        &self,
        who: String,
        code: String,
        now: i64,
    ) -> Result<Result<EmergencyCodeView, &'static str>, StoreError> {
        self.write(move |tx| {
            let user = find_securid(tx, &SecurIdLookup::Any(who))?;
            if user.status == SecurIdStatus::Disabled {
                return Ok(Err("the user is disabled"));
            }
            let Some(current) = emergency_codes(tx, Some(&user.id), now)?.pop() else {
                return Ok(Err("no emergency tokencode was issued"));
            };
            if current.emergency_tokencode != code.trim() {
                return Ok(Err("wrong emergency tokencode"));
            }
            if now >= current.expires_at {
                return Ok(Err("the emergency tokencode has expired"));
            }
            if !current.usable {
                return Ok(Err("the one-time emergency tokencode was used already"));
            }
            tx.execute(
                "UPDATE securid_emergency_codes SET used_at = ?1 WHERE user_id = ?2",
                params![now, user.id],
            )?;
            Ok(Ok(emergency_codes(tx, Some(&user.id), now)?
                .pop()
                .ok_or(StoreError::TaskFailed)?))
        })
        .await
    }

    /// One SID700 token by serial.
    pub async fn securid_sid_token(&self, serial: String) -> Result<SidTokenView, StoreError> {
        self.read(move |tx| sid_token(tx, &serial)).await
    }

    /// Every SID700 token, assigned or in stock.
    pub async fn securid_sid_tokens(&self) -> Result<Vec<SidTokenView>, StoreError> {
        self.read(|tx| Ok(sid_tokens_where(tx, "?1 = ?1", "")?))
            .await
    }

    /// The user and the SID700 tokens assigned to them.
    pub async fn securid_user_sid_tokens(
        &self,
        id: String,
    ) -> Result<(SecurIdUser, Vec<SidTokenView>), StoreError> {
        self.read(move |tx| {
            let user = find_securid(tx, &SecurIdLookup::Id(id))?;
            let tokens = sid_tokens_where(tx, "user_id = ?1", &user.id)?;
            Ok((user, tokens))
        })
        .await
    }

    /// Assign an unassigned SID700 token to a user (assigned to anyone → conflict).
    pub async fn securid_assign(
        &self,
        id: String,
        serial: String,
        name: Option<String>,
        by: String,
        now: i64,
    ) -> Result<SidTokenView, StoreError> {
        self.write(move |tx| {
            let user = find_securid(tx, &SecurIdLookup::Id(id))?;
            let token = sid_token(tx, &serial)?;
            match token.user_id {
                Some(owner) if owner == user.id => {
                    return Err(StoreError::Conflict(
                        "the token is already assigned to this user".into(),
                    ))
                }
                Some(_) => {
                    return Err(StoreError::Conflict(
                        "the token is assigned to another user".into(),
                    ))
                }
                None => {}
            }
            tx.execute(
                "UPDATE securid_sid_tokens SET user_id = ?1, name = ?2, assigned_at = ?3, \
                 assigned_by = ?4 WHERE serial = ?5",
                params![
                    user.id,
                    name.unwrap_or_else(|| serial.clone()),
                    now,
                    by,
                    serial
                ],
            )?;
            sid_token(tx, &serial)
        })
        .await
    }

    /// Unassign a SID700 token from the user it is assigned to (anyone else → conflict).
    pub async fn securid_unassign(
        &self,
        id: String,
        serial: String,
    ) -> Result<SidTokenView, StoreError> {
        self.write(move |tx| {
            let user = find_securid(tx, &SecurIdLookup::Id(id))?;
            let token = sid_token(tx, &serial)?;
            if token.user_id.as_deref() != Some(user.id.as_str()) {
                return Err(StoreError::Conflict(
                    "the token is not assigned to this user".into(),
                ));
            }
            tx.execute(
                "UPDATE securid_sid_tokens SET user_id = NULL, assigned_at = NULL, \
                 assigned_by = NULL WHERE serial = ?1",
                [&serial],
            )?;
            sid_token(tx, &serial)
        })
        .await
    }

    /// Whether the practice switch hides the v2 emergency tokencode route.
    pub async fn securid_emergency_v2_missing(&self) -> Result<bool, StoreError> {
        Ok(self.switches().await?.securid_emergency_v2_missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso8601_utc() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(SID_REGISTERED), "2026-01-01T00:00:00.000Z");
        assert_eq!(iso8601(SID_EXPIRES), "2031-01-31T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400 + 3_723), "2000-02-29T01:02:03.000Z");
    }

    #[tokio::test]
    async fn an_emergency_tokencode_stops_at_its_expiry() {
        let store = Store::open(&crate::store::DbLocation::Memory, &Fixture::demo()).unwrap();
        let trent = crate::fixture::derived_securid_id("trent");
        let issued_at = 1_800_000_000;
        let request = EmergencyRequest {
            minutes: 1,
            one_time: false,
            api: 2,
        };
        let code = store
            .securid_issue_emergency(trent, request, issued_at)
            .await
            .unwrap();
        assert_eq!(code.expiration_date, iso8601(issued_at + 60));
        let login = |at: i64| {
            let (store, code) = (store.clone(), code.emergency_tokencode.clone());
            async move {
                store
                    .securid_emergency_login("trent".into(), code, at)
                    .await
                    .unwrap()
            }
        };
        assert!(login(issued_at + 59).await.is_ok());
        assert!(login(issued_at + 59).await.is_ok(), "reusable");
        assert_eq!(
            login(issued_at + 60).await,
            Err("the emergency tokencode has expired")
        );
        let listed = store.securid_emergency_codes(issued_at + 60).await.unwrap();
        assert!(!listed[0].usable);
        assert_eq!(
            listed[0].last_used_at.as_deref(),
            Some(iso8601(issued_at + 59).as_str())
        );
    }

    #[test]
    fn ids_look_like_uuids() {
        let id = random_id();
        assert!(crate::fixture::is_securid_id(&id), "{id}");
        assert_ne!(id, random_id());
    }
}
