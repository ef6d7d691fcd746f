//! Token buckets that pace each API per account and Region below its documented quota.
//! The bucket arithmetic is a plain value ([`Bucket`]) so it is tested without clocks;
//! [`RateLimiter`] wraps it for concurrent async callers.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A request rate: `per_second` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    pub per_second: f64,
    pub burst: f64,
}

/// The documented quota of an IAM action, or a conservative one where AWS publishes
/// none. Security Hub: GetFindings 3/s burst 6, its other calls 10/s burst 30.
/// Inspector and Config publish no per-API rate; they get 5/s burst 10.
pub fn quota_for(action: &str) -> Quota {
    match action {
        "securityhub:GetFindings" => Quota {
            per_second: 3.0,
            burst: 6.0,
        },
        a if a.starts_with("securityhub:") => Quota {
            per_second: 10.0,
            burst: 30.0,
        },
        _ => Quota {
            per_second: 5.0,
            burst: 10.0,
        },
    }
}

/// A token bucket; time is passed in, in seconds since any fixed origin.
#[derive(Debug, Clone)]
pub struct Bucket {
    quota: Quota,
    tokens: f64,
    at: f64,
}

impl Bucket {
    /// A full bucket at time `now`.
    pub fn new(quota: Quota, now: f64) -> Bucket {
        Bucket {
            quota,
            tokens: quota.burst,
            at: now,
        }
    }

    fn refill(&mut self, now: f64) {
        if now > self.at {
            self.tokens = (self.tokens + (now - self.at) * self.quota.per_second).min(self.quota.burst);
            self.at = now;
        }
    }

    /// Takes a token at `now`, or says how long to wait for one.
    pub fn take(&mut self, now: f64) -> Result<(), f64> {
        self.refill(now);
        // A token refilled to exactly one can land a hair below it in floating point.
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens = (self.tokens - 1.0).max(0.0);
            Ok(())
        } else {
            Err((1.0 - self.tokens) / self.quota.per_second)
        }
    }

    /// The service said we are over its quota: spend what the bucket holds so that
    /// every caller slows down, not just the one that was refused.
    pub fn drain(&mut self, now: f64) {
        self.refill(now);
        self.tokens = self.tokens.min(0.0);
    }
}

/// A [`Bucket`] shared by the concurrent requests to one API in one account and Region.
#[derive(Debug)]
pub struct RateLimiter {
    origin: Instant,
    bucket: Mutex<Bucket>,
}

impl RateLimiter {
    /// Paces at `margin` (e.g. 0.97) of the quota: the service's clock and ours differ,
    /// and a request sent on the dot can arrive early.
    pub fn new(quota: Quota, margin: f64) -> RateLimiter {
        let paced = Quota {
            per_second: quota.per_second * margin,
            burst: quota.burst,
        };
        RateLimiter {
            origin: Instant::now(),
            bucket: Mutex::new(Bucket::new(paced, 0.0)),
        }
    }

    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    /// Waits for a token.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
                match b.take(self.now()) {
                    Ok(()) => return,
                    Err(w) => w,
                }
            };
            tokio::time::sleep(Duration::from_secs_f64(wait.max(0.001))).await;
        }
    }

    pub fn throttled(&self) {
        let now = self.now();
        self.bucket.lock().unwrap_or_else(|p| p.into_inner()).drain(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_allows_the_burst_then_the_rate() {
        let q = quota_for("securityhub:GetFindings");
        let mut b = Bucket::new(q, 0.0);
        for _ in 0..6 {
            assert!(b.take(0.0).is_ok());
        }
        let wait = b.take(0.0).unwrap_err();
        assert!((wait - 1.0 / 3.0).abs() < 1e-9, "{wait}");
        assert!(b.take(1.0 / 3.0).is_ok());
        assert!(b.take(1.0 / 3.0).is_err());
        // Ten seconds idle refills to the burst, not beyond.
        for _ in 0..6 {
            assert!(b.take(10.0).is_ok());
        }
        assert!(b.take(10.0).is_err());
    }

    #[test]
    fn the_sustained_rate_over_a_minute_is_the_quota() {
        let mut b = Bucket::new(quota_for("securityhub:GetFindings"), 0.0);
        let (mut now, mut sent) = (0.0, 0);
        while now < 60.0 {
            match b.take(now) {
                Ok(()) => sent += 1,
                Err(w) => now += w,
            }
        }
        // The burst plus 3 a second.
        assert!((185..=187).contains(&sent), "{sent}");
    }

    #[test]
    fn throttling_spends_the_bucket() {
        let mut b = Bucket::new(quota_for("inspector2:ListFindings"), 0.0);
        b.drain(0.0);
        assert!(b.take(0.0).is_err());
        assert!(b.take(0.2).is_ok());
    }

    #[test]
    fn quotas_follow_the_documentation() {
        assert_eq!(quota_for("securityhub:GetFindings").per_second, 3.0);
        assert_eq!(quota_for("securityhub:ListFindingAggregators").burst, 30.0);
        assert_eq!(quota_for("config:GetComplianceDetailsByConfigRule").per_second, 5.0);
    }
}
