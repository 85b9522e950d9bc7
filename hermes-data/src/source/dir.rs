//! A directory tree as a [`Backupable`] stream (for tools that want one stream per source; the
//! repository's own [`crate::Repository::backup_dir`] is faster and skips unchanged files).
//!
//! Stream format: records of a big-endian `u32` header length, a JSON [`Node`] header (no chunks), and
//! for files `size` bytes of content; a zero length ends the stream. Permissions, mtimes, symlinks and
//! (as root) ownership are restored; each file's SHA-256 is in its header and checked on restore.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Instant;

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::checksum::{HashingReader, HashingWriter, Sha256Hasher};
use hermes_core::{
    ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, RestoreInfo, RestoreTarget,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::{DataError, Result};
use crate::tree::{Node, NodeKind};

/// A directory tree.
///
/// ```no_run
/// # async fn demo() -> hermes_core::Result<()> {
/// use hermes_core::{Backupable, BackupKind, RestoreTarget};
/// let dir = hermes_data::source::dir::DirSource::new("/srv/data");
/// let mut buf = Vec::new();
/// dir.backup(BackupKind::Full, &mut buf).await?;
/// dir.restore(&mut &buf[..], &RestoreTarget::Directory { path: "/tmp/scratch".into() }).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    /// The tree under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DirSource { root: root.into() }
    }
}

async fn write_header(
    w: &mut (impl tokio::io::AsyncWrite + Unpin),
    node: &Node,
) -> std::io::Result<()> {
    let h = serde_json::to_vec(node).expect("node serialises");
    w.write_all(&(h.len() as u32).to_be_bytes()).await?;
    w.write_all(&h).await
}

#[async_trait]
impl Backupable for DirSource {
    async fn backup(
        &self,
        kind: BackupKind,
        sink: &mut dyn ArtifactSink,
    ) -> hermes_core::Result<BackupInfo> {
        let started = Utc::now();
        let root = self.root.clone();
        let entries: Vec<(PathBuf, std::fs::Metadata)> = tokio::task::spawn_blocking(move || {
            walkdir::WalkDir::new(&root)
                .sort_by_file_name()
                .into_iter()
                .map(|e| {
                    let e = e.map_err(|e| {
                        DataError::io("walk", &root, std::io::Error::other(e.to_string()))
                    })?;
                    let md = std::fs::symlink_metadata(e.path())
                        .map_err(|err| DataError::io("stat", e.path(), err))?;
                    Ok((e.into_path(), md))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await
        .map_err(crate::error::join_error)??;
        // Incremental: only files modified after the base backup started (its checkpoint); directories
        // and symlinks are always written (they are small). Deletions are not carried by an increment.
        let since_ns = match &kind {
            BackupKind::Incremental { since } => Some(
                chrono::DateTime::parse_from_rfc3339(since)
                    .map_err(|e| {
                        DataError::invalid(
                            since,
                            format!(
                                "not a checkpoint of a directory backup (an RFC 3339 time): {e}"
                            ),
                        )
                    })?
                    .timestamp_nanos_opt()
                    .unwrap_or(i64::MIN),
            ),
            BackupKind::Full => None,
        };
        let mut w = HashingWriter::new(sink);
        let (mut files, mut bytes) = (0u64, 0u64);
        let wr = |e: std::io::Error| DataError::io("write backup of", &self.root, e);
        for (path, md) in entries {
            let rel = match path.strip_prefix(&self.root) {
                Ok(r) if r.as_os_str().is_empty() => ".".to_string(),
                Ok(r) => r.to_string_lossy().into_owned(),
                Err(_) => continue,
            };
            let ft = md.file_type();
            let kind = if ft.is_dir() {
                NodeKind::Dir
            } else if ft.is_symlink() {
                NodeKind::Symlink
            } else if ft.is_file() {
                NodeKind::File
            } else {
                continue;
            };
            let mut node = Node {
                path: rel,
                kind,
                mode: md.mode() & 0o7777,
                mtime_ns: md.mtime() * 1_000_000_000 + md.mtime_nsec(),
                size: if kind == NodeKind::File { md.len() } else { 0 },
                inode: md.ino(),
                uid: md.uid(),
                gid: md.gid(),
                link: None,
                chunks: Vec::new(),
                sha256: None,
            };
            match kind {
                NodeKind::Symlink => {
                    node.link = Some(
                        std::fs::read_link(&path)
                            .map_err(|e| DataError::io("read link", &path, e))?
                            .to_string_lossy()
                            .into_owned(),
                    );
                    write_header(&mut w, &node).await.map_err(wr)?;
                }
                NodeKind::File if since_ns.is_some_and(|t| node.mtime_ns <= t) => {}
                NodeKind::File => {
                    // The digest goes in the header, so hash first (the file is read twice; the
                    // repository's own backup_dir reads once).
                    let (digest, size) = hermes_core::checksum::sha256_file(&path).await?;
                    node.sha256 = Some(digest);
                    node.size = size;
                    write_header(&mut w, &node).await.map_err(wr)?;
                    let f = tokio::fs::File::open(&path)
                        .await
                        .map_err(|e| DataError::io("open", &path, e))?;
                    let n = tokio::io::copy(&mut f.take(size), &mut w)
                        .await
                        .map_err(wr)?;
                    if n != size {
                        return Err(DataError::invalid(
                            path.display().to_string(),
                            "file shrank during the backup; retry",
                        )
                        .into());
                    }
                    files += 1;
                    bytes += size;
                }
                _ => write_header(&mut w, &node).await.map_err(wr)?,
            }
        }
        w.write_all(&0u32.to_be_bytes()).await.map_err(wr)?;
        w.flush().await.map_err(wr)?;
        let now = Utc::now();
        Ok(BackupInfo {
            source: format!("dir:{}", self.root.display()),
            kind,
            bytes: w.bytes(),
            sha256: w.digest(),
            started,
            finished: now,
            consistent_at: started,
            checkpoint: started.to_rfc3339(),
            metadata: [
                ("files".to_string(), files.to_string()),
                ("file_bytes".to_string(), bytes.to_string()),
            ]
            .into(),
        })
    }

    async fn restore(
        &self,
        source: &mut dyn ArtifactSource,
        target: &RestoreTarget,
    ) -> hermes_core::Result<RestoreInfo> {
        let started = Instant::now();
        let root = match target {
            RestoreTarget::Directory { path } => path.clone(),
            RestoreTarget::InPlace => self.root.clone(),
            RestoreTarget::Endpoint { url } => {
                return Err(DataError::invalid(url, "a directory restores into a directory").into())
            }
        };
        std::fs::create_dir_all(&root).map_err(|e| DataError::io("create", &root, e))?;
        let mut r = HashingReader::new(source);
        let mut dirs = Vec::new();
        let rd = |e: std::io::Error| DataError::io("read backup stream for", &root, e);
        loop {
            let len = r.read_u32().await.map_err(rd)? as usize;
            if len == 0 {
                break;
            }
            let mut h = vec![0u8; len];
            r.read_exact(&mut h).await.map_err(rd)?;
            let node: Node = serde_json::from_slice(&h).map_err(|e| {
                DataError::invalid(
                    root.display().to_string(),
                    format!("not a directory backup stream: {e}"),
                )
            })?;
            let path = crate::restore::safe_join(&root, &node.path)?;
            match node.kind {
                NodeKind::Dir => {
                    std::fs::create_dir_all(&path)
                        .map_err(|e| DataError::io("create", &path, e))?;
                    dirs.push((path, node));
                }
                NodeKind::Symlink => {
                    let _ = std::fs::remove_file(&path);
                    std::os::unix::fs::symlink(node.link.as_deref().unwrap_or_default(), &path)
                        .map_err(|e| DataError::io("create symlink", &path, e))?;
                    crate::restore::apply_meta(&path, &node, true)?;
                }
                NodeKind::File | NodeKind::Stream => {
                    let mut f = tokio::fs::File::create(&path)
                        .await
                        .map_err(|e| DataError::io("create", &path, e))?;
                    let mut hasher = Sha256Hasher::new();
                    let mut left = node.size;
                    let mut buf = vec![0u8; 1 << 20];
                    while left > 0 {
                        let n = left.min(buf.len() as u64) as usize;
                        r.read_exact(&mut buf[..n]).await.map_err(rd)?;
                        hasher.update(&buf[..n]);
                        f.write_all(&buf[..n])
                            .await
                            .map_err(|e| DataError::io("write", &path, e))?;
                        left -= n as u64;
                    }
                    f.flush()
                        .await
                        .map_err(|e| DataError::io("write", &path, e))?;
                    drop(f);
                    if Some(hasher.digest()) != node.sha256 {
                        return Err(DataError::corrupt(
                            root.display().to_string(),
                            format!("{} does not match its SHA-256", node.path),
                        )
                        .into());
                    }
                    crate::restore::apply_meta(&path, &node, false)?;
                }
            }
        }
        for (path, node) in dirs.iter().rev() {
            crate::restore::apply_meta(path, node, false)?;
        }
        Ok(RestoreInfo {
            target: target.clone(),
            bytes: r.bytes(),
            sha256: r.digest(),
            elapsed: started.elapsed(),
        })
    }
}
