//! BGP peer templates: IOS `template peer-session X` / `template peer-policy X` (ended by
//! `exit-peer-session` / `exit-peer-policy`) and NX-OS `template peer X` (with its address
//! families), `template peer-session X`, `template peer-policy X`, all under `router bgp`.
//!
//! A template holds what a neighbor holds (IOS: the neighbor's settings without `neighbor X`), so
//! it is a [`BgpNeighbor`] keyed by what follows `template` (`peer-session EVPN`). The differ
//! creates and changes templates before the neighbors (a neighbor can inherit only a template
//! that exists), parents before the templates inheriting them, and removes the templates a desired
//! model names in [`Bgp::remove_templates`] last, after the neighbors stopped inheriting them.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    close_modes, is_comment, item_changes, managed_neighbor, neighbor_item, neighbor_items,
    nxos_block_diff, nxos_block_lines, other_of, words, Bgp, BgpNeighbor,
};
use crate::cisco::Dialect;
use crate::tree::{ConfigTree, NodeId};

/// The kind of a template key (`peer-session`), if the key is `KIND NAME` with a known kind.
pub(super) fn kind(key: &str) -> Option<&str> {
    match words(key).as_slice() {
        [k @ ("peer" | "peer-session" | "peer-policy"), _] => Some(*k),
        _ => None,
    }
}

/// The body of a template block (its children), read like a neighbor's settings.
fn body(tree: &ConfigTree<'_>, kids: &[NodeId]) -> BgpNeighbor {
    let mut n = BgpNeighbor::default();
    for &c in kids {
        if is_comment(tree, c) {
            continue;
        }
        let t = tree.node(c).text;
        if !(tree.children(c).is_empty() && neighbor_item(&mut n, &words(t), t)) {
            n.other.push(other_of(tree, c));
        }
    }
    n
}

/// IOS: the templates among the children of `router bgp` (each with its `exit-peer-...` line),
/// and the other children. A template defined twice is kept as written the second time.
pub(super) fn ios_templates(
    tree: &ConfigTree<'_>,
    kids: &[NodeId],
) -> (BTreeMap<String, BgpNeighbor>, Vec<NodeId>) {
    let mut templates = BTreeMap::new();
    let mut rest = Vec::with_capacity(kids.len());
    let mut closing: Option<String> = None;
    for &k in kids {
        let text = tree.node(k).text;
        let w = words(text);
        if let Some(exit) = closing.take() {
            if !is_comment(tree, k) && tree.children(k).is_empty() && w == [exit.as_str()] {
                continue;
            }
        }
        match w.as_slice() {
            ["template", kind @ ("peer-session" | "peer-policy"), name]
                if !templates.contains_key(&format!("{kind} {name}")) =>
            {
                templates.insert(format!("{kind} {name}"), body(tree, tree.children(k)));
                closing = Some(format!("exit-{kind}"));
            }
            _ => rest.push(k),
        }
    }
    (templates, rest)
}

/// NX-OS: a `template KIND NAME` line among the children of `router bgp`, read into `templates`;
/// `false` if it is not one (or repeats one already read).
pub(super) fn nxos_template(
    tree: &ConfigTree<'_>,
    k: NodeId,
    templates: &mut BTreeMap<String, BgpNeighbor>,
) -> bool {
    let w = words(tree.node(k).text);
    let ["template", kind @ ("peer" | "peer-session" | "peer-policy"), name] = w.as_slice() else {
        return false;
    };
    let key = format!("{kind} {name}");
    if templates.contains_key(&key) {
        return false;
    }
    templates.insert(
        key,
        super::nxos_neighbor_body(tree, tree.children(k), BgpNeighbor::default()),
    );
    true
}

/// The template's lines (one space per level, re-indented by the renderer).
pub(super) fn lines(key: &str, t: &BgpNeighbor, d: Dialect) -> Vec<String> {
    match d {
        Dialect::Ios => {
            let mut out = vec![format!("template {key}")];
            out.extend(neighbor_items(t, false).iter().map(|i| format!(" {i}")));
            out.push(format!("exit-{}", kind(key).unwrap_or("peer-session")));
            out
        }
        Dialect::NxOs => nxos_block_lines(&format!("template {key}"), t, false),
    }
}

/// The templates `t` inherits (`inherit peer X`, `inherit peer-session X`, `inherit peer-policy X
/// N`, also in its families), as template keys.
fn parents(t: &BgpNeighbor) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |n: &BgpNeighbor| {
        if let Some(p) = &n.inherit_peer {
            out.push(format!("peer {p}"));
        }
        if let Some(p) = &n.inherit_peer_session {
            out.push(format!("peer-session {p}"));
        }
        if let Some(p) = n
            .inherit_peer_policy
            .as_deref()
            .and_then(|p| words(p).first().copied())
        {
            out.push(format!("peer-policy {p}"));
        }
    };
    add(t);
    t.families.values().for_each(&mut add);
    out
}

/// The keys of `templates` with each template after the ones it inherits (otherwise in key order).
fn ordered(templates: &BTreeMap<String, BgpNeighbor>) -> Vec<&String> {
    fn visit<'a>(
        k: &'a String,
        templates: &'a BTreeMap<String, BgpNeighbor>,
        seen: &mut BTreeSet<&'a String>,
        out: &mut Vec<&'a String>,
    ) {
        if !seen.insert(k) {
            return;
        }
        for p in parents(&templates[k]) {
            if let Some((pk, _)) = templates.get_key_value(&p) {
                visit(pk, templates, seen, out);
            }
        }
        out.push(k);
    }
    let (mut seen, mut out) = (BTreeSet::new(), Vec::new());
    for k in templates.keys() {
        visit(k, templates, &mut seen, &mut out);
    }
    out
}

/// The live templates as far as `want` manages them: those it names, in them the fields it sets.
pub(super) fn managed(live: &Bgp, want: &Bgp) -> BTreeMap<String, BgpNeighbor> {
    live.templates
        .iter()
        .filter_map(|(k, t)| {
            want.templates
                .get(k)
                .map(|w| (k.clone(), managed_neighbor(t, w)))
        })
        .collect()
}

/// The commands creating or changing the templates `want` states (before any neighbor change).
pub(super) fn changes(live: &Bgp, want: &Bgp, d: Dialect, out: &mut Vec<String>) {
    for key in ordered(&want.templates) {
        let wt = &want.templates[key];
        let Some(lt) = live.templates.get(key) else {
            let mut l = lines(key, wt, d);
            if d == Dialect::NxOs {
                close_modes(&mut l);
            }
            out.extend(l);
            continue;
        };
        match d {
            Dialect::Ios => {
                let mut sub = Vec::new();
                let have = neighbor_items(&managed_neighbor(lt, wt), false);
                item_changes(&have, &neighbor_items(wt, false), " ", &mut sub);
                if !sub.is_empty() {
                    out.push(format!("template {key}"));
                    out.append(&mut sub);
                    out.push(format!("exit-{}", kind(key).unwrap_or("peer-session")));
                }
            }
            Dialect::NxOs => nxos_block_diff(&format!("template {key}"), lt, wt, false, out),
        }
    }
}

/// The commands removing the templates `want` lists in `remove_templates` that the device has
/// (after every neighbor change), children before the templates they inherit.
pub(super) fn removals(live: &Bgp, want: &Bgp, out: &mut Vec<String>) {
    let gone: BTreeMap<String, BgpNeighbor> = live
        .templates
        .iter()
        .filter(|(k, _)| want.remove_templates.contains(*k))
        .map(|(k, t)| (k.clone(), t.clone()))
        .collect();
    for key in ordered(&gone).into_iter().rev() {
        out.push(format!("no template {key}"));
    }
}

/// What is wrong with the templates (see [`super::super::CiscoConfig::validate`]).
pub(super) fn problems(b: &Bgp, problems: &mut Vec<String>) {
    for key in b.templates.keys() {
        if kind(key).is_none() {
            problems.push(format!(
                "router bgp {}: template {key:?} is not `peer NAME`, `peer-session NAME` or \
                 `peer-policy NAME`",
                b.asn
            ));
        }
        if b.remove_templates.contains(key) {
            problems.push(format!(
                "router bgp {}: template {key} is both stated and to be removed",
                b.asn
            ));
        }
    }
    // A template to be removed that a stated neighbor or template still inherits: the device
    // refuses to remove it (or the neighbor loses settings it relies on).
    let tables = std::iter::once(&b.global).chain(b.vrfs.values());
    let mut users: Vec<(String, &BgpNeighbor)> = Vec::new();
    for t in tables {
        for (x, n) in &t.neighbors {
            users.push((format!("neighbor {x}"), n));
        }
        for f in t.families.values() {
            for (x, n) in &f.neighbors {
                users.push((format!("neighbor {x}"), n));
            }
        }
    }
    for (k, n) in &b.templates {
        users.push((format!("template {k}"), n));
    }
    for (who, n) in users {
        for p in parents(n) {
            if b.remove_templates.contains(&p) {
                problems.push(format!(
                    "router bgp {}: {who} inherits template {p}, which is to be removed (remove \
                     the inherit line from the model, or keep the template)",
                    b.asn
                ));
            }
        }
    }
}
