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
use crate::models::{same_resource, Chassis, ComputerSystem, Manager, PowerState, VirtualMedia};

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

/// A `ResetType` of `#ComputerSystem.Reset` (serialised as its Redfish name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
    /// Power off: not a standard Redfish value, but what HPE Cray EX node cards list beside
    /// `ForceOff` and `On`.
    Off,
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
            ResetType::Off => "Off",
        }
    }

    /// Every reset type Hermes knows.
    pub const ALL: [ResetType; 10] = [
        ResetType::On,
        ResetType::ForceOff,
        ResetType::GracefulShutdown,
        ResetType::GracefulRestart,
        ResetType::ForceRestart,
        ResetType::ForceOn,
        ResetType::PushPowerButton,
        ResetType::PowerCycle,
        ResetType::Nmi,
        ResetType::Off,
    ];

    /// Whether the reset toggles the power state instead of setting it (`PushPowerButton`: a press
    /// turns a running system off and a stopped one on), so sending it twice undoes it.
    ///
    /// ```
    /// use hermes_ilo::ResetType;
    /// assert!(ResetType::PushPowerButton.toggles());
    /// assert!(!ResetType::On.toggles());
    /// ```
    pub fn toggles(self) -> bool {
        self == ResetType::PushPowerButton
    }

    /// The reset type a service names `name` (exactly, as Redfish enumerations are case-sensitive);
    /// `None` for a name Hermes does not know.
    ///
    /// ```
    /// use hermes_ilo::ResetType;
    /// assert_eq!(ResetType::from_name("ForceOff"), Some(ResetType::ForceOff));
    /// assert_eq!(ResetType::from_name("GracefulShutdownGracefulRestart"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<ResetType> {
        ResetType::ALL.into_iter().find(|t| t.as_str() == name)
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
    /// `UefiTargetBootSourceOverride`: the UEFI device path booted when the target is `UefiTarget`.
    pub uefi_target: Option<String>,
    /// `HttpBootUri`: the URI booted when the target is `UefiHttp` (Redfish 1.9+ services).
    pub http_boot_uri: Option<String>,
}

impl BootOverride {
    /// Boot once from `target` (then back to the normal order).
    pub fn once(target: impl Into<String>) -> Self {
        BootOverride {
            target: target.into(),
            enabled: OverrideEnabled::Once,
            mode: None,
            uefi_target: None,
            http_boot_uri: None,
        }
    }
    /// Boot from `target` until changed.
    pub fn continuous(target: impl Into<String>) -> Self {
        BootOverride {
            target: target.into(),
            enabled: OverrideEnabled::Continuous,
            mode: None,
            uefi_target: None,
            http_boot_uri: None,
        }
    }
    /// Also sets the boot mode (`UEFI` or `Legacy`).
    pub fn mode(mut self, mode: impl Into<String>) -> Self {
        self.mode = Some(mode.into());
        self
    }
    /// Boots the UEFI device path `path` (target `UefiTarget`; validated against the system's
    /// `UefiTargetBootSourceOverride@Redfish.AllowableValues` where it lists them).
    ///
    /// ```
    /// use hermes_ilo::BootOverride;
    /// let b = BootOverride::once("UefiTarget").uefi_target("PciRoot(0x0)/Pci(0x17,0x0)/Sata(0x3,0x0,0x0)");
    /// assert_eq!(b.to_patch()["Boot"]["UefiTargetBootSourceOverride"], "PciRoot(0x0)/Pci(0x17,0x0)/Sata(0x3,0x0,0x0)");
    /// ```
    pub fn uefi_target(mut self, path: impl Into<String>) -> Self {
        self.uefi_target = Some(path.into());
        self
    }
    /// Boots `uri` over UEFI HTTP (target `UefiHttp`).
    pub fn http_boot_uri(mut self, uri: impl Into<String>) -> Self {
        self.http_boot_uri = Some(uri.into());
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
        if let Some(p) = &self.uefi_target {
            boot["UefiTargetBootSourceOverride"] = json!(p);
        }
        if let Some(u) = &self.http_boot_uri {
            boot["HttpBootUri"] = json!(u);
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

/// How the virtual CD takes an image on a given service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertMethod {
    /// `POST` to the device's `#VirtualMedia.InsertMedia` action at `target`.
    Action {
        /// The action's target.
        target: String,
    },
    /// `PATCH` of `Image`/`Inserted` on the device itself (services without the standard action, such
    /// as iLO 5 before 1.40 or the DMTF v1_6 mockup).
    Patch {
        /// The device's `@odata.id`.
        path: String,
    },
}

/// What booting a system from a virtual CD involves on its service, discovered by following links and
/// allowable values (read-only): which device, how it takes an image, which boot override target
/// boots it, which reset types the system allows.
#[derive(Debug, Clone, PartialEq)]
pub struct CdBootDiscovery {
    /// The system's `@odata.id`.
    pub system: String,
    /// The CD/DVD device.
    pub media: VirtualMedia,
    /// How an image is inserted.
    pub insert: InsertMethod,
    /// The `BootSourceOverrideTarget` that boots it (`Cd` on most services).
    pub boot_target: String,
    /// The allowed `ResetType`s (inline or from `@Redfish.ActionInfo`; empty when the service does
    /// not say).
    pub reset_types: Vec<String>,
}

impl fmt::Display for CdBootDiscovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let how = match &self.insert {
            InsertMethod::Action { target } => format!("InsertMedia at {target}"),
            InsertMethod::Patch { path } => format!("PATCH Image on {path}"),
        };
        write!(
            f,
            "{}: virtual CD {} ({how}), boot override {}",
            self.system, self.media.odata_id, self.boot_target
        )
    }
}

impl Client {
    /// Every system of the service (following the root's `Systems` link and the collection's pages).
    pub async fn systems(&self) -> Result<Vec<SystemHandle>> {
        let root = self.service_root().await?;
        let path = self.require_link(root.systems.as_ref(), "Systems collection (`Systems`)")?;
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
        let path = self.require_link(root.managers.as_ref(), "Managers collection (`Managers`)")?;
        self.list(&path).await
    }

    /// Every chassis of the service (enclosures, with their own model and serial number).
    ///
    /// ```no_run
    /// # async fn demo(bmc: hermes_ilo::Client) -> Result<(), hermes_ilo::IloError> {
    /// for c in bmc.chassis().await? {
    ///     println!("{} {:?} {:?} {:?}", c.id, c.chassis_type, c.model, c.serial_number);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn chassis(&self) -> Result<Vec<Chassis>> {
        let root = self.service_root().await?;
        let path = self.require_link(root.chassis.as_ref(), "Chassis collection (`Chassis`)")?;
        self.list(&path).await
    }

    /// The system `selector` names.
    pub async fn find_system(&self, selector: &SystemSelector) -> Result<SystemHandle> {
        if let SystemSelector::Path(p) = selector {
            return Ok(SystemHandle::new(self.clone(), p.clone()));
        }
        let systems = self.systems().await?;
        let root = self.service_root().await?;
        let coll = self.require_link(root.systems.as_ref(), "Systems collection (`Systems`)")?;
        if let SystemSelector::Only = selector {
            let mut systems = systems.into_iter();
            return match (systems.next(), systems.len()) {
                (Some(one), 0) => Ok(one),
                (None, _) => Err(IloError::Unsupported {
                    target: self.target().to_string(),
                    message: format!(
                        "the Systems collection {coll} lists no system (`Members` is empty): \
                         the BMC reports no server to manage"
                    ),
                }),
                (Some(_), more) => Err(IloError::invalid(
                    self.target(),
                    format!(
                        "the service has {} systems: name one (by Id, Name or UUID) of those \
                         {coll} lists",
                        more + 1
                    ),
                )),
            };
        }
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

    /// Sends `#ComputerSystem.Reset` with `kind`, after checking it is among the allowed reset types
    /// (listed inline, else in the action's `@Redfish.ActionInfo`; a value the inline list lacks is
    /// also looked for in the ActionInfo, which is authoritative where the two differ).
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
        let mut allowed = self.client.allowable_values(&action, "ResetType").await?;
        let listed = |allowed: &[String]| allowed.iter().any(|t| t == kind.as_str());
        if !allowed.is_empty() && !listed(&allowed) {
            // An inline list can be wrong where the action's ActionInfo, which describes the
            // parameter, is right (Supermicro X12 firmware lists "GracefulShutdownGracefulRestart"
            // inline): a value the inline list lacks is checked against the ActionInfo too.
            if let Some(info) = action.action_info.as_deref() {
                let described = self
                    .client
                    .allowable_from(Vec::new(), Some(info), "ResetType")
                    .await?;
                if !described.is_empty() {
                    allowed = described;
                }
            }
        }
        if !allowed.is_empty() && !listed(&allowed) {
            return Err(IloError::invalid(
                self.client.target(),
                format!(
                    "{} does not allow ResetType {kind}; allowed: {}",
                    self.path,
                    allowed.join(", ")
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
    /// On uses `On` (`ForceOn` where only that is allowed). Off uses `GracefulShutdown` and, if the OS
    /// ignores it for `timeout / 2`, `ForceOff`; a system that does not allow `GracefulShutdown` (an
    /// HPE Cray EX node card: `ForceOff`, `Off`, `On`) is powered off at once with `ForceOff`, else
    /// its `Off`. A system that allows none of these but `PushPowerButton` (which toggles) has its
    /// power button pressed, and only when it reads the opposite of `want` (see
    /// [`SystemHandle::press_power_button_towards`]). The allowed values are those of
    /// [`SystemHandle::reset_types`]; where the service lists none, the standard values are sent
    /// and the BMC decides.
    pub async fn ensure_power(&self, want: PowerState, timeout: Duration) -> Result<bool> {
        let now = self.power_state().await?;
        if now == want {
            return Ok(false);
        }
        let allowed = match self.reset_types().await {
            Ok(a) => a,
            Err(e) if is_unsupported(&e) => Vec::new(),
            Err(e) => return Err(e),
        };
        let has = |t: ResetType| allowed.is_empty() || allowed.iter().any(|a| a == t.as_str());
        let only_the_button = match want {
            PowerState::On => !has(ResetType::On) && !has(ResetType::ForceOn),
            _ => [
                ResetType::GracefulShutdown,
                ResetType::ForceOff,
                ResetType::Off,
            ]
            .into_iter()
            .all(|t| !has(t)),
        };
        if only_the_button
            && has(ResetType::PushPowerButton)
            && matches!(want, PowerState::On | PowerState::Off)
        {
            let every = Duration::from_millis(500);
            let pressed = self
                .press_power_button_towards(want.clone(), timeout, every)
                .await?;
            self.wait_power(want, timeout).await?;
            return Ok(pressed);
        }
        match want {
            PowerState::On => {
                let on = if has(ResetType::On) || !has(ResetType::ForceOn) {
                    ResetType::On
                } else {
                    ResetType::ForceOn
                };
                self.reset(on).await?;
                self.wait_power(PowerState::On, timeout).await?;
            }
            PowerState::Off => {
                let force = if has(ResetType::ForceOff) || !has(ResetType::Off) {
                    ResetType::ForceOff
                } else {
                    ResetType::Off
                };
                if has(ResetType::GracefulShutdown) {
                    self.reset(ResetType::GracefulShutdown).await?;
                    if self.wait_power(PowerState::Off, timeout / 2).await.is_ok() {
                        return Ok(true);
                    }
                    tracing::warn!(system = %self.path, "graceful shutdown ignored; forcing off");
                    self.reset(force).await?;
                    self.wait_power(PowerState::Off, timeout / 2).await?;
                } else {
                    self.reset(force).await?;
                    self.wait_power(PowerState::Off, timeout).await?;
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
    /// `If-Match` when the system has an ETag. A system without a `Boot` property is
    /// [`IloError::Unsupported`], nothing sent.
    pub async fn set_boot_override(&self, over: &BootOverride) -> Result<()> {
        let (sys, etag) = self
            .client
            .get_with_etag::<ComputerSystem>(&self.path)
            .await?;
        let boot = self.boot_of(sys)?;
        let check = |what: &str, value: &str, allowed: &[String]| {
            if allowed.is_empty() || allowed.iter().any(|t| t == value) {
                return Ok(());
            }
            Err(IloError::invalid(
                self.client.target(),
                format!(
                    "{} does not allow {what} {value:?}; allowed: {}",
                    self.path,
                    allowed.join(", ")
                ),
            ))
        };
        check("boot target", &over.target, boot.targets())?;
        check(
            "BootSourceOverrideEnabled",
            over.enabled.as_str(),
            &boot.allowed_enabled,
        )?;
        if let Some(mode) = &over.mode {
            check("BootSourceOverrideMode", mode, &boot.allowed_modes)?;
        }
        if let Some(path) = &over.uefi_target {
            check("UefiTargetBootSourceOverride", path, boot.uefi_targets())?;
        }
        let current_path = boot
            .uefi_target
            .as_deref()
            .filter(|p| !p.trim().is_empty() && !p.eq_ignore_ascii_case("None"));
        if over.target == "UefiTarget" && over.uefi_target.is_none() && current_path.is_none() {
            return Err(IloError::invalid(
                self.client.target(),
                format!(
                    "boot target UefiTarget on {} needs a UEFI device path (BootOverride::uefi_target){}",
                    self.path,
                    if boot.uefi_targets().is_empty() {
                        String::new()
                    } else {
                        format!("; allowed: {}", boot.uefi_targets().join(", "))
                    }
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

    /// The system's `Boot` object, or [`IloError::Unsupported`] when it has none: such a system (a
    /// GPU baseboard listed beside the host, a chassis-only node) offers no boot override, and a PATCH
    /// of `Boot` would only be refused by the BMC.
    fn boot_of(&self, sys: ComputerSystem) -> Result<crate::models::Boot> {
        sys.boot.ok_or_else(|| IloError::Unsupported {
            target: self.client.target().to_string(),
            message: format!(
                "{} has no Boot property: it offers no boot override",
                self.path
            ),
        })
    }

    /// The managers of this system: `Links.ManagedBy`; where the system has no such links, the
    /// managers whose `Links.ManagerForServers` name it, or every manager when the service has this
    /// one system only.
    pub async fn managers(&self) -> Result<Vec<Manager>> {
        let sys = self.get().await?;
        let (managers, unreadable) = self.managers_of(&sys).await?;
        match unreadable {
            Some(e) => Err(e),
            None => Ok(managers),
        }
    }

    /// The managers of `sys` that can be read, and the first error of a `Links.ManagedBy` link that
    /// cannot (missing, unsupported or malformed; other errors are returned).
    async fn managers_of(&self, sys: &ComputerSystem) -> Result<(Vec<Manager>, Option<IloError>)> {
        let mut out = Vec::new();
        let mut unreadable = None;
        for link in &sys.links.managed_by {
            match self.client.get::<Manager>(link.path()).await {
                Ok(m) => out.push(m),
                Err(e) if is_unsupported(&e) || matches!(e, IloError::Malformed { .. }) => {
                    unreadable.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        if !out.is_empty() || unreadable.is_some() {
            return Ok((out, unreadable));
        }
        let all = match self.client.managers().await {
            Ok(all) => all,
            Err(e) if is_unsupported(&e) => return Ok((Vec::new(), None)),
            Err(e) => return Err(e),
        };
        let mine: Vec<Manager> = all
            .iter()
            .filter(|m| {
                m.links
                    .manager_for_servers
                    .iter()
                    .any(|l| same_resource(l.path(), &self.path))
            })
            .cloned()
            .collect();
        if !mine.is_empty() {
            return Ok((mine, None));
        }
        let single = self
            .client
            .systems()
            .await
            .map(|s| s.len() == 1)
            .unwrap_or(false);
        Ok((if single { all } else { Vec::new() }, None))
    }

    /// The virtual media collections that serve this system, in the order they are searched: the
    /// system's own `VirtualMedia` (Redfish 1.9+ services, sushy-tools), then each of its managers'
    /// (iLO 5, iDRAC, older services). A manager that cannot be read is skipped when another source
    /// names a collection; when none does, its error (naming the manager) is returned.
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// // e.g. ["/redfish/v1/Managers/1/VirtualMedia"] on iLO 5
    /// println!("{:?}", server.virtual_media_collections().await?);
    /// # Ok(()) }
    /// ```
    pub async fn virtual_media_collections(&self) -> Result<Vec<String>> {
        let sys = self.get().await?;
        let mut collections: Vec<String> = Vec::new();
        if let Some(l) = &sys.virtual_media {
            collections.push(l.odata_id.clone());
        }
        let (managers, unreadable) = self.managers_of(&sys).await?;
        for m in managers {
            if let Some(l) = m.virtual_media {
                if !collections.iter().any(|c| same_resource(c, l.path())) {
                    collections.push(l.odata_id);
                }
            }
        }
        match unreadable {
            Some(e) if collections.is_empty() => Err(e),
            Some(e) => {
                tracing::debug!(system = %self.path, "a manager is unreadable ({e}); using the other virtual media links");
                Ok(collections)
            }
            None => Ok(collections),
        }
    }

    /// Every virtual media device that serves this system (see
    /// [`SystemHandle::virtual_media_collections`]), CD/DVD or not.
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// for vm in server.virtual_media().await? {
    ///     println!("{} {:?} CD: {} insert action: {:?}", vm.odata_id, vm.media_types, vm.is_cd(),
    ///              vm.actions.insert.as_ref().map(|a| &a.target));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn virtual_media(&self) -> Result<Vec<VirtualMedia>> {
        let mut out = Vec::new();
        for coll in self.virtual_media_collections().await? {
            out.extend(self.client.list::<VirtualMedia>(&coll).await?);
        }
        Ok(out)
    }

    /// Discovers, without changing anything, how this system boots from a virtual CD: the device
    /// ([`SystemHandle::cd_media`]), how it takes an image, the CD boot override target
    /// ([`SystemHandle::cd_boot_target`]) and the allowed reset types. The first thing it cannot find
    /// is an error naming the resource and what is missing.
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// let found = server.discover_cd_boot().await?;
    /// println!("{found}"); // /redfish/v1/Systems/1: virtual CD .../VirtualMedia/2 (InsertMedia at ...), boot override Cd
    /// # Ok(()) }
    /// ```
    pub async fn discover_cd_boot(&self) -> Result<CdBootDiscovery> {
        let media = self.cd_media().await?;
        let boot_target = self.cd_boot_target().await?;
        let sys = self.get().await?;
        let reset_types = match &sys.actions.reset {
            Some(a) => self.client.allowable_values(a, "ResetType").await?,
            None => Vec::new(),
        };
        let insert = match &media.actions.insert {
            Some(a) => InsertMethod::Action {
                target: a.target.clone(),
            },
            None => InsertMethod::Patch {
                path: media.odata_id.clone(),
            },
        };
        Ok(CdBootDiscovery {
            system: self.path.clone(),
            media,
            insert,
            boot_target,
            reset_types,
        })
    }

    /// The boot override target that boots the virtual CD/DVD on this system, read from its allowable
    /// values (`Cd` on most services; see [`crate::models::Boot::cd_target`]); an
    /// [`IloError::Unsupported`] naming the allowed targets when none is a CD, or saying the system has
    /// no `Boot` property at all.
    ///
    /// ```no_run
    /// # async fn demo(server: hermes_ilo::SystemHandle) -> Result<(), hermes_ilo::IloError> {
    /// use hermes_ilo::BootOverride;
    /// let cd = server.cd_boot_target().await?;
    /// server.set_boot_override(&BootOverride::once(cd)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn cd_boot_target(&self) -> Result<String> {
        let sys = self.get().await?;
        let boot = self.boot_of(sys)?;
        boot.cd_target().ok_or_else(|| IloError::Unsupported {
            target: self.client.target().to_string(),
            message: format!(
                "{} offers no CD/DVD boot override target (allowed: {}): boot the virtual media \
                 through a UEFI boot option instead",
                self.path,
                boot.targets().join(", ")
            ),
        })
    }

    /// The CD/DVD virtual media device for this system: a device that takes CD/DVD images (see
    /// [`VirtualMedia::is_cd`]) in the first collection that has one, searched in the order of
    /// [`SystemHandle::virtual_media_collections`]; within a collection, one with an `InsertMedia`
    /// action is preferred. A linked collection that cannot be read is skipped; when no collection
    /// has a CD, the first such error is returned (naming the collection), else an
    /// [`IloError::Unsupported`] naming where it looked and what it found.
    pub async fn cd_media(&self) -> Result<VirtualMedia> {
        let collections = self.virtual_media_collections().await?;
        let mut seen = Vec::new();
        // A linked collection the service cannot serve does not hide a CD in the next one; if none
        // has a CD, that first error is the answer (it names the collection).
        let mut unreadable: Option<IloError> = None;
        for coll in &collections {
            let mut cds = Vec::new();
            let media = match self.client.list::<VirtualMedia>(coll).await {
                Ok(media) => media,
                Err(e) if is_unsupported(&e) || matches!(e, IloError::Malformed { .. }) => {
                    unreadable.get_or_insert(e);
                    continue;
                }
                Err(e) => return Err(e),
            };
            for vm in media {
                if vm.is_cd() {
                    cds.push(vm);
                } else {
                    seen.push(format!(
                        "{} ({})",
                        vm.odata_id,
                        if vm.media_types.is_empty() {
                            "no MediaTypes".to_string()
                        } else {
                            vm.media_types.join(", ")
                        }
                    ));
                }
            }
            if let Some(i) = cds.iter().position(|vm| vm.actions.insert.is_some()) {
                return Ok(cds.swap_remove(i));
            }
            if let Some(cd) = cds.into_iter().next() {
                return Ok(cd);
            }
        }
        if let Some(e) = unreadable {
            return Err(e);
        }
        Err(IloError::Unsupported {
            target: self.client.target().to_string(),
            message: format!(
                "{} has no CD/DVD virtual media (looked in: {}{})",
                self.path,
                if collections.is_empty() {
                    "no VirtualMedia link on the system or its managers".to_string()
                } else {
                    collections.join(", ")
                },
                if seen.is_empty() {
                    String::new()
                } else {
                    format!("; found only {}", seen.join(", "))
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
            let body = self.insert_body(action, &parsed).await?;
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

    /// The `InsertMedia` body for `url`: `Image`, `Inserted` and `WriteProtected`, less the optional
    /// parameters the action's `@Redfish.ActionInfo` does not list, plus `TransferProtocolType` (the
    /// URL's scheme; `CIFS` for `smb://`) where the action allows or requires it.
    async fn insert_body(
        &self,
        action: &crate::models::ActionTarget,
        url: &url::Url,
    ) -> Result<serde_json::Value> {
        let info = match &action.action_info {
            Some(p) => match self.client.action_info(p).await {
                Ok(i) => Some(i),
                Err(e) if is_unsupported(&e) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let mut body = json!({"Image": url.as_str(), "Inserted": true, "WriteProtected": true});
        // Redfish names an smb:// share's protocol CIFS (Cisco CIMC lists CIFS, HTTP, HTTPS, NFS).
        let scheme = match url.scheme() {
            "smb" => "CIFS".to_string(),
            other => other.to_ascii_uppercase(),
        };
        let mut protocols = action.allowable("TransferProtocolType");
        if let Some(info) = info.as_ref().filter(|i| !i.parameters.is_empty()) {
            for p in ["Inserted", "WriteProtected"] {
                if info.parameter(p).is_none() {
                    body.as_object_mut().expect("object").remove(p);
                }
            }
            if let Some(p) = info.parameter("TransferProtocolType") {
                if protocols.is_empty() {
                    protocols = p.allowable_values.clone();
                }
                if p.required == Some(true) && protocols.is_empty() {
                    protocols.push(scheme.clone());
                }
            }
        }
        if !protocols.is_empty() {
            let chosen = protocols
                .iter()
                .find(|p| p.eq_ignore_ascii_case(&scheme))
                .ok_or_else(|| {
                    IloError::invalid(
                        self.client.target(),
                        format!(
                            "{} takes images over {} only, not {scheme}: serve the ISO over one of those",
                            action.target,
                            protocols.join(", ")
                        ),
                    )
                })?;
            body["TransferProtocolType"] = json!(chosen);
        }
        Ok(body)
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
