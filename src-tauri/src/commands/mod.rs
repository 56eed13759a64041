//! The app's commands, one module per domain. Each is a thin call into core (or the embedded
//! practice server); errors cross IPC as core's stable `{kind, code, title, hint, serverMessage}`.

pub mod audit;
pub mod practice;
pub mod profiles;
pub mod securid;
pub mod startup;
pub mod tokens;
