//! The Numenta Anomaly Benchmark: its scoring rules, corpus layout and a runner over [`crate::detect`]
//! detectors.

mod corpus;
mod forecast;
mod run;
mod scoring;

pub use corpus::{
    parse_timestamp, read_data_csv, read_result_scores, write_results, LabeledSeries, NabCorpus,
};
pub use forecast::{compare_seasonal, CompareSettings, ForecastScore, SeasonalComparison};
pub use run::{run_detector, run_detector_with, DetectorResults, Protocol};
pub use scoring::{
    scaled_sigmoid, score_corpus, score_corpus_at, AnomalyPoint, CorpusScore, CostMatrix,
    FileScore, Profile, Region, Sweeper, ThresholdScore,
};
