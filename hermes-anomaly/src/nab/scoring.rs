//! NAB's scoring rules, ported from `nab/sweeper.py`, `nab/scorer.py`, `nab/optimizer.py` and the
//! normalisation in `nab/runner.py` (numenta/NAB at ea702d7).
//!
//! * Each labelled anomaly window rewards its **earliest** detection with the scaled sigmoid of the
//!   detection's relative position (`tpWeight` at the left edge, ~0 at the right edge); a window with no
//!   detection costs `fnWeight`.
//! * A detection outside every window costs `fpWeight` times a sigmoid of its distance past the previous
//!   window (a detection right after a window costs little, one far from any window costs the full weight).
//! * The first 15 % of each series (at most 750 points) is probationary and never scored.
//! * A single threshold is chosen for the whole corpus by sweeping every distinct anomaly score
//!   (the optimiser), then each file is scored at that threshold and the raw scores are summed.
//! * The raw total is normalised: `100 * (raw - null) / (perfect - null)`, where the null detector never
//!   detects anything and the perfect one detects every window at its left edge.

use super::corpus::LabeledSeries;

/// The weights of one NAB application profile (`config/profiles.json`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostMatrix {
    /// Reward for a window detected at its left edge.
    pub tp_weight: f64,
    /// Cost of a detection outside any window.
    pub fp_weight: f64,
    /// Cost of a window with no detection.
    pub fn_weight: f64,
}

/// NAB's three application profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// `standard`: tp 1, fp 0.11, fn 1.
    Standard,
    /// `reward_low_FP_rate`: tp 1, fp 0.22, fn 1.
    RewardLowFp,
    /// `reward_low_FN_rate`: tp 1, fp 0.11, fn 2.
    RewardLowFn,
}

impl Profile {
    /// The three profiles, in NAB's order of reporting.
    pub const ALL: [Profile; 3] = [
        Profile::Standard,
        Profile::RewardLowFp,
        Profile::RewardLowFn,
    ];

    /// NAB's name for the profile, as used in its result file names.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Standard => "standard",
            Profile::RewardLowFp => "reward_low_FP_rate",
            Profile::RewardLowFn => "reward_low_FN_rate",
        }
    }

    /// The profile's weights.
    pub fn cost(self) -> CostMatrix {
        match self {
            Profile::Standard => CostMatrix {
                tp_weight: 1.0,
                fp_weight: 0.11,
                fn_weight: 1.0,
            },
            Profile::RewardLowFp => CostMatrix {
                tp_weight: 1.0,
                fp_weight: 0.22,
                fn_weight: 1.0,
            },
            Profile::RewardLowFn => CostMatrix {
                tp_weight: 1.0,
                fp_weight: 0.11,
                fn_weight: 2.0,
            },
        }
    }
}

/// NAB's scaled sigmoid of a relative position in (or past) a window: `2·σ(−5x) − 1`, and `−1` past 3.
pub fn scaled_sigmoid(relative_position: f64) -> f64 {
    if relative_position > 3.0 {
        -1.0
    } else {
        2.0 / (1.0 + (5.0 * relative_position).exp()) - 1.0
    }
}

/// Where a scored point lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// In the probationary period: never scored.
    Probationary,
    /// Outside every window: a detection here is a false positive.
    Outside,
    /// Inside the window with this corpus-wide id: a detection here is a true positive.
    Window(usize),
}

/// One row of a series as the sweeper sees it (NAB's `AnomalyPoint`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnomalyPoint {
    /// The detector's score in [0, 1].
    pub anomaly_score: f64,
    /// What a detection here would be worth (already weighted by the profile).
    pub sweep_score: f64,
    /// Where the point lies.
    pub region: Region,
}

/// The outcome of detecting at one threshold (NAB's `ThresholdScore`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdScore {
    /// Points with `anomaly_score >= threshold` are detections.
    pub threshold: f64,
    /// The raw NAB score.
    pub score: f64,
    /// Detections inside windows.
    pub tp: usize,
    /// Non-detections outside windows.
    pub tn: usize,
    /// Detections outside windows.
    pub fp: usize,
    /// Non-detections inside windows.
    pub fn_: usize,
    /// All scorable points.
    pub total: usize,
}

/// Scores anomaly-score series against label windows with one profile (NAB's `Sweeper`).
#[derive(Debug, Clone, Copy)]
pub struct Sweeper {
    probation_percent: f64,
    cost: CostMatrix,
}

impl Sweeper {
    /// A sweeper with NAB's 15 % probationary period.
    pub fn new(cost: CostMatrix) -> Self {
        Sweeper {
            probation_percent: 0.15,
            cost,
        }
    }

    /// Changes the probationary fraction (NAB's `--probationaryPercent`).
    pub fn with_probation_percent(mut self, p: f64) -> Self {
        self.probation_percent = p;
        self
    }

    /// The number of leading points never scored: `min(floor(p·n), p·5000)`.
    pub fn probationary_length(&self, n: usize) -> f64 {
        (self.probation_percent * n as f64)
            .floor()
            .min(self.probation_percent * 5000.0)
    }

    /// Per-row sweep scores of one series (NAB's `calcSweepScore`). Window ids start at `window_base`
    /// so that points of several series can be swept together.
    pub fn sweep_points(
        &self,
        series: &LabeledSeries,
        scores: &[f64],
        window_base: usize,
    ) -> Vec<AnomalyPoint> {
        assert_eq!(
            series.len(),
            scores.len(),
            "{}: one anomaly score per row is required",
            series.name
        );
        let max_tp = scaled_sigmoid(-1.0);
        let probation = self.probationary_length(series.len());
        let mut out = Vec::with_capacity(scores.len());
        let mut windows = series.windows.iter().enumerate().peekable();
        let mut current: Option<(usize, usize, f64)> = None; // (id, right index, width)
        let mut previous: Option<(usize, f64)> = None; // (right index, width)
        for (i, &score) in scores.iter().enumerate() {
            if current.is_none() {
                if let Some(&(k, &(left, right))) = windows.peek() {
                    if i == left {
                        current = Some((window_base + k, right, (right - left + 1) as f64));
                        windows.next();
                    }
                }
            }
            let sweep_score = match current {
                Some((_, right, width)) => {
                    let position = -((right as f64) - (i as f64) + 1.0) / width;
                    scaled_sigmoid(position) * self.cost.tp_weight / max_tp
                }
                None => {
                    let unweighted = match previous {
                        None => -1.0,
                        Some((right, width)) => {
                            // NAB divides by (width - 1); a one-point window would divide by zero there.
                            let denominator = (width - 1.0).max(1.0);
                            scaled_sigmoid((i as f64 - right as f64).abs() / denominator)
                        }
                    };
                    unweighted * self.cost.fp_weight
                }
            };
            let region = if (i as f64) < probation {
                Region::Probationary
            } else {
                match current {
                    Some((id, _, _)) => Region::Window(id),
                    None => Region::Outside,
                }
            };
            out.push(AnomalyPoint {
                anomaly_score: score,
                sweep_score,
                region,
            });
            if let Some((_, right, width)) = current {
                if i == right {
                    previous = Some((right, width));
                    current = None;
                }
            }
        }
        out
    }

    /// The score at every distinct threshold, highest threshold first (NAB's `calcScoreByThreshold`).
    pub fn score_by_threshold(&self, points: &[AnomalyPoint]) -> Vec<ThresholdScore> {
        let mut scorable: Vec<&AnomalyPoint> = points
            .iter()
            .filter(|p| p.region != Region::Probationary)
            .collect();
        // Stable sort, highest score first, as Python's sorted(..., reverse=True).
        scorable.sort_by(|a, b| b.anomaly_score.total_cmp(&a.anomaly_score));
        let mut window_part: std::collections::BTreeMap<usize, f64> = Default::default();
        for p in &scorable {
            if let Region::Window(id) = p.region {
                window_part.insert(id, -self.cost.fn_weight);
            }
        }
        let mut fp_part = 0.0;
        let mut windows_total: f64 = window_part.values().sum();
        let mut tn = scorable
            .iter()
            .filter(|p| p.region == Region::Outside)
            .count();
        let mut fn_ = scorable.len() - tn;
        let (mut tp, mut fp) = (0, 0);
        let mut threshold = 1.1;
        let mut rows = Vec::new();
        for p in &scorable {
            if p.anomaly_score != threshold {
                rows.push(ThresholdScore {
                    threshold,
                    score: fp_part + windows_total,
                    tp,
                    tn,
                    fp,
                    fn_,
                    total: tp + tn + fp + fn_,
                });
                threshold = p.anomaly_score;
            }
            match p.region {
                Region::Window(id) => {
                    tp += 1;
                    fn_ -= 1;
                    let part = window_part.get_mut(&id).expect("window registered above");
                    if p.sweep_score > *part {
                        windows_total += p.sweep_score - *part;
                        *part = p.sweep_score;
                    }
                }
                _ => {
                    fp += 1;
                    tn -= 1;
                    fp_part += p.sweep_score;
                }
            }
        }
        rows.push(ThresholdScore {
            threshold,
            score: fp_part + windows_total,
            tp,
            tn,
            fp,
            fn_,
            total: tp + tn + fp + fn_,
        });
        rows
    }

    /// The row of one series' sweep that applies at `threshold` (NAB's `scoreDataSet` matching rule).
    pub fn score_at(&self, rows: &[ThresholdScore], threshold: f64) -> ThresholdScore {
        let mut prev: Option<&ThresholdScore> = None;
        for row in rows {
            if row.threshold == threshold {
                return *row;
            } else if row.threshold < threshold {
                return *prev.unwrap_or(row);
            }
            prev = Some(row);
        }
        *rows.last().expect("a sweep always has its 1.1 row")
    }
}

/// One series' result at the corpus threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct FileScore {
    /// The series (`realKnownCause/nyc_taxi.csv`).
    pub name: String,
    /// Its counts and raw score at the corpus threshold.
    pub row: ThresholdScore,
}

/// A detector's result on a corpus under one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusScore {
    /// The profile.
    pub profile: Profile,
    /// The threshold the optimiser chose.
    pub threshold: f64,
    /// The summed raw score of the files at that threshold.
    pub raw: f64,
    /// The null detector's raw score on the same corpus.
    pub null: f64,
    /// The perfect detector's raw score (windows × tpWeight).
    pub perfect: f64,
    /// `100 · (raw − null) / (perfect − null)`.
    pub normalized: f64,
    /// Per-file rows.
    pub files: Vec<FileScore>,
}

/// Scores a whole corpus the way NAB's runner does (optimise, score, normalise).
///
/// ```
/// use hermes_anomaly::nab::{score_corpus, LabeledSeries, Profile};
/// let series = LabeledSeries::from_indices("s.csv", 100, vec![(50, 59)]);
/// let mut perfect = vec![0.0; 100];
/// perfect[50] = 1.0;
/// let s = score_corpus(&[series], &[perfect], Profile::Standard);
/// assert!((s.normalized - 100.0).abs() < 1e-9);
/// ```
pub fn score_corpus(
    series: &[LabeledSeries],
    scores: &[Vec<f64>],
    profile: Profile,
) -> CorpusScore {
    assert_eq!(series.len(), scores.len(), "one score vector per series");
    let sweeper = Sweeper::new(profile.cost());
    let (threshold, raw, files) = optimise_and_score(&sweeper, series, scores);
    let zeros: Vec<Vec<f64>> = series.iter().map(|s| vec![0.5; s.len()]).collect();
    let (_, null, _) = optimise_and_score(&sweeper, series, &zeros);
    let windows: usize = series.iter().map(|s| s.windows.len()).sum();
    let perfect = windows as f64 * profile.cost().tp_weight;
    let normalized = if perfect == null {
        0.0
    } else {
        100.0 * (raw - null) / (perfect - null)
    };
    CorpusScore {
        profile,
        threshold,
        raw,
        null,
        perfect,
        normalized,
        files,
    }
}

/// Scores a corpus at a given threshold instead of the optimised one, e.g. a threshold chosen on other
/// series (cross-validation: the threshold is a parameter, so a held-out figure must not choose it).
///
/// ```
/// use hermes_anomaly::nab::{score_corpus, score_corpus_at, LabeledSeries, Profile};
/// let series = vec![LabeledSeries::from_indices("s.csv", 100, vec![(50, 59)])];
/// let mut scores = vec![vec![0.0; 100]];
/// scores[0][55] = 0.8;
/// let tuned = score_corpus(&series, &scores, Profile::Standard);
/// let fixed = score_corpus_at(&series, &scores, Profile::Standard, 0.9); // misses the detection
/// assert!(tuned.normalized > fixed.normalized);
/// assert_eq!(fixed.normalized, 0.0);
/// ```
pub fn score_corpus_at(
    series: &[LabeledSeries],
    scores: &[Vec<f64>],
    profile: Profile,
    threshold: f64,
) -> CorpusScore {
    assert_eq!(series.len(), scores.len(), "one score vector per series");
    let sweeper = Sweeper::new(profile.cost());
    let mut raw = 0.0;
    let files: Vec<FileScore> = series
        .iter()
        .zip(scores)
        .map(|(s, sc)| {
            let points = sweeper.sweep_points(s, sc, 0);
            let row = sweeper.score_at(&sweeper.score_by_threshold(&points), threshold);
            raw += row.score;
            FileScore {
                name: s.name.clone(),
                row,
            }
        })
        .collect();
    let null = score_corpus(series, scores, profile).null;
    let windows: usize = series.iter().map(|s| s.windows.len()).sum();
    let perfect = windows as f64 * profile.cost().tp_weight;
    let normalized = if perfect == null {
        0.0
    } else {
        100.0 * (raw - null) / (perfect - null)
    };
    CorpusScore {
        profile,
        threshold,
        raw,
        null,
        perfect,
        normalized,
        files,
    }
}

fn optimise_and_score(
    sweeper: &Sweeper,
    series: &[LabeledSeries],
    scores: &[Vec<f64>],
) -> (f64, f64, Vec<FileScore>) {
    let mut all = Vec::new();
    let mut per_file = Vec::with_capacity(series.len());
    let mut base = 0;
    for (s, sc) in series.iter().zip(scores) {
        let points = sweeper.sweep_points(s, sc, base);
        base += s.windows.len();
        all.extend_from_slice(&points);
        per_file.push(points);
    }
    let rows = sweeper.score_by_threshold(&all);
    // Python's stable sort by score, descending: the first maximum wins.
    let mut best = rows[0];
    for r in &rows[1..] {
        if r.score > best.score {
            best = *r;
        }
    }
    let mut raw = 0.0;
    let files = series
        .iter()
        .zip(&per_file)
        .map(|(s, points)| {
            let row = sweeper.score_at(&sweeper.score_by_threshold(points), best.threshold);
            raw += row.score;
            FileScore {
                name: s.name.clone(),
                row,
            }
        })
        .collect();
    (best.threshold, raw, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_sigmoid_matches_nab_docstring() {
        assert!((scaled_sigmoid(-1.0) - 0.98661).abs() < 1e-5);
        assert!((scaled_sigmoid(-0.5) - 0.84828).abs() < 1e-5);
        assert!(scaled_sigmoid(0.0).abs() < 1e-12);
        assert!((scaled_sigmoid(1.0) + 0.98661).abs() < 1e-5);
        assert_eq!(scaled_sigmoid(3.5), -1.0);
    }

    #[test]
    fn probation_is_fifteen_percent_capped_at_750() {
        let s = Sweeper::new(Profile::Standard.cost());
        assert_eq!(s.probationary_length(1000), 150.0);
        assert_eq!(s.probationary_length(10_000), 750.0);
        assert_eq!(s.probationary_length(7), 1.0);
    }

    #[test]
    fn earliest_detection_in_window_earns_tp_weight() {
        let series = LabeledSeries::from_indices("a", 200, vec![(100, 119)]);
        let sw = Sweeper::new(Profile::Standard.cost());
        let mut scores = vec![0.0; 200];
        scores[100] = 1.0;
        let pts = sw.sweep_points(&series, &scores, 0);
        assert!((pts[100].sweep_score - 1.0).abs() < 1e-12);
        // The right edge earns almost nothing; a late detection less than an early one.
        assert!(pts[119].sweep_score < pts[110].sweep_score);
        assert!(pts[110].sweep_score > 0.0);
        // Far from any window (before it): full fp weight.
        assert!((pts[50].sweep_score + 0.11).abs() < 1e-12);
        // Just after the window: a small cost that grows with distance.
        assert!(pts[121].sweep_score > pts[150].sweep_score);
        assert_eq!(pts[0].region, Region::Probationary);
        let rows = sw.score_by_threshold(&pts);
        assert_eq!(rows[0].threshold, 1.1);
        assert_eq!(rows[0].score, -1.0);
        assert!((rows[1].score - 1.0).abs() < 1e-12);
        assert_eq!(rows[1].tp, 1);
    }

    #[test]
    fn false_positives_cost_more_under_low_fp_profile() {
        let series = LabeledSeries::from_indices("a", 300, vec![(200, 219)]);
        let mut scores = vec![0.0; 300];
        scores[201] = 1.0;
        scores[100] = 0.9;
        scores[120] = 0.9;
        let st = score_corpus(
            std::slice::from_ref(&series),
            std::slice::from_ref(&scores),
            Profile::Standard,
        );
        let lfp = score_corpus(&[series], &[scores], Profile::RewardLowFp);
        assert!(st.normalized <= 100.0 && lfp.normalized <= st.normalized);
    }

    #[test]
    fn null_detector_scores_zero_and_perfect_hundred() {
        let a = LabeledSeries::from_indices("a", 1000, vec![(300, 399), (700, 799)]);
        let b = LabeledSeries::from_indices("b", 500, vec![]);
        let null = vec![vec![0.0; 1000], vec![0.0; 500]];
        for p in Profile::ALL {
            let s = score_corpus(&[a.clone(), b.clone()], &null, p);
            assert_eq!(s.normalized, 0.0, "{p:?}");
            assert_eq!(s.null, -2.0 * p.cost().fn_weight);
        }
        let mut perfect = vec![vec![0.0; 1000], vec![0.0; 500]];
        perfect[0][300] = 1.0;
        perfect[0][700] = 1.0;
        let s = score_corpus(&[a, b], &perfect, Profile::RewardLowFn);
        assert!((s.normalized - 100.0).abs() < 1e-9);
    }
}
