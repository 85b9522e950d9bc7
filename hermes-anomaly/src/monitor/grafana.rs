//! Grafana dashboard JSON: per watched series, a time-series panel with the observed value, the expected
//! value and the band (lower/upper filled between), a score panel, and anomaly annotations from
//! `hermes_anomaly_alarm`. Targets dashboard `schemaVersion` 39 (Grafana 10.4 / 11.x).

use serde_json::{json, Value};

/// The dashboard schema version the JSON follows.
pub const SCHEMA_VERSION: u32 = 39;

/// Builds a dashboard for `series` (the `series` label values the exporter publishes), reading from the
/// Prometheus data source with uid `datasource_uid`.
///
/// ```
/// let d = hermes_anomaly::monitor::grafana::dashboard("Hermes anomalies", "prometheus", &["cpu"]);
/// assert_eq!(d["schemaVersion"], 39);
/// assert_eq!(d["panels"].as_array().unwrap().len(), 2);
/// ```
pub fn dashboard(title: &str, datasource_uid: &str, series: &[&str]) -> Value {
    let ds = json!({"type": "prometheus", "uid": datasource_uid});
    let mut panels = Vec::new();
    for (i, s) in series.iter().enumerate() {
        let sel = format!("{{series=\"{}\"}}", s.replace('"', "\\\""));
        let y = (i * 8) as u32;
        panels.push(json!({
            "id": (2 * i + 1) as u32,
            "type": "timeseries",
            "title": format!("{s}: observed, expected and band"),
            "datasource": ds,
            "gridPos": {"h": 8, "w": 16, "x": 0, "y": y},
            "targets": [
                {"refId": "A", "datasource": ds, "expr": format!("hermes_anomaly_observed{sel}"), "legendFormat": "observed"},
                {"refId": "B", "datasource": ds, "expr": format!("hermes_anomaly_expected{sel}"), "legendFormat": "expected"},
                {"refId": "C", "datasource": ds, "expr": format!("hermes_anomaly_lower{sel}"), "legendFormat": "lower"},
                {"refId": "D", "datasource": ds, "expr": format!("hermes_anomaly_upper{sel}"), "legendFormat": "upper"}
            ],
            "fieldConfig": {
                "defaults": {"custom": {"lineWidth": 1, "fillOpacity": 0}},
                "overrides": [
                    {"matcher": {"id": "byName", "options": "upper"},
                     "properties": [{"id": "custom.fillBelowTo", "value": "lower"},
                                    {"id": "custom.fillOpacity", "value": 20},
                                    {"id": "custom.lineWidth", "value": 0}]},
                    {"matcher": {"id": "byName", "options": "lower"},
                     "properties": [{"id": "custom.lineWidth", "value": 0}]},
                    {"matcher": {"id": "byName", "options": "expected"},
                     "properties": [{"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [10, 10]}}]}
                ]
            },
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": true},
                        "tooltip": {"mode": "multi", "sort": "none"}}
        }));
        panels.push(json!({
            "id": (2 * i + 2) as u32,
            "type": "timeseries",
            "title": format!("{s}: anomaly score"),
            "datasource": ds,
            "gridPos": {"h": 8, "w": 8, "x": 16, "y": y},
            "targets": [{"refId": "A", "datasource": ds, "expr": format!("hermes_anomaly_score{sel}"), "legendFormat": "score"}],
            "fieldConfig": {"defaults": {"min": 0, "max": 1,
                "thresholds": {"mode": "absolute", "steps": [{"color": "green", "value": null}, {"color": "red", "value": 0.99}]},
                "custom": {"thresholdsStyle": {"mode": "line"}}}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": false},
                        "tooltip": {"mode": "single", "sort": "none"}}
        }));
    }
    json!({
        "title": title,
        "uid": format!("hermes-{}", title.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "-")).chars().take(40).collect::<String>(),
        "schemaVersion": SCHEMA_VERSION,
        "version": 1,
        "editable": true,
        "tags": ["hermes", "anomaly"],
        "time": {"from": "now-6h", "to": "now"},
        "timezone": "browser",
        "refresh": "30s",
        "templating": {"list": []},
        "annotations": {"list": [
            {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": true, "hide": true,
             "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts", "type": "dashboard"},
            {"datasource": ds, "enable": true, "iconColor": "red", "name": "Hermes anomalies",
             "expr": "hermes_anomaly_alarm == 1", "step": "15s", "titleFormat": "{{series}}: {{kind}} anomaly",
             "textFormat": "detector {{detector}}", "useValueForTime": false}
        ]},
        "panels": panels
    })
}
