//! FortiOS firewall schedules (`config firewall schedule recurring` / `onetime`): the times a policy
//! is active (`set schedule NAME` on the policy; `always` is built in).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{redact, Entry};

entity!(
    /// `config firewall schedule recurring` entry: days of the week and a daily window.
    ScheduleRecurring {
        /// Days (`monday tuesday ...`, `none`), as written.
        day: raw = "day",
        /// Start time (`hh:mm`).
        start: raw = "start",
        /// End time (`hh:mm`; before the start: the window ends the next day).
        end: raw = "end",
        /// Colour in the GUI (0-32).
        color: raw = "color",
    }
);

entity!(
    /// `config firewall schedule onetime` entry: one window between two dates.
    ScheduleOnetime {
        /// Start (`hh:mm yyyy/mm/dd`).
        start: raw = "start",
        /// End (`hh:mm yyyy/mm/dd`).
        end: raw = "end",
        /// Days before the end at which an expiry event is logged.
        expiration_days: raw = "expiration-days",
        /// Colour in the GUI (0-32).
        color: raw = "color",
    }
);
