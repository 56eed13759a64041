//! A help-desk case: the steps of one guided flow (a lost or replaced token) share its id in
//! the audit log, with the ticket number the administrator gave. The id is carried by the
//! task that runs the steps ([`Case::scope`]), so every action recorded inside it — whatever
//! operation — is written with the case's id and ticket, and no operation needs a parameter
//! for it.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::error::Error;
use crate::vocab::Field;

/// Longest ticket number accepted.
pub const MAX_TICKET_CHARS: usize = 64;

tokio::task_local! {
    static CURRENT: Case;
}

/// A case's id and its ticket number, as recorded with each of its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Case {
    /// `case-YYYYMMDD-HHMMSS-xxxxxx`: when it was opened, and six hex digits that tell
    /// cases opened in the same second apart.
    pub id: String,
    /// The help-desk ticket the case answers, when the administrator gave one.
    pub ticket: Option<String>,
}

impl Case {
    /// A new case with a fresh id, for the (checked) ticket number.
    pub fn open(ticket: Option<&str>) -> Result<Case, Error> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let ticket = check_ticket(ticket)?;
        let now = time::OffsetDateTime::now_utc();
        let mut h = Sha256::new();
        h.update(now.unix_timestamp_nanos().to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
        let stamp = now
            .format(time::macros::format_description!(
                "[year][month][day]-[hour][minute][second]"
            ))
            .unwrap_or_default();
        Ok(Case {
            id: format!("case-{stamp}-{}", &hex::encode(h.finalize())[..6]),
            ticket,
        })
    }

    /// Checks a case handed back by a surface (the id as [`Case::open`] makes them, the
    /// ticket by its rule); returns it trimmed.
    pub fn check(&self) -> Result<Case, Error> {
        let id = self.id.trim();
        let well_formed = id.len() <= 40
            && id.starts_with("case-")
            && id
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || "case-".contains(c));
        if !well_formed {
            return Err(Error::input(
                Field::CaseId,
                "must be a case id as TokenDesk made it (case-YYYYMMDD-HHMMSS-xxxxxx)",
            ));
        }
        Ok(Case {
            id: id.to_owned(),
            ticket: check_ticket(self.ticket.as_deref())?,
        })
    }

    /// Runs `f` with this case as the current one: every action recorded inside carries it.
    pub async fn scope<F: Future>(self, f: F) -> F::Output {
        CURRENT.scope(self, f).await
    }

    /// The case of the running task, if it runs inside [`Case::scope`].
    pub(crate) fn current() -> Option<Case> {
        CURRENT.try_with(Clone::clone).ok()
    }
}

/// Runs `f` inside `case` (checked first: a malformed case sends nothing), or as it is when
/// there is none.
pub async fn in_case<T>(
    case: Option<&Case>,
    f: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    match case {
        Some(c) => c.check()?.scope(f).await,
        None => f.await,
    }
}

/// A ticket number: trimmed, empty is none; at most 64 characters of letters, digits and
/// `- _ . / # :`.
fn check_ticket(raw: Option<&str>) -> Result<Option<String>, Error> {
    let Some(t) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > MAX_TICKET_CHARS
        || !t
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./#:".contains(c))
    {
        return Err(Error::input(
            Field::Ticket,
            format!("must be at most {MAX_TICKET_CHARS} letters, digits and - _ . / # :"),
        ));
    }
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fresh_and_well_formed_and_tickets_are_checked() {
        let a = Case::open(Some(" INC-42 ")).unwrap();
        let b = Case::open(None).unwrap();
        assert_ne!(a.id, b.id);
        assert_eq!(a.ticket.as_deref(), Some("INC-42"));
        assert_eq!(a.check().unwrap(), a);
        assert_eq!(Case::open(Some("  ")).unwrap().ticket, None);
        let e = Case::open(Some("INC 42; drop")).unwrap_err();
        assert!(e.to_string().starts_with("Ticket number:"), "{e}");
        let forged = Case {
            id: "case-x'; --".into(),
            ticket: None,
        };
        assert!(forged
            .check()
            .unwrap_err()
            .to_string()
            .starts_with("Case id:"));
    }

    #[tokio::test]
    async fn the_case_is_current_only_inside_its_scope() {
        let c = Case::open(None).unwrap();
        assert_eq!(Case::current(), None);
        let inside = in_case(Some(&c), async { Ok(Case::current()) })
            .await
            .unwrap();
        assert_eq!(inside, Some(c));
        assert_eq!(Case::current(), None);
    }
}
