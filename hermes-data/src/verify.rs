//! `verify`: a structure check (every index readable, every pack present with its indexed size, every
//! snapshot's tree and chunks indexed) and, with `read_data`, a full read of every pack re-hashing every
//! chunk. Damage is reported by pack and chunk, and mapped back to the snapshots and files it affects.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures::StreamExt;
use hermes_core::Sha256Digest;
use serde::{Deserialize, Serialize};

use crate::error::{join_error, Result};
use crate::index::{pack_key, PackIndex};
use crate::lock::LockGuard;
use crate::repository::Repository;

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "damage")]
pub enum Damage {
    /// An indexed pack is gone.
    MissingPack {
        /// Pack id.
        pack: String,
    },
    /// A pack is shorter (or longer) than its index says.
    TruncatedPack {
        /// Pack id.
        pack: String,
        /// Its size now.
        size: u64,
        /// The indexed size.
        expected: u64,
    },
    /// A chunk's stored bytes do not decode or do not hash to its id.
    CorruptChunk {
        /// Pack id.
        pack: String,
        /// Chunk id.
        chunk: String,
    },
    /// A snapshot references a chunk no index knows.
    MissingChunk {
        /// Chunk id.
        chunk: String,
    },
    /// A metadata object (index, snapshot) cannot be read.
    BadObject {
        /// Its key.
        key: String,
        /// Why.
        detail: String,
    },
}

/// A file (or a snapshot's tree) that cannot be restored intact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// Snapshot id.
    pub snapshot: String,
    /// Its source.
    pub source: String,
    /// The path in the snapshot (`<tree>` when the snapshot's metadata itself is damaged).
    pub path: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Snapshots checked.
    pub snapshots: usize,
    /// Packs checked.
    pub packs: usize,
    /// Chunks re-hashed (read-data only).
    pub chunks_read: u64,
    /// Bytes read (read-data only).
    pub bytes_read: u64,
    /// Problems.
    pub damage: Vec<Damage>,
    /// Files and snapshots the problems affect.
    pub affected: Vec<Affected>,
    /// Packs no index references (left by an interrupted backup; removed by prune). Not damage.
    pub unreferenced_packs: Vec<String>,
}

impl VerifyReport {
    /// No damage.
    pub fn is_ok(&self) -> bool {
        self.damage.is_empty()
    }

    /// A human summary, one problem and one affected file per line.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{} snapshot(s), {} pack(s), {} chunk(s) / {} bytes re-hashed: {}\n",
            self.snapshots,
            self.packs,
            self.chunks_read,
            self.bytes_read,
            if self.is_ok() { "no errors" } else { "DAMAGED" }
        );
        for d in &self.damage {
            s.push_str(&format!(
                "  damage: {}\n",
                serde_json::to_string(d).unwrap_or_default()
            ));
        }
        for a in &self.affected {
            s.push_str(&format!(
                "  affected: snapshot {} ({}) {}\n",
                &a.snapshot[..8.min(a.snapshot.len())],
                a.source,
                a.path
            ));
        }
        if !self.unreferenced_packs.is_empty() {
            s.push_str(&format!(
                "  {} unreferenced pack(s) (prune removes them)\n",
                self.unreferenced_packs.len()
            ));
        }
        s
    }
}

impl Repository {
    /// Checks the repository; with `read_data`, reads and re-hashes every chunk of every pack.
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// let report = repo.verify(true).await?;
    /// print!("{}", report.render());
    /// assert!(report.is_ok());
    /// # Ok(()) }
    /// ```
    pub async fn verify(&self, read_data: bool) -> Result<VerifyReport> {
        let lock = LockGuard::acquire(self.store().clone(), false).await?;
        let mut report = VerifyReport::default();
        // Indexes.
        let mut packs: HashMap<String, PackIndex> = HashMap::new();
        for m in self.store().list("index/").await? {
            match self.get_json::<PackIndex>(&m.key).await {
                Ok(pi) => {
                    packs.insert(pi.pack.clone(), pi);
                }
                Err(e) => report.damage.push(Damage::BadObject {
                    key: m.key,
                    detail: e.to_string(),
                }),
            }
        }
        let present: HashMap<String, u64> = self
            .store()
            .list("data/")
            .await?
            .into_iter()
            .filter_map(|m| m.key.rsplit('/').next().map(|p| (p.to_string(), m.size)))
            .collect();
        report.unreferenced_packs = present
            .keys()
            .filter(|p| !packs.contains_key(*p))
            .cloned()
            .collect();
        report.unreferenced_packs.sort();
        report.packs = packs.len();

        // Chunk id -> whether at least one good copy exists.
        let mut good: HashSet<Sha256Digest> = HashSet::new();
        let mut bad: HashSet<Sha256Digest> = HashSet::new();
        let mut to_read = Vec::new();
        let mut names: Vec<&String> = packs.keys().collect();
        names.sort();
        for name in names {
            let pi = &packs[name];
            match present.get(name) {
                None => {
                    report
                        .damage
                        .push(Damage::MissingPack { pack: name.clone() });
                    bad.extend(pi.blobs.iter().map(|b| b.id));
                }
                Some(&size) => {
                    if size != pi.size {
                        report.damage.push(Damage::TruncatedPack {
                            pack: name.clone(),
                            size,
                            expected: pi.size,
                        });
                    }
                    for b in &pi.blobs {
                        if b.offset + b.length as u64 > size {
                            bad.insert(b.id);
                        } else if !read_data {
                            good.insert(b.id);
                        }
                    }
                    if read_data {
                        to_read.push(pi.clone());
                    }
                }
            }
        }
        if read_data {
            let mut results = futures::stream::iter(to_read.into_iter().map(|pi| {
                let repo = self.clone();
                async move {
                    let data = repo.store().get_bytes(&pack_key(&pi.pack)).await?;
                    let checked = tokio::task::spawn_blocking(move || {
                        let mut out = Vec::new();
                        for b in &pi.blobs {
                            let end = (b.offset + b.length as u64) as usize;
                            let ok = end <= data.len()
                                && repo
                                    .decode("chunk", &data[b.offset as usize..end])
                                    .map(|plain| Sha256Digest::of(&plain) == b.id)
                                    .unwrap_or(false);
                            out.push((b.id, b.raw_length as u64, ok));
                        }
                        (pi.pack, out)
                    })
                    .await
                    .map_err(join_error)?;
                    Ok::<_, crate::DataError>(checked)
                }
            }))
            .buffer_unordered(2);
            while let Some(r) = results.next().await {
                let (pack, chunks) = r?;
                for (id, raw, ok) in chunks {
                    if ok {
                        report.chunks_read += 1;
                        report.bytes_read += raw;
                        good.insert(id);
                    } else {
                        report.damage.push(Damage::CorruptChunk {
                            pack: pack.clone(),
                            chunk: id.to_string(),
                        });
                        bad.insert(id);
                    }
                }
            }
        }
        bad.retain(|id| !good.contains(id));

        // Snapshots: which files need a damaged or unknown chunk.
        let index = {
            let mut idx = crate::index::Index::default();
            for pi in packs.into_values() {
                idx.add(pi);
            }
            idx
        };
        let mut missing: BTreeMap<String, ()> = BTreeMap::new();
        let mut good_tree: HashSet<Sha256Digest> = HashSet::new();
        for m in self.store().list("snapshots/").await? {
            let snap = match self.get_json::<crate::Snapshot>(&m.key).await {
                Ok(s) => s,
                Err(e) => {
                    report.damage.push(Damage::BadObject {
                        key: m.key,
                        detail: e.to_string(),
                    });
                    continue;
                }
            };
            report.snapshots += 1;
            let unusable = |id: &Sha256Digest| bad.contains(id) || !index.contains(id);
            if snap.tree.iter().any(unusable) {
                for id in snap.tree.iter().filter(|id| !index.contains(id)) {
                    missing.insert(id.to_string(), ());
                }
                report.affected.push(Affected {
                    snapshot: snap.id.clone(),
                    source: snap.source.clone(),
                    path: "<tree>".into(),
                });
                continue;
            }
            // Read the tree chunk by chunk so that a damaged one is named by its pack, like a
            // damaged data chunk (the structure check has to read trees to know the files).
            let mut tree_ok = true;
            for id in &snap.tree {
                if bad.contains(id) || good_tree.contains(id) {
                    continue;
                }
                if self.read_chunk(&index, id).await.is_ok() {
                    good_tree.insert(*id);
                } else {
                    tree_ok = false;
                    if bad.insert(*id) {
                        report.damage.push(Damage::CorruptChunk {
                            pack: index.chunks[id].pack.clone(),
                            chunk: id.to_string(),
                        });
                    }
                }
            }
            if !tree_ok {
                report.affected.push(Affected {
                    snapshot: snap.id.clone(),
                    source: snap.source.clone(),
                    path: "<tree>".into(),
                });
                continue;
            }
            let unusable = |id: &Sha256Digest| bad.contains(id) || !index.contains(id);
            let nodes = match self.read_tree_with(&index, &snap).await {
                Ok(n) => n,
                Err(e) => {
                    report.damage.push(Damage::BadObject {
                        key: m.key,
                        detail: e.to_string(),
                    });
                    continue;
                }
            };
            for n in nodes {
                if n.chunks.iter().any(unusable) {
                    for id in n.chunks.iter().filter(|id| !index.contains(id)) {
                        missing.insert(id.to_string(), ());
                    }
                    report.affected.push(Affected {
                        snapshot: snap.id.clone(),
                        source: snap.source.clone(),
                        path: n.path,
                    });
                }
            }
        }
        report.damage.extend(
            missing
                .into_keys()
                .map(|chunk| Damage::MissingChunk { chunk }),
        );
        lock.release().await?;
        Ok(report)
    }
}
