//! Reading a bulk job's CSV file, one row at a time: UTF-8 with or without a BOM, comma or
//! semicolon (whichever the header row uses outside quotes), RFC 4180 quoting with embedded
//! newlines, a header row required, column names matched without regard to case or spaces.
//! Blank lines are skipped; a short row reads its missing cells as empty. Nothing is held but
//! the row being read, so a 100,000-row file costs what one row does.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::Error;
use crate::vocab::Field;

/// The largest file a job reads (a guard against choosing the wrong file, not a limit a job
/// should meet: 100,000 rows of a few columns is a few MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One data row: its number (the Nth data row after the header, from 1) and its cells by
/// column, in the header's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export, rename = "BulkInputRow")]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A CSV file opened for a job: its columns (as written, trimmed) and its rows.
pub struct CsvInput {
    columns: Vec<String>,
    records: csv::StringRecordsIntoIter<Box<dyn Read + Send>>,
    next_number: usize,
}

impl std::fmt::Debug for CsvInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvInput")
            .field("columns", &self.columns)
            .finish_non_exhaustive()
    }
}

fn file_error(rule: impl Into<String>) -> Error {
    Error::input(Field::CsvFile, rule)
}

/// A column name as matched: lower case, no spaces, `-` or `_`.
pub fn column_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The delimiter the header line uses: `;` when it has more semicolons than commas outside
/// quotes, else `,`.
fn delimiter(header_line: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semis) = (false, 0, 0);
    for b in header_line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas {
        b';'
    } else {
        b','
    }
}

impl CsvInput {
    /// Opens `path` and reads its header row.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let shown = path.display();
        let meta = std::fs::metadata(path)
            .map_err(|e| file_error(format!("must be a readable file ({shown}: {e})")))?;
        if !meta.is_file() {
            return Err(file_error(format!("must be a file ({shown} is not)")));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(file_error(format!(
                "must be at most {} MB ({shown} is larger)",
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let file = File::open(path)
            .map_err(|e| file_error(format!("must be a readable file ({shown}: {e})")))?;
        Self::from_reader(Box::new(file))
    }

    /// Reads a CSV document from `reader` (its header row first).
    pub fn from_reader(reader: Box<dyn Read + Send>) -> Result<Self, Error> {
        let mut buffered = BufReader::new(reader);
        // Skip a UTF-8 BOM, then peek at the header line for the delimiter.
        let head = buffered
            .fill_buf()
            .map_err(|e| file_error(format!("must be readable ({e})")))?;
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            buffered.consume(3);
        }
        let head = buffered
            .fill_buf()
            .map_err(|e| file_error(format!("must be readable ({e})")))?;
        let first_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
        let delim = delimiter(first_line);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .has_headers(true)
            .from_reader(Box::new(buffered) as Box<dyn Read + Send>);
        let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
        let columns: Vec<String> = header.iter().map(|c| c.trim().to_owned()).collect();
        if columns.iter().all(String::is_empty) {
            return Err(file_error(
                "must start with a header row naming its columns (e.g. user,sms)",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &columns {
            if !c.is_empty() && !seen.insert(column_key(c)) {
                return Err(file_error(format!(
                    "must name each column once ({c} is repeated)"
                )));
            }
        }
        Ok(CsvInput {
            columns,
            records: reader.into_records(),
            next_number: 1,
        })
    }

    /// The columns, as the header names them.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The index of the column named `name` (case, spaces, `-` and `_` ignored).
    pub fn column(&self, name: &str) -> Option<usize> {
        let key = column_key(name);
        self.columns.iter().position(|c| column_key(c) == key)
    }
}

fn csv_error(e: &csv::Error) -> Error {
    let at = e
        .position()
        .map(|p| format!(" near line {}", p.line()))
        .unwrap_or_default();
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => file_error(format!("must be UTF-8 text{at}")),
        _ => file_error(format!("must be valid CSV{at} ({e})")),
    }
}

impl Iterator for CsvInput {
    type Item = Result<Row, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.records.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(csv_error(&e))),
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let mut cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
            cells.resize(self.columns.len().max(cells.len()), String::new());
            let number = self.next_number;
            self.next_number += 1;
            return Some(Ok(Row { number, cells }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<(Vec<String>, Vec<Row>), Error> {
        let input = CsvInput::from_reader(Box::new(std::io::Cursor::new(text.to_vec())))?;
        let columns = input.columns().to_vec();
        let rows = input.collect::<Result<Vec<_>, _>>()?;
        Ok((columns, rows))
    }

    #[test]
    fn bom_semicolons_quotes_newlines_and_blank_lines() {
        let (cols, rows) = read(
            b"\xEF\xBB\xBFUser; SMS ;ticket\r\nalice;+60123;\"T-1; urgent\"\r\n\r\n\"bob\";\"+60 12\n345\";T-2\n",
        )
        .unwrap();
        assert_eq!(cols, ["User", "SMS", "ticket"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells, ["alice", "+60123", "T-1; urgent"]);
        assert_eq!(rows[1].number, 2);
        assert_eq!(rows[1].cells[1], "+60 12\n345");
    }

    #[test]
    fn short_rows_read_empty_and_long_rows_keep_their_cells() {
        let (_, rows) = read(b"user,sms\nalice\ncarol,+1,extra\n").unwrap();
        assert_eq!(rows[0].cells, ["alice", ""]);
        assert_eq!(rows[1].cells, ["carol", "+1", "extra"]);
    }

    #[test]
    fn columns_match_without_case_spaces_or_dashes() {
        let input = CsvInput::from_reader(Box::new(std::io::Cursor::new(
            b"User Name,E-Mail\n".to_vec(),
        )))
        .unwrap();
        assert_eq!(input.column("username"), Some(0));
        assert_eq!(input.column("email"), Some(1));
        assert_eq!(input.column("sms"), None);
    }

    #[test]
    fn bad_files_name_the_rule() {
        let rule = |text: &[u8]| match read(text).unwrap_err() {
            Error::Input { field, rule } => {
                assert_eq!(field, Field::CsvFile);
                rule
            }
            e => panic!("{e:?}"),
        };
        assert!(rule(b"").contains("header row"));
        assert!(rule(b"user,User\n").contains("once"));
        assert!(rule(b"user\n\xFF\xFE\n").contains("UTF-8"));
    }
}
