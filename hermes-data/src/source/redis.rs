//! Redis: an RDB snapshot taken over the replication protocol by `redis-cli --rdb -` (the server forks
//! and streams a point-in-time dump), restored as `dump.rdb` into a directory from which a scratch
//! `redis-server` loads it ([`ScratchRedis`]). The key count per database is recorded for validation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::secret::Secret;
use hermes_core::{
    ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, RestoreInfo, RestoreTarget,
};
use tokio::process::Command;

use crate::error::{DataError, Result};

/// A Redis server and how to reach it.
///
/// ```
/// let r = hermes_data::source::redis::RedisServer::new("127.0.0.1", 6379);
/// assert_eq!(r.url(), "redis://127.0.0.1:6379");
/// ```
#[derive(Debug, Clone)]
pub struct RedisServer {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Password (AUTH), if any.
    pub password: Option<Secret>,
    /// Limit for each operation.
    pub timeout: Duration,
}

impl RedisServer {
    /// A server on `host:port`.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        RedisServer {
            host: host.into(),
            port,
            password: None,
            timeout: Duration::from_secs(600),
        }
    }

    /// `redis://host:port` (never the password).
    pub fn url(&self) -> String {
        format!("redis://{}:{}", self.host, self.port)
    }

    /// An async connection (with a 10 s connect timeout).
    pub async fn connect(&self) -> Result<redis::aio::MultiplexedConnection> {
        let info = redis::ConnectionInfo {
            addr: redis::ConnectionAddr::Tcp(self.host.clone(), self.port),
            redis: redis::RedisConnectionInfo {
                password: self.password.as_ref().map(|p| p.expose().to_string()),
                ..Default::default()
            },
        };
        let client = redis::Client::open(info).map_err(|source| DataError::Redis {
            target: self.url(),
            source,
        })?;
        let cfg = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Duration::from_secs(10))
            .set_response_timeout(Duration::from_secs(60));
        client
            .get_multiplexed_async_connection_with_config(&cfg)
            .await
            .map_err(|source| DataError::Redis {
                target: self.url(),
                source,
            })
    }

    /// Keys per database (`db0` → count), from `INFO keyspace`.
    pub async fn key_counts(&self) -> Result<BTreeMap<String, u64>> {
        let mut c = self.connect().await?;
        let info: String = redis::cmd("INFO")
            .arg("keyspace")
            .query_async(&mut c)
            .await
            .map_err(|source| DataError::Redis {
                target: self.url(),
                source,
            })?;
        Ok(parse_keyspace(&info))
    }
}

/// Parses `INFO keyspace` (`db0:keys=3,expires=0,avg_ttl=0`).
pub fn parse_keyspace(info: &str) -> BTreeMap<String, u64> {
    info.lines()
        .filter_map(|l| {
            let (db, rest) = l.trim().split_once(':')?;
            let keys = rest.split(',').find_map(|kv| kv.strip_prefix("keys="))?;
            Some((db.to_string(), keys.parse().ok()?))
        })
        .collect()
}

/// The [`Backupable`] for a Redis server (RDB).
#[derive(Debug, Clone)]
pub struct RedisRdb {
    server: RedisServer,
}

impl RedisRdb {
    /// An RDB source for `server`.
    pub fn new(server: RedisServer) -> Self {
        RedisRdb { server }
    }
}

#[async_trait]
impl Backupable for RedisRdb {
    async fn backup(
        &self,
        kind: BackupKind,
        sink: &mut dyn ArtifactSink,
    ) -> hermes_core::Result<BackupInfo> {
        let started = Utc::now();
        let keys = self.server.key_counts().await?;
        let mut cmd = Command::new("redis-cli");
        cmd.arg("-h")
            .arg(&self.server.host)
            .arg("-p")
            .arg(self.server.port.to_string());
        if let Some(p) = &self.server.password {
            cmd.env("REDISCLI_AUTH", p.expose());
        }
        cmd.arg("--rdb").arg("-");
        let consistent_at = Utc::now();
        let (bytes, sha256) =
            super::command_to_sink(cmd, &self.server.url(), sink, self.server.timeout).await?;
        let mut metadata: BTreeMap<String, String> = keys
            .into_iter()
            .map(|(db, n)| (format!("keys.{db}"), n.to_string()))
            .collect();
        metadata.insert("format".into(), "rdb".into());
        Ok(BackupInfo {
            source: self.server.url(),
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
                self.server.url(),
                "an RDB restores into a directory (as dump.rdb) that a scratch redis-server loads; give RestoreTarget::Directory",
            )
            .into());
        };
        std::fs::create_dir_all(path).map_err(|e| DataError::io("create", path, e))?;
        let file = path.join("dump.rdb");
        let mut f = tokio::fs::File::create(&file)
            .await
            .map_err(|e| DataError::io("create", &file, e))?;
        let mut r = hermes_core::checksum::HashingReader::new(source);
        tokio::io::copy(&mut r, &mut f)
            .await
            .map_err(|e| DataError::io("write", &file, e))?;
        f.sync_all()
            .await
            .map_err(|e| DataError::io("sync", &file, e))?;
        Ok(RestoreInfo {
            target: target.clone(),
            bytes: r.bytes(),
            sha256: r.digest(),
            elapsed: started.elapsed(),
        })
    }
}

/// A throw-away `redis-server` on a spare port loading `dir/dump.rdb`; killed on drop.
#[derive(Debug)]
pub struct ScratchRedis {
    child: tokio::process::Child,
    /// The scratch server.
    pub server: RedisServer,
    dir: PathBuf,
}

impl ScratchRedis {
    /// Starts it and waits (up to 30 s) until it has loaded the dump and answers.
    pub async fn start(dir: &Path, port: u16) -> Result<ScratchRedis> {
        let child = Command::new("redis-server")
            .arg("--bind")
            .arg("127.0.0.1")
            .arg("--port")
            .arg(port.to_string())
            .arg("--dir")
            .arg(dir)
            .arg("--dbfilename")
            .arg("dump.rdb")
            .arg("--save")
            .arg("")
            .arg("--appendonly")
            .arg("no")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| DataError::io("run", "redis-server", e))?;
        let server = RedisServer::new("127.0.0.1", port);
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut s = ScratchRedis {
            child,
            server,
            dir: dir.to_path_buf(),
        };
        loop {
            if let Ok(mut c) = s.server.connect().await {
                let loading: std::result::Result<String, _> = redis::cmd("INFO")
                    .arg("persistence")
                    .query_async(&mut c)
                    .await;
                if let Ok(info) = loading {
                    if info.contains("loading:0") {
                        return Ok(s);
                    }
                }
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                return Err(DataError::Command {
                    program: "redis-server".into(),
                    target: s.dir.display().to_string(),
                    status: status.to_string(),
                    stderr: "exited while starting (port in use or unreadable dump.rdb)".into(),
                });
            }
            if Instant::now() > deadline {
                return Err(DataError::Timeout {
                    target: s.server.url(),
                    what: "starting the scratch server".into(),
                    secs: 30,
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops it.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keyspace_is_parsed() {
        // Recorded from Redis 7.0.15 `INFO keyspace`.
        let info =
            "# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=0\r\ndb2:keys=10,expires=0,avg_ttl=0\r\n";
        let k = super::parse_keyspace(info);
        assert_eq!(k["db0"], 3);
        assert_eq!(k["db2"], 10);
        assert_eq!(k.len(), 2);
    }
}
