//! Parsers for operational `show` outputs (the read-back side of a change and the fleet report):
//! `show vlan` (IOS, NX-OS) and `show port-channel summary` / `show etherchannel summary`.
//!
//! Field names follow ntc-templates, whose parsed samples the tests compare against.

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
                last.interfaces.extend(ports(t));
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

/// One port-channel of `show port-channel summary` (NX-OS) / `show etherchannel summary` (IOS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PortChannelRow {
    /// `Po10`.
    pub bundle_name: String,
    /// Flags of the bundle (`U`, `SU`, `D`).
    pub bundle_status: String,
    /// `LACP`, `NONE`, `PAgP`.
    pub bundle_protocol: String,
    /// NX-OS: the LACP flag in `LACP(a)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_protocol_state: Option<String>,
    /// IOS: the group number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Member ports.
    pub member_interface: Vec<String>,
    /// Member flags (`P`, `PSG+`).
    pub member_interface_status: Vec<String>,
}

fn split_flag(tok: &str) -> Option<(&str, &str)> {
    let open = tok.find('(')?;
    let close = tok.rfind(')')?;
    (close > open).then(|| (&tok[..open], &tok[open + 1..close]))
}

/// Parses `show port-channel summary` (NX-OS) or `show etherchannel summary` (IOS).
pub fn parse_port_channel_summary(text: &str) -> Vec<PortChannelRow> {
    let mut rows: Vec<PortChannelRow> = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let t = line.trim_end();
        if t.starts_with("Port-Channel") || t.starts_with("Group") {
            in_table = true;
            continue;
        }
        if !in_table || t.starts_with("----") || t.trim().is_empty() {
            continue;
        }
        let toks: Vec<&str> = t.split_whitespace().collect();
        let mut members_from = 0;
        if !t.starts_with(' ') {
            let mut row = PortChannelRow::default();
            let mut i = 0;
            if toks[0].bytes().all(|b| b.is_ascii_digit()) {
                row.group = Some(toks[0].to_string());
                i = 1;
            }
            let Some((name, flags)) = toks.get(i).and_then(|x| split_flag(x)) else {
                continue;
            };
            row.bundle_name = name.to_string();
            row.bundle_status = flags.to_string();
            let proto = toks.get(i + 1).copied().unwrap_or_default();
            match split_flag(proto) {
                Some((p, st)) => {
                    row.bundle_protocol = p.to_string();
                    row.bundle_protocol_state = Some(st.to_string());
                }
                None => row.bundle_protocol = proto.to_string(),
            }
            rows.push(row);
            members_from = i + 2;
        }
        if let Some(row) = rows.last_mut() {
            for m in toks.iter().skip(members_from) {
                if let Some((p, st)) = split_flag(m) {
                    row.member_interface.push(p.to_string());
                    row.member_interface_status.push(st.to_string());
                }
            }
        }
    }
    rows
}
