//! How far a job got: its counts by row state, and its failures grouped by code with the
//! catalog's next step.

use serde::Serialize;
use ts_rs::TS;

use super::journal::{JobRecord, Journal, RowState};
use crate::error::Error;

/// A job's counts by row state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkCounts")]
pub struct Counts {
    pub ok: usize,
    pub failed: usize,
    pub unknown: usize,
    pub skipped: usize,
    pub pending: usize,
}

/// Failures that share a code, with the catalog's next step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FailureGroup {
    #[ts(type = "number | null")]
    pub code: Option<i64>,
    pub title: String,
    pub hint: String,
    pub rows: Vec<usize>,
}

/// A job and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct JobStatus {
    #[serde(flatten)]
    pub job: JobRecord,
    pub counts: Counts,
    pub failures: Vec<FailureGroup>,
}

/// The status of job `id`: its counts, and its failures grouped by code.
pub fn status(journal: &Journal, id: &str) -> Result<JobStatus, Error> {
    let job = journal
        .job(id)?
        .ok_or_else(|| crate::error::ConfigError::JobNotFound { job: id.to_owned() })?;
    let mut counts = Counts::default();
    for (state, n) in journal.counts(id)? {
        match state {
            RowState::Ok => counts.ok += n,
            RowState::Failed => counts.failed += n,
            RowState::Unknown | RowState::Sent => counts.unknown += n,
            RowState::Skipped => counts.skipped += n,
            RowState::Pending => counts.pending += n,
        }
    }
    let mut groups: Vec<FailureGroup> = Vec::new();
    for row in journal.rows(id)? {
        if row.state != RowState::Failed {
            continue;
        }
        let title = row.title.clone().unwrap_or_default();
        match groups
            .iter_mut()
            .find(|g| g.code == row.code && g.title == title)
        {
            Some(g) => g.rows.push(row.n),
            None => groups.push(FailureGroup {
                code: row.code,
                title,
                hint: row.hint.clone().unwrap_or_default(),
                rows: vec![row.n],
            }),
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.rows.len()));
    Ok(JobStatus {
        job,
        counts,
        failures: groups,
    })
}
