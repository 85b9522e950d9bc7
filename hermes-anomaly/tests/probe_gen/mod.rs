//! Synthetic anomaly probes: seeded, deterministic series of generic shapes at 5-minute steps, labelled
//! the way NAB labels its corpus, to check that the default ensemble behaves sanely on archetypes the
//! NAB dev split does not show (or shows once). A floor of sane behaviour, not a benchmark to tune on.
//!
//! Labels follow NAB: each anomaly's window is `⌊0.1 · len / anomalies⌋` points long, centred on the
//! anomaly's first point; the first 15 % of the series (at most 750 points) is NAB's probationary period,
//! and every anomaly starts well after it (and after the detector has seen a few days).
//!
//! Used by `tests/probes.rs` and by the `probes` example (`cargo run --release -p hermes-anomaly
//! --example probes`), which prints the table the crate README shows.

#![allow(dead_code)]

use chrono::NaiveDateTime;
use hermes_anomaly::nab::{score_corpus_at, LabeledSeries, Profile};

/// Seconds between points.
pub const STEP: i64 = 300;
/// Points per day at 5-minute steps.
pub const DAY: usize = 288;
/// Evidence `−ln(1 − t)` of the threshold NAB's sweep chooses for the default ensemble on the dev split
/// under the standard profile (README, eighteenth round: 3.137). The probes are scored at this
/// threshold, never at one chosen on the probes.
pub const DEV_EVIDENCE: f64 = 3.137;

/// The score threshold of [`DEV_EVIDENCE`].
pub fn dev_threshold() -> f64 {
    1.0 - (-DEV_EVIDENCE).exp()
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small, seeded, deterministic generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Poisson with mean `lambda` (Knuth's product method below 30, else a rounded normal).
    pub fn poisson(&mut self, lambda: f64) -> f64 {
        if lambda < 30.0 {
            let limit = (-lambda).exp();
            let (mut k, mut p) = (0.0, self.uniform());
            while p > limit {
                k += 1.0;
                p *= self.uniform();
            }
            k
        } else {
            (lambda + lambda.sqrt() * self.normal()).round().max(0.0)
        }
    }
}

/// The generic shapes probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archetype {
    /// A smooth daily cycle, no noise, no anomaly.
    DailyClean,
    /// The daily cycle with small Gaussian noise, no anomaly.
    DailyNoisy,
    /// The noisy daily cycle, then a level jump up that stays.
    JumpUp,
    /// The noisy daily cycle, then a level jump down that stays.
    JumpDown,
    /// The noisy daily cycle, then one value repeated exactly for a day (a stuck exporter), then the cycle again.
    FlatStuck,
    /// The noisy daily cycle, then a day of the cycle's mean with the same noise (the pattern is gone).
    FlatMean,
    /// Noise with rare spikes (two a day), then spikes every half hour on average.
    SpikeDensity,
    /// A slow random walk plus a daily cycle (a temperature), then a sudden drop to a failure level.
    TemperatureFailure,
    /// Heavy-tailed counts (Poisson of a daily rate with log-normal jitter and bursts), no anomaly.
    CountsQuiet,
    /// The same counts, then a sustained level shift (the rate × 2.5).
    CountsShift,
    /// The noisy daily cycle, then a gradual ramp (+20, 1.3 amplitudes, over two days) that stays.
    Ramp,
    /// The noisy daily cycle, then the cycle's amplitude doubles (from a point where it is at its mean).
    Amplitude,
    /// The noisy daily cycle with missing steps, hours-long gaps and jittered timestamps, then a jump up.
    Irregular,
}

impl Archetype {
    pub const ALL: [Archetype; 13] = [
        Archetype::DailyClean,
        Archetype::DailyNoisy,
        Archetype::JumpUp,
        Archetype::JumpDown,
        Archetype::FlatStuck,
        Archetype::FlatMean,
        Archetype::SpikeDensity,
        Archetype::TemperatureFailure,
        Archetype::CountsQuiet,
        Archetype::CountsShift,
        Archetype::Ramp,
        Archetype::Amplitude,
        Archetype::Irregular,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Archetype::DailyClean => "daily_clean",
            Archetype::DailyNoisy => "daily_noisy",
            Archetype::JumpUp => "jump_up",
            Archetype::JumpDown => "jump_down",
            Archetype::FlatStuck => "flat_stuck",
            Archetype::FlatMean => "flat_mean",
            Archetype::SpikeDensity => "spike_density",
            Archetype::TemperatureFailure => "temperature_failure",
            Archetype::CountsQuiet => "counts_quiet",
            Archetype::CountsShift => "counts_shift",
            Archetype::Ramp => "ramp",
            Archetype::Amplitude => "amplitude",
            Archetype::Irregular => "irregular",
        }
    }
}

/// One probe: a labelled series and where its anomalies start.
#[derive(Debug, Clone)]
pub struct Probe {
    pub archetype: Archetype,
    pub seed: u64,
    pub series: LabeledSeries,
    /// The first point of each anomaly.
    pub onsets: Vec<usize>,
}

impl Probe {
    pub fn unix_seconds(&self) -> Vec<i64> {
        self.series.unix_seconds()
    }
}

/// Monday 2026-01-05 00:00 UTC.
const T0: i64 = 1_767_571_200;

/// A smooth business-day cycle around `mean` with amplitude `amp` (peak in the afternoon, a second
/// harmonic so it is not a pure sine), at `ts`.
fn cycle(ts: i64, mean: f64, amp: f64) -> f64 {
    let x = std::f64::consts::TAU * (ts.rem_euclid(86_400) as f64) / 86_400.0;
    mean + amp * (0.8 * (x - 2.2).sin() + 0.2 * (2.0 * x - 1.0).sin())
}

fn timestamp(ts: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(ts, 0)
        .expect("a valid time")
        .naive_utc()
}

/// NAB's windows: `⌊0.1 · len / k⌋` points centred on each onset, clipped to the series.
pub fn nab_windows(len: usize, onsets: &[usize]) -> Vec<(usize, usize)> {
    if onsets.is_empty() {
        return Vec::new();
    }
    let width = (0.1 * len as f64 / onsets.len() as f64).floor() as usize;
    onsets
        .iter()
        .map(|&a| {
            let left = a.saturating_sub(width / 2);
            ((left), (left + width - 1).min(len - 1))
        })
        .collect()
}

/// The probe of `archetype` at `seed`.
pub fn probe(archetype: Archetype, seed: u64) -> Probe {
    let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(archetype as u64));
    // Lengths between two and three weeks, varied by seed.
    let days = 14 + (rng.next_u64() % 8) as usize;
    let n = days * DAY;
    // Anomalies start between 60 % and 75 % of the series, at a random time of day.
    let onset = (0.60 * n as f64) as usize + (rng.next_u64() % (0.15 * n as f64) as u64) as usize;
    let mut ts: Vec<i64> = (0..n as i64).map(|i| T0 + i * STEP).collect();
    let noise = 1.0;
    let (mean, amp) = (40.0, 15.0);
    let mut onsets = vec![onset];
    let mut values: Vec<f64> = Vec::with_capacity(n);
    match archetype {
        Archetype::DailyClean => {
            onsets.clear();
            values.extend(ts.iter().map(|&t| cycle(t, mean, amp)));
        }
        Archetype::DailyNoisy => {
            onsets.clear();
            values.extend(
                ts.iter()
                    .map(|&t| cycle(t, mean, amp) + noise * rng.normal()),
            );
        }
        Archetype::JumpUp | Archetype::JumpDown => {
            let jump = if archetype == Archetype::JumpUp {
                8.0
            } else {
                -8.0
            };
            for (i, &t) in ts.iter().enumerate() {
                let shift = if i >= onset { jump } else { 0.0 };
                values.push(cycle(t, mean, amp) + shift + noise * rng.normal());
            }
        }
        Archetype::FlatStuck => {
            for (i, &t) in ts.iter().enumerate() {
                let v = cycle(t, mean, amp) + noise * rng.normal();
                if (onset..onset + DAY).contains(&i) {
                    let stuck = values[onset - 1];
                    values.push(stuck);
                } else {
                    values.push(v);
                }
            }
        }
        Archetype::FlatMean => {
            for (i, &t) in ts.iter().enumerate() {
                let base = if (onset..onset + DAY).contains(&i) {
                    mean
                } else {
                    cycle(t, mean, amp)
                };
                values.push(base + noise * rng.normal());
            }
        }
        Archetype::SpikeDensity => {
            for (i, &t) in ts.iter().enumerate() {
                let rate = if i >= onset {
                    1.0 / 6.0
                } else {
                    2.0 / DAY as f64
                };
                let spike = if rng.uniform() < rate {
                    6.0 * (0.3 * rng.normal()).exp()
                } else {
                    0.0
                };
                values.push(cycle(t, mean, 0.3 * amp) + spike + noise * rng.normal());
            }
        }
        Archetype::TemperatureFailure => {
            let mut walk = 0.0;
            for (i, &t) in ts.iter().enumerate() {
                // A slow, mean-reverting random walk (drift of a few degrees over days).
                walk = 0.998 * walk + 0.15 * rng.normal();
                let v = if i >= onset {
                    20.0 + 0.5 * rng.normal()
                } else {
                    cycle(t, 80.0, 3.0) + walk + 0.3 * rng.normal()
                };
                values.push(v);
            }
        }
        Archetype::CountsQuiet | Archetype::CountsShift => {
            let mut burst = 0usize;
            let mut burst_factor = 1.0;
            for (i, &t) in ts.iter().enumerate() {
                // A daily rate between 10 and 50 per 5 minutes, log-normal jitter, bursts of 1-6 points.
                let day = cycle(t, 30.0, 20.0).max(3.0);
                if burst == 0 && rng.uniform() < 1.0 / 150.0 {
                    burst = 1 + (rng.next_u64() % 6) as usize;
                    burst_factor = (1.1 + 0.5 * rng.normal()).exp();
                }
                let mut rate = day * (0.35 * rng.normal()).exp();
                if burst > 0 {
                    rate *= burst_factor;
                    burst -= 1;
                }
                if archetype == Archetype::CountsShift && i >= onset {
                    rate *= 2.5;
                }
                values.push(rng.poisson(rate));
            }
            if archetype == Archetype::CountsQuiet {
                onsets.clear();
            }
        }
        Archetype::Ramp => {
            let span = 2 * DAY;
            for (i, &t) in ts.iter().enumerate() {
                let up = if i < onset {
                    0.0
                } else {
                    20.0 * ((i - onset) as f64 / span as f64).min(1.0)
                };
                values.push(cycle(t, mean, amp) + up + noise * rng.normal());
            }
        }
        Archetype::Amplitude => {
            // Move the onset to the next point where the cycle crosses its mean upwards, so the
            // change is one of shape, not a step.
            let mut a = onset;
            while a + 1 < n
                && !(cycle(ts[a - 1], mean, amp) < mean && cycle(ts[a], mean, amp) >= mean)
            {
                a += 1;
            }
            onsets = vec![a];
            for (i, &t) in ts.iter().enumerate() {
                let k = if i >= a { 2.0 } else { 1.0 };
                values.push(cycle(t, mean, k * amp) + noise * rng.normal());
            }
        }
        Archetype::Irregular => {
            // Jittered timestamps (±60 s), 10 % of the steps missing, and six gaps of 1-6 hours.
            let mut kept = Vec::with_capacity(n);
            let mut gaps: Vec<(usize, usize)> = (0..6)
                .map(|_| {
                    let at = DAY + (rng.next_u64() % (n - 2 * DAY) as u64) as usize;
                    (at, at + 12 * (1 + (rng.next_u64() % 6) as usize))
                })
                .collect();
            gaps.sort_unstable();
            let mut jumped = None;
            for i in 0..n {
                if gaps.iter().any(|&(a, b)| (a..b).contains(&i)) || rng.uniform() < 0.1 {
                    continue;
                }
                let t = T0 + i as i64 * STEP + (rng.uniform() * 120.0 - 60.0).round() as i64;
                let shift = if i >= onset {
                    jumped.get_or_insert(kept.len());
                    8.0
                } else {
                    0.0
                };
                values.push(cycle(t, mean, amp) + shift + noise * rng.normal());
                kept.push(t);
            }
            ts = kept;
            onsets = vec![jumped.expect("the onset lies inside the series")];
        }
    }
    let len = values.len();
    let series = LabeledSeries {
        name: format!("probes/{}_{seed}.csv", archetype.name()),
        timestamps: ts.iter().map(|&t| timestamp(t)).collect(),
        values,
        windows: nab_windows(len, &onsets),
    };
    Probe {
        archetype,
        seed,
        series,
        onsets,
    }
}

/// What the scores of one probe come to at a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub len: usize,
    /// Windows with a detection / windows.
    pub found: usize,
    pub windows: usize,
    /// Per window: the first detection's offset from the window's start, as a share of its width.
    pub position: Vec<Option<f64>>,
    /// Windows with a detection at or after the anomaly's onset (a detection earlier in the window
    /// is a false alarm that NAB happens to reward).
    pub found_from_onset: usize,
    /// Per window: the delay of the first detection at or after the anomaly's onset, in points (None
    /// if there is none in the window).
    pub delay: Vec<Option<usize>>,
    /// Detections outside windows, after the probationary period.
    pub false_positives: usize,
    /// Rows of those detections.
    pub fp_rows: Vec<usize>,
    /// The detector names of those detections.
    pub fp_detectors: Vec<&'static str>,
    /// NAB's raw standard score for the series.
    pub raw: f64,
}

/// Scores one probe at `threshold` with the crate's NAB scorer (standard profile), plus the window
/// and delay figures NAB's runner does not print. `detectors[i]` names the component of row `i`.
pub fn outcome(p: &Probe, scores: &[f64], detectors: &[&'static str], threshold: f64) -> Outcome {
    let s = &p.series;
    let nab = score_corpus_at(
        std::slice::from_ref(s),
        &[scores.to_vec()],
        Profile::Standard,
        threshold,
    );
    let probation = (0.15 * s.len() as f64).floor().min(750.0) as usize;
    let (mut position, mut delay) = (Vec::new(), Vec::new());
    for (&(a, b), &onset) in s.windows.iter().zip(&p.onsets) {
        let hit = (a.max(probation)..=b).find(|&i| scores[i] >= threshold);
        position.push(hit.map(|i| (i - a) as f64 / (b - a + 1) as f64));
        let from_onset = (onset.max(probation)..=b).find(|&i| scores[i] >= threshold);
        delay.push(from_onset.map(|i| i - onset));
    }
    let inside = |i: usize| s.windows.iter().any(|&(a, b)| (a..=b).contains(&i));
    let fp_rows: Vec<usize> = (probation..s.len())
        .filter(|&i| scores[i] >= threshold && !inside(i))
        .collect();
    assert_eq!(fp_rows.len(), nab.files[0].row.fp, "{}", s.name);
    Outcome {
        name: s.name.clone(),
        len: s.len(),
        found: position.iter().filter(|x| x.is_some()).count(),
        windows: s.windows.len(),
        position,
        found_from_onset: delay.iter().filter(|x| x.is_some()).count(),
        delay,
        false_positives: fp_rows.len(),
        fp_detectors: fp_rows.iter().map(|&i| detectors[i]).collect(),
        fp_rows,
        raw: nab.files[0].row.score,
    }
}
