//! IOS `show ip arp` / `show arp` and NX-OS `show ip arp [vrf NAME|all]`.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{ntc_opt, ntc_str};

/// One entry of IOS `show ip arp` (ntc-templates `cisco_ios_show_ip_arp` fields; ntc-templates'
/// `cisco_ios_show_arp` names the same columns `address`, `age_min`, `hardware_address`), plus the
/// secondary VLAN a private-VLAN SVI prints after the interface (`Vlan201 pv 202`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosArpEntry {
    /// `Internet`.
    pub protocol: String,
    /// The IPv4 address.
    #[serde(with = "ntc_str")]
    pub ip_address: Ipv4Addr,
    /// Minutes since the entry was learnt, `-` for the router's own addresses (as printed).
    pub age: String,
    /// The MAC address (`0000.0c07.ac00`), or `Incomplete` while ARP is unanswered.
    pub mac_address: String,
    /// Encapsulation: `ARPA`, `SNAP`, `SRP-A`, `802.1Q`...
    pub r#type: String,
    /// The interface; absent on entries IOS prints without one (incomplete ones, SRP).
    #[serde(default, with = "ntc_opt")]
    pub interface: Option<String>,
    /// The secondary VLAN of a private-VLAN SVI (`Vlan201 pv 202` → 202).
    #[serde(default, with = "ntc_opt")]
    pub private_vlan: Option<u16>,
}

/// One entry of NX-OS `show ip arp` (ntc-templates `cisco_nxos_show_ip_arp` fields), plus the
/// `Flags` column the template does not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxosArpEntry {
    /// The IPv4 address.
    #[serde(with = "ntc_str")]
    pub ip_address: Ipv4Addr,
    /// Time since the entry was refreshed (`00:13:42`), `-` for static entries (as printed).
    pub age: String,
    /// The MAC address (`5e00.00ff.030a`), or `INCOMPLETE`.
    pub mac_address: String,
    /// `Ethernet1/1`, `Vlan101`, `mgmt0`, `Ethernet1/1.2151`.
    pub interface: String,
    /// The `Flags` column: `*` (learnt on a non-active FHRP router), `+` (synced via CFSoE), `#`
    /// (throttled for glean), `D` (static, interface down), `CP`, `PS`, `RO`; several separated
    /// by blanks as printed.
    #[serde(default, with = "ntc_opt")]
    pub flags: Option<String>,
}

/// Whether `w` is an ARP table's MAC column value (dotted MAC, or an incomplete entry).
fn is_mac_or_incomplete(w: &str) -> bool {
    if w.eq_ignore_ascii_case("incomplete") {
        return true;
    }
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Parses IOS `show ip arp` / `show arp` (also IOS-XE): `Protocol Address Age (min) Hardware
/// Addr Type Interface` rows; lines that are not rows (the header, prompts, `Load for` / `Time
/// source` stamps) are skipped.
///
/// ```
/// let rows = hermes_netdev::show::parse_ios_show_ip_arp(
///     "Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n\
///      Internet  10.100.88.1             -   c4f7.d564.b716  ARPA   Vlan10\n\
///      Internet  10.100.88.199           0   Incomplete      ARPA\n",
/// );
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[0].interface.as_deref(), Some("Vlan10"));
/// assert_eq!(rows[1].mac_address, "Incomplete");
/// assert_eq!(rows[1].interface, None);
/// ```
pub fn parse_ios_show_ip_arp(text: &str) -> Vec<IosArpEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() < 5 {
            continue;
        }
        let Ok(ip) = w[1].parse::<Ipv4Addr>() else {
            continue;
        };
        let age_ok = w[2] == "-" || w[2].bytes().all(|b| b.is_ascii_digit());
        if !age_ok || !is_mac_or_incomplete(w[3]) {
            continue;
        }
        let private_vlan = match w.get(5..) {
            Some([_, "pv", n]) => n.parse().ok(),
            _ => None,
        };
        out.push(IosArpEntry {
            protocol: w[0].to_string(),
            ip_address: ip,
            age: w[2].to_string(),
            mac_address: w[3].to_string(),
            r#type: w[4].to_string(),
            interface: w.get(5).map(|s| s.to_string()),
            private_vlan,
        });
    }
    out
}

/// Parses NX-OS `show ip arp` (`vrf NAME`, `vrf all`): `Address Age MAC Address Interface
/// [Flags]` rows; the flags legend, the `IP ARP Table for ...` and `Total number of entries`
/// lines and prompts are skipped.
///
/// ```
/// let rows = hermes_netdev::show::parse_nxos_show_ip_arp(
///     "IP ARP Table for context default\nTotal number of entries: 2\n\
///      Address         Age       MAC Address     Interface       Flags\n\
///      10.2.4.4        00:13:42  5e00.00ff.030a  Ethernet1/1\n\
///      10.111.1.3      00:10:42  fa16.3eff.0987  Vlan101         +\n",
/// );
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[0].age, "00:13:42");
/// assert_eq!(rows[1].flags.as_deref(), Some("+"));
/// ```
pub fn parse_nxos_show_ip_arp(text: &str) -> Vec<NxosArpEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() < 4 {
            continue;
        }
        let Ok(ip) = w[0].parse::<Ipv4Addr>() else {
            continue;
        };
        let age_ok = w[1] == "-" || w[1].bytes().all(|b| b.is_ascii_digit() || b == b':');
        if !age_ok || !is_mac_or_incomplete(w[2]) {
            continue;
        }
        out.push(NxosArpEntry {
            ip_address: ip,
            age: w[1].to_string(),
            mac_address: w[2].to_string(),
            interface: w[3].to_string(),
            flags: (w.len() > 4).then(|| w[4..].join(" ")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_vlan_svi() {
        // genieparser iosxe ShowIpArp golden_output_1: `Vlan201 pv 202`.
        let rows = parse_ios_show_ip_arp(
            "Protocol Address Age (min) Hardware Addr Type Interface\n\
             Internet 172.16.255.1 - 28af.fdea.ccdf ARPA Vlan200\n\
             Internet 192.168.1.201 3 0000.0000.0001 ARPA Vlan201 pv 202\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].interface.as_deref(), Some("Vlan201"));
        assert_eq!(rows[1].private_vlan, Some(202));
        assert_eq!(rows[0].private_vlan, None);
    }

    #[test]
    fn nxos_static_entry_and_legend() {
        let rows = parse_nxos_show_ip_arp(
            "Flags: * - Adjacencies learnt on non-active FHRP router\n\
             \x20      D - Static Adjacencies attached to down interface\n\
             \x20       10.2.4.5           -      aaaa.bbff.8888  Ethernet1/1      \n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].age, "-");
        assert_eq!(rows[0].flags, None);
    }
}
