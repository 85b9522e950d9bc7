//! The rules Prometheus evaluates (`/api/v1/rules`) and the alerts they hold
//! (`/api/v1/alerts`): what fires before Alertmanager groups, routes or silences it.

use super::prometheus::{null_as_default, parse_prom_float, ApiRequest, Method, PrometheusClient};
use super::targets::time_unless_zero;
use crate::error::Result;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

fn seconds<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(0.0))
}

/// A sample value as Prometheus writes it in alerts: a string (`"1e+00"`, `"NaN"`), or a number.
fn sample_value<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Text(String),
        Number(f64),
    }
    match Option::<Value>::deserialize(d)? {
        None => Ok(f64::NAN),
        Some(Value::Number(v)) => Ok(v),
        Some(Value::Text(s)) => parse_prom_float(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("alert value {s:?} is not a Prometheus float"))
        }),
    }
}

/// An alert as an alerting rule holds it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleAlert {
    /// Labels (`alertname` and the rule's labels included).
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    /// Annotations, templated.
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// `pending` (waiting out `for`) or `firing`.
    pub state: String,
    /// Since when the condition has held.
    #[serde(default, deserialize_with = "time_unless_zero")]
    pub active_at: Option<DateTime<Utc>>,
    /// The expression's value at the last evaluation.
    #[serde(default = "nan", deserialize_with = "sample_value")]
    pub value: f64,
    /// Since when the alert is kept firing after its condition cleared (`keep_firing_for`, 2.42
    /// and later).
    #[serde(default, deserialize_with = "time_unless_zero")]
    pub keep_firing_since: Option<DateTime<Utc>>,
}

fn nan() -> f64 {
    f64::NAN
}

/// A rule as Prometheus evaluates it (recording or alerting).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// `alerting` or `recording`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The alert's or the recorded series' name.
    pub name: String,
    /// The PromQL.
    pub query: String,
    /// `ok`, `err` or `unknown`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub health: String,
    /// Why the last evaluation failed (empty when it worked).
    #[serde(default, deserialize_with = "null_as_default")]
    pub last_error: String,
    /// Labels the rule adds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    /// Annotations (alerting rules), untemplated.
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
    /// `for`, in seconds (alerting rules).
    #[serde(default, deserialize_with = "seconds")]
    pub duration: f64,
    /// `keep_firing_for`, in seconds (alerting rules, 2.42 and later).
    #[serde(default, deserialize_with = "seconds")]
    pub keep_firing_for: f64,
    /// `inactive`, `pending` or `firing` (alerting rules of recent versions; empty otherwise).
    #[serde(default, deserialize_with = "null_as_default")]
    pub state: String,
    /// The alerts it holds (alerting rules).
    #[serde(default, deserialize_with = "null_as_default")]
    pub alerts: Vec<RuleAlert>,
    /// How long the last evaluation took, in seconds (2.16 and later).
    #[serde(default, deserialize_with = "seconds")]
    pub evaluation_time: f64,
    /// When it was last evaluated.
    #[serde(default, deserialize_with = "time_unless_zero")]
    pub last_evaluation: Option<DateTime<Utc>>,
}

impl Rule {
    /// Whether this is an alerting rule.
    pub fn is_alerting(&self) -> bool {
        self.kind == "alerting"
    }
}

/// A rule group.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleGroup {
    /// Its name.
    pub name: String,
    /// The rule file it comes from.
    #[serde(default, deserialize_with = "null_as_default")]
    pub file: String,
    /// Its rules, in order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub rules: Vec<Rule>,
    /// Its evaluation interval, in seconds.
    #[serde(default, deserialize_with = "seconds")]
    pub interval: f64,
    /// Its alert / series limit (0: none).
    #[serde(default, deserialize_with = "null_as_default")]
    pub limit: u64,
    /// How long its last evaluation took, in seconds.
    #[serde(default, deserialize_with = "seconds")]
    pub evaluation_time: f64,
    /// When it was last evaluated.
    #[serde(default, deserialize_with = "time_unless_zero")]
    pub last_evaluation: Option<DateTime<Utc>>,
}

/// `data` of `/api/v1/rules`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RuleGroups {
    /// The groups.
    #[serde(default, deserialize_with = "null_as_default")]
    pub groups: Vec<RuleGroup>,
}

/// `data` of `/api/v1/alerts`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ActiveAlerts {
    /// The alerts, pending and firing.
    #[serde(default, deserialize_with = "null_as_default")]
    pub alerts: Vec<RuleAlert>,
}

impl ApiRequest {
    /// `GET /api/v1/rules`: every rule group, with each alerting rule's alerts.
    pub fn rules() -> Self {
        ApiRequest {
            method: Method::Get,
            path: "/api/v1/rules".into(),
            params: Vec::new(),
        }
    }

    /// `GET /api/v1/alerts`: every pending and firing alert.
    pub fn alerts() -> Self {
        ApiRequest {
            method: Method::Get,
            path: "/api/v1/alerts".into(),
            params: Vec::new(),
        }
    }
}

impl PrometheusClient {
    /// The rule groups Prometheus evaluates (see [`RuleGroup`]).
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let prom = hermes_anomaly::monitor::PrometheusClient::new("http://127.0.0.1:9090")?;
    /// for g in prom.rules().await? {
    ///     for r in g.rules.iter().filter(|r| r.health != "ok") {
    ///         println!("{}/{}: {}", g.name, r.name, r.last_error);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn rules(&self) -> Result<Vec<RuleGroup>> {
        Ok(self
            .fetch::<RuleGroups>(&ApiRequest::rules())
            .await?
            .data
            .groups)
    }

    /// The pending and firing alerts (see [`RuleAlert`]).
    pub async fn alerts(&self) -> Result<Vec<RuleAlert>> {
        Ok(self
            .fetch::<ActiveAlerts>(&ApiRequest::alerts())
            .await?
            .data
            .alerts)
    }
}
