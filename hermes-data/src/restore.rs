//! Restores: a snapshot's tree into a directory (byte-exact, metadata kept, every file's SHA-256
//! checked), or a stream entry into a writer or a [`Backupable`]'s restore.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hermes_core::checksum::{HashingReader, Sha256Hasher};
use hermes_core::{Backupable, RestoreInfo, RestoreTarget};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{join_error, DataError, Result};
use crate::index::Index;
use crate::repository::Repository;
use crate::snapshot::Snapshot;
use crate::tree::{Node, NodeKind};

/// What a directory restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RestoreStats {
    /// Files written.
    pub files: u64,
    /// Directories created.
    pub dirs: u64,
    /// Symlinks created.
    pub symlinks: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
}

pub(crate) fn safe_join(root: &Path, rel: &str) -> Result<PathBuf> {
    if rel == "." {
        return Ok(root.to_path_buf());
    }
    let p = Path::new(rel);
    if p.is_absolute()
        || p.components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(DataError::invalid(
            rel,
            "snapshot entry escapes the restore directory; refusing to restore it",
        ));
    }
    Ok(root.join(p))
}

fn set_times(path: &Path, node: &Node, symlink: bool) -> Result<()> {
    let t = filetime::FileTime::from_unix_time(
        node.mtime_ns.div_euclid(1_000_000_000),
        node.mtime_ns.rem_euclid(1_000_000_000) as u32,
    );
    let r = if symlink {
        filetime::set_symlink_file_times(path, t, t)
    } else {
        filetime::set_file_times(path, t, t)
    };
    r.map_err(|e| DataError::io("set times of", path, e))
}

fn set_owner(path: &Path, node: &Node) {
    // Only root may give files away; elsewhere the restoring user owns them (as with tar).
    let _ = std::os::unix::fs::lchown(path, Some(node.uid), Some(node.gid));
}

/// Sets mode (not for symlinks), owner (as root) and mtime.
pub(crate) fn apply_meta(path: &Path, node: &Node, symlink: bool) -> Result<()> {
    if !symlink {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(node.mode))
            .map_err(|e| DataError::io("chmod", path, e))?;
    }
    set_owner(path, node);
    set_times(path, node, symlink)
}

impl Repository {
    fn write_file(
        &self,
        index: &Index,
        node: &Node,
        path: &Path,
        rt: &tokio::runtime::Handle,
    ) -> Result<u64> {
        use std::io::Write;
        let f = std::fs::File::create(path).map_err(|e| DataError::io("create", path, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
        let mut h = Sha256Hasher::new();
        for id in &node.chunks {
            let data = rt
                .block_on(self.read_chunk(index, id))
                .map_err(|e| match e {
                    DataError::Corrupt { repo, detail } => DataError::Corrupt {
                        repo,
                        detail: format!("{detail} (file {})", node.path),
                    },
                    e => e,
                })?;
            h.update(&data);
            w.write_all(&data)
                .map_err(|e| DataError::io("write", path, e))?;
        }
        let f = w
            .into_inner()
            .map_err(|e| DataError::io("write", path, e.into_error()))?;
        if Some(h.digest()) != node.sha256 {
            return Err(DataError::corrupt(
                self.name(),
                format!("restored {} does not match its recorded SHA-256", node.path),
            ));
        }
        drop(f);
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(node.mode))
            .map_err(|e| DataError::io("chmod", path, e))?;
        set_owner(path, node);
        set_times(path, node, false)?;
        Ok(h.bytes())
    }

    /// Restores a snapshot's tree into `target` (created if missing; existing files are overwritten).
    pub async fn restore_dir(
        &self,
        snap: &Snapshot,
        target: impl AsRef<Path>,
    ) -> Result<RestoreStats> {
        let started = Instant::now();
        let root = target.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| DataError::io("create", &root, e))?;
        let index = Arc::new(self.load_index().await?);
        let nodes = self.read_tree_with(&index, snap).await?;
        let mut stats = RestoreStats::default();
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        for node in nodes {
            let path = safe_join(&root, &node.path)?;
            match node.kind {
                NodeKind::Dir => {
                    std::fs::create_dir_all(&path)
                        .map_err(|e| DataError::io("create", &path, e))?;
                    stats.dirs += 1;
                    dirs.push((path, node));
                }
                NodeKind::Symlink => {
                    let _ = std::fs::remove_file(&path);
                    let target = node.link.clone().unwrap_or_default();
                    std::os::unix::fs::symlink(&target, &path)
                        .map_err(|e| DataError::io("create symlink", &path, e))?;
                    set_owner(&path, &node);
                    set_times(&path, &node, true)?;
                    stats.symlinks += 1;
                }
                NodeKind::File | NodeKind::Stream => files.push((path, node)),
            }
        }
        // Files in parallel: each worker fetches, decodes, checks and writes whole files.
        let queue = Arc::new(Mutex::new(files));
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
        let rt = tokio::runtime::Handle::current();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (queue, index, repo, rt) = (queue.clone(), index.clone(), self.clone(), rt.clone());
            tasks.push(tokio::task::spawn_blocking(
                move || -> Result<(u64, u64)> {
                    let (mut n, mut bytes) = (0, 0);
                    loop {
                        let next = queue.lock().expect("queue lock").pop();
                        let Some((path, node)) = next else { break };
                        bytes += repo.write_file(&index, &node, &path, &rt)?;
                        n += 1;
                    }
                    Ok((n, bytes))
                },
            ));
        }
        let mut first_err = None;
        for t in tasks {
            match t.await.map_err(join_error)? {
                Ok((n, b)) => {
                    stats.files += n;
                    stats.bytes += b;
                }
                Err(e) => {
                    queue.lock().expect("queue lock").clear();
                    first_err.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        // Directory metadata last (writing files changed their mtimes), deepest first.
        for (path, node) in dirs.iter().rev() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(node.mode))
                .map_err(|e| DataError::io("chmod", path, e))?;
            set_owner(path, node);
            set_times(path, node, false)?;
        }
        stats.elapsed = started.elapsed();
        Ok(stats)
    }

    /// Writes the stream entry `name` of a snapshot to `out`, checking its SHA-256; returns its size.
    pub async fn restore_stream(
        &self,
        snap: &Snapshot,
        name: &str,
        out: &mut (dyn AsyncWrite + Send + Unpin),
    ) -> Result<u64> {
        let index = self.load_index().await?;
        let nodes = self.read_tree_with(&index, snap).await?;
        let node =
            nodes
                .into_iter()
                .find(|n| n.path == name)
                .ok_or_else(|| DataError::NotFound {
                    target: self.name().to_string(),
                    what: format!("entry {name} in snapshot {}", snap.short_id()),
                })?;
        let mut h = Sha256Hasher::new();
        // Read ahead a few chunks while writing the previous ones.
        use futures::StreamExt;
        let mut chunks = futures::stream::iter(node.chunks.iter().map(|id| {
            let (repo, index) = (self.clone(), &index);
            async move { repo.read_chunk(index, id).await }
        }))
        .buffered(4);
        while let Some(data) = chunks.next().await {
            let data = data?;
            h.update(&data);
            out.write_all(&data)
                .await
                .map_err(|e| DataError::io("write", name, e))?;
        }
        out.shutdown()
            .await
            .map_err(|e| DataError::io("close", name, e))?;
        if Some(h.digest()) != node.sha256 {
            return Err(DataError::corrupt(
                self.name(),
                format!(
                    "stream {name} of snapshot {} does not match its SHA-256",
                    snap.short_id()
                ),
            ));
        }
        Ok(h.bytes())
    }

    /// Restores a snapshot made by [`Repository::backup_source`] through the source's own restore.
    pub async fn restore_source(
        &self,
        snap: &Snapshot,
        backupable: &dyn Backupable,
        target: &RestoreTarget,
    ) -> Result<RestoreInfo> {
        let (mut w, r) = tokio::io::duplex(1 << 20);
        let feed = async {
            let res = self.restore_stream(snap, "stream", &mut w).await;
            drop(w);
            res
        };
        let consume = async {
            let mut r = HashingReader::new(r);
            let res = backupable.restore(&mut r, target).await;
            // Drain so that the feeder never blocks on a consumer that stopped early.
            let _ = tokio::io::copy(&mut r, &mut tokio::io::sink()).await;
            res
        };
        let (fed, info) = tokio::join!(feed, consume);
        fed?;
        Ok(info?)
    }
}
