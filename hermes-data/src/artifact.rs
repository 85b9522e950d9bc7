//! The artifact store the repository is built on.
//!
//! This is the exact API of `hermes_core::artifact` (an async, streaming, atomic object store with a
//! local directory implementation); it lives here until hermes-core ships it and then becomes a
//! re-export. Keys are `/`-separated relative paths.
//!
//! ```no_run
//! # async fn demo() -> hermes_data::Result<()> {
//! use hermes_data::artifact::{ArtifactStore, LocalStore};
//! let store = LocalStore::new("/var/backups/repo")?;
//! store.put_bytes("config", bytes::Bytes::from_static(b"{}")).await?;
//! assert_eq!(&store.get_bytes("config").await?[..], b"{}");
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;
use hermes_core::checksum::{HashingWriter, Sha256Digest};
use hermes_core::{ArtifactSource, Error, Result};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// What a store knows about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactMeta {
    /// The object's key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, when the store knows it without reading the object.
    pub sha256: Option<Sha256Digest>,
    /// When it was last written.
    pub modified: Option<chrono::DateTime<chrono::Utc>>,
}

/// An object store: a local directory, S3...
#[async_trait]
pub trait ArtifactStore: Send + Sync + std::fmt::Debug {
    /// A human name: `local:/var/backups`, `s3://bucket/prefix`.
    fn describe(&self) -> String;
    /// Stores the stream under `key`, atomically (readers see the old object or the whole new one).
    async fn put(&self, key: &str, body: &mut dyn ArtifactSource) -> Result<ArtifactMeta>;
    /// Stores bytes under `key`.
    async fn put_bytes(&self, key: &str, bytes: Bytes) -> Result<ArtifactMeta> {
        let mut r: &[u8] = &bytes;
        self.put(key, &mut r).await
    }
    /// Opens the object for streaming.
    async fn get(&self, key: &str) -> Result<Box<dyn ArtifactSource>>;
    /// Reads the whole object.
    async fn get_bytes(&self, key: &str) -> Result<Bytes> {
        let mut r = self.get(key).await?;
        let mut out = Vec::new();
        r.read_to_end(&mut out)
            .await
            .map_err(|e| Error::from(e).with_target(format!("{}/{key}", self.describe())))?;
        Ok(out.into())
    }
    /// Reads `len` bytes from `offset`.
    async fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Bytes>;
    /// The object's metadata, or `None` when it does not exist.
    async fn head(&self, key: &str) -> Result<Option<ArtifactMeta>>;
    /// Every object whose key starts with `prefix`.
    async fn list(&self, prefix: &str) -> Result<Vec<ArtifactMeta>>;
    /// Deletes the object (deleting a missing object is not an error).
    async fn delete(&self, key: &str) -> Result<()>;
}

/// A store in a local directory; writes go to a temporary file, are synced, then renamed into place.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// A store rooted at `root` (created if missing).
    pub fn new(root: impl Into<PathBuf>) -> Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(root.join(".tmp")).map_err(|e| Error::io(&root, "create", e))?;
        Ok(LocalStore { root })
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        if key.is_empty()
            || key.starts_with('/')
            || key
                .split('/')
                .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Err(Error::invalid_input(format!(
                "{key:?} is not a valid artifact key (use '/'-separated relative names)"
            ))
            .with_target(self.describe()));
        }
        Ok(self.root.join(key))
    }
}

fn meta_of(key: &str, md: &std::fs::Metadata) -> ArtifactMeta {
    ArtifactMeta {
        key: key.to_string(),
        size: md.len(),
        sha256: None,
        modified: md
            .modified()
            .ok()
            .map(chrono::DateTime::<chrono::Utc>::from),
    }
}

#[async_trait]
impl ArtifactStore for LocalStore {
    fn describe(&self) -> String {
        format!("local:{}", self.root.display())
    }

    async fn put(&self, key: &str, body: &mut dyn ArtifactSource) -> Result<ArtifactMeta> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| Error::io(parent, "create", e))?;
        }
        let tmp = self.root.join(".tmp").join(format!(
            "{}-{:016x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let result = async {
            let f = tokio::fs::File::create(&tmp)
                .await
                .map_err(|e| Error::io(&tmp, "create", e))?;
            let mut w = HashingWriter::new(f);
            tokio::io::copy(body, &mut w)
                .await
                .map_err(|e| Error::io(&tmp, "write", e))?;
            w.flush().await.map_err(|e| Error::io(&tmp, "write", e))?;
            let digest = w.digest();
            let size = w.bytes();
            let f = w.into_inner();
            f.sync_all().await.map_err(|e| Error::io(&tmp, "sync", e))?;
            drop(f);
            tokio::fs::rename(&tmp, &path)
                .await
                .map_err(|e| Error::io(&path, "rename into", e))?;
            Ok(ArtifactMeta {
                key: key.to_string(),
                size,
                sha256: Some(digest),
                modified: Some(chrono::Utc::now()),
            })
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    async fn get(&self, key: &str) -> Result<Box<dyn ArtifactSource>> {
        let path = self.path(key)?;
        let f = tokio::fs::File::open(&path)
            .await
            .map_err(|e| Error::io(&path, "open", e))?;
        Ok(Box::new(tokio::io::BufReader::with_capacity(1 << 20, f)))
    }

    async fn get_bytes(&self, key: &str) -> Result<Bytes> {
        let path = self.path(key)?;
        let data = tokio::fs::read(&path)
            .await
            .map_err(|e| Error::io(&path, "read", e))?;
        Ok(data.into())
    }

    async fn get_range(&self, key: &str, offset: u64, len: u64) -> Result<Bytes> {
        let path = self.path(key)?;
        let mut f = tokio::fs::File::open(&path)
            .await
            .map_err(|e| Error::io(&path, "open", e))?;
        f.seek(std::io::SeekFrom::Start(offset))
            .await
            .map_err(|e| Error::io(&path, "seek", e))?;
        let mut buf = vec![0u8; len as usize];
        f.read_exact(&mut buf)
            .await
            .map_err(|e| Error::io(&path, "read", e).context(format!("range {offset}+{len}")))?;
        Ok(buf.into())
    }

    async fn head(&self, key: &str) -> Result<Option<ArtifactMeta>> {
        let path = self.path(key)?;
        match tokio::fs::metadata(&path).await {
            Ok(md) => Ok(Some(meta_of(key, &md))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, "stat", e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ArtifactMeta>> {
        let root = self.root.clone();
        let prefix = prefix.to_string();
        tokio::task::spawn_blocking(move || {
            // Walk only the directory the prefix names (or its parent when it ends mid-name).
            let start_rel = match prefix.rfind('/') {
                Some(i) => &prefix[..i],
                None => "",
            };
            let start = root.join(start_rel);
            let mut out = Vec::new();
            if !start.exists() {
                return Ok(out);
            }
            for entry in walkdir::WalkDir::new(&start).min_depth(1) {
                let entry = entry
                    .map_err(|e| Error::io(&start, "list", std::io::Error::other(e.to_string())))?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(&root).unwrap_or(entry.path());
                let key = rel.to_string_lossy().replace('\\', "/");
                if key.starts_with(".tmp/") || !key.starts_with(&prefix) {
                    continue;
                }
                let md = entry
                    .metadata()
                    .map_err(|e| Error::io(entry.path(), "stat", std::io::Error::other(e)))?;
                out.push(meta_of(&key, &md));
            }
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
        .await
        .map_err(|e| Error::new(hermes_core::ErrorKind::Internal, e.to_string()))?
    }

    async fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&path, "delete", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_store_round_trip_list_range_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStore::new(dir.path()).unwrap();
        let m = s
            .put_bytes("data/ab/abc", Bytes::from_static(b"hello world"))
            .await
            .unwrap();
        assert_eq!(m.size, 11);
        assert_eq!(m.sha256, Some(Sha256Digest::of(b"hello world")));
        s.put_bytes("data/cd/cde", Bytes::from_static(b"x"))
            .await
            .unwrap();
        s.put_bytes("index/1", Bytes::from_static(b"y"))
            .await
            .unwrap();
        let keys: Vec<_> = s
            .list("data/")
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.key)
            .collect();
        assert_eq!(keys, ["data/ab/abc", "data/cd/cde"]);
        assert_eq!(
            &s.get_range("data/ab/abc", 6, 5).await.unwrap()[..],
            b"world"
        );
        assert!(s.get_range("data/ab/abc", 6, 50).await.is_err());
        s.delete("data/ab/abc").await.unwrap();
        s.delete("data/ab/abc").await.unwrap();
        assert!(s.head("data/ab/abc").await.unwrap().is_none());
        let err = s.get("../etc/passwd").await.err().unwrap();
        assert_eq!(err.kind(), hermes_core::ErrorKind::InvalidInput);
    }
}
