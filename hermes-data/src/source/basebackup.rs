//! PostgreSQL physical backup: the whole cluster with `pg_basebackup` (one tar stream into the
//! repository, with the WAL needed to start consistent), restored into a new data directory and started
//! as a scratch cluster on a spare port for a DR drill ([`ScratchCluster`]).
//!
//! The server must accept a replication connection from the backup user (`pg_hba.conf`:
//! `host replication <user> 127.0.0.1/32 ...`, and a role with `REPLICATION`); the error says so when it
//! does not. Clusters with extra tablespaces are refused by `pg_basebackup` in this streaming mode; back
//! them up per database with [`crate::source::postgres::PgDump`].

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::{
    ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, RestoreInfo, RestoreTarget,
};
use tokio::process::Command;

use super::postgres::PgDatabase;
use crate::error::{DataError, Result};

/// The [`Backupable`] for a whole PostgreSQL cluster (`pg_basebackup`, tar format).
///
/// ```no_run
/// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
/// use hermes_data::source::basebackup::{PgBaseBackup, ScratchCluster};
/// use hermes_data::source::postgres::PgDatabase;
/// use hermes_data::BackupOptions;
/// let server = PgDatabase::parse("postgres://postgres@127.0.0.1:5432/postgres")?;
/// let source = PgBaseBackup::new(server).validate(["app"]);
/// let (snap, _) = repo.backup_source("pg-cluster:127.0.0.1:5432", &source, BackupOptions::full()).await?;
/// let dir = std::path::PathBuf::from("/var/tmp/drill/pgdata");
/// repo.restore_source(&snap, &source, &hermes_core::RestoreTarget::Directory { path: dir.clone() }).await?;
/// let scratch = ScratchCluster::start(&dir, 55432).await?;
/// println!("{:?}", scratch.database("app").row_counts().await?);
/// scratch.stop().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PgBaseBackup {
    server: PgDatabase,
    validate: Vec<String>,
}

impl PgBaseBackup {
    /// A cluster backup through `server` (its database is used only for metadata queries).
    pub fn new(server: PgDatabase) -> Self {
        PgBaseBackup {
            server,
            validate: Vec::new(),
        }
    }

    /// Databases whose table row counts are recorded at backup time (`rows.<db>.<schema.table>` in the
    /// snapshot's metadata), so that a restore can be validated.
    pub fn validate<I, S>(mut self, databases: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.validate = databases.into_iter().map(Into::into).collect();
        self
    }

    fn target(&self) -> String {
        format!("{}:{} (cluster)", self.server.host, self.server.port)
    }
}

#[async_trait]
impl Backupable for PgBaseBackup {
    async fn backup(
        &self,
        kind: BackupKind,
        sink: &mut dyn ArtifactSink,
    ) -> hermes_core::Result<BackupInfo> {
        let started = Utc::now();
        let client = self.server.connect().await?;
        let q = |sql: &'static str| {
            let client = &client;
            async move {
                client
                    .query_one(sql, &[])
                    .await
                    .map_err(|source| DataError::Postgres {
                        target: self.server.url(),
                        source,
                    })
            }
        };
        let version: String = q("SHOW server_version").await?.get(0);
        let system_id: i64 = q("SELECT system_identifier FROM pg_control_system()")
            .await?
            .get(0);
        let mut metadata = BTreeMap::new();
        metadata.insert("server_version".into(), version);
        metadata.insert("system_identifier".into(), system_id.to_string());
        metadata.insert("format".into(), "pg_basebackup tar".into());
        for db in &self.validate {
            for (t, n) in self.server.with_dbname(db).row_counts().await? {
                metadata.insert(format!("rows.{db}.{t}"), n.to_string());
            }
        }
        let mut cmd = Command::new("pg_basebackup");
        cmd.arg("-h")
            .arg(&self.server.host)
            .arg("-p")
            .arg(self.server.port.to_string())
            .arg("-U")
            .arg(&self.server.user)
            .arg("--no-password")
            .args(["-D", "-", "--format=tar", "--wal-method=fetch"])
            .args(["--checkpoint=fast", "--no-manifest"])
            .arg(format!("--label=hermes {}", started.to_rfc3339()));
        if let Some(p) = &self.server.password {
            cmd.env("PGPASSWORD", p.expose());
        }
        let consistent_at = Utc::now();
        let (bytes, sha256) = super::command_to_sink(cmd, &self.target(), sink, self.server.timeout)
            .await
            .map_err(|e| match e {
                DataError::Command { stderr, program, target, status }
                    if stderr.contains("pg_hba.conf") || stderr.contains("replication") =>
                {
                    DataError::Command {
                        program,
                        target,
                        status,
                        stderr: format!(
                            "{stderr}\n(the server must allow a replication connection for this user: add \
                             `host replication {} <address>/32 scram-sha-256` (or trust on a lab loopback) to \
                             pg_hba.conf, give the role REPLICATION, and reload)",
                            self.server.user
                        ),
                    }
                }
                e => e,
            })?;
        Ok(BackupInfo {
            source: self.target(),
            kind,
            bytes,
            sha256,
            started,
            finished: Utc::now(),
            consistent_at,
            checkpoint: consistent_at.to_rfc3339(),
            metadata,
        })
    }

    async fn restore(
        &self,
        source: &mut dyn ArtifactSource,
        target: &RestoreTarget,
    ) -> hermes_core::Result<RestoreInfo> {
        let started = Instant::now();
        let RestoreTarget::Directory { path } = target else {
            return Err(DataError::invalid(
                self.target(),
                "a cluster backup restores into a new, empty data directory (RestoreTarget::Directory); \
                 then start it with ScratchCluster",
            )
            .into());
        };
        match std::fs::read_dir(path) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(DataError::invalid(
                        path.display().to_string(),
                        "the restore directory is not empty: give a new or empty directory \
                         (a data directory is never overwritten)",
                    )
                    .into());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(path).map_err(|e| DataError::io("create", path, e))?;
            }
            Err(e) => return Err(DataError::io("read", path, e).into()),
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| DataError::io("chmod", path, e))?;
        let mut cmd = Command::new("tar");
        cmd.arg("-x").arg("-f").arg("-").arg("-C").arg(path);
        let restored = super::command_from_source(
            cmd,
            &path.display().to_string(),
            source,
            self.server.timeout,
        )
        .await;
        let (bytes, sha256) = match restored {
            Ok(r) => r,
            Err(e) => {
                // Nothing half-restored stays behind looking like a data directory.
                let _ = std::fs::remove_dir_all(path);
                return Err(e.into());
            }
        };
        Ok(RestoreInfo {
            target: target.clone(),
            bytes,
            sha256,
            elapsed: started.elapsed(),
        })
    }
}

/// A PostgreSQL cluster started from a restored data directory on a spare loopback port, for a drill.
/// It listens on 127.0.0.1 only, with trust authentication for local connections (it is a scratch copy;
/// never point it at a network). Stopped by [`ScratchCluster::stop`] or, failing that, when dropped.
#[derive(Debug)]
pub struct ScratchCluster {
    datadir: PathBuf,
    port: u16,
    bindir: PathBuf,
    run_as: Option<String>,
    running: bool,
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// The server binaries for the data directory's major version (`PG_VERSION`).
fn bindir_for(datadir: &Path) -> Result<PathBuf> {
    let version_file = datadir.join("PG_VERSION");
    let major = std::fs::read_to_string(&version_file)
        .map_err(|e| DataError::io("read", &version_file, e))?
        .trim()
        .to_string();
    let candidates = [
        PathBuf::from(format!("/usr/lib/postgresql/{major}/bin")),
        PathBuf::from(format!("/usr/pgsql-{major}/bin")),
        PathBuf::from(format!("/usr/local/pgsql-{major}/bin")),
    ];
    candidates
        .into_iter()
        .find(|d| d.join("pg_ctl").exists())
        .ok_or_else(|| {
            DataError::invalid(
                datadir.display().to_string(),
                format!("no PostgreSQL {major} server binaries (pg_ctl) found; install the server package of that major version"),
            )
        })
}

impl ScratchCluster {
    /// Starts the cluster in `datadir` (restored by [`PgBaseBackup`]) on `127.0.0.1:port`: writes a
    /// minimal `postgresql.conf` / `pg_hba.conf` if the directory has none (Debian keeps them outside the
    /// data directory), replays the WAL in the backup and waits until it accepts connections. As root it
    /// runs the server as the `postgres` user (the data directory's parents must be traversable by it).
    pub async fn start(datadir: impl AsRef<Path>, port: u16) -> Result<Self> {
        let datadir = std::path::absolute(datadir.as_ref())
            .map_err(|e| DataError::io("resolve", datadir.as_ref(), e))?;
        let bindir = bindir_for(&datadir)?;
        let write_if_missing = |name: &str, body: &str| -> Result<()> {
            let p = datadir.join(name);
            if !p.exists() {
                std::fs::write(&p, body).map_err(|e| DataError::io("write", &p, e))?;
            }
            Ok(())
        };
        write_if_missing(
            "postgresql.conf",
            "# written by hermes for a scratch restore\nlisten_addresses = '127.0.0.1'\nmax_connections = 20\nshared_buffers = 32MB\n",
        )?;
        write_if_missing(
            "pg_hba.conf",
            "# scratch restore on loopback only\nlocal all all trust\nhost all all 127.0.0.1/32 trust\n",
        )?;
        write_if_missing("pg_ident.conf", "")?;
        let run_as = running_as_root().then(|| "postgres".to_string());
        if run_as.is_some() {
            let status = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&datadir)
                .status()
                .map_err(|e| DataError::io("run", "chown", e))?;
            if !status.success() {
                return Err(DataError::invalid(
                    datadir.display().to_string(),
                    "cannot hand the data directory to the postgres user (chown failed)",
                ));
            }
        }
        let mut cluster = ScratchCluster {
            datadir,
            port,
            bindir,
            run_as,
            running: false,
        };
        let log = cluster.datadir.join("scratch.log");
        let out = cluster
            .pg_ctl(&[
                "start",
                "-w",
                "-t",
                "300",
                "-l",
                &log.display().to_string(),
                "-o",
                &format!(
                    "-p {port} -c listen_addresses=127.0.0.1 -k {} -c archive_mode=off",
                    cluster.datadir.display()
                ),
            ])
            .await?;
        if !out.status.success() {
            let log_tail = std::fs::read_to_string(&log).unwrap_or_default();
            let log_tail = &log_tail[log_tail.len().saturating_sub(1500)..];
            return Err(DataError::Command {
                program: "pg_ctl start".into(),
                target: format!("{} on port {port}", cluster.datadir.display()),
                status: out.status.to_string(),
                stderr: format!(
                    "{}\n{log_tail}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            });
        }
        cluster.running = true;
        Ok(cluster)
    }

    async fn pg_ctl(&self, args: &[&str]) -> Result<std::process::Output> {
        let pg_ctl = self.bindir.join("pg_ctl");
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&pg_ctl);
                c
            }
            None => Command::new(&pg_ctl),
        };
        cmd.arg("-D").arg(&self.datadir).args(args);
        let out = tokio::time::timeout(Duration::from_secs(330), cmd.output())
            .await
            .map_err(|_| DataError::Timeout {
                target: self.datadir.display().to_string(),
                what: format!("pg_ctl {}", args.first().unwrap_or(&"")),
                secs: 330,
            })?
            .map_err(|e| DataError::io("run", &pg_ctl, e))?;
        Ok(out)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A database of the scratch cluster, as the `postgres` role.
    pub fn database(&self, dbname: &str) -> PgDatabase {
        PgDatabase::new("127.0.0.1", self.port, "postgres", dbname)
    }

    /// Stops the cluster (fast shutdown).
    pub async fn stop(mut self) -> Result<()> {
        let out = self.pg_ctl(&["stop", "-m", "fast", "-w"]).await?;
        self.running = false;
        if !out.status.success() {
            return Err(DataError::Command {
                program: "pg_ctl stop".into(),
                target: self.datadir.display().to_string(),
                status: out.status.to_string(),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(())
    }
}

impl Drop for ScratchCluster {
    fn drop(&mut self) {
        if self.running {
            let pg_ctl = self.bindir.join("pg_ctl");
            let mut cmd = match &self.run_as {
                Some(user) => {
                    let mut c = std::process::Command::new("runuser");
                    c.args(["-u", user, "--"]).arg(&pg_ctl);
                    c
                }
                None => std::process::Command::new(&pg_ctl),
            };
            let _ = cmd
                .arg("-D")
                .arg(&self.datadir)
                .args(["stop", "-m", "immediate"])
                .output();
        }
    }
}
