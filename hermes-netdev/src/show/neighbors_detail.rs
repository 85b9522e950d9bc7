//! IOS / NX-OS `show cdp neighbors detail` and `show lldp neighbors detail`.

use serde::{Deserialize, Serialize};

/// One neighbor of `show cdp neighbors detail` (IOS and NX-OS print the same blocks, NX-OS with
/// `System Name` and `Interface address(es)` / `Mgmt address(es)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CdpNeighborDetail {
    /// `Device ID` as printed (`desktop-switch`, NX-OS `dc-lf03(SAL19069XXX)`).
    pub device_id: String,
    /// NX-OS `System Name`.
    pub system_name: Option<String>,
    /// The addresses under `Entry address(es)` (IOS) / `Interface address(es)` (NX-OS).
    pub interface_addresses: Vec<String>,
    /// The addresses under `Management address(es)` / `Mgmt address(es)`.
    pub management_addresses: Vec<String>,
    /// The neighbor's platform (`cisco WS-C2960-8TC-L`, `N9K-C9372TX`).
    pub platform: Option<String>,
    /// Its capabilities as printed (`Router Switch IGMP`).
    pub capabilities: Option<String>,
    /// The local port (`Interface:`).
    pub local_interface: Option<String>,
    /// The neighbor's port (`Port ID (outgoing port)`).
    pub neighbor_interface: Option<String>,
    /// Hold time, seconds.
    pub holdtime: Option<u32>,
    /// The software version block (lines joined with `\n`); its first line is what the device
    /// runs.
    pub version: Option<String>,
    /// The neighbor port's native VLAN.
    pub native_vlan: Option<u16>,
    /// The neighbor port's duplex (`full`, `half`).
    pub duplex: Option<String>,
    /// VTP management domain (`''` as printed when empty).
    pub vtp_domain: Option<String>,
    /// NX-OS: the neighbor port's MTU.
    pub mtu: Option<u32>,
}

impl CdpNeighborDetail {
    /// The first line of the version block (`Cisco IOS Software, C2960 Software ...`).
    pub fn description(&self) -> Option<&str> {
        self.version.as_deref().and_then(|v| v.lines().next())
    }
}

/// The address list a CDP block's lines are being read into.
#[derive(Clone, Copy, PartialEq)]
enum CdpList {
    None,
    Interface,
    Management,
    Version,
}

/// Whether `t` is a line of the block after the version text rather than more of it: the labels
/// IOS and NX-OS print after `Version :`, a dashed rule, or the total.
fn ends_version(t: &str) -> bool {
    const AFTER: &[&str] = &[
        "advertisement version",
        "protocol hello",
        "vtp management domain",
        "native vlan",
        "duplex",
        "management address",
        "mgmt address",
        "total cdp entries",
        "power drawn",
        "power request",
        "power available",
        "physical location",
        "system name",
        "unidirectional mode",
        "mtu:",
        "---",
    ];
    let lower = t.to_ascii_lowercase();
    AFTER.iter().any(|a| lower.starts_with(a))
}

/// The address on an address line (`IP address: 10.1.1.2`, `IPv4 Address: 10.1.100.1`, `IPv6
/// address: FE80::1  (link-local)`), `None` for other lines.
fn address_line(t: &str) -> Option<&str> {
    let (label, value) = t.split_once(':')?;
    let label = label.trim().to_ascii_lowercase();
    if !matches!(
        label.as_str(),
        "ip address" | "ipv4 address" | "ipv6 address" | "clns address" | "appletalk address"
    ) {
        return None;
    }
    value.split_whitespace().next()
}

/// Parses IOS / IOS-XE / NX-OS `show cdp neighbors detail`: one record per `Device ID` block with
/// its addresses, platform, capabilities, ports, hold time, version block, native VLAN, duplex,
/// VTP domain and MTU. Blocks are split at `Device ID` (the dashed lines between them are not
/// needed: NX-OS omits them at times); lines the parser does not use (advertisement version,
/// protocol hello, power) are skipped.
///
/// ```
/// let n = hermes_netdev::show::parse_show_cdp_neighbors_detail(
///     "-------------------------\n\
///      Device ID: desktop-switch\n\
///      Entry address(es):\n\
///      \x20 IP address: 10.1.1.2\n\
///      Platform: cisco WS-C2960-8TC-L,  Capabilities: Switch IGMP\n\
///      Interface: GigabitEthernet1/0/16,  Port ID (outgoing port): GigabitEthernet0/1\n\
///      Holdtime : 164 sec\n\
///      \n\
///      Version :\n\
///      Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE9\n\
///      \n\
///      Native VLAN: 1\n",
/// );
/// assert_eq!(n[0].device_id, "desktop-switch");
/// assert_eq!(n[0].interface_addresses, ["10.1.1.2"]);
/// assert_eq!(n[0].platform.as_deref(), Some("cisco WS-C2960-8TC-L"));
/// assert_eq!(n[0].neighbor_interface.as_deref(), Some("GigabitEthernet0/1"));
/// assert_eq!(n[0].holdtime, Some(164));
/// assert!(n[0].description().unwrap().starts_with("Cisco IOS Software, C2960"));
/// assert_eq!(n[0].native_vlan, Some(1));
/// ```
pub fn parse_show_cdp_neighbors_detail(text: &str) -> Vec<CdpNeighborDetail> {
    let mut out: Vec<CdpNeighborDetail> = Vec::new();
    let mut list = CdpList::None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(id) = t.strip_prefix("Device ID") {
            let id = id.trim_start().trim_start_matches(':').trim();
            out.push(CdpNeighborDetail {
                device_id: id.to_string(),
                ..CdpNeighborDetail::default()
            });
            list = CdpList::None;
            continue;
        }
        let Some(n) = out.last_mut() else { continue };
        if list == CdpList::Version {
            if t.is_empty() {
                list = CdpList::None;
                continue;
            }
            if ends_version(t) {
                // No blank line after the version (SG300, MikroTik, IOS 12.2 neighbors).
                list = CdpList::None;
            } else {
                let v = n.version.get_or_insert_with(String::new);
                if !v.is_empty() {
                    v.push('\n');
                }
                v.push_str(t);
                continue;
            }
        }
        if let Some(addr) = address_line(t) {
            match list {
                CdpList::Interface => n.interface_addresses.push(addr.to_string()),
                CdpList::Management => n.management_addresses.push(addr.to_string()),
                _ => {}
            }
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("entry address") || lower.starts_with("interface address") {
            list = CdpList::Interface;
            continue;
        }
        if lower.starts_with("management address") || lower.starts_with("mgmt address") {
            list = CdpList::Management;
            continue;
        }
        if t.is_empty() || t.starts_with("---") {
            continue;
        }
        list = CdpList::None;
        if lower.starts_with("version")
            && t.trim_end_matches([' ', ':'])
                .eq_ignore_ascii_case("version")
        {
            list = CdpList::Version;
        } else if let Some(rest) = t.strip_prefix("Platform") {
            // `Platform: cisco WS-C2960-8TC-L,  Capabilities: Switch IGMP`
            let rest = rest.trim_start().trim_start_matches(':');
            let (platform, caps) = match rest.rfind("Capabilities") {
                Some(at) => (&rest[..at], Some(&rest[at + "Capabilities".len()..])),
                None => (rest, None),
            };
            n.platform = super::non_empty(platform.trim().trim_end_matches(',').trim());
            n.capabilities =
                caps.and_then(|c| super::non_empty(c.trim_start().trim_start_matches(':').trim()));
        } else if let Some(rest) = t.strip_prefix("Interface:") {
            // `Interface: Gi1/0/16,  Port ID (outgoing port): Gi0/1`
            let (local, port) = match rest.split_once("Port ID (outgoing port):") {
                Some((l, p)) => (l, Some(p)),
                None => (rest, None),
            };
            n.local_interface = super::non_empty(local.trim().trim_end_matches(',').trim());
            n.neighbor_interface = port.and_then(|p| super::non_empty(p.trim()));
        } else if let Some(v) = super::field(t, "Holdtime") {
            n.holdtime = v.split_whitespace().next().and_then(|s| s.parse().ok());
        } else if let Some(v) = super::field(t, "System Name") {
            n.system_name = super::non_empty(v);
        } else if let Some(v) = super::field(t, "Native VLAN") {
            n.native_vlan = v.parse().ok();
        } else if let Some(v) = super::field(t, "Duplex").or_else(|| super::field(t, "Duplex Mode"))
        {
            n.duplex = super::non_empty(v);
        } else if let Some(v) = super::field(t, "VTP Management Domain")
            .or_else(|| super::field(t, "VTP Management Domain Name"))
        {
            // IOS quotes the name (`'Accounting Group'`, `''` for none).
            let v = v
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .unwrap_or(v);
            n.vtp_domain = super::non_empty(v);
        } else if let Some(v) = super::field(t, "MTU") {
            n.mtu = v.parse().ok();
        }
    }
    out
}

/// One neighbor of `show lldp neighbors detail` (IOS: `Local Intf` blocks between dashed rules;
/// NX-OS: `Chassis id` blocks with `Local Port id`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LldpNeighborDetail {
    /// The local port (`Local Intf` / NX-OS `Local Port id`).
    pub local_interface: Option<String>,
    /// `Chassis id` (a MAC, an address or a name).
    pub chassis_id: Option<String>,
    /// `Port id` (the neighbor's port ID: a name, MAC or number).
    pub port_id: Option<String>,
    /// `Port Description`.
    pub port_description: Option<String>,
    /// `System Name`.
    pub system_name: Option<String>,
    /// `System Description`, lines joined with `\n`.
    pub system_description: Option<String>,
    /// Seconds before the entry expires (`Time remaining`).
    pub time_remaining: Option<u32>,
    /// `System Capabilities` as printed (`B,R`).
    pub system_capabilities: Option<String>,
    /// `Enabled Capabilities` as printed.
    pub capabilities: Option<String>,
    /// The management addresses, IPv4 (`IP:` / `Management Address:`) and IPv6, in order.
    pub management_addresses: Vec<String>,
    /// `Vlan ID` (the neighbor port's VLAN), when advertised.
    pub vlan_id: Option<u16>,
    /// IOS `Peer Source MAC`.
    pub mac_address: Option<String>,
    /// LLDP-MED inventory: serial number.
    pub serial: Option<String>,
    /// LLDP-MED inventory: manufacturer.
    pub manufacturer: Option<String>,
    /// LLDP-MED inventory: model.
    pub platform: Option<String>,
    /// LLDP-MED inventory: hardware revision.
    pub hw_revision: Option<String>,
    /// LLDP-MED inventory: firmware revision.
    pub fw_revision: Option<String>,
    /// LLDP-MED inventory: software revision.
    pub sw_revision: Option<String>,
    /// Power via MDI: the pair (`Signal`, `Spare`).
    pub power_pair: Option<String>,
    /// Power via MDI: the class as printed (`4`; `Class 4` in the PoE+ TLV).
    pub power_class: Option<String>,
    /// Power via MDI: the device type (`2`, `Type 2 PD`).
    pub power_device_type: Option<String>,
    /// Power via MDI: priority (`High`, `unknown`).
    pub power_priority: Option<String>,
    /// Power via MDI: source (`PSE`).
    pub power_source: Option<String>,
    /// Power via MDI: milliwatts requested.
    pub power_requested: Option<u32>,
    /// PoE+ TLV: milliwatts allocated.
    pub power_allocated: Option<u32>,
    /// LLDP-MED network policies (`Network Policy(Voice): VLAN 10, tagged, Layer-2 priority:
    /// 5, DSCP: 46`), in the order printed; empty when none is advertised.
    #[serde(default)]
    pub network_policies: Vec<LldpNetworkPolicy>,
}

/// One LLDP-MED network policy of `show lldp neighbors detail`: the VLAN, priority and DSCP an
/// endpoint (an IP phone) asks for one application.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LldpNetworkPolicy {
    /// The application as printed: `Voice`, `Voice Signal`, `Guest Voice`, `Video
    /// Conferencing`...
    pub application: String,
    /// The VLAN; `None` for `VLAN data` (the port's data VLAN, untagged) or a value that is not
    /// a number.
    pub vlan: Option<u16>,
    /// Whether the traffic is tagged (`tagged` / `untagged`).
    pub tagged: bool,
    /// The 802.1p priority (`Layer-2 priority`).
    pub priority: Option<u8>,
    /// The DSCP value.
    pub dscp: Option<u8>,
}

impl LldpNetworkPolicy {
    /// `Voice` and `VLAN 10, tagged, Layer-2 priority: 5, DSCP: 46`; `None` when nothing of it
    /// reads.
    fn parse(application: &str, value: &str) -> Option<Self> {
        let mut p = LldpNetworkPolicy {
            application: application.trim().to_string(),
            ..Default::default()
        };
        let mut read = false;
        for part in value.split(',').map(str::trim) {
            let lower = part.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("vlan") {
                p.vlan = v.trim().parse().ok();
                read = true;
            } else if lower == "tagged" || lower == "untagged" {
                p.tagged = lower == "tagged";
                read = true;
            } else if let Some((k, v)) = lower.split_once(':') {
                match k.trim() {
                    "layer-2 priority" => p.priority = v.trim().parse().ok(),
                    "dscp" => p.dscp = v.trim().parse().ok(),
                    _ => continue,
                }
                read = true;
            }
        }
        (read && !p.application.is_empty()).then_some(p)
    }
}

impl LldpNeighborDetail {
    /// The first line of the system description.
    pub fn description(&self) -> Option<&str> {
        self.system_description
            .as_deref()
            .and_then(|v| v.lines().next())
    }

    fn is_empty(&self) -> bool {
        self.local_interface.is_none() && self.chassis_id.is_none() && self.port_id.is_none()
    }
}

/// `value` unless it is `not advertised` (NX-OS) or empty.
fn advertised(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty() && !v.eq_ignore_ascii_case("not advertised") && !v.starts_with("- not"))
        .then(|| v.to_string())
}

/// Parses IOS / IOS-XE / NX-OS `show lldp neighbors detail`: one record per neighbor with its
/// ports, system name and description (every line), capabilities, management addresses, VLAN,
/// LLDP-MED inventory, power (both the `Power via MDI` block and the PoE+ TLV) and network
/// policies (`Network Policy(Voice): VLAN 10, tagged, Layer-2 priority: 5, DSCP: 46`). A record
/// starts at a dashed rule or when `Local Intf` / `Chassis id` is printed again; `- not
/// advertised` values are `None`. The capability legend, the brief table's header, media
/// capability lists and prompts are skipped.
///
/// ```
/// let n = hermes_netdev::show::parse_show_lldp_neighbors_detail(
///     "------------------------------------------------\n\
///      Local Intf: Gi1/0/2\n\
///      Chassis id: 7c25.86c9.aaaa\n\
///      Port id: 502\n\
///      Port Description: ge-0/0/0.0\n\
///      System Name - not advertised\n\
///      \n\
///      System Description:\n\
///      Juniper Networks, Inc. ex2200-24t-4g , version 12.3R9.4\n\
///      \n\
///      Time remaining: 116 seconds\n\
///      Enabled Capabilities: B,R\n\
///      Management Addresses:\n\
///      \x20   IP: 10.0.0.2\n\
///      Vlan ID: 1\n\
///      ------------------------------------------------\n",
/// );
/// assert_eq!(n.len(), 1);
/// assert_eq!(n[0].local_interface.as_deref(), Some("Gi1/0/2"));
/// assert_eq!(n[0].port_description.as_deref(), Some("ge-0/0/0.0"));
/// assert_eq!(n[0].system_name, None);
/// assert!(n[0].description().unwrap().starts_with("Juniper"));
/// assert_eq!(n[0].management_addresses, ["10.0.0.2"]);
/// assert_eq!(n[0].vlan_id, Some(1));
/// ```
pub fn parse_show_lldp_neighbors_detail(text: &str) -> Vec<LldpNeighborDetail> {
    let mut out = Vec::new();
    let mut cur = LldpNeighborDetail::default();
    // Reading the description's lines (until a blank line or `Time remaining`).
    let mut in_description = false;
    let mut in_addresses = false;
    let mut push = |cur: &mut LldpNeighborDetail| {
        let done = std::mem::take(cur);
        if !done.is_empty() {
            out.push(done);
        }
    };
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("---") || t.starts_with("Total entries displayed") {
            push(&mut cur);
            in_description = false;
            in_addresses = false;
            continue;
        }
        let (label, value) = match t.split_once(':') {
            Some((l, v)) => (l.trim().to_ascii_lowercase(), v.trim()),
            None => (t.to_ascii_lowercase(), ""),
        };
        let label = label.as_str();
        if in_description {
            let next_field = matches!(
                label,
                "time remaining" | "system capabilities" | "enabled capabilities"
            );
            if t.is_empty() && cur.system_description.is_some() || next_field {
                in_description = false;
            } else {
                if !t.is_empty() {
                    let d = cur.system_description.get_or_insert_with(String::new);
                    if !d.is_empty() {
                        d.push('\n');
                    }
                    d.push_str(t);
                }
                continue;
            }
        }
        if in_addresses {
            match label {
                "ip" | "ipv6" => {
                    if let Some(a) = advertised(value) {
                        cur.management_addresses.push(a);
                    }
                    continue;
                }
                "oid" => continue,
                _ if line.starts_with(char::is_whitespace) && !t.contains(':') => continue,
                _ => in_addresses = false,
            }
        }
        match label {
            "local intf" | "local port id" => {
                if cur.local_interface.is_some() {
                    push(&mut cur);
                }
                cur.local_interface = advertised(value);
            }
            "chassis id" => {
                if cur.chassis_id.is_some() {
                    push(&mut cur);
                }
                cur.chassis_id = advertised(value);
            }
            "port id" => cur.port_id = advertised(value),
            "port description" => cur.port_description = advertised(value),
            "system name" => cur.system_name = advertised(value),
            "system description" => {
                cur.system_description = advertised(value);
                in_description = t.contains(':');
            }
            "time remaining" => {
                cur.time_remaining = value.split_whitespace().next().and_then(|v| v.parse().ok());
            }
            "system capabilities" => cur.system_capabilities = advertised(value),
            "enabled capabilities" => cur.capabilities = advertised(value),
            "management addresses" => in_addresses = true,
            "management address" | "management address ipv6" => {
                if let Some(a) = advertised(value) {
                    cur.management_addresses.push(a);
                }
            }
            "vlan id" => cur.vlan_id = value.parse().ok(),
            "peer source mac" => cur.mac_address = advertised(value),
            "serial number" => cur.serial = advertised(value),
            "manufacturer" => cur.manufacturer = advertised(value),
            "model" => cur.platform = advertised(value),
            "h/w revision" => cur.hw_revision = advertised(value),
            "f/w revision" => cur.fw_revision = advertised(value),
            "s/w revision" => cur.sw_revision = advertised(value),
            "power pair" => cur.power_pair = advertised(value),
            "power class" => cur.power_class = advertised(value),
            "power device type" => cur.power_device_type = advertised(value),
            "power priority" => cur.power_priority = advertised(value),
            "power source" => cur.power_source = advertised(value),
            "power requested" => {
                cur.power_requested = value.split_whitespace().next().and_then(|v| v.parse().ok());
            }
            "power allocated" => {
                cur.power_allocated = value.split_whitespace().next().and_then(|v| v.parse().ok());
            }
            _ => {
                // `Network Policy(Voice Signal): VLAN 10, ...` (the label keeps its case here).
                let app = t
                    .split_once(':')
                    .and_then(|(l, _)| l.trim().strip_prefix("Network Policy("))
                    .and_then(|a| a.strip_suffix(')'));
                if let Some(p) = app.and_then(|a| LldpNetworkPolicy::parse(a, value)) {
                    cur.network_policies.push(p);
                }
            }
        }
    }
    push(&mut cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ntc-templates `cisco_nxos_show_cdp_neighbors_detail_move_record.raw`: NX-OS blocks without
    /// dashed lines between them, `Device ID:` glued to its value.
    #[test]
    fn nxos_blocks_without_separators() {
        let n = parse_show_cdp_neighbors_detail(
            "Device ID:redacted.test.com\n\
             VTP Management Domain Name: brwn\n\
             \n\
             Interface address(es):\n\
             \x20   IPv4 Address: 10.0.0.1\n\
             Platform: C9300-48UXM, Capabilities: Switch IGMP Filtering \n\
             Interface: Ethernet7/14, Port ID (outgoing port): TenGigabitEthernet1/1/7\n\
             Holdtime: 133 sec\n\
             \n\
             Version:\n\
             Cisco IOS Software [Everest], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 16.6.6\n\
             Technical Support: http://www.cisco.com/techsupport\n\
             \n\
             Mgmt address(es):\n\
             \x20   IPv4 Address: 10.0.0.1\n\
             Device ID:redacted.test.com\n\
             Interface address(es):\n\
             \x20   IPv4 Address: 10.0.0.3\n\
             MTU: 1500\n",
        );
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].device_id, "redacted.test.com");
        assert_eq!(n[0].vtp_domain.as_deref(), Some("brwn"));
        assert_eq!(n[0].capabilities.as_deref(), Some("Switch IGMP Filtering"));
        assert_eq!(n[0].version.as_deref().unwrap().lines().count(), 2);
        assert_eq!(n[0].management_addresses, ["10.0.0.1"]);
        assert_eq!(n[1].interface_addresses, ["10.0.0.3"]);
        assert_eq!(n[1].mtu, Some(1500));
    }

    /// genieparser `ios/tests/ShowCdpNeighborsDetail/cli/equal/device_output_3_output.txt` and
    /// `device_output_8_output.txt` (Apache-2.0): the version text runs into the labels after it
    /// (no blank line), `Duplex Mode:`, a quoted VTP domain, IPv6 entry addresses.
    #[test]
    fn version_without_blank_line_after_it() {
        let n = parse_show_cdp_neighbors_detail(
            "Device# show cdp neighbors detail
             Device ID: device.cisco.com
             Entry address(es):
                 IPv6 address: FE80::203:E3FF:FE6A:BF81  (link-local)
             Platform: cisco 3640,  Capabilities: Router
             Holdtime : 160 sec
             Version :
             Cisco Internetwork Operating System Software IOS (tm) 3600 Software (C3640-A2IS-M), Version 12.2(25)SEB4, RELE)
             advertisement version: 2
             Duplex Mode: half
             Native VLAN: 42
             VTP Management Domain: 'Accounting Group'
             Device ID: router1
             Version :
             10.16.0.62
             advertisement version: 2
             Native VLAN: 1
             Duplex: full
             -------------------------
             Device ID: Router02
             Version :
             6.40.5 (stable)
             advertisement version: 1
             Total cdp entries displayed : 2
",
        );
        assert_eq!(n.len(), 3);
        assert_eq!(n[0].version.as_deref().unwrap().lines().count(), 1);
        assert_eq!(n[0].duplex.as_deref(), Some("half"));
        assert_eq!(n[0].native_vlan, Some(42));
        assert_eq!(n[0].vtp_domain.as_deref(), Some("Accounting Group"));
        assert_eq!(n[0].interface_addresses, ["FE80::203:E3FF:FE6A:BF81"]);
        assert_eq!(n[1].version.as_deref(), Some("10.16.0.62"));
        assert_eq!(
            (n[1].native_vlan, n[1].duplex.as_deref()),
            (Some(1), Some("full"))
        );
        assert_eq!(n[2].version.as_deref(), Some("6.40.5 (stable)"));
    }

    /// genieparser `nxos/tests/ShowLldpNeighborsDetail/cli/equal/golden_output1_output.txt`
    /// (Apache-2.0): NX-OS blocks (`Chassis id` first, `Local Port id`, a description continued
    /// over lines with colons in them, `not advertised`), after the brief table's header.
    #[test]
    fn nxos_lldp_blocks() {
        let n = parse_show_lldp_neighbors_detail(
            "Device ID            Local Intf      Hold-time  Capability  Port ID  
             
             Chassis id: 001e.49ff.24f7
             Port id: Gi3
             Local Port id: Eth1/1
             System Name: R1_csr1000v.openstacklocal
             System Description: Cisco IOS Software [Everest], Virtual XE Software, Version 16.6.1
             Technical Support: http://www.cisco.com/techsupport
             Time remaining: 114 seconds
             Enabled Capabilities: R
             Management Address: 10.1.3.1
             Management Address IPV6: not advertised
             Vlan ID: not advertised
             
             Chassis id: 000d.bdff.4f04
             Port id: Gi0/0/0/1
             Local Port id: Eth1/2
             Vlan ID: 10
",
        );
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].local_interface.as_deref(), Some("Eth1/1"));
        assert_eq!(n[0].port_id.as_deref(), Some("Gi3"));
        assert_eq!(
            n[0].system_description.as_deref().unwrap().lines().count(),
            2
        );
        assert_eq!(n[0].time_remaining, Some(114));
        assert_eq!(n[0].management_addresses, ["10.1.3.1"]);
        assert_eq!(n[0].vlan_id, None);
        assert_eq!(n[1].vlan_id, Some(10));
        assert_eq!(n[1].chassis_id.as_deref(), Some("000d.bdff.4f04"));
    }

    /// ntc-templates `cisco_ios_show_lldp_neighbors_detail1.raw`: the PoE+ TLV's power block.
    #[test]
    fn lldp_poe_plus_tlv() {
        let n = parse_show_lldp_neighbors_detail(
            "Local Intf: Gi1/0/9
Chassis id: 94f1.2879.5555
PoE+ Power-via-MDI TLV:
              Power Pair: Signal
 Power Class: Class 4
 Power Requested: 19000 mW
              Power Allocated: 19000 mW

Total entries displayed: 3
",
        );
        assert_eq!(n[0].power_class.as_deref(), Some("Class 4"));
        assert_eq!(n[0].power_requested, Some(19000));
        assert_eq!(n[0].power_allocated, Some(19000));
    }

    #[test]
    fn cut_block_keeps_what_is_readable() {
        let l = parse_show_lldp_neighbors_detail(
            "Local Intf: Gi1/0/2
Chassis id
Port id: 5
System Description:
Time remaining: x
Vlan ID: -
------
Management Addresses:
    IP: 10.0.0.1
",
        );
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].chassis_id, None);
        assert_eq!(l[0].port_id.as_deref(), Some("5"));
        assert_eq!(l[0].system_description, None);
        assert_eq!(l[0].time_remaining, None);
        let n = parse_show_cdp_neighbors_detail(
            "Device ID: sw2\nEntry address(es):\n  IP address: \nPlatform: cisco WS-C3750\nInterface: Gi1/0/1\nHoldtime : x\n",
        );
        assert_eq!(n.len(), 1);
        assert!(n[0].interface_addresses.is_empty());
        assert_eq!(n[0].platform.as_deref(), Some("cisco WS-C3750"));
        assert_eq!(n[0].capabilities, None);
        assert_eq!(n[0].local_interface.as_deref(), Some("Gi1/0/1"));
        assert_eq!(n[0].neighbor_interface, None);
        assert_eq!(n[0].holdtime, None);
    }
}
