#![doc = include_str!("../README.md")]

pub mod artifact;
pub mod checksum;
pub mod contract;
pub mod error;
pub mod exec;
pub mod fanout;
pub mod http;
pub mod inventory;
pub mod kvfile;
pub mod pattern;
pub mod plan;
pub mod probe;
pub mod retention;
pub mod retry;
pub mod schedule;
pub mod secret;
pub mod traits;
pub mod vault;

pub use artifact::{ArtifactMeta, ArtifactStore, LocalStore};
pub use checksum::Sha256Digest;
pub use error::{Classify, Error, ErrorKind, Idempotency, Result, Sent};
pub use fanout::{
    FanOut, FanOutReport, IndicatifProgress, ProgressEvent, ProgressSink, TaskContext,
};
pub use inventory::{Host, Inventory};
pub use plan::{Action, Change, ChangeSet, FieldChange, Plan};
pub use retention::{Dated, RetentionPolicy};
pub use retry::RetryPolicy;
pub use schedule::Schedule;
pub use secret::Secret;
pub use traits::{
    ApplyReport, ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, Configurable,
    ConvergeReport, Mode, Provisioner, RestoreInfo, RestoreTarget,
};
