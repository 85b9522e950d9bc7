//! `show port-channel summary` (NX-OS) / `show etherchannel summary` (IOS).

use serde::{Deserialize, Serialize};

use super::ntc_opt;

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
    #[serde(default, with = "ntc_opt")]
    pub bundle_protocol_state: Option<String>,
    /// The group number, when the table has a `Group` column.
    #[serde(default, with = "ntc_opt")]
    pub group: Option<String>,
    /// Member ports (`["--"]` when NX-OS prints `--` for none, as ntc-templates reports it).
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
///
/// ```
/// let rows = hermes_netdev::show::parse_port_channel_summary(
///     "Group Port-       Type     Protocol  Member Ports\n      Channel\n\
///      ------------------------------------------------------------\n\
///      10    Po10(SU)    Eth      LACP      Eth1/1(P)    Eth1/2(P)\n",
/// );
/// assert_eq!(rows[0].bundle_name, "Po10");
/// assert_eq!(rows[0].member_interface, ["Eth1/1", "Eth1/2"]);
/// ```
pub fn parse_port_channel_summary(text: &str) -> Vec<PortChannelRow> {
    let mut rows: Vec<PortChannelRow> = Vec::new();
    let mut in_table = false;
    // NX-OS `Group Port- Type Protocol Member Ports`: a type column (`Eth`) before the protocol.
    let mut has_type = false;
    for line in text.lines() {
        let t = line.trim_end();
        if t.starts_with("Port-Channel") || t.starts_with("Group") {
            in_table = true;
            has_type = t.split_whitespace().any(|w| w == "Type");
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
            if has_type {
                i += 1;
            }
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
                if has_type && *m == "--" {
                    // NX-OS prints `--` for a channel without members; ntc-templates lists it
                    // as a member (with no status), and so does this parser.
                    row.member_interface.push(m.to_string());
                    continue;
                }
                if let Some((p, st)) = split_flag(m) {
                    row.member_interface.push(p.to_string());
                    row.member_interface_status.push(st.to_string());
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nxos_channel_without_members() {
        let rows = parse_port_channel_summary(
            "Group Port-       Type     Protocol  Member Ports\n\
             \x20     Channel\n\
             --------------------------------------------------------------------------------\n\
             20    Po20(SU)    Eth      LACP      Eth1/5(P)    Eth1/6(P)\n\
             21    Po21(SD)    Eth      NONE      --\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].group.as_deref(), Some("20"));
        assert_eq!(rows[0].member_interface_status, ["P", "P"]);
        assert_eq!(rows[1].bundle_name, "Po21");
        assert_eq!(rows[1].bundle_status, "SD");
        assert_eq!(rows[1].bundle_protocol, "NONE");
        assert_eq!(rows[1].member_interface, ["--"]);
        assert!(rows[1].member_interface_status.is_empty());
    }

    #[test]
    fn ios_members_after_hot_standby_and_on_continuation_lines() {
        let rows = parse_port_channel_summary(
            "Group  Port-channel  Protocol    Ports\n\
             ------+-------------+-----------+-----------------------------------------------\n\
             3      Po3(SU)         LACP      Gi1/0/9(P)  Gi1/0/10(H) Gi1/0/11(P)\n\
             \x20                                Gi2/0/9(P)\n\
             4      Po4(SD)          -        \n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].group.as_deref(), Some("3"));
        assert_eq!(rows[0].bundle_protocol, "LACP");
        assert_eq!(rows[0].bundle_protocol_state, None);
        assert_eq!(
            rows[0].member_interface,
            ["Gi1/0/9", "Gi1/0/10", "Gi1/0/11", "Gi2/0/9"]
        );
        assert_eq!(rows[0].member_interface_status, ["P", "H", "P", "P"]);
        assert_eq!(rows[1].bundle_name, "Po4");
        assert!(rows[1].member_interface.is_empty());
    }
}
