//! Robust point-anomaly statistics: a rolling median/MAD z-score and an EWMA control chart.

use super::stats::{ln_two_sided_tail, score_from_ln_p};
use super::{AnomalyKind, Detector, Verdict};
use std::collections::VecDeque;

/// Scale factor that makes the MAD a consistent estimator of a normal standard deviation.
pub(crate) const MAD_TO_SIGMA: f64 = 1.4826;

/// Spreads below this share of a window's median are floating-point rounding, not spread: a rate
/// computed from a counter's difference, or a mean of equal values, differs from the exact value in
/// its last bits (relative 1e-16 to 1e-13).
const RESOLUTION: f64 = 1e-9;

/// A sorted multiset of finite values kept as consecutive sorted blocks of at most `2·BLOCK` values:
/// an insert or a removal moves the values of one block only (not of the whole window), a rank or an
/// index lookup walks the block lengths.
#[derive(Debug, Clone, Default)]
pub(crate) struct Blocks {
    blocks: Vec<Vec<f64>>,
    len: usize,
}

const BLOCK: usize = 64;

impl Blocks {
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The first block whose largest value is ≥ `x` (the block holding `x`'s first occurrence).
    fn block_of(&self, x: f64) -> usize {
        self.blocks
            .partition_point(|b| b.last().is_some_and(|v| *v < x))
    }

    pub(crate) fn insert(&mut self, x: f64) {
        self.len += 1;
        if self.blocks.is_empty() {
            self.blocks.push(vec![x]);
            return;
        }
        let b = self.block_of(x).min(self.blocks.len() - 1);
        let block = &mut self.blocks[b];
        let i = block.partition_point(|v| *v < x);
        block.insert(i, x);
        if block.len() > 2 * BLOCK {
            let tail = block.split_off(BLOCK);
            self.blocks.insert(b + 1, tail);
        }
    }

    /// Removes one occurrence of `x`; false if `x` is not there.
    pub(crate) fn remove(&mut self, x: f64) -> bool {
        let b = self.block_of(x);
        let Some(block) = self.blocks.get_mut(b) else {
            return false;
        };
        let i = block.partition_point(|v| *v < x);
        if block.get(i) != Some(&x) {
            return false;
        }
        block.remove(i);
        self.len -= 1;
        if block.is_empty() {
            self.blocks.remove(b);
        } else if block.len() < BLOCK / 4 && b + 1 < self.blocks.len() {
            // Keep blocks from shrinking to nothing: fold a small one into its successor.
            let next = self.blocks.remove(b + 1);
            let block = &mut self.blocks[b];
            block.extend(next);
            if block.len() > 2 * BLOCK {
                let tail = block.split_off(block.len() / 2);
                self.blocks.insert(b + 1, tail);
            }
        }
        true
    }

    /// How many values are < `x`.
    pub(crate) fn rank(&self, x: f64) -> usize {
        let b = self.block_of(x);
        let before: usize = self.blocks[..b].iter().map(Vec::len).sum();
        before
            + self
                .blocks
                .get(b)
                .map_or(0, |block| block.partition_point(|v| *v < x))
    }

    /// The `i`-th smallest value.
    pub(crate) fn get(&self, mut i: usize) -> Option<f64> {
        for block in &self.blocks {
            if i < block.len() {
                return Some(block[i]);
            }
            i -= block.len();
        }
        None
    }

    pub(crate) fn first(&self) -> Option<f64> {
        self.blocks.first().and_then(|b| b.first().copied())
    }

    pub(crate) fn last(&self) -> Option<f64> {
        self.blocks.last().and_then(|b| b.last().copied())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        self.blocks.iter().flatten().copied()
    }

    /// The `q` quantile with linear interpolation between neighbouring order statistics (0 when empty).
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        let pos = q * (self.len - 1) as f64;
        let lo = pos.floor() as usize;
        let hi = pos.ceil() as usize;
        let f = pos - lo as f64;
        let (a, b) = (self.get(lo).unwrap_or(0.0), self.get(hi).unwrap_or(0.0));
        a * (1.0 - f) + b * f
    }
}

/// A sliding window kept both in arrival order and sorted ([`Blocks`]), for order statistics.
///
/// Insert/remove are binary searches plus a move of at most one block's values, so they stay cheap
/// for long windows (the ensemble's calibration windows hold 6,000 values); quantiles walk the block
/// lengths; the MAD is recomputed in O(w) after `len/8` new points (amortised O(1)) and between
/// refreshes reuses the last one; the spread is kept until the next push.
#[derive(Debug, Clone)]
pub(crate) struct SortedWindow {
    cap: usize,
    order: VecDeque<f64>,
    sorted: Blocks,
    mad: f64,
    since_mad: usize,
    scratch: Vec<f64>,
    /// The spread of the window as it is (cleared by a push).
    spread: Option<Option<f64>>,
}

impl SortedWindow {
    pub(crate) fn new(cap: usize) -> Self {
        SortedWindow {
            cap: cap.max(3),
            order: VecDeque::new(),
            sorted: Blocks::default(),
            mad: 0.0,
            since_mad: usize::MAX / 2,
            scratch: Vec::new(),
            spread: None,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.sorted.len()
    }

    pub(crate) fn push(&mut self, x: f64) {
        self.since_mad += 1;
        self.spread = None;
        if self.order.len() == self.cap {
            if let Some(old) = self.order.pop_front() {
                self.sorted.remove(old);
            }
        }
        self.order.push_back(x);
        self.sorted.insert(x);
    }

    /// Replaces every value `x` by `f(x)` (`f` increasing), keeping the arrival order.
    pub(crate) fn remap(&mut self, f: impl Fn(f64) -> f64) {
        let values: Vec<f64> = self.order.iter().map(|x| f(*x)).collect();
        *self = SortedWindow::new(self.cap);
        values.into_iter().for_each(|x| self.push(x));
    }

    /// How many values in the window are below `x`.
    pub(crate) fn sorted_partition(&self, x: f64) -> usize {
        self.sorted.rank(x)
    }

    /// The largest value in the window (0 when empty).
    pub(crate) fn max(&self) -> f64 {
        self.sorted.last().unwrap_or(0.0)
    }

    pub(crate) fn median(&self) -> f64 {
        self.sorted.quantile(0.5)
    }

    pub(crate) fn quantile(&self, q: f64) -> f64 {
        self.sorted.quantile(q)
    }

    /// Median absolute deviation (refreshed after len/8 pushes).
    pub(crate) fn mad(&mut self) -> f64 {
        // Refresh after len/8 new points (so also amortised O(1) while the window fills).
        let refresh = (self.sorted.len().min(self.cap) / 8).max(1);
        if self.since_mad >= refresh {
            let m = self.median();
            self.scratch.clear();
            self.scratch.extend(self.sorted.iter());
            self.mad = median_deviation(&self.scratch, m);
            self.since_mad = 0;
        }
        self.mad
    }

    /// A robust spread: MAD·1.4826, falling back to the inter-decile range, then to the range; `None`
    /// when the window has no spread beyond floating-point rounding (a constant window).
    pub(crate) fn spread(&mut self) -> Option<f64> {
        if let Some(s) = self.spread {
            return s;
        }
        let s = self.measure_spread();
        self.spread = Some(s);
        s
    }

    fn measure_spread(&mut self) -> Option<f64> {
        let grain = RESOLUTION * self.median().abs();
        let mad = self.mad() * MAD_TO_SIGMA;
        if mad > grain {
            return Some(mad);
        }
        let idr = (self.quantile(0.9) - self.quantile(0.1)) / 2.563;
        if idr > grain {
            return Some(idr);
        }
        let range = self.sorted.last().unwrap_or(0.0) - self.sorted.first().unwrap_or(0.0);
        (range / 6.0 > grain).then_some(range / 6.0)
    }

    /// [`SortedWindow::spread`], or for a constant window [`SortedWindow::constant_floor`].
    pub(crate) fn sigma(&mut self) -> f64 {
        self.spread().unwrap_or_else(|| self.constant_floor())
    }

    /// The spread a constant window stands in with: a tiny floor relative to the level, so that it
    /// never divides by zero.
    pub(crate) fn constant_floor(&self) -> f64 {
        (self.median().abs() * 1e-3).max(1e-9)
    }
}

/// A sliding window of mostly small non-negative integers (counts, run lengths), answering as a
/// [`SortedWindow`] of the same values does (`len`, `sorted_partition`, `max`): the integers below
/// `DENSE` are kept as a histogram (a push is O(1), a rank O(value)), any other value in a sorted
/// [`Blocks`].
#[derive(Debug, Clone)]
pub(crate) struct CountWindow {
    cap: usize,
    order: VecDeque<f64>,
    counts: Vec<usize>,
    other: Blocks,
}

/// Integers below this are counted in [`CountWindow`]'s histogram.
const DENSE: usize = 256;

impl CountWindow {
    pub(crate) fn new(cap: usize) -> Self {
        CountWindow {
            cap: cap.max(3),
            order: VecDeque::new(),
            counts: Vec::new(),
            other: Blocks::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    /// The histogram slot of `x`, if it is a small non-negative integer.
    fn slot(x: f64) -> Option<usize> {
        (x >= 0.0 && x < DENSE as f64 && x.fract() == 0.0).then_some(x as usize)
    }

    pub(crate) fn push(&mut self, x: f64) {
        if self.order.len() == self.cap {
            if let Some(old) = self.order.pop_front() {
                match Self::slot(old) {
                    Some(i) => self.counts[i] -= 1,
                    None => {
                        self.other.remove(old);
                    }
                }
            }
        }
        match Self::slot(x) {
            Some(i) => {
                if i >= self.counts.len() {
                    self.counts.resize(i + 1, 0);
                }
                self.counts[i] += 1;
            }
            None => self.other.insert(x),
        }
        self.order.push_back(x);
    }

    /// How many values in the window are below `x`.
    pub(crate) fn sorted_partition(&self, x: f64) -> usize {
        let small: usize = self
            .counts
            .iter()
            .enumerate()
            .take_while(|(v, _)| (*v as f64) < x)
            .map(|(_, c)| c)
            .sum();
        small + self.other.rank(x)
    }

    /// The largest value in the window (0 when empty).
    pub(crate) fn max(&self) -> f64 {
        let small = self.counts.iter().rposition(|c| *c > 0).map(|v| v as f64);
        match (small, self.other.last()) {
            (Some(a), Some(b)) => a.max(b),
            (a, b) => a.or(b).unwrap_or(0.0),
        }
    }
}

/// The median of `|v − m|` over sorted `v` (the two middle deviations interpolated): the
/// deviations come in increasing order by walking outwards from `m`, so no sort is needed.
fn median_deviation(v: &[f64], m: f64) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let pos = 0.5 * (n - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let f = pos - lo as f64;
    // v[..left] lie below m, v[right..] at or above it; the next deviation is the nearer end's.
    let mut right = v.partition_point(|x| *x < m);
    let mut left = right;
    let (mut a, mut b) = (0.0, 0.0);
    for t in 0..=hi {
        let below = left.checked_sub(1).map(|i| (v[i] - m).abs());
        let above = v.get(right).map(|x| (x - m).abs());
        let d = match (below, above) {
            (Some(l), r) if r.is_none_or(|r| l <= r) => {
                left -= 1;
                l
            }
            (_, Some(r)) => {
                right += 1;
                r
            }
            _ => break,
        };
        if t == lo {
            a = d;
        }
        if t == hi {
            b = d;
        }
    }
    a * (1.0 - f) + b * f
}

#[cfg(test)]
fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let f = pos - lo as f64;
    v[lo] * (1.0 - f) + v[hi] * f
}

/// Rolling median/MAD z-score of each value against the previous `window` values.
///
/// Score = `L/(L+10)`, `L = −ln(2·Q(|z|))` (ordered, never saturating) with `z = (x − median) / (1.4826·MAD)`; 0 until `min_points` were seen.
///
/// ```
/// use hermes_anomaly::detect::{Detector, RollingMad};
/// let mut d = RollingMad::new(200);
/// for i in 0..200 { d.observe(i, 10.0 + (i % 5) as f64); }
/// let v = d.observe(200, 40.0);
/// assert!(v.score > 0.9);
/// assert!(v.upper.unwrap() < 40.0);
/// ```
#[derive(Debug, Clone)]
pub struct RollingMad {
    window: SortedWindow,
    min_points: usize,
    band_z: f64,
}

impl RollingMad {
    /// A detector over a window of `window` past values (warm-up: 20 points or the window).
    pub fn new(window: usize) -> Self {
        RollingMad {
            window: SortedWindow::new(window),
            min_points: 20.min(window.max(3)),
            band_z: 4.0,
        }
    }

    /// The z-score at which the band is drawn (default 4).
    pub fn with_band_z(mut self, z: f64) -> Self {
        self.band_z = z;
        self
    }

    /// The robust z-score of `value` against the current window, if warmed up (does not learn).
    pub fn z(&mut self, value: f64) -> Option<(f64, f64, f64)> {
        if self.window.len() < self.min_points {
            return None;
        }
        let m = self.window.median();
        let s = self.window.sigma();
        Some(((value - m) / s, m, s))
    }

    /// Learns `value` without scoring it.
    pub fn learn(&mut self, value: f64) {
        self.window.push(value);
    }
}

impl Detector for RollingMad {
    fn name(&self) -> &'static str {
        "rolling_mad"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        let out = match self.z(value) {
            Some((z, m, s)) => Verdict::new(
                self.name(),
                AnomalyKind::Point,
                value,
                score_from_ln_p(ln_two_sided_tail(z)),
            )
            .with_band(m, m - self.band_z * s, m + self.band_z * s),
            None => Verdict::new(self.name(), AnomalyKind::Point, value, 0.0),
        };
        self.learn(value);
        out
    }
}

/// EWMA control chart: exponentially weighted mean and variance; score `L/(L+10)` with `L = −ln(2·Q(|z|))`.
///
/// ```
/// use hermes_anomaly::detect::{Detector, Ewma};
/// let mut d = Ewma::new(0.05);
/// for i in 0..300 { d.observe(i, (i % 3) as f64); }
/// assert!(d.observe(300, 30.0).score > 0.9);
/// ```
#[derive(Debug, Clone)]
pub struct Ewma {
    alpha: f64,
    mean: f64,
    var: f64,
    n: u64,
    band_z: f64,
}

impl Ewma {
    /// A chart with smoothing `alpha` in (0, 1] (effective memory ≈ 2/alpha points).
    pub fn new(alpha: f64) -> Self {
        Ewma {
            alpha: alpha.clamp(1e-6, 1.0),
            mean: 0.0,
            var: 0.0,
            n: 0,
            band_z: 4.0,
        }
    }
}

impl Detector for Ewma {
    fn name(&self) -> &'static str {
        "ewma"
    }

    fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
        self.n += 1;
        if self.n == 1 {
            self.mean = value;
            return Verdict::new(self.name(), AnomalyKind::Point, value, 0.0);
        }
        let sd = self.var.sqrt().max(self.mean.abs() * 1e-6).max(1e-12);
        let z = (value - self.mean) / sd;
        let warm = self.n > (2.0 / self.alpha) as u64 / 2;
        let mut v = Verdict::new(
            self.name(),
            AnomalyKind::Point,
            value,
            if warm {
                score_from_ln_p(ln_two_sided_tail(z))
            } else {
                0.0
            },
        );
        v = v.with_band(
            self.mean,
            self.mean - self.band_z * sd,
            self.mean + self.band_z * sd,
        );
        let d = value - self.mean;
        self.mean += self.alpha * d;
        self.var = (1.0 - self.alpha) * (self.var + self.alpha * d * d);
        v
    }
}

#[cfg(test)]
mod sorted_window_tests {
    #[test]
    fn sorted_window_stays_sorted_and_holds_the_last_cap_values() {
        let mut w = super::SortedWindow::new(1000);
        let mut rng = 12345u64;
        let mut all = Vec::new();
        for step in 0..5000 {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Ties on purpose: a small alphabet every other step.
            let x = if step % 2 == 0 {
                (rng >> 60) as f64
            } else {
                (rng >> 11) as f64 / (1u64 << 53) as f64
            };
            w.push(x);
            all.push(x);
            let mut want: Vec<f64> = all[all.len().saturating_sub(1000)..].to_vec();
            want.sort_by(f64::total_cmp);
            assert_eq!(w.sorted.iter().collect::<Vec<_>>(), want, "step {step}");
            assert_eq!(w.sorted_partition(0.5), want.partition_point(|v| *v < 0.5));
            assert_eq!(w.quantile(0.3), super::quantile_sorted(&want, 0.3));
        }
    }

    #[test]
    fn a_count_window_answers_as_a_sorted_window_of_the_same_values() {
        let (mut counts, mut sorted) =
            (super::CountWindow::new(300), super::SortedWindow::new(300));
        let mut rng = 7u64;
        for step in 0..3000 {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Mostly small counts, some long runs past the histogram, a few non-integers.
            let x = match rng >> 60 {
                0 => 200.0 + (rng >> 52 & 127) as f64,
                1 => (rng >> 40 & 1023) as f64 / 7.0,
                _ => (rng >> 59 & 15) as f64,
            };
            counts.push(x);
            sorted.push(x);
            assert_eq!(counts.len(), sorted.len(), "step {step}");
            assert_eq!(counts.max(), sorted.max(), "step {step}");
            for q in [0.0, 0.5, 1.0, 3.0, 15.0, 16.0, 255.0, 256.0, 300.0, 1e9] {
                assert_eq!(
                    counts.sorted_partition(q),
                    sorted.sorted_partition(q),
                    "step {step}, {q}"
                );
            }
        }
    }

    #[test]
    fn the_median_deviation_walk_equals_sorting_the_deviations() {
        let mut rng = 99u64;
        for n in [1usize, 2, 3, 4, 7, 10, 101, 1000] {
            for ties in [false, true] {
                let mut v: Vec<f64> = (0..n)
                    .map(|_| {
                        rng = rng
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        if ties {
                            (rng >> 61) as f64
                        } else {
                            (rng >> 11) as f64 / (1u64 << 53) as f64 * 100.0 - 30.0
                        }
                    })
                    .collect();
                v.sort_by(f64::total_cmp);
                for m in [super::quantile_sorted(&v, 0.5), v[0], v[n - 1], -1e3, 1e3] {
                    let mut dev: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
                    dev.sort_by(f64::total_cmp);
                    let want = super::quantile_sorted(&dev, 0.5);
                    assert_eq!(
                        super::median_deviation(&v, m),
                        want,
                        "n {n} ties {ties} m {m}"
                    );
                }
            }
        }
    }
}
