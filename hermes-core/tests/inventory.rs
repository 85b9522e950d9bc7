//! The Ansible inventory reader on real-world inventory files (Ansible's documented examples, the
//! proposal's style) and on malformed ones.

use std::path::PathBuf;

use hermes_core::inventory::{Inventory, Var};
use hermes_core::ErrorKind;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inventory")
        .join(name)
}

#[test]
fn proposal_style_ini_with_groups_children_and_precedence() {
    let inv = Inventory::from_path(data("proposal.ini")).unwrap();
    let ilos = inv.select("hp_servers").unwrap();
    assert_eq!(
        ilos.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(),
        [
            "ilo-dl380-01",
            "ilo-dl380-02",
            "ilo-dl380-03",
            "ilo-dl380-04",
            "ilo-dl380-05"
        ]
    );
    let ilo5 = inv.host("ilo-dl380-05").unwrap();
    assert_eq!(
        (ilo5.address(), ilo5.port(), ilo5.user()),
        ("10.10.0.15", Some(8443), Some("Administrator"))
    );
    assert_eq!(
        ilo5.password().unwrap().unwrap().expose(),
        "HERMES-CANARY-7f3a9c-ilo"
    );
    assert_eq!(ilo5.var_str("ilo_firmware_target"), Some("2.72"));
    // A host without ansible_host connects to its name.
    assert_eq!(inv.host("ilo-dl380-03").unwrap().address(), "ilo-dl380-03");
    // Group vars from the grandparent reach the host; the host's own value wins over its group's.
    let esxi3 = inv.host("esxi-03").unwrap();
    assert_eq!(esxi3.var_str("dns_servers"), Some("10.0.0.53"));
    assert_eq!(esxi3.user(), Some("svc-hermes"));
    assert_eq!(inv.host("esxi-01").unwrap().user(), Some("root"));
    assert_eq!(esxi3.var("mgmt_vlan"), Some(&Var::Int(20)));
    // Child group vars beat parent group vars: network says netops, datacenter says nothing.
    let n3k = inv.host("n3k-core-01").unwrap();
    assert_eq!(n3k.user(), Some("netops"));
    assert!(n3k.in_group("network") && n3k.in_group("datacenter") && n3k.in_group("all"));
    assert_eq!(n3k.var_str("ansible_network_os"), Some("nxos"));
    // Secrets by name are held as secrets.
    let fgt = inv.host("fgt-60f-01").unwrap();
    assert!(matches!(fgt.var("fortios_api_token"), Some(Var::Secret(_))));
    assert_eq!(
        fgt.secret("fortios_api_token").unwrap().expose(),
        "HERMES-CANARY-7f3a9c-fgt"
    );
    // Patterns: union, intersection, exclusion, wildcards.
    let names = |p: &str| {
        inv.select(p)
            .unwrap()
            .into_iter()
            .map(|h| h.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names("nexus_switch:catalyst_switch"),
        ["c3750-acc-01", "n3k-core-01", "n3k-core-02"]
    );
    assert_eq!(names("network:&nexus_switch:!n3k-core-02"), ["n3k-core-01"]);
    assert_eq!(names("esxi-0*").len(), 3);
    assert_eq!(inv.select("all").unwrap().len(), 5 + 3 + 2 + 1 + 1);
    let e = inv.select("nexus_switches").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string().contains("proposal.ini") && e.to_string().contains("nexus_switches"),
        "{e}"
    );
}

#[test]
fn ansible_documented_yaml_example() {
    let inv = Inventory::from_path(data("ansible_docs_example.yml")).unwrap();
    let names = |p: &str| {
        inv.select(p)
            .unwrap()
            .into_iter()
            .map(|h| h.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names("prod"),
        ["foo.example.com", "one.example.com", "two.example.com"]
    );
    assert_eq!(names("test"), ["bar.example.com", "three.example.com"]);
    assert_eq!(names("ungrouped"), ["mail.example.com"]);
    assert_eq!(inv.host_names().len(), 6);
    let foo = inv.host("foo.example.com").unwrap();
    assert!(foo.in_group("webservers") && foo.in_group("east") && foo.in_group("prod"));
}

#[test]
fn ansible_documented_ini_example() {
    let inv = Inventory::from_path(data("ansible_docs_example.ini")).unwrap();
    assert_eq!(inv.select("webservers").unwrap().len(), 52);
    assert_eq!(inv.select("dbservers").unwrap().len(), 9);
    let host2 = inv.host("host2").unwrap();
    assert_eq!(host2.var("http_port"), Some(&Var::Int(303)));
    assert_eq!(host2.var_str("ntp_server"), Some("ntp.atlanta.example.com"));
    assert_eq!(host2.var_str("escape_pods"), Some("2"));
    assert!(host2.in_group("usa") && host2.in_group("southeast"));
    // Groups named as children but never defined exist, empty.
    assert!(inv.group("northeast").is_some());
    assert_eq!(inv.select("ungrouped").unwrap().len(), 1);
}

#[test]
fn yaml_precedence_priority_lookups_and_vault_values() {
    std::env::set_var("HERMES_TEST_ILO_PASSWORD", "from-the-environment");
    let inv = Inventory::from_path(data("datacenter.yml")).unwrap();
    let ilo = inv.host("ilo-dl380-07").unwrap();
    assert_eq!(ilo.user(), Some("Administrator"));
    assert_eq!(
        ilo.password().unwrap().unwrap().expose(),
        "from-the-environment"
    );
    assert_eq!(
        ilo.var("redfish_verify_tls").and_then(Var::as_bool),
        Some(false)
    );
    let esxi = inv.host("esxi-01").unwrap();
    assert_eq!(esxi.var("cpu_overcommit"), Some(&Var::Float(2.5)));
    assert!(matches!(esxi.var("datastores"), Some(Var::List(l)) if l.len() == 2));
    assert!(matches!(esxi.var("vcenter_token"), Some(Var::Secret(_))));
    // Child group (postgres, depth 2) beats parent (databases, depth 1); host beats both.
    assert_eq!(inv.host("pg-02").unwrap().var_str("role"), Some("replica"));
    assert_eq!(inv.host("pg-01").unwrap().var_str("role"), Some("primary"));
    assert_eq!(
        inv.host("redis-01").unwrap().var_str("role"),
        Some("generic")
    );
    assert_eq!(
        inv.host("redis-01").unwrap().var_str("backup_schedule"),
        Some("0 3 * * SUN")
    );
    assert_eq!(
        inv.host("esxi-02").unwrap().var_str("backup_schedule"),
        Some("0 2 * * *")
    );
    // An Ansible-Vault value is refused with a clear message, never sent as a password.
    let e = inv.host("old-box").unwrap().password().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.to_string().contains("Ansible-Vault"), "{e}");
    // A lookup of an unset variable names it.
    std::env::remove_var("HERMES_TEST_ILO_PASSWORD");
    let e = inv.host("ilo-dl380-01").unwrap().password().unwrap_err();
    assert!(e.to_string().contains("HERMES_TEST_ILO_PASSWORD"), "{e}");
}

#[test]
fn malformed_inventories_name_file_line_and_problem() {
    let cases = [
        ("bad_list_hosts.yml", ":4:", "must be a map of host names"),
        ("bad_section.ini", ":4:", "unknown section type :variables"),
        ("bad_yaml.yml", "bad_yaml.yml:", "not valid YAML"),
        ("cycle.ini", "cycle.ini", "its own descendant"),
    ];
    for (file, at, what) in cases {
        let e = Inventory::from_path(data(file)).unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{file}: {msg}");
        assert!(
            msg.contains(file) && msg.contains(at) && msg.contains(what),
            "{file}: {msg}"
        );
    }
    let e = Inventory::parse_ini("[g]\nh ansible_port=\"22\n", "inline.ini").unwrap_err();
    assert!(
        e.to_string().contains("inline.ini:2") && e.to_string().contains("unterminated quote"),
        "{e}"
    );
    let e = Inventory::parse_ini("[g]\nweb[05:01]\n", "inline.ini").unwrap_err();
    assert!(
        e.to_string().contains("inline.ini:2") && e.to_string().contains("starts after it ends"),
        "{e}"
    );
    let e = Inventory::from_path(data("missing.ini")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
}
