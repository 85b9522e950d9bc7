//! Streaming anomaly detectors: each point is scored once, causally, when it arrives.
//!
//! Every detector implements [`Detector`]: `observe(ts, value)` returns a [`Verdict`] whose `score` is
//! in [0, 1] (1 = certainly anomalous) plus, where the detector has one, the expected value and band.
//!
//! Bad input has one defined behaviour for every detector wrapped in [`Guarded`] (the
//! [`Ensemble`] is): a NaN or infinite value, or a timestamp not after the previous one (duplicate or out
//! of order), is **skipped** — it does not change the detector's state and gets score 0 with
//! [`Verdict::skipped`] set. Gaps in time are allowed (seasonal models place points by their timestamp).
//! A constant series never divides by zero (spreads have a floor) and scores 0 while it stays constant
//! (the [`Ensemble`] stays below 0.9: its burst component can give a constant series one warm-up score
//! of about 0.8, and its stuck-value opinion judges only series that normally vary, so a series
//! constant from its first point is never stuck); a very short series scores 0 until the detector has
//! warmed up.

mod art;
mod bocpd;
mod context;
pub(crate) mod ensemble;
mod fleet;
mod iforest;
mod log_view;
mod onset;
mod robust;
mod seasonal;
mod shift;
pub(crate) mod stats;
mod windowed_gaussian;

pub use art::{ArtConfig, ArtNovelty, Spike};
pub use bocpd::Bocpd;
pub use context::{ContextConfig, ContextNovelty};
pub use ensemble::{Ensemble, EnsembleConfig};
pub use fleet::{fleet_dbscan, fleet_outliers, FleetCluster, FleetOutlier};
pub use iforest::{IsolationForest, StreamingIForest};
pub use onset::Onset;
pub use robust::{Ewma, RollingMad};
pub use seasonal::SeasonalProfile;
pub use shift::{Cusum, Likelihood};
pub use windowed_gaussian::WindowedGaussian;

/// The kind of an anomaly, as the proposal names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// One value far from what the recent distribution allows (a spike or dip).
    Point,
    /// A value normal in general but not at this time of day / week.
    Contextual,
    /// A run of values whose level or distribution departs from the learned one (a level shift,
    /// a change in variance, a stuck sensor).
    Collective,
}

impl AnomalyKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::Point => "point",
            AnomalyKind::Contextual => "contextual",
            AnomalyKind::Collective => "collective",
        }
    }
}

/// What a detector concluded about one point.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Verdict {
    /// Anomaly score in [0, 1].
    pub score: f64,
    /// What kind of anomaly the detector looks for.
    pub kind: AnomalyKind,
    /// The detector that produced the verdict.
    pub detector: &'static str,
    /// The expected value, if the detector forecasts one.
    pub expected: Option<f64>,
    /// The lower edge of the normal band.
    pub lower: Option<f64>,
    /// The upper edge of the normal band.
    pub upper: Option<f64>,
    /// The observed value.
    pub observed: f64,
    /// The point was skipped (NaN/inf value or a timestamp not after the previous one).
    pub skipped: bool,
    /// For a stuck-value verdict: how many points in a row (this one included) the series has
    /// repeated the observed value exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_length: Option<usize>,
    /// The band is multiplicative on `observed + c` for this `c` (`e^(m ± 4 s) − c` of the median and
    /// spread of `ln(x + c)` of a non-negative series; `c` is 0 while the series has been
    /// positive): a departure is read as `ln((observed + c) / (expected + c))` against
    /// `ln((upper + c) / (expected + c))` or `ln((expected + c) / (lower + c))`. `None` for a linear band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_offset: Option<f64>,
}

impl Verdict {
    /// A verdict with a score and nothing else.
    pub fn new(detector: &'static str, kind: AnomalyKind, observed: f64, score: f64) -> Self {
        Verdict {
            score: score.clamp(0.0, 1.0),
            kind,
            detector,
            expected: None,
            lower: None,
            upper: None,
            observed,
            skipped: false,
            run_length: None,
            log_offset: None,
        }
    }

    /// Sets the length of the run of repeated values the verdict is about (stuck-value verdicts).
    pub fn with_run_length(mut self, points: usize) -> Self {
        self.run_length = Some(points);
        self
    }

    /// Sets the expected value and band.
    pub fn with_band(mut self, expected: f64, lower: f64, upper: f64) -> Self {
        self.expected = Some(expected);
        self.lower = Some(lower);
        self.upper = Some(upper);
        self.log_offset = None;
        self
    }

    /// Sets the expected value and a band multiplicative on `x + offset` (`lower + offset`,
    /// `expected + offset` and `upper + offset` positive; `(lower + offset) · (upper + offset) =
    /// (expected + offset)²` for a band of ±k σ on the log scale).
    ///
    /// ```
    /// use hermes_anomaly::detect::{AnomalyKind, Verdict};
    /// let v = Verdict::new("ensemble/log_z", AnomalyKind::Point, 2.0, 0.1)
    ///     .with_log_band(10.0, 1.0, 100.0, 0.0);
    /// assert!(v.log_offset == Some(0.0) && v.lower == Some(1.0));
    /// // A series that has been 0: read on x + 0.1.
    /// let v = Verdict::new("ensemble/log_z", AnomalyKind::Point, 0.0, 0.1)
    ///     .with_log_band(9.9, 0.9, 99.9, 0.1);
    /// assert_eq!(v.log_offset, Some(0.1));
    /// ```
    pub fn with_log_band(mut self, expected: f64, lower: f64, upper: f64, offset: f64) -> Self {
        self = self.with_band(expected, lower, upper);
        self.log_offset = Some(offset);
        self
    }

    /// A human explanation: which detector, observed value, expected range.
    pub fn explain(&self) -> String {
        if self.skipped {
            return format!(
                "{}: point skipped (value {} not usable or out of order)",
                self.detector, self.observed
            );
        }
        let mut s = format!(
            "{} anomaly score {:.3} from {}: observed {:.4}",
            self.kind.as_str(),
            self.score,
            self.detector,
            self.observed
        );
        if let (Some(e), Some(l), Some(u)) = (self.expected, self.lower, self.upper) {
            s.push_str(&format!(
                ", expected {e:.4} (normal range {l:.4} to {u:.4})"
            ));
        }
        if let Some(n) = self.run_length {
            s.push_str(&format!(", the same value for {n} points in a row"));
        }
        s
    }
}

/// What NAB's protocol hands every detector before its first point: the whole file's minimum and
/// maximum value and its length (numenta/NAB, `nab/detectors/base.py`: `AnomalyDetector.__init__` sets
/// `inputMin`, `inputMax` and the probationary period from the file's length). Every published NAB
/// detector (ARTime, numenta, contextOSE, ...) was run this way.
///
/// This is **look-ahead**: the minimum and maximum include the file's anomalies, and the length is not
/// known in live use. Hermes' detectors are strictly causal unless a caller passes these through
/// [`Detector::nab_inputs`], which only the NAB runner's opt-in `--nab-protocol` mode does.
///
/// ```
/// use hermes_anomaly::detect::NabInputs;
/// let n = NabInputs::of(&[3.0, f64::NAN, -1.0, 7.5]);
/// assert_eq!((n.min, n.max, n.len), (-1.0, 7.5, 4));
/// assert_eq!(NabInputs { min: 0.0, max: 1.0, len: 4032 }.probationary(), 604);
/// assert_eq!(NabInputs { min: 0.0, max: 1.0, len: 22_695 }.probationary(), 750);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NabInputs {
    /// The file's smallest value (NAB's `inputMin`; non-finite values ignored, as pandas does NaN).
    pub min: f64,
    /// The file's largest value (NAB's `inputMax`).
    pub max: f64,
    /// The file's length in points (rows).
    pub len: usize,
}

impl NabInputs {
    /// The inputs NAB would give a detector for a file with these values.
    pub fn of(values: &[f64]) -> Self {
        let (min, max) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        NabInputs {
            min,
            max,
            len: values.len(),
        }
    }

    /// NAB's probationary period for this file: 15 % of its length, at most 750 points
    /// (`nab/util.py`, `getProbationPeriod`).
    pub fn probationary(&self) -> usize {
        ((0.15 * self.len as f64).floor() as usize).min(750)
    }
}

/// A streaming detector.
pub trait Detector: Send {
    /// A short name (`windowed_gaussian`, `ensemble`).
    fn name(&self) -> &'static str;
    /// Scores the point at `ts` (Unix seconds) and learns from it. Callers pass finite values with
    /// increasing timestamps; wrap a detector in [`Guarded`] to have bad points skipped.
    fn observe(&mut self, ts: i64, value: f64) -> Verdict;
    /// NAB's protocol only (look-ahead): the file's minimum, maximum and length, given before the
    /// first point, as NAB gives them to every detector. The default ignores them, so a detector is
    /// strictly causal unless it overrides this; one that uses them must be given them before its
    /// first [`observe`](Detector::observe) and ignores later calls. Never called in live use.
    fn nab_inputs(&mut self, _inputs: &NabInputs) {}
}

/// Wraps a detector so that bad points (NaN, ±inf, a timestamp not after the previous one) are skipped
/// with a zero score instead of reaching it.
///
/// ```
/// use hermes_anomaly::detect::{Detector, Guarded, WindowedGaussian};
/// let mut d = Guarded::new(WindowedGaussian::default());
/// assert!(d.observe(10, f64::NAN).skipped);
/// assert!(!d.observe(10, 1.0).skipped);
/// assert!(d.observe(5, 1.0).skipped); // out of order
/// ```
#[derive(Debug, Clone)]
pub struct Guarded<D> {
    inner: D,
    last_ts: Option<i64>,
}

impl<D: Detector> Guarded<D> {
    /// Wraps `inner`.
    pub fn new(inner: D) -> Self {
        Guarded {
            inner,
            last_ts: None,
        }
    }

    /// The wrapped detector.
    pub fn inner(&self) -> &D {
        &self.inner
    }
}

impl<D: Detector> Detector for Guarded<D> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn observe(&mut self, ts: i64, value: f64) -> Verdict {
        let out_of_order = self.last_ts.is_some_and(|last| ts <= last);
        if !value.is_finite() || out_of_order {
            let mut v = Verdict::new(self.inner.name(), AnomalyKind::Point, value, 0.0);
            v.skipped = true;
            return v;
        }
        self.last_ts = Some(ts);
        self.inner.observe(ts, value)
    }

    fn nab_inputs(&mut self, inputs: &NabInputs) {
        self.inner.nab_inputs(inputs);
    }
}

/// Runs a detector over a whole series and returns the scores (one per point).
pub fn score_series(detector: &mut dyn Detector, ts: &[i64], values: &[f64]) -> Vec<f64> {
    ts.iter()
        .zip(values)
        .map(|(&t, &v)| detector.observe(t, v).score)
        .collect()
}
