//! `show vlan brief`, `show mac address-table`, `show ip arp`, `show inventory`.

use serde_json::Value;

use super::{abbreviate, opt, text, uptime_text, Reply, Row};
use crate::error::Result;
use crate::show::{InterfaceStatusRow, InventoryItem, NxosArpEntry, NxosMacEntry, VlanRow};

/// Reads NX-OS `show vlan brief` structured output (`TABLE_vlanbriefxbrief`) or the VLAN
/// table of `show vlan` (`TABLE_vlanbrief`) or `show vlan id N` (`TABLE_vlanbriefid`), the
/// same rows under other names, into the
/// [`VlanRow`]s the text parser returns.
///
/// The status is written as the text shows it (`active`, `suspend`, `act/lshut` for a VLAN
/// shut down); the port list, which NX-OS sends as ranges (`Ethernet1/6-10,port-channel10-13`)
/// and splits into several strings when long, is expanded port by port and abbreviated as the
/// text table prints it (`Eth1/6`, ..., `Po10`, ...).
///
/// ```
/// let body = serde_json::json!({"TABLE_vlanbriefxbrief": {"ROW_vlanbriefxbrief": {
///     "vlanshowbr-vlanid": 10, "vlanshowbr-vlanname": "web", "vlanshowbr-vlanstate": "active",
///     "vlanshowbr-shutstate": "noshutdown", "vlanshowplist-ifidx": "port-channel1-2,Ethernet1/7"}}});
/// let v = hermes_netdev::show::parse_nxos_json_show_vlan_brief("n9k1", &body)?;
/// assert_eq!(v[0].vlan_id, "10");
/// assert_eq!(v[0].interfaces, ["Po1", "Po2", "Eth1/7"]);
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_vlan_brief(target: &str, body: &Value) -> Result<Vec<VlanRow>> {
    let r = Reply {
        target,
        command: "show vlan brief",
    };
    let b = r.body(body)?;
    let mut out = Vec::new();
    let mut rows = r.rows(&b, "vlanbriefxbrief")?;
    rows.extend(r.rows(&b, "vlanbrief")?);
    rows.extend(r.rows(&b, "vlanbriefid")?);
    for row in rows {
        let vlan_id = r.req(row, "vlanshowbr-vlanid")?;
        let state = r.req(row, "vlanshowbr-vlanstate")?;
        let status = match text(row, "vlanshowbr-shutstate").as_deref() {
            Some("shutdown") => format!("{}/lshut", state.get(..3).unwrap_or(&state)),
            _ => state,
        };
        let mut interfaces = Vec::new();
        for item in text(row, "vlanshowplist-ifidx")
            .unwrap_or_default()
            .split(',')
        {
            let item = item.trim();
            if !item.is_empty() {
                interfaces.extend(expand_ports(item).into_iter().map(|p| abbreviate(&p)));
            }
        }
        out.push(VlanRow {
            vlan_name: r.req(row, "vlanshowbr-vlanname")?,
            vlan_id,
            status,
            interfaces,
        });
    }
    Ok(out)
}

/// `Ethernet1/6-10` → `Ethernet1/6` ... `Ethernet1/10`; `port-channel10-13` → four; a name
/// without a numeric range after its last `-` (or an inverted or huge range) as it is.
fn expand_ports(item: &str) -> Vec<String> {
    if let Some((base, end)) = item.rsplit_once('-') {
        let digits = base.bytes().rev().take_while(u8::is_ascii_digit).count();
        if digits > 0 && !end.is_empty() && end.bytes().all(|b| b.is_ascii_digit()) {
            let (stem, first) = base.split_at(base.len() - digits);
            if let (Ok(a), Ok(b)) = (first.parse::<u32>(), end.parse::<u32>()) {
                if a <= b && b - a < 4096 {
                    return (a..=b).map(|n| format!("{stem}{n}")).collect();
                }
            }
        }
    }
    vec![item.to_string()]
}

/// Reads NX-OS `show interface status` structured output (`TABLE_interface`) into the
/// [`InterfaceStatusRow`]s the text parser returns: the port abbreviated as the text table
/// prints it (`Eth1/1`, `Po10`), the values whole (the text table cuts `xcvrAbsent` to its
/// column, JSON does not), a description or media type that is absent or `--` as `None`. A row
/// without its port or state is [`NetError::Malformed`](crate::NetError::Malformed) naming the
/// key.
///
/// ```
/// let body = serde_json::json!({"TABLE_interface": {"ROW_interface": {"interface": "Ethernet1/1",
///     "state": "connected", "vlan": "1", "duplex": "full", "speed": "10G",
///     "type": "SFP-H10GB-CU2M"}}});
/// let s = hermes_netdev::show::parse_nxos_json_show_interface_status("n9k1", &body)?;
/// assert_eq!(s[0].port, "Eth1/1");
/// assert_eq!(s[0].speed.as_deref(), Some("10G"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_interface_status(
    target: &str,
    body: &Value,
) -> Result<Vec<InterfaceStatusRow>> {
    let r = Reply {
        target,
        command: "show interface status",
    };
    let b = r.body(body)?;
    let shown = |row: &Row, k: &str| opt(row, k).filter(|v| v.trim() != "--");
    r.rows(&b, "interface")?
        .into_iter()
        .map(|row| {
            Ok(InterfaceStatusRow {
                port: abbreviate(&r.req(row, "interface")?),
                name: shown(row, "name"),
                status: r.req(row, "state")?,
                vlan_id: opt(row, "vlan"),
                duplex: opt(row, "duplex"),
                speed: opt(row, "speed"),
                r#type: shown(row, "type"),
                fc_mode: None,
                reason: None,
            })
        })
        .collect()
}

/// Reads NX-OS `show mac address-table` structured output (`TABLE_mac_address`) into the
/// [`NxosMacEntry`] rows the text parser returns.
///
/// Written as the text shows them: `disp_is_static` `enabled` → type `static` (else
/// `dynamic`), `disp_is_secure` / `disp_is_ntfy` → `T` / `F`, the entry flag (`*`, `+`, `G`)
/// from `disp_type`, VLAN `0` (a routed MAC) → `-`. NX-OS 9.3 and later send the type word
/// itself in `disp_type` (`static`, `dynamic`) and `T` / `F` for secure and notify: the type is
/// then that word and the flag `None`, since that reply does not carry it (the text's `G` of a
/// gateway MAC is lost). A row without its MAC, VLAN or port is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_mac_address": {"ROW_mac_address": [
///     {"disp_mac_addr": "5087.89a1.de75", "disp_type": "*", "disp_vlan": "10",
///      "disp_is_static": "disabled", "disp_age": "0", "disp_is_secure": "disabled",
///      "disp_is_ntfy": "disabled", "disp_port": "Ethernet1/1"}]}});
/// let m = hermes_netdev::show::parse_nxos_json_show_mac_address_table("n9k1", &body)?;
/// assert_eq!(m[0].r#type, "dynamic");
/// assert_eq!(m[0].flag.as_deref(), Some("*"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_mac_address_table(
    target: &str,
    body: &Value,
) -> Result<Vec<NxosMacEntry>> {
    let r = Reply {
        target,
        command: "show mac address-table",
    };
    let b = r.body(body)?;
    let yes = |row: &Row, k: &str| {
        matches!(
            text(row, k).as_deref().map(str::trim),
            Some("enabled" | "true" | "T" | "Y" | "yes")
        )
    };
    let tf = |row: &Row, k: &str| if yes(row, k) { "T" } else { "F" }.to_string();
    r.rows(&b, "mac_address")?
        .into_iter()
        .map(|row| {
            let vlan = r.req(row, "disp_vlan")?;
            // NX-OS 9.3 and later send the type column (`static`, `dynamic`) in `disp_type`,
            // with no `disp_is_static` and no entry flag; older releases send the flag there.
            let type_word = opt(row, "disp_type")
                .map(|t| t.trim().to_string())
                .filter(|t| t.len() > 1 && t.chars().all(|c| c.is_ascii_alphabetic()));
            Ok(NxosMacEntry {
                vlan_id: if vlan.trim() == "0" {
                    "-".to_string()
                } else {
                    vlan.trim().to_string()
                },
                mac_address: r.req(row, "disp_mac_addr")?,
                r#type: match &type_word {
                    Some(t) => t.clone(),
                    None if yes(row, "disp_is_static") => "static".to_string(),
                    None => "dynamic".to_string(),
                },
                age: opt(row, "disp_age").unwrap_or_else(|| "-".to_string()),
                secure: tf(row, "disp_is_secure"),
                ntfy: tf(row, "disp_is_ntfy"),
                ports: r.req(row, "disp_port")?.trim().to_string(),
                flag: if type_word.is_some() {
                    None
                } else {
                    opt(row, "disp_type").map(|f| f.trim().to_string())
                },
            })
        })
        .collect()
}

/// Reads NX-OS `show ip arp [vrf NAME|all]` structured output (`TABLE_vrf` / `TABLE_adj`)
/// into the [`NxosArpEntry`] rows the text parser returns. The age is as the text prints it:
/// an ISO 8601 duration (NX-OS 9.3 and later: `PT18M6S`) written as `00:18:06`, anything else
/// as sent (`00:09:43`, `-` for static entries; some releases send seconds, `0.411797`). A row without its address,
/// MAC or interface is [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_vrf": {"ROW_vrf": {"vrf-name-out": "default",
///     "TABLE_adj": {"ROW_adj": {"ip-addr-out": "10.1.1.1", "mac": "000a.000a.000a",
///     "time-stamp": "-", "intf-out": "Ethernet2/1"}}}}});
/// let a = hermes_netdev::show::parse_nxos_json_show_ip_arp("n9k1", &body)?;
/// assert_eq!(a[0].interface, "Ethernet2/1");
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_ip_arp(target: &str, body: &Value) -> Result<Vec<NxosArpEntry>> {
    let r = Reply {
        target,
        command: "show ip arp",
    };
    let b = r.body(body)?;
    let mut out = Vec::new();
    for vrf in r.rows(&b, "vrf")? {
        for row in r.rows(vrf, "adj")? {
            let ip = r.req(row, "ip-addr-out")?;
            out.push(NxosArpEntry {
                ip_address: ip
                    .trim()
                    .parse()
                    .map_err(|_| r.malformed(format!("`ip-addr-out` {ip:?} is not IPv4")))?,
                age: opt(row, "time-stamp")
                    .map(uptime_text)
                    .unwrap_or_else(|| "-".to_string()),
                mac_address: r.req(row, "mac")?,
                interface: r.req(row, "intf-out")?,
                flags: opt(row, "flags").map(|f| f.trim().to_string()),
            });
        }
    }
    Ok(out)
}

/// Reads NX-OS `show inventory` structured output (`TABLE_inv`) into the [`InventoryItem`]s
/// the text parser returns: the name without the quotes some releases keep around it
/// (`"Chassis"`), blank product / version / serial as `None`.
///
/// ```
/// let body = serde_json::json!({"TABLE_inv": {"ROW_inv": {"name": "\"Chassis\"",
///     "desc": "Nexus 6001 Chassis", "productid": "N6K-C6001-64P", "vendorid": "V01",
///     "serialnum": "TM6017D760B"}}});
/// let i = hermes_netdev::show::parse_nxos_json_show_inventory("n6k", &body)?;
/// assert_eq!(i[0].name, "Chassis");
/// assert_eq!(i[0].pid.as_deref(), Some("N6K-C6001-64P"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_inventory(target: &str, body: &Value) -> Result<Vec<InventoryItem>> {
    let r = Reply {
        target,
        command: "show inventory",
    };
    let b = r.body(body)?;
    let unquote = |s: String| {
        let t = s.trim();
        t.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(t)
            .to_string()
    };
    r.rows(&b, "inv")?
        .into_iter()
        .map(|row| {
            Ok(InventoryItem {
                name: unquote(r.req(row, "name")?),
                descr: unquote(r.req(row, "desc")?),
                pid: opt(row, "productid").map(|s| s.trim().to_string()),
                vid: opt(row, "vendorid").map(|s| s.trim().to_string()),
                sn: opt(row, "serialnum").map(|s| s.trim().to_string()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_ranges_expand_and_abbreviate() {
        let p: Vec<String> = [
            "port-channel10-12",
            "port-channel99",
            "Ethernet101/1/4-5",
            "nve1",
        ]
        .iter()
        .flat_map(|i| expand_ports(i))
        .map(|p| abbreviate(&p))
        .collect();
        assert_eq!(
            p,
            [
                "Po10",
                "Po11",
                "Po12",
                "Po99",
                "Eth101/1/4",
                "Eth101/1/5",
                "nve1"
            ]
        );
        assert_eq!(expand_ports("Ethernet1/9-2"), ["Ethernet1/9-2"]);
    }
}
