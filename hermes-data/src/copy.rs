//! `copy`: the offsite copy of a repository into another store (a second disk, S3), object by object,
//! skipping what the destination already has. Packs and indexes go first, the config once, snapshots
//! last, so the destination is consistent at every moment and an interrupted copy resumes where it
//! stopped.

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactStore;
use crate::error::Result;
use crate::repository::Repository;

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyReport {
    /// Objects copied.
    pub objects: u64,
    /// Bytes copied.
    pub bytes: u64,
    /// Objects already present with the same size.
    pub skipped: u64,
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
        let have: HashMap<String, u64> = dest
            .list("")
            .await?
            .into_iter()
            .map(|m| (m.key, m.size))
            .collect();
        for prefix in ["data/", "index/", "config", "snapshots/"] {
            let todo: Vec<_> = self
                .store()
                .list(prefix)
                .await?
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
                let (src, dest) = (self.store().clone(), dest.clone());
                async move {
                    let mut body = src.get(&m.key).await?;
                    let meta = dest.put(&m.key, &mut body).await?;
                    Ok::<u64, hermes_core::Error>(meta.size)
                }
            }))
            .buffer_unordered(parallel.max(1));
            while let Some(r) = copies.next().await {
                report.bytes += r?;
                report.objects += 1;
            }
        }
        Ok(report)
    }
}
