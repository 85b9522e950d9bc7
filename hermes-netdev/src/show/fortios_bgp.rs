//! FortiOS `get router info bgp summary`.

use serde::{Deserialize, Serialize};

/// FortiOS `get router info bgp summary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosBgpSummary {
    /// `BGP router identifier`.
    pub router_id: Option<String>,
    /// `local AS number` as printed (asplain or asdot).
    pub local_as: Option<String>,
    /// `VRF N` before the identifier (FortiOS 7), when printed.
    pub vrf: Option<String>,
    /// `BGP table version`.
    pub table_version: Option<u64>,
    /// The neighbor table, in order.
    pub neighbors: Vec<FortiosBgpNeighbor>,
}

impl FortiosBgpSummary {
    /// Neighbors not in the Established state (their `State/PfxRcd` is a state name, not a
    /// prefix count).
    pub fn down(&self) -> impl Iterator<Item = &FortiosBgpNeighbor> {
        self.neighbors.iter().filter(|n| n.prefixes().is_none())
    }
}

/// One row of the neighbor table (ntc-templates `fortinet_get_router_info_bgp_summary` field
/// names for the columns the template reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosBgpNeighbor {
    /// The neighbor's address (IPv4 or IPv6).
    pub bgp_neigh: String,
    /// BGP version (`4`).
    pub version: u8,
    /// The neighbor's AS as printed.
    pub neigh_as: String,
    /// Messages received.
    pub msg_rcvd: u64,
    /// Messages sent.
    pub msg_sent: u64,
    /// Table version.
    pub tbl_ver: u64,
    /// Input queue.
    pub in_q: u64,
    /// Output queue.
    pub out_q: u64,
    /// Time in the current state (`05:48:47`, `09w3d01h`, `never`).
    pub up_down: String,
    /// The prefix count when Established, else the state (`Active`, `Idle`, `Idle (Admin)`,
    /// `Connect`).
    pub state_pfxrcd: String,
}

impl FortiosBgpNeighbor {
    /// Prefixes received, when the session is Established.
    pub fn prefixes(&self) -> Option<u64> {
        self.state_pfxrcd.parse().ok()
    }
}

/// Whether `w` is an IPv4 or IPv6 address.
fn is_address(w: &str) -> bool {
    w.parse::<std::net::IpAddr>().is_ok()
}

/// The values after the address: `V AS MsgRcvd MsgSent TblVer InQ OutQ Up/Down State/PfxRcd`.
fn neighbor(addr: &str, w: &[&str]) -> Option<FortiosBgpNeighbor> {
    if w.len() < 9 {
        return None;
    }
    let n = |i: usize| w[i].parse::<u64>().ok();
    Some(FortiosBgpNeighbor {
        bgp_neigh: addr.to_string(),
        version: w[0].parse().ok()?,
        neigh_as: w[1]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
            .then(|| w[1].to_string())?,
        msg_rcvd: n(2)?,
        msg_sent: n(3)?,
        tbl_ver: n(4)?,
        in_q: n(5)?,
        out_q: n(6)?,
        up_down: w[7].to_string(),
        state_pfxrcd: w[8..].join(" "),
    })
}

/// Parses FortiOS `get router info bgp summary`: the router ID, local AS (and FortiOS 7's `VRF
/// N`), table version and neighbor table; an IPv6 neighbor whose values wrap to the next line is
/// joined. Counts of AS-path / community entries, the `Total number of neighbors` line and
/// prompts are skipped; a cut row gives no neighbor.
///
/// ```
/// let s = hermes_netdev::show::parse_fortios_bgp_summary(
///     "BGP router identifier 10.0.0.1, local AS number 65001\n\
///      BGP table version is 13\n\
///      \n\
///      Neighbor        V         AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n\
///      10.0.0.2        4      65002   43173   43182        0    0    0 09w3d01h Active\n\
///      10.0.0.3        4      65002  107081  107168       12    0    0 05:48:47        1\n\
///      \n\
///      Total number of neighbors 2\n",
/// );
/// assert_eq!(s.local_as.as_deref(), Some("65001"));
/// assert_eq!(s.neighbors[1].prefixes(), Some(1));
/// assert_eq!(s.down().next().unwrap().bgp_neigh, "10.0.0.2");
/// ```
pub fn parse_fortios_bgp_summary(text: &str) -> FortiosBgpSummary {
    let mut s = FortiosBgpSummary::default();
    let mut wrapped: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(at) = t.find("BGP router identifier ") {
            let before: Vec<&str> = t[..at].split_whitespace().collect();
            if let ["VRF", v] = before.as_slice() {
                s.vrf = Some(v.to_string());
            }
            let rest = &t[at + "BGP router identifier ".len()..];
            let (id, after) = rest.split_once(',').unwrap_or((rest, ""));
            s.router_id = super::non_empty(id.trim());
            s.local_as = after
                .trim()
                .strip_prefix("local AS number ")
                .and_then(|a| a.split_whitespace().next())
                .map(str::to_string);
            continue;
        }
        if let Some(v) = t.strip_prefix("BGP table version is ") {
            s.table_version = v.trim().trim_end_matches(',').parse().ok();
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        match (w.as_slice(), wrapped.take()) {
            ([addr], _) if is_address(addr) => wrapped = Some(addr.to_string()),
            (values, Some(addr)) if line.starts_with(char::is_whitespace) => {
                s.neighbors.extend(neighbor(&addr, values));
            }
            ([addr, values @ ..], _) if is_address(addr) => {
                s.neighbors.extend(neighbor(addr, values));
            }
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FortiOS 7 prints `VRF 0` before the identifier; an IPv6 neighbor wraps after its address;
    /// `Idle (Admin)` is two words.
    #[test]
    fn vrf_ipv6_wrapped_and_admin_idle() {
        let s = parse_fortios_bgp_summary(
            "VRF 0 BGP router identifier 10.0.0.1, local AS number 65001.10\n\
             BGP table version is 3\n\
             1 BGP AS-PATH entries\n\
             Neighbor        V         AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n\
             2001:db8::2\n\
             \x20               4      65002      10      12        2    0    0 00:05:01        2\n\
             10.0.0.9        4      65009       0       0        0    0    0    never Idle (Admin)\n",
        );
        assert_eq!(s.vrf.as_deref(), Some("0"));
        assert_eq!(s.local_as.as_deref(), Some("65001.10"));
        assert_eq!(s.table_version, Some(3));
        assert_eq!(s.neighbors.len(), 2);
        assert_eq!(s.neighbors[0].bgp_neigh, "2001:db8::2");
        assert_eq!(s.neighbors[0].prefixes(), Some(2));
        assert_eq!(s.neighbors[1].state_pfxrcd, "Idle (Admin)");
        assert_eq!(s.down().count(), 1);
    }

    #[test]
    fn cut_rows_give_no_neighbor() {
        let s = parse_fortios_bgp_summary(
            "BGP router identifier 10.0.0.1\n10.0.0.2        4      65002   43173\n10.0.0.3  x 1 2 3 4 5 6 7 8\n",
        );
        assert_eq!(s.router_id.as_deref(), Some("10.0.0.1"));
        assert_eq!(s.local_as, None);
        assert!(s.neighbors.is_empty());
    }
}
