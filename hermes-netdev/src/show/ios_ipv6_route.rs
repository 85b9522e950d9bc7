//! IOS / IOS-XE `show ipv6 route [vrf NAME]`.

use std::net::{IpAddr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use super::routing::read_prefix;
use super::{non_empty, ntc_opt};

/// One next hop of IOS `show ipv6 route` (field names as ntc-templates'
/// `cisco_ios_show_ipv6_route`, the prefix split into `network` and `prefix_length`): a prefix
/// with several next hops gives several entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosIpv6Route {
    /// The routing table, from `IPv6 Routing Table - NAME - N entries` (`default` for the global
    /// table, as printed).
    #[serde(default, with = "ntc_opt")]
    pub vrf: Option<String>,
    /// The protocol code as printed, type included: `C`, `L`, `LC`, `S`, `B`, `O`, `OI`, `OE2`,
    /// `ON1`, `D`, `EX`, `I1`, `IA`, `ND`, `NDp`...
    pub protocol: String,
    /// The prefix's network.
    pub network: Ipv6Addr,
    /// The prefix length.
    pub prefix_length: u8,
    /// Administrative distance.
    #[serde(default, with = "ntc_opt")]
    pub distance: Option<u32>,
    /// Metric.
    #[serde(default, with = "ntc_opt")]
    pub metric: Option<u64>,
    /// The route tag (`B 2001:db8::/64 [20/0], tag 1`).
    #[serde(default, with = "ntc_opt")]
    pub tag: Option<u32>,
    /// The next hop's address: IPv4 for a route learned over an IPv4 next hop (6PE:
    /// `via 10.4.1.1%default, indirectly connected`).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_ip: Option<IpAddr>,
    /// The next hop's VRF, where printed (`via 10.4.1.1%default`).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_vrf: Option<String>,
    /// The outgoing interface (`GigabitEthernet0/1`, `Null0`), without the VRF the device may
    /// print after it (`Vlan100%default`).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_if: Option<String>,
    /// `Last updated 22:57:07 04 December 2017` below the next hop (`show ipv6 route updated`).
    #[serde(default, with = "ntc_opt")]
    pub last_updated: Option<String>,
}

/// Parses IOS / IOS-XE `show ipv6 route` and `show ipv6 route vrf NAME` (also `show ipv6 route
/// PROTOCOL` and `... updated`): one entry per next hop, in the order printed. A route line
/// (`OE2 2001:db8::/64 [110/20]`, indented or not) is followed by its `via` lines (an address,
/// an interface, or both; `directly connected`, `receive` and `indirectly connected` are not
/// interfaces); the legend and the table header are not routes.
///
/// ```
/// let out = "IPv6 Routing Table - default - 3 entries\n\
///     Codes: C - Connected, L - Local, S - Static, U - Per-user Static route\n\
///     C   2001:DB8:1::/64 [0/0]\n\
///     \x20    via GigabitEthernet0/0, directly connected\n\
///     OE2 2001:DB8:4::/48 [110/20]\n\
///     \x20    via FE80::A8BB:CCFF:FE02:8B00, GigabitEthernet0/1\n\
///     \x20    via FE80::A8BB:CCFF:FE02:8B01, GigabitEthernet0/2\n";
/// let routes = hermes_netdev::show::parse_ios_show_ipv6_route(out);
/// assert_eq!(routes.len(), 3);
/// assert_eq!(routes[0].nexthop_if.as_deref(), Some("GigabitEthernet0/0"));
/// assert_eq!(routes[0].nexthop_ip, None);
/// assert_eq!(routes[1].protocol, "OE2");
/// assert_eq!(routes[1].prefix_length, 48);
/// assert_eq!(routes[2].nexthop_ip, Some("fe80::a8bb:ccff:fe02:8b01".parse().unwrap()));
/// ```
pub fn parse_ios_show_ipv6_route(text: &str) -> Vec<IosIpv6Route> {
    let mut out: Vec<IosIpv6Route> = Vec::new();
    let mut vrf: Option<String> = None;
    // The route line above, without next hop yet.
    let mut current: Option<IosIpv6Route> = None;
    // Whether the last entry in `out` is `current`'s last next hop (for `Last updated`).
    let mut last_is_hop = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("IPv6 Routing Table - ") {
            // `NAME - N entries`; a VRF name may itself hold ` - `.
            let name = rest.rsplit_once(" - ").map_or(rest, |(n, _)| n).trim();
            vrf = non_empty(name);
            current = None;
            last_is_hop = false;
            continue;
        }
        if let Some(at) = t.strip_prefix("Last updated ") {
            if last_is_hop {
                if let Some(r) = out.last_mut() {
                    r.last_updated = non_empty(at.trim());
                }
            }
            continue;
        }
        if let Some(via) = t.strip_prefix("via ") {
            let Some(base) = &current else {
                continue;
            };
            let mut r = base.clone();
            next_hop(&mut r, via);
            out.push(r);
            last_is_hop = true;
            continue;
        }
        last_is_hop = false;
        if let Some(r) = route_line(t, vrf.clone()) {
            current = Some(r);
        } else if !t.is_empty() {
            current = None;
        }
    }
    out
}

/// `OE2 2001:DB8::/64 [110/20]` or `B 2001:DB8::/64 [20/0], tag 1`.
fn route_line(t: &str, vrf: Option<String>) -> Option<IosIpv6Route> {
    let mut words = t.split_whitespace();
    let code = words.next()?;
    if code.len() > 4 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let (network, prefix_length) = read_prefix::<Ipv6Addr>(words.next()?, 128)?;
    let rest: Vec<&str> = words.collect();
    let rest = rest.join(" ");
    let mut r = IosIpv6Route {
        vrf,
        protocol: code.to_string(),
        network,
        prefix_length,
        distance: None,
        metric: None,
        tag: None,
        nexthop_ip: None,
        nexthop_vrf: None,
        nexthop_if: None,
        last_updated: None,
    };
    for part in rest.split(',').map(str::trim) {
        if let Some(pref) = part.strip_prefix('[').and_then(|p| p.strip_suffix(']')) {
            let (d, m) = pref.split_once('/').unwrap_or((pref, ""));
            r.distance = d.trim().parse().ok();
            r.metric = m.trim().parse().ok();
        } else if let Some(tag) = part.strip_prefix("tag ") {
            r.tag = tag.trim().parse().ok();
        }
    }
    Some(r)
}

/// `FE80::1, GigabitEthernet0/1`, `Vlan1, directly connected`, `Null0, receive`,
/// `10.4.1.1%default, indirectly connected`, `33.33.33.33%default, Vlan100%default`.
fn next_hop(r: &mut IosIpv6Route, via: &str) {
    for (i, part) in via.split(',').map(str::trim).enumerate() {
        if part.is_empty()
            || matches!(
                part,
                "directly connected" | "receive" | "indirectly connected"
            )
        {
            continue;
        }
        let (name, vrf) = match part.split_once('%') {
            Some((n, v)) => (n, non_empty(v)),
            None => (part, None),
        };
        match name.parse::<IpAddr>() {
            Ok(ip) if i == 0 => {
                r.nexthop_ip = Some(ip);
                r.nexthop_vrf = vrf;
            }
            _ if r.nexthop_if.is_none() && !name.contains(' ') => {
                r.nexthop_if = non_empty(name);
                if r.nexthop_vrf.is_none() {
                    r.nexthop_vrf = vrf;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_header_and_noise_are_not_routes() {
        let out = "IPv6 Routing Table - default - 0 entries\n\
                   Codes: C - Connected, L - Local, S - Static, U - Per-user Static route\n\
                   \x20      B - BGP, HA - Home Agent, MR - Mobile Router, R - RIP\n\
                   \x20      ON2 - OSPF NSSA ext 2, la - LISP alt\n\
                   \x20    via Null0, receive\n\
                   % Invalid input detected at '^' marker.\n";
        assert!(parse_ios_show_ipv6_route(out).is_empty());
        assert!(parse_ios_show_ipv6_route("").is_empty());
    }

    #[test]
    fn vrf_name_tag_and_next_hop_vrf() {
        // The layout of genieparser's IOS-XE `show ipv6 route vrf Red` (golden_output8), with
        // other values: a table name with ` - ` in it, an IPv4 next hop in another VRF and an
        // interface printed with its VRF.
        let out = "IPv6 Routing Table - Blue - West - 2 entries\n\
                   \x20   B 2001:DB8:7::1/128 [20/0], tag 65007\n\
                   \x20   via 192.0.2.77%default, Vlan70%default\n\
                   \x20   LC 2001:DB8:7::2/128 [0/0]\n\
                   \x20   via Loopback7, receive\n";
        let r = parse_ios_show_ipv6_route(out);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].vrf.as_deref(), Some("Blue - West"));
        assert_eq!(r[0].tag, Some(65007));
        assert_eq!(r[0].nexthop_ip, Some("192.0.2.77".parse().unwrap()));
        assert_eq!(r[0].nexthop_vrf.as_deref(), Some("default"));
        assert_eq!(r[0].nexthop_if.as_deref(), Some("Vlan70"));
        assert_eq!(r[1].protocol, "LC");
        assert_eq!(r[1].nexthop_if.as_deref(), Some("Loopback7"));
        assert_eq!(r[1].nexthop_ip, None);
        assert_eq!(r[1].distance, Some(0));
    }
}
