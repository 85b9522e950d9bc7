//! First-hop redundancy: NX-OS `show hsrp all`, IOS `show standby`, IOS `show vrrp brief`.

use serde::{Deserialize, Serialize};

use super::{non_empty, ntc_opt};

/// One HSRP group of NX-OS `show hsrp all` (ntc-templates `cisco_nxos_show_hsrp_all` fields,
/// their spelling kept: `lower_fwd_treshold`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // one field per line of the block, named as ntc-templates names them
pub struct NxosHsrpGroup {
    /// `Vlan320`.
    pub interface: String,
    /// HSRP version (`1`, `2`).
    #[serde(default, with = "ntc_opt")]
    pub version: Option<u8>,
    #[serde(default, with = "ntc_opt")]
    pub group_number: Option<u32>,
    /// `Active`, `Standby`, `Initial(Interface Down)`.
    #[serde(default, with = "ntc_opt")]
    pub hsrp_router_state: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub priority: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub configured_priority: Option<u32>,
    /// `may preempt`.
    #[serde(default, with = "ntc_opt")]
    pub preempt: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub lower_fwd_treshold: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub upper_fwd_treshold: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub timers_hello_sec: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub timers_hold_sec: Option<u32>,
    /// The virtual IP.
    #[serde(default, with = "ntc_opt")]
    pub primary_ipv4_address: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub secondary_ipv4_address: Option<String>,
    /// `local` or `unknown` (otherwise the active router is in `active_ip_address`).
    #[serde(default, with = "ntc_opt")]
    pub active_router: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub active_ip_address: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub active_priority: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub active_expire: Option<String>,
    /// `local` or `unknown` (otherwise the standby router is in `standby_ip_address`).
    #[serde(default, with = "ntc_opt")]
    pub standby_router: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub standby_ip_address: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub standby_priority: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub standby_expire: Option<String>,
    /// `MD5` (clear-text authentication is not reported).
    #[serde(default, with = "ntc_opt")]
    pub authentication: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub virtual_mac_address: Option<String>,
    /// `Default MAC`.
    #[serde(default, with = "ntc_opt")]
    pub virtual_mac_address_status: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub num_state_changes: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub last_state_change: Option<String>,
    /// `hsrp-Vlan320-320`.
    #[serde(default, with = "ntc_opt")]
    pub session_name: Option<String>,
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.trim().parse().ok()
}

/// `X - Group N ...` → (X, rest after the group number).
fn group_header(line: &str) -> Option<(&str, &str, &str)> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (intf, rest) = line.split_once(" - Group ")?;
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    (end > 0 && !intf.trim().contains(char::is_whitespace))
        .then(|| (intf.trim(), &rest[..end], &rest[end..]))
}

/// The router named in an `Active router is` / `Standby router is` line.
enum Router {
    /// `local`, `unknown`.
    Word(Option<String>),
    /// `10.0.0.3 , priority 100 expires in 8.2 sec(s)`.
    Peer {
        addr: String,
        priority: Option<u32>,
        expire: Option<String>,
    },
}

fn router_line(rest: &str) -> Router {
    let rest = rest.trim();
    match rest.split_once(',') {
        None => Router::Word(non_empty(rest)),
        Some((addr, tail)) => {
            let tail = tail.trim();
            let priority = tail
                .strip_prefix("priority")
                .and_then(|t| t.split_whitespace().next())
                .and_then(num);
            let expire = tail.find("expires in").and_then(|i| {
                tail[i + "expires in".len()..]
                    .split_whitespace()
                    .next()
                    .map(String::from)
            });
            Router::Peer {
                addr: addr.trim().to_string(),
                priority,
                expire,
            }
        }
    }
}

/// Parses NX-OS `show hsrp all` (or `show hsrp`, `show hsrp detail`): one entry per group.
///
/// ```
/// let g = hermes_netdev::show::parse_nxos_show_hsrp(
///     "Vlan10 - Group 10 (HSRP-V2) (IPv4)\n  Local state is Active, priority 110 (Cfged 110), may preempt\n\
///        Virtual IP address is 10.0.10.1 (Cfged)\n  Active router is local\n\
///        Standby router is 10.0.10.3 , priority 100 expires in 8.2 sec(s)\n",
/// );
/// assert_eq!(g[0].hsrp_router_state.as_deref(), Some("Active"));
/// assert_eq!(g[0].standby_ip_address.as_deref(), Some("10.0.10.3"));
/// ```
pub fn parse_nxos_show_hsrp(text: &str) -> Vec<NxosHsrpGroup> {
    let mut out: Vec<NxosHsrpGroup> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some((intf, group, rest)) = group_header(line) {
            let version = rest
                .find("HSRP-V")
                .and_then(|i| rest[i + 6..].chars().next())
                .and_then(|c| c.to_digit(10))
                .map(|d| d as u8);
            out.push(NxosHsrpGroup {
                interface: intf.to_string(),
                group_number: num(group),
                version,
                ..Default::default()
            });
            continue;
        }
        let Some(g) = out.last_mut() else { continue };
        if let Some(r) = t.strip_prefix("Local state is ") {
            // `Active, priority 120 (Cfged 120), may preempt`
            let mut parts = r.splitn(3, ", ");
            g.hsrp_router_state = parts.next().and_then(|s| non_empty(s.trim()));
            if let Some(p) = parts.next() {
                let p = p.trim_start_matches("priority").trim();
                let (cur, cfg) = p.split_once('(').unwrap_or((p, ""));
                g.priority = num(cur);
                g.configured_priority = cfg
                    .trim_start_matches("Cfged")
                    .trim_end_matches(')')
                    .trim()
                    .parse()
                    .ok();
            }
            g.preempt = parts.next().and_then(|s| non_empty(s.trim()));
        } else if let Some(i) = t.find("lower:") {
            let rest = &t[i + "lower:".len()..];
            let mut w = rest.split_whitespace();
            g.lower_fwd_treshold = w.next().and_then(num);
            if w.next() == Some("upper:") {
                g.upper_fwd_treshold = w.next().and_then(num);
            }
        } else if let Some(r) = t.strip_prefix("Hellotime ") {
            g.timers_hello_sec = r.split_whitespace().next().and_then(num);
            if let Some(i) = r.find("holdtime ") {
                g.timers_hold_sec = r[i + 9..].split_whitespace().next().and_then(num);
            }
        } else if let Some(r) = t.strip_prefix("Virtual IP address is ") {
            g.primary_ipv4_address = r.split_whitespace().next().map(String::from);
        } else if let Some(r) = t.strip_prefix("Secondary Virtual IP address is ") {
            g.secondary_ipv4_address = r.split_whitespace().next().map(String::from);
        } else if let Some(r) = t.strip_prefix("Active router is ") {
            match router_line(r) {
                Router::Word(w) => g.active_router = w,
                Router::Peer {
                    addr,
                    priority,
                    expire,
                } => {
                    g.active_ip_address = Some(addr);
                    g.active_priority = priority;
                    g.active_expire = expire;
                }
            }
        } else if let Some(r) = t.strip_prefix("Standby router is ") {
            match router_line(r) {
                Router::Word(w) => g.standby_router = w,
                Router::Peer {
                    addr,
                    priority,
                    expire,
                } => {
                    g.standby_ip_address = Some(addr);
                    g.standby_priority = priority;
                    g.standby_expire = expire;
                }
            }
        } else if let Some(r) = t.strip_prefix("Authentication ") {
            if !r.starts_with("text") {
                g.authentication = r.split(',').next().and_then(|s| non_empty(s.trim()));
            }
        } else if let Some(r) = t.strip_prefix("Virtual mac address is ") {
            let (mac, status) = r.split_once(' ').unwrap_or((r, ""));
            g.virtual_mac_address = non_empty(mac);
            g.virtual_mac_address_status =
                non_empty(status.trim().trim_start_matches('(').trim_end_matches(')'));
        } else if let Some((n, r)) = t.split_once(" state changes, last state change ") {
            g.num_state_changes = num(n);
            g.last_state_change = non_empty(r.trim());
        } else if let Some(r) = t.strip_prefix("IP redundancy name is ") {
            g.session_name = r.split_whitespace().next().map(String::from);
        }
    }
    out
}

/// One HSRP group of IOS `show standby` (ntc-templates `cisco_ios_show_standby` fields).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // one field per line of the block, named as ntc-templates names them
pub struct IosStandbyGroup {
    /// `Vlan210`.
    pub interface: String,
    #[serde(default, with = "ntc_opt")]
    pub group: Option<u32>,
    /// `2` for `(version 2)`; absent for version 1.
    #[serde(default, with = "ntc_opt")]
    pub version: Option<u8>,
    /// `Active`, `Standby`, `Init`...
    #[serde(default, with = "ntc_opt")]
    pub state: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub state_changes: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub state_last_change: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub virtual_ip: Option<String>,
    #[serde(default)]
    pub secondary_ips: Vec<String>,
    #[serde(default, with = "ntc_opt")]
    pub active_virtual_mac: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub local_virtual_mac: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub hello_time: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub hold_time: Option<u32>,
    /// `MD5`, `text`.
    #[serde(default, with = "ntc_opt")]
    pub authentication: Option<String>,
    /// `enabled` / `disabled`.
    #[serde(default, with = "ntc_opt")]
    pub preemption: Option<String>,
    /// An address, `local` or `unknown`.
    #[serde(default, with = "ntc_opt")]
    pub active_router: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub active_router_priority: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub active_router_mac: Option<String>,
    /// An address, `local` or `unknown`.
    #[serde(default, with = "ntc_opt")]
    pub standby_router: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub standby_router_priority: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub priority: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub group_name: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub flags: Option<String>,
    /// `object` or `interface` (the last `Track` line).
    #[serde(default, with = "ntc_opt")]
    pub track_type: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub track_item: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub track_state: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub track_decrement_time: Option<u32>,
}

/// Parses IOS `show standby`: one entry per group.
///
/// ```
/// let g = hermes_netdev::show::parse_ios_show_standby(
///     "Vlan210 - Group 12 (version 2)\n  State is Active\n  Virtual IP address is 10.40.2.1\n\
///        Active router is local\n  Standby router is 10.40.2.3, priority 90 (expires in 8.912 sec)\n\
///        Priority 120 (configured 120)\n",
/// );
/// assert_eq!(g[0].group, Some(12));
/// assert_eq!(g[0].version, Some(2));
/// assert_eq!(g[0].standby_router.as_deref(), Some("10.40.2.3"));
/// assert_eq!(g[0].standby_router_priority, Some(90));
/// assert_eq!(g[0].priority, Some(120));
/// ```
pub fn parse_ios_show_standby(text: &str) -> Vec<IosStandbyGroup> {
    let mut out: Vec<IosStandbyGroup> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some((intf, group, rest)) = group_header(line) {
            let version = rest
                .trim()
                .strip_prefix("(version ")
                .and_then(|r| r.trim_end_matches(')').trim().parse().ok());
            out.push(IosStandbyGroup {
                interface: intf.to_string(),
                group: num(group),
                version,
                ..Default::default()
            });
            continue;
        }
        let Some(g) = out.last_mut() else { continue };
        let word = |r: &str| r.split_whitespace().next().map(String::from);
        if let Some(r) = t.strip_prefix("State is ") {
            g.state = r.split(|c: char| !is_word(c)).next().and_then(non_empty);
        } else if let Some(r) = t.strip_prefix("Virtual IP address is ") {
            g.virtual_ip = word(r);
        } else if let Some(r) = t.strip_prefix("Secondary virtual IP address ") {
            g.secondary_ips.extend(word(r));
        } else if let Some(r) = t.strip_prefix("Active virtual MAC address is ") {
            g.active_virtual_mac = word(r);
        } else if let Some(r) = t.strip_prefix("Local virtual MAC address is ") {
            g.local_virtual_mac = word(r);
        } else if let Some(r) = t.strip_prefix("Hello time ") {
            g.hello_time = r.split_whitespace().next().and_then(num);
            if let Some(i) = r.find("hold time ") {
                g.hold_time = r[i + 10..].split_whitespace().next().and_then(num);
            }
        } else if let Some(r) = t.strip_prefix("Authentication ") {
            g.authentication = r.split(|c: char| !is_word(c)).next().and_then(non_empty);
        } else if let Some(r) = t.strip_prefix("Preemption ") {
            g.preemption = r.split(|c: char| !is_word(c)).next().and_then(non_empty);
        } else if let Some(r) = t.strip_prefix("Active router is ") {
            let (addr, prio) = ios_router(r);
            g.active_router = addr;
            g.active_router_priority = prio;
        } else if let Some(r) = t.strip_prefix("MAC address is ") {
            g.active_router_mac = word(r);
        } else if let Some(r) = t.strip_prefix("Standby router is ") {
            let (addr, prio) = ios_router(r);
            g.standby_router = addr;
            g.standby_router_priority = prio;
        } else if let Some(r) = t.strip_prefix("Priority ") {
            g.priority = r.split_whitespace().next().and_then(num);
        } else if let Some(r) = t.strip_prefix("Track ") {
            // `object 4 state Down decrement 20`, `interface Tunnel5 state Up`, `object 2 (unknown)`
            let w: Vec<&str> = r.split_whitespace().collect();
            if matches!(w.first(), Some(&"object" | &"interface")) {
                g.track_type = Some(w[0].to_string());
                g.track_item = w
                    .get(1)
                    .map(|i| i.trim_end_matches("(unknown)"))
                    .and_then(non_empty);
                g.track_state = None;
                g.track_decrement_time = None;
                if let Some(i) = w.iter().position(|x| *x == "state") {
                    g.track_state = w.get(i + 1).map(|s| s.to_string());
                }
                if let Some(i) = w.iter().position(|x| *x == "decrement") {
                    g.track_decrement_time = w.get(i + 1).and_then(|s| num(s));
                }
            }
        } else if let Some(i) = t.find(" state change") {
            // `27 state changes, last state change 3d07h`
            g.state_changes = num(&t[..i]);
            if let Some(j) = t.find("last state change ") {
                g.state_last_change = word(&t[j + "last state change ".len()..]);
            }
        } else if let Some(r) = t
            .strip_prefix("Group name is \"")
            .or_else(|| t.strip_prefix("IP redundancy name is \""))
        {
            g.group_name = r.split('"').next().and_then(non_empty);
        } else if let Some(r) = t.strip_prefix("FLAGS:") {
            g.flags = word(r);
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `10.40.2.3, priority 90 (expires in 8.912 sec)` / `local` / `unknown`.
fn ios_router(r: &str) -> (Option<String>, Option<u32>) {
    let (addr, tail) = r.split_once(',').unwrap_or((r, ""));
    let prio = tail
        .trim()
        .strip_prefix("priority ")
        .and_then(|p| p.split_whitespace().next())
        .and_then(num);
    (non_empty(addr.trim()), prio)
}

/// One row of IOS `show vrrp brief` (VRRPv2 and the unified VRRPv3 table; ntc-templates
/// `cisco_ios_show_vrrp_brief` fields).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VrrpBriefRow {
    /// `Gi0/1.120`.
    pub interface: String,
    /// Group.
    #[serde(default, with = "ntc_opt")]
    pub group: Option<u32>,
    /// `IPv4` / `IPv6` (VRRPv3 only).
    #[serde(default, with = "ntc_opt")]
    pub addr_family: Option<String>,
    /// Priority.
    #[serde(default, with = "ntc_opt")]
    pub priority: Option<u32>,
    /// Master down interval (ms).
    #[serde(default, with = "ntc_opt")]
    pub time: Option<u32>,
    /// Address owner flag (`Y`/`N`, or blank).
    #[serde(default, with = "ntc_opt")]
    pub own: Option<String>,
    /// Preemption flag (`Y`/`N`).
    #[serde(default, with = "ntc_opt")]
    pub preempt: Option<String>,
    /// `Master`, `Backup`, `Init` (VRRPv3: upper case).
    #[serde(default, with = "ntc_opt")]
    pub state: Option<String>,
    /// The master's address (`(local)` removed).
    #[serde(default, with = "ntc_opt")]
    pub master_ip_address: Option<String>,
    /// The virtual address.
    #[serde(default, with = "ntc_opt")]
    pub virtual_ip_address: Option<String>,
}

/// Parses IOS `show vrrp brief` (rows wrapped after a long interface name included).
///
/// ```
/// let rows = hermes_netdev::show::parse_ios_show_vrrp_brief(
///     "Interface          Grp Pri Time  Own Pre State   Master addr     Group addr\n\
///      Vl40               40  120 3531       Y  Master  10.40.0.2       10.40.0.1\n",
/// );
/// assert_eq!(rows[0].state.as_deref(), Some("Master"));
/// assert_eq!(rows[0].time, Some(3531));
/// assert_eq!(rows[0].own, None);
/// ```
pub fn parse_ios_show_vrrp_brief(text: &str) -> Vec<VrrpBriefRow> {
    let mut out = Vec::new();
    let mut v3 = None;
    let mut pending: Option<String> = None;
    for line in text.lines() {
        let toks: Vec<&str> = line.split_whitespace().collect();
        if toks.first() == Some(&"Interface") && toks.contains(&"Grp") {
            v3 = Some(toks.contains(&"A-F"));
            continue;
        }
        let Some(v3) = v3 else { continue };
        match toks.len() {
            0 => continue,
            1 => {
                pending = Some(toks[0].to_string());
                continue;
            }
            _ => {}
        }
        let (intf, rest) = if toks[0].bytes().all(|b| b.is_ascii_digit()) && pending.is_some() {
            (pending.take().unwrap_or_default(), &toks[..])
        } else {
            (toks[0].to_string(), &toks[1..])
        };
        pending = None;
        // grp [af] pri time [own] pre state master group
        let full = if v3 { 9 } else { 8 };
        if rest.len() != full && rest.len() != full - 1 {
            continue;
        }
        let mut it = rest.iter().copied();
        let mut row = VrrpBriefRow {
            interface: intf,
            group: it.next().and_then(num),
            ..Default::default()
        };
        if v3 {
            row.addr_family = it.next().map(String::from);
        }
        row.priority = it.next().and_then(num);
        row.time = it.next().and_then(num);
        if rest.len() == full {
            row.own = it.next().map(String::from);
        }
        row.preempt = it.next().map(String::from);
        row.state = it.next().map(String::from);
        row.master_ip_address = it.next().map(|m| m.trim_end_matches("(local)").to_string());
        row.virtual_ip_address = it.next().map(String::from);
        out.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ios_standby_counts_tracks_and_names() {
        let g = parse_ios_show_standby(
            "Vlan210 - Group 12 (version 2)\n\
             \x20 State is Standby\n\
             \x20   27 state changes, last state change 3d07h\n\
             \x20 Virtual IP address is 10.40.2.1\n\
             \x20 Active virtual MAC address is 0000.0c9f.f00c (MAC Not In Use)\n\
             \x20 Hello time 3 sec, hold time 10 sec\n\
             \x20 Preemption enabled\n\
             \x20 Active router is 10.40.2.2, priority 120 (expires in 9.204 sec)\n\
             \x20   MAC address is 0000.0c9f.f00c\n\
             \x20 Standby router is local\n\
             \x20 Priority 90 (configured 90)\n\
             \x20   Track object 4 state Down decrement 20\n\
             \x20 Group name is \"hsrp-Vl210-12\" (cfgd)\n\
             Tunnel5 - Group 1\n\
             \x20 State is Init (interface down)\n\
             \x20   1 state change, last state change 00:41:12\n\
             \x20 Track interface Tunnel5 state Up\n\
             \x20 Track object 2 (unknown)\n",
        );
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].state.as_deref(), Some("Standby"));
        assert_eq!(g[0].state_changes, Some(27));
        assert_eq!(g[0].state_last_change.as_deref(), Some("3d07h"));
        assert_eq!(g[0].hello_time, Some(3));
        assert_eq!(g[0].hold_time, Some(10));
        assert_eq!(g[0].preemption.as_deref(), Some("enabled"));
        assert_eq!(g[0].active_router.as_deref(), Some("10.40.2.2"));
        assert_eq!(g[0].active_router_priority, Some(120));
        assert_eq!(g[0].active_router_mac.as_deref(), Some("0000.0c9f.f00c"));
        assert_eq!(g[0].standby_router.as_deref(), Some("local"));
        assert_eq!(g[0].priority, Some(90));
        assert_eq!(g[0].track_type.as_deref(), Some("object"));
        assert_eq!(g[0].track_item.as_deref(), Some("4"));
        assert_eq!(g[0].track_state.as_deref(), Some("Down"));
        assert_eq!(g[0].track_decrement_time, Some(20));
        assert_eq!(g[0].group_name.as_deref(), Some("hsrp-Vl210-12"));
        assert_eq!(g[1].interface, "Tunnel5");
        assert_eq!(g[1].version, None);
        assert_eq!(g[1].state.as_deref(), Some("Init"));
        assert_eq!(g[1].state_changes, Some(1));
        // The last `Track` line wins.
        assert_eq!(g[1].track_type.as_deref(), Some("object"));
        assert_eq!(g[1].track_item.as_deref(), Some("2"));
        assert_eq!(g[1].track_state, None);
    }
}
