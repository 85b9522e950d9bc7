//! The typed model of a Cisco IOS / NX-OS switch or router configuration, its parser (tree → model)
//! and renderer (model → the dialect's configuration text).
//!
//! One vocabulary for both dialects; where they differ, [`Dialect`] decides the rendering (HSRP is
//! `standby N ...` on IOS and an `hsrp N` sub-mode on NX-OS; VRRP is `vrrp N ip` on IOS and a `vrrp N`
//! sub-mode with `address` on NX-OS; addresses are `A.B.C.D M.M.M.M` on IOS and `A.B.C.D/L` on NX-OS).
//! Lines the model does not cover are kept verbatim in `other` (top level and per interface), so
//! nothing is lost; [`CiscoConfig::render`] writes them back.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::tree::{ConfigTree, NodeId, NodeKind, Syntax};

mod bgp;
mod line;
mod port;
mod role;
mod services;
mod trunk;
mod type7;
mod vrf;

pub use bgp::{valid_asn, Bgp, BgpFamily, BgpNeighbor, BgpPassword, BgpTable};
pub use line::{ExecTimeout, Line, LinePassword, Login, Stopbits};
pub use port::{
    AgingType, Duplex, LinkType, PfcMode, PortFast, PortSecurity, PortSettings, Speed, StpGuard,
    StpToggle, TrunkEncapsulation, Violation, VoiceVlan,
};
pub use role::{Role, RoleRule, RuleAccess};
pub use services::Services;
pub use vrf::{valid_rd, IosVrf, RouteTargets, VrfAddressFamily};

/// The Cisco operating system a configuration is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// Catalyst / ISR IOS and IOS-XE.
    Ios,
    /// Nexus NX-OS.
    NxOs,
}

/// An IPv4 interface address with its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ipv4Net {
    /// The address.
    pub addr: Ipv4Addr,
    /// The prefix length (0-32).
    pub len: u8,
}

impl Ipv4Net {
    /// A new address/length.
    pub fn new(addr: Ipv4Addr, len: u8) -> Self {
        Ipv4Net { addr, len }
    }
    /// The network mask.
    pub fn mask(&self) -> Ipv4Addr {
        Ipv4Addr::from(prefix_mask(self.len))
    }
    /// The network address (host bits cleared).
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) & prefix_mask(self.len))
    }
    /// Whether two networks overlap.
    pub fn overlaps(&self, other: &Ipv4Net) -> bool {
        let len = self.len.min(other.len);
        let m = prefix_mask(len);
        u32::from(self.addr) & m == u32::from(other.addr) & m
    }
    /// Parses `A.B.C.D/L` or `A.B.C.D M.M.M.M` (two tokens).
    pub fn parse(a: &str, mask: Option<&str>) -> Option<Self> {
        if let Some((ip, len)) = a.split_once('/') {
            let len: u8 = len.parse().ok()?;
            return (len <= 32).then_some(Ipv4Net::new(ip.parse().ok()?, len));
        }
        let m: Ipv4Addr = mask?.parse().ok()?;
        let m = u32::from(m);
        let len = m.leading_ones() as u8;
        (m.count_ones() == u32::from(len)).then_some(Ipv4Net::new(a.parse().ok()?, len))
    }
    fn render(&self, d: Dialect) -> String {
        match d {
            Dialect::NxOs => format!("{}/{}", self.addr, self.len),
            Dialect::Ios => format!("{} {}", self.addr, self.mask()),
        }
    }
}

fn prefix_mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    }
}

/// A set of VLAN ids, written as ranges (`10,20-30`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VlanSet(pub BTreeSet<u16>);

impl VlanSet {
    /// Parses `10,20-30` (`none` is empty).
    pub fn parse(s: &str) -> Option<Self> {
        let mut set = BTreeSet::new();
        if s == "none" {
            return Some(VlanSet(set));
        }
        for part in s.split(',') {
            match part.split_once('-') {
                Some((a, b)) => {
                    let (a, b): (u16, u16) = (a.parse().ok()?, b.parse().ok()?);
                    if a > b || b > 4094 {
                        return None;
                    }
                    set.extend(a..=b);
                }
                None => {
                    set.insert(part.parse().ok()?);
                }
            }
        }
        Some(VlanSet(set))
    }
    /// Renders as compact ranges (`10-11,20`), as NX-OS writes lists.
    pub fn render(&self) -> String {
        self.render_ranges(2)
    }

    /// Renders as the dialect writes lists: NX-OS makes a range of any run (`10-11`), IOS only of a
    /// run of three or more (`10,11,20-22`).
    pub fn render_in(&self, d: Dialect) -> String {
        match d {
            Dialect::NxOs => self.render_ranges(2),
            Dialect::Ios => self.render_ranges(3),
        }
    }

    /// Runs of at least `min_run` VLANs become ranges, shorter ones are listed.
    fn render_ranges(&self, min_run: usize) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        let mut out = String::new();
        let v: Vec<u16> = self.0.iter().copied().collect();
        let mut i = 0;
        while i < v.len() {
            let mut j = i;
            while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
                j += 1;
            }
            if !out.is_empty() {
                out.push(',');
            }
            if j + 1 - i >= min_run {
                let _ = write!(out, "{}-{}", v[i], v[j]);
            } else {
                let list: Vec<String> = v[i..=j].iter().map(u16::to_string).collect();
                out.push_str(&list.join(","));
            }
            i = j + 1;
        }
        out
    }
}

/// A VLAN.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Vlan {
    /// Its name.
    pub name: Option<String>,
    /// `shutdown` inside the VLAN.
    pub shutdown: bool,
    /// Lines of the VLAN the model does not cover (`vn-segment 10010`, `state suspend`), as written
    /// (with their children, indented relative to the VLAN).
    #[serde(default)]
    pub other: Vec<String>,
}

/// Layer-2 or routed mode of an interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Switchport {
    /// `no switchport`: a routed port.
    Routed,
    /// An access port in a VLAN.
    Access {
        /// The access VLAN.
        vlan: Option<u16>,
    },
    /// A trunk.
    Trunk {
        /// The native VLAN.
        native: Option<u16>,
        /// The allowed VLANs (`None` = the default, all).
        allowed: Option<VlanSet>,
    },
    /// NX-OS `switchport mode fex-fabric`: the uplink to a Fabric Extender, with the FEX it
    /// serves (`fex associate N`, 100-199).
    FexFabric {
        /// The FEX number (`fex associate N`).
        associate: Option<u32>,
    },
    /// IOS DTP: `switchport mode dynamic auto` (becomes a trunk if the neighbour asks) or
    /// `dynamic desirable` (asks for one); the port uses the access settings while it is not a
    /// trunk and the trunk settings while it is, so both are held.
    Dynamic {
        /// `desirable` rather than `auto`.
        desirable: bool,
        /// The access VLAN (`switchport access vlan`).
        access: Option<u16>,
        /// The native VLAN as a trunk.
        native: Option<u16>,
        /// The allowed VLANs as a trunk (`None` = all).
        allowed: Option<VlanSet>,
    },
}

/// Where an interface gets its IPv4 address when it has no static one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DynamicAddress {
    /// `ip address dhcp`: a DHCP client (IOS; NX-OS on mgmt0 and routed ports).
    Dhcp,
    /// `ip address negotiated`: IPCP on a PPP link (IOS: dialers, serial and cellular ports).
    Negotiated,
}

/// LACP / static port-channel membership mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LacpMode {
    /// LACP active.
    Active,
    /// LACP passive.
    Passive,
    /// Static (no LACP); NX-OS writes it as a bare `channel-group N`.
    On,
}

/// Membership of a physical port in a port-channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelGroup {
    /// The port-channel number.
    pub id: u32,
    /// The mode.
    pub mode: LacpMode,
}

/// An HSRP group (`standby N ...` on IOS, `hsrp N` sub-mode on NX-OS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Hsrp {
    /// The virtual IP.
    pub ip: Option<Ipv4Addr>,
    /// Secondary virtual IPs (`standby N ip A.B.C.D secondary`, NX-OS `ip A.B.C.D secondary`),
    /// for the interface's secondary subnets.
    #[serde(default)]
    pub secondary: Vec<Ipv4Addr>,
    /// Priority (default 100).
    pub priority: Option<u8>,
    /// NX-OS: the forwarding thresholds written after the priority (`priority 105
    /// forwarding-threshold lower 1 upper 105`): the (lower, upper) priorities at which the
    /// router stops / resumes forwarding as the active router. Only with a `priority`.
    #[serde(default)]
    pub forwarding_threshold: Option<(u8, u8)>,
    /// Whether to preempt.
    pub preempt: bool,
    /// Hello and hold timers in seconds.
    pub timers: Option<(u32, u32)>,
    /// The authentication clause as written after `authentication` (`md5 key-chain K`, `text S`).
    pub authentication: Option<String>,
    /// Lines of the group the model does not cover.
    pub other: Vec<String>,
}

/// A VRRP group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Vrrp {
    /// The virtual IP.
    pub ip: Option<Ipv4Addr>,
    /// Priority (default 100).
    pub priority: Option<u8>,
    /// Preemption (`None` = the platform default, enabled).
    pub preempt: Option<bool>,
    /// NX-OS: the group is `shutdown` (NX-OS groups start shut; the model renders `no shutdown`).
    pub shutdown: bool,
    /// Lines of the group the model does not cover.
    pub other: Vec<String>,
}

/// An interface (physical, port-channel, SVI, loopback).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Interface {
    /// Description.
    pub description: Option<String>,
    /// `shutdown` (`Some(true)`), `no shutdown` (`Some(false)`), or not stated.
    pub shutdown: Option<bool>,
    /// MTU.
    pub mtu: Option<u32>,
    /// The interface's own MAC address, as written after `mac-address` (`0000.0c9f.f00a`; NX-OS
    /// also takes `00:00:0c:9f:f0:0a` and `00-00-0c-9f-f0-0a`).
    #[serde(default)]
    pub mac_address: Option<String>,
    /// L2 / routed mode.
    pub switchport: Option<Switchport>,
    /// IOS: the access VLAN of a port whose mode is not stated (`switchport access vlan N` without
    /// a `switchport mode` line: the port keeps the platform's default mode, dynamic on a
    /// Catalyst, and uses this VLAN whenever it is an access port). Only with `switchport` left
    /// `None`; with a mode stated, the access VLAN belongs in [`Switchport`].
    #[serde(default)]
    pub access_vlan: Option<u16>,
    /// VRF membership (`vrf member X` on NX-OS; on IOS `ip vrf forwarding X`, or `vrf forwarding X`
    /// for a VRF the configuration defines with `vrf definition X`).
    pub vrf: Option<String>,
    /// Primary IPv4 address.
    pub ipv4: Option<Ipv4Net>,
    /// The address is learnt instead of stated (`ip address dhcp` / `ip address negotiated`, the
    /// bare forms; with options such as `client-id` the line is kept as written). Not with `ipv4`.
    #[serde(default)]
    pub ipv4_dynamic: Option<DynamicAddress>,
    /// Secondary IPv4 addresses.
    pub secondary: Vec<Ipv4Net>,
    /// Port-channel membership.
    pub channel_group: Option<ChannelGroup>,
    /// Inbound IPv4 ACL.
    pub acl_in: Option<String>,
    /// Outbound IPv4 ACL.
    pub acl_out: Option<String>,
    /// HSRP version (`standby version` / `hsrp version`).
    pub hsrp_version: Option<u8>,
    /// HSRP groups by number.
    pub hsrp: BTreeMap<u16, Hsrp>,
    /// VRRP groups by number.
    pub vrrp: BTreeMap<u16, Vrrp>,
    /// Switch-port settings: the bare `switchport`, DTP, trunk encapsulation / pruning,
    /// spanning-tree edge / guard / BPDU settings, speed, duplex, negotiation.
    #[serde(default)]
    pub port: PortSettings,
    /// Lines the model does not cover (with their children, indented relative to the interface).
    pub other: Vec<String>,
}

/// Kind of a named access list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AclKind {
    /// IOS `ip access-list standard`.
    Standard,
    /// IOS `ip access-list extended`.
    Extended,
    /// NX-OS `ip access-list` (always sequence-numbered).
    Ip,
}

/// One access-list entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclEntry {
    /// Sequence number (always present on NX-OS).
    pub seq: Option<u32>,
    /// The rule text (`permit tcp any host 10.0.0.1 eq 22`, `remark ...`).
    pub rule: String,
}

/// A named access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acl {
    /// Kind.
    pub kind: AclKind,
    /// Settings of the list as a whole, as written (NX-OS `statistics per-entry`,
    /// `fragments deny-all`, `ignore routable`); rendered before the entries.
    #[serde(default)]
    pub options: Vec<String>,
    /// Entries in order.
    pub entries: Vec<AclEntry>,
}

impl Acl {
    /// The list with every entry numbered as NX-OS numbers it: an entry typed without a number
    /// gets the highest number before it plus 10 (10 for the first), remarks included. IOS lists
    /// are returned as they are (IOS shows them without numbers).
    ///
    /// ```
    /// use hermes_netdev::cisco::{CiscoConfig, Dialect};
    /// let cfg = CiscoConfig::parse("ip access-list A\n  permit ip any any\n  15 deny ip any any\n  remark end\n", Dialect::NxOs);
    /// let seqs: Vec<_> = cfg.acls["A"].sequenced().entries.iter().map(|e| e.seq).collect();
    /// assert_eq!(seqs, [Some(10), Some(15), Some(25)]);
    /// ```
    pub fn sequenced(&self) -> Acl {
        let mut a = self.clone();
        if a.kind != AclKind::Ip {
            return a;
        }
        let mut high = 0u32;
        for e in &mut a.entries {
            let s = *e.seq.get_or_insert(high.saturating_add(10));
            high = high.max(s);
        }
        a
    }
}

/// Whether a line inside an access list is a setting of the list rather than an entry.
pub(crate) fn is_acl_option(line: &str) -> bool {
    matches!(
        words(line).as_slice(),
        ["statistics", "per-entry"]
            | ["fragments", "deny-all" | "permit-all"]
            | ["ignore", "routable"]
    )
}

/// A static IPv4 route.
///
/// Written `ip route PREFIX NEXT-HOP` with its options in the order each system shows them: IOS
/// `[distance] [tag T] [name N] [track K]`, NX-OS `[track K] [name N] [tag T] [preference]`. A
/// route in a VRF is `ip route vrf V ...` on IOS and an `ip route` line under `vrf context V` on
/// NX-OS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticRoute {
    /// The VRF whose table holds the route (`None` = the global / default table).
    #[serde(default)]
    pub vrf: Option<String>,
    /// Destination network.
    pub prefix: Ipv4Net,
    /// Next hop: an address, an interface, or both (`Ethernet1/1 10.0.0.1`).
    pub next_hop: String,
    /// Administrative distance (NX-OS: preference).
    pub distance: Option<u8>,
    /// Route name.
    pub name: Option<String>,
    /// Route tag (`tag N`).
    #[serde(default)]
    pub tag: Option<u32>,
    /// The tracked object that keeps the route installed (`track N`).
    #[serde(default)]
    pub track: Option<u32>,
}

/// An NX-OS `vrf context NAME` block: its static routes are in [`CiscoConfig::static_routes`]
/// (with `vrf` set), the rest of its lines are kept here.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VrfContext {
    /// Lines of the context the model does not cover (`rd auto`, `vni 50001`, `ip domain-name X`,
    /// `address-family ipv4 unicast` with its children), as written (children indented relative
    /// to the context).
    #[serde(default)]
    pub other: Vec<String>,
}

/// A basic OSPF process.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ospf {
    /// Router id.
    pub router_id: Option<Ipv4Addr>,
    /// `network ... area ...` statements, as written after `network`.
    pub networks: Vec<String>,
    /// `passive-interface default`.
    pub passive_default: bool,
    /// Other lines of the process.
    pub other: Vec<String>,
}

/// A whole Cisco configuration, typed where modelled, verbatim elsewhere.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect};
/// let cfg = CiscoConfig::parse("vlan 10\n  name users\ninterface Ethernet1/1\n  switchport mode trunk\n  switchport trunk allowed vlan 10\n", Dialect::NxOs);
/// assert_eq!(cfg.vlans[&10].name.as_deref(), Some("users"));
/// assert!(cfg.render(Dialect::NxOs).contains("switchport trunk allowed vlan 10"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CiscoConfig {
    /// Host name.
    pub hostname: Option<String>,
    /// NX-OS `feature` lines.
    pub features: BTreeSet<String>,
    /// VLANs by id.
    pub vlans: BTreeMap<u16, Vlan>,
    /// Named access lists.
    pub acls: BTreeMap<String, Acl>,
    /// Interfaces by name as written.
    pub interfaces: BTreeMap<String, Interface>,
    /// OSPF processes by process tag.
    pub ospf: BTreeMap<String, Ospf>,
    /// Static routes: the global table and, with [`StaticRoute::vrf`] set, VRF tables (IOS `ip
    /// route vrf V ...`, NX-OS `ip route` under `vrf context V`).
    pub static_routes: Vec<StaticRoute>,
    /// NX-OS `vrf context NAME` blocks by VRF name (their routes are in `static_routes`); every
    /// context read is here, and a route's VRF without an entry is rendered as a context of its
    /// own.
    #[serde(default)]
    pub vrf_contexts: BTreeMap<String, VrfContext>,
    /// IOS VRF definitions (`ip vrf X`, `vrf definition X`) by name; rendered before the
    /// interfaces that join them.
    #[serde(default)]
    pub ios_vrfs: BTreeMap<String, IosVrf>,
    /// NTP servers (as written after `ntp server`).
    pub ntp_servers: Vec<String>,
    /// DNS name servers (as written after `ip name-server`).
    pub name_servers: Vec<String>,
    /// DNS domain (IOS `ip domain name X` or `ip domain-name X`, NX-OS `ip domain-name X`).
    pub domain_name: Option<String>,
    /// IOS: the domain is written `ip domain-name X` (as IOS 12.x writes it) instead of
    /// `ip domain name X`. Both set the same value; the differ writes the form the device shows.
    /// NX-OS has only `ip domain-name`.
    #[serde(default)]
    pub domain_name_hyphen: bool,
    /// Syslog hosts (as written after `logging host` / `logging server`: the address with its
    /// options, `10.0.0.5 vrf MGMT transport udp port 514`).
    pub logging_hosts: Vec<String>,
    /// IOS: the hosts without options are written `logging A.B.C.D` (as IOS before 12.4 writes
    /// them) instead of `logging host A.B.C.D`; the differ writes the form the device shows.
    #[serde(default)]
    pub logging_bare: bool,
    /// SNMP communities: name → the rest (`ro`, `group network-operator`).
    pub snmp_communities: BTreeMap<String, String>,
    /// Boot images (as written after `boot system` / `boot nxos`).
    pub boot: Vec<String>,
    /// NX-OS before 7.0(3)I (Nexus 5000/7000, NX-OSv 7.x `titanium`) boots a kickstart and a
    /// system image: the kickstart images, as written after `boot kickstart` (`bootflash:/k.bin
    /// sup-1`).
    #[serde(default)]
    pub boot_kickstart: Vec<String>,
    /// NX-OS: the images in `boot` are written `boot system X` (the two-image NX-OS before
    /// 7.0(3)I) instead of `boot nxos X`; the differ writes the form the device shows.
    #[serde(default)]
    pub boot_system_nxos: bool,
    /// Terminal lines by the words after `line` (`con 0`, `vty 0 4`, NX-OS `console`, `vty`);
    /// a block entered twice is one line.
    #[serde(default)]
    pub lines: BTreeMap<String, Line>,
    /// IOS global service switches: `service timestamps`, `service password-encryption`, `ip http
    /// server`, `ip http secure-server`, `ip domain lookup`.
    #[serde(default)]
    pub services: Services,
    /// `router bgp ASN` (IOS and NX-OS; see [`Bgp`]). A second `router bgp` block is kept in
    /// `other`.
    #[serde(default)]
    pub bgp: Option<Bgp>,
    /// NX-OS user roles (`role name X`: description and numbered rules), by name.
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
    /// Top-level lines the model does not cover, each with its children (newline-separated, indented).
    pub other: Vec<String>,
}

fn is_ipv4(s: &str) -> bool {
    s.parse::<Ipv4Addr>().is_ok()
}

fn words(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn subtree_text(tree: &ConfigTree<'_>, id: NodeId, depth: usize, out: &mut String) {
    let n = tree.node(id);
    if n.kind == NodeKind::Comment {
        return;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = write!(out, "{:d$}{}", "", n.text, d = depth);
    for &c in tree.children(id) {
        subtree_text(tree, c, depth + 1, out);
    }
}

/// The text after the first `n` words, as written (inner spacing kept, ends trimmed).
fn after_words(t: &str, n: usize) -> &str {
    let mut rest = t.trim_start();
    for _ in 0..n {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    rest.trim_end()
}

/// The name of the interface an `interface ...` line enters: `interface Vlan1`, or written with a
/// space between the type and the number (`interface Vlan 1`, `interface GigabitEthernet 1/0/1`),
/// which the device takes as the same interface and shows without the space.
fn interface_name(w: &[&str]) -> Option<String> {
    match w {
        ["interface", n] => Some(n.to_string()),
        ["interface", kind, num]
            if kind.starts_with(|c: char| c.is_ascii_alphabetic())
                && kind.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                && num.starts_with(|c: char| c.is_ascii_digit())
                && num.chars().all(|c| c.is_ascii_digit() || "/.:".contains(c)) =>
        {
            Some(format!("{kind}{num}"))
        }
        _ => None,
    }
}

/// The key of a top-level section: its words, an interface by its name.
fn section_key(t: &str) -> String {
    let w = words(t);
    match interface_name(&w) {
        Some(n) => format!("interface {n}"),
        None => w.join(" "),
    }
}

/// Sections that may be entered again later in a configuration and then add to the first block.
fn reentrant(t: &str) -> bool {
    let w = words(t);
    interface_name(&w).is_some()
        || matches!(
            w.as_slice(),
            ["interface", _]
                | ["vlan", _]
                | ["router", "ospf", _]
                | ["router", "bgp", _]
                | ["ip", "access-list", ..]
                | ["vrf", "context", _]
                | ["vrf", "definition", _]
                | ["ip", "vrf", _]
        )
}

fn other_of(tree: &ConfigTree<'_>, id: NodeId) -> String {
    let mut s = String::new();
    subtree_text(tree, id, 0, &mut s);
    s
}

impl CiscoConfig {
    /// Parses a running configuration. Never fails: what is not modelled goes to `other`.
    ///
    /// ```
    /// use hermes_netdev::cisco::{CiscoConfig, Dialect};
    /// let running = CiscoConfig::parse("hostname sw1\nvlan 10\n name users\n", Dialect::Ios);
    /// let mut want = running.clone();
    /// want.vlans.get_mut(&10).unwrap().name = Some("staff".into());
    /// let plan = running.diff(&want, Dialect::Ios, "sw1");
    /// assert_eq!(plan.commands(), ["vlan 10", " name staff"]);
    /// ```
    pub fn parse(text: &str, dialect: Dialect) -> Self {
        Self::from_tree(&ConfigTree::parse(text, Syntax::Cisco), dialect)
    }

    /// Models a parsed tree.
    pub fn from_tree(tree: &ConfigTree<'_>, dialect: Dialect) -> Self {
        let mut c = CiscoConfig::default();
        // A section entered more than once (`interface X` ... `interface X` again) is one section on
        // the device: the later block adds to the earlier one. Model it from all of its children.
        let mut groups: HashMap<String, Vec<NodeId>> = HashMap::new();
        // IOS VRFs defined with `vrf definition X` (multiprotocol) are joined with `vrf forwarding X`,
        // those defined with `ip vrf X` with `ip vrf forwarding X`.
        let mut vrf_defs: BTreeSet<&str> = BTreeSet::new();
        for &id in tree.roots() {
            let n = tree.node(id);
            if n.kind != NodeKind::Comment && reentrant(n.text) {
                groups.entry(section_key(n.text)).or_default().push(id);
            }
            if let ["vrf", "definition", v] = words(n.text).as_slice() {
                vrf_defs.insert(v);
            }
        }
        // VLANs given settings by an NX-OS range block (`vlan 10-12` + `name x`).
        let mut ranged: BTreeSet<u16> = BTreeSet::new();
        for &id in tree.roots() {
            let n = tree.node(id);
            if n.kind == NodeKind::Comment {
                continue;
            }
            let group = reentrant(n.text)
                .then(|| groups.get(&section_key(n.text)))
                .flatten()
                .filter(|g| g.len() > 1);
            match group {
                Some(g) if g[0] != id => {} // modelled (or kept) with the first block
                Some(g) => {
                    let kids: Vec<NodeId> =
                        g.iter().flat_map(|&x| tree.children(x)).copied().collect();
                    if !c.top_line(tree, id, &kids, dialect, &vrf_defs, &mut ranged) {
                        c.other.extend(g.iter().map(|&x| other_of(tree, x)));
                    }
                }
                None => {
                    if !c.top_line(tree, id, tree.children(id), dialect, &vrf_defs, &mut ranged) {
                        c.other.push(other_of(tree, id));
                    }
                }
            }
        }
        if dialect == Dialect::NxOs {
            // In the order NX-OS writes them: the global table, then VRF by VRF.
            c.static_routes.sort_by(|a, b| a.vrf.cmp(&b.vrf));
        }
        c
    }

    fn top_line(
        &mut self,
        tree: &ConfigTree<'_>,
        id: NodeId,
        kids: &[NodeId],
        d: Dialect,
        vrf_defs: &BTreeSet<&str>,
        ranged: &mut BTreeSet<u16>,
    ) -> bool {
        let t = tree.node(id).text;
        let w = words(t);
        if d == Dialect::Ios && kids.is_empty() && self.services.read(&w) {
            return true;
        }
        match w.as_slice() {
            ["hostname", h] if kids.is_empty() => self.hostname = Some(h.to_string()),
            // Some features are two words (`feature nv overlay`).
            ["feature", _, ..] if kids.is_empty() => {
                self.features.insert(after_words(t, 1).to_string());
            }
            // NX-OS lists every VLAN on one line (`vlan 1,10,20-30`) before the blocks of the VLANs
            // that have settings: each listed VLAN exists, with its settings (if any) in its block.
            ["vlan", v] if kids.is_empty() && v.contains([',', '-']) => {
                let Some(set) =
                    VlanSet::parse(v).filter(|s| s.0.iter().all(|&x| (1..=4094).contains(&x)))
                else {
                    return false;
                };
                for id in set.0 {
                    self.vlans.entry(id).or_default();
                }
            }
            ["vlan", v] => {
                // NX-OS also takes settings for a range (`vlan 10-12` + `name x`): each VLAN of
                // it gets them (the switch then shows one block per VLAN).
                let single = v.parse::<u16>().ok();
                let range = match single {
                    Some(_) => None,
                    None => match VlanSet::parse(v) {
                        Some(s) if s.0.iter().all(|&x| (1..=4094).contains(&x)) => Some(s),
                        _ => return false,
                    },
                };
                let mut vlan = Vlan::default();
                for &k in kids {
                    if tree.node(k).kind == NodeKind::Comment {
                        continue;
                    }
                    let leaf = tree.children(k).is_empty();
                    match words(tree.node(k).text).as_slice() {
                        ["name", n] if leaf && vlan.name.is_none() => {
                            vlan.name = Some(n.to_string())
                        }
                        ["shutdown"] if leaf => vlan.shutdown = true,
                        _ => vlan.other.push(other_of(tree, k)),
                    }
                }
                // Settings given after a range's add to (a name replaces) the range's, as on the
                // switch; a VLAN's own block otherwise defines it.
                let merge = |prev: &mut Vlan, v: &Vlan| {
                    if v.name.is_some() {
                        prev.name.clone_from(&v.name);
                    }
                    prev.shutdown |= v.shutdown;
                    prev.other.extend(v.other.iter().cloned());
                };
                match range {
                    Some(set) => {
                        for id in set.0 {
                            merge(self.vlans.entry(id).or_default(), &vlan);
                            ranged.insert(id);
                        }
                    }
                    None => {
                        let vid = single.unwrap_or_default();
                        match self.vlans.get_mut(&vid) {
                            Some(prev) if ranged.contains(&vid) => merge(prev, &vlan),
                            _ => {
                                self.vlans.insert(vid, vlan);
                            }
                        }
                    }
                }
            }
            ["interface", ..] if interface_name(&w).is_some() => {
                let iface = parse_interface(tree, kids, d, vrf_defs);
                self.interfaces
                    .insert(interface_name(&w).unwrap_or_default(), iface);
            }
            ["ip", "access-list", kind @ ("standard" | "extended"), name] => {
                let kind = if *kind == "standard" {
                    AclKind::Standard
                } else {
                    AclKind::Extended
                };
                let Some(acl) = parse_acl(tree, kids, kind) else {
                    return false;
                };
                if self.acls.contains_key(*name) {
                    return false; // the same name as another kind of list: keep both as written
                }
                self.acls.insert(name.to_string(), acl);
            }
            ["ip", "access-list", name] => {
                let Some(acl) = parse_acl(tree, kids, AclKind::Ip) else {
                    return false;
                };
                if self.acls.contains_key(*name) {
                    return false;
                }
                self.acls.insert(name.to_string(), acl);
            }
            ["router", "ospf", tag] => {
                let mut o = Ospf::default();
                for &k in kids {
                    if tree.node(k).kind == NodeKind::Comment {
                        continue;
                    }
                    let kt = tree.node(k).text;
                    match words(kt).as_slice() {
                        ["router-id", r] if tree.children(k).is_empty() => match r.parse() {
                            Ok(r) => o.router_id = Some(r),
                            Err(_) => o.other.push(other_of(tree, k)),
                        },
                        ["network", _, ..] if tree.children(k).is_empty() => {
                            o.networks.push(after_words(kt, 1).to_string())
                        }
                        ["passive-interface", "default"] if tree.children(k).is_empty() => {
                            o.passive_default = true
                        }
                        _ => o.other.push(other_of(tree, k)),
                    }
                }
                self.ospf.insert(tag.to_string(), o);
            }
            ["router", "bgp", asn] if self.bgp.is_none() => {
                self.bgp = Some(Bgp::parse(tree, asn, kids, d));
            }
            ["ip", "route", "vrf", v, ..] if kids.is_empty() && d == Dialect::Ios => {
                match parse_route(&w[4..], d, Some(v)) {
                    Some(r) => self.static_routes.push(r),
                    None => return false,
                }
            }
            ["ip", "route", ..] if kids.is_empty() => match parse_route(&w[2..], d, None) {
                Some(r) => self.static_routes.push(r),
                None => return false,
            },
            ["vrf", "context", v] if d == Dialect::NxOs => {
                let mut ctx = VrfContext::default();
                for &k in kids {
                    if tree.node(k).kind == NodeKind::Comment {
                        continue;
                    }
                    let kw = words(tree.node(k).text);
                    let route = match kw.as_slice() {
                        ["ip", "route", ..] if tree.children(k).is_empty() => {
                            parse_route(&kw[2..], d, Some(v))
                        }
                        _ => None,
                    };
                    match route {
                        Some(r) => self.static_routes.push(r),
                        None => ctx.other.push(other_of(tree, k)),
                    }
                }
                self.vrf_contexts.insert(v.to_string(), ctx);
            }
            [kw @ ("ip" | "vrf"), kind @ ("vrf" | "definition"), v]
                if d == Dialect::Ios && (*kw == "ip") == (*kind == "vrf") =>
            {
                // Defined twice (`ip vrf X` and `vrf definition X`): the second is kept as written.
                if self.ios_vrfs.contains_key(*v) {
                    return false;
                }
                let vrf = IosVrf::parse(tree, kids, *kind == "definition");
                self.ios_vrfs.insert(v.to_string(), vrf);
            }
            ["ntp", "server", _, ..] if kids.is_empty() => {
                self.ntp_servers.push(after_words(t, 2).to_string())
            }
            ["ip", "name-server", _, ..] if kids.is_empty() => {
                self.name_servers.push(after_words(t, 2).to_string())
            }
            ["ip", "domain-name", n] if kids.is_empty() && d == Dialect::NxOs => {
                self.domain_name = Some(n.to_string())
            }
            // IOS reads both forms (12.x writes `ip domain-name`); a second line is kept as written.
            ["ip", "domain", "name", n] if kids.is_empty() && d == Dialect::Ios => {
                if self.domain_name.is_some() {
                    return false;
                }
                self.domain_name = Some(n.to_string())
            }
            ["ip", "domain-name", n] if kids.is_empty() && d == Dialect::Ios => {
                if self.domain_name.is_some() {
                    return false;
                }
                self.domain_name = Some(n.to_string());
                self.domain_name_hyphen = true;
            }
            ["logging", "server", _, ..] if kids.is_empty() && d == Dialect::NxOs => {
                self.logging_hosts.push(after_words(t, 2).to_string())
            }
            ["logging", "host", _, ..] if kids.is_empty() && d == Dialect::Ios => {
                // Written in the other form than the bare hosts read before: kept as written.
                if self.logging_bare && is_ipv4(w[2]) && w.len() == 3 {
                    return false;
                }
                self.logging_hosts.push(after_words(t, 2).to_string())
            }
            // IOS before 12.4: `logging A.B.C.D`.
            ["logging", a] if kids.is_empty() && d == Dialect::Ios && is_ipv4(a) => {
                let bare_host = |h: &String| is_ipv4(h);
                if !self.logging_bare && self.logging_hosts.iter().any(bare_host) {
                    return false;
                }
                self.logging_bare = true;
                self.logging_hosts.push(a.to_string())
            }
            ["snmp-server", "community", name, rest @ ..]
                if kids.is_empty()
                    && !rest.is_empty()
                    && !self.snmp_communities.contains_key(*name) =>
            {
                // NX-OS writes one line per attribute of a community (`group`, `use-acl`...):
                // the first is modelled, the others are kept as written.
                self.snmp_communities
                    .insert(name.to_string(), rest.join(" "));
            }
            ["boot", "system", _, ..] if kids.is_empty() && d == Dialect::Ios => {
                self.boot.push(after_words(t, 2).to_string())
            }
            ["boot", "nxos", _, ..] if kids.is_empty() && d == Dialect::NxOs => {
                // After `boot system` lines (a mix no device shows): kept as written.
                if self.boot_system_nxos {
                    return false;
                }
                self.boot.push(after_words(t, 2).to_string())
            }
            ["boot", "system", _, ..] if kids.is_empty() && d == Dialect::NxOs => {
                if !self.boot_system_nxos && !self.boot.is_empty() {
                    return false;
                }
                self.boot_system_nxos = true;
                self.boot.push(after_words(t, 2).to_string())
            }
            ["boot", "kickstart", _, ..] if kids.is_empty() && d == Dialect::NxOs => {
                self.boot_kickstart.push(after_words(t, 2).to_string())
            }
            ["role", "name", r] if d == Dialect::NxOs => self
                .roles
                .entry(r.to_string())
                .or_default()
                .read(tree, kids),
            ["line", _, ..] => self
                .lines
                .entry(line::key(t))
                .or_default()
                .read(tree, kids, d),
            _ => return false,
        }
        // Only modelled if it renders back to exactly the same line(s).
        true
    }

    /// Renders the configuration in `dialect` (modelled sections in dependency order, then `other`).
    pub fn render(&self, d: Dialect) -> String {
        self.render_with(d, &BTreeSet::new())
    }

    /// The names of the VRFs defined with `vrf definition` (modelled or kept as written):
    /// interfaces join them with `vrf forwarding X` rather than `ip vrf forwarding X`.
    fn multiprotocol_vrfs(&self) -> BTreeSet<&str> {
        let mut defs: BTreeSet<&str> = self
            .other
            .iter()
            .filter_map(
                |o| match words(o.lines().next().unwrap_or_default()).as_slice() {
                    ["vrf", "definition", v] => Some(*v),
                    _ => None,
                },
            )
            .collect();
        defs.extend(
            self.ios_vrfs
                .iter()
                .filter(|(_, v)| v.multiprotocol)
                .map(|(n, _)| n.as_str()),
        );
        defs
    }

    /// [`CiscoConfig::render`], with `extra_defs` also taken as `vrf definition` VRFs (the
    /// differ passes the device's, so an interface joins a VRF in the form the device needs).
    fn render_with(&self, d: Dialect, extra_defs: &BTreeSet<String>) -> String {
        let mut o = String::new();
        let ind = match d {
            Dialect::Ios => " ",
            Dialect::NxOs => "  ",
        };
        if let Some(h) = &self.hostname {
            let _ = writeln!(o, "hostname {h}");
        }
        for f in &self.features {
            let _ = writeln!(o, "feature {f}");
        }
        for (name, r) in &self.roles {
            r.render(&mut o, name, ind);
        }
        for (id, v) in &self.vlans {
            let _ = writeln!(o, "vlan {id}");
            if let Some(n) = &v.name {
                let _ = writeln!(o, "{ind}name {n}");
            }
            for l in &v.other {
                push_other(&mut o, l, ind);
            }
            if v.shutdown {
                let _ = writeln!(o, "{ind}shutdown");
            }
        }
        for (name, a) in &self.acls {
            let head = match a.kind {
                AclKind::Standard => format!("ip access-list standard {name}"),
                AclKind::Extended => format!("ip access-list extended {name}"),
                AclKind::Ip => format!("ip access-list {name}"),
            };
            let _ = writeln!(o, "{head}");
            for l in &a.options {
                let _ = writeln!(o, "{ind}{l}");
            }
            for e in &a.entries {
                match e.seq {
                    Some(s) => {
                        let _ = writeln!(o, "{ind}{s} {}", e.rule);
                    }
                    None => {
                        let _ = writeln!(o, "{ind}{}", e.rule);
                    }
                }
            }
        }
        for (name, v) in &self.ios_vrfs {
            v.render(&mut o, name, ind);
        }
        let mut vrf_defs = self.multiprotocol_vrfs();
        vrf_defs.extend(extra_defs.iter().map(String::as_str));
        // Port-channels first, then the others (the differ orders changes anyway).
        let mut names: Vec<&String> = self.interfaces.keys().collect();
        names.sort_by_key(|n| !n.to_ascii_lowercase().starts_with("port-channel"));
        for name in names {
            render_interface(&mut o, name, &self.interfaces[name], d, ind, &vrf_defs);
        }
        for (tag, p) in &self.ospf {
            let _ = writeln!(o, "router ospf {tag}");
            if let Some(r) = p.router_id {
                let _ = writeln!(o, "{ind}router-id {r}");
            }
            for n in &p.networks {
                let _ = writeln!(o, "{ind}network {n}");
            }
            if p.passive_default {
                let _ = writeln!(o, "{ind}passive-interface default");
            }
            for l in &p.other {
                push_other(&mut o, l, ind);
            }
        }
        if let Some(b) = &self.bgp {
            b.render(&mut o, d, ind);
        }
        // IOS writes each route on one line (`ip route vrf V ...` in a VRF), in the model's order;
        // NX-OS the global ones at the top level and the others in their `vrf context`.
        for r in &self.static_routes {
            match (&r.vrf, d) {
                (None, _) => {
                    let _ = writeln!(o, "ip route {}", route_text(r, d));
                }
                (Some(v), Dialect::Ios) => {
                    let _ = writeln!(o, "ip route vrf {v} {}", route_text(r, d));
                }
                (Some(_), Dialect::NxOs) => {}
            }
        }
        match d {
            Dialect::Ios => {}
            Dialect::NxOs => {
                let mut names: BTreeSet<&str> =
                    self.vrf_contexts.keys().map(String::as_str).collect();
                names.extend(self.static_routes.iter().filter_map(|r| r.vrf.as_deref()));
                for v in names {
                    let _ = writeln!(o, "vrf context {v}");
                    for r in &self.static_routes {
                        if r.vrf.as_deref() == Some(v) {
                            let _ = writeln!(o, "{ind}ip route {}", route_text(r, d));
                        }
                    }
                    for l in self.vrf_contexts.get(v).iter().flat_map(|c| &c.other) {
                        push_other(&mut o, l, ind);
                    }
                }
            }
        }
        for s in &self.ntp_servers {
            let _ = writeln!(o, "ntp server {s}");
        }
        for s in &self.name_servers {
            let _ = writeln!(o, "ip name-server {s}");
        }
        if let Some(dn) = &self.domain_name {
            match d {
                Dialect::Ios if self.domain_name_hyphen => {
                    let _ = writeln!(o, "ip domain-name {dn}");
                }
                Dialect::Ios => {
                    let _ = writeln!(o, "ip domain name {dn}");
                }
                Dialect::NxOs => {
                    let _ = writeln!(o, "ip domain-name {dn}");
                }
            }
        }
        for h in &self.logging_hosts {
            match d {
                Dialect::Ios if self.logging_bare && is_ipv4(h) => {
                    let _ = writeln!(o, "logging {h}");
                }
                Dialect::Ios => {
                    let _ = writeln!(o, "logging host {h}");
                }
                Dialect::NxOs => {
                    let _ = writeln!(o, "logging server {h}");
                }
            }
        }
        for (c, rest) in &self.snmp_communities {
            let _ = writeln!(o, "snmp-server community {c} {rest}");
        }
        if d == Dialect::NxOs {
            for b in &self.boot_kickstart {
                let _ = writeln!(o, "boot kickstart {b}");
            }
        }
        for b in &self.boot {
            match d {
                Dialect::Ios => {
                    let _ = writeln!(o, "boot system {b}");
                }
                Dialect::NxOs if self.boot_system_nxos => {
                    let _ = writeln!(o, "boot system {b}");
                }
                Dialect::NxOs => {
                    let _ = writeln!(o, "boot nxos {b}");
                }
            }
        }
        if d == Dialect::Ios {
            for l in self.services.lines() {
                let _ = writeln!(o, "{l}");
            }
        }
        for (name, l) in &self.lines {
            l.render(&mut o, name, d, ind);
        }
        for l in &self.other {
            let _ = writeln!(o, "{l}");
        }
        o
    }
}

/// Writes a kept line (possibly with children) one level down, re-indented for the dialect.
fn push_other(o: &mut String, text: &str, ind: &str) {
    for line in text.lines() {
        let depth = line.len() - line.trim_start().len();
        let _ = writeln!(o, "{}{}", ind.repeat(depth + 1), line.trim_start());
    }
}

fn push_other_at(o: &mut String, text: &str, ind: &str, level: usize) {
    for line in text.lines() {
        let depth = line.len() - line.trim_start().len();
        let _ = writeln!(o, "{}{}", ind.repeat(depth + level), line.trim_start());
    }
}

/// `PREFIX NEXT-HOP [options]` (the words after `ip route` / `ip route vrf V`) as the dialect
/// writes it. Options in another order than the one the system shows, or not modelled
/// (`permanent`, `global`, a next hop in another VRF), give `None`: the line is kept as written.
fn parse_route(w: &[&str], d: Dialect, vrf: Option<&str>) -> Option<StaticRoute> {
    let (prefix, rest) = match d {
        Dialect::NxOs if w.first()?.contains('/') => (Ipv4Net::parse(w[0], None)?, &w[1..]),
        Dialect::Ios if w.len() >= 2 && !w[0].contains('/') => {
            (Ipv4Net::parse(w[0], Some(w[1]))?, &w[2..])
        }
        _ => return None,
    };
    if prefix.network() != prefix.addr {
        return None;
    }
    let keyword = |x: &str| {
        matches!(
            x,
            "name"
                | "tag"
                | "track"
                | "permanent"
                | "vrf"
                | "global"
                | "multicast"
                | "dhcp"
                | "unicast"
        )
    };
    // The next hop: an address, an interface, or an interface and an address.
    let first = *rest.first()?;
    if keyword(first) || first.parse::<u8>().is_ok() {
        return None;
    }
    let mut hop = vec![first];
    let mut i = 1;
    if !is_ipv4(first) && rest.get(1).is_some_and(|x| is_ipv4(x)) {
        hop.push(rest[1]);
        i = 2;
    }
    let mut r = StaticRoute {
        vrf: vrf.map(str::to_string),
        prefix,
        next_hop: hop.join(" "),
        distance: None,
        name: None,
        tag: None,
        track: None,
    };
    while i < rest.len() {
        let (x, y) = (rest[i], rest.get(i + 1).copied());
        match (x, y) {
            ("name", Some(n)) if r.name.is_none() => r.name = Some(n.to_string()),
            ("tag", Some(t)) if r.tag.is_none() => r.tag = Some(t.parse().ok()?),
            ("track", Some(t)) if r.track.is_none() => r.track = Some(t.parse().ok()?),
            _ => match x.parse::<u8>() {
                Ok(n) if r.distance.is_none() => {
                    r.distance = Some(n);
                    i += 1;
                    continue;
                }
                _ => return None,
            },
        }
        i += 2;
    }
    // Only modelled when it renders back to the same words.
    let again = route_text(&r, d);
    (words(&again) == w).then_some(r)
}

/// `PREFIX NEXT-HOP [options]` of a route, in the dialect's order.
fn route_text(r: &StaticRoute, d: Dialect) -> String {
    let mut o = format!("{} {}", r.prefix.render(d), r.next_hop);
    let dist = r.distance.map(|x| format!(" {x}")).unwrap_or_default();
    let name = r
        .name
        .as_ref()
        .map(|n| format!(" name {n}"))
        .unwrap_or_default();
    let tag = r.tag.map(|t| format!(" tag {t}")).unwrap_or_default();
    let track = r.track.map(|t| format!(" track {t}")).unwrap_or_default();
    // The order each system shows: IOS `distance tag name track`, NX-OS `track name tag
    // preference`.
    match d {
        Dialect::Ios => {
            let _ = write!(o, "{dist}{tag}{name}{track}");
        }
        Dialect::NxOs => {
            let _ = write!(o, "{track}{name}{tag}{dist}");
        }
    }
    o
}

fn parse_acl(tree: &ConfigTree<'_>, kids: &[NodeId], kind: AclKind) -> Option<Acl> {
    let mut entries = Vec::new();
    let mut options = Vec::new();
    for &k in kids {
        let n = tree.node(k);
        if n.kind == NodeKind::Comment {
            continue;
        }
        if !tree.children(k).is_empty() {
            return None;
        }
        let t = n.text;
        if is_acl_option(t) {
            options.push(t.to_string());
            continue;
        }
        let (first, rest) = t.split_once(' ').unwrap_or((t, ""));
        match first.parse::<u32>() {
            Ok(seq) if !rest.is_empty() => entries.push(AclEntry {
                seq: Some(seq),
                rule: rest.to_string(),
            }),
            // NX-OS numbers an entry typed without a number itself (see `Acl::sequenced`).
            _ if matches!(first, "permit" | "deny" | "remark") => entries.push(AclEntry {
                seq: None,
                rule: t.to_string(),
            }),
            _ => return None,
        }
    }
    Some(Acl {
        kind,
        options,
        entries,
    })
}

fn parse_u<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

fn parse_interface(
    tree: &ConfigTree<'_>,
    kids: &[NodeId],
    d: Dialect,
    vrf_defs: &BTreeSet<&str>,
) -> Interface {
    let mut i = Interface::default();
    let mut mode: Option<&str> = None;
    let mut access: Option<u16> = None;
    let mut native: Option<u16> = None;
    let mut allowed: Option<VlanSet> = None;
    // NX-OS `fex associate N` (on a `fex-fabric` port).
    let mut fex: Option<u32> = None;
    let mut bare_switchport = false;
    let mut no_switchport = false;
    // Where the first switchport line stood among the unmodelled ones (to keep them in place).
    let mut sw_at: Option<usize> = None;
    // The layer-2 lines read, each with what it sets and where it stood among the unmodelled lines.
    let mut sw_lines: Vec<(SwLine, String, usize)> = Vec::new();
    // A `switchport mode` the model does not cover (`fex-fabric`, `dot1q-tunnel`, `private-vlan`).
    let mut other_mode = false;
    for &k in kids {
        let n = tree.node(k);
        if n.kind == NodeKind::Comment {
            continue;
        }
        let t = n.text;
        let leaf = tree.children(k).is_empty();
        let w = words(t);
        // Only HSRP / VRRP sub-modes have children the model reads; any other line with children
        // is kept whole so that nothing under it is lost.
        if !leaf && !matches!(w.first(), Some(&("hsrp" | "vrrp"))) {
            i.other.push(other_of(tree, k));
            continue;
        }
        if leaf && i.port.read(&w, d) {
            continue;
        }
        if matches!(w.as_slice(), ["switchport", ..] | ["no", "switchport"]) {
            sw_at.get_or_insert(i.other.len());
        }
        let at = i.other.len();
        let ok = match w.as_slice() {
            // A bare `description` (nothing after it) is kept as written.
            ["description", _, ..] if leaf => {
                i.description = Some(after_words(t, 1).to_string());
                true
            }
            ["shutdown"] => {
                i.shutdown = Some(true);
                true
            }
            ["no", "shutdown"] => {
                i.shutdown = Some(false);
                true
            }
            ["mtu", m] => parse_u(m).map(|m| i.mtu = Some(m)).is_some(),
            ["mac-address", m] if leaf => {
                i.mac_address = Some(m.to_string());
                true
            }
            ["no", "switchport"] => {
                i.switchport = Some(Switchport::Routed);
                no_switchport = true;
                true
            }
            ["switchport"] => {
                bare_switchport = true;
                sw_lines.push((SwLine::Bare, t.to_string(), at));
                true
            }
            ["switchport", "mode", m @ ("access" | "trunk")] => {
                mode = Some(m);
                sw_lines.push((SwLine::Mode, t.to_string(), at));
                true
            }
            ["switchport", "mode", "dynamic", m @ ("auto" | "desirable")] if d == Dialect::Ios => {
                mode = Some(if *m == "auto" {
                    "dynamic auto"
                } else {
                    "dynamic desirable"
                });
                sw_lines.push((SwLine::Mode, t.to_string(), at));
                true
            }
            ["switchport", "mode", "fex-fabric"] if d == Dialect::NxOs => {
                mode = Some("fex-fabric");
                sw_lines.push((SwLine::Mode, t.to_string(), at));
                true
            }
            ["fex", "associate", n] if d == Dialect::NxOs && fex.is_none() => {
                match parse_u::<u32>(n) {
                    Some(n) => {
                        fex = Some(n);
                        sw_lines.push((SwLine::Fex, t.to_string(), at));
                        true
                    }
                    None => false,
                }
            }
            ["switchport", "mode", ..] => {
                other_mode = true;
                false
            }
            ["switchport", "access", "vlan", v] if parse_u::<u16>(v).is_some() => {
                access = parse_u(v);
                sw_lines.push((SwLine::Access, t.to_string(), at));
                true
            }
            ["switchport", "trunk", "native", "vlan", v] if parse_u::<u16>(v).is_some() => {
                native = parse_u(v);
                sw_lines.push((SwLine::Trunk, t.to_string(), at));
                true
            }
            // Every form the switch takes (a list, `add`, `remove`, `except`, `all`, `none`),
            // applied in order to one allowed set (a long list continues on `add` lines).
            ["switchport", "trunk", "allowed", "vlan", rest @ ..] => {
                match trunk::apply(allowed.as_ref(), rest) {
                    Some(s) => {
                        allowed = s;
                        sw_lines.push((SwLine::Trunk, t.to_string(), at));
                        true
                    }
                    None => false,
                }
            }
            ["vrf", "member", v] if d == Dialect::NxOs => {
                i.vrf = Some(v.to_string());
                true
            }
            ["ip", "vrf", "forwarding", v] if d == Dialect::Ios && !vrf_defs.contains(v) => {
                i.vrf = Some(v.to_string());
                true
            }
            ["vrf", "forwarding", v] if d == Dialect::Ios && vrf_defs.contains(v) => {
                i.vrf = Some(v.to_string());
                true
            }
            ["ip", "address", m @ ("dhcp" | "negotiated")]
                if i.ipv4.is_none() && i.ipv4_dynamic.is_none() =>
            {
                i.ipv4_dynamic = Some(if *m == "dhcp" {
                    DynamicAddress::Dhcp
                } else {
                    DynamicAddress::Negotiated
                });
                true
            }
            ["ip", "address", a, "secondary"] if d == Dialect::NxOs => Ipv4Net::parse(a, None)
                .map(|n| i.secondary.push(n))
                .is_some(),
            ["ip", "address", a]
                if d == Dialect::NxOs && i.ipv4.is_none() && i.ipv4_dynamic.is_none() =>
            {
                Ipv4Net::parse(a, None).map(|n| i.ipv4 = Some(n)).is_some()
            }
            // IOS writes `A.B.C.D M.M.M.M`; a prefix-length form is kept as written.
            ["ip", "address", a, m, "secondary"] if d == Dialect::Ios && !a.contains('/') => {
                Ipv4Net::parse(a, Some(m))
                    .map(|n| i.secondary.push(n))
                    .is_some()
            }
            ["ip", "address", a, m]
                if d == Dialect::Ios
                    && i.ipv4.is_none()
                    && i.ipv4_dynamic.is_none()
                    && !a.contains('/') =>
            {
                Ipv4Net::parse(a, Some(m))
                    .map(|n| i.ipv4 = Some(n))
                    .is_some()
            }
            // NX-OS shows a static member (`mode on`, its default) without the mode.
            ["channel-group", id] if d == Dialect::NxOs => match parse_u(id) {
                Some(id) => {
                    i.channel_group = Some(ChannelGroup {
                        id,
                        mode: LacpMode::On,
                    });
                    true
                }
                None => false,
            },
            ["channel-group", id, "mode", m] => {
                let mode = match *m {
                    "active" => Some(LacpMode::Active),
                    "passive" => Some(LacpMode::Passive),
                    "on" => Some(LacpMode::On),
                    _ => None,
                };
                match (parse_u(id), mode) {
                    (Some(id), Some(mode)) => {
                        i.channel_group = Some(ChannelGroup { id, mode });
                        true
                    }
                    _ => false,
                }
            }
            ["ip", "access-group", n, "in"] if d == Dialect::Ios => {
                i.acl_in = Some(n.to_string());
                true
            }
            ["ip", "access-group", n, "out"] if d == Dialect::Ios => {
                i.acl_out = Some(n.to_string());
                true
            }
            ["ip", "port", "access-group", n, "in"] if d == Dialect::NxOs => false,
            ["ip", "access-group", n, "in"] | ["ip", "access-group", n, "in", ..]
                if d == Dialect::NxOs && w.len() == 4 =>
            {
                i.acl_in = Some(n.to_string());
                true
            }
            ["ip", "access-group", n, "out"] if d == Dialect::NxOs => {
                i.acl_out = Some(n.to_string());
                true
            }
            ["standby", "version", v] if d == Dialect::Ios => {
                parse_u(v).map(|v| i.hsrp_version = Some(v)).is_some()
            }
            ["hsrp", "version", v] if d == Dialect::NxOs => {
                parse_u(v).map(|v| i.hsrp_version = Some(v)).is_some()
            }
            // IOS shows group 0 without its number (`standby ip 10.0.0.1`, `standby preempt`).
            ["standby", kw, ..] if d == Dialect::Ios && leaf && is_hsrp_group_keyword(kw) => {
                let h = i.hsrp.entry(0).or_default();
                hsrp_line(h, &w[1..], t)
            }
            ["standby", g, rest @ ..] if d == Dialect::Ios && leaf => match parse_u::<u16>(g) {
                Some(g) => {
                    let h = i.hsrp.entry(g).or_default();
                    hsrp_line(h, rest, t)
                }
                None => false,
            },
            ["hsrp", g] if d == Dialect::NxOs => match parse_u::<u16>(g) {
                Some(g) => {
                    // A group entered twice (an interface re-entered) adds to the first block.
                    let h = i.hsrp.entry(g).or_default();
                    for &c in tree.children(k) {
                        let ct = tree.node(c).text;
                        if tree.node(c).kind == NodeKind::Comment {
                            continue;
                        }
                        if !tree.children(c).is_empty() || !hsrp_line(h, &words(ct), ct) {
                            h.other.push(other_of(tree, c));
                        }
                    }
                    true
                }
                None => false,
            },
            ["no", "vrrp", g, "preempt"] if d == Dialect::Ios => match parse_u::<u16>(g) {
                Some(g) => {
                    i.vrrp.entry(g).or_default().preempt = Some(false);
                    true
                }
                None => false,
            },
            ["vrrp", g, rest @ ..] if d == Dialect::Ios && leaf && !rest.is_empty() => {
                match parse_u::<u16>(g) {
                    Some(g) => {
                        let v = i.vrrp.entry(g).or_default();
                        vrrp_line(v, rest, t, d)
                    }
                    None => false,
                }
            }
            ["vrrp", g] if d == Dialect::NxOs => match parse_u::<u16>(g) {
                Some(g) => {
                    let v = i.vrrp.entry(g).or_insert_with(|| Vrrp {
                        shutdown: true,
                        ..Vrrp::default()
                    });
                    for &c in tree.children(k) {
                        let ct = tree.node(c).text;
                        if tree.node(c).kind == NodeKind::Comment {
                            continue;
                        }
                        if !tree.children(c).is_empty() || !vrrp_line(v, &words(ct), ct, d) {
                            v.other.push(other_of(tree, c));
                        }
                    }
                    true
                }
                None => false,
            },
            _ => false,
        };
        if !ok {
            i.other.push(other_of(tree, k));
        }
    }
    // Resolve the L2 mode from the switchport lines; keep them verbatim if they do not form one.
    // NX-OS ports are access ports unless stated otherwise and it does not show that default mode;
    // IOS prints `switchport access vlan N` without a mode on dynamic ports (kept as written).
    let mode = match mode {
        None if d == Dialect::NxOs && access.is_some() && !other_mode && !no_switchport => {
            Some("access")
        }
        m => m,
    };
    // The settings of the other mode stay configured, dormant, and the device shows them (a trunk
    // that was an access port keeps its `switchport access vlan`): kept as written, in place.
    // A FEX uplink uses neither; `fex associate` stays as written on a port in another mode.
    let dormant: &[SwLine] = match mode {
        Some("trunk") => &[SwLine::Access, SwLine::Fex],
        Some("access") => &[SwLine::Trunk, SwLine::Fex],
        Some("fex-fabric") => &[SwLine::Access, SwLine::Trunk],
        Some(_) => &[SwLine::Fex],
        None => &[],
    };
    let resolved = match (mode, i.switchport.is_some()) {
        (_, true) => sw_lines.is_empty(),
        (Some("trunk"), false) => {
            i.switchport = Some(Switchport::Trunk {
                native,
                allowed: allowed.take(),
            });
            true
        }
        (Some("access"), false) => {
            i.switchport = Some(Switchport::Access { vlan: access });
            true
        }
        (Some("fex-fabric"), false) => {
            i.switchport = Some(Switchport::FexFabric { associate: fex });
            true
        }
        // A DTP port uses both its access and its trunk settings: none is dormant.
        (Some(m @ ("dynamic auto" | "dynamic desirable")), false) => {
            i.switchport = Some(Switchport::Dynamic {
                desirable: m == "dynamic desirable",
                access,
                native,
                allowed: allowed.take(),
            });
            true
        }
        // IOS: an access VLAN (and maybe a bare `switchport`) without a mode: the mode stays the
        // platform's default, unknown here.
        (None, false)
            if d == Dialect::Ios
                && !other_mode
                && access.is_some()
                && sw_lines
                    .iter()
                    .all(|(k, _, _)| matches!(k, SwLine::Access | SwLine::Bare)) =>
        {
            i.access_vlan = access;
            true
        }
        // A bare `switchport` alone: a switch port in the platform's default mode.
        (None, false) if !other_mode => sw_lines.iter().all(|(k, _, _)| *k == SwLine::Bare),
        (None, false) => sw_lines.is_empty(),
        _ => false,
    };
    if resolved && !dormant.is_empty() {
        let mut added = 0;
        for (kind, line, at) in &sw_lines {
            if dormant.contains(kind) {
                i.other
                    .insert((at + added).min(i.other.len()), line.clone());
                added += 1;
            }
        }
    }
    let sw_lines: Vec<String> = sw_lines.into_iter().map(|(_, l, _)| l).collect();
    if !resolved {
        i.switchport = i
            .switchport
            .filter(|s| *s == Switchport::Routed && sw_lines.is_empty());
        let mut keep = Vec::with_capacity(sw_lines.len() + 1);
        if no_switchport && i.switchport.is_none() {
            // `no switchport` followed by layer-2 lines the model cannot resolve: keep it too.
            keep.push("no switchport".to_string());
        }
        keep.extend(sw_lines);
        let at = sw_at.unwrap_or(i.other.len()).min(i.other.len());
        i.other.splice(at..at, keep);
    } else if bare_switchport {
        // Rendered before the mode lines (see `render_interface`), as the device needs it.
        i.port.layer2 = true;
    }
    // Rendered first (see `render_interface`): kept first.
    let (mut first, rest): (Vec<String>, Vec<String>) = std::mem::take(&mut i.other)
        .into_iter()
        .partition(|l| is_trunk_encapsulation(l));
    first.extend(rest);
    i.other = first;
    i
}

/// `switchport trunk encapsulation dot1q|isl|negotiate` (Catalyst 3750 and other ISL-capable IOS
/// switches), which must precede `switchport mode trunk`.
fn is_trunk_encapsulation(line: &str) -> bool {
    matches!(
        words(line).as_slice(),
        ["switchport", "trunk", "encapsulation", _]
    )
}

/// What a layer-2 line of an interface sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SwLine {
    /// A bare `switchport`.
    Bare,
    /// `switchport mode access|trunk`.
    Mode,
    /// An access-mode setting (`switchport access vlan`).
    Access,
    /// NX-OS `fex associate N`.
    Fex,
    /// A trunk-mode setting (`switchport trunk native|allowed vlan`).
    Trunk,
}

/// The words that follow `standby` in a line of IOS HSRP group 0, written without its number.
fn is_hsrp_group_keyword(w: &str) -> bool {
    matches!(
        w,
        "ip" | "priority"
            | "preempt"
            | "timers"
            | "authentication"
            | "track"
            | "name"
            | "mac-address"
    )
}

fn hsrp_line(h: &mut Hsrp, w: &[&str], t: &str) -> bool {
    match w {
        ["ip", ip] => parse_u(ip).map(|ip| h.ip = Some(ip)).is_some(),
        ["ip", ip, "secondary"] => parse_u(ip).map(|ip| h.secondary.push(ip)).is_some(),
        ["priority", p] => parse_u(p).map(|p| h.priority = Some(p)).is_some(),
        // NX-OS only (an IOS `standby` line has no thresholds).
        ["priority", p, "forwarding-threshold", "lower", lo, "upper", up]
            if !t.starts_with("standby") =>
        {
            match (parse_u(p), parse_u(lo), parse_u(up)) {
                (Some(p), Some(lo), Some(up)) => {
                    h.priority = Some(p);
                    h.forwarding_threshold = Some((lo, up));
                    true
                }
                _ => false,
            }
        }
        ["preempt"] => {
            h.preempt = true;
            true
        }
        // `preempt delay minimum 60`: the group preempts; the delays are kept as written.
        ["preempt", _, ..] => {
            h.preempt = true;
            if t.starts_with("standby") {
                h.other.push(t.to_string());
                true
            } else {
                false
            }
        }
        // NX-OS sub-mode `no preempt` (after a `preempt delay` line): kept as written, in order.
        ["no", "preempt"] => {
            h.preempt = false;
            false
        }
        ["timers", a, b] => match (parse_u(a), parse_u(b)) {
            (Some(a), Some(b)) => {
                h.timers = Some((a, b));
                true
            }
            _ => false,
        },
        ["authentication", ..] => {
            let at = t
                .find("authentication ")
                .map(|p| &t[p + "authentication ".len()..]);
            at.map(|a| h.authentication = Some(a.to_string())).is_some()
        }
        _ => {
            if w.len() > 1 && t.starts_with("standby") {
                // an IOS `standby N <unmodelled>` line: keep it on the group
                h.other.push(t.to_string());
                return true;
            }
            false
        }
    }
}

fn vrrp_line(v: &mut Vrrp, w: &[&str], t: &str, d: Dialect) -> bool {
    match (d, w) {
        (Dialect::Ios, ["ip", ip]) | (Dialect::NxOs, ["address", ip]) => {
            parse_u(ip).map(|ip| v.ip = Some(ip)).is_some()
        }
        (_, ["priority", p]) => parse_u(p).map(|p| v.priority = Some(p)).is_some(),
        (_, ["preempt"]) => {
            v.preempt = Some(true);
            true
        }
        (_, ["no", "preempt"]) => {
            v.preempt = Some(false);
            true
        }
        (Dialect::NxOs, ["shutdown"]) => {
            v.shutdown = true;
            true
        }
        (Dialect::NxOs, ["no", "shutdown"]) => {
            v.shutdown = false;
            true
        }
        _ => {
            if t.starts_with("vrrp ") {
                v.other.push(t.to_string());
                return true;
            }
            false
        }
    }
}

fn render_interface(
    o: &mut String,
    name: &str,
    i: &Interface,
    d: Dialect,
    ind: &str,
    vrf_defs: &BTreeSet<&str>,
) {
    let _ = writeln!(o, "interface {name}");
    let mut line = |s: String| {
        let _ = writeln!(o, "{ind}{s}");
    };
    if let Some(desc) = &i.description {
        line(format!("description {desc}"));
    }
    if let Some(m) = i.mtu {
        line(format!("mtu {m}"));
    }
    if let Some(m) = &i.mac_address {
        line(format!("mac-address {m}"));
    }
    if let Some(v) = &i.vrf {
        line(match d {
            Dialect::NxOs => format!("vrf member {v}"),
            Dialect::Ios if vrf_defs.contains(v.as_str()) => format!("vrf forwarding {v}"),
            Dialect::Ios => format!("ip vrf forwarding {v}"),
        });
    }
    let l2 = matches!(
        i.switchport,
        Some(
            Switchport::Access { .. }
                | Switchport::Trunk { .. }
                | Switchport::Dynamic { .. }
                | Switchport::FexFabric { .. }
        )
    ) || (i.switchport.is_none() && i.access_vlan.is_some());
    let bare_switchport = l2 && i.other.iter().any(|l| l == "switchport");
    // A Catalyst that also speaks ISL refuses `switchport mode trunk` until the encapsulation is
    // set: the encapsulation goes first.
    for l in i.other.iter().filter(|l| is_trunk_encapsulation(l)) {
        line(l.clone());
    }
    for l in i.port.lines_before_mode() {
        line(l);
    }
    if bare_switchport {
        line("switchport".into());
    }
    match &i.switchport {
        Some(Switchport::Routed) => line("no switchport".into()),
        Some(Switchport::FexFabric { associate }) => {
            line("switchport mode fex-fabric".into());
            if let Some(n) = associate {
                line(format!("fex associate {n}"));
            }
        }
        Some(Switchport::Access { vlan }) => {
            line("switchport mode access".into());
            if let Some(v) = vlan {
                line(format!("switchport access vlan {v}"));
            }
        }
        Some(Switchport::Trunk { native, allowed }) => {
            line("switchport mode trunk".into());
            if let Some(n) = native {
                line(format!("switchport trunk native vlan {n}"));
            }
            if let Some(a) = allowed {
                line(format!("switchport trunk allowed vlan {}", a.render_in(d)));
            }
        }
        Some(Switchport::Dynamic {
            desirable,
            access,
            native,
            allowed,
        }) => {
            if let Some(v) = access {
                line(format!("switchport access vlan {v}"));
            }
            if let Some(n) = native {
                line(format!("switchport trunk native vlan {n}"));
            }
            if let Some(a) = allowed {
                line(format!("switchport trunk allowed vlan {}", a.render_in(d)));
            }
            let m = if *desirable { "desirable" } else { "auto" };
            line(format!("switchport mode dynamic {m}"));
        }
        None => {
            if let Some(v) = i.access_vlan {
                line(format!("switchport access vlan {v}"));
            }
        }
    }
    for l in i.port.lines_after_mode(d) {
        line(l);
    }
    if let Some(cg) = i.channel_group {
        let m = match cg.mode {
            LacpMode::Active => "active",
            LacpMode::Passive => "passive",
            LacpMode::On => "on",
        };
        if d == Dialect::NxOs && cg.mode == LacpMode::On {
            line(format!("channel-group {}", cg.id));
        } else {
            line(format!("channel-group {} mode {m}", cg.id));
        }
    }
    if let Some(a) = i.ipv4 {
        line(format!("ip address {}", a.render(d)));
    }
    match i.ipv4_dynamic {
        Some(DynamicAddress::Dhcp) => line("ip address dhcp".into()),
        Some(DynamicAddress::Negotiated) => line("ip address negotiated".into()),
        None => {}
    }
    for a in &i.secondary {
        line(format!("ip address {} secondary", a.render(d)));
    }
    if let Some(a) = &i.acl_in {
        line(format!("ip access-group {a} in"));
    }
    if let Some(a) = &i.acl_out {
        line(format!("ip access-group {a} out"));
    }
    if let Some(v) = i.hsrp_version {
        line(match d {
            Dialect::Ios => format!("standby version {v}"),
            Dialect::NxOs => format!("hsrp version {v}"),
        });
    }
    for (g, h) in &i.hsrp {
        match d {
            Dialect::Ios => {
                // Group 0 is written without its number, as IOS shows it.
                let g = if *g == 0 {
                    String::new()
                } else {
                    format!(" {g}")
                };
                if let Some(ip) = h.ip {
                    line(format!("standby{g} ip {ip}"));
                }
                for ip in &h.secondary {
                    line(format!("standby{g} ip {ip} secondary"));
                }
                if let Some(p) = h.priority {
                    line(format!("standby{g} priority {p}"));
                }
                if h.preempt {
                    line(format!("standby{g} preempt"));
                }
                if let Some((a, b)) = h.timers {
                    line(format!("standby{g} timers {a} {b}"));
                }
                if let Some(a) = &h.authentication {
                    line(format!("standby{g} authentication {a}"));
                }
                for l in &h.other {
                    line(l.clone());
                }
            }
            Dialect::NxOs => {
                line(format!("hsrp {g}"));
                let sub = format!("{ind}{ind}");
                let mut l2 = |s: String| line(format!("{ind}{s}"));
                if let Some(a) = &h.authentication {
                    l2(format!("authentication {a}"));
                }
                match (h.priority, h.forwarding_threshold) {
                    (Some(p), Some((lo, up))) => l2(format!(
                        "priority {p} forwarding-threshold lower {lo} upper {up}"
                    )),
                    (Some(p), None) => l2(format!("priority {p}")),
                    (None, _) => {}
                }
                if h.preempt {
                    l2("preempt".into());
                }
                if let Some((a, b)) = h.timers {
                    l2(format!("timers {a} {b}"));
                }
                if let Some(ip) = h.ip {
                    l2(format!("ip {ip}"));
                }
                for ip in &h.secondary {
                    l2(format!("ip {ip} secondary"));
                }
                let _ = sub;
                for l in &h.other {
                    for x in l.lines() {
                        l2(x.to_string());
                    }
                }
            }
        }
    }
    for (g, v) in &i.vrrp {
        match d {
            Dialect::Ios => {
                if let Some(ip) = v.ip {
                    line(format!("vrrp {g} ip {ip}"));
                }
                if let Some(p) = v.priority {
                    line(format!("vrrp {g} priority {p}"));
                }
                match v.preempt {
                    Some(true) => line(format!("vrrp {g} preempt")),
                    Some(false) => line(format!("no vrrp {g} preempt")),
                    None => {}
                }
                for l in &v.other {
                    line(l.clone());
                }
            }
            Dialect::NxOs => {
                line(format!("vrrp {g}"));
                let mut l2 = |s: String| line(format!("{ind}{s}"));
                if let Some(p) = v.priority {
                    l2(format!("priority {p}"));
                }
                if let Some(ip) = v.ip {
                    l2(format!("address {ip}"));
                }
                match v.preempt {
                    Some(true) => l2("preempt".into()),
                    Some(false) => l2("no preempt".into()),
                    None => {}
                }
                for l in &v.other {
                    for x in l.lines() {
                        l2(x.to_string());
                    }
                }
                l2(if v.shutdown {
                    "shutdown"
                } else {
                    "no shutdown"
                }
                .into());
            }
        }
    }
    for l in &i.other {
        let written_first = (bare_switchport && l == "switchport") || is_trunk_encapsulation(l);
        if !written_first {
            push_other_at(o, l, ind, 1);
        }
    }
    if let Some(s) = i.shutdown {
        let _ = writeln!(o, "{ind}{}", if s { "shutdown" } else { "no shutdown" });
    }
}

/// What is wrong with a MAC address for an interface: not one of the forms Cisco takes
/// (`EEEE.EEEE.EEEE`, `EE:EE:EE:EE:EE:EE`, `EE-EE-EE-EE-EE-EE`), or a group (multicast) address.
/// The allowed VLANs of a port in a trunking mode (`Some(None)`: every VLAN).
fn trunk_allowed(i: &Interface) -> Option<Option<&VlanSet>> {
    match &i.switchport {
        Some(Switchport::Trunk { allowed, .. } | Switchport::Dynamic { allowed, .. }) => {
            Some(allowed.as_ref())
        }
        _ => None,
    }
}

/// A trunk whose allowed list changes gets the VLANs added and removed (`switchport trunk allowed
/// vlan add|remove X`, see `trunk::commands`) in place of the whole new list the tree differ
/// wrote, as an engineer changes a trunk in service, and `allowed vlan all` in place of the `no`
/// form when it goes back to every VLAN.
fn trunk_deltas(
    cs: &mut hermes_core::ChangeSet,
    live: &CiscoConfig,
    want: &CiscoConfig,
    d: Dialect,
) {
    for (name, wi) in &want.interfaces {
        let Some(li) = live.interfaces.get(name) else {
            continue;
        };
        let (Some(l), Some(w)) = (trunk_allowed(li), trunk_allowed(wi)) else {
            continue;
        };
        if l == w {
            continue;
        }
        let written = match w {
            Some(w) => format!("switchport trunk allowed vlan {}", w.render_in(d)),
            None => "no switchport trunk allowed vlan".to_string(),
        };
        let header = format!("interface {name}");
        for c in cs.changes.iter_mut().filter(|c| c.resource == header) {
            if let Some(at) = c.commands.iter().position(|x| x.trim_start() == written) {
                let pad = c.commands[at].len() - written.len();
                let lines = trunk::commands(l, w, d)
                    .into_iter()
                    .map(|x| format!("{:pad$}{x}", ""));
                c.commands.splice(at..=at, lines);
            }
        }
    }
}

fn mac_problem(m: &str) -> Option<&'static str> {
    let groups: Vec<&str> = if m.contains('.') {
        m.split('.').collect()
    } else if m.contains(':') {
        m.split(':').collect()
    } else {
        m.split('-').collect()
    };
    let width = 12 / groups.len().max(1);
    let ok = matches!(groups.len(), 3 | 6)
        && (groups.len() == 3) == m.contains('.')
        && groups
            .iter()
            .all(|g| g.len() == width && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Some(
            "is not 12 hex digits written EEEE.EEEE.EEEE, EE:EE:EE:EE:EE:EE or EE-EE-EE-EE-EE-EE",
        );
    }
    // The first octet's low bit set is a group (multicast) address.
    match u8::from_str_radix(&m[..2], 16) {
        Ok(b) if b & 1 == 0 => None,
        _ => Some("is a group (multicast) address: an interface needs a unicast one"),
    }
}

/// What is wrong with one static route: a prefix with host bits set, a next hop that is neither
/// an address nor an interface (nor an interface and an address), an unusable next-hop address,
/// distance or track object 0, a VRF name that cannot be written.
fn route_problems(r: &StaticRoute, problems: &mut Vec<String>) {
    let route = format!(
        "static route {}/{}{}",
        r.prefix.addr,
        r.prefix.len,
        r.vrf
            .as_deref()
            .map(|v| format!(" in VRF {v}"))
            .unwrap_or_default()
    );
    if r.prefix.len > 32 {
        problems.push(format!(
            "{route}: prefix length {} is over 32",
            r.prefix.len
        ));
    } else if r.prefix.network() != r.prefix.addr {
        problems.push(format!(
            "{route}: the prefix has host bits set (write {}/{})",
            r.prefix.network(),
            r.prefix.len
        ));
    }
    if let Some(v) = &r.vrf {
        if v.is_empty() || v.contains(char::is_whitespace) {
            problems.push(format!(
                "{route}: VRF name {v:?} is empty or has blanks (the device takes one word)"
            ));
        }
    }
    let hop = words(&r.next_hop);
    let iface = |x: &str| x.starts_with(|c: char| c.is_ascii_alphabetic()) && !is_ipv4(x);
    let ok_addr = |x: &str| {
        x.parse::<Ipv4Addr>()
            .is_ok_and(|a| !a.is_unspecified() && !a.is_multicast() && !a.is_broadcast())
    };
    let hop_ok = match hop.as_slice() {
        [a] => ok_addr(a) || iface(a),
        [i, a] => iface(i) && ok_addr(a),
        _ => false,
    };
    if !hop_ok {
        problems.push(format!(
            "{route}: next hop {:?} is not a unicast address, an interface, or an interface and \
             an address",
            r.next_hop
        ));
    }
    if r.distance == Some(0) {
        problems.push(format!("{route}: distance 0 is not allowed (1-255)"));
    }
    if r.track == Some(0) {
        problems.push(format!("{route}: track object 0 does not exist (1 and up)"));
    }
    if r.name
        .as_deref()
        .is_some_and(|n| n.is_empty() || n.contains(char::is_whitespace))
    {
        problems.push(format!("{route}: the route name must be one word"));
    }
}

impl CiscoConfig {
    /// Checks the model before anything is sent: VLANs used on ports must exist, interface subnets
    /// must not overlap (per VRF), ACL sequence numbers must be unique, HSRP/VRRP addresses must be in
    /// their interface's subnet, static routes need a network prefix (no host bits), a next hop that
    /// is a unicast address, an interface or both, a distance and track object above 0, and may not
    /// be stated twice in one table. Returns every problem found.
    ///
    /// ```
    /// use hermes_netdev::cisco::{CiscoConfig, Dialect};
    /// let bad = CiscoConfig::parse("interface Ethernet1/1\n  switchport mode trunk\n  switchport trunk allowed vlan 10,99\n", Dialect::NxOs);
    /// let err = bad.validate("n3k").unwrap_err();
    /// assert!(err.to_string().contains("VLAN 10"));
    /// ```
    pub fn validate(&self, target: &str) -> crate::Result<()> {
        let mut problems = Vec::new();
        let known = |v: u16| v == 1 || self.vlans.contains_key(&v);
        // Lists the model keeps as written: numbered (`access-list 10 permit ...`) and named ones
        // with lines it does not cover.
        let kept_acls: BTreeSet<&str> = self
            .other
            .iter()
            .filter_map(|o| {
                let first = o.lines().next().unwrap_or_default();
                match words(first).as_slice() {
                    ["access-list", n, ..]
                    | ["ip", "access-list", "standard" | "extended", n, ..]
                    | ["ip", "access-list", n] => Some(*n),
                    _ => None,
                }
            })
            .collect();
        let mut nets: Vec<(&str, Option<&str>, Ipv4Net)> = Vec::new();
        for (name, i) in &self.interfaces {
            PortSettings::problems(name, i, &mut problems);
            let mut used: Vec<u16> = Vec::new();
            match &i.switchport {
                Some(Switchport::Access { vlan: Some(v) }) => used.push(*v),
                Some(Switchport::FexFabric { associate: Some(n) }) if !(100..=199).contains(n) => {
                    problems.push(format!(
                        "interface {name}: fex associate {n} is not a FEX number (100-199)"
                    ))
                }
                Some(Switchport::Trunk { native, allowed }) => {
                    used.extend(native.iter().copied());
                    if let Some(a) = allowed {
                        used.extend(a.0.iter().copied());
                    }
                }
                Some(Switchport::Dynamic {
                    access,
                    native,
                    allowed,
                    ..
                }) => {
                    used.extend(access.iter().chain(native.iter()).copied());
                    if let Some(a) = allowed {
                        used.extend(a.0.iter().copied());
                    }
                }
                _ => {}
            }
            if let Some(VoiceVlan::Vlan(v)) = i.port.voice_vlan {
                // As the access VLAN below: checked when the configuration states VLANs.
                if !self.vlans.is_empty() {
                    used.push(v);
                }
            }
            if let Some(v) = i.access_vlan {
                // Read from a Catalyst as shown: when the configuration states no VLAN at all
                // (VTP server / client keep VLANs 1-1005 in vlan.dat, outside the running
                // configuration), the VLAN is not checked.
                if !self.vlans.is_empty() {
                    used.push(v);
                }
                if i.switchport.is_some() {
                    problems.push(format!(
                        "interface {name} has an access VLAN for a port without a mode \
                         (access_vlan {v}) and a switchport mode: put the VLAN in the mode"
                    ));
                }
            }
            for v in used {
                if !known(v) {
                    problems.push(format!(
                        "interface {name} uses VLAN {v}, which is not defined (add `vlan {v}` to the model)"
                    ));
                }
            }
            let lower = name.to_ascii_lowercase();
            if let Some(v) = lower
                .strip_prefix("vlan")
                .and_then(|v| v.parse::<u16>().ok())
            {
                if !known(v) {
                    problems.push(format!("SVI {name} is for VLAN {v}, which is not defined"));
                }
            }
            for n in i.ipv4.iter().chain(i.secondary.iter()) {
                nets.push((name, i.vrf.as_deref(), *n));
            }
            if let Some(mac) = &i.mac_address {
                if let Some(why) = mac_problem(mac) {
                    problems.push(format!("interface {name} mac-address {mac:?} {why}"));
                }
            }
            if let (Some(a), Some(dy)) = (i.ipv4, i.ipv4_dynamic) {
                problems.push(format!(
                    "interface {name} has both the address {}/{} and a learnt one ({dy:?}): keep one",
                    a.addr, a.len
                ));
            }
            let subnet = i.ipv4;
            for (g, h) in &i.hsrp {
                for ip in &h.secondary {
                    let host = Ipv4Net::new(*ip, 32);
                    if subnet.is_some()
                        && !i
                            .ipv4
                            .iter()
                            .chain(i.secondary.iter())
                            .any(|s| s.overlaps(&host))
                    {
                        problems.push(format!(
                            "interface {name} HSRP group {g} secondary address {ip} is in none of \
                             the interface's subnets"
                        ));
                    }
                }
                if let (Some(ip), Some(s)) = (h.ip, subnet) {
                    if !s.overlaps(&Ipv4Net::new(ip, 32)) {
                        problems.push(format!(
                            "interface {name} HSRP group {g} address {ip} is outside {}/{}",
                            s.network(),
                            s.len
                        ));
                    }
                }
            }
            for (g, h) in &i.hsrp {
                if let Some((lo, up)) = h.forwarding_threshold {
                    if h.priority.is_none() || lo > up {
                        problems.push(format!(
                            "interface {name} HSRP group {g} forwarding threshold lower {lo} \
                             upper {up} needs a priority and lower <= upper"
                        ));
                    }
                }
            }
            for (g, v) in &i.vrrp {
                if let (Some(ip), Some(s)) = (v.ip, subnet) {
                    if !s.overlaps(&Ipv4Net::new(ip, 32)) {
                        problems.push(format!(
                            "interface {name} VRRP group {g} address {ip} is outside {}/{}",
                            s.network(),
                            s.len
                        ));
                    }
                }
            }
            for acl in i.acl_in.iter().chain(i.acl_out.iter()) {
                if !self.acls.contains_key(acl) && !kept_acls.contains(acl.as_str()) {
                    problems.push(format!(
                        "interface {name} uses ACL {acl}, which is not defined"
                    ));
                }
            }
        }
        for (a, x) in nets.iter().enumerate() {
            for y in &nets[a + 1..] {
                if x.1 == y.1 && x.2.overlaps(&y.2) {
                    problems.push(format!(
                        "subnets overlap: {} {}/{} and {} {}/{}",
                        x.0, x.2.addr, x.2.len, y.0, y.2.addr, y.2.len
                    ));
                }
            }
        }
        let mut routes_seen = BTreeSet::new();
        for r in &self.static_routes {
            route_problems(r, &mut problems);
            if !routes_seen.insert((r.vrf.as_deref(), r.prefix, r.next_hop.as_str())) {
                problems.push(format!(
                    "static route {}/{} via {}{} is stated twice (the device keeps one: remove \
                     the other)",
                    r.prefix.addr,
                    r.prefix.len,
                    r.next_hop,
                    r.vrf
                        .as_deref()
                        .map(|v| format!(" in VRF {v}"))
                        .unwrap_or_default()
                ));
            }
        }
        for (name, acl) in &self.acls {
            let mut seen = BTreeSet::new();
            for e in &acl.entries {
                if let Some(s) = e.seq {
                    if !seen.insert(s) {
                        problems.push(format!("ACL {name} has sequence number {s} twice"));
                    }
                }
            }
            if let Some(s) = acl.entries.iter().filter_map(|e| e.seq).find(|&s| s == 0) {
                problems.push(format!(
                    "ACL {name}: sequence number {s} (sequence numbers start at 1)"
                ));
            }
            // An NX-OS entry without a number is numbered after the highest before it: a number
            // stated later that it takes is refused as a duplicate.
            if acl.kind == AclKind::Ip && acl.entries.iter().any(|e| e.seq.is_none()) {
                let numbered = acl.sequenced();
                let mut seen = BTreeSet::new();
                for (e, n) in acl.entries.iter().zip(&numbered.entries) {
                    if let (None, Some(s)) = (e.seq, n.seq) {
                        seen.insert(s);
                    } else if let Some(s) = e.seq.filter(|s| seen.contains(s)) {
                        problems.push(format!(
                            "ACL {name}: entry {s} takes the number NX-OS gives an earlier entry \
                             written without one (state every number, or none)"
                        ));
                    }
                }
            }
        }
        self.vrf_problems(&mut problems);
        let acl_known = |a: &str| self.acls.contains_key(a) || kept_acls.contains(a);
        line::problems(&self.lines, &acl_known, &mut problems);
        role::problems(&self.roles, &mut problems);
        if let Some(b) = &self.bgp {
            b.problems(&mut problems);
        }
        crate::NetError::invalid_if_any(target, problems)
    }

    /// IOS VRFs: each VRF's own problems, a route distinguisher used by two VRFs, and (when the
    /// model states VRFs at all) an interface joining a VRF that is defined nowhere.
    fn vrf_problems(&self, problems: &mut Vec<String>) {
        let mut rds: BTreeMap<&str, &str> = BTreeMap::new();
        for (name, v) in &self.ios_vrfs {
            v.problems(name, problems);
            if let Some(rd) = v.rd.as_deref() {
                if let Some(first) = rds.insert(rd, name) {
                    problems.push(format!(
                        "VRFs {first} and {name} have the same route distinguisher {rd} (each \
                         VRF needs its own)"
                    ));
                }
            }
        }
        if self.ios_vrfs.is_empty() {
            return;
        }
        // VRFs kept as written (a second definition, one the model does not read) count too.
        let kept: BTreeSet<&str> = self
            .other
            .iter()
            .filter_map(
                |o| match words(o.lines().next().unwrap_or_default()).as_slice() {
                    ["vrf", "definition", v] | ["ip", "vrf", v] => Some(*v),
                    _ => None,
                },
            )
            .collect();
        for (name, i) in &self.interfaces {
            let Some(v) = i.vrf.as_deref() else {
                continue;
            };
            if !self.ios_vrfs.contains_key(v)
                && !kept.contains(v)
                && !self.vrf_contexts.contains_key(v)
            {
                problems.push(format!(
                    "interface {name} joins VRF {v}, which is not defined (add `vrf definition \
                     {v}` or `ip vrf {v}` to the model)"
                ));
            }
        }
    }

    /// The part of a live configuration that a desired model manages (see [`CiscoConfig::diff`]).
    pub fn managed_view(&self, want: &CiscoConfig) -> CiscoConfig {
        let live = self;
        let want_other: std::collections::HashSet<&str> =
            want.other.iter().map(String::as_str).collect();
        let mut v = CiscoConfig {
            hostname: want.hostname.as_ref().and(live.hostname.clone()),
            features: live
                .features
                .intersection(&want.features)
                .cloned()
                .collect(),
            ..CiscoConfig::default()
        };
        if !want.vlans.is_empty() {
            v.vlans = live.vlans.clone();
            if !want.vlans.contains_key(&1) {
                v.vlans.remove(&1);
            }
        }
        if !want.acls.is_empty() {
            v.acls = live.acls.clone();
        }
        if !want.ospf.is_empty() {
            v.ospf = live.ospf.clone();
        }
        if let (Some(lb), Some(wb)) = (&live.bgp, &want.bgp) {
            v.bgp = Some(lb.managed_view(wb));
        }
        // Routes are managed per table: a VRF (or the global table) in which `want` states a
        // route is made equal; the routes of the other tables (the management VRF's default
        // route...) are left alone.
        let tables: BTreeSet<Option<&str>> = want
            .static_routes
            .iter()
            .map(|r| r.vrf.as_deref())
            .collect();
        v.static_routes = live
            .static_routes
            .iter()
            .filter(|r| tables.contains(&r.vrf.as_deref()))
            .cloned()
            .collect();
        // A VRF context's unmodelled lines are managed only where `want` states them, like an
        // interface's; a context `want` does not name is left alone.
        for (name, ctx) in &live.vrf_contexts {
            let wanted = want.vrf_contexts.get(name);
            if wanted.is_none() && !tables.contains(&Some(name.as_str())) {
                continue;
            }
            let other = ctx
                .other
                .iter()
                .filter(|o| wanted.is_some_and(|w| w.other.contains(o)))
                .cloned()
                .collect();
            v.vrf_contexts.insert(name.clone(), VrfContext { other });
        }
        // IOS VRFs likewise: only those `want` names are managed (a VRF it does not name is never
        // removed); in one, a field `want` leaves unset (no description, no rd, no export or
        // import targets, no address family) is not managed, nor are unmodelled lines `want`
        // does not state. A VRF defined in the other form (`ip vrf` / `vrf definition`) is not
        // the same block: it is left alone.
        let targets = |x: &mut RouteTargets, w: &RouteTargets| {
            if w.export.is_empty() {
                x.export.clear();
            }
            if w.import.is_empty() {
                x.import.clear();
            }
        };
        for (name, lv) in &live.ios_vrfs {
            let Some(wv) = want.ios_vrfs.get(name) else {
                continue;
            };
            if lv.multiprotocol != wv.multiprotocol {
                continue;
            }
            let mut x = lv.clone();
            if wv.description.is_none() {
                x.description = None;
            }
            if wv.rd.is_none() {
                x.rd = None;
            }
            targets(&mut x.route_targets, &wv.route_targets);
            if wv.address_families.is_empty() {
                x.address_families.clear();
            }
            for (af, f) in x.address_families.iter_mut() {
                if let Some(wf) = wv.address_families.get(af) {
                    targets(&mut f.route_targets, &wf.route_targets);
                    f.other.retain(|o| wf.other.contains(o));
                }
            }
            x.other.retain(|o| wv.other.contains(o));
            v.ios_vrfs.insert(name.clone(), x);
        }
        macro_rules! list {
            ($f:ident) => {
                if !want.$f.is_empty() {
                    v.$f = live.$f.clone();
                }
            };
        }
        list!(ntp_servers);
        list!(name_servers);
        list!(logging_hosts);
        list!(snmp_communities);
        list!(boot);
        list!(boot_kickstart);
        v.domain_name = want.domain_name.as_ref().and(live.domain_name.clone());
        v.domain_name_hyphen = live.domain_name_hyphen;
        v.logging_bare = live.logging_bare;
        v.boot_system_nxos = live.boot_system_nxos;
        v.services = live.services.managed(&want.services);
        // Roles likewise (none is ever removed).
        for (name, lr) in &live.roles {
            if let Some(wr) = want.roles.get(name) {
                v.roles.insert(name.clone(), lr.managed(wr));
            }
        }
        // Lines likewise: only those `want` names, and in them what it states.
        for (name, ll) in &live.lines {
            if let Some(wl) = want.lines.get(name) {
                v.lines.insert(name.clone(), ll.managed(wl));
            }
        }
        v.other = live
            .other
            .iter()
            .filter(|o| want_other.contains(o.as_str()))
            .cloned()
            .collect();
        let logical = |n: &str| n.to_ascii_lowercase().starts_with("port-channel");
        for (name, li) in &live.interfaces {
            let w = want.interfaces.get(name);
            if w.is_none() && (want.interfaces.is_empty() || !logical(name)) {
                continue;
            }
            let mut i = li.clone();
            if let Some(w) = w {
                macro_rules! opt {
                    ($f:ident) => {
                        if w.$f.is_none() {
                            i.$f = None;
                        }
                    };
                }
                opt!(description);
                opt!(shutdown);
                opt!(mtu);
                opt!(mac_address);
                opt!(switchport);
                opt!(access_vlan);
                opt!(vrf);
                opt!(ipv4);
                opt!(ipv4_dynamic);
                opt!(channel_group);
                opt!(acl_in);
                opt!(acl_out);
                opt!(hsrp_version);
                i.port = PortSettings::managed(li, &w.port);
                if w.secondary.is_empty() {
                    i.secondary.clear();
                }
                // Joining another VRF removes the port's addresses (IOS: "IPv4 disabled and
                // address(es) removed due to enabling VRF"; NX-OS deletes its L3 configuration):
                // the view is the port once the VRF line is typed, so the addresses are sent again.
                if w.vrf.is_some() && w.vrf != li.vrf {
                    i.ipv4 = None;
                    i.secondary.clear();
                }
                if w.hsrp.is_empty() {
                    i.hsrp.clear();
                }
                if w.vrrp.is_empty() {
                    i.vrrp.clear();
                }
                // A group's unmodelled lines (`preempt delay ...`, `track ...`) are managed only
                // where the desired group states them, like an interface's.
                for (g, h) in i.hsrp.iter_mut() {
                    if let Some(wh) = w.hsrp.get(g) {
                        h.other.retain(|o| wh.other.contains(o));
                    }
                }
                for (g, v) in i.vrrp.iter_mut() {
                    if let Some(wv) = w.vrrp.get(g) {
                        v.other.retain(|o| wv.other.contains(o));
                    }
                }
                i.other.retain(|o| w.other.contains(o));
            }
            v.interfaces.insert(name.clone(), i);
        }
        v
    }

    /// The ordered change set that turns the live configuration `self` into `want`.
    ///
    /// The desired model is authoritative for what it states: a collection (VLANs, ACLs, routes,
    /// NTP servers...) that is non-empty in `want` is made equal (extra live entries are removed,
    /// except VLAN 1); an interface field left `None` in `want` is not managed (nor are the unmodelled
    /// lines of an interface or HSRP/VRRP group that `want` does not state); physical interfaces
    /// and SVIs absent from `want` are left alone, port-channels absent from it are removed (after
    /// their members leave);
    /// unmodelled lines are never removed.
    ///
    /// ```
    /// use hermes_netdev::cisco::{CiscoConfig, Dialect};
    /// let live = CiscoConfig::parse("vlan 1\nvlan 99\n", Dialect::Ios);
    /// let want = CiscoConfig::parse("vlan 10\n name users\n", Dialect::Ios);
    /// let plan = live.diff(&want, Dialect::Ios, "c3750");
    /// assert_eq!(plan.commands(), ["vlan 10", " name users", "no vlan 99"]);
    /// ```
    ///
    /// The DNS domain, syslog hosts and NX-OS boot images are written in the form the device shows
    /// (`ip domain-name` or `ip domain name`, `logging A.B.C.D` or `logging host A.B.C.D`,
    /// `boot system` or `boot nxos`), whatever form `want` states; so are IOS VRFs (`ip vrf X` or
    /// `vrf definition X`, when `want` states no address family) and the interface lines joining
    /// them (`ip vrf forwarding X` or `vrf forwarding X`). A changed route distinguisher is
    /// removed (`no rd OLD`) before the new one is set, as IOS requires.
    ///
    /// ```
    /// use hermes_netdev::cisco::{CiscoConfig, Dialect};
    /// let live = CiscoConfig::parse("ip vrf CUST\n rd 65000:1\n route-target export 65000:1\n!\nip vrf OTHER\n rd 65000:9\n", Dialect::Ios);
    /// let want = CiscoConfig::parse("ip vrf CUST\n rd 65000:2\n route-target export 65000:2\n", Dialect::Ios);
    /// let plan = live.diff(&want, Dialect::Ios, "c3750");
    /// assert_eq!(plan.commands(), ["ip vrf CUST", " no rd 65000:1", " no route-target export 65000:1", " rd 65000:2", " route-target export 65000:2"]);
    /// ```
    pub fn diff(&self, want: &CiscoConfig, d: Dialect, target: &str) -> hermes_core::ChangeSet {
        let mut want = want.clone();
        // A VRF is written in the form the device defines it with, when `want` states nothing
        // only a `vrf definition` has (address families).
        for (name, wv) in want.ios_vrfs.iter_mut() {
            if let Some(lv) = self.ios_vrfs.get(name) {
                if wv.address_families.is_empty() {
                    wv.multiprotocol = lv.multiprotocol;
                }
            }
        }
        // A password `want` states in clear that the device shows in its type-7 form (under
        // `service password-encryption`) is the same password: written as the device shows it,
        // so it is not sent again on every run and the read-back after a change verifies.
        for (name, wl) in want.lines.iter_mut() {
            let live = self.lines.get(name).and_then(|l| l.password.as_ref());
            if let (Some(wp), Some(lp)) = (wl.password.as_mut(), live) {
                let (w, l) = (wp.value.expose(), lp.value.expose());
                if type7::same_password(wp.encryption, w, lp.encryption, l) {
                    *wp = lp.clone();
                }
            }
        }
        if let (Some(wb), Some(lb)) = (want.bgp.as_mut(), self.bgp.as_ref()) {
            let tables = std::iter::once((&mut wb.global, Some(&lb.global)))
                .chain(wb.vrfs.iter_mut().map(|(v, t)| (t, lb.vrfs.get(v))));
            for (wt, lt) in tables {
                let Some(lt) = lt else { continue };
                for (addr, wn) in wt.neighbors.iter_mut() {
                    let live = lt.neighbors.get(addr).and_then(|n| n.password.as_ref());
                    if let (Some(wp), Some(lp)) = (wn.password.as_mut(), live) {
                        let (w, l) = (wp.value.expose(), lp.value.expose());
                        if type7::same_password(wp.kind, w, lp.kind, l) {
                            *wp = lp.clone();
                        }
                    }
                }
            }
        }
        // BGP is diffed by its own model (neighbors removed and defined again, families entered
        // and left); a process `want` does not state is left alone.
        let bgp = want
            .bgp
            .take()
            .map(|wb| bgp::diff(self.bgp.as_ref(), &wb, d))
            .unwrap_or_default();
        let mut view = self.managed_view(&want);
        // NX-OS numbers the entries typed without a number: both sides are compared numbered, so
        // a list written without numbers converges on the device's numbered one.
        if d == Dialect::NxOs {
            for a in want.acls.values_mut().chain(view.acls.values_mut()) {
                *a = a.sequenced();
            }
        }
        if self.domain_name.is_some() {
            want.domain_name_hyphen = self.domain_name_hyphen;
        }
        if !self.logging_hosts.is_empty() {
            want.logging_bare = self.logging_bare;
        }
        if !self.boot.is_empty() {
            want.boot_system_nxos = self.boot_system_nxos;
        }
        // Interfaces join the device's `vrf definition` VRFs with `vrf forwarding X`.
        let defs: BTreeSet<String> = self
            .multiprotocol_vrfs()
            .into_iter()
            .map(String::from)
            .collect();
        let (a, b) = (view.render_with(d, &defs), want.render_with(d, &defs));
        let (ta, tb) = (
            ConfigTree::parse(&a, Syntax::Cisco),
            ConfigTree::parse(&b, Syntax::Cisco),
        );
        let mut cs = crate::remediate::diff_trees(target, &ta, &tb);
        trunk_deltas(&mut cs, &view, &want, d);
        if !bgp.is_empty() {
            let mut c = hermes_core::Change::new(hermes_core::Action::Update, "router bgp");
            for l in bgp {
                c = c.command(l);
            }
            cs.push(c);
        }
        cs
    }
}
