//! Retention (`forget` by a [`RetentionPolicy`], per group of snapshots: by default per host and source,
//! as restic's `--group-by host,paths`; see [`crate::group`]) and a safe `prune`.
//!
//! Prune takes the exclusive lock (no backup runs meanwhile), finds the chunks still referenced by some
//! snapshot, deletes packs that hold none of them, repacks packs that are mostly garbage (new pack and
//! index written first, old ones deleted after), and removes packs no index references (left by an
//! interrupted backup). An interrupted prune leaves duplicates at worst, never a dangling reference.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};
use hermes_core::retention::{Dated, KeepReason, ReasonCounts, RetentionPolicy};
use hermes_core::Sha256Digest;
use serde::{Deserialize, Serialize};

use crate::error::{DataError, Result};
use crate::group::{GroupBy, GroupKey, SnapshotFilter};
use crate::index::{index_key, pack_key, BlobEntry};
use crate::lock::LockGuard;
use crate::repository::Repository;
use crate::snapshot::Snapshot;

impl Dated for Snapshot {
    fn id(&self) -> String {
        self.id.clone()
    }
    fn time(&self) -> DateTime<FixedOffset> {
        self.time.fixed_offset()
    }
    fn tags(&self) -> &[String] {
        &self.tags
    }
}

/// What `forget` decided.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ForgetReport {
    /// Snapshots kept, with why.
    pub keep: Vec<(String, Vec<KeepReason>)>,
    /// Snapshots forgotten (deleted unless dry run).
    pub forget: Vec<String>,
    /// The groups the policy was applied to, one by one, and what it decided in each.
    #[serde(default)]
    pub groups: Vec<ForgetGroup>,
    /// How many snapshots each rule kept, over every group.
    #[serde(default)]
    pub counts: ReasonCounts,
    /// Snapshots the filter left out: neither kept nor forgotten.
    #[serde(default)]
    pub ignored: usize,
}

/// What `forget` decided in one group of snapshots.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ForgetGroup {
    /// The group.
    pub key: GroupKey,
    /// Its snapshots kept, newest first.
    pub keep: Vec<String>,
    /// Its snapshots forgotten, newest first.
    pub forget: Vec<String>,
    /// How many of its snapshots each rule kept.
    #[serde(default)]
    pub counts: ReasonCounts,
}

/// How `forget` runs: the groups (restic's `--group-by`), the snapshots considered (restic's `--host`,
/// `--tag`, `--path`), and whether to delete or only report.
///
/// ```
/// use hermes_data::prune::ForgetOptions;
/// use hermes_data::group::SnapshotFilter;
/// let opts = ForgetOptions::new()
///     .group_by("host".parse()?)
///     .filter(SnapshotFilter::new().host("db1").tags("daily"))
///     .dry_run(true);
/// assert!(opts.dry_run && opts.group_by.host && !opts.group_by.source);
/// # Ok::<(), hermes_data::DataError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForgetOptions {
    /// What the policy is applied per (default: host and source).
    pub group_by: GroupBy,
    /// Which snapshots are considered (default: all).
    pub filter: SnapshotFilter,
    /// Report only; delete nothing.
    pub dry_run: bool,
}

impl ForgetOptions {
    /// Restic's defaults: per host and source, every snapshot, deleting.
    pub fn new() -> Self {
        ForgetOptions::default()
    }
    /// Groups by `by`.
    pub fn group_by(mut self, by: GroupBy) -> Self {
        self.group_by = by;
        self
    }
    /// Considers only the snapshots `filter` matches.
    pub fn filter(mut self, filter: SnapshotFilter) -> Self {
        self.filter = filter;
        self
    }
    /// Reports without deleting when `yes`.
    pub fn dry_run(mut self, yes: bool) -> Self {
        self.dry_run = yes;
        self
    }
}

/// What `prune` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneReport {
    /// Packs deleted whole.
    pub packs_deleted: usize,
    /// Packs rewritten without their unused chunks.
    pub packs_repacked: usize,
    /// Unreferenced packs removed.
    pub orphans_deleted: usize,
    /// Bytes freed in the store.
    pub bytes_freed: u64,
}

impl Repository {
    /// Applies `policy` to each group of snapshots of the same host and source (restic's default
    /// `--group-by host,paths`), newest first; deletes the others unless `dry_run`. See
    /// [`Repository::forget_by_policy_grouped`].
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// let policy: hermes_core::RetentionPolicy = "last=3,daily=7,weekly=4".parse()?;
    /// let report = repo.forget_by_policy(&policy, false).await?;
    /// repo.prune().await?;
    /// # Ok(()) }
    /// ```
    pub async fn forget_by_policy(
        &self,
        policy: &RetentionPolicy,
        dry_run: bool,
    ) -> Result<ForgetReport> {
        self.forget_by_policy_grouped(policy, GroupBy::default(), dry_run)
            .await
    }

    /// Applies `policy` to each group of snapshots as `group_by` forms them (restic's `--group-by`);
    /// deletes the others unless `dry_run`. Like restic, refuses (and deletes nothing) when a non-empty
    /// policy would leave a group with no snapshot at all, e.g. `tag=release` in a group without releases.
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// let policy: hermes_core::RetentionPolicy = "daily=7,tag=release".parse()?;
    /// let by: hermes_data::GroupBy = "host,source,tags".parse()?;
    /// let report = repo.forget_by_policy_grouped(&policy, by, true).await?;
    /// for g in &report.groups {
    ///     println!("{}: keep {}, forget {}", g.key, g.keep.len(), g.forget.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn forget_by_policy_grouped(
        &self,
        policy: &RetentionPolicy,
        group_by: GroupBy,
        dry_run: bool,
    ) -> Result<ForgetReport> {
        self.forget_with(
            policy,
            &ForgetOptions::new().group_by(group_by).dry_run(dry_run),
        )
        .await
    }

    /// Applies `policy` to the snapshots `opts.filter` matches (restic's `forget --host --tag --path`;
    /// the others are neither kept nor forgotten), in the groups `opts.group_by` forms; deletes the
    /// forgotten ones unless `opts.dry_run`. The report says how many snapshots each rule kept, per group
    /// and in all. Refuses, as [`Repository::forget_by_policy_grouped`] does, a policy that would empty a
    /// group.
    ///
    /// ```no_run
    /// # async fn demo(repo: hermes_data::Repository) -> hermes_data::Result<()> {
    /// use hermes_data::{group::SnapshotFilter, prune::ForgetOptions};
    /// let policy: hermes_core::RetentionPolicy = "daily=7,weekly=4,tz=Europe/Berlin".parse()?;
    /// let opts = ForgetOptions::new().filter(SnapshotFilter::new().host("db1")).dry_run(true);
    /// let report = repo.forget_with(&policy, &opts).await?;
    /// for g in &report.groups {
    ///     println!("{}: {}", g.key, g.counts); // e.g. "7 kept (daily 7, weekly 1), 12 forgotten"
    /// }
    /// println!("{} snapshot(s) of other hosts left alone", report.ignored);
    /// # Ok(()) }
    /// ```
    pub async fn forget_with(
        &self,
        policy: &RetentionPolicy,
        opts: &ForgetOptions,
    ) -> Result<ForgetReport> {
        let group_by = opts.group_by;
        let dry_run = opts.dry_run;
        let mut report = ForgetReport::default();
        let (considered, ignored): (Vec<Snapshot>, Vec<Snapshot>) = self
            .snapshots()
            .await?
            .into_iter()
            .partition(|s| opts.filter.matches(s));
        report.ignored = ignored.len();
        for (key, snaps) in group_by.group(considered) {
            let decision = policy.apply(&snaps);
            if decision.keep.is_empty() && !snaps.is_empty() {
                return Err(DataError::InvalidInput {
                    target: format!("{}: retention {policy}", self.name()),
                    detail: format!(
                        "the policy keeps none of the {} snapshots of the group {key} (grouped by {}); refusing to forget a group's every snapshot, as restic does: add a rule that keeps some (e.g. last=1), or group otherwise",
                        snaps.len(),
                        if group_by.is_none() { "nothing".to_string() } else { group_by.to_string() }
                    ),
                });
            }
            let mut group = ForgetGroup {
                key,
                counts: decision.counts(),
                ..ForgetGroup::default()
            };
            report.counts += &group.counts;
            for (i, why) in decision.keep {
                group.keep.push(snaps[i].id.clone());
                report.keep.push((snaps[i].id.clone(), why));
            }
            for i in decision.forget {
                group.forget.push(snaps[i].id.clone());
                report.forget.push(snaps[i].id.clone());
            }
            report.groups.push(group);
        }
        if !dry_run {
            self.forget(&report.forget).await?;
        }
        Ok(report)
    }

    /// Removes data no snapshot references (see the module doc).
    pub async fn prune(&self) -> Result<PruneReport> {
        let lock = LockGuard::acquire(self.store().clone(), true).await?;
        let index = self.load_index().await?;
        let mut used: HashSet<Sha256Digest> = HashSet::new();
        for snap in self.snapshots().await? {
            used.extend(snap.tree.iter().copied());
            for n in self.read_tree_with(&index, &snap).await? {
                used.extend(n.chunks);
            }
        }
        let mut report = PruneReport::default();
        // Orphans first: packs without an index (no backup runs: we hold the exclusive lock).
        for m in self.store().list("data/").await? {
            let pack = m.key.rsplit('/').next().unwrap_or_default().to_string();
            if !index.packs.contains_key(&pack) {
                self.store().delete(&m.key).await?;
                report.orphans_deleted += 1;
                report.bytes_freed += m.size;
            }
        }
        let mut keep_ids: HashSet<Sha256Digest> = HashSet::new();
        let mut packs: Vec<_> = index.packs.values().cloned().collect();
        packs.sort_by(|a, b| a.pack.cmp(&b.pack));
        for pi in packs {
            // A chunk stored twice is kept once.
            let live: Vec<&BlobEntry> = pi
                .blobs
                .iter()
                .filter(|b| used.contains(&b.id) && !keep_ids.contains(&b.id))
                .collect();
            let live_bytes: u64 = live.iter().map(|b| b.length as u64).sum();
            if live.is_empty() {
                self.store().delete(&index_key(&pi.pack)).await?;
                self.store().delete(&pack_key(&pi.pack)).await?;
                report.packs_deleted += 1;
                report.bytes_freed += pi.size;
                continue;
            }
            if live_bytes * 5 < pi.size * 4 {
                let data = self.store().get_bytes(&pack_key(&pi.pack)).await?;
                let mut buf = Vec::with_capacity(live_bytes as usize);
                let mut blobs = Vec::new();
                for b in &live {
                    let s = b.offset as usize;
                    blobs.push(BlobEntry {
                        offset: buf.len() as u64,
                        ..**b
                    });
                    buf.extend_from_slice(&data[s..s + b.length as usize]);
                }
                let (_, written) = self.write_pack(buf, blobs).await?;
                self.store().delete(&index_key(&pi.pack)).await?;
                self.store().delete(&pack_key(&pi.pack)).await?;
                report.packs_repacked += 1;
                report.bytes_freed += pi.size.saturating_sub(written);
            }
            keep_ids.extend(live.iter().map(|b| b.id));
        }
        lock.release().await?;
        Ok(report)
    }
}
