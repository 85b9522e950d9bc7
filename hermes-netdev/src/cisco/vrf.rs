//! IOS VRF definitions: `ip vrf NAME` (IPv4 only, IOS 12.x VRF-lite) and `vrf definition NAME`
//! (multiprotocol, IOS 15 / IOS-XE, with `address-family ipv4|ipv6` sub-modes ended by
//! `exit-address-family`).
//!
//! Typed: the description, the route distinguisher (`rd`) and the route targets (`route-target
//! export|import|both X`, at the VRF level and in each address family). `route-target both X` is
//! read as an export and an import target, which is how IOS shows it. Everything else in the
//! block (`vpn id`, `vnet tag`, `import map`, `mdt ...`) is kept as written.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use super::{after_words, other_of, words};
use crate::tree::{ConfigTree, NodeId, NodeKind};

/// Route targets, in the order they were written; IOS shows the export targets first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RouteTargets {
    /// `route-target export X` (and the export half of `route-target both X`).
    #[serde(default)]
    pub export: Vec<String>,
    /// `route-target import X` (and the import half of `route-target both X`).
    #[serde(default)]
    pub import: Vec<String>,
}

impl RouteTargets {
    /// Whether no target is stated.
    pub fn is_empty(&self) -> bool {
        self.export.is_empty() && self.import.is_empty()
    }

    /// Reads `route-target export|import|both X`; `false` if the line is not one, or states a
    /// target already read (it is then kept as written).
    fn read(&mut self, w: &[&str]) -> bool {
        let ["route-target", dir, rt] = w else {
            return false;
        };
        let rt = rt.to_string();
        match *dir {
            "export" if !self.export.contains(&rt) => self.export.push(rt),
            "import" if !self.import.contains(&rt) => self.import.push(rt),
            "both" if !self.export.contains(&rt) && !self.import.contains(&rt) => {
                self.export.push(rt.clone());
                self.import.push(rt);
            }
            _ => return false,
        }
        true
    }

    fn render(&self, o: &mut String, ind: &str) {
        for rt in &self.export {
            let _ = writeln!(o, "{ind}route-target export {rt}");
        }
        for rt in &self.import {
            let _ = writeln!(o, "{ind}route-target import {rt}");
        }
    }
}

/// One `address-family` of a `vrf definition`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VrfAddressFamily {
    /// The family's route targets.
    #[serde(default)]
    pub route_targets: RouteTargets,
    /// Lines of the family the model does not cover (`import map X`, `export map X`, `mdt ...`),
    /// as written (children indented relative to the family).
    #[serde(default)]
    pub other: Vec<String>,
}

/// An IOS VRF: `ip vrf NAME` or, with [`IosVrf::multiprotocol`], `vrf definition NAME`.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect};
/// let cfg = CiscoConfig::parse(
///     "vrf definition BLUE\n description tenant blue\n rd 65000:10\n !\n address-family ipv4\n  route-target both 65000:10\n exit-address-family\n!\n",
///     Dialect::Ios,
/// );
/// let blue = &cfg.ios_vrfs["BLUE"];
/// assert_eq!(blue.rd.as_deref(), Some("65000:10"));
/// assert_eq!(blue.address_families["ipv4"].route_targets.import, ["65000:10"]);
/// // Rendered as IOS shows it: `both` is an export and an import line.
/// assert!(cfg.render(Dialect::Ios).contains("  route-target export 65000:10\n  route-target import 65000:10\n exit-address-family\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IosVrf {
    /// Defined with `vrf definition NAME` (multiprotocol; interfaces join it with `vrf forwarding
    /// NAME`) rather than `ip vrf NAME` (interfaces join with `ip vrf forwarding NAME`).
    #[serde(default)]
    pub multiprotocol: bool,
    /// `description ...`.
    #[serde(default)]
    pub description: Option<String>,
    /// The route distinguisher (`rd 65000:10`, `rd 192.0.2.1:10`).
    #[serde(default)]
    pub rd: Option<String>,
    /// Route targets stated at the VRF level.
    #[serde(default)]
    pub route_targets: RouteTargets,
    /// `vrf definition` only: the address families by what follows `address-family` (`ipv4`,
    /// `ipv6`), each shown between `address-family X` and `exit-address-family`.
    #[serde(default)]
    pub address_families: BTreeMap<String, VrfAddressFamily>,
    /// Lines of the VRF the model does not cover (`vpn id`, `vnet tag`, `import map`), as
    /// written (children indented relative to the VRF).
    #[serde(default)]
    pub other: Vec<String>,
}

impl IosVrf {
    /// Models the children of an `ip vrf` / `vrf definition` block.
    pub(super) fn parse(tree: &ConfigTree<'_>, kids: &[NodeId], multiprotocol: bool) -> Self {
        let mut v = IosVrf {
            multiprotocol,
            ..IosVrf::default()
        };
        // The family whose sub-mode is open: its lines may also stand flat after the
        // `address-family` line, up to `exit-address-family`.
        let mut open: Option<String> = None;
        for &k in kids {
            let n = tree.node(k);
            if n.kind == NodeKind::Comment {
                continue;
            }
            let w = words(n.text);
            let leaf = tree.children(k).is_empty();
            match w.as_slice() {
                ["address-family", _, ..] if multiprotocol => {
                    let key = w[1..].join(" ");
                    let af = v.address_families.entry(key.clone()).or_default();
                    for &c in tree.children(k) {
                        af_line(tree, c, af);
                    }
                    open = Some(key);
                }
                ["exit-address-family"] if leaf && open.is_some() => open = None,
                _ if open.is_some() => {
                    let key = open.clone().unwrap_or_default();
                    af_line(tree, k, v.address_families.entry(key).or_default());
                }
                ["description", _, ..] if leaf && v.description.is_none() => {
                    v.description = Some(after_words(n.text, 1).to_string())
                }
                ["rd", rd] if leaf && v.rd.is_none() => v.rd = Some(rd.to_string()),
                ["route-target", ..] if leaf && v.route_targets.read(&w) => {}
                _ => v.other.push(other_of(tree, k)),
            }
        }
        v
    }

    /// Writes the block as IOS shows it.
    pub(super) fn render(&self, o: &mut String, name: &str, ind: &str) {
        if self.multiprotocol {
            let _ = writeln!(o, "vrf definition {name}");
        } else {
            let _ = writeln!(o, "ip vrf {name}");
        }
        if let Some(d) = &self.description {
            let _ = writeln!(o, "{ind}description {d}");
        }
        if let Some(rd) = &self.rd {
            let _ = writeln!(o, "{ind}rd {rd}");
        }
        self.route_targets.render(o, ind);
        for l in &self.other {
            super::push_other(o, l, ind);
        }
        for (af, f) in &self.address_families {
            let _ = writeln!(o, "{ind}address-family {af}");
            f.route_targets.render(o, &ind.repeat(2));
            for l in &f.other {
                super::push_other_at(o, l, ind, 2);
            }
            let _ = writeln!(o, "{ind}exit-address-family");
        }
    }

    /// What is wrong with the VRF `name` (route distinguisher and target formats, address
    /// families on an `ip vrf`).
    pub(super) fn problems(&self, name: &str, problems: &mut Vec<String>) {
        if name.is_empty() || name.contains(char::is_whitespace) {
            problems.push(format!(
                "VRF name {name:?} is empty or has blanks (IOS takes one word)"
            ));
        }
        if let Some(rd) = &self.rd {
            if !valid_rd(rd) {
                problems.push(format!(
                    "VRF {name}: route distinguisher {rd:?} is not ASN:nn (ASN 1-65535 with nn up \
                     to 4294967295, or a 4-byte ASN with nn up to 65535) or IP:nn (nn up to 65535)"
                ));
            }
        }
        let mut targets: Vec<(&str, &RouteTargets)> = vec![("", &self.route_targets)];
        targets.extend(
            self.address_families
                .iter()
                .map(|(af, f)| (af.as_str(), &f.route_targets)),
        );
        for (af, rts) in targets {
            for rt in rts.export.iter().chain(&rts.import) {
                if !valid_rd(rt) {
                    let at = if af.is_empty() {
                        String::new()
                    } else {
                        format!(" address-family {af}")
                    };
                    problems.push(format!(
                        "VRF {name}{at}: route target {rt:?} is not ASN:nn or IP:nn"
                    ));
                }
            }
        }
        if !self.multiprotocol && !self.address_families.is_empty() {
            problems.push(format!(
                "VRF {name}: address families need a `vrf definition` (set multiprotocol); \
                 `ip vrf` is IPv4 only"
            ));
        }
        for af in self.address_families.keys() {
            let w = words(af);
            if !matches!(
                w.as_slice(),
                ["ipv4" | "ipv6"] | ["ipv4" | "ipv6", "unicast" | "multicast"]
            ) {
                problems.push(format!(
                    "VRF {name}: address family {af:?} is not ipv4 or ipv6 [unicast|multicast]"
                ));
            }
        }
    }
}

/// One line inside an address family.
fn af_line(tree: &ConfigTree<'_>, k: NodeId, af: &mut VrfAddressFamily) {
    let n = tree.node(k);
    if n.kind == NodeKind::Comment {
        return;
    }
    let w = words(n.text);
    let leaf = tree.children(k).is_empty();
    match w.as_slice() {
        // Written inside the family (one level deeper) by some tools: the end of the family.
        ["exit-address-family"] if leaf => {}
        ["route-target", ..] if leaf && af.route_targets.read(&w) => {}
        _ => af.other.push(other_of(tree, k)),
    }
}

/// A route distinguisher or route target: `ASN:nn` (a 2-byte ASN with a 4-byte number, or a
/// 4-byte ASN, also written `X.Y`, with a 2-byte number) or `A.B.C.D:nn` (2-byte number).
pub fn valid_rd(s: &str) -> bool {
    let Some((a, n)) = s.split_once(':') else {
        return false;
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(n) {
        return false;
    }
    let small = n.parse::<u16>().is_ok();
    if a.parse::<Ipv4Addr>().is_ok() {
        return small;
    }
    if let Some((hi, lo)) = a.split_once('.') {
        return digits(hi)
            && digits(lo)
            && hi.parse::<u16>().is_ok()
            && lo.parse::<u16>().is_ok()
            && small;
    }
    if !digits(a) {
        return false;
    }
    match a.parse::<u32>() {
        Ok(asn) if asn <= 65535 => n.parse::<u32>().is_ok(),
        Ok(_) => small,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_distinguisher_formats() {
        for ok in [
            "65000:1",
            "1:3001",
            "65535:4294967295",
            "4200000000:7",
            "1.10:7",
            "192.0.2.1:10",
        ] {
            assert!(valid_rd(ok), "{ok}");
        }
        for bad in [
            "65000",
            "auto",
            ":1",
            "65000:",
            "4200000000:70000",
            "192.0.2.1:70000",
            "65536.1:1",
            "1:2:3",
            "x:1",
            "65000:-1",
        ] {
            assert!(!valid_rd(bad), "{bad}");
        }
    }
}
