//! Switch-port settings (`PortSettings`) and terminal lines (`Line`) on the real configurations
//! vendored in `tests/data/configs` (genieparser's Catalyst 9000 `show running-config interface`
//! captures and batfish's IOS / NX-OS parser test configurations, Apache-2.0, each file's commit,
//! path and sha256 in its SOURCES.md): what is typed, how it renders, the change sets (one command
//! per changed value, nothing the desired model does not state), validation, and the line
//! password never printed.

use hermes_netdev::cisco::{
    CiscoConfig, Dialect, Duplex, LinkType, Login, PortFast, Speed, StpGuard, StpToggle,
    Switchport, TrunkEncapsulation,
};

#[path = "common/configs.rs"]
mod configs;
use configs::cisco_model;

#[test]
fn catalyst_9000_access_port_settings_are_typed() {
    // genieparser ShowRunInterface golden_output_9: an 802.1X access port, four-space indented.
    let rel = "genieparser/iosxe_show_running-config_interface_9.txt";
    let m = cisco_model(rel, Dialect::Ios);
    let gi = &m.interfaces["GigabitEthernet1/0/13"];
    assert_eq!(gi.switchport, Some(Switchport::Access { vlan: Some(70) }));
    assert_eq!(gi.port.nonegotiate, Some(true));
    assert_eq!(gi.port.portfast, Some(PortFast::Enable));
    assert_eq!(gi.port.bpduguard, Some(StpToggle::Enable));
    for l in &gi.other {
        assert!(
            !l.starts_with("spanning-tree") && !l.starts_with("switchport"),
            "{l} kept verbatim"
        );
    }
    let out = m.render(Dialect::Ios);
    // `nonegotiate` after the mode: IOS refuses it on a port still in the default dynamic mode.
    let mode = out.find(" switchport mode access\n").unwrap();
    let dtp = out.find(" switchport nonegotiate\n").unwrap();
    assert!(mode < dtp, "{out}");
    // The port loses portfast and its BPDU guard is turned off: two commands, nothing else.
    let mut want = CiscoConfig::default();
    let mut port = gi.clone();
    port.port.portfast = Some(PortFast::Default);
    port.port.bpduguard = Some(StpToggle::Disable);
    want.interfaces
        .insert("GigabitEthernet1/0/13".into(), port.clone());
    let plan = m.diff(&want, Dialect::Ios, "c9300");
    assert_eq!(
        plan.commands(),
        [
            "interface GigabitEthernet1/0/13",
            " no spanning-tree portfast",
            " spanning-tree bpduguard disable"
        ]
    );
    // Stating only the access VLAN leaves every port setting alone.
    let mut only_vlan = CiscoConfig::default();
    only_vlan.interfaces.insert(
        "GigabitEthernet1/0/13".into(),
        hermes_netdev::cisco::Interface {
            switchport: Some(Switchport::Access { vlan: Some(71) }),
            ..Default::default()
        },
    );
    assert_eq!(
        m.diff(&only_vlan, Dialect::Ios, "c9300").commands(),
        [
            "interface GigabitEthernet1/0/13",
            " switchport access vlan 71"
        ]
    );
    // DTP back on: `no switchport nonegotiate`.
    port.port.nonegotiate = Some(false);
    want.interfaces.insert("GigabitEthernet1/0/13".into(), port);
    assert!(m
        .diff(&want, Dialect::Ios, "c9300")
        .commands()
        .contains(&" no switchport nonegotiate"));
}

#[test]
fn nonegotiate_with_a_dynamic_port_is_refused_before_sending() {
    let rel = "genieparser/iosxe_show_running-config_interface_9.txt";
    let mut m = cisco_model(rel, Dialect::Ios);
    let gi = m.interfaces.get_mut("GigabitEthernet1/0/13").unwrap();
    gi.switchport = Some(Switchport::Dynamic {
        desirable: false,
        access: None,
        native: None,
        allowed: None,
    });
    let err = m.validate("c9300").unwrap_err().to_string();
    assert!(
        err.contains("GigabitEthernet1/0/13")
            && err.contains("`switchport nonegotiate` conflicts with `switchport mode dynamic`"),
        "{err}"
    );
}

#[test]
fn access_ports_with_voice_vlans_keep_what_is_not_modelled() {
    for (rel, name) in [
        (
            "genieparser/iosxe_show_running-config_interface_11.txt",
            "FiveGigabitEthernet1/0/35",
        ),
        (
            "genieparser/iosxe_show_running-config_interface16.txt",
            "TenGigabitEthernet1/0/13",
        ),
    ] {
        let m = cisco_model(rel, Dialect::Ios);
        let i = &m.interfaces[name];
        assert_eq!(i.port.portfast, Some(PortFast::Enable), "{rel}");
        // The voice VLAN and port security are typed (tests/config_families.rs); the 802.1X,
        // QoS and storm-control lines stay on the port as written.
        assert!(i.port.voice_vlan.is_some(), "{rel}");
        assert_eq!(
            i.port.port_security.as_ref().and_then(|p| p.enabled),
            Some(true)
        );
        assert!(
            !i.other
                .iter()
                .any(|l| l.starts_with("switchport voice vlan") || l == "switchport port-security"),
            "{rel}: {:?}",
            i.other
        );
        assert!(i.other.iter().any(|l| l.starts_with("storm-control")));
    }
}

#[test]
fn speed_nonegotiate_stands_beside_the_speed() {
    // genieparser ShowRunInterface golden_output_21: a 25G port shows both lines.
    let rel = "genieparser/iosxe_show_running-config_interface_21.txt";
    let m = cisco_model(rel, Dialect::Ios);
    let p = &m.interfaces["TwentyFiveGigE1/1/1"].port;
    assert_eq!(p.speed, Some(Speed::Mbps(25000)));
    assert_eq!(p.speed_nonegotiate, Some(true));
    assert!(m.interfaces["TwentyFiveGigE1/1/1"].other.is_empty());
    // A new speed replaces the old one in place; `speed nonegotiate` is left as it is.
    let mut want = m.clone();
    let w = want.interfaces.get_mut("TwentyFiveGigE1/1/1").unwrap();
    w.port.speed = Some(Speed::Mbps(10000));
    assert_eq!(
        m.diff(&want, Dialect::Ios, "c9500").commands(),
        ["interface TwentyFiveGigE1/1/1", " speed 10000"]
    );
    // Autonegotiation back on: only `no speed nonegotiate`.
    let w = want.interfaces.get_mut("TwentyFiveGigE1/1/1").unwrap();
    w.port.speed = Some(Speed::Mbps(25000));
    w.port.speed_nonegotiate = Some(false);
    assert_eq!(
        m.diff(&want, Dialect::Ios, "c9500").commands(),
        ["interface TwentyFiveGigE1/1/1", " no speed nonegotiate"]
    );
}

#[test]
fn ios_speeds_and_duplex_are_validated() {
    // batfish ios-interface-speed: `speed 1000`, `speed 100`.
    let rel = "batfish/ios-interface-speed";
    let m = cisco_model(rel, Dialect::Ios);
    assert_eq!(
        m.interfaces["GigabitEthernet0/1"].port.speed,
        Some(Speed::Mbps(1000))
    );
    assert_eq!(
        m.interfaces["GigabitEthernet0/2"].port.speed,
        Some(Speed::Mbps(100))
    );
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    let mut bad = m.clone();
    bad.interfaces
        .get_mut("GigabitEthernet0/1")
        .unwrap()
        .port
        .duplex = Some(Duplex::Half);
    bad.interfaces
        .get_mut("GigabitEthernet0/2")
        .unwrap()
        .port
        .speed = Some(Speed::Mbps(1001));
    let err = bad.validate("r1").unwrap_err().to_string();
    assert!(
        err.contains("GigabitEthernet0/1: half duplex at speed 1000"),
        "{err}"
    );
    assert!(
        err.contains("GigabitEthernet0/2 speed 1001 is not an Ethernet speed"),
        "{err}"
    );
    // `speed auto` on a port that shows no speed is already so: no change. On a port with a
    // speed, one command.
    let mut want = CiscoConfig::default();
    for n in ["GigabitEthernet0/0", "GigabitEthernet0/2"] {
        let mut i = hermes_netdev::cisco::Interface::default();
        i.port.speed = Some(Speed::Auto);
        want.interfaces.insert(n.into(), i);
    }
    assert_eq!(
        m.diff(&want, Dialect::Ios, "r1").commands(),
        ["interface GigabitEthernet0/2", " speed auto"]
    );
}

#[test]
fn bare_switchport_and_trunk_encapsulations() {
    // batfish ios_switchport_mode: `switchport` alone, with a mode, and before an encapsulation.
    let rel = "batfish/ios_switchport_mode";
    let m = cisco_model(rel, Dialect::Ios);
    let e = |n: &str| &m.interfaces[n];
    assert!(!e("Ethernet0/0").port.layer2);
    assert!(e("Ethernet0/1").port.layer2);
    assert_eq!(e("Ethernet0/1").switchport, None);
    assert!(
        e("Ethernet0/1").other.is_empty(),
        "{:?}",
        e("Ethernet0/1").other
    );
    assert!(e("Ethernet0/2").port.layer2);
    assert_eq!(
        e("Ethernet0/2").switchport,
        Some(Switchport::Access { vlan: None })
    );
    assert_eq!(
        e("Ethernet0/3").switchport,
        Some(Switchport::Trunk {
            native: None,
            allowed: None
        })
    );
    for (n, enc) in [
        ("Ethernet0/4", TrunkEncapsulation::Dot1q),
        ("Ethernet0/5", TrunkEncapsulation::Isl),
        ("Ethernet0/6", TrunkEncapsulation::Negotiate),
    ] {
        assert_eq!(e(n).port.trunk_encapsulation, Some(enc), "{n}");
        // `allowed vlan 1, 2` (a blank after the comma) is not a list IOS writes: kept as written,
        // and with it the bare `switchport` it goes with.
        assert!(
            e(n).other
                .iter()
                .any(|l| l.starts_with("switchport trunk allowed vlan")),
            "{n}: {:?}",
            e(n).other
        );
    }
    let out = m.render(Dialect::Ios);
    // The encapsulation before `switchport mode trunk`, the bare `switchport` before the mode.
    assert!(
        out.contains("interface Ethernet0/3\n switchport\n switchport mode trunk\n"),
        "{out}"
    );
    // A routed port with layer-2 settings is refused.
    let mut bad = m.clone();
    let p = bad.interfaces.get_mut("Ethernet0/4").unwrap();
    p.switchport = Some(Switchport::Routed);
    let err = bad.validate("sw1").unwrap_err().to_string();
    assert!(
        err.contains("interface Ethernet0/4 is a routed port (no switchport) and states `switchport trunk encapsulation`"),
        "{err}"
    );
}

#[test]
fn nxos_port_types_guards_and_bpdu_settings() {
    // batfish nxos_interface_spanning_tree.
    let rel = "batfish/nxos_interface_spanning_tree";
    let m = cisco_model(rel, Dialect::NxOs);
    let p = |n: &str| &m.interfaces[n].port;
    assert_eq!(p("Ethernet1/1").bpdufilter, Some(StpToggle::Enable));
    assert_eq!(p("Ethernet1/1").bpduguard, Some(StpToggle::Disable));
    assert_eq!(p("Ethernet1/1").guard, Some(StpGuard::Loop));
    assert_eq!(p("Ethernet1/1").portfast, Some(PortFast::Edge));
    assert_eq!(
        m.interfaces["Ethernet1/1"].other,
        ["spanning-tree port-priority 224"]
    );
    assert_eq!(p("Ethernet1/2").portfast, Some(PortFast::EdgeTrunk));
    assert_eq!(p("Ethernet1/2").bpduguard, Some(StpToggle::Enable));
    assert_eq!(p("Ethernet1/2").guard, Some(StpGuard::Root));
    assert_eq!(p("Ethernet1/3").portfast, Some(PortFast::Network));
    assert_eq!(p("Ethernet1/4").portfast, Some(PortFast::Disable));
    // Written in the NX-OS form; a changed value is one command.
    let mut want = CiscoConfig::default();
    let mut e13 = m.interfaces["Ethernet1/3"].clone();
    e13.port.portfast = Some(PortFast::Edge);
    e13.port.guard = Some(StpGuard::Loop);
    want.interfaces.insert("Ethernet1/3".into(), e13);
    let mut e12 = hermes_netdev::cisco::Interface::default();
    e12.port.guard = Some(StpGuard::Loop);
    e12.port.link_type = Some(LinkType::PointToPoint);
    want.interfaces.insert("Ethernet1/2".into(), e12);
    assert_eq!(
        m.diff(&want, Dialect::NxOs, "n9k").commands(),
        [
            "interface Ethernet1/2",
            " spanning-tree guard loop",
            " spanning-tree link-type point-to-point",
            "interface Ethernet1/3",
            " spanning-tree port type edge",
            " spanning-tree guard loop"
        ]
    );
}

#[test]
fn nxos_speed_and_duplex() {
    // batfish nxos_interface_speed.
    let rel = "batfish/nxos_interface_speed";
    let m = cisco_model(rel, Dialect::NxOs);
    let e1 = &m.interfaces["Ethernet1/1"];
    assert_eq!(e1.port.speed, Some(Speed::Mbps(100000)));
    assert_eq!(e1.port.duplex, Some(Duplex::Full));
    // NX-OS `no negotiate auto` (not the IOS-XE `negotiation` keyword) is kept as written.
    assert!(
        e1.other.iter().any(|l| l == "no negotiate auto"),
        "{:?}",
        e1.other
    );
    assert_eq!(m.interfaces["Ethernet1/2"].port.speed, Some(Speed::Auto));
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
}

#[test]
fn ios_lines_are_typed_and_their_passwords_never_print() {
    // batfish ios-line: console, aux, vty ranges and async line ranges.
    let rel = "batfish/ios-line";
    let m = cisco_model(rel, Dialect::Ios);
    let con = &m.lines["con 0"];
    assert_eq!(
        con.exec_timeout.map(|t| (t.minutes, t.seconds)),
        Some((9, 0))
    );
    let pw = con.password.as_ref().unwrap();
    assert_eq!(pw.encryption, Some(7));
    assert_eq!(pw.value.expose(), "0123456789ABCDEF0123456789ABCDEF01");
    assert_eq!(con.transport_output.as_deref(), Some("telnet ssh"));
    assert!(m.lines["aux 0"] == Default::default());
    let vty = &m.lines["vty 0 4"];
    assert_eq!(vty.access_class_in.as_deref(), Some("foo_acl"));
    assert_eq!(vty.transport_input.as_deref(), Some("ssh"));
    assert_eq!(m.lines["vty 15"].other, ["rotary 23"]);
    let async13 = &m.lines["0/0/13"];
    assert_eq!(
        async13.other,
        [
            "buffer-length 1",
            "logging synchronous level all limit 0",
            "no exec",
            "hold-character 47",
            "stop-character 47"
        ]
    );
    assert_eq!(async13.stopbits, Some(hermes_netdev::cisco::Stopbits::One));
    assert!(!m.other.iter().any(|o| o.starts_with("line ")));
    // The password is in the configuration sent to the device and nowhere else.
    let secret = "0123456789ABCDEF0123456789ABCDEF01";
    assert!(m
        .render(Dialect::Ios)
        .contains(" password 7 0123456789ABCDEF0123456789ABCDEF01\n"));
    assert!(!format!("{m:?}").contains(secret));
    assert!(!serde_json::to_string(&m).unwrap().contains(secret));
    // foo_acl is not in the configuration: IOS would let every address in.
    let err = m.validate("r1").unwrap_err().to_string();
    assert!(
        err.contains("line vty 0 4 uses access class foo_acl, which is not defined"),
        "{err}"
    );
    assert!(!err.contains(secret), "{err}");
    // A new vty password and login method: the values replace the old ones, and the plan shows
    // no password, old or new.
    let mut want = CiscoConfig::default();
    let mut vty = hermes_netdev::cisco::Line {
        password: Some(hermes_netdev::cisco::LinePassword {
            encryption: Some(7),
            value: hermes_core::Secret::new("104D000A0618"),
        }),
        login: Some(Login::Local),
        ..Default::default()
    };
    vty.exec_timeout = con.exec_timeout;
    want.lines.insert("vty 0 4".into(), vty);
    let plan = m.diff(&want, Dialect::Ios, "r1");
    assert_eq!(
        plan.commands(),
        ["line vty 0 4", " password 7 104D000A0618", " login local"]
    );
    let shown = format!("{plan} {plan:?} {}", serde_json::to_string(&plan).unwrap());
    assert!(
        !shown.contains("104D000A0618") && !shown.contains(secret),
        "{shown}"
    );
}

#[test]
fn nxos_lines_entered_twice_are_one_line() {
    // batfish nxos_line: `line console` and `line vty` each appear twice.
    let rel = "batfish/nxos_line";
    let m = cisco_model(rel, Dialect::NxOs);
    assert_eq!(m.lines.len(), 2);
    assert_eq!(m.lines["console"].exec_timeout.map(|t| t.minutes), Some(15));
    let vty = &m.lines["vty"];
    assert_eq!(vty.access_class_in.as_deref(), Some("VTY_ACL"));
    assert_eq!(vty.access_class_out.as_deref(), Some("VTY_ACL"));
    assert!(vty.other.iter().any(|l| l == "session-limit 10"));
    assert!(vty
        .other
        .iter()
        .any(|l| l == "ipv6 access-class VTY_ACL6 in"));
    // VTY_ACL is defined: valid.
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // NX-OS states the timeout in minutes.
    assert!(m
        .render(Dialect::NxOs)
        .contains("line console\n  exec-timeout 15\n"));
}

#[test]
fn ios_service_switches_from_napalm() {
    // napalm test/ios/ios/mock_data/show_running-config.txt (../shared/data/netdev, Apache-2.0):
    // `service timestamps debug|log datetime msec`, `no ip http server`, `no ip http secure-server`.
    let text = std::fs::read_to_string(
        hermes_testkit::shared_data()
            .join("netdev/napalm/ios__ios__mock_data__show_running-config.txt"),
    )
    .expect("napalm IOS running configuration (../shared/data/netdev)");
    let m = CiscoConfig::parse(&text, Dialect::Ios);
    let s = &m.services;
    assert_eq!(s.timestamps_debug.as_deref(), Some("datetime msec"));
    assert_eq!(s.timestamps_log.as_deref(), Some("datetime msec"));
    assert_eq!(
        (s.http_server, s.http_secure_server),
        (Some(false), Some(false))
    );
    assert_eq!(s.domain_lookup, None);
    assert!(!m
        .other
        .iter()
        .any(|o| o.starts_with("service timestamps") || o.contains("ip http")));
    assert_eq!(CiscoConfig::parse(&m.render(Dialect::Ios), Dialect::Ios), m);
    // Turning the HTTPS server on and the log stamps to local time: one line each, in place.
    let mut want = CiscoConfig::default();
    want.services.http_secure_server = Some(true);
    want.services.timestamps_log = Some("datetime msec localtime show-timezone".into());
    assert_eq!(
        m.diff(&want, Dialect::Ios, "csr1").commands(),
        [
            "service timestamps log datetime msec localtime show-timezone",
            "ip http secure-server"
        ]
    );
}

/// Under `service password-encryption` a Catalyst shows line and BGP passwords only in their type-7
/// form. A password the desired model states in clear is compared with that form read back: the same
/// password plans nothing (so a converged device stays converged and the read-back after a change
/// verifies), another one is sent in clear, and neither value ever prints.
#[test]
fn a_clear_password_is_compared_with_the_device_type_seven_form() {
    let live = CiscoConfig::parse(
        "service password-encryption\n\
         line vty 0 4\n password 7 0822455D0A16\n login\n\
         router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n neighbor 10.0.0.1 password 7 094F471A1A0A\n",
        Dialect::Ios,
    );
    let want_with = |line_pw: &str, bgp_pw: &str| {
        CiscoConfig::parse(
            &format!(
                "line vty 0 4\n password {line_pw}\n login\n\
                 router bgp 65000\n neighbor 10.0.0.1 remote-as 65001\n neighbor 10.0.0.1 password {bgp_pw}\n"
            ),
            Dialect::Ios,
        )
    };
    // `cisco` both times: nothing to do.
    let same = want_with("cisco", "0 cisco");
    assert!(live.diff(&same, Dialect::Ios, "sw1").is_empty());
    // Other passwords: sent in clear, for the device to encrypt.
    let other = want_with("s3cret-line", "s3cret-bgp");
    let plan = live.diff(&other, Dialect::Ios, "sw1");
    let commands = plan.commands().join("\n");
    assert!(commands.contains(" password s3cret-line"), "{commands}");
    assert!(commands.contains("password s3cret-bgp"), "{commands}");
    let shown = format!("{plan} {plan:?} {}", serde_json::to_string(&plan).unwrap());
    assert!(!shown.contains("s3cret"), "{shown}");
    // Letter case counts: `Cisco` is another password.
    assert!(!live
        .diff(&want_with("Cisco", "0 cisco"), Dialect::Ios, "sw1")
        .is_empty());
}
