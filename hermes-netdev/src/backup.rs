//! Configuration backups in an artifact store: versioned per device, stored only when the
//! configuration changed (SHA-256), and diffable version against version.
//!
//! Layout under the store (any [`ArtifactStore`]: a local directory, S3):
//!
//! ```text
//! <prefix>/<device>/<UTC timestamp>_<sha256 of the normalised text>.cfg
//! ```
//!
//! Keys sort by time, so the versions of a device are a prefix listing and the latest is the last
//! one. The SHA-256 in the key is taken over the configuration with its volatile header lines removed
//! (`!Time:`, `! Last configuration change at ...`, `Current configuration : N bytes` ...): a device
//! whose configuration did not change is not stored again even though its clock moved. The stored
//! text is the configuration exactly as the device printed it.
//!
//! [`ConfigDiff`] compares two versions through the crate's [`ConfigTree`]: a hierarchical diff
//! (changed lines shown under their parent sections; comments and separators ignored).
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use hermes_core::LocalStore;
//! use hermes_netdev::backup::{ConfigBackups, Stored};
//! let dir = std::env::temp_dir().join(format!("hermes-doc-backup-{}", std::process::id()));
//! let backups = ConfigBackups::new(LocalStore::new(&dir).unwrap(), "configs");
//! let v1 = backups.store("sw1", "hostname sw1\nvlan 10\n name users\n").await.unwrap();
//! let again = backups.store("sw1", "hostname sw1\nvlan 10\n name users\n").await.unwrap();
//! assert!(matches!(again, Stored::Unchanged(_)));
//! let v2 = backups.store("sw1", "hostname sw1\nvlan 10\n name staff\n").await.unwrap();
//! let diff = backups.diff(v1.version(), v2.version()).await.unwrap();
//! assert_eq!(diff.to_string(), "  vlan 10\n-   name users\n+   name staff\n");
//! # std::fs::remove_dir_all(&dir).ok();
//! # });
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use hermes_core::{ArtifactStore, Error, ErrorKind, Sha256Digest};

use crate::device::{CiscoDevice, FortiDevice};
use crate::nxapi::NxApi;
use crate::tree::{ConfigTree, NodeId, NodeKind, Syntax};

const STAMP: &str = "%Y%m%dT%H%M%S%3fZ";

/// Something whose running configuration can be fetched as text for a backup.
#[async_trait]
pub trait ConfigSource: Send + Sync {
    /// The device name used in keys and reports.
    fn device_name(&self) -> String;
    /// The syntax of the configuration text.
    fn syntax(&self) -> Syntax;
    /// Fetches the running configuration.
    async fn fetch_config(&self) -> crate::Result<String>;
}

#[async_trait]
impl ConfigSource for CiscoDevice {
    fn device_name(&self) -> String {
        hermes_core::Configurable::target(self)
    }
    fn syntax(&self) -> Syntax {
        Syntax::Cisco
    }
    async fn fetch_config(&self) -> crate::Result<String> {
        self.running_config().await
    }
}

#[async_trait]
impl ConfigSource for FortiDevice {
    fn device_name(&self) -> String {
        hermes_core::Configurable::target(self)
    }
    fn syntax(&self) -> Syntax {
        Syntax::FortiOs
    }
    async fn fetch_config(&self) -> crate::Result<String> {
        self.running_config().await
    }
}

#[async_trait]
impl ConfigSource for crate::fortirest::FortiRest {
    fn device_name(&self) -> String {
        self.target().to_string()
    }
    fn syntax(&self) -> Syntax {
        Syntax::FortiOs
    }
    async fn fetch_config(&self) -> crate::Result<String> {
        self.config_backup().await
    }
}

#[async_trait]
impl ConfigSource for NxApi {
    fn device_name(&self) -> String {
        self.target().to_string()
    }
    fn syntax(&self) -> Syntax {
        Syntax::Cisco
    }
    async fn fetch_config(&self) -> crate::Result<String> {
        self.running_config().await
    }
}

/// One stored version of a device's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigVersion {
    /// The device.
    pub device: String,
    /// The artifact key.
    pub key: String,
    /// When it was taken.
    pub taken: DateTime<Utc>,
    /// SHA-256 of the normalised configuration (volatile header lines removed).
    pub sha256: Sha256Digest,
}

impl ConfigVersion {
    fn from_key(device: &str, key: &str) -> Option<Self> {
        let file = key.rsplit('/').next()?.strip_suffix(".cfg")?;
        let (stamp, sha) = file.split_once('_')?;
        let taken = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
        Some(ConfigVersion {
            device: device.to_string(),
            key: key.to_string(),
            taken,
            sha256: sha.parse().ok()?,
        })
    }
}

/// What [`ConfigBackups::store`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A new version was written.
    New(ConfigVersion),
    /// The configuration equals the latest version: nothing was written; this is that version.
    Unchanged(ConfigVersion),
}

impl Stored {
    /// The version now current for the device.
    pub fn version(&self) -> &ConfigVersion {
        match self {
            Stored::New(v) | Stored::Unchanged(v) => v,
        }
    }
    /// Whether a new version was written.
    pub fn is_new(&self) -> bool {
        matches!(self, Stored::New(_))
    }
}

/// Versioned configuration backups of many devices in one artifact store.
#[derive(Debug, Clone)]
pub struct ConfigBackups {
    store: Arc<dyn ArtifactStore>,
    prefix: String,
}

/// Lines that change on every read without any configuration change: left out of the checksum
/// and of diffs.
fn volatile(line: &str) -> bool {
    let l = line.trim_start();
    const PREFIXES: &[&str] = &[
        "!Time:",
        "!Running configuration last done at:",
        "! Last configuration change at",
        "! NVRAM config last updated at",
        "! No configuration change since last restart",
        "Current configuration :",
        "Building configuration",
        "#conf_file_ver=",
        "ntp clock-period",
    ];
    PREFIXES.iter().any(|p| l.starts_with(p))
}

/// The configuration without its volatile lines (what the checksum covers).
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if !volatile(line) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

fn store_err(e: Error, what: &str) -> Error {
    e.context(what.to_string())
}

impl ConfigBackups {
    /// Backups kept under `prefix` in `store` (`<prefix>/<device>/<UTC stamp>_<sha256>.cfg`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use hermes_netdev::backup::ConfigBackups;
    /// let dir = std::env::temp_dir().join(format!("hermes-doc-backups-{}", std::process::id()));
    /// let backups = ConfigBackups::new(hermes_core::LocalStore::new(&dir).unwrap(), "configs");
    /// assert!(backups.store("sw1", "hostname sw1\n").await.unwrap().is_new());
    /// // The same configuration again, with only a volatile header changed: nothing new is stored.
    /// assert!(!backups.store("sw1", "!Time: now\nhostname sw1\n").await.unwrap().is_new());
    /// assert_eq!(backups.versions("sw1").await.unwrap().len(), 1);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # });
    /// ```
    pub fn new(store: impl ArtifactStore + 'static, prefix: &str) -> Self {
        Self::with_store(Arc::new(store), prefix)
    }

    /// Like [`ConfigBackups::new`] with a shared store.
    pub fn with_store(store: Arc<dyn ArtifactStore>, prefix: &str) -> Self {
        ConfigBackups {
            store,
            prefix: prefix.trim_matches('/').to_string(),
        }
    }

    fn device_prefix(&self, device: &str) -> String {
        if self.prefix.is_empty() {
            format!("{device}/")
        } else {
            format!("{}/{device}/", self.prefix)
        }
    }

    fn check_device(device: &str) -> hermes_core::Result<()> {
        if device.is_empty() || device.contains(['/', '\\', '\0']) || device.starts_with('.') {
            return Err(Error::invalid_input(format!(
                "device name {device:?} cannot name a backup folder: use a name without '/', '\\' or a leading '.'"
            )));
        }
        Ok(())
    }

    /// Every stored version of `device`, oldest first.
    pub async fn versions(&self, device: &str) -> hermes_core::Result<Vec<ConfigVersion>> {
        Self::check_device(device)?;
        let listed = self
            .store
            .list(&self.device_prefix(device))
            .await
            .map_err(|e| store_err(e, &format!("listing the backups of {device}")))?;
        let mut out: Vec<ConfigVersion> = listed
            .iter()
            .filter_map(|m| ConfigVersion::from_key(device, &m.key))
            .collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// The latest stored version of `device`, if any.
    pub async fn latest(&self, device: &str) -> hermes_core::Result<Option<ConfigVersion>> {
        Ok(self.versions(device).await?.pop())
    }

    /// Stores `config` as a new version of `device` unless it equals the latest one (by SHA-256 of
    /// the normalised text).
    pub async fn store(&self, device: &str, config: &str) -> hermes_core::Result<Stored> {
        let sha = Sha256Digest::of(normalise(config).as_bytes());
        let latest = self.latest(device).await?;
        if let Some(latest) = &latest {
            if latest.sha256 == sha {
                return Ok(Stored::Unchanged(latest.clone()));
            }
        }
        let mut taken = Utc::now();
        // Keys must sort after the latest one even if the clock went back or two backups fall in
        // the same millisecond.
        if let Some(latest) = &latest {
            if taken <= latest.taken {
                taken = latest.taken + chrono::Duration::milliseconds(1);
            }
        }
        let key = format!(
            "{}{}_{sha}.cfg",
            self.device_prefix(device),
            taken.format(STAMP)
        );
        self.store
            .put_bytes(&key, config.to_string().into())
            .await
            .map_err(|e| store_err(e, &format!("storing the configuration of {device}")))?;
        let version = ConfigVersion::from_key(device, &key).ok_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                format!("backup key {key} does not read back"),
            )
        })?;
        Ok(Stored::New(version))
    }

    /// Fetches the running configuration of `source` and stores it (see [`ConfigBackups::store`]).
    ///
    /// ```no_run
    /// # async fn demo(dev: hermes_netdev::device::CiscoDevice) -> hermes_core::Result<()> {
    /// use hermes_netdev::backup::ConfigBackups;
    /// let backups = ConfigBackups::new(hermes_core::LocalStore::new("/var/backups/net")?, "configs");
    /// let stored = backups.backup(&dev).await?;
    /// println!("{} {}", stored.version().key, if stored.is_new() { "new" } else { "unchanged" });
    /// # Ok(()) }
    /// ```
    pub async fn backup(&self, source: &dyn ConfigSource) -> hermes_core::Result<Stored> {
        let name = source.device_name();
        let text = source.fetch_config().await?;
        if text.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::Malformed,
                format!("{name}: the device returned an empty configuration; nothing stored"),
            )
            .with_target(name));
        }
        self.store(&name, &text).await
    }

    /// Backs up every device (one after the other; a failing device does not stop the others).
    ///
    /// ```no_run
    /// # async fn demo(a: hermes_netdev::device::CiscoDevice, b: hermes_netdev::device::FortiDevice) {
    /// use hermes_netdev::backup::{ConfigBackups, ConfigSource};
    /// let backups = ConfigBackups::new(hermes_core::LocalStore::new("/var/backups/net").unwrap(), "configs");
    /// let fleet: [&dyn ConfigSource; 2] = [&a, &b];
    /// let report = backups.backup_fleet(&fleet).await;
    /// println!("{report}");
    /// # }
    /// ```
    pub async fn backup_fleet(&self, devices: &[&dyn ConfigSource]) -> FleetBackupReport {
        let mut report = FleetBackupReport::default();
        for d in devices {
            let name = d.device_name();
            match self.backup(*d).await {
                Ok(s) => report.stored.push((name, s)),
                Err(e) => report.errors.push((name, e.to_string())),
            }
        }
        report
    }

    /// The stored text of a version.
    pub async fn read(&self, version: &ConfigVersion) -> hermes_core::Result<String> {
        let bytes = self
            .store
            .get_bytes(&version.key)
            .await
            .map_err(|e| store_err(e, &format!("reading backup {}", version.key)))?;
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            Error::new(
                ErrorKind::Malformed,
                format!("backup {} is not UTF-8 text", version.key),
            )
        })
    }

    /// The hierarchical diff from version `from` to version `to` (of the same device or not).
    pub async fn diff(
        &self,
        from: &ConfigVersion,
        to: &ConfigVersion,
    ) -> hermes_core::Result<ConfigDiff> {
        let (a, b) = (self.read(from).await?, self.read(to).await?);
        let syntax = if looks_fortios(&a) || looks_fortios(&b) {
            Syntax::FortiOs
        } else {
            Syntax::Cisco
        };
        Ok(ConfigDiff::between(&a, &b, syntax))
    }
}

fn looks_fortios(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with("config "))
}

/// What a fleet backup did, per device.
#[derive(Debug, Clone, Default)]
pub struct FleetBackupReport {
    /// Devices backed up (new version or unchanged), in order.
    pub stored: Vec<(String, Stored)>,
    /// Devices that could not be backed up, with the reason.
    pub errors: Vec<(String, String)>,
}

impl FleetBackupReport {
    /// Whether every device was backed up.
    pub fn all_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for FleetBackupReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (d, s) in &self.stored {
            let what = if s.is_new() {
                "new version"
            } else {
                "unchanged"
            };
            writeln!(f, "  {d:<12} {what:<12} {}", s.version().key)?;
        }
        for (d, e) in &self.errors {
            writeln!(f, "  {d:<12} FAILED       {e}")?;
        }
        let new = self.stored.iter().filter(|(_, s)| s.is_new()).count();
        write!(
            f,
            "  {new} new, {} unchanged, {} failed",
            self.stored.len() - new,
            self.errors.len()
        )
    }
}

/// One line of a [`ConfigDiff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// Added, removed, or a parent shown for context.
    pub op: DiffOp,
    /// Nesting depth (0 = top level).
    pub depth: usize,
    /// The line text (without indentation).
    pub text: String,
}

/// The kind of a [`DiffLine`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffOp {
    /// Present only in the newer version.
    Added,
    /// Present only in the older version.
    Removed,
    /// A parent section present in both, shown to place its changed children.
    Context,
}

/// A hierarchical diff of two configurations: changed lines under their parent sections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigDiff {
    /// The lines, in configuration order.
    pub lines: Vec<DiffLine>,
}

impl ConfigDiff {
    /// Diffs two configuration texts of the given syntax (comments, separators and volatile header
    /// lines are ignored; sibling order is not significant).
    ///
    /// ```
    /// use hermes_netdev::backup::ConfigDiff;
    /// use hermes_netdev::tree::Syntax;
    /// let d = ConfigDiff::between("vlan 10\n name a\n", "vlan 10\n name a\nvlan 20\n", Syntax::Cisco);
    /// assert_eq!(d.to_string(), "+ vlan 20\n");
    /// ```
    pub fn between(old: &str, new: &str, syntax: Syntax) -> Self {
        let (old_n, new_n) = (normalise(old), normalise(new));
        let (a, b) = (
            ConfigTree::parse(&old_n, syntax),
            ConfigTree::parse(&new_n, syntax),
        );
        let mut out = ConfigDiff::default();
        diff_level(&a, a.roots(), &b, b.roots(), 0, &mut out.lines);
        out
    }

    /// Whether the two versions are the same configuration.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The added lines (texts).
    pub fn added(&self) -> impl Iterator<Item = &str> {
        self.lines
            .iter()
            .filter(|l| l.op == DiffOp::Added)
            .map(|l| l.text.as_str())
    }

    /// The removed lines (texts).
    pub fn removed(&self) -> impl Iterator<Item = &str> {
        self.lines
            .iter()
            .filter(|l| l.op == DiffOp::Removed)
            .map(|l| l.text.as_str())
    }
}

impl fmt::Display for ConfigDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for l in &self.lines {
            let sign = match l.op {
                DiffOp::Added => '+',
                DiffOp::Removed => '-',
                DiffOp::Context => ' ',
            };
            writeln!(f, "{sign} {:width$}{}", "", l.text, width = l.depth * 2)?;
        }
        Ok(())
    }
}

fn significant(t: &ConfigTree<'_>, ids: &[NodeId]) -> Vec<NodeId> {
    ids.iter()
        .copied()
        .filter(|&id| t.node(id).kind != NodeKind::Comment)
        .collect()
}

fn emit_subtree(t: &ConfigTree<'_>, id: NodeId, depth: usize, op: DiffOp, out: &mut Vec<DiffLine>) {
    out.push(DiffLine {
        op,
        depth,
        text: t.node(id).text.to_string(),
    });
    for c in significant(t, t.children(id)) {
        emit_subtree(t, c, depth + 1, op, out);
    }
}

fn diff_level(
    a: &ConfigTree<'_>,
    a_ids: &[NodeId],
    b: &ConfigTree<'_>,
    b_ids: &[NodeId],
    depth: usize,
    out: &mut Vec<DiffLine>,
) {
    let (a_ids, b_ids) = (significant(a, a_ids), significant(b, b_ids));
    // Siblings are matched by text; repeated texts are matched in order.
    let mut in_b: HashMap<&str, Vec<NodeId>> = HashMap::new();
    for &id in b_ids.iter().rev() {
        in_b.entry(b.node(id).text).or_default().push(id);
    }
    let mut matched_b: HashMap<NodeId, NodeId> = HashMap::new();
    let mut removed = Vec::new();
    for &id in &a_ids {
        match in_b.get_mut(a.node(id).text).and_then(Vec::pop) {
            Some(bid) => {
                matched_b.insert(bid, id);
            }
            None => removed.push(id),
        }
    }
    // Removed lines first (in old order), then the new version's order: additions and changed
    // sections.
    for id in removed {
        emit_subtree(a, id, depth, DiffOp::Removed, out);
    }
    for &bid in &b_ids {
        match matched_b.get(&bid) {
            None => emit_subtree(b, bid, depth, DiffOp::Added, out),
            Some(&aid) => {
                let mut inner = Vec::new();
                diff_level(
                    a,
                    a.children(aid),
                    b,
                    b.children(bid),
                    depth + 1,
                    &mut inner,
                );
                if !inner.is_empty() {
                    out.push(DiffLine {
                        op: DiffOp::Context,
                        depth,
                        text: b.node(bid).text.to_string(),
                    });
                    out.extend(inner);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_headers_do_not_change_the_checksum() {
        let a = "!Time: Mon Nov 23 10:00:00 2026\nversion 9.3\nvlan 10\n";
        let b = "!Time: Tue Nov 24 11:11:11 2026\nversion 9.3\nvlan 10\n";
        assert_eq!(normalise(a), normalise(b));
        assert!(ConfigDiff::between(a, b, Syntax::Cisco).is_empty());
    }

    #[test]
    fn nested_changes_are_shown_under_their_parents() {
        let old = "interface Ethernet1/1\n  description esxi-01\n  switchport mode trunk\n!\nvlan 10\n  name users\nvlan 99\n";
        let new = "interface Ethernet1/1\n  description esxi-01 uplink\n  switchport mode trunk\n!\nvlan 10\n  name users\n";
        let d = ConfigDiff::between(old, new, Syntax::Cisco);
        assert_eq!(
            d.to_string(),
            "- vlan 99\n  interface Ethernet1/1\n-   description esxi-01\n+   description esxi-01 uplink\n"
        );
        assert_eq!(
            d.added().collect::<Vec<_>>(),
            ["description esxi-01 uplink"]
        );
        assert_eq!(
            d.removed().collect::<Vec<_>>(),
            ["vlan 99", "description esxi-01"]
        );
    }

    #[test]
    fn fortios_diff_follows_config_edit_blocks() {
        let old = "config firewall address\n    edit \"web\"\n        set subnet 10.0.0.1 255.255.255.255\n    next\nend\n";
        let new = "config firewall address\n    edit \"web\"\n        set subnet 10.0.0.2 255.255.255.255\n    next\nend\n";
        let d = ConfigDiff::between(old, new, Syntax::FortiOs);
        assert_eq!(
            d.to_string(),
            "  config firewall address\n    edit \"web\"\n-     set subnet 10.0.0.1 255.255.255.255\n+     set subnet 10.0.0.2 255.255.255.255\n"
        );
    }

    #[test]
    fn version_keys_round_trip() {
        let sha = Sha256Digest::of(b"x");
        let key = format!("configs/sw1/20261126T003000123Z_{sha}.cfg");
        let v = ConfigVersion::from_key("sw1", &key).unwrap();
        assert_eq!(v.sha256, sha);
        assert_eq!(v.taken.format(STAMP).to_string(), "20261126T003000123Z");
        assert!(ConfigVersion::from_key("sw1", "configs/sw1/notes.txt").is_none());
    }
}
