//! The `show` parsers agree with ntc-templates' parsed samples (../shared/data/netdev/ntc-templates).

use hermes_netdev::show::{parse_port_channel_summary, parse_show_vlan, PortChannelRow, VlanRow};

fn sample(name: &str) -> (String, serde_norway::Value) {
    let dir = hermes_testkit::shared_data().join("netdev/ntc-templates");
    let raw = std::fs::read_to_string(dir.join(format!("{name}.raw"))).unwrap();
    let yml: serde_norway::Value =
        serde_norway::from_str(&std::fs::read_to_string(dir.join(format!("{name}.yml"))).unwrap())
            .unwrap();
    (raw, yml["parsed_sample"].clone())
}

#[test]
fn show_vlan_matches_ntc_templates() {
    for name in ["cisco_nxos_show_vlan", "cisco_ios_show_vlan"] {
        let (raw, want) = sample(name);
        let want: Vec<VlanRow> = serde_norway::from_value(want).unwrap();
        assert_eq!(parse_show_vlan(&raw), want, "{name}");
    }
}

#[test]
fn port_channel_summary_matches_ntc_templates() {
    for name in [
        "cisco_nxos_show_port-channel_summary",
        "show_etherchannel_summary",
    ] {
        let (raw, want) = sample(name);
        let want: Vec<PortChannelRow> = serde_norway::from_value(want).unwrap();
        assert_eq!(parse_port_channel_summary(&raw), want, "{name}");
    }
}
