//! `show cdp neighbors`.

use serde_json::Value;

use super::{abbreviate, opt, text, Reply};
use crate::error::Result;
use crate::show::CdpNeighbor;

/// Reads NX-OS `show cdp neighbors` structured output (`TABLE_cdp_neighbor_brief_info`) into
/// the [`CdpNeighbor`] rows the text parser returns: the local port abbreviated as the text
/// prints it (`Eth1/1`), the capabilities, which JSON names in words (`router`, `switch`,
/// `IGMP_cnd_filtering`, one string or a list), written as the text's codes (`R S I`; a word
/// without a known code kept as sent). A row without its device ID or local port is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_cdp_neighbor_brief_info": {"ROW_cdp_neighbor_brief_info": {
///     "ifindex": "83886080", "device_id": "dist-sw02(9LQR5W39XQ2)", "intf_id": "Ethernet1/1",
///     "ttl": "146", "capability": ["router", "switch", "Supports-STP-Dispute"],
///     "platform_id": "N9K-9000v", "port_id": "Ethernet1/1"}}});
/// let n = hermes_netdev::show::parse_nxos_json_show_cdp_neighbors("n9k1", &body)?;
/// assert_eq!(n[0].local_interface, "Eth1/1");
/// assert_eq!(n[0].capabilities.as_deref(), Some("R S s"));
/// assert_eq!(n[0].holdtime, Some(146));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_cdp_neighbors(target: &str, body: &Value) -> Result<Vec<CdpNeighbor>> {
    let r = Reply {
        target,
        command: "show cdp neighbors",
    };
    let b = r.body(body)?;
    r.rows(&b, "cdp_neighbor_brief_info")?
        .into_iter()
        .map(|row| {
            let caps: Vec<String> = text(row, "capability")
                .unwrap_or_default()
                .split([',', ' '])
                .filter(|w| !w.is_empty())
                .map(code)
                .collect();
            Ok(CdpNeighbor {
                neighbor_name: r.req(row, "device_id")?,
                local_interface: abbreviate(r.req(row, "intf_id")?.trim()),
                holdtime: r.num(row, "ttl")?,
                capabilities: (!caps.is_empty()).then(|| caps.join(" ")),
                platform: opt(row, "platform_id").map(|s| s.trim().to_string()),
                neighbor_interface: opt(row, "port_id").map(|s| s.trim().to_string()),
            })
        })
        .collect()
}

/// The text table's capability code for a word of the JSON (`Capability Codes: R - Router,
/// T - Trans-Bridge, B - Source-Route-Bridge, S - Switch, H - Host, I - IGMP, r - Repeater,
/// V - VoIP-Phone, D - Remotely-Managed-Device, s - Supports-STP-Dispute`).
fn code(word: &str) -> String {
    let c = match word.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
        "router" => "R",
        "transbridge" => "T",
        "sourceroutebridge" | "srbridge" => "B",
        "switch" => "S",
        "host" => "H",
        "igmp" | "igmpcndfiltering" | "igmpfiltering" => "I",
        "repeater" => "r",
        "voipphone" | "phone" => "V",
        "remotelymanageddevice" | "remotelymanaged" => "D",
        "supportsstpdispute" | "stpdispute" => "s",
        _ => return word.to_string(),
    };
    c.to_string()
}
