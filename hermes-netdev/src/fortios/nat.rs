//! FortiOS source NAT pools: `config firewall ippool` (a policy with `set ippool enable` names
//! them in `poolname`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{quote, redact, tokens, valid_str, Entry};

entity!(
    /// `config firewall ippool` entry.
    IpPool {
        /// `overload` (default), `one-to-one`, `fixed-port-range`, `port-block-allocation`.
        kind: raw = "type",
        /// First external address.
        startip: raw = "startip",
        /// Last external address.
        endip: raw = "endip",
        /// First internal address (`fixed-port-range`).
        source_startip: raw = "source-startip",
        /// Last internal address (`fixed-port-range`).
        source_endip: raw = "source-endip",
        /// `enable` / `disable`: answer ARP for the pool's addresses.
        arp_reply: raw = "arp-reply",
        /// Comments.
        comments: str = "comments",
    }
);

impl super::FortiConfig {
    /// The problems of the IP pools and of the policies that name them: addresses in order, a
    /// pool named by a policy defined (when the model states pools).
    pub(super) fn ippool_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let ip = |v: &Option<String>| v.as_deref().map(|s| s.parse::<std::net::Ipv4Addr>());
        for (n, p) in &self.ippools {
            match (ip(&p.startip), ip(&p.endip)) {
                (Some(Ok(a)), Some(Ok(b))) if a > b => out.push(format!(
                    "ippool {n:?} starts at {a} after it ends at {b}: swap startip and endip"
                )),
                (Some(Err(_)), _) | (_, Some(Err(_))) => out.push(format!(
                    "ippool {n:?} startip / endip must be IPv4 addresses (A.B.C.D)"
                )),
                _ => {}
            }
        }
        if self.ippools.is_empty() {
            return out;
        }
        for (id, pol) in &self.policies {
            for pool in &pol.poolname {
                if !self.ippools.contains_key(pool) {
                    out.push(format!(
                        "policy {id} names ippool {pool:?}, which is not defined: add it to \
                         `config firewall ippool`"
                    ));
                }
            }
        }
        out
    }
}
