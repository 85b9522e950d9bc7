//! BGP: IOS `router bgp ASN` (neighbor lines `neighbor X ...`, peer groups, `address-family ipv4
//! [unicast|vrf V]` / `ipv6` sub-modes ended by `exit-address-family`) and NX-OS `router bgp ASN`
//! (`neighbor X [remote-as N]` blocks with indented settings and per-neighbor address families,
//! `vrf V` sub-blocks, top-level `address-family ipv4 unicast`).
//!
//! Typed: the ASN (asplain or asdot, as written), the router ID, `bgp log-neighbor-changes`, each
//! neighbor's session settings (remote AS, peer group, description, update source, shutdown,
//! password as a [`hermes_core::Secret`], eBGP multihop, timers) and per-family settings
//! (`activate`, route maps, `send-community`, `next-hop-self`, `soft-reconfiguration`, IOS
//! `advertise additional-paths`, `route-reflector-client`), each family's `network` and
//! `redistribute` lines and IOS `bgp additional-paths select ...` / `send|receive`; peer
//! templates (IOS `template peer-session|peer-policy X`, NX-OS `template peer|peer-session|
//! peer-policy X`: module `template`). Everything else is kept as written where it stands (on the
//! neighbor, the template, the family, the VRF or the process).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use hermes_core::Secret;
use serde::{Deserialize, Serialize};

use super::{after_words, other_of, words, Dialect};
use crate::tree::{ConfigTree, NodeId, NodeKind};

mod template;

/// A BGP password as written: the encryption type (`0`/`7` on IOS, `3`/`7` on NX-OS, none
/// written) and the value, a [`Secret`] (never in `Debug`, serde output or errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BgpPassword {
    /// The encryption type written before the value, if any.
    #[serde(default)]
    pub kind: Option<u8>,
    /// The password (or its encrypted form, as the device shows it).
    pub value: Secret,
}

/// A neighbor (or an IOS peer-group definition): its session settings and, where it stands in an
/// address family, its settings there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BgpNeighbor {
    /// IOS `neighbor NAME peer-group`: this entry defines a peer group.
    #[serde(default)]
    pub is_peer_group: bool,
    /// `remote-as N` (asplain or asdot, as written).
    #[serde(default)]
    pub remote_as: Option<String>,
    /// NX-OS: written on the neighbor line (`neighbor X remote-as N`) rather than indented.
    #[serde(default)]
    pub remote_as_inline: bool,
    /// IOS `neighbor X peer-group G`: member of peer group `G`.
    #[serde(default)]
    pub peer_group: Option<String>,
    /// `description ...`.
    #[serde(default)]
    pub description: Option<String>,
    /// `update-source IFACE`.
    #[serde(default)]
    pub update_source: Option<String>,
    /// `shutdown` (`Some(true)`); in a desired model `Some(false)` brings a shut neighbor up and
    /// `None` leaves it as it is.
    #[serde(default)]
    pub shutdown: Option<bool>,
    /// `password [type] VALUE`.
    #[serde(default)]
    pub password: Option<BgpPassword>,
    /// `ebgp-multihop [N]`: what follows the keyword (empty for the bare form).
    #[serde(default)]
    pub ebgp_multihop: Option<String>,
    /// `timers KEEPALIVE HOLD [MIN]`: what follows the keyword.
    #[serde(default)]
    pub timers: Option<String>,
    /// `activate` (IOS, in an address family).
    #[serde(default)]
    pub activate: bool,
    /// `route-map R in`.
    #[serde(default)]
    pub route_map_in: Option<String>,
    /// `route-map R out`.
    #[serde(default)]
    pub route_map_out: Option<String>,
    /// `send-community [both|extended|standard]`: what follows the keyword.
    #[serde(default)]
    pub send_community: Option<String>,
    /// NX-OS: a second line `send-community extended` after `send-community` (NX-OS shows the
    /// standard and the extended communities on two lines; IOS writes `send-community both`).
    #[serde(default)]
    pub send_community_extended: bool,
    /// `next-hop-self`.
    #[serde(default)]
    pub next_hop_self: bool,
    /// `route-reflector-client` (in a family, a peer-policy template or NX-OS `template peer`):
    /// this router reflects routes to the neighbor.
    #[serde(default)]
    pub route_reflector_client: bool,
    /// `soft-reconfiguration inbound`: what follows the keyword.
    #[serde(default)]
    pub soft_reconfiguration: Option<String>,
    /// NX-OS `inherit peer T`: the neighbor takes the settings of peer template T.
    #[serde(default)]
    pub inherit_peer: Option<String>,
    /// `inherit peer-session T` (IOS `neighbor X inherit peer-session T`, NX-OS in the neighbor
    /// block): the session settings of template T (`template peer-session T`).
    #[serde(default)]
    pub inherit_peer_session: Option<String>,
    /// `inherit peer-policy ...` in a family: what follows the keywords (IOS the template name,
    /// NX-OS the name and its sequence number).
    #[serde(default)]
    pub inherit_peer_policy: Option<String>,
    /// IOS `advertise additional-paths X` (in a family): what follows the keywords (`all`,
    /// `best 2`, `group-best`...).
    #[serde(default)]
    pub advertise_additional_paths: Option<String>,
    /// NX-OS: the neighbor's `address-family X` blocks, by what follows `address-family`.
    #[serde(default)]
    pub families: BTreeMap<String, BgpNeighbor>,
    /// Settings the model does not cover, as written: on IOS what follows `neighbor X `, on
    /// NX-OS the indented line with its children.
    #[serde(default)]
    pub other: Vec<String>,
}

/// An address family of the process or of a VRF (IOS `address-family ipv4 vrf V` is the key
/// `ipv4 vrf V`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BgpFamily {
    /// IOS `bgp additional-paths select X`: what follows `select` (`all`, `best 3`,
    /// `group-best`...).
    #[serde(default)]
    pub additional_paths_select: Option<String>,
    /// IOS `bgp additional-paths send|receive|send receive`: the capability, as written after
    /// `additional-paths`.
    #[serde(default)]
    pub additional_paths: Option<String>,
    /// `maximum-paths N`: the eBGP paths installed for ECMP (what follows the keyword).
    #[serde(default)]
    pub maximum_paths: Option<String>,
    /// `maximum-paths ibgp N`: the iBGP paths installed for ECMP (what follows `ibgp`).
    #[serde(default)]
    pub maximum_paths_ibgp: Option<String>,
    /// IOS `maximum-paths eibgp N` (MPLS VPN families): eBGP and iBGP paths together.
    #[serde(default)]
    pub maximum_paths_eibgp: Option<String>,
    /// `network ...`: what follows the keyword (`10.0.0.0 mask 255.255.255.0`, `10.0.0.0/24`).
    #[serde(default)]
    pub networks: Vec<String>,
    /// `redistribute ...`: what follows the keyword, as written.
    #[serde(default)]
    pub redistribute: Vec<String>,
    /// IOS: the neighbors' settings in this family (and, in a VRF family, their definitions).
    #[serde(default)]
    pub neighbors: BTreeMap<String, BgpNeighbor>,
    /// Lines the model does not cover, as written (children indented relative to the family).
    #[serde(default)]
    pub other: Vec<String>,
}

/// The process-level settings, or those of an NX-OS `vrf V` sub-block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BgpTable {
    /// IOS `bgp router-id X`, NX-OS `router-id X`.
    #[serde(default)]
    pub router_id: Option<String>,
    /// IOS `bgp log-neighbor-changes` (NX-OS `log-neighbor-changes`).
    #[serde(default)]
    pub log_neighbor_changes: bool,
    /// Neighbors and IOS peer groups by address or name.
    #[serde(default)]
    pub neighbors: BTreeMap<String, BgpNeighbor>,
    /// Address families by what follows `address-family`.
    #[serde(default)]
    pub families: BTreeMap<String, BgpFamily>,
    /// Desired models only: neighbors that must not exist (removed with `no neighbor X` if the
    /// device has them). Never read from a configuration.
    #[serde(default)]
    pub remove_neighbors: BTreeSet<String>,
    /// Lines the model does not cover, as written (children indented relative to the block).
    #[serde(default)]
    pub other: Vec<String>,
}

/// `router bgp ASN`.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect};
/// let cfg = CiscoConfig::parse(
///     "router bgp 65000\n bgp router-id 10.0.0.1\n neighbor 10.0.0.2 remote-as 65001\n neighbor 10.0.0.2 password 7 0822455D0A16\n !\n address-family ipv4\n  network 10.1.0.0 mask 255.255.0.0\n  neighbor 10.0.0.2 activate\n exit-address-family\n",
///     Dialect::Ios,
/// );
/// let bgp = cfg.bgp.as_ref().unwrap();
/// assert_eq!(bgp.asn, "65000");
/// assert_eq!(bgp.global.neighbors["10.0.0.2"].remote_as.as_deref(), Some("65001"));
/// assert!(bgp.global.families["ipv4"].neighbors["10.0.0.2"].activate);
/// assert!(!format!("{cfg:?}").contains("0822455D0A16"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bgp {
    /// The AS number as written (`65000`, asdot `1.10`).
    pub asn: String,
    /// The process-level settings (the global table).
    #[serde(default)]
    pub global: BgpTable,
    /// NX-OS `vrf V` sub-blocks.
    #[serde(default)]
    pub vrfs: BTreeMap<String, BgpTable>,
    /// Peer templates keyed by what follows `template` (`peer-session EVPN`, `peer-policy P`,
    /// NX-OS `peer SPINE`): each holds what a neighbor holds (IOS: its lines without
    /// `neighbor X`; NX-OS `template peer`: also its address families). Neighbors name them with
    /// `inherit peer|peer-session|peer-policy` ([`BgpNeighbor::inherit_peer_session`]...).
    #[serde(default)]
    pub templates: BTreeMap<String, BgpNeighbor>,
    /// Desired models only: templates that must not exist (`no template peer-session X`, sent
    /// after the neighbor changes). Never read from a configuration.
    #[serde(default)]
    pub remove_templates: BTreeSet<String>,
}

fn is_comment(tree: &ConfigTree<'_>, k: NodeId) -> bool {
    tree.node(k).kind == NodeKind::Comment
}

/// Applies one neighbor setting (`w` = the words after `neighbor X` on IOS, the line's words on
/// NX-OS); `false` if the model does not cover it or already holds it.
fn neighbor_item(n: &mut BgpNeighbor, w: &[&str], text: &str) -> bool {
    let rest = |k: usize| after_words(text, k).to_string();
    match w {
        ["remote-as", a] if n.remote_as.is_none() => n.remote_as = Some(a.to_string()),
        ["peer-group", g] if n.peer_group.is_none() => n.peer_group = Some(g.to_string()),
        ["description", _, ..] if n.description.is_none() => n.description = Some(rest(1)),
        ["update-source", s] if n.update_source.is_none() => n.update_source = Some(s.to_string()),
        ["shutdown"] if n.shutdown.is_none() => n.shutdown = Some(true),
        ["password", k, v] if n.password.is_none() && k.len() == 1 => {
            let Ok(kind) = k.parse::<u8>() else {
                return false;
            };
            n.password = Some(BgpPassword {
                kind: Some(kind),
                value: Secret::new(*v),
            })
        }
        ["password", v] if n.password.is_none() => {
            n.password = Some(BgpPassword {
                kind: None,
                value: Secret::new(*v),
            })
        }
        ["ebgp-multihop", ..] if n.ebgp_multihop.is_none() && w.len() <= 2 => {
            n.ebgp_multihop = Some(rest(1))
        }
        ["timers", _, _, ..] if n.timers.is_none() => n.timers = Some(rest(1)),
        ["activate"] if !n.activate => n.activate = true,
        ["route-map", r, "in"] if n.route_map_in.is_none() => n.route_map_in = Some(r.to_string()),
        ["route-map", r, "out"] if n.route_map_out.is_none() => {
            n.route_map_out = Some(r.to_string())
        }
        ["send-community", ..] if n.send_community.is_none() && w.len() <= 2 => {
            n.send_community = Some(rest(1))
        }
        ["send-community", "extended"]
            if n.send_community.as_deref() == Some("") && !n.send_community_extended =>
        {
            n.send_community_extended = true
        }
        ["next-hop-self"] if !n.next_hop_self => n.next_hop_self = true,
        ["route-reflector-client"] if !n.route_reflector_client => n.route_reflector_client = true,
        ["soft-reconfiguration", _] if n.soft_reconfiguration.is_none() => {
            n.soft_reconfiguration = Some(rest(1))
        }
        ["inherit", "peer", t] if n.inherit_peer.is_none() => n.inherit_peer = Some(t.to_string()),
        ["inherit", "peer-session", t] if n.inherit_peer_session.is_none() => {
            n.inherit_peer_session = Some(t.to_string())
        }
        ["inherit", "peer-policy", _, ..] if n.inherit_peer_policy.is_none() && w.len() <= 4 => {
            n.inherit_peer_policy = Some(rest(2))
        }
        ["advertise", "additional-paths", _, ..] if n.advertise_additional_paths.is_none() => {
            n.advertise_additional_paths = Some(rest(2))
        }
        _ => return false,
    }
    true
}

/// The neighbor's settings as items (IOS: after `neighbor X `; NX-OS: its indented lines), in
/// the order the device shows them. The families (NX-OS) are not included.
fn neighbor_items(n: &BgpNeighbor, skip_remote_as: bool) -> Vec<String> {
    let mut v = Vec::new();
    let opt = |v: &mut Vec<String>, k: &str, x: &Option<String>| {
        if let Some(x) = x {
            v.push(if x.is_empty() {
                k.to_string()
            } else {
                format!("{k} {x}")
            });
        }
    };
    if n.is_peer_group {
        v.push("peer-group".to_string());
    }
    if !skip_remote_as {
        opt(&mut v, "remote-as", &n.remote_as);
    }
    opt(&mut v, "peer-group", &n.peer_group);
    opt(&mut v, "inherit peer", &n.inherit_peer);
    opt(&mut v, "inherit peer-session", &n.inherit_peer_session);
    opt(&mut v, "description", &n.description);
    opt(&mut v, "update-source", &n.update_source);
    opt(&mut v, "ebgp-multihop", &n.ebgp_multihop);
    if let Some(p) = &n.password {
        match p.kind {
            Some(k) => v.push(format!("password {k} {}", p.value.expose())),
            None => v.push(format!("password {}", p.value.expose())),
        }
    }
    opt(&mut v, "timers", &n.timers);
    if n.shutdown == Some(true) {
        v.push("shutdown".to_string());
    }
    if n.activate {
        v.push("activate".to_string());
    }
    opt(&mut v, "inherit peer-policy", &n.inherit_peer_policy);
    opt(&mut v, "send-community", &n.send_community);
    if n.send_community_extended {
        v.push("send-community extended".to_string());
    }
    if n.route_reflector_client {
        v.push("route-reflector-client".to_string());
    }
    if n.next_hop_self {
        v.push("next-hop-self".to_string());
    }
    opt(&mut v, "soft-reconfiguration", &n.soft_reconfiguration);
    opt(
        &mut v,
        "advertise additional-paths",
        &n.advertise_additional_paths,
    );
    if let Some(r) = &n.route_map_in {
        v.push(format!("route-map {r} in"));
    }
    if let Some(r) = &n.route_map_out {
        v.push(format!("route-map {r} out"));
    }
    v.extend(n.other.iter().cloned());
    v
}

/// The key under which an item replaces another of the same neighbor (`description A` /
/// `description B`), so the differ sets it in place instead of removing the old one first.
fn item_key(item: &str) -> String {
    let w = words(item);
    match w.as_slice() {
        ["route-map", _, dir] => format!("route-map {dir}"),
        ["advertise", "additional-paths", ..] => "advertise additional-paths".to_string(),
        [k @ ("description"
        | "update-source"
        | "password"
        | "ebgp-multihop"
        | "timers"
        | "send-community"
        | "soft-reconfiguration"), ..] => k.to_string(),
        _ => item.to_string(),
    }
}

impl Bgp {
    /// Models the children of `router bgp ASN`.
    pub(super) fn parse(tree: &ConfigTree<'_>, asn: &str, kids: &[NodeId], d: Dialect) -> Self {
        let mut b = Bgp {
            asn: asn.to_string(),
            ..Bgp::default()
        };
        match d {
            Dialect::Ios => {
                let (templates, rest) = template::ios_templates(tree, kids);
                b.global = ios_table(tree, &rest);
                b.templates = templates;
            }
            Dialect::NxOs => {
                let mut vrfs = BTreeMap::new();
                b.global = nxos_table(tree, kids, Some((&mut vrfs, &mut b.templates)));
                b.vrfs = vrfs;
            }
        }
        b
    }

    /// Writes the block as the dialect shows it.
    pub(super) fn render(&self, o: &mut String, d: Dialect, ind: &str) {
        let _ = writeln!(o, "router bgp {}", self.asn);
        match d {
            Dialect::Ios => {
                // IOS shows the templates first (a neighbor can inherit only one that exists).
                for (k, t) in &self.templates {
                    for l in template::lines(k, t, d) {
                        push_line(o, &l, ind, 1);
                    }
                }
                for l in ios_table_lines(&self.global) {
                    push_line(o, &l, ind, 1);
                }
            }
            Dialect::NxOs => {
                for l in nxos_table_lines(&self.global, &self.vrfs, &self.templates) {
                    push_line(o, &l, ind, 1);
                }
                let (no_vrfs, no_templates) = (BTreeMap::new(), BTreeMap::new());
                for (v, t) in &self.vrfs {
                    let _ = writeln!(o, "{ind}vrf {v}");
                    for l in nxos_table_lines(t, &no_vrfs, &no_templates) {
                        push_line(o, &l, ind, 2);
                    }
                }
                let again = |l: &&String| {
                    l.starts_with("vrf ") && repeated(&self.global, &self.vrfs, &self.templates, l)
                };
                for l in self.global.other.iter().filter(again) {
                    push_line(o, l, ind, 1);
                }
            }
        }
    }

    /// What is wrong with the process (see [`super::CiscoConfig::validate`]).
    pub(super) fn problems(&self, problems: &mut Vec<String>) {
        if valid_asn(&self.asn).is_none() {
            problems.push(format!(
                "router bgp {}: the AS number is not 1-4294967295 (asplain) or 1.0-65535.65535 \
                 (asdot)",
                self.asn
            ));
        }
        table_problems(&self.global, "router bgp", problems);
        template::problems(self, problems);
        for (v, t) in &self.vrfs {
            table_problems(t, &format!("router bgp vrf {v}"), problems);
        }
    }
}

/// An AS number: asplain 1-4294967295 or asdot `X.Y` (X, Y 0-65535, not 0.0).
pub fn valid_asn(s: &str) -> Option<u32> {
    let digits = |x: &str| !x.is_empty() && x.len() <= 10 && x.bytes().all(|b| b.is_ascii_digit());
    let n = match s.split_once('.') {
        Some((hi, lo)) if digits(hi) && digits(lo) => {
            let (hi, lo) = (hi.parse::<u16>().ok()?, lo.parse::<u16>().ok()?);
            (u32::from(hi) << 16) | u32::from(lo)
        }
        None if digits(s) => s.parse::<u32>().ok()?,
        _ => return None,
    };
    (n != 0).then_some(n)
}

fn table_problems(t: &BgpTable, at: &str, problems: &mut Vec<String>) {
    if let Some(r) = &t.router_id {
        if r.parse::<std::net::Ipv4Addr>().is_err() {
            problems.push(format!(
                "{at}: router-id {r:?} is not an IPv4 address (A.B.C.D)"
            ));
        }
    }
    // IOS also takes a peer-group definition inside an address family.
    let groups: BTreeSet<&str> = t
        .neighbors
        .iter()
        .chain(t.families.values().flat_map(|f| &f.neighbors))
        .filter(|(_, n)| n.is_peer_group)
        .map(|(k, _)| k.as_str())
        .collect();
    let check = |name: &str, n: &BgpNeighbor, problems: &mut Vec<String>, defined: bool| {
        if !n.is_peer_group && !is_address(name) && !is_prefix(name) {
            problems.push(format!(
                "{at}: neighbor {name:?} is not an IPv4 or IPv6 address (nor a peer group)"
            ));
        }
        if let Some(a) = &n.remote_as {
            if valid_asn(a).is_none() {
                problems.push(format!(
                    "{at}: neighbor {name} remote-as {a} is not 1-4294967295 or asdot"
                ));
            }
        }
        // A template (`inherit peer X` on NX-OS, `inherit peer-session X` on IOS) may give it.
        let inherits = n.inherit_peer.is_some()
            || n.inherit_peer_session.is_some()
            || n.other.iter().any(|o| o.starts_with("inherit peer"));
        if defined
            && !n.is_peer_group
            && n.remote_as.is_none()
            && n.peer_group.is_none()
            && !inherits
        {
            problems.push(format!(
                "{at}: neighbor {name} has no remote-as and is in no peer group (add `remote-as N`)"
            ));
        }
        if let Some(g) = &n.peer_group {
            if !groups.contains(g.as_str()) {
                problems.push(format!(
                    "{at}: neighbor {name} is in peer group {g}, which is not defined (add \
                     `neighbor {g} peer-group`)"
                ));
            }
        }
        if let Some(p) = &n.password {
            if p.value.is_empty() {
                problems.push(format!("{at}: neighbor {name} has an empty password"));
            }
        }
    };
    for (name, n) in &t.neighbors {
        check(name, n, problems, true);
    }
    for (f, fam) in &t.families {
        // An IOS VRF family defines its own neighbors.
        let vrf_family = words(f).contains(&"vrf");
        for (name, n) in &fam.neighbors {
            if t.neighbors.contains_key(name) || n.is_peer_group {
                continue;
            }
            if vrf_family && (n.remote_as.is_some() || n.peer_group.is_some()) {
                check(name, n, problems, true);
                continue;
            }
            problems.push(format!(
                "{at} address-family {f}: neighbor {name} is not defined (add `neighbor {name} \
                 remote-as N` to the process)"
            ));
        }
    }
    // A neighbor defined twice: NX-OS a second `neighbor X` block, IOS a second `remote-as`.
    for o in &t.other {
        if let ["neighbor", x, ..] = words(o.lines().next().unwrap_or_default()).as_slice() {
            if t.neighbors.contains_key(*x) {
                problems.push(format!(
                    "{at}: neighbor {x} is defined twice (merge the two blocks)"
                ));
            }
        }
    }
    for (name, n) in &t.neighbors {
        if n.other.iter().any(|o| o.starts_with("remote-as ")) {
            problems.push(format!(
                "{at}: neighbor {name} has two remote-as lines (keep one)"
            ));
        }
    }
    for name in &t.remove_neighbors {
        if t.neighbors.contains_key(name) {
            problems.push(format!(
                "{at}: neighbor {name} is both stated and to be removed"
            ));
        }
    }
}

fn is_address(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// NX-OS prefix peering (`neighbor 10.1.0.0/16 remote-as route-map R`): a network, not a host.
fn is_prefix(s: &str) -> bool {
    s.split_once('/').is_some_and(|(a, l)| {
        let max = if a.contains(':') { 128 } else { 32 };
        is_address(a) && l.parse::<u8>().is_ok_and(|l| l <= max)
    })
}

fn push_line(o: &mut String, text: &str, ind: &str, level: usize) {
    for line in text.lines() {
        let depth = line.len() - line.trim_start().len();
        let _ = writeln!(o, "{}{}", ind.repeat(depth + level), line.trim_start());
    }
}

// ---------------------------------------------------------------------------------------------
// IOS
// ---------------------------------------------------------------------------------------------

/// The IOS neighbor line `neighbor X ...`: the neighbor and its words after `neighbor X`.
fn ios_neighbor<'a>(w: &'a [&'a str]) -> Option<(&'a str, &'a [&'a str])> {
    match w {
        ["neighbor", x, rest @ ..] if !rest.is_empty() => Some((x, rest)),
        _ => None,
    }
}

fn ios_neighbor_line(map: &mut BTreeMap<String, BgpNeighbor>, w: &[&str], text: &str) -> bool {
    let Some((x, rest)) = ios_neighbor(w) else {
        return false;
    };
    let n = map.entry(x.to_string()).or_default();
    let ok = match rest {
        ["peer-group"] if !n.is_peer_group => {
            n.is_peer_group = true;
            true
        }
        _ => neighbor_item(n, rest, after_words(text, 2)),
    };
    if !ok {
        n.other.push(after_words(text, 2).to_string());
    }
    true
}

fn ios_table(tree: &ConfigTree<'_>, kids: &[NodeId]) -> BgpTable {
    let mut t = BgpTable::default();
    let mut open: Option<String> = None;
    for &k in kids {
        if is_comment(tree, k) {
            continue;
        }
        let text = tree.node(k).text;
        let w = words(text);
        let leaf = tree.children(k).is_empty();
        match w.as_slice() {
            ["address-family", _, ..] => {
                let key = w[1..].join(" ");
                let f = t.families.entry(key.clone()).or_default();
                for &c in tree.children(k) {
                    ios_family_line(tree, c, f);
                }
                open = Some(key);
            }
            ["exit-address-family"] if leaf && open.is_some() => open = None,
            _ if open.is_some() => {
                let key = open.clone().unwrap_or_default();
                ios_family_line(tree, k, t.families.entry(key).or_default());
            }
            ["bgp", "router-id", r] if leaf && t.router_id.is_none() => {
                t.router_id = Some(r.to_string())
            }
            ["bgp", "log-neighbor-changes"] if leaf && !t.log_neighbor_changes => {
                t.log_neighbor_changes = true
            }
            ["neighbor", ..] if leaf && ios_neighbor_line(&mut t.neighbors, &w, text) => {}
            _ => t.other.push(other_of(tree, k)),
        }
    }
    t
}

fn ios_family_line(tree: &ConfigTree<'_>, k: NodeId, f: &mut BgpFamily) {
    if is_comment(tree, k) {
        return;
    }
    let text = tree.node(k).text;
    let w = words(text);
    let leaf = tree.children(k).is_empty();
    match w.as_slice() {
        ["exit-address-family"] if leaf => {}
        ["network", _, ..] if leaf => f.networks.push(after_words(text, 1).to_string()),
        ["redistribute", _, ..] if leaf => f.redistribute.push(after_words(text, 1).to_string()),
        [..] if leaf && maximum_paths(f, &w) => {}
        ["bgp", "additional-paths", "select", _, ..]
            if leaf && f.additional_paths_select.is_none() =>
        {
            f.additional_paths_select = Some(after_words(text, 3).to_string())
        }
        ["bgp", "additional-paths", x @ ..]
            if leaf
                && f.additional_paths.is_none()
                && matches!(x, ["send"] | ["receive"] | ["send", "receive"]) =>
        {
            f.additional_paths = Some(after_words(text, 2).to_string())
        }
        ["neighbor", ..] if leaf && ios_neighbor_line(&mut f.neighbors, &w, text) => {}
        _ => f.other.push(other_of(tree, k)),
    }
}

/// `maximum-paths [ibgp|eibgp] N` of a family; `false` if not one (or already read).
fn maximum_paths(f: &mut BgpFamily, w: &[&str]) -> bool {
    let n = |v: &str| v.parse::<u8>().is_ok();
    match w {
        ["maximum-paths", v] if n(v) && f.maximum_paths.is_none() => {
            f.maximum_paths = Some(v.to_string())
        }
        ["maximum-paths", "ibgp", v] if n(v) && f.maximum_paths_ibgp.is_none() => {
            f.maximum_paths_ibgp = Some(v.to_string())
        }
        ["maximum-paths", "eibgp", v] if n(v) && f.maximum_paths_eibgp.is_none() => {
            f.maximum_paths_eibgp = Some(v.to_string())
        }
        _ => return false,
    }
    true
}

/// A family's `maximum-paths` lines.
fn maximum_paths_lines(f: &BgpFamily, out: &mut Vec<String>) {
    if let Some(m) = &f.maximum_paths {
        out.push(format!(" maximum-paths {m}"));
    }
    if let Some(m) = &f.maximum_paths_ibgp {
        out.push(format!(" maximum-paths ibgp {m}"));
    }
    if let Some(m) = &f.maximum_paths_eibgp {
        out.push(format!(" maximum-paths eibgp {m}"));
    }
}

/// IOS neighbor lines: peer groups first (members refer to them), each neighbor's lines together.
fn ios_neighbor_lines(map: &BTreeMap<String, BgpNeighbor>, out: &mut Vec<String>) {
    let mut names: Vec<&String> = map.keys().collect();
    names.sort_by_key(|n| !map[*n].is_peer_group);
    for x in names {
        for item in neighbor_items(&map[x], false) {
            out.push(format!("neighbor {x} {item}"));
        }
    }
}

fn ios_family_lines(f: &BgpFamily, out: &mut Vec<String>) {
    if let Some(s) = &f.additional_paths_select {
        out.push(format!(" bgp additional-paths select {s}"));
    }
    if let Some(a) = &f.additional_paths {
        out.push(format!(" bgp additional-paths {a}"));
    }
    for r in &f.redistribute {
        out.push(format!(" redistribute {r}"));
    }
    maximum_paths_lines(f, out);
    let mut n = Vec::new();
    ios_neighbor_lines(&f.neighbors, &mut n);
    out.extend(n.into_iter().map(|l| format!(" {l}")));
    for net in &f.networks {
        out.push(format!(" network {net}"));
    }
    for l in &f.other {
        out.push(indent(l, 1));
    }
}

fn indent(text: &str, by: usize) -> String {
    text.lines()
        .map(|l| format!("{}{l}", " ".repeat(by)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The IOS block's lines (one space per level, re-indented by the renderer).
fn ios_table_lines(t: &BgpTable) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = &t.router_id {
        out.push(format!("bgp router-id {r}"));
    }
    if t.log_neighbor_changes {
        out.push("bgp log-neighbor-changes".to_string());
    }
    out.extend(t.other.iter().cloned());
    ios_neighbor_lines(&t.neighbors, &mut out);
    for (af, f) in &t.families {
        out.push(format!("address-family {af}"));
        ios_family_lines(f, &mut out);
        out.push("exit-address-family".to_string());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// NX-OS
// ---------------------------------------------------------------------------------------------

/// The settings of an NX-OS neighbor (or `template peer`) block: its lines and address families.
/// `n` holds what the header line states (`neighbor X remote-as N`).
fn nxos_neighbor_body(tree: &ConfigTree<'_>, sub: &[NodeId], mut n: BgpNeighbor) -> BgpNeighbor {
    for &c in sub {
        if is_comment(tree, c) {
            continue;
        }
        let ct = tree.node(c).text;
        let cw = words(ct);
        match cw.as_slice() {
            ["address-family", _, ..] if !n.families.contains_key(&cw[1..].join(" ")) => {
                let mut f = BgpNeighbor::default();
                for &g in tree.children(c) {
                    if is_comment(tree, g) {
                        continue;
                    }
                    let gt = tree.node(g).text;
                    let gw = words(gt);
                    if !(tree.children(g).is_empty() && neighbor_item(&mut f, &gw, gt)) {
                        f.other.push(other_of(tree, g));
                    }
                }
                n.families.insert(cw[1..].join(" "), f);
            }
            _ if tree.children(c).is_empty() && neighbor_item(&mut n, &cw, ct) => {}
            _ => n.other.push(other_of(tree, c)),
        }
    }
    n
}

/// The NX-OS process (`global`: the VRFs and templates it defines are read into these) or a VRF.
#[allow(clippy::type_complexity)]
fn nxos_table(
    tree: &ConfigTree<'_>,
    kids: &[NodeId],
    mut global: Option<(
        &mut BTreeMap<String, BgpTable>,
        &mut BTreeMap<String, BgpNeighbor>,
    )>,
) -> BgpTable {
    let mut t = BgpTable::default();
    for &k in kids {
        if is_comment(tree, k) {
            continue;
        }
        let text = tree.node(k).text;
        let w = words(text);
        let sub = tree.children(k);
        let leaf = sub.is_empty();
        match w.as_slice() {
            ["router-id", r] if leaf && t.router_id.is_none() => t.router_id = Some(r.to_string()),
            ["log-neighbor-changes"] if leaf && !t.log_neighbor_changes => {
                t.log_neighbor_changes = true
            }
            ["vrf", v] if global.as_ref().is_some_and(|(m, _)| !m.contains_key(*v)) => {
                let table = nxos_table(tree, sub, None);
                if let Some((m, _)) = global.as_mut() {
                    m.insert(v.to_string(), table);
                }
            }
            ["template", ..]
                if global
                    .as_mut()
                    .is_some_and(|(_, tm)| template::nxos_template(tree, k, tm)) => {}
            ["address-family", _, ..] if !t.families.contains_key(&w[1..].join(" ")) => {
                let mut f = BgpFamily::default();
                for &c in sub {
                    if is_comment(tree, c) {
                        continue;
                    }
                    let ct = tree.node(c).text;
                    let cw = words(ct);
                    match cw.as_slice() {
                        ["network", _, ..] if tree.children(c).is_empty() => {
                            f.networks.push(after_words(ct, 1).to_string())
                        }
                        ["redistribute", _, ..] if tree.children(c).is_empty() => {
                            f.redistribute.push(after_words(ct, 1).to_string())
                        }
                        [..] if tree.children(c).is_empty() && maximum_paths(&mut f, &cw) => {}
                        _ => f.other.push(other_of(tree, c)),
                    }
                }
                t.families.insert(w[1..].join(" "), f);
            }
            ["neighbor", x, rest @ ..]
                if !t.neighbors.contains_key(*x)
                    && (rest.is_empty() || matches!(rest, ["remote-as", _])) =>
            {
                let mut n = BgpNeighbor::default();
                if let ["remote-as", a] = rest {
                    n.remote_as = Some(a.to_string());
                    n.remote_as_inline = true;
                }
                let n = nxos_neighbor_body(tree, sub, n);
                t.neighbors.insert(x.to_string(), n);
            }
            _ => t.other.push(other_of(tree, k)),
        }
    }
    t
}

/// An NX-OS neighbor block's lines (the header first; one space per level).
fn nxos_neighbor_lines(x: &str, n: &BgpNeighbor) -> Vec<String> {
    match (&n.remote_as, n.remote_as_inline) {
        (Some(a), true) => nxos_block_lines(&format!("neighbor {x} remote-as {a}"), n, true),
        _ => nxos_block_lines(&format!("neighbor {x}"), n, false),
    }
}

/// An NX-OS neighbor or template block under `header`: its settings (the remote AS left out when
/// the header states it), then its address families.
fn nxos_block_lines(header: &str, n: &BgpNeighbor, skip_remote_as: bool) -> Vec<String> {
    let mut out = vec![header.to_string()];
    for item in neighbor_items(n, skip_remote_as) {
        out.push(indent(&item, 1));
    }
    for (af, f) in &n.families {
        out.push(format!(" address-family {af}"));
        for item in neighbor_items(f, false) {
            out.push(indent(&item, 2));
        }
    }
    out
}

fn nxos_family_lines(af: &str, f: &BgpFamily) -> Vec<String> {
    let mut out = vec![format!("address-family {af}")];
    for n in &f.networks {
        out.push(format!(" network {n}"));
    }
    for r in &f.redistribute {
        out.push(format!(" redistribute {r}"));
    }
    maximum_paths_lines(f, &mut out);
    for l in &f.other {
        out.push(indent(l, 1));
    }
    out
}

/// The NX-OS block's lines (one space per level, re-indented by the renderer).
fn nxos_table_lines(
    t: &BgpTable,
    vrfs: &BTreeMap<String, BgpTable>,
    templates: &BTreeMap<String, BgpNeighbor>,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = &t.router_id {
        out.push(format!("router-id {r}"));
    }
    if t.log_neighbor_changes {
        out.push("log-neighbor-changes".to_string());
    }
    out.extend(
        t.other
            .iter()
            .filter(|o| !repeated(t, vrfs, templates, o))
            .cloned(),
    );
    for (af, f) in &t.families {
        out.extend(nxos_family_lines(af, f));
    }
    // NX-OS shows the templates after the families, before the neighbors inheriting them.
    for (k, tp) in templates {
        out.extend(template::lines(k, tp, Dialect::NxOs));
    }
    for (x, n) in &t.neighbors {
        out.extend(nxos_neighbor_lines(x, n));
    }
    out.extend(
        t.other
            .iter()
            .filter(|o| repeated(t, vrfs, templates, o) && !o.starts_with("vrf "))
            .cloned(),
    );
    out
}

/// NX-OS: a block kept as written because it repeats a modelled one (a second `neighbor X`,
/// `address-family X` or `vrf V` block). It is written after the modelled one, so that reading
/// the rendering again models the same block.
fn repeated(
    t: &BgpTable,
    vrfs: &BTreeMap<String, BgpTable>,
    templates: &BTreeMap<String, BgpNeighbor>,
    o: &str,
) -> bool {
    let w = words(o.lines().next().unwrap_or_default());
    match w.as_slice() {
        ["template", k, name] => templates.contains_key(&format!("{k} {name}")),
        ["neighbor", x] | ["neighbor", x, "remote-as", _] => t.neighbors.contains_key(*x),
        ["address-family", ..] => t.families.contains_key(&w[1..].join(" ")),
        ["vrf", v] => vrfs.contains_key(*v),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Differ
// ---------------------------------------------------------------------------------------------

/// The neighbor `live` as far as `want` manages it: fields `want` leaves unset, unmodelled lines
/// it does not state and families it does not name are dropped.
fn managed_neighbor(live: &BgpNeighbor, want: &BgpNeighbor) -> BgpNeighbor {
    let mut x = live.clone();
    macro_rules! opt {
        ($($f:ident),*) => { $( if want.$f.is_none() { x.$f = None; } )* };
    }
    opt!(
        remote_as,
        peer_group,
        description,
        update_source,
        password,
        ebgp_multihop,
        timers
    );
    opt!(
        route_map_in,
        route_map_out,
        send_community,
        soft_reconfiguration,
        advertise_additional_paths
    );
    opt!(inherit_peer, inherit_peer_session, inherit_peer_policy);
    if want.shutdown.is_none() {
        x.shutdown = None;
    }
    if want.shutdown == Some(false) && x.shutdown.is_none() {
        x.shutdown = Some(false);
    }
    x.activate &= want.activate;
    x.next_hop_self &= want.next_hop_self;
    x.route_reflector_client &= want.route_reflector_client;
    x.send_community_extended &= want.send_community_extended;
    x.other.retain(|o| want.other.contains(o));
    x.families.retain(|k, _| want.families.contains_key(k));
    for (k, f) in x.families.iter_mut() {
        *f = managed_neighbor(f, &want.families[k]);
    }
    x
}

impl Bgp {
    /// The process `self` (live) as far as `want` manages it: the VRFs, neighbors and families
    /// `want` names, in them the fields it sets, the networks / redistribution of a family that
    /// states some, the unmodelled lines it states. Another AS number: the whole process.
    pub(super) fn managed_view(&self, want: &Bgp) -> Bgp {
        if self.asn != want.asn {
            return self.clone();
        }
        let mut vrfs = BTreeMap::new();
        for (v, wt) in &want.vrfs {
            if let Some(lt) = self.vrfs.get(v) {
                vrfs.insert(v.clone(), managed_table(lt, wt));
            }
        }
        Bgp {
            asn: self.asn.clone(),
            global: managed_table(&self.global, &want.global),
            vrfs,
            templates: template::managed(self, want),
            remove_templates: BTreeSet::new(),
        }
    }
}

fn managed_table(live: &BgpTable, want: &BgpTable) -> BgpTable {
    let neighbors = |l: &BTreeMap<String, BgpNeighbor>, w: &BTreeMap<String, BgpNeighbor>| {
        l.iter()
            .filter_map(|(k, n)| w.get(k).map(|wn| (k.clone(), managed_neighbor(n, wn))))
            .collect::<BTreeMap<_, _>>()
    };
    let mut families = BTreeMap::new();
    for (af, wf) in &want.families {
        let Some(lf) = live.families.get(af) else {
            continue;
        };
        families.insert(
            af.clone(),
            BgpFamily {
                additional_paths_select: wf
                    .additional_paths_select
                    .as_ref()
                    .and(lf.additional_paths_select.clone()),
                additional_paths: wf
                    .additional_paths
                    .as_ref()
                    .and(lf.additional_paths.clone()),
                maximum_paths: wf.maximum_paths.as_ref().and(lf.maximum_paths.clone()),
                maximum_paths_ibgp: wf
                    .maximum_paths_ibgp
                    .as_ref()
                    .and(lf.maximum_paths_ibgp.clone()),
                maximum_paths_eibgp: wf
                    .maximum_paths_eibgp
                    .as_ref()
                    .and(lf.maximum_paths_eibgp.clone()),
                networks: if wf.networks.is_empty() {
                    vec![]
                } else {
                    lf.networks.clone()
                },
                redistribute: if wf.redistribute.is_empty() {
                    vec![]
                } else {
                    lf.redistribute.clone()
                },
                neighbors: neighbors(&lf.neighbors, &wf.neighbors),
                other: lf
                    .other
                    .iter()
                    .filter(|o| wf.other.contains(o))
                    .cloned()
                    .collect(),
            },
        );
    }
    BgpTable {
        router_id: want.router_id.as_ref().and(live.router_id.clone()),
        log_neighbor_changes: want.log_neighbor_changes && live.log_neighbor_changes,
        neighbors: neighbors(&live.neighbors, &want.neighbors),
        families,
        remove_neighbors: BTreeSet::new(),
        other: live
            .other
            .iter()
            .filter(|o| want.other.contains(o))
            .cloned()
            .collect(),
    }
}

/// Commands turning neighbor items `have` into `want` (each prefixed with `prefix`). An IOS
/// item (`prefix` = `neighbor X `) is removed with `no neighbor X ITEM`, the only form IOS takes;
/// an NX-OS one (`prefix` = the indentation inside the neighbor block) with `no ITEM`.
fn item_changes(have: &[String], want: &[String], prefix: &str, out: &mut Vec<String>) {
    let keys: BTreeSet<String> = want
        .iter()
        .filter(|i| !have.contains(i))
        .map(|i| item_key(i))
        .collect();
    let body = prefix.trim_start();
    let pad = &prefix[..prefix.len() - body.len()];
    for h in have {
        if !want.contains(h) && !keys.contains(&item_key(h)) {
            out.push(format!("{pad}no {body}{h}"));
        }
    }
    for w in want {
        if !have.contains(w) {
            out.push(format!("{prefix}{w}"));
        }
    }
}

/// The commands that turn the live process `live` into `want` (see [`super::CiscoConfig::diff`]).
pub(super) fn diff(live: Option<&Bgp>, want: &Bgp, d: Dialect) -> Vec<String> {
    let mut out = Vec::new();
    let ind = match d {
        Dialect::Ios => " ",
        Dialect::NxOs => "  ",
    };
    let Some(live) = live.filter(|l| l.asn == want.asn) else {
        // A device runs one BGP process: another AS number is removed first.
        if let Some(l) = live {
            out.push(format!("no router bgp {}", l.asn));
        }
        let mut o = String::new();
        want.render(&mut o, d, ind);
        out.extend(o.lines().map(String::from));
        return out;
    };
    let mut body = Vec::new();
    // Templates first: a neighbor can inherit only a template that exists.
    template::changes(live, want, d, &mut body);
    match d {
        Dialect::Ios => ios_table_diff(&live.global, &want.global, &mut body),
        Dialect::NxOs => {
            nxos_table_diff(&live.global, &want.global, &mut body);
            for (v, wt) in &want.vrfs {
                let empty = BgpTable::default();
                let lt = live.vrfs.get(v).unwrap_or(&empty);
                let mut sub = Vec::new();
                nxos_table_diff(lt, wt, &mut sub);
                if !sub.is_empty() || !live.vrfs.contains_key(v) {
                    body.push(format!("vrf {v}"));
                    body.extend(sub.into_iter().map(|l| format!(" {l}")));
                    body.push(" exit".to_string());
                }
            }
        }
    }
    // Templates removed last, once no neighbor inherits them.
    template::removals(live, want, &mut body);
    if !body.is_empty() {
        out.push(format!("router bgp {}", want.asn));
        for l in body {
            let depth = l.len() - l.trim_start().len();
            out.push(format!("{}{}", ind.repeat(depth + 1), l.trim_start()));
        }
    }
    out
}

/// Values of the table itself (router ID, `log-neighbor-changes`, unmodelled lines `want` states).
fn table_values(live: &BgpTable, want: &BgpTable, rid: &str, log: &str, out: &mut Vec<String>) {
    if let Some(r) = &want.router_id {
        if live.router_id.as_ref() != Some(r) {
            out.push(format!("{rid} {r}"));
        }
    }
    if want.log_neighbor_changes && !live.log_neighbor_changes {
        out.push(log.to_string());
    }
    for o in &want.other {
        if !live.other.contains(o) {
            out.extend(o.lines().map(String::from));
        }
    }
}

/// Networks and redistribution of a family `want` names: made equal when `want` states any.
fn family_lists(live: &BgpFamily, want: &BgpFamily, out: &mut Vec<String>) {
    let lists: [(&str, &Vec<String>, &Vec<String>); 2] = [
        ("network", &live.networks, &want.networks),
        ("redistribute", &live.redistribute, &want.redistribute),
    ];
    // IOS additional paths: a changed value is removed, then set (`send` after `send receive`
    // is another capability, not a subset to add).
    let values = [
        (
            "bgp additional-paths select",
            &live.additional_paths_select,
            &want.additional_paths_select,
        ),
        (
            "bgp additional-paths",
            &live.additional_paths,
            &want.additional_paths,
        ),
    ];
    for (kw, l, w) in values {
        let Some(w) = w.as_ref().filter(|w| l.as_ref() != Some(*w)) else {
            continue;
        };
        if let Some(l) = l {
            out.push(format!(" no {kw} {l}"));
        }
        out.push(format!(" {kw} {w}"));
    }
    // A new number of paths replaces the old one in place.
    let paths = [
        ("maximum-paths", &live.maximum_paths, &want.maximum_paths),
        (
            "maximum-paths ibgp",
            &live.maximum_paths_ibgp,
            &want.maximum_paths_ibgp,
        ),
        (
            "maximum-paths eibgp",
            &live.maximum_paths_eibgp,
            &want.maximum_paths_eibgp,
        ),
    ];
    for (kw, l, w) in paths {
        if let Some(w) = w.as_ref().filter(|w| l.as_ref() != Some(*w)) {
            out.push(format!(" {kw} {w}"));
        }
    }
    for (kw, l, w) in lists {
        if w.is_empty() {
            continue;
        }
        for x in l.iter().filter(|x| !w.contains(x)) {
            out.push(format!(" no {kw} {x}"));
        }
        for x in w.iter().filter(|x| !l.contains(x)) {
            out.push(format!(" {kw} {x}"));
        }
    }
    for o in &want.other {
        if !live.other.contains(o) {
            out.push(indent(o, 1));
        }
    }
}

/// Whether the neighbor must be removed and defined again (another remote AS).
fn redefine(live: &BgpNeighbor, want: &BgpNeighbor) -> bool {
    want.remote_as.is_some() && live.remote_as.is_some() && want.remote_as != live.remote_as
}

fn ios_table_diff(live: &BgpTable, want: &BgpTable, out: &mut Vec<String>) {
    table_values(live, want, "bgp router-id", "bgp log-neighbor-changes", out);
    let mut redefined: BTreeSet<&str> = BTreeSet::new();
    for x in &want.remove_neighbors {
        if live.neighbors.contains_key(x) {
            out.push(format!("no neighbor {x}"));
        }
    }
    let mut names: Vec<&String> = want.neighbors.keys().collect();
    names.sort_by_key(|n| !want.neighbors[*n].is_peer_group);
    for x in names {
        let wn = &want.neighbors[x];
        let pre = format!("neighbor {x} ");
        match live.neighbors.get(x) {
            Some(ln) if redefine(ln, wn) => {
                out.push(format!("no neighbor {x}"));
                redefined.insert(x);
                out.extend(
                    neighbor_items(wn, false)
                        .iter()
                        .map(|i| format!("{pre}{i}")),
                );
            }
            Some(ln) => {
                let have = neighbor_items(&managed_neighbor(ln, wn), false);
                item_changes(&have, &neighbor_items(wn, false), &pre, out);
            }
            None => out.extend(
                neighbor_items(wn, false)
                    .iter()
                    .map(|i| format!("{pre}{i}")),
            ),
        }
    }
    let empty = BgpFamily::default();
    for (af, wf) in &want.families {
        let lf = live.families.get(af).unwrap_or(&empty);
        let mut sub = Vec::new();
        family_lists(lf, wf, &mut sub);
        for (x, wn) in &wf.neighbors {
            let pre = format!(" neighbor {x} ");
            let ln = lf
                .neighbors
                .get(x)
                .filter(|_| !redefined.contains(x.as_str()));
            match ln {
                Some(ln) if redefine(ln, wn) => {
                    sub.push(format!(" no neighbor {x}"));
                    sub.extend(
                        neighbor_items(wn, false)
                            .iter()
                            .map(|i| format!("{pre}{i}")),
                    );
                }
                Some(ln) => {
                    let have = neighbor_items(&managed_neighbor(ln, wn), false);
                    item_changes(&have, &neighbor_items(wn, false), &pre, &mut sub);
                }
                None => sub.extend(
                    neighbor_items(wn, false)
                        .iter()
                        .map(|i| format!("{pre}{i}")),
                ),
            }
        }
        if !sub.is_empty() || !live.families.contains_key(af) {
            out.push(format!("address-family {af}"));
            out.append(&mut sub);
            out.push("exit-address-family".to_string());
        }
    }
}

fn nxos_table_diff(live: &BgpTable, want: &BgpTable, out: &mut Vec<String>) {
    table_values(live, want, "router-id", "log-neighbor-changes", out);
    let empty = BgpFamily::default();
    for (af, wf) in &want.families {
        let lf = live.families.get(af).unwrap_or(&empty);
        let mut sub = Vec::new();
        family_lists(lf, wf, &mut sub);
        if !sub.is_empty() || !live.families.contains_key(af) {
            out.push(format!("address-family {af}"));
            out.append(&mut sub);
            out.push(" exit".to_string());
        }
    }
    for x in &want.remove_neighbors {
        if live.neighbors.contains_key(x) {
            out.push(format!("no neighbor {x}"));
        }
    }
    for (x, wn) in &want.neighbors {
        let add = |wn: &BgpNeighbor, out: &mut Vec<String>| {
            let mut lines = nxos_neighbor_lines(x, wn);
            close_modes(&mut lines);
            out.extend(lines);
        };
        match live.neighbors.get(x) {
            Some(ln) if redefine(ln, wn) => {
                out.push(format!("no neighbor {x}"));
                add(wn, out);
            }
            None => add(wn, out),
            Some(ln) => {
                // The neighbor is entered as the device shows its header.
                let header = match (&ln.remote_as, ln.remote_as_inline) {
                    (Some(a), true) => format!("neighbor {x} remote-as {a}"),
                    _ => format!("neighbor {x}"),
                };
                nxos_block_diff(&header, ln, wn, ln.remote_as_inline, out);
            }
        }
    }
}

/// The commands that turn the live NX-OS neighbor or template block `ln` into `wn`, entered with
/// `header` and left with `exit` (nothing when they are equal as far as `wn` manages them).
fn nxos_block_diff(
    header: &str,
    ln: &BgpNeighbor,
    wn: &BgpNeighbor,
    skip_remote_as: bool,
    out: &mut Vec<String>,
) {
    let have = managed_neighbor(ln, wn);
    let mut sub = Vec::new();
    item_changes(
        &neighbor_items(&have, skip_remote_as),
        &neighbor_items(wn, skip_remote_as),
        " ",
        &mut sub,
    );
    for (af, wf) in &wn.families {
        let lf = have.families.get(af);
        let mut fs = Vec::new();
        let none = BgpNeighbor::default();
        item_changes(
            &neighbor_items(lf.unwrap_or(&none), false),
            &neighbor_items(wf, false),
            "  ",
            &mut fs,
        );
        if !fs.is_empty() || lf.is_none() {
            sub.push(format!(" address-family {af}"));
            sub.append(&mut fs);
            sub.push("  exit".to_string());
        }
    }
    if !sub.is_empty() {
        out.push(header.to_string());
        out.append(&mut sub);
        out.push(" exit".to_string());
    }
}

/// Adds ` exit` after each nested sub-mode (NX-OS neighbor families) and the neighbor itself.
fn close_modes(lines: &mut Vec<String>) {
    let mut out = Vec::new();
    let mut in_af = false;
    for l in lines.drain(..) {
        let depth = l.len() - l.trim_start().len();
        if in_af && depth < 2 {
            out.push("  exit".to_string());
            in_af = false;
        }
        if depth == 1 && l.trim_start().starts_with("address-family ") {
            in_af = true;
        }
        out.push(l);
    }
    if in_af {
        out.push("  exit".to_string());
    }
    out.push(" exit".to_string());
    *lines = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asn_forms() {
        assert_eq!(valid_asn("65000"), Some(65000));
        assert_eq!(valid_asn("4294967295"), Some(u32::MAX));
        assert_eq!(valid_asn("1.10"), Some(65546));
        for bad in ["0", "4294967296", "0.0", "65536.1", "x", "", "1.", "-1"] {
            assert_eq!(valid_asn(bad), None, "{bad}");
        }
    }
}
