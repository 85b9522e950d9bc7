//! Every real FortiOS configuration in ../shared/data/netdev parses, keeps every `set` line and
//! re-renders stably; the typed fields carry the values batfish's tests expect.

use std::collections::BTreeSet;

use hermes_netdev::fortios::FortiConfig;
use hermes_netdev::tree::{ConfigTree, NodeKind, Syntax};

fn files() -> Vec<(String, String)> {
    let dir = hermes_testkit::shared_data().join("netdev/batfish");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fortios")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 7);
    out
}

/// (path of edit names + set key) → normalised value for every `set` in the text; a later block
/// editing the same entry overrides earlier values, and `append` adds to them, as on FortiOS.
fn sets(text: &str) -> BTreeSet<(String, String)> {
    let t = ConfigTree::parse(text, Syntax::FortiOs);
    let mut out = BTreeSet::new();
    fn walk(t: &ConfigTree<'_>, id: u32, path: String, out: &mut BTreeSet<(String, String)>) {
        let n = t.node(id);
        if n.kind == NodeKind::Comment {
            return;
        }
        if let Some(k) = n.text.strip_prefix("unset ") {
            out.retain(|(p, v)| !(p == &path && v.split(' ').next() == Some(k.trim())));
            return;
        }
        if let Some(rest) = n.text.strip_prefix("append ") {
            // `append` adds to the key's list.
            let add: String = rest
                .replace('"', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let key = add.split(' ').next().unwrap_or_default().to_string();
            let old = out
                .iter()
                .find(|(p, v)| p == &path && v.split(' ').next() == Some(key.as_str()))
                .cloned();
            let value = match old {
                Some(o) => {
                    out.remove(&o);
                    format!("{} {}", o.1, add.split_once(' ').map_or("", |x| x.1))
                }
                None => add,
            };
            out.insert((path, value));
            return;
        }
        if let Some(rest) = n.text.strip_prefix("set ") {
            let norm: String = rest
                .replace('"', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let key = norm.split(' ').next().unwrap_or_default().to_string();
            out.retain(|(p, v)| !(p == &path && v.split(' ').next() == Some(key.as_str())));
            out.insert((path.clone(), norm));
            return;
        }
        let p = format!("{path}/{}", n.text.replace('"', ""));
        for &c in t.children(id) {
            walk(t, c, p.clone(), out);
        }
    }
    for &r in t.roots() {
        walk(&t, r, String::new(), &mut out);
    }
    out
}

#[test]
fn fortios_configs_keep_every_set_line() {
    for (name, text) in files() {
        let m = FortiConfig::parse(&text);
        let out = m.render();
        let (before, after) = (sets(&text), sets(&out));
        let lost: Vec<_> = before.difference(&after).collect();
        assert!(lost.is_empty(), "{name}: lost {lost:#?}");
        assert_eq!(
            FortiConfig::parse(&out),
            m,
            "{name}: parse(render(parse(x))) != parse(x)"
        );
        let d = m.diff(&m, "fgt");
        assert!(d.is_empty(), "{name}: self-diff not empty: {d}");
    }
}

#[test]
fn typed_fields_match_the_sources() {
    let all = files();
    let get = |n: &str| FortiConfig::parse(&all.iter().find(|(f, _)| f.contains(n)).unwrap().1);
    let pol = get("firewall_policy");
    assert!(!pol.policies.is_empty());
    let addr = get("fortios__address");
    assert!(addr.addresses.values().any(|a| a.subnet.is_some()));
    let routes = get("static_routes");
    assert_eq!(routes.static_routes[&0].gateway.as_deref(), Some("2.2.2.2"));
    assert_eq!(routes.static_routes[&0].device.as_deref(), Some("port1"));
    let svc = get("service_custom");
    assert_eq!(
        svc.services["custom_tcp"].tcp_portrange.as_deref(),
        Some("1")
    );
    let iface = get("fortios__iface.cfg");
    assert_eq!(
        iface.interfaces["port1"].alias.as_deref(),
        Some("longest possibl alias str")
    );
    assert!(
        !iface.interfaces["port1"].nested.is_empty(),
        "secondaryip kept"
    );
    // Each file names its host after itself (`set hostname "address"` in fortios__address.cfg):
    // `system global` is typed, and nothing of it is left in `other`.
    for (f, text) in &all {
        let m = FortiConfig::parse(text);
        let stem = f.trim_start_matches("fortios__").trim_end_matches(".cfg");
        assert_eq!(
            m.global.as_ref().and_then(|g| g.hostname.as_deref()),
            Some(stem),
            "{f}"
        );
        assert!(
            !m.other
                .iter()
                .any(|o| o.starts_with("config system global")),
            "{f}"
        );
    }
}
