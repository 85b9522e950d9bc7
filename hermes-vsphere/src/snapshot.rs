//! VM snapshots: create (memory / quiesce), list as a tree, revert, remove (one or a subtree), and
//! scheduled snapshots with a retention purge ([`hermes_core::retention::RetentionPolicy`]).
//!
//! Scheduled snapshots are named `PREFIX` + their scheduled instant in RFC 3339 (`hermes-2026-11-25T02:00:00+00:00`);
//! retention reads the time back from the name (falling back to `createTime`), so the version history
//! survives clock skew and a run that is late. Only snapshots with the prefix are ever purged.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use hermes_vsphere::snapshot::SnapshotPolicy;
//! let vm = client.find_by_path("/DC0/vm/web-001").await?;
//! let policy = SnapshotPolicy::new("hermes-", "last=3,daily=7,weekly=4".parse()?);
//! let run = policy.run(&client, &vm, chrono::Utc::now().fixed_offset()).await?;
//! println!("created {}, removed {:?}", run.created, run.removed);
//! println!("{}", client.snapshots(&vm).await?.render());
//! # Ok(()) }
//! ```
//!
//! A VM's `snapshot` property (`VirtualMachineSnapshotInfo`) is read into a [`SnapshotTree`]:
//! `rootSnapshotList` → [`SnapshotTree::roots`], each entry's `childSnapshotList` →
//! [`SnapshotNode::children`], `currentSnapshot` → [`SnapshotTree::current`]. A VM without snapshots
//! has no `snapshot` value at all: an empty tree. `createTime` is an `xsd:dateTime`, read with or
//! without fractional seconds (vcsim sends nanoseconds, vCenter microseconds) and with or without a
//! zone ([`parse_datetime`]).
//!
//! ```
//! use hermes_vsphere::{model::FromNode, snapshot::SnapshotTree, xml::Node};
//! let val = Node::parse(br#"<val xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="VirtualMachineSnapshotInfo">
//!   <currentSnapshot type="VirtualMachineSnapshot">snapshot-2</currentSnapshot>
//!   <rootSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-1</snapshot><name>base</name><id>1</id>
//!     <createTime>2026-11-25T22:00:00.123456Z</createTime><state>poweredOff</state><quiesced>false</quiesced>
//!     <childSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-2</snapshot><name>patched</name><id>2</id>
//!       <createTime>2026-11-26T08:30:00+01:00</createTime><state>poweredOn</state><quiesced>true</quiesced></childSnapshotList>
//!   </rootSnapshotList></val>"#).unwrap();
//! let tree = SnapshotTree::from_node(&val).unwrap();
//! assert_eq!(tree.depth(), 2);
//! assert_eq!(tree.current_node().unwrap().name, "patched");
//! let names: Vec<_> = tree.path_to(&tree.current.clone().unwrap()).iter().map(|n| n.name.as_str()).collect();
//! assert_eq!(names, ["base", "patched"]);
//! assert_eq!(tree.find_id(2).unwrap().created.to_rfc3339(), "2026-11-26T08:30:00+01:00");
//! ```

use chrono::{DateTime, FixedOffset};
use hermes_core::retention::{Dated, RetentionPolicy};

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::{many, opt, req, FromNode, MoRef, PowerState};
use crate::xml::Node;

/// One snapshot and its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotNode {
    /// The snapshot object.
    pub snapshot: MoRef,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its id within the VM.
    pub id: i32,
    /// When it was taken.
    pub created: DateTime<FixedOffset>,
    /// The VM's power state when taken (`poweredOn` for a memory snapshot on vCenter).
    pub state: Option<PowerState>,
    /// Whether the guest file system was quiesced.
    pub quiesced: bool,
    /// Child snapshots.
    pub children: Vec<SnapshotNode>,
}

/// Parses an `xsd:dateTime` as vSphere sends it: RFC 3339 (`2026-11-25T22:00:00.123456Z`,
/// `…+01:00`, any number of fractional digits), or without a zone (`2026-11-25T22:00:00`, which
/// XML Schema leaves unzoned and vSphere means as UTC).
///
/// ```
/// use hermes_vsphere::snapshot::parse_datetime;
/// assert_eq!(parse_datetime("2026-11-27T12:54:21.16138076Z").unwrap().to_rfc3339(), "2026-11-27T12:54:21.161380760+00:00");
/// assert_eq!(parse_datetime("2013-12-31T01:01:51").unwrap().to_rfc3339(), "2013-12-31T01:01:51+00:00");
/// assert!(parse_datetime("yesterday").is_err());
/// ```
pub fn parse_datetime(text: &str) -> std::result::Result<DateTime<FixedOffset>, String> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|e| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|t| t.and_utc().fixed_offset())
                .map_err(|_| e)
        })
        .map_err(|e| format!("{text:?} is not an xsd:dateTime (2026-11-25T22:00:00.123Z): {e}"))
}

impl FromNode for SnapshotNode {
    fn from_node(n: &Node) -> std::result::Result<Self, String> {
        let created: String = req(n, "createTime")?;
        let created = parse_datetime(&created).map_err(|e| format!("createTime {e}"))?;
        Ok(SnapshotNode {
            snapshot: req(n, "snapshot")?,
            name: req(n, "name")?,
            description: opt(n, "description")?.unwrap_or_default(),
            id: opt(n, "id")?.unwrap_or_default(),
            created,
            state: n.child_text("state").and_then(PowerState::parse),
            quiesced: opt(n, "quiesced")?.unwrap_or(false),
            children: many(n, "childSnapshotList")?,
        })
    }
}

/// A VM's snapshots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SnapshotTree {
    /// The snapshot the VM currently runs from.
    pub current: Option<MoRef>,
    /// The root snapshots.
    pub roots: Vec<SnapshotNode>,
}

impl FromNode for SnapshotTree {
    fn from_node(n: &Node) -> std::result::Result<Self, String> {
        Ok(SnapshotTree {
            current: opt(n, "currentSnapshot")?,
            roots: many(n, "rootSnapshotList")?,
        })
    }
}

impl SnapshotTree {
    /// Every snapshot, depth first (parents before children).
    pub fn flatten(&self) -> Vec<&SnapshotNode> {
        fn walk<'a>(n: &'a SnapshotNode, out: &mut Vec<&'a SnapshotNode>) {
            out.push(n);
            for c in &n.children {
                walk(c, out);
            }
        }
        let mut out = Vec::new();
        for r in &self.roots {
            walk(r, &mut out);
        }
        out
    }

    /// Every snapshot with its depth (a root is at depth 1), depth first (parents before children).
    pub fn with_depth(&self) -> Vec<(usize, &SnapshotNode)> {
        fn walk<'a>(n: &'a SnapshotNode, depth: usize, out: &mut Vec<(usize, &'a SnapshotNode)>) {
            out.push((depth, n));
            for c in &n.children {
                walk(c, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        for r in &self.roots {
            walk(r, 1, &mut out);
        }
        out
    }

    /// The depth of the deepest snapshot: 0 without snapshots, 1 with roots only.
    pub fn depth(&self) -> usize {
        self.with_depth().iter().map(|(d, _)| *d).max().unwrap_or(0)
    }

    /// The snapshot called `name` (the first, depth first).
    pub fn find(&self, name: &str) -> Option<&SnapshotNode> {
        self.flatten().into_iter().find(|n| n.name == name)
    }

    /// The snapshot with this `id` (unique within a VM, unlike names).
    pub fn find_id(&self, id: i32) -> Option<&SnapshotNode> {
        self.flatten().into_iter().find(|n| n.id == id)
    }

    /// The snapshot object `snapshot`.
    pub fn get(&self, snapshot: &MoRef) -> Option<&SnapshotNode> {
        self.flatten().into_iter().find(|n| &n.snapshot == snapshot)
    }

    /// The snapshot the VM currently runs from, if it is in the tree.
    pub fn current_node(&self) -> Option<&SnapshotNode> {
        self.current.as_ref().and_then(|c| self.get(c))
    }

    /// The chain from a root down to `snapshot` (both included); empty if it is not in the tree.
    pub fn path_to(&self, snapshot: &MoRef) -> Vec<&SnapshotNode> {
        fn walk<'a>(n: &'a SnapshotNode, want: &MoRef, path: &mut Vec<&'a SnapshotNode>) -> bool {
            path.push(n);
            if &n.snapshot == want || n.children.iter().any(|c| walk(c, want, path)) {
                return true;
            }
            path.pop();
            false
        }
        let mut path = Vec::new();
        for r in &self.roots {
            if walk(r, snapshot, &mut path) {
                break;
            }
        }
        path
    }

    /// An indented tree, the current snapshot marked with `*`.
    pub fn render(&self) -> String {
        fn walk(n: &SnapshotNode, depth: usize, current: Option<&MoRef>, out: &mut String) {
            let mark = if Some(&n.snapshot) == current {
                " *"
            } else {
                ""
            };
            out.push_str(&format!(
                "{}{} ({}{}){mark}\n",
                "  ".repeat(depth),
                n.name,
                n.created.format("%Y-%m-%d %H:%M"),
                n.state.map(|s| format!(", {s}")).unwrap_or_default()
            ));
            for c in &n.children {
                walk(c, depth + 1, current, out);
            }
        }
        let mut out = String::new();
        for r in &self.roots {
            walk(r, 0, self.current.as_ref(), &mut out);
        }
        if out.is_empty() {
            out.push_str("(no snapshots)\n");
        }
        out
    }
}

impl Client {
    /// The VM's snapshot tree (empty if it has none).
    pub async fn snapshots(&self, vm: &MoRef) -> Result<SnapshotTree> {
        let o = self.retrieve_one(vm, &["snapshot"]).await?;
        Ok(o.decode::<SnapshotTree>("snapshot")
            .map_err(|e| self.malformed("RetrievePropertiesEx", e))?
            .unwrap_or_default())
    }

    /// Takes a snapshot; `memory` includes the VM's memory, `quiesce` asks VMware Tools to quiesce the
    /// guest file systems. Returns the snapshot.
    pub async fn create_snapshot(
        &self,
        vm: &MoRef,
        name: &str,
        description: &str,
        memory: bool,
        quiesce: bool,
    ) -> Result<MoRef> {
        let done = self
            .run_task("CreateSnapshot_Task", vm, |w| {
                w.text("name", name)
                    .text("description", description)
                    .text("memory", memory)
                    .text("quiesce", quiesce);
            })
            .await?;
        match done.moref() {
            Some(s) => Ok(s),
            // Some servers return no result: find the snapshot by name.
            None => self
                .snapshots(vm)
                .await?
                .flatten()
                .into_iter()
                .rev()
                .find(|n| n.name == name)
                .map(|n| n.snapshot.clone())
                .ok_or_else(|| VsphereError::NotFound {
                    target: self.target().to_string(),
                    what: format!("snapshot {name:?} of {vm} after creating it"),
                }),
        }
    }

    /// Reverts the VM to `snapshot`.
    pub async fn revert_snapshot(&self, snapshot: &MoRef) -> Result<()> {
        self.run_task("RevertToSnapshot_Task", snapshot, |_| {})
            .await
            .map(|_| ())
    }

    /// Removes `snapshot`; with `children`, its whole subtree. (A remove task's entity is the snapshot on
    /// some servers and the VM on others; either is accepted.)
    pub async fn remove_snapshot(&self, snapshot: &MoRef, children: bool) -> Result<()> {
        self.run_task("RemoveSnapshot_Task", snapshot, |w| {
            w.text("removeChildren", children);
        })
        .await
        .map(|_| ())
    }
}

/// A snapshot with its logical time, for retention.
#[derive(Debug, Clone)]
pub struct Version {
    /// The snapshot.
    pub node: SnapshotNode,
    /// Its scheduled time (from the name) or creation time.
    pub time: DateTime<FixedOffset>,
}

impl Dated for Version {
    fn id(&self) -> String {
        self.node.name.clone()
    }
    fn time(&self) -> DateTime<FixedOffset> {
        self.time
    }
}

/// Scheduled snapshots: a name prefix, a retention policy, memory/quiesce options.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotPolicy {
    /// Only snapshots whose name starts with this are managed (created and purged).
    pub prefix: String,
    /// What to keep.
    pub retention: RetentionPolicy,
    /// Include memory.
    pub memory: bool,
    /// Quiesce the guest.
    pub quiesce: bool,
}

/// What one scheduled run did on one VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRun {
    /// The snapshot created (its name).
    pub created: String,
    /// The snapshots removed by retention (names).
    pub removed: Vec<String>,
    /// The managed snapshots kept, with why (`name: last 1, daily 2`).
    pub kept: Vec<String>,
}

impl SnapshotPolicy {
    /// Managed snapshots named `prefix…`, kept by `retention`; no memory, no quiesce.
    ///
    /// ```no_run
    /// # async fn demo(client: hermes_vsphere::Client) -> hermes_core::Result<()> {
    /// use hermes_vsphere::snapshot::SnapshotPolicy;
    /// let policy = SnapshotPolicy::new("hermes-", "last=2,daily=7,weekly=4".parse()?);
    /// let vm = client.find_by_path("/DC0/vm/web-001").await?;
    /// let run = policy.run(&client, &vm, chrono::Utc::now().fixed_offset()).await?;
    /// println!("created {}, removed {:?}", run.created, run.removed);
    /// # Ok(()) }
    /// ```
    pub fn new(prefix: impl Into<String>, retention: RetentionPolicy) -> Self {
        SnapshotPolicy {
            prefix: prefix.into(),
            retention,
            memory: false,
            quiesce: false,
        }
    }

    /// The name of the snapshot scheduled at `at`.
    pub fn name_for(&self, at: DateTime<FixedOffset>) -> String {
        format!("{}{}", self.prefix, at.to_rfc3339())
    }

    /// The managed versions in a tree, with their times.
    pub fn versions(&self, tree: &SnapshotTree) -> Vec<Version> {
        tree.flatten()
            .into_iter()
            .filter(|n| n.name.starts_with(&self.prefix))
            .map(|n| Version {
                time: parse_datetime(&n.name[self.prefix.len()..]).unwrap_or(n.created),
                node: n.clone(),
            })
            .collect()
    }

    /// Takes the snapshot scheduled at `at` (unless one of that name exists: a re-run is a no-op), then
    /// removes the managed snapshots the retention policy forgets (each alone, children kept).
    pub async fn run(
        &self,
        client: &Client,
        vm: &MoRef,
        at: DateTime<FixedOffset>,
    ) -> Result<SnapshotRun> {
        let name = self.name_for(at);
        let tree = client.snapshots(vm).await?;
        if tree.find(&name).is_none() {
            client
                .create_snapshot(vm, &name, "scheduled by hermes", self.memory, self.quiesce)
                .await?;
        }
        self.purge(client, vm)
            .await
            .map(|(removed, kept)| SnapshotRun {
                created: name,
                removed,
                kept,
            })
    }

    /// Applies retention to the VM's managed snapshots: returns (removed, kept-with-reasons).
    pub async fn purge(&self, client: &Client, vm: &MoRef) -> Result<(Vec<String>, Vec<String>)> {
        let tree = client.snapshots(vm).await?;
        let versions = self.versions(&tree);
        let decision = self.retention.apply(&versions);
        let mut removed = Vec::new();
        for &i in &decision.forget {
            let v = &versions[i];
            client.remove_snapshot(&v.node.snapshot, false).await?;
            removed.push(v.node.name.clone());
        }
        let kept = decision
            .keep
            .iter()
            .map(|(i, why)| {
                let reasons: Vec<String> = why.iter().map(|r| r.to_string()).collect();
                format!("{}: {}", versions[*i].node.name, reasons.join(", "))
            })
            .collect();
        Ok((removed, kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A `snapshot` property value in the shape vcsim 0.24 returns it (elements and order as in its
    // replies; an unknown element added to check it is tolerated).
    const TREE: &[u8] = br#"<val xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="VirtualMachineSnapshotInfo"><currentSnapshot type="VirtualMachineSnapshot">snapshot-2</currentSnapshot><rootSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-1</snapshot><vm type="VirtualMachine">vm-1</vm><name>root</name><description>first</description><id>1</id><createTime>2026-11-25T22:00:00.123Z</createTime><state>poweredOff</state><quiesced>false</quiesced><childSnapshotList><snapshot type="VirtualMachineSnapshot">snapshot-2</snapshot><vm type="VirtualMachine">vm-1</vm><name>child</name><description></description><id>2</id><createTime>2026-11-25T22:01:00Z</createTime><state>poweredOn</state><quiesced>true</quiesced><futureField>x</futureField></childSnapshotList></rootSnapshotList></val>"#;

    #[test]
    fn tree_decodes_and_renders() {
        let node = Node::parse(TREE).unwrap();
        let tree = SnapshotTree::from_node(&node).unwrap();
        assert_eq!(tree.flatten().len(), 2);
        assert_eq!(tree.find("child").unwrap().snapshot.value, "snapshot-2");
        assert!(tree.find("child").unwrap().quiesced);
        let text = tree.render();
        assert!(
            text.contains(
                "root (2026-11-25 22:00, poweredOff)\n  child (2026-11-25 22:01, poweredOn) *"
            ),
            "{text}"
        );
    }

    /// `createTime` is an `xsd:dateTime`: an unzoned value (which XML Schema allows) made the whole
    /// tree unreadable (`parse_from_rfc3339` only); every form now reads, and garbage names the
    /// element and the value.
    #[test]
    fn create_time_accepts_every_xsd_datetime_form() {
        for (sent, want) in [
            ("2026-11-25T22:00:00Z", "2026-11-25T22:00:00+00:00"),
            (
                "2026-11-25T22:00:00.459999Z",
                "2026-11-25T22:00:00.459999+00:00",
            ),
            ("2026-11-25T23:00:00+01:00", "2026-11-25T23:00:00+01:00"),
            ("2026-11-25T22:00:00", "2026-11-25T22:00:00+00:00"),
            (" 2026-11-25T22:00:00.5 ", "2026-11-25T22:00:00.500+00:00"),
        ] {
            let xml = String::from_utf8_lossy(TREE).replace("2026-11-25T22:00:00.123Z", sent);
            let tree = SnapshotTree::from_node(&Node::parse(xml.as_bytes()).unwrap()).unwrap();
            assert_eq!(
                tree.find("root").unwrap().created.to_rfc3339(),
                want,
                "{sent}"
            );
        }
        let xml = String::from_utf8_lossy(TREE).replace("2026-11-25T22:00:00.123Z", "last tuesday");
        let err = SnapshotTree::from_node(&Node::parse(xml.as_bytes()).unwrap()).unwrap_err();
        assert!(
            err.contains("createTime") && err.contains("last tuesday"),
            "{err}"
        );
    }

    #[test]
    fn versions_take_their_time_from_the_name() {
        let node = Node::parse(TREE).unwrap();
        let mut tree = SnapshotTree::from_node(&node).unwrap();
        tree.roots[0].name = "hermes-2026-01-02T03:00:00+00:00".into();
        let p = SnapshotPolicy::new("hermes-", "last=1".parse().unwrap());
        let v = p.versions(&tree);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].time.to_rfc3339(), "2026-01-02T03:00:00+00:00");
    }
}
