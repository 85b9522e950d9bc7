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
        let value = parse_prom_float(&value).ok_or_else(|| {
            serde::de::Error::custom(format!("not a Prometheus float: {value:?}"))
        })?;
        Ok(SamplePoint { time, value })
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

/// One series of an instant vector.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VectorSample {
    /// The series' labels (including `__name__` where present).
    pub metric: BTreeMap<String, String>,
    /// Its value at the query time.
    pub value: SamplePoint,
}

/// One series of a range matrix.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MatrixSeries {
    /// The series' labels.
    pub metric: BTreeMap<String, String>,
    /// Its samples, oldest first.
    #[serde(default)]
    pub values: Vec<SamplePoint>,
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
    /// The vector, or an error naming what came instead.
    pub fn into_vector(self) -> Result<Vec<VectorSample>> {
        match self {
            QueryResult::Vector(v) => Ok(v),
            other => Err(AnomalyError::Malformed {
                target: "prometheus".into(),
                message: format!("expected a vector result, got {}", other.kind()),
            }),
        }
    }

    /// The matrix, or an error naming what came instead.
    pub fn into_matrix(self) -> Result<Vec<MatrixSeries>> {
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

/// A query reply with the server's warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResponse {
    /// The result.
    pub result: QueryResult,
    /// Warnings the server attached.
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
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
    let env: Envelope = match serde_json::from_slice(body) {
        Ok(e) => e,
        Err(e) => {
            if !(200..300).contains(&status) {
                return Err(AnomalyError::Api {
                    target: target.into(),
                    status,
                    error_type: "http".into(),
                    message: String::from_utf8_lossy(&body[..body.len().min(300)])
                        .trim()
                        .to_string(),
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
    let data = env.data.ok_or_else(|| AnomalyError::Malformed {
        target: target.into(),
        message: "success reply without `data`".into(),
    })?;
    let bad = |e: serde_json::Error| AnomalyError::Malformed {
        target: target.into(),
        message: format!("{} result: {e}", data.result_type),
    };
    let result = match data.result_type.as_str() {
        "vector" => QueryResult::Vector(serde_json::from_value(data.result.clone()).map_err(bad)?),
        "matrix" => QueryResult::Matrix(serde_json::from_value(data.result.clone()).map_err(bad)?),
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
    })
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
/// let up = prom.query("up", None).await?.result.into_vector()?;
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
        parse_query_response(&url, status, &body, retry_after)
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
            let v = self.query(promql, None).await?.result.into_vector()?;
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
