//! `show ip route [vrf NAME|all]` and `show ipv6 route [vrf NAME|all]`.

use std::str::FromStr;

use serde_json::Value;

use super::{opt, uptime_text, Reply, Row};
use crate::error::Result;
use crate::show::routing::read_prefix;
use crate::show::{NxosIpv6Route, NxosRoute, NxosRouteOf};

/// Reads NX-OS `show ip route [vrf NAME|all]` structured output (`TABLE_vrf` → `TABLE_addrf`
/// → `TABLE_prefix` → `TABLE_path`) into the [`NxosRoute`] rows the text parser returns: one
/// row per next hop, with the prefix, the protocol (`clientname`: `direct`, `local`,
/// `ospf-1`, `bgp-65000`), preference, metric, next-hop address and interface, uptime (an ISO
/// 8601 duration written as the text does: `P15DT16H28M27S` → `2w1d`), tag and VXLAN
/// segment. A VRF with no routes gives one row with only the VRF, as the text's `Route not
/// found` does. A prefix that is not an IPv4 prefix, or a next hop that is not an address, is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming it (read `show ipv6 route` with
/// [`parse_nxos_json_show_ipv6_route`]).
///
/// ```
/// let body = serde_json::json!({"TABLE_vrf": {"ROW_vrf": {"vrf-name-out": "default",
///     "TABLE_addrf": {"ROW_addrf": {"addrf": "ipv4", "TABLE_prefix": {"ROW_prefix": {
///     "ipprefix": "10.1.0.0/24", "ucast-nhops": "1", "mcast-nhops": "0", "attached": "false",
///     "TABLE_path": {"ROW_path": {"ipnexthop": "10.0.0.2", "ifname": "Eth1/49",
///     "uptime": "P1DT2H", "pref": "110", "metric": "41", "clientname": "ospf-1",
///     "type": "intra", "ubest": "true"}}}}}}}}});
/// let r = hermes_netdev::show::parse_nxos_json_show_ip_route("n9k1", &body)?;
/// assert_eq!(r[0].protocol.as_deref(), Some("ospf-1"));
/// assert_eq!(r[0].distance, Some(110));
/// assert_eq!(r[0].uptime.as_deref(), Some("1d02h"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_ip_route(target: &str, body: &Value) -> Result<Vec<NxosRoute>> {
    routes(target, "show ip route", "an IPv4 prefix", 32, body)
}

/// Reads NX-OS `show ipv6 route [vrf NAME|all]` structured output, the same tables and keys as
/// `show ip route` (`ipprefix`, `ipnexthop`...) with IPv6 prefixes, into the [`NxosIpv6Route`]
/// rows [`parse_nxos_show_ipv6_route`](crate::show::parse_nxos_show_ipv6_route) returns. A
/// prefix that is not an IPv6 prefix, or a next hop that is not an address, is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming it.
///
/// ```
/// let body = serde_json::json!({"TABLE_vrf": {"ROW_vrf": {"vrf-name-out": "default",
///     "TABLE_addrf": {"ROW_addrf": {"addrf": "ipv6", "TABLE_prefix": {"ROW_prefix": {
///     "ipprefix": "2001:db8:10::/64", "ucast-nhops": "1", "mcast-nhops": "0",
///     "TABLE_path": {"ROW_path": {"ipnexthop": "fe80::5054:ff:fe64:bd2e", "ifname": "Eth1/3",
///     "uptime": "PT1H1M10S", "pref": "110", "metric": "41", "clientname": "ospfv3-1",
///     "type": "intra", "ubest": "true"}}}}}}}}});
/// let r = hermes_netdev::show::parse_nxos_json_show_ipv6_route("n9k1", &body)?;
/// assert_eq!(r[0].network, Some("2001:db8:10::".parse().unwrap()));
/// assert_eq!(r[0].prefix_length, Some(64));
/// assert_eq!(r[0].nexthop_if.as_deref(), Some("Eth1/3"));
/// assert_eq!(r[0].uptime.as_deref(), Some("01:01:10"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_ipv6_route(target: &str, body: &Value) -> Result<Vec<NxosIpv6Route>> {
    routes(target, "show ipv6 route", "an IPv6 prefix", 128, body)
}

fn routes<A: FromStr + Copy + std::fmt::Display>(
    target: &str,
    command: &'static str,
    what: &str,
    max_len: u8,
    body: &Value,
) -> Result<Vec<NxosRouteOf<A>>> {
    let r = Reply { target, command };
    let b = r.body(body)?;
    let mut out = Vec::new();
    for vrf in r.rows(&b, "vrf")? {
        let name = opt(vrf, "vrf-name-out");
        let before = out.len();
        for af in r.rows(vrf, "addrf")? {
            for prefix in r.rows(af, "prefix")? {
                let p = r.req(prefix, "ipprefix")?;
                let (net, len) = read_prefix::<A>(&p, max_len)
                    .ok_or_else(|| r.malformed(format!("`ipprefix` {p:?} is not {what}")))?;
                for path in r.rows(prefix, "path")? {
                    out.push(route(&r, name.clone(), net, len, path)?);
                }
            }
        }
        if out.len() == before {
            out.push(NxosRouteOf {
                vrf: name,
                ..Default::default()
            });
        }
    }
    Ok(out)
}

fn route<A: std::fmt::Display>(
    r: &Reply<'_>,
    vrf: Option<String>,
    net: A,
    len: u8,
    path: &Row,
) -> Result<NxosRouteOf<A>> {
    let nexthop_ip = match opt(path, "ipnexthop") {
        Some(a) => Some(a.trim().parse().map_err(|_| {
            r.malformed(format!("{net}/{len}: `ipnexthop` {a:?} is not an address"))
        })?),
        None => None,
    };
    Ok(NxosRouteOf {
        vrf,
        network: Some(net),
        prefix_length: Some(len),
        protocol: opt(path, "clientname"),
        r#type: opt(path, "type"),
        distance: r.num(path, "pref")?,
        metric: r.num(path, "metric")?,
        nexthop_ip,
        nexthop_if: opt(path, "ifname"),
        nexthop_vrf: opt(path, "vrfname"),
        uptime: opt(path, "uptime").map(uptime_text),
        tag: opt(path, "tag"),
        segid: r.num(path, "segid")?,
        tunnelid: opt(path, "tunnelid"),
        encap: opt(path, "encap"),
    })
}
