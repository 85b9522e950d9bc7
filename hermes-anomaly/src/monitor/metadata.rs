//! Prometheus' metadata queries: the series a selector matches (`/api/v1/series`), label names
//! (`/api/v1/labels`) and a label's values (`/api/v1/label/<name>/values`), the lookups dashboards
//! make to fill their variables, and what the exporters say of a metric (`/api/v1/metadata`: its
//! type, help and unit; a counter is read with `rate()`).
//!
//! Requests are built as [`ApiRequest`] values (no I/O) and sent by [`PrometheusClient`].

use super::prometheus::{null_as_default, ApiRequest, Method, PrometheusClient};
use crate::error::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A series: its label set, `__name__` included.
pub type SeriesLabels = BTreeMap<String, String>;

/// What an exporter says of a metric (`# TYPE`, `# HELP`, `# UNIT`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MetricMetadata {
    /// `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset` or
    /// `unknown`.
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub kind: String,
    /// The help text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub help: String,
    /// The unit (often empty).
    #[serde(default, deserialize_with = "null_as_default")]
    pub unit: String,
}

fn range_params(params: &mut Vec<(&'static str, String)>, range: Option<(f64, f64)>) {
    if let Some((start, end)) = range {
        params.push(("start", format!("{start:.3}")));
        params.push(("end", format!("{end:.3}")));
    }
}

/// A label name as a URL path segment: as it is when it is a classic name (`[a-zA-Z_:][a-zA-Z0-9_:]*`),
/// else in Prometheus 3's `U__` escaping (prometheus/common's `EscapeName`) (`http.status_code` → `U__http_2e_status__code`: letters,
/// digits and `:` as they are, `_` doubled, anything else as `_<hex code point>_`).
///
/// ```
/// use hermes_anomaly::monitor::metadata::label_path_segment;
/// assert_eq!(label_path_segment("job"), "job");
/// assert_eq!(label_path_segment("http.status_code"), "U__http_2e_status__code");
/// ```
pub fn label_path_segment(name: &str) -> String {
    let classic = name.chars().enumerate().all(|(i, c)| {
        c == '_' || c == ':' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
    }) && !name.is_empty();
    if classic {
        return name.to_string();
    }
    let mut out = String::from("U__");
    for c in name.chars() {
        match c {
            '_' => out.push_str("__"),
            c if c.is_ascii_alphanumeric() || c == ':' => out.push(c),
            c => out.push_str(&format!("_{:x}_", c as u32)),
        }
    }
    out
}

impl ApiRequest {
    /// `POST /api/v1/series`: the series matching any of `matchers` (`up`, `{job="node"}`), over
    /// `range` (Unix seconds; the server's default, recent series, when `None`).
    ///
    /// ```
    /// use hermes_anomaly::monitor::prometheus::ApiRequest;
    /// let r = ApiRequest::series(&["up", "node_load1{job=\"node\"}"], Some((1.0e9, 1.0e9 + 60.0)));
    /// assert_eq!(r.path, "/api/v1/series");
    /// assert_eq!(r.params.iter().filter(|(k, _)| *k == "match[]").count(), 2);
    /// ```
    pub fn series(matchers: &[&str], range: Option<(f64, f64)>) -> Self {
        let mut params: Vec<(&'static str, String)> = matchers
            .iter()
            .map(|m| ("match[]", m.to_string()))
            .collect();
        range_params(&mut params, range);
        ApiRequest {
            method: Method::Post,
            path: "/api/v1/series".into(),
            params,
        }
    }

    /// `POST /api/v1/labels`: the label names of the series matching any of `matchers` (all
    /// series when empty), over `range`.
    pub fn label_names(matchers: &[&str], range: Option<(f64, f64)>) -> Self {
        let mut params: Vec<(&'static str, String)> = matchers
            .iter()
            .map(|m| ("match[]", m.to_string()))
            .collect();
        range_params(&mut params, range);
        ApiRequest {
            method: Method::Post,
            path: "/api/v1/labels".into(),
            params,
        }
    }

    /// `GET /api/v1/metadata`: the metadata of `metric`, or of every metric when `None`.
    pub fn metric_metadata(metric: Option<&str>) -> Self {
        ApiRequest {
            method: Method::Get,
            path: "/api/v1/metadata".into(),
            params: metric
                .map(|m| ("metric", m.to_string()))
                .into_iter()
                .collect(),
        }
    }

    /// `GET /api/v1/label/<label>/values`: the values `label` takes, in the series matching any
    /// of `matchers` (all series when empty), over `range`.
    pub fn label_values(label: &str, matchers: &[&str], range: Option<(f64, f64)>) -> Self {
        let mut params: Vec<(&'static str, String)> = matchers
            .iter()
            .map(|m| ("match[]", m.to_string()))
            .collect();
        range_params(&mut params, range);
        ApiRequest {
            method: Method::Get,
            path: format!("/api/v1/label/{}/values", label_path_segment(label)),
            params,
        }
    }
}

impl PrometheusClient {
    /// The series matching any of `matchers` over `range` (see [`ApiRequest::series`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// for s in prom.series(&["up{job=\"node\"}"], None).await? {
    ///     println!("{}", s["instance"]);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn series(
        &self,
        matchers: &[&str],
        range: Option<(f64, f64)>,
    ) -> Result<Vec<SeriesLabels>> {
        Ok(self
            .fetch::<Option<Vec<SeriesLabels>>>(&ApiRequest::series(matchers, range))
            .await?
            .data
            .unwrap_or_default())
    }

    /// The label names of the series matching any of `matchers` (all when empty).
    pub async fn label_names(
        &self,
        matchers: &[&str],
        range: Option<(f64, f64)>,
    ) -> Result<Vec<String>> {
        Ok(self
            .fetch::<Option<Vec<String>>>(&ApiRequest::label_names(matchers, range))
            .await?
            .data
            .unwrap_or_default())
    }

    /// What the exporters say of `metric` (of every metric when `None`): one entry per distinct
    /// type/help/unit that targets expose, so a metric two exporters describe differently has two.
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// let m = prom.metric_metadata(Some("node_cpu_seconds_total")).await?;
    /// let counter = m.values().flatten().any(|d| d.kind == "counter");
    /// # Ok(()) }
    /// ```
    pub async fn metric_metadata(
        &self,
        metric: Option<&str>,
    ) -> Result<BTreeMap<String, Vec<MetricMetadata>>> {
        Ok(self
            .fetch::<Option<BTreeMap<String, Vec<MetricMetadata>>>>(&ApiRequest::metric_metadata(
                metric,
            ))
            .await?
            .data
            .unwrap_or_default())
    }

    /// The values of `label` in the series matching any of `matchers` (all when empty).
    pub async fn label_values(
        &self,
        label: &str,
        matchers: &[&str],
        range: Option<(f64, f64)>,
    ) -> Result<Vec<String>> {
        Ok(self
            .fetch::<Option<Vec<String>>>(&ApiRequest::label_values(label, matchers, range))
            .await?
            .data
            .unwrap_or_default())
    }
}
