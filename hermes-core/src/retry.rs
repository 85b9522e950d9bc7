//! The one retry loop every client uses: exponential backoff with full jitter, bounded attempts and
//! total time, `Retry-After` honoured, and no blind retry of a non-idempotent request that may have been
//! sent.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! use std::time::Duration;
//! use hermes_core::{Error, ErrorKind, Idempotency, RetryPolicy};
//! let policy = RetryPolicy::default().initial_delay(Duration::from_millis(1)).max_attempts(5);
//! let mut calls = 0;
//! let value = policy
//!     .run(Idempotency::Idempotent, || {
//!         calls += 1;
//!         let fail = calls < 3;
//!         async move {
//!             if fail { Err(Error::new(ErrorKind::Transport, "connection reset")) } else { Ok(42) }
//!         }
//!     })
//!     .await
//!     .unwrap();
//! assert_eq!((value, calls), (42, 3));
//! # });
//! ```

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::{Classify, Idempotency, Sent};

/// How to retry: exponential backoff with full jitter (AWS's "full jitter": a uniformly random delay in
/// `[0, min(max_delay, initial * multiplier^attempt)]`), bounded by attempts and total elapsed time.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    initial: Duration,
    max_delay: Duration,
    multiplier: f64,
    max_attempts: u32,
    max_elapsed: Option<Duration>,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts, 200 ms initial delay doubling up to 10 s, at most 60 s in all, full jitter.
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            multiplier: 2.0,
            max_attempts: 4,
            max_elapsed: Some(Duration::from_secs(60)),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (one attempt).
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }
    /// The first delay's upper bound.
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial = d;
        self
    }
    /// The cap on any one delay.
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }
    /// The growth factor between attempts (at least 1).
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = m.max(1.0);
        self
    }
    /// The most attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    /// The most time from the first attempt to the start of the last; `None` for no bound.
    pub fn max_elapsed(mut self, d: Option<Duration>) -> Self {
        self.max_elapsed = d;
        self
    }
    /// Turns jitter off (deterministic delays; for tests and for targets that need exact pacing).
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }
    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before retry number `retry` (0 for the first retry), honouring a server's
    /// `Retry-After` as a floor.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self.multiplier.powi(retry.min(63) as i32);
        let ceiling = self.initial.mul_f64(exp.min(1e9)).min(self.max_delay);
        let backoff = if self.jitter {
            ceiling.mul_f64(fastrand::f64())
        } else {
            ceiling
        };
        match retry_after {
            Some(after) => backoff.max(after),
            None => backoff,
        }
    }

    /// Whether the error `err`, seen on attempt `attempt` (1-based) of an operation with `idempotency`,
    /// should be retried at all (ignoring time).
    pub fn should_retry<E: Classify>(
        &self,
        err: &E,
        attempt: u32,
        idempotency: Idempotency,
    ) -> bool {
        attempt < self.max_attempts
            && err.is_transient()
            && (idempotency == Idempotency::Idempotent || err.sent() == Sent::No)
    }

    /// Runs `op` until it succeeds, fails with an error that is not safe to retry, or the attempts or
    /// time run out; returns the last error then. Sleeps between attempts as [`RetryPolicy::delay`] says.
    pub async fn run<T, E, F, Fut>(&self, idempotency: Idempotency, mut op: F) -> Result<T, E>
    where
        E: Classify,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let start = Instant::now();
        let mut attempt = 1;
        loop {
            match op().await {
                Ok(v) => return Ok(v),
                Err(err) => {
                    if !self.should_retry(&err, attempt, idempotency) {
                        return Err(err);
                    }
                    let delay = self.delay(attempt - 1, err.retry_after());
                    if let Some(max) = self.max_elapsed {
                        if start.elapsed() + delay > max {
                            return Err(err);
                        }
                    }
                    tracing::debug!(attempt, ?delay, kind = %err.kind(), "retrying after transient error");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, ErrorKind};
    use std::cell::Cell;

    fn fast() -> RetryPolicy {
        RetryPolicy::default()
            .initial_delay(Duration::from_millis(1))
            .max_delay(Duration::from_millis(4))
    }

    #[test]
    fn delays_grow_exponentially_are_capped_and_jittered_below_the_ceiling() {
        let p = RetryPolicy::default()
            .initial_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(1))
            .without_jitter();
        let d: Vec<u128> = (0..6).map(|i| p.delay(i, None).as_millis()).collect();
        assert_eq!(d, vec![100, 200, 400, 800, 1000, 1000]);
        let j = RetryPolicy::default().initial_delay(Duration::from_millis(100));
        for i in 0..50 {
            assert!(
                j.delay(3, None) <= Duration::from_millis(800),
                "attempt {i}"
            );
        }
        // Jitter spreads the delays: not all the same.
        let spread: std::collections::BTreeSet<u128> =
            (0..50).map(|_| j.delay(3, None).as_micros()).collect();
        assert!(spread.len() > 10);
    }

    #[test]
    fn retry_after_is_a_floor() {
        let p = fast();
        assert!(p.delay(0, Some(Duration::from_millis(300))) >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn stops_at_max_attempts_and_returns_last_error() {
        let calls = Cell::new(0);
        let res: Result<(), Error> = fast()
            .max_attempts(3)
            .run(Idempotency::Idempotent, || {
                calls.set(calls.get() + 1);
                async { Err(Error::new(ErrorKind::Timeout, "slow")) }
            })
            .await;
        assert_eq!(calls.get(), 3);
        assert_eq!(res.unwrap_err().kind(), ErrorKind::Timeout);
    }

    #[tokio::test]
    async fn never_retries_permanent_errors() {
        for kind in [
            ErrorKind::Auth,
            ErrorKind::InvalidInput,
            ErrorKind::NotFound,
            ErrorKind::Malformed,
        ] {
            let calls = Cell::new(0);
            let _ = fast()
                .run(Idempotency::Idempotent, || {
                    calls.set(calls.get() + 1);
                    async move { Err::<(), _>(Error::new(kind, "no")) }
                })
                .await;
            assert_eq!(calls.get(), 1, "{kind}");
        }
    }

    #[tokio::test]
    async fn a_power_cycle_that_may_have_been_sent_is_not_retried() {
        let calls = Cell::new(0);
        let _ = fast()
            .run(Idempotency::NonIdempotent, || {
                calls.set(calls.get() + 1);
                async {
                    Err::<(), _>(
                        Error::new(ErrorKind::Timeout, "reset after POST").with_sent(Sent::Maybe),
                    )
                }
            })
            .await;
        assert_eq!(calls.get(), 1);
        // ... but one refused before it left is.
        let calls = Cell::new(0);
        let _ = fast()
            .max_attempts(3)
            .run(Idempotency::NonIdempotent, || {
                calls.set(calls.get() + 1);
                async {
                    Err::<(), _>(
                        Error::new(ErrorKind::Transport, "connection refused").with_sent(Sent::No),
                    )
                }
            })
            .await;
        assert_eq!(calls.get(), 3);
    }

    #[tokio::test]
    async fn max_elapsed_bounds_total_time() {
        let calls = Cell::new(0);
        let started = Instant::now();
        let p = RetryPolicy::default()
            .max_attempts(100)
            .initial_delay(Duration::from_millis(20))
            .max_delay(Duration::from_millis(20))
            .without_jitter()
            .max_elapsed(Some(Duration::from_millis(100)));
        let _ = p
            .run(Idempotency::Idempotent, || {
                calls.set(calls.get() + 1);
                async { Err::<(), _>(Error::new(ErrorKind::Throttled, "429")) }
            })
            .await;
        assert!(calls.get() <= 6, "{} calls", calls.get());
        assert!(started.elapsed() < Duration::from_secs(2));
        // A Retry-After beyond the budget ends the loop at once rather than sleeping past it.
        let calls = Cell::new(0);
        let _ = p
            .run(Idempotency::Idempotent, || {
                calls.set(calls.get() + 1);
                async {
                    Err::<(), _>(
                        Error::new(ErrorKind::Throttled, "429")
                            .with_retry_after(Duration::from_secs(30)),
                    )
                }
            })
            .await;
        assert_eq!(calls.get(), 1);
    }
}
