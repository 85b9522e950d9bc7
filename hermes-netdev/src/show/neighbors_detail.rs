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
        if lower.starts_with("version") && t.trim_end_matches([' ', ':']).eq_ignore_ascii_case("version")
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
        } else if let Some(v) =
            super::field(t, "Duplex").or_else(|| super::field(t, "Duplex Mode"))
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
        assert_eq!((n[1].native_vlan, n[1].duplex.as_deref()), (Some(1), Some("full")));
        assert_eq!(n[2].version.as_deref(), Some("6.40.5 (stable)"));
    }

    #[test]
    fn cut_block_keeps_what_is_readable() {
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
