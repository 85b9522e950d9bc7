//! FortiOS OSPF (`config router ospf`: its settings and its `area`, `network` and
//! `ospf-interface` tables) and the `config redistribute "TYPE"` blocks of `router ospf` and
//! `router bgp`. An interface's authentication key is a [`hermes_core::Secret`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{is_enc, password_value, quote, redact, tokens, valid_list, valid_str, Entry};

entity!(
    /// `config router ospf` (not a table); its tables are [`super::FortiConfig::ospf_areas`],
    /// [`super::FortiConfig::ospf_networks`], [`super::FortiConfig::ospf_interfaces`] and
    /// [`super::FortiConfig::ospf_redistribute`].
    RouterOspf {
        /// Router ID (`10.0.0.1`).
        router_id: raw = "router-id",
        /// `never`, `always`, `enable` / `disable` (FortiOS 5.x): originate a default route.
        default_information_originate: raw = "default-information-originate",
        /// Administrative distance.
        distance: raw = "distance",
        /// `cisco`, `ibm`, `shortcut`, `standard`.
        abr_type: raw = "abr-type",
        /// Reference bandwidth for interface costs, in Mb/s.
        auto_cost_ref_bandwidth: raw = "auto-cost-ref-bandwidth",
        /// Interfaces that send no hello (`passive-interface`).
        passive_interface: list = "passive-interface",
        /// `enable` / `disable`: log neighbor changes.
        log_neighbour_changes: raw = "log-neighbour-changes",
    }
);

entity!(
    /// `config router ospf` / `config area` entry, keyed by the area ID (`0.0.0.0`).
    OspfArea {
        /// `regular`, `nssa`, `stub`.
        kind: raw = "type",
        /// `none`, `text`, `md5` (FortiOS up to 7.0).
        authentication: raw = "authentication",
        /// Cost of the default route of a stub or NSSA area.
        default_cost: raw = "default-cost",
    }
);

entity!(
    /// `config router ospf` / `config network` entry, keyed by id: a prefix in an area.
    OspfNetwork {
        /// Prefix (`10.0.0.0 255.255.255.0`).
        prefix: raw = "prefix",
        /// Area ID.
        area: raw = "area",
    }
);

entity!(
    /// `config router ospf` / `config ospf-interface` entry, keyed by name.
    OspfInterface {
        /// Interface.
        interface: str = "interface",
        /// Address on the interface (for several on one interface).
        ip: raw = "ip",
        /// `none`, `text`, `md5`.
        authentication: raw = "authentication",
        /// Text authentication key.
        authentication_key: password = "authentication-key",
        /// Cost.
        cost: raw = "cost",
        /// DR election priority.
        priority: raw = "priority",
        /// Seconds between hellos.
        hello_interval: raw = "hello-interval",
        /// Seconds before a silent neighbor is down.
        dead_interval: raw = "dead-interval",
        /// `broadcast`, `point-to-point`, `non-broadcast`, `point-to-multipoint`.
        network_type: raw = "network-type",
        /// `enable` / `disable`: ignore MTU mismatches.
        mtu_ignore: raw = "mtu-ignore",
        /// `enable` / `disable`: BFD.
        bfd: raw = "bfd",
    }
);

entity!(
    /// A `config redistribute "TYPE"` block of `router ospf` or `router bgp`, keyed by its type
    /// (`connected`, `static`, `rip`, `bgp`, `ospf`, `isis`).
    Redistribute {
        /// `enable` / `disable`.
        status: raw = "status",
        /// Metric (OSPF).
        metric: raw = "metric",
        /// Route map (OSPF's key).
        routemap: str = "routemap",
        /// Route map (BGP's key).
        route_map: str = "route-map",
        /// `1` / `2` (OSPF external metric type).
        metric_type: raw = "metric-type",
        /// Tag (OSPF).
        tag: raw = "tag",
    }
);

impl super::FortiConfig {
    /// The problems of `router ospf`: the router ID an address, each network a prefix in a
    /// defined area (when the model states areas), each OSPF interface on a defined interface
    /// (when the model states interfaces). An authentication key is never named.
    pub(super) fn ospf_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(id) = self.ospf.as_ref().and_then(|o| o.router_id.as_deref()) {
            if id.parse::<std::net::Ipv4Addr>().is_err() {
                out.push(format!(
                    "router ospf router-id {id:?} is not an IPv4 address (A.B.C.D)"
                ));
            }
        }
        for (n, net) in &self.ospf_networks {
            match net.prefix.as_deref() {
                None => out.push(format!("router ospf network {n} has no prefix: set one")),
                Some(p) if super::parse_subnet(p).is_none() => out.push(format!(
                    "router ospf network {n} prefix {p:?} is not a subnet (A.B.C.D M.M.M.M)"
                )),
                Some(_) => {}
            }
            if let Some(a) = &net.area {
                if !self.ospf_areas.is_empty() && !self.ospf_areas.contains_key(a) {
                    out.push(format!(
                        "router ospf network {n} is in area {a:?}, which is not defined: add it \
                         to `config area`"
                    ));
                }
            }
        }
        for (name, i) in &self.ospf_interfaces {
            if let Some(intf) = &i.interface {
                if !self.interfaces.is_empty() && !self.interfaces.contains_key(intf) {
                    out.push(format!(
                        "router ospf ospf-interface {name:?} is on interface {intf:?}, which is \
                         not defined"
                    ));
                }
            }
        }
        out
    }
}
