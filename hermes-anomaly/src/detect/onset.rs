//! The onset rule as a wrapper for any detector: a point keeps its score only if the score is higher
//! than every score of the previous `memory` points; otherwise it scores 0.
//!
//! NAB (and an operator) reward the first detection of an anomaly and charge every further alarm
//! outside the anomaly's window; a detector whose score stays high while an anomaly lasts, or
//! re-alarms on its aftermath, is turned into one that crosses any threshold once, at the start.

use super::{Detector, NabInputs, Verdict};
use std::collections::VecDeque;

/// Keeps only rising scores (see the module documentation).
///
/// ```
/// use hermes_anomaly::detect::{Bocpd, Detector, Onset};
/// let mut d = Onset::new(Bocpd::default(), 200);
/// let noise = |i: i64| ((i * 7919) % 17) as f64 / 17.0;
/// for i in 0..400 { d.observe(i, noise(i)); }
/// let after: Vec<f64> = (400..460).map(|i| d.observe(i, 8.0 + noise(i)).score).collect();
/// assert!(after[..10].iter().any(|&s| s > 0.9), "{after:?}"); // the change is found...
/// assert!(after[10..].iter().all(|&s| s < 0.5), "{after:?}"); // ...not its aftermath
/// ```
#[derive(Debug, Clone)]
pub struct Onset<D> {
    inner: D,
    memory: usize,
    n: usize,
    /// (index, score) with decreasing scores: the sliding maximum.
    window: VecDeque<(usize, f64)>,
}

impl<D: Detector> Onset<D> {
    /// Wraps `inner`, comparing each score with the previous `memory` scores.
    pub fn new(inner: D, memory: usize) -> Self {
        Onset {
            inner,
            memory: memory.max(1),
            n: 0,
            window: VecDeque::new(),
        }
    }

    /// The wrapped detector.
    pub fn inner(&self) -> &D {
        &self.inner
    }
}

impl<D: Detector> Detector for Onset<D> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn observe(&mut self, ts: i64, value: f64) -> Verdict {
        let mut v = self.inner.observe(ts, value);
        if v.skipped {
            return v;
        }
        self.n += 1;
        while self
            .window
            .front()
            .is_some_and(|&(i, _)| i + self.memory < self.n)
        {
            self.window.pop_front();
        }
        let recent = self.window.front().map_or(0.0, |&(_, s)| s);
        let raw = v.score;
        if raw <= recent {
            v.score = 0.0;
        }
        while self.window.back().is_some_and(|&(_, s)| s <= raw) {
            self.window.pop_back();
        }
        self.window.push_back((self.n, raw));
        v
    }

    fn nab_inputs(&mut self, inputs: &NabInputs) {
        self.inner.nab_inputs(inputs);
    }
}
