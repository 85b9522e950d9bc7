//! Which seasonal model forecasts a series better: Hermes' streaming [`SeasonalProfile`] or MSTL
//! (augurs' `augurs-mstl`, STL decomposition per seasonality with an ETS trend, Grafana's maintained
//! crate), measured on the same points rather than assumed.
//!
//! For a series sampled a whole number of times per day (`period` points a day), both models forecast
//! every point from the third day on:
//!
//! - MSTL is a batch model: every `refit` points it is fitted on the last `history` days and forecasts
//!   the next `refit` points (up to `refit` steps ahead; refitting at every point would cost one fit
//!   per point);
//! - the profile, from the same origins: its state at the origin forecasts the same points (the same
//!   horizons as MSTL), while it keeps learning every point;
//! - the profile streaming, as the ensemble uses it: each point forecast from everything before it
//!   (one step ahead).
//!
//! Points inside the labelled anomaly windows are left out of the errors. Every model gives a 95 %
//! interval (the profile: the empirical 2.5 % and 97.5 % quantiles of its recent residuals,
//! [`SeasonalProfile::forecast_interval`]; MSTL: its own prediction interval), so coverage is
//! comparable: a good model covers about 95 % of normal points with a narrow band.

use super::LabeledSeries;
use crate::detect::{Detector, SeasonalProfile};
use augurs_core::prelude::*;
use augurs_ets::AutoETS;
use augurs_mstl::MSTLModel;
use std::time::Instant;

/// One model's forecasts over the compared points.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastScore {
    /// `hermes-seasonal` (same origins as MSTL), `hermes-seasonal-1step` or `augurs-mstl`.
    pub model: &'static str,
    /// Points compared (normal points that both models forecast).
    pub points: usize,
    /// Mean absolute error of the point forecasts.
    pub mae: f64,
    /// Share of the points inside the model's 95 % interval.
    pub coverage: f64,
    /// Mean width of the 95 % interval.
    pub width: f64,
    /// Seconds spent fitting and forecasting (the whole series).
    pub secs: f64,
    /// MSTL fits that failed (their points have no forecast).
    pub failures: usize,
}

/// Both models on one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonalComparison {
    /// The series' name.
    pub name: String,
    /// Points per day.
    pub period: usize,
    /// Hermes' profile, forecasting from MSTL's origins (the same horizons).
    pub hermes: ForecastScore,
    /// Hermes' profile one step ahead (as the ensemble uses it).
    pub hermes_1step: ForecastScore,
    /// augurs' MSTL.
    pub mstl: ForecastScore,
}

/// Settings of [`compare_seasonal`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareSettings {
    /// Points between MSTL refits (0 = one day).
    pub refit: usize,
    /// Days of history MSTL is fitted on (at least 2).
    pub history_days: usize,
}

impl Default for CompareSettings {
    fn default() -> Self {
        CompareSettings {
            refit: 0,
            history_days: 7,
        }
    }
}

/// A point forecast with its 95 % interval.
type Band = (f64, f64, f64);

/// Compares the two models on `series`; `None` when it is not sampled a whole number of times per
/// day (irregular steps) or holds fewer than four days.
///
/// ```
/// use hermes_anomaly::nab::{compare_seasonal, CompareSettings, LabeledSeries};
/// // Three weeks of a noisy daily cycle at five-minute steps.
/// let mut s = LabeledSeries::from_indices("daily.csv", 6048, vec![]);
/// s.values = (0..6048)
///     .map(|i| 50.0 + 20.0 * (i as f64 * std::f64::consts::TAU / 288.0).sin() + ((i * 7919) % 11) as f64)
///     .collect();
/// for (i, t) in s.timestamps.iter_mut().enumerate() {
///     *t = chrono::DateTime::from_timestamp(i as i64 * 300, 0).unwrap().naive_utc();
/// }
/// let c = compare_seasonal(&s, CompareSettings { refit: 288 * 4, history_days: 4 }).unwrap();
/// assert_eq!(c.period, 288);
/// assert!(c.hermes.points > 3000 && c.hermes.coverage > 0.8 && c.mstl.coverage > 0.8, "{c:?}");
/// ```
pub fn compare_seasonal(
    series: &LabeledSeries,
    settings: CompareSettings,
) -> Option<SeasonalComparison> {
    let ts = series.unix_seconds();
    let values = &series.values;
    let n = values.len();
    if n < 16 {
        return None;
    }
    let mut steps: Vec<i64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
    steps.sort_unstable();
    let step = steps[steps.len() / 2];
    if step <= 0 || 86_400 % step != 0 {
        return None;
    }
    let period = (86_400 / step) as usize;
    if period < 4 || n < 4 * period {
        return None;
    }
    let start = 2 * period;
    let refit = if settings.refit == 0 {
        period
    } else {
        settings.refit
    };
    let history = settings.history_days.max(2) * period;
    let mut normal = vec![true; n];
    for &(a, b) in &series.windows {
        for x in normal.iter_mut().take(b.min(n - 1) + 1).skip(a) {
            *x = false;
        }
    }

    // Hermes: learns every point; forecasts one step ahead, and from each MSTL origin.
    let t0 = Instant::now();
    let mut profile = SeasonalProfile::daily();
    let mut step_ahead: Vec<Option<Band>> = vec![None; n];
    let mut from_origin: Vec<Option<Band>> = vec![None; n];
    for i in 0..n {
        if i >= start {
            step_ahead[i] = profile.forecast_interval(ts[i], 0.95);
            if (i - start) % refit == 0 {
                let mut frozen = profile.clone();
                for j in i..(i + refit).min(n) {
                    from_origin[j] = frozen.forecast_interval(ts[j], 0.95);
                }
            }
        }
        profile.observe(ts[i], values[i]);
    }
    let hermes_secs = t0.elapsed().as_secs_f64();

    // MSTL: refitted every `refit` points on the last `history` points.
    let t0 = Instant::now();
    let mut mstl: Vec<Option<Band>> = vec![None; n];
    let mut failures = 0;
    for origin in (start..n).step_by(refit) {
        let from = origin.saturating_sub(history);
        let horizon = refit.min(n - origin);
        let model = MSTLModel::new(vec![period], AutoETS::non_seasonal().into_trend_model());
        let forecast = model
            .fit(&values[from..origin])
            .ok()
            .and_then(|fit| fit.predict(horizon, 0.95).ok());
        match forecast {
            Some(f) => {
                let intervals = f.intervals.as_ref();
                for k in 0..horizon.min(f.point.len()) {
                    let e = f.point[k];
                    let (lo, hi) = intervals.map_or((e, e), |iv| (iv.lower[k], iv.upper[k]));
                    mstl[origin + k] = Some((e, lo, hi));
                }
            }
            None => failures += 1,
        }
    }
    let mstl_secs = t0.elapsed().as_secs_f64();

    let compared: Vec<usize> = (start..n)
        .filter(|&i| {
            normal[i]
                && values[i].is_finite()
                && step_ahead[i].is_some()
                && from_origin[i].is_some()
                && mstl[i].is_some()
        })
        .collect();
    let score = |model: &'static str, preds: &[Option<Band>], secs: f64, failures: usize| {
        let (mut err, mut inside, mut width) = (0.0, 0usize, 0.0);
        for &i in &compared {
            let (e, lo, hi) = preds[i].expect("compared points have forecasts");
            err += (values[i] - e).abs();
            inside += usize::from((lo..=hi).contains(&values[i]));
            width += hi - lo;
        }
        let k = compared.len().max(1) as f64;
        ForecastScore {
            model,
            points: compared.len(),
            mae: err / k,
            coverage: inside as f64 / k,
            width: width / k,
            secs,
            failures,
        }
    };
    Some(SeasonalComparison {
        name: series.name.clone(),
        period,
        hermes: score("hermes-seasonal", &from_origin, hermes_secs, 0),
        hermes_1step: score("hermes-seasonal-1step", &step_ahead, hermes_secs, 0),
        mstl: score("augurs-mstl", &mstl, mstl_secs, failures),
    })
}
