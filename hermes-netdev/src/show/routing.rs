//! Routing tables: NX-OS `show ip route [vrf all]` and `show ipv6 route [vrf all]`, FortiOS `get
//! router info routing-table all`.

use std::fmt::Display;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{non_empty, ntc_opt};

/// One next hop of NX-OS `show ip route` or `show ipv6 route` (ntc-templates
/// `cisco_nxos_show_ip_route` fields), generic over the prefix's address family: a prefix with
/// several next hops gives several entries. Use it through [`NxosRoute`] (IPv4) and
/// [`NxosIpv6Route`] (IPv6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "A: Display",
    deserialize = "A: FromStr, <A as FromStr>::Err: Display"
))]
pub struct NxosRouteOf<A> {
    /// The VRF (`default`).
    #[serde(default, with = "ntc_opt")]
    pub vrf: Option<String>,
    /// The prefix's network (`10.0.0.0`, `2001:db8::`); absent for the entry of an empty VRF
    /// (`Route not found`).
    #[serde(default, with = "ntc_opt")]
    pub network: Option<A>,
    /// The prefix length.
    #[serde(default, with = "ntc_opt")]
    pub prefix_length: Option<u8>,
    /// `static`, `direct`, `local`, `ospf-20`, `ospfv3-1`, `bgp-65000`, `eigrp-NAMED`...
    #[serde(default, with = "ntc_opt")]
    pub protocol: Option<String>,
    /// The route type after the protocol (`intra`, `type-2`, `external`, `internal`).
    #[serde(default, with = "ntc_opt")]
    pub r#type: Option<String>,
    /// Administrative distance.
    #[serde(default, with = "ntc_opt")]
    pub distance: Option<u32>,
    /// Metric.
    #[serde(default, with = "ntc_opt")]
    pub metric: Option<u64>,
    /// The next hop's address: IPv6 for an IPv4 route learned over an IPv6 next hop (BGP with
    /// RFC 8950 next hops); for an IPv6 route over an IPv4 next hop, NX-OS prints the IPv4-mapped
    /// form (`::ffff:10.0.0.1`), kept as such.
    #[serde(default, with = "ntc_opt")]
    pub nexthop_ip: Option<IpAddr>,
    /// The outgoing interface (`Eth1/49`, `Vlan20`, `Null0`).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_if: Option<String>,
    /// The next hop's VRF when it differs (`192.0.2.1%management`; `default` for
    /// `::ffff:10.0.0.1%default:IPv4`, the family the address already says left out).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_vrf: Option<String>,
    /// Age (`3d11h`, `00:04:17`).
    #[serde(default, with = "ntc_opt")]
    pub uptime: Option<String>,
    /// Route tag, with its qualifier (`65020 (evpn)`).
    #[serde(default, with = "ntc_opt")]
    pub tag: Option<String>,
    /// VXLAN segment id.
    #[serde(default, with = "ntc_opt")]
    pub segid: Option<u32>,
    /// VXLAN tunnel id (`0xafa0011`).
    #[serde(default, with = "ntc_opt")]
    pub tunnelid: Option<String>,
    /// Encapsulation (`VXLAN`).
    #[serde(default, with = "ntc_opt")]
    pub encap: Option<String>,
}

/// One next hop of NX-OS `show ip route`, an IPv4 prefix (the type's fields are
/// [`NxosRouteOf`]'s).
pub type NxosRoute = NxosRouteOf<Ipv4Addr>;

/// One next hop of NX-OS `show ipv6 route`, an IPv6 prefix (the type's fields are
/// [`NxosRouteOf`]'s).
pub type NxosIpv6Route = NxosRouteOf<Ipv6Addr>;

// Not derived: the derive would ask `A: Default`, which `Ipv4Addr` is not.
impl<A> Default for NxosRouteOf<A> {
    fn default() -> Self {
        Self {
            vrf: None,
            network: None,
            prefix_length: None,
            protocol: None,
            r#type: None,
            distance: None,
            metric: None,
            nexthop_ip: None,
            nexthop_if: None,
            nexthop_vrf: None,
            uptime: None,
            tag: None,
            segid: None,
            tunnelid: None,
            encap: None,
        }
    }
}

/// `network/len` when `network` reads as an `A` and `len` is at most `max_len`.
pub(crate) fn read_prefix<A: FromStr>(prefix: &str, max_len: u8) -> Option<(A, u8)> {
    let (net, len) = prefix.trim().split_once('/')?;
    let len: u8 = len.parse().ok()?;
    (len <= max_len).then_some(())?;
    Some((net.parse().ok()?, len))
}

/// Parses NX-OS `show ip route` (one VRF or `vrf all`): one entry per next hop.
///
/// ```
/// let r = hermes_netdev::show::parse_nxos_show_ip_route(
///     "IP Route Table for VRF \"default\"\n0.0.0.0/0, ubest/mbest: 1/0\n\
///      \x20   *via 192.0.2.1%management, [1/0], 3d11h, static\n\
///      172.31.255.3/32, ubest/mbest: 1/0\n    *via 10.20.7.2, Eth1/49, [110/41], 1w4d, ospf-20, intra\n",
/// );
/// assert_eq!(r[0].nexthop_vrf.as_deref(), Some("management"));
/// assert_eq!(r[1].nexthop_if.as_deref(), Some("Eth1/49"));
/// assert_eq!(r[1].r#type.as_deref(), Some("intra"));
/// ```
pub fn parse_nxos_show_ip_route(text: &str) -> Vec<NxosRoute> {
    parse_nxos_routes(text, 32)
}

/// Parses NX-OS `show ipv6 route` (one VRF or `vrf all`): one entry per next hop, in the
/// layout of `show ip route` (`IPv6 Routing Table for VRF "X"`, `*via A, IF, [d/m], age,
/// protocol, type, tag T`). A `tag` or `segid` that the device wrapped onto the next line is
/// read with its next hop; an IPv4 next hop is printed IPv4-mapped (`::ffff:10.0.0.1%default:IPv4`).
///
/// ```
/// let r = hermes_netdev::show::parse_nxos_show_ipv6_route(
///     "IPv6 Routing Table for VRF \"default\"\n\
///      2001:db8:10::/64, ubest/mbest: 1/0\n\
///      \x20   *via fe80::5054:ff:fe64:bd2e, Eth1/3, [110/41], 01:01:10, ospfv3-1, intra\n\
///      2001:db8:31::31/128, ubest/mbest: 1/0\n\
///      \x20   *via ::ffff:10.229.11.11%default:IPv4, [200/0], 01:01:43, bgp-100, internal,\n\
///      tag 100\n",
/// );
/// assert_eq!(r[0].network, Some("2001:db8:10::".parse().unwrap()));
/// assert_eq!(r[0].prefix_length, Some(64));
/// assert_eq!(r[0].protocol.as_deref(), Some("ospfv3-1"));
/// assert_eq!(r[1].nexthop_vrf.as_deref(), Some("default"));
/// assert_eq!(r[1].tag.as_deref(), Some("100"));
/// ```
pub fn parse_nxos_show_ipv6_route(text: &str) -> Vec<NxosIpv6Route> {
    parse_nxos_routes(text, 128)
}

/// The lines of an NX-OS routing table with the pieces of a next hop that the device wrapped
/// onto the next line (`tag 100`, `, segid 50003 tunnelid: ...`) joined to it.
fn nxos_route_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut after_via = false;
    for line in text.lines() {
        let t = line.trim();
        let wrapped = t.starts_with("tag ") || t.starts_with(',') || t.starts_with("segid");
        if after_via && wrapped {
            if let Some(last) = out.last_mut() {
                last.push(' ');
                last.push_str(t);
                continue;
            }
        }
        after_via = t.trim_start_matches('*').starts_with("via ");
        out.push(t.to_string());
    }
    out
}

/// Both families: prefixes that do not read as an `A` of at most `max_len` bits are skipped with
/// their next hops.
fn parse_nxos_routes<A: FromStr + Copy>(text: &str, max_len: u8) -> Vec<NxosRouteOf<A>> {
    let mut out = Vec::new();
    let mut vrf: Option<String> = None;
    let mut prefix: Option<(A, u8)> = None;
    for t in nxos_route_lines(text) {
        let t = t.as_str();
        if let Some(r) = t
            .strip_prefix("IP Route Table for VRF ")
            .or_else(|| t.strip_prefix("IPv6 Routing Table for VRF "))
        {
            vrf = non_empty(r.trim().trim_matches('"'));
            prefix = None;
            continue;
        }
        if t == "Route not found" {
            out.push(NxosRouteOf {
                vrf: vrf.clone(),
                ..Default::default()
            });
            prefix = None;
            continue;
        }
        if let Some((net, _)) = t.split_once(", ubest/mbest:") {
            prefix = read_prefix(net, max_len);
            continue;
        }
        let via = t.trim_start_matches('*');
        let Some(rest) = via.strip_prefix("via ") else {
            continue;
        };
        let Some(prefix) = prefix else {
            continue;
        };
        let (main, vxlan) = split_vxlan(rest);
        let f: Vec<&str> = main.split(',').map(str::trim).collect();
        let mut r = NxosRouteOf {
            vrf: vrf.clone(),
            network: Some(prefix.0),
            prefix_length: Some(prefix.1),
            ..Default::default()
        };
        let (hop, hop_vrf) = match f[0].split_once('%') {
            // `default:IPv4`: the family is the address's.
            Some((h, v)) => (h, non_empty(v.split_once(':').map_or(v, |(v, _)| v))),
            None => (f[0], None),
        };
        let mut i = 1;
        // `*via vrf default, Null0, [20/0], ...`: a route leaked from another VRF, its next hop
        // that VRF.
        if let Some(name) = hop.strip_prefix("vrf ") {
            r.nexthop_vrf = non_empty(name.trim());
            if f.get(i).is_some_and(|x| !x.starts_with('[')) {
                r.nexthop_if = non_empty(f[i]);
                i += 1;
            }
        } else {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    r.nexthop_ip = Some(ip);
                    r.nexthop_vrf = hop_vrf;
                    if f.get(i).is_some_and(|x| !x.starts_with('[')) {
                        r.nexthop_if = non_empty(f[i]);
                        i += 1;
                    }
                }
                Err(_) => r.nexthop_if = non_empty(hop),
            }
        }
        let Some(pref) = f
            .get(i)
            .and_then(|x| x.strip_prefix('[')?.strip_suffix(']'))
        else {
            continue;
        };
        let (d, m) = pref.split_once('/').unwrap_or((pref, ""));
        r.distance = d.parse().ok();
        r.metric = m.parse().ok();
        r.uptime = f.get(i + 1).and_then(|x| non_empty(x));
        r.protocol = f.get(i + 2).and_then(|x| non_empty(x));
        // An interface-only next hop (`via Null0`) reports the protocol alone.
        if r.nexthop_ip.is_some() || r.nexthop_vrf.is_some() {
            for x in f.iter().skip(i + 3) {
                if let Some(tag) = x.strip_prefix("tag ") {
                    // `200 (evpn)`: the qualifier is kept when it is one word, as ntc-templates
                    // reads it (`(mpls-vpn)` is left out there).
                    let tag = tag.trim();
                    let one_word = |q: &str| {
                        q.strip_prefix('(')
                            .and_then(|q| q.strip_suffix(')'))
                            .is_some_and(|q| {
                                !q.is_empty()
                                    && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                            })
                    };
                    let keep = match tag.split_once(' ') {
                        Some((n, q)) if !one_word(q) => n,
                        _ => tag,
                    };
                    r.tag = non_empty(keep);
                } else if r.r#type.is_none() {
                    r.r#type = non_empty(x);
                }
            }
        }
        if let Some(v) = vxlan {
            let w: Vec<&str> = v.split_whitespace().collect();
            r.segid = w.first().and_then(|s| s.parse().ok());
            for pair in w.windows(2) {
                match pair[0] {
                    "tunnelid:" => r.tunnelid = non_empty(pair[1]),
                    "encap:" => r.encap = non_empty(pair[1]),
                    _ => {}
                }
            }
        }
        out.push(r);
    }
    out
}

/// A next hop's text before its VXLAN part, and that part after the `segid` word: `... tag 200
/// segid: 50210 tunnelid: ...` and the wrapped `... tag 6555 , segid 50003 tunnelid: ...`.
fn split_vxlan(rest: &str) -> (&str, Option<&str>) {
    let at = rest
        .match_indices("segid")
        .map(|(i, _)| i)
        .find(|&i| i > 0 && matches!(rest.as_bytes()[i - 1], b' ' | b','));
    match at {
        Some(i) => (
            rest[..i].trim_end_matches([' ', ',']),
            Some(rest[i + "segid".len()..].trim_start_matches(':').trim()),
        ),
        None => (rest, None),
    }
}

/// One route (next hop) of FortiOS `get router info routing-table all` (ntc-templates
/// `fortinet_get_router_info_routing-table_all` fields).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FortiosRoute {
    /// Codes: `S`, `C`, `O`, `O E2`, `S*`, `O*E2`...
    pub r#type: String,
    /// `10.0.0.0/8`.
    pub destination: String,
    /// Administrative distance (absent for connected routes).
    #[serde(default, with = "ntc_opt")]
    pub distance: Option<u32>,
    /// Metric (absent for connected routes).
    #[serde(default, with = "ntc_opt")]
    pub metric: Option<u64>,
    /// The next hop's address, or `is directly connected`.
    pub gateway: String,
    /// The outgoing interface: for a BGP next hop resolved through another route
    /// (`via 10.0.0.1 (recursive via 172.16.1.1, port1)`), that route's; empty when the output
    /// names none (`(recursive via 172.16.1.1)`).
    pub interface: String,
    /// Age (`1d04h12m`, `05:41:09`), for dynamic routes (never FortiOS 7's trailing
    /// `[weight/priority]`).
    #[serde(default, with = "ntc_opt")]
    pub last_time_update: Option<String>,
}

impl FortiosRoute {
    /// Whether the route is a connected one.
    pub fn is_connected(&self) -> bool {
        self.gateway == "is directly connected"
    }
}

fn is_route_code(tok: &str) -> bool {
    const CODES: [&str; 16] = [
        "IA", "N1", "N2", "E1", "E2", "L1", "L2", "ia", "K", "C", "S", "R", "B", "O", "i", "V",
    ];
    let mut rest = tok;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('*') {
            rest = r;
            continue;
        }
        match CODES.iter().find(|c| rest.starts_with(**c)) {
            Some(c) => rest = &rest[c.len()..],
            None => return false,
        }
    }
    !tok.is_empty()
}

/// Parses FortiOS `get router info routing-table all` (continuation lines of ECMP routes keep
/// the prefix and codes of the line above).
///
/// ```
/// let r = hermes_netdev::show::parse_fortios_routing_table(
///     "S*      0.0.0.0/0 [10/0] via 203.0.113.1, wan1\n\
///      C       10.0.0.0/24 is directly connected, internal\n",
/// );
/// assert_eq!(r[0].gateway, "203.0.113.1");
/// assert_eq!(r[0].r#type, "S*");
/// assert!(r[1].is_connected());
/// ```
pub fn parse_fortios_routing_table(text: &str) -> Vec<FortiosRoute> {
    let mut out = Vec::new();
    let mut kind = String::new();
    let mut dest = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with("Codes:") || t.starts_with("Routing table for") {
            continue;
        }
        let toks: Vec<&str> = t.split_whitespace().collect();
        let codes = toks.iter().take_while(|w| is_route_code(w)).count();
        let rest: &str = if codes > 0 && toks.len() > codes && toks[codes].contains('/') {
            // `O E2    10.44.96.0/20 [110/20] via ...`
            // the codes as printed (`O E2`, `O*E2`)
            kind = t[..t.find(toks[codes]).unwrap_or(0)].trim().to_string();
            dest = toks[codes].to_string();
            let at = t.find(toks[codes]).unwrap_or(0) + toks[codes].len();
            t[at..].trim()
        } else if t.starts_with('[') || t.starts_with("is directly connected") {
            t
        } else {
            continue; // the legend
        };
        let mut r = FortiosRoute {
            r#type: kind.clone(),
            destination: dest.clone(),
            ..Default::default()
        };
        let mut rest = rest;
        if let Some(p) = rest.strip_prefix('[') {
            let Some((pref, after)) = p.split_once(']') else {
                continue;
            };
            let (d, m) = pref.split_once('/').unwrap_or((pref, ""));
            r.distance = d.parse().ok();
            r.metric = m.parse().ok();
            rest = after.trim();
        }
        let tail = match rest.strip_prefix("via ") {
            Some(via) => {
                let Some((gateway, interface, tail)) = fortios_via(via.trim_start()) else {
                    continue;
                };
                r.gateway = gateway.to_string();
                r.interface = interface.to_string();
                tail
            }
            None => {
                // `is directly connected, port1`, `is a summary, Null`
                let mut parts = rest.splitn(3, ',').map(str::trim);
                let (Some(what), Some(interface)) = (parts.next(), parts.next()) else {
                    continue;
                };
                if what.is_empty() || interface.is_empty() {
                    continue;
                }
                r.gateway = what.to_string();
                r.interface = interface.to_string();
                parts.next().unwrap_or_default()
            }
        };
        // Then the age (`1d04h12m`), and on FortiOS 7 the route's `[weight/priority]`, which is not
        // an age.
        r.last_time_update = tail
            .split(',')
            .map(str::trim)
            .find(|x| !x.is_empty() && !x.starts_with('['))
            .and_then(non_empty);
        out.push(r);
    }
    out
}

/// The next hop after `via `: (gateway, interface, what follows them). `10.0.0.1, port1, ...`;
/// `VPN1 tunnel 172.16.0.2, ...` (a static route over an IPsec tunnel: the tunnel is the
/// interface); `10.0.0.1 (recursive is directly connected, port1), ...` and
/// `10.0.0.1 (recursive via 172.16.1.1, port1), ...` (a BGP next hop resolved through another
/// route: the interface is the resolving route's, empty when the output does not name one).
fn fortios_via(via: &str) -> Option<(&str, &str, &str)> {
    let end = via.find([',', ' ', '(']).unwrap_or(via.len());
    let (first, after) = (&via[..end], via[end..].trim_start());
    if first.is_empty() {
        return None;
    }
    if let Some(t) = after.strip_prefix("tunnel ") {
        let t = t.trim_start();
        let end = t.find([',', ' ']).unwrap_or(t.len());
        let rest = t[end..].trim_start();
        return Some((&t[..end], first, rest.strip_prefix(',').unwrap_or(rest)));
    }
    if let Some(paren) = after.strip_prefix('(') {
        let (inner, rest) = paren.split_once(')')?;
        let inner = inner.trim();
        let inner = inner
            .strip_prefix("recursive")
            .unwrap_or(inner)
            .trim_start();
        let interface = match inner.rsplit_once(',') {
            Some((_, i)) => i.trim(),
            // `via VPN1 tunnel 172.16.0.1 [1]`
            None => match inner
                .strip_prefix("via ")
                .and_then(|v| v.split_once(" tunnel "))
            {
                Some((i, _)) => i.trim(),
                None => "",
            },
        };
        let rest = rest.trim_start();
        return Some((first, interface, rest.strip_prefix(',').unwrap_or(rest)));
    }
    let rest = after.strip_prefix(',')?.trim_start();
    let (interface, rest) = rest.split_once(',').unwrap_or((rest, ""));
    let interface = interface.trim();
    (!interface.is_empty()).then_some((first, interface, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nxos_vrfs_tags_and_vxlan() {
        let r = parse_nxos_show_ip_route(
            "IP Route Table for VRF \"default\"\n\
             Route not found\n\
             \n\
             IP Route Table for VRF \"red\"\n\
             10.1.0.0/24, ubest/mbest: 1/0\n\
             \x20   *via 172.18.3.4%default, [200/0], 1d02h, bgp-65010, internal, tag 65011 (mpls-vpn)\n\
             \x20   *via 10.250.0.17%default, [200/0], 05:12:38, bgp-65010, internal, tag 65030 (evpn) segid: 50210 tunnelid: 0xafa0011 encap: VXLAN\n\
             10.96.0.0/14, ubest/mbest: 1/0\n\
             \x20   *via Null0, [220/0], 8w1d, ospf-3, discard\n",
        );
        assert_eq!(r.len(), 4);
        assert_eq!(r[0].vrf.as_deref(), Some("default"));
        assert_eq!(r[0].network, None);
        assert_eq!(r[1].vrf.as_deref(), Some("red"));
        assert_eq!(r[1].nexthop_vrf.as_deref(), Some("default"));
        assert_eq!(r[1].tag.as_deref(), Some("65011"));
        assert_eq!(r[2].tag.as_deref(), Some("65030 (evpn)"));
        assert_eq!(r[2].segid, Some(50210));
        assert_eq!(r[2].tunnelid.as_deref(), Some("0xafa0011"));
        assert_eq!(r[2].encap.as_deref(), Some("VXLAN"));
        assert_eq!(r[3].nexthop_if.as_deref(), Some("Null0"));
        assert_eq!(r[3].nexthop_ip, None);
        assert_eq!(r[3].network, Some(Ipv4Addr::new(10, 96, 0, 0)));
        assert_eq!(r[3].prefix_length, Some(14));
    }

    #[test]
    fn nxos_next_hop_in_another_vrf() {
        // The layout of genieparser's NX-OS ShowRouting golden_output_1 (`show routing`), with
        // other values: before, the `via vrf NAME, Null0` row was dropped (the VRF read as an
        // interface, the interface where the preference stands).
        let r = parse_nxos_show_ip_route(
            "IP Route Table for VRF \"default\"\n\
             10.77.0.0/16, ubest/mbest: 1/0\n\
             \x20   *via vrf blue, Null0, [20/0], 02:11:28, bgp-65001, external, tag 65002\n",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].nexthop_vrf.as_deref(), Some("blue"));
        assert_eq!(r[0].nexthop_if.as_deref(), Some("Null0"));
        assert_eq!(r[0].nexthop_ip, None);
        assert_eq!((r[0].distance, r[0].metric), (Some(20), Some(0)));
        assert_eq!(r[0].protocol.as_deref(), Some("bgp-65001"));
        assert_eq!(r[0].r#type.as_deref(), Some("external"));
        assert_eq!(r[0].tag.as_deref(), Some("65002"));
    }

    #[test]
    fn nxos_asymmetric_vxlan_segid() {
        let r = parse_nxos_show_ip_route(
            "IP Route Table for VRF \"tenant-7\"\n\
             10.70.4.0/24, ubest/mbest: 1/0\n\
             \x20   *via 10.250.0.18%default, [200/0], 2d19h, bgp-65010, internal, tag 65030 (evpn) segid: 50211 (Asymmetric) tunnelid: 0xafa0012 encap: VXLAN\n",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].vrf.as_deref(), Some("tenant-7"));
        assert_eq!(r[0].nexthop_ip, Some(Ipv4Addr::new(10, 250, 0, 18).into()));
        assert_eq!(r[0].segid, Some(50211));
        assert_eq!(r[0].tunnelid.as_deref(), Some("0xafa0012"));
        assert_eq!(r[0].encap.as_deref(), Some("VXLAN"));
    }

    #[test]
    fn nxos_ipv6_next_hop_is_an_address_not_an_interface() {
        // An IPv4 route over an IPv6 next hop (BGP with RFC 8950 next hops), in the `via A%VRF`
        // layout of the samples above. No ntc-templates sample has one; before, the address was
        // read as the outgoing interface.
        let r = parse_nxos_show_ip_route(
            "IP Route Table for VRF \"default\"\n\
             10.20.0.0/16, ubest/mbest: 1/0\n\
             \x20   *via 2001:db8:0:12::2%default, [20/0], 3d02h, bgp-65010, external, tag 65020\n\
             10.30.0.0/16, ubest/mbest: 1/0\n\
             \x20   *via fd00:20::1, Eth1/3, [20/0], 3d02h, bgp-65010, external, tag 65020\n",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].nexthop_ip, Some("2001:db8:0:12::2".parse().unwrap()));
        assert_eq!(r[0].nexthop_vrf.as_deref(), Some("default"));
        assert_eq!(r[0].nexthop_if, None);
        assert_eq!(r[0].protocol.as_deref(), Some("bgp-65010"));
        assert_eq!(r[0].tag.as_deref(), Some("65020"));
        assert_eq!(r[1].nexthop_ip, Some("fd00:20::1".parse().unwrap()));
        assert_eq!(r[1].nexthop_if.as_deref(), Some("Eth1/3"));
        assert_eq!(r[1].r#type.as_deref(), Some("external"));
    }

    #[test]
    fn fortios_7_recursive_tunnel_and_summary_next_hops() {
        // FortiOS 7 layouts (no ntc-templates sample: its template stops with an error on them),
        // as printed by `get router info routing-table all` on a hub with BGP over IPsec: the
        // trailing `[weight/priority]`, BGP next hops resolved through another route, static
        // routes over a tunnel, summaries, and the `V - BGP VPNv4` legend line.
        let r = parse_fortios_routing_table(
            "Codes: K - kernel, C - connected, S - static, R - RIP, B - BGP\n\
             \x20      V - BGP VPNv4\n\
             \x20      * - candidate default\n\
             \n\
             Routing table for VRF=0\n\
             S*      0.0.0.0/0 [10/0] via 100.1.1.1, port2, [1/0]\n\
             B       10.10.3.0/24 [20/0] via 172.18.13.1 (recursive is directly connected, R1R3-1-0), 00:00:20, [1/0]\n\
             B       10.20.0.0/16 [200/0] via 10.255.1.1 (recursive via 172.16.1.1, port1), 2d01h, [1/0]\n\
             B       192.168.15.0/24 [200/0] via 10.10.10.15 (recursive via 217.132.10.15), 00:21:24\n\
             S       10.0.0.0/8 [15/0] via VPN1 tunnel 172.16.0.2, [1/0]\n\
             \x20                     [15/0] via VPN2 tunnel 10.0.0.3, [1/0]\n\
             B       10.0.0.0/8 [200/0] is a summary, Null, 00:02:28, [1/0]\n\
             S       192.0.2.1/32 [10/0] is directly connected, Loop1\n\
             C       10.1.2.0/30 is directly connected, port1\n",
        );
        let brief: Vec<String> = r
            .iter()
            .map(|r| {
                format!(
                    "{} {} {:?}/{:?} {} | {} | {}",
                    r.r#type,
                    r.destination,
                    r.distance,
                    r.metric,
                    r.gateway,
                    r.interface,
                    r.last_time_update.as_deref().unwrap_or("-")
                )
            })
            .collect();
        assert_eq!(
            brief,
            [
                "S* 0.0.0.0/0 Some(10)/Some(0) 100.1.1.1 | port2 | -",
                "B 10.10.3.0/24 Some(20)/Some(0) 172.18.13.1 | R1R3-1-0 | 00:00:20",
                "B 10.20.0.0/16 Some(200)/Some(0) 10.255.1.1 | port1 | 2d01h",
                "B 192.168.15.0/24 Some(200)/Some(0) 10.10.10.15 |  | 00:21:24",
                "S 10.0.0.0/8 Some(15)/Some(0) 172.16.0.2 | VPN1 | -",
                "S 10.0.0.0/8 Some(15)/Some(0) 10.0.0.3 | VPN2 | -",
                "B 10.0.0.0/8 Some(200)/Some(0) is a summary | Null | 00:02:28",
                "S 192.0.2.1/32 Some(10)/Some(0) is directly connected | Loop1 | -",
                "C 10.1.2.0/30 None/None is directly connected | port1 | -",
            ]
        );
    }

    #[test]
    fn fortios_ecmp_continuation_lines() {
        let r = parse_fortios_routing_table(
            "Routing table for VRF=0\n\
             S       198.51.100.7/32 [10/0] via 10.30.0.254, internal1\n\
             \x20                       [10/0] via 203.0.113.9, wan2\n\
             O E2    10.44.96.0/20 [110/20] via 10.44.0.1, hub-tunnel-2, 05:41:09\n",
        );
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].r#type, "S");
        assert_eq!(r[1].destination, "198.51.100.7/32");
        assert_eq!(r[1].gateway, "203.0.113.9");
        assert_eq!(r[1].interface, "wan2");
        assert_eq!(r[2].r#type, "O E2");
        assert_eq!(r[2].destination, "10.44.96.0/20");
        assert_eq!(r[2].interface, "hub-tunnel-2");
        assert_eq!(r[2].last_time_update.as_deref(), Some("05:41:09"));
    }
}
