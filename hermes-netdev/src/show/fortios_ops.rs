//! FortiOS `get system ha status` and `get system arp`.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{field, ntc_opt, ntc_str};

/// FortiOS `get system ha status` (ntc-templates `fortinet_get_system_ha_status` fields, plus
/// every cluster member and each member's configuration sync status, which the template does
/// not keep).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FortiosHaStatus {
    /// `OK`, or one entry per warning (`WARNING: FGT40F... has hbdev down`).
    pub ha_health: Vec<String>,
    /// `FortiGate-60F`.
    #[serde(default, with = "ntc_opt")]
    pub model: Option<String>,
    /// `HA A-P`, `HA A-A`, `Standalone`.
    #[serde(default, with = "ntc_opt")]
    pub ha_mode: Option<String>,
    /// HA group id.
    #[serde(default, with = "ntc_opt")]
    pub ha_group: Option<String>,
    /// `40 days 19:16:5`.
    #[serde(default, with = "ntc_opt")]
    pub cluster_uptime: Option<String>,
    /// `2021-10-12 11:24:28`, `N/A`.
    #[serde(default, with = "ntc_opt")]
    pub cluster_state_changed_time: Option<String>,
    /// Session pickup `enable` / `disable`.
    #[serde(default, with = "ntc_opt")]
    pub ha_session_pickup_status: Option<String>,
    /// Session pickup delay `enable` / `disable`.
    #[serde(default, with = "ntc_opt")]
    pub ha_session_pickup_delay: Option<String>,
    /// Override `enable` / `disable`.
    #[serde(default, with = "ntc_opt")]
    pub ha_override_status: Option<String>,
    /// The primary (`Master` / `Primary`) unit: host name, serial, cluster index.
    #[serde(default, with = "ntc_opt")]
    pub ha_master_unit_name: Option<String>,
    /// Primary unit serial.
    #[serde(default, with = "ntc_opt")]
    pub ha_master_unit_serial: Option<String>,
    /// Primary unit cluster index.
    #[serde(default, with = "ntc_opt")]
    pub ha_master_unit_index: Option<u8>,
    /// The last secondary (`Slave` / `Secondary`) unit listed (all of them are in `members`).
    #[serde(default, with = "ntc_opt")]
    pub ha_slave_unit_name: Option<String>,
    /// Secondary unit serial.
    #[serde(default, with = "ntc_opt")]
    pub ha_slave_unit_serial: Option<String>,
    /// Secondary unit cluster index.
    #[serde(default, with = "ntc_opt")]
    pub ha_slave_unit_index: Option<u8>,
    /// Every member of the `Primary : name, serial, HA cluster index = N` list, in order.
    #[serde(default)]
    pub members: Vec<FortiosHaMember>,
    /// `Configuration Status:`: each member's serial and its sync state (`in-sync`,
    /// `out-of-sync`).
    #[serde(default)]
    pub configuration_status: Vec<(String, String)>,
}

/// One member of a FortiOS HA cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosHaMember {
    /// `true` for the primary (`Master` / `Primary`).
    pub primary: bool,
    /// Host name.
    pub name: String,
    /// Serial number.
    pub serial: String,
    /// HA cluster index.
    #[serde(with = "ntc_str")]
    pub index: u8,
}

/// `Primary : FW, FGXXXXXXXXXXXXXX, HA cluster index = 0` (also `Master`, `Slave`,
/// `Secondary`, `cluster index`).
fn member(line: &str) -> Option<FortiosHaMember> {
    let (role, rest) = line.split_once(':')?;
    let primary = match role.trim() {
        "Master" | "Primary" => true,
        "Slave" | "Secondary" => false,
        _ => return None,
    };
    let parts: Vec<&str> = rest.split(',').map(str::trim).collect();
    let [name, serial, index] = parts[..] else {
        return None;
    };
    let (label, n) = index.split_once('=')?;
    if !label.trim().ends_with("cluster index") {
        return None;
    }
    Some(FortiosHaMember {
        primary,
        name: name.to_string(),
        serial: serial.to_string(),
        index: n.trim().parse().ok()?,
    })
}

/// Parses FortiOS `get system ha status` (FortiOS 5.6 to 7.x: `Master`/`Slave` or
/// `Primary`/`Secondary`), standalone units included (`Mode: Standalone`, no members).
///
/// ```
/// let ha = hermes_netdev::show::parse_fortios_ha_status(
///     "HA Health Status: OK\nModel: FortiGate-60F\nMode: HA A-P\nGroup: 10\n\
///      Cluster Uptime: 40 days 19:16:5\nses_pickup: enable, ses_pickup_delay=disable\n\
///      override: disable\nConfiguration Status:\nFGT60FTK2209XXXX(updated 5 seconds ago): in-sync\n\
///      Primary : fw-a, FGT60FTK2209XXXX, HA cluster index = 0\n\
///      Secondary : fw-b, FGT60FTK2209YYYY, HA cluster index = 1\n",
/// );
/// assert_eq!(ha.ha_health, ["OK"]);
/// assert_eq!(ha.ha_mode.as_deref(), Some("HA A-P"));
/// assert_eq!(ha.ha_slave_unit_name.as_deref(), Some("fw-b"));
/// assert_eq!(ha.members.len(), 2);
/// assert_eq!(ha.configuration_status[0].1, "in-sync");
/// ```
pub fn parse_fortios_ha_status(text: &str) -> FortiosHaStatus {
    let mut ha = FortiosHaStatus::default();
    let mut in_health = false;
    let mut in_config = false;
    for line in text.lines() {
        let t = line.trim();
        if in_health {
            // `    WARNING: FGT40F... has hbdev down;`
            if line.starts_with(char::is_whitespace) && !t.is_empty() {
                ha.ha_health
                    .push(t.trim_end_matches(';').trim_end().to_string());
                continue;
            }
            in_health = false;
        }
        if let Some(h) = field(line, "HA Health Status") {
            if h.is_empty() {
                in_health = true;
            } else {
                ha.ha_health.push(h.to_string());
            }
            continue;
        }
        if t == "Configuration Status:" {
            in_config = true;
            continue;
        }
        if in_config {
            // `FGT60FTK2209XXXX(updated 5 seconds ago): in-sync`
            if let Some((serial, rest)) = t.split_once('(') {
                if let Some((_, state)) = rest.split_once("): ") {
                    if !serial.contains(char::is_whitespace) && !state.is_empty() {
                        ha.configuration_status
                            .push((serial.to_string(), state.trim().to_string()));
                        continue;
                    }
                }
            }
            in_config = false;
        }
        if let Some(m) = member(t) {
            if m.primary {
                ha.ha_master_unit_name = Some(m.name.clone());
                ha.ha_master_unit_serial = Some(m.serial.clone());
                ha.ha_master_unit_index = Some(m.index);
            } else {
                ha.ha_slave_unit_name = Some(m.name.clone());
                ha.ha_slave_unit_serial = Some(m.serial.clone());
                ha.ha_slave_unit_index = Some(m.index);
            }
            ha.members.push(m);
            continue;
        }
        let first_word = |v: &str| v.split_whitespace().next().map(String::from);
        if let Some(v) = field(line, "Model") {
            ha.model = first_word(v);
        } else if let Some(v) = field(line, "Mode") {
            ha.ha_mode = (!v.is_empty()).then(|| v.to_string());
        } else if let Some(v) = field(line, "Group") {
            ha.ha_group = first_word(v);
        } else if let Some(v) = field(line, "Cluster Uptime") {
            ha.cluster_uptime = (!v.is_empty()).then(|| v.to_string());
        } else if let Some(v) = field(line, "Cluster state change time") {
            ha.cluster_state_changed_time = (!v.is_empty()).then(|| v.to_string());
        } else if let Some(v) = field(line, "ses_pickup") {
            if let Some((status, delay)) = v.split_once(", ses_pickup_delay=") {
                ha.ha_session_pickup_status = Some(status.trim().to_string());
                ha.ha_session_pickup_delay = first_word(delay);
            }
        } else if let Some(v) = field(line, "override") {
            ha.ha_override_status = first_word(v);
        }
    }
    ha
}

/// One entry of FortiOS `get system arp` (ntc-templates `fortinet_get_system_arp` fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosArpEntry {
    /// The neighbor's address.
    pub ip_address: Ipv4Addr,
    /// Minutes.
    #[serde(with = "ntc_str")]
    pub age: u32,
    /// `b0:a8:6e:01:61:81`.
    pub mac_address: String,
    /// `lan`, `port1`, `internal1`.
    pub interface: String,
}

/// Parses FortiOS `get system arp`: `Address  Age(min)  Hardware Addr  Interface`.
///
/// ```
/// let arp = hermes_netdev::show::parse_fortios_arp(
///     "Address           Age(min)   Hardware Addr      Interface\n\
///      192.168.1.4       0          b0:a8:6e:01:61:81 lan\n",
/// );
/// assert_eq!(arp[0].ip_address, std::net::Ipv4Addr::new(192, 168, 1, 4));
/// assert_eq!(arp[0].interface, "lan");
/// ```
pub fn parse_fortios_arp(text: &str) -> Vec<FortiosArpEntry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let (Some(ip), Some(age), Some(mac)) = (w.next(), w.next(), w.next()) else {
            continue;
        };
        let (Ok(ip_address), Ok(age)) = (ip.parse(), age.parse()) else {
            continue;
        };
        let interface = w.collect::<Vec<_>>().join(" ");
        out.push(FortiosArpEntry {
            ip_address,
            age,
            mac_address: mac.to_string(),
            interface,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_warnings_on_their_own_lines() {
        let ha = parse_fortios_ha_status(
            "HA Health Status:\r\n    WARNING: FGT40XXXXXXXXXXX has hbdev down;\r\n\
             \x20   WARNING: FGT40YYYYYYYYYYY has hbdev down;\r\nModel: FortiGate-40F\r\n",
        );
        assert_eq!(
            ha.ha_health,
            [
                "WARNING: FGT40XXXXXXXXXXX has hbdev down",
                "WARNING: FGT40YYYYYYYYYYY has hbdev down"
            ]
        );
        assert_eq!(ha.model.as_deref(), Some("FortiGate-40F"));
    }

    #[test]
    fn three_members_all_kept() {
        let ha = parse_fortios_ha_status(
            "Mode: HA A-A\n\
             Master: fw-a, FG100FTK1, cluster index = 0\n\
             Slave : fw-b, FG100FTK2, cluster index = 1\n\
             Slave : fw-c, FG100FTK3, cluster index = 2\n\
             Master: FG100FTK1, operating cluster index = 0\n",
        );
        assert_eq!(ha.members.len(), 3);
        assert!(ha.members[0].primary);
        assert_eq!(ha.members[2].serial, "FG100FTK3");
        assert_eq!(ha.ha_slave_unit_index, Some(2));
    }

    #[test]
    fn standalone_has_no_members() {
        let ha = parse_fortios_ha_status(
            "HA Health Status: OK\nModel: FortiGate-60D\nMode: Standalone\nGroup: 0\n\
             Cluster state change time: N/A\nnumber of vcluster: 0\n",
        );
        assert_eq!(ha.ha_mode.as_deref(), Some("Standalone"));
        assert!(ha.members.is_empty());
        assert_eq!(ha.ha_master_unit_name, None);
    }

    #[test]
    fn arp_header_is_not_an_entry() {
        let arp = parse_fortios_arp(
            "Address           Age(min)   Hardware Addr      Interface\n\
             10.0.0.1          12         00:09:0f:09:00:02 wan1\n",
        );
        assert_eq!(arp.len(), 1);
        assert_eq!(arp[0].age, 12);
    }
}
