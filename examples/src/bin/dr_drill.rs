//! Disaster-recovery drill: restore the latest snapshot of each source into a scratch target, validate
//! it, and write a Markdown + JSON report with the measured RTO (restore + validation time) and RPO
//! (age of the restored data) against the plan's targets. Exit status 1 when any source fails.
//!
//! With no flags it uses the `backup` example's repository (`~/.cache/hermes/backup-demo/repo`),
//! running that backup first if the repository is empty, restores PostgreSQL into a scratch database on
//! the local server and directories into a scratch directory.
//!
//! ```text
//! cargo run -p hermes-examples --bin dr_drill -- --repo /var/backups/hermes --rto 600 --rpo 93600 \
//!     --report-dir /var/lib/hermes/drills
//! ```

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use clap::Parser;
use hermes_core::artifact::{ArtifactStore, LocalStore};
use hermes_core::secret::Secret;
use hermes_core::RestoreTarget;
use hermes_data::source::basebackup::{PgBaseBackup, ScratchCluster};
use hermes_data::source::mongo::{MongoDump, MongoServer};
use hermes_data::source::postgres::{PgDatabase, PgDump};
use hermes_data::{Repository, Snapshot};
use serde_json::json;

#[derive(Parser, Debug)]
#[command(about = "Restore the latest backups into scratch targets, validate, report RTO/RPO")]
struct Args {
    /// Repository directory (default: the backup example's, ~/.cache/hermes/backup-demo/repo,
    /// filled by running that example first when it is empty).
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Environment variable holding the repository passphrase (default: none, an unencrypted repository).
    #[arg(long)]
    passphrase_env: Option<String>,
    /// RTO target in seconds (time to restore and validate one source).
    #[arg(long, default_value_t = 600)]
    rto: u64,
    /// RPO target in seconds (maximum age of the newest snapshot; default 26 h for daily backups).
    #[arg(long, default_value_t = 26 * 3600)]
    rpo: u64,
    /// Where PostgreSQL scratch databases are created (postgres://USER@HOST:PORT); default: the source's server.
    #[arg(long, value_parser = pg_server)]
    pg_scratch: Option<String>,
    /// Where MongoDB scratch databases are created (`mongodb://[USER:PASSWORD@]HOST:PORT`); default:
    /// the source's server. Read from HERMES_MONGO_SCRATCH when set (it may hold a password).
    #[arg(long, env = "HERMES_MONGO_SCRATCH", hide_env_values = true)]
    mongo_scratch: Option<String>,
    /// Where the reports go (default: ~/.cache/hermes/backup-demo/drills).
    #[arg(long)]
    report_dir: Option<PathBuf>,
}

struct Outcome {
    source: String,
    snapshot: String,
    target: String,
    rto_s: f64,
    rpo_s: f64,
    checks: Vec<String>,
    error: Option<String>,
}

/// The restored stream's SHA-256 must be the one recorded when the backup was taken.
fn same_stream(snap: &Snapshot, info: &hermes_core::RestoreInfo) -> Result<(), String> {
    if snap.meta.get("stream_sha256") == Some(&info.sha256.to_string()) {
        Ok(())
    } else {
        Err(format!(
            "restored stream sha256 {} differs from the backup's {:?}",
            info.sha256,
            snap.meta.get("stream_sha256")
        ))
    }
}

async fn drill_pg(
    repo: &Repository,
    snap: &Snapshot,
    scratch_server: Option<&str>,
) -> Result<(String, Vec<String>), Box<dyn std::error::Error>> {
    let src = PgDatabase::parse(&snap.source)?;
    let base = match scratch_server {
        Some(s) => PgDatabase::parse(&format!("{}/postgres", s.trim_end_matches('/')))?,
        None => src.clone(),
    };
    let scratch = base.with_dbname(format!("{}_drill_{}", src.dbname, std::process::id()));
    scratch.drop_if_exists().await?;
    let info = repo
        .restore_source(
            snap,
            &PgDump::new(src),
            &RestoreTarget::Endpoint { url: scratch.url() },
        )
        .await;
    let result = async {
        let info = info?;
        let mut checks = vec![format!("stream sha256 {} matches the backup", info.sha256)];
        same_stream(snap, &info)?;
        let counts = scratch.row_counts().await?;
        for (k, v) in snap
            .meta
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("rows.").map(|t| (t, v)))
        {
            let got = counts.get(k).copied().unwrap_or(-1).to_string();
            if &got != v {
                return Err(format!("table {k}: {got} rows restored, {v} backed up").into());
            }
            checks.push(format!("table {k}: {v} rows"));
        }
        let expected: usize = snap
            .meta
            .get("tables")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        if counts.len() != expected {
            return Err(format!("{} tables restored, {expected} backed up", counts.len()).into());
        }
        checks.push(format!("{expected} table(s) present"));
        Ok::<_, Box<dyn std::error::Error>>(checks)
    }
    .await;
    scratch.drop_if_exists().await?;
    Ok((scratch.url(), result?))
}

/// A whole-cluster backup (`pg-cluster:` sources): restored into a new data directory, started as a
/// scratch cluster on a spare loopback port, validated by the row counts recorded at backup time.
async fn drill_cluster(
    repo: &Repository,
    snap: &Snapshot,
) -> Result<(String, Vec<String>), Box<dyn std::error::Error>> {
    // Under the system temp dir: the server runs as the postgres user, which cannot enter $HOME.
    let dir = std::env::temp_dir().join(format!("hermes-drill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
    let datadir = dir.join("pgdata");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    // The restore needs only the stream; the server it came from is not contacted.
    let source = PgBaseBackup::new(PgDatabase::new("127.0.0.1", 5432, "postgres", "postgres"));
    let result = async {
        let info = repo
            .restore_source(
                snap,
                &source,
                &RestoreTarget::Directory {
                    path: datadir.clone(),
                },
            )
            .await?;
        let mut checks = vec![format!("tar stream sha256 {} restored", info.sha256)];
        same_stream(snap, &info)?;
        let cluster = ScratchCluster::start(&datadir, port).await?;
        checks.push(format!(
            "scratch cluster started on 127.0.0.1:{port} (WAL replayed)"
        ));
        let validated = async {
            let mut by_db: std::collections::BTreeMap<&str, Vec<(&str, &String)>> =
                Default::default();
            for (k, v) in &snap.meta {
                if let Some(rest) = k.strip_prefix("rows.") {
                    if let Some((db, table)) = rest.split_once('.') {
                        by_db.entry(db).or_default().push((table, v));
                    }
                }
            }
            let mut out = Vec::new();
            for (db, tables) in by_db {
                let counts = cluster.database(db).row_counts().await?;
                for (t, v) in tables {
                    let got = counts.get(t).copied().unwrap_or(-1).to_string();
                    if &got != v {
                        return Err(format!("{db}.{t}: {got} rows restored, {v} backed up").into());
                    }
                    out.push(format!("{db}.{t}: {v} rows"));
                }
            }
            Ok::<_, Box<dyn std::error::Error>>(out)
        }
        .await;
        cluster.stop().await?;
        checks.extend(validated?);
        Ok::<_, Box<dyn std::error::Error>>(checks)
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((format!("127.0.0.1:{port} ({})", datadir.display()), result?))
}

/// `uri` with its database replaced by `db` (credentials and options kept).
fn with_database(uri: &str, db: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (scheme, rest) = uri.split_once("://").ok_or("not a mongodb:// URI")?;
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let query = tail
        .split_once('?')
        .map_or(String::new(), |(_, q)| format!("?{q}"));
    Ok(format!("{scheme}://{authority}/{db}{query}"))
}

/// A MongoDB dump: restored into a scratch database `<db>_drill_<pid>` (staged, so it appears only
/// when complete), validated by the document counts recorded at backup time, then dropped.
async fn drill_mongo(
    repo: &Repository,
    snap: &Snapshot,
    scratch_server: Option<&str>,
) -> Result<(String, Vec<String>), Box<dyn std::error::Error>> {
    let src = MongoServer::new(snap.source.clone())?;
    let db = src
        .database_in_uri()
        .ok_or("the snapshot's source names no database")?;
    let scratch_db = format!("{db}_drill_{}", std::process::id());
    let scratch_uri = with_database(scratch_server.unwrap_or(&snap.source), &scratch_db)?;
    let scratch = MongoServer::new(scratch_uri.clone())?;
    let client = scratch.client().await?;
    client.database(&scratch_db).drop().await?;
    let result = async {
        let info = repo
            .restore_source(
                snap,
                &MongoDump::new(src.clone(), &db),
                &RestoreTarget::Endpoint { url: scratch_uri },
            )
            .await?;
        same_stream(snap, &info)?;
        let mut checks = vec![format!(
            "dump stream sha256 {} matches the backup",
            info.sha256
        )];
        let counts = scratch.collection_counts(&scratch_db).await?;
        let mut expected = 0;
        for (coll, v) in snap
            .meta
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("docs.").map(|c| (c, v)))
        {
            expected += 1;
            let got = counts
                .get(coll)
                .copied()
                .map_or("none".into(), |n| n.to_string());
            if &got != v {
                return Err(
                    format!("collection {coll}: {got} documents restored, {v} backed up").into(),
                );
            }
            checks.push(format!("collection {coll}: {v} documents"));
        }
        if counts.len() != expected {
            return Err(format!(
                "{} collections restored, {expected} backed up",
                counts.len()
            )
            .into());
        }
        Ok::<_, Box<dyn std::error::Error>>(checks)
    }
    .await;
    client.database(&scratch_db).drop().await?;
    Ok((format!("{}/{scratch_db}", scratch.label()), result?))
}

async fn drill_dir(
    repo: &Repository,
    snap: &Snapshot,
    scratch: &std::path::Path,
) -> Result<(String, Vec<String>), Box<dyn std::error::Error>> {
    let _ = std::fs::remove_dir_all(scratch);
    let stats = repo.restore_dir(snap, scratch).await?;
    let mut checks = vec![format!(
        "{} files, {} bytes, every chunk's SHA-256 checked while restoring",
        stats.files, stats.bytes
    )];
    if stats.files != snap.stats.files || stats.bytes != snap.stats.bytes {
        return Err(format!(
            "restored {} files / {} bytes, snapshot has {} / {}",
            stats.files, stats.bytes, snap.stats.files, snap.stats.bytes
        )
        .into());
    }
    checks.push("file count and size match the snapshot".into());
    let verified = repo.verify_restored(snap, scratch).await?;
    checks.push(format!(
        "{verified} restored files re-read: size and SHA-256 match the snapshot"
    ));
    let _ = std::fs::remove_dir_all(scratch);
    Ok((scratch.display().to_string(), checks))
}

/// Checks `--pg-scratch` before anything runs.
fn pg_server(s: &str) -> Result<String, String> {
    PgDatabase::parse(&format!("{}/postgres", s.trim_end_matches('/')))
        .map(|_| s.to_string())
        .map_err(|e| {
            format!(
                "{}; write postgres://USER@HOST:PORT",
                hermes_core::Error::from(e).message()
            )
        })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let home = PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()));
    let base = home.join(".cache/hermes/backup-demo");
    let repo_dir = args.repo.clone().unwrap_or_else(|| base.join("repo"));
    let report_dir = args
        .report_dir
        .clone()
        .unwrap_or_else(|| base.join("drills"));
    let passphrase = match &args.passphrase_env {
        Some(v) => Some(Secret::from_env(v)?),
        None => None,
    };
    if args.repo.is_none() && !repo_dir.join("config").exists() {
        println!("==> no repository yet: running the backup example first");
        let exe = std::env::current_exe()?.with_file_name("backup");
        let status = std::process::Command::new(exe).status()?;
        if !status.success() {
            return Err("the seeding backup failed".into());
        }
    }
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&repo_dir)?);
    let repo = Repository::open(store, passphrase.as_ref()).await?;
    println!(
        "==> DR drill on {} (RTO target {} s, RPO target {} s)",
        repo.name(),
        args.rto,
        args.rpo
    );

    let mut latest: std::collections::BTreeMap<String, Snapshot> = Default::default();
    for s in repo.snapshots().await? {
        latest.insert(s.source.clone(), s);
    }
    if latest.is_empty() {
        return Err("the repository has no snapshots: run the backup first".into());
    }
    let mut outcomes = Vec::new();
    for (source, snap) in &latest {
        let rpo_s = (Utc::now() - snap.time).num_milliseconds() as f64 / 1000.0;
        println!(
            "==> {source}: restoring snapshot {} taken {}",
            snap.short_id(),
            snap.time.to_rfc3339()
        );
        let started = Instant::now();
        let res = if source.starts_with("postgres://") {
            drill_pg(&repo, snap, args.pg_scratch.as_deref()).await
        } else if source.starts_with("mongodb://") || source.starts_with("mongodb+srv://") {
            drill_mongo(&repo, snap, args.mongo_scratch.as_deref()).await
        } else if source.starts_with("pg-cluster:") {
            drill_cluster(&repo, snap).await
        } else if source.starts_with("dir:") {
            drill_dir(
                &repo,
                snap,
                &base.join(format!("drill-scratch-{}", std::process::id())),
            )
            .await
        } else {
            println!("    (no drill for this kind of source; skipped)");
            continue;
        };
        let rto_s = started.elapsed().as_secs_f64();
        let (target, checks, error) = match res {
            Ok((t, c)) => (t, c, None),
            Err(e) => (String::new(), vec![], Some(e.to_string())),
        };
        for c in &checks {
            println!("    ok: {c}");
        }
        if let Some(e) = &error {
            println!("    FAILED: {e}");
        }
        println!(
            "    RTO {rto_s:.2} s (target {}), RPO {rpo_s:.0} s (target {})",
            args.rto, args.rpo
        );
        outcomes.push(Outcome {
            source: source.clone(),
            snapshot: snap.id.clone(),
            target,
            rto_s,
            rpo_s,
            checks,
            error,
        });
    }

    let pass =
        |o: &Outcome| o.error.is_none() && o.rto_s <= args.rto as f64 && o.rpo_s <= args.rpo as f64;
    let all_pass = outcomes.iter().all(pass);
    let when = Utc::now();
    let json = json!({
        "drill_at": when.to_rfc3339(),
        "repository": repo.name(),
        "targets": {"rto_s": args.rto, "rpo_s": args.rpo},
        "pass": all_pass,
        "sources": outcomes.iter().map(|o| json!({
            "source": o.source, "snapshot": o.snapshot, "scratch_target": o.target,
            "rto_s": o.rto_s, "rpo_s": o.rpo_s, "pass": pass(o), "checks": o.checks, "error": o.error,
        })).collect::<Vec<_>>(),
    });
    let mut md = format!(
        "# DR drill {}\n\nRepository: `{}`  \nTargets: RTO ≤ {} s, RPO ≤ {} s  \nResult: **{}**\n\n| source | snapshot | RTO (s) | RPO (s) | result |\n|---|---|---|---|---|\n",
        when.to_rfc3339(), repo.name(), args.rto, args.rpo, if all_pass { "PASS" } else { "FAIL" }
    );
    for o in &outcomes {
        md.push_str(&format!(
            "| `{}` | `{}` | {:.2} | {:.0} | {} |\n",
            o.source,
            &o.snapshot[..8],
            o.rto_s,
            o.rpo_s,
            if pass(o) { "pass" } else { "FAIL" }
        ));
    }
    for o in &outcomes {
        md.push_str(&format!(
            "\n## `{}`\n\nRestored into `{}`.\n\n",
            o.source, o.target
        ));
        for c in &o.checks {
            md.push_str(&format!("- {c}\n"));
        }
        if let Some(e) = &o.error {
            md.push_str(&format!("- **error**: {e}\n"));
        }
    }
    std::fs::create_dir_all(&report_dir)?;
    let stem = format!("drill-{}", when.format("%Y%m%dT%H%M%SZ"));
    std::fs::write(report_dir.join(format!("{stem}.md")), &md)?;
    std::fs::write(
        report_dir.join(format!("{stem}.json")),
        serde_json::to_vec_pretty(&json)?,
    )?;
    println!("==> report: {}/{stem}.md and .json", report_dir.display());
    if !all_pass {
        eprintln!("DR drill FAILED");
        std::process::exit(1);
    }
    println!("DR drill passed");
    Ok(())
}
