//! IOS `show ntp associations` and NX-OS `show ntp peer-status`.

use serde::{Deserialize, Serialize};

/// One association of IOS `show ntp associations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosNtpAssociation {
    /// The flags before the address as printed: `*` system peer (synced to it), `#` selected,
    /// `+` candidate, `-` outlier, `x` falseticker, `~` configured (`*~`, `~`, `+~`).
    pub flags: String,
    /// The peer's address as printed (`10.16.2.2`, `2001:DB8::EEE8`, `127.127.1.1`).
    pub address: String,
    /// Its reference clock (`127.127.1.1`, `.GNSS.`, `.INIT.`, `.STEP.`, `.LOCL.`).
    pub ref_clock: String,
    /// Stratum (16: unsynchronised).
    pub stratum: u8,
    /// Seconds since the last packet, `None` for `-` (never).
    pub when: Option<u64>,
    /// Poll interval, seconds.
    pub poll: u32,
    /// Reach register, octal as printed (`377`: the last eight polls answered).
    pub reach: String,
    /// Round-trip delay, milliseconds.
    pub delay: f64,
    /// Clock offset, milliseconds.
    pub offset: f64,
    /// Dispersion, milliseconds.
    pub disp: f64,
}

impl IosNtpAssociation {
    /// Whether this is the system peer (`*`): the server the clock is synchronised to.
    pub fn is_sys_peer(&self) -> bool {
        self.flags.contains('*')
    }
}

/// One peer of NX-OS `show ntp peer-status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NxosNtpPeer {
    /// The mode flag as printed: `*` selected for sync, `+` peer mode (active), `-` peer mode
    /// (passive), `=` polled in client mode.
    pub flags: String,
    /// The peer's address.
    pub remote: String,
    /// The local address used (`0.0.0.0` when any).
    pub local: String,
    /// Stratum (16: unsynchronised).
    pub stratum: u8,
    /// Poll interval, seconds.
    pub poll: u32,
    /// Reach register, octal as printed (`377`).
    pub reach: String,
    /// Round-trip delay, seconds.
    pub delay: f64,
    /// The VRF the peer is reached in (`default`, `management`), when printed.
    pub vrf: Option<String>,
}

impl NxosNtpPeer {
    /// Whether the clock is synchronised to this peer (`*`).
    pub fn is_selected(&self) -> bool {
        self.flags.contains('*')
    }
}

/// Splits the flag characters off the first word (`*~10.16.2.2` → (`*~`, `10.16.2.2`)).
fn split_flags<'a>(w: &'a str, flags: &[char]) -> (&'a str, &'a str) {
    let at = w.find(|c: char| !flags.contains(&c)).unwrap_or(w.len());
    (&w[..at], &w[at..])
}

/// Whether `s` is an address as NTP tables print one (IPv4, IPv6, or a host name).
fn is_address(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && (s.contains('.') || s.contains(':'))
}

/// Parses IOS / IOS-XE `show ntp associations`: `address ref clock st when poll reach delay
/// offset disp` rows with their flags. The header, the flag legend and prompts are skipped.
///
/// ```
/// let a = hermes_netdev::show::parse_ios_show_ntp_associations(
///     "  address         ref clock       st   when   poll reach  delay  offset   disp\n\
///      *~10.16.2.2       127.127.1.1      3     25     64     7  5.610  27.027  3.342\n\
///      \x20~10.36.3.3       .STEP.          16      -    512     0  0.000   0.000 15937.\n\
///      \x20* sys.peer, # selected, + candidate, - outlyer, x falseticker, ~ configured\n",
/// );
/// assert_eq!(a.len(), 2);
/// assert!(a[0].is_sys_peer());
/// assert_eq!(a[1].stratum, 16);
/// assert_eq!(a[1].when, None);
/// assert_eq!(a[1].disp, 15937.0);
/// ```
pub fn parse_ios_show_ntp_associations(text: &str) -> Vec<IosNtpAssociation> {
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() != 9 {
            continue;
        }
        let (flags, address) = split_flags(w[0], &['*', '#', '+', '-', 'x', '~']);
        if !is_address(address) {
            continue;
        }
        let when = match w[3] {
            "-" => None,
            n => match n.parse() {
                Ok(n) => Some(n),
                Err(_) => continue,
            },
        };
        let f = |i: usize| w[i].parse::<f64>().ok();
        let (Ok(stratum), Ok(poll), Some(delay), Some(offset), Some(disp)) =
            (w[2].parse(), w[4].parse(), f(6), f(7), f(8))
        else {
            continue;
        };
        if !w[5].bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            continue;
        }
        out.push(IosNtpAssociation {
            flags: flags.to_string(),
            address: address.to_string(),
            ref_clock: w[1].to_string(),
            stratum,
            when,
            poll,
            reach: w[5].to_string(),
            delay,
            offset,
            disp,
        });
    }
    out
}

/// Parses NX-OS `show ntp peer-status`: `remote local st poll reach delay vrf` rows with their
/// flag; a row wrapped after its local address onto the next line is joined, and a delay run
/// into the VRF (`0.01311default`) is split. The legend, `Total peers` and prompts are skipped.
///
/// ```
/// let p = hermes_netdev::show::parse_nxos_show_ntp_peer_status(
///     "Total peers : 2\n\
///      \x20   remote               local                 st   poll   reach delay   vrf\n\
///      -------------------------------------------------------------------------------\n\
///      =127.127.1.0            10.100.100.1            8   64       0   0.00000\n\
///      *10.64.4.32               10.100.100.1            4   64     377   0.02588 default\n",
/// );
/// assert_eq!(p.len(), 2);
/// assert_eq!(p[0].vrf, None);
/// assert!(p[1].is_selected());
/// assert_eq!(p[1].vrf.as_deref(), Some("default"));
/// ```
pub fn parse_nxos_show_ntp_peer_status(text: &str) -> Vec<NxosNtpPeer> {
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        let joined = match pending.take() {
            Some(p) if !t.is_empty() => format!("{p} {t}"),
            _ => t.to_string(),
        };
        let w: Vec<&str> = joined.split_whitespace().collect();
        let Some(first) = w.first() else { continue };
        let (flags, remote) = split_flags(first, &['*', '+', '-', '=']);
        if !is_address(remote) || w.get(1).is_none_or(|l| !is_address(l)) {
            continue;
        }
        if w.len() == 2 {
            pending = Some(joined.clone());
            continue;
        }
        if !(6..=7).contains(&w.len()) {
            continue;
        }
        // `0.01311default`: the delay and the VRF run together.
        let (delay, glued_vrf) = match w[5].find(|c: char| c.is_ascii_alphabetic()) {
            Some(at) if w.len() == 6 => (&w[5][..at], Some(&w[5][at..])),
            _ => (w[5], None),
        };
        let (Ok(stratum), Ok(poll), Ok(delay)) = (w[2].parse(), w[3].parse(), delay.parse()) else {
            continue;
        };
        if !w[4].bytes().all(|b| (b'0'..=b'7').contains(&b)) {
            continue;
        }
        out.push(NxosNtpPeer {
            flags: flags.to_string(),
            remote: remote.to_string(),
            local: w[1].to_string(),
            stratum,
            poll,
            reach: w[4].to_string(),
            delay,
            vrf: w.get(6).copied().or(glued_vrf).map(String::from),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ios_ipv6_peers_and_unindented_rows() {
        // genieparser iosxe ShowNtpAssociations golden_output_2, ios golden_output_3.
        let a = parse_ios_show_ntp_associations(
            "  address         ref clock       st   when   poll reach  delay  offset   disp\n\
             *~2001:DB8::EEE8  2001:DB8::EEE8   2    337    512   377  1.957  -2.107  1.078\n\
             ~172.31.32.2       172.31.32.1       5       29      1024   377     4.2     -8.59     1.6 \n\
             * master (synced), # master (unsynced), + selected, - candidate, ~ configured\n",
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].address, "2001:DB8::EEE8");
        assert_eq!(a[0].offset, -2.107);
        assert_eq!(a[1].flags, "~");
        assert!(!a[1].is_sys_peer());
    }

    #[test]
    fn nxos_rows_wrapped_and_glued() {
        // genieparser nxos ShowNtpPeerStatus golden_output_4 and golden_output_5.
        let p = parse_nxos_show_ntp_peer_status(
            "    Total peers : 4\n\
             * - selected for sync, + -  peer mode(active), \n\
             - - peer mode(passive), = - polled in client mode \n\
             \x20     remote                                 local                                   \n\
             \x20   st   poll   reach delay   vrf\n\
             =10.4.1.1                                  0.0.0.0\n\
             8   16     377   0.01311default\n\
             *1.1.1.1                           2.2.2.2                          \n\
             \x20 1   64     377   0.02710 management\n",
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].remote, "10.4.1.1");
        assert_eq!(p[0].delay, 0.01311);
        assert_eq!(p[0].vrf.as_deref(), Some("default"));
        assert_eq!(p[1].stratum, 1);
        assert_eq!(p[1].vrf.as_deref(), Some("management"));
    }
}
