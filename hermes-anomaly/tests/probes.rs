//! Generic anomaly probes (nineteenth round): the default ensemble (`EnsembleConfig::default()`, causal,
//! one pass, as the NAB runner uses it) on seeded synthetic archetypes, scored with the crate's NAB scorer
//! at the threshold NAB's sweep chooses on the dev split. Each assertion states what a serious detector
//! should do on the shape (not what the code happened to produce), at several seeds. The probes are a
//! floor of sane behaviour, not a benchmark: nothing is tuned on them.
//!
//! `cargo test -p hermes-anomaly --test probes -- --nocapture` prints the table (as does the `probes`
//! example, in a release build).

mod probe_gen;

use hermes_anomaly::detect::{Detector, Ensemble, EnsembleConfig, Guarded};
use probe_gen::{dev_threshold, outcome, probe, Archetype, Outcome, Probe};

/// Seeds every probe runs at.
const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// NAB's standard profile charges 0.11 per false positive and 1 per missed window: more than 9 false
/// alarms on a series cost more than missing an anomaly.
const NAB_FP_FLOOR: usize = 9;

/// The archetypes with an anomaly.
fn with_anomaly() -> impl Iterator<Item = Archetype> {
    Archetype::ALL.into_iter().filter(|&a| {
        !matches!(
            a,
            Archetype::DailyClean | Archetype::DailyNoisy | Archetype::CountsQuiet
        )
    })
}

/// An ensemble with `cfg` over a probe: scores and the detector name of each row.
fn run(p: &Probe, cfg: &EnsembleConfig) -> (Vec<f64>, Vec<&'static str>) {
    let mut d = Guarded::new(Ensemble::new(cfg.clone()));
    p.unix_seconds()
        .iter()
        .zip(&p.series.values)
        .map(|(&t, &v)| {
            let r = d.observe(t, v);
            (r.score, r.detector)
        })
        .unzip()
}

fn outcomes_with(a: Archetype, cfg: &EnsembleConfig) -> Vec<Outcome> {
    SEEDS
        .iter()
        .map(|&seed| {
            let p = probe(a, seed);
            let (scores, names) = run(&p, cfg);
            let o = outcome(&p, &scores, &names, dev_threshold());
            eprintln!("{o:?}");
            o
        })
        .collect()
}

fn outcomes(a: Archetype) -> Vec<Outcome> {
    outcomes_with(a, &EnsembleConfig::default())
}

/// NAB's own floor, at every seed: a detection inside the window, and a positive raw NAB score (the
/// finding earns more than the series' false alarms cost; silence scores −1).
fn found_and_worth_it(a: Archetype) {
    for o in outcomes(a) {
        assert_eq!(
            o.found, o.windows,
            "{}: the anomaly was not found inside its window ({o:?})",
            o.name
        );
        assert!(
            o.raw > 0.0,
            "{}: raw NAB score {:.3}, no better than silence ({o:?})",
            o.name,
            o.raw
        );
    }
}

/// No window, at most `max_fp` alarms after the probationary period.
fn quiet_with_at_most(a: Archetype, max_fp: usize) {
    for o in outcomes(a) {
        assert_eq!(o.windows, 0);
        assert!(
            o.false_positives <= max_fp,
            "{}: {} alarms on an anomaly-free series, at most {max_fp} expected ({o:?})",
            o.name,
            o.false_positives
        );
    }
}

#[test]
fn the_generator_is_deterministic_and_labels_like_nab() {
    for a in Archetype::ALL {
        let (p, q) = (probe(a, 7), probe(a, 7));
        assert_eq!(p.series, q.series, "{a:?}");
        assert_ne!(p.series.values, probe(a, 8).series.values, "{a:?}");
        let n = p.series.len();
        assert!((2_000..=16_000).contains(&n), "{a:?}: {n} points");
        let probation = (0.15 * n as f64).floor().min(750.0) as usize;
        for (&(l, r), &onset) in p.series.windows.iter().zip(&p.onsets) {
            // Centred on the onset, 10 % of the series long, after the probationary period.
            assert_eq!(r - l + 1, n / 10, "{a:?}");
            assert!(onset - l == (n / 10) / 2, "{a:?}");
            assert!(l > probation, "{a:?}");
        }
        assert_eq!(p.series.windows.len(), p.onsets.len(), "{a:?}");
        assert!(p.series.timestamps.windows(2).all(|w| w[0] < w[1]), "{a:?}");
        assert!(p.series.values.iter().all(|v| v.is_finite()), "{a:?}");
    }
    // The irregular probe really has missing steps and gaps.
    let p = probe(Archetype::Irregular, 1);
    let ts = p.unix_seconds();
    let steps: Vec<i64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(steps.iter().any(|&s| s >= 3600), "an hour-long gap");
    assert!(steps.iter().any(|&s| s % 300 != 0), "jittered steps");
}

/// A noiseless daily cycle repeats itself exactly: nothing in it is news.
#[test]
fn a_noise_free_daily_cycle_raises_no_alarm_after_probation() {
    quiet_with_at_most(Archetype::DailyClean, 0);
}

/// Small Gaussian noise around the cycle: false alarms cost less than one missed window. (The goal,
/// at most one alarm a week, is not met: 3 to 8 in two to three weeks; see the crate README.)
#[test]
fn a_noisy_daily_cycle_costs_less_than_a_missed_window() {
    quiet_with_at_most(Archetype::DailyNoisy, NAB_FP_FLOOR);
}

/// Heavy-tailed counts whose bursts are routine: false alarms cost less than one missed window.
#[test]
fn routine_bursts_of_a_count_series_cost_less_than_a_missed_window() {
    quiet_with_at_most(Archetype::CountsQuiet, NAB_FP_FLOOR);
}

/// A level jump of 8 σ (half the cycle's amplitude) that stays.
#[test]
fn a_lasting_jump_up_is_found_in_its_window() {
    found_and_worth_it(Archetype::JumpUp);
}

#[test]
fn a_lasting_jump_down_is_found_in_its_window() {
    found_and_worth_it(Archetype::JumpDown);
}

/// A value repeated exactly for a day where the series always varied.
#[test]
fn a_stuck_value_is_found_in_its_window() {
    found_and_worth_it(Archetype::FlatStuck);
}

/// The daily pattern vanishes for a day (noise at the cycle's mean).
#[test]
fn a_vanished_daily_pattern_is_found_in_its_window() {
    found_and_worth_it(Archetype::FlatMean);
}

/// Rare spikes are normal; their density rising 24-fold is not.
#[test]
fn spikes_whose_density_rises_are_found_in_their_window() {
    found_and_worth_it(Archetype::SpikeDensity);
}

/// A temperature drifting slowly, then a drop to a failure level far below anything seen.
#[test]
fn a_drop_to_a_failure_level_is_found_in_its_window() {
    found_and_worth_it(Archetype::TemperatureFailure);
}

/// Counts whose rate rises 2.5-fold and stays.
#[test]
fn a_lasting_shift_of_a_count_series_is_found_in_its_window() {
    found_and_worth_it(Archetype::CountsShift);
}

/// A gradual ramp of 20 σ over two days.
#[test]
fn a_gradual_ramp_is_found_in_its_window() {
    found_and_worth_it(Archetype::Ramp);
}

/// The daily cycle's amplitude doubles.
#[test]
fn a_doubled_daily_amplitude_is_found_in_its_window() {
    found_and_worth_it(Archetype::Amplitude);
}

/// Missing steps, hour-long gaps and jittered timestamps; the jump after them is found. (Alarms
/// right after a gap are not ruled out: see the crate README, nineteenth round.)
#[test]
fn a_jump_after_gaps_and_jitter_is_found_in_its_window() {
    found_and_worth_it(Archetype::Irregular);
}

/// The default's onset memory can swallow an anomaly: on `jump_up` at seed 1 a noise alarm 49 points
/// before the jump had more evidence than any point of the jump, so within the next `refractory`
/// points no point of the jump was an onset, and the window was "found" only by that earlier false
/// alarm. With `sustain` 6 (off by default: it costs the dev split 0.14 standard; see the crate
/// README, nineteenth round), six points in a row of evidence ≥ 3.5 that have not alarmed are an
/// onset: every anomaly is then reported at or after its start, inside its window, at every seed.
#[test]
fn with_sustain_every_anomaly_is_reported_after_its_onset() {
    let cfg = EnsembleConfig {
        sustain: 6,
        ..EnsembleConfig::default()
    };
    for a in with_anomaly() {
        for o in outcomes_with(a, &cfg) {
            assert_eq!(
                o.found_from_onset, o.windows,
                "{}: no detection between the onset and the window's end ({o:?})",
                o.name
            );
        }
    }
    // The case that showed it: without `sustain` the jump itself is never reported.
    let p = probe(Archetype::JumpUp, 1);
    let plain = run(&p, &EnsembleConfig::default());
    let sustained = run(&p, &cfg);
    let t = dev_threshold();
    let onset = p.onsets[0];
    let after = |scores: &[f64]| (onset..onset + 200).find(|&i| scores[i] >= t);
    assert!(after(&sustained.0).is_some_and(|i| i < onset + 50));
    assert_eq!(
        after(&plain.0),
        None,
        "the default now reports the jump: update the README's nineteenth round"
    );
}
