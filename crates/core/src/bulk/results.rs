//! A job's results as CSV: the input's columns, then `outcome,code,title,serverMessage,at`
//! for every row, each cell neutralised as the audit export's are (a spreadsheet shows it as
//! text, never runs it as a formula).

use std::io::Write;

use super::journal::{JobRecord, RowRecord, RowState};
use crate::audit::csv::neutralise;

/// The columns added after the input's.
pub const RESULT_COLUMNS: [&str; 5] = ["outcome", "code", "title", "serverMessage", "at"];

fn word(state: RowState) -> &'static str {
    match state {
        RowState::Ok => "ok",
        RowState::Failed => "failed",
        RowState::Unknown | RowState::Sent => "unknown",
        RowState::Skipped => "skipped",
        RowState::Pending => "pending",
    }
}

/// Writes `job`'s `rows` as CSV to `out`.
pub fn write(job: &JobRecord, rows: &[RowRecord], out: impl Write) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(out);
    let header: Vec<&str> = job
        .columns
        .iter()
        .map(String::as_str)
        .chain(RESULT_COLUMNS)
        .collect();
    w.write_record(header.iter().map(|c| neutralise(c).into_owned()))?;
    for row in rows {
        let mut cells: Vec<String> = row.cells.clone();
        cells.resize(job.columns.len().max(cells.len()), String::new());
        cells.truncate(job.columns.len());
        cells.extend([
            word(row.state).to_owned(),
            row.code.map(|c| c.to_string()).unwrap_or_default(),
            row.title.clone().unwrap_or_default(),
            row.server_message.clone().unwrap_or_default(),
            row.at.clone().unwrap_or_default(),
        ]);
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.flush()
}

/// Writes `job`'s `rows` as CSV to the file `path` (replaced if it exists), flushed to disk.
pub fn write_file(
    job: &JobRecord,
    rows: &[RowRecord],
    path: &std::path::Path,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    write(job, rows, &mut out)?;
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::journal::JobState;

    #[test]
    fn results_keep_the_input_columns_and_neutralise_formulas() {
        let job = JobRecord {
            id: "j".into(),
            operation: "token-unlock".into(),
            profile: "p".into(),
            backend: "centagate".into(),
            file: "f.csv".into(),
            columns: vec!["user".into(), "ticket".into()],
            created_at: String::new(),
            state: JobState::Done,
        };
        let row = RowRecord {
            n: 1,
            cells: vec!["=cmd|' /C calc'!A0".into(), "T-1, urgent".into()],
            state: RowState::Failed,
            code: Some(22002),
            title: Some("No such user".into()),
            hint: None,
            server_message: Some("@SUM(1)".into()),
            summary: None,
            at: Some("2026-11-29T10:00:00.000Z".into()),
        };
        let mut out = Vec::new();
        write(&job, &[row], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "user,ticket,outcome,code,title,serverMessage,at\r\n'=cmd|' /C calc'!A0,\"T-1, urgent\",failed,22002,No such user,'@SUM(1),2026-11-29T10:00:00.000Z\r\n"
        );
    }
}
