//! Where the time comes from: the computer's clock, or a test's. A leaf, so each vendor (the
//! SecurID JWT's `iat`/`exp`, CENTAGATE sign-in's `unixTimestamp`) uses the one trait.

/// Seconds since the Unix epoch, from the system or from a test.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Seconds since the Unix epoch.
    fn now(&self) -> u64;
}

/// The computer's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}
