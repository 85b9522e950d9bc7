//! `show port-channel summary`.

use serde_json::Value;

use super::{abbreviate, opt, Reply};
use crate::error::Result;
use crate::show::PortChannelRow;

/// Reads NX-OS `show port-channel summary` structured output (`TABLE_channel`, members in
/// `TABLE_member`) into the [`PortChannelRow`]s the text parser returns, written as the text
/// table shows them: `Po10`, flags `SU` (`layer` + `status`), members `Eth1/1` with their flag
/// (`P`), a channel without members as the text's `--`. A row without its channel or group is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_channel": {"ROW_channel": {"group": "10",
///     "port-channel": "port-channel10", "layer": "S", "status": "U", "type": "Eth",
///     "prtcl": "LACP", "TABLE_member": {"ROW_member": [
///         {"port": "Ethernet1/1", "port-status": "P"}, {"port": "Ethernet1/2", "port-status": "D"}]}}}});
/// let p = hermes_netdev::show::parse_nxos_json_show_port_channel_summary("n9k1", &body)?;
/// assert_eq!(p[0].bundle_name, "Po10");
/// assert_eq!(p[0].bundle_status, "SU");
/// assert_eq!(p[0].member_interface, ["Eth1/1", "Eth1/2"]);
/// assert_eq!(p[0].member_interface_status, ["P", "D"]);
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_port_channel_summary(
    target: &str,
    body: &Value,
) -> Result<Vec<PortChannelRow>> {
    let r = Reply {
        target,
        command: "show port-channel summary",
    };
    let b = r.body(body)?;
    let mut out = Vec::new();
    for row in r.rows(&b, "channel")? {
        let name = r.req(row, "port-channel")?;
        let mut members = Vec::new();
        let mut flags = Vec::new();
        for m in r.rows(row, "member")? {
            members.push(abbreviate(r.req(m, "port")?.trim()));
            if let Some(f) = opt(m, "port-status") {
                flags.push(f.trim().to_string());
            }
        }
        if members.is_empty() {
            members.push("--".to_string());
        }
        let (protocol, state) = match opt(row, "prtcl") {
            Some(p) => match p.split_once('(') {
                Some((p, st)) => (p.to_string(), Some(st.trim_end_matches(')').to_string())),
                None => (p, None),
            },
            None => ("NONE".to_string(), None),
        };
        out.push(PortChannelRow {
            bundle_name: abbreviate(name.trim()),
            bundle_status: format!(
                "{}{}",
                opt(row, "layer").unwrap_or_default().trim(),
                opt(row, "status").unwrap_or_default().trim()
            ),
            bundle_protocol: protocol,
            bundle_protocol_state: state,
            group: Some(r.req(row, "group")?),
            member_interface: members,
            member_interface_status: flags,
        });
    }
    Ok(out)
}
