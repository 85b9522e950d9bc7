//! What a snapshot contains: one [`Node`] per file, directory, symlink or stream, in path order.
//!
//! A snapshot's tree is stored like file content (JSON lines, chunked, deduplicated, compressed and
//! encrypted), so a second snapshot of a mostly unchanged tree costs little metadata.

use hermes_core::Sha256Digest;
use serde::{Deserialize, Serialize};

/// The kind of a tree entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (its target in [`Node::link`]).
    Symlink,
    /// A named byte stream (a pg_dump, an RDB file) with no file-system metadata.
    Stream,
}

/// One entry of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Path relative to the snapshot root, `/`-separated (a stream's name for streams).
    pub path: String,
    /// The kind.
    pub kind: NodeKind,
    /// Unix permission bits (incl. setuid/setgid/sticky).
    #[serde(default)]
    pub mode: u32,
    /// Modification time, nanoseconds since the epoch.
    #[serde(default)]
    pub mtime_ns: i64,
    /// Size in bytes (files and streams).
    #[serde(default)]
    pub size: u64,
    /// Inode number at backup time (for the incremental skip).
    #[serde(default)]
    pub inode: u64,
    /// Owner uid.
    #[serde(default)]
    pub uid: u32,
    /// Owner gid.
    #[serde(default)]
    pub gid: u32,
    /// Symlink target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Content chunks, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chunks: Vec<Sha256Digest>,
    /// SHA-256 of the whole content: always for streams and for files of at most one chunk (where it
    /// is the chunk id); not for a file of several chunks, whose content is pinned by its chunk ids
    /// (each the SHA-256 of its bytes), so it is not hashed twice on backup.
    /// [`crate::Repository::verify_restored`] checks restored files chunk by chunk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Sha256Digest>,
}

impl Node {
    /// Whether the incremental backup may reuse `parent`'s chunks for this entry without reading it.
    pub fn unchanged_since(&self, parent: &Node) -> bool {
        self.kind == NodeKind::File
            && parent.kind == NodeKind::File
            && self.size == parent.size
            && self.mtime_ns == parent.mtime_ns
            && self.inode == parent.inode
            && (parent.sha256.is_some() || !parent.chunks.is_empty())
    }
}
