//! IOS / IOS-XE `show interfaces` (the long per-interface form).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::ntc_opt;

/// One interface of IOS `show interfaces` (ntc-templates `cisco_ios_show_interfaces` fields).
/// Counters are those of the `show interfaces` block as printed (since the last `clear
/// counters`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // one field per value of the block, named as ntc-templates names them
pub struct IosInterface {
    /// `GigabitEthernet1/0/1`, `Vlan10`, `Port-channel1.13`.
    pub interface: String,
    /// `up`, `down`, `administratively down`, `reset`, `deleted`.
    pub link_status: String,
    /// The line protocol as printed: `up`, `down`, `up (connected)`, `down (notconnect)`,
    /// `down (err-disabled)`.
    pub protocol_status: String,
    /// `Gigabit Ethernet`, `EtherSVI`, `Tunnel`, `iGbE` (up to the first comma).
    #[serde(default, with = "ntc_opt")]
    pub hardware_type: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub mac_address: Option<String>,
    /// Burnt-in address.
    #[serde(default, with = "ntc_opt")]
    pub bia: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub description: Option<String>,
    /// The primary address (`Internet address is 10.0.0.1/24`).
    #[serde(default, with = "ntc_opt")]
    pub ip_address: Option<Ipv4Addr>,
    #[serde(default, with = "ntc_opt")]
    pub prefix_length: Option<u8>,
    /// An unnumbered interface's source and the address it borrows
    /// (`Interface is unnumbered. Using address of Loopback0 (192.168.154.1)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unnumbered: Option<(String, Ipv4Addr)>,
    /// Bytes.
    #[serde(default, with = "ntc_opt")]
    pub mtu: Option<u32>,
    /// `Full-duplex`, `Auto-duplex`, `Half-duplex`, `a-full`...
    #[serde(default, with = "ntc_opt")]
    pub duplex: Option<String>,
    /// `1000Mb/s`, `Auto-speed`, `10Gb/s`.
    #[serde(default, with = "ntc_opt")]
    pub speed: Option<String>,
    /// `10/100/1000BaseTX`, `SFP-10GBase-SR`, `Not Present`, `No XCVR`.
    #[serde(default, with = "ntc_opt")]
    pub media_type: Option<String>,
    /// `1000000 Kbit` (as printed, without `/sec`).
    #[serde(default, with = "ntc_opt")]
    pub bandwidth: Option<String>,
    /// `10 usec`.
    #[serde(default, with = "ntc_opt")]
    pub delay: Option<String>,
    /// `ARPA`, `802.1Q Virtual LAN`, `LOOPBACK`, `TUNNEL`, `QinQ Virtual LAN`.
    #[serde(default, with = "ntc_opt")]
    pub encapsulation: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub last_input: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub last_output: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub last_output_hang: Option<String>,
    /// `fifo`, `Class-based queueing`.
    #[serde(default, with = "ntc_opt")]
    pub queue_strategy: Option<String>,
    /// Bits/sec over the load interval.
    #[serde(default, with = "ntc_opt")]
    pub input_rate: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_rate: Option<u64>,
    /// Packets/sec over the load interval.
    #[serde(default, with = "ntc_opt")]
    pub input_pps: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_pps: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub input_packets: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_packets: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub runts: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub giants: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub input_errors: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub crc: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub frame: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub overrun: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub abort: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub output_errors: Option<u64>,
    /// 802.1Q subinterface VLAN.
    #[serde(default, with = "ntc_opt")]
    pub vlan_id: Option<u16>,
    /// QinQ subinterface: inner / outer VLAN.
    #[serde(default, with = "ntc_opt")]
    pub vlan_id_inner: Option<u16>,
    #[serde(default, with = "ntc_opt")]
    pub vlan_id_outer: Option<u16>,
    /// Input queue `size/max/drops/flushes` and `Total output drops`.
    #[serde(default, with = "ntc_opt")]
    pub queue_size: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub queue_max: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub queue_drops: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub queue_flushes: Option<u64>,
    #[serde(default, with = "ntc_opt")]
    pub queue_output_drops: Option<u64>,
}

/// The number at the start of `s` (after blanks), and the rest.
fn num(s: &str) -> Option<(u64, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// A counter line (`0 runts, 0 giants, 0 throttles`, `13266 packets input, 2503842 bytes`):
/// its `(count, label)` items, `None` unless every comma-separated item is a number and a label.
fn counter_items(line: &str) -> Option<Vec<(u64, &str)>> {
    line.split(',')
        .map(|item| {
            let item = item.trim();
            let (n, label) = item.split_once(' ')?;
            let n = n.parse().ok()?;
            let label = label.trim();
            (!label.is_empty() && !label.starts_with(|c: char| c.is_ascii_digit()))
                .then_some((n, label))
        })
        .collect()
}

/// `GigabitEthernet0/1 is up, line protocol is up (connected)` (indented too, where a capture
/// indents the whole output), or `pseudowire1 is up` at the start of a line (no line protocol).
fn header(line: &str) -> Option<(&str, &str, &str)> {
    let (name, rest) = line.trim_start().split_once(" is ")?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    match rest.split_once(", line protocol is ") {
        Some((link, proto)) => Some((name, link, proto.trim_end())),
        None => {
            let link = rest.trim_end();
            let plain = !line.starts_with(char::is_whitespace)
                && !link.is_empty()
                && link.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ');
            plain.then_some((name, link, ""))
        }
    }
}

fn is_dotted_mac(w: &str) -> bool {
    let p: Vec<&str> = w.split('.').collect();
    p.len() == 3
        && p.iter()
            .all(|x| x.len() == 4 && x.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `Full-duplex, 1000Mb/s, media type is 10/100/1000BaseTX`: duplex, speed and media type (the
/// media type `Some("")` when the line names none).
fn duplex_line(line: &str) -> Option<(String, String, Option<String>)> {
    if !line.starts_with(char::is_whitespace) {
        return None;
    }
    let t = line.trim_start();
    let lower = t.to_ascii_lowercase();
    if !["full", "auto", "half", "a-"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return None;
    }
    let (duplex, rest) = t.split_once(", ")?;
    match rest.split_once(',') {
        None => Some((duplex.to_string(), rest.to_string(), None)),
        Some((speed, tail)) => {
            let media = tail
                .rfind("media type is")
                .map(|i| tail[i + "media type is".len()..].trim_start().to_string());
            if media.is_none() && !tail.ends_with("TX/FX") {
                return None;
            }
            Some((duplex.to_string(), speed.to_string(), media))
        }
    }
}

/// Parses IOS / IOS-XE `show interfaces` (one block per interface, from the
/// `X is up, line protocol is up` line): state, hardware and addresses, MTU / bandwidth / delay,
/// encapsulation and subinterface VLANs, duplex / speed / media type, last input and output,
/// queue, rates and the error counters. A counter is read from any counter line that has it
/// (`0 output errors, 1 interface resets` without collisions; subinterfaces'
/// `13266 packets input, 2503842 bytes`). Where a block prints a value twice (two duplex lines),
/// the last is kept, as ntc-templates does.
///
/// ```
/// let i = hermes_netdev::show::parse_ios_show_interfaces(
///     "GigabitEthernet1/0/1 is up, line protocol is up (connected)\n\
///      \x20 Hardware is Gigabit Ethernet, address is 0023.04f1.0a01 (bia 0023.04f1.0a01)\n\
///      \x20 Description: uplink core1\n\
///      \x20 MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,\n\
///      \x20 Full-duplex, 1000Mb/s, media type is 10/100/1000BaseTX\n\
///      \x20    0 input errors, 12 CRC, 0 frame, 0 overrun, 0 ignored\n",
/// );
/// assert_eq!(i[0].protocol_status, "up (connected)");
/// assert_eq!(i[0].mtu, Some(1500));
/// assert_eq!(i[0].speed.as_deref(), Some("1000Mb/s"));
/// assert_eq!(i[0].crc, Some(12));
/// ```
pub fn parse_ios_show_interfaces(text: &str) -> Vec<IosInterface> {
    let mut out: Vec<IosInterface> = Vec::new();
    for line in text.lines() {
        if let Some((name, link, proto)) = header(line) {
            out.push(IosInterface {
                interface: name.to_string(),
                link_status: link.to_string(),
                protocol_status: proto.to_string(),
                ..Default::default()
            });
            continue;
        }
        let Some(i) = out.last_mut() else { continue };
        let t = line.trim();
        if let Some(hw) = t.strip_prefix("Hardware is ") {
            let end = hw
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ' ' || c == '-'))
                .unwrap_or(hw.len());
            if end > 0 {
                i.hardware_type = Some(hw[..end].to_string());
            }
        }
        // `address is 0023.04f1.0a01 (bia 0023.04f1.0a01)`; some releases print no blank
        // before `(bia`.
        if let Some((_, a)) = t.split_once("address is ") {
            let mac = a.split([' ', '(']).next().unwrap_or_default();
            let bia = a
                .split_once("(bia ")
                .map(|(_, b)| b.trim_end().trim_end_matches(')'));
            if let Some(bia) = bia.filter(|b| is_dotted_mac(mac) && is_dotted_mac(b)) {
                i.mac_address = Some(mac.to_string());
                i.bia = Some(bia.to_string());
                continue;
            }
        }
        if let Some(d) = t.strip_prefix("Description: ") {
            i.description = Some(d.trim().to_string());
        } else if let Some(a) = t.strip_prefix("Internet address is ") {
            if let Some((ip, len)) = a.split_once('/') {
                if let (Ok(ip), Ok(len)) = (ip.parse(), len.parse()) {
                    i.ip_address = Some(ip);
                    i.prefix_length = Some(len);
                }
            }
        } else if let Some(u) = t.strip_prefix("Interface is unnumbered. Using address of ") {
            if let Some((src, addr)) = u.split_once(" (") {
                if let Ok(addr) = addr.trim_end_matches(')').parse() {
                    i.unnumbered = Some((src.to_string(), addr));
                }
            }
        } else if let Some(m) = t.strip_prefix("MTU ") {
            if t.ends_with(',') {
                mtu_line(i, t);
            } else if let Some((n, rest)) = num(m) {
                // `MTU 9198 bytes, BW not configured` (pseudowires).
                if rest.trim_start().starts_with("bytes") {
                    i.mtu = u32::try_from(n).ok();
                }
            }
        } else if let Some(e) = t.strip_prefix("Encapsulation ") {
            encapsulation(i, e);
        } else if let Some(l) = t.strip_prefix("Last input ") {
            if let Some((input, rest)) = l.split_once(", output ") {
                if let Some((output, hang)) = rest.split_once(", output hang ") {
                    i.last_input = Some(input.to_string());
                    i.last_output = Some(output.to_string());
                    i.last_output_hang = Some(hang.to_string());
                }
            }
        } else if let Some(q) = t.strip_prefix("Input queue: ") {
            input_queue(i, q);
        } else if let Some(q) = t.strip_prefix("Queueing strategy: ") {
            i.queue_strategy = Some(q.to_string());
        } else if let Some((duplex, speed, media)) = duplex_line(line) {
            i.duplex = Some(duplex);
            i.speed = Some(speed);
            if let Some(m) = media {
                i.media_type = (!m.is_empty()).then_some(m);
            }
        } else if let Some((rate, pps)) = rate(t, "input rate ") {
            i.input_rate = Some(rate);
            i.input_pps = Some(pps);
        } else if let Some((rate, pps)) = rate(t, "output rate ") {
            i.output_rate = Some(rate);
            i.output_pps = Some(pps);
        } else if let Some(items) = counter_items(t) {
            for (n, label) in items {
                match label {
                    "packets input" => i.input_packets = Some(n),
                    "packets output" => i.output_packets = Some(n),
                    "runts" => i.runts = Some(n),
                    "giants" => i.giants = Some(n),
                    "input errors" => i.input_errors = Some(n),
                    "CRC" => i.crc = Some(n),
                    "frame" => i.frame = Some(n),
                    "overrun" => i.overrun = Some(n),
                    "abort" => i.abort = Some(n),
                    "output errors" => i.output_errors = Some(n),
                    _ => {}
                }
            }
        }
    }
    out
}

/// `MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,`.
fn mtu_line(i: &mut IosInterface, t: &str) {
    let Some((mtu, _)) = num(&t["MTU ".len()..]) else {
        return;
    };
    let (Some(bw), Some(dly)) = (t.find("BW "), t.rfind("DLY ")) else {
        return;
    };
    let mut b = t[bw + 3..].split_whitespace();
    let (Some(n), Some(unit)) = (b.next(), b.next()) else {
        return;
    };
    let unit: String = unit
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let delay = t[dly + 4..].trim_end_matches(',').trim();
    if n.bytes().all(|c| c.is_ascii_digit()) && !unit.is_empty() {
        i.mtu = u32::try_from(mtu).ok();
        i.bandwidth = Some(format!("{n} {unit}"));
        i.delay = Some(delay.to_string());
    }
}

/// `ARPA, loopback not set`, `802.1Q Virtual LAN, Vlan ID  13., loopback not set`,
/// `QinQ Virtual LAN, outer ID  10, inner ID 20`.
fn encapsulation(i: &mut IosInterface, e: &str) {
    let Some((kind, rest)) = e.split_once(',') else {
        // `Encapsulation mpls` (pseudowires): no comma, nothing after.
        if !e.trim().is_empty() {
            i.encapsulation = Some(e.trim().to_string());
        }
        return;
    };
    i.encapsulation = Some(kind.to_string());
    let rest = rest.trim_start();
    if let Some(v) = rest.strip_prefix("Vlan ID") {
        i.vlan_id = num(v).and_then(|(n, _)| u16::try_from(n).ok());
    } else if let Some(v) = rest.strip_prefix("outer ID") {
        if let Some((outer, r)) = num(v) {
            if let Some(inner) = r
                .trim_start_matches(',')
                .trim_start()
                .strip_prefix("inner ID")
            {
                i.vlan_id_outer = u16::try_from(outer).ok();
                i.vlan_id_inner = num(inner).and_then(|(n, _)| u16::try_from(n).ok());
            }
        }
    }
}

/// `0/75/0/0 (size/max/drops/flushes); Total output drops: 0`.
fn input_queue(i: &mut IosInterface, q: &str) {
    let Some((nums, rest)) = q.split_once(' ') else {
        return;
    };
    let n: Vec<u64> = nums.split('/').filter_map(|x| x.parse().ok()).collect();
    let drops = rest
        .split_once("Total output drops:")
        .and_then(|(_, d)| d.trim().parse().ok());
    if let (&[s, m, d, f], Some(od)) = (&n[..], drops) {
        (i.queue_size, i.queue_max, i.queue_drops, i.queue_flushes) =
            (Some(s), Some(m), Some(d), Some(f));
        i.queue_output_drops = Some(od);
    }
}

/// `5 minute input rate 2000 bits/sec, 3 packets/sec`.
fn rate(t: &str, what: &str) -> Option<(u64, u64)> {
    let (_, r) = t.split_once(what)?;
    let (rate, r) = num(r)?;
    let (_, r) = r.split_once("/sec, ")?;
    let (pps, r) = num(r)?;
    r.trim_start().starts_with("packets").then_some((rate, pps))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qinq_and_dot1q_subinterfaces() {
        let i = parse_ios_show_interfaces(
            "Gi0/0.13 is up, line protocol is up \n\
             \x20 Encapsulation 802.1Q Virtual LAN, Vlan ID  13., loopback not set\n\
             Gi0/0.20 is up, line protocol is up\n\
             \x20 Encapsulation QinQ Virtual LAN, outer ID  10, inner ID 20\n",
        );
        assert_eq!(i[0].protocol_status, "up");
        assert_eq!(i[0].encapsulation.as_deref(), Some("802.1Q Virtual LAN"));
        assert_eq!(i[0].vlan_id, Some(13));
        assert_eq!(i[1].vlan_id_outer, Some(10));
        assert_eq!(i[1].vlan_id_inner, Some(20));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowInterfaces/cli/equal/
    /// golden_output2_output.txt`: a subinterface prints `13266 packets input, 2503842 bytes`
    /// (no `no buffer`) and an SVI `0 output errors, 1 interface resets` (no collisions); those
    /// counters were left empty.
    #[test]
    fn counters_from_short_counter_lines() {
        let i = parse_ios_show_interfaces(
            "HundredGigE1/0/35.1 is up, line protocol is up (connected) \n\
             \x20    13266 packets input, 2503842 bytes\n\
             \x20    13769 packets output, 2168924 bytes\n\
             Vlan1 is up, line protocol is up\n\
             \x20    0 output errors, 1 interface resets\n",
        );
        assert_eq!(i[0].input_packets, Some(13266));
        assert_eq!(i[0].output_packets, Some(13769));
        assert_eq!(i[1].output_errors, Some(0));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowInterfaces/cli/equal/
    /// golden_output_1_output.txt` and `golden_output_2_output.txt`: the capture indents every
    /// line; the indented headers were not read, so those interfaces were lost and their
    /// values (MTU, MAC, counters) overwrote the interface before them.
    #[test]
    fn indented_headers_start_their_own_interface() {
        let i = parse_ios_show_interfaces(
            "    TenGigabitEthernet0/1/0 is up, line protocol is up\n\
             \x20   MTU 4000 bytes, BW 10000000 Kbit/sec, DLY 10 usec,\n\
             \x20   TenGigabitEthernet0/1/5 is administratively down, line protocol is down\n\
             \x20   Hardware is BUILT-IN-EPA-8x10G, address is 2c33.11ff.fa1e (bia 2c33.11ff.fa1e)\n\
             \x20   MTU 1500 bytes, BW 10000000 Kbit/sec, DLY 10 usec,\n",
        );
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].mtu, Some(4000));
        assert_eq!(i[0].mac_address, None);
        assert_eq!(i[1].interface, "TenGigabitEthernet0/1/5");
        assert_eq!(i[1].link_status, "administratively down");
        assert_eq!(i[1].mtu, Some(1500));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowInterfaces/cli/equal/
    /// golden_output_3_output.txt`: `pseudowire1 is up` has no line protocol; the interface was
    /// lost and its MTU given to the one before.
    #[test]
    fn pseudowire_without_line_protocol() {
        let i = parse_ios_show_interfaces(
            "ucse1/0/1 is administratively down, line protocol is down \n\
             \x20 MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,\n\
             pseudowire1 is up\n\
             \x20   Description: pseudowire to core router\n\
             \x20   MTU 9198 bytes, BW not configured\n\
             \x20   Encapsulation mpls\n",
        );
        assert_eq!(i.len(), 2);
        assert_eq!(i[0].mtu, Some(1500));
        assert_eq!(i[1].interface, "pseudowire1");
        assert_eq!(i[1].link_status, "up");
        assert_eq!(i[1].protocol_status, "");
        assert_eq!(i[1].mtu, Some(9198));
        assert_eq!(i[1].encapsulation.as_deref(), Some("mpls"));
        assert_eq!(
            i[1].description.as_deref(),
            Some("pseudowire to core router")
        );
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowInterfaces/cli/equal/
    /// golden_output_1_output.txt`: `address is 2c33.11ff.fbc7(bia 2c33.11ff.fbc7)` (no blank
    /// before `(bia`) left the MAC address empty.
    #[test]
    fn mac_address_without_blank_before_bia() {
        let i = parse_ios_show_interfaces(
            "  BDI105 is up, line protocol is up\n\
             \x20 Hardware is BDI, address is 2c33.11ff.fbc7(bia 2c33.11ff.fbc7)\n",
        );
        assert_eq!(i[0].hardware_type.as_deref(), Some("BDI"));
        assert_eq!(i[0].mac_address.as_deref(), Some("2c33.11ff.fbc7"));
        assert_eq!(i[0].bia.as_deref(), Some("2c33.11ff.fbc7"));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowInterfaces/cli/equal/
    /// golden_output_output.txt`: an unnumbered interface's borrowed address was not reported.
    #[test]
    fn unnumbered_interface_borrows_an_address() {
        let i = parse_ios_show_interfaces(
            "GigabitEthernet3 is up, line protocol is up \n\
             \x20 Interface is unnumbered. Using address of Loopback0 (192.168.154.1)\n",
        );
        assert_eq!(i[0].ip_address, None);
        assert_eq!(
            i[0].unnumbered,
            Some(("Loopback0".to_string(), Ipv4Addr::new(192, 168, 154, 1)))
        );
    }

    #[test]
    fn abort_counter_and_queue() {
        let i = parse_ios_show_interfaces(
            "Serial0/0/0 is up, line protocol is up\n\
             \x20 Input queue: 0/75/3/0 (size/max/drops/flushes); Total output drops: 7\n\
             \x20    2 input errors, 1 CRC, 1 frame, 0 overrun, 0 ignored, 4 abort\n",
        );
        assert_eq!(i[0].queue_drops, Some(3));
        assert_eq!(i[0].queue_output_drops, Some(7));
        assert_eq!(i[0].abort, Some(4));
        assert_eq!(i[0].input_errors, Some(2));
    }
}
