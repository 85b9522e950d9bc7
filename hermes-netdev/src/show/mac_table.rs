//! IOS `show mac address-table` (`show mac-address-table`) and NX-OS `show mac address-table`.

use serde::{Deserialize, Serialize};

use super::ntc_opt;

/// Whether `w` is a Cisco dotted MAC address (`0010.7b00.1540`).
fn is_mac(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One entry of IOS `show mac address-table` (ntc-templates `cisco_ios_show_mac-address-table`
/// fields, plus the row's flags and whether it is in the `Multicast Entries` table, which the
/// template does not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IosMacEntry {
    /// The MAC address as printed (`0010.7b00.1540`).
    pub destination_address: String,
    /// `DYNAMIC`, `STATIC`, `dynamic`, `static`, `system`, `Dynamic` (case as printed).
    pub r#type: String,
    /// The VLAN, or `All` for the switch's own entries.
    pub vlan_id: String,
    /// Ports (`Gi1/0/1`, `Po1`, `CPU`, `Router`, `Switch`); several for multicast entries, none
    /// when the entry has none.
    pub destination_port: Vec<String>,
    /// Catalyst 6500 / 4500 flags before the VLAN (`*`, `R`, `S`, `D`, `* R`).
    #[serde(default, with = "ntc_opt")]
    pub flags: Option<String>,
    /// The row is in the `Multicast Entries` table.
    #[serde(default)]
    pub multicast: bool,
}

/// Parses IOS `show mac address-table` / `show mac-address-table` in the layouts IOS prints:
/// `Destination Address  Address Type  VLAN  Destination Port` (12.1 on the 2950 / 3550),
/// `Vlan Mac Address Type Ports` (12.2 on the 3750, IOS-XE), `vlan mac address type learn age
/// ports` (6500 / 4500 supervisors, one table per DFC line card, flags before the VLAN) and
/// `vlan mac address type protocols port` (6500 12.2SX, then `Multicast Entries`). Port lists
/// continued on the next lines are joined; multicast rows are kept (`multicast: true`).
///
/// ```
/// let rows = hermes_netdev::show::parse_ios_show_mac_address_table(
///     "          Mac Address Table\n-------------------------------------------\n\n\
///      Vlan    Mac Address       Type        Ports\n\
///      ----    -----------       --------    -----\n\
///      \x20All    0100.0ccc.cccc    STATIC      CPU\n\
///      \x20 10    0019.ab11.1111    DYNAMIC     Gi1/0/1\n\
///      Total Mac Addresses for this criterion: 2\n",
/// );
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[1].vlan_id, "10");
/// assert_eq!(rows[1].destination_port, ["Gi1/0/1"]);
/// ```
pub fn parse_ios_show_mac_address_table(text: &str) -> Vec<IosMacEntry> {
    let mut out: Vec<IosMacEntry> = Vec::new();
    // Columns between the type and the ports: `learn age` (2), `protocols` (1), none (0).
    let mut skip = 0;
    let mut multicast = false;
    let mut last_was_row = false;
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("vlan") && lower.contains("mac address") {
            skip = if lower.contains("learn") {
                2
            } else if lower.contains("protocols") {
                1
            } else {
                0
            };
            last_was_row = false;
            continue;
        }
        if lower.starts_with("multicast entries") {
            multicast = true;
            last_was_row = false;
            continue;
        }
        if lower.starts_with("unicast entries") {
            multicast = false;
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        let Some(m) = w.iter().position(|x| is_mac(x)) else {
            // A port list continued on its own line, under the ports column.
            let continues = last_was_row
                && line.starts_with(char::is_whitespace)
                && w.len() == 1
                && !t.starts_with('-');
            if continues {
                if let Some(last) = out.last_mut() {
                    last.destination_port.extend(ports(t));
                }
            } else {
                last_was_row = false;
            }
            continue;
        };
        let entry = if m == 0 {
            // `0010.0de0.e289       Dynamic          1  FastEthernet0/1`
            let (Some(ty), Some(vlan)) = (w.get(1), w.get(2)) else {
                continue;
            };
            IosMacEntry {
                destination_address: w[0].to_string(),
                r#type: ty.to_string(),
                vlan_id: vlan.to_string(),
                destination_port: w.get(3..).map(|p| ports(&p.join(" "))).unwrap_or_default(),
                flags: None,
                multicast,
            }
        } else {
            let Some(ty) = w.get(m + 1) else { continue };
            let flags = &w[..m - 1];
            IosMacEntry {
                destination_address: w[m].to_string(),
                r#type: ty.to_string(),
                vlan_id: w[m - 1].to_string(),
                destination_port: w
                    .get(m + 2 + skip..)
                    .map(|p| ports(&p.join(" ")))
                    .unwrap_or_default(),
                flags: (!flags.is_empty()).then(|| flags.join(" ")),
                multicast,
            }
        };
        out.push(entry);
        last_was_row = true;
    }
    out
}

/// A port list (`Gi1/13,Gi1/14`, `Te1/1 Te1/2`); `vPC Peer-Link` is one port of two words.
fn ports(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in s.split([',', ' ']).filter(|p| !p.is_empty()) {
        match out.last_mut() {
            Some(last) if last == "vPC" && p.starts_with("Peer-Link") => {
                last.push(' ');
                last.push_str(p);
            }
            _ => out.push(p.to_string()),
        }
    }
    out
}

/// One entry of NX-OS `show mac address-table` (ntc-templates `cisco_nxos_show_mac_address-table`
/// fields, plus the flag before the VLAN, which the template does not keep).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxosMacEntry {
    /// The VLAN (`-` for a routed MAC).
    pub vlan_id: String,
    /// The MAC address as printed (`5087.89a1.de75`).
    pub mac_address: String,
    /// `dynamic`, `static`.
    pub r#type: String,
    /// Seconds since last seen, `-`, `NA` or `~~~` as printed.
    pub age: String,
    /// `T` / `F`.
    pub secure: String,
    /// `T` / `F`.
    pub ntfy: String,
    /// The port (`Eth1/1`, `Po10`, `sup-eth1(R)`, `vPC Peer-Link`, `nve1(10.0.0.1)`).
    pub ports: String,
    /// `*` (primary), `+` (primary, learnt over the vPC peer-link), `G` (gateway MAC), `C`, `V`...
    #[serde(default, with = "ntc_opt")]
    pub flag: Option<String>,
}

/// Parses NX-OS `show mac address-table`: `[flag] VLAN MAC Type age Secure NTFY Ports`. The
/// port is the rest of the line (`vPC Peer-Link` is two words).
///
/// ```
/// let rows = hermes_netdev::show::parse_nxos_show_mac_address_table(
///     "   VLAN     MAC Address      Type      age     Secure NTFY Ports\n\
///      ---------+-----------------+--------+---------+------+----+------------------\n\
///      *   10     0050.56a1.0001   dynamic  0         F      F    Eth1/1\n\
///      +   10     0050.56a1.0002   dynamic  0         F      F    vPC Peer-Link\n\
///      G    -     5087.89a1.de75   static   -         F      F    sup-eth1(R)\n",
/// );
/// assert_eq!(rows.len(), 3);
/// assert_eq!(rows[1].flag.as_deref(), Some("+"));
/// assert_eq!(rows[1].ports, "vPC Peer-Link");
/// assert_eq!(rows[2].vlan_id, "-");
/// ```
pub fn parse_nxos_show_mac_address_table(text: &str) -> Vec<NxosMacEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let Some(m) = w.iter().position(|x| is_mac(x)) else {
            continue;
        };
        if m == 0 || w.len() < m + 6 {
            continue;
        }
        let flags = &w[..m - 1];
        out.push(NxosMacEntry {
            vlan_id: w[m - 1].to_string(),
            mac_address: w[m].to_string(),
            r#type: w[m + 1].to_string(),
            age: w[m + 2].to_string(),
            secure: w[m + 3].to_string(),
            ntfy: w[m + 4].to_string(),
            ports: w[m + 5..].join(" "),
            flag: (!flags.is_empty()).then(|| flags.join(" ")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multicast_port_lists_continue_on_the_next_lines() {
        let rows = parse_ios_show_mac_address_table(
            "Multicast Entries\n\
             \x20vlan     mac address     type    ports\n\
             ---------+---------------+-------+--------------------------------------------\n\
             \x20 46      ffff.ffff.ffff   system Gi1/13,Gi1/14,Gi1/15\n\
             \x20                                 Gi7/15,Te5/1\n\
             \x20  1      ffff.ffff.ffff   system\n",
        );
        assert_eq!(rows.len(), 2);
        assert!(rows[0].multicast);
        assert_eq!(
            rows[0].destination_port,
            ["Gi1/13", "Gi1/14", "Gi1/15", "Gi7/15", "Te5/1"]
        );
        assert!(rows[1].destination_port.is_empty());
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowMacAddressTable/cli/equal/
    /// golden_output_2_output.txt` (a 6500 VSS with vPC): the port `vPC Peer-Link` was split
    /// into `vPC` and `Peer-Link`.
    #[test]
    fn vpc_peer_link_is_one_port() {
        let rows = parse_ios_show_mac_address_table(
            "  vlan   mac address     type    learn     age              ports\n\
             ------+----------------+--------+-----+----------+--------------------------\n\
             *  400  0000.0000.0000    static  No           -   vPC Peer-Link\n\
             \x20                                                 Router\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].destination_port, ["vPC Peer-Link", "Router"]);
    }

    #[test]
    fn supervisor_flags_and_learn_age_columns() {
        let rows = parse_ios_show_mac_address_table(
            "      vlan   mac address    type   learn    age                 ports\n\
             -----+----+---------------+-------+-----+----------+-----------------------------\n\
             \x20  R     51 006c.bc1c.a865   static   No       -      Router\n\
             \x20*      728 0000.0000.0003   static  Yes       -    \n",
        );
        assert_eq!(rows[0].flags.as_deref(), Some("R"));
        assert_eq!(rows[0].destination_port, ["Router"]);
        assert_eq!(rows[1].vlan_id, "728");
        assert!(rows[1].destination_port.is_empty());
    }
}
