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
    Ok(preview(file, operation, profile, 0)?.plan)
}

/// A plan and the file's first rows as read (the app's preview table). Sends nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkPreview")]
pub struct Preview {
    #[serde(flatten)]
    pub plan: Plan,
    /// The first rows of the file, up to the number asked for.
    pub sample: Vec<Row>,
}

/// [`plan`], keeping the first `sample` rows as read. Sends nothing.
pub fn preview(
    file: &Path,
    operation: BulkOperation,
    profile: &Profile,
    sample: usize,
) -> Result<Preview, Error> {
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
    let mut kept = Vec::new();
    for row in input {
        let row = row?;
        plan.rows += 1;
        if kept.len() < sample {
            kept.push(row.clone());
        }
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
    Ok(Preview { plan, sample: kept })
}

/// What a dry run found: the plan, and the profile's read-only connection test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkDryRun")]
pub struct DryRun {
    #[serde(flatten)]
    pub plan: Plan,
    /// The connection test's answer when it passed.
    pub connection: Option<crate::backend::ConnectionCheck>,
    /// Why the connection test failed, when it did.
    pub connection_error: Option<crate::error::ErrorInfo>,
}

impl DryRun {
    /// The window's view of a [`dry_run`]'s answer.
    pub fn new(plan: Plan, check: &Result<crate::backend::ConnectionCheck, Error>) -> DryRun {
        DryRun {
            plan,
            connection: check.as_ref().ok().cloned(),
            connection_error: check.as_ref().err().map(Error::info),
        }
    }
}

/// The dry run: every row of `file` checked ([`plan`]), then the profile tested with its
/// read-only probe — nothing else is sent. A file that cannot be read is the error; the
/// probe's answer comes back beside the plan. The CLI's `--dry-run` and the app's Dry run.
pub async fn dry_run(
    file: &Path,
    operation: BulkOperation,
    session: &crate::ops::Session,
) -> Result<(Plan, Result<crate::backend::ConnectionCheck, Error>), Error> {
    let plan = plan(file, operation, session.profile())?;
    Ok((plan, session.test_connection().await))
}

/// An operation a backend does in bulk, with the columns it reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "BulkOperationInfo")]
pub struct OperationInfo {
    pub operation: BulkOperation,
    /// Each inner list is one need, met by any one of its columns.
    pub needs: Vec<Vec<String>>,
    pub optional: Vec<String>,
}

/// The operations `backend` does in bulk, in the documented order, with their columns.
pub fn operations(backend: crate::vocab::Backend) -> Vec<OperationInfo> {
    BulkOperation::ALL
        .into_iter()
        .filter_map(|operation| {
            let (needs, optional) = operation.columns(backend)?;
            Some(OperationInfo {
                operation,
                needs: needs
                    .iter()
                    .map(|n| n.iter().map(|c| (*c).to_owned()).collect())
                    .collect(),
                optional: optional.iter().map(|c| (*c).to_owned()).collect(),
            })
        })
        .collect()
}

/// The jobs that can be resumed: not done, and not being run by any process now (a job whose
/// process died reads as stopped). Newest first.
pub fn unfinished(journal: &Journal) -> Result<Vec<JobStatus>, Error> {
    let mut out = Vec::new();
    for job in journal.jobs()? {
        if journal.is_claimed(&job.id) {
            continue;
        }
        let s = status(journal, &job.id)?;
        if s.job.state != JobState::Done {
            out.push(s);
        }
    }
    Ok(out)
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
