//! Speed benchmark: Hermes' whole ensemble vs Prophet (PyPI `prophet`: fit + in-sample predict, the
//! proposal's approach) on the same NAB series, side by side in one run; prints points/s and the ratio.
//!
//! ```text
//! scripts/peers.sh up prophet
//! cargo run --release -p hermes-anomaly --bin bench_prophet -- [--data DIR] [--series N] [--python PATH]
//! ```
//! `--python` defaults to `$PROPHET_PYTHON`, then `~/.cache/hermes/peers/venv/prophet/bin/python`.

use hermes_anomaly::detect::{score_series, Ensemble, Guarded};
use hermes_anomaly::nab::NabCorpus;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

const PROPHET_SCRIPT: &str = r#"
import sys, time, logging
logging.getLogger("cmdstanpy").disabled = True
logging.getLogger("prophet").setLevel(logging.ERROR)
import pandas as pd
from prophet import Prophet
total_pts, total_s = 0, 0.0
for path in sys.argv[1:]:
    df = pd.read_csv(path)
    df = pd.DataFrame({"ds": pd.to_datetime(df["timestamp"]), "y": df["value"]})
    t0 = time.perf_counter()
    m = Prophet(interval_width=0.99)
    m.fit(df)
    fc = m.predict(df[["ds"]])
    dt = time.perf_counter() - t0
    total_pts += len(df); total_s += dt
    print(f"prophet {path.split('/')[-1]}: {len(df)} points in {dt:.2f} s", file=sys.stderr)
print(f"{total_pts} {total_s}")
"#;

fn main() -> ExitCode {
    let mut data = PathBuf::from("/work/shared/data/nab-dev");
    let mut n = 6usize;
    let mut python = std::env::var("PROPHET_PYTHON")
        .ok()
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/hermes/peers/venv/prophet/bin/python")
        });
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--data", Some(v)) => data = v.into(),
            ("--series", Some(v)) => match v.parse::<usize>() {
                Ok(k) if k > 0 => n = k,
                _ => {
                    eprintln!(
                        "error: --series {v:?}: not a number of series; write a whole number of at least 1, e.g. --series 6"
                    );
                    return ExitCode::from(2);
                }
            },
            ("--python", Some(v)) => python = v.into(),
            _ => {
                eprintln!("usage: bench_prophet [--data DIR] [--series N] [--python PATH]");
                return ExitCode::from(2);
            }
        }
    }
    let corpus = match NabCorpus::load(&data) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Real-data series only, in corpus order (deterministic), N of them.
    let chosen: Vec<_> = corpus
        .series
        .iter()
        .filter(|s| s.name.starts_with("real"))
        .take(n)
        .collect();
    let points: usize = chosen.iter().map(|s| s.len()).sum();
    println!("{} series, {points} points", chosen.len());

    // Hermes: the whole ensemble, one pass per series (best of 10 runs: one run takes well under a
    // second, so a shared machine's hiccups would otherwise decide the figure).
    let mut best = f64::INFINITY;
    let mut checksum = 0.0;
    for _ in 0..10 {
        let t0 = Instant::now();
        for s in &chosen {
            let mut d = Guarded::new(Ensemble::default());
            let sc = score_series(&mut d, &s.unix_seconds(), &s.values);
            checksum += sc.iter().sum::<f64>();
        }
        best = best.min(t0.elapsed().as_secs_f64());
    }
    let hermes_pps = points as f64 / best;
    println!("hermes ensemble: {points} points in {best:.3} s = {hermes_pps:.0} points/s (checksum {checksum:.1})");

    // Prophet: fit + in-sample predict on the same files.
    let script =
        std::env::temp_dir().join(format!("hermes-bench-prophet-{}.py", std::process::id()));
    if let Err(e) = std::fs::write(&script, PROPHET_SCRIPT) {
        eprintln!("error: {}: {e}", script.display());
        return ExitCode::FAILURE;
    }
    let out = Command::new(&python)
        .arg(&script)
        .args(
            chosen
                .iter()
                .map(|s| corpus.root.join("data").join(&s.name)),
        )
        .stderr(std::process::Stdio::inherit())
        .output();
    let _ = std::fs::remove_file(&script);
    let out = match out {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            eprintln!(
                "prophet failed ({}); run scripts/peers.sh up prophet",
                o.status
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!(
                "cannot run {}: {e}; run scripts/peers.sh up prophet",
                python.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let (p_pts, p_secs): (f64, f64) = match (
        it.next().and_then(|x| x.parse().ok()),
        it.next().and_then(|x| x.parse().ok()),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            eprintln!("unexpected prophet output: {text}");
            return ExitCode::FAILURE;
        }
    };
    let prophet_pps = p_pts / p_secs;
    println!("prophet (fit + in-sample predict): {p_pts} points in {p_secs:.2} s = {prophet_pps:.0} points/s");
    println!("ratio: hermes / prophet = {:.0}x", hermes_pps / prophet_pps);
    ExitCode::SUCCESS
}
