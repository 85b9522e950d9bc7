//! NAB scoring proven on the dev split (`shared/data/nab-dev`, 39 series, 77 windows).
//!
//! Reference figures: NAB's own published windowedGaussian result files (numenta/NAB ea702d7,
//! `results/windowedGaussian/`), scored by this crate's scorer over the same 39 series, give
//! standard 37.87, reward_low_FP 13.82, reward_low_FN 47.32. (Over all 58 series the same scorer
//! reproduces NAB's `final_results.json`: windowedGaussian 39.65 / 20.87 / 47.41, ARTime
//! 74.85 / 65.15 / 80.36; see the crate README.)

use hermes_anomaly::detect::{ArtNovelty, Ensemble, Guarded, WindowedGaussian};
use hermes_anomaly::nab::{run_detector, DetectorResults, NabCorpus, Profile};

fn corpus() -> NabCorpus {
    NabCorpus::load(hermes_testkit::shared_data().join("nab-dev")).expect("nab-dev corpus")
}

#[test]
fn dev_split_loads_with_all_windows() {
    let c = corpus();
    assert_eq!(c.series.len(), 39);
    assert_eq!(c.window_count(), 77);
    for s in &c.series {
        for &(a, b) in &s.windows {
            assert!(a <= b && b < s.len(), "{}", s.name);
        }
    }
}

#[test]
fn null_scores_zero_perfect_hundred_and_windowed_gaussian_lands_where_nabs_does() {
    let c = corpus();
    let null = DetectorResults::from_scores(
        "null",
        &c,
        c.series.iter().map(|s| vec![0.5; s.len()]).collect(),
    );
    let perfect = DetectorResults::from_scores(
        "perfect",
        &c,
        c.series
            .iter()
            .map(|s| {
                let mut v = vec![0.0; s.len()];
                for &(a, _) in &s.windows {
                    v[a] = 1.0;
                }
                v
            })
            .collect(),
    );
    for p in Profile::ALL {
        assert_eq!(null.normalized(p), 0.0, "{p:?}");
        assert!((perfect.normalized(p) - 100.0).abs() < 1e-9, "{p:?}");
    }
    let wg = run_detector("windowedGaussian", &c, || {
        Box::new(Guarded::new(WindowedGaussian::default()))
    });
    let (st, fp, fn_) = (
        wg.normalized(Profile::Standard),
        wg.normalized(Profile::RewardLowFp),
        wg.normalized(Profile::RewardLowFn),
    );
    eprintln!("windowedGaussian on dev: {st:.2} / {fp:.2} / {fn_:.2} (NAB's files: 37.87 / 13.82 / 47.32)");
    assert!((st - 37.87).abs() < 2.0, "standard {st}");
    assert!((fn_ - 47.32).abs() < 2.0, "reward_low_FN {fn_}");
    // The low-FP optimum sits on scores within 1e-7 of 1.0, where Python's erfc and ours round apart.
    assert!((fp - 13.82).abs() < 6.0, "reward_low_FP {fp}");
}

#[test]
fn ensemble_beats_the_windowed_gaussian_baseline_on_dev() {
    let c = corpus();
    let r = run_detector("ensemble", &c, || {
        Box::new(Guarded::new(Ensemble::default()))
    });
    let st = r.normalized(Profile::Standard);
    let fn_ = r.normalized(Profile::RewardLowFn);
    eprintln!(
        "ensemble on dev: {st:.2} / {:.2} / {fn_:.2}",
        r.normalized(Profile::RewardLowFp)
    );
    let fp = r.normalized(Profile::RewardLowFp);
    // Dev-split figures with the default settings: 75.07 / 69.11 / 79.05 (see the crate README).
    assert!(st > 74.5, "standard {st}");
    assert!(fp > 68.5, "reward_low_FP {fp}");
    assert!(fn_ > 78.5, "reward_low_FN {fn_}");
}

#[test]
fn art_novelty_lands_where_its_causal_figures_say() {
    let c = corpus();
    let r = run_detector("art", &c, || Box::new(Guarded::new(ArtNovelty::default())));
    let (st, fp, fn_) = (
        r.normalized(Profile::Standard),
        r.normalized(Profile::RewardLowFp),
        r.normalized(Profile::RewardLowFn),
    );
    eprintln!("art on dev: {st:.2} / {fp:.2} / {fn_:.2} (NAB's ARTime files, with each file's range and length: 72.43 / 63.06 / 78.16)");
    // Dev-split figures with the default settings: 48.02 / 39.98 / 53.66 (see the crate README; 52.12 /
    // 41.53 / 57.69 with ARTime's spike rule, `Spike::Mean(0.1)`, which depends on where zero lies).
    assert!(st > 47.5, "standard {st}");
    assert!(fp > 39.4, "reward_low_FP {fp}");
    assert!(fn_ > 53.1, "reward_low_FN {fn_}");
}

#[test]
fn the_seasonal_profile_and_mstl_are_compared_on_the_same_points() {
    let c = corpus();
    let taxi = c
        .series
        .iter()
        .find(|s| s.name.ends_with("nyc_taxi.csv"))
        .expect("nyc_taxi in the dev split");
    let r = hermes_anomaly::nab::compare_seasonal(taxi, Default::default()).expect("half-hourly");
    eprintln!("{r:?}");
    assert_eq!(r.period, 48);
    for f in [&r.hermes, &r.hermes_1step, &r.mstl] {
        assert_eq!(f.points, r.hermes.points);
        assert!(f.points > 9000, "{f:?}");
        assert!(f.mae.is_finite() && f.width > 0.0, "{f:?}");
        assert!((0.7..=1.0).contains(&f.coverage), "{f:?}");
    }
    assert_eq!(r.mstl.failures, 0);
    // Measured here (see the crate README): the profile's errors are about half MSTL's on this series.
    assert!(r.hermes.mae < r.mstl.mae, "{r:?}");
}

/// The ensemble reads every series on its own scale: multiplying a series by 1e-4 or 1e4 (CPU as a
/// fraction or as a percentage, bytes or gigabytes) changes no alarm after its first 150 points, and
/// the NAB scores not at all. Series Hermes has not seen come in every unit, so an absolute constant
/// anywhere in the detectors (a spread floor, a rounding tolerance) would show here.
#[test]
fn ensemble_alarms_do_not_depend_on_the_series_unit() {
    let c = corpus();
    let mut scaled = c.clone();
    for (i, s) in scaled.series.iter_mut().enumerate() {
        let k = if i % 2 == 0 { 1e-4 } else { 1e4 };
        s.values.iter_mut().for_each(|v| *v *= k);
    }
    let make = || -> Box<dyn hermes_anomaly::detect::Detector> {
        Box::new(Guarded::new(Ensemble::default()))
    };
    let plain = run_detector("ensemble", &c, make);
    let other = run_detector("ensemble", &scaled, make);
    // An alarm at NAB's standard threshold for this ensemble (evidence 3.1).
    let alarm = |s: f64| s >= 1.0 - (-3.1f64).exp();
    for (k, s) in c.series.iter().enumerate() {
        let moved: Vec<usize> = (150..s.len())
            .filter(|&i| alarm(plain.scores[k][i]) != alarm(other.scores[k][i]))
            .collect();
        assert!(moved.is_empty(), "{}: alarms moved at rows {moved:?}", s.name);
    }
    for p in Profile::ALL {
        let (a, b) = (plain.normalized(p), other.normalized(p));
        assert!((a - b).abs() < 0.01, "{p:?}: {a:.2} on the series as given, {b:.2} rescaled");
    }
}
