#![doc = include_str!("../README.md")]

pub mod artifact;
pub mod backup;
pub mod blob;
pub mod chunker;
pub mod crypto;
pub mod error;
pub mod index;
pub mod lock;
pub mod repository;
pub mod restore;
pub mod snapshot;
pub mod tree;

pub use backup::BackupOptions;
pub use error::{DataError, Result};
pub use repository::{InitOptions, RepoConfig, Repository};
pub use restore::RestoreStats;
pub use snapshot::{Snapshot, SnapshotKind, SnapshotStats};
