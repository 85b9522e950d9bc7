//! A calendar span (`1y2m3d4h`), counted back from a time as restic's `--keep-within*` count it: years,
//! months and days on the calendar (Go's `AddDate`, so 1m back from Mar 31 is Mar 3 by day overflow, as in
//! restic), then hours on the clock.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RetentionZone;
use crate::error::{Error, Result};

/// Years, months, days and hours, as restic's duration flags take them (`--keep-within 1y2m3d4h`).
///
/// ```
/// use hermes_core::retention::CalendarSpan;
/// use chrono::{FixedOffset, TimeZone};
/// let span: CalendarSpan = "1m14d".parse().unwrap();
/// let newest = FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2016, 1, 18, 12, 2, 3).unwrap();
/// assert_eq!(span.before(newest).unwrap().to_rfc3339(), "2015-12-04T12:02:03+00:00");
/// assert_eq!(span.to_string(), "1m14d");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CalendarSpan {
    /// Calendar years.
    pub years: u32,
    /// Calendar months.
    pub months: u32,
    /// Calendar days (a `w` in the text adds 7).
    pub days: u32,
    /// Clock hours.
    pub hours: u32,
}

impl CalendarSpan {
    /// Whether every part is zero (restic treats such a span as "not set").
    pub fn is_zero(&self) -> bool {
        *self == CalendarSpan::default()
    }

    /// The time this span before `t`: years, months and days back on `t`'s calendar (in its offset), an
    /// overflowing day rolling into the next month as Go's `AddDate` does, then the hours. `None` when
    /// that is before the calendar's range (read it as "the beginning of time").
    pub fn before(&self, t: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        self.before_in(t, RetentionZone::Recorded)
    }

    /// [`CalendarSpan::before`] on `zone`'s calendar: `t` is read on that clock, the years, months and
    /// days are counted back there, and the wall time reached is resolved in that zone as Go's
    /// `time.Date` resolves it (restic's `AddDate`), then the hours are taken off the clock.
    ///
    /// ```
    /// use hermes_core::retention::{CalendarSpan, RetentionZone};
    /// use chrono::{FixedOffset, TimeZone};
    /// let day: CalendarSpan = "1d".parse().unwrap();
    /// // Noon in Berlin on the day the clocks went forward (2026-03-29, a 23-hour day).
    /// let noon = FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 3, 29, 10, 0, 0).unwrap();
    /// let berlin: RetentionZone = "Europe/Berlin".parse().unwrap();
    /// assert_eq!(day.before_in(noon, berlin).unwrap().to_rfc3339(), "2026-03-28T12:00:00+01:00");
    /// assert_eq!(day.before(noon).unwrap().to_rfc3339(), "2026-03-28T10:00:00+00:00"); // UTC: 24 h back
    /// ```
    pub fn before_in(
        &self,
        t: DateTime<FixedOffset>,
        zone: RetentionZone,
    ) -> Option<DateTime<FixedOffset>> {
        let t = zone.localize(t);
        let local = t.naive_local();
        let months = i64::from(local.year()) * 12 + i64::from(local.month0())
            - i64::from(self.years) * 12
            - i64::from(self.months);
        let year = i32::try_from(months.div_euclid(12)).ok()?;
        let first = NaiveDate::from_ymd_opt(year, months.rem_euclid(12) as u32 + 1, 1)?;
        let day = first.checked_add_signed(Duration::try_days(
            i64::from(local.day()) - 1 - i64::from(self.days),
        )?)?;
        let back = zone.resolve(day.and_time(local.time()), &t)?;
        back.checked_sub_signed(Duration::try_hours(i64::from(self.hours))?)
    }
}

impl fmt::Display for CalendarSpan {
    /// restic's form: `1y2m3d4h`, zero parts left out (`0h` for the zero span).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0h");
        }
        for (n, unit) in [
            (self.years, 'y'),
            (self.months, 'm'),
            (self.days, 'd'),
            (self.hours, 'h'),
        ] {
            if n != 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for CalendarSpan {
    type Err = Error;

    /// Parses `2y5m7d3h` (y: years, m: months, w: weeks of 7 days, d: days, h: hours; each part optional,
    /// in any order, repeated units add up).
    fn from_str(s: &str) -> Result<Self> {
        parse(s).map_err(|e| {
            Error::invalid_input(format!(
                "duration {s:?}: {e}: write years, months, weeks, days and hours as e.g. 14d, 36h or 1y6m"
            ))
        })
    }
}

fn parse(s: &str) -> std::result::Result<CalendarSpan, String> {
    let mut span = CalendarSpan::default();
    let mut num = String::new();
    let mut seen_unit = false;
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if num.is_empty() {
            return Err(format!("expected a number before '{c}'"));
        }
        let n: u32 = num.parse().map_err(|_| format!("{num} is too large"))?;
        num.clear();
        let (slot, n) = match c {
            'y' => (&mut span.years, n),
            'm' => (&mut span.months, n),
            'w' => (&mut span.days, n.checked_mul(7).ok_or("too many weeks")?),
            'd' => (&mut span.days, n),
            'h' => (&mut span.hours, n),
            _ => return Err(format!("unknown unit '{c}' (use y, m, w, d or h)")),
        };
        *slot = slot.checked_add(n).ok_or("too large")?;
        seen_unit = true;
    }
    if !num.is_empty() || !seen_unit {
        return Err("a duration needs a unit: y, m, w, d or h".into());
    }
    Ok(span)
}

impl Serialize for CalendarSpan {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CalendarSpan {
    /// From its text (`"1y2m"`), or from a whole number of seconds (the form written before spans were
    /// calendar spans), read as that many hours, rounded up.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Seconds(u64),
        }
        match Repr::deserialize(d)? {
            Repr::Text(t) => t.parse().map_err(serde::de::Error::custom),
            Repr::Seconds(s) => Ok(CalendarSpan {
                hours: u32::try_from(s.div_ceil(3600)).map_err(serde::de::Error::custom)?,
                ..CalendarSpan::default()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(0)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
    }

    #[test]
    fn counts_back_on_the_calendar_like_go_add_date() {
        let s = |t: &str| t.parse::<CalendarSpan>().unwrap();
        // Day overflow rolls forward, as Go's time.Date normalises Feb 31 to Mar 3 (2015).
        assert_eq!(s("1m").before(at(2015, 3, 31, 5)), Some(at(2015, 3, 3, 5)));
        assert_eq!(s("1y").before(at(2016, 2, 29, 0)), Some(at(2015, 3, 1, 0)));
        assert_eq!(
            s("1y2m3d3h").before(at(2016, 1, 18, 12)),
            Some(at(2014, 11, 15, 9))
        );
        assert_eq!(
            s("2w").before(at(2016, 1, 18, 12)),
            Some(at(2016, 1, 4, 12))
        );
        // Out of the calendar's range: the beginning of time.
        assert_eq!(s("999999y").before(at(2016, 1, 18, 12)), None);
    }

    #[test]
    fn text_and_serde_forms() {
        let span: CalendarSpan = "1y1d1m".parse().unwrap();
        assert_eq!(span.to_string(), "1y1m1d"); // restic's order
        assert_eq!(serde_json::to_string(&span).unwrap(), "\"1y1m1d\"");
        let old: CalendarSpan = serde_json::from_str("1209600").unwrap();
        assert_eq!(old.to_string(), "336h");
        for bad in ["7", "d", "7x", "", "99999999999d"] {
            let e = bad.parse::<CalendarSpan>().unwrap_err();
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
            assert!(e.to_string().contains("e.g. 14d"), "{e}");
        }
    }
}
