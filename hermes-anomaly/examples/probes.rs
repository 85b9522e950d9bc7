//! Generic anomaly probes: the default ensemble (causal, one pass, as the NAB runner uses it) on seeded
//! synthetic archetypes (see `tests/probe_gen/mod.rs`), scored with the crate's NAB scorer under the
//! standard profile at the threshold NAB's sweep chooses on the dev split. Prints, per archetype over
//! the seeds, the windows found, the first detection's place in its window and its delay after the
//! onset, and the false positives after the probationary period, then the probes' NAB standard score
//! as one corpus. A floor of sane behaviour, not a benchmark to tune on.
//!
//! ```text
//! cargo run --release -p hermes-anomaly --example probes -- [--seeds N] [--verbose]
//! HERMES_ENSEMBLE=key=value,... cargo run --release -p hermes-anomaly --example probes
//! ```

#[path = "../tests/probe_gen/mod.rs"]
mod probe_gen;

use hermes_anomaly::detect::{Detector, Ensemble, EnsembleConfig, Guarded};
use hermes_anomaly::nab::{run_detector, score_corpus_at, NabCorpus, Profile};
use probe_gen::{dev_threshold, outcome, probe, Archetype, DEV_EVIDENCE};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut seeds = 5u64;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--seeds", Some(v)) if v.parse::<u64>().is_ok_and(|n| n > 0) => {
                seeds = v.parse().unwrap_or(5)
            }
            ("--verbose", None) => verbose = true,
            _ => {
                eprintln!("usage: probes [--seeds N] [--verbose]");
                return ExitCode::from(2);
            }
        }
    }
    let mut cfg = EnsembleConfig::default();
    if let Ok(spec) = std::env::var("HERMES_ENSEMBLE") {
        for kv in spec.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            if let Err(e) = cfg.set(k.trim(), v.trim()) {
                eprintln!("HERMES_ENSEMBLE: {e}");
                return ExitCode::from(2);
            }
        }
    }
    // The constant is the dev split's threshold for the defaults: check it when the split is here.
    let dev =
        std::env::var("HERMES_NAB_DATA").unwrap_or_else(|_| "/work/shared/data/nab-dev".into());
    if let Ok(corpus) = NabCorpus::load(&dev) {
        let defaults = EnsembleConfig::default();
        let r = run_detector("ensemble", &corpus, move || {
            Box::new(Guarded::new(Ensemble::new(defaults.clone())))
        });
        let chosen = r
            .profiles
            .iter()
            .find(|p| p.profile == Profile::Standard)
            .map_or(f64::NAN, |p| -(1.0 - p.threshold).ln());
        println!("the dev split ({dev}) chooses evidence {chosen:.3} for the default ensemble");
        if (chosen - DEV_EVIDENCE).abs() > 0.01 {
            eprintln!(
                "warning: DEV_EVIDENCE ({DEV_EVIDENCE}) is stale: update tests/probe_gen/mod.rs"
            );
        }
    }
    let advisory = cfg.alarm_level;
    table(
        &cfg,
        seeds,
        verbose,
        dev_threshold(),
        &format!("evidence {DEV_EVIDENCE}, the dev split's NAB threshold"),
    );
    println!();
    table(
        &cfg,
        seeds,
        verbose,
        advisory,
        "the ensemble's advisory alarm_level",
    );
    ExitCode::SUCCESS
}

/// Prints the probes' table at `threshold`.
fn table(cfg: &EnsembleConfig, seeds: u64, verbose: bool, threshold: f64, what: &str) {
    println!("ensemble on synthetic probes, {seeds} seeds each, threshold {threshold:.6} ({what})");
    println!(
        "{:<20} {:>7} {:>13} {:>16} {:>16} {:>6} {:>9}  fp by component",
        "probe", "points", "found (onset)", "place in window", "delay (points)", "fp", "raw score"
    );
    let (mut series, mut scores) = (Vec::new(), Vec::new());
    for a in Archetype::ALL {
        let (mut found, mut from_onset, mut windows, mut fp, mut raw, mut len) =
            (0, 0, 0, 0, 0.0, 0);
        let (mut places, mut delays, mut names) = (Vec::new(), Vec::new(), Vec::new());
        for seed in 1..=seeds {
            let p = probe(a, seed);
            let mut d = Guarded::new(Ensemble::new(cfg.clone()));
            let (sc, det): (Vec<f64>, Vec<&'static str>) = p
                .unix_seconds()
                .iter()
                .zip(&p.series.values)
                .map(|(&t, &v)| {
                    let r = d.observe(t, v);
                    (r.score, r.detector)
                })
                .unzip();
            let o = outcome(&p, &sc, &det, threshold);
            if verbose {
                println!("  {o:?}");
            }
            found += o.found;
            from_onset += o.found_from_onset;
            windows += o.windows;
            fp += o.false_positives;
            raw += o.raw;
            len += o.len;
            places.extend(o.position.iter().flatten().copied());
            delays.extend(o.delay.iter().flatten().copied());
            names.extend(
                o.fp_detectors
                    .iter()
                    .map(|n| n.trim_start_matches("ensemble/")),
            );
            series.push(p.series);
            scores.push(sc);
        }
        let mean = |v: &[f64]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                format!("{:.2}", v.iter().sum::<f64>() / v.len() as f64)
            }
        };
        let delays: Vec<f64> = delays.iter().map(|&d| d as f64).collect();
        let mut by_component = std::collections::BTreeMap::<&str, usize>::new();
        for n in &names {
            *by_component.entry(n).or_default() += 1;
        }
        let counted: Vec<String> = by_component
            .iter()
            .map(|(n, k)| format!("{n} {k}"))
            .collect();
        println!(
            "{:<20} {:>7} {:>13} {:>16} {:>16} {:>6} {:>9.2}  {}",
            a.name(),
            len / seeds as usize,
            if windows == 0 {
                "-".to_string()
            } else {
                format!("{found}({from_onset})/{windows}")
            },
            mean(&places),
            mean(&delays),
            fp,
            raw,
            counted.join(", ")
        );
    }
    let all = score_corpus_at(&series, &scores, Profile::Standard, threshold);
    println!(
        "all probes as one corpus: NAB standard {:.2} at this threshold (raw {:.2}, null {:.2}, perfect {:.2})",
        all.normalized, all.raw, all.null, all.perfect
    );
}
