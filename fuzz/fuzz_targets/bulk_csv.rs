//! The bulk-job CSV reader: `CsvInput::from_reader`, then every row, never panics; row numbers
//! only go up.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tokendesk_core::bulk::CsvInput;

fuzz_target!(|data: &[u8]| {
    let reader = Box::new(std::io::Cursor::new(data.to_vec()));
    let Ok(input) = CsvInput::from_reader(reader) else {
        return;
    };
    let columns = input.columns().to_vec();
    for c in &columns {
        assert!(
            input.column(c).is_some(),
            "column {c:?} not found by its own name"
        );
    }
    let mut last = 0;
    for row in input.take(10_000) {
        if let Ok(row) = row {
            assert!(
                row.number > last,
                "row numbers went from {last} to {}",
                row.number
            );
            last = row.number;
        }
    }
});
