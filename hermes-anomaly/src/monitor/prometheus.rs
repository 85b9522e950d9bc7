//! Prometheus HTTP API client (`/api/v1/query`, `/api/v1/query_range`) with typed results.
//!
//! Requests are built as plain values ([`QueryRequest`]) and replies parsed from bytes
//! ([`parse_query_response`]), so both are testable without a server; [`PrometheusClient`] sends them.
//! A Prometheus error body (`{"status":"error","errorType":"bad_data","error":"..."}`) becomes
//! [`AnomalyError::Api`] with its `errorType` and message.

use super::http::{classify_reqwest, HttpTarget};
use crate::error::{AnomalyError, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// One sample: Unix time in seconds and the value (NaN and ±Inf are kept).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SamplePoint {
    /// Unix seconds (fractional).
    pub time: f64,
    /// The value.
    pub value: f64,
}

impl<'de> Deserialize<'de> for SamplePoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let (time, value): (f64, String) = Deserialize::deserialize(d)?;
        Ok(SamplePoint {
            time,
            value: prom_float::<D::Error>(&value)?,
        })
    }
}

/// Parses Prometheus' float text (`1.5`, `NaN`, `+Inf`, `-Inf`).
pub fn parse_prom_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

/// One bucket of a native histogram: `[boundary_rule, lower, upper, count]`.
///
/// `boundary` is Prometheus' rule: 0 open left (the default for positive buckets), 1 open right
/// (negative buckets), 2 open both, 3 closed both (the zero bucket).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HistogramBucket {
    /// Boundary rule, 0 to 3.
    pub boundary: u8,
    /// Lower boundary.
    pub lower: f64,
    /// Upper boundary.
    pub upper: f64,
    /// Observations in the bucket (a float: rates and averages of histograms are fractional).
    pub count: f64,
}

impl<'de> Deserialize<'de> for HistogramBucket {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let (boundary, lower, upper, count): (u8, String, String, String) =
            Deserialize::deserialize(d)?;
        if boundary > 3 {
            return Err(serde::de::Error::custom(format!(
                "histogram bucket boundary rule {boundary} is not 0..=3"
            )));
        }
        Ok(HistogramBucket {
            boundary,
            lower: prom_float::<D::Error>(&lower)?,
            upper: prom_float::<D::Error>(&upper)?,
            count: prom_float::<D::Error>(&count)?,
        })
    }
}

/// A native histogram as the HTTP API renders it (Prometheus 2.40 and later).
#[derive(Debug, Clone, PartialEq)]
pub struct NativeHistogram {
    /// Count of observations.
    pub count: f64,
    /// Sum of observations.
    pub sum: f64,
    /// Populated buckets (none for an empty histogram).
    pub buckets: Vec<HistogramBucket>,
}

impl<'de> Deserialize<'de> for NativeHistogram {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            count: String,
            sum: String,
            #[serde(default, deserialize_with = "null_as_default")]
            buckets: Vec<HistogramBucket>,
        }
        let r = Raw::deserialize(d)?;
        Ok(NativeHistogram {
            count: prom_float::<D::Error>(&r.count)?,
            sum: prom_float::<D::Error>(&r.sum)?,
            buckets: r.buckets,
        })
    }
}

/// A native histogram sample: `[unix_time, histogram]`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramPoint {
    /// Unix seconds (fractional).
    pub time: f64,
    /// The histogram.
    pub histogram: NativeHistogram,
}

impl<'de> Deserialize<'de> for HistogramPoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let (time, histogram): (f64, NativeHistogram) = Deserialize::deserialize(d)?;
        Ok(HistogramPoint { time, histogram })
    }
}

pub(crate) fn prom_float<E: serde::de::Error>(s: &str) -> std::result::Result<f64, E> {
    parse_prom_float(s).ok_or_else(|| E::custom(format!("not a Prometheus float: {s:?}")))
}

pub(crate) fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One series of an instant vector.
///
/// A series holds either a float sample (`value`) or, since Prometheus 2.40, a native histogram
/// sample (`histogram`). For a histogram sample `value` holds the histogram's time and NaN: never
/// read it as a number; [`QueryResult::into_vector`] refuses such a vector with an error naming the
/// series, [`QueryResult::into_vector_with_histograms`] hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorSample {
    /// The series' labels (including `__name__` where present).
    pub metric: BTreeMap<String, String>,
    /// Its value at the query time (NaN when the sample is a histogram).
    pub value: SamplePoint,
    /// Its native histogram sample, when the series holds histograms.
    pub histogram: Option<HistogramPoint>,
}

impl<'de> Deserialize<'de> for VectorSample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(default, deserialize_with = "null_as_default")]
            metric: BTreeMap<String, String>,
            #[serde(default)]
            value: Option<SamplePoint>,
            #[serde(default)]
            histogram: Option<HistogramPoint>,
        }
        let r = Raw::deserialize(d)?;
        let value = match (&r.value, &r.histogram) {
            (Some(v), None) => *v,
            (None, Some(h)) => SamplePoint {
                time: h.time,
                value: f64::NAN,
            },
            (Some(_), Some(_)) => {
                return Err(serde::de::Error::custom(format!(
                    "series {} holds both a float `value` and a `histogram`",
                    labels(&r.metric)
                )))
            }
            (None, None) => {
                return Err(serde::de::Error::custom(format!(
                    "series {} has neither `value` nor `histogram`",
                    labels(&r.metric)
                )))
            }
        };
        Ok(VectorSample {
            metric: r.metric,
            value,
            histogram: r.histogram,
        })
    }
}

/// One series of a range matrix: float samples in `values`, native histogram samples (Prometheus
/// 2.40 and later) in `histograms`; a series may hold both, never at the same time stamp.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MatrixSeries {
    /// The series' labels.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metric: BTreeMap<String, String>,
    /// Its float samples, oldest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub values: Vec<SamplePoint>,
    /// Its native histogram samples, oldest first.
    #[serde(default, deserialize_with = "null_as_default")]
    pub histograms: Vec<HistogramPoint>,
}

/// `{__name__="up", job="node"}`: a series' labels as PromQL writes them.
pub(crate) fn labels(metric: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = metric.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// A typed query result.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum QueryResult {
    /// An instant vector.
    Vector(Vec<VectorSample>),
    /// A range matrix.
    Matrix(Vec<MatrixSeries>),
    /// A scalar.
    Scalar(SamplePoint),
    /// A string (time, text).
    String(f64, String),
}

impl QueryResult {
    /// The vector of float samples, or an error naming what came instead: another result type, or a
    /// series holding a native histogram (which has no single float value; query
    /// `histogram_count(..)`, `histogram_sum(..)` or `histogram_quantile(..)` for floats, or use
    /// [`QueryResult::into_vector_with_histograms`]).
    pub fn into_vector(self) -> Result<Vec<VectorSample>> {
        let v = self.into_vector_with_histograms()?;
        if let Some(s) = v.iter().find(|s| s.histogram.is_some()) {
            return Err(histogram_refused(&s.metric, "vector"));
        }
        Ok(v)
    }

    /// The vector, native histogram samples included.
    pub fn into_vector_with_histograms(self) -> Result<Vec<VectorSample>> {
        match self {
            QueryResult::Vector(v) => Ok(v),
            other => Err(AnomalyError::Malformed {
                target: "prometheus".into(),
                message: format!("expected a vector result, got {}", other.kind()),
            }),
        }
    }

    /// The matrix of float samples, or an error naming what came instead: another result type, or a
    /// series holding native histogram samples (see [`QueryResult::into_vector`];
    /// [`QueryResult::into_matrix_with_histograms`] hands them over).
    pub fn into_matrix(self) -> Result<Vec<MatrixSeries>> {
        let m = self.into_matrix_with_histograms()?;
        if let Some(s) = m.iter().find(|s| !s.histograms.is_empty()) {
            return Err(histogram_refused(&s.metric, "matrix"));
        }
        Ok(m)
    }

    /// The matrix, native histogram samples included.
    pub fn into_matrix_with_histograms(self) -> Result<Vec<MatrixSeries>> {
        match self {
            QueryResult::Matrix(m) => Ok(m),
            other => Err(AnomalyError::Malformed {
                target: "prometheus".into(),
                message: format!("expected a matrix result, got {}", other.kind()),
            }),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            QueryResult::Vector(_) => "vector",
            QueryResult::Matrix(_) => "matrix",
            QueryResult::Scalar(_) => "scalar",
            QueryResult::String(..) => "string",
        }
    }
}

fn histogram_refused(metric: &BTreeMap<String, String>, kind: &str) -> AnomalyError {
    AnomalyError::Malformed {
        target: "prometheus".into(),
        message: format!(
            "{kind} series {} holds native histogram samples, which have no single float value: \
             query histogram_count(), histogram_sum() or histogram_quantile() of it, or read the \
             result with into_{kind}_with_histograms()",
            labels(metric)
        ),
    }
}

/// A query reply with the server's warnings, info annotations and statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResponse {
    /// The result.
    pub result: QueryResult,
    /// Warnings the server attached.
    pub warnings: Vec<String>,
    /// Info-level annotations (Prometheus 3.x and late 2.x: "metric might not be a counter"...).
    pub infos: Vec<String>,
    /// Query statistics, when asked for with `stats=true`/`stats=all` (`timings`, `samples`; the
    /// layout varies between versions, so it is kept as JSON).
    pub stats: Option<serde_json::Value>,
    /// The PromQL the reply answers (empty when parsed without it).
    pub query: String,
}

impl QueryResponse {
    /// The float vector ([`QueryResult::into_vector`]), an error naming the query otherwise.
    pub fn into_vector(self) -> Result<Vec<VectorSample>> {
        let q = self.query;
        self.result.into_vector().map_err(|e| name_query(e, &q))
    }

    /// The float matrix ([`QueryResult::into_matrix`]), an error naming the query otherwise.
    pub fn into_matrix(self) -> Result<Vec<MatrixSeries>> {
        let q = self.query;
        self.result.into_matrix().map_err(|e| name_query(e, &q))
    }
}

fn name_query(e: AnomalyError, query: &str) -> AnomalyError {
    if query.is_empty() {
        return e;
    }
    name_request(e, &format!("query {query:?}"))
}

/// Names the request (`query "up"`, `series ["up"]`) in an error about its reply.
fn name_request(e: AnomalyError, request: &str) -> AnomalyError {
    match e {
        AnomalyError::Malformed { target, message } => AnomalyError::Malformed {
            target,
            message: format!("{request}: {message}"),
        },
        AnomalyError::Api {
            target,
            status,
            error_type,
            message,
            retry_after,
        } => AnomalyError::Api {
            target,
            status,
            error_type,
            message: format!("{message} ({request})"),
            retry_after,
        },
        other => other,
    }
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    warnings: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    infos: Vec<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
    #[serde(default)]
    stats: Option<serde_json::Value>,
}

/// Parses a reply of `/api/v1/query` or `/api/v1/query_range` (status code and body).
///
/// ```
/// use hermes_anomaly::monitor::prometheus::{parse_query_response, QueryResult};
/// let body = br#"{"status":"success","data":{"resultType":"vector","result":[
///   {"metric":{"__name__":"up","job":"node"},"value":[1700000000.5,"1"]}]}}"#;
/// let r = parse_query_response("http://p/api/v1/query", 200, body, None)?;
/// let QueryResult::Vector(v) = r.result else { panic!() };
/// assert_eq!(v[0].value.value, 1.0);
/// let err = parse_query_response("http://p/api/v1/query", 400,
///     br#"{"status":"error","errorType":"bad_data","error":"parse error"}"#, None).unwrap_err();
/// assert!(err.to_string().contains("bad_data"));
/// # Ok::<(), hermes_anomaly::AnomalyError>(())
/// ```
pub fn parse_query_response(
    target: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<QueryResponse> {
    parse_query_reply(target, "", status, body, retry_after)
}

/// [`parse_query_response`] for a known query: every error names `query`, and the reply keeps it
/// ([`QueryResponse::query`]).
///
/// ```
/// use hermes_anomaly::monitor::prometheus::parse_query_reply;
/// let body = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"le":"x"},
///   "histogram":[1767436620,{"count":"12.5","sum":"42.1","buckets":[[0,"1","2","12.5"]]}]}]}}"#;
/// let r = parse_query_reply("http://p/api/v1/query", "http_seconds", 200, body, None)?;
/// // A native histogram has no single float value: reading floats is an error naming the query.
/// let err = r.clone().into_vector().unwrap_err();
/// assert!(err.to_string().contains("\"http_seconds\"") && err.to_string().contains("histogram"));
/// let h = r.result.into_vector_with_histograms()?[0].histogram.clone().unwrap();
/// assert_eq!(h.histogram.count, 12.5);
/// # Ok::<(), hermes_anomaly::AnomalyError>(())
/// ```
pub fn parse_query_reply(
    target: &str,
    query: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<QueryResponse> {
    parse_reply(target, query, status, body, retry_after).map_err(|e| name_query(e, query))
}

/// The envelope of every Prometheus API reply, or the server's error as [`AnomalyError::Api`].
fn envelope(
    target: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<Envelope> {
    let env: Envelope = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(e) => {
            if !(200..300).contains(&status) {
                let text = String::from_utf8_lossy(&body[..body.len().min(300)])
                    .trim()
                    .to_string();
                return Err(AnomalyError::Api {
                    target: target.into(),
                    status,
                    error_type: "http".into(),
                    message: if text.is_empty() {
                        "(empty body)".into()
                    } else {
                        text
                    },
                    retry_after,
                });
            }
            return Err(AnomalyError::Malformed {
                target: target.into(),
                message: format!("not a Prometheus API reply: {e}"),
            });
        }
    };
    if env.status != "success" || !(200..300).contains(&status) {
        return Err(AnomalyError::Api {
            target: target.into(),
            status,
            error_type: env.error_type.unwrap_or_else(|| "unknown".into()),
            message: env.error.unwrap_or_default(),
            retry_after,
        });
    }
    Ok(env)
}

fn parse_reply(
    target: &str,
    query: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<QueryResponse> {
    let env = envelope(target, status, body, retry_after)?;
    let data = env.data.ok_or_else(|| AnomalyError::Malformed {
        target: target.into(),
        message: "success reply without `data`".into(),
    })?;
    let data: Data = serde_json::from_value(data).map_err(|e| AnomalyError::Malformed {
        target: target.into(),
        message: format!("`data` is not a query result ({e}): is this a query endpoint?"),
    })?;
    let bad = |e: serde_json::Error| AnomalyError::Malformed {
        target: target.into(),
        message: format!("{} result: {e}", data.result_type),
    };
    let result = match data.result_type.as_str() {
        "vector" => QueryResult::Vector(
            serde_json::from_value(null_to_array(data.result.clone())).map_err(bad)?,
        ),
        "matrix" => QueryResult::Matrix(
            serde_json::from_value(null_to_array(data.result.clone())).map_err(bad)?,
        ),
        "scalar" => QueryResult::Scalar(serde_json::from_value(data.result.clone()).map_err(bad)?),
        "string" => {
            let (t, s): (f64, String) = serde_json::from_value(data.result.clone()).map_err(bad)?;
            QueryResult::String(t, s)
        }
        other => {
            return Err(AnomalyError::Malformed {
                target: target.into(),
                message: format!("unknown resultType {other:?}"),
            })
        }
    };
    Ok(QueryResponse {
        result,
        warnings: env.warnings,
        infos: env.infos,
        stats: data.stats,
        query: query.to_string(),
    })
}

/// An empty vector or matrix may come as `null` from some servers and proxies.
fn null_to_array(v: serde_json::Value) -> serde_json::Value {
    if v.is_null() {
        serde_json::Value::Array(Vec::new())
    } else {
        v
    }
}

/// A reply of one of Prometheus' read endpoints other than queries (series, label values, targets,
/// rules, alerts): its `data`, typed, with the warnings and info annotations the server attached.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiReply<T> {
    /// The reply's `data`.
    pub data: T,
    /// Warnings the server attached.
    pub warnings: Vec<String>,
    /// Info-level annotations.
    pub infos: Vec<String>,
}

/// Parses a reply of a Prometheus read endpoint other than the query endpoints into `T`; every
/// error names `request` (`series ["up"]`, as [`ApiRequest::describe`] writes it).
///
/// ```
/// use hermes_anomaly::monitor::prometheus::parse_api_reply;
/// let body = br#"{"status":"success","data":["node","prometheus"]}"#;
/// let r = parse_api_reply::<Vec<String>>("http://p/api/v1/label/job/values", "label values of job",
///     200, body, None)?;
/// assert_eq!(r.data, ["node", "prometheus"]);
/// let e = parse_api_reply::<Vec<String>>("http://p/api/v1/targets", "targets", 200,
///     br#"{"status":"success","data":{"activeTargets":[]}}"#, None).unwrap_err();
/// assert!(e.to_string().contains("targets"));
/// # Ok::<(), hermes_anomaly::AnomalyError>(())
/// ```
pub fn parse_api_reply<T: serde::de::DeserializeOwned>(
    target: &str,
    request: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<ApiReply<T>> {
    let read = || -> Result<ApiReply<T>> {
        let env = envelope(target, status, body, retry_after)?;
        let data = env.data.unwrap_or(serde_json::Value::Null);
        let data = serde_json::from_value(data).map_err(|e| AnomalyError::Malformed {
            target: target.into(),
            message: format!("`data` is not the reply expected ({e}): is this the right endpoint?"),
        })?;
        Ok(ApiReply {
            data,
            warnings: env.warnings,
            infos: env.infos,
        })
    };
    read().map_err(|e| name_request(e, request))
}

/// An HTTP method of an [`ApiRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Parameters in the URL.
    Get,
    /// Parameters as a form body (long matcher lists do not fit in a URL).
    Post,
}

/// A request to one of Prometheus' read endpoints other than queries (no I/O): built by
/// [`super::metadata`], [`super::targets`] and [`super::alerting`], sent by
/// [`PrometheusClient::fetch`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// GET or POST.
    pub method: Method,
    /// `/api/v1/series`, `/api/v1/label/job/values`...
    pub path: String,
    /// Parameters (`match[]`, `start`, `end`...).
    pub params: Vec<(&'static str, String)>,
}

impl ApiRequest {
    /// How errors name the request: the path, its `match[]` selectors and the query, target
    /// selector or metric it asks about (`/api/v1/query_exemplars query="up"`).
    pub fn describe(&self) -> String {
        let mut out = self.path.clone();
        let matchers: Vec<&str> = self
            .params
            .iter()
            .filter(|(k, _)| *k == "match[]")
            .map(|(_, v)| v.as_str())
            .collect();
        if !matchers.is_empty() {
            out.push_str(&format!(" {matchers:?}"));
        }
        for key in ["query", "match_target", "metric"] {
            if let Some((_, v)) = self.params.iter().find(|(k, _)| *k == key) {
                out.push_str(&format!(" {key}={v:?}"));
            }
        }
        out
    }
}

/// A query to send: path and form parameters (no I/O).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRequest {
    /// `/api/v1/query` or `/api/v1/query_range`.
    pub path: &'static str,
    /// Form parameters.
    pub params: Vec<(&'static str, String)>,
}

impl QueryRequest {
    /// An instant query at `time` (Unix seconds; server time when `None`).
    pub fn instant(promql: &str, time: Option<f64>, timeout: Duration) -> Self {
        let mut params = vec![("query", promql.to_string())];
        if let Some(t) = time {
            params.push(("time", format!("{t:.3}")));
        }
        params.push(("timeout", format!("{}ms", timeout.as_millis())));
        QueryRequest {
            path: "/api/v1/query",
            params,
        }
    }

    /// A range query over `[start, end]` (Unix seconds) with `step`.
    pub fn range(promql: &str, start: f64, end: f64, step: Duration, timeout: Duration) -> Self {
        QueryRequest {
            path: "/api/v1/query_range",
            params: vec![
                ("query", promql.to_string()),
                ("start", format!("{start:.3}")),
                ("end", format!("{end:.3}")),
                ("step", format!("{}", step.as_secs_f64())),
                ("timeout", format!("{}ms", timeout.as_millis())),
            ],
        }
    }
}

/// A Prometheus HTTP API client (cheap to clone).
///
/// ```no_run
/// # async fn run() -> hermes_anomaly::Result<()> {
/// use hermes_anomaly::monitor::PrometheusClient;
/// let prom = PrometheusClient::new("http://127.0.0.1:9090")?;
/// let up = prom.query("up", None).await?.into_vector()?;
/// for s in up { println!("{:?} = {}", s.metric, s.value.value); }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PrometheusClient {
    target: HttpTarget,
    timeout: Duration,
}

impl PrometheusClient {
    /// A client for the server at `base_url` (`http://host:9090`), 30 s timeout.
    pub fn new(base_url: &str) -> Result<Self> {
        Ok(PrometheusClient {
            target: HttpTarget::new(base_url, Duration::from_secs(30))?,
            timeout: Duration::from_secs(30),
        })
    }

    /// Changes the per-request timeout (also sent to the server as the query `timeout`).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self> {
        self.target = self.target.with_timeout(timeout)?;
        self.timeout = timeout;
        Ok(self)
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        self.target.base()
    }

    /// Sends a built request.
    pub async fn send(&self, req: &QueryRequest) -> Result<QueryResponse> {
        let url = self.target.url(req.path);
        let resp = self
            .target
            .client()
            .post(&url)
            .form(&req.params)
            .send()
            .await
            .map_err(|e| classify_reqwest(&url, e))?;
        let status = resp.status().as_u16();
        let retry_after = super::http::retry_after(resp.headers());
        let body = resp.bytes().await.map_err(|e| classify_reqwest(&url, e))?;
        let query = req
            .params
            .iter()
            .find(|(k, _)| *k == "query")
            .map_or("", |(_, v)| v.as_str());
        parse_query_reply(&url, query, status, &body, retry_after)
    }

    /// An instant query.
    pub async fn query(&self, promql: &str, time: Option<f64>) -> Result<QueryResponse> {
        self.send(&QueryRequest::instant(promql, time, self.timeout))
            .await
    }

    /// Polls an instant query every 500 ms until it returns at least one sample (a target is
    /// scraped, a series holds enough history) and returns them; after `timeout`, a timeout error
    /// naming the query.
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// prom.wait_for("up{job=\"node\"} == 1", std::time::Duration::from_secs(30)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_for(&self, promql: &str, timeout: Duration) -> Result<Vec<VectorSample>> {
        let start = std::time::Instant::now();
        loop {
            let v = self.query(promql, None).await?.into_vector()?;
            if !v.is_empty() {
                return Ok(v);
            }
            if start.elapsed() >= timeout {
                return Err(AnomalyError::Transport {
                    target: self.base_url().to_string(),
                    message: format!(
                        "no sample for {promql:?} within {} s: is the target scraped, does the series exist?",
                        timeout.as_secs_f64()
                    ),
                    sent: hermes_core::Sent::Yes,
                    timeout: true,
                });
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Whether the server is ready (`GET /-/ready`: 200 yes, 503 no). A Prometheus replaying its
    /// WAL at start-up answers every API endpoint but `status/walreplay` with a plain-text 503
    /// "Service Unavailable" (a `Transport` error, worth retrying) until it is.
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// while !prom.is_ready().await? {
    ///     let w = prom.wal_replay().await?;
    ///     println!("WAL replay {:.0} %", 100.0 * w.progress());
    ///     tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn is_ready(&self) -> Result<bool> {
        let url = self.target.url("/-/ready");
        let resp = self
            .target
            .client()
            .get(&url)
            .send()
            .await
            .map_err(|e| classify_reqwest(&url, e))?;
        let status = resp.status().as_u16();
        let retry_after = super::http::retry_after(resp.headers());
        let body = resp.bytes().await.map_err(|e| classify_reqwest(&url, e))?;
        match status {
            200..=299 => Ok(true),
            503 => Ok(false),
            _ => Err(envelope(&url, status, &body, retry_after)
                .err()
                .unwrap_or_else(|| AnomalyError::Malformed {
                    target: url.clone(),
                    message: format!("HTTP {status} from the readiness endpoint"),
                })),
        }
    }

    /// Sends a built [`ApiRequest`] and parses its reply's `data` as `T`; every error names the
    /// request.
    pub async fn fetch<T: serde::de::DeserializeOwned>(
        &self,
        req: &ApiRequest,
    ) -> Result<ApiReply<T>> {
        let url = self.target.url(&req.path);
        let builder = match req.method {
            Method::Get => self.target.client().get(&url).query(&req.params),
            Method::Post => self.target.client().post(&url).form(&req.params),
        };
        let resp = builder
            .send()
            .await
            .map_err(|e| classify_reqwest(&url, e))?;
        let status = resp.status().as_u16();
        let retry_after = super::http::retry_after(resp.headers());
        let body = resp.bytes().await.map_err(|e| classify_reqwest(&url, e))?;
        parse_api_reply(&url, &req.describe(), status, &body, retry_after)
    }

    /// A range query.
    pub async fn query_range(
        &self,
        promql: &str,
        start: f64,
        end: f64,
        step: Duration,
    ) -> Result<QueryResponse> {
        self.send(&QueryRequest::range(promql, start, end, step, self.timeout))
            .await
    }
}
