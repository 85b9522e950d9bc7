//! Devices as [`hermes_core::Configurable`]: read the running configuration over SSH, diff it against
//! a desired model, apply the change set in configuration mode, and roll back on failure.
//!
//! Safety on apply:
//! - the desired model is validated before anything is read or sent ([`Configurable::plan`]);
//! - NX-OS: `checkpoint hermes-<n>` before the first line; on a device error line or a dropped
//!   session, reconnect if needed and `rollback running-config checkpoint hermes-<n>`;
//! - IOS: the running configuration is read before applying; on failure the reverse change set
//!   (current → before, computed by the same differ) is applied;
//! - FortiOS: the same computed reverse change set.
//!
//! The error returned names the device, the line that failed and what the rollback did.

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use hermes_core::{ApplyReport, ChangeSet, Configurable};

use crate::cisco::{CiscoConfig, Dialect};
use crate::cli::{CliSession, CliTarget, Platform};
use crate::error::{NetError, Result};
use crate::fortios::FortiConfig;
use crate::remediate::diff_trees;
use crate::tree::{ConfigTree, Syntax};

/// A Cisco switch managed over SSH.
///
/// ```no_run
/// use hermes_core::{Configurable, Mode};
/// use hermes_netdev::{cisco::{CiscoConfig, Dialect}, cli::{CliTarget, Platform}, device::CiscoDevice};
/// # async fn demo() -> hermes_core::Result<()> {
/// let n3k = CiscoDevice::new(CliTarget::new("n3k", "10.0.0.5:22", Platform::NxOs)
///     .credentials("admin", "secret").host_key_fingerprint("SHA256:..."));
/// let want = CiscoConfig::parse("vlan 10\n  name users\n", Dialect::NxOs);
/// let report = n3k.converge(&want, Mode::Apply).await?;
/// println!("{}", report.plan);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CiscoDevice {
    target: CliTarget,
    dialect: Dialect,
}

impl CiscoDevice {
    /// A device reached through `target` (its platform decides the dialect).
    pub fn new(target: CliTarget) -> Self {
        let dialect = match target.platform {
            Platform::Ios => Dialect::Ios,
            _ => Dialect::NxOs,
        };
        CiscoDevice { target, dialect }
    }

    /// The configuration dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Reads the running configuration text.
    pub async fn running_config(&self) -> Result<String> {
        let mut s = CliSession::open(&self.target).await?;
        s.running_config().await
    }

    /// Sends raw configuration lines (for drills and drift tests); stops at the first error line.
    pub async fn send_config(&self, lines: &[&str]) -> Result<()> {
        let mut s = CliSession::open(&self.target).await?;
        s.enter_config().await?;
        for l in lines {
            s.command(l).await?;
        }
        s.leave_config().await
    }

    async fn apply_inner(&self, changes: &ChangeSet) -> Result<ApplyReport> {
        let name = self.target.name.clone();
        let mut s = CliSession::open(&self.target).await?;
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let checkpoint = format!("hermes-{stamp}");
        let before = match self.dialect {
            Dialect::NxOs => {
                s.command(&format!("checkpoint {checkpoint}")).await?;
                None
            }
            Dialect::Ios => Some(s.running_config().await?),
        };
        let mut report = ApplyReport {
            target: name.clone(),
            ..ApplyReport::default()
        };
        let result = async {
            s.enter_config().await?;
            for change in changes.actionable() {
                for line in &change.commands {
                    let out = s.command(line.trim_start()).await?;
                    report.output.extend(
                        out.lines()
                            .filter(|l| !l.trim().is_empty())
                            .map(String::from),
                    );
                    let _ = &line;
                }
                report.applied += 1;
            }
            s.leave_config().await
        }
        .await;
        let Err(cause) = result else {
            if self.dialect == Dialect::NxOs {
                let _ = s
                    .command_unchecked(&format!("no checkpoint {checkpoint}"))
                    .await;
            }
            return Ok(report);
        };
        let line = match &cause {
            NetError::DeviceRejected { line, .. } => line.clone(),
            NetError::Timeout { command, .. } => command.clone(),
            _ => "(session)".to_string(),
        };
        // Roll back, on the same session if it is still alive, else on a new one.
        let rollback = async {
            let mut r = match s.leave_config().await {
                Ok(()) => s,
                Err(_) => CliSession::open(&self.target).await?,
            };
            match &before {
                None => {
                    r.command(&format!("rollback running-config checkpoint {checkpoint}"))
                        .await?;
                    let _ = r
                        .command_unchecked(&format!("no checkpoint {checkpoint}"))
                        .await;
                    Ok::<String, NetError>(format!("rolled back to checkpoint {checkpoint}"))
                }
                Some(before) => {
                    let now = r.running_config().await?;
                    let (tn, tb) = (
                        ConfigTree::parse(&now, Syntax::Cisco),
                        ConfigTree::parse(before, Syntax::Cisco),
                    );
                    let reverse = diff_trees(&name, &tn, &tb);
                    r.enter_config().await?;
                    let mut n = 0;
                    for l in reverse.commands() {
                        r.command(l.trim_start()).await?;
                        n += 1;
                    }
                    r.leave_config().await?;
                    Ok(format!(
                        "applied the computed reverse change set ({n} line(s))"
                    ))
                }
            }
        }
        .await;
        let rollback = match rollback {
            Ok(s) => s,
            Err(e) => format!("FAILED ({e}); the device may be half-configured"),
        };
        Err(NetError::ApplyFailed {
            target: name,
            line,
            cause: Box::new(cause),
            rollback,
        })
    }
}

#[async_trait]
impl Configurable for CiscoDevice {
    type Model = CiscoConfig;

    fn target(&self) -> String {
        self.target.name.clone()
    }

    async fn read(&self) -> hermes_core::Result<CiscoConfig> {
        let text = self.running_config().await?;
        Ok(CiscoConfig::parse(&text, self.dialect))
    }

    fn diff(&self, live: &CiscoConfig, want: &CiscoConfig) -> ChangeSet {
        live.diff(want, self.dialect, &self.target.name)
    }

    async fn apply(&self, changes: &ChangeSet) -> hermes_core::Result<ApplyReport> {
        Ok(self.apply_inner(changes).await?)
    }

    async fn plan(&self, want: &CiscoConfig) -> hermes_core::Result<ChangeSet> {
        want.validate(&self.target.name)?;
        let live = self.read().await?;
        Ok(self.diff(&live, want))
    }
}

/// A FortiGate managed over SSH (CLI `config` blocks).
///
/// ```no_run
/// use hermes_core::{Configurable, Mode};
/// use hermes_netdev::{cli::{CliTarget, Platform}, device::FortiDevice, fortios::FortiConfig};
/// # async fn demo(want: FortiConfig) -> hermes_core::Result<()> {
/// let fgt = FortiDevice::new(CliTarget::new("fgt", "10.0.0.1:22", Platform::FortiOs)
///     .credentials("admin", "secret").host_key_fingerprint("SHA256:..."));
/// let report = fgt.converge(&want, Mode::Apply).await?;
/// assert!(report.verified);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FortiDevice {
    target: CliTarget,
}

impl FortiDevice {
    /// A FortiGate reached through `target`.
    pub fn new(target: CliTarget) -> Self {
        FortiDevice { target }
    }

    /// Reads the full configuration text.
    pub async fn running_config(&self) -> Result<String> {
        let mut s = CliSession::open(&self.target).await?;
        s.running_config().await
    }

    async fn apply_inner(&self, changes: &ChangeSet) -> Result<ApplyReport> {
        let name = self.target.name.clone();
        let mut s = CliSession::open(&self.target).await?;
        let before = s.running_config().await?;
        let mut report = ApplyReport {
            target: name.clone(),
            ..ApplyReport::default()
        };
        let mut result = Ok(());
        'outer: for change in changes.actionable() {
            for line in &change.commands {
                if let Err(e) = s.command(line.trim_start()).await {
                    result = Err(e);
                    break 'outer;
                }
            }
            report.applied += 1;
        }
        let Err(cause) = result else {
            return Ok(report);
        };
        let line = match &cause {
            NetError::DeviceRejected { line, .. } => line.clone(),
            _ => "(session)".into(),
        };
        let rollback = async {
            // Leave any open block, then apply the reverse change set.
            let mut r = match s.command_unchecked("end").await {
                Ok(_) => s,
                Err(_) => CliSession::open(&self.target).await?,
            };
            for _ in 0..4 {
                if r.prompt().contains('(') {
                    r.command_unchecked("end").await?;
                }
            }
            let now = r.running_config().await?;
            let (tn, tb) = (
                ConfigTree::parse(&now, Syntax::FortiOs),
                ConfigTree::parse(&before, Syntax::FortiOs),
            );
            let reverse = diff_trees(&name, &tn, &tb);
            let mut n = 0;
            for l in reverse.commands() {
                r.command(l.trim_start()).await?;
                n += 1;
            }
            Ok::<_, NetError>(format!(
                "applied the computed reverse change set ({n} line(s))"
            ))
        }
        .await;
        let rollback =
            rollback.unwrap_or_else(|e| format!("FAILED ({e}); the device may be half-configured"));
        Err(NetError::ApplyFailed {
            target: name,
            line,
            cause: Box::new(cause),
            rollback,
        })
    }
}

#[async_trait]
impl Configurable for FortiDevice {
    type Model = FortiConfig;

    fn target(&self) -> String {
        self.target.name.clone()
    }

    async fn read(&self) -> hermes_core::Result<FortiConfig> {
        let text = self.running_config().await?;
        Ok(FortiConfig::parse(&text))
    }

    fn diff(&self, live: &FortiConfig, want: &FortiConfig) -> ChangeSet {
        live.diff(want, &self.target.name)
    }

    async fn apply(&self, changes: &ChangeSet) -> hermes_core::Result<ApplyReport> {
        Ok(self.apply_inner(changes).await?)
    }

    async fn plan(&self, want: &FortiConfig) -> hermes_core::Result<ChangeSet> {
        want.validate(&self.target.name)?;
        let live = self.read().await?;
        Ok(self.diff(&live, want))
    }
}
