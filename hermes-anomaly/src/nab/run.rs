//! Runs a detector over a NAB corpus and scores it under the three profiles.

use super::corpus::NabCorpus;
use super::scoring::{score_corpus, CorpusScore, Profile};
use crate::detect::{score_series, Detector};

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
