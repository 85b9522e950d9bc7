//! Run one operation over many targets: bounded concurrency, a result per target, continue-on-error or
//! stop-at-first-error, cancellation, and progress events (an [`indicatif`] bar for binaries, any
//! [`ProgressSink`] for embedders).
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use hermes_core::fanout::FanOut;
//! let hosts = vec!["esxi-01".to_string(), "esxi-02".into(), "esxi-03".into()];
//! let report = FanOut::new(2)
//!     .run(hosts, |host, _ctx| async move { Ok(host.len()) })
//!     .await;
//! assert_eq!(report.succeeded().count(), 3);
//! assert!(report.all_ok());
//! println!("{}", report.summary());
//! # });
//! ```

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, ErrorKind, Result};

/// Something a fan-out runs over: it has a name for reports and progress.
pub trait Target: Send + 'static {
    /// The name shown in progress and reports.
    fn name(&self) -> String;
}

impl Target for String {
    fn name(&self) -> String {
        self.clone()
    }
}

impl Target for &'static str {
    fn name(&self) -> String {
        (*self).to_string()
    }
}

impl<T: Send + 'static> Target for (String, T) {
    fn name(&self) -> String {
        self.0.clone()
    }
}

/// A progress event.
#[derive(Debug, Clone)]
pub enum ProgressEvent {
    /// The fan-out begins over `total` targets.
    Begin {
        /// How many targets.
        total: usize,
    },
    /// Work on a target started.
    Started {
        /// The target.
        target: String,
    },
    /// A target reports a step ("media inserted", "powering on").
    Step {
        /// The target.
        target: String,
        /// What it is doing now.
        message: String,
    },
    /// A target finished successfully.
    Succeeded {
        /// The target.
        target: String,
        /// How long it took.
        elapsed: Duration,
    },
    /// A target failed.
    Failed {
        /// The target.
        target: String,
        /// The error, rendered.
        error: String,
    },
    /// A target was not run (cancelled, or stopped after another's failure).
    Skipped {
        /// The target.
        target: String,
        /// Why.
        reason: String,
    },
    /// All targets are done.
    End,
}

/// Receives progress events (a progress bar, a log, a channel to a UI). Called from many tasks.
pub trait ProgressSink: Send + Sync {
    /// Handles one event.
    fn event(&self, event: &ProgressEvent);
}

/// A sink that logs each event with `tracing` (the default for embedders).
#[derive(Debug, Default, Clone, Copy)]
pub struct TracingProgress;

impl ProgressSink for TracingProgress {
    fn event(&self, event: &ProgressEvent) {
        match event {
            ProgressEvent::Begin { total } => tracing::info!(total, "fan-out begins"),
            ProgressEvent::Started { target } => tracing::debug!(%target, "started"),
            ProgressEvent::Step { target, message } => tracing::info!(%target, "{message}"),
            ProgressEvent::Succeeded { target, elapsed } => {
                tracing::info!(%target, ?elapsed, "done")
            }
            ProgressEvent::Failed { target, error } => tracing::warn!(%target, %error, "failed"),
            ProgressEvent::Skipped { target, reason } => {
                tracing::info!(%target, %reason, "skipped")
            }
            ProgressEvent::End => tracing::info!("fan-out ends"),
        }
    }
}

/// An [`indicatif`] progress bar driven by fan-out events: one bar, the current step as its message,
/// failures printed above it.
pub struct IndicatifProgress {
    bar: indicatif::ProgressBar,
}

impl IndicatifProgress {
    /// A bar with Hermes' style (`[00:03] ████░░ 120/200 esxi-07: powering on`).
    pub fn new(prefix: impl Into<String>) -> Self {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:.bold} [{elapsed_precise}] {wide_bar:.cyan/blue} {pos}/{len} {msg}",
            )
            .expect("static template is valid")
            .progress_chars("█▓░"),
        );
        bar.set_prefix(prefix.into());
        IndicatifProgress { bar }
    }

    /// A bar that draws nowhere (for tests and non-terminal output); events still update its counters.
    pub fn hidden() -> Self {
        IndicatifProgress {
            bar: indicatif::ProgressBar::hidden(),
        }
    }

    /// The underlying bar (position, length).
    pub fn bar(&self) -> &indicatif::ProgressBar {
        &self.bar
    }
}

impl ProgressSink for IndicatifProgress {
    fn event(&self, event: &ProgressEvent) {
        match event {
            ProgressEvent::Begin { total } => self.bar.set_length(*total as u64),
            ProgressEvent::Started { target } => self.bar.set_message(format!("{target}: started")),
            ProgressEvent::Step { target, message } => {
                self.bar.set_message(format!("{target}: {message}"))
            }
            ProgressEvent::Succeeded { .. } => self.bar.inc(1),
            ProgressEvent::Failed { target, error } => {
                self.bar.println(format!("✗ {target}: {error}"));
                self.bar.inc(1);
            }
            ProgressEvent::Skipped { .. } => self.bar.inc(1),
            ProgressEvent::End => self.bar.finish_with_message("done"),
        }
    }
}

/// What an operation gets besides its target: its name, a cancellation token and a way to report steps.
#[derive(Clone)]
pub struct TaskContext {
    target: String,
    cancel: CancellationToken,
    progress: Option<Arc<dyn ProgressSink>>,
}

impl TaskContext {
    /// The target's name.
    pub fn target(&self) -> &str {
        &self.target
    }
    /// Reports a step of this target's work to the progress sink.
    pub fn step(&self, message: impl Into<String>) {
        if let Some(p) = &self.progress {
            p.event(&ProgressEvent::Step {
                target: self.target.clone(),
                message: message.into(),
            });
        }
    }
    /// The token that is cancelled when the fan-out is cancelled (or stops after a failure); long
    /// operations should check it between steps.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }
    /// An error of kind [`ErrorKind::Cancelled`] if the fan-out was cancelled.
    pub fn check_cancelled(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(Error::new(ErrorKind::Cancelled, "cancelled").with_target(self.target.clone()))
        } else {
            Ok(())
        }
    }
}

/// One target's outcome.
#[derive(Debug)]
pub enum Outcome<T> {
    /// It succeeded with a value.
    Ok(T),
    /// It failed.
    Failed(Error),
    /// It was not run, or was stopped before finishing (cancelled, or after another target's failure).
    Skipped(String),
}

/// One target's result, in input order within a [`FanOutReport`].
#[derive(Debug)]
pub struct TargetResult<T> {
    /// The target's name.
    pub target: String,
    /// What happened.
    pub outcome: Outcome<T>,
    /// How long its operation ran (zero if skipped).
    pub elapsed: Duration,
}

/// Every target's result, in the order the targets were given.
#[derive(Debug)]
pub struct FanOutReport<T> {
    /// The results, in input order.
    pub results: Vec<TargetResult<T>>,
    /// Wall time of the whole fan-out.
    pub elapsed: Duration,
}

impl<T> FanOutReport<T> {
    /// The successful results.
    pub fn succeeded(&self) -> impl Iterator<Item = (&str, &T)> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Outcome::Ok(v) => Some((r.target.as_str(), v)),
            _ => None,
        })
    }
    /// The failures.
    pub fn failed(&self) -> impl Iterator<Item = (&str, &Error)> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Outcome::Failed(e) => Some((r.target.as_str(), e)),
            _ => None,
        })
    }
    /// The skipped targets and why.
    pub fn skipped(&self) -> impl Iterator<Item = (&str, &str)> {
        self.results.iter().filter_map(|r| match &r.outcome {
            Outcome::Skipped(why) => Some((r.target.as_str(), why.as_str())),
            _ => None,
        })
    }
    /// Whether every target succeeded.
    pub fn all_ok(&self) -> bool {
        self.results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Ok(_)))
    }
    /// Counts and failures as text (the end-of-run report).
    pub fn summary(&self) -> FanOutSummary<'_, T> {
        FanOutSummary(self)
    }
    /// `Ok(values)` in input order if every target succeeded, else an error listing the failed targets.
    pub fn into_result(self) -> Result<Vec<T>> {
        if self.all_ok() {
            return Ok(self
                .results
                .into_iter()
                .filter_map(|r| match r.outcome {
                    Outcome::Ok(v) => Some(v),
                    _ => None,
                })
                .collect());
        }
        let first_kind = self
            .failed()
            .map(|(_, e)| e.kind())
            .next()
            .unwrap_or(ErrorKind::Cancelled);
        Err(Error::new(first_kind, self.summary().to_string()))
    }
}

/// Display adapter for [`FanOutReport::summary`].
pub struct FanOutSummary<'a, T>(&'a FanOutReport<T>);

impl<T> fmt::Display for FanOutSummary<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        writeln!(
            f,
            "{} targets in {:.2?}: {} ok, {} failed, {} skipped",
            r.results.len(),
            r.elapsed,
            r.succeeded().count(),
            r.failed().count(),
            r.skipped().count()
        )?;
        for (t, e) in r.failed() {
            writeln!(f, "  ✗ {t}: {e}")?;
        }
        for (t, why) in r.skipped() {
            writeln!(f, "  - {t}: skipped ({why})")?;
        }
        Ok(())
    }
}

/// A fan-out's settings; [`FanOut::run`] runs it.
#[derive(Clone)]
pub struct FanOut {
    concurrency: usize,
    continue_on_error: bool,
    cancel: CancellationToken,
    progress: Option<Arc<dyn ProgressSink>>,
}

impl FanOut {
    /// At most `concurrency` targets at once (at least 1), continue on error, no progress sink.
    pub fn new(concurrency: usize) -> Self {
        FanOut {
            concurrency: concurrency.max(1),
            continue_on_error: true,
            cancel: CancellationToken::new(),
            progress: None,
        }
    }
    /// Whether to go on with the other targets after one fails (default `true`). With `false`, targets
    /// not yet started are skipped and running ones are cancelled through their context.
    pub fn continue_on_error(mut self, yes: bool) -> Self {
        self.continue_on_error = yes;
        self
    }
    /// A token the caller cancels to stop the fan-out (targets not started are skipped).
    pub fn cancellation(mut self, token: CancellationToken) -> Self {
        self.cancel = token;
        self
    }
    /// Where progress events go.
    pub fn progress(mut self, sink: Arc<dyn ProgressSink>) -> Self {
        self.progress = Some(sink);
        self
    }

    fn emit(&self, ev: ProgressEvent) {
        if let Some(p) = &self.progress {
            p.event(&ev);
        }
    }

    /// Runs `op` over every target, at most `concurrency` at once, each on its own tokio task (so work
    /// uses every core). Returns every target's result in input order; never fails as a whole.
    pub async fn run<I, X, T, F, Fut>(&self, targets: I, op: F) -> FanOutReport<T>
    where
        I: IntoIterator<Item = X>,
        X: Target,
        T: Send + 'static,
        F: Fn(X, TaskContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<T>> + Send + 'static,
    {
        let started = Instant::now();
        let targets: Vec<X> = targets.into_iter().collect();
        let total = targets.len();
        self.emit(ProgressEvent::Begin { total });
        let names: Vec<String> = targets.iter().map(Target::name).collect();
        let mut slots: Vec<Option<TargetResult<T>>> = (0..total).map(|_| None).collect();
        let sem = Arc::new(Semaphore::new(self.concurrency));
        let stop = self.cancel.child_token();
        let op = Arc::new(op);
        let mut set = JoinSet::new();
        for (index, target) in targets.into_iter().enumerate() {
            let sem = sem.clone();
            let stop = stop.clone();
            let op = op.clone();
            let progress = self.progress.clone();
            let name = names[index].clone();
            let stop_on_error = !self.continue_on_error;
            set.spawn(async move {
                let permit = tokio::select! {
                    p = sem.acquire_owned() => p.expect("semaphore is never closed"),
                    _ = stop.cancelled() => {
                        return (index, Outcome::Skipped("cancelled before it started".into()), Duration::ZERO);
                    }
                };
                if stop.is_cancelled() {
                    return (index, Outcome::Skipped("cancelled before it started".into()), Duration::ZERO);
                }
                if let Some(p) = &progress {
                    p.event(&ProgressEvent::Started { target: name.clone() });
                }
                let t0 = Instant::now();
                let ctx = TaskContext { target: name, cancel: stop.clone(), progress };
                let outcome = match op(target, ctx).await {
                    Ok(v) => Outcome::Ok(v),
                    Err(e) if e.kind() == ErrorKind::Cancelled => Outcome::Skipped(e.message().to_string()),
                    Err(e) => Outcome::Failed(e),
                };
                if stop_on_error && matches!(outcome, Outcome::Failed(_)) {
                    // Cancel before releasing the permit, so no waiting target starts after a failure.
                    stop.cancel();
                }
                drop(permit);
                (index, outcome, t0.elapsed())
            });
        }
        while let Some(joined) = set.join_next().await {
            let (index, outcome, elapsed) = match joined {
                Ok(v) => v,
                Err(e) => {
                    // A panicking operation: find which slot is still empty later; record as failure.
                    tracing::error!("fan-out task panicked: {e}");
                    continue;
                }
            };
            let target = names[index].clone();
            match &outcome {
                Outcome::Ok(_) => self.emit(ProgressEvent::Succeeded {
                    target: target.clone(),
                    elapsed,
                }),
                Outcome::Failed(e) => {
                    self.emit(ProgressEvent::Failed {
                        target: target.clone(),
                        error: e.to_string(),
                    });
                    if !self.continue_on_error {
                        stop.cancel();
                    }
                }
                Outcome::Skipped(reason) => self.emit(ProgressEvent::Skipped {
                    target: target.clone(),
                    reason: reason.clone(),
                }),
            }
            slots[index] = Some(TargetResult {
                target,
                outcome,
                elapsed,
            });
        }
        let results = slots
            .into_iter()
            .enumerate()
            .map(|(i, slot)| {
                slot.unwrap_or_else(|| TargetResult {
                    target: names[i].clone(),
                    outcome: Outcome::Failed(Error::new(
                        ErrorKind::Internal,
                        "the operation panicked",
                    )),
                    elapsed: Duration::ZERO,
                })
            })
            .collect();
        self.emit(ProgressEvent::End);
        FanOutReport {
            results,
            elapsed: started.elapsed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);
    impl ProgressSink for Recorder {
        fn event(&self, e: &ProgressEvent) {
            let s = match e {
                ProgressEvent::Begin { total } => format!("begin {total}"),
                ProgressEvent::Started { target } => format!("start {target}"),
                ProgressEvent::Step { target, message } => format!("step {target} {message}"),
                ProgressEvent::Succeeded { target, .. } => format!("ok {target}"),
                ProgressEvent::Failed { target, .. } => format!("fail {target}"),
                ProgressEvent::Skipped { target, .. } => format!("skip {target}"),
                ProgressEvent::End => "end".into(),
            };
            self.0.lock().unwrap().push(s);
        }
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("vm-{i:03}")).collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrency_is_bounded_and_results_keep_input_order() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (r2, p2) = (running.clone(), peak.clone());
        let report = FanOut::new(5)
            .run(names(40), move |name, _ctx| {
                let (running, peak) = (r2.clone(), p2.clone());
                async move {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(name.to_uppercase())
                }
            })
            .await;
        assert_eq!(peak.load(Ordering::SeqCst), 5);
        let got: Vec<_> = report.succeeded().map(|(_, v)| v.clone()).collect();
        assert_eq!(
            got,
            names(40)
                .iter()
                .map(|n| n.to_uppercase())
                .collect::<Vec<_>>()
        );
    }

    #[tokio::test]
    async fn continue_on_error_reports_every_target() {
        let rec = Arc::new(Recorder::default());
        let report = FanOut::new(3)
            .progress(rec.clone())
            .run(names(6), |name, ctx| async move {
                ctx.step("checking");
                if name.ends_with('3') {
                    Err(Error::new(ErrorKind::Auth, "401 from iLO"))
                } else {
                    Ok(())
                }
            })
            .await;
        assert_eq!(report.failed().count(), 1);
        assert_eq!(report.succeeded().count(), 5);
        let (t, e) = report.failed().next().unwrap();
        assert_eq!((t, e.kind()), ("vm-003", ErrorKind::Auth));
        let s = report.summary().to_string();
        assert!(
            s.contains("5 ok, 1 failed, 0 skipped") && s.contains("vm-003"),
            "{s}"
        );
        let events = rec.0.lock().unwrap().clone();
        assert_eq!(events.first().unwrap(), "begin 6");
        assert_eq!(events.last().unwrap(), "end");
        assert!(events.contains(&"step vm-002 checking".to_string()));
        assert!(report.into_result().is_err());
    }

    #[tokio::test]
    async fn stop_at_first_error_skips_the_rest() {
        let report = FanOut::new(1)
            .continue_on_error(false)
            .run(names(5), |name, _ctx| async move {
                if name == "vm-001" {
                    Err(Error::new(ErrorKind::Conflict, "DuplicateName"))
                } else {
                    Ok(())
                }
            })
            .await;
        assert_eq!(report.succeeded().count(), 1);
        assert_eq!(report.failed().count(), 1);
        assert_eq!(report.skipped().count(), 3);
    }

    #[tokio::test]
    async fn cancellation_stops_running_and_pending_targets() {
        let token = CancellationToken::new();
        let t2 = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            t2.cancel();
        });
        let report = FanOut::new(2)
            .cancellation(token)
            .run(names(10), |_name, ctx| async move {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => Ok(()),
                    _ = ctx.cancellation().cancelled() => ctx.check_cancelled(),
                }
            })
            .await;
        assert_eq!(report.skipped().count(), 10);
        assert!(report.elapsed < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn indicatif_adapter_counts_every_target() {
        let bar = Arc::new(IndicatifProgress::hidden());
        let report = FanOut::new(4)
            .progress(bar.clone())
            .run(names(12), |n, _| async move {
                if n.ends_with('7') {
                    Err(Error::new(ErrorKind::Timeout, "x"))
                } else {
                    Ok(())
                }
            })
            .await;
        assert_eq!(report.results.len(), 12);
        assert_eq!(bar.bar().position(), 12);
        assert_eq!(bar.bar().length(), Some(12));
    }
}
