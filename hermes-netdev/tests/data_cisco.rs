//! Every real configuration in ../shared/data/netdev parses, keeps every line, and re-renders stably.

use std::collections::{BTreeMap, HashSet};

use hermes_netdev::cisco::{CiscoConfig, Dialect, VlanSet};
use hermes_netdev::tree::{ConfigTree, NodeKind, Syntax};

fn files(prefixes: &[&str]) -> Vec<(String, String)> {
    let dir = hermes_testkit::shared_data().join("netdev");
    let mut out = Vec::new();
    for sub in ["napalm", "batfish"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if prefixes.iter().any(|x| name.starts_with(x)) && !name.ends_with(".json") {
                out.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    assert!(!out.is_empty());
    out
}

/// Every command line, whitespace-normalised; a VLAN list line (`vlan 1,10-11`, NX-OS) stands for
/// one `vlan N` line per VLAN, as the model renders it; an interface's allowed VLANs (written on
/// one line, continued on `add` lines, or stated with `remove` / `except` / `all` / `none`, applied
/// in order as the switch does) stand for one line per VLAN under the interface; NX-OS
/// `channel-group N mode on` is the `channel-group N` the switch shows for it; an interface written
/// with a space (`interface port-channel 6`) is the joined name the device shows.
fn command_lines(text: &str) -> HashSet<String> {
    let t = ConfigTree::parse(text, Syntax::Cisco);
    let mut out = HashSet::new();
    let mut allowed_by: BTreeMap<&str, Option<VlanSet>> = BTreeMap::new();
    let mut parents = vec![""; t.len()];
    for &r in t.roots() {
        let mut stack = vec![r];
        while let Some(id) = stack.pop() {
            for &c in t.children(id) {
                parents[c as usize] = t.node(id).text;
                stack.push(c);
            }
        }
    }
    for (id, n) in t.lines().enumerate() {
        if n.kind == NodeKind::Comment {
            continue;
        }
        let mut line = n.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.starts_with("channel-group ") {
            line = line.trim_end_matches(" mode on").to_string();
        }
        // `interface port-channel 6` is the `interface port-channel6` the device shows.
        if let ["interface", kind, num] = line.split(' ').collect::<Vec<_>>().as_slice() {
            if kind.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                && num.starts_with(|c: char| c.is_ascii_digit())
            {
                line = format!("interface {kind}{num}");
            }
        }
        let list = line
            .strip_prefix("vlan ")
            .filter(|l| l.contains([',', '-']))
            .and_then(VlanSet::parse);
        // The forms of the allowed list applied in order, as the switch applies them (`None`:
        // every VLAN, the default).
        let every = || VlanSet((1..=4094).collect());
        let allowed = line
            .strip_prefix("switchport trunk allowed vlan ")
            .and_then(|l| {
                let now = allowed_by.get(parents[id]).cloned().flatten();
                let w: Vec<&str> = l.split(' ').collect();
                let list = |v: &str| {
                    VlanSet::parse(v).filter(|s| s.0.iter().all(|x| (1..=4094).contains(x)))
                };
                let set = match w.as_slice() {
                    ["all"] => None,
                    ["add", v] => now.map(|mut s| {
                        s.0.extend(list(v).unwrap_or_default().0);
                        s
                    }),
                    ["remove", v] => {
                        let less = list(v)?;
                        let mut s = now.unwrap_or_else(every);
                        s.0.retain(|x| !less.0.contains(x));
                        Some(s)
                    }
                    ["except", v] => {
                        let less = list(v)?;
                        let mut s = every();
                        s.0.retain(|x| !less.0.contains(x));
                        Some(s)
                    }
                    [v] => Some(list(v)?),
                    _ => return None,
                };
                Some(set.filter(|s| *s != every()))
            });
        match (list, allowed) {
            (Some(set), _) => out.extend(set.0.iter().map(|v| format!("vlan {v}"))),
            (None, Some(set)) => {
                allowed_by.insert(parents[id], set);
            }
            (None, None) => {
                out.insert(line);
            }
        }
    }
    for (parent, set) in allowed_by {
        match set {
            Some(s) if s.0.is_empty() => {
                out.insert(format!("{parent} allows no vlan"));
            }
            Some(s) => out.extend(s.0.iter().map(|v| format!("{parent} allows vlan {v}"))),
            None => {}
        }
    }
    out
}

fn check(name: &str, text: &str, d: Dialect) {
    let m = CiscoConfig::parse(text, d);
    let out = m.render(d);
    let before = command_lines(text);
    let after = command_lines(&out);
    let lost: Vec<_> = before.difference(&after).collect();
    assert!(
        lost.is_empty(),
        "{name}: lines lost by parse+render: {lost:#?}"
    );
    let again = CiscoConfig::parse(&out, d);
    assert_eq!(again, m, "{name}: parse(render(parse(x))) != parse(x)");
}

#[test]
fn nxos_configs_keep_every_line() {
    for (name, text) in files(&["nxos"]) {
        check(&name, &text, Dialect::NxOs);
    }
}

#[test]
fn ios_configs_keep_every_line() {
    for (name, text) in files(&["ios"]) {
        check(&name, &text, Dialect::Ios);
    }
}

#[test]
fn napalm_nxos_models_what_it_should() {
    let (_, text) = files(&["nxos__nxos__initial"]).remove(0);
    let m = CiscoConfig::parse(&text, Dialect::NxOs);
    assert_eq!(m.hostname.as_deref(), Some("nxos-spine2"));
    assert!(m.features.contains("hsrp"));
    assert!(m.interfaces.len() > 10);
    assert!(m.snmp_communities.contains_key("public"));
}
