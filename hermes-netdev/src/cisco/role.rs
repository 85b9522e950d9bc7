//! NX-OS user roles: `role name X` blocks with their `description` and numbered `rule N permit|deny
//! ...` lines (Cisco Nexus NX-OS Security Configuration Guide, "Configuring User Accounts and
//! RBAC": `rule number {deny | permit} {command command-string | {read | read-write} [feature
//! name | feature-group name | oid snmp-oid]}`, `no rule number`, rules 1-256, applied from the
//! highest number down).
//!
//! NX-OS shows a role's description first and its rules from the highest number down; the model
//! renders them so. Other lines of the block (`vlan policy deny` with its `permit vlan` lines,
//! `interface policy deny`, `vrf policy deny`) are kept on the role as written.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::{after_words, other_of, words};
use crate::tree::{ConfigTree, NodeId, NodeKind};

/// The roles NX-OS defines and does not let an administrator change.
const FIXED_ROLES: [&str; 4] = [
    "network-admin",
    "network-operator",
    "vdc-admin",
    "vdc-operator",
];

/// The highest rule number NX-OS takes.
pub const MAX_RULE: u16 = 256;

/// A `role name X` block.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect, RuleAccess};
/// let cfg = CiscoConfig::parse("role name ops\n  description operators\n  rule 2 permit command show *\n  rule 1 permit read-write feature-group L3\n", Dialect::NxOs);
/// let ops = &cfg.roles["ops"];
/// assert_eq!(ops.description.as_deref(), Some("operators"));
/// assert_eq!(ops.rules[&2].access, RuleAccess::Command("show *".into()));
/// assert!(cfg.render(Dialect::NxOs).contains("  rule 2 permit command show *\n  rule 1 permit"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Role {
    /// `description X`.
    pub description: Option<String>,
    /// `rule N ...` by number.
    pub rules: BTreeMap<u16, RoleRule>,
    /// Lines of the block the model does not cover, as written (with their children, indented
    /// relative to the block).
    pub other: Vec<String>,
}

/// One `rule N` line of a role: what it permits or denies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRule {
    /// `permit` (`true`) or `deny` (`false`).
    pub permit: bool,
    /// What the rule covers.
    pub access: RuleAccess,
}

/// What a role rule covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleAccess {
    /// `command X`: the commands matching X (`show *`).
    Command(String),
    /// `read [feature F | feature-group G | oid O]`: the scope as written after `read`.
    Read(Option<String>),
    /// `read-write [feature F | feature-group G | oid O]`: the scope as written.
    ReadWrite(Option<String>),
}

impl RoleRule {
    /// Reads the words after `rule N`; `None` for a form the model does not cover.
    fn parse(w: &[&str]) -> Option<Self> {
        let (permit, rest) = match w.split_first()? {
            (&"permit", rest) => (true, rest),
            (&"deny", rest) => (false, rest),
            _ => return None,
        };
        let scope = |s: &[&str]| match s {
            [] => Some(None),
            [kind @ ("feature" | "feature-group" | "oid"), x] => Some(Some(format!("{kind} {x}"))),
            _ => None,
        };
        let access = match rest {
            ["command", c @ ..] if !c.is_empty() => RuleAccess::Command(c.join(" ")),
            ["read", s @ ..] => RuleAccess::Read(scope(s)?),
            ["read-write", s @ ..] => RuleAccess::ReadWrite(scope(s)?),
            _ => return None,
        };
        Some(RoleRule { permit, access })
    }

    /// The rule as written after its number (`permit command show *`).
    ///
    /// ```
    /// use hermes_netdev::cisco::{RoleRule, RuleAccess};
    /// let r = RoleRule { permit: false, access: RuleAccess::ReadWrite(Some("feature-group L3".into())) };
    /// assert_eq!(r.text(), "deny read-write feature-group L3");
    /// ```
    pub fn text(&self) -> String {
        let action = if self.permit { "permit" } else { "deny" };
        match &self.access {
            RuleAccess::Command(c) => format!("{action} command {c}"),
            RuleAccess::Read(None) => format!("{action} read"),
            RuleAccess::Read(Some(s)) => format!("{action} read {s}"),
            RuleAccess::ReadWrite(None) => format!("{action} read-write"),
            RuleAccess::ReadWrite(Some(s)) => format!("{action} read-write {s}"),
        }
    }
}

impl Role {
    /// Reads the children of a `role name` block (a block entered again adds to it).
    pub(super) fn read(&mut self, tree: &ConfigTree<'_>, kids: &[NodeId]) {
        for &k in kids {
            let n = tree.node(k);
            if n.kind == NodeKind::Comment {
                continue;
            }
            let t = n.text;
            let leaf = tree.children(k).is_empty();
            let w = words(t);
            let read = leaf
                && match w.as_slice() {
                    ["description", _, ..] if self.description.is_none() => {
                        self.description = Some(after_words(t, 1).to_string());
                        true
                    }
                    ["rule", n, rest @ ..] => {
                        let num = n.parse::<u16>().ok().filter(|v| v.to_string() == *n);
                        match (num, RoleRule::parse(rest)) {
                            (Some(num), Some(r)) if !self.rules.contains_key(&num) => {
                                self.rules.insert(num, r);
                                true
                            }
                            _ => false,
                        }
                    }
                    _ => false,
                };
            if !read {
                self.other.push(other_of(tree, k));
            }
        }
    }

    /// Writes the block `role name NAME`, children indented with `ind`.
    pub(super) fn render(&self, o: &mut String, name: &str, ind: &str) {
        let _ = writeln!(o, "role name {name}");
        if let Some(d) = &self.description {
            let _ = writeln!(o, "{ind}description {d}");
        }
        for (n, r) in self.rules.iter().rev() {
            let _ = writeln!(o, "{ind}rule {n} {}", r.text());
        }
        for l in &self.other {
            for x in l.lines() {
                let depth = x.len() - x.trim_start().len();
                let _ = writeln!(o, "{}{}{}", ind, ind.repeat(depth), x.trim_start());
            }
        }
    }

    /// The part of live role `self` that `want` manages: its description if `want` states one,
    /// every rule if `want` states rules (the rules are then made equal), and the unmodelled lines
    /// `want` states.
    pub(super) fn managed(&self, want: &Role) -> Role {
        Role {
            description: want.description.as_ref().and(self.description.clone()),
            rules: if want.rules.is_empty() {
                BTreeMap::new()
            } else {
                self.rules.clone()
            },
            other: self
                .other
                .iter()
                .filter(|o| want.other.contains(o))
                .cloned()
                .collect(),
        }
    }
}

/// What is wrong with the roles (pushed on `problems`): a rule number NX-OS does not take, a
/// change to a role NX-OS does not let anyone change.
pub(super) fn problems(roles: &BTreeMap<String, Role>, problems: &mut Vec<String>) {
    for (name, r) in roles {
        if FIXED_ROLES.contains(&name.as_str()) {
            problems.push(format!(
                "role {name} is a predefined NX-OS role that cannot be changed: define a role of \
                 your own (`role name X`) and assign it to the users"
            ));
        }
        for n in r.rules.keys().filter(|n| !(1..=MAX_RULE).contains(*n)) {
            problems.push(format!(
                "role {name}: rule {n} is out of range (NX-OS numbers rules 1-{MAX_RULE})"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_forms() {
        let r = |s: &str| RoleRule::parse(&s.split_whitespace().collect::<Vec<_>>());
        for s in [
            "permit command show *",
            "deny read-write feature-group L3",
            "permit read",
            "permit read oid 1.3.6.1.2.1.1.9",
            "deny read-write feature router-bgp",
        ] {
            assert_eq!(r(s).map(|x| x.text()).as_deref(), Some(s));
        }
        for s in [
            "permit",
            "allow read",
            "permit command",
            "permit read feature",
        ] {
            assert!(r(s).is_none(), "{s}");
        }
    }
}
