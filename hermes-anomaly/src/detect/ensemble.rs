//! The ensemble: point, level-shift and seasonal evidence turned into one calibrated score in [0, 1]
//! with a label and an explanation.
//!
//! For each point every component yields a surprise `|z|` (robust z of the value; robust z of the mean
//! of the last `short` values; z of the daily (and, if enabled, weekly) seasonal residuals, scaled by a
//! blend of the profile's overall residual spread and the spread at this time of day) or a count (rank shift:
//! how many of the last `rank` values lie beyond the reference window's `rank_q` / `1 − rank_q`
//! quantiles, a sign-test-like check that sees a lasting shift even when it is small point by point or
//! the series is heavy-tailed; the burst component is the same count over the last `burst` values
//! and the `burst_q` quantiles, for a short cluster of extreme values). Each surprise is
//! calibrated into a tail probability `p` against that component's own history: the empirical
//! exceedance rate among its last `calibration` surprises, extended beyond the largest one seen by a
//! Pareto tail `(s / max)^−tail` (for live watching, by a tail fitted to the history:
//! [`EnsembleConfig::fitted_tail`]), and never below the Gaussian tail. So a heavy-tailed series does not
//! alarm on its usual spikes, and a surprise is judged against the series' own record. The evidence is
//! `−ln(k · min p)` over the `k` active components (a Bonferroni correction) and the score `1 − k · min p`,
//! labelled with the component that gave the minimum.
//!
//! Onset only: a point scores (is not zeroed) only if its evidence exceeds `escalation` × the largest
//! evidence of the previous `refractory` points. Whatever threshold is applied to the scores, a lasting
//! anomaly crosses it once, at its start (NAB rewards the first detection in a window and charges every
//! false positive; an operator wants one alert per incident).
//!
//! Repeat penalty: an onset's evidence is then lowered by `repeat · ln(1 + c)`, `c` being the number of
//! this series' onsets in the last `repeat_memory` points whose evidence was at least as strong (less
//! `repeat_margin`). This is a second-level calibration: a bursty series that has already produced
//! alarms of this strength needs more to alarm again, while a calm series' first strong onset keeps its
//! full score. It matters because NAB (like an operator's alert rule) uses one threshold for all series.
//!
//! ART second opinion (`art`, on by default): an [`ArtNovelty`] detector (after ARTime) runs beside the
//! components on the same points. It sees a different thing, a *shape* of the recent past that matches
//! no learned category, and it alarms rarely. An ART alarm of score `s` that comes more than `art_quiet`
//! points after the ensemble's last alarm (score above `art_quiet_level`, 0.9) gets the evidence `art_base + art_gain · s −
//! art_repeat · ln(1 + c)` (`c`: this series' earlier ART alarms that counted), and the point's score is
//! the larger of the ensemble's and `1 − e^−evidence` (labelled `ensemble/art`). ART alarms near the
//! ensemble's own alarms are the same incident and are ignored; the ART alarm does not enter the onset
//! memory, the repeat penalty or the episodes of the components.
//!
//! Stuck-value opinion (`stuck` = 50, on by default): a run of one repeated value (the same number,
//! exactly: a dead exporter repeating its last sample, a stuck sensor, a disk that stopped writing)
//! that becomes longer than `stuck_ratio` × the longest earlier run of the series and longer than
//! `stuck` points alarms once, at the point where it crosses that length, if the series normally
//! varies: fewer than `stuck_share` = 0.5 of its points before the run lay in runs of at least `stuck`
//! points (so a series constant from its first point, a 0/1 step series, or a normally constant metric
//! with rare blips — Prometheus `up`, a health check, an error counter at 0 — is never stuck; a run
//! after a blip is how such a series behaves, not a freeze). Its evidence is the run
//! length's tail probability, calibrated against the run lengths of the last `calibration` points (a
//! record after `n` points has evidence about `ln(n + 1)`), less `stuck_repeat · ln(1 + c)` over the
//! series' earlier stuck alarms; it is ignored within `stuck_quiet` = 400 points after an ensemble alarm,
//! and otherwise scored like the ART second opinion (the larger score wins, labelled `ensemble/stuck`,
//! kind collective, the verdict's [`Verdict::run_length`] set); like a component's alarm, a stuck alarm
//! above `art_quiet_level` starts the ART quiet period. O(log `calibration`) per point.
//!
//! Bagging of settings (`bag`, `bag_keys`, `bag_median`; off by default): the ensemble runs copies of
//! itself with the named settings scaled by `1 ± bag` and combines their evidence (mean or median), a
//! check of how much a score hangs on a knife-edge setting. On NAB's dev split it did not smooth the
//! threshold cliff and costs one ensemble per copy (see the crate README, tenth round).
//!
//! NAB's protocol ([`Detector::nab_inputs`], the NAB runner's opt-in `--nab-protocol` only): the file's
//! minimum, maximum and length, known in advance as every published NAB detector had them, go to the
//! ART second opinion (ARTime's own setting); the other components never use them.

use super::log_view::{LogReading, LogView};
use super::robust::{CountWindow, SortedWindow};
use super::seasonal::SeasonalProfile;
use super::stats::ln_two_sided_tail;
use super::{AnomalyKind, ArtNovelty, Detector, NabInputs, Verdict};
use std::collections::VecDeque;

/// The smallest spread the Gaussian tie-break reads a point or level-shift z against, as a share of
/// the level (see the point component).
const FLAT_SCALE: f64 = 0.1;

/// Tolerance of the rank and burst counts' comparisons with the reference quantiles, as a share of
/// the distance between the two quantiles (so the same for the series shifted by any constant)...
const RANK_TOLERANCE: f64 = 1e-9;

/// ... plus this share of their magnitude (about 4,500 ulps: rounding error, not data).
const ROUNDING: f64 = 1e-12;

/// The 99th percentile of |z| for a Gaussian: the tie-break reads a surprise history whose own 99th
/// percentile lies beyond it on this scale ([`Calibrator::gaussian_scale`]).
const GAUSS_Q99: f64 = 2.5758;

/// Surprises a calibrator holds before the tie-break rescales by their 99th percentile, and before
/// a tail is fitted to them ([`EnsembleConfig::fitted_tail`]).
const TIE_SCALE_MIN: usize = 100;

/// The lower of the two percentiles of the history a fitted tail passes through (the upper is the
/// 99th).
const FIT_Q: f64 = 0.5;

/// The largest shape of a fitted tail (Gaussian |z| reads about 1.4 through the median and 99th
/// percentile).
const FIT_BETA_MAX: f64 = 2.0;

/// The smallest shape of a tail worth extending (an exponential's): a heavier-tailed history (β about
/// 0.7 for log-normal noise, 0.9 for Student-t₃, under 0.5 for a quantised series whose values step
/// between a few levels) makes records routine, and past the record it keeps the Pareto `tail`.
const FIT_BETA_MIN: f64 = 1.0;

/// The component index the stuck-value opinion reports as (after the statistical components).
const STUCK_COMPONENT: usize = 10;
/// The component index the ART second opinion reports as.
const ART_COMPONENT: usize = 9;
/// The statistical components: robust z, level shift, daily, weekly, jump, rank, burst, log z, log
/// level shift.
const COMPONENTS: usize = 9;

/// The detector names of the ensemble's alarms that are not departures from a band: a stuck value
/// and a new shape found by the ART ([`crate::monitor::confirm`] does not hold them).
pub(crate) const STUCK: &str = "ensemble/stuck";
/// See [`STUCK`].
pub(crate) const ART: &str = "ensemble/art";

/// The ensemble's settings. Defaults are generic (one setting for every series, never per series),
/// chosen on NAB's dev split with cross-validation (see the crate README).
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleConfig {
    /// Points in the robust reference window (median/MAD).
    pub window: usize,
    /// Points averaged for the level-shift component.
    pub short: usize,
    /// Past surprises each component is calibrated against.
    pub calibration: usize,
    /// Use the seasonal components (daily, and weekly if `weekly`).
    pub seasonal: bool,
    /// Use the weekly seasonal component too (default false: on NAB's dev split it added false
    /// positives, mostly on series that are barely two weeks long, where a weekly profile has seen each
    /// phase once or twice: 66.69 → 67.91 standard without it).
    pub weekly: bool,
    /// Use the jump component: the robust z of the step from the previous value (default false).
    pub diff: bool,
    /// Advisory alarm level for callers (default 0.995, a corrected tail probability of 0.5 %). The
    /// ensemble itself does not use it: its onset rule needs no threshold.
    pub alarm_level: f64,
    /// Points of memory for the onset rule: a point scores only if its evidence (−ln p) exceeds
    /// `escalation` × the largest evidence of the previous `refractory` points (0 = every point scores).
    pub refractory: usize,
    /// Factor by which evidence must exceed the recent maximum to score again (default 1).
    pub escalation: f64,
    /// Weight of an extra Gaussian-tail term, `p · gauss^tie_break` (default 0). Useful when the
    /// history is short (live watching), where the empirical rate cannot go below 1/(history + 1).
    /// The term reads the robust and level-shift z against a spread of at least a tenth of the
    /// series' level, so only an excursion large against both the noise and the level counts
    /// (a quantised series' step to its next value does not; see [`EnsembleConfig::live`]). It
    /// reads each component's surprises on a scale where their own 99th percentile is at most a
    /// Gaussian's, so a heavy-tailed series' routine excursions earn nothing from it.
    pub tie_break: f64,
    /// When the daily profile explains a series almost exactly (its largest recent residual is below
    /// `exact` × the series' spread: a noiseless daily cycle), a point that agrees with the profile
    /// (seasonal z below `exact_z`) gets no evidence from the robust z, level-shift, rank and burst
    /// components, whose departures from the overall median are then the cycle itself (default 0.02;
    /// 0 = off). Without it a noiseless business-hours cycle alarmed on level-shift "records" that the
    /// reference MAD's refresh phase makes as the days go by.
    pub exact: f64,
    /// Seasonal z below which a point agrees with an exact profile (default 3).
    pub exact_z: f64,
    /// Tail exponent for surprises beyond the largest in the calibration history: the tail
    /// probability keeps falling as `(s / max)^−tail` (a Pareto tail), so such surprises stay ordered
    /// by how far they exceed the series' own record rather than by a Gaussian z (default 1.5).
    pub tail: f64,
    /// Extend the tail past the record by one fitted to the calibration history instead of the fixed
    /// Pareto `tail` (default false; [`EnsembleConfig::live`] sets it), once the history holds 100
    /// surprises. The history's median and 99th percentile fix a stretched-exponential tail
    /// `p(s) = exp(−(s/λ)^β)`, β at most 2: a Gaussian-like history reads β near 1.4, so a surprise
    /// well past a short history's record is about as rare as it would be for a Gaussian. A
    /// heavier tail than an exponential's (β < 1: log-normal or Student-t noise, a quantised series
    /// stepping between a few values) keeps `tail`, and so do the rank and burst counts and run
    /// lengths. Without it a history of `n` points cannot give a tail probability below
    /// `1/(n + 1)`, and live watching found no 20 σ spike in its first 3,000 points around a level
    /// of 50. On NAB's dev split it costs about 10 points (its onset and repeat rules were tuned
    /// with the Pareto tail).
    pub fitted_tail: bool,
    /// Points a component's surprise waits before it joins the component's calibration history
    /// (default 0; [`EnsembleConfig::live`]: `short`, 12), from the 120th point on (before it the
    /// histories are too short for a fitted tail and fill at once). An anomaly in progress is then
    /// judged against the history from before it, not against its own first points: a shift's level-shift
    /// surprise grows point by point, and each point learned at once became the record the next
    /// one was measured past. On NAB's dev split it costs about 10 points (its onset rule was tuned
    /// with immediate learning).
    pub calibration_delay: usize,
    /// Also read a non-negative series on a log scale (default false; [`EnsembleConfig::live`]
    /// sets it): two more components, the robust z of `ln(x + c)` (`ensemble/log_z`) and of the
    /// mean of the last `short` of them (`ensemble/log_shift`), until the series' first negative
    /// value. Rates of bytes, requests and latencies are skewed, and on a linear scale a drop to a
    /// hundredth of the usual level lies within the usual spread; on a log scale it is a shift of
    /// several σ. `c` is 0 while the series has been positive; at its first 0 it is fixed at the
    /// smallest positive value seen, or a hundredth of the level if that is larger (1 for counts:
    /// `ln(1 + x)`), so an idle interface or a count keeps the view; while half its window is 0
    /// the view abstains. On NAB's dev split it costs about 5 points.
    pub log_view: bool,
    /// Clip for the level-shift components (default 0, a plain mean; [`EnsembleConfig::live`]: 4):
    /// each of the last `short` values is first clipped to the band `m ± shift_clip · s` of the
    /// window's median and spread, so one spike moves the mean by at most `shift_clip · s / short`
    /// and a shift is judged as a shift. Such a mean of `short` values has its own spread, about
    /// `s / √short`, and with a clip the components' Gaussian floor reads it there (`z · √short`):
    /// without one, a sustained shift's surprise could never count for more than the same `z`
    /// as one point's. In live watching the clip cut the alerts on heavy-tailed noise (a single
    /// extreme point of Student-t or log-normal noise had moved the mean, on the log view
    /// especially) and the floor let 2 σ shifts alarm. A window without spread is not clipped.
    pub shift_clip: f64,
    /// Points scored 0 at the start while the references fill.
    pub warmup: usize,
    /// Weight of the repeat penalty (default 0): an onset's evidence is lowered by
    /// `repeat · ln(1 + c)`, where `c` counts this series' earlier onsets (within `repeat_memory`
    /// points) whose evidence was at least this one's minus `repeat_margin`. A series that often
    /// produces alarms of a given strength (bursty, heavy-tailed) needs stronger evidence to alarm again.
    pub repeat: f64,
    /// Margin (in evidence units, −ln p) for counting an earlier onset as at least as strong.
    pub repeat_margin: f64,
    /// Points of onset history for the repeat penalty.
    pub repeat_memory: usize,
    /// Points in the rank-shift component (0 = off): how many of the last `rank` values lie above
    /// the reference window's `1 − rank_q` quantile (or below its `rank_q` quantile).
    pub rank: usize,
    /// Quantile for the rank-shift component.
    pub rank_q: f64,
    /// Points in the burst component (0 = off): the rank-shift count over a shorter window and a more
    /// extreme quantile (`burst_q`), for a cluster of a few extreme values.
    pub burst: usize,
    /// Quantile for the burst component.
    pub burst_q: f64,
    /// Weight `h` of the per-phase residual spread in the seasonal components' z (0 = the profile's
    /// global residual spread only; default 0.6). The spread used is `global^(1 − h) · phase^h`, `phase`
    /// being the residual spread in the current 1/24 of the period (an hour of the day): a series whose
    /// noise depends on the time of day (quiet nights, busy days) is judged at night against night-time
    /// noise, so routine daytime swings stop alarming and a small night-time deviation can (on NAB's dev
    /// split: 68.55 → 70.02 standard, held-out 67.40 → 68.87).
    pub hetero: f64,
    /// Residuals a phase group needs before its own spread is used (default 30).
    pub hetero_min: u32,
    /// Points an alarm's episode lasts (0 = off; default 50): after an onset whose (penalised) evidence
    /// reaches `episode_level`, the onsets of the next `episode` points score 0. A rising run of
    /// evidence (each point a little above the last, so each one an onset) then alarms once, not at
    /// every step; an anomaly already alarmed on gains nothing from a second alarm a few points later,
    /// while a normal stretch that alarmed once would be charged again (on NAB's dev split: 70.02 →
    /// 70.81 standard, held-out 68.87 → 69.66).
    pub episode: usize,
    /// Evidence (−ln(1 − score)) at which an onset starts an episode (default 3.5, a score of 0.97).
    pub episode_level: f64,
    /// Points of sustained evidence that make an onset whatever the onset memory holds (default 0 =
    /// off): when `sustain` points in a row each have evidence of at least `sustain_level` and
    /// none of them started an episode, the last of them is an onset (the repeat penalty and
    /// episodes still apply). Without it a lasting departure whose points are each weaker than a
    /// false alarm of the last `refractory` points is never reported (on the synthetic probes, a
    /// jump of 8 σ 49 points after a noise alarm; see the crate README, nineteenth round).
    pub sustain: usize,
    /// Evidence each point of a sustained run needs (default 3.5).
    pub sustain_level: f64,
    /// Run the ART novelty detector ([`ArtNovelty`], after ARTime) beside the components as a second
    /// opinion (default true; see "ART second opinion" in the module documentation).
    pub art: bool,
    /// Evidence of an ART alarm with score 0 (default 2).
    pub art_base: f64,
    /// Evidence per unit of ART score (default 3): an ART alarm of score `s` has evidence
    /// `art_base + art_gain · s − art_repeat · ln(1 + c)`.
    pub art_gain: f64,
    /// Repeat penalty of ART alarms (default 1), `c` being this series' earlier ART alarms that counted.
    pub art_repeat: f64,
    /// Points after an ensemble alarm (score above `art_quiet_level`) during which ART alarms are ignored (default
    /// 600): they belong to the incident already reported.
    pub art_quiet: usize,
    /// Ensemble score above which a point starts the ART quiet period (default 0.9). Under NAB's
    /// protocol (ART given the file's range and length) 0.99 was chosen by nested cross-validation
    /// (see the crate README); in causal use 0.9 stays.
    pub art_quiet_level: f64,
    /// The stuck-value opinion: minimum run length (default 50; 0 = off). A run of one repeated
    /// value (the same number, exactly: a dead exporter, a stuck sensor, a counter that stopped)
    /// alarms once, at the point where it becomes longer than `stuck_ratio` × the longest earlier
    /// run of the series and longer than `stuck` points (see "Stuck-value opinion" in the module
    /// documentation).
    pub stuck: usize,
    /// Factor by which a run must exceed the longest earlier run to count as stuck (default 1).
    pub stuck_ratio: f64,
    /// Repeat penalty of stuck alarms (default 1): their evidence is lowered by
    /// `stuck_repeat · ln(1 + c)`, `c` being this series' earlier stuck alarms.
    pub stuck_repeat: f64,
    /// Points after an ensemble alarm (score above `art_quiet_level`) during which stuck alarms are
    /// ignored (default 400): they belong to the incident already reported.
    pub stuck_quiet: usize,
    /// The stuck-value opinion judges only series that normally vary (default 0.5): a run alarms
    /// only if fewer than this share of the series' points before it lay in runs of at least `stuck`
    /// points. A series constant from its first point, or normally constant with rare blips (`up`,
    /// a health check, an error counter at 0), never alarms; 1 keeps only the first of these rules.
    pub stuck_share: f64,
    /// Bagging of settings (default 0 = off): the relative spread `s` of the perturbed settings. With
    /// `s > 0` and `bag_keys` set, the ensemble runs `1 + 2 · |bag_keys|` copies of itself (the
    /// settings as given, and each key in `bag_keys` scaled by `1 − s` and `1 + s`, one at a time) and
    /// its evidence `−ln(1 − score)` is the mean (or, with `bag_median`, the median) of theirs, so one
    /// series' score depends less on a knife-edge setting. Costs one ensemble per copy.
    pub bag: f64,
    /// The settings bagging perturbs, `+`-separated names of numeric settings (e.g. `tail+hetero`).
    pub bag_keys: String,
    /// Combine the copies' evidence by the median instead of the mean (default false).
    pub bag_median: bool,
}

impl EnsembleConfig {
    /// Sets one field by name (`window`, `short`, `calibration`, `seasonal`, `weekly`, `diff`, `alarm_level`,
    /// `refractory`, `escalation`, `tie_break`, `exact`, `exact_z`, `tail`, `warmup`, `repeat`, `repeat_margin`,
    /// `repeat_memory`, `rank`, `rank_q`, `burst`, `burst_q`, `hetero`, `hetero_min`, `episode`,
    /// `episode_level`, `sustain`, `sustain_level`, `art`, `art_base`, `art_gain`, `art_repeat`, `art_quiet`, `art_quiet_level`,
    /// `stuck`, `stuck_ratio`, `stuck_repeat`, `stuck_quiet`, `stuck_share`, `bag`, `bag_keys`,
    /// `bag_median`),
    /// e.g. from a
    /// `key=value` flag.
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
            "weekly" => self.weekly = value.parse().map_err(|_| bad())?,
            "diff" => self.diff = value.parse().map_err(|_| bad())?,
            "alarm_level" => self.alarm_level = num(value)?,
            "refractory" => self.refractory = int(value)?,
            "escalation" => self.escalation = num(value)?,
            "tie_break" => self.tie_break = num(value)?,
            "exact" => self.exact = num(value)?,
            "exact_z" => self.exact_z = num(value)?,
            "tail" => self.tail = num(value)?,
            "fitted_tail" => self.fitted_tail = value.parse().map_err(|_| bad())?,
            "calibration_delay" => self.calibration_delay = int(value)?,
            "log_view" => self.log_view = value.parse().map_err(|_| bad())?,
            "shift_clip" => self.shift_clip = num(value)?,
            "warmup" => self.warmup = int(value)?,
            "repeat" => self.repeat = num(value)?,
            "repeat_margin" => self.repeat_margin = num(value)?,
            "repeat_memory" => self.repeat_memory = int(value)?,
            "rank" => self.rank = int(value)?,
            "rank_q" => self.rank_q = num(value)?,
            "burst" => self.burst = int(value)?,
            "burst_q" => self.burst_q = num(value)?,
            "hetero" => self.hetero = num(value)?,
            "hetero_min" => self.hetero_min = value.parse().map_err(|_| bad())?,
            "episode" => self.episode = int(value)?,
            "episode_level" => self.episode_level = num(value)?,
            "sustain" => self.sustain = int(value)?,
            "sustain_level" => self.sustain_level = num(value)?,
            "art" => self.art = value.parse().map_err(|_| bad())?,
            "art_base" => self.art_base = num(value)?,
            "art_gain" => self.art_gain = num(value)?,
            "art_repeat" => self.art_repeat = num(value)?,
            "art_quiet" => self.art_quiet = int(value)?,
            "art_quiet_level" => self.art_quiet_level = num(value)?,
            "stuck" => self.stuck = int(value)?,
            "stuck_ratio" => self.stuck_ratio = num(value)?,
            "stuck_repeat" => self.stuck_repeat = num(value)?,
            "stuck_quiet" => self.stuck_quiet = int(value)?,
            "stuck_share" => self.stuck_share = num(value)?,
            "bag" => self.bag = num(value)?,
            "bag_keys" => {
                for k in value.split('+').filter(|k| !k.is_empty()) {
                    if self.numeric(k).is_none() {
                        return Err(bad());
                    }
                }
                self.bag_keys = value.to_string();
            }
            "bag_median" => self.bag_median = value.parse().map_err(|_| bad())?,
            _ => {
                return Err(crate::AnomalyError::invalid(
                    format!("ensemble {key}"),
                    "unknown setting: use window, short, calibration, seasonal, weekly, diff, alarm_level, refractory, escalation, tie_break, exact, exact_z, tail, fitted_tail, calibration_delay, log_view, shift_clip, warmup, repeat, repeat_margin, repeat_memory, rank, rank_q, burst, burst_q, hetero, hetero_min, episode, episode_level, sustain, sustain_level, art, art_base, art_gain, art_repeat, art_quiet, art_quiet_level, stuck, stuck_ratio, stuck_repeat, stuck_quiet, stuck_share, bag, bag_keys or bag_median",
                ))
            }
        }
        Ok(())
    }

    /// The settings for live watching ([`crate::monitor::watch::Watcher`]'s default): the defaults
    /// with a Gaussian tie-break of 0.01, a tail fitted to each component's history past its record
    /// ([`EnsembleConfig::fitted_tail`]) instead of the fixed Pareto one, surprises learned 12 points
    /// late ([`EnsembleConfig::calibration_delay`]), a log view of non-negative series
    /// ([`EnsembleConfig::log_view`]), level-shift means of clipped values judged on their own
    /// spread ([`EnsembleConfig::shift_clip`]), and an alarm level of 0.9999 that also starts
    /// episodes.
    ///
    /// A live series starts with a short history, where the empirical tail probability alone
    /// cannot go below 1/(history+1): the fitted tail lets a departure far past a light-tailed
    /// history's record alarm after 100 points, the tie-break lets a gross excursion of any series
    /// alarm, and no fixed Pareto extrapolation is made from a record set by a handful of points.
    /// The level: at 0.999 a mere record of a full 6,000-point history alarmed (1 − k/6,001), about
    /// one alert a day per series of plain noise at 15 s steps; at 0.9999 only a departure well past
    /// the record does. A sustained shift of 2 σ is still found within 20 points of Gaussian noise
    /// after 3,000 (its clipped mean of 12 is 7 of its own σ out); one of autocorrelated noise, whose
    /// means wander, needs more. An episode starts only at an alarm
    /// (see [`EnsembleConfig::alarm_at`]), so an onset that stayed below the alarm level does not
    /// silence a real alarm in the next `episode` points.
    ///
    /// ```
    /// use hermes_anomaly::detect::{Detector, Ensemble, EnsembleConfig};
    /// let live = EnsembleConfig::live();
    /// let mut d = Ensemble::new(live.clone());
    /// for i in 0..60 { d.observe(i, 0.005 * ((i * 7919) % 3) as f64); }
    /// assert!(d.observe(60, 1.5).score > live.alarm_level);
    /// ```
    pub fn live() -> Self {
        EnsembleConfig {
            tie_break: 0.01,
            tail: 0.0,
            fitted_tail: true,
            calibration_delay: 12,
            log_view: true,
            shift_clip: 4.0,
            ..EnsembleConfig::default()
        }
        .alarm_at(0.9999)
    }

    /// Sets the alarm level a caller applies to the scores and lets an episode start exactly there
    /// (`episode_level` = −ln(1 − `level`)), so the onsets silenced after an alarm follow an alarm.
    ///
    /// ```
    /// let c = hermes_anomaly::detect::EnsembleConfig::default().alarm_at(0.99);
    /// assert_eq!(c.alarm_level, 0.99);
    /// assert!((c.episode_level - 100f64.ln()).abs() < 1e-9);
    /// ```
    pub fn alarm_at(mut self, level: f64) -> Self {
        self.alarm_level = level;
        self.episode_level = -(1.0 - level).ln();
        self
    }

    /// The value of a numeric setting, by name (None for a boolean or unknown one).
    fn numeric(&self, key: &str) -> Option<f64> {
        Some(match key {
            "window" => self.window as f64,
            "short" => self.short as f64,
            "calibration" => self.calibration as f64,
            "refractory" => self.refractory as f64,
            "escalation" => self.escalation,
            "tail" => self.tail,
            "repeat" => self.repeat,
            "repeat_margin" => self.repeat_margin,
            "repeat_memory" => self.repeat_memory as f64,
            "rank" => self.rank as f64,
            "rank_q" => self.rank_q,
            "burst" => self.burst as f64,
            "burst_q" => self.burst_q,
            "hetero" => self.hetero,
            "episode" => self.episode as f64,
            "episode_level" => self.episode_level,
            "sustain" => self.sustain as f64,
            "sustain_level" => self.sustain_level,
            "art_base" => self.art_base,
            "art_gain" => self.art_gain,
            "art_repeat" => self.art_repeat,
            "art_quiet" => self.art_quiet as f64,
            "art_quiet_level" => self.art_quiet_level,
            "stuck" => self.stuck as f64,
            "stuck_repeat" => self.stuck_repeat,
            "stuck_quiet" => self.stuck_quiet as f64,
            "stuck_share" => self.stuck_share,
            _ => return None,
        })
    }

    /// The copies bagging runs: these settings without bagging, then each key of `bag_keys` scaled
    /// by `1 − bag` and `1 + bag` (integer settings rounded). Empty when bagging is off.
    fn bag_variants(&self) -> Vec<EnsembleConfig> {
        let keys: Vec<&str> = self.bag_keys.split('+').filter(|k| !k.is_empty()).collect();
        if self.bag <= 0.0 || keys.is_empty() {
            return Vec::new();
        }
        let base = EnsembleConfig {
            bag: 0.0,
            bag_keys: String::new(),
            ..self.clone()
        };
        let mut out = vec![base.clone()];
        for k in keys {
            let Some(v) = base.numeric(k) else { continue };
            for f in [1.0 - self.bag, 1.0 + self.bag] {
                let mut c = base.clone();
                let x = v * f;
                if c.set(k, &x.to_string()).is_err() {
                    // An integer setting.
                    let _ = c.set(k, &(x.round().max(0.0) as usize).to_string());
                }
                out.push(c);
            }
        }
        out
    }
}

impl Default for EnsembleConfig {
    fn default() -> Self {
        EnsembleConfig {
            window: 1000,
            short: 12,
            calibration: 6000,
            seasonal: true,
            weekly: false,
            diff: false,
            alarm_level: 0.995,
            refractory: 400,
            escalation: 1.0,
            tie_break: 0.0,
            exact: 0.02,
            exact_z: 3.0,
            tail: 1.5,
            fitted_tail: false,
            calibration_delay: 0,
            log_view: false,
            shift_clip: 0.0,
            warmup: 0,
            repeat: 3.0,
            repeat_margin: 0.0,
            repeat_memory: 5000,
            rank: 15,
            rank_q: 0.03,
            burst: 8,
            burst_q: 0.01,
            hetero: 0.6,
            hetero_min: 30,
            episode: 50,
            episode_level: 3.5,
            sustain: 0,
            sustain_level: 3.5,
            art: true,
            art_base: 2.0,
            art_gain: 3.0,
            art_repeat: 1.0,
            art_quiet: 600,
            art_quiet_level: 0.9,
            stuck: 50,
            stuck_ratio: 1.0,
            stuck_repeat: 1.0,
            stuck_quiet: 400,
            stuck_share: 0.5,
            bag: 0.0,
            bag_keys: String::new(),
            bag_median: false,
        }
    }
}

/// Calibrates a non-negative surprise against its own recent history.
#[derive(Debug, Clone)]
struct Calibrator {
    history: History,
}

/// A calibrator's history: any surprises, or counts (the rank and burst components' surprises are
/// counts of recent points and the stuck-value opinion's are run lengths, so a histogram answers the
/// same in far less time).
#[derive(Debug, Clone)]
enum History {
    Values(SortedWindow),
    Counts(CountWindow),
}

impl Calibrator {
    fn new(n: usize) -> Self {
        Calibrator {
            history: History::Values(SortedWindow::new(n)),
        }
    }

    /// A calibrator for a surprise that is mostly a small count (a non-negative integer).
    fn of_counts(n: usize) -> Self {
        Calibrator {
            history: History::Counts(CountWindow::new(n)),
        }
    }

    /// (values in the history, how many are below `s`, the largest).
    fn rank(&self, s: f64) -> (usize, usize, f64) {
        match &self.history {
            History::Values(w) => (w.len(), w.sorted_partition(s), w.max()),
            History::Counts(w) => (w.len(), w.sorted_partition(s), w.max()),
        }
    }

    /// Log tail probability of `s`: the larger of the Gaussian two-sided tail and the empirical
    /// exceedance rate (extended past the history's record by the Pareto factor `(s / record)^−tail`,
    /// or with `fit` = `Some(allowance)` by [`Calibrator::fitted_beyond`] less `allowance`, up to
    /// 0), times `gauss(tie_s)^tie_break` (`tie_s`: the surprise the tie-break judges, `s` unless the
    /// component measured it against a stand-in spread).
    fn ln_p(&self, s: f64, tie_s: f64, tie_break: f64, tail: f64, fit: Option<f64>) -> f64 {
        self.ln_p_floored(s, s, tie_s, tie_break, tail, fit)
    }

    /// [`Calibrator::ln_p`] with the Gaussian floor read at `gauss_s` instead of `s` (a surprise
    /// whose own spread is not 1: a mean of `short` clipped values has about `1/√short`).
    fn ln_p_floored(
        &self,
        s: f64,
        gauss_s: f64,
        tie_s: f64,
        tie_break: f64,
        tail: f64,
        fit: Option<f64>,
    ) -> f64 {
        let ln_gauss = ln_two_sided_tail(gauss_s);
        let (n, below, record) = self.rank(s);
        if n == 0 {
            return 0.0;
        }
        let above = n - below;
        let ln_emp = ((above as f64 + 1.0) / (n as f64 + 1.0)).ln();
        let beyond = if s > record && record > 0.0 {
            let fitted = fit.and_then(|a| Some((self.fitted_beyond(s, record)? + a).min(0.0)));
            fitted.unwrap_or(-tail * (s / record).ln())
        } else {
            0.0
        };
        let tie = if tie_break > 0.0 {
            tie_break * ln_two_sided_tail(tie_s * self.gaussian_scale())
        } else {
            0.0
        };
        ln_gauss.max(ln_emp + beyond) + tie
    }

    /// What the tie-break multiplies a surprise by so that the history's 99th percentile reads as a
    /// Gaussian's (2.58) when it lies beyond it: a heavy-tailed series' routine large surprises
    /// (z of 20 to 50 in log-normal noise) then earn no Gaussian-tail evidence, while a
    /// Gaussian series' are unchanged. 1 until the history holds `TIE_SCALE_MIN` surprises, and for
    /// counts (not on a z scale).
    fn gaussian_scale(&self) -> f64 {
        match &self.history {
            History::Values(w) if w.len() >= TIE_SCALE_MIN => {
                let q = w.quantile(0.99);
                if q > GAUSS_Q99 {
                    GAUSS_Q99 / q
                } else {
                    1.0
                }
            }
            _ => 1.0,
        }
    }

    /// How much less likely `s` is than the `record` under a stretched-exponential tail
    /// `exp(−(s/λ)^β)` through the history's median and 99th percentile (as a log factor; β at most
    /// `FIT_BETA_MAX`). None for counts, before `TIE_SCALE_MIN` surprises, when the two
    /// percentiles do not fix a tail (equal, or 0), or when it is heavier than `FIT_BETA_MIN`.
    fn fitted_beyond(&self, s: f64, record: f64) -> Option<f64> {
        let History::Values(w) = &self.history else {
            return None;
        };
        if w.len() < TIE_SCALE_MIN {
            return None;
        }
        let (lo, hi) = (w.quantile(FIT_Q), w.quantile(0.99));
        if !(lo > 0.0 && hi > lo * (1.0 + 1e-9)) {
            return None;
        }
        // −ln p = (q/λ)^β at both percentiles.
        let (e_lo, e_hi) = (-(1.0 - FIT_Q).ln(), -(0.01f64).ln());
        let beta = ((e_hi / e_lo).ln() / (hi / lo).ln()).min(FIT_BETA_MAX);
        if beta < FIT_BETA_MIN {
            return None;
        }
        let lambda = lo / e_lo.powf(1.0 / beta);
        Some((record / lambda).powf(beta) - (s / lambda).powf(beta))
    }

    fn learn(&mut self, s: f64) {
        match &mut self.history {
            History::Values(w) => w.push(s),
            History::Counts(w) => w.push(s),
        }
    }
}

/// The level-shift components' statistic: the mean of the `recent` values, each first clipped to
/// `m ± clip · s` when `clip` > 0 (see [`EnsembleConfig::shift_clip`]).
pub(crate) fn shift_mean(recent: &VecDeque<f64>, m: f64, s: f64, clip: f64) -> f64 {
    let sum: f64 = if clip > 0.0 {
        recent
            .iter()
            .map(|x| x.clamp(m - clip * s, m + clip * s))
            .sum()
    } else {
        recent.iter().sum()
    };
    sum / recent.len() as f64
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
    diffs: SortedWindow,
    last: Option<f64>,
    /// The largest magnitude seen so far (the scale of a departure from a window constant at 0).
    peak: f64,
    cal: [Calibrator; COMPONENTS],
    /// The log view (`log_view`).
    log: LogView,
    /// The stuck-value opinion's calibration (run lengths of the last `calibration` points).
    stuck_cal: Calibrator,
    /// Stuck alarms so far (for their repeat penalty).
    stuck_alarms: usize,
    ranked: VecDeque<f64>,
    recent_evidence: VecDeque<(usize, f64)>,
    /// Earlier onsets (index, evidence) within `repeat_memory` points, for the repeat penalty, in
    /// arrival order and (evidences only) sorted, so the count is a binary search.
    onsets: VecDeque<(usize, f64)>,
    onsets_sorted: Vec<f64>,
    /// Index of the onset that started the current (or last) episode.
    episode_start: Option<usize>,
    /// Points in a row with evidence of at least `sustain_level`.
    sustained: usize,
    /// The ART second opinion, if `art`.
    art: Option<ArtNovelty>,
    /// ART alarms that counted so far (for their repeat penalty).
    art_alarms: usize,
    /// Index of the last point whose ensemble score exceeded 0.9.
    last_alarm: Option<usize>,
    /// Length of the current run of one repeated value (stuck-value opinion).
    run: usize,
    /// Longest completed run of one repeated value so far (stuck-value opinion).
    longest_run: usize,
    /// Points in completed runs of at least `stuck` points so far (stuck-value opinion).
    long_run_points: usize,
    /// Bagging's copies (empty when off): the ensemble's verdict is the first copy's, with the
    /// copies' evidence combined.
    bagged: Vec<Ensemble>,
    /// Surprises waiting `calibration_delay` points to be learned.
    pending: VecDeque<[Option<f64>; COMPONENTS]>,
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
            diffs: SortedWindow::new(cfg.window),
            last: None,
            peak: 0.0,
            cal: [
                Calibrator::new(c),
                Calibrator::new(c),
                Calibrator::new(c),
                Calibrator::new(c),
                Calibrator::new(c),
                // The rank and burst components' surprises are counts.
                Calibrator::of_counts(c),
                Calibrator::of_counts(c),
                // The log view.
                Calibrator::new(c),
                Calibrator::new(c),
            ],
            log: LogView::new(cfg.window, cfg.short, cfg.shift_clip),
            stuck_cal: Calibrator::of_counts(c),
            stuck_alarms: 0,
            ranked: VecDeque::new(),
            recent_evidence: VecDeque::new(),
            onsets: VecDeque::new(),
            onsets_sorted: Vec::new(),
            episode_start: None,
            sustained: 0,
            art: cfg.art.then(ArtNovelty::default),
            art_alarms: 0,
            last_alarm: None,
            run: 0,
            longest_run: 0,
            long_run_points: 0,
            bagged: cfg.bag_variants().into_iter().map(Ensemble::new).collect(),
            pending: VecDeque::new(),
            n: 0,
            cfg,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EnsembleConfig {
        &self.cfg
    }

    /// Bagging: every copy sees the point; the evidence is the mean (or median) of theirs.
    fn observe_bagged(&mut self, ts: i64, value: f64) -> Verdict {
        self.n += 1;
        let verdicts: Vec<Verdict> = self
            .bagged
            .iter_mut()
            .map(|d| d.observe(ts, value))
            .collect();
        let mut evidence: Vec<f64> = verdicts.iter().map(|v| -(1.0 - v.score).ln()).collect();
        let combined = if self.cfg.bag_median {
            evidence.sort_by(f64::total_cmp);
            let m = evidence.len() / 2;
            if evidence.len() % 2 == 1 {
                evidence[m]
            } else {
                0.5 * (evidence[m - 1] + evidence[m])
            }
        } else {
            evidence.iter().sum::<f64>() / evidence.len() as f64
        };
        let mut v = verdicts.into_iter().next().expect("at least one copy");
        v.score = (1.0 - (-combined).exp()).clamp(0.0, 1.0);
        v
    }
}

impl Detector for Ensemble {
    fn name(&self) -> &'static str {
        "ensemble"
    }

    fn observe(&mut self, ts: i64, value: f64) -> Verdict {
        if !self.bagged.is_empty() {
            return self.observe_bagged(ts, value);
        }
        self.n += 1;
        self.recent.push_back(value);
        if self.recent.len() > self.cfg.short {
            self.recent.pop_front();
        }
        // Component surprises (None while a component warms up).
        let mut surprises: [Option<f64>; COMPONENTS] = [None; COMPONENTS];
        // The share of each surprise the Gaussian tie-break judges (below 1 for a stand-in spread).
        let mut tie_share = [1.0; COMPONENTS];
        // Whether a surprise's tail may be fitted (not one measured against a stand-in spread), and
        // the allowance its extension pays first: a mean over `short` overlapping points has about
        // n / `short` independent values in a history of n, so its record is about `short` times
        // less rare than 1/(n + 1) says (the level-shift components).
        let mut fit = [self.cfg.fitted_tail.then_some(0.0); COMPONENTS];
        for k in [1, 8] {
            fit[k] = fit[k].map(|_| (self.cfg.short as f64).ln());
        }
        // Where the level-shift components' Gaussian floor reads their surprise (`shift_clip`).
        let mut gauss_scale = [1.0; COMPONENTS];
        if self.cfg.shift_clip > 0.0 {
            for k in [1, 8] {
                gauss_scale[k] = (self.cfg.short as f64).sqrt();
            }
        }
        let mut band: Option<(f64, f64, f64)> = None;
        let mut seasonal_band: Option<(f64, f64, f64)> = None;
        // The log view's band, multiplicative on `x + c`: `e^(m ± 4 s) − c`.
        let mut log_band: Option<LogReading> = None;
        if self.reference.len() >= 20 {
            let m = self.reference.median();
            // The Gaussian tie-break lets a gross excursion alarm before the series' history is long
            // enough for its rank to; it reads z against a spread of at least `FLAT_SCALE` of the
            // level. A series quantised in steps of its own size (a process's CPU rate in clock
            // ticks) whose values so far sat on one step, with or without jitter, then does not
            // alarm at its first step to the next, while a jump to many times the level does.
            // A constant window (no spread beyond rounding) ranks its departures against a tiny
            // stand-in (any change from a long-constant series is rare) and gives the tie-break a
            // tenth of its level (at 0: of the largest magnitude the series has had). A series
            // exactly 0 since its first point has no scale at all: its first departure is news (a
            // first error). The band is the window's spread (the tie-break's, if constant).
            let spread = self.reference.spread();
            let (s, tie_s, band_s) = match spread {
                Some(s) => (s, s.max(FLAT_SCALE * m.abs()), s),
                None => {
                    let tiny = self.reference.constant_floor();
                    let level = if m != 0.0 { m.abs() } else { self.peak };
                    let stand_in = (FLAT_SCALE * level).max(tiny);
                    fit[0] = None;
                    fit[1] = None;
                    (tiny, stand_in, stand_in)
                }
            };
            tie_share[0] = s / tie_s;
            tie_share[1] = tie_share[0];
            // No clip against a stand-in spread: a constant window's departures are news.
            let clip = if spread.is_some() {
                self.cfg.shift_clip
            } else {
                0.0
            };
            let avg = shift_mean(&self.recent, m, s, clip);
            surprises[0] = Some(((value - m) / s).abs());
            surprises[1] = Some(((avg - m) / s).abs());
            band = Some((m, m - 4.0 * band_s, m + 4.0 * band_s));
            let keep = self.cfg.rank.max(self.cfg.burst);
            if keep > 0 {
                self.ranked.push_back(value);
                if self.ranked.len() > keep {
                    self.ranked.pop_front();
                }
            }
            // The reference window includes the recent values, so a lasting shift raises the
            // quantile and the count falls back: these components mark a shift's onset only.
            for (k, w, q) in [
                (5, self.cfg.rank, self.cfg.rank_q),
                (6, self.cfg.burst, self.cfg.burst_q),
            ] {
                if w > 0 {
                    let hi = self.reference.quantile(1.0 - q);
                    let lo = self.reference.quantile(q);
                    // Rounding is not a shift: a value within 1e-9 of the quantiles' distance (or
                    // within rounding error of their magnitude) is not beyond them; a noiseless
                    // periodic series computes the same value again with a last-bit difference,
                    // which otherwise moves the counts at random.
                    let eps = RANK_TOLERANCE * (hi - lo) + ROUNDING * (hi.abs() + lo.abs());
                    let recent = self.ranked.iter().rev().take(w);
                    let (above, below) = recent.fold((0, 0), |(a, b), &x| {
                        (a + usize::from(x > hi + eps), b + usize::from(x < lo - eps))
                    });
                    surprises[k] = Some(above.max(below) as f64);
                }
            }
        }
        // The log view: the same point and level-shift surprises for `ln(x + c)`, while the series
        // has been non-negative. A constant window has no log view; the tie-break's floor is the
        // linear components' tenth of the level, on this scale.
        if self.cfg.log_view {
            if let Some(r) = self.log.observe(value) {
                surprises[7] = Some(r.point);
                surprises[8] = Some(r.shift);
                tie_share[7] = r.spread / r.spread.max(FLAT_SCALE.ln_1p());
                tie_share[8] = tie_share[7];
                log_band = Some(r);
            }
        }
        let diff = self.last.map(|last| value - last);
        if let Some(d) = diff {
            if self.cfg.diff && self.diffs.len() >= 20 {
                let m = self.diffs.median();
                let s = self.diffs.sigma();
                surprises[4] = Some(((d - m) / s).abs());
            }
        }
        // The stuck-value opinion: a run of one repeated value that crosses the longest earlier run.
        let mut stuck = None;
        if self.cfg.stuck > 0 {
            if self.last == Some(value) {
                self.run += 1;
            } else {
                self.longest_run = self.longest_run.max(self.run);
                if self.run >= self.cfg.stuck {
                    self.long_run_points += self.run;
                }
                self.run = 1;
            }
            let bar = (self.cfg.stuck_ratio * self.longest_run as f64).max(self.cfg.stuck as f64);
            let run = self.run as f64;
            // Only a series that normally varies can be stuck: fewer than `stuck_share` of the
            // points before this run lay in runs of at least `stuck` points (none before: no).
            let before = (self.n - self.run) as f64;
            let varies = (self.long_run_points as f64) < self.cfg.stuck_share * before;
            if run > bar && run - 1.0 <= bar && varies {
                let ln_p = self
                    .stuck_cal
                    .ln_p(run, run, self.cfg.tie_break, self.cfg.tail, None);
                stuck = Some(-ln_p);
            }
            self.stuck_cal.learn(run);
        }
        if self.cfg.seasonal {
            for (k, model) in [(2usize, &mut self.daily), (3usize, &mut self.weekly)] {
                if k == 3 && !self.cfg.weekly {
                    continue;
                }
                let informative = model.is_informative();
                if let Some((e, l, u)) = model.forecast(ts) {
                    if informative {
                        let mut sigma = (u - e) / 4.0;
                        if self.cfg.hetero > 0.0 {
                            if let Some(ps) = model.phase_spread(ts, self.cfg.hetero_min) {
                                if ps > 0.0 && sigma > 0.0 {
                                    let h = self.cfg.hetero;
                                    sigma = sigma.powf(1.0 - h) * ps.powf(h);
                                }
                            }
                        }
                        surprises[k] = Some(((value - e) / sigma.max(1e-12)).abs());
                        if seasonal_band.is_none() {
                            seasonal_band = Some((e, l, u));
                        }
                    }
                }
            }
        }
        // A profile that explains nearly all of the series (a noiseless daily cycle) makes departures
        // from the overall median expected: while the point agrees with the profile, only the profile
        // can give evidence (`exact`).
        if self.cfg.exact > 0.0 {
            if let Some(z) = surprises[2] {
                let exact = self.daily.unexplained().is_some_and(|u| u < self.cfg.exact);
                if exact && z < self.cfg.exact_z {
                    for k in [0, 1, 5, 6, 7, 8] {
                        surprises[k] = None;
                    }
                }
            }
        }
        let active = surprises.iter().filter(|s| s.is_some()).count().max(1) as f64;
        let mut best: Option<(usize, f64)> = None;
        for (k, s) in surprises.iter().enumerate() {
            if let Some(s) = s {
                let lp = self.cal[k].ln_p_floored(
                    *s,
                    *s * gauss_scale[k],
                    *s * tie_share[k],
                    self.cfg.tie_break,
                    self.cfg.tail,
                    fit[k],
                );
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
        // Onset only: within `refractory` points of stronger or equal evidence, stay quiet unless the
        // evidence escalates by the configured factor. Whatever threshold is applied to the scores,
        // a lasting anomaly then crosses it once, at its start.
        let evidence = -(ln_p + active.ln()).min(0.0);
        if self.cfg.refractory > 0 {
            // Sliding maximum over the last `refractory` points: a deque of (index, evidence) with
            // decreasing evidence, so each point is pushed and popped once (amortised O(1)).
            while self
                .recent_evidence
                .front()
                .is_some_and(|&(i, _)| i + self.cfg.refractory < self.n)
            {
                self.recent_evidence.pop_front();
            }
            let recent_max = self.recent_evidence.front().map_or(0.0, |&(_, e)| e);
            // A sustained departure (`sustain`) that has not alarmed yet is an onset too.
            if evidence >= self.cfg.sustain_level {
                self.sustained += 1;
            } else {
                self.sustained = 0;
            }
            let alarmed = self
                .episode_start
                .is_some_and(|s| s + self.sustained > self.n);
            let sustained = self.cfg.sustain > 0 && self.sustained == self.cfg.sustain && !alarmed;
            let onset = evidence > recent_max * self.cfg.escalation || sustained;
            if !onset {
                score = 0.0;
            } else if self.cfg.repeat > 0.0 {
                // The repeat penalty: earlier onsets at least this strong (within the margin) make
                // this one count for less.
                while let Some(&(i, e)) = self.onsets.front() {
                    if i + self.cfg.repeat_memory >= self.n {
                        break;
                    }
                    self.onsets.pop_front();
                    let at = self.onsets_sorted.partition_point(|v| *v < e);
                    self.onsets_sorted.remove(at);
                }
                let bar = evidence - self.cfg.repeat_margin;
                let c = self.onsets_sorted.len() - self.onsets_sorted.partition_point(|v| *v < bar);
                if c > 0 && score > 0.0 {
                    let penalised = (evidence - self.cfg.repeat * (1.0 + c as f64).ln()).max(0.0);
                    score = 1.0 - (-penalised).exp();
                }
                if evidence > 0.0 {
                    self.onsets.push_back((self.n, evidence));
                    let at = self.onsets_sorted.partition_point(|v| *v < evidence);
                    self.onsets_sorted.insert(at, evidence);
                }
            }
            // Episodes: an onset soon after an alarm is part of the same incident and stays quiet.
            if onset && self.cfg.episode > 0 {
                if self
                    .episode_start
                    .is_some_and(|s| s + self.cfg.episode >= self.n)
                {
                    score = 0.0;
                } else if score > 0.0 && -(1.0 - score).ln() >= self.cfg.episode_level {
                    self.episode_start = Some(self.n);
                }
            }
            while self
                .recent_evidence
                .back()
                .is_some_and(|&(_, e)| e <= evidence)
            {
                self.recent_evidence.pop_back();
            }
            self.recent_evidence.push_back((self.n, evidence));
        }
        // Learn.
        // The delay serves the fitted tail, so it starts once the histories could hold enough
        // surprises to fit one (the surprises start when the reference holds 20 points); before
        // that, a history starved by it would leave the first points to the tie-break alone.
        let delay = if self.n < 20 + TIE_SCALE_MIN {
            0
        } else {
            self.cfg.calibration_delay
        };
        self.pending.push_back(surprises);
        while self.pending.len() > delay {
            let Some(old) = self.pending.pop_front() else {
                break;
            };
            for (k, s) in old.iter().enumerate() {
                if let Some(s) = s {
                    self.cal[k].learn(*s);
                }
            }
        }
        self.reference.push(value);
        // The jump component's reference, kept only when the component is on.
        if let Some(d) = diff.filter(|_| self.cfg.diff) {
            self.diffs.push(d);
        }
        self.last = Some(value);
        self.peak = self.peak.max(value.abs());
        if self.cfg.seasonal {
            self.daily.observe(ts, value);
            if self.cfg.weekly {
                self.weekly.observe(ts, value);
            }
        }
        // The stuck-value opinion: a record run of one repeated value, away from the ensemble's alarms.
        let mut component = component;
        let stuck_quiet = self.cfg.stuck_quiet;
        let stuck = stuck.filter(|_| self.last_alarm.is_none_or(|j| j + stuck_quiet < self.n));
        if let Some(raw) = stuck {
            let evidence = raw - self.cfg.stuck_repeat * (1.0 + self.stuck_alarms as f64).ln();
            self.stuck_alarms += 1;
            let stuck_score = 1.0 - (-evidence.max(0.0)).exp();
            if stuck_score > score {
                score = stuck_score;
                component = STUCK_COMPONENT;
            }
        }
        // The ART second opinion: an ART alarm away from the ensemble's own alarms.
        if score > self.cfg.art_quiet_level {
            self.last_alarm = Some(self.n);
        }
        if let Some(art) = self.art.as_mut() {
            let s = art.observe(ts, value).score;
            let quiet = self
                .last_alarm
                .is_none_or(|j| j + self.cfg.art_quiet < self.n);
            if s > 0.0 && quiet {
                let evidence = self.cfg.art_base + self.cfg.art_gain * s
                    - self.cfg.art_repeat * (1.0 + self.art_alarms as f64).ln();
                self.art_alarms += 1;
                let art_score = 1.0 - (-evidence.max(0.0)).exp();
                if art_score > score {
                    score = art_score;
                    component = ART_COMPONENT;
                }
            }
        }
        let (kind, name) = match component {
            0 => (AnomalyKind::Point, "ensemble/robust_z"),
            ART_COMPONENT => (AnomalyKind::Collective, ART),
            STUCK_COMPONENT => (AnomalyKind::Collective, STUCK),
            7 => (AnomalyKind::Point, "ensemble/log_z"),
            8 => (AnomalyKind::Collective, "ensemble/log_shift"),
            1 => (AnomalyKind::Collective, "ensemble/level_shift"),
            4 => (AnomalyKind::Point, "ensemble/jump"),
            5 => (AnomalyKind::Collective, "ensemble/rank_shift"),
            6 => (AnomalyKind::Collective, "ensemble/burst"),
            _ => (AnomalyKind::Contextual, "ensemble/seasonal"),
        };
        let mut v = Verdict::new(name, kind, value, score);
        // One band per series whatever the component (the exporter publishes it, Grafana draws it,
        // the watcher resolves on it): the seasonal one, else the robust window's, unless the
        // series is positive (under the log view) and that band reaches below 0 (a spread over a
        // quarter of the level: a skewed series), where the multiplicative one serves instead.
        let skewed = band.is_some_and(|(_, lower, _)| lower < 0.0);
        if let Some((e, l, u)) = seasonal_band {
            v = v.with_band(e, l, u);
        } else if let Some(r) = log_band.filter(|_| skewed) {
            let (e, l, u) = r.band;
            v = v.with_log_band(e, l, u, r.offset);
        } else if let Some((e, l, u)) = band {
            v = v.with_band(e, l, u);
        }
        if component == STUCK_COMPONENT {
            v = v.with_run_length(self.run);
        }
        v
    }

    /// NAB's protocol (look-ahead, the benchmark's `--nab-protocol` mode only): the file's range and
    /// length go to the ART second opinion, which then runs as ARTime does under NAB. The statistical
    /// components stay causal. Only before the first point; ignored after it.
    fn nab_inputs(&mut self, inputs: &NabInputs) {
        if self.n > 0 {
            return;
        }
        for d in &mut self.bagged {
            d.nab_inputs(inputs);
        }
        if let Some(art) = self.art.as_mut() {
            art.nab_inputs(inputs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic uniform noise in [0, 1).
    fn noise(i: i64) -> f64 {
        let mut z = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Scores of the first point of each burst: noise with a spike of height `spike` every 700 points.
    fn burst_scores(cfg: EnsembleConfig, spike: f64) -> Vec<f64> {
        let mut d = Ensemble::new(cfg);
        let mut out = Vec::new();
        for i in 0..6000i64 {
            let burst = i >= 700 && i % 700 == 0;
            let v = 10.0 + noise(i) + if burst { spike } else { 0.0 };
            let s = d.observe(i * 60, v).score;
            if burst {
                out.push(s);
            }
        }
        out
    }

    /// A standard normal deviate from two uniform ones (Box–Muller).
    fn normal(i: i64) -> f64 {
        let (u, v) = (noise(2 * i).max(1e-300), noise(2 * i + 1));
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    fn history(values: impl Iterator<Item = f64>) -> Calibrator {
        let mut c = Calibrator::new(6000);
        values.for_each(|v| c.learn(v));
        c
    }

    #[test]
    fn a_fitted_tail_extends_a_light_tailed_history_and_not_a_heavy_or_stepped_one() {
        // |z| of Gaussian noise: a surprise twice the record is far rarer than the record.
        let gaussian = history((0..300).map(|i| normal(i).abs()));
        let (_, _, record) = gaussian.rank(f64::MAX);
        let beyond = gaussian
            .fitted_beyond(2.0 * record, record)
            .expect("a light tail");
        assert!(beyond < -10.0, "{beyond}");
        // The extension grows with the distance past the record and is 0 at it.
        let nearer = gaussian.fitted_beyond(1.2 * record, record).unwrap();
        assert!(beyond < nearer && nearer < 0.0, "{beyond} {nearer}");
        assert_eq!(gaussian.fitted_beyond(record, record), Some(0.0));
        // The fitted tail is used past the record only when asked for.
        let (fit, fixed) = (
            gaussian.ln_p(2.0 * record, 0.0, 0.0, 0.0, Some(0.0)),
            gaussian.ln_p(2.0 * record, 0.0, 0.0, 0.0, None),
        );
        assert!(fit < fixed - 10.0, "{fit} {fixed}");
        // An allowance is paid from the extension first.
        let allowed = gaussian.ln_p(2.0 * record, 0.0, 0.0, 0.0, Some(3.0));
        assert!(fit < allowed && allowed <= fixed, "{fit} {allowed} {fixed}");
        // Log-normal noise's |z| (heavy tail): records are routine, no extension.
        let heavy = history((0..3000).map(|i| (normal(i).exp() - 1.0).abs() / 0.9));
        assert_eq!(heavy.fitted_beyond(100.0, 50.0), None);
        // A quantised series' |z|: mostly jitter, one in eight a step of about 28 (a second mode).
        let stepped = history((0..400).map(|i| {
            if i % 8 == 0 {
                28.0 + noise(i)
            } else {
                noise(i)
            }
        }));
        assert_eq!(stepped.fitted_beyond(52.0, 29.0), None);
        // Too short a history, a constant one, and counts: none.
        assert_eq!(history((0..99).map(normal)).fitted_beyond(9.0, 3.0), None);
        assert_eq!(history((0..500).map(|_| 1.0)).fitted_beyond(9.0, 1.0), None);
        let mut counts = Calibrator::of_counts(6000);
        (0..500).for_each(|i| counts.learn((i % 3) as f64));
        assert_eq!(counts.fitted_beyond(9.0, 2.0), None);
    }

    /// Scores from a lasting shift of `shift` σ that starts 60 points after a spike of `spike` σ (at
    /// 30 σ, an alarm whose evidence no point of the shift beats): the largest score of the shift's
    /// first 100 points.
    fn shift_after_spike(cfg: EnsembleConfig, spike: f64, shift: f64) -> f64 {
        let mut d = Ensemble::new(cfg);
        let mut best: f64 = 0.0;
        for i in 0..2300i64 {
            let step = match i {
                2000 => spike,
                i if i >= 2060 => shift,
                _ => 0.0,
            };
            let s = d.observe(i * 300, 10.0 + normal(i) + step).score;
            if (2060..2160).contains(&i) {
                best = best.max(s);
            }
        }
        best
    }

    #[test]
    fn sustain_reports_a_lasting_shift_the_onset_memory_swallowed() {
        let plain = EnsembleConfig::default();
        let sustained = EnsembleConfig {
            sustain: 6,
            ..EnsembleConfig::default()
        };
        let alarm = 1.0 - (-3.137f64).exp();
        for shift in [2.5, 3.0] {
            let (a, b) = (
                shift_after_spike(plain.clone(), 30.0, shift),
                shift_after_spike(sustained.clone(), 30.0, shift),
            );
            assert!(a < alarm && b > alarm, "shift {shift}: {a} {b}");
            // Without the spike before it, the defaults report the same shift.
            let alone = shift_after_spike(plain.clone(), 0.0, shift);
            assert!(alone > alarm, "shift {shift} alone: {alone}");
        }
        // No shift, no alarm, with or without `sustain`.
        assert!(shift_after_spike(sustained, 30.0, 0.0) < alarm);
    }

    #[test]
    fn an_ensemble_can_be_shared_and_sent_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Ensemble>();
    }

    #[test]
    fn repeat_penalty_discounts_alarms_a_series_keeps_producing() {
        let plain = EnsembleConfig {
            repeat: 0.0,
            ..EnsembleConfig::default()
        };
        let with = burst_scores(EnsembleConfig::default(), 30.0);
        let without = burst_scores(plain, 30.0);
        // The first burst is new to the series: same score either way.
        assert_eq!(with[0], without[0]);
        assert!(with[0] > 0.99, "{with:?}");
        // Later bursts of the same strength count for less than without the penalty, and less than
        // the first one.
        for (w, o) in with[3..].iter().zip(&without[3..]) {
            assert!(w < o, "with {with:?} without {without:?}");
            assert!(*w < with[0], "{with:?}");
        }
    }

    #[test]
    fn repeat_penalty_spares_a_burst_stronger_than_any_before() {
        let mut d = Ensemble::default();
        let mut last = 0.0;
        for i in 0..4000i64 {
            let burst = i >= 700 && i % 700 == 0;
            let v = 10.0 + noise(i) + if burst { 10.0 } else { 0.0 };
            d.observe(i * 60, v);
            last = noise(i);
        }
        // A far larger excursion than the series' usual bursts still alarms.
        let s = d.observe(4000 * 60, 10.0 + last + 1000.0).score;
        assert!(s > 0.999, "{s}");
    }

    /// The first point (0-based, after the change) scoring above 0.99 and the component that made
    /// it, when uniform noise in [0, 1) moves to a run of values just above its usual maximum: a
    /// small shift, unremarkable point by point, that is rare as a run.
    fn first_alarm(cfg: EnsembleConfig) -> Option<(usize, &'static str)> {
        let mut d = Ensemble::new(cfg);
        for i in 0..3000i64 {
            d.observe(i * 60, noise(i));
        }
        (0..60).find_map(|k| {
            let i = 3000 + k as i64;
            let v = d.observe(i * 60, 1.0 + 0.02 * noise(i));
            (v.score > 0.99).then_some((k, v.detector))
        })
    }

    #[test]
    fn rank_shift_finds_a_small_lasting_shift_first() {
        let with = first_alarm(EnsembleConfig {
            burst: 0,
            ..EnsembleConfig::default()
        });
        let without = first_alarm(EnsembleConfig {
            rank: 0,
            burst: 0,
            ..EnsembleConfig::default()
        });
        let (at, name) = with.expect("the shift is found");
        assert_eq!(name, "ensemble/rank_shift");
        assert!(
            without.is_none_or(|(later, _)| later > at),
            "{with:?} {without:?}"
        );
    }

    #[test]
    fn rank_shift_stays_quiet_on_stationary_noise() {
        let mut d = Ensemble::new(EnsembleConfig {
            repeat: 0.0,
            ..EnsembleConfig::default()
        });
        let mut worst = 0.0f64;
        for i in 0..6000i64 {
            let v = d.observe(i * 60, 10.0 + noise(i));
            if i > 1500 && v.detector == "ensemble/rank_shift" {
                worst = worst.max(v.score);
            }
        }
        assert!(worst < 0.999, "worst {worst}");
    }

    /// The best score and its component over eight spikes in a row, alternately up and down (so the
    /// mean does not move), in a series where single spikes of that height are routine (one every 150
    /// points, alternately up and down).
    fn spike_cluster(cfg: EnsembleConfig) -> (f64, &'static str) {
        let mut d = Ensemble::new(cfg);
        let spike = |i: i64| match i % 300 {
            0 => 6.0,
            150 => -6.0,
            _ => 0.0,
        };
        for i in 0..4000i64 {
            d.observe(i * 60, noise(i) + spike(i));
        }
        let mut best = (0.0, "");
        for k in 0..8i64 {
            let i = 4000 + k;
            let v = d.observe(i * 60, noise(i) + if k % 2 == 0 { 6.0 } else { -6.0 });
            if v.score > best.0 {
                best = (v.score, v.detector);
            }
        }
        best
    }

    /// The score of a night-time deviation of `bump` in a daily pattern whose noise is small at night
    /// (±0.05) and large by day (±1.5), after ten days.
    fn night_bump(cfg: EnsembleConfig, bump: f64) -> f64 {
        let mut d = Ensemble::new(cfg);
        let day = 86_400i64;
        let value = |i: i64| {
            let ts = i * 300;
            let hour = (ts % day) / 3600;
            let shape = 10.0 + 5.0 * ((ts % day) as f64 / day as f64 * std::f64::consts::TAU).sin();
            let amp = if (1..7).contains(&hour) { 0.05 } else { 1.5 };
            shape + amp * (2.0 * noise(i) - 1.0)
        };
        let days = 10 * 288i64;
        for i in 0..days {
            d.observe(i * 300, value(i));
        }
        // 03:00 on day eleven.
        let i = days + 36;
        for j in days..i {
            d.observe(j * 300, value(j));
        }
        d.observe(i * 300, value(i) + bump).score
    }

    #[test]
    fn time_of_day_spread_finds_a_small_night_time_deviation() {
        let global = EnsembleConfig {
            hetero: 0.0,
            ..EnsembleConfig::default()
        };
        let with = night_bump(EnsembleConfig::default(), 1.0);
        let without = night_bump(global, 1.0);
        assert!(with > 0.99, "with {with} without {without}");
        assert!(with > without, "with {with} without {without}");
    }

    /// Scores of a rising run: uniform noise in [10, 11), then ten points, each twice as far from the
    /// median as the last, the first just beyond the noise.
    fn rising_run(cfg: EnsembleConfig) -> Vec<f64> {
        let mut d = Ensemble::new(cfg);
        for i in 0..3000i64 {
            d.observe(i * 60, 10.0 + noise(i));
        }
        (0..10i64)
            .map(|k| {
                let i = 3000 + k;
                d.observe(i * 60, 10.5 + 0.55 * 2f64.powi(k as i32)).score
            })
            .collect()
    }

    #[test]
    fn an_episode_alarms_once_on_a_rising_run() {
        let with = rising_run(EnsembleConfig::default());
        let without = rising_run(EnsembleConfig {
            episode: 0,
            ..EnsembleConfig::default()
        });
        let alarms = |v: &[f64]| v.iter().filter(|&&s| s > 0.97).count();
        assert_eq!(alarms(&with), 1, "{with:?}");
        assert!(alarms(&without) > 1, "{without:?}");
        // The one alarm is the first of the alarms without episodes, with the same score.
        let first = |v: &[f64]| v.iter().position(|&s| s > 0.97);
        assert_eq!(first(&with), first(&without));
        let k = first(&with).expect("the run alarms");
        assert_eq!(with[k], without[k]);
    }

    #[test]
    fn burst_finds_a_cluster_of_routine_spikes() {
        let (with, name) = spike_cluster(EnsembleConfig::default());
        let (without, _) = spike_cluster(EnsembleConfig {
            burst: 0,
            ..EnsembleConfig::default()
        });
        assert!(with > 0.99, "{with} {name}");
        assert_eq!(name, "ensemble/burst");
        assert!(without < 0.9, "{without}");
    }

    /// The best score and its component over 200 points after a square wave (period 140 points,
    /// values 10/20) starts to flip every 7 points: no value is new, the shape is.
    fn faster_wave(cfg: EnsembleConfig) -> (f64, &'static str) {
        let mut d = Ensemble::new(cfg);
        let square = |i: i64, half: i64| if (i / half) % 2 == 0 { 20.0 } else { 10.0 };
        for i in 0..4000i64 {
            d.observe(i * 300, square(i, 70) + 0.2 * noise(i));
        }
        let mut best = (0.0, "");
        for i in 4000..4200i64 {
            let v = d.observe(i * 300, square(i, 7) + 0.2 * noise(i));
            if v.score > best.0 {
                best = (v.score, v.detector);
            }
        }
        best
    }

    #[test]
    fn nab_inputs_reach_the_art_second_opinion_only() {
        let run = |cfg: EnsembleConfig, inputs: Option<NabInputs>| {
            let mut d = Ensemble::new(cfg);
            if let Some(n) = inputs {
                d.nab_inputs(&n);
            }
            let square = |i: i64, half: i64| if (i / half) % 2 == 0 { 20.0 } else { 10.0 };
            (0..4200i64)
                .map(|i| {
                    let v = square(i, if i < 4000 { 70 } else { 7 }) + 0.2 * noise(i);
                    d.observe(i * 300, v).score
                })
                .collect::<Vec<f64>>()
        };
        let nab = NabInputs {
            min: 0.0,
            max: 40.0,
            len: 4200,
        };
        let plain = EnsembleConfig::default();
        assert_ne!(run(plain.clone(), Some(nab)), run(plain.clone(), None));
        // Without the ART second opinion nothing uses the inputs.
        let no_art = EnsembleConfig {
            art: false,
            ..EnsembleConfig::default()
        };
        assert_eq!(run(no_art.clone(), Some(nab)), run(no_art, None));
    }

    /// Scores and components of a series: noise with runs of zeros of length `run_len` every
    /// 300 points (from point 500), then at point 4000 a run of `last` zeros.
    fn zero_runs(cfg: EnsembleConfig, run_len: i64, last: i64) -> Vec<(f64, &'static str)> {
        let mut d = Ensemble::new(cfg);
        (0..4000 + last + 50)
            .map(|i| {
                let zero = ((500..4000).contains(&i) && i % 300 < run_len)
                    || (4000..4000 + last).contains(&i);
                let v = if zero { 0.0 } else { 5.0 + noise(i) };
                let out = d.observe(i * 300, v);
                (out.score, out.detector)
            })
            .collect()
    }

    #[test]
    fn the_stuck_opinion_alarms_once_on_a_record_run() {
        // No quiet period here: every run of zeros starts with a drop that the components alarm on.
        let cfg = EnsembleConfig {
            stuck_quiet: 0,
            ..EnsembleConfig::default()
        };
        let with = zero_runs(cfg.clone(), 60, 200);
        let stuck: Vec<usize> = (0..with.len())
            .filter(|&i| with[i].1 == "ensemble/stuck" && with[i].0 > 0.97)
            .collect();
        // The first long run (at 50 points), then the last run where it passes the longest
        // earlier one (60 points); the ten runs of 60 in between do not alarm again.
        assert_eq!(stuck, vec![650, 4060], "{stuck:?}");
        // Runs no longer than the earlier ones do not alarm.
        let short = zero_runs(cfg, 60, 60);
        assert!(short[700..].iter().all(|(_, n)| *n != "ensemble/stuck"));
    }

    #[test]
    fn the_stuck_opinion_is_on_by_default_and_explains_itself() {
        // A dead exporter: a noisy series whose last sample, inside the usual range, repeats.
        let mut d = Ensemble::default();
        for i in 0..3000i64 {
            let v = d.observe(i * 60, 10.0 + noise(i));
            assert_ne!(v.detector, "ensemble/stuck");
        }
        let alarms: Vec<(i64, Verdict)> = (3000..3200i64)
            .map(|i| (i, d.observe(i * 60, 10.5)))
            .filter(|(_, v)| v.score > 0.97)
            .collect();
        // No statistical component sees it. The ART second opinion may see the shape change (the
        // noise stops) a few points in; the stuck opinion alarms once, where the run of 10.5 reaches 51
        // points.
        assert!(
            alarms
                .iter()
                .all(|(_, v)| ["ensemble/stuck", "ensemble/art"].contains(&v.detector)),
            "{alarms:?}"
        );
        let stuck: Vec<&(i64, Verdict)> = alarms
            .iter()
            .filter(|(_, v)| v.detector == "ensemble/stuck")
            .collect();
        assert_eq!(stuck.len(), 1, "{alarms:?}");
        let (i, v) = *stuck[0];
        assert_eq!(i, 3050);
        assert!(v.score > 0.999, "{}", v.explain());
        assert_eq!(
            (v.detector, v.kind),
            ("ensemble/stuck", AnomalyKind::Collective)
        );
        assert_eq!((v.observed, v.run_length), (10.5, Some(51)));
        let text = v.explain();
        assert!(
            text.starts_with("collective anomaly score ")
                && text.contains(" from ensemble/stuck: observed 10.5000, expected ")
                && text.ends_with(", the same value for 51 points in a row"),
            "{text}"
        );
    }

    #[test]
    fn the_stuck_opinion_is_silent_on_noise_and_off_with_stuck_0() {
        let mut d = Ensemble::default();
        for i in 0..5000i64 {
            let v = d.observe(i * 60, 10.0 + noise(i));
            assert_ne!(v.detector, "ensemble/stuck");
            assert_eq!(v.run_length, None);
        }
        // Off: the series with runs of zeros scores as before the opinion.
        let off = zero_runs(
            EnsembleConfig {
                stuck: 0,
                stuck_quiet: 0,
                ..EnsembleConfig::default()
            },
            60,
            200,
        );
        assert!(off.iter().all(|(_, n)| *n != "ensemble/stuck"));
        assert!(off[4060].0 < 0.97, "{:?}", off[4060]);
    }

    #[test]
    fn the_stuck_opinion_handles_a_constant_series_and_nan() {
        let mut d = Ensemble::default();
        let mut alarms = 0;
        for i in 0..3000i64 {
            let v = d.observe(i * 60, 7.0);
            assert!(v.score.is_finite() && v.score < 0.9, "{i}: {}", v.explain());
            alarms += usize::from(v.detector == "ensemble/stuck");
        }
        // One run from the first point: nothing before it varied, so no alarm.
        assert_eq!(alarms, 0);
        // NaN breaks a run (NaN is not equal to itself); the run that starts after it is no record,
        // and all the points before it lay in one long run.
        d.observe(3000 * 60, f64::NAN);
        for i in 3001..3100i64 {
            let v = d.observe(i * 60, 7.0);
            assert_ne!(v.detector, "ensemble/stuck");
        }
    }

    /// The strongest stuck alarm (score, index) of the default ensemble on `values`, if any.
    fn strongest_stuck(values: impl IntoIterator<Item = f64>) -> Option<(f64, usize)> {
        let mut d = Ensemble::default();
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i, d.observe(i as i64 * 60, v)))
            .filter(|(_, v)| v.detector == "ensemble/stuck")
            .map(|(i, v)| (v.score, i))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    #[test]
    fn the_stuck_opinion_is_silent_on_a_normally_constant_series_with_rare_blips() {
        // Prometheus `up` or a health check: 1 for 3,000 points, a 0, 1 for 4,000, a 0, then 1 for
        // 5,000 (the previous rule alarmed at 1.000 on the 4,001st point of the last run).
        let blips = (0..12_002).map(|i| if i == 3000 || i == 7001 { 0.0 } else { 1.0 });
        let s = strongest_stuck(blips);
        assert!(s.is_none_or(|(score, _)| score <= 0.9), "{s:?}");
    }

    #[test]
    fn the_stuck_opinion_is_silent_on_a_series_constant_from_the_start() {
        let s = strongest_stuck((0..5000).map(|_| 7.0));
        assert!(s.is_none_or(|(score, _)| score <= 0.9), "{s:?}");
    }

    #[test]
    fn the_stuck_opinion_is_silent_on_a_0_1_step_series() {
        // Long stretches of 0 and 1, each longer than the ones before (each a record run).
        let mut values = Vec::new();
        for (k, len) in [300, 500, 800, 1200, 1800, 2700].into_iter().enumerate() {
            values.extend(std::iter::repeat_n((k % 2) as f64, len));
        }
        let s = strongest_stuck(values);
        assert!(s.is_none_or(|(score, _)| score <= 0.9), "{s:?}");
    }

    #[test]
    fn the_stuck_opinion_is_silent_on_a_counter_at_0_with_rare_1s() {
        // An error counter: 0, with a single 1 at irregular, growing gaps (so zero runs set records).
        let mut values = Vec::new();
        for gap in [200, 150, 400, 350, 900, 600, 1500, 1000, 2500] {
            values.extend(std::iter::repeat_n(0.0, gap));
            values.push(1.0);
        }
        values.extend(std::iter::repeat_n(0.0, 4000));
        let s = strongest_stuck(values);
        assert!(s.is_none_or(|(score, _)| score <= 0.9), "{s:?}");
    }

    #[test]
    fn the_stuck_opinion_still_alarms_when_a_varying_series_freezes() {
        let values = (0..3200i64).map(|i| if i < 3000 { 10.0 + noise(i) } else { 10.5 });
        let s = strongest_stuck(values);
        assert!(
            s.is_some_and(|(score, i)| score > 0.999 && i == 3050),
            "{s:?}"
        );
    }

    #[test]
    fn the_art_second_opinion_finds_a_new_shape_of_known_values() {
        let (with, name) = faster_wave(EnsembleConfig::default());
        let (without, other) = faster_wave(EnsembleConfig {
            art: false,
            ..EnsembleConfig::default()
        });
        eprintln!("with {with} {name}, without {without} {other}");
        assert!(with > 0.97, "{with} {name}");
        assert_eq!(name, "ensemble/art");
        assert!(without < with, "{without} {other}");
    }

    #[test]
    fn bagging_runs_the_given_settings_and_each_key_scaled_down_and_up() {
        let mut c = EnsembleConfig::default();
        assert!(c.bag_variants().is_empty());
        c.set("bag", "0.1").unwrap();
        assert!(c.bag_variants().is_empty(), "no keys: off");
        assert!(c.set("bag_keys", "tail+nope").is_err());
        assert!(c.set("bag_keys", "art").is_err(), "a boolean setting");
        c.set("bag_keys", "tail+window").unwrap();
        let v = c.bag_variants();
        let tails: Vec<f64> = v.iter().map(|c| c.tail).collect();
        let windows: Vec<usize> = v.iter().map(|c| c.window).collect();
        assert_eq!(v.len(), 5);
        assert!((tails[1] - 1.35).abs() < 1e-12 && (tails[2] - 1.65).abs() < 1e-12);
        assert_eq!([tails[0], tails[3], tails[4]], [1.5; 3]);
        assert_eq!(windows, [1000, 1000, 1000, 900, 1100]);
        assert!(v.iter().all(|c| c.bag == 0.0 && c.bag_keys.is_empty()));
    }

    #[test]
    fn bagging_identical_copies_changes_nothing() {
        // `repeat_margin` is 0, so its scaled copies are the plain ensemble: mean and median of equal
        // evidences are that evidence.
        for median in ["false", "true"] {
            let mut cfg = EnsembleConfig::default();
            for (k, v) in [
                ("bag", "0.2"),
                ("bag_keys", "repeat_margin"),
                ("bag_median", median),
            ] {
                cfg.set(k, v).unwrap();
            }
            let mut plain = Ensemble::default();
            let mut bagged = Ensemble::new(cfg);
            for i in 0..3000i64 {
                let v = 10.0 + noise(i) + if i % 700 == 699 { 8.0 } else { 0.0 };
                let (a, b) = (plain.observe(i * 60, v), bagged.observe(i * 60, v));
                assert!((a.score - b.score).abs() < 1e-9, "{i}: {a:?} {b:?}");
                assert_eq!(a.detector, b.detector);
            }
        }
    }
}
