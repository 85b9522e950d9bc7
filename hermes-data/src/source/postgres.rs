//! PostgreSQL: a logical backup of one database with `pg_dump` (custom format, uncompressed so the
//! repository's chunking deduplicates between dumps), restored with `pg_restore` into a scratch
//! database; table row counts are recorded at backup time so a restore can be validated.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::secret::Secret;
use hermes_core::{
    ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, RestoreInfo, RestoreTarget,
};
use tokio::process::Command;

use crate::error::{DataError, Result};

/// Where a PostgreSQL database is.
///
/// ```
/// use hermes_data::source::postgres::PgDatabase;
/// let db = PgDatabase::parse("postgres://postgres@127.0.0.1:5432/app").unwrap();
/// assert_eq!((db.port, db.dbname.as_str()), (5432, "app"));
/// assert!(PgDatabase::parse("mysql://x").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct PgDatabase {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Role.
    pub user: String,
    /// Password (none for trust/peer authentication).
    pub password: Option<Secret>,
    /// Database name.
    pub dbname: String,
    /// Limit for connecting and for each dump or restore.
    pub timeout: Duration,
}

impl PgDatabase {
    /// A database on `host:port` as `user`.
    pub fn new(
        host: impl Into<String>,
        port: u16,
        user: impl Into<String>,
        dbname: impl Into<String>,
    ) -> Self {
        PgDatabase {
            host: host.into(),
            port,
            user: user.into(),
            password: None,
            dbname: dbname.into(),
            timeout: Duration::from_secs(3600),
        }
    }

    /// Parses `postgres://user@host:port/db` (no password in URLs: use [`PgDatabase::password`]).
    pub fn parse(url: &str) -> Result<Self> {
        // Errors name the URL without any password it may (wrongly) carry.
        let shown = match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(a)) if url[s + 3..a].contains(':') => {
                let c = s + 3 + url[s + 3..a].find(':').unwrap_or(0);
                format!("{}:***{}", &url[..c], &url[a..])
            }
            _ => url.to_string(),
        };
        let bad = || DataError::invalid(&shown, "expected postgres://USER@HOST:PORT/DATABASE");
        let rest = url
            .strip_prefix("postgres://")
            .or_else(|| url.strip_prefix("postgresql://"))
            .ok_or_else(bad)?;
        let (auth, rest) = rest.split_once('@').unwrap_or(("postgres", rest));
        let (hostport, db) = rest.split_once('/').ok_or_else(bad)?;
        let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "5432"));
        if auth.contains(':') {
            return Err(DataError::invalid(
                &shown,
                "put the password in a secret, not in the URL",
            ));
        }
        Ok(PgDatabase::new(
            host,
            port.parse().map_err(|_| bad())?,
            auth,
            db,
        ))
    }

    /// Sets the password.
    pub fn password(mut self, password: Secret) -> Self {
        self.password = Some(password);
        self
    }

    /// The same server, another database.
    pub fn with_dbname(&self, dbname: impl Into<String>) -> Self {
        PgDatabase {
            dbname: dbname.into(),
            ..self.clone()
        }
    }

    /// `postgres://user@host:port/db`.
    pub fn url(&self) -> String {
        format!(
            "postgres://{}@{}:{}/{}",
            self.user, self.host, self.port, self.dbname
        )
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.arg("-h")
            .arg(&self.host)
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-U")
            .arg(&self.user);
        c.arg("--no-password");
        if let Some(p) = &self.password {
            c.env("PGPASSWORD", p.expose());
        }
        c
    }

    /// Connects (with the timeout).
    pub async fn connect(&self) -> Result<tokio_postgres::Client> {
        let mut cfg = tokio_postgres::Config::new();
        cfg.host(&self.host)
            .port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .connect_timeout(Duration::from_secs(10));
        if let Some(p) = &self.password {
            cfg.password(p.expose());
        }
        let target = self.url();
        let (client, conn) =
            tokio::time::timeout(Duration::from_secs(15), cfg.connect(tokio_postgres::NoTls))
                .await
                .map_err(|_| DataError::Timeout {
                    target: target.clone(),
                    what: "connecting".into(),
                    secs: 15,
                })?
                .map_err(|source| DataError::Postgres { target, source })?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(client)
    }

    async fn query(
        &self,
        client: &tokio_postgres::Client,
        sql: &str,
    ) -> Result<Vec<tokio_postgres::Row>> {
        tokio::time::timeout(Duration::from_secs(300), client.query(sql, &[]))
            .await
            .map_err(|_| DataError::Timeout {
                target: self.url(),
                what: format!("query {sql}"),
                secs: 300,
            })?
            .map_err(|source| DataError::Postgres {
                target: self.url(),
                source,
            })
    }

    /// Exact row counts of every user table (`schema.table` → rows): the validation of a restore.
    pub async fn row_counts(&self) -> Result<BTreeMap<String, i64>> {
        let client = self.connect().await?;
        let tables = self
            .query(
                &client,
                "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables \
                 WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
            )
            .await?;
        let mut out = BTreeMap::new();
        for t in tables {
            let name: String = t.get(0);
            let rows = self
                .query(&client, &format!("SELECT count(*) FROM {name}"))
                .await?;
            out.insert(name, rows[0].get::<_, i64>(0));
        }
        Ok(out)
    }

    /// Creates the database if it does not exist (connecting to `postgres`).
    pub async fn create_if_missing(&self) -> Result<()> {
        let admin = self.with_dbname("postgres").connect().await?;
        let exists = admin
            .query(
                "SELECT 1 FROM pg_database WHERE datname = $1",
                &[&self.dbname],
            )
            .await
            .map_err(|source| DataError::Postgres {
                target: self.url(),
                source,
            })?;
        if exists.is_empty() {
            let ident = self.dbname.replace('"', "\"\"");
            self.query(&admin, &format!("CREATE DATABASE \"{ident}\""))
                .await?;
        }
        Ok(())
    }

    /// Drops the database if it exists (for scratch databases after a drill).
    pub async fn drop_if_exists(&self) -> Result<()> {
        let admin = self.with_dbname("postgres").connect().await?;
        let ident = self.dbname.replace('"', "\"\"");
        self.query(
            &admin,
            &format!("DROP DATABASE IF EXISTS \"{ident}\" WITH (FORCE)"),
        )
        .await?;
        Ok(())
    }
}

/// The [`Backupable`] for one database (pg_dump / pg_restore).
///
/// ```no_run
/// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
/// use hermes_data::source::postgres::{PgDatabase, PgDump};
/// use hermes_data::BackupOptions;
/// let db = PgDatabase::parse("postgres://postgres@127.0.0.1:5432/app")?;
/// let (snap, info) = repo.backup_source(&db.url(), &PgDump::new(db.clone()), BackupOptions::full()).await?;
/// let scratch = db.with_dbname("app_drill");
/// repo.restore_source(&snap, &PgDump::new(db), &hermes_core::RestoreTarget::Endpoint { url: scratch.url() }).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PgDump {
    db: PgDatabase,
}

impl PgDump {
    /// A dump source for `db`.
    pub fn new(db: PgDatabase) -> Self {
        PgDump { db }
    }
}

#[async_trait]
impl Backupable for PgDump {
    async fn backup(
        &self,
        kind: BackupKind,
        sink: &mut dyn ArtifactSink,
    ) -> hermes_core::Result<BackupInfo> {
        let started = Utc::now();
        // Row counts first, in their own transaction: validation data for restores.
        let rows = self.db.row_counts().await?;
        let client = self.db.connect().await?;
        let version: String = self.db.query(&client, "SHOW server_version").await?[0].get(0);
        let mut cmd = self.db.command("pg_dump");
        cmd.arg("--format=custom")
            .arg("--compress=0")
            .arg("--dbname")
            .arg(&self.db.dbname);
        let consistent_at = Utc::now();
        let (bytes, sha256) =
            super::command_to_sink(cmd, &self.db.url(), sink, self.db.timeout).await?;
        let mut metadata = BTreeMap::new();
        metadata.insert("server_version".into(), version);
        metadata.insert("format".into(), "pg_dump custom".into());
        metadata.insert("tables".into(), rows.len().to_string());
        for (t, n) in rows {
            metadata.insert(format!("rows.{t}"), n.to_string());
        }
        Ok(BackupInfo {
            source: self.db.url(),
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
        let (bytes, sha256) = match target {
            RestoreTarget::Endpoint { url } => {
                let mut to = PgDatabase::parse(url)?;
                to.password = self.db.password.clone();
                to.create_if_missing().await?;
                let mut cmd = to.command("pg_restore");
                cmd.arg("--no-owner").arg("--exit-on-error").arg("--dbname").arg(&to.dbname);
                super::command_from_source(cmd, &to.url(), source, to.timeout).await?
            }
            RestoreTarget::Directory { path } => {
                std::fs::create_dir_all(path).map_err(|e| DataError::io("create", path, e))?;
                let file = path.join(format!("{}.dump", self.db.dbname));
                let mut f = tokio::fs::File::create(&file).await.map_err(|e| DataError::io("create", &file, e))?;
                let mut r = hermes_core::checksum::HashingReader::new(source);
                tokio::io::copy(&mut r, &mut f).await.map_err(|e| DataError::io("write", &file, e))?;
                f.sync_all().await.map_err(|e| DataError::io("sync", &file, e))?;
                (r.bytes(), r.digest())
            }
            RestoreTarget::InPlace => {
                return Err(DataError::invalid(
                    self.db.url(),
                    "in-place restore of a live database is refused; restore into a scratch database (Endpoint) and switch over",
                )
                .into())
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
