//! The monitoring stack: Prometheus queries and read endpoints (series, label values, targets and
//! their metadata, rules, alerts, exemplars, status), Alertmanager alerts, receivers, silences and
//! webhooks, the `/metrics` exporter, rule files and Grafana dashboards.

pub mod alerting;
pub mod alertmanager;
pub mod confirm;
pub mod exemplars;
pub mod exporter;
pub mod grafana;
mod http;
pub mod metadata;
pub mod prometheus;
pub mod rules;
pub mod status;
pub mod targets;
pub mod watch;
pub mod webhook;

pub use alertmanager::{AlertmanagerClient, PostableAlert};
pub use exporter::{Exporter, ExporterHandle};
pub use http::{HttpRequest, HttpResponse};
pub use prometheus::{PrometheusClient, QueryResponse, QueryResult};
pub use webhook::{WebhookAlert, WebhookMessage, WebhookReceiver};
