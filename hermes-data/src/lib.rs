#![doc = include_str!("../README.md")]

pub use hermes_core::artifact;
pub mod backup;
pub mod blob;
pub mod chunker;
pub mod copy;
pub mod crypto;
pub mod error;
pub mod group;
pub mod index;
pub mod lock;
pub mod prune;
pub mod repository;
pub mod restore;
pub mod s3;
pub mod scheduler;
pub mod snapshot;
pub mod source;
pub mod tree;
pub mod verify;

pub use backup::BackupOptions;
pub use copy::CopyReport;
pub use crypto::Cipher;
pub use error::{DataError, Result};
pub use group::{GroupBy, GroupKey, SnapshotFilter};
pub use prune::{ForgetGroup, ForgetOptions, ForgetReport, PruneReport};
pub use repository::{InitOptions, RepoConfig, Repository};
pub use restore::RestoreStats;
pub use s3::{S3Config, S3Store};
pub use snapshot::{Snapshot, SnapshotKind, SnapshotStats};
pub use verify::{Damage, VerifyReport};
