//! FortiOS SSL VPN settings (`config vpn ssl settings`: not a table). Its `config
//! authentication-rule` table stays in `nested`, as written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{quote, redact, tokens, valid_list, valid_str, Entry};

entity!(
    /// `config vpn ssl settings`.
    SslVpnSettings {
        /// `enable` / `disable` (FortiOS 7.x).
        status: raw = "status",
        /// HTTPS port of the portal.
        port: raw = "port",
        /// Server certificate.
        servercert: str = "servercert",
        /// Lowest TLS version accepted (`tls1-2`).
        ssl_min_proto_ver: raw = "ssl-min-proto-ver",
        /// Interfaces the portal listens on.
        source_interface: list = "source-interface",
        /// Addresses allowed to connect.
        source_address: list = "source-address",
        /// IPv6 addresses allowed to connect.
        source_address6: list = "source-address6",
        /// Address pools for tunnel mode.
        tunnel_ip_pools: list = "tunnel-ip-pools",
        /// IPv6 address pools for tunnel mode.
        tunnel_ipv6_pools: list = "tunnel-ipv6-pools",
        /// Portal for users no rule matches.
        default_portal: str = "default-portal",
        /// DNS servers given to tunnel clients.
        dns_server1: raw = "dns-server1",
        /// Second DNS server.
        dns_server2: raw = "dns-server2",
        /// Seconds of inactivity before a session ends.
        idle_timeout: raw = "idle-timeout",
    }
);

impl super::FortiConfig {
    /// The problems of the SSL VPN settings: tunnel pools and source addresses defined (when the
    /// model states addresses), listening interfaces defined (when it states interfaces).
    pub(super) fn sslvpn_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Some(s) = &self.sslvpn else {
            return out;
        };
        if !self.addresses.is_empty() {
            for a in s.tunnel_ip_pools.iter().chain(&s.source_address) {
                let known = self.addresses.contains_key(a)
                    || self.addrgrps.contains_key(a)
                    || super::BUILTIN.contains(&a.as_str());
                if !known {
                    out.push(format!(
                        "vpn ssl settings names address {a:?}, which is not defined: add it to \
                         `config firewall address`"
                    ));
                }
            }
        }
        if !self.interfaces.is_empty() {
            for i in &s.source_interface {
                if i != "any" && !self.interfaces.contains_key(i) && !self.zones.contains_key(i) {
                    out.push(format!(
                        "vpn ssl settings listens on interface {i:?}, which is not defined"
                    ));
                }
            }
        }
        out
    }
}
