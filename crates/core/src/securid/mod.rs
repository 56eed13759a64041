//! The RSA SecurID Cloud Access Service backend: its profile draft, its API key file (and how
//! the credential store keeps it), the JWT every call is signed with, the Cloud
//! Administration REST client (user lookup, unlock tokencodes, and the wider help-desk calls
//! of `helpdesk`), the 429 retry policy, the
//! HTTP-status catalog, and the lock vocabulary (`locks`) the error type names.
//! [`crate::backend`] is how the rest of the crate reaches it.

pub mod catalog;
pub mod client;
pub mod helpdesk;
pub mod jwt;
pub mod key;
pub mod locks;
pub mod profile;
pub mod retry;
pub mod users;

/// Environment variable naming a key file to use instead of the stored key (automation).
pub const ENV_KEY_FILE: &str = "TOKENDESK_SECURID_KEY_FILE";
