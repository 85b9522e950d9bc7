//! Apply → read back → no diff, over real SSH against FakeNOS with Hermes's stateful plugins
//! (`scripts/peers.sh up fakenos`). One test per device; each runs its steps in order.

mod common;

use common::target;

use std::net::Ipv4Addr;

use hermes_core::{Configurable, ErrorKind, Mode};
use hermes_netdev::baseline;
use hermes_netdev::cisco::{CiscoConfig, Dialect, Interface, Ipv4Net, StaticRoute, Vlan};
use hermes_netdev::cli::{CliSession, Platform};
use hermes_netdev::device::{CiscoDevice, FortiDevice};
use hermes_netdev::fortios::FortiConfig;

#[tokio::test]
async fn n3k_baseline_converges_and_rolls_back_on_error() {
    let dev = CiscoDevice::new(target("n3k", Platform::NxOs));
    let want = baseline::switch(
        Dialect::NxOs,
        "n3k",
        ["Ethernet1/1", "Ethernet1/2"],
        Ipv4Addr::new(10, 0, 10, 2),
        110,
    );
    let first = dev
        .converge(&want, Mode::Apply)
        .await
        .expect("converge n3k");
    assert!(first.verified);
    let again = dev
        .converge(&want, Mode::Apply)
        .await
        .expect("second converge");
    assert!(
        again.plan.is_empty(),
        "second run must apply nothing:\n{}",
        again.plan
    );

    // Drift made by hand is found and fixed.
    dev.send_config(&["vlan 30", "name drifted"]).await.unwrap();
    let plan = dev.plan(&want).await.unwrap();
    assert_eq!(plan.commands(), ["vlan 30", " name web"]);
    assert!(dev.converge(&want, Mode::Apply).await.unwrap().verified);

    // A line the device rejects stops the apply, names the line and device, and the checkpoint
    // rollback removes what was applied before it (VLAN 40).
    let mut bad = want.clone();
    bad.vlans.insert(
        40,
        Vlan {
            name: Some("new".into()),
            shutdown: false,
            other: vec![],
        },
    );
    bad.interfaces.insert(
        "Ethernet1/1/1/1".into(),
        Interface {
            description: Some("no such port".into()),
            ..Interface::default()
        },
    );
    let err = dev.converge(&bad, Mode::Apply).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("n3k")
            && msg.contains("interface Ethernet1/1/1/1")
            && msg.contains("rolled back to checkpoint"),
        "{msg}"
    );
    let live = dev.read().await.unwrap();
    assert!(
        !live.vlans.contains_key(&40),
        "rollback must remove VLAN 40"
    );
    assert!(dev.plan(&want).await.unwrap().is_empty());

    // A default route in the management VRF goes under `vrf context management`; the global
    // routes the baseline states are left as they are, and a model that states no route in that
    // VRF leaves it alone.
    vrf_route_converges(&dev, &want, "10.20.248.1").await;
}

/// Adds a default route in VRF `management` to `want`, converges, and checks it reads back in that
/// VRF only, a second run is empty, and `want` itself (no route in the VRF) still plans nothing.
async fn vrf_route_converges(dev: &CiscoDevice, want: &CiscoConfig, next_hop: &str) {
    let mut with_vrf = want.clone();
    with_vrf.static_routes.push(StaticRoute {
        vrf: Some("management".into()),
        prefix: Ipv4Net::new(Ipv4Addr::UNSPECIFIED, 0),
        next_hop: next_hop.into(),
        distance: None,
        name: None,
        tag: None,
        track: None,
    });
    let done = dev
        .converge(&with_vrf, Mode::Apply)
        .await
        .expect("converge a VRF route");
    assert!(done.verified);
    let live = dev.read().await.unwrap();
    let in_vrf: Vec<_> = live
        .static_routes
        .iter()
        .filter(|r| r.vrf.as_deref() == Some("management"))
        .collect();
    assert_eq!(in_vrf.len(), 1, "{:?}", live.static_routes);
    assert_eq!(in_vrf[0].next_hop, next_hop);
    let global = |c: &CiscoConfig| {
        c.static_routes
            .iter()
            .filter(|r| r.vrf.is_none())
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(global(&live), global(want));
    assert!(dev.plan(&with_vrf).await.unwrap().is_empty());
    assert!(dev.plan(want).await.unwrap().is_empty());
}

#[tokio::test]
async fn c3750_baseline_with_hsrp_and_reverse_rollback() {
    let dev = CiscoDevice::new(target("c3750", Platform::Ios));
    let want = baseline::switch(
        Dialect::Ios,
        "c3750",
        ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2"],
        Ipv4Addr::new(10, 0, 10, 3),
        100,
    );
    assert!(
        dev.converge(&want, Mode::Apply)
            .await
            .expect("converge c3750")
            .verified
    );
    let live = dev.read().await.unwrap();
    assert_eq!(
        live.interfaces["Vlan10"].hsrp[&10].ip,
        Some(Ipv4Addr::new(10, 0, 10, 1))
    );
    assert!(dev
        .converge(&want, Mode::Apply)
        .await
        .unwrap()
        .plan
        .is_empty());

    let mut bad = want.clone();
    bad.vlans.insert(
        41,
        Vlan {
            name: Some("new".into()),
            shutdown: false,
            other: vec![],
        },
    );
    bad.interfaces.insert(
        "GigabitEthernet9".into(),
        Interface {
            description: Some("no such port".into()),
            ..Interface::default()
        },
    );
    let err = dev.converge(&bad, Mode::Apply).await.unwrap_err();
    assert!(err.to_string().contains("reverse change set"), "{err}");
    assert!(!dev.read().await.unwrap().vlans.contains_key(&41));

    ios_vrfs_converge(&dev).await;
}

/// IOS VRFs on c3750 (after the baseline steps: one test per device): the `ip vrf` block of
/// genieparser's ShowRunningConfigVrf and a `vrf definition` with families, ports joining each;
/// an rd change (the device refuses `rd` over another one until `no rd`), a port moved to the
/// other VRF (joining a VRF removes its address on the device: it must be typed again), and a
/// port in an undefined VRF refused before anything is sent.
async fn ios_vrfs_converge(dev: &CiscoDevice) {
    let text = "ip vrf CUST_A\n rd 100:1\n route-target export 100:1\n route-target import 100:1\n!\nvrf definition CUST_V6\n rd 100:6\n !\n address-family ipv4\n  route-target export 100:6\n  route-target import 100:6\n exit-address-family\n !\n address-family ipv6\n exit-address-family\n!\ninterface GigabitEthernet1/0/7\n ip vrf forwarding CUST_A\n ip address 15.0.0.1 255.255.255.0\n!\ninterface GigabitEthernet1/0/8\n vrf forwarding CUST_V6\n ip address 80.0.0.1 255.255.255.0\n";
    let want = CiscoConfig::parse(text, Dialect::Ios);
    assert!(
        dev.converge(&want, Mode::Apply)
            .await
            .expect("converge VRFs")
            .verified
    );
    let live = dev.read().await.unwrap();
    assert_eq!(live.ios_vrfs["CUST_A"], want.ios_vrfs["CUST_A"]);
    assert_eq!(live.ios_vrfs["CUST_V6"], want.ios_vrfs["CUST_V6"]);
    assert_eq!(
        live.interfaces["GigabitEthernet1/0/8"].vrf.as_deref(),
        Some("CUST_V6")
    );
    assert!(dev.plan(&want).await.unwrap().is_empty());

    let mut changed = want.clone();
    let a = changed.ios_vrfs.get_mut("CUST_A").unwrap();
    a.rd = Some("100:2".into());
    a.route_targets.export = vec!["100:2".into()];
    changed
        .interfaces
        .get_mut("GigabitEthernet1/0/7")
        .unwrap()
        .vrf = Some("CUST_V6".into());
    let plan = dev.plan(&changed).await.unwrap();
    let cmds = plan.commands();
    let at = |c: &str| cmds.iter().position(|x| *x == c);
    assert!(
        at(" no rd 100:1") < at(" rd 100:2") && at(" no rd 100:1").is_some(),
        "{plan}"
    );
    assert!(
        at(" vrf forwarding CUST_V6") < at(" ip address 15.0.0.1 255.255.255.0"),
        "{plan}"
    );
    assert!(
        dev.converge(&changed, Mode::Apply)
            .await
            .expect("converge the changed VRFs")
            .verified
    );
    let live = dev.read().await.unwrap();
    assert_eq!(live.ios_vrfs["CUST_A"].rd.as_deref(), Some("100:2"));
    let gi7 = &live.interfaces["GigabitEthernet1/0/7"];
    assert_eq!(gi7.vrf.as_deref(), Some("CUST_V6"));
    assert_eq!(gi7.ipv4, Some(Ipv4Net::new(Ipv4Addr::new(15, 0, 0, 1), 24)));
    assert!(dev.plan(&changed).await.unwrap().is_empty());

    let mut bad = changed.clone();
    bad.interfaces.get_mut("GigabitEthernet1/0/8").unwrap().vrf = Some("CUST_Z".into());
    let err = dev.converge(&bad, Mode::Apply).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("VRF CUST_Z"), "{err}");
}

#[tokio::test]
async fn fgt_policy_set_and_ipsec_converge_with_moves() {
    let dev = FortiDevice::new(target("fgt", Platform::FortiOs));
    let want = baseline::firewall();
    assert!(
        dev.converge(&want, Mode::Apply)
            .await
            .expect("converge fgt")
            .verified
    );
    assert!(dev
        .converge(&want, Mode::Apply)
        .await
        .unwrap()
        .plan
        .is_empty());

    // Reordering the policies is a `move`, not a rewrite.
    let mut reordered = want.clone();
    let last = reordered.policies.remove(2);
    reordered.policies.insert(0, last);
    let plan = dev.plan(&reordered).await.unwrap();
    assert_eq!(
        plan.commands(),
        ["config firewall policy", "    move 20 before 10", "end"]
    );
    assert!(
        dev.converge(&reordered, Mode::Apply)
            .await
            .unwrap()
            .verified
    );
    assert!(dev.converge(&want, Mode::Apply).await.unwrap().verified);

    // The settings an operator hardens first: system global, DNS, NTP with its servers, syslog,
    // SNMP. Converged, read back from `show full-configuration`, then nothing left to do.
    let settings = FortiConfig::parse(
        "config system global\n    set hostname \"fgt\"\n    set admintimeout 15\n    set admin-ssh-port 2222\nend\nconfig system dns\n    set primary 192.0.2.53\n    set secondary 192.0.2.54\nend\nconfig system ntp\n    set ntpsync enable\n    set type custom\n    config ntpserver\n        edit 1\n            set server \"192.0.2.123\"\n        next\n        edit 2\n            set server \"192.0.2.124\"\n        next\n    end\nend\nconfig log syslogd setting\n    set status enable\n    set server \"192.0.2.51\"\n    set facility local6\nend\nconfig system snmp sysinfo\n    set status enable\n    set location \"lab rack 4\"\nend\nconfig system snmp community\n    edit 1\n        set name \"fakenos-c0mm\"\n    next\nend\n",
    );
    let mut hardened = want.clone();
    hardened.global = settings.global.clone();
    hardened.dns = settings.dns.clone();
    hardened.ntp = settings.ntp.clone();
    hardened.ntp_servers = settings.ntp_servers.clone();
    hardened.syslog = settings.syslog.clone();
    hardened.snmp_sysinfo = settings.snmp_sysinfo.clone();
    hardened.snmp_communities = settings.snmp_communities.clone();
    assert!(
        dev.converge(&hardened, Mode::Apply)
            .await
            .expect("converge fgt settings")
            .verified
    );
    let live = FortiConfig::parse(&dev.running_config().await.unwrap());
    assert_eq!(live.dns, hardened.dns);
    assert_eq!(live.ntp_servers, hardened.ntp_servers);
    assert_eq!(
        live.global.as_ref().unwrap().admintimeout.as_deref(),
        Some("15")
    );
    assert_eq!(
        live.snmp_communities[&1].name.as_ref().unwrap().expose(),
        "fakenos-c0mm"
    );
    assert!(dev.plan(&hardened).await.unwrap().is_empty());
    // One NTP server fewer: a `delete` in the sub-table, then nothing left to do.
    let mut fewer = hardened.clone();
    fewer.ntp_servers.remove(&2);
    let plan = dev.plan(&fewer).await.unwrap();
    assert!(
        plan.commands().contains(&"        delete 2"),
        "{:?}",
        plan.commands()
    );
    assert!(dev.converge(&fewer, Mode::Apply).await.unwrap().verified);
    assert!(dev.plan(&fewer).await.unwrap().is_empty());
}

#[tokio::test]
async fn invalid_models_are_refused_before_anything_is_sent() {
    let dev = CiscoDevice::new(target("n3k", Platform::NxOs));
    let mut bad = CiscoConfig::parse(
        "interface Ethernet1/3\n  switchport mode trunk\n  switchport trunk allowed vlan 10,77\n",
        Dialect::NxOs,
    );
    bad.vlans.insert(10, Vlan::default());
    let err = dev.converge(&bad, Mode::Apply).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("VLAN 77"), "{err}");
}

#[tokio::test]
async fn wrong_host_key_and_password_are_refused() {
    let t = target("n3k", Platform::NxOs)
        .host_key_fingerprint("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let err = CliSession::open(&t).await.unwrap_err();
    assert!(err.to_string().contains("n3k"), "{err}");
    let t = target("n3k", Platform::NxOs).credentials("hermes", "wrong");
    let err = CliSession::open(&t).await.unwrap_err();
    assert!(matches!(err, hermes_netdev::NetError::Auth { .. }), "{err}");
    assert!(!format!("{t:?}").contains("hermes-fakenos"));
}
