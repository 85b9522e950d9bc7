//! The proposal's network baseline as typed models: VLANs 10/20/30, an LACP port-channel towards two
//! ESXi hosts, an SVI gateway with HSRP (IOS) or VRRP (NX-OS), a management ACL, and a FortiGate policy
//! set with a site-to-site IPsec tunnel. Used by the `network_baseline` example and the tests.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::cisco::*;
use crate::fortios::*;

fn vlans() -> BTreeMap<u16, Vlan> {
    [(10, "servers"), (20, "storage"), (30, "web")]
        .into_iter()
        .map(|(id, n)| {
            (
                id,
                Vlan {
                    name: Some(n.to_string()),
                    shutdown: false,
                    other: vec![],
                },
            )
        })
        .collect()
}

fn mgmt_acl(d: Dialect) -> Acl {
    let rules = [
        "remark hermes: management access",
        "permit tcp 10.0.10.0 0.0.0.255 any eq 22",
        "permit udp 10.0.10.0 0.0.0.255 any eq 161",
        "deny ip any any",
    ];
    match d {
        Dialect::NxOs => Acl {
            kind: AclKind::Ip,
            options: vec![],
            entries: rules
                .iter()
                .enumerate()
                .map(|(i, r)| AclEntry {
                    seq: Some(10 * (i as u32 + 1)),
                    rule: r.replace(" 0.0.0.255", "/24"),
                })
                .collect(),
        },
        Dialect::Ios => Acl {
            kind: AclKind::Extended,
            options: vec![],
            entries: rules
                .iter()
                .map(|r| AclEntry {
                    seq: None,
                    rule: r.to_string(),
                })
                .collect(),
        },
    }
}

/// The switch baseline for a dialect: `members` are the two ports towards the ESXi hosts,
/// `gateway_addr` the switch's own address on VLAN 10 (the virtual gateway is 10.0.10.1).
pub fn switch(
    d: Dialect,
    hostname: &str,
    members: [&str; 2],
    gateway_addr: Ipv4Addr,
    priority: u8,
) -> CiscoConfig {
    let mut c = CiscoConfig {
        hostname: Some(hostname.to_string()),
        vlans: vlans(),
        ..CiscoConfig::default()
    };
    let pc = match d {
        Dialect::NxOs => "port-channel10",
        Dialect::Ios => "Port-channel10",
    };
    let trunk = Switchport::Trunk {
        native: Some(1),
        allowed: Some(VlanSet([10, 20, 30].into_iter().collect())),
    };
    c.interfaces.insert(
        pc.to_string(),
        Interface {
            description: Some("LACP to esxi-01/esxi-02".into()),
            switchport: Some(trunk.clone()),
            shutdown: Some(false),
            ..Interface::default()
        },
    );
    for (i, m) in members.iter().enumerate() {
        c.interfaces.insert(
            m.to_string(),
            Interface {
                description: Some(format!("esxi-0{} vmnic{}", i + 1, i)),
                switchport: Some(trunk.clone()),
                channel_group: Some(ChannelGroup {
                    id: 10,
                    mode: LacpMode::Active,
                }),
                shutdown: Some(false),
                ..Interface::default()
            },
        );
    }
    let mut svi = Interface {
        description: Some("servers gateway".into()),
        ipv4: Some(Ipv4Net::new(gateway_addr, 24)),
        acl_in: Some("MGMT-IN".into()),
        shutdown: Some(false),
        ..Interface::default()
    };
    match d {
        Dialect::Ios => {
            svi.hsrp_version = Some(2);
            svi.hsrp.insert(
                10,
                Hsrp {
                    ip: Some(Ipv4Addr::new(10, 0, 10, 1)),
                    secondary: vec![],
                    priority: Some(priority),
                    forwarding_threshold: None,
                    preempt: true,
                    timers: Some((1, 3)),
                    authentication: None,
                    other: vec![],
                },
            );
        }
        Dialect::NxOs => {
            c.features
                .extend(["interface-vlan", "lacp", "vrrp"].map(String::from));
            svi.vrrp.insert(
                10,
                Vrrp {
                    ip: Some(Ipv4Addr::new(10, 0, 10, 1)),
                    priority: Some(priority),
                    preempt: Some(true),
                    shutdown: false,
                    other: vec![],
                },
            );
        }
    }
    c.interfaces.insert("Vlan10".to_string(), svi);
    c.acls.insert("MGMT-IN".into(), mgmt_acl(d));
    c.static_routes.push(StaticRoute {
        prefix: Ipv4Net::new(Ipv4Addr::new(0, 0, 0, 0), 0),
        next_hop: "10.0.10.254".into(),
        distance: None,
        name: None,
        tag: None,
        track: None,
        vrf: None,
    });
    c.ntp_servers = vec!["10.0.10.5".into()];
    c
}

/// The FortiGate baseline: LAN VLAN sub-interface, addresses, a service, the IPsec tunnel to the
/// remote site, and the ordered policy set.
pub fn firewall() -> FortiConfig {
    let mut f = FortiConfig::default();
    let s = |v: &str| Some(v.to_string());
    f.interfaces.insert(
        "port1".into(),
        FInterface {
            vdom: s("root"),
            ip: s("198.51.100.2 255.255.255.0"),
            kind: s("physical"),
            allowaccess: s("ping https ssh"),
            ..Default::default()
        },
    );
    f.interfaces.insert(
        "lan-v10".into(),
        FInterface {
            vdom: s("root"),
            ip: s("10.0.10.254 255.255.255.0"),
            kind: s("vlan"),
            interface: s("port2"),
            vlanid: s("10"),
            role: s("lan"),
            ..Default::default()
        },
    );
    for (n, subnet) in [
        ("servers", "10.0.10.0 255.255.255.0"),
        ("web", "10.0.30.0 255.255.255.0"),
        ("remote-site", "172.16.0.0 255.255.0.0"),
    ] {
        f.addresses.insert(
            n.into(),
            Address {
                subnet: s(subnet),
                ..Default::default()
            },
        );
    }
    f.addrgrps.insert(
        "internal".into(),
        AddrGrp {
            member: vec!["servers".into(), "web".into()],
            ..Default::default()
        },
    );
    f.services.insert(
        "app-8443".into(),
        Service {
            tcp_portrange: s("8443"),
            ..Default::default()
        },
    );
    f.phase1.insert(
        "to-remote".into(),
        Phase1 {
            interface: s("port1"),
            ike_version: s("2"),
            peertype: s("any"),
            net_device: s("disable"),
            proposal: s("aes256-sha256"),
            dhgrp: s("14"),
            remote_gw: s("203.0.113.10"),
            ..Default::default()
        },
    );
    f.phase2.insert(
        "to-remote".into(),
        Phase2 {
            phase1name: s("to-remote"),
            proposal: s("aes256-sha256"),
            dhgrp: s("14"),
            src_subnet: s("10.0.0.0 255.255.0.0"),
            dst_subnet: s("172.16.0.0 255.255.0.0"),
            ..Default::default()
        },
    );
    f.static_routes.insert(
        1,
        FStaticRoute {
            dst: s("172.16.0.0 255.255.0.0"),
            device: s("to-remote"),
            ..Default::default()
        },
    );
    let pol =
        |name: &str, src: &str, dst: &str, si: &str, di: &str, svc: &[&str], action: &str| Policy {
            name: s(name),
            srcintf: vec![si.into()],
            dstintf: vec![di.into()],
            srcaddr: vec![src.into()],
            dstaddr: vec![dst.into()],
            action: s(action),
            schedule: s("always"),
            service: svc.iter().map(|x| x.to_string()).collect(),
            ..Default::default()
        };
    f.policies = vec![
        (
            10,
            pol(
                "lan-to-remote",
                "internal",
                "remote-site",
                "lan-v10",
                "to-remote",
                &["ALL"],
                "accept",
            ),
        ),
        (
            11,
            pol(
                "remote-to-lan",
                "remote-site",
                "internal",
                "to-remote",
                "lan-v10",
                &["ALL"],
                "accept",
            ),
        ),
        (
            20,
            pol(
                "web-in",
                "all",
                "web",
                "port1",
                "lan-v10",
                &["HTTPS", "app-8443"],
                "accept",
            ),
        ),
        (
            99,
            pol(
                "deny-rest",
                "all",
                "all",
                "port1",
                "lan-v10",
                &["ALL"],
                "deny",
            ),
        ),
    ];
    f
}
