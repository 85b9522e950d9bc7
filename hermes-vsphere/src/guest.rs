//! Waiting for guest IP addresses (reported by VMware Tools) of many VMs at once.
//!
//! One dedicated PropertyCollector with one filter over every VM (`guest.ipAddress`, `guest.net`),
//! followed with `WaitForUpdatesEx`: the server pushes each VM's change when its tools report an
//! address, so 200 VMs cost one wait per round, not 200 poll loops. The collector (and with it the
//! filter) is destroyed at the end, whatever happened.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client, vms: Vec<hermes_vsphere::MoRef>) -> Result<(), hermes_vsphere::VsphereError> {
//! let ips = client.wait_guest_ips(&vms, std::time::Duration::from_secs(300)).await?;
//! for g in &ips {
//!     match &g.ip {
//!         Some(ip) => println!("{} {ip}", g.vm),
//!         None => println!("{} no IP within 5 min (tools not running?)", g.vm),
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::error::Result;
use crate::model::{FromNode, MoRef};
use crate::vm::Customization;
use crate::xml::Node;

/// One VM's guest addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestIp {
    /// The VM.
    pub vm: MoRef,
    /// `guest.ipAddress`: the primary address, `None` if tools did not report one in time.
    pub ip: Option<String>,
    /// Every address of every NIC (`guest.net[].ipAddress`), in order.
    pub addresses: Vec<String>,
}

impl GuestIp {
    /// Reads a whole `GuestInfo` (the `guest` property of `vm`): the primary address
    /// (`ipAddress`) and every NIC's addresses (`net[].ipAddress`), in order. A guest without
    /// tools or without an address gives `ip: None` and no addresses.
    pub fn from_guest_info(vm: MoRef, guest: &Node) -> Self {
        GuestIp {
            vm,
            ip: guest
                .child_text("ipAddress")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            addresses: guest.children_named("net").flat_map(addresses_of).collect(),
        }
    }
}

/// The longest one `WaitForUpdatesEx` round waits for changes.
const ROUND_SECONDS: u64 = 5;

/// Reads the addresses of one `guest.net` value (`ArrayOfGuestNicInfo`).
fn nic_addresses(val: &Node) -> Vec<String> {
    val.children.iter().flat_map(addresses_of).collect()
}

/// The addresses of one `GuestNicInfo`.
fn addresses_of(nic: &Node) -> Vec<String> {
    nic.children_named("ipAddress")
        .map(|a| a.text.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect()
}

/// Applies one `ObjectUpdate` to the per-VM state.
fn apply(state: &mut HashMap<MoRef, GuestIp>, os: &Node) {
    let Some(Ok(obj)) = os.child("obj").map(MoRef::from_node) else {
        return;
    };
    let Some(g) = state.get_mut(&obj) else {
        return;
    };
    for change in os.children_named("changeSet") {
        let val = change.child("val");
        match change.child_text("name").unwrap_or_default() {
            "guest.ipAddress" => {
                g.ip = val
                    .map(|v| v.text.trim().to_string())
                    .filter(|s| !s.is_empty());
            }
            "guest.net" => g.addresses = val.map(nic_addresses).unwrap_or_default(),
            _ => {}
        }
    }
}

impl Client {
    /// Customizes a powered-off VM's guest (`CustomizeVM_Task`: host name, static IP or DHCP, DNS);
    /// VMware Tools applies it at the next power-on, after which the guest reports its address.
    ///
    /// ```no_run
    /// # async fn demo(client: hermes_vsphere::Client, vm: hermes_vsphere::MoRef) -> Result<(), hermes_vsphere::VsphereError> {
    /// use hermes_vsphere::vm::{Customization, StaticIp};
    /// client.customize(&vm, &Customization {
    ///     hostname: "web-001".into(),
    ///     domain: "lab.local".into(),
    ///     dns_servers: vec!["10.0.0.2".parse().unwrap()],
    ///     ip: Some(StaticIp { address: "10.0.50.10".parse().unwrap(), prefix: 24, gateway: None }),
    /// }).await?;
    /// client.power_on(&vm).await?;
    /// # Ok(()) }
    /// ```
    pub async fn customize(&self, vm: &MoRef, c: &Customization) -> Result<()> {
        self.run_task("CustomizeVM_Task", vm, |w| {
            w.elem("spec", "", |w| c.write(w));
        })
        .await
        .map(|_| ())
    }

    /// Waits until every VM in `vms` reports a guest IP address (`guest.ipAddress`), or `timeout`
    /// passes. Returns one entry per VM in input order; a VM without an address by then has
    /// `ip: None` (not an error: tools may not run in that guest). Errors are the server's.
    pub async fn wait_guest_ips(&self, vms: &[MoRef], timeout: Duration) -> Result<Vec<GuestIp>> {
        let mut state: HashMap<MoRef, GuestIp> = vms
            .iter()
            .map(|v| {
                (
                    v.clone(),
                    GuestIp {
                        vm: v.clone(),
                        ip: None,
                        addresses: Vec::new(),
                    },
                )
            })
            .collect();
        if vms.is_empty() {
            return Ok(Vec::new());
        }
        let main = self.content().property_collector.clone();
        let pc = self
            .call_moref("CreatePropertyCollector", &main, |_| {})
            .await?;
        let result = self.follow_guest(&pc, vms, &mut state, timeout).await;
        // Destroying the collector destroys its filter too; a failure only leaks it until logout.
        if let Err(e) = self.call("DestroyPropertyCollector", &pc, |_| {}).await {
            tracing::debug!(error = %e, "DestroyPropertyCollector failed");
        }
        result?;
        Ok(vms
            .iter()
            .map(|v| state.remove(v).expect("every VM has a state"))
            .collect())
    }

    async fn follow_guest(
        &self,
        pc: &MoRef,
        vms: &[MoRef],
        state: &mut HashMap<MoRef, GuestIp>,
        timeout: Duration,
    ) -> Result<()> {
        self.call_moref("CreateFilter", pc, |w| {
            w.elem("spec", "", |w| {
                w.elem("propSet", "", |w| {
                    w.text("type", "VirtualMachine")
                        .text("pathSet", "guest.ipAddress")
                        .text("pathSet", "guest.net");
                });
                for vm in vms {
                    w.elem("objectSet", "", |w| {
                        w.moref("obj", vm).text("skip", "false");
                    });
                }
            });
            w.text("partialUpdates", "false");
        })
        .await?;
        let deadline = Instant::now() + timeout;
        let mut version = String::new();
        loop {
            // The first round (empty version) returns the current values at once.
            let left = deadline.saturating_duration_since(Instant::now());
            let wait = if version.is_empty() {
                0
            } else {
                left.as_secs().clamp(1, ROUND_SECONDS)
            };
            let v = version.clone();
            let reply = self
                .call_with_timeout(
                    "WaitForUpdatesEx",
                    pc,
                    |w| {
                        if !v.is_empty() {
                            w.text("version", &v);
                        }
                        w.elem("options", "", |w| {
                            w.text("maxWaitSeconds", wait);
                        });
                    },
                    Some(Duration::from_secs(wait + 60)),
                )
                .await?;
            if let Some(set) = reply.child("returnval") {
                if let Some(nv) = set.child_text("version") {
                    version = nv.to_string();
                }
                for fs in set.children_named("filterSet") {
                    for os in fs.children_named("objectSet") {
                        apply(state, os);
                    }
                }
            }
            if state.values().all(|g| g.ip.is_some()) || Instant::now() >= deadline {
                return Ok(());
            }
            if version.is_empty() {
                // A server that returns no version cannot be followed: read again after a pause.
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_fill_the_primary_and_nic_addresses() {
        let xml = r#"<objectSet><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>
            <changeSet><name>guest.ipAddress</name><op>assign</op><val xsi:type="xsd:string">10.0.50.10</val></changeSet>
            <changeSet><name>guest.net</name><op>assign</op><val xsi:type="ArrayOfGuestNicInfo">
              <GuestNicInfo xsi:type="GuestNicInfo"><network>VM Network</network><ipAddress>10.0.50.10</ipAddress><ipAddress>fe80::1</ipAddress><macAddress>00:50:56:00:00:01</macAddress><connected>true</connected><deviceConfigId>4000</deviceConfigId></GuestNicInfo>
            </val></changeSet></objectSet>"#;
        let node = Node::parse(xml.as_bytes()).unwrap();
        let vm = MoRef::new("VirtualMachine", "vm-42");
        let mut state = HashMap::from([(
            vm.clone(),
            GuestIp {
                vm: vm.clone(),
                ip: None,
                addresses: vec![],
            },
        )]);
        apply(&mut state, &node);
        assert_eq!(state[&vm].ip.as_deref(), Some("10.0.50.10"));
        assert_eq!(state[&vm].addresses, ["10.0.50.10", "fe80::1"]);
    }
}
