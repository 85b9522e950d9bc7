//! Snapshot groups for retention, as restic's `--group-by`: a policy is applied to each group on its own,
//! so that one host's or one source's backups never push another's out.
//!
//! Hermes' *source* (`dir:/srv/data`, `postgres://127.0.0.1:5432/app`) plays the part of restic's *paths*.
//! The default is restic's: host and source. Grouping by tags as well is available; no grouping at all
//! (`""`) applies the policy to the whole repository.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{DataError, Result};
use crate::snapshot::Snapshot;

/// What snapshots are grouped by before a retention policy is applied (restic's `--group-by`).
///
/// ```
/// use hermes_data::group::GroupBy;
/// let by: GroupBy = "host,paths".parse()?;          // restic's spelling: paths is Hermes' source
/// assert_eq!(by, GroupBy::default());
/// assert_eq!("host,tags".parse::<GroupBy>()?.to_string(), "host,tags");
/// assert!("".parse::<GroupBy>()?.is_none());
/// # Ok::<(), hermes_data::DataError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupBy {
    /// The host that made the snapshot.
    pub host: bool,
    /// Its source (restic: its paths).
    pub source: bool,
    /// Its tags, as a set (order does not matter).
    pub tags: bool,
}

impl Default for GroupBy {
    /// Host and source, as restic's default `host,paths`.
    fn default() -> Self {
        GroupBy {
            host: true,
            source: true,
            tags: false,
        }
    }
}

impl GroupBy {
    /// No grouping: one group holding every snapshot.
    pub const NONE: GroupBy = GroupBy {
        host: false,
        source: false,
        tags: false,
    };

    /// Whether this groups nothing apart.
    pub fn is_none(&self) -> bool {
        *self == GroupBy::NONE
    }

    /// The group `snap` belongs to.
    pub fn key(&self, snap: &Snapshot) -> GroupKey {
        GroupKey {
            host: self.host.then(|| snap.host.clone()),
            source: self.source.then(|| snap.source.clone()),
            tags: self.tags.then(|| {
                let mut t = snap.tags.clone();
                t.sort();
                t.dedup();
                t
            }),
        }
    }

    /// Splits `snaps` into groups (each in the input order).
    pub fn group(&self, snaps: Vec<Snapshot>) -> BTreeMap<GroupKey, Vec<Snapshot>> {
        let mut groups: BTreeMap<GroupKey, Vec<Snapshot>> = BTreeMap::new();
        for s in snaps {
            groups.entry(self.key(&s)).or_default().push(s);
        }
        groups
    }
}

impl fmt::Display for GroupBy {
    /// `host,source,tags` (the parts set), or `""` for no grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = [
            (self.host, "host"),
            (self.source, "source"),
            (self.tags, "tags"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for GroupBy {
    type Err = DataError;

    /// Reads restic's `--group-by` value: `host`, `source` (or restic's `paths` / `path`), `tags` (or
    /// `tag`), comma-separated; the empty string groups nothing apart.
    fn from_str(s: &str) -> Result<Self> {
        let mut by = GroupBy::NONE;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "host" | "hosts" => by.host = true,
                "source" | "sources" | "path" | "paths" => by.source = true,
                "tag" | "tags" => by.tags = true,
                other => {
                    return Err(DataError::InvalidInput {
                        target: format!("group-by {s:?}"),
                        detail: format!(
                            "unknown grouping {other:?}: use host, source (restic's paths) and/or tags, comma-separated, or \"\" for none"
                        ),
                    })
                }
            }
        }
        Ok(by)
    }
}

/// One group's identity: the values of the parts grouped by (`None`: not grouped by that part).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GroupKey {
    /// The host, when grouped by host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The source, when grouped by source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The tags (sorted), when grouped by tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
}

impl fmt::Display for GroupKey {
    /// `host web1, source dir:/srv, tags [a, b]`; `all snapshots` when nothing is grouped by.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(h) = &self.host {
            parts.push(format!("host {h}"));
        }
        if let Some(s) = &self.source {
            parts.push(format!("source {s}"));
        }
        if let Some(t) = &self.tags {
            parts.push(format!("tags [{}]", t.join(", ")));
        }
        if parts.is_empty() {
            f.write_str("all snapshots")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}
