//! Every `show` parser agrees with ntc-templates' parsed samples in
//! `../shared/data/netdev/ntc-templates` and in `tests/data/ntc/<platform>_<command>/` (copied
//! from ntc-templates, see `tests/data/ntc/SOURCES.md`): the parser's output, serialised, must
//! equal the `.yml` `parsed_sample` exactly (same keys, same values). Layouts those samples do not show are covered
//! by the parsers' own unit tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hermes_netdev::show;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

#[path = "common/mixed.rs"]
mod mixed;

type Parser = fn(&str) -> Value;

fn one<T: Serialize>(v: T) -> Value {
    Value::Array(vec![serde_json::to_value(v).unwrap()])
}

fn many<T: Serialize>(v: Vec<T>) -> Value {
    serde_json::to_value(v).unwrap()
}

/// ntc-templates' `cisco_ios_show_arp` names the columns of `cisco_ios_show_ip_arp` otherwise:
/// the same records with `ip_address`, `age` and `mac_address` renamed.
fn ios_show_arp(text: &str) -> Value {
    let mut v = many(show::parse_ios_show_ip_arp(text));
    for rec in v.as_array_mut().into_iter().flatten() {
        let o = rec.as_object_mut().unwrap();
        for (from, to) in [
            ("ip_address", "address"),
            ("age", "age_min"),
            ("mac_address", "hardware_address"),
        ] {
            let x = o.remove(from).unwrap();
            o.insert(to.into(), x);
        }
    }
    v
}

/// ntc-templates' `cisco_nxos_show_vpc` gives one record per row of both tables (peer-link, then
/// vPCs).
fn vpc_rows(text: &str) -> Value {
    let vpc = show::parse_nxos_show_vpc(text);
    many(vpc.peer_links.into_iter().chain(vpc.vpcs).collect())
}

/// ntc-templates' `cisco_nxos_show_environment` gives one record per row of the power supply, fan
/// and temperature tables, in that order, each with every field of the three (`""` where the row has
/// none), numbers as written, sensor names without their `(sN)`.
fn nxos_environment_rows(text: &str) -> Value {
    const KEYS: [&str; 14] = [
        "power_supply",
        "power_supply_model",
        "power_supply_output",
        "power_supply_input",
        "power_supply_capacity",
        "power_supply_status",
        "fan",
        "fan_status",
        "temperature_module",
        "temperature_sensor",
        "temperature_major_thresh",
        "temperature_minor_thresh",
        "temperature_current",
        "temperature_status",
    ];
    let env = show::parse_nxos_show_environment(text);
    let row = |pairs: Vec<(&str, String)>| {
        let mut o = serde_json::Map::new();
        for k in KEYS {
            let v = pairs.iter().find(|(x, _)| *x == k).map(|(_, v)| v.clone());
            o.insert(k.into(), v.unwrap_or_default().into());
        }
        Value::Object(o)
    };
    let mut rows = Vec::new();
    for p in &env.power_supplies {
        rows.push(row(vec![
            ("power_supply", p.power_supply.to_string()),
            ("power_supply_model", p.power_supply_model.clone()),
            ("power_supply_output", p.power_supply_output.to_string()),
            (
                "power_supply_input",
                p.power_supply_input
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
            ),
            ("power_supply_capacity", p.power_supply_capacity.to_string()),
            ("power_supply_status", p.power_supply_status.clone()),
        ]));
    }
    for f in &env.fans {
        rows.push(row(vec![
            ("fan", f.fan.clone()),
            ("fan_status", f.fan_status.clone()),
        ]));
    }
    for t in &env.temperatures {
        rows.push(row(vec![
            ("temperature_module", t.temperature_module.to_string()),
            ("temperature_sensor", t.temperature_sensor.clone()),
            (
                "temperature_major_thresh",
                t.temperature_major_thresh.to_string(),
            ),
            (
                "temperature_minor_thresh",
                t.temperature_minor_thresh.to_string(),
            ),
            ("temperature_current", t.temperature_current.to_string()),
            ("temperature_status", t.temperature_status.clone()),
        ]));
    }
    Value::Array(rows)
}

/// ntc-templates' `cisco_ios_show_processes_cpu` gives one record per process with the
/// `CPU utilization` values on each.
fn processes_cpu_rows(text: &str) -> Value {
    let cpu = show::parse_ios_show_processes_cpu(text);
    let mut head = serde_json::to_value(&cpu).unwrap();
    let head = head.as_object_mut().unwrap();
    head.remove("processes");
    let num = |v: &Value| v.as_u64().map(|n| n.to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    for p in &cpu.processes {
        let mut rec = serde_json::to_value(p).unwrap();
        for (k, v) in head.iter() {
            rec.as_object_mut()
                .unwrap()
                .insert(k.clone(), num(v).into());
        }
        rows.push(rec);
    }
    Value::Array(rows)
}

/// ntc-templates' `cisco_ios_show_spanning-tree` gives one record per port row with its
/// instance's VLAN: each instance's ports, each with the instance's `vlan_id`.
fn spanning_tree_ports(text: &str) -> Value {
    let mut rows = Vec::new();
    for inst in show::parse_show_spanning_tree(text) {
        for port in &inst.ports {
            let mut rec = serde_json::to_value(port).unwrap();
            let vlan = inst.vlan_id.map(|v| v.to_string()).unwrap_or_default();
            rec.as_object_mut()
                .unwrap()
                .insert("vlan_id".into(), vlan.into());
            rows.push(rec);
        }
    }
    Value::Array(rows)
}

/// A DOM reading as ntc-templates prints it: the value's text, `""` when absent.
fn reading_text(v: &Value) -> Value {
    v.get("text").cloned().unwrap_or_else(|| "".into())
}

/// ntc-templates' `cisco_ios_show_interface_transceiver`: each reading as printed.
fn ios_transceiver_rows(text: &str) -> Value {
    let mut v = many(show::parse_ios_show_interfaces_transceiver(text));
    for rec in v.as_array_mut().into_iter().flatten() {
        let o = rec.as_object_mut().unwrap();
        for k in ["temperature", "voltage", "current", "tx_pwr", "rx_pwr"] {
            let r = reading_text(&o[k]);
            o.insert(k.into(), r);
        }
    }
    v
}

/// ntc-templates' `cisco_nxos_show_interface_transceiver`: the identity of each port, `""` for
/// what is not printed.
fn nxos_transceiver_rows(text: &str) -> Value {
    let mut v = many(show::parse_nxos_show_interface_transceiver(text));
    for rec in v.as_array_mut().into_iter().flatten() {
        let o = rec.as_object_mut().unwrap();
        o.remove("dom");
        for x in o.values_mut() {
            if x.is_null() {
                *x = "".into();
            }
        }
    }
    v
}

/// ntc-templates' `cisco_nxos_show_interface_transceiver_details`: one record per DOM lane with
/// `<measure>_value`, `_alarm_high`, `_alarm_low`, `_warn_high`, `_warn_low`.
fn nxos_transceiver_dom_rows(text: &str) -> Value {
    let mut rows = Vec::new();
    for port in show::parse_nxos_show_interface_transceiver(text) {
        for lane in &port.dom {
            let lane_v = serde_json::to_value(lane).unwrap();
            let mut rec = serde_json::Map::new();
            rec.insert("interface".into(), port.interface.clone().into());
            let l = lane.lane.map(|n| n.to_string()).unwrap_or_default();
            rec.insert("lane".into(), l.into());
            for (field, prefix) in [
                ("temperature", "temperature"),
                ("voltage", "voltage"),
                ("current", "amps"),
                ("rx_power", "rx"),
                ("tx_power", "tx"),
            ] {
                let m = &lane_v[field];
                for (part, suffix) in [
                    ("current", "value"),
                    ("alarm_high", "alarm_high"),
                    ("alarm_low", "alarm_low"),
                    ("warn_high", "warn_high"),
                    ("warn_low", "warn_low"),
                ] {
                    rec.insert(format!("{prefix}_{suffix}"), reading_text(&m[part]));
                }
            }
            rows.push(Value::Object(rec));
        }
    }
    Value::Array(rows)
}

/// `Some(s)` as a JSON string, `None` as `""`.
fn text_or_empty(s: Option<&str>) -> Value {
    s.unwrap_or_default().into()
}

/// ntc-templates' `cisco_ios_show_cdp_neighbors_detail`: the device ID as `neighbor_name`, the
/// first entry address as `mgmt_address` (the template reads an IPv4 or dotted address on the
/// line after `Entry address(es):`), the version's first line as `neighbor_description`.
fn ios_cdp_detail_rows(text: &str) -> Value {
    let rows = show::parse_show_cdp_neighbors_detail(text)
        .iter()
        .map(|n| {
            let first = n.interface_addresses.first().map(String::as_str);
            serde_json::json!({
                "neighbor_name": n.device_id,
                "mgmt_address": text_or_empty(first.filter(|a| !a.contains(':'))),
                "platform": text_or_empty(n.platform.as_deref()),
                "neighbor_interface": text_or_empty(n.neighbor_interface.as_deref()),
                "local_interface": text_or_empty(n.local_interface.as_deref()),
                "neighbor_description": text_or_empty(n.description()),
                "capabilities": text_or_empty(n.capabilities.as_deref()),
            })
        })
        .collect();
    Value::Array(rows)
}

/// ntc-templates' `cisco_nxos_show_cdp_neighbors_detail`: the device ID as `chassis_id`, the
/// system name as `neighbor_name`, the first interface / management address.
fn nxos_cdp_detail_rows(text: &str) -> Value {
    let rows = show::parse_show_cdp_neighbors_detail(text)
        .iter()
        .map(|n| {
            serde_json::json!({
                "chassis_id": n.device_id,
                "neighbor_name": text_or_empty(n.system_name.as_deref()),
                "mgmt_address": text_or_empty(n.management_addresses.first().map(String::as_str)),
                "interface_ip": text_or_empty(n.interface_addresses.first().map(String::as_str)),
                "platform": text_or_empty(n.platform.as_deref()),
                "neighbor_interface": text_or_empty(n.neighbor_interface.as_deref()),
                "local_interface": text_or_empty(n.local_interface.as_deref()),
                "neighbor_description": text_or_empty(n.description()),
                "capabilities": text_or_empty(n.capabilities.as_deref()),
            })
        })
        .collect();
    Value::Array(rows)
}

/// ntc-templates' `cisco_ios_show_lldp_neighbors_detail`: `Port id` as `neighbor_port_id`, the
/// port description as `neighbor_interface`, the last IPv4 management address (the template's
/// `IP:` rule keeps the last match), the description's first line.
fn ios_lldp_detail_rows(text: &str) -> Value {
    let rows = show::parse_show_lldp_neighbors_detail(text)
        .iter()
        .map(|n| {
            let s = |v: &Option<String>| text_or_empty(v.as_deref());
            let num = |v: Option<u32>| Value::from(v.map(|n| n.to_string()).unwrap_or_default());
            let v4 = n
                .management_addresses
                .iter()
                .rev()
                .find(|a| !a.contains(':'));
            serde_json::json!({
                "local_interface": s(&n.local_interface),
                "chassis_id": s(&n.chassis_id),
                "neighbor_port_id": s(&n.port_id),
                "neighbor_interface": s(&n.port_description),
                "neighbor_name": s(&n.system_name),
                "neighbor_description": text_or_empty(n.description()),
                "capabilities": s(&n.capabilities),
                "mgmt_address": text_or_empty(v4.map(String::as_str)),
                "vlan_id": num(n.vlan_id.map(u32::from)),
                "mac_address": s(&n.mac_address),
                "serial": s(&n.serial),
                "manufacturer": s(&n.manufacturer),
                "hw_revision": s(&n.hw_revision),
                "fw_revision": s(&n.fw_revision),
                "sw_revision": s(&n.sw_revision),
                "platform": s(&n.platform),
                "power_pair": s(&n.power_pair),
                "power_class": s(&n.power_class),
                "power_device_type": s(&n.power_device_type),
                "power_priority": s(&n.power_priority),
                "power_source": s(&n.power_source),
                "power_requested": num(n.power_requested),
            })
        })
        .collect();
    Value::Array(rows)
}

/// ntc-templates' `cisco_ios_show_ipv6_route`: the prefix as one `network/len` value.
fn ios_ipv6_route_rows(text: &str) -> Value {
    let rows = show::parse_ios_show_ipv6_route(text)
        .iter()
        .map(|r| {
            serde_json::json!({
                "network": format!("{}/{}", r.network, r.prefix_length),
                "protocol": r.protocol,
                "distance": r.distance.map(|d| d.to_string()).unwrap_or_default(),
                "metric": r.metric.map(|m| m.to_string()).unwrap_or_default(),
                "nexthop_ip": r.nexthop_ip.map(|a| a.to_string()).unwrap_or_default(),
                "nexthop_if": text_or_empty(r.nexthop_if.as_deref()),
            })
        })
        .collect();
    Value::Array(rows)
}

/// ntc-templates' `cisco_nxos_show_lldp_neighbors_detail`: `Port id` as `neighbor_interface`,
/// the first management address.
fn nxos_lldp_detail_rows(text: &str) -> Value {
    let rows = show::parse_show_lldp_neighbors_detail(text)
        .iter()
        .map(|n| {
            let s = |v: &Option<String>| text_or_empty(v.as_deref());
            serde_json::json!({
                "neighbor_name": s(&n.system_name),
                "local_interface": s(&n.local_interface),
                "neighbor_interface": s(&n.port_id),
                "chassis_id": s(&n.chassis_id),
                "mgmt_address": text_or_empty(n.management_addresses.first().map(String::as_str)),
                "neighbor_description": text_or_empty(n.description()),
                "capabilities": s(&n.capabilities),
                "vlan_id": n.vlan_id.map(|v| v.to_string()).unwrap_or_default(),
            })
        })
        .collect();
    Value::Array(rows)
}

/// (ntc-templates platform, command directory, parser).
const PARSERS: &[(&str, &str, Parser)] = &[
    ("cisco_nxos", "show_version", |t| {
        one(show::parse_nxos_show_version(t))
    }),
    ("cisco_ios", "show_version", |t| {
        one(show::parse_ios_show_version(t))
    }),
    ("fortinet", "get_system_status", |t| {
        one(show::parse_fortios_system_status(t))
    }),
    ("cisco_nxos", "show_hsrp_all", |t| {
        many(show::parse_nxos_show_hsrp(t))
    }),
    ("cisco_ios", "show_standby", |t| {
        many(show::parse_ios_show_standby(t))
    }),
    ("cisco_ios", "show_vrrp_brief", |t| {
        many(show::parse_ios_show_vrrp_brief(t))
    }),
    ("cisco_nxos", "show_ip_route", |t| {
        many(show::parse_nxos_show_ip_route(t))
    }),
    ("cisco_ios", "show_ipv6_route", ios_ipv6_route_rows),
    ("fortinet", "get_router_info_routing-table_all", |t| {
        many(show::parse_fortios_routing_table(t))
    }),
    ("cisco_nxos", "show_access-lists", |t| {
        many(show::parse_nxos_show_access_lists(t))
    }),
    ("cisco_ios", "show_ip_access-lists", |t| {
        many(show::parse_ios_show_ip_access_lists(t))
    }),
    ("fortinet", "get_system_interface", |t| {
        many(show::parse_fortios_system_interface(t))
    }),
    ("cisco_nxos", "show_vlan", |t| {
        many(show::parse_show_vlan(t))
    }),
    ("cisco_ios", "show_vlan", |t| many(show::parse_show_vlan(t))),
    ("cisco_nxos", "show_port-channel_summary", |t| {
        many(show::parse_port_channel_summary(t))
    }),
    ("cisco_ios", "show_etherchannel_summary", |t| {
        many(show::parse_port_channel_summary(t))
    }),
    ("cisco_ios", "show_ip_interface_brief", |t| {
        many(show::parse_ios_show_ip_interface_brief(t))
    }),
    ("cisco_nxos", "show_ip_interface_brief", |t| {
        many(show::parse_nxos_show_ip_interface_brief(t))
    }),
    ("cisco_ios", "show_interfaces_status", |t| {
        many(show::parse_show_interface_status(t))
    }),
    ("cisco_nxos", "show_interface_status", |t| {
        many(show::parse_show_interface_status(t))
    }),
    ("cisco_ios", "show_mac-address-table", |t| {
        many(show::parse_ios_show_mac_address_table(t))
    }),
    ("cisco_nxos", "show_mac_address-table", |t| {
        many(show::parse_nxos_show_mac_address_table(t))
    }),
    ("cisco_ios", "show_interfaces", |t| {
        many(show::parse_ios_show_interfaces(t))
    }),
    ("cisco_nxos", "show_interface", |t| {
        many(show::parse_nxos_show_interface(t))
    }),
    ("fortinet", "get_system_ha_status", |t| {
        one(show::parse_fortios_ha_status(t))
    }),
    ("fortinet", "get_system_arp", |t| {
        many(show::parse_fortios_arp(t))
    }),
    ("cisco_ios", "show_lldp_neighbors", |t| {
        many(show::parse_show_lldp_neighbors(t))
    }),
    ("cisco_nxos", "show_lldp_neighbors", |t| {
        many(show::parse_show_lldp_neighbors(t))
    }),
    ("cisco_ios", "show_cdp_neighbors", |t| {
        many(show::parse_show_cdp_neighbors(t))
    }),
    ("cisco_nxos", "show_cdp_neighbors", |t| {
        many(show::parse_show_cdp_neighbors(t))
    }),
    ("cisco_ios", "show_inventory", |t| {
        many(show::parse_show_inventory(t))
    }),
    ("cisco_nxos", "show_inventory", |t| {
        many(show::parse_show_inventory(t))
    }),
    ("cisco_ios", "show_ip_arp", |t| {
        many(show::parse_ios_show_ip_arp(t))
    }),
    ("cisco_ios", "show_arp", ios_show_arp),
    ("cisco_nxos", "show_ip_arp", |t| {
        many(show::parse_nxos_show_ip_arp(t))
    }),
    ("cisco_ios", "show_spanning-tree", spanning_tree_ports),
    ("cisco_ios", "show_ip_ospf_neighbor", |t| {
        many(show::parse_ios_show_ip_ospf_neighbor(t))
    }),
    ("cisco_nxos", "show_ip_ospf_neighbor", |t| {
        many(show::parse_nxos_show_ip_ospf_neighbor(t))
    }),
    ("cisco_nxos", "show_vpc", vpc_rows),
    ("cisco_ios", "show_ip_bgp_summary", |t| {
        many(show::parse_ios_show_ip_bgp_summary(t))
    }),
    ("cisco_nxos", "show_ip_bgp_summary", |t| {
        many(show::parse_nxos_show_ip_bgp_summary(t))
    }),
    ("cisco_ios", "show_processes_cpu", processes_cpu_rows),
    ("cisco_nxos", "show_module", |t| {
        many(show::parse_nxos_show_module(t))
    }),
    ("cisco_ios", "show_switch_detail", |t| {
        many(show::parse_ios_show_switch(t).members)
    }),
    ("cisco_ios", "show_power_inline", |t| {
        many(show::parse_ios_show_power_inline(t).ports)
    }),
    (
        "cisco_ios",
        "show_interface_transceiver",
        ios_transceiver_rows,
    ),
    (
        "cisco_nxos",
        "show_interface_transceiver",
        nxos_transceiver_rows,
    ),
    (
        "cisco_nxos",
        "show_interface_transceiver_details",
        nxos_transceiver_dom_rows,
    ),
    (
        "cisco_ios",
        "show_cdp_neighbors_detail",
        ios_cdp_detail_rows,
    ),
    (
        "cisco_nxos",
        "show_cdp_neighbors_detail",
        nxos_cdp_detail_rows,
    ),
    (
        "cisco_ios",
        "show_lldp_neighbors_detail",
        ios_lldp_detail_rows,
    ),
    (
        "cisco_nxos",
        "show_lldp_neighbors_detail",
        nxos_lldp_detail_rows,
    ),
    ("fortinet", "get_router_info_bgp_summary", |t| {
        many(show::parse_fortios_bgp_summary(t).neighbors)
    }),
    ("cisco_nxos", "show_environment", nxos_environment_rows),
];

/// Keys a parser reports that ntc-templates' template for that platform does not capture:
/// (platform, command, key). They are left out of the comparison.
const NOT_IN_TEMPLATE: &[(&str, &str, &str)] = &[
    // The NX-OS template has no `Group` column value; Hermes reads it where the table has one.
    ("cisco_nxos", "show_port-channel_summary", "group"),
    // IOS prints no LACP state flag after the protocol.
    (
        "cisco_ios",
        "show_etherchannel_summary",
        "bundle_protocol_state",
    ),
    // The `OK?` and `Method` columns.
    ("cisco_ios", "show_ip_interface_brief", "ok"),
    ("cisco_ios", "show_ip_interface_brief", "method"),
    // NX-OS has no Fibre Channel rows; neither template reads the tunnel table's `Reason`.
    ("cisco_nxos", "show_interface_status", "fc_mode"),
    ("cisco_nxos", "show_interface_status", "reason"),
    ("cisco_ios", "show_interfaces_status", "reason"),
    // The flags before the VLAN; the multicast table (whose rows the template drops, see
    // `ntc_dropped`).
    ("cisco_ios", "show_mac-address-table", "flags"),
    ("cisco_ios", "show_mac-address-table", "multicast"),
    ("cisco_nxos", "show_mac_address-table", "flag"),
    // An unnumbered interface's source and borrowed address.
    ("cisco_ios", "show_interfaces", "unnumbered"),
    // Every HA member and each member's configuration sync state.
    ("fortinet", "get_system_ha_status", "members"),
    ("fortinet", "get_system_ha_status", "configuration_status"),
    // Neither LLDP template keeps the hold time, nor the IOS CDP one.
    ("cisco_ios", "show_lldp_neighbors", "holdtime"),
    ("cisco_nxos", "show_lldp_neighbors", "holdtime"),
    ("cisco_ios", "show_cdp_neighbors", "holdtime"),
    // A private-VLAN SVI's secondary VLAN (`Vlan201 pv 202`); NX-OS ARP flags.
    ("cisco_ios", "show_ip_arp", "private_vlan"),
    ("cisco_ios", "show_arp", "private_vlan"),
    ("cisco_nxos", "show_ip_arp", "flags"),
    // The NX-OS template skips the `Pri` column.
    ("cisco_nxos", "show_ip_ospf_neighbor", "priority"),
    // The template reads `id`, `port` and `status` of the table rows only.
    ("cisco_nxos", "show_vpc", "consistency"),
    ("cisco_nxos", "show_vpc", "reason"),
    ("cisco_nxos", "show_vpc", "active_vlans"),
    // The NX-OS template skips the address family, `V` and `TblVer`.
    ("cisco_nxos", "show_ip_bgp_summary", "address_family"),
    ("cisco_nxos", "show_ip_bgp_summary", "version"),
    ("cisco_nxos", "show_ip_bgp_summary", "table_version"),
    // The template reads the first table only.
    ("cisco_nxos", "show_module", "sw"),
    ("cisco_nxos", "show_module", "hw"),
    ("cisco_nxos", "show_module", "slot"),
    ("cisco_nxos", "show_module", "mac_address"),
    ("cisco_nxos", "show_module", "serial_number"),
    ("cisco_nxos", "show_module", "online_diag_status"),
    // The `*` before the member the session runs on.
    ("cisco_ios", "show_switch_detail", "local"),
    // The Catalyst 4500 `From PS` column (the template keeps `To Device`), the 6800 priority.
    ("cisco_ios", "show_power_inline", "power_from_ps"),
    ("cisco_ios", "show_power_inline", "priority"),
    // The template reads the neighbor, AS, Up/Down and State/PfxRcd columns only.
    ("fortinet", "get_router_info_bgp_summary", "version"),
    ("fortinet", "get_router_info_bgp_summary", "msg_rcvd"),
    ("fortinet", "get_router_info_bgp_summary", "msg_sent"),
    ("fortinet", "get_router_info_bgp_summary", "tbl_ver"),
    ("fortinet", "get_router_info_bgp_summary", "in_q"),
    ("fortinet", "get_router_info_bgp_summary", "out_q"),
];

/// Samples no parser is expected to read, with the reason. Keep this rare.
const EXCLUDED: &[(&str, &str)] = &[];

/// Where ntc-templates' template is wrong and the parser right, recognised by rule (so that new
/// samples with the same defect are judged the same way): whether `want` (ntc-templates' value of
/// `key`) is that defect's output for the parser's record `got`.
fn ntc_defect(platform: &str, command: &str, key: &str, got: &Value, want: &Value) -> bool {
    let text = |k: &str| got.get(k).and_then(Value::as_str).unwrap_or_default();
    match (platform, command, key) {
        // `^.*${STATE_CHANGES}\s+state\s+changes`: the greedy `.*` leaves only the last digit of
        // a count of two digits or more (`27 state changes`) to the value.
        ("cisco_ios", "show_standby", "state_changes") => {
            let n = text(key);
            n.len() > 1 && want.as_str() == n.get(n.len() - 1..)
        }
        // Not a template defect: the template keeps an IPv6 address as printed
        // (`2A05:C100:2A::/64`), Hermes reads it (`2a05:c100:2a::/64`); the same address is the
        // same value.
        ("cisco_ios", "show_ipv6_route", "network" | "nexthop_ip") => {
            let addr = |s: &str| -> Option<(std::net::IpAddr, String)> {
                let (a, l) = s.split_once('/').unwrap_or((s, ""));
                Some((a.parse().ok()?, l.to_string()))
            };
            let w = want.as_str().unwrap_or_default();
            addr(text(key)).is_some() && addr(text(key)) == addr(w)
        }
        // The `Route not found` record of an empty VRF gets the prefix of the VRF before it
        // (Filldown); it has none.
        ("cisco_nxos", "show_ip_route", "network" | "prefix_length") => {
            text(key).is_empty() && text("protocol").is_empty() && text("nexthop_if").is_empty()
        }
        // FortiOS 7 ends a route with its `[weight/priority]` (`via 10.0.0.1, port2, [1/0]`); the
        // `${LAST_TIME_UPDATE} (\S+)` after the interface takes it for the route's age.
        ("fortinet", "get_router_info_routing-table_all", "last_time_update") => {
            let w = want.as_str().unwrap_or_default();
            let pair = w.strip_prefix('[').and_then(|w| w.strip_suffix(']'));
            text(key).is_empty()
                && pair.and_then(|p| p.split_once('/')).is_some_and(|(a, b)| {
                    [a, b]
                        .iter()
                        .all(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
                })
        }
        // `^${NEIGHBOR_NAME}$$` with `(\S+)`: a device ID on its own line that ends in a blank
        // (`fw1-clinical-partner `) does not match, so the row under it gets no name. Only a
        // one-word name can be this defect (`\S+` would have matched it but for the blank).
        ("cisco_nxos", "show_lldp_neighbors", "neighbor_name") => {
            let n = text(key);
            want.as_str() == Some("") && !n.is_empty() && !n.contains(char::is_whitespace)
        }
        // The template reads `input_packets` only from `N packets input, N bytes, N no buffer`
        // and `output_errors` only from `N output errors, N collisions, N interface resets`;
        // the shorter lines some interfaces print (`0 packets input, 0 bytes`,
        // `0 output errors, 0 interface resets`) leave them empty.
        ("cisco_ios", "show_interfaces", "input_packets" | "output_errors") => {
            want.as_str() == Some("") && text(key).parse::<u64>().is_ok()
        }
        // `^admin\s+state\s+is\s+${ADMIN_STATE}` with a lazy `(.+?)` and nothing after it: on
        // `admin state is up` (no comma) the value is its first character.
        ("cisco_nxos", "show_interface", "admin_state") => {
            let (got, w) = (text(key), want.as_str().unwrap_or_default());
            w.chars().count() == 1 && got.len() > 1 && got.starts_with(w)
        }
        // A capture with a garbled TX line (`0 jumbo pa  Encapsulation ARPA, medium is
        // broadcast`): the template's rule for it gives that count to `rx_jumbo_packets`,
        // overwriting the RX count; Hermes reads neither jumbo count from the garbled line.
        ("cisco_nxos", "show_interface", "rx_jumbo_packets") => {
            text("tx_jumbo_packets").is_empty()
                && text(key).parse::<u64>().is_ok()
                && want.as_str().is_some_and(|w| w.parse::<u64>().is_ok())
        }
        // `Value MANUFACTURER (\S+)` / `Value PART_NUMBER (\S+)`: a vendor name or part number
        // of several words (`name is Arista Networks`, `part number is WDM QSFP+-40G-SR`) is
        // cut to its first word.
        ("cisco_nxos", "show_interface_transceiver", "manufacturer" | "part_number") => {
            let (got, w) = (text(key), want.as_str().unwrap_or_default());
            !w.is_empty() && got.contains(' ') && got.split_whitespace().next() == Some(w)
        }
        // The status is read from `transceiver is X` only: a Nexus 5000 Fibre Channel port's
        // `fc1/48 sfp is present` leaves it empty.
        ("cisco_nxos", "show_interface_transceiver", "status") => {
            want.as_str() == Some("")
                && text("interface").starts_with("fc")
                && !text(key).is_empty()
        }
        // `^Platform\s*:\s*${PLATFORM}\s*,` with a greedy `(.*)`: the blanks before the comma
        // (`Platform: Cisco ,  Capabilities: ...`) stay on the value; Hermes trims them.
        ("cisco_ios", "show_cdp_neighbors_detail", "platform") => {
            let (got, w) = (text(key), want.as_str().unwrap_or_default());
            !got.is_empty() && w != got && w.trim_end() == got
        }
        // The template reads power only after `Power via MDI:`; the PoE+ TLV block (`PoE+
        // Power-via-MDI TLV:`, which prints the class as `Class 4`) is skipped line by line.
        (
            "cisco_ios",
            "show_lldp_neighbors_detail",
            "power_pair" | "power_class" | "power_device_type" | "power_priority" | "power_source"
            | "power_requested",
        ) => {
            want.as_str() == Some("")
                && !text(key).is_empty()
                && text("power_class").starts_with("Class ")
        }
        _ => false,
    }
}

/// Where ntc-templates' template drops a row the output has, recognised by rule on the parser's
/// record: such records are taken out of the parser's output before the comparison (and
/// [`ntc_dropped_rule`] checks each rule on a sample that shows it).
fn ntc_dropped(platform: &str, command: &str, got: &Value) -> bool {
    match (platform, command) {
        // `^\S+\s+unnumbered\s+\S+` is skipped without a record: an unnumbered interface (and
        // its `(loopback0)` source) is not in the template's output.
        ("cisco_nxos", "show_ip_interface_brief") => got["ip_address"] == "unnumbered",
        // `^Multicast\s+Entries -> End`: the template stops at the multicast table.
        ("cisco_ios", "show_mac-address-table") => got["multicast"] == true,
        _ => false,
    }
}

/// Every `.raw` sample: (platform, command, path). The samples have flat
/// `<platform>_<command>[_suffix].raw` names (`show_etherchannel_summary.raw` is an IOS sample);
/// one no parser claims is listed under platform `shared`.
fn samples() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    let shared = hermes_testkit::shared_data().join("netdev/ntc-templates");
    for f in std::fs::read_dir(&shared).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_none_or(|e| e != "raw") {
            continue;
        }
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        let hit = PARSERS.iter().find(|(p, c, _)| {
            [format!("{p}_{c}"), c.to_string()]
                .iter()
                .any(|pre| stem == *pre || stem.starts_with(&format!("{pre}_")))
        });
        match hit {
            Some((p, c, _)) => out.push((p.to_string(), c.to_string(), f)),
            None => out.push(("shared".into(), stem, f)),
        }
    }
    // Samples copied into the crate: `tests/data/ntc/<platform>_<command>/*.raw`.
    let own = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ntc");
    for dir in std::fs::read_dir(&own).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (p, c, _) = PARSERS
            .iter()
            .find(|(p, c, _)| name == format!("{p}_{c}"))
            .unwrap_or_else(|| panic!("{}: no parser for this directory", dir.display()));
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "raw") {
                out.push((p.to_string(), c.to_string(), f));
            }
        }
    }
    out.sort();
    out
}

fn expected(raw: &Path) -> Value {
    let yml = raw.with_extension("yml");
    let text = std::fs::read_to_string(&yml).unwrap_or_else(|e| panic!("{}: {e}", yml.display()));
    let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    serde_json::to_value(&doc["parsed_sample"]).unwrap()
}

/// Compares every sample of one command with ntc-templates' `parsed_sample` (values judged by
/// [`ntc_defect`] excepted); the number of samples compared, at least one.
fn check(platform: &str, command: &str) -> usize {
    let parser = PARSERS
        .iter()
        .find(|(p, c, _)| *p == platform && *c == command)
        .map(|(_, _, f)| *f)
        .unwrap();
    let mut n = 0;
    let mut failures = Vec::new();
    for (p, c, raw) in samples() {
        if p != platform || c != command {
            continue;
        }
        n += 1;
        let text = std::fs::read_to_string(&raw).unwrap();
        let mut got = parser(&text);
        if let Value::Array(records) = &mut got {
            records.retain(|r| !ntc_dropped(platform, command, r));
        }
        for (pp, cc, key) in NOT_IN_TEMPLATE {
            if *pp == platform && *cc == command {
                for rec in got.as_array_mut().into_iter().flatten() {
                    rec.as_object_mut().map(|o| o.remove(*key));
                }
            }
        }
        let mut want = expected(&raw);
        if let (Value::Array(g), Value::Array(w)) = (&got, &mut want) {
            for (g, w) in g.iter().zip(w.iter_mut()) {
                let Value::Object(wo) = w else { continue };
                for (k, wv) in wo.iter_mut() {
                    if g.get(k) != Some(wv) && ntc_defect(platform, command, k, g, wv) {
                        *wv = g[k].clone();
                    }
                }
            }
        }
        if got != want {
            failures.push(format!(
                "{}:\n{}",
                raw.display(),
                describe_diff(&got, &want)
            ));
        }
    }
    assert!(n > 0, "{platform} {command}: no sample to compare");
    assert!(
        failures.is_empty(),
        "{platform} {command}: {} of {n} samples differ from ntc-templates:\n{}",
        failures.len(),
        failures.join("\n")
    );
    n
}

fn describe_diff(got: &Value, want: &Value) -> String {
    let (Value::Array(g), Value::Array(w)) = (got, want) else {
        return format!("  got {got}\n  want {want}");
    };
    let mut out = Vec::new();
    if g.len() != w.len() {
        out.push(format!("  {} records, want {}", g.len(), w.len()));
    }
    for (i, (a, b)) in g.iter().zip(w).enumerate() {
        if a == b {
            continue;
        }
        let (Value::Object(a), Value::Object(b)) = (a, b) else {
            out.push(format!("  [{i}] got {a} want {b}"));
            continue;
        };
        let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
        for k in keys {
            if a.get(k) != b.get(k) {
                out.push(format!(
                    "  [{i}].{k}: got {} want {}",
                    a.get(k).map_or("(none)".into(), |v| v.to_string()),
                    b.get(k).map_or("(none)".into(), |v| v.to_string())
                ));
            }
        }
    }
    out.join("\n")
}

#[test]
fn every_sample_has_a_parser() {
    let mut unread: BTreeMap<String, usize> = BTreeMap::new();
    for (p, c, raw) in samples() {
        let covered = PARSERS.iter().any(|(pp, cc, _)| *pp == p && *cc == c);
        let excluded = EXCLUDED.iter().any(|(f, _)| raw.ends_with(f));
        if !covered && !excluded {
            *unread.entry(format!("{p}/{c}")).or_default() += 1;
        }
    }
    assert!(unread.is_empty(), "samples without a parser: {unread:?}");
}

#[test]
fn nxos_show_version() {
    check("cisco_nxos", "show_version");
}

#[test]
fn ios_show_version() {
    check("cisco_ios", "show_version");
}

#[test]
fn fortios_get_system_status() {
    check("fortinet", "get_system_status");
}

#[test]
fn hsrp_and_vrrp() {
    check("cisco_nxos", "show_hsrp_all");
    check("cisco_ios", "show_standby");
    check("cisco_ios", "show_vrrp_brief");
}

#[test]
fn routing_tables() {
    check("cisco_nxos", "show_ip_route");
    assert_eq!(check("cisco_ios", "show_ipv6_route"), 1);
    check("fortinet", "get_router_info_routing-table_all");
}

#[test]
fn access_lists() {
    check("cisco_nxos", "show_access-lists");
    check("cisco_ios", "show_ip_access-lists");
}

#[test]
fn fortios_system_interface() {
    check("fortinet", "get_system_interface");
}

#[test]
fn show_vlan() {
    check("cisco_nxos", "show_vlan");
    check("cisco_ios", "show_vlan");
}

#[test]
fn port_channel_summary() {
    check("cisco_nxos", "show_port-channel_summary");
    check("cisco_ios", "show_etherchannel_summary");
}

#[test]
fn ios_show_interfaces() {
    assert_eq!(check("cisco_ios", "show_interfaces"), 7);
}

#[test]
fn nxos_show_interface() {
    assert_eq!(check("cisco_nxos", "show_interface"), 15);
}

#[test]
fn fortios_ha_status_and_arp() {
    assert_eq!(check("fortinet", "get_system_ha_status"), 7);
    assert_eq!(check("fortinet", "get_system_arp"), 1);
}

#[test]
fn lldp_and_cdp_neighbors() {
    assert_eq!(check("cisco_ios", "show_lldp_neighbors"), 3);
    assert_eq!(check("cisco_nxos", "show_lldp_neighbors"), 2);
    assert_eq!(check("cisco_ios", "show_cdp_neighbors"), 4);
    assert_eq!(check("cisco_nxos", "show_cdp_neighbors"), 2);
}

#[test]
fn ip_interface_brief() {
    assert_eq!(check("cisco_ios", "show_ip_interface_brief"), 1);
    assert_eq!(check("cisco_nxos", "show_ip_interface_brief"), 4);
}

#[test]
fn interface_status() {
    assert_eq!(check("cisco_ios", "show_interfaces_status"), 4);
    assert_eq!(check("cisco_nxos", "show_interface_status"), 7);
}

#[test]
fn mac_address_table() {
    assert_eq!(check("cisco_ios", "show_mac-address-table"), 11);
    assert_eq!(check("cisco_nxos", "show_mac_address-table"), 1);
}

#[test]
fn inventory_arp_spanning_tree() {
    assert_eq!(check("cisco_ios", "show_inventory"), 1);
    assert_eq!(check("cisco_nxos", "show_inventory"), 4);
    assert_eq!(check("cisco_ios", "show_ip_arp"), 1);
    assert_eq!(check("cisco_ios", "show_arp"), 1);
    assert_eq!(check("cisco_nxos", "show_ip_arp"), 1);
    assert_eq!(check("cisco_ios", "show_spanning-tree"), 1);
}

#[test]
fn ospf_neighbors() {
    assert_eq!(check("cisco_ios", "show_ip_ospf_neighbor"), 2);
    assert_eq!(check("cisco_nxos", "show_ip_ospf_neighbor"), 2);
}

#[test]
fn bgp_summary() {
    assert_eq!(check("cisco_ios", "show_ip_bgp_summary"), 4);
    assert_eq!(check("cisco_nxos", "show_ip_bgp_summary"), 2);
}

#[test]
fn ios_show_processes_cpu() {
    assert_eq!(check("cisco_ios", "show_processes_cpu"), 1);
}

#[test]
fn nxos_show_module() {
    assert_eq!(check("cisco_nxos", "show_module"), 4);
}

#[test]
fn ios_show_switch_detail() {
    assert_eq!(check("cisco_ios", "show_switch_detail"), 6);
}

#[test]
fn ios_show_power_inline() {
    assert_eq!(check("cisco_ios", "show_power_inline"), 7);
}

#[test]
fn interface_transceiver() {
    assert_eq!(check("cisco_ios", "show_interface_transceiver"), 2);
    assert_eq!(check("cisco_nxos", "show_interface_transceiver"), 8);
    assert_eq!(check("cisco_nxos", "show_interface_transceiver_details"), 1);
}

#[test]
fn cdp_neighbors_detail() {
    assert_eq!(check("cisco_ios", "show_cdp_neighbors_detail"), 2);
    assert_eq!(check("cisco_nxos", "show_cdp_neighbors_detail"), 4);
}

#[test]
fn lldp_neighbors_detail() {
    assert_eq!(check("cisco_ios", "show_lldp_neighbors_detail"), 9);
    assert_eq!(check("cisco_nxos", "show_lldp_neighbors_detail"), 2);
}

#[test]
fn fortios_bgp_summary() {
    assert_eq!(check("fortinet", "get_router_info_bgp_summary"), 1);
}

#[test]
fn nxos_show_vpc() {
    assert_eq!(check("cisco_nxos", "show_vpc"), 1);
}

/// Every file in `tests/data/ntc` is listed in its SOURCES.md with its sha256, and every listed
/// file is there: a sample copied without provenance, or changed after copying, fails here.
#[test]
fn every_own_sample_is_in_sources_with_its_sha256() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ntc");
    let sources = std::fs::read_to_string(root.join("SOURCES.md")).unwrap();
    let mut listed = BTreeMap::new();
    for line in sources.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if let [_, file, _, sha, _] = cells.as_slice() {
            let (file, sha) = (file.trim_matches('`'), sha.trim_matches('`'));
            if sha.len() == 64 {
                listed.insert(file.to_string(), sha.to_string());
            }
        }
    }
    let mut on_disk = BTreeMap::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.is_dir() {
                dirs.push(f);
            } else if f.file_name().is_some_and(|n| n != "SOURCES.md") {
                let rel = f
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let bytes = std::fs::read(&f).unwrap();
                let sha: String = Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                on_disk.insert(rel, sha);
            }
        }
    }
    let missing: Vec<_> = on_disk
        .keys()
        .filter(|f| !listed.contains_key(*f))
        .collect();
    assert!(missing.is_empty(), "not in SOURCES.md: {missing:?}");
    let gone: Vec<_> = listed
        .keys()
        .filter(|f| !on_disk.contains_key(*f))
        .collect();
    assert!(gone.is_empty(), "listed in SOURCES.md but absent: {gone:?}");
    let changed: Vec<_> = on_disk
        .iter()
        .filter(|(f, sha)| listed[*f] != **sha)
        .map(|(f, _)| f)
        .collect();
    assert!(
        changed.is_empty(),
        "sha256 differs from SOURCES.md: {changed:?}"
    );
    assert!(on_disk.len() > 100);
}

fn own_sample(dir: &str, file: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ntc")
        .join(dir)
        .join(file);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The LLDP rule on the real sample that shows it: it holds for exactly the rows whose device ID
/// line ends in a blank (five), against ntc-templates' own values for that sample.
#[test]
fn ntc_defect_rule_lldp_trailing_blank() {
    let dir = "cisco_nxos_show_lldp_neighbors";
    let file = "cisco_nxos_show_lldp_neighbors_multiline.raw";
    let text = own_sample(dir, file);
    let raw_lines: Vec<&str> = text.lines().collect();
    let rows = many(show::parse_show_lldp_neighbors(&text));
    let want = expected(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/ntc")
            .join(dir)
            .join(file),
    );
    let (rows, want) = (rows.as_array().unwrap(), want.as_array().unwrap());
    assert_eq!(rows.len(), want.len());
    let mut hits = 0;
    for (r, w) in rows.iter().zip(want) {
        let name = r["neighbor_name"].as_str().unwrap();
        let on_own_line_with_blank = raw_lines.contains(&format!("{name} ").as_str());
        let defect = ntc_defect(
            "cisco_nxos",
            "show_lldp_neighbors",
            "neighbor_name",
            r,
            &w["neighbor_name"],
        );
        assert_eq!(defect, on_own_line_with_blank, "{name}");
        hits += usize::from(defect);
    }
    assert_eq!(hits, 5);
    let two_words = many(show::parse_show_lldp_neighbors(
        "Device ID            Local Intf      Hold-time  Capability  Port ID\n\
         Polycom VVX 500      Eth1/2          120        T           Port 1\n",
    ));
    assert!(!ntc_defect(
        "cisco_nxos",
        "show_lldp_neighbors",
        "neighbor_name",
        &two_words[0],
        &Value::from("")
    ));
}

/// The IOS `show interfaces` counter rule on the real samples: it holds for exactly the counters
/// whose interface block prints the short line the template does not read (eight of them).
#[test]
fn ntc_defect_rule_ios_interfaces_short_counter_lines() {
    let dir = "cisco_ios_show_interfaces";
    let mut hits = 0;
    for file in [
        "cisco_ios_show_interfaces.raw",
        "cisco_ios_show_interfaces2.raw",
        "cisco_ios_show_interfaces3.raw",
        "cisco_ios_show_interfaces4.raw",
    ] {
        let text = own_sample(dir, file);
        let rows = many(show::parse_ios_show_interfaces(&text));
        let want = expected(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/ntc")
                .join(dir)
                .join(file),
        );
        for (r, w) in rows
            .as_array()
            .unwrap()
            .iter()
            .zip(want.as_array().unwrap())
        {
            let name = r["interface"].as_str().unwrap();
            // The interface's block: from its header to the next header.
            let block: Vec<&str> = text
                .lines()
                .skip_while(|l| !l.starts_with(&format!("{name} is ")))
                .enumerate()
                .take_while(|(i, l)| *i == 0 || l.starts_with(' '))
                .map(|(_, l)| l)
                .collect();
            for (key, full, short) in [
                ("input_packets", "no buffer", "packets input"),
                ("output_errors", "collisions", "output errors"),
            ] {
                let defect = ntc_defect("cisco_ios", "show_interfaces", key, r, &w[key]);
                let short_line = block.iter().any(|l| l.contains(short) && !l.contains(full));
                if r[key] != w[key] {
                    assert_eq!(defect, short_line, "{file} {name} {key}");
                }
                hits += usize::from(defect && r[key] != w[key]);
            }
        }
    }
    assert_eq!(hits, 8);
}

/// The two NX-OS `show interface` rules on the real samples: each holds for exactly the
/// interfaces whose block shows its line (`admin state is up` with no comma, `Admin State: up`:
/// three; the garbled
/// `jumbo pa  Encapsulation` line: one).
#[test]
fn ntc_defect_rule_nxos_interface() {
    let dir = "cisco_nxos_show_interface";
    let (mut admin, mut jumbo) = (0, 0);
    let mut files: Vec<_> = std::fs::read_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/ntc")
            .join(dir),
    )
    .unwrap()
    .map(|f| f.unwrap().path())
    .filter(|f| f.extension().is_some_and(|e| e == "raw"))
    .collect();
    files.sort();
    for raw in files {
        let text = std::fs::read_to_string(&raw).unwrap();
        let rows = many(show::parse_nxos_show_interface(&text));
        let want = expected(&raw);
        for (r, w) in rows
            .as_array()
            .unwrap()
            .iter()
            .zip(want.as_array().unwrap())
        {
            let name = r["interface"].as_str().unwrap();
            let block: Vec<&str> = text
                .lines()
                .skip_while(|l| !l.starts_with(&format!("{name} is ")))
                .enumerate()
                .take_while(|(i, l)| {
                    *i == 0
                        || !l.contains(" is ")
                        || l.starts_with(char::is_whitespace)
                        || l.starts_with("admin")
                })
                .map(|(_, l)| l)
                .collect();
            for (key, line_shows_it) in [
                (
                    "admin_state",
                    block.iter().any(|l| {
                        l.trim_end() == "admin state is up" || l.trim() == "Admin State: up"
                    }),
                ),
                (
                    "rx_jumbo_packets",
                    block.iter().any(|l| l.contains("jumbo pa  Encapsulation")),
                ),
            ] {
                if r[key] == w[key] {
                    continue;
                }
                let defect = ntc_defect("cisco_nxos", "show_interface", key, r, &w[key]);
                assert_eq!(defect, line_shows_it, "{} {name} {key}", raw.display());
                if key == "admin_state" {
                    admin += usize::from(defect);
                } else {
                    jumbo += usize::from(defect);
                }
            }
        }
    }
    assert_eq!((admin, jumbo), (3, 1));
}

/// Each [`ntc_dropped`] rule drops exactly the records the real sample shows the template
/// dropping, and no other.
/// The NX-OS transceiver rules on the real samples that show them: exactly the multi-word vendor
/// names and part numbers, and the Fibre Channel port, against ntc-templates' own values.
#[test]
fn ntc_defect_rule_nxos_transceiver() {
    let (platform, command) = ("cisco_nxos", "show_interface_transceiver");
    let dir = "cisco_nxos_show_interface_transceiver";
    let mut judged = BTreeMap::new();
    for file in [
        "cisco_nxos_show_interface_transceiver.raw",
        "cisco_nxos_show_interface_transceiver2.raw",
        "cisco_nxos_show_interface_transceiver_fc_n5k.raw",
    ] {
        let text = own_sample(dir, file);
        let got = nxos_transceiver_rows(&text);
        let want = expected(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/ntc")
                .join(dir)
                .join(file),
        );
        for (g, w) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
            for key in ["manufacturer", "part_number", "status", "serial", "type"] {
                if g[key] != w[key] {
                    assert!(
                        ntc_defect(platform, command, key, g, &w[key]),
                        "{file} {key}: {g}"
                    );
                    *judged.entry(key).or_insert(0) += 1;
                }
            }
        }
    }
    assert_eq!(judged.get("manufacturer"), Some(&1), "Arista Networks");
    assert_eq!(
        judged.get("part_number"),
        Some(&2),
        "WDM QSFP+-40G-SR twice"
    );
    assert_eq!(judged.get("status"), Some(&1), "fc1/48 sfp is present");
    assert_eq!(judged.len(), 3);
    // A one-word value cut nowhere, or another first word, is not the defect.
    let g = serde_json::json!({"interface": "Ethernet1/1", "manufacturer": "CISCO-FINISAR", "status": "present"});
    assert!(!ntc_defect(
        platform,
        command,
        "manufacturer",
        &g,
        &"CISCO".into()
    ));
    assert!(!ntc_defect(platform, command, "status", &g, &"".into()));
}

/// The LLDP PoE+ TLV rule on the real samples: it covers the six power values of the one
/// neighbor that prints the PoE+ TLV (sample 1), and none of the `Power via MDI` values ntc-templates
/// reads (sample 5).
#[test]
fn ntc_defect_rule_lldp_poe_plus_tlv() {
    let dir = "cisco_ios_show_lldp_neighbors_detail";
    let lldp = ("cisco_ios", "show_lldp_neighbors_detail");
    let mut judged = 0;
    for file in [
        "cisco_ios_show_lldp_neighbors_detail1.raw",
        "cisco_ios_show_lldp_neighbors_detail5.raw",
    ] {
        let got = ios_lldp_detail_rows(&own_sample(dir, file));
        let want = expected(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/ntc")
                .join(dir)
                .join(file),
        );
        for (g, w) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
            for (k, wv) in w.as_object().unwrap() {
                if g[k] != *wv {
                    assert!(ntc_defect(lldp.0, lldp.1, k, g, wv), "{file} {k}");
                    judged += 1;
                } else if k.starts_with("power_") && !wv.as_str().unwrap().is_empty() {
                    // `Power via MDI` values: read by both, and not the PoE+ form.
                    assert!(!ntc_defect(lldp.0, lldp.1, k, g, &"".into()), "{file} {k}");
                }
            }
        }
    }
    assert_eq!(judged, 6);
}

/// The CDP platform rule on the real sample that shows it: exactly the one `Platform: Cisco ,`
/// row, against ntc-templates' own value.
#[test]
fn ntc_defect_rule_cdp_platform_blank() {
    let (dir, file) = (
        "cisco_ios_show_cdp_neighbors_detail",
        "cisco_ios_show_cdp_neighbors_detail.raw",
    );
    let got = ios_cdp_detail_rows(&own_sample(dir, file));
    let want = expected(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/ntc")
            .join(dir)
            .join(file),
    );
    let mut judged = Vec::new();
    for (g, w) in got.as_array().unwrap().iter().zip(want.as_array().unwrap()) {
        if g["platform"] != w["platform"] {
            let cdp = ("cisco_ios", "show_cdp_neighbors_detail");
            assert!(ntc_defect(cdp.0, cdp.1, "platform", g, &w["platform"]));
            judged.push(g["platform"].clone());
        }
    }
    assert_eq!(judged, ["Cisco"]);
    let g = serde_json::json!({"platform": "Cisco"});
    let cdp = ("cisco_ios", "show_cdp_neighbors_detail");
    assert!(!ntc_defect(
        cdp.0,
        cdp.1,
        "platform",
        &g,
        &"Cisco 3825".into()
    ));
    assert!(!ntc_defect(cdp.0, cdp.1, "platform", &g, &"Cisco".into()));
}

#[test]
fn ntc_dropped_rule() {
    let text = own_sample(
        "cisco_nxos_show_ip_interface_brief",
        "cisco_nxos_show_ip_interface_brief_vrf_all_01.raw",
    );
    let rows = many(show::parse_nxos_show_ip_interface_brief(&text));
    let dropped: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| ntc_dropped("cisco_nxos", "show_ip_interface_brief", r))
        .collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["interface"], "mti6");
    assert_eq!(dropped[0]["unnumbered_from"], "loopback0");

    let text = own_sample(
        "cisco_ios_show_mac-address-table",
        "cisco_ios_show_mac-address-table7.raw",
    );
    let rows = many(show::parse_ios_show_mac_address_table(&text));
    let rows = rows.as_array().unwrap();
    let dropped = rows
        .iter()
        .filter(|r| ntc_dropped("cisco_ios", "show_mac-address-table", r))
        .count();
    assert_eq!(dropped, 5, "the five rows of `Multicast Entries`");
    let vlan48 = rows
        .iter()
        .find(|r| r["multicast"] == true && r["vlan_id"] == "48")
        .unwrap();
    assert_eq!(vlan48["destination_port"].as_array().unwrap().len(), 20);
    assert!(!ntc_dropped(
        "cisco_ios",
        "show_mac-address-table",
        &rows[0]
    ));
    assert!(!ntc_dropped("cisco_ios", "show_vlan", &rows[0]));
}

/// The shared samples show none of these template defects, so the rules are checked here on
/// records of the parsers' own output (hand-written text) against what the defective template
/// would give.
#[test]
fn ntc_defect_rule() {
    let standby = many(show::parse_ios_show_standby(
        "Vlan210 - Group 4\n  State is Standby\n    27 state changes, last state change 3d07h\n",
    ));
    let g = &standby[0];
    assert_eq!(g["state_changes"], "27");
    let is_defect = |want: &str| {
        ntc_defect(
            "cisco_ios",
            "show_standby",
            "state_changes",
            g,
            &Value::from(want),
        )
    };
    assert!(is_defect("7"), "the greedy `.*` keeps the last digit");
    assert!(!is_defect("2"));
    assert!(!is_defect("28"));
    let one_digit = many(show::parse_ios_show_standby(
        "Vlan210 - Group 4\n  State is Standby\n    3 state changes, last state change 00:41:12\n",
    ));
    assert!(!ntc_defect(
        "cisco_ios",
        "show_standby",
        "state_changes",
        &one_digit[0],
        &Value::from("3")
    ));

    let routes = many(show::parse_nxos_show_ip_route(
        "IP Route Table for VRF \"blue\"\n172.20.8.0/22, ubest/mbest: 1/0\n\
         \x20   *via 172.20.0.9, Vlan208, [110/41], 1w2d, ospf-7, intra\n\
         \nIP Route Table for VRF \"green\"\nRoute not found\n",
    ));
    let (found, not_found) = (&routes[0], &routes[1]);
    let filled_down = Value::from("172.20.8.0");
    assert!(ntc_defect(
        "cisco_nxos",
        "show_ip_route",
        "network",
        not_found,
        &filled_down
    ));
    assert!(ntc_defect(
        "cisco_nxos",
        "show_ip_route",
        "prefix_length",
        not_found,
        &Value::from("22")
    ));
    assert!(!ntc_defect(
        "cisco_nxos",
        "show_ip_route",
        "network",
        found,
        &Value::from("172.20.12.0")
    ));

    let forti = many(show::parse_fortios_routing_table(
        "Routing table for VRF=0\nS*      0.0.0.0/0 [10/0] via 100.1.1.1, port2, [1/0]\n\
         B       10.1.0.0/16 [20/0] via 169.254.1.2, vxc, 00:02:28, [1/0]\n",
    ));
    let age = |r: &Value, want: &str| {
        ntc_defect(
            "fortinet",
            "get_router_info_routing-table_all",
            "last_time_update",
            r,
            &Value::from(want),
        )
    };
    assert_eq!(forti[0]["last_time_update"], "");
    assert!(
        age(&forti[0], "[1/0]"),
        "the weight/priority read as the age"
    );
    assert!(!age(&forti[0], "00:02:28"));
    assert!(!age(&forti[0], "[1/]"));
    assert_eq!(forti[1]["last_time_update"], "00:02:28");
    assert!(!age(&forti[1], "[1/0]"), "a route with an age of its own");
    assert!(!ntc_defect(
        "cisco_ios",
        "show_vrrp_brief",
        "state",
        g,
        &Value::from("Master")
    ));
}

mod robustness {
    //! Whatever the text, the parsers return (no panic): sample lines cut at any character,
    //! shuffled, and with non-ASCII text spliced in.
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::mixed::mixed_text;

    use super::{samples, PARSERS};

    fn lines() -> &'static Vec<String> {
        static LINES: OnceLock<Vec<String>> = OnceLock::new();
        LINES.get_or_init(|| {
            let mut all = Vec::new();
            for (_, _, raw) in samples() {
                let text = std::fs::read_to_string(raw).unwrap();
                all.extend(text.lines().map(String::from));
            }
            all
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn parsers_never_panic(
            picks in prop::collection::vec((any::<prop::sample::Index>(), 0usize..200, any::<bool>()), 1..40),
            junk in "[ -~éß€(),:/\\[\\]\t]{0,12}",
        ) {
            let text = mixed_text(lines(), &picks, &junk);
            for (_, _, parse) in PARSERS {
                let _ = parse(&text);
            }
            // No sample in shared/ for IOS `show ip route`; its cases are in its unit tests.
            let _ = hermes_netdev::show::parse_ios_show_ip_route(&text);
            // No ntc-templates sample for the NTP tables; their cases are in their unit tests.
            let _ = hermes_netdev::show::parse_ios_show_ntp_associations(&text);
            let _ = hermes_netdev::show::parse_nxos_show_ntp_peer_status(&text);
            let _ = hermes_netdev::firmware::FirmwareVersion::parse(&text);
            // No ntc-templates sample for these FortiOS outputs nor IOS `show interfaces
            // transceiver detail`; their cases are in their unit tests.
            let _ = hermes_netdev::show::parse_fortios_performance_status(&text);
            let _ = hermes_netdev::show::parse_fortios_hardware_status(&text);
            let _ = hermes_netdev::show::parse_ios_show_interfaces_transceiver_detail(&text);
            // No ntc-templates sample for the trunk tables; genieparser's cases are in its unit tests.
            let trunks = hermes_netdev::show::parse_show_interfaces_trunk(&text);
            for list in trunks.iter().filter_map(|p| p.vlans_allowed.as_deref()) {
                let _ = hermes_netdev::show::vlan_ids(list);
            }
        }
    }
}

#[test]
fn nxos_show_environment() {
    assert_eq!(check("cisco_nxos", "show_environment"), 2);
}

/// LLDP-MED network policies on the real samples that print them (before: not read; the
/// template does not read them either).
#[test]
fn lldp_med_network_policies() {
    let dir = "cisco_ios_show_lldp_neighbors_detail";
    let policies = |file: &str| -> Vec<(String, String)> {
        show::parse_show_lldp_neighbors_detail(&own_sample(dir, file))
            .iter()
            .flat_map(|n| {
                n.network_policies.iter().map(|p| {
                    (
                        n.local_interface.clone().unwrap_or_default(),
                        format!(
                            "{} vlan={:?} tagged={} prio={:?} dscp={:?}",
                            p.application, p.vlan, p.tagged, p.priority, p.dscp
                        ),
                    )
                })
            })
            .collect()
    };
    let p = |i: &str, s: &str| (i.to_string(), s.to_string());
    assert_eq!(
        policies("cisco_ios_show_lldp_neighbors_detail3.raw"),
        [
            p(
                "Gi0/1/7",
                "Voice vlan=Some(10) tagged=true prio=Some(5) dscp=Some(46)"
            ),
            p(
                "Gi0/1/7",
                "Voice Signal vlan=Some(10) tagged=true prio=Some(4) dscp=Some(32)"
            ),
        ]
    );
    assert_eq!(
        policies("cisco_ios_show_lldp_neighbors_detail4.raw"),
        [p(
            "Gi2/0/13",
            "Voice vlan=Some(174) tagged=true prio=Some(5) dscp=Some(46)"
        )]
    );
    // `VLAN data, untagged`: the port's data VLAN, no number.
    assert_eq!(
        policies("cisco_ios_show_lldp_neighbors_detail6.raw"),
        [
            p(
                "Gi1/0/22",
                "Voice vlan=None tagged=false prio=Some(5) dscp=Some(46)"
            ),
            p(
                "Gi1/0/22",
                "Voice Signal vlan=None tagged=false prio=Some(3) dscp=Some(46)"
            ),
        ]
    );
    // The policy is the second neighbor's, not the first's.
    assert_eq!(
        policies("cisco_ios_show_lldp_neighbors_detail_01.raw"),
        [p(
            "Gi1/0/1",
            "Voice vlan=Some(2046) tagged=true prio=Some(5) dscp=Some(46)"
        )]
    );
    // `Network Policies - not advertised` is none.
    assert!(show::parse_show_lldp_neighbors_detail(&own_sample(
        dir,
        "cisco_ios_show_lldp_neighbors_detail1.raw"
    ))
    .iter()
    .all(|n| n.network_policies.is_empty()));
}
