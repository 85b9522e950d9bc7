//! IOS / NX-OS `show lldp neighbors` and `show cdp neighbors`.

use serde::{Deserialize, Serialize};

use super::{ntc_opt, words_at as words};

fn is_number(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
}

/// Lines of a neighbor table that are not rows.
fn is_noise(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    t.is_empty()
        || lower.starts_with("capability codes")
        || lower.starts_with("total ")
        || t.starts_with('(')
}

/// One row of IOS / NX-OS `show lldp neighbors` (ntc-templates `cisco_ios_show_lldp_neighbors` /
/// `cisco_nxos_show_lldp_neighbors` fields, plus the hold time neither template keeps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LldpNeighbor {
    /// The neighbor's system name (IOS cuts it to 20 characters; NX-OS wraps a long one onto its
    /// own line, which is joined back).
    pub neighbor_name: String,
    /// The local port (`Gi1/0/7`, `Eth1/1`, `mgmt0`).
    pub local_interface: String,
    /// Capability codes (`B`, `B,R`, `BR`); none when the neighbor advertises none.
    #[serde(default, with = "ntc_opt")]
    pub capabilities: Option<String>,
    /// The neighbor's port ID as it sends it (`Gi0/1`, `Ethernet1/1`, `Port 6`, a MAC address).
    pub neighbor_interface: String,
    /// Hold time, seconds.
    #[serde(default, with = "ntc_opt")]
    pub holdtime: Option<u32>,
}

/// Parses IOS and NX-OS `show lldp neighbors`: `Device ID  Local Intf  Hold-time  Capability
/// Port ID`. A device ID on a line of its own (NX-OS wraps long ones) names the row under it; an
/// IOS device ID of exactly 20 characters runs into the local port (`long_name_swt.josh-vGi0/2`)
/// and is cut at the `Local Intf` column.
///
/// ```
/// let n = hermes_netdev::show::parse_show_lldp_neighbors(
///     "Device ID            Local Intf      Hold-time  Capability  Port ID\n\
///      core-sw1.example.net\n\
///      \x20                    Eth1/49         120        BR          Ethernet1/49\n\
///      Polycom VVX 500      Gi1/0/2         120        T           0004.f2d1.2222\n",
/// );
/// assert_eq!(n[0].neighbor_name, "core-sw1.example.net");
/// assert_eq!(n[0].local_interface, "Eth1/49");
/// assert_eq!(n[1].neighbor_name, "Polycom VVX 500");
/// assert_eq!(n[1].holdtime, Some(120));
/// ```
pub fn parse_show_lldp_neighbors(text: &str) -> Vec<LldpNeighbor> {
    let mut out = Vec::new();
    let mut in_table = false;
    let mut local_col: Option<usize> = None;
    let mut hold_col: Option<usize> = None;
    let mut pending: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("device") && lower.contains("id") && lower.contains("local intf") {
            in_table = true;
            local_col = line.find("Local Intf");
            hold_col = line.find("Hold");
            pending = None;
            continue;
        }
        if !in_table || is_noise(t) {
            continue;
        }
        let w = words(line);
        // The hold time: a number after a word with a digit (the local port). A device ID can
        // hold such a pair too (`ap1 500`): of several, the one nearest the `Hold-time` column.
        let candidates = (1..w.len())
            .filter(|&i| is_number(w[i].1) && w[i - 1].1.bytes().any(|b| b.is_ascii_digit()));
        let h = match hold_col {
            Some(col) => candidates.min_by_key(|&i| w[i].0.abs_diff(col)),
            None => candidates.min(),
        };
        let Some(h) = h else {
            // A device ID on its own line.
            pending = Some(t.to_string());
            continue;
        };
        let (local_at, local) = w[h - 1];
        let mut name = line[..local_at].trim().to_string();
        let mut local = local.to_string();
        if let Some(p) = pending.take() {
            if name.is_empty() {
                name = p;
            }
        } else if name.is_empty() {
            // `long_name_swt.josh-vGi0/2`: a 20-character device ID runs into the port.
            if let Some(col) = local_col.filter(|&c| c > local_at && c < local_at + local.len()) {
                if line.is_char_boundary(col) {
                    name = line[local_at..col].to_string();
                    local = line[col..local_at + local.len()].to_string();
                }
            }
        }
        let rest = &w[h + 1..];
        let (caps, port) = match rest {
            [] => (None, None),
            [(at, _)] => (None, Some(line[*at..].trim())),
            [(_, c), (at, _), ..] if is_lldp_caps(c) => {
                (Some(c.to_string()), Some(line[*at..].trim()))
            }
            [(at, _), ..] => (None, Some(line[*at..].trim())),
        };
        let Some(port) = port else { continue };
        out.push(LldpNeighbor {
            neighbor_name: name,
            local_interface: local,
            capabilities: caps,
            neighbor_interface: port.to_string(),
            holdtime: w[h].1.parse().ok(),
        });
    }
    out
}

/// LLDP capability codes: `B`, `B,R`, `BR`.
fn is_lldp_caps(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b"BRCWPSTO,".contains(&b))
}

/// One row of IOS / NX-OS `show cdp neighbors` (ntc-templates `cisco_ios_show_cdp_neighbors` /
/// `cisco_nxos_show_cdp_neighbors` fields; the IOS template does not keep the hold time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CdpNeighbor {
    /// The neighbor's device ID (NX-OS adds the serial: `sw1(FOC2132X0KP)`); a long one on its
    /// own line is joined back.
    pub neighbor_name: String,
    /// The local port as printed (`Gig 1/0/10`, `Ten 1/1/3`, `Eth1/1`, `mgmt0`).
    pub local_interface: String,
    /// Hold time, seconds.
    #[serde(default, with = "ntc_opt")]
    pub holdtime: Option<u32>,
    /// Capability codes, space-separated (`R S I`, `H P M`).
    #[serde(default, with = "ntc_opt")]
    pub capabilities: Option<String>,
    /// The neighbor's platform (`WS-C3750-48TS`, `N9K-C9396PX`, `IP Phone`); NX-OS prints none
    /// for some neighbors.
    #[serde(default, with = "ntc_opt")]
    pub platform: Option<String>,
    /// The neighbor's port (`Gig 0/23`, `Eth1/1`, `Port 1`), when printed.
    #[serde(default, with = "ntc_opt")]
    pub neighbor_interface: Option<String>,
}

/// Parses IOS and NX-OS `show cdp neighbors`: `Device ID  Local Intrfce  Holdtme  Capability
/// Platform  Port ID`. A device ID on a line of its own names the row under it (indented or not).
/// The local port is two words when its first is letters only (`Gig 1/0/10`, `Eth 0`), else one
/// (`Eth1/1`, `mgmt0`); the hold time follows it; the capability codes are the one-letter words
/// after that; then platform and port (see `platform_and_port`: by the header's `Port ID` column
/// where the row has a word there, else by words). A port wrapped onto the next line is joined
/// back; NX-OS rows with only capabilities (no platform, no port) are kept.
///
/// ```
/// let n = hermes_netdev::show::parse_show_cdp_neighbors(
///     "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\n\
///      dist-sw2.example.net\n\
///      \x20                Gig 1/0/49        162             R S I  WS-C3750X Gig 1/0/50\n\
///      SEP04FE7F689D33  Gig 1/0/2         125              H P   IP Phone  Port 1\n",
/// );
/// assert_eq!(n[0].neighbor_name, "dist-sw2.example.net");
/// assert_eq!(n[0].capabilities.as_deref(), Some("R S I"));
/// assert_eq!(n[1].platform.as_deref(), Some("IP Phone"));
/// assert_eq!(n[1].neighbor_interface.as_deref(), Some("Port 1"));
/// ```
pub fn parse_show_cdp_neighbors(text: &str) -> Vec<CdpNeighbor> {
    let mut out: Vec<CdpNeighbor> = Vec::new();
    let mut in_table = false;
    let mut pending: Option<String> = None;
    // The header's indent and its `Platform` / `Port ID` columns.
    let mut indent = 0;
    let mut port_col: Option<usize> = None;
    let mut hold_col: Option<usize> = None;
    let mut local_col: Option<usize> = None;
    // Where the last row's platform starts, for a port wrapped onto the next line.
    let mut last_tail: Option<(usize, String)> = None;
    for raw in text.lines() {
        let line = raw.trim_end();
        let t = line.trim_start();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("device") && (lower.contains("holdtme") || lower.contains("hldtme")) {
            in_table = true;
            pending = None;
            indent = line.len() - t.len();
            port_col = line.find("Port ID");
            hold_col = line.find("Holdtme").or_else(|| line.find("Hldtme"));
            local_col = line.find("Local");
            last_tail = None;
            continue;
        }
        // Some outputs wrap the header's last column onto its own line.
        if !in_table || is_noise(t) || lower == "port id" {
            continue;
        }
        let w = words(line);
        let this_indent = line.len() - t.len();
        // A port wrapped onto its own line, under the port column (NX-OS:
        // `HPE 2200AF-48 B` then `Ten-GigabitEthernet1/0/10`).
        if let (Some((p_at, tail)), [(at, port)]) = (&last_tail, &w[..]) {
            if pending.is_none() && *at > *p_at {
                if let Some(last) = out.last_mut() {
                    last.platform = Some(tail.clone());
                    last.neighbor_interface = Some(port.to_string());
                    last_tail = None;
                    continue;
                }
            }
        }
        // The device ID is the first word, unless a line of its own gave it, or the line is
        // indented under the header's first column (a row whose device ID is missing).
        let first = usize::from(pending.is_none() && this_indent <= indent);
        let Some(&(_, l0)) = w.get(first) else {
            pending = Some(t.to_string());
            continue;
        };
        let h = if l0.bytes().all(|b| b.is_ascii_alphabetic()) {
            first + 2
        } else {
            first + 1
        };
        if !w.get(h).is_some_and(|(_, x)| is_number(x)) {
            pending = Some(t.to_string());
            continue;
        }
        let name = match pending.take() {
            Some(p) => p,
            None if first == 1 => w[0].1.to_string(),
            None => String::new(),
        };
        let local = line[w[first].0..w[h - 1].0 + w[h - 1].1.len()].to_string();
        let mut i = h + 1;
        let caps_from = i;
        while i < w.len() && w[i].1.len() == 1 && w[i].1.bytes().all(|b| b.is_ascii_alphabetic()) {
            i += 1;
        }
        let caps = (i > caps_from).then(|| {
            w[caps_from..i]
                .iter()
                .map(|(_, c)| *c)
                .collect::<Vec<_>>()
                .join(" ")
        });
        // The columns are used only on a row aligned with the header (its local port under
        // `Local Intrfce`, its hold time under `Holdtme`); some captures have the blanks squeezed.
        let aligned = hold_col.is_some_and(|c| c.abs_diff(w[h].0) <= 2)
            && local_col.is_some_and(|c| c.abs_diff(w[first].0) <= 2);
        let (platform, port) = platform_and_port(line, &w[i..], port_col.filter(|_| aligned));
        last_tail = w
            .get(i)
            .filter(|_| port.is_some())
            .map(|&(at, _)| (at, line[at..].to_string()));
        out.push(CdpNeighbor {
            neighbor_name: name,
            local_interface: local,
            holdtime: w[h].1.parse().ok(),
            capabilities: caps,
            platform,
            neighbor_interface: port,
        });
    }
    out
}

/// The platform and port of a CDP row from the words after the capability codes. On a row
/// aligned with the header, a word that starts at its `Port ID` column (give or take two) begins
/// the port, so a platform of
/// several words (`VMware ES`, `HPE 2200AF-48`) is kept whole; without one, the platform is one
/// word (two for `IP Phone` and a platform followed by a number, `Mitel 532`) and the port the
/// rest. A row ending in a word of letters and an interface number (`R B   Gig 0/0`) has no
/// platform.
fn platform_and_port(
    line: &str,
    w: &[(usize, &str)],
    port_col: Option<usize>,
) -> (Option<String>, Option<String>) {
    let Some(&(p_at, p)) = w.first() else {
        return (None, None);
    };
    let rest = |at: usize| Some(line[at..].trim().to_string());
    if let Some(col) = port_col {
        if let Some(&(at, _)) = w.iter().find(|(at, _)| at.abs_diff(col) <= 2) {
            let platform = line[p_at..at].trim();
            return (
                (!platform.is_empty()).then(|| platform.to_string()),
                rest(at),
            );
        }
    }
    let port_only = w.len() == 2
        && p.bytes().all(|b| b.is_ascii_alphabetic())
        && !p.eq_ignore_ascii_case("ip")
        && w[1]
            .1
            .bytes()
            .all(|b| b.is_ascii_digit() || b"/.:".contains(&b));
    if port_only {
        return (None, rest(p_at));
    }
    // `IP Phone`, `Mitel 532`: a second word when a port still follows it.
    let two = w.len() > 2 && (p.eq_ignore_ascii_case("ip") || is_number(w[1].1));
    let (end, port) = if two {
        (w[1].0 + w[1].1.len(), w.get(2))
    } else {
        (p_at + p.len(), w.get(1))
    };
    (
        Some(line[p_at..end].to_string()),
        port.and_then(|&(at, _)| rest(at)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lldp_without_capabilities_and_port_of_two_words() {
        let n = parse_show_lldp_neighbors(
            "Device ID           Local Intf     Hold-time  Capability      Port ID\n\
             ABC-Ultra-210W      Gi2/0/16       110                        Port 6\n\
             tg-DT-argh-25       Gi5/0/44       2770                       c843.09a2.0f03\n",
        );
        assert_eq!(n[0].capabilities, None);
        assert_eq!(n[0].neighbor_interface, "Port 6");
        assert_eq!(n[1].holdtime, Some(2770));
    }

    #[test]
    fn lldp_name_with_a_number_in_it() {
        let n = parse_show_lldp_neighbors(
            "Device ID           Local Intf     Hold-time  Capability      Port ID\n\
             Polycom VVX 500     Gi1/0/2        120        T               0004.f2d1.2222\n\
             ap1 500             Gi1/0/3        120        W               Gi0\n",
        );
        assert_eq!(n[0].neighbor_name, "Polycom VVX 500");
        assert_eq!(n[0].local_interface, "Gi1/0/2");
        assert_eq!(n[1].neighbor_name, "ap1 500");
        assert_eq!(n[1].holdtime, Some(120));
    }

    #[test]
    fn lldp_twenty_character_name_runs_into_the_port() {
        let n = parse_show_lldp_neighbors(
            "Device ID           Local Intf     Hold-time  Capability      Port ID\n\
             long_name_swt.josh-vGi0/2          120        R               Gi0/0\n",
        );
        assert_eq!(n[0].neighbor_name, "long_name_swt.josh-v");
        assert_eq!(n[0].local_interface, "Gi0/2");
    }

    #[test]
    fn cdp_wrapped_name_line_not_indented() {
        let n = parse_show_cdp_neighbors(
            "Device ID Local Intrfce Holdtme Capability Platform Port ID\r\n\
             router.domain.local\r\n\
             Gig 1/0/1 134 R B S CISCO2911 Gig 0/0\r\n",
        );
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].neighbor_name, "router.domain.local");
        assert_eq!(n[0].local_interface, "Gig 1/0/1");
        assert_eq!(n[0].platform.as_deref(), Some("CISCO2911"));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowCdpNeighbors/cli/equal/
    /// device_output_1_output.txt` and `device_output_2_output.txt`: the header is spelt
    /// `Local Interfce` and its `Port ID` wraps onto its own line; no row was read.
    #[test]
    fn cdp_header_spelt_interfce_with_port_id_wrapped() {
        let n = parse_show_cdp_neighbors(
            "Device ID        Local Interfce     Holdtme    Capability  Platform  ''\n\
             Port ID\n\
             \n\
             R5.cisco.com     Gig 0/0           125              R B              Gig 0/0\n\
             device4      Eth 0          141                  RP1      Eth 0/0\n\
             SEP08000F8BA7FD  Gig 1/0/7         179              H P   Mitel 532 Port 1\n",
        );
        assert_eq!(n.len(), 3);
        assert_eq!(n[0].neighbor_name, "R5.cisco.com");
        assert_eq!(n[0].platform, None);
        assert_eq!(n[0].neighbor_interface.as_deref(), Some("Gig 0/0"));
        assert_eq!(n[1].local_interface, "Eth 0");
        assert_eq!(n[1].capabilities, None);
        assert_eq!(n[1].platform.as_deref(), Some("RP1"));
        assert_eq!(n[2].platform.as_deref(), Some("Mitel 532"));
        assert_eq!(n[2].neighbor_interface.as_deref(), Some("Port 1"));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowCdpNeighbors/cli/equal/
    /// device_output_5_output.txt`: under a wrapped device ID, `Gig 1  134` was read as port
    /// `Gig`, hold time 1.
    #[test]
    fn cdp_local_port_number_is_not_the_hold_time() {
        let n = parse_show_cdp_neighbors(
            "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\n\
             Device_With_A_Particularly_Long_Name\n\
             \x20                Gig 1             134             R S C  N9K-9000v Eth 0/0\n",
        );
        assert_eq!(n[0].local_interface, "Gig 1");
        assert_eq!(n[0].holdtime, Some(134));
        assert_eq!(n[0].capabilities.as_deref(), Some("R S C"));
    }

    /// genieparser `src/genie/libs/parser/nxos/tests/ShowCdpNeighbors/cli/equal/
    /// golden_output_4_output.txt`: platforms of several words (`VMware ESX`, `HPE 2200AF-48 B`)
    /// were cut after their first word, and a port wrapped onto its own line was taken for the
    /// next row's device ID.
    #[test]
    fn cdp_platform_of_several_words_and_wrapped_port() {
        let n = parse_show_cdp_neighbors(
            "        Device-ID          Local Intrfce  Hldtme Capability  Platform      Port ID\n\
             \x20       llxde101.ctr.globeint.aac\n\
             \x20                           Eth1/5         120    S         VMware ESX    vmnic1\n\
             \x20       1111-2222-3333      Eth1/3         130    S         HPE 2200AF-48 \n\
             \x20                                                              Ten-GigabitEthernet1/0/10\n\
             \x20       4444-5555-6666      Eth1/5         125    S         HPE 2200AF-48 B\n\
             \x20                                                              Ten-GigabitEthernet2/0/20\n\
             \x20       shkothap-lnx        Eth1/1/1       119    R S H     Linux         enp2s0\n",
        );
        assert_eq!(n.len(), 4);
        assert_eq!(n[0].platform.as_deref(), Some("VMware ESX"));
        assert_eq!(n[0].neighbor_interface.as_deref(), Some("vmnic1"));
        assert_eq!(n[1].platform.as_deref(), Some("HPE 2200AF-48"));
        assert_eq!(
            n[1].neighbor_interface.as_deref(),
            Some("Ten-GigabitEthernet1/0/10")
        );
        assert_eq!(n[2].platform.as_deref(), Some("HPE 2200AF-48 B"));
        assert_eq!(
            n[2].neighbor_interface.as_deref(),
            Some("Ten-GigabitEthernet2/0/20")
        );
        assert_eq!(n[3].neighbor_name, "shkothap-lnx");
        assert_eq!(n[3].platform.as_deref(), Some("Linux"));
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowCdpNeighbors/cli/equal/
    /// device_output_7_output.txt`: rows with no device ID (indented under the header) took their
    /// port's first word (`Fas`) for the device ID.
    #[test]
    fn cdp_row_without_device_id() {
        let n = parse_show_cdp_neighbors(
            "Device ID        Local Intrfce     Holdtme    Capability  Platform  Port ID\n\
             \x20                Fas 0/5           104             H P M  420HD_GBE esw0\n\
             xxx012         Fas 0/2           141             T B I  AIR-CAP27 Gig 0.1\n",
        );
        assert_eq!(n[0].neighbor_name, "");
        assert_eq!(n[0].local_interface, "Fas 0/5");
        assert_eq!(n[0].neighbor_interface.as_deref(), Some("esw0"));
        assert_eq!(n[1].neighbor_name, "xxx012");
        assert_eq!(n[1].local_interface, "Fas 0/2");
    }

    /// genieparser `src/genie/libs/parser/iosxe/tests/ShowCdpNeighbors/cli/equal/
    /// device_output_6_output.txt` (NX-OS): a row with capabilities and no platform or port had
    /// its last two codes read as platform `I` and port `s`.
    #[test]
    fn cdp_nxos_row_without_platform_or_port() {
        let n = parse_show_cdp_neighbors(
            "Device-ID          Local Intrfce  Hldtme Capability  Platform      Port ID\n\
             ott-bgp-laas(JAF1429BAKA)\n\
             \x20                   Eth1/39/1      159    R S I s\n",
        );
        assert_eq!(n[0].capabilities.as_deref(), Some("R S I s"));
        assert_eq!(n[0].platform, None);
        assert_eq!(n[0].neighbor_interface, None);
    }
}
