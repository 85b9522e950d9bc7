//! UEFI Secure Boot as a [`hermes_core::Configurable`]: read `SecureBootEnable` (the setting for the
//! next boot), diff it against the desired one, and PATCH it (with `If-Match` when the service sends an
//! ETag). The change takes effect at the server's next reboot, so applying reports
//! `restart_required`; the current boot's state stays in [`SecureBootStatus::current_boot`] until then.
//!
//! The keys: [`SecureBootSettings::reset_keys`] posts `#SecureBoot.ResetKeys` (validated against the
//! action's `ResetKeysType@Redfish.AllowableValues` where the service lists them).
//!
//! ```no_run
//! # async fn demo(server: hermes_ilo::SystemHandle) -> hermes_core::Result<()> {
//! use hermes_core::{Configurable, Mode};
//! use hermes_ilo::secureboot::{SecureBootConfig, SecureBootSettings};
//! let sb = SecureBootSettings::new(server);
//! let report = sb.converge(&SecureBootConfig { enable: true }, Mode::Apply).await?;
//! print!("{}", report.plan);
//! if report.applied.is_some_and(|a| a.restart_required) {
//!     println!("reboot the server to boot with Secure Boot");
//! }
//! # Ok(()) }
//! ```

use std::time::Duration;

use async_trait::async_trait;
use hermes_core::{Action, ApplyReport, Change, ChangeSet, Configurable, FieldChange};
use serde_json::json;

use crate::error::{IloError, Result};
use crate::models::SecureBoot;
use crate::system::SystemHandle;

/// The configurable part of Secure Boot: whether it is enabled for the next boot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecureBootConfig {
    /// `SecureBootEnable`.
    pub enable: bool,
}

/// What the service reports, read-only parts included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecureBootStatus {
    /// `SecureBootEnable` (for the next boot).
    pub enable: bool,
    /// `SecureBootCurrentBoot` (`Enabled`/`Disabled`): the boot running now.
    pub current_boot: Option<String>,
    /// `SecureBootMode` (`SetupMode`, `UserMode`, `DeployedMode`...).
    pub mode: Option<String>,
    /// Whether the service offers `#SecureBoot.ResetKeys`.
    pub can_reset_keys: bool,
}

/// The `ResetKeysType` of `#SecureBoot.ResetKeys`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetKeys {
    /// Restore the platform's default keys (PK, KEK, db, dbx).
    ResetAllKeysToDefault,
    /// Delete every key: the platform goes to setup mode and Secure Boot cannot enforce.
    DeleteAllKeys,
    /// Delete the platform key only (setup mode).
    DeletePK,
}

impl ResetKeys {
    /// The Redfish value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResetKeys::ResetAllKeysToDefault => "ResetAllKeysToDefault",
            ResetKeys::DeleteAllKeys => "DeleteAllKeys",
            ResetKeys::DeletePK => "DeletePK",
        }
    }
}

const RESET_KEYS: &str = "#SecureBoot.ResetKeys";

/// The change set turning `live` into `want`. Pure.
///
/// ```
/// use hermes_ilo::secureboot::{diff_secure_boot, SecureBootConfig};
/// let set = diff_secure_boot("ilo-01", SecureBootConfig { enable: false }, SecureBootConfig { enable: true });
/// assert!(set.render().contains(r#"SecureBootEnable: "false" -> "true""#));
/// assert!(!diff_secure_boot("ilo-01", SecureBootConfig { enable: true }, SecureBootConfig { enable: true }).has_changes());
/// ```
pub fn diff_secure_boot(target: &str, live: SecureBootConfig, want: SecureBootConfig) -> ChangeSet {
    let mut set = ChangeSet::new(target);
    if live == want {
        set.push(Change::new(Action::Keep, "secure boot"));
    } else {
        set.push(
            Change::new(Action::Update, "secure boot")
                .field(FieldChange::changed(
                    "SecureBootEnable",
                    live.enable.to_string(),
                    want.enable.to_string(),
                ))
                .command(format!("SecureBootEnable = {}", want.enable))
                .reason("takes effect at the next reboot"),
        );
    }
    set
}

/// A server's Secure Boot settings, driven through Redfish.
#[derive(Debug, Clone)]
pub struct SecureBootSettings {
    system: SystemHandle,
}

impl SecureBootSettings {
    /// The Secure Boot of `system`.
    pub fn new(system: SystemHandle) -> Self {
        SecureBootSettings { system }
    }

    async fn path(&self) -> Result<String> {
        let sys = self.system.get().await?;
        sys.secure_boot_link()
            .map(|l| l.odata_id.clone())
            .ok_or_else(|| IloError::Unsupported {
                target: self.system.client().target().to_string(),
                message: format!(
                    "{} links no SecureBoot resource (legacy BIOS mode, or a BMC without it)",
                    self.system.path()
                ),
            })
    }

    /// The resource as the service reports it.
    pub async fn resource(&self) -> Result<SecureBoot> {
        let path = self.path().await?;
        self.system.client().get(&path).await
    }

    /// Enable-for-next-boot, current boot, mode, and whether the keys can be reset.
    pub async fn status(&self) -> Result<SecureBootStatus> {
        let sb = self.resource().await?;
        let enable = self.enable_of(&sb)?;
        Ok(SecureBootStatus {
            enable,
            current_boot: sb.secure_boot_current_boot,
            mode: sb.secure_boot_mode,
            can_reset_keys: sb.actions.contains_key(RESET_KEYS),
        })
    }

    fn enable_of(&self, sb: &SecureBoot) -> Result<bool> {
        sb.secure_boot_enable.ok_or_else(|| IloError::Malformed {
            target: self.system.client().target().to_string(),
            path: sb.odata_id.clone(),
            message: "the SecureBoot resource has no SecureBootEnable".into(),
        })
    }

    /// Posts `#SecureBoot.ResetKeys` with `kind` (once: never re-sent if it may have reached the BMC).
    /// The keys change at the next boot, so the report says a restart is required. A service without
    /// the action is [`IloError::Unsupported`]; a kind outside its allowable values is invalid input.
    pub async fn reset_keys(&self, kind: ResetKeys) -> Result<ApplyReport> {
        let sb = self.resource().await?;
        let target = self.system.client().target().to_string();
        let action = sb
            .actions
            .get(RESET_KEYS)
            .ok_or_else(|| IloError::Unsupported {
                target: target.clone(),
                message: format!("{} offers no {RESET_KEYS} action", sb.odata_id),
            })?;
        let allowed = self
            .system
            .client()
            .allowable_from(
                action.allowable("ResetKeysType"),
                action.action_info(),
                "ResetKeysType",
            )
            .await?;
        if !allowed.is_empty() && !allowed.iter().any(|a| a == kind.as_str()) {
            return Err(IloError::invalid(
                &target,
                format!(
                    "{} does not allow ResetKeysType {}; allowed: {}",
                    sb.odata_id,
                    kind.as_str(),
                    allowed.join(", ")
                ),
            ));
        }
        self.system
            .client()
            .post_action(
                &action.target,
                json!({ "ResetKeysType": kind.as_str() }),
                Duration::from_secs(120),
            )
            .await?;
        tracing::info!(bmc = %target, system = %self.system.path(), reset_keys = kind.as_str(), "secure boot keys reset");
        Ok(ApplyReport {
            target: self.target(),
            applied: 1,
            output: vec![format!(
                "{RESET_KEYS} {} sent; the keys change at the next reboot",
                kind.as_str()
            )],
            restart_required: true,
        })
    }
}

#[async_trait]
impl Configurable for SecureBootSettings {
    type Model = SecureBootConfig;

    fn target(&self) -> String {
        format!("{} {}", self.system.client().target(), self.system.path())
    }

    async fn read(&self) -> hermes_core::Result<SecureBootConfig> {
        let sb = self.resource().await?;
        Ok(SecureBootConfig {
            enable: self.enable_of(&sb)?,
        })
    }

    fn diff(&self, live: &SecureBootConfig, want: &SecureBootConfig) -> ChangeSet {
        diff_secure_boot(&self.target(), *live, *want)
    }

    async fn apply(&self, changes: &ChangeSet) -> hermes_core::Result<ApplyReport> {
        let mut want = None;
        for change in changes.actionable() {
            for line in &change.commands {
                let v = match line.as_str() {
                    "SecureBootEnable = true" => true,
                    "SecureBootEnable = false" => false,
                    other => {
                        return Err(IloError::invalid(
                            self.target(),
                            format!("change command {other:?} is not `SecureBootEnable = true|false`: build change sets with diff()"),
                        )
                        .into())
                    }
                };
                want = Some(v);
            }
        }
        let Some(enable) = want else {
            return Ok(ApplyReport {
                target: self.target(),
                ..Default::default()
            });
        };
        let path = self.path().await?;
        let (_, etag) = self
            .system
            .client()
            .get_with_etag::<SecureBoot>(&path)
            .await?;
        self.system
            .client()
            .patch(
                &path,
                json!({ "SecureBootEnable": enable }),
                etag.as_deref(),
            )
            .await?;
        Ok(ApplyReport {
            target: self.target(),
            applied: 1,
            output: vec![format!(
                "SecureBootEnable = {enable} written to {path}; it takes effect at the next reboot"
            )],
            restart_required: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_is_empty_when_equal_and_one_update_otherwise() {
        let on = SecureBootConfig { enable: true };
        let off = SecureBootConfig { enable: false };
        assert!(!diff_secure_boot("t", on, on).has_changes());
        let set = diff_secure_boot("t", on, off);
        assert_eq!(set.summary().update, 1);
        let cmds: Vec<_> = set.actionable().flat_map(|c| c.commands.clone()).collect();
        assert_eq!(cmds, ["SecureBootEnable = false"]);
    }
}
