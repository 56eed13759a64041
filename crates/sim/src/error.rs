//! Errors of starting and configuring the simulator (answers to clients are vendor codes,
//! never these).

use std::path::PathBuf;

/// Why the simulator could not load its data or start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("fixture is not valid TOML: {0}")]
    FixtureSyntax(#[from] toml::de::Error),
    #[error("fixture is inconsistent: {0}")]
    Fixture(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error(
        "{addr} is not a loopback address: the practice server's credentials are public and \
         /practice needs none, so it listens beyond this machine only with --listen-any"
    )]
    NotLoopback { addr: std::net::SocketAddr },
    #[error(transparent)]
    SecurIdKey(#[from] crate::securid_auth::KeyError),
    #[error("no platform data directory for the default database; pass --db PATH or --memory")]
    NoDataDir,
}
