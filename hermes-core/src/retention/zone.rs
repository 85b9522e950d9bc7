//! The clock a retention policy reads its hours, days, weeks, months and years on.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The time zone a [`RetentionPolicy`](super::RetentionPolicy) applies in: the hour, day, ISO week,
/// month and year of each item, and the calendar spans of `within*`, are read on this clock.
///
/// * `Recorded` (the default): each item's own UTC offset, as it was recorded. This is what restic does
///   (its `forget` buckets a snapshot by the offset stored in it, i.e. the local time of the machine
///   that made it) and what Hermes did before zones existed, so no existing decision changes. Hermes'
///   own snapshots are recorded in UTC, so for them this is UTC.
/// * `Utc`: UTC, whatever the items' offsets.
/// * `Local`: the zone of the machine applying the policy, read when it is applied (`TZ`, else
///   `/etc/localtime`), as restic's Go runtime reads it.
/// * `Named`: an IANA zone such as `Europe/Berlin`: a day is that zone's calendar day (23 or 25 hours
///   on a daylight-saving change), and a span counted back onto a wall time that occurs twice or not at
///   all resolves as Go's `time.Date` does (so as restic does in that zone).
///
/// Text form: `recorded`, `UTC`, `local`, or the IANA name.
///
/// ```
/// use hermes_core::retention::RetentionZone;
/// let berlin: RetentionZone = "Europe/Berlin".parse()?;
/// assert_eq!(berlin.to_string(), "Europe/Berlin");
/// assert_eq!("utc".parse::<RetentionZone>()?, RetentionZone::Utc);
/// assert_eq!(RetentionZone::default(), RetentionZone::Recorded);
/// let e = "Berlin".parse::<RetentionZone>().unwrap_err();
/// assert!(e.to_string().contains("Europe/Berlin"));
/// # Ok::<(), hermes_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RetentionZone {
    /// Each item's own recorded UTC offset (restic's rule; Hermes' snapshots: UTC).
    #[default]
    Recorded,
    /// UTC.
    Utc,
    /// The local zone of the machine applying the policy (`TZ`, else `/etc/localtime`).
    Local,
    /// An IANA zone.
    Named(Tz),
}

impl RetentionZone {
    /// Whether this is the default, [`RetentionZone::Recorded`].
    pub fn is_recorded(&self) -> bool {
        *self == RetentionZone::Recorded
    }

    /// `t` on this zone's clock (`Recorded`: `t` itself).
    pub fn localize(&self, t: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        match self {
            RetentionZone::Recorded => t,
            RetentionZone::Utc => t.with_timezone(&Utc).fixed_offset(),
            RetentionZone::Local => t.with_timezone(&chrono::Local).fixed_offset(),
            RetentionZone::Named(tz) => t.with_timezone(tz).fixed_offset(),
        }
    }

    /// The instant a wall-clock time `wall` names on this zone's clock; `like` is the item the wall time
    /// was derived from (its offset is used for `Recorded`). A wall time that occurs twice (the hour
    /// repeated in autumn) or not at all (the hour skipped in spring) resolves as Go's `time.Date`
    /// resolves it, so spans end where restic's end.
    pub fn resolve(
        &self,
        wall: NaiveDateTime,
        like: &DateTime<FixedOffset>,
    ) -> Option<DateTime<FixedOffset>> {
        match self {
            RetentionZone::Recorded => like.offset().from_local_datetime(&wall).single(),
            RetentionZone::Utc => Some(wall.and_utc().fixed_offset()),
            RetentionZone::Local => go_date(&chrono::Local, wall),
            RetentionZone::Named(tz) => go_date(tz, wall),
        }
    }
}

/// Go's `time.Date` in a location: take the offset in effect at the wall time read as if it were UTC;
/// if the instant that offset gives is outside that offset's period, take the offset in effect at that
/// instant instead.
fn go_date<Z: TimeZone>(tz: &Z, wall: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    let first = tz.offset_from_utc_datetime(&wall).fix();
    let utc = wall.checked_sub_signed(Duration::seconds(i64::from(first.local_minus_utc())))?;
    let second = tz.offset_from_utc_datetime(&utc).fix();
    let offset = if second == first { first } else { second };
    let instant =
        wall.checked_sub_signed(Duration::seconds(i64::from(offset.local_minus_utc())))?;
    let shown = tz.offset_from_utc_datetime(&instant).fix();
    Some(instant.and_utc().with_timezone(&shown))
}

impl fmt::Display for RetentionZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetentionZone::Recorded => f.write_str("recorded"),
            RetentionZone::Utc => f.write_str("UTC"),
            RetentionZone::Local => f.write_str("local"),
            RetentionZone::Named(tz) => f.write_str(tz.name()),
        }
    }
}

impl FromStr for RetentionZone {
    type Err = Error;

    /// `recorded`, `UTC` (or `Z`), `local`, or an IANA name (`Europe/Berlin`, `America/New_York`).
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "recorded" => return Ok(RetentionZone::Recorded),
            "utc" | "z" => return Ok(RetentionZone::Utc),
            "local" => return Ok(RetentionZone::Local),
            _ => {}
        }
        t.parse::<Tz>().map(RetentionZone::Named).map_err(|_| {
            Error::invalid_input(format!(
                "unknown retention time zone {s:?}: use an IANA name such as Europe/Berlin, or UTC, local (this machine's zone) or recorded (each item's own offset)"
            ))
        })
    }
}

impl Serialize for RetentionZone {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RetentionZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn wall(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn wall_times_that_repeat_or_do_not_exist_resolve_as_go_does() {
        let z = |s: &str| s.parse::<RetentionZone>().unwrap();
        let like = Utc::now().fixed_offset();
        let at = |zone: &str, w| z(zone).resolve(w, &like).unwrap().to_rfc3339();
        // Berlin, 2026-10-25: 02:30 happens twice; Go takes the second (CET).
        assert_eq!(
            at("Europe/Berlin", wall(2026, 10, 25, 2, 30)),
            "2026-10-25T02:30:00+01:00"
        );
        // Berlin, 2026-03-29: 02:30 does not exist; Go gives 03:30 CEST.
        assert_eq!(
            at("Europe/Berlin", wall(2026, 3, 29, 2, 30)),
            "2026-03-29T03:30:00+02:00"
        );
        // New York, 2026-11-01: 01:30 happens twice; Go takes the first (EDT) west of Greenwich.
        assert_eq!(
            at("America/New_York", wall(2026, 11, 1, 1, 30)),
            "2026-11-01T01:30:00-04:00"
        );
        // New York, 2026-03-08: 02:30 does not exist; Go gives 01:30 EST.
        assert_eq!(
            at("America/New_York", wall(2026, 3, 8, 2, 30)),
            "2026-03-08T01:30:00-05:00"
        );
        // Lord Howe shifts by 30 minutes: 2026-04-05 01:45 happens twice (+11, then +10:30).
        assert_eq!(
            at("Australia/Lord_Howe", wall(2026, 4, 5, 1, 45)),
            "2026-04-05T01:45:00+10:30"
        );
        // An ordinary time is just that.
        assert_eq!(
            at("Europe/Berlin", wall(2026, 7, 1, 12, 0)),
            "2026-07-01T12:00:00+02:00"
        );
        assert_eq!(
            at("UTC", wall(2026, 7, 1, 12, 0)),
            "2026-07-01T12:00:00+00:00"
        );
    }

    #[test]
    fn text_and_serde_forms_and_errors() {
        for text in [
            "recorded",
            "UTC",
            "local",
            "Europe/Berlin",
            "Australia/Lord_Howe",
        ] {
            let z: RetentionZone = text.parse().unwrap();
            assert_eq!(z.to_string(), text);
            let json = serde_json::to_string(&z).unwrap();
            assert_eq!(serde_json::from_str::<RetentionZone>(&json).unwrap(), z);
        }
        let e = "Mars/Olympus".parse::<RetentionZone>().unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("\"Mars/Olympus\""), "{e}");
        assert!(serde_json::from_str::<RetentionZone>("\"Berlin\"").is_err());
    }
}
