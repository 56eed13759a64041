//! What to do when the SecurID API answers 429 Too Many Requests: wait and try again, with
//! exponential backoff and jitter (1 s doubling to a 32 s cap by default), honouring
//! `Retry-After` when the server sends one, for a small bounded number of attempts — and only
//! for calls that are safe to repeat (user lookup, unlock). The caller is told before each
//! wait through a [`RateLimitObserver`]. The sleeper and the jitter are injectable so tests
//! count attempts and waits without sleeping.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::vocab::Operation;

/// Waits; the real one is tokio's timer.
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    /// Resolves after `d`.
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// Spreads waits so clients that were refused together do not retry together.
pub trait Jitter: Send + Sync + std::fmt::Debug {
    /// The wait to use for a backoff of `base`; should be within `[base / 2, base]`.
    fn apply(&self, base: Duration) -> Duration;
}

/// "Equal jitter": half the backoff, plus a random part of the other half.
#[derive(Debug, Default)]
pub struct RandomJitter {
    counter: AtomicU64,
}

impl Jitter for RandomJitter {
    fn apply(&self, base: Duration) -> Duration {
        // Randomness without a dependency: std's randomly seeded hasher over a counter.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(self.counter.fetch_add(1, Ordering::Relaxed));
        let fraction = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
        base / 2 + (base / 2).mul_f64(fraction)
    }
}

/// No jitter: the full backoff (tests, and anyone who wants predictable waits).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn apply(&self, base: Duration) -> Duration {
        base
    }
}

/// Told before each wait, so the CLI can print and the app can show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RateLimitNotice {
    pub operation: Operation,
    /// The attempt the server refused, from 1.
    pub attempt: u32,
    /// Attempts that will be made at most.
    pub max_attempts: u32,
    /// How long TokenDesk waits before the next attempt, in milliseconds.
    pub wait_ms: u64,
    /// True when the wait is the server's `Retry-After`.
    pub from_retry_after: bool,
    /// The words to show: "rate limited by the server, retrying in 2 s (attempt 2 of 4)".
    pub message: String,
}

/// Receives [`RateLimitNotice`]s.
pub type RateLimitObserver = Arc<dyn Fn(&RateLimitNotice) + Send + Sync>;

/// How 429 answers are retried.
#[derive(Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 means never retry).
    pub max_attempts: u32,
    /// The first backoff; each next one doubles.
    pub first_wait: Duration,
    /// The largest backoff.
    pub max_wait: Duration,
    /// The longest `Retry-After` TokenDesk waits for; a longer one ends the retries at once.
    pub max_retry_after: Duration,
    pub sleeper: Arc<dyn Sleeper>,
    pub jitter: Arc<dyn Jitter>,
    pub observer: Option<RateLimitObserver>,
}

/// Default attempts: the first and three retries.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(32),
            max_retry_after: Duration::from_secs(60),
            sleeper: Arc::new(TokioSleeper),
            jitter: Arc::new(RandomJitter::default()),
            observer: None,
        }
    }
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("first_wait", &self.first_wait)
            .field("max_wait", &self.max_wait)
            .field("max_retry_after", &self.max_retry_after)
            .field("sleeper", &self.sleeper)
            .field("jitter", &self.jitter)
            .field("observer", &self.observer.as_ref().map(|_| "set"))
            .finish()
    }
}

impl RetryPolicy {
    /// The backoff before retry `n` (1 for the first retry), before jitter:
    /// `first_wait * 2^(n-1)`, at most `max_wait`.
    pub fn backoff(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1));
        self.first_wait
            .checked_mul(factor)
            .unwrap_or(self.max_wait)
            .min(self.max_wait)
    }

    /// The wait after attempt `attempt` was refused, or `None` when no retry is left (or
    /// the server asked for a longer wait than [`RetryPolicy::max_retry_after`]).
    /// The `bool` is true when the wait is the server's `Retry-After`.
    pub fn wait_after(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
    ) -> Option<(Duration, bool)> {
        if attempt >= self.max_attempts {
            return None;
        }
        match retry_after {
            Some(d) if d > self.max_retry_after => None,
            Some(d) => Some((d, true)),
            None => Some((self.jitter.apply(self.backoff(attempt)), false)),
        }
    }

    /// Tells the observer, if any.
    pub(crate) fn notify(&self, notice: &RateLimitNotice) {
        if let Some(o) = &self.observer {
            o(notice);
        }
    }
}

impl RateLimitNotice {
    pub(crate) fn new(
        operation: Operation,
        attempt: u32,
        max_attempts: u32,
        wait: Duration,
        from_retry_after: bool,
    ) -> Self {
        let secs = wait.as_secs_f64();
        let shown = if secs < 10.0 && secs.fract() != 0.0 {
            format!("{secs:.1} s")
        } else {
            format!("{} s", secs.round() as u64)
        };
        RateLimitNotice {
            operation,
            attempt,
            max_attempts,
            wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            from_retry_after,
            message: format!(
                "rate limited by the server, retrying in {shown} (attempt {} of {max_attempts})",
                attempt + 1
            ),
        }
    }
}

/// Reads `Retry-After`: seconds, or an HTTP date (compared with `now`, epoch seconds).
pub fn parse_retry_after(value: &str, now: u64) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822)
        .ok()?
        .unix_timestamp();
    let now = i64::try_from(now).ok()?;
    Some(Duration::from_secs(u64::try_from(at - now).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        let secs: Vec<u64> = (1..=8).map(|n| p.backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 32, 32]);
        assert_eq!(p.backoff(200), Duration::from_secs(32));
    }

    #[test]
    fn random_jitter_stays_between_half_and_whole() {
        let j = RandomJitter::default();
        let base = Duration::from_secs(8);
        let waits: Vec<Duration> = (0..200).map(|_| j.apply(base)).collect();
        assert!(waits.iter().all(|w| *w >= base / 2 && *w <= base));
        assert!(waits.iter().any(|w| *w != waits[0]), "not all equal");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 ", 0), Some(Duration::from_secs(7)));
        // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_800),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
    }

    #[test]
    fn bounded_attempts_and_long_retry_after_give_up() {
        let p = RetryPolicy {
            jitter: Arc::new(NoJitter),
            ..RetryPolicy::default()
        };
        assert_eq!(p.wait_after(1, None), Some((Duration::from_secs(1), false)));
        assert_eq!(p.wait_after(3, None), Some((Duration::from_secs(4), false)));
        assert_eq!(p.wait_after(4, None), None);
        assert_eq!(
            p.wait_after(1, Some(Duration::from_secs(5))),
            Some((Duration::from_secs(5), true))
        );
        assert_eq!(p.wait_after(1, Some(Duration::from_secs(61))), None);
    }

    #[test]
    fn notices_say_how_long() {
        let n = RateLimitNotice::new(
            Operation::UnlockMethods,
            1,
            4,
            Duration::from_secs(2),
            false,
        );
        assert_eq!(
            n.message,
            "rate limited by the server, retrying in 2 s (attempt 2 of 4)"
        );
        let n = RateLimitNotice::new(
            Operation::LookupUser,
            2,
            4,
            Duration::from_millis(1500),
            false,
        );
        assert!(n.message.contains("1.5 s"), "{}", n.message);
    }
}
