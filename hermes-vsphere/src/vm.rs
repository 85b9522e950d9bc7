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
use crate::model::{opt, req, FromNode, MoRef};
use crate::xml::{Node, XmlWriter};

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

/// Where a NIC connects: a standard port group or a distributed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkBacking {
    /// A standard vSwitch port group (`Network`).
    Standard {
        /// The port group's name.
        name: String,
        /// The `Network` object.
        network: MoRef,
    },
    /// A distributed port group.
    Distributed {
        /// The distributed switch's UUID.
        switch_uuid: String,
        /// The port group's key.
        portgroup_key: String,
    },
}

impl NetworkBacking {
    /// Writes the `backing` element.
    pub fn write(&self, w: &mut XmlWriter) {
        match self {
            NetworkBacking::Standard { name, network } => {
                w.elem("backing", "VirtualEthernetCardNetworkBackingInfo", |w| {
                    w.text("deviceName", name).moref("network", network);
                });
            }
            NetworkBacking::Distributed {
                switch_uuid,
                portgroup_key,
            } => {
                w.elem(
                    "backing",
                    "VirtualEthernetCardDistributedVirtualPortBackingInfo",
                    |w| {
                        w.elem("port", "", |w| {
                            w.text("switchUuid", switch_uuid)
                                .text("portgroupKey", portgroup_key);
                        });
                    },
                );
            }
        }
    }
}

/// One network card of a VM, as read from `config.hardware.device`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmNic {
    /// The device key (`4000`), which `guest.net[].deviceConfigId` refers to.
    pub key: i32,
    /// The device type (`VirtualVmxnet3`, `VirtualE1000`).
    pub device_type: String,
    /// The MAC address, if assigned.
    pub mac: Option<String>,
    /// A standard port group's name (`VM Network`), for a `VirtualEthernetCardNetworkBackingInfo`.
    pub network: Option<String>,
    /// A distributed port group's key, for a distributed-port backing.
    pub portgroup_key: Option<String>,
    /// Whether the card is connected (`connectable.connected`), if the server says.
    pub connected: Option<bool>,
}

/// The parts of a VM's `config` (`VirtualMachineConfigInfo`) Hermes reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmConfig {
    /// The VM's name.
    pub name: String,
    /// The BIOS UUID (`uuid`).
    pub uuid: String,
    /// Whether it is a template.
    pub template: bool,
    /// The guest OS id (`ubuntu64Guest`).
    pub guest_id: String,
    /// `hardware.numCPU`.
    pub num_cpu: i32,
    /// `hardware.memoryMB`.
    pub memory_mb: i64,
    /// The network cards, in device order.
    pub nics: Vec<VmNic>,
    /// `extraConfig` key/value pairs, in order.
    pub extra_config: Vec<(String, String)>,
}

impl FromNode for VmNic {
    fn from_node(d: &Node) -> std::result::Result<Self, String> {
        let backing = d.child("backing");
        Ok(VmNic {
            key: req(d, "key")?,
            device_type: d.xsi_type.clone().unwrap_or_else(|| d.name.clone()),
            mac: opt::<String>(d, "macAddress")?.map(|m| m.trim().to_string()),
            network: backing
                .and_then(|b| b.child_text("deviceName"))
                .map(|n| n.to_string()),
            portgroup_key: backing
                .and_then(|b| b.path(&["port", "portgroupKey"]))
                .map(|n| n.text.trim().to_string()),
            connected: d
                .child("connectable")
                .map(|c| opt::<bool>(c, "connected"))
                .transpose()?
                .flatten(),
        })
    }
}

impl FromNode for VmConfig {
    fn from_node(n: &Node) -> std::result::Result<Self, String> {
        let hw = n
            .child("hardware")
            .ok_or_else(|| format!("<{}> lacks <hardware>", n.name))?;
        Ok(VmConfig {
            name: req(n, "name")?,
            uuid: opt(n, "uuid")?.unwrap_or_default(),
            template: opt(n, "template")?.unwrap_or(false),
            guest_id: opt(n, "guestId")?.unwrap_or_default(),
            num_cpu: req(hw, "numCPU")?,
            memory_mb: req(hw, "memoryMB")?,
            nics: hw
                .children_named("device")
                .filter(|d| is_nic(d))
                .map(VmNic::from_node)
                .collect::<std::result::Result<_, _>>()?,
            extra_config: n
                .children_named("extraConfig")
                .filter_map(|o| {
                    Some((
                        o.child_text("key")?.to_string(),
                        o.child_text("value").unwrap_or_default().to_string(),
                    ))
                })
                .collect(),
        })
    }
}

/// Whether a device read from `config.hardware.device` is a network card.
pub fn is_nic(device: &Node) -> bool {
    device.child("macAddress").is_some()
        || device.xsi_type.as_deref().is_some_and(|t| {
            t.contains("E1000")
                || t.contains("Vmxnet")
                || t.contains("Pcnet")
                || t.contains("EthernetCard")
        })
}

/// A `deviceChange` that reconnects `nic` (a device node read from the server) to `backing`: the whole
/// device is sent back with only its backing replaced, as vSphere expects for an edit.
pub fn nic_edit(nic: &Node, backing: &NetworkBacking, w: &mut XmlWriter) {
    w.elem("deviceChange", "", |w| {
        w.text("operation", "edit");
        let mut dev = nic.clone();
        dev.name = "device".into();
        let mut b = XmlWriter::new();
        backing.write(&mut b);
        let new_backing = Node::parse(
            format!(
                "<x xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">{}</x>",
                b.finish()
            )
            .as_bytes(),
        )
        .ok()
        .and_then(|x| x.children.into_iter().next())
        .unwrap_or_default();
        match dev.children.iter_mut().find(|c| c.name == "backing") {
            Some(old) => *old = new_backing,
            None => dev.children.push(new_backing),
        }
        w.node(&dev);
    });
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
    /// The template NIC to reconnect, and where (`None`: as the template).
    pub network: Option<(Node, NetworkBacking)>,
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
            network: None,
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
                if let Some((nic, backing)) = &self.network {
                    nic_edit(nic, backing, w);
                }
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

    /// Reconnects the VM's NIC `nic` (a node of its `config.hardware.device`) to `backing`.
    pub async fn reconnect_nic(
        &self,
        vm: &MoRef,
        nic: &Node,
        backing: &NetworkBacking,
    ) -> Result<()> {
        self.run_task("ReconfigVM_Task", vm, |w| {
            w.elem("spec", "", |w| nic_edit(nic, backing, w));
        })
        .await
        .map(|_| ())
    }

    /// The first network card among a VM's `config.hardware.device`.
    pub async fn first_nic(&self, vm: &MoRef) -> Result<Option<Node>> {
        let o = self.retrieve_one(vm, &["config.hardware.device"]).await?;
        Ok(o.get("config.hardware.device")
            .and_then(|d| d.children.iter().find(|c| is_nic(c)).cloned()))
    }

    /// Resolves a network (standard or distributed port group) by name or path into a NIC backing.
    pub async fn network_backing(&self, what: &str) -> Result<NetworkBacking> {
        let net = self.resolve("Network", what).await?;
        if net.kind == "DistributedVirtualPortgroup" {
            let o = self
                .retrieve_one(&net, &["key", "config.distributedVirtualSwitch", "tag"])
                .await?;
            if crate::dvs::is_uplink_portgroup(&o) {
                return Err(VsphereError::InvalidInput {
                    target: self.target().to_string(),
                    message: format!(
                        "network {what:?} ({net}) is the uplink port group of its distributed \
                         switch: it carries the hosts' physical NICs, not VM NICs; choose one of \
                         the switch's other port groups"
                    ),
                });
            }
            let key = o
                .text("key")
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .ok_or_else(|| {
                    self.malformed(
                        "RetrievePropertiesEx",
                        format!("{net} has no port group key"),
                    )
                })?
                .to_string();
            let dvs: MoRef = o
                .decode("config.distributedVirtualSwitch")
                .map_err(|e| self.malformed("RetrievePropertiesEx", e))?
                .ok_or_else(|| {
                    self.malformed("RetrievePropertiesEx", format!("{net} has no switch"))
                })?;
            let d = self.retrieve_one(&dvs, &["uuid"]).await?;
            Ok(NetworkBacking::Distributed {
                switch_uuid: d.text("uuid").unwrap_or_default().to_string(),
                portgroup_key: key,
            })
        } else {
            let o = self.retrieve_one(&net, &["name"]).await?;
            Ok(NetworkBacking::Standard {
                name: o.text("name").unwrap_or_default().to_string(),
                network: net,
            })
        }
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
                // Gone already (a re-run after a dropped connection): the goal is met.
                Err(e) if e.fault() == Some(&crate::FaultKind::ManagedObjectNotFound) => {
                    return Ok(())
                }
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

    #[test]
    fn nic_edit_sends_the_whole_device_with_the_new_backing() {
        let dev = Node::parse(br#"<VirtualDevice xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="VirtualE1000"><key>4000</key><deviceInfo><label>Network adapter 1</label><summary>VM Network</summary></deviceInfo><backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName><network type="Network">network-7</network></backing><macAddress>00:0c:29:aa:bb:cc</macAddress></VirtualDevice>"#).unwrap();
        assert!(is_nic(&dev));
        let mut w = XmlWriter::new();
        let backing = NetworkBacking::Distributed {
            switch_uuid: "50 1a".into(),
            portgroup_key: "dvportgroup-12".into(),
        };
        nic_edit(&dev, &backing, &mut w);
        assert_eq!(
            w.finish(),
            concat!(
                "<deviceChange><operation>edit</operation><device xsi:type=\"VirtualE1000\"><key>4000</key>",
                "<deviceInfo><label>Network adapter 1</label><summary>VM Network</summary></deviceInfo>",
                "<backing xsi:type=\"VirtualEthernetCardDistributedVirtualPortBackingInfo\"><port>",
                "<switchUuid>50 1a</switchUuid><portgroupKey>dvportgroup-12</portgroupKey></port></backing>",
                "<macAddress>00:0c:29:aa:bb:cc</macAddress></device></deviceChange>"
            )
        );
    }
}
