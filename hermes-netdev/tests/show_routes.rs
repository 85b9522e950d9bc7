//! Routing tables (NX-OS and IOS / IOS-XE `show ipv6 route`, IOS `show ip route`) on real genieparser outputs
//! vendored in `tests/data/show`, compared value by value with genieparser's own expected
//! results for the same outputs (`*_expected.json`, listed with their sha256 in its SOURCES.md,
//! which `show_env_stack` checks).

use std::path::PathBuf;

use hermes_netdev::show::{
    parse_ios_show_ip_route, parse_ios_show_ipv6_route, parse_nxos_show_ip_route,
    parse_nxos_show_ipv6_route,
};
use serde_json::Value;

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/show")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A value of genieparser's as the text Hermes serialises (`""` for none).
fn text(v: Option<&Value>) -> Option<String> {
    v.map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// `Eth1/3` (as printed, kept by Hermes) and `Ethernet1/3` (expanded by genieparser) name the
/// same port.
fn same_interface(ours: &str, theirs: &str) -> bool {
    let split = |s: &str| {
        let at = s
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(s.len());
        (s[..at].to_ascii_lowercase(), s[at..].to_string())
    };
    let ((a, n), (b, m)) = (split(ours), split(theirs));
    n == m && b.starts_with(&a) && !a.is_empty()
}

fn same_address(ours: &str, theirs: &str) -> bool {
    match (
        ours.parse::<std::net::IpAddr>(),
        theirs.parse::<std::net::IpAddr>(),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// What one comparison found: values compared, and the differences.
#[derive(Default)]
struct Tally {
    values: usize,
    diffs: Vec<String>,
}

impl Tally {
    fn check(&mut self, at: &str, key: &str, ok: bool, ours: &str, theirs: &str) {
        self.values += 1;
        if !ok {
            self.diffs.push(format!(
                "{at} {key}: Hermes {ours:?}, genieparser {theirs:?}"
            ));
        }
    }
}

/// Compares Hermes' rows (serialised, one per next hop) with genieparser's
/// `vrf → address_family.ipv6.routes → prefix` tree: every genieparser route and next hop must
/// be found with the same values, and Hermes may give no next hop genieparser does not list.
/// `updated` is the key Hermes reads genieparser's `updated` into (`uptime` on NX-OS,
/// `last_updated` on IOS).
fn compare(rows: &[Value], expected: &Value, updated: &str) -> Tally {
    let mut t = Tally::default();
    let get = |r: &Value, k: &str| text(r.get(k)).unwrap_or_default();
    let mut hops = 0;
    let families = expected["vrf"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(vrf, v)| {
            v["address_family"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(move |(_, af)| Some((vrf, af["routes"].as_object()?)))
        });
    for (vrf, routes) in families {
        for (prefix, route) in routes {
            let at = format!("{vrf} {prefix}");
            let (net, len) = prefix.split_once('/').unwrap();
            let mut mine: Vec<&Value> = rows
                .iter()
                .filter(|r| {
                    // IOS `show ip route` names no table for the global one.
                    let table = get(r, "vrf");
                    (table == *vrf || table.is_empty() && vrf == "default")
                        && same_address(&get(r, "network"), net)
                        && get(r, "prefix_length") == len
                })
                .collect();
            t.check(&at, "route", !mine.is_empty(), "", prefix);
            if mine.is_empty() {
                continue;
            }
            let first = mine[0];
            if let Some(p) = text(route.get("route_preference")) {
                t.check(
                    &at,
                    "route_preference",
                    get(first, "distance") == p,
                    &get(first, "distance"),
                    &p,
                );
            }
            if let Some(m) = text(route.get("metric")) {
                t.check(
                    &at,
                    "metric",
                    get(first, "metric") == m,
                    &get(first, "metric"),
                    &m,
                );
            }
            if let Some(c) = text(route.get("source_protocol_codes")) {
                // IOS `show ip route` splits `O IA` into protocol and type.
                let code = match get(first, "type") {
                    ty if ty.is_empty() || get(first, "protocol") == c => get(first, "protocol"),
                    ty => format!("{} {ty}", get(first, "protocol")),
                };
                t.check(&at, "source_protocol_codes", code == c, &code, &c);
            }
            if let Some(tag) = text(route.get("tag")) {
                t.check(
                    &at,
                    "tag",
                    get(first, "tag") == tag,
                    &get(first, "tag"),
                    &tag,
                );
            }
            if let Some(pid) = text(route.get("process_id")) {
                let ours = get(first, "protocol");
                let ok = ours.split_once('-').is_some_and(|(_, p)| p == pid);
                t.check(&at, "process_id", ok, &ours, &pid);
            }
            let nh = &route["next_hop"];
            let mut want: Vec<(Option<String>, &Value)> = Vec::new();
            if let Some(list) = nh["next_hop_list"].as_object() {
                let mut list: Vec<&Value> = list.values().collect();
                list.sort_by_key(|h| h["index"].as_u64());
                want.extend(list.into_iter().map(|h| (text(h.get("next_hop")), h)));
            }
            if let Some(ifs) = nh["outgoing_interface"].as_object() {
                want.extend(ifs.values().map(|h| (None, h)));
            }
            hops += want.len();
            t.check(
                &at,
                "next hops",
                mine.len() == want.len(),
                &mine.len().to_string(),
                &want.len().to_string(),
            );
            for (addr, h) in want {
                let theirs_if = text(h.get("outgoing_interface"));
                let found = mine.iter().position(|r| {
                    let ip = get(r, "nexthop_ip");
                    let addr_ok = match addr.as_deref() {
                        // genieparser writes a next hop that is a VRF (`vrf default`) or an
                        // interface (`Null0`) where the address stands.
                        Some(a) if a.starts_with("vrf ") => {
                            ip.is_empty() && get(r, "nexthop_vrf") == a["vrf ".len()..]
                        }
                        Some(a) if a.parse::<std::net::IpAddr>().is_err() => {
                            ip.is_empty() && same_interface(&get(r, "nexthop_if"), a)
                        }
                        Some(a) => same_address(&ip, a),
                        None => ip.is_empty(),
                    };
                    let if_ok = theirs_if
                        .as_deref()
                        .is_none_or(|i| same_interface(&get(r, "nexthop_if"), i));
                    addr_ok && if_ok
                });
                let hop_at = format!("{at} via {:?} {:?}", addr, theirs_if);
                t.check(&hop_at, "next hop", found.is_some(), "", "");
                let Some(i) = found else { continue };
                let r = mine.remove(i);
                for (key, ours_key) in [
                    ("updated", updated),
                    ("route_preference", "distance"),
                    ("metric", "metric"),
                    ("source_protocol_status", "type"),
                ] {
                    if let Some(v) = text(h.get(key)) {
                        t.check(&hop_at, key, get(r, ours_key) == v, &get(r, ours_key), &v);
                    }
                }
                for key in ["vrf", "next_hop_vrf"] {
                    if let Some(v) = text(h.get(key)) {
                        let ours = get(r, "nexthop_vrf");
                        t.check(&hop_at, key, ours == v, &ours, &v);
                    }
                }
                if let Some(v) = text(h.get("source_protocol")) {
                    let ours = get(r, "protocol");
                    let ok = ours.split('-').next() == Some(v.as_str());
                    t.check(&hop_at, "source_protocol", ok, &ours, &v);
                }
            }
        }
    }
    t.check(
        "all",
        "rows",
        rows.len() == hops,
        &rows.len().to_string(),
        &hops.to_string(),
    );
    t
}

/// Where genieparser lists what the output does not show, by file: (prefix, what).
const GENIEPARSER_ONLY: &[(&str, &str, &str)] = &[
    // The capture ends on this prefix's line, before its next hops: genieparser lists the
    // prefix with none; Hermes reports next hops, so this prefix gives no row.
    (
        "nxos_show_ipv6_route_2",
        "VRF1 2001:10:13:120::3/128 route",
        "the capture ends before its next hops",
    ),
];

fn known(name: &str, diffs: Vec<String>) -> Vec<String> {
    diffs
        .into_iter()
        .filter(|d| {
            !GENIEPARSER_ONLY
                .iter()
                .any(|(f, what, _)| *f == name && d.starts_with(&format!("{what}:")))
        })
        .collect()
}

fn nxos(name: &str) -> Tally {
    let rows =
        serde_json::to_value(parse_nxos_show_ipv6_route(&read(&format!("{name}.txt")))).unwrap();
    let expected: Value = serde_json::from_str(&read(&format!("{name}_expected.json"))).unwrap();
    compare(rows.as_array().unwrap(), &expected, "uptime")
}

fn ios(name: &str) -> Tally {
    let rows =
        serde_json::to_value(parse_ios_show_ipv6_route(&read(&format!("{name}.txt")))).unwrap();
    let expected: Value = serde_json::from_str(&read(&format!("{name}_expected.json"))).unwrap();
    compare(rows.as_array().unwrap(), &expected, "last_updated")
}

#[test]
fn nxos_show_ipv6_route_equals_genieparser() {
    let mut values = 0;
    for name in [
        "nxos_show_ipv6_route_1",
        "nxos_show_ipv6_route_2",
        "nxos_show_ipv6_route_3",
    ] {
        let t = nxos(name);
        let diffs = known(name, t.diffs);
        assert!(diffs.is_empty(), "{name}:\n{}", diffs.join("\n"));
        values += t.values;
    }
    // Every value genieparser gives that Hermes reads (prefixes, next hops, preference, metric,
    // protocol and process, type, tag, next-hop VRF, age).
    assert_eq!(values, 403);
}

#[test]
fn ios_show_ip_route_equals_genieparser() {
    // Before: the second interface of `S 10.36.3.3 is directly connected, Gi0/3` (printed as
    // `is directly connected, GigabitEthernet0/2` on the line below) was dropped.
    let name = "ios_show_ip_route_1";
    let rows =
        serde_json::to_value(parse_ios_show_ip_route(&read(&format!("{name}.txt")))).unwrap();
    let expected: Value = serde_json::from_str(&read(&format!("{name}_expected.json"))).unwrap();
    let t = compare(rows.as_array().unwrap(), &expected, "uptime");
    assert!(t.diffs.is_empty(), "{name}:\n{}", t.diffs.join("\n"));
    assert!(t.values > 50, "{} values compared", t.values);
}

#[test]
fn nxos_show_routing_equals_genieparser() {
    // Before: the `*via vrf default, Null0, [20/0], ...` next hop was dropped.
    let name = "nxos_show_routing_1";
    let rows =
        serde_json::to_value(parse_nxos_show_ip_route(&read(&format!("{name}.txt")))).unwrap();
    let expected: Value = serde_json::from_str(&read(&format!("{name}_expected.json"))).unwrap();
    let t = compare(rows.as_array().unwrap(), &expected, "uptime");
    assert!(t.diffs.is_empty(), "{name}:\n{}", t.diffs.join("\n"));
    assert_eq!(rows.as_array().unwrap().len(), 3);
}

#[test]
fn ios_show_ipv6_route_equals_genieparser() {
    let mut values = 0;
    for name in [
        "iosxe_show_ipv6_route_6",
        "iosxe_show_ipv6_route_8",
        "iosxe_show_ipv6_route_9",
        "ios_show_ipv6_route_updated_1",
        "ios_show_ipv6_route_updated_2",
    ] {
        let t = ios(name);
        assert!(t.diffs.is_empty(), "{name}:\n{}", t.diffs.join("\n"));
        values += t.values;
    }
    assert_eq!(values, 146);
}
