//! `tokendesk`: the command-line face of TokenDesk. Thin: parsing, printing and exit
//! statuses here; everything else in tokendesk-core.

mod args;
mod bulk;
mod commands;
mod helpdesk;
mod login;
mod output;

use tokendesk_core::{ErrorInfo, ErrorKind};

fn main() {
    // No core dumps (they would hold keys), and a panic says where, never what.
    tokendesk_core::harden::harden_process();
    // args_os: an argument that is not UTF-8 is clap's to refuse in words, not a panic.
    let json_mode = std::env::args_os().any(|a| a == "--json");
    let cli = match args::Cli::parse_checked() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            let _ = e.print();
            std::process::exit(0);
        }
        Err(e) if json_mode => {
            let text = e.render().to_string();
            let what: Vec<&str> = text
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(|l| l.trim().trim_start_matches("error: "))
                .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
                .collect();
            let first = what.join(" ");
            output::failure(
                true,
                &ErrorInfo {
                    kind: ErrorKind::Input,
                    code: None,
                    title: "The command line is not valid".into(),
                    hint: format!("{first}. Run `tokendesk --help`. Nothing was sent."),
                    server_message: None,
                },
            );
            std::process::exit(2);
        }
        Err(e) => e.exit(),
    };
    init_logging(cli.verbose);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            std::process::exit(5);
        }
    };
    let json = cli.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(done) => output::success(json, &done),
        Err(f) => {
            output::failed(json, &f);
            std::process::exit(f.status);
        }
    }
}

/// Logs go to stderr, only from TokenDesk's own crates (libraries below may print request
/// details at their trace level), at a level set by -v.
fn init_logging(verbose: u8) {
    // Without -v a failure is told once, by the `error:` lines, and a rate-limit wait by its
    // `note:` line; the library's own warnings about them only add noise.
    let level = match verbose {
        0 => "error",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::new(format!(
        "warn,tokendesk_core={level},tokendesk={level}"
    ));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in pipes, files and CI logs.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .init();
}
