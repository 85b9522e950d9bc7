//! The three verbs every domain crate implements: [`Provisioner`], [`Configurable`], [`Backupable`].
//!
//! A switch, a VM fleet and a database are driven alike: plan (or diff) first, show it, then make it so,
//! then check. Each trait has few required methods and provided ones built on them; the contract each
//! implementation must honour is checked by the generic helpers in [`crate::contract`].

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::checksum::Sha256Digest;
use crate::error::{Error, Result};
use crate::plan::{ChangeSet, Plan};

/// Whether an operation only shows what it would do, or does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Compute and show the change set; touch nothing.
    DryRun,
    /// Apply the change set.
    #[default]
    Apply,
}

/// What an apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// The target.
    pub target: String,
    /// How many changes of the change set were applied (in order) before the end or the first error.
    pub applied: usize,
    /// Lines the target printed back that are worth showing (warnings), in order.
    pub output: Vec<String>,
    /// Whether the target must be restarted for the changes to take effect (BIOS settings, some
    /// firmware and kernel options).
    pub restart_required: bool,
}

/// The outcome of [`Configurable::converge`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvergeReport {
    /// The change set computed against the live state.
    pub plan: ChangeSet,
    /// What was applied (`None` in dry-run mode or when there was nothing to do).
    pub applied: Option<ApplyReport>,
    /// Whether the read-back after applying matched the desired model (`false` in dry-run mode).
    pub verified: bool,
}

/// Something whose configuration can be read, diffed against a desired model and changed minimally.
///
/// Implemented for switches and firewalls, ESXi host settings, BIOS attributes, RabbitMQ policies...
/// The contract ([`crate::contract::check_configurable`]): `diff` is pure and returns an empty change set
/// when live equals desired; a dry run touches nothing; after `apply`, `read` returns the desired model;
/// a second converge applies nothing.
///
/// ```no_run
/// # async fn demo<D: hermes_core::Configurable>(device: &D, want: D::Model) -> hermes_core::Result<()> {
/// use hermes_core::Mode;
/// let preview = device.converge(&want, Mode::DryRun).await?;   // read + diff, nothing sent
/// println!("{}", preview.plan);
/// let done = device.converge(&want, Mode::Apply).await?;       // apply + read back + check
/// assert!(done.verified);
/// # Ok(()) }
/// ```
#[async_trait]
pub trait Configurable: Send + Sync {
    /// The typed configuration (live or desired).
    type Model: Clone + PartialEq + Debug + Send + Sync;

    /// The target's name, as used in plans, logs and errors.
    fn target(&self) -> String;

    /// Reads the live configuration and parses it into the model.
    async fn read(&self) -> Result<Self::Model>;

    /// The ordered change set that turns `live` into `want`. Pure: no I/O.
    fn diff(&self, live: &Self::Model, want: &Self::Model) -> ChangeSet;

    /// Applies a change set in order, stopping at the first error (the error names the change that
    /// failed; implementations roll back where the target supports it).
    async fn apply(&self, changes: &ChangeSet) -> Result<ApplyReport>;

    /// Reads the live state and diffs it against `want`.
    async fn plan(&self, want: &Self::Model) -> Result<ChangeSet> {
        let live = self.read().await?;
        Ok(self.diff(&live, want))
    }

    /// Plans; in [`Mode::Apply`], applies the changes and reads back to check that the live state now
    /// equals `want` (a mismatch is [`crate::ErrorKind::VerificationFailed`] with the remaining diff).
    async fn converge(&self, want: &Self::Model, mode: Mode) -> Result<ConvergeReport> {
        let plan = self.plan(want).await?;
        if mode == Mode::DryRun || plan.is_empty() {
            let verified = mode == Mode::Apply;
            return Ok(ConvergeReport {
                plan,
                applied: None,
                verified,
            });
        }
        let report = self.apply(&plan).await?;
        if report.restart_required {
            // The new settings only show after a restart: the read-back cannot be compared yet.
            return Ok(ConvergeReport {
                plan,
                applied: Some(report),
                verified: false,
            });
        }
        let after = self.read().await?;
        let rest = self.diff(&after, want);
        if rest.has_changes() {
            return Err(Error::verification(format!(
                "after applying {} change(s), the live configuration still differs from the desired one:\n{}",
                report.applied,
                rest.render()
            ))
            .with_target(self.target()));
        }
        Ok(ConvergeReport {
            plan,
            applied: Some(report),
            verified: true,
        })
    }
}

/// Something that brings resources into existence from a typed spec, idempotently.
///
/// Implemented for an ESXi host install, a VM fleet, a replica set, a queue topology. The contract
/// ([`crate::contract::check_provisioner`]): `plan` touches nothing; `provision` makes the spec true and
/// resumes a partial earlier run; after it, `plan` shows no changes and a second `provision` changes
/// nothing.
///
/// ```no_run
/// # async fn demo<P: hermes_core::Provisioner>(p: &P, spec: P::Spec) -> hermes_core::Result<()> {
/// let plan = p.plan(&spec).await?;
/// println!("{plan}");
/// if plan.has_changes() {
///     let _resource = p.provision(&spec).await?;
/// }
/// # Ok(()) }
/// ```
#[async_trait]
pub trait Provisioner: Send + Sync {
    /// The typed description of what should exist.
    type Spec: Send + Sync;
    /// What exists after provisioning (handles, addresses, ids).
    type Resource: Send + Sync;

    /// What would be created, changed or kept. Touches nothing.
    async fn plan(&self, spec: &Self::Spec) -> Result<Plan>;

    /// Makes the spec true; idempotent; resumes a partial earlier run.
    async fn provision(&self, spec: &Self::Spec) -> Result<Self::Resource>;
}

/// Full or incremental.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BackupKind {
    /// Everything, independent of earlier backups.
    Full,
    /// Only what changed since `since` (the [`BackupInfo::checkpoint`] of an earlier backup).
    Incremental {
        /// The checkpoint the increment starts from.
        since: String,
    },
}

impl BackupKind {
    /// `"full"` or `"incremental"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BackupKind::Full => "full",
            BackupKind::Incremental { .. } => "incremental",
        }
    }
}

/// Where a backup stream is written: any async writer (a file, an artifact store upload, a pipe).
pub trait ArtifactSink: AsyncWrite + Send + Unpin {}
impl<T: AsyncWrite + Send + Unpin + ?Sized> ArtifactSink for T {}

/// Where a backup stream is read from on restore.
pub trait ArtifactSource: AsyncRead + Send + Unpin {}
impl<T: AsyncRead + Send + Unpin + ?Sized> ArtifactSource for T {}

/// What a backup produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// The source, as users name it (`pg://127.0.0.1:5432/app`, `/srv/data`).
    pub source: String,
    /// Full or incremental (with its base checkpoint).
    pub kind: BackupKind,
    /// Bytes written to the sink.
    pub bytes: u64,
    /// SHA-256 of the bytes written to the sink.
    pub sha256: Sha256Digest,
    /// When the backup started.
    pub started: DateTime<Utc>,
    /// When the backup finished.
    pub finished: DateTime<Utc>,
    /// The instant the backed-up data is consistent as of (for RPO).
    pub consistent_at: DateTime<Utc>,
    /// An opaque position to start the next incremental from (a WAL LSN, a byte offset, a snapshot id).
    pub checkpoint: String,
    /// Source-specific facts (server version, row counts, file counts).
    pub metadata: BTreeMap<String, String>,
}

/// Where a restore goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "to")]
pub enum RestoreTarget {
    /// Into the source itself (overwrites).
    InPlace,
    /// Into a directory (a scratch tree, a new cluster's data directory).
    Directory {
        /// The directory.
        path: PathBuf,
    },
    /// Into another service instance (`postgres://127.0.0.1:55432/drill`, `redis://127.0.0.1:6390`).
    Endpoint {
        /// The instance's address or URL.
        url: String,
    },
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreInfo {
    /// Where it went.
    pub target: RestoreTarget,
    /// Bytes read from the source stream.
    pub bytes: u64,
    /// SHA-256 of the bytes read (compare with [`BackupInfo::sha256`]).
    pub sha256: Sha256Digest,
    /// How long the restore took.
    pub elapsed: Duration,
}

/// Something that streams a consistent backup of itself and restores from one.
///
/// Implemented for PostgreSQL, MongoDB, Redis, a directory, VM snapshots. Streams are never buffered
/// whole. The contract ([`crate::contract::check_backupable`]): a full backup restored into a scratch
/// target reproduces the source; an incremental on top of it reproduces later changes; the checksum in
/// [`BackupInfo`] is the checksum of the bytes written.
///
/// ```no_run
/// # async fn demo<B: hermes_core::Backupable>(db: &B) -> hermes_core::Result<()> {
/// use hermes_core::{BackupKind, RestoreTarget};
/// let mut file = tokio::fs::File::create("/var/backups/full.bin").await?;
/// let info = db.backup(BackupKind::Full, &mut file).await?;
/// println!("{} bytes, sha256 {}", info.bytes, info.sha256);
/// let mut input = tokio::fs::File::open("/var/backups/full.bin").await?;
/// db.restore(&mut input, &RestoreTarget::Directory { path: "/tmp/scratch".into() }).await?;
/// # Ok(()) }
/// ```
#[async_trait]
pub trait Backupable: Send + Sync {
    /// Streams a backup of `kind` into `sink`.
    async fn backup(&self, kind: BackupKind, sink: &mut dyn ArtifactSink) -> Result<BackupInfo>;

    /// Restores from a stream (a full backup, or a full followed by its increments, as the implementation
    /// documents) into `target`.
    async fn restore(
        &self,
        source: &mut dyn ArtifactSource,
        target: &RestoreTarget,
    ) -> Result<RestoreInfo>;
}
