//! `show module`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{opt, Reply, Row};
use crate::error::Result;
use crate::show::NxosModule;

/// Reads NX-OS `show module` structured output into the [`NxosModule`]s the text parser
/// returns: the module table (`TABLE_modinfo`: slot, ports, type, model, status) joined by
/// slot number (sent as a number or text) with the software / hardware table (`TABLE_modwwninfo`: `sw`, `hw`, `slottype`),
/// the MAC / serial table (`TABLE_modmacinfo`) and the diagnostics (`TABLE_moddiaginfo`). A
/// module row without its number, ports or type is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key. Values are trimmed
/// (some releases pad the MAC range with blanks).
///
/// ```
/// let body = serde_json::json!({
///     "TABLE_modinfo": {"ROW_modinfo": {"modinf": "1", "ports": "54",
///         "modtype": "48x10/25G + 6x40/100G Ethernet Module", "model": "N9K-C93180YC-EX",
///         "status": "active *"}},
///     "TABLE_modwwninfo": {"ROW_modwwninfo": {"modwwn": "1", "sw": "9.3(8)", "hw": "1.1",
///         "slottype": "NA"}},
///     "TABLE_modmacinfo": {"ROW_modmacinfo": {"modmac": "1",
///         "mac": "00-2a-6a-ff-1b-c8 to 00-2a-6a-ff-1c-0f", "serialnum": "FDO21120U5D"}},
///     "TABLE_moddiaginfo": {"ROW_moddiaginfo": {"mod": "1", "diagstatus": "Pass"}}});
/// let m = hermes_netdev::show::parse_nxos_json_show_module("n9k1", &body)?;
/// assert_eq!(m[0].model.as_deref(), Some("N9K-C93180YC-EX"));
/// assert_eq!(m[0].sw.as_deref(), Some("9.3(8)"));
/// assert_eq!(m[0].serial_number.as_deref(), Some("FDO21120U5D"));
/// assert_eq!(m[0].online_diag_status.as_deref(), Some("Pass"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_module(target: &str, body: &Value) -> Result<Vec<NxosModule>> {
    let r = Reply {
        target,
        command: "show module",
    };
    let b = r.body(body)?;
    let by_slot = |table: &str, key: &str| -> Result<BTreeMap<u32, &Row>> {
        let mut m = BTreeMap::new();
        for row in r.rows(&b, table)? {
            if let Some(n) = r.num::<u32>(row, key)? {
                m.entry(n).or_insert(row);
            }
        }
        Ok(m)
    };
    let wwn = by_slot("modwwninfo", "modwwn")?;
    let mac = by_slot("modmacinfo", "modmac")?;
    let diag = by_slot("moddiaginfo", "mod")?;
    let mut out = Vec::new();
    for row in r.rows(&b, "modinfo")? {
        let module: u32 = r.req_num(row, "modinf")?;
        let w = wwn.get(&module);
        let m = mac.get(&module);
        out.push(NxosModule {
            module,
            ports: r.req_num(row, "ports")?,
            r#type: r.req(row, "modtype")?.trim().to_string(),
            model: opt(row, "model").map(|s| s.trim().to_string()),
            status: opt(row, "status").map(|s| s.trim().to_string()),
            sw: w.and_then(|w| trimmed(w, "sw")),
            hw: w.and_then(|w| trimmed(w, "hw")),
            // `NA` (a fixed switch) and the N7K's `--` name no slot, as in the text table.
            slot: w
                .and_then(|w| trimmed(w, "slottype"))
                .filter(|s| !matches!(s.as_str(), "NA" | "--")),
            mac_address: m.and_then(|m| trimmed(m, "mac")),
            serial_number: m.and_then(|m| trimmed(m, "serialnum")),
            online_diag_status: diag.get(&module).and_then(|d| trimmed(d, "diagstatus")),
        });
    }
    Ok(out)
}

/// `key` without the blanks some releases pad values with (`" 00-de-fb-fb-50-e0 to ...  "`).
fn trimmed(row: &Row, key: &str) -> Option<String> {
    opt(row, key).map(|s| s.trim().to_string())
}
