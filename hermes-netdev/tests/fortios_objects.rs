//! FortiOS administrators, access profiles and the keys operators set on addresses, groups,
//! services and policies: typed fields, FortiOS layout, validation, change sets, REST bodies, and
//! the administrator password never shown. Real excerpts are batfish's FortiOS parser tests
//! (Apache-2.0, `tests/data/configs/batfish`, provenance in its SOURCES.md); the UTM layout is
//! written by hand after the FortiOS CLI reference (`config firewall policy`), as no permissive
//! configuration with security profiles was found.

use hermes_core::Secret;
use hermes_netdev::fortios::{Admin, FortiConfig};

#[path = "common/configs.rs"]
mod configs;
use configs::{fortios_round_trip, vendored};

#[test]
fn admins_and_access_profiles_are_typed() {
    // batfish fortios testconfigs/fortios_ignored: `config system accprofile` (two profiles, a
    // nested `netgrp-permission`) and `config system admin` (`admin`, with a `gui-dashboard`).
    let rel = "batfish/fortios_ignored";
    let m = fortios_round_trip(rel, &vendored(rel));
    let heads: Vec<&str> = m
        .other
        .iter()
        .map(|o| o.lines().next().unwrap_or_default())
        .collect();
    assert!(!heads.contains(&"config system admin"), "{heads:?}");
    assert!(!heads.contains(&"config system accprofile"), "{heads:?}");
    let p = &m.accprofiles["prof_admin"];
    assert_eq!(p.extra["sysgrp"], "read-write");
    assert_eq!(p.extra.len(), 11);
    let mon = &m.accprofiles["monitoring"];
    assert_eq!(mon.extra["netgrp"], "custom");
    assert_eq!(mon.extra["system-diagnostics"], "disable");
    assert_eq!(mon.nested.len(), 1);
    assert!(mon.nested[0].starts_with("config netgrp-permission"));
    let a = &m.admins["admin"];
    assert_eq!(a.accprofile.as_deref(), Some("super_admin"));
    assert_eq!(a.vdom, ["root"]);
    assert!(a.password.is_none());
    assert!(a.nested[0].starts_with("config gui-dashboard"));
    // `super_admin` is built in: the file validates.
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // The FortiOS layout: profiles before the administrators that use them.
    let out = m.render();
    let (prof, adm) = (
        out.find("config system accprofile").unwrap(),
        out.find("config system admin").unwrap(),
    );
    assert!(prof < adm, "{out}");
    assert!(out.contains("    edit \"admin\"\n        set accprofile \"super_admin\"\n        set vdom \"root\"\n        config gui-dashboard\n"), "{out}");
    // REST: the administrator's VDOMs are a table of names, even one.
    let bodies = m.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p == "/api/v2/cmdb/system/admin" && k == "admin")
        .expect("admin body");
    assert_eq!(body["vdom"], serde_json::json!([{ "name": "root" }]));
    assert_eq!(body["accprofile"], "super_admin");
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p == "/api/v2/cmdb/system/accprofile" && k == "monitoring")
        .expect("accprofile body");
    assert_eq!(body["fwgrp"], "custom");
}

#[test]
fn an_admin_added_touches_no_other_admin_and_its_password_is_never_shown() {
    let rel = "batfish/fortios_ignored";
    let live = FortiConfig::parse(&vendored(rel));
    let mut want = FortiConfig {
        accprofiles: live.accprofiles.clone(),
        ..FortiConfig::default()
    };
    want.admins.insert(
        "ops".into(),
        Admin {
            accprofile: Some("monitoring".into()),
            vdom: vec!["root".into()],
            trusthost1: Some("10.0.10.0 255.255.255.0".into()),
            password: Some(Secret::new("N3w-pa55")),
            ..Admin::default()
        },
    );
    assert!(want.validate("fgt").is_ok(), "{:?}", want.validate("fgt"));
    let plan = live.diff(&want, "fgt");
    // `admin`, which `want` does not name, is neither changed nor deleted.
    assert_eq!(
        plan.commands(),
        [
            "config system admin",
            "    edit \"ops\"",
            "        set accprofile \"monitoring\"",
            "        set vdom \"root\"",
            "        set trusthost1 10.0.10.0 255.255.255.0",
            "        set password \"N3w-pa55\"",
            "    next",
            "end"
        ]
    );
    // What is sent carries the password; what is shown never does.
    for shown in [
        format!("{plan}"),
        format!("{plan:?}"),
        serde_json::to_string(&plan).unwrap(),
        format!("{want:?}"),
        serde_json::to_string(&want).unwrap(),
    ] {
        assert!(!shown.contains("N3w-pa55"), "{shown}");
    }
    assert!(format!("{plan}").contains("set password <redacted>"));
    // Read back, the device shows the password encrypted: the clear one is not set again.
    let mut back = FortiConfig::parse(&live.render());
    let mut ops = want.admins["ops"].clone();
    ops.password = Some(Secret::new(
        "ENC SH2nlSm9QL9tapcHPXIqAXvX7vBJuuqu22hpa005P5pI6mBYYM6AFMEbEn+wdM=",
    ));
    back.admins.insert("ops".into(), ops);
    let out = back.render();
    assert!(
        out.contains("        set password ENC SH2nlSm9QL9tapcHPXIqAXvX7vBJuuqu22hpa005P5pI6mBYYM6AFMEbEn+wdM=\n"),
        "{out}"
    );
    let back = FortiConfig::parse(&out);
    assert!(
        back.diff(&want, "fgt").is_empty(),
        "{}",
        back.diff(&want, "fgt")
    );
    assert!(!format!("{back:?}").contains("SH2nlSm9"));
    // A trusted host changed: one `set`, the encrypted password not repeated.
    let mut want2 = want.clone();
    want2.admins.get_mut("ops").unwrap().trusthost1 = Some("10.0.20.0 255.255.255.0".into());
    assert_eq!(
        back.diff(&want2, "fgt").commands(),
        [
            "config system admin",
            "    edit \"ops\"",
            "        set trusthost1 10.0.20.0 255.255.255.0",
            "    next",
            "end"
        ]
    );
}

#[test]
fn an_encrypted_admin_password_is_redacted_in_plans() {
    // `set password ENC ...` inside `config system admin` / `edit NAME`, as a FortiGate shows it.
    let live = FortiConfig::parse("config system admin\n    edit \"ops\"\n        set accprofile \"super_admin\"\n    next\nend\n");
    let want = FortiConfig::parse("config system admin\n    edit \"ops\"\n        set accprofile \"super_admin\"\n        set password ENC SH2Zm9vYmFyYmF6cXV4\n    next\nend\n");
    assert_eq!(
        want.admins["ops"].password.as_ref().map(Secret::expose),
        Some("ENC SH2Zm9vYmFyYmF6cXV4")
    );
    let plan = live.diff(&want, "fgt");
    assert!(plan
        .commands()
        .contains(&"        set password ENC SH2Zm9vYmFyYmF6cXV4"));
    let mut ctx = hermes_core::plan::CommandContext::default();
    let shown: Vec<String> = plan
        .commands()
        .iter()
        .map(|l| ctx.redact(l).into_owned())
        .collect();
    assert!(
        shown.contains(&"        set password <redacted>".to_string()),
        "{shown:?}"
    );
    for s in [format!("{plan}"), format!("{plan:?}"), format!("{want:?}")] {
        assert!(!s.contains("SH2Zm9v"), "{s}");
    }
}

#[test]
fn admins_the_device_refuses_are_reported_without_their_password() {
    let text = "config system accprofile\n    edit \"noc\"\n        set sysgrp read\n        set scope everywhere\n    next\nend\nconfig system admin\n    edit \"a1\"\n        set accprofile \"missing\"\n        set trusthost1 10.0.0.0 255.0.255.0\n        set trusthost2 300.1.1.1 255.0.0.0\n        set trusthost3 192.168.1.0 255.255.255.0\n        set password \"S3cr3t-x\"\n    next\nend\n";
    let m = FortiConfig::parse(text);
    let err = m.validate("fgt").unwrap_err().to_string();
    assert!(
        err.contains("system admin \"a1\": accprofile \"missing\" is not defined"),
        "{err}"
    );
    assert!(
        err.contains("trusthost1 \"10.0.0.0 255.0.255.0\" is not an IPv4 subnet"),
        "{err}"
    );
    assert!(err.contains("trusthost2 \"300.1.1.1 255.0.0.0\""), "{err}");
    assert!(!err.contains("trusthost3"), "{err}");
    assert!(err.contains("scope \"everywhere\""), "{err}");
    assert!(!err.contains("S3cr3t"), "{err}");
    // Without any profile in the configuration, the reference is not checked (the device's).
    let only = FortiConfig::parse(
        "config system admin\n    edit \"a1\"\n        set accprofile \"noc\"\n    next\nend\n",
    );
    assert!(only.validate("fgt").is_ok());
}

#[test]
fn address_keys_are_typed() {
    // batfish fortios testconfigs/address: uuid, interface-subnet, wildcard (edited again in a
    // second block: the later value wins).
    let rel = "batfish/fortios_address";
    let m = fortios_round_trip(rel, &vendored(rel));
    assert_eq!(
        m.addresses["interface-subnet"].interface.as_deref(),
        Some("port1")
    );
    assert_eq!(
        m.addresses["wildcard"].wildcard.as_deref(),
        Some("2.2.2.2 255.0.0.255")
    );
    let with_uuid: Vec<_> = m
        .addresses
        .values()
        .filter_map(|a| a.uuid.as_deref())
        .collect();
    assert_eq!(with_uuid, ["aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"]);
    assert!(m
        .addresses
        .values()
        .all(|a| !a.extra.contains_key("wildcard") && !a.extra.contains_key("uuid")));
    let bodies = m.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p.ends_with("/firewall/address") && k == "wildcard")
        .unwrap();
    assert_eq!(body["wildcard"], "2.2.2.2 255.0.0.255");
    let mut bad = m.clone();
    bad.addresses.get_mut("wildcard").unwrap().wildcard = Some("2.2.2.2".into());
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("address wildcard: wildcard \"2.2.2.2\""),
        "{err}"
    );
}

#[test]
fn group_exclusions_are_typed_and_sent_as_a_table() {
    // batfish fortios testconfigs/addrgrp: `set exclude-member` twice, then `append`.
    let rel = "batfish/fortios_addrgrp";
    let m = fortios_round_trip(rel, &vendored(rel));
    let g = &m.addrgrps["grp1"];
    assert_eq!(g.exclude.as_deref(), Some("enable"));
    assert_eq!(g.exclude_member, ["addr4", "addr5"]);
    assert_eq!(g.kind.as_deref(), Some("folder"));
    assert!(g.extra.is_empty(), "{:?}", g.extra);
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // REST: `exclude-member` is a table of names (before, a lone member was sent as a string).
    let bodies = m.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p.ends_with("/firewall/addrgrp") && k == "grp1")
        .unwrap();
    assert_eq!(
        body["exclude-member"],
        serde_json::json!([{ "name": "addr4" }, { "name": "addr5" }])
    );
    let mut one = m.clone();
    one.addrgrps.get_mut("grp1").unwrap().exclude_member = vec!["addr4".into()];
    let bodies = one.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p.ends_with("/firewall/addrgrp") && k == "grp1")
        .unwrap();
    assert_eq!(
        body["exclude-member"],
        serde_json::json!([{ "name": "addr4" }])
    );
    // An exclusion naming an undefined address is reported.
    let mut bad = m.clone();
    bad.addrgrps.get_mut("grp1").unwrap().exclude_member = vec!["nowhere".into()];
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("address group grp1 excludes \"nowhere\""),
        "{err}"
    );
    // Diff: one key changed is one `set`.
    assert_eq!(
        m.diff(&one, "fgt").commands(),
        [
            "config firewall addrgrp",
            "    edit \"grp1\"",
            "        set exclude-member \"addr4\"",
            "    next",
            "end"
        ]
    );
}

#[test]
fn service_protocol_keys_are_typed() {
    // batfish fortios testconfigs/service_custom: SCTP ranges, ICMP type/code, protocol numbers.
    let rel = "batfish/fortios_service_custom";
    let m = fortios_round_trip(rel, &vendored(rel));
    let s = &m.services;
    assert_eq!(s["custom_icmp"].icmptype.as_deref(), Some("255"));
    assert_eq!(s["custom_icmp"].icmpcode.as_deref(), Some("255"));
    assert_eq!(s["custom_ip"].protocol_number.as_deref(), Some("254"));
    assert_eq!(
        s["explicit_tcp"].sctp_portrange.as_deref(),
        Some("200 201:300")
    );
    assert_eq!(s["explicit_tcp"].visibility.as_deref(), Some("disable"));
    // `unset icmpcode`: the code is back to its default (any).
    assert_eq!(s["unset_icmp_1"].icmptype.as_deref(), Some("5"));
    assert!(s["unset_icmp_1"].icmpcode.is_none());
    let mut bad = m.clone();
    bad.services.get_mut("custom_icmp").unwrap().icmptype = Some("256".into());
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("service custom_icmp: icmptype \"256\" is not a number from 0 to 255"),
        "{err}"
    );
}

#[test]
fn policy_uuid_is_typed_and_checked() {
    // batfish fortios testconfigs/firewall_policy: `set uuid` on two policies.
    let rel = "batfish/fortios_firewall_policy";
    let m = fortios_round_trip(rel, &vendored(rel));
    let uuids: Vec<_> = m
        .policies
        .iter()
        .filter_map(|(id, p)| p.uuid.as_deref().map(|u| (*id, u)))
        .collect();
    assert_eq!(
        uuids,
        [
            (0, "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"),
            (4294967294, "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa")
        ]
    );
    assert!(m
        .policies
        .iter()
        .all(|(_, p)| !p.extra.contains_key("uuid")));
    // A desired policy without a uuid leaves the device's alone.
    let mut want = m.clone();
    for (_, p) in want.policies.iter_mut() {
        p.uuid = None;
    }
    assert!(m.diff(&want, "fgt").is_empty());
    let mut bad = m.clone();
    bad.policies[0].1.uuid = Some("not-a-uuid".into());
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("policy 0: uuid \"not-a-uuid\" is not a UUID"),
        "{err}"
    );
}

#[test]
fn policy_security_profiles_are_typed() {
    // The layout FortiOS 6.4-7.x writes for a policy with security profiles, NAT to a pool and
    // user groups (written by hand after the FortiOS CLI reference, `config firewall policy`).
    let text = "config firewall policy\n    edit 7\n        set name \"lan-out\"\n        set uuid 5c1e0f7a-9a1b-51ee-3b8e-6f6d0b1c2d3e\n        set srcintf \"internal\"\n        set dstintf \"wan1\"\n        set action accept\n        set srcaddr \"all\"\n        set dstaddr \"all\"\n        set schedule \"always\"\n        set service \"ALL\"\n        set utm-status enable\n        set inspection-mode proxy\n        set ssl-ssh-profile \"certificate-inspection\"\n        set av-profile \"default\"\n        set webfilter-profile \"default\"\n        set dnsfilter-profile \"default\"\n        set ips-sensor \"default\"\n        set application-list \"default\"\n        set profile-protocol-options \"default\"\n        set logtraffic all\n        set logtraffic-start enable\n        set ippool enable\n        set poolname \"pool-1\"\n        set groups \"staff\" \"guests\"\n        set nat enable\n        set comments \"outbound\"\n        set captive-portal-exempt enable\n    next\nend\n";
    let m = fortios_round_trip("utm", text);
    let p = &m.policies[0].1;
    assert_eq!(p.utm_status.as_deref(), Some("enable"));
    assert_eq!(p.inspection_mode.as_deref(), Some("proxy"));
    assert_eq!(p.ssl_ssh_profile.as_deref(), Some("certificate-inspection"));
    assert_eq!(p.av_profile.as_deref(), Some("default"));
    assert_eq!(p.webfilter_profile.as_deref(), Some("default"));
    assert_eq!(p.dnsfilter_profile.as_deref(), Some("default"));
    assert_eq!(p.ips_sensor.as_deref(), Some("default"));
    assert_eq!(p.application_list.as_deref(), Some("default"));
    assert_eq!(p.profile_protocol_options.as_deref(), Some("default"));
    assert_eq!(p.logtraffic_start.as_deref(), Some("enable"));
    assert_eq!(p.ippool.as_deref(), Some("enable"));
    assert_eq!(p.poolname, ["pool-1"]);
    assert_eq!(p.groups, ["staff", "guests"]);
    // A key not typed stays on the entry, as written.
    assert_eq!(p.extra.len(), 1);
    assert_eq!(p.extra["captive-portal-exempt"], "enable");
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
    // REST: pools and groups are tables of names; profiles are names.
    let bodies = m.rest_bodies();
    let (path, key, body) = &bodies[0];
    assert_eq!(
        (path.as_str(), key.as_str()),
        ("/api/v2/cmdb/firewall/policy", "7")
    );
    assert_eq!(body["poolname"], serde_json::json!([{ "name": "pool-1" }]));
    assert_eq!(
        body["groups"],
        serde_json::json!([{ "name": "staff" }, { "name": "guests" }])
    );
    assert_eq!(body["av-profile"], "default");
    assert_eq!(body["captive-portal-exempt"], "enable");
    // A profile changed is one `set`; a policy that does not state the profiles leaves them.
    let mut want = m.clone();
    want.policies[0].1.ips_sensor = Some("high_security".into());
    assert_eq!(
        m.diff(&want, "fgt").commands(),
        [
            "config firewall policy",
            "    edit 7",
            "        set ips-sensor \"high_security\"",
            "    next",
            "end"
        ]
    );
    let mut bare = m.clone();
    let p = &mut bare.policies[0].1;
    p.av_profile = None;
    p.ips_sensor = None;
    p.groups.clear();
    assert!(m.diff(&bare, "fgt").is_empty());
}

#[test]
fn an_admin_password_in_any_form_stays_out_of_debug() {
    // Damaged or unusual values (two words, an `ENC` cut short) are still the password, never kept
    // in `extra` where `Debug` would show them.
    for v in ["ENC", "ENC two words", "a b", "\"quoted pass\"", "''"] {
        let text = format!(
            "config system admin\n    edit \"a\"\n        set password {v}\n    next\nend\n"
        );
        let m = fortios_round_trip(v, &text);
        let a = &m.admins["a"];
        assert!(a.extra.is_empty(), "{v}: {:?}", a.extra.keys());
        assert!(a.password.is_some(), "{v}");
        let dbg = format!("{m:?}");
        assert!(
            !dbg.contains("two words") && !dbg.contains("quoted pass"),
            "{dbg}"
        );
    }
}

#[test]
fn router_access_lists_keep_their_rules_in_device_order() {
    // batfish fortios testconfigs/access_list: rule 12 first, edited again at the end of the same
    // `config rule` table (it keeps its place and takes the new prefix).
    let rel = "batfish/fortios_access_list";
    let m = fortios_round_trip(rel, &vendored(rel));
    assert!(m
        .other
        .iter()
        .all(|o| !o.starts_with("config router access-list")));
    let l = &m.router_access_lists["acl_name1"];
    assert_eq!(l.comments.as_deref(), Some("comment for acl_name1"));
    assert!(l.nested.is_empty(), "{:?}", l.nested);
    let ids: Vec<u32> = l.rules.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [12, 1, 2]);
    let r12 = &l.rules[0].1;
    assert_eq!(r12.action.as_deref(), Some("permit"));
    assert_eq!(r12.exact_match.as_deref(), Some("enable"));
    assert_eq!(r12.wildcard.as_deref(), Some("1.2.3.4 0.255.255.255"));
    assert_eq!(r12.prefix.as_deref(), Some("1.2.3.4/24"));
    assert_eq!(l.rules[2].1.prefix.as_deref(), Some("any"));
    assert!(m.router_access_lists["the_longest_access_list_name_possib"]
        .rules
        .is_empty());
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // REST: the rules are the `rule` table, in order.
    let bodies = m.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p == "/api/v2/cmdb/router/access-list" && k == "acl_name1")
        .expect("access-list body");
    let rule_ids: Vec<u64> = body["rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(rule_ids, [12, 1, 2]);
    assert_eq!(body["rule"][0]["exact-match"], "enable");
    // A rule removed is deleted, a key the desired rule drops is unset, a list the desired model
    // does not name is left alone.
    let mut want = FortiConfig::default();
    let mut wl = l.clone();
    wl.rules.retain(|(id, _)| *id != 2);
    wl.rules[1].1.exact_match = None;
    want.router_access_lists.insert("acl_name1".into(), wl);
    assert_eq!(
        m.diff(&want, "fgt").commands(),
        [
            "config router access-list",
            "    edit \"acl_name1\"",
            "        config rule",
            "            edit 1",
            "                unset exact-match",
            "            next",
            "            delete 2",
            "        end",
            "    next",
            "end"
        ]
    );
    // Rules put in another order: moved, nothing else.
    let mut want = FortiConfig::default();
    let mut wl = l.clone();
    wl.rules.swap(0, 1);
    want.router_access_lists.insert("acl_name1".into(), wl);
    assert_eq!(
        m.diff(&want, "fgt").commands(),
        [
            "config router access-list",
            "    edit \"acl_name1\"",
            "        config rule",
            "            move 1 before 12",
            "        end",
            "    next",
            "end"
        ]
    );
    // Bad prefixes and wildcards are reported.
    let mut bad = m.clone();
    let r = &mut bad.router_access_lists.get_mut("acl_name1").unwrap().rules;
    r[1].1.prefix = Some("1.2.3.4/33".into());
    r[2].1.wildcard = Some("1.2.3.4".into());
    r[0].1.action = Some("allow".into());
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(err.contains("rule 1: prefix \"1.2.3.4/33\""), "{err}");
    assert!(err.contains("rule 2: wildcard \"1.2.3.4\""), "{err}");
    assert!(err.contains("rule 12: action \"allow\""), "{err}");
}

#[test]
fn route_maps_are_typed_and_their_references_checked() {
    // batfish fortios testconfigs/route_map: rule 9999 before rule 1 (insertion order), edited
    // again; rules matching access lists acl1 and acl2.
    let rel = "batfish/fortios_route_map";
    let m = fortios_round_trip(rel, &vendored(rel));
    let rm = &m.route_maps["route_map1"];
    assert_eq!(rm.comments.as_deref(), Some("comment for route_map1"));
    let ids: Vec<u32> = rm.rules.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [9999, 1, 2]);
    assert_eq!(rm.rules[0].1.match_ip_address.as_deref(), Some("acl1"));
    assert_eq!(rm.rules[0].1.action.as_deref(), Some("permit"));
    assert_eq!(rm.rules[1].1.action.as_deref(), Some("deny"));
    assert_eq!(rm.rules[1].1.match_ip_address.as_deref(), Some("acl2"));
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // Route maps come after the access lists they use.
    let out = m.render();
    assert!(
        out.find("config router access-list").unwrap()
            < out.find("config router route-map").unwrap()
    );
    // A new rule with BGP settings is written in FortiOS's form and sent as a table.
    let mut want = FortiConfig::default();
    let mut w = rm.clone();
    w.rules.push((
        20,
        hermes_netdev::fortios::RouteMapRule {
            action: Some("permit".into()),
            match_ip_address: Some("acl1".into()),
            set_local_preference: Some("200".into()),
            set_community: vec!["65000:100".into(), "no-export".into()],
            ..Default::default()
        },
    ));
    want.route_maps.insert("route_map1".into(), w.clone());
    assert_eq!(
        m.diff(&want, "fgt").commands(),
        [
            "config router route-map",
            "    edit \"route_map1\"",
            "        config rule",
            "            edit 20",
            "                set action permit",
            "                set match-ip-address \"acl1\"",
            "                set set-local-preference 200",
            "                set set-community \"65000:100\" \"no-export\"",
            "            next",
            "        end",
            "    next",
            "end"
        ]
    );
    want.router_access_lists = m.router_access_lists.clone();
    let bodies = want.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, k, _)| p == "/api/v2/cmdb/router/route-map" && k == "route_map1")
        .unwrap();
    assert_eq!(
        body["rule"][3]["set-community"],
        serde_json::json!([{ "community": "65000:100" }, { "community": "no-export" }])
    );
    // batfish access_list_reference: a rule matching an access list nobody defined.
    let rel = "batfish/fortios_access_list_reference";
    let r = fortios_round_trip(rel, &vendored(rel));
    assert!(r.router_access_lists["acl_name1"].rules.len() == 1);
    let err = r.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("router route-map \"route_map1\" rule 3: match-ip-address \"acl_undefined\" is not a defined access list"),
        "{err}"
    );
    assert!(!err.contains("acl_name1"), "{err}");
}

#[test]
fn bgp_process_neighbors_and_networks_are_typed() {
    // batfish fortios testconfigs/bgp: `set as 0` then `set as 1`, neighbors using route maps rm1
    // and rm2, networks 0 and 4294967295 in both prefix forms.
    let rel = "batfish/fortios_bgp";
    let m = fortios_round_trip(rel, &vendored(rel));
    assert!(m.other.iter().all(|o| !o.starts_with("config router bgp")));
    let b = m.bgp.as_ref().unwrap();
    assert_eq!(b.as_.as_deref(), Some("1"));
    assert_eq!(b.router_id.as_deref(), Some("1.1.1.1"));
    assert!(b.nested.is_empty(), "{:?}", b.nested);
    let n = &m.bgp_neighbors["2.2.2.2"];
    assert_eq!(n.remote_as.as_deref(), Some("1"));
    assert_eq!(n.route_map_in.as_deref(), Some("rm1"));
    assert_eq!(n.route_map_out.as_deref(), Some("rm2"));
    assert_eq!(n.update_source.as_deref(), Some("port1"));
    assert_eq!(
        m.bgp_neighbors["11.11.11.2"].remote_as.as_deref(),
        Some("4294967295")
    );
    assert_eq!(m.bgp_networks[&0].prefix.as_deref(), Some("3.3.3.3/24"));
    assert_eq!(
        m.bgp_networks[&4294967295].prefix.as_deref(),
        Some("4.4.4.4 255.255.255.0")
    );
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // REST: one body for the process, its neighbors and networks as tables.
    let bodies = m.rest_bodies();
    let (_, _, body) = bodies
        .iter()
        .find(|(p, _, _)| p == "/api/v2/cmdb/router/bgp")
        .unwrap();
    assert_eq!(body["router-id"], "1.1.1.1");
    assert_eq!(body["neighbor"][1]["ip"], "2.2.2.2");
    assert_eq!(body["neighbor"][1]["route-map-in"], "rm1");
    assert_eq!(body["network"][0]["id"], 0);
    // A neighbor added with a password: only it is written; the process's other neighbors, which
    // `want` also states, are compared on the keys `want` sets.
    let live = m.clone();
    let mut want = FortiConfig {
        bgp: Some(hermes_netdev::fortios::RouterBgp {
            as_: Some("1".into()),
            ..Default::default()
        }),
        bgp_neighbors: live.bgp_neighbors.clone(),
        route_maps: live.route_maps.clone(),
        ..FortiConfig::default()
    };
    want.bgp_neighbors.insert(
        "10.10.10.2".into(),
        hermes_netdev::fortios::BgpNeighbor {
            remote_as: Some("65010".into()),
            password: Some(Secret::new("bgp-Pa55")),
            ..Default::default()
        },
    );
    let plan = live.diff(&want, "fgt");
    assert_eq!(
        plan.commands(),
        [
            "config router bgp",
            "    config neighbor",
            "        edit \"10.10.10.2\"",
            "            set remote-as 65010",
            "            set password \"bgp-Pa55\"",
            "        next",
            "    end",
            "end"
        ]
    );
    assert!(!format!("{plan}").contains("bgp-Pa55"));
    assert!(!format!("{want:?}").contains("bgp-Pa55"));
    // Read back with the password encrypted: nothing left to do.
    let mut back = live.clone();
    let mut nb = want.bgp_neighbors["10.10.10.2"].clone();
    nb.password = Some(Secret::new("ENC AbCdEf0123"));
    back.bgp_neighbors.insert("10.10.10.2".into(), nb);
    let back = FortiConfig::parse(&back.render());
    assert!(
        back.diff(&want, "fgt").is_empty(),
        "{}",
        back.diff(&want, "fgt")
    );
    // A neighbor using a route map nobody defined is reported.
    let mut bad = m.clone();
    bad.bgp_neighbors.get_mut("2.2.2.2").unwrap().route_map_in = Some("nope".into());
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains(
            "router bgp neighbor 2.2.2.2: route-map-in \"nope\" is not a defined route map"
        ),
        "{err}"
    );
}

#[test]
fn a_value_cut_inside_its_quote_does_not_take_in_the_lines_rendered_after_it() {
    // batfish fortios testconfigs/addrgrp_warnings with each line cut to its first three words
    // (`set comment "no` left open, as a truncated paste leaves it): written back as it was read,
    // the open quote took in the lines that followed it in the rendering, up to the next quoted
    // `exclude-member` list, so parse(render(m)) != m.
    let text = "config firewall addrgrp\n    edit \"cycles\"\n        set comment \"no\n        set member valid\n    next\n    edit \"grp2\"\n        set member addr1\n        set exclude-member addr2\n        append exclude-member addr3\n    next\nend\n";
    let m = fortios_round_trip("cut", text);
    assert_eq!(m.addrgrps["cycles"].comment.as_deref(), Some("no"));
    assert_eq!(m.addrgrps["cycles"].member, ["valid"]);
    assert_eq!(m.addrgrps["grp2"].exclude_member, ["addr2", "addr3"]);
}
