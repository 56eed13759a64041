//! The app's commands, one module per domain. Each is a thin call into core (or the embedded
//! practice server); errors cross IPC as core's stable `{kind, code, title, hint, serverMessage}`.

pub mod audit;
pub mod bulk;
pub mod dialog;
pub mod helpdesk;
pub mod practice;
pub mod profiles;
pub mod securid;
pub mod sign_in;
pub mod startup;
pub mod tokens;

use tokendesk_core::{ConfigError, Error};

/// Runs credential-store work off the async threads (the store's calls block).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ConfigError::StoreFailed {
            detail: e.to_string(),
        })?
}
