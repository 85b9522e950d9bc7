//! `show lldp neighbors [detail]`.

use serde_json::Value;

use super::{abbreviate, opt, opt_any, Reply, Row};
use crate::error::Result;
use crate::show::LldpNeighbor;

/// Reads NX-OS `show lldp neighbors` (`TABLE_nbor`) or `show lldp neighbors detail`
/// (`TABLE_nbor_detail`) structured output into the [`LldpNeighbor`] rows the text parser
/// returns: the neighbor's system name (`sys_name`, else the chassis ID the brief table shows),
/// the local port abbreviated as the text prints it (`Eth1/1`), the enabled capabilities (else
/// the system ones) without blanks (none for a neighbor that advertises none: `!`), the
/// neighbor's port ID and the hold time (`hold_time` / `ttl`). A row without its local port or the neighbor's port is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_nbor": {"ROW_nbor": {"chassis_type": "Locally Assigned",
///     "chassis_id": "n9k2.ntc.com", "l_port_id": "Ethernet1/1", "hold_time": "120",
///     "system_capability": "BR", "enabled_capability": "BR", "port_id": "Ethernet1/1"}}});
/// let n = hermes_netdev::show::parse_nxos_json_show_lldp_neighbors("n9k1", &body)?;
/// assert_eq!(n[0].neighbor_name, "n9k2.ntc.com");
/// assert_eq!(n[0].local_interface, "Eth1/1");
/// assert_eq!(n[0].holdtime, Some(120));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_lldp_neighbors(
    target: &str,
    body: &Value,
) -> Result<Vec<LldpNeighbor>> {
    let r = Reply {
        target,
        command: "show lldp neighbors",
    };
    let b = r.body(body)?;
    let mut rows = r.rows(&b, "nbor")?;
    rows.extend(r.rows(&b, "nbor_detail")?);
    rows.into_iter()
        .map(|row| {
            let hold = match r.num::<u32>(row, "hold_time")? {
                Some(h) => Some(h),
                None => r.num(row, "ttl")?,
            };
            Ok(LldpNeighbor {
                neighbor_name: opt_any(row, &["sys_name", "chassis_id"])
                    .filter(|n| n != "not advertised")
                    .or_else(|| opt(row, "chassis_id"))
                    .ok_or_else(|| {
                        r.malformed("a neighbor row has no `sys_name` nor `chassis_id`")
                    })?,
                local_interface: abbreviate(r.req(row, "l_port_id")?.trim()),
                capabilities: capabilities(row),
                neighbor_interface: r.req(row, "port_id")?.trim().to_string(),
                holdtime: hold,
            })
        })
        .collect()
}

/// The capabilities as the text table prints them: the enabled ones (else, when the reply has
/// no enabled ones, the system ones) without blanks. A neighbor that advertises none is sent as
/// `enabled_capability: "!"` with `system_capability: null` (an APIC on a leaf) or as `not
/// advertised`, where the text column is blank: `None`, as the text parser gives.
fn capabilities(row: &Row) -> Option<String> {
    let c = opt(row, "enabled_capability").or_else(|| opt(row, "system_capability"))?;
    let c: String = c.split_whitespace().collect();
    (c != "notadvertised" && c.chars().any(|ch| ch.is_ascii_alphabetic())).then_some(c)
}
