//! `show inventory` (IOS, IOS-XE, NX-OS).

use serde::{Deserialize, Serialize};

use super::ntc_opt;

/// One item of `show inventory` (ntc-templates `cisco_ios_show_inventory` /
/// `cisco_nxos_show_inventory` fields): a `NAME: ..., DESCR: ...` line and the `PID: ..., VID:
/// ..., SN: ...` line under it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InventoryItem {
    /// `Chassis`, `Slot 1`, `Power Supply 1`, `Ethernet1/49`, `TenGigabitEthernet1/1/1` (the text
    /// between the quotes, blanks inside them kept; NX-OS transceivers print it unquoted).
    pub name: String,
    /// The description (`Nexus9000 C9396PX Chassis`, `1000BaseSX SFP`).
    pub descr: String,
    /// Product ID (`N9K-C9396PX`, `WS-C3750X-48P-S`); absent when the device prints none.
    #[serde(default, with = "ntc_opt")]
    pub pid: Option<String>,
    /// Version ID (`V02`, `1.0`, `0xFF`; a transceiver's vendor part on NX-OS), absent when blank.
    #[serde(default, with = "ntc_opt")]
    pub vid: Option<String>,
    /// Serial number as printed (`SAL1819S6LU`, `N/A`), absent when blank.
    #[serde(default, with = "ntc_opt")]
    pub sn: Option<String>,
}

/// Parses `show inventory` as IOS, IOS-XE and NX-OS print it: each `NAME: "...", DESCR: "..."`
/// line (quoted, or unquoted as NX-OS prints transceivers) opens an item, the `PID: ..., VID:
/// ..., SN: ...` line under it completes it (blank values are `None`). Lines that are neither
/// (prompts, `Load for` / `Time source` stamps, the IOS-XE `show license UDI` notice) are skipped;
/// a `PID` line with no `NAME` line before it is not an item.
///
/// ```
/// let items = hermes_netdev::show::parse_show_inventory(
///     "NAME: \"Chassis\",  DESCR: \"Nexus9000 C93180YC-EX chassis\"\n\
///      PID: N9K-C93180YC-EX     ,  VID: V03 ,  SN: FDO223607FK\n\
///      \n\
///      NAME: Ethernet1/1,  DESCR: FiberStore\n\
///      PID:                     ,  VID: SFP-10GSR-85,  SN: G1804088868\n",
/// );
/// assert_eq!(items.len(), 2);
/// assert_eq!(items[0].pid.as_deref(), Some("N9K-C93180YC-EX"));
/// assert_eq!(items[1].name, "Ethernet1/1");
/// assert_eq!(items[1].pid, None);
/// ```
pub fn parse_show_inventory(text: &str) -> Vec<InventoryItem> {
    let mut out = Vec::new();
    let mut open: Option<InventoryItem> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("NAME:") {
            if let Some(item) = open.take() {
                out.push(item); // an item whose PID line is missing
            }
            open = name_line(rest);
        } else if let Some(rest) = t.strip_prefix("PID:") {
            if let Some(mut item) = open.take() {
                let (pid, vid, sn) = pid_line(rest);
                item.pid = pid;
                item.vid = vid;
                item.sn = sn;
                out.push(item);
            }
        }
    }
    out.extend(open);
    out
}

/// `"Chassis",  DESCR: "Nexus9000 ..."` or `Ethernet1/1,  DESCR: FiberStore`.
fn name_line(rest: &str) -> Option<InventoryItem> {
    let at = rest.find("DESCR:")?;
    let name = rest[..at].trim_end().strip_suffix(',')?;
    let descr = &rest[at + "DESCR:".len()..];
    Some(InventoryItem {
        name: unquote(name.trim()),
        descr: unquote(descr.trim()),
        ..InventoryItem::default()
    })
}

/// `s` without the quotes around it; a value the device cut before its closing quote
/// (`"SFP+ Transceiver 10Gbase-SR Te1/1L`) loses its opening one.
fn unquote(s: &str) -> String {
    let s = s.strip_prefix('"').unwrap_or(s);
    s.strip_suffix('"').unwrap_or(s).to_string()
}

/// `N9K-C9396PX         ,  VID: V02 ,  SN: SAL1819S6LU` → (pid, vid, sn), blanks as `None`.
fn pid_line(rest: &str) -> (Option<String>, Option<String>, Option<String>) {
    let value = |s: &str| {
        let v = s.trim().trim_end_matches(',').trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    let (pid, after) = match rest.find("VID:") {
        Some(at) => (&rest[..at], &rest[at + "VID:".len()..]),
        None => (rest, ""),
    };
    let (vid, sn) = match after.find("SN:") {
        Some(at) => (&after[..at], &after[at + "SN:".len()..]),
        None => (after, ""),
    };
    (value(pid), value(vid), value(sn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_with_commas_and_inner_blanks() {
        let items = parse_show_inventory(
            "NAME: \"Power Supply Module 0\", DESCR: \"450W AC Power Supply for Cisco ISR4450, ISR4350\"\n\
             PID: PWR-4450-AC , VID: V01 , SN: DCA1645X0EK\n\
             NAME: \"Switch1 Mux Buffer 1 \", DESCR: \"Mux Buffers for Redundancy Logic\"\n\
             PID: WS-X4590-EX=      , VID:      , SN: FXS193800RL\n",
        );
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].descr,
            "450W AC Power Supply for Cisco ISR4450, ISR4350"
        );
        assert_eq!(items[1].name, "Switch1 Mux Buffer 1 ");
        assert_eq!(items[1].vid, None);
        assert_eq!(items[1].sn.as_deref(), Some("FXS193800RL"));
    }

    #[test]
    fn description_cut_before_its_closing_quote() {
        // genieparser ios/cat6k ShowInventory golden_output_2 (line 25-26): the DESCR of
        // `Transceiver Te1/1` has no closing quote, and blanks stand where a field would be.
        let items = parse_show_inventory(
            "NAME: \"Transceiver Te1/1\", DESCR: \"SFP+ Transceiver 10Gbase-SR Te1/1L\n\
             PID: SFP-10G-SR         ,                     VID: V03 , SN: AVD656567YT     \n",
        );
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].descr, "SFP+ Transceiver 10Gbase-SR Te1/1L");
        assert_eq!(items[0].pid.as_deref(), Some("SFP-10G-SR"));
        assert_eq!(items[0].vid.as_deref(), Some("V03"));
        assert_eq!(items[0].sn.as_deref(), Some("AVD656567YT"));
    }

    #[test]
    fn missing_pid_line_and_stray_pid_line() {
        let items = parse_show_inventory(
            "PID: X , VID: V01 , SN: ABC\n\
             NAME: \"a\", DESCR: \"b\"\n\
             NAME: \"c\", DESCR: \"d\"\n\
             PID: C8300-FAN-1R , VID: , SN:\n",
        );
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].name, "a");
        assert_eq!(items[0].pid, None);
        assert_eq!(items[1].pid.as_deref(), Some("C8300-FAN-1R"));
        assert_eq!((&items[1].vid, &items[1].sn), (&None, &None));
    }
}
