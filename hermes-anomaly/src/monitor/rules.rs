//! Prometheus rule files: recording rules for the seed's PromQL z-score panels and alert rules on
//! Hermes' anomaly scores. Rendered as YAML (strings JSON-quoted, which YAML accepts) and checked with
//! `promtool check rules` in the tests.

use std::fmt::Write as _;

/// A metric to watch: a name and the PromQL giving its series.
#[derive(Debug, Clone, PartialEq)]
pub struct Watched {
    /// A short name (`cpu`), used in record names (`hermes:cpu:zscore_1h`).
    pub name: String,
    /// The PromQL expression (`1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))`).
    pub expr: String,
}

impl Watched {
    /// A watched metric.
    pub fn new(name: &str, expr: &str) -> Self {
        Watched {
            name: name.into(),
            expr: expr.into(),
        }
    }
}

/// Builds a rule file.
///
/// ```
/// use hermes_anomaly::monitor::rules::{RuleFile, Watched};
/// let yaml = RuleFile::new("hermes-anomaly")
///     .watch(Watched::new("cpu", "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[1m]))"))
///     .alert_on_score(0.99, "30s")
///     .render();
/// assert!(yaml.contains("record: \"hermes:cpu:zscore_1h\""));
/// assert!(yaml.contains("alert: \"HermesAnomaly\""));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFile {
    group: String,
    interval: Option<String>,
    watched: Vec<Watched>,
    window: String,
    alert: Option<(f64, String)>,
    z_alert: Option<f64>,
}

impl RuleFile {
    /// A file with one rule group named `group`.
    pub fn new(group: &str) -> Self {
        RuleFile {
            group: group.into(),
            interval: None,
            watched: Vec::new(),
            window: "1h".into(),
            alert: None,
            z_alert: None,
        }
    }

    /// The group's evaluation interval (`15s`).
    pub fn interval(mut self, i: &str) -> Self {
        self.interval = Some(i.into());
        self
    }

    /// The z-score look-back window (default `1h`).
    pub fn window(mut self, w: &str) -> Self {
        self.window = w.into();
        self
    }

    /// Adds a watched metric (recording rules for value, mean, stddev and z-score).
    pub fn watch(mut self, w: Watched) -> Self {
        self.watched.push(w);
        self
    }

    /// Adds `HermesAnomaly`: fires when `hermes_anomaly_score >= level` for `for_`.
    pub fn alert_on_score(mut self, level: f64, for_: &str) -> Self {
        self.alert = Some((level, for_.into()));
        self
    }

    /// Adds `HermesZScore`: fires when a watched metric's |z| exceeds `z` (the seed's PromQL approach).
    pub fn alert_on_zscore(mut self, z: f64) -> Self {
        self.z_alert = Some(z);
        self
    }

    /// Renders the YAML.
    pub fn render(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut y = String::from("groups:\n");
        let _ = writeln!(y, "  - name: {}", q(&self.group));
        if let Some(i) = &self.interval {
            let _ = writeln!(y, "    interval: {i}");
        }
        y.push_str("    rules:\n");
        let w = &self.window;
        for m in &self.watched {
            let base = format!("hermes:{}", m.name);
            let rules = [
                (format!("{base}:value"), m.expr.clone()),
                (
                    format!("{base}:mean_{w}"),
                    format!("avg_over_time({base}:value[{w}])"),
                ),
                (
                    format!("{base}:stddev_{w}"),
                    format!("stddev_over_time({base}:value[{w}])"),
                ),
                (
                    format!("{base}:zscore_{w}"),
                    format!("({base}:value - {base}:mean_{w}) / ({base}:stddev_{w} > 0)"),
                ),
            ];
            for (record, expr) in rules {
                let _ = writeln!(
                    y,
                    "      - record: {}\n        expr: {}",
                    q(&record),
                    q(&expr)
                );
            }
        }
        if let Some((level, for_)) = &self.alert {
            let _ = writeln!(
                y,
                "      - alert: \"HermesAnomaly\"\n        expr: {}\n        for: {for_}\n        labels:\n          severity: \"warning\"\n        annotations:\n          summary: {}\n          description: {}",
                q(&format!("hermes_anomaly_score >= {level}")),
                q("Anomaly on {{ $labels.series }}"),
                q("Hermes scored {{ $labels.series }} at {{ $value }} (alarm level {level})").replace("{level}", &level.to_string()),
            );
        }
        if let Some(z) = self.z_alert {
            for m in &self.watched {
                let _ = writeln!(
                    y,
                    "      - alert: \"HermesZScore\"\n        expr: {}\n        labels:\n          series: {}\n          severity: \"info\"\n        annotations:\n          summary: {}",
                    q(&format!("abs(hermes:{}:zscore_{w}) > {z}", m.name)),
                    q(&m.name),
                    q(&format!("{} is {{{{ $value }}}} standard deviations from its {w} mean", m.name)),
                );
            }
        }
        y
    }
}
