//! FortiOS DHCP servers (`config system dhcp server`, keyed by id). An entry's `config ip-range`
//! and `config reserved-address` tables stay in `nested`, as written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{quote, redact, tokens, valid_str, Entry};

entity!(
    /// `config system dhcp server` entry.
    DhcpServer {
        /// `enable` / `disable`.
        status: raw = "status",
        /// Interface the server answers on.
        interface: str = "interface",
        /// Default gateway given to clients.
        default_gateway: raw = "default-gateway",
        /// Netmask given to clients.
        netmask: raw = "netmask",
        /// `default` (the FortiGate's own DNS servers), `local` (the FortiGate), `specify`.
        dns_service: raw = "dns-service",
        /// First DNS server (`dns-service specify`).
        dns_server1: raw = "dns-server1",
        /// Second DNS server.
        dns_server2: raw = "dns-server2",
        /// Domain given to clients.
        domain: str = "domain",
        /// Lease time, in seconds.
        lease_time: raw = "lease-time",
        /// `local`, `default`, `specify`.
        ntp_service: raw = "ntp-service",
    }
);

impl super::FortiConfig {
    /// The problems of the DHCP servers: the interface defined (when the model states
    /// interfaces), one server per interface, the gateway and netmask IPv4.
    pub(super) fn dhcp_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut on: BTreeMap<&str, u32> = BTreeMap::new();
        for (id, d) in &self.dhcp_servers {
            match d.interface.as_deref() {
                None => out.push(format!(
                    "dhcp server {id} has no interface: set the interface it serves"
                )),
                Some(i) => {
                    if !self.interfaces.is_empty() && !self.interfaces.contains_key(i) {
                        out.push(format!(
                            "dhcp server {id} is on interface {i:?}, which is not defined"
                        ));
                    }
                    if let Some(first) = on.insert(i, *id) {
                        out.push(format!(
                            "dhcp servers {first} and {id} both serve interface {i:?}: keep one"
                        ));
                    }
                }
            }
            for (key, v) in [
                ("default-gateway", &d.default_gateway),
                ("netmask", &d.netmask),
            ] {
                if let Some(v) = v.as_deref() {
                    if v.parse::<std::net::Ipv4Addr>().is_err() {
                        out.push(format!(
                            "dhcp server {id} {key} {v:?} is not an IPv4 address (A.B.C.D)"
                        ));
                    }
                }
            }
        }
        out
    }
}
