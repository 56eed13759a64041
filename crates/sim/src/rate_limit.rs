//! A token bucket for the SecurID routes: `per_second` calls a second, bursts of up to
//! `per_second`, one bucket for the whole server (the real service publishes no limits).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many SecurID calls a second the server takes before it answers 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls a second (and the largest burst). 0 answers every call with 429.
    pub per_second: u32,
    /// Send `Retry-After` (whole seconds until a call would be taken) with each 429. The real
    /// service documents none, so a client must cope with its absence too.
    pub retry_after: bool,
}

impl RateLimit {
    /// `per_second` calls a second, with `Retry-After` on each 429.
    pub fn per_second(per_second: u32) -> RateLimit {
        RateLimit {
            per_second,
            retry_after: true,
        }
    }
}

/// The bucket of one server.
#[derive(Debug)]
pub struct Limiter {
    limit: RateLimit,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Limiter {
    pub fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            bucket: Mutex::new(Bucket {
                tokens: f64::from(limit.per_second),
                last: Instant::now(),
            }),
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Take one call at `now`, or say how long until one would be taken.
    pub fn take(&self, now: Instant) -> Result<(), Duration> {
        let rate = f64::from(self.limit.per_second);
        if rate <= 0.0 {
            return Err(Duration::from_secs(1));
        }
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.last = bucket.last.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

/// A `Retry-After` value: whole seconds, rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_takes_a_burst_then_refills() {
        let limiter = Limiter::new(RateLimit::per_second(2));
        let start = Instant::now();
        assert!(limiter.take(start).is_ok());
        assert!(limiter.take(start).is_ok());
        let wait = limiter.take(start).unwrap_err();
        assert!(wait <= Duration::from_millis(500), "{wait:?}");
        assert_eq!(retry_after_secs(wait), 1);
        assert!(limiter.take(start + Duration::from_millis(500)).is_ok());
        assert!(limiter.take(start + Duration::from_millis(500)).is_err());
        // Refills no further than the burst.
        let later = start + Duration::from_secs(60);
        assert!(limiter.take(later).is_ok());
        assert!(limiter.take(later).is_ok());
        assert!(limiter.take(later).is_err());
    }

    #[test]
    fn zero_refuses_everything() {
        let limiter = Limiter::new(RateLimit::per_second(0));
        assert_eq!(limiter.take(Instant::now()), Err(Duration::from_secs(1)));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
