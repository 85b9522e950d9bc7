//! A `key = value` configuration file (sysctl.conf, postgresql.conf, redis.conf-style `key value` is not
//! this) as a [`Configurable`]: read it into a map, diff against the desired map, and apply the
//! minimal edit — changed lines rewritten in place, new keys appended, removed keys deleted, comments
//! and order kept — atomically (nothing half-written is ever visible).
//!
//! ```no_run
//! # async fn demo() -> hermes_core::Result<()> {
//! use std::collections::BTreeMap;
//! use hermes_core::{kvfile::KeyValueFile, Configurable, Mode};
//! let conf = KeyValueFile::new("/etc/sysctl.d/90-hermes.conf");
//! let want: BTreeMap<String, String> =
//!     [("vm.swappiness", "10"), ("net.core.somaxconn", "4096")].map(|(k, v)| (k.into(), v.into())).into();
//! println!("{}", conf.converge(&want, Mode::DryRun).await?.plan);
//! conf.converge(&want, Mode::Apply).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use crate::error::{Error, Result};
use crate::plan::{Action, Change, ChangeSet, FieldChange};
use crate::traits::{ApplyReport, Configurable};

/// A `key = value` file managed as a whole: the model is every setting in it.
#[derive(Debug, Clone)]
pub struct KeyValueFile {
    path: PathBuf,
}

fn parse_line(line: &str) -> Option<(&str, &str)> {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
        return None;
    }
    let (k, v) = t.split_once('=')?;
    let v = match v.find(" #") {
        Some(i) => &v[..i],
        None => v,
    };
    Some((k.trim(), v.trim()))
}

impl KeyValueFile {
    /// Manages the file at `path` (created on first apply if missing).
    pub fn new(path: impl AsRef<Path>) -> Self {
        KeyValueFile {
            path: path.as_ref().to_path_buf(),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read_text(&self) -> Result<String> {
        match std::fs::read_to_string(&self.path) {
            Ok(t) => Ok(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(Error::io(&self.path, "read", e)),
        }
    }

    /// Parses text into the model; a line that is neither a comment nor `key = value` is an error naming
    /// the file and line.
    pub fn parse(text: &str, origin: &str) -> Result<BTreeMap<String, String>> {
        let mut m = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
                continue;
            }
            let (k, v) = parse_line(line)
                .filter(|(k, _)| !k.is_empty() && !k.contains(char::is_whitespace))
                .ok_or_else(|| {
                    Error::invalid_input(format!(
                        "{origin}:{}: expected `key = value`, found {t:?}",
                        i + 1
                    ))
                })?;
            m.insert(k.to_string(), v.to_string());
        }
        Ok(m)
    }
}

#[async_trait]
impl Configurable for KeyValueFile {
    type Model = BTreeMap<String, String>;

    fn target(&self) -> String {
        self.path.display().to_string()
    }

    async fn read(&self) -> Result<Self::Model> {
        let text = self.read_text()?;
        Self::parse(&text, &self.target())
    }

    fn diff(&self, live: &Self::Model, want: &Self::Model) -> ChangeSet {
        let mut cs = ChangeSet::new(self.target());
        for (k, v) in want {
            match live.get(k) {
                None => cs.push(
                    Change::new(Action::Create, k.clone())
                        .field(FieldChange::added("value", v))
                        .command(format!("{k} = {v}")),
                ),
                Some(old) if old != v => cs.push(
                    Change::new(Action::Update, k.clone())
                        .field(FieldChange::changed("value", old, v))
                        .command(format!("{k} = {v}")),
                ),
                Some(_) => cs.push(Change::new(Action::Keep, k.clone())),
            }
        }
        for (k, v) in live {
            if !want.contains_key(k) {
                cs.push(
                    Change::new(Action::Delete, k.clone()).field(FieldChange::removed("value", v)),
                );
            }
        }
        cs
    }

    async fn apply(&self, changes: &ChangeSet) -> Result<ApplyReport> {
        let text = self.read_text()?;
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let mut applied = 0;
        for c in changes.actionable() {
            let pos = lines
                .iter()
                .position(|l| parse_line(l).is_some_and(|(k, _)| k == c.resource));
            match (c.action, pos) {
                (Action::Create | Action::Update, Some(i)) => lines[i] = c.commands.join("\n"),
                (Action::Create | Action::Update, None) => lines.extend(c.commands.iter().cloned()),
                (Action::Delete, Some(i)) => {
                    lines.remove(i);
                }
                (Action::Delete, None) => {}
                (other, _) => {
                    return Err(Error::unsupported(format!(
                        "{other:?} is not a key-value file change"
                    ))
                    .with_target(self.target()))
                }
            }
            applied += 1;
        }
        let mut out = lines.join("\n");
        out.push('\n');
        let mode = std::fs::metadata(&self.path).map(|m| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                m.permissions().mode() & 0o7777
            }
            #[cfg(not(unix))]
            {
                let _ = m;
                0o644
            }
        });
        crate::artifact::write_atomic(&self.path, out.as_bytes(), mode.unwrap_or(0o644))?;
        Ok(ApplyReport {
            target: self.target(),
            applied,
            output: Vec::new(),
            restart_required: false,
        })
    }
}
