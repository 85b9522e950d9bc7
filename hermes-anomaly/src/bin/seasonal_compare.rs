//! Which seasonal model forecasts NAB's series better: Hermes' streaming `SeasonalProfile` (one step
//! ahead, O(1) per point) or augurs' MSTL (Grafana's maintained crate; refitted every `--refit` points
//! on the last `--history` days). Prints, per series sampled a whole number of times a day, each
//! model's mean absolute error on normal points, the coverage and width of its 95 % interval and its
//! time, then the totals.
//!
//! ```text
//! cargo run --release -p hermes-anomaly --bin seasonal_compare -- [--data DIR] [--refit N] [--history DAYS]
//! ```

use hermes_anomaly::nab::{
    compare_seasonal, CompareSettings, ForecastScore, NabCorpus, SeasonalComparison,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut data = std::path::PathBuf::from(
        std::env::var("HERMES_NAB_DATA").unwrap_or_else(|_| "/work/shared/data/nab-dev".into()),
    );
    let mut settings = CompareSettings::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        let ok = match (flag.as_str(), value) {
            ("--data", Some(v)) => {
                data = v.into();
                true
            }
            ("--refit", Some(v)) => v.parse().map(|n| settings.refit = n).is_ok(),
            ("--history", Some(v)) => v.parse().map(|n| settings.history_days = n).is_ok(),
            _ => false,
        };
        if !ok {
            eprintln!("usage: seasonal_compare [--data NAB_DIR] [--refit POINTS] [--history DAYS] (bad or incomplete flag {flag})");
            return ExitCode::FAILURE;
        }
    }
    let corpus = match NabCorpus::load(&data) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{:<56} {:>6} | {:>11} {:>5} {:>11} | {:>11} {:>5} | {:>11} {:>5} {:>11}",
        "series (MAE, 95 % coverage, mean interval width)",
        "points",
        "hermes",
        "cover",
        "width",
        "hermes 1stp",
        "cover",
        "mstl",
        "cover",
        "width"
    );
    let mut all: Vec<SeasonalComparison> = Vec::new();
    let mut skipped = 0;
    for s in &corpus.series {
        let Some(c) = compare_seasonal(s, settings) else {
            skipped += 1;
            continue;
        };
        let (h, o, m) = (&c.hermes, &c.hermes_1step, &c.mstl);
        println!(
            "{:<56} {:>6} | {:>11.4} {:>5.3} {:>11.4} | {:>11.4} {:>5.3} | {:>11.4} {:>5.3} {:>11.4}{}",
            c.name,
            h.points,
            h.mae,
            h.coverage,
            h.width,
            o.mae,
            o.coverage,
            m.mae,
            m.coverage,
            m.width,
            if m.failures > 0 {
                format!(" ({} MSTL fits failed)", m.failures)
            } else {
                String::new()
            }
        );
        all.push(c);
    }
    if all.is_empty() {
        eprintln!(
            "no series sampled a whole number of times per day with four days or more in {}",
            data.display()
        );
        return ExitCode::FAILURE;
    }
    let points: usize = all.iter().map(|c| c.hermes.points).sum();
    println!();
    println!(
        "{} series compared ({skipped} skipped: irregular steps or under four days), {points} normal points",
        all.len()
    );
    type Pick = fn(&SeasonalComparison) -> &ForecastScore;
    let (hermes, hermes_1step, mstl): (Pick, Pick, Pick) =
        (|c| &c.hermes, |c| &c.hermes_1step, |c| &c.mstl);
    summary("hermes (same origins and horizons as mstl)", &all, hermes);
    summary(
        "hermes one step ahead (as the ensemble uses it)",
        &all,
        hermes_1step,
    );
    let cover = |pick: Pick| {
        let (inside, n) = all.iter().map(pick).fold((0.0, 0), |(a, b), f| {
            (a + f.coverage * f.points as f64, b + f.points)
        });
        inside / n.max(1) as f64
    };
    println!(
        "95 % interval coverage, pooled over the points: hermes {:.3}, hermes one step {:.3}, mstl {:.3}",
        cover(hermes),
        cover(hermes_1step),
        cover(mstl)
    );
    let h_secs: f64 = all.iter().map(|c| c.hermes.secs).sum();
    let m_secs: f64 = all.iter().map(|c| c.mstl.secs).sum();
    let refit = if settings.refit == 0 {
        "once a day".to_string()
    } else {
        format!("every {} points", settings.refit)
    };
    println!(
        "time: hermes {h_secs:.3} s (both forecasts), mstl {m_secs:.3} s (refitted {refit} on the last {} days): mstl / hermes = {:.0}x",
        settings.history_days.max(2),
        m_secs / h_secs.max(1e-9)
    );
    ExitCode::SUCCESS
}

/// Prints how often `pick`'s MAE beats MSTL's, and the geometric means of its MAE and interval width
/// relative to MSTL's (over the series where both are above zero).
fn summary(
    label: &str,
    all: &[SeasonalComparison],
    pick: fn(&SeasonalComparison) -> &ForecastScore,
) {
    let wins = all.iter().filter(|c| pick(c).mae < c.mstl.mae).count();
    let geometric_mean = |of: fn(&ForecastScore) -> f64| {
        let logs: Vec<f64> = all
            .iter()
            .map(|c| (of(pick(c)), of(&c.mstl)))
            .filter(|&(h, m)| h > 0.0 && m > 0.0)
            .map(|(h, m)| (h / m).ln())
            .collect();
        (logs.iter().sum::<f64>() / logs.len().max(1) as f64).exp()
    };
    println!(
        "{label}: lower MAE than mstl on {wins} of {} series; MAE / mstl MAE, geometric mean {:.3}; interval width / mstl's {:.3}",
        all.len(),
        geometric_mean(|f| f.mae),
        geometric_mean(|f| f.width)
    );
}
