//! TokenDesk core: everything that is not GUI — profiles, secrets, signing, the server
//! clients, the return-code catalog and validation. The desktop app and the `tokendesk` CLI
//! both call [`ops::Session`]; neither builds HTTP requests itself.

pub mod activity;
pub mod catalog;
pub mod centagate;
pub mod credentials;
pub mod error;
pub mod ops;
pub mod profiles;
pub mod secret;
pub mod securid;
pub mod sign;
pub mod transport;
pub mod validate;
pub mod vocab;

pub use error::{ConfigError, Error, ErrorInfo, ErrorKind, TransportError, UnlockIncomplete};
pub use secret::Secret;
