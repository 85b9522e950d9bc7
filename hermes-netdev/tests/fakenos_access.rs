//! Catalyst access-port settings and terminal lines over real SSH against the FakeNOS c3750
//! (`scripts/peers.sh up fakenos`): apply → read back → no diff; a changed value is one command;
//! the line password never shows in the plan; a line the switch refuses (`switchport nonegotiate`
//! on a port still in the default dynamic mode) stops the apply and is rolled back. Uses ports
//! GigabitEthernet1/0/3-5 and the console / vty lines, which the other c3750 tests leave alone.

mod common;

use common::target;

use hermes_core::{Configurable, Mode, Secret};
use hermes_netdev::cisco::{
    CiscoConfig, Duplex, ExecTimeout, Interface, Line, LinePassword, Login, PortFast, PortSettings,
    Speed, StpGuard, StpToggle, Switchport, TrunkEncapsulation,
};
use hermes_netdev::cli::Platform;
use hermes_netdev::device::CiscoDevice;

#[tokio::test]
async fn c3750_access_ports_and_lines_converge() {
    let dev = CiscoDevice::new(target("c3750", Platform::Ios));
    let live = dev.read().await.expect("read c3750");
    // The VLANs stay as the device has them (another test manages them).
    let mut want = CiscoConfig {
        vlans: live.vlans.clone(),
        ..CiscoConfig::default()
    };
    want.interfaces.insert(
        "GigabitEthernet1/0/3".into(),
        Interface {
            description: Some("desk 3".into()),
            switchport: Some(Switchport::Access { vlan: Some(1) }),
            port: PortSettings {
                nonegotiate: Some(true),
                portfast: Some(PortFast::Enable),
                bpduguard: Some(StpToggle::Enable),
                // No guard (a second run of the test removes the one the first run set).
                guard: Some(StpGuard::Default),
                speed: Some(Speed::Mbps(100)),
                duplex: Some(Duplex::Full),
                ..PortSettings::default()
            },
            ..Interface::default()
        },
    );
    want.interfaces.insert(
        "GigabitEthernet1/0/4".into(),
        Interface {
            description: Some("uplink idf-2".into()),
            switchport: Some(Switchport::Trunk {
                native: None,
                allowed: None,
            }),
            port: PortSettings {
                trunk_encapsulation: Some(TrunkEncapsulation::Dot1q),
                nonegotiate: Some(true),
                guard: Some(StpGuard::Root),
                portfast: Some(PortFast::Trunk),
                ..PortSettings::default()
            },
            ..Interface::default()
        },
    );
    want.lines.insert(
        "con 0".into(),
        Line {
            exec_timeout: Some(ExecTimeout {
                minutes: 5,
                seconds: 0,
            }),
            logging_synchronous: Some(true),
            ..Line::default()
        },
    );
    want.lines.insert(
        "vty 0 4".into(),
        Line {
            exec_timeout: Some(ExecTimeout {
                minutes: 10,
                seconds: 0,
            }),
            password: Some(LinePassword {
                encryption: Some(7),
                value: Secret::new("0822455D0A16"),
            }),
            login: Some(Login::Local),
            transport_input: Some("ssh".into()),
            ..Line::default()
        },
    );
    let first = dev
        .converge(&want, Mode::Apply)
        .await
        .expect("converge access ports and lines");
    assert!(first.verified);
    assert!(!first.plan.to_string().contains("0822455D0A16"));
    let live = dev.read().await.unwrap();
    for n in ["GigabitEthernet1/0/3", "GigabitEthernet1/0/4"] {
        let mut read_back = want.interfaces[n].port.clone();
        if read_back.guard == Some(StpGuard::Default) {
            read_back.guard = None; // renders nothing: read back as not stated
        }
        assert_eq!(live.interfaces[n].port, read_back, "{n}");
        assert_eq!(live.interfaces[n].switchport, want.interfaces[n].switchport);
    }
    assert_eq!(live.lines["vty 0 4"], want.lines["vty 0 4"]);
    assert_eq!(live.lines["con 0"], want.lines["con 0"]);
    assert!(dev.plan(&want).await.unwrap().is_empty());

    // Changes: one command per changed value, nothing else; the new password is sent, never shown.
    let mut changed = want.clone();
    let gi3 = &mut changed
        .interfaces
        .get_mut("GigabitEthernet1/0/3")
        .unwrap()
        .port;
    gi3.portfast = Some(PortFast::Default);
    gi3.guard = Some(StpGuard::Loop);
    gi3.speed = Some(Speed::Auto);
    changed
        .interfaces
        .get_mut("GigabitEthernet1/0/4")
        .unwrap()
        .port
        .guard = Some(StpGuard::Loop);
    let vty = changed.lines.get_mut("vty 0 4").unwrap();
    vty.exec_timeout = Some(ExecTimeout {
        minutes: 15,
        seconds: 0,
    });
    vty.password = Some(LinePassword {
        encryption: Some(7),
        value: Secret::new("104D000A0618"),
    });
    let plan = dev.plan(&changed).await.unwrap();
    assert_eq!(
        plan.commands(),
        [
            "interface GigabitEthernet1/0/3",
            " no spanning-tree portfast",
            " speed auto",
            " spanning-tree guard loop",
            "interface GigabitEthernet1/0/4",
            " spanning-tree guard loop",
            "line vty 0 4",
            " exec-timeout 15 0",
            " password 7 104D000A0618"
        ]
    );
    let shown = format!("{plan}");
    assert!(!shown.contains("104D000A0618"), "{shown}");
    assert!(
        dev.converge(&changed, Mode::Apply)
            .await
            .expect("converge the changes")
            .verified
    );
    assert!(dev.plan(&changed).await.unwrap().is_empty());

    // The switch refuses `switchport nonegotiate` on a port left in its default dynamic mode:
    // the apply stops at that line, names it, and what was applied before it is rolled back.
    let before = dev.read().await.unwrap().interfaces["GigabitEthernet1/0/5"].clone();
    let mut bad = changed.clone();
    bad.interfaces.insert(
        "GigabitEthernet1/0/5".into(),
        Interface {
            description: Some(format!("desk 5 {}", std::process::id())),
            port: PortSettings {
                nonegotiate: Some(true),
                ..PortSettings::default()
            },
            ..Interface::default()
        },
    );
    let err = dev.converge(&bad, Mode::Apply).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("switchport nonegotiate") && msg.contains("c3750"),
        "{msg}"
    );
    let live = dev.read().await.unwrap();
    assert_eq!(
        live.interfaces["GigabitEthernet1/0/5"], before,
        "rolled back: {msg}"
    );
    assert!(dev.plan(&changed).await.unwrap().is_empty());
}
