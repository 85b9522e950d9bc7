//! RAID volumes as a [`hermes_core::Configurable`]: the volumes a storage subsystem should have
//! ([`VolumeLayout`]) are compared with the ones it has, and the difference is applied the standard
//! Redfish way: a `POST` of a new volume to the storage's `Volumes` collection, a `DELETE` of a
//! volume. HPE Smart Array controllers of iLO 5 firmware that lack the standard collection are
//! configured through HPE's `SmartStorageConfig` instead ([`crate::smartstorage`]), with the same
//! [`VolumeLayout`].
//!
//! What the service says it takes is honoured: the levels the collection lists
//! (`RAIDType@Redfish.AllowableValues` on it, or the `RAIDType` parameter of its
//! `@Redfish.ActionInfo`), `@Redfish.CollectionCapabilities` (the capabilities
//! object of the `VolumeCreation` use case: `RAIDType@Redfish.AllowableValues`, whether it names the
//! volume by `Name` or `DisplayName`, `RAIDType` or the older `VolumeType`, `MaxMembers`),
//! `@Redfish.OperationApplyTimeSupport` (a service that creates volumes only `OnReset` is asked for
//! that, and the report says a restart is needed), each controller's `SupportedRAIDTypes` (inline in
//! `StorageControllers` or in the `Controllers` collection), and a `202` task monitor is followed to
//! its end.
//!
//! Nothing is sent before the whole layout is checked ([`StorageVolumes::plan`]): every drive must
//! exist in that storage subsystem, be listed once, and not belong to a volume that stays; the RAID
//! level must be one the controller and the collection allow; the drive count must fit the level
//! ([`RaidLevel::check_drive_count`]). Errors name the system, the storage subsystem and the drive,
//! and say what to do.
//!
//! Volumes are matched by RAID level and drive set (names are the BMC's business: iLO names its
//! volumes itself): a live volume with the same level on the same drives is kept, whatever its name.
//! A live volume the layout does not list is kept, unless the layout is
//! [`exclusive`](VolumeLayout::exclusive), in which case it is deleted (before any creation, so its
//! drives can be reused).
//!
//! ```no_run
//! # async fn demo(server: hermes_ilo::SystemHandle) -> hermes_core::Result<()> {
//! use hermes_core::{Configurable, Mode};
//! use hermes_ilo::volumes::{RaidLevel, StorageVolumes, VolumeLayout, VolumeSpec};
//! // A RAID 1 boot volume on the first two bays of the Smart Array, for ESXi.
//! let storage = StorageVolumes::new(server, "DE081000");
//! let want = VolumeLayout::new()
//!     .volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "1"]).name("esxi-boot"));
//! let report = storage.converge(&want, Mode::Apply).await?;
//! println!("{}", report.plan);
//! if report.applied.is_some_and(|a| a.restart_required) {
//!     println!("restart the server: the controller creates the volume at the next reset");
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use hermes_core::{Action, ApplyReport, Change, ChangeSet, Configurable, FieldChange};
use serde_json::{json, Value};

use crate::error::{IloError, Result};
use crate::models::{same_resource, Link, Volume};
use crate::request::RedfishRequest;
use crate::system::SystemHandle;

/// How long a volume creation or deletion task may run before Hermes stops waiting.
const TASK_TIMEOUT: Duration = Duration::from_secs(600);

/// A RAID level (Redfish `RAIDType`; HPE Smart Array names in [`RaidLevel::smart_array`]). Levels
/// read from a service that Hermes does not create (`RawDevice`, a vendor's own) are kept as
/// [`RaidLevel::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RaidLevel {
    /// Striping, no redundancy (1 drive or more).
    Raid0,
    /// A mirror of exactly 2 drives.
    Raid1,
    /// A mirror of exactly 3 drives (HPE `Raid1ADM`).
    Raid1Triple,
    /// Striping with parity (3 drives or more).
    Raid5,
    /// Striping with two parities (4 drives or more).
    Raid6,
    /// Striped mirrors (an even count, 4 drives or more).
    Raid10,
    /// Striped triple mirrors (a multiple of 3, 6 drives or more; HPE `Raid10ADM`).
    Raid10Triple,
    /// Striped RAID 5 sets (6 drives or more).
    Raid50,
    /// Striped RAID 6 sets (8 drives or more).
    Raid60,
    /// A level read from a service that Hermes does not create, as the service names it.
    Other(String),
}

impl RaidLevel {
    /// The Redfish `RAIDType` value (`RAID1`).
    pub fn redfish(&self) -> &str {
        match self {
            RaidLevel::Raid0 => "RAID0",
            RaidLevel::Raid1 => "RAID1",
            RaidLevel::Raid1Triple => "RAID1Triple",
            RaidLevel::Raid5 => "RAID5",
            RaidLevel::Raid6 => "RAID6",
            RaidLevel::Raid10 => "RAID10",
            RaidLevel::Raid10Triple => "RAID10Triple",
            RaidLevel::Raid50 => "RAID50",
            RaidLevel::Raid60 => "RAID60",
            RaidLevel::Other(s) => s,
        }
    }

    /// The name HPE's `SmartStorageConfig` uses (`Raid1`, `Raid1ADM`).
    pub fn smart_array(&self) -> &str {
        match self {
            RaidLevel::Raid0 => "Raid0",
            RaidLevel::Raid1 => "Raid1",
            RaidLevel::Raid1Triple => "Raid1ADM",
            RaidLevel::Raid5 => "Raid5",
            RaidLevel::Raid6 => "Raid6",
            RaidLevel::Raid10 => "Raid10",
            RaidLevel::Raid10Triple => "Raid10ADM",
            RaidLevel::Raid50 => "Raid50",
            RaidLevel::Raid60 => "Raid60",
            RaidLevel::Other(s) => s,
        }
    }

    /// The older Redfish `VolumeType` category for services without `RAIDType` (Volume < v1.3).
    pub fn volume_type(&self) -> Option<&'static str> {
        Some(match self {
            RaidLevel::Raid0 => "NonRedundant",
            RaidLevel::Raid1 | RaidLevel::Raid1Triple => "Mirrored",
            RaidLevel::Raid5 | RaidLevel::Raid6 => "StripedWithParity",
            RaidLevel::Raid10 | RaidLevel::Raid10Triple => "SpannedMirrors",
            RaidLevel::Raid50 | RaidLevel::Raid60 => "SpannedStripesWithParity",
            RaidLevel::Other(_) => return None,
        })
    }

    /// Parses a level as Redfish, HPE or people write it (`RAID1`, `Raid1`, `raid1`, `1`,
    /// `Raid1ADM`, `RAID1Triple`); anything else is [`RaidLevel::Other`].
    ///
    /// ```
    /// use hermes_ilo::volumes::RaidLevel;
    /// assert_eq!(RaidLevel::parse("Raid1"), RaidLevel::Raid1);
    /// assert_eq!(RaidLevel::parse("10"), RaidLevel::Raid10);
    /// assert_eq!(RaidLevel::parse("Raid10ADM"), RaidLevel::Raid10Triple);
    /// assert_eq!(RaidLevel::parse("RawDevice"), RaidLevel::Other("RawDevice".into()));
    /// ```
    pub fn parse(s: &str) -> RaidLevel {
        let t = s.trim();
        let l = t.to_ascii_lowercase();
        let l = l
            .strip_prefix("raid")
            .unwrap_or(&l)
            .trim_start_matches([' ', '-', '_']);
        match l {
            "0" => RaidLevel::Raid0,
            "1" => RaidLevel::Raid1,
            "1triple" | "1adm" => RaidLevel::Raid1Triple,
            "5" => RaidLevel::Raid5,
            "6" => RaidLevel::Raid6,
            "10" | "1+0" => RaidLevel::Raid10,
            "10triple" | "10adm" => RaidLevel::Raid10Triple,
            "50" | "5+0" => RaidLevel::Raid50,
            "60" | "6+0" => RaidLevel::Raid60,
            _ => RaidLevel::Other(t.to_string()),
        }
    }

    /// Whether `count` drives make a volume of this level: `Err` says what the level needs.
    ///
    /// ```
    /// use hermes_ilo::volumes::RaidLevel;
    /// assert!(RaidLevel::Raid1.check_drive_count(2).is_ok());
    /// assert!(RaidLevel::Raid5.check_drive_count(2).is_err());
    /// assert!(RaidLevel::Raid10.check_drive_count(5).is_err());
    /// ```
    pub fn check_drive_count(&self, count: usize) -> std::result::Result<(), String> {
        let (ok, needs) = match self {
            RaidLevel::Raid0 => (count >= 1, "at least 1 drive"),
            RaidLevel::Raid1 => (count == 2, "exactly 2 drives (use RAID10 for more)"),
            RaidLevel::Raid1Triple => (count == 3, "exactly 3 drives"),
            RaidLevel::Raid5 => (count >= 3, "at least 3 drives"),
            RaidLevel::Raid6 => (count >= 4, "at least 4 drives"),
            RaidLevel::Raid10 => (
                count >= 4 && count % 2 == 0,
                "an even number of drives, at least 4",
            ),
            RaidLevel::Raid10Triple => (
                count >= 6 && count % 3 == 0,
                "a multiple of 3 drives, at least 6",
            ),
            RaidLevel::Raid50 => (count >= 6, "at least 6 drives"),
            RaidLevel::Raid60 => (count >= 8, "at least 8 drives"),
            RaidLevel::Other(s) => {
                return Err(format!(
                    "{s:?} is not a RAID level Hermes creates (RAID0, RAID1, RAID1Triple, RAID5, RAID6, RAID10, RAID10Triple, RAID50, RAID60)"
                ))
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!("{} needs {needs}, {count} given", self.redfish()))
        }
    }

    /// Whether `name` (as a service lists it: `RAID1`, `Raid1`, `Raid1ADM`) is this level.
    pub fn is(&self, name: &str) -> bool {
        RaidLevel::parse(name) == *self
    }
}

impl fmt::Display for RaidLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.redfish())
    }
}

impl FromStr for RaidLevel {
    type Err = String;
    /// Like [`RaidLevel::parse`], but a level Hermes does not create is an error.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match RaidLevel::parse(s) {
            RaidLevel::Other(o) => Err(format!(
                "unknown RAID level {o:?}: expected one of RAID0, RAID1, RAID1Triple, RAID5, RAID6, RAID10, RAID10Triple, RAID50, RAID60"
            )),
            level => Ok(level),
        }
    }
}

/// One volume: its RAID level, its drives and, optionally, a name and a capacity.
///
/// Drives are named as the service names them: a drive's `Id` (`0`) or path
/// (`/redfish/v1/Systems/1/Storage/DE081000/Drives/0`) for standard Redfish, a Smart Array location
/// (`1I:3:1`) for [`crate::smartstorage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeSpec {
    /// The RAID level.
    pub raid: RaidLevel,
    /// The drives.
    pub drives: Vec<String>,
    /// The name (`Name`, or `DisplayName` where the service takes that; Smart Array
    /// `LogicalDriveName`).
    pub name: Option<String>,
    /// The size; `None` uses the whole drives.
    pub capacity_bytes: Option<u64>,
    /// Where the volume lives (its path, or its Smart Array `VolumeUniqueIdentifier`); set on
    /// volumes read from a service, `None` in a desired layout.
    pub location: Option<String>,
}

impl VolumeSpec {
    /// A volume of `raid` on `drives`.
    pub fn new<I, S>(raid: RaidLevel, drives: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        VolumeSpec {
            raid,
            drives: drives.into_iter().map(Into::into).collect(),
            name: None,
            capacity_bytes: None,
            location: None,
        }
    }

    /// With a name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// With a size in bytes (otherwise the whole drives).
    pub fn capacity_bytes(mut self, bytes: u64) -> Self {
        self.capacity_bytes = Some(bytes);
        self
    }

    /// A short description: `RAID1 on [0, 1] "esxi-boot"`.
    pub fn describe(&self) -> String {
        let mut s = format!("{} on [{}]", self.raid, self.drives.join(", "));
        if let Some(n) = &self.name {
            s.push_str(&format!(" {n:?}"));
        }
        s
    }
}

/// A drive of a storage subsystem, as read from the service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriveFact {
    /// The drive's path (or Smart Array location).
    pub path: String,
    /// Its `Id` (or Smart Array location).
    pub id: String,
    /// The volumes the drive itself links (`Links.Volumes`).
    pub volumes: Vec<String>,
}

impl DriveFact {
    /// Whether `name` (an `Id` or a path, any case, with or without a trailing `/`) is this drive.
    pub fn named(&self, name: &str) -> bool {
        self.id.eq_ignore_ascii_case(name.trim()) || same_resource(&self.path, name.trim())
    }
}

/// What a storage subsystem allows, as read from the service (set on a layout read from it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageFacts {
    /// The system and storage subsystem, as errors name them.
    pub target: String,
    /// The volumes collection (standard Redfish) or the pending settings object (Smart Array).
    pub collection: Option<String>,
    /// Its drives.
    pub drives: Vec<DriveFact>,
    /// The RAID levels the controllers support (`SupportedRAIDTypes`); `None` if none is listed.
    pub supported_raid: Option<Vec<String>>,
    /// The RAID levels the collection's capabilities allow; `None` if not given.
    pub allowed_raid: Option<Vec<String>>,
    /// `@Redfish.OperationApplyTimeSupport.SupportedValues` of the collection (empty if absent).
    pub apply_times: Vec<String>,
    /// The property naming a new volume (`Name` or `DisplayName`).
    pub name_property: String,
    /// The property carrying the RAID level (`RAIDType` or `VolumeType`).
    pub level_property: String,
    /// The most volumes the collection takes (`MaxMembers`).
    pub max_members: Option<u32>,
    /// Smart Array only: the logical drives (`VolumeUniqueIdentifier`) the pending settings
    /// already delete; sent again with any new change so that it does not drop them.
    pub pending_deletions: Vec<String>,
}

/// The volumes a storage subsystem should have. Read from a service, it also carries the service's
/// facts ([`StorageFacts`]) and each volume's location.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VolumeLayout {
    /// The volumes.
    pub volumes: Vec<VolumeSpec>,
    /// Whether volumes not listed are deleted (otherwise they are kept).
    pub exclusive: bool,
    /// What the service allows (set when read, `None` in a desired layout).
    pub facts: Option<StorageFacts>,
}

impl VolumeLayout {
    /// No volumes; others are kept.
    pub fn new() -> Self {
        Self::default()
    }
    /// With one more volume.
    pub fn volume(mut self, spec: VolumeSpec) -> Self {
        self.volumes.push(spec);
        self
    }
    /// Deletes the volumes the layout does not list (data on them is lost).
    pub fn exclusive(mut self, exclusive: bool) -> Self {
        self.exclusive = exclusive;
        self
    }
}

/// Whether two drive lists name the same drives (in any order), drive names resolved through `facts`.
fn same_drives(facts: Option<&StorageFacts>, a: &[String], b: &[String]) -> bool {
    let key = |d: &String| -> String {
        let path = facts
            .and_then(|f| f.drives.iter().find(|x| x.named(d)))
            .map(|x| x.path.clone())
            .unwrap_or_else(|| d.clone());
        crate::models::resource_key(&path)
    };
    let mut ka: Vec<String> = a.iter().map(key).collect();
    let mut kb: Vec<String> = b.iter().map(key).collect();
    ka.sort();
    kb.sort();
    ka == kb
}

/// Pairs each desired volume with the live one it matches (same level, same drives), if any, and
/// lists the live volumes no desired one matches.
pub(crate) fn match_volumes<'a>(
    live: &'a VolumeLayout,
    want: &'a VolumeLayout,
) -> (
    Vec<(&'a VolumeSpec, Option<&'a VolumeSpec>)>,
    Vec<&'a VolumeSpec>,
) {
    let facts = live.facts.as_ref();
    let mut used = vec![false; live.volumes.len()];
    let mut pairs = Vec::new();
    for w in &want.volumes {
        let found = live.volumes.iter().enumerate().find(|(i, l)| {
            !used[*i] && l.raid == w.raid && same_drives(facts, &l.drives, &w.drives)
        });
        if let Some((i, l)) = found {
            used[i] = true;
            pairs.push((w, Some(l)));
        } else {
            pairs.push((w, None));
        }
    }
    let rest = live
        .volumes
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(l, _)| l)
        .collect();
    (pairs, rest)
}

/// Checks the volumes `want` would create against what the service allows (read into `live`):
/// drives exist, belong to the storage, are listed once and are not in a volume that stays; the
/// level is supported; the drive count fits.
pub(crate) fn validate(live: &VolumeLayout, want: &VolumeLayout) -> Result<()> {
    let Some(facts) = live.facts.as_ref() else {
        return Ok(());
    };
    let target = facts.target.clone();
    let (pairs, unmatched) = match_volumes(live, want);
    // Volumes that stay: matched ones, and unmatched live ones unless the layout is exclusive.
    let mut staying: Vec<&VolumeSpec> = pairs.iter().filter_map(|(_, l)| *l).collect();
    if !want.exclusive {
        staying.extend(unmatched.iter().copied());
    }
    let creates: Vec<&VolumeSpec> = pairs
        .iter()
        .filter(|(_, l)| l.is_none())
        .map(|(w, _)| *w)
        .collect();
    if !creates.is_empty() && facts.collection.is_none() {
        return Err(IloError::Unsupported {
            target,
            message: "this storage subsystem links no Volumes collection: volumes cannot be created here (on an HPE Smart Array without one, use hermes_ilo::smartstorage::SmartStorageVolumes)".into(),
        });
    }
    let known = || {
        facts
            .drives
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut claimed: Vec<(String, String)> = Vec::new(); // (drive path, volume description)
    for w in &creates {
        let what = w.describe();
        if let Err(e) = w.raid.check_drive_count(w.drives.len()) {
            return Err(IloError::invalid(
                &target,
                format!("volume {what}: {e}: list the right number of drives"),
            ));
        }
        if let Some(supported) = &facts.supported_raid {
            if !supported.iter().any(|s| w.raid.is(s)) {
                return Err(IloError::invalid(
                    &target,
                    format!(
                        "volume {what}: the controller does not support {} (SupportedRAIDTypes: {}): choose one of those",
                        w.raid,
                        supported.join(", ")
                    ),
                ));
            }
        }
        if let Some(allowed) = &facts.allowed_raid {
            if !allowed.iter().any(|s| w.raid.is(s)) {
                return Err(IloError::invalid(
                    &target,
                    format!(
                        "volume {what}: the volumes collection does not create {} (allowed: {}): choose one of those",
                        w.raid,
                        allowed.join(", ")
                    ),
                ));
            }
        }
        for d in &w.drives {
            let Some(drive) = facts.drives.iter().find(|x| x.named(d)) else {
                return Err(IloError::invalid(
                    &target,
                    format!(
                        "volume {what}: drive {d:?} is not a drive of this storage subsystem (its drives: {}): name drives by their Id or path",
                        known()
                    ),
                ));
            };
            if let Some((_, other)) = claimed.iter().find(|(p, _)| same_resource(p, &drive.path)) {
                return Err(IloError::invalid(
                    &target,
                    format!(
                        "drive {d:?} is listed in two new volumes ({other} and {what}): give each drive to one volume"
                    ),
                ));
            }
            if let Some(v) = staying.iter().find(|v| {
                v.drives
                    .iter()
                    .any(|x| drive.named(x) || same_resource(x, &drive.path))
            }) {
                return Err(IloError::invalid(
                    &target,
                    format!(
                        "volume {what}: drive {d:?} already belongs to volume {} ({}): delete that volume first (list the layout as exclusive) or choose free drives",
                        v.location.as_deref().unwrap_or("?"),
                        v.describe()
                    ),
                ));
            }
            // A drive linking a volume the layout does not know (another controller's view).
            if let Some(vol) = drive.volumes.iter().find(|p| {
                !live
                    .volumes
                    .iter()
                    .any(|v| v.location.as_deref().is_some_and(|l| same_resource(l, p)))
            }) {
                return Err(IloError::invalid(
                    &target,
                    format!(
                        "volume {what}: drive {d:?} links volume {vol}, which is not in this storage's Volumes collection: free the drive first"
                    ),
                ));
            }
            claimed.push((drive.path.clone(), what.clone()));
        }
    }
    if let Some(max) = facts.max_members {
        let after = staying.len() + creates.len();
        if after > max as usize {
            return Err(IloError::invalid(
                &target,
                format!("the layout leaves {after} volumes; the collection takes at most {max} (MaxMembers)"),
            ));
        }
    }
    Ok(())
}

/// The body of a standard Redfish volume creation for `spec`, as `facts` says the service takes it.
pub(crate) fn create_body(facts: &StorageFacts, spec: &VolumeSpec) -> Value {
    let mut body = serde_json::Map::new();
    if let Some(name) = &spec.name {
        body.insert(facts.name_property.clone(), json!(name));
    }
    if facts.level_property == "VolumeType" {
        if let Some(t) = spec.raid.volume_type() {
            body.insert("VolumeType".into(), json!(t));
        }
    } else {
        body.insert("RAIDType".into(), json!(spec.raid.redfish()));
    }
    if let Some(c) = spec.capacity_bytes {
        body.insert("CapacityBytes".into(), json!(c));
    }
    let drives: Vec<Value> = spec
        .drives
        .iter()
        .map(|d| {
            let path = facts
                .drives
                .iter()
                .find(|x| x.named(d))
                .map(|x| x.path.clone())
                .unwrap_or_else(|| d.clone());
            json!({ "@odata.id": path })
        })
        .collect();
    body.insert("Links".into(), json!({ "Drives": drives }));
    if needs_reset(facts) {
        body.insert("@Redfish.OperationApplyTime".into(), json!("OnReset"));
    }
    Value::Object(body)
}

/// Whether the collection creates and deletes volumes only at the next reset.
fn needs_reset(facts: &StorageFacts) -> bool {
    !facts.apply_times.is_empty()
        && !facts.apply_times.iter().any(|t| t == "Immediate")
        && facts.apply_times.iter().any(|t| t == "OnReset")
}

/// The standard Redfish change set turning `live` into `want`: deletions first (exclusive layouts),
/// then creations; kept volumes listed. Pure.
pub fn diff_layout(target: &str, live: &VolumeLayout, want: &VolumeLayout) -> ChangeSet {
    let mut set = ChangeSet::new(target);
    let facts = live.facts.clone().unwrap_or_default();
    let (pairs, unmatched) = match_volumes(live, want);
    let reset = needs_reset(&facts);
    for l in &unmatched {
        let at = l.location.clone().unwrap_or_default();
        let resource = format!("volume {at}");
        if want.exclusive {
            let mut c = Change::new(Action::Delete, resource)
                .field(FieldChange::removed("volume", l.describe()))
                .reason("not in the exclusive layout: its data is lost");
            if reset {
                let body = json!({ "@Redfish.OperationApplyTime": "OnReset" });
                c = c
                    .command(format!("DELETE {at} {body}"))
                    .reason("not in the exclusive layout: its data is lost; the controller deletes it at the next reset");
            } else {
                c = c.command(format!("DELETE {at}"));
            }
            set.push(c);
        } else {
            set.push(Change::new(Action::Keep, resource).reason(format!(
                "{}: not in the layout, kept (an exclusive layout deletes it)",
                l.describe()
            )));
        }
    }
    for (w, l) in &pairs {
        match l {
            Some(l) => {
                let mut c = Change::new(
                    Action::Keep,
                    format!("volume {}", l.location.as_deref().unwrap_or("?")),
                );
                if w.name.is_some() && w.name != l.name {
                    c = c.reason(format!(
                        "{} matches by level and drives; named {:?} (not renamed)",
                        w.describe(),
                        l.name.as_deref().unwrap_or("")
                    ));
                }
                set.push(c);
            }
            None => {
                let collection = facts.collection.clone().unwrap_or_default();
                let body = create_body(&facts, w);
                let mut c = Change::new(Action::Create, format!("volume {}", w.describe()))
                    .field(FieldChange::added("RAIDType", w.raid.redfish()))
                    .field(FieldChange::added("Drives", w.drives.join(", ")))
                    .command(format!("POST {collection} {body}"));
                if let Some(n) = &w.name {
                    c = c.field(FieldChange::added(facts.name_property.clone(), n));
                }
                if let Some(b) = w.capacity_bytes {
                    c = c.field(FieldChange::added("CapacityBytes", b));
                }
                if reset {
                    c = c.reason("the controller creates volumes only at the next reset (OperationApplyTime OnReset)");
                }
                set.push(c);
            }
        }
    }
    set
}

/// A storage subsystem's volumes, driven through standard Redfish.
#[derive(Debug, Clone)]
pub struct StorageVolumes {
    system: SystemHandle,
    storage: String,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn links(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Link::from_value)
                .map(|l| l.odata_id)
                .collect()
        })
        .unwrap_or_default()
}

impl StorageVolumes {
    /// The volumes of `system`'s storage subsystem `storage` (its `Id`, `DE081000`, or its path).
    pub fn new(system: SystemHandle, storage: impl Into<String>) -> Self {
        StorageVolumes {
            system,
            storage: storage.into(),
        }
    }

    fn name(&self) -> String {
        format!(
            "{} {} storage {}",
            self.system.client().target(),
            self.system.path(),
            self.storage
        )
    }

    /// The storage subsystem's path: `storage` itself if it is a path, else the member of the
    /// system's `Storage` collection with that `Id`.
    async fn storage_path(&self) -> Result<String> {
        if self.storage.starts_with('/') {
            return Ok(self.storage.clone());
        }
        let sys = self.system.get().await?;
        let coll = sys.storage.ok_or_else(|| IloError::Unsupported {
            target: self.name(),
            message: format!("{} links no Storage collection", self.system.path()),
        })?;
        let client = self.system.client();
        let members = client.member_paths(coll.path()).await?;
        let mut ids = Vec::new();
        for m in &members {
            let id = m.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            if id.eq_ignore_ascii_case(&self.storage) {
                return Ok(m.clone());
            }
            ids.push(id.to_string());
        }
        Err(IloError::invalid(
            self.name(),
            format!(
                "{} has no storage subsystem {:?} (it has: {}): name one of those",
                coll.path(),
                self.storage,
                ids.join(", ")
            ),
        ))
    }

    /// Reads the storage subsystem: its drives, what its controllers and volumes collection allow,
    /// and its volumes.
    pub async fn live(&self) -> Result<VolumeLayout> {
        let client = self.system.client();
        let path = self.storage_path().await?;
        let storage: Value = client.get(&path).await?;
        let mut facts = StorageFacts {
            target: self.name(),
            name_property: "Name".into(),
            level_property: "RAIDType".into(),
            ..Default::default()
        };
        // Controllers: inline (Storage < v1.15), else the Controllers collection.
        let mut supported: Vec<String> = Vec::new();
        let mut listed = false;
        if let Some(ctrls) = storage.get("StorageControllers").and_then(Value::as_array) {
            for c in ctrls {
                if let Some(s) = c.get("SupportedRAIDTypes") {
                    listed |= s.is_array();
                    supported.extend(strings(Some(s)));
                }
            }
        }
        if !listed {
            if let Some(coll) = storage.get("Controllers").and_then(Link::from_value) {
                for m in client.member_paths(coll.path()).await? {
                    let c: Value = client.get(&m).await?;
                    if let Some(s) = c.get("SupportedRAIDTypes") {
                        listed |= s.is_array();
                        supported.extend(strings(Some(s)));
                    }
                }
            }
        }
        facts.supported_raid = listed.then_some(supported);
        for d in links(storage.get("Drives")) {
            let drive: Value = client.get(&d).await?;
            facts.drives.push(DriveFact {
                path: d.clone(),
                id: text(&drive, "Id").unwrap_or_else(|| d.rsplit('/').next().unwrap_or("").into()),
                volumes: links(drive.pointer("/Links/Volumes")),
            });
        }
        let mut volumes = Vec::new();
        if let Some(coll) = storage.get("Volumes").and_then(Link::from_value) {
            let coll_path = coll.odata_id.clone();
            let cv: Value = client.get(&coll_path).await?;
            facts.apply_times =
                strings(cv.pointer("/@Redfish.OperationApplyTimeSupport/SupportedValues"));
            // Levels the collection itself annotates, or its ActionInfo lists.
            if let Some(a) = cv.get("RAIDType@Redfish.AllowableValues") {
                facts.allowed_raid = Some(strings(Some(a)));
            }
            if let Some(info) = cv.get("@Redfish.ActionInfo").and_then(Link::from_value) {
                let info = client.action_info(info.path()).await?;
                if let Some(p) = info
                    .parameter("RAIDType")
                    .filter(|p| !p.allowable_values.is_empty())
                {
                    facts.allowed_raid = Some(p.allowable_values.clone());
                }
            }
            if let Some(caps) = cv.get("@Redfish.CollectionCapabilities") {
                facts.max_members = caps
                    .get("MaxMembers")
                    .and_then(Value::as_u64)
                    .map(|m| m as u32);
                let object = caps
                    .get("Capabilities")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|c| c.get("UseCase").and_then(Value::as_str) == Some("VolumeCreation"))
                    .and_then(|c| c.get("CapabilitiesObject"))
                    .and_then(Link::from_value);
                if let Some(object) = object {
                    let cap: Value = client.get(object.path()).await?;
                    let has = |k: &str| {
                        cap.get(format!("{k}@Redfish.RequiredOnCreate")).is_some()
                            || cap.get(format!("{k}@Redfish.OptionalOnCreate")).is_some()
                    };
                    if !has("Name") && has("DisplayName") {
                        facts.name_property = "DisplayName".into();
                    }
                    if !has("RAIDType") && has("VolumeType") {
                        facts.level_property = "VolumeType".into();
                    }
                    if let Some(a) = cap.get("RAIDType@Redfish.AllowableValues") {
                        let caps = strings(Some(a));
                        // Where the collection lists levels too, only those both allow.
                        facts.allowed_raid = Some(match facts.allowed_raid.take() {
                            Some(prev) => caps.into_iter().filter(|c| prev.contains(c)).collect(),
                            None => caps,
                        });
                    }
                }
            }
            facts.collection = Some(coll_path.clone());
            for m in client.member_paths(&coll_path).await? {
                let v: Volume = client.get(&m).await?;
                volumes.push(VolumeSpec {
                    raid: RaidLevel::parse(v.raid().unwrap_or("")),
                    drives: v.links.drives.iter().map(|l| l.odata_id.clone()).collect(),
                    name: v.name.clone(),
                    capacity_bytes: v.capacity_bytes,
                    location: Some(if v.odata_id.is_empty() { m } else { v.odata_id }),
                });
            }
        }
        Ok(VolumeLayout {
            volumes,
            exclusive: false,
            facts: Some(facts),
        })
    }
}

/// Whether a reply says the change waits for a reset (a `…ResetRequired` message).
pub(crate) fn reset_said(resp: &crate::Response) -> bool {
    let body = String::from_utf8_lossy(&resp.body);
    body.contains("ResetRequired") || body.contains("SystemResetRequired")
}

#[async_trait]
impl Configurable for StorageVolumes {
    type Model = VolumeLayout;

    fn target(&self) -> String {
        self.name()
    }

    async fn read(&self) -> hermes_core::Result<VolumeLayout> {
        Ok(self.live().await?)
    }

    fn diff(&self, live: &VolumeLayout, want: &VolumeLayout) -> ChangeSet {
        diff_layout(&self.target(), live, want)
    }

    /// Reads, checks the whole layout against what the service allows (nothing is sent for an
    /// invalid one), and diffs.
    async fn plan(&self, want: &VolumeLayout) -> hermes_core::Result<ChangeSet> {
        let live = self.live().await?;
        validate(&live, want)?;
        Ok(self.diff(&live, want))
    }

    async fn apply(&self, changes: &ChangeSet) -> hermes_core::Result<ApplyReport> {
        let client = self.system.client();
        let mut report = ApplyReport {
            target: self.target(),
            ..Default::default()
        };
        for change in changes.actionable() {
            for line in &change.commands {
                let bad = || {
                    IloError::invalid(
                        self.target(),
                        format!(
                            "change {:?} has no `DELETE PATH` or `POST PATH JSON` command: build change sets with diff()",
                            change.resource
                        ),
                    )
                };
                let (verb, rest) = line.split_once(' ').ok_or_else(bad)?;
                match verb {
                    "DELETE" => {
                        // `DELETE PATH`, or `DELETE PATH JSON` with the apply time in the body.
                        let (rest, on_reset) = match rest.split_once(' ') {
                            Some((path, json)) => {
                                let body: Value = serde_json::from_str(json).map_err(|_| bad())?;
                                (path, Some(body))
                            }
                            None => (rest, None),
                        };
                        let mut req = RedfishRequest::delete(rest);
                        let reset = on_reset.is_some();
                        req.body = on_reset;
                        let resp = match client.send(&req).await {
                            Ok(r) => client.follow_task(r, TASK_TIMEOUT).await?,
                            // Gone already (a retried DELETE whose first try went through).
                            Err(e) if e.status() == Some(404) => {
                                report.output.push(format!("{rest} was already deleted"));
                                continue;
                            }
                            Err(e) => return Err(e.into()),
                        };
                        report.restart_required |= reset_said(&resp) || reset;
                        report.output.push(format!("deleted {rest}"));
                    }
                    "POST" => {
                        let (path, json) = rest.split_once(' ').ok_or_else(bad)?;
                        let body: Value = serde_json::from_str(json).map_err(|_| bad())?;
                        let on_reset =
                            body.get("@Redfish.OperationApplyTime") == Some(&json!("OnReset"));
                        let resp =
                            client
                                .post_action(path, body, TASK_TIMEOUT)
                                .await
                                .map_err(|e| {
                                    e.at_step(self.target(), format!("create {}", change.resource))
                                })?;
                        report.restart_required |= on_reset || reset_said(&resp);
                        let at = resp.location().unwrap_or_else(|| path.to_string());
                        report.output.push(if on_reset {
                            format!(
                                "{} requested at {path}; created at the next reset",
                                change.resource
                            )
                        } else {
                            format!("created {} at {at}", change.resource)
                        });
                    }
                    _ => return Err(bad().into()),
                }
            }
            report.applied += 1;
        }
        if report.restart_required {
            report.output.push(
                "restart the server: the controller applies the volume changes at the next reset"
                    .into(),
            );
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> StorageFacts {
        StorageFacts {
            target: "bmc /redfish/v1/Systems/1 storage S".into(),
            collection: Some("/redfish/v1/Systems/1/Storage/S/Volumes".into()),
            drives: (0..4)
                .map(|i| DriveFact {
                    path: format!("/redfish/v1/Systems/1/Storage/S/Drives/{i}"),
                    id: i.to_string(),
                    volumes: vec![],
                })
                .collect(),
            supported_raid: Some(vec!["RAID0".into(), "RAID1".into(), "RAID10".into()]),
            allowed_raid: None,
            apply_times: vec![],
            name_property: "Name".into(),
            level_property: "RAIDType".into(),
            max_members: None,
            pending_deletions: vec![],
        }
    }

    fn live_with(volumes: Vec<VolumeSpec>) -> VolumeLayout {
        VolumeLayout {
            volumes,
            exclusive: false,
            facts: Some(facts()),
        }
    }

    #[test]
    fn drive_counts_follow_the_level() {
        for (level, good, bad) in [
            (RaidLevel::Raid0, 1, 0),
            (RaidLevel::Raid1, 2, 3),
            (RaidLevel::Raid1Triple, 3, 2),
            (RaidLevel::Raid5, 3, 2),
            (RaidLevel::Raid6, 4, 3),
            (RaidLevel::Raid10, 4, 5),
            (RaidLevel::Raid10Triple, 6, 8),
            (RaidLevel::Raid50, 6, 5),
            (RaidLevel::Raid60, 8, 7),
        ] {
            assert!(level.check_drive_count(good).is_ok(), "{level} {good}");
            let e = level.check_drive_count(bad).unwrap_err();
            assert!(
                e.contains(level.redfish()) && e.contains(&format!("{bad} given")),
                "{e}"
            );
        }
        assert!(RaidLevel::Raid10.check_drive_count(2).is_err());
        assert!(RaidLevel::Other("JBOD".into())
            .check_drive_count(1)
            .is_err());
        assert!("RAID7".parse::<RaidLevel>().is_err());
        assert_eq!("raid 6".parse::<RaidLevel>().unwrap(), RaidLevel::Raid6);
    }

    #[test]
    fn plan_creates_keeps_and_deletes_in_order() {
        let live = live_with(vec![VolumeSpec {
            location: Some("/redfish/v1/Systems/1/Storage/S/Volumes/1".into()),
            ..VolumeSpec::new(
                RaidLevel::Raid0,
                ["/redfish/v1/Systems/1/Storage/S/Drives/2"],
            )
        }]);
        let want =
            VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "1"]).name("boot"));
        validate(&live, &want).unwrap();
        let set = diff_layout("t", &live, &want);
        assert_eq!((set.summary().create, set.summary().keep), (1, 1));
        let cmds = set.commands();
        assert_eq!(cmds.len(), 1);
        assert!(
            cmds[0].starts_with("POST /redfish/v1/Systems/1/Storage/S/Volumes {"),
            "{}",
            cmds[0]
        );
        let body: Value = serde_json::from_str(cmds[0].splitn(3, ' ').nth(2).unwrap()).unwrap();
        assert_eq!(body["RAIDType"], "RAID1");
        assert_eq!(body["Name"], "boot");
        assert_eq!(
            body["Links"]["Drives"][1]["@odata.id"],
            "/redfish/v1/Systems/1/Storage/S/Drives/1"
        );
        // Exclusive: the RAID 0 goes first, then the mirror is created.
        let ex = diff_layout("t", &live, &want.clone().exclusive(true));
        let actions: Vec<Action> = ex.actionable().map(|c| c.action).collect();
        assert_eq!(actions, vec![Action::Delete, Action::Create]);
        // Already there (drives named by path, other order): nothing to do.
        let done = live_with(vec![VolumeSpec {
            location: Some("/v/2".into()),
            name: Some("SR Volume 2".into()),
            ..VolumeSpec::new(
                RaidLevel::Raid1,
                [
                    "/redfish/v1/Systems/1/Storage/S/Drives/1/",
                    "/redfish/v1/Systems/1/Storage/S/Drives/0",
                ],
            )
        }]);
        assert!(!diff_layout("t", &done, &want).has_changes());
    }

    #[test]
    fn validation_names_the_storage_and_the_drive() {
        let live = live_with(vec![VolumeSpec {
            location: Some("/redfish/v1/Systems/1/Storage/S/Volumes/1".into()),
            ..VolumeSpec::new(
                RaidLevel::Raid0,
                ["/redfish/v1/Systems/1/Storage/S/Drives/2"],
            )
        }]);
        let err = |want: VolumeLayout| validate(&live, &want).unwrap_err().to_string();
        let e = err(VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "9"])));
        assert!(
            e.contains("storage S") && e.contains("\"9\"") && e.contains("0, 1, 2, 3"),
            "{e}"
        );
        let e = err(VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "2"])));
        assert!(
            e.contains("already belongs") && e.contains("Volumes/1"),
            "{e}"
        );
        // Exclusive: drive 2 is freed by the deletion first.
        validate(
            &live,
            &VolumeLayout::new()
                .volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "2"]))
                .exclusive(true),
        )
        .unwrap();
        let e = err(VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid5, ["0", "1", "3"])));
        assert!(e.contains("does not support RAID5"), "{e}");
        let e = err(VolumeLayout::new().volume(VolumeSpec::new(RaidLevel::Raid1, ["0", "1", "3"])));
        assert!(e.contains("exactly 2"), "{e}");
        let e = err(VolumeLayout::new()
            .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"]))
            .volume(VolumeSpec::new(RaidLevel::Raid0, ["0"])));
        assert!(e.contains("two new volumes"), "{e}");
    }

    #[test]
    fn on_reset_only_collections_ask_for_it_and_older_ones_get_volume_type() {
        let mut f = facts();
        f.apply_times = vec!["OnReset".into()];
        f.level_property = "VolumeType".into();
        f.name_property = "DisplayName".into();
        let body = create_body(
            &f,
            &VolumeSpec::new(RaidLevel::Raid10, ["0", "1", "2", "3"]).name("x"),
        );
        assert_eq!(body["@Redfish.OperationApplyTime"], "OnReset");
        assert_eq!(body["VolumeType"], "SpannedMirrors");
        assert_eq!(body["DisplayName"], "x");
        assert!(body.get("RAIDType").is_none() && body.get("Name").is_none());
        f.apply_times.push("Immediate".into());
        assert!(create_body(&f, &VolumeSpec::new(RaidLevel::Raid0, ["0"]))
            .get("@Redfish.OperationApplyTime")
            .is_none());
    }
}
