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

fn at(unix_secs: u64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(i64::try_from(unix_secs).unwrap_or(i64::MAX))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// A Unix time in seconds as `YYYY-MM-DD HH:MM UTC`: when a session ends, in words.
pub fn utc_minute(unix_secs: u64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at(unix_secs).format(&fmt).unwrap_or_default()
}

/// A Unix time in seconds as RFC 3339 in UTC (`YYYY-MM-DDTHH:MM:SSZ`).
pub fn rfc3339(unix_secs: u64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at(unix_secs).format(&fmt).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_words() {
        assert_eq!(utc_minute(1_764_391_774), "2025-11-29 04:49 UTC");
        assert_eq!(rfc3339(1_764_391_774), "2025-11-29T04:49:34Z");
    }
}
