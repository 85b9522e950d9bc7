//! IOS / IOS-XE `show ip interface brief` and NX-OS `show ip interface brief [vrf all]`.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

/// One row of IOS `show ip interface brief` (ntc-templates `cisco_ios_show_ip_interface_brief`
/// fields, plus the `OK?` and `Method` columns the template does not capture).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosIpInterfaceBrief {
    /// `GigabitEthernet1/0/1`, `Vlan10`, `Port-channel1`.
    pub interface: String,
    /// The address, or `unassigned` (kept as printed; see [`Self::address`]).
    pub ip_address: String,
    /// `up`, `down`, `administratively down`, `deleted`.
    pub status: String,
    /// Line protocol: `up` / `down`.
    pub proto: String,
    /// The `OK?` column: `YES` / `NO`.
    pub ok: String,
    /// How the address was set: `NVRAM`, `manual`, `DHCP`, `unset`, `TFTP`...
    pub method: String,
}

impl IosIpInterfaceBrief {
    /// The IPv4 address, `None` for `unassigned` (or anything else that is not an address).
    pub fn address(&self) -> Option<Ipv4Addr> {
        self.ip_address.parse().ok()
    }

    /// Administratively enabled, line and protocol up.
    pub fn is_up(&self) -> bool {
        self.status == "up" && self.proto == "up"
    }
}

/// Parses IOS `show ip interface brief`: `Interface IP-Address OK? Method Status Protocol`; the
/// status may be two words (`administratively down`). Rows are told by their `OK?` (`YES`/`NO`)
/// and protocol (`up`/`down`) columns, indented or not; other lines (the header, `Load for`,
/// `Time source is`) are skipped.
///
/// ```
/// let rows = hermes_netdev::show::parse_ios_show_ip_interface_brief(
///     "Interface              IP-Address      OK? Method Status                Protocol\n\
///      Vlan10                 10.10.0.2       YES NVRAM  up                    up\n\
///      GigabitEthernet1/0/2   unassigned      YES unset  administratively down down\n",
/// );
/// assert_eq!(rows[0].address(), Some(std::net::Ipv4Addr::new(10, 10, 0, 2)));
/// assert_eq!(rows[1].status, "administratively down");
/// assert!(!rows[1].is_up());
/// ```
pub fn parse_ios_show_ip_interface_brief(text: &str) -> Vec<IosIpInterfaceBrief> {
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() < 6 {
            continue;
        }
        let (ok, proto) = (w[2], w[w.len() - 1]);
        if !matches!(ok, "YES" | "NO") || !matches!(proto, "up" | "down") {
            continue; // the header (`OK?`), or not a row
        }
        out.push(IosIpInterfaceBrief {
            interface: w[0].to_string(),
            ip_address: w[1].to_string(),
            ok: ok.to_string(),
            method: w[3].to_string(),
            status: w[4..w.len() - 1].join(" "),
            proto: proto.to_string(),
        });
    }
    out
}

/// One row of NX-OS `show ip interface brief [vrf all]` (ntc-templates
/// `cisco_nxos_show_ip_interface_brief` fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxosIpInterfaceBrief {
    /// The VRF of the table the row is in (`IP Interface Status for VRF "default"(1)`).
    pub vrf: String,
    /// `Eth1/1`, `Vlan10`, `Lo0`, `mgmt0`.
    pub interface: String,
    /// The address, `forward-enabled`, or `unnumbered` (see [`Self::address`],
    /// [`Self::unnumbered_from`]).
    pub ip_address: String,
    /// `admin-up` / `admin-down`.
    pub status: String,
    /// `link-up` / `link-down`.
    pub link: String,
    /// `protocol-up` / `protocol-down`.
    pub proto: String,
    /// For an `unnumbered` row, the interface it borrows its address from (the `(loopback0)`
    /// line under it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unnumbered_from: Option<String>,
}

impl NxosIpInterfaceBrief {
    /// The IPv4 address, `None` for `unnumbered` / `forward-enabled`.
    pub fn address(&self) -> Option<Ipv4Addr> {
        self.ip_address.parse().ok()
    }

    /// Admin, link and protocol up.
    pub fn is_up(&self) -> bool {
        self.status == "admin-up" && self.link == "link-up" && self.proto == "protocol-up"
    }
}

/// Parses NX-OS `show ip interface brief` and `show ip interface brief vrf all`: one table per
/// VRF, rows `Interface IP-Address protocol-x/link-x/admin-x`. An `unnumbered` row is kept, with
/// the interface of the `(loopback0)` line under it in `unnumbered_from`.
///
/// ```
/// let rows = hermes_netdev::show::parse_nxos_show_ip_interface_brief(
///     "IP Interface Status for VRF \"default\"(1)\n\
///      Interface            IP Address      Interface Status\n\
///      Vlan10               10.10.0.2       protocol-up/link-up/admin-up\n",
/// );
/// assert_eq!(rows[0].vrf, "default");
/// assert_eq!(rows[0].link, "link-up");
/// assert!(rows[0].is_up());
/// ```
pub fn parse_nxos_show_ip_interface_brief(text: &str) -> Vec<NxosIpInterfaceBrief> {
    let mut out: Vec<NxosIpInterfaceBrief> = Vec::new();
    let mut vrf = String::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("IP Interface Status for VRF \"") {
            vrf = rest.split('"').next().unwrap_or_default().to_string();
            continue;
        }
        // `(loopback0)` under an unnumbered row (some releases indent every line, so this is
        // told by its parentheses, not by its indent).
        if let Some(src) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            if let Some(last) = out.last_mut() {
                if last.ip_address == "unnumbered" && last.unnumbered_from.is_none() {
                    last.unnumbered_from = Some(src.to_string());
                }
            }
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        let [interface, ip, state] = w[..] else {
            continue;
        };
        let parts: Vec<&str> = state.split('/').collect();
        let [proto, link, status] = parts[..] else {
            continue;
        };
        if !(proto.starts_with("protocol-") && link.starts_with("link-")) {
            continue;
        }
        out.push(NxosIpInterfaceBrief {
            vrf: vrf.clone(),
            interface: interface.to_string(),
            ip_address: ip.to_string(),
            status: status.to_string(),
            link: link.to_string(),
            proto: proto.to_string(),
            unnumbered_from: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nxos_unnumbered_row_is_kept_with_its_source() {
        let rows = parse_nxos_show_ip_interface_brief(
            "IP Interface Status for VRF \"EXPERIMENTAL\"(6)\n\
             Interface            IP Address      Interface Status\n\
             mti6                 unnumbered      protocol-up/link-up/admin-up\n\
             \x20                    (loopback0)\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ip_address, "unnumbered");
        assert_eq!(rows[0].unnumbered_from.as_deref(), Some("loopback0"));
        assert_eq!(rows[0].address(), None);
    }

    /// genieparser `src/genie/libs/parser/nxos/tests/ShowIpInterfaceBrief/cli/equal/
    /// golden_output_1_output.txt` (an N7K): every line, rows included, starts with a blank; the
    /// rows were read as continuation lines and all 26 were lost.
    #[test]
    fn nxos_indented_rows_are_read() {
        let rows = parse_nxos_show_ip_interface_brief(
            "\n IP Interface Status for VRF \"default\"(1)\n \
             Interface            IP Address      Interface Status\n \
             Vlan23               192.168.186.1     protocol-up/link-up/admin-up\n \
             Eth5/48.100          10.81.0.1       protocol-down/link-down/admin-up\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].interface, "Vlan23");
        assert_eq!(rows[0].vrf, "default");
        assert_eq!(rows[1].proto, "protocol-down");
    }

    #[test]
    fn ios_indented_capture() {
        let rows = parse_ios_show_ip_interface_brief(
            "    Interface              IP-Address      OK? Method Status                Protocol\n\
             \x20   Vlan10                 10.10.0.2       YES NVRAM  up                    up\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].interface, "Vlan10");
    }

    #[test]
    fn ios_header_and_timestamps_are_not_rows() {
        let rows = parse_ios_show_ip_interface_brief(
            "Load for five secs: 1%/0%; one minute: 1%; five minutes: 1%\n\
             Time source is NTP, 10:21:37.123 UTC Mon Mar 2 2026\n\
             Interface              IP-Address      OK? Method Status                Protocol\n\
             Tunnel0                172.16.0.1      YES manual up                    down\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].method, "manual");
        assert_eq!(rows[0].proto, "down");
    }
}
