//! Runs a detector over a NAB corpus and scores it under the three profiles.

use super::corpus::NabCorpus;
use super::scoring::{score_corpus, CorpusScore, Profile};
use crate::detect::{score_series, Detector, NabInputs};

/// A detector's scores on a corpus.
#[derive(Debug, Clone)]
pub struct DetectorResults {
    /// The detector's name (used in result file names).
    pub detector: String,
    /// One anomaly-score vector per series, in corpus order.
    pub scores: Vec<Vec<f64>>,
    /// Its NAB score under each profile.
    pub profiles: Vec<CorpusScore>,
}

impl DetectorResults {
    /// Scores already-computed anomaly scores (e.g. NAB's published results) under the three profiles.
    pub fn from_scores(detector: &str, corpus: &NabCorpus, scores: Vec<Vec<f64>>) -> Self {
        let profiles = Profile::ALL
            .iter()
            .map(|p| score_corpus(&corpus.series, &scores, *p))
            .collect();
        DetectorResults {
            detector: detector.to_string(),
            scores,
            profiles,
        }
    }

    /// The normalised score under `profile`.
    pub fn normalized(&self, profile: Profile) -> f64 {
        self.profiles
            .iter()
            .find(|p| p.profile == profile)
            .map_or(f64::NAN, |p| p.normalized)
    }
}

/// What a detector is told about a file before its first point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// Strictly causal (the default, and Hermes' headline figures): each point once, in order,
    /// and nothing else about the file.
    #[default]
    Causal,
    /// NAB's protocol (file min/max and length known in advance, as every published NAB detector had):
    /// each detector is given [`NabInputs`] (the file's minimum, maximum and length, as NAB's
    /// `base.py` gives them) through [`Detector::nab_inputs`] before the first point. Look-ahead: for
    /// comparing with NAB's scoreboard only.
    Nab,
}

/// Runs a fresh detector (from `make`) over every series of `corpus`, one pass, causally, and scores it.
///
/// ```no_run
/// use hermes_anomaly::detect::WindowedGaussian;
/// use hermes_anomaly::nab::{run_detector, NabCorpus, Profile};
/// let corpus = NabCorpus::load("/work/shared/data/nab-dev")?;
/// let r = run_detector("windowedGaussian", &corpus, || Box::new(WindowedGaussian::default()));
/// println!("standard {:.2}", r.normalized(Profile::Standard));
/// # Ok::<(), hermes_anomaly::AnomalyError>(())
/// ```
pub fn run_detector(
    name: &str,
    corpus: &NabCorpus,
    make: impl Fn() -> Box<dyn Detector> + Sync,
) -> DetectorResults {
    run_detector_with(name, corpus, Protocol::Causal, make)
}

/// [`run_detector`] under a chosen [`Protocol`]: with [`Protocol::Nab`] each fresh detector is given
/// the file's [`NabInputs`] before its first point (look-ahead, NAB's own protocol).
pub fn run_detector_with(
    name: &str,
    corpus: &NabCorpus,
    protocol: Protocol,
    make: impl Fn() -> Box<dyn Detector> + Sync,
) -> DetectorResults {
    let scores: Vec<Vec<f64>> = std::thread::scope(|scope| {
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(2);
        let chunks: Vec<Vec<usize>> = (0..workers)
            .map(|w| (w..corpus.series.len()).step_by(workers).collect())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|idx| {
                let make = &make;
                scope.spawn(move || {
                    idx.into_iter()
                        .map(|i| {
                            let s = &corpus.series[i];
                            let mut d = make();
                            if protocol == Protocol::Nab {
                                d.nab_inputs(&NabInputs::of(&s.values));
                            }
                            (i, score_series(d.as_mut(), &s.unix_seconds(), &s.values))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut out = vec![Vec::new(); corpus.series.len()];
        for h in handles {
            for (i, sc) in h.join().expect("detector thread panicked") {
                out[i] = sc;
            }
        }
        out
    });
    DetectorResults::from_scores(name, corpus, scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{AnomalyKind, Verdict};
    use crate::nab::LabeledSeries;

    /// Scores each point with what it was told about the file: the file's maximum if given, else 0.
    struct Told(f64);

    impl Detector for Told {
        fn name(&self) -> &'static str {
            "told"
        }
        fn observe(&mut self, _ts: i64, value: f64) -> Verdict {
            Verdict::new("told", AnomalyKind::Point, value, self.0)
        }
        fn nab_inputs(&mut self, inputs: &NabInputs) {
            self.0 = inputs.max / 10.0;
        }
    }

    fn corpus() -> NabCorpus {
        let mut s = LabeledSeries::from_indices("a/one.csv", 100, vec![(40, 60)]);
        s.values = (0..100).map(|i| (i % 7) as f64).collect();
        NabCorpus {
            root: "/nonexistent".into(),
            series: vec![s],
        }
    }

    #[test]
    fn only_the_nab_protocol_gives_detectors_the_file_inputs() {
        let c = corpus();
        let causal = run_detector("told", &c, || Box::new(Told(0.0)));
        assert!(causal.scores[0].iter().all(|&s| s == 0.0));
        let same = run_detector_with("told", &c, Protocol::Causal, || Box::new(Told(0.0)));
        assert_eq!(causal.scores, same.scores);
        let nab = run_detector_with("told", &c, Protocol::Nab, || Box::new(Told(0.0)));
        assert!(nab.scores[0].iter().all(|&s| (s - 0.6).abs() < 1e-12));
    }

    #[test]
    fn the_default_trait_method_ignores_the_inputs() {
        let c = corpus();
        let make = || -> Box<dyn Detector> { Box::new(crate::detect::WindowedGaussian::default()) };
        let causal = run_detector("wg", &c, make);
        let nab = run_detector_with("wg", &c, Protocol::Nab, make);
        assert_eq!(causal.scores, nab.scores);
    }
}
