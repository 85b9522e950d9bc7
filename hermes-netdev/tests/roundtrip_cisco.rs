//! parse(render(m)) == m for generated Cisco models, in both dialects; diff(m, m) is empty.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use hermes_core::Secret;
use hermes_netdev::cisco::*;
use proptest::prelude::*;

fn ip() -> impl Strategy<Value = Ipv4Addr> {
    (1u8..223, any::<u8>(), any::<u8>(), 1u8..254)
        .prop_map(|(a, b, c, d)| Ipv4Addr::new(a, b, c, d))
}
fn net() -> impl Strategy<Value = Ipv4Net> {
    (ip(), 8u8..31).prop_map(|(a, l)| Ipv4Net::new(a, l))
}
fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_-]{0,10}"
}
fn text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 _./-]{0,20}[A-Za-z0-9]"
}
fn vlanset() -> impl Strategy<Value = VlanSet> {
    prop::collection::btree_set(1u16..4094, 0..8).prop_map(VlanSet)
}
fn switchport(d: Dialect) -> impl Strategy<Value = Option<Switchport>> {
    prop_oneof![
        Just(None),
        Just(Some(Switchport::Routed)),
        prop::option::of(1u16..4094).prop_map(|vlan| Some(Switchport::Access { vlan })),
        (prop::option::of(1u16..4094), prop::option::of(vlanset()))
            .prop_map(|(native, allowed)| Some(Switchport::Trunk { native, allowed })),
        // DTP exists on IOS only.
        (
            any::<bool>(),
            prop::option::of(1u16..4094),
            prop::option::of(1u16..4094),
            prop::option::of(vlanset())
        )
            .prop_map(move |(desirable, access, native, allowed)| match d {
                Dialect::Ios => Some(Switchport::Dynamic {
                    desirable,
                    access,
                    native,
                    allowed
                }),
                Dialect::NxOs => Some(Switchport::Access { vlan: access }),
            }),
        // FEX uplinks exist on NX-OS only.
        prop::option::of(100u32..200).prop_map(move |associate| match d {
            Dialect::NxOs => Some(Switchport::FexFabric { associate }),
            Dialect::Ios => None,
        }),
    ]
}
/// Port settings as a switch shows them (the values that render nothing are not read back).
fn port(d: Dialect) -> impl Strategy<Value = PortSettings> {
    let ios = d == Dialect::Ios;
    let portfast = if ios {
        vec![
            PortFast::Enable,
            PortFast::Trunk,
            PortFast::Edge,
            PortFast::EdgeTrunk,
            PortFast::Network,
            PortFast::Disable,
        ]
    } else {
        vec![
            PortFast::Edge,
            PortFast::EdgeTrunk,
            PortFast::Network,
            PortFast::Disable,
        ]
    };
    let toggle = || {
        prop::option::of(prop::sample::select(vec![
            StpToggle::Enable,
            StpToggle::Disable,
        ]))
    };
    (
        (
            any::<bool>(),
            prop::option::of(Just(true)),
            prop::option::of(prop::sample::select(vec![
                TrunkEncapsulation::Dot1q,
                TrunkEncapsulation::Isl,
                TrunkEncapsulation::Negotiate,
            ])),
            prop::option::of(prop::collection::btree_set(1u16..4094, 1..6).prop_map(VlanSet)),
        ),
        (
            prop::option::of(prop::sample::select(portfast)),
            toggle(),
            toggle(),
            prop::option::of(prop::sample::select(vec![
                StpGuard::Root,
                StpGuard::Loop,
                StpGuard::None,
            ])),
            prop::option::of(prop::sample::select(if ios {
                vec![LinkType::PointToPoint, LinkType::Shared]
            } else {
                vec![LinkType::PointToPoint, LinkType::Shared, LinkType::Auto]
            })),
        ),
        (
            prop::option::of(prop_oneof![
                Just(Speed::Auto),
                prop::sample::select(vec![10u32, 100, 1000, 10000, 25000, 100000])
                    .prop_map(Speed::Mbps),
            ]),
            prop::option::of(prop::sample::select(vec![
                Duplex::Auto,
                Duplex::Full,
                Duplex::Half,
            ])),
            prop::option::of(any::<bool>()),
            prop::option::of(Just(true)),
            prop::option::of(prop::sample::select(vec![
                PfcMode::Auto,
                PfcMode::On,
                PfcMode::Off,
            ])),
        ),
        (
            prop::option::of(prop_oneof![
                (1u16..4095).prop_map(VoiceVlan::Vlan),
                Just(VoiceVlan::Dot1p),
                Just(VoiceVlan::Untagged),
                Just(VoiceVlan::None),
            ]),
            port_security(),
        ),
    )
        .prop_map(
            move |(
                (layer2, nonegotiate, encapsulation, pruning),
                (portfast, bpduguard, bpdufilter, guard, link_type),
                (speed, duplex, negotiation, speed_nonegotiate, pfc),
                (voice_vlan, port_security),
            )| PortSettings {
                layer2,
                nonegotiate,
                trunk_encapsulation: encapsulation.filter(|_| ios),
                trunk_pruning: pruning.filter(|_| ios),
                portfast,
                bpduguard,
                bpdufilter,
                guard,
                link_type,
                speed,
                speed_nonegotiate: speed_nonegotiate.filter(|_| ios),
                duplex,
                negotiation_auto: negotiation.filter(|_| ios),
                pfc_mode: pfc.filter(|_| !ios),
                voice_vlan,
                port_security,
            },
        )
}
/// Port security as a switch shows it (`Some(false)` switches render nothing; a port with no
/// setting shows no line at all).
fn port_security() -> impl Strategy<Value = Option<PortSecurity>> {
    (
        prop::option::of(Just(true)),
        prop::option::of(1u32..100),
        prop::option::of(prop::sample::select(vec![
            Violation::Protect,
            Violation::Restrict,
            Violation::Shutdown,
        ])),
        prop::option::of(Just(true)),
        prop::option::of(0u32..1441),
        prop::option::of(prop::sample::select(vec![
            AgingType::Absolute,
            AgingType::Inactivity,
        ])),
    )
        .prop_map(
            |(enabled, maximum, violation, sticky, aging_time, aging_type)| {
                let ps = PortSecurity {
                    enabled,
                    maximum,
                    violation,
                    sticky,
                    aging_time,
                    aging_type,
                };
                (ps != PortSecurity::default()).then_some(ps)
            },
        )
}
/// A terminal line as the device shows it (`logging_synchronous: Some(false)` renders nothing).
fn line(d: Dialect) -> impl Strategy<Value = Line> {
    let name = || "[A-Za-z][A-Za-z0-9_]{0,10}";
    let transport = || {
        prop::option::of(prop::sample::select(vec![
            "ssh",
            "telnet ssh",
            "none",
            "all",
        ]))
        .prop_map(|t| t.map(String::from))
    };
    (
        (
            prop::option::of((0u32..60, 0u32..60)),
            prop::option::of(0u8..16),
            prop::option::of(Just(true)),
            prop::option::of(prop_oneof![
                Just(Login::Password),
                Just(Login::Local),
                name().prop_map(Login::Authentication),
            ]),
            prop::option::of((
                prop::sample::select(vec![None, Some(0u8), Some(7)]),
                "[A-Za-z0-9]{1,20}",
            )),
        ),
        (
            prop::option::of(name()),
            prop::option::of(name()),
            transport(),
            transport(),
            transport(),
            prop::option::of(prop::sample::select(vec![
                Stopbits::One,
                Stopbits::OneAndHalf,
                Stopbits::Two,
            ])),
        ),
    )
        .prop_map(
            move |(
                (timeout, privilege, sync, login, password),
                (class_in, class_out, input, output, preferred, stopbits),
            )| Line {
                exec_timeout: timeout.map(|(minutes, s)| ExecTimeout {
                    minutes,
                    seconds: if d == Dialect::Ios { s } else { 0 },
                }),
                privilege_level: privilege,
                logging_synchronous: sync,
                login,
                password: password.map(|(encryption, v)| LinePassword {
                    encryption,
                    value: hermes_core::Secret::new(v),
                }),
                access_class_in: class_in,
                access_class_out: class_out,
                transport_input: input,
                transport_output: output,
                transport_preferred: preferred,
                stopbits: stopbits.filter(|_| d == Dialect::Ios),
                other: vec![],
            },
        )
}
/// NX-OS user roles (IOS has none).
fn roles(d: Dialect) -> impl Strategy<Value = BTreeMap<String, Role>> {
    let access = prop_oneof![
        "(show|ping|copy|dir) \\*".prop_map(RuleAccess::Command),
        prop::option::of("feature(-group)? [a-z][a-z0-9-]{0,8}").prop_map(RuleAccess::Read),
        prop::option::of("(feature|oid) [a-z0-9.]{1,8}").prop_map(RuleAccess::ReadWrite),
    ];
    let role = (
        prop::option::of("[A-Za-z][A-Za-z0-9]{0,7}( [A-Za-z0-9.]{1,8}){0,2}"),
        prop::collection::btree_map(1u16..=256, (any::<bool>(), access), 0..5),
    )
        .prop_map(|(description, rules)| Role {
            description,
            rules: rules
                .into_iter()
                .map(|(n, (permit, access))| (n, RoleRule { permit, access }))
                .collect(),
            other: vec![],
        });
    prop::collection::btree_map("[a-z][a-z0-9-]{0,10}", role, 0..3).prop_map(move |r| {
        if d == Dialect::NxOs {
            r
        } else {
            BTreeMap::new()
        }
    })
}
/// IOS global service switches (NX-OS has none of these forms).
fn services(d: Dialect) -> impl Strategy<Value = Services> {
    let stamps = || {
        prop::option::of(prop::sample::select(vec![
            "datetime msec",
            "datetime msec localtime show-timezone",
            "uptime",
        ]))
        .prop_map(|s| s.map(String::from))
    };
    let toggle = || prop::option::of(any::<bool>());
    (stamps(), stamps(), toggle(), toggle(), toggle(), toggle()).prop_map(
        move |(debug, log, pe, http, https, lookup)| match d {
            Dialect::Ios => Services {
                timestamps_debug: debug,
                timestamps_log: log,
                password_encryption: pe,
                http_server: http,
                http_secure_server: https,
                domain_lookup: lookup,
            },
            Dialect::NxOs => Services::default(),
        },
    )
}
fn lines(d: Dialect) -> impl Strategy<Value = BTreeMap<String, Line>> {
    let names = match d {
        Dialect::Ios => vec!["con 0", "aux 0", "vty 0 4", "vty 5 15"],
        Dialect::NxOs => vec!["console", "vty"],
    };
    prop::collection::btree_map(
        prop::sample::select(names).prop_map(String::from),
        line(d),
        0..3,
    )
}
fn hsrp(d: Dialect) -> impl Strategy<Value = Hsrp> {
    (
        ip(),
        prop::option::of(any::<u8>()),
        any::<bool>(),
        prop::option::of((1u32..10, 10u32..30)),
        prop::option::of(word()),
        prop::collection::vec(ip(), 0..2),
        prop::option::of((0u8..100, 100u8..=255)),
    )
        .prop_map(
            move |(ip, priority, preempt, timers, auth, secondary, ft)| Hsrp {
                ip: Some(ip),
                secondary,
                priority,
                // NX-OS only, and only written with a priority.
                forwarding_threshold: ft.filter(|_| priority.is_some() && d == Dialect::NxOs),
                preempt,
                timers,
                authentication: auth.map(|a| format!("text {a}")),
                other: vec![],
            },
        )
}
fn vrrp(d: Dialect) -> impl Strategy<Value = Vrrp> {
    (
        ip(),
        prop::option::of(1u8..255),
        prop::option::of(any::<bool>()),
        any::<bool>(),
    )
        .prop_map(move |(ip, priority, preempt, shut)| Vrrp {
            ip: Some(ip),
            priority,
            preempt,
            shutdown: shut && d == Dialect::NxOs,
            other: vec![],
        })
}
fn interface(d: Dialect) -> impl Strategy<Value = Interface> {
    (
        (
            prop::option::of(text()),
            prop::option::of(any::<bool>()),
            prop::option::of(576u32..9217),
            switchport(d),
            prop::option::of(word()),
        ),
        (
            prop::option::of(net()),
            prop::collection::vec(net(), 0..2),
            prop::option::of((1u32..4096, 0u8..3)),
            prop::option::of(prop_oneof![
                Just(DynamicAddress::Dhcp),
                Just(DynamicAddress::Negotiated)
            ]),
        ),
        (
            prop::option::of(word()),
            prop::option::of(word()),
            prop::option::of(1u8..3),
        ),
        (
            prop::collection::btree_map(1u16..255, hsrp(d), 0..2),
            prop::collection::btree_map(1u16..255, vrrp(d), 0..2),
            prop::option::of(1u16..4094),
        ),
        port(d),
    )
        .prop_map(
            move |(
                (description, shutdown, mtu, switchport, vrf),
                (ipv4, secondary, cg, dynamic),
                (acl_in, acl_out, hv),
                (hsrp, vrrp, access_vlan),
                port,
            )| {
                let routed = switchport == Some(Switchport::Routed);
                Interface {
                    description,
                    shutdown,
                    mtu,
                    mac_address: mtu.map(|m| format!("0000.0c{:02x}.{:04x}", m % 256, m % 65536)),
                    // IOS: an access VLAN on a port without a mode line.
                    access_vlan: access_vlan.filter(|_| switchport.is_none() && d == Dialect::Ios),
                    switchport,
                    vrf,
                    secondary: if ipv4.is_some() { secondary } else { vec![] },
                    // A learnt address only where no static one is stated.
                    ipv4_dynamic: dynamic.filter(|_| ipv4.is_none()),
                    ipv4,
                    channel_group: cg.map(|(id, m)| ChannelGroup {
                        id,
                        mode: [LacpMode::Active, LacpMode::Passive, LacpMode::On][m as usize],
                    }),
                    acl_in,
                    acl_out,
                    hsrp_version: hv,
                    hsrp,
                    vrrp,
                    // The bare `switchport` goes with a switch port, not a routed one.
                    port: PortSettings {
                        layer2: port.layer2 && !routed,
                        ..port
                    },
                    other: vec![],
                }
            },
        )
}
fn acl(d: Dialect) -> impl Strategy<Value = Acl> {
    let rule = prop_oneof![
        (ip()).prop_map(|a| format!("permit ip host {a} any")),
        (ip(), 1u16..65535).prop_map(|(a, p)| format!("deny tcp any host {a} eq {p}")),
        text().prop_map(|t| format!("remark {t}")),
    ];
    (
        prop::collection::vec((rule, any::<bool>()), 0..5),
        any::<bool>(),
    )
        .prop_map(move |(rules, std)| match d {
            // NX-OS shows every entry numbered; a desired model may leave numbers out.
            Dialect::NxOs => Acl {
                kind: AclKind::Ip,
                options: vec![],
                entries: rules
                    .into_iter()
                    .enumerate()
                    .map(|(i, (r, numbered))| AclEntry {
                        seq: numbered.then_some(1000 + 10 * i as u32),
                        rule: r,
                    })
                    .collect(),
            },
            Dialect::Ios => Acl {
                kind: if std {
                    AclKind::Standard
                } else {
                    AclKind::Extended
                },
                options: vec![],
                entries: rules
                    .into_iter()
                    .map(|(r, _)| AclEntry { seq: None, rule: r })
                    .collect(),
            },
        })
}
fn route() -> impl Strategy<Value = StaticRoute> {
    (
        net(),
        prop_oneof![
            ip().prop_map(|a| a.to_string()),
            (1u8..4, 1u8..49, ip()).prop_map(|(a, b, h)| format!("Ethernet{a}/{b} {h}")),
            Just("Null0".to_string()),
        ],
        prop::option::of(1u8..255),
        prop::option::of(word()),
        prop::option::of(prop_oneof![Just("management".to_string()), word()]),
        prop::option::of(any::<u32>()),
        prop::option::of(1u32..1000),
    )
        .prop_map(|(n, hop, distance, name, vrf, tag, track)| StaticRoute {
            vrf,
            prefix: Ipv4Net::new(n.network(), n.len),
            next_hop: hop,
            distance,
            name,
            tag,
            track,
        })
}
/// NX-OS `vrf context` blocks with lines the model keeps as written.
fn vrf_contexts() -> impl Strategy<Value = BTreeMap<String, VrfContext>> {
    let line = prop_oneof![
        Just("rd auto".to_string()),
        (1u32..16_000_000).prop_map(|v| format!("vni {v}")),
        word().prop_map(|w| format!("ip domain-name {w}.example")),
        Just("address-family ipv4 unicast\n route-target both auto".to_string()),
    ];
    prop::collection::btree_map(
        prop_oneof![Just("management".to_string()), word()],
        prop::collection::vec(line, 0..3).prop_map(|mut other| {
            other.dedup();
            VrfContext { other }
        }),
        0..3,
    )
}
/// IOS VRFs (`ip vrf X` / `vrf definition X` with families), targets unique per direction.
fn ios_vrfs() -> impl Strategy<Value = BTreeMap<String, IosVrf>> {
    let rt = prop_oneof![
        (1u16..65535, any::<u32>()).prop_map(|(a, n)| format!("{a}:{n}")),
        (ip(), any::<u16>()).prop_map(|(a, n)| format!("{a}:{n}")),
    ];
    let targets = (
        prop::collection::btree_set(rt.clone(), 0..3),
        prop::collection::btree_set(rt.clone(), 0..3),
    )
        .prop_map(|(e, i)| RouteTargets {
            export: e.into_iter().collect(),
            import: i.into_iter().collect(),
        });
    let family =
        (targets.clone(), any::<bool>()).prop_map(|(route_targets, map)| VrfAddressFamily {
            route_targets,
            other: if map {
                vec!["import map RT_IMPORT_MAP".into()]
            } else {
                vec![]
            },
        });
    prop::collection::btree_map(
        word(),
        (
            any::<bool>(),
            prop::option::of(word()),
            prop::option::of(rt),
            targets,
            prop::collection::btree_map(
                prop_oneof![Just("ipv4".to_string()), Just("ipv6".to_string())],
                family,
                0..3,
            ),
        )
            .prop_map(
                |(multiprotocol, description, rd, route_targets, afs)| IosVrf {
                    multiprotocol,
                    description,
                    rd,
                    route_targets,
                    address_families: if multiprotocol { afs } else { BTreeMap::new() },
                    other: vec![],
                },
            ),
        0..3,
    )
}
/// A BGP process in the dialect's form: neighbors with session and family settings, a
/// password (a `Secret`), families with networks, and NX-OS VRF sub-blocks.
fn bgp(d: Dialect) -> impl Strategy<Value = Option<Bgp>> {
    let asn = prop_oneof![
        (1u32..=u32::MAX).prop_map(|a| a.to_string()),
        (1u16..=65535, 0u16..=65535).prop_map(|(a, b)| format!("{a}.{b}")),
    ];
    prop::option::of((
        asn,
        bgp_table(d),
        prop::collection::btree_map(word(), bgp_table(d), 0..2),
        any::<bool>(),
        bgp_templates(d),
    ))
    .prop_map(move |b| {
        b.map(|(asn, mut global, vrfs, log, templates)| {
            global.log_neighbor_changes = log;
            Bgp {
                asn,
                global,
                vrfs: if d == Dialect::NxOs {
                    vrfs
                } else {
                    BTreeMap::new()
                },
                templates,
                remove_templates: Default::default(),
            }
        })
    })
}

/// Peer templates of the dialect (IOS `peer-session` / `peer-policy`, NX-OS also `peer` with
/// its families), some inheriting another.
fn bgp_templates(d: Dialect) -> impl Strategy<Value = BTreeMap<String, BgpNeighbor>> {
    let kinds = match d {
        Dialect::Ios => vec!["peer-session", "peer-policy"],
        Dialect::NxOs => vec!["peer", "peer-session", "peer-policy"],
    };
    let body = (
        prop::option::of(1u32..=65535),
        prop::option::of(text()),
        prop::option::of(word()),
        bgp_family(d),
    );
    prop::collection::btree_map(
        (prop::sample::select(kinds), word()).prop_map(|(k, n)| format!("{k} {n}")),
        body,
        0..3,
    )
    .prop_map(move |m| {
        m.into_iter()
            .map(|(key, (ras, desc, parent, fam))| {
                let t = match key.split_whitespace().next() {
                    Some("peer-policy") => BgpNeighbor {
                        inherit_peer_policy: parent.map(|p| format!("{p} 10")),
                        ..fam
                    },
                    Some("peer-session") => BgpNeighbor {
                        remote_as: ras.map(|a| a.to_string()),
                        description: desc,
                        inherit_peer_session: parent,
                        ..BgpNeighbor::default()
                    },
                    _ => BgpNeighbor {
                        remote_as: ras.map(|a| a.to_string()),
                        description: desc,
                        families: BTreeMap::from([("l2vpn evpn".to_string(), fam)]),
                        ..BgpNeighbor::default()
                    },
                };
                (key, t)
            })
            .collect()
    })
}

fn bgp_family(d: Dialect) -> impl Strategy<Value = BgpNeighbor> {
    (
        any::<bool>(),
        prop::option::of(word()),
        any::<bool>(),
        prop::option::of(prop_oneof![Just(String::new()), Just("both".to_string())]),
        prop::option::of(prop::sample::select(vec!["all", "best 2", "group-best"])),
    )
        .prop_map(move |(activate, rm, nhs, sc, adv)| BgpNeighbor {
            activate: activate && d == Dialect::Ios,
            route_map_in: rm,
            next_hop_self: nhs,
            // NX-OS: `send-community` then `send-community extended` on its own line.
            send_community_extended: sc.as_deref() == Some("") && d == Dialect::NxOs && nhs,
            route_reflector_client: activate && d == Dialect::NxOs,
            send_community: sc,
            advertise_additional_paths: adv.filter(|_| d == Dialect::Ios).map(String::from),
            ..BgpNeighbor::default()
        })
}

fn bgp_table(d: Dialect) -> impl Strategy<Value = BgpTable> {
    let neighbor = (
        1u32..=65535,
        prop::option::of(text()),
        any::<bool>(),
        prop::option::of("[A-Za-z0-9]{1,12}"),
        any::<bool>(),
        prop::option::of(bgp_family(d)),
    )
        .prop_map(move |(ras, desc, shut, pw, inline, fam)| BgpNeighbor {
            remote_as: Some(ras.to_string()),
            remote_as_inline: inline && d == Dialect::NxOs,
            description: desc,
            shutdown: shut.then_some(true),
            password: pw.map(|p| BgpPassword {
                kind: Some(7),
                value: Secret::new(p),
            }),
            families: match (fam, d) {
                (Some(f), Dialect::NxOs) => BTreeMap::from([("ipv4 unicast".to_string(), f)]),
                _ => BTreeMap::new(),
            },
            ..BgpNeighbor::default()
        });
    (
        prop::option::of(ip()),
        prop::collection::btree_map(ip().prop_map(|a| a.to_string()), neighbor, 0..3),
        prop::collection::vec(net(), 0..3),
        prop::collection::btree_map(ip().prop_map(|a| a.to_string()), bgp_family(d), 0..2),
        (
            prop::option::of(prop::sample::select(vec!["all", "best 3", "group-best"])),
            prop::option::of(prop::sample::select(vec![
                "send",
                "receive",
                "send receive",
            ])),
        ),
    )
        .prop_map(
            move |(rid, neighbors, nets, fam_neighbors, (select, paths))| {
                let mut networks: Vec<String> = nets
                    .iter()
                    .map(|n| match d {
                        Dialect::Ios => format!("{} mask {}", n.network(), n.mask()),
                        Dialect::NxOs => format!("{}/{}", n.network(), n.len),
                    })
                    .collect();
                networks.dedup();
                let mut families = BTreeMap::new();
                let key = match d {
                    Dialect::Ios => "ipv4",
                    Dialect::NxOs => "ipv4 unicast",
                };
                if !networks.is_empty() || d == Dialect::Ios && !fam_neighbors.is_empty() {
                    families.insert(
                        key.to_string(),
                        BgpFamily {
                            networks,
                            neighbors: if d == Dialect::Ios {
                                // Family settings of the process's neighbors only.
                                fam_neighbors
                                    .into_iter()
                                    .filter(|(k, _)| neighbors.contains_key(k))
                                    .collect()
                            } else {
                                BTreeMap::new()
                            },
                            // IOS only: `bgp additional-paths ...` in the family.
                            additional_paths_select: select
                                .filter(|_| d == Dialect::Ios)
                                .map(String::from),
                            additional_paths: paths.filter(|_| d == Dialect::Ios).map(String::from),
                            maximum_paths: rid.map(|r| (r.octets()[3] % 64 + 1).to_string()),
                            maximum_paths_ibgp: rid.map(|r| (r.octets()[2] % 64 + 1).to_string()),
                            ..BgpFamily::default()
                        },
                    );
                }
                BgpTable {
                    router_id: rid.map(|r| r.to_string()),
                    neighbors,
                    families,
                    ..BgpTable::default()
                }
            },
        )
}

fn config(d: Dialect) -> impl Strategy<Value = CiscoConfig> {
    let ifname = prop_oneof![
        (1u8..4, 1u8..49).prop_map(|(a, b)| format!("Ethernet{a}/{b}")),
        (1u16..100).prop_map(|n| format!("port-channel{n}")),
        (1u16..4094).prop_map(|n| format!("Vlan{n}")),
    ];
    (
        (
            prop::option::of(word()),
            prop::collection::btree_set(word(), 0..3),
        ),
        prop::collection::btree_map(
            1u16..4094,
            (prop::option::of(word()), any::<bool>()).prop_map(|(name, shutdown)| Vlan {
                name,
                shutdown,
                other: vec![],
            }),
            0..5,
        ),
        prop::collection::btree_map(word(), acl(d), 0..3),
        prop::collection::btree_map(ifname, interface(d), 0..5),
        (
            prop::collection::vec(route(), 0..4),
            vrf_contexts(),
            ios_vrfs(),
            bgp(d),
        ),
        (
            prop::option::of(ip()),
            prop::collection::vec((ip(), 0u8..3), 0..2),
            any::<bool>(),
        ),
        (
            prop::collection::vec(ip(), 0..2),
            prop::option::of(word()),
            prop::collection::vec(ip(), 0..2),
        ),
        (any::<bool>(), any::<bool>()),
        (
            prop::collection::vec("bootflash:/[a-z0-9.-]{1,12}\\.bin( sup-[12])?", 0..2),
            prop::collection::vec("bootflash:/[a-z0-9.-]{1,12}\\.bin( sup-[12])?", 0..2),
            any::<bool>(),
        ),
        (lines(d), services(d), roles(d)),
    )
        .prop_map(
            move |(
                (hostname, features),
                vlans,
                acls,
                interfaces,
                (mut static_routes, contexts, vrfs, bgp),
                (rid, nets, passive),
                (ntp, dom, logs),
                (hyphen, bare),
                (boot, kick, system_form),
                (lines, services, roles),
            )| {
                if d == Dialect::NxOs {
                    // NX-OS shows the global routes, then each VRF's in its context.
                    static_routes.sort_by(|a, b| a.vrf.cmp(&b.vrf));
                }
                // Every VRF with a route has its context (NX-OS reads each `vrf context`).
                let mut contexts = contexts;
                if d == Dialect::NxOs {
                    for v in static_routes.iter().filter_map(|r| r.vrf.clone()) {
                        contexts.entry(v).or_default();
                    }
                }
                let mut ospf = BTreeMap::new();
                if rid.is_some() || !nets.is_empty() {
                    ospf.insert(
                        "1".to_string(),
                        Ospf {
                            router_id: rid,
                            networks: nets
                                .iter()
                                .map(|(a, ar)| format!("{a} 0.0.0.255 area {ar}"))
                                .collect(),
                            passive_default: passive,
                            other: vec![],
                        },
                    );
                }
                CiscoConfig {
                    hostname,
                    features: if d == Dialect::NxOs {
                        features
                    } else {
                        BTreeSet::new()
                    },
                    vlans,
                    acls,
                    interfaces,
                    ospf,
                    static_routes,
                    vrf_contexts: if d == Dialect::NxOs {
                        contexts
                    } else {
                        BTreeMap::new()
                    },
                    ios_vrfs: if d == Dialect::Ios {
                        vrfs
                    } else {
                        BTreeMap::new()
                    },
                    ntp_servers: ntp.iter().map(|a| a.to_string()).collect(),
                    name_servers: vec![],
                    // The IOS-only older forms (`ip domain-name`, `logging A.B.C.D`).
                    domain_name_hyphen: hyphen && dom.is_some() && d == Dialect::Ios,
                    domain_name: dom,
                    logging_bare: bare && !logs.is_empty() && d == Dialect::Ios,
                    logging_hosts: logs.iter().map(|a| a.to_string()).collect(),
                    snmp_communities: BTreeMap::new(),
                    // NX-OS two-image platforms: `boot kickstart` + `boot system`.
                    boot_system_nxos: system_form && !boot.is_empty() && d == Dialect::NxOs,
                    boot_kickstart: if d == Dialect::NxOs { kick } else { vec![] },
                    boot,
                    lines,
                    services,
                    bgp,
                    roles,
                    other: vec![],
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn nxos_round_trip(m in config(Dialect::NxOs)) {
        let text = m.render(Dialect::NxOs);
        prop_assert_eq!(CiscoConfig::parse(&text, Dialect::NxOs), m.clone(), "{}", text);
        prop_assert!(m.diff(&m, Dialect::NxOs, "t").is_empty());
    }
    #[test]
    fn ios_round_trip(m in config(Dialect::Ios)) {
        let text = m.render(Dialect::Ios);
        prop_assert_eq!(CiscoConfig::parse(&text, Dialect::Ios), m.clone(), "{}", text);
        prop_assert!(m.diff(&m, Dialect::Ios, "t").is_empty());
    }
    #[test]
    fn diff_then_apply_converges(a in config(Dialect::NxOs), b in config(Dialect::NxOs)) {
        // Applying the plan's lines to a's text with a line-level simulator is the FakeNOS test's job;
        // here: a plan from a to b is empty only when the managed view of a equals b.
        let plan = a.diff(&b, Dialect::NxOs, "t");
        let view = a.managed_view(&b);
        prop_assert_eq!(plan.is_empty(), view.render(Dialect::NxOs) == b.render(Dialect::NxOs));
    }
}
