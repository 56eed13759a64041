//! `tokendesk-sim`: the TokenDesk practice server, a faithful stand-in for a CENTAGATE server.
//!
//! It speaks the four vendor calls (`user/auth/list`, `token/registerActiveToken`,
//! `token/syncToken`, `token/unlockToken`) exactly as documented, with real HOTP/TOTP tokens,
//! fail counters, locks, drift and resync underneath, state in SQLite, optional practice
//! controls under `/practice` and optional fault injection. See crates/sim/README.md.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tokendesk_sim::SimError> {
//! use tokendesk_sim::{spawn, Fixture, SimConfig};
//! let sim = spawn(SimConfig { fixture: Fixture::demo(), practice: true, ..SimConfig::default() }).await?;
//! println!("{} as {}", sim.base_url(), sim.admin().username);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod centagate;
mod codes;
mod controls;
mod error;
mod faults;
mod fixture;
mod otp;
mod practice;
mod quirks;
mod server;
mod store;
mod token;

pub use auth::cen_token;
pub use centagate::BASE_PATH;
pub use codes::Code;
pub use controls::{CodesView, Controls, LoginView, MAX_NEXT_CODES};
pub use error::SimError;
pub use faults::{FailMode, Faults};
pub use fixture::{
    AdminCredentials, BindingSpec, CertSpec, DeviceSpec, Fixture, PhoneSpec, PhoneStatus,
    TokenSpec, UserSpec, UserStatus,
};
pub use otp::{hotp, totp};
pub use quirks::AnswerStyle;
pub use server::{default_db_path, spawn, SimConfig, SimHandle};
pub use store::DbLocation;
pub use store::{PhoneView, StoreError, TokenView, UserView};
pub use token::{DeviceCodes, OtpKind, TokenStatus};
