//! The bulk journal's cost per row: what making a job crash-safe adds to each row, apart from
//! the network. A row is two durable writes (sent before the call, its outcome after), each
//! awaited until committed; rows in flight at once share commits (group commit).
//!
//! `cargo bench -p tokendesk-core --bench bulk_journal`
//!
//! Each iteration journals 200 rows of a fresh job in a journal on disk, with 1, 4 or 16 rows
//! in flight (as `--concurrency`). Without the journal those writes are simply absent, so the
//! figure per row is the whole of its cost; the README sets it beside a row's round trip.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tokendesk_core::bulk::journal::{NewRow, RowOutcome};
use tokendesk_core::bulk::{JobRecord, JobState, Journal, RowState};

const ROWS: usize = 200;

fn job(id: &str) -> JobRecord {
    JobRecord {
        id: id.into(),
        operation: "token-unlock".into(),
        profile: "bench".into(),
        backend: "centagate".into(),
        file: "users.csv".into(),
        columns: vec!["user".into()],
        created_at: "2026-11-29T00:00:00Z".into(),
        state: JobState::Running,
    }
}

fn ok() -> RowOutcome {
    RowOutcome {
        state: RowState::Ok,
        code: Some(0),
        title: None,
        hint: None,
        server_message: None,
        summary: Some("Unlocked".into()),
    }
}

/// Journals `ROWS` rows of a new job, `in_flight` at a time; returns the time the rows took.
async fn journal_rows(journal: Arc<Journal>, id: String, in_flight: usize) -> Duration {
    let rows = (1..=ROWS).map(|n| NewRow {
        n,
        cells: vec![format!("user{n:05}")],
        skipped: None,
    });
    journal.create(&job(&id), rows).expect("job recorded");
    let start = Instant::now();
    let mut workers = Vec::new();
    for w in 0..in_flight {
        let (journal, id) = (journal.clone(), id.clone());
        workers.push(tokio::spawn(async move {
            for n in (1 + w..=ROWS).step_by(in_flight) {
                journal.mark_sent(&id, n).await.expect("sent recorded");
                journal
                    .finish(&id, n, ok())
                    .await
                    .expect("outcome recorded");
            }
        }));
    }
    for w in workers {
        w.await.expect("worker");
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Arc::new(Journal::open(&dir.path().join("jobs.sqlite3")).expect("journal"));
    let mut group = c.benchmark_group("bulk_journal");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    let mut next = 0u64;
    for in_flight in [1usize, 4, 16] {
        group.bench_with_input(
            BenchmarkId::new("rows_in_flight", in_flight),
            &in_flight,
            |b, &in_flight| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        next += 1;
                        let id = format!("bench{next}");
                        total += rt.block_on(journal_rows(journal.clone(), id, in_flight));
                    }
                    total
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
