//! Load benchmark: start the practice server on a file database in a temporary directory
//! (durable writes: WAL, synchronous=FULL) and drive each vendor call from N concurrent
//! clients for a fixed number of requests, printing throughput and p50/p99 latency.
//!
//! `cargo run -p tokendesk-sim --release --example load -- [--clients N] [--requests N] [--memory]
//! [--latency MS] [--calls list,register,sync,unlock]`
//!
//! `--latency` adds the practice server's simulated round trip (as its `--latency`) to every
//! vendor call; `--calls` runs only the calls named (all four by default). With both, this is
//! the server's own ceiling for a bulk job at the same concurrency and latency
//! (`scripts/perf-bulk.sh`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokendesk_sim::{hotp, spawn, DbLocation, Faults, Fixture, SimConfig, SimHandle};

const SECRET_B32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SECRET: &[u8] = b"12345678901234567890";

struct Options {
    clients: usize,
    requests: usize,
    memory: bool,
    latency: Duration,
    calls: Vec<Call>,
}

fn options() -> Options {
    let mut opts = Options {
        clients: 16,
        requests: 4000,
        memory: false,
        latency: Duration::ZERO,
        calls: Call::ALL.to_vec(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).and_then(|v| v.parse::<usize>().ok());
        match args[i].as_str() {
            "--clients" => opts.clients = value().expect("--clients N").max(1),
            "--requests" => opts.requests = value().expect("--requests N").max(1),
            "--latency" => {
                opts.latency = Duration::from_millis(value().expect("--latency MS") as u64)
            }
            "--calls" => {
                let names = args.get(i + 1).expect("--calls list,register,sync,unlock");
                opts.calls = names
                    .split(',')
                    .map(|name| {
                        Call::ALL
                            .into_iter()
                            .find(|c| c.name() == name.trim())
                            .unwrap_or_else(|| panic!("unknown call {name}"))
                    })
                    .collect();
            }
            "--memory" => {
                opts.memory = true;
                i -= 1;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    opts
}

fn fixture(clients: usize) -> Fixture {
    let mut text = String::new();
    for i in 0..clients {
        text.push_str(&format!(
            "[[users]]\nusername = \"b{i:03}\"\n\
             [[phones]]\nnumber = \"+6011{i:03}00000\"\nuser = \"b{i:03}\"\n\
             [[tokens]]\nserial = \"B-{i:03}\"\nkind = \"hotp\"\nsecret = \"{SECRET_B32}\"\nstatus = \"active\"\n\
             [[bindings]]\nuser = \"b{i:03}\"\ntoken = \"B-{i:03}\"\n"
        ));
    }
    Fixture::from_toml_str(&text).expect("bench fixture")
}

#[derive(Clone, Copy, Debug)]
enum Call {
    List,
    Register,
    Sync,
    Unlock,
}

impl Call {
    const ALL: [Call; 4] = [Call::List, Call::Register, Call::Sync, Call::Unlock];

    fn name(self) -> &'static str {
        match self {
            Call::List => "list",
            Call::Register => "register",
            Call::Sync => "sync",
            Call::Unlock => "unlock",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Call::List => "user/auth/list",
            Call::Register => "token/registerActiveToken",
            Call::Sync => "token/syncToken",
            Call::Unlock => "token/unlockToken",
        }
    }
}

/// One client's share of a call: `count` requests in a row, returning each latency.
async fn client(
    sim: Arc<SimHandle>,
    http: reqwest::Client,
    call: Call,
    id: usize,
    count: usize,
) -> (Vec<Duration>, usize) {
    let user = format!("b{id:03}");
    let url = format!(
        "{}/{}/{}",
        sim.base_url(),
        call.path(),
        sim.admin().username
    );
    let cen = sim.admin().cen_token();
    let lock_url = format!("{}/practice/tokens/B-{id:03}/lock", sim.origin());
    let mut counter = 0u64;
    let mut latencies = Vec::with_capacity(count);
    let mut failures = 0;
    for n in 0..count {
        let body = match call {
            Call::List => json!({"username": user, "cenToken": cen}),
            Call::Register => json!({"username": user, "tokenType": 1, "cenToken": cen,
                                     "tokenSn": format!("+6019{id:03}{n:05}")}),
            Call::Sync => {
                let body = json!({"username": user, "cenToken": cen,
                                  "otpStr1": hotp(SECRET, counter, 6),
                                  "otpStr2": hotp(SECRET, counter + 1, 6)});
                counter += 2;
                body
            }
            Call::Unlock => {
                // Not measured: lock the token so that every unlock has work to do.
                let locked = http
                    .post(&lock_url)
                    .send()
                    .await
                    .map(|r| r.status().is_success());
                if !matches!(locked, Ok(true)) {
                    failures += 1;
                }
                json!({"username": user, "cenToken": cen})
            }
        };
        let start = Instant::now();
        let answer = http.put(&url).json(&body).send().await;
        let answer: Option<Value> = match answer {
            Ok(r) => r.json().await.ok(),
            Err(_) => None,
        };
        latencies.push(start.elapsed());
        if answer.as_ref().and_then(|a| a["code"].as_u64()) != Some(0) {
            failures += 1;
        }
    }
    (latencies, failures)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let opts = options();
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = if opts.memory {
        DbLocation::Memory
    } else {
        DbLocation::Path(dir.path().join("load.sqlite3"))
    };
    let sim = Arc::new(
        spawn(SimConfig {
            fixture: fixture(opts.clients),
            db,
            practice: true,
            faults: Faults {
                latency: opts.latency,
                ..Faults::default()
            },
            ..SimConfig::default()
        })
        .await
        .expect("server starts"),
    );
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(opts.clients)
        .build()
        .expect("HTTP client");
    let per_client = opts.requests.div_ceil(opts.clients);
    println!(
        "tokendesk-sim load: {} clients x {} requests per call, {} database{}, {} CPUs",
        opts.clients,
        per_client,
        if opts.memory {
            "in-memory"
        } else {
            "file (WAL, synchronous=FULL)"
        },
        if opts.latency.is_zero() {
            String::new()
        } else {
            format!(", {} ms added latency", opts.latency.as_millis())
        },
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
    );
    println!(
        "{:<10} {:>9} {:>12} {:>10} {:>10} {:>10} {:>9}",
        "call", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "failures"
    );
    for call in opts.calls.iter().copied() {
        let start = Instant::now();
        let tasks: Vec<_> = (0..opts.clients)
            .map(|id| tokio::spawn(client(sim.clone(), http.clone(), call, id, per_client)))
            .collect();
        let mut all = Vec::new();
        let mut failures = 0;
        for task in tasks {
            let (latencies, failed) = task.await.expect("client task");
            all.extend(latencies);
            failures += failed;
        }
        let wall = start.elapsed();
        all.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<10} {:>9} {:>12.0} {:>10.2} {:>10.2} {:>10.2} {:>9}",
            call.name(),
            all.len(),
            all.len() as f64 / wall.as_secs_f64(),
            ms(percentile(&all, 0.50)),
            ms(percentile(&all, 0.99)),
            ms(*all.last().unwrap_or(&Duration::ZERO)),
            failures,
        );
    }
    if let Ok(sim) = Arc::try_unwrap(sim) {
        sim.shutdown().await;
    }
}
