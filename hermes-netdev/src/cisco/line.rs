//! Terminal lines: IOS `line con 0`, `line aux 0`, `line vty 0 4` (and any other `line ...`
//! range), NX-OS `line console` / `line vty`.
//!
//! Typed where an operator cares: the idle timeout (`exec-timeout`), the privilege level, `logging
//! synchronous`, how users log in (`login`, `login local`, `login authentication LIST`), the line
//! password (a [`hermes_core::Secret`]: never in `Debug`, serde output, errors or plans), the
//! access classes, the transports and the stop bits (IOS `stopbits`). Every other line of the
//! block (`no exec`, `session-limit 10`, `logging synchronous level all`) is kept on it as
//! written.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hermes_core::Secret;
use serde::{Deserialize, Serialize};

use super::{after_words, other_of, words, Dialect};
use crate::tree::{ConfigTree, NodeId, NodeKind};

/// A `line` block.
///
/// ```
/// use hermes_netdev::cisco::{CiscoConfig, Dialect, Login};
/// let cfg = CiscoConfig::parse("line vty 0 4\n access-class 10 in\n exec-timeout 9 0\n password 7 0822455D0A16\n login local\n transport input ssh\n", Dialect::Ios);
/// let vty = &cfg.lines["vty 0 4"];
/// assert_eq!(vty.exec_timeout.map(|t| (t.minutes, t.seconds)), Some((9, 0)));
/// assert_eq!(vty.login, Some(Login::Local));
/// assert_eq!(vty.transport_input.as_deref(), Some("ssh"));
/// // The password is a Secret: it never shows in Debug output.
/// assert!(!format!("{cfg:?}").contains("0822455D0A16"));
/// assert!(cfg.render(Dialect::Ios).contains(" password 7 0822455D0A16\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Line {
    /// `exec-timeout M S` (IOS) / `exec-timeout M` (NX-OS, minutes only); `0 0` never times out.
    pub exec_timeout: Option<ExecTimeout>,
    /// `privilege level N` (0-15).
    pub privilege_level: Option<u8>,
    /// `logging synchronous` (`Some(true)`); `Some(false)` renders nothing (off, the default the
    /// device does not show): the differ sends `no logging synchronous`. With options (`level
    /// all`) the line is kept as written.
    pub logging_synchronous: Option<bool>,
    /// How users log in.
    pub login: Option<Login>,
    /// `password [N] X`: the line password, with its encryption type as written (`7`, `0`, none).
    pub password: Option<LinePassword>,
    /// `access-class X in` (an IPv4 ACL that limits who connects).
    pub access_class_in: Option<String>,
    /// `access-class X out`.
    pub access_class_out: Option<String>,
    /// `transport input ...` as written after it (`ssh`, `telnet ssh`, `none`, `all`).
    pub transport_input: Option<String>,
    /// `transport output ...` as written after it.
    pub transport_output: Option<String>,
    /// `transport preferred ...` as written after it.
    pub transport_preferred: Option<String>,
    /// IOS `stopbits 1|1.5|2` (asynchronous lines: console, aux). IOS does not show `stopbits 2`,
    /// its default: a line that shows none is at 2.
    pub stopbits: Option<Stopbits>,
    /// Lines of the block the model does not cover, as written (with their children, indented
    /// relative to the block).
    pub other: Vec<String>,
}

/// An idle timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecTimeout {
    /// Minutes.
    pub minutes: u32,
    /// Seconds (IOS only; NX-OS states minutes).
    #[serde(default)]
    pub seconds: u32,
}

/// How users log in on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Login {
    /// `login`: the line password.
    Password,
    /// `login local`: the local user database (`username ...`).
    Local,
    /// `login authentication LIST`: an AAA method list.
    Authentication(String),
}

/// A line password. The value is a [`Secret`]: it is written to the device and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinePassword {
    /// The encryption type written before the value (`7` for the Cisco type-7 form, `0` for
    /// clear text stated as such); `None` when the value follows `password` directly.
    pub encryption: Option<u8>,
    /// The value as the device shows it (the type-7 string for `password 7 X`).
    pub value: Secret,
}

/// The stop bits of an asynchronous line (`stopbits X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stopbits {
    /// `stopbits 1`.
    One,
    /// `stopbits 1.5`.
    OneAndHalf,
    /// `stopbits 2` (the IOS default, not shown by the device).
    Two,
}

/// The transports IOS and NX-OS take after `transport input|output|preferred`.
const TRANSPORTS: [&str; 12] = [
    "all", "none", "ssh", "telnet", "rlogin", "lat", "mop", "pad", "udptn", "v120", "lapb-ta",
    "acercon",
];

impl Line {
    /// Reads the children of a `line` block into this line (a block entered again adds to it).
    pub(super) fn read(&mut self, tree: &ConfigTree<'_>, kids: &[NodeId], d: Dialect) {
        for &k in kids {
            let n = tree.node(k);
            if n.kind == NodeKind::Comment {
                continue;
            }
            let t = n.text;
            if !tree.children(k).is_empty() || !self.read_line(&words(t), t, d) {
                self.other.push(other_of(tree, k));
            }
        }
    }

    fn read_line(&mut self, w: &[&str], t: &str, d: Dialect) -> bool {
        fn set<T>(f: &mut Option<T>, v: Option<T>) -> bool {
            match v {
                Some(v) if f.is_none() => {
                    *f = Some(v);
                    true
                }
                _ => false,
            }
        }
        let num = |s: &str| s.parse::<u32>().ok().filter(|v| v.to_string() == s);
        let transports = |rest: &[&str]| {
            (!rest.is_empty() && rest.iter().all(|x| TRANSPORTS.contains(x)))
                .then(|| rest.join(" "))
        };
        match w {
            ["exec-timeout", m, s] if d == Dialect::Ios => set(
                &mut self.exec_timeout,
                num(m)
                    .zip(num(s))
                    .map(|(minutes, seconds)| ExecTimeout { minutes, seconds }),
            ),
            ["exec-timeout", m] if d == Dialect::NxOs => set(
                &mut self.exec_timeout,
                num(m).map(|minutes| ExecTimeout {
                    minutes,
                    seconds: 0,
                }),
            ),
            ["privilege", "level", l] => set(
                &mut self.privilege_level,
                l.parse::<u8>().ok().filter(|v| v.to_string() == *l),
            ),
            ["logging", "synchronous"] => set(&mut self.logging_synchronous, Some(true)),
            ["stopbits", b] if d == Dialect::Ios => set(
                &mut self.stopbits,
                match *b {
                    "1" => Some(Stopbits::One),
                    "1.5" => Some(Stopbits::OneAndHalf),
                    "2" => Some(Stopbits::Two),
                    _ => None,
                },
            ),
            ["login"] => set(&mut self.login, Some(Login::Password)),
            ["login", "local"] => set(&mut self.login, Some(Login::Local)),
            ["login", "authentication", l] => {
                set(&mut self.login, Some(Login::Authentication(l.to_string())))
            }
            ["password", e, v] if e.len() == 1 && e.parse::<u8>().is_ok() => set(
                &mut self.password,
                Some(LinePassword {
                    encryption: e.parse().ok(),
                    value: Secret::new(*v),
                }),
            ),
            ["password", v] => set(
                &mut self.password,
                Some(LinePassword {
                    encryption: None,
                    value: Secret::new(*v),
                }),
            ),
            ["access-class", a, "in"] => set(&mut self.access_class_in, Some(a.to_string())),
            ["access-class", a, "out"] => set(&mut self.access_class_out, Some(a.to_string())),
            ["transport", "input", rest @ ..] => set(&mut self.transport_input, transports(rest)),
            ["transport", "output", rest @ ..] => set(&mut self.transport_output, transports(rest)),
            ["transport", "preferred", rest @ ..] => {
                set(&mut self.transport_preferred, transports(rest))
            }
            _ => {
                let _ = t;
                false
            }
        }
    }

    /// Writes the block `line NAME` in dialect `d`, children indented with `ind`.
    pub(super) fn render(&self, o: &mut String, name: &str, d: Dialect, ind: &str) {
        let _ = writeln!(o, "line {name}");
        let mut line = |s: String| {
            let _ = writeln!(o, "{ind}{s}");
        };
        if let Some(a) = &self.access_class_in {
            line(format!("access-class {a} in"));
        }
        if let Some(a) = &self.access_class_out {
            line(format!("access-class {a} out"));
        }
        if let Some(t) = self.exec_timeout {
            line(match d {
                Dialect::Ios => format!("exec-timeout {} {}", t.minutes, t.seconds),
                Dialect::NxOs => format!("exec-timeout {}", t.minutes),
            });
        }
        if let Some(p) = self.privilege_level {
            line(format!("privilege level {p}"));
        }
        if let Some(p) = &self.password {
            match p.encryption {
                Some(e) => line(format!("password {e} {}", p.value.expose())),
                None => line(format!("password {}", p.value.expose())),
            }
        }
        if self.logging_synchronous == Some(true) {
            line("logging synchronous".into());
        }
        match self.stopbits {
            Some(Stopbits::One) => line("stopbits 1".into()),
            Some(Stopbits::OneAndHalf) => line("stopbits 1.5".into()),
            Some(Stopbits::Two) => line("stopbits 2".into()),
            None => {}
        }
        match &self.login {
            Some(Login::Password) => line("login".into()),
            Some(Login::Local) => line("login local".into()),
            Some(Login::Authentication(l)) => line(format!("login authentication {l}")),
            None => {}
        }
        if let Some(t) = &self.transport_preferred {
            line(format!("transport preferred {t}"));
        }
        if let Some(t) = &self.transport_input {
            line(format!("transport input {t}"));
        }
        if let Some(t) = &self.transport_output {
            line(format!("transport output {t}"));
        }
        for l in &self.other {
            for x in l.lines() {
                let depth = x.len() - x.trim_start().len();
                line(format!("{}{}", ind.repeat(depth), x.trim_start()));
            }
        }
    }

    /// The part of live line `self` that `want` manages: the fields it states and the unmodelled
    /// lines it states.
    pub(super) fn managed(&self, want: &Line) -> Line {
        Line {
            exec_timeout: want.exec_timeout.and(self.exec_timeout),
            privilege_level: want.privilege_level.and(self.privilege_level),
            logging_synchronous: want.logging_synchronous.and(self.logging_synchronous),
            login: want.login.as_ref().and(self.login.clone()),
            password: want.password.as_ref().and(self.password.clone()),
            access_class_in: want
                .access_class_in
                .as_ref()
                .and(self.access_class_in.clone()),
            access_class_out: want
                .access_class_out
                .as_ref()
                .and(self.access_class_out.clone()),
            transport_input: want
                .transport_input
                .as_ref()
                .and(self.transport_input.clone()),
            transport_output: want
                .transport_output
                .as_ref()
                .and(self.transport_output.clone()),
            transport_preferred: want
                .transport_preferred
                .as_ref()
                .and(self.transport_preferred.clone()),
            // A line that shows no `stopbits` is at IOS's default, 2.
            stopbits: match (want.stopbits, self.stopbits) {
                (Some(Stopbits::Two), None) => Some(Stopbits::Two),
                (w, l) => w.and(l),
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

/// The key of a `line` block: the words after `line`, single-spaced (`vty 0 4`, `console`).
pub(super) fn key(t: &str) -> String {
    after_words(t, 1)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What is wrong with the lines (pushed on `problems`); `acl_known` tells whether an access
/// class names a list the configuration has.
pub(super) fn problems(
    lines: &BTreeMap<String, Line>,
    acl_known: &dyn Fn(&str) -> bool,
    problems: &mut Vec<String>,
) {
    for (name, l) in lines {
        if let Some(p) = l.privilege_level.filter(|p| *p > 15) {
            problems.push(format!(
                "line {name}: privilege level {p} (levels are 0-15)"
            ));
        }
        for a in l.access_class_in.iter().chain(l.access_class_out.iter()) {
            if !acl_known(a) {
                problems.push(format!(
                    "line {name} uses access class {a}, which is not defined (add the access \
                     list to the model)"
                ));
            }
        }
        if let Some(p) = &l.password {
            if p.value.is_empty() {
                problems.push(format!("line {name}: the password is empty"));
            }
            if p.encryption.is_some_and(|e| e != 0 && e != 7) {
                problems.push(format!(
                    "line {name}: password encryption type {} (a line password is type 0, \
                     clear text, or 7)",
                    p.encryption.unwrap_or_default()
                ));
            }
        }
    }
}
