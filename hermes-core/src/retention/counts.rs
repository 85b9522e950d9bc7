//! How many items each rule of a policy kept: the summary of a [`RetentionDecision`].

use std::fmt;
use std::ops::AddAssign;

use serde::{Deserialize, Serialize};

use super::{KeepReason, RetentionDecision};

/// How many items each rule kept, and how many were kept and forgotten in all. An item kept by several
/// rules counts once for each (so the rule counts may add up to more than `kept`). A keep marked
/// `oldest ...` (the oldest item kept because its rule still had counts left) counts under `oldest`
/// only, not under its rule: the rule's count is the number of its buckets.
///
/// ```
/// use hermes_core::retention::{Dated, RetentionPolicy};
/// use chrono::{DateTime, FixedOffset, TimeZone};
/// struct Snap(u32);
/// impl Dated for Snap {
///     fn id(&self) -> String { format!("snap-{}", self.0) }
///     fn time(&self) -> DateTime<FixedOffset> {
///         FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 11, 1 + self.0, 2, 0, 0).unwrap()
///     }
/// }
/// let snaps: Vec<Snap> = (0..20).map(Snap).collect();            // one a day, Nov 1..20
/// let counts = "last=2,daily=7,weekly=4,monthly=3".parse::<RetentionPolicy>()?.apply(&snaps).counts();
/// // Nov 14..20 by day, the newest of ISO weeks 47..44 (Nov 20, 15, 8, 1), the newest of November, and
/// // Nov 1 again as the oldest for monthly, which had counts left.
/// assert_eq!((counts.last, counts.daily, counts.weekly, counts.monthly), (2, 7, 4, 1));
/// assert_eq!((counts.oldest, counts.kept, counts.forgotten), (1, 9, 11));
/// assert_eq!(counts.to_string(), "9 kept (last 2, daily 7, weekly 4, monthly 1, oldest 1), 11 forgotten");
/// assert_eq!(serde_json::to_value(&counts)?["weekly"], 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReasonCounts {
    /// Items kept.
    pub kept: usize,
    /// Items forgotten.
    pub forgotten: usize,
    /// Kept because the policy is empty.
    pub empty_policy: usize,
    /// Kept for carrying one of the tag lists (`tag=`).
    pub tags: usize,
    /// Kept by `within`.
    pub within: usize,
    /// Kept by `last`.
    pub last: usize,
    /// Kept by `hourly`.
    pub hourly: usize,
    /// Kept by `daily`.
    pub daily: usize,
    /// Kept by `weekly`.
    pub weekly: usize,
    /// Kept by `monthly`.
    pub monthly: usize,
    /// Kept by `yearly`.
    pub yearly: usize,
    /// Kept by `within-hourly`.
    pub hourly_within: usize,
    /// Kept by `within-daily`.
    pub daily_within: usize,
    /// Kept by `within-weekly`.
    pub weekly_within: usize,
    /// Kept by `within-monthly`.
    pub monthly_within: usize,
    /// Kept by `within-yearly`.
    pub yearly_within: usize,
    /// Kept as the oldest item by a rule with counts left (`oldest daily snapshot`...).
    pub oldest: usize,
}

impl ReasonCounts {
    /// Counts one kept item's reasons (each reason once, even if a tag rule matched twice).
    pub fn count_kept(&mut self, reasons: &[KeepReason]) {
        self.kept += 1;
        let mut tags_counted = false;
        for reason in reasons {
            let slot = match reason {
                KeepReason::EmptyPolicy => &mut self.empty_policy,
                KeepReason::Tags(_) if tags_counted => continue,
                KeepReason::Tags(_) => {
                    tags_counted = true;
                    &mut self.tags
                }
                KeepReason::Within(_) => &mut self.within,
                KeepReason::Last => &mut self.last,
                KeepReason::Hourly => &mut self.hourly,
                KeepReason::Daily => &mut self.daily,
                KeepReason::Weekly => &mut self.weekly,
                KeepReason::Monthly => &mut self.monthly,
                KeepReason::Yearly => &mut self.yearly,
                KeepReason::HourlyWithin(_) => &mut self.hourly_within,
                KeepReason::DailyWithin(_) => &mut self.daily_within,
                KeepReason::WeeklyWithin(_) => &mut self.weekly_within,
                KeepReason::MonthlyWithin(_) => &mut self.monthly_within,
                KeepReason::YearlyWithin(_) => &mut self.yearly_within,
                KeepReason::Oldest(_) => &mut self.oldest,
            };
            *slot += 1;
        }
    }

    /// The rules that kept something, as `(name, count)`, in restic's order of rules (the names are
    /// the policy's text form; `oldest` and `empty policy` last).
    pub fn rules(&self) -> Vec<(&'static str, usize)> {
        [
            ("tag", self.tags),
            ("within", self.within),
            ("last", self.last),
            ("hourly", self.hourly),
            ("daily", self.daily),
            ("weekly", self.weekly),
            ("monthly", self.monthly),
            ("yearly", self.yearly),
            ("within-hourly", self.hourly_within),
            ("within-daily", self.daily_within),
            ("within-weekly", self.weekly_within),
            ("within-monthly", self.monthly_within),
            ("within-yearly", self.yearly_within),
            ("oldest", self.oldest),
            ("empty policy", self.empty_policy),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

impl AddAssign<&ReasonCounts> for ReasonCounts {
    /// Adds another group's counts (a repository's total over its groups).
    fn add_assign(&mut self, o: &ReasonCounts) {
        let ReasonCounts {
            kept,
            forgotten,
            empty_policy,
            tags,
            within,
            last,
            hourly,
            daily,
            weekly,
            monthly,
            yearly,
            hourly_within,
            daily_within,
            weekly_within,
            monthly_within,
            yearly_within,
            oldest,
        } = o;
        self.kept += kept;
        self.forgotten += forgotten;
        self.empty_policy += empty_policy;
        self.tags += tags;
        self.within += within;
        self.last += last;
        self.hourly += hourly;
        self.daily += daily;
        self.weekly += weekly;
        self.monthly += monthly;
        self.yearly += yearly;
        self.hourly_within += hourly_within;
        self.daily_within += daily_within;
        self.weekly_within += weekly_within;
        self.monthly_within += monthly_within;
        self.yearly_within += yearly_within;
        self.oldest += oldest;
    }
}

impl fmt::Display for ReasonCounts {
    /// `10 kept (last 2, daily 7, weekly 3, oldest 1), 10 forgotten`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules: Vec<String> = self
            .rules()
            .into_iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect();
        write!(f, "{} kept", self.kept)?;
        if !rules.is_empty() {
            write!(f, " ({})", rules.join(", "))?;
        }
        write!(f, ", {} forgotten", self.forgotten)
    }
}

impl RetentionDecision {
    /// How many items each rule kept (see [`ReasonCounts`]).
    pub fn counts(&self) -> ReasonCounts {
        let mut c = ReasonCounts {
            forgotten: self.forget.len(),
            ..ReasonCounts::default()
        };
        for (_, reasons) in &self.keep {
            c.count_kept(reasons);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::{CalendarSpan, Dated, RetentionPolicy};
    use chrono::{DateTime, Duration, FixedOffset, TimeZone};

    struct T(DateTime<FixedOffset>, Vec<String>);
    impl Dated for T {
        fn id(&self) -> String {
            self.0.to_rfc3339()
        }
        fn time(&self) -> DateTime<FixedOffset> {
            self.0
        }
        fn tags(&self) -> &[String] {
            &self.1
        }
    }

    #[test]
    fn every_rule_is_counted_once_per_item_and_groups_add_up() {
        let start = FixedOffset::east_opt(0)
            .unwrap()
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .unwrap();
        // One a day for 60 days; every 10th tagged release and signed.
        let items: Vec<T> = (0..60)
            .map(|d| {
                let tags = if d % 10 == 0 {
                    vec!["release".to_string(), "signed".to_string()]
                } else {
                    vec![]
                };
                T(start + Duration::days(d), tags)
            })
            .collect();
        let p: RetentionPolicy =
            "last=1,daily=3,monthly=5,within=2d,within-weekly=3w,tag=release,tag=signed"
                .parse()
                .unwrap();
        let d = p.apply(&items);
        let c = d.counts();
        // Every count checked against the reasons themselves.
        let with = |f: &dyn Fn(&KeepReason) -> bool| {
            d.keep.iter().filter(|(_, r)| r.iter().any(f)).count()
        };
        assert_eq!(c.kept, d.keep.len());
        assert_eq!(c.forgotten, d.forget.len());
        assert_eq!(c.kept + c.forgotten, 60);
        assert_eq!(c.last, 1);
        assert_eq!(c.daily, 3);
        assert_eq!(c.within, 2);
        // Tags: 6 tagged items, each matching both lists, counted once each.
        assert_eq!(c.tags, 6);
        assert_eq!(c.tags, with(&|r| matches!(r, KeepReason::Tags(_))));
        assert_eq!(
            c.weekly_within,
            with(&|r| matches!(r, KeepReason::WeeklyWithin(_)))
        );
        assert!(c.weekly_within >= 3, "{c}");
        assert_eq!(c.monthly, 3); // Mar 1, Feb 28, Jan 31
        assert_eq!(c.oldest, with(&|r| matches!(r, KeepReason::Oldest(_))));
        assert_eq!(
            c.oldest, 1,
            "monthly has counts left at the oldest item, Jan 1"
        );
        let week = CalendarSpan {
            days: 21,
            ..CalendarSpan::default()
        };
        assert!(d.keep[0].1.contains(&KeepReason::WeeklyWithin(week)));
        // Two groups add up; the text lists the rules that kept something.
        let mut total = c.clone();
        total += &c;
        assert_eq!(total.kept, 2 * c.kept);
        assert_eq!(total.oldest, 2);
        assert!(c.to_string().starts_with(&format!(
            "{} kept (tag 6, within 2, last 1, daily 3",
            c.kept
        )));
        assert!(c
            .to_string()
            .ends_with(&format!("oldest 1), {} forgotten", c.forgotten)));
        // As data.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<ReasonCounts>(&json).unwrap(), c);
        assert_eq!(
            serde_json::from_str::<ReasonCounts>("{}").unwrap(),
            ReasonCounts::default()
        );
        // The empty policy.
        let e = RetentionPolicy::default().apply(&items).counts();
        assert_eq!((e.kept, e.empty_policy, e.forgotten), (60, 60, 0));
        assert_eq!(e.to_string(), "60 kept (empty policy 60), 0 forgotten");
    }
}
