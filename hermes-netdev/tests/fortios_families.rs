//! The FortiOS families a FortiGate operator changes that were kept as written before: users
//! (`user local` / `group` / `radius` / `ldap`), schedules, the log settings, `system settings`
//! and `router ospf` with the `config redistribute` blocks of OSPF and BGP. Each is typed on the
//! real configurations of ssato/fortios-xutils (FortiOS 6.2.3, MIT, vendored in
//! `tests/data/configs/xutils`, SOURCES.md there), written back in FortiOS's layout, validated,
//! diffed in an order FortiOS accepts and turned into REST bodies; the secrets they hold (user
//! passwords, RADIUS / LDAP secrets, OSPF keys, IPsec pre-shared keys, HA passwords, and the
//! ones kept as written) never show in `Debug`, serde output, plans or errors.
//!
//! The OSPF, IPsec and HA layouts are written by hand after FortiOS 7.2's CLI reference (own
//! addresses and names): the vendored configurations hold only empty OSPF blocks.

use hermes_netdev::fortios::FortiConfig;

#[path = "common/configs.rs"]
mod configs;
use configs::{fortios_round_trip, vendored};

const SAMPLE0: &str = "xutils/fortios_cli_show_sample_0.txt";
const SAMPLE1: &str = "xutils/fortios_cli_show_sample_1.txt";

/// Families now typed: none of their blocks is left in `other`.
const TYPED: &[&str] = &[
    "config user local",
    "config user group",
    "config user radius",
    "config user ldap",
    "config firewall schedule recurring",
    "config firewall schedule onetime",
    "config log setting",
    "config log disk setting",
    "config log memory setting",
    "config log fortianalyzer setting",
    "config system settings",
    "config router ospf",
    "config firewall address6",
    "config firewall addrgrp6",
    "config firewall ippool",
    "config vpn ssl settings",
];

fn kept_heads(m: &FortiConfig) -> Vec<String> {
    m.other
        .iter()
        .chain(m.vdoms.iter().flat_map(|v| v.config.other.iter()))
        .map(|o| o.lines().next().unwrap_or_default().trim().to_string())
        .collect()
}

#[test]
fn users_schedules_logs_and_routing_of_a_real_fortigate_are_typed() {
    let m = fortios_round_trip(SAMPLE0, &vendored(SAMPLE0));
    let heads = kept_heads(&m);
    for t in TYPED {
        assert!(!heads.iter().any(|h| h == t), "{t} still kept as written");
    }
    // user local: a password user (its `ENC` password a Secret) and LDAP users.
    let guest = &m.users_local["guest"];
    assert_eq!(guest.kind.as_deref(), Some("password"));
    assert!(guest.passwd.as_ref().unwrap().expose().starts_with("ENC "));
    assert!(guest.extra.is_empty(), "{:?}", guest.extra);
    let timbo = &m.users_local["timbo"];
    assert_eq!(timbo.extra["passwd-time"], "2019-11-14 07:38:19");
    let ldap_user = &m.users_local["hridding"];
    assert_eq!(ldap_user.kind.as_deref(), Some("ldap"));
    assert_eq!(ldap_user.ldap_server.as_deref(), Some("ad-fortidemo"));
    // The servers and groups they belong to.
    let ad = &m.user_ldap["ad-fortidemo"];
    assert!(ad.server.is_some() && ad.dn.is_some() && ad.password.is_some());
    let radius = m.user_radius.values().next().expect("a RADIUS server");
    assert!(radius.secret.is_some() && radius.secondary_secret.is_some());
    assert_eq!(m.user_groups["Guest-group"].member, ["guest"]);
    assert!(m.user_groups["demo-admins"]
        .member
        .iter()
        .all(|g| m.user_radius.contains_key(g)));
    // Schedules, log settings, OSPF and BGP redistribution.
    assert!(m.schedules_recurring["always"].day.is_some());
    assert_eq!(
        m.log_disk.as_ref().unwrap().status.as_deref(),
        Some("disable")
    );
    assert!(m.log_memory.as_ref().unwrap().status.is_some());
    assert!(m
        .log_setting
        .as_ref()
        .unwrap()
        .fwpolicy_implicit_log
        .is_some());
    let kinds: Vec<&str> = m.ospf_redistribute.keys().map(String::as_str).collect();
    assert_eq!(kinds, ["bgp", "connected", "isis", "rip", "static"]);
    assert!(m.ospf.as_ref().unwrap().nested.is_empty());
    assert!(!m.bgp_redistribute.is_empty());
    assert!(m.bgp.as_ref().unwrap().nested.is_empty());
    assert_eq!(
        m.addresses6["SSLVPN_TUNNEL_IPv6_ADDR1"].ip6.as_deref(),
        Some("fdff:ffff::/120")
    );
    // SSL VPN settings; the authentication rules stay as written.
    let ssl = m.sslvpn.as_ref().unwrap();
    assert_eq!(ssl.port.as_deref(), Some("4430"));
    assert_eq!(ssl.servercert.as_deref(), Some("certificate-fortidemo"));
    assert_eq!(ssl.tunnel_ip_pools, ["SSLVPN_TUNNEL_ADDR1"]);
    assert_eq!(ssl.default_portal.as_deref(), Some("full-access"));
    assert!(ssl.extra.is_empty(), "{:?}", ssl.extra);
    assert!(ssl.nested[0].starts_with("config authentication-rule"));
    let mut bad = m.clone();
    bad.sslvpn.as_mut().unwrap().source_interface = vec!["wan9".into()];
    let err = bad.validate(SAMPLE0).unwrap_err().to_string();
    assert!(
        err.contains("vpn ssl settings listens on interface \"wan9\", which is not defined"),
        "{err}"
    );
    // Valid, and no secret in Debug (the project masked its ENC values as `XXX...`).
    assert!(m.validate(SAMPLE0).is_ok(), "{:?}", m.validate(SAMPLE0));
    let dbg = format!("{m:?}");
    assert!(!dbg.contains("ENC XXX"), "an ENC value in Debug");
    // serde writes the typed secrets redacted (text kept as written is serialised as it is).
    let json = serde_json::to_string(&(&m.users_local, &m.user_radius, &m.user_ldap)).unwrap();
    assert!(!json.contains("ENC"), "an ENC value in serde: {json}");
}

#[test]
fn the_same_device_with_vdoms_types_each_vdom() {
    let m = fortios_round_trip(SAMPLE1, &vendored(SAMPLE1));
    let names: Vec<&str> = m.vdoms.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["root", "ro"]);
    let heads = kept_heads(&m);
    for t in TYPED {
        assert!(!heads.iter().any(|h| h == t), "{t} still kept as written");
    }
    for v in &m.vdoms {
        let c = &v.config;
        assert!(c.users_local.contains_key("guest"), "{}", v.name);
        assert!(c.schedules_recurring.contains_key("always"), "{}", v.name);
        assert!(!c.ospf_redistribute.is_empty(), "{}", v.name);
    }
    // Only the second VDOM states its `system settings` (flow inspection).
    assert!(m.vdom("root").unwrap().settings.is_none());
    let ro = m.vdom("ro").unwrap().settings.as_ref().unwrap();
    assert_eq!(ro.inspection_mode.as_deref(), Some("flow"));
    // The project cut addresses out of this file (its history says so): groups and policies
    // name some that are gone, and policies use the other VDOM's ports. The families typed here
    // are all consistent.
    let err = m.validate(SAMPLE1).unwrap_err().to_string();
    assert!(err.contains("which is not defined"), "{err}");
    for family in ["user ", "schedule", "ospf"] {
        assert!(!err.contains(family), "{family}: {err}");
    }
    assert!(!format!("{m:?}").contains("ENC XXX"));
}

/// A FortiGate 60F's OSPF, after FortiOS 7.2's CLI reference (own addresses).
const OSPF: &str = "config router ospf
    set router-id 10.255.0.1
    set default-information-originate enable
    config area
        edit 0.0.0.0
        next
        edit 0.0.0.10
            set type stub
        next
    end
    config ospf-interface
        edit \"wan1-ospf\"
            set interface \"wan1\"
            set authentication text
            set authentication-key ENC q0spfKeY==
            set cost 20
            set dead-interval 40
            set hello-interval 10
        next
    end
    config network
        edit 1
            set prefix 10.10.0.0 255.255.255.0
        next
        edit 2
            set prefix 10.20.0.0 255.255.0.0
            set area 0.0.0.10
        next
    end
    config redistribute \"connected\"
        set status enable
        set metric-type 1
    end
    config redistribute \"static\"
    end
end
";

#[test]
fn ospf_is_typed_rendered_validated_and_sent_to_the_cmdb() {
    let m = fortios_round_trip("ospf", OSPF);
    let o = m.ospf.as_ref().unwrap();
    assert_eq!(o.router_id.as_deref(), Some("10.255.0.1"));
    assert_eq!(o.default_information_originate.as_deref(), Some("enable"));
    assert!(o.nested.is_empty() && o.extra.is_empty());
    assert_eq!(m.ospf_areas["0.0.0.10"].kind.as_deref(), Some("stub"));
    let i = &m.ospf_interfaces["wan1-ospf"];
    assert_eq!(i.interface.as_deref(), Some("wan1"));
    assert_eq!(i.cost.as_deref(), Some("20"));
    assert_eq!(
        i.authentication_key.as_ref().unwrap().expose(),
        "ENC q0spfKeY=="
    );
    assert_eq!(
        m.ospf_networks[&2].prefix.as_deref(),
        Some("10.20.0.0 255.255.0.0")
    );
    assert_eq!(
        m.ospf_redistribute["connected"].metric_type.as_deref(),
        Some("1")
    );
    assert!(m.ospf_redistribute["static"].status.is_none());
    // FortiOS layout: the tables, then the redistribute blocks, inside `config router ospf`.
    let out = m.render();
    assert!(
        out.starts_with("config router ospf\n    set router-id 10.255.0.1\n"),
        "{out}"
    );
    assert!(
        out.contains("    config ospf-interface\n        edit \"wan1-ospf\"\n"),
        "{out}"
    );
    assert!(out.contains("    config redistribute \"connected\"\n        set status enable\n        set metric-type 1\n    end\n"), "{out}");
    // The key never shows.
    for shown in [format!("{m:?}"), serde_json::to_string(&m).unwrap()] {
        assert!(!shown.contains("q0spfKeY"), "{shown}");
    }
    // REST: one body with the tables.
    let bodies = m.rest_bodies();
    let (path, _, body) = &bodies[0];
    assert_eq!(path, "/api/v2/cmdb/router/ospf");
    assert_eq!(body["router-id"], "10.255.0.1");
    assert_eq!(body["area"][1]["id"], "0.0.0.10");
    assert_eq!(body["network"][1]["id"], 2);
    assert_eq!(body["ospf-interface"][0]["name"], "wan1-ospf");
    assert_eq!(body["redistribute"][0]["name"], "connected");
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
}

#[test]
fn ospf_changes_are_sets_deletes_and_stated_keys_only() {
    let live = FortiConfig::parse(OSPF);
    let mut want = FortiConfig::parse(OSPF);
    want.ospf_networks.remove(&1);
    want.ospf_networks.get_mut(&2).unwrap().area = Some("0.0.0.0".into());
    want.ospf_redistribute.get_mut("static").unwrap().status = Some("enable".into());
    let cs = live.diff(&want, "fgt");
    assert_eq!(
        cs.commands(),
        [
            "config router ospf",
            "    config network",
            "        edit 2",
            "            set area 0.0.0.0",
            "        next",
            "        delete 1",
            "    end",
            "    config redistribute \"static\"",
            "        set status enable",
            "    end",
            "end",
        ]
    );
    // An interface the device shows with more keys than the model states is left alone, and a
    // key given in clear is not set over the device's encrypted one.
    let mut stated = FortiConfig::parse(OSPF);
    let i = stated.ospf_interfaces.get_mut("wan1-ospf").unwrap();
    i.dead_interval = None;
    i.authentication_key = Some(hermes_core::Secret::new("new-clear-key"));
    assert!(live.diff(&stated, "fgt").is_empty());
}

#[test]
fn ospf_problems_are_reported() {
    let text = OSPF
        .replace("set router-id 10.255.0.1", "set router-id 10.255.0")
        .replace("set area 0.0.0.10", "set area 0.0.0.99")
        .replace(
            "set prefix 10.10.0.0 255.255.255.0",
            "set prefix 10.10.0.0 255.0.255.0",
        );
    let m = FortiConfig::parse(&format!(
        "config system interface\n    edit \"internal\"\n    next\nend\n{text}"
    ));
    let err = configs::invalid_with(
        &m,
        &[
            "router-id \"10.255.0\" is not an IPv4 address",
            "network 2 is in area \"0.0.0.99\", which is not defined",
            "network 1 prefix \"10.10.0.0 255.0.255.0\" is not a subnet",
            "ospf-interface \"wan1-ospf\" is on interface \"wan1\", which is not defined",
        ],
    );
    assert!(!err.contains("q0spfKeY"), "{err}");
}

/// Users, a group, a schedule and a policy that names them (own names and addresses).
const USERS: &str = "config user radius
    edit \"nps\"
        set server \"10.0.0.20\"
        set secret ENC r4diusS3cret==
    next
end
config user local
    edit \"alice\"
        set type password
        set passwd ENC al1ceHash==
    next
    edit \"bob\"
        set type radius
        set radius-server \"nps\"
    next
end
config user group
    edit \"vpn-users\"
        set member \"alice\" \"bob\"
    next
end
config firewall schedule recurring
    edit \"office-hours\"
        set day monday tuesday wednesday thursday friday
        set start 07:00
        set end 19:00
    next
end
config firewall policy
    edit 10
        set name \"vpn-in\"
        set srcintf \"ssl.root\"
        set dstintf \"internal\"
        set srcaddr \"all\"
        set dstaddr \"all\"
        set action accept
        set schedule \"office-hours\"
        set service \"ALL\"
        set groups \"vpn-users\"
    next
end
";

#[test]
fn objects_a_policy_names_are_created_before_it_and_deleted_after_it() {
    let empty = FortiConfig::parse("");
    let mut want = FortiConfig::parse(USERS);
    // A security profile the model keeps as written is created before the policy that uses it.
    want.other.push(
        "config antivirus profile\n    edit \"av-strict\"\n        set comment \"strict\"\n    next\nend"
            .into(),
    );
    want.policies[0].1.av_profile = Some("av-strict".into());
    let cs = empty.diff(&want, "fgt");
    let heads: Vec<&str> = cs
        .commands()
        .into_iter()
        .filter(|c| c.starts_with("config "))
        .collect();
    assert_eq!(
        heads,
        [
            "config user radius",
            "config user local",
            "config user group",
            "config firewall schedule recurring",
            "config antivirus profile",
            "config firewall policy",
        ]
    );
    // Removing them all deletes the policy first, then what it named, in the reverse order.
    let back = want.clone();
    let mut bare = FortiConfig::parse("");
    bare.schedules_recurring
        .insert("always".into(), Default::default());
    bare.user_groups
        .insert("Guest-group".into(), Default::default());
    bare.policies.push((1, Default::default()));
    let cs = back.diff(&bare, "fgt");
    let deleted: Vec<&str> = cs
        .changes
        .iter()
        .filter(|c| c.action == hermes_core::Action::Delete)
        .map(|c| c.resource.as_str())
        .collect();
    assert_eq!(
        deleted,
        [
            "firewall policy",
            "firewall schedule recurring",
            "user group"
        ]
    );
    // Users and authentication servers are never deleted by a model that does not name them.
    assert!(!cs.commands().iter().any(|c| c.contains("delete \"alice\"")));
    assert!(!cs.commands().iter().any(|c| c.contains("delete \"nps\"")));
}

#[test]
fn users_are_validated_against_their_servers_groups_and_policies() {
    let m = FortiConfig::parse(USERS);
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
    let bad = FortiConfig::parse(
        &USERS
            .replace("set radius-server \"nps\"", "set radius-server \"nps2\"")
            .replace(
                "set member \"alice\" \"bob\"",
                "set member \"alice\" \"carol\"",
            )
            .replace("set schedule \"office-hours\"", "set schedule \"weekends\"")
            .replace("set groups \"vpn-users\"", "set groups \"admins\""),
    );
    let err = configs::invalid_with(
        &bad,
        &[
            "user local \"bob\" names radius-server \"nps2\", which is not defined",
            "user group \"vpn-users\" member \"carol\" is not defined",
            "policy 10 uses schedule \"weekends\", which is not defined",
            "policy 10 names user group \"admins\", which is not defined",
        ],
    );
    for secret in ["r4dius", "al1ce"] {
        assert!(!err.contains(secret), "{err}");
    }
}

#[test]
fn user_secrets_never_show_and_are_not_set_again_over_the_device_form() {
    let live = FortiConfig::parse(USERS);
    for shown in [format!("{live:?}"), serde_json::to_string(&live).unwrap()] {
        assert!(
            !shown.contains("r4dius") && !shown.contains("al1ce"),
            "{shown}"
        );
    }
    // A new password in clear for a user the device has: not sent again.
    let mut want = FortiConfig::parse(USERS);
    want.users_local.get_mut("alice").unwrap().passwd =
        Some(hermes_core::Secret::new("Clear-Pass-1"));
    want.user_radius.get_mut("nps").unwrap().secret = Some(hermes_core::Secret::new("clear"));
    assert!(live.diff(&want, "fgt").is_empty());
    // A new user with a password: the device gets it, a printed plan never shows it.
    want.users_local.insert(
        "carol".into(),
        hermes_netdev::fortios::UserLocal {
            kind: Some("password".into()),
            passwd: Some(hermes_core::Secret::new("Car0l-Pass")),
            ..Default::default()
        },
    );
    let cs = live.diff(&want, "fgt");
    assert!(cs.commands().iter().any(|c| c.contains("Car0l-Pass")));
    for shown in [
        cs.render(),
        format!("{cs:?}"),
        serde_json::to_string(&cs).unwrap(),
    ] {
        assert!(!shown.contains("Car0l"), "{shown}");
    }
}

/// An HA cluster and an IPsec tunnel as the device shows them: their secrets stored (`ENC`).
const HA_AND_TUNNEL: &str = "config system ha
    set group-name \"fgt-ha\"
    set mode a-p
    set password ENC h4Passw0rd==
end
config vpn ipsec phase1-interface
    edit \"to-dc\"
        set interface \"wan1\"
        set remote-gw 203.0.113.10
        set psksecret ENC pSkS3cret==
    next
end
";

#[test]
fn ipsec_and_ha_secrets_never_show_and_are_not_set_again() {
    let live = fortios_round_trip("ipsec", HA_AND_TUNNEL);
    assert!(live.ha.as_ref().unwrap().extra.is_empty());
    assert!(live.phase1["to-dc"].extra.is_empty());
    for shown in [format!("{live:?}"), serde_json::to_string(&live).unwrap()] {
        assert!(
            !shown.contains("h4Passw0rd") && !shown.contains("pSkS3cret"),
            "{shown}"
        );
    }
    // Written back as the device shows it.
    let out = live.render();
    assert!(
        out.contains("        set psksecret ENC pSkS3cret==\n"),
        "{out}"
    );
    assert!(out.contains("    set password ENC h4Passw0rd==\n"), "{out}");
    // Keys given in clear for what the device has are not sent again; a new tunnel's key is
    // sent and a plan shows it redacted.
    let mut want = live.clone();
    want.phase1.get_mut("to-dc").unwrap().psksecret = Some(hermes_core::Secret::new("new-psk"));
    want.ha.as_mut().unwrap().password = Some(hermes_core::Secret::new("new-ha"));
    assert!(live.diff(&want, "fgt").is_empty());
    let mut p1 = want.phase1["to-dc"].clone();
    p1.psksecret = Some(hermes_core::Secret::new("Br4nd-New-Psk"));
    want.phase1.insert("to-branch".into(), p1);
    let cs = live.diff(&want, "fgt");
    assert!(cs
        .commands()
        .iter()
        .any(|c| c.trim() == "set psksecret \"Br4nd-New-Psk\""));
    for shown in [
        cs.render(),
        format!("{cs:?}"),
        serde_json::to_string(&cs).unwrap(),
    ] {
        assert!(!shown.contains("Br4nd"), "{shown}");
    }
}

#[test]
fn marked_secrets_are_rotated_and_the_marks_are_checked() {
    let text = format!(
        "{HA_AND_TUNNEL}config user local
    edit \"alice\"
        set type password
        set passwd ENC QWxpY2U=
    next
end
"
    );
    let live = fortios_round_trip("rotate", &text);
    let mut want = live.clone();
    want.phase1.get_mut("to-dc").unwrap().psksecret = Some(hermes_core::Secret::new("R0tated-Psk"));
    want.users_local.get_mut("alice").unwrap().passwd =
        Some(hermes_core::Secret::new("R0tated-Pw"));
    want.ha.as_mut().unwrap().password = Some(hermes_core::Secret::new("R0tated-Ha"));
    assert!(live.diff(&want, "fgt").is_empty(), "not compared, not sent");
    // Marked: each marked secret is sent, the unmarked one is not.
    want.rotate_secret("vpn ipsec phase1-interface", "to-dc")
        .rotate_secret("system ha", "");
    want.validate("fgt").unwrap();
    let cs = live.diff(&want, "fgt");
    let sent = cs.commands().join("\n");
    assert!(
        sent.contains("R0tated-Psk") && sent.contains("R0tated-Ha"),
        "{sent}"
    );
    assert!(!sent.contains("R0tated-Pw"), "{sent}");
    for shown in [
        cs.render(),
        format!("{cs:?}"),
        format!("{want:?}"),
        serde_json::to_string(&cs).unwrap(),
    ] {
        assert!(!shown.contains("R0tated"), "{shown}");
    }
    // The marks are desired state only: kept by serde, never rendered.
    let json = serde_json::to_string(&want).unwrap();
    let back: FortiConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back.rotate_secrets, want.rotate_secrets);
    assert!(!want.render().contains("rotate"));
    // A mark that cannot be honoured is refused, naming it and what to do.
    let mut bad = live.clone();
    bad.rotate_secret("vpn ipsec phase1-interface", "to-dc") // still ENC: no new key stated
        .rotate_secret("vpn ipsec phase1-interface", "nowhere")
        .rotate_secret("firewall address", "web");
    let e = configs::invalid_with(
        &bad,
        &[
            "\"vpn ipsec phase1-interface/to-dc\", which states no secret in clear",
            "\"vpn ipsec phase1-interface/nowhere\", which this configuration does not define",
            "\"firewall address\" holds no secret Hermes rotates",
        ],
    );
    assert!(!e.contains("pSkS3cret"), "{e}");
}

#[test]
fn secrets_in_text_kept_as_written_never_show_in_debug() {
    // A certificate with its private key and password, a Wi-Fi passphrase and an unmodelled key
    // on a typed entry: kept as written (sent back unchanged), shown redacted.
    let text = "config vpn certificate local
    edit \"fgt-cert\"
        set password ENC c3rtPassw==
        set private-key \"-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIPr1v4tEK3y
-----END ENCRYPTED PRIVATE KEY-----\"
        set certificate \"-----BEGIN CERTIFICATE-----
MIIDpublicPart
-----END CERTIFICATE-----\"
    next
end
config wireless-controller vap
    edit \"corp\"
        set passphrase ENC w1f1Pass==
    next
end
config firewall address
    edit \"h\"
        set subnet 10.0.0.1 255.255.255.255
        set some-token-key ENC addrS3cret==
    next
end
";
    let m = fortios_round_trip("kept", text);
    assert!(m
        .render()
        .contains("MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIPr1v4tEK3y"));
    let dbg = format!("{m:?}");
    for secret in [
        "c3rtPassw",
        "MIIFHDBOBgkq",
        "END ENCRYPTED",
        "w1f1Pass",
        "addrS3cret",
    ] {
        assert!(!dbg.contains(secret), "{secret} in {dbg}");
    }
    // What is not secret stays readable.
    assert!(
        dbg.contains("MIIDpublicPart") && dbg.contains("corp"),
        "{dbg}"
    );
}

/// A NAT pool a policy uses, and IPv6 objects (own names and addresses).
const NAT6: &str = "config firewall address6
    edit \"srv6\"
        set ip6 2001:db8:10::/64
    next
end
config firewall addrgrp6
    edit \"servers6\"
        set member \"srv6\"
    next
end
config firewall ippool
    edit \"out-pool\"
        set startip 198.51.100.10
        set endip 198.51.100.20
        set arp-reply enable
    next
end
config firewall policy
    edit 5
        set srcintf \"internal\"
        set dstintf \"wan1\"
        set srcaddr \"all\"
        set dstaddr \"all\"
        set action accept
        set schedule \"always\"
        set service \"ALL\"
        set nat enable
        set ippool enable
        set poolname \"out-pool\"
    next
end
";

#[test]
fn ip_pools_and_ipv6_objects_are_typed_ordered_and_validated() {
    let m = fortios_round_trip("nat6", NAT6);
    assert!(m.other.is_empty(), "{:?}", m.other);
    assert_eq!(
        m.addresses6["srv6"].ip6.as_deref(),
        Some("2001:db8:10::/64")
    );
    assert_eq!(m.addrgrps6["servers6"].member, ["srv6"]);
    let pool = &m.ippools["out-pool"];
    assert_eq!(pool.startip.as_deref(), Some("198.51.100.10"));
    assert_eq!(pool.arp_reply.as_deref(), Some("enable"));
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
    // The pool and the IPv6 objects exist before the policy that names the pool.
    let cs = FortiConfig::parse("").diff(&m, "fgt");
    let heads: Vec<&str> = cs
        .commands()
        .into_iter()
        .filter(|c| c.starts_with("config "))
        .collect();
    assert_eq!(
        heads,
        [
            "config firewall address6",
            "config firewall addrgrp6",
            "config firewall ippool",
            "config firewall policy",
        ]
    );
    let bodies = m.rest_bodies();
    assert!(bodies
        .iter()
        .any(|(p, k, b)| p == "/api/v2/cmdb/firewall/ippool"
            && k == "out-pool"
            && b["endip"] == "198.51.100.20"));
    // Problems: a pool out of order, a policy naming a missing pool, a bad prefix, a group
    // member that is not an IPv6 address.
    let bad = FortiConfig::parse(
        &NAT6
            .replace("set endip 198.51.100.20", "set endip 198.51.100.1")
            .replace("set poolname \"out-pool\"", "set poolname \"other-pool\"")
            .replace("set ip6 2001:db8:10::/64", "set ip6 2001:db8:10::/200")
            .replace("set member \"srv6\"", "set member \"srv6\" \"srv7\""),
    );
    configs::invalid_with(
        &bad,
        &[
            "ippool \"out-pool\" starts at 198.51.100.10 after it ends at 198.51.100.1",
            "policy 5 names ippool \"other-pool\", which is not defined",
            "address6 \"srv6\" ip6 \"2001:db8:10::/200\" is not an IPv6 prefix",
            "address group6 \"servers6\" has member \"srv7\", which is not defined",
        ],
    );
}

/// A route-based tunnel to a branch, as an operator writes it on a 60F after FortiOS 7.2's CLI
/// reference (own names and addresses).
const TUNNEL: &str = "config firewall address
    edit \"lan\"
        set subnet 10.1.0.0 255.255.255.0
        set allow-routing enable
    next
    edit \"branch-lan\"
        set subnet 10.2.0.0 255.255.255.0
        set allow-routing enable
    next
end
config vpn ipsec phase1-interface
    edit \"to-branch\"
        set interface \"wan1\"
        set ike-version 2
        set keylife 28800
        set peertype any
        set net-device disable
        set proposal aes256-sha256
        set dpd on-idle
        set dhgrp 14
        set nattraversal enable
        set remote-gw 198.51.100.2
        set psksecret ENC tUnn3lPsk==
    next
end
config vpn ipsec phase2-interface
    edit \"to-branch\"
        set phase1name \"to-branch\"
        set proposal aes256-sha256
        set dhgrp 14
        set pfs enable
        set keylifeseconds 3600
        set src-addr-type name
        set dst-addr-type name
        set src-name \"lan\"
        set dst-name \"branch-lan\"
    next
end
config router static
    edit 5
        set device \"to-branch\"
        set dstaddr \"branch-lan\"
        set priority 10
    next
    edit 6
        set dst 10.2.0.0 255.255.255.0
        set blackhole enable
        set distance 254
    next
end
";

#[test]
fn tunnel_and_route_details_are_typed_and_validated() {
    let m = fortios_round_trip("tunnel", TUNNEL);
    let p1 = &m.phase1["to-branch"];
    assert!(p1.extra.is_empty(), "{:?}", p1.extra);
    assert_eq!(p1.keylife.as_deref(), Some("28800"));
    assert_eq!(p1.dpd.as_deref(), Some("on-idle"));
    assert_eq!(p1.nattraversal.as_deref(), Some("enable"));
    let p2 = &m.phase2["to-branch"];
    assert!(p2.extra.is_empty(), "{:?}", p2.extra);
    assert_eq!(p2.pfs.as_deref(), Some("enable"));
    assert_eq!(p2.src_name.as_deref(), Some("lan"));
    assert_eq!(p2.dst_addr_type.as_deref(), Some("name"));
    assert_eq!(m.static_routes[&5].dstaddr.as_deref(), Some("branch-lan"));
    assert_eq!(m.static_routes[&5].priority.as_deref(), Some("10"));
    assert_eq!(m.static_routes[&6].blackhole.as_deref(), Some("enable"));
    assert!(m.static_routes.values().all(|r| r.extra.is_empty()));
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
    // A selector or route naming an address that is not there.
    let bad = FortiConfig::parse(&TUNNEL.replace("edit \"branch-lan\"", "edit \"branch-net\""));
    let err = configs::invalid_with(
        &bad,
        &[
            "phase2 to-branch dst-name \"branch-lan\" is not a defined address or group",
            "static route 5 dstaddr \"branch-lan\" is not a defined address",
        ],
    );
    assert!(!err.contains("tUnn3l"), "{err}");
    // A changed lifetime is one `set`; the key never shows.
    let mut want = m.clone();
    want.phase2.get_mut("to-branch").unwrap().keylifeseconds = Some("7200".into());
    let cs = m.diff(&want, "fgt");
    assert_eq!(
        cs.commands(),
        [
            "config vpn ipsec phase2-interface",
            "    edit \"to-branch\"",
            "        set keylifeseconds 7200",
            "    next",
            "end",
        ]
    );
}

/// The LAN DHCP server of a FortiGate 60F, after FortiOS 7.2's CLI reference (own addresses).
const DHCP: &str = "config system interface
    edit \"internal\"
        set ip 192.168.1.99 255.255.255.0
        set allowaccess ping https ssh
    next
end
config system dhcp server
    edit 1
        set dns-service default
        set default-gateway 192.168.1.99
        set netmask 255.255.255.0
        set interface \"internal\"
        config ip-range
            edit 1
                set start-ip 192.168.1.110
                set end-ip 192.168.1.210
            next
        end
    next
end
";

#[test]
fn dhcp_servers_are_typed_validated_and_follow_their_interface() {
    let m = fortios_round_trip("dhcp", DHCP);
    let d = &m.dhcp_servers[&1];
    assert_eq!(d.interface.as_deref(), Some("internal"));
    assert_eq!(d.default_gateway.as_deref(), Some("192.168.1.99"));
    assert_eq!(d.dns_service.as_deref(), Some("default"));
    assert!(d.extra.is_empty() && d.nested[0].starts_with("config ip-range"));
    assert!(m.validate("fgt").is_ok(), "{:?}", m.validate("fgt"));
    let bodies = m.rest_bodies();
    assert!(bodies
        .iter()
        .any(|(p, k, b)| p == "/api/v2/cmdb/system.dhcp/server" && k == "1" && b["id"] == 1));
    // Created after the interface it serves; a changed gateway is one `set`.
    let cs = FortiConfig::parse("").diff(&m, "fgt");
    let heads: Vec<&str> = cs
        .commands()
        .into_iter()
        .filter(|c| c.starts_with("config "))
        .collect();
    assert_eq!(
        heads[..2],
        ["config system interface", "config system dhcp server"]
    );
    let mut want = m.clone();
    want.dhcp_servers.get_mut(&1).unwrap().default_gateway = Some("192.168.1.1".into());
    assert_eq!(
        m.diff(&want, "fgt").commands(),
        [
            "config system dhcp server",
            "    edit 1",
            "        set default-gateway 192.168.1.1",
            "    next",
            "end",
        ]
    );
    // Problems: an undefined interface, two servers on one interface, a bad netmask.
    let mut bad = m.clone();
    let mut second = bad.dhcp_servers[&1].clone();
    second.netmask = Some("255.255.255".into());
    bad.dhcp_servers.insert(2, second);
    bad.dhcp_servers.get_mut(&1).unwrap().interface = Some("lan9".into());
    let mut third = bad.dhcp_servers[&2].clone();
    third.netmask = None;
    bad.dhcp_servers.insert(3, third);
    configs::invalid_with(
        &bad,
        &[
            "dhcp server 1 is on interface \"lan9\", which is not defined",
            "dhcp servers 2 and 3 both serve interface \"internal\"",
            "dhcp server 2 netmask \"255.255.255\" is not an IPv4 address",
        ],
    );
}
