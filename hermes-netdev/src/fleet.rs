//! Fleet compliance: the drift of many devices against their intended models, as one report.

use std::fmt;

use hermes_core::{ChangeSet, Configurable};

/// One device's compliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftEntry {
    /// The device.
    pub target: String,
    /// The changes that would bring it back to its intended model (empty when compliant).
    pub plan: ChangeSet,
}

impl DriftEntry {
    /// Whether the device matches its intended model.
    pub fn compliant(&self) -> bool {
        self.plan.is_empty()
    }
}

/// The drift of a fleet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// One entry per device, in the order checked.
    pub entries: Vec<DriftEntry>,
    /// Devices that could not be checked, with the reason.
    pub errors: Vec<(String, String)>,
}

impl DriftReport {
    /// Checks one device (read + diff; nothing is sent) and adds it to the report.
    ///
    /// ```no_run
    /// # async fn demo<D: hermes_core::Configurable>(d: D, want: D::Model) {
    /// let mut report = hermes_netdev::fleet::DriftReport::default();
    /// report.check(&d, &want).await;
    /// println!("{report}");
    /// # }
    /// ```
    pub async fn check<D: Configurable>(&mut self, device: &D, want: &D::Model) {
        match device.plan(want).await {
            Ok(plan) => self.entries.push(DriftEntry {
                target: device.target(),
                plan,
            }),
            Err(e) => self.errors.push((device.target(), e.to_string())),
        }
    }

    /// Whether every device was checked and matches.
    pub fn all_compliant(&self) -> bool {
        self.errors.is_empty() && self.entries.iter().all(DriftEntry::compliant)
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.entries {
            if e.compliant() {
                writeln!(f, "  {:<12} compliant", e.target)?;
            } else {
                writeln!(f, "  {:<12} DRIFT: {}", e.target, e.plan.summary())?;
                for c in e.plan.actionable() {
                    writeln!(f, "      {} {}", c.action.sign(), c.resource)?;
                }
            }
        }
        for (t, err) in &self.errors {
            writeln!(f, "  {t:<12} NOT CHECKED: {err}")?;
        }
        let ok = self.entries.iter().filter(|e| e.compliant()).count();
        write!(
            f,
            "  {ok}/{} device(s) compliant",
            self.entries.len() + self.errors.len()
        )
    }
}
