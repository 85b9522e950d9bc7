//! Configuration families that real configurations kept verbatim before, now typed: NX-OS user
//! roles (`role name X` with numbered rules), NX-OS ACL entries written without a sequence number
//! (numbered as the switch numbers them), NX-OS `priority-flow-control mode`, IOS line
//! `stopbits`, `switchport voice vlan` and `switchport port-security`. Each test names the real
//! file it reads: batfish's parser test configurations and genieparser's Catalyst captures
//! vendored in `tests/data/configs` (Apache-2.0, SOURCES.md there) and the NAPALM / batfish files
//! of `../shared/data/netdev`.

use hermes_netdev::cisco::{
    CiscoConfig, Dialect, PfcMode, PortSecurity, RoleRule, RuleAccess, Stopbits, Violation,
    VoiceVlan,
};

#[path = "common/configs.rs"]
mod configs;
use configs::vendored;

fn shared(rel: &str) -> String {
    std::fs::read_to_string(hermes_testkit::shared_data().join("netdev").join(rel)).unwrap()
}

fn cmds(live: &CiscoConfig, want: &CiscoConfig, d: Dialect) -> Vec<String> {
    live.diff(want, d, "sw")
        .commands()
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Every kept line of the model (top level, interfaces, lines, roles), first words only.
fn kept(m: &CiscoConfig) -> Vec<String> {
    let mut out: Vec<String> = m.other.clone();
    out.extend(m.interfaces.values().flat_map(|i| i.other.clone()));
    out.extend(m.lines.values().flat_map(|l| l.other.clone()));
    out.extend(m.roles.values().flat_map(|r| r.other.clone()));
    out
}

// ---------------------------------------------------------------------------------------------
// NX-OS roles
// ---------------------------------------------------------------------------------------------

#[test]
fn batfish_nxos_role_is_typed_and_rendered_as_the_switch_shows_it() {
    let text = vendored("batfish/nxos_role");
    let m = CiscoConfig::parse(&text, Dialect::NxOs);
    let r = &m.roles["myrole"];
    assert_eq!(r.description.as_deref(), Some("the best role"));
    assert_eq!(r.rules.len(), 8);
    assert_eq!(
        r.rules[&5],
        RoleRule {
            permit: true,
            access: RuleAccess::Read(None)
        }
    );
    assert_eq!(r.rules[&3].access, RuleAccess::Command("show *".into()));
    assert!(r.other.is_empty());
    assert!(!kept(&m).iter().any(|l| l.starts_with("role")));
    // Description first, rules from the highest number down, as in the file.
    let out = m.render(Dialect::NxOs);
    let body: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("role name"))
        .take(10)
        .collect();
    assert_eq!(body[0], "role name myrole");
    assert_eq!(body[1], "  description the best role");
    assert_eq!(body[2], "  rule 8 permit command terminal *");
    assert_eq!(body[9], "  rule 1 permit command ping *");
    assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), m);
    assert!(m.diff(&m, Dialect::NxOs, "sw").is_empty());
}

#[test]
fn a_changed_role_rule_is_removed_by_number_and_typed_again() {
    let live = CiscoConfig::parse(&vendored("batfish/nxos_role"), Dialect::NxOs);
    let mut want = CiscoConfig::default();
    let mut r = live.roles["myrole"].clone();
    r.rules.insert(
        5,
        RoleRule {
            permit: false,
            access: RuleAccess::ReadWrite(Some("feature-group L3".into())),
        },
    );
    r.rules.remove(&8);
    r.rules.insert(
        9,
        RoleRule {
            permit: true,
            access: RuleAccess::Read(Some("feature router-bgp".into())),
        },
    );
    r.description = Some("operators".into());
    want.roles.insert("myrole".into(), r);
    assert_eq!(
        cmds(&live, &want, Dialect::NxOs),
        [
            "role name myrole",
            " no rule 8",
            " no rule 5",
            " description operators",
            " rule 9 permit read feature router-bgp",
            " rule 5 deny read-write feature-group L3",
        ]
    );
    // A role the desired model does not name is left alone (none is ever removed); one that is
    // new is created before the users that name it.
    let mut other = CiscoConfig::default();
    other.roles.insert("audit".into(), {
        let mut r = hermes_netdev::cisco::Role::default();
        r.rules.insert(
            1,
            RoleRule {
                permit: true,
                access: RuleAccess::Read(None),
            },
        );
        r
    });
    other
        .other
        .push("username auditor password 5 ! role audit".into());
    let c = cmds(&live, &other, Dialect::NxOs);
    assert_eq!(c[..2], ["role name audit", " rule 1 permit read"]);
    assert!(c[2].starts_with("username auditor"), "{c:?}");
    assert!(!c.iter().any(|l| l.contains("myrole")), "{c:?}");
}

#[test]
fn napalm_nxos_privilege_roles_are_typed() {
    // NAPALM's NX-OS test configuration (a Nexus `show running-config`): priv-0 .. priv-15.
    let m = CiscoConfig::parse(&shared("napalm/nxos__nxos__initial.conf"), Dialect::NxOs);
    assert_eq!(m.roles.len(), 16);
    for r in m.roles.values() {
        assert_eq!(
            r.description.as_deref(),
            Some("This is a system defined privilege role.")
        );
        assert!(r.other.is_empty());
    }
    assert_eq!(
        m.roles["priv-15"].rules[&1].access,
        RuleAccess::ReadWrite(None)
    );
    let p0 = &m.roles["priv-0"];
    assert_eq!(
        p0.rules.keys().copied().collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(
        p0.rules[&10].access,
        RuleAccess::Command("traceroute6 *".into())
    );
    assert!(
        m.validate("n9k").is_ok() || !m.validate("n9k").unwrap_err().to_string().contains("role")
    );
}

#[test]
fn roles_the_switch_refuses_are_reported() {
    let m = CiscoConfig::parse(
        "role name network-admin\n  rule 1 permit read\nrole name ops\n  rule 300 permit read\n",
        Dialect::NxOs,
    );
    let e = m.validate("n9k").unwrap_err().to_string();
    assert!(
        e.contains("role network-admin is a predefined NX-OS role"),
        "{e}"
    );
    assert!(e.contains("role ops: rule 300 is out of range"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// NX-OS ACL entries without sequence numbers
// ---------------------------------------------------------------------------------------------

#[test]
fn batfish_nxos_acl_entries_without_numbers_are_numbered_as_the_switch_numbers_them() {
    // batfish's nxos_ip_access_list states the numbers NX-OS gives in its comments ("index should
    // start at 10", "should be 25, i.e. 10 plus highest index", "should have index 35").
    let m = CiscoConfig::parse(
        &shared("batfish/nxos__nxos_ip_access_list.cfg"),
        Dialect::NxOs,
    );
    let a = &m.acls["acl_indices"];
    assert_eq!(a.entries[0].seq, None);
    let seqs: Vec<_> = a
        .sequenced()
        .entries
        .iter()
        .map(|e| e.seq.unwrap())
        .collect();
    assert_eq!(seqs, [10, 15, 25, 13, 35, 1]);
    assert_eq!(a.entries[4].rule, "remark This remark should have index 35");
    assert!(m.acls.contains_key("acl_simple_protocols"));
    assert!(!m
        .other
        .iter()
        .any(|o| o.starts_with("ip access-list acl_indices")));
    let e = m
        .validate("n9k")
        .map_err(|e| e.to_string())
        .err()
        .unwrap_or_default();
    assert!(!e.contains("acl_indices"), "{e}");
}

#[test]
fn an_unnumbered_nxos_acl_converges_on_the_switch_numbered_one() {
    let want = CiscoConfig::parse(
        "ip access-list MGMT\n  permit tcp 10.0.0.0/8 any eq 22\n  remark then the rest\n  deny ip any any\n",
        Dialect::NxOs,
    );
    // What the switch shows once the list is applied.
    let live = CiscoConfig::parse(
        "ip access-list MGMT\n  10 permit tcp 10.0.0.0/8 any eq 22\n  20 remark then the rest\n  30 deny ip any any\n",
        Dialect::NxOs,
    );
    assert!(live.diff(&want, Dialect::NxOs, "n9k").is_empty());
    // A changed entry is replaced by its number, the others are left alone.
    let changed = CiscoConfig::parse(
        "ip access-list MGMT\n  permit tcp 10.0.0.0/8 any eq 22\n  remark then the rest\n  permit ip any any\n",
        Dialect::NxOs,
    );
    assert_eq!(
        cmds(&live, &changed, Dialect::NxOs),
        ["ip access-list MGMT", " no 30", " 30 permit ip any any"]
    );
    // A number stated after an unnumbered entry that takes it is refused as a duplicate.
    let dup = CiscoConfig::parse(
        "ip access-list D\n  permit ip any any\n  10 deny ip any any\n",
        Dialect::NxOs,
    );
    let e = dup.validate("n9k").unwrap_err().to_string();
    assert!(e.contains("ACL D: entry 10 takes the number"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// NX-OS priority-flow-control, IOS stopbits
// ---------------------------------------------------------------------------------------------

#[test]
fn batfish_nxos_priority_flow_control_is_a_port_setting() {
    let text = vendored("batfish/nxos_interface_properties");
    let m = CiscoConfig::parse(&text, Dialect::NxOs);
    let e100 = &m.interfaces["Ethernet100/100"];
    assert_eq!(e100.port.pfc_mode, Some(PfcMode::Auto));
    assert!(!e100
        .other
        .iter()
        .any(|l| l.starts_with("priority-flow-control")));
    let mut want = CiscoConfig::default();
    let mut i = hermes_netdev::cisco::Interface::default();
    i.port.pfc_mode = Some(PfcMode::On);
    want.interfaces.insert("Ethernet100/100".into(), i);
    assert_eq!(
        cmds(&m, &want, Dialect::NxOs),
        [
            "interface Ethernet100/100",
            " priority-flow-control mode on"
        ]
    );
    // IOS has no such line: a PFC mode is not written in IOS form.
    assert!(!want.render(Dialect::Ios).contains("priority-flow-control"));
}

#[test]
fn batfish_ios_line_stopbits_are_typed_with_the_default_not_shown() {
    let m = CiscoConfig::parse(&vendored("batfish/ios-line"), Dialect::Ios);
    assert_eq!(m.lines["2"].stopbits, Some(Stopbits::One));
    assert_eq!(m.lines["con 0"].stopbits, None);
    assert!(!kept(&m).iter().any(|l| l.starts_with("stopbits")));
    let want_line = |b: Stopbits| {
        let mut w = CiscoConfig::default();
        w.lines.insert(
            "con 0".into(),
            hermes_netdev::cisco::Line {
                stopbits: Some(b),
                ..Default::default()
            },
        );
        w.lines.insert(
            "2".into(),
            hermes_netdev::cisco::Line {
                stopbits: Some(b),
                ..Default::default()
            },
        );
        w
    };
    // `stopbits 2` is IOS's default: the console shows no line for it and needs nothing; line 2
    // goes from 1 to 2 by the new value, not a `no` form.
    assert_eq!(
        cmds(&m, &want_line(Stopbits::Two), Dialect::Ios),
        ["line 2", " stopbits 2"]
    );
    assert_eq!(
        cmds(&m, &want_line(Stopbits::OneAndHalf), Dialect::Ios),
        ["line 2", " stopbits 1.5", "line con 0", " stopbits 1.5"]
    );
}

// ---------------------------------------------------------------------------------------------
// Voice VLAN and port security (Catalyst access ports)
// ---------------------------------------------------------------------------------------------

#[test]
fn genieparser_catalyst_voice_vlan_and_port_security_are_typed() {
    // genieparser's Catalyst 9000 `show running-config interface` captures (IOS-XE).
    let m = CiscoConfig::parse(
        &vendored("genieparser/iosxe_show_running-config_interface16.txt"),
        Dialect::Ios,
    );
    let p = &m.interfaces["TenGigabitEthernet1/0/13"].port;
    assert_eq!(p.voice_vlan, Some(VoiceVlan::Vlan(4001)));
    assert_eq!(
        p.port_security,
        Some(PortSecurity {
            enabled: Some(true),
            maximum: Some(2),
            ..Default::default()
        })
    );
    let m = CiscoConfig::parse(
        &vendored("genieparser/iosxe_show_running-config_interface_11.txt"),
        Dialect::Ios,
    );
    let i = &m.interfaces["FiveGigabitEthernet1/0/35"];
    assert_eq!(i.port.voice_vlan, Some(VoiceVlan::Vlan(20)));
    let ps = i.port.port_security.as_ref().unwrap();
    assert_eq!(ps.sticky, Some(true));
    assert_eq!(ps.maximum, Some(2));
    // The address the switch learnt stays on the interface as written.
    assert_eq!(
        i.other
            .iter()
            .filter(|l| l.starts_with("switchport"))
            .collect::<Vec<_>>(),
        ["switchport port-security mac-address sticky 0008.32a8.2f3a vlan voice"]
    );
    // Rendered after the mode: the voice VLAN, the settings, the bare switch last (IOS's order).
    let out = m.render(Dialect::Ios);
    let sw: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with(" switchport") && !l.contains("0008.32a8"))
        .collect();
    assert_eq!(
        sw,
        [
            " switchport mode access",
            " switchport access vlan 19",
            " switchport voice vlan 20",
            " switchport port-security maximum 2",
            " switchport port-security mac-address sticky",
            " switchport port-security",
        ]
    );
    assert_eq!(CiscoConfig::parse(&out, Dialect::Ios), m);
}

#[test]
fn voice_vlan_and_port_security_changes_are_one_line_each() {
    let live = CiscoConfig::parse(
        &vendored("genieparser/iosxe_show_running-config_interface16.txt"),
        Dialect::Ios,
    );
    let port = |voice: VoiceVlan, ps: PortSecurity| {
        let mut w = CiscoConfig::default();
        let mut i = hermes_netdev::cisco::Interface::default();
        i.port.voice_vlan = Some(voice);
        i.port.port_security = Some(ps);
        w.interfaces.insert("TenGigabitEthernet1/0/13".into(), i);
        w
    };
    let want = port(
        VoiceVlan::Vlan(21),
        PortSecurity {
            enabled: Some(true),
            maximum: Some(3),
            violation: Some(Violation::Restrict),
            ..Default::default()
        },
    );
    assert_eq!(
        cmds(&live, &want, Dialect::Ios),
        [
            "interface TenGigabitEthernet1/0/13",
            " switchport voice vlan 21",
            " switchport port-security maximum 3",
            " switchport port-security violation restrict",
        ]
    );
    // The defaults the switch does not show (violation shutdown, no aging) are no change;
    // port security switched off and the voice VLAN removed are `no` forms.
    let same = port(
        VoiceVlan::Vlan(4001),
        PortSecurity {
            enabled: Some(true),
            maximum: Some(2),
            violation: Some(Violation::Shutdown),
            aging_time: Some(0),
            ..Default::default()
        },
    );
    assert!(live.diff(&same, Dialect::Ios, "c9300").is_empty());
    let off = port(
        VoiceVlan::Vlan(4001),
        PortSecurity {
            enabled: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(
        cmds(&live, &off, Dialect::Ios),
        [
            "interface TenGigabitEthernet1/0/13",
            " no switchport port-security"
        ]
    );
}

#[test]
fn voice_vlan_and_port_security_the_switch_refuses_are_reported() {
    let m = CiscoConfig::parse(
        "vlan 10\n!\ninterface GigabitEthernet1/0/1\n switchport mode dynamic desirable\n switchport voice vlan 20\n switchport port-security aging time 2000\n switchport port-security\n!\ninterface GigabitEthernet1/0/2\n no switchport\n switchport voice vlan 10\n",
        Dialect::Ios,
    );
    let e = m.validate("c9300").unwrap_err().to_string();
    assert!(e.contains("uses VLAN 20, which is not defined"), "{e}");
    assert!(
        e.contains("port security on a port in `switchport mode dynamic`"),
        "{e}"
    );
    assert!(e.contains("aging time 2000 minutes"), "{e}");
    assert!(
        e.contains("GigabitEthernet1/0/2 is a routed port (no switchport) and states `switchport voice vlan`"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// IOS BGP additional paths
// ---------------------------------------------------------------------------------------------

#[test]
fn batfish_example_bgp_additional_paths_are_typed_and_replaced() {
    // batfish's example network (IOS border router): the IPv4 family selects and exchanges
    // additional paths, peer group as1 advertises them.
    let live = CiscoConfig::parse(&vendored("batfish/example_as1border1.cfg"), Dialect::Ios);
    let bgp = live.bgp.as_ref().unwrap();
    let f = &bgp.global.families["ipv4"];
    assert_eq!(f.additional_paths_select.as_deref(), Some("all"));
    assert_eq!(f.additional_paths.as_deref(), Some("send receive"));
    assert_eq!(
        f.neighbors["as1"].advertise_additional_paths.as_deref(),
        Some("all")
    );
    assert!(!f.other.iter().any(|o| o.contains("additional-paths")));
    assert!(!f
        .neighbors
        .values()
        .any(|n| n.other.iter().any(|o| o.contains("additional-paths"))));
    let out = live.render(Dialect::Ios);
    assert!(
        out.contains("  bgp additional-paths select all\n  bgp additional-paths send receive\n")
    );
    assert!(out.contains("  neighbor as1 advertise additional-paths all\n"));
    assert_eq!(CiscoConfig::parse(&out, Dialect::Ios), live);
    // Another selection and capability: the old value is removed, then the new one set; the
    // peer group's advertisement is replaced in place.
    let mut want = CiscoConfig {
        bgp: Some(hermes_netdev::cisco::Bgp {
            asn: bgp.asn.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let wf = want
        .bgp
        .as_mut()
        .unwrap()
        .global
        .families
        .entry("ipv4".into())
        .or_default();
    wf.additional_paths_select = Some("best 2".into());
    wf.additional_paths = Some("send".into());
    wf.neighbors.insert(
        "as1".into(),
        hermes_netdev::cisco::BgpNeighbor {
            advertise_additional_paths: Some("best 2".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        cmds(&live, &want, Dialect::Ios),
        [
            "router bgp 1",
            " address-family ipv4",
            "  no bgp additional-paths select all",
            "  bgp additional-paths select best 2",
            "  no bgp additional-paths send receive",
            "  bgp additional-paths send",
            "  neighbor as1 advertise additional-paths best 2",
            " exit-address-family",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// BGP peer templates inherited by neighbors
// ---------------------------------------------------------------------------------------------

#[test]
fn genieparser_evpn_neighbors_inherit_a_peer_policy() {
    // genieparser's IOS-XE `show running-config nve` (golden_output_1): the EVPN family's
    // neighbors take their policy from a template.
    let live = CiscoConfig::parse(
        &vendored("genieparser/iosxe_show_running-config_nve_1.txt"),
        Dialect::Ios,
    );
    let f = &live.bgp.as_ref().unwrap().global.families["l2vpn evpn"];
    for n in ["172.16.255.1", "172.16.255.2"] {
        assert_eq!(
            f.neighbors[n].inherit_peer_policy.as_deref(),
            Some("LEAF-EVPN-PEER-POLICY")
        );
        assert!(
            f.neighbors[n].other.is_empty(),
            "{:?}",
            f.neighbors[n].other
        );
    }
    let mut want = CiscoConfig {
        bgp: Some(hermes_netdev::cisco::Bgp {
            asn: "65001".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    want.bgp
        .as_mut()
        .unwrap()
        .global
        .families
        .entry("l2vpn evpn".into())
        .or_default()
        .neighbors
        .insert(
            "172.16.255.1".into(),
            hermes_netdev::cisco::BgpNeighbor {
                inherit_peer_policy: Some("SPINE-EVPN-PEER-POLICY".into()),
                ..Default::default()
            },
        );
    // The template inherited before is removed, then the new one inherited.
    assert_eq!(
        cmds(&live, &want, Dialect::Ios),
        [
            "router bgp 65001",
            " address-family l2vpn evpn",
            "  no neighbor 172.16.255.1 inherit peer-policy LEAF-EVPN-PEER-POLICY",
            "  neighbor 172.16.255.1 inherit peer-policy SPINE-EVPN-PEER-POLICY",
            " exit-address-family",
        ]
    );
}

#[test]
fn nxos_neighbors_inherit_peer_and_session_templates() {
    // NX-OS Unicast Routing Configuration Guide, "Configuring Advanced BGP": `template peer`,
    // `template peer-session`, and `inherit peer X` / `inherit peer-session X` in the neighbor.
    let text = "router bgp 65000\n  template peer SPINE\n    remote-as 65000\n  template peer-session SESS\n    timers 3 9\n  neighbor 10.0.0.1\n    inherit peer SPINE\n  neighbor 10.0.0.2\n    remote-as 65001\n    inherit peer-session SESS\n    address-family ipv4 unicast\n      inherit peer-policy POL 10\n";
    let m = CiscoConfig::parse(text, Dialect::NxOs);
    let g = &m.bgp.as_ref().unwrap().global;
    assert_eq!(
        g.neighbors["10.0.0.1"].inherit_peer.as_deref(),
        Some("SPINE")
    );
    let n2 = &g.neighbors["10.0.0.2"];
    assert_eq!(n2.inherit_peer_session.as_deref(), Some("SESS"));
    assert_eq!(
        n2.families["ipv4 unicast"].inherit_peer_policy.as_deref(),
        Some("POL 10")
    );
    // The remote AS comes from the template: valid.
    assert!(m.validate("n9k").is_ok(), "{:?}", m.validate("n9k"));
    let out = m.render(Dialect::NxOs);
    assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), m);
    assert!(m.diff(&m, Dialect::NxOs, "n9k").is_empty());
}

#[test]
fn an_ios_neighbor_setting_is_removed_with_no_neighbor_first() {
    // IOS takes `no neighbor X shutdown` (Cisco IOS IP Routing: BGP Command Reference,
    // `neighbor shutdown`: "no neighbor {ip-address | peer-group-name} shutdown"); the differ
    // wrote `neighbor X no shutdown`, which IOS refuses.
    let live = CiscoConfig::parse(
        "router bgp 65000\n neighbor 10.1.1.2 remote-as 65001\n neighbor 10.1.1.2 shutdown\n",
        Dialect::Ios,
    );
    let want = CiscoConfig::parse(
        "router bgp 65000\n neighbor 10.1.1.2 remote-as 65001\n",
        Dialect::Ios,
    );
    let mut want = want;
    want.bgp
        .as_mut()
        .unwrap()
        .global
        .neighbors
        .get_mut("10.1.1.2")
        .unwrap()
        .shutdown = Some(false);
    assert_eq!(
        cmds(&live, &want, Dialect::Ios),
        ["router bgp 65000", " no neighbor 10.1.1.2 shutdown"]
    );
}
