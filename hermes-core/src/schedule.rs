//! Cron schedules in a time zone: parse a cron expression (5 fields, or 6 with seconds; `@daily` style
//! nicknames; `MON`/`JAN` names), compute the next runs, and list the runs missed while a scheduler was
//! down (for catch-up). Built on the maintained `croner` crate; daylight-saving gaps and overlaps are
//! handled in the zone given.
//!
//! ```
//! use hermes_core::schedule::Schedule;
//! use chrono::TimeZone;
//! let nightly = Schedule::parse("0 2 * * *", "Europe/Berlin").unwrap();
//! let now = chrono_tz::Europe::Berlin.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).unwrap();
//! assert_eq!(nightly.next_after(&now).unwrap().to_rfc3339(), "2026-11-26T02:00:00+01:00");
//! let weekly_full = Schedule::parse("0 3 * * SUN", "UTC").unwrap();
//! assert_eq!(weekly_full.to_string(), "0 3 * * SUN (UTC)");
//! ```

use std::fmt;

use chrono::{DateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// A cron expression bound to a time zone.
#[derive(Debug, Clone)]
pub struct Schedule {
    expr: String,
    cron: croner::Cron,
    tz: Tz,
}

impl Schedule {
    /// Parses `expr` (e.g. `0 2 * * *`, `*/15 * * * *`, `0 3 * * SUN`, `@daily`) in time zone `tz`
    /// (an IANA name such as `Europe/Berlin`, or `UTC`). Errors name the expression and what is wrong.
    ///
    /// ```
    /// use chrono::TimeZone;
    /// use hermes_core::Schedule;
    /// let s = Schedule::parse("0 2 * * *", "Europe/Berlin").unwrap();
    /// let after = chrono::Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    /// assert_eq!(s.next_after(&after).unwrap().to_rfc3339(), "2026-11-28T02:00:00+01:00");
    /// assert!(Schedule::parse("0 2 * *", "UTC").unwrap_err().to_string().contains("expected 5 fields"));
    /// assert!(Schedule::parse("@daily", "Mars/Olympus").unwrap_err().to_string().contains("unknown time zone"));
    /// ```
    pub fn parse(expr: &str, tz: &str) -> Result<Self> {
        let tz: Tz = tz.parse().map_err(|_| {
            Error::invalid_input(format!(
                "unknown time zone {tz:?} for schedule {expr:?}: use an IANA name such as Europe/Berlin or UTC"
            ))
        })?;
        let fields = expr.split_whitespace().count();
        if !expr.trim_start().starts_with('@') && !(5..=6).contains(&fields) {
            return Err(Error::invalid_input(format!(
                "bad cron expression {expr:?}: expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, found {fields}"
            )));
        }
        let cron: croner::Cron = expr
            .parse()
            .map_err(|e| Error::invalid_input(format!("bad cron expression {expr:?}: {e}")))?;
        Ok(Schedule {
            expr: expr.trim().to_string(),
            cron,
            tz,
        })
    }

    /// Parses in UTC.
    pub fn parse_utc(expr: &str) -> Result<Self> {
        Self::parse(expr, "UTC")
    }

    /// The expression as given.
    pub fn expression(&self) -> &str {
        &self.expr
    }

    /// The time zone.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// The first run strictly after `t` (in the schedule's zone).
    pub fn next_after<Z: TimeZone>(&self, t: &DateTime<Z>) -> Result<DateTime<Tz>> {
        // Runs fall on whole seconds: drop the sub-second part of the starting instant.
        let local = t.with_timezone(&self.tz);
        let local = local.with_nanosecond(0).unwrap_or(local);
        self.cron.find_next_occurrence(&local, false).map_err(|e| {
            Error::invalid_input(format!(
                "schedule {self} has no run after {}: {e}",
                local.to_rfc3339()
            ))
        })
    }

    /// The next `n` runs after `t`.
    pub fn upcoming<Z: TimeZone>(&self, t: &DateTime<Z>, n: usize) -> Result<Vec<DateTime<Tz>>> {
        let mut out = Vec::with_capacity(n);
        let mut cur = t.with_timezone(&self.tz);
        for _ in 0..n {
            cur = self.next_after(&cur)?;
            out.push(cur);
        }
        Ok(out)
    }

    /// The runs that fell in `(from, to]` — what a scheduler that was down from `from` to `to` missed.
    /// Bounded to `limit` entries (the newest are kept) so that a long outage of a frequent schedule
    /// does not flood the catch-up.
    pub fn missed_between<Z: TimeZone>(
        &self,
        from: &DateTime<Z>,
        to: &DateTime<Z>,
        limit: usize,
    ) -> Result<Vec<DateTime<Tz>>> {
        let to = to.with_timezone(&Utc);
        let mut cur = from.with_timezone(&self.tz);
        let mut out = std::collections::VecDeque::new();
        loop {
            let next = self.next_after(&cur)?;
            if next.with_timezone(&Utc) > to {
                break;
            }
            out.push_back(next);
            if out.len() > limit {
                out.pop_front();
            }
            cur = next;
        }
        Ok(out.into())
    }

    /// How long from `now` until the next run.
    pub fn until_next<Z: TimeZone>(&self, now: &DateTime<Z>) -> Result<std::time::Duration> {
        let next = self.next_after(now)?;
        let d = next.with_timezone(&Utc) - now.with_timezone(&Utc);
        Ok(d.to_std().unwrap_or_default())
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.expr, self.tz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Berlin;

    #[test]
    fn daily_and_weekly_defaults_of_the_backup_plan() {
        let daily = Schedule::parse("0 2 * * *", "UTC").unwrap();
        let weekly = Schedule::parse("0 3 * * SUN", "UTC").unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).unwrap(); // Wednesday
        let runs: Vec<String> = daily
            .upcoming(&t, 3)
            .unwrap()
            .iter()
            .map(|d| d.to_rfc3339())
            .collect();
        assert_eq!(
            runs,
            [
                "2026-11-26T02:00:00+00:00",
                "2026-11-27T02:00:00+00:00",
                "2026-11-28T02:00:00+00:00"
            ]
        );
        assert_eq!(
            weekly.next_after(&t).unwrap().to_rfc3339(),
            "2026-11-29T03:00:00+00:00"
        );
        assert_eq!(
            daily.until_next(&t).unwrap(),
            std::time::Duration::from_secs(12 * 3600)
        );
    }

    #[test]
    fn time_zones_and_daylight_saving() {
        // Europe/Berlin leaves summer time on 2026-10-25 at 03:00 CEST -> 02:00 CET.
        let s = Schedule::parse("30 1 * * *", "Europe/Berlin").unwrap();
        let before = Berlin.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap();
        let runs = s.upcoming(&before, 2).unwrap();
        assert_eq!(runs[0].to_rfc3339(), "2026-10-25T01:30:00+02:00");
        assert_eq!(runs[1].to_rfc3339(), "2026-10-26T01:30:00+01:00");
        // A UTC instant is converted into the zone first.
        let utc = Utc.with_ymd_and_hms(2026, 11, 25, 0, 45, 0).unwrap(); // 01:45 in Berlin
        assert_eq!(
            s.next_after(&utc).unwrap().to_rfc3339(),
            "2026-11-26T01:30:00+01:00"
        );
    }

    #[test]
    fn missed_runs_for_catch_up_are_listed_and_bounded() {
        let s = Schedule::parse("0 */6 * * *", "UTC").unwrap();
        let from = Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 11, 21, 6, 0, 0).unwrap();
        let missed = s.missed_between(&from, &to, 100).unwrap();
        assert_eq!(missed.len(), 5); // 06, 12, 18, 00, 06
        assert_eq!(
            missed.last().unwrap().to_rfc3339(),
            "2026-11-21T06:00:00+00:00"
        );
        let bounded = s.missed_between(&from, &to, 2).unwrap();
        assert_eq!(bounded.len(), 2);
        assert_eq!(bounded[0].to_rfc3339(), "2026-11-21T00:00:00+00:00");
    }

    #[test]
    fn runs_fall_on_whole_seconds_whatever_the_start() {
        let s = Schedule::parse_utc("0 2 * * *").unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 25, 14, 0, 0).unwrap()
            + chrono::Duration::milliseconds(375);
        assert_eq!(
            s.next_after(&t).unwrap().to_rfc3339(),
            "2026-11-26T02:00:00+00:00"
        );
        let missed = s
            .missed_between(&t, &(t + chrono::Duration::days(2)), 10)
            .unwrap();
        assert!(missed.iter().all(|m| m.nanosecond() == 0));
    }

    #[test]
    fn bad_expressions_and_zones_say_what_is_wrong() {
        let e = Schedule::parse("0 2 * *", "UTC").unwrap_err();
        assert!(
            e.to_string().contains("\"0 2 * *\"") && e.to_string().contains("found 4"),
            "{e}"
        );
        let e = Schedule::parse("0 25 * * *", "UTC").unwrap_err();
        assert!(
            e.to_string().contains("bad cron expression \"0 25 * * *\""),
            "{e}"
        );
        let e = Schedule::parse("0 2 * * *", "Mars/Olympus").unwrap_err();
        assert!(
            e.to_string().contains("unknown time zone \"Mars/Olympus\""),
            "{e}"
        );
        assert!(Schedule::parse("@daily", "UTC").is_ok());
    }
}
