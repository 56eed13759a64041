//! State of the CENTAGATE help-desk calls: the tokens the unregister / status calls address
//! (by their own `type` numbering), account locks and status, and the practice switches.
//!
//! What each `type` addresses in the sim:
//! - 1 mobile: the user's mobile device (`device` of `user/auth/list`), status in its
//!   `status` (0 deactivated, 1 active, 2 pending, 3 temporarily deactivated);
//! - 2 SMS: the user's phone;
//! - 3 challenge-response: nothing (the sim has no such tokens);
//! - 4 PKI: the user's certificates together, status in `users.pki_status` (null = valid);
//!
//! unless the practice switch `otpTokenType` names that number: then it addresses the user's
//! hardware OTP token instead (which type does is not published by the vendor).

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::{load_user, save_token, user_phone, user_token, Store, StoreError};
use crate::codes::Code;
use crate::fixture::{Fixture, PhoneStatus, UserStatus};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS securid_sid_tokens (
    serial            TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    user_id           TEXT REFERENCES securid_users(id) ON DELETE SET NULL,
    status            TEXT NOT NULL,
    registered_at     INTEGER NOT NULL,
    assigned_at       INTEGER,
    assigned_by       TEXT,
    status_changed_at INTEGER NOT NULL,
    expires_at        INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS securid_emergency_codes (
    user_id            TEXT PRIMARY KEY REFERENCES securid_users(id) ON DELETE CASCADE,
    id                 TEXT NOT NULL,
    code               TEXT NOT NULL,
    api                TEXT NOT NULL,
    issued_at          INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    offline_expires_at INTEGER NOT NULL,
    one_time           INTEGER NOT NULL,
    used_at            INTEGER
);
";

/// Create the help-desk tables and add the columns a database from before them lacks.
pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('users')")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if !columns.iter().any(|c| c == "locked") {
        conn.execute_batch("ALTER TABLE users ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;")?;
    }
    if !columns.iter().any(|c| c == "pki_status") {
        conn.execute_batch("ALTER TABLE users ADD COLUMN pki_status INTEGER;")?;
    }
    Ok(())
}

/// Seed account locks and SID700 tokens (a new database or a reset).
pub(super) fn seed(tx: &Transaction, fixture: &Fixture) -> rusqlite::Result<()> {
    for user in fixture.users.iter().filter(|u| u.locked) {
        tx.execute(
            "UPDATE users SET locked = 1 WHERE username = ?1",
            [&user.username],
        )?;
    }
    super::sid::seed(tx, fixture)
}

/// A database seeded before the help-desk calls gets the fixture's SID700 tokens and account
/// locks once, for the users it still has.
pub(super) fn seed_older(
    tx: &Transaction,
    fixture: &Fixture,
    seeded_before: bool,
) -> rusqlite::Result<()> {
    let done: Option<String> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'helpdesk_seeded'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if done.is_none() {
        if seeded_before {
            seed(tx, fixture)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('helpdesk_seeded', '1')",
            [],
        )?;
    }
    Ok(())
}

/// Practice switches (`GET`/`POST /practice/switches`); a reset puts the defaults back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Switches {
    /// Which `type` (1-4) of the unregister / status calls addresses the user's hardware OTP
    /// token; `None` (the default): none does.
    #[serde(default)]
    pub otp_token_type: Option<u8>,
    /// The SecurID v2 emergency tokencode route answers 404 (as on a tenant without v2),
    /// so the v1 fallback can be practised.
    #[serde(default)]
    pub securid_emergency_v2_missing: bool,
}

const SWITCH_OTP_TYPE: &str = "switch.otp_token_type";
const SWITCH_NO_V2_EMERGENCY: &str = "switch.securid_emergency_v2_missing";

fn meta(tx: &Transaction, key: &str) -> rusqlite::Result<Option<String>> {
    tx.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub(super) fn switches(tx: &Transaction) -> rusqlite::Result<Switches> {
    Ok(Switches {
        otp_token_type: meta(tx, SWITCH_OTP_TYPE)?.and_then(|v| v.parse().ok()),
        securid_emergency_v2_missing: meta(tx, SWITCH_NO_V2_EMERGENCY)?.is_some(),
    })
}

/// What a `type` addresses for one user, if they have it.
enum Held {
    Otp(crate::token::Token),
    Device(crate::fixture::DeviceSpec),
    Phone(PhoneStatus),
    Certs(u8),
}

/// The answer when the user has no token of `kind`: 36000 mobile, 26011 PKI, else 29001.
fn nothing_to_unregister(kind: u8, otp_type: Option<u8>) -> Code {
    match kind {
        _ if Some(kind) == otp_type => Code::TokenNotFound,
        1 => Code::DeviceNotFound,
        4 => Code::CertificateRevoked,
        _ => Code::TokenNotFound,
    }
}

fn held(
    tx: &Transaction,
    username: &str,
    kind: u8,
) -> Result<(Option<Held>, Option<u8>), StoreError> {
    let user = load_user(tx, username)?;
    let otp_type = switches(tx)?.otp_token_type;
    let held = if Some(kind) == otp_type {
        user_token(tx, username)?.map(Held::Otp)
    } else {
        match kind {
            1 => user.device.map(Held::Device),
            2 => user_phone(tx, username)?.map(|(_, status)| Held::Phone(status)),
            4 if !user.certs.is_empty() => {
                let status: Option<u8> = tx.query_row(
                    "SELECT pki_status FROM users WHERE username = ?1",
                    [username],
                    |r| r.get(0),
                )?;
                Some(Held::Certs(status.unwrap_or(2)))
            }
            _ => None,
        }
    };
    Ok((held, otp_type))
}

/// Device `status` ↔ the status number of these calls.
const DEVICE_STATUSES: [(u8, u8); 4] = [(2, 1), (1, 2), (3, 3), (0, 4)];
const PHONE_STATUSES: [(PhoneStatus, u8); 4] = [
    (PhoneStatus::Pending, 1),
    (PhoneStatus::Active, 2),
    (PhoneStatus::TempDeactivated, 3),
    (PhoneStatus::Deactivated, 4),
];

fn lookup<A: PartialEq + Copy, B: PartialEq + Copy>(table: &[(A, B)], a: A) -> Option<B> {
    table.iter().find(|(x, _)| *x == a).map(|(_, b)| *b)
}

fn swap<A: Copy, B: Copy>(table: &[(A, B)]) -> Vec<(B, A)> {
    table.iter().map(|(a, b)| (*b, *a)).collect()
}

impl Held {
    fn status(&self) -> u8 {
        match self {
            Held::Otp(token) => token.vendor_status(),
            Held::Device(device) => lookup(&DEVICE_STATUSES, device.status).unwrap_or(4),
            Held::Phone(status) => lookup(&PHONE_STATUSES, *status).unwrap_or(2),
            Held::Certs(status) => *status,
        }
    }
}

fn save_device(
    tx: &Transaction,
    username: &str,
    device: Option<&crate::fixture::DeviceSpec>,
) -> rusqlite::Result<()> {
    let text = device.map(|d| serde_json::to_string(d).unwrap_or_default());
    tx.execute(
        "UPDATE users SET device = ?1 WHERE username = ?2",
        params![text, username],
    )?;
    Ok(())
}

impl Store {
    /// `token/unregisterActiveToken`: remove the user's token of `kind` (it is gone from
    /// `user/auth/list`; a hardware OTP token goes back to stock, deactivated).
    pub async fn unregister_token(&self, username: String, kind: u8) -> Result<(), StoreError> {
        self.write(move |tx| {
            let (held, otp_type) = held(tx, &username, kind)?;
            match held.ok_or(StoreError::Refused(nothing_to_unregister(kind, otp_type)))? {
                Held::Otp(mut token) => {
                    token.owner = None;
                    token.status = crate::token::TokenStatus::Deactivated;
                    token.fail_count = 0;
                    save_token(tx, &token)?;
                }
                Held::Device(_) => save_device(tx, &username, None)?,
                Held::Phone(_) => {
                    tx.execute("DELETE FROM phones WHERE username = ?1", [&username])?;
                }
                Held::Certs(_) => {
                    tx.execute(
                        "UPDATE users SET certs = '[]', pki_status = NULL WHERE username = ?1",
                        [&username],
                    )?;
                }
            }
            Ok(())
        })
        .await
    }

    /// `token/getStatus`: 1 pending, 2 valid, 3 temporarily deactivated, 4 deactivated,
    /// 5 suspended; `None` when the user has no token of `kind`.
    pub async fn token_status(&self, username: String, kind: u8) -> Result<Option<u8>, StoreError> {
        self.read(move |tx| Ok(held(tx, &username, kind)?.0.map(|h| h.status())))
            .await
    }

    /// `token/update/token/status`: set `status` (1-4) on the user's token of `kind`
    /// (none → 29001).
    pub async fn set_token_status(
        &self,
        username: String,
        kind: u8,
        status: u8,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            let held = held(tx, &username, kind)?.0;
            let bad = || StoreError::Refused(Code::InvalidInput);
            match held.ok_or(StoreError::Refused(Code::TokenNotFound))? {
                Held::Otp(mut token) => {
                    if !token.set_vendor_status(status) {
                        return Err(bad());
                    }
                    save_token(tx, &token)?;
                }
                Held::Device(mut device) => {
                    device.status = lookup(&swap(&DEVICE_STATUSES), status).ok_or_else(bad)?;
                    save_device(tx, &username, Some(&device))?;
                }
                Held::Phone(_) => {
                    let phone = lookup(&swap(&PHONE_STATUSES), status).ok_or_else(bad)?;
                    tx.execute(
                        "UPDATE phones SET status = ?1 WHERE username = ?2",
                        params![phone.as_str(), username],
                    )?;
                }
                Held::Certs(_) => {
                    tx.execute(
                        "UPDATE users SET pki_status = ?1 WHERE username = ?2",
                        params![status, username],
                    )?;
                }
            }
            Ok(())
        })
        .await
    }

    /// `user/unlockUser`: unlock a locked account (not locked → 22016).
    pub async fn unlock_user(&self, username: String) -> Result<(), StoreError> {
        self.write(move |tx| {
            if !load_user(tx, &username)?.locked {
                return Err(StoreError::Refused(Code::UserNotLocked));
            }
            tx.execute(
                "UPDATE users SET locked = 0 WHERE username = ?1",
                [&username],
            )?;
            Ok(())
        })
        .await
    }

    /// `user/status/update`: activate or deactivate the account (a lock stays as it is).
    pub async fn set_user_status(&self, username: String, active: bool) -> Result<(), StoreError> {
        self.write(move |tx| {
            load_user(tx, &username)?;
            let status = if active {
                UserStatus::Active
            } else {
                UserStatus::Inactive
            };
            tx.execute(
                "UPDATE users SET status = ?1 WHERE username = ?2",
                params![status.as_str(), username],
            )?;
            Ok(())
        })
        .await
    }

    /// Practice control: lock a user account, as too many failed sign-ins would.
    pub async fn lock_user(&self, username: String) -> Result<(), StoreError> {
        self.write(move |tx| {
            load_user(tx, &username)?;
            tx.execute(
                "UPDATE users SET locked = 1 WHERE username = ?1",
                [&username],
            )?;
            Ok(())
        })
        .await
    }

    /// The practice switches now.
    pub async fn switches(&self) -> Result<Switches, StoreError> {
        self.read(|tx| Ok(switches(tx)?)).await
    }

    /// Set the practice switches (all of them).
    pub async fn set_switches(&self, new: Switches) -> Result<Switches, StoreError> {
        if new.otp_token_type.is_some_and(|t| !(1..=4).contains(&t)) {
            return Err(StoreError::Conflict(
                "otpTokenType must be 1, 2, 3, 4 or null".into(),
            ));
        }
        self.write(move |tx| {
            tx.execute("DELETE FROM meta WHERE key LIKE 'switch.%'", [])?;
            if let Some(t) = new.otp_token_type {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    params![SWITCH_OTP_TYPE, t.to_string()],
                )?;
            }
            if new.securid_emergency_v2_missing {
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES (?1, '1')",
                    [SWITCH_NO_V2_EMERGENCY],
                )?;
            }
            Ok(switches(tx)?)
        })
        .await
    }
}
