//! IOS VRF definitions (`ip vrf X`, `vrf definition X`): the change sets the differ writes and
//! the validation, on layouts cut from the real configurations in `tests/data/configs` (the file
//! is named in each test; names and numbers as there).

use hermes_netdev::cisco::{CiscoConfig, Dialect, IosVrf, RouteTargets};
use hermes_netdev::remediate::diff_trees;
use hermes_netdev::tree::{ConfigTree, Syntax};

fn ios(text: &str) -> CiscoConfig {
    CiscoConfig::parse(text, Dialect::Ios)
}

fn plan(live: &CiscoConfig, want: &CiscoConfig) -> Vec<String> {
    live.diff(want, Dialect::Ios, "r1")
        .commands()
        .into_iter()
        .map(String::from)
        .collect()
}

/// The `ip vrf` blocks of genieparser's ShowRunningConfigVrf.
const CUST: &str = "ip vrf CUST_A\n rd 100:1\n route-target export 100:1\n route-target import 100:1\n!\nip vrf CUST_B\n rd 101:1\n route-target export 101:1\n route-target import 101:1\n!\n";

#[test]
fn a_new_vrf_is_created_whole_before_the_ports_that_join_it() {
    let live = ios("interface TenGigabitEthernet0/0/8\n ip address 15.0.0.1 255.255.255.0\n!\n");
    let want = ios(&format!(
        "{CUST}interface TenGigabitEthernet0/0/8\n ip vrf forwarding CUST_A\n ip address 15.0.0.1 255.255.255.0\n"
    ));
    assert_eq!(
        plan(&live, &want),
        [
            "ip vrf CUST_A",
            " rd 100:1",
            " route-target export 100:1",
            " route-target import 100:1",
            "ip vrf CUST_B",
            " rd 101:1",
            " route-target export 101:1",
            " route-target import 101:1",
            "interface TenGigabitEthernet0/0/8",
            // Joining the VRF removes the address on the device: it is typed again after.
            " ip vrf forwarding CUST_A",
            " ip address 15.0.0.1 255.255.255.0",
        ]
    );
}

#[test]
fn a_changed_rd_is_removed_first_and_targets_are_added_and_removed() {
    let live = ios(CUST);
    let mut want = CiscoConfig::default();
    want.ios_vrfs.insert(
        "CUST_A".into(),
        IosVrf {
            description: Some("customer A".into()),
            rd: Some("100:2".into()),
            route_targets: RouteTargets {
                export: vec!["100:1".into(), "100:2".into()],
                import: vec!["100:2".into()],
            },
            ..IosVrf::default()
        },
    );
    // CUST_B is not named: left alone, never removed.
    assert_eq!(
        plan(&live, &want),
        [
            "ip vrf CUST_A",
            " no rd 100:1",
            " no route-target import 100:1",
            " description customer A",
            " rd 100:2",
            " route-target export 100:2",
            " route-target import 100:2",
        ]
    );
    // What the model leaves unset (no rd, no targets) is not managed.
    let mut only_desc = CiscoConfig::default();
    only_desc.ios_vrfs.insert(
        "CUST_B".into(),
        IosVrf {
            description: Some("customer B".into()),
            ..IosVrf::default()
        },
    );
    assert_eq!(
        plan(&live, &only_desc),
        ["ip vrf CUST_B", " description customer B"]
    );
}

#[test]
fn address_families_are_entered_and_left_without_exit_address_family_lines() {
    // genieparser ShowRunSectionVrfDefinition.
    let live = ios("vrf definition ce1\n rd 2:2\n !\n address-family ipv4\n  route-target export 1:1\n  route-target import 1:1\n exit-address-family\n !\n address-family ipv6\n  route-target export 1:1\n  route-target import 1:1\n exit-address-family\n");
    // ipv6 dropped, an ipv4 import target changed.
    let want = ios("vrf definition ce1\n rd 2:2\n address-family ipv4\n  route-target export 1:1\n  route-target import 1:2\n exit-address-family\n");
    assert_eq!(
        plan(&live, &want),
        [
            "vrf definition ce1",
            " no address-family ipv6",
            " address-family ipv4",
            "  no route-target import 1:1",
            "  route-target import 1:2",
            " exit",
        ]
    );
    // A family added, one without lines: entered and left.
    let want = ios("vrf definition ce1\n address-family ipv4\n  route-target export 1:1\n  route-target import 1:1\n exit-address-family\n address-family ipv4 multicast\n exit-address-family\n address-family ipv6\n  route-target export 1:1\n  route-target import 1:1\n exit-address-family\n");
    assert_eq!(
        plan(&live, &want),
        [
            "vrf definition ce1",
            " address-family ipv4 multicast",
            " exit",
        ]
    );
    // A new multiprotocol VRF.
    let want = ios("vrf definition Mgmt-vrf\n !\n address-family ipv4\n exit-address-family\n !\n address-family ipv6\n exit-address-family\n");
    assert_eq!(
        plan(&live, &want),
        [
            "vrf definition Mgmt-vrf",
            " address-family ipv4",
            " exit",
            " address-family ipv6",
            " exit",
        ]
    );
}

#[test]
fn exit_address_family_is_never_negated_nor_typed() {
    // genieparser ShowRunningConfigNve (golden_output_1), its `router bgp` cut to two families.
    // `router bgp` is now typed (see tests/bgp.rs): a family the desired model does not name is
    // left alone, and a family it states and the device has is not typed again.
    let live = ios("router bgp 65001\n !\n address-family l2vpn evpn\n  neighbor 172.16.255.1 activate\n exit-address-family\n !\n address-family ipv4 vrf green\n  advertise l2vpn evpn\n exit-address-family\n");
    let want = ios("router bgp 65001\n !\n address-family l2vpn evpn\n  neighbor 172.16.255.1 activate\n exit-address-family\n");
    assert!(plan(&live, &want).is_empty());
    // A family the device lacks is entered and left with `exit-address-family`, which IOS
    // takes in the family's mode (never after an `exit`, which router mode refuses).
    let want = ios(
        "router bgp 65001\n address-family ipv6\n  redistribute connected\n exit-address-family\n",
    );
    assert_eq!(
        plan(&live, &want),
        [
            "router bgp 65001",
            " address-family ipv6",
            "  redistribute connected",
            " exit-address-family",
        ]
    );
    // Diffed line by line (raw trees), a family removed is `no address-family ...` and the
    // marker line is not negated.
    let run = ConfigTree::parse(
        "router bgp 65001\n address-family ipv4 vrf green\n  advertise l2vpn evpn\n exit-address-family\n",
        Syntax::Cisco,
    );
    let want = ConfigTree::parse(
        "router bgp 65001\n bgp log-neighbor-changes\n",
        Syntax::Cisco,
    );
    assert_eq!(
        diff_trees("r1", &run, &want).commands(),
        [
            "router bgp 65001",
            " no address-family ipv4 vrf green",
            " bgp log-neighbor-changes",
        ]
    );
}

#[test]
fn the_device_form_of_a_vrf_and_of_joining_it_is_kept() {
    // The device defines the VRF with `vrf definition` (IOS-XE `Mgmt-vrf`); the desired model
    // states it as an `ip vrf` with an rd and no family: the change is written in the device's
    // form, and so is the port joining it.
    let live = ios("vrf definition Mgmt-vrf\n !\n address-family ipv4\n exit-address-family\n!\ninterface GigabitEthernet0/0\n vrf forwarding Mgmt-vrf\n ip address 192.0.2.5 255.255.255.0\n");
    let want = ios("ip vrf Mgmt-vrf\n rd 65000:99\n!\ninterface GigabitEthernet0/0\n ip vrf forwarding Mgmt-vrf\n ip address 192.0.2.5 255.255.255.0\n");
    assert_eq!(
        plan(&live, &want),
        ["vrf definition Mgmt-vrf", " rd 65000:99"]
    );
    // A port moved into it from the global table: the address is typed again after the VRF line.
    let live = ios("vrf definition Mgmt-vrf\n !\n address-family ipv4\n exit-address-family\n!\ninterface GigabitEthernet0/1\n ip address 192.0.2.6 255.255.255.0\n");
    let want = ios("interface GigabitEthernet0/1\n ip vrf forwarding Mgmt-vrf\n ip address 192.0.2.6 255.255.255.0\n");
    assert_eq!(
        plan(&live, &want),
        [
            "interface GigabitEthernet0/1",
            " vrf forwarding Mgmt-vrf",
            " ip address 192.0.2.6 255.255.255.0",
        ]
    );
}

#[test]
fn validation_names_the_vrf_and_the_problem() {
    // Two VRFs of genieparser's ShowRunningConfigVrf, given the same rd, a bad target, and a port
    // joining a VRF defined nowhere.
    let bad = ios("ip vrf CUST_A\n rd 100:1\n route-target export 100:1\n!\nip vrf CUST_B\n rd 100:1\n route-target import 100\n!\nip vrf CUST_C\n rd 70000:70000\n!\ninterface TenGigabitEthernet0/0/7\n ip vrf forwarding CUST_Z\n");
    let err = bad.validate("r1").unwrap_err().to_string();
    assert!(err.contains("r1"), "{err}");
    assert!(
        err.contains("VRFs CUST_A and CUST_B have the same route distinguisher 100:1"),
        "{err}"
    );
    assert!(
        err.contains("VRF CUST_B: route target \"100\" is not ASN:nn or IP:nn"),
        "{err}"
    );
    assert!(
        err.contains("VRF CUST_C: route distinguisher \"70000:70000\""),
        "{err}"
    );
    assert!(
        err.contains("interface TenGigabitEthernet0/0/7 joins VRF CUST_Z, which is not defined"),
        "{err}"
    );
    // Without VRFs in the model, a port's VRF is not checked (the model may state ports only).
    let ports_only = ios("interface TenGigabitEthernet0/0/7\n ip vrf forwarding CUST_Z\n");
    assert!(ports_only.validate("r1").is_ok());
    // Families need a `vrf definition`; a family name must be one IOS knows.
    let mut m = CiscoConfig::default();
    let mut v = IosVrf {
        rd: Some("192.0.2.1:7".into()),
        ..IosVrf::default()
    };
    v.address_families.insert("ipv5".into(), Default::default());
    m.ios_vrfs.insert("X".into(), v);
    let err = m.validate("r1").unwrap_err().to_string();
    assert!(
        err.contains("VRF X: address families need a `vrf definition`"),
        "{err}"
    );
    assert!(err.contains("address family \"ipv5\""), "{err}");
    assert!(!err.contains("route distinguisher"), "{err}");
}

#[test]
fn models_saved_before_vrfs_were_modelled_still_load() {
    // A model serialised without the field reads with no VRFs.
    let m = ios("hostname r1\n");
    let mut json: serde_json::Value = serde_json::to_value(&m).unwrap();
    json.as_object_mut().unwrap().remove("ios_vrfs");
    let back: CiscoConfig = serde_json::from_value(json).unwrap();
    assert_eq!(back, m);
    // NX-OS has no such blocks: `vrf context` stays what it was, and a stray `ip vrf` line
    // is kept as written.
    let nx = CiscoConfig::parse("ip vrf X\n  rd 1:1\n", Dialect::NxOs);
    assert!(nx.ios_vrfs.is_empty());
    assert_eq!(nx.other, ["ip vrf X\n rd 1:1"]);
}
