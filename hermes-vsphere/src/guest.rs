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

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::MoRef;
use crate::updates::{ObjectUpdate, ObjectUpdateKind, UpdateSet};
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

impl GuestIp {
    /// Applies one `WaitForUpdatesEx` object update of this VM: `guest.ipAddress` and `guest.net`
    /// changes (an unset or removed property clears what it held); other properties are ignored.
    ///
    /// ```
    /// use hermes_vsphere::{guest::GuestIp, model::FromNode, updates::ObjectUpdate, xml::Node, MoRef};
    /// let xml = br#"<objectSet><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>
    ///   <changeSet><name>guest.ipAddress</name><op>assign</op><val>10.0.50.10</val></changeSet></objectSet>"#;
    /// let update = ObjectUpdate::from_node(&Node::parse(xml).unwrap()).unwrap();
    /// let mut g = GuestIp { vm: MoRef::new("VirtualMachine", "vm-42"), ip: None, addresses: vec![] };
    /// g.apply(&update);
    /// assert_eq!(g.ip.as_deref(), Some("10.0.50.10"));
    /// ```
    pub fn apply(&mut self, update: &ObjectUpdate) {
        if update.changes("guest.ipAddress") {
            self.ip = update
                .value("guest.ipAddress")
                .map(|v| v.text.trim().to_string())
                .filter(|s| !s.is_empty());
        }
        if update.changes("guest.net") {
            self.addresses = update
                .value("guest.net")
                .map(nic_addresses)
                .unwrap_or_default();
        }
    }
}

/// Applies one update set to the per-VM state; VMs the server no longer knows (deleted: they left
/// the filter, or are in its `missingSet`) go to `gone`, so the wait does not run out its timeout
/// for them.
fn apply(state: &mut HashMap<MoRef, GuestIp>, gone: &mut HashSet<MoRef>, set: &UpdateSet) {
    for os in set.objects() {
        if let Some(g) = state.get_mut(&os.obj) {
            g.apply(os);
            if os.kind == ObjectUpdateKind::Leave {
                gone.insert(os.obj.clone());
            }
        }
    }
    for m in set.missing() {
        if state.contains_key(&m.obj) {
            gone.insert(m.obj.clone());
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
        let mut truncated = false;
        let mut gone = HashSet::new();
        loop {
            // The first round (empty version) returns the current values at once, and so does the
            // round after a truncated update (the rest is pending).
            let left = deadline.saturating_duration_since(Instant::now());
            let wait = if version.is_empty() || truncated {
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
            let set =
                UpdateSet::from_response(&reply).map_err(|message| VsphereError::Malformed {
                    target: self.target().to_string(),
                    method: "WaitForUpdatesEx".into(),
                    message,
                })?;
            truncated = false;
            if let Some(set) = set {
                version = set.version.clone();
                truncated = set.truncated;
                apply(state, &mut gone, &set);
            }
            let done = state
                .iter()
                .all(|(vm, g)| g.ip.is_some() || gone.contains(vm));
            if done || Instant::now() >= deadline {
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

    fn update_set(xml: &str) -> UpdateSet {
        use crate::model::FromNode;
        UpdateSet::from_node(&Node::parse(xml.as_bytes()).unwrap()).unwrap()
    }

    fn empty(vm: &MoRef) -> HashMap<MoRef, GuestIp> {
        HashMap::from([(
            vm.clone(),
            GuestIp {
                vm: vm.clone(),
                ip: None,
                addresses: vec![],
            },
        )])
    }

    #[test]
    fn updates_fill_the_primary_and_nic_addresses() {
        let vm = MoRef::new("VirtualMachine", "vm-42");
        let mut state = empty(&vm);
        let mut gone = HashSet::new();
        apply(
            &mut state,
            &mut gone,
            &update_set(
                r#"<returnval><version>1</version><filterSet><filter type="PropertyFilter">f</filter><objectSet><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>
            <changeSet><name>guest.ipAddress</name><op>assign</op><val xsi:type="xsd:string">10.0.50.10</val></changeSet>
            <changeSet><name>guest.net</name><op>assign</op><val xsi:type="ArrayOfGuestNicInfo">
              <GuestNicInfo xsi:type="GuestNicInfo"><network>VM Network</network><ipAddress>10.0.50.10</ipAddress><ipAddress>fe80::1</ipAddress><macAddress>00:50:56:00:00:01</macAddress><connected>true</connected><deviceConfigId>4000</deviceConfigId></GuestNicInfo>
            </val></changeSet></objectSet></filterSet></returnval>"#,
            ),
        );
        assert_eq!(state[&vm].ip.as_deref(), Some("10.0.50.10"));
        assert_eq!(state[&vm].addresses, ["10.0.50.10", "fe80::1"]);
        // Tools stopped: vCenter assigns the properties with no value (unset).
        apply(
            &mut state,
            &mut gone,
            &update_set(
                r#"<returnval><version>2</version><filterSet><filter type="PropertyFilter">f</filter><objectSet><kind>modify</kind><obj type="VirtualMachine">vm-42</obj>
            <changeSet><name>guest.ipAddress</name><op>assign</op></changeSet>
            <changeSet><name>guest.net</name><op>assign</op></changeSet></objectSet></filterSet></returnval>"#,
            ),
        );
        assert_eq!(state[&vm].ip, None);
        assert!(state[&vm].addresses.is_empty());
        assert!(gone.is_empty());
    }

    /// Regression: a VM deleted during the wait (it leaves the filter) or unknown to the server
    /// (the filter's `missingSet`) was waited for until the timeout; it is now given up at once.
    #[test]
    fn deleted_and_unknown_vms_are_not_waited_for() {
        let vm = MoRef::new("VirtualMachine", "vm-42");
        let mut state = empty(&vm);
        state.extend(empty(&MoRef::new("VirtualMachine", "vm-43")));
        let mut gone = HashSet::new();
        apply(
            &mut state,
            &mut gone,
            &update_set(
                r#"<returnval><version>3</version><filterSet><filter type="PropertyFilter">f</filter>
                <objectSet><kind>leave</kind><obj type="VirtualMachine">vm-42</obj></objectSet>
                <missingSet><obj type="VirtualMachine">vm-43</obj><fault><fault xsi:type="ManagedObjectNotFound"/><localizedMessage/></fault></missingSet>
                </filterSet></returnval>"#,
            ),
        );
        assert_eq!(gone.len(), 2);
    }
}
