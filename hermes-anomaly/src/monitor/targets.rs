//! Prometheus' scrape targets (`/api/v1/targets`): which targets are up, when each was last
//! scraped and why a scrape failed, and the targets relabelling dropped; and what each target
//! says of its metrics (`/api/v1/targets/metadata`).

use super::prometheus::{null_as_default, ApiRequest, Method, PrometheusClient};
use crate::error::{AnomalyError, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A time Go leaves unset (`0001-01-01T00:00:00Z`, a target never scraped yet) read as `None`.
pub(crate) fn time_unless_zero<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<DateTime<Utc>>::deserialize(d)?.filter(|t| t.timestamp() > 0))
}

/// Seconds as Prometheus writes a duration: a float (`0.050688943`), an integer, or `null`.
fn seconds<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(0.0))
}

/// The targets Prometheus knows (`data` of `/api/v1/targets`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Targets {
    /// Targets being scraped.
    #[serde(default, deserialize_with = "null_as_default")]
    pub active_targets: Vec<ActiveTarget>,
    /// Targets relabelling dropped (Prometheus 2.2 and later; recent versions keep only some, see
    /// `dropped_target_counts`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub dropped_targets: Vec<DroppedTarget>,
    /// How many targets each scrape pool dropped (Prometheus 2.47 and later; empty before).
    #[serde(default, deserialize_with = "null_as_default")]
    pub dropped_target_counts: BTreeMap<String, u64>,
}

/// A target being scraped.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveTarget {
    /// Labels before relabelling (`__address__`, `__metrics_path__`...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub discovered_labels: BTreeMap<String, String>,
    /// Labels after relabelling (`job`, `instance`...).
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    /// The scrape pool (the job's name; Prometheus 2.15 and later, empty before).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scrape_pool: String,
    /// The URL scraped.
    #[serde(default, deserialize_with = "null_as_default")]
    pub scrape_url: String,
    /// The URL with Prometheus' external host name (2.17 and later, empty before).
    #[serde(default, deserialize_with = "null_as_default")]
    pub global_url: String,
    /// Why the last scrape failed (empty when it worked).
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_error: String,
    /// When it was last scraped (`None` before its first scrape).
    #[serde(default, deserialize_with = "time_unless_zero")]
    pub last_scrape: Option<DateTime<Utc>>,
    /// How long the last scrape took, in seconds (2.15 and later; 0 before).
    #[serde(default, deserialize_with = "seconds")]
    pub last_scrape_duration: f64,
    /// `up`, `down` or `unknown`.
    pub health: String,
    /// The scrape interval (`1m`; 2.30 and later, empty before).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scrape_interval: String,
    /// The scrape timeout (`10s`; 2.30 and later, empty before).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scrape_timeout: String,
}

impl ActiveTarget {
    /// Whether the last scrape worked.
    pub fn is_up(&self) -> bool {
        self.health == "up"
    }
}

/// A target relabelling dropped.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DroppedTarget {
    /// Its labels before relabelling.
    #[serde(default, deserialize_with = "null_as_default")]
    pub discovered_labels: BTreeMap<String, String>,
    /// The scrape pool (empty in older versions).
    #[serde(default, deserialize_with = "null_as_default")]
    pub scrape_pool: String,
}

/// What one target says of one metric (an entry of `/api/v1/targets/metadata`): unlike
/// [`super::metadata::MetricMetadata`], per target, so two exporters that disagree on a metric's
/// type can be told apart.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TargetMetadata {
    /// The target's labels (`job`, `instance`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub target: BTreeMap<String, String>,
    /// The metric (absent from the reply when the request named one: then it is that one).
    #[serde(default, deserialize_with = "null_as_default")]
    pub metric: String,
    /// `counter`, `gauge`, `histogram`, `summary`, `unknown`...
    #[serde(rename = "type", default, deserialize_with = "null_as_default")]
    pub kind: String,
    /// The help text.
    #[serde(default, deserialize_with = "null_as_default")]
    pub help: String,
    /// The unit (often empty).
    #[serde(default, deserialize_with = "null_as_default")]
    pub unit: String,
}

impl ApiRequest {
    /// `GET /api/v1/targets`: every target, active and dropped.
    pub fn targets() -> Self {
        ApiRequest {
            method: Method::Get,
            path: "/api/v1/targets".into(),
            params: Vec::new(),
        }
    }

    /// `GET /api/v1/targets/metadata`: what the targets `match_target` selects (`{job="node"}`;
    /// every target when `None`) say of `metric` (of every metric when `None`), for at most
    /// `limit` targets (Prometheus 2.x and 3.x; a limit of 0 is refused here, as it means "none").
    ///
    /// ```
    /// use hermes_anomaly::monitor::prometheus::ApiRequest;
    /// let r = ApiRequest::targets_metadata(Some("{job=\"node\"}"), Some("node_load1"), None)?;
    /// assert!(r.describe().ends_with("metric=\"node_load1\""), "{}", r.describe());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn targets_metadata(
        match_target: Option<&str>,
        metric: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Self> {
        let mut params = Vec::new();
        if let Some(m) = match_target {
            params.push(("match_target", m.to_string()));
        }
        if let Some(m) = metric {
            params.push(("metric", m.to_string()));
        }
        if let Some(limit) = limit {
            if limit == 0 {
                return Err(AnomalyError::invalid(
                    "targets metadata limit 0",
                    "a limit is the most targets to read, at least 1; pass None for every target",
                ));
            }
            params.push(("limit", limit.to_string()));
        }
        Ok(ApiRequest {
            method: Method::Get,
            path: "/api/v1/targets/metadata".into(),
            params,
        })
    }
}

impl PrometheusClient {
    /// The scrape targets (see [`Targets`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// for t in prom.targets().await?.active_targets.iter().filter(|t| !t.is_up()) {
    ///     println!("{} down: {}", t.scrape_url, t.last_error);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn targets(&self) -> Result<Targets> {
        Ok(self.fetch(&ApiRequest::targets()).await?.data)
    }

    /// What the targets `match_target` selects say of `metric` (see
    /// [`ApiRequest::targets_metadata`]); each entry names its metric, also when the server left it
    /// out because the request named it.
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// let m = prom.targets_metadata(Some("{job=\"node\"}"), Some("node_load1"), None).await?;
    /// let gauge_everywhere = m.iter().all(|t| t.kind == "gauge");
    /// # Ok(()) }
    /// ```
    pub async fn targets_metadata(
        &self,
        match_target: Option<&str>,
        metric: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<TargetMetadata>> {
        let req = ApiRequest::targets_metadata(match_target, metric, limit)?;
        let mut entries = self
            .fetch::<Option<Vec<TargetMetadata>>>(&req)
            .await?
            .data
            .unwrap_or_default();
        if let Some(metric) = metric {
            for e in entries.iter_mut().filter(|e| e.metric.is_empty()) {
                e.metric = metric.to_string();
            }
        }
        Ok(entries)
    }
}
