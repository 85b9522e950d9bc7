//! FortiOS replacement messages (`config system replacemsg GROUP "TYPE"`), router prefix lists
//! (`router prefix-list` / `prefix-list6`), policy scripts with commands the device refuses and
//! multi-line values in nested blocks: typed fields, FortiOS layout, validation, change sets and
//! REST bodies. Real excerpts are batfish's FortiOS parser tests (Apache-2.0) and the FortiOS
//! examples of NLNOG's BGP filter guide (MIT), vendored in `tests/data/configs` with their
//! provenance in its SOURCES.md; the FortiGate layout of a replacement message with `header` and
//! `format` is written by hand after the FortiOS CLI reference (no permissive `show
//! full-configuration` with a message text was found).

use std::path::PathBuf;

use hermes_netdev::fortios::FortiConfig;

fn read(rel: &str) -> String {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    std::fs::read_to_string(dir.join("tests/data/configs").join(rel)).unwrap()
}

/// parse(render(m)) == m, a stable rendering and no self-diff.
fn round_trip(rel: &str, text: &str) -> FortiConfig {
    let m = FortiConfig::parse(text);
    let out = m.render();
    let again = FortiConfig::parse(&out);
    assert_eq!(again, m, "{rel}: parse(render(m)) != m\n{out}");
    assert_eq!(again.render(), out, "{rel}: the rendering is not stable");
    assert!(m.diff(&m, rel).is_empty(), "{rel}: self-diff not empty");
    m
}

fn heads(m: &FortiConfig) -> Vec<&str> {
    m.other
        .iter()
        .map(|o| o.lines().next().unwrap_or_default())
        .collect()
}

/// A replacement message as a FortiGate shows it: a multi-line buffer, then header and format.
const DISCLAIMER: &str = "config system replacemsg admin \"pre_admin-disclaimer-text\"\n    set buffer \"Authorised access only.\n\nAll activity is logged: \\\"monitored\\\".\"\n    set header none\n    set format text\nend\nconfig system replacemsg mail \"email-block\"\nend\n";

#[test]
fn replacement_messages_are_typed_by_group_and_type() {
    // batfish fortios_ignored: empty message blocks as a FortiGate writes them.
    let rel = "batfish/fortios_ignored";
    let text = read(rel);
    let m = round_trip(rel, &text);
    assert!(
        heads(&m)
            .iter()
            .all(|h| !h.starts_with("config system replacemsg ")),
        "{:?}",
        heads(&m)
    );
    let blocks: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("config system replacemsg "))
        .collect();
    let n: usize = m.replacemsgs.values().map(|t| t.len()).sum();
    assert_eq!(n, blocks.len());
    assert!(m.replacemsgs["http"].contains_key("url-block"));
    assert_eq!(m.replacemsgs["auth"]["auth-login-page"], Default::default());
    // `replacemsg-image` is another section (a table): still kept as written.
    assert!(heads(&m).contains(&"config system replacemsg-image"));
    let out = m.render();
    assert!(
        out.contains("config system replacemsg http \"url-block\"\nend\n"),
        "{out}"
    );

    // A message with its text: the buffer as the CLI reads it, quotes and line breaks kept.
    let m = round_trip("disclaimer", DISCLAIMER);
    let d = &m.replacemsgs["admin"]["pre_admin-disclaimer-text"];
    assert_eq!(
        d.buffer.as_deref(),
        Some("Authorised access only.\n\nAll activity is logged: \"monitored\".")
    );
    assert_eq!(d.header.as_deref(), Some("none"));
    assert_eq!(d.format.as_deref(), Some("text"));
    assert!(d.extra.is_empty());
    assert!(m.other.is_empty(), "{:?}", m.other);
    // Written back in the device's layout: the text's lines unindented, inside its quotes.
    assert_eq!(m.render(), DISCLAIMER);
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
}

#[test]
fn replacement_message_scripts_apply_as_the_device_does() {
    // batfish fortios_replacemsg: `set buffer ''`, `set buffer ""`, `unset buffer` (none left);
    // a buffer mixing escapes and both quote kinds, which the model cannot write back as written:
    // kept verbatim on the message; a type with blanks (quoted on the head).
    let rel = "batfish/fortios_replacemsg";
    let text = read(rel);
    let m = round_trip(rel, &text);
    assert!(m.other.is_empty(), "{:?}", m.other);
    let admin = &m.replacemsgs["admin"];
    assert_eq!(admin.len(), 3);
    let post = &admin["post_admin-disclaimer-text"];
    assert!(post.buffer.is_none() && post.extra.is_empty());
    let pre = &admin["pre_admin-disclaimer-text"];
    assert!(pre.buffer.is_none());
    let raw = &pre.extra["buffer"];
    assert!(
        raw.starts_with("\\\"\\n\"pre") && raw.ends_with("\"last\\\nline"),
        "{raw:?}"
    );
    assert!(text.contains(&format!("set buffer {raw}\n")));
    assert!(admin["invalid minor type"].extra.contains_key("buffer"));
    assert!(m
        .render()
        .contains("config system replacemsg admin \"invalid minor type\"\n"));
}

#[test]
fn replacement_messages_are_diffed_validated_and_sent_by_type() {
    let live = round_trip("disclaimer", DISCLAIMER);
    // Only the message `want` names is managed, on the keys it sets.
    let mut want = FortiConfig::default();
    let mut msg = live.replacemsgs["admin"]["pre_admin-disclaimer-text"].clone();
    msg.buffer = Some("Authorised \"staff\" only.\nSecond line.".into());
    msg.header = None;
    want.replacemsgs
        .entry("admin".into())
        .or_default()
        .insert("pre_admin-disclaimer-text".into(), msg.clone());
    let plan = live.diff(&want, "fgt");
    assert_eq!(
        plan.commands(),
        [
            "config system replacemsg admin \"pre_admin-disclaimer-text\"",
            "    set buffer \"Authorised \\\"staff\\\" only.\nSecond line.\"",
            "end"
        ]
    );
    // Applied, the device shows what `want` states: nothing left to do.
    let after = FortiConfig::parse(&live.render().replace(
        "Authorised access only.\n\nAll activity is logged: \\\"monitored\\\".",
        "Authorised \\\"staff\\\" only.\nSecond line.",
    ));
    assert!(after.diff(&want, "fgt").is_empty());
    // REST: `system.replacemsg/GROUP`, keyed by `msg-type`, the text unquoted.
    let bodies = want.rest_bodies();
    assert_eq!(bodies.len(), 1);
    let (path, key, body) = &bodies[0];
    assert_eq!(path, "/api/v2/cmdb/system.replacemsg/admin");
    assert_eq!(key, "pre_admin-disclaimer-text");
    assert_eq!(body["msg-type"], "pre_admin-disclaimer-text");
    assert_eq!(body["buffer"], "Authorised \"staff\" only.\nSecond line.");
    assert_eq!(body["format"], "text");
    // Values FortiOS refuses, and a message inside a VDOM (replacement messages are global).
    let mut bad = want.clone();
    let m = bad
        .replacemsgs
        .get_mut("admin")
        .unwrap()
        .get_mut("pre_admin-disclaimer-text")
        .unwrap();
    m.format = Some("markdown".into());
    m.header = Some("smtp".into());
    let err = bad.validate("fgt").unwrap_err().to_string();
    assert!(
        err.contains("format \"markdown\" is not none, text, html or wml"),
        "{err}"
    );
    assert!(
        err.contains("header \"smtp\" is not none, http or 8bit"),
        "{err}"
    );
    let vdom = FortiConfig::parse(&format!("config vdom\nedit root\n{DISCLAIMER}end\n"));
    assert!(vdom.replacemsgs.is_empty());
    let err = vdom.validate("fgt").unwrap_err().to_string();
    assert!(
        err.contains("vdom root: `config system replacemsg admin \"pre_admin-disclaimer-text\"` is a global setting"),
        "{err}"
    );
}

#[test]
fn prefix_lists_keep_their_rules_in_device_order() {
    // NLNOG bogon_prefixes: rule 3 written before rule 2, `ge` set and `le` unset on each rule.
    let rel = "nlnog/fortios_bogon_prefixes";
    let m = round_trip(rel, &read(rel));
    assert!(m.other.is_empty(), "{:?}", m.other);
    let l = &m.prefix_lists["IPv4_BOGONS"];
    let ids: Vec<u32> = l.rules.iter().map(|(id, _)| *id).collect();
    assert_eq!(&ids[..4], [1, 3, 2, 4]);
    let r = &l.rules[1].1;
    assert_eq!(r.prefix.as_deref(), Some("100.64.0.0 255.192.0.0"));
    assert_eq!(r.ge.as_deref(), Some("11"));
    assert!(r.le.is_none() && r.extra.is_empty());
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // REST: the `rule` table in the device's order.
    let bodies = m.rest_bodies();
    let (path, key, body) = &bodies[0];
    assert_eq!(
        (path.as_str(), key.as_str()),
        ("/api/v2/cmdb/router/prefix-list", "IPv4_BOGONS")
    );
    assert_eq!(body["rule"][1]["id"], 3);
    assert_eq!(body["rule"][1]["ge"], "11");

    // NLNOG small_prefixes: an IPv6 list and a route map matching both lists.
    let rel = "nlnog/fortios_small_prefixes";
    let m = round_trip(rel, &read(rel));
    assert!(m.other.is_empty(), "{:?}", m.other);
    let r6 = &m.prefix_lists6["IPv6_SMALL_PREFIXES"].rules[0].1;
    assert_eq!(r6.prefix6.as_deref(), Some("::/0"));
    assert_eq!(r6.ge.as_deref(), Some("49"));
    let rm = &m.route_maps["BGP_FILTER_IN"].rules[0].1;
    assert_eq!(rm.match_ip_address.as_deref(), Some("IPv4_SMALL_PREFIXES"));
    assert_eq!(rm.match_ip6_address.as_deref(), Some("IPv6_SMALL_PREFIXES"));
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // The lists a route map uses are written before it.
    let out = m.render();
    let (p6, rmap) = (
        out.find("config router prefix-list6").unwrap(),
        out.find("config router route-map").unwrap(),
    );
    assert!(p6 < rmap, "{out}");
}

#[test]
fn prefix_lists_are_diffed_and_validated() {
    let rel = "nlnog/fortios_small_prefixes";
    let live = round_trip(rel, &read(rel));
    let mut want = FortiConfig::default();
    let mut l = live.prefix_lists["IPv4_SMALL_PREFIXES"].clone();
    l.rules[0].1.ge = Some("24".into());
    want.prefix_lists.insert("IPv4_SMALL_PREFIXES".into(), l);
    let plan = live.diff(&want, "fgt");
    assert_eq!(
        plan.commands(),
        [
            "config router prefix-list",
            "    edit \"IPv4_SMALL_PREFIXES\"",
            "        config rule",
            "            edit 1",
            "                set ge 24",
            "            next",
            "        end",
            "    next",
            "end"
        ]
    );
    // Lists the desired model does not name (the IPv6 one) are left alone.
    assert!(!plan.commands().iter().any(|c| c.contains("prefix-list6")));
    // What FortiOS refuses, and a route map matching an IPv6 list that is not defined.
    let mut bad = live.clone();
    let r = &mut bad
        .prefix_lists
        .get_mut("IPv4_SMALL_PREFIXES")
        .unwrap()
        .rules[0]
        .1;
    r.le = Some("20".into());
    r.prefix = Some("10.0.0.0/33".into());
    let r6 = &mut bad
        .prefix_lists6
        .get_mut("IPv6_SMALL_PREFIXES")
        .unwrap()
        .rules[0]
        .1;
    r6.le = Some("129".into());
    r6.action = Some("allow".into());
    bad.route_maps.get_mut("BGP_FILTER_IN").unwrap().rules[0]
        .1
        .match_ip6_address = Some("NOPE".into());
    // A BGP neighbor filtering with a prefix list that is not defined (`prefix-list-in`, kept as
    // written on the neighbor, as operators set it).
    let bgp = FortiConfig::parse("config router bgp\n    set as 65001\n    config neighbor\n        edit \"192.0.2.1\"\n            set remote-as 65002\n            set prefix-list-in \"IPv4_SMALL_PREFIXES\"\n            set prefix-list-out \"MISSING\"\n        next\n    end\nend\n");
    bad.bgp = bgp.bgp.clone();
    bad.bgp_neighbors = bgp.bgp_neighbors.clone();
    let err = bad.validate("fgt").unwrap_err().to_string();
    assert!(
        !err.contains("prefix-list-in \"IPv4_SMALL_PREFIXES\""),
        "{err}"
    );
    for want in [
        "router bgp neighbor 192.0.2.1: prefix-list-out \"MISSING\" is not a defined prefix list",
        "router prefix-list \"IPv4_SMALL_PREFIXES\" rule 1: ge 25 is above le 20",
        "prefix \"10.0.0.0/33\" is not",
        "router prefix-list6 \"IPv6_SMALL_PREFIXES\" rule 1: le \"129\" is not a prefix length from 0 to 128",
        "action \"allow\" is neither permit nor deny",
        "match-ip6-address \"NOPE\" is not a defined IPv6 access list or prefix list",
    ] {
        assert!(err.contains(want), "{want}: {err}");
    }
}

#[test]
fn policy_scripts_skip_the_commands_the_device_refuses() {
    // batfish firewall_policy_warn: `edit not_a_number` and its lines, `move` / `clone` naming a
    // missing policy, `clone 3 to foobar` and `clone 3 to 1` are refused; the rest applies.
    let rel = "batfish/fortios_firewall_policy_warn";
    let m = round_trip(rel, &read(rel));
    assert!(
        !heads(&m).contains(&"config firewall policy"),
        "{:?}",
        heads(&m)
    );
    let ids: Vec<u32> = m.policies.iter().map(|(i, _)| *i).collect();
    assert_eq!(ids, [4294967295, 1, 2, 3]);
    let p1 = &m.policies[1].1;
    // The second `edit 1` changes only the key it sets.
    assert_eq!(p1.srcintf, ["port10"]);
    assert_eq!(p1.dstintf, ["any", "port20"]);
    assert_eq!(p1.srcaddr, ["addr10", "all"]);
    // The policies name addresses and services the file does not define: reported.
    let err = m.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("policy 4294967295 uses address \"addr1\""),
        "{err}"
    );

    // batfish policy_defs_refs: `delete 2` (no such policy yet) refused, `clone 1 to 2` applied,
    // `clone 3 to 4` refused, policy 5 created then deleted.
    let rel = "batfish/fortios_policy_defs_refs";
    let m = round_trip(rel, &read(rel));
    let ids: Vec<u32> = m.policies.iter().map(|(i, _)| *i).collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!(m.policies[1].1, m.policies[0].1);
    assert_eq!(m.policies[0].1.srcintf, ["zoneA", "port3", "port2"]);
}

#[test]
fn a_multi_line_value_in_a_nested_block_is_written_back_unindented() {
    // A quoted value spanning lines inside a nested block (a dashboard name here; certificates and
    // message texts in other tables): its continuation lines are part of the value. They were
    // indented with the block on each rendering, so the value grew and never read back equal.
    let text = "config system admin\n    edit \"ops\"\n        set accprofile \"super_admin\"\n        config gui-dashboard\n            edit 1\n                set name \"Main\nsecond line\"\n            next\n        end\n    next\nend\n";
    let m = round_trip("nested", text);
    assert_eq!(m.render(), text);
}
