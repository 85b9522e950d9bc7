//! Real configurations vendored in `tests/data/configs` (provenance, licence and sha256 of each
//! file in its SOURCES.md): every file must be listed there with its digest, and every one must
//! parse, keep every command line under the same parents, re-render stably, survive
//! parse(render(model)) == model and diff against itself to nothing. The typed checks below name
//! the file and the lines they were read from.

#[path = "common/paths.rs"]
mod paths;

use std::collections::BTreeSet;
use std::path::PathBuf;

use hermes_core::Sha256Digest;
use hermes_netdev::cisco::{CiscoConfig, Dialect};
use hermes_netdev::fortios::FortiConfig;

fn data_dir() -> PathBuf {
    // At run time first: cargo reuses a build across checkouts (see hermes_testkit::repo_root).
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("tests/data/configs")
}

/// Every data file (`<source>/<name>`, LICENSE files excepted), sorted.
fn data_files() -> Vec<String> {
    let mut out = Vec::new();
    for src in std::fs::read_dir(data_dir()).unwrap() {
        let src = src.unwrap().path();
        if !src.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&src).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name != "LICENSE" {
                let dir = src.file_name().unwrap().to_string_lossy().to_string();
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    out
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(data_dir().join(rel)).unwrap()
}

/// Whether a file is a FortiOS configuration (`fortios_*`).
fn is_fortios(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .unwrap_or_default()
        .starts_with("fortios")
}

/// The dialect a Cisco file is written in: `nxos_*` files are NX-OS, the others IOS / IOS-XE.
fn dialect(rel: &str) -> Dialect {
    if rel
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .starts_with("nxos")
    {
        Dialect::NxOs
    } else {
        Dialect::Ios
    }
}

#[test]
fn every_file_is_listed_in_sources_with_its_digest() {
    let sources = read("SOURCES.md");
    let rows: Vec<Vec<String>> = sources
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect();
    let files = data_files();
    assert!(!files.is_empty());
    for f in &files {
        let row = rows
            .iter()
            .find(|r| r[0] == *f)
            .unwrap_or_else(|| panic!("{f} is not listed in tests/data/configs/SOURCES.md"));
        let digest = Sha256Digest::of(&std::fs::read(data_dir().join(f)).unwrap()).to_string();
        assert_eq!(
            row.last().unwrap(),
            &digest,
            "{f}: sha256 differs from SOURCES.md"
        );
        let dir = f.split('/').next().unwrap();
        assert!(
            data_dir().join(dir).join("LICENSE").is_file(),
            "{dir}/LICENSE is missing"
        );
    }
    for r in &rows {
        assert!(
            files.contains(&r[0]),
            "SOURCES.md lists {} but the file is missing",
            r[0]
        );
    }
}

/// Every command line with the chain of its parents, whitespace-normalised (comments excluded).
/// `route-target both X` stands for the export and the import line IOS shows for it, and an
/// `exit-address-family` only closes its family: it is left out. The lines of a trunk's allowed
/// list (`X`, `add X`, `remove X`, `except X`) make one set, rendered as one list: each stands
/// for the list line (the set itself is checked by `trunk_allowed_lists_in_every_form`); an NX-OS
/// VLAN list line (`vlan 1-5`) stands for one `vlan N` line per VLAN, as the model renders it.
fn cisco_paths(text: &str) -> BTreeSet<String> {
    paths::cisco_paths_with(text, |line| {
        if line == "exit-address-family" {
            return Vec::new();
        }
        if line.starts_with("switchport trunk allowed vlan ") && !line.ends_with(" all") {
            return vec!["switchport trunk allowed vlan".to_string()];
        }
        // NX-OS `vlan 1-5` stands for the VLANs it creates, one `vlan N` each.
        if let Some(set) = line
            .strip_prefix("vlan ")
            .filter(|l| l.contains([',', '-']))
            .and_then(hermes_netdev::cisco::VlanSet::parse)
        {
            return set.0.iter().map(|v| format!("vlan {v}")).collect();
        }
        match line.strip_prefix("route-target both ") {
            Some(rt) => vec![
                format!("route-target export {rt}"),
                format!("route-target import {rt}"),
            ],
            None => vec![line],
        }
    })
}

fn check(rel: &str) -> CiscoConfig {
    let d = dialect(rel);
    let text = read(rel);
    let m = CiscoConfig::parse(&text, d);
    let out = m.render(d);
    let lost: Vec<_> = cisco_paths(&text)
        .difference(&cisco_paths(&out))
        .cloned()
        .collect();
    assert!(lost.is_empty(), "{rel}: lines lost: {lost:#?}\n{out}");
    let again = CiscoConfig::parse(&out, d);
    assert_eq!(again, m, "{rel}: parse(render(m)) != m");
    assert_eq!(again.render(d), out, "{rel}: the rendering is not stable");
    let plan = m.diff(&m, d, rel);
    assert!(plan.is_empty(), "{rel}: self-diff not empty: {plan}");
    m
}

/// A FortiOS file: parse(render(model)) == model, stable rendering, no self-diff.
fn check_forti(rel: &str) -> FortiConfig {
    let m = FortiConfig::parse(&read(rel));
    let out = m.render();
    let again = FortiConfig::parse(&out);
    assert_eq!(again, m, "{rel}: parse(render(m)) != m\n{out}");
    assert_eq!(again.render(), out, "{rel}: the rendering is not stable");
    let plan = m.diff(&m, rel);
    assert!(plan.is_empty(), "{rel}: self-diff not empty: {plan}");
    m
}

#[test]
fn every_file_round_trips() {
    for f in data_files() {
        if is_fortios(&f) {
            check_forti(&f);
        } else {
            check(&f);
        }
    }
}

#[test]
fn fortios_zones_are_typed_with_the_device_edits_applied() {
    // batfish fortios zone: `set interface` twice (the second replaces), `append`, `select`.
    let rel = "batfish/fortios_zone";
    let m = check_forti(rel);
    assert_eq!(m.zones["zone1"].interface, ["port2", "port1"]);
    assert_eq!(m.zones["zone2"].interface, ["port3"]);
    assert_eq!(m.zones["zone2"].intrazone.as_deref(), Some("deny"));
    assert_eq!(
        m.zones["zone2"].description.as_deref(),
        Some("zone2 description")
    );
    assert_eq!(
        m.zones["longest possible valid name for zon"].interface,
        ["port4", "port5"]
    );
    assert!(m.other.iter().all(|o| !o.contains("config system zone")));
    // zone1 holds port2 and port1, zone2 port3: each interface in one zone.
    assert!(m.validate(rel).is_ok(), "{:?}", m.validate(rel));
    // REST: the member list is the `interface` table of `interface-name`s, even for one.
    let bodies = m.rest_bodies();
    let (path, key, body) = bodies
        .iter()
        .find(|(p, k, _)| p.ends_with("/system/zone") && k == "zone2")
        .expect("zone2 body");
    assert_eq!(path, "/api/v2/cmdb/system/zone");
    assert_eq!(key, "zone2");
    assert_eq!(
        body["interface"],
        serde_json::json!([{ "interface-name": "port3" }])
    );
    // A member added is written in the zone.
    let mut want = m.clone();
    want.zones
        .get_mut("zone2")
        .unwrap()
        .interface
        .push("port5".into());
    let plan = m.diff(&want, "fgt");
    assert_eq!(
        plan.commands(),
        [
            "config system zone",
            "    edit \"zone2\"",
            "        set interface \"port3\" \"port5\"",
            "    next",
            "end"
        ]
    );
}

#[test]
fn fortios_zones_the_device_refuses_are_reported() {
    // batfish fortios zone_warn: port1 in zone3 and zone4, a zone named `port3` like an interface.
    let rel = "batfish/fortios_zone_warn";
    let m = check_forti(rel);
    let err = m.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("interface \"port1\" is in zones \"zone3\" and \"zone4\""),
        "{err}"
    );
    assert!(
        err.contains("zone \"port3\" has the name of an interface"),
        "{err}"
    );
    let mut bad = m.clone();
    bad.zones.retain(|n, _| n == "zone3");
    bad.zones.get_mut("zone3").unwrap().interface = vec!["port9".into()];
    let err = bad.validate(rel).unwrap_err().to_string();
    assert!(
        err.contains("zone \"zone3\" member interface \"port9\" is not defined"),
        "{err}"
    );
}

#[test]
fn ios_vrf_with_targets_and_interfaces() {
    // genieparser ShowRunningConfigVrf (an IOS-XE `show run vrf`): two `ip vrf` blocks, each
    // with rd and export / import targets, ports joining them with `ip vrf forwarding`, the same
    // addresses in both VRFs, routes in each.
    let rel = "genieparser/iosxe_show_running-config_vrf.txt";
    let m = check(rel);
    let a = &m.ios_vrfs["CUST_A"];
    assert!(!a.multiprotocol);
    assert_eq!(a.rd.as_deref(), Some("100:1"));
    assert_eq!(a.route_targets.export, ["100:1"]);
    assert_eq!(a.route_targets.import, ["100:1"]);
    assert_eq!(m.ios_vrfs["CUST_B"].rd.as_deref(), Some("101:1"));
    assert_eq!(
        m.interfaces["TenGigabitEthernet0/0/8"].vrf.as_deref(),
        Some("CUST_A")
    );
    let out = m.render(Dialect::Ios);
    assert!(
        out.contains(
            "ip vrf CUST_A\n rd 100:1\n route-target export 100:1\n route-target import 100:1\n"
        ),
        "{out}"
    );
    assert!(out.contains("\n ip vrf forwarding CUST_B\n"), "{out}");
    // The same subnet in two VRFs is no overlap; the VRFs are defined.
    let problems = m
        .validate(rel)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(!problems.contains("overlap"), "{problems}");
    assert!(!problems.contains("VRF"), "{problems}");
}

#[test]
fn ios_vrf_definition_with_address_families() {
    // genieparser ShowRunSectionVrfDefinition: `vrf definition ce1`, rd, ipv4 and ipv6 families
    // with their targets.
    let m = check("genieparser/iosxe_show_run_section_vrf_definition.txt");
    let v = &m.ios_vrfs["ce1"];
    assert!(v.multiprotocol);
    assert_eq!(v.rd.as_deref(), Some("2:2"));
    assert_eq!(
        v.address_families.keys().collect::<Vec<_>>(),
        ["ipv4", "ipv6"]
    );
    for af in v.address_families.values() {
        assert_eq!(af.route_targets.export, ["1:1"]);
        assert_eq!(af.route_targets.import, ["1:1"]);
        assert!(af.other.is_empty());
    }
    assert_eq!(
        m.render(Dialect::Ios),
        "vrf definition ce1\n rd 2:2\n address-family ipv4\n  route-target export 1:1\n  \
         route-target import 1:1\n exit-address-family\n address-family ipv6\n  route-target \
         export 1:1\n  route-target import 1:1\n exit-address-family\n"
    );
}

#[test]
fn ios_vrf_lines_the_model_does_not_cover_stay_on_the_vrf() {
    // genieparser ShowRunningConfigNve (golden_output_1): EVPN `stitching` targets stay in the
    // family as written; BGP's address families stay in `router bgp` as written.
    let m = check("genieparser/iosxe_show_running-config_nve_1.txt");
    let blue = &m.ios_vrfs["blue"];
    assert_eq!(blue.description.as_deref(), Some("test vrf"));
    let v4 = &blue.address_families["ipv4"];
    assert_eq!(v4.route_targets.export, ["2:2"]);
    assert_eq!(
        v4.other,
        [
            "route-target export 2:2 stitching",
            "route-target import 2:2 stitching"
        ]
    );
    // batfish ios_vrfd_show_run_all: the rd after the family (a `show run all` order), maps and
    // `mdt` lines kept in the family, a VRF-level `no ipv4 multicast multitopology` kept.
    let m = check("batfish/ios_vrfd_show_run_all");
    let v = &m.ios_vrfs["VRF2"];
    assert_eq!(v.rd.as_deref(), Some("65000:1"));
    assert_eq!(v.other, ["no ipv4 multicast multitopology"]);
    let v4 = &v.address_families["ipv4"];
    assert_eq!(v4.route_targets.import, ["65001:2", "65001:3"]);
    assert!(v4.other.contains(&"import map SOME_RM".to_string()));
}

#[test]
fn ios_route_target_both_is_an_export_and_an_import() {
    // batfish ios-vrf-definition: `route-target both` at the VRF level and in a family, next to
    // single-direction targets; three-space indentation.
    let m = check("batfish/ios-vrf-definition");
    let v1 = &m.ios_vrfs["vrf1"];
    assert_eq!(v1.route_targets.import, ["2222:22"]);
    assert_eq!(v1.route_targets.export, ["2222:23"]);
    let af = &v1.address_families["ipv4"];
    assert_eq!(af.route_targets.export, ["3333:31", "3333:33"]);
    assert_eq!(af.route_targets.import, ["3333:31", "3333:32"]);
    let v2 = &m.ios_vrfs["vrf2"];
    assert_eq!(v2.route_targets.export, ["2222:77"]);
    assert_eq!(v2.route_targets.import, ["2222:77"]);
    assert!(v2.address_families["ipv4"].route_targets.is_empty());
    // batfish ios-vrf-leaking: VRFs and their routes.
    let m = check("batfish/ios-vrf-leaking");
    assert_eq!(m.ios_vrfs.len(), 6);
    assert!(m
        .static_routes
        .iter()
        .any(|r| r.vrf.as_deref() == Some("SRC_VRF")));
}

#[test]
fn trunk_allowed_lists_in_every_form() {
    // batfish nxos_interface_switchport: a list continued with `add`, `except`, `none`, a list
    // reduced with `remove`, each read into the set the switch ends with.
    use hermes_netdev::cisco::{Switchport, VlanSet};
    let rel = "batfish/nxos_interface_switchport";
    let m = check(rel);
    let allowed = |port: &str| match &m.interfaces[port].switchport {
        Some(Switchport::Trunk { allowed, .. }) => allowed.clone(),
        other => panic!("{port}: not a trunk: {other:?}"),
    };
    assert_eq!(allowed("Ethernet1/8"), VlanSet::parse("1-4"));
    // NX-OS `except`: every VLAN but those named (batfish's own check stops at the VLANs it
    // knows, 1 and 3-5).
    assert_eq!(allowed("Ethernet1/9"), VlanSet::parse("1,3-4094"));
    assert_eq!(allowed("Ethernet1/10"), Some(VlanSet::default()));
    assert_eq!(allowed("Ethernet1/11"), VlanSet::parse("1-2"));
    // A FEX uplink (Ethernet1/14: `switchport mode fex-fabric`, `fex associate 100`).
    assert_eq!(
        m.interfaces["Ethernet1/14"].switchport,
        Some(Switchport::FexFabric {
            associate: Some(100)
        })
    );
    assert!(m.interfaces["Ethernet1/14"].other.is_empty());
    for p in ["Ethernet1/8", "Ethernet1/9", "Ethernet1/10", "Ethernet1/11"] {
        assert!(
            !m.interfaces[p]
                .other
                .iter()
                .any(|o| o.contains("allowed vlan")),
            "{p}: {:?}",
            m.interfaces[p].other
        );
    }
}
