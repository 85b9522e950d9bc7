//! Against the real Debian Prometheus 2.42 and Alertmanager 0.25 started by `scripts/peers.sh up`.

use hermes_anomaly::monitor::alertmanager::{Matcher, Silence};
use hermes_anomaly::monitor::rules::{RuleFile, Watched};
use hermes_anomaly::monitor::{AlertmanagerClient, PostableAlert, PrometheusClient, QueryResult};
use hermes_anomaly::AnomalyError;
use hermes_core::{Classify, ErrorKind};
use std::time::Duration;

fn prom() -> PrometheusClient {
    PrometheusClient::new(&format!(
        "http://{}",
        hermes_testkit::peer("prometheus").addr()
    ))
    .unwrap()
}

fn am() -> AlertmanagerClient {
    AlertmanagerClient::new(&format!(
        "http://{}",
        hermes_testkit::peer("alertmanager").addr()
    ))
    .unwrap()
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// The read endpoints dashboards use, on the 2.42 peer: series, label names and values, metric
/// metadata, targets, rules, alerts.
#[tokio::test]
async fn series_label_values_targets_rules_and_alerts() {
    let p = prom();
    p.wait_for("up{job=\"node\"} == 1", Duration::from_secs(30))
        .await
        .unwrap();
    let series = p.series(&["up{job=\"node\"}"], None).await.unwrap();
    assert_eq!(series.len(), 1, "{series:?}");
    assert_eq!(series[0]["__name__"], "up");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let jobs = p
        .label_values("job", &["up"], Some((now - 300.0, now)))
        .await
        .unwrap();
    assert!(jobs.contains(&"node".to_string()), "{jobs:?}");
    assert!(p
        .label_values("job", &["no_such_metric_hermes"], None)
        .await
        .unwrap()
        .is_empty());
    let names = p.label_names(&["up{job=\"node\"}"], None).await.unwrap();
    assert!(names.contains(&"instance".to_string()), "{names:?}");
    let meta = p
        .metric_metadata(Some("node_cpu_seconds_total"))
        .await
        .unwrap();
    assert_eq!(meta["node_cpu_seconds_total"][0].kind, "counter");
    let targets = p.targets().await.unwrap();
    let node = targets
        .active_targets
        .iter()
        .find(|t| t.labels.get("job").map(String::as_str) == Some("node"))
        .expect("the node-exporter target");
    assert!(node.is_up(), "{node:?}");
    assert!(node.last_scrape.is_some() && node.last_scrape_duration > 0.0);
    assert_eq!(node.scrape_pool, "node");
    // Whatever rule files the peer holds, both endpoints read.
    for g in p.rules().await.unwrap() {
        assert!(g
            .rules
            .iter()
            .all(|r| !r.name.is_empty() && !r.query.is_empty()));
    }
    let alerts = p.alerts().await.unwrap();
    assert!(alerts.iter().all(|a| a.labels.contains_key("alertname")));
    let e = p.series(&["up{"], None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("/api/v1/series [\"up{\"]"), "{e}");
}

#[tokio::test]
async fn instant_and_range_queries_are_typed() {
    let p = prom();
    // node-exporter is scraped every second; wait until its first sample exists.
    let up = p
        .wait_for("up{job=\"node\"}", Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(up.len(), 1, "node-exporter target not scraped");
    assert_eq!(up[0].metric["job"], "node");
    assert_eq!(up[0].value.value, 1.0);

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let m = p
        .query_range("up{job=\"node\"}", now - 30.0, now, Duration::from_secs(1))
        .await
        .unwrap()
        .result
        .into_matrix()
        .unwrap();
    assert_eq!(m.len(), 1);
    assert!(!m[0].values.is_empty());
    assert!(m[0].values.windows(2).all(|w| w[0].time < w[1].time));

    match p.query("1 / 0", None).await.unwrap().result {
        QueryResult::Scalar(s) => assert!(s.value.is_infinite()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn prometheus_error_body_becomes_typed_error() {
    let err = prom().query("sum(rate(", None).await.unwrap_err();
    match &err {
        AnomalyError::Api {
            status,
            error_type,
            message,
            ..
        } => {
            assert_eq!(*status, 400);
            assert_eq!(error_type, "bad_data");
            assert!(message.contains("parse error"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let core: hermes_core::Error = err.into();
    assert_eq!(core.kind(), ErrorKind::InvalidInput);
    assert!(core.target().unwrap().ends_with("/api/v1/query"));
}

#[tokio::test]
async fn waiting_for_a_series_that_never_appears_is_a_timeout_naming_the_query() {
    let q = "up{job=\"no-such-job\"}";
    let err = prom()
        .wait_for(q, Duration::from_millis(1200))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("no-such-job"), "{err}");
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error_not_sent() {
    let port = hermes_testkit::free_port();
    let p = PrometheusClient::new(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .with_timeout(Duration::from_secs(2))
        .unwrap();
    let err = p.query("up", None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(err.sent(), hermes_core::Sent::No);
}

#[tokio::test]
async fn alert_is_posted_listed_and_resolved() {
    let a = am();
    let name = unique("HermesTest");
    let alert = PostableAlert::new(&name)
        .label("series", "cpu")
        .annotation("summary", "test alert")
        .starts_at(chrono::Utc::now())
        .generator_url("http://127.0.0.1/graph");
    a.post_alerts(std::slice::from_ref(&alert)).await.unwrap();
    let filter = format!("alertname=\"{name}\"");
    let listed = a.alerts(&[&filter]).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].labels["series"], "cpu");
    assert_eq!(listed[0].annotations["summary"], "test alert");
    a.resolve(&[alert]).await.unwrap();
    let mut gone = false;
    for _ in 0..50 {
        if a.alerts(&[&filter]).await.unwrap().is_empty() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "resolved alert still listed as active");
}

/// A silence of alerts named `name`, from `now` for one hour.
fn one_hour_silence(name: &str, now: chrono::DateTime<chrono::Utc>, comment: &str) -> Silence {
    Silence {
        id: String::new(),
        matchers: vec![Matcher {
            name: "alertname".into(),
            value: name.to_string(),
            is_regex: false,
            is_equal: true,
        }],
        starts_at: now,
        ends_at: now + chrono::Duration::hours(1),
        created_by: "hermes-tests".into(),
        comment: comment.into(),
        status: None,
    }
}

#[tokio::test]
async fn silences_are_created_read_and_expired() {
    let a = am();
    let name = unique("HermesSilence");
    let now = chrono::Utc::now();
    let id = a
        .create_silence(&one_hour_silence(&name, now, "maintenance"))
        .await
        .unwrap();
    let all = a.silences().await.unwrap();
    let s = all.iter().find(|s| s.id == id).expect("silence listed");
    assert_eq!(s.matchers[0].value, name);
    assert_eq!(s.status.as_ref().unwrap()["state"], "active");
    a.expire_silence(&id).await.unwrap();
    let all = a.silences().await.unwrap();
    let s = all.iter().find(|s| s.id == id).unwrap();
    assert_eq!(s.status.as_ref().unwrap()["state"], "expired");
    // A bad silence is refused with Alertmanager's message as a typed error.
    let err = a.expire_silence("not-a-uuid").await.unwrap_err();
    assert!(matches!(err, AnomalyError::Api { .. }), "{err:?}");
}

#[test]
fn generated_rule_file_passes_promtool() {
    let yaml = RuleFile::new("hermes-anomaly")
        .interval("15s")
        .watch(Watched::new(
            "cpu",
            "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[1m]))",
        ))
        .watch(Watched::new(
            "mem",
            "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
        ))
        .alert_on_score(0.999, "5s")
        .alert_on_zscore(3.0)
        .render();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hermes.yml");
    std::fs::write(&path, &yaml).unwrap();
    let out = std::process::Command::new("promtool")
        .arg("check")
        .arg("rules")
        .arg(&path)
        .output()
        .expect("promtool (Debian prometheus; scripts/peers.sh up prometheus)");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}\n{yaml}");
    assert!(text.contains("SUCCESS: 11 rules found"), "{text}");
    // And a broken expression is caught by the same check.
    std::fs::write(&path, yaml.replace("avg_over_time(", "avg_over_time((")).unwrap();
    let out = std::process::Command::new("promtool")
        .args(["check", "rules"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn grafana_dashboard_has_the_schema_fields_grafana_requires() {
    let d =
        hermes_anomaly::monitor::grafana::dashboard("Hermes anomalies", "prom", &["cpu", "mem"]);
    assert_eq!(
        d["schemaVersion"],
        hermes_anomaly::monitor::grafana::SCHEMA_VERSION
    );
    let panels = d["panels"].as_array().unwrap();
    assert_eq!(panels.len(), 4);
    let mut ids = std::collections::BTreeSet::new();
    for p in panels {
        assert!(ids.insert(p["id"].as_u64().unwrap()), "panel ids unique");
        for k in ["h", "w", "x", "y"] {
            assert!(p["gridPos"][k].is_u64());
        }
        assert!(p["gridPos"]["x"].as_u64().unwrap() + p["gridPos"]["w"].as_u64().unwrap() <= 24);
        for t in p["targets"].as_array().unwrap() {
            assert!(
                t["refId"].is_string()
                    && t["expr"].as_str().unwrap().starts_with("hermes_anomaly_")
            );
        }
    }
    let band = &panels[0]["fieldConfig"]["overrides"][0]["properties"][0];
    assert_eq!(band["id"], "custom.fillBelowTo");
    assert_eq!(
        d["annotations"]["list"][1]["expr"],
        "hermes_anomaly_alarm == 1"
    );
}

#[tokio::test]
async fn webhook_receiver_gets_firing_and_resolved_notifications_from_alertmanager() {
    use hermes_anomaly::monitor::{WebhookMessage, WebhookReceiver};
    let addr = hermes_testkit::peer("alertmanager").setting("WEBHOOK_ADDR");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<WebhookMessage>();
    let _rx_server = WebhookReceiver::bind(&addr, move |m| {
        let _ = tx.send(m);
    })
    .await
    .unwrap();
    let name = unique("HermesWebhook");
    let alert = PostableAlert::new(&name)
        .label("hermes_webhook", "true")
        .annotation("summary", "webhook test");
    let a = am();
    a.post_alerts(std::slice::from_ref(&alert)).await.unwrap();
    let firing = wait_for(&mut rx, &name, "firing").await;
    assert_eq!(firing.version, "4");
    assert_eq!(firing.receiver, "hermes-webhook");
    assert_eq!(firing.alerts[0].annotations["summary"], "webhook test");
    a.resolve(&[alert]).await.unwrap();
    let resolved = wait_for(&mut rx, &name, "resolved").await;
    assert_eq!(resolved.alerts[0].status, "resolved");
}

async fn wait_for(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<hermes_anomaly::monitor::WebhookMessage>,
    name: &str,
    status: &str,
) -> hermes_anomaly::monitor::WebhookMessage {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("no webhook notification within 30 s")
            .unwrap();
        if m.common_labels.get("alertname").map(String::as_str) == Some(name) && m.status == status
        {
            return m;
        }
    }
}

#[tokio::test]
async fn backfill_learns_from_prometheus_history_before_the_first_live_point() {
    use hermes_anomaly::monitor::watch::{WatchEvent, WatchSpec, Watcher};
    use hermes_anomaly::monitor::Exporter;
    let q = "1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[5s]))";
    let spec = || WatchSpec::new("host_cpu", q);
    let warm_spec = spec().backfill(Duration::from_secs(60), Duration::from_secs(1));
    // Prometheus scrapes node-exporter every second: wait until it holds 40 s of the series.
    let held = "count_over_time(node_load1[60s]) >= 40";
    prom()
        .wait_for(held, Duration::from_secs(90))
        .await
        .unwrap();
    // The first live verdict after a tick (the first one may share the last learned second).
    async fn first_verdict(w: &mut Watcher) -> (Vec<WatchEvent>, hermes_anomaly::detect::Verdict) {
        let mut all = Vec::new();
        for _ in 0..5 {
            let ev = w.tick().await.unwrap();
            all.extend(ev.iter().cloned());
            if let Some(v) = ev.iter().find_map(|e| match e {
                WatchEvent::Scored { verdict, .. } => Some(*verdict),
                _ => None,
            }) {
                return (all, v);
            }
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        panic!("no live verdict in 5 ticks: {all:?}");
    }

    let mut warm = Watcher::new(prom(), Exporter::new(0.999)).watch(warm_spec);
    let (events, verdict) = first_verdict(&mut warm).await;
    let learned: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            WatchEvent::Learned { points, .. } => Some(*points),
            _ => None,
        })
        .collect();
    assert_eq!(learned.len(), 1, "{events:?}");
    assert!((35..=61).contains(&learned[0]), "{events:?}");
    // With 20 or more points learned the reference exists: the first live verdict has a band.
    assert!(
        verdict.expected.is_some() && verdict.lower.is_some(),
        "{verdict:?}"
    );
    let again = warm.tick().await.unwrap();
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, WatchEvent::Learned { .. })),
        "learned twice: {again:?}"
    );

    // 12,000 steps of 5 ms: more than Prometheus answers in one query (11,000), so it is asked in
    // chunks; the repeated samples within a second are skipped as out of order.
    let fine = spec().backfill(Duration::from_secs(60), Duration::from_millis(5));
    let mut fine = Watcher::new(prom(), Exporter::new(0.999)).watch(fine);
    let events = fine.tick().await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, WatchEvent::Learned { points, .. } if (35..=61).contains(points))),
        "{events:?}"
    );

    // Without a backfill the first live verdict has nothing to compare with.
    let mut cold = Watcher::new(prom(), Exporter::new(0.999)).watch(spec());
    let (events, verdict) = first_verdict(&mut cold).await;
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, WatchEvent::Learned { .. })),
        "{events:?}"
    );
    assert!(verdict.expected.is_none(), "{verdict:?}");
}

/// The status endpoints, exemplars, targets metadata and Alertmanager's receivers on the peers,
/// and the errors they give for a bad query, a bad selector and an unknown silence.
#[tokio::test]
async fn status_exemplars_targets_metadata_and_receivers() {
    let p = prom();
    p.wait_for("up{job=\"node\"} == 1", Duration::from_secs(30))
        .await
        .unwrap();
    let build = p.build_info().await.unwrap();
    assert_eq!(build.major(), Some(2), "{build:?}");
    let runtime = p.runtime_info().await.unwrap();
    assert!(runtime.reload_config_success && runtime.start_time.is_some());
    let flags = p.flags().await.unwrap();
    assert!(flags.contains_key("query.timeout"), "{flags:?}");
    assert!(p
        .loaded_config()
        .await
        .unwrap()
        .yaml
        .contains("job_name: node"));
    let tsdb = p.tsdb_status(Some(3)).await.unwrap();
    assert!(tsdb.head_stats.num_series > 0 && tsdb.head_stats.span().is_some());
    assert!(tsdb.series_count_by_metric_name.len() <= 10);
    assert_eq!(p.wal_replay().await.unwrap().progress(), 1.0);
    assert!(p.is_ready().await.unwrap());

    let now = chrono::Utc::now().timestamp() as f64;
    assert!(p
        .query_exemplars("up", now - 300.0, now)
        .await
        .unwrap()
        .iter()
        .all(|s| s.exemplars.is_empty()));
    let e = p
        .query_exemplars("rate(up[5m]", now - 300.0, now)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("rate(up[5m]"), "{e}");

    let m = p
        .targets_metadata(Some("{job=\"node\"}"), Some("node_load1"), None)
        .await
        .unwrap();
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(
        (m[0].metric.as_str(), m[0].kind.as_str()),
        ("node_load1", "gauge")
    );
    let e = p
        .targets_metadata(Some("{job="), None, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("match_target"), "{e}");

    let a = am();
    let receivers = a.receivers().await.unwrap();
    assert!(!receivers.is_empty());
    let name = unique("HermesSilenceTwice");
    let now = chrono::Utc::now();
    let id = a
        .create_silence(&one_hour_silence(&name, now, "expired twice"))
        .await
        .unwrap();
    assert_eq!(a.silence(&id).await.unwrap().matchers[0].value, name);
    a.expire_silence(&id).await.unwrap();
    // Expiring an expired silence is not an error.
    a.expire_silence(&id).await.unwrap();
    let s = a.silence(&id).await.unwrap();
    assert_eq!(s.status.as_ref().unwrap()["state"], "expired");
    // An expired silence cannot be updated: posting it again with its id makes a new silence,
    // under a new id (the old one stays expired).
    let renewed = a
        .create_silence(&Silence {
            ends_at: chrono::Utc::now() + chrono::Duration::hours(1),
            status: None,
            ..s.clone()
        })
        .await
        .unwrap();
    assert_ne!(renewed, id);
    assert_eq!(
        a.silence(&renewed).await.unwrap().status.unwrap()["state"],
        "active"
    );
    assert_eq!(
        a.silence(&id).await.unwrap().status.unwrap()["state"],
        "expired"
    );
    a.expire_silence(&renewed).await.unwrap();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let e = a.expire_silence(unknown).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    let e = a.silence(unknown).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
}
