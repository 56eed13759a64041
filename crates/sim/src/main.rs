//! `tokendesk-sim`: run the practice CENTAGATE and SecurID server. Prints one JSON line (base
//! URL, the admin's credentials, the SecurID adminRestApiUrl and access ID) to stdout, then
//! logs to stderr until Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use tokendesk_sim::{
    default_db_path, spawn, AnswerStyle, DbLocation, FailMode, Faults, Fixture, RateLimit,
    SecurIdConfig, SecurIdKey, SimConfig, DEFAULT_SESSION_TIMEOUT_SECS,
};

/// The TokenDesk practice server: a CENTAGATE stand-in with real OTP tokens, and the help-desk
/// calls of RSA SecurID Cloud Access Service.
#[derive(Debug, Parser)]
#[command(name = "tokendesk-sim", version)]
struct Args {
    /// Address to listen on: an IP, or IP:PORT. Loopback only (127.0.0.1, ::1) unless
    /// --listen-any is given too.
    #[arg(long, default_value = "127.0.0.1")]
    listen: String,
    /// Allow --listen to name an address beyond this machine, and answer requests for any
    /// host name. The practice admin's credentials are public and /practice needs none:
    /// only on a network you trust, on purpose.
    #[arg(long)]
    listen_any: bool,
    /// Port to listen on (0 picks a free one; overrides a port given in --listen).
    #[arg(long)]
    port: Option<u16>,
    /// SQLite database file (default: in the platform data directory).
    #[arg(long, conflicts_with = "memory")]
    db: Option<PathBuf>,
    /// Keep all state in memory (gone on exit).
    #[arg(long)]
    memory: bool,
    /// Load users and tokens from this TOML fixture (used only when the database is new).
    #[arg(long, conflicts_with = "demo")]
    fixture: Option<PathBuf>,
    /// Load the built-in demo users and tokens.
    #[arg(long)]
    demo: bool,
    /// Add N plain active users, user00001 … (bulk jobs and load tests).
    #[arg(long, value_name = "N", default_value_t = 0)]
    generate_users: usize,
    /// Serve the practice controls under /practice.
    #[arg(long)]
    practice: bool,
    /// Delay every vendor answer: MS or MS,JITTER_MS.
    #[arg(long, value_name = "MS[,JITTER]", value_parser = parse_latency)]
    latency: Option<(u64, u64)>,
    /// Probability (0..=1) that a vendor call fails (10004 or HTTP 500 HTML).
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_rate)]
    fail_rate: f64,
    /// How failures look.
    #[arg(long, value_enum, default_value_t = FailModeArg::Mixed)]
    fail_mode: FailModeArg,
    /// Probability (0..=1) that the connection is dropped mid-answer.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = parse_rate)]
    close_rate: f64,
    /// Answer loosely, as some real servers do: code as a string, object as JSON in a string.
    #[arg(long)]
    loose_answers: bool,
    /// SecurID: accept tokens signed with this key (the vendor's JSON key file, or an RSA
    /// private key PEM) instead of the built-in public practice key.
    #[arg(long, value_name = "FILE")]
    securid_key: Option<PathBuf>,
    /// SecurID: once listening, write the key file (vendor format, this server's
    /// adminRestApiUrl) to FILE, before the start-up line is printed.
    #[arg(long, value_name = "FILE")]
    write_key_file: Option<PathBuf>,
    /// SecurID: answer 429 beyond N calls a second (bursts up to N; 0 refuses every call).
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// SecurID: send no Retry-After header with 429 answers.
    #[arg(long, requires = "rate_limit")]
    no_retry_after: bool,
    /// How long a signed-in admin session lasts, in seconds (admin calls then answer 10001).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_SESSION_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    session_timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailModeArg {
    /// 10004 or HTTP 500, at random.
    Mixed,
    /// HTTP 200 with code 10004.
    DbError,
    /// HTTP 500 with an HTML page.
    Http500,
}

fn parse_latency(text: &str) -> Result<(u64, u64), String> {
    let (ms, jitter) = text.split_once(',').unwrap_or((text, "0"));
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("{s:?} is not a number of milliseconds"))
    };
    Ok((number(ms)?, number(jitter)?))
}

fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{text:?} is not a probability between 0 and 1")),
    }
}

fn listen_addr(listen: &str, port: Option<u16>) -> Result<SocketAddr, String> {
    let mut addr = if listen.eq_ignore_ascii_case("localhost") {
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
    } else if let Ok(addr) = listen.parse::<SocketAddr>() {
        addr
    } else if let Ok(ip) = listen.trim_matches(['[', ']']).parse::<IpAddr>() {
        SocketAddr::new(ip, 0)
    } else {
        return Err(format!("--listen {listen:?} is neither an IP nor IP:PORT"));
    };
    if let Some(port) = port {
        addr.set_port(port);
    }
    Ok(addr)
}

fn config(args: &Args) -> Result<SimConfig, String> {
    let listen = listen_addr(&args.listen, args.port)?;
    if !listen.ip().is_loopback() && !args.listen_any {
        return Err(format!(
            "--listen {listen} is not a loopback address: the practice admin's credentials are \
             public and /practice needs none; add --listen-any to listen beyond this machine on purpose"
        ));
    }
    if !listen.ip().is_loopback() {
        tracing::warn!(
            %listen,
            "listening beyond this machine: the practice admin's credentials are public and \
             /practice needs no credentials at all"
        );
    }
    let fixture = match (&args.fixture, args.demo) {
        (Some(path), _) => Fixture::load(path).map_err(|e| e.to_string())?,
        (None, true) => Fixture::demo(),
        (None, false) => {
            tracing::info!("no --fixture or --demo: starting with no users (try --demo)");
            Fixture::default()
        }
    }
    .with_generated_users(args.generate_users);
    let db = if args.memory {
        DbLocation::Memory
    } else {
        DbLocation::Path(match args.db.clone() {
            Some(path) => path,
            None => default_db_path().map_err(|e| e.to_string())?,
        })
    };
    if let DbLocation::Path(path) = &db {
        tracing::info!(path = %path.display(), "database");
    }
    let (latency, jitter) = args.latency.unwrap_or((0, 0));
    Ok(SimConfig {
        fixture,
        db,
        listen,
        listen_any: args.listen_any,
        practice: args.practice,
        faults: Faults {
            latency: Duration::from_millis(latency),
            jitter: Duration::from_millis(jitter),
            fail_rate: args.fail_rate,
            fail_mode: match args.fail_mode {
                FailModeArg::Mixed => FailMode::Mixed,
                FailModeArg::DbError => FailMode::DbError,
                FailModeArg::Http500 => FailMode::Http500,
            },
            close_rate: args.close_rate,
        },
        answers: if args.loose_answers {
            AnswerStyle::Loose
        } else {
            AnswerStyle::Strict
        },
        securid: SecurIdConfig {
            key: match &args.securid_key {
                Some(path) => SecurIdKey::load(path).map_err(|e| e.to_string())?,
                None => SecurIdKey::practice(),
            },
            rate_limit: args.rate_limit.map(|per_second| RateLimit {
                per_second,
                retry_after: !args.no_retry_after,
            }),
        },
        session_timeout: Duration::from_secs(args.session_timeout),
    })
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let config = match config(&args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("tokendesk-sim: {e}");
            return ExitCode::from(2);
        }
    };
    if config.faults.any() {
        tracing::warn!(faults = ?config.faults, "fault injection is on");
    }
    let sim = match spawn(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("tokendesk-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.write_key_file {
        if let Err(e) = sim.write_securid_key_file(path) {
            eprintln!("tokendesk-sim: {e}");
            sim.shutdown().await;
            return ExitCode::FAILURE;
        }
        tracing::info!(path = %path.display(), "SecurID key file written");
    }
    let mut stdout = std::io::stdout().lock();
    let printed = writeln!(stdout, "{}", sim.startup_line()).and_then(|_| stdout.flush());
    drop(stdout);
    if let Err(e) = printed {
        tracing::warn!(error = %e, "could not print the start-up line");
    }
    stop_signal().await;
    tracing::info!("stopping");
    sim.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        assert_eq!(parse_latency("50").unwrap(), (50, 0));
        assert_eq!(parse_latency("50,10").unwrap(), (50, 10));
        assert!(parse_latency("x").is_err());
        assert_eq!(parse_rate("1.0").unwrap(), 1.0);
        assert!(parse_rate("1.5").is_err());
        assert_eq!(
            listen_addr("127.0.0.1", Some(8790)).unwrap(),
            "127.0.0.1:8790".parse().unwrap()
        );
        assert_eq!(
            listen_addr("[::1]:9000", None).unwrap(),
            "[::1]:9000".parse().unwrap()
        );
        assert_eq!(listen_addr("::1", None).unwrap().port(), 0);
        assert!(listen_addr("nowhere", None).is_err());
    }
}
