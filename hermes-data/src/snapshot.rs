//! Snapshots: small typed metadata pointing at a tree.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hermes_core::Sha256Digest;
use serde::{Deserialize, Serialize};

/// Full (every file read, every reused chunk's pack checked) or incremental (unchanged files skipped by
/// size, mtime and inode against the parent snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotKind {
    /// Every file read.
    Full,
    /// Unchanged files skipped.
    Incremental,
}

impl SnapshotKind {
    /// `"full"` or `"incremental"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotKind::Full => "full",
            SnapshotKind::Incremental => "incremental",
        }
    }
}

/// Sizes and counts of a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotStats {
    /// Files (and streams) in the snapshot.
    pub files: u64,
    /// Directories.
    pub dirs: u64,
    /// Bytes of file content in the snapshot.
    pub bytes: u64,
    /// Files read this time (the rest were reused from the parent).
    pub files_read: u64,
    /// Bytes read this time.
    pub bytes_read: u64,
    /// New chunks stored.
    pub chunks_new: u64,
    /// Raw bytes of the new chunks.
    pub bytes_new: u64,
    /// Bytes added to the repository (packs + indexes + tree), after compression.
    pub bytes_stored: u64,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// One snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Its id (hex SHA-256 of its own JSON before the id was set).
    #[serde(default)]
    pub id: String,
    /// When the backup started (the data is consistent as of then).
    pub time: DateTime<Utc>,
    /// What was backed up (`dir:/srv/data`, `postgres://127.0.0.1:5432/app`).
    pub source: String,
    /// The host that made it.
    pub host: String,
    /// Full or incremental.
    pub kind: SnapshotKind,
    /// The snapshot it was compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Free-form tags (`daily`, `weekly`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// The tree's chunks (JSON lines of [`crate::tree::Node`]).
    pub tree: Vec<Sha256Digest>,
    /// Sizes and counts.
    pub stats: SnapshotStats,
    /// Source-specific facts (server version, row counts, the stream's checksum).
    #[serde(default)]
    pub meta: BTreeMap<String, String>,
}

impl Snapshot {
    /// The first 8 hex characters of the id.
    pub fn short_id(&self) -> &str {
        &self.id[..self.id.len().min(8)]
    }
}
