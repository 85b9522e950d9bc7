//! FortiOS `get system interface`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{non_empty, ntc_opt};

/// One interface of FortiOS `get system interface` (ntc-templates `fortinet_get_system_interface`
/// fields). Settings the line has and no field names are kept in `other`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // one field per `key:` of the line, named as ntc-templates names them
pub struct FortiosInterface {
    /// `port5`, `wan1`, `ssl.root`.
    pub name: String,
    /// `static`, `dhcp`, `pppoe`.
    #[serde(default, with = "ntc_opt")]
    pub mode: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub management_ip: Option<Ipv4Addr>,
    #[serde(default, with = "ntc_opt")]
    pub management_netmask: Option<Ipv4Addr>,
    #[serde(default, with = "ntc_opt")]
    pub ip_address: Option<Ipv4Addr>,
    #[serde(default, with = "ntc_opt")]
    pub netmask: Option<Ipv4Addr>,
    /// `up` / `down`.
    #[serde(default, with = "ntc_opt")]
    pub status: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub netbios_forward: Option<String>,
    /// `physical`, `vlan`, `aggregate`, `tunnel`, `loopback`, `switch`...
    #[serde(default, with = "ntc_opt")]
    pub r#type: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ring_rx: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub ring_tx: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub netflow_sampler: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub sflow_sampler: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub scan_botnet_connections: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub src_check: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub explicit_web_proxy: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub explicit_ftp_proxy: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub proxy_captive_portal: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub switch_controller_feature: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub mtu_override: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub wccp: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub drop_overlapped_fragment: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub drop_fragment: Option<String>,
    /// Other `key: value` settings of the line, by key as printed.
    #[serde(skip)]
    pub other: BTreeMap<String, String>,
}

/// Parses FortiOS `get system interface` (one `name: ... key: value ...` line per interface).
///
/// ```
/// let i = hermes_netdev::show::parse_fortios_system_interface(
///     "== [ port5 ]\nname: port5 mode: static ip: 172.16.5.1 255.255.255.0 status: up \
///      netbios-forward: disable type: physical mtu-override: disable\n",
/// );
/// assert_eq!(i[0].name, "port5");
/// assert_eq!(i[0].ip_address, Some(std::net::Ipv4Addr::new(172, 16, 5, 1)));
/// assert_eq!(i[0].r#type.as_deref(), Some("physical"));
/// ```
pub fn parse_fortios_system_interface(text: &str) -> Vec<FortiosInterface> {
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.starts_with("name:") {
            continue;
        }
        // `key: value [value]` pairs: a key is a word ending in `:`.
        let mut pairs: Vec<(&str, Vec<&str>)> = Vec::new();
        for tok in line.split_whitespace() {
            match tok.strip_suffix(':') {
                Some(k) if !k.is_empty() && !k.contains(':') => pairs.push((k, Vec::new())),
                _ => {
                    if let Some((_, v)) = pairs.last_mut() {
                        v.push(tok);
                    }
                }
            }
        }
        let mut i = FortiosInterface::default();
        for (k, v) in pairs {
            let one = || v.first().and_then(|s| non_empty(s));
            let addr = |n: usize| v.get(n).and_then(|s| s.parse::<Ipv4Addr>().ok());
            match k {
                "name" => i.name = v.join(" "),
                "mode" => i.mode = one(),
                "management-ip" => {
                    i.management_ip = addr(0);
                    i.management_netmask = addr(1);
                }
                "ip" => {
                    i.ip_address = addr(0);
                    i.netmask = addr(1);
                }
                "status" => i.status = one(),
                "netbios-forward" => i.netbios_forward = one(),
                "type" => i.r#type = one(),
                "ring-rx" => i.ring_rx = v.first().and_then(|s| s.parse().ok()),
                "ring-tx" => i.ring_tx = v.first().and_then(|s| s.parse().ok()),
                "netflow-sampler" => i.netflow_sampler = one(),
                "sflow-sampler" => i.sflow_sampler = one(),
                "scan-botnet-connections" => i.scan_botnet_connections = one(),
                "src-check" => i.src_check = one(),
                "explicit-web-proxy" => i.explicit_web_proxy = one(),
                "explicit-ftp-proxy" => i.explicit_ftp_proxy = one(),
                "proxy-captive-portal" => i.proxy_captive_portal = one(),
                "switch-controller-feature" => i.switch_controller_feature = one(),
                "mtu-override" => i.mtu_override = one(),
                "wccp" => i.wccp = one(),
                "drop-overlapped-fragment" => i.drop_overlapped_fragment = one(),
                "drop-fragment" => i.drop_fragment = one(),
                _ => {
                    i.other.insert(k.to_string(), v.join(" "));
                }
            }
        }
        if !i.name.is_empty() {
            out.push(i);
        }
    }
    out
}
