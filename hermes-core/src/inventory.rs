//! Inventories: hosts, groups and variables, read from Ansible inventory files (YAML and INI) so that a
//! team's existing `hosts.yml` / `hosts.ini` drives Hermes unchanged.
//!
//! Supported, as Ansible defines it: groups with `hosts`, `vars` and `children` (YAML) or `[group]`,
//! `[group:vars]`, `[group:children]` (INI); hosts outside any group (`ungrouped`); the implicit `all`;
//! host ranges (`web[01:20].dc1`, `rack-[a:d]`, `[0:10:2]`); host variables on INI host lines (typed
//! like Ansible: numbers and booleans) and group variables (strings); variable precedence `all` < parent
//! groups < child groups < host (groups of the same depth in name order, `ansible_group_priority` first);
//! the connection variables `ansible_host`, `ansible_port`, `ansible_user`, `ansible_password`
//! (`ansible_ssh_pass`); patterns such as `esxi_hosts:&dc1:!esxi-03`.
//!
//! Secrets: any variable named like a password, secret or token (`ansible_password`, `*_password`,
//! `*_pass`, `*_secret`, `*_token`) is held as a [`Secret`] and never printed. A value written
//! `{{ lookup('env', 'NAME') }}` or `{{ lookup('file', '/path') }}` is read from there when asked for.
//! Ansible-Vault values (`!vault |`) are recognised and refused with a clear message.
//!
//! ```
//! use hermes_core::inventory::Inventory;
//! let inv = Inventory::parse_ini("
//! [hp_servers]
//! ilo-dl380-[01:03] ansible_user=admin
//!
//! [esxi_hosts]
//! esxi-01 ansible_host=10.0.10.11
//!
//! [datacenter:children]
//! hp_servers
//! esxi_hosts
//!
//! [datacenter:vars]
//! ntp_server=10.0.0.1
//! ", "hosts.ini").unwrap();
//! let ilos = inv.select("hp_servers").unwrap();
//! assert_eq!(ilos.len(), 3);
//! assert_eq!(ilos[0].user(), Some("admin"));
//! assert_eq!(inv.host("esxi-01").unwrap().address(), "10.0.10.11");
//! assert_eq!(inv.host("esxi-01").unwrap().var_str("ntp_server"), Some("10.0.0.1"));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Serialize, Serializer};

use crate::error::{Error, ErrorKind, Result};
use crate::pattern::glob;
use crate::secret::Secret;

/// A variable's value.
#[derive(Clone, PartialEq)]
pub enum Var {
    /// `null` / `None` / empty.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Var>),
    /// A map.
    Map(BTreeMap<String, Var>),
    /// A secret (by its name: passwords, tokens, keys). Never printed.
    Secret(Secret),
    /// An Ansible-Vault encrypted value, which Hermes cannot decrypt.
    AnsibleVault,
}

impl fmt::Debug for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Var::Null => f.write_str("null"),
            Var::Bool(b) => write!(f, "{b}"),
            Var::Int(i) => write!(f, "{i}"),
            Var::Float(x) => write!(f, "{x}"),
            Var::Str(s) => write!(f, "{s:?}"),
            Var::List(l) => f.debug_list().entries(l).finish(),
            Var::Map(m) => f.debug_map().entries(m).finish(),
            Var::Secret(s) => write!(f, "{s:?}"),
            Var::AnsibleVault => f.write_str("!vault <encrypted>"),
        }
    }
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Var::Str(s) => f.write_str(s),
            other => write!(f, "{other:?}"),
        }
    }
}

impl Serialize for Var {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Var::Null => s.serialize_none(),
            Var::Bool(b) => s.serialize_bool(*b),
            Var::Int(i) => s.serialize_i64(*i),
            Var::Float(x) => s.serialize_f64(*x),
            Var::Str(v) => s.serialize_str(v),
            Var::List(l) => l.serialize(s),
            Var::Map(m) => m.serialize(s),
            Var::Secret(x) => x.serialize(s),
            Var::AnsibleVault => s.serialize_str("!vault <encrypted>"),
        }
    }
}

impl Var {
    /// The value as a string slice, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Var::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The value as an integer (strings holding integers count, as Ansible coerces them).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Var::Int(i) => Some(*i),
            Var::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
    /// The value as a boolean (Ansible's truthy strings count).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Var::Bool(b) => Some(*b),
            Var::Str(s) => match s.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" => Some(true),
                "no" | "false" | "off" | "0" => Some(false),
                _ => None,
            },
            Var::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}

/// Whether a variable of this name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "password" | "passwd" | "secret" | "token" | "ansible_ssh_pass" | "ansible_become_pass"
    ) || [
        "_password",
        "_passwd",
        "_pass",
        "_secret",
        "_token",
        "_api_key",
        "_private_key_passphrase",
    ]
    .iter()
    .any(|suf| n.ends_with(suf))
}

fn from_yaml(name: &str, v: &serde_norway::Value) -> Var {
    use serde_norway::Value as Y;
    let var = match v {
        Y::Null => Var::Null,
        Y::Bool(b) => Var::Bool(*b),
        Y::Number(n) => n
            .as_i64()
            .map(Var::Int)
            .unwrap_or_else(|| Var::Float(n.as_f64().unwrap_or(f64::NAN))),
        Y::String(s) => Var::Str(s.clone()),
        Y::Sequence(l) => Var::List(l.iter().map(|x| from_yaml("", x)).collect()),
        Y::Mapping(m) => Var::Map(
            m.iter()
                .map(|(k, x)| {
                    let k = yaml_key(k);
                    let v = from_yaml(&k, x);
                    (k, v)
                })
                .collect(),
        ),
        Y::Tagged(t) if t.tag == "vault" || t.tag == "!vault" => Var::AnsibleVault,
        Y::Tagged(t) => from_yaml(name, &t.value),
    };
    secretize(name, var)
}

fn secretize(name: &str, var: Var) -> Var {
    if !is_secret_name(name) {
        return var;
    }
    match var {
        Var::Str(s) => Var::Secret(Secret::new(s)),
        Var::Int(i) => Var::Secret(Secret::new(i.to_string())),
        Var::Float(x) => Var::Secret(Secret::new(x.to_string())),
        other => other,
    }
}

fn yaml_key(k: &serde_norway::Value) -> String {
    match k {
        serde_norway::Value::String(s) => s.clone(),
        serde_norway::Value::Number(n) => n.to_string(),
        serde_norway::Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// A group: its own variables, direct hosts and child groups.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Group {
    /// The group's name.
    pub name: String,
    /// Variables set on the group itself.
    pub vars: BTreeMap<String, Var>,
    /// Hosts listed directly in the group.
    pub hosts: BTreeSet<String>,
    /// Child groups.
    pub children: BTreeSet<String>,
}

/// A host with its effective variables (after precedence) and every group it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct Host {
    /// The inventory name.
    pub name: String,
    /// Effective variables.
    pub vars: BTreeMap<String, Var>,
    /// Every group the host is in, directly or through children (always includes `all`).
    pub groups: BTreeSet<String>,
}

impl Host {
    /// A variable.
    pub fn var(&self, key: &str) -> Option<&Var> {
        self.vars.get(key)
    }
    /// A string variable.
    pub fn var_str(&self, key: &str) -> Option<&str> {
        self.vars.get(key).and_then(Var::as_str)
    }
    /// Where to connect: `ansible_host`, else the inventory name.
    pub fn address(&self) -> &str {
        self.var_str("ansible_host").unwrap_or(&self.name)
    }
    /// `ansible_port`, if set.
    pub fn port(&self) -> Option<u16> {
        self.var("ansible_port")
            .and_then(Var::as_i64)
            .and_then(|p| u16::try_from(p).ok())
    }
    /// `ansible_user` (or `ansible_ssh_user`), if set.
    pub fn user(&self) -> Option<&str> {
        self.var_str("ansible_user")
            .or_else(|| self.var_str("ansible_ssh_user"))
    }
    /// Whether the host is in `group` (directly or through children).
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.contains(group)
    }
    /// `ansible_password` (or `ansible_ssh_pass`), resolving env/file lookups.
    pub fn password(&self) -> Result<Option<Secret>> {
        for key in ["ansible_password", "ansible_ssh_pass"] {
            if self.vars.contains_key(key) {
                return self.secret(key).map(Some);
            }
        }
        Ok(None)
    }
    /// A secret variable, resolving `{{ lookup('env', 'X') }}` and `{{ lookup('file', 'P') }}`.
    pub fn secret(&self, key: &str) -> Result<Secret> {
        let raw = match self.vars.get(key) {
            None => {
                return Err(Error::not_found(format!("host {} has no variable {key}", self.name)))
            }
            Some(Var::Secret(s)) => s.clone(),
            Some(Var::Str(s)) => Secret::new(s.clone()),
            Some(Var::AnsibleVault) => {
                return Err(Error::unsupported(format!(
                    "{key} of host {} is an Ansible-Vault value, which Hermes cannot decrypt: put it in a Hermes \
                     vault (hermes_secrets) or use {{{{ lookup('env', 'NAME') }}}}",
                    self.name
                )))
            }
            Some(_) => {
                return Err(Error::invalid_input(format!("{key} of host {} is not a string", self.name)))
            }
        };
        resolve_lookup(raw, key, &self.name)
    }
}

fn resolve_lookup(raw: Secret, key: &str, host: &str) -> Result<Secret> {
    let t = raw.expose().trim();
    let Some(inner) = t.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) else {
        return Ok(raw);
    };
    let inner = inner.trim();
    let Some(args) = inner
        .strip_prefix("lookup(")
        .and_then(|r| r.strip_suffix(')'))
    else {
        return Err(Error::unsupported(format!(
            "{key} of host {host} is a template Hermes does not evaluate; only lookup('env', ...) and lookup('file', ...) are supported"
        )));
    };
    let parts: Vec<String> = args
        .split(',')
        .map(|p| p.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
        .collect();
    match parts.as_slice() {
        [kind, name] if kind == "env" => {
            Secret::from_env(name).map_err(|e| e.context(format!("{key} of host {host}")))
        }
        [kind, path] if kind == "file" => {
            Secret::from_file(path).map_err(|e| e.context(format!("{key} of host {host}")))
        }
        _ => Err(Error::unsupported(format!(
            "{key} of host {host}: unsupported lookup({args})"
        ))),
    }
}

/// A parsed inventory.
///
/// ```
/// use hermes_core::Inventory;
/// let inv = Inventory::parse_ini(
///     "[web]\nweb[01:03].dc1 ansible_user=deploy\n\n[db]\ndb1.dc1 ansible_port=2222\n",
///     "hosts.ini",
/// )
/// .unwrap();
/// let names: Vec<String> = inv.select("web:!web02.dc1").unwrap().into_iter().map(|h| h.name).collect();
/// assert_eq!(names, ["web01.dc1", "web03.dc1"]);
/// assert_eq!(inv.host("db1.dc1").unwrap().port(), Some(2222));
/// // Inventory::from_path("hosts.yml") reads a file, YAML or INI.
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct Inventory {
    source: String,
    groups: BTreeMap<String, Group>,
    host_vars: BTreeMap<String, BTreeMap<String, Var>>,
}

fn err_at(origin: &str, line: usize, msg: impl fmt::Display) -> Error {
    Error::invalid_input(format!("{origin}:{line}: {msg}"))
}

/// Expands Ansible host ranges: `web[01:03]` → web01, web02, web03; `db-[a:c]`; `[0:10:5]`.
pub fn expand_host_pattern(pattern: &str) -> std::result::Result<Vec<String>, String> {
    let Some(open) = pattern.find('[') else {
        return Ok(vec![pattern.to_string()]);
    };
    let close = pattern[open..]
        .find(']')
        .map(|c| c + open)
        .ok_or("'[' without ']'")?;
    let (head, body, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    let parts: Vec<&str> = body.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(format!(
            "range [{body}] must be [start:end] or [start:end:step]"
        ));
    }
    let step: usize = match parts.get(2) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("bad step {s:?} in [{body}]"))?,
        None => 1,
    };
    if step == 0 {
        return Err(format!("step 0 in [{body}]"));
    }
    let (a, b) = (parts[0], parts[1]);
    let mut items = Vec::new();
    if let (Ok(x), Ok(y)) = (a.parse::<u64>(), b.parse::<u64>()) {
        if x > y {
            return Err(format!("range [{body}] starts after it ends"));
        }
        if (y - x) / step as u64 > 100_000 {
            return Err(format!("range [{body}] is too large"));
        }
        let width = if a.len() > 1 && a.starts_with('0') {
            a.len()
        } else {
            0
        };
        for i in (x..=y).step_by(step) {
            items.push(format!("{i:0width$}"));
        }
    } else if a.len() == 1
        && b.len() == 1
        && a.chars().all(|c| c.is_ascii_alphabetic())
        && b.chars().all(|c| c.is_ascii_alphabetic())
    {
        let (x, y) = (a.as_bytes()[0], b.as_bytes()[0]);
        if x > y {
            return Err(format!("range [{body}] starts after it ends"));
        }
        for c in (x..=y).step_by(step) {
            items.push((c as char).to_string());
        }
    } else {
        return Err(format!(
            "range [{body}] must be numeric ([01:20]) or single letters ([a:f])"
        ));
    }
    let mut out = Vec::new();
    for tail in expand_host_pattern(tail)? {
        for i in &items {
            out.push(format!("{head}{i}{tail}"));
        }
    }
    Ok(out)
}

fn ini_value(raw: &str, typed: bool) -> Var {
    let s = raw.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        return Var::Str(s[1..s.len() - 1].to_string());
    }
    if typed {
        if let Ok(i) = s.parse::<i64>() {
            return Var::Int(i);
        }
        if let Ok(x) = s.parse::<f64>() {
            if s.contains('.') {
                return Var::Float(x);
            }
        }
        match s {
            "True" | "true" => return Var::Bool(true),
            "False" | "false" => return Var::Bool(false),
            "None" => return Var::Null,
            _ => {}
        }
    }
    Var::Str(s.to_string())
}

/// Splits `a=1 b="x y" c='z'` respecting quotes.
fn split_kv(s: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() || chars.peek() == Some(&'#') || chars.peek() == Some(&';') {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(format!("expected key=value, found {key:?}"));
        }
        let mut val = String::new();
        let mut quote: Option<char> = None;
        while let Some(&c) = chars.peek() {
            match quote {
                Some(q) if c == q => quote = None,
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => break,
                _ => {}
            }
            val.push(c);
            chars.next();
        }
        if quote.is_some() {
            return Err(format!("unterminated quote in the value of {key}"));
        }
        out.push((key, val));
    }
    Ok(out)
}

impl Inventory {
    /// Reads an inventory file: YAML (`.yml`, `.yaml`, `.json`, or content starting like YAML) or INI.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::io(path, "read inventory", e))?;
        let origin = path.display().to_string();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let looks_ini = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
            .is_some_and(|l| l.starts_with('[') || !l.contains(':'));
        if matches!(ext.as_str(), "yml" | "yaml" | "json") || (ext != "ini" && !looks_ini) {
            Self::parse_yaml(&text, &origin)
        } else {
            Self::parse_ini(&text, &origin)
        }
    }

    fn group_mut(&mut self, name: &str) -> &mut Group {
        self.groups
            .entry(name.to_string())
            .or_insert_with(|| Group {
                name: name.to_string(),
                ..Group::default()
            })
    }

    fn finish(mut self) -> Result<Self> {
        self.group_mut("all");
        self.group_mut("ungrouped");
        // Every top-level group that is nobody's child hangs under `all`.
        let children: BTreeSet<String> = self
            .groups
            .values()
            .flat_map(|g| g.children.iter().cloned())
            .collect();
        let tops: Vec<String> = self
            .groups
            .keys()
            .filter(|g| *g != "all" && !children.contains(*g))
            .cloned()
            .collect();
        for g in tops {
            self.group_mut("all").children.insert(g);
        }
        // Hosts in no group but `all` are `ungrouped` too.
        let all_direct: Vec<String> = self.groups["all"].hosts.iter().cloned().collect();
        for h in all_direct {
            let in_other = self
                .groups
                .iter()
                .any(|(n, g)| n != "all" && g.hosts.contains(&h));
            if !in_other {
                self.group_mut("ungrouped").hosts.insert(h);
            }
        }
        // Cycles in children are errors.
        for start in self.groups.keys() {
            let mut seen = BTreeSet::new();
            let mut stack = vec![start.clone()];
            while let Some(g) = stack.pop() {
                for c in &self
                    .groups
                    .get(&g)
                    .map(|x| x.children.clone())
                    .unwrap_or_default()
                {
                    if c == start {
                        return Err(Error::invalid_input(format!(
                            "{}: group {start} is its own descendant (through {g}): remove the cycle in its children",
                            self.source
                        )));
                    }
                    if seen.insert(c.clone()) {
                        stack.push(c.clone());
                    }
                }
            }
        }
        Ok(self)
    }

    /// Parses an INI inventory; `origin` names the file in errors.
    pub fn parse_ini(text: &str, origin: &str) -> Result<Self> {
        let mut inv = Inventory {
            source: origin.to_string(),
            ..Default::default()
        };
        #[derive(PartialEq)]
        enum Sec {
            Hosts,
            Vars,
            Children,
        }
        let mut group = "ungrouped".to_string();
        let mut sec = Sec::Hosts;
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if line.starts_with('[') {
                let inner = line
                    .strip_prefix('[')
                    .and_then(|l| l.split_once(']'))
                    .map(|(a, rest)| (a, rest.trim()))
                    .filter(|(_, rest)| rest.is_empty() || rest.starts_with('#') || rest.starts_with(';'))
                    .map(|(a, _)| a)
                    .ok_or_else(|| err_at(origin, n, format!("bad section header {line:?}: write [group], [group:vars] or [group:children]")))?;
                let (name, kind) = match inner.split_once(':') {
                    Some((g, "vars")) => (g, Sec::Vars),
                    Some((g, "children")) => (g, Sec::Children),
                    Some((_, k)) => {
                        return Err(err_at(
                            origin,
                            n,
                            format!(
                                "unknown section type :{k} in {line:?} (use :vars or :children)"
                            ),
                        ))
                    }
                    None => (inner, Sec::Hosts),
                };
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return Err(err_at(origin, n, format!("bad group name {name:?}")));
                }
                group = name.to_string();
                sec = kind;
                inv.group_mut(&group);
                continue;
            }
            match sec {
                Sec::Hosts => {
                    let (pat, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                    let names = expand_host_pattern(pat)
                        .map_err(|e| err_at(origin, n, format!("host {pat:?}: {e}")))?;
                    let kvs = split_kv(rest)
                        .map_err(|e| err_at(origin, n, format!("host {pat:?}: {e}")))?;
                    for h in names {
                        inv.group_mut(&group).hosts.insert(h.clone());
                        inv.group_mut("all").hosts.insert(h.clone());
                        let hv = inv.host_vars.entry(h).or_default();
                        for (k, v) in &kvs {
                            hv.insert(k.clone(), secretize(k, ini_value(v, true)));
                        }
                    }
                }
                Sec::Vars => {
                    let (k, v) = line.split_once('=').ok_or_else(|| {
                        err_at(
                            origin,
                            n,
                            format!("expected key=value in [{group}:vars], found {line:?}"),
                        )
                    })?;
                    let k = k.trim();
                    if k.is_empty() || k.contains(char::is_whitespace) {
                        return Err(err_at(
                            origin,
                            n,
                            format!("bad variable name {k:?} in [{group}:vars]"),
                        ));
                    }
                    let val = secretize(k, ini_value(v, false));
                    inv.group_mut(&group).vars.insert(k.to_string(), val);
                }
                Sec::Children => {
                    if line.contains(char::is_whitespace) {
                        return Err(err_at(origin, n, format!("expected one group name per line in [{group}:children], found {line:?}")));
                    }
                    inv.group_mut(line);
                    inv.group_mut(&group).children.insert(line.to_string());
                }
            }
        }
        inv.finish()
    }

    /// Parses a YAML inventory; `origin` names the file in errors.
    pub fn parse_yaml(text: &str, origin: &str) -> Result<Self> {
        use serde_norway::Value as Y;
        let doc: Y = serde_norway::from_str(text).map_err(|e| {
            let line = e.location().map(|l| l.line()).unwrap_or(0);
            err_at(origin, line, format!("not valid YAML: {e}"))
        })?;
        let line_of = |key: &str| -> usize {
            text.lines()
                .position(|l| {
                    let t = l.trim_start();
                    t.starts_with(&format!("{key}:"))
                        || t.starts_with(&format!("\"{key}\":"))
                        || t.starts_with(&format!("'{key}':"))
                })
                .map(|i| i + 1)
                .unwrap_or(0)
        };
        let mut inv = Inventory {
            source: origin.to_string(),
            ..Default::default()
        };
        let top =
            match &doc {
                Y::Mapping(m) => m,
                Y::Null => return inv.finish(),
                _ => return Err(err_at(
                    origin,
                    1,
                    "an inventory must be a map of groups (e.g. all: {hosts: ..., children: ...})",
                )),
            };
        fn walk(
            inv: &mut Inventory,
            name: &str,
            body: &Y,
            origin: &str,
            line_of: &dyn Fn(&str) -> usize,
            depth: usize,
        ) -> Result<()> {
            if depth > 64 {
                return Err(err_at(
                    origin,
                    line_of(name),
                    format!("group {name} is nested too deeply"),
                ));
            }
            inv.group_mut(name);
            let map = match body {
                Y::Null => return Ok(()),
                Y::Mapping(m) => m,
                _ => {
                    return Err(err_at(
                        origin,
                        line_of(name),
                        format!(
                            "group {name} must be a map with hosts, vars and children (found {})",
                            kind_of(body)
                        ),
                    ))
                }
            };
            for (k, v) in map {
                let key = yaml_key(k);
                match key.as_str() {
                    "hosts" => match v {
                        Y::Null => {}
                        Y::Mapping(hosts) => {
                            for (hk, hv) in hosts {
                                let pat = yaml_key(hk);
                                let names = expand_host_pattern(&pat)
                                    .map_err(|e| err_at(origin, line_of(&pat), format!("host {pat:?}: {e}")))?;
                                let vars: BTreeMap<String, Var> = match hv {
                                    Y::Null => BTreeMap::new(),
                                    Y::Mapping(m) => m.iter().map(|(k, x)| { let k = yaml_key(k); let v = from_yaml(&k, x); (k, v) }).collect(),
                                    other => {
                                        return Err(err_at(origin, line_of(&pat), format!(
                                            "host {pat} in group {name} must map to its variables or be empty (found {})", kind_of(other)
                                        )))
                                    }
                                };
                                for h in names {
                                    inv.group_mut(name).hosts.insert(h.clone());
                                    inv.group_mut("all").hosts.insert(h.clone());
                                    inv.host_vars.entry(h).or_default().extend(vars.clone());
                                }
                            }
                        }
                        other => {
                            return Err(err_at(origin, line_of("hosts"), format!(
                                "hosts of group {name} must be a map of host names (found {}); a list is not Ansible's format", kind_of(other)
                            )))
                        }
                    },
                    "vars" => match v {
                        Y::Null => {}
                        Y::Mapping(m) => {
                            for (vk, vv) in m {
                                let vk = yaml_key(vk);
                                let val = from_yaml(&vk, vv);
                                inv.group_mut(name).vars.insert(vk, val);
                            }
                        }
                        other => {
                            return Err(err_at(origin, line_of("vars"), format!("vars of group {name} must be a map (found {})", kind_of(other))))
                        }
                    },
                    "children" => match v {
                        Y::Null => {}
                        Y::Mapping(m) => {
                            for (ck, cv) in m {
                                let child = yaml_key(ck);
                                inv.group_mut(name).children.insert(child.clone());
                                walk(inv, &child, cv, origin, line_of, depth + 1)?;
                            }
                        }
                        other => {
                            return Err(err_at(origin, line_of("children"), format!(
                                "children of group {name} must be a map of group names (found {})", kind_of(other)
                            )))
                        }
                    },
                    other => {
                        return Err(err_at(origin, line_of(other), format!(
                            "unknown key {other:?} in group {name}: a group has hosts, vars and children (is {other} a host that belongs under hosts:?)"
                        )))
                    }
                }
            }
            Ok(())
        }
        fn kind_of(v: &Y) -> &'static str {
            match v {
                Y::Null => "nothing",
                Y::Bool(_) => "a boolean",
                Y::Number(_) => "a number",
                Y::String(_) => "a string",
                Y::Sequence(_) => "a list",
                Y::Mapping(_) => "a map",
                Y::Tagged(_) => "a tagged value",
            }
        }
        for (k, v) in top {
            let g = yaml_key(k);
            walk(&mut inv, &g, v, origin, &line_of, 0)?;
        }
        inv.finish()
    }

    /// The file the inventory came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every group.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.values()
    }

    /// A group by name.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(name)
    }

    /// The names of all hosts, sorted.
    pub fn host_names(&self) -> Vec<String> {
        self.groups
            .get("all")
            .map(|g| self.hosts_under("all", g))
            .unwrap_or_default()
            .into_iter()
            .collect()
    }

    fn hosts_under(&self, _name: &str, g: &Group) -> BTreeSet<String> {
        let mut out = g.hosts.clone();
        let mut stack: Vec<&String> = g.children.iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(c) = stack.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            if let Some(cg) = self.groups.get(c) {
                out.extend(cg.hosts.iter().cloned());
                stack.extend(cg.children.iter());
            }
        }
        out
    }

    /// Depth of each group below `all` (`all` = 0).
    fn depths(&self) -> BTreeMap<String, usize> {
        let mut d = BTreeMap::new();
        let mut frontier = vec![("all".to_string(), 0usize)];
        while let Some((g, depth)) = frontier.pop() {
            let cur = d.entry(g.clone()).or_insert(depth);
            if *cur < depth {
                *cur = depth;
            }
            if let Some(grp) = self.groups.get(&g) {
                for c in &grp.children {
                    if depth < 64 {
                        frontier.push((c.clone(), depth + 1));
                    }
                }
            }
        }
        d
    }

    /// A host with its effective variables, or `None`.
    pub fn host(&self, name: &str) -> Option<Host> {
        if !self.host_vars.contains_key(name) {
            return None;
        }
        let depths = self.depths();
        let mut groups: Vec<&Group> = self
            .groups
            .values()
            .filter(|g| self.hosts_under(&g.name, g).contains(name))
            .collect();
        let priority = |g: &Group| {
            g.vars
                .get("ansible_group_priority")
                .and_then(Var::as_i64)
                .unwrap_or(1)
        };
        groups.sort_by(|a, b| {
            let da = depths.get(&a.name).copied().unwrap_or(1);
            let db = depths.get(&b.name).copied().unwrap_or(1);
            (da, priority(a), &a.name).cmp(&(db, priority(b), &b.name))
        });
        let mut vars = BTreeMap::new();
        for g in &groups {
            for (k, v) in &g.vars {
                vars.insert(k.clone(), v.clone());
            }
        }
        for (k, v) in &self.host_vars[name] {
            vars.insert(k.clone(), v.clone());
        }
        Some(Host {
            name: name.to_string(),
            vars,
            groups: groups.iter().map(|g| g.name.clone()).collect(),
        })
    }

    /// Every host, with effective variables, sorted by name.
    pub fn hosts(&self) -> Vec<Host> {
        self.host_names()
            .iter()
            .filter_map(|h| self.host(h))
            .collect()
    }

    /// The hosts matching an Ansible-style pattern: group or host names (`*` wildcards allowed) separated
    /// by `:` or `,`; `&name` intersects, `!name` excludes. An unknown name is an error (it is usually a
    /// typo), as is a pattern that matches nothing.
    pub fn select(&self, pattern: &str) -> Result<Vec<Host>> {
        let mut result: Option<BTreeSet<String>> = None;
        let mut inters: Vec<BTreeSet<String>> = Vec::new();
        let mut excl: BTreeSet<String> = BTreeSet::new();
        for term in pattern
            .split([':', ','])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let (op, name) = match term.chars().next() {
                Some('&') => ('&', &term[1..]),
                Some('!') => ('!', &term[1..]),
                _ => ('+', term),
            };
            let set = self.resolve_term(name).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!(
                        "{}: no group or host matches {name:?} (pattern {pattern:?})",
                        self.source
                    ),
                )
            })?;
            match op {
                '&' => inters.push(set),
                '!' => excl.extend(set),
                _ => result.get_or_insert_with(BTreeSet::new).extend(set),
            }
        }
        let mut set = result.unwrap_or_default();
        for i in inters {
            set = set.intersection(&i).cloned().collect();
        }
        set.retain(|h| !excl.contains(h));
        if set.is_empty() {
            return Err(Error::not_found(format!(
                "{}: pattern {pattern:?} matches no host",
                self.source
            )));
        }
        Ok(set.iter().filter_map(|h| self.host(h)).collect())
    }

    fn resolve_term(&self, name: &str) -> Option<BTreeSet<String>> {
        if let Some(g) = self.groups.get(name) {
            return Some(self.hosts_under(name, g));
        }
        if self.host_vars.contains_key(name) {
            return Some([name.to_string()].into());
        }
        if name.contains('*') {
            let m: BTreeSet<String> = self
                .host_names()
                .into_iter()
                .filter(|h| glob(name, h))
                .collect();
            let mut out = m;
            for (gname, g) in &self.groups {
                if glob(name, gname) {
                    out.extend(self.hosts_under(gname, g));
                }
            }
            return (!out.is_empty()).then_some(out);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ranges() {
        assert_eq!(
            expand_host_pattern("web[01:03].dc1").unwrap(),
            ["web01.dc1", "web02.dc1", "web03.dc1"]
        );
        assert_eq!(
            expand_host_pattern("db-[a:c]").unwrap(),
            ["db-a", "db-b", "db-c"]
        );
        assert_eq!(
            expand_host_pattern("h[0:10:5]").unwrap(),
            ["h0", "h5", "h10"]
        );
        assert_eq!(
            expand_host_pattern("r[1:2]-[a:b]").unwrap(),
            ["r1-a", "r2-a", "r1-b", "r2-b"]
        );
        assert!(expand_host_pattern("x[3:1]").is_err());
        assert!(expand_host_pattern("x[1:").is_err());
        assert!(expand_host_pattern("x[1:9:0]").is_err());
    }

    #[test]
    fn ini_values_are_typed_on_host_lines_and_strings_in_vars() {
        let inv = Inventory::parse_ini(
            "[g]\nh a=5 b=True c=\"x y\" d=1.5\n[g:vars]\ne=5\n",
            "t.ini",
        )
        .unwrap();
        let h = inv.host("h").unwrap();
        assert_eq!(h.var("a"), Some(&Var::Int(5)));
        assert_eq!(h.var("b"), Some(&Var::Bool(true)));
        assert_eq!(h.var("c"), Some(&Var::Str("x y".into())));
        assert_eq!(h.var("d"), Some(&Var::Float(1.5)));
        assert_eq!(h.var("e"), Some(&Var::Str("5".into())));
    }
}
