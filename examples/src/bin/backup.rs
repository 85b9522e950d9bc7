//! Daily incremental / weekly full backups with checksums, verification, an offsite copy and a
//! retention purge — the proposal's backup playbook as one run (call it from cron; the long-running
//! scheduler with catch-up and metrics is `backup_scheduler`).
//!
//! With no flags it backs up a demo directory (and a demo PostgreSQL database `hermes_demo` on the local server
//! if reachable) into `~/.cache/hermes/backup-demo/repo`, copies the repository to `.../offsite`, and purges
//! by `last=7,daily=7,weekly=4`.
//!
//! ```text
//! cargo run -p hermes-examples --bin backup -- --dir /srv/data --pg postgres://postgres@127.0.0.1:5432/app \
//!     --repo /var/backups/hermes --offsite /mnt/offsite/hermes --passphrase-env HERMES_REPO_PASSWORD
//! ```
//!
//! The offsite copy can go to any S3 (AWS, Arvan, MinIO, SeaweedFS): `--offsite s3://BUCKET/PREFIX` with
//! the endpoint and keys from flags or the environment (the secret only ever from the environment):
//!
//! ```text
//! HERMES_S3_ENDPOINT=https://s3.ir-thr-at1.arvanstorage.ir HERMES_S3_ACCESS_KEY=... HERMES_S3_SECRET_KEY=... \
//!     cargo run -p hermes-examples --bin backup -- --dir /srv/data --offsite s3://backups/hermes
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use chrono::Utc;
use clap::Parser;
use hermes_core::artifact::{ArtifactStore, LocalStore};
use hermes_core::retention::{RetentionPolicy, RetentionZone};
use hermes_core::schedule::Schedule;
use hermes_core::secret::Secret;
use hermes_data::s3::{S3Config, S3Store};
use hermes_data::source::basebackup::PgBaseBackup;
use hermes_data::source::mongo::{MongoDump, MongoServer};
use hermes_data::source::postgres::{PgDatabase, PgDump};
use hermes_data::{
    BackupOptions, ForgetOptions, InitOptions, Repository, Snapshot, SnapshotFilter, SnapshotKind,
};

#[derive(Parser, Debug)]
#[command(about = "Daily incremental / weekly full backups, verify, offsite copy, retention purge")]
struct Args {
    /// Repository directory (default: ~/.cache/hermes/backup-demo/repo).
    #[arg(long)]
    repo: Option<PathBuf>,
    /// Directory to back up (repeatable). Default, when no --dir, --pg, --pg-cluster or --mongo is
    /// given: a demo tree, plus the demo databases of the local servers that answer.
    #[arg(long = "dir")]
    dirs: Vec<PathBuf>,
    /// PostgreSQL database to back up with pg_dump (repeatable), postgres://USER@HOST:PORT/DB
    /// (default: none; the demo adds hermes_demo on 127.0.0.1:5432 when it answers).
    #[arg(long = "pg", value_parser = pg_url)]
    pgs: Vec<String>,
    /// A whole PostgreSQL cluster to back up with pg_basebackup (repeatable), postgres://USER@HOST:PORT;
    /// the demo adds the local server. Row counts of the databases given by --pg-cluster-validate are
    /// recorded for the DR drill (default: none).
    #[arg(long = "pg-cluster", value_parser = pg_url)]
    pg_clusters: Vec<String>,
    /// MongoDB database to dump (repeatable), `mongodb://[USER:PASSWORD@]HOST:PORT/DB` (default:
    /// none; the demo adds `hermes_demo` on 127.0.0.1:27117 when a server answers there).
    #[arg(long = "mongo")]
    mongos: Vec<String>,
    /// Databases whose row counts a cluster backup records (repeatable; default: none).
    #[arg(long = "pg-cluster-validate")]
    pg_cluster_validate: Vec<String>,
    /// Environment variable holding the repository passphrase (default: none, an unencrypted repository).
    #[arg(long)]
    passphrase_env: Option<String>,
    /// The backup kind: auto is full when a weekly-full slot (--full-cron) passed since the source's
    /// last full backup, else incremental.
    #[arg(long, value_enum, default_value_t = Kind::Auto)]
    kind: Kind,
    /// The weekly full schedule (cron, in --tz).
    #[arg(long, default_value = "0 3 * * 0", value_parser = hermes_examples::cron_expr)]
    full_cron: String,
    /// Time zone of the schedules (IANA name), and of the retention's hours, days and weeks unless
    /// --keep-tz says otherwise.
    #[arg(long, default_value = "UTC", value_parser = hermes_examples::time_zone)]
    tz: String,
    /// Offsite copy destination: a directory, `s3://BUCKET/PREFIX`, or "none" to skip (default:
    /// ~/.cache/hermes/backup-demo/offsite).
    #[arg(long)]
    offsite: Option<String>,
    /// S3 endpoint URL for an `s3://` offsite (default: AWS).
    #[arg(long, env = "HERMES_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// S3 region for an `s3://` offsite.
    #[arg(long, env = "HERMES_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
    /// S3 access key id for an `s3://` offsite (required for one; default: none).
    #[arg(long, env = "HERMES_S3_ACCESS_KEY")]
    s3_access_key: Option<String>,
    /// Environment variable holding the S3 secret access key.
    #[arg(long, default_value = "HERMES_S3_SECRET_KEY")]
    s3_secret_env: String,
    /// Objects copied in parallel to the offsite store (at least 1).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    offsite_parallel: u16,
    /// Retention policy for the purge (restic's rules: last, hourly..yearly, within, within-daily...,
    /// tag=a+b; counts may be `all`).
    #[arg(long, default_value = "last=7,daily=7,weekly=4")]
    keep: RetentionPolicy,
    /// What the retention policy is applied per (restic's --group-by): host, source (or paths), tags;
    /// "" for the whole repository.
    #[arg(long, default_value = "host,source")]
    group_by: hermes_data::GroupBy,
    /// Time zone the retention policy reads its hours, days, weeks, months and years in: an IANA
    /// name, UTC, local (this machine's zone) or recorded (each snapshot's own offset, as restic; UTC
    /// for Hermes' snapshots). A `tz=` in --keep wins. Default: the --tz value.
    #[arg(long, value_parser = retention_zone)]
    keep_tz: Option<RetentionZone>,
    /// Retention considers only the snapshots of this host (restic's forget --host; repeatable: any of
    /// them); the others are neither kept nor forgotten. Default: every host.
    #[arg(long = "forget-host", value_parser = non_empty("a host name"))]
    forget_hosts: Vec<String>,
    /// Retention considers only the snapshots carrying every tag of this comma-separated list
    /// (restic's forget --tag a,b; repeatable: any of the lists). Default: any tags.
    #[arg(long = "forget-tag", value_parser = non_empty("a tag list such as daily or daily,db"))]
    forget_tags: Vec<String>,
    /// Retention considers only the snapshots of this source, e.g. dir:/srv/data (restic's forget
    /// --path). Default: every source.
    #[arg(long = "forget-source", value_parser = non_empty("a source such as dir:/srv/data"))]
    forget_sources: Vec<String>,
    /// Read and re-hash every chunk after the backup (default: structure check only).
    #[arg(long)]
    verify_data: bool,
}

/// `--keep-tz`: a retention zone, refused with what to write.
fn retention_zone(s: &str) -> Result<RetentionZone, String> {
    s.parse().map_err(|e: hermes_core::Error| e.to_string())
}

/// A flag value that must not be blank.
fn non_empty(what: &'static str) -> impl Fn(&str) -> Result<String, String> + Clone {
    move |s: &str| {
        if s.trim().is_empty() || s.split(',').any(|p| p.trim().is_empty()) {
            Err(format!("{s:?} has an empty part: write {what}"))
        } else {
            Ok(s.trim().to_string())
        }
    }
}

fn demo_tree(root: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(root.join("etc"))?;
    std::fs::create_dir_all(root.join("var/log"))?;
    std::fs::write(
        root.join("etc/app.conf"),
        "listen = 0.0.0.0:8080\nworkers = 4\n",
    )?;
    let line = format!("{} GET /api/orders 200\n", Utc::now().to_rfc3339());
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(root.join("var/log/access.log"))?
        .write_all(line.as_bytes())?;
    let mut blob = vec![0u8; 4 << 20];
    for (i, b) in blob.iter_mut().enumerate() {
        *b = (i.wrapping_mul(2654435761) >> 13) as u8;
    }
    if !root.join("var/data.bin").exists() {
        std::fs::write(root.join("var/data.bin"), blob)?;
    }
    Ok(())
}

fn show(snap: &Snapshot) {
    let s = &snap.stats;
    println!(
        "    snapshot {} ({}) of {}: {} files, {:.1} MiB; read {} files, {} new chunks ({:.1} MiB), stored {:.1} MiB, {} ms",
        snap.short_id(),
        snap.kind.as_str(),
        snap.source,
        s.files,
        s.bytes as f64 / 1048576.0,
        s.files_read,
        s.chunks_new,
        s.bytes_new as f64 / 1048576.0,
        s.bytes_stored as f64 / 1048576.0,
        s.duration_ms
    );
}

/// Seeds `hermes_demo.events` on the local MongoDB peer (a few documents more on every run) and
/// returns its URL, or `None` when no server answers there.
async fn demo_mongo() -> Option<String> {
    use mongodb::bson::{doc, DateTime, Document};
    let url = "mongodb://127.0.0.1:27117/hermes_demo".to_string();
    let server = MongoServer::new(url.clone()).ok()?;
    let client = server.client().await.ok()?;
    let events = client
        .database("hermes_demo")
        .collection::<Document>("events");
    let now = DateTime::now();
    let docs: Vec<Document> = (0..500)
        .map(|i| {
            let kind = ["login", "order", "refund"][i % 3];
            doc! {"at": now, "kind": kind, "seq": i as i64}
        })
        .collect();
    events.insert_many(docs).await.ok()?;
    Some(url)
}

/// What `--kind` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    /// Every source gets a full backup.
    Full,
    /// Every source gets an incremental backup (against its latest snapshot).
    Incremental,
    /// Full when a weekly-full slot passed since the source's last full backup.
    Auto,
}

/// Checks a `--pg` / `--pg-cluster` URL before anything runs.
fn pg_url(s: &str) -> Result<String, String> {
    PgDatabase::parse(s).map(|_| s.to_string()).map_err(|e| {
        format!(
            "{}; write postgres://USER@HOST:PORT/DB",
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
    match &repo.config().encryption {
        Some(e) => println!("==> repository encrypted with {}", e.cipher),
        None => println!(
            "==> repository not encrypted (a new repository made with --passphrase-env VAR is)"
        ),
    }

    let mut dirs = args.dirs.clone();
    let mut pgs = args.pgs.clone();
    let mut clusters = args.pg_clusters.clone();
    let mut cluster_validate = args.pg_cluster_validate.clone();
    let mut mongos = args.mongos.clone();
    if dirs.is_empty() && pgs.is_empty() && clusters.is_empty() && mongos.is_empty() {
        let demo = base.join("source");
        demo_tree(&demo)?;
        println!("==> no source given: backing up the demo tree {} and, if reachable, the demo database postgres://postgres@127.0.0.1:5432/hermes_demo", demo.display());
        dirs.push(demo);
        // A demo database with a table that grows a little on every run.
        let local = PgDatabase::parse("postgres://postgres@127.0.0.1:5432/hermes_demo")?;
        if local.with_dbname("postgres").connect().await.is_ok() {
            local.create_if_missing().await?;
            local
                .connect()
                .await?
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, at timestamptz DEFAULT now(), body text);
                     INSERT INTO orders (body) SELECT 'order ' || i FROM generate_series(1, 1000) i;",
                )
                .await?;
            pgs.push(local.url());
            // And the whole cluster, physically, once a week is enough for a demo: only when no
            // cluster snapshot exists yet (a cluster is tens of MiB).
            if repo
                .snapshots()
                .await?
                .iter()
                .all(|s| !s.source.starts_with("pg-cluster:"))
            {
                clusters.push("postgres://postgres@127.0.0.1:5432".into());
                cluster_validate.push("hermes_demo".into());
            }
        }
        // And a MongoDB database, when the local MongoDB peer (scripts/peers.sh up mongodb) answers.
        if let Some(url) = demo_mongo().await {
            println!("==> MongoDB answers at 127.0.0.1:27117: backing up {url} too");
            mongos.push(url);
        }
    }

    // Daily incremental, weekly full: full when a weekly slot passed since the newest full snapshot.
    let weekly = Schedule::parse(&args.full_cron, &args.tz)?;
    let snapshots = repo.snapshots().await?;
    let now = Utc::now();
    let kind_for = |source: &str| -> Result<SnapshotKind, hermes_core::Error> {
        Ok(match args.kind {
            Kind::Full => SnapshotKind::Full,
            Kind::Incremental => SnapshotKind::Incremental,
            Kind::Auto => match snapshots
                .iter()
                .rev()
                .find(|s| s.source == source && s.kind == SnapshotKind::Full)
            {
                None => SnapshotKind::Full,
                Some(last) if !weekly.missed_between(&last.time, &now, 1)?.is_empty() => {
                    SnapshotKind::Full
                }
                Some(_) => SnapshotKind::Incremental,
            },
        })
    };
    println!(
        "==> weekly full at `{}` ({}), next {}",
        args.full_cron,
        args.tz,
        weekly.next_after(&now)?
    );

    let mut failed = false;
    for dir in &dirs {
        let source = format!("dir:{}", std::path::absolute(dir)?.display());
        let kind = kind_for(&source)?;
        println!("==> {} backup of {}", kind.as_str(), dir.display());
        let opts = if kind == SnapshotKind::Full {
            BackupOptions::full().tag("weekly")
        } else {
            BackupOptions::incremental().tag("daily")
        };
        match repo.backup_dir(dir, opts).await {
            Ok(s) => show(&s),
            Err(e) => {
                failed = true;
                eprintln!("!! backup of {} failed: {e}", dir.display());
            }
        }
    }
    for url in &pgs {
        let db = PgDatabase::parse(url)?;
        let kind = kind_for(&db.url())?;
        println!("==> {} backup of {} (pg_dump)", kind.as_str(), db.url());
        let opts = if kind == SnapshotKind::Full {
            BackupOptions::full().tag("weekly")
        } else {
            BackupOptions::incremental().tag("daily")
        };
        match repo
            .backup_source(&db.url(), &PgDump::new(db.clone()), opts)
            .await
        {
            Ok((s, info)) => {
                show(&s);
                println!(
                    "    dump sha256 {} ({} bytes), {} table(s)",
                    info.sha256,
                    info.bytes,
                    info.metadata.get("tables").map_or("?", |s| s.as_str())
                );
            }
            Err(e) => {
                failed = true;
                eprintln!("!! backup of {} failed: {e}", db.url());
            }
        }
    }

    for url in &mongos {
        let server = MongoServer::new(url.clone())?;
        let db = server.database_in_uri().ok_or_else(|| {
            format!(
                "--mongo {}: name the database in the URL's path (mongodb://host:port/db)",
                server.label()
            )
        })?;
        let dump = MongoDump::new(server, db);
        let kind = kind_for(&dump.source())?;
        println!(
            "==> {} backup of {} (MongoDB dump)",
            kind.as_str(),
            dump.source()
        );
        let opts = if kind == SnapshotKind::Full {
            BackupOptions::full().tag("weekly")
        } else {
            BackupOptions::incremental().tag("daily")
        };
        match repo.backup_source(&dump.source(), &dump, opts).await {
            Ok((s, info)) => {
                show(&s);
                println!(
                    "    dump sha256 {} ({} bytes), {} document(s), {} read",
                    info.sha256,
                    info.bytes,
                    info.metadata.get("documents").map_or("?", |s| s.as_str()),
                    info.metadata.get("consistency").map_or("?", |s| s.as_str())
                );
            }
            Err(e) => {
                failed = true;
                eprintln!("!! backup of {} failed: {e}", dump.source());
            }
        }
    }

    for url in &clusters {
        let server = PgDatabase::parse(&format!("{}/postgres", url.trim_end_matches('/')))?;
        let source_name = format!("pg-cluster:{}:{}", server.host, server.port);
        println!("==> full cluster backup of {source_name} (pg_basebackup)");
        let source = PgBaseBackup::new(server).validate(cluster_validate.clone());
        match repo
            .backup_source(&source_name, &source, BackupOptions::full().tag("weekly"))
            .await
        {
            Ok((s, info)) => {
                show(&s);
                println!(
                    "    tar stream sha256 {} ({:.1} MiB), PostgreSQL {}",
                    info.sha256,
                    info.bytes as f64 / 1048576.0,
                    info.metadata
                        .get("server_version")
                        .map_or("?", |s| s.as_str())
                );
            }
            Err(e) => {
                failed = true;
                eprintln!("!! backup of {source_name} failed: {e}");
            }
        }
    }

    println!(
        "==> verify ({})",
        if args.verify_data {
            "read every chunk"
        } else {
            "structure"
        }
    );
    let report = repo.verify(args.verify_data).await?;
    print!("    {}", report.render());
    failed |= !report.is_ok();

    let offsite = args
        .offsite
        .clone()
        .unwrap_or_else(|| base.join("offsite").display().to_string());
    if offsite != "none" {
        let dest: Arc<dyn ArtifactStore> = if offsite.starts_with("s3://") {
            let access = args.s3_access_key.clone().ok_or(
                "an s3:// offsite needs --s3-access-key or HERMES_S3_ACCESS_KEY (and the secret in HERMES_S3_SECRET_KEY)",
            )?;
            let mut cfg = S3Config::from_url(&offsite)?
                .region(args.s3_region.clone())
                .credentials(access, Secret::from_env(&args.s3_secret_env)?);
            if let Some(e) = &args.s3_endpoint {
                cfg = cfg.endpoint(e.clone());
            }
            let s3 = S3Store::new(cfg)?;
            s3.create_bucket().await?;
            Arc::new(s3)
        } else {
            Arc::new(LocalStore::new(&offsite)?)
        };
        println!("==> offsite copy to {}", dest.describe());
        let t0 = std::time::Instant::now();
        let c = repo
            .copy_to(dest, usize::from(args.offsite_parallel))
            .await?;
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "    {} object(s) copied ({:.1} MiB in {:.1} s, {:.1} MiB/s), {} already there",
            c.objects,
            c.bytes as f64 / 1048576.0,
            secs,
            c.bytes as f64 / 1048576.0 / secs.max(1e-3),
            c.skipped
        );
    }

    let mut policy = args.keep.clone();
    if policy.zone.is_recorded() {
        // No tz= in --keep: --keep-tz, else the schedules' --tz.
        policy.zone = match args.keep_tz {
            Some(zone) => zone,
            None => args.tz.parse()?,
        };
    }
    let group_by = args.group_by;
    let per = if group_by.is_none() {
        "the whole repository".to_string()
    } else {
        format!("group of {group_by}")
    };
    let mut filter = SnapshotFilter::new();
    for h in &args.forget_hosts {
        filter = filter.host(h);
    }
    for t in &args.forget_tags {
        filter = filter.tags(t);
    }
    for s in &args.forget_sources {
        filter = filter.source(s);
    }
    println!("==> retention {policy} (per {per}; {filter})");
    let opts = ForgetOptions::new().group_by(group_by).filter(filter);
    let f = repo.forget_with(&policy, &opts).await?;
    for g in &f.groups {
        println!("    group {}: {}", g.key, g.counts);
    }
    println!("    in all: {}", f.counts);
    if f.ignored > 0 {
        println!(
            "    {} snapshot(s) outside the filter left alone",
            f.ignored
        );
    }
    for (id, why) in &f.keep {
        println!(
            "    keep   {} ({})",
            &id[..8],
            why.iter()
                .map(|w| w.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for id in &f.forget {
        println!("    forget {}", &id[..8]);
    }
    if !f.forget.is_empty() {
        let p = repo.prune().await?;
        println!(
            "    prune: {} pack(s) deleted, {} repacked, {:.1} MiB freed",
            p.packs_deleted,
            p.packs_repacked,
            p.bytes_freed as f64 / 1048576.0
        );
    }
    if failed {
        eprintln!("backup finished WITH ERRORS");
        std::process::exit(1);
    }
    println!("backup finished: ok");
    Ok(())
}
