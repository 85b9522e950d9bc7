//! IOS `show ip bgp summary` / `show ip bgp all summary` and NX-OS `show ip bgp summary [vrf
//! NAME|all]`.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{ntc_opt, ntc_str};

/// One neighbor of IOS `show ip bgp [all] summary` (ntc-templates `cisco_ios_show_ip_bgp_summary`
/// fields), with the router ID, local AS and address family it is listed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosBgpNeighborSummary {
    /// `BGP router identifier X, local AS number N`: X.
    pub router_id: String,
    /// The local AS as printed (`65000`, asdot `64000.2017`).
    pub local_as: String,
    /// `For address family: X` above the table (`IPv4 Unicast`, `VPNv4 Unicast`), when printed.
    #[serde(default, with = "ntc_opt")]
    pub address_family: Option<String>,
    /// The neighbor's address.
    #[serde(with = "ntc_str")]
    pub bgp_neighbor: IpAddr,
    /// BGP version (`4`).
    #[serde(with = "ntc_str")]
    pub bgp_version: u8,
    /// The neighbor's AS as printed (`65001`, asdot `662.47492`).
    pub neighbor_as: String,
    /// `MsgRcvd`.
    #[serde(with = "ntc_str")]
    pub messages_received: u64,
    /// `MsgSent`.
    #[serde(with = "ntc_str")]
    pub messages_sent: u64,
    /// `TblVer`.
    #[serde(with = "ntc_str")]
    pub table_version: u64,
    /// `InQ`.
    #[serde(with = "ntc_str")]
    pub input_queue: u64,
    /// `OutQ`.
    #[serde(with = "ntc_str")]
    pub output_queue: u64,
    /// `Up/Down`: `3w0d`, `00:20:06`, `never`.
    pub up_down: String,
    /// `State/PfxRcd`: the prefix count when established, else the state (`Idle`, `Idle
    /// (Admin)`, `Active`, `Idle (PfxCt)`).
    pub state_or_prefixes_received: String,
}

/// One neighbor of NX-OS `show ip bgp summary` (ntc-templates `cisco_nxos_show_ip_bgp_summary`
/// fields, plus the address family and the BGP version / table version the template skips).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxosBgpNeighborSummary {
    /// `BGP router identifier X, local AS number N`: X.
    pub router_id: String,
    /// The local AS as printed.
    pub local_as: String,
    /// `BGP summary information for VRF X, address family Y`: X, when printed.
    #[serde(default, with = "ntc_opt")]
    pub vrf: Option<String>,
    /// ... and Y (`IPv4 Unicast`).
    #[serde(default, with = "ntc_opt")]
    pub address_family: Option<String>,
    /// The neighbor's address.
    #[serde(with = "ntc_str")]
    pub bgp_neigh: IpAddr,
    /// BGP version (`4`).
    #[serde(with = "ntc_str")]
    pub version: u8,
    /// The neighbor's AS as printed.
    pub neigh_as: String,
    /// `MsgRcvd`.
    #[serde(with = "ntc_str")]
    pub msg_rcvd: u64,
    /// `MsgSent`.
    #[serde(with = "ntc_str")]
    pub msg_sent: u64,
    /// `TblVer`.
    #[serde(with = "ntc_str")]
    pub table_version: u64,
    /// `InQ`.
    #[serde(with = "ntc_str")]
    pub in_queue: u64,
    /// `OutQ`.
    #[serde(with = "ntc_str")]
    pub out_queue: u64,
    /// `Up/Down`: `6w1d`, `03:20:10`, `never`.
    pub up_down: String,
    /// `State/PfxRcd`: the prefix count, or the state (`Idle`, `Idle (Admin)`, `Shut (Admin)`).
    pub state_pfxrcd: String,
}

/// The columns of a neighbor row.
struct Row {
    neighbor: IpAddr,
    version: u8,
    asn: String,
    rcvd: u64,
    sent: u64,
    tblver: u64,
    inq: u64,
    outq: u64,
    up_down: String,
    state: String,
}

/// A line of the summary: a neighbor row, or any other line (trimmed).
enum Item<'a> {
    Row(Row),
    Other(&'a str),
}

/// Reads the summary line by line. A row wrapped after its address (IPv6 neighbors) or after its
/// AS (NX-OS) is joined with the next line.
fn items(text: &str) -> Vec<Item<'_>> {
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        let joined = match pending.take() {
            Some(p) if !t.is_empty() => format!("{p} {t}"),
            _ => t.to_string(),
        };
        let w: Vec<&str> = joined.split_whitespace().collect();
        if w.first().and_then(|a| a.parse::<IpAddr>().ok()).is_none() {
            out.push(Item::Other(t));
            continue;
        }
        if w.len() == 1 || w.len() == 3 {
            pending = Some(joined.clone());
            continue;
        }
        if let Some(r) = row(&w) {
            out.push(Item::Row(r));
        }
    }
    out
}

/// `Neighbor V AS MsgRcvd MsgSent TblVer InQ OutQ Up/Down State/PfxRcd` as words.
fn row(w: &[&str]) -> Option<Row> {
    if w.len() < 10 {
        return None;
    }
    let n = |i: usize| w[i].parse::<u64>().ok();
    let asn = w[2];
    if asn.is_empty() || !asn.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    Some(Row {
        neighbor: w[0].parse().ok()?,
        version: w[1].parse().ok()?,
        asn: asn.to_string(),
        rcvd: n(3)?,
        sent: n(4)?,
        tblver: n(5)?,
        inq: n(6)?,
        outq: n(7)?,
        up_down: w[8].to_string(),
        state: w[9..].join(" "),
    })
}

/// `BGP router identifier X, local AS number N` → (X, N).
fn router_line(t: &str) -> Option<(String, String)> {
    let rest = t.strip_prefix("BGP router identifier ")?;
    let (id, rest) = rest.split_once(',')?;
    let asn = rest.split_whitespace().last()?;
    let lower = rest.to_ascii_lowercase();
    lower
        .trim()
        .starts_with("local as number")
        .then(|| (id.trim().to_string(), asn.to_string()))
}

/// Parses IOS / IOS-XE `show ip bgp summary` and `show ip bgp all summary`: each neighbor row with
/// the router ID, local AS and (`all`) address family above it. The memory and activity lines,
/// prompts and time stamps are skipped; rows before any `BGP router identifier` line are not read.
///
/// ```
/// let n = hermes_netdev::show::parse_ios_show_ip_bgp_summary(
///     "For address family: IPv4 Unicast\n\
///      BGP router identifier 1.1.1.1, local AS number 65000\n\
///      BGP table version is 9, main routing table version 9\n\n\
///      Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n\
///      10.0.14.4       4        65001      26      27        9    0    0 00:20:06        7\n\
///      10.0.0.10       4        65009 26930508  942614 512185203    0    0 1y10w     Idle (Admin)\n",
/// );
/// assert_eq!(n.len(), 2);
/// assert_eq!(n[0].address_family.as_deref(), Some("IPv4 Unicast"));
/// assert_eq!(n[0].messages_received, 26);
/// assert_eq!(n[1].state_or_prefixes_received, "Idle (Admin)");
/// ```
pub fn parse_ios_show_ip_bgp_summary(text: &str) -> Vec<IosBgpNeighborSummary> {
    let mut router: Option<(String, String)> = None;
    let mut af: Option<String> = None;
    let mut out = Vec::new();
    for item in items(text) {
        match item {
            Item::Other(t) => {
                if let Some(f) = t.strip_prefix("For address family:") {
                    af = Some(f.trim().to_string());
                } else if let Some(r) = router_line(t) {
                    router = Some(r);
                }
            }
            Item::Row(r) => {
                let Some((router_id, local_as)) = router.clone() else {
                    continue;
                };
                out.push(IosBgpNeighborSummary {
                    router_id,
                    local_as,
                    address_family: af.clone(),
                    bgp_neighbor: r.neighbor,
                    bgp_version: r.version,
                    neighbor_as: r.asn,
                    messages_received: r.rcvd,
                    messages_sent: r.sent,
                    table_version: r.tblver,
                    input_queue: r.inq,
                    output_queue: r.outq,
                    up_down: r.up_down,
                    state_or_prefixes_received: r.state,
                });
            }
        }
    }
    out
}

/// Parses NX-OS `show ip bgp summary` (`vrf NAME`, `vrf all`): each neighbor row with the router
/// ID, local AS, VRF and address family above it; rows wrapped after the AS are joined. Other
/// lines are skipped; rows before any `BGP router identifier` line are not read.
///
/// ```
/// let n = hermes_netdev::show::parse_nxos_show_ip_bgp_summary(
///     "BGP summary information for VRF default, address family IPv4 Unicast\n\
///      BGP router identifier 10.0.0.1, local AS number 6230\n\
///      Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n\
///      10.0.0.66   4        6230  363273  392165    39619    0    0 6w1d            9\n\
///      10.0.0.11       4        65010\n\
///      \x20                              2655204 14931352 512185206   0    0 1w5d      4452\n",
/// );
/// assert_eq!(n.len(), 2);
/// assert_eq!(n[0].vrf.as_deref(), Some("default"));
/// assert_eq!(n[1].msg_rcvd, 2655204);
/// ```
pub fn parse_nxos_show_ip_bgp_summary(text: &str) -> Vec<NxosBgpNeighborSummary> {
    let mut router: Option<(String, String)> = None;
    let (mut vrf, mut af): (Option<String>, Option<String>) = (None, None);
    let mut out = Vec::new();
    for item in items(text) {
        match item {
            Item::Other(t) => {
                if let Some(rest) = t.strip_prefix("BGP summary information for VRF ") {
                    let (v, a) = rest.split_once(',').unwrap_or((rest, ""));
                    vrf = Some(v.trim().to_string());
                    af = a
                        .trim()
                        .strip_prefix("address family")
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty());
                } else if let Some(r) = router_line(t) {
                    router = Some(r);
                }
            }
            Item::Row(r) => {
                let Some((router_id, local_as)) = router.clone() else {
                    continue;
                };
                out.push(NxosBgpNeighborSummary {
                    router_id,
                    local_as,
                    vrf: vrf.clone(),
                    address_family: af.clone(),
                    bgp_neigh: r.neighbor,
                    version: r.version,
                    neigh_as: r.asn,
                    msg_rcvd: r.rcvd,
                    msg_sent: r.sent,
                    table_version: r.tblver,
                    in_queue: r.inq,
                    out_queue: r.outq,
                    up_down: r.up_down,
                    state_pfxrcd: r.state,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_neighbor_wrapped_after_its_address() {
        // genieparser iosxe ShowIpBgpSummary golden_output2: an IPv6 neighbor on its own line,
        // its columns on the next.
        let n = parse_ios_show_ip_bgp_summary(
            "BGP router identifier 2.2.2.2, local AS number 200\n\
             Neighbor        V           AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n\
             1000:192:168:0:1::1\n\
             \x20               4          100       0       0        1    0    0 00:00:07 Idle\n",
        );
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].bgp_neighbor.to_string(), "1000:192:168:0:1::1");
        assert_eq!(n[0].up_down, "00:00:07");
        assert_eq!(n[0].state_or_prefixes_received, "Idle");
    }

    #[test]
    fn rows_without_a_router_line_are_not_read() {
        let n = parse_nxos_show_ip_bgp_summary(
            "10.0.0.66   4        6230  363273  392165    39619    0    0 6w1d            9\n",
        );
        assert!(n.is_empty());
    }
}
