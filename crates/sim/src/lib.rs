//! `tokendesk-sim`: the TokenDesk practice server, a faithful stand-in for a CENTAGATE server
//! and for the help-desk calls of RSA SecurID Cloud Access Service.
//!
//! It speaks the four CENTAGATE calls (`user/auth/list`, `token/registerActiveToken`,
//! `token/syncToken`, `token/unlockToken`) exactly as documented, the help-desk calls
//! (`token/unregisterActiveToken`, `token/getStatus`, `token/update/token/status`,
//! `user/unlockUser`, `user/status/update`), and the administrator sign-in
//! calls (`auth/authBasic`, a second factor, `auth/logout`) with sessions that expire; real HOTP/TOTP tokens,
//! fail counters, locks, drift and resync underneath, and the SecurID help-desk calls (User
//! Details, Unlock User Tokencodes, user search and status, emergency tokencodes, authenticators,
//! SID700 tokens) with the vendor's JWT checks and an optional rate limit; state in
//! SQLite, optional practice controls under `/practice` and optional fault injection. See
//! crates/sim/README.md.
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
mod helpdesk;
mod otp;
mod practice;
mod quirks;
mod rate_limit;
mod securid;
mod securid_auth;
mod securid_helpdesk;
mod server;
mod signin;
mod store;
mod token;

pub use auth::cen_token;
pub use centagate::BASE_PATH;
pub use codes::Code;
pub use controls::{CodesView, Controls, EmergencyLoginView, LoginView, MAX_NEXT_CODES};
pub use error::SimError;
pub use faults::{FailMode, Faults};
pub use fixture::{
    derived_securid_id, is_securid_id, AdminCredentials, BindingSpec, CertSpec, DeviceSpec,
    Fixture, PhoneSpec, PhoneStatus, SecurIdMethod, SecurIdSpec, SecurIdStatus, SidTokenSpec,
    TokenSpec, UserSpec, UserStatus, DEFAULT_IDENTITY_SOURCE,
};
pub use fixture::{
    AppSpec, SignInSpec, PRACTICE_ADMIN_OTP_SECRET, PRACTICE_ADMIN_PASSWORD, PRACTICE_ADMIN_PHONE,
    PRACTICE_APP_SECRET_KEY, PRACTICE_INTEGRATION_KEY,
};
pub use otp::{hotp, totp};
pub use quirks::AnswerStyle;
pub use rate_limit::RateLimit;
/// The SecurID JWT check, public so the fuzz target `sim_jwt` (fuzz/) can drive it directly.
pub use securid_auth::Verifier;
pub use securid_auth::{
    JwtRejection, KeyError, KeyFile, SecurIdKey, CLOCK_SKEW_SECS, MAX_TOKEN_LIFETIME_SECS,
    PRACTICE_ACCESS_ID, PRACTICE_CUSTOMER_NAME, PRACTICE_KEY_PEM, SECURID_API_PATH,
};
pub use securid_helpdesk::{MAX_EMERGENCY_MINUTES, MAX_PAGE_SIZE, SECURID_V2_PATH};
pub use server::{default_db_path, is_loopback_host, spawn, SecurIdConfig, SimConfig, SimHandle};
pub use signin::{
    AdminCodesView, SignInAdminView, SignInControlError, SmsView, ADMIN_OTP_DIGITS,
    ADMIN_OTP_PERIOD, DEFAULT_SESSION_TIMEOUT_SECS, SMS_OTP_TIMEOUT_SECS, SMS_RESEND_SECS,
    STEP_TIMEOUT_SECS, TIMESTAMP_WINDOW_SECS, V2_BASE_PATH,
};
pub use store::DbLocation;
pub use store::{
    EmergencyCodeView, PhoneView, SecurIdUser, SidTokenView, StoreError, Switches, TokenView,
    UserView, DEFAULT_EMERGENCY_MINUTES, DEFAULT_EMERGENCY_ONE_TIME,
};
pub use token::{DeviceCodes, OtpKind, TokenStatus};
