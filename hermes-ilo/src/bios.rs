//! BIOS attributes as a [`hermes_core::Configurable`]: read the attributes (current, overlaid with the
//! pending `Bios/Settings` the server applies at its next reboot), diff them against a desired subset,
//! and apply the difference to the pending settings object named by `@Redfish.Settings` (never the
//! current `Bios` resource, which is read-only on iLO 5). Applying reports `restart_required`.
//!
//! ```no_run
//! # async fn demo(server: hermes_ilo::SystemHandle) -> hermes_core::Result<()> {
//! use hermes_core::{Configurable, Mode};
//! use hermes_ilo::bios::{BiosAttributes, BiosSettings};
//! let bios = BiosSettings::new(server);
//! let want = BiosAttributes::new()
//!     .set("WorkloadProfile", "Virtualization-MaxPerformance")
//!     .set("BootMode", "Uefi");
//! let report = bios.converge(&want, Mode::Apply).await?;
//! println!("{}", report.plan);
//! if report.applied.is_some_and(|a| a.restart_required) {
//!     println!("reboot the server to apply the BIOS settings");
//! }
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use async_trait::async_trait;
use hermes_core::{Action, ApplyReport, Change, ChangeSet, Configurable, FieldChange};
use serde_json::Value;

use crate::error::{IloError, Result};
use crate::models::Bios;
use crate::system::SystemHandle;

/// A set of BIOS attributes (all of them when read; the ones you care about when desired).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BiosAttributes(pub BTreeMap<String, Value>);

impl BiosAttributes {
    /// No attributes.
    pub fn new() -> Self {
        Self::default()
    }
    /// With `name` set to `value`.
    pub fn set(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.insert(name.into(), value.into());
        self
    }
    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
    /// How many attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The change set turning `live` into `want` (only the attributes `want` names). Pure.
pub fn diff_attributes(target: &str, live: &BiosAttributes, want: &BiosAttributes) -> ChangeSet {
    let mut set = ChangeSet::new(target);
    for (name, value) in &want.0 {
        let resource = format!("bios attribute {name}");
        let command = format!("{name} = {value}");
        match live.0.get(name) {
            Some(cur) if cur == value => {
                set.push(Change::new(Action::Keep, resource));
            }
            Some(cur) => set.push(
                Change::new(Action::Update, resource)
                    .field(FieldChange::changed(name.clone(), show(cur), show(value)))
                    .command(command),
            ),
            None => set.push(
                Change::new(Action::Update, resource)
                    .field(FieldChange::added(name.clone(), show(value)))
                    .command(command)
                    .reason("the BIOS does not list this attribute: the BMC will likely refuse it"),
            ),
        }
    }
    set
}

/// Parses a change's `NAME = JSON` command back into the attribute and its value.
fn parse_command(line: &str) -> Option<(String, Value)> {
    let (name, json) = line.split_once(" = ")?;
    Some((name.to_string(), serde_json::from_str(json).ok()?))
}

/// A server's BIOS settings, driven through Redfish.
#[derive(Debug, Clone)]
pub struct BiosSettings {
    system: SystemHandle,
}

impl BiosSettings {
    /// The BIOS of `system`.
    pub fn new(system: SystemHandle) -> Self {
        BiosSettings { system }
    }

    async fn bios(&self) -> Result<Bios> {
        let sys = self.system.get().await?;
        // The standard `Bios` link, else HPE's OEM one (iLO 4: `Oem.Hp.links.BIOS`).
        let link = sys.bios_link().ok_or_else(|| IloError::Unsupported {
            target: self.system.client().target().to_string(),
            message: format!(
                "{} has no Bios resource (neither a Bios link nor an Oem.Hpe/Oem.Hp BIOS link)",
                self.system.path()
            ),
        })?;
        self.system.client().get(link.path()).await
    }

    /// The current attributes (what the server runs now).
    pub async fn current(&self) -> Result<BiosAttributes> {
        Ok(BiosAttributes(self.bios().await?.all_attributes()))
    }

    /// The pending attributes (applied at the next reboot), if the service has a settings object.
    pub async fn pending(&self) -> Result<Option<BiosAttributes>> {
        let bios = self.bios().await?;
        match bios.settings_path() {
            Some(p) => {
                let pending: Bios = self.system.client().get(p).await?;
                Ok(Some(BiosAttributes(pending.all_attributes())))
            }
            None => Ok(None),
        }
    }

    /// The attributes the server will run after its next reboot: current overlaid with pending.
    pub async fn effective(&self) -> Result<BiosAttributes> {
        let bios = self.bios().await?;
        let mut attrs = bios.all_attributes();
        if let Some(p) = bios.settings_path() {
            let pending: Bios = self.system.client().get(p).await?;
            attrs.extend(pending.all_attributes());
        }
        Ok(BiosAttributes(attrs))
    }
}

#[async_trait]
impl Configurable for BiosSettings {
    type Model = BiosAttributes;

    fn target(&self) -> String {
        format!("{} {}", self.system.client().target(), self.system.path())
    }

    async fn read(&self) -> hermes_core::Result<BiosAttributes> {
        Ok(self.effective().await?)
    }

    fn diff(&self, live: &BiosAttributes, want: &BiosAttributes) -> ChangeSet {
        diff_attributes(&self.target(), live, want)
    }

    async fn apply(&self, changes: &ChangeSet) -> hermes_core::Result<ApplyReport> {
        let mut attrs = serde_json::Map::new();
        let mut applied = 0;
        for change in changes.actionable() {
            for line in &change.commands {
                let (name, value) = parse_command(line).ok_or_else(|| {
                    IloError::invalid(
                        self.target(),
                        format!("change {:?} has no `NAME = JSON` command: build change sets with diff()", change.resource),
                    )
                })?;
                attrs.insert(name, value);
            }
            applied += 1;
        }
        if attrs.is_empty() {
            return Ok(ApplyReport {
                target: self.target(),
                ..Default::default()
            });
        }
        let bios = self.bios().await?;
        let settings =
            bios.settings_path()
                .map(str::to_string)
                .ok_or_else(|| IloError::Unsupported {
                    target: self.system.client().target().to_string(),
                    message: format!(
                        "{} has no @Redfish.Settings object (nor a links.Settings link) to write pending BIOS settings to",
                        if bios.odata_id.is_empty() { "the BIOS resource" } else { bios.odata_id.as_str() }
                    ),
                })?;
        let (_, etag) = self
            .system
            .client()
            .get_with_etag::<Bios>(&settings)
            .await?;
        // iLO 4's HpBios takes the attributes as members of the settings resource itself, the way
        // it lists them; Redfish BIOS resources take an `Attributes` object.
        let body = if bios.is_flat() {
            Value::Object(attrs.clone())
        } else {
            serde_json::json!({ "Attributes": attrs })
        };
        self.system
            .client()
            .patch(&settings, body, etag.as_deref())
            .await?;
        Ok(ApplyReport {
            target: self.target(),
            applied,
            output: vec![format!(
                "{} attribute(s) written to {settings}; they take effect at the next reboot",
                attrs.len()
            )],
            restart_required: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_only_wanted_attributes_and_round_trips_values() {
        let live = BiosAttributes::new()
            .set("BootMode", "Uefi")
            .set("ProcSMT", "Enabled")
            .set("SerialConsoleBaudRate", 115200);
        let want = BiosAttributes::new()
            .set("BootMode", "Uefi")
            .set("ProcSMT", "Disabled")
            .set("SerialConsoleBaudRate", 9600)
            .set("NoSuchThing", true);
        let set = diff_attributes("ilo", &live, &want);
        assert_eq!(set.summary().update, 3);
        assert_eq!(set.summary().keep, 1);
        let text = set.render();
        assert!(
            text.contains("ProcSMT: \"Enabled\" -> \"Disabled\""),
            "{text}"
        );
        let parsed: Vec<_> = set
            .actionable()
            .flat_map(|c| c.commands.iter())
            .map(|l| parse_command(l).unwrap())
            .collect();
        assert!(parsed.contains(&("SerialConsoleBaudRate".into(), Value::from(9600))));
        assert!(parsed.contains(&("ProcSMT".into(), Value::from("Disabled"))));
        assert!(!diff_attributes("ilo", &live, &live).has_changes());
    }
}
