//! IOS `show ip ospf neighbor` and NX-OS `show ip ospf neighbor [vrf NAME|all]`.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{ntc_opt, ntc_str};

/// One neighbor of IOS `show ip ospf neighbor` (ntc-templates `cisco_ios_show_ip_ospf_neighbor`
/// fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosOspfNeighbor {
    /// The neighbor's router ID.
    #[serde(with = "ntc_str")]
    pub neighbor_id: Ipv4Addr,
    /// The neighbor's priority on this link (0 on point-to-point links).
    #[serde(with = "ntc_str")]
    pub priority: u8,
    /// Adjacency state and role as printed: `FULL/DR`, `FULL/BDR`, `FULL/  -`, `2WAY/DROTHER`.
    pub state: String,
    /// Time left before the neighbor is declared down (`00:00:32`).
    pub dead_time: String,
    /// The neighbor's interface address.
    #[serde(with = "ntc_str")]
    pub ip_address: Ipv4Addr,
    /// This router's interface to the neighbor.
    pub interface: String,
}

/// One neighbor of NX-OS `show ip ospf neighbor` (ntc-templates `cisco_nxos_show_ip_ospf_neighbor`
/// fields, plus the priority the template does not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxosOspfNeighbor {
    /// The OSPF process tag (`OSPF Process ID DC_UNDERLAY VRF default`), absent before any
    /// process header.
    #[serde(default, with = "ntc_opt")]
    pub ospf_pid: Option<String>,
    /// The VRF of that process.
    #[serde(default, with = "ntc_opt")]
    pub vrf: Option<String>,
    /// The neighbor's router ID.
    #[serde(with = "ntc_str")]
    pub neighbor_id: Ipv4Addr,
    /// The neighbor's priority on this link.
    #[serde(with = "ntc_str")]
    pub priority: u8,
    /// Adjacency state and role as printed: `FULL/ -`, `FULL/DR`, `INIT/DROTHER`.
    pub state: String,
    /// How long the adjacency has been up (`2y10w`, `8w6d`, `00:41:12`), `-` when not up.
    pub uptime: String,
    /// The neighbor's interface address.
    #[serde(with = "ntc_str")]
    pub ip_address: Ipv4Addr,
    /// This router's interface to the neighbor (`Vlan2`, `Eth1/1`, `Po1`).
    pub interface: String,
}

/// The fields of a neighbor row `ID PRI STATE... TIME ADDRESS INTERFACE`, with the state as
/// printed (its inner blanks kept: `FULL/  -`).
struct Row<'a> {
    id: Ipv4Addr,
    priority: u8,
    state: &'a str,
    time: &'a str,
    address: Ipv4Addr,
    interface: &'a str,
}

fn row(line: &str) -> Option<Row<'_>> {
    let w = super::words_at(line);
    if w.len() < 6 {
        return None;
    }
    let n = w.len();
    let id = w[0].1.parse().ok()?;
    let priority = w[1].1.parse().ok()?;
    let address = w[n - 2].1.parse().ok()?;
    let time = w[n - 3].1;
    let time_ok = time == "-" || time.bytes().all(|b| b.is_ascii_alphanumeric() || b == b':');
    if !time_ok {
        return None;
    }
    let state = line[w[2].0..w[n - 4].0 + w[n - 4].1.len()].trim();
    if !state.contains('/') && !state.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(Row {
        id,
        priority,
        state,
        time,
        address,
        interface: w[n - 1].1,
    })
}

/// Parses IOS / IOS-XE `show ip ospf neighbor`: `Neighbor ID Pri State Dead Time Address
/// Interface` rows; other lines (the header, prompts, `Load for` / `Time source` stamps) are
/// skipped.
///
/// ```
/// let n = hermes_netdev::show::parse_ios_show_ip_ospf_neighbor(
///     "Neighbor ID     Pri   State           Dead Time   Address         Interface\n\
///      10.0.0.1          0   FULL/  -        00:00:32    10.0.1.1        Port-channel1\n\
///      10.190.30.3       1   FULL/DR         00:00:04    10.190.16.12    GigabitEthernet0/2.101\n",
/// );
/// assert_eq!(n.len(), 2);
/// assert_eq!(n[0].state, "FULL/  -");
/// assert_eq!(n[1].interface, "GigabitEthernet0/2.101");
/// ```
pub fn parse_ios_show_ip_ospf_neighbor(text: &str) -> Vec<IosOspfNeighbor> {
    text.lines()
        .filter_map(row)
        .map(|r| IosOspfNeighbor {
            neighbor_id: r.id,
            priority: r.priority,
            state: r.state.to_string(),
            dead_time: r.time.to_string(),
            ip_address: r.address,
            interface: r.interface.to_string(),
        })
        .collect()
}

/// Parses NX-OS `show ip ospf neighbor` (also `vrf NAME` / `vrf all`): each `OSPF Process ID P
/// VRF V` header sets the process and VRF of the `Neighbor ID Pri State Up Time Address
/// Interface` rows under it; other lines are skipped.
///
/// ```
/// let n = hermes_netdev::show::parse_nxos_show_ip_ospf_neighbor(
///     " OSPF Process ID 1111 VRF CUSTVRF1\n Total number of neighbors: 1\n\
///      \x20Neighbor ID     Pri State            Up Time  Address         Interface\n\
///      \x2010.0.0.1          1 FULL/ -          8w6d     11.11.11.11     Vlan999 \n",
/// );
/// assert_eq!(n[0].vrf.as_deref(), Some("CUSTVRF1"));
/// assert_eq!(n[0].state, "FULL/ -");
/// assert_eq!(n[0].uptime, "8w6d");
/// ```
pub fn parse_nxos_show_ip_ospf_neighbor(text: &str) -> Vec<NxosOspfNeighbor> {
    let (mut pid, mut vrf) = (None, None);
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if let ["OSPF", "Process", "ID", p, v, name, ..] = w.as_slice() {
            if v.eq_ignore_ascii_case("vrf") {
                pid = Some(p.to_string());
                vrf = Some(name.to_string());
                continue;
            }
        }
        if let Some(r) = row(line) {
            out.push(NxosOspfNeighbor {
                ospf_pid: pid.clone(),
                vrf: vrf.clone(),
                neighbor_id: r.id,
                priority: r.priority,
                state: r.state.to_string(),
                uptime: r.time.to_string(),
                ip_address: r.address,
                interface: r.interface.to_string(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_rows() {
        assert!(parse_ios_show_ip_ospf_neighbor(
            "Neighbor ID     Pri   State           Dead Time   Address         Interface\n\
             Time source is NTP, 20:44:07.304 EST Wed Nov 2 2016\n\
             10.0.0.1 x FULL/DR 00:00:32 10.0.1.1 Gi1\n\
             10.0.0.1 1 FULL/DR 00:00:32 10.0.1 Gi1\n"
        )
        .is_empty());
    }
}
