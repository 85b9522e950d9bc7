//! The inventory report: systems (model, serial, BIOS, CPU, memory, power, NICs with MACs, processors,
//! storage and drives, secure boot), chassis, managers (firmware) and the firmware inventory, gathered by
//! following links from the service root — nothing assumes a vendor's paths (`/Systems/1`,
//! `System.Embedded.1` and `437XR1138R2` are found the same way).
//!
//! What a service does not offer (sushy has no firmware inventory, Redfish 1.0 services no `Storage`)
//! is left empty. What it links but cannot serve — a member that answers 404 or 500, a body that is
//! not the resource it should be — is recorded in [`Inventory::gaps`], naming the resource and why,
//! and the rest of the report is still gathered; authentication, throttling, transport errors and
//! timeouts concern the BMC as a whole and stop the report.
//!
//! ```no_run
//! # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
//! let report = bmc.inventory().await?;
//! println!("{report}");
//! for gap in &report.gaps {
//!     eprintln!("not read: {gap}");
//! }
//! # Ok(()) }
//! ```

use std::fmt;

use hermes_core::{Classify, ErrorKind};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Client;
use crate::error::{IloError, Result};
use crate::models::{
    Chassis, ComputerSystem, Drive, EthernetInterface, Manager, Processor, SecureBoot,
    SimpleStorage, SoftwareInventory, Storage, UpdateService, Volume,
};

/// A storage subsystem and its drives.
#[derive(Debug, Clone, Serialize)]
pub struct StorageInventory {
    /// The storage subsystem (controllers inline).
    pub storage: Storage,
    /// Its drives.
    pub drives: Vec<Drive>,
    /// Its volumes (empty where it links no `Volumes` collection).
    pub volumes: Vec<Volume>,
}

/// One system and what hangs off it.
#[derive(Debug, Clone, Serialize)]
pub struct SystemInventory {
    /// The system.
    pub system: ComputerSystem,
    /// Its NICs.
    pub nics: Vec<EthernetInterface>,
    /// Its processors (empty where the service has no `Processors` collection; the summary is in
    /// `system.processor_summary`).
    pub processors: Vec<Processor>,
    /// Its storage subsystems and drives (`Storage`, Redfish 1.1+).
    pub storage: Vec<StorageInventory>,
    /// Its simple storage controllers (`SimpleStorage`, Redfish 1.0), where the service has them.
    pub simple_storage: Vec<SimpleStorage>,
    /// Its secure boot state, where the service has one.
    pub secure_boot: Option<SecureBoot>,
}

impl SystemInventory {
    /// Every drive of every storage subsystem.
    pub fn drives(&self) -> impl Iterator<Item = &Drive> {
        self.storage.iter().flat_map(|s| s.drives.iter())
    }
}

/// A resource the service links but could not serve, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// What it is (`EthernetInterfaces of /redfish/v1/Systems/1`).
    pub what: String,
    /// The resource path.
    pub path: String,
    /// Why it could not be read (the HTTP status and Redfish message, or the parse error).
    pub error: String,
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.what, self.path, self.error)
    }
}

/// Everything a BMC reports about its hardware and firmware.
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    /// The BMC.
    pub bmc: String,
    /// Its systems.
    pub systems: Vec<SystemInventory>,
    /// Its chassis.
    pub chassis: Vec<Chassis>,
    /// Its managers.
    pub managers: Vec<Manager>,
    /// The firmware inventory (empty where the service has none).
    pub firmware: Vec<SoftwareInventory>,
    /// What the service links but could not serve (empty for a complete report).
    pub gaps: Vec<Gap>,
}

/// Collects what a service links but cannot serve.
struct Gaps(Vec<Gap>);

impl Gaps {
    /// `Ok(Some)`, or `Ok(None)` with a gap recorded when the resource is missing, unsupported or
    /// malformed; other errors (auth, transport) are returned.
    fn take<T>(&mut self, what: &str, path: &str, r: Result<T>) -> Result<Option<T>> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e) if is_gap(&e) => {
                self.push(what, path, &e);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn push(&mut self, what: &str, path: &str, e: &IloError) {
        let path = match e {
            IloError::Status { path, .. } | IloError::Malformed { path, .. } => path.clone(),
            _ => path.to_string(),
        };
        self.0.push(Gap {
            what: what.to_string(),
            path,
            error: e.to_string(),
        });
    }
}

/// Whether an error concerns only the resource read (recorded as a gap: missing, unsupported,
/// malformed, or refused by the BMC with an error of its own), rather than the BMC as a whole (auth,
/// throttling, transport, timeouts), which stops the report.
fn is_gap(e: &IloError) -> bool {
    match e {
        IloError::Step { source, .. } => is_gap(source),
        IloError::Status { .. } => !matches!(
            e.kind(),
            ErrorKind::Auth | ErrorKind::Throttled | ErrorKind::Transport | ErrorKind::Timeout
        ),
        _ => matches!(
            e.kind(),
            ErrorKind::NotFound | ErrorKind::Unsupported | ErrorKind::Malformed
        ),
    }
}

impl Client {
    /// Reads a collection for the report: the members that can be read, and a gap for each that
    /// cannot (or for the collection itself).
    async fn gather<T: DeserializeOwned + Send>(
        &self,
        gaps: &mut Gaps,
        what: &str,
        path: &str,
    ) -> Result<Vec<T>> {
        match self.list_partial::<T>(path).await {
            Ok((items, failed)) => {
                for e in failed {
                    if !is_gap(&e) {
                        return Err(e);
                    }
                    gaps.push(what, path, &e);
                }
                Ok(items)
            }
            Err(e) => Ok(gaps.take::<Vec<T>>(what, path, Err(e))?.unwrap_or_default()),
        }
    }

    /// Gathers the [`Inventory`].
    pub async fn inventory(&self) -> Result<Inventory> {
        let root = self.service_root().await?;
        let mut gaps = Gaps(Vec::new());
        let mut systems = Vec::new();
        for handle in self.systems().await? {
            let Some(system) = gaps.take("system", handle.path(), handle.get().await)? else {
                continue;
            };
            let of = |what: &str| format!("{what} of {}", system.odata_id);
            let nics = match &system.ethernet_interfaces {
                Some(l) => {
                    self.gather(&mut gaps, &of("EthernetInterfaces"), l.path())
                        .await?
                }
                None => Vec::new(),
            };
            let processors = match &system.processors {
                Some(l) => self.gather(&mut gaps, &of("Processors"), l.path()).await?,
                None => Vec::new(),
            };
            let mut storage = Vec::new();
            if let Some(l) = &system.storage {
                let subsystems: Vec<Storage> =
                    self.gather(&mut gaps, &of("Storage"), l.path()).await?;
                for s in subsystems {
                    let mut drives = Vec::new();
                    for d in &s.drives {
                        let what = format!("drive of {}", s.odata_id);
                        if let Some(drive) = gaps.take(&what, d.path(), self.get(d.path()).await)? {
                            drives.push(drive);
                        }
                    }
                    let volumes = match &s.volumes {
                        Some(l) => {
                            let what = format!("Volumes of {}", s.odata_id);
                            self.gather(&mut gaps, &what, l.path()).await?
                        }
                        None => Vec::new(),
                    };
                    storage.push(StorageInventory {
                        storage: s,
                        drives,
                        volumes,
                    });
                }
            }
            let simple_storage = match &system.simple_storage {
                Some(l) => {
                    self.gather(&mut gaps, &of("SimpleStorage"), l.path())
                        .await?
                }
                None => Vec::new(),
            };
            let secure_boot = match system.secure_boot_link() {
                Some(l) => gaps.take(&of("SecureBoot"), l.path(), self.get(l.path()).await)?,
                None => None,
            };
            systems.push(SystemInventory {
                system,
                nics,
                processors,
                storage,
                simple_storage,
                secure_boot,
            });
        }
        let chassis = match &root.chassis {
            Some(l) => self.gather(&mut gaps, "Chassis", l.path()).await?,
            None => Vec::new(),
        };
        let managers = match &root.managers {
            Some(l) => self.gather(&mut gaps, "Managers", l.path()).await?,
            None => Vec::new(),
        };
        let mut firmware = Vec::new();
        if let Some(us) = &root.update_service {
            let svc = gaps.take(
                "UpdateService",
                us.path(),
                self.get::<UpdateService>(us.path()).await,
            )?;
            if let Some(fw) = svc.and_then(|s| s.firmware_inventory) {
                firmware = self
                    .gather(&mut gaps, "FirmwareInventory", fw.path())
                    .await?;
            }
        }
        Ok(Inventory {
            bmc: self.target().to_string(),
            systems,
            chassis,
            managers,
            firmware,
            gaps: gaps.0,
        })
    }
}

fn or_dash(v: Option<&str>) -> &str {
    match v {
        Some(s) if !s.trim().is_empty() => s.trim(),
        _ => "-",
    }
}

impl fmt::Display for Inventory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "BMC {}", self.bmc)?;
        for m in &self.managers {
            let fw = m.firmware_version.clone().or_else(|| {
                m.hpe()
                    .and_then(|h| h.firmware.as_ref())
                    .and_then(|fw| fw.current.as_ref())
                    .and_then(|c| c.version_string.clone())
            });
            writeln!(
                f,
                "  manager {}: {} firmware {}",
                m.id,
                or_dash(m.model.as_deref()),
                or_dash(fw.as_deref())
            )?;
        }
        for s in &self.systems {
            let sys = &s.system;
            writeln!(
                f,
                "  system {} ({}): {} {} serial {} BIOS {} power {}",
                sys.id,
                or_dash(sys.name.as_deref()),
                or_dash(sys.manufacturer.as_deref()),
                or_dash(sys.model.as_deref()),
                or_dash(sys.serial_number.as_deref()),
                or_dash(sys.bios_version.as_deref()),
                sys.power_state
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".into()),
            )?;
            let cpus = sys.processor_summary.as_ref().and_then(|p| p.count);
            let mem = sys.memory_summary.as_ref().and_then(|m| m.total_gib);
            writeln!(
                f,
                "    cpu {} x {}, memory {} GiB, secure boot {}",
                cpus.map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
                or_dash(sys.cpu_model()),
                mem.map(|m| m.to_string()).unwrap_or_else(|| "-".into()),
                match s.secure_boot.as_ref().and_then(|b| b.secure_boot_enable) {
                    Some(true) => "enabled",
                    Some(false) => "disabled",
                    None => "-",
                }
            )?;
            for p in &s.processors {
                writeln!(
                    f,
                    "    processor {}: {} {} cores {} threads {}",
                    p.id,
                    or_dash(p.manufacturer.as_deref()),
                    or_dash(p.model.as_deref()),
                    p.total_cores
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "-".into()),
                    p.total_threads
                        .map(|c| c.to_string())
                        .unwrap_or_else(|| "-".into()),
                )?;
            }
            for st in &s.storage {
                writeln!(
                    f,
                    "    storage {}: {} drive(s), {} volume(s)",
                    or_dash(st.storage.name.as_deref().or(Some(st.storage.id.as_str()))),
                    st.drives.len(),
                    st.volumes.len()
                )?;
                for v in &st.volumes {
                    writeln!(
                        f,
                        "      volume {} ({}): {} {} bytes on {} drive(s) {}",
                        v.id,
                        or_dash(v.name.as_deref()),
                        or_dash(v.raid()),
                        v.capacity_bytes
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "-".into()),
                        v.links.drives.len(),
                        or_dash(v.status.as_ref().and_then(|s| s.health.as_deref())),
                    )?;
                }
                for d in &st.drives {
                    writeln!(
                        f,
                        "      drive {}: {} {} {} bytes serial {}",
                        d.id,
                        or_dash(d.media_type.as_deref()),
                        or_dash(d.model.as_deref()),
                        d.capacity_bytes
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "-".into()),
                        or_dash(d.serial_number.as_deref()),
                    )?;
                }
            }
            for ss in &s.simple_storage {
                writeln!(
                    f,
                    "    simple storage {}: {} device(s)",
                    or_dash(ss.name.as_deref().or(Some(ss.id.as_str()))),
                    ss.devices.len()
                )?;
                for d in &ss.devices {
                    writeln!(
                        f,
                        "      device {}: {} {} bytes",
                        or_dash(d.name.as_deref()),
                        or_dash(d.model.as_deref()),
                        d.capacity_bytes
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "-".into()),
                    )?;
                }
            }
            for nic in &s.nics {
                let ips: Vec<&str> = nic
                    .ipv4_addresses
                    .iter()
                    .filter_map(|a| a.address.as_deref())
                    .collect();
                writeln!(
                    f,
                    "    nic {}: {} {} {}",
                    nic.id,
                    or_dash(nic.mac_address.as_deref()),
                    or_dash(nic.link_status.as_deref()),
                    if ips.is_empty() {
                        "-".to_string()
                    } else {
                        ips.join(",")
                    }
                )?;
            }
        }
        for c in &self.chassis {
            writeln!(
                f,
                "  chassis {}: {} {} {} serial {}",
                c.id,
                or_dash(c.chassis_type.as_deref()),
                or_dash(c.manufacturer.as_deref()),
                or_dash(c.model.as_deref()),
                or_dash(c.serial_number.as_deref()),
            )?;
        }
        for fw in &self.firmware {
            // A name several entries share (OpenBMC names every entry "Software Inventory"; Dell
            // lists a component's installed and rollback images under one name) is told apart by Id.
            let shared = self
                .firmware
                .iter()
                .filter(|other| other.name == fw.name)
                .count()
                > 1;
            let name = or_dash(fw.name.as_deref());
            let label = if shared && !fw.id.is_empty() {
                format!("{name} ({})", fw.id)
            } else {
                name.to_string()
            };
            let standby = if fw.is_standby() {
                " (not running: a rollback or staged image)"
            } else {
                ""
            };
            writeln!(
                f,
                "  firmware {label}: {}{standby}",
                or_dash(fw.version.as_deref())
            )?;
        }
        for g in &self.gaps {
            writeln!(f, "  not read: {g}")?;
        }
        Ok(())
    }
}
