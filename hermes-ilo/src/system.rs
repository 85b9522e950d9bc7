//! Operations on one ComputerSystem: power (reset actions and waiting for a power state), one-time and
//! continuous boot override (validated against the system's allowable values), and virtual media
//! (found by following links: under the system, or under the manager that manages it as on iLO 5).
//!
//! ```no_run
//! # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
//! use std::time::Duration;
//! use hermes_ilo::system::{BootOverride, ResetType, SystemSelector};
//! use hermes_ilo::models::PowerState;
//! let server = bmc.find_system(&SystemSelector::Name("dl380-01".into())).await?;
//! server.insert_media("http://10.0.0.5:8080/esxi-01.iso").await?;
//! server.set_boot_override(&BootOverride::once("Cd")).await?;
//! server.reset(ResetType::ForceRestart).await?;
//! server.wait_power(PowerState::On, Duration::from_secs(120)).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use hermes_core::Classify;
use hermes_core::ErrorKind;
use serde_json::json;

use crate::client::Client;
use crate::error::{IloError, Result};
use crate::models::{ComputerSystem, Manager, PowerState, VirtualMedia};

/// How to pick a system among a service's systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SystemSelector {
    /// The only system (iLO, most BMCs manage one); an error if there are several.
    Only,
    /// By `Id` (`1`, a UUID).
    Id(String),
    /// By `Name` (sushy names its fake systems), or `HostName` if no name matches.
    Name(String),
    /// By `UUID`.
    Uuid(String),
    /// By its `@odata.id`.
    Path(String),
}

impl fmt::Display for SystemSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SystemSelector::Only => f.write_str("the only system"),
            SystemSelector::Id(s) => write!(f, "system with Id {s}"),
            SystemSelector::Name(s) => write!(f, "system named {s}"),
            SystemSelector::Uuid(s) => write!(f, "system with UUID {s}"),
            SystemSelector::Path(s) => write!(f, "system at {s}"),
        }
    }
}

/// A `ResetType` of `#ComputerSystem.Reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetType {
    /// Power on.
    On,
    /// Power off at once.
    ForceOff,
    /// Ask the OS to shut down.
    GracefulShutdown,
    /// Ask the OS to restart.
    GracefulRestart,
    /// Restart at once.
    ForceRestart,
    /// Power on (some services name it so).
    ForceOn,
    /// Press the power button.
    PushPowerButton,
    /// Power cycle.
    PowerCycle,
    /// Non-maskable interrupt.
    Nmi,
}

impl ResetType {
    /// The Redfish name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResetType::On => "On",
            ResetType::ForceOff => "ForceOff",
            ResetType::GracefulShutdown => "GracefulShutdown",
            ResetType::GracefulRestart => "GracefulRestart",
            ResetType::ForceRestart => "ForceRestart",
            ResetType::ForceOn => "ForceOn",
            ResetType::PushPowerButton => "PushPowerButton",
            ResetType::PowerCycle => "PowerCycle",
            ResetType::Nmi => "Nmi",
        }
    }
}

impl fmt::Display for ResetType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a boot override lasts one boot or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverrideEnabled {
    /// No override.
    Disabled,
    /// The next boot only.
    Once,
    /// Every boot until changed.
    Continuous,
}

impl OverrideEnabled {
    /// The Redfish name.
    pub fn as_str(self) -> &'static str {
        match self {
            OverrideEnabled::Disabled => "Disabled",
            OverrideEnabled::Once => "Once",
            OverrideEnabled::Continuous => "Continuous",
        }
    }
}

/// A boot override to set: a target (`Cd`, `Pxe`, `Hdd`, `UefiHttp`...) and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootOverride {
    /// `BootSourceOverrideTarget`.
    pub target: String,
    /// `BootSourceOverrideEnabled`.
    pub enabled: OverrideEnabled,
    /// `BootSourceOverrideMode` (`UEFI`/`Legacy`), left alone when `None`.
    pub mode: Option<String>,
}

impl BootOverride {
    /// Boot once from `target` (then back to the normal order).
    pub fn once(target: impl Into<String>) -> Self {
        BootOverride {
            target: target.into(),
            enabled: OverrideEnabled::Once,
            mode: None,
        }
    }
    /// Boot from `target` until changed.
    pub fn continuous(target: impl Into<String>) -> Self {
        BootOverride {
            target: target.into(),
            enabled: OverrideEnabled::Continuous,
            mode: None,
        }
    }
    /// Also sets the boot mode (`UEFI` or `Legacy`).
    pub fn mode(mut self, mode: impl Into<String>) -> Self {
        self.mode = Some(mode.into());
        self
    }
    /// The PATCH body (pure; for tests and dry runs).
    pub fn to_patch(&self) -> serde_json::Value {
        let mut boot = json!({
            "BootSourceOverrideTarget": self.target,
            "BootSourceOverrideEnabled": self.enabled.as_str(),
        });
        if let Some(m) = &self.mode {
            boot["BootSourceOverrideMode"] = json!(m);
        }
        json!({ "Boot": boot })
    }
}

/// How virtual media was inserted or ejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaChange {
    /// Nothing to do: the medium already was in the wanted state.
    Unchanged,
    /// Done with the standard `InsertMedia`/`EjectMedia` action.
    Action,
    /// Done by PATCHing `Image`/`Inserted` (services without the actions).
    Patch,
}

impl Client {
    /// Every system of the service (following the root's `Systems` link and the collection's pages).
    pub async fn systems(&self) -> Result<Vec<SystemHandle>> {
        let root = self.service_root().await?;
        let path = self.require_link(root.systems.as_ref(), "Systems collection")?;
        Ok(self
            .member_paths(&path)
            .await?
            .into_iter()
            .map(|p| SystemHandle::new(self.clone(), p))
            .collect())
    }

    /// Every manager (BMC) of the service.
    pub async fn managers(&self) -> Result<Vec<Manager>> {
        let root = self.service_root().await?;
        let path = self.require_link(root.managers.as_ref(), "Managers collection")?;
        self.list(&path).await
    }

    /// The system `selector` names.
    pub async fn find_system(&self, selector: &SystemSelector) -> Result<SystemHandle> {
        if let SystemSelector::Path(p) = selector {
            return Ok(SystemHandle::new(self.clone(), p.clone()));
        }
        let systems = self.systems().await?;
        if let SystemSelector::Only = selector {
            return match systems.len() {
                1 => Ok(systems.into_iter().next().expect("one")),
                n => Err(IloError::invalid(
                    self.target(),
                    format!("the service has {n} systems: name one (by Id, Name or UUID)"),
                )),
            };
        }
        let root = self.service_root().await?;
        let coll = self.require_link(root.systems.as_ref(), "Systems collection")?;
        let all: Vec<ComputerSystem> = self.list(&coll).await?;
        let found = all.iter().position(|s| match selector {
            SystemSelector::Id(id) => &s.id == id,
            SystemSelector::Name(n) => s.name.as_deref() == Some(n.as_str()),
            SystemSelector::Uuid(u) => s.uuid.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(u)),
            _ => false,
        });
        let found = found.or_else(|| match selector {
            SystemSelector::Name(n) => all
                .iter()
                .position(|s| s.host_name.as_deref() == Some(n.as_str())),
            _ => None,
        });
        match found {
            Some(i) => Ok(SystemHandle::new(self.clone(), all[i].odata_id.clone())),
            None => Err(IloError::invalid(
                self.target(),
                format!(
                    "no {selector} among the {} systems ({})",
                    all.len(),
                    all.iter()
                        .map(|s| s.name.clone().unwrap_or_else(|| s.id.clone()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }
}

/// One ComputerSystem of a BMC: a client clone and the system's path. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SystemHandle {
    client: Client,
    path: String,
}

impl SystemHandle {
    /// The system at `path` on `client`.
    pub fn new(client: Client, path: impl Into<String>) -> Self {
        SystemHandle {
            client,
            path: path.into(),
        }
    }

    /// The system's `@odata.id`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Reads the system.
    pub async fn get(&self) -> Result<ComputerSystem> {
        self.client.get(&self.path).await
    }

    /// The current power state.
    pub async fn power_state(&self) -> Result<PowerState> {
        let s = self.get().await?;
        s.power_state.ok_or_else(|| IloError::Malformed {
            target: self.client.target().to_string(),
            path: self.path.clone(),
            message: "the system has no PowerState".into(),
        })
    }

    /// Sends `#ComputerSystem.Reset` with `kind`, after checking it is among the allowed reset types.
    /// Sent once: a reset that may have reached the BMC is never re-sent.
    pub async fn reset(&self, kind: ResetType) -> Result<()> {
        let sys = self.get().await?;
        let action = sys
            .actions
            .reset
            .clone()
            .ok_or_else(|| IloError::Unsupported {
                target: self.client.target().to_string(),
                message: format!("{} offers no #ComputerSystem.Reset action", self.path),
            })?;
        if !action.reset_types.is_empty() && !action.reset_types.iter().any(|t| t == kind.as_str())
        {
            return Err(IloError::invalid(
                self.client.target(),
                format!(
                    "{} does not allow ResetType {kind}; allowed: {}",
                    self.path,
                    action.reset_types.join(", ")
                ),
            ));
        }
        self.client
            .post_action(
                &action.target,
                json!({ "ResetType": kind.as_str() }),
                Duration::from_secs(120),
            )
            .await?;
        tracing::info!(bmc = %self.client.target(), system = %self.path, reset = %kind, "reset sent");
        Ok(())
    }

    /// Polls the power state (every 500 ms) until it is `want`, or fails after `timeout` naming the
    /// last state seen. Transient read errors are tolerated until the deadline.
    pub async fn wait_power(&self, want: PowerState, timeout: Duration) -> Result<()> {
        self.wait_power_every(want, timeout, Duration::from_millis(500))
            .await
    }

    /// [`SystemHandle::wait_power`] with a chosen poll interval.
    pub async fn wait_power_every(
        &self,
        want: PowerState,
        timeout: Duration,
        every: Duration,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            let last = match self.power_state().await {
                Ok(p) if p == want => return Ok(()),
                Ok(p) => p.to_string(),
                Err(e) if e.kind().is_transient() => format!("error: {e}"),
                Err(e) => return Err(e),
            };
            if Instant::now() + every > deadline {
                return Err(IloError::Timeout {
                    target: self.client.target().to_string(),
                    message: format!(
                        "{} did not reach power state {want} within {timeout:?} (last: {last})",
                        self.path
                    ),
                });
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Makes the power state `want` (On or Off) and waits for it: nothing is sent if it already is.
    /// Off uses `GracefulShutdown` and, if the OS ignores it for `timeout / 2`, `ForceOff`.
    pub async fn ensure_power(&self, want: PowerState, timeout: Duration) -> Result<bool> {
        let now = self.power_state().await?;
        if now == want {
            return Ok(false);
        }
        match want {
            PowerState::On => {
                self.reset(ResetType::On).await?;
                self.wait_power(PowerState::On, timeout).await?;
            }
            PowerState::Off => {
                self.reset(ResetType::GracefulShutdown).await?;
                if self.wait_power(PowerState::Off, timeout / 2).await.is_err() {
                    tracing::warn!(system = %self.path, "graceful shutdown ignored; forcing off");
                    self.reset(ResetType::ForceOff).await?;
                    self.wait_power(PowerState::Off, timeout / 2).await?;
                }
            }
            other => {
                return Err(IloError::invalid(
                    self.client.target(),
                    format!("can only ensure power On or Off, not {other}"),
                ))
            }
        }
        Ok(true)
    }

    /// Sets the boot override after validating the target against
    /// `BootSourceOverrideTarget@Redfish.AllowableValues` (when the service lists them); PATCHes with
    /// `If-Match` when the system has an ETag.
    pub async fn set_boot_override(&self, over: &BootOverride) -> Result<()> {
        let (sys, etag) = self
            .client
            .get_with_etag::<ComputerSystem>(&self.path)
            .await?;
        let boot = sys.boot.unwrap_or_default();
        if !boot.allowed_targets.is_empty()
            && !boot.allowed_targets.iter().any(|t| t == &over.target)
        {
            return Err(IloError::invalid(
                self.client.target(),
                format!(
                    "{} does not allow boot target {:?}; allowed: {}",
                    self.path,
                    over.target,
                    boot.allowed_targets.join(", ")
                ),
            ));
        }
        match self
            .client
            .patch(&self.path, over.to_patch(), etag.as_deref())
            .await
        {
            // Some services reject If-Match on ComputerSystem (or its weak ETag); retry once without.
            Err(e) if etag.is_some() && e.status() == Some(412) => {
                let (_, fresh) = self
                    .client
                    .get_with_etag::<ComputerSystem>(&self.path)
                    .await?;
                self.client
                    .patch(&self.path, over.to_patch(), fresh.as_deref())
                    .await?;
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        Ok(())
    }

    /// The managers of this system (`Links.ManagedBy`).
    pub async fn managers(&self) -> Result<Vec<Manager>> {
        let sys = self.get().await?;
        let mut out = Vec::new();
        for link in &sys.links.managed_by {
            out.push(self.client.get::<Manager>(link.path()).await?);
        }
        Ok(out)
    }

    /// The CD/DVD virtual media device for this system: under the system's `VirtualMedia` link, else
    /// under its managers' (iLO 5). An error if none can take a CD image.
    pub async fn cd_media(&self) -> Result<VirtualMedia> {
        let sys = self.get().await?;
        let mut collections = Vec::new();
        if let Some(l) = &sys.virtual_media {
            collections.push(l.odata_id.clone());
        }
        for m in &sys.links.managed_by {
            let mgr: Manager = self.client.get(m.path()).await?;
            if let Some(l) = mgr.virtual_media {
                collections.push(l.odata_id);
            }
        }
        for coll in &collections {
            let media: Vec<VirtualMedia> = self.client.list(coll).await?;
            if let Some(cd) = media.into_iter().find(VirtualMedia::is_cd) {
                return Ok(cd);
            }
        }
        Err(IloError::Unsupported {
            target: self.client.target().to_string(),
            message: format!(
                "{} has no CD/DVD virtual media (looked in: {})",
                self.path,
                if collections.is_empty() {
                    "no VirtualMedia link on the system or its managers".to_string()
                } else {
                    collections.join(", ")
                }
            ),
        })
    }

    /// Inserts the image at `url` in the CD/DVD virtual media: nothing if it is already inserted;
    /// ejects another image first; uses `InsertMedia` and falls back to a PATCH where the service
    /// lacks the action (or answers 405/501 to it).
    pub async fn insert_media(&self, url: &str) -> Result<MediaChange> {
        let parsed = url::Url::parse(url).map_err(|e| {
            IloError::invalid(
                self.client.target(),
                format!("virtual media image {url:?} is not a URL: {e}"),
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https" | "nfs" | "cifs" | "smb") {
            return Err(IloError::invalid(
                self.client.target(),
                format!("virtual media image {url:?} must be an http(s), nfs or cifs URL"),
            ));
        }
        let cd = self.cd_media().await?;
        if cd.inserted_image() == Some(url) {
            return Ok(MediaChange::Unchanged);
        }
        if cd.inserted_image().is_some() {
            self.eject_device(&cd).await?;
        }
        if let Some(action) = &cd.actions.insert {
            let body = json!({"Image": url, "Inserted": true, "WriteProtected": true});
            match self
                .client
                .post_action(&action.target, body, Duration::from_secs(300))
                .await
            {
                Ok(_) => return Ok(MediaChange::Action),
                Err(e) if matches!(e.status(), Some(405 | 501)) => {
                    tracing::debug!(media = %cd.odata_id, "InsertMedia refused; using PATCH");
                }
                Err(e) => return Err(e),
            }
        }
        self.client
            .patch(
                &cd.odata_id,
                json!({"Image": url, "Inserted": true}),
                cd.etag.as_deref(),
            )
            .await?;
        Ok(MediaChange::Patch)
    }

    /// Ejects the CD/DVD virtual media (nothing if it is empty).
    pub async fn eject_media(&self) -> Result<MediaChange> {
        let cd = self.cd_media().await?;
        if cd.inserted_image().is_none() {
            return Ok(MediaChange::Unchanged);
        }
        self.eject_device(&cd).await
    }

    async fn eject_device(&self, cd: &VirtualMedia) -> Result<MediaChange> {
        if let Some(action) = &cd.actions.eject {
            match self
                .client
                .post_action(&action.target, json!({}), Duration::from_secs(120))
                .await
            {
                Ok(_) => return Ok(MediaChange::Action),
                Err(e) if matches!(e.status(), Some(405 | 501)) => {}
                Err(e) => return Err(e),
            }
        }
        self.client
            .patch(
                &cd.odata_id,
                json!({"Image": null, "Inserted": false}),
                cd.etag.as_deref(),
            )
            .await?;
        Ok(MediaChange::Patch)
    }
}

/// Whether `err` means "the service lacks this" (for callers that degrade gracefully).
pub fn is_unsupported(err: &IloError) -> bool {
    matches!(err.kind(), ErrorKind::Unsupported | ErrorKind::NotFound)
}
