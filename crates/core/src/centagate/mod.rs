//! The CENTAGATE backend: its profile draft, its wire calls, answers, typed methods,
//! return-code catalog, the credentials its calls are signed with (and how the credential
//! store keeps them), and the administrator's sign-in calls that obtain those credentials
//! (`signin`), what a signing-in profile keeps (`session`), and the token kinds and statuses
//! of the unregister and status calls (`tokens`). [`crate::backend`] is how the rest of the crate reaches it.

pub mod answer;
pub mod catalog;
pub mod client;
pub mod credentials;
pub mod methods;
pub mod profile;
pub mod session;
pub mod signin;
pub mod tokens;
