//! A Prometheus exporter: `/metrics` in the text exposition format (0.0.4) with each watched series'
//! anomaly score, observed and expected value and band, so Prometheus can alert on the score and
//! Grafana can draw the band.
//!
//! Metrics (label `series`):
//! `hermes_anomaly_score` (0..1), `hermes_anomaly_observed`, `hermes_anomaly_expected`,
//! `hermes_anomaly_lower`, `hermes_anomaly_upper`, `hermes_anomaly_alarm` (1 while the score is at or
//! above the alarm level, with label `kind`), `hermes_anomaly_points_total` (counter), and the
//! exporter process' own `process_cpu_seconds_total` (Linux).

use super::http::{serve, HttpResponse};
use crate::detect::Verdict;
use crate::error::{AnomalyError, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

type Gauge = (&'static str, &'static str, fn(&Verdict) -> Option<f64>);

#[derive(Debug, Clone, Default)]
struct SeriesState {
    verdict: Option<Verdict>,
    points: u64,
    alarm: bool,
}

/// The exporter's shared state; update it from the scoring loop, serve it with [`Exporter::serve`].
///
/// ```
/// use hermes_anomaly::detect::{AnomalyKind, Verdict};
/// use hermes_anomaly::monitor::Exporter;
/// let ex = Exporter::new(0.99);
/// ex.record("cpu", &Verdict::new("ensemble", AnomalyKind::Point, 0.7, 0.2).with_band(0.5, 0.1, 0.9));
/// let text = ex.render();
/// assert!(text.contains("hermes_anomaly_score{series=\"cpu\"} 0.2"));
/// assert!(text.contains("hermes_anomaly_upper{series=\"cpu\"} 0.9"));
/// ```
#[derive(Debug, Clone)]
pub struct Exporter {
    state: Arc<Mutex<BTreeMap<String, SeriesState>>>,
    alarm_level: f64,
}

impl Exporter {
    /// An exporter whose `hermes_anomaly_alarm` is 1 while a series' score is ≥ `alarm_level`.
    pub fn new(alarm_level: f64) -> Self {
        Exporter {
            state: Arc::default(),
            alarm_level,
        }
    }

    /// Records the latest verdict of `series` (skipped points only count).
    pub fn record(&self, series: &str, v: &Verdict) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let e = st.entry(series.to_string()).or_default();
        e.points += 1;
        if !v.skipped {
            e.alarm = v.score >= self.alarm_level;
            e.verdict = Some(*v);
        }
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        let gauges: [Gauge; 5] = [
            (
                "hermes_anomaly_score",
                "Calibrated anomaly score in [0,1] of the latest point.",
                |v| Some(v.score),
            ),
            ("hermes_anomaly_observed", "Latest observed value.", |v| {
                Some(v.observed)
            }),
            (
                "hermes_anomaly_expected",
                "Expected value of the latest point.",
                |v| v.expected,
            ),
            (
                "hermes_anomaly_lower",
                "Lower edge of the normal band.",
                |v| v.lower,
            ),
            (
                "hermes_anomaly_upper",
                "Upper edge of the normal band.",
                |v| v.upper,
            ),
        ];
        for (name, help, get) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
            for (series, s) in st.iter() {
                if let Some(x) = s.verdict.as_ref().and_then(get) {
                    let _ = writeln!(out, "{name}{{series=\"{}\"}} {}", escape(series), fmt_f(x));
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP hermes_anomaly_alarm 1 while the series' score is at or above the alarm level.\n# TYPE hermes_anomaly_alarm gauge"
        );
        for (series, s) in st.iter() {
            if let Some(v) = &s.verdict {
                let _ = writeln!(
                    out,
                    "hermes_anomaly_alarm{{series=\"{}\",kind=\"{}\",detector=\"{}\"}} {}",
                    escape(series),
                    v.kind.as_str(),
                    escape(v.detector),
                    u8::from(s.alarm)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP hermes_anomaly_points_total Points received per series.\n# TYPE hermes_anomaly_points_total counter"
        );
        for (series, s) in st.iter() {
            let _ = writeln!(
                out,
                "hermes_anomaly_points_total{{series=\"{}\"}} {}",
                escape(series),
                s.points
            );
        }
        if let Some(cpu) = process_cpu_seconds() {
            let _ = writeln!(
                out,
                "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {cpu}"
            );
        }
        out
    }

    /// Serves `/metrics` on `addr` in the background; the server stops when the handle is dropped.
    pub async fn serve(&self, addr: &str) -> Result<ExporterHandle> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| AnomalyError::io(addr, "bind", e))?;
        let local = listener
            .local_addr()
            .map_err(|e| AnomalyError::io(addr, "bind", e))?;
        let me = self.clone();
        let task = serve(listener, move |req| {
            match (req.method.as_str(), req.path.as_str()) {
                ("GET", "/metrics") => {
                    HttpResponse::ok("text/plain; version=0.0.4; charset=utf-8", me.render())
                }
                ("GET", _) => HttpResponse::error(404, "try /metrics"),
                _ => HttpResponse::error(405, "GET /metrics"),
            }
        });
        Ok(ExporterHandle { addr: local, task })
    }
}

/// A running exporter; dropping it stops the server.
#[derive(Debug)]
pub struct ExporterHandle {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl ExporterHandle {
    /// Where it listens.
    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.addr
    }
}

impl Drop for ExporterHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn fmt_f(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x == f64::INFINITY {
        "+Inf".into()
    } else if x == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{x}")
    }
}

/// This process' user + system CPU seconds from `/proc/self/stat` (Linux; `None` elsewhere).
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on every Linux ABI Rust supports
}
