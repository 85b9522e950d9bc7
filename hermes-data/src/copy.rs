//! `copy`: the offsite copy of a repository into another store (a second disk, S3), object by object,
//! skipping what the destination already has. Packs and indexes go first, the config once, snapshots
//! last, so the destination is consistent at every moment and an interrupted copy resumes where it
//! stopped. [`Repository::copy_snapshots_to`] copies only chosen snapshots (say, the ones not offsite
//! yet, or only the weekly fulls) with just the packs they need.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::artifact::{ArtifactMeta, ArtifactStore};
use crate::error::{DataError, Result};
use crate::index::{index_key, pack_key};
use crate::repository::Repository;
use crate::snapshot::Snapshot;
use hermes_core::Sha256Digest;

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyReport {
    /// Objects copied.
    pub objects: u64,
    /// Bytes copied.
    pub bytes: u64,
    /// Objects already present with the same size.
    pub skipped: u64,
    /// Snapshots copied (by [`Repository::copy_snapshots_to`]; 0 for a whole-repository copy).
    #[serde(default)]
    pub snapshots: u64,
}

impl Repository {
    /// Copies every object missing from `dest` (same key, same bytes: the destination opens with the
    /// same passphrase). `parallel` objects are in flight at once.
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// let offsite = std::sync::Arc::new(hermes_data::artifact::LocalStore::new("/mnt/offsite/repo")?);
    /// let report = repo.copy_to(offsite, 4).await?;
    /// println!("{} objects, {} bytes copied", report.objects, report.bytes);
    /// # Ok(()) }
    /// ```
    pub async fn copy_to(
        &self,
        dest: Arc<dyn ArtifactStore>,
        parallel: usize,
    ) -> Result<CopyReport> {
        let mut report = CopyReport::default();
        let have = existing(self, &dest).await?;
        for prefix in ["data/", "index/", "config", "snapshots/"] {
            let todo = self.store().list(prefix).await?;
            self.copy_objects(&dest, todo, &have, parallel, &mut report)
                .await?;
        }
        Ok(report)
    }

    /// Copies the snapshots `select` picks that `dest` does not have yet, with only the packs and
    /// indexes they need (and the config if `dest` is empty): "new snapshots only" offsite, or a
    /// subset (the weekly fulls). Snapshots go last, so an interrupted copy leaves no snapshot whose
    /// data is missing.
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// let offsite = std::sync::Arc::new(hermes_data::artifact::LocalStore::new("/mnt/offsite/repo")?);
    /// // Only the weekly fulls go offsite.
    /// let r = repo.copy_snapshots_to(offsite, |s| s.tags.iter().any(|t| t == "weekly"), 8).await?;
    /// println!("{} snapshots, {} objects copied", r.snapshots, r.objects);
    /// # Ok(()) }
    /// ```
    pub async fn copy_snapshots_to(
        &self,
        dest: Arc<dyn ArtifactStore>,
        select: impl Fn(&Snapshot) -> bool,
        parallel: usize,
    ) -> Result<CopyReport> {
        let mut report = CopyReport::default();
        let have = existing(self, &dest).await?;
        let chosen: Vec<Snapshot> = self
            .snapshots()
            .await?
            .into_iter()
            .filter(|s| select(s) && !have.contains_key(&format!("snapshots/{}", s.id)))
            .collect();
        if chosen.is_empty() {
            return Ok(report);
        }
        let index = self.load_index().await?;
        let mut packs = BTreeSet::new();
        let locate = |id: &hermes_core::Sha256Digest, packs: &mut BTreeSet<String>| {
            index
                .chunks
                .get(id)
                .map(|l| {
                    packs.insert(l.pack.clone());
                })
                .ok_or_else(|| {
                    DataError::corrupt(self.name(), format!("chunk {id} is in no index"))
                })
        };
        for snap in &chosen {
            for id in &snap.tree {
                locate(id, &mut packs)?;
            }
            for node in self.read_tree_with(&index, snap).await? {
                for id in &node.chunks {
                    locate(id, &mut packs)?;
                }
            }
        }
        let data = self
            .missing(packs.iter().map(|p| pack_key(p)), &have)
            .await?;
        let indexes = self
            .missing(packs.iter().map(|p| index_key(p)), &have)
            .await?;
        let config = self.missing(["config".to_string()], &have).await?;
        let snaps = self
            .missing(chosen.iter().map(|s| format!("snapshots/{}", s.id)), &have)
            .await?;
        report.skipped = (2 * packs.len() + 1 + chosen.len()
            - data.len()
            - indexes.len()
            - config.len()
            - snaps.len()) as u64;
        for todo in [data, indexes, config] {
            self.copy_objects(&dest, todo, &HashMap::new(), parallel, &mut report)
                .await?;
        }
        report.snapshots = snaps.len() as u64;
        self.copy_objects(&dest, snaps, &HashMap::new(), parallel, &mut report)
            .await?;
        Ok(report)
    }

    /// The source's metadata of each of `keys` that `have` lacks.
    async fn missing(
        &self,
        keys: impl IntoIterator<Item = String>,
        have: &HashMap<String, u64>,
    ) -> Result<Vec<ArtifactMeta>> {
        let mut out = Vec::new();
        for k in keys {
            if have.contains_key(&k) {
                continue;
            }
            match self.store().head(&k).await? {
                Some(m) => out.push(m),
                None => {
                    return Err(DataError::corrupt(
                        self.name(),
                        format!("{k} is missing; run verify"),
                    ))
                }
            }
        }
        Ok(out)
    }

    async fn copy_objects(
        &self,
        dest: &Arc<dyn ArtifactStore>,
        todo: Vec<ArtifactMeta>,
        have: &HashMap<String, u64>,
        parallel: usize,
        report: &mut CopyReport,
    ) -> Result<()> {
        let todo: Vec<_> = todo
            .into_iter()
            .filter(|m| {
                let skip = have.get(&m.key) == Some(&m.size);
                if skip {
                    report.skipped += 1;
                }
                !skip
            })
            .collect();
        let mut copies = futures::stream::iter(todo.into_iter().map(|m| {
            let (src, dest, repo) = (self.store().clone(), dest.clone(), self.name().to_string());
            async move {
                match pack_digest(&m) {
                    Some(name) => copy_pack(&*src, &*dest, &m, name, &repo, CHECK_IN_MEMORY).await,
                    None => {
                        let mut body = src.get(&m.key).await?;
                        Ok(dest.put(&m.key, &mut body).await?.size)
                    }
                }
            }
        }))
        .buffer_unordered(parallel.max(1));
        while let Some(r) = copies.next().await {
            report.bytes += r?;
            report.objects += 1;
        }
        Ok(())
    }
}

/// Packs up to this size are checked in memory before they are sent (larger ones are streamed and
/// checked as they go, and removed from the destination if they do not match).
const CHECK_IN_MEMORY: u64 = 64 << 20;

/// The digest a pack's key names (`data/ab/abcd…`: a pack is named by the SHA-256 of its bytes).
fn pack_digest(m: &ArtifactMeta) -> Option<Sha256Digest> {
    let name = m.key.strip_prefix("data/")?.rsplit('/').next()?;
    name.parse().ok()
}

/// Copies one pack, checking its bytes against its name on the way: a pack damaged on the local
/// disk is refused (nothing of it left at the destination) instead of being copied offsite.
async fn copy_pack(
    src: &dyn ArtifactStore,
    dest: &dyn ArtifactStore,
    meta: &ArtifactMeta,
    name: Sha256Digest,
    repo: &str,
    in_memory: u64,
) -> Result<u64> {
    let key = meta.key.as_str();
    let damaged = || {
        DataError::corrupt(
            repo,
            format!(
                "{key} does not match its SHA-256 name (damaged in {}): not copied; run verify \
                 to see the snapshots it affects, then repair or forget them before copying again",
                src.describe()
            ),
        )
    };
    if meta.size <= in_memory {
        let bytes = src.get_bytes(key).await?;
        let (bytes, actual) = tokio::task::spawn_blocking(move || {
            let d = Sha256Digest::of(&bytes);
            (bytes, d)
        })
        .await
        .map_err(|e| DataError::Internal(format!("hashing {key}: {e}")))?;
        if actual != name {
            return Err(damaged());
        }
        return Ok(dest.put_bytes_hashed(key, bytes, name).await?.size);
    }
    let mut body = src.get(key).await?;
    let meta = dest.put(key, &mut body).await?;
    if meta.sha256.is_some_and(|d| d != name) {
        dest.delete(key).await?;
        return Err(damaged());
    }
    Ok(meta.size)
}

/// What `dest` already holds (key → size), after checking that it is empty or a copy of the same
/// repository: objects of two repositories never mix (their keys and chunk ids would not match).
async fn existing(
    repo: &Repository,
    dest: &Arc<dyn ArtifactStore>,
) -> Result<HashMap<String, u64>> {
    let have: HashMap<String, u64> = dest
        .list("")
        .await?
        .into_iter()
        .map(|m| (m.key, m.size))
        .collect();
    if have.contains_key("config") {
        let body = dest.get_bytes("config").await?;
        let theirs: crate::RepoConfig = serde_json::from_slice(&body).map_err(|e| {
            DataError::corrupt(
                dest.describe(),
                format!("its `config` is not a Hermes repository config ({e}); copy into an empty location"),
            )
        })?;
        if theirs.id != repo.config().id {
            return Err(DataError::invalid(
                dest.describe(),
                format!(
                    "it holds another repository (id {}), not a copy of {} (id {}); copy into an empty \
                     location or into this repository's own copy",
                    theirs.id,
                    repo.name(),
                    repo.config().id
                ),
            ));
        }
    }
    Ok(have)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::LocalStore;

    /// Both ways of copying a pack (in memory, streamed) copy a sound pack and refuse a damaged one,
    /// leaving nothing of it at the destination.
    #[tokio::test]
    async fn a_pack_that_does_not_match_its_name_is_not_copied() {
        let tmp = tempfile::tempdir().unwrap();
        let src = LocalStore::new(tmp.path().join("src")).unwrap();
        let dest = LocalStore::new(tmp.path().join("dest")).unwrap();
        let body = bytes::Bytes::from(vec![7u8; 100_000]);
        let name = Sha256Digest::of(&body);
        let key = crate::index::pack_key(&name.to_string());
        src.put_bytes(&key, body.clone()).await.unwrap();
        let meta = src.head(&key).await.unwrap().unwrap();
        assert_eq!(pack_digest(&meta), Some(name));
        for in_memory in [u64::MAX, 0] {
            let n = copy_pack(&src, &dest, &meta, name, "repo", in_memory)
                .await
                .unwrap();
            assert_eq!(n, 100_000);
            assert_eq!(dest.get_bytes(&key).await.unwrap(), body);
            dest.delete(&key).await.unwrap();
        }
        let mut bad = body.to_vec();
        bad[50_000] ^= 1;
        src.put_bytes(&key, bad.into()).await.unwrap();
        for in_memory in [u64::MAX, 0] {
            let err = copy_pack(&src, &dest, &meta, name, "repo", in_memory)
                .await
                .unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.contains(&key) && msg.contains("does not match"),
                "{msg}"
            );
            assert!(dest.head(&key).await.unwrap().is_none(), "{in_memory}");
        }
        let other = ArtifactMeta {
            key: "index/abc".into(),
            size: 1,
            sha256: None,
            modified: None,
        };
        assert_eq!(pack_digest(&other), None);
    }
}
