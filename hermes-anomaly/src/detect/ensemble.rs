//! The ensemble: point, level-shift and seasonal evidence turned into one calibrated score in [0, 1]
//! with a label and an explanation.
//!
//! For each point every component yields a surprise `|z|` (robust z of the value; robust z of the mean
//! of the last few values; z of the seasonal residual). Each surprise is calibrated into a tail
//! probability `p` against that component's own history (the larger of the Gaussian tail and the
//! empirical rank among its last `calibration` surprises, so a heavy-tailed series does not alarm on its
//! usual spikes). The ensemble's score is `1 − min p` (scaled by the number of components, a Bonferroni
//! correction), labelled with the component that gave the minimum. After an alarm (score ≥ the
//! configured alarm level) further scores are damped for a refractory period: one anomaly, one alert.

use super::robust::SortedWindow;
use super::seasonal::SeasonalProfile;
use super::stats::ln_two_sided_tail;
use super::{AnomalyKind, Detector, Verdict};
use std::collections::VecDeque;

/// The ensemble's settings. Defaults are generic (not tuned per series).
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleConfig {
    /// Points in the robust reference window (median/MAD).
    pub window: usize,
    /// Points averaged for the level-shift component.
    pub short: usize,
    /// Past surprises each component is calibrated against.
    pub calibration: usize,
    /// Use the daily/weekly seasonal components.
    pub seasonal: bool,
    /// Score at or above which an alarm is raised and the refractory period starts (default 0.995,
    /// i.e. a calibrated tail probability of 0.5 %).
    pub alarm_level: f64,
    /// Points after an alarm during which scores are damped (0 = off).
    pub refractory: usize,
    /// Weight of the Gaussian tail that orders surprises beyond the calibration history.
    pub tie_break: f64,
    /// Points scored 0 at the start while the references fill.
    pub warmup: usize,
}

impl EnsembleConfig {
    /// Sets one field by name (`window`, `short`, `calibration`, `seasonal`, `alarm_level`,
    /// `refractory`, `tie_break`, `warmup`), e.g. from a `key=value` flag.
    ///
    /// ```
    /// let mut c = hermes_anomaly::detect::EnsembleConfig::default();
    /// c.set("refractory", "50")?;
    /// assert_eq!(c.refractory, 50);
    /// assert!(c.set("nope", "1").is_err());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> crate::Result<()> {
        let bad = || {
            crate::AnomalyError::invalid(format!("ensemble {key}"), format!("cannot use {value:?}"))
        };
        let num = |v: &str| v.parse::<f64>().map_err(|_| bad());
        let int = |v: &str| v.parse::<usize>().map_err(|_| bad());
        match key {
            "window" => self.window = int(value)?,
            "short" => self.short = int(value)?.max(1),
            "calibration" => self.calibration = int(value)?,
            "seasonal" => self.seasonal = value.parse().map_err(|_| bad())?,
            "alarm_level" => self.alarm_level = num(value)?,
            "refractory" => self.refractory = int(value)?,
            "tie_break" => self.tie_break = num(value)?,
            "warmup" => self.warmup = int(value)?,
            _ => {
                return Err(crate::AnomalyError::invalid(
                    format!("ensemble {key}"),
                    "unknown setting: use window, short, calibration, seasonal, alarm_level, refractory, tie_break or warmup",
                ))
            }
        }
        Ok(())
    }
}

impl Default for EnsembleConfig {
    fn default() -> Self {
        EnsembleConfig {
            window: 1000,
            short: 5,
            calibration: 2000,
            seasonal: true,
            alarm_level: 0.995,
            refractory: 200,
            tie_break: 0.01,
            warmup: 0,
        }
    }
}

/// Calibrates a non-negative surprise against its own recent history.
#[derive(Debug, Clone)]
struct Calibrator {
    history: SortedWindow,
}

impl Calibrator {
    fn new(n: usize) -> Self {
        Calibrator {
            history: SortedWindow::new(n),
        }
    }

    /// Log tail probability of `s`: the larger of the Gaussian two-sided tail and the empirical
    /// exceedance rate, times `gauss^tie_break` so that surprises beyond everything seen stay ordered.
    fn ln_p(&self, s: f64, tie_break: f64) -> f64 {
        let ln_gauss = ln_two_sided_tail(s);
        let n = self.history.len();
        if n == 0 {
            return 0.0;
        }
        let above = n - self.history.sorted_partition(s);
        let ln_emp = ((above as f64 + 1.0) / (n as f64 + 1.0)).ln();
        ln_gauss.max(ln_emp) + tie_break * ln_gauss
    }

    fn learn(&mut self, s: f64) {
        self.history.push(s);
    }
}

/// The ensemble detector. See the module documentation.
///
/// ```
/// use hermes_anomaly::detect::{Detector, Ensemble};
/// let mut d = Ensemble::default();
/// for i in 0..600 { d.observe(i * 60, 50.0 + ((i * 7919) % 11) as f64); }
/// let v = d.observe(600 * 60, 500.0);
/// assert!(v.score > 0.99);
/// assert_eq!(v.kind.as_str(), "point");
/// println!("{}", v.explain());
/// ```
#[derive(Debug, Clone)]
pub struct Ensemble {
    cfg: EnsembleConfig,
    reference: SortedWindow,
    recent: VecDeque<f64>,
    daily: SeasonalProfile,
    weekly: SeasonalProfile,
    cal: [Calibrator; 4],
    since_alarm: usize,
    n: usize,
}

impl Default for Ensemble {
    fn default() -> Self {
        Ensemble::new(EnsembleConfig::default())
    }
}

impl Ensemble {
    /// An ensemble with `cfg`.
    pub fn new(cfg: EnsembleConfig) -> Self {
        let c = cfg.calibration;
        Ensemble {
            reference: SortedWindow::new(cfg.window),
            recent: VecDeque::new(),
            daily: SeasonalProfile::daily(),
            weekly: SeasonalProfile::weekly(),
            cal: [
                Calibrator::new(c),
                Calibrator::new(c),
                Calibrator::new(c),
                Calibrator::new(c),
            ],
            since_alarm: usize::MAX,
            n: 0,
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EnsembleConfig {
        &self.cfg
    }
}

impl Detector for Ensemble {
    fn name(&self) -> &'static str {
        "ensemble"
    }

    fn observe(&mut self, ts: i64, value: f64) -> Verdict {
        self.n += 1;
        self.recent.push_back(value);
        if self.recent.len() > self.cfg.short {
            self.recent.pop_front();
        }
        // Component surprises (None while a component warms up).
        let mut surprises: [Option<f64>; 4] = [None; 4];
        let mut band: Option<(f64, f64, f64)> = None;
        let mut seasonal_band: Option<(f64, f64, f64)> = None;
        if self.reference.len() >= 20 {
            let m = self.reference.median();
            let s = self.reference.sigma();
            surprises[0] = Some(((value - m) / s).abs());
            let avg = self.recent.iter().sum::<f64>() / self.recent.len() as f64;
            surprises[1] = Some(((avg - m) / s).abs());
            band = Some((m, m - 4.0 * s, m + 4.0 * s));
        }
        if self.cfg.seasonal {
            for (k, model) in [(2usize, &mut self.daily), (3usize, &mut self.weekly)] {
                let informative = model.is_informative();
                if let Some((e, l, u)) = model.forecast(ts) {
                    if informative {
                        let sigma = (u - e) / 4.0;
                        surprises[k] = Some(((value - e) / sigma.max(1e-12)).abs());
                        if seasonal_band.is_none() {
                            seasonal_band = Some((e, l, u));
                        }
                    }
                }
            }
        }
        let active = surprises.iter().filter(|s| s.is_some()).count().max(1) as f64;
        let mut best: Option<(usize, f64)> = None;
        for (k, s) in surprises.iter().enumerate() {
            if let Some(s) = s {
                let lp = self.cal[k].ln_p(*s, self.cfg.tie_break);
                if best.is_none_or(|(_, bp)| lp < bp) {
                    best = Some((k, lp));
                }
            }
        }
        let (component, ln_p) = best.unwrap_or((0, 0.0));
        let mut score = if best.is_some() && self.n > self.cfg.warmup {
            // Bonferroni over the active components, then 1 − p.
            1.0 - (ln_p + active.ln()).min(0.0).exp()
        } else {
            0.0
        };
        // Refractory damping after an alarm.
        if self.since_alarm < self.cfg.refractory {
            let frac = self.since_alarm as f64 / self.cfg.refractory as f64;
            score *= frac;
        }
        self.since_alarm = self.since_alarm.saturating_add(1);
        if score >= self.cfg.alarm_level && self.cfg.refractory > 0 {
            self.since_alarm = 0;
        }
        // Learn.
        for (k, s) in surprises.iter().enumerate() {
            if let Some(s) = s {
                self.cal[k].learn(*s);
            }
        }
        self.reference.push(value);
        if self.cfg.seasonal {
            self.daily.observe(ts, value);
            self.weekly.observe(ts, value);
        }
        let (kind, name) = match component {
            0 => (AnomalyKind::Point, "ensemble/robust_z"),
            1 => (AnomalyKind::Collective, "ensemble/level_shift"),
            _ => (AnomalyKind::Contextual, "ensemble/seasonal"),
        };
        let mut v = Verdict::new(name, kind, value, score);
        if let Some((e, l, u)) = seasonal_band.or(band) {
            v = v.with_band(e, l, u);
        }
        v
    }
}
