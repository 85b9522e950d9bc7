//! Exemplars (`/api/v1/query_exemplars`, Prometheus 2.26 and later, experimental): the trace ids
//! and other labels that instrumented code attached to a few samples of a series, the link from a
//! latency anomaly to one request that shows it. Prometheus keeps them only with
//! `--enable-feature=exemplar-storage`; without it the reply is empty, not an error.
//!
//! Requests are built as [`ApiRequest`] values (no I/O) and sent by [`PrometheusClient`].

use super::prometheus::{null_as_default, prom_float, ApiRequest, Method, PrometheusClient};
use crate::error::Result;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// One exemplar: its labels (`trace_id`...), the sample value it was attached to, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    /// Its labels (`trace_id`, `span_id`...).
    pub labels: BTreeMap<String, String>,
    /// The observed value (NaN and ±Inf are kept).
    pub value: f64,
    /// Unix seconds (fractional).
    pub timestamp: f64,
}

impl<'de> Deserialize<'de> for Exemplar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "null_as_default")]
            labels: BTreeMap<String, String>,
            value: String,
            timestamp: f64,
        }
        let r = Raw::deserialize(d)?;
        Ok(Exemplar {
            labels: r.labels,
            value: prom_float::<D::Error>(&r.value)?,
            timestamp: r.timestamp,
        })
    }
}

/// A series' exemplars.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeriesExemplars {
    /// The series' labels (`__name__` included).
    #[serde(default, deserialize_with = "null_as_default")]
    pub series_labels: BTreeMap<String, String>,
    /// Its exemplars in the range, oldest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub exemplars: Vec<Exemplar>,
}

impl ApiRequest {
    /// `POST /api/v1/query_exemplars`: the exemplars of the series `promql` selects, between
    /// `start` and `end` (Unix seconds).
    ///
    /// ```
    /// use hermes_anomaly::monitor::prometheus::ApiRequest;
    /// let r = ApiRequest::exemplars("http_request_duration_seconds_bucket", 1.7e9, 1.7e9 + 600.0);
    /// assert_eq!(r.path, "/api/v1/query_exemplars");
    /// // Errors about the reply name the query.
    /// assert!(r.describe().contains("http_request_duration_seconds_bucket"));
    /// ```
    pub fn exemplars(promql: &str, start: f64, end: f64) -> Self {
        ApiRequest {
            method: Method::Post,
            path: "/api/v1/query_exemplars".into(),
            params: vec![
                ("query", promql.to_string()),
                ("start", format!("{start:.3}")),
                ("end", format!("{end:.3}")),
            ],
        }
    }
}

impl PrometheusClient {
    /// The exemplars of the series `promql` selects between `start` and `end` (Unix seconds; see
    /// [`ApiRequest::exemplars`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// let end = 1.7e9;
    /// for s in prom.query_exemplars("http_request_duration_seconds_bucket", end - 600.0, end).await? {
    ///     for e in &s.exemplars {
    ///         println!("{} at {}: trace {:?}", e.value, e.timestamp, e.labels.get("trace_id"));
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn query_exemplars(
        &self,
        promql: &str,
        start: f64,
        end: f64,
    ) -> Result<Vec<SeriesExemplars>> {
        Ok(self
            .fetch::<Option<Vec<SeriesExemplars>>>(&ApiRequest::exemplars(promql, start, end))
            .await?
            .data
            .unwrap_or_default())
    }
}
