//! Configuration families that real configurations kept verbatim before, now typed: NX-OS user
//! roles (`role name X` with numbered rules), NX-OS ACL entries written without a sequence number
//! (numbered as the switch numbers them), NX-OS `priority-flow-control mode` and IOS line
//! `stopbits`. Each test names the real file it reads: batfish's parser test configurations
//! vendored in `tests/data/configs/batfish` (Apache-2.0, SOURCES.md there) and the NAPALM / batfish
//! files of `../shared/data/netdev`.

use hermes_netdev::cisco::{CiscoConfig, Dialect, PfcMode, RoleRule, RuleAccess, Stopbits};

fn vendored(rel: &str) -> String {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    std::fs::read_to_string(dir.join("tests/data/configs").join(rel)).unwrap()
}

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
