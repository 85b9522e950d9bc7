//! Retention policies, as restic's `forget` defines them: keep the last *n*, the newest item of each of the
//! last *n* hours, days, ISO weeks, months and years, everything within a span of the newest, the newest
//! item of each hour / day / week / month / year within a span, and everything carrying given tags.
//! [`RetentionPolicy::apply`] is a pure function of the items and the clock that says what to keep, what
//! to forget, and why, in restic's words.
//!
//! Semantics (restic ≥ 0.16, checked against every case of restic's own `TestApplyPolicy` golden files in
//! `tests/restic_policy.rs`): items are taken newest first (equal times keep their input order); each
//! count kind (last, hourly, daily, weekly, monthly, yearly) keeps an item when its bucket (hour, day, ISO
//! week...) differs from the previous kept item's bucket of that kind and the kind still has a count left;
//! when a kind still has counts left at the oldest item, that oldest item is kept too (it maximises the
//! history kept; the reason then reads `oldest ...`). A count of `u32::MAX` ("all", restic's
//! `unlimited`) never runs out. Spans (`within*`) are counted back on the calendar from the newest item
//! that is not in the future (a clock-skewed item from the future does not shrink them). Buckets and spans
//! are read on the policy's [`RetentionZone`]: by default each item's own recorded UTC offset (restic's
//! rule), or UTC, the machine's local zone, or an IANA zone (a day of 23 or 25 hours on a daylight-saving
//! change is one day; a span ending on a repeated or skipped wall time resolves as restic's Go does).
//! [`RetentionDecision::counts`] sums up how many items each rule kept. An empty policy keeps everything (and says so; restic's command refuses
//! to run with one).
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

mod counts;
mod parse;
mod span;
mod zone;

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use serde::{Deserialize, Serialize};

pub use counts::ReasonCounts;
pub use span::CalendarSpan;
pub use zone::RetentionZone;

/// Something with an identity and a time: a snapshot, a backup, a VM snapshot, a config backup.
pub trait Dated {
    /// The item's identity, as shown in reports.
    fn id(&self) -> String;
    /// When the item was made (in the offset its buckets are counted in).
    fn time(&self) -> DateTime<FixedOffset>;
    /// The item's tags, for [`RetentionPolicy::tags`] (none unless the item has some).
    fn tags(&self) -> &[String] {
        &[]
    }
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
    /// Keep every item younger than this, counted back from the newest item (restic's `--keep-within`).
    #[serde(default)]
    pub within: Option<CalendarSpan>,
    /// Keep the newest item of each hour within this span of the newest (`--keep-within-hourly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_hourly: Option<CalendarSpan>,
    /// ... of each day (`--keep-within-daily`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_daily: Option<CalendarSpan>,
    /// ... of each ISO week (`--keep-within-weekly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_weekly: Option<CalendarSpan>,
    /// ... of each month (`--keep-within-monthly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_monthly: Option<CalendarSpan>,
    /// ... of each year (`--keep-within-yearly`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_yearly: Option<CalendarSpan>,
    /// Keep every item that carries all the tags of one of these lists (`--keep-tag a,b`, repeatable).
    /// Tags are not counted. An empty tag in a list matches an item with no tags at all, as in restic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Vec<String>>,
    /// The clock the hours, days, weeks, months, years and spans are read on (default: each item's
    /// recorded offset, as restic; text form `tz=Europe/Berlin`).
    #[serde(default, skip_serializing_if = "RetentionZone::is_recorded")]
    pub zone: RetentionZone,
}

/// Why an item is kept. Its text (`Display`) is restic's reason, word for word.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepReason {
    /// The policy is empty: everything is kept.
    EmptyPolicy,
    /// Carries every tag of this list.
    Tags(Vec<String>),
    /// Within this span of the newest item.
    Within(CalendarSpan),
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
    /// The newest of its hour, within this span of the newest item.
    HourlyWithin(CalendarSpan),
    /// The newest of its day, within the span.
    DailyWithin(CalendarSpan),
    /// The newest of its ISO week, within the span.
    WeeklyWithin(CalendarSpan),
    /// The newest of its month, within the span.
    MonthlyWithin(CalendarSpan),
    /// The newest of its year, within the span.
    YearlyWithin(CalendarSpan),
    /// The oldest item, kept by this rule although its bucket already has a newer item, because the rule
    /// still had counts left (restic ≥ 0.16; restic < 0.16 forgets it).
    Oldest(Box<KeepReason>),
}

impl fmt::Display for KeepReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeepReason::EmptyPolicy => f.write_str("policy is empty"),
            KeepReason::Tags(l) => write!(f, "has tags [{}]", l.join(", ")),
            KeepReason::Within(s) => write!(f, "within {s}"),
            KeepReason::Last => f.write_str("last snapshot"),
            KeepReason::Hourly => f.write_str("hourly snapshot"),
            KeepReason::Daily => f.write_str("daily snapshot"),
            KeepReason::Weekly => f.write_str("weekly snapshot"),
            KeepReason::Monthly => f.write_str("monthly snapshot"),
            KeepReason::Yearly => f.write_str("yearly snapshot"),
            KeepReason::HourlyWithin(s) => write!(f, "hourly within {s}"),
            KeepReason::DailyWithin(s) => write!(f, "daily within {s}"),
            KeepReason::WeeklyWithin(s) => write!(f, "weekly within {s}"),
            KeepReason::MonthlyWithin(s) => write!(f, "monthly within {s}"),
            KeepReason::YearlyWithin(s) => write!(f, "yearly within {s}"),
            KeepReason::Oldest(r) => write!(f, "oldest {r}"),
        }
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

/// restic's `HasTags`: every tag of `list` is on the item; an empty tag matches an item without tags (and
/// then ends the check, as in restic).
fn has_tags(item: &[String], list: &[String]) -> bool {
    for tag in list {
        if tag.is_empty() && item.is_empty() {
            return true;
        }
        if !item.iter().any(|t| t == tag) {
            return false;
        }
    }
    true
}

/// A set span: `None` when unset or zero (restic ignores a zero span).
fn set(span: Option<CalendarSpan>) -> Option<CalendarSpan> {
    span.filter(|s| !s.is_zero())
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
            && [
                self.within,
                self.within_hourly,
                self.within_daily,
                self.within_weekly,
                self.within_monthly,
                self.within_yearly,
            ]
            .iter()
            .all(|s| set(*s).is_none())
            && self.tags.is_empty()
    }

    /// Decides, for `items` in any order, which to keep and why, and which to forget, with spans counted
    /// from the newest item that is not in the future (see [`RetentionPolicy::apply_at`]).
    pub fn apply<T: Dated>(&self, items: &[T]) -> RetentionDecision {
        self.apply_at(items, Utc::now())
    }

    /// [`RetentionPolicy::apply`] with the clock given: the spans (`within*`) are counted back from the
    /// newest item older than `now`, as restic does, so that one item stamped in the future by a wrong
    /// clock does not make every span end there. When every item is in the future, every item is within.
    ///
    /// ```
    /// # use hermes_core::retention::{Dated, RetentionPolicy};
    /// # use chrono::{DateTime, FixedOffset, TimeZone, Utc};
    /// struct Snap(u32);
    /// impl Dated for Snap {
    ///     fn id(&self) -> String { format!("snap-{}", self.0) }
    ///     fn time(&self) -> DateTime<FixedOffset> {
    ///         FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 1, self.0, 12, 0, 0).unwrap()
    ///     }
    /// }
    /// let snaps: Vec<Snap> = [1, 2, 3, 4, 5, 30].into_iter().map(Snap).collect(); // Jan 30: a wrong clock
    /// let now = Utc.with_ymd_and_hms(2026, 1, 5, 18, 0, 0).unwrap();
    /// let policy: RetentionPolicy = "within=2d".parse().unwrap();
    /// let decision = policy.apply_at(&snaps, now);
    /// assert_eq!(decision.keep.len(), 3); // Jan 30 (in the future), Jan 5 and Jan 4
    /// ```
    pub fn apply_at<T: Dated>(&self, items: &[T], now: DateTime<Utc>) -> RetentionDecision {
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
        let zone = self.zone;
        let latest = order.iter().map(|&i| items[i].time()).find(|t| *t < now);
        // The start of a span (exclusive); `None`: everything is within.
        let start = |span: CalendarSpan| latest.and_then(|l| span.before_in(l, zone));
        let is_within = |t: &DateTime<FixedOffset>, start: Option<DateTime<FixedOffset>>| {
            start.is_none_or(|s| *t > s)
        };
        let within = set(self.within).map(|s| (s, start(s)));

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
        type Reason = fn(CalendarSpan) -> KeepReason;
        type WithinBucket = (
            Option<(CalendarSpan, Option<DateTime<FixedOffset>>)>,
            Bucker,
            Option<i64>,
            Reason,
        );
        let rules: [(Option<CalendarSpan>, Bucker, Reason); 5] = [
            (self.within_hourly, b_hour, KeepReason::HourlyWithin),
            (self.within_daily, b_day, KeepReason::DailyWithin),
            (self.within_weekly, b_week, KeepReason::WeeklyWithin),
            (self.within_monthly, b_month, KeepReason::MonthlyWithin),
            (self.within_yearly, b_year, KeepReason::YearlyWithin),
        ];
        let mut within_buckets: [WithinBucket; 5] = rules
            .map(|(span, bucker, reason)| (set(span).map(|s| (s, start(s))), bucker, None, reason));

        let n = order.len();
        for (nr, &i) in order.iter().enumerate() {
            // On the policy's clock: buckets are that zone's hours, days, weeks...
            let t = zone.localize(items[i].time());
            let oldest = nr == n - 1;
            let mut reasons = Vec::new();
            for list in &self.tags {
                if has_tags(items[i].tags(), list) {
                    reasons.push(KeepReason::Tags(list.clone()));
                }
            }
            if let Some((span, start)) = within {
                if is_within(&t, start) {
                    reasons.push(KeepReason::Within(span));
                }
            }
            for (count, bucker, last, reason) in buckets.iter_mut() {
                if *count == 0 {
                    continue;
                }
                let val = bucker(&t, nr);
                if Some(val) != *last || oldest {
                    let again = Some(val) == *last;
                    *last = Some(val);
                    if *count != u32::MAX {
                        *count -= 1;
                    }
                    reasons.push(if again {
                        KeepReason::Oldest(Box::new(reason.clone()))
                    } else {
                        reason.clone()
                    });
                }
            }
            for (span, bucker, last, reason) in within_buckets.iter_mut() {
                let Some((span, start)) = *span else {
                    continue;
                };
                if !is_within(&t, start) {
                    continue;
                }
                let val = bucker(&t, nr);
                if Some(val) != *last || oldest {
                    let again = Some(val) == *last;
                    *last = Some(val);
                    reasons.push(if again {
                        KeepReason::Oldest(Box::new(reason(span)))
                    } else {
                        reason(span)
                    });
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
        // restic >= 0.16: with counts left at the end, the oldest snapshot is kept as well.
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
        // ... and says why, as restic does.
        assert_eq!(
            d.keep[1].1,
            vec![KeepReason::Oldest(Box::new(KeepReason::Daily))]
        );
        assert_eq!(d.keep[1].1[0].to_string(), "oldest daily snapshot");
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
        let week = CalendarSpan {
            days: 7,
            ..CalendarSpan::default()
        };
        assert!(d
            .keep
            .iter()
            .all(|(_, r)| r == &vec![KeepReason::Within(week)]));
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
                .contains("unknown retention rule \"fortnightly\""),
            "{e}"
        );
        let e = "daily=seven".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("\"seven\" is not a count"), "{e}");
        let e = "within=7".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("needs a unit"), "{e}");
        let e = "daily".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("has no value"), "{e}");
        let p: RetentionPolicy = "keep-last=2 keep-yearly=all within=2y6m".parse().unwrap();
        assert_eq!(p.to_string(), "last=2,yearly=all,within=2y6m");
        let e = "daily=-2".parse::<RetentionPolicy>().unwrap_err();
        assert!(
            e.to_string().contains("'all' (restic's 'unlimited')"),
            "{e}"
        );
        let e = "tag=foo,bar".parse::<RetentionPolicy>().unwrap_err();
        assert!(e.to_string().contains("\"bar\""), "{e}");
        assert!(e.to_string().contains("tag=a+b"), "{e}");
        let e = "within-daily=2x".parse::<RetentionPolicy>().unwrap_err();
        assert!(
            e.to_string().contains("\"within-daily=2x\"")
                && e.to_string().contains("unknown unit 'x'"),
            "{e}"
        );
    }

    #[test]
    fn every_rule_reads_back_what_it_writes() {
        let text = "last=all,hourly=24,daily=7,weekly=4,monthly=12,yearly=all,within=1y2m3d4h,\
                    within-hourly=2d,within-daily=1m,within-weekly=3m,within-monthly=1y,within-yearly=10y,\
                    tag=release+signed,tag=";
        let p: RetentionPolicy = text.parse().unwrap();
        assert_eq!(p.to_string(), text.split_whitespace().collect::<String>());
        assert_eq!(p.to_string().parse::<RetentionPolicy>().unwrap(), p);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<RetentionPolicy>(&json).unwrap(), p);
        // restic's own spellings.
        let r: RetentionPolicy = "--keep-last unlimited".replace(' ', "=").parse().unwrap();
        assert_eq!(r.last, Some(u32::MAX));
        let r: RetentionPolicy = "keep_within_daily:7d".parse().unwrap();
        assert_eq!(r.within_daily.unwrap().days, 7);
    }

    #[test]
    fn a_policy_saved_before_calendar_spans_still_loads() {
        // `within` used to be stored as seconds.
        let p: RetentionPolicy =
            serde_json::from_str(r#"{"last":null,"hourly":null,"daily":7,"weekly":null,"monthly":null,"yearly":null,"within":1209600}"#)
                .unwrap();
        assert_eq!(p.to_string(), "daily=7,within=336h");
    }

    #[derive(Debug)]
    struct Tagged(DateTime<FixedOffset>, Vec<String>);
    impl Dated for Tagged {
        fn id(&self) -> String {
            self.0.format("%Y-%m-%dT%H:%M").to_string()
        }
        fn time(&self) -> DateTime<FixedOffset> {
            self.0
        }
        fn tags(&self) -> &[String] {
            &self.1
        }
    }

    #[test]
    fn tags_keep_every_item_carrying_them_and_an_empty_tag_the_untagged() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let items = vec![
            Tagged(utc(2026, 1, 5, 0), tags(&["release", "signed"])),
            Tagged(utc(2026, 1, 4, 0), tags(&["release"])),
            Tagged(utc(2026, 1, 3, 0), tags(&[])),
            Tagged(utc(2026, 1, 2, 0), tags(&["signed"])),
        ];
        let kept = |policy: &str| -> Vec<String> {
            let d = policy.parse::<RetentionPolicy>().unwrap().apply(&items);
            d.keep
                .iter()
                .map(|(i, r)| {
                    let r: Vec<String> = r.iter().map(|r| r.to_string()).collect();
                    format!("{} {}", items[*i].id(), r.join("; "))
                })
                .collect()
        };
        assert_eq!(
            kept("tag=release+signed"),
            vec!["2026-01-05T00:00 has tags [release, signed]"]
        );
        assert_eq!(
            kept("tag=release,tag=signed"),
            vec![
                "2026-01-05T00:00 has tags [release]; has tags [signed]",
                "2026-01-04T00:00 has tags [release]",
                "2026-01-02T00:00 has tags [signed]"
            ]
        );
        assert_eq!(kept("tag="), vec!["2026-01-03T00:00 has tags []"]);
        // Tags are not counted: last=1 still keeps the newest, whatever its tags.
        assert_eq!(
            kept("last=1,tag=signed"),
            vec![
                "2026-01-05T00:00 has tags [signed]; last snapshot",
                "2026-01-02T00:00 has tags [signed]"
            ]
        );
    }

    #[test]
    fn an_item_from_the_future_does_not_move_the_spans() {
        // restic counts spans from the newest snapshot that is not in the future. Before: Hermes counted
        // from the newest item, so one item stamped a year ahead by a wrong clock made within=3d keep
        // nothing but itself.
        let mut items: Vec<S> = (1..=10).map(|d| S(utc(2026, 3, d, 12))).collect();
        items.push(S(utc(2027, 3, 1, 12)));
        let now = utc(2026, 3, 10, 18).with_timezone(&chrono::Utc);
        for policy in ["within=3d", "within-daily=3d"] {
            let d = policy
                .parse::<RetentionPolicy>()
                .unwrap()
                .apply_at(&items, now);
            assert_eq!(
                kept_ids(&items, &d),
                vec![
                    "2027-03-01T12:00",
                    "2026-03-10T12:00",
                    "2026-03-09T12:00",
                    "2026-03-08T12:00"
                ],
                "{policy}"
            );
        }
        // Everything in the future: everything is within.
        let d = "within=1d"
            .parse::<RetentionPolicy>()
            .unwrap()
            .apply_at(&items, utc(2000, 1, 1, 0).with_timezone(&chrono::Utc));
        assert_eq!(d.keep.len(), items.len());
    }

    fn every(from: DateTime<FixedOffset>, step_minutes: i64, n: i64) -> Vec<S> {
        (0..n)
            .map(|i| S(from + Duration::minutes(step_minutes * i)))
            .collect()
    }

    fn kept_in(items: &[S], policy: &str) -> Vec<String> {
        let d = policy.parse::<RetentionPolicy>().unwrap().apply(items);
        d.keep
            .iter()
            .map(|(i, _)| items[*i].0.to_rfc3339())
            .collect()
    }

    #[test]
    fn days_in_a_zone_are_that_zones_days_of_23_and_25_hours() {
        // Hourly items from 2026-03-28 00:00 UTC for 4 days: Berlin's Mar 29 has 23 hours.
        let spring = every(utc(2026, 3, 28, 0), 60, 96);
        // The newest item of each Berlin day, in UTC: 22:00 (23:00 CET), then 21:00 (23:00 CEST); the
        // newest, 23:00 UTC on Mar 31, is already April 1 in Berlin.
        assert_eq!(
            kept_in(&spring, "daily=all,tz=Europe/Berlin"),
            vec![
                "2026-03-31T23:00:00+00:00",
                "2026-03-31T21:00:00+00:00",
                "2026-03-30T21:00:00+00:00",
                "2026-03-29T21:00:00+00:00",
                "2026-03-28T22:00:00+00:00",
                "2026-03-28T00:00:00+00:00", // the oldest: daily still had counts left
            ]
        );
        // How many items each Berlin day holds: 23 on the spring change.
        let berlin: RetentionZone = "Europe/Berlin".parse().unwrap();
        let on = |day: u32| {
            spring
                .iter()
                .filter(|s| berlin.localize(s.0).day() == day && berlin.localize(s.0).month() == 3)
                .count()
        };
        assert_eq!(on(29), 23);
        // In UTC (the default for these UTC-recorded items) a day is midnight to midnight UTC.
        assert_eq!(
            kept_in(&spring, "daily=2"),
            vec!["2026-03-31T23:00:00+00:00", "2026-03-30T23:00:00+00:00"]
        );
        // Autumn: Oct 25 has 25 Berlin hours; its newest item is 22:00 UTC (23:00 CET).
        let autumn = every(utc(2026, 10, 24, 22), 60, 49);
        assert_eq!(
            kept_in(&autumn, "daily=2,tz=Europe/Berlin"),
            vec!["2026-10-26T22:00:00+00:00", "2026-10-25T22:00:00+00:00"]
        );
        let on = |day: u32| {
            autumn
                .iter()
                .filter(|s| berlin.localize(s.0).day() == day)
                .count()
        };
        assert_eq!(on(25), 25);
    }

    #[test]
    fn the_hour_that_repeats_in_autumn_is_one_hour_as_in_restic() {
        // Every 30 minutes from 00:00 to 02:30 UTC on 2026-10-25: Berlin reads 02:00, 02:30 (CEST),
        // 02:00, 02:30 (CET), 03:00, 03:30. restic buckets by the wall clock (YYYYMMDDHH), so the
        // repeated 02 hour is one bucket holding four items.
        let items = every(utc(2026, 10, 25, 0), 30, 6);
        assert_eq!(
            kept_in(&items, "hourly=all,tz=Europe/Berlin"),
            vec![
                "2026-10-25T02:30:00+00:00",
                "2026-10-25T01:30:00+00:00",
                "2026-10-25T00:00:00+00:00", // the oldest
            ]
        );
        // In UTC those are three hours.
        assert_eq!(kept_in(&items, "hourly=all,tz=UTC").len(), 3 + 1);
    }

    #[test]
    fn iso_weeks_across_the_year_end_are_the_zones_weeks() {
        // 2021-01-04 03:00 UTC is Sunday Jan 3, 22:00 in New York (ISO week 2020-W53); 06:00 UTC is
        // Monday 01:00 there (2021-W01). In UTC both are Monday, 2021-W01.
        let items = vec![S(utc(2021, 1, 4, 3)), S(utc(2021, 1, 4, 6))];
        assert_eq!(
            kept_in(&items, "weekly=1,tz=America/New_York"),
            vec!["2021-01-04T06:00:00+00:00"]
        );
        assert_eq!(
            kept_in(&items, "weekly=2,tz=America/New_York"),
            vec!["2021-01-04T06:00:00+00:00", "2021-01-04T03:00:00+00:00"]
        );
        // UTC: one week, so the second is kept only as the oldest (counts left).
        let d = "weekly=2,tz=UTC"
            .parse::<RetentionPolicy>()
            .unwrap()
            .apply(&items);
        assert_eq!(
            d.keep[1].1,
            vec![KeepReason::Oldest(Box::new(KeepReason::Weekly))]
        );
    }

    #[test]
    fn spans_count_back_on_the_zones_calendar() {
        // Newest at noon Berlin on 2026-03-29 (10:00 UTC); within=1d reaches back to noon on Mar 28,
        // which was 11:00 UTC: a Berlin day of 23 hours. Items hourly from Mar 28 08:00 UTC.
        let items = every(utc(2026, 3, 28, 8), 60, 27);
        let berlin = kept_in(&items, "within=1d,tz=Europe/Berlin");
        assert_eq!(berlin.len(), 23, "{berlin:?}");
        assert_eq!(berlin.last().unwrap(), "2026-03-28T12:00:00+00:00");
        assert_eq!(kept_in(&items, "within=1d").len(), 24);
        // The zone reads back from its text and survives serde.
        let p: RetentionPolicy = "daily=7,tz=Australia/Lord_Howe".parse().unwrap();
        assert_eq!(p.to_string(), "daily=7,tz=Australia/Lord_Howe");
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"zone\":\"Australia/Lord_Howe\""), "{json}");
        assert_eq!(serde_json::from_str::<RetentionPolicy>(&json).unwrap(), p);
        // A policy without a zone serialises as before (no "zone" key).
        let old = "daily=7".parse::<RetentionPolicy>().unwrap();
        assert!(!serde_json::to_string(&old).unwrap().contains("zone"));
        // A zone alone is no rule.
        assert!("tz=Europe/Berlin"
            .parse::<RetentionPolicy>()
            .unwrap()
            .is_empty());
        let e = "daily=7,tz=Berlin".parse::<RetentionPolicy>().unwrap_err();
        assert!(
            e.to_string().contains("\"tz=Berlin\"") && e.to_string().contains("Europe/Berlin"),
            "{e}"
        );
    }
}
