//! NAB runner: runs Hermes' detectors over a NAB corpus (default: the dev split), writes results in NAB's
//! CSV layout and prints the three profile scores.
//!
//! ```text
//! cargo run --release -p hermes-anomaly --bin nab -- [--data DIR] [--detector NAME]... [--results DIR]
//!     [--folds K] [--grid 'k=v,..;k=v,..'] [--files] [--thresholds] [--shuffles R] [--nab-protocol]
//!     [--published NAB_RESULTS_DIR --published-detector NAME]...
//! ```
//! Detectors: `ensemble` (default), `windowedGaussian`, `rollingMad`, `ewma`, `cusum`, `seasonal`,
//! `bocpd` and `iforest` (both behind the `Onset` rule), `contextNovelty` (slow: about 4,000 points/s), `art` (ARTime-like ART novelty),
//! `null`, `perfect`, or `all`. `HERMES_ENSEMBLE=key=value,...` overrides ensemble settings (see
//! `EnsembleConfig::set`), `HERMES_CONTEXT=key=value,...` context-novelty settings, `HERMES_ART=key=value,...`
//! ART settings (see `ArtConfig::set`).
//!
//! After the table, `--folds K` (default 3; 0 or 1 = off) prints held-out scores: series `i` is in fold
//! `i mod K`, the threshold is chosen on the other folds and the fold is scored at it. `--grid
//! 'k=v,..;k=v,..'` runs several ensemble settings and does nested cross-validation (setting and
//! threshold chosen on the other folds). `--files` prints per-series windows found and false positives.
//! `--thresholds` prints, per profile, the threshold each fold's training folds choose and each fold's
//! own optimum (both as evidence `−ln(1 − t)`), and the in-sample standard score over evidence
//! thresholds 2–6 (is the optimum a plateau or a cliff?). `--shuffles R` also prints the mean, minimum
//! and maximum held-out scores over `R` seeded random layouts of the series into `K` folds (the
//! same layouts for every detector and run). `--published DIR` scores NAB's own published
//! result files (`<DIR>/<name>/<category>/<name>_<file>.csv`) over the same series, for comparison.
//!
//! By default every detector is strictly causal: it sees each point once, in order, and nothing else
//! about the file (Hermes' headline figures, and how the library runs live). `--nab-protocol` switches
//! to **NAB's protocol (file min/max and length known in advance, as every published NAB detector
//! had)**: before its first point each detector is given the file's minimum, maximum and length
//! (`hermes_anomaly::detect::NabInputs`, as NAB's `nab/detectors/base.py` gives `inputMin`, `inputMax` and the probationary
//! period). This is look-ahead, for comparison with NAB's scoreboard only. Detectors that use it:
//! `art` (ARTime's range, bootstrap and step), `ensemble` (its ART second opinion only) and
//! `contextNovelty` (contextOSE's quantiser range and rest period); the others ignore it. Result rows
//! and files are then named `<detector>NabProtocol`.

use hermes_anomaly::detect::{
    ArtConfig, ArtNovelty, Bocpd, ContextConfig, ContextNovelty, Cusum, Detector, Ensemble,
    EnsembleConfig, Ewma, Guarded, Onset, RollingMad, SeasonalProfile, StreamingIForest,
    WindowedGaussian,
};
use hermes_anomaly::nab::{
    read_result_scores, run_detector_with, score_corpus, score_corpus_at, write_results,
    DetectorResults, LabeledSeries, NabCorpus, Profile, Protocol,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DETECTORS: [&str; 12] = [
    "null",
    "perfect",
    "windowedGaussian",
    "rollingMad",
    "ewma",
    "cusum",
    "seasonal",
    "bocpd",
    "iforest",
    "contextNovelty",
    "art",
    "ensemble",
];

/// Applies `key=value,...` from the environment variable `var` with `set`.
fn overrides(var: &str, mut set: impl FnMut(&str, &str) -> hermes_anomaly::Result<()>) -> bool {
    if let Ok(spec) = std::env::var(var) {
        for kv in spec.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            if let Err(e) = set(k.trim(), v.trim()) {
                eprintln!("{var}: {e}");
                return false;
            }
        }
    }
    true
}

fn make(name: &str) -> Option<Box<dyn Fn() -> Box<dyn Detector> + Sync>> {
    Some(match name {
        "windowedGaussian" => Box::new(|| Box::new(Guarded::new(WindowedGaussian::default()))),
        "rollingMad" => Box::new(|| Box::new(Guarded::new(RollingMad::new(1000)))),
        "ewma" => Box::new(|| Box::new(Guarded::new(Ewma::new(0.01)))),
        "cusum" => Box::new(|| Box::new(Guarded::new(Cusum::new(1000)))),
        "seasonal" => Box::new(|| Box::new(Guarded::new(SeasonalProfile::daily()))),
        "bocpd" => Box::new(|| Box::new(Guarded::new(Onset::new(Bocpd::default(), 400)))),
        "iforest" => {
            Box::new(|| Box::new(Guarded::new(Onset::new(StreamingIForest::default(), 400))))
        }
        "contextNovelty" => {
            let mut cfg = ContextConfig::default();
            if !overrides("HERMES_CONTEXT", |k, v| cfg.set(k, v)) {
                return None;
            }
            Box::new(move || Box::new(Guarded::new(ContextNovelty::new(cfg.clone()))))
        }
        "art" => {
            let mut cfg = ArtConfig::default();
            if !overrides("HERMES_ART", |k, v| cfg.set(k, v)) {
                return None;
            }
            Box::new(move || Box::new(Guarded::new(ArtNovelty::new(cfg.clone()))))
        }
        "ensemble" => {
            let mut cfg = EnsembleConfig::default();
            if !overrides("HERMES_ENSEMBLE", |k, v| cfg.set(k, v)) {
                return None;
            }
            Box::new(move || Box::new(Guarded::new(Ensemble::new(cfg.clone()))))
        }
        _ => return None,
    })
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: nab [--data DIR] [--detector NAME|all]... [--folds K] [--files] [--thresholds] [--shuffles R] [--grid 'K=V,..;K=V,..'] \
         [--results DIR] [--nab-protocol] \
         [--published NAB_RESULTS_DIR] [--published-detector NAME]...\n  detectors: {}\n  \
         --nab-protocol: NAB's protocol (file min/max and length known in advance, as every published \
         NAB detector had);\n    look-ahead, for comparison with NAB's scoreboard only (default: strictly causal)",
        DETECTORS.join(", ")
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut data = PathBuf::from(
        std::env::var("HERMES_NAB_DATA").unwrap_or_else(|_| "/work/shared/data/nab-dev".into()),
    );
    let mut detectors: Vec<String> = Vec::new();
    let mut results: Option<PathBuf> = None;
    let mut published: Option<PathBuf> = None;
    let mut published_detectors: Vec<String> = Vec::new();
    let mut folds: usize = 3;
    let mut grid: Vec<String> = Vec::new();
    let mut files = false;
    let mut thresholds = false;
    let mut shuffles: usize = 0;
    let mut protocol = Protocol::Causal;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next();
        match a.as_str() {
            "--data" => match val() {
                Some(v) => data = v.into(),
                None => return usage(),
            },
            "--detector" => match val() {
                Some(v) if v == "all" => detectors.extend(DETECTORS.iter().map(|s| s.to_string())),
                Some(v) if DETECTORS.contains(&v.as_str()) => detectors.push(v),
                _ => return usage(),
            },
            "--folds" => match val().and_then(|v| v.parse().ok()) {
                Some(k) => folds = k,
                None => return usage(),
            },
            "--files" => files = true,
            "--thresholds" => thresholds = true,
            "--shuffles" => match val().and_then(|v| v.parse().ok()) {
                Some(r) => shuffles = r,
                None => return usage(),
            },
            "--nab-protocol" => protocol = Protocol::Nab,
            "--grid" => match val() {
                Some(v) => grid.extend(v.split(';').map(str::to_string)),
                None => return usage(),
            },
            "--results" => results = val().map(Into::into),
            "--published" => published = val().map(Into::into),
            "--published-detector" => match val() {
                Some(v) => published_detectors.push(v),
                None => return usage(),
            },
            _ => return usage(),
        }
    }
    if detectors.is_empty() && published.is_none() {
        detectors.push("ensemble".into());
    }
    let corpus = match NabCorpus::load(&data) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let points: usize = corpus.series.iter().map(|s| s.len()).sum();
    println!(
        "NAB corpus {}: {} series, {} points, {} windows",
        data.display(),
        corpus.series.len(),
        points,
        corpus.window_count()
    );
    // Name column width: 22, or more for `<detector>NabProtocol` names.
    let w = detectors
        .iter()
        .map(|d| label(d, protocol).len())
        .chain(published_detectors.iter().map(|d| d.len() + 4))
        .fold(22, usize::max);
    if protocol == Protocol::Nab {
        println!(
            "mode: NAB's protocol (file min/max and length known in advance, as every published NAB \
             detector had): look-ahead, not Hermes' causal figures"
        );
    }
    println!(
        "{:<w$} {:>10} {:>14} {:>14} {:>10}",
        "detector", "standard", "reward_low_FP", "reward_low_FN", "secs"
    );
    let mut all = Vec::new();
    for name in &detectors {
        let t0 = std::time::Instant::now();
        let r = match name.as_str() {
            "null" => DetectorResults::from_scores(
                "null",
                &corpus,
                corpus.series.iter().map(|s| vec![0.5; s.len()]).collect(),
            ),
            "perfect" => DetectorResults::from_scores(
                "perfect",
                &corpus,
                corpus
                    .series
                    .iter()
                    .map(|s| {
                        let mut v = vec![0.0; s.len()];
                        for &(a, _) in &s.windows {
                            v[a] = 1.0;
                        }
                        v
                    })
                    .collect(),
            ),
            other => match make(other) {
                Some(f) => run_detector_with(&label(other, protocol), &corpus, protocol, f),
                None => return usage(),
            },
        };
        print_row(&r, t0.elapsed().as_secs_f64(), w);
        if files {
            print_files(&r, &corpus);
        }
        all.push(r);
    }
    if folds > 1 && !all.is_empty() {
        println!(
            "\nheld-out ({folds}-fold cross-validation over series: series i is in fold i mod {folds}; \
             the threshold is chosen on the other folds, then the fold is scored at it)"
        );
        println!(
            "{:<w$} {:>10} {:>14} {:>14}",
            "detector", "standard", "reward_low_FP", "reward_low_FN"
        );
        for r in all
            .iter()
            .filter(|r| r.detector != "null" && r.detector != "perfect")
        {
            let cv: Vec<f64> = Profile::ALL
                .iter()
                .map(|p| cross_validated(&corpus, &r.scores, *p, folds))
                .collect();
            println!(
                "{:<w$} {:>10.2} {:>14.2} {:>14.2}",
                r.detector, cv[0], cv[1], cv[2]
            );
        }
    }
    if shuffles > 0 && folds > 1 {
        println!("\nheld-out over {shuffles} random {folds}-fold layouts (mean [min, max])");
        for r in all
            .iter()
            .filter(|r| r.detector != "null" && r.detector != "perfect")
        {
            let cv = shuffled_cv(&corpus, &r.scores, folds, shuffles);
            println!(
                "{:<w$} {:>6.2} [{:.2}, {:.2}] {:>6.2} [{:.2}, {:.2}] {:>6.2} [{:.2}, {:.2}]",
                r.detector,
                cv[0].0,
                cv[0].1,
                cv[0].2,
                cv[1].0,
                cv[1].1,
                cv[1].2,
                cv[2].0,
                cv[2].1,
                cv[2].2
            );
        }
    }
    if thresholds && folds > 1 {
        for r in all
            .iter()
            .filter(|r| r.detector != "null" && r.detector != "perfect")
        {
            print_thresholds(&corpus, &r.scores, folds);
        }
    }
    if !grid.is_empty() {
        if let Err(e) = nested_cv(&corpus, &grid, folds.max(2), protocol) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Some(dir) = &published {
        if published_detectors.is_empty() {
            published_detectors =
                vec!["windowedGaussian".into(), "numenta".into(), "ARTime".into()];
        }
        for name in &published_detectors {
            match load_published(dir, name, &corpus) {
                Ok(scores) => {
                    let r = DetectorResults::from_scores(&format!("NAB:{name}"), &corpus, scores);
                    print_row(&r, 0.0, w);
                    if files {
                        print_files(&r, &corpus);
                    }
                }
                Err(e) => eprintln!("{name}: {e}"),
            }
        }
    }
    if let Some(dir) = &results {
        for r in &all {
            if let Err(e) = write_results(dir, &r.detector, &corpus.series, &r.scores, &r.profiles)
            {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
        println!("results written under {}", dir.display());
    }
    ExitCode::SUCCESS
}

/// A detector's name in result rows and files: `<name>NabProtocol` under NAB's protocol, so those
/// figures are never mistaken for causal ones.
fn label(name: &str, protocol: Protocol) -> String {
    match protocol {
        Protocol::Causal => name.to_string(),
        Protocol::Nab => format!("{name}NabProtocol"),
    }
}

fn print_row(r: &DetectorResults, secs: f64, w: usize) {
    println!(
        "{:<w$} {:>10.2} {:>14.2} {:>14.2} {:>10.2}",
        r.detector,
        r.normalized(Profile::Standard),
        r.normalized(Profile::RewardLowFp),
        r.normalized(Profile::RewardLowFn),
        secs
    );
}

/// Model selection under cross-validation: every ensemble setting in `grid` (`key=value,...`) is run
/// once; for each fold, the setting (and threshold) best on the other folds under each profile is
/// applied to the fold. Prints each setting's in-sample scores and the pooled held-out scores.
fn nested_cv(
    corpus: &NabCorpus,
    grid: &[String],
    k: usize,
    protocol: Protocol,
) -> hermes_anomaly::Result<()> {
    println!(
        "\ngrid of {} ensemble settings, nested {k}-fold cross-validation{}",
        grid.len(),
        if protocol == Protocol::Nab {
            " (NAB's protocol: file min/max and length known in advance)"
        } else {
            ""
        }
    );
    let mut runs = Vec::new();
    for spec in grid {
        let mut cfg = EnsembleConfig::default();
        for kv in spec.split(',').filter(|s| !s.is_empty()) {
            let (key, v) = kv.split_once('=').unwrap_or((kv, ""));
            cfg.set(key.trim(), v.trim())?;
        }
        let r = run_detector_with(&label("ensemble", protocol), corpus, protocol, move || {
            Box::new(Guarded::new(Ensemble::new(cfg.clone())))
        });
        println!(
            "  {:<60} {:>7.2} {:>7.2} {:>7.2}",
            spec,
            r.normalized(Profile::Standard),
            r.normalized(Profile::RewardLowFp),
            r.normalized(Profile::RewardLowFn)
        );
        runs.push(r);
    }
    let mut held = Vec::new();
    for profile in Profile::ALL {
        let (mut raw, mut null, mut perfect) = (0.0, 0.0, 0.0);
        let mut chosen = Vec::new();
        for fold in 0..k {
            let subset =
                |scores: &[Vec<f64>], held: bool| split(corpus, scores, |i| i % k == fold, held);
            let mut best: Option<(usize, f64, f64)> = None; // (run, train score, threshold)
            for (j, r) in runs.iter().enumerate() {
                let (train, train_scores) = subset(&r.scores, false);
                let s = score_corpus(&train, &train_scores, profile);
                if best.is_none_or(|(_, b, _)| s.normalized > b) {
                    best = Some((j, s.normalized, s.threshold));
                }
            }
            let (j, _, threshold) = best.expect("a non-empty grid");
            chosen.push(j);
            let (test, test_scores) = subset(&runs[j].scores, true);
            let s = score_corpus_at(&test, &test_scores, profile, threshold);
            raw += s.raw;
            null += s.null;
            perfect += s.perfect;
        }
        println!(
            "  {:<14} settings chosen per fold: {:?}",
            profile.name(),
            chosen.iter().map(|&j| grid[j].as_str()).collect::<Vec<_>>()
        );
        held.push(100.0 * (raw - null) / (perfect - null));
    }
    println!(
        "  {:<60} {:>7.2} {:>7.2} {:>7.2}",
        "held-out (nested)", held[0], held[1], held[2]
    );
    Ok(())
}

/// Pooled held-out score: for each fold, the threshold that is best on the other folds is applied
/// to the fold; raw, null and perfect scores are summed over the folds and normalised once.
/// The series (and their scores) in a fold (`held`) or outside it, `in_fold(i)` telling where series `i` is.
fn split(
    corpus: &NabCorpus,
    scores: &[Vec<f64>],
    in_fold: impl Fn(usize) -> bool,
    held: bool,
) -> (Vec<LabeledSeries>, Vec<Vec<f64>>) {
    (0..corpus.series.len())
        .filter(|&i| in_fold(i) == held)
        .map(|i| (corpus.series[i].clone(), scores[i].clone()))
        .unzip()
}

fn cross_validated(corpus: &NabCorpus, scores: &[Vec<f64>], profile: Profile, k: usize) -> f64 {
    let layout: Vec<usize> = (0..corpus.series.len()).map(|i| i % k).collect();
    cross_validated_by(corpus, scores, profile, &layout, k)
}

/// [`cross_validated`] with series `i` in fold `layout[i]`.
fn cross_validated_by(
    corpus: &NabCorpus,
    scores: &[Vec<f64>],
    profile: Profile,
    layout: &[usize],
    k: usize,
) -> f64 {
    let (mut raw, mut null, mut perfect) = (0.0, 0.0, 0.0);
    for fold in 0..k {
        let pick = |held: bool| split(corpus, scores, |i| layout[i] == fold, held);
        let (train, train_scores) = pick(false);
        let (test, test_scores) = pick(true);
        if test.is_empty() || train.is_empty() {
            continue;
        }
        let threshold = score_corpus(&train, &train_scores, profile).threshold;
        let s = score_corpus_at(&test, &test_scores, profile, threshold);
        raw += s.raw;
        null += s.null;
        perfect += s.perfect;
    }
    100.0 * (raw - null) / (perfect - null)
}

/// `r` random fold layouts (balanced: a seeded shuffle of the series, then `i mod k` over it), the
/// same for every detector: mean, minimum and maximum pooled held-out score per profile. One fold
/// layout can put all the series a setting helps into one fold (see the README's seventh round); the
/// mean over many layouts is a steadier figure.
fn shuffled_cv(
    corpus: &NabCorpus,
    scores: &[Vec<f64>],
    k: usize,
    r: usize,
) -> [(f64, f64, f64); 3] {
    let mut out = [(0.0, f64::INFINITY, f64::NEG_INFINITY); 3];
    for layout in shuffled_layouts(corpus.series.len(), k, r) {
        for (slot, profile) in out.iter_mut().zip(Profile::ALL) {
            let v = cross_validated_by(corpus, scores, profile, &layout, k);
            slot.0 += v / r as f64;
            slot.1 = slot.1.min(v);
            slot.2 = slot.2.max(v);
        }
    }
    out
}

/// `r` seeded random layouts of `n` series into `k` folds of (nearly) equal size: a Fisher–Yates
/// shuffle (xorshift64*, fixed seed) of the series, then `position mod k`. Deterministic, so every
/// detector and every run sees the same layouts.
fn shuffled_layouts(n: usize, k: usize, r: usize) -> Vec<Vec<usize>> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    (0..r)
        .map(|_| {
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            let mut layout = vec![0; n];
            for (pos, &i) in order.iter().enumerate() {
                layout[i] = pos % k;
            }
            layout
        })
        .collect()
}

/// Threshold stability: the threshold each fold's training folds choose (as a score and as evidence
/// `−ln(1 − t)`), and the in-sample standard score over a range of thresholds in evidence units.
fn print_thresholds(corpus: &NabCorpus, scores: &[Vec<f64>], k: usize) {
    let ev = |t: f64| -(1.0 - t).max(1e-300).ln();
    for profile in Profile::ALL {
        let all = score_corpus(&corpus.series, scores, profile);
        let mut line = format!(
            "  {:<14} in sample {:.6} (evidence {:.3}); folds:",
            profile.name(),
            all.threshold,
            ev(all.threshold)
        );
        for fold in 0..k {
            let pick = |held: bool| split(corpus, scores, |i| i % k == fold, held);
            let (train, train_scores) = pick(false);
            let (test, test_scores) = pick(true);
            let chosen = score_corpus(&train, &train_scores, profile).threshold;
            let own = score_corpus(&test, &test_scores, profile);
            let at = score_corpus_at(&test, &test_scores, profile, chosen);
            line.push_str(&format!(
                " [{fold}: chosen {:.3} -> {:.2}, own {:.3} -> {:.2}]",
                ev(chosen),
                at.normalized,
                ev(own.threshold),
                own.normalized
            ));
        }
        println!("{line}");
    }
    let mut curve = String::from("  standard by evidence threshold:");
    let mut e: f64 = 2.0;
    while e <= 6.0 + 1e-9 {
        let t = 1.0 - (-e).exp();
        let s = score_corpus_at(&corpus.series, scores, Profile::Standard, t);
        curve.push_str(&format!(" {e:.2}:{:.2}", s.normalized));
        e += 0.1;
    }
    println!("{curve}");
}

/// Per-series figures at the standard profile's threshold: windows found (of all), the offset of the
/// first detection in each window as a share of its width, false-positive points and the raw score.
fn print_files(r: &DetectorResults, corpus: &NabCorpus) {
    for p in &r.profiles {
        if p.profile != Profile::Standard {
            continue;
        }
        println!("  threshold {:.6}", p.threshold);
        for ((f, s), sc) in p.files.iter().zip(&corpus.series).zip(&r.scores) {
            let probation = (0.15 * s.len() as f64).floor().min(750.0) as usize;
            let mut found = Vec::new();
            for &(a, b) in &s.windows {
                let hit = (a.max(probation)..=b).find(|&i| sc[i] >= p.threshold);
                found.push(hit.map_or("-".to_string(), |i| {
                    format!("{:.2}", (i - a) as f64 / (b - a + 1) as f64)
                }));
            }
            let found_n = found.iter().filter(|x| *x != "-").count();
            println!(
                "  {:<58} windows {}/{} at [{}] fp {:>4} score {:>7.3}",
                f.name,
                found_n,
                s.windows.len(),
                found.join(" "),
                f.row.fp,
                f.row.score
            );
        }
    }
}

fn load_published(
    dir: &Path,
    name: &str,
    corpus: &NabCorpus,
) -> hermes_anomaly::Result<Vec<Vec<f64>>> {
    corpus
        .series
        .iter()
        .map(|s| {
            let rel = Path::new(&s.name);
            let file = format!(
                "{name}_{}",
                rel.file_name().and_then(|f| f.to_str()).unwrap_or("")
            );
            let path = dir
                .join(name)
                .join(rel.parent().unwrap_or(Path::new("")))
                .join(file);
            let v = read_result_scores(&path)?;
            if v.len() != s.len() {
                return Err(hermes_anomaly::AnomalyError::invalid(
                    path.display().to_string(),
                    format!("{} rows, the data file has {}", v.len(), s.len()),
                ));
            }
            Ok(v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hermes_anomaly::nab::LabeledSeries;

    #[test]
    fn shuffled_layouts_are_balanced_deterministic_and_varied() {
        let a = shuffled_layouts(39, 5, 20);
        assert_eq!(a, shuffled_layouts(39, 5, 20));
        for layout in &a {
            let mut sizes = [0; 5];
            for &f in layout {
                sizes[f] += 1;
            }
            assert!(sizes.iter().all(|&s| s == 7 || s == 8), "{sizes:?}");
        }
        assert!(a.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn held_out_scores_by_layout() {
        let series: Vec<LabeledSeries> = (0..6)
            .map(|i| LabeledSeries::from_indices(&format!("s{i}.csv"), 200, vec![(100, 119)]))
            .collect();
        let corpus = NabCorpus {
            root: "/nowhere".into(),
            series,
        };
        // A perfect detector scores 100 held out under any layout.
        let perfect: Vec<Vec<f64>> = (0..6)
            .map(|_| {
                let mut v = vec![0.0; 200];
                v[100] = 1.0;
                v
            })
            .collect();
        for (mean, lo, hi) in shuffled_cv(&corpus, &perfect, 3, 4) {
            assert!((mean - 100.0).abs() < 1e-9 && (lo - 100.0).abs() < 1e-9 && hi <= 100.0 + 1e-9);
        }
        // The `i mod k` layout is `cross_validated`'s.
        let mut noisy = perfect.clone();
        noisy[1][150] = 0.9;
        noisy[4][100] = 0.8;
        let layout: Vec<usize> = (0..6).map(|i| i % 3).collect();
        for p in Profile::ALL {
            let a = cross_validated(&corpus, &noisy, p, 3);
            let b = cross_validated_by(&corpus, &noisy, p, &layout, 3);
            assert_eq!(a, b);
        }
    }
}
