//! The text form of a [`RetentionPolicy`]: `last=3,daily=7,within-daily=30d,tag=release,yearly=all`.

use std::fmt;
use std::str::FromStr;

use super::{set, CalendarSpan, RetentionPolicy};
use crate::error::{Error, Result};

const RULES: &str =
    "last, hourly, daily, weekly, monthly, yearly (a count), within, within-hourly, \
within-daily, within-weekly, within-monthly, within-yearly (a span such as 14d or 1y6m), tag, or tz (the \
time zone: an IANA name, UTC, local or recorded)";

impl fmt::Display for RetentionPolicy {
    /// The form [`RetentionPolicy::from_str`] reads back; `keep everything` for the empty policy.
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
        for (name, v) in [
            ("within", self.within),
            ("within-hourly", self.within_hourly),
            ("within-daily", self.within_daily),
            ("within-weekly", self.within_weekly),
            ("within-monthly", self.within_monthly),
            ("within-yearly", self.within_yearly),
        ] {
            if let Some(span) = set(v) {
                parts.push(format!("{name}={span}"));
            }
        }
        for list in &self.tags {
            parts.push(format!("tag={}", list.join("+")));
        }
        if !self.zone.is_recorded() {
            parts.push(format!("tz={}", self.zone));
        }
        if parts.is_empty() {
            f.write_str("keep everything")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

impl FromStr for RetentionPolicy {
    type Err = Error;

    /// Parses `last=3,daily=7,weekly=4,monthly=12,yearly=all,within=14d,within-daily=1m,tag=release`.
    /// restic's flag names are accepted (`keep-` and `--` prefixes, `_` for `-`, `:` for `=`); separators
    /// are commas or whitespace. A count is a whole number, or `all` / `unlimited` / `-1` for no limit. A
    /// span is restic's `1y2m3d4h` (plus `w` for weeks). `tag=a+b` keeps items carrying both `a` and `b`
    /// (restic's `--keep-tag a,b`); several `tag=` rules keep items matching any of them; `tag=` alone
    /// keeps the items without tags. `tz=Europe/Berlin` (or `UTC`, `local`, `recorded`) sets the
    /// [`RetentionZone`](super::RetentionZone) the policy reads its days on.
    ///
    /// ```
    /// use hermes_core::RetentionPolicy;
    /// let p: RetentionPolicy = "--keep-daily=7 keep-within-weekly=3m keep-tag=release+signed".parse()?;
    /// assert_eq!(p.to_string(), "daily=7,within-weekly=3m,tag=release+signed");
    /// let e = "daily=7,fortnightly=2".parse::<RetentionPolicy>().unwrap_err();
    /// assert!(e.to_string().contains("unknown retention rule \"fortnightly\""));
    /// # Ok::<(), hermes_core::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        let mut p = RetentionPolicy::default();
        let mut after_tag = false;
        for raw in s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            let token = raw.trim_start_matches("--");
            let Some((key, value)) = token.split_once(['=', ':']) else {
                let hint = if after_tag {
                    " (to keep items that carry several tags at once, join them with '+': tag=a+b)"
                } else {
                    ""
                };
                return Err(Error::invalid_input(format!(
                    "retention rule {raw:?} in {s:?} has no value: write e.g. daily=7{hint}"
                )));
            };
            let key = key.trim().to_ascii_lowercase().replace('_', "-");
            let key = key.strip_prefix("keep-").unwrap_or(&key).to_string();
            let value = value.trim();
            after_tag = false;
            let span_slot = match key.as_str() {
                "within" => Some(&mut p.within),
                "within-hourly" => Some(&mut p.within_hourly),
                "within-daily" => Some(&mut p.within_daily),
                "within-weekly" => Some(&mut p.within_weekly),
                "within-monthly" => Some(&mut p.within_monthly),
                "within-yearly" => Some(&mut p.within_yearly),
                _ => None,
            };
            if let Some(slot) = span_slot {
                let span: CalendarSpan = value.parse().map_err(|e: Error| {
                    Error::invalid_input(format!("retention rule {raw:?} in {s:?}: {e}"))
                })?;
                *slot = Some(span);
                continue;
            }
            if matches!(key.as_str(), "tz" | "zone" | "time-zone" | "timezone") {
                p.zone = value.parse().map_err(|e: Error| {
                    Error::invalid_input(format!("retention rule {raw:?} in {s:?}: {e}"))
                })?;
                continue;
            }
            if key == "tag" || key == "tags" {
                p.tags
                    .push(value.split('+').map(|t| t.trim().to_string()).collect());
                after_tag = true;
                continue;
            }
            let slot = match key.as_str() {
                "last" => &mut p.last,
                "hourly" => &mut p.hourly,
                "daily" => &mut p.daily,
                "weekly" => &mut p.weekly,
                "monthly" => &mut p.monthly,
                "yearly" => &mut p.yearly,
                other => {
                    return Err(Error::invalid_input(format!(
                        "unknown retention rule {other:?} in {s:?}: use {RULES}"
                    )))
                }
            };
            let count = if value.eq_ignore_ascii_case("all")
                || value.eq_ignore_ascii_case("unlimited")
                || value == "-1"
            {
                u32::MAX
            } else {
                value.parse::<u32>().map_err(|_| {
                    Error::invalid_input(format!(
                        "retention rule {raw:?} in {s:?}: {value:?} is not a count: write a whole number, or 'all' (restic's 'unlimited') for no limit"
                    ))
                })?
            };
            *slot = Some(count);
        }
        Ok(p)
    }
}
