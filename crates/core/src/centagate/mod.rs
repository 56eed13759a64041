//! The CENTAGATE backend: its profile draft, its wire calls, answers, typed methods,
//! return-code catalog and the credentials its calls are signed with (and how the credential
//! store keeps them). [`crate::backend`] is how the rest of the crate reaches it.

pub mod answer;
pub mod catalog;
pub mod client;
pub mod credentials;
pub mod methods;
pub mod profile;
