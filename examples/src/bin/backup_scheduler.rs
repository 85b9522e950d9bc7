//! The long-running backup scheduler: daily incremental at 02:00, weekly full on Sunday at 03:00, a daily
//! retention purge and a weekly read-data verify (all cron expressions, in a time zone), catch-up of the
//! runs missed while it was down, its state in a file, and `/metrics` for Prometheus (last success,
//! duration, size, runs, missed runs, and the age of the newest snapshot = current RPO).
//!
//! With no flags it backs up a demo tree into `~/.cache/hermes/scheduler-demo/repo`.
//!
//! ```text
//! # as a service (Ctrl-C / SIGTERM to stop after the job in progress):
//! cargo run -p hermes-examples --bin backup_scheduler -- --repo /var/backups/hermes --dir /srv/data \
//!     --state /var/lib/hermes/scheduler.json --metrics 127.0.0.1:9187
//! # from cron or a timer: run what was missed, print the metrics, exit
//! cargo run -p hermes-examples --bin backup_scheduler -- --catch-up-only --print-metrics
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::Parser;
use hermes_core::artifact::{ArtifactStore, LocalStore};
use hermes_core::retention::RetentionPolicy;
use hermes_core::schedule::Schedule;
use hermes_core::secret::Secret;
use hermes_data::scheduler::{
    serve_metrics, Job, RepositoryRunner, RunOutcome, Scheduler, SchedulerState, SystemClock, Task,
};
use hermes_data::{InitOptions, Repository, SnapshotKind};

#[derive(Parser, Debug)]
#[command(
    about = "Long-running backup scheduler: cron jobs, catch-up of missed runs, Prometheus metrics"
)]
struct Args {
    /// Repository directory (default: ~/.cache/hermes/scheduler-demo/repo).
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Directory to back up (repeatable). Default: a demo tree.
    #[arg(long = "dir")]
    dirs: Vec<PathBuf>,
    /// The scheduler's state file (what ran when; default:
    /// ~/.cache/hermes/scheduler-demo/state.json).
    #[arg(long)]
    state: Option<PathBuf>,
    /// Environment variable holding the repository passphrase (default: none, an unencrypted repository).
    #[arg(long)]
    passphrase_env: Option<String>,
    /// Daily incremental backup (cron, in --tz).
    #[arg(long, default_value = "0 2 * * *", value_parser = hermes_examples::cron_expr)]
    incremental_cron: String,
    /// Weekly full backup (cron, in --tz).
    #[arg(long, default_value = "0 3 * * SUN", value_parser = hermes_examples::cron_expr)]
    full_cron: String,
    /// Retention purge (cron, in --tz; "off" to disable).
    #[arg(long, default_value = "0 4 * * *", value_parser = hermes_examples::cron_or_off)]
    purge_cron: String,
    /// Full read-data verify (cron, in --tz; "off" to disable).
    #[arg(long, default_value = "0 5 * * SUN", value_parser = hermes_examples::cron_or_off)]
    verify_cron: String,
    /// Time zone of the schedules (IANA name).
    #[arg(long, default_value = "UTC", value_parser = hermes_examples::time_zone)]
    tz: String,
    /// Retention policy of the purge (restic-style: last, hourly, daily, weekly, monthly, yearly,
    /// within).
    #[arg(long, default_value = "last=7,daily=7,weekly=4")]
    keep: RetentionPolicy,
    /// Where to serve /metrics (host:port).
    #[arg(long, default_value = "127.0.0.1:9187")]
    metrics: std::net::SocketAddr,
    /// Run what is due or was missed, then exit (for cron or a systemd timer).
    #[arg(long)]
    catch_up_only: bool,
    /// Print the metrics after catching up.
    #[arg(long)]
    print_metrics: bool,
    /// Treat every job as last run at this time (RFC 3339, or an age like `3d`, `12h`, `30m`), e.g.
    /// when moving the scheduler to a new machine without its state file. Missed slots since then
    /// are caught up (default: the state file's times).
    #[arg(long, value_parser = assumed_last_run)]
    assume_last_run: Option<DateTime<Utc>>,
}

/// Reads `--assume-last-run` when the arguments are parsed, before anything runs.
fn assumed_last_run(s: &str) -> Result<DateTime<Utc>, String> {
    parse_when(s, Utc::now())
}

fn parse_when(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = num.parse().map_err(|_| {
        "write an RFC 3339 time (2026-11-27T02:00:00Z) or an age like 3d, 12h or 30m".to_string()
    })?;
    let d = match unit {
        "d" => chrono::Duration::days(n),
        "h" => chrono::Duration::hours(n),
        "m" => chrono::Duration::minutes(n),
        _ => {
            return Err(format!(
                "the unit of the age {s:?} must be d, h or m (3d, 12h, 30m)"
            ))
        }
    };
    Ok(now - d)
}

fn demo_tree(root: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("etc"))?;
    std::fs::write(root.join("etc/app.conf"), "listen = 0.0.0.0:8080\n")?;
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join("events.log"))?
        .write_all(format!("{} scheduler demo event\n", Utc::now().to_rfc3339()).as_bytes())?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    let home = PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()));
    let base = home.join(".cache/hermes/scheduler-demo");
    let repo_dir = args.repo.clone().unwrap_or_else(|| base.join("repo"));
    let state_path = args
        .state
        .clone()
        .unwrap_or_else(|| base.join("state.json"));
    let passphrase = match &args.passphrase_env {
        Some(var) => Some(Secret::from_env(var)?),
        None => None,
    };
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&repo_dir)?);
    let (repo, created) =
        Repository::open_or_init(store.clone(), passphrase.as_ref(), InitOptions::new()).await?;
    if created {
        println!("==> initialised repository {}", store.describe());
    }
    let mut dirs = args.dirs.clone();
    if dirs.is_empty() {
        let demo = base.join("source");
        demo_tree(&demo)?;
        println!(
            "==> no --dir given: backing up the demo tree {}",
            demo.display()
        );
        dirs.push(demo);
    }

    let keep = args.keep.clone();
    let sched = |expr: &str| Schedule::parse(expr, &args.tz);
    let mut jobs = vec![
        Job::new(
            "daily-incremental",
            sched(&args.incremental_cron)?,
            Task::Backup(SnapshotKind::Incremental),
        ),
        Job::new(
            "weekly-full",
            sched(&args.full_cron)?,
            Task::Backup(SnapshotKind::Full),
        ),
    ];
    if args.purge_cron != "off" {
        jobs.push(Job::new(
            "daily-purge",
            sched(&args.purge_cron)?,
            Task::Purge(keep),
        ));
    }
    if args.verify_cron != "off" {
        jobs.push(Job::new(
            "weekly-verify",
            sched(&args.verify_cron)?,
            Task::Verify { read_data: true },
        ));
    }

    if let Some(t) = args.assume_last_run {
        let mut state = SchedulerState::default();
        for j in &jobs {
            state.jobs.entry(j.name.clone()).or_default().last_slot = Some(t);
        }
        if let Some(dir) = state_path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        hermes_core::artifact::write_atomic(
            &state_path,
            &serde_json::to_vec_pretty(&state)?,
            0o600,
        )?;
        println!(
            "==> assuming every job last ran at {t} (state written to {})",
            state_path.display()
        );
    }

    let mut scheduler = Scheduler::new(jobs, &state_path)?;
    println!("==> jobs ({}; state {}):", args.tz, state_path.display());
    for j in scheduler.jobs() {
        println!(
            "    {:<18} {:<22} {:?}",
            j.name,
            j.schedule.expression(),
            j.task
        );
    }
    let runner = RepositoryRunner::new(repo, dirs);
    println!("==> catching up on missed runs");
    let records = scheduler.catch_up(&runner, &SystemClock).await?;
    if records.is_empty() {
        println!("    nothing was missed");
    }
    let mut failed = false;
    for r in &records {
        let what = match &r.outcome {
            RunOutcome::Succeeded(s) => format!("ok: {}", s.detail),
            RunOutcome::Failed { error } => {
                failed = true;
                format!("FAILED: {error}")
            }
            RunOutcome::Superseded { by } => format!("superseded by {by}"),
        };
        println!(
            "    {:<18} slot {} ({} missed slot(s) folded in), {:.2} s, {}",
            r.job,
            r.slot.format("%Y-%m-%d %H:%M UTC"),
            r.missed,
            r.seconds,
            what
        );
    }
    println!("==> next runs:");
    for (name, t) in scheduler.next_runs(Utc::now())? {
        println!("    {name:<18} {}", t.format("%Y-%m-%d %H:%M UTC"));
    }
    let metrics = scheduler.metrics();
    if args.print_metrics {
        println!("==> metrics (as served at /metrics):");
        for line in metrics
            .render(Utc::now())
            .lines()
            .filter(|l| !l.starts_with('#'))
        {
            println!("    {line}");
        }
    }
    if args.catch_up_only {
        if failed {
            return Err("a job failed (see above)".into());
        }
        return Ok(());
    }

    let listener = tokio::net::TcpListener::bind(&args.metrics)
        .await
        .map_err(|e| {
            format!(
                "cannot listen on {} for /metrics: {e}; pass another --metrics host:port",
                args.metrics
            )
        })?;
    println!(
        "==> serving http://{}/metrics; running until Ctrl-C or SIGTERM",
        args.metrics
    );
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(serve_metrics(listener, metrics, {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }));
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        println!("==> stopping (no job was interrupted)");
    };
    scheduler.run(&runner, &SystemClock, shutdown).await?;
    let _ = stop_tx.send(true);
    let _ = server.await;
    Ok(())
}
