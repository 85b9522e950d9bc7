//! The ensemble's log view (`EnsembleConfig::log_view`): a non-negative series read on a log scale.
//!
//! Rates of bytes, requests and latencies are skewed: on a linear scale a drop to a hundredth of the
//! usual level lies within the usual spread, on a log scale it is a shift of several σ. The view
//! reads `ln(x + c)` with `c` = 0 while the series has been positive. A series that is sometimes
//! exactly 0 (an idle interface, a queue drained) keeps the view: at its first 0, `c` is fixed at
//! the smallest positive value seen so far, or at [`ZERO_AS`] of the level (the median of the
//! window) if that is larger, and the window is re-read with it (`ln(x + c)` is increasing in
//! `ln x`, so nothing is lost). A 0 then reads as a fall to just below the series' usual minimum,
//! and at least to a hundredth of its level: for counts `c` is 1 (`ln(1 + x)`), so an idle minute
//! among 1s and 2s is not news, while a steady rate falling to 0 is. A series 0 from its first
//! point waits for [`SEED`] positive values to fix its level. While half or more of the window is 0
//! (its median at `ln c`: a count of rare events, a key held now and then) the view abstains: 0 and
//! not-0 are its two states, not a scale. A negative value ends the view for good: the series is
//! not a magnitude.

use super::ensemble::shift_mean;
use super::robust::SortedWindow;
use std::collections::VecDeque;

/// A 0 reads as at most this share of the series' level (the median of the view's window when the
/// first 0 arrives).
pub(crate) const ZERO_AS: f64 = 0.01;

/// Positive values a series that started at 0 needs before its level (and so `c`) is known; also
/// the window length the view needs before it judges.
pub(crate) const SEED: usize = 20;

/// What the view says about one point, measured against the window before it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LogReading {
    /// |robust z| of `ln(x + c)`.
    pub point: f64,
    /// |robust z| of the mean of the last `short` values of `ln(x + c)` (clipped).
    pub shift: f64,
    /// The window's spread on the log scale.
    pub spread: f64,
    /// Expected value, lower and upper edge (`e^(m ± 4 s) − c`) on the series' scale.
    pub band: (f64, f64, f64),
    /// `c`.
    pub offset: f64,
}

#[derive(Debug, Clone)]
enum State {
    /// Every value so far positive: `c` = 0.
    Plain,
    /// The series started at 0 (before any positive value): raw values wait (the last window's),
    /// with the count of positive ones, until [`SEED`] are positive.
    Seeding(VecDeque<f64>, usize),
    /// `c` fixed at the first 0.
    Offset(f64),
    /// A negative value was seen.
    Off,
}

/// The log view's state: its reference window, its recent values and `c`.
#[derive(Debug, Clone)]
pub(crate) struct LogView {
    window: SortedWindow,
    cap: usize,
    recent: VecDeque<f64>,
    short: usize,
    /// The level-shift mean's clip (`EnsembleConfig::shift_clip`).
    clip: f64,
    state: State,
    /// The smallest positive value seen.
    smallest: f64,
}

impl LogView {
    /// A view over a reference window of `window` values and a level-shift mean of `short` values
    /// clipped at `clip` spreads (0: not clipped).
    pub(crate) fn new(window: usize, short: usize, clip: f64) -> Self {
        LogView {
            window: SortedWindow::new(window),
            cap: window,
            recent: VecDeque::new(),
            short: short.max(1),
            clip,
            state: State::Plain,
            smallest: f64::INFINITY,
        }
    }

    /// `c`, once the view reads the series (`None` while seeding or once ended).
    pub(crate) fn offset(&self) -> Option<f64> {
        match self.state {
            State::Plain => Some(0.0),
            State::Offset(c) => Some(c),
            State::Seeding(..) | State::Off => None,
        }
    }

    /// Takes the next value (finite); the reading against the window before it, when the window
    /// holds [`SEED`] values with a spread.
    pub(crate) fn observe(&mut self, x: f64) -> Option<LogReading> {
        if x < 0.0 {
            self.state = State::Off;
            self.window = SortedWindow::new(3);
            self.recent.clear();
            return None;
        }
        if x > 0.0 {
            self.smallest = self.smallest.min(x);
        }
        match &mut self.state {
            State::Off => return None,
            State::Plain if x == 0.0 => {
                if self.window.len() == 0 {
                    self.state = State::Seeding(VecDeque::new(), 0);
                    return self.observe(x);
                }
                let c = (ZERO_AS * self.window.median().exp()).max(self.smallest);
                let remap = |l: f64| (l.exp() + c).ln();
                self.window.remap(remap);
                self.recent.iter_mut().for_each(|l| *l = remap(*l));
                self.state = State::Offset(c);
            }
            State::Seeding(seed, positives) => {
                seed.push_back(x);
                *positives += usize::from(x > 0.0);
                if seed.len() > self.cap && seed.pop_front().is_some_and(|v| v > 0.0) {
                    *positives -= 1;
                }
                if *positives < SEED {
                    return None;
                }
                let mut levels: Vec<f64> = seed.iter().copied().filter(|v| *v > 0.0).collect();
                levels.sort_by(f64::total_cmp);
                let c = (ZERO_AS * levels[levels.len() / 2]).max(self.smallest);
                let seed = std::mem::take(seed);
                self.state = State::Offset(c);
                for v in seed {
                    let lx = (v + c).ln();
                    self.remember(lx);
                    self.window.push(lx);
                }
                return None;
            }
            State::Plain | State::Offset(_) => {}
        }
        let c = self.offset()?;
        let lx = (x + c).ln();
        self.remember(lx);
        // A window mostly at 0 (its median at `ln c`) is a count of rare events, not a magnitude:
        // the view abstains.
        let reading = if self.window.len() >= SEED && self.window.median() > c.ln() {
            self.window.spread().map(|s| {
                let m = self.window.median();
                let avg = shift_mean(&self.recent, m, s, self.clip);
                LogReading {
                    point: ((lx - m) / s).abs(),
                    shift: ((avg - m) / s).abs(),
                    spread: s,
                    band: (
                        m.exp() - c,
                        (m - 4.0 * s).exp() - c,
                        (m + 4.0 * s).exp() - c,
                    ),
                    offset: c,
                }
            })
        } else {
            None
        };
        self.window.push(lx);
        reading
    }

    /// `lx` joins the last `short` values (the level-shift mean's).
    fn remember(&mut self, lx: f64) {
        self.recent.push_back(lx);
        if self.recent.len() > self.short {
            self.recent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wobble(i: usize) -> f64 {
        10.0 * (1.0 + 0.3 * ((i * 7919) % 13) as f64 / 13.0)
    }

    #[test]
    fn a_positive_series_is_read_as_its_logs() {
        let mut v = LogView::new(100, 5, 0.0);
        let mut last = None;
        for i in 0..60 {
            last = v.observe(wobble(i));
        }
        let r = last.unwrap();
        assert_eq!(r.offset, 0.0);
        let (e, l, u) = r.band;
        assert!(
            l > 0.0 && l < e && e < u && (e / l - u / e).abs() < 1e-9,
            "{r:?}"
        );
        // A fall to a hundredth is far outside.
        assert!(v.observe(0.1).unwrap().point > 10.0);
    }

    /// The offset a first 0 fixes after `xs`, and the reading of that 0.
    fn first_zero(xs: impl Iterator<Item = f64>) -> LogReading {
        let mut v = LogView::new(1000, 5, 0.0);
        xs.for_each(|x| {
            v.observe(x);
        });
        let r = v.observe(0.0).unwrap();
        // The view goes on after the 0, and its band is centred on the level of `x + c`.
        for x in [1.0, 2.0, 3.0] {
            assert!(v.observe(x).is_some());
        }
        assert!(r.band.1 < r.band.0 && r.band.0 < r.band.2, "{r:?}");
        r
    }

    #[test]
    fn a_first_zero_reads_as_a_fall_below_the_smallest_value_and_at_least_to_a_hundredth() {
        // A steady series (10 to 13): just below its smallest value, ln(10 / 21.5) with a spread
        // of about 0.04 on the log scale.
        let r = first_zero((0..60).map(wobble));
        assert_eq!(r.offset, 10.0);
        assert!(r.point > 10.0, "{r:?}");
        // Counts: ln(1 + x), so a 0 among 1s, 2s and 3s is about one spread below.
        let r = first_zero((0..60).map(|i| (1 + i % 3) as f64));
        assert_eq!(r.offset, 1.0);
        assert!(r.point < 3.0, "{r:?}");
        // Values over four decades around 100 (0.7 to 15,000): a hundredth of the level.
        let spread = |i: usize| 100.0 * (5.0 * (((i * 7919) % 101) as f64 / 50.0 - 1.0)).exp();
        let r = first_zero((0..101).map(spread));
        assert!((r.offset - 1.0).abs() < 0.01, "{r:?}");
        assert!(((r.band.0 + r.offset) / 101.0 - 1.0).abs() < 0.05, "{r:?}");
    }

    #[test]
    fn a_series_that_starts_at_zero_waits_for_its_level_and_a_negative_value_ends_the_view() {
        let mut v = LogView::new(100, 5, 0.0);
        for _ in 0..30 {
            assert!(v.observe(0.0).is_none());
        }
        assert_eq!(v.offset(), None);
        for i in 0..19 {
            assert!(v.observe(wobble(i)).is_none());
        }
        assert!(v.observe(wobble(19)).is_none());
        assert_eq!(v.offset(), Some(10.0));
        // The window holds the seed, zeros included: mostly zeros, so the view abstains (a count of
        // rare events) until half of them are positive (30 zeros, 30 values).
        let first = (20..100).find(|i| v.observe(wobble(*i)).is_some());
        assert_eq!(first, Some(30));
        assert!(v.observe(-1.0).is_none());
        assert!(v.observe(wobble(100)).is_none());
        assert_eq!(v.offset(), None);
    }
}
