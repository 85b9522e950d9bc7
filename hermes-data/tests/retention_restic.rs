//! Retention side by side with restic itself: a real restic repository in a temp dir gets 60 tiny
//! snapshots at generated times (two hosts, two paths, four tag sets, across the 2020/2021 year end and
//! ISO week 2020-W53, some in the same hour), then `restic forget --dry-run --json` runs with seven
//! policies and groupings; Hermes applies the same policy text (restic's flag names) through
//! [`hermes_data::GroupBy`] and [`hermes_core::RetentionPolicy`] to the same snapshots, and every group's
//! kept and removed snapshots, in order, and every kept snapshot's reasons must be restic's.
//!
//! The installed restic is Debian's 0.14 (`scripts/peers.sh up backup-tools`, run by the README's test
//! command). Hermes follows restic ≥ 0.16, which also keeps a group's oldest snapshot when a rule still
//! has counts left (restic PR #4366); 0.14 forgets it. Hermes marks exactly those keeps with
//! [`KeepReason::Oldest`], so the comparison removes those reasons (and a snapshot kept for no other
//! reason moves to "removed"), and asserts that this adaptation was needed at least once. 0.14 also reads
//! a count of -1 as "keep nothing" where ≥ 0.16 reads "unlimited": no case here uses it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use hermes_core::retention::KeepReason;
use hermes_core::RetentionPolicy;
use hermes_data::{GroupBy, Snapshot, SnapshotKind, SnapshotStats};
use serde_json::Value;

/// Test-only repository password (not a secret: the repository lives and dies in a temp dir).
const PASSWORD: &str = "hermes-retention-side-by-side";

fn restic(tmp: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("restic")
        .args(args)
        .arg("--no-cache")
        .env("RESTIC_REPOSITORY", tmp.join("repo"))
        .env("RESTIC_PASSWORD", PASSWORD)
        .env("TZ", "UTC")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run restic ({e}): install it with `scripts/peers.sh up backup-tools`")
        });
    assert!(
        out.status.success(),
        "restic {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

struct Spec {
    time: DateTime<Utc>,
    host: &'static str,
    dir: &'static str,
    tags: &'static [&'static str],
}

/// 60 snapshots: 44 from 2020-12-20 on, 1 to 40 hours apart (so several in one day, and some 1 hour
/// apart, across the year end and ISO week 2020-W53), and 16 about a month apart before that (2019-2020),
/// with hosts, paths and tags drawn from a fixed seed. Times are unique: restic lists a repository in no
/// set order, so equal times would make the "newest" ambiguous.
fn specs() -> Vec<Spec> {
    let mut rng = fastrand::Rng::with_seed(9);
    let tag_sets: [&[&str]; 4] = [&[], &["daily"], &["release"], &["daily", "release"]];
    let mut t = Utc.with_ymd_and_hms(2019, 8, 3, 10, 15, 0).unwrap();
    let mut out = Vec::new();
    for i in 0..60 {
        t += if i < 16 {
            Duration::days(rng.i64(25..=35)) + Duration::minutes(rng.i64(0..600))
        } else if i == 16 {
            Utc.with_ymd_and_hms(2020, 12, 20, 9, 30, 0).unwrap() - t
        } else {
            Duration::hours(rng.i64(1..=40)) + Duration::minutes(rng.i64(0..50))
        };
        out.push(Spec {
            time: t,
            host: ["h1", "h2"][rng.usize(0..2)],
            dir: ["a", "b"][usize::from(rng.u8(0..4) == 0)],
            tags: tag_sets[rng.usize(0..4)],
        });
    }
    out
}

/// The same snapshots as Hermes sees them: restic's paths (one per snapshot here) as the source.
fn hermes_snapshots(listing: &Value) -> Vec<Snapshot> {
    listing
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Snapshot {
            id: s["id"].as_str().unwrap().to_string(),
            time: s["time"].as_str().unwrap().parse().unwrap(),
            source: paths_of(s).join(","),
            host: s["hostname"].as_str().unwrap().to_string(),
            kind: SnapshotKind::Full,
            parent: None,
            tags: strings(&s["tags"]),
            tree: Vec::new(),
            stats: SnapshotStats::default(),
            meta: BTreeMap::new(),
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn paths_of(v: &Value) -> Vec<String> {
    strings(&v["paths"])
}

/// A group's identity, the same for both: host ("" when not grouped), paths, sorted tags.
type Key = (String, Vec<String>, Vec<String>);
/// A group's decision: kept ids with their reasons, removed ids, newest first.
type Decided = (Vec<(String, Vec<String>)>, Vec<String>);

fn restic_groups(out: &[u8]) -> BTreeMap<Key, Decided> {
    let groups: Value = serde_json::from_slice(out).unwrap();
    let mut res = BTreeMap::new();
    for g in groups.as_array().unwrap() {
        let mut tags = strings(&g["tags"]);
        tags.sort();
        let key = (g["host"].as_str().unwrap().to_string(), paths_of(g), tags);
        let keep = g["keep"].as_array().cloned().unwrap_or_default();
        let reasons = g["reasons"].as_array().cloned().unwrap_or_default();
        assert_eq!(keep.len(), reasons.len());
        let kept = keep
            .iter()
            .zip(&reasons)
            .map(|(k, r)| {
                (
                    k["id"].as_str().unwrap().to_string(),
                    strings(&r["matches"]),
                )
            })
            .collect();
        let removed = g["remove"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["id"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        res.insert(key, (kept, removed));
    }
    res
}

/// Hermes' decision, adapted to restic 0.14 (see the module doc); counts the reasons dropped.
fn hermes_groups(
    snaps: &[Snapshot],
    policy: &RetentionPolicy,
    by: GroupBy,
    dropped: &mut usize,
) -> BTreeMap<Key, Decided> {
    let mut res = BTreeMap::new();
    for (key, group) in by.group(snaps.to_vec()) {
        let key = (
            key.host.unwrap_or_default(),
            key.source
                .map(|s| s.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            key.tags.unwrap_or_default(),
        );
        let decision = policy.apply(&group);
        let mut kept = Vec::new();
        let mut removed: Vec<(usize, String)> = Vec::new();
        for (i, reasons) in decision.keep {
            let before = reasons.len();
            let reasons: Vec<String> = reasons
                .into_iter()
                .filter(|r| !matches!(r, KeepReason::Oldest(_)))
                .map(|r| r.to_string())
                .collect();
            *dropped += before - reasons.len();
            if reasons.is_empty() {
                removed.push((i, group[i].id.clone()));
            } else {
                kept.push((group[i].id.clone(), reasons));
            }
        }
        removed.extend(decision.forget.iter().map(|&i| (i, group[i].id.clone())));
        removed.sort_by_key(|(i, _)| std::cmp::Reverse(group[*i].time));
        res.insert(key, (kept, removed.into_iter().map(|(_, id)| id).collect()));
    }
    res
}

#[test]
fn forget_keeps_what_restic_forget_keeps_on_a_real_restic_repository() {
    let started = std::time::Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["a", "b"] {
        std::fs::create_dir_all(tmp.path().join(dir)).unwrap();
        std::fs::write(tmp.path().join(dir).join("f"), dir).unwrap();
    }
    restic(tmp.path(), &["init", "-q"]);
    // Three at a time: restic's backups take a shared lock, and most of each run is its key derivation.
    let specs = specs();
    std::thread::scope(|scope| {
        for chunk in specs.chunks(specs.len().div_ceil(3)) {
            let tmp = tmp.path();
            scope.spawn(move || {
                for s in chunk {
                    let time = s.time.format("%Y-%m-%d %H:%M:%S").to_string();
                    let dir = tmp.join(s.dir);
                    let tags = s.tags.join(",");
                    let mut args = vec!["backup", "-q", "--time", &time, "--host", s.host];
                    if !tags.is_empty() {
                        args.extend(["--tag", &tags]);
                    }
                    args.push(dir.to_str().unwrap());
                    restic(tmp, &args);
                }
            });
        }
    });
    let listing: Value =
        serde_json::from_slice(&restic(tmp.path(), &["snapshots", "--json"])).unwrap();
    let snaps = hermes_snapshots(&listing);
    assert_eq!(snaps.len(), 60);

    // (restic flags, --group-by): each policy kind, each grouping.
    let cases: [(&[&str], &str); 7] = [
        (&["--keep-last", "3"], "host,paths"),
        (
            &[
                "--keep-daily",
                "4",
                "--keep-weekly",
                "3",
                "--keep-monthly",
                "2",
                "--keep-yearly",
                "2",
            ],
            "host,paths",
        ),
        (&["--keep-hourly", "5", "--keep-within", "3d"], "host"),
        (
            &[
                "--keep-within-daily",
                "10d",
                "--keep-within-weekly",
                "1m",
                "--keep-within-monthly",
                "6m",
                "--keep-within-yearly",
                "2y",
            ],
            "",
        ),
        (
            &[
                "--keep-tag",
                "release",
                "--keep-tag",
                "daily,release",
                "--keep-last",
                "1",
            ],
            "host,tags",
        ),
        (
            &["--keep-weekly", "5", "--keep-within-hourly", "2d"],
            "paths",
        ),
        (&["--keep-monthly", "100", "--keep-yearly", "100"], "host"),
    ];
    let mut dropped = 0;
    let mut failures = Vec::new();
    for (flags, group_by) in cases {
        let mut args = vec!["forget", "--dry-run", "--json", "--group-by", group_by];
        args.extend(flags);
        let theirs = restic_groups(&restic(tmp.path(), &args));
        // The same flags in Hermes' text form: `--keep-daily=4 ...`, `--keep-tag=daily+release`.
        let text: Vec<String> = flags
            .chunks(2)
            .map(|f| format!("{}={}", f[0], f[1].replace(',', "+")))
            .collect();
        let policy: RetentionPolicy = text.join(" ").parse().unwrap();
        let by: GroupBy = group_by.parse().unwrap();
        let ours = hermes_groups(&snaps, &policy, by, &mut dropped);
        if ours != theirs {
            failures.push(format!(
                "{flags:?} --group-by {group_by:?}:\n  hermes: {ours:?}\n  restic: {theirs:?}"
            ));
        }
        assert!(!theirs.is_empty());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        dropped > 0,
        "the restic >= 0.16 oldest-snapshot rule should have applied at least once"
    );
    eprintln!(
        "7 policies x groups compared with `{}` on 60 snapshots in {:.1} s ({dropped} 'oldest' reasons adapted)",
        String::from_utf8_lossy(&restic(tmp.path(), &["version"])).trim(),
        started.elapsed().as_secs_f64()
    );
}
