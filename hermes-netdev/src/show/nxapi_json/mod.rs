//! NX-OS structured (`cli_show` / JSON-RPC `cli`) replies read into the same typed rows as the
//! text parsers, so a caller gets one shape whichever transport it used.
//!
//! NX-OS writes a table as `TABLE_x: {ROW_x: ...}`, where `ROW_x` is an object for one row and
//! an array for several (some releases also write `TABLE_x` itself as an array of such
//! objects); numbers come as JSON numbers on some releases and as strings on others, and an empty
//! table is left out. [`rows`] reads every table those ways; the field readers accept a number or
//! its text. A key every release prints that is missing is [`NetError::Malformed`] naming the
//! device, the command and the key; keys releases omit are `Option`s.
//!
//! | command | reader |
//! |---|---|
//! | `show version` | [`parse_nxos_json_show_version`] → [`NxosVersion`](super::NxosVersion) |
//! | `show interface` | [`parse_nxos_json_show_interface`] → [`NxosInterface`](super::NxosInterface) |
//! | `show ip interface brief [vrf NAME\|all]` | [`parse_nxos_json_show_ip_interface_brief`] → [`NxosIpInterfaceBrief`](super::NxosIpInterfaceBrief) |
//! | `show interface status` | [`parse_nxos_json_show_interface_status`] → [`InterfaceStatusRow`](super::InterfaceStatusRow) |
//! | `show vlan brief`, `show vlan`, `show vlan id N` | [`parse_nxos_json_show_vlan_brief`] → [`VlanRow`](super::VlanRow) |
//! | `show mac address-table` | [`parse_nxos_json_show_mac_address_table`] → [`NxosMacEntry`](super::NxosMacEntry) |
//! | `show ip route [vrf NAME\|all]` | [`parse_nxos_json_show_ip_route`] → [`NxosRoute`](super::NxosRoute) |
//! | `show ipv6 route [vrf NAME\|all]` | [`parse_nxos_json_show_ipv6_route`] → [`NxosIpv6Route`](super::NxosIpv6Route) |
//! | `show lldp neighbors [detail]` | [`parse_nxos_json_show_lldp_neighbors`] → [`LldpNeighbor`](super::LldpNeighbor) |
//! | `show vpc` | [`parse_nxos_json_show_vpc`] → [`NxosVpc`](super::NxosVpc) |
//! | `show cdp neighbors` | [`parse_nxos_json_show_cdp_neighbors`] → [`CdpNeighbor`](super::CdpNeighbor) |
//! | `show port-channel summary` | [`parse_nxos_json_show_port_channel_summary`] → [`PortChannelRow`](super::PortChannelRow) |
//! | `show module` | [`parse_nxos_json_show_module`] → [`NxosModule`](super::NxosModule) |
//! | `show ip arp [vrf NAME\|all]` | [`parse_nxos_json_show_ip_arp`] → [`NxosArpEntry`](super::NxosArpEntry) |
//! | `show inventory` | [`parse_nxos_json_show_inventory`] → [`InventoryItem`](super::InventoryItem) |
//! | `show ip bgp summary [vrf ...]`, `show bgp all summary vrf all` | [`parse_nxos_json_show_bgp_summary`] → [`NxosBgpNeighborSummary`](super::NxosBgpNeighborSummary) |

mod bgp;
mod cdp;
mod interface;
mod lldp;
mod module;
mod port_channel;
mod route;
mod tables;
mod version;
mod vpc;

pub use bgp::parse_nxos_json_show_bgp_summary;
pub use cdp::parse_nxos_json_show_cdp_neighbors;
pub use interface::{parse_nxos_json_show_interface, parse_nxos_json_show_ip_interface_brief};
pub use lldp::parse_nxos_json_show_lldp_neighbors;
pub use module::parse_nxos_json_show_module;
pub use port_channel::parse_nxos_json_show_port_channel_summary;
pub use route::{parse_nxos_json_show_ip_route, parse_nxos_json_show_ipv6_route};
pub use tables::{
    parse_nxos_json_show_interface_status, parse_nxos_json_show_inventory,
    parse_nxos_json_show_ip_arp, parse_nxos_json_show_mac_address_table,
    parse_nxos_json_show_vlan_brief,
};
pub use version::parse_nxos_json_show_version;
pub use vpc::parse_nxos_json_show_vpc;

use std::fmt::Display;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::error::{NetError, Result};

/// One JSON object of a reply (a row, or the body itself).
pub(crate) type Row = Map<String, Value>;

/// What a reader is reading: the device and the command, named in every error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reply<'a> {
    pub(crate) target: &'a str,
    pub(crate) command: &'static str,
}

impl Reply<'_> {
    /// [`NetError::Malformed`] naming the device and the command.
    pub(crate) fn malformed(&self, detail: impl Display) -> NetError {
        NetError::Malformed {
            target: self.target.to_string(),
            detail: format!("NX-API `{}` reply: {detail}", self.command),
        }
    }

    /// The body as an object. `null` (NX-API's body for a command with no output, such as an
    /// empty table) is an empty object; text (`cli_ascii`, or a command without structured
    /// output) is refused with what to do.
    pub(crate) fn body<'v>(&self, body: &'v Value) -> Result<std::borrow::Cow<'v, Row>> {
        match body {
            Value::Object(o) => Ok(std::borrow::Cow::Borrowed(o)),
            Value::Null => Ok(std::borrow::Cow::Owned(Row::new())),
            Value::String(s) => Err(self.malformed(format!(
                "the body is text, not structured output ({:?}...): send the command with the \
                 `cli` method (NxApi::show), not `cli_ascii`, or read it with the text parser",
                s.chars().take(60).collect::<String>()
            ))),
            other => Err(self.malformed(format!("the body is {}, not an object", kind_of(other)))),
        }
    }

    /// The rows of table `name` in `obj` (`TABLE_name` / `ROW_name`): none when the table is
    /// absent or `null`, one for an object, each element for an array; a `TABLE_name` written as
    /// an array of `{ROW_name: ...}` objects gives the rows of each. Anything else (a row that is
    /// not an object) is [`NetError::Malformed`] naming the table.
    pub(crate) fn rows<'v>(&self, obj: &'v Row, name: &str) -> Result<Vec<&'v Row>> {
        let table_key = format!("TABLE_{name}");
        let row_key = format!("ROW_{name}");
        let tables: Vec<&Value> = match obj.get(&table_key) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(a)) => a.iter().collect(),
            Some(t) => vec![t],
        };
        let mut out = Vec::new();
        for t in tables {
            let Value::Object(t) = t else {
                return Err(self.malformed(format!(
                    "`{table_key}` holds {}, not an object with `{row_key}`",
                    kind_of(t)
                )));
            };
            let rows: Vec<&Value> = match t.get(&row_key) {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(a)) => a.iter().collect(),
                Some(r) => vec![r],
            };
            for r in rows {
                match r {
                    Value::Object(r) => out.push(r),
                    other => {
                        return Err(self.malformed(format!(
                            "a `{row_key}` row is {}, not an object",
                            kind_of(other)
                        )))
                    }
                }
            }
        }
        Ok(out)
    }

    /// The text of `key` in `row` (see [`text`]); missing → [`NetError::Malformed`] naming it.
    pub(crate) fn req(&self, row: &Row, key: &str) -> Result<String> {
        text(row, key).ok_or_else(|| self.missing(row, key))
    }

    /// The first of `keys` present in `row` (keys renamed between releases); none →
    /// [`NetError::Malformed`] naming them all.
    pub(crate) fn req_any(&self, row: &Row, keys: &[&str]) -> Result<String> {
        keys.iter()
            .find_map(|k| text(row, k))
            .ok_or_else(|| self.missing(row, &keys.join("` or `")))
    }

    /// `key` read as a number (a JSON number or its text); absent, empty or a placeholder
    /// (`-`, `--`, `N/A`, `NA`) → `None`; any other text → [`NetError::Malformed`] naming it.
    pub(crate) fn num<T: FromStr>(&self, row: &Row, key: &str) -> Result<Option<T>> {
        let Some(s) = text(row, key) else {
            return Ok(None);
        };
        if matches!(s.as_str(), "" | "-" | "--" | "N/A" | "NA" | "n/a") {
            return Ok(None);
        }
        s.parse().map(Some).map_err(|_| {
            self.malformed(format!(
                "`{key}` is {s:?}, not a number{}",
                row_name(row)
                    .map(|n| format!(" (row {n})"))
                    .unwrap_or_default()
            ))
        })
    }

    /// Like [`Reply::num`], but a missing or placeholder value is an error naming `key`.
    pub(crate) fn req_num<T: FromStr>(&self, row: &Row, key: &str) -> Result<T> {
        self.num(row, key)?.ok_or_else(|| self.missing(row, key))
    }

    fn missing(&self, row: &Row, key: &str) -> NetError {
        let mut keys: Vec<&str> = row.keys().map(String::as_str).take(12).collect();
        if row.len() > keys.len() {
            keys.push("...");
        }
        self.malformed(format!(
            "no `{key}`{} (keys: {})",
            row_name(row)
                .map(|n| format!(" in row {n}"))
                .unwrap_or_default(),
            keys.join(", ")
        ))
    }
}

/// The value of `key` as text: a string as sent, a number or boolean written out; absent or
/// `null` → `None`. A list of strings (NX-OS splits a long value, a VLAN's port list, into
/// several) is joined with `,`.
pub(crate) fn text(row: &Row, key: &str) -> Option<String> {
    match row.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(a) => {
            let parts: Option<Vec<&str>> = a.iter().map(Value::as_str).collect();
            parts.map(|p| p.join(","))
        }
        Value::Null | Value::Object(_) => None,
    }
}

/// Like [`text`], trimmed (some releases pad values with blanks, which the text tables do not
/// show), and blank text is `None` too (NX-OS sends `""` for an unset description).
pub(crate) fn opt(row: &Row, key: &str) -> Option<String> {
    text(row, key)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The first of `keys` that [`opt`] finds.
pub(crate) fn opt_any(row: &Row, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| opt(row, k))
}

/// An age or uptime as the text tables print it: an ISO 8601 duration (NX-OS 9.3 and later)
/// rewritten by [`iso_duration_as_text`], anything else as sent.
pub(crate) fn uptime_text(s: String) -> String {
    iso_duration_as_text(&s).unwrap_or(s)
}

/// `P17DT7H42M42S` (ISO 8601, as NX-OS 9.3 and later send `time`) written as the text table
/// does: `hh:mm:ss` under a day, `XdYYh` under a week, `XwYd` beyond. `None` for anything
/// else (the text form, kept as sent).
pub(crate) fn iso_duration_as_text(s: &str) -> Option<String> {
    let rest = s.strip_prefix('P')?;
    let (mut weeks, mut days, mut hours, mut mins, mut secs) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut in_time = false;
    let mut num = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => num.push(c),
            '.' if in_time => num.push(c),
            'T' if num.is_empty() && !in_time => in_time = true,
            _ => {
                let n: u64 = num.split('.').next()?.parse().ok()?;
                num.clear();
                match (in_time, c) {
                    (false, 'Y') => days += n * 365,
                    (false, 'M') => days += n * 30,
                    (false, 'W') => weeks += n,
                    (false, 'D') => days += n,
                    (true, 'H') => hours += n,
                    (true, 'M') => mins += n,
                    (true, 'S') => secs += n,
                    _ => return None,
                }
            }
        }
    }
    if !num.is_empty() {
        return None;
    }
    let total = ((weeks * 7 + days) * 24 + hours) * 3600 + mins * 60 + secs;
    let (d, rem) = (total / 86_400, total % 86_400);
    Some(if d == 0 {
        format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
    } else if d < 7 {
        format!("{d}d{:02}h", rem / 3600)
    } else {
        format!("{}w{}d", d / 7, d % 7)
    })
}

/// The port name as NX-OS text tables print it: `Ethernet` → `Eth`, `port-channel` → `Po`.
pub(crate) fn abbreviate(port: &str) -> String {
    for (long, short) in [("Ethernet", "Eth"), ("port-channel", "Po")] {
        if let Some(rest) = port.strip_prefix(long) {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return format!("{short}{rest}");
            }
        }
    }
    port.to_string()
}

/// A name for a row in errors: its interface, address or id, when it has one.
fn row_name(row: &Row) -> Option<String> {
    [
        "interface",
        "intf-name",
        "ip-addr-out",
        "ipprefix",
        "neighborid",
        "disp_mac_addr",
        "name",
    ]
    .iter()
    .find_map(|k| text(row, k))
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const R: Reply<'static> = Reply {
        target: "n9k",
        command: "show test",
    };

    fn obj(v: Value) -> Row {
        match v {
            Value::Object(o) => o,
            _ => unreachable!("test input is an object"),
        }
    }

    #[test]
    fn one_row_many_rows_and_no_table_read_alike() {
        let one = obj(json!({"TABLE_x": {"ROW_x": {"a": 1}}}));
        let many = obj(json!({"TABLE_x": {"ROW_x": [{"a": 1}, {"a": 2}]}}));
        let split = obj(json!({"TABLE_x": [{"ROW_x": {"a": 1}}, {"ROW_x": [{"a": 2}, {"a": 3}]}]}));
        let none = obj(json!({"other": 1}));
        assert_eq!(R.rows(&one, "x").unwrap().len(), 1);
        assert_eq!(R.rows(&many, "x").unwrap().len(), 2);
        assert_eq!(R.rows(&split, "x").unwrap().len(), 3);
        assert!(R.rows(&none, "x").unwrap().is_empty());
        let bad = obj(json!({"TABLE_x": {"ROW_x": ["a"]}}));
        let e = R.rows(&bad, "x").unwrap_err().to_string();
        assert!(
            e.contains("n9k") && e.contains("show test") && e.contains("ROW_x"),
            "{e}"
        );
    }

    #[test]
    fn numbers_as_numbers_or_text_and_errors_name_the_key() {
        let r = obj(json!({"a": 5, "b": "6", "c": "-", "d": "x", "interface": "Eth1/1"}));
        assert_eq!(R.num::<u32>(&r, "a").unwrap(), Some(5));
        assert_eq!(R.num::<u32>(&r, "b").unwrap(), Some(6));
        assert_eq!(R.num::<u32>(&r, "c").unwrap(), None);
        let e = R.num::<u32>(&r, "d").unwrap_err().to_string();
        assert!(e.contains("`d`") && e.contains("Eth1/1"), "{e}");
        let e = R.req(&r, "zz").unwrap_err().to_string();
        assert!(e.contains("no `zz`") && e.contains("show test"), "{e}");
    }

    #[test]
    fn text_bodies_are_refused_with_what_to_do() {
        let e = R.body(&json!("Cisco Nexus")).unwrap_err().to_string();
        assert!(e.contains("cli_ascii"), "{e}");
        assert!(R.body(&Value::Null).unwrap().is_empty());
    }
}
