//! End to end against the real peers: Prometheus scrapes node-exporter and this test's exporter
//! (at ANOMALY_EXPORTER_ADDR); the watcher learns, a CPU burn is injected, the alert appears in
//! Alertmanager's API, the burn stops and the alert is resolved. The watcher confirms onsets with the
//! next two ticks (`confirm_after(2)`), so the alert follows a pending onset; the default (alert at
//! once) runs in the tour's `anomaly_watch`.

use hermes_anomaly::detect::EnsembleConfig;
use hermes_anomaly::monitor::watch::{cpu_burn, WatchEvent, WatchSpec, Watcher};
use hermes_anomaly::monitor::{AlertmanagerClient, Exporter, PrometheusClient};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_cpu_burn_raises_then_resolves_an_alert() {
    let prom_addr = hermes_testkit::peer("prometheus").addr().to_string();
    let am_addr = hermes_testkit::peer("alertmanager").addr().to_string();
    let exporter_addr = hermes_testkit::settings()
        .get("ANOMALY_EXPORTER_ADDR")
        .cloned()
        .expect("ANOMALY_EXPORTER_ADDR in scripts/peers.env");
    let exporter = Exporter::new(EnsembleConfig::live().alarm_level);
    let _served = exporter.serve(&exporter_addr).await.expect("bind exporter");
    let prom = PrometheusClient::new(&format!("http://{prom_addr}")).unwrap();
    let am = AlertmanagerClient::new(&format!("http://{am_addr}")).unwrap();
    let run = format!("e2e-{}", std::process::id());

    // Wait until Prometheus scrapes us.
    let up = "up{job=\"hermes-anomaly\"} == 1";
    if let Err(e) = prom.wait_for(up, Duration::from_secs(30)).await {
        panic!("Prometheus never scraped {exporter_addr}: {e}");
    }

    let series = "watcher_cpu";
    let mut w = Watcher::new(prom.clone(), exporter.clone())
        .alertmanager(am.clone())
        .label("run", &run)
        .confirm_after(2)
        .watch(WatchSpec::new(
            series,
            "sum(rate(process_cpu_seconds_total{job=\"hermes-anomaly\"}[3s]))",
        ));

    // Learn ~25 s of normal behaviour.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(25) {
        let ev = w.tick().await.unwrap();
        assert!(
            !ev.iter().any(|e| matches!(e, WatchEvent::Fired { .. })),
            "false alarm while learning: {ev:?}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }

    // Inject: burn CPU for 8 s; the alert must fire and be visible in Alertmanager.
    let burn = cpu_burn(2, Duration::from_secs(8));
    let filter = format!("run=\"{run}\"");
    let t0 = Instant::now();
    let (mut pending, mut fired) = (None, None);
    while t0.elapsed() < Duration::from_secs(20) && fired.is_none() {
        for e in w.tick().await.unwrap() {
            match e {
                WatchEvent::Pending { verdict, .. } => pending = Some(verdict),
                WatchEvent::Fired { verdict, .. } => fired = Some(verdict),
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let verdict = fired.expect("the CPU burn raised no alert");
    assert_eq!(
        pending,
        Some(verdict),
        "the alert did not follow a pending onset"
    );
    eprintln!("fired: {}", verdict.explain());
    let listed = am.alerts(&[&filter]).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].labels["series"], series);
    assert!(listed[0].annotations["description"].contains("observed"));

    // The burn ends; the alert resolves.
    while !burn.is_finished() {
        w.tick().await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let t0 = Instant::now();
    while w.is_firing(series) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "alert never resolved"
        );
        w.tick().await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(
        am.alerts(&[&filter]).await.unwrap().is_empty(),
        "resolved alert still active in Alertmanager"
    );
    burn.join();
}
