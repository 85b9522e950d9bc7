//! Alertmanager API v2 client (post and resolve alerts, list alerts and alert groups, status,
//! receivers, read, create and expire silences). The
//! webhook receiver's payload type ([`WebhookMessage`]) and server ([`WebhookReceiver`]) live in
//! [`super::webhook`] and are re-exported here.
//!
//! Alertmanager resolves an alert when it receives it again with `endsAt` in the past (or now):
//! [`AlertmanagerClient::resolve`] does exactly that.

use super::http::{classify_reqwest, HttpTarget};
pub use super::webhook::{WebhookAlert, WebhookMessage, WebhookReceiver};
use crate::error::{AnomalyError, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// An alert as posted to `POST /api/v2/alerts` (`postableAlert`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostableAlert {
    /// Identifying labels (`alertname`, `instance`, `severity`...).
    pub labels: BTreeMap<String, String>,
    /// Human annotations (`summary`, `description`).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// When the anomaly started.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ended (set to now to resolve).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// A link back to the source (a Prometheus graph URL).
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        rename = "generatorURL"
    )]
    pub generator_url: Option<String>,
}

impl PostableAlert {
    /// An alert named `alertname` with no other labels yet.
    ///
    /// ```
    /// use hermes_anomaly::monitor::alertmanager::PostableAlert;
    /// let a = PostableAlert::new("HermesAnomaly").label("instance", "vm042").annotation("summary", "CPU burn");
    /// assert_eq!(a.labels["alertname"], "HermesAnomaly");
    /// ```
    pub fn new(alertname: &str) -> Self {
        let mut labels = BTreeMap::new();
        labels.insert("alertname".to_string(), alertname.to_string());
        PostableAlert {
            labels,
            annotations: BTreeMap::new(),
            starts_at: None,
            ends_at: None,
            generator_url: None,
        }
    }

    /// Adds a label.
    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.labels.insert(k.into(), v.into());
        self
    }

    /// Adds an annotation.
    pub fn annotation(mut self, k: &str, v: &str) -> Self {
        self.annotations.insert(k.into(), v.into());
        self
    }

    /// Sets `startsAt`.
    pub fn starts_at(mut self, t: DateTime<Utc>) -> Self {
        self.starts_at = Some(t);
        self
    }

    /// Sets `endsAt`.
    pub fn ends_at(mut self, t: DateTime<Utc>) -> Self {
        self.ends_at = Some(t);
        self
    }

    /// Sets `generatorURL`.
    pub fn generator_url(mut self, u: &str) -> Self {
        self.generator_url = Some(u.into());
        self
    }
}

/// An alert's state in Alertmanager.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertStatus {
    /// `active`, `suppressed` or `unprocessed`.
    pub state: String,
    /// Silences muting it.
    #[serde(default)]
    pub silenced_by: Vec<String>,
    /// Alerts inhibiting it.
    #[serde(default)]
    pub inhibited_by: Vec<String>,
    /// Time intervals muting it (`mutedBy`, Alertmanager 0.28 and later; empty before).
    #[serde(default)]
    pub muted_by: Vec<String>,
}

/// A receiver named in an alert or a group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Receiver {
    /// The receiver's name from the routing tree.
    pub name: String,
}

/// An alert group as listed by `GET /api/v2/alerts/groups` (`alertGroup`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AlertGroup {
    /// The group's labels (the route's `group_by`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The receiver the group is routed to.
    pub receiver: Receiver,
    /// Its alerts.
    #[serde(default)]
    pub alerts: Vec<GettableAlert>,
}

/// Alertmanager's `GET /api/v2/status` (`alertmanagerStatus`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerStatus {
    /// Cluster state.
    pub cluster: ClusterStatus,
    /// The server's version.
    pub version_info: VersionInfo,
    /// The loaded configuration.
    #[serde(default)]
    pub config: Option<AlertmanagerConfig>,
    /// When the server started.
    #[serde(default)]
    pub uptime: Option<DateTime<Utc>>,
}

/// The gossip cluster's state.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ClusterStatus {
    /// `ready`, `settling` or `disabled`.
    pub status: String,
    /// This node's name (absent when clustering is disabled).
    #[serde(default)]
    pub name: Option<String>,
    /// The peers.
    #[serde(default)]
    pub peers: Vec<ClusterPeer>,
}

/// One cluster peer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ClusterPeer {
    /// Peer name.
    pub name: String,
    /// Peer address (`host:port`).
    pub address: String,
}

/// Alertmanager's build.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// Version (`0.25.0`).
    pub version: String,
    /// VCS revision.
    #[serde(default)]
    pub revision: String,
    /// VCS branch.
    #[serde(default)]
    pub branch: String,
    /// Who built it.
    #[serde(default)]
    pub build_user: String,
    /// When.
    #[serde(default)]
    pub build_date: String,
    /// Go version.
    #[serde(default)]
    pub go_version: String,
}

/// The configuration Alertmanager runs with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct AlertmanagerConfig {
    /// The YAML as loaded.
    pub original: String,
}

/// An alert as listed by `GET /api/v2/alerts` (`gettableAlert`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GettableAlert {
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End (in the future while active).
    pub ends_at: DateTime<Utc>,
    /// Last update.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fingerprint.
    pub fingerprint: String,
    /// State.
    pub status: AlertStatus,
    /// Source link.
    #[serde(default, rename = "generatorURL")]
    pub generator_url: Option<String>,
    /// The receivers it is routed to.
    #[serde(default)]
    pub receivers: Vec<Receiver>,
}

/// One matcher of a silence.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    /// Label name.
    pub name: String,
    /// Value or regex.
    pub value: String,
    /// Whether `value` is a regex.
    pub is_regex: bool,
    /// `=` (true) or `!=` (false); absent in old servers means true.
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

/// A silence (`gettableSilence`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    /// Id.
    #[serde(default)]
    pub id: String,
    /// Matchers.
    pub matchers: Vec<Matcher>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Author.
    pub created_by: String,
    /// Why.
    pub comment: String,
    /// `{"state": "active" | "pending" | "expired"}`.
    #[serde(default)]
    pub status: Option<BTreeMap<String, String>>,
}

/// An Alertmanager API v2 client (cheap to clone).
///
/// ```no_run
/// # async fn run() -> hermes_anomaly::Result<()> {
/// use hermes_anomaly::monitor::alertmanager::{AlertmanagerClient, PostableAlert};
/// let am = AlertmanagerClient::new("http://127.0.0.1:9093")?;
/// let alert = PostableAlert::new("HermesAnomaly").label("series", "cpu");
/// am.post_alerts(&[alert.clone()]).await?;
/// am.resolve(&[alert]).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AlertmanagerClient {
    target: HttpTarget,
}

impl AlertmanagerClient {
    /// A client for `base_url` (`http://host:9093`), 15 s timeout.
    pub fn new(base_url: &str) -> Result<Self> {
        Ok(AlertmanagerClient {
            target: HttpTarget::new(base_url, Duration::from_secs(15))?,
        })
    }

    /// Changes the per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self> {
        self.target = self.target.with_timeout(timeout)?;
        Ok(self)
    }

    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let url = self.target.url(path);
        let mut req = self.target.client().request(method, &url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| classify_reqwest(&url, e))?;
        let status = resp.status().as_u16();
        let retry_after = super::http::retry_after(resp.headers());
        let bytes = resp.bytes().await.map_err(|e| classify_reqwest(&url, e))?;
        parse_am_reply(&url, status, &bytes, retry_after)
    }

    /// Posts (fires or refreshes) alerts.
    pub async fn post_alerts(&self, alerts: &[PostableAlert]) -> Result<()> {
        let body = serde_json::to_value(alerts)
            .map_err(|e| AnomalyError::invalid("alerts", e.to_string()))?;
        let _: serde_json::Value = self
            .call(reqwest::Method::POST, "/api/v2/alerts", Some(body))
            .await?;
        Ok(())
    }

    /// Resolves alerts: posts them again with `endsAt` = now.
    pub async fn resolve(&self, alerts: &[PostableAlert]) -> Result<()> {
        let now = Utc::now();
        let resolved: Vec<PostableAlert> = alerts.iter().cloned().map(|a| a.ends_at(now)).collect();
        self.post_alerts(&resolved).await
    }

    /// Lists alerts; `filter` holds matchers such as `alertname="HermesAnomaly"`.
    pub async fn alerts(&self, filter: &[&str]) -> Result<Vec<GettableAlert>> {
        let mut path = "/api/v2/alerts?active=true&silenced=true&inhibited=true".to_string();
        for f in filter {
            path.push_str("&filter=");
            path.push_str(&encode(f));
        }
        self.call(reqwest::Method::GET, &path, None).await
    }

    /// Lists alert groups as routed (`GET /api/v2/alerts/groups`); `filter` as in
    /// [`AlertmanagerClient::alerts`].
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let am = hermes_anomaly::monitor::AlertmanagerClient::new("http://127.0.0.1:9093")?;
    /// for g in am.alert_groups(&[]).await? {
    ///     println!("{} -> {} alerts", g.receiver.name, g.alerts.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn alert_groups(&self, filter: &[&str]) -> Result<Vec<AlertGroup>> {
        let mut path = "/api/v2/alerts/groups?active=true&silenced=true&inhibited=true".to_string();
        for f in filter {
            path.push_str("&filter=");
            path.push_str(&encode(f));
        }
        self.call(reqwest::Method::GET, &path, None).await
    }

    /// The server's status (`GET /api/v2/status`): version, cluster, configuration.
    pub async fn status(&self) -> Result<AlertmanagerStatus> {
        self.call(reqwest::Method::GET, "/api/v2/status", None)
            .await
    }

    /// The receivers of the routing tree, by name (`GET /api/v2/receivers`, Alertmanager 0.16 and
    /// later): where an alert can be routed.
    ///
    /// ```no_run
    /// # async fn run() -> hermes_anomaly::Result<()> {
    /// let am = hermes_anomaly::monitor::AlertmanagerClient::new("http://127.0.0.1:9093")?;
    /// let known = am.receivers().await?.iter().any(|r| r.name == "hermes-webhook");
    /// # Ok(()) }
    /// ```
    pub async fn receivers(&self) -> Result<Vec<Receiver>> {
        self.call(reqwest::Method::GET, "/api/v2/receivers", None)
            .await
    }

    /// One silence by id (`GET /api/v2/silence/{id}`); an unknown id is a `NotFound` error, an id
    /// that is not a UUID an `InvalidInput` one.
    pub async fn silence(&self, id: &str) -> Result<Silence> {
        self.call(
            reqwest::Method::GET,
            &format!("/api/v2/silence/{}", encode(id)),
            None,
        )
        .await
    }

    /// Lists silences.
    pub async fn silences(&self) -> Result<Vec<Silence>> {
        self.call(reqwest::Method::GET, "/api/v2/silences", None)
            .await
    }

    /// Creates a silence; returns its id.
    pub async fn create_silence(&self, silence: &Silence) -> Result<String> {
        #[derive(Deserialize)]
        struct Created {
            #[serde(rename = "silenceID")]
            silence_id: String,
        }
        let mut body = serde_json::to_value(silence)
            .map_err(|e| AnomalyError::invalid("silence", e.to_string()))?;
        if let Some(o) = body.as_object_mut() {
            o.remove("status");
            if silence.id.is_empty() {
                o.remove("id");
            }
        }
        let c: Created = self
            .call(reqwest::Method::POST, "/api/v2/silences", Some(body))
            .await?;
        Ok(c.silence_id)
    }

    /// Expires a silence.
    pub async fn expire_silence(&self, id: &str) -> Result<()> {
        let _: serde_json::Value = self
            .call(
                reqwest::Method::DELETE,
                &format!("/api/v2/silence/{}", encode(id)),
                None,
            )
            .await?;
        Ok(())
    }
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Parses an Alertmanager v2 reply; an error status becomes [`AnomalyError::Api`] with the server's text
/// (Alertmanager answers errors as a JSON string or a `{"code","message"}` object).
pub fn parse_am_reply<T: for<'de> Deserialize<'de>>(
    target: &str,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<T> {
    if !(200..300).contains(&status) {
        let message = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(serde_json::Value::Object(o)) => o
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| serde_json::Value::Object(o.clone()).to_string()),
            _ if body.iter().all(u8::is_ascii_whitespace) => "(empty body)".to_string(),
            _ => String::from_utf8_lossy(&body[..body.len().min(300)])
                .trim()
                .to_string(),
        };
        return Err(AnomalyError::Api {
            target: target.into(),
            status,
            error_type: "alertmanager".into(),
            message,
            retry_after,
        });
    }
    let body = if body.is_empty() {
        b"null".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| AnomalyError::Malformed {
        target: target.into(),
        message: format!("not the Alertmanager API v2 reply expected here: {e}"),
    })
}
