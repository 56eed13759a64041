//! The shape of an answer catalog, shared by every backend: one entry per code the vendor
//! documents (its own text, our title, what to do next, and per operation where the meaning
//! differs), and the lookups over a backend's whole table.
//!
//! A leaf: it knows operations and backend kinds ([`crate::vocab`]) and no vendor. Each
//! backend keeps its own table (`centagate::catalog`, `securid::catalog`) as a [`Catalog`] and
//! hands a reference to it to every server error it builds, so the error type explains any
//! backend's codes without importing a backend.

use serde::Serialize;
use ts_rs::TS;

use crate::vocab::{Backend, Operation};

/// One return code as the catalog knows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CodeEntry {
    /// The number the server answers with.
    pub code: i64,
    /// The vendor's own text for the code.
    pub vendor_text: &'static str,
    /// A short, plain title for an administrator.
    pub title: &'static str,
    /// What the administrator should do next.
    pub hint: &'static str,
    /// Where one operation gives the code a different meaning.
    pub per_operation: &'static [OperationMeaning],
}

/// The meaning of a code for one operation, where it differs from the general one.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OperationMeaning {
    pub operation: Operation,
    pub title: &'static str,
    pub hint: &'static str,
}

/// Title and next step for a code in the context of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub title: String,
    pub hint: String,
    pub vendor_text: Option<&'static str>,
}

impl CodeEntry {
    /// This entry's words for `operation` (its own meaning there, if it has one), with the
    /// vendor's text. Every backend's catalog describes its known codes this way.
    pub(crate) fn describe(&self, operation: Option<Operation>) -> Described {
        let specific =
            operation.and_then(|op| self.per_operation.iter().find(|m| m.operation == op));
        let (title, hint) = specific.map_or((self.title, self.hint), |m| (m.title, m.hint));
        Described {
            title: title.to_owned(),
            hint: hint.to_owned(),
            vendor_text: Some(self.vendor_text),
        }
    }
}

/// One backend's whole catalog: its entries in code order, and the words for a code the
/// vendor never documented (they name the number, so nothing is swallowed).
pub struct Catalog {
    /// The kind of server whose answers these are.
    pub backend: Backend,
    /// Its codes are HTTP statuses (SecurID), not return codes inside the answer (CENTAGATE):
    /// people read "HTTP 404", not "code 404".
    pub http_statuses: bool,
    entries: &'static [CodeEntry],
    unknown: fn(i64) -> Described,
}

impl Catalog {
    /// A backend's catalog: whether its codes are HTTP statuses, its table in code order,
    /// and its words for unknown codes.
    pub const fn new(
        backend: Backend,
        http_statuses: bool,
        entries: &'static [CodeEntry],
        unknown: fn(i64) -> Described,
    ) -> Self {
        Catalog {
            backend,
            http_statuses,
            entries,
            unknown,
        }
    }

    /// What its codes are, for a heading: "CENTAGATE return codes".
    pub fn heading(&self) -> String {
        let what = if self.http_statuses {
            "HTTP answers"
        } else {
            "return codes"
        };
        format!("{} {what}", self.backend.label())
    }

    /// Looks a code up; `None` for a code the vendor does not document.
    pub fn entry(&self, code: i64) -> Option<&'static CodeEntry> {
        self.entries.iter().find(|e| e.code == code)
    }

    /// The whole table, in code order.
    pub fn all(&self) -> &'static [CodeEntry] {
        self.entries
    }

    /// The words for `code` when it answered `operation`: the entry's meaning for that
    /// operation, its general one, or the backend's words for an unknown code.
    pub fn describe(&self, code: i64, operation: Option<Operation>) -> Described {
        match self.entry(code) {
            Some(e) => e.describe(operation),
            None => (self.unknown)(code),
        }
    }
}

/// Names the backend only: the table is long, and an error's `Debug` carries the catalog.
impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// One catalog per backend, so two are the same when their backend is.
impl PartialEq for Catalog {
    fn eq(&self, other: &Self) -> bool {
        self.backend == other.backend
    }
}

impl Eq for Catalog {}

/// A catalog entry whose meaning is the same for every operation.
pub(crate) const fn c(
    code: i64,
    vendor_text: &'static str,
    title: &'static str,
    hint: &'static str,
) -> CodeEntry {
    CodeEntry {
        code,
        vendor_text,
        title,
        hint,
        per_operation: &[],
    }
}

/// A catalog entry, with per-operation meanings (shared by every backend's catalog).
pub(crate) const fn with(
    code: i64,
    vendor_text: &'static str,
    title: &'static str,
    hint: &'static str,
    per_operation: &'static [OperationMeaning],
) -> CodeEntry {
    CodeEntry {
        code,
        vendor_text,
        title,
        hint,
        per_operation,
    }
}

/// What a code means for one operation, where that differs from the general meaning.
pub(crate) const fn on(
    operation: Operation,
    title: &'static str,
    hint: &'static str,
) -> OperationMeaning {
    OperationMeaning {
        operation,
        title,
        hint,
    }
}
