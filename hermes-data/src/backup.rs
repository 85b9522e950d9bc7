//! The backup pipeline: read → chunk → hash → (dedup) → compress/encrypt → pack → store.
//!
//! * One thread walks and reads the source, cuts chunks (FastCDC) and hashes them (SHA-256 with the CPU's
//!   SHA extensions), and drops every chunk the repository already has.
//! * New chunks go through a bounded channel to one compression/encryption worker per core.
//! * An async packer collects encoded chunks into packs and uploads them (two in flight), each followed
//!   by its index object; the snapshot object is written last.
//!
//! Every queue is bounded, so memory stays flat whatever the input size: at most
//! `(4 + 2 × workers) × max chunk + 3 × pack size` of data (≈ 90 MiB with the defaults, for a 10 GiB
//! input as for a 10 MiB one), plus the tree's metadata (≈ 300 bytes per file) and the chunk index
//! (≈ 150 bytes per stored chunk).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use hermes_core::checksum::Sha256Hasher;
use hermes_core::{BackupInfo, BackupKind, Backupable, Sha256Digest};
use tokio::io::AsyncRead;

use crate::chunker::{chunks, ChunkerParams};
use crate::error::{join_error, DataError, Result};
use crate::index::{BlobEntry, Index, PackIndex};
use crate::lock::{hostname, LockGuard};
use crate::repository::Repository;
use crate::snapshot::{Snapshot, SnapshotKind, SnapshotStats};
use crate::tree::{Node, NodeKind};

/// What kind of backup to make, with tags and an explicit parent.
///
/// ```
/// use hermes_data::{BackupOptions, SnapshotKind};
/// let o = BackupOptions::incremental().tag("daily");
/// assert_eq!(o.kind(), SnapshotKind::Incremental);
/// ```
#[derive(Debug, Clone)]
pub struct BackupOptions {
    kind: SnapshotKind,
    tags: Vec<String>,
    parent: Option<String>,
    source: Option<String>,
}

impl BackupOptions {
    /// A full backup: every file is read; chunks already stored are deduplicated, and the packs holding
    /// them are checked to exist with their indexed size.
    pub fn full() -> Self {
        BackupOptions {
            kind: SnapshotKind::Full,
            tags: Vec::new(),
            parent: None,
            source: None,
        }
    }
    /// An incremental backup: files whose size, mtime and inode match the parent snapshot are not read.
    pub fn incremental() -> Self {
        BackupOptions {
            kind: SnapshotKind::Incremental,
            ..Self::full()
        }
    }
    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }
    /// Compares with this snapshot instead of the newest one of the same source.
    pub fn parent(mut self, id: impl Into<String>) -> Self {
        self.parent = Some(id.into());
        self
    }
    /// Names the source (default: `dir:<absolute path>` for directories).
    pub fn source(mut self, name: impl Into<String>) -> Self {
        self.source = Some(name.into());
        self
    }
    /// The kind.
    pub fn kind(&self) -> SnapshotKind {
        self.kind
    }
}

type SharedMeta = Arc<Mutex<std::collections::BTreeMap<String, String>>>;
type Work = (Sha256Digest, Vec<u8>);
type Encoded = (Sha256Digest, u32, Vec<u8>);

/// The reading side of the pipeline (runs on a blocking thread).
pub(crate) struct Ingest {
    params: ChunkerParams,
    known: HashSet<Sha256Digest>,
    index: Arc<Index>,
    work: SyncSender<Work>,
    tree: Vec<u8>,
    stats: SnapshotStats,
    parent: HashMap<String, Node>,
    kind: SnapshotKind,
    reused_packs: HashSet<String>,
}

const STOPPED: &str = "the storage pipeline stopped";

impl Ingest {
    fn push_node(&mut self, node: &Node) {
        serde_json::to_writer(&mut self.tree, node).expect("node serialises");
        self.tree.push(b'\n');
        match node.kind {
            NodeKind::Dir => self.stats.dirs += 1,
            NodeKind::File | NodeKind::Stream => {
                self.stats.files += 1;
                self.stats.bytes += node.size;
            }
            NodeKind::Symlink => {}
        }
    }

    /// Chunks, hashes and submits `reader`'s content; returns the chunk ids, the whole digest and size.
    fn store_content<R: Read>(
        &mut self,
        reader: R,
        what: &Path,
    ) -> Result<(Vec<Sha256Digest>, Sha256Digest, u64)> {
        let mut whole = Sha256Hasher::new();
        let mut single = None;
        let mut ids = Vec::new();
        let mut cuts = chunks(reader, self.params).peekable();
        while let Some(chunk) = cuts.next() {
            let chunk = chunk.map_err(|e| DataError::io("read", what, e))?;
            let id = Sha256Digest::of(&chunk);
            // A one-chunk content's digest is its chunk id: no second pass over the bytes (most
            // files are one chunk). Longer contents are hashed whole as well.
            if ids.is_empty() && cuts.peek().is_none() {
                single = Some((id, chunk.len() as u64));
            } else {
                whole.update(&chunk);
            }
            ids.push(id);
            if self.known.insert(id) {
                self.stats.chunks_new += 1;
                self.stats.bytes_new += chunk.len() as u64;
                self.work
                    .send((id, chunk))
                    .map_err(|_| DataError::Internal(STOPPED.into()))?;
            } else if self.kind == SnapshotKind::Full {
                if let Some(loc) = self.index.chunks.get(&id) {
                    if !self.reused_packs.contains(&loc.pack) {
                        self.reused_packs.insert(loc.pack.clone());
                    }
                }
            }
        }
        let (digest, size) = single.unwrap_or_else(|| (whole.digest(), whole.bytes()));
        Ok((ids, digest, size))
    }

    /// Adds a file, reusing the parent's chunks when it is unchanged (incremental only).
    pub(crate) fn add_file(&mut self, mut node: Node, path: &Path) -> Result<()> {
        if self.kind == SnapshotKind::Incremental {
            if let Some(p) = self.parent.get(&node.path) {
                if node.unchanged_since(p) && p.chunks.iter().all(|c| self.index.contains(c)) {
                    node.chunks = p.chunks.clone();
                    node.sha256 = p.sha256;
                    self.push_node(&node);
                    return Ok(());
                }
            }
        }
        let f = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(path = %path.display(), "file vanished during the backup; skipped");
                return Ok(());
            }
            Err(e) => return Err(DataError::io("open", path, e)),
        };
        let (ids, digest, size) = self.store_content(f, path)?;
        node.chunks = ids;
        node.sha256 = Some(digest);
        node.size = size;
        self.stats.files_read += 1;
        self.stats.bytes_read += size;
        self.push_node(&node);
        Ok(())
    }

    /// Adds a named stream.
    pub(crate) fn add_stream<R: Read>(&mut self, name: &str, reader: R) -> Result<Node> {
        let (ids, digest, size) = self.store_content(reader, Path::new(name))?;
        let node = Node {
            path: name.to_string(),
            kind: NodeKind::Stream,
            mode: 0o600,
            mtime_ns: Utc::now().timestamp_nanos_opt().unwrap_or_default(),
            size,
            inode: 0,
            uid: 0,
            gid: 0,
            link: None,
            chunks: ids,
            sha256: Some(digest),
        };
        self.stats.files_read += 1;
        self.stats.bytes_read += size;
        self.push_node(&node);
        Ok(node)
    }
}

fn node_of(rel: String, md: &std::fs::Metadata, kind: NodeKind) -> Node {
    Node {
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
    }
}

/// Walks a directory tree in path order into the pipeline.
fn walk_dir(root: &Path, ing: &mut Ingest) -> Result<()> {
    for entry in walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            DataError::io("walk", &path, std::io::Error::other(e.to_string()))
        })?;
        let rel = match entry.path().strip_prefix(root) {
            Ok(r) if r.as_os_str().is_empty() => ".".to_string(),
            Ok(r) => r.to_string_lossy().into_owned(),
            Err(_) => continue,
        };
        let md = match std::fs::symlink_metadata(entry.path()) {
            Ok(md) => md,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(DataError::io("stat", entry.path(), e)),
        };
        let ft = md.file_type();
        if ft.is_dir() {
            ing.push_node(&node_of(rel, &md, NodeKind::Dir));
        } else if ft.is_symlink() {
            let mut node = node_of(rel, &md, NodeKind::Symlink);
            let target = std::fs::read_link(entry.path())
                .map_err(|e| DataError::io("read link", entry.path(), e))?;
            node.link = Some(target.to_string_lossy().into_owned());
            ing.push_node(&node);
        } else if ft.is_file() {
            ing.add_file(node_of(rel, &md, NodeKind::File), entry.path())?;
        } else {
            tracing::warn!(path = %entry.path().display(), "special file (socket, fifo, device) skipped");
        }
    }
    Ok(())
}

struct PackerOut {
    packs: Vec<PackIndex>,
    stored: u64,
}

async fn packer(
    repo: Repository,
    mut rx: tokio::sync::mpsc::Receiver<Encoded>,
) -> Result<PackerOut> {
    let pack_size = repo.config().pack_size as usize;
    let mut buf: Vec<u8> = Vec::new();
    let mut blobs: Vec<BlobEntry> = Vec::new();
    let mut inflight = tokio::task::JoinSet::new();
    let mut out = PackerOut {
        packs: Vec::new(),
        stored: 0,
    };
    let collect = |r: std::result::Result<Result<(PackIndex, u64)>, tokio::task::JoinError>,
                   out: &mut PackerOut|
     -> Result<()> {
        let (pi, n) = r.map_err(join_error)??;
        out.packs.push(pi);
        out.stored += n;
        Ok(())
    };
    loop {
        let next = rx.recv().await;
        let done = next.is_none();
        if let Some((id, raw_len, enc)) = next {
            blobs.push(BlobEntry {
                id,
                offset: buf.len() as u64,
                length: enc.len() as u32,
                raw_length: raw_len,
            });
            buf.extend_from_slice(&enc);
        }
        if !blobs.is_empty() && (done || buf.len() >= pack_size) {
            while inflight.len() >= 2 {
                let r = inflight.join_next().await.expect("non-empty");
                collect(r, &mut out)?;
            }
            let repo = repo.clone();
            let pack = std::mem::replace(&mut buf, Vec::with_capacity(pack_size + (4 << 20)));
            let b = std::mem::take(&mut blobs);
            inflight.spawn(async move { repo.write_pack(pack, b).await });
        }
        if done {
            break;
        }
    }
    while let Some(r) = inflight.join_next().await {
        collect(r, &mut out)?;
    }
    Ok(out)
}

impl Repository {
    /// Backs up a directory tree (permissions, ownership, symlinks and mtimes kept).
    pub async fn backup_dir(
        &self,
        path: impl AsRef<Path>,
        opts: BackupOptions,
    ) -> Result<Snapshot> {
        let root: PathBuf = std::path::absolute(path.as_ref())
            .map_err(|e| DataError::io("resolve", path.as_ref(), e))?;
        let md = std::fs::metadata(&root).map_err(|e| DataError::io("stat", &root, e))?;
        if !md.is_dir() {
            return Err(DataError::invalid(
                root.display().to_string(),
                "not a directory; give the directory to back up",
            ));
        }
        let source = opts
            .source
            .clone()
            .unwrap_or_else(|| format!("dir:{}", root.display()));
        self.run(source, opts, Default::default(), move |ing| {
            walk_dir(&root, ing)
        })
        .await
    }

    /// Backs up one async stream (a dump piped from a tool) as the entry `name` of a snapshot of `source`.
    pub async fn backup_reader<R>(
        &self,
        source: &str,
        name: &str,
        reader: R,
        opts: BackupOptions,
    ) -> Result<Snapshot>
    where
        R: AsyncRead + Send + Unpin + 'static,
    {
        let bridge = tokio_util::io::SyncIoBridge::new(reader);
        let name = name.to_string();
        self.run(source.to_string(), opts, Default::default(), move |ing| {
            ing.add_stream(&name, bridge).map(|_| ())
        })
        .await
    }

    /// Backs up anything [`Backupable`]: its backup stream is deduplicated, compressed and stored as the
    /// snapshot's single entry `stream`; the source's metadata (row counts, versions) is kept in
    /// [`Snapshot::meta`].
    pub async fn backup_source(
        &self,
        source: &str,
        backupable: &dyn Backupable,
        opts: BackupOptions,
    ) -> Result<(Snapshot, BackupInfo)> {
        let (mut w, r) = tokio::io::duplex(1 << 20);
        let kind = match (&opts.kind, &opts.parent) {
            (SnapshotKind::Incremental, Some(p)) => BackupKind::Incremental { since: p.clone() },
            _ => BackupKind::Full,
        };
        let meta: SharedMeta = Default::default();
        let produce = async {
            let res = backupable.backup(kind, &mut w).await;
            drop(w);
            if let Ok(info) = &res {
                let mut m = meta.lock().expect("meta lock");
                m.extend(info.metadata.clone());
                m.insert("stream_sha256".into(), info.sha256.to_string());
                m.insert("stream_bytes".into(), info.bytes.to_string());
                m.insert("consistent_at".into(), info.consistent_at.to_rfc3339());
                m.insert("checkpoint".into(), info.checkpoint.clone());
            }
            res
        };
        let bridge = tokio_util::io::SyncIoBridge::new(r);
        let store = self.run(source.to_string(), opts, meta.clone(), move |ing| {
            ing.add_stream("stream", bridge).map(|_| ())
        });
        let (info, snap) = tokio::join!(produce, store);
        let info = info?; // the producer's failure is the cause when both fail
        let snap = snap?;
        Ok((snap, info))
    }

    pub(crate) async fn run<F>(
        &self,
        source: String,
        opts: BackupOptions,
        meta: SharedMeta,
        producer: F,
    ) -> Result<Snapshot>
    where
        F: FnOnce(&mut Ingest) -> Result<()> + Send + 'static,
    {
        let started = std::time::Instant::now();
        let time = Utc::now();
        let lock = LockGuard::acquire(self.store().clone(), false).await?;
        let index = Arc::new(self.load_index().await?);
        let parent_snap = match &opts.parent {
            Some(p) => Some(self.snapshot(p).await?),
            None if opts.kind == SnapshotKind::Incremental => self.latest_of(&source).await?,
            None => None,
        };
        let mut parent = HashMap::new();
        if let (Some(p), SnapshotKind::Incremental) = (&parent_snap, opts.kind) {
            for n in self.read_tree_with(&index, p).await? {
                if n.kind == NodeKind::File {
                    parent.insert(n.path.clone(), n);
                }
            }
        }

        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (work_tx, work_rx) = sync_channel::<Work>(4);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (enc_tx, enc_rx) = tokio::sync::mpsc::channel::<Encoded>(workers * 2);
        let packer = tokio::spawn(packer(self.clone(), enc_rx));
        let mut threads = Vec::new();
        for _ in 0..workers {
            let rx: Arc<Mutex<Receiver<Work>>> = work_rx.clone();
            let tx = enc_tx.clone();
            let repo = self.clone();
            threads.push(std::thread::spawn(move || loop {
                let next = rx.lock().expect("queue lock").recv();
                let Ok((id, data)) = next else { break };
                let enc = repo.encode(&data);
                if tx.blocking_send((id, data.len() as u32, enc)).is_err() {
                    break;
                }
            }));
        }
        drop(enc_tx);

        let mut ing = Ingest {
            params: self.config().chunker,
            known: index.chunks.keys().copied().collect(),
            index: index.clone(),
            work: work_tx,
            tree: Vec::new(),
            stats: SnapshotStats::default(),
            parent,
            kind: opts.kind,
            reused_packs: HashSet::new(),
        };
        let ingest = tokio::task::spawn_blocking(move || {
            let res = producer(&mut ing).and_then(|()| {
                let tree = std::mem::take(&mut ing.tree);
                let files = ing.stats.clone();
                let (ids, _, _) = ing.store_content(&tree[..], Path::new("<tree>"))?;
                // The tree is metadata: do not count it in the file statistics.
                let mut stats = ing.stats.clone();
                stats.files = files.files;
                stats.bytes = files.bytes;
                Ok((ids, stats, std::mem::take(&mut ing.reused_packs)))
            });
            drop(ing); // closes the work queue
            for t in threads {
                let _ = t.join();
            }
            res
        });
        let ingest = ingest.await.map_err(join_error)?;
        let packed = packer.await.map_err(join_error)?;
        let (tree, mut stats, reused_packs) = match (ingest, packed) {
            (Err(DataError::Internal(m)), Err(e)) if m == STOPPED => return Err(e),
            (Err(e), _) => return Err(e),
            (_, Err(e)) => return Err(e),
            (Ok(i), Ok(p)) => stats_add_stored(&p, i),
        };
        if opts.kind == SnapshotKind::Full {
            for pack in &reused_packs {
                let want = index.packs.get(pack).map(|p| p.size);
                let have = self
                    .store()
                    .head(&crate::index::pack_key(pack))
                    .await?
                    .map(|m| m.size);
                if have.is_none() || have < want {
                    return Err(DataError::corrupt(
                        self.name(),
                        format!("pack {pack} holding reused chunks is missing or truncated ({have:?} of {want:?} bytes); run verify and prune, then back up again"),
                    ));
                }
            }
        }
        stats.duration_ms = started.elapsed().as_millis() as u64;
        let mut snap = Snapshot {
            id: String::new(),
            time,
            source,
            host: hostname(),
            kind: opts.kind,
            parent: parent_snap.map(|p| p.id),
            tags: opts.tags,
            tree,
            stats,
            meta: std::mem::take(&mut *meta.lock().expect("meta lock")),
        };
        snap.id =
            Sha256Digest::of(&serde_json::to_vec(&snap).expect("snapshot serialises")).to_string();
        let n = self
            .put_json(&format!("snapshots/{}", snap.id), &snap)
            .await?;
        snap.stats.bytes_stored += n;
        lock.release().await?;
        tracing::info!(
            snapshot = snap.short_id(),
            files = snap.stats.files,
            new = snap.stats.chunks_new,
            "backup done"
        );
        Ok(snap)
    }
}

type IngestOut = (Vec<Sha256Digest>, SnapshotStats, HashSet<String>);

fn stats_add_stored(p: &PackerOut, i: IngestOut) -> IngestOut {
    let (tree, mut stats, reused) = i;
    stats.bytes_stored = p.stored;
    (tree, stats, reused)
}
