//! The backup pipeline: walk → read → chunk → hash → (dedup) → compress/encrypt → pack → store.
//!
//! * One thread walks the source in path order and hands every file that must be read to the reading
//!   threads (one per core). A reader reads its file into large blocks, cuts chunks (FastCDC, as
//!   zero-copy slices of the block), hashes them (SHA-256 with the CPU's SHA extensions) and drops every
//!   chunk the repository already has or another reader already queued. Finished nodes are put back in
//!   walk order (a reorder window of `REORDER_WINDOW` nodes) before they enter the tree. A stream (a
//!   database dump) is read on the walking thread itself.
//! * New chunks go through a bounded channel to one compression/encryption worker per core.
//! * An async packer collects encoded chunks into packs and uploads them (two in flight), each followed
//!   by its index object; the snapshot object is written last.
//!
//! Every queue is bounded, so memory stays flat whatever the input size: per reader one block of at
//! most `4 × max chunk`, at most `(4 + 2 × workers)` chunks queued (each may pin its block), and
//! `3 × pack size` in the packer (≈ 200 MiB with the defaults, for a 10 GiB input as for a 10 MiB one),
//! plus the tree's metadata (≈ 300 bytes per file) and the chunk index (≈ 150 bytes per stored chunk).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::Utc;
use hermes_core::checksum::Sha256Hasher;
use hermes_core::{BackupInfo, BackupKind, Backupable, Sha256Digest};
use tokio::io::AsyncRead;

use crate::chunker::{Chunker, ChunkerParams};
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
    host: Option<String>,
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
            host: None,
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
    /// Records this host name in the snapshot instead of the machine's (restic's `backup --host`): for a
    /// machine renamed, or a backup made on behalf of another host. Retention groups by host by default
    /// ([`crate::group::GroupBy`]).
    pub fn host(mut self, name: impl Into<String>) -> Self {
        self.host = Some(name.into());
        self
    }
    /// The kind.
    pub fn kind(&self) -> SnapshotKind {
        self.kind
    }
}

type SharedMeta = Arc<Mutex<std::collections::BTreeMap<String, String>>>;
type Work = (Sha256Digest, Bytes);
type Encoded = (Sha256Digest, u32, Vec<u8>);

const STOPPED: &str = "the storage pipeline stopped";

/// How many nodes the tree may wait for behind one file still being read (each is ≈ 300 bytes).
const REORDER_WINDOW: u64 = 8192;

/// What the reading threads share: chunking parameters, the dedup set and the queue to the encoders.
struct Shared {
    params: ChunkerParams,
    kind: SnapshotKind,
    index: Arc<Index>,
    seen: Mutex<Seen>,
    work: SyncSender<Work>,
    /// Set when the backup fails: readers stop at their next chunk.
    abort: AtomicBool,
}

/// Chunks already stored or queued, and (full backups) the packs holding reused chunks.
struct Seen {
    known: HashSet<Sha256Digest>,
    reused_packs: HashSet<String>,
}

/// One file's or stream's share of the statistics.
#[derive(Default)]
struct Counts {
    chunks_new: u64,
    bytes_new: u64,
}

impl Shared {
    /// Chunks, hashes and submits `reader`'s content; returns the chunk ids, the whole content's
    /// SHA-256 and its size. With `whole` false the whole digest is only given when it costs nothing
    /// (empty or one-chunk content, whose digest is its chunk id): a longer content is pinned by its
    /// chunk ids, each a SHA-256, and is not hashed a second time.
    fn store_content<R: Read>(
        &self,
        reader: R,
        what: &Path,
        size_hint: Option<u64>,
        whole: bool,
    ) -> Result<(Vec<Sha256Digest>, Option<Sha256Digest>, u64, Counts)> {
        let mut hasher = whole.then(Sha256Hasher::new);
        let mut ids = Vec::new();
        let mut size = 0u64;
        let mut counts = Counts::default();
        let mut cuts = Chunker::new(reader, self.params, size_hint).peekable();
        while let Some(chunk) = cuts.next() {
            let chunk = chunk.map_err(|e| DataError::io("read", what, e))?;
            if self.abort.load(Ordering::Relaxed) {
                return Err(DataError::Internal(STOPPED.into()));
            }
            let id = Sha256Digest::of(&chunk);
            size += chunk.len() as u64;
            if ids.is_empty() && cuts.peek().is_none() {
                hasher = None;
            } else if let Some(h) = hasher.as_mut() {
                h.update(&chunk);
            }
            ids.push(id);
            let new = {
                let mut seen = self.seen.lock().expect("dedup lock");
                let new = seen.known.insert(id);
                if !new && self.kind == SnapshotKind::Full {
                    if let Some(loc) = self.index.chunks.get(&id) {
                        if !seen.reused_packs.contains(&loc.pack) {
                            seen.reused_packs.insert(loc.pack.clone());
                        }
                    }
                }
                new
            };
            if new {
                counts.chunks_new += 1;
                counts.bytes_new += chunk.len() as u64;
                self.work
                    .send((id, chunk))
                    .map_err(|_| DataError::Internal(STOPPED.into()))?;
            }
        }
        let digest = match (ids.as_slice(), hasher) {
            ([], _) => Some(Sha256Digest::of(b"")),
            ([one], _) => Some(*one),
            (_, Some(h)) => Some(h.digest()),
            (_, None) => None,
        };
        Ok((ids, digest, size, counts))
    }

    /// Reads one file into `node`; `None` when it vanished since the walk saw it.
    fn read_file(&self, mut node: Node, path: &Path) -> Result<Option<(Node, Counts)>> {
        let f = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(path = %path.display(), "file vanished during the backup; skipped");
                return Ok(None);
            }
            Err(e) => return Err(DataError::io("open", path, e)),
        };
        let (ids, digest, size, counts) = self.store_content(f, path, Some(node.size), false)?;
        node.chunks = ids;
        node.sha256 = digest;
        node.size = size;
        Ok(Some((node, counts)))
    }
}

/// A file handed to a reading thread: its place in the tree, its node (from the walk), its path.
type FileJob = (u64, Node, PathBuf);
/// A reading thread's answer.
type FileDone = (u64, Result<Option<(Node, Counts)>>);

/// The threads that read files (one per core): files are read in parallel, and their nodes are put
/// back in walk order before they enter the tree.
struct FileReaders {
    jobs: Option<SyncSender<FileJob>>,
    done: Receiver<FileDone>,
    threads: Vec<std::thread::JoinHandle<()>>,
    pending: usize,
}

impl FileReaders {
    fn start(shared: &Arc<Shared>, n: usize) -> Self {
        let (jobs, job_rx) = sync_channel::<FileJob>(2 * n);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done) = std::sync::mpsc::channel::<FileDone>();
        let threads = (0..n)
            .map(|_| {
                let (shared, job_rx, done_tx) = (shared.clone(), job_rx.clone(), done_tx.clone());
                std::thread::spawn(move || loop {
                    let next = job_rx.lock().expect("job queue lock").recv();
                    let Ok((seq, node, path)) = next else { break };
                    let res = shared.read_file(node, &path);
                    let failed = res.is_err();
                    if done_tx.send((seq, res)).is_err() || failed {
                        break;
                    }
                })
            })
            .collect();
        FileReaders {
            jobs: Some(jobs),
            done,
            threads,
            pending: 0,
        }
    }
}

/// The producing side of the pipeline (runs on a blocking thread): takes nodes in walk order, has
/// files read by [`FileReaders`], streams inline, and writes the tree in order.
pub(crate) struct Ingest {
    shared: Arc<Shared>,
    tree: Vec<u8>,
    stats: SnapshotStats,
    parent: HashMap<String, Node>,
    readers: Option<FileReaders>,
    /// Sequence number of the next node handed in.
    next: u64,
    /// Sequence number of the next node to write into the tree.
    written: u64,
    /// Nodes finished out of order (`None`: a file that vanished), waiting for the ones before them.
    ready: BTreeMap<u64, Option<Node>>,
}

impl Ingest {
    /// An ingest deduplicating against `index` (every chunk in it counts as stored), sending new
    /// chunks to `work`; `parent` holds the parent snapshot's files (incremental backups).
    fn new(
        params: ChunkerParams,
        kind: SnapshotKind,
        index: Arc<Index>,
        work: SyncSender<Work>,
        parent: HashMap<String, Node>,
    ) -> Self {
        let shared = Arc::new(Shared {
            params,
            kind,
            seen: Mutex::new(Seen {
                known: index.chunks.keys().copied().collect(),
                reused_packs: HashSet::new(),
            }),
            index,
            work,
            abort: AtomicBool::new(false),
        });
        Ingest {
            shared,
            tree: Vec::new(),
            stats: SnapshotStats::default(),
            parent,
            readers: None,
            next: 0,
            written: 0,
            ready: BTreeMap::new(),
        }
    }

    fn push_node(&mut self, node: Node) {
        let seq = self.next;
        self.next += 1;
        self.ready.insert(seq, Some(node));
        self.write_ready();
    }

    /// Writes every node whose predecessors are all written.
    fn write_ready(&mut self) {
        while let Some(node) = self.ready.remove(&self.written) {
            self.written += 1;
            let Some(node) = node else { continue };
            serde_json::to_writer(&mut self.tree, &node).expect("node serialises");
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
    }

    fn count(&mut self, counts: &Counts, size: u64) {
        self.stats.files_read += 1;
        self.stats.bytes_read += size;
        self.stats.chunks_new += counts.chunks_new;
        self.stats.bytes_new += counts.bytes_new;
    }

    /// Takes one reader's answer (waiting for it when `block`); `false` when none was there.
    fn collect(&mut self, block: bool) -> Result<bool> {
        let Some(r) = self.readers.as_mut() else {
            return Ok(false);
        };
        if r.pending == 0 {
            return Ok(false);
        }
        let next = if block {
            r.done.recv().ok()
        } else {
            r.done.try_recv().ok()
        };
        let Some((seq, res)) = next else {
            if block {
                return Err(DataError::Internal(STOPPED.into()));
            }
            return Ok(false);
        };
        r.pending -= 1;
        let node = match res? {
            Some((node, counts)) => {
                self.count(&counts, node.size);
                Some(node)
            }
            None => None,
        };
        self.ready.insert(seq, node);
        self.write_ready();
        Ok(true)
    }

    /// Adds a file, reusing the parent's chunks when it is unchanged (incremental only); changed and
    /// new files are read by the reading threads.
    pub(crate) fn add_file(&mut self, mut node: Node, path: &Path) -> Result<()> {
        if self.shared.kind == SnapshotKind::Incremental {
            if let Some(p) = self.parent.get(&node.path) {
                if node.unchanged_since(p) && p.chunks.iter().all(|c| self.shared.index.contains(c))
                {
                    node.chunks = p.chunks.clone();
                    node.sha256 = p.sha256;
                    self.push_node(node);
                    return Ok(());
                }
            }
        }
        let seq = self.next;
        self.next += 1;
        let shared = &self.shared;
        let readers = self.readers.get_or_insert_with(|| {
            let n = std::thread::available_parallelism().map_or(2, |n| n.get());
            FileReaders::start(shared, n)
        });
        let sent = readers
            .jobs
            .as_ref()
            .expect("jobs open until finish")
            .send((seq, node, path.to_path_buf()));
        if sent.is_err() {
            // Every reader stopped: the first failure is waiting in their answers.
            while self.collect(true)? {}
            return Err(DataError::Internal(STOPPED.into()));
        }
        readers.pending += 1;
        while self.collect(false)? {}
        while self.next - self.written > REORDER_WINDOW && self.collect(true)? {}
        Ok(())
    }

    /// Adds a named stream (read on this thread).
    pub(crate) fn add_stream<R: Read>(&mut self, name: &str, reader: R) -> Result<Node> {
        let (ids, digest, size, counts) =
            self.shared
                .store_content(reader, Path::new(name), None, true)?;
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
            sha256: digest,
        };
        self.count(&counts, size);
        self.push_node(node.clone());
        Ok(node)
    }

    /// Waits for every file still being read and stops the reading threads.
    fn finish(&mut self) -> Result<()> {
        if let Some(r) = self.readers.as_mut() {
            r.jobs = None;
        }
        while self.collect(true)? {}
        if let Some(r) = self.readers.take() {
            for t in r.threads {
                let _ = t.join();
            }
        }
        debug_assert!(self.ready.is_empty());
        Ok(())
    }
}

impl Drop for Ingest {
    fn drop(&mut self) {
        // On failure: readers stop at their next chunk instead of reading on.
        if let Some(r) = self.readers.take() {
            self.shared.abort.store(true, Ordering::Relaxed);
            drop(r.jobs);
            drop(r.done);
            for t in r.threads {
                let _ = t.join();
            }
        }
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
            ing.push_node(node_of(rel, &md, NodeKind::Dir));
        } else if ft.is_symlink() {
            let mut node = node_of(rel, &md, NodeKind::Symlink);
            let target = std::fs::read_link(entry.path())
                .map_err(|e| DataError::io("read link", entry.path(), e))?;
            node.link = Some(target.to_string_lossy().into_owned());
            ing.push_node(node);
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

        let mut ing = Ingest::new(
            self.config().chunker,
            opts.kind,
            index.clone(),
            work_tx,
            parent,
        );
        let ingest = tokio::task::spawn_blocking(move || {
            let res = producer(&mut ing)
                .and_then(|()| ing.finish())
                .and_then(|()| {
                    let tree = std::mem::take(&mut ing.tree);
                    let (ids, _, _, counts) =
                        ing.shared
                            .store_content(&tree[..], Path::new("<tree>"), None, false)?;
                    // The tree is metadata: its chunks count as stored, not as files read.
                    let mut stats = ing.stats.clone();
                    stats.chunks_new += counts.chunks_new;
                    stats.bytes_new += counts.bytes_new;
                    let reused = std::mem::take(
                        &mut ing.shared.seen.lock().expect("dedup lock").reused_packs,
                    );
                    Ok((ids, stats, reused))
                });
            drop(ing); // closes the work queue (after the readers stopped)
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
            host: opts.host.unwrap_or_else(hostname),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An ingest with its encoder side replaced by a plain queue (the test drains it).
    fn ingest(kind: SnapshotKind) -> (Ingest, Receiver<Work>) {
        let (work, rx) = sync_channel(1 << 16);
        let params = ChunkerParams {
            min: 64 * 1024,
            avg: 256 * 1024,
            max: 1024 * 1024,
        };
        let ing = Ingest::new(
            params,
            kind,
            Arc::new(Index::default()),
            work,
            HashMap::new(),
        );
        (ing, rx)
    }

    fn file_node(dir: &Path, name: &str) -> Node {
        let md = std::fs::symlink_metadata(dir.join(name)).unwrap();
        node_of(name.to_string(), &md, NodeKind::File)
    }

    #[test]
    fn files_read_in_parallel_enter_the_tree_in_walk_order_with_exact_digests() {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = fastrand::Rng::with_seed(11);
        // Big files first, so that later small ones finish before them.
        let sizes: Vec<usize> = (0..300)
            .map(|i| match i % 50 {
                0 => 3_000_000 + rng.usize(..2_000_000),
                1 => 0,
                _ => rng.usize(1..40_000),
            })
            .collect();
        let (mut ing, work) = ingest(SnapshotKind::Full);
        let mut expected = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let name = format!("f{i:04}");
            let data: Vec<u8> = (0..*size).map(|_| rng.u8(..)).collect();
            std::fs::write(dir.path().join(&name), &data).unwrap();
            if i % 7 == 0 {
                ing.push_node(Node {
                    kind: NodeKind::Dir,
                    ..file_node(dir.path(), ".")
                });
                expected.push((".".into(), Vec::new()));
            }
            expected.push((name.clone(), data));
            ing.add_file(file_node(dir.path(), &name), &dir.path().join(&name))
                .unwrap();
        }
        ing.finish().unwrap();
        let nodes: Vec<Node> = ing
            .tree
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(ing.stats.files, 300);
        assert_eq!(ing.stats.files_read, 300);
        let total: u64 = sizes.iter().map(|s| *s as u64).sum();
        assert_eq!(ing.stats.bytes_read, total);
        // Every new chunk was queued exactly once.
        drop(ing);
        let queued: Vec<Work> = work.try_iter().collect();
        let queued_len = queued.len();
        let queued: HashMap<Sha256Digest, Bytes> = queued.into_iter().collect();
        assert_eq!(queued.len(), queued_len);
        assert_eq!(nodes.len(), expected.len());
        let mut several = 0;
        for (n, (name, data)) in nodes.iter().zip(&expected) {
            assert_eq!(&n.path, name);
            if n.kind != NodeKind::File {
                continue;
            }
            // The chunks hold the file exactly; the whole digest is recorded when it is free.
            let joined: Vec<u8> = n.chunks.iter().flat_map(|c| queued[c].to_vec()).collect();
            assert!(joined == *data && n.size == data.len() as u64, "{name}");
            if n.chunks.len() > 1 {
                several += 1;
                assert_eq!(n.sha256, None, "{name}");
            } else {
                assert_eq!(n.sha256, Some(Sha256Digest::of(data)), "{name}");
            }
        }
        assert!(several >= 6, "{several}");
    }

    #[test]
    fn a_file_that_cannot_be_read_fails_the_backup_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"fine").unwrap();
        std::fs::create_dir(dir.path().join("b")).unwrap();
        let (mut ing, _work) = ingest(SnapshotKind::Full);
        ing.add_file(file_node(dir.path(), "a"), &dir.path().join("a"))
            .unwrap();
        // A directory where a file was walked (replaced in between): opening works, reading fails.
        let mut node = file_node(dir.path(), "a");
        node.path = "b".into();
        let mut res = ing.add_file(node, &dir.path().join("b"));
        if res.is_ok() {
            res = ing.finish();
        }
        let err = res.unwrap_err().to_string();
        assert!(
            err.contains(&dir.path().join("b").display().to_string()),
            "{err}"
        );
        assert!(err.contains("read"), "{err}");
    }
}
