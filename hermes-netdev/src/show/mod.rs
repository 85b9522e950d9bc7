//! Parsers for operational `show` outputs (the read-back side of a change, the fleet report and the
//! firmware compliance check).
//!
//! | command | parser |
//! |---|---|
//! | NX-OS `show version` | [`parse_nxos_show_version`] → [`NxosVersion`] |
//! | IOS / IOS-XE `show version` | [`parse_ios_show_version`] → [`IosVersion`] |
//! | FortiOS `get system status` | [`parse_fortios_system_status`] → [`FortiosSystemStatus`] |
//! | any of the three, summarised | [`parse_version`] → [`VersionSummary`] |
//! | NX-OS `show hsrp all` | [`parse_nxos_show_hsrp`] → [`NxosHsrpGroup`] |
//! | IOS `show standby` | [`parse_ios_show_standby`] → [`IosStandbyGroup`] |
//! | IOS `show vrrp brief` | [`parse_ios_show_vrrp_brief`] → [`VrrpBriefRow`] |
//! | NX-OS `show ip route [vrf all]` | [`parse_nxos_show_ip_route`] → [`NxosRoute`] |
//! | NX-OS `show ipv6 route [vrf all]` | [`parse_nxos_show_ipv6_route`] → [`NxosIpv6Route`] |
//! | IOS / IOS-XE `show ip route [vrf NAME]` | [`parse_ios_show_ip_route`] → [`IosRoute`] |
//! | IOS / IOS-XE `show ipv6 route [vrf NAME]` | [`parse_ios_show_ipv6_route`] → [`IosIpv6Route`] |
//! | FortiOS `get router info routing-table all` | [`parse_fortios_routing_table`] → [`FortiosRoute`] |
//! | NX-OS `show access-lists` | [`parse_nxos_show_access_lists`] → [`NxosAclEntry`] |
//! | IOS `show ip access-lists` | [`parse_ios_show_ip_access_lists`] → [`IosAclEntry`] |
//! | FortiOS `get system interface` | [`parse_fortios_system_interface`] → [`FortiosInterface`] |
//! | FortiOS `get system ha status` | [`parse_fortios_ha_status`] → [`FortiosHaStatus`] |
//! | FortiOS `get system arp` | [`parse_fortios_arp`] → [`FortiosArpEntry`] |
//! | `show vlan` (IOS, NX-OS) | [`parse_show_vlan`] → [`VlanRow`] |
//! | `show port-channel summary` / `show etherchannel summary` | [`parse_port_channel_summary`] → [`PortChannelRow`] |
//! | IOS `show ip interface brief` | [`parse_ios_show_ip_interface_brief`] → [`IosIpInterfaceBrief`] |
//! | NX-OS `show ip interface brief [vrf all]` | [`parse_nxos_show_ip_interface_brief`] → [`NxosIpInterfaceBrief`] |
//! | IOS `show interfaces status` / NX-OS `show interface status` | [`parse_show_interface_status`] → [`InterfaceStatusRow`] |
//! | IOS `show mac address-table` / `show mac-address-table` | [`parse_ios_show_mac_address_table`] → [`IosMacEntry`] |
//! | NX-OS `show mac address-table` | [`parse_nxos_show_mac_address_table`] → [`NxosMacEntry`] |
//! | IOS / IOS-XE `show interfaces` | [`parse_ios_show_interfaces`] → [`IosInterface`] |
//! | NX-OS `show interface` | [`parse_nxos_show_interface`] → [`NxosInterface`] |
//! | IOS / NX-OS `show lldp neighbors` | [`parse_show_lldp_neighbors`] → [`LldpNeighbor`] |
//! | IOS / NX-OS `show cdp neighbors` | [`parse_show_cdp_neighbors`] → [`CdpNeighbor`] |
//! | IOS / IOS-XE / NX-OS `show inventory` | [`parse_show_inventory`] → [`InventoryItem`] |
//! | IOS `show ip arp` / `show arp` | [`parse_ios_show_ip_arp`] → [`IosArpEntry`] |
//! | NX-OS `show ip arp [vrf NAME\|all]` | [`parse_nxos_show_ip_arp`] → [`NxosArpEntry`] |
//! | IOS `show ip ospf neighbor` | [`parse_ios_show_ip_ospf_neighbor`] → [`IosOspfNeighbor`] |
//! | NX-OS `show ip ospf neighbor [vrf NAME\|all]` | [`parse_nxos_show_ip_ospf_neighbor`] → [`NxosOspfNeighbor`] |
//! | IOS `show ip bgp [all] summary` | [`parse_ios_show_ip_bgp_summary`] → [`IosBgpNeighborSummary`] |
//! | NX-OS `show ip bgp summary [vrf NAME\|all]` | [`parse_nxos_show_ip_bgp_summary`] → [`NxosBgpNeighborSummary`] |
//! | IOS `show processes cpu [sorted]` | [`parse_ios_show_processes_cpu`] → [`IosProcessesCpu`] |
//! | IOS `show ntp associations` | [`parse_ios_show_ntp_associations`] → [`IosNtpAssociation`] |
//! | NX-OS `show ntp peer-status` | [`parse_nxos_show_ntp_peer_status`] → [`NxosNtpPeer`] |
//! | NX-OS `show module` | [`parse_nxos_show_module`] → [`NxosModule`] |
//! | NX-OS `show vpc` | [`parse_nxos_show_vpc`] → [`NxosVpc`] |
//! | NX-OS `show environment` | [`parse_nxos_show_environment`] → [`NxosEnvironment`] |
//! | NX-OS `show environment power detail` | [`parse_nxos_show_environment_power_detail`] → [`NxosPowerDetail`] |
//! | IOS `show environment all` (Catalyst) | [`parse_ios_show_environment_all`] → [`IosEnvironment`] |
//! | IOS `show switch stack-ports` | [`parse_ios_show_switch_stack_ports`] → [`StackPorts`] |
//! | IOS `show switch stack-ports summary` | [`parse_ios_show_switch_stack_ports_summary`] → [`StackPortLink`] |
//! | IOS `show switch stack-ports detail` | [`parse_ios_show_switch_stack_ports_detail`] → [`StackPortDetail`] |
//! | IOS / NX-OS `show spanning-tree` | [`parse_show_spanning_tree`] → [`SpanningTreeInstance`] |
//! | IOS `show interfaces trunk` / NX-OS `show interface trunk` | [`parse_show_interfaces_trunk`] → [`TrunkPort`] |
//! | IOS `show switch` / `show switch detail` | [`parse_ios_show_switch`] → [`SwitchStack`] |
//! | IOS `show power inline` | [`parse_ios_show_power_inline`] → [`PowerInline`] |
//! | IOS `show interfaces transceiver` | [`parse_ios_show_interfaces_transceiver`] → [`IosTransceiverDom`] |
//! | IOS `show interfaces transceiver detail` | [`parse_ios_show_interfaces_transceiver_detail`] → [`IosTransceiverDetail`] |
//! | NX-OS `show interface transceiver [details]` | [`parse_nxos_show_interface_transceiver`] → [`NxosTransceiver`] |
//! | IOS / NX-OS `show cdp neighbors detail` | [`parse_show_cdp_neighbors_detail`] → [`CdpNeighborDetail`] |
//! | IOS / NX-OS `show lldp neighbors detail` | [`parse_show_lldp_neighbors_detail`] → [`LldpNeighborDetail`] |
//! | FortiOS `get system performance status` | [`parse_fortios_performance_status`] → [`FortiosPerformance`] |
//! | FortiOS `get hardware status` | [`parse_fortios_hardware_status`] → [`FortiosHardwareStatus`] |
//! | FortiOS `get router info bgp summary` | [`parse_fortios_bgp_summary`] → [`FortiosBgpSummary`] |
//!
//! Field names follow ntc-templates' parsed samples (lowercased as they are); the tests compare the
//! ntc-templates samples in `../shared/data/netdev/ntc-templates` and `tests/data/ntc` with the
//! parser's output serialised to the same shape. Where ntc-templates prints an empty string for an absent value, the Rust field is
//! an `Option` (serialised back as `""`), and numbers are typed.

mod acl;
mod arp;
mod bgp_summary;
mod environment;
mod fortios_bgp;
mod fortios_ops;
mod fortios_system;
mod interface;
mod interface_status;
mod inventory;
mod ios_interfaces;
mod ios_ipv6_route;
mod ios_route;
mod ip_interface;
mod mac_table;
mod module;
mod neighbors;
mod neighbors_detail;
mod ntp;
mod nxos_interface;
mod ospf_neighbor;
mod port_channel;
mod power_inline;
mod processes_cpu;
mod redundancy;
mod routing;
mod spanning_tree;
mod stack_ports;
mod switch_stack;
mod transceiver;
mod trunk;
mod version;
mod vlan;
mod vpc;

pub use acl::{
    parse_ios_show_ip_access_lists, parse_nxos_show_access_lists, IosAclEntry, NxosAclEntry,
};
pub use arp::{parse_ios_show_ip_arp, parse_nxos_show_ip_arp, IosArpEntry, NxosArpEntry};
pub use bgp_summary::{
    parse_ios_show_ip_bgp_summary, parse_nxos_show_ip_bgp_summary, IosBgpNeighborSummary,
    NxosBgpNeighborSummary,
};
pub use environment::{
    parse_ios_show_environment_all, parse_nxos_show_environment,
    parse_nxos_show_environment_power_detail, IosAlarmContact, IosChassisSupply, IosEnvironment,
    IosFan, IosFanTray, IosPowerSupply, IosRps, IosSensor, IosTemperature, NxosEnvironment,
    NxosFan, NxosPowerDetail, NxosPowerSupply, NxosSupplyDetail, NxosTemperature,
};
pub use fortios_bgp::{parse_fortios_bgp_summary, FortiosBgpNeighbor, FortiosBgpSummary};
pub use fortios_ops::{
    parse_fortios_arp, parse_fortios_ha_status, FortiosArpEntry, FortiosHaMember, FortiosHaStatus,
};
pub use fortios_system::{
    parse_fortios_hardware_status, parse_fortios_performance_status, FortiosCpuStates,
    FortiosHardwareStatus, FortiosNetworkUsage, FortiosPerformance, FortiosWindowed,
};
pub use interface::{parse_fortios_system_interface, FortiosInterface};
pub use interface_status::{parse_show_interface_status, InterfaceStatusRow};
pub use inventory::{parse_show_inventory, InventoryItem};
pub use ios_interfaces::{parse_ios_show_interfaces, IosInterface};
pub use ios_ipv6_route::{parse_ios_show_ipv6_route, IosIpv6Route};
pub use ios_route::{parse_ios_show_ip_route, IosRoute};
pub use ip_interface::{
    parse_ios_show_ip_interface_brief, parse_nxos_show_ip_interface_brief, IosIpInterfaceBrief,
    NxosIpInterfaceBrief,
};
pub use mac_table::{
    parse_ios_show_mac_address_table, parse_nxos_show_mac_address_table, IosMacEntry, NxosMacEntry,
};
pub use module::{parse_nxos_show_module, NxosModule};
pub use neighbors::{
    parse_show_cdp_neighbors, parse_show_lldp_neighbors, CdpNeighbor, LldpNeighbor,
};
pub use neighbors_detail::{
    parse_show_cdp_neighbors_detail, parse_show_lldp_neighbors_detail, CdpNeighborDetail,
    LldpNeighborDetail, LldpNetworkPolicy,
};
pub use ntp::{
    parse_ios_show_ntp_associations, parse_nxos_show_ntp_peer_status, IosNtpAssociation,
    NxosNtpPeer,
};
pub use nxos_interface::{parse_nxos_show_interface, NxosInterface};
pub use ospf_neighbor::{
    parse_ios_show_ip_ospf_neighbor, parse_nxos_show_ip_ospf_neighbor, IosOspfNeighbor,
    NxosOspfNeighbor,
};
pub use port_channel::{parse_port_channel_summary, PortChannelRow};
pub use power_inline::{parse_ios_show_power_inline, PoeBudget, PoePort, PowerInline};
pub use processes_cpu::{parse_ios_show_processes_cpu, IosProcessCpu, IosProcessesCpu};
pub use redundancy::{
    parse_ios_show_standby, parse_ios_show_vrrp_brief, parse_nxos_show_hsrp, IosStandbyGroup,
    NxosHsrpGroup, VrrpBriefRow,
};
pub use routing::{
    parse_fortios_routing_table, parse_nxos_show_ip_route, parse_nxos_show_ipv6_route,
    FortiosRoute, NxosIpv6Route, NxosRoute, NxosRouteOf,
};
pub use spanning_tree::{parse_show_spanning_tree, SpanningTreeInstance, SpanningTreePort};
pub use stack_ports::{
    parse_ios_show_switch_stack_ports, parse_ios_show_switch_stack_ports_detail,
    parse_ios_show_switch_stack_ports_summary, StackPortDetail, StackPortLink, StackPorts,
};
pub use switch_stack::{parse_ios_show_switch, StackMember, SwitchStack};
pub use transceiver::{
    parse_ios_show_interfaces_transceiver, parse_ios_show_interfaces_transceiver_detail,
    parse_nxos_show_interface_transceiver, DomMeasurement, DomReading, IosTransceiverDetail,
    IosTransceiverDom, NxosDomLane, NxosTransceiver,
};
pub use trunk::{parse_show_interfaces_trunk, vlan_ids, TrunkPort};
pub use version::{
    parse_fortios_system_status, parse_ios_show_version, parse_nxos_show_version, parse_version,
    FortiosSystemStatus, IosVersion, NxosVersion, VersionSummary,
};
pub use vlan::{parse_show_vlan, VlanRow};
pub use vpc::{parse_nxos_show_vpc, NxosVpc, VpcPort};

/// The value after `label:` when `line` (leading blanks ignored) starts with the words of `label`
/// (ASCII case-insensitive, any run of blanks between words), trimmed.
pub(crate) fn field<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    field_to_end(line, label).map(str::trim_end)
}

/// Like [`field`], but the value keeps its trailing blanks (ntc-templates' `(.*)` values do).
pub(crate) fn field_to_end<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let colon = line.find(':')?;
    let (left, right) = (&line[..colon], &line[colon + 1..]);
    let mut have = left.split_whitespace();
    for want in label.split_whitespace() {
        if !have.next()?.eq_ignore_ascii_case(want) {
            return None;
        }
    }
    have.next().is_none().then(|| right.trim_start())
}

/// The words of `line` with the byte offset each starts at (for tables whose columns are read by
/// position: a value's offset says under which header it stands).
pub(crate) fn words_at(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

/// `Some(s)` unless `s` is empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Serde for a typed value that ntc-templates writes as a string.
pub(crate) mod ntc_str {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Serde for an optional value that ntc-templates writes as a string, `""` when absent.
pub(crate) mod ntc_opt {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<T: Display, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_str(""),
        }
    }

    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let s = String::deserialize(d)?;
        if s.is_empty() {
            return Ok(None);
        }
        s.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

mod nxapi_json;
pub use nxapi_json::{
    parse_nxos_json_show_bgp_summary, parse_nxos_json_show_cdp_neighbors,
    parse_nxos_json_show_interface, parse_nxos_json_show_interface_status,
    parse_nxos_json_show_inventory, parse_nxos_json_show_ip_arp,
    parse_nxos_json_show_ip_interface_brief, parse_nxos_json_show_ip_route,
    parse_nxos_json_show_ipv6_route, parse_nxos_json_show_lldp_neighbors,
    parse_nxos_json_show_mac_address_table, parse_nxos_json_show_module,
    parse_nxos_json_show_port_channel_summary, parse_nxos_json_show_version,
    parse_nxos_json_show_vlan_brief, parse_nxos_json_show_vpc,
};
