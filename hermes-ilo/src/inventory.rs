//! The inventory report: systems (model, serial, BIOS, CPU, memory, power, NICs, secure boot),
//! managers (firmware) and the firmware inventory, gathered by following links from the service root.
//! What a service lacks (sushy has no firmware inventory) is left empty, not an error.
//!
//! ```no_run
//! # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
//! let report = bmc.inventory().await?;
//! println!("{report}");
//! # Ok(()) }
//! ```

use std::fmt;

use serde::Serialize;

use crate::client::Client;
use crate::error::Result;
use crate::models::{
    ComputerSystem, EthernetInterface, Manager, SecureBoot, SoftwareInventory, UpdateService,
};
use crate::system::is_unsupported;

/// One system and what hangs off it.
#[derive(Debug, Clone, Serialize)]
pub struct SystemInventory {
    /// The system.
    pub system: ComputerSystem,
    /// Its NICs.
    pub nics: Vec<EthernetInterface>,
    /// Its secure boot state, where the service has one.
    pub secure_boot: Option<SecureBoot>,
}

/// Everything a BMC reports about its hardware and firmware.
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    /// The BMC.
    pub bmc: String,
    /// Its systems.
    pub systems: Vec<SystemInventory>,
    /// Its managers.
    pub managers: Vec<Manager>,
    /// The firmware inventory (empty where the service has none).
    pub firmware: Vec<SoftwareInventory>,
}

/// `Ok(None)` for "the service lacks it", the error otherwise.
fn optional<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_unsupported(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Client {
    /// Gathers the [`Inventory`].
    pub async fn inventory(&self) -> Result<Inventory> {
        let root = self.service_root().await?;
        let mut systems = Vec::new();
        for handle in self.systems().await? {
            let system = handle.get().await?;
            let nics = match &system.ethernet_interfaces {
                Some(l) => {
                    optional(self.list::<EthernetInterface>(l.path()).await)?.unwrap_or_default()
                }
                None => Vec::new(),
            };
            let secure_boot = match &system.secure_boot {
                Some(l) => optional(self.get::<SecureBoot>(l.path()).await)?,
                None => None,
            };
            systems.push(SystemInventory {
                system,
                nics,
                secure_boot,
            });
        }
        let managers = optional(self.managers().await)?.unwrap_or_default();
        let mut firmware = Vec::new();
        if let Some(us) = &root.update_service {
            if let Some(svc) = optional(self.get::<UpdateService>(us.path()).await)? {
                if let Some(fw) = svc.firmware_inventory {
                    firmware = optional(self.list(fw.path()).await)?.unwrap_or_default();
                }
            }
        }
        Ok(Inventory {
            bmc: self.target().to_string(),
            systems,
            managers,
            firmware,
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
        for fw in &self.firmware {
            writeln!(
                f,
                "  firmware {}: {}",
                or_dash(fw.name.as_deref()),
                or_dash(fw.version.as_deref())
            )?;
        }
        Ok(())
    }
}
