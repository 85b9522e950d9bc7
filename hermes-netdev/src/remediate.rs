//! The differ: running tree vs desired tree → a minimal, ordered [`ChangeSet`] of exact command lines.
//!
//! Rules (the same for a typed model, which is rendered to a tree first, and for raw configurations):
//! - One [`Change`] per top-level section (`vlan 10`, `interface Ethernet1/1`, `config firewall policy`),
//!   whose `commands` are the exact lines to type in configuration mode.
//! - Additions and updates come first, ordered by dependency weight (features, VLANs, ACLs and objects,
//!   port-channels, interfaces, SVIs, routing, routes); deletions come after them in the reverse order,
//!   so a VLAN is created before a port is assigned to it, members leave a port-channel before it is
//!   deleted, and a FortiOS policy is deleted before the addresses it uses.
//! - Value lines that overwrite each other (`description`, `ip address`, `switchport access vlan`,
//!   `standby 1 priority`...) are replaced in place, without a `no` first; lines that were removed get
//!   their `no` form (`no 10` for a sequence-numbered ACL entry).
//! - An ACL without sequence numbers (IOS) whose entries changed is replaced as a whole in one change
//!   (`no ip access-list ...` then the new list), because its order is its meaning.
//! - FortiOS: `set`/`unset` inside `config`/`edit`, `delete` for removed entries, and `move X before Y`
//!   so ordered tables (firewall policies) end up in the desired order.

use std::collections::{HashMap, HashSet};

use hermes_core::{Action, Change, ChangeSet};

use crate::tree::{ConfigTree, NodeId, NodeKind, Syntax};

/// Computes the ordered change set that turns `running` into `desired`.
///
/// ```
/// use hermes_netdev::{remediate::diff_trees, tree::{ConfigTree, Syntax}};
/// let run = ConfigTree::parse("vlan 10\n name old\ninterface Gi1/0/1\n switchport access vlan 10\n", Syntax::Cisco);
/// let want = ConfigTree::parse("vlan 10\n name users\nvlan 20\ninterface Gi1/0/1\n switchport access vlan 20\n", Syntax::Cisco);
/// let plan = diff_trees("sw1", &run, &want);
/// assert_eq!(plan.commands(), ["vlan 10", " name users", "vlan 20", "interface Gi1/0/1", " switchport access vlan 20"]);
/// ```
pub fn diff_trees(target: &str, running: &ConfigTree<'_>, desired: &ConfigTree<'_>) -> ChangeSet {
    let mut first: Vec<(u8, Change)> = Vec::new();
    let mut later: Vec<(u8, Change)> = Vec::new();
    match desired.syntax() {
        Syntax::Cisco => cisco_top(running, desired, &mut first, &mut later),
        Syntax::FortiOs => forti_top(running, desired, &mut first, &mut later),
    }
    first.sort_by_key(|(w, _)| *w);
    later.sort_by_key(|(w, _)| std::cmp::Reverse(*w));
    let mut cs = ChangeSet::new(target);
    for (_, c) in first.into_iter().chain(later) {
        cs.push(c);
    }
    cs
}

/// Command nodes among `ids` by text, each with every node of that text in order (a section can be
/// entered more than once; its blocks then add up to one section).
fn blocks<'a>(tree: &ConfigTree<'a>, ids: &[NodeId]) -> HashMap<&'a str, Vec<NodeId>> {
    let mut m: HashMap<&'a str, Vec<NodeId>> = HashMap::with_capacity(ids.len());
    for &id in ids {
        if is_cmd(tree, id) {
            m.entry(tree.node(id).text).or_default().push(id);
        }
    }
    m
}

fn is_cmd(tree: &ConfigTree<'_>, id: NodeId) -> bool {
    tree.node(id).kind != NodeKind::Comment
}

fn index<'a>(tree: &ConfigTree<'a>, ids: &[NodeId]) -> HashMap<&'a str, NodeId> {
    let mut m = HashMap::with_capacity(ids.len());
    for &id in ids {
        if is_cmd(tree, id) {
            m.insert(tree.node(id).text, id);
        }
    }
    m
}

// ---------------------------------------------------------------------------------------------
// Cisco
// ---------------------------------------------------------------------------------------------

/// Dependency weight of a Cisco top-level line: lower goes first when adding, last when deleting.
pub fn cisco_weight(line: &str) -> u8 {
    let l = line.strip_prefix("no ").unwrap_or(line);
    let lower = l.to_ascii_lowercase();
    if lower.starts_with("feature ") {
        0
    } else if lower.starts_with("role name ") {
        5 // before the `username X role Y` lines that name it
    } else if lower.starts_with("vlan ") {
        10
    } else if lower.starts_with("vrf ")
        || lower.starts_with("ip vrf ")
        || lower.starts_with("key chain")
        || lower.starts_with("track ")
        || lower.starts_with("object-group")
    {
        15
    } else if lower.starts_with("ip access-list")
        || lower.starts_with("ipv6 access-list")
        || lower.starts_with("access-list ")
        || lower.starts_with("ip prefix-list")
        || lower.starts_with("route-map")
        || lower.starts_with("class-map")
        || lower.starts_with("policy-map")
    {
        20
    } else if lower.starts_with("interface port-channel") {
        30
    } else if lower.starts_with("interface vlan") {
        45
    } else if lower.starts_with("interface ") {
        40
    } else if lower.starts_with("router ") {
        50
    } else if lower.starts_with("ip route") || lower.starts_with("vrf context") {
        60
    } else {
        70
    }
}

/// The key under which a value line overwrites another (`description A` replaces `description B`).
pub fn replace_key(line: &str) -> Option<String> {
    let l = line.strip_prefix("no ").unwrap_or(line);
    let w: Vec<&str> = l.split_whitespace().collect();
    let first = *w.first()?;
    if first.bytes().all(|b| b.is_ascii_digit()) {
        return None; // sequence-numbered entries: removed with `no N`, never overwritten
    }
    let secondary = w.last() == Some(&"secondary");
    let take = |n: usize| Some(w[..n.min(w.len())].join(" "));
    match first {
        // IOS-XE `speed nonegotiate` stands beside `speed N`.
        "speed" if w.get(1) == Some(&"nonegotiate") => take(2),
        "hostname" | "description" | "mtu" | "shutdown" | "speed" | "duplex" | "name"
        | "priority" | "router-id" | "timers" | "authentication" | "state" | "bandwidth"
        | "channel-group" | "version" | "preempt" | "mac-address" => take(1),
        "switchport" if w.len() == 1 => take(1),
        "switchport" if w.get(1) == Some(&"mode") => take(2),
        "switchport" if w.get(1) == Some(&"access") => take(3),
        "switchport" if w.get(1) == Some(&"voice") => take(3),
        // Port security: the bare switch, then one value per setting.
        "switchport" if w.get(1) == Some(&"port-security") => match w.get(2) {
            None => take(2),
            Some(&("maximum" | "violation")) if w.len() == 4 => take(3),
            Some(&"aging") if w.len() == 5 => take(4),
            _ => None,
        },
        "switchport" if w.get(1) == Some(&"trunk") && w.get(2) != Some(&"allowed") => take(4),
        "switchport" if w.get(1) == Some(&"trunk") && w.get(3) == Some(&"vlan") => {
            // `allowed vlan add/remove` are deltas, not values
            match w.get(4) {
                Some(&"add") | Some(&"remove") | Some(&"except") => None,
                _ => take(4),
            }
        }
        "ip" | "address" if secondary => None,
        "ip" if w.get(1) == Some(&"address") => take(2),
        "ip" if w.get(1) == Some(&"access-group") => Some(format!(
            "ip access-group {}",
            w.last().copied().unwrap_or_default()
        )),
        "ip" if matches!(w.get(1), Some(&"domain-name") | Some(&"domain")) => take(3),
        "ip" if w.len() == 2 => take(1), // NX-OS `hsrp N` / `vrrp N` child `ip X`
        "address" => take(1),
        // IOS HSRP group 0, written without its number (`standby ip 10.0.0.1`).
        "standby"
            if !secondary
                && matches!(
                    w.get(1),
                    Some(&("ip" | "priority" | "timers" | "authentication" | "name"))
                ) =>
        {
            take(2)
        }
        "standby" | "vrrp" if w.len() == 2 && first == "standby" => take(2),
        "standby" | "vrrp" | "hsrp" => match w.get(2) {
            Some(&"ip")
            | Some(&"priority")
            | Some(&"timers")
            | Some(&"preempt")
            | Some(&"authentication")
            | Some(&"description")
            | Some(&"name") => take(3),
            _ if w.get(1) == Some(&"version") => take(2),
            _ => None,
        },
        "lacp" if w.get(1) == Some(&"rate") => take(2),
        "spanning-tree" if matches!(w.get(1), Some(&"port") | Some(&"portfast")) => take(2),
        // Port settings with one value each (`spanning-tree guard root` → `... loop`).
        "spanning-tree"
            if matches!(
                w.get(1),
                Some(&("guard" | "bpduguard" | "bpdufilter" | "link-type"))
            ) =>
        {
            take(2)
        }
        "negotiation" => take(1),
        "priority-flow-control" if w.get(1) == Some(&"mode") => take(2),
        // Terminal line settings (`line vty 0 4`): one value each.
        "exec-timeout" | "password" | "stopbits" => take(1),
        "privilege" if w.get(1) == Some(&"level") => take(2),
        "transport" if matches!(w.get(1), Some(&("input" | "output" | "preferred"))) => take(2),
        "access-class" if w.len() == 3 => Some(format!("access-class {}", w[2])),
        // IOS global switches, shown as `X` or `no X`.
        "service" if w.get(1) == Some(&"timestamps") => take(3),
        "service" if w.len() == 2 => take(2),
        "ip" if w.get(1) == Some(&"http") && w.len() == 3 => take(3),
        "snmp-server" if matches!(w.get(1), Some(&"location") | Some(&"contact")) => take(2),
        "logging" if w.get(1) == Some(&"buffered") => take(2),
        "clock" if w.get(1) == Some(&"timezone") => take(2),
        _ => None,
    }
}

/// The `no` form of a line.
pub fn negate(line: &str) -> String {
    if let Some(rest) = line.strip_prefix("no ") {
        return rest.to_string();
    }
    let mut w = line.split_whitespace();
    let first = w.next().unwrap_or_default();
    if first.bytes().all(|b| b.is_ascii_digit()) && !first.is_empty() {
        return format!("no {first}");
    }
    match first {
        "description" | "name" | "mtu" | "channel-group" | "hostname" => format!("no {first}"),
        // An NX-OS role rule is removed by its number (`no rule N`).
        "rule" => match w.next() {
            Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => format!("no rule {n}"),
            _ => format!("no {line}"),
        },
        _ if line.starts_with("switchport voice vlan") => "no switchport voice vlan".to_string(),
        _ if line.starts_with("switchport trunk allowed vlan") => {
            "no switchport trunk allowed vlan".to_string()
        }
        _ => format!("no {line}"),
    }
}

fn is_acl_section(text: &str) -> bool {
    text.starts_with("ip access-list ")
        || text.starts_with("ipv6 access-list ")
        || text.starts_with("mac access-list ")
}

fn is_physical_interface(text: &str) -> bool {
    let Some(name) = text.strip_prefix("interface ") else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    !(lower.starts_with("port-channel")
        || lower.starts_with("vlan")
        || lower.starts_with("loopback")
        || lower.starts_with("tunnel")
        || lower.starts_with("nve")
        || lower.starts_with("bdi")
        || name.contains('.'))
}

fn subtree_lines(tree: &ConfigTree<'_>, id: NodeId, depth: usize, out: &mut Vec<String>) {
    let n = tree.node(id);
    if n.kind == NodeKind::Comment {
        return;
    }
    if depth > 0 && is_mode_exit(n.text) {
        return; // the differ leaves sub-modes itself (`exit` below)
    }
    out.push(format!("{:d$}{}", "", n.text, d = depth));
    let kids = tree.children(id);
    for &c in kids {
        subtree_lines(tree, c, depth + 1, out);
    }
    // A nested sub-mode (`hsrp 10` inside an interface) is left explicitly: the lines are typed
    // flat. An address family is a sub-mode even when empty (`address-family ipv6` in a VRF).
    if depth > 0 && (kids.iter().any(|&c| is_cmd(tree, c)) || n.text.starts_with("address-family "))
    {
        out.push(format!("{:d$}exit", "", d = depth));
    }
}

/// A line that only closes a sub-mode as the device shows it (IOS `exit-address-family` after a
/// VRF's or BGP's address family): never negated nor typed on its own, since the differ leaves
/// every sub-mode it enters with `exit`.
fn is_mode_exit(text: &str) -> bool {
    text == "exit-address-family"
}

/// The commands that turn the children of `r` into the children of `w` (at `depth`).
fn cisco_children(
    run: &ConfigTree<'_>,
    r: &[NodeId],
    want: &ConfigTree<'_>,
    w: &[NodeId],
    depth: usize,
    out: &mut Vec<String>,
) {
    let ri = index(run, r);
    let wi = index(want, w);
    let pad = |s: &str| format!("{:d$}{}", "", s, d = depth);
    // Keys the desired side sets: a running line with the same key is overwritten, not negated.
    let wanted_keys: HashSet<String> = w
        .iter()
        .filter(|&&id| is_cmd(want, id) && !ri.contains_key(want.node(id).text))
        .filter_map(|&id| replace_key(want.node(id).text))
        .collect();
    for &id in r {
        if !is_cmd(run, id) {
            continue;
        }
        let t = run.node(id).text;
        if wi.contains_key(t) || is_mode_exit(t) {
            continue;
        }
        if replace_key(t).is_some_and(|k| wanted_keys.contains(&k)) {
            continue;
        }
        out.push(pad(&negate(t)));
    }
    let (rb, wb) = (blocks(run, r), blocks(want, w));
    for &id in w {
        if !is_cmd(want, id) {
            continue;
        }
        let t = want.node(id).text;
        if is_mode_exit(t) {
            continue;
        }
        let wids = &wb[t];
        if ri.contains_key(t) && wids[0] != id {
            continue; // diffed together with the first block of the same text
        }
        match rb.get(t) {
            None => subtree_lines(want, id, depth, out),
            Some(rids) => {
                let (rc, wc) = (children_of(run, rids), children_of(want, wids));
                if rc.is_empty() && wc.is_empty() {
                    continue;
                }
                let mut sub = Vec::new();
                cisco_children(run, &rc, want, &wc, depth + 1, &mut sub);
                if !sub.is_empty() {
                    out.push(pad(t));
                    out.append(&mut sub);
                    out.push(pad("exit"));
                }
            }
        }
    }
}

fn acl_lines<'a>(tree: &ConfigTree<'a>, ids: &[NodeId]) -> Vec<&'a str> {
    ids.iter()
        .filter(|&&i| is_cmd(tree, i))
        .map(|&i| tree.node(i).text)
        .collect()
}

fn numbered_acl(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("access-list ")?;
    rest.split_whitespace().next()
}

fn cisco_top(
    run: &ConfigTree<'_>,
    want: &ConfigTree<'_>,
    first: &mut Vec<(u8, Change)>,
    later: &mut Vec<(u8, Change)>,
) {
    let ri = index(run, run.roots());
    let wi = index(want, want.roots());
    // Numbered ACLs (`access-list 101 ...` top-level lines) are compared as ordered groups.
    let group = |tree: &ConfigTree<'_>| {
        let mut g: HashMap<String, Vec<String>> = HashMap::new();
        for &id in tree.roots() {
            if let Some(n) = numbered_acl(tree.node(id).text) {
                g.entry(n.to_string())
                    .or_default()
                    .push(tree.node(id).text.to_string());
            }
        }
        g
    };
    let (rg, wg) = (group(run), group(want));
    let mut acl_names: Vec<&String> = wg.keys().chain(rg.keys()).collect();
    acl_names.sort();
    acl_names.dedup();
    for name in acl_names {
        let res = format!("access-list {name}");
        match (rg.get(name), wg.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (None, Some(b)) => first.push((20, change(Action::Create, &res, b.clone()))),
            (Some(_), None) => {
                later.push((20, change(Action::Delete, &res, vec![format!("no {res}")])))
            }
            (Some(_), Some(b)) => {
                let mut cmds = vec![format!("no {res}")];
                cmds.extend(b.iter().cloned());
                first.push((
                    20,
                    change(Action::Replace, &res, cmds)
                        .reason("entries are ordered: the list is rewritten"),
                ));
            }
            (None, None) => {}
        }
    }

    let run_top_keys: HashMap<String, NodeId> = run
        .roots()
        .iter()
        .filter(|&&id| is_cmd(run, id) && run.children(id).is_empty())
        .filter_map(|&id| replace_key(run.node(id).text).map(|k| (k, id)))
        .collect();
    let mut replaced: HashSet<NodeId> = HashSet::new();

    let (rb, wb) = (blocks(run, run.roots()), blocks(want, want.roots()));
    for &id in want.roots() {
        if !is_cmd(want, id) {
            continue;
        }
        let t = want.node(id).text;
        if numbered_acl(t).is_some() {
            continue;
        }
        let wids = &wb[t];
        if ri.contains_key(t) && wids[0] != id {
            continue; // a section entered again: diffed with its first block
        }
        let weight = cisco_weight(t);
        match rb.get(t).map(|v| v[0]) {
            None => {
                if want.children(id).is_empty() {
                    if let Some(&rid) = replace_key(t).and_then(|k| run_top_keys.get(&k)) {
                        if !wi.contains_key(run.node(rid).text) {
                            replaced.insert(rid);
                            first.push((weight, change(Action::Update, t, vec![t.to_string()])));
                            continue;
                        }
                    }
                }
                let mut cmds = Vec::new();
                subtree_lines(want, id, 0, &mut cmds);
                first.push((weight, change(Action::Create, t, cmds)));
            }
            Some(_) => {
                let (rc, wc) = (children_of(run, &rb[t]), children_of(want, wids));
                let (rc, wc) = (rc.as_slice(), wc.as_slice());
                if is_acl_section(t) && !rc.is_empty() {
                    let seq = |tree: &ConfigTree<'_>, ids: &[NodeId]| {
                        ids.iter().filter(|&&i| is_cmd(tree, i)).all(|&i| {
                            let x = tree.node(i).text;
                            crate::cisco::is_acl_option(x)
                                || x.split_whitespace()
                                    .next()
                                    .is_some_and(|f| f.bytes().all(|b| b.is_ascii_digit()))
                        })
                    };
                    if !(seq(run, rc) && seq(want, wc)) {
                        if acl_lines(run, rc) != acl_lines(want, wc) {
                            let mut cmds = vec![format!("no {t}")];
                            subtree_lines(want, id, 0, &mut cmds);
                            first.push((
                                weight,
                                change(Action::Replace, t, cmds)
                                    .reason("entries are ordered: the list is rewritten"),
                            ));
                        }
                        continue;
                    }
                }
                let mut sub = Vec::new();
                cisco_children(run, rc, want, wc, 1, &mut sub);
                if !sub.is_empty() {
                    let mut cmds = vec![t.to_string()];
                    cmds.append(&mut sub);
                    first.push((weight, change(Action::Update, t, cmds)));
                }
            }
        }
    }
    for &id in run.roots() {
        if !is_cmd(run, id) || replaced.contains(&id) {
            continue;
        }
        let t = run.node(id).text;
        if wi.contains_key(t) || numbered_acl(t).is_some() {
            continue;
        }
        let weight = cisco_weight(t);
        if is_physical_interface(t) {
            later.push((
                weight,
                change(Action::Replace, t, vec![format!("default {t}")])
                    .reason("a physical interface cannot be deleted: it is reset to defaults"),
            ));
        } else if run.node(id).kind == NodeKind::Block {
            let kind = t.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
            later.push((
                weight,
                change(Action::Delete, &kind, vec![format!("no {kind}")]),
            ));
        } else {
            later.push((weight, change(Action::Delete, t, vec![negate(t)])));
        }
    }
}

fn change(action: Action, resource: &str, commands: Vec<String>) -> Change {
    let mut c = Change::new(action, resource);
    c.commands = commands;
    c
}

// ---------------------------------------------------------------------------------------------
// FortiOS
// ---------------------------------------------------------------------------------------------

/// Dependency weight of a FortiOS `config` section.
pub fn forti_weight(section: &str) -> u8 {
    let s = section.trim_start_matches("config ");
    match s {
        "system ha" => 5,
        "system interface" => 10,
        "system zone" => 15,
        // After the interface it serves.
        "system dhcp server" => 16,
        // Authentication servers before the users they check, users before their groups.
        "user radius" | "user ldap" | "user tacacs+" => 16,
        "user local" => 17,
        "user group" => 18,
        "firewall address"
        | "firewall address6"
        | "firewall service custom"
        | "firewall schedule recurring"
        | "firewall schedule onetime" => 20,
        "firewall addrgrp"
        | "firewall addrgrp6"
        | "firewall service group"
        | "firewall schedule group" => 25,
        // Certificates before the tunnels that present them.
        "vpn certificate local" | "vpn certificate ca" | "vpn certificate remote" => 28,
        "vpn ipsec phase1-interface" => 30,
        "vpn ipsec phase2-interface" => 35,
        "firewall vip" => 40,
        "firewall vipgrp" => 42,
        // What a policy names besides addresses and services: IP pools, traffic shapers and the
        // security profiles.
        "firewall ippool"
        | "firewall shaper traffic-shaper"
        | "firewall shaper per-ip-shaper"
        | "firewall ssl-ssh-profile"
        | "firewall profile-protocol-options"
        | "antivirus profile"
        | "webfilter profile"
        | "dnsfilter profile"
        | "ips sensor"
        | "application list"
        | "emailfilter profile"
        | "spamfilter profile"
        | "dlp sensor"
        | "file-filter profile"
        | "voip profile"
        | "waf profile"
        | "icap profile"
        | "videofilter profile" => 45,
        "router static" => 50,
        "router access-list"
        | "router prefix-list"
        | "router aspath-list"
        | "router community-list" => 52,
        "router route-map" => 54,
        "firewall policy" => 60,
        _ => 70,
    }
}

/// Tables whose entry order is meaningful (first match wins).
fn ordered_table(section: &str) -> bool {
    matches!(
        section,
        "config firewall policy"
            | "config firewall policy6"
            | "config router policy"
            // The rules of FortiOS router access lists, prefix lists and route maps.
            | "config rule"
    )
}

fn set_key(t: &str) -> Option<&str> {
    let rest = t
        .strip_prefix("set ")
        .or_else(|| t.strip_prefix("unset "))?;
    rest.split_whitespace().next()
}

fn edit_name(t: &str) -> Option<&str> {
    t.strip_prefix("edit ")
}

fn forti_subtree(tree: &ConfigTree<'_>, id: NodeId, depth: usize, out: &mut Vec<String>) {
    let n = tree.node(id);
    if n.kind == NodeKind::Comment {
        return;
    }
    out.push(format!("{:d$}{}", "", n.text, d = depth * 4));
    for &c in tree.children(id) {
        forti_subtree(tree, c, depth + 1, out);
    }
    if n.text.starts_with("config ") {
        out.push(format!("{:d$}end", "", d = depth * 4));
    } else if n.text.starts_with("edit ") {
        out.push(format!("{:d$}next", "", d = depth * 4));
    }
}

/// Diff of one body (the inside of a `config` or `edit`). Deletions of entries go to `deletes`.
#[allow(clippy::too_many_arguments)]
fn forti_body(
    run: &ConfigTree<'_>,
    r: &[NodeId],
    want: &ConfigTree<'_>,
    w: &[NodeId],
    depth: usize,
    section: &str,
    out: &mut Vec<String>,
    deletes: &mut Vec<String>,
) {
    let pad = |s: &str| format!("{:d$}{}", "", s, d = depth * 4);
    // A key set twice in one body takes its last value; an entry or sub-table edited twice in one
    // body is one entry whose lines are those of every block, in order.
    let keyed = |tree: &ConfigTree<'_>, ids: &[NodeId]| {
        let mut sets: HashMap<String, NodeId> = HashMap::new();
        let mut edits: HashMap<String, Vec<NodeId>> = HashMap::new();
        let mut configs: HashMap<String, Vec<NodeId>> = HashMap::new();
        for &id in ids {
            let t = tree.node(id).text;
            if tree.node(id).kind == NodeKind::Comment {
                continue;
            }
            if let Some(k) = set_key(t) {
                sets.insert(k.to_string(), id);
            } else if let Some(n) = edit_name(t) {
                edits.entry(unquote(n).to_string()).or_default().push(id);
            } else if t.starts_with("config ") {
                configs.entry(t.to_string()).or_default().push(id);
            }
        }
        (sets, edits, configs)
    };
    let (rs, re, rc) = keyed(run, r);
    let (ws, we, wc) = keyed(want, w);
    // unset keys that disappeared
    for &id in r {
        let t = run.node(id).text;
        if let Some(k) = set_key(t) {
            if t.starts_with("set ") && rs.get(k) == Some(&id) && !ws.contains_key(k) {
                out.push(pad(&format!("unset {k}")));
            }
        }
    }
    for &id in r {
        if let Some(n) = edit_name(run.node(id).text) {
            if !we.contains_key(unquote(n)) && re.get(unquote(n)).map(|v| v[0]) == Some(id) {
                deletes.push(pad(&format!("delete {n}")));
            }
        }
    }
    for &id in w {
        let n = want.node(id);
        if n.kind == NodeKind::Comment {
            continue;
        }
        let t = n.text;
        if let Some(k) = set_key(t) {
            if ws.get(k) == Some(&id) && rs.get(k).map(|&x| run.node(x).text) != Some(t) {
                out.push(pad(t));
            }
        } else if let Some(name) = edit_name(t) {
            let wids = &we[unquote(name)];
            if wids[0] != id {
                continue; // diffed with the first block of this entry
            }
            match re.get(unquote(name)) {
                None => {
                    for &x in wids {
                        forti_subtree(want, x, depth, out);
                    }
                }
                Some(rids) => {
                    let mut sub = Vec::new();
                    let mut subdel = Vec::new();
                    forti_body(
                        run,
                        &children_of(run, rids),
                        want,
                        &children_of(want, wids),
                        depth + 1,
                        "",
                        &mut sub,
                        &mut subdel,
                    );
                    sub.extend(subdel);
                    if !sub.is_empty() {
                        out.push(pad(t));
                        out.append(&mut sub);
                        out.push(pad("next"));
                    }
                }
            }
        } else if t.starts_with("config ") {
            let wids = &wc[t];
            if wids[0] != id {
                continue;
            }
            match rc.get(t) {
                None => {
                    for &x in wids {
                        forti_subtree(want, x, depth, out);
                    }
                }
                Some(rids) => {
                    let mut sub = Vec::new();
                    let mut subdel = Vec::new();
                    forti_body(
                        run,
                        &children_of(run, rids),
                        want,
                        &children_of(want, wids),
                        depth + 1,
                        t,
                        &mut sub,
                        &mut subdel,
                    );
                    sub.extend(subdel);
                    if !sub.is_empty() {
                        out.push(pad(t));
                        out.append(&mut sub);
                        out.push(pad("end"));
                    }
                }
            }
        } else if !r.iter().any(|&x| run.node(x).text == t) {
            out.push(pad(t));
        }
    }
    if ordered_table(section) {
        // Simulate the table after this change: kept entries in running order, new ones appended.
        // An entry edited twice takes the place of its first block.
        let mut sim: Vec<String> = r
            .iter()
            .filter(|&&id| edit_name(run.node(id).text).is_some_and(|n| re[unquote(n)][0] == id))
            .filter_map(|&id| edit_name(run.node(id).text).map(|n| unquote(n).to_string()))
            .filter(|n| we.contains_key(n))
            .collect();
        let desired: Vec<String> = w
            .iter()
            .filter(|&&id| edit_name(want.node(id).text).is_some_and(|n| we[unquote(n)][0] == id))
            .filter_map(|&id| edit_name(want.node(id).text).map(|n| unquote(n).to_string()))
            .collect();
        let present: HashSet<String> = sim.iter().cloned().collect();
        for n in &desired {
            if !present.contains(n) {
                sim.push(n.clone());
            }
        }
        for (i, n) in desired.iter().enumerate() {
            if sim[i] != *n {
                let before = sim[i].clone();
                out.push(pad(&format!("move {n} before {before}")));
                let from = sim.iter().position(|x| x == n).unwrap_or(i);
                let item = sim.remove(from);
                sim.insert(i, item);
            }
        }
    }
}

/// The children of every block in `ids`, in order.
fn children_of(tree: &ConfigTree<'_>, ids: &[NodeId]) -> Vec<NodeId> {
    ids.iter()
        .flat_map(|&id| tree.children(id))
        .copied()
        .collect()
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

fn forti_top(
    run: &ConfigTree<'_>,
    want: &ConfigTree<'_>,
    first: &mut Vec<(u8, Change)>,
    later: &mut Vec<(u8, Change)>,
) {
    // A section written more than once is one section: its blocks are diffed together.
    let (ri, wi) = (blocks(run, run.roots()), blocks(want, want.roots()));
    for &id in want.roots() {
        if !is_cmd(want, id) {
            continue;
        }
        let t = want.node(id).text;
        let wids = &wi[t];
        if wids[0] != id {
            continue;
        }
        let weight = forti_weight(t);
        match ri.get(t) {
            None => {
                let mut cmds = Vec::new();
                for &x in wids {
                    forti_subtree(want, x, 0, &mut cmds);
                }
                first.push((
                    weight,
                    change(Action::Create, t.trim_start_matches("config "), cmds),
                ));
            }
            Some(rids) => {
                let mut body = Vec::new();
                let mut dels = Vec::new();
                forti_body(
                    run,
                    &children_of(run, rids),
                    want,
                    &children_of(want, wids),
                    1,
                    t,
                    &mut body,
                    &mut dels,
                );
                let res = t.trim_start_matches("config ");
                if !body.is_empty() {
                    let mut cmds = vec![t.to_string()];
                    cmds.append(&mut body);
                    cmds.push("end".into());
                    first.push((weight, change(Action::Update, res, cmds)));
                }
                if !dels.is_empty() {
                    let mut cmds = vec![t.to_string()];
                    cmds.append(&mut dels);
                    cmds.push("end".into());
                    later.push((weight, change(Action::Delete, res, cmds)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmds(run: &str, want: &str, syntax: Syntax) -> Vec<String> {
        let r = ConfigTree::parse(run, syntax);
        let w = ConfigTree::parse(want, syntax);
        diff_trees("t", &r, &w)
            .commands()
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn port_channel_members_leave_before_delete() {
        let run = "interface port-channel10\n  switchport mode trunk\ninterface Ethernet1/1\n  channel-group 10 mode active\n";
        let want = "interface Ethernet1/1\n";
        let c = cmds(run, want, Syntax::Cisco);
        assert_eq!(
            c,
            [
                "interface Ethernet1/1",
                " no channel-group",
                "no interface port-channel10"
            ]
        );
    }

    #[test]
    fn vlan_created_before_use_and_deleted_after() {
        let run = "vlan 99\ninterface Ethernet1/2\n  switchport access vlan 99\n";
        let want = "interface Ethernet1/2\n  switchport access vlan 30\nvlan 30\n  name web\n";
        let c = cmds(run, want, Syntax::Cisco);
        assert_eq!(
            c,
            [
                "vlan 30",
                " name web",
                "interface Ethernet1/2",
                " switchport access vlan 30",
                "no vlan 99"
            ]
        );
    }

    #[test]
    fn acl_with_sequences_and_without() {
        let run = "ip access-list A\n  10 permit ip any any\n  20 deny ip any any\n";
        let want = "ip access-list A\n  10 permit tcp any any eq 22\n  20 deny ip any any\n";
        assert_eq!(
            cmds(run, want, Syntax::Cisco),
            ["ip access-list A", " no 10", " 10 permit tcp any any eq 22"]
        );
        let run = "ip access-list extended B\n permit ip any any\n";
        let want = "ip access-list extended B\n deny ip host 1.1.1.1 any\n permit ip any any\n";
        assert_eq!(
            cmds(run, want, Syntax::Cisco),
            [
                "no ip access-list extended B",
                "ip access-list extended B",
                " deny ip host 1.1.1.1 any",
                " permit ip any any"
            ]
        );
    }

    #[test]
    fn nested_hsrp_and_replace_keys() {
        let run = "interface Vlan10\n  ip address 10.0.10.2/24\n  hsrp 10\n    ip 10.0.10.1\n    priority 100\n  shutdown\n";
        let want = "interface Vlan10\n  no shutdown\n  ip address 10.0.10.3/24\n  hsrp 10\n    ip 10.0.10.1\n    priority 110\n    preempt\n";
        assert_eq!(
            cmds(run, want, Syntax::Cisco),
            [
                "interface Vlan10",
                " no shutdown",
                " ip address 10.0.10.3/24",
                " hsrp 10",
                "  priority 110",
                "  preempt",
                " exit"
            ]
        );
    }

    #[test]
    fn fortios_sets_deletes_and_moves() {
        let run = "config firewall policy\n    edit 1\n        set action accept\n        set comments \"x\"\n    next\n    edit 2\n    next\n    edit 3\n    next\nend\n";
        let want = "config firewall policy\n    edit 3\n    next\n    edit 1\n        set action deny\n    next\n    edit 4\n        set action accept\n    next\nend\n";
        let c = cmds(run, want, Syntax::FortiOs);
        assert_eq!(
            c,
            [
                "config firewall policy",
                "    edit 1",
                "        unset comments",
                "        set action deny",
                "    next",
                "    edit 4",
                "        set action accept",
                "    next",
                "    move 3 before 1",
                "end",
                "config firewall policy",
                "    delete 2",
                "end"
            ]
        );
    }

    #[test]
    fn identical_configs_have_no_changes() {
        let t = "hostname a\ninterface Gi1\n description x\n";
        assert!(cmds(t, t, Syntax::Cisco).is_empty());
    }
}
