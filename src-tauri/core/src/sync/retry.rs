//! When and how long to retry. The shape of AWS's standard retry mode — exponential
//! backoff with full jitter, capped at 20 s — with more attempts for throttling, which
//! is expected under load, than for other transient failures. The SDK's own retries are
//! off: every attempt must pass the engine's rate limiter.

use std::time::Duration;

use super::ErrorKind;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all (the first one included) when the service throttles.
    pub throttled_attempts: u32,
    /// Attempts in all for network failures, timeouts, 5xx and unreadable responses.
    pub transient_attempts: u32,
    pub throttled_base: Duration,
    pub transient_base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            throttled_attempts: 10,
            transient_attempts: 5,
            throttled_base: Duration::from_millis(500),
            transient_base: Duration::from_millis(100),
            cap: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1` after a failure of `kind` on
    /// attempt `attempt` (from 0), or `None` to give up. `unit` is a uniform random
    /// number in [0, 1) (full jitter); `retry_after` is the service's own request.
    pub fn delay(&self, kind: ErrorKind, attempt: u32, unit: f64, retry_after: Option<Duration>) -> Option<Duration> {
        let (max, base) = match kind {
            ErrorKind::Throttled => (self.throttled_attempts, self.throttled_base),
            ErrorKind::Transient => (self.transient_attempts, self.transient_base),
            _ => return None,
        };
        if attempt + 1 >= max {
            return None;
        }
        let ceiling = base.saturating_mul(1u32 << attempt.min(20)).min(self.cap);
        let jittered = ceiling.mul_f64(unit.clamp(0.0, 1.0));
        Some(match retry_after {
            Some(r) => jittered.max(r.min(self.cap)),
            None => jittered,
        })
    }
}

/// A small xorshift generator for jitter (no need for cryptographic randomness).
#[derive(Debug, Clone)]
pub struct Jitter(u64);

impl Jitter {
    pub fn new(seed: u64) -> Jitter {
        Jitter(seed | 1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_to_the_cap() {
        let p = RetryPolicy::default();
        let top = |a| p.delay(ErrorKind::Throttled, a, 0.999_999, None).unwrap();
        assert!(top(0) <= Duration::from_millis(500));
        assert!(top(3) > Duration::from_millis(3900) && top(3) <= Duration::from_millis(4000));
        assert_eq!(top(8), Duration::from_secs(20).mul_f64(0.999_999));
        assert_eq!(p.delay(ErrorKind::Throttled, 2, 0.0, None), Some(Duration::ZERO));
    }

    #[test]
    fn throttling_gets_more_attempts_than_transient_failures() {
        let p = RetryPolicy::default();
        assert!(p.delay(ErrorKind::Transient, 3, 0.5, None).is_some());
        assert!(p.delay(ErrorKind::Transient, 4, 0.5, None).is_none());
        assert!(p.delay(ErrorKind::Throttled, 8, 0.5, None).is_some());
        assert!(p.delay(ErrorKind::Throttled, 9, 0.5, None).is_none());
    }

    #[test]
    fn only_throttling_and_transient_failures_are_retried() {
        let p = RetryPolicy::default();
        for k in [
            ErrorKind::Denied,
            ErrorKind::Credentials,
            ErrorKind::Fatal,
            ErrorKind::InvalidToken,
            ErrorKind::Cancelled,
        ] {
            assert_eq!(p.delay(k, 0, 0.5, None), None, "{k:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default();
        let d = p
            .delay(ErrorKind::Throttled, 0, 0.1, Some(Duration::from_secs(3)))
            .unwrap();
        assert_eq!(d, Duration::from_secs(3));
        let d = p
            .delay(ErrorKind::Throttled, 0, 0.1, Some(Duration::from_secs(600)))
            .unwrap();
        assert_eq!(d, Duration::from_secs(20));
    }

    #[test]
    fn jitter_is_uniform_enough() {
        let mut j = Jitter::new(42);
        let xs: Vec<f64> = (0..10_000).map(|_| j.unit()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }
}
