//! Layouts found in real configurations that the engine once mishandled, written out by hand (own
//! names and addresses, same structure): each must parse, keep every line under the same parents,
//! re-render stably, survive parse(render(model)) == model, and diff against itself to nothing.

#[path = "common/paths.rs"]
mod paths;

use std::collections::BTreeSet;

use std::net::Ipv4Addr;

use hermes_netdev::cisco::{
    ChannelGroup, CiscoConfig, Dialect, DynamicAddress, Ipv4Net, LacpMode, PortFast, StaticRoute,
    Switchport, Vlan, VlanSet,
};
use hermes_netdev::fortios::FortiConfig;
use hermes_netdev::tree::{ConfigTree, NodeKind, Syntax};

/// Every command line with the chain of its parents, whitespace-normalised (comments excluded).
fn cisco_paths(text: &str) -> BTreeSet<String> {
    paths::cisco_paths_with(text, |l| vec![l])
}

fn check_cisco(name: &str, text: &str, d: Dialect) -> CiscoConfig {
    let m = CiscoConfig::parse(text, d);
    let out = m.render(d);
    let lost: Vec<_> = cisco_paths(text)
        .difference(&cisco_paths(&out))
        .cloned()
        .collect();
    assert!(
        lost.is_empty(),
        "{name} ({d:?}): lines lost by parse+render: {lost:#?}\nrendered:\n{out}"
    );
    let again = CiscoConfig::parse(&out, d);
    assert_eq!(again, m, "{name} ({d:?}): parse(render(m)) != m");
    assert_eq!(
        again.render(d),
        out,
        "{name} ({d:?}): the rendering is not stable"
    );
    let plan = m.diff(&m, d, name);
    assert!(
        plan.is_empty(),
        "{name} ({d:?}): self-diff not empty: {plan}"
    );
    m
}

#[test]
fn ios_interface_entered_twice_keeps_both_blocks() {
    let text = "hostname edge-r7\n!\ninterface GigabitEthernet0/3\n mtu 1600\n bfd interval 250 min_rx 250 multiplier 3\n!\ninterface GigabitEthernet0/3\n ip address 172.30.4.1 255.255.255.0\n bfd template fast-probe\n!\n";
    let m = check_cisco("ios reentered interface", text, Dialect::Ios);
    let gi = &m.interfaces["GigabitEthernet0/3"];
    assert_eq!(gi.mtu, Some(1600));
    assert_eq!(gi.ipv4.map(|n| n.len), Some(24));
    assert_eq!(m.render(Dialect::Ios).matches("interface ").count(), 1);
}

#[test]
fn ios_prefix_length_address_is_kept_as_written() {
    let text = "interface Loopback7\n ip address 192.0.2.10/32 secondary\n ip address 192.0.2.9 255.255.255.255\n!\n";
    let m = check_cisco("ios slash secondary", text, Dialect::Ios);
    let lo = &m.interfaces["Loopback7"];
    assert_eq!(
        lo.ipv4.map(|n| n.addr.to_string()).as_deref(),
        Some("192.0.2.9")
    );
    assert!(lo.secondary.is_empty());
    assert!(lo
        .other
        .iter()
        .any(|l| l == "ip address 192.0.2.10/32 secondary"));
}

#[test]
fn ios_unmodelled_sections_entered_twice_diff_to_nothing() {
    let text = "router bgp 64600\n neighbor 198.51.100.7 remote-as 64601\n!\nline vty 0 4\n exec-timeout 10 0\n!\nrouter bgp 64600\n neighbor 198.51.100.8 remote-as 64602\n!\nline vty 0 4\n transport input ssh\n!\n";
    check_cisco("ios reentered bgp/line", text, Dialect::Ios);
}

#[test]
fn nxos_switchport_lines_in_any_order_are_kept() {
    // `no switchport` then back to layer 2 in a mode the model does not cover.
    let text = "interface Ethernet2/7\n  no switchport\n  switchport\n  switchport mode fex-fabric\n  no shutdown\n";
    let m = check_cisco("nxos no switchport then switchport", text, Dialect::NxOs);
    assert_eq!(m.interfaces["Ethernet2/7"].switchport, None);
    // A bare `switchport` before an access port is kept and written before the mode lines.
    let text = "interface Ethernet2/8\n  switchport\n  switchport mode access\n  switchport access vlan 40\n";
    let m = check_cisco("nxos bare switchport", text, Dialect::NxOs);
    assert_eq!(
        m.interfaces["Ethernet2/8"].switchport,
        Some(Switchport::Access { vlan: Some(40) })
    );
    let out = m.render(Dialect::NxOs);
    let bare = out
        .find("  switchport\n")
        .expect("bare switchport rendered");
    let mode = out.find("switchport mode access").expect("mode rendered");
    assert!(bare < mode, "{out}");
}

#[test]
fn nxos_allowed_vlans_not_in_compact_form_are_one_set() {
    // `30,31,45` is not how NX-OS shows the list (`30-31,45`), but it is what an engineer types:
    // the same set, rendered in the device's form, so it plans nothing against the device.
    let typed = "interface Ethernet3/1\n  switchport\n  switchport mode trunk\n  switchport trunk allowed vlan 30,31,45\n";
    let shown = "interface Ethernet3/1\n  switchport\n  switchport mode trunk\n  switchport trunk allowed vlan 30-31,45\n";
    let m = CiscoConfig::parse(typed, Dialect::NxOs);
    assert!(matches!(
        &m.interfaces["Ethernet3/1"].switchport,
        Some(Switchport::Trunk { allowed: Some(a), .. }) if a.0.len() == 3
    ));
    assert!(m.interfaces["Ethernet3/1"].other.is_empty());
    assert_eq!(m.render(Dialect::NxOs), shown);
    let device = check_cisco("nxos vlan range", shown, Dialect::NxOs);
    assert_eq!(device, m);
    assert!(device.diff(&m, Dialect::NxOs, "n9k").is_empty());
}

#[test]
fn trunk_allowed_forms_read_into_the_set_the_switch_ends_with() {
    // The forms of `switchport trunk allowed vlan` (NX-OS and IOS command references: a list,
    // `add`, `remove`, `except`, `all`, `none`) applied in order.
    let cases = [
        ("except 10", VlanSet::parse("1-9,11-4094")),
        ("remove 1-100", VlanSet::parse("101-4094")),
        ("add 5", None), // every VLAN already
        (
            "10-20\n  switchport trunk allowed vlan remove 15",
            VlanSet::parse("10-14,16-20"),
        ),
        ("10\n  switchport trunk allowed vlan all", None),
        ("none", Some(VlanSet::default())),
        (
            "none\n  switchport trunk allowed vlan add 7",
            VlanSet::parse("7"),
        ),
        ("1-4094", None),
    ];
    for (form, want) in cases {
        let text = format!("interface Ethernet1/9\n  switchport mode trunk\n  switchport trunk allowed vlan {form}\n");
        let m = CiscoConfig::parse(&text, Dialect::NxOs);
        let i = &m.interfaces["Ethernet1/9"];
        assert_eq!(
            i.switchport,
            Some(Switchport::Trunk {
                native: None,
                allowed: want
            }),
            "{form}"
        );
        assert!(i.other.is_empty(), "{form}: {:?}", i.other);
        let out = m.render(Dialect::NxOs);
        assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), m, "{form}");
        assert!(m.diff(&m, Dialect::NxOs, "n9k").is_empty(), "{form}");
    }
    // A VLAN no trunk carries (4095 and up) or a form the switch refuses is kept as written.
    for bad in ["4100", "add none", "except", "remove 0"] {
        let text = format!("interface Ethernet1/9\n  switchport mode trunk\n  switchport trunk allowed vlan {bad}\n");
        let m = CiscoConfig::parse(&text, Dialect::NxOs);
        assert_eq!(
            m.interfaces["Ethernet1/9"].other,
            [format!("switchport trunk allowed vlan {bad}")],
            "{bad}"
        );
    }
}

/// The allowed set of the trunk `port` once the plan's interface lines are typed after the
/// running configuration `live` (the parser applies `add` / `remove` as the switch does).
fn allowed_after(
    live: &str,
    plan: &hermes_core::ChangeSet,
    port: &str,
    d: Dialect,
) -> Option<VlanSet> {
    let mut text = live.to_string();
    for l in plan
        .commands()
        .iter()
        .skip_while(|l| !l.starts_with("interface"))
    {
        text.push_str(l);
        text.push('\n');
    }
    match &CiscoConfig::parse(&text, d).interfaces[port].switchport {
        Some(Switchport::Trunk { allowed, .. }) => allowed.clone(),
        other => panic!("{port}: not a trunk: {other:?}"),
    }
}

#[test]
fn trunk_allowed_changes_are_the_vlans_added_and_removed() {
    let nxos = |list: &str| {
        format!("interface Ethernet1/1\n  switchport mode trunk\n  switchport trunk allowed vlan {list}\n")
    };
    let ios = |list: &str| {
        format!("interface GigabitEthernet1/0/1\n switchport trunk allowed vlan {list}\n switchport mode trunk\n")
    };
    // (dialect, live list, desired list as an engineer writes it, expected commands)
    let cases: [(Dialect, String, String, &[&str]); 6] = [
        (
            Dialect::NxOs,
            nxos("10,20"),
            nxos("10,30"),
            &[
                "interface Ethernet1/1",
                " switchport trunk allowed vlan add 30",
                " switchport trunk allowed vlan remove 20",
            ],
        ),
        (
            Dialect::Ios,
            ios("10,20,30-40"),
            ios("10,30-39"),
            &[
                "interface GigabitEthernet1/0/1",
                " switchport trunk allowed vlan remove 20,40",
            ],
        ),
        // Desired `except` / `remove` forms equal to what the device shows: nothing to do.
        (Dialect::NxOs, nxos("1-9,11-4094"), nxos("except 10"), &[]),
        (
            Dialect::NxOs,
            nxos("1-99,101-200"),
            nxos("1-200\n  switchport trunk allowed vlan remove 100"),
            &[],
        ),
        // Back to every VLAN, and from no VLAN: the whole value.
        (
            Dialect::NxOs,
            nxos("10"),
            nxos("all"),
            &[
                "interface Ethernet1/1",
                " switchport trunk allowed vlan all",
            ],
        ),
        (
            Dialect::Ios,
            ios("none"),
            ios("10,11"),
            &[
                "interface GigabitEthernet1/0/1",
                " switchport trunk allowed vlan 10,11",
            ],
        ),
    ];
    for (d, live_text, want_text, expected) in cases {
        let live = CiscoConfig::parse(&live_text, d);
        let want = CiscoConfig::parse(&want_text, d);
        let plan = live.diff(&want, d, "sw");
        assert_eq!(plan.commands(), expected, "{live_text} -> {want_text}");
        let port = want.interfaces.keys().next().unwrap();
        let Some(Switchport::Trunk { allowed, .. }) = &want.interfaces[port].switchport else {
            panic!("{port}: not a trunk");
        };
        assert_eq!(
            &allowed_after(&live_text, &plan, port, d),
            allowed,
            "{live_text} -> {want_text}: {plan}"
        );
    }
}

#[test]
fn nxos_snmp_community_on_several_lines_is_kept() {
    let text = "snmp-server community lab-ro group network-operator\nsnmp-server community lab-ro use-ipv4acl mgmt-only\nsnmp-server community lab-rw group network-admin\n";
    let m = check_cisco("nxos snmp community lines", text, Dialect::NxOs);
    assert_eq!(m.snmp_communities["lab-ro"], "group network-operator");
    assert_eq!(m.snmp_communities.len(), 2);
}

#[test]
fn lines_nested_under_a_modelled_line_are_kept() {
    // Odd indentation puts `bandwidth` under `no shutdown`: the pair is kept together.
    let text = "interface Ethernet4/4\n no switchport\n no shutdown\n  bandwidth 40000\n!\nrouter ospf 9\n network 10.9.0.0 0.0.255.255 area 0\n  cost-note x\n";
    check_cisco("nested under modelled", text, Dialect::NxOs);
}

#[test]
fn nxos_hsrp_and_vlan_entered_twice_are_merged() {
    let text = "vlan 120\n  name app-tier\nvlan 120\n  mode fabricpath\ninterface Vlan120\n  ip address 10.120.0.2/24\n  hsrp 12\n    ip 10.120.0.1\ninterface Vlan120\n  hsrp 12\n    priority 120\n    preempt\n";
    let m = check_cisco("nxos reentered hsrp/vlan", text, Dialect::NxOs);
    let h = &m.interfaces["Vlan120"].hsrp[&12];
    assert_eq!(h.ip, Some("10.120.0.1".parse().unwrap()));
    assert_eq!(h.priority, Some(120));
    assert!(h.preempt);
    assert_eq!(m.vlans[&120].name.as_deref(), Some("app-tier"));
    assert_eq!(
        m.vlans[&120].other,
        ["mode fabricpath"],
        "the unmodelled line stays on its VLAN"
    );
}

#[test]
fn nxos_vlans_listed_on_one_line_exist() {
    // NX-OS `show running-config` lists every VLAN on one line, then the blocks of the VLANs that
    // have settings (napalm test/nxos_ssh/mocked_data/test_get_config/normal/show_running_config.txt).
    let text = "vlan 1,210-212,480,482-483\nvlan 210\n  name core-a\nvlan 480\n  name dmz\ninterface Vlan482\n  ip address 10.48.2.1/24\n";
    let m = CiscoConfig::parse(text, Dialect::NxOs);
    let ids: Vec<u16> = m.vlans.keys().copied().collect();
    assert_eq!(ids, [1, 210, 211, 212, 480, 482, 483]);
    assert_eq!(m.vlans[&210].name.as_deref(), Some("core-a"));
    assert_eq!(m.vlans[&211], Vlan::default());
    assert!(m.other.is_empty(), "{:?}", m.other);
    m.validate("n3k")
        .expect("the SVI's VLAN is defined by the list");
    let out = m.render(Dialect::NxOs);
    assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), m);
    assert!(m.diff(&m, Dialect::NxOs, "n3k").is_empty());
    // A list with an impossible VLAN is kept as written.
    let m = CiscoConfig::parse("vlan 2,4001-4100\n", Dialect::NxOs);
    assert!(m.vlans.is_empty());
    assert_eq!(m.other, ["vlan 2,4001-4100"]);
}

#[test]
fn vlan_lines_the_model_does_not_cover_stay_on_the_vlan() {
    // batfish vendor/cisco_nxos/grammar/testconfigs/nxos_nve_vnis (`vn-segment` under a VLAN).
    let text = "vlan 2\n  name tenant-red\n  vn-segment 10002\nvlan 3\n  state suspend\ninterface Vlan2\n  ip address 10.2.0.1/24\n";
    let m = check_cisco("nxos vn-segment", text, Dialect::NxOs);
    assert_eq!(m.vlans[&2].name.as_deref(), Some("tenant-red"));
    assert_eq!(m.vlans[&2].other, ["vn-segment 10002"]);
    assert_eq!(m.vlans[&3].other, ["state suspend"]);
    m.validate("n3k").expect("VLAN 2 is defined");
}

#[test]
fn nxos_static_port_channel_member_without_mode() {
    // NX-OS shows a `mode on` member as a bare `channel-group N` (batfish
    // vendor/cisco_nxos/grammar/testconfigs/nxos_port_channel).
    let text = "interface port-channel12\n  switchport mode trunk\ninterface Ethernet1/12\n  switchport mode trunk\n  channel-group 12\ninterface Ethernet1/13\n  channel-group 13 mode active\ninterface Ethernet1/14\n  channel-group 14 force mode active\n";
    let m = check_cisco("nxos static member", text, Dialect::NxOs);
    assert_eq!(
        m.interfaces["Ethernet1/12"].channel_group,
        Some(ChannelGroup {
            id: 12,
            mode: LacpMode::On
        })
    );
    assert_eq!(
        m.interfaces["Ethernet1/13"].channel_group.map(|c| c.mode),
        Some(LacpMode::Active)
    );
    assert_eq!(
        m.interfaces["Ethernet1/14"].channel_group, None,
        "kept as written"
    );
    // IOS always writes the mode; a bare line there is kept as written.
    let m = check_cisco(
        "ios bare channel-group",
        "interface GigabitEthernet0/1\n channel-group 1\n",
        Dialect::Ios,
    );
    assert_eq!(m.interfaces["GigabitEthernet0/1"].channel_group, None);
}

#[test]
fn settings_of_the_other_switchport_mode_stay_dormant() {
    // A trunk that was an access port still shows its `switchport access vlan`, and an access port
    // its trunk settings (batfish vendor/cisco_nxos/grammar/testconfigs/nxos_interface_show_all_2,
    // grammar/cisco/testconfigs/ios_interface_show_run_all): the port is still a trunk / access port.
    let text = "vlan 10\n name users\nvlan 20\n name voice\ninterface GigabitEthernet1/0/5\n description uplink to idf-2\n switchport access vlan 10\n switchport trunk allowed vlan 10,20\n switchport mode trunk\n spanning-tree portfast trunk\n!\n";
    let m = check_cisco("ios trunk with an access vlan", text, Dialect::Ios);
    let gi = &m.interfaces["GigabitEthernet1/0/5"];
    assert!(
        matches!(&gi.switchport, Some(Switchport::Trunk { native: None, allowed: Some(a) }) if a.0.len() == 2),
        "{:?}",
        gi.switchport
    );
    assert_eq!(gi.other, ["switchport access vlan 10"]);
    assert_eq!(gi.port.portfast, Some(PortFast::Trunk));
    let text = "vlan 30\n  name cams\ninterface Ethernet1/30\n  switchport mode access\n  switchport access vlan 30\n  switchport trunk native vlan 99\n  no shutdown\n";
    let m = check_cisco("nxos access with a native vlan", text, Dialect::NxOs);
    let e = &m.interfaces["Ethernet1/30"];
    assert_eq!(e.switchport, Some(Switchport::Access { vlan: Some(30) }));
    assert_eq!(e.other, ["switchport trunk native vlan 99"]);
    m.validate("n3k").expect("VLAN 99 is dormant, not used");
}

#[test]
fn nxos_access_vlan_without_a_mode_is_an_access_port() {
    // NX-OS does not show the default `switchport mode access` (batfish
    // vendor/cisco_nxos/grammar/testconfigs/nxos_vlan, nxos_interface_switchport).
    let text = "interface Ethernet1/7\n  switchport access vlan 7\n  spanning-tree port type edge\ninterface Ethernet1/8\n  switchport mode dot1q-tunnel\n  switchport access vlan 8\n";
    let m = CiscoConfig::parse(text, Dialect::NxOs);
    assert_eq!(
        m.interfaces["Ethernet1/7"].switchport,
        Some(Switchport::Access { vlan: Some(7) })
    );
    assert_eq!(
        m.interfaces["Ethernet1/8"].switchport, None,
        "another mode: kept as written"
    );
    let out = m.render(Dialect::NxOs);
    assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), m);
    assert!(m.diff(&m, Dialect::NxOs, "n3k").is_empty());
    // IOS: a port without a mode is dynamic, which the model does not cover.
    let m = check_cisco(
        "ios access vlan without mode",
        "interface FastEthernet0/7\n switchport access vlan 7\n",
        Dialect::Ios,
    );
    assert_eq!(m.interfaces["FastEthernet0/7"].switchport, None);
}

#[test]
fn ios_allowed_vlans_are_read_as_ios_writes_them() {
    // IOS lists a run of two VLANs (`1,2`, `10,11`) and only makes ranges of three or more
    // (batfish grammar/cisco/testconfigs: `switchport trunk allowed vlan 1,2`).
    let text = "interface GigabitEthernet1/0/48\n switchport trunk allowed vlan 10,11,20-23,40\n switchport mode trunk\n!\n";
    let m = check_cisco("ios pair list", text, Dialect::Ios);
    let Some(Switchport::Trunk {
        allowed: Some(a), ..
    }) = &m.interfaces["GigabitEthernet1/0/48"].switchport
    else {
        panic!("not a trunk: {:?}", m.interfaces["GigabitEthernet1/0/48"]);
    };
    assert_eq!(a.0.len(), 7);
    assert_eq!(a.render_in(Dialect::Ios), "10,11,20-23,40");
    assert_eq!(a.render_in(Dialect::NxOs), "10-11,20-23,40");
}

#[test]
fn allowed_vlans_continued_on_add_lines_are_one_list() {
    // Long lists continue on `switchport trunk allowed vlan add` lines (batfish
    // vendor/cisco_nxos/grammar/testconfigs/nxos_interface_switchport, Ethernet1/8).
    for (d, text) in [
        (
            Dialect::Ios,
            "interface Port-channel3\n switchport trunk allowed vlan 2,3,100-140\n switchport trunk allowed vlan add 200,300-310\n switchport mode trunk\n",
        ),
        (
            Dialect::NxOs,
            "interface port-channel3\n  switchport mode trunk\n  switchport trunk allowed vlan 2-3,100-140\n  switchport trunk allowed vlan add 200,300-310\n",
        ),
    ] {
        let m = CiscoConfig::parse(text, d);
        let i = m.interfaces.values().next().unwrap();
        let Some(Switchport::Trunk {
            allowed: Some(a), ..
        }) = &i.switchport
        else {
            panic!("{d:?}: not a trunk: {i:?}");
        };
        assert_eq!(a.0.len(), 2 + 41 + 1 + 11, "{d:?}");
        assert!(i.other.is_empty(), "{d:?}: {:?}", i.other);
        let out = m.render(d);
        assert_eq!(CiscoConfig::parse(&out, d), m, "{d:?}");
        assert!(m.diff(&m, d, "sw").is_empty());
    }
    // `add` without a list before it adds to every VLAN: still every VLAN, the default.
    let m = CiscoConfig::parse(
        "interface Ethernet1/9\n  switchport mode trunk\n  switchport trunk allowed vlan add 5\n",
        Dialect::NxOs,
    );
    assert!(m.interfaces["Ethernet1/9"].other.is_empty());
    assert!(matches!(
        m.interfaces["Ethernet1/9"].switchport,
        Some(Switchport::Trunk { allowed: None, .. })
    ));
}

#[test]
fn nxos_acl_settings_are_kept_on_the_modelled_list() {
    // `statistics per-entry` and the other list-wide settings (batfish
    // vendor/cisco_nxos/grammar/testconfigs/nxos_ip_access_list, acl_global_options).
    let text = "ip access-list vty-in\n  statistics per-entry\n  10 permit tcp 10.8.0.0/16 any eq 22\n  20 deny ip any any log\ninterface mgmt0\n  ip access-group vty-in in\n  vrf member management\n  ip address 10.8.1.5/24\n";
    let m = check_cisco("nxos acl statistics", text, Dialect::NxOs);
    let acl = &m.acls["vty-in"];
    assert_eq!(acl.options, ["statistics per-entry"]);
    assert_eq!(acl.entries.len(), 2);
    m.validate("n3k").expect("the ACL is defined");
    // Changing one entry changes that entry, not the whole list.
    let mut want = m.clone();
    want.acls.get_mut("vty-in").unwrap().entries[0].rule =
        "permit tcp 10.9.0.0/16 any eq 22".into();
    let plan = m.diff(&want, Dialect::NxOs, "n3k");
    let cmds = plan.commands();
    assert!(cmds.iter().any(|c| c.trim() == "no 10"), "{cmds:?}");
    assert!(
        !cmds.iter().any(|c| c.starts_with("no ip access-list")),
        "{cmds:?}"
    );
}

#[test]
fn access_lists_kept_as_written_are_defined_for_validation() {
    // Numbered IOS lists are top-level `access-list N` lines (batfish
    // grammar/cisco/testconfigs/ios-acl-in-routemap); a named list with an entry the model does
    // not read is kept as written (grammar/cisco/testconfigs/ios_interface_show_run_all).
    let text = "access-list 10 permit 10.20.0.0 0.0.255.255\naccess-list 10 deny any\nip access-list extended edge-in\n permit tcp any any eq 443\n evaluate reflected-out\ninterface GigabitEthernet0/1\n ip address 10.20.0.1 255.255.0.0\n ip access-group 10 in\n ip access-group edge-in out\n!\n";
    let m = check_cisco("ios numbered acl", text, Dialect::Ios);
    assert!(m.acls.is_empty());
    m.validate("c3750").expect("both lists are defined");
    let bad = CiscoConfig::parse(
        "interface GigabitEthernet0/2\n ip access-group 11 in\n",
        Dialect::Ios,
    );
    assert!(bad
        .validate("c3750")
        .unwrap_err()
        .to_string()
        .contains("ACL 11"));
}

// --- FortiOS ---------------------------------------------------------------------------------

/// Tokens of a FortiOS CLI value: double quotes with backslash escapes, literal single quotes.
fn cli_tokens(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut cur, mut dq, mut sq, mut any) = (String::new(), false, false, false);
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !sq => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                any = true;
            }
            '"' if !sq => {
                dq = !dq;
                any = true;
            }
            '\'' if !dq => {
                sq = !sq;
                any = true;
            }
            ' ' | '\t' | '\r' | '\n' if !dq && !sq => {
                if any {
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
    if any {
        out.push(cur);
    }
    out
}

/// Effective `set` values per path of edit names (a later `set` or `unset` of a key replaces it;
/// `append` adds to the value, as the device does).
fn forti_sets(text: &str) -> BTreeSet<(String, Vec<String>)> {
    fn walk(t: &ConfigTree<'_>, id: u32, path: &str, out: &mut Vec<(String, Vec<String>)>) {
        let n = t.node(id);
        if n.kind == NodeKind::Comment {
            return;
        }
        let tok = cli_tokens(n.text);
        match tok.first().map(String::as_str) {
            Some("append") if tok.len() > 2 => {
                match out.iter_mut().find(|(p, v)| p == path && v[0] == tok[1]) {
                    Some((_, v)) => v.extend(tok[2..].iter().cloned()),
                    None => out.push((path.to_string(), tok[1..].to_vec())),
                }
            }
            Some("set" | "unset") if tok.len() > 1 => {
                out.retain(|(p, v)| !(p == path && v[0] == tok[1]));
                if tok[0] == "set" {
                    out.push((path.to_string(), tok[1..].to_vec()));
                }
            }
            _ => {
                let p = format!("{path}/{}", tok.join(" "));
                for &c in t.children(id) {
                    walk(t, c, &p, out);
                }
            }
        }
    }
    let t = ConfigTree::parse(text, Syntax::FortiOs);
    let mut out = Vec::new();
    for &r in t.roots() {
        walk(&t, r, "", &mut out);
    }
    out.into_iter().collect()
}

fn check_forti(name: &str, text: &str) -> FortiConfig {
    let m = FortiConfig::parse(text);
    let out = m.render();
    let lost: Vec<_> = forti_sets(text)
        .difference(&forti_sets(&out))
        .cloned()
        .collect();
    assert!(
        lost.is_empty(),
        "{name}: set values lost or changed by parse+render: {lost:#?}\nrendered:\n{out}"
    );
    let again = FortiConfig::parse(&out);
    assert_eq!(again, m, "{name}: parse(render(m)) != m");
    assert_eq!(again.render(), out, "{name}: the rendering is not stable");
    let plan = m.diff(&m, name);
    assert!(plan.is_empty(), "{name}: self-diff not empty: {plan}");
    m
}

#[test]
fn fortios_buffer_with_escapes_single_quotes_and_continuation() {
    let text = "config system replacemsg admin \"pre_admin-disclaimer-text\"\n    set buffer \\\"x\"in \\\"quotes\\\"\"'single \\ \" kept'\"\nsecond line\"tail\\\nend-of-value\nend\nconfig firewall address\n    edit \"ops-net\"\n        set subnet 10.44.0.0 255.255.0.0\n    next\nend\n";
    let t = ConfigTree::parse(text, Syntax::FortiOs);
    let roots: Vec<&str> = t.roots().iter().map(|&r| t.node(r).text).collect();
    assert_eq!(
        roots,
        [
            "config system replacemsg admin \"pre_admin-disclaimer-text\"",
            "config firewall address"
        ],
        "the buffer must end where its quotes and continuation end"
    );
    let m = check_forti("replacemsg buffer", text);
    assert!(m.addresses.contains_key("ops-net"));
}

#[test]
fn fortios_keys_and_entries_written_twice_diff_to_nothing() {
    let text = "config system zone\n    edit \"inside\"\n        set interface \"port7\"\n        set interface \"port8\"\n        append interface \"port9\"\n    next\nend\nconfig router prefix-list\n    edit \"pl-core\"\n        config rule\n            edit 5\n                set prefix 10.1.0.0 255.255.0.0\n            next\n            edit 5\n                set ge 24\n            next\n        end\n    next\nend\nconfig system zone\n    edit \"outside\"\n        set interface \"port2\"\n    next\nend\n";
    check_forti("duplicate keys/entries/sections", text);
}

#[test]
fn fortios_policy_and_route_edited_twice_are_merged_in_place() {
    let text = "config firewall policy\n    edit 21\n        set name \"web-in\"\n        set srcintf \"wan1\"\n        set dstintf \"dmz\"\n        set action accept\n        set logtraffic all\n    next\n    edit 22\n        set name \"mail-in\"\n        set action accept\n    next\nend\nconfig router static\n    edit 3\n        set gateway 203.0.113.1\n        set device \"wan1\"\n    next\nend\nconfig firewall policy\n    edit 21\n        set action deny\n        unset logtraffic\n    next\nend\nconfig router static\n    edit 3\n        set distance 20\n    next\nend\n";
    let m = check_forti("policy edited twice", text);
    let ids: Vec<u32> = m.policies.iter().map(|(i, _)| *i).collect();
    assert_eq!(ids, [21, 22], "a policy edited again keeps its place");
    let p = &m.policies[0].1;
    assert_eq!(p.name.as_deref(), Some("web-in"));
    assert_eq!(p.srcintf, ["wan1"]);
    assert_eq!(p.action.as_deref(), Some("deny"));
    assert_eq!(p.logtraffic, None, "unset in the later block");
    let r = &m.static_routes[&3];
    assert_eq!(r.gateway.as_deref(), Some("203.0.113.1"));
    assert_eq!(r.distance.as_deref(), Some("20"));
}

#[test]
fn fortios_quoted_values_are_kept_as_written() {
    let text = "config firewall address\n    edit \"it's \\\"lab\\\"\"\n        set comment 'two words'\n        set associated-interface \"port3\"\n        set subnet 10.61.0.0 255.255.255.0\n    next\nend\nconfig firewall addrgrp\n    edit \"grp-a\"\n        set member 'it''s' \"it's \\\"lab\\\"\"\n        set comment \"don't\"\n    next\nend\n";
    let m = check_forti("quoted values", text);
    let a = &m.addresses["it's \"lab\""];
    assert_eq!(a.comment, None, "single-quoted: kept verbatim in extra");
    assert_eq!(a.extra["comment"], "'two words'");
    assert_eq!(a.associated_interface.as_deref(), Some("port3"));
    let g = &m.addrgrps["grp-a"];
    assert_eq!(g.comment.as_deref(), Some("don't"));
    assert!(g.member.is_empty(), "mixed quoting: kept verbatim");
}

#[test]
fn fortios_value_never_closed_does_not_swallow_the_rest() {
    // A configuration cut short inside a quoted value (a truncated capture).
    let text = "config firewall address\n    edit \"branch-7\n        set subnet 10.77.0.0 255.255.0.0\n    next\nend\nconfig firewall addrgrp\n    edit \"branches\"\n        set member \"branch-7\"\n    next\nend\n";
    let t = ConfigTree::parse(text, Syntax::FortiOs);
    assert_eq!(t.roots().len(), 2, "the second section is still a section");
    assert!(t
        .find(&[
            "config firewall address",
            "edit \"branch-7",
            "set subnet 10.77.0.0 255.255.0.0"
        ])
        .is_some());
    let m = FortiConfig::parse(text);
    let out = m.render();
    assert_eq!(FortiConfig::parse(&out), m);
    assert_eq!(FortiConfig::parse(&out).render(), out);
}

#[test]
fn fortios_objects_in_sections_kept_as_written_are_defined_for_validation() {
    // A policy naming a service group and a VIP group (batfish
    // grammar/fortios/testconfigs/policy: `set service EXPLICIT_DENY1 EXPLICIT_DENY_GROUP`).
    let text = "config firewall service custom\n    edit \"tcp-8443\"\n        set tcp-portrange 8443\n    next\nend\nconfig firewall service group\n    edit \"web-svcs\"\n        set member \"tcp-8443\" \"HTTPS\"\n    next\nend\nconfig firewall vip\n    edit \"web-1\"\n        set extip 198.51.100.10\n        set mappedip \"10.30.0.10\"\n        set extintf \"wan1\"\n    next\nend\nconfig firewall vipgrp\n    edit \"web-vips\"\n        set interface \"wan1\"\n        set member \"web-1\"\n    next\nend\nconfig firewall policy\n    edit 4\n        set srcintf \"wan1\"\n        set dstintf \"dmz\"\n        set srcaddr \"all\"\n        set dstaddr \"web-vips\"\n        set action accept\n        set schedule \"always\"\n        set service \"web-svcs\"\n    next\nend\n";
    let m = check_forti("service group", text);
    m.validate("fgt")
        .expect("the group and the VIP group are defined");
    let text = text.replace("set service \"web-svcs\"", "set service \"web-svcz\"");
    let err = FortiConfig::parse(&text).validate("fgt").unwrap_err();
    assert!(err.to_string().contains("web-svcz"), "{err}");
}

#[test]
fn ios_interface_in_a_multiprotocol_vrf() {
    // `vrf definition X` VRFs are joined with `vrf forwarding X` (batfish
    // grammar/cisco/testconfigs/ios-track-ip-sla, ios_interface_show_run_all).
    let text = "vrf definition mgmt\n !\n address-family ipv4\n exit-address-family\n!\nip vrf legacy\n rd 65000:7\n!\ninterface Loopback900\n vrf forwarding mgmt\n ip address 10.90.0.2 255.255.255.0\n!\ninterface Loopback901\n ip vrf forwarding legacy\n ip address 10.90.0.2 255.255.255.0\n!\n";
    let m = check_cisco("ios vrf definition", text, Dialect::Ios);
    assert_eq!(m.interfaces["Loopback900"].vrf.as_deref(), Some("mgmt"));
    assert_eq!(m.interfaces["Loopback901"].vrf.as_deref(), Some("legacy"));
    m.validate("c3750")
        .expect("the same subnet in two VRFs does not overlap");
    let out = m.render(Dialect::Ios);
    assert!(out.contains("\n vrf forwarding mgmt\n"), "{out}");
    assert!(out.contains("\n ip vrf forwarding legacy\n"), "{out}");
}

#[test]
fn ios_trunk_encapsulation_is_rendered_before_the_trunk_mode() {
    // A Catalyst 3750 refuses `switchport mode trunk` while the encapsulation is `auto`; its running
    // configuration shows the encapsulation first (batfish grammar/cisco/testconfigs/ios_switchport_mode).
    let text = "interface GigabitEthernet1/0/49\n description to core\n switchport trunk encapsulation dot1q\n switchport trunk allowed vlan 10,20\n switchport mode trunk\n spanning-tree guard root\n!\n";
    let m = check_cisco("ios trunk encapsulation", text, Dialect::Ios);
    let out = m.render(Dialect::Ios);
    let enc = out.find("switchport trunk encapsulation dot1q").unwrap();
    let mode = out.find("switchport mode trunk").unwrap();
    assert!(enc < mode, "{out}");
    // Turning an access port into a trunk sends the encapsulation first.
    let live = CiscoConfig::parse(
        "interface GigabitEthernet1/0/50\n switchport access vlan 10\n switchport mode access\n!\n",
        Dialect::Ios,
    );
    let mut want = live.clone();
    let gi = want.interfaces.get_mut("GigabitEthernet1/0/50").unwrap();
    gi.switchport = Some(Switchport::Trunk {
        native: None,
        allowed: None,
    });
    gi.other = vec!["switchport trunk encapsulation dot1q".into()];
    let plan = live.diff(&want, Dialect::Ios, "c3750");
    let cmds = plan.commands();
    let pos = |s: &str| cmds.iter().position(|c| c.trim() == s);
    assert!(
        pos("switchport trunk encapsulation dot1q") < pos("switchport mode trunk"),
        "{cmds:?}"
    );
}

#[test]
fn static_route_name_and_preference_in_either_order() {
    // NX-OS writes the preference after the name (batfish
    // vendor/cisco_nxos/grammar/testconfigs/nxos_static_route: `... name foo 5`), IOS the distance
    // before it.
    let text = "ip route 10.70.0.0/16 10.1.1.254 name to-dc2 200\nip route 10.71.0.0/16 Ethernet1/5 10.1.2.254 name via-e15\nip route 10.72.0.0/16 10.1.1.254 7\n";
    let m = check_cisco("nxos route name pref", text, Dialect::NxOs);
    let r = &m.static_routes[0];
    assert_eq!(r.next_hop, "10.1.1.254");
    assert_eq!(r.name.as_deref(), Some("to-dc2"));
    assert_eq!(r.distance, Some(200));
    assert_eq!(m.static_routes[1].next_hop, "Ethernet1/5 10.1.2.254");
    let text = "ip route 10.70.0.0 255.255.0.0 10.1.1.254 200 name to-dc2\nip route 10.73.0.0 255.255.0.0 10.1.1.254 name only-name\n";
    let m = check_cisco("ios route distance name", text, Dialect::Ios);
    assert_eq!(m.static_routes[0].next_hop, "10.1.1.254");
    assert_eq!(m.static_routes[0].distance, Some(200));
    assert_eq!(m.static_routes[1].name.as_deref(), Some("only-name"));
    // Options in another order than the system shows keep the line as written.
    let m = check_cisco(
        "nxos route tag before name",
        "ip route 10.74.0.0/16 10.1.1.254 tag 9 name x 5\n",
        Dialect::NxOs,
    );
    assert!(m.static_routes.is_empty());
}

// --- VRF static routes, `track` / `tag` (batfish/batfish @ cba1873338ae3b1952883706f5d7c6d969b385ec,
// Apache-2.0; paths below are in that repository) ---

#[test]
fn nxos_vrf_context_routes_are_modelled_with_the_context_lines_kept() {
    // The layout of ciscoconfparse2's tests/fixtures/configs/sample_01.nxos (mpenning/ciscoconfparse2
    // @ facd3ed9d4fbc9e863841632e7448479f4f3312e; GPL-3.0, so read, not copied: own names and
    // addresses): empty contexts, a route through a sub-interface and an address, a context with
    // an address family, the management VRF's default route.
    let text = "vrf context BLUE
vrf context GREEN
  ip route 198.51.100.0/24 port-channel80.1 10.20.30.134
vrf context RED
  address-family ipv4 unicast
vrf context management
  ip route 0.0.0.0/0 10.20.248.1
vrf context keepalive
";
    let m = check_cisco("nxos vrf context routes", text, Dialect::NxOs);
    assert_eq!(m.vrf_contexts.len(), 5);
    assert_eq!(m.vrf_contexts["RED"].other, ["address-family ipv4 unicast"]);
    assert!(m.other.is_empty(), "{:?}", m.other);
    let mgmt: Vec<_> = m
        .static_routes
        .iter()
        .filter(|r| r.vrf.as_deref() == Some("management"))
        .collect();
    assert_eq!(mgmt.len(), 1);
    assert_eq!(mgmt[0].next_hop, "10.20.248.1");
    assert_eq!(mgmt[0].prefix.len, 0);
    // Cut from batfish vendor/cisco_nxos/grammar/testconfigs/nxos_static_route (lines 74-79, with
    // the comments that stand in the block).
    let text = "vrf context vrf1
  ! route in non-default vrf
  ip route 10.0.11.0/24 10.255.1.254

  ! undefined reference to next hop interface Ethernet1/100
  ip route 10.0.12.0/24 Ethernet1/100 10.255.1.254
";
    let m = CiscoConfig::parse(text, Dialect::NxOs);
    assert_eq!(m.static_routes.len(), 2);
    assert!(m
        .static_routes
        .iter()
        .all(|r| r.vrf.as_deref() == Some("vrf1")));
    assert_eq!(m.static_routes[1].next_hop, "Ethernet1/100 10.255.1.254");
    let again = CiscoConfig::parse(&m.render(Dialect::NxOs), Dialect::NxOs);
    assert_eq!(again, m);
    assert!(m.diff(&m, Dialect::NxOs, "n").is_empty());
}

#[test]
fn static_routes_with_track_tag_and_vrf_in_each_dialect() {
    // Cut from batfish grammar/cisco/testconfigs/ios-track-ip-sla (lines 19 and 21).
    let text = "ip route vrf v1 10.0.0.0 255.255.255.0 10.0.1.2 tag 10 track 1\nip route 10.99.0.0 255.255.255.0 10.0.1.2 track 999\n";
    let m = check_cisco("ios route vrf tag track", text, Dialect::Ios);
    let r = &m.static_routes[0];
    assert_eq!(
        (r.vrf.as_deref(), r.tag, r.track, r.next_hop.as_str()),
        (Some("v1"), Some(10), Some(1), "10.0.1.2")
    );
    assert_eq!(
        (m.static_routes[1].vrf.as_deref(), m.static_routes[1].track),
        (None, Some(999))
    );
    // Cut from batfish vendor/cisco_nxos/grammar/testconfigs/nxos_static_route (lines 33, 36, 40, 43): NX-OS
    // shows `track`, `name`, `tag`, then the preference.
    let text = "ip route 10.0.3.0/24 Ethernet1/1 10.255.1.254 track 500\nip route 10.0.4.0/24 Ethernet1/1 10.255.1.254 track 500 name foo\nip route 10.0.5.0/24 Ethernet1/1 10.255.1.254 track 500 name foo tag 1000\nip route 10.0.6.0/24 Ethernet1/1 10.255.1.254 track 500 name foo tag 1000 5\n";
    let m = check_cisco("nxos route track name tag pref", text, Dialect::NxOs);
    assert_eq!(m.static_routes.len(), 4);
    let r = &m.static_routes[3];
    assert_eq!(
        (r.track, r.name.as_deref(), r.tag, r.distance),
        (Some(500), Some("foo"), Some(1000), Some(5))
    );
    // A route in a VRF renders in each system's form.
    let mut m = CiscoConfig::default();
    m.static_routes.push(StaticRoute {
        vrf: Some("Mgmt-vrf".into()),
        prefix: Ipv4Net::new(Ipv4Addr::UNSPECIFIED, 0),
        next_hop: "192.0.2.1".into(),
        distance: None,
        name: None,
        tag: Some(7),
        track: Some(3),
    });
    assert_eq!(
        m.render(Dialect::Ios),
        "ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 192.0.2.1 tag 7 track 3\n"
    );
    assert_eq!(
        m.render(Dialect::NxOs),
        "vrf context Mgmt-vrf\n  ip route 0.0.0.0/0 192.0.2.1 track 3 tag 7\n"
    );
}

#[test]
fn vrf_route_changes_are_written_in_the_vrf() {
    // NX-OS: the live management VRF (layout of ciscoconfparse2 sample_01.nxos, own addresses) keeps
    // its unmodelled lines; a route added to it goes under `vrf context management`, a removed one
    // gets its `no` form there; the routes of a table `want` does not state are left alone.
    let live = CiscoConfig::parse(
        "ip route 10.1.0.0/16 10.0.0.9\nvrf context management\n  ip domain-name mgmt.example\n  ip route 0.0.0.0/0 10.20.248.1\nvrf context OTHER\n  ip route 10.8.0.0/16 10.0.0.8\n",
        Dialect::NxOs,
    );
    let want = CiscoConfig::parse(
        "vrf context management\n  ip route 0.0.0.0/0 10.20.248.254\n",
        Dialect::NxOs,
    );
    let plan = live.diff(&want, Dialect::NxOs, "n3k");
    assert_eq!(
        plan.commands(),
        [
            "vrf context management",
            " no ip route 0.0.0.0/0 10.20.248.1",
            " ip route 0.0.0.0/0 10.20.248.254"
        ]
    );
    assert!(live.diff(&live, Dialect::NxOs, "n3k").is_empty());
    // A route in a VRF the device has no context for creates it.
    let want = CiscoConfig::parse(
        "vrf context NEW\n  ip route 10.9.0.0/16 10.0.0.7\n",
        Dialect::NxOs,
    );
    assert_eq!(
        live.diff(&want, Dialect::NxOs, "n3k").commands(),
        ["vrf context NEW", " ip route 10.9.0.0/16 10.0.0.7"]
    );
    // IOS: one line each, in the VRF's form (Catalyst `Mgmt-vrf`).
    let live = CiscoConfig::parse(
        "ip route 10.1.0.0 255.255.0.0 10.0.0.9\nip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 10.20.248.1\n",
        Dialect::Ios,
    );
    let want = CiscoConfig::parse(
        "ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 10.20.248.254 track 2\n",
        Dialect::Ios,
    );
    assert_eq!(
        live.diff(&want, Dialect::Ios, "c3750").commands(),
        [
            "ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 10.20.248.254 track 2",
            "no ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 10.20.248.1"
        ]
    );
}

#[test]
fn static_route_validation_names_the_route_and_the_problem() {
    let mut m = CiscoConfig::default();
    let route = |vrf: Option<&str>, a: [u8; 4], len: u8, hop: &str| StaticRoute {
        vrf: vrf.map(String::from),
        prefix: Ipv4Net::new(Ipv4Addr::from(a), len),
        next_hop: hop.into(),
        distance: None,
        name: None,
        tag: None,
        track: None,
    };
    m.static_routes = vec![
        route(Some("management"), [0, 0, 0, 0], 0, "10.0.0.1"),
        route(None, [10, 1, 2, 3], 16, "10.0.0.1"),
        route(None, [10, 2, 0, 0], 16, "0.0.0.0"),
        route(None, [10, 3, 0, 0], 16, "10.0.0.1 Ethernet1/1"),
        route(Some("two words"), [10, 4, 0, 0], 16, "Null0"),
        route(None, [10, 5, 0, 0], 16, "Ethernet1/1 10.0.0.1"),
        route(None, [10, 5, 0, 0], 16, "Ethernet1/1 10.0.0.1"),
    ];
    m.static_routes[5].distance = Some(0);
    m.static_routes[5].track = Some(0);
    let err = m.validate("n3k").unwrap_err().to_string();
    for want in [
        "static route 10.1.2.3/16: the prefix has host bits set (write 10.1.0.0/16)",
        "static route 10.2.0.0/16: next hop \"0.0.0.0\"",
        "static route 10.3.0.0/16: next hop \"10.0.0.1 Ethernet1/1\"",
        "VRF name \"two words\"",
        "static route 10.5.0.0/16: distance 0",
        "static route 10.5.0.0/16: track object 0",
        "static route 10.5.0.0/16 via Ethernet1/1 10.0.0.1 is stated twice",
    ] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
    assert!(!err.contains("0.0.0.0/0"), "{err}");
    assert!(err.starts_with("n3k") || err.contains("n3k"), "{err}");
}

// --- IOS ports without a mode, interface names with a space, NX-OS HSRP thresholds ---

#[test]
fn ios_access_vlan_without_a_mode_keeps_the_mode_unknown() {
    // The layout of ciscoconfparse2's tests/fixtures/configs/sample_04.ios and the Ansible cisco.ios
    // l2_interfaces fixtures (GPL-3.0: read, not copied; own names): Catalyst ports with `switchport
    // access vlan N` and no `switchport mode` (the platform's default, dynamic), one also with a
    // bare `switchport`.
    let text = "vlan 102\n name users\n!\ninterface GigabitEthernet3/10\n description desk 10\n switchport access vlan 102\n spanning-tree portfast\n!\ninterface GigabitEthernet3/11\n switchport\n switchport access vlan 102\n!\n";
    let m = check_cisco("ios access vlan without mode", text, Dialect::Ios);
    let gi = &m.interfaces["GigabitEthernet3/10"];
    assert_eq!(gi.switchport, None);
    assert_eq!(gi.access_vlan, Some(102));
    assert!(gi.other.is_empty(), "{:?}", gi.other);
    assert_eq!(gi.port.portfast, Some(PortFast::Enable));
    assert_eq!(m.interfaces["GigabitEthernet3/11"].access_vlan, Some(102));
    assert!(m.interfaces["GigabitEthernet3/11"].port.layer2);
    let out = m.render(Dialect::Ios);
    assert!(!out.contains("switchport mode"), "{out}");
    // A bare `switchport` goes before the VLAN (a routed-capable port refuses the VLAN before it).
    assert!(
        out.contains("interface GigabitEthernet3/11\n switchport\n switchport access vlan 102\n"),
        "{out}"
    );
    assert!(m.validate("c3750").is_ok());
    // Changing the VLAN replaces the line; stating a mode adds it.
    let want = CiscoConfig::parse(
        "interface GigabitEthernet3/10\n switchport access vlan 20\n",
        Dialect::Ios,
    );
    assert_eq!(
        m.diff(&want, Dialect::Ios, "c3750").commands(),
        [
            "interface GigabitEthernet3/10",
            " switchport access vlan 20"
        ]
    );
    // The VLAN must exist where the configuration states VLANs.
    let err = want
        .clone()
        .tap_vlans(102)
        .validate("c3750")
        .unwrap_err()
        .to_string();
    assert!(err.contains("uses VLAN 20"), "{err}");
}

trait TapVlans {
    fn tap_vlans(self, v: u16) -> Self;
}
impl TapVlans for CiscoConfig {
    fn tap_vlans(mut self, v: u16) -> Self {
        self.vlans.insert(v, Vlan::default());
        self
    }
}

#[test]
fn interface_written_with_a_space_is_the_same_interface() {
    // Cut from batfish tests/parsing-tests/networks/unit-tests/configs/ios_standby (lines 1-12).
    let text = "!\nhostname ios_standby\n!\n!\ninterface Vlan 1000\n standby version 2\n standby 101 authentication 012345678901234567890123456789012345678\n standby 101 ip 1.2.3.4\n standby 101 preempt\n standby 101 priority 105\n standby 101 timers msec 500 2\n standby 101 track 1 decrement 20\n!\n";
    let m = CiscoConfig::parse(text, Dialect::Ios);
    let svi = &m.interfaces["Vlan1000"];
    assert_eq!(svi.hsrp_version, Some(2));
    assert_eq!(svi.hsrp[&101].ip, Some(Ipv4Addr::new(1, 2, 3, 4)));
    assert!(m.other.is_empty(), "{:?}", m.other);
    let out = m.render(Dialect::Ios);
    assert!(out.contains("interface Vlan1000\n"), "{out}");
    assert_eq!(CiscoConfig::parse(&out, Dialect::Ios), m);
    // The two forms are one interface: no diff between them, and a block in each form adds up.
    let joined = CiscoConfig::parse(
        &text.replace("interface Vlan 1000", "interface Vlan1000"),
        Dialect::Ios,
    );
    assert_eq!(joined, m);
    assert!(m.diff(&joined, Dialect::Ios, "r").is_empty());
    let two = CiscoConfig::parse(
        "interface GigabitEthernet 1/0/1\n description a\ninterface GigabitEthernet1/0/1\n mtu 9000\n",
        Dialect::Ios,
    );
    let gi = &two.interfaces["GigabitEthernet1/0/1"];
    assert_eq!((gi.description.as_deref(), gi.mtu), (Some("a"), Some(9000)));
    assert_eq!(two.interfaces.len(), 1);
}

#[test]
fn nxos_hsrp_priority_with_forwarding_threshold() {
    // Cut from batfish vendor/cisco_nxos/grammar/testconfigs/nxos_interface_hsrp (line 34) into a
    // group of its own; ciscoconfparse2 sample_01.nxos shows `priority 105 forwarding-threshold
    // lower 1 upper 105` the same way.
    let text = "feature hsrp\ninterface Vlan20\n  ip address 192.0.2.2/24\n  hsrp 2\n    priority 105 forwarding-threshold lower 0 upper 255\n    ip 192.0.2.1\n";
    let m = check_cisco("nxos hsrp forwarding threshold", text, Dialect::NxOs);
    let h = &m.interfaces["Vlan20"].hsrp[&2];
    assert_eq!(
        (h.priority, h.forwarding_threshold),
        (Some(105), Some((0, 255)))
    );
    assert!(h.other.is_empty(), "{:?}", h.other);
    let mut want = m.clone();
    if let Some(h) = want
        .interfaces
        .get_mut("Vlan20")
        .and_then(|i| i.hsrp.get_mut(&2))
    {
        h.priority = Some(110);
        h.forwarding_threshold = Some((1, 110));
    }
    assert_eq!(
        m.diff(&want, Dialect::NxOs, "n3k").commands(),
        [
            "interface Vlan20",
            " hsrp 2",
            "  priority 110 forwarding-threshold lower 1 upper 110",
            " exit"
        ]
    );
}

#[test]
fn fortios_append_adds_to_the_list() {
    // `append` in a policy and a group (batfish grammar/fortios/testconfigs: `append srcaddr addr2`,
    // `append member grp1`), in the same block as the `set` and in a later block.
    let text = "config firewall address\n    edit \"a1\"\n        set subnet 10.1.0.0 255.255.0.0\n    next\n    edit \"a2\"\n        set subnet 10.2.0.0 255.255.0.0\n    next\n    edit \"a3\"\n        set subnet 10.3.0.0 255.255.0.0\n    next\nend\nconfig firewall addrgrp\n    edit \"g\"\n        set member \"a1\"\n        append member \"a2\"\n    next\nend\nconfig firewall policy\n    edit 9\n        set srcintf \"port1\"\n        set dstintf \"port2\"\n        set srcaddr \"a1\"\n        set dstaddr \"all\"\n        set action accept\n        set service \"ALL\"\n    next\nend\nconfig firewall policy\n    edit 9\n        append srcaddr \"a3\" \"g\"\n    next\nend\n";
    let m = FortiConfig::parse(text);
    assert_eq!(m.addrgrps["g"].member, ["a1", "a2"]);
    assert_eq!(m.policies[0].1.srcaddr, ["a1", "a3", "g"]);
    m.validate("fgt").expect("all defined");
    let out = m.render();
    assert_eq!(FortiConfig::parse(&out), m);
    assert!(m.diff(&m, "fgt").is_empty());
}

#[test]
fn ios_hsrp_group_0_without_its_number() {
    // IOS shows HSRP group 0 as `standby ip ...` (no group number); interface-wide `standby`
    // settings (`standby delay`, `standby version`) are not a group.
    let text = "interface Vlan20\n ip address 10.20.0.2 255.255.255.0\n standby delay minimum 30 reload 60\n standby ip 10.20.0.1\n standby priority 110\n standby preempt\n standby track 1 decrement 20\n!\n";
    let m = check_cisco("ios hsrp group 0", text, Dialect::Ios);
    let v = &m.interfaces["Vlan20"];
    let h = &v.hsrp[&0];
    assert_eq!(h.ip, Some("10.20.0.1".parse().unwrap()));
    assert_eq!(h.priority, Some(110));
    assert!(h.preempt);
    assert_eq!(h.other, ["standby track 1 decrement 20"]);
    assert_eq!(v.other, ["standby delay minimum 30 reload 60"]);
    // A new virtual address replaces the old one in place.
    let mut want = m.clone();
    want.interfaces
        .get_mut("Vlan20")
        .unwrap()
        .hsrp
        .get_mut(&0)
        .unwrap()
        .ip = Some("10.20.0.254".parse().unwrap());
    let plan = m.diff(&want, Dialect::Ios, "c3750");
    assert_eq!(
        plan.commands(),
        ["interface Vlan20", " standby ip 10.20.0.254"]
    );
}

#[test]
fn fortios_ha_heartbeat_devices_are_modelled() {
    // FortiOS writes `set hbdev "port3" 50` with quoted interface names (Fortinet's HA CLI
    // reference; the layout of a FortiGate 60F cluster's `config system ha`).
    let text = "config system ha\n    set group-name \"edge-cl\"\n    set mode a-p\n    set hbdev \"wan2\" 50 \"dmz\" 100\n    set session-pickup enable\n    set override disable\n    set priority 200\n    set monitor \"wan1\" \"internal\"\nend\n";
    let m = check_forti("ha hbdev", text);
    let ha = m.ha.as_ref().unwrap();
    assert_eq!(ha.hbdev.as_deref(), Some("\"wan2\" 50 \"dmz\" 100"));
    assert_eq!(ha.monitor, ["wan1", "internal"]);
    assert!(ha.extra.is_empty(), "{:?}", ha.extra);
}

#[test]
fn hsrp_preempt_with_a_delay_preempts() {
    // `preempt delay minimum 60` turns preemption on (NX-OS `hsrp N` sub-mode and IOS
    // `standby N preempt delay ...`, as in ansible-collections/cisco.nxos and cisco.ios HSRP fixtures).
    let text = "interface Vlan10\n  ip address 10.10.0.2/24\n  hsrp 10\n    preempt delay minimum 60\n    priority 110\n    ip 10.10.0.1\n";
    let m = check_cisco("nxos preempt delay", text, Dialect::NxOs);
    let h = &m.interfaces["Vlan10"].hsrp[&10];
    assert!(h.preempt);
    assert_eq!(h.other, ["preempt delay minimum 60"]);
    // batfish vendor/cisco_nxos/grammar/testconfigs/nxos_interface_hsrp: a later `no preempt`.
    let text = "interface Vlan11\n  ip address 10.11.0.2/24\n  hsrp 11\n    preempt delay minimum 30 reload 40 sync 50\n    no preempt\n    ip 10.11.0.1\n";
    let m = check_cisco("nxos no preempt", text, Dialect::NxOs);
    assert!(!m.interfaces["Vlan11"].hsrp[&11].preempt);
    let text = "interface Vlan10\n ip address 10.10.0.2 255.255.255.0\n standby 10 ip 10.10.0.1\n standby 10 preempt delay minimum 60 reload 120\n!\n";
    let m = check_cisco("ios preempt delay", text, Dialect::Ios);
    assert!(m.interfaces["Vlan10"].hsrp[&10].preempt);
    // Wanting preemption (without saying how) leaves the delay alone.
    let mut want = m.clone();
    let h = want
        .interfaces
        .get_mut("Vlan10")
        .unwrap()
        .hsrp
        .get_mut(&10)
        .unwrap();
    h.other.clear();
    let plan = m.diff(&want, Dialect::Ios, "c3750");
    assert!(plan.is_empty(), "{plan}");
}

#[test]
fn fortios_interfaces_without_an_address_do_not_overlap() {
    // `show full-configuration` writes `set ip 0.0.0.0 0.0.0.0` for every interface without an
    // address (a DHCP WAN, unused ports); they are not 0.0.0.0/0 subnets overlapping the others.
    let text = "config system interface\n    edit \"wan1\"\n        set vdom \"root\"\n        set mode dhcp\n        set ip 0.0.0.0 0.0.0.0\n        set type physical\n    next\n    edit \"wan2\"\n        set vdom \"root\"\n        set ip 0.0.0.0 0.0.0.0\n        set type physical\n    next\n    edit \"internal\"\n        set vdom \"root\"\n        set ip 192.168.1.99 255.255.255.0\n        set type hard-switch\n    next\n    edit \"lab\"\n        set vdom \"root\"\n        set ip 192.168.1.1 255.255.255.128\n        set type physical\n    next\nend\n";
    let m = check_forti("full-configuration interfaces", text);
    let err = m.validate("fgt").unwrap_err().to_string();
    assert!(err.contains("internal and lab"), "{err}");
    assert!(!err.contains("wan1") && !err.contains("wan2"), "{err}");
}

#[test]
fn nxos_features_of_two_words() {
    // VXLAN switches enable `feature nv overlay` (batfish
    // vendor/cisco_nxos/grammar/testconfigs/nxos_nve_vnis, `feature fabric forwarding` elsewhere).
    let text = "feature lacp\nfeature nv overlay\nfeature vn-segment-vlan-based\nfeature fabric forwarding\n";
    let m = check_cisco("nxos features", text, Dialect::NxOs);
    assert!(m.features.contains("nv overlay"), "{:?}", m.features);
    assert!(m.features.contains("fabric forwarding"));
    assert_eq!(m.features.len(), 4);
    assert!(m.other.is_empty(), "{:?}", m.other);
}

/// A FortiGate with VDOMs enabled writes its whole configuration in this layout (written here by
/// hand with own names and addresses: no multi-VDOM backup under a licence allowing redistribution
/// was found; the layout is that of `show full-configuration` / `execute backup config` on
/// FortiOS 6.x-7.x: the VDOM list, `config global`, then one `config vdom` / `edit NAME` block per
/// VDOM closed by `end`).
const MULTI_VDOM: &str =
    "#config-version=FGT60F-7.2.8-FW-build1639-240313:opmode=0:vdom=1:user=admin
#conf_file_ver=3120569128716104
#buildno=1639
#global_vdom=1
config vdom
edit root
next
edit dmz
next
end
config global
config system global
    set hostname \"edge-fw\"
    set timezone 04
end
config system interface
    edit \"port1\"
        set vdom \"root\"
        set ip 192.0.2.2 255.255.255.0
        set allowaccess ping https ssh
        set type physical
    next
    edit \"lan\"
        set vdom \"root\"
        set ip 10.20.0.1 255.255.255.0
        set type physical
    next
    edit \"port2\"
        set vdom \"dmz\"
        set ip 10.20.0.1 255.255.255.0
        set type physical
    next
    edit \"port3\"
        set vdom \"dmz\"
        set ip 10.30.0.1 255.255.255.0
        set type physical
    next
end
config system ha
    set group-name \"edge\"
    set mode a-p
end
end
config vdom
edit root
config system settings
    set opmode nat
end
config firewall address
    edit \"web\"
        set subnet 10.20.0.10 255.255.255.255
    next
end
config firewall policy
    edit 1
        set name \"out\"
        set srcintf \"lan\"
        set dstintf \"port1\"
        set srcaddr \"all\"
        set dstaddr \"all\"
        set action accept
        set schedule \"always\"
        set service \"ALL\"
        set nat enable
    next
end
config router static
    edit 1
        set gateway 192.0.2.1
        set device \"port1\"
    next
end
end
config vdom
edit dmz
config firewall address
    edit \"web\"
        set subnet 10.20.0.80 255.255.255.255
    next
end
config firewall policy
    edit 1
        set srcintf \"port3\"
        set dstintf \"port2\"
        set srcaddr \"all\"
        set dstaddr \"web\"
        set action accept
        set schedule \"always\"
        set service \"HTTPS\"
    next
end
end
";

#[test]
fn fortios_multi_vdom_configuration_is_modelled_per_vdom() {
    let m = check_forti("multi-VDOM", MULTI_VDOM);
    // Global part: interfaces (each in its VDOM), HA, `system global`.
    assert_eq!(m.interfaces.len(), 4);
    assert_eq!(m.interfaces["port2"].vdom.as_deref(), Some("dmz"));
    assert_eq!(m.ha.as_ref().unwrap().mode.as_deref(), Some("a-p"));
    assert!(m.global.is_some());
    assert!(m.other.is_empty(), "{:?}", m.other);
    assert!(m.policies.is_empty() && m.addresses.is_empty());
    // Each VDOM holds what a single-VDOM configuration holds; the same name in two VDOMs is two
    // objects.
    let names: Vec<&str> = m.vdoms.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["root", "dmz"]);
    let root = m.vdom("root").unwrap();
    let dmz = m.vdom("dmz").unwrap();
    assert_eq!(root.policies.len(), 1);
    assert_eq!(root.static_routes[&1].device.as_deref(), Some("port1"));
    // `system settings` is the VDOM's own, typed since.
    assert_eq!(
        root.settings.as_ref().unwrap().opmode.as_deref(),
        Some("nat")
    );
    assert!(root.other.is_empty(), "{:?}", root.other);
    assert_eq!(
        root.addresses["web"].subnet.as_deref(),
        Some("10.20.0.10 255.255.255.255")
    );
    assert_eq!(
        dmz.addresses["web"].subnet.as_deref(),
        Some("10.20.0.80 255.255.255.255")
    );
    assert!(dmz.vdoms.is_empty());
    // Written back in the layout the FortiGate uses.
    let out = m.render();
    assert!(
        out.starts_with(
            "config vdom\nedit root\nnext\nedit dmz\nnext\nend\nconfig global\nconfig system ha\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "end\nend\nconfig vdom\nedit root\nconfig system settings\n    set opmode nat\nend\nconfig firewall address\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("    next\nend\nend\n"), "{out}");
    // lan (root) and port2 (dmz) share a subnet: different VDOMs, different routing tables.
    m.validate("fgt").unwrap();
}

#[test]
fn fortios_multi_vdom_validate_names_the_vdom() {
    let mut m = FortiConfig::parse(MULTI_VDOM);
    m.interfaces.get_mut("port3").unwrap().vdom = Some("lab".into());
    m.interfaces.get_mut("port1").unwrap().ip = Some("10.20.0.5 255.255.255.0".into());
    m.vdoms[1].config.policies[0].1.dstaddr = vec!["mail".into()];
    m.vdoms[0].config.policies[0].1.srcintf = vec!["port2".into()];
    let err = m.validate("fgt").unwrap_err().to_string();
    assert!(
        err.contains("vdom dmz: policy 1 uses address \"mail\", which is not defined"),
        "{err}"
    );
    assert!(
        err.contains("interface port3 is in vdom \"lab\", which is not listed"),
        "{err}"
    );
    assert!(
        err.contains("vdom root: policy 1 uses interface \"port2\", which is in vdom \"dmz\""),
        "{err}"
    );
    // port1 now overlaps lan (both root), not port2 (dmz).
    assert!(
        err.contains("interfaces lan and port1 have overlapping subnets"),
        "{err}"
    );
    assert!(
        !err.contains("and port2") && !err.contains("port2 and"),
        "{err}"
    );
}

#[test]
fn fortios_multi_vdom_diff_is_written_per_vdom() {
    let live = FortiConfig::parse(MULTI_VDOM);
    let mut want = live.clone();
    want.interfaces.get_mut("port3").unwrap().alias = Some("servers".into());
    want.vdoms[1]
        .config
        .addresses
        .get_mut("web")
        .unwrap()
        .subnet = Some("10.20.0.81 255.255.255.255".into());
    want.vdoms.push(hermes_netdev::fortios::Vdom {
        name: "lab".into(),
        config: FortiConfig::parse(
            "config firewall address\n    edit \"probe\"\n        set subnet 10.99.0.1 255.255.255.255\n    next\nend\n",
        ),
    });
    let plan = live.diff(&want, "fgt");
    assert_eq!(
        plan.commands(),
        [
            "config global",
            "config system interface",
            "    edit \"port3\"",
            "        set alias \"servers\"",
            "    next",
            "end",
            "end",
            "config vdom",
            "edit dmz",
            "config firewall address",
            "    edit \"web\"",
            "        set subnet 10.20.0.81 255.255.255.255",
            "    next",
            "end",
            "end",
            "config vdom",
            "edit lab",
            "next",
            "end",
            "config vdom",
            "edit lab",
            "config firewall address",
            "    edit \"probe\"",
            "        set subnet 10.99.0.1 255.255.255.255",
            "    next",
            "end",
            "end",
        ]
    );
    let resources: Vec<&str> = plan.changes.iter().map(|c| c.resource.as_str()).collect();
    assert_eq!(
        resources,
        [
            "global: system interface",
            "vdom dmz: firewall address",
            "vdom lab",
            "vdom lab: firewall address"
        ]
    );
    // The plan's lines applied to the live text give the desired model.
    assert!(live.diff(&live, "fgt").is_empty());
    // A VDOM left out of `want` is not touched.
    let mut only_root = live.clone();
    only_root.vdoms.retain(|v| v.name == "root");
    assert!(live.diff(&only_root, "fgt").is_empty());
}

#[test]
fn fortios_multi_vdom_rest_bodies_per_vdom() {
    let m = FortiConfig::parse(MULTI_VDOM);
    let scopes = m.rest_bodies_per_vdom();
    let names: Vec<Option<&str>> = scopes.iter().map(|(v, _)| v.as_deref()).collect();
    assert_eq!(names, [None, Some("root"), Some("dmz")]);
    // Global: the interfaces, HA and `system global` (settings blocks, without a key).
    assert!(scopes[0].1.iter().all(|(p, _, _)| [
        "/api/v2/cmdb/system/interface",
        "/api/v2/cmdb/system/ha",
        "/api/v2/cmdb/system/global"
    ]
    .contains(&p.as_str())));
    let dmz: Vec<(&str, &str)> = scopes[2]
        .1
        .iter()
        .map(|(p, k, _)| (p.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        dmz,
        [
            ("/api/v2/cmdb/firewall/address", "web"),
            ("/api/v2/cmdb/firewall/policy", "1")
        ]
    );
    assert_eq!(scopes[2].1[0].2["subnet"], "10.20.0.80 255.255.255.255");
    // rest_bodies keeps its meaning for single-VDOM configurations, and is the global part here.
    assert_eq!(m.rest_bodies(), scopes[0].1);
}

#[test]
fn fortios_single_vdom_configuration_is_unchanged() {
    // A configuration without `config vdom` / `config global` has no VDOM models, renders as
    // before, and `config vdom` appearing inside an entry is not a VDOM.
    let text = "config firewall address\n    edit \"web\"\n        set subnet 10.0.30.0 255.255.255.0\n    next\nend\n";
    let m = check_forti("single VDOM", text);
    assert!(m.vdoms.is_empty());
    assert_eq!(m.render(), text);
}

// The batfish FortiOS grammar tests (batfish/batfish @ cba1873338ae3b1952883706f5d7c6d969b385ec,
// Apache-2.0, projects/batfish/src/test/resources/org/batfish/grammar/fortios/testconfigs/...)
// apply `delete` / `move` / `clone` in policy tables; these excerpts are their policy tables,
// byte for byte, which were kept whole in `other` (no policy modelled).
const POLICY_BODY: &str = "        set srcintf any\n        set dstintf any\n        set srcaddr all\n        set dstaddr all\n        set service ALL_TCP\n";

#[test]
fn fortios_policy_move_script_is_applied() {
    // testconfigs/policy_move (sha256 075faad1...5c171965): batfish expects 5, 1, 2, 4, 3.
    let mut text = String::from("config firewall policy\n");
    for id in 1..=5 {
        text.push_str(&format!("    edit {id}\n{POLICY_BODY}    next\n"));
    }
    text.push_str("    move 5 before 1\n    move 4 after 2\nend\n");
    let m = FortiConfig::parse(&text);
    assert!(m.other.is_empty(), "{:?}", m.other);
    let ids: Vec<u32> = m.policies.iter().map(|(i, _)| *i).collect();
    assert_eq!(ids, [5, 1, 2, 4, 3]);
    let again = FortiConfig::parse(&m.render());
    assert_eq!(again, m);
    assert!(m.diff(&m, "fgt").is_empty());
}

#[test]
fn fortios_policy_delete_script_is_applied() {
    // testconfigs/policy_delete (sha256 8e53dc47...4460073a): 3 deleted, 1 deleted and created
    // again (last): batfish expects 2, 1.
    let mut text = String::from("config firewall policy\n");
    for id in 1..=3 {
        text.push_str(&format!("    edit {id}\n{POLICY_BODY}    next\n"));
    }
    text.push_str(
        "    delete 1\n    delete 3\n    # Creating 1 after deleting it should put it at the end\n",
    );
    text.push_str(&format!("    edit 1\n{POLICY_BODY}    next\nend\n"));
    let m = FortiConfig::parse(&text);
    assert!(m.other.is_empty(), "{:?}", m.other);
    let ids: Vec<u32> = m.policies.iter().map(|(i, _)| *i).collect();
    assert_eq!(ids, [2, 1]);
}

#[test]
fn fortios_policy_clone_script_is_applied() {
    // testconfigs/policy_clone (sha256 b2db4873...f43d648394): `clone 1 to 3` between 2 and 4:
    // batfish expects 1, 2, 3, 4 with 3 a copy of 1.
    let accept = "        set action accept\n";
    let deny = "        set action deny\n";
    let text = format!(
        "config firewall policy\n    edit 1\n{accept}{POLICY_BODY}    next\n    edit 2\n{deny}{POLICY_BODY}    next\n    clone 1 to 3\n    edit 4\n{deny}{POLICY_BODY}    next\nend\n"
    );
    let m = FortiConfig::parse(&text);
    assert!(m.other.is_empty(), "{:?}", m.other);
    let ids: Vec<u32> = m.policies.iter().map(|(i, _)| *i).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(m.policies[2].1, m.policies[0].1);
    assert_eq!(m.policies[2].1.action.as_deref(), Some("accept"));
}

#[test]
fn fortios_table_script_commands_the_device_refuses_are_skipped() {
    // As in batfish testconfigs/firewall_policy_warn (`move 3 before 99999`, `clone 3 to foobar`):
    // a command the device refuses is skipped and the rest of the block applied, as the CLI goes on
    // after an error; a named table's `delete` of an entry it defines is applied, of one it lacks
    // skipped.
    let text = "config firewall policy\n    edit 3\n        set action accept\n    next\n    move 3 before 99999\n    clone 3 to foobar\n    edit not_a_number\n        set action deny\n    next\nend\nconfig firewall address\n    edit \"old\"\n        set subnet 10.0.0.0 255.0.0.0\n    next\n    edit \"new\"\n        set subnet 10.1.0.0 255.255.0.0\n    next\n    delete \"old\"\n    delete \"missing\"\nend\n";
    let m = FortiConfig::parse(text);
    assert!(m.other.is_empty(), "{:?}", m.other);
    assert_eq!(m.policies.len(), 1);
    assert_eq!(m.policies[0].0, 3);
    assert_eq!(m.policies[0].1.action.as_deref(), Some("accept"));
    assert_eq!(m.addresses.keys().collect::<Vec<_>>(), ["new"]);
    assert_eq!(FortiConfig::parse(&m.render()), m);
}

#[test]
fn ios_older_domain_and_logging_forms_are_modelled_in_their_form() {
    // IOS 12.x writes `ip domain-name X` and `logging A.B.C.D` (ciscoconfparse2
    // tests/fixtures/configs/sample_04.ios, batfish tests/parsing-tests/networks/unit-tests/configs/
    // cisco_logging); both were kept in `other`, outside the DNS and syslog models.
    let text = "hostname edge-rtr\nip domain-name corp.example\nip name-server 192.0.2.53\nlogging trap debugging\nlogging 192.0.2.10\nlogging 192.0.2.11\n";
    let m = check_cisco("IOS 12 forms", text, Dialect::Ios);
    assert_eq!(m.domain_name.as_deref(), Some("corp.example"));
    assert!(m.domain_name_hyphen);
    assert_eq!(m.logging_hosts, ["192.0.2.10", "192.0.2.11"]);
    assert!(m.logging_bare);
    assert_eq!(m.other, ["logging trap debugging"]);
    let out = m.render(Dialect::Ios);
    assert!(out.contains("ip domain-name corp.example\n"), "{out}");
    assert!(out.contains("logging 192.0.2.10\n"), "{out}");
    // A desired model in the newer forms is written in the device's forms: equal values, no diff.
    let want = CiscoConfig::parse(
        "ip domain name corp.example\nlogging host 192.0.2.10\nlogging host 192.0.2.11\n",
        Dialect::Ios,
    );
    assert!(!want.domain_name_hyphen && !want.logging_bare);
    assert!(m.diff(&want, Dialect::Ios, "r1").is_empty());
    let mut want = want;
    want.domain_name = Some("lab.example".into());
    want.logging_hosts.push("192.0.2.12 vrf MGMT".into());
    let plan = m.diff(&want, Dialect::Ios, "r1");
    let cmds = plan.commands();
    assert!(cmds.contains(&"ip domain-name lab.example"), "{cmds:?}");
    // A host with options has only the `logging host` form.
    assert!(
        cmds.contains(&"logging host 192.0.2.12 vrf MGMT"),
        "{cmds:?}"
    );
}

#[test]
fn ios_logging_host_options_are_kept_on_the_host() {
    // `logging host A vrf V transport udp port N` (cisco.ios fixtures, IOS-XE 16+).
    let text = "logging host 192.0.2.10 vrf MGMT transport udp port 5514\nlogging host 192.0.2.11\nip domain name corp.example\n";
    let m = check_cisco("logging host options", text, Dialect::Ios);
    assert_eq!(
        m.logging_hosts,
        ["192.0.2.10 vrf MGMT transport udp port 5514", "192.0.2.11"]
    );
    assert!(!m.logging_bare && !m.domain_name_hyphen);
    assert!(m.other.is_empty(), "{:?}", m.other);
}

#[test]
fn ios_dtp_dynamic_ports_are_modelled() {
    // `switchport mode dynamic auto|desirable` (Catalyst DTP) was kept in `other` together with
    // every switchport line of the port. No configuration in the corpus has it: the layout is the
    // one a Catalyst 3750 shows.
    let text = "vlan 10\nvlan 20\ninterface GigabitEthernet1/0/5\n switchport access vlan 10\n switchport trunk native vlan 20\n switchport trunk allowed vlan 10,20\n switchport mode dynamic desirable\ninterface GigabitEthernet1/0/6\n switchport mode dynamic auto\n";
    let m = check_cisco("DTP ports", text, Dialect::Ios);
    let g5 = &m.interfaces["GigabitEthernet1/0/5"];
    assert!(g5.other.is_empty(), "{:?}", g5.other);
    match g5.switchport.as_ref().unwrap() {
        Switchport::Dynamic {
            desirable,
            access,
            native,
            allowed,
        } => {
            assert!(*desirable);
            assert_eq!((*access, *native), (Some(10), Some(20)));
            assert_eq!(allowed.as_ref().unwrap().render(), "10,20");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        m.interfaces["GigabitEthernet1/0/6"].switchport,
        Some(Switchport::Dynamic {
            desirable: false,
            access: None,
            ..
        })
    ));
    m.validate("c3750").unwrap();
    // The access VLAN must exist like any other.
    let mut bad = m.clone();
    bad.vlans.remove(&10);
    let err = bad.validate("c3750").unwrap_err().to_string();
    assert!(err.contains("uses VLAN 10"), "{err}");
    // Turning the DTP port into a trunk is one line.
    let mut want = m.clone();
    want.interfaces
        .get_mut("GigabitEthernet1/0/5")
        .unwrap()
        .switchport = Some(Switchport::Trunk {
        native: Some(20),
        allowed: hermes_netdev::cisco::VlanSet::parse("10,20"),
    });
    let plan = m.diff(&want, Dialect::Ios, "c3750");
    assert!(
        plan.commands().contains(&" switchport mode trunk"),
        "{:?}",
        plan.commands()
    );
}

#[test]
fn hsrp_secondary_virtual_addresses_are_modelled() {
    // batfish vendor/cisco_nxos/grammar/testconfigs/nxos_interface_hsrp (in ../shared/data/netdev:
    // `ip 192.168.0.1 secondary` in `hsrp 2`) kept them in the group's `other`; IOS writes them
    // `standby N ip A.B.C.D secondary`.
    let nx = "interface Ethernet1/1\n  no switchport\n  ip address 192.0.2.2/24\n  ip address 192.168.0.2/24 secondary\n  hsrp 2\n    ip 192.0.2.1\n    ip 192.168.0.1 secondary\n";
    let m = check_cisco("NX-OS HSRP secondary", nx, Dialect::NxOs);
    let h = &m.interfaces["Ethernet1/1"].hsrp[&2];
    assert_eq!(
        h.secondary,
        ["192.168.0.1".parse::<std::net::Ipv4Addr>().unwrap()]
    );
    assert!(h.other.is_empty(), "{:?}", h.other);
    m.validate("n3k").unwrap();
    let ios = "interface Vlan10\n ip address 10.0.10.2 255.255.255.0\n ip address 10.0.11.2 255.255.255.0 secondary\n standby 10 ip 10.0.10.1\n standby 10 ip 10.0.11.1 secondary\n";
    let m = check_cisco("IOS HSRP secondary", ios, Dialect::Ios);
    let h = &m.interfaces["Vlan10"].hsrp[&10];
    assert_eq!(h.secondary.len(), 1);
    assert!(h.other.is_empty(), "{:?}", h.other);
    // A secondary virtual address outside every subnet of the interface is reported.
    let mut bad = m.clone();
    bad.interfaces
        .get_mut("Vlan10")
        .unwrap()
        .hsrp
        .get_mut(&10)
        .unwrap()
        .secondary = vec!["10.9.9.1".parse().unwrap()];
    let err = bad.validate("c3750").unwrap_err().to_string();
    assert!(err.contains("secondary address 10.9.9.1"), "{err}");
}

#[test]
fn fortios_append_onto_an_empty_value_round_trips() {
    // batfish fortios testconfigs/addrgrp (`set exclude-member addr2 addr3` then `append
    // exclude-member addr5`) with the lines cut short, as a truncated paste leaves them: appending
    // onto `set exclude-member` (no value) gave " addr5", written back `set exclude-member  addr5`
    // and read again as "addr5"; an `append` with nothing to add changes nothing.
    let text = "config firewall addrgrp\n    edit \"grp1\"\n        set member addr1 addr5\n        set exclude enable\n        set exclude-member\n        append exclude-member addr5\n        append member\n    next\nend\n";
    let m = FortiConfig::parse(text);
    let out = m.render();
    // `exclude-member` is typed (a list, written quoted as the device shows it).
    assert!(
        out.contains("        set exclude-member \"addr5\"\n"),
        "{out}"
    );
    let again = FortiConfig::parse(&out);
    assert_eq!(again, m, "parse(render(m)) != m\n{out}");
    assert_eq!(again.render(), out);
    assert!(m.diff(&m, "fgt").is_empty());
    let g = &m.addrgrps["grp1"];
    assert_eq!(g.exclude_member, ["addr5"]);
    assert!(g.extra.is_empty(), "{:?}", g.extra);
    assert_eq!(g.member, ["addr1", "addr5"]);
}

#[test]
fn fortios_vdoms_in_one_block_and_quoted_vdom_names() {
    // Scripts also write several VDOMs in one `config vdom` block (`next` between them) and quote
    // a VDOM name; `edit "dmz"` is the VDOM dmz, and a VDOM written in two blocks is one VDOM.
    let text = "config global\nconfig system interface\n    edit \"port2\"\n        set vdom \"dmz\"\n        set ip 10.20.0.1 255.255.255.0\n    next\nend\nend\nconfig vdom\nedit root\nconfig firewall address\n    edit \"a\"\n        set subnet 10.0.0.1 255.255.255.255\n    next\nend\nnext\nedit \"dmz\"\nconfig firewall address\n    edit \"b\"\n        set subnet 10.0.0.2 255.255.255.255\n    next\nend\nnext\nend\nconfig vdom\nedit dmz\nconfig router static\n    edit 1\n        set device \"port2\"\n        set gateway 10.20.0.254\n    next\nend\nend\n";
    let m = FortiConfig::parse(text);
    let names: Vec<&str> = m.vdoms.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["root", "dmz"]);
    let dmz = m.vdom("dmz").unwrap();
    assert!(dmz.addresses.contains_key("b"));
    assert_eq!(
        dmz.static_routes[&1].gateway.as_deref(),
        Some("10.20.0.254")
    );
    m.validate("fgt").unwrap();
    let again = FortiConfig::parse(&m.render());
    assert_eq!(again, m);
    assert!(m.diff(&m, "fgt").is_empty());
}

#[test]
fn nxos_kickstart_and_system_boot_images_are_modelled() {
    // NX-OS 7.3 (NX-OSv titanium) boots two images: napalm-automation/napalm @ ee70e634,
    // test/nxos/nxos/initial.conf (../shared/data/netdev/napalm/nxos__nxos__initial.conf) and
    // batfish nxos_boot_kickstart_sup have these lines, which were kept in `other` (`boot system`
    // was read as IOS only, `boot kickstart` not at all).
    let text = "boot kickstart bootflash://sup-1/titanium-d1-kickstart.7.3.1.D1.0.10.bin\nboot system bootflash://sup-1/titanium-d1.7.3.1.D1.0.10.bin \n";
    let m = check_cisco("NX-OS two-image boot", text, Dialect::NxOs);
    assert_eq!(
        m.boot_kickstart,
        ["bootflash://sup-1/titanium-d1-kickstart.7.3.1.D1.0.10.bin"]
    );
    assert_eq!(m.boot, ["bootflash://sup-1/titanium-d1.7.3.1.D1.0.10.bin"]);
    assert!(m.boot_system_nxos);
    assert!(m.other.is_empty(), "{:?}", m.other);
    // Per supervisor, as a Nexus 7000 writes them.
    let n7k = "boot kickstart bootflash:/n7000-s2-kickstart.6.2.16.bin sup-1\nboot system bootflash:/n7000-s2-dk9.6.2.16.bin sup-1\nboot kickstart bootflash:/n7000-s2-kickstart.6.2.16.bin sup-2\nboot system bootflash:/n7000-s2-dk9.6.2.16.bin sup-2\n";
    let m7 = check_cisco("N7K boot", n7k, Dialect::NxOs);
    assert_eq!(m7.boot_kickstart.len(), 2);
    assert_eq!(m7.boot.len(), 2);
    // A new system image is written in the device's form.
    let mut want = m.clone();
    want.boot = vec!["bootflash://sup-1/titanium-d1.7.3.2.bin".into()];
    want.boot_system_nxos = false;
    let plan = m.diff(&want, Dialect::NxOs, "n7k");
    assert!(
        plan.commands()
            .contains(&"boot system bootflash://sup-1/titanium-d1.7.3.2.bin"),
        "{:?}",
        plan.commands()
    );
    // The single-image form is unchanged.
    let n9k = CiscoConfig::parse("boot nxos bootflash:/nxos.9.2.3.bin\n", Dialect::NxOs);
    assert!(!n9k.boot_system_nxos && n9k.boot_kickstart.is_empty());
    assert_eq!(
        n9k.render(Dialect::NxOs),
        "boot nxos bootflash:/nxos.9.2.3.bin\n"
    );
}

#[test]
fn learnt_addresses_dhcp_and_negotiated() {
    // Cut from napalm test/ios/ios/initial.conf (napalm-automation/napalm @
    // ee70e634555f6d1f9d32369f2151dde526ad6dfd, Apache-2.0; lines 87-91).
    let text =
        "interface GigabitEthernet1\n ip address dhcp\n negotiation auto\n no mop enabled\n!\n";
    let m = check_cisco("ios ip address dhcp", text, Dialect::Ios);
    let gi = &m.interfaces["GigabitEthernet1"];
    assert_eq!(gi.ipv4_dynamic, Some(DynamicAddress::Dhcp));
    assert_eq!(gi.ipv4, None);
    assert_eq!(gi.other, ["no mop enabled"]);
    assert_eq!(gi.port.negotiation_auto, Some(true));
    // The PPP form (the layout of ciscoconfparse2 tests/fixtures/configs/sample_01.ios, GPL-3.0:
    // read, not copied).
    let m = check_cisco(
        "ios ip address negotiated",
        "interface Dialer1\n ip address negotiated\n encapsulation ppp\n!\n",
        Dialect::Ios,
    );
    assert_eq!(
        m.interfaces["Dialer1"].ipv4_dynamic,
        Some(DynamicAddress::Negotiated)
    );
    // A static address replaces the learnt one in place, and the other way round.
    let live = CiscoConfig::parse(text, Dialect::Ios);
    let want = CiscoConfig::parse(
        "interface GigabitEthernet1\n ip address 192.0.2.7 255.255.255.0\n",
        Dialect::Ios,
    );
    assert_eq!(
        live.diff(&want, Dialect::Ios, "r").commands(),
        [
            "interface GigabitEthernet1",
            " ip address 192.0.2.7 255.255.255.0"
        ]
    );
    let dhcp = CiscoConfig::parse(
        "interface GigabitEthernet1\n ip address dhcp\n",
        Dialect::Ios,
    );
    assert_eq!(
        want.diff(&dhcp, Dialect::Ios, "r").commands(),
        ["interface GigabitEthernet1", " ip address dhcp"]
    );
    // Both at once is refused before sending.
    let mut both = want.clone();
    if let Some(i) = both.interfaces.get_mut("GigabitEthernet1") {
        i.ipv4_dynamic = Some(DynamicAddress::Dhcp);
    }
    let err = both.validate("r").unwrap_err().to_string();
    assert!(
        err.contains("both the address 192.0.2.7/24 and a learnt one"),
        "{err}"
    );
    // NX-OS: batfish vendor/cisco_nxos/grammar/testconfigs/nxos_interface_ip_address (lines 5-10)
    // writes `ip address dhcp` then a static address, which clears it: the later line is kept as
    // written after the learnt one (not modelled as both).
    let text = "interface Ethernet1/1\n  no switchport\n  no ip redirects\n  ip address dhcp\n  ! clears dhcp\n  ip address 10.0.0.4/24\n";
    let m = check_cisco("nxos dhcp then static", text, Dialect::NxOs);
    let e = &m.interfaces["Ethernet1/1"];
    assert_eq!(e.ipv4_dynamic, Some(DynamicAddress::Dhcp));
    assert_eq!(e.ipv4, None);
    assert!(
        e.other.contains(&"ip address 10.0.0.4/24".to_string()),
        "{:?}",
        e.other
    );
}

#[test]
fn nxos_interface_mac_address_is_typed() {
    // napalm's NX-OSv running configuration (`../shared/data/netdev/napalm/nxos__nxos__initial.conf`,
    // 144 ports with `mac-address`): the address is modelled, written after the MTU, diffed in
    // place, and checked.
    let text = "interface Ethernet2/1\n  no switchport\n  !#logging event port link-status default\n  mac-address 2cc2.607d.5725\n  ip address 4.3.2.1/24\n  no shutdown\n";
    let m = check_cisco("nxos mac-address", text, Dialect::NxOs);
    let e = &m.interfaces["Ethernet2/1"];
    assert_eq!(e.mac_address.as_deref(), Some("2cc2.607d.5725"));
    assert!(e.other.is_empty(), "{:?}", e.other);
    let mut want = m.clone();
    want.interfaces.get_mut("Ethernet2/1").unwrap().mac_address = Some("2cc2.607d.5726".into());
    assert_eq!(
        m.diff(&want, Dialect::NxOs, "n3k").commands(),
        ["interface Ethernet2/1", " mac-address 2cc2.607d.5726"]
    );
    // Not stated in the desired model: not managed.
    want.interfaces.get_mut("Ethernet2/1").unwrap().mac_address = None;
    assert!(m.diff(&want, Dialect::NxOs, "n3k").is_empty());
    for ok in ["2cc2.607d.5725", "2c:c2:60:7d:57:25", "2c-c2-60-7d-57-25"] {
        want.interfaces.get_mut("Ethernet2/1").unwrap().mac_address = Some(ok.into());
        assert!(want.validate("n3k").is_ok(), "{ok}");
    }
    let multicast = want.interfaces.get_mut("Ethernet2/1").unwrap();
    // batfish interface-parsing gives Vlan75 `abcd.df01.2345`: a group address.
    multicast.mac_address = Some("abcd.df01.2345".into());
    let err = want.validate("n3k").unwrap_err().to_string();
    assert!(err.contains("is a group (multicast) address"), "{err}");
    for bad in [
        "2cc2.607d",
        "2cc2.607d.572g",
        "2c:c2:60:7d:5725",
        "x",
        "2cc2-607d-5725",
    ] {
        want.interfaces.get_mut("Ethernet2/1").unwrap().mac_address = Some(bad.into());
        let err = want.validate("n3k").unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "interface Ethernet2/1 mac-address {bad:?} is not 12 hex"
            )),
            "{bad}: {err}"
        );
    }
}

#[test]
fn nxos_vlan_range_with_settings_sets_each_vlan() {
    // Written by hand after the NX-OS VLAN configuration guide (`vlan 10-12` enters the settings
    // of every VLAN of the range; the switch then shows one block per VLAN); none of the public
    // corpora has one. A later block of one VLAN adds to the range's settings, its name replaces.
    let text =
        "vlan 1,10-12\nvlan 10-12\n  name tenant-a\n  state suspend\nvlan 11\n  name tenant-b\n";
    let m = CiscoConfig::parse(text, Dialect::NxOs);
    assert_eq!(m.vlans[&10].name.as_deref(), Some("tenant-a"));
    assert_eq!(m.vlans[&12].other, ["state suspend"]);
    assert_eq!(m.vlans[&11].name.as_deref(), Some("tenant-b"));
    assert_eq!(m.vlans[&11].other, ["state suspend"]);
    assert!(m.other.is_empty(), "{:?}", m.other);
    let out = m.render(Dialect::NxOs);
    assert!(
        out.contains("vlan 11\n  name tenant-b\n  state suspend\nvlan 12\n  name tenant-a\n"),
        "{out}"
    );
    assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), m);
    assert!(m.diff(&m, Dialect::NxOs, "n3k").is_empty());
    // A range past 4094 is not a range of VLANs: kept as written.
    let kept = CiscoConfig::parse("vlan 4090-4100\n  name x\n", Dialect::NxOs);
    assert!(kept.vlans.is_empty());
    assert_eq!(kept.other, ["vlan 4090-4100\n name x"]);
}

#[test]
fn nxos_fex_uplinks_are_typed_and_changed_in_order() {
    // A Nexus parent switch's uplinks to a Fabric Extender (layout of batfish's
    // nxos_interface_switchport Ethernet1/14 and of FEX-attached Nexus 5000 / 7000 configurations:
    // the port-channel and its members in `fex-fabric` mode, each naming the FEX).
    let text = "interface port-channel120\n  switchport mode fex-fabric\n  fex associate 120\ninterface Ethernet1/17\n  description to FEX 120\n  switchport mode fex-fabric\n  fex associate 120\n  channel-group 120\n";
    let m = check_cisco("fex uplink", text, Dialect::NxOs);
    for p in ["port-channel120", "Ethernet1/17"] {
        assert_eq!(
            m.interfaces[p].switchport,
            Some(Switchport::FexFabric {
                associate: Some(120)
            }),
            "{p}"
        );
        assert!(
            m.interfaces[p].other.is_empty(),
            "{p}: {:?}",
            m.interfaces[p].other
        );
    }
    m.validate("n5k").unwrap();
    // `fex associate` on a port in another mode is kept as written; on IOS the mode is not read.
    let trunk = check_cisco(
        "fex on a trunk",
        "interface Ethernet1/18\n  switchport mode trunk\n  fex associate 121\n",
        Dialect::NxOs,
    );
    assert_eq!(
        trunk.interfaces["Ethernet1/18"].other,
        ["fex associate 121"]
    );
    let ios = CiscoConfig::parse(
        "interface GigabitEthernet1/0/1\n switchport mode fex-fabric\n",
        Dialect::Ios,
    );
    assert_eq!(ios.interfaces["GigabitEthernet1/0/1"].switchport, None);
    // Moving the uplink to another FEX; turning it into a trunk removes the association before
    // the mode changes (NX-OS refuses another mode while the port serves a FEX).
    let mut want = m.clone();
    want.interfaces.get_mut("Ethernet1/17").unwrap().switchport = Some(Switchport::FexFabric {
        associate: Some(121),
    });
    want.interfaces
        .get_mut("port-channel120")
        .unwrap()
        .switchport = Some(Switchport::Trunk {
        native: None,
        allowed: VlanSet::parse("10"),
    });
    let plan = m.diff(&want, Dialect::NxOs, "n5k");
    assert_eq!(
        plan.commands(),
        [
            "interface port-channel120",
            " no fex associate 120",
            " switchport mode trunk",
            " switchport trunk allowed vlan 10",
            "interface Ethernet1/17",
            " no fex associate 120",
            " fex associate 121",
        ]
    );
    let mut bad = m.clone();
    bad.interfaces.get_mut("Ethernet1/17").unwrap().switchport = Some(Switchport::FexFabric {
        associate: Some(99),
    });
    let err = bad.validate("n5k").unwrap_err().to_string();
    assert!(
        err.contains("fex associate 99 is not a FEX number (100-199)"),
        "{err}"
    );
}
