//! IOS / IOS-XE `show ip route [vrf NAME]`.

use std::net::{IpAddr, Ipv4Addr};

use serde::{Deserialize, Serialize};

use super::{non_empty, ntc_opt};

/// One next hop of IOS `show ip route` (field names as ntc-templates' `cisco_ios_show_ip_route`): a
/// prefix with several next hops (load sharing) gives several entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosRoute {
    /// The VRF, from `Routing Table: NAME` (absent for the global table).
    #[serde(default, with = "ntc_opt")]
    pub vrf: Option<String>,
    /// The protocol code: `C`, `L`, `S`, `O`, `D`, `B`, `i`, `R`, `o`...
    pub protocol: String,
    /// The route type after the code: `IA`, `E1`, `E2`, `N1`, `N2`, `EX`, `L1`, `L2`, `ia`, `su`.
    #[serde(default, with = "ntc_opt")]
    pub r#type: Option<String>,
    /// A candidate default route (`*` after the code).
    #[serde(default)]
    pub candidate_default: bool,
    /// The prefix's network.
    pub network: Ipv4Addr,
    /// The prefix length: the route's own `/len`, or the one of the `is subnetted` line above it.
    #[serde(default, with = "ntc_opt")]
    pub prefix_length: Option<u8>,
    /// Administrative distance (absent for connected and summary routes).
    #[serde(default, with = "ntc_opt")]
    pub distance: Option<u32>,
    /// Metric.
    #[serde(default, with = "ntc_opt")]
    pub metric: Option<u64>,
    /// The next hop's address: IPv6 for an IPv4 route learned over an IPv6 next hop
    /// (`via 2001:db8::2 (default:ipv6)`, BGP with RFC 8950 next hops).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_ip: Option<IpAddr>,
    /// The next hop's VRF, where it is printed (`via 192.0.2.1 (default)`, route leaking).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_vrf: Option<String>,
    /// The outgoing interface (`GigabitEthernet0/1`, `Vlan10`, `Null0`).
    #[serde(default, with = "ntc_opt")]
    pub nexthop_if: Option<String>,
    /// Age (`00:04:17`, `1d02h`, `2w0d`), where printed.
    #[serde(default, with = "ntc_opt")]
    pub uptime: Option<String>,
}

/// Parses IOS / IOS-XE `show ip route` and `show ip route vrf NAME`: one entry per next hop, in the
/// order printed. Connected, local, static, dynamic, summary (`is a summary`) and `Null0` routes; a
/// prefix whose mask comes from the `is subnetted` line above it; routes whose next hops wrap onto the
/// following lines (long interface names, load sharing). The legend, `Gateway of last resort` and
/// `is (variably) subnetted` lines are not routes.
///
/// ```
/// let out = "Gateway of last resort is 10.1.0.1 to network 0.0.0.0\n\n\
///     S*    0.0.0.0/0 [1/0] via 10.1.0.1\n\
///     \x20     10.0.0.0/8 is variably subnetted, 3 subnets, 2 masks\n\
///     C        10.1.0.0/24 is directly connected, GigabitEthernet0/0\n\
///     O IA     10.7.0.0/16 [110/3] via 10.1.0.7, 00:12:41, GigabitEthernet0/0\n\
///     \x20                  [110/3] via 10.1.0.8, 00:12:41, GigabitEthernet0/0\n";
/// let routes = hermes_netdev::show::parse_ios_show_ip_route(out);
/// assert_eq!(routes.len(), 4);
/// assert!(routes[0].candidate_default);
/// assert_eq!(routes[1].nexthop_if.as_deref(), Some("GigabitEthernet0/0"));
/// assert_eq!(routes[2].r#type.as_deref(), Some("IA"));
/// assert_eq!(routes[3].nexthop_ip, Some("10.1.0.8".parse().unwrap()));
/// ```
pub fn parse_ios_show_ip_route(text: &str) -> Vec<IosRoute> {
    let mut out = Vec::new();
    let mut vrf: Option<String> = None;
    // The mask given by the last `A.B.C.D/len is subnetted` line (not `variably`).
    let mut subnet_len: Option<u8> = None;
    // The route whose next hops may continue on the following lines, without its next hop.
    let mut current: Option<IosRoute> = None;
    // The connected route above, whose other interfaces may follow on the next lines.
    let mut connected: Option<IosRoute> = None;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            current = None;
            connected = None;
            continue;
        }
        if let Some(tail) = t.strip_prefix("is directly connected") {
            // `S  10.36.3.3 is directly connected, Gi0/3` then `   is directly connected, Gi0/2`:
            // a static route over two interfaces.
            if let Some(base) = connected.as_ref().filter(|_| !line.starts_with(t)) {
                let mut r = base.clone();
                connected_tail(&mut r, tail);
                out.push(r);
            }
            continue;
        }
        connected = None;
        if let Some(name) = t.strip_prefix("Routing Table:") {
            vrf = non_empty(name.trim());
            current = None;
            continue;
        }
        if t.contains(" subnetted") && !line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // `10.0.0.0/24 is subnetted, 2 subnets` or `10.0.0.0/8 is variably subnetted, ...`.
            subnet_len = if t.contains("variably") {
                None
            } else {
                t.split_whitespace()
                    .next()
                    .and_then(|p| p.split_once('/'))
                    .and_then(|(_, l)| l.parse().ok())
            };
            current = None;
            continue;
        }
        if t.starts_with('[') {
            // Another next hop of the route above, or the first one of a route printed alone.
            if let Some(base) = &current {
                // `current` is kept without next hop (it is stored before one is read).
                let mut r = base.clone();
                if next_hop(&mut r, t) {
                    // A route printed alone (`O  10.3.0.0/24` then its next hops): its placeholder is
                    // replaced by the first real next hop.
                    if out
                        .last()
                        .is_some_and(|l: &IosRoute| pending(l) && same(l, &r))
                    {
                        out.pop();
                    }
                    out.push(r);
                }
            }
            continue;
        }
        if !line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let Some((code, network, len, rest)) = route_head(line) else {
            current = None;
            continue;
        };
        let (protocol, kind, candidate_default) = code;
        let mut r = IosRoute {
            vrf: vrf.clone(),
            protocol,
            r#type: kind,
            candidate_default,
            network,
            prefix_length: len.or(subnet_len),
            distance: None,
            metric: None,
            nexthop_ip: None,
            nexthop_vrf: None,
            nexthop_if: None,
            uptime: None,
        };
        let rest = rest.trim();
        if rest.is_empty() {
            // The next hops follow on the next lines.
            current = Some(r.clone());
            out.push(r);
            continue;
        }
        if let Some(tail) = rest
            .strip_prefix("is directly connected")
            .or_else(|| rest.strip_prefix("is a summary"))
        {
            connected = Some(r.clone());
            connected_tail(&mut r, tail);
            current = None;
            out.push(r);
            continue;
        }
        current = Some(r.clone());
        if next_hop(&mut r, rest) {
            out.push(r);
        }
    }
    out
}

/// `, 00:10:00, Null0` after `is directly connected` / `is a summary`: the age and the interface.
fn connected_tail(r: &mut IosRoute, tail: &str) {
    for part in tail.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            r.uptime = non_empty(part);
        } else {
            r.nexthop_if = non_empty(part);
        }
    }
}

/// A route line printed without its next hops yet.
fn pending(r: &IosRoute) -> bool {
    r.distance.is_none() && r.nexthop_ip.is_none() && r.nexthop_if.is_none()
}

fn same(a: &IosRoute, b: &IosRoute) -> bool {
    a.network == b.network && a.prefix_length == b.prefix_length && a.protocol == b.protocol
}

type Code = (String, Option<String>, bool);

/// `O IA     10.7.0.0/16 ...` → ((`O`, `IA`, false), 10.7.0.0, Some(16), `...`).
fn route_head(line: &str) -> Option<(Code, Ipv4Addr, Option<u8>, &str)> {
    // The network is the first token that reads as an address (with or without `/len`).
    let mut pos = 0;
    for tok in line.split_whitespace() {
        let at = pos + line[pos..].find(tok)?;
        pos = at + tok.len();
        let (addr, len) = match tok.split_once('/') {
            Some((a, l)) => (a, Some(l.parse::<u8>().ok().filter(|l| *l <= 32)?)),
            None => (tok, None),
        };
        if let Ok(network) = addr.parse::<Ipv4Addr>() {
            let code = &line[..at];
            let mut chars = code.chars();
            let protocol = chars.next()?.to_string();
            let flags: String = chars.collect();
            let candidate_default = flags.contains('*');
            let kind: String = flags
                .split(|c: char| c.is_whitespace() || matches!(c, '*' | '+' | '%' | '&'))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            return Some((
                (protocol, non_empty(&kind), candidate_default),
                network,
                len,
                &line[pos..],
            ));
        }
        // A code token: one to four letters and flags (`O*E2`, `IA`, `+`, `su`).
        if tok.len() > 4
            || !tok
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "*+%&".contains(c))
        {
            return None;
        }
    }
    None
}

/// Reads `[110/3] via 10.1.0.7 [(vrf)], 00:12:41, GigabitEthernet0/0` (or `[1/0], 00:00:10, Null0`)
/// into `r`; false when the text is not a next hop.
fn next_hop(r: &mut IosRoute, text: &str) -> bool {
    let Some(rest) = text.strip_prefix('[') else {
        return false;
    };
    let Some((pref, rest)) = rest.split_once(']') else {
        return false;
    };
    let (d, m) = pref.split_once('/').unwrap_or((pref, ""));
    r.distance = d.trim().parse().ok();
    r.metric = m.trim().parse().ok();
    let mut rest = rest.trim_start();
    if let Some(v) = rest.strip_prefix("via ") {
        let v = v.trim_start();
        let end = v.find([',', ' ']).unwrap_or(v.len());
        r.nexthop_ip = v[..end].parse().ok();
        rest = v[end..].trim_start();
        if let Some(paren) = rest.strip_prefix('(') {
            if let Some((name, after)) = paren.split_once(')') {
                r.nexthop_vrf = non_empty(name.trim());
                rest = after;
            }
        }
    }
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            r.uptime = non_empty(part);
        } else {
            r.nexthop_if = non_empty(part);
        }
    }
    r.distance.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       + - replicated route, % - next hop override

Gateway of last resort is 10.40.0.1 to network 0.0.0.0

S*    0.0.0.0/0 [1/0] via 10.40.0.1
      10.0.0.0/8 is variably subnetted, 6 subnets, 3 masks
C        10.40.0.0/24 is directly connected, GigabitEthernet0/0/0
L        10.40.0.9/32 is directly connected, GigabitEthernet0/0/0
O E2     10.44.0.0/16 [110/20] via 10.40.0.4, 2d03h, GigabitEthernet0/0/0
                      [110/20] via 10.40.0.5, 2d03h, GigabitEthernet0/0/0
O IA     10.45.12.0/24 
           [110/65] via 10.40.0.4, 00:03:11, TenGigabitEthernet0/1/0.120
D EX     10.46.0.0/22 [170/3072] via 10.40.0.6, 1w2d, Vlan46
      172.20.0.0/24 is subnetted, 2 subnets
D        172.20.1.0 [90/156160] via 10.40.0.6, 00:41:02, Vlan46
S        172.20.2.0 is directly connected, Null0
B     192.168.64.0/18 [20/0] via 198.51.100.3, 3w1d
B  +  192.168.128.0/20 [200/0] via 203.0.113.9 (default), 01:02:03
O     192.168.200.0/24 is a summary, 00:10:00, Null0
O*E2  0.0.0.0/0 [110/1] via 10.40.0.1, 00:00:42, GigabitEthernet0/0/0
i L2     172.31.0.0/16 [115/20] via 10.40.0.8, 5d00h, GigabitEthernet0/0/1
";

    #[test]
    fn every_kind_of_route_line() {
        let r = parse_ios_show_ip_route(TABLE);
        let brief: Vec<String> = r
            .iter()
            .map(|r| {
                format!(
                    "{}{} {}/{} {:?}/{:?} {:?} {:?} {:?} {:?}{}",
                    r.protocol,
                    r.r#type
                        .as_deref()
                        .map(|t| format!(" {t}"))
                        .unwrap_or_default(),
                    r.network,
                    r.prefix_length.map(|l| l.to_string()).unwrap_or_default(),
                    r.distance,
                    r.metric,
                    r.nexthop_ip.map(|i| i.to_string()),
                    r.nexthop_if,
                    r.uptime,
                    r.nexthop_vrf,
                    if r.candidate_default { " *" } else { "" },
                )
            })
            .collect();
        assert_eq!(
            brief,
            [
                "S 0.0.0.0/0 Some(1)/Some(0) Some(\"10.40.0.1\") None None None *",
                "C 10.40.0.0/24 None/None None Some(\"GigabitEthernet0/0/0\") None None",
                "L 10.40.0.9/32 None/None None Some(\"GigabitEthernet0/0/0\") None None",
                "O E2 10.44.0.0/16 Some(110)/Some(20) Some(\"10.40.0.4\") Some(\"GigabitEthernet0/0/0\") Some(\"2d03h\") None",
                "O E2 10.44.0.0/16 Some(110)/Some(20) Some(\"10.40.0.5\") Some(\"GigabitEthernet0/0/0\") Some(\"2d03h\") None",
                "O IA 10.45.12.0/24 Some(110)/Some(65) Some(\"10.40.0.4\") Some(\"TenGigabitEthernet0/1/0.120\") Some(\"00:03:11\") None",
                "D EX 10.46.0.0/22 Some(170)/Some(3072) Some(\"10.40.0.6\") Some(\"Vlan46\") Some(\"1w2d\") None",
                "D 172.20.1.0/24 Some(90)/Some(156160) Some(\"10.40.0.6\") Some(\"Vlan46\") Some(\"00:41:02\") None",
                "S 172.20.2.0/24 None/None None Some(\"Null0\") None None",
                "B 192.168.64.0/18 Some(20)/Some(0) Some(\"198.51.100.3\") None Some(\"3w1d\") None",
                "B 192.168.128.0/20 Some(200)/Some(0) Some(\"203.0.113.9\") None Some(\"01:02:03\") Some(\"default\")",
                "O 192.168.200.0/24 None/None None Some(\"Null0\") Some(\"00:10:00\") None",
                "O E2 0.0.0.0/0 Some(110)/Some(1) Some(\"10.40.0.1\") Some(\"GigabitEthernet0/0/0\") Some(\"00:00:42\") None *",
                "i L2 172.31.0.0/16 Some(115)/Some(20) Some(\"10.40.0.8\") Some(\"GigabitEthernet0/0/1\") Some(\"5d00h\") None",
            ]
        );
    }

    #[test]
    fn vrf_table_and_old_ios_layout() {
        // `show ip route vrf CUST` on IOS 12.2: no `/len` on subnetted routes, no `L` routes.
        let out = "\
Routing Table: CUST
Codes: C - connected, S - static, R - RIP, M - mobile, B - BGP

Gateway of last resort is not set

     172.16.0.0/24 is subnetted, 1 subnets
C       172.16.9.0 is directly connected, FastEthernet0/1
R    192.168.7.0/24 [120/1] via 172.16.9.2, 00:00:17, FastEthernet0/1
";
        let r = parse_ios_show_ip_route(out);
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|r| r.vrf.as_deref() == Some("CUST")));
        assert_eq!(r[0].prefix_length, Some(24));
        assert_eq!(r[0].nexthop_if.as_deref(), Some("FastEthernet0/1"));
        assert_eq!(r[1].protocol, "R");
        assert_eq!(r[1].metric, Some(1));
        assert_eq!(r[1].uptime.as_deref(), Some("00:00:17"));
    }

    #[test]
    fn ipv4_routes_over_ipv6_next_hops() {
        // Modelled on genieparser's IOS-XE `show ip route vrf` samples
        // (src/genie/libs/parser/iosxe/tests/ShowIpRoute/cli/equal/golden_output7_output.txt and
        // golden_output8_output.txt): BGP routes whose next hop is an IPv6 address, on the route's
        // line and on the line below it. ntc-templates' template has no rule for them.
        let out = "\
Routing Table: red

Gateway of last resort is not set

      192.168.1.0/24 is variably subnetted, 4 subnets, 2 masks
C        192.168.1.0/24 is directly connected, Vlan1500
B        192.168.1.20/32 [200/0] via 2109:1::2 (red:ipv6), 00:03:46, Vlan500
B        192.168.1.40/32
           [200/0] via 2109:1::4 (default:ipv6), 00:04:15, Vlan500
";
        let r = parse_ios_show_ip_route(out);
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].nexthop_ip, Some("2109:1::2".parse().unwrap()));
        assert_eq!(r[1].nexthop_vrf.as_deref(), Some("red:ipv6"));
        assert_eq!(r[1].uptime.as_deref(), Some("00:03:46"));
        assert_eq!(r[1].nexthop_if.as_deref(), Some("Vlan500"));
        assert_eq!(r[2].network, Ipv4Addr::new(192, 168, 1, 40));
        assert_eq!(r[2].prefix_length, Some(32));
        assert_eq!(r[2].distance, Some(200));
        assert_eq!(r[2].nexthop_ip, Some("2109:1::4".parse().unwrap()));
        assert_eq!(r[2].nexthop_vrf.as_deref(), Some("default:ipv6"));
        let json = serde_json::to_value(&r[2]).unwrap();
        assert_eq!(json["nexthop_ip"], "2109:1::4");
    }

    #[test]
    fn legend_and_noise_are_not_routes() {
        assert!(parse_ios_show_ip_route(
            "Codes: L - local, C - connected\n\nGateway of last resort is not set\n"
        )
        .is_empty());
        assert!(parse_ios_show_ip_route("% Invalid input detected at '^' marker.\n").is_empty());
        assert!(parse_ios_show_ip_route("").is_empty());
        // A next-hop line with nothing above it is ignored, not attached to nothing.
        assert!(parse_ios_show_ip_route("   [110/2] via 10.0.0.1, 00:00:01, Vlan1\n").is_empty());
    }
}
