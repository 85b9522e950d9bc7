//! NAB's windowed-Gaussian baseline, ported from `nab/detectors/gaussian/windowedGaussian_detector.py`.

use super::stats::two_sided_score;
use super::{AnomalyKind, Detector, Verdict};
use std::collections::VecDeque;

/// The tail probability of each value under a Gaussian fitted to a sliding window of past values
/// (window 6400, refitted every 100 points once full, as in NAB).
///
/// ```
/// use hermes_anomaly::detect::{Detector, WindowedGaussian};
/// let mut d = WindowedGaussian::default();
/// for i in 0..100 { d.observe(i, (i % 7) as f64); }
/// assert!(d.observe(100, 50.0).score > 0.99);
/// ```
#[derive(Debug, Clone)]
pub struct WindowedGaussian {
    window_size: usize,
    step_size: usize,
    window: VecDeque<f64>,
    step_buffer: Vec<f64>,
    mean: f64,
    std: f64,
    mean_fill: f64,
    m2_fill: f64,
}

impl Default for WindowedGaussian {
    fn default() -> Self {
        WindowedGaussian::new(6400, 100)
    }
}

impl WindowedGaussian {
    /// A detector with the given window and step sizes.
    pub fn new(window_size: usize, step_size: usize) -> Self {
        WindowedGaussian {
            window_size: window_size.max(1),
            step_size: step_size.max(1),
            window: VecDeque::new(),
            step_buffer: Vec::new(),
            mean: 0.0,
            std: 1.0,
            mean_fill: 0.0,
            m2_fill: 0.0,
        }
    }

    fn refit(&mut self) {
        let n = self.window.len() as f64;
        self.mean = self.window.iter().sum::<f64>() / n;
        let var = self
            .window
            .iter()
            .map(|x| (x - self.mean).powi(2))
            .sum::<f64>()
            / n;
        self.std = var.sqrt();
        if self.std == 0.0 {
            self.std = 0.000_001;
        }
    }
}

impl Detector for WindowedGaussian {
    fn name(&self) -> &'static str {
        "windowed_gaussian"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let (mean, std) = (self.mean, self.std);
        let score = if self.window.is_empty() {
            0.0
        } else {
            two_sided_score((value - mean) / std)
        };
        let fitted = !self.window.is_empty();
        if self.window.len() < self.window_size {
            // Filling: Welford's update gives numpy's mean/std of the window without an O(n) refit.
            self.window.push_back(value);
            let n = self.window.len() as f64;
            let delta = value - self.mean_fill;
            self.mean_fill += delta / n;
            self.m2_fill += delta * (value - self.mean_fill);
            self.mean = self.mean_fill;
            self.std = (self.m2_fill / n).max(0.0).sqrt();
            if self.std == 0.0 {
                self.std = 0.000_001;
            }
        } else {
            self.step_buffer.push(value);
            if self.step_buffer.len() == self.step_size {
                self.window.drain(..self.step_size);
                self.window.extend(self.step_buffer.drain(..));
                self.refit();
            }
        }
        let v = Verdict::new("windowed_gaussian", AnomalyKind::Point, value, score);
        if fitted {
            v.with_band(mean, mean - 3.0 * std, mean + 3.0 * std)
        } else {
            v
        }
    }
}
