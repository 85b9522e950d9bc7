//! The index: where each chunk lives (pack, offset, stored length).
//!
//! One index object per pack (`index/<pack id>`), written after its pack, so a crash leaves at worst a
//! pack nobody references (removed by prune), never an index entry pointing at nothing.

use std::collections::HashMap;

use hermes_core::Sha256Digest;
use serde::{Deserialize, Serialize};

/// One chunk inside a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobEntry {
    /// The chunk id (SHA-256 of its plain content).
    pub id: Sha256Digest,
    /// Offset in the pack.
    pub offset: u64,
    /// Stored (encoded) length.
    pub length: u32,
    /// Plain length.
    pub raw_length: u32,
}

/// The index object of one pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackIndex {
    /// The pack id (SHA-256 of the pack's bytes, hex).
    pub pack: String,
    /// The pack's size.
    pub size: u64,
    /// Its chunks in order.
    pub blobs: Vec<BlobEntry>,
}

/// Where a chunk is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Pack id.
    pub pack: String,
    /// Offset in the pack.
    pub offset: u64,
    /// Stored length.
    pub length: u32,
    /// Plain length.
    pub raw_length: u32,
}

/// The in-memory index of a repository.
#[derive(Debug, Default, Clone)]
pub struct Index {
    /// Chunk → location.
    pub chunks: HashMap<Sha256Digest, Location>,
    /// Pack → its index.
    pub packs: HashMap<String, PackIndex>,
}

impl Index {
    /// Adds a pack's entries.
    pub fn add(&mut self, pi: PackIndex) {
        for b in &pi.blobs {
            self.chunks.entry(b.id).or_insert(Location {
                pack: pi.pack.clone(),
                offset: b.offset,
                length: b.length,
                raw_length: b.raw_length,
            });
        }
        self.packs.insert(pi.pack.clone(), pi);
    }

    /// Whether the chunk is stored.
    pub fn contains(&self, id: &Sha256Digest) -> bool {
        self.chunks.contains_key(id)
    }
}

/// The store key of a pack.
pub fn pack_key(pack: &str) -> String {
    format!("data/{}/{}", &pack[..2], pack)
}

/// The store key of a pack's index.
pub fn index_key(pack: &str) -> String {
    format!("index/{pack}")
}
