//! Live watching: query Prometheus each tick, score every watched series with the ensemble, publish the
//! verdicts on the exporter, and raise / resolve alerts in Alertmanager.
//!
//! Alert rule: a series fires when its score reaches its alarm level (0.9999 by default, the
//! [`EnsembleConfig::live`] settings'), or, with
//! [`Watcher::confirm_after`], when the points after such an onset confirm it (Prometheus' `for`;
//! see [`super::confirm`]); it resolves
//! once its observed value has been back inside the normal band for `clear_after` consecutive ticks. A tick where Prometheus has
//! no sample for a series (empty vector) leaves that series untouched; NaN samples are skipped by the
//! detector ([`crate::detect::Guarded`]).

use super::alertmanager::{AlertmanagerClient, PostableAlert};
use super::confirm::{Confirmer, Judgement};
use super::exporter::Exporter;
use super::prometheus::PrometheusClient;
use crate::detect::{Detector, Ensemble, EnsembleConfig, Guarded, Verdict};
use crate::error::Result;
use std::time::Duration;

/// Steps per range query of a backfill (Prometheus refuses more than 11,000).
const BACKFILL_CHUNK: usize = 10_000;

/// A series to watch: a name (the exporter's `series` label) and a PromQL expression returning one
/// sample (sum or aggregate it if it could return several).
#[derive(Debug, Clone, PartialEq)]
pub struct WatchSpec {
    /// Name.
    pub name: String,
    /// PromQL.
    pub promql: String,
    /// History to learn before the first live point: span and step ([`WatchSpec::backfill`]).
    pub backfill: Option<(Duration, Duration)>,
}

impl WatchSpec {
    /// A spec.
    pub fn new(name: &str, promql: &str) -> Self {
        WatchSpec {
            name: name.into(),
            promql: promql.into(),
            backfill: None,
        }
    }

    /// Learns from the history Prometheus already holds before scoring live: on the series' first
    /// tick its PromQL is evaluated over the last `span` every `step` (range queries; make `step`
    /// the interval between ticks) and the values are fed to its detector unscored, so it starts
    /// with a calibrated history instead of an empty one ([`WatchEvent::Learned`] says how many
    /// points). Default: off (learn live only). Leave it off where the recent past may hold the
    /// very anomalies to be caught: they would be learned as normal.
    ///
    /// ```
    /// use hermes_anomaly::monitor::watch::WatchSpec;
    /// use std::time::Duration;
    /// let cpu = WatchSpec::new("cpu", "1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[1m]))")
    ///     .backfill(Duration::from_secs(6 * 3600), Duration::from_secs(15));
    /// assert_eq!(cpu.backfill, Some((Duration::from_secs(21_600), Duration::from_secs(15))));
    /// ```
    pub fn backfill(mut self, span: Duration, step: Duration) -> Self {
        self.backfill = Some((span, step.max(Duration::from_millis(1))));
        self
    }
}

/// Something that happened on a tick.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent {
    /// A series was scored.
    Scored {
        /// Series name.
        series: String,
        /// Its verdict.
        verdict: Verdict,
    },
    /// A series started an anomaly; the alert was posted.
    Fired {
        /// Series name.
        series: String,
        /// The verdict that fired it.
        verdict: Verdict,
    },
    /// A series' score reached its alarm level; the alert waits for the next points to confirm
    /// it ([`Watcher::confirm_after`]).
    Pending {
        /// Series name.
        series: String,
        /// The onset's verdict.
        verdict: Verdict,
    },
    /// The points after a pending onset did not confirm it; no alert was posted.
    Dismissed {
        /// Series name.
        series: String,
        /// The onset's verdict.
        verdict: Verdict,
    },
    /// A series is back to normal; the alert was resolved.
    Resolved {
        /// Series name.
        series: String,
    },
    /// A series learned from Prometheus' history before its first live point ([`WatchSpec::backfill`]).
    Learned {
        /// Series name.
        series: String,
        /// Points learned (0 if Prometheus had none in the span).
        points: usize,
    },
}

#[derive(Debug)]
struct Watched {
    spec: WatchSpec,
    detector: Guarded<Ensemble>,
    /// The backfill still to do (span, step), cleared once done.
    backfill: Option<(Duration, Duration)>,
    firing: Option<PostableAlert>,
    normal_run: usize,
    confirmer: Confirmer,
}

impl Watched {
    /// The score at which this series fires (its ensemble's alarm level).
    fn alarm_level(&self) -> f64 {
        self.detector.inner().config().alarm_level
    }

    /// Feeds the series' history over the last `span` every `step` to its detector, unscored;
    /// returns the points learned.
    async fn learn_history(
        &mut self,
        prom: &PrometheusClient,
        span: Duration,
        step: Duration,
    ) -> Result<usize> {
        let end = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        // Prometheus answers at most 11,000 points per series and query: ask in chunks.
        let chunk = step.as_secs_f64() * BACKFILL_CHUNK as f64;
        let mut from = end - span.as_secs_f64();
        let mut points = 0;
        while from < end {
            let to = (from + chunk).min(end);
            let history = prom
                .query_range(&self.spec.promql, from, to, step)
                .await?
                .into_matrix()?;
            if let Some(series) = history.first() {
                for p in &series.values {
                    let v = self.detector.observe(p.time.floor() as i64, p.value);
                    points += usize::from(!v.skipped);
                }
            }
            from = to + step.as_secs_f64();
        }
        Ok(points)
    }
}

/// The watcher. See the module documentation.
///
/// ```no_run
/// # async fn run() -> hermes_anomaly::Result<()> {
/// use hermes_anomaly::monitor::watch::{WatchSpec, Watcher};
/// use hermes_anomaly::monitor::{AlertmanagerClient, Exporter, PrometheusClient};
/// let exporter = Exporter::new(0.999);
/// let mut w = Watcher::new(PrometheusClient::new("http://127.0.0.1:9090")?, exporter.clone())
///     .alertmanager(AlertmanagerClient::new("http://127.0.0.1:9093")?)
///     .watch(WatchSpec::new("cpu", "1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[30s]))"));
/// loop {
///     for e in w.tick().await? { println!("{e:?}"); }
///     tokio::time::sleep(std::time::Duration::from_secs(1)).await;
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct Watcher {
    prom: PrometheusClient,
    am: Option<AlertmanagerClient>,
    exporter: Exporter,
    series: Vec<Watched>,
    config: EnsembleConfig,
    clear_after: usize,
    confirm: usize,
    alertname: String,
    labels: Vec<(String, String)>,
}

impl Watcher {
    /// A watcher reading from `prom` and publishing on `exporter`.
    pub fn new(prom: PrometheusClient, exporter: Exporter) -> Self {
        Watcher {
            prom,
            am: None,
            exporter,
            series: Vec::new(),
            config: EnsembleConfig::live(),
            clear_after: 3,
            confirm: 0,
            alertname: "HermesAnomaly".into(),
            labels: Vec::new(),
        }
    }

    /// Sends alerts to this Alertmanager.
    pub fn alertmanager(mut self, am: AlertmanagerClient) -> Self {
        self.am = Some(am);
        self
    }

    /// Ensemble settings for series added after this call (default [`EnsembleConfig::live`]); such a
    /// series fires at `cfg.alarm_level`.
    pub fn ensemble(mut self, cfg: EnsembleConfig) -> Self {
        self.config = cfg;
        self
    }

    /// Score at which a series fires (default 0.9999), for series added after this call; their
    /// ensembles start an episode there ([`EnsembleConfig::alarm_at`]).
    pub fn alarm_level(mut self, level: f64) -> Self {
        self.config = self.config.alarm_at(level);
        self
    }

    /// Consecutive in-band ticks before resolving (default 3).
    pub fn clear_after(mut self, n: usize) -> Self {
        self.clear_after = n.max(1);
        self
    }

    /// Holds an alarm onset until it and the next `points` ticks together depart from the expected
    /// value (Prometheus' `for`; default 0: alert at once), for series added after this call. A
    /// series' mere record then does not alert: in plain noise, 37 alerts in 240,000 points (six
    /// series of 40,000) fell to none with 2 points. The cost: the alert comes `points` ticks
    /// later, and with 2 points a single spike must be at least 6.9 σ and a shift at least 2.3 σ. It
    /// does not help with heavy-tailed or strongly autocorrelated noise, whose records persist or
    /// are large. See [`super::confirm`].
    ///
    /// ```
    /// use hermes_anomaly::monitor::watch::Watcher;
    /// use hermes_anomaly::monitor::{Exporter, PrometheusClient};
    /// let w = Watcher::new(PrometheusClient::new("http://127.0.0.1:9090").unwrap(), Exporter::new(0.999))
    ///     .confirm_after(2);
    /// # drop(w);
    /// ```
    pub fn confirm_after(mut self, points: usize) -> Self {
        self.confirm = points;
        self
    }

    /// The alert name (default `HermesAnomaly`).
    pub fn alertname(mut self, name: &str) -> Self {
        self.alertname = name.into();
        self
    }

    /// An extra label on every alert (e.g. a run id).
    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.labels.push((k.into(), v.into()));
        self
    }

    /// Adds a series.
    pub fn watch(mut self, spec: WatchSpec) -> Self {
        self.series.push(Watched {
            backfill: spec.backfill,
            spec,
            detector: Guarded::new(Ensemble::new(self.config.clone())),
            firing: None,
            normal_run: 0,
            confirmer: Confirmer::new(self.confirm),
        });
        self
    }

    /// Whether `series` is currently firing.
    pub fn is_firing(&self, series: &str) -> bool {
        self.series
            .iter()
            .any(|w| w.spec.name == series && w.firing.is_some())
    }

    /// One round: query, score, publish, alert.
    pub async fn tick(&mut self) -> Result<Vec<WatchEvent>> {
        let mut events = Vec::new();
        for w in &mut self.series {
            if let Some((span, step)) = w.backfill {
                // Cleared only once learned: a failed backfill is retried on the next tick (points
                // already learned are skipped as out of order).
                let points = w.learn_history(&self.prom, span, step).await?;
                w.backfill = None;
                events.push(WatchEvent::Learned {
                    series: w.spec.name.clone(),
                    points,
                });
            }
            let v = self.prom.query(&w.spec.promql, None).await?.into_vector()?;
            let Some(sample) = v.first() else { continue };
            let verdict = w
                .detector
                .observe(sample.value.time.floor() as i64, sample.value.value);
            self.exporter.record(&w.spec.name, &verdict);
            if verdict.skipped {
                continue;
            }
            events.push(WatchEvent::Scored {
                series: w.spec.name.clone(),
                verdict,
            });
            let in_band = match (verdict.lower, verdict.upper) {
                (Some(l), Some(u)) => verdict.observed >= l && verdict.observed <= u,
                _ => true,
            };
            let onset = if w.firing.is_none() {
                let waiting = w.confirmer.is_pending();
                match w.confirmer.judge(&verdict, w.alarm_level()) {
                    Judgement::Alert(onset) => Some(onset),
                    Judgement::Pending if !waiting => {
                        events.push(WatchEvent::Pending {
                            series: w.spec.name.clone(),
                            verdict,
                        });
                        None
                    }
                    Judgement::Dismissed(onset) => {
                        events.push(WatchEvent::Dismissed {
                            series: w.spec.name.clone(),
                            verdict: onset,
                        });
                        if w.confirmer.is_pending() {
                            // This point is a new onset, waiting in turn.
                            events.push(WatchEvent::Pending {
                                series: w.spec.name.clone(),
                                verdict,
                            });
                        }
                        None
                    }
                    Judgement::Pending | Judgement::Quiet => None,
                }
            } else {
                None
            };
            if let Some(verdict) = onset {
                let mut alert = PostableAlert::new(&self.alertname)
                    .label("series", &w.spec.name)
                    .label("kind", verdict.kind.as_str())
                    .label("severity", "warning")
                    .annotation("summary", &format!("Anomaly on {}", w.spec.name))
                    .annotation("description", &verdict.explain())
                    .annotation("promql", &w.spec.promql)
                    .starts_at(chrono::Utc::now())
                    .generator_url(&format!(
                        "{}/graph?g0.expr={}",
                        self.prom.base_url(),
                        w.spec.promql.replace(' ', "%20")
                    ));
                for (k, val) in &self.labels {
                    alert = alert.label(k, val);
                }
                if let Some(am) = &self.am {
                    am.post_alerts(std::slice::from_ref(&alert)).await?;
                }
                w.firing = Some(alert);
                w.normal_run = 0;
                events.push(WatchEvent::Fired {
                    series: w.spec.name.clone(),
                    verdict,
                });
            } else if let Some(alert) = &w.firing {
                w.normal_run = if in_band && verdict.score < w.alarm_level() {
                    w.normal_run + 1
                } else {
                    0
                };
                if w.normal_run >= self.clear_after {
                    if let Some(am) = &self.am {
                        am.resolve(std::slice::from_ref(alert)).await?;
                    }
                    w.firing = None;
                    events.push(WatchEvent::Resolved {
                        series: w.spec.name.clone(),
                    });
                } else if let Some(am) = &self.am {
                    // Refresh so Alertmanager does not time the alert out while it lasts.
                    am.post_alerts(std::slice::from_ref(alert)).await?;
                }
            }
        }
        Ok(events)
    }
}

/// Burns CPU on `threads` threads for `duration` (the injected anomaly of the demo and tests).
///
/// ```
/// let t = std::time::Instant::now();
/// hermes_anomaly::monitor::watch::cpu_burn(1, std::time::Duration::from_millis(50)).join();
/// assert!(t.elapsed() >= std::time::Duration::from_millis(50));
/// ```
pub fn cpu_burn(threads: usize, duration: std::time::Duration) -> CpuBurn {
    let handles = (0..threads.max(1))
        .map(|_| {
            std::thread::spawn(move || {
                let end = std::time::Instant::now() + duration;
                let mut x = 0u64;
                while std::time::Instant::now() < end {
                    for i in 0..10_000u64 {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(i),
                        );
                    }
                }
                x
            })
        })
        .collect();
    CpuBurn { handles }
}

/// A running CPU burn.
#[derive(Debug)]
pub struct CpuBurn {
    handles: Vec<std::thread::JoinHandle<u64>>,
}

impl CpuBurn {
    /// Waits for the burn to end.
    pub fn join(self) {
        for h in self.handles {
            let _ = h.join();
        }
    }

    /// Whether every burning thread has finished.
    pub fn is_finished(&self) -> bool {
        self.handles.iter().all(|h| h.is_finished())
    }
}
