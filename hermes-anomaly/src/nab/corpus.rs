//! NAB's corpus layout: `data/<category>/<file>.csv` (`timestamp,value`) and
//! `labels/combined_windows.json` (`{"category/file.csv": [["start", "end"], ...]}`), and NAB's results
//! layout: `results/<detector>/<category>/<detector>_<file>.csv` with
//! `timestamp,value,anomaly_score,label` and `<detector>_<profile>_scores.csv`.

use super::scoring::CorpusScore;
use crate::error::{AnomalyError, Result};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One NAB series with its label windows as inclusive row-index ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct LabeledSeries {
    /// Relative path in the corpus (`realKnownCause/nyc_taxi.csv`).
    pub name: String,
    /// Row timestamps.
    pub timestamps: Vec<NaiveDateTime>,
    /// Row values.
    pub values: Vec<f64>,
    /// Anomaly windows as `(first row, last row)`, inclusive, in time order.
    pub windows: Vec<(usize, usize)>,
}

impl LabeledSeries {
    /// A synthetic series of `n` rows one minute apart with windows given by row index (for tests).
    pub fn from_indices(name: &str, n: usize, windows: Vec<(usize, usize)>) -> Self {
        let t0 = chrono::DateTime::from_timestamp(1_400_000_000, 0)
            .expect("valid epoch")
            .naive_utc();
        LabeledSeries {
            name: name.to_string(),
            timestamps: (0..n)
                .map(|i| t0 + chrono::Duration::minutes(i as i64))
                .collect(),
            values: vec![0.0; n],
            windows,
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Unix seconds of each row.
    pub fn unix_seconds(&self) -> Vec<i64> {
        self.timestamps
            .iter()
            .map(|t| t.and_utc().timestamp())
            .collect()
    }

    /// 1 for rows inside a window, else 0 (NAB's `label` column).
    pub fn labels(&self) -> Vec<u8> {
        let mut l = vec![0u8; self.len()];
        for &(a, b) in &self.windows {
            for x in &mut l[a..=b] {
                *x = 1;
            }
        }
        l
    }
}

/// Parses NAB's timestamps (`2014-04-01 00:00:00` or with `.000000`).
pub fn parse_timestamp(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S%.f").ok()
}

/// A NAB corpus (or a subset such as the dev split) loaded into memory.
#[derive(Debug, Clone)]
pub struct NabCorpus {
    /// The corpus root (holding `data/` and `labels/`).
    pub root: PathBuf,
    /// The labelled series, sorted by name.
    pub series: Vec<LabeledSeries>,
}

impl NabCorpus {
    /// Loads every series named in `labels/combined_windows.json` from `data/`.
    ///
    /// ```no_run
    /// let corpus = hermes_anomaly::nab::NabCorpus::load("/work/shared/data/nab-dev")?;
    /// println!("{} series", corpus.series.len());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn load(root: impl AsRef<Path>) -> Result<Self> {
        let root = root.as_ref().to_path_buf();
        let labels_path = root.join("labels").join("combined_windows.json");
        let text = std::fs::read_to_string(&labels_path)
            .map_err(|e| AnomalyError::io(&labels_path, "read", e))?;
        let windows: BTreeMap<String, Vec<(String, String)>> = serde_json::from_str(&text)
            .map_err(|e| {
                AnomalyError::invalid(
                    labels_path.display().to_string(),
                    format!("not NAB's combined_windows.json ({{\"cat/file.csv\": [[start, end], ...]}}): {e}"),
                )
            })?;
        let mut series = Vec::with_capacity(windows.len());
        for (name, wins) in windows {
            let path = root.join("data").join(&name);
            let (timestamps, values) = read_data_csv(&path)?;
            let mut idx = Vec::with_capacity(wins.len());
            for (start, end) in wins {
                let (s, e) = match (parse_timestamp(&start), parse_timestamp(&end)) {
                    (Some(s), Some(e)) => (s, e),
                    _ => {
                        return Err(AnomalyError::invalid(
                            labels_path.display().to_string(),
                            format!("{name}: window [{start}, {end}] has an unreadable timestamp"),
                        ))
                    }
                };
                let left = timestamps.partition_point(|t| *t < s);
                let right = timestamps.partition_point(|t| *t <= e);
                if left >= right {
                    return Err(AnomalyError::invalid(
                        labels_path.display().to_string(),
                        format!(
                            "{name}: window [{start}, {end}] covers no row of {}",
                            path.display()
                        ),
                    ));
                }
                idx.push((left, right - 1));
            }
            series.push(LabeledSeries {
                name,
                timestamps,
                values,
                windows: idx,
            });
        }
        if series.is_empty() {
            return Err(AnomalyError::invalid(
                labels_path.display().to_string(),
                "no series listed: point at a NAB corpus root holding data/ and labels/",
            ));
        }
        Ok(NabCorpus { root, series })
    }

    /// The total number of label windows.
    pub fn window_count(&self) -> usize {
        self.series.iter().map(|s| s.windows.len()).sum()
    }
}

/// Reads a NAB data file (`timestamp,value`).
pub fn read_data_csv(path: &Path) -> Result<(Vec<NaiveDateTime>, Vec<f64>)> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
    let (mut ts, mut vs) = (Vec::new(), Vec::new());
    for (line, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let bad = || {
            AnomalyError::invalid(
                path.display().to_string(),
                format!(
                    "row {}: expected `timestamp,value`, got {:?}",
                    line + 2,
                    rec.iter().collect::<Vec<_>>()
                ),
            )
        };
        let t = rec.get(0).and_then(parse_timestamp).ok_or_else(bad)?;
        let v: f64 = rec
            .get(1)
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(bad)?;
        ts.push(t);
        vs.push(v);
    }
    Ok((ts, vs))
}

fn csv_err(path: &Path, e: csv::Error) -> AnomalyError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => AnomalyError::io(path, "read", io),
        other => AnomalyError::invalid(path.display().to_string(), format!("bad CSV: {other:?}")),
    }
}

/// Writes a detector's results in NAB's layout under `results_dir/<detector>/`: one
/// `<category>/<detector>_<file>.csv` per series and one `<detector>_<profile>_scores.csv` per profile.
pub fn write_results(
    results_dir: &Path,
    detector: &str,
    series: &[LabeledSeries],
    scores: &[Vec<f64>],
    profiles: &[CorpusScore],
) -> Result<()> {
    let det_dir = results_dir.join(detector);
    for (s, sc) in series.iter().zip(scores) {
        let rel = Path::new(&s.name);
        let dir = det_dir.join(rel.parent().unwrap_or(Path::new("")));
        std::fs::create_dir_all(&dir).map_err(|e| AnomalyError::io(&dir, "create", e))?;
        let file = format!(
            "{detector}_{}",
            rel.file_name()
                .and_then(|f| f.to_str())
                .unwrap_or("series.csv")
        );
        let path = dir.join(file);
        let mut w = csv::Writer::from_path(&path).map_err(|e| csv_err(&path, e))?;
        let labels = s.labels();
        w.write_record(["timestamp", "value", "anomaly_score", "label"])
            .map_err(|e| csv_err(&path, e))?;
        for i in 0..s.len() {
            w.write_record([
                s.timestamps[i].format("%Y-%m-%d %H:%M:%S").to_string(),
                s.values[i].to_string(),
                sc[i].to_string(),
                labels[i].to_string(),
            ])
            .map_err(|e| csv_err(&path, e))?;
        }
        w.flush().map_err(|e| AnomalyError::io(&path, "write", e))?;
    }
    for p in profiles {
        let path = det_dir.join(format!("{detector}_{}_scores.csv", p.profile.name()));
        let mut w = csv::Writer::from_path(&path).map_err(|e| csv_err(&path, e))?;
        w.write_record([
            "Detector",
            "Profile",
            "File",
            "Threshold",
            "Score",
            "TP",
            "TN",
            "FP",
            "FN",
            "Total_Count",
        ])
        .map_err(|e| csv_err(&path, e))?;
        let (mut tp, mut tn, mut fp, mut fn_, mut total) = (0, 0, 0, 0, 0);
        for f in &p.files {
            let r = f.row;
            tp += r.tp;
            tn += r.tn;
            fp += r.fp;
            fn_ += r.fn_;
            total += r.total;
            w.write_record([
                detector.to_string(),
                p.profile.name().to_string(),
                f.name.clone(),
                p.threshold.to_string(),
                r.score.to_string(),
                r.tp.to_string(),
                r.tn.to_string(),
                r.fp.to_string(),
                r.fn_.to_string(),
                r.total.to_string(),
            ])
            .map_err(|e| csv_err(&path, e))?;
        }
        w.write_record([
            "Totals".to_string(),
            String::new(),
            String::new(),
            String::new(),
            p.raw.to_string(),
            tp.to_string(),
            tn.to_string(),
            fp.to_string(),
            fn_.to_string(),
            total.to_string(),
        ])
        .map_err(|e| csv_err(&path, e))?;
        w.flush().map_err(|e| AnomalyError::io(&path, "write", e))?;
    }
    Ok(())
}

/// Reads the `anomaly_score` column of a NAB results file (e.g. one of NAB's published `results/`).
pub fn read_result_scores(path: &Path) -> Result<Vec<f64>> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| csv_err(path, e))?;
    let headers = rdr.headers().map_err(|e| csv_err(path, e))?.clone();
    let col = headers
        .iter()
        .position(|h| h == "anomaly_score")
        .ok_or_else(|| {
            AnomalyError::invalid(path.display().to_string(), "no anomaly_score column")
        })?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_err(path, e))?;
        let v: f64 = rec.get(col).and_then(|v| v.parse().ok()).ok_or_else(|| {
            AnomalyError::invalid(path.display().to_string(), "unreadable anomaly_score")
        })?;
        out.push(v);
    }
    Ok(out)
}
