//! `show spanning-tree` (IOS, IOS-XE, NX-OS; PVST+, Rapid-PVST+ and MST instances).

use serde::{Deserialize, Serialize};

use super::{ntc_opt, ntc_str};

/// One spanning-tree instance of `show spanning-tree`: its root and bridge IDs and its port table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SpanningTreeInstance {
    /// The instance as printed: `VLAN0001`, `MST0`, `MST10`.
    pub instance: String,
    /// The VLAN of a per-VLAN instance (`VLAN0010` → 10); `None` for MST instances.
    #[serde(default)]
    pub vlan_id: Option<u16>,
    /// `Spanning tree enabled protocol X`: `ieee` (PVST+), `rstp`, `mstp`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// The root bridge's priority (`Root ID Priority 32769`).
    #[serde(default)]
    pub root_priority: Option<u32>,
    /// The root bridge's MAC address.
    #[serde(default)]
    pub root_address: Option<String>,
    /// This switch's cost to the root (absent when it is the root).
    #[serde(default)]
    pub root_cost: Option<u32>,
    /// This switch's root port (`Port 4 (GigabitEthernet0/3)` → `GigabitEthernet0/3`; absent
    /// when it is the root).
    #[serde(default)]
    pub root_port: Option<String>,
    /// `This bridge is the root`.
    #[serde(default)]
    pub is_root: bool,
    /// This bridge's priority, system ID extension included (`Bridge ID Priority 32769`).
    #[serde(default)]
    pub bridge_priority: Option<u32>,
    /// This bridge's MAC address.
    #[serde(default)]
    pub bridge_address: Option<String>,
    /// The port table, in the order printed.
    #[serde(default)]
    pub ports: Vec<SpanningTreePort>,
}

/// One row of an instance's port table (ntc-templates `cisco_ios_show_spanning-tree` fields,
/// without the instance's `vlan_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanningTreePort {
    /// `Gi0/2`, `Po14`, `Eth1/1`.
    pub interface: String,
    /// `Root`, `Desg`, `Altn`, `Back`, `Mstr`, `Disb`...
    pub role: String,
    /// `FWD`, `BLK`, `LRN`, `LIS`, `BKN` (IOS prints `BKN*` joined to the cost when the port is
    /// inconsistent; the `*` is kept: `BKN*`).
    pub status: String,
    /// The port's path cost.
    #[serde(with = "ntc_str")]
    pub cost: u32,
    /// The port priority (`128.4` → 128).
    #[serde(with = "ntc_str")]
    pub port_priority: u16,
    /// The port number (`128.4` → 4).
    #[serde(with = "ntc_str")]
    pub port_id: u16,
    /// The link type and notes as printed: `Shr`, `P2p`, `P2p Edge`, `P2p Bound(PVST) *PVST_Inc`,
    /// NX-OS `(vPC peer-link) Network P2p`.
    #[serde(default, with = "ntc_opt")]
    pub r#type: Option<String>,
}

/// The instance a header line opens: `VLAN0001`, `MST0`, `MST10`, `##### MST1 vlans mapped: ...`.
fn instance_header(t: &str) -> Option<(String, Option<u16>)> {
    let t = t.trim_start_matches('#').trim_start();
    let first = t.split_whitespace().next()?;
    if let Some(n) = first.strip_prefix("VLAN") {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            return Some((first.to_string(), n.parse().ok()));
        }
    }
    if let Some(n) = first.strip_prefix("MST") {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            return Some((first.to_string(), None));
        }
    }
    None
}

/// A port-table row: `Gi0/3  Root FWD 4  128.4  Shr`, `Po14  Desg BKN*6660  128.2390  P2p ...`.
fn port_row(t: &str) -> Option<SpanningTreePort> {
    let w: Vec<&str> = t.split_whitespace().collect();
    let (interface, role) = (*w.first()?, *w.get(1)?);
    if !role.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    // The status and the cost, joined when the status ends in `*` (`BKN*6660`).
    let (status, cost, rest) = match w.get(2)?.split_once('*') {
        Some((s, c)) if !c.is_empty() => (format!("{s}*"), c, 3),
        _ => (w[2].to_string(), *w.get(3)?, 4),
    };
    if status.is_empty()
        || !status
            .trim_end_matches('*')
            .bytes()
            .all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let cost: u32 = cost.parse().ok()?;
    let (prio, nbr) = w.get(rest)?.split_once('.')?;
    let (port_priority, port_id) = (prio.parse().ok()?, nbr.parse().ok()?);
    let ty = w.get(rest + 1..).unwrap_or_default().join(" ");
    Some(SpanningTreePort {
        interface: interface.to_string(),
        role: role.to_string(),
        status,
        cost,
        port_priority,
        port_id,
        r#type: (!ty.is_empty()).then_some(ty),
    })
}

/// Parses `show spanning-tree` as IOS (12.2 / 15), IOS-XE and NX-OS print it: one
/// [`SpanningTreeInstance`] per `VLANnnnn` / `MSTn` block with its protocol, root ID (priority,
/// address, cost and root port, or `This bridge is the root`), bridge ID (priority, address) and
/// port table. The `show spanning-tree mst` summary lines (`Bridge address X priority N`, `Root
/// address X priority N`, `port P cost N`) are read too. Lines that are neither (prompts, timers,
/// headers) are skipped; a port row before any instance header is not read.
///
/// ```
/// let stp = hermes_netdev::show::parse_show_spanning_tree(
///     "VLAN0010\n  Spanning tree enabled protocol rstp\n\
///      \x20 Root ID    Priority    32778\n\
///      \x20            Address     00a5.bf53.d400\n\
///      \x20            This bridge is the root\n\
///      \x20 Bridge ID  Priority    32778  (priority 32768 sys-id-ext 10)\n\
///      \x20            Address     00a5.bf53.d400\n\n\
///      Interface           Role Sts Cost      Prio.Nbr Type\n\
///      ------------------- ---- --- --------- -------- ----------------\n\
///      Gi1/0/4             Desg FWD 20000     128.4    P2p Edge\n",
/// );
/// assert_eq!(stp[0].vlan_id, Some(10));
/// assert!(stp[0].is_root);
/// assert_eq!(stp[0].ports[0].port_id, 4);
/// assert_eq!(stp[0].ports[0].r#type.as_deref(), Some("P2p Edge"));
/// ```
pub fn parse_show_spanning_tree(text: &str) -> Vec<SpanningTreeInstance> {
    #[derive(PartialEq)]
    enum Block {
        None,
        Root,
        Bridge,
    }
    let mut out: Vec<SpanningTreeInstance> = Vec::new();
    let mut block = Block::None;
    for line in text.lines() {
        let t = line.trim();
        if let Some((instance, vlan_id)) = instance_header(t) {
            out.push(SpanningTreeInstance {
                instance,
                vlan_id,
                ..SpanningTreeInstance::default()
            });
            block = Block::None;
            continue;
        }
        let Some(cur) = out.last_mut() else { continue };
        let w: Vec<&str> = t.split_whitespace().collect();
        let num = |i: usize| w.get(i).and_then(|v| v.parse::<u32>().ok());
        match w.as_slice() {
            ["Spanning", "tree", "enabled", "protocol", p, ..] => {
                cur.protocol = Some(p.to_string());
            }
            ["Root", "ID", "Priority", ..] => {
                block = Block::Root;
                cur.root_priority = num(3);
            }
            ["Bridge", "ID", "Priority", ..] => {
                block = Block::Bridge;
                cur.bridge_priority = num(3);
            }
            ["Address", a, ..] => match block {
                Block::Root => cur.root_address = Some(a.to_string()),
                Block::Bridge => cur.bridge_address = Some(a.to_string()),
                Block::None => {}
            },
            ["Cost", _, ..] if block == Block::Root => cur.root_cost = num(1),
            ["Port", n, name, ..] if block == Block::Root && n.parse::<u32>().is_ok() => {
                let name = name.trim_start_matches('(').trim_end_matches(')');
                cur.root_port = (!name.is_empty()).then(|| name.to_string());
            }
            ["This", "bridge", "is", "the", "root", ..] => cur.is_root = true,
            // `show spanning-tree mst`: `Bridge address X priority N (...)`.
            ["Bridge", "address", a, "priority", ..] => {
                cur.bridge_address = Some(a.to_string());
                cur.bridge_priority = num(4);
            }
            ["Root", "address", a, "priority", ..] => {
                cur.root_address = Some(a.to_string());
                cur.root_priority = num(4);
            }
            ["port", p, "cost", ..] => {
                cur.root_port = Some(p.to_string());
                cur.root_cost = num(3);
            }
            ["Root", "this", "switch", ..] => cur.is_root = true,
            _ => {
                if let Some(port) = port_row(t) {
                    block = Block::None;
                    cur.ports.push(port);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inconsistent_port_status_joined_to_cost() {
        // genieparser ios ShowSpanningTree golden_output_mstp: `BKN*6660`.
        let stp = parse_show_spanning_tree(
            "MST0\n  Spanning tree enabled protocol mstp\n\
             \x20 Root ID    Priority    32768\n             Address     3820.56ff.e15b\n\
             \x20            Cost        20000\n             Port        5 (GigabitEthernet1/0/5)\n\
             \x20 Bridge ID  Priority    32768  (priority 32768 sys-id-ext 0)\n\
             \x20            Address     ecbd.1dff.5f89\n\
             Interface           Role Sts Cost      Prio.Nbr Type\n\
             Gi1/0/5             Root FWD 20000     128.5    P2p Bound(RSTP) \n\
             Po14                Desg BKN*6660      128.2390 P2p Bound(PVST) *PVST_Inc \n",
        );
        assert_eq!(stp.len(), 1);
        let i = &stp[0];
        assert_eq!((i.instance.as_str(), i.vlan_id), ("MST0", None));
        assert_eq!(i.root_cost, Some(20000));
        assert_eq!(i.root_port.as_deref(), Some("GigabitEthernet1/0/5"));
        assert_eq!(i.bridge_address.as_deref(), Some("ecbd.1dff.5f89"));
        assert_eq!(i.ports.len(), 2);
        assert_eq!(i.ports[1].status, "BKN*");
        assert_eq!(i.ports[1].cost, 6660);
        assert_eq!(i.ports[1].port_id, 2390);
        assert_eq!(
            i.ports[1].r#type.as_deref(),
            Some("P2p Bound(PVST) *PVST_Inc")
        );
    }

    #[test]
    fn nxos_vpc_port_types() {
        // The NX-OS layout (hand-written): two blanks after `Hello Time`, vPC notes in the type.
        let stp = parse_show_spanning_tree(
            "VLAN0012\n  Spanning tree enabled protocol rstp\n\
             \x20 Root ID    Priority    4108\n             Address     0023.0400.0101\n\
             \x20            Cost        250\n             Port        4096 (port-channel1)\n\
             \x20            Hello Time  2  sec  Max Age 20 sec  Forward Delay 15 sec\n\n\
             \x20 Bridge ID  Priority    32780  (priority 32768 sys-id-ext 12)\n\
             \x20            Address     0023.0400.0202\n\n\
             Interface        Role Sts Cost      Prio.Nbr Type\n\
             ---------------- ---- --- --------- -------- --------------------------------\n\
             Po1              Root FWD 250       128.4096 (vPC peer-link) Network P2p \n\
             Po15             Desg FWD 200       128.4110 (vPC) P2p \n\
             Eth1/3           Desg FWD 2         128.3    P2p \n",
        );
        let i = &stp[0];
        assert_eq!(i.vlan_id, Some(12));
        assert_eq!(i.protocol.as_deref(), Some("rstp"));
        assert_eq!((i.root_priority, i.root_cost), (Some(4108), Some(250)));
        assert_eq!(i.root_port.as_deref(), Some("port-channel1"));
        assert!(!i.is_root);
        assert_eq!(i.bridge_priority, Some(32780));
        assert_eq!(i.ports.len(), 3);
        assert_eq!(i.ports[0].port_id, 4096);
        assert_eq!(
            i.ports[0].r#type.as_deref(),
            Some("(vPC peer-link) Network P2p")
        );
        assert_eq!(i.ports[2].interface, "Eth1/3");
    }

    #[test]
    fn mst_summary_layout() {
        // genieparser iosxe ShowSpanningTree golden_output_mstp1.
        let stp = parse_show_spanning_tree(
            "##### MST1    vlans mapped:   2-25\n\
             Bridge        address cc7f.763d.9a00  priority      32769 (32768 sysid 1)\n\
             Root          address 40b5.c11e.e000  priority      4097  (4096 sysid 1)\n\
             \x20             port    Tw1/0/23        cost          20000     rem hops 19\n\n\
             Interface                        Role Sts Cost      Prio.Nbr Type\n\
             Tw1/0/2                          Altn BLK 20000     128.2    P2p\n",
        );
        let i = &stp[0];
        assert_eq!(i.instance, "MST1");
        assert_eq!(i.bridge_priority, Some(32769));
        assert_eq!(i.root_priority, Some(4097));
        assert_eq!(i.root_port.as_deref(), Some("Tw1/0/23"));
        assert_eq!(i.root_cost, Some(20000));
        assert_eq!(i.ports[0].role, "Altn");
    }

    #[test]
    fn rows_before_any_instance_and_header_lines_skipped() {
        let stp = parse_show_spanning_tree(
            "Gi0/2 Desg FWD 4 128.3 Shr\nVLAN0001\n\
             Interface           Role Sts Cost      Prio.Nbr Type\n\
             ------------------- ---- --- --------- -------- ----\n",
        );
        assert_eq!(stp.len(), 1);
        assert!(stp[0].ports.is_empty());
    }
}
