//! BGP (`router bgp`) on IOS and NX-OS: typed fields read from real configurations (batfish's
//! Apache-2.0 test configurations in `tests/data/configs/batfish`, listed in its SOURCES.md),
//! change sets (neighbors added, changed in place, removed and defined again when the remote AS
//! changes; families entered and left; what the desired model does not name left alone),
//! validation, and the passwords never shown.

use hermes_netdev::cisco::{Bgp, BgpNeighbor, BgpPassword, CiscoConfig, Dialect};

fn data(rel: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/configs")
        .join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn bgp(c: &CiscoConfig) -> &Bgp {
    c.bgp.as_ref().expect("router bgp is modelled")
}

#[test]
fn ios_show_run_all_vrf_families_with_peer_groups() {
    // batfish ios_bgp_show_run_all: every process default written out, three VRF families,
    // peer groups defined inside a VRF family, `bgp router-id` inside a family.
    let c = CiscoConfig::parse(&data("batfish/ios_bgp_show_run_all"), Dialect::Ios);
    let b = bgp(&c);
    assert_eq!(b.asn, "65000");
    assert_eq!(b.global.router_id.as_deref(), Some("1.1.1.1"));
    assert!(b.global.log_neighbor_changes);
    assert!(b.global.other.contains(&"timers bgp 60 180 0".to_string()));
    assert!(!c.other.iter().any(|o| o.starts_with("router bgp")));
    let vrf3 = &b.global.families["ipv4 vrf VRF3"];
    assert_eq!(vrf3.networks, ["10.0.0.0 mask 255.255.255.0"]);
    assert_eq!(
        vrf3.redistribute,
        ["static metric 1000 route-map STATIC_TO_BGP"]
    );
    let pg3 = &vrf3.neighbors["PG3"];
    assert!(pg3.is_peer_group);
    assert_eq!(pg3.remote_as.as_deref(), Some("65003"));
    assert_eq!(pg3.route_map_in.as_deref(), Some("PG3_IN"));
    assert_eq!(pg3.route_map_out.as_deref(), Some("PG3_OUT"));
    assert_eq!(pg3.soft_reconfiguration.as_deref(), Some("inbound"));
    assert!(pg3
        .other
        .contains(&"local-as 65100 no-prepend replace-as".to_string()));
    let member = &vrf3.neighbors["3.3.3.3"];
    assert_eq!(member.peer_group.as_deref(), Some("PG3"));
    assert!(member.activate);
    let vrf4 = &b.global.families["ipv4 vrf VRF4"];
    assert_eq!(vrf4.redistribute.len(), 4);
    assert_eq!(
        vrf4.neighbors["PG4"].send_community.as_deref(),
        Some("both")
    );
    assert!(vrf4.other.contains(&"bgp router-id 1.1.1.4".to_string()));
    // Peer groups defined in the VRF family and their members are valid.
    c.validate("ios_bgp_show_run_all").unwrap();
}

#[test]
fn ios_asdot_process_number() {
    // batfish ios-bgp-procnum-dotted: `router bgp 62918.62741`, a neighbor indented two spaces.
    let c = CiscoConfig::parse(&data("batfish/ios-bgp-procnum-dotted"), Dialect::Ios);
    let b = bgp(&c);
    assert_eq!(b.asn, "62918.62741");
    assert_eq!(
        b.global.neighbors["2.2.2.3"].remote_as.as_deref(),
        Some("2")
    );
    c.validate("dotted").unwrap();
    assert_eq!(
        hermes_netdev::cisco::valid_asn("62918.62741"),
        Some(4_123_456_789)
    );
}

#[test]
fn nxos_neighbor_blocks_with_families() {
    // batfish nxos_bgp_next_hop_self: indented remote-as / update-source, per-neighbor
    // `address-family ipv4 unicast` with `next-hop-self` and `route-reflector-client`.
    let c = CiscoConfig::parse(&data("batfish/nxos_bgp_next_hop_self"), Dialect::NxOs);
    let b = bgp(&c);
    assert_eq!(b.asn, "1");
    assert_eq!(b.global.router_id.as_deref(), Some("1.0.0.1"));
    assert!(b.global.families.contains_key("ipv4 unicast"));
    assert_eq!(b.global.neighbors.len(), 5);
    let n2 = &b.global.neighbors["1.0.0.2"];
    assert_eq!(n2.remote_as.as_deref(), Some("1"));
    assert!(!n2.remote_as_inline);
    assert_eq!(n2.update_source.as_deref(), Some("Loopback0"));
    let f = &n2.families["ipv4 unicast"];
    assert!(f.next_hop_self);
    assert!(f.route_reflector_client);
    assert!(f.other.is_empty(), "{:?}", f.other);
    assert!(!b.global.neighbors["1.0.0.4"].families["ipv4 unicast"].next_hop_self);
    assert_eq!(
        b.global.neighbors["2.0.0.1"].remote_as.as_deref(),
        Some("2")
    );
    c.validate("nxos_bgp_next_hop_self").unwrap();
}

const IOS_LIVE: &str = "\
router bgp 65000
 bgp router-id 10.0.0.1
 bgp log-neighbor-changes
 neighbor 10.0.0.2 remote-as 65001
 neighbor 10.0.0.2 description old
 neighbor 10.0.0.3 remote-as 65003
 neighbor 10.0.0.9 remote-as 65009
 !
 address-family ipv4
  network 10.1.0.0 mask 255.255.0.0
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 route-map IN in
  neighbor 10.0.0.3 activate
  neighbor 10.0.0.9 activate
 exit-address-family
 !
 address-family ipv4 vrf CUST
  redistribute connected
 exit-address-family
";

#[test]
fn ios_plan_changes_only_the_named_neighbors() {
    let live = CiscoConfig::parse(IOS_LIVE, Dialect::Ios);
    // 10.0.0.2: description changed in place, a route map out added; 10.0.0.3: another remote AS
    // (removed and defined again, with its family lines); 10.0.0.4 new; 10.0.0.9 and the VRF
    // family not named: left alone.
    let want = CiscoConfig::parse(
        "router bgp 65000
 neighbor 10.0.0.2 remote-as 65001
 neighbor 10.0.0.2 description new
 neighbor 10.0.0.3 remote-as 65103
 neighbor 10.0.0.4 remote-as 65004
 neighbor 10.0.0.4 password 7 0822455D0A16
 address-family ipv4
  neighbor 10.0.0.2 route-map OUT out
  neighbor 10.0.0.3 activate
  neighbor 10.0.0.4 activate
 exit-address-family
",
        Dialect::Ios,
    );
    let plan = live.diff(&want, Dialect::Ios, "r1");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 65000",
            " neighbor 10.0.0.2 description new",
            " no neighbor 10.0.0.3",
            " neighbor 10.0.0.3 remote-as 65103",
            " neighbor 10.0.0.4 remote-as 65004",
            " neighbor 10.0.0.4 password 7 0822455D0A16",
            " address-family ipv4",
            "  neighbor 10.0.0.2 route-map OUT out",
            "  neighbor 10.0.0.3 activate",
            "  neighbor 10.0.0.4 activate",
            " exit-address-family",
        ]
    );
    // The password is sent, never shown.
    let shown = plan.render();
    assert!(!shown.contains("0822455D0A16"), "{shown}");
    assert!(
        shown.contains("neighbor 10.0.0.4 password <redacted>"),
        "{shown}"
    );
    assert!(!format!("{plan:?}").contains("0822455D0A16"));
    assert!(!serde_json::to_string(&plan)
        .unwrap()
        .contains("0822455D0A16"));
    // Applied, nothing is left to do.
    let applied = CiscoConfig::parse(
        "router bgp 65000
 bgp router-id 10.0.0.1
 bgp log-neighbor-changes
 neighbor 10.0.0.2 remote-as 65001
 neighbor 10.0.0.2 description new
 neighbor 10.0.0.3 remote-as 65103
 neighbor 10.0.0.4 remote-as 65004
 neighbor 10.0.0.4 password 7 0822455D0A16
 neighbor 10.0.0.9 remote-as 65009
 address-family ipv4
  network 10.1.0.0 mask 255.255.0.0
  neighbor 10.0.0.2 activate
  neighbor 10.0.0.2 route-map IN in
  neighbor 10.0.0.2 route-map OUT out
  neighbor 10.0.0.3 activate
  neighbor 10.0.0.4 activate
  neighbor 10.0.0.9 activate
 exit-address-family
 address-family ipv4 vrf CUST
  redistribute connected
 exit-address-family
",
        Dialect::Ios,
    );
    assert!(applied.diff(&want, Dialect::Ios, "r1").is_empty());
}

#[test]
fn ios_plan_removes_a_neighbor_and_makes_networks_equal() {
    let live = CiscoConfig::parse(IOS_LIVE, Dialect::Ios);
    let mut want = CiscoConfig::parse(
        "router bgp 65000
 address-family ipv4
  network 10.2.0.0 mask 255.255.0.0
 exit-address-family
",
        Dialect::Ios,
    );
    let b = want.bgp.as_mut().unwrap();
    b.global.remove_neighbors.insert("10.0.0.9".into());
    b.global.remove_neighbors.insert("10.0.0.77".into()); // absent: nothing to do
    b.global.router_id = Some("10.0.0.10".into());
    let plan = live.diff(&want, Dialect::Ios, "r1");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 65000",
            " bgp router-id 10.0.0.10",
            " no neighbor 10.0.0.9",
            " address-family ipv4",
            "  no network 10.1.0.0 mask 255.255.0.0",
            "  network 10.2.0.0 mask 255.255.0.0",
            " exit-address-family",
        ]
    );
}

#[test]
fn a_model_without_bgp_leaves_the_process_alone() {
    let live = CiscoConfig::parse(&format!("hostname r1\n{IOS_LIVE}"), Dialect::Ios);
    let want = CiscoConfig::parse("hostname r2\n", Dialect::Ios);
    assert_eq!(want.bgp, None);
    assert_eq!(
        live.diff(&want, Dialect::Ios, "r1").commands(),
        ["hostname r2"]
    );
}

#[test]
fn another_process_number_replaces_the_process() {
    let live = CiscoConfig::parse(IOS_LIVE, Dialect::Ios);
    let want = CiscoConfig::parse(
        "router bgp 65100\n neighbor 10.0.0.2 remote-as 65001\n",
        Dialect::Ios,
    );
    assert_eq!(
        live.diff(&want, Dialect::Ios, "r1").commands(),
        [
            "no router bgp 65000",
            "router bgp 65100",
            " neighbor 10.0.0.2 remote-as 65001"
        ]
    );
}

const NXOS_LIVE: &str = "\
router bgp 65000
  router-id 10.0.0.1
  address-family ipv4 unicast
    network 10.1.0.0/16
  neighbor 10.0.0.2 remote-as 65001
    description old
    password 3 386c0565965f89de
    address-family ipv4 unicast
      route-map IN in
  neighbor 10.0.0.3
    remote-as 65003
    address-family ipv4 unicast
  vrf CUST
    neighbor 192.0.2.1
      remote-as 65100
";

#[test]
fn nxos_plan_in_the_device_form() {
    let live = CiscoConfig::parse(NXOS_LIVE, Dialect::NxOs);
    let b = bgp(&live);
    assert!(b.global.neighbors["10.0.0.2"].remote_as_inline);
    assert_eq!(
        b.vrfs["CUST"].neighbors["192.0.2.1"].remote_as.as_deref(),
        Some("65100")
    );
    assert!(!format!("{live:?}").contains("386c0565965f89de"));
    assert!(!serde_json::to_string(&live)
        .unwrap()
        .contains("386c0565965f89de"));
    let want = CiscoConfig::parse(
        "router bgp 65000
  neighbor 10.0.0.2 remote-as 65001
    description new
    address-family ipv4 unicast
      route-map OUT out
  neighbor 10.0.0.3
    remote-as 65033
  vrf CUST
    neighbor 192.0.2.2
      remote-as 65200
      password 3 aabbccdd
      address-family ipv4 unicast
        send-community extended
",
        Dialect::NxOs,
    );
    let plan = live.diff(&want, Dialect::NxOs, "n9k");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 65000",
            "  neighbor 10.0.0.2 remote-as 65001",
            "    description new",
            "    address-family ipv4 unicast",
            "      route-map OUT out",
            "      exit",
            "    exit",
            "  no neighbor 10.0.0.3",
            "  neighbor 10.0.0.3",
            "    remote-as 65033",
            "    exit",
            "  vrf CUST",
            "    neighbor 192.0.2.2",
            "      remote-as 65200",
            "      password 3 aabbccdd",
            "      address-family ipv4 unicast",
            "        send-community extended",
            "        exit",
            "      exit",
            "    exit",
        ]
    );
    let shown = plan.render();
    assert!(!shown.contains("aabbccdd"), "{shown}");
    assert!(shown.contains("password <redacted>"), "{shown}");
    assert!(live.diff(&live, Dialect::NxOs, "n9k").is_empty());
}

#[test]
fn validation_names_each_problem() {
    let c = CiscoConfig::parse(
        "router bgp 4294967296
 bgp router-id 10.0.0.300
 neighbor 10.0.0.2 description no remote-as
 neighbor 10.0.0.3 remote-as 0
 neighbor 10.0.0.5 remote-as 65005
 neighbor 10.0.0.5 remote-as 65006
 neighbor 10.0.0.6 remote-as 65006
 neighbor 10.0.0.6 peer-group NOPE
 neighbor not-an-address remote-as 1
 address-family ipv4
  neighbor 10.0.0.4 activate
 exit-address-family
",
        Dialect::Ios,
    );
    let err = c.validate("r1").unwrap_err().to_string();
    for want in [
        "router bgp 4294967296: the AS number is not 1-4294967295",
        "router-id \"10.0.0.300\" is not an IPv4 address",
        "neighbor 10.0.0.2 has no remote-as",
        "neighbor 10.0.0.3 remote-as 0 is not 1-4294967295",
        "neighbor 10.0.0.5 has two remote-as lines",
        "neighbor 10.0.0.6 is in peer group NOPE, which is not defined",
        "neighbor \"not-an-address\" is not an IPv4 or IPv6 address",
        "address-family ipv4: neighbor 10.0.0.4 is not defined",
    ] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
    let nx = CiscoConfig::parse(
        "router bgp 65000\n  neighbor 10.0.0.2\n    remote-as 1\n  neighbor 10.0.0.2\n    remote-as 2\n  neighbor 10.1.0.0/16\n    remote-as 3\n",
        Dialect::NxOs,
    );
    // The second block is kept as written, after the first: the rendering reads back the same.
    let text = nx.render(Dialect::NxOs);
    assert_eq!(CiscoConfig::parse(&text, Dialect::NxOs), nx, "{text}");
    let err = nx.validate("n9k").unwrap_err().to_string();
    assert!(err.contains("neighbor 10.0.0.2 is defined twice"), "{err}");
    assert!(
        !err.contains("10.1.0.0/16"),
        "prefix peering is valid: {err}"
    );
}

#[test]
fn a_password_never_shows_in_debug_serde_or_errors() {
    let mut c = CiscoConfig::parse(
        "router bgp 65000\n neighbor 10.0.0.2 remote-as 1\n",
        Dialect::Ios,
    );
    let n: &mut BgpNeighbor = c
        .bgp
        .as_mut()
        .unwrap()
        .global
        .neighbors
        .get_mut("10.0.0.2")
        .unwrap();
    n.password = Some(BgpPassword {
        kind: Some(0),
        value: "hunter2-bgp".into(),
    });
    n.remote_as = Some("0".into());
    let err = c.validate("r1").unwrap_err().to_string();
    assert!(!err.contains("hunter2-bgp"), "{err}");
    assert!(!format!("{c:?}").contains("hunter2-bgp"));
    assert!(!serde_json::to_string(&c).unwrap().contains("hunter2-bgp"));
    // The device form carries it.
    assert!(c
        .render(Dialect::Ios)
        .contains(" neighbor 10.0.0.2 password 0 hunter2-bgp\n"));
}

#[test]
fn a_process_entered_again_is_one_process() {
    // genieparser ShowRunningConfigNve (IOS-XE `show running-config nve`) prints `router bgp
    // 65001` once per section it belongs to: each block adds families to the same process.
    let c = CiscoConfig::parse(
        &data("genieparser/iosxe_show_running-config_nve_1.txt"),
        Dialect::Ios,
    );
    let b = bgp(&c);
    assert_eq!(b.asn, "65001");
    let families: Vec<&str> = b.global.families.keys().map(String::as_str).collect();
    assert_eq!(
        families,
        [
            "ipv4 vrf blue",
            "ipv4 vrf green",
            "ipv6 vrf blue",
            "ipv6 vrf green",
            "l2vpn evpn"
        ]
    );
    assert!(!c.other.iter().any(|o| o.starts_with("router bgp")));
    // Another process number is not the same process: kept as written.
    let two = CiscoConfig::parse(
        "router bgp 1\n neighbor 10.0.0.1 remote-as 2\nrouter bgp 3\n neighbor 10.0.0.3 remote-as 4\n",
        Dialect::Ios,
    );
    assert_eq!(bgp(&two).asn, "1");
    assert_eq!(two.other, ["router bgp 3\n neighbor 10.0.0.3 remote-as 4"]);
}

#[test]
fn ios_templates_read_from_real_configurations() {
    // genieparser iosxe ShowRunSectionBgp golden_output_1: two peer-policy templates and a
    // peer-session template first in `router bgp`, each ended by its `exit-peer-...` line.
    let rel = "genieparser/iosxe_show_run_section_bgp_1.txt";
    let c = CiscoConfig::parse(&data(rel), Dialect::Ios);
    let b = bgp(&c);
    assert_eq!(
        b.templates.keys().collect::<Vec<_>>(),
        [
            "peer-policy LEAF-EVPN-PEER-POLICY",
            "peer-policy SPINE-EVPN-PEER-POLICY",
            "peer-session EVPN-PEER-SESSION"
        ]
    );
    let session = &b.templates["peer-session EVPN-PEER-SESSION"];
    assert_eq!(session.remote_as.as_deref(), Some("65001"));
    assert_eq!(session.update_source.as_deref(), Some("Loopback0"));
    let spine = &b.templates["peer-policy SPINE-EVPN-PEER-POLICY"];
    assert_eq!(spine.send_community.as_deref(), Some("both"));
    assert!(spine.route_reflector_client, "{spine:?}");
    assert!(spine.other.is_empty(), "{:?}", spine.other);
    let kept = |t: &[String]| {
        t.iter()
            .any(|o| o.contains("template") || o.contains("exit-peer"))
    };
    assert!(!kept(&b.global.other), "{:?}", b.global.other);
    // Written back first in the process, each with its exit line; the neighbors inheriting the
    // session template need no remote AS of their own.
    let out = c.render(Dialect::Ios);
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} not in {out}"));
    assert!(
        at(" template peer-session EVPN-PEER-SESSION\n  remote-as 65001\n")
            < at(" exit-peer-session\n")
    );
    assert!(at(" exit-peer-session\n") < at(" bgp log-neighbor-changes"));
    assert_eq!(CiscoConfig::parse(&out, Dialect::Ios), c);
    assert!(c.diff(&c, Dialect::Ios, rel).is_empty());
    // batfish ios-bgp-peer-session-inheritance: a template inheriting another, the parent
    // holding a line the model keeps as written.
    let c = CiscoConfig::parse(
        &data("batfish/ios-bgp-peer-session-inheritance"),
        Dialect::Ios,
    );
    let b = bgp(&c);
    let direct = &b.templates["peer-session DIRECT-PARENT"];
    assert_eq!(direct.description.as_deref(), Some("direct-parent"));
    assert_eq!(
        direct.inherit_peer_session.as_deref(),
        Some("INDIRECT-PARENT")
    );
    assert_eq!(
        b.templates["peer-session INDIRECT-PARENT"].other,
        ["cluster-id 23"]
    );
    assert_eq!(
        b.global.neighbors["10.10.10.2"]
            .inherit_peer_session
            .as_deref(),
        Some("DIRECT-PARENT")
    );
    c.validate("ios-bgp-peer-session-inheritance").unwrap();
}

#[test]
fn nxos_templates_read_from_real_configurations() {
    // batfish nxos_bgp_peer_template_af_inheritance: `template peer SPINE` with two families,
    // after the process family and before the neighbor that inherits it.
    let rel = "batfish/nxos_bgp_peer_template_af_inheritance";
    let c = CiscoConfig::parse(&data(rel), Dialect::NxOs);
    let b = bgp(&c);
    let spine = &b.templates["peer SPINE"];
    let v4 = &spine.families["ipv4 unicast"];
    assert_eq!(v4.route_map_out.as_deref(), Some("match_metric"));
    assert_eq!(v4.send_community.as_deref(), Some(""));
    assert_eq!(v4.other, ["allowas-in 1", "default-originate"]);
    // NX-OS shows the extended communities on a second line.
    let evpn = &spine.families["l2vpn evpn"];
    assert_eq!(evpn.send_community.as_deref(), Some(""));
    assert!(evpn.send_community_extended);
    assert_eq!(evpn.other, ["allowas-in 1"]);
    assert!(b.global.other.is_empty(), "{:?}", b.global.other);
    let out = c.render(Dialect::NxOs);
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} not in {out}"));
    assert!(at("  address-family l2vpn evpn\n    retain") < at("  template peer SPINE\n"));
    assert!(at("  template peer SPINE\n") < at("  neighbor 1.1.1.1\n"));
    assert_eq!(CiscoConfig::parse(&out, Dialect::NxOs), c);
    assert!(c.diff(&c, Dialect::NxOs, rel).is_empty());
    c.validate(rel).unwrap();
    // genieparser nxos ShowRunningConfigBgp golden_output_1: a peer-session template.
    let rel = "genieparser/nxos_show_running-config_bgp_1.txt";
    let c = CiscoConfig::parse(&data(rel), Dialect::NxOs);
    let session = &bgp(&c).templates["peer-session PEER-SESSION"];
    assert_eq!(session.ebgp_multihop.as_deref(), Some("3"));
    assert!(!bgp(&c)
        .global
        .other
        .iter()
        .any(|o| o.starts_with("template")));
}

#[test]
fn ios_templates_are_created_before_the_neighbors_and_removed_after() {
    let rel = "genieparser/iosxe_show_run_section_bgp_1.txt";
    let live = CiscoConfig::parse(&data(rel), Dialect::Ios);
    // A new session template inheriting the existing one, a new neighbor inheriting it, the spine
    // policy's community changed, the leaf policy and a neighbor removed.
    let want = CiscoConfig::parse(
        "router bgp 65001
 template peer-policy SPINE-EVPN-PEER-POLICY
  send-community extended
 exit-peer-policy
 template peer-session RR-CLIENT
  description rr client
  inherit peer-session EVPN-PEER-SESSION
 exit-peer-session
 neighbor 172.16.255.9 inherit peer-session RR-CLIENT
",
        Dialect::Ios,
    );
    let mut want = want;
    {
        let b = want.bgp.as_mut().unwrap();
        b.remove_templates
            .insert("peer-policy LEAF-EVPN-PEER-POLICY".into());
        b.global.remove_neighbors.insert("172.16.255.4".into());
    }
    want.validate("rr").unwrap();
    let plan = live.diff(&want, Dialect::Ios, "rr");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 65001",
            " template peer-policy SPINE-EVPN-PEER-POLICY",
            "  send-community extended",
            " exit-peer-policy",
            " template peer-session RR-CLIENT",
            "  inherit peer-session EVPN-PEER-SESSION",
            "  description rr client",
            " exit-peer-session",
            " no neighbor 172.16.255.4",
            " neighbor 172.16.255.9 inherit peer-session RR-CLIENT",
            " no template peer-policy LEAF-EVPN-PEER-POLICY",
        ]
    );
    // Applied once, the same desired model plans nothing more.
    let mut after = live.clone();
    {
        let b = after.bgp.as_mut().unwrap();
        let w = want.bgp.as_ref().unwrap();
        for (k, t) in &w.templates {
            let mut t = t.clone();
            if let Some(old) = b.templates.get(k) {
                t.other = old.other.clone();
            }
            b.templates.insert(k.clone(), t);
        }
        b.templates.remove("peer-policy LEAF-EVPN-PEER-POLICY");
        b.global.neighbors.remove("172.16.255.4");
        b.global.neighbors.insert(
            "172.16.255.9".into(),
            w.global.neighbors["172.16.255.9"].clone(),
        );
    }
    let after = CiscoConfig::parse(&after.render(Dialect::Ios), Dialect::Ios);
    assert!(after.diff(&want, Dialect::Ios, "rr").is_empty());
}

#[test]
fn a_template_inheriting_another_is_created_after_it() {
    // Both new: the parent first, whatever their names' order.
    let live = CiscoConfig::parse(
        "router bgp 65000\n bgp log-neighbor-changes\n",
        Dialect::Ios,
    );
    let want = CiscoConfig::parse(
        "router bgp 65000
 template peer-session A-CHILD
  inherit peer-session Z-PARENT
 exit-peer-session
 template peer-session Z-PARENT
  remote-as 65010
 exit-peer-session
",
        Dialect::Ios,
    );
    let plan = live.diff(&want, Dialect::Ios, "r1");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 65000",
            " template peer-session Z-PARENT",
            "  remote-as 65010",
            " exit-peer-session",
            " template peer-session A-CHILD",
            "  inherit peer-session Z-PARENT",
            " exit-peer-session",
        ]
    );
    // Removed, the child goes before the parent it inherits.
    let mut gone = CiscoConfig::parse("router bgp 65000\n", Dialect::Ios);
    gone.bgp.as_mut().unwrap().remove_templates = ["peer-session A-CHILD", "peer-session Z-PARENT"]
        .map(String::from)
        .into();
    let plan = want.diff(&gone, Dialect::Ios, "r1");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 65000",
            " no template peer-session A-CHILD",
            " no template peer-session Z-PARENT",
        ]
    );
}

#[test]
fn nxos_templates_change_in_their_own_mode() {
    let rel = "batfish/nxos_bgp_peer_template_af_inheritance";
    let live = CiscoConfig::parse(&data(rel), Dialect::NxOs);
    let want = CiscoConfig::parse(
        "router bgp 1
  template peer SPINE
    address-family ipv4 unicast
      route-map SPINE_OUT out
  template peer-session LEAF
    remote-as 65020
    timers 3 9
  neighbor 2.2.2.2
    inherit peer-session LEAF
",
        Dialect::NxOs,
    );
    want.validate("n9k").unwrap();
    let plan = live.diff(&want, Dialect::NxOs, "n9k");
    assert_eq!(
        plan.commands(),
        [
            "router bgp 1",
            "  template peer SPINE",
            "    address-family ipv4 unicast",
            "      route-map SPINE_OUT out",
            "      exit",
            "    exit",
            "  template peer-session LEAF",
            "    remote-as 65020",
            "    timers 3 9",
            "    exit",
            "  neighbor 2.2.2.2",
            "    inherit peer-session LEAF",
            "    exit",
        ]
    );
    // The extended communities added beside the standard ones: one line, in the template's family.
    let mut ext = CiscoConfig::parse("router bgp 1\n", Dialect::NxOs);
    let mut spine = BgpNeighbor::default();
    spine.families.insert(
        "ipv4 unicast".into(),
        BgpNeighbor {
            send_community: Some(String::new()),
            send_community_extended: true,
            ..BgpNeighbor::default()
        },
    );
    ext.bgp
        .as_mut()
        .unwrap()
        .templates
        .insert("peer SPINE".into(), spine);
    assert_eq!(
        live.diff(&ext, Dialect::NxOs, "n9k").commands(),
        [
            "router bgp 1",
            "  template peer SPINE",
            "    address-family ipv4 unicast",
            "      send-community extended",
            "      exit",
            "    exit",
        ]
    );
    let mut gone = CiscoConfig::parse("router bgp 1\n", Dialect::NxOs);
    gone.bgp
        .as_mut()
        .unwrap()
        .remove_templates
        .insert("peer SPINE".into());
    assert_eq!(
        live.diff(&gone, Dialect::NxOs, "n9k").commands(),
        ["router bgp 1", "  no template peer SPINE"]
    );
}

#[test]
fn a_template_still_inherited_cannot_be_removed() {
    let mut c = CiscoConfig::parse(
        "router bgp 65000
 template peer-session S
  remote-as 65001
 exit-peer-session
 neighbor 10.0.0.2 inherit peer-session S
",
        Dialect::Ios,
    );
    c.validate("r1").unwrap();
    let b = c.bgp.as_mut().unwrap();
    b.remove_templates.insert("peer-session S".into());
    b.templates.insert("bogus T".into(), BgpNeighbor::default());
    let err = c.validate("r1").unwrap_err().to_string();
    assert!(
        err.contains("template peer-session S is both stated and to be removed"),
        "{err}"
    );
    assert!(
        err.contains("neighbor 10.0.0.2 inherits template peer-session S, which is to be removed"),
        "{err}"
    );
    assert!(err.contains("template \"bogus T\" is not"), "{err}");
}

#[test]
fn two_real_fabric_members_differ_by_neighbors_not_templates() {
    // genieparser iosxe ShowRunSectionBgp golden_output_1 (the route reflector) and
    // golden_output_2 (a leaf of the same fabric): the same three templates, other neighbors
    // inheriting them. Turning one into the other changes no template, and every neighbor line
    // naming a template comes after the templates exist (they already do).
    let rr = CiscoConfig::parse(
        &data("genieparser/iosxe_show_run_section_bgp_1.txt"),
        Dialect::Ios,
    );
    let leaf = CiscoConfig::parse(
        &data("genieparser/iosxe_show_run_section_bgp_2.txt"),
        Dialect::Ios,
    );
    assert_eq!(bgp(&rr).templates, bgp(&leaf).templates);
    let plan = rr.diff(&leaf, Dialect::Ios, "leaf");
    let cmds = plan.commands();
    assert!(!cmds.iter().any(|c| c.contains("template ")), "{plan}");
    let at = |s: &str| {
        cmds.iter()
            .position(|c| *c == s)
            .unwrap_or_else(|| panic!("{s:?} not in {plan}"))
    };
    let router = at("router bgp 65001");
    assert!(router < at(" bgp router-id 172.16.255.4"));
    assert!(
        at(" neighbor 172.16.255.1 inherit peer-session EVPN-PEER-SESSION")
            < at(" address-family l2vpn evpn")
    );
    assert!(
        at(" address-family l2vpn evpn")
            < at("  neighbor 172.16.255.1 inherit peer-policy LEAF-EVPN-PEER-POLICY")
    );
    // 172.16.255.2 moves from the spine policy to the leaf one: the old template is
    // un-inherited first.
    assert!(
        at("  no neighbor 172.16.255.2 inherit peer-policy SPINE-EVPN-PEER-POLICY")
            < at("  neighbor 172.16.255.2 inherit peer-policy LEAF-EVPN-PEER-POLICY")
    );
    leaf.validate("leaf").unwrap();
    // The leaf's own model against itself: nothing.
    assert!(leaf.diff(&leaf, Dialect::Ios, "leaf").is_empty());
}

#[test]
fn maximum_paths_are_typed_and_set_in_place() {
    // batfish ios_bgp_show_run_all (`maximum-paths 2` in a VRF family) and the example network's
    // as1border1 (`maximum-paths eibgp 5`).
    let c = CiscoConfig::parse(&data("batfish/ios_bgp_show_run_all"), Dialect::Ios);
    let vrf4 = &bgp(&c).global.families["ipv4 vrf VRF4"];
    assert_eq!(vrf4.maximum_paths.as_deref(), Some("2"));
    assert!(!vrf4.other.iter().any(|o| o.starts_with("maximum-paths")));
    let c = CiscoConfig::parse(&data("batfish/example_as1border1.cfg"), Dialect::Ios);
    let eibgp: Vec<_> = bgp(&c)
        .global
        .families
        .values()
        .filter_map(|f| f.maximum_paths_eibgp.as_deref())
        .collect();
    assert_eq!(eibgp, ["5"]);
    // NX-OS: a new number replaces the old one in place; a family that states none leaves it.
    let live = CiscoConfig::parse(
        "router bgp 65000\n  address-family ipv4 unicast\n    maximum-paths 8\n    maximum-paths ibgp 8\n",
        Dialect::NxOs,
    );
    let f = &bgp(&live).global.families["ipv4 unicast"];
    assert_eq!(
        (f.maximum_paths.as_deref(), f.maximum_paths_ibgp.as_deref()),
        (Some("8"), Some("8"))
    );
    let want = CiscoConfig::parse(
        "router bgp 65000\n  address-family ipv4 unicast\n    maximum-paths ibgp 16\n",
        Dialect::NxOs,
    );
    assert_eq!(
        live.diff(&want, Dialect::NxOs, "n9k").commands(),
        [
            "router bgp 65000",
            "  address-family ipv4 unicast",
            "    maximum-paths ibgp 16",
            "    exit"
        ]
    );
    assert!(live.diff(&live, Dialect::NxOs, "n9k").is_empty());
}
