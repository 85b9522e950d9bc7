//! A streaming seasonal model for contextual anomalies: a slow baseline (trend) plus a per-phase
//! seasonal offset, learned online, with a robust band on its residuals.
//!
//! `expected(t) = baseline + season[phase(t)]`, `phase(t) = (t mod period) / bucket`. The baseline is an
//! EWMA with a memory of one period; each phase's offset is an EWMA over cycles. The band is
//! `expected ± z·σ`, σ the rolling median/MAD spread of recent residuals. Points are placed by their
//! timestamps, so gaps and irregular sampling are fine. Each update is O(1) (O(log w) for the residual
//! window).

use super::robust::SortedWindow;
use super::stats::{ln_two_sided_tail, score_from_ln_p};
use super::{AnomalyKind, Detector, Verdict};

/// One day in seconds.
pub const DAY: i64 = 86_400;
/// One week in seconds.
pub const WEEK: i64 = 7 * DAY;

/// Phase groups for the per-phase residual spread (24: hours of a daily period).
const GROUPS: usize = 24;

/// Streaming trend + seasonality model with prediction band (`yhat`, `yhat_lower`, `yhat_upper`).
///
/// ```
/// use hermes_anomaly::detect::{Detector, SeasonalProfile};
/// let mut d = SeasonalProfile::daily();
/// let f = |t: i64| 10.0 + 5.0 * ((t % 86_400) as f64 / 86_400.0 * std::f64::consts::TAU).sin();
/// for i in 0..(4 * 288) { d.observe(i * 300, f(i * 300) + ((i * 37) % 7) as f64 * 0.05); }
/// let t = 4 * 288 * 300 + 6 * 3600; // 06:00, where the daily peak is
/// let v = d.observe(t, 10.0); // a value fine on average, wrong for the time of day
/// assert!(v.score > 0.95 && v.observed < v.lower.unwrap(), "{}", v.explain());
/// ```
#[derive(Debug, Clone)]
pub struct SeasonalProfile {
    period: i64,
    bucket: Option<i64>,
    first_ts: Option<i64>,
    last_ts: Option<i64>,
    deltas: Vec<i64>,
    baseline: Option<f64>,
    season: Vec<f64>,
    seen: Vec<u32>,
    residuals: SortedWindow,
    raw: SortedWindow,
    band_z: f64,
    /// Mean |residual| per group of phases (`GROUPS` per period): a running mean over the group's first
    /// 50 residuals, then an EWMA with weight 0.02.
    group_spread: Vec<f64>,
    /// Residuals seen per phase group.
    group_seen: Vec<u32>,
}

impl SeasonalProfile {
    /// A model with the given period in seconds.
    pub fn new(period: i64) -> Self {
        SeasonalProfile {
            period: period.max(2),
            bucket: None,
            first_ts: None,
            last_ts: None,
            deltas: Vec::new(),
            baseline: None,
            season: Vec::new(),
            seen: Vec::new(),
            residuals: SortedWindow::new(512),
            raw: SortedWindow::new(512),
            band_z: 4.0,
            group_spread: vec![0.0; GROUPS],
            group_seen: vec![0; GROUPS],
        }
    }

    /// A daily model.
    pub fn daily() -> Self {
        SeasonalProfile::new(DAY)
    }

    /// A weekly model.
    pub fn weekly() -> Self {
        SeasonalProfile::new(WEEK)
    }

    /// Whether the model has seen two whole periods and its phases explain a useful share of the
    /// variance (residual spread below 80 % of the raw spread): only then are its scores used.
    pub fn is_informative(&mut self) -> bool {
        let span = match (self.first_ts, self.last_ts) {
            (Some(a), Some(b)) => b - a,
            _ => return false,
        };
        if span < 2 * self.period || self.residuals.len() < 50 {
            return false;
        }
        self.residuals.sigma() < 0.8 * self.raw.sigma()
    }

    /// The residual spread as a share of the raw spread (how little of the series the profile leaves
    /// unexplained), once the model is informative.
    pub(crate) fn unexplained(&mut self) -> Option<f64> {
        if !self.is_informative() {
            return None;
        }
        let raw = self.raw.sigma();
        let worst = self
            .residuals
            .max()
            .abs()
            .max(self.residuals.quantile(0.0).abs());
        (raw > 0.0).then(|| worst / raw)
    }

    fn group(&self, ts: i64) -> usize {
        ((ts.rem_euclid(self.period) * GROUPS as i64) / self.period) as usize % GROUPS
    }

    /// The residual spread in the phase group of `ts` (a standard deviation estimate: the group's mean
    /// |residual| × √(π/2)), once that group has seen `min_seen` residuals. Lets a caller judge a
    /// residual against the noise usual at this time of day rather than over the whole period.
    pub(crate) fn phase_spread(&self, ts: i64, min_seen: u32) -> Option<f64> {
        let g = self.group(ts);
        (self.group_seen[g] >= min_seen).then(|| self.group_spread[g] * 1.2533)
    }

    fn phase(&self, ts: i64, bucket: i64) -> usize {
        (ts.rem_euclid(self.period) / bucket) as usize
    }

    /// The forecast for `ts`: (expected, lower, upper), once the phase has been seen in a past cycle.
    pub fn forecast(&mut self, ts: i64) -> Option<(f64, f64, f64)> {
        let bucket = self.bucket?;
        let base = self.baseline?;
        let p = self.phase(ts, bucket);
        if self.seen.get(p).copied().unwrap_or(0) == 0 || self.residuals.len() < 20 {
            return None;
        }
        let e = base + self.season[p];
        let s = self.residuals.sigma();
        Some((e, e - self.band_z * s, e + self.band_z * s))
    }

    /// The forecast for `ts` with an interval holding `level` (e.g. 0.95) of the recent residuals: their
    /// empirical quantiles, so heavy tails and skew are respected (the band of [`Self::forecast`] is
    /// `± 4 σ` of a robust spread, for scoring). Returns (expected, lower, upper).
    ///
    /// ```
    /// use hermes_anomaly::detect::{Detector, SeasonalProfile};
    /// let mut d = SeasonalProfile::daily();
    /// for i in 0..(4 * 288) { d.observe(i * 300, 10.0 + ((i * 37) % 7) as f64); }
    /// let (e, lo, hi) = d.forecast_interval(4 * 288 * 300, 0.95).unwrap();
    /// assert!(lo < e && e < hi);
    /// ```
    pub fn forecast_interval(&mut self, ts: i64, level: f64) -> Option<(f64, f64, f64)> {
        let (e, _, _) = self.forecast(ts)?;
        let tail = ((1.0 - level) / 2.0).clamp(0.0, 0.5);
        let lo = e + self.residuals.quantile(tail);
        let hi = e + self.residuals.quantile(1.0 - tail);
        Some((e, lo, hi))
    }

    fn learn(&mut self, ts: i64, value: f64) {
        if let Some(last) = self.last_ts {
            if self.bucket.is_none() {
                self.deltas.push(ts - last);
                if self.deltas.len() >= 16 {
                    self.deltas.sort_unstable();
                    let step = self.deltas[self.deltas.len() / 2].max(1);
                    // At most 2016 phases per period (5-minute buckets over a week).
                    let bucket = step.max(self.period / 2016).max(1);
                    let n = (self.period / bucket + 1) as usize;
                    self.bucket = Some(bucket);
                    self.season = vec![0.0; n];
                    self.seen = vec![0; n];
                }
            }
        }
        self.first_ts.get_or_insert(ts);
        self.last_ts = Some(ts);
        self.raw.push(value);
        let Some(bucket) = self.bucket else {
            self.baseline = Some(self.baseline.map_or(value, |b| b + 0.05 * (value - b)));
            return;
        };
        let per_period = (self.period / bucket).max(1) as f64;
        let alpha = (1.0 / per_period).max(1e-4);
        let base = self.baseline.unwrap_or(value);
        let p = self.phase(ts, bucket);
        let detrended = value - base;
        if self.seen[p] > 0 {
            let r = (detrended - self.season[p]).abs();
            let g = self.group(ts);
            // Running mean over the first 50, then an EWMA.
            let a = (1.0 / (self.group_seen[g] as f64 + 1.0)).max(0.02);
            self.group_spread[g] += a * (r - self.group_spread[g]);
            self.group_seen[g] = self.group_seen[g].saturating_add(1);
            self.residuals.push(detrended - self.season[p]);
            self.season[p] += 0.25 * (detrended - self.season[p]);
        } else {
            self.season[p] = detrended;
        }
        self.seen[p] = self.seen[p].saturating_add(1);
        let deseason = value - self.season[p];
        self.baseline = Some(base + alpha * (deseason - base));
    }
}

impl Detector for SeasonalProfile {
    fn name(&self) -> &'static str {
        "seasonal"
    }

    fn observe(&mut self, ts: i64, value: f64) -> Verdict {
        let informative = self.is_informative();
        let out = match self.forecast(ts) {
            Some((e, l, u)) => {
                let s = self.residuals.sigma();
                let score = if informative {
                    score_from_ln_p(ln_two_sided_tail((value - e) / s))
                } else {
                    0.0
                };
                Verdict::new(self.name(), AnomalyKind::Contextual, value, score).with_band(e, l, u)
            }
            None => Verdict::new(self.name(), AnomalyKind::Contextual, value, 0.0),
        };
        self.learn(ts, value);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_spread_follows_the_noise_of_each_time_of_day() {
        let mut p = SeasonalProfile::daily();
        // Five-minute steps for ten days; the noise is ±0.1 from midnight to noon and ±2 after.
        for i in 0..(10 * 288) {
            let ts = i * 300;
            let hour = (ts % DAY) / 3600;
            let amp = if hour < 12 { 0.1 } else { 2.0 };
            // Deterministic noise in [−1, 1) (a splitmix64 step).
            let mut z = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let u = (z >> 11) as f64 / (1u64 << 53) as f64;
            p.observe(ts, 10.0 + amp * (2.0 * u - 1.0));
        }
        let night = p.phase_spread(3 * 3600, 30).expect("night group seen");
        let day = p.phase_spread(15 * 3600, 30).expect("day group seen");
        assert!(day > 8.0 * night, "day {day} night {night}");
        // Not before a group has seen enough residuals.
        assert!(SeasonalProfile::daily().phase_spread(0, 1).is_none());
    }
}
