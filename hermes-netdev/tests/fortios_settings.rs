//! The FortiOS device settings an operator hardens first: `config system global`, DNS, NTP,
//! syslog, SNMP, and service groups. Each is parsed into typed fields, written back in FortiOS's
//! layout, validated, diffed (set within a block, `delete` for a removed table entry) and turned
//! into REST bodies, and lives in `config global` on a multi-VDOM FortiGate.
//!
//! Layouts cut from batfish (Apache-2.0) name their file at commit
//! cba1873338ae3b1952883706f5d7c6d969b385ec under
//! projects/batfish/src/test/resources/org/batfish/grammar/fortios/testconfigs/. The DNS, NTP,
//! syslog and SNMP layouts are written by hand after FortiOS 7.2's CLI reference (own addresses
//! and names): no permissively licensed public configuration holding them was found.

use hermes_netdev::fortios::FortiConfig;

/// Parse → render → parse is the same model, the rendering is stable, and the model diffs
/// against itself to nothing.
fn check(text: &str) -> FortiConfig {
    let m = FortiConfig::parse(text);
    let out = m.render();
    let again = FortiConfig::parse(&out);
    assert_eq!(again, m, "{out}");
    assert_eq!(again.render(), out);
    assert!(m.diff(&m, "fgt").is_empty());
    m
}

#[test]
fn system_global_keeps_keys_it_does_not_model() {
    // batfish testconfigs/fortios_system_recovery, lines 1-4 (file sha256 4b8c0644...8819f0).
    let text = "config system global\n    set hostname \"fortios_system_recovery\"\n    set APropertyThatHopefullyDoesNotExist to a bunch of garbage\nend\n";
    let m = check(text);
    let g = m.global.as_ref().expect("system global is modelled");
    assert_eq!(g.hostname.as_deref(), Some("fortios_system_recovery"));
    assert_eq!(
        g.extra["APropertyThatHopefullyDoesNotExist"],
        "to a bunch of garbage"
    );
    assert!(m.other.is_empty(), "{:?}", m.other);
    // Changing the admin timeout sets that key only: the kept key is left alone.
    let want = FortiConfig {
        global: Some(hermes_netdev::fortios::SysGlobal {
            admintimeout: Some("15".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        m.diff(&want, "fgt").commands(),
        ["config system global", "    set admintimeout 15", "end"]
    );
}

#[test]
fn system_global_hostname_unquoted_and_invalid() {
    // batfish testconfigs/fortios_hostname, lines 1-3 (file sha256 2b9ab96b...0b6): two-space indent,
    // unquoted value.
    let m = check("config system global\n  set hostname my_fortios-hostname1\nend\n");
    assert_eq!(
        m.global.as_ref().unwrap().hostname.as_deref(),
        Some("my_fortios-hostname1")
    );
    m.validate("fgt").expect("a valid host name");
    // batfish testconfigs/fortios_bad_hostname, lines 1-3 (file sha256 0ce0d759...bc24): batfish
    // rejects a host name with a dot ("Illegal value for device hostname").
    let m = check("config system global\n  set hostname \"invalid.hostname\"\nend\n");
    let err = m.validate("fgt").unwrap_err().to_string();
    assert!(
        err.contains("invalid.hostname") && err.contains("fgt"),
        "{err}"
    );
}

#[test]
fn system_global_settings_are_validated_and_sent_to_the_cmdb() {
    let text = "config system global\n    set admin-sport 8443\n    set admin-ssh-port 2222\n    set admintimeout 10\n    set hostname \"fw-edge-1\"\n    set timezone 04\n    set gui-theme mariner\nend\n";
    let m = check(text);
    let g = m.global.as_ref().unwrap();
    assert_eq!(g.admin_sport.as_deref(), Some("8443"));
    assert_eq!(g.admin_ssh_port.as_deref(), Some("2222"));
    assert_eq!(g.timezone.as_deref(), Some("04"));
    m.validate("fgt").unwrap();
    let b = m.rest_bodies();
    assert_eq!(b[0].0, "/api/v2/cmdb/system/global");
    assert_eq!(b[0].1, "");
    assert_eq!(b[0].2["hostname"], "fw-edge-1");
    assert_eq!(b[0].2["admin-sport"], "8443");
    assert_eq!(b[0].2["gui-theme"], "mariner");
    let bad = text
        .replace("admintimeout 10", "admintimeout 900")
        .replace("admin-ssh-port 2222", "admin-ssh-port 70000");
    let err = FortiConfig::parse(&bad)
        .validate("fgt")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("admintimeout \"900\"") && err.contains("admin-ssh-port \"70000\""),
        "{err}"
    );
}

const DNS_NTP: &str = "config system dns\n    set primary 192.0.2.53\n    set secondary 192.0.2.54\n    set domain \"corp.example\" \"lab.example\"\nend\nconfig system ntp\n    set ntpsync enable\n    set type custom\n    set syncinterval 60\n    config ntpserver\n        edit 1\n            set server \"192.0.2.123\"\n        next\n        edit 2\n            set server \"ntp.example.net\"\n            set ntpv3 enable\n        next\n    end\nend\n";

#[test]
fn dns_and_ntp_are_typed_and_rendered_in_fortios_layout() {
    let m = check(DNS_NTP);
    let d = m.dns.as_ref().unwrap();
    assert_eq!(d.primary.as_deref(), Some("192.0.2.53"));
    assert_eq!(d.domain, ["corp.example", "lab.example"]);
    let n = m.ntp.as_ref().unwrap();
    assert_eq!(n.ntpsync.as_deref(), Some("enable"));
    assert_eq!(n.kind.as_deref(), Some("custom"));
    assert!(n.nested.is_empty());
    assert_eq!(m.ntp_servers[&2].server.as_deref(), Some("ntp.example.net"));
    assert_eq!(m.ntp_servers[&2].ntpv3.as_deref(), Some("enable"));
    // Written back as the device shows it.
    assert_eq!(m.render(), DNS_NTP);
    m.validate("fgt").unwrap();
}

#[test]
fn ntp_server_changes_are_sets_and_removed_servers_are_deleted() {
    let live = FortiConfig::parse(DNS_NTP);
    let mut want = FortiConfig::parse(DNS_NTP);
    want.dns = None;
    want.ntp_servers.remove(&2);
    want.ntp_servers.get_mut(&1).unwrap().server = Some("192.0.2.124".into());
    let cs = live.diff(&want, "fgt");
    assert_eq!(
        cs.commands(),
        [
            "config system ntp",
            "    config ntpserver",
            "        edit 1",
            "            set server \"192.0.2.124\"",
            "        next",
            "        delete 2",
            "    end",
            "end",
        ]
    );
    // A server the device shows with more keys than the model states is left alone.
    let mut shown = live.clone();
    shown
        .ntp_servers
        .get_mut(&1)
        .unwrap()
        .extra
        .insert("interface-select-method".into(), "auto".into());
    assert!(shown.diff(&live, "fgt").is_empty());
}

#[test]
fn dns_and_ntp_problems_are_reported() {
    let bad = DNS_NTP.replace("192.0.2.54", "192.0.2.300");
    let err = FortiConfig::parse(&bad)
        .validate("fgt")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("secondary \"192.0.2.300\" is not an IPv4 address"),
        "{err}"
    );
    // ntpsync with custom servers but none configured.
    let mut m = FortiConfig::parse(DNS_NTP);
    m.ntp_servers.clear();
    let err = m.validate("fgt").unwrap_err().to_string();
    assert!(err.contains("no ntpserver is configured"), "{err}");
    // With FortiGuard's servers none is needed.
    m.ntp.as_mut().unwrap().kind = Some("fortiguard".into());
    m.validate("fgt").unwrap();
}

#[test]
fn dns_and_ntp_rest_bodies() {
    let m = FortiConfig::parse(DNS_NTP);
    let b = m.rest_bodies();
    let dns = b.iter().find(|x| x.0 == "/api/v2/cmdb/system/dns").unwrap();
    assert_eq!(dns.2["primary"], "192.0.2.53");
    assert_eq!(dns.2["domain"][1]["domain"], "lab.example");
    let ntp = b.iter().find(|x| x.0 == "/api/v2/cmdb/system/ntp").unwrap();
    assert_eq!(ntp.1, "");
    assert_eq!(ntp.2["ntpsync"], "enable");
    assert_eq!(ntp.2["ntpserver"][0]["id"], 1);
    assert_eq!(ntp.2["ntpserver"][1]["server"], "ntp.example.net");
}

const SYSLOG_SNMP: &str = "config log syslogd setting\n    set status enable\n    set server \"192.0.2.514\"\n    set port 514\n    set facility local6\nend\nconfig system snmp sysinfo\n    set status enable\n    set description \"edge firewall\"\n    set contact-info \"noc@example.net\"\n    set location \"rack 4\"\nend\nconfig system snmp community\n    edit 1\n        set name \"c0mmun1ty-s3cr3t\"\n        config hosts\n            edit 1\n                set ip 192.0.2.161 255.255.255.255\n            next\n        end\n    next\nend\n";

#[test]
fn syslog_and_snmp_are_typed_and_the_community_never_prints() {
    let text = SYSLOG_SNMP.replace("192.0.2.514", "192.0.2.51");
    let m = check(&text);
    let l = m.syslog.as_ref().unwrap();
    assert_eq!(l.status.as_deref(), Some("enable"));
    assert_eq!(l.server.as_deref(), Some("192.0.2.51"));
    assert_eq!(l.facility.as_deref(), Some("local6"));
    let s = m.snmp_sysinfo.as_ref().unwrap();
    assert_eq!(s.location.as_deref(), Some("rack 4"));
    let c = &m.snmp_communities[&1];
    assert_eq!(c.name.as_ref().unwrap().expose(), "c0mmun1ty-s3cr3t");
    assert_eq!(c.nested.len(), 1);
    // The device gets it; Debug and serde never show it.
    assert!(m.render().contains("set name \"c0mmun1ty-s3cr3t\""));
    assert!(!format!("{m:?}").contains("c0mmun1ty"));
    assert!(!serde_json::to_string(&m).unwrap().contains("c0mmun1ty"));
    m.validate("fgt").unwrap();
    let b = m.rest_bodies();
    let paths: Vec<&str> = b.iter().map(|x| x.0.as_str()).collect();
    assert!(
        paths.contains(&"/api/v2/cmdb/log.syslogd/setting"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/api/v2/cmdb/system.snmp/sysinfo"),
        "{paths:?}"
    );
    let comm = b
        .iter()
        .find(|x| x.0 == "/api/v2/cmdb/system.snmp/community")
        .unwrap();
    assert_eq!(comm.1, "1");
    assert_eq!(comm.2["id"], 1);
    assert_eq!(comm.2["name"], "c0mmun1ty-s3cr3t");
}

#[test]
fn syslog_and_snmp_problems_never_name_the_community() {
    // A server that is a host name is fine; an enabled syslog without a server is not.
    let m = FortiConfig::parse(&SYSLOG_SNMP.replace("    set server \"192.0.2.514\"\n", ""));
    let err = m.validate("fgt").unwrap_err().to_string();
    assert!(err.contains("status is enabled but no server"), "{err}");
    let bad = SYSLOG_SNMP
        .replace("set port 514", "set port 0")
        .replace("set name \"c0mmun1ty-s3cr3t\"", "set name \"\"");
    let err = FortiConfig::parse(&bad)
        .validate("fgt")
        .unwrap_err()
        .to_string();
    assert!(err.contains("port \"0\" is not a port"), "{err}");
    assert!(err.contains("snmp community 1 has no name"), "{err}");
    // The name of a community is never in a problem.
    let m = FortiConfig::parse(&SYSLOG_SNMP.replace("set port 514", "set port x"));
    let err = m.validate("fgt").unwrap_err();
    assert!(!format!("{err} {err:?}").contains("c0mmun1ty"));
}

#[test]
fn removed_snmp_community_is_deleted() {
    let live = FortiConfig::parse(SYSLOG_SNMP);
    let mut want = live.clone();
    want.syslog = None;
    want.snmp_sysinfo = None;
    let mut c2 = live.snmp_communities[&1].clone();
    c2.nested.clear();
    c2.name = Some("other-secret".into());
    want.snmp_communities.insert(2, c2);
    want.snmp_communities.remove(&1);
    let cs = live.diff(&want, "fgt");
    let cmds = cs.commands();
    assert!(cmds.contains(&"    delete 1"), "{cmds:?}");
    assert!(cmds.contains(&"    edit 2"), "{cmds:?}");
}

#[test]
fn settings_live_in_config_global_of_a_multi_vdom_device() {
    let text = format!(
        "config vdom\nedit root\nnext\nend\nconfig global\n{DNS_NTP}config system global\n    set hostname \"fw-vd\"\nend\nend\nconfig vdom\nedit root\nconfig firewall address\n    edit \"web\"\n        set subnet 10.0.30.0 255.255.255.0\n    next\nend\nend\n"
    );
    let m = check(&text);
    assert_eq!(
        m.global.as_ref().unwrap().hostname.as_deref(),
        Some("fw-vd")
    );
    assert_eq!(m.ntp_servers.len(), 2);
    let out = m.render();
    let g = out.find("config global").unwrap();
    assert!(out.find("config system ntp").unwrap() > g);
    m.validate("fgt").unwrap();
    // A global setting written inside a VDOM is refused, naming the VDOM and where it belongs.
    let wrong = text.replace(
        "config vdom\nedit root\nconfig firewall address",
        "config vdom\nedit root\nconfig system dns\n    set primary 192.0.2.1\nend\nconfig firewall address",
    );
    let err = FortiConfig::parse(&wrong)
        .validate("fgt")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("vdom root: `config system dns` is a global setting"),
        "{err}"
    );
    // Changes go inside `config global`.
    let mut want = m.clone();
    want.dns.as_mut().unwrap().primary = Some("192.0.2.99".into());
    let cs = m.diff(&want, "fgt");
    let cmds = cs.commands();
    assert_eq!(
        cmds,
        [
            "config global",
            "config system dns",
            "    set primary 192.0.2.99",
            "end",
            "end"
        ]
    );
}

#[test]
fn service_groups_are_typed() {
    // batfish testconfigs/service_group, lines 4-28 (file sha256 dc935fe7...39ad8): a long quoted name,
    // unquoted members, a member list set twice and `append`.
    let text = "config firewall service custom\n    edit \"custom_tcp1\"\n        set tcp-portrange 1\n    next\n    edit \"custom_tcp2\"\n        set tcp-portrange 2\n    next\n    edit \"custom_tcp3\"\n        set tcp-portrange 3\n    next\nend\nconfig firewall service group\n    edit \"this is longest possible firewall service group name that is accepted by device\"\n        set comment \"service group comment\"\n        set member custom_tcp3\n    next\n    edit \"grp1\"\n        set member custom_tcp3\n    next\n    edit \"grp2\"\n        set member custom_tcp1 custom_tcp2\n        set member custom_tcp3\n        append member grp1\n    next\nend\n";
    let m = check(text);
    assert_eq!(m.service_groups["grp2"].member, ["custom_tcp3", "grp1"]);
    assert_eq!(
        m.service_groups
            ["this is longest possible firewall service group name that is accepted by device"]
            .comment
            .as_deref(),
        Some("service group comment")
    );
    m.validate("fgt").unwrap();
    let err = FortiConfig::parse(&text.replace("append member grp1", "append member grp9"))
        .validate("fgt")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("service group grp2 has member \"grp9\""),
        "{err}"
    );
    let b = m.rest_bodies();
    let g = b
        .iter()
        .find(|x| x.0 == "/api/v2/cmdb/firewall.service/group" && x.1 == "grp2")
        .unwrap();
    assert_eq!(g.2["member"][1]["name"], "grp1");
    let mut want = m.clone();
    want.service_groups.remove("grp1");
    want.service_groups.get_mut("grp2").unwrap().member = vec!["custom_tcp3".into()];
    let cs = m.diff(&want, "fgt");
    let cmds = cs.commands();
    assert!(cmds.contains(&"    delete \"grp1\""), "{cmds:?}");
}

#[test]
fn a_plan_never_shows_the_community_it_sends() {
    // The change set carries the real `set name "..."` line for the device; a printed plan, its
    // JSON and its Debug show the line redacted by where it stands (in `config system snmp
    // community`), while other `set name` lines stay readable.
    let live = FortiConfig::parse("");
    let want = FortiConfig::parse(SYSLOG_SNMP);
    let cs = live.diff(&want, "fgt");
    assert!(
        cs.commands().iter().any(|c| c.contains("c0mmun1ty-s3cr3t")),
        "the device must get it: {:?}",
        cs.commands()
    );
    let shown = [
        cs.render(),
        format!("{cs:?}"),
        serde_json::to_string(&cs).unwrap(),
    ];
    for text in &shown {
        assert!(!text.contains("c0mmun1ty"), "{text}");
    }
    assert!(shown[0].contains("set name <redacted>"), "{}", shown[0]);
}
