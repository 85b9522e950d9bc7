//! VM snapshots as [`hermes_core::Backupable`]: a backup takes a snapshot and writes a small JSON
//! manifest naming it (the data stays on the datastore, as with any vSphere snapshot); a restore
//! reads a manifest and reverts the VM to that snapshot.
//!
//! - `BackupKind::Full` snapshots the VM as it is.
//! - `BackupKind::Incremental { since }` needs the snapshot named by `since` (a full or earlier
//!   incremental backup's [`BackupInfo::checkpoint`], the snapshot's id) to still exist: the new
//!   snapshot is a delta on top of the VM's current snapshot, recorded in the manifest as `parent`.
//! - Restores go in place only ([`RestoreTarget::InPlace`]): a snapshot cannot be reverted into
//!   another VM. The snapshot must still exist (retention may have removed it: the error says so).
//!
//! The manifest is the backup stream: [`BackupInfo::sha256`] and `bytes` describe it, and an
//! artifact store keeps it like any other backup (so retention and catalogues work the same way).
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> hermes_core::Result<()> {
//! use hermes_core::{Backupable, BackupKind, RestoreTarget};
//! use hermes_vsphere::snapshot_backup::SnapshotBackup;
//! let vm = client.find_by_path("/DC0/vm/web-001").await?;
//! let b = SnapshotBackup::new(client.clone(), vm, "web-001");
//! let mut manifest = Vec::new();
//! let full = b.backup(BackupKind::Full, &mut manifest).await?;
//! println!("snapshot {} ({} bytes of manifest)", full.checkpoint, full.bytes);
//! b.restore(&mut &manifest[..], &RestoreTarget::InPlace).await?;   // revert to it
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::checksum::Sha256Digest;
use hermes_core::{
    ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, Error, ErrorKind,
    RestoreInfo, RestoreTarget,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::client::Client;
use crate::model::MoRef;

/// The manifest format name.
pub const FORMAT: &str = "hermes-vsphere-snapshot/1";
/// The largest manifest a restore reads.
const MAX_MANIFEST: u64 = 64 * 1024;

/// What a snapshot backup writes: enough to find and revert to the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotManifest {
    /// [`FORMAT`].
    pub format: String,
    /// The server.
    pub server: String,
    /// The VM's managed object id (`vm-42`).
    pub vm: String,
    /// The VM's name, as the user named it.
    pub vm_name: String,
    /// `full` or `incremental`.
    pub kind: String,
    /// The snapshot's managed object id (`snapshot-7`): the checkpoint.
    pub snapshot: String,
    /// The snapshot's name.
    pub name: String,
    /// The snapshot it is a delta on (the VM's current snapshot when taken), if any.
    pub parent: Option<String>,
    /// Whether memory was included.
    pub memory: bool,
    /// Whether the guest was quiesced.
    pub quiesce: bool,
    /// When the snapshot was taken (RFC 3339).
    pub taken: String,
}

/// A VM whose backups are snapshots.
#[derive(Debug, Clone)]
pub struct SnapshotBackup {
    client: Client,
    vm: MoRef,
    vm_name: String,
    prefix: String,
    memory: bool,
    quiesce: bool,
}

impl SnapshotBackup {
    /// Backups of `vm` (named `vm_name` in manifests and messages); snapshots are named
    /// `hermes-backup-<kind>-<UTC time>`, without memory and without quiescing (see
    /// [`SnapshotBackup::memory`], [`SnapshotBackup::quiesce`]).
    pub fn new(client: Client, vm: MoRef, vm_name: &str) -> Self {
        SnapshotBackup {
            client,
            vm,
            vm_name: vm_name.to_string(),
            prefix: "hermes-backup-".into(),
            memory: false,
            quiesce: false,
        }
    }

    /// Includes the VM's memory in the snapshots (a running VM resumes where it was on revert).
    pub fn memory(mut self, yes: bool) -> Self {
        self.memory = yes;
        self
    }

    /// Asks VMware Tools to quiesce the guest file systems while snapshotting.
    pub fn quiesce(mut self, yes: bool) -> Self {
        self.quiesce = yes;
        self
    }

    /// The snapshot name prefix (default `hermes-backup-`).
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_string();
        self
    }

    fn subject(&self) -> String {
        format!("vm {} on {}", self.vm_name, self.client.target())
    }

    fn err(&self, kind: ErrorKind, msg: String) -> Error {
        Error::new(kind, msg).with_target(self.subject())
    }
}

#[async_trait]
impl Backupable for SnapshotBackup {
    async fn backup(
        &self,
        kind: BackupKind,
        sink: &mut dyn ArtifactSink,
    ) -> hermes_core::Result<BackupInfo> {
        let started = Utc::now();
        let tree = self.client.snapshots(&self.vm).await?;
        if let BackupKind::Incremental { since } = &kind {
            if !tree.flatten().iter().any(|n| &n.snapshot.value == since) {
                return Err(self.err(
                    ErrorKind::NotFound,
                    format!(
                        "the base snapshot {since} of this incremental backup no longer exists (removed by retention?): take a full backup"
                    ),
                ));
            }
        }
        let parent = tree.current.as_ref().map(|c| c.value.clone());
        let name = format!(
            "{}{}-{}",
            self.prefix,
            kind.as_str(),
            started.format("%Y%m%dT%H%M%S%.3fZ")
        );
        let description = match &kind {
            BackupKind::Full => "Hermes full backup".to_string(),
            BackupKind::Incremental { since } => format!("Hermes incremental backup on {since}"),
        };
        let snap = self
            .client
            .create_snapshot(&self.vm, &name, &description, self.memory, self.quiesce)
            .await?;
        let finished = Utc::now();
        let manifest = SnapshotManifest {
            format: FORMAT.into(),
            server: self.client.target().to_string(),
            vm: self.vm.value.clone(),
            vm_name: self.vm_name.clone(),
            kind: kind.as_str().into(),
            snapshot: snap.value.clone(),
            name: name.clone(),
            parent: parent.clone(),
            memory: self.memory,
            quiesce: self.quiesce,
            taken: finished.to_rfc3339(),
        };
        let mut bytes = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| self.err(ErrorKind::Internal, format!("encoding the manifest: {e}")))?;
        bytes.push(b'\n');
        sink.write_all(&bytes).await?;
        sink.flush().await?;
        let mut metadata = BTreeMap::from([
            ("snapshot".to_string(), snap.value.clone()),
            ("snapshot_name".to_string(), name),
            ("vm".to_string(), self.vm.value.clone()),
        ]);
        if let Some(p) = parent {
            metadata.insert("parent".into(), p);
        }
        Ok(BackupInfo {
            source: self.subject(),
            kind,
            bytes: bytes.len() as u64,
            sha256: Sha256Digest::of(&bytes),
            started,
            finished,
            consistent_at: finished,
            checkpoint: snap.value,
            metadata,
        })
    }

    async fn restore(
        &self,
        source: &mut dyn ArtifactSource,
        target: &RestoreTarget,
    ) -> hermes_core::Result<RestoreInfo> {
        let started = Instant::now();
        if *target != RestoreTarget::InPlace {
            return Err(self.err(
                ErrorKind::Unsupported,
                format!(
                    "a snapshot can only be restored in place (reverting the VM), not to {target:?}: use RestoreTarget::InPlace, or clone the VM from the snapshot"
                ),
            ));
        }
        let mut bytes = Vec::new();
        (&mut *source)
            .take(MAX_MANIFEST + 1)
            .read_to_end(&mut bytes)
            .await?;
        if bytes.len() as u64 > MAX_MANIFEST {
            return Err(self.err(
                ErrorKind::Malformed,
                format!("the restore stream is over {MAX_MANIFEST} bytes: not a snapshot manifest"),
            ));
        }
        let m: SnapshotManifest = serde_json::from_slice(&bytes).map_err(|e| {
            self.err(
                ErrorKind::Malformed,
                format!("the restore stream is not a snapshot manifest ({FORMAT}): {e}"),
            )
        })?;
        if m.format != FORMAT {
            return Err(self.err(
                ErrorKind::Unsupported,
                format!("manifest format {:?} is not {FORMAT}", m.format),
            ));
        }
        if m.vm != self.vm.value {
            return Err(self.err(
                ErrorKind::InvalidInput,
                format!(
                    "the manifest is for VM {} ({}), not this one ({}): restore it with that VM's SnapshotBackup",
                    m.vm_name, m.vm, self.vm.value
                ),
            ));
        }
        let tree = self.client.snapshots(&self.vm).await?;
        let Some(node) = tree
            .flatten()
            .into_iter()
            .find(|n| n.snapshot.value == m.snapshot)
        else {
            return Err(self.err(
                ErrorKind::NotFound,
                format!(
                    "snapshot {} ({}) no longer exists on the VM (removed by retention or by hand): restore a later backup",
                    m.name, m.snapshot
                ),
            ));
        };
        self.client.revert_snapshot(&node.snapshot).await?;
        Ok(RestoreInfo {
            target: target.clone(),
            bytes: bytes.len() as u64,
            sha256: Sha256Digest::of(&bytes),
            elapsed: started.elapsed(),
        })
    }
}
