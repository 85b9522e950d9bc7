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

/// Which snapshots `forget` considers, as restic's `forget --host / --tag / --path`: a snapshot that does
/// not match is neither kept nor removed by the policy (it is left alone, and counted as ignored). Each
/// part set narrows the selection; an empty filter matches every snapshot.
///
/// ```
/// use hermes_data::group::SnapshotFilter;
/// let f = SnapshotFilter::new().host("web1").host("web2").tags("daily,db").source("dir:/srv/data");
/// assert_eq!(f.to_string(), "host web1 or web2, tags [daily, db], source dir:/srv/data");
/// assert!(SnapshotFilter::new().is_empty());
/// let e = SnapshotFilter::new().try_host(" ").unwrap_err();
/// assert!(e.to_string().contains("empty host"));
/// # Ok::<(), hermes_data::DataError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SnapshotFilter {
    /// Hosts (restic's `--host`, repeatable): a snapshot made by any of them matches. Empty: any host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Tag lists (restic's `--tag a,b`, repeatable): a snapshot carrying every tag of any one list
    /// matches; an empty tag in a list matches a snapshot with no tags (as restic ≥ 0.15). Empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Vec<String>>,
    /// Sources (restic's `--path`, repeatable): as restic requires a snapshot to hold every path given,
    /// a snapshot matches when its source is each of these (so two different sources match nothing: run
    /// one `forget` per source). Empty: any source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl SnapshotFilter {
    /// The empty filter: every snapshot.
    pub fn new() -> Self {
        SnapshotFilter::default()
    }

    /// Also matches snapshots made by `host` (see [`SnapshotFilter::try_host`] for checked input).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.hosts.push(host.into());
        self
    }

    /// [`SnapshotFilter::host`], refusing an empty or blank host name (which would match nothing).
    pub fn try_host(self, host: &str) -> Result<Self> {
        if host.trim().is_empty() {
            return Err(DataError::invalid(
                format!("forget host filter {host:?}"),
                "an empty host name matches no snapshot: give the host name the snapshots were made with (restic's --host)",
            ));
        }
        Ok(self.host(host.trim()))
    }

    /// Also matches snapshots carrying every tag of `list`, written `a,b` (restic's `--tag a,b`).
    pub fn tags(mut self, list: &str) -> Self {
        self.tags
            .push(list.split(',').map(|t| t.trim().to_string()).collect());
        self
    }

    /// Only snapshots of this source (restic's `--path`).
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.sources.push(source.into());
        self
    }

    /// Whether every snapshot matches.
    pub fn is_empty(&self) -> bool {
        self.hosts.is_empty() && self.tags.is_empty() && self.sources.is_empty()
    }

    /// Whether `snap` is considered.
    pub fn matches(&self, snap: &Snapshot) -> bool {
        (self.hosts.is_empty() || self.hosts.contains(&snap.host))
            && (self.tags.is_empty() || self.tags.iter().any(|l| has_tags(&snap.tags, l)))
            && self.sources.iter().all(|s| *s == snap.source)
    }
}

/// restic's `HasTags`: every tag of `list` is on the snapshot; an empty tag matches a snapshot without
/// tags.
fn has_tags(tags: &[String], list: &[String]) -> bool {
    for tag in list {
        if tag.is_empty() && tags.is_empty() {
            return true;
        }
        if !tags.contains(tag) {
            return false;
        }
    }
    true
}

impl fmt::Display for SnapshotFilter {
    /// `host web1 or web2, tags [a, b] or [c], source dir:/srv`; `every snapshot` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.hosts.is_empty() {
            parts.push(format!("host {}", self.hosts.join(" or ")));
        }
        if !self.tags.is_empty() {
            let lists: Vec<String> = self
                .tags
                .iter()
                .map(|l| format!("[{}]", l.join(", ")))
                .collect();
            parts.push(format!("tags {}", lists.join(" or ")));
        }
        if !self.sources.is_empty() {
            parts.push(format!("source {}", self.sources.join(" and ")));
        }
        if parts.is_empty() {
            f.write_str("every snapshot")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}
