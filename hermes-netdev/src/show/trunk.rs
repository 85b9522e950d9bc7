//! IOS `show interfaces trunk` and NX-OS `show interface trunk`.
//!
//! Both print one table of ports (IOS: mode, encapsulation, status, native VLAN; NX-OS: native
//! VLAN, status, port-channel) and then one VLAN-list table per aspect (allowed, active, STP
//! forwarding...), each headed by `Port  <what>`. A list too long for the line continues on the
//! next lines, indented under the list column.

use serde::{Deserialize, Serialize};

/// One port of `show interfaces trunk` (IOS) / `show interface trunk` (NX-OS), with every VLAN list
/// the output gives for it. VLAN lists are kept as printed (`1-4094`, `200-211, 300-302`, `none`),
/// continuation lines joined; [`vlan_ids`] expands one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrunkPort {
    /// The port as printed (`Gi1/0/4`, `Po12`, `Eth1/47`).
    pub interface: String,
    /// IOS trunking mode (`on`, `auto`, `desirable`, `nonegotiate`).
    pub mode: Option<String>,
    /// IOS encapsulation (`802.1q`, `isl`, `n-802.1q` when negotiated).
    pub encapsulation: Option<String>,
    /// `trunking`, `not-trunking`, NX-OS `trnk-bndl` (a trunk bundled in a port-channel).
    pub status: Option<String>,
    /// Native VLAN.
    pub native_vlan: Option<u16>,
    /// NX-OS: the port-channel the port is bundled in (`Po48`); `None` for `--`.
    pub port_channel: Option<String>,
    /// `Vlans allowed on trunk`.
    pub vlans_allowed: Option<String>,
    /// IOS `Vlans allowed and active in management domain`.
    pub vlans_active: Option<String>,
    /// NX-OS `Vlans Err-disabled on Trunk`.
    pub vlans_err_disabled: Option<String>,
    /// NX-OS `STP Forwarding`.
    pub vlans_stp_forwarding: Option<String>,
    /// `Vlans in spanning tree forwarding state and not pruned`.
    pub vlans_forwarding_not_pruned: Option<String>,
    /// NX-OS `Vlans Forwarding on FabricPath`.
    pub vlans_fabricpath: Option<String>,
}

/// Which VLAN-list table a line belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Table {
    Ports,
    Allowed,
    Active,
    ErrDisabled,
    StpForwarding,
    NotPruned,
    FabricPath,
    Other,
}

impl Table {
    /// The table a `Port  <title>` header opens, from its title.
    fn from_title(title: &str) -> Table {
        let t = title.to_ascii_lowercase();
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.starts_with("mode") || t.starts_with("native") {
            Table::Ports
        } else if t.starts_with("vlans allowed and active") {
            Table::Active
        } else if t.starts_with("vlans allowed on trunk") {
            Table::Allowed
        } else if t.starts_with("vlans err-disabled") {
            Table::ErrDisabled
        } else if t.starts_with("stp forwarding") {
            Table::StpForwarding
        } else if t.starts_with("vlans in spanning tree forwarding state") {
            Table::NotPruned
        } else if t.starts_with("vlans forwarding on fabricpath") {
            Table::FabricPath
        } else {
            Table::Other
        }
    }

    fn list(self, p: &mut TrunkPort) -> Option<&mut Option<String>> {
        match self {
            Table::Allowed => Some(&mut p.vlans_allowed),
            Table::Active => Some(&mut p.vlans_active),
            Table::ErrDisabled => Some(&mut p.vlans_err_disabled),
            Table::StpForwarding => Some(&mut p.vlans_stp_forwarding),
            Table::NotPruned => Some(&mut p.vlans_forwarding_not_pruned),
            Table::FabricPath => Some(&mut p.vlans_fabricpath),
            Table::Ports | Table::Other => None,
        }
    }
}

/// Whether `s` reads as (part of) a VLAN list: `none`, or digits, `-`, `,` and blanks.
fn is_vlan_list(s: &str) -> bool {
    s.eq_ignore_ascii_case("none")
        || (!s.is_empty()
            && s.bytes().any(|b| b.is_ascii_digit())
            && s.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b',' | b' ')))
}

/// Whether `w` looks like a port name (starts with a letter, holds a digit).
fn is_port(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_alphabetic()) && w.bytes().any(|b| b.is_ascii_digit())
}

/// Parses IOS `show interfaces trunk` and NX-OS `show interface trunk` into one record per port,
/// in the order the ports are first printed. Headers, dashed rules, `Feature VTP is not enabled`
/// and prompts are skipped; a table header printed again (IOS repeats one after a page break)
/// continues the same table; a port that only a later table lists gets a record of its own.
///
/// ```
/// let ports = hermes_netdev::show::parse_show_interfaces_trunk(
///     "Port        Mode             Encapsulation  Status        Native vlan\n\
///      Gi1/0/4     on               802.1q         trunking      1\n\
///      \n\
///      Port        Vlans allowed on trunk\n\
///      Gi1/0/4     200-211\n\
///      \n\
///      Port        Vlans allowed and active in management domain\n\
///      Gi1/0/4     200-211, 300-302\n",
/// );
/// assert_eq!(ports[0].interface, "Gi1/0/4");
/// assert_eq!(ports[0].native_vlan, Some(1));
/// assert_eq!(ports[0].vlans_active.as_deref(), Some("200-211, 300-302"));
/// assert_eq!(hermes_netdev::show::vlan_ids("200-202, 300").unwrap(), [200, 201, 202, 300]);
/// ```
pub fn parse_show_interfaces_trunk(text: &str) -> Vec<TrunkPort> {
    let mut out: Vec<TrunkPort> = Vec::new();
    let mut table = Table::Other;
    // The record the last list line went to (a continuation line extends its list).
    let mut last: Option<usize> = None;
    for line in text.lines() {
        let t = line.trim_end();
        let trimmed = t.trim_start();
        if trimmed.is_empty() || trimmed.starts_with("---") {
            continue;
        }
        if let Some(title) = t.strip_prefix("Port ") {
            table = Table::from_title(title.trim());
            last = None;
            continue;
        }
        let indented = t.starts_with(char::is_whitespace);
        if indented {
            // NX-OS second header line (`Vlan  Channel`) or a wrapped list.
            if let Some(i) = last.filter(|_| is_vlan_list(trimmed)) {
                if let Some(list) = table.list(&mut out[i]) {
                    let before = list.take().unwrap_or_default();
                    // NX-OS wraps after a comma; a break between two IDs still separates them.
                    let sep = if before.ends_with(|c: char| c.is_ascii_digit())
                        && trimmed.starts_with(|c: char| c.is_ascii_digit())
                    {
                        ","
                    } else {
                        ""
                    };
                    *list = Some(format!("{before}{sep}{trimmed}"));
                }
            }
            continue;
        }
        let Some((name, rest)) = t.split_once(char::is_whitespace) else {
            continue;
        };
        let rest = rest.trim();
        if !is_port(name) {
            last = None;
            continue;
        }
        let at = match out.iter().position(|p| p.interface == name) {
            Some(i) => i,
            None if table == Table::Other => continue,
            None => {
                out.push(TrunkPort {
                    interface: name.to_string(),
                    ..TrunkPort::default()
                });
                out.len() - 1
            }
        };
        match table {
            Table::Ports => {
                let w: Vec<&str> = rest.split_whitespace().collect();
                let p = &mut out[at];
                let nxos = w.first().is_some_and(|v| v.parse::<u16>().is_ok());
                if nxos {
                    // `Eth1/47  900  trnk-bndl  Po48`
                    p.native_vlan = w.first().and_then(|v| v.parse().ok());
                    p.status = w.get(1).map(|s| s.to_string());
                    p.port_channel = w.get(2).filter(|s| **s != "--").map(|s| s.to_string());
                } else {
                    // `Gi1/0/4  on  802.1q  trunking  1`
                    p.mode = w.first().map(|s| s.to_string());
                    p.encapsulation = w.get(1).map(|s| s.to_string());
                    p.status = w.get(2).map(|s| s.to_string());
                    p.native_vlan = w.get(3).and_then(|v| v.parse().ok());
                }
                last = None;
            }
            Table::Other => last = None,
            list_table => {
                if is_vlan_list(rest) {
                    if let Some(list) = list_table.list(&mut out[at]) {
                        *list = Some(rest.to_string());
                    }
                    last = Some(at);
                } else {
                    last = None;
                }
            }
        }
    }
    out
}

/// Expands a VLAN list as `show interfaces trunk` prints it (`1,10-12`, `200-211, 300-302`,
/// `none`) into its VLAN IDs in order; `None` when a part is not a VLAN ID or a range of them
/// (1-4095, a range's end not below its start).
///
/// ```
/// assert_eq!(hermes_netdev::show::vlan_ids("1,10-12").unwrap(), [1, 10, 11, 12]);
/// assert!(hermes_netdev::show::vlan_ids("none").unwrap().is_empty());
/// assert!(hermes_netdev::show::vlan_ids("12-10").is_none());
/// ```
pub fn vlan_ids(list: &str) -> Option<Vec<u16>> {
    let list = list.trim();
    if list.eq_ignore_ascii_case("none") {
        return Some(Vec::new());
    }
    let id = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|v| (1..=4095).contains(v))
    };
    let mut out = Vec::new();
    for part in list.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (id(a)?, id(b)?);
                if b < a {
                    return None;
                }
                out.extend(a..=b);
            }
            None => out.push(id(part)?),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// genieparser `iosxe/tests/ShowInterfacesTrunk/cli/equal/golden_output_output.txt`
    /// (Apache-2.0): the last table's header printed twice, a line of blanks between.
    #[test]
    fn ios_header_repeated_after_a_page() {
        let text = "\nPort        Mode             Encapsulation  Status        Native vlan\n\
Gi1/0/24    on               802.1q         trunking      1\n\
Po14        on               802.1q         trunking      1\n\
\n\
Port        Vlans allowed on trunk\n\
Gi1/0/24    200-211\n\
Po14        200-211\n\
\n\
Port        Vlans allowed and active in management domain\n\
Gi1/0/24    200-211\n\
Po14        200-211, 300-302\n\
\n\
Port        Vlans in spanning tree forwarding state and not pruned\n\
Gi1/0/24    none\n                  \n\
Port        Vlans in spanning tree forwarding state and not pruned\n\
Po14        200-211\n    ";
        let p = parse_show_interfaces_trunk(text);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].vlans_forwarding_not_pruned.as_deref(), Some("none"));
        assert_eq!(p[1].vlans_forwarding_not_pruned.as_deref(), Some("200-211"));
        assert_eq!(p[1].vlans_active.as_deref(), Some("200-211, 300-302"));
        assert_eq!(p[1].mode.as_deref(), Some("on"));
        assert_eq!(p[1].encapsulation.as_deref(), Some("802.1q"));
        assert_eq!(p[1].port_channel, None);
    }

    /// NX-OS layout (two-line header, port-channel column, err-disabled and FabricPath tables, a
    /// wrapped allowed list), written after Nexus 5000 / 9000 outputs.
    #[test]
    fn nxos_tables_and_wrapped_list() {
        let text = "\n\
--------------------------------------------------------------------------------\n\
Port          Native  Status        Port\n\
\x20             Vlan                  Channel\n\
--------------------------------------------------------------------------------\n\
Eth1/47       900     trnk-bndl     Po48\n\
Eth1/49       1       trunking      --\n\
Po48          900     trunking      --\n\
\n\
--------------------------------------------------------------------------------\n\
Port          Vlans Allowed on Trunk\n\
--------------------------------------------------------------------------------\n\
Eth1/47       10,12,17,33-40\n\
Eth1/49       1,10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190,\n\
\x20             200,210\n\
Po48          10,12,17,33-40\n\
\n\
--------------------------------------------------------------------------------\n\
Port          Vlans Err-disabled on Trunk\n\
--------------------------------------------------------------------------------\n\
Eth1/47       12,17\n\
\n\
--------------------------------------------------------------------------------\n\
Port          STP Forwarding\n\
--------------------------------------------------------------------------------\n\
Eth1/47       none\n\
Po48          10,33-40\n\
\n\
--------------------------------------------------------------------------------\n\
Port          Vlans in spanning tree forwarding state and not pruned\n\
--------------------------------------------------------------------------------\n\
Feature VTP is not enabled\n\
Eth1/49       1,10\n\
\n\
--------------------------------------------------------------------------------\n\
Port          Vlans Forwarding on FabricPath\n\
--------------------------------------------------------------------------------\n\
Eth1/47       none\n\
n3k# ";
        let p = parse_show_interfaces_trunk(text);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].port_channel.as_deref(), Some("Po48"));
        assert_eq!(p[0].status.as_deref(), Some("trnk-bndl"));
        assert_eq!(p[0].native_vlan, Some(900));
        assert_eq!(p[0].vlans_err_disabled.as_deref(), Some("12,17"));
        assert_eq!(p[0].vlans_stp_forwarding.as_deref(), Some("none"));
        assert_eq!(p[0].vlans_fabricpath.as_deref(), Some("none"));
        assert_eq!(p[0].mode, None);
        let allowed = p[1].vlans_allowed.as_deref().unwrap();
        assert!(allowed.ends_with(",190,200,210"), "{allowed}");
        assert_eq!(vlan_ids(allowed).unwrap().len(), 22);
        assert_eq!(p[1].vlans_forwarding_not_pruned.as_deref(), Some("1,10"));
        assert_eq!(p[1].port_channel, None);
        assert_eq!(p[2].vlans_stp_forwarding.as_deref(), Some("10,33-40"));
    }

    #[test]
    fn truncated_rows_give_what_is_readable() {
        let p = parse_show_interfaces_trunk(
            "Port        Mode             Encapsulation  Status        Native vlan\n\
             Gi1/0/4     on               802.1q\n\
             Port        Vlans allowed on trunk\n\
             Gi1/0/4     20x\n\
             Gi1/0/5     1-4094\n",
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].encapsulation.as_deref(), Some("802.1q"));
        assert_eq!(p[0].status, None);
        assert_eq!(p[0].vlans_allowed, None);
        assert_eq!(p[1].vlans_allowed.as_deref(), Some("1-4094"));
        assert_eq!(vlan_ids("1-4094").unwrap().len(), 4094);
        assert!(vlan_ids("1,,2").is_none());
        assert!(vlan_ids("5000").is_none());
    }
}
