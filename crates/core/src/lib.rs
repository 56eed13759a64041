//! TokenDesk core: everything that is not GUI — profiles, secrets, signing, the server
//! clients, the return-code catalogs and validation. The desktop app and the `tokendesk` CLI
//! both call [`ops::Session`]; neither builds HTTP requests itself.
//!
//! The modules form layers that only look down: the shared vocabulary ([`vocab`],
//! [`catalog`], [`secret`], [`text`]) at the bottom, then [`error`], [`validate`], [`transport`],
//! [`sign`], [`local_file`] and [`profile`], then one folder per server vendor ([`centagate`], [`securid`]),
//! then the one seam over them ([`backend`]), then [`profiles`] and [`credentials`], then
//! [`audit`], then [`ops`], [`sign_in`], [`confirm`] and [`profile_changes`], and [`bulk`] over `ops`, on top. No module cycle:
//! `tests/module_graph.rs` checks it. `docs/architecture.md` has the map.

pub mod audit;
pub mod backend;
pub mod bulk;
pub mod catalog;
pub mod centagate;
pub mod clock;
pub mod confirm;
pub mod credentials;
pub mod error;
pub mod harden;
pub mod local_file;
pub mod ops;
pub mod profile;
pub mod profile_changes;
pub mod profiles;
pub mod secret;
pub mod securid;
pub mod sign;
pub mod sign_in;
pub mod text;
pub mod transport;
pub mod validate;
pub mod vocab;

pub use error::{ConfigError, Error, ErrorInfo, ErrorKind, TransportError, UnlockIncomplete};
pub use secret::Secret;
