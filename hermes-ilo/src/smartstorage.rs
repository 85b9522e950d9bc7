//! HPE Smart Array logical drives through iLO 5's OEM `SmartStorageConfig` resource, as a
//! [`hermes_core::Configurable`] over the same [`VolumeLayout`] as standard Redfish volumes
//! ([`crate::volumes`]).
//!
//! iLO 5 links one `SmartStorageConfig` per Smart Array controller from the system
//! (`Oem.Hpe.SmartStorageConfig`, e.g. `/redfish/v1/systems/1/smartstorageconfig`). It lists the
//! controller's `PhysicalDrives` by location (`1I:3:1`: port, box, bay) and its `LogicalDrives`
//! (`LogicalDriveName`, `Raid` — `Raid1`, `Raid1ADM`… —, `DataDrives`, `CapacityGiB`,
//! `VolumeUniqueIdentifier`). Changes are written with a `PUT` of the whole list to its pending
//! settings object (`@Redfish.Settings.SettingsObject`, `…/smartstorageconfig/settings/`) and the
//! controller applies them during the next POST: every apply reports `restart_required`. The list
//! sent keeps the logical drives that stay (with their `VolumeUniqueIdentifier`), marks the ones
//! to delete with `Actions: [{"Action": "LogicalDriveDelete"}]`, and adds the new ones; `DataGuard`
//! is `Disabled` when a drive is created and `Permissive` (only the named drives) when drives are
//! only deleted, as HPE's tools send it. Reading takes the pending settings over the current
//! configuration, so a second run before the reboot plans nothing.
//!
//! Drives are named by location (`1I:3:1`); RAID levels in Redfish or HPE form
//! ([`RaidLevel::smart_array`]); sizes are whole GiB (`CapacityGiB`).
//!
//! ```no_run
//! # async fn demo(server: hermes_ilo::SystemHandle) -> hermes_core::Result<()> {
//! use hermes_core::{Configurable, Mode};
//! use hermes_ilo::smartstorage::SmartStorageVolumes;
//! use hermes_ilo::volumes::{RaidLevel, VolumeLayout, VolumeSpec};
//! let array = SmartStorageVolumes::new(server).at_location("Slot 2");
//! let want = VolumeLayout::new()
//!     .volume(VolumeSpec::new(RaidLevel::Raid1, ["1I:3:1", "1I:3:2"]).name("esxi-boot"));
//! let report = array.converge(&want, Mode::Apply).await?;
//! println!("{}", report.plan);   // restart the server to create it
//! # Ok(()) }
//! ```

use async_trait::async_trait;
use hermes_core::{Action, ApplyReport, Change, ChangeSet, Configurable, FieldChange};
use serde_json::{json, Value};

use crate::error::{IloError, Result};
use crate::models::Link;
use crate::request::RedfishRequest;
use crate::system::SystemHandle;
use crate::volumes::{
    match_volumes, validate, DriveFact, RaidLevel, StorageFacts, VolumeLayout, VolumeSpec,
};

const GIB: u64 = 1 << 30;

/// A Smart Array controller's logical drives, through iLO 5's `SmartStorageConfig`.
#[derive(Debug, Clone)]
pub struct SmartStorageVolumes {
    system: SystemHandle,
    location: Option<String>,
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

fn is_deleted(ld: &Value) -> bool {
    ld.get("Actions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|x| x.get("Action").and_then(Value::as_str) == Some("LogicalDriveDelete"))
        })
}

/// A logical drive as a [`VolumeSpec`]: located by its `VolumeUniqueIdentifier`, or `pending:NAME`
/// for one requested but not yet created.
fn spec_of(ld: &Value) -> VolumeSpec {
    let name = text(ld, "LogicalDriveName");
    let location = text(ld, "VolumeUniqueIdentifier")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("pending:{}", name.as_deref().unwrap_or("")));
    VolumeSpec {
        raid: RaidLevel::parse(ld.get("Raid").and_then(Value::as_str).unwrap_or("")),
        drives: strings(ld.get("DataDrives")),
        name,
        capacity_bytes: ld
            .get("CapacityGiB")
            .and_then(Value::as_u64)
            .map(|g| g * GIB),
        location: Some(location),
    }
}

/// The `LogicalDrives` entry for a logical drive that stays (as read) or is created.
fn entry(spec: &VolumeSpec) -> Value {
    let mut o = serde_json::Map::new();
    if let Some(n) = &spec.name {
        o.insert("LogicalDriveName".into(), json!(n));
    }
    o.insert("Raid".into(), json!(spec.raid.smart_array()));
    o.insert("DataDrives".into(), json!(spec.drives));
    if let Some(b) = spec.capacity_bytes {
        o.insert("CapacityGiB".into(), json!(b / GIB));
    }
    if let Some(id) = spec
        .location
        .as_deref()
        .filter(|l| !l.starts_with("pending:"))
    {
        o.insert("VolumeUniqueIdentifier".into(), json!(id));
    }
    Value::Object(o)
}

/// The `LogicalDrives` entry deleting the logical drive `id` (its `VolumeUniqueIdentifier`).
fn delete_entry(id: &str) -> Value {
    json!({
        "Actions": [{"Action": "LogicalDriveDelete"}],
        "VolumeUniqueIdentifier": id,
    })
}

/// The Smart Array change set turning `live` into `want`: one `PUT` of the whole `LogicalDrives`
/// list to the pending settings (carried by the first change), deletions first. Pure.
pub fn diff_smart_array(target: &str, live: &VolumeLayout, want: &VolumeLayout) -> ChangeSet {
    let mut set = ChangeSet::new(target);
    let settings = live
        .facts
        .as_ref()
        .and_then(|f| f.collection.clone())
        .unwrap_or_default();
    let (pairs, unmatched) = match_volumes(live, want);
    let mut list: Vec<Value> = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    let mut keeps: Vec<Change> = Vec::new();
    let mut creates = 0;
    for l in &unmatched {
        let at = l.location.clone().unwrap_or_default();
        if want.exclusive {
            // A requested drive not created yet is dropped from the list; a real one is deleted.
            if !at.starts_with("pending:") {
                list.push(delete_entry(&at));
            }
            changes.push(
                Change::new(Action::Delete, format!("logical drive {at}"))
                    .field(FieldChange::removed("logical drive", l.describe()))
                    .reason("not in the exclusive layout: its data is lost at the next reset"),
            );
        } else {
            list.push(entry(l));
            keeps.push(
                Change::new(Action::Keep, format!("logical drive {at}")).reason(format!(
                    "{}: not in the layout, kept (an exclusive layout deletes it)",
                    l.describe()
                )),
            );
        }
    }
    for (w, l) in &pairs {
        match l {
            Some(l) => {
                list.push(entry(l));
                keeps.push(Change::new(
                    Action::Keep,
                    format!("logical drive {}", l.location.as_deref().unwrap_or("?")),
                ));
            }
            None => {
                list.push(entry(w));
                creates += 1;
                let mut c = Change::new(Action::Create, format!("logical drive {}", w.describe()))
                    .field(FieldChange::added("Raid", w.raid.smart_array()))
                    .field(FieldChange::added("DataDrives", w.drives.join(", ")))
                    .reason("created by the controller at the next reset");
                if let Some(n) = &w.name {
                    c = c.field(FieldChange::added("LogicalDriveName", n));
                }
                if let Some(b) = w.capacity_bytes {
                    c = c.field(FieldChange::added("CapacityGiB", b / GIB));
                }
                changes.push(c);
            }
        }
    }
    if let Some(first) = changes.first_mut() {
        let guard = if creates > 0 {
            "Disabled"
        } else {
            "Permissive"
        };
        // Deletions the pending settings already hold stay requested.
        if let Some(f) = live.facts.as_ref() {
            for id in &f.pending_deletions {
                list.insert(0, delete_entry(id));
            }
        }
        let body = json!({ "DataGuard": guard, "LogicalDrives": list });
        first.commands.push(format!("PUT {settings} {body}"));
    }
    for c in changes {
        set.push(c);
    }
    for k in keeps {
        set.push(k);
    }
    set
}

impl SmartStorageVolumes {
    /// The logical drives of `system`'s (first) Smart Array controller.
    pub fn new(system: SystemHandle) -> Self {
        SmartStorageVolumes {
            system,
            location: None,
        }
    }

    /// The controller whose `SmartStorageConfig` has this `Location` (`Slot 2`, `Embedded RAID`),
    /// for servers with several.
    pub fn at_location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    fn name(&self) -> String {
        format!(
            "{} {} smart array {}",
            self.system.client().target(),
            self.system.path(),
            self.location.as_deref().unwrap_or("(first)")
        )
    }

    /// The controller's current configuration and its pending settings path.
    async fn config(&self) -> Result<(Value, String)> {
        let client = self.system.client();
        let sys: Value = client.get(self.system.path()).await?;
        let configs: Vec<String> = sys
            .pointer("/Oem/Hpe/SmartStorageConfig")
            .or_else(|| sys.pointer("/Oem/Hpe/Links/SmartStorageConfig"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Link::from_value)
                    .map(|l| l.odata_id)
                    .collect()
            })
            .unwrap_or_default();
        if configs.is_empty() {
            return Err(IloError::Unsupported {
                target: self.name(),
                message: format!(
                    "{} links no Oem.Hpe.SmartStorageConfig: this is not an iLO 5 with a Smart Array controller (use hermes_ilo::volumes::StorageVolumes for standard Redfish storage)",
                    self.system.path()
                ),
            });
        }
        let mut seen = Vec::new();
        for c in &configs {
            let v: Value = client.get(c).await?;
            let loc = text(&v, "Location").unwrap_or_default();
            if self
                .location
                .as_deref()
                .is_none_or(|want| want.eq_ignore_ascii_case(&loc))
            {
                let settings = v
                    .pointer("/@Redfish.Settings/SettingsObject")
                    .and_then(Link::from_value)
                    .map(|l| l.odata_id)
                    .ok_or_else(|| IloError::Unsupported {
                        target: self.name(),
                        message: format!("{c} has no @Redfish.Settings.SettingsObject to write pending logical drives to"),
                    })?;
                return Ok((v, settings));
            }
            seen.push(loc);
        }
        Err(IloError::invalid(
            self.name(),
            format!(
                "no Smart Array controller at location {:?} (the system has: {}): name one of those",
                self.location.as_deref().unwrap_or(""),
                seen.join(", ")
            ),
        ))
    }

    /// Reads the controller: its physical drives, and its logical drives as they will be after
    /// the next reset (the pending settings where they differ from the current configuration).
    pub async fn live(&self) -> Result<VolumeLayout> {
        let (current, settings) = self.config().await?;
        let pending: Value = self.system.client().get(&settings).await?;
        let source = if pending.get("LogicalDrives").is_some_and(Value::is_array) {
            &pending
        } else {
            &current
        };
        let lds: Vec<&Value> = source
            .get("LogicalDrives")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter(|ld| !is_deleted(ld)).collect())
            .unwrap_or_default();
        let volumes: Vec<VolumeSpec> = lds.iter().map(|ld| spec_of(ld)).collect();
        let pending_deletions: Vec<String> = source
            .get("LogicalDrives")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|ld| is_deleted(ld))
            .filter_map(|ld| text(ld, "VolumeUniqueIdentifier"))
            .collect();
        let drives = current
            .get("PhysicalDrives")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| text(d, "Location"))
            .map(|loc| DriveFact {
                volumes: volumes
                    .iter()
                    .filter(|v| v.drives.iter().any(|x| x.eq_ignore_ascii_case(&loc)))
                    .filter_map(|v| v.location.clone())
                    .collect(),
                path: loc.clone(),
                id: loc,
            })
            .collect();
        Ok(VolumeLayout {
            volumes,
            exclusive: false,
            facts: Some(StorageFacts {
                target: self.name(),
                collection: Some(settings),
                drives,
                name_property: "LogicalDriveName".into(),
                level_property: "Raid".into(),
                pending_deletions,
                ..Default::default()
            }),
        })
    }
}

#[async_trait]
impl Configurable for SmartStorageVolumes {
    type Model = VolumeLayout;

    fn target(&self) -> String {
        self.name()
    }

    async fn read(&self) -> hermes_core::Result<VolumeLayout> {
        Ok(self.live().await?)
    }

    fn diff(&self, live: &VolumeLayout, want: &VolumeLayout) -> ChangeSet {
        diff_smart_array(&self.target(), live, want)
    }

    /// Reads, checks the layout (drives by location, counts per level, whole GiB sizes), diffs.
    async fn plan(&self, want: &VolumeLayout) -> hermes_core::Result<ChangeSet> {
        let live = self.live().await?;
        for v in &want.volumes {
            if let Some(b) = v.capacity_bytes {
                if b == 0 || b % GIB != 0 {
                    return Err(IloError::invalid(
                        self.name(),
                        format!(
                            "logical drive {}: {b} bytes is not a whole number of GiB: Smart Array sizes are CapacityGiB; give a multiple of {GIB}",
                            v.describe()
                        ),
                    )
                    .into());
                }
            }
        }
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
                        format!("change {:?} has no `PUT PATH JSON` command: build change sets with diff()", change.resource),
                    )
                };
                let rest = line.strip_prefix("PUT ").ok_or_else(bad)?;
                let (path, body) = rest.split_once(' ').ok_or_else(bad)?;
                let body: Value = serde_json::from_str(body).map_err(|_| bad())?;
                let count = body["LogicalDrives"].as_array().map_or(0, Vec::len);
                let req = RedfishRequest::put(path, body);
                let resp = client.send(&req).await?;
                client
                    .follow_task(resp, std::time::Duration::from_secs(300))
                    .await?;
                report.output.push(format!(
                    "{count} logical drive entr{} written to {path}",
                    if count == 1 { "y" } else { "ies" }
                ));
            }
            report.applied += 1;
        }
        if report.applied > 0 {
            report.restart_required = true;
            report.output.push(
                "restart the server: the Smart Array applies the pending logical drives during the next POST (check the configuration's Messages afterwards)".into(),
            );
        }
        Ok(report)
    }
}
