//! The CENTAGATE backend: its wire calls, answers, typed methods and return-code catalog.

pub mod answer;
pub mod catalog;
pub mod client;
pub mod credentials;
pub mod methods;
