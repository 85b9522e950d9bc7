//! NAB runner: runs Hermes' detectors over a NAB corpus (default: the dev split), writes results in NAB's
//! CSV layout and prints the three profile scores.
//!
//! ```text
//! cargo run -p hermes-anomaly --bin nab -- [--data DIR] [--detector NAME]... [--results DIR]
//!                                          [--published NAB_RESULTS_DIR --published-detector NAME]...
//! ```
//! Detectors: `ensemble` (default), `windowedGaussian`, `rollingMad`, `ewma`, `cusum`, `seasonal`, `null`,
//! `perfect`, or `all`. `HERMES_ENSEMBLE=key=value,...` overrides ensemble settings (see
//! `EnsembleConfig::set`). `--published DIR` scores NAB's own published result files
//! (`<DIR>/<name>/<category>/<name>_<file>.csv`) over the same series, for comparison.

use hermes_anomaly::detect::{
    Cusum, Detector, Ensemble, EnsembleConfig, Ewma, Guarded, RollingMad, SeasonalProfile,
    WindowedGaussian,
};
use hermes_anomaly::nab::{
    read_result_scores, run_detector, write_results, DetectorResults, NabCorpus, Profile,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DETECTORS: [&str; 8] = [
    "null",
    "perfect",
    "windowedGaussian",
    "rollingMad",
    "ewma",
    "cusum",
    "seasonal",
    "ensemble",
];

fn make(name: &str) -> Option<Box<dyn Fn() -> Box<dyn Detector> + Sync>> {
    Some(match name {
        "windowedGaussian" => Box::new(|| Box::new(Guarded::new(WindowedGaussian::default()))),
        "rollingMad" => Box::new(|| Box::new(Guarded::new(RollingMad::new(1000)))),
        "ewma" => Box::new(|| Box::new(Guarded::new(Ewma::new(0.01)))),
        "cusum" => Box::new(|| Box::new(Guarded::new(Cusum::new(1000)))),
        "seasonal" => Box::new(|| Box::new(Guarded::new(SeasonalProfile::daily()))),
        "ensemble" => {
            let mut cfg = EnsembleConfig::default();
            if let Ok(spec) = std::env::var("HERMES_ENSEMBLE") {
                for kv in spec.split(',').filter(|s| !s.is_empty()) {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    if let Err(e) = cfg.set(k.trim(), v.trim()) {
                        eprintln!("HERMES_ENSEMBLE: {e}");
                        return None;
                    }
                }
            }
            Box::new(move || Box::new(Guarded::new(Ensemble::new(cfg.clone()))))
        }
        _ => return None,
    })
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: nab [--data DIR] [--detector NAME|all]... [--results DIR] [--published NAB_RESULTS_DIR] \
         [--published-detector NAME]...\n  detectors: {}",
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
    println!(
        "{:<22} {:>10} {:>14} {:>14} {:>10}",
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
                Some(f) => run_detector(other, &corpus, f),
                None => return usage(),
            },
        };
        print_row(&r, t0.elapsed().as_secs_f64());
        all.push(r);
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
                    print_row(&r, 0.0);
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

fn print_row(r: &DetectorResults, secs: f64) {
    println!(
        "{:<22} {:>10.2} {:>14.2} {:>14.2} {:>10.2}",
        r.detector,
        r.normalized(Profile::Standard),
        r.normalized(Profile::RewardLowFp),
        r.normalized(Profile::RewardLowFn),
        secs
    );
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
