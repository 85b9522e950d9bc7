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
use hermes_core::retention::{KeepReason, ReasonCounts};
use hermes_core::RetentionPolicy;
use hermes_data::{GroupBy, Snapshot, SnapshotFilter, SnapshotKind, SnapshotStats};
use serde_json::Value;

/// Test-only repository password (not a secret: the repository lives and dies in a temp dir).
const PASSWORD: &str = "hermes-retention-side-by-side";

fn restic(tmp: &Path, args: &[&str]) -> Vec<u8> {
    restic_in(tmp, "UTC", args)
}

/// restic with `TZ=tz`: its `backup --time` reads the wall time there (and records that offset), its
/// `forget` counts `within` spans back on that zone's calendar.
fn restic_in(tmp: &Path, tz: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new("restic")
        .args(args)
        .arg("--no-cache")
        .env("RESTIC_REPOSITORY", tmp.join("repo"))
        .env("RESTIC_PASSWORD", PASSWORD)
        .env("TZ", tz)
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
/// A group's decision: kept ids with their reasons, removed ids (newest first), and how many snapshots
/// each rule kept.
type Decided = (Vec<(String, Vec<String>)>, Vec<String>, ReasonCounts);

/// The per-rule counts of a group, from restic's own reason texts.
fn counts_of(kept: &[(String, Vec<String>)], removed: usize) -> ReasonCounts {
    let mut c = ReasonCounts {
        kept: kept.len(),
        forgotten: removed,
        ..ReasonCounts::default()
    };
    for (_, reasons) in kept {
        let mut tagged = false;
        for r in reasons {
            let slot = match r.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["oldest", ..] => &mut c.oldest,
                ["has", "tags", ..] if tagged => continue,
                ["has", "tags", ..] => {
                    tagged = true;
                    &mut c.tags
                }
                ["within", _] => &mut c.within,
                ["last", "snapshot"] => &mut c.last,
                ["hourly", "snapshot"] => &mut c.hourly,
                ["daily", "snapshot"] => &mut c.daily,
                ["weekly", "snapshot"] => &mut c.weekly,
                ["monthly", "snapshot"] => &mut c.monthly,
                ["yearly", "snapshot"] => &mut c.yearly,
                ["hourly", "within", _] => &mut c.hourly_within,
                ["daily", "within", _] => &mut c.daily_within,
                ["weekly", "within", _] => &mut c.weekly_within,
                ["monthly", "within", _] => &mut c.monthly_within,
                ["yearly", "within", _] => &mut c.yearly_within,
                other => panic!("a reason restic does not give: {other:?}"),
            };
            *slot += 1;
        }
    }
    c
}

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
        let kept: Vec<(String, Vec<String>)> = keep
            .iter()
            .zip(&reasons)
            .map(|(k, r)| {
                (
                    k["id"].as_str().unwrap().to_string(),
                    strings(&r["matches"]),
                )
            })
            .collect();
        let removed: Vec<String> = g["remove"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| s["id"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let counts = counts_of(&kept, removed.len());
        res.insert(key, (kept, removed, counts));
    }
    res
}

/// Hermes' decision on the snapshots `filter` matches, adapted to restic 0.14 (see the module doc);
/// counts the reasons dropped. The per-rule counts are Hermes' own (`RetentionDecision::counts`), with
/// the dropped `oldest` keeps taken out as the adaptation takes them out.
fn hermes_groups(
    snaps: &[Snapshot],
    policy: &RetentionPolicy,
    by: GroupBy,
    filter: &SnapshotFilter,
    dropped: &mut usize,
) -> BTreeMap<Key, Decided> {
    let mut res = BTreeMap::new();
    let considered: Vec<Snapshot> = snaps
        .iter()
        .filter(|s| filter.matches(s))
        .cloned()
        .collect();
    for (key, group) in by.group(considered) {
        let key = (
            key.host.unwrap_or_default(),
            key.source
                .map(|s| s.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            key.tags.unwrap_or_default(),
        );
        let decision = policy.apply(&group);
        let mut counts = decision.counts();
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
            counts.oldest -= before - reasons.len();
            if reasons.is_empty() {
                removed.push((i, group[i].id.clone()));
                counts.kept -= 1;
                counts.forgotten += 1;
            } else {
                kept.push((group[i].id.clone(), reasons));
            }
        }
        removed.extend(decision.forget.iter().map(|&i| (i, group[i].id.clone())));
        removed.sort_by_key(|(i, _)| std::cmp::Reverse(group[*i].time));
        res.insert(
            key,
            (
                kept,
                removed.into_iter().map(|(_, id)| id).collect(),
                counts,
            ),
        );
    }
    res
}

/// One `restic backup` to make: the wall time, read in `tz`.
struct Backup {
    time: String,
    tz: &'static str,
    host: String,
    dir: &'static str,
    tags: Vec<&'static str>,
}

/// Makes the backups three at a time (restic's backups take a shared lock, and most of each run is its
/// key derivation) and returns the repository's snapshots as Hermes sees them.
fn make_snapshots(tmp: &Path, backups: &[Backup]) -> Vec<Snapshot> {
    for dir in ["a", "b"] {
        std::fs::create_dir_all(tmp.join(dir)).unwrap();
        std::fs::write(tmp.join(dir).join("f"), dir).unwrap();
    }
    restic(tmp, &["init", "-q"]);
    std::thread::scope(|scope| {
        for chunk in backups.chunks(backups.len().div_ceil(3)) {
            scope.spawn(move || {
                for b in chunk {
                    let dir = tmp.join(b.dir);
                    let tags = b.tags.join(",");
                    let mut args = vec!["backup", "-q", "--time", &b.time, "--host", &b.host];
                    if !tags.is_empty() {
                        args.extend(["--tag", &tags]);
                    }
                    args.push(dir.to_str().unwrap());
                    restic_in(tmp, b.tz, &args);
                }
            });
        }
    });
    let listing: Value = serde_json::from_slice(&restic(tmp, &["snapshots", "--json"])).unwrap();
    let snaps = hermes_snapshots(&listing);
    assert_eq!(snaps.len(), backups.len());
    snaps
}

/// One `forget` run side by side: restic's policy flags, its filter flags (`--host`, `--tag`, `--path`),
/// its `--group-by`, restic run with `TZ=tz` and Hermes' policy in that zone. `Err` with both decisions
/// when they differ.
fn side_by_side(
    tmp: &Path,
    snaps: &[Snapshot],
    tz: &str,
    flags: &[&str],
    filter_flags: &[&str],
    group_by: &str,
    dropped: &mut usize,
) -> Result<usize, String> {
    let mut args = vec!["forget", "--dry-run", "--json", "--group-by", group_by];
    args.extend(filter_flags);
    args.extend(flags);
    let theirs = restic_groups(&restic_in(tmp, tz, &args));
    // The same flags in Hermes' text form: `--keep-daily=4 ...`, `--keep-tag=daily+release`, `tz=...`.
    let mut text: Vec<String> = flags
        .chunks(2)
        .map(|f| format!("{}={}", f[0], f[1].replace(',', "+")))
        .collect();
    text.push(format!("tz={tz}"));
    let policy: RetentionPolicy = text.join(" ").parse().unwrap();
    let mut filter = SnapshotFilter::new();
    for f in filter_flags.chunks(2) {
        filter = match f[0] {
            "--host" => filter.host(f[1]),
            "--tag" => filter.tags(f[1]),
            "--path" => filter.source(f[1]),
            other => panic!("no such filter flag {other}"),
        };
    }
    let by: GroupBy = group_by.parse().unwrap();
    let ours = hermes_groups(snaps, &policy, by, &filter, dropped);
    if ours != theirs {
        return Err(format!(
            "TZ={tz} {filter_flags:?} {flags:?} --group-by {group_by:?}:\n  hermes: {ours:?}\n  restic: {theirs:?}"
        ));
    }
    assert!(!theirs.is_empty(), "{filter_flags:?} {flags:?}: no group");
    Ok(theirs.values().map(|(k, r, _)| k.len() + r.len()).sum())
}

#[test]
fn forget_keeps_what_restic_forget_keeps_on_a_real_restic_repository() {
    let started = std::time::Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let backups: Vec<Backup> = specs()
        .into_iter()
        .map(|s| Backup {
            time: s.time.format("%Y-%m-%d %H:%M:%S").to_string(),
            tz: "UTC",
            host: s.host.to_string(),
            dir: s.dir,
            tags: s.tags.to_vec(),
        })
        .collect();
    let snaps = make_snapshots(tmp.path(), &backups);
    assert_eq!(snaps.len(), 60);
    let path_a = tmp.path().join("a").display().to_string();

    // (restic flags, filter flags, --group-by): each policy kind, each grouping, each filter.
    let cases: [(&[&str], &[&str], &str); 10] = [
        (&["--keep-last", "3"], &[], "host,paths"),
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
            &[],
            "host,paths",
        ),
        (&["--keep-hourly", "5", "--keep-within", "3d"], &[], "host"),
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
            &[],
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
            &[],
            "host,tags",
        ),
        (
            &["--keep-weekly", "5", "--keep-within-hourly", "2d"],
            &[],
            "paths",
        ),
        (
            &["--keep-monthly", "100", "--keep-yearly", "100"],
            &[],
            "host",
        ),
        // Filters: only the matching snapshots are considered; the others are in no group.
        (&["--keep-daily", "3"], &["--host", "h1"], "host,paths"),
        (
            &["--keep-last", "2", "--keep-weekly", "2"],
            &["--tag", "daily", "--tag", "release,daily"],
            "",
        ),
        (
            &["--keep-weekly", "2"],
            &["--path", &path_a, "--host", "h2", "--host", "h1"],
            "host",
        ),
    ];
    let mut dropped = 0;
    let mut failures = Vec::new();
    for (flags, filter, group_by) in cases {
        match side_by_side(
            tmp.path(),
            &snaps,
            "UTC",
            flags,
            filter,
            group_by,
            &mut dropped,
        ) {
            Ok(considered) if filter.is_empty() => assert_eq!(considered, 60),
            Ok(considered) => assert!(considered < 60, "{filter:?} filtered nothing out"),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        dropped > 0,
        "the restic >= 0.16 oldest-snapshot rule should have applied at least once"
    );
    eprintln!(
        "10 policies x filters x groups compared with `{}` on 60 snapshots in {:.1} s ({dropped} 'oldest' reasons adapted)",
        String::from_utf8_lossy(&restic(tmp.path(), &["version"])).trim(),
        started.elapsed().as_secs_f64()
    );
}

/// One zone's daylight-saving changes in 2020, as wall times there.
struct Zone {
    tz: &'static str,
    /// The spring change's day and a wall time in the hour (or half hour) skipped that day.
    spring: (&'static str, &'static str),
    /// The autumn change's day and a wall time in the hour (or half hour) repeated that day.
    autumn: (&'static str, &'static str),
    /// Fixed-offset zones (`Etc/GMT-2` is UTC+2) naming the repeated wall time's first and second
    /// occurrence, when a whole number of hours (restic's `--time` reads a wall time; in the zone itself
    /// Go picks one of the two).
    occurrences: [Option<&'static str>; 2],
}

/// Wall times `minutes` apart from `start` on `day` (`HH:MM`), `n` of them, as restic's `--time` reads.
fn walls(day: &str, start: &str, minutes: i64, n: i64) -> Vec<String> {
    let t0 =
        chrono::NaiveDateTime::parse_from_str(&format!("{day} {start}"), "%Y-%m-%d %H:%M").unwrap();
    (0..n)
        .map(|i| {
            (t0 + Duration::minutes(minutes * i))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .collect()
}

/// The next day, same wall time.
fn next_day(day: &str, wall: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() + Duration::days(1);
    format!("{d} {wall}:00")
}

#[test]
fn forget_in_a_time_zone_keeps_what_restic_keeps_in_that_zone_across_daylight_saving_changes() {
    let started = std::time::Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let zones = [
        Zone {
            tz: "Europe/Berlin",
            spring: ("2020-03-29", "02:30"),
            autumn: ("2020-10-25", "02:40"),
            occurrences: [Some("Etc/GMT-2"), Some("Etc/GMT-1")],
        },
        Zone {
            tz: "America/New_York",
            spring: ("2020-03-08", "02:30"),
            autumn: ("2020-11-01", "01:40"),
            occurrences: [Some("Etc/GMT+4"), Some("Etc/GMT+5")],
        },
        Zone {
            // Lord Howe moves its clocks by 30 minutes: +10:30 in winter, +11 in summer (spring in
            // October, autumn in April).
            tz: "Australia/Lord_Howe",
            spring: ("2020-10-04", "02:15"),
            autumn: ("2020-04-05", "01:40"),
            occurrences: [Some("Etc/GMT-11"), None],
        },
    ];
    let mut backups = Vec::new();
    for z in &zones {
        let host = z.tz.replace('/', "-");
        let mut add = |time: String, tz: &'static str, tags: Vec<&'static str>| {
            backups.push(Backup {
                time,
                tz,
                host: host.clone(),
                dir: "a",
                tags,
            })
        };
        // Every 25 minutes through each change's night (so several to an hour, and the skipped and
        // repeated hours), a few more that day, and the next day at the skipped / repeated wall time:
        // the newest of its set, so `within 1d` counts back onto a wall time that does not exist or
        // exists twice.
        for ((day, wall), tag) in [(z.spring, "spring"), (z.autumn, "autumn")] {
            for t in walls(day, "00:05", 25, 10) {
                add(t, z.tz, vec![tag]);
            }
            for t in walls(day, "07:35", 240, 4) {
                add(t, z.tz, vec![tag]);
            }
            let prev =
                chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() - Duration::days(1);
            for t in walls(&prev.to_string(), "12:10", 210, 4) {
                add(t, z.tz, vec![tag]);
            }
            add(next_day(day, wall), z.tz, vec![tag]);
        }
        // The repeated wall time's both occurrences, 7 and 14 minutes on (still in the repeated hour,
        // and no other snapshot's minute), written with a fixed offset.
        let (day, wall) = z.autumn;
        for (k, occ) in z.occurrences.iter().enumerate() {
            if let Some(fixed) = occ {
                for t in walls(day, wall, 7, 3).into_iter().skip(1) {
                    add(t, fixed, vec!["autumn", ["first", "second"][k]]);
                }
            }
        }
        // Across the year end: ISO week 2020-W53 ends on Sunday, Jan 3, 2021.
        for t in [
            "2020-12-31 23:30:00",
            "2021-01-01 00:30:00",
            "2021-01-03 23:30:00",
            "2021-01-04 00:30:00",
        ] {
            add(t.to_string(), z.tz, vec!["year-end"]);
        }
    }
    let snaps = make_snapshots(tmp.path(), &backups);
    // Every time unique (restic's listing order is not stable for equal times).
    let mut times: Vec<_> = snaps.iter().map(|s| (s.host.clone(), s.time)).collect();
    times.sort();
    times.dedup();
    assert_eq!(times.len(), snaps.len(), "two snapshots at one instant");

    let mut dropped = 0;
    let mut failures = Vec::new();
    let mut compared = 0;
    for z in &zones {
        let host = z.tz.replace('/', "-");
        let cases: [(&[&str], &[&str]); 5] = [
            (&["--keep-hourly", "100"], &["--host", &host]),
            (
                &["--keep-daily", "100", "--keep-weekly", "100"],
                &["--host", &host],
            ),
            (
                &["--keep-daily", "3", "--keep-monthly", "3"],
                &["--host", &host],
            ),
            (
                &["--keep-within", "1d", "--keep-within-hourly", "2d"],
                &["--host", &host, "--tag", "spring"],
            ),
            (
                &[
                    "--keep-within",
                    "1d",
                    "--keep-within-daily",
                    "3d",
                    "--keep-last",
                    "1",
                ],
                &["--host", &host, "--tag", "autumn"],
            ),
        ];
        for (flags, filter) in cases {
            match side_by_side(
                tmp.path(),
                &snaps,
                z.tz,
                flags,
                filter,
                "host,paths",
                &mut dropped,
            ) {
                Ok(n) => compared += n,
                Err(e) => failures.push(e),
            }
        }
    }
    // The zone is what makes them equal: in UTC, Hermes decides otherwise on this data.
    let mut in_utc = 0;
    for z in &zones {
        let host = z.tz.replace('/', "-");
        let theirs = restic_groups(&restic_in(
            tmp.path(),
            z.tz,
            &[
                "forget",
                "--dry-run",
                "--json",
                "--host",
                &host,
                "--keep-daily",
                "100",
            ],
        ));
        let utc: RetentionPolicy = "daily=100,tz=UTC".parse().unwrap();
        let ours = hermes_groups(
            &snaps,
            &utc,
            GroupBy::default(),
            &SnapshotFilter::new().host(&host),
            &mut 0,
        );
        in_utc += usize::from(ours != theirs);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        in_utc,
        zones.len(),
        "each zone's days should differ from UTC's on this data"
    );
    eprintln!(
        "15 forget runs in 3 zones equal to restic's ({compared} snapshot decisions, {} snapshots, {dropped} 'oldest' reasons adapted) in {:.1} s",
        snaps.len(),
        started.elapsed().as_secs_f64()
    );
}
