//! ART novelty: a streaming detector of new *shapes*, after ARTime (Mark Hammond's Adaptive Resonance
//! Theory detector, the leader of the Numenta Anomaly Benchmark; Julia source in the public repository
//! `markNZed/ARTimeNAB.jl`, files `src/ARTime.jl` and `src/AdaptiveResonanceCompact.jl`, whose ART core
//! derives from `AP6YC/AdaptiveResonance.jl`). This is an independent Rust implementation of the method.
//!
//! The method, step by step:
//!
//! 1. **Downsampling.** Every `step` points one value summarises the block of the last `step` values:
//!    the block's maximum, or its minimum if the minimum lies farther from a running average of block
//!    means (`ma ← (ma + mean) / 2`); and the block mean instead if that extreme is within `spike` of the
//!    mean (a spike must be large to survive downsampling). ARTime measures that against 10 % of the
//!    mean's magnitude ([`Spike::Mean`], used under NAB's protocol), which depends on where zero lies: the
//!    same series in °C and in K, or shifted by 1,000, is filtered differently (on NAB's dev split, a
//!    shift of −1,000 takes the causal ART from 52.1 to 41.3 standard). By default the extreme is
//!    measured against 1 % of the series' range instead ([`Spike::Range`]), which only depends on
//!    the shape.
//! 2. **Normalising and levelling.** The value is scaled into [0, 1] by the series' range, rounded to
//!    one of `levels` (80) levels, and snapped to the running median level of the series if it lies
//!    within `chomp` (0.075) of it: small wobbles around the usual level vanish.
//! 3. **Features.** Over the last `window` (8) levelled values: the Haar wavelet transform of the window
//!    (scaled to [0, 1] within the window) followed by the window's values themselves, 16 numbers in
//!    [0, 1]: the shape of the recent past and where it sits in the range.
//! 4. **Dual-vigilance fuzzy ART.** The feature vector is complement coded (`x, 1 − x`) and compared with
//!    every learned category `w` (a fuzzy hyper-box): the feature match `|x ∧ w| / |w|` (∧ = element-wise
//!    minimum) and the energy match (the same over the two coordinates that hold the newest level and
//!    its complement) give the resonance `M = feature³ · energy²`. If the best `M` reaches the upper
//!    vigilance `rho_ub`, every category that does learns (`w ← x ∧ w`, fast learning); else if it
//!    reaches the lower vigilance `rho_lb` the input becomes a new category of a known cluster; else it
//!    starts a new cluster: a **novel pattern**, the only event that can score.
//! 5. **Score.** A novel pattern outside the masking periods scores
//!    `0.35 (rho_ub − M)/(1 − M) + 0.65 (rho_lb − M)/(1 − M) + 1.5 (1 − energy)` (at most 1): how far the
//!    best resonance falls below both vigilances, plus how far the newest level is from the closest
//!    category's levels. Masking: for 12 downsampled points after an alarm, and after every new cluster
//!    or vigilance update until 12 points pass without a new cluster, a novel pattern scores only if its
//!    resonance is below 0.9× (within the 12 points) or 0.7× (otherwise) that of the last alarm.
//! 6. **Vigilance adaptation.** Every `trend/2` downsampled points, and 12 points after an alarm, `rho_ub`
//!    becomes the running mean of all best resonances (at most 0.97); `rho_lb` moves 19 % of the way up
//!    to the smallest resonance of the last `trend/2` points if that is above it, or else down by half the
//!    mean shortfall of recent resonances below `rho_ub` (at least 0.005), but not below the mean
//!    resonance of past alarms.
//! 7. **Bootstrap.** The first `bootstrap` points (ARTime: NAB's probationary period) score 0. At their
//!    end the initial vigilance is chosen: the bootstrap's feature vectors are ordered from least to most
//!    typical (sum of cosine similarities to the others), a scratch ART with vigilance `initial_rho`
//!    (0.8) learns them in that order, and the mean best resonance over its second half becomes both
//!    vigilances. Then the real ART learns the bootstrap's features in time order, and scoring starts.
//!
//! Departures from ARTime as run in NAB, all for causality (one pass, no look-ahead, no file length;
//! [`Detector::nab_inputs`] restores NAB's protocol, for the benchmark's `--nab-protocol` mode only):
//! * NAB hands ARTime each file's minimum and maximum (`inputMin`/`inputMax`, which include the
//!   anomalies) and its length, which sets the probationary period (15 % of the file, at most 750
//!   points) and the downsampling step. Here the range is learned from the bootstrap's values, widened by
//!   `margin` × its span on each side; later values outside it are clamped (or, with `expand`, widen it),
//!   and the bootstrap and `step` are fixed settings, the same for every series.
//! * The running median level is exact (a histogram of levels), where ARTime tracks it approximately.
//! * The category search is O(categories) per downsampled point, and the number of categories grows
//!   with the series' variety; `max_categories` (0 = unbounded) stops adding categories beyond it.

use super::{AnomalyKind, Detector, NabInputs, Verdict};

/// Feature vector length: the wavelet coefficients and the window's values.
const FEATURES: usize = 16;
/// Feature window (downsampled points); the Haar transform below is written for 8.
const WINDOW: usize = 8;
/// Downsampled points masked after an alarm (ARTime: 1.5 × the window).
const MASK: usize = 12;

/// How close a downsampling block's extreme must be to the block mean to be replaced by it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spike {
    /// Within this share of the series' range (learned in the bootstrap, or given): the same for the
    /// series shifted by any constant.
    Range(f64),
    /// Within this share of the block mean's magnitude (ARTime's rule; depends on where zero lies).
    Mean(f64),
}

/// Settings of [`ArtNovelty`]. Defaults follow ARTime where a setting exists there; `step`,
/// `bootstrap`, `margin` and `spike` replace what NAB derives from the file's length and range.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtConfig {
    /// Raw points per downsampled point (ARTime: 7 for files of 5,000 points or more; default 7).
    pub step: usize,
    /// Raw points that score 0 while the range and the initial vigilance are learned (default 750).
    pub bootstrap: usize,
    /// The bootstrap also lasts until its timestamps span this many seconds (default one day, so
    /// fast-sampled series learn a whole daily cycle before novelty counts; 0 = points only), or until
    /// it holds 8 × `bootstrap` points, whichever comes first.
    pub bootstrap_span: i64,
    /// Levels of the normalised value (default 80).
    pub levels: usize,
    /// A normalised value within this of the running median level is snapped to it (default 0.075).
    pub chomp: f64,
    /// When a block extreme is close enough to the block mean to be replaced by it (default
    /// `Spike::Range(0.01)`; ARTime's rule, `Spike::Mean(0.1)`, under NAB's protocol).
    pub spike: Spike,
    /// Vigilance of the scratch ART that picks the initial vigilance (default 0.8).
    pub initial_rho: f64,
    /// Margin added on each side of the bootstrap's range, as a share of its span (default 0.25).
    pub margin: f64,
    /// Widen the range when a later value falls outside it (default false: clamp).
    pub expand: bool,
    /// Most categories kept (0 = unbounded; default 0).
    pub max_categories: usize,
}

impl Default for ArtConfig {
    fn default() -> Self {
        ArtConfig {
            step: 7,
            bootstrap: 750,
            bootstrap_span: 86_400,
            levels: 80,
            chomp: 0.075,
            spike: Spike::Range(0.01),
            initial_rho: 0.8,
            margin: 0.25,
            expand: false,
            max_categories: 0,
        }
    }
}

impl ArtConfig {
    /// Sets one field by name (`step`, `bootstrap`, `levels`, `chomp`, `spike`, `initial_rho`,
    /// `margin`, `expand`, `max_categories`), e.g. from a `key=value` flag.
    ///
    /// ```
    /// let mut c = hermes_anomaly::detect::ArtConfig::default();
    /// c.set("step", "5")?;
    /// assert_eq!(c.step, 5);
    /// assert!(c.set("nope", "1").is_err());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn set(&mut self, key: &str, value: &str) -> crate::Result<()> {
        let bad =
            || crate::AnomalyError::invalid(format!("art {key}"), format!("cannot use {value:?}"));
        let num = |v: &str| v.parse::<f64>().map_err(|_| bad());
        let int = |v: &str| v.parse::<usize>().map_err(|_| bad());
        match key {
            "step" => self.step = int(value)?.max(1),
            "bootstrap" => self.bootstrap = int(value)?,
            "bootstrap_span" => self.bootstrap_span = value.parse().map_err(|_| bad())?,
            "levels" => self.levels = int(value)?.max(1),
            "chomp" => self.chomp = num(value)?,
            "spike" => {
                self.spike = match value.split_once(':') {
                    Some(("mean", v)) => Spike::Mean(num(v)?),
                    Some(("range", v)) => Spike::Range(num(v)?),
                    Some(_) => return Err(bad()),
                    None => Spike::Range(num(value)?),
                }
            }
            "initial_rho" => self.initial_rho = num(value)?.clamp(0.0, 1.0),
            "margin" => self.margin = num(value)?.max(0.0),
            "expand" => self.expand = value.parse().map_err(|_| bad())?,
            "max_categories" => self.max_categories = int(value)?,
            _ => {
                return Err(crate::AnomalyError::invalid(
                    format!("art {key}"),
                    "unknown setting: use step, bootstrap, bootstrap_span, levels, chomp, spike, initial_rho, margin, expand or max_categories",
                ))
            }
        }
        Ok(())
    }

    /// ARTime's length-derived settings, for NAB's protocol only (the file's length known in advance,
    /// as NAB gives it to every detector): the bootstrap is NAB's probationary period (15 % of the
    /// file, at most 750 points) made even, and the step is `bootstrap ÷ (8 · 13)`, at least 1
    /// (`markNZed/ARTimeNAB.jl`, `init`). The other settings are kept.
    ///
    /// ```
    /// use hermes_anomaly::detect::ArtConfig;
    /// let c = ArtConfig::default().for_nab_length(4032);
    /// assert_eq!((c.bootstrap, c.step), (604, 5));
    /// let c = ArtConfig::default().for_nab_length(1127);
    /// assert_eq!((c.bootstrap, c.step), (168, 1));
    /// assert_eq!(ArtConfig::default().for_nab_length(22_695).step, 7);
    /// ```
    pub fn for_nab_length(mut self, len: usize) -> Self {
        let probation = super::NabInputs {
            min: 0.0,
            max: 0.0,
            len,
        }
        .probationary();
        self.bootstrap = probation - probation % 2;
        self.step = (self.bootstrap / (WINDOW * 13)).max(1);
        self.spike = Spike::Mean(0.1);
        self.bootstrap_span = 0;
        self
    }

    /// Downsampled points in the bootstrap (ARTime's "trend window"), at least two feature windows.
    fn trend(&self) -> usize {
        (self.bootstrap / self.step).max(2 * WINDOW)
    }
}

/// Outcome of presenting one input to the ART.
#[derive(Debug, Clone, Copy)]
struct Resonance {
    /// Best resonance `M` over the categories (0 if none).
    best: f64,
    /// Energy match of the best category.
    energy: f64,
    /// No category reached the lower vigilance (a new cluster was, or would have been, made).
    novel: bool,
}

/// Dual-vigilance fuzzy ART over complement-coded vectors of `2 · FEATURES` numbers.
#[derive(Debug, Clone)]
struct Dvfa {
    /// Category weights, `2 · FEATURES` per category, flat.
    weights: Vec<f64>,
    /// `|w|₁` of each category.
    norms: Vec<f64>,
    /// Resonance of each category for the current input (scratch).
    matches: Vec<f64>,
    /// `|x ∧ w|₁` of each category for the current input (scratch).
    inters: Vec<f64>,
    /// The weights again, `LANES` categories side by side: entry `g · DIM + k` holds weight `k` of
    /// categories `g · LANES ..` (a missing category's lanes hold 0), so `present` reads the
    /// categories of a group as one contiguous vector.
    lanes: Vec<[f64; LANES]>,
    rho_lb: f64,
    rho_ub: f64,
    max_categories: usize,
}

const DIM: usize = 2 * FEATURES;

/// Categories whose matches are summed side by side in [`Dvfa::present`].
const LANES: usize = 4;

impl Dvfa {
    fn new(rho: f64, max_categories: usize) -> Self {
        Dvfa {
            weights: Vec::new(),
            norms: Vec::new(),
            matches: Vec::new(),
            inters: Vec::new(),
            lanes: Vec::new(),
            rho_lb: rho,
            rho_ub: rho,
            max_categories,
        }
    }

    fn categories(&self) -> usize {
        self.norms.len()
    }

    fn add(&mut self, w: &[f64; DIM]) {
        if self.max_categories > 0 && self.categories() >= self.max_categories {
            return;
        }
        let j = self.categories();
        if j % LANES == 0 {
            self.lanes.resize(self.lanes.len() + DIM, [0.0; LANES]);
        }
        self.weights.extend_from_slice(w);
        self.norms.push(w.iter().sum());
        self.sync_lanes(j);
    }

    /// Copies category `j`'s weights into `lanes`.
    fn sync_lanes(&mut self, j: usize) {
        let (g, l) = (j / LANES, j % LANES);
        let w = &self.weights[j * DIM..(j + 1) * DIM];
        for (entry, wk) in self.lanes[g * DIM..(g + 1) * DIM].iter_mut().zip(w) {
            entry[l] = *wk;
        }
    }

    /// Presents `f` (features in [0, 1]); learns if `learn`.
    fn present(&mut self, f: &[f64; FEATURES], learn: bool) -> Resonance {
        let mut x = [0.0; DIM];
        for (k, &v) in f.iter().enumerate() {
            x[k] = v;
            x[FEATURES + k] = 1.0 - v;
        }
        if self.norms.is_empty() {
            // The first input only creates the all-ones category (it matches nothing well).
            self.add(&[1.0; DIM]);
            return Resonance {
                best: 0.0,
                energy: 0.0,
                novel: false,
            };
        }
        let e1 = FEATURES - 1;
        let e2 = DIM - 1;
        self.matches.clear();
        let (mut best, mut energy) = (0.0f64, 0.0f64);
        // |x ∧ w|₁ of every category. Each sum adds its terms in index order, as a plain sum would
        // (the same bits), but `LANES` categories at a time, so the additions of different
        // categories overlap instead of each waiting for the one before.
        self.inters.clear();
        for group in self.lanes.chunks_exact(DIM) {
            let mut acc = [0.0f64; LANES];
            for (xk, entry) in x.iter().zip(group) {
                for (a, w) in acc.iter_mut().zip(entry) {
                    // min(x, w) without NaN handling (there are none): one vector instruction.
                    *a += if *w < *xk { *w } else { *xk };
                }
            }
            self.inters.extend_from_slice(&acc);
        }
        for (j, w) in self.weights.chunks_exact(DIM).enumerate() {
            let feature = self.inters[j] / self.norms[j].max(0.001);
            let we = w[e1] + w[e2];
            let en = if we > 0.0 {
                (x[e1].min(w[e1]) + x[e2].min(w[e2])) / we
            } else {
                1.0
            };
            let m = feature.powi(3) * en * en;
            self.matches.push(m);
            if m > best {
                best = m;
                energy = en;
            }
        }
        let mut out = Resonance {
            best,
            energy,
            novel: true,
        };
        if !learn {
            return out;
        }
        if best >= self.rho_ub {
            // Fast learning in every resonating category.
            for j in 0..self.matches.len() {
                if self.matches[j] >= self.rho_ub {
                    let w = &mut self.weights[j * DIM..(j + 1) * DIM];
                    for (wk, xk) in w.iter_mut().zip(&x) {
                        *wk = wk.min(*xk);
                    }
                    self.norms[j] = w.iter().sum();
                    self.sync_lanes(j);
                }
            }
            out.novel = false;
        } else {
            out.novel = best < self.rho_lb;
            self.add(&x);
        }
        out
    }
}

/// Haar wavelet transform of 8 values, fully decomposed: `[a₃, d₃, d₂ (2), d₁ (4)]`.
fn haar8(x: &[f64; WINDOW]) -> [f64; WINDOW] {
    let r = std::f64::consts::FRAC_1_SQRT_2;
    let mut out = [0.0; WINDOW];
    let mut a = *x;
    let mut n = WINDOW;
    while n > 1 {
        let h = n / 2;
        let mut next = [0.0; WINDOW];
        for k in 0..h {
            next[k] = (a[2 * k] + a[2 * k + 1]) * r;
            out[h + k] = (a[2 * k] - a[2 * k + 1]) * r;
        }
        a = next;
        n = h;
    }
    out[0] = a[0];
    out
}

/// Scales `v` to [0, 1] by its own minimum and maximum (unchanged shift only if constant).
fn unit(v: &mut [f64]) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    for x in v.iter_mut() {
        *x -= lo;
    }
    let hi = v.iter().copied().fold(0.0, f64::max);
    if hi > 0.0 {
        for x in v.iter_mut() {
            *x /= hi;
        }
    }
}

/// Cosine similarity, with ARTime's convention for a zero vector (`1 − |other|`).
fn similarity(a: &[f64], b: &[f64]) -> f64 {
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 {
        1.0 - nb
    } else if nb == 0.0 {
        1.0 - na
    } else {
        a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / (na * nb)
    }
}

/// Streaming ART novelty detector (see the module documentation).
///
/// ```
/// use hermes_anomaly::detect::{ArtNovelty, Detector};
/// let mut d = ArtNovelty::default();
/// let wave = |i: i64| 10.0 + 5.0 * ((i as f64) * std::f64::consts::TAU / 70.0).sin();
/// let mut late = 0.0f64;
/// for i in 0..3000i64 {
///     let s = d.observe(i * 60, wave(i)).score;
///     if i > 2000 { late = late.max(s); }
/// }
/// assert!(late < 0.1, "{late}"); // a repeating wave is learned
/// let best = (3000..3100i64).map(|i| d.observe(i * 60, wave(i) + 12.0).score).fold(0.0, f64::max);
/// assert!(best > 0.5, "{best}"); // a shift to an unseen level is a novel pattern
/// ```
#[derive(Debug, Clone)]
pub struct ArtNovelty {
    cfg: ArtConfig,
    /// Raw points seen.
    n: usize,
    /// The current block's sum, minimum and maximum.
    block: (f64, f64, f64),
    block_len: usize,
    /// Running average of block means.
    ds_average: Option<f64>,
    /// Raw minimum and maximum during the bootstrap.
    raw_range: (f64, f64),
    /// Timestamp of the first point (for `bootstrap_span`).
    first_ts: Option<i64>,
    /// A range given by the caller.
    known_range: Option<(f64, f64)>,
    /// Normalisation `(low, span)`, once the bootstrap is over.
    range: Option<(f64, f64)>,
    /// Downsampled (raw-unit) values of the bootstrap, replayed at its end.
    pending: Vec<f64>,
    /// Histogram of levels, for the running median.
    levels: Vec<u64>,
    level_count: u64,
    /// The last `WINDOW` levelled values, oldest first.
    f_window: [f64; WINDOW],
    /// Downsampled points featurised so far (ARTime's 1-based index of the current one).
    dsi: usize,
    art: Dvfa,
    // Classification state.
    last_anomaly_i: usize,
    last_anomaly_sim: f64,
    last_rho_update_i: usize,
    mask_after_cat: bool,
    no_new_cat_count: usize,
    /// Resonances of past alarms (sum, count, last), the last lowered to the minimum seen while masked.
    anomaly_sims: (f64, usize, f64),
    /// Running mean of all best resonances.
    sim_mean: (f64, usize),
    /// Ring of the last `trend/2 + 1` best resonances.
    sim_window: Vec<f64>,
    /// Ring of the last `trend + 1` shortfalls `rho_ub − M`.
    sim_diff_window: Vec<f64>,
    ring_pos: (usize, usize),
    novelty: f64,
}

impl Default for ArtNovelty {
    fn default() -> Self {
        ArtNovelty::new(ArtConfig::default())
    }
}

impl ArtNovelty {
    /// A detector with `cfg`.
    pub fn new(cfg: ArtConfig) -> Self {
        let trend = cfg.trend();
        ArtNovelty {
            n: 0,
            block: (0.0, f64::INFINITY, f64::NEG_INFINITY),
            block_len: 0,
            ds_average: None,
            raw_range: (f64::INFINITY, f64::NEG_INFINITY),
            first_ts: None,
            known_range: None,
            range: None,
            pending: Vec::new(),
            levels: vec![0; cfg.levels + 1],
            level_count: 0,
            f_window: [0.0; WINDOW],
            dsi: 0,
            art: Dvfa::new(cfg.initial_rho, cfg.max_categories),
            last_anomaly_i: 0,
            last_anomaly_sim: 0.0,
            last_rho_update_i: 0,
            mask_after_cat: false,
            no_new_cat_count: 0,
            anomaly_sims: (0.0, 0, 0.0),
            sim_mean: (0.0, 0),
            sim_window: vec![1.0; trend / 2 + 1],
            sim_diff_window: vec![0.0; trend + 1],
            ring_pos: (0, 0),
            novelty: 0.0,
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ArtConfig {
        &self.cfg
    }

    /// Uses a known range `[lo, hi]` (a metric with natural bounds, such as a percentage) instead of
    /// learning it from the bootstrap. NAB gives ARTime each file's minimum and maximum this way, which
    /// is look-ahead on a benchmark; `nab`'s runner does it only in its opt-in `--nab-protocol` mode
    /// (through [`Detector::nab_inputs`]).
    pub fn with_range(mut self, lo: f64, hi: f64) -> Self {
        self.known_range = Some((lo, hi));
        self
    }

    /// The unmasked novelty of the latest downsampled point: its confidence score as if no masking
    /// applied (0 if it matched a known cluster or the bootstrap is not over).
    pub fn novelty(&self) -> f64 {
        self.novelty
    }

    /// Categories learned so far.
    pub fn categories(&self) -> usize {
        self.art.categories()
    }

    /// The block's summary value in raw units (step 1 of the method).
    fn downsample(&mut self) -> f64 {
        let (sum, min, max) = self.block;
        let mean = sum / self.block_len as f64;
        let avg = self.ds_average.unwrap_or(mean);
        let avg = (avg + mean) / 2.0;
        self.ds_average = Some(avg);
        let mut ds = if (max - avg).abs() < (min - avg).abs() {
            min
        } else {
            max
        };
        let near = match self.cfg.spike {
            Spike::Mean(share) => share * mean.abs(),
            Spike::Range(share) => {
                let span = match self.range {
                    Some((_, span)) => span,
                    None => (self.raw_range.1 - self.raw_range.0).max(0.0),
                };
                share * span
            }
        };
        if (ds - mean).abs() < near {
            ds = mean;
        }
        ds
    }

    /// Normalises, levels and featurises one downsampled value (steps 2 and 3); advances `dsi`.
    fn featurise(&mut self, ds_raw: f64) -> [f64; FEATURES] {
        let (mut lo, mut span) = self.range.expect("range is set before featurising");
        if self.cfg.expand && (ds_raw < lo || ds_raw > lo + span) {
            let hi = (lo + span).max(ds_raw);
            lo = lo.min(ds_raw);
            span = hi - lo;
            self.range = Some((lo, span));
        }
        let x = ((ds_raw - lo) / span).clamp(0.0, 1.0);
        let nl = self.cfg.levels;
        let level = ((x * nl as f64).round() as usize).min(nl);
        self.levels[level] += 1;
        self.level_count += 1;
        let half = self.level_count.div_ceil(2);
        let mut cum = 0;
        let mut med = 0;
        for (l, &c) in self.levels.iter().enumerate() {
            cum += c;
            if cum >= half {
                med = l;
                break;
            }
        }
        let mut ds = level as f64 / nl as f64;
        let med = med as f64 / nl as f64;
        if (ds - med).abs() < self.cfg.chomp {
            ds = med;
        }
        self.f_window.rotate_left(1);
        self.f_window[WINDOW - 1] = ds;
        self.dsi += 1;
        let mut f = [0.0; FEATURES];
        if self.dsi >= WINDOW {
            let mut dw = self.f_window;
            unit(&mut dw);
            let mut fw = haar8(&dw);
            unit(&mut fw);
            f[..WINDOW].copy_from_slice(&fw);
            f[WINDOW..].copy_from_slice(&self.f_window);
        }
        f
    }

    /// The initial vigilance from the bootstrap's feature vectors (step 7).
    fn initial_rho(&self, feats: &[[f64; FEATURES]]) -> f64 {
        let m = feats.len();
        let mut sums = vec![0.0; m];
        for i in 0..m {
            for j in 0..i {
                let s = similarity(&feats[i], &feats[j]);
                sums[i] += s;
                sums[j] += s;
            }
            sums[i] += 1.0;
        }
        let mut order: Vec<usize> = (0..m).collect();
        order.sort_by(|&a, &b| sums[a].total_cmp(&sums[b]));
        let mut scratch = Dvfa::new(self.cfg.initial_rho, self.cfg.max_categories);
        let sims: Vec<f64> = order
            .iter()
            .map(|&k| scratch.present(&feats[k], true).best)
            .collect();
        let from = (self.cfg.trend() / 2)
            .saturating_sub(1)
            .min(m.saturating_sub(1));
        let tail = &sims[from..];
        if tail.is_empty() {
            self.cfg.initial_rho
        } else {
            tail.iter().sum::<f64>() / tail.len() as f64
        }
    }

    /// Classifies the feature vector of downsampled point `i` (1-based) and adapts (steps 4–6).
    fn detect(&mut self, f: &[f64; FEATURES], i: usize) -> f64 {
        let trend = self.cfg.trend();
        let since_anomaly = i - self.last_anomaly_i;
        let update_after_anomaly = since_anomaly == MASK;
        let update_for_trend = i - self.last_rho_update_i >= trend / 2;
        let mask_after_anomaly = since_anomaly <= MASK;
        if i > trend + MASK && self.mask_after_cat && self.no_new_cat_count >= MASK {
            self.mask_after_cat = false;
        }
        let learn = i >= WINDOW;
        let r = self.art.present(f, learn);
        // Inputs before a full window never learn and count as unmatched, as in ARTime.
        let novel = r.novel;
        self.no_new_cat_count = if novel { 0 } else { self.no_new_cat_count + 1 };
        self.sim_mean.0 += r.best;
        self.sim_mean.1 += 1;
        let (p, q) = self.ring_pos;
        self.sim_window[p] = r.best;
        self.sim_diff_window[q] = self.art.rho_ub - r.best;
        self.ring_pos = (
            (p + 1) % self.sim_window.len(),
            (q + 1) % self.sim_diff_window.len(),
        );
        if since_anomaly < MASK && self.anomaly_sims.1 > 0 && r.best < self.anomaly_sims.2 {
            self.anomaly_sims.0 += r.best - self.anomaly_sims.2;
            self.anomaly_sims.2 = r.best;
        }
        let masking = self.mask_after_cat || mask_after_anomaly;
        let scale = if mask_after_anomaly { 0.9 } else { 0.7 };
        let below_last = r.best < self.last_anomaly_sim * scale;
        let mut anomaly = 0.0;
        self.novelty = 0.0;
        if i > trend && novel {
            let fs = r.best.min(0.999);
            let ub = (self.art.rho_ub - fs) / (1.0 - fs);
            let lb = (self.art.rho_lb - fs) / (1.0 - fs);
            self.novelty = (0.35 * ub + 0.65 * lb + 1.5 * (1.0 - r.energy)).clamp(0.0, 1.0);
        }
        if i > trend && novel && (!masking || below_last) {
            anomaly = self.novelty;
            self.anomaly_sims.0 += r.best;
            self.anomaly_sims.1 += 1;
            self.anomaly_sims.2 = r.best;
            self.last_anomaly_sim = r.best;
            self.last_anomaly_i = i;
        }
        self.mask_after_cat = novel || self.mask_after_cat;
        if i > trend && (update_after_anomaly || update_for_trend) {
            let min_sim = self
                .sim_window
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min);
            let ub = (self.sim_mean.0 / self.sim_mean.1 as f64).min(0.97);
            let prev = self.art.rho_lb;
            let mut lb = if prev <= min_sim {
                prev + (min_sim - prev) * 0.19
            } else {
                let mut decr = 0.0;
                if i > 2 * trend {
                    let (s, c) = self
                        .sim_diff_window
                        .iter()
                        .filter(|&&d| d > 0.05)
                        .fold((0.0, 0usize), |(s, c), &d| (s + d.min(0.37), c + 1));
                    if c > 0 {
                        decr = s / c as f64;
                    }
                }
                let mut lb = prev - decr.max(0.01) / 2.0;
                if self.anomaly_sims.1 > 0 {
                    lb = lb.max(self.anomaly_sims.0 / self.anomaly_sims.1 as f64);
                }
                lb
            };
            lb = lb.min(ub);
            self.art.rho_lb = lb;
            self.art.rho_ub = ub;
            self.last_rho_update_i = i;
            self.mask_after_cat = true;
        }
        anomaly
    }

    /// Ends the bootstrap: fixes the range, featurises the buffered values, picks the initial
    /// vigilance and lets the ART learn them in order.
    fn finish_bootstrap(&mut self) {
        if let Some((lo, hi)) = self.known_range {
            self.range = Some((lo, (hi - lo).max(1e-12)));
        } else {
            let (lo, hi) = self.raw_range;
            let mut span = hi - lo;
            if span <= 0.0 || !span.is_finite() {
                // A constant bootstrap: any later change is far outside it.
                span = (lo.abs() * 0.1).max(1e-9);
            }
            self.range = Some((
                lo - self.cfg.margin * span,
                span * (1.0 + 2.0 * self.cfg.margin),
            ));
        }
        let pending = std::mem::take(&mut self.pending);
        let feats: Vec<[f64; FEATURES]> = pending.iter().map(|&d| self.featurise(d)).collect();
        let rho = self.initial_rho(&feats[(WINDOW - 1).min(feats.len())..]);
        self.art.rho_lb = rho;
        self.art.rho_ub = rho;
        for (k, f) in feats.iter().enumerate() {
            self.detect(f, k + 1);
        }
    }
}

impl Detector for ArtNovelty {
    fn name(&self) -> &'static str {
        "art"
    }

    fn observe(&mut self, ts: i64, value: f64) -> Verdict {
        self.n += 1;
        let first_ts = *self.first_ts.get_or_insert(ts);
        self.block.0 += value;
        self.block.1 = self.block.1.min(value);
        self.block.2 = self.block.2.max(value);
        self.block_len += 1;
        if self.range.is_none() {
            self.raw_range.0 = self.raw_range.0.min(value);
            self.raw_range.1 = self.raw_range.1.max(value);
        }
        let mut score = 0.0;
        if self.block_len >= self.cfg.step {
            let ds = self.downsample();
            self.block = (0.0, f64::INFINITY, f64::NEG_INFINITY);
            self.block_len = 0;
            if self.range.is_none() {
                self.pending.push(ds);
                let trend = self.cfg.trend();
                let spanned = ts.saturating_sub(first_ts) >= self.cfg.bootstrap_span;
                if self.pending.len() >= trend && (spanned || self.pending.len() >= 8 * trend) {
                    self.finish_bootstrap();
                }
            } else {
                let f = self.featurise(ds);
                score = self.detect(&f, self.dsi);
            }
        }
        Verdict::new("art", AnomalyKind::Collective, value, score)
    }

    /// NAB's protocol (look-ahead): runs as ARTime does under NAB, with the file's minimum and maximum
    /// as the range ([`ArtNovelty::with_range`]) and the bootstrap and step derived from the file's
    /// length ([`ArtConfig::for_nab_length`]). Only before the first point; ignored after it.
    fn nab_inputs(&mut self, inputs: &NabInputs) {
        if self.n > 0 {
            return;
        }
        let cfg = self.cfg.clone().for_nab_length(inputs.len);
        *self = ArtNovelty::new(cfg).with_range(inputs.min, inputs.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_by_side_category_sums_equal_plain_sums() {
        // Inputs that make, grow and shrink categories; after each, every category's |x ∧ w|₁ as
        // `present` computed it (four categories at a time, from the lane copy) must equal the
        // plain sum over its own weights (the same value: the same terms added in the same order).
        let mut art = Dvfa::new(0.9, 0);
        let mut rng = 17u64;
        for step in 0..400 {
            let mut f = [0.0; FEATURES];
            for v in &mut f {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *v = ((rng >> 11) as f64 / (1u64 << 53) as f64).powi(1 + step % 3);
            }
            art.present(&f, true);
            let mut x = [0.0; DIM];
            for (k, &v) in f.iter().enumerate() {
                x[k] = v;
                x[FEATURES + k] = 1.0 - v;
            }
            art.present(&f, false);
            for (j, w) in art.weights.chunks_exact(DIM).enumerate() {
                let plain: f64 = x.iter().zip(w).map(|(a, b)| a.min(*b)).sum();
                assert_eq!(art.inters[j], plain, "step {step}, category {j}");
            }
        }
        assert!(
            art.categories() > 4 * LANES,
            "{} categories",
            art.categories()
        );
    }

    #[test]
    fn the_bootstrap_lasts_a_day_of_fast_samples_and_is_bounded() {
        let bootstrapped_after = |step: i64| {
            let mut d = ArtNovelty::default();
            (0..20_000i64)
                .position(|i| {
                    d.observe(i * step, wave(i));
                    d.range.is_some()
                })
                .map(|p| p + 1)
        };
        // Five-minute samples: 750 points are 2.6 days, as before.
        assert_eq!(bootstrapped_after(300), Some(749));
        // One-minute samples: 750 points are half a day; the bootstrap waits for the day.
        let minute = bootstrapped_after(60).expect("ends");
        assert!((1441..1450).contains(&minute), "{minute}");
        // One-second samples: bounded by 8 × the bootstrap.
        let second = bootstrapped_after(1).expect("ends");
        assert!((5990..6010).contains(&second), "{second}");
        // NAB's protocol counts points only.
        assert_eq!(ArtConfig::default().for_nab_length(4000).bootstrap_span, 0);
    }

    #[test]
    fn haar_of_a_constant_has_no_detail() {
        let h = haar8(&[2.0; 8]);
        assert!((h[0] - 2.0 * 8f64.sqrt()).abs() < 1e-12);
        assert!(h[1..].iter().all(|d| d.abs() < 1e-12));
        let step = haar8(&[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        assert!(step[1].abs() > 1.0);
        assert!(step[2..].iter().all(|d| d.abs() < 1e-12));
    }

    /// Deterministic uniform noise in [0, 1).
    fn noise(i: i64) -> f64 {
        let mut z = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A square wave (period 140 points) with a little noise (2 % of its swing).
    fn wave(i: i64) -> f64 {
        let high = (i / 70) % 2 == 0;
        (if high { 20.0 } else { 10.0 }) + 0.2 * noise(i)
    }

    #[test]
    fn a_steady_periodic_signal_stops_alarming_once_learned() {
        let mut d = ArtNovelty::default();
        let mut late = Vec::new();
        for i in 0..6000i64 {
            let s = d.observe(i * 300, wave(i)).score;
            if i >= 3000 && s > 0.0 {
                late.push((i, s));
            }
        }
        assert!(late.is_empty(), "{late:?}");
        assert!(d.categories() < 200, "{}", d.categories());
    }

    #[test]
    fn finds_an_injected_level_shift_and_a_novel_pattern() {
        for kind in ["shift", "pattern"] {
            let mut d = ArtNovelty::default();
            for i in 0..4000i64 {
                d.observe(i * 300, wave(i));
            }
            let mut first = None;
            for k in 0..200i64 {
                let i = 4000 + k;
                let v = match kind {
                    // The wave moves up by half its swing.
                    "shift" => wave(i) + 15.0,
                    // The wave starts to flip every 7 points instead of every 70.
                    _ => (if (i / 7) % 2 == 0 { 20.0 } else { 10.0 }) + 0.2 * noise(i),
                };
                if d.observe(i * 300, v).score > 0.3 && first.is_none() {
                    first = Some(k);
                }
            }
            let k = first.unwrap_or_else(|| panic!("{kind} not found"));
            assert!(k < 100, "{kind} found late: {k}");
        }
    }

    #[test]
    fn a_constant_series_scores_zero_then_flags_a_lasting_change() {
        let mut d = ArtNovelty::default();
        for i in 0..1500i64 {
            let v = d.observe(i * 60, 42.0);
            assert_eq!(v.score, 0.0, "point {i}");
        }
        let best = (1500..1600i64)
            .map(|i| d.observe(i * 60, 50.0).score)
            .fold(0.0, f64::max);
        assert!(best > 0.3, "{best}");
    }

    #[test]
    fn scores_zero_during_the_bootstrap() {
        let mut d = ArtNovelty::default();
        for i in 0..749i64 {
            let v = if i % 100 == 99 { 1e6 } else { noise(i) };
            assert_eq!(d.observe(i, v).score, 0.0);
        }
    }

    /// Scores of a square wave with a level shift at point 3,000, after `inputs` (if any) were given.
    fn shifted_wave_scores(d: &mut dyn Detector, inputs: Option<NabInputs>) -> Vec<f64> {
        if let Some(n) = inputs {
            d.nab_inputs(&n);
        }
        (0..4000i64)
            .map(|i| {
                d.observe(i * 300, wave(i) + if i >= 3000 { 15.0 } else { 0.0 })
                    .score
            })
            .collect()
    }

    #[test]
    fn nab_inputs_reach_the_detector_and_change_its_range_bootstrap_and_step() {
        let values: Vec<f64> = (0..4000i64)
            .map(|i| wave(i) + if i >= 3000 { 15.0 } else { 0.0 })
            .collect();
        let nab = NabInputs::of(&values);
        let mut d = ArtNovelty::default();
        d.nab_inputs(&nab);
        assert_eq!(d.config(), &ArtConfig::default().for_nab_length(4000));
        assert_eq!(d.known_range, Some((nab.min, nab.max)));
        // Two runs that differ only in the inputs score differently...
        let given = shifted_wave_scores(&mut ArtNovelty::default(), Some(nab));
        let wider = NabInputs {
            min: nab.min - 100.0,
            ..nab
        };
        let other = shifted_wave_scores(&mut ArtNovelty::default(), Some(wider));
        let causal = shifted_wave_scores(&mut ArtNovelty::default(), None);
        assert_ne!(given, other);
        assert_ne!(given, causal);
        // ...through the `Detector` trait and the `Guarded` wrapper as well.
        let guarded = shifted_wave_scores(
            &mut crate::detect::Guarded::new(ArtNovelty::default()),
            Some(nab),
        );
        assert_eq!(given, guarded);
        // Given the file's range, the shift (inside it) is still found after NAB's probation (600).
        assert!(
            given[3000..3200].iter().any(|&s| s > 0.3),
            "{:?}",
            &given[3000..3200]
        );
        assert!(given[..600].iter().all(|&s| s == 0.0));
        // Inputs given after the first point are ignored: the run stays the causal one.
        let mut late = ArtNovelty::default();
        let first = late.observe(0, wave(0)).score;
        late.nab_inputs(&nab);
        assert_eq!(late.config(), &ArtConfig::default());
        let rest: Vec<f64> = (1..4000i64)
            .map(|i| {
                late.observe(i * 300, wave(i) + if i >= 3000 { 15.0 } else { 0.0 })
                    .score
            })
            .collect();
        assert_eq!(first, causal[0]);
        assert_eq!(rest, causal[1..]);
    }

    #[test]
    fn fuzzy_art_learns_a_repeated_input_and_flags_a_different_one() {
        let mut art = Dvfa::new(0.8, 0);
        let a = [0.2; FEATURES];
        let mut b = [0.2; FEATURES];
        b[WINDOW..].copy_from_slice(&[0.9; WINDOW]);
        art.present(&a, true); // the all-ones category
        let first = art.present(&a, true);
        assert!(first.novel);
        let again = art.present(&a, true);
        assert!(
            !again.novel && (again.best - 1.0).abs() < 1e-12,
            "{again:?}"
        );
        let other = art.present(&b, true);
        assert!(other.novel && other.best < 0.5, "{other:?}");
    }
}
