//! The ESXi installation workflow, as a [`hermes_core::Provisioner`] ([`EsxiInstaller`]).
//!
//! Per server, a state machine of idempotent steps:
//!
//! 1. **ISO ready**: the per-host ISO is built (kickstart + boot configs, see [`crate::iso`]) and served
//!    by URL, or the URL the user gave is used.
//! 2. **media inserted**: the ISO URL is in the server's CD/DVD virtual media.
//! 3. **boot once from CD**: the one-time boot override is `Cd`.
//! 4. **power cycle**: the server is powered on (if off) or restarted (if on) with a reset it allows
//!    (see [`crate::power`]: `ForceRestart`, else `PowerCycle`). Where it allows neither (an HPE
//!    Cray EX node card: `ForceOff`, `Off`, `On`), the cycle is an off-then-on one (a forced off
//!    where allowed, before a `GracefulRestart` a hung OS would ignore) in two more steps: **power off** (the off is sent and the server reads `Off`,
//!    within the power timeout) and then the power-on. The chosen cycle is kept in the state file
//!    before anything is sent, so a resumed run finishes the same cycle; the power-on (or restart)
//!    is recorded as about to be sent *before* it is sent, so a re-run never sends a second power
//!    cycle into a running installer. An off is safe to repeat (nothing was powered on yet), so a run
//!    interrupted during the off half sends it again only if the server still reads `On`.
//! 5. **installer running**: the power state is `On`.
//! 6. **host answering**: a pluggable [`HostCheck`] passes (a TCP port and banner, an HTTPS endpoint
//!    such as the vSphere API, or any check of yours).
//! 7. **media ejected**.
//! 8. **done**.
//!
//! Tracing: each server's run is an `esxi_install` span (`server`), each step an `install_step` span
//! inside it (`server`, `step`, then `elapsed_ms` and `outcome`), and each Redfish request a `redfish`
//! span inside that (see [`crate::client`]); no password, kickstart or token is ever recorded.
//!
//! Each step has a timeout; a failure is an [`IloError::Step`] naming the server and the step. The last
//! completed step is kept in a JSON state file per server, so a re-run resumes where it stopped, and a
//! run after "done" changes nothing. [`EsxiInstaller::install_all`] fans out over many servers with
//! bounded concurrency and progress (hermes-core's [`FanOut`]).
//!
//! ```no_run
//! # async fn demo(hosts: Vec<hermes_ilo::install::EsxiHost>) -> Result<(), hermes_ilo::IloError> {
//! use std::sync::Arc;
//! use hermes_ilo::install::EsxiInstaller;
//! let installer = EsxiInstaller::new("/var/lib/hermes/esxi", "/srv/hermes/iso")
//!     .iso_base_url("http://10.0.0.5:8080/".parse().unwrap());
//! let report = installer
//!     .install_all(hosts, 8, Some(Arc::new(hermes_core::IndicatifProgress::new("esxi"))))
//!     .await;
//! println!("{}", report.summary());
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hermes_core::http::{HttpClientBuilder, TlsPolicy};
use hermes_core::{
    Action, Change, ErrorKind, FanOut, FanOutReport, Plan, ProgressSink, Provisioner,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing::Instrument as _;

use crate::client::Client;
use crate::error::{IloError, Result};
use crate::iso::IsoBuilder;
use crate::kickstart::KickstartSpec;
use crate::models::PowerState;
use crate::power::PowerCycle;
use crate::system::{BootOverride, InsertMethod, SystemHandle, SystemSelector};

/// A step of the installation, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The per-host ISO is built and has a URL.
    IsoReady,
    /// The ISO is in the virtual CD.
    MediaInserted,
    /// The one-time boot override is the CD.
    BootOnce,
    /// The power cycle is chosen ([`InstallState::power_cycle`]); for an off-then-on cycle, the off
    /// is about to be sent.
    PowerOffSent,
    /// Off-then-on cycles only: the server reads `Off`.
    PoweredOff,
    /// The power cycle (or the power-on half of an off-then-on cycle) is about to be sent (recorded
    /// first so it is never sent twice).
    PowerCycleSent,
    /// The server was powered on or restarted.
    PowerCycled,
    /// The server is on, running the installer.
    InstallerRunning,
    /// The installed host answers.
    HostAnswering,
    /// The virtual media is ejected.
    MediaEjected,
    /// Finished.
    Done,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 11] = [
        Step::IsoReady,
        Step::MediaInserted,
        Step::BootOnce,
        Step::PowerOffSent,
        Step::PoweredOff,
        Step::PowerCycleSent,
        Step::PowerCycled,
        Step::InstallerRunning,
        Step::HostAnswering,
        Step::MediaEjected,
        Step::Done,
    ];

    /// The step's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::IsoReady => "ISO ready",
            Step::MediaInserted => "media inserted",
            Step::BootOnce => "boot once from CD",
            Step::PowerOffSent => "power off sent",
            Step::PoweredOff => "power off",
            Step::PowerCycleSent => "power cycle sent",
            Step::PowerCycled => "power cycle",
            Step::InstallerRunning => "installer running",
            Step::HostAnswering => "host answering",
            Step::MediaEjected => "media ejected",
            Step::Done => "done",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks whether an installed host answers (the end of the installation).
#[async_trait]
pub trait HostCheck: Send + Sync + fmt::Debug {
    /// What is checked, for the output (`TCP 10.0.10.11:22 with an SSH banner`).
    fn describe(&self) -> String;
    /// `Ok(true)` when the host answers; `Ok(false)` (or a transient error) to keep waiting.
    async fn check(&self) -> Result<bool>;
}

/// Answering = something accepts TCP on `addr` and, if set, its first bytes start with `banner`
/// (`SSH-2.0-` for port 22).
#[derive(Debug, Clone)]
pub struct TcpCheck {
    addr: String,
    banner: Option<String>,
    timeout: Duration,
}

impl TcpCheck {
    /// A TCP connect check on `addr` (`10.0.10.11:443`).
    pub fn new(addr: impl Into<String>) -> Self {
        TcpCheck {
            addr: addr.into(),
            banner: None,
            timeout: Duration::from_secs(5),
        }
    }
    /// Also requires the server's first bytes to start with `banner`.
    pub fn banner(mut self, banner: impl Into<String>) -> Self {
        self.banner = Some(banner.into());
        self
    }
    /// An SSH check: port 22's `SSH-2.0-` banner.
    pub fn ssh(addr: impl Into<String>) -> Self {
        Self::new(addr).banner("SSH-2.0-")
    }
}

#[async_trait]
impl HostCheck for TcpCheck {
    fn describe(&self) -> String {
        match &self.banner {
            Some(b) => format!("TCP {} answering with {b:?}", self.addr),
            None => format!("TCP {} accepting connections", self.addr),
        }
    }
    async fn check(&self) -> Result<bool> {
        let fut = async {
            let mut s = tokio::net::TcpStream::connect(&self.addr).await.ok()?;
            match &self.banner {
                None => Some(true),
                Some(b) => {
                    let mut buf = vec![0u8; b.len()];
                    s.read_exact(&mut buf).await.ok()?;
                    let _ = s.shutdown().await;
                    Some(buf == b.as_bytes())
                }
            }
        };
        Ok(tokio::time::timeout(self.timeout, fut)
            .await
            .ok()
            .flatten()
            .unwrap_or(false))
    }
}

/// Answering = an HTTP(S) GET of `url` gets any reply below 500 (for ESXi:
/// `https://HOST/sdk/vimServiceVersions.xml`, the vSphere API's version document).
#[derive(Debug, Clone)]
pub struct HttpCheck {
    url: String,
    client: reqwest::Client,
}

impl HttpCheck {
    /// A check of `url`, verifying TLS against the webpki roots plus `ca_pem` if given.
    pub fn new(url: impl Into<String>, ca_pem: Option<&[u8]>) -> Result<Self> {
        let tls = match ca_pem {
            Some(pem) => TlsPolicy::CustomCa {
                pem: pem.to_vec(),
                keep_webpki_roots: true,
            },
            None => TlsPolicy::WebPki,
        };
        Self::with_tls(url, tls)
    }
    /// A check of `url` with any TLS policy (e.g. the host's pinned SHA-256 fingerprint, for an ESXi
    /// host still on its self-signed certificate).
    ///
    /// ```
    /// use hermes_core::http::TlsPolicy;
    /// let pin = TlsPolicy::pin_sha256(&"ab".repeat(32))?;
    /// let check = hermes_ilo::install::HttpCheck::with_tls("https://10.0.0.31/sdk/vimServiceVersions.xml", pin)?;
    /// # let _ = check; Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_tls(url: impl Into<String>, tls: TlsPolicy) -> Result<Self> {
        let url = url.into();
        let client = HttpClientBuilder::new(concat!("hermes-ilo/", env!("CARGO_PKG_VERSION")))
            .tls(tls)
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| IloError::invalid(&url, format!("cannot build the HTTP check: {e}")))?;
        Ok(HttpCheck { url, client })
    }
    /// The vSphere API check of an ESXi host at `host`.
    pub fn vsphere(host: &str, ca_pem: Option<&[u8]>) -> Result<Self> {
        Self::new(format!("https://{host}/sdk/vimServiceVersions.xml"), ca_pem)
    }
}

#[async_trait]
impl HostCheck for HttpCheck {
    fn describe(&self) -> String {
        format!("HTTP GET {} answering", self.url)
    }
    async fn check(&self) -> Result<bool> {
        Ok(matches!(self.client.get(&self.url).send().await, Ok(r) if r.status().as_u16() < 500))
    }
}

/// Where a server's installer ISO comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// Build a per-host ISO from this ESXi installer ISO and serve it from the installer's ISO
    /// directory under its base URL.
    Build {
        /// The ESXi installer ISO.
        base_iso: PathBuf,
    },
    /// Use this URL as it is (an ISO built and served elsewhere).
    Url(String),
}

/// One server to install.
#[derive(Debug, Clone)]
pub struct EsxiHost {
    /// The server's name (reports, state file, ISO file name).
    pub name: String,
    /// Its BMC.
    pub bmc: Client,
    /// Which system of the BMC.
    pub system: SystemSelector,
    /// The kickstart.
    pub kickstart: KickstartSpec,
    /// Where the ISO comes from.
    pub media: MediaSource,
    /// When the installed host counts as answering.
    pub answering: Arc<dyn HostCheck>,
}

/// What an installation left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledHost {
    /// The server.
    pub name: String,
    /// The ISO URL its virtual media used.
    pub iso_url: String,
    /// The ISO's SHA-256, when Hermes built it.
    pub iso_sha256: Option<String>,
    /// The steps this run performed (empty: nothing changed).
    pub steps_run: Vec<Step>,
    /// The check the host passed.
    pub answered: String,
}

impl InstalledHost {
    /// Whether this run changed anything.
    pub fn changed(&self) -> bool {
        !self.steps_run.is_empty()
    }
}

/// The per-server state file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallState {
    /// The last completed step.
    pub completed: Option<Step>,
    /// The ISO URL.
    pub iso_url: Option<String>,
    /// The ISO's SHA-256.
    pub iso_sha256: Option<String>,
    /// The check that passed.
    pub answered: Option<String>,
    /// How the server is power-cycled, chosen once from the reset types it allows (so a resumed run
    /// finishes the cycle it started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_cycle: Option<PowerCycle>,
}

/// The time limit of each step.
#[derive(Debug, Clone)]
pub struct Timeouts {
    /// Building the ISO.
    pub iso: Duration,
    /// Each Redfish step (insert, boot override, reset).
    pub bmc_step: Duration,
    /// Waiting for the power state.
    pub power: Duration,
    /// Waiting for the installed host to answer (a real install takes 10–30 min).
    pub answering: Duration,
    /// The pause between polls.
    pub poll: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            iso: Duration::from_secs(600),
            bmc_step: Duration::from_secs(300),
            power: Duration::from_secs(300),
            answering: Duration::from_secs(3600),
            poll: Duration::from_secs(5),
        }
    }
}

/// Installs ESXi on servers through their BMCs. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EsxiInstaller {
    state_dir: PathBuf,
    iso_dir: PathBuf,
    iso_base_url: Option<url::Url>,
    timeouts: Timeouts,
    xorriso: PathBuf,
}

/// Receives step reports (`"dl380-01"`, `"media inserted"`).
pub type StepReporter<'a> = &'a (dyn Fn(Step) + Send + Sync);

async fn with_timeout<T>(
    limit: Duration,
    what: &str,
    fut: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r,
        Err(_) => Err(IloError::Timeout {
            target: what.to_string(),
            message: format!("did not finish within {limit:?}"),
        }),
    }
}

/// The longest a resumed run waits for a power button press the interrupted run may have sent to
/// show (BMCs apply a power change seconds after accepting it; sushy-emulator up to 11 s).
const PRESS_SETTLE: Duration = Duration::from_secs(30);

/// On a resumed run, before pressing the power button (`PushPowerButton` toggles): waits, at most
/// [`PRESS_SETTLE`] (and the power timeout), for the state a press already sent would bring. Not
/// reaching it is no error: the press was then lost, and the caller presses.
async fn settle(system: &SystemHandle, want: PowerState, t: &Timeouts) {
    let every = t.poll.min(Duration::from_secs(1));
    if system
        .wait_power_every(want.clone(), t.power.min(PRESS_SETTLE), every)
        .await
        .is_err()
    {
        tracing::info!(system = %system.path(), want = %want, "no earlier press took effect");
    }
}

impl EsxiInstaller {
    /// An installer keeping per-server state in `state_dir` and built ISOs in `iso_dir`.
    pub fn new(state_dir: impl Into<PathBuf>, iso_dir: impl Into<PathBuf>) -> Self {
        EsxiInstaller {
            state_dir: state_dir.into(),
            iso_dir: iso_dir.into(),
            iso_base_url: None,
            timeouts: Timeouts::default(),
            xorriso: PathBuf::from("xorriso"),
        }
    }

    /// The URL under which `iso_dir` is served to the BMCs (e.g. a [`crate::fileserver::FileServer`]).
    pub fn iso_base_url(mut self, url: url::Url) -> Self {
        self.iso_base_url = Some(url);
        self
    }

    /// The step timeouts.
    pub fn timeouts(mut self, t: Timeouts) -> Self {
        self.timeouts = t;
        self
    }

    /// The xorriso binary.
    pub fn xorriso(mut self, path: impl Into<PathBuf>) -> Self {
        self.xorriso = path.into();
        self
    }

    fn state_path(&self, name: &str) -> PathBuf {
        self.state_dir.join(format!("{name}.json"))
    }

    /// The saved state of server `name` (default if none).
    pub async fn state(&self, name: &str) -> Result<InstallState> {
        let p = self.state_path(name);
        match tokio::fs::read(&p).await {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                IloError::local(
                    p.display().to_string(),
                    ErrorKind::Malformed,
                    format!("corrupt state file ({e}); delete it to start this server over"),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(InstallState::default()),
            Err(e) => Err(IloError::local(
                p.display().to_string(),
                ErrorKind::Internal,
                e.to_string(),
            )),
        }
    }

    async fn save(&self, name: &str, st: &InstallState) -> Result<()> {
        let p = self.state_path(name);
        let err = |e: std::io::Error| {
            IloError::local(p.display().to_string(), ErrorKind::Internal, e.to_string())
        };
        tokio::fs::create_dir_all(&self.state_dir)
            .await
            .map_err(err)?;
        let tmp = p.with_extension(format!("json.tmp-{}", fastrand::u64(..)));
        tokio::fs::write(&tmp, serde_json::to_vec_pretty(st).expect("serialisable"))
            .await
            .map_err(err)?;
        tokio::fs::rename(&tmp, &p).await.map_err(err)
    }

    /// Forgets server `name`'s state (the next run starts over).
    pub async fn reset_state(&self, name: &str) -> Result<()> {
        match tokio::fs::remove_file(self.state_path(name)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(IloError::local(
                self.state_path(name).display().to_string(),
                ErrorKind::Internal,
                e.to_string(),
            )),
        }
    }

    fn iso_url(&self, host: &EsxiHost) -> Result<String> {
        match &host.media {
            MediaSource::Url(u) => Ok(u.clone()),
            MediaSource::Build { .. } => {
                let base = self.iso_base_url.as_ref().ok_or_else(|| {
                    IloError::invalid(
                        &host.name,
                        "the ISO is built locally but the installer has no iso_base_url to serve it under",
                    )
                })?;
                base.join(&format!("{}.iso", host.name))
                    .map(|u| u.to_string())
                    .map_err(|e| IloError::invalid(&host.name, format!("bad ISO URL: {e}")))
            }
        }
    }

    /// Installs one server, reporting each step as it starts. Resumes from its state file.
    pub async fn install(
        &self,
        host: &EsxiHost,
        report: StepReporter<'_>,
    ) -> Result<InstalledHost> {
        let span = tracing::info_span!("esxi_install", server = %host.name);
        self.install_inner(host, report).instrument(span).await
    }

    async fn install_inner(
        &self,
        host: &EsxiHost,
        report: StepReporter<'_>,
    ) -> Result<InstalledHost> {
        let name = host.name.as_str();
        let mut st = self.state(name).await?;
        let url = self.iso_url(host)?;
        if st.completed == Some(Step::Done) && st.iso_url.as_deref() == Some(url.as_str()) {
            // Rebuild check: a changed kickstart must not be ignored silently.
            if let MediaSource::Build { .. } = &host.media {
                let iso = self.iso_dir.join(format!("{name}.iso"));
                let m = crate::iso::manifest_path(&iso);
                if let Ok(text) = tokio::fs::read_to_string(&m).await {
                    let built: crate::iso::BuiltIso = serde_json::from_str(&text).map_err(|e| {
                        IloError::local(
                            m.display().to_string(),
                            ErrorKind::Malformed,
                            e.to_string(),
                        )
                    })?;
                    if Some(built.sha256.to_string()) != st.iso_sha256 {
                        return Err(IloError::invalid(
                            name,
                            "the ISO changed since this server was installed: reset its state to reinstall",
                        ));
                    }
                }
            }
            return Ok(InstalledHost {
                name: name.to_string(),
                iso_url: url,
                iso_sha256: st.iso_sha256.clone(),
                steps_run: Vec::new(),
                answered: st.answered.clone().unwrap_or_default(),
            });
        }
        if st.completed.is_some() && st.iso_url.as_deref() != Some(url.as_str()) {
            // A different ISO URL than the interrupted run: start over from the ISO.
            st = InstallState::default();
        }
        let system = host
            .bmc
            .find_system(&host.system)
            .await
            .map_err(|e| e.at_step(name, "find system"))?;
        let mut steps_run = Vec::new();
        let t = &self.timeouts;
        // Where this run started: `st.completed` moves on as steps finish, so "resumed after the
        // power cycle was recorded as sent" must be read from here, not from `st`.
        let resumed_from = st.completed;
        for step in Step::ALL {
            if st.completed.is_some_and(|c| c >= step) {
                continue;
            }
            // The off steps of an off-then-on cycle are part of the run only for such a cycle.
            let off_then_on = st.power_cycle.is_some_and(|c| c.is_off_then_on());
            let shown = match step {
                Step::PowerOffSent | Step::PowerCycleSent => false,
                Step::PoweredOff => off_then_on,
                _ => true,
            };
            if shown {
                report(step);
            }
            let started = Instant::now();
            let step_span = tracing::info_span!(
                "install_step",
                server = name,
                step = step.as_str(),
                elapsed_ms = tracing::field::Empty,
                outcome = tracing::field::Empty,
            );
            let res: Result<()> = async {
                match step {
                    Step::IsoReady => {
                        if let MediaSource::Build { base_iso } = &host.media {
                            let out = self.iso_dir.join(format!("{name}.iso"));
                            let built = with_timeout(
                                t.iso,
                                name,
                                IsoBuilder::new(base_iso)
                                    .xorriso(&self.xorriso)
                                    .timeout(t.iso)
                                    .build(&host.kickstart, &out),
                            )
                            .await?;
                            st.iso_sha256 = Some(built.sha256.to_string());
                        }
                        st.iso_url = Some(url.clone());
                        Ok(())
                    }
                    Step::MediaInserted => {
                        with_timeout(t.bmc_step, name, system.insert_media(&url)).await?;
                        Ok(())
                    }
                    Step::BootOnce => {
                        // The CD target as this system names it (its allowable values), not a
                        // vendor's spelling assumed here.
                        with_timeout(t.bmc_step, name, async {
                            let target = system.cd_boot_target().await?;
                            system.set_boot_override(&BootOverride::once(target)).await
                        })
                        .await
                    }
                    Step::PowerOffSent => {
                        // Chosen (read-only) and recorded before anything is sent.
                        let how =
                            with_timeout(t.bmc_step, name, system.power_cycle_method()).await?;
                        tracing::info!(cycle = %how, "power cycle chosen");
                        st.power_cycle = Some(how);
                        Ok(())
                    }
                    Step::PoweredOff => match st.power_cycle {
                        Some(PowerCycle::OffThenOn { off, .. }) => {
                            // A press the interrupted run may have sent is given time to take
                            // effect first: pressed again, it would undo itself.
                            if off.toggles() && resumed_from == Some(Step::PowerOffSent) {
                                settle(&system, PowerState::Off, t).await;
                            }
                            // Sent again on a resumed run only if the server still reads On.
                            system
                                .power_off_for_cycle(
                                    off,
                                    t.power,
                                    t.poll.min(Duration::from_secs(1)),
                                )
                                .await
                        }
                        _ => Ok(()),
                    },
                    Step::PowerCycleSent => Ok(()),
                    Step::PowerCycled => {
                        // Resuming after "sent": a server that is off still needs powering on
                        // (On is harmless to repeat); one that is on was cycled already.
                        let power = system.power_state().await?;
                        let resumed = resumed_from == Some(Step::PowerCycleSent);
                        let how = match st.power_cycle {
                            Some(how) => how,
                            // A state file written before the cycle was recorded.
                            None => {
                                with_timeout(t.bmc_step, name, system.power_cycle_method()).await?
                            }
                        };
                        let kind = match (power, resumed) {
                            (PowerState::On | PowerState::PoweringOn, true) => None,
                            (PowerState::On | PowerState::PoweringOn, false) => match how {
                                PowerCycle::Restart { reset, .. } => Some(reset),
                                // Already back on after the off half (or powered on by someone
                                // else): it is booting; another cycle would only interrupt it.
                                PowerCycle::OffThenOn { .. } | PowerCycle::PowerOn { .. } => None,
                            },
                            _ => Some(how.on()),
                        };
                        match kind {
                            Some(on) if on.toggles() => {
                                // Pressed only if it still reads Off once a press the
                                // interrupted run may have sent had time to take effect.
                                if resumed {
                                    settle(&system, PowerState::On, t).await;
                                }
                                with_timeout(
                                    t.power + t.bmc_step,
                                    name,
                                    system.press_power_button_towards(
                                        PowerState::On,
                                        t.power,
                                        t.poll.min(Duration::from_secs(1)),
                                    ),
                                )
                                .await?;
                            }
                            Some(kind) => {
                                with_timeout(t.bmc_step, name, system.reset(kind)).await?
                            }
                            None => {}
                        }
                        Ok(())
                    }
                    Step::InstallerRunning => {
                        system
                            .wait_power_every(
                                PowerState::On,
                                t.power,
                                t.poll.min(Duration::from_secs(1)),
                            )
                            .await
                    }
                    Step::HostAnswering => {
                        let deadline = Instant::now() + t.answering;
                        loop {
                            match host.answering.check().await {
                                Ok(true) => break,
                                Ok(false) => {}
                                Err(e) if hermes_core::Classify::kind(&e).is_transient() => {}
                                Err(e) => return Err(e),
                            }
                            if Instant::now() + t.poll > deadline {
                                return Err(IloError::Timeout {
                                    target: name.to_string(),
                                    message: format!(
                                        "{} did not pass within {:?}",
                                        host.answering.describe(),
                                        t.answering
                                    ),
                                });
                            }
                            tokio::time::sleep(t.poll).await;
                        }
                        st.answered = Some(host.answering.describe());
                        Ok(())
                    }
                    Step::MediaEjected => {
                        with_timeout(t.bmc_step, name, system.eject_media()).await?;
                        Ok(())
                    }
                    Step::Done => Ok(()),
                }
            }
            .instrument(step_span.clone())
            .await;
            step_span.record("elapsed_ms", started.elapsed().as_millis() as u64);
            if let Err(e) = res {
                step_span.record("outcome", "failed");
                step_span.in_scope(|| tracing::warn!(error = %e, "step failed"));
                return Err(e.at_step(name, step.as_str()));
            }
            step_span.record("outcome", "done");
            step_span.in_scope(|| tracing::info!("step done"));
            st.completed = Some(step);
            self.save(name, &st)
                .await
                .map_err(|e| e.at_step(name, step.as_str()))?;
            let off_then_on = st.power_cycle.is_some_and(|c| c.is_off_then_on());
            if !matches!(step, Step::PowerOffSent | Step::PoweredOff) || off_then_on {
                steps_run.push(step);
            }
        }
        Ok(InstalledHost {
            name: name.to_string(),
            iso_url: url,
            iso_sha256: st.iso_sha256.clone(),
            steps_run,
            answered: st.answered.clone().unwrap_or_default(),
        })
    }

    /// Installs every host, at most `concurrency` at once, with progress; every server's outcome is
    /// in the report (failures name the server and the step).
    pub async fn install_all(
        &self,
        hosts: Vec<EsxiHost>,
        concurrency: usize,
        progress: Option<Arc<dyn ProgressSink>>,
    ) -> FanOutReport<InstalledHost> {
        let mut fan = FanOut::new(concurrency);
        if let Some(p) = progress {
            fan = fan.progress(p);
        }
        let me = self.clone();
        let targets: Vec<(String, EsxiHost)> =
            hosts.into_iter().map(|h| (h.name.clone(), h)).collect();
        fan.run(targets, move |(_, host), ctx| {
            let me = me.clone();
            async move {
                let report = |s: Step| ctx.step(s.as_str());
                me.install(&host, &report).await.map_err(Into::into)
            }
        })
        .await
    }
}

#[async_trait]
impl Provisioner for EsxiInstaller {
    type Spec = EsxiHost;
    type Resource = InstalledHost;

    async fn plan(&self, spec: &EsxiHost) -> hermes_core::Result<Plan> {
        let st = self.state(&spec.name).await?;
        let url = self.iso_url(spec)?;
        let same = st.iso_url.as_deref() == Some(url.as_str());
        let pending = |step: Step| !(same && st.completed.is_some_and(|c| c >= step));
        // Media and boot steps still to run: discover (read-only) how this BMC does them, so the plan
        // names the device, method and boot target, and a service lacking one fails here, by name
        // (virtual media first: a server without it is never power-cycled).
        let media_pending = pending(Step::MediaInserted) || pending(Step::BootOnce);
        let system = if media_pending || pending(Step::PowerCycled) {
            Some(
                spec.bmc
                    .find_system(&spec.system)
                    .await
                    .map_err(|e| e.at_step(&spec.name, "find system"))?,
            )
        } else {
            None
        };
        let found = match (&system, media_pending) {
            (Some(system), true) => Some(
                system
                    .discover_cd_boot()
                    .await
                    .map_err(|e| e.at_step(&spec.name, "discover virtual media"))?,
            ),
            _ => None,
        };
        // The power cycle: the one a resumed run already chose, else the one the system allows now.
        let cycle = match (&system, st.power_cycle) {
            (_, Some(how)) if same && !pending(Step::PowerOffSent) => Some(how),
            (Some(system), _) if pending(Step::PowerCycled) => Some(
                system
                    .power_cycle_method()
                    .await
                    .map_err(|e| e.at_step(&spec.name, "choose the power cycle"))?,
            ),
            _ => None,
        };
        let mut plan = Plan::new(spec.name.clone());
        for step in Step::ALL {
            if matches!(step, Step::PowerOffSent | Step::PowerCycleSent | Step::Done) {
                continue;
            }
            if step == Step::PoweredOff && !cycle.is_some_and(|c| c.is_off_then_on()) {
                continue;
            }
            let done = !pending(step);
            let action = if done { Action::Keep } else { Action::Run };
            let mut change = Change::new(action, step.as_str());
            if step == Step::MediaInserted && !done {
                change = change.command(match found.as_ref().map(|f| &f.insert) {
                    Some(InsertMethod::Action { target }) => {
                        format!("POST {target} InsertMedia {url}")
                    }
                    Some(InsertMethod::Patch { path }) => format!("PATCH {path} Image={url}"),
                    None => format!("InsertMedia {url}"),
                });
            }
            if step == Step::BootOnce && !done {
                if let Some(f) = &found {
                    change = change.command(format!(
                        "PATCH {} BootSourceOverrideTarget={} Once",
                        f.system, f.boot_target
                    ));
                }
            }
            if step == Step::PoweredOff && !done {
                if let Some(PowerCycle::OffThenOn { off, .. }) = cycle {
                    change = change.reason(format!(
                        "the server allows no restart: {off}, then wait until it reads Off"
                    ));
                }
            }
            if step == Step::PowerCycled && !done {
                change = change.reason(match cycle {
                    Some(PowerCycle::PowerOn { on }) => format!("powers the server on ({on})"),
                    Some(PowerCycle::Restart { reset, .. }) => {
                        format!("restarts the running server ({reset})")
                    }
                    Some(PowerCycle::OffThenOn { on, .. }) => {
                        format!("powers the server back on ({on})")
                    }
                    None => "powers the server on, or restarts it if it is on".to_string(),
                });
            }
            plan.push(change);
        }
        Ok(plan)
    }

    async fn provision(&self, spec: &EsxiHost) -> hermes_core::Result<InstalledHost> {
        Ok(self.install(spec, &|_| {}).await?)
    }
}

/// Where a server's state file lives under `state_dir` (for tools that inspect it).
pub fn state_file(state_dir: &Path, server: &str) -> PathBuf {
    state_dir.join(format!("{server}.json"))
}
