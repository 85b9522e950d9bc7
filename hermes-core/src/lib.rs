#![doc = include_str!("../README.md")]

pub mod checksum;
pub mod error;
pub mod fanout;
pub mod plan;
pub mod retry;
pub mod traits;

pub use checksum::Sha256Digest;
pub use error::{Classify, Error, ErrorKind, Idempotency, Result, Sent};
pub use fanout::{
    FanOut, FanOutReport, IndicatifProgress, ProgressEvent, ProgressSink, TaskContext,
};
pub use plan::{Action, Change, ChangeSet, FieldChange, Plan};
pub use retry::RetryPolicy;
pub use traits::{
    ApplyReport, ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, Configurable,
    ConvergeReport, Mode, Provisioner, RestoreInfo, RestoreTarget,
};
