//! Backups that run by themselves: cron jobs (daily incremental 02:00, weekly full Sunday 03:00, a weekly
//! read-data verify and a daily retention purge by default), catch-up of the runs missed while the
//! scheduler was down, state kept across restarts, and metrics for Prometheus (last success, duration,
//! size, runs, missed runs, and the age of the newest snapshot of each source — the current RPO).
//!
//! The scheduler is independent of what a job does: a [`JobRunner`] runs it ([`RepositoryRunner`] backs up
//! directories into a [`Repository`]), and a [`Clock`] tells the time and sleeps ([`SystemClock`] in
//! production; tests drive a simulated week with their own clock).
//!
//! Catch-up rules (like anacron, not like cron):
//! - a job that missed one or more slots while the scheduler was down runs **once** at start, however many
//!   slots it missed (the count goes to `hermes_backup_missed_runs_total`);
//! - a backup job that has never run is due at once (no backup at all means an unbounded RPO); other jobs
//!   that never ran wait for their next slot;
//! - when a full and an incremental backup are due together, the full runs and the incremental is recorded
//!   as superseded (a full backup is a superset of it).
//!
//! ```no_run
//! # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
//! use hermes_data::scheduler::{default_jobs, RepositoryRunner, Scheduler, SystemClock};
//! let jobs = default_jobs("Europe/Berlin", "last=7,daily=7,weekly=4".parse()?)?;
//! let mut scheduler = Scheduler::new(jobs, "/var/lib/hermes/scheduler.json")?;
//! let runner = RepositoryRunner::new(repo, vec!["/srv/data".into()]);
//! let ran = scheduler.catch_up(&runner, &SystemClock).await?;
//! println!("caught up {} job(s)", ran.len());
//! scheduler.run(&runner, &SystemClock, tokio::signal::ctrl_c()).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hermes_core::retention::RetentionPolicy;
use hermes_core::schedule::Schedule;
use serde::{Deserialize, Serialize};

use crate::backup::BackupOptions;
use crate::error::{DataError, Result};
use crate::repository::Repository;
use crate::snapshot::SnapshotKind;

/// What a job does when it is due.
#[derive(Debug, Clone)]
pub enum Task {
    /// A backup of every source (full: every file read and every chunk re-verified; incremental: unchanged
    /// files skipped), followed by a quick structure check.
    Backup(SnapshotKind),
    /// A repository check; `read_data` re-hashes every chunk.
    Verify {
        /// Read and re-hash every chunk.
        read_data: bool,
    },
    /// Forget snapshots by the retention policy, then prune unreferenced data.
    Purge(RetentionPolicy),
}

impl Task {
    fn label(&self) -> &'static str {
        match self {
            Task::Backup(SnapshotKind::Full) => "full backup",
            Task::Backup(SnapshotKind::Incremental) => "incremental backup",
            Task::Verify { read_data: true } => "verify (read data)",
            Task::Verify { read_data: false } => "verify (structure)",
            Task::Purge(_) => "retention purge",
        }
    }

    /// Order among jobs due at the same moment: backups (full first), then purge, then verify.
    fn rank(&self) -> u8 {
        match self {
            Task::Backup(SnapshotKind::Full) => 0,
            Task::Backup(SnapshotKind::Incremental) => 1,
            Task::Purge(_) => 2,
            Task::Verify { .. } => 3,
        }
    }
}

/// A named task on a cron schedule.
#[derive(Debug, Clone)]
pub struct Job {
    /// A unique name (a metric label and the key of its state).
    pub name: String,
    /// When it runs.
    pub schedule: Schedule,
    /// What it does.
    pub task: Task,
}

impl Job {
    /// A job.
    ///
    /// ```
    /// use hermes_data::scheduler::{Job, Task};
    /// use hermes_core::schedule::Schedule;
    /// let job = Job::new("nightly", Schedule::parse("0 2 * * *", "UTC").unwrap(),
    ///     Task::Backup(hermes_data::SnapshotKind::Incremental));
    /// assert_eq!(job.name, "nightly");
    /// ```
    pub fn new(name: impl Into<String>, schedule: Schedule, task: Task) -> Self {
        Job {
            name: name.into(),
            schedule,
            task,
        }
    }
}

/// The proposal's plan in time zone `tz`: `daily-incremental` at 02:00, `weekly-full` on Sunday at 03:00,
/// `daily-purge` at 04:00 with `keep`, and `weekly-verify` (read data) on Sunday at 05:00.
///
/// ```
/// let jobs = hermes_data::scheduler::default_jobs("UTC", "last=7".parse().unwrap()).unwrap();
/// assert_eq!(jobs.len(), 4);
/// assert_eq!(jobs[1].schedule.expression(), "0 3 * * SUN");
/// ```
pub fn default_jobs(tz: &str, keep: RetentionPolicy) -> Result<Vec<Job>> {
    let s = |expr: &str| Schedule::parse(expr, tz).map_err(DataError::from);
    Ok(vec![
        Job::new(
            "daily-incremental",
            s("0 2 * * *")?,
            Task::Backup(SnapshotKind::Incremental),
        ),
        Job::new(
            "weekly-full",
            s("0 3 * * SUN")?,
            Task::Backup(SnapshotKind::Full),
        ),
        Job::new("daily-purge", s("0 4 * * *")?, Task::Purge(keep)),
        Job::new(
            "weekly-verify",
            s("0 5 * * SUN")?,
            Task::Verify { read_data: true },
        ),
    ])
}

/// What a job run produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Bytes newly stored in the repository (after dedup and compression).
    pub bytes_added: u64,
    /// Bytes of source data processed (backed up, verified or kept).
    pub bytes_processed: u64,
    /// One line for humans.
    pub detail: String,
}

/// Runs jobs for a [`Scheduler`].
#[async_trait]
pub trait JobRunner: Send + Sync {
    /// Runs `job` now.
    async fn run(&self, job: &Job) -> Result<RunSummary>;
    /// The time of the newest snapshot of each source (the data an immediate restore would bring back).
    async fn newest_snapshots(&self) -> Result<BTreeMap<String, DateTime<Utc>>>;
}

/// Tells the time and sleeps.
#[async_trait]
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
    /// Returns at or after `t`.
    async fn sleep_until(&self, t: DateTime<Utc>);
}

/// The wall clock. Sleeps in slices of at most a minute, re-reading the time, so that a suspended machine
/// or a clock step does not delay a run by the length of the step.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[async_trait]
impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn sleep_until(&self, t: DateTime<Utc>) {
        loop {
            let left = t - Utc::now();
            let Ok(left) = left.to_std() else { return };
            if left.is_zero() {
                return;
            }
            tokio::time::sleep(left.min(std::time::Duration::from_secs(60))).await;
        }
    }
}

/// What the scheduler remembers of a job across restarts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobState {
    /// The latest slot handled (run, failed or superseded).
    pub last_slot: Option<DateTime<Utc>>,
    /// When the last successful run ended.
    pub last_success: Option<DateTime<Utc>>,
    /// When the last failed run ended.
    pub last_failure: Option<DateTime<Utc>>,
    /// The last failure's message.
    pub last_error: Option<String>,
}

/// The state file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulerState {
    /// Per job name.
    pub jobs: BTreeMap<String, JobState>,
}

/// How a due job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum RunOutcome {
    /// It ran and succeeded.
    Succeeded(RunSummary),
    /// It ran and failed (the scheduler goes on; the next slot runs it again).
    Failed {
        /// The error message.
        error: String,
    },
    /// A full backup due at the same time made it unnecessary.
    Superseded {
        /// The job that ran instead.
        by: String,
    },
}

/// One handled slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The job.
    pub job: String,
    /// The slot it ran for (the latest one when several were missed).
    pub slot: DateTime<Utc>,
    /// Slots that passed without a run and were folded into this one.
    pub missed: usize,
    /// When it started.
    pub started: DateTime<Utc>,
    /// Wall time in seconds.
    pub seconds: f64,
    /// How it ended.
    pub outcome: RunOutcome,
}

/// A cron scheduler for backup jobs, with a state file and metrics. See the module documentation.
pub struct Scheduler {
    jobs: Vec<Job>,
    state_path: PathBuf,
    state: SchedulerState,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field(
                "jobs",
                &self.jobs.iter().map(|j| &j.name).collect::<Vec<_>>(),
            )
            .field("state_path", &self.state_path)
            .finish()
    }
}

impl Scheduler {
    /// A scheduler for `jobs`, remembering what ran in `state_path` (created on the first run; a damaged
    /// file is an error naming it, never silently reset).
    ///
    /// ```no_run
    /// let jobs = hermes_data::scheduler::default_jobs("UTC", "last=7".parse().unwrap()).unwrap();
    /// let s = hermes_data::scheduler::Scheduler::new(jobs, "/var/lib/hermes/scheduler.json").unwrap();
    /// print!("{}", s.metrics().render(chrono::Utc::now()));
    /// ```
    pub fn new(jobs: Vec<Job>, state_path: impl AsRef<Path>) -> Result<Self> {
        let state_path = state_path.as_ref().to_path_buf();
        if jobs.is_empty() {
            return Err(DataError::invalid(
                "scheduler",
                "no jobs given: add at least one backup job",
            ));
        }
        let mut names = std::collections::HashSet::new();
        for j in &jobs {
            if j.name.is_empty()
                || !j
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(DataError::invalid(
                    format!("scheduler job {:?}", j.name),
                    "a job name must be non-empty and use only letters, digits, '-', '_' or '.'",
                ));
            }
            if !names.insert(j.name.clone()) {
                return Err(DataError::invalid(
                    format!("scheduler job {:?}", j.name),
                    "two jobs have this name; give each job a unique name",
                ));
            }
        }
        let state = match std::fs::read(&state_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                DataError::invalid(
                    state_path.display().to_string(),
                    format!(
                        "the scheduler state file is not valid ({e}); fix it or move it away \
                         (the scheduler then treats every job as never run)"
                    ),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SchedulerState::default(),
            Err(e) => return Err(DataError::io("read", &state_path, e)),
        };
        let metrics = Arc::new(Metrics::default());
        {
            let mut m = metrics.lock();
            for j in &jobs {
                let st = state.jobs.get(&j.name).cloned().unwrap_or_default();
                let jm = m.jobs.entry(j.name.clone()).or_default();
                jm.task = j.task.label();
                jm.last_success = st.last_success;
                jm.last_failure = st.last_failure;
            }
        }
        Ok(Scheduler {
            jobs,
            state_path,
            state,
            metrics,
        })
    }

    /// The metrics this scheduler updates (share it with [`serve_metrics`]).
    pub fn metrics(&self) -> Arc<Metrics> {
        self.metrics.clone()
    }

    /// What the scheduler remembers.
    pub fn state(&self) -> &SchedulerState {
        &self.state
    }

    /// The jobs.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// When each job runs next, after `now`.
    pub fn next_runs(&self, now: DateTime<Utc>) -> Result<Vec<(String, DateTime<Utc>)>> {
        self.jobs
            .iter()
            .map(|j| {
                // From the last slot handled, not from now: a slot that passed during a long run is
                // due at once (and folded into one run with the others missed).
                let from = self.last_slot_or(j, now);
                let next = j.schedule.next_after(&from)?;
                Ok((j.name.clone(), next.with_timezone(&Utc)))
            })
            .collect()
    }

    fn last_slot_or(&self, job: &Job, now: DateTime<Utc>) -> DateTime<Utc> {
        self.state
            .jobs
            .get(&job.name)
            .and_then(|s| s.last_slot)
            .unwrap_or(now)
    }

    /// The jobs due at `now`: (index, latest due slot, missed slots folded into it).
    fn due(&self, now: DateTime<Utc>) -> Result<Vec<(usize, DateTime<Utc>, usize)>> {
        let mut due = Vec::new();
        for (i, j) in self.jobs.iter().enumerate() {
            match self.state.jobs.get(&j.name).and_then(|s| s.last_slot) {
                Some(last) => {
                    let slots = j.schedule.missed_between(&last, &now, 10_000)?;
                    if let Some(latest) = slots.last() {
                        due.push((i, latest.with_timezone(&Utc), slots.len() - 1));
                    }
                }
                None if matches!(j.task, Task::Backup(_)) => due.push((i, now, 0)),
                None => {}
            }
        }
        due.sort_by_key(|&(i, slot, _)| (slot, self.jobs[i].task.rank()));
        Ok(due)
    }

    /// Runs, once each, the jobs that missed slots while the scheduler was down (and backup jobs that never
    /// ran). Jobs that have never run and are not backups start counting from now.
    pub async fn catch_up(
        &mut self,
        runner: &dyn JobRunner,
        clock: &dyn Clock,
    ) -> Result<Vec<RunRecord>> {
        let now = clock.now();
        let records = self.run_due(runner, clock, now).await?;
        for j in &self.jobs {
            self.state
                .jobs
                .entry(j.name.clone())
                .or_default()
                .last_slot
                .get_or_insert(now);
        }
        self.save()?;
        self.refresh(runner, clock).await;
        Ok(records)
    }

    /// Sleeps until the next slot of any job, then runs every job due. Returns what ran.
    pub async fn step(
        &mut self,
        runner: &dyn JobRunner,
        clock: &dyn Clock,
    ) -> Result<Vec<RunRecord>> {
        let now = clock.now();
        let next = self
            .next_runs(now)?
            .into_iter()
            .map(|(_, t)| t)
            .min()
            .expect("a scheduler has at least one job");
        tracing::info!(next = %next, "scheduler: sleeping until the next slot");
        clock.sleep_until(next).await;
        let now = clock.now();
        let records = self.run_due(runner, clock, now).await?;
        self.refresh(runner, clock).await;
        Ok(records)
    }

    /// Catches up, then runs every job at its slots until `shutdown` completes (a run in progress is
    /// finished first, so the repository is never left with a half-made snapshot by the scheduler).
    pub async fn run(
        &mut self,
        runner: &dyn JobRunner,
        clock: &dyn Clock,
        shutdown: impl Future,
    ) -> Result<()> {
        self.catch_up(runner, clock).await?;
        let shutdown = std::pin::pin!(shutdown);
        let mut shutdown = shutdown;
        loop {
            let now = clock.now();
            let next = self
                .next_runs(now)?
                .into_iter()
                .map(|(_, t)| t)
                .min()
                .expect("a scheduler has at least one job");
            tokio::select! {
                _ = &mut shutdown => return Ok(()),
                _ = clock.sleep_until(next) => {}
            }
            let now = clock.now();
            self.run_due(runner, clock, now).await?;
            self.refresh(runner, clock).await;
        }
    }

    async fn run_due(
        &mut self,
        runner: &dyn JobRunner,
        clock: &dyn Clock,
        now: DateTime<Utc>,
    ) -> Result<Vec<RunRecord>> {
        let due = self.due(now)?;
        let mut records = Vec::new();
        let mut full_ran: Option<String> = None;
        for (i, slot, missed) in due {
            let job = self.jobs[i].clone();
            let started = clock.now();
            let t0 = Instant::now();
            let outcome = match (&job.task, &full_ran) {
                (Task::Backup(SnapshotKind::Incremental), Some(by)) => {
                    RunOutcome::Superseded { by: by.clone() }
                }
                _ => {
                    tracing::info!(job = %job.name, task = job.task.label(), %slot, missed, "scheduler: running");
                    match runner.run(&job).await {
                        Ok(summary) => {
                            if matches!(job.task, Task::Backup(SnapshotKind::Full)) {
                                full_ran = Some(job.name.clone());
                            }
                            RunOutcome::Succeeded(summary)
                        }
                        Err(e) => {
                            tracing::warn!(job = %job.name, error = %e, "scheduler: job failed");
                            RunOutcome::Failed {
                                error: e.to_string(),
                            }
                        }
                    }
                }
            };
            let ended = clock.now();
            let record = RunRecord {
                job: job.name.clone(),
                slot,
                missed,
                started,
                seconds: t0.elapsed().as_secs_f64(),
                outcome,
            };
            let st = self.state.jobs.entry(job.name.clone()).or_default();
            st.last_slot = Some(slot.max(st.last_slot.unwrap_or(slot)));
            match &record.outcome {
                RunOutcome::Succeeded(_) => {
                    st.last_success = Some(ended);
                    st.last_error = None;
                }
                RunOutcome::Failed { error } => {
                    st.last_failure = Some(ended);
                    st.last_error = Some(error.clone());
                }
                RunOutcome::Superseded { .. } => {}
            }
            self.metrics.record(&record, ended);
            // Saved after every run: a crash later does not make a finished job run again.
            self.save()?;
            records.push(record);
        }
        Ok(records)
    }

    async fn refresh(&self, runner: &dyn JobRunner, clock: &dyn Clock) {
        let now = clock.now();
        let next = self.next_runs(now).unwrap_or_default();
        let newest = runner.newest_snapshots().await;
        let mut m = self.metrics.lock();
        for (name, t) in next {
            m.jobs.entry(name).or_default().next_run = Some(t);
        }
        match newest {
            Ok(n) => m.newest = n,
            Err(e) => {
                tracing::warn!(error = %e, "scheduler: cannot list snapshots for the RPO metric")
            }
        }
    }

    fn save(&self) -> Result<()> {
        let json = serde_json::to_vec_pretty(&self.state).expect("state serialises");
        hermes_core::artifact::write_atomic(&self.state_path, &json, 0o600)?;
        Ok(())
    }
}

/// Per-job figures.
#[derive(Debug, Clone, Default)]
struct JobMetrics {
    task: &'static str,
    last_success: Option<DateTime<Utc>>,
    last_failure: Option<DateTime<Utc>>,
    last_seconds: Option<f64>,
    last_bytes_added: Option<u64>,
    last_bytes_processed: Option<u64>,
    succeeded: u64,
    failed: u64,
    superseded: u64,
    missed: u64,
    next_run: Option<DateTime<Utc>>,
}

#[derive(Debug, Default)]
struct MetricsInner {
    jobs: BTreeMap<String, JobMetrics>,
    newest: BTreeMap<String, DateTime<Utc>>,
}

/// The scheduler's metrics, rendered in Prometheus' text format by [`Metrics::render`].
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<MetricsInner>,
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn ts(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, MetricsInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn record(&self, r: &RunRecord, ended: DateTime<Utc>) {
        let mut m = self.lock();
        let jm = m.jobs.entry(r.job.clone()).or_default();
        jm.missed += r.missed as u64;
        match &r.outcome {
            RunOutcome::Succeeded(s) => {
                jm.succeeded += 1;
                jm.last_success = Some(ended);
                jm.last_seconds = Some(r.seconds);
                jm.last_bytes_added = Some(s.bytes_added);
                jm.last_bytes_processed = Some(s.bytes_processed);
            }
            RunOutcome::Failed { .. } => {
                jm.failed += 1;
                jm.last_failure = Some(ended);
                jm.last_seconds = Some(r.seconds);
            }
            RunOutcome::Superseded { .. } => jm.superseded += 1,
        }
    }

    /// The age in seconds of the newest snapshot of each source at `now` (the current RPO).
    pub fn rpo_seconds(&self, now: DateTime<Utc>) -> BTreeMap<String, f64> {
        self.lock()
            .newest
            .iter()
            .map(|(s, t)| {
                (
                    s.clone(),
                    (now - *t).num_milliseconds().max(0) as f64 / 1000.0,
                )
            })
            .collect()
    }

    /// The metrics in Prometheus' text exposition format (version 0.0.4) as of `now`.
    ///
    /// ```
    /// let m = hermes_data::scheduler::Metrics::default();
    /// assert!(m.render(chrono::Utc::now()).contains("hermes_backup_runs_total"));
    /// ```
    pub fn render(&self, now: DateTime<Utc>) -> String {
        let m = self.lock();
        let mut out = String::new();
        let mut family = |name: &str, kind: &str, help: &str, rows: Vec<(String, f64)>| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, v) in rows {
                let _ = writeln!(out, "{name}{labels} {v}");
            }
        };
        let job = |name: &str| format!("{{job=\"{}\"}}", escape_label(name));
        let per_job = |f: &dyn Fn(&JobMetrics) -> Option<f64>| -> Vec<(String, f64)> {
            m.jobs
                .iter()
                .filter_map(|(n, j)| f(j).map(|v| (job(n), v)))
                .collect()
        };
        family(
            "hermes_backup_job_info",
            "gauge",
            "A scheduled backup job and what it does.",
            m.jobs
                .iter()
                .map(|(n, j)| {
                    (
                        format!(
                            "{{job=\"{}\",task=\"{}\"}}",
                            escape_label(n),
                            escape_label(j.task)
                        ),
                        1.0,
                    )
                })
                .collect(),
        );
        family(
            "hermes_backup_last_success_timestamp_seconds",
            "gauge",
            "When the job last succeeded (Unix time).",
            per_job(&|j| j.last_success.map(ts)),
        );
        family(
            "hermes_backup_last_failure_timestamp_seconds",
            "gauge",
            "When the job last failed (Unix time).",
            per_job(&|j| j.last_failure.map(ts)),
        );
        family(
            "hermes_backup_last_duration_seconds",
            "gauge",
            "How long the job's last run took.",
            per_job(&|j| j.last_seconds),
        );
        family(
            "hermes_backup_last_added_bytes",
            "gauge",
            "Bytes the job's last successful run added to the repository (after dedup and compression).",
            per_job(&|j| j.last_bytes_added.map(|b| b as f64)),
        );
        family(
            "hermes_backup_last_processed_bytes",
            "gauge",
            "Bytes of source data the job's last successful run processed.",
            per_job(&|j| j.last_bytes_processed.map(|b| b as f64)),
        );
        let mut runs = Vec::new();
        for (n, j) in &m.jobs {
            for (result, v) in [
                ("success", j.succeeded),
                ("failure", j.failed),
                ("superseded", j.superseded),
            ] {
                runs.push((
                    format!("{{job=\"{}\",result=\"{result}\"}}", escape_label(n)),
                    v as f64,
                ));
            }
        }
        family(
            "hermes_backup_runs_total",
            "counter",
            "Runs of the job by result since the scheduler started.",
            runs,
        );
        family(
            "hermes_backup_missed_runs_total",
            "counter",
            "Slots that passed while the scheduler was down or busy, folded into a catch-up run.",
            per_job(&|j| Some(j.missed as f64)),
        );
        family(
            "hermes_backup_next_run_timestamp_seconds",
            "gauge",
            "When the job runs next (Unix time).",
            per_job(&|j| j.next_run.map(ts)),
        );
        let rpo: Vec<(String, f64)> = m
            .newest
            .iter()
            .map(|(s, t)| {
                (
                    format!("{{source=\"{}\"}}", escape_label(s)),
                    (now - *t).num_milliseconds().max(0) as f64 / 1000.0,
                )
            })
            .collect();
        family(
            "hermes_backup_newest_snapshot_age_seconds",
            "gauge",
            "Age of the newest snapshot of the source: the data a restore now would lose (current RPO).",
            rpo,
        );
        out
    }
}

/// Serves [`Metrics::render`] at `/metrics` (anything else is 404) on `listener` until `shutdown`
/// completes.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let metrics = std::sync::Arc::new(hermes_data::scheduler::Metrics::default());
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:9187").await?;
/// hermes_data::scheduler::serve_metrics(listener, metrics, tokio::signal::ctrl_c()).await;
/// # Ok(()) }
/// ```
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    shutdown: impl Future,
) {
    use http_body_util::Full;
    use hyper::body::{Bytes, Incoming};
    use hyper::{Request, Response, StatusCode};

    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics: accept failed");
                    continue;
                }
            },
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                let metrics = metrics.clone();
                async move {
                    let resp = if req.uri().path() == "/metrics" {
                        Response::builder()
                            .header("content-type", "text/plain; version=0.0.4; charset=utf-8")
                            .body(Full::new(Bytes::from(metrics.render(Utc::now()))))
                    } else {
                        Response::builder()
                            .status(StatusCode::NOT_FOUND)
                            .body(Full::new(Bytes::from_static(b"try /metrics\n")))
                    };
                    Ok::<_, std::convert::Infallible>(resp.expect("static response parts"))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                .await;
        });
    }
}

/// Runs jobs on a [`Repository`] for a set of directories (each one is a source `dir:<path>`).
#[derive(Debug, Clone)]
pub struct RepositoryRunner {
    repo: Repository,
    dirs: Vec<PathBuf>,
}

impl RepositoryRunner {
    /// A runner backing up `dirs` into `repo`.
    ///
    /// ```no_run
    /// # fn demo(repo: hermes_data::Repository) {
    /// let runner = hermes_data::scheduler::RepositoryRunner::new(repo, vec!["/srv/data".into()]);
    /// # }
    /// ```
    pub fn new(repo: Repository, dirs: Vec<PathBuf>) -> Self {
        RepositoryRunner { repo, dirs }
    }
}

#[async_trait]
impl JobRunner for RepositoryRunner {
    async fn run(&self, job: &Job) -> Result<RunSummary> {
        match &job.task {
            Task::Backup(kind) => {
                let mut summary = RunSummary::default();
                let mut lines = Vec::new();
                for dir in &self.dirs {
                    let opts = match kind {
                        SnapshotKind::Full => BackupOptions::full(),
                        SnapshotKind::Incremental => BackupOptions::incremental(),
                    }
                    .tag(job.name.clone());
                    let snap = self.repo.backup_dir(dir, opts).await?;
                    summary.bytes_added += snap.stats.bytes_stored;
                    summary.bytes_processed += snap.stats.bytes;
                    lines.push(format!(
                        "{} {} ({} files)",
                        snap.short_id(),
                        snap.source,
                        snap.stats.files
                    ));
                }
                let check = self.repo.verify(false).await?;
                if !check.is_ok() {
                    return Err(DataError::corrupt(self.repo.name(), check.render()));
                }
                summary.detail = format!("snapshots {}; structure check ok", lines.join(", "));
                Ok(summary)
            }
            Task::Verify { read_data } => {
                let report = self.repo.verify(*read_data).await?;
                if !report.is_ok() {
                    return Err(DataError::corrupt(self.repo.name(), report.render()));
                }
                Ok(RunSummary {
                    bytes_added: 0,
                    bytes_processed: report.bytes_read,
                    detail: format!(
                        "{} snapshots, {} packs, {} chunks re-hashed: ok",
                        report.snapshots, report.packs, report.chunks_read
                    ),
                })
            }
            Task::Purge(policy) => {
                let forgot = self.repo.forget_by_policy(policy, false).await?;
                let pruned = self.repo.prune().await?;
                Ok(RunSummary {
                    bytes_added: 0,
                    bytes_processed: 0,
                    detail: format!(
                        "kept {} snapshots, forgot {}; {} packs deleted, {} repacked, {:.1} MiB freed",
                        forgot.keep.len(),
                        forgot.forget.len(),
                        pruned.packs_deleted,
                        pruned.packs_repacked,
                        pruned.bytes_freed as f64 / 1048576.0
                    ),
                })
            }
        }
    }

    async fn newest_snapshots(&self) -> Result<BTreeMap<String, DateTime<Utc>>> {
        let mut newest: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
        for s in self.repo.snapshots().await? {
            let e = newest.entry(s.source.clone()).or_insert(s.time);
            if s.time > *e {
                *e = s.time;
            }
        }
        Ok(newest)
    }
}
