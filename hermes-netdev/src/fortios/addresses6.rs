//! FortiOS IPv6 firewall objects: `config firewall address6` and `config firewall addrgrp6`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{quote, redact, tokens, valid_list, valid_str, Entry};

entity!(
    /// `config firewall address6` entry.
    Address6 {
        /// `ipprefix` (default), `iprange`, `fqdn`, `template`...
        kind: raw = "type",
        /// Prefix (`2001:db8::/64`).
        ip6: raw = "ip6",
        /// Range start (`type iprange`).
        start_ip: raw = "start-ip",
        /// Range end.
        end_ip: raw = "end-ip",
        /// FQDN (`type fqdn`).
        fqdn: str = "fqdn",
        /// Comment.
        comment: str = "comment",
        /// UUID the device gave the object.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: raw = "uuid",
        /// Colour in the GUI (0-32).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: raw = "color",
    }
);

entity!(
    /// `config firewall addrgrp6` entry.
    AddrGrp6 {
        /// Member IPv6 addresses.
        member: list = "member",
        /// Comment.
        comment: str = "comment",
        /// UUID the device gave the group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        uuid: raw = "uuid",
        /// Colour in the GUI (0-32).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        color: raw = "color",
    }
);

/// Whether `v` is an IPv6 prefix as FortiOS writes one (`2001:db8::/64`).
fn is_prefix6(v: &str) -> bool {
    let Some((a, l)) = v.split_once('/') else {
        return false;
    };
    a.parse::<std::net::Ipv6Addr>().is_ok() && l.parse::<u8>().is_ok_and(|l| l <= 128)
}

impl super::FortiConfig {
    /// The problems of the IPv6 objects: each prefix an IPv6 prefix, each group member a defined
    /// IPv6 address or group (when the model states IPv6 addresses).
    pub(super) fn address6_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (n, a) in &self.addresses6 {
            if let Some(p) = a.ip6.as_deref().filter(|p| !is_prefix6(p)) {
                out.push(format!(
                    "address6 {n:?} ip6 {p:?} is not an IPv6 prefix (2001:db8::/64)"
                ));
            }
        }
        if self.addresses6.is_empty() {
            return out;
        }
        for (g, grp) in &self.addrgrps6 {
            for m in &grp.member {
                let known = self.addresses6.contains_key(m)
                    || self.addrgrps6.contains_key(m)
                    || super::BUILTIN.contains(&m.as_str());
                if !known {
                    out.push(format!(
                        "address group6 {g:?} has member {m:?}, which is not defined: add it to \
                         `config firewall address6`"
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ipv6_prefixes() {
        for ok in ["::/0", "2001:db8::/64", "fdff:ffff::/120", "::/128"] {
            assert!(super::is_prefix6(ok), "{ok}");
        }
        for bad in ["2001:db8::", "2001:db8::/129", "10.0.0.0/8", "x/64"] {
            assert!(!super::is_prefix6(bad), "{bad}");
        }
    }
}
