//! Restores: a snapshot's tree into a directory (byte-exact, metadata kept, every file's SHA-256
//! checked), or a stream entry into a writer or a [`Backupable`]'s restore.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hermes_core::checksum::{HashingReader, Sha256Hasher};
use hermes_core::{Backupable, RestoreInfo, RestoreTarget, Sha256Digest};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{join_error, DataError, Result};
use crate::index::{pack_key, Index};
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

/// A file being restored: where it goes, its node, whether it was created (or truncated) yet, and how
/// many chunk writes it still waits for.
struct FileJob {
    path: PathBuf,
    node: Node,
    created: Mutex<bool>,
    remaining: AtomicUsize,
}

/// One chunk to read from a pack and the places (file, offset) it is written to.
struct BlobJob {
    id: Sha256Digest,
    offset: u64,
    length: u32,
    targets: Vec<(usize, u64)>,
}

/// Reads of one pack: its needed chunks in pack order.
struct PackJob {
    pack: String,
    blobs: Vec<BlobJob>,
}

/// Largest single read from a pack; neighbouring chunks closer than [`GAP`] are read together.
const MAX_READ: u64 = 8 << 20;
const GAP: u64 = 1 << 20;

/// Groups every chunk occurrence of `files` by pack. Returns the pack jobs (largest first) and, per
/// file, the number of chunk writes it needs.
fn plan_packs(repo: &str, index: &Index, files: &[FileJob]) -> Result<Vec<PackJob>> {
    let mut packs: HashMap<&str, (Vec<BlobJob>, HashMap<Sha256Digest, usize>)> = HashMap::new();
    for (fi, f) in files.iter().enumerate() {
        let mut at = 0u64;
        for id in &f.node.chunks {
            let loc = index.chunks.get(id).ok_or_else(|| {
                DataError::corrupt(
                    repo,
                    format!("chunk {id} of {} is in no index", f.node.path),
                )
            })?;
            let (blobs, by_id) = packs.entry(loc.pack.as_str()).or_default();
            let i = *by_id.entry(*id).or_insert_with(|| {
                blobs.push(BlobJob {
                    id: *id,
                    offset: loc.offset,
                    length: loc.length,
                    targets: Vec::new(),
                });
                blobs.len() - 1
            });
            blobs[i].targets.push((fi, at));
            at += u64::from(loc.raw_length);
        }
        if at != f.node.size {
            return Err(DataError::corrupt(
                repo,
                format!(
                    "{}: its chunks hold {at} bytes but the snapshot records {}",
                    f.node.path, f.node.size
                ),
            ));
        }
    }
    let mut jobs: Vec<PackJob> = packs
        .into_iter()
        .map(|(pack, (mut blobs, _))| {
            blobs.sort_by_key(|b| b.offset);
            PackJob {
                pack: pack.to_string(),
                blobs,
            }
        })
        .collect();
    jobs.sort_by_key(|j| {
        std::cmp::Reverse(j.blobs.iter().map(|b| u64::from(b.length)).sum::<u64>())
    });
    Ok(jobs)
}

/// Splits a pack job's chunks into runs read with one ranged read each.
fn read_runs(blobs: &[BlobJob]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=blobs.len() {
        let split = i == blobs.len() || {
            let (first, prev, next) = (&blobs[start], &blobs[i - 1], &blobs[i]);
            let prev_end = prev.offset + u64::from(prev.length);
            next.offset > prev_end + GAP
                || next.offset + u64::from(next.length) - first.offset > MAX_READ
        };
        if split {
            runs.push(start..i);
            start = i;
        }
    }
    runs
}

impl Repository {
    /// Reads one pack's needed chunks (coalesced ranged reads), checks each, writes it wherever it
    /// goes and finishes every file whose last chunk this was. Returns the bytes written.
    fn restore_pack(
        &self,
        job: &PackJob,
        files: &[FileJob],
        rt: &tokio::runtime::Handle,
    ) -> Result<u64> {
        use std::os::unix::fs::FileExt;
        let mut written = 0;
        let mut open: HashMap<usize, std::fs::File> = HashMap::new();
        for run in read_runs(&job.blobs) {
            let blobs = &job.blobs[run];
            let base = blobs[0].offset;
            let last = &blobs[blobs.len() - 1];
            let span = last.offset + u64::from(last.length) - base;
            let raw = rt.block_on(self.inner.store.get_range(&pack_key(&job.pack), base, span))?;
            for b in blobs {
                let affected = || {
                    let mut names: Vec<&str> = b
                        .targets
                        .iter()
                        .map(|t| files[t.0].node.path.as_str())
                        .collect();
                    names.dedup();
                    names.join(", ")
                };
                let at = (b.offset - base) as usize;
                let Some(stored) = raw.get(at..at + b.length as usize) else {
                    return Err(DataError::corrupt(
                        self.name(),
                        format!(
                            "pack {} is truncated: chunk {} is missing (file {})",
                            job.pack,
                            b.id,
                            affected()
                        ),
                    ));
                };
                let plain = self
                    .decode(&format!("chunk {} in pack {}", b.id, job.pack), stored)
                    .map_err(|e| match e {
                        DataError::Corrupt { repo, detail } => DataError::Corrupt {
                            repo,
                            detail: format!("{detail} (file {})", affected()),
                        },
                        e => e,
                    })?;
                if Sha256Digest::of(&plain) != b.id {
                    return Err(DataError::corrupt(
                        self.name(),
                        format!(
                            "chunk {} in pack {} has the wrong content (file {})",
                            b.id,
                            job.pack,
                            affected()
                        ),
                    ));
                }
                for &(fi, offset) in &b.targets {
                    let f = &files[fi];
                    let handle = match open.entry(fi) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            // The first writer creates (truncates) the file; later ones open it.
                            let mut created = f.created.lock().expect("file lock");
                            let file = if *created {
                                std::fs::OpenOptions::new().write(true).open(&f.path)
                            } else {
                                std::fs::File::create(&f.path)
                            }
                            .map_err(|e| DataError::io("create", &f.path, e))?;
                            *created = true;
                            e.insert(file)
                        }
                    };
                    handle
                        .write_all_at(&plain, offset)
                        .map_err(|e| DataError::io("write", &f.path, e))?;
                    written += plain.len() as u64;
                    if f.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        open.remove(&fi);
                        apply_meta(&f.path, &f.node, false)?;
                    }
                }
            }
        }
        Ok(written)
    }

    /// Restores a snapshot's tree into `target` (created if missing; existing files are overwritten).
    ///
    /// Pack-oriented, as restic's restorer: every needed chunk of a pack is read with a few coalesced
    /// ranged reads, authenticated (with a key), decoded, checked against its SHA-256 address and
    /// written at its offsets in every file that holds it, by parallel workers; a file gets its
    /// mode, owner and mtime once its last chunk is in. A damaged chunk stops the restore with an
    /// error naming the pack and the files it belongs to.
    pub async fn restore_dir(
        &self,
        snap: &Snapshot,
        target: impl AsRef<Path>,
    ) -> Result<RestoreStats> {
        let started = Instant::now();
        let root = target.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| DataError::io("create", &root, e))?;
        let index = self.load_index().await?;
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
                NodeKind::File | NodeKind::Stream => {
                    let remaining = AtomicUsize::new(node.chunks.len());
                    files.push(FileJob {
                        path,
                        node,
                        created: Mutex::new(false),
                        remaining,
                    })
                }
            }
        }
        let jobs = plan_packs(self.name(), &index, &files)?;
        // Empty files now; the others are created (or truncated) by the first worker that writes one of
        // their chunks, so that creating thousands of inodes overlaps with reading and decoding.
        for f in files.iter().filter(|f| f.node.chunks.is_empty()) {
            std::fs::File::create(&f.path).map_err(|e| DataError::io("create", &f.path, e))?;
            apply_meta(&f.path, &f.node, false)?;
        }
        stats.files = files.len() as u64;
        let files = Arc::new(files);
        let queue = Arc::new(Mutex::new(jobs));
        // Four workers per core: a worker often waits on the kernel (creating inodes, writing back),
        // and the next one keeps the core busy. At most 16, each holding one read (≤ 8 MiB) and
        // one decoded chunk (≤ 4 MiB by default).
        let workers =
            (std::thread::available_parallelism().map_or(2, |n| n.get()) * 4).clamp(4, 16);
        let rt = tokio::runtime::Handle::current();
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (queue, files, repo, rt) = (queue.clone(), files.clone(), self.clone(), rt.clone());
            tasks.push(tokio::task::spawn_blocking(move || -> Result<u64> {
                let mut bytes = 0;
                loop {
                    let next = queue.lock().expect("queue lock").pop();
                    let Some(job) = next else { break };
                    bytes += repo.restore_pack(&job, &files, &rt)?;
                }
                Ok(bytes)
            }));
        }
        let mut first_err = None;
        for t in tasks {
            match t.await.map_err(join_error)? {
                Ok(b) => stats.bytes += b,
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

    /// Re-reads every file restored from `snap` into `target` and checks it against the snapshot (as
    /// `restic restore --verify`), in parallel; returns the files checked. Each file is read once and
    /// checked chunk by chunk: every chunk's bytes against its id (its SHA-256) and length, then the
    /// file's size, and its whole SHA-256 where the snapshot records one (streams, older snapshots).
    /// A mismatch is an error naming the file and the first chunk that differs.
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// let snap = repo.snapshots().await?.pop().expect("a snapshot");
    /// repo.restore_dir(&snap, "/srv/drill").await?;
    /// let files = repo.verify_restored(&snap, "/srv/drill").await?;
    /// println!("{files} files match the snapshot");
    /// # Ok(()) }
    /// ```
    pub async fn verify_restored(&self, snap: &Snapshot, target: impl AsRef<Path>) -> Result<u64> {
        let root = target.as_ref().to_path_buf();
        let index = self.load_index().await?;
        let nodes = self.read_tree_with(&index, snap).await?;
        let mut files = Vec::new();
        for node in nodes {
            if matches!(node.kind, NodeKind::File | NodeKind::Stream) {
                let lengths = node
                    .chunks
                    .iter()
                    .map(|id| {
                        index.chunks.get(id).map(|l| l.raw_length).ok_or_else(|| {
                            DataError::corrupt(
                                self.name(),
                                format!("chunk {id} of {} is in no index; run verify", node.path),
                            )
                        })
                    })
                    .collect::<Result<Vec<u32>>>()?;
                files.push((safe_join(&root, &node.path)?, node, lengths));
            }
        }
        let n = files.len() as u64;
        let queue = Arc::new(Mutex::new(files));
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut tasks = Vec::new();
        for _ in 0..workers {
            let (queue, repo) = (queue.clone(), self.name().to_string());
            tasks.push(tokio::task::spawn_blocking(move || -> Result<()> {
                let mut buf = Vec::new();
                loop {
                    let next = queue.lock().expect("queue lock").pop();
                    let Some((path, node, lengths)) = next else {
                        break;
                    };
                    check_restored(&path, &node, &lengths, &mut buf, &repo)?;
                }
                Ok(())
            }));
        }
        let mut first_err = None;
        for t in tasks {
            if let Err(e) = t.await.map_err(join_error)? {
                queue.lock().expect("queue lock").clear();
                first_err.get_or_insert(e);
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(n),
        }
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

/// Checks one restored file against its node: each chunk (`lengths[i]` bytes) against its id, then
/// the end of the file and the size, then the whole SHA-256 if the node records one.
fn check_restored(
    path: &Path,
    node: &Node,
    lengths: &[u32],
    buf: &mut Vec<u8>,
    repo: &str,
) -> Result<()> {
    use std::io::Read;
    let mismatch = |what: String| {
        DataError::corrupt(
            repo,
            format!(
                "restored {} does not match the snapshot: {what}",
                path.display()
            ),
        )
    };
    let mut f = std::fs::File::open(path).map_err(|e| DataError::io("open", path, e))?;
    // A one-chunk file's SHA-256 is its chunk id, checked below; others are hashed whole if recorded.
    let mut whole = (node.chunks.len() != 1 && node.sha256.is_some()).then(Sha256Hasher::new);
    let mut offset = 0u64;
    for (i, (id, &len)) in node.chunks.iter().zip(lengths).enumerate() {
        buf.resize(len as usize, 0);
        let mut got = 0;
        while got < buf.len() {
            match f.read(&mut buf[got..]) {
                Ok(0) => {
                    return Err(mismatch(format!(
                        "it ends at byte {}, the snapshot holds {} bytes",
                        offset + got as u64,
                        node.size
                    )))
                }
                Ok(k) => got += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(DataError::io("read", path, e)),
            }
        }
        if Sha256Digest::of(buf) != *id {
            return Err(mismatch(format!(
                "chunk {} of {} (bytes {offset}..{}) differs",
                i + 1,
                node.chunks.len(),
                offset + len as u64
            )));
        }
        if let Some(h) = whole.as_mut() {
            h.update(buf);
        }
        offset += len as u64;
    }
    let mut extra = [0u8; 1];
    let more = loop {
        match f.read(&mut extra) {
            Ok(k) => break k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(DataError::io("read", path, e)),
        }
    };
    if more > 0 {
        return Err(mismatch(format!(
            "it is longer than the snapshot's {} bytes",
            node.size
        )));
    }
    if offset != node.size {
        return Err(mismatch(format!(
            "its chunks hold {offset} bytes, the snapshot records {}",
            node.size
        )));
    }
    if let (Some(h), Some(sha)) = (whole, node.sha256) {
        if h.digest() != sha {
            return Err(mismatch("its SHA-256 differs".into()));
        }
    }
    Ok(())
}
