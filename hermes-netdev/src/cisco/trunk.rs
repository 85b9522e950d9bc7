//! The VLANs a trunk carries: the forms of `switchport trunk allowed vlan` a switch takes (NX-OS
//! and IOS: a list, `add`, `remove`, `except`, `all`, `none`) applied one after the other to the
//! allowed set, and the commands that turn one allowed set into another.
//!
//! `None` stands for every VLAN (1-4094), the default a switch does not show; a list naming every
//! VLAN is that default too. A running configuration shows the result as a list (continued on
//! `add` lines when long); a desired configuration may state it in any of these forms, and both
//! read into the same set.

use super::{Dialect, VlanSet};

/// The highest VLAN a trunk can carry.
const MAX_VLAN: u16 = 4094;

/// A VLAN list as the command takes it (`10,20-30`: VLANs 1-4094, no `none`).
fn list(v: &str) -> Option<VlanSet> {
    VlanSet::parse(v).filter(|s| v != "none" && s.0.iter().all(|x| (1..=MAX_VLAN).contains(x)))
}

/// Every VLAN a trunk carries by default.
fn every_vlan() -> VlanSet {
    VlanSet((1..=MAX_VLAN).collect())
}

/// The allowed set after the words that follow `switchport trunk allowed vlan` (`["add", "10"]`),
/// applied to `current` (`None`: every VLAN); `None` if the words are not a form the switch takes.
pub(super) fn apply(current: Option<&VlanSet>, w: &[&str]) -> Option<Option<VlanSet>> {
    let set = match w {
        ["all"] => return Some(None),
        ["none"] => VlanSet::default(),
        [v] => list(v)?,
        ["add", v] => {
            let more = list(v)?;
            let Some(c) = current else {
                return Some(None); // every VLAN already
            };
            let mut s = c.clone();
            s.0.extend(more.0);
            s
        }
        ["remove", v] => {
            let less = list(v)?;
            let mut s = current.cloned().unwrap_or_else(every_vlan);
            s.0.retain(|x| !less.0.contains(x));
            s
        }
        ["except", v] => {
            let less = list(v)?;
            let mut s = every_vlan();
            s.0.retain(|x| !less.0.contains(x));
            s
        }
        _ => return None,
    };
    Some((set != every_vlan()).then_some(set))
}

/// The commands (without indentation) that turn the allowed set `live` into `want` on a port that
/// stays a trunk, as an engineer types them: the VLANs added and removed (`add` before `remove`,
/// so no VLAN the port keeps is interrupted), `all` back to the default, `none`, or the whole list
/// when the port carried no list or none at all. Empty when the sets are equal.
///
/// ```text
/// 10,20 → 10,30: switchport trunk allowed vlan add 30
///                switchport trunk allowed vlan remove 20
/// ```
pub(super) fn commands(live: Option<&VlanSet>, want: Option<&VlanSet>, d: Dialect) -> Vec<String> {
    let cmd = |x: String| format!("switchport trunk allowed vlan {x}");
    match (live, want) {
        (l, w) if l == w => vec![],
        (_, None) => vec![cmd("all".into())],
        (Some(l), Some(w)) if !l.0.is_empty() && !w.0.is_empty() => {
            let added = VlanSet(w.0.difference(&l.0).copied().collect());
            let removed = VlanSet(l.0.difference(&w.0).copied().collect());
            let mut out = Vec::new();
            if !added.0.is_empty() {
                out.push(cmd(format!("add {}", added.render_in(d))));
            }
            if !removed.0.is_empty() {
                out.push(cmd(format!("remove {}", removed.render_in(d))));
            }
            out
        }
        (_, Some(w)) => vec![cmd(w.render_in(d))],
    }
}

/// Applies `commands` to `live` the way the switch does: where a plan's trunk commands end.
#[cfg(test)]
fn replay(live: Option<&VlanSet>, cmds: &[String]) -> Option<VlanSet> {
    let mut s = live.cloned();
    for c in cmds {
        let rest = c.strip_prefix("switchport trunk allowed vlan ").unwrap();
        let w: Vec<&str> = rest.split_whitespace().collect();
        s = apply(s.as_ref(), &w).unwrap_or_else(|| panic!("not a trunk command: {c}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> Option<VlanSet> {
        VlanSet::parse(s)
    }

    #[test]
    fn forms_apply_as_the_switch_applies_them() {
        let ten = set("10,20");
        assert_eq!(apply(None, &["10,20"]), Some(ten.clone()));
        assert_eq!(apply(ten.as_ref(), &["add", "30"]), Some(set("10,20,30")));
        assert_eq!(apply(None, &["add", "30"]), Some(None), "all stays all");
        assert_eq!(apply(ten.as_ref(), &["remove", "10"]), Some(set("20")));
        assert_eq!(apply(None, &["remove", "1"]), Some(set("2-4094")));
        assert_eq!(
            apply(ten.as_ref(), &["except", "1-4093"]),
            Some(set("4094"))
        );
        assert_eq!(apply(ten.as_ref(), &["all"]), Some(None));
        assert_eq!(apply(ten.as_ref(), &["none"]), Some(set("none")));
        assert_eq!(apply(ten.as_ref(), &["1-4094"]), Some(None), "every VLAN");
        assert_eq!(apply(ten.as_ref(), &["remove", "10,20"]), Some(set("none")));
        for bad in [
            &["add", "none"][..],
            &["remove", "4100"],
            &["except"],
            &["0"],
            &["10", "20"],
            &["1-4095"],
        ] {
            assert_eq!(apply(ten.as_ref(), bad), None, "{bad:?}");
        }
    }

    #[test]
    fn commands_end_in_the_wanted_set() {
        let cases = [
            ("10,20", "10,30"),
            ("10,20", "10,20-25"),
            ("10-100", "50"),
            ("10", "none"),
            ("none", "10"),
        ];
        for (l, w) in cases {
            let (l, w) = (set(l), set(w));
            for d in [Dialect::Ios, Dialect::NxOs] {
                let c = commands(l.as_ref(), w.as_ref(), d);
                assert!(!c.is_empty());
                assert_eq!(replay(l.as_ref(), &c), w, "{l:?} -> {w:?}: {c:?}");
            }
        }
        let c = commands(set("10,20").as_ref(), set("10,30").as_ref(), Dialect::NxOs);
        assert_eq!(
            c,
            [
                "switchport trunk allowed vlan add 30",
                "switchport trunk allowed vlan remove 20"
            ]
        );
        assert_eq!(
            commands(set("10").as_ref(), None, Dialect::Ios),
            ["switchport trunk allowed vlan all"]
        );
        assert_eq!(
            commands(None, set("10,11").as_ref(), Dialect::Ios),
            ["switchport trunk allowed vlan 10,11"]
        );
        assert!(commands(set("5").as_ref(), set("5").as_ref(), Dialect::Ios).is_empty());
    }
}
