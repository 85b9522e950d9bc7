//! IOS `show switch stack-ports` and `show switch stack-ports summary` (Catalyst 3850 / 9000
//! stacks): the state of each member's two stack ports, and per port its neighbor and cable.

use serde::{Deserialize, Serialize};

/// One row of `show switch stack-ports` (`1   OK   DOWN`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackPorts {
    /// Stack member.
    pub switch: u8,
    /// Stack port 1 status (`OK`, `DOWN`).
    pub port1: String,
    /// Stack port 2 status.
    pub port2: String,
}

/// One row of `show switch stack-ports summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackPortLink {
    /// Stack member (`1` of `1/2`).
    pub switch: u8,
    /// Stack port (`2` of `1/2`).
    pub port: u8,
    /// `Port Status` (`OK`, `DOWN`).
    pub status: String,
    /// The neighbor as printed: `2/1` (member / port), `2` (member, older releases), or
    /// `None` for `NONE/NONE` / `NONE`.
    pub neighbor: Option<String>,
    /// `Cable Length` (`50cm`, `No Cable`).
    pub cable_length: String,
    /// `Link OK`.
    pub link_ok: bool,
    /// `Link Active`.
    pub link_active: bool,
    /// `Sync OK`.
    pub sync_ok: bool,
    /// `#Changes to LinkOK`.
    pub changes_to_link_ok: u32,
    /// `In Loopback`.
    pub in_loopback: bool,
}

impl StackPortLink {
    /// Whether the port carries the ring: status `OK`, link OK and active, in sync, not looped.
    pub fn is_up(&self) -> bool {
        self.status.eq_ignore_ascii_case("ok")
            && self.link_ok
            && self.link_active
            && self.sync_ok
            && !self.in_loopback
    }
}

/// `Yes` / `No`.
fn yes(w: &str) -> Option<bool> {
    match w.to_ascii_lowercase().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// Parses IOS `show switch stack-ports`: one row per member with both port states, read after
/// the `Switch#  Port1  Port2` header (three-word lines of other outputs are not rows). Lines
/// that are not rows (rule, prompt) are ignored.
///
/// ```
/// use hermes_netdev::show::parse_ios_show_switch_stack_ports;
/// let rows = parse_ios_show_switch_stack_ports(
///     "Switch#   Port1     Port2\n----------------------------\n1         OK        OK\n2         DOWN      OK\n",
/// );
/// assert_eq!(rows.len(), 2);
/// assert_eq!((rows[1].switch, rows[1].port1.as_str()), (2, "DOWN"));
/// ```
pub fn parse_ios_show_switch_stack_ports(output: &str) -> Vec<StackPorts> {
    let mut table = false;
    output
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["Switch#", "Port1", "Port2", ..] = words.as_slice() {
                table = true;
                return None;
            }
            let [sw, p1, p2] = words.as_slice() else {
                return None;
            };
            if !table {
                return None;
            }
            Some(StackPorts {
                switch: sw.parse().ok()?,
                port1: p1.to_string(),
                port2: p2.to_string(),
            })
        })
        .collect()
}

/// Parses IOS `show switch stack-ports summary` (both header spellings, `Neighbor` and
/// `Neighbor/Port`; the rows may be indented). The cable length may be two words (`No Cable`);
/// the five columns after it are read from the right. Lines that are not rows are ignored.
///
/// ```
/// use hermes_netdev::show::parse_ios_show_switch_stack_ports_summary;
/// let rows = parse_ios_show_switch_stack_ports_summary(
///     "1/1        DOWN         NONE/NONE         No Cable       Yes       No            No        0                   Yes\n\
///      1/2        OK           2/2            50cm           Yes       Yes           Yes       1                   No\n",
/// );
/// assert_eq!(rows[0].neighbor, None);
/// assert_eq!(rows[0].cable_length, "No Cable");
/// assert!(!rows[0].is_up() && rows[1].is_up());
/// assert_eq!(rows[1].neighbor.as_deref(), Some("2/2"));
/// ```
pub fn parse_ios_show_switch_stack_ports_summary(output: &str) -> Vec<StackPortLink> {
    output.lines().filter_map(summary_row).collect()
}

fn summary_row(line: &str) -> Option<StackPortLink> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let n = words.len();
    if n < 9 {
        return None;
    }
    let (sw, port) = words[0].split_once('/')?;
    let neighbor = words[2];
    Some(StackPortLink {
        switch: sw.parse().ok()?,
        port: port.parse().ok()?,
        status: words[1].to_string(),
        neighbor: (!neighbor.split('/').all(|p| p.eq_ignore_ascii_case("none")))
            .then(|| neighbor.to_string()),
        cable_length: words[3..n - 5].join(" "),
        link_ok: yes(words[n - 5])?,
        link_active: yes(words[n - 4])?,
        sync_ok: yes(words[n - 3])?,
        changes_to_link_ok: words[n - 2].parse().ok()?,
        in_loopback: yes(words[n - 1])?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_ports_rows_only_under_their_header() {
        // Run on all 9,938 genieparser IOS / IOS-XE / NX-OS outputs, three-word lines of 191
        // other outputs (genieparser iosxe ShowVersion golden_output_ios_1: `16 terminal
        // lines.`; `show ip traffic`...) were read as members when no header was required.
        assert!(
            parse_ios_show_switch_stack_ports("16 terminal lines.\n2 Serial network\n").is_empty()
        );
        let rows = parse_ios_show_switch_stack_ports(
            "1 Gigabit interface\nSwitch#   Port1     Port2\n----------------------------\n1         OK        OK\n",
        );
        assert_eq!(rows.len(), 1);
    }
}
