//! The CENTAGATE backend: its wire calls, answers, typed methods, return-code catalog and
//! the credentials its calls are signed with.

pub mod answer;
pub mod catalog;
pub mod client;
pub mod credentials;
pub mod methods;
