//! Bulk jobs: one operation over the rows of a CSV file — checked like single actions first
//! (a dry run sends nothing that changes state), then sent with bounded concurrency over one
//! session, each row journalled before and after it is sent so a job killed at any instant
//! resumes without sending a row twice, each row an audit entry (surface `bulk:<job id>`),
//! and the results exported as CSV. The CLI's `bulk` commands and the app's Bulk screen are
//! thin over [`plan`], [`create`], [`run`], [`status`] and [`results::write`].

pub mod input;
pub mod journal;
pub mod operation;
pub mod results;
mod runner;
mod status;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

pub use input::{CsvInput, Row};
pub use journal::{JobRecord, JobState, Journal, RowRecord, RowState};
pub use operation::{BulkOperation, Columns, RowAction, RowProblem};
pub use runner::{run, Progress, RunEnd, RunOptions, Stop, MAX_CONCURRENCY};
pub use status::{status, Counts, FailureGroup, JobStatus};

use crate::error::Error;
use crate::profile::Profile;
use crate::vocab::Field;

/// The most row problems a plan keeps (the count is always whole).
pub const MAX_PROBLEMS_KEPT: usize = 1000;

/// A row that names a target an earlier row already named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Duplicate {
    pub row: usize,
    pub first_row: usize,
    pub target: String,
}

/// What a dry run found: every row checked, nothing sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Plan {
    pub operation: BulkOperation,
    pub columns: Vec<String>,
    pub rows: usize,
    pub valid: usize,
    /// How many rows break a rule (all counted; the first [`MAX_PROBLEMS_KEPT`] listed).
    pub invalid: usize,
    pub problems: Vec<RowProblem>,
    pub duplicates: Vec<Duplicate>,
}

/// Checks every row of `file` for `operation` on `profile`'s server, streaming: a row at a
/// time, only the problems and the targets seen kept. Sends nothing.
pub fn plan(file: &Path, operation: BulkOperation, profile: &Profile) -> Result<Plan, Error> {
    let input = CsvInput::open(file)?;
    let columns = input.columns().to_vec();
    let map = Columns::map(operation, profile.backend, &columns)?;
    let mut plan = Plan {
        operation,
        columns,
        rows: 0,
        valid: 0,
        invalid: 0,
        problems: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in input {
        let row = row?;
        plan.rows += 1;
        match operation::parse_row(operation, profile.backend, &map, row.number, &row.cells) {
            Ok(action) => {
                plan.valid += 1;
                let target = action.target();
                if let Some(first) = seen.get(&target) {
                    if plan.duplicates.len() < MAX_PROBLEMS_KEPT {
                        plan.duplicates.push(Duplicate {
                            row: row.number,
                            first_row: *first,
                            target,
                        });
                    }
                } else {
                    seen.insert(target, row.number);
                }
            }
            Err(p) => {
                plan.invalid += 1;
                if plan.problems.len() < MAX_PROBLEMS_KEPT {
                    plan.problems.push(p);
                }
            }
        }
    }
    if plan.rows == 0 {
        return Err(Error::input(
            Field::CsvFile,
            "must have at least one data row",
        ));
    }
    Ok(plan)
}

/// A short, fresh job id (8 hex digits).
fn new_job_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mixed = nanos ^ (u128::from(std::process::id()) << 40);
    format!(
        "{:08x}",
        (mixed as u64 ^ (mixed >> 64) as u64) & 0xffff_ffff
    )
}

/// Records a new job for `file` in `journal`: every row pending, or — with `skip_invalid` —
/// invalid rows skipped with why. Refused (nothing recorded, nothing sent) when a row is
/// invalid and `skip_invalid` is off: the error names the first row, field and rule.
pub fn create(
    journal: &Journal,
    file: &Path,
    operation: BulkOperation,
    profile: &Profile,
    skip_invalid: bool,
) -> Result<(JobRecord, Plan), Error> {
    let plan = plan(file, operation, profile)?;
    if plan.invalid > 0 && !skip_invalid {
        let first = &plan.problems[0];
        return Err(Error::input(
            first.field,
            format!(
                "row {}: {} ({} of {} rows are invalid; fix them, or run with --skip-invalid to skip them). Nothing was sent",
                first.row, first.rule, plan.invalid, plan.rows
            ),
        ));
    }
    let record = JobRecord {
        id: new_job_id(),
        operation: operation.name().to_owned(),
        profile: profile.name.clone(),
        backend: serde_json::to_value(profile.backend)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        file: file.display().to_string(),
        columns: plan.columns.clone(),
        created_at: crate::clock::rfc3339(crate::clock::Clock::now(&crate::clock::SystemClock)),
        state: JobState::Stopped,
    };
    let map = Columns::map(operation, profile.backend, &plan.columns)?;
    let mut error = None;
    let rows = CsvInput::open(file)?.map_while(|row| match row {
        Ok(row) => {
            let skipped =
                operation::parse_row(operation, profile.backend, &map, row.number, &row.cells)
                    .err()
                    .map(|p| format!("{}: {}", p.field.label(), p.rule));
            Some(journal::NewRow {
                n: row.number,
                cells: row.cells,
                skipped,
            })
        }
        Err(e) => {
            error = Some(e);
            None
        }
    });
    journal.create(&record, rows)?;
    if let Some(e) = error {
        return Err(e);
    }
    Ok((record, plan))
}
