//! `tokendesk bulk`: thin over `tokendesk_core::bulk` — the plan, the job, the run and the
//! journal are the core's; here the command line, the progress on stderr, Ctrl-C, the
//! summary and the exit status.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};
use tokendesk_core::audit::{Recorder, Surface};
use tokendesk_core::bulk::{
    self, BulkOperation, Counts, FailureGroup, JobRecord, JobState, Journal, Plan, Progress,
    RunOptions, Stop,
};
use tokendesk_core::ops::Session;
use tokendesk_core::profile::Profile;
use tokendesk_core::profiles::ProfileStore;
use tokendesk_core::securid::retry::RateLimitNotice;
use tokendesk_core::{ErrorInfo, ErrorKind};

use crate::args::BulkCommand;
use crate::commands::session;
use crate::output::{self, Done, Failure};

/// How often a progress line is printed when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(3);
/// The most row numbers a failure group lists in words.
const ROWS_SHOWN: usize = 10;

/// Runs a `bulk` subcommand. `profile` is the chosen profile (flag or environment);
/// `profile_flag` only what --profile said on this command line.
pub async fn command(
    cmd: BulkCommand,
    profile: Option<&str>,
    profile_flag: Option<&str>,
    json: bool,
) -> Result<Done, Failure> {
    match cmd {
        BulkCommand::Run {
            operation,
            file,
            dry_run,
            skip_invalid,
            concurrency,
            results,
        } => {
            let operation = BulkOperation::parse(&operation)?;
            let profile = ProfileStore::open_default()?.choose(profile)?;
            if dry_run {
                return dry(&file, operation, profile).await;
            }
            let journal = Arc::new(Journal::open_default()?);
            let (job, _) = bulk::create(&journal, &file, operation, &profile, skip_invalid)?;
            started(&job, json);
            let options = RunOptions {
                concurrency,
                retry_unknown: false,
            };
            send(journal, job, profile, options, results.as_deref()).await
        }
        BulkCommand::Resume {
            job,
            retry_unknown,
            concurrency,
            results,
        } => {
            let journal = Arc::new(Journal::open_default()?);
            let job = bulk::status(&journal, &job)?.job;
            if let Some(other) = profile_flag.filter(|p| *p != job.profile) {
                return Err(Failure::usage(
                    format!("Job {} runs on profile '{}', not '{other}'", job.id, job.profile),
                    format!(
                        "Resume it without --profile: `tokendesk bulk resume {}`. Nothing was sent.",
                        job.id
                    ),
                ));
            }
            let profile = ProfileStore::open_default()?.get(&job.profile)?;
            if job.state == JobState::Done && !retry_unknown {
                output::note(&format!("job {} has no rows left to send", job.id));
            }
            let options = RunOptions {
                concurrency,
                retry_unknown,
            };
            send(journal, job, profile, options, results.as_deref()).await
        }
        BulkCommand::Status { job } => status(job.as_deref()),
    }
}

/// `bulk run --dry-run`: every row checked, duplicates flagged, the profile tested with its
/// read-only probe; nothing else is sent.
async fn dry(file: &Path, operation: BulkOperation, profile: Profile) -> Result<Done, Failure> {
    let name = profile.name.clone();
    let (plan, check) = bulk::dry_run(file, operation, &session(profile)?).await?;
    let plan = &plan;
    let mut human = plan_words(plan, file);
    let mut document = json!({
        "ok": plan.invalid == 0 && check.is_ok(),
        "dryRun": true,
        "profile": name,
    });
    merge(&mut document, plan);
    let failure = match check {
        Ok(c) => {
            human.push_str(&format!("\nProfile '{name}': {}", c.summary));
            document["connection"] = json!({"ok": true, "summary": c.summary, "probeCode": c.code});
            None
        }
        Err(e) => {
            let f = Failure::from(e);
            // Told below as the error, unless the invalid rows are.
            human.push_str(&if plan.invalid > 0 {
                format!("\nProfile '{name}': {} — {}", f.info.title, f.info.hint)
            } else {
                format!("\nProfile '{name}': the test failed (below)")
            });
            document["connection"] = json!({"ok": false, "error": f.info});
            Some(f)
        }
    };
    let nothing = "Nothing was sent (a dry run sends only the profile's read-only test).";
    if plan.invalid > 0 {
        let info = ErrorInfo {
            kind: ErrorKind::Input,
            code: None,
            title: format!("{} of {} rows are invalid", plan.invalid, plan.rows),
            hint: format!(
                "Fix the rows listed, or run with --skip-invalid to skip them. {nothing}"
            ),
            server_message: None,
        };
        return Err(Failure::report(info, 2, human, document));
    }
    if let Some(f) = failure {
        let status = f.status;
        return Err(Failure::report(*f.info, status, human, document));
    }
    human.push_str(&format!(
        "\nReady: `tokendesk bulk run {} {}`. {nothing}",
        operation.name(),
        file.display()
    ));
    Ok(Done {
        document: Some(document),
        code: 0,
        message: None,
        object: Value::Null,
        human,
    })
}

/// A plan in words: rows, each invalid row's field and rule, duplicates.
fn plan_words(plan: &Plan, file: &Path) -> String {
    let mut out = vec![format!(
        "Dry run of {} over {}: {} rows, {} valid, {} invalid, {} duplicate{}.",
        plan.operation.name(),
        file.display(),
        plan.rows,
        plan.valid,
        plan.invalid,
        plan.duplicates.len(),
        if plan.duplicates.len() == 1 { "" } else { "s" }
    )];
    if !plan.problems.is_empty() {
        out.push("Invalid rows:".into());
        let rows: Vec<Vec<String>> = plan
            .problems
            .iter()
            .map(|p| {
                vec![
                    p.row.to_string(),
                    p.field.label().to_owned(),
                    p.rule.clone(),
                ]
            })
            .collect();
        out.push(output::table(&["ROW", "FIELD", "RULE"], &rows));
        if plan.invalid > plan.problems.len() {
            out.push(format!(
                "  ... and {} more",
                plan.invalid - plan.problems.len()
            ));
        }
    }
    if !plan.duplicates.is_empty() {
        out.push("Duplicates (the same target again; each row would be sent):".into());
        let rows: Vec<Vec<String>> = plan
            .duplicates
            .iter()
            .map(|d| vec![d.row.to_string(), d.first_row.to_string(), d.target.clone()])
            .collect();
        out.push(output::table(&["ROW", "SAME AS ROW", "TARGET"], &rows));
    }
    out.join("\n")
}

/// Adds the fields of `value` (an object) to `document`.
fn merge(document: &mut Value, value: &impl serde::Serialize) {
    if let (Some(doc), Ok(Value::Object(fields))) =
        (document.as_object_mut(), serde_json::to_value(value))
    {
        doc.extend(fields);
    }
}

/// Says a job started: its id on stdout (people) and on stderr (logs, --json, redirects).
fn started(job: &JobRecord, json: bool) {
    let line = format!(
        "Job {} started: {} over {} on profile '{}'.",
        job.id, job.operation, job.file, job.profile
    );
    if !json {
        output::stdout(&line);
    }
    if json || !std::io::stdout().is_terminal() {
        output::line_to_stderr(&format!("job {}: started", job.id));
    }
}

/// Sends the job's rows with progress and Ctrl-C, writes the results, and reports.
async fn send(
    journal: Arc<Journal>,
    job: JobRecord,
    profile: Profile,
    options: RunOptions,
    results: Option<&Path>,
) -> Result<Done, Failure> {
    let meter = Arc::new(Meter::new());
    let recorder = Recorder::open_default(Surface::Bulk(job.id.clone()))?;
    let on_limit = meter.clone();
    let session = Arc::new(Session::new(profile, recorder).on_rate_limit(Arc::new(
        move |n: &RateLimitNotice| on_limit.note(&n.message),
    )));
    let stop = Stop::default();
    let ctrl_c = tokio::spawn(stop_on_ctrl_c(stop.clone(), meter.clone(), job.id.clone()));
    // Let the listener start before any row is sent: from then on Ctrl-C stops the job.
    tokio::task::yield_now().await;
    let progress = meter.clone();
    let end = bulk::run(journal.clone(), &job.id, session, options, stop, move |p| {
        progress.row(p)
    })
    .await;
    ctrl_c.abort();
    meter.finish();
    let end = match end {
        Ok(end) => end,
        Err(e) => {
            // Another process running it: this run did nothing, so there is nothing to add.
            if !matches!(
                e,
                tokendesk_core::Error::Config(tokendesk_core::ConfigError::JobRunning { .. })
            ) {
                output::note(&format!(
                    "job {} stopped; rows not sent stay pending: `tokendesk bulk resume {}` when fixed",
                    job.id, job.id
                ));
            }
            return Err(e.into());
        }
    };
    let written = match results {
        Some(path) => Some(write_results(&journal, &job, path)?),
        None => None,
    };
    report(&job, &end, written.as_deref())
}

/// The job's rows and outcomes as CSV at `path`.
fn write_results(journal: &Journal, job: &JobRecord, path: &Path) -> Result<PathBuf, Failure> {
    let rows = journal.rows(&job.id)?;
    bulk::results::write_file(job, &rows, path).map_err(|e| results_unwritable(job, path, &e))?;
    Ok(path.to_owned())
}

fn results_unwritable(job: &JobRecord, path: &Path, e: &std::io::Error) -> Failure {
    Failure::from(ErrorInfo {
        kind: ErrorKind::Config,
        code: None,
        title: format!("The results file {} cannot be written", path.display()),
        hint: format!(
            "{e}. The job's outcomes are kept: choose another file and run `tokendesk bulk resume {} --results OUT.csv` to write them.",
            job.id
        ),
        server_message: None,
    })
}

/// The summary of a run: the counts, failures grouped by code with the next step, unknown
/// rows, how to resume; the exit status (0 all ok, 3 rows failed or unknown, 4 unreachable,
/// 130 stopped by the user).
fn report(job: &JobRecord, end: &bulk::RunEnd, results: Option<&Path>) -> Result<Done, Failure> {
    let status = &end.status;
    let c = &status.counts;
    let id = &job.id;
    let mut human = vec![format!(
        "Job {id}: {} — {}.",
        job.operation,
        counts_words(c)
    )];
    human.extend(failure_words(&status.failures));
    if end.recovered_unknown > 0 {
        human.push(format!(
            "{} rows were in flight when the job last stopped; their outcome is unknown.",
            end.recovered_unknown
        ));
    }
    if c.unknown > 0 {
        human.push(format!(
            "Unknown: {} rows were sent but no answer was recorded. Check them on the server, then `tokendesk bulk resume {id} --retry-unknown` sends them again.",
            c.unknown
        ));
    }
    if let Some(p) = results {
        human.push(format!("Results written to {}.", p.display()));
    }
    let resume = format!("`tokendesk bulk resume {id}`");
    let (status_code, info) = match end.stopped.as_deref() {
        Some("stopped") => (
            130,
            Some((
                format!("Job {id} stopped by you; {} rows not sent", c.pending),
                format!("Resume it with {resume}: rows already done are not sent again."),
            )),
        ),
        Some(_) => (
            4,
            Some((
                format!("Job {id} stopped: the server could not be reached"),
                format!(
                    "Repeated rows could not reach the server; {} rows not sent. Check the network and the server, then {resume}.",
                    c.pending
                ),
            )),
        ),
        None if c.failed > 0 || c.unknown > 0 => (
            3,
            Some((
                format!(
                    "Job {id}: {} of {} rows did not succeed",
                    c.failed + c.unknown,
                    c.ok + c.failed + c.unknown + c.skipped
                ),
                format!("See the failures above (`tokendesk bulk status {id}` shows them again; --results OUT.csv writes every row)."),
            )),
        ),
        None => (0, None),
    };
    let document = json!({
        "ok": status_code == 0,
        "job": id,
        "operation": job.operation,
        "file": job.file,
        "state": status.job.state,
        "stopped": end.stopped,
        "counts": c,
        "failures": status.failures,
        "recoveredUnknown": end.recovered_unknown,
        "results": results.map(|p| p.display().to_string()),
    });
    let human = human.join("\n");
    match info {
        None => Ok(Done {
            document: Some(document),
            code: 0,
            message: None,
            object: Value::Null,
            human,
        }),
        Some((title, hint)) => {
            let kind = match status_code {
                4 => ErrorKind::Transport,
                3 => ErrorKind::Server,
                _ => ErrorKind::Input,
            };
            let info = ErrorInfo {
                kind,
                code: None,
                title,
                hint,
                server_message: None,
            };
            Err(Failure::report(info, status_code, human, document))
        }
    }
}

fn counts_words(c: &Counts) -> String {
    let mut words = format!(
        "{} ok, {} failed, {} unknown, {} skipped",
        c.ok, c.failed, c.unknown, c.skipped
    );
    if c.pending > 0 {
        words.push_str(&format!(", {} not sent yet", c.pending));
    }
    words
}

/// Failures by code, each with the catalog's next step.
fn failure_words(groups: &[FailureGroup]) -> Vec<String> {
    if groups.is_empty() {
        return Vec::new();
    }
    let mut out = vec!["Failures:".to_owned()];
    for g in groups {
        let code = g.code.map(|c| format!(" (code {c})")).unwrap_or_default();
        let mut rows: Vec<String> = g
            .rows
            .iter()
            .take(ROWS_SHOWN)
            .map(ToString::to_string)
            .collect();
        if g.rows.len() > ROWS_SHOWN {
            rows.push(format!("... {} more", g.rows.len() - ROWS_SHOWN));
        }
        out.push(format!(
            "  {}{code}: {} row{} ({})",
            g.title,
            g.rows.len(),
            if g.rows.len() == 1 { "" } else { "s" },
            rows.join(", ")
        ));
        if !g.hint.is_empty() {
            out.push(format!("    next: {}", g.hint));
        }
    }
    out
}

/// `bulk status [JOB]`.
fn status(job: Option<&str>) -> Result<Done, Failure> {
    let journal = Journal::open_default()?;
    if let Some(id) = job {
        let s = bulk::status(&journal, id)?;
        let mut human = vec![
            format!(
                "Job {}: {} on profile '{}'",
                s.job.id, s.job.operation, s.job.profile
            ),
            format!("  file:    {}", s.job.file),
            format!("  created: {}", s.job.created_at),
            format!("  state:   {}", state_words(s.job.state)),
            format!("  rows:    {}", counts_words(&s.counts)),
        ];
        human.extend(failure_words(&s.failures));
        if s.job.state != JobState::Done || s.counts.unknown > 0 {
            human.push(format!(
                "Resume with `tokendesk bulk resume {}`{}.",
                s.job.id,
                if s.counts.unknown > 0 {
                    " (add --retry-unknown to send the unknown rows again)"
                } else {
                    ""
                }
            ));
        }
        return Ok(status_done(human.join("\n"), vec![json!(s)]));
    }
    let jobs = journal.jobs()?;
    if jobs.is_empty() {
        return Ok(status_done(
            "No bulk jobs yet. Start one with `tokendesk bulk run OPERATION FILE.csv` (try --dry-run first).".into(),
            Vec::new(),
        ));
    }
    let mut rows = Vec::new();
    let mut objects = Vec::new();
    for j in jobs {
        // The core has no counts-only call yet: this reads each job's rows.
        let c = bulk::status(&journal, &j.id)?.counts;
        rows.push(vec![
            j.id.clone(),
            j.created_at.clone(),
            j.operation.clone(),
            j.profile.clone(),
            state_words(j.state).to_owned(),
            format!(
                "{} ok, {} failed, {} unknown, {} skipped, {} pending",
                c.ok, c.failed, c.unknown, c.skipped, c.pending
            ),
            j.file.clone(),
        ]);
        let mut o = json!({"counts": c});
        merge(&mut o, &j);
        objects.push(o);
    }
    let human = format!(
        "Bulk jobs ({}), newest first:\n{}",
        rows.len(),
        output::table(
            &[
                "JOB",
                "CREATED",
                "OPERATION",
                "PROFILE",
                "STATE",
                "ROWS",
                "FILE"
            ],
            &rows
        )
    );
    Ok(status_done(human, objects))
}

fn status_done(human: String, jobs: Vec<Value>) -> Done {
    Done {
        document: Some(json!({"ok": true, "jobs": jobs})),
        code: 0,
        message: None,
        object: Value::Null,
        human,
    }
}

fn state_words(s: JobState) -> &'static str {
    match s {
        JobState::Running => "running (or its process died: resume it)",
        JobState::Stopped => "stopped",
        JobState::Done => "done",
    }
}

/// Ctrl-C: the first asks the job to stop (rows in flight are waited for); a second ends
/// the process at once (rows in flight become unknown).
async fn stop_on_ctrl_c(stop: Stop, meter: Arc<Meter>, job: String) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    stop.request();
    meter.note(&format!(
        "stopping job {job}: waiting for the rows in flight (Ctrl-C again to quit now; they would become unknown)"
    ));
    if tokio::signal::ctrl_c().await.is_ok() {
        meter.finish();
        output::note(&format!("quit; resume with `tokendesk bulk resume {job}`"));
        std::process::exit(130);
    }
}

/// Progress on stderr: a bar on a terminal, else a plain line every few seconds.
struct Meter {
    bar: Option<ProgressBar>,
    started: Instant,
    last_line: Mutex<Option<Instant>>,
}

impl Meter {
    fn new() -> Meter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{wide_bar} {pos}/{len} rows · {rate} · ETA {eta} · {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1} rows/s", s.per_sec());
                },
            );
            bar.set_style(style);
            bar
        });
        Meter {
            bar,
            started: Instant::now(),
            last_line: Mutex::new(None),
        }
    }

    fn row(&self, p: &Progress) {
        if let Some(bar) = &self.bar {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            bar.set_message(format!("{} failed", p.failed));
            return;
        }
        let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
        let due = last.is_none_or(|t| t.elapsed() >= LINE_EVERY) || p.done == p.total;
        if !due {
            return;
        }
        *last = Some(Instant::now());
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = p.done as f64 / secs;
        let eta = if rate > 0.0 {
            format!("{:.0}s", (p.total - p.done) as f64 / rate)
        } else {
            "?".into()
        };
        output::line_to_stderr(&format!(
            "progress: job {}: {}/{} rows, {rate:.1} rows/s, ETA {eta}, {} failed",
            p.job, p.done, p.total, p.failed
        ));
    }

    fn note(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| output::note(text)),
            None => output::note(text),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
