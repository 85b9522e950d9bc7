//! Retention policies, as restic's `forget` defines them: keep the last *n*, and the newest item of each
//! of the last *n* hours, days, ISO weeks, months and years, plus everything within a duration of the
//! newest. [`RetentionPolicy::apply`] is a pure function that says what to keep, what to forget, and why.
//!
//! Semantics (restic ≥ 0.17): items are taken newest first; each bucket kind (last, hourly, daily, weekly,
//! monthly, yearly) keeps an item when its bucket (hour, day, ISO week...) differs from the previous kept
//! item's bucket of that kind and the kind still has a count left; when a kind still has counts left at the
//! oldest item, that oldest item is kept too (it maximises the history kept). A count of `u32::MAX`
//! ("all") never runs out. Buckets are taken in each item's own UTC offset. An empty policy keeps
//! everything (and says so).
//!
//! ```
//! use hermes_core::retention::{Dated, RetentionPolicy};
//! use chrono::{DateTime, FixedOffset, TimeZone};
//! struct Snap(u32);
//! impl Dated for Snap {
//!     fn id(&self) -> String { format!("snap-{}", self.0) }
//!     fn time(&self) -> DateTime<FixedOffset> {
//!         FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 11, 1 + self.0, 2, 0, 0).unwrap()
//!     }
//! }
//! let snaps: Vec<Snap> = (0..20).map(Snap).collect();            // one a day, Nov 1..20
//! let policy: RetentionPolicy = "daily=7,weekly=4".parse().unwrap();
//! let decision = policy.apply(&snaps);
//! // Nov 14..20 by day; then the newest of ISO weeks 45 and 44 (Nov 8, Nov 1) by week.
//! assert_eq!(decision.keep.len(), 7 + 2);
//! for (index, reasons) in &decision.keep { println!("keep {}: {reasons:?}", snaps[*index].id()); }
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Something with an identity and a time: a snapshot, a backup, a VM snapshot, a config backup.
pub trait Dated {
    /// The item's identity, as shown in reports.
    fn id(&self) -> String;
    /// When the item was made (in the offset its buckets are counted in).
    fn time(&self) -> DateTime<FixedOffset>;
}

/// How many of each kind to keep. `None` or `Some(0)`: this kind keeps nothing; `Some(u32::MAX)`: all.
/// Parsed from restic-style text (`last=3,daily=7,weekly=4,monthly=12,yearly=all,within=14d`).
///
/// ```
/// use hermes_core::RetentionPolicy;
/// let p: RetentionPolicy = "last=2,daily=7,weekly=4".parse().unwrap();
/// assert_eq!((p.last, p.daily, p.weekly, p.monthly), (Some(2), Some(7), Some(4), None));
/// let e = "daily".parse::<RetentionPolicy>().unwrap_err();
/// assert!(e.to_string().contains("write e.g. daily=7"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// Keep the newest *n* items.
    pub last: Option<u32>,
    /// Keep the newest item of each of the last *n* hours that have items.
    pub hourly: Option<u32>,
    /// ... days.
    pub daily: Option<u32>,
    /// ... ISO weeks.
    pub weekly: Option<u32>,
    /// ... months.
    pub monthly: Option<u32>,
    /// ... years.
    pub yearly: Option<u32>,
    /// Keep every item younger than this, measured back from the newest item.
    #[serde(default, with = "opt_duration")]
    pub within: Option<chrono::Duration>,
}

mod opt_duration {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(d: &Option<chrono::Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.num_seconds()),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<chrono::Duration>, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map(chrono::Duration::seconds))
    }
}

/// Why an item is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepReason {
    /// The policy is empty: everything is kept.
    EmptyPolicy,
    /// Within the `within` duration of the newest item.
    Within,
    /// One of the last *n*.
    Last,
    /// The newest of its hour.
    Hourly,
    /// The newest of its day.
    Daily,
    /// The newest of its ISO week.
    Weekly,
    /// The newest of its month.
    Monthly,
    /// The newest of its year.
    Yearly,
}

impl fmt::Display for KeepReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeepReason::EmptyPolicy => "policy is empty",
            KeepReason::Within => "within",
            KeepReason::Last => "last snapshot",
            KeepReason::Hourly => "hourly snapshot",
            KeepReason::Daily => "daily snapshot",
            KeepReason::Weekly => "weekly snapshot",
            KeepReason::Monthly => "monthly snapshot",
            KeepReason::Yearly => "yearly snapshot",
        })
    }
}

/// What [`RetentionPolicy::apply`] decided. Indices refer to the input slice; both lists are newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionDecision {
    /// The items to keep, each with its reasons.
    pub keep: Vec<(usize, Vec<KeepReason>)>,
    /// The items to forget.
    pub forget: Vec<usize>,
}

impl RetentionDecision {
    /// Whether item `index` is kept.
    pub fn keeps(&self, index: usize) -> bool {
        self.keep.iter().any(|(i, _)| *i == index)
    }

    /// A table like `restic forget` prints: each item, keep/forget, and the reasons.
    pub fn render<T: Dated>(&self, items: &[T]) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let mut rows: Vec<(usize, Option<&Vec<KeepReason>>)> = self
            .keep
            .iter()
            .map(|(i, r)| (*i, Some(r)))
            .chain(self.forget.iter().map(|i| (*i, None)))
            .collect();
        rows.sort_by_key(|(i, _)| std::cmp::Reverse(items[*i].time()));
        for (i, reasons) in rows {
            let item = &items[i];
            match reasons {
                Some(r) => {
                    let r: Vec<String> = r.iter().map(ToString::to_string).collect();
                    let _ = writeln!(
                        out,
                        "keep   {}  {}  {}",
                        item.time().to_rfc3339(),
                        item.id(),
                        r.join(", ")
                    );
                }
                None => {
                    let _ = writeln!(out, "forget {}  {}", item.time().to_rfc3339(), item.id());
                }
            }
        }
        let _ = writeln!(
            out,
            "{} kept, {} to forget",
            self.keep.len(),
            self.forget.len()
        );
        out
    }
}

type Bucker = fn(&DateTime<FixedOffset>, usize) -> i64;

fn b_last(_: &DateTime<FixedOffset>, nr: usize) -> i64 {
    nr as i64
}
fn b_hour(t: &DateTime<FixedOffset>, _: usize) -> i64 {
    t.year() as i64 * 1_000_000 + t.month() as i64 * 10_000 + t.day() as i64 * 100 + t.hour() as i64
}
fn b_day(t: &DateTime<FixedOffset>, _: usize) -> i64 {
    t.year() as i64 * 10_000 + t.month() as i64 * 100 + t.day() as i64
}
fn b_week(t: &DateTime<FixedOffset>, _: usize) -> i64 {
    let w = t.iso_week();
    w.year() as i64 * 100 + w.week() as i64
}
fn b_month(t: &DateTime<FixedOffset>, _: usize) -> i64 {
    t.year() as i64 * 100 + t.month() as i64
}
fn b_year(t: &DateTime<FixedOffset>, _: usize) -> i64 {
    t.year() as i64
}

impl RetentionPolicy {
    /// Whether no rule is set (everything is kept).
    pub fn is_empty(&self) -> bool {
        [
            self.last,
            self.hourly,
            self.daily,
            self.weekly,
            self.monthly,
            self.yearly,
        ]
        .iter()
        .all(|c| c.unwrap_or(0) == 0)
            && self.within.is_none()
    }

    /// Decides, for `items` in any order, which to keep and why, and which to forget.
    pub fn apply<T: Dated>(&self, items: &[T]) -> RetentionDecision {
        let mut order: Vec<usize> = (0..items.len()).collect();
        // Newest first; stable, so equal times keep input order.
        order.sort_by_key(|&i| std::cmp::Reverse(items[i].time()));
        let mut decision = RetentionDecision::default();
        if self.is_empty() {
            decision.keep = order
                .into_iter()
                .map(|i| (i, vec![KeepReason::EmptyPolicy]))
                .collect();
            return decision;
        }
        let Some(&newest) = order.first() else {
            return decision;
        };
        let newest_time = items[newest].time();

        let mut buckets: [(u32, Bucker, Option<i64>, KeepReason); 6] = [
            (self.last.unwrap_or(0), b_last, None, KeepReason::Last),
            (self.hourly.unwrap_or(0), b_hour, None, KeepReason::Hourly),
            (self.daily.unwrap_or(0), b_day, None, KeepReason::Daily),
            (self.weekly.unwrap_or(0), b_week, None, KeepReason::Weekly),
            (
                self.monthly.unwrap_or(0),
                b_month,
                None,
                KeepReason::Monthly,
            ),
            (self.yearly.unwrap_or(0), b_year, None, KeepReason::Yearly),
        ];
        let n = order.len();
        for (nr, &i) in order.iter().enumerate() {
            let t = items[i].time();
            let mut reasons = Vec::new();
            if let Some(within) = self.within {
                if t > newest_time - within {
                    reasons.push(KeepReason::Within);
                }
            }
            for (count, bucker, last, reason) in buckets.iter_mut() {
                if *count == 0 {
                    continue;
                }
                let val = bucker(&t, nr);
                if Some(val) != *last || nr == n - 1 {
                    *last = Some(val);
                    if *count != u32::MAX {
                        *count -= 1;
                    }
                    reasons.push(*reason);
                }
            }
            if reasons.is_empty() {
                decision.forget.push(i);
            } else {
                decision.keep.push((i, reasons));
            }
        }
        decision
    }
}

impl fmt::Display for RetentionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (name, v) in [
            ("last", self.last),
            ("hourly", self.hourly),
            ("daily", self.daily),
            ("weekly", self.weekly),
            ("monthly", self.monthly),
            ("yearly", self.yearly),
        ] {
            match v {
                Some(u32::MAX) => parts.push(format!("{name}=all")),
                Some(n) if n > 0 => parts.push(format!("{name}={n}")),
                _ => {}
            }
        }
        if let Some(w) = self.within {
            parts.push(format!("within={}", humantime_like(w)));
        }
        if parts.is_empty() {
            f.write_str("keep everything")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

fn humantime_like(d: chrono::Duration) -> String {
    let s = d.num_seconds();
    if s % 86_400 == 0 {
        format!("{}d", s / 86_400)
    } else if s % 3_600 == 0 {
        format!("{}h", s / 3_600)
    } else {
        format!("{s}s")
    }
}

/// Parses a restic-style duration: `2y5m7d3h` (years of 365 days, months of 30 days), or `90m` read as
/// months as restic does; also plain `36h`, `14d`.
fn parse_within(s: &str) -> std::result::Result<chrono::Duration, String> {
    let mut total = chrono::Duration::zero();
    let mut num = String::new();
    let mut seen_unit = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num
            .parse()
            .map_err(|_| format!("expected a number before '{c}'"))?;
        num.clear();
        total += match c {
            'y' => chrono::Duration::days(365 * n),
            'm' => chrono::Duration::days(30 * n),
            'w' => chrono::Duration::weeks(n),
            'd' => chrono::Duration::days(n),
            'h' => chrono::Duration::hours(n),
            _ => return Err(format!("unknown duration unit '{c}' (use y, m, w, d or h)")),
        };
        seen_unit = true;
    }
    if !num.is_empty() || !seen_unit {
        return Err("a duration needs a unit: y, m, w, d or h (e.g. 14d, 2y6m)".into());
    }
    Ok(total)
}

impl FromStr for RetentionPolicy {
    type Err = Error;

    /// Parses `last=3,daily=7,weekly=4,monthly=12,yearly=all,within=14d`. `keep-` prefixes (as in restic's
    /// flags) and spaces are accepted; separators are commas or whitespace.
    fn from_str(s: &str) -> Result<Self> {
        let mut p = RetentionPolicy::default();
        for raw in s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            let token = raw.trim_start_matches("--").trim_start_matches("keep-");
            let (key, value) = token.split_once(['=', ':']).ok_or_else(|| {
                Error::invalid_input(format!(
                    "retention rule {raw:?} in {s:?} has no value: write e.g. daily=7"
                ))
            })?;
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            if key == "within" {
                p.within = Some(parse_within(value).map_err(|e| {
                    Error::invalid_input(format!("retention rule {raw:?} in {s:?}: {e}"))
                })?);
                continue;
            }
            let count = if value.eq_ignore_ascii_case("all") || value == "-1" {
                u32::MAX
            } else {
                value.parse::<u32>().map_err(|_| {
                    Error::invalid_input(format!(
                        "retention rule {raw:?} in {s:?}: {value:?} is not a count (a whole number, or 'all')"
                    ))
                })?
            };
            let slot = match key.as_str() {
                "last" => &mut p.last,
                "hourly" => &mut p.hourly,
                "daily" => &mut p.daily,
                "weekly" => &mut p.weekly,
                "monthly" => &mut p.monthly,
                "yearly" => &mut p.yearly,
                other => {
                    return Err(Error::invalid_input(format!(
                        "unknown retention unit {other:?} in {s:?}: use last, hourly, daily, weekly, monthly, yearly or within"
                    )))
                }
            };
            *slot = Some(count);
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[derive(Debug)]
    struct S(DateTime<FixedOffset>);
    impl Dated for S {
        fn id(&self) -> String {
            self.0.format("%Y-%m-%dT%H:%M").to_string()
        }
        fn time(&self) -> DateTime<FixedOffset> {
            self.0
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(0)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
    }

    fn kept_ids(items: &[S], d: &RetentionDecision) -> Vec<String> {
        d.keep.iter().map(|(i, _)| items[*i].id()).collect()
    }

    #[test]
    fn keep_last_keeps_the_newest_n_whatever_the_input_order() {
        let items: Vec<S> = [5, 1, 3, 2, 4]
            .iter()
            .map(|d| S(utc(2026, 1, *d, 12)))
            .collect();
        let p: RetentionPolicy = "last=3".parse().unwrap();
        let d = p.apply(&items);
        assert_eq!(
            kept_ids(&items, &d),
            vec!["2026-01-05T12:00", "2026-01-04T12:00", "2026-01-03T12:00"]
        );
        assert_eq!(d.forget.len(), 2);
        assert!(d.keep.iter().all(|(_, r)| r == &vec![KeepReason::Last]));
    }

    #[test]
    fn daily_keeps_the_newest_of_each_day() {
        // Four snapshots a day (00, 06, 12, 18 h) for 10 days.
        let items: Vec<S> = (1..=10)
            .flat_map(|d| [0, 6, 12, 18].map(move |h| S(utc(2026, 3, d, h))))
            .collect();
        let d = "daily=3".parse::<RetentionPolicy>().unwrap().apply(&items);
        assert_eq!(
            kept_ids(&items, &d),
            vec!["2026-03-10T18:00", "2026-03-09T18:00", "2026-03-08T18:00"]
        );
    }

    #[test]
    fn counts_left_keep_the_oldest_item_too() {
        // restic >= 0.17: with counts left at the end, the oldest snapshot is kept as well.
        let items: Vec<S> = [1, 2].iter().map(|d| S(utc(2026, 3, *d, 12))).collect();
        let d = "daily=7".parse::<RetentionPolicy>().unwrap().apply(&items);
        assert_eq!(d.keep.len(), 2);
        let same_day: Vec<S> = [1, 5, 9].iter().map(|h| S(utc(2026, 3, 1, *h))).collect();
        let d = "daily=7"
            .parse::<RetentionPolicy>()
            .unwrap()
            .apply(&same_day);
        // The newest of the day, and the oldest (counts left); the middle one goes.
        assert_eq!(
            kept_ids(&same_day, &d),
            vec!["2026-03-01T09:00", "2026-03-01T01:00"]
        );
    }

    /// restic's documentation (060_forget, "Removing snapshots according to a policy"): "Suppose you make
    /// daily backups for 100 years. Then forget --keep-daily 7 --keep-weekly 5 --keep-monthly 12
    /// --keep-yearly 75 will keep the most recent 7 daily snapshots, then 4 (remember, 7 dailies already
    /// include a week!) last-day-of-the-weeks and 11 or 12 last-day-of-the-months (11 or 12 depends if the 5
    /// weeklies cross a month). And finally 75 last-day-of-the-year snapshots. All other snapshots are
    /// removed."
    #[test]
    fn restic_documented_example_daily_backups_for_100_years() {
        let end = utc(2026, 11, 29, 3); // a Sunday: the 7 dailies are exactly one ISO week, as the doc assumes
        let items: Vec<S> = (0..365 * 100).map(|i| S(end - Duration::days(i))).collect();
        let p: RetentionPolicy =
            "--keep-daily 7 --keep-weekly 5 --keep-monthly 12 --keep-yearly 75"
                .replace(" 7", "=7")
                .replace(" 5", "=5")
                .replace(" 12", "=12")
                .replace(" 75", "=75")
                .parse()
                .unwrap();
        let d = p.apply(&items);
        let only = |r: KeepReason| d.keep.iter().filter(|(_, rs)| rs.contains(&r)).count();
        assert_eq!(only(KeepReason::Daily), 7);
        assert_eq!(only(KeepReason::Weekly), 5);
        assert_eq!(only(KeepReason::Monthly), 12);
        assert_eq!(only(KeepReason::Yearly), 75);
        // The 7 most recent days are all kept.
        for i in 0..7 {
            assert!(d.keeps(i as usize), "day -{i}");
        }
        // "then 4 last-day-of-the-weeks": weekly-kept items older than the 7 dailies are Sundays.
        let weekly_extra: Vec<&S> = d
            .keep
            .iter()
            .filter(|(i, rs)| {
                rs.contains(&KeepReason::Weekly) && !rs.contains(&KeepReason::Daily) && *i >= 7
            })
            .map(|(i, _)| &items[*i])
            .collect();
        assert_eq!(weekly_extra.len(), 4);
        assert!(weekly_extra
            .iter()
            .all(|s| s.0.weekday() == chrono::Weekday::Sun));
        // "11 or 12 last-day-of-the-months": monthly-only extras are month ends.
        let monthly_extra: Vec<&S> = d
            .keep
            .iter()
            .filter(|(_, rs)| {
                rs == &vec![KeepReason::Monthly]
                    || rs == &vec![KeepReason::Monthly, KeepReason::Yearly]
            })
            .map(|(i, _)| &items[*i])
            .collect();
        assert!(
            monthly_extra.len() == 11 || monthly_extra.len() == 12,
            "{}",
            monthly_extra.len()
        );
        assert!(monthly_extra
            .iter()
            .all(|s| (s.0 + Duration::days(1)).day() == 1));
        // "75 last-day-of-the-year snapshots": yearly ones other than the newest are Dec 31.
        let yearly: Vec<&S> = d
            .keep
            .iter()
            .filter(|(i, rs)| rs.contains(&KeepReason::Yearly) && *i != 0)
            .map(|(i, _)| &items[*i])
            .collect();
        assert_eq!(yearly.len(), 74);
        assert!(yearly.iter().all(|s| s.0.month() == 12 && s.0.day() == 31));
        // "All other snapshots are removed."
        assert_eq!(d.keep.len() + d.forget.len(), items.len());
        assert!(d.keep.len() < 7 + 5 + 12 + 75);
    }

    #[test]
    fn weekly_uses_iso_weeks_across_year_ends() {
        // 2020-12-31 (Thu) and 2021-01-03 (Sun) are both ISO week 2020-W53.
        let items = vec![
            S(utc(2020, 12, 31, 12)),
            S(utc(2021, 1, 3, 12)),
            S(utc(2021, 1, 4, 12)),
        ];
        let d = "weekly=2".parse::<RetentionPolicy>().unwrap().apply(&items);
        assert_eq!(
            kept_ids(&items, &d),
            vec!["2021-01-04T12:00", "2021-01-03T12:00"]
        );
    }

    #[test]
    fn within_keeps_everything_younger_than_the_duration_of_the_newest() {
        let items: Vec<S> = (0..30)
            .map(|i| S(utc(2026, 6, 30, 0) - Duration::days(i)))
            .collect();
        let d = "within=7d"
            .parse::<RetentionPolicy>()
            .unwrap()
            .apply(&items);
        assert_eq!(d.keep.len(), 7);
        assert!(d.keep.iter().all(|(_, r)| r == &vec![KeepReason::Within]));
    }

    #[test]
    fn all_and_empty_policies() {
        let items: Vec<S> = (1..=5).map(|h| S(utc(2026, 1, 1, h))).collect();
        assert_eq!(
            "hourly=all"
                .parse::<RetentionPolicy>()
                .unwrap()
                .apply(&items)
                .keep
                .len(),
            5
        );
        let d = RetentionPolicy::default().apply(&items);
        assert_eq!(d.keep.len(), 5);
        assert_eq!(d.keep[0].1, vec![KeepReason::EmptyPolicy]);
        let text = "last=1"
            .parse::<RetentionPolicy>()
            .unwrap()
            .apply(&items)
            .render(&items);
        assert!(
            text.contains("keep   2026-01-01T05:00:00+00:00")
                && text.contains("1 kept, 4 to forget"),
            "{text}"
        );
    }

    #[test]
    fn bad_policies_name_the_rule_and_say_what_to_write() {
        let e = "daily=7,fortnightly=2"
            .parse::<RetentionPolicy>()
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(
            e.to_string()
                .contains("unknown retention unit \"fortnightly\""),
            "{e}"
        );
        let e = "daily=seven".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("\"seven\" is not a count"), "{e}");
        let e = "within=7".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("needs a unit"), "{e}");
        let e = "daily".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("has no value"), "{e}");
        let p: RetentionPolicy = "keep-last=2 keep-yearly=all within=2y6m".parse().unwrap();
        assert_eq!(p.to_string(), "last=2,yearly=all,within=910d");
    }
}
