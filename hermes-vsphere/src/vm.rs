//! Operations on one virtual machine: clone, reconfigure, power, destroy. Each submits a task and waits
//! for it through the session's shared task waiter.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> Result<(), hermes_vsphere::VsphereError> {
//! use hermes_vsphere::vm::CloneSpec;
//! let template = client.find_by_path("/DC0/vm/tmpl-linux").await?;
//! let folder = client.find_by_path("/DC0/vm").await?;
//! let pool = client.find_by_path("/DC0/host/DC0_C0/Resources").await?;
//! let spec = CloneSpec::new(pool).cpus(2).memory_mb(4096).power_on(true);
//! let vm = client.clone_vm(&template, &folder, "web-001", &spec).await?;
//! client.power_off(&vm).await?;
//! client.destroy(&vm).await?;
//! # Ok(()) }
//! ```

use std::net::Ipv4Addr;

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::MoRef;
use crate::xml::XmlWriter;

/// Guest customization: host name, optional static IPv4 and DNS (Linux prep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customization {
    /// The guest host name.
    pub hostname: String,
    /// The DNS domain.
    pub domain: String,
    /// DNS servers.
    pub dns_servers: Vec<Ipv4Addr>,
    /// A static address for the first NIC (`None`: DHCP).
    pub ip: Option<StaticIp>,
}

/// A static IPv4 setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticIp {
    /// The address.
    pub address: Ipv4Addr,
    /// The prefix length (24 → 255.255.255.0).
    pub prefix: u8,
    /// The default gateway.
    pub gateway: Option<Ipv4Addr>,
}

impl StaticIp {
    /// The dotted netmask for the prefix.
    pub fn netmask(&self) -> Ipv4Addr {
        let bits = if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix.min(32)))
        };
        Ipv4Addr::from(bits)
    }
}

impl Customization {
    /// Writes a `CustomizationSpec` (identity, global IP settings, NIC map) in schema order.
    pub fn write(&self, w: &mut XmlWriter) {
        w.elem("identity", "CustomizationLinuxPrep", |w| {
            w.elem("hostName", "CustomizationFixedName", |w| {
                w.text("name", &self.hostname);
            });
            w.text("domain", &self.domain);
        });
        w.elem("globalIPSettings", "", |w| {
            for d in &self.dns_servers {
                w.text("dnsServerList", d);
            }
        });
        w.elem("nicSettingMap", "", |w| {
            w.elem("adapter", "", |w| match &self.ip {
                Some(ip) => {
                    w.elem("ip", "CustomizationFixedIp", |w| {
                        w.text("ipAddress", ip.address);
                    });
                    w.text("subnetMask", ip.netmask());
                    if let Some(g) = ip.gateway {
                        w.text("gateway", g);
                    }
                }
                None => {
                    w.elem("ip", "CustomizationDhcpIpGenerator", |_| {});
                }
            });
        });
    }
}

/// How to clone: where (pool, host, datastore), the hardware, extra configuration, customization and
/// whether to power on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneSpec {
    /// The resource pool (required by vSphere when cloning a template).
    pub pool: MoRef,
    /// The host to place the VM on (vcsim 0.24 ignores it).
    pub host: Option<MoRef>,
    /// The datastore for the VM's files.
    pub datastore: Option<MoRef>,
    /// vCPUs.
    pub cpus: Option<i32>,
    /// Memory in MiB.
    pub memory_mb: Option<i64>,
    /// `extraConfig` key/values (Hermes marks fleet VMs with `hermes.fleet`).
    pub extra_config: Vec<(String, String)>,
    /// The annotation (notes).
    pub annotation: Option<String>,
    /// Guest customization.
    pub customization: Option<Customization>,
    /// Power on after cloning.
    pub power_on: bool,
}

impl CloneSpec {
    /// A spec placing the clone in `pool`, hardware as the template's, not powered on.
    pub fn new(pool: MoRef) -> Self {
        CloneSpec {
            pool,
            host: None,
            datastore: None,
            cpus: None,
            memory_mb: None,
            extra_config: Vec::new(),
            annotation: None,
            customization: None,
            power_on: false,
        }
    }
    /// Places the clone on `host`.
    pub fn host(mut self, host: MoRef) -> Self {
        self.host = Some(host);
        self
    }
    /// Puts the clone's files on `datastore`.
    pub fn datastore(mut self, ds: MoRef) -> Self {
        self.datastore = Some(ds);
        self
    }
    /// Sets the vCPU count.
    pub fn cpus(mut self, n: i32) -> Self {
        self.cpus = Some(n);
        self
    }
    /// Sets the memory size in MiB.
    pub fn memory_mb(mut self, mb: i64) -> Self {
        self.memory_mb = Some(mb);
        self
    }
    /// Adds an `extraConfig` entry.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_config.push((key.into(), value.into()));
        self
    }
    /// Sets the guest customization.
    pub fn customization(mut self, c: Customization) -> Self {
        self.customization = Some(c);
        self
    }
    /// Powers the clone on.
    pub fn power_on(mut self, yes: bool) -> Self {
        self.power_on = yes;
        self
    }

    /// Writes the `CloneVM_Task` parameters after `_this`: folder, name, spec (schema order).
    pub fn write(&self, folder: &MoRef, name: &str, w: &mut XmlWriter) {
        w.moref("folder", folder).text("name", name);
        w.elem("spec", "", |w| {
            w.elem("location", "", |w| {
                if let Some(ds) = &self.datastore {
                    w.moref("datastore", ds);
                }
                w.moref("pool", &self.pool);
                if let Some(h) = &self.host {
                    w.moref("host", h);
                }
            });
            w.text("template", "false");
            w.elem("config", "", |w| {
                w.opt_text("annotation", self.annotation.as_ref());
                w.opt_text("numCPUs", self.cpus);
                w.opt_text("memoryMB", self.memory_mb);
                for (k, v) in &self.extra_config {
                    w.elem("extraConfig", "OptionValue", |w| {
                        w.text("key", k);
                        w.elem("value", "xsd:string", |w| {
                            w.raw_text(v);
                        });
                    });
                }
            });
            if let Some(c) = &self.customization {
                w.elem("customization", "", |w| c.write(w));
            }
            w.text("powerOn", self.power_on);
        });
    }
}

impl Client {
    /// Clones `template` into `folder` as `name`; returns the new VM.
    pub async fn clone_vm(
        &self,
        template: &MoRef,
        folder: &MoRef,
        name: &str,
        spec: &CloneSpec,
    ) -> Result<MoRef> {
        let done = self
            .run_task("CloneVM_Task", template, |w| spec.write(folder, name, w))
            .await?;
        done.moref().ok_or_else(|| {
            self.malformed(
                "CloneVM_Task",
                format!("task {} succeeded without a VM as result", done.task),
            )
        })
    }

    /// Changes vCPUs and/or memory (`ReconfigVM_Task`).
    pub async fn reconfigure(
        &self,
        vm: &MoRef,
        cpus: Option<i32>,
        memory_mb: Option<i64>,
    ) -> Result<()> {
        self.run_task("ReconfigVM_Task", vm, |w| {
            w.elem("spec", "", |w| {
                w.opt_text("numCPUs", cpus);
                w.opt_text("memoryMB", memory_mb);
            });
        })
        .await
        .map(|_| ())
    }

    /// Powers a VM on (`PowerOnVM_Task`).
    pub async fn power_on(&self, vm: &MoRef) -> Result<()> {
        self.run_task("PowerOnVM_Task", vm, |_| {})
            .await
            .map(|_| ())
    }

    /// Powers a VM off (`PowerOffVM_Task`, a hard power-off).
    pub async fn power_off(&self, vm: &MoRef) -> Result<()> {
        self.run_task("PowerOffVM_Task", vm, |_| {})
            .await
            .map(|_| ())
    }

    /// Destroys a VM and its files (`Destroy_Task`). It must be powered off.
    pub async fn destroy(&self, vm: &MoRef) -> Result<()> {
        self.run_task("Destroy_Task", vm, |_| {}).await.map(|_| ())
    }

    /// Powers off (if on) and destroys a VM; a VM that is already gone counts as destroyed.
    pub async fn power_off_and_destroy(&self, vm: &MoRef, powered_on: bool) -> Result<()> {
        if powered_on {
            match self.power_off(vm).await {
                Ok(()) => {}
                Err(e) if e.fault() == Some(&crate::FaultKind::InvalidPowerState) => {}
                Err(e) => return Err(e),
            }
        }
        match self.destroy(vm).await {
            Err(VsphereError::Fault {
                fault: crate::FaultKind::ManagedObjectNotFound,
                ..
            }) => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_spec_encodes_in_schema_order() {
        let spec = CloneSpec::new(MoRef::new("ResourcePool", "resgroup-1"))
            .datastore(MoRef::new("Datastore", "datastore-2"))
            .host(MoRef::new("HostSystem", "host-3"))
            .cpus(2)
            .memory_mb(2048)
            .extra("hermes.fleet", "web")
            .customization(Customization {
                hostname: "web-001".into(),
                domain: "lab.local".into(),
                dns_servers: vec![Ipv4Addr::new(10, 0, 0, 2)],
                ip: Some(StaticIp {
                    address: Ipv4Addr::new(10, 0, 1, 10),
                    prefix: 24,
                    gateway: Some(Ipv4Addr::new(10, 0, 1, 1)),
                }),
            })
            .power_on(true);
        let mut w = XmlWriter::new();
        spec.write(&MoRef::new("Folder", "group-v3"), "web-001", &mut w);
        let xml = w.finish();
        let order = [
            "<folder type=\"Folder\">group-v3</folder>",
            "<name>web-001</name>",
            "<location><datastore type=\"Datastore\">datastore-2</datastore><pool type=\"ResourcePool\">resgroup-1</pool><host type=\"HostSystem\">host-3</host></location>",
            "<template>false</template>",
            "<numCPUs>2</numCPUs><memoryMB>2048</memoryMB>",
            "<extraConfig xsi:type=\"OptionValue\"><key>hermes.fleet</key><value xsi:type=\"xsd:string\">web</value></extraConfig>",
            "<identity xsi:type=\"CustomizationLinuxPrep\"><hostName xsi:type=\"CustomizationFixedName\"><name>web-001</name></hostName><domain>lab.local</domain></identity>",
            "<dnsServerList>10.0.0.2</dnsServerList>",
            "<ip xsi:type=\"CustomizationFixedIp\"><ipAddress>10.0.1.10</ipAddress></ip><subnetMask>255.255.255.0</subnetMask><gateway>10.0.1.1</gateway>",
            "<powerOn>true</powerOn>",
        ];
        let mut at = 0;
        for part in order {
            let pos = xml[at..]
                .find(part)
                .unwrap_or_else(|| panic!("{part} missing after {at} in {xml}"));
            at += pos + part.len();
        }
    }
}
