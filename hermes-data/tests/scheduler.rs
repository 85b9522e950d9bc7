//! The backup scheduler: a simulated week runs every job at its slots, a restart after downtime catches up
//! each job once with the missed slots counted, failures are recorded and do not stop it, and a real
//! repository run serves metrics that Prometheus' own `promtool check metrics` accepts.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::scheduler::{
    default_jobs, Clock, Job, JobRunner, RepositoryRunner, RunOutcome, RunSummary, Scheduler,
    SystemClock, Task,
};
use hermes_data::{DataError, InitOptions, Repository, SnapshotKind};

/// A clock the test moves: sleeping jumps to the wake-up time.
struct SimClock(Mutex<DateTime<Utc>>);

impl SimClock {
    fn at(t: DateTime<Utc>) -> Self {
        SimClock(Mutex::new(t))
    }
    fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }
}

#[async_trait]
impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    async fn sleep_until(&self, t: DateTime<Utc>) {
        let mut now = self.0.lock().unwrap();
        if t > *now {
            *now = t;
        }
    }
}

/// Records what it was asked to run, at which simulated time; fails the jobs named in `fail`.
struct Recorder<'c> {
    clock: &'c SimClock,
    ran: Mutex<Vec<(String, DateTime<Utc>)>>,
    fail: Vec<String>,
}

#[async_trait]
impl JobRunner for Recorder<'_> {
    async fn run(&self, job: &Job) -> hermes_data::Result<RunSummary> {
        self.ran
            .lock()
            .unwrap()
            .push((job.name.clone(), self.clock.now()));
        if self.fail.contains(&job.name) {
            return Err(DataError::invalid("test source", "disk unplugged"));
        }
        Ok(RunSummary {
            bytes_added: 10,
            bytes_processed: 100,
            detail: String::new(),
        })
    }
    async fn newest_snapshots(&self) -> hermes_data::Result<BTreeMap<String, DateTime<Utc>>> {
        Ok(BTreeMap::new())
    }
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Steps the scheduler through every slot up to `end`.
async fn run_until(s: &mut Scheduler, runner: &Recorder<'_>, clock: &SimClock, end: DateTime<Utc>) {
    loop {
        let next = s
            .next_runs(clock.now())
            .unwrap()
            .into_iter()
            .map(|(_, t)| t)
            .min()
            .unwrap();
        if next > end {
            break;
        }
        s.step(runner, clock).await.unwrap();
    }
}

#[tokio::test]
async fn a_simulated_week_then_downtime_then_catch_up() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state/scheduler.json");
    let jobs = default_jobs("UTC", "last=7".parse().unwrap()).unwrap();
    // Monday 2026-11-23 12:00: first start, nothing ran before.
    let clock = SimClock::at(utc(2026, 11, 23, 12, 0));
    let runner = Recorder {
        clock: &clock,
        ran: Mutex::new(Vec::new()),
        fail: vec![],
    };
    let mut s = Scheduler::new(jobs.clone(), &state).unwrap();
    let first = s.catch_up(&runner, &clock).await.unwrap();
    // Backups never ran: the full runs at once and makes the incremental unnecessary.
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(first[0].job, "weekly-full");
    assert!(matches!(first[0].outcome, RunOutcome::Succeeded(_)));
    assert_eq!(
        first[1].outcome,
        RunOutcome::Superseded {
            by: "weekly-full".into()
        }
    );

    // Run until Sunday 06:00.
    run_until(&mut s, &runner, &clock, utc(2026, 11, 29, 6, 0)).await;
    let ran = runner.ran.lock().unwrap().clone();
    let count = |name: &str| ran.iter().filter(|(n, _)| n == name).count();
    // Tue..Sun at 02:00 (six), Sunday's full at 03:00, purges Tue..Sun at 04:00, verify Sunday 05:00.
    assert_eq!(count("daily-incremental"), 6, "{ran:?}");
    assert_eq!(count("weekly-full"), 2, "{ran:?}");
    assert_eq!(count("daily-purge"), 6, "{ran:?}");
    assert_eq!(count("weekly-verify"), 1, "{ran:?}");
    assert!(ran.contains(&("weekly-full".into(), utc(2026, 11, 29, 3, 0))));
    assert!(ran.contains(&("daily-incremental".into(), utc(2026, 11, 24, 2, 0))));
    assert!(ran.contains(&("weekly-verify".into(), utc(2026, 11, 29, 5, 0))));
    // Ordered in time.
    assert!(ran.windows(2).all(|w| w[0].1 <= w[1].1));

    // Down from Sunday 06:00 to Wednesday 12:00; a new process reads the same state file.
    drop(s);
    clock.set(utc(2026, 12, 2, 12, 0));
    runner.ran.lock().unwrap().clear();
    let mut s = Scheduler::new(jobs.clone(), &state).unwrap();
    let caught = s.catch_up(&runner, &clock).await.unwrap();
    let names: Vec<_> = caught.iter().map(|r| (r.job.as_str(), r.missed)).collect();
    // Mon, Tue, Wed 02:00 and 04:00 were missed: one run each, two slots folded; the full is not due.
    assert_eq!(names, [("daily-incremental", 2), ("daily-purge", 2)]);
    assert_eq!(caught[0].slot, utc(2026, 12, 2, 2, 0));
    let text = s.metrics().render(clock.now());
    assert!(
        text.contains("hermes_backup_missed_runs_total{job=\"daily-incremental\"} 2"),
        "{text}"
    );
    // The next runs are in the future: Thursday 02:00 and Sunday 03:00.
    let next: BTreeMap<_, _> = s.next_runs(clock.now()).unwrap().into_iter().collect();
    assert_eq!(next["daily-incremental"], utc(2026, 12, 3, 2, 0));
    assert_eq!(next["weekly-full"], utc(2026, 12, 6, 3, 0));
}

#[tokio::test]
async fn a_failing_job_is_recorded_and_the_scheduler_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("scheduler.json");
    let clock = SimClock::at(utc(2026, 11, 23, 12, 0));
    let runner = Recorder {
        clock: &clock,
        ran: Mutex::new(Vec::new()),
        fail: vec!["daily-purge".into()],
    };
    let jobs = default_jobs("UTC", "last=7".parse().unwrap()).unwrap();
    let mut s = Scheduler::new(jobs, &state).unwrap();
    s.catch_up(&runner, &clock).await.unwrap();
    run_until(&mut s, &runner, &clock, utc(2026, 11, 25, 5, 0)).await;
    let st = &s.state().jobs["daily-purge"];
    assert!(st.last_error.as_deref().unwrap().contains("disk unplugged"));
    assert!(st.last_success.is_none());
    assert!(s.state().jobs["daily-incremental"].last_success.is_some());
    let text = s.metrics().render(clock.now());
    assert!(
        text.contains("hermes_backup_runs_total{job=\"daily-purge\",result=\"failure\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("hermes_backup_runs_total{job=\"daily-incremental\",result=\"success\"} 2"),
        "{text}"
    );
    // The state survives a restart.
    let again = Scheduler::new(
        default_jobs("UTC", "last=7".parse().unwrap()).unwrap(),
        &state,
    )
    .unwrap();
    assert_eq!(again.state(), s.state());
}

#[test]
fn bad_configuration_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("scheduler.json");
    std::fs::write(&state, b"{ not json").unwrap();
    let err = Scheduler::new(
        default_jobs("UTC", "last=7".parse().unwrap()).unwrap(),
        &state,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("scheduler.json") && err.contains("move it away"),
        "{err}"
    );

    let sched = hermes_core::schedule::Schedule::parse_utc("0 2 * * *").unwrap();
    let twice = vec![
        Job::new("a", sched.clone(), Task::Verify { read_data: false }),
        Job::new("a", sched.clone(), Task::Backup(SnapshotKind::Full)),
    ];
    let err = Scheduler::new(twice, tmp.path().join("s2.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"a\"") && err.contains("unique"), "{err}");
    let err = Scheduler::new(vec![], tmp.path().join("s3.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no jobs"), "{err}");
    assert!(default_jobs("Mars/Olympus", "last=1".parse().unwrap()).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_repository_run_serves_metrics_promtool_accepts() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 50, &[1]);
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(tmp.path().join("repo")).unwrap());
    let repo = Repository::init(store, InitOptions::new()).await.unwrap();
    let runner = RepositoryRunner::new(repo.clone(), vec![src.clone()]);
    let jobs = default_jobs("UTC", "last=3".parse().unwrap()).unwrap();
    let mut s = Scheduler::new(jobs, tmp.path().join("scheduler.json")).unwrap();
    let ran = s.catch_up(&runner, &SystemClock).await.unwrap();
    let RunOutcome::Succeeded(summary) = &ran[0].outcome else {
        panic!("{ran:?}")
    };
    assert!(summary.bytes_added > 0 && summary.bytes_processed > 0);
    assert!(summary.detail.contains("structure check ok"), "{summary:?}");
    assert_eq!(repo.snapshots().await.unwrap().len(), 1);
    assert_eq!(repo.snapshots().await.unwrap()[0].kind, SnapshotKind::Full);

    // The metrics, over HTTP, as Prometheus scrapes them.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(hermes_data::scheduler::serve_metrics(
        listener,
        s.metrics(),
        stopped,
    ));
    let resp = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let body = resp.text().await.unwrap();
    let rpo_line = body
        .lines()
        .find(|l| l.starts_with("hermes_backup_newest_snapshot_age_seconds{source=\"dir:"))
        .unwrap_or_else(|| panic!("{body}"));
    let rpo: f64 = rpo_line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((0.0..600.0).contains(&rpo), "{rpo_line}");
    assert!(body.contains("hermes_backup_last_success_timestamp_seconds{job=\"weekly-full\"}"));
    assert_eq!(
        reqwest::get(format!("http://{addr}/other"))
            .await
            .unwrap()
            .status(),
        404
    );
    stop.send(()).unwrap();
    server.await.unwrap();

    // Prometheus' own linter accepts the exposition (promtool comes with the prometheus peer).
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (installed by `scripts/peers.sh up prometheus`)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}\n{body}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
