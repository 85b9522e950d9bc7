//! The receiving side of Alertmanager's webhook: the notification body ([`WebhookMessage`], payload
//! version 4) and a small server that hands each one to a handler ([`WebhookReceiver`]).
//!
//! Senders differ more than the documentation says, and a receiver that answers 400 loses the
//! notification (Alertmanager does not retry a 4xx), so [`WebhookMessage::parse`] reads every
//! variant seen in real payloads:
//!
//! * Alertmanager 0.6 to 0.34: `version` "4", `groupKey` a string; `fingerprint` since 0.19,
//!   `truncatedAlerts` (alerts left out by `max_alerts`) since 0.21, `notification_reason` since
//!   0.32, `routeLabels` since 0.34. Before 0.16 a firing alert's `endsAt` is a forecast (the
//!   resolve timeout), after it the zero time `0001-01-01T00:00:00Z`; times carry any UTC offset.
//! * Alertmanager 0.5 and earlier (`version` "3"): a numeric `groupKey`, read as its decimal text.
//! * Relays and test harnesses (KubeSphere's notification manager, calert's and
//!   prometheus-msteams' payloads): no `version` or `groupKey`, an alert without `status` (then it
//!   is worked out from `endsAt`, as Alertmanager does), `null` instead of an empty map or time.
//! * Grafana's webhook contact point (`version` "1"): the same shape plus fields of its own
//!   (`title`, `state`, `orgId`; per alert `values`, `silenceURL`, `dashboardURL`...), kept in `extra`.

use super::http::{serve, HttpResponse};
use crate::error::{AnomalyError, Result};
use chrono::{DateTime, NaiveDate, Utc};
use hermes_core::Secret;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Go's zero time (`0001-01-01T00:00:00Z`), which Alertmanager writes as the `endsAt` of a firing
/// alert and which stands in for a time a sender left out.
///
/// ```
/// use hermes_anomaly::monitor::webhook::go_zero_time;
/// assert_eq!(go_zero_time().to_rfc3339(), "0001-01-01T00:00:00+00:00");
/// ```
pub fn go_zero_time() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn is_zero_time(t: &DateTime<Utc>) -> bool {
    *t <= go_zero_time()
}

fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn time_or_zero<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<DateTime<Utc>, D::Error> {
    Ok(Option::<DateTime<Utc>>::deserialize(d)?.unwrap_or_else(go_zero_time))
}

/// A string, or a number written as its decimal text (Alertmanager 0.5's numeric `groupKey`).
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Key {
        Text(String),
        Unsigned(u64),
        Signed(i64),
    }
    Ok(match Option::<Key>::deserialize(d)? {
        None => String::new(),
        Some(Key::Text(s)) => s,
        Some(Key::Unsigned(n)) => n.to_string(),
        Some(Key::Signed(n)) => n.to_string(),
    })
}

/// One alert of a webhook notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookAlert {
    /// `firing` or `resolved`. A sender that leaves it out (or empty) gets Alertmanager's own rule:
    /// resolved once `endsAt` is set and past, firing otherwise.
    pub status: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations (empty when the alert has none, or the sender wrote `null`).
    pub annotations: BTreeMap<String, String>,
    /// Start ([`go_zero_time`] when the sender left it out).
    pub starts_at: DateTime<Utc>,
    /// End: the zero time `0001-01-01T00:00:00Z` while firing (Alertmanager 0.16 and later), the
    /// resolve-timeout forecast while firing (earlier versions), the resolve time once resolved.
    /// [`WebhookAlert::ended_at`] reads it without the zero time.
    pub ends_at: DateTime<Utc>,
    /// Source link (empty when the alert was posted without one).
    #[serde(rename = "generatorURL")]
    pub generator_url: String,
    /// Alertmanager's fingerprint of the label set (Alertmanager 0.19 and later; empty before).
    pub fingerprint: String,
    /// Fields Alertmanager does not send but other senders do (Grafana: `values`, `valueString`,
    /// `silenceURL`, `dashboardURL`, `panelURL`, `imageURL`), as JSON.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert {
    #[serde(default, deserialize_with = "null_as_default")]
    status: String,
    #[serde(default, deserialize_with = "null_as_default")]
    labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    annotations: BTreeMap<String, String>,
    #[serde(default = "go_zero_time", deserialize_with = "time_or_zero")]
    starts_at: DateTime<Utc>,
    #[serde(default = "go_zero_time", deserialize_with = "time_or_zero")]
    ends_at: DateTime<Utc>,
    #[serde(default, rename = "generatorURL", deserialize_with = "null_as_default")]
    generator_url: String,
    #[serde(default, deserialize_with = "null_as_default")]
    fingerprint: String,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

impl<'de> Deserialize<'de> for WebhookAlert {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let r = RawAlert::deserialize(d)?;
        let status = if r.status.is_empty() {
            // types.Alert.Resolved(): an end time that is set and already past.
            if !is_zero_time(&r.ends_at) && r.ends_at <= Utc::now() {
                "resolved".to_string()
            } else {
                "firing".to_string()
            }
        } else {
            r.status
        };
        Ok(WebhookAlert {
            status,
            labels: r.labels,
            annotations: r.annotations,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            generator_url: r.generator_url,
            fingerprint: r.fingerprint,
            extra: r.extra,
        })
    }
}

impl WebhookAlert {
    /// Whether the alert is firing (`status` is `firing`).
    pub fn is_firing(&self) -> bool {
        self.status == "firing"
    }

    /// `endsAt`, or `None` for the zero time a firing alert carries.
    ///
    /// ```
    /// use hermes_anomaly::monitor::WebhookMessage;
    /// let m = WebhookMessage::parse(br#"{"version":"4","groupKey":"{}:{}","status":"firing",
    ///   "receiver":"r","alerts":[{"status":"firing","labels":{"alertname":"A"},
    ///   "startsAt":"2024-05-01T10:00:00+02:00","endsAt":"0001-01-01T00:00:00Z"}]}"#)?;
    /// assert_eq!(m.alerts[0].ended_at(), None);
    /// assert_eq!(m.alerts[0].starts_at.to_rfc3339(), "2024-05-01T08:00:00+00:00");
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn ended_at(&self) -> Option<DateTime<Utc>> {
        (!is_zero_time(&self.ends_at)).then_some(self.ends_at)
    }
}

/// The body Alertmanager POSTs to a `webhook_configs` receiver (version 4; see the module
/// documentation for the other versions and senders it reads).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookMessage {
    /// Payload version (`"4"`; `"3"` before Alertmanager 0.6, `"1"` from Grafana, empty when the
    /// sender left it out).
    pub version: String,
    /// The group's key (`{}/{team="db"}:{alertname="X"}`; empty when the sender left it out).
    pub group_key: String,
    /// Alerts left out because of `max_alerts` (Alertmanager 0.21 and later). When it is not 0,
    /// `alerts`, `status`, `commonLabels` and `commonAnnotations` describe only the alerts sent:
    /// see [`WebhookMessage::is_complete`].
    pub truncated_alerts: u64,
    /// `firing` when any alert sent fires, else `resolved` (worked out from the alerts when the
    /// sender left it out or empty).
    pub status: String,
    /// The receiver's name.
    pub receiver: String,
    /// Group labels.
    pub group_labels: BTreeMap<String, String>,
    /// Labels common to all alerts sent.
    pub common_labels: BTreeMap<String, String>,
    /// Annotations common to all alerts sent.
    pub common_annotations: BTreeMap<String, String>,
    /// Alertmanager's URL.
    #[serde(rename = "externalURL")]
    pub external_url: String,
    /// Why Alertmanager notified (0.32 and later: `first notification`, `new alerts added`,
    /// `some alerts resolved`, `all alerts resolved`, `repeat interval elapsed`; empty before).
    #[serde(
        rename = "notification_reason",
        skip_serializing_if = "String::is_empty"
    )]
    pub notification_reason: String,
    /// The route's labels (Alertmanager 0.34 and later; empty before).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub route_labels: BTreeMap<String, String>,
    /// The alerts.
    pub alerts: Vec<WebhookAlert>,
    /// Fields Alertmanager does not send but other senders do (Grafana: `title`, `state`,
    /// `message`, `orgId`), as JSON.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessage {
    #[serde(default, deserialize_with = "null_as_default")]
    version: String,
    #[serde(default, deserialize_with = "string_or_number")]
    group_key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    truncated_alerts: u64,
    #[serde(default, deserialize_with = "null_as_default")]
    status: String,
    #[serde(default, deserialize_with = "null_as_default")]
    receiver: String,
    #[serde(default, deserialize_with = "null_as_default")]
    group_labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    common_labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "null_as_default")]
    common_annotations: BTreeMap<String, String>,
    #[serde(default, rename = "externalURL", deserialize_with = "null_as_default")]
    external_url: String,
    #[serde(
        default,
        rename = "notification_reason",
        deserialize_with = "null_as_default"
    )]
    notification_reason: String,
    #[serde(default, deserialize_with = "null_as_default")]
    route_labels: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "present")]
    alerts: Option<Vec<WebhookAlert>>,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// `Some` whenever the field is there (`null` read as empty), `None` (by `default`) when it is not.
fn present<'de, D, T>(d: D) -> std::result::Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    null_as_default(d).map(Some)
}

impl<'de> Deserialize<'de> for WebhookMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let r = RawMessage::deserialize(d)?;
        // A body without `alerts` is not a notification (an empty JSON object, another webhook).
        let alerts = r
            .alerts
            .ok_or_else(|| serde::de::Error::missing_field("alerts"))?;
        let status = if r.status.is_empty() {
            // types.Alerts.Status(): firing when any alert fires.
            if alerts.iter().any(WebhookAlert::is_firing) {
                "firing".to_string()
            } else {
                "resolved".to_string()
            }
        } else {
            r.status
        };
        Ok(WebhookMessage {
            version: r.version,
            group_key: r.group_key,
            truncated_alerts: r.truncated_alerts,
            status,
            receiver: r.receiver,
            group_labels: r.group_labels,
            common_labels: r.common_labels,
            common_annotations: r.common_annotations,
            external_url: r.external_url,
            notification_reason: r.notification_reason,
            route_labels: r.route_labels,
            alerts,
            extra: r.extra,
        })
    }
}

impl WebhookMessage {
    /// Parses a notification body, or an [`AnomalyError::InvalidInput`] saying what is wrong.
    ///
    /// ```
    /// use hermes_anomaly::monitor::WebhookMessage;
    /// // Alertmanager 0.25 with `max_alerts: 2`: one alert of the group was left out.
    /// let m = WebhookMessage::parse(br#"{"receiver":"ops","status":"firing","alerts":[
    ///   {"status":"firing","labels":{"alertname":"DiskFull","instance":"vm1"},"annotations":{},
    ///    "startsAt":"2026-11-27T10:19:04.954021671Z","endsAt":"0001-01-01T00:00:00Z",
    ///    "generatorURL":"","fingerprint":"5f29507631ee23ad"}],
    ///   "groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull"},
    ///   "commonAnnotations":{},"externalURL":"http://am:9093","version":"4",
    ///   "groupKey":"{}:{alertname=\"DiskFull\"}","truncatedAlerts":1}"#)?;
    /// assert!(!m.is_complete());
    /// assert_eq!(m.firing().count(), 1);
    /// assert!(WebhookMessage::parse(b"{}").is_err());
    /// # Ok::<(), hermes_anomaly::AnomalyError>(())
    /// ```
    pub fn parse(body: &[u8]) -> Result<WebhookMessage> {
        serde_json::from_slice(body).map_err(|e| {
            AnomalyError::invalid(
                "webhook notification",
                format!(
                    "not an Alertmanager webhook message ({e}); expected a JSON object with \
                     `alerts` as Alertmanager's webhook_configs sends it ({} bytes received)",
                    body.len()
                ),
            )
        })
    }

    /// Whether every alert of the group is in the message: false when `max_alerts` left some out,
    /// and then a firing alert may hide behind a `resolved` status or break the common labels.
    pub fn is_complete(&self) -> bool {
        self.truncated_alerts == 0
    }

    /// The alerts that fire.
    pub fn firing(&self) -> impl Iterator<Item = &WebhookAlert> {
        self.alerts.iter().filter(|a| a.is_firing())
    }

    /// The alerts that are resolved (only sent with `send_resolved: true`).
    pub fn resolved(&self) -> impl Iterator<Item = &WebhookAlert> {
        self.alerts.iter().filter(|a| !a.is_firing())
    }
}

/// How a [`WebhookReceiver`] checks that a notification comes from Alertmanager: the
/// `http_config` of the receiver's `webhook_configs`, mirrored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookAuth {
    /// `authorization: {credentials: ...}` (type `Bearer`, the default) or the older
    /// `bearer_token`: the request must carry `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `basic_auth: {username, password}`.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
}

impl WebhookAuth {
    /// The `Authorization` header value a request must carry.
    fn expected(&self) -> Secret {
        match self {
            WebhookAuth::Bearer(token) => Secret::new(format!("Bearer {}", token.expose())),
            WebhookAuth::Basic { username, password } => {
                use base64::Engine;
                let pair = Secret::new(format!("{username}:{}", password.expose()));
                Secret::new(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair.expose())
                ))
            }
        }
    }
}

/// A webhook receiver: an HTTP endpoint Alertmanager posts notifications to; each parsed
/// [`WebhookMessage`] is handed to the handler (the "alert → action" loop). A body that is not a
/// notification is answered 400 with the reason; with [`WebhookReceiver::bind_with_auth`], a
/// request without the right `Authorization` is answered 401 and never reaches the handler.
///
/// ```no_run
/// # async fn run() -> hermes_anomaly::Result<()> {
/// use hermes_anomaly::monitor::alertmanager::WebhookReceiver;
/// let rx = WebhookReceiver::bind("127.0.0.1:0", |msg| {
///     for a in &msg.alerts { println!("{} {}", a.status, a.labels["alertname"]); }
/// }).await?;
/// println!("point Alertmanager's webhook_configs at http://{}/", rx.local_addr());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct WebhookReceiver {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl WebhookReceiver {
    /// Listens on `addr` and calls `handler` for every notification.
    pub async fn bind(
        addr: &str,
        handler: impl Fn(WebhookMessage) + Send + Sync + 'static,
    ) -> Result<Self> {
        Self::listen(addr, None, handler).await
    }

    /// Listens on `addr` and calls `handler` for every notification that carries the
    /// credentials `auth` names (the `http_config` Alertmanager's `webhook_configs` sends with);
    /// anyone else who can reach the port cannot trigger the action.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use hermes_anomaly::monitor::webhook::{WebhookAuth, WebhookReceiver};
    /// use hermes_core::Secret;
    /// // alertmanager.yml: webhook_configs: [{url: ..., http_config: {authorization:
    /// //   {credentials_file: /etc/alertmanager/hermes-token}}}]
    /// let token = Secret::from_file("/etc/hermes/webhook-token")?;
    /// let rx = WebhookReceiver::bind_with_auth("0.0.0.0:9099", WebhookAuth::Bearer(token), |msg| {
    ///     println!("{} alerts", msg.alerts.len());
    /// }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn bind_with_auth(
        addr: &str,
        auth: WebhookAuth,
        handler: impl Fn(WebhookMessage) + Send + Sync + 'static,
    ) -> Result<Self> {
        let expected = auth.expected();
        if matches!(&auth, WebhookAuth::Bearer(t) if t.is_empty()) {
            return Err(AnomalyError::invalid(
                "webhook bearer token",
                "empty: give the token Alertmanager's http_config sends",
            ));
        }
        Self::listen(addr, Some(expected), handler).await
    }

    async fn listen(
        addr: &str,
        expected: Option<Secret>,
        handler: impl Fn(WebhookMessage) + Send + Sync + 'static,
    ) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| AnomalyError::io(addr, "bind", e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| AnomalyError::io("webhook", "bind", e))?;
        let task = serve(listener, move |req| {
            if let Some(expected) = &expected {
                if req.authorization.as_ref() != Some(expected) {
                    return HttpResponse::error(
                        401,
                        "missing or wrong Authorization: set the http_config of Alertmanager's \
                         webhook_configs to the credentials this receiver was given",
                    );
                }
            }
            if req.method != "POST" {
                return HttpResponse::error(405, "POST a webhook notification");
            }
            match WebhookMessage::parse(&req.body) {
                Ok(m) => {
                    handler(m);
                    HttpResponse::ok("text/plain", "ok")
                }
                Err(e) => HttpResponse::error(400, &e.to_string()),
            }
        });
        Ok(WebhookReceiver { addr, task })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.addr
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Alertmanager 0.5's version 3 (a numeric `groupKey`), and a relay that writes Go's nil maps
    /// and an unset time as `null`.
    #[test]
    fn version_3_group_keys_and_null_maps_and_times() {
        let m = WebhookMessage::parse(
            br#"{"receiver":"r","status":"resolved","alerts":[{"status":"resolved",
              "labels":{"alertname":"A"},"annotations":null,"startsAt":"2019-03-14T17:05:37.903Z",
              "endsAt":null,"generatorURL":null,"fingerprint":null}],
              "groupLabels":null,"commonLabels":null,"commonAnnotations":null,"externalURL":null,
              "version":"3","groupKey":666,"truncatedAlerts":null}"#,
        )
        .unwrap();
        assert_eq!((m.version.as_str(), m.group_key.as_str()), ("3", "666"));
        assert!(m.group_labels.is_empty() && m.common_annotations.is_empty());
        let a = &m.alerts[0];
        assert!(a.annotations.is_empty() && a.generator_url.is_empty());
        assert_eq!((a.ends_at, a.ended_at()), (go_zero_time(), None));
        assert_eq!(m.status, "resolved", "a status that is there is kept");
        let m = WebhookMessage::parse(br#"{"alerts":null}"#).unwrap();
        assert!(m.alerts.is_empty());
        assert_eq!(m.status, "resolved");
    }

    #[test]
    fn alertmanager_0_34_reason_and_route_labels() {
        let m = WebhookMessage::parse(
            br#"{"receiver":"r","status":"firing","alerts":[],"notification_reason":
              "new alerts added","routeLabels":{"team":"db"},"version":"4","groupKey":"{}:{}"}"#,
        )
        .unwrap();
        assert_eq!(m.notification_reason, "new alerts added");
        assert_eq!(m.route_labels["team"], "db");
        assert!(m.extra.is_empty(), "{:?}", m.extra);
        let out = serde_json::to_value(&m).unwrap();
        assert_eq!(out["notification_reason"], "new alerts added");
        assert_eq!(out["routeLabels"]["team"], "db");
    }
}
