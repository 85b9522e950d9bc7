//! The typed model of a FortiGate configuration (FortiOS CLI `config` / `edit` / `set`), its parser,
//! renderer, REST bodies and differ.
//!
//! Each table entry is a typed struct whose named fields map to FortiOS keys (`srcaddr`,
//! `remote-gw`...), plus `extra` (other `set` lines, kept verbatim) and `nested` (nested `config`
//! blocks, kept verbatim). Sections the model does not cover are kept in [`FortiConfig::other`].
//! Policies keep their order (first match wins); the differ emits `move` to restore it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::cisco::Ipv4Net;
use crate::tree::{ConfigTree, NodeId, NodeKind, Syntax};

mod redact;

/// One `edit` entry in generic form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Entry {
    name: String,
    sets: Vec<(String, String)>,
    nested: Vec<String>,
    /// Keys this block `unset`s (they return to their defaults on an entry edited again).
    unsets: Vec<String>,
    /// Values this block `append`s to keys it does not set itself (added to the entry's earlier
    /// value when it is edited again).
    appends: Vec<(String, String)>,
}

/// A typed entry read from its generic form and written back to it.
trait EntryModel: Clone {
    /// The entry typed.
    fn read(e: &Entry) -> Self;
    /// Its `set`s and nested blocks.
    fn back(&self) -> (Vec<(String, String)>, Vec<String>);
}

/// A table keyed by name.
fn by_name(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// A table keyed by number (an `edit` that is not one is refused by the device, and skipped).
fn by_number(s: &str) -> Option<u32> {
    s.parse().ok()
}

/// The nested blocks of a settings section that `read` does not type (it takes the others in):
/// each block is given to `read` as a tree and its first command node.
fn split_nested(
    nested: Vec<String>,
    mut read: impl FnMut(&ConfigTree<'_>, NodeId) -> bool,
) -> Vec<String> {
    let mut kept = Vec::new();
    for b in nested {
        let sub = ConfigTree::parse(&b, Syntax::FortiOs);
        let root = sub
            .roots()
            .iter()
            .copied()
            .find(|&r| sub.node(r).kind != NodeKind::Comment);
        if !root.is_some_and(|r| read(&sub, r)) {
            kept.push(b);
        }
    }
    kept
}

/// Reads the table block `r` into `m` as the device applies it; false when it is not a table.
fn read_table<K: Ord + Clone, T: EntryModel>(
    sub: &ConfigTree<'_>,
    r: NodeId,
    m: &mut BTreeMap<K, T>,
    key: fn(&str) -> Option<K>,
) -> bool {
    table_ops(sub, r)
        .map(|ops| fill(m, ops, key, T::read, T::back))
        .is_some()
}

/// Reads a `config redistribute "TYPE"` block (`head` is `config redistribute `, or
/// `config redistribute6 ` for IPv6; settings only) onto what an earlier block of the same type
/// set; false when `r` is not one.
fn read_redistribute(
    sub: &ConfigTree<'_>,
    r: NodeId,
    head: &str,
    m: &mut BTreeMap<String, Redistribute>,
) -> bool {
    let Some(kind) = sub.node(r).text.strip_prefix(head) else {
        return false;
    };
    let name = match tokens(kind.trim()).as_slice() {
        [one] if !one.is_empty() => one.clone(),
        _ => return false,
    };
    let kids = sub.children(r);
    let odd = kids.iter().any(|&k| {
        let n = sub.node(k);
        n.kind != NodeKind::Comment && !(n.text.starts_with("set ") || n.text.starts_with("unset "))
    });
    if odd {
        return false;
    }
    let mut e = Entry::default();
    entry_body(sub, kids, &mut e);
    let (sets, nested) = m.get(&name).map(|o| o.back()).unwrap_or_default();
    m.insert(name, Redistribute::read(&merged(sets, nested, e)));
    true
}

/// A table nested in a settings section (`config ntpserver`, `config neighbor`...) as a nested
/// block; none when it is empty.
fn sub_table<K: ToString, T: EntryModel>(
    head: &str,
    m: &BTreeMap<K, T>,
    quoted: bool,
) -> Option<String> {
    if m.is_empty() {
        return None;
    }
    let entries: Vec<Entry> = m
        .iter()
        .map(|(k, v)| {
            let (sets, nested) = v.back();
            Entry {
                name: k.to_string(),
                sets,
                nested,
                ..Entry::default()
            }
        })
        .collect();
    let text = render_sections(&[(head.to_string().into(), Some(entries), quoted)], &[]);
    Some(text.trim_end().to_string())
}

/// The `config redistribute "TYPE"` blocks of a routing section (`head` as in
/// [`read_redistribute`]), as nested blocks.
fn redistribute_blocks(head: &str, m: &BTreeMap<String, Redistribute>) -> Vec<String> {
    m.iter()
        .map(|(kind, r)| {
            let mut t = format!("{head}{}\n", quote(kind));
            for (k, v) in r.to_sets() {
                let _ = writeln!(t, "    set {k} {v}");
            }
            for n in &r.nested {
                indent_block(&mut t, n, "    ");
            }
            t.push_str("end");
            t
        })
        .collect()
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

/// Splits a FortiOS value into tokens as the CLI does: double quotes (with backslash escapes),
/// single quotes (literal), and backslash escapes outside quotes.
fn tokens(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q = false;
    let mut sq = false;
    let mut any = false;
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !sq => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                any = true;
            }
            '"' if !sq => {
                q = !q;
                any = true;
            }
            '\'' if !q => {
                sq = !sq;
                any = true;
            }
            ' ' if !q && !sq => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            _ => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Which quotes `v` leaves open at its end: (double, single), a backslash escaping the next
/// character outside single quotes, as the FortiOS CLI reads a value.
pub(crate) fn open_quotes(v: &str) -> (bool, bool) {
    let (mut q, mut sq) = (false, false);
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !sq => {
                chars.next();
            }
            '"' if !sq => q = !q,
            '\'' if !q => sq = !sq,
            _ => {}
        }
    }
    (q, sq)
}

/// A value whose quote is never closed (a line cut short: the tree reads it as one line) closed at
/// the end of its line, as it is read; written back as it was, its quote would take in the lines
/// that follow it in the rendering.
fn closed(v: &str) -> String {
    match open_quotes(v) {
        (true, _) if v.ends_with('\\') => format!("{v}\\\""),
        (true, _) => format!("{v}\""),
        (_, true) => format!("{v}'"),
        _ => v.to_string(),
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether a value has no quoting or escaping, so that its words are its tokens.
fn plain(v: &str) -> bool {
    !v.contains(['"', '\'', '\\'])
}

/// A single-string value the model can hold and write back as it was written (quoted the way the
/// renderer quotes, or a plain word); anything else stays verbatim in `extra`.
fn valid_str(v: &str) -> bool {
    let t = tokens(v);
    t.len() == 1 && (quote(&t[0]) == v || plain(v))
}

/// A list value the model can hold and write back as it was written.
fn valid_list(v: &str) -> bool {
    let t = tokens(v);
    !t.is_empty()
        && t.iter().all(|x| !x.is_empty())
        && (plain(v) || t.iter().map(|x| quote(x)).collect::<Vec<_>>().join(" ") == v)
}

/// A password as a FortiGate shows it: `ENC` and the encrypted form (one word of base64).
fn is_enc(v: &str) -> bool {
    v.strip_prefix("ENC ")
        .is_some_and(|x| !x.is_empty() && !x.contains([' ', '"', '\'', '\\']))
}

/// A password value as the model holds it: the `ENC ...` form whole, a single (quoted) word as the
/// CLI reads it, anything else as written (so that no password is ever left in `extra`).
fn password_value(v: &str) -> String {
    if is_enc(v) {
        return v.to_string();
    }
    match tokens(v).as_slice() {
        [one] => one.clone(),
        _ => v.to_string(),
    }
}

macro_rules! entity {
    ($(#[$m:meta])* $name:ident { $( $(#[$fm:meta])* $field:ident : $kind:ident = $key:literal ),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[$fm])* pub $field: entity!(@ty $kind), )*
            /// Other `set` lines of the entry: key → value as written.
            pub extra: BTreeMap<String, String>,
            /// Nested `config` blocks, verbatim.
            pub nested: Vec<String>,
        }
        /// Secrets kept as written (`extra`, `nested`) are shown redacted.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    .field("extra", &redact::Sets(&self.extra))
                    .field("nested", &redact::Blocks(&self.nested))
                    .finish()
            }
        }
        impl $crate::fortios::EntryModel for $name {
            fn read(e: &Entry) -> Self {
                Self::from_entry(e)
            }
            fn back(&self) -> (Vec<(String, String)>, Vec<String>) {
                (self.to_sets(), self.nested.clone())
            }
        }
        impl $name {
            pub(crate) fn from_entry(e: &Entry) -> Self {
                let mut x = $name::default();
                for (k, v) in &e.sets {
                    match k.as_str() {
                        $( $key if entity!(@valid $kind, v) => { x.$field = entity!(@parse $kind, v); } )*
                        _ => { x.extra.insert(k.clone(), v.clone()); }
                    }
                }
                x.nested = e.nested.clone();
                x
            }
            pub(crate) fn to_sets(&self) -> Vec<(String, String)> {
                let mut out = Vec::new();
                $( entity!(@render $kind, self.$field, $key, out); )*
                for (k, v) in &self.extra { out.push((k.clone(), v.clone())); }
                out
            }
        }
    };
    (@ty str) => { Option<String> };
    (@ty raw) => { Option<String> };
    (@ty verbatim) => { Option<String> };
    (@ty list) => { Vec<String> };
    (@ty secret) => { Option<hermes_core::Secret> };
    (@ty password) => { Option<hermes_core::Secret> };
    (@valid str, $v:expr) => { valid_str($v) };
    (@valid raw, $v:expr) => { !$v.contains('"') };
    (@valid verbatim, $v:expr) => { true };
    (@valid list, $v:expr) => { valid_list($v) };
    (@valid secret, $v:expr) => { valid_str($v) };
    (@valid password, $v:expr) => { true };
    (@parse str, $v:expr) => { tokens($v).into_iter().next() };
    (@parse raw, $v:expr) => { Some($v.to_string()) };
    (@parse verbatim, $v:expr) => { Some($v.to_string()) };
    (@parse list, $v:expr) => { tokens($v) };
    (@parse secret, $v:expr) => { tokens($v).into_iter().next().map(hermes_core::Secret::new) };
    (@parse password, $v:expr) => { Some(hermes_core::Secret::new(password_value($v))) };
    (@render str, $f:expr, $key:literal, $out:ident) => { if let Some(v) = &$f { $out.push(($key.to_string(), quote(v))); } };
    (@render raw, $f:expr, $key:literal, $out:ident) => { if let Some(v) = &$f { $out.push(($key.to_string(), v.clone())); } };
    (@render verbatim, $f:expr, $key:literal, $out:ident) => { if let Some(v) = &$f { $out.push(($key.to_string(), v.clone())); } };
    (@render secret, $f:expr, $key:literal, $out:ident) => { if let Some(v) = &$f { $out.push(($key.to_string(), quote(v.expose()))); } };
    (@render password, $f:expr, $key:literal, $out:ident) => { if let Some(v) = &$f { $out.push(($key.to_string(), if is_enc(v.expose()) { v.expose().to_string() } else { quote(v.expose()) })); } };
    (@render list, $f:expr, $key:literal, $out:ident) => { if !$f.is_empty() { $out.push(($key.to_string(), $f.iter().map(|s| quote(s)).collect::<Vec<_>>().join(" "))); } };
}

entity!(
    /// `config system interface` entry (physical port, VLAN sub-interface, aggregate, tunnel).
    FInterface {
        /// VDOM.
        vdom: str = "vdom",
        /// Address and mask (`10.0.0.1 255.255.255.0`).
        ip: raw = "ip",
        /// Allowed management access (`ping https ssh`).
        allowaccess: raw = "allowaccess",
        /// `physical`, `vlan`, `aggregate`, `tunnel`...
        kind: raw = "type",
        /// Parent interface of a VLAN sub-interface.
        interface: str = "interface",
        /// VLAN id of a VLAN sub-interface.
        vlanid: raw = "vlanid",
        /// Alias.
        alias: str = "alias",
        /// Description.
        description: str = "description",
        /// Role (`lan`, `wan`, `dmz`).
        role: raw = "role",
        /// `up` / `down`.
        status: raw = "status",
        /// Aggregate members.
        member: list = "member",
        /// Addressing mode: `static`, `dhcp`, `pppoe`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: raw = "mode",
        /// SNMP interface index the device gave the port (kept so a read-back compares equal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snmp_index: raw = "snmp-index",
        /// `enable` / `disable`: the `config secondaryip` table is used.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secondary_ip: raw = "secondary-IP",
        /// Speed and duplex (`auto`, `1000full`...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed: raw = "speed",
        /// `enable` / `disable`: `mtu` applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mtu_override: raw = "mtu-override",
        /// MTU (with `mtu-override enable`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mtu: raw = "mtu",
        /// Virtual routing table (0-31).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        vrf: raw = "vrf",
    }
);

entity!(
    /// `config firewall address` entry.
    Address {
        /// `ipmask` (default), `iprange`, `fqdn`...
        kind: raw = "type",
        /// `10.0.0.0 255.255.255.0`.
        subnet: raw = "subnet",
        /// Range start.
        start_ip: raw = "start-ip",
        /// Range end.
        end_ip: raw = "end-ip",
        /// FQDN.
        fqdn: str = "fqdn",
        /// Interface the address is bound to.
        associated_interface: str = "associated-interface",
        /// Comment.
        comment: str = "comment",
        /// UUID the device gave the object (`set uuid ...`; kept so a read-back compares equal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: raw = "uuid",
        /// Wildcard address and mask (`type wildcard`: `10.0.0.1 255.0.255.255`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wildcard: raw = "wildcard",
        /// Interface whose subnet the address is (`type interface-subnet`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        interface: str = "interface",
        /// Colour in the GUI (0-32).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: raw = "color",
        /// `enable` / `disable`: usable in static routes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allow_routing: raw = "allow-routing",
    }
);

entity!(
    /// `config firewall addrgrp` entry.
    AddrGrp {
        /// Member addresses.
        member: list = "member",
        /// Comment.
        comment: str = "comment",
        /// UUID the device gave the group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: raw = "uuid",
        /// `default` / `folder`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: raw = "type",
        /// `enable` / `disable`: leave out `exclude-member`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exclude: raw = "exclude",
        /// Addresses left out of the group when `exclude` is enabled.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exclude_member: list = "exclude-member",
        /// Colour in the GUI (0-32).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: raw = "color",
    }
);

entity!(
    /// `config firewall service custom` entry.
    Service {
        /// `TCP/UDP/SCTP`, `ICMP`, `IP`.
        protocol: raw = "protocol",
        /// TCP ports (`443`, `8000-8080`, `12:11`).
        tcp_portrange: raw = "tcp-portrange",
        /// UDP ports.
        udp_portrange: raw = "udp-portrange",
        /// Category.
        category: str = "category",
        /// Comment.
        comment: str = "comment",
        /// SCTP ports.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sctp_portrange: raw = "sctp-portrange",
        /// ICMP type (0-255; `protocol ICMP`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icmptype: raw = "icmptype",
        /// ICMP code (0-255).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        icmpcode: raw = "icmpcode",
        /// IP protocol number (0-254; `protocol IP`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol_number: raw = "protocol-number",
        /// `enable` / `disable`: shown in the GUI's service lists (FortiOS 5.x-6.0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visibility: raw = "visibility",
    }
);

entity!(
    /// `config firewall policy` entry (ordered).
    Policy {
        /// Name.
        name: str = "name",
        /// Source interfaces.
        srcintf: list = "srcintf",
        /// Destination interfaces.
        dstintf: list = "dstintf",
        /// Source addresses.
        srcaddr: list = "srcaddr",
        /// Destination addresses.
        dstaddr: list = "dstaddr",
        /// `accept` / `deny` / `ipsec`.
        action: raw = "action",
        /// Schedule.
        schedule: str = "schedule",
        /// Services.
        service: list = "service",
        /// `enable` / `disable`.
        nat: raw = "nat",
        /// Logging.
        logtraffic: raw = "logtraffic",
        /// `enable` / `disable`.
        status: raw = "status",
        /// Comments.
        comments: str = "comments",
        /// UUID the device gave the policy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: raw = "uuid",
        /// `enable` / `disable`: security profiles applied (`utm-status`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        utm_status: raw = "utm-status",
        /// `flow` / `proxy`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inspection_mode: raw = "inspection-mode",
        /// SSL/SSH inspection profile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ssl_ssh_profile: str = "ssl-ssh-profile",
        /// Antivirus profile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        av_profile: str = "av-profile",
        /// Web filter profile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        webfilter_profile: str = "webfilter-profile",
        /// DNS filter profile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dnsfilter_profile: str = "dnsfilter-profile",
        /// IPS sensor.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ips_sensor: str = "ips-sensor",
        /// Application control list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        application_list: str = "application-list",
        /// Protocol options profile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile_protocol_options: str = "profile-protocol-options",
        /// `enable` / `disable`: NAT to an IP pool (`poolname`) instead of the outgoing address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ippool: raw = "ippool",
        /// IP pools used for NAT.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        poolname: list = "poolname",
        /// User groups the policy applies to.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: list = "groups",
        /// Users the policy applies to.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        users: list = "users",
        /// `enable` / `disable`: log the session start too.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logtraffic_start: raw = "logtraffic-start",
        /// IPv6 source addresses (FortiOS 6.4+ policies carry both families).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        srcaddr6: list = "srcaddr6",
        /// IPv6 destination addresses.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dstaddr6: list = "dstaddr6",
        /// Traffic shaper of the forward direction.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        traffic_shaper: str = "traffic-shaper",
        /// Traffic shaper of the reply direction.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        traffic_shaper_reverse: str = "traffic-shaper-reverse",
        /// `enable` / `disable`: answer a denied TCP session with a reset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        send_deny_packet: raw = "send-deny-packet",
        /// `enable` / `disable`: match the VIPs' real addresses (deny policies).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        match_vip: raw = "match-vip",
    }
);

entity!(
    /// `config router static` entry.
    FStaticRoute {
        /// Destination (`10.0.0.0 255.0.0.0`).
        dst: raw = "dst",
        /// Gateway.
        gateway: raw = "gateway",
        /// Outgoing interface.
        device: str = "device",
        /// Distance.
        distance: raw = "distance",
        /// `enable` / `disable`.
        status: raw = "status",
        /// Comment.
        comment: str = "comment",
        /// `enable` / `disable`: drop what the route matches.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        blackhole: raw = "blackhole",
        /// Priority among routes of the same distance (lower wins).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: raw = "priority",
        /// Weight for ECMP load balancing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: raw = "weight",
        /// Destination as a named address (`allow-routing enable`) instead of `dst`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dstaddr: str = "dstaddr",
    }
);

entity!(
    /// `config firewall vip` entry.
    Vip {
        /// External IP.
        extip: raw = "extip",
        /// Mapped IPs.
        mappedip: list = "mappedip",
        /// External interface.
        extintf: str = "extintf",
        /// `enable` / `disable`.
        portforward: raw = "portforward",
        /// Protocol.
        protocol: raw = "protocol",
        /// External port.
        extport: raw = "extport",
        /// Mapped port.
        mappedport: raw = "mappedport",
        /// Comment.
        comment: str = "comment",
    }
);

entity!(
    /// `config vpn ipsec phase1-interface` entry.
    Phase1 {
        /// Local interface.
        interface: str = "interface",
        /// IKE version.
        ike_version: raw = "ike-version",
        /// Peer type.
        peertype: raw = "peertype",
        /// `enable` / `disable`.
        net_device: raw = "net-device",
        /// Proposals (`aes256-sha256`).
        proposal: raw = "proposal",
        /// DH groups.
        dhgrp: raw = "dhgrp",
        /// Remote gateway.
        remote_gw: raw = "remote-gw",
        /// Pre-shared key: `ENC ...` as read back from a device, or a new one in clear (a
        /// [`hermes_core::Secret`]: never in `Debug`, serde output or errors; not set again over
        /// the device's encrypted form).
        psksecret: password = "psksecret",
        /// Comments.
        comments: str = "comments",
        /// `static` (default), `dynamic` (dial-up), `ddns`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: raw = "type",
        /// `psk` (default) or `signature`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authmethod: raw = "authmethod",
        /// Local certificates (`authmethod signature`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        certificate: list = "certificate",
        /// Phase 1 key lifetime, in seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keylife: raw = "keylife",
        /// Dead peer detection: `disable`, `on-idle`, `on-demand`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dpd: raw = "dpd",
        /// Seconds between DPD probes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dpd_retryinterval: raw = "dpd-retryinterval",
        /// NAT traversal: `enable`, `disable`, `forced`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nattraversal: raw = "nattraversal",
        /// Local ID sent to the peer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        localid: str = "localid",
        /// Peer ID accepted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peerid: str = "peerid",
        /// `enable` / `disable`: routes to the remote selectors added.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        add_route: raw = "add-route",
    }
);

entity!(
    /// `config vpn ipsec phase2-interface` entry.
    Phase2 {
        /// Its phase 1.
        phase1name: str = "phase1name",
        /// Proposals.
        proposal: raw = "proposal",
        /// DH groups.
        dhgrp: raw = "dhgrp",
        /// `enable` / `disable`.
        auto_negotiate: raw = "auto-negotiate",
        /// Local selector.
        src_subnet: raw = "src-subnet",
        /// Remote selector.
        dst_subnet: raw = "dst-subnet",
        /// Phase 2 key lifetime, in seconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keylifeseconds: raw = "keylifeseconds",
        /// `enable` / `disable`: perfect forward secrecy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pfs: raw = "pfs",
        /// `enable` / `disable`: replay detection.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replay: raw = "replay",
        /// `enable` / `disable`: keep the SA up without traffic.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        keepalive: raw = "keepalive",
        /// Local selector kind: `subnet` (default), `range`, `ip`, `name` (a firewall address).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        src_addr_type: raw = "src-addr-type",
        /// Local selector as a firewall address or group (`src-addr-type name`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        src_name: str = "src-name",
        /// Remote selector kind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dst_addr_type: raw = "dst-addr-type",
        /// Remote selector as a firewall address or group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dst_name: str = "dst-name",
    }
);

entity!(
    /// `config system ha` (not a table).
    Ha {
        /// Cluster group name.
        group_name: str = "group-name",
        /// `standalone`, `a-p`, `a-a`.
        mode: raw = "mode",
        /// Heartbeat devices and priorities, as written (`"port3" 50 "port4" 50`: quoted names).
        hbdev: verbatim = "hbdev",
        /// Priority.
        priority: raw = "priority",
        /// `enable` / `disable`.
        override_: raw = "override",
        /// Session pickup.
        session_pickup: raw = "session-pickup",
        /// Monitored interfaces.
        monitor: list = "monitor",
        /// Cluster password (`ENC ...` as read back, or a new one in clear).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: password = "password",
    }
);

entity!(
    /// `config system global` (not a table): the settings an operator sets first. Its other keys
    /// (`gui-theme`, `admin-https-ssl-versions`...) stay in `extra`, as written.
    SysGlobal {
        /// Host name (letters, digits, `-` and `_`, at most 35 characters).
        hostname: str = "hostname",
        /// Time zone: a zone number (`04`) up to FortiOS 7.2, a quoted zone name (`"US/Pacific"`)
        /// from 7.4; as written.
        timezone: verbatim = "timezone",
        /// HTTPS administration port.
        admin_sport: raw = "admin-sport",
        /// SSH administration port.
        admin_ssh_port: raw = "admin-ssh-port",
        /// Idle timeout of an administrator session, in minutes (1-480).
        admintimeout: raw = "admintimeout",
    }
);

entity!(
    /// `config system dns` (not a table).
    SysDns {
        /// Primary DNS server (IPv4).
        primary: raw = "primary",
        /// Secondary DNS server (IPv4).
        secondary: raw = "secondary",
        /// Local domain names (one up to FortiOS 6.2, a list from 6.4).
        domain: list = "domain",
    }
);

entity!(
    /// `config system ntp` (not a table); its `config ntpserver` table is
    /// [`FortiConfig::ntp_servers`].
    Ntp {
        /// `enable` / `disable`: synchronise the clock.
        ntpsync: raw = "ntpsync",
        /// `fortiguard` (FortiGuard's servers, the default) or `custom` (the `ntpserver` table).
        kind: raw = "type",
        /// Minutes between synchronisations.
        syncinterval: raw = "syncinterval",
        /// `enable` / `disable`: serve NTP to the networks of `interface`.
        server_mode: raw = "server-mode",
    }
);

entity!(
    /// `config system ntp` / `config ntpserver` entry.
    NtpServer {
        /// Server address or name.
        server: str = "server",
        /// `enable` / `disable`: NTPv3 instead of NTPv4.
        ntpv3: raw = "ntpv3",
    }
);

entity!(
    /// `config log syslogd setting` (not a table).
    SyslogSetting {
        /// `enable` / `disable`.
        status: raw = "status",
        /// Server address or name.
        server: str = "server",
        /// Server port (default 514).
        port: raw = "port",
        /// `udp`, `legacy-reliable`, `reliable`.
        mode: raw = "mode",
        /// Facility (`local7`).
        facility: raw = "facility",
        /// Source address.
        source_ip: raw = "source-ip",
        /// `default`, `csv`, `cef`, `rfc5424`...
        format: raw = "format",
    }
);

entity!(
    /// `config system snmp sysinfo` (not a table).
    SnmpSysinfo {
        /// `enable` / `disable`: the SNMP agent.
        status: raw = "status",
        /// System description.
        description: str = "description",
        /// Contact.
        contact_info: str = "contact-info",
        /// Location.
        location: str = "location",
    }
);

entity!(
    /// `config system snmp community` entry (keyed by id). The community name is a credential:
    /// a [`hermes_core::Secret`], never shown in `Debug`, serde output or errors.
    SnmpCommunity {
        /// Community name (the v1/v2c password).
        name: secret = "name",
        /// `enable` / `disable`.
        status: raw = "status",
        /// `enable` / `disable`: v1 queries.
        query_v1_status: raw = "query-v1-status",
        /// `enable` / `disable`: v2c queries.
        query_v2c_status: raw = "query-v2c-status",
        /// `enable` / `disable`: v1 traps.
        trap_v1_status: raw = "trap-v1-status",
        /// `enable` / `disable`: v2c traps.
        trap_v2c_status: raw = "trap-v2c-status",
        /// Events that send traps.
        events: raw = "events",
    }
);

entity!(
    /// `config system zone` entry: interfaces grouped so that policies can name them together.
    Zone {
        /// Member interfaces (`set interface port2 port3`; the REST API's `interface-name` list).
        interface: list = "interface",
        /// `allow` / `deny` traffic between the zone's interfaces.
        intrazone: raw = "intrazone",
        /// Description.
        description: str = "description",
    }
);

entity!(
    /// `config firewall service group` entry.
    ServiceGroup {
        /// Member services (custom services or other groups).
        member: list = "member",
        /// Comment.
        comment: str = "comment",
    }
);

entity!(
    /// `config system admin` entry: an administrator account. The password is a
    /// [`hermes_core::Secret`] (never in `Debug`, serde output or errors); a FortiGate shows it as
    /// `ENC ...`, which is written back as it is, any other value is written quoted (a new
    /// password in clear, which the device encrypts).
    Admin {
        /// Access profile (`super_admin`, `prof_admin` or a `config system accprofile` entry).
        accprofile: str = "accprofile",
        /// VDOMs the administrator manages (`root`; several on a multi-VDOM FortiGate).
        vdom: list = "vdom",
        /// Trusted host 1 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost1: raw = "trusthost1",
        /// Trusted host 2 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost2: raw = "trusthost2",
        /// Trusted host 3 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost3: raw = "trusthost3",
        /// Trusted host 4 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost4: raw = "trusthost4",
        /// Trusted host 5 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost5: raw = "trusthost5",
        /// Trusted host 6 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost6: raw = "trusthost6",
        /// Trusted host 7 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost7: raw = "trusthost7",
        /// Trusted host 8 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost8: raw = "trusthost8",
        /// Trusted host 9 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost9: raw = "trusthost9",
        /// Trusted host 10 (`A.B.C.D M.M.M.M`): the admin may log in from there only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trusthost10: raw = "trusthost10",
        /// Password (`ENC ...` as read back, or a new one in clear).
        password: password = "password",
        /// Comments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comments: str = "comments",
    }
);

entity!(
    /// `config system accprofile` entry: what an administrator with this profile may read or
    /// write. Its permission keys (`sysgrp`, `fwgrp`, `netgrp`... each `none`, `read`,
    /// `read-write` or `custom`) stay in `extra`, key by key, as written; nested `*-permission`
    /// blocks in `nested`.
    AccProfile {
        /// `vdom` / `global`: what the profile reaches on a multi-VDOM FortiGate.
        scope: raw = "scope",
        /// Comments.
        comments: str = "comments",
    }
);

entity!(
    /// A rule of a `config router access-list` entry (`config rule` / `edit N`).
    AclRule {
        /// `permit` (the default) / `deny`.
        action: raw = "action",
        /// `any`, `A.B.C.D/L` or `A.B.C.D M.M.M.M`.
        prefix: raw = "prefix",
        /// Address and wildcard mask (`1.2.3.4 0.255.255.255`), instead of `prefix`.
        wildcard: raw = "wildcard",
        /// `enable` / `disable`: match the prefix length exactly.
        exact_match: raw = "exact-match",
    }
);

entity!(
    /// A rule of a `config router route-map` entry (`config rule` / `edit N`).
    RouteMapRule {
        /// `permit` (the default) / `deny`.
        action: raw = "action",
        /// Access list (or prefix list) the route must match.
        match_ip_address: str = "match-ip-address",
        /// Access list the next hop must match.
        match_ip_nexthop: str = "match-ip-nexthop",
        /// IPv6 access list (or IPv6 prefix list) the route must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        match_ip6_address: str = "match-ip6-address",
        /// Outgoing interface the route must use.
        match_interface: str = "match-interface",
        /// AS-path list the route must match.
        match_as_path: str = "match-as-path",
        /// Community list the route must match.
        match_community: str = "match-community",
        /// Metric the route must have.
        match_metric: raw = "match-metric",
        /// Tag the route must have.
        match_tag: raw = "match-tag",
        /// BGP local preference to set.
        set_local_preference: raw = "set-local-preference",
        /// Metric to set.
        set_metric: raw = "set-metric",
        /// BGP weight to set.
        set_weight: raw = "set-weight",
        /// Tag to set.
        set_tag: raw = "set-tag",
        /// Next hop to set.
        set_ip_nexthop: raw = "set-ip-nexthop",
        /// BGP origin to set (`igp`, `egp`, `incomplete`).
        set_origin: raw = "set-origin",
        /// BGP communities to set (`"65000:100" "no-export"`).
        set_community: list = "set-community",
        /// AS numbers to prepend.
        set_aspath: list = "set-aspath",
    }
);

entity!(
    /// `config router bgp` (not a table): the process settings. Its `config neighbor` and
    /// `config network` tables are [`FortiConfig::bgp_neighbors`] and
    /// [`FortiConfig::bgp_networks`]; other nested blocks (`config redistribute "connected"`,
    /// `config neighbor-group`...) stay in `nested`, as written.
    RouterBgp {
        /// Local AS number (`0` clears it).
        as_: raw = "as",
        /// Router ID.
        router_id: raw = "router-id",
        /// `enable` / `disable`: eBGP multipath.
        ebgp_multipath: raw = "ebgp-multipath",
        /// `enable` / `disable`: iBGP multipath.
        ibgp_multipath: raw = "ibgp-multipath",
        /// Keepalive timer (seconds).
        keepalive_timer: raw = "keepalive-timer",
        /// Hold timer (seconds).
        holdtime_timer: raw = "holdtime-timer",
    }
);

entity!(
    /// `config router bgp` / `config neighbor` entry, keyed by the neighbor's address. Its
    /// password is a [`hermes_core::Secret`] as an administrator's is.
    BgpNeighbor {
        /// Remote AS number.
        remote_as: raw = "remote-as",
        /// Source interface of the session.
        update_source: str = "update-source",
        /// Route map applied to routes received.
        route_map_in: str = "route-map-in",
        /// Route map applied to routes sent.
        route_map_out: str = "route-map-out",
        /// Description.
        description: str = "description",
        /// `enable` / `disable`: eBGP multihop.
        ebgp_enforce_multihop: raw = "ebgp-enforce-multihop",
        /// `enable` / `disable`: soft reconfiguration inbound.
        soft_reconfiguration: raw = "soft-reconfiguration",
        /// `enable` / `disable`: next-hop-self.
        next_hop_self: raw = "next-hop-self",
        /// `enable` / `disable`: administratively shut.
        shutdown: raw = "shutdown",
        /// Session password (MD5).
        password: password = "password",
    }
);

entity!(
    /// `config router bgp` / `config network` entry, keyed by id.
    BgpNetwork {
        /// Prefix announced (`10.0.0.0/24` or `10.0.0.0 255.255.255.0`).
        prefix: raw = "prefix",
        /// Route map applied to it.
        route_map: str = "route-map",
    }
);

entity!(
    /// A rule of a `config router prefix-list` entry (`config rule` / `edit N`).
    PrefixRule {
        /// `permit` (the default) / `deny`.
        action: raw = "action",
        /// `any`, `A.B.C.D M.M.M.M` or `A.B.C.D/L`.
        prefix: raw = "prefix",
        /// Shortest prefix length matched (0-32); unset: the prefix's own length.
        ge: raw = "ge",
        /// Longest prefix length matched (0-32); unset: the prefix's own length, or 32 with `ge`.
        le: raw = "le",
    }
);

entity!(
    /// A rule of a `config router prefix-list6` entry (`config rule` / `edit N`).
    Prefix6Rule {
        /// `permit` (the default) / `deny`.
        action: raw = "action",
        /// `any` or an IPv6 prefix (`2001:db8::/32`; the device shows it quoted or not).
        prefix6: str = "prefix6",
        /// Shortest prefix length matched (0-128).
        ge: raw = "ge",
        /// Longest prefix length matched (0-128).
        le: raw = "le",
    }
);

entity!(
    /// `config system replacemsg GROUP "TYPE"`: one replacement message (the page, mail or text the
    /// FortiGate shows instead of blocked content, the administrator disclaimers...). The block
    /// head names it: it is [`FortiConfig::replacemsgs`]`[GROUP][TYPE]`. The `buffer` is the text
    /// as the CLI reads it (its quotes and backslash escapes resolved; line breaks kept): written
    /// back quoted, it reads back the same. A buffer the model cannot write back as it was written
    /// (single quotes, text outside the quotes) stays in `extra`, as written.
    ReplaceMsg {
        /// The message text (HTML or plain text, often several lines).
        buffer: str = "buffer",
        /// `none`, `http` or `8bit`: the header the message is sent with.
        header: raw = "header",
        /// `none`, `text`, `html` or `wml`.
        format: raw = "format",
    }
);

/// A named list of rules evaluated in order (first match wins): a `config router access-list`
/// entry ([`RouterAccessList`]), a `config router route-map` entry ([`RouteMap`]) or a `config
/// router prefix-list` / `prefix-list6` entry ([`PrefixList`], [`PrefixList6`]). Its
/// `config rule` table is typed in `rules`, in the order the device holds it (`delete`, `move`
/// and `clone` applied); a rule table the model cannot read (a rule id that is not a number, a
/// command naming a rule that does not exist) stays in `nested` as written.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RuleList<R> {
    /// Comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    /// The rules in evaluation order: (id, rule).
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<(u32, R)>,
    /// Other `set` lines of the entry: key → value as written.
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
    /// Nested `config` blocks other than the typed rule table, verbatim.
    #[serde(default)]
    pub nested: Vec<String>,
}

/// Secrets kept as written (`extra`, `nested`) are shown redacted.
impl<R: std::fmt::Debug> std::fmt::Debug for RuleList<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleList")
            .field("comments", &self.comments)
            .field("rules", &self.rules)
            .field("extra", &redact::Sets(&self.extra))
            .field("nested", &redact::Blocks(&self.nested))
            .finish()
    }
}

/// `config router access-list` entry.
pub type RouterAccessList = RuleList<AclRule>;
/// `config router route-map` entry.
pub type RouteMap = RuleList<RouteMapRule>;
/// `config router prefix-list` entry.
pub type PrefixList = RuleList<PrefixRule>;
/// `config router prefix-list6` entry.
pub type PrefixList6 = RuleList<Prefix6Rule>;

/// The parser, renderer and REST table of a [`RuleList`] of one rule type.
macro_rules! rule_list {
    ($R:ty) => {
        impl RuleList<$R> {
            fn from_entry(e: &Entry) -> Self {
                let mut x = RuleList {
                    comments: None,
                    rules: Vec::new(),
                    extra: BTreeMap::new(),
                    nested: Vec::new(),
                };
                for (k, v) in &e.sets {
                    if k == "comments" && valid_str(v) {
                        x.comments = tokens(v).into_iter().next();
                    } else {
                        x.extra.insert(k.clone(), v.clone());
                    }
                }
                for b in &e.nested {
                    let sub = ConfigTree::parse(b, Syntax::FortiOs);
                    let root = sub
                        .roots()
                        .iter()
                        .copied()
                        .find(|&r| sub.node(r).kind != NodeKind::Comment);
                    let typed = root.is_some_and(|r| {
                        sub.node(r).text == "config rule"
                            && table_ops(&sub, r)
                                .map(|ops| {
                                    fill_ordered(&mut x.rules, ops, <$R>::from_entry, |r: &$R| {
                                        (r.to_sets(), r.nested.clone())
                                    })
                                })
                                .is_some()
                    });
                    if !typed {
                        x.nested.push(b.clone());
                    }
                }
                x
            }

            fn to_sets(&self) -> Vec<(String, String)> {
                let mut out = Vec::new();
                if let Some(c) = &self.comments {
                    out.push(("comments".to_string(), quote(c)));
                }
                out.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                out
            }

            /// The nested blocks as written: the rule table first, then the others.
            fn nested_blocks(&self) -> Vec<String> {
                let mut out = Vec::new();
                if !self.rules.is_empty() {
                    let entries: Vec<Entry> = self
                        .rules
                        .iter()
                        .map(|(id, r)| {
                            let (sets, nested) = (r.to_sets(), r.nested.clone());
                            Entry {
                                name: id.to_string(),
                                sets,
                                nested,
                                ..Entry::default()
                            }
                        })
                        .collect();
                    let text =
                        render_sections(&[("config rule".into(), Some(entries), false)], &[]);
                    out.push(text.trim_end().to_string());
                }
                out.extend(self.nested.iter().cloned());
                out
            }

            /// The REST `rule` table: one object per rule, in order.
            fn rest_rules(&self) -> serde_json::Value {
                serde_json::Value::Array(
                    self.rules
                        .iter()
                        .map(|(id, r)| {
                            serde_json::Value::Object(rest_body(
                                "id",
                                &id.to_string(),
                                &r.to_sets(),
                            ))
                        })
                        .collect(),
                )
            }
        }
    };
}

rule_list!(AclRule);
rule_list!(RouteMapRule);
rule_list!(PrefixRule);
rule_list!(Prefix6Rule);

mod addresses6;
mod dhcp;
mod logging;
mod nat;
mod ospf;
mod schedules;
mod sslvpn;
mod users;

pub use addresses6::{AddrGrp6, Address6};
pub use dhcp::DhcpServer;
pub use logging::{
    LogDiskSetting, LogFortianalyzerSetting, LogMemorySetting, LogSetting, SysSettings,
};
pub use nat::IpPool;
pub use ospf::{OspfArea, OspfInterface, OspfNetwork, Redistribute, RouterOspf};
pub use schedules::{ScheduleOnetime, ScheduleRecurring};
pub use sslvpn::SslVpnSettings;
pub use users::{UserGroup, UserLdap, UserLocal, UserRadius};

/// The tables whose secrets [`FortiConfig::rotate_secret`] can mark to be set again.
pub const ROTATABLE_TABLES: &[&str] = &[
    "vpn ipsec phase1-interface",
    "system admin",
    "user local",
    "user radius",
    "user ldap",
    "router bgp neighbor",
    "router ospf ospf-interface",
    "system ha",
];

/// How `rotate_secrets` names the HA cluster password.
const ROTATE_HA: &str = "system ha";

/// A FortiGate configuration, typed where modelled.
///
/// ```
/// use hermes_netdev::fortios::FortiConfig;
/// let cfg = FortiConfig::parse("config firewall address\n    edit \"web\"\n        set subnet 10.0.30.0 255.255.255.0\n    next\nend\n");
/// assert_eq!(cfg.addresses["web"].subnet.as_deref(), Some("10.0.30.0 255.255.255.0"));
/// assert!(cfg.render().contains("edit \"web\""));
/// ```
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FortiConfig {
    /// HA settings.
    pub ha: Option<Ha>,
    /// Interfaces by name.
    pub interfaces: BTreeMap<String, FInterface>,
    /// Addresses by name.
    pub addresses: BTreeMap<String, Address>,
    /// Custom services by name.
    pub services: BTreeMap<String, Service>,
    /// Address groups by name.
    pub addrgrps: BTreeMap<String, AddrGrp>,
    /// IPsec phase 1 interfaces by name.
    pub phase1: BTreeMap<String, Phase1>,
    /// IPsec phase 2 interfaces by name.
    pub phase2: BTreeMap<String, Phase2>,
    /// VIPs by name.
    pub vips: BTreeMap<String, Vip>,
    /// Static routes by sequence number.
    pub static_routes: BTreeMap<u32, FStaticRoute>,
    /// Policies in evaluation order (id, policy).
    pub policies: Vec<(u32, Policy)>,
    /// `config system global`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<SysGlobal>,
    /// `config system dns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<SysDns>,
    /// `config system ntp` (its servers are [`FortiConfig::ntp_servers`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ntp: Option<Ntp>,
    /// The `config ntpserver` table of `config system ntp`, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ntp_servers: BTreeMap<u32, NtpServer>,
    /// `config log syslogd setting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syslog: Option<SyslogSetting>,
    /// `config system snmp sysinfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snmp_sysinfo: Option<SnmpSysinfo>,
    /// `config system snmp community` entries by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub snmp_communities: BTreeMap<u32, SnmpCommunity>,
    /// Service groups by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_groups: BTreeMap<String, ServiceGroup>,
    /// `config system zone` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub zones: BTreeMap<String, Zone>,
    /// `config system accprofile` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub accprofiles: BTreeMap<String, AccProfile>,
    /// `config system admin` entries by name. Administrators the desired model does not name are
    /// never changed or deleted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub admins: BTreeMap<String, Admin>,
    /// `config router access-list` entries by name. Lists the desired model does not name are
    /// never changed or deleted; a named list's rules are made equal to the ones it states.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub router_access_lists: BTreeMap<String, RouterAccessList>,
    /// `config router route-map` entries by name (same rules as the access lists).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub route_maps: BTreeMap<String, RouteMap>,
    /// `config router prefix-list` entries by name (same rules as the access lists).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefix_lists: BTreeMap<String, PrefixList>,
    /// `config router prefix-list6` entries by name (same rules as the access lists).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefix_lists6: BTreeMap<String, PrefixList6>,
    /// `config system replacemsg GROUP "TYPE"` blocks: group (`mail`, `http`, `admin`...) →
    /// message type (`email-block`, `pre_admin-disclaimer-text`...) → message. Messages the
    /// desired model does not name are left as the device has them; in a named one only the keys
    /// it sets are compared.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub replacemsgs: BTreeMap<String, BTreeMap<String, ReplaceMsg>>,
    /// `config router bgp` (its neighbor and network tables are the two fields below).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bgp: Option<RouterBgp>,
    /// The `config neighbor` table of `config router bgp`, by address.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bgp_neighbors: BTreeMap<String, BgpNeighbor>,
    /// The `config network` table of `config router bgp`, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bgp_networks: BTreeMap<u32, BgpNetwork>,
    /// The `config redistribute "TYPE"` blocks of `config router bgp`, by type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bgp_redistribute: BTreeMap<String, Redistribute>,
    /// The `config redistribute6 "TYPE"` blocks of `config router bgp` (IPv6), by type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bgp_redistribute6: BTreeMap<String, Redistribute>,
    /// `config router ospf` (its tables are the four fields below).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ospf: Option<RouterOspf>,
    /// The `config area` table of `config router ospf`, by area ID.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ospf_areas: BTreeMap<String, OspfArea>,
    /// The `config network` table of `config router ospf`, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ospf_networks: BTreeMap<u32, OspfNetwork>,
    /// The `config ospf-interface` table of `config router ospf`, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ospf_interfaces: BTreeMap<String, OspfInterface>,
    /// The `config redistribute "TYPE"` blocks of `config router ospf`, by type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ospf_redistribute: BTreeMap<String, Redistribute>,
    /// `config user local` entries by name. Users the desired model does not name are never
    /// changed or deleted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub users_local: BTreeMap<String, UserLocal>,
    /// `config user group` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_groups: BTreeMap<String, UserGroup>,
    /// `config user radius` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_radius: BTreeMap<String, UserRadius>,
    /// `config user ldap` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user_ldap: BTreeMap<String, UserLdap>,
    /// `config firewall schedule recurring` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub schedules_recurring: BTreeMap<String, ScheduleRecurring>,
    /// `config firewall schedule onetime` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub schedules_onetime: BTreeMap<String, ScheduleOnetime>,
    /// `config log setting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_setting: Option<LogSetting>,
    /// `config log disk setting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_disk: Option<LogDiskSetting>,
    /// `config log memory setting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_memory: Option<LogMemorySetting>,
    /// `config log fortianalyzer setting` (global on a multi-VDOM device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_fortianalyzer: Option<LogFortianalyzerSetting>,
    /// `config system settings` (per VDOM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SysSettings>,
    /// `config firewall address6` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub addresses6: BTreeMap<String, Address6>,
    /// `config firewall addrgrp6` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub addrgrps6: BTreeMap<String, AddrGrp6>,
    /// `config firewall ippool` entries by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ippools: BTreeMap<String, IpPool>,
    /// `config vpn ssl settings`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sslvpn: Option<SslVpnSettings>,
    /// `config system dhcp server` entries by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dhcp_servers: BTreeMap<u32, DhcpServer>,
    /// Top-level `config` blocks the model does not cover, verbatim.
    pub other: Vec<String>,
    /// Secrets to set again although the device already holds one (key rotation), as
    /// `TABLE/ENTRY` (`vpn ipsec phase1-interface/to-branch`; `system ha` alone): see
    /// [`FortiConfig::rotate_secret`]. Not device configuration: never parsed or rendered.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub rotate_secrets: BTreeSet<String>,
    /// The VDOMs of a multi-VDOM configuration (`config vdom` / `edit NAME` ... `end`), in the order
    /// the configuration lists them, each modelled as a single-VDOM configuration is. The other
    /// fields then hold the `config global` part (interfaces, HA, `system global` in `other`...).
    /// Empty for a single-VDOM configuration: a configuration is multi-VDOM exactly when this is
    /// not empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vdoms: Vec<Vdom>,
}

/// Secrets kept as written (`other`, and each entry's `extra` and `nested`) are shown redacted.
impl std::fmt::Debug for FortiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Every field named, so that a new one cannot be left out.
        let FortiConfig {
            ha,
            interfaces,
            addresses,
            services,
            addrgrps,
            phase1,
            phase2,
            vips,
            static_routes,
            policies,
            global,
            dns,
            ntp,
            ntp_servers,
            syslog,
            snmp_sysinfo,
            snmp_communities,
            service_groups,
            zones,
            accprofiles,
            admins,
            router_access_lists,
            route_maps,
            prefix_lists,
            prefix_lists6,
            replacemsgs,
            bgp,
            bgp_neighbors,
            bgp_networks,
            bgp_redistribute,
            bgp_redistribute6,
            ospf,
            ospf_areas,
            ospf_networks,
            ospf_interfaces,
            ospf_redistribute,
            users_local,
            user_groups,
            user_radius,
            user_ldap,
            schedules_recurring,
            schedules_onetime,
            log_setting,
            log_disk,
            log_memory,
            log_fortianalyzer,
            settings,
            addresses6,
            addrgrps6,
            ippools,
            sslvpn,
            dhcp_servers,
            other,
            rotate_secrets,
            vdoms,
        } = self;
        f.debug_struct("FortiConfig")
            .field("ha", ha)
            .field("interfaces", interfaces)
            .field("addresses", addresses)
            .field("services", services)
            .field("addrgrps", addrgrps)
            .field("phase1", phase1)
            .field("phase2", phase2)
            .field("vips", vips)
            .field("static_routes", static_routes)
            .field("policies", policies)
            .field("global", global)
            .field("dns", dns)
            .field("ntp", ntp)
            .field("ntp_servers", ntp_servers)
            .field("syslog", syslog)
            .field("snmp_sysinfo", snmp_sysinfo)
            .field("snmp_communities", snmp_communities)
            .field("service_groups", service_groups)
            .field("zones", zones)
            .field("accprofiles", accprofiles)
            .field("admins", admins)
            .field("router_access_lists", router_access_lists)
            .field("route_maps", route_maps)
            .field("prefix_lists", prefix_lists)
            .field("prefix_lists6", prefix_lists6)
            .field("replacemsgs", replacemsgs)
            .field("bgp", bgp)
            .field("bgp_neighbors", bgp_neighbors)
            .field("bgp_networks", bgp_networks)
            .field("bgp_redistribute", bgp_redistribute)
            .field("bgp_redistribute6", bgp_redistribute6)
            .field("ospf", ospf)
            .field("ospf_areas", ospf_areas)
            .field("ospf_networks", ospf_networks)
            .field("ospf_interfaces", ospf_interfaces)
            .field("ospf_redistribute", ospf_redistribute)
            .field("users_local", users_local)
            .field("user_groups", user_groups)
            .field("user_radius", user_radius)
            .field("user_ldap", user_ldap)
            .field("schedules_recurring", schedules_recurring)
            .field("schedules_onetime", schedules_onetime)
            .field("log_setting", log_setting)
            .field("log_disk", log_disk)
            .field("log_memory", log_memory)
            .field("log_fortianalyzer", log_fortianalyzer)
            .field("settings", settings)
            .field("addresses6", addresses6)
            .field("addrgrps6", addrgrps6)
            .field("ippools", ippools)
            .field("sslvpn", sslvpn)
            .field("dhcp_servers", dhcp_servers)
            .field("other", &redact::Blocks(other))
            .field("rotate_secrets", rotate_secrets)
            .field("vdoms", vdoms)
            .finish()
    }
}

/// One VDOM of a multi-VDOM FortiGate: its name and what it holds (firewall objects, policies,
/// routes, VPN...), modelled as a single-VDOM configuration. Its own `vdoms` stay empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Vdom {
    /// The VDOM name (`root`, `dmz`).
    pub name: String,
    /// What the VDOM holds.
    pub config: FortiConfig,
}

/// Factory-default objects the differ never deletes.
const BUILTIN: &[&str] = &[
    "all",
    "none",
    "ALL",
    "FABRIC_DEVICE",
    "SSLVPN_TUNNEL_ADDR1",
    "SSLVPN_TUNNEL_IPv6_ADDR1",
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.windows.net",
    "gmail.com",
    "wildcard.google.com",
    "wildcard.dropbox.com",
    // Schedules and user groups every FortiGate has.
    "always",
    "default-darrp-optimize",
    "SSO_Guest_Users",
    "Guest-group",
];

const S_HA: &str = "config system ha";
const S_IF: &str = "config system interface";
const S_ADDR: &str = "config firewall address";
const S_SVC: &str = "config firewall service custom";
const S_GRP: &str = "config firewall addrgrp";
const S_P1: &str = "config vpn ipsec phase1-interface";
const S_P2: &str = "config vpn ipsec phase2-interface";
const S_VIP: &str = "config firewall vip";
const S_RT: &str = "config router static";
const S_POL: &str = "config firewall policy";
const S_GLOBAL: &str = "config system global";
const S_DNS: &str = "config system dns";
const S_NTP: &str = "config system ntp";
const S_SYSLOG: &str = "config log syslogd setting";
const S_SNMP_SYS: &str = "config system snmp sysinfo";
const S_SNMP_COMM: &str = "config system snmp community";
const S_SVCGRP: &str = "config firewall service group";
const S_ZONE: &str = "config system zone";
const S_ACCPROF: &str = "config system accprofile";
const S_ADMIN: &str = "config system admin";
const S_RACL: &str = "config router access-list";
const S_RMAP: &str = "config router route-map";
const S_BGP: &str = "config router bgp";
const S_PFX: &str = "config router prefix-list";
const S_PFX6: &str = "config router prefix-list6";
const S_OSPF: &str = "config router ospf";
const S_USER_LOCAL: &str = "config user local";
const S_USER_GROUP: &str = "config user group";
const S_USER_RADIUS: &str = "config user radius";
const S_USER_LDAP: &str = "config user ldap";
const S_SCHED_REC: &str = "config firewall schedule recurring";
const S_SCHED_ONE: &str = "config firewall schedule onetime";
const S_LOG: &str = "config log setting";
const S_LOG_DISK: &str = "config log disk setting";
const S_LOG_MEM: &str = "config log memory setting";
const S_LOG_FAZ: &str = "config log fortianalyzer setting";
const S_SETTINGS: &str = "config system settings";
const S_ADDR6: &str = "config firewall address6";
const S_GRP6: &str = "config firewall addrgrp6";
const S_IPPOOL: &str = "config firewall ippool";
const S_SSLVPN: &str = "config vpn ssl settings";
const S_DHCP: &str = "config system dhcp server";
/// The head of a replacement message block, before its group and type.
const S_REPLACEMSG: &str = "config system replacemsg ";
/// The head of a routing section's redistribution block, before its route type.
const REDIST: &str = "config redistribute ";
/// The same for IPv6 routes (`router bgp`).
const REDIST6: &str = "config redistribute6 ";

/// Sections that are one block of settings, not a table.
const SINGLE: &[&str] = &[
    S_HA, S_GLOBAL, S_DNS, S_NTP, S_SYSLOG, S_SNMP_SYS, S_BGP, S_OSPF, S_LOG, S_LOG_DISK,
    S_LOG_MEM, S_LOG_FAZ, S_SETTINGS, S_SSLVPN,
];

/// Whether a section is one block of settings, not a table (a replacement message is one).
fn is_single(s: &str) -> bool {
    SINGLE.contains(&s) || s.starts_with(S_REPLACEMSG)
}

/// A rendered section: its head, its entries (one for a settings block), whether entry names are
/// quoted.
type Section = (Cow<'static, str>, Option<Vec<Entry>>, bool);

/// The head of the block of a replacement message, as a FortiGate writes it.
fn replacemsg_head(group: &str, msg_type: &str) -> String {
    format!("{S_REPLACEMSG}{group} {}", quote(msg_type))
}

/// Sections that exist once per device: in a multi-VDOM configuration they live in
/// `config global`.
const GLOBAL_ONLY: &[&str] = &[
    S_HA,
    S_GLOBAL,
    S_DNS,
    S_NTP,
    S_SYSLOG,
    S_SNMP_SYS,
    S_SNMP_COMM,
    S_ACCPROF,
    S_ADMIN,
    S_LOG_FAZ,
];

fn block_text(tree: &ConfigTree<'_>, id: NodeId) -> String {
    let mut out = String::new();
    fn walk(tree: &ConfigTree<'_>, id: NodeId, depth: usize, out: &mut String) {
        let n = tree.node(id);
        if n.kind == NodeKind::Comment {
            return;
        }
        let _ = writeln!(out, "{:d$}{}", "", n.text, d = depth * 4);
        for &c in tree.children(id) {
            walk(tree, c, depth + 1, out);
        }
        if n.text.starts_with("config ") {
            let _ = writeln!(out, "{:d$}end", "", d = depth * 4);
        } else if n.text.starts_with("edit ") {
            let _ = writeln!(out, "{:d$}next", "", d = depth * 4);
        }
    }
    walk(tree, id, 0, &mut out);
    out.trim_end().to_string()
}

fn entry_body(tree: &ConfigTree<'_>, ids: &[NodeId], e: &mut Entry) {
    for &c in ids {
        let n = tree.node(c);
        if n.kind == NodeKind::Comment {
            continue;
        }
        // `select` sets a list to exactly the values given, as `set` does.
        let set = n
            .text
            .strip_prefix("set ")
            .or_else(|| n.text.strip_prefix("select "));
        if let Some(rest) = set {
            let (k, v) = rest.split_once(' ').unwrap_or((rest, ""));
            let v = closed(v.trim());
            let v = v.as_str();
            e.sets.retain(|(x, _)| x != k);
            e.unsets.retain(|x| x != k);
            e.sets.push((k.to_string(), v.to_string()));
        } else if let Some(rest) = n.text.strip_prefix("append ") {
            // `append` adds to a list value instead of replacing it; with nothing to add (which the
            // device refuses) it changes nothing.
            let (k, v) = rest.split_once(' ').unwrap_or((rest, ""));
            let v = closed(v.trim());
            let v = v.as_str();
            if v.is_empty() {
                continue;
            }
            match e.sets.iter_mut().find(|(x, _)| x == k) {
                Some((_, old)) => {
                    // Onto a key set to nothing (`set member` alone): the value is just `v`.
                    if !old.is_empty() {
                        old.push(' ');
                    }
                    old.push_str(v);
                }
                None => e.appends.push((k.to_string(), v.to_string())),
            }
        } else if let Some(k) = n.text.strip_prefix("unset ") {
            // `unset` returns the key to its default: it is no longer set.
            let k = k.trim();
            e.sets.retain(|(x, _)| x != k);
            e.unsets.push(k.to_string());
        } else {
            e.nested.push(block_text(tree, c));
        }
    }
}

fn entries(tree: &ConfigTree<'_>, id: NodeId) -> Vec<Entry> {
    let mut out = Vec::new();
    for &c in tree.children(id) {
        if let Some(name) = tree.node(c).text.strip_prefix("edit ") {
            out.push(edit_entry(tree, c, name));
        }
    }
    out
}

/// The entry of an `edit` node.
fn edit_entry(tree: &ConfigTree<'_>, c: NodeId, name: &str) -> Entry {
    // The name as the CLI reads it (quotes and escapes resolved); written back quoted.
    let name = match tokens(name.trim()).as_slice() {
        [one] => one.clone(),
        _ => unquote(name.trim()).to_string(),
    };
    let mut e = Entry {
        name,
        ..Entry::default()
    };
    entry_body(tree, tree.children(c), &mut e);
    e
}

/// One command of a table block: an entry, or a table command of a script.
#[derive(Debug, Clone)]
enum Op {
    Edit(Entry),
    /// `delete NAME`.
    Delete(String),
    /// `move NAME before|after OTHER`.
    Move {
        name: String,
        after: bool,
        other: String,
    },
    /// `clone NAME to NEW`.
    Clone {
        from: String,
        to: String,
    },
}

/// The commands of a table block in order, or `None` when it holds anything else (`set` lines of a
/// non-table section, `rename`, which also renames every reference, nested blocks).
fn table_ops(tree: &ConfigTree<'_>, id: NodeId) -> Option<Vec<Op>> {
    let mut out = Vec::new();
    for &c in tree.children(id) {
        let n = tree.node(c);
        if n.kind == NodeKind::Comment {
            continue;
        }
        if let Some(name) = n.text.strip_prefix("edit ") {
            out.push(Op::Edit(edit_entry(tree, c, name)));
            continue;
        }
        if !tree.children(c).is_empty() {
            return None;
        }
        let t = tokens(n.text);
        let t: Vec<&str> = t.iter().map(String::as_str).collect();
        out.push(match t.as_slice() {
            ["delete", x] => Op::Delete(x.to_string()),
            ["move", x, w @ ("before" | "after"), y] => Op::Move {
                name: x.to_string(),
                after: *w == "after",
                other: y.to_string(),
            },
            ["clone", x, "to", y] => Op::Clone {
                from: x.to_string(),
                to: y.to_string(),
            },
            _ => return None,
        });
    }
    Some(out)
}

impl FortiConfig {
    /// Parses `show full-configuration` output (or any FortiOS CLI configuration). Never fails.
    ///
    /// A multi-VDOM configuration (top-level `config vdom` / `config global` blocks, as a FortiGate
    /// with VDOMs enabled writes its whole configuration) is read into the global part (these
    /// fields) and one model per VDOM ([`FortiConfig::vdoms`]); a VDOM written in several blocks is
    /// one VDOM.
    ///
    /// ```
    /// use hermes_netdev::fortios::FortiConfig;
    /// let cfg = FortiConfig::parse("config vdom\nedit root\nnext\nedit dmz\nnext\nend\nconfig global\nconfig system interface\n    edit \"port1\"\n        set vdom \"dmz\"\n    next\nend\nend\nconfig vdom\nedit dmz\nconfig firewall address\n    edit \"web\"\n        set subnet 10.0.30.0 255.255.255.0\n    next\nend\nend\n");
    /// assert_eq!(cfg.interfaces["port1"].vdom.as_deref(), Some("dmz"));
    /// assert_eq!(cfg.vdoms.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["root", "dmz"]);
    /// assert!(cfg.vdom("dmz").unwrap().addresses.contains_key("web"));
    /// assert_eq!(FortiConfig::parse(&cfg.render()), cfg);
    /// ```
    pub fn parse(text: &str) -> Self {
        let tree = ConfigTree::parse(text, Syntax::FortiOs);
        let is_cmd = |id: NodeId| tree.node(id).kind != NodeKind::Comment;
        let multi = tree
            .roots()
            .iter()
            .any(|&r| is_cmd(r) && matches!(tree.node(r).text, "config vdom" | "config global"));
        if !multi {
            return Self::from_nodes(&tree, tree.roots());
        }
        let mut global: Vec<NodeId> = Vec::new();
        let mut vdoms: Vec<(String, Vec<NodeId>)> = Vec::new();
        for &r in tree.roots() {
            if !is_cmd(r) {
                continue;
            }
            match tree.node(r).text {
                "config global" => global.extend_from_slice(tree.children(r)),
                "config vdom" => {
                    for &e in tree.children(r) {
                        let Some(name) = tree.node(e).text.strip_prefix("edit ") else {
                            // Not a VDOM entry: kept (as written) with the global part.
                            if is_cmd(e) {
                                global.push(e);
                            }
                            continue;
                        };
                        // As the CLI reads it (a quoted name is the same VDOM).
                        let name = match tokens(name.trim()).as_slice() {
                            [one] => one.clone(),
                            _ => name.trim().to_string(),
                        };
                        let at = match vdoms.iter().position(|(n, _)| *n == name) {
                            Some(at) => at,
                            None => {
                                vdoms.push((name, Vec::new()));
                                vdoms.len() - 1
                            }
                        };
                        vdoms[at].1.extend_from_slice(tree.children(e));
                    }
                }
                _ => global.push(r),
            }
        }
        let mut c = Self::from_nodes(&tree, &global);
        c.vdoms = vdoms
            .into_iter()
            .map(|(name, ids)| Vdom {
                name,
                config: Self::from_nodes(&tree, &ids),
            })
            .collect();
        c
    }

    /// The model of the VDOM `name` of a multi-VDOM configuration.
    pub fn vdom(&self, name: &str) -> Option<&FortiConfig> {
        self.vdoms
            .iter()
            .find(|v| v.name == name)
            .map(|v| &v.config)
    }

    /// The single-VDOM model of the blocks `ids` (their `config global` / `config vdom` blocks,
    /// if any, are kept in `other`).
    fn from_nodes(tree: &ConfigTree<'_>, ids: &[NodeId]) -> Self {
        let mut c = FortiConfig::default();
        for &id in ids {
            let n = tree.node(id);
            if n.kind == NodeKind::Comment {
                continue;
            }
            let kids = tree.children(id);
            // A table block: its entries (and script commands), or None when it is not one.
            let ops = || table_ops(tree, id);
            let name = |s: &str| Some(s.to_string());
            let seq = |s: &str| s.parse::<u32>().ok();
            let ok = match n.text {
                S_HA => {
                    let mut e = Entry::default();
                    entry_body(tree, kids, &mut e);
                    c.ha = Some(Ha::from_entry(&merged(Vec::new(), Vec::new(), e)));
                    true
                }
                S_GLOBAL | S_DNS | S_NTP | S_SYSLOG | S_SNMP_SYS | S_BGP | S_OSPF | S_LOG
                | S_LOG_DISK | S_LOG_MEM | S_LOG_FAZ | S_SETTINGS | S_SSLVPN => {
                    c.fill_single(tree, n.text, kids)
                }
                t if t.starts_with(S_REPLACEMSG) => c.fill_replacemsg(tree, t, kids),
                S_IF | S_ADDR | S_SVC | S_GRP | S_P1 | S_P2 | S_VIP | S_RT | S_POL
                | S_SNMP_COMM | S_SVCGRP | S_ZONE | S_ACCPROF | S_ADMIN | S_RACL | S_RMAP
                | S_PFX | S_PFX6 | S_USER_LOCAL | S_USER_GROUP | S_USER_RADIUS | S_USER_LDAP
                | S_SCHED_REC | S_SCHED_ONE | S_ADDR6 | S_GRP6 | S_IPPOOL | S_DHCP => match ops() {
                    None => false,
                    Some(ops) => {
                        match n.text {
                            S_IF => fill(
                                &mut c.interfaces,
                                ops,
                                name,
                                FInterface::from_entry,
                                |x: &FInterface| (x.to_sets(), x.nested.clone()),
                            ),
                            S_ADDR => fill(
                                &mut c.addresses,
                                ops,
                                name,
                                Address::from_entry,
                                |x: &Address| (x.to_sets(), x.nested.clone()),
                            ),
                            S_SVC => fill(
                                &mut c.services,
                                ops,
                                name,
                                Service::from_entry,
                                |x: &Service| (x.to_sets(), x.nested.clone()),
                            ),
                            S_GRP => fill(
                                &mut c.addrgrps,
                                ops,
                                name,
                                AddrGrp::from_entry,
                                |x: &AddrGrp| (x.to_sets(), x.nested.clone()),
                            ),
                            S_P1 => fill(
                                &mut c.phase1,
                                ops,
                                name,
                                Phase1::from_entry,
                                |x: &Phase1| (x.to_sets(), x.nested.clone()),
                            ),
                            S_P2 => fill(
                                &mut c.phase2,
                                ops,
                                name,
                                Phase2::from_entry,
                                |x: &Phase2| (x.to_sets(), x.nested.clone()),
                            ),
                            S_VIP => fill(&mut c.vips, ops, name, Vip::from_entry, |x: &Vip| {
                                (x.to_sets(), x.nested.clone())
                            }),
                            S_RT => fill(
                                &mut c.static_routes,
                                ops,
                                seq,
                                FStaticRoute::from_entry,
                                |x: &FStaticRoute| (x.to_sets(), x.nested.clone()),
                            ),
                            S_SNMP_COMM => fill(
                                &mut c.snmp_communities,
                                ops,
                                seq,
                                SnmpCommunity::from_entry,
                                |x: &SnmpCommunity| (x.to_sets(), x.nested.clone()),
                            ),
                            S_SVCGRP => fill(
                                &mut c.service_groups,
                                ops,
                                name,
                                ServiceGroup::from_entry,
                                |x: &ServiceGroup| (x.to_sets(), x.nested.clone()),
                            ),
                            S_ZONE => {
                                fill(&mut c.zones, ops, name, Zone::from_entry, |x: &Zone| {
                                    (x.to_sets(), x.nested.clone())
                                })
                            }
                            S_ACCPROF => fill(
                                &mut c.accprofiles,
                                ops,
                                name,
                                AccProfile::from_entry,
                                |x: &AccProfile| (x.to_sets(), x.nested.clone()),
                            ),
                            S_ADMIN => {
                                fill(&mut c.admins, ops, name, Admin::from_entry, |x: &Admin| {
                                    (x.to_sets(), x.nested.clone())
                                })
                            }
                            S_RACL => fill(
                                &mut c.router_access_lists,
                                ops,
                                name,
                                RouterAccessList::from_entry,
                                |x: &RouterAccessList| (x.to_sets(), x.nested_blocks()),
                            ),
                            S_RMAP => fill(
                                &mut c.route_maps,
                                ops,
                                name,
                                RouteMap::from_entry,
                                |x: &RouteMap| (x.to_sets(), x.nested_blocks()),
                            ),
                            S_PFX => fill(
                                &mut c.prefix_lists,
                                ops,
                                name,
                                PrefixList::from_entry,
                                |x: &PrefixList| (x.to_sets(), x.nested_blocks()),
                            ),
                            S_PFX6 => fill(
                                &mut c.prefix_lists6,
                                ops,
                                name,
                                PrefixList6::from_entry,
                                |x: &PrefixList6| (x.to_sets(), x.nested_blocks()),
                            ),
                            S_USER_LOCAL => fill(
                                &mut c.users_local,
                                ops,
                                name,
                                UserLocal::from_entry,
                                |x: &UserLocal| (x.to_sets(), x.nested.clone()),
                            ),
                            S_USER_GROUP => fill(
                                &mut c.user_groups,
                                ops,
                                name,
                                UserGroup::from_entry,
                                |x: &UserGroup| (x.to_sets(), x.nested.clone()),
                            ),
                            S_USER_RADIUS => fill(
                                &mut c.user_radius,
                                ops,
                                name,
                                UserRadius::from_entry,
                                |x: &UserRadius| (x.to_sets(), x.nested.clone()),
                            ),
                            S_USER_LDAP => fill(
                                &mut c.user_ldap,
                                ops,
                                name,
                                UserLdap::from_entry,
                                |x: &UserLdap| (x.to_sets(), x.nested.clone()),
                            ),
                            S_SCHED_REC => fill(
                                &mut c.schedules_recurring,
                                ops,
                                name,
                                ScheduleRecurring::from_entry,
                                |x: &ScheduleRecurring| (x.to_sets(), x.nested.clone()),
                            ),
                            S_SCHED_ONE => fill(
                                &mut c.schedules_onetime,
                                ops,
                                name,
                                ScheduleOnetime::from_entry,
                                |x: &ScheduleOnetime| (x.to_sets(), x.nested.clone()),
                            ),
                            S_ADDR6 => fill(
                                &mut c.addresses6,
                                ops,
                                name,
                                Address6::from_entry,
                                |x: &Address6| (x.to_sets(), x.nested.clone()),
                            ),
                            S_GRP6 => fill(
                                &mut c.addrgrps6,
                                ops,
                                name,
                                AddrGrp6::from_entry,
                                |x: &AddrGrp6| (x.to_sets(), x.nested.clone()),
                            ),
                            S_DHCP => fill(
                                &mut c.dhcp_servers,
                                ops,
                                seq,
                                DhcpServer::from_entry,
                                |x: &DhcpServer| (x.to_sets(), x.nested.clone()),
                            ),
                            S_IPPOOL => fill(
                                &mut c.ippools,
                                ops,
                                name,
                                IpPool::from_entry,
                                |x: &IpPool| (x.to_sets(), x.nested.clone()),
                            ),
                            _ => fill_policies(&mut c.policies, ops),
                        }
                        true
                    }
                },
                _ => false,
            };
            if !ok {
                c.other.push(block_text(tree, id));
            }
        }
        c
    }

    /// Reads a `config system replacemsg GROUP "TYPE"` block onto what earlier blocks of the same
    /// message set, as the device does. False (the block is then kept as written) when the head
    /// is not a group word and one type, or the block holds anything but `set` / `unset` /
    /// `append` lines.
    fn fill_replacemsg(&mut self, tree: &ConfigTree<'_>, head: &str, kids: &[NodeId]) -> bool {
        let rest = &head[S_REPLACEMSG.len()..];
        let Some((group, msg_type)) = rest.split_once(' ') else {
            return false;
        };
        let msg_type = msg_type.trim();
        let group_ok = !group.is_empty() && plain(group);
        let t = tokens(msg_type);
        if !group_ok
            || t.len() != 1
            || t[0].is_empty()
            || !(plain(msg_type) || quote(&t[0]) == msg_type)
        {
            return false;
        }
        let odd = kids.iter().any(|&k| {
            let n = tree.node(k);
            n.kind != NodeKind::Comment
                && !(n.text.starts_with("set ")
                    || n.text.starts_with("unset ")
                    || n.text.starts_with("append "))
        });
        if odd {
            return false;
        }
        let mut e = Entry::default();
        entry_body(tree, kids, &mut e);
        let msgs = self.replacemsgs.entry(group.to_string()).or_default();
        let (sets, nested) = match msgs.get(&t[0]) {
            Some(old) => (old.to_sets(), old.nested.clone()),
            None => (Vec::new(), Vec::new()),
        };
        msgs.insert(
            t[0].clone(),
            ReplaceMsg::from_entry(&merged(sets, nested, e)),
        );
        true
    }

    /// Reads a settings block (`config system dns`...) onto what earlier blocks of the same
    /// section set, as the device does (a later block changes only the keys it sets). False when
    /// the block holds table entries (`edit`) or commands, which no such section has: it is then
    /// kept as written.
    fn fill_single(&mut self, tree: &ConfigTree<'_>, section: &str, kids: &[NodeId]) -> bool {
        let odd = kids.iter().any(|&k| {
            let t = tree.node(k).text;
            tree.node(k).kind != NodeKind::Comment
                && !(t.starts_with("set ")
                    || t.starts_with("select ")
                    || t.starts_with("unset ")
                    || t.starts_with("append ")
                    || t.starts_with("config "))
        });
        if odd {
            return false;
        }
        let mut e = Entry::default();
        entry_body(tree, kids, &mut e);
        macro_rules! single {
            ($field:ident, $ty:ident) => {{
                let (sets, nested) = match &self.$field {
                    Some(old) => (old.to_sets(), old.nested.clone()),
                    None => (Vec::new(), Vec::new()),
                };
                self.$field = Some($ty::from_entry(&merged(sets, nested, e)));
            }};
        }
        match section {
            S_GLOBAL => single!(global, SysGlobal),
            S_DNS => single!(dns, SysDns),
            S_SYSLOG => single!(syslog, SyslogSetting),
            S_SNMP_SYS => single!(snmp_sysinfo, SnmpSysinfo),
            S_BGP => {
                single!(bgp, RouterBgp);
                // Its `config neighbor` / `config network` tables and `config redistribute`
                // blocks, typed when they are ones.
                let bgp = self.bgp.as_mut().expect("just set");
                let (neighbors, networks, redist, redist6) = (
                    &mut self.bgp_neighbors,
                    &mut self.bgp_networks,
                    &mut self.bgp_redistribute,
                    &mut self.bgp_redistribute6,
                );
                bgp.nested = split_nested(std::mem::take(&mut bgp.nested), |sub, r| {
                    match sub.node(r).text {
                        "config neighbor" => read_table(sub, r, neighbors, by_name),
                        "config network" => read_table(sub, r, networks, by_number),
                        _ => {
                            read_redistribute(sub, r, REDIST, redist)
                                || read_redistribute(sub, r, REDIST6, redist6)
                        }
                    }
                });
            }
            S_OSPF => {
                single!(ospf, RouterOspf);
                let ospf = self.ospf.as_mut().expect("just set");
                let (areas, networks, ifaces, redist) = (
                    &mut self.ospf_areas,
                    &mut self.ospf_networks,
                    &mut self.ospf_interfaces,
                    &mut self.ospf_redistribute,
                );
                ospf.nested = split_nested(std::mem::take(&mut ospf.nested), |sub, r| {
                    match sub.node(r).text {
                        "config area" => read_table(sub, r, areas, by_name),
                        "config network" => read_table(sub, r, networks, by_number),
                        "config ospf-interface" => read_table(sub, r, ifaces, by_name),
                        _ => read_redistribute(sub, r, REDIST, redist),
                    }
                });
            }
            S_LOG => single!(log_setting, LogSetting),
            S_LOG_DISK => single!(log_disk, LogDiskSetting),
            S_LOG_MEM => single!(log_memory, LogMemorySetting),
            S_LOG_FAZ => single!(log_fortianalyzer, LogFortianalyzerSetting),
            S_SETTINGS => single!(settings, SysSettings),
            S_SSLVPN => single!(sslvpn, SslVpnSettings),
            _ => {
                single!(ntp, Ntp);
                // Its `config ntpserver` table, typed when it is one (else kept in `nested`).
                let ntp = self.ntp.as_mut().expect("just set");
                let servers = &mut self.ntp_servers;
                ntp.nested = split_nested(std::mem::take(&mut ntp.nested), |sub, r| {
                    sub.node(r).text == "config ntpserver" && read_table(sub, r, servers, by_number)
                });
            }
        }
        true
    }

    /// The modelled sections in rendering order: the device settings, the replacement messages,
    /// then the tables.
    fn sections(&self) -> Vec<Section> {
        let mut out: Vec<Section> = self
            .fixed_sections()
            .into_iter()
            .map(|(s, e, q)| (Cow::Borrowed(s), e, q))
            .collect();
        let at = out
            .iter()
            .position(|(s, _, _)| !SINGLE.contains(&s.as_ref()))
            .unwrap_or(out.len());
        let msgs = self.replacemsgs.iter().flat_map(|(group, types)| {
            types.iter().map(move |(t, m)| {
                let entry = Entry {
                    sets: m.to_sets(),
                    nested: m.nested.clone(),
                    ..Entry::default()
                };
                (
                    Cow::Owned(replacemsg_head(group, t)),
                    Some(vec![entry]),
                    false,
                )
            })
        });
        out.splice(at..at, msgs);
        out
    }

    /// The sections whose head is fixed.
    fn fixed_sections(&self) -> Vec<(&'static str, Option<Vec<Entry>>, bool)> {
        // (section, entries (None = not a table), quoted names)
        fn named<T>(
            m: &BTreeMap<String, T>,
            f: impl Fn(&T) -> Vec<(String, String)>,
            nested: impl Fn(&T) -> Vec<String>,
        ) -> Vec<Entry> {
            m.iter()
                .map(|(k, v)| Entry {
                    name: k.clone(),
                    sets: f(v),
                    nested: nested(v),
                    unsets: Vec::new(),
                    appends: Vec::new(),
                })
                .collect()
        }
        let mut out = Vec::new();
        if let Some(h) = &self.ha {
            out.push((
                S_HA,
                Some(vec![Entry {
                    name: String::new(),
                    sets: h.to_sets(),
                    nested: h.nested.clone(),
                    unsets: Vec::new(),
                    appends: Vec::new(),
                }]),
                false,
            ));
        }
        let single = |s: &'static str, sets: Vec<(String, String)>, nested: Vec<String>| {
            (
                s,
                Some(vec![Entry {
                    name: String::new(),
                    sets,
                    nested,
                    unsets: Vec::new(),
                    appends: Vec::new(),
                }]),
                false,
            )
        };
        if let Some(g) = &self.global {
            out.push(single(S_GLOBAL, g.to_sets(), g.nested.clone()));
        }
        if let Some(d) = &self.dns {
            out.push(single(S_DNS, d.to_sets(), d.nested.clone()));
        }
        if self.ntp.is_some() || !self.ntp_servers.is_empty() {
            let ntp = self.ntp.clone().unwrap_or_default();
            let mut nested: Vec<String> = sub_table("config ntpserver", &self.ntp_servers, false)
                .into_iter()
                .collect();
            nested.extend(ntp.nested.iter().cloned());
            out.push(single(S_NTP, ntp.to_sets(), nested));
        }
        if let Some(l) = &self.syslog {
            out.push(single(S_SYSLOG, l.to_sets(), l.nested.clone()));
        }
        if self.bgp.is_some()
            || !self.bgp_neighbors.is_empty()
            || !self.bgp_networks.is_empty()
            || !self.bgp_redistribute.is_empty()
            || !self.bgp_redistribute6.is_empty()
        {
            let bgp = self.bgp.clone().unwrap_or_default();
            let mut nested: Vec<String> = [
                sub_table("config neighbor", &self.bgp_neighbors, true),
                sub_table("config network", &self.bgp_networks, false),
            ]
            .into_iter()
            .flatten()
            .collect();
            nested.extend(redistribute_blocks(REDIST, &self.bgp_redistribute));
            nested.extend(redistribute_blocks(REDIST6, &self.bgp_redistribute6));
            nested.extend(bgp.nested.iter().cloned());
            out.push(single(S_BGP, bgp.to_sets(), nested));
        }
        if self.ospf.is_some()
            || !self.ospf_areas.is_empty()
            || !self.ospf_networks.is_empty()
            || !self.ospf_interfaces.is_empty()
            || !self.ospf_redistribute.is_empty()
        {
            let ospf = self.ospf.clone().unwrap_or_default();
            let mut nested: Vec<String> = [
                sub_table("config area", &self.ospf_areas, false),
                sub_table("config ospf-interface", &self.ospf_interfaces, true),
                sub_table("config network", &self.ospf_networks, false),
            ]
            .into_iter()
            .flatten()
            .collect();
            nested.extend(redistribute_blocks(REDIST, &self.ospf_redistribute));
            nested.extend(ospf.nested.iter().cloned());
            out.push(single(S_OSPF, ospf.to_sets(), nested));
        }
        if let Some(x) = &self.snmp_sysinfo {
            out.push(single(S_SNMP_SYS, x.to_sets(), x.nested.clone()));
        }
        if let Some(x) = &self.settings {
            out.push(single(S_SETTINGS, x.to_sets(), x.nested.clone()));
        }
        if let Some(x) = &self.log_setting {
            out.push(single(S_LOG, x.to_sets(), x.nested.clone()));
        }
        if let Some(x) = &self.log_disk {
            out.push(single(S_LOG_DISK, x.to_sets(), x.nested.clone()));
        }
        if let Some(x) = &self.log_memory {
            out.push(single(S_LOG_MEM, x.to_sets(), x.nested.clone()));
        }
        if let Some(x) = &self.log_fortianalyzer {
            out.push(single(S_LOG_FAZ, x.to_sets(), x.nested.clone()));
        }
        if let Some(x) = &self.sslvpn {
            out.push(single(S_SSLVPN, x.to_sets(), x.nested.clone()));
        }
        // A table of named entries (quoted names), written when it has any; its entries' nested
        // blocks are `nested` unless the entry type writes its own (`nested_blocks`).
        macro_rules! sec {
            ($s:expr, $m:expr) => {
                sec!($s, $m, |v| v.nested.clone())
            };
            ($s:expr, $m:expr, $nested:expr) => {
                if !$m.is_empty() {
                    out.push(($s, Some(named(&$m, |v| v.to_sets(), $nested)), true));
                }
            };
        }
        sec!(S_ACCPROF, self.accprofiles);
        sec!(S_ADMIN, self.admins);
        sec!(S_IF, self.interfaces);
        sec!(S_ZONE, self.zones);
        if !self.dhcp_servers.is_empty() {
            out.push((
                S_DHCP,
                Some(
                    self.dhcp_servers
                        .iter()
                        .map(|(k, v)| Entry {
                            name: k.to_string(),
                            sets: v.to_sets(),
                            nested: v.nested.clone(),
                            ..Entry::default()
                        })
                        .collect(),
                ),
                false,
            ));
        }
        sec!(S_ADDR, self.addresses);
        sec!(S_ADDR6, self.addresses6);
        sec!(S_SVC, self.services);
        sec!(S_GRP, self.addrgrps);
        sec!(S_GRP6, self.addrgrps6);
        sec!(S_SVCGRP, self.service_groups);
        sec!(S_SCHED_REC, self.schedules_recurring);
        sec!(S_SCHED_ONE, self.schedules_onetime);
        sec!(S_USER_RADIUS, self.user_radius);
        sec!(S_USER_LDAP, self.user_ldap);
        sec!(S_USER_LOCAL, self.users_local);
        sec!(S_USER_GROUP, self.user_groups);
        sec!(S_P1, self.phase1);
        sec!(S_P2, self.phase2);
        sec!(S_VIP, self.vips);
        sec!(S_IPPOOL, self.ippools);
        if !self.static_routes.is_empty() {
            out.push((
                S_RT,
                Some(
                    self.static_routes
                        .iter()
                        .map(|(k, v)| Entry {
                            name: k.to_string(),
                            sets: v.to_sets(),
                            nested: v.nested.clone(),
                            unsets: Vec::new(),
                            appends: Vec::new(),
                        })
                        .collect(),
                ),
                false,
            ));
        }
        sec!(S_RACL, self.router_access_lists, |v| v.nested_blocks());
        sec!(S_PFX, self.prefix_lists, |v| v.nested_blocks());
        sec!(S_PFX6, self.prefix_lists6, |v| v.nested_blocks());
        sec!(S_RMAP, self.route_maps, |v| v.nested_blocks());
        if !self.snmp_communities.is_empty() {
            out.push((
                S_SNMP_COMM,
                Some(
                    self.snmp_communities
                        .iter()
                        .map(|(k, v)| Entry {
                            name: k.to_string(),
                            sets: v.to_sets(),
                            nested: v.nested.clone(),
                            unsets: Vec::new(),
                            appends: Vec::new(),
                        })
                        .collect(),
                ),
                false,
            ));
        }
        if !self.policies.is_empty() {
            out.push((
                S_POL,
                Some(
                    self.policies
                        .iter()
                        .map(|(k, v)| Entry {
                            name: k.to_string(),
                            sets: v.to_sets(),
                            nested: v.nested.clone(),
                            unsets: Vec::new(),
                            appends: Vec::new(),
                        })
                        .collect(),
                ),
                false,
            ));
        }
        out
    }

    /// Renders the configuration as FortiOS CLI text.
    ///
    /// A multi-VDOM configuration is written as a FortiGate writes it: the list of VDOMs
    /// (`config vdom` / `edit NAME` / `next` / `end`), the global part in `config global` ... `end`,
    /// then each VDOM's blocks in `config vdom` / `edit NAME` ... `end`.
    pub fn render(&self) -> String {
        if self.vdoms.is_empty() {
            return self.render_flat();
        }
        let mut o = String::from("config vdom\n");
        for v in &self.vdoms {
            let _ = writeln!(o, "edit {}\nnext", v.name);
        }
        o.push_str("end\n");
        let global = self.render_flat();
        if !global.is_empty() {
            let _ = write!(o, "config global\n{global}end\n");
        }
        for v in &self.vdoms {
            let body = v.config.render_flat();
            if !body.is_empty() {
                let _ = write!(o, "config vdom\nedit {}\n{body}end\n", v.name);
            }
        }
        o
    }

    /// The rendering of the fields other than `vdoms`.
    fn render_flat(&self) -> String {
        render_sections(&self.sections(), &self.other)
    }

    /// Asks for the secret of one entry to be set again although the device already holds one:
    /// key rotation. A FortiGate shows a stored secret only encrypted (`ENC ...`), so a secret
    /// stated in clear cannot be compared with it and is otherwise not sent over it (every run
    /// would change it); this entry's clear secret is sent on the next apply. `table` is one of
    /// [`ROTATABLE_TABLES`] (`vpn ipsec phase1-interface`: the pre-shared key; `system admin`,
    /// `user local`, `user ldap`: the password; `user radius`: both shared secrets; `router bgp
    /// neighbor`: the password; `router ospf ospf-interface`: the authentication key; `system ha`:
    /// the cluster password, `entry` ignored). [`FortiConfig::validate`] refuses a table not in
    /// that list and an entry that states no secret in clear. Remove the mark once applied, or
    /// every apply sets the secret again.
    ///
    /// ```
    /// use hermes_netdev::fortios::FortiConfig;
    /// let live = FortiConfig::parse("config vpn ipsec phase1-interface\n    edit \"to-branch\"\n        set interface \"wan1\"\n        set remote-gw 198.51.100.7\n        set psksecret ENC Zm9v\n    next\nend\n");
    /// let mut want = live.clone();
    /// want.phase1.get_mut("to-branch").unwrap().psksecret = Some(hermes_core::Secret::new("n3w-k3y"));
    /// assert!(live.diff(&want, "fgt").is_empty(), "a clear key is not compared with ENC");
    /// want.rotate_secret("vpn ipsec phase1-interface", "to-branch");
    /// want.validate("fgt").unwrap();
    /// let plan = live.diff(&want, "fgt");
    /// assert!(plan.commands().iter().any(|c| c.contains("n3w-k3y")), "sent");
    /// assert!(!plan.render().contains("n3w-k3y"), "plans never show it");
    /// ```
    pub fn rotate_secret(&mut self, table: &str, entry: &str) -> &mut Self {
        let key = if table == "system ha" {
            ROTATE_HA.to_string()
        } else {
            format!("{table}/{entry}")
        };
        self.rotate_secrets.insert(key);
        self
    }

    /// What is wrong with `rotate_secrets`: a table that holds no rotatable secret, an entry the
    /// configuration lacks or that states no secret in clear.
    fn rotation_problems(&self) -> Vec<String> {
        let clear =
            |p: &Option<hermes_core::Secret>| p.as_ref().is_some_and(|p| !is_enc(p.expose()));
        let mut problems = Vec::new();
        for r in &self.rotate_secrets {
            let (table, entry) = if r == ROTATE_HA {
                (r.as_str(), "")
            } else {
                r.split_once('/').unwrap_or((r.as_str(), ""))
            };
            let states_clear = match table {
                "system ha" => Some(self.ha.as_ref().is_some_and(|h| clear(&h.password))),
                "system admin" => self.admins.get(entry).map(|e| clear(&e.password)),
                "router bgp neighbor" => self.bgp_neighbors.get(entry).map(|e| clear(&e.password)),
                "vpn ipsec phase1-interface" => self.phase1.get(entry).map(|e| clear(&e.psksecret)),
                "user local" => self.users_local.get(entry).map(|e| clear(&e.passwd)),
                "user radius" => self
                    .user_radius
                    .get(entry)
                    .map(|e| clear(&e.secret) || clear(&e.secondary_secret)),
                "user ldap" => self.user_ldap.get(entry).map(|e| clear(&e.password)),
                "router ospf ospf-interface" => self
                    .ospf_interfaces
                    .get(entry)
                    .map(|e| clear(&e.authentication_key)),
                _ => {
                    problems.push(format!(
                        "rotate_secrets names {r:?}, but {table:?} holds no secret Hermes rotates: \
                         use one of {}",
                        ROTATABLE_TABLES.join(", ")
                    ));
                    continue;
                }
            };
            match states_clear {
                None => problems.push(format!(
                    "rotate_secrets names {r:?}, which this configuration does not define: add \
                     the entry with its new secret, or remove the mark"
                )),
                Some(false) => problems.push(format!(
                    "rotate_secrets names {r:?}, which states no secret in clear: state the new \
                     secret in clear (an ENC value cannot be sent as a new one)"
                )),
                Some(true) => {}
            }
        }
        problems
    }

    /// Checks the model before anything is sent: policy and group references must resolve, phase 2
    /// entries must name a defined phase 1, interface subnets must not overlap within a VDOM, policy
    /// ids are unique. A multi-VDOM configuration is checked per VDOM (each problem names its VDOM),
    /// its VDOM names must be unique, each interface must be in a listed VDOM, and a VDOM's policies
    /// may not use an interface of another VDOM.
    pub fn validate(&self, target: &str) -> crate::Result<()> {
        let mut problems = self.problems();
        if !self.vdoms.is_empty() {
            let mut seen = BTreeSet::new();
            for v in &self.vdoms {
                if !seen.insert(v.name.as_str()) {
                    problems.push(format!("vdom {} is listed twice", v.name));
                }
                problems.extend(
                    v.config
                        .problems()
                        .into_iter()
                        .map(|p| format!("vdom {}: {p}", v.name)),
                );
            }
            for v in &self.vdoms {
                let c = &v.config;
                // Replacement messages are global too.
                let mut held: Vec<String> = c
                    .sections()
                    .into_iter()
                    .map(|(s, _, _)| s)
                    .filter(|s| GLOBAL_ONLY.contains(&s.as_ref()) || s.starts_with(S_REPLACEMSG))
                    .map(Cow::into_owned)
                    .collect();
                held.extend(c.other.iter().filter_map(|o| {
                    let head = o.lines().next().unwrap_or_default().trim();
                    GLOBAL_ONLY
                        .iter()
                        .copied()
                        .find(|s| *s == head)
                        .map(str::to_string)
                }));
                for s in held {
                    problems.push(format!(
                        "vdom {}: `{s}` is a global setting: move it into `config global`",
                        v.name
                    ));
                }
            }
            for (n, i) in &self.interfaces {
                if let Some(vd) = &i.vdom {
                    if !seen.contains(vd.as_str()) {
                        problems.push(format!(
                            "interface {n} is in vdom {vd:?}, which is not listed in `config vdom`"
                        ));
                    }
                }
            }
            // A policy can only use the interfaces of its own VDOM.
            for v in &self.vdoms {
                for (id, p) in &v.config.policies {
                    for intf in p.srcintf.iter().chain(p.dstintf.iter()) {
                        let other = self.interfaces.get(intf).and_then(|i| i.vdom.as_deref());
                        if let Some(o) = other.filter(|o| *o != v.name) {
                            problems.push(format!(
                                "vdom {}: policy {id} uses interface {intf:?}, which is in vdom {o:?}",
                                v.name
                            ));
                        }
                    }
                }
            }
        }
        crate::NetError::invalid_if_any(target, problems)
    }

    /// The problems [`FortiConfig::validate`] reports for the fields other than `vdoms`.
    fn problems(&self) -> Vec<String> {
        let mut problems = self.rotation_problems();
        let builtin = ["all", "none", "ALL", "any"];
        // Objects defined in sections the model keeps as written (service groups, VIP groups...).
        let kept = |sections: &[&str]| -> BTreeSet<String> {
            self.other
                .iter()
                .filter(|o| sections.contains(&o.lines().next().unwrap_or_default().trim()))
                .flat_map(|o| edit_names(o))
                .collect()
        };
        let kept_addrs = kept(&[
            S_ADDR,
            S_GRP,
            S_VIP,
            "config firewall vipgrp",
            "config system external-resource",
        ]);
        let mut kept_services = kept(&[S_SVC, S_SVCGRP]);
        kept_services.extend(self.service_groups.keys().cloned());
        let addr_known = |a: &str| {
            builtin.contains(&a)
                || self.addresses.contains_key(a)
                || self.addrgrps.contains_key(a)
                || self.vips.contains_key(a)
                || kept_addrs.contains(a)
        };
        // Zones: each member interface defined (when the model states interfaces or keeps them
        // as written), in one zone only, and no zone named like an interface (FortiOS refuses
        // both).
        let kept_ifs = kept(&[S_IF]);
        let if_known = |i: &str| self.interfaces.contains_key(i) || kept_ifs.contains(i);
        let check_members = !self.interfaces.is_empty() || !kept_ifs.is_empty();
        let mut member_of: BTreeMap<&str, &str> = BTreeMap::new();
        for (z, zone) in &self.zones {
            if if_known(z) {
                problems.push(format!(
                    "zone {z:?} has the name of an interface (FortiOS refuses it): rename the zone"
                ));
            }
            for i in &zone.interface {
                if check_members && !if_known(i) {
                    problems.push(format!("zone {z:?} member interface {i:?} is not defined"));
                }
                if let Some(first) = member_of.insert(i, z) {
                    if first != z {
                        problems.push(format!(
                            "interface {i:?} is in zones {first:?} and {z:?} (an interface can be \
                             in one zone only)"
                        ));
                    }
                }
            }
        }
        let mut ids = BTreeSet::new();
        for (id, p) in &self.policies {
            if !ids.insert(*id) {
                problems.push(format!("policy id {id} appears twice"));
            }
            for a in p.srcaddr.iter().chain(p.dstaddr.iter()) {
                if !addr_known(a) {
                    problems.push(format!(
                        "policy {id} uses address {a:?}, which is not defined"
                    ));
                }
            }
            for s in &p.service {
                if !(builtin.contains(&s.as_str())
                    || self.services.contains_key(s)
                    || kept_services.contains(s)
                    || s.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '-' || c.is_ascii_digit()))
                {
                    problems.push(format!(
                        "policy {id} uses service {s:?}, which is not defined"
                    ));
                }
            }
        }
        for (g, grp) in &self.addrgrps {
            for m in &grp.member {
                if !addr_known(m) {
                    problems.push(format!(
                        "address group {g} has member {m:?}, which is not defined"
                    ));
                }
            }
        }
        for (g, grp) in &self.addrgrps {
            for m in &grp.exclude_member {
                if !addr_known(m) {
                    problems.push(format!(
                        "address group {g} excludes {m:?}, which is not defined"
                    ));
                }
            }
        }
        problems.extend(self.typed_key_problems());
        for (n, p2) in &self.phase2 {
            if let Some(p1) = &p2.phase1name {
                if !self.phase1.contains_key(p1) {
                    problems.push(format!(
                        "phase2 {n} refers to phase1 {p1:?}, which is not defined"
                    ));
                }
            }
            // Selectors given as firewall addresses (`src-addr-type name`).
            for (side, a) in [("src-name", &p2.src_name), ("dst-name", &p2.dst_name)] {
                if let Some(a) = a.as_deref().filter(|a| !addr_known(a)) {
                    problems.push(format!(
                        "phase2 {n} {side} {a:?} is not a defined address or group: add it to \
                         `config firewall address`"
                    ));
                }
            }
        }
        for (seq, r) in &self.static_routes {
            if let Some(a) = r.dstaddr.as_deref().filter(|a| !addr_known(a)) {
                problems.push(format!(
                    "static route {seq} dstaddr {a:?} is not a defined address (with \
                     `allow-routing enable`)"
                ));
            }
        }
        if !self.addresses6.is_empty() {
            for (id, p) in &self.policies {
                for a in p.srcaddr6.iter().chain(p.dstaddr6.iter()) {
                    let known = builtin.contains(&a.as_str())
                        || self.addresses6.contains_key(a)
                        || self.addrgrps6.contains_key(a);
                    if !known {
                        problems.push(format!(
                            "policy {id} uses IPv6 address {a:?}, which is not defined: add it \
                             to `config firewall address6`"
                        ));
                    }
                }
            }
        }
        for (g, grp) in &self.service_groups {
            for m in &grp.member {
                if !(self.services.contains_key(m)
                    || kept_services.contains(m)
                    || m.chars()
                        .all(|c| c.is_ascii_uppercase() || c == '-' || c.is_ascii_digit()))
                {
                    problems.push(format!(
                        "service group {g} has member {m:?}, which is not defined"
                    ));
                }
            }
        }
        problems.extend(self.settings_problems());
        problems.extend(self.user_problems());
        problems.extend(self.ospf_problems());
        problems.extend(self.address6_problems());
        problems.extend(self.ippool_problems());
        problems.extend(self.sslvpn_problems());
        problems.extend(self.dhcp_problems());
        // Each VDOM has its own routing table: only interfaces of the same VDOM may not overlap.
        let nets: Vec<(&String, Option<&str>, Ipv4Net)> = self
            .interfaces
            .iter()
            .filter_map(|(n, i)| {
                let ip = i.ip.as_deref()?;
                let mut w = ip.split_whitespace();
                Some((n, i.vdom.as_deref(), Ipv4Net::parse(w.next()?, w.next())?))
            })
            // `0.0.0.0 0.0.0.0` is how full-configuration shows an interface without an address.
            .filter(|(_, _, net)| !net.addr.is_unspecified())
            .collect();
        for (a, x) in nets.iter().enumerate() {
            for y in &nets[a + 1..] {
                if x.1 == y.1 && x.2.overlaps(&y.2) {
                    problems.push(format!(
                        "interfaces {} and {} have overlapping subnets",
                        x.0, y.0
                    ));
                }
            }
        }
        problems
    }

    /// The problems of the device settings (`system global`, DNS, NTP, syslog, SNMP). A community
    /// is named by its id only: its name is a credential.
    fn settings_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let port = |v: &str| v.parse::<u16>().is_ok_and(|n| n > 0);
        if let Some(g) = &self.global {
            if let Some(h) = &g.hostname {
                if h.is_empty()
                    || h.chars().count() > 35
                    || !h
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    p.push(format!(
                        "system global: hostname {h:?} is not a FortiOS host name (1-35 letters, digits, '-' or '_')"
                    ));
                }
            }
            for (k, v) in [
                ("admin-sport", &g.admin_sport),
                ("admin-ssh-port", &g.admin_ssh_port),
            ] {
                if let Some(v) = v.as_deref().filter(|v| !port(v)) {
                    p.push(format!("system global: {k} {v:?} is not a port (1-65535)"));
                }
            }
            if let (Some(a), Some(b)) = (&g.admin_sport, &g.admin_ssh_port) {
                if a == b {
                    p.push(format!(
                        "system global: admin-sport and admin-ssh-port are both {a}: give them different ports"
                    ));
                }
            }
            if let Some(t) = g.admintimeout.as_deref() {
                if !t.parse::<u16>().is_ok_and(|n| (1..=480).contains(&n)) {
                    p.push(format!(
                        "system global: admintimeout {t:?} is not a number of minutes from 1 to 480"
                    ));
                }
            }
        }
        if let Some(d) = &self.dns {
            for (k, v) in [("primary", &d.primary), ("secondary", &d.secondary)] {
                if let Some(v) = v.as_deref().filter(|v| v.parse::<Ipv4Addr>().is_err()) {
                    p.push(format!("system dns: {k} {v:?} is not an IPv4 address"));
                }
            }
        }
        if let Some(n) = &self.ntp {
            let custom = n.kind.as_deref() == Some("custom");
            if n.ntpsync.as_deref() == Some("enable") && custom && self.ntp_servers.is_empty() {
                p.push(
                    "system ntp: ntpsync is enabled with type custom but no ntpserver is configured: add one or set type fortiguard"
                        .to_string(),
                );
            }
            if let Some(i) = n.syncinterval.as_deref() {
                if !i.parse::<u16>().is_ok_and(|x| (1..=1440).contains(&x)) {
                    p.push(format!(
                        "system ntp: syncinterval {i:?} is not a number of minutes from 1 to 1440"
                    ));
                }
            }
        }
        for (id, s) in &self.ntp_servers {
            match s.server.as_deref() {
                None | Some("") => p.push(format!("system ntp: ntpserver {id} has no server")),
                Some(v)
                    if v.parse::<Ipv4Addr>().is_err()
                        && v.split('.').all(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_digit())) =>
                {
                    p.push(format!(
                        "system ntp: ntpserver {id} server {v:?} is neither an IPv4 address nor a host name"
                    ))
                }
                _ => {}
            }
        }
        if let Some(l) = &self.syslog {
            if l.status.as_deref() == Some("enable") && l.server.as_deref().unwrap_or("").is_empty()
            {
                p.push("log syslogd setting: status is enabled but no server is set".to_string());
            }
            if let Some(v) = l.port.as_deref().filter(|v| !port(v)) {
                p.push(format!(
                    "log syslogd setting: port {v:?} is not a port (1-65535)"
                ));
            }
            if let Some(v) = l
                .source_ip
                .as_deref()
                .filter(|v| v.parse::<Ipv4Addr>().is_err())
            {
                p.push(format!(
                    "log syslogd setting: source-ip {v:?} is not an IPv4 address"
                ));
            }
        }
        for (id, c) in &self.snmp_communities {
            if c.name.as_ref().is_none_or(|n| n.is_empty()) {
                p.push(format!("system snmp community {id} has no name"));
            }
        }
        p.extend(self.admin_problems());
        p.extend(self.router_list_problems());
        p.extend(self.replacemsg_problems());
        p
    }

    /// The problems of router access lists and route maps: actions, prefixes and wildcards the
    /// device refuses, a rule id twice, and a route map matching a list that is not defined (when
    /// the configuration states or keeps access or prefix lists).
    fn router_list_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let action_ok =
            |a: &Option<String>| a.as_deref().is_none_or(|a| matches!(a, "permit" | "deny"));
        let two_addrs = |v: &str| {
            let w: Vec<&str> = v.split_whitespace().collect();
            w.len() == 2 && w.iter().all(|x| x.parse::<Ipv4Addr>().is_ok())
        };
        for (n, l) in &self.router_access_lists {
            let mut ids = BTreeSet::new();
            for (id, r) in &l.rules {
                if !ids.insert(*id) {
                    p.push(format!("router access-list {n:?}: rule {id} appears twice"));
                }
                if !action_ok(&r.action) {
                    p.push(format!(
                        "router access-list {n:?} rule {id}: action {:?} is neither permit nor deny",
                        r.action.as_deref().unwrap_or_default()
                    ));
                }
                if let Some(x) = r.prefix.as_deref() {
                    if x != "any" && (x.split_whitespace().count() > 2 || parse_subnet(x).is_none())
                    {
                        p.push(format!(
                            "router access-list {n:?} rule {id}: prefix {x:?} is not `any`, `A.B.C.D/L` or `A.B.C.D M.M.M.M`"
                        ));
                    }
                }
                if let Some(x) = r.wildcard.as_deref().filter(|x| !two_addrs(x)) {
                    p.push(format!(
                        "router access-list {n:?} rule {id}: wildcard {x:?} is not an address and a wildcard mask"
                    ));
                }
            }
        }
        p.extend(self.prefix_list_problems());
        let kept: BTreeSet<String> = self
            .other
            .iter()
            .filter(|o| {
                let h = o.lines().next().unwrap_or_default().trim();
                h == S_RACL || h == S_PFX
            })
            .flat_map(|o| edit_names(o))
            .chain(self.prefix_lists.keys().cloned())
            .collect();
        // Prefix lists by family, typed or kept as written.
        let pfx_named = |sec: &str| -> BTreeSet<String> {
            self.other
                .iter()
                .filter(|o| o.lines().next().unwrap_or_default().trim() == sec)
                .flat_map(|o| edit_names(o))
                .collect()
        };
        let mut pfx = pfx_named(S_PFX);
        pfx.extend(self.prefix_lists.keys().cloned());
        let mut pfx6 = pfx_named(S_PFX6);
        pfx6.extend(self.prefix_lists6.keys().cloned());
        let kept6: BTreeSet<String> = self
            .other
            .iter()
            .filter(|o| {
                let h = o.lines().next().unwrap_or_default().trim();
                h == "config router access-list6" || h == S_PFX6
            })
            .flat_map(|o| edit_names(o))
            .chain(self.prefix_lists6.keys().cloned())
            .collect();
        // BGP: router ID, AS numbers, announced prefixes, the route maps neighbors use.
        let asn = |v: &str| v.parse::<u32>().is_ok();
        if let Some(b) = &self.bgp {
            if let Some(v) = b.as_.as_deref().filter(|v| !asn(v)) {
                p.push(format!(
                    "router bgp: as {v:?} is not an AS number (0-4294967295)"
                ));
            }
            if let Some(v) = b
                .router_id
                .as_deref()
                .filter(|v| v.parse::<Ipv4Addr>().is_err())
            {
                p.push(format!(
                    "router bgp: router-id {v:?} is not an IPv4 address"
                ));
            }
        }
        let kept_maps: BTreeSet<String> = self
            .other
            .iter()
            .filter(|o| o.lines().next().unwrap_or_default().trim() == S_RMAP)
            .flat_map(|o| edit_names(o))
            .collect();
        let check_maps = !self.route_maps.is_empty() || !kept_maps.is_empty();
        for (ip, nb) in &self.bgp_neighbors {
            if ip.parse::<std::net::IpAddr>().is_err() {
                p.push(format!("router bgp neighbor {ip:?}: not an IP address"));
            }
            if let Some(v) = nb.remote_as.as_deref().filter(|v| !asn(v)) {
                p.push(format!(
                    "router bgp neighbor {ip}: remote-as {v:?} is not an AS number"
                ));
            }
            for (k, m) in [
                ("route-map-in", &nb.route_map_in),
                ("route-map-out", &nb.route_map_out),
            ] {
                if let Some(m) = m.as_deref() {
                    if check_maps && !self.route_maps.contains_key(m) && !kept_maps.contains(m) {
                        p.push(format!(
                            "router bgp neighbor {ip}: {k} {m:?} is not a defined route map"
                        ));
                    }
                }
            }
            // Prefix lists filtering the neighbor's routes (kept as written on the neighbor),
            // checked when the configuration states prefix lists of that family.
            for (k, lists) in [
                ("prefix-list-in", &pfx),
                ("prefix-list-out", &pfx),
                ("prefix-list-in6", &pfx6),
                ("prefix-list-out6", &pfx6),
            ] {
                let Some(v) = nb.extra.get(k) else { continue };
                let name = tokens(v).into_iter().next().unwrap_or_default();
                if !lists.is_empty() && !lists.contains(&name) {
                    p.push(format!(
                        "router bgp neighbor {ip}: {k} {name:?} is not a defined prefix list"
                    ));
                }
            }
        }
        for (id, n) in &self.bgp_networks {
            if let Some(x) = n.prefix.as_deref() {
                if x.split_whitespace().count() > 2 || parse_subnet(x).is_none() {
                    p.push(format!(
                        "router bgp network {id}: prefix {x:?} is not `A.B.C.D/L` or `A.B.C.D M.M.M.M`"
                    ));
                }
            }
        }
        let check_refs = !self.router_access_lists.is_empty() || !kept.is_empty();
        for (n, m) in &self.route_maps {
            let mut ids = BTreeSet::new();
            for (id, r) in &m.rules {
                if !ids.insert(*id) {
                    p.push(format!("router route-map {n:?}: rule {id} appears twice"));
                }
                if !action_ok(&r.action) {
                    p.push(format!(
                        "router route-map {n:?} rule {id}: action {:?} is neither permit nor deny",
                        r.action.as_deref().unwrap_or_default()
                    ));
                }
                if let Some(l) = r.match_ip6_address.as_deref() {
                    if !kept6.is_empty() && !kept6.contains(l) {
                        p.push(format!(
                            "router route-map {n:?} rule {id}: match-ip6-address {l:?} is not a defined IPv6 access list or prefix list"
                        ));
                    }
                }
                for (k, v) in [
                    ("match-ip-address", &r.match_ip_address),
                    ("match-ip-nexthop", &r.match_ip_nexthop),
                ] {
                    if let Some(l) = v.as_deref() {
                        if check_refs
                            && !self.router_access_lists.contains_key(l)
                            && !kept.contains(l)
                        {
                            p.push(format!(
                                "router route-map {n:?} rule {id}: {k} {l:?} is not a defined access list or prefix list"
                            ));
                        }
                    }
                }
            }
        }
        p
    }

    /// The problems of prefix lists: a rule id twice, an action other than permit / deny, a prefix
    /// that is not one, `ge` / `le` outside the address's length or `ge` above `le`.
    fn prefix_list_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        // (list kind, name, rules as (id, action, prefix, ge, le), the longest prefix length).
        let v4 = self.prefix_lists.iter().map(|(n, l)| {
            let rules: Vec<_> = l
                .rules
                .iter()
                .map(|(id, r)| (*id, &r.action, &r.prefix, &r.ge, &r.le))
                .collect();
            ("prefix-list", n, rules, 32u8)
        });
        let v6 = self.prefix_lists6.iter().map(|(n, l)| {
            let rules: Vec<_> = l
                .rules
                .iter()
                .map(|(id, r)| (*id, &r.action, &r.prefix6, &r.ge, &r.le))
                .collect();
            ("prefix-list6", n, rules, 128u8)
        });
        for (kind, n, rules, max) in v4.chain(v6) {
            let mut ids = BTreeSet::new();
            for (id, action, prefix, ge, le) in rules {
                let what = format!("router {kind} {n:?} rule {id}");
                if !ids.insert(id) {
                    p.push(format!("router {kind} {n:?}: rule {id} appears twice"));
                }
                if let Some(a) = action
                    .as_deref()
                    .filter(|a| !["permit", "deny"].contains(a))
                {
                    p.push(format!("{what}: action {a:?} is neither permit nor deny"));
                }
                if let Some(x) = prefix.as_deref().filter(|x| *x != "any") {
                    let ok = if max == 32 {
                        x.split_whitespace().count() <= 2 && parse_subnet(x).is_some()
                    } else {
                        x.split_once('/').is_some_and(|(a, l)| {
                            a.parse::<std::net::Ipv6Addr>().is_ok()
                                && l.parse::<u8>().is_ok_and(|l| l <= 128)
                        })
                    };
                    if !ok {
                        let form = if max == 32 {
                            "`any`, `A.B.C.D M.M.M.M` or `A.B.C.D/L`"
                        } else {
                            "`any` or `X:X::X/L`"
                        };
                        p.push(format!("{what}: prefix {x:?} is not {form}"));
                    }
                }
                let mut len = |k: &str, v: &Option<String>| -> Option<u8> {
                    let v = v.as_deref()?;
                    match v.parse::<u8>() {
                        Ok(l) if l <= max => Some(l),
                        _ => {
                            p.push(format!(
                                "{what}: {k} {v:?} is not a prefix length from 0 to {max}"
                            ));
                            None
                        }
                    }
                };
                let (g, l) = (len("ge", ge), len("le", le));
                if let (Some(g), Some(l)) = (g, l) {
                    if g > l {
                        p.push(format!(
                            "{what}: ge {g} is above le {l}: no prefix can match"
                        ));
                    }
                }
            }
        }
        p
    }

    /// The problems of replacement messages: `header` and `format` values FortiOS refuses.
    fn replacemsg_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        for (group, types) in &self.replacemsgs {
            for (t, m) in types {
                if let Some(h) = m
                    .header
                    .as_deref()
                    .filter(|h| !["none", "http", "8bit"].contains(h))
                {
                    p.push(format!(
                        "system replacemsg {group} {t:?}: header {h:?} is not none, http or 8bit"
                    ));
                }
                if let Some(f) = m
                    .format
                    .as_deref()
                    .filter(|f| !["none", "text", "html", "wml"].contains(f))
                {
                    p.push(format!(
                        "system replacemsg {group} {t:?}: format {f:?} is not none, text, html or wml"
                    ));
                }
            }
        }
        p
    }

    /// The problems of the typed keys of addresses, groups, services and policies that the device
    /// checks itself (UUID, wildcard, ICMP type and code, protocol number).
    fn typed_key_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let uuid_ok = |u: &str| {
            let parts: Vec<&str> = u.split('-').collect();
            parts.iter().map(|x| x.len()).eq([8, 4, 4, 4, 12])
                && parts
                    .iter()
                    .all(|x| x.chars().all(|c| c.is_ascii_hexdigit()))
        };
        let mut uuids: Vec<(String, &str)> = Vec::new();
        for (n, a) in &self.addresses {
            uuids.extend(a.uuid.as_deref().map(|u| (format!("address {n}"), u)));
            if let Some(w) = a.wildcard.as_deref() {
                let ws: Vec<&str> = w.split_whitespace().collect();
                if ws.len() != 2 || ws.iter().any(|x| x.parse::<Ipv4Addr>().is_err()) {
                    p.push(format!(
                        "address {n}: wildcard {w:?} is not an address and a wildcard mask (`A.B.C.D M.M.M.M`)"
                    ));
                }
            }
        }
        for (n, g) in &self.addrgrps {
            uuids.extend(g.uuid.as_deref().map(|u| (format!("address group {n}"), u)));
        }
        for (id, x) in &self.policies {
            uuids.extend(x.uuid.as_deref().map(|u| (format!("policy {id}"), u)));
        }
        for (what, u) in uuids {
            if !uuid_ok(u) {
                p.push(format!(
                    "{what}: uuid {u:?} is not a UUID (8-4-4-4-12 hexadecimal digits)"
                ));
            }
        }
        for (n, x) in &self.services {
            for (k, v, max) in [
                ("icmptype", &x.icmptype, 255u16),
                ("icmpcode", &x.icmpcode, 255),
                ("protocol-number", &x.protocol_number, 254),
            ] {
                if let Some(v) = v.as_deref() {
                    if !v.parse::<u16>().is_ok_and(|n| n <= max) {
                        p.push(format!(
                            "service {n}: {k} {v:?} is not a number from 0 to {max}"
                        ));
                    }
                }
            }
        }
        p
    }

    /// The problems of administrators and access profiles: an administrator's profile must
    /// exist (when the configuration states or keeps profiles; `super_admin` is built in), its
    /// trusted hosts must be IPv4 subnets. A password is never named.
    fn admin_problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let kept: BTreeSet<String> = self
            .other
            .iter()
            .filter(|o| o.lines().next().unwrap_or_default().trim() == S_ACCPROF)
            .flat_map(|o| edit_names(o))
            .collect();
        let check_profiles = !self.accprofiles.is_empty() || !kept.is_empty();
        for (n, a) in &self.admins {
            if let Some(prof) = a.accprofile.as_deref() {
                if check_profiles
                    && prof != "super_admin"
                    && !self.accprofiles.contains_key(prof)
                    && !kept.contains(prof)
                {
                    p.push(format!(
                        "system admin {n:?}: accprofile {prof:?} is not defined (add it to `config system accprofile`)"
                    ));
                }
            }
            let hosts = [
                &a.trusthost1,
                &a.trusthost2,
                &a.trusthost3,
                &a.trusthost4,
                &a.trusthost5,
                &a.trusthost6,
                &a.trusthost7,
                &a.trusthost8,
                &a.trusthost9,
                &a.trusthost10,
            ];
            for (i, h) in hosts.iter().enumerate() {
                if let Some(h) = h.as_deref() {
                    if h.split_whitespace().count() > 2 || parse_subnet(h).is_none() {
                        p.push(format!(
                            "system admin {n:?}: trusthost{} {h:?} is not an IPv4 subnet (`A.B.C.D M.M.M.M`)",
                            i + 1
                        ));
                    }
                }
            }
        }
        for (n, x) in &self.accprofiles {
            if let Some(sc) = x
                .scope
                .as_deref()
                .filter(|v| !["vdom", "global"].contains(v))
            {
                p.push(format!(
                    "system accprofile {n:?}: scope {sc:?} is neither `vdom` nor `global`"
                ));
            }
        }
        p
    }

    /// The ordered change set turning the live configuration `self` into `want`.
    ///
    /// Sections empty in `want` are not managed; within a managed section, entries absent from
    /// `want` are deleted (interfaces excepted: they are only changed), and in a managed entry only
    /// the keys `want` sets are compared.
    ///
    /// ```
    /// use hermes_netdev::fortios::FortiConfig;
    /// let live = FortiConfig::parse("config firewall policy\n    edit 1\n        set action accept\n    next\n    edit 2\n        set action deny\n    next\nend\n");
    /// let want = FortiConfig::parse("config firewall policy\n    edit 2\n        set action deny\n    next\n    edit 1\n        set action accept\n    next\nend\n");
    /// assert_eq!(live.diff(&want, "fgt").commands(), ["config firewall policy", "    move 2 before 1", "end"]);
    /// ```
    ///
    /// Multi-VDOM configurations are diffed per VDOM: the global part's changes are written inside
    /// `config global` ... `end`, each VDOM's inside `config vdom` / `edit NAME` ... `end` (their
    /// resources named `global: ...` and `vdom NAME: ...`); a VDOM of `want` the device lacks is
    /// created first; VDOMs absent from `want` are left alone. Global additions come first, then
    /// the VDOMs' changes, then global deletions.
    pub fn diff(&self, want: &FortiConfig, target: &str) -> hermes_core::ChangeSet {
        if self.vdoms.is_empty() && want.vdoms.is_empty() {
            return self.diff_flat(want, target);
        }
        use hermes_core::{Action, Change};
        fn wrapped(c: Change, scope: &str, head: &[&str]) -> Change {
            let mut w = Change::new(c.action, format!("{scope}: {}", c.resource));
            w.fields = c.fields;
            w.reason = c.reason;
            w.commands = head.iter().map(|h| h.to_string()).collect();
            w.commands.extend(c.commands);
            w.commands.push("end".into());
            w
        }
        let mut out = hermes_core::ChangeSet::new(target);
        let global = self.diff_flat(want, target);
        let (deletes, first): (Vec<Change>, Vec<Change>) = global
            .changes
            .into_iter()
            .partition(|c| c.action == Action::Delete);
        for c in first {
            out.push(wrapped(c, "global", &["config global"]));
        }
        let empty = FortiConfig::default();
        for v in &want.vdoms {
            let edit = format!("edit {}", v.name);
            let live = match self.vdom(&v.name) {
                Some(l) => l,
                None => {
                    out.push(
                        Change::new(Action::Create, format!("vdom {}", v.name))
                            .command("config vdom")
                            .command(edit.clone())
                            .command("next")
                            .command("end"),
                    );
                    &empty
                }
            };
            let scope = format!("vdom {}", v.name);
            for c in live.diff_flat(&v.config, target).changes {
                out.push(wrapped(c, &scope, &["config vdom", &edit]));
            }
        }
        for c in deletes {
            out.push(wrapped(c, "global", &["config global"]));
        }
        out
    }

    /// [`FortiConfig::diff`] of the fields other than `vdoms`.
    fn diff_flat(&self, want: &FortiConfig, target: &str) -> hermes_core::ChangeSet {
        let want_other: std::collections::HashSet<&str> =
            want.other.iter().map(String::as_str).collect();
        // Of an entry of a table nested in a settings section (NTP server, BGP neighbor or
        // network, OSPF area, network or interface, a redistribute block) `want` states, only the
        // keys it sets are compared (as in every entry).
        fn only_stated<K: Ord, T: EntryModel>(live: &mut BTreeMap<K, T>, want: &BTreeMap<K, T>) {
            for (id, s) in live.iter_mut() {
                if let Some(w) = want.get(id) {
                    let (wsets, wnested) = w.back();
                    let (mut sets, mut nested) = s.back();
                    sets.retain(|(k, _)| wsets.iter().any(|(wk, _)| wk == k));
                    nested.retain(|n| wnested.contains(n));
                    *s = T::read(&Entry {
                        sets,
                        nested,
                        ..Entry::default()
                    });
                }
            }
        }
        let mut v = self.clone();
        only_stated(&mut v.ntp_servers, &want.ntp_servers);
        only_stated(&mut v.bgp_neighbors, &want.bgp_neighbors);
        only_stated(&mut v.bgp_networks, &want.bgp_networks);
        only_stated(&mut v.bgp_redistribute, &want.bgp_redistribute);
        only_stated(&mut v.bgp_redistribute6, &want.bgp_redistribute6);
        only_stated(&mut v.ospf_areas, &want.ospf_areas);
        only_stated(&mut v.ospf_networks, &want.ospf_networks);
        only_stated(&mut v.ospf_interfaces, &want.ospf_interfaces);
        only_stated(&mut v.ospf_redistribute, &want.ospf_redistribute);
        let this = &v;
        // A FortiGate shows a password only encrypted (`ENC ...`): a password `want` states in
        // clear for an entry the device already has with a password (administrator, BGP
        // neighbor, IPsec phase 1, local user, RADIUS / LDAP server, OSPF interface, HA) cannot
        // be compared, and is not set again (else every run would change it and no read-back
        // would match): the device's own form stands in for it.
        let mut want = std::borrow::Cow::Borrowed(want);
        let clear =
            |p: &Option<hermes_core::Secret>| p.as_ref().is_some_and(|p| !is_enc(p.expose()));
        // Unless `want` asks for the secret to be set again (`rotate_secrets`: key rotation).
        macro_rules! keep_device_password {
            ($field:ident, $pw:ident, $table:literal) => {
                let table = $table;
                let names: Vec<String> = want
                    .$field
                    .iter()
                    .filter(|(n, w)| {
                        clear(&w.$pw) && !want.rotate_secrets.contains(&format!("{table}/{n}"))
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                for n in names {
                    if let Some(lp) = this.$field.get(&n).and_then(|l| l.$pw.clone()) {
                        if let Some(w) = want.to_mut().$field.get_mut(&n) {
                            w.$pw = Some(lp);
                        }
                    }
                }
            };
        }
        keep_device_password!(admins, password, "system admin");
        keep_device_password!(bgp_neighbors, password, "router bgp neighbor");
        keep_device_password!(phase1, psksecret, "vpn ipsec phase1-interface");
        keep_device_password!(users_local, passwd, "user local");
        keep_device_password!(user_radius, secret, "user radius");
        keep_device_password!(user_radius, secondary_secret, "user radius");
        keep_device_password!(user_ldap, password, "user ldap");
        keep_device_password!(
            ospf_interfaces,
            authentication_key,
            "router ospf ospf-interface"
        );
        if want.ha.as_ref().is_some_and(|h| clear(&h.password))
            && !want.rotate_secrets.contains(ROTATE_HA)
        {
            if let Some(lp) = this.ha.as_ref().and_then(|h| h.password.clone()) {
                if let Some(h) = want.to_mut().ha.as_mut() {
                    h.password = Some(lp);
                }
            }
        }
        let want: &FortiConfig = &want;
        let live_secs = this.sections();
        let want_secs = want.sections();
        let mut view = Vec::new();
        for (s, wentries, quoted) in &want_secs {
            let Some(wentries) = wentries else { continue };
            let Some((_, Some(lentries), _)) = live_secs.iter().find(|(x, _, _)| x == s) else {
                continue;
            };
            let mut v = Vec::new();
            // By name (the first entry of a name, as a search in order would find it).
            let mut by_name: std::collections::HashMap<&str, &Entry> = Default::default();
            for w in wentries {
                by_name.entry(w.name.as_str()).or_insert(w);
            }
            for le in lentries {
                let w = by_name.get(le.name.as_str()).copied();
                // Interfaces are only changed, never deleted; factory objects are never deleted.
                // Nor are administrators, access profiles, router access lists, prefix lists,
                // route maps, local users and RADIUS / LDAP servers the desired model does not
                // name (a user or server left out is not a user to lock out).
                if w.is_none()
                    && ([
                        S_IF,
                        S_ADMIN,
                        S_ACCPROF,
                        S_RACL,
                        S_RMAP,
                        S_PFX,
                        S_PFX6,
                        S_USER_LOCAL,
                        S_USER_RADIUS,
                        S_USER_LDAP,
                    ]
                    .contains(&s.as_ref())
                        || BUILTIN.contains(&le.name.as_str()))
                {
                    continue;
                }
                let mut e = le.clone();
                if let Some(w) = w {
                    e.sets.retain(|(k, _)| w.sets.iter().any(|(wk, _)| wk == k));
                    if is_single(s) && s != S_HA
                        || [S_RACL, S_RMAP, S_PFX, S_PFX6].contains(&s.as_ref())
                    {
                        // A settings block's sub-table (`config ntpserver`) is diffed entry by
                        // entry: kept when `want` has one of the same name.
                        let head = |b: &String| b.lines().next().unwrap_or_default().to_string();
                        e.nested
                            .retain(|n| w.nested.iter().any(|x| head(x) == head(n)));
                    } else {
                        e.nested.retain(|n| w.nested.contains(n));
                    }
                }
                v.push(e);
            }
            view.push((s.clone(), Some(v), *quoted));
        }
        let other: Vec<String> = self
            .other
            .iter()
            .filter(|o| want_other.contains(o.as_str()))
            .cloned()
            .collect();
        let a = render_sections(&view, &other);
        let b = want.render_flat();
        let (ta, tb) = (
            ConfigTree::parse(&a, Syntax::FortiOs),
            ConfigTree::parse(&b, Syntax::FortiOs),
        );
        crate::remediate::diff_trees(target, &ta, &tb)
    }

    /// FortiOS REST bodies per scope, for multi-VDOM configurations: first the global part's
    /// ([`FortiConfig::rest_bodies`], scope `None`), then each VDOM's (scope `Some(name)`: sent
    /// with `?vdom=NAME`). A single-VDOM configuration gives one scope, `None`.
    ///
    /// ```
    /// use hermes_netdev::fortios::FortiConfig;
    /// let cfg = FortiConfig::parse("config vdom\nedit dmz\nconfig firewall address\n    edit \"web\"\n        set subnet 10.0.30.0 255.255.255.0\n    next\nend\nend\n");
    /// let scopes = cfg.rest_bodies_per_vdom();
    /// assert_eq!(scopes[1].0.as_deref(), Some("dmz"));
    /// assert_eq!(scopes[1].1[0].0, "/api/v2/cmdb/firewall/address");
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn rest_bodies_per_vdom(
        &self,
    ) -> Vec<(Option<String>, Vec<(String, String, serde_json::Value)>)> {
        let mut out = vec![(None, self.rest_bodies())];
        for v in &self.vdoms {
            out.push((Some(v.name.clone()), v.config.rest_bodies()));
        }
        out
    }

    /// FortiOS REST (`/api/v2/cmdb/...`) bodies for every modelled entry, in dependency order:
    /// `(path, mkey, body)`. `PUT path/mkey` updates an entry, `POST path` creates it. Of a
    /// multi-VDOM configuration, the global part's only (see
    /// [`FortiConfig::rest_bodies_per_vdom`]).
    pub fn rest_bodies(&self) -> Vec<(String, String, serde_json::Value)> {
        let mut out = Vec::new();
        for (s, entries, _) in self.sections() {
            if s.starts_with(S_REPLACEMSG) {
                // `system.replacemsg/GROUP`, keyed by `msg-type`: written from the model below.
                let Some(entries) = entries else { continue };
                let (group, msg_type) = self
                    .replacemsgs
                    .iter()
                    .flat_map(|(g, ts)| ts.keys().map(move |t| (g, t)))
                    .find(|(g, t)| replacemsg_head(g, t) == s)
                    .expect("a replacement message section comes from the model");
                for e in entries {
                    out.push((
                        format!("/api/v2/cmdb/system.replacemsg/{group}"),
                        msg_type.clone(),
                        serde_json::Value::Object(rest_body("msg-type", msg_type, &e.sets)),
                    ));
                }
                continue;
            }
            let words: Vec<&str> = s.trim_start_matches("config ").split(' ').collect();
            let (last, head) = words.split_last().unwrap_or((&"", &[]));
            let path = format!("/api/v2/cmdb/{}/{last}", head.join("."));
            for e in entries.unwrap_or_default() {
                let key = match s.as_ref() {
                    S_POL => "policyid",
                    S_RT => "seq-num",
                    S_SNMP_COMM | S_DHCP => "id",
                    _ => "name",
                };
                let mut body = rest_body(key, &e.name, &e.sets);
                if s == S_ZONE {
                    // A zone's members are the `interface` table of `interface-name`s, even one.
                    if let Some((_, v)) = e.sets.iter().find(|(k, _)| k == "interface") {
                        let members = tokens(v)
                            .into_iter()
                            .map(|n| serde_json::json!({ "interface-name": n }))
                            .collect();
                        body.insert("interface".into(), serde_json::Value::Array(members));
                    }
                }
                if s == S_ADMIN {
                    // An administrator's VDOMs are a table of names, even one.
                    if let Some((_, v)) = e.sets.iter().find(|(k, _)| k == "vdom") {
                        let vdoms = tokens(v)
                            .into_iter()
                            .map(|n| serde_json::json!({ "name": n }))
                            .collect();
                        body.insert("vdom".into(), serde_json::Value::Array(vdoms));
                    }
                }
                let rules = match s.as_ref() {
                    S_RACL => self
                        .router_access_lists
                        .get(&e.name)
                        .map(|l| l.rest_rules()),
                    S_RMAP => self.route_maps.get(&e.name).map(|l| l.rest_rules()),
                    S_PFX => self.prefix_lists.get(&e.name).map(|l| l.rest_rules()),
                    S_PFX6 => self.prefix_lists6.get(&e.name).map(|l| l.rest_rules()),
                    _ => None,
                };
                if let Some(rules) = rules.filter(|r| r.as_array().is_some_and(|a| !a.is_empty())) {
                    body.insert("rule".into(), rules);
                }
                let tables: Vec<(&str, Vec<serde_json::Map<String, serde_json::Value>>)> =
                    match s.as_ref() {
                        S_BGP => vec![
                            ("neighbor", rest_rows("ip", &self.bgp_neighbors)),
                            ("network", rest_rows("id", &self.bgp_networks)),
                            ("redistribute", rest_rows("name", &self.bgp_redistribute)),
                            ("redistribute6", rest_rows("name", &self.bgp_redistribute6)),
                        ],
                        S_OSPF => vec![
                            ("area", rest_rows("id", &self.ospf_areas)),
                            ("network", rest_rows("id", &self.ospf_networks)),
                            ("ospf-interface", rest_rows("name", &self.ospf_interfaces)),
                            ("redistribute", rest_rows("name", &self.ospf_redistribute)),
                        ],
                        S_NTP => vec![("ntpserver", rest_rows("id", &self.ntp_servers))],
                        _ => Vec::new(),
                    };
                for (k, rows) in tables {
                    if !rows.is_empty() {
                        body.insert(
                            k.into(),
                            serde_json::Value::Array(
                                rows.into_iter().map(serde_json::Value::Object).collect(),
                            ),
                        );
                    }
                }
                out.push((
                    path.clone(),
                    e.name.clone(),
                    serde_json::Value::Object(body),
                ));
            }
        }
        out
    }
}

/// The REST rows of a table nested in a settings section, keyed by `key`.
fn rest_rows<K: ToString, T: EntryModel>(
    key: &str,
    m: &BTreeMap<K, T>,
) -> Vec<serde_json::Map<String, serde_json::Value>> {
    m.iter()
        .map(|(id, v)| rest_body(key, &id.to_string(), &v.back().0))
        .collect()
}

/// The REST body of one entry: its key (`key`: `name`, `policyid`... holding `name`, a number
/// when it is one; none for a settings block) and its `set`s as the CMDB writes them (lists as
/// arrays of objects).
fn rest_body(
    key: &str,
    name: &str,
    sets: &[(String, String)],
) -> serde_json::Map<String, serde_json::Value> {
    let mut body = serde_json::Map::new();
    if !name.is_empty() {
        let v = name
            .parse::<u64>()
            .map(serde_json::Value::from)
            .unwrap_or_else(|_| name.to_string().into());
        body.insert(key.to_string(), v);
    }
    for (k, v) in sets {
        let t = tokens(v);
        let is_list = v.starts_with('"') && t.len() > 1
            || matches!(
                k.as_str(),
                "srcintf"
                    | "dstintf"
                    | "srcaddr"
                    | "dstaddr"
                    | "service"
                    | "member"
                    | "mappedip"
                    | "monitor"
                    | "domain"
                    | "poolname"
                    | "groups"
                    | "users"
                    | "exclude-member"
                    | "set-community"
                    | "set-aspath"
            );
        let val = if is_list {
            serde_json::Value::Array(
                t.into_iter()
                    .map(|n| {
                        let key = match k.as_str() {
                            "mappedip" => "range",
                            "domain" => "domain",
                            "set-community" => "community",
                            "set-aspath" => "as",
                            _ => "name",
                        };
                        serde_json::json!({ key: n })
                    })
                    .collect(),
            )
        } else if v.starts_with('"') {
            serde_json::Value::from(t.into_iter().next().unwrap_or_default())
        } else {
            serde_json::Value::from(v.clone())
        };
        body.insert(k.clone(), val);
    }
    body
}

/// The names of the `edit` entries of a section written as text.
fn edit_names(block: &str) -> Vec<String> {
    let tree = ConfigTree::parse(block, Syntax::FortiOs);
    let mut out = Vec::new();
    for &r in tree.roots() {
        out.extend(entries(&tree, r).into_iter().map(|e| e.name));
    }
    out
}

/// Applies a table block to a keyed table as the device does: entries are added; a later block
/// editing an existing entry changes only the keys it sets (FortiOS semantics), so the merged entry
/// is rebuilt from the union; `delete` removes an entry, `clone` copies one under a new name, `move`
/// changes nothing (these tables are unordered). A command the device refuses is skipped, as the
/// CLI skips it and runs the next one (a configuration script or restore goes on after an error): an
/// `edit` whose name is not a key of the table (`edit abc` in a table keyed by number), a `delete`,
/// `move` or `clone` naming an entry the table lacks at that point, a `clone` onto an entry it has.
fn fill<K: Ord + Clone, T: Clone>(
    m: &mut BTreeMap<K, T>,
    ops: Vec<Op>,
    key: impl Fn(&str) -> Option<K>,
    f: impl Fn(&Entry) -> T,
    back: impl Fn(&T) -> (Vec<(String, String)>, Vec<String>),
) {
    for op in ops {
        let names: Vec<&str> = match &op {
            Op::Edit(e) => vec![&e.name],
            Op::Delete(x) => vec![x],
            Op::Move { name, other, .. } => vec![name, other],
            Op::Clone { from, to } => vec![from, to],
        };
        let Some(k) = names.into_iter().map(&key).collect::<Option<Vec<K>>>() else {
            continue;
        };
        match op {
            Op::Edit(e) => {
                let e = match m.get(&k[0]) {
                    Some(old) => {
                        let (sets, nested) = back(old);
                        merged(sets, nested, e)
                    }
                    None => merged(Vec::new(), Vec::new(), e),
                };
                m.insert(k[0].clone(), f(&e));
            }
            Op::Delete(_) => {
                m.remove(&k[0]);
            }
            Op::Move { .. } => {}
            Op::Clone { .. } => {
                if let Some(x) = m.get(&k[0]).cloned().filter(|_| !m.contains_key(&k[1])) {
                    m.insert(k[1].clone(), x);
                }
            }
        }
    }
}

/// Applies a `config firewall policy` block to the ordered policies as the device does: a new
/// policy goes last, an edited one keeps its place, `delete` removes one, `move A before|after B`
/// puts A next to B, `clone A to B` appends a copy numbered B. Commands the device refuses are
/// skipped (see [`fill_ordered`]).
fn fill_policies(policies: &mut Vec<(u32, Policy)>, ops: Vec<Op>) {
    fill_ordered(policies, ops, Policy::from_entry, |p: &Policy| {
        (p.to_sets(), p.nested.clone())
    })
}

/// Applies a block of an ordered table keyed by number (policies, `config rule` tables) as the
/// device does: new entries appended, an entry edited again changes only the keys it sets,
/// `delete` / `move` / `clone`. A command the device refuses is skipped, as the CLI skips it and
/// runs the next one: an `edit` whose id is not a number (its `set` lines with it), a `delete` or
/// `move` naming an entry the table lacks at that point, a `move` of an entry next to itself, a
/// `clone` of a missing entry or onto an existing one (batfish's firewall_policy_warn and
/// policy_defs_refs scripts).
fn fill_ordered<T: Clone>(
    table: &mut Vec<(u32, T)>,
    ops: Vec<Op>,
    read: impl Fn(&Entry) -> T,
    back: impl Fn(&T) -> (Vec<(String, String)>, Vec<String>),
) {
    let num = |s: &str| s.parse::<u32>().ok();
    let pos = |w: &Vec<(u32, T)>, id: u32| w.iter().position(|(x, _)| *x == id);
    for op in ops {
        match op {
            Op::Edit(e) => {
                let Some(id) = num(&e.name) else {
                    continue;
                };
                match pos(table, id) {
                    Some(i) => {
                        let (sets, nested) = back(&table[i].1);
                        let e = merged(sets, nested, e);
                        table[i].1 = read(&e);
                    }
                    None => {
                        let e = merged(Vec::new(), Vec::new(), e);
                        table.push((id, read(&e)));
                    }
                }
            }
            Op::Delete(x) => {
                if let Some(i) = num(&x).and_then(|id| pos(table, id)) {
                    table.remove(i);
                }
            }
            Op::Move { name, after, other } => {
                let (Some(a), Some(b)) = (num(&name), num(&other)) else {
                    continue;
                };
                if a == b || pos(table, b).is_none() {
                    continue;
                }
                let Some(i) = pos(table, a) else {
                    continue;
                };
                let p = table.remove(i);
                let j = pos(table, b).unwrap_or(0) + usize::from(after);
                table.insert(j, p);
            }
            Op::Clone { from, to } => {
                let (Some(a), Some(b)) = (num(&from), num(&to)) else {
                    continue;
                };
                if let (Some(i), None) = (pos(table, a), pos(table, b)) {
                    let p = table[i].1.clone();
                    table.push((b, p));
                }
            }
        }
    }
}

/// An existing entry (its `set`s and nested blocks) edited again by `e`: the keys `e` sets take
/// its values, the others keep theirs, nested blocks follow in order.
fn merged(mut sets: Vec<(String, String)>, mut nested: Vec<String>, mut e: Entry) -> Entry {
    sets.retain(|(k, _)| !e.unsets.contains(k));
    for (k, v) in e.sets.drain(..) {
        sets.retain(|(x, _)| *x != k);
        sets.push((k, v));
    }
    for (k, v) in e.appends.drain(..) {
        match sets.iter_mut().find(|(x, _)| *x == k) {
            Some((_, old)) => {
                if !old.is_empty() {
                    old.push(' ');
                }
                old.push_str(&v);
            }
            None => sets.push((k, v)),
        }
    }
    nested.append(&mut e.nested);
    e.sets = sets;
    e.nested = nested;
    e
}

fn render_sections(secs: &[Section], other: &[String]) -> String {
    let mut o = String::new();
    for (s, entries, quoted) in secs {
        let _ = writeln!(o, "{s}");
        let entries = entries.as_deref().unwrap_or_default();
        if is_single(s) {
            for e in entries {
                for (k, v) in &e.sets {
                    let _ = writeln!(o, "    set {k} {v}");
                }
                for n in &e.nested {
                    indent_block(&mut o, n, "    ");
                }
            }
        } else {
            for e in entries {
                if *quoted {
                    let _ = writeln!(o, "    edit {}", quote(&e.name));
                } else {
                    let _ = writeln!(o, "    edit {}", e.name);
                }
                for (k, v) in &e.sets {
                    let _ = writeln!(o, "        set {k} {v}");
                }
                for n in &e.nested {
                    indent_block(&mut o, n, "        ");
                }
                let _ = writeln!(o, "    next");
            }
        }
        let _ = writeln!(o, "end");
    }
    for b in other {
        let _ = writeln!(o, "{b}");
    }
    o
}

/// Writes a nested block indented by `pad`: each line that starts a statement; a line that
/// continues a quoted value (a multi-line `set buffer "..."`, a certificate) is part of the value
/// and is written as it is.
fn indent_block(o: &mut String, block: &str, pad: &str) {
    let (mut q, mut sq) = (false, false);
    for l in block.lines() {
        if q || sq {
            let _ = writeln!(o, "{l}");
        } else {
            let _ = writeln!(o, "{pad}{l}");
        }
        let mut chars = l.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if !sq => {
                    chars.next();
                }
                '"' if !sq => q = !q,
                '\'' if !q => sq = !sq,
                _ => {}
            }
        }
    }
}

/// Parses `A.B.C.D M.M.M.M` or `A.B.C.D/L` as FortiOS writes subnets.
pub fn parse_subnet(s: &str) -> Option<Ipv4Net> {
    let mut w = s.split_whitespace();
    let a = w.next()?;
    let m = w.next();
    let n = Ipv4Net::parse(a, m)?;
    let _: Ipv4Addr = n.addr;
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_quotes() {
        assert_eq!(tokens("\"a b\" c \"\""), ["a b", "c", ""]);
        assert_eq!(quote("x\"y"), "\"x\\\"y\"");
        assert_eq!(tokens(&quote("x\"y")), ["x\"y"]);
    }

    #[test]
    fn rest_bodies_follow_cmdb_shapes() {
        let c = FortiConfig::parse("config firewall policy\n    edit 7\n        set srcaddr \"a\" \"b\"\n        set action accept\n        set name \"p\"\n    next\nend\n");
        let b = c.rest_bodies();
        assert_eq!(b[0].0, "/api/v2/cmdb/firewall/policy");
        assert_eq!(b[0].2["policyid"], 7);
        assert_eq!(b[0].2["srcaddr"][1]["name"], "b");
        assert_eq!(b[0].2["action"], "accept");
        assert_eq!(b[0].2["name"], "p");
    }
}
