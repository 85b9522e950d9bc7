//! anomaly_watch: pull metrics from Prometheus, learn what normal looks like, score every new point with
//! Hermes' ensemble, publish score / expected value / band on `/metrics` for Prometheus and Grafana,
//! and raise an alert in Alertmanager when an anomaly appears — then resolve it when it is over.
//!
//! To show the loop end to end it injects an anomaly itself: a short CPU burn in this process, watched
//! through its own `process_cpu_seconds_total` (which Prometheus scrapes from the exporter), next to the
//! host's CPU utilisation from node-exporter.
//!
//! ```text
//! scripts/peers.sh up prometheus alertmanager node-exporter
//! cargo run -p hermes-examples --bin anomaly_watch -- [--learn 130] [--burn 8] [--out DIR]
//! ```

use clap::Parser;
use hermes_anomaly::detect::EnsembleConfig;
use hermes_anomaly::monitor::rules::{RuleFile, Watched};
use hermes_anomaly::monitor::watch::{cpu_burn, WatchEvent, WatchSpec, Watcher};
use hermes_anomaly::monitor::{grafana, AlertmanagerClient, Exporter, PrometheusClient};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Watch Prometheus metrics, detect anomalies, alert via Alertmanager")]
struct Args {
    /// Prometheus base URL.
    #[arg(
        long,
        env = "HERMES_PROMETHEUS_URL",
        default_value = "http://127.0.0.1:19090"
    )]
    prometheus: String,
    /// Alertmanager base URL.
    #[arg(
        long,
        env = "HERMES_ALERTMANAGER_URL",
        default_value = "http://127.0.0.1:19093"
    )]
    alertmanager: String,
    /// Where to serve /metrics (Prometheus scrapes it as job "hermes-anomaly").
    #[arg(long, default_value = "127.0.0.1:19110")]
    listen: std::net::SocketAddr,
    /// Seconds of learning before the injected anomaly. The live settings score a series once 20
    /// points fill its reference and fit a tail to its history after 100 more; before that only a
    /// gross departure alerts (the watcher's own CPU, not the host's).
    #[arg(long, default_value_t = 130)]
    learn: u64,
    /// Seconds of CPU burn (0: no injection, watch until Ctrl-C).
    #[arg(long, default_value_t = 8)]
    burn: u64,
    /// Threads burning CPU (at least 1).
    #[arg(long, default_value_t = 2, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    threads: usize,
    /// Seconds of host-CPU history to learn from Prometheus before scoring it live (default 0:
    /// none; the tour's own build keeps the host busy just before, which would be learned as normal).
    #[arg(long, default_value_t = 0)]
    backfill: u64,
    /// Ticks after an alarm onset that must confirm it before it alerts (Prometheus' `for`; 0: alert
    /// at once). 2 stops a series' mere records from alerting, at the cost of two ticks' delay.
    #[arg(long, default_value_t = 0)]
    confirm: usize,
    /// Write the Prometheus rule file and Grafana dashboard here (default: not written).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

const SELF_CPU: &str = "sum(rate(process_cpu_seconds_total{job=\"hermes-anomaly\"}[3s]))";
const HOST_CPU: &str = "1 - avg(rate(node_cpu_seconds_total{job=\"node\",mode=\"idle\"}[5s]))";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    // The watcher's alarm level (the live settings'), for the exporter's alarm gauge and the rule.
    let level = EnsembleConfig::live().alarm_level;
    let exporter = Exporter::new(level);
    let served = exporter.serve(&args.listen.to_string()).await?;
    println!("exporter: serving http://{}/metrics", served.local_addr());

    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)?;
        let rules = RuleFile::new("hermes-anomaly")
            .watch(Watched::new("host_cpu", HOST_CPU))
            .alert_on_score(level, "5s")
            .alert_on_zscore(3.0)
            .render();
        std::fs::write(dir.join("hermes-anomaly.rules.yml"), rules)?;
        let dash = grafana::dashboard(
            "Hermes anomalies",
            "prometheus",
            &["host_cpu", "watcher_cpu"],
        );
        std::fs::write(
            dir.join("hermes-anomaly.dashboard.json"),
            serde_json::to_string_pretty(&dash)?,
        )?;
        println!(
            "wrote {}/hermes-anomaly.rules.yml and .dashboard.json",
            dir.display()
        );
    }

    let prom = PrometheusClient::new(&args.prometheus)?;
    let am = AlertmanagerClient::new(&args.alertmanager)?;
    print!(
        "prometheus {}: waiting for it to scrape the exporter",
        args.prometheus
    );
    let scraped = prom
        .wait_for("up{job=\"hermes-anomaly\"} == 1", Duration::from_secs(30))
        .await;
    if let Err(e) = scraped {
        return Err(format!(
            "Prometheus at {} does not scrape {} (job hermes-anomaly); run scripts/peers.sh up prometheus ({e})",
            args.prometheus, args.listen
        )
        .into());
    }
    println!(" ... scraped");

    let run = format!("anomaly_watch-{}", std::process::id());
    let w = Watcher::new(prom, exporter)
        .alertmanager(am.clone())
        .label("run", &run)
        .confirm_after(args.confirm)
        .watch(WatchSpec::new("watcher_cpu", SELF_CPU));
    // The host's CPU has a past in Prometheus (node-exporter is scraped every second): learn it
    // first. This process's own CPU series does not (its past belongs to earlier processes).
    let host = WatchSpec::new("host_cpu", HOST_CPU);
    let mut w = w.watch(match args.backfill {
        0 => host,
        secs => host.backfill(Duration::from_secs(secs), Duration::from_secs(1)),
    });

    println!("learning for {} s (1 point/s per series)...", args.learn);
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(args.learn) {
        report(&w.tick().await?);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    if args.burn == 0 {
        println!("watching until Ctrl-C");
        loop {
            report(&w.tick().await?);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    println!(
        "injecting: CPU burn on {} threads for {} s",
        args.threads, args.burn
    );
    let burn = cpu_burn(args.threads, Duration::from_secs(args.burn));
    let t0 = Instant::now();
    while !w.is_firing("watcher_cpu") {
        if t0.elapsed() > Duration::from_secs(args.burn + 15) {
            return Err("the injected CPU burn raised no alert".into());
        }
        report(&w.tick().await?);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let filter = format!("run=\"{run}\"");
    let active = am.alerts(&[&filter]).await?;
    println!(
        "alertmanager {}: {} active alert(s) for this run",
        args.alertmanager,
        active.len()
    );
    for a in &active {
        println!(
            "  {} series={} state={}",
            a.labels["alertname"], a.labels["series"], a.status.state
        );
    }
    if active.is_empty() {
        return Err("alert not visible in Alertmanager".into());
    }
    while !burn.is_finished() {
        report(&w.tick().await?);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    burn.join();
    println!("burn over; waiting for the series to return to its band");
    let t0 = Instant::now();
    while w.is_firing("watcher_cpu") || w.is_firing("host_cpu") {
        if t0.elapsed() > Duration::from_secs(40) {
            return Err("alert never resolved".into());
        }
        report(&w.tick().await?);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let left = am.alerts(&[&filter]).await?;
    println!(
        "alertmanager: {} active alert(s) for this run — done",
        left.len()
    );
    if !left.is_empty() {
        return Err("resolved alert still active in Alertmanager".into());
    }
    Ok(())
}

fn report(events: &[WatchEvent]) {
    for e in events {
        match e {
            WatchEvent::Fired { series, verdict } => {
                println!("ALERT {series}: {}", verdict.explain())
            }
            WatchEvent::Resolved { series } => println!("RESOLVED {series}"),
            WatchEvent::Pending { series, verdict } => {
                println!("PENDING {series}: {}", verdict.explain())
            }
            WatchEvent::Dismissed { series, .. } => {
                println!("DISMISSED {series}: the ticks after the onset did not confirm it")
            }
            WatchEvent::Learned { series, points } => {
                println!("  {series}: learned {points} points of its history from Prometheus")
            }
            WatchEvent::Scored { series, verdict } if verdict.score >= 0.9 => {
                println!("  {series}: {}", verdict.explain())
            }
            WatchEvent::Scored { .. } => {}
        }
    }
}
