//! Change points, level shifts and collective anomalies: a two-sided CUSUM and an anomaly-likelihood
//! (a short window's mean compared with the long-run distribution, as in Numenta's anomaly likelihood).

use super::robust::SortedWindow;
use super::stats::normal_tail;
use super::{AnomalyKind, Detector, Verdict};
use std::collections::VecDeque;

/// Two-sided CUSUM on values standardised by a rolling median/MAD: detects sustained level shifts.
///
/// `S⁺ = max(0, S⁺ + z − k)`, `S⁻ = max(0, S⁻ − z − k)`; score `1 − exp(−max(S⁺, S⁻)/h)`. When either
/// sum passes `h` a change point is declared and both restart (the reference window keeps learning, so the
/// new level becomes normal).
///
/// ```
/// use hermes_anomaly::detect::{Cusum, Detector};
/// let mut d = Cusum::new(500);
/// let mut best = 0.0f64;
/// for i in 0..600 { let x = if i < 400 { (i % 5) as f64 } else { 12.0 + (i % 5) as f64 }; best = best.max(d.observe(i, x).score); }
/// assert!(best > 0.6);
/// ```
#[derive(Debug, Clone)]
pub struct Cusum {
    reference: SortedWindow,
    k: f64,
    h: f64,
    pos: f64,
    neg: f64,
    change_points: u64,
}

impl Cusum {
    /// A CUSUM over a `window`-point reference, slack k = 0.5σ, decision h = 5σ (textbook defaults).
    pub fn new(window: usize) -> Self {
        Cusum {
            reference: SortedWindow::new(window),
            k: 0.5,
            h: 5.0,
            pos: 0.0,
            neg: 0.0,
            change_points: 0,
        }
    }

    /// How many change points were declared so far.
    pub fn change_points(&self) -> u64 {
        self.change_points
    }
}

impl Detector for Cusum {
    fn name(&self) -> &'static str {
        "cusum"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let mut score = 0.0;
        if self.reference.len() >= 20 {
            let m = self.reference.median();
            let s = self.reference.sigma();
            let z = ((value - m) / s).clamp(-50.0, 50.0);
            self.pos = (self.pos + z - self.k).max(0.0);
            self.neg = (self.neg - z - self.k).max(0.0);
            let stat = self.pos.max(self.neg);
            score = 1.0 - (-stat / self.h).exp();
            if stat > self.h {
                self.change_points += 1;
                self.pos = 0.0;
                self.neg = 0.0;
            }
        }
        self.reference.push(value);
        Verdict::new(self.name(), AnomalyKind::Collective, value, score)
    }
}

/// Anomaly likelihood of a stream of raw surprise values (or of the series itself): the mean of the last
/// `short` values compared with the mean and spread of the last `long` values, `1 − Q(z)` one-sided.
///
/// This is the calibration Numenta's HTM detector applies to its raw scores; applied to the values it is
/// a collective-anomaly detector (a run of unusually high values).
///
/// ```
/// use hermes_anomaly::detect::{Detector, Likelihood};
/// let mut d = Likelihood::new(10, 1000);
/// for i in 0..500 { d.observe(i, ((i * 7919) % 13) as f64 / 13.0); }
/// let mut last = 0.0;
/// for i in 500..510 { last = d.observe(i, 3.0).score; }
/// assert!(last > 0.99);
/// ```
#[derive(Debug, Clone)]
pub struct Likelihood {
    short: usize,
    long: usize,
    recent: VecDeque<f64>,
    recent_sum: f64,
    history: VecDeque<f64>,
    sum: f64,
    sumsq: f64,
}

impl Likelihood {
    /// Short and long windows (Numenta: 10 and 8640 points).
    pub fn new(short: usize, long: usize) -> Self {
        Likelihood {
            short: short.max(1),
            long: long.max(2),
            recent: VecDeque::new(),
            recent_sum: 0.0,
            history: VecDeque::new(),
            sum: 0.0,
            sumsq: 0.0,
        }
    }

    /// The one-sided likelihood score of `value` (learning it).
    pub fn update(&mut self, value: f64) -> f64 {
        self.recent.push_back(value);
        self.recent_sum += value;
        if self.recent.len() > self.short {
            self.recent_sum -= self.recent.pop_front().unwrap_or(0.0);
        }
        let n = self.history.len() as f64;
        let score = if self.history.len() >= self.short.max(20) {
            let mean = self.sum / n;
            let var = (self.sumsq / n - mean * mean).max(0.0);
            let sd = var.sqrt().max(mean.abs() * 1e-3).max(1e-6);
            let avg = self.recent_sum / self.recent.len() as f64;
            1.0 - normal_tail((avg - mean) / sd)
        } else {
            0.0
        };
        self.history.push_back(value);
        self.sum += value;
        self.sumsq += value * value;
        if self.history.len() > self.long {
            let old = self.history.pop_front().unwrap_or(0.0);
            self.sum -= old;
            self.sumsq -= old * old;
        }
        score
    }
}

impl Detector for Likelihood {
    fn name(&self) -> &'static str {
        "likelihood"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let s = self.update(value);
        Verdict::new(self.name(), AnomalyKind::Collective, value, s)
    }
}
