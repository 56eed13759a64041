//! The hash chain that makes the audit log tamper-evident: every event's hash covers the
//! hash before it and the event's own canonical content, so changing, inserting, removing
//! or reordering a stored event breaks the chain at a place `verify` can name.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The "previous hash" of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the format, so a hash of this chain can never equal one of some other scheme.
const DOMAIN: &str = "tokendesk-audit-v1";

/// One stored event exactly as it is hashed: every column but the hash itself. Field order
/// is the canonical order (serde_json keeps it), so the bytes are the same on every machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub seq: i64,
    /// `attempt` or `result`.
    pub kind: String,
    /// For a result: the `seq` of its attempt.
    pub attempt: Option<i64>,
    pub at: String,
    pub pid: Option<i64>,
    pub os_user: Option<String>,
    pub host: Option<String>,
    pub surface: Option<String>,
    pub profile: Option<String>,
    pub server: Option<String>,
    pub admin: Option<String>,
    pub operation: Option<String>,
    pub target: Option<String>,
    /// JSON object text.
    pub details: Option<String>,
    pub outcome: Option<String>,
    /// JSON object text.
    pub error: Option<String>,
    pub summary: Option<String>,
    pub duration_ms: Option<i64>,
    pub prev_hash: String,
    /// The help-desk case the action belongs to (a guided flow's steps share one). Added
    /// after the first logs were written: hashed only when present, so an event without one
    /// hashes exactly as it always did and older logs still verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
    /// The ticket number the administrator gave the case; hashed only when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
}

impl Event {
    /// The event's hash: SHA-256 over the domain tag and the canonical JSON of the event
    /// (which includes the previous hash), as lowercase hex.
    pub fn hash(&self) -> String {
        let canonical = serde_json::to_string(self).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(DOMAIN.as_bytes());
        h.update(b"\n");
        h.update(canonical.as_bytes());
        hex::encode(h.finalize())
    }
}

/// Why the chain does not verify at an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The event's content does not match its hash: it was changed (or written by hand).
    Changed,
    /// The event does not follow the one before it: an event was removed before it, it was
    /// inserted, or events were reordered.
    NotLinked,
}

/// Checks events in stored order; the first that does not verify, with its `seq`.
pub fn first_break<'a>(
    events: impl IntoIterator<Item = (&'a Event, &'a str)>,
) -> Result<(usize, String), (i64, Break)> {
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    let mut n = 0;
    for (event, stored_hash) in events {
        if event.prev_hash != prev || event.seq != expected_seq {
            return Err((event.seq, Break::NotLinked));
        }
        if event.hash() != stored_hash {
            return Err((event.seq, Break::Changed));
        }
        prev = stored_hash.to_owned();
        expected_seq = event.seq + 1;
        n += 1;
    }
    Ok((n, prev))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, prev: &str, target: &str) -> Event {
        Event {
            seq,
            kind: "attempt".into(),
            attempt: None,
            at: "2026-11-29T10:00:00.000Z".into(),
            pid: Some(1),
            os_user: Some("alice".into()),
            host: Some("desk".into()),
            surface: Some("cli".into()),
            profile: Some("prod".into()),
            server: Some("https://mfa.example.com".into()),
            admin: Some("admin".into()),
            operation: Some("unlock".into()),
            target: Some(target.into()),
            details: Some("{}".into()),
            outcome: None,
            error: None,
            summary: None,
            duration_ms: None,
            prev_hash: prev.into(),
            case_id: None,
            ticket: None,
        }
    }

    fn chain(targets: &[&str]) -> Vec<(Event, String)> {
        let mut prev = GENESIS.to_owned();
        targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let e = event(i as i64 + 1, &prev, t);
                let h = e.hash();
                prev = h.clone();
                (e, h)
            })
            .collect()
    }

    fn check(c: &[(Event, String)]) -> Result<(usize, String), (i64, Break)> {
        first_break(c.iter().map(|(e, h)| (e, h.as_str())))
    }

    #[test]
    fn an_intact_chain_verifies_and_names_its_head() {
        let c = chain(&["a", "b", "c"]);
        assert_eq!(check(&c), Ok((3, c[2].1.clone())));
        assert_eq!(check(&[]), Ok((0, GENESIS.to_owned())));
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let base = event(1, GENESIS, "a");
        let mut other = base.clone();
        other.duration_ms = Some(1);
        assert_ne!(base.hash(), other.hash());
        let mut other = base.clone();
        other.prev_hash = "1".repeat(64);
        assert_ne!(base.hash(), other.hash());
        assert_eq!(base.hash().len(), 64);
    }

    /// The case columns came later: an event without them hashes as before (this hash was
    /// computed by the format before they existed), and with them they are covered.
    #[test]
    fn case_fields_are_hashed_only_when_present() {
        let base = event(1, GENESIS, "a");
        assert_eq!(
            base.hash(),
            "3e8c0176e8559ca4d4f5937b6e845292ebf22d5ca0da44874875861367b18a1b"
        );
        let mut cased = base.clone();
        cased.case_id = Some("case-1".into());
        assert_ne!(cased.hash(), base.hash());
        let mut ticketed = cased.clone();
        ticketed.ticket = Some("INC-1".into());
        assert_ne!(ticketed.hash(), cased.hash());
    }

    #[test]
    fn tampering_is_caught_where_it_happened() {
        let c = chain(&["a", "b", "c", "d"]);
        // A changed field.
        let mut t = c.clone();
        t[1].0.target = Some("mallory".into());
        assert_eq!(check(&t), Err((2, Break::Changed)));
        // A removed middle event: the one after it no longer links.
        let mut t = c.clone();
        t.remove(1);
        assert_eq!(check(&t), Err((3, Break::NotLinked)));
        // Swapped events.
        let mut t = c.clone();
        t.swap(1, 2);
        assert_eq!(check(&t), Err((3, Break::NotLinked)));
        // The oldest removed.
        let t = c[1..].to_vec();
        assert_eq!(check(&t), Err((2, Break::NotLinked)));
        // The newest removed: still a valid chain, with an older head.
        let t = c[..3].to_vec();
        assert_eq!(check(&t), Ok((3, c[2].1.clone())));
    }
}
