//! The monitoring stack: Prometheus queries, Alertmanager alerts and webhooks (sent and received),
//! the `/metrics` exporter, rule files and Grafana dashboards.

pub mod alertmanager;
pub mod confirm;
pub mod exporter;
pub mod grafana;
mod http;
pub mod prometheus;
pub mod rules;
pub mod watch;
pub mod webhook;

pub use alertmanager::{AlertmanagerClient, PostableAlert};
pub use exporter::{Exporter, ExporterHandle};
pub use http::{HttpRequest, HttpResponse};
pub use prometheus::{PrometheusClient, QueryResponse, QueryResult};
pub use webhook::{WebhookAlert, WebhookMessage, WebhookReceiver};
