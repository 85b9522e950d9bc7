//! NX-OS `show interface` (the long per-interface form).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::ntc_opt;

/// One interface of NX-OS `show interface` (ntc-templates `cisco_nxos_show_interface` fields).
/// Counters are those of the block as printed (since the last `clear counters`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // one field per value of the block, named as ntc-templates names them
pub struct NxosInterface {
    /// `Ethernet1/1`, `port-channel10`, `Vlan20`, `mgmt0`, `nve1`.
    pub interface: String,
    /// `up`, `down (Link not connected)`, `down (SFP not inserted)`, `down (VLAN/BD is down)`.
    pub link_status: String,
    /// `admin state is up` (or, for an SVI, its line protocol: `up`, `down, autostate enabled`).
    #[serde(default, with = "ntc_opt")]
    pub admin_state: Option<String>,
    /// `1000/10000 Ethernet`, `Port-Channel`, `EtherSVI`, `GigabitEthernet`.
    #[serde(default, with = "ntc_opt")]
    pub hardware_type: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub mac_address: Option<String>,
    /// Burnt-in address.
    #[serde(default, with = "ntc_opt")]
    pub bia: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub description: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ip_address: Option<Ipv4Addr>,
    #[serde(default, with = "ntc_opt")]
    pub prefix_length: Option<u8>,
    /// Bytes.
    #[serde(default, with = "ntc_opt")]
    pub mtu: Option<u32>,
    /// `access`, `trunk`, `routed`, `fex-fabric`.
    #[serde(default, with = "ntc_opt")]
    pub mode: Option<String>,
    /// `full-duplex`, `auto-duplex`.
    #[serde(default, with = "ntc_opt")]
    pub duplex: Option<String>,
    /// `10 Gb/s`, `1000 Mb/s`, `auto-speed`.
    #[serde(default, with = "ntc_opt")]
    pub speed: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub input_packets: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_packets: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub input_errors: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_errors: Option<u64>,
    /// `10000000 Kbit`.
    #[serde(default, with = "ntc_opt")]
    pub bandwidth: Option<String>,
    /// `10 usec`.
    #[serde(default, with = "ntc_opt")]
    pub delay: Option<String>,
    /// `ARPA`, `802.1Q`, `VXLAN`, `LOOPBACK` (the first word).
    #[serde(default, with = "ntc_opt")]
    pub encapsulation: Option<String>,
    /// `2week(s) 1day(s)`, `never`, `00:12:41`.
    #[serde(default, with = "ntc_opt")]
    pub last_link_flapped: Option<String>,
    /// 802.1Q subinterface VLAN.
    #[serde(default, with = "ntc_opt")]
    pub vlan_id: Option<u16>,
    /// Packets/sec and bits/sec of the load-interval rate lines, as printed.
    #[serde(default, with = "ntc_opt")]
    pub packet_input_rate: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub packet_output_rate: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub bandwidth_input_rate: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub bandwidth_output_rate: Option<String>,
    /// `10G`, `1G`.
    #[serde(default, with = "ntc_opt")]
    pub media_type: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub short_frame: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub overrun: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub underrun: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub ignored: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub watchdog: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub bad_etype_drop: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub bad_proto_drop: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub interface_down_drop: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub dribble: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub input_discards: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub rx_pause: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub stomped_crc: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub rx_jumbo_packets: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub storm_suppression_bytes: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub runts: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub giants: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub crc: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub no_buffer: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub tx_jumbo_packets: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub collisions: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub deferred: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub late_collisions: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub lost_carrier: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub no_carrier: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub babble: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_discards: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub tx_pause: Option<u64>,
}

/// A counter line's `(count, label)` items (`0 runts  0 giants  0 CRC  0 no buffer`,
/// `3093618 input packets 224819 unicast packets`): every word run after a number is that
/// number's label. `None` unless the line starts with a number.
fn items(t: &str) -> Option<Vec<(u64, String)>> {
    let mut out: Vec<(u64, String)> = Vec::new();
    for w in t.split([' ', ',']).filter(|w| !w.is_empty()) {
        match w.parse::<u64>() {
            Ok(n) => out.push((n, String::new())),
            Err(_) => {
                let (_, label) = out.last_mut()?;
                if !label.is_empty() {
                    label.push(' ');
                }
                label.push_str(w);
            }
        }
    }
    (!out.is_empty() && out.iter().all(|(_, l)| !l.is_empty())).then_some(out)
}

/// `Ethernet1/1 is up` / `Vlan20 is down (VLAN/BD is down), line protocol is down`. Some
/// captures indent the headers: an indented line is a header when its first word is an interface
/// name (it has a digit: not `EtherType is`, `Auto-mdix is`) and its state starts with `up`,
/// `down` or `administratively`.
fn header(line: &str) -> Option<(&str, &str, Option<&str>)> {
    let (name, rest) = line.trim_start().split_once(" is ")?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    if line.starts_with(char::is_whitespace)
        && !(name.bytes().any(|b| b.is_ascii_digit())
            && ["up", "down", "administratively"]
                .iter()
                .any(|s| rest.starts_with(s)))
    {
        return None;
    }
    Some(match rest.split_once(", line protocol is ") {
        Some((link, proto)) => (name, link, Some(proto)),
        None => (name, rest, None),
    })
}

/// Parses NX-OS `show interface` (one block per interface, from its `Ethernet1/1 is up` line):
/// state, hardware and addresses, description, MTU / bandwidth / delay, port mode, duplex /
/// speed / media type, encapsulation and subinterface VLAN, last link flap, rates and the RX /
/// TX counters of Ethernet, port-channel, SVI, management, loopback, NVE and FC interfaces.
///
/// ```
/// let i = hermes_netdev::show::parse_nxos_show_interface(
///     "Ethernet1/1 is up\n\
///      admin state is up, Dedicated Interface\n\
///      \x20 Hardware: 1000/10000 Ethernet, address: 5087.89a1.d8d6 (bia 5087.89a1.d8d6)\n\
///      \x20 MTU 9216 bytes, BW 10000000 Kbit, DLY 10 usec\n\
///      \x20 Port mode is trunk\n\
///      \x20 full-duplex, 10 Gb/s, media type is 10G\n\
///      \x20 RX\n\
///      \x20   0 runts  0 giants  3 CRC  0 no buffer\n",
/// );
/// assert_eq!(i[0].admin_state.as_deref(), Some("up"));
/// assert_eq!(i[0].mtu, Some(9216));
/// assert_eq!(i[0].mode.as_deref(), Some("trunk"));
/// assert_eq!(i[0].speed.as_deref(), Some("10 Gb/s"));
/// assert_eq!(i[0].crc, Some(3));
/// ```
pub fn parse_nxos_show_interface(text: &str) -> Vec<NxosInterface> {
    let mut out: Vec<NxosInterface> = Vec::new();
    for line in text.lines() {
        if let Some((name, link, proto)) = header(line) {
            out.push(NxosInterface {
                interface: name.to_string(),
                link_status: link.to_string(),
                admin_state: proto.map(String::from),
                ..Default::default()
            });
            continue;
        }
        let Some(i) = out.last_mut() else { continue };
        let t = line.trim();
        if let Some(a) = t
            .strip_prefix("admin state is ")
            .or_else(|| t.strip_prefix("Admin State: "))
            .or_else(|| t.strip_prefix("admin State: "))
        {
            // `up, Dedicated Interface`, `up,  Hardware: NVE`, `down`.
            let state = a.split([',', ' ']).next().unwrap_or_default();
            i.admin_state = (!state.is_empty()).then(|| state.to_string());
        } else if let Some(h) = t
            .strip_prefix("Hardware: ")
            .or_else(|| t.strip_prefix("Hardware is "))
        {
            hardware(i, h, line);
        } else if let Some(d) = t
            .strip_prefix("Description: ")
            .or_else(|| t.strip_prefix("Port description is "))
            .or_else(|| t.strip_prefix("description: "))
        {
            i.description = (!d.trim().is_empty()).then(|| d.trim().to_string());
        } else if let Some(a) = t
            .strip_prefix("Internet Address is ")
            .or_else(|| t.strip_prefix("Internet address is "))
        {
            let a = a.split_whitespace().next().unwrap_or_default();
            if let Some((ip, len)) = a.split_once('/') {
                if let (Ok(ip), Ok(len)) = (ip.parse(), len.parse()) {
                    i.ip_address = Some(ip);
                    i.prefix_length = Some(len);
                }
            }
        } else if let Some(m) = t.strip_prefix("Port mode is ") {
            i.mode = m.split_whitespace().next().map(String::from);
        } else if let Some(m) = t.strip_prefix("MTU ") {
            mtu_line(i, m);
        } else if let Some(e) = t.strip_prefix("Encapsulation ") {
            let kind: String = e
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            if !kind.is_empty() {
                i.encapsulation = Some(kind);
            }
            if let Some((_, v)) = e.split_once("Virtual LAN, Vlan ID ") {
                i.vlan_id = v
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .and_then(|n| n.parse().ok());
            }
        } else if let Some(f) = t.strip_prefix("Last link flapped ") {
            i.last_link_flapped = Some(f.trim().to_string());
        } else if let Some((bw, pps)) = rate(t, "input rate ") {
            i.bandwidth_input_rate = Some(bw);
            i.packet_input_rate = pps;
        } else if let Some((bw, pps)) = rate(t, "output rate ") {
            i.bandwidth_output_rate = Some(bw);
            i.packet_output_rate = pps;
        } else if let Some(io) = t.strip_prefix("input: ") {
            // `input: 10 pkts, 1000 bytes - output: 12 pkts, 1400 bytes` (nve, loopback).
            if let Some((inp, outp)) = io.split_once(" - output: ") {
                i.input_packets = inp.split_whitespace().next().and_then(|n| n.parse().ok());
                i.output_packets = outp.split_whitespace().next().and_then(|n| n.parse().ok());
            }
        } else if duplex_line(i, t) {
        } else if let Some(items) = items(t) {
            counters(i, &items);
        }
    }
    out
}

/// `1000/10000 Ethernet, address: 5087.89a1.d8d6 (bia 5087.89a1.d8d6)`, `EtherSVI, address is
/// 5087.89a1.d8d5`, `Loopback`, `Fibre Channel, SFP is short wave laser w/o OFC (SN)`.
fn hardware(i: &mut NxosInterface, h: &str, line: &str) {
    let addr = h
        .rfind(", address: ")
        .map(|at| (at, at + ", address: ".len()))
        .or_else(|| {
            h.rfind(", address is ")
                .map(|at| (at, at + ", address is ".len()))
        });
    match addr {
        Some((at, from)) => {
            i.hardware_type = Some(h[..at].to_string());
            let rest = h[from..].trim_start();
            i.mac_address = rest.split_whitespace().next().map(String::from);
            i.bia = rest
                .split_once("bia ")
                .and_then(|(_, b)| b.split([' ', ')']).next())
                .filter(|b| !b.is_empty())
                .map(String::from);
        }
        None => {
            // The rest of the line, trailing blanks and all (as ntc-templates keeps it).
            let from = h.as_ptr() as usize - line.as_ptr() as usize;
            i.hardware_type = Some(line[from..].to_string());
        }
    }
}

/// `1500 bytes, BW 1000000 Kbit, DLY 10 usec`: the MTU, and bandwidth and delay when the line
/// has both.
fn mtu_line(i: &mut NxosInterface, m: &str) {
    let n: String = m.chars().take_while(char::is_ascii_digit).collect();
    let Ok(mtu) = n.parse() else { return };
    i.mtu = Some(mtu);
    let (Some(dly), Some(bw)) = (m.rfind("DLY "), m.rfind("BW ")) else {
        return;
    };
    if bw > dly {
        return;
    }
    let two = |s: &str| {
        let mut w = s.split([' ', ',']).filter(|w| !w.is_empty());
        match (w.next(), w.next()) {
            (Some(n), Some(u)) if n.bytes().all(|b| b.is_ascii_digit()) => Some(format!("{n} {u}")),
            _ => None,
        }
    };
    i.bandwidth = two(&m[bw + 3..dly]);
    i.delay = two(&m[dly + 4..]);
}

/// `30 seconds input rate 80 bits/sec, 0 packets/sec`: bits/sec, and packets/sec when printed.
fn rate(t: &str, what: &str) -> Option<(String, Option<String>)> {
    let (head, r) = t.split_once(what)?;
    let mut h = head.split_whitespace();
    let (Some(n), Some(unit), None) = (h.next(), h.next(), h.next()) else {
        return None;
    };
    if !n.bytes().all(|b| b.is_ascii_digit())
        || !matches!(unit, "second" | "seconds" | "minute" | "minutes")
    {
        return None;
    }
    let (bw, r) = r.split_once(" bits/sec")?;
    let pps = r
        .strip_prefix(", ")
        .and_then(|p| p.split_once(" packets/sec"))
        .map(|(p, _)| p.to_string());
    Some((bw.to_string(), pps))
}

/// `full-duplex, 10 Gb/s, media type is 10G`, `auto-duplex, auto-speed`.
fn duplex_line(i: &mut NxosInterface, t: &str) -> bool {
    let Some(at) = t.rfind("duplex, ").or_else(|| t.rfind("duple, ")) else {
        return false;
    };
    let end = t[at..].find(", ").map_or(t.len(), |e| at + e);
    let rest = &t[end + 2..];
    let (speed, media) = match rest.split_once(", media type is ") {
        Some((s, m)) => (s, Some(m.trim().to_string())),
        None => (rest, None),
    };
    if speed.is_empty() || speed.contains(',') {
        return false;
    }
    i.duplex = Some(t[..end].to_string());
    i.speed = Some(speed.trim_end().to_string());
    i.media_type = media;
    true
}

fn counters(i: &mut NxosInterface, items: &[(u64, String)]) {
    let labels: Vec<&str> = items.iter().map(|(_, l)| l.as_str()).collect();
    let alone_jumbo = labels == ["jumbo packets"];
    for (n, label) in items {
        let n = Some(*n);
        match label.as_str() {
            "input packets" | "packets input" => i.input_packets = n,
            "output packets" | "packets output" => i.output_packets = n,
            "input error" | "input errors" => i.input_errors = n,
            "output error" | "output errors" => i.output_errors = n,
            "short frame" | "frame" => i.short_frame = n,
            "overrun" => i.overrun = n,
            "underrun" | "underruns" => i.underrun = n,
            "ignored" => i.ignored = n,
            "watchdog" => i.watchdog = n,
            "bad etype drop" => i.bad_etype_drop = n,
            "bad proto drop" => i.bad_proto_drop = n,
            "if down drop" => i.interface_down_drop = n,
            "input with dribble" => i.dribble = n,
            "input discard" => i.input_discards = n,
            "Rx pause" => i.rx_pause = n,
            "Stomped CRC" => i.stomped_crc = n,
            "jumbo packets" if alone_jumbo => i.tx_jumbo_packets = n,
            "jumbo packets" => i.rx_jumbo_packets = n,
            "storm suppression bytes" => i.storm_suppression_bytes = n,
            "runts" => i.runts = n,
            "giants" => i.giants = n,
            "CRC" | "CRC/FCS" => i.crc = n,
            "no buffer" => i.no_buffer = n,
            "collision" | "collisions" => i.collisions = n,
            "deferred" => i.deferred = n,
            "late collision" => i.late_collisions = n,
            "lost carrier" => i.lost_carrier = n,
            "no carrier" => i.no_carrier = n,
            "babble" => i.babble = n,
            "output discard" => i.output_discards = n,
            "Tx pause" => i.tx_pause = n,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// genieparser `src/genie/libs/parser/nxos/tests/ShowInterface/cli/equal/golden1_output.txt`
    /// (and golden2 to golden7): the capture indents the interface headers (`        Ethernet2/1
    /// is up`) and their `admin state` lines; those interfaces were lost and their values
    /// (MAC, MTU, mode, counters) given to the interface before them.
    #[test]
    fn indented_headers_start_their_own_interface() {
        let i = parse_nxos_show_interface(
            "mgmt0 is up\n\
             \x20         admin state is up\n\
             \x20   Hardware: GigabitEthernet, address: 5254.00ff.9c38 (bia 5254.00ff.9c38)\n\
             \x20   EtherType is 0x0000\n\
             \x20   Auto-mdix is turned off\n\
             \x20       Ethernet2/1 is up\n\
             \x20           admin state is up, Dedicated Interface\n\
             \x20           Hardware: 10/100/1000 Ethernet, address: 002a.6aff.4571 (bia 002a.6aff.4571)\n\
             \x20           Port mode is trunk\n",
        );
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].admin_state.as_deref(), Some("up"));
        assert_eq!(i[0].mac_address.as_deref(), Some("5254.00ff.9c38"));
        assert_eq!(i[0].mode, None);
        assert_eq!(i[1].interface, "Ethernet2/1");
        assert_eq!(i[1].admin_state.as_deref(), Some("up"));
        assert_eq!(i[1].mode.as_deref(), Some("trunk"));
    }

    #[test]
    fn svi_line_protocol_and_rates() {
        let i = parse_nxos_show_interface(
            "Vlan20 is down (VLAN/BD is down), line protocol is down\n\
             \x20 Hardware is EtherSVI, address is  5087.89a1.d8d5\n\
             \x20 MTU 1500 bytes, BW 1000000 Kbit, DLY 10 usec,\n\
             \x20 30 seconds input rate 80 bits/sec, 0 packets/sec\n\
             \x20 1 minute output rate 1608 bits/sec, 2 bytes/sec, 0 frames/sec\n",
        );
        assert_eq!(i[0].link_status, "down (VLAN/BD is down)");
        assert_eq!(i[0].admin_state.as_deref(), Some("down"));
        assert_eq!(i[0].mac_address.as_deref(), Some("5087.89a1.d8d5"));
        assert_eq!(i[0].bandwidth.as_deref(), Some("1000000 Kbit"));
        assert_eq!(i[0].packet_input_rate.as_deref(), Some("0"));
        assert_eq!(i[0].bandwidth_output_rate.as_deref(), Some("1608"));
        assert_eq!(i[0].packet_output_rate, None);
    }
}
