//! IOS `show switch stack-ports`, `show switch stack-ports summary` and `show switch stack-ports
//! detail` (Catalyst 3850 / 9000 stacks): the state of each member's two stack ports, per port
//! its neighbor and cable, and in the detail its rates, byte counts and CRC errors.

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

/// One port block of `show switch stack-ports detail`: the summary's values plus the port's
/// traffic and CRC errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackPortDetail {
    /// Member, port, status, neighbor, cable, link / sync states, changes, loopback, as in the
    /// summary (a state line missing from the block reads as `false` / `0`).
    pub link: StackPortLink,
    /// `Five minute input rate`, bytes per second.
    pub input_rate: Option<u64>,
    /// `Five minute output rate`, bytes per second.
    pub output_rate: Option<u64>,
    /// `N bytes input`.
    pub input_bytes: Option<u64>,
    /// `N bytes output`.
    pub output_bytes: Option<u64>,
    /// `Data CRC` errors.
    pub data_crc: Option<u64>,
    /// `Ringword CRC` errors.
    pub ringword_crc: Option<u64>,
    /// `InvRingWord` errors.
    pub inv_ringword: Option<u64>,
    /// `PcsCodeWord` errors.
    pub pcs_codeword: Option<u64>,
}

impl StackPortDetail {
    /// The CRC error counters that are printed, summed.
    pub fn crc_errors(&self) -> u64 {
        [
            self.data_crc,
            self.ringword_crc,
            self.inv_ringword,
            self.pcs_codeword,
        ]
        .iter()
        .flatten()
        .sum()
    }
}

/// `1/2 is OK Loopback No` → the block's first values.
fn detail_head(t: &str) -> Option<StackPortDetail> {
    let words: Vec<&str> = t.split_whitespace().collect();
    let [port, "is", status, rest @ ..] = words.as_slice() else {
        return None;
    };
    let (sw, port) = port.split_once('/')?;
    let in_loopback = match rest {
        ["Loopback", v, ..] => yes(v)?,
        [] => false,
        _ => return None,
    };
    Some(StackPortDetail {
        link: StackPortLink {
            switch: sw.parse().ok()?,
            port: port.parse().ok()?,
            status: status.to_string(),
            neighbor: None,
            cable_length: String::new(),
            link_ok: false,
            link_active: false,
            sync_ok: false,
            changes_to_link_ok: 0,
            in_loopback,
        },
        input_rate: None,
        output_rate: None,
        input_bytes: None,
        output_bytes: None,
        data_crc: None,
        ringword_crc: None,
        inv_ringword: None,
        pcs_codeword: None,
    })
}

/// Parses IOS `show switch stack-ports detail`: one block per stack port, started by `1/1 is
/// DOWN Loopback No`, then `Cable Length 50cm  Neighbor 2` (the cable may be `No Cable`),
/// `Link Ok Yes Sync Ok Yes Link Active No`, `Changes to LinkOK N`, the five-minute rates, the
/// byte counts and the `CRC Errors` counters. Lines outside a block are ignored.
///
/// ```
/// use hermes_netdev::show::parse_ios_show_switch_stack_ports_detail;
/// let ports = parse_ios_show_switch_stack_ports_detail(
///     "1/2 is OK Loopback No\n\
///      Cable Length 1m     Neighbor 3\n\
///      Link Ok Yes Sync Ok Yes Link Active Yes\n\
///      Changes to LinkOK 4\n\
///      Five minute input rate  1520 bytes/sec\n\
///      Five minute output rate 96 bytes/sec\n\
///      \x20   6120044 bytes input\n\
///      \x20   380112 bytes output\n\
///      CRC Errors\n\
///      \x20           Data CRC 2\n\
///      \x20       Ringword CRC 0\n",
/// );
/// let p = &ports[0];
/// assert!(p.link.is_up());
/// assert_eq!(p.link.neighbor.as_deref(), Some("3"));
/// assert_eq!((p.input_rate, p.output_bytes), (Some(1520), Some(380112)));
/// assert_eq!(p.crc_errors(), 2);
/// ```
pub fn parse_ios_show_switch_stack_ports_detail(output: &str) -> Vec<StackPortDetail> {
    let mut out: Vec<StackPortDetail> = Vec::new();
    let mut in_block = false;
    for line in output.lines() {
        let t = line.trim();
        if let Some(d) = detail_head(t) {
            out.push(d);
            in_block = true;
            continue;
        }
        let Some(d) = out.last_mut().filter(|_| in_block) else {
            continue;
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        let last_num = || words.last().and_then(|w| w.parse::<u64>().ok());
        match words.as_slice() {
            ["Cable", "Length", rest @ ..] => {
                let at = rest.iter().position(|w| *w == "Neighbor");
                let (cable, neighbor) = match at {
                    Some(i) => (&rest[..i], rest.get(i + 1).copied()),
                    None => (rest, None),
                };
                d.link.cable_length = cable.join(" ");
                d.link.neighbor = neighbor
                    .filter(|n| !n.split('/').all(|p| p.eq_ignore_ascii_case("none")))
                    .map(str::to_string);
            }
            ["Link", "Ok", ok, "Sync", "Ok", sync, "Link", "Active", active] => {
                d.link.link_ok = yes(ok).unwrap_or(false);
                d.link.sync_ok = yes(sync).unwrap_or(false);
                d.link.link_active = yes(active).unwrap_or(false);
            }
            ["Changes", "to", "LinkOK", n] => d.link.changes_to_link_ok = n.parse().unwrap_or(0),
            ["Five", "minute", "input", "rate", n, ..] => d.input_rate = n.parse().ok(),
            ["Five", "minute", "output", "rate", n, ..] => d.output_rate = n.parse().ok(),
            [n, "bytes", "input"] => d.input_bytes = n.parse().ok(),
            [n, "bytes", "output"] => d.output_bytes = n.parse().ok(),
            ["Data", "CRC", _] => d.data_crc = last_num(),
            ["Ringword", "CRC", _] => d.ringword_crc = last_num(),
            ["InvRingWord", _] => d.inv_ringword = last_num(),
            ["PcsCodeWord", _] => d.pcs_codeword = last_num(),
            [] | ["CRC", "Errors"] => {}
            // A prompt or another output: the block is over.
            _ => in_block = false,
        }
    }
    out
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
