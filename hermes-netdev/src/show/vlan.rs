//! `show vlan` / `show vlan brief` (IOS, NX-OS).

use serde::{Deserialize, Serialize};

/// One row of `show vlan` / `show vlan brief`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VlanRow {
    /// VLAN id.
    pub vlan_id: String,
    /// Name.
    pub vlan_name: String,
    /// `active`, `act/unsup`, `suspended`...
    pub status: String,
    /// Access ports (as abbreviated by the device).
    pub interfaces: Vec<String>,
}

/// Parses `show vlan` (IOS and NX-OS share the first table).
///
/// ```
/// let rows = hermes_netdev::show::parse_show_vlan("VLAN Name Status Ports\n---- ---- ------ -----\n10   web  active Eth1/1, Eth1/2\n");
/// assert_eq!(rows[0].interfaces, ["Eth1/1", "Eth1/2"]);
/// ```
pub fn parse_show_vlan(text: &str) -> Vec<VlanRow> {
    let mut rows: Vec<VlanRow> = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let t = line.trim_end();
        if t.starts_with("VLAN Name") {
            in_table = true;
            continue;
        }
        if !in_table || t.starts_with("----") {
            continue;
        }
        if t.is_empty() {
            if !rows.is_empty() {
                break; // the second table (types, MTU) follows an empty line
            }
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or_default();
        if !t.starts_with(' ') && first.bytes().all(|b| b.is_ascii_digit()) {
            let mut w = t.split_whitespace();
            let id = w.next().unwrap_or_default().to_string();
            let name = w.next().unwrap_or_default().to_string();
            let status = w.next().unwrap_or_default().to_string();
            let rest: Vec<&str> = w.collect();
            rows.push(VlanRow {
                vlan_id: id,
                vlan_name: name,
                status,
                interfaces: ports(&rest.join(" ")),
            });
        } else if t.starts_with(' ') {
            if let Some(last) = rows.last_mut() {
                let mut rest = t.trim_start();
                if last.status.is_empty() {
                    // A long name pushed the status and ports to the next line.
                    let (status, ports) =
                        rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                    last.status = status.to_string();
                    rest = ports;
                }
                last.interfaces.extend(ports(rest));
            }
        } else {
            break;
        }
    }
    rows
}

fn ports(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_name_wraps_status_and_ports() {
        let rows = parse_show_vlan(
            "VLAN Name                             Status    Ports\n\
             ---- -------------------------------- --------- -------------------------------\n\
             1    default                          active    Gi2/0/5, Gi2/0/7\n\
             \x20                                               Gi2/0/11\n\
             1012 storage-replication-east-campus-b2\n\
             \x20                                     act/unsup Gi3/0/1\n\
             \n\
             VLAN Type  SAID       MTU\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].interfaces, ["Gi2/0/5", "Gi2/0/7", "Gi2/0/11"]);
        assert_eq!(rows[1].vlan_id, "1012");
        assert_eq!(rows[1].vlan_name, "storage-replication-east-campus-b2");
        assert_eq!(rows[1].status, "act/unsup");
        assert_eq!(rows[1].interfaces, ["Gi3/0/1"]);
    }
}
