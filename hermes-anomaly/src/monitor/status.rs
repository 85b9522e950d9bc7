//! Prometheus' status endpoints (`/api/v1/status/*`): which build answers (`buildinfo`), how it
//! runs (`runtimeinfo`: start time, whether the last configuration reload worked, retention), the
//! flags and configuration it was started with (`flags`, `config`), the head block's cardinality
//! (`tsdb`: which metrics and labels hold the most series) and the progress of the WAL replay at
//! start-up (`walreplay`).
//!
//! Requests are built as [`ApiRequest`] values (no I/O) and sent by [`PrometheusClient`].

use super::prometheus::{null_as_default, ApiRequest, Method, PrometheusClient};
use super::targets::time_unless_zero;
use crate::error::{AnomalyError, Result};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `data` of `/api/v1/status/buildinfo` (Prometheus 2.14 and later).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfo {
    /// The version (`2.42.0+ds`, `3.14.0`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub version: String,
    /// The VCS revision.
    #[serde(default, deserialize_with = "null_as_default")]
    pub revision: String,
    /// The VCS branch.
    #[serde(default, deserialize_with = "null_as_default")]
    pub branch: String,
    /// Who built it.
    #[serde(default, deserialize_with = "null_as_default")]
    pub build_user: String,
    /// When (`20191102-16:19:59`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub build_date: String,
    /// The Go version (`go1.19.8`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub go_version: String,
}

impl BuildInfo {
    /// The major version (`2`, `3`), `None` when `version` does not start with a number.
    ///
    /// ```
    /// # let info: hermes_anomaly::monitor::status::BuildInfo =
    /// #     serde_json::from_str(r#"{"version":"2.42.0+ds"}"#).unwrap();
    /// assert_eq!(info.major(), Some(2));
    /// ```
    pub fn major(&self) -> Option<u32> {
        self.version
            .trim_start_matches('v')
            .split('.')
            .next()?
            .parse()
            .ok()
    }
}

/// `data` of `/api/v1/status/runtimeinfo` (Prometheus 2.14 and later; its fields change between
/// versions, so those not in every version are optional).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RuntimeInfo {
    /// When the server started.
    #[serde(rename = "startTime", default, deserialize_with = "time_unless_zero")]
    pub start_time: Option<DateTime<Utc>>,
    /// Its working directory.
    #[serde(rename = "CWD", default, deserialize_with = "null_as_default")]
    pub cwd: String,
    /// Its host name (3.x).
    #[serde(default)]
    pub hostname: Option<String>,
    /// The server's clock when it answered (3.x).
    #[serde(rename = "serverTime", default, deserialize_with = "time_unless_zero")]
    pub server_time: Option<DateTime<Utc>>,
    /// Whether the last configuration reload worked (false: the server runs an older
    /// configuration than its file).
    #[serde(rename = "reloadConfigSuccess", default)]
    pub reload_config_success: bool,
    /// When the configuration was last loaded.
    #[serde(
        rename = "lastConfigTime",
        default,
        deserialize_with = "time_unless_zero"
    )]
    pub last_config_time: Option<DateTime<Utc>>,
    /// Series in the head block (early 2.x and 3.x documentation; absent from 2.42).
    #[serde(rename = "timeSeriesCount", default)]
    pub time_series_count: Option<u64>,
    /// Chunks in the head block (2.14 to 2.2x).
    #[serde(rename = "chunkCount", default)]
    pub chunk_count: Option<u64>,
    /// WAL corruptions repaired since start.
    #[serde(rename = "corruptionCount", default)]
    pub corruption_count: u64,
    /// Goroutines running.
    #[serde(rename = "goroutineCount", default)]
    pub goroutine_count: u64,
    /// `GOMAXPROCS`.
    #[serde(rename = "GOMAXPROCS", default)]
    pub gomaxprocs: u64,
    /// `GOMEMLIMIT` in bytes (2.4x and later).
    #[serde(rename = "GOMEMLIMIT", default)]
    pub gomemlimit: Option<i64>,
    /// `GOGC` as set in the environment (empty: Go's default).
    #[serde(rename = "GOGC", default, deserialize_with = "null_as_default")]
    pub gogc: String,
    /// `GODEBUG` as set in the environment.
    #[serde(rename = "GODEBUG", default, deserialize_with = "null_as_default")]
    pub godebug: String,
    /// How long samples are kept (`15d`; `2d or 10GiB` with a size limit).
    #[serde(
        rename = "storageRetention",
        default,
        deserialize_with = "null_as_default"
    )]
    pub storage_retention: String,
}

/// `data` of `/api/v1/status/config`: the configuration as loaded, dumped as YAML (comments
/// and secrets are not in it: Prometheus writes `<secret>` for them).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LoadedConfig {
    /// The YAML.
    pub yaml: String,
}

/// One row of a TSDB cardinality table: a metric, label or label pair and its count.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TsdbStat {
    /// The metric name, label name or `name=value` pair.
    pub name: String,
    /// Series, values or bytes.
    pub value: u64,
}

/// The head block's size (`headStats`; Prometheus 2.2x and later, zero before).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HeadStats {
    /// Series in the head.
    #[serde(default)]
    pub num_series: u64,
    /// Distinct label pairs (2.3x and later).
    #[serde(default)]
    pub num_label_pairs: u64,
    /// Chunks in the head.
    #[serde(default)]
    pub chunk_count: i64,
    /// Oldest sample, Unix milliseconds (`i64::MAX` in an empty head).
    #[serde(default)]
    pub min_time: i64,
    /// Newest sample, Unix milliseconds (`i64::MIN` in an empty head).
    #[serde(default)]
    pub max_time: i64,
}

impl HeadStats {
    /// The time the head covers, oldest and newest sample; `None` for an empty head (whose
    /// `minTime` is `i64::MAX` and `maxTime` `i64::MIN`: not times, never read them as such) and
    /// when the server sent no `headStats` (before 2.2x).
    ///
    /// ```
    /// use hermes_anomaly::monitor::status::HeadStats;
    /// let empty: HeadStats = serde_json::from_str(
    ///     r#"{"numSeries":0,"minTime":9223372036854775807,"maxTime":-9223372036854775808}"#).unwrap();
    /// assert_eq!(empty.span(), None);
    /// ```
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if self.num_series == 0 || self.min_time > self.max_time {
            return None;
        }
        Some((
            DateTime::from_timestamp_millis(self.min_time)?,
            DateTime::from_timestamp_millis(self.max_time)?,
        ))
    }
}

/// `data` of `/api/v1/status/tsdb`: the head block's cardinality, the top entries of each table
/// (10 by default; Prometheus 2.4x and later take a `limit`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TsdbStatus {
    /// The head's size (zero in versions that did not send it).
    #[serde(default, deserialize_with = "null_as_default")]
    pub head_stats: HeadStats,
    /// Metrics with the most series.
    #[serde(default, deserialize_with = "null_as_default")]
    pub series_count_by_metric_name: Vec<TsdbStat>,
    /// Labels with the most values.
    #[serde(default, deserialize_with = "null_as_default")]
    pub label_value_count_by_label_name: Vec<TsdbStat>,
    /// Labels whose values take the most memory.
    #[serde(default, deserialize_with = "null_as_default")]
    pub memory_in_bytes_by_label_name: Vec<TsdbStat>,
    /// Label pairs in the most series.
    #[serde(default, deserialize_with = "null_as_default")]
    pub series_count_by_label_value_pair: Vec<TsdbStat>,
}

/// `data` of `/api/v1/status/walreplay` (Prometheus 2.28 and later): the WAL segments replayed at
/// start-up, answered while every other endpoint still says 503 "Service Unavailable".
///
/// `current` is the segment being replayed, set when its replay starts: a private 2.42 on loopback
/// answered `{"min":0,"max":2,"current":2}` while it still replayed segment 2 and stayed so once
/// ready, so the numbers cannot tell the last segment's replay from its end. Whether the server
/// is ready, ask [`PrometheusClient::is_ready`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WalReplay {
    /// First segment.
    #[serde(default)]
    pub min: i64,
    /// Last segment.
    #[serde(default)]
    pub max: i64,
    /// The segment being replayed (or last replayed).
    #[serde(default)]
    pub current: i64,
    /// `waiting`, `in progress` or `done`, where the server says it (the documentation's
    /// example does; 2.42 and 3.x send only the segments).
    #[serde(default)]
    pub state: Option<String>,
}

impl WalReplay {
    /// The share of segments whose replay has started, 0 to 1 (1 while the last one replays and
    /// after; 1 when the server says `done`).
    ///
    /// ```
    /// use hermes_anomaly::monitor::status::WalReplay;
    /// let w: WalReplay = serde_json::from_str(r#"{"min":0,"max":3,"current":1}"#).unwrap();
    /// assert_eq!(w.progress(), 0.5);
    /// ```
    pub fn progress(&self) -> f64 {
        if self.state.as_deref() == Some("done") {
            return 1.0;
        }
        let total = (self.max - self.min + 1).max(1) as f64;
        ((self.current - self.min + 1) as f64 / total).clamp(0.0, 1.0)
    }
}

fn get(path: &str) -> ApiRequest {
    ApiRequest {
        method: Method::Get,
        path: path.into(),
        params: Vec::new(),
    }
}

/// Most entries `/api/v1/status/tsdb` takes per table (Prometheus' `maxTSDBLimit`).
pub const MAX_TSDB_LIMIT: u32 = 10_000;

impl ApiRequest {
    /// `GET /api/v1/status/buildinfo`.
    pub fn build_info() -> Self {
        get("/api/v1/status/buildinfo")
    }

    /// `GET /api/v1/status/runtimeinfo`.
    pub fn runtime_info() -> Self {
        get("/api/v1/status/runtimeinfo")
    }

    /// `GET /api/v1/status/flags`.
    pub fn flags() -> Self {
        get("/api/v1/status/flags")
    }

    /// `GET /api/v1/status/config`.
    pub fn loaded_config() -> Self {
        get("/api/v1/status/config")
    }

    /// `GET /api/v1/status/walreplay`.
    pub fn wal_replay() -> Self {
        get("/api/v1/status/walreplay")
    }

    /// `GET /api/v1/status/tsdb`, the top `limit` entries of each table (the server's 10 when
    /// `None`; versions before 2.4x ignore it). A limit of 0 or over [`MAX_TSDB_LIMIT`] is refused
    /// here, as Prometheus would refuse it.
    ///
    /// ```
    /// use hermes_anomaly::monitor::prometheus::ApiRequest;
    /// let r = ApiRequest::tsdb_status(Some(25))?;
    /// assert_eq!(r.params, [("limit", "25".to_string())]);
    /// assert!(ApiRequest::tsdb_status(Some(0)).is_err());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn tsdb_status(limit: Option<u32>) -> Result<Self> {
        let mut r = get("/api/v1/status/tsdb");
        if let Some(limit) = limit {
            if limit == 0 || limit > MAX_TSDB_LIMIT {
                return Err(AnomalyError::invalid(
                    format!("TSDB status limit {limit}"),
                    format!(
                        "Prometheus takes 1 to {MAX_TSDB_LIMIT} entries per table; pass None for \
                         its default of 10"
                    ),
                ));
            }
            r.params.push(("limit", limit.to_string()));
        }
        Ok(r)
    }
}

impl PrometheusClient {
    /// The server's build (see [`BuildInfo`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// if prom.build_info().await?.major() == Some(2) {
    ///     println!("label names outside [a-zA-Z_:] need Prometheus 3");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn build_info(&self) -> Result<BuildInfo> {
        Ok(self.fetch(&ApiRequest::build_info()).await?.data)
    }

    /// How the server runs (see [`RuntimeInfo`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// let info = prom.runtime_info().await?;
    /// if !info.reload_config_success {
    ///     println!("the last reload failed: rules may be stale");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn runtime_info(&self) -> Result<RuntimeInfo> {
        Ok(self.fetch(&ApiRequest::runtime_info()).await?.data)
    }

    /// The command-line flags the server runs with, by name without the dashes
    /// (`query.timeout` → `2m`).
    pub async fn flags(&self) -> Result<BTreeMap<String, String>> {
        Ok(self
            .fetch::<Option<BTreeMap<String, String>>>(&ApiRequest::flags())
            .await?
            .data
            .unwrap_or_default())
    }

    /// The configuration as loaded (see [`LoadedConfig`]).
    pub async fn loaded_config(&self) -> Result<LoadedConfig> {
        Ok(self.fetch(&ApiRequest::loaded_config()).await?.data)
    }

    /// The head block's cardinality (see [`TsdbStatus`], [`ApiRequest::tsdb_status`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// for m in prom.tsdb_status(Some(5)).await?.series_count_by_metric_name {
    ///     println!("{}: {} series", m.name, m.value);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn tsdb_status(&self, limit: Option<u32>) -> Result<TsdbStatus> {
        Ok(self.fetch(&ApiRequest::tsdb_status(limit)?).await?.data)
    }

    /// The WAL replay's progress (see [`WalReplay`]; readiness is [`PrometheusClient::is_ready`]).
    pub async fn wal_replay(&self) -> Result<WalReplay> {
        Ok(self.fetch(&ApiRequest::wal_replay()).await?.data)
    }
}
