//! Real replies of Prometheus (2.0 docs, 2.20 docs, 2.30 docs, 2.40, 2.42, 3.x) and Alertmanager (0.17, 0.21,
//! 0.25, 0.27, 0.31) that the local peers do not give, and webhook notifications of other
//! Alertmanager versions and senders (tests/recorded/, provenance and sha256 in
//! tests/recorded/SOURCES.md), read through the crate's public parsers, and through the clients and
//! the webhook receiver themselves over HTTP on 127.0.0.1 where the HTTP path matters. The last
//! tests truncate every reply: a typed error, never a panic.

use hermes_anomaly::monitor::alerting::{ActiveAlerts, RuleGroups};
use hermes_anomaly::monitor::alertmanager::{
    parse_am_reply, AlertGroup, AlertmanagerStatus, GettableAlert, Receiver, Silence,
};
use hermes_anomaly::monitor::exemplars::SeriesExemplars;
use hermes_anomaly::monitor::metadata::{MetricMetadata, SeriesLabels};
use hermes_anomaly::monitor::prometheus::{
    parse_api_reply, parse_query_reply, parse_query_response, ApiRequest, QueryResponse,
};
use hermes_anomaly::monitor::status::{
    BuildInfo, LoadedConfig, RuntimeInfo, TsdbStatus, WalReplay,
};
use hermes_anomaly::monitor::targets::{TargetMetadata, Targets};
use hermes_anomaly::monitor::{
    AlertmanagerClient, PrometheusClient, QueryResult, WebhookMessage, WebhookReceiver,
};
use hermes_anomaly::AnomalyError;
use hermes_core::{Classify, ErrorKind};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;

const TARGET: &str = "http://prometheus:9090/api/v1/query";

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/recorded")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// SOURCES.md's table: file -> (HTTP status, bytes, sha256); the status is 0 for a request body
/// (a webhook notification, `-` in the table).
fn sources() -> BTreeMap<String, (u16, usize, String)> {
    let text = std::fs::read_to_string(dir().join("SOURCES.md")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        let n = cells.len();
        let unquote = |s: &str| s.trim().trim_matches('`').to_string();
        out.insert(
            unquote(cells[0]),
            (
                match cells[n - 3].trim() {
                    "-" => 0,
                    status => status.parse().unwrap(),
                },
                cells[n - 2].trim().parse().unwrap(),
                unquote(cells[n - 1]),
            ),
        );
    }
    out
}

#[test]
fn every_recorded_file_is_listed_with_its_sha256() {
    let listed = sources();
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "SOURCES.md" && !n.starts_with("LICENSE-") && !n.starts_with("NOTICE-"))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, listed.keys().cloned().collect::<Vec<_>>());
    for (name, (_, len, sha)) in &listed {
        let bytes = read(name);
        assert_eq!(bytes.len(), *len, "{name}: size changed");
        assert_eq!(
            &format!("{:x}", Sha256::digest(&bytes)),
            sha,
            "{name}: content changed"
        );
    }
}

fn reply(name: &str, query: &str) -> hermes_anomaly::Result<QueryResponse> {
    let (status, _, _) = sources()[name];
    parse_query_reply(TARGET, query, status, &read(name), None)
}

fn ok(name: &str, query: &str) -> QueryResponse {
    reply(name, query).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A matrix series as client_golang records it, in the envelope Prometheus sends it in.
fn series_reply(name: &str) -> Vec<u8> {
    let mut body = br#"{"status":"success","data":{"resultType":"matrix","result":["#.to_vec();
    body.extend(read(name));
    body.extend(b"]}}");
    body
}

#[test]
fn instant_vectors_of_prometheus_2_0_docs_2_42_and_3_x() {
    let v = ok("prom-v2.0.0-docs-query-vector.json", "up")
        .into_vector()
        .unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].metric["instance"], "localhost:9090");
    assert_eq!((v[0].value.time, v[0].value.value), (1435781451.781, 1.0));
    assert_eq!(
        (v[1].metric["job"].as_str(), v[1].value.value),
        ("node", 0.0)
    );

    let v = ok("prom-v3-codec-vector.json", "foo or bar")
        .into_vector()
        .unwrap();
    let got: Vec<(&str, f64, f64)> = v
        .iter()
        .map(|s| (s.metric["__name__"].as_str(), s.value.time, s.value.value))
        .collect();
    assert_eq!(got, [("foo", 1.0, 1.0), ("bar", 2.0, 2.0)]);

    let v = ok("prom-v3-openapi-query-vector.json", "up")
        .into_vector()
        .unwrap();
    assert_eq!(v[0].metric["instance"], "demo.prometheus.io:9090");
    assert_eq!(v[0].value.time, 1767436620.0);
    assert!(v.iter().all(|s| s.histogram.is_none()));
}

#[test]
fn matrices_of_prometheus_2_0_docs_and_3_x() {
    let m = ok("prom-v2.0.0-docs-query_range-matrix.json", "up")
        .into_matrix()
        .unwrap();
    assert_eq!(m.len(), 2);
    let node: Vec<f64> = m[1].values.iter().map(|p| p.value).collect();
    assert_eq!(node, [0.0, 0.0, 1.0]);
    assert_eq!(m[1].values[2].time, 1435781460.781);

    for name in [
        "prom-v3-codec-matrix.json",
        "prom-v3-openapi-query-matrix.json",
        "prom-v3-openapi-query_range-matrix.json",
    ] {
        let m = ok(name, "up").into_matrix().unwrap();
        assert!(
            !m.is_empty()
                && m.iter()
                    .all(|s| !s.values.is_empty() && s.histograms.is_empty())
        );
    }
    // A range selector in an instant query gives a matrix, not a vector: the error names both.
    let e = ok("prom-v3-openapi-query-matrix.json", "up[5m]")
        .into_vector()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("expected a vector result, got matrix") && e.contains("up[5m]"),
        "{e}"
    );
}

/// Before: a histogram-only matrix series parsed as a series with no values (the histograms silently
/// dropped), and a histogram vector sample failed with serde's "missing field `value`" naming no
/// query. Now both are read, and the float accessors refuse them naming the query and the series.
#[test]
fn native_histograms_of_prometheus_2_40_and_3_x_are_read_not_dropped() {
    let q = "rate(http_request_duration_seconds[5m])";
    let r = ok("prom-v2.40.0-codec-matrix-histograms.json", q);
    let e = r.clone().into_matrix().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    let msg = e.to_string();
    assert!(
        msg.contains(q) && msg.contains(r#"{__name__="foo"}"#) && msg.contains("native histogram"),
        "{msg}"
    );
    let m = r.result.into_matrix_with_histograms().unwrap();
    assert!(m[0].values.is_empty());
    let h = &m[0].histograms[0];
    assert_eq!(
        (h.time, h.histogram.count, h.histogram.sum),
        (1.0, 10.0, 20.0)
    );
    assert_eq!(h.histogram.buckets.len(), 8);
    let zero = h.histogram.buckets[2];
    assert_eq!(
        (zero.boundary, zero.lower, zero.upper, zero.count),
        (3, -0.001, 0.001, 12.0)
    );
    assert_eq!(
        h.histogram.buckets[0].boundary, 1,
        "negative buckets are open right"
    );

    let r = ok(
        "prom-v3-openapi-query-vector-histogram.json",
        "http_request_duration_seconds",
    );
    let msg = r.clone().into_vector().unwrap_err().to_string();
    assert!(
        msg.contains("\"http_request_duration_seconds\"") && msg.contains("histogram_quantile"),
        "{msg}"
    );
    let v = r.result.into_vector_with_histograms().unwrap();
    let h = v[0].histogram.as_ref().unwrap();
    assert!(
        v[0].value.value.is_nan(),
        "no float value is made up for a histogram sample"
    );
    assert_eq!((h.histogram.count, h.histogram.sum), (12.5, 42.1));
    assert!((h.histogram.buckets[1].upper - std::f64::consts::SQRT_2).abs() < 1e-15);

    let m = ok("prom-v3-openapi-query_range-histograms.json", "x")
        .result
        .into_matrix_with_histograms()
        .unwrap();
    assert!(m[0].values.is_empty());
    assert_eq!(m[0].histograms[0].time, 1767433020.0);
    assert_eq!(
        m[0].histograms[0].histogram.buckets[0].lower,
        0.7071067811865475
    );
}

#[test]
fn client_golang_matrix_series_floats_histograms_and_both() {
    let parse =
        |name| parse_query_reply(TARGET, "timeseries_0", 200, &series_reply(name), None).unwrap();
    let floats = parse("prom-clientgolang-matrix-series-floats.json")
        .into_matrix()
        .unwrap();
    let values: Vec<f64> = floats[0].values.iter().map(|p| p.value).collect();
    assert_eq!(values, [1.0, 2.0, 3.0, 4.0, 5.0]);
    for name in [
        "prom-clientgolang-matrix-series-histograms.json",
        "prom-clientgolang-matrix-series-mixed.json",
    ] {
        let r = parse(name);
        assert!(
            r.clone().into_matrix().is_err(),
            "{name}: histograms must not vanish"
        );
        let m = r.result.into_matrix_with_histograms().unwrap();
        assert!(!m[0].histograms.is_empty(), "{name}");
        assert_eq!(m[0].histograms[0].histogram.count, 13.5);
    }
    let mixed = parse("prom-clientgolang-matrix-series-mixed.json")
        .result
        .into_matrix_with_histograms()
        .unwrap();
    assert_eq!(mixed[0].values.len(), 5);
}

#[test]
fn special_floats_scalars_strings_and_empty_results_from_prometheus_2_42() {
    let QueryResult::Scalar(p) = ok("prom-v2.42-peer-query-scalar-nan.json", "q").result else {
        panic!("scalar expected")
    };
    assert!(p.value.is_nan());
    let v = ok("prom-v2.42-peer-query-vector-inf.json", "q")
        .into_vector()
        .unwrap();
    let by: BTreeMap<&str, f64> = v
        .iter()
        .map(|s| (s.metric["s"].as_str(), s.value.value))
        .collect();
    assert_eq!(by["neg"], f64::NEG_INFINITY);
    assert_eq!(by["pos"], f64::INFINITY);
    assert!(by["nan"].is_nan());
    assert_eq!(
        ok("prom-v2.42-peer-query-string.json", "q").result,
        QueryResult::String(1795769000.0, "hermes".into())
    );
    assert!(ok("prom-v2.42-peer-query-empty.json", "q")
        .into_vector()
        .unwrap()
        .is_empty());
    assert!(ok("prom-v2.42-peer-query_range-empty.json", "q")
        .into_matrix()
        .unwrap()
        .is_empty());
}

#[test]
fn stats_warnings_and_infos_are_kept() {
    let r = ok("prom-v2.42-peer-query-stats-all.json", "up");
    let stats = r.stats.clone().expect("stats=all reply carries stats");
    assert_eq!(stats["samples"]["totalQueryableSamples"], 2);
    assert!(stats["timings"]["evalTotalTime"].as_f64().unwrap() > 0.0);
    assert_eq!(r.into_vector().unwrap().len(), 2);
    let r = ok("prom-v2.42-peer-query_range-stats-all.json", "up");
    assert!(r.stats.is_some());
    assert_eq!(r.into_matrix().unwrap()[0].values.len(), 3);
    assert!(ok("prom-v2.0.0-docs-query-vector.json", "up")
        .stats
        .is_none());

    let w = ok("cortex-query_range-warnings.json", "q");
    assert_eq!(
        (w.warnings.as_slice(), w.infos.len()),
        (["test-warn".to_string()].as_slice(), 0)
    );
    let i = ok(
        "cortex-query_range-infos.json",
        "rate(go_gc_gogc_percent[5m])",
    );
    assert!(i.warnings.is_empty());
    assert!(
        i.infos[0].starts_with("PromQL info: metric might not be a counter"),
        "{:?}",
        i.infos
    );
    assert_eq!(i.into_matrix().unwrap()[0].values[1].value, 137.0);
}

#[test]
fn prometheus_error_replies_are_typed_and_name_the_query() {
    for (name, status, error_type, kind) in [
        (
            "prom-v2.42-peer-error-bad_data-parse.json",
            400,
            "bad_data",
            ErrorKind::InvalidInput,
        ),
        (
            "prom-v2.42-peer-error-bad_data-timeout-param.json",
            400,
            "bad_data",
            ErrorKind::InvalidInput,
        ),
        (
            "prom-v2.42-peer-error-bad_data-resolution.json",
            400,
            "bad_data",
            ErrorKind::InvalidInput,
        ),
        (
            "prom-v2.42-peer-error-execution-many-to-many.json",
            422,
            "execution",
            ErrorKind::InvalidInput,
        ),
        (
            "prom-v2.42-peer-error-execution-deadline.json",
            422,
            "execution",
            ErrorKind::Timeout,
        ),
        (
            "prom-v2.42-peer-error-unavailable-admin.json",
            500,
            "unavailable",
            ErrorKind::Unsupported,
        ),
        (
            "prom-v2.42-peer-error-not-found.txt",
            404,
            "http",
            ErrorKind::NotFound,
        ),
        (
            "prom-v2.42-peer-error-timeout.json",
            503,
            "timeout",
            ErrorKind::Timeout,
        ),
        (
            "prom-v2.42-peer-error-internal.json",
            500,
            "internal",
            ErrorKind::Internal,
        ),
        (
            "prom-v3-respond-error-timeout.json",
            503,
            "timeout",
            ErrorKind::Timeout,
        ),
        (
            "prom-v3-respond-error-not_acceptable.json",
            406,
            "not_acceptable",
            ErrorKind::Unsupported,
        ),
        (
            "cortex-query_range-error-server_error.json",
            500,
            "server_error",
            ErrorKind::Internal,
        ),
        (
            "prom-v2.42-peer-error-canceled.json",
            503,
            "canceled",
            ErrorKind::Cancelled,
        ),
    ] {
        let e = reply(name, "my_query{a=\"b\"}").unwrap_err();
        assert_eq!(e.kind(), kind, "{name}");
        let AnomalyError::Api {
            status: s,
            error_type: t,
            ref message,
            ..
        } = e
        else {
            panic!("{name}: {e:?}")
        };
        assert_eq!((s, t.as_str()), (status, error_type), "{name}");
        assert!(
            message.contains(r#"my_query{a=\"b\"}"#),
            "{name}: {message}"
        );
        assert!(!message.trim().is_empty());
    }
    // The old entry point keeps its messages as they were (no query to name).
    let e = parse_query_response(
        TARGET,
        400,
        &read("prom-v2.42-peer-error-bad_data-parse.json"),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(e.ends_with("parse error: unclosed left parenthesis"), "{e}");
}

#[test]
fn alertmanager_silences_of_0_17_to_0_31() {
    for name in [
        "am-v0.17.0-silences.json",
        "am-v0.21.0-silences.json",
        "am-v0.27.0-silences.json",
        "am-v0.31.0-silences.json",
    ] {
        let s: Vec<Silence> = parse_am_reply("am", 200, &read(name), None).unwrap();
        assert!(!s.is_empty(), "{name}");
        for silence in &s {
            assert!(
                !silence.id.is_empty() && !silence.matchers.is_empty(),
                "{name}"
            );
            assert_eq!(
                silence.status.as_ref().unwrap()["state"],
                "active",
                "{name}"
            );
            // `isEqual` came in 0.22; before it every matcher was an equality.
            assert!(silence.matchers.iter().all(|m| m.is_equal), "{name}");
        }
        let text = String::from_utf8(read(name)).unwrap();
        let regexes = s
            .iter()
            .flat_map(|x| &x.matchers)
            .filter(|m| m.is_regex)
            .count();
        assert_eq!(regexes, text.matches("\"isRegex\": true").count(), "{name}");
        assert_eq!(s[0].created_by, "john@example.com");
    }
    let old = String::from_utf8(read("am-v0.17.0-silences.json")).unwrap();
    assert!(
        !old.contains("isEqual"),
        "the 0.17 reply really lacks isEqual"
    );
}

#[test]
fn alertmanager_alert_groups_and_status_of_0_17_to_0_31() {
    for name in [
        "am-v0.17.0-alert-groups.json",
        "am-v0.21.0-alert-groups.json",
        "am-v0.27.0-alert-groups.json",
        "am-v0.31.0-alert-groups.json",
    ] {
        let groups: Vec<AlertGroup> = parse_am_reply("am", 200, &read(name), None).unwrap();
        let alerts: Vec<&GettableAlert> = groups.iter().flat_map(|g| &g.alerts).collect();
        assert!(groups.len() > 5 && alerts.len() > 10, "{name}");
        assert!(groups.iter().all(|g| !g.receiver.name.is_empty()));
        assert!(
            alerts
                .iter()
                .all(|a| !a.receivers.is_empty() && !a.fingerprint.is_empty()),
            "{name}"
        );
        let states: Vec<&str> = alerts.iter().map(|a| a.status.state.as_str()).collect();
        assert!(
            states.contains(&"active") && states.contains(&"suppressed"),
            "{name}: {states:?}"
        );
        let silenced = alerts
            .iter()
            .filter(|a| !a.status.silenced_by.is_empty())
            .count();
        let inhibited = alerts
            .iter()
            .filter(|a| !a.status.inhibited_by.is_empty())
            .count();
        // karma's mock silences 8 of its 24 alerts; nothing is inhibited at that instant.
        assert_eq!((silenced, inhibited), (8, 0), "{name}");
    }
    for (name, version) in [
        ("am-v0.17.0-status.json", "0.17.0"),
        ("am-v0.21.0-status.json", "0.21.0"),
        ("am-v0.25.0-peer-status.json", "0.25.0"),
    ] {
        let s: AlertmanagerStatus = parse_am_reply("am", 200, &read(name), None).unwrap();
        assert_eq!(s.version_info.version, version);
        assert!(s.config.unwrap().original.contains("route:"), "{name}");
        assert!(["ready", "settling", "disabled"].contains(&s.cluster.status.as_str()));
    }
}

#[test]
fn alertmanager_error_bodies_json_string_object_and_empty() {
    for (name, status, fragment, kind) in [
        (
            "am-v0.25.0-peer-error-silence-id.json",
            422,
            "must be of type uuid",
            ErrorKind::InvalidInput,
        ),
        (
            "am-v0.25.0-peer-error-silence-matchers.json",
            422,
            "at least 1 items",
            ErrorKind::InvalidInput,
        ),
        (
            "am-v0.25.0-peer-error-alert-labels.json",
            400,
            "at least one label pair required",
            ErrorKind::InvalidInput,
        ),
        (
            "am-v0.25.0-peer-error-filter.json",
            400,
            "bad matcher format",
            ErrorKind::InvalidInput,
        ),
        (
            "am-v0.25.0-peer-error-silence-unknown.txt",
            404,
            "(empty body)",
            ErrorKind::NotFound,
        ),
        // 0.25 answers the expiry of an unknown silence with 500: still not found, not a
        // server fault to retry or report.
        (
            "am-v0.25.0-peer-error-expire-unknown.json",
            500,
            "silence not found",
            ErrorKind::NotFound,
        ),
        (
            "am-v0.25.0-peer-error-update-unknown.json",
            404,
            "silence not found",
            ErrorKind::NotFound,
        ),
        (
            "am-v0.25.0-peer-error-silence-times.json",
            400,
            "start time must be before end time",
            ErrorKind::InvalidInput,
        ),
    ] {
        let e = parse_am_reply::<serde_json::Value>("am", status, &read(name), None).unwrap_err();
        let AnomalyError::Api {
            status: s,
            ref message,
            ..
        } = e
        else {
            panic!("{name}: {e:?}")
        };
        assert_eq!(s, status);
        assert!(message.contains(fragment), "{name}: {message}");
        assert_eq!(e.kind(), kind, "{name}");
    }
}

fn api<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let (status, _, _) = sources()[name];
    parse_api_reply::<T>(
        "http://prometheus:9090/api/v1/x",
        name,
        status,
        &read(name),
        None,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .data
}

#[test]
fn series_labels_and_metric_metadata_of_prometheus_2_20_2_42_and_3_x() {
    let s: Vec<SeriesLabels> = api("prom-v3-docs-series.json");
    assert_eq!(s.len(), 3);
    assert_eq!(s[2]["__name__"], "process_start_time_seconds");
    let v: Vec<String> = api("prom-v2.20.0-docs-label-values.json");
    assert_eq!(v, ["node", "prometheus"]);
    let v: Vec<String> = api("prom-v3-docs-label-values.json");
    assert_eq!(v, ["200", "504"]);
    let names: Vec<String> = api("prom-v3-docs-labels.json");
    assert_eq!((names.len(), names[0].as_str()), (21, "__name__"));
    let names: Vec<String> = api("prom-v2.42-peer-labels-up.json");
    assert_eq!(names, ["__name__", "instance", "job"]);
    // Metric metadata: a metric two targets describe differently has two entries.
    let m: BTreeMap<String, Vec<MetricMetadata>> = api("prom-v3-docs-metadata.json");
    assert_eq!(m["http_requests_total"].len(), 2);
    assert_eq!(m["cortex_ring_tokens"][0].kind, "gauge");
    let m: BTreeMap<String, Vec<MetricMetadata>> = api("prom-v2.42-peer-metadata-node_cpu.json");
    let cpu = &m["node_cpu_seconds_total"][0];
    assert_eq!((cpu.kind.as_str(), cpu.unit.as_str()), ("counter", ""));
    assert!(cpu.help.starts_with("Seconds the CPUs spent"));
    // A reply of another endpoint is an error naming the request, not a panic or an empty list.
    let e = parse_api_reply::<Vec<SeriesLabels>>(
        "http://p/api/v1/series",
        "/api/v1/series [\"up\"]",
        200,
        &read("prom-v3-docs-targets.json"),
        None,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed);
    assert!(e.to_string().contains("/api/v1/series [\"up\"]"), "{e}");
}

#[test]
fn targets_of_prometheus_2_42_and_3_x() {
    let t: Targets = api("prom-v3-docs-targets.json");
    let a = &t.active_targets[0];
    assert!(a.is_up() && a.last_error.is_empty());
    assert_eq!(
        (
            a.scrape_pool.as_str(),
            a.scrape_interval.as_str(),
            a.scrape_timeout.as_str()
        ),
        ("prometheus", "1m", "10s")
    );
    assert_eq!(a.last_scrape, Some(time("2017-01-17T14:07:44.723715405Z")));
    assert_eq!(a.last_scrape_duration, 0.050688943);
    assert_eq!(t.dropped_targets[0].scrape_pool, "node");
    assert_eq!(
        t.dropped_targets[0].discovered_labels["__scrape_interval__"],
        "1m"
    );
    // The same documentation writes the duration as an integer elsewhere: read, not refused.
    let t: Targets = api("prom-v3-docs-targets-active.json");
    assert_eq!(t.active_targets[0].last_scrape_duration, 50688943.0);
    assert!(t.dropped_targets.is_empty() && t.active_targets[0].scrape_interval.is_empty());

    let t: Targets = api("prom-v2.42-peer-targets.json");
    let by_job: BTreeMap<&str, _> = t
        .active_targets
        .iter()
        .map(|a| (a.labels["job"].as_str(), a))
        .collect();
    assert!(by_job["node"].is_up());
    let down = by_job["hermes-anomaly"];
    assert_eq!(down.health, "down");
    assert!(
        down.last_error.contains("connection refused"),
        "{}",
        down.last_error
    );
    assert_eq!(down.scrape_interval, "1s");
    assert!(t.dropped_target_counts.is_empty(), "2.42 has no counts");
}

#[test]
fn rules_and_alerts_of_prometheus_2_20_2_42_and_3_x() {
    for name in ["prom-v2.20.0-docs-rules.json", "prom-v3-docs-rules.json"] {
        let g: RuleGroups = api(name);
        let group = &g.groups[0];
        assert_eq!(
            (group.name.as_str(), group.interval),
            ("example", 60.0),
            "{name}"
        );
        let alerting = &group.rules[0];
        assert!(
            alerting.is_alerting() && alerting.duration == 600.0,
            "{name}"
        );
        assert_eq!(alerting.alerts[0].value, 1.0, "{name}: \"1e+00\"");
        assert_eq!(
            alerting.alerts[0].active_at,
            Some(time("2018-07-04T18:27:12.60602144Z")),
            "{name}"
        );
        assert_eq!(group.rules[1].kind, "recording", "{name}");
    }
    let g: RuleGroups = api("prom-v2.42-peer-rules.json");
    let rules = &g.groups[0].rules;
    assert_eq!(rules.len(), 3);
    assert!(rules[0].evaluation_time > 0.0 && rules[0].last_evaluation.is_some());
    let down = &rules[1];
    assert_eq!((down.state.as_str(), down.keep_firing_for), ("firing", 0.0));
    assert_eq!(down.alerts[0].value, 0.0);
    assert_eq!(
        down.alerts[0].annotations["summary"],
        "127.0.0.1:19110 of hermes-anomaly is down"
    );
    assert_eq!(
        (rules[2].state.as_str(), rules[2].duration),
        ("inactive", 300.0)
    );
    assert!(rules[2].alerts.is_empty());

    for (name, alertname) in [
        ("prom-v2.20.0-docs-alerts.json", "my-alert"),
        ("prom-v3-docs-alerts.json", "my-alert"),
        ("prom-v2.42-peer-alerts.json", "HermesTargetDown"),
    ] {
        let a: ActiveAlerts = api(name);
        assert_eq!(a.alerts[0].labels["alertname"], alertname, "{name}");
        assert_eq!(a.alerts[0].state, "firing", "{name}");
        assert!(a.alerts[0].active_at.is_some() && a.alerts[0].keep_firing_since.is_none());
    }
}

#[tokio::test]
async fn prometheus_client_reads_series_labels_targets_rules_and_alerts_over_http() {
    let base = serve(vec![
        ("/api/v1/series", "prom-v3-docs-series.json"),
        (
            "/api/v1/label/job/values",
            "prom-v2.20.0-docs-label-values.json",
        ),
        (
            "/api/v1/label/U__http_2e_status__code/values",
            "prom-v3-docs-label-values.json",
        ),
        ("/api/v1/targets", "prom-v2.42-peer-targets.json"),
        ("/api/v1/rules", "prom-v2.42-peer-rules.json"),
        ("/api/v1/alerts", "prom-v3-docs-alerts.json"),
        ("/api/v1/labels", "prom-v2.42-peer-labels-up.json"),
        ("/api/v1/metadata", "prom-v3-docs-metadata.json"),
    ])
    .await;
    let p = PrometheusClient::new(&base).unwrap();
    assert_eq!(p.series(&["up"], None).await.unwrap().len(), 3);
    assert_eq!(
        p.label_values("job", &[], None).await.unwrap(),
        ["node", "prometheus"]
    );
    assert_eq!(
        p.label_values("http.status_code", &[], Some((0.0, 60.0)))
            .await
            .unwrap(),
        ["200", "504"]
    );
    assert_eq!(p.targets().await.unwrap().active_targets.len(), 2);
    assert_eq!(p.rules().await.unwrap()[0].rules.len(), 3);
    assert_eq!(p.alerts().await.unwrap()[0].labels["alertname"], "my-alert");
    assert_eq!(p.label_names(&["up"], None).await.unwrap().len(), 3);
    assert_eq!(
        p.metric_metadata(None).await.unwrap()["http_requests_total"][1].help,
        "Amount of HTTP requests"
    );
    // An endpoint this server lacks: the error names the request and the server's answer.
    let e = p.label_values("instance", &["up"], None).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("/api/v1/label/instance/values [\"up\"]"),
        "{e}"
    );
}

#[test]
fn status_endpoints_of_prometheus_2_20_2_30_2_42_and_3_x() {
    for (name, version, major) in [
        ("prom-v2.20.0-docs-buildinfo.json", "2.13.1", 2),
        ("prom-v3-docs-buildinfo.json", "2.13.1", 2),
        ("prom-v2.42-peer-buildinfo.json", "2.42.0+ds", 2),
    ] {
        let b: BuildInfo = api(name);
        assert_eq!(
            (b.version.as_str(), b.major()),
            (version, Some(major)),
            "{name}"
        );
        assert!(b.go_version.starts_with("go1."), "{name}");
    }
    // Runtime information: fields come and go between versions.
    let r: RuntimeInfo = api("prom-v2.20.0-docs-runtimeinfo.json");
    assert_eq!((r.chunk_count, r.time_series_count), (Some(873), Some(873)));
    assert_eq!(r.start_time, Some(time("2019-11-02T16:23:59.301361365Z")));
    assert!(r.hostname.is_none() && r.server_time.is_none());
    let r: RuntimeInfo = api("prom-v3-docs-runtimeinfo.json");
    assert_eq!(r.hostname.as_deref(), Some("DESKTOP-717H17Q"));
    assert_eq!(r.server_time, Some(time("2025-01-05T18:27:33Z")));
    assert_eq!((r.storage_retention.as_str(), r.gomaxprocs), ("15d", 4));
    let r: RuntimeInfo = api("prom-v2.42-peer-runtimeinfo.json");
    assert!(r.reload_config_success && r.last_config_time.is_some());
    assert_eq!((r.chunk_count, r.time_series_count), (None, None));
    assert_eq!(r.storage_retention, "2d");
    let flags: BTreeMap<String, String> = api("prom-v2.42-peer-flags.json");
    assert_eq!(flags["query.timeout"], "2m");
    assert_eq!(flags["storage.tsdb.retention.time"], "2d");
    let c: LoadedConfig = api("prom-v2.42-peer-config.json");
    assert!(c.yaml.contains("job_name: node"), "{}", c.yaml);

    // TSDB cardinality: 2.20 sent no head statistics, an empty head's times are not times.
    let t: TsdbStatus = api("prom-v2.20.0-docs-tsdb.json");
    assert_eq!(t.head_stats.num_series, 0);
    assert_eq!(t.head_stats.span(), None);
    assert_eq!(t.series_count_by_label_value_pair[0].name, "job=prometheus");
    assert_eq!(t.memory_in_bytes_by_label_name[0].value, 8266);
    let t: TsdbStatus = api("prom-v2.42-peer-tsdb.json");
    assert_eq!(t.series_count_by_metric_name.len(), 10);
    assert_eq!(
        t.series_count_by_metric_name[0].name,
        "node_cpu_seconds_total"
    );
    let (from, to) = t.head_stats.span().expect("a head with samples");
    assert!(
        from < to && from > time("2026-01-01T00:00:00Z"),
        "{from} {to}"
    );
    let t: TsdbStatus = api("prom-v2.42-private-tsdb-empty.json");
    assert_eq!(
        (t.head_stats.min_time, t.head_stats.max_time),
        (i64::MAX, i64::MIN)
    );
    assert_eq!(t.head_stats.span(), None);
    assert!(t.series_count_by_metric_name.is_empty());

    // WAL replay: the documentation's example says its state, the servers only the segments; a
    // private 2.42 replaying 100,000 series: segment 0 of 0..2, then 2 of 0..2 while still not
    // ready (so the numbers alone never say "done").
    let w: WalReplay = api("prom-v2.30.0-docs-walreplay.json");
    assert_eq!(w.state.as_deref(), Some("in progress"));
    assert_eq!(w.progress(), 1.0, "`current` 40 past `max` 5 is clamped");
    let w: WalReplay = api("prom-v2.42-private-starting-walreplay.json");
    assert!((w.progress() - 1.0 / 3.0).abs() < 1e-12, "{w:?}");
    let w: WalReplay = api("prom-v2.42-private-starting-walreplay-last.json");
    assert_eq!((w.current, w.max, w.progress()), (2, 2, 1.0));
    let w: WalReplay = api("prom-v2.42-peer-walreplay.json");
    assert!(w.progress() == 1.0 && w.state.is_none());
}

#[test]
fn exemplars_and_targets_metadata_of_prometheus_2_20_2_42_and_3_x() {
    let e: Vec<SeriesExemplars> = api("prom-v3-docs-exemplars.json");
    assert_eq!(e.len(), 2);
    assert_eq!(e[1].series_labels["service"], "foo");
    let x = &e[1].exemplars[1];
    assert_eq!((x.value, x.timestamp), (20.0, 1600096965.489));
    assert_eq!(x.labels["trace_id"], "hCtjygkIHwAN9vs4");
    let e: Vec<SeriesExemplars> = api("prom-v2.42-peer-exemplars-empty.json");
    assert!(e.is_empty());

    for name in [
        "prom-v2.20.0-docs-targets-metadata.json",
        "prom-v3-docs-targets-metadata.json",
    ] {
        let m: Vec<TargetMetadata> = api(name);
        assert_eq!(m.len(), 2, "{name}");
        assert_eq!(m[1].target["instance"], "127.0.0.1:9091", "{name}");
        assert_eq!((m[0].kind.as_str(), m[0].metric.as_str()), ("gauge", ""));
    }
    let m: Vec<TargetMetadata> = api("prom-v2.42-peer-targets-metadata.json");
    assert_eq!(m[0].target["job"], "node");
    assert_eq!(m[0].help, "1m load average.");
}

#[test]
fn errors_of_exemplars_targets_metadata_and_a_tsdb_not_ready_name_the_request() {
    for (name, req, fragment, kind) in [
        (
            "prom-v2.42-peer-error-exemplars-parse.json",
            ApiRequest::exemplars("rate(up[5m]", 0.0, 60.0),
            "query=\"rate(up[5m]\"",
            ErrorKind::InvalidInput,
        ),
        (
            "prom-v2.42-peer-error-exemplars-range.json",
            ApiRequest::exemplars("up", 60.0, 0.0),
            "end timestamp must not be before start timestamp",
            ErrorKind::InvalidInput,
        ),
        (
            "prom-v2.42-peer-error-targets-metadata-selector.json",
            ApiRequest::targets_metadata(Some("{job="), None, None).unwrap(),
            "match_target=\"{job=\"",
            ErrorKind::InvalidInput,
        ),
        // 3.x documents a TSDB still starting as `internal`: asking again later works.
        (
            "prom-v3-openapi-error-tsdb-not-ready.json",
            ApiRequest::tsdb_status(None).unwrap(),
            "TSDB not ready (/api/v1/status/tsdb)",
            ErrorKind::Transport,
        ),
    ] {
        let (status, _, _) = sources()[name];
        let e = parse_api_reply::<serde_json::Value>(
            &format!("http://prometheus:9090{}", req.path),
            &req.describe(),
            status,
            &read(name),
            None,
        )
        .unwrap_err();
        assert_eq!(e.kind(), kind, "{name}: {e}");
        assert!(e.to_string().contains(fragment), "{name}: {e}");
        assert!(e.to_string().contains(&req.path), "{name}: {e}");
    }
}

#[tokio::test]
async fn clients_read_status_exemplars_targets_metadata_and_receivers_over_http() {
    let base = serve(vec![
        ("/api/v1/status/buildinfo", "prom-v2.42-peer-buildinfo.json"),
        (
            "/api/v1/status/runtimeinfo",
            "prom-v3-docs-runtimeinfo.json",
        ),
        ("/api/v1/status/flags", "prom-v2.42-peer-flags.json"),
        ("/api/v1/status/config", "prom-v2.42-peer-config.json"),
        ("/api/v1/status/tsdb", "prom-v2.42-private-tsdb-empty.json"),
        (
            "/api/v1/status/walreplay",
            "prom-v2.30.0-docs-walreplay.json",
        ),
        ("/api/v1/query_exemplars", "prom-v3-docs-exemplars.json"),
        (
            "/api/v1/targets/metadata",
            "prom-v2.42-peer-targets-metadata.json",
        ),
    ])
    .await;
    let p = PrometheusClient::new(&base).unwrap();
    assert_eq!(p.build_info().await.unwrap().major(), Some(2));
    assert_eq!(
        p.runtime_info().await.unwrap().hostname.as_deref(),
        Some("DESKTOP-717H17Q")
    );
    assert_eq!(p.flags().await.unwrap()["query.max-samples"], "50000000");
    assert!(p
        .loaded_config()
        .await
        .unwrap()
        .yaml
        .contains("scrape_configs:"));
    assert_eq!(
        p.tsdb_status(Some(5)).await.unwrap().head_stats.span(),
        None
    );
    let e = p.tsdb_status(Some(20_000)).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(
        e.to_string().contains("20000") && e.to_string().contains("10000"),
        "{e}"
    );
    assert_eq!(p.wal_replay().await.unwrap().progress(), 1.0);
    let ex = p
        .query_exemplars("test_exemplar_metric_total", 1600096945.0, 1600096966.0)
        .await
        .unwrap();
    assert_eq!(ex.iter().map(|s| s.exemplars.len()).sum::<usize>(), 3);
    // The server left `metric` out because the request named it: the client fills it in.
    let m = p
        .targets_metadata(Some("{job=\"node\"}"), Some("node_load1"), Some(1))
        .await
        .unwrap();
    assert_eq!(
        (m[0].metric.as_str(), m[0].kind.as_str()),
        ("node_load1", "gauge")
    );
    assert!(p.targets_metadata(None, None, Some(0)).await.is_err());

    let base = serve(vec![
        (
            "/api/v1/query_exemplars",
            "prom-v2.42-peer-error-exemplars-parse.json",
        ),
        (
            "/api/v1/status/tsdb",
            "prom-v3-openapi-error-tsdb-not-ready.json",
        ),
        ("/api/v2/receivers", "am-v0.25.0-peer-receivers.json"),
        (
            "/api/v2/silence/00000000-0000-4000-8000-000000000000",
            "am-v0.25.0-peer-error-expire-unknown.json",
        ),
    ])
    .await;
    let p = PrometheusClient::new(&base).unwrap();
    let e = p
        .query_exemplars("rate(up[5m]", 0.0, 60.0)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("query=\"rate(up[5m]\""), "{e}");
    let e = p.tsdb_status(None).await.unwrap_err();
    assert!(e.kind().is_transient(), "{e}");
    let am = AlertmanagerClient::new(&base).unwrap();
    let r: Vec<Receiver> = am.receivers().await.unwrap();
    assert_eq!(
        r.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["hermes-null", "hermes-webhook"]
    );
    let e = am
        .expire_silence("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(
        e.to_string()
            .contains("00000000-0000-4000-8000-000000000000"),
        "{e}"
    );
}

/// A Prometheus replaying its WAL (a private 2.42 on loopback, 100,000 series written through
/// remote write, killed and restarted): every endpoint but `status/walreplay` answers a plain-text
/// 503 until it is ready; the client reads that as "not ready" and a retryable error.
#[tokio::test]
async fn a_prometheus_replaying_its_wal_is_not_ready_and_its_errors_are_retryable() {
    let starting = serve(vec![
        ("/-/ready", "prom-v2.42-private-starting-503.txt"),
        ("/api/v1/query", "prom-v2.42-private-starting-503.txt"),
        ("/api/v1/status/tsdb", "prom-v2.42-private-starting-503.txt"),
        (
            "/api/v1/status/walreplay",
            "prom-v2.42-private-starting-walreplay.json",
        ),
    ])
    .await;
    let p = PrometheusClient::new(&starting).unwrap();
    assert!(!p.is_ready().await.unwrap());
    assert!(p.wal_replay().await.unwrap().progress() < 0.5);
    let e = p.query("up", None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert!(e.kind().is_transient());
    assert!(
        e.to_string().contains("Service Unavailable") && e.to_string().contains("\"up\""),
        "{e}"
    );
    let e = p.tsdb_status(None).await.unwrap_err();
    assert!(e.kind().is_transient(), "{e}");

    let ready = serve(vec![("/-/ready", "prom-v2.42-private-ready.txt")]).await;
    assert!(PrometheusClient::new(&ready)
        .unwrap()
        .is_ready()
        .await
        .unwrap());
    // A server without the endpoint (a proxy in front of the API only) is an error, not "not
    // ready".
    let other = serve(vec![("/-/ready", "prom-v2.42-peer-error-not-found.txt")]).await;
    let e = PrometheusClient::new(&other)
        .unwrap()
        .is_ready()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("/-/ready"), "{e}");
}

/// A webhook notification (a request body Alertmanager or another sender POSTs), not a reply.
fn is_webhook(name: &str) -> bool {
    name.contains("-webhook-")
}

fn webhook(name: &str) -> WebhookMessage {
    WebhookMessage::parse(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn time(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    rfc3339.parse().unwrap()
}

/// Every recorded notification: read whole, statuses consistent, and what Hermes writes back out
/// reads back the same (a receiver that forwards them loses nothing, Grafana's fields included).
#[test]
fn webhook_notifications_of_every_sender_are_read_and_round_trip() {
    let names: Vec<String> = sources().into_keys().filter(|n| is_webhook(n)).collect();
    assert_eq!(names.len(), 12);
    for name in &names {
        let m = webhook(name);
        let body: serde_json::Value = serde_json::from_slice(&read(name)).unwrap();
        assert_eq!(
            m.alerts.len(),
            body["alerts"].as_array().unwrap().len(),
            "{name}"
        );
        assert_eq!(m.firing().count() + m.resolved().count(), m.alerts.len());
        assert!(
            ["firing", "resolved"].contains(&m.status.as_str()),
            "{name}"
        );
        assert_eq!(
            m.status == "firing",
            m.firing().next().is_some(),
            "{name}: the group fires when an alert sent fires"
        );
        for a in &m.alerts {
            assert!(
                ["firing", "resolved"].contains(&a.status.as_str()),
                "{name}"
            );
            assert!(a.labels.contains_key("alertname"), "{name}");
            assert!(a.starts_at.timestamp() > 1_400_000_000, "{name}");
            if !a.is_firing() {
                assert!(a.ended_at().unwrap() > a.starts_at, "{name}");
            }
        }
        let out: serde_json::Value = serde_json::to_value(&m).unwrap();
        for key in ["notification_reason", "routeLabels"] {
            assert!(
                out.get(key).is_none(),
                "{name}: {key} written out, no sender sent it"
            );
        }
        let again = WebhookMessage::parse(&serde_json::to_vec(&m).unwrap()).unwrap();
        assert_eq!(again, m, "{name}: round trip");
    }
}

/// Before: a notification without `version` or `groupKey` (calert's, KubeSphere's, the 2016
/// prometheus-am-executor example) and an alert without `status` (prometheus-msteams') were
/// refused with serde's "missing field", so the receiver answered 400 and the notification was lost.
#[test]
fn webhook_notifications_without_version_group_key_or_alert_status() {
    for (name, alerts) in [
        ("am-webhook-calert-no-version.json", 31),
        ("am-webhook-kubesphere-no-version.json", 9),
        ("am-webhook-am-executor-2016.json", 2),
    ] {
        let m = webhook(name);
        assert_eq!(
            (m.version.as_str(), m.group_key.as_str()),
            ("", ""),
            "{name}"
        );
        assert_eq!(
            (m.alerts.len(), m.status.as_str()),
            (alerts, "firing"),
            "{name}"
        );
        assert!(m
            .alerts
            .iter()
            .all(|a| a.is_firing() && a.ended_at().is_none()));
    }
    // Empty annotation values stay (calert's `instance: ""`), empty maps stay empty.
    let calert = webhook("am-webhook-calert-no-version.json");
    assert_eq!(calert.common_annotations["instance"], "");
    assert_eq!(calert.alerts[0].fingerprint, "1a956348d0570965");
    let old = webhook("am-webhook-am-executor-2016.json");
    assert!(old
        .alerts
        .iter()
        .all(|a| a.annotations.is_empty() && a.fingerprint.is_empty()));
    assert_eq!(old.alerts[0].starts_at, time("2016-04-07T16:08:52Z"));

    // No `status` per alert: Alertmanager's own rule (resolved once `endsAt` is set and past).
    let m = webhook("am-webhook-prometheus-msteams-no-alert-status.json");
    assert_eq!(m.alerts[0].status, "firing");
    assert_eq!(m.alerts[0].generator_url, "");
    assert_eq!(
        m.alerts[0].starts_at,
        time("2018-03-07T11:33:21.873077559Z"),
        "a -05:00 offset is kept as the same instant"
    );
    let mut body: serde_json::Value =
        serde_json::from_slice(&read("am-webhook-prometheus-msteams-no-alert-status.json"))
            .unwrap();
    body["alerts"][0]["endsAt"] = "2018-03-07T07:00:00-05:00".into();
    body.as_object_mut().unwrap().remove("status");
    let m = WebhookMessage::parse(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(
        (m.alerts[0].status.as_str(), m.status.as_str()),
        ("resolved", "resolved")
    );
}

#[test]
fn webhook_notifications_of_alertmanager_2018_and_0_25_truncated_and_mixed() {
    // 2018 (0.15): no fingerprint, no truncatedAlerts; a firing alert's endsAt is the resolve
    // timeout, three minutes on, not the zero time.
    let f = webhook("am-webhook-2018-alertmanager-bot-firing.json");
    assert!(f.alerts[0].is_firing() && f.alerts[0].fingerprint.is_empty() && f.is_complete());
    assert_eq!(
        f.alerts[0].ended_at(),
        Some(time("2018-11-04T21:46:58.283995108Z"))
    );
    let r = webhook("am-webhook-2018-alertmanager-bot-resolved.json");
    assert_eq!((r.status.as_str(), r.resolved().count()), ("resolved", 1));

    // 0.25 with max_alerts 2: three alerts, two sent; the common labels are those of the two sent
    // (the third, critical, alert is not in `severity="warning"`).
    let t = webhook("am-v0.25.0-peer-webhook-truncated-firing.json");
    assert!(!t.is_complete());
    assert_eq!((t.truncated_alerts, t.alerts.len()), (1, 2));
    assert_eq!(t.common_labels["severity"], "warning");
    let bare = &t.alerts[1];
    assert!(bare.annotations.is_empty() && bare.generator_url.is_empty());
    assert_eq!(bare.fingerprint, "5f29507631ee23ad");
    assert_eq!(bare.ended_at(), None);
    let t = webhook("am-v0.25.0-peer-webhook-truncated-resolved.json");
    assert_eq!((t.status.as_str(), t.truncated_alerts), ("resolved", 1));
    assert!(t
        .alerts
        .iter()
        .all(|a| a.ended_at() == Some(time("2026-11-27T10:19:09.18243Z"))));

    // A firing group with a resolved alert in it (0.25, and vmalert's alerts through Alertmanager).
    for (name, firing, resolved) in [
        ("am-v0.25.0-peer-webhook-mixed.json", 1, 1),
        ("am-webhook-vmalert-mixed.json", 3, 1),
    ] {
        let m = webhook(name);
        assert_eq!(m.status, "firing", "{name}");
        assert_eq!(
            (m.firing().count(), m.resolved().count()),
            (firing, resolved),
            "{name}"
        );
    }
}

/// Grafana's webhook contact point: version "1" and fields of its own, kept in `extra`.
#[test]
fn grafana_webhook_notification_keeps_its_own_fields() {
    let m = webhook("grafana-webhook-v1.json");
    assert_eq!(m.version, "1");
    assert_eq!(m.extra["orgId"], 1);
    assert_eq!(m.extra["state"], "alerting");
    assert!(m.extra["title"].as_str().unwrap().starts_with("[FIRING:1]"));
    let a = &m.alerts[0];
    assert_eq!(a.extra["values"]["C"], 12);
    assert!(a.extra["silenceURL"]
        .as_str()
        .unwrap()
        .contains("/alerting/silence/new"));
    assert!(!a.extra.contains_key("fingerprint") && a.fingerprint == "68d4e65db3ad9208");
}

/// Every recorded notification POSTed to the receiver over HTTP is handed over whole; a body that
/// is not a notification is answered 400 with the reason.
#[tokio::test]
async fn webhook_receiver_takes_every_recorded_notification() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<WebhookMessage>();
    let server = WebhookReceiver::bind("127.0.0.1:0", move |m| {
        let _ = tx.send(m);
    })
    .await
    .unwrap();
    let url = format!("http://{}/", server.local_addr());
    let client = reqwest::Client::new();
    let names: Vec<String> = sources().into_keys().filter(|n| is_webhook(n)).collect();
    for name in &names {
        let resp = client
            .post(&url)
            .header("Content-Type", "application/json")
            .body(read(name))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        assert_eq!(status, 200, "{name}: {}", resp.text().await.unwrap());
        assert_eq!(rx.recv().await.unwrap(), webhook(name), "{name}");
    }
    // Through a proxy that streams the body (chunked, no Content-Length), split mid-JSON.
    let name = "am-v0.25.0-peer-webhook-truncated-firing.json";
    let body = read(name);
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
        server.local_addr()
    )
    .into_bytes();
    for part in body.chunks(300) {
        request.extend(format!("{:x}\r\n", part.len()).bytes());
        request.extend(part);
        request.extend(b"\r\n");
    }
    request.extend(b"0\r\n\r\n");
    let mut stream = tokio::net::TcpStream::connect(server.local_addr())
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(&request).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert_eq!(rx.recv().await.unwrap(), webhook(name));

    for (body, fragment) in [
        (&b"{}"[..], "missing field `alerts`"),
        (b"[]", "expected a JSON object"),
        (b"", "0 bytes received"),
    ] {
        let resp = client.post(&url).body(body).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400);
        let text = resp.text().await.unwrap();
        assert!(
            text.contains("webhook notification") && text.contains(fragment),
            "{text}"
        );
    }
}

/// With credentials, only a request carrying them reaches the handler: the Bearer and Basic
/// headers Alertmanager's `http_config` sends (`authorization.credentials`, `basic_auth`); the two
/// good values are what Alertmanager 0.25 sent, byte for byte, with these settings.
#[tokio::test]
async fn webhook_receiver_with_auth_takes_only_the_configured_credentials() {
    use hermes_anomaly::monitor::webhook::WebhookAuth;
    use hermes_core::Secret;
    let name = "am-v0.25.0-peer-webhook-mixed.json";
    let client = reqwest::Client::new();
    for (auth, good, bad) in [
        (
            WebhookAuth::Bearer(Secret::new("t0ken")),
            "Bearer t0ken",
            ["Bearer t0ke", "Bearer t0ken2", "Basic dDBrZW4=", "t0ken"],
        ),
        (
            WebhookAuth::Basic {
                username: "alertmanager".into(),
                password: Secret::new("pa:ss"),
            },
            // base64("alertmanager:pa:ss"), as Go's SetBasicAuth writes it.
            "Basic YWxlcnRtYW5hZ2VyOnBhOnNz",
            [
                "Basic YWxlcnRtYW5hZ2VyOnBhc3M=",
                "Bearer pa:ss",
                "basic YWxlcnRtYW5hZ2VyOnBhOnNz",
                "",
            ],
        ),
    ] {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<WebhookMessage>();
        let server = WebhookReceiver::bind_with_auth("127.0.0.1:0", auth, move |m| {
            let _ = tx.send(m);
        })
        .await
        .unwrap();
        let url = format!("http://{}/", server.local_addr());
        let post = |header: Option<&str>| {
            let mut r = client.post(&url).body(read(name));
            if let Some(h) = header {
                r = r.header("Authorization", h);
            }
            r.send()
        };
        let resp = post(None).await.unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        let text = resp.text().await.unwrap();
        assert!(text.contains("http_config"), "{text}");
        for h in bad {
            let resp = post(Some(h)).await.unwrap();
            assert_eq!(resp.status().as_u16(), 401, "{h:?}");
            assert!(!resp.text().await.unwrap().contains(good), "never echoed");
        }
        assert!(rx.try_recv().is_err(), "nothing reached the handler");
        assert_eq!(post(Some(good)).await.unwrap().status().as_u16(), 200);
        assert_eq!(rx.recv().await.unwrap(), webhook(name));
    }
    let e = WebhookReceiver::bind_with_auth(
        "127.0.0.1:0",
        WebhookAuth::Bearer(Secret::new("")),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
}

/// Every reply, cut at every length: a value or a typed error, never a panic.
#[test]
fn truncated_replies_never_panic() {
    for (name, (status, _, _)) in sources() {
        let mut bytes = read(&name);
        if name.starts_with("prom-clientgolang") {
            bytes = series_reply(&name);
        }
        for cut in (0..bytes.len()).step_by(7) {
            let part = &bytes[..cut];
            if is_webhook(&name) {
                let _ = WebhookMessage::parse(part);
            } else if name.starts_with("am-") {
                let _ = parse_am_reply::<Vec<AlertGroup>>("am", status, part, None);
                let _ = parse_am_reply::<Vec<Silence>>("am", status, part, None);
                let _ = parse_am_reply::<AlertmanagerStatus>("am", status, part, None);
                let _ = parse_am_reply::<Vec<Receiver>>("am", status, part, None);
            } else {
                if let Ok(r) = parse_query_reply(TARGET, "q", status, part, None) {
                    let _ = r.clone().into_vector();
                    let _ = r.into_matrix();
                }
                let t = "http://p/api/v1/x";
                let _ = parse_api_reply::<Targets>(t, "r", status, part, None);
                let _ = parse_api_reply::<RuleGroups>(t, "r", status, part, None);
                let _ = parse_api_reply::<ActiveAlerts>(t, "r", status, part, None);
                let _ = parse_api_reply::<Vec<SeriesLabels>>(t, "r", status, part, None);
                let _ = parse_api_reply::<BTreeMap<String, Vec<MetricMetadata>>>(
                    t, "r", status, part, None,
                );
                let _ = parse_api_reply::<TsdbStatus>(t, "r", status, part, None);
                let _ = parse_api_reply::<RuntimeInfo>(t, "r", status, part, None);
                let _ = parse_api_reply::<Vec<SeriesExemplars>>(t, "r", status, part, None);
                let _ = parse_api_reply::<Vec<TargetMetadata>>(t, "r", status, part, None);
            }
        }
    }
}

/// A scratch HTTP server on 127.0.0.1 answering each request path (query string ignored) with a
/// recorded reply and its recorded status.
async fn serve(routes: Vec<(&'static str, &'static str)>) -> String {
    use http_body_util::Full;
    use hyper::body::Bytes;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let table = sources();
    let routes: std::sync::Arc<Vec<(String, u16, Vec<u8>)>> = std::sync::Arc::new(
        routes
            .into_iter()
            .map(|(path, file)| (path.to_string(), table[file].0, read(file)))
            .collect(),
    );
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let routes = routes.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: hyper::Request<_>| {
                    let (status, body) = routes
                        .iter()
                        .find(|(p, _, _)| p == req.uri().path())
                        .map_or((599, b"no route".to_vec()), |(_, s, b)| (*s, b.clone()));
                    let reply = hyper::Response::builder()
                        .status(status)
                        .header("Content-Type", "application/json")
                        .body(Full::new(Bytes::from(body)))
                        .unwrap();
                    async move { Ok::<_, std::convert::Infallible>(reply) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn prometheus_client_over_http_on_histograms_infos_and_errors() {
    let base = serve(vec![
        (
            "/api/v1/query",
            "prom-v3-openapi-query-vector-histogram.json",
        ),
        ("/api/v1/query_range", "cortex-query_range-infos.json"),
    ])
    .await;
    let prom = PrometheusClient::new(&base).unwrap();
    let e = prom
        .query("http_request_duration_seconds", None)
        .await
        .unwrap()
        .into_vector()
        .unwrap_err();
    assert!(
        e.to_string().contains("\"http_request_duration_seconds\""),
        "{e}"
    );
    // wait_for reads floats: a histogram reply is an error naming the query, not an endless wait.
    let e = prom
        .wait_for(
            "http_request_duration_seconds",
            std::time::Duration::from_secs(2),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Malformed, "{e}");
    let r = prom
        .query_range(
            "rate(go_gc_gogc_percent[5m])",
            1536673680.0,
            1536716898.0,
            std::time::Duration::from_secs(120),
        )
        .await
        .unwrap();
    assert_eq!(r.query, "rate(go_gc_gogc_percent[5m])");
    assert_eq!(r.infos.len(), 1);

    let base = serve(vec![(
        "/api/v1/query",
        "prom-v2.42-peer-error-execution-many-to-many.json",
    )])
    .await;
    let e = PrometheusClient::new(&base)
        .unwrap()
        .query("up * on() up", None)
        .await
        .unwrap_err();
    let AnomalyError::Api {
        status,
        ref error_type,
        ref message,
        ..
    } = e
    else {
        panic!("{e:?}")
    };
    assert_eq!((status, error_type.as_str()), (422, "execution"));
    assert!(
        message.contains("many-to-many") && message.contains("\"up * on() up\""),
        "{message}"
    );
}

#[tokio::test]
async fn alertmanager_client_over_http_on_0_17_and_0_31_replies() {
    let base = serve(vec![
        ("/api/v2/silences", "am-v0.17.0-silences.json"),
        ("/api/v2/alerts/groups", "am-v0.31.0-alert-groups.json"),
        ("/api/v2/status", "am-v0.17.0-status.json"),
        (
            "/api/v2/silence/0f0f0f0f-0000-4000-8000-000000000000",
            "am-v0.25.0-peer-error-silence-unknown.txt",
        ),
    ])
    .await;
    let am = AlertmanagerClient::new(&base).unwrap();
    let s = am.silences().await.unwrap();
    assert!(s.iter().all(|x| x.matchers.iter().all(|m| m.is_equal)));
    let groups = am
        .alert_groups(&["alertname=\"HTTP_Probe_Failed\""])
        .await
        .unwrap();
    let muted: Vec<&GettableAlert> = groups
        .iter()
        .flat_map(|g| &g.alerts)
        .filter(|a| a.status.state == "suppressed")
        .collect();
    assert!(!muted.is_empty());
    assert_eq!(am.status().await.unwrap().version_info.version, "0.17.0");
    let e = am
        .expire_silence("0f0f0f0f-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("(empty body)"), "{e}");
}
