//! Bayesian online change-point detection (R. P. Adams and D. J. C. MacKay, 2007).
//!
//! The run length `r` (points since the last change) has a posterior that is updated with each value:
//! each run's Normal-Gamma model predicts the value (a Student-t), runs grow with probability
//! `1 − 1/hazard` and restart with `1/hazard`. Values are first standardised by a rolling median/MAD so
//! the prior (mean 0, variance about 1) suits any scale. The score is the posterior probability that a
//! change happened within the last `recent` points: near 0 while a regime holds, rising towards 1
//! right after a change in level or spread. Runs whose probability falls below 1e-7 are pruned and at
//! most `max_runs` are kept, so a step is O(max_runs).

use super::robust::SortedWindow;
use super::{AnomalyKind, Detector, Verdict};

#[derive(Debug, Clone, Copy)]
struct Run {
    len: usize,
    ln_p: f64,
    mu: f64,
    kappa: f64,
    alpha: f64,
    beta: f64,
}

impl Run {
    fn prior(ln_p: f64) -> Self {
        Run {
            len: 0,
            ln_p,
            mu: 0.0,
            kappa: 0.1,
            alpha: 1.0,
            beta: 1.0,
        }
    }

    /// Log density of `x` under the run's Student-t predictive; `lg` is
    /// `ln Γ(α + ½) − ln Γ(α)` (α depends only on the run length, so callers cache it).
    fn ln_pred(&self, x: f64, lg: f64) -> f64 {
        let nu = 2.0 * self.alpha;
        let scale2 = self.beta * (self.kappa + 1.0) / (self.alpha * self.kappa);
        let d = (x - self.mu) * (x - self.mu) / (nu * scale2);
        lg - 0.5 * (nu * std::f64::consts::PI * scale2).ln() - (nu + 1.0) / 2.0 * d.ln_1p()
    }

    fn update(&mut self, x: f64) {
        let k1 = self.kappa + 1.0;
        self.beta += self.kappa * (x - self.mu) * (x - self.mu) / (2.0 * k1);
        self.mu = (self.kappa * self.mu + x) / k1;
        self.kappa = k1;
        self.alpha += 0.5;
        self.len += 1;
    }
}

/// Lanczos approximation of ln Γ(x) for x > 0 (g = 7, 9 terms; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

fn ln_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// Bayesian online change-point detector (see the module documentation).
///
/// ```
/// use hermes_anomaly::detect::{Bocpd, Detector};
/// let mut d = Bocpd::default();
/// let noise = |i: i64| ((i * 7919) % 17) as f64 / 17.0;
/// let mut before = 0.0f64;
/// for i in 0..400 { before = before.max(d.observe(i, noise(i)).score); }
/// let mut after = 0.0f64;
/// for i in 400..420 { after = after.max(d.observe(i, 8.0 + noise(i)).score); }
/// assert!(after > 0.9 && before < 0.5, "{before} {after}");
/// ```
#[derive(Debug, Clone)]
pub struct Bocpd {
    hazard: f64,
    recent: usize,
    max_runs: usize,
    reference: SortedWindow,
    runs: Vec<Run>,
    scratch: Vec<Run>,
    /// `ln Γ(α + ½) − ln Γ(α)` by run length (α = 1 + len/2).
    lg: Vec<f64>,
}

impl Default for Bocpd {
    fn default() -> Self {
        Bocpd::new(250.0, 5)
    }
}

impl Bocpd {
    /// A detector with an expected run length of `hazard` points that scores the probability of a
    /// change within the last `recent` points.
    pub fn new(hazard: f64, recent: usize) -> Self {
        Bocpd {
            hazard: hazard.max(2.0),
            recent: recent.max(1),
            max_runs: 200,
            reference: SortedWindow::new(1000),
            runs: Vec::new(),
            scratch: Vec::new(),
            lg: Vec::new(),
        }
    }

    /// The posterior probability that the current run is shorter than `recent` points (learning `x`,
    /// already standardised).
    fn update(&mut self, x: f64) -> f64 {
        if self.runs.is_empty() {
            self.runs.push(Run::prior(0.0));
        }
        let ln_h = (1.0 / self.hazard).ln();
        let ln_g = (1.0 - 1.0 / self.hazard).ln();
        let mut ln_cp = f64::NEG_INFINITY;
        self.scratch.clear();
        self.scratch.push(Run::prior(0.0));
        for r in &self.runs {
            while self.lg.len() <= r.len {
                let alpha = 1.0 + self.lg.len() as f64 / 2.0;
                self.lg.push(ln_gamma(alpha + 0.5) - ln_gamma(alpha));
            }
            let joint = r.ln_p + r.ln_pred(x, self.lg[r.len]);
            ln_cp = ln_add(ln_cp, joint + ln_h);
            let mut g = *r;
            g.update(x);
            g.ln_p = joint + ln_g;
            self.scratch.push(g);
        }
        self.scratch[0].ln_p = ln_cp;
        let total = self
            .scratch
            .iter()
            .fold(f64::NEG_INFINITY, |acc, r| ln_add(acc, r.ln_p));
        for r in &mut self.scratch {
            r.ln_p -= total;
        }
        self.scratch.retain(|r| r.ln_p > -16.0 || r.len == 0);
        if self.scratch.len() > self.max_runs {
            self.scratch.sort_by(|a, b| b.ln_p.total_cmp(&a.ln_p));
            self.scratch.truncate(self.max_runs);
        }
        std::mem::swap(&mut self.runs, &mut self.scratch);
        self.runs
            .iter()
            .filter(|r| r.len < self.recent)
            .map(|r| r.ln_p.exp())
            .sum::<f64>()
            .clamp(0.0, 1.0)
    }
}

impl Detector for Bocpd {
    fn name(&self) -> &'static str {
        "bocpd"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let mut score = 0.0;
        if self.reference.len() >= 50 {
            let m = self.reference.median();
            let s = self.reference.sigma();
            let z = ((value - m) / s).clamp(-1e3, 1e3);
            score = self.update(z);
            // The first points of the first run are always "recent": not evidence of a change.
            if self.reference.len() < 50 + self.recent * 4 {
                score = 0.0;
            }
        }
        self.reference.push(value);
        Verdict::new(self.name(), AnomalyKind::Collective, value, score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_known_values() {
        assert!(ln_gamma(1.0).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }
}
