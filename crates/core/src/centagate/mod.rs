//! The CENTAGATE backend: its profile draft, its wire calls, answers, typed methods,
//! return-code catalog, the credentials its calls are signed with (and how the credential
//! store keeps them), and the administrator's sign-in calls that obtain those credentials
//! (`signin`), and what a signing-in profile keeps (`session`). [`crate::backend`] is how the rest of the crate reaches it.

pub mod answer;
pub mod catalog;
pub mod client;
pub mod credentials;
pub mod methods;
pub mod profile;
pub mod session;
pub mod signin;
