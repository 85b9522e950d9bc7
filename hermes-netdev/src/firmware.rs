//! Firmware compliance and upgrade planning for NX-OS, IOS / IOS-XE and FortiOS.
//!
//! 1. Read the running version: [`FirmwareStatus::from_output`] over a `show version` /
//!    `get system status` output (parsed by [`crate::show`]), or [`FirmwareStatus::read`] over SSH.
//! 2. State the standard: a [`FirmwarePolicy`] holds, per platform and model pattern, the target
//!    version, its image file and checksum, the image server and the maintenance window.
//! 3. [`compliance`] compares every device with its target ([`FirmwareReport`]): compliant, upgrade
//!    needed, newer than the target, unknown model or unreadable version.
//! 4. [`plan_upgrade`] lists the ordered steps with the exact commands for the platform: copy the
//!    image, verify its checksum, set the boot image, save, reload in the window, check the version
//!    (IOS-XE booted from `packages.conf` is upgraded with `install add file ... activate commit`).
//!
//! Versions compare as versions ([`FirmwareVersion`]), not as strings: `9.3(10)` is newer than
//! `9.3(8)`, `15.2(4)E10` than `15.2(4)E9`, `v7.0.12,build0523` than `v7.0.9,build0444`.
//!
//! Passwords (the image server's) are [`hermes_core::Secret`]s: plans and reports show
//! `<password>` in their place, and only [`UpgradeStep::wire_command`] /
//! [`UpgradeStep::prompt_answer`] expose them, where they are sent.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use hermes_core::pattern::glob_ignore_ascii_case;
use hermes_core::Secret;
use serde::Serialize;

use crate::cli::{CliSession, Platform};
use crate::error::{NetError, Result};
use crate::show::{parse_version, VersionSummary};

/// What stands in for a secret in plans, reports and logs.
pub const PASSWORD_PLACEHOLDER: &str = "<password>";

/// A software version, compared component by component: numbers as numbers, letters
/// alphabetically (ASCII case-insensitive), a version that is a prefix of another older
/// (`9.3(7)` < `9.3(7a)`). A FortiOS build (`,build0523`) is kept apart: it decides only when
/// both sides have one.
///
/// ```
/// use hermes_netdev::firmware::FirmwareVersion;
/// let v = |s| FirmwareVersion::parse(s).unwrap();
/// assert!(v("9.3(8)") < v("9.3(10)"));
/// assert!(v("7.0(3)I7(9)") < v("9.3(8)"));
/// assert!(v("15.2(4)E9") < v("15.2(4)E10"));
/// assert!(v("v7.0.9,build0444") < v("v7.0.12,build0523"));
/// assert!(v("17.06.05").same_release(&v("17.6.5")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FirmwareVersion {
    text: String,
    parts: Vec<Part>,
    build: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Part {
    Num(u64),
    Alpha(String),
}

impl FirmwareVersion {
    /// Parses `9.3(8)`, `7.0(3)I7(9)`, `10.4(4) [Maintenance Release]`, `15.2(4)E10`, `17.06.05`,
    /// `v7.0.12,build0523`, `v7.0.12,build0523,230616 (GA.M)`. `None` when there is no number.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        // Drop a trailing bracketed or parenthesised comment: `[Maintenance Release]`, `(GA.M)`.
        let core = text
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .trim_start_matches(['v', 'V']);
        let (core, build) = match core.to_ascii_lowercase().find(",build") {
            Some(i) => {
                let digits: String = core[i + ",build".len()..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                (&core[..i], digits.parse().ok())
            }
            None => (core, None),
        };
        let mut parts = Vec::new();
        let mut cur = String::new();
        let flush = |cur: &mut String, parts: &mut Vec<Part>| {
            if cur.is_empty() {
                return;
            }
            let p = match cur.parse::<u64>() {
                Ok(n) => Part::Num(n),
                Err(_) => Part::Alpha(cur.to_ascii_lowercase()),
            };
            parts.push(p);
            cur.clear();
        };
        for c in core.chars() {
            let same_kind = cur
                .chars()
                .last()
                .is_none_or(|l| l.is_ascii_digit() == c.is_ascii_digit());
            if !c.is_ascii_alphanumeric() {
                flush(&mut cur, &mut parts);
            } else {
                if !same_kind {
                    flush(&mut cur, &mut parts);
                }
                cur.push(c);
            }
        }
        flush(&mut cur, &mut parts);
        parts
            .iter()
            .any(|p| matches!(p, Part::Num(_)))
            .then(|| FirmwareVersion {
                text: text.to_string(),
                parts,
                build,
            })
    }

    /// The text it was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The FortiOS build number, when given.
    pub fn build(&self) -> Option<u64> {
        self.build
    }

    /// Same version, ignoring the build unless both sides give one (and leading zeros:
    /// `17.06.05` is `17.6.5`).
    pub fn same_release(&self, other: &Self) -> bool {
        self.cmp_release(other) == Ordering::Equal
    }

    /// Orders by version, then by build only when both sides give one.
    pub fn cmp_release(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| match (self.build, other.build) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => Ordering::Equal,
            })
    }
}

impl Ord for FirmwareVersion {
    /// A total order: version, then build (no build before any build), then the text.
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| self.build.cmp(&other.build))
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for FirmwareVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for FirmwareVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// An image checksum, as the platform verifies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Checksum {
    /// MD5 (32 hex digits): NX-OS `show file ... md5sum`, IOS `verify /md5`.
    Md5(String),
    /// SHA-512 (128 hex digits): NX-OS `show file ... sha512sum`, IOS-XE `verify /sha512`.
    Sha512(String),
}

impl Checksum {
    fn hex(&self) -> &str {
        match self {
            Checksum::Md5(h) | Checksum::Sha512(h) => h,
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Checksum::Md5(_) => "md5",
            Checksum::Sha512(_) => "sha512",
        }
    }
    fn check(&self) -> std::result::Result<(), String> {
        let want = match self {
            Checksum::Md5(_) => 32,
            Checksum::Sha512(_) => 128,
        };
        let h = self.hex();
        if h.len() == want && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(())
        } else {
            Err(format!(
                "{} checksum `{h}` is not {want} hex digits",
                self.name()
            ))
        }
    }
}

/// The target for one platform and model pattern.
#[derive(Debug, Clone)]
pub struct FirmwareTarget {
    platform: Platform,
    model: String,
    version: String,
    image: String,
    checksum: Option<Checksum>,
    file_system: Option<String>,
}

impl FirmwareTarget {
    /// `model` is a pattern matched against the model in `show version` (`*` any run, `?` one
    /// character, ASCII case-insensitive): `C93180YC-*`, `WS-C3750X-*`, `FortiGate-60F`, `*`.
    /// `version` is written as the device prints it; `image` is the file name on the image
    /// server and on the device.
    ///
    /// ```
    /// use hermes_netdev::{cli::Platform, firmware::FirmwareTarget};
    /// let t = FirmwareTarget::new(Platform::NxOs, "C93180YC-*", "9.3(10)", "nxos.9.3.10.bin")
    ///     .md5("3b8d1d1d4e8e0f5e7a1c3c3c9a6f1a2b");
    /// assert!(t.matches(Platform::NxOs, "C93180YC-EX"));
    /// ```
    pub fn new(
        platform: Platform,
        model: impl Into<String>,
        version: impl Into<String>,
        image: impl Into<String>,
    ) -> Self {
        FirmwareTarget {
            platform,
            model: model.into(),
            version: version.into(),
            image: image.into(),
            checksum: None,
            file_system: None,
        }
    }

    /// The image's MD5 (NX-OS, IOS).
    pub fn md5(mut self, hex: impl Into<String>) -> Self {
        self.checksum = Some(Checksum::Md5(hex.into().to_ascii_lowercase()));
        self
    }

    /// The image's SHA-512 (NX-OS, IOS-XE).
    pub fn sha512(mut self, hex: impl Into<String>) -> Self {
        self.checksum = Some(Checksum::Sha512(hex.into().to_ascii_lowercase()));
        self
    }

    /// Where the image goes on the device (default `bootflash:` on NX-OS, `flash:` on IOS;
    /// `bootflash:` on ASR 1000 / ISR 4000, `flash-1:` on a stack member...).
    ///
    /// ```
    /// use hermes_netdev::{cli::Platform, firmware::FirmwareTarget};
    /// let t = FirmwareTarget::new(Platform::Ios, "ASR1001*", "17.9.5", "asr1000.bin")
    ///     .file_system("bootflash:");
    /// assert_eq!(t.device_file(), "bootflash:asr1000.bin");
    /// ```
    pub fn file_system(mut self, fs: impl Into<String>) -> Self {
        let mut fs = fs.into();
        if !fs.ends_with(':') {
            fs.push(':');
        }
        self.file_system = Some(fs);
        self
    }

    /// The image's path on the device: `bootflash:nxos.9.3.10.bin`.
    pub fn device_file(&self) -> String {
        let fs = self.file_system.as_deref().unwrap_or(match self.platform {
            Platform::NxOs => "bootflash:",
            _ => "flash:",
        });
        format!("{fs}{}", self.image)
    }

    /// Whether this target applies to a device of `platform` and `model`.
    pub fn matches(&self, platform: Platform, model: &str) -> bool {
        self.platform == platform && glob_ignore_ascii_case(&self.model, model)
    }

    /// The target version as written.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The image file name.
    pub fn image(&self) -> &str {
        &self.image
    }

    /// The checksum, when given.
    pub fn checksum(&self) -> Option<&Checksum> {
        self.checksum.as_ref()
    }

    fn describe(&self) -> String {
        format!(
            "{} {} → {}",
            platform_name(self.platform),
            self.model,
            self.version
        )
    }
}

/// How the image reaches the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Transfer {
    /// `scp://` (NX-OS, IOS).
    Scp,
    /// `ftp://` (NX-OS, IOS), FortiOS `execute restore image ftp`.
    Ftp,
    /// `tftp://` (NX-OS, IOS), FortiOS `execute restore image tftp`.
    Tftp,
}

/// The server holding the images.
#[derive(Debug, Clone)]
pub struct ImageServer {
    transfer: Transfer,
    host: String,
    directory: String,
    user: Option<String>,
    password: Option<Secret>,
    vrf: Option<String>,
}

impl ImageServer {
    /// A server reached with `transfer` at `host` (name or address, `:port` allowed for FTP),
    /// images in `directory` (`/images`, or `""` for the login directory).
    ///
    /// ```
    /// use hermes_netdev::firmware::{ImageServer, Transfer};
    /// let s = ImageServer::new(Transfer::Scp, "10.0.0.9", "/images").user("fw").password("s3cret");
    /// assert!(!format!("{s:?}").contains("s3cret"));
    /// ```
    pub fn new(transfer: Transfer, host: impl Into<String>, directory: impl Into<String>) -> Self {
        ImageServer {
            transfer,
            host: host.into(),
            directory: directory.into(),
            user: None,
            password: None,
            vrf: None,
        }
    }

    /// The login user.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The login password (answered at the device's `Password:` prompt on Cisco, given inline
    /// to FortiOS' `execute restore image ftp`).
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The NX-OS VRF to copy through (`management`).
    pub fn vrf(mut self, vrf: impl Into<String>) -> Self {
        self.vrf = Some(vrf.into());
        self
    }

    fn path(&self, image: &str) -> String {
        let dir = self.directory.trim_matches('/');
        if dir.is_empty() {
            image.to_string()
        } else {
            format!("{dir}/{image}")
        }
    }

    fn url(&self, image: &str) -> String {
        let scheme = match self.transfer {
            Transfer::Scp => "scp",
            Transfer::Ftp => "ftp",
            Transfer::Tftp => "tftp",
        };
        let user = match (&self.user, self.transfer) {
            (Some(u), Transfer::Scp | Transfer::Ftp) => format!("{u}@"),
            _ => String::new(),
        };
        format!("{scheme}://{user}{}/{}", self.host, self.path(image))
    }
}

/// When disruptive steps (reload, image install) may run. The start's UTC offset is taken as the
/// device clock's (IOS `reload at` uses the device's local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaintenanceWindow {
    start: DateTime<FixedOffset>,
    length: Duration,
}

impl MaintenanceWindow {
    /// A window of `length` from `start`.
    ///
    /// ```
    /// use chrono::{DateTime, Duration};
    /// let start = DateTime::parse_from_rfc3339("2026-12-01T02:00:00+01:00").unwrap();
    /// let w = hermes_netdev::firmware::MaintenanceWindow::new(start, Duration::hours(2));
    /// assert_eq!(w.end().to_rfc3339(), "2026-12-01T04:00:00+01:00");
    /// ```
    pub fn new(start: DateTime<FixedOffset>, length: Duration) -> Self {
        MaintenanceWindow { start, length }
    }

    /// Start.
    pub fn start(&self) -> DateTime<FixedOffset> {
        self.start
    }

    /// End.
    pub fn end(&self) -> DateTime<FixedOffset> {
        self.start + self.length
    }
}

impl fmt::Display for MaintenanceWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} – {}",
            self.start.format("%Y-%m-%d %H:%M %:z"),
            self.end().format("%Y-%m-%d %H:%M %:z")
        )
    }
}

/// How NX-OS installs the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NxosInstall {
    /// `install all nxos bootflash:X` (checks compatibility, sets the boot variable, saves and
    /// reloads by itself).
    #[default]
    InstallAll,
    /// `boot nxos bootflash:X`, `copy running-config startup-config`, `reload`.
    BootAndReload,
}

/// How IOS schedules its reload into the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IosReload {
    /// `reload at hh:mm day month` (the device's clock).
    #[default]
    At,
    /// `reload in hhh:mm` counted from the time the plan is made.
    In,
}

/// The firmware standard: targets per platform and model, the image server and the window.
#[derive(Debug, Clone)]
pub struct FirmwarePolicy {
    targets: Vec<FirmwareTarget>,
    server: Option<ImageServer>,
    window: Option<MaintenanceWindow>,
    nxos_install: NxosInstall,
    ios_reload: IosReload,
}

/// Builds a [`FirmwarePolicy`].
#[derive(Debug, Clone, Default)]
pub struct FirmwarePolicyBuilder {
    targets: Vec<FirmwareTarget>,
    server: Option<ImageServer>,
    window: Option<MaintenanceWindow>,
    nxos_install: NxosInstall,
    ios_reload: IosReload,
}

impl FirmwarePolicy {
    /// Starts a policy.
    ///
    /// ```
    /// use hermes_netdev::{cli::Platform, firmware::*};
    /// let policy = FirmwarePolicy::builder()
    ///     .target(FirmwareTarget::new(Platform::NxOs, "C3064PQ", "9.3(10)", "nxos.9.3.10.bin")
    ///         .md5("0123456789abcdef0123456789abcdef"))
    ///     .target(FirmwareTarget::new(Platform::FortiOs, "FortiGate-*", "v7.2.8,build1639",
    ///         "FGT_60F-v7.2.8.M-build1639-FORTINET.out"))
    ///     .image_server(ImageServer::new(Transfer::Scp, "10.0.0.9", "/images").user("fw"))
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(policy.target_for(Platform::NxOs, "C3064PQ").unwrap().version(), "9.3(10)");
    /// ```
    pub fn builder() -> FirmwarePolicyBuilder {
        FirmwarePolicyBuilder::default()
    }

    /// The first target (in the order they were added) for this platform and model.
    pub fn target_for(&self, platform: Platform, model: &str) -> Option<&FirmwareTarget> {
        self.targets.iter().find(|t| t.matches(platform, model))
    }

    /// The maintenance window, when set.
    pub fn window(&self) -> Option<&MaintenanceWindow> {
        self.window.as_ref()
    }
}

impl FirmwarePolicyBuilder {
    /// Adds a target; the first that matches a device applies.
    pub fn target(mut self, t: FirmwareTarget) -> Self {
        self.targets.push(t);
        self
    }

    /// The image server.
    pub fn image_server(mut self, s: ImageServer) -> Self {
        self.server = Some(s);
        self
    }

    /// The maintenance window for reloads.
    pub fn window(mut self, w: MaintenanceWindow) -> Self {
        self.window = Some(w);
        self
    }

    /// How NX-OS installs (default `install all`).
    pub fn nxos_install(mut self, m: NxosInstall) -> Self {
        self.nxos_install = m;
        self
    }

    /// How IOS schedules its reload (default `reload at`).
    pub fn ios_reload(mut self, r: IosReload) -> Self {
        self.ios_reload = r;
        self
    }

    /// Checks every target (version readable, checksum well-formed, image named, pattern given)
    /// and the window (not empty).
    pub fn build(self) -> Result<FirmwarePolicy> {
        let mut problems = Vec::new();
        for t in &self.targets {
            let what = t.describe();
            if t.model.trim().is_empty() {
                problems.push(format!(
                    "target `{what}`: empty model pattern; use `*` to match every model"
                ));
            }
            if FirmwareVersion::parse(&t.version).is_none() {
                problems.push(format!(
                    "target `{what}`: version `{}` has no number; write it as the device prints it (`9.3(10)`, `15.2(4)E10`, `v7.0.12,build0523`)",
                    t.version
                ));
            }
            if t.image.trim().is_empty() || t.image.contains(char::is_whitespace) {
                problems.push(format!(
                    "target `{what}`: image file name `{}` is empty or has blanks",
                    t.image
                ));
            }
            if let Some(c) = &t.checksum {
                if let Err(e) = c.check() {
                    problems.push(format!("target `{what}`: {e}"));
                }
                if t.platform == Platform::FortiOs {
                    problems.push(format!(
                        "target `{what}`: FortiOS checks the image signature itself and has no checksum command; remove the checksum"
                    ));
                }
            }
        }
        if let Some(w) = &self.window {
            if w.length <= Duration::zero() {
                problems.push(format!(
                    "maintenance window {w} is empty; give it a positive length"
                ));
            }
        }
        if !problems.is_empty() {
            return Err(NetError::Invalid {
                target: "firmware policy".into(),
                problems,
            });
        }
        Ok(FirmwarePolicy {
            targets: self.targets,
            server: self.server,
            window: self.window,
            nxos_install: self.nxos_install,
            ios_reload: self.ios_reload,
        })
    }
}

/// The platform named `name` (`nxos`, `nx-os`, `cisco_nxos`, `ios`, `ios-xe`, `cisco_ios`,
/// `cisco_xe`, `fortios`, `fortinet`), for inventories that name the OS as text.
///
/// ```
/// use hermes_netdev::{cli::Platform, firmware::platform_named};
/// assert_eq!(platform_named("cisco_nxos", "leaf1").unwrap(), Platform::NxOs);
/// let err = platform_named("junos", "mx1").unwrap_err().to_string();
/// assert!(err.contains("mx1") && err.contains("junos"));
/// ```
pub fn platform_named(name: &str, device: &str) -> Result<Platform> {
    let n = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    match n.as_str() {
        "nxos" | "nx_os" | "cisco_nxos" => Ok(Platform::NxOs),
        "ios" | "ios_xe" | "iosxe" | "cisco_ios" | "cisco_xe" | "cisco_iosxe" => Ok(Platform::Ios),
        "fortios" | "fortinet" | "fortigate" => Ok(Platform::FortiOs),
        _ => Err(NetError::Invalid {
            target: device.to_string(),
            problems: vec![format!(
                "unknown dialect `{name}`: use one of nxos, ios (IOS and IOS-XE) or fortios"
            )],
        }),
    }
}

fn platform_name(p: Platform) -> &'static str {
    match p {
        Platform::NxOs => "NX-OS",
        Platform::Ios => "IOS",
        Platform::FortiOs => "FortiOS",
    }
}

/// What a device runs, from its version output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmwareStatus {
    /// The device (inventory name).
    pub device: String,
    /// What its version output says.
    pub summary: VersionSummary,
}

impl FirmwareStatus {
    /// From an already parsed version output.
    ///
    /// ```
    /// use hermes_netdev::{cli::Platform, firmware::FirmwareStatus, show};
    /// let summary = show::parse_version(Platform::Ios,
    ///     "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E3, RELEASE SOFTWARE (fc3)\n");
    /// let s = FirmwareStatus::new("access-1", summary);
    /// assert_eq!(s.summary.version.as_deref(), Some("15.2(7)E3"));
    /// ```
    pub fn new(device: impl Into<String>, summary: VersionSummary) -> Self {
        FirmwareStatus {
            device: device.into(),
            summary,
        }
    }

    /// From the text of `show version` (NX-OS, IOS) or `get system status` (FortiOS);
    /// `platform` as the inventory names it (see [`platform_named`]).
    ///
    /// ```
    /// let s = hermes_netdev::firmware::FirmwareStatus::from_output("fgt", "fortios",
    ///     "Version: FortiGate-60F v7.2.5,build1517,230606 (GA.F)\nHostname: fgt\n").unwrap();
    /// assert_eq!(s.summary.version.as_deref(), Some("v7.2.5,build1517"));
    /// assert!(hermes_netdev::firmware::FirmwareStatus::from_output("x", "eos", "").is_err());
    /// ```
    pub fn from_output(device: &str, platform: &str, output: &str) -> Result<Self> {
        let p = platform_named(platform, device)?;
        Ok(Self::new(device, parse_version(p, output)))
    }

    /// Runs the platform's version command on an open session and parses it.
    ///
    /// ```no_run
    /// # async fn demo() -> hermes_netdev::Result<()> {
    /// use hermes_netdev::cli::{CliSession, CliTarget, Platform};
    /// let target = CliTarget::new("n3k", "10.0.0.5:22", Platform::NxOs).credentials("admin", "pw");
    /// let mut s = CliSession::open(&target).await?;
    /// let status = hermes_netdev::firmware::FirmwareStatus::read(&mut s, Platform::NxOs).await?;
    /// println!("{:?}", status.summary.version);
    /// # Ok(()) }
    /// ```
    pub async fn read(session: &mut CliSession, platform: Platform) -> Result<Self> {
        let out = session.command(version_command(platform)).await?;
        let summary = parse_version(platform, &out);
        if summary.version.is_none() {
            return Err(NetError::Malformed {
                target: session.target().to_string(),
                detail: format!(
                    "`{}` printed no version line; is the platform right ({})?",
                    version_command(platform),
                    platform_name(platform)
                ),
            });
        }
        Ok(Self::new(session.target(), summary))
    }

    fn running(&self) -> Option<FirmwareVersion> {
        self.summary
            .version
            .as_deref()
            .and_then(FirmwareVersion::parse)
    }
}

/// The command that prints the running version: `show version` or `get system status`.
///
/// ```
/// use hermes_netdev::{cli::Platform, firmware::version_command};
/// assert_eq!(version_command(Platform::FortiOs), "get system status");
/// ```
pub fn version_command(platform: Platform) -> &'static str {
    match platform {
        Platform::NxOs | Platform::Ios => "show version",
        Platform::FortiOs => "get system status",
    }
}

/// Where a device stands against the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Compliance {
    /// Runs the target version.
    Compliant,
    /// Runs an older version than the target.
    UpgradeNeeded,
    /// Runs a newer version than the target (reported, nothing planned).
    NewerThanTarget,
    /// No target matches its platform and model (or the model could not be read).
    UnknownModel,
    /// The version output had no readable version.
    UnknownVersion,
}

impl fmt::Display for Compliance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compliance::Compliant => "compliant",
            Compliance::UpgradeNeeded => "upgrade needed",
            Compliance::NewerThanTarget => "newer than target",
            Compliance::UnknownModel => "unknown model",
            Compliance::UnknownVersion => "unknown version",
        })
    }
}

/// One device in a [`FirmwareReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmwareEntry {
    /// The device.
    pub device: String,
    /// Its platform.
    pub platform: Platform,
    /// Its model, when read.
    pub model: Option<String>,
    /// The running version, when read.
    pub running: Option<String>,
    /// The target version, when a target matches.
    pub target: Option<String>,
    /// The verdict.
    pub state: Compliance,
}

/// The fleet's firmware compliance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmwareReport {
    /// One entry per device, in the order given.
    pub entries: Vec<FirmwareEntry>,
}

impl FirmwareReport {
    /// Entries in `state`.
    pub fn in_state(&self, state: Compliance) -> impl Iterator<Item = &FirmwareEntry> {
        self.entries.iter().filter(move |e| e.state == state)
    }

    /// Whether every device runs its target.
    pub fn all_compliant(&self) -> bool {
        self.entries
            .iter()
            .all(|e| e.state == Compliance::Compliant)
    }
}

impl fmt::Display for FirmwareReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<16} {:<8} {:<18} {:<22} {:<22} state",
            "device", "platform", "model", "running", "target"
        )?;
        for e in &self.entries {
            writeln!(
                f,
                "{:<16} {:<8} {:<18} {:<22} {:<22} {}",
                e.device,
                platform_name(e.platform),
                e.model.as_deref().unwrap_or("?"),
                e.running.as_deref().unwrap_or("?"),
                e.target.as_deref().unwrap_or("-"),
                e.state
            )?;
        }
        Ok(())
    }
}

/// Compares every device's running version with its target.
///
/// ```
/// use hermes_netdev::{cli::Platform, firmware::*};
/// let policy = FirmwarePolicy::builder()
///     .target(FirmwareTarget::new(Platform::Ios, "WS-C3750X-*", "15.2(4)E10", "c3750e.bin")
///         .md5("0123456789abcdef0123456789abcdef"))
///     .build().unwrap();
/// let old = FirmwareStatus::from_output("sw1", "ios",
///     "Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E9, RELEASE SOFTWARE (fc2)\n\
///      cisco WS-C3750X-48P (PowerPC405) processor (revision A0) with 262144K bytes of memory.\n").unwrap();
/// let report = compliance(&policy, &[old]);
/// assert_eq!(report.entries[0].state, Compliance::UpgradeNeeded);
/// ```
pub fn compliance(policy: &FirmwarePolicy, devices: &[FirmwareStatus]) -> FirmwareReport {
    let entries = devices
        .iter()
        .map(|d| {
            let s = &d.summary;
            let target = s
                .model
                .as_deref()
                .and_then(|m| policy.target_for(s.platform, m));
            let state = match (target, d.running()) {
                (_, None) => Compliance::UnknownVersion,
                (None, Some(_)) => Compliance::UnknownModel,
                (Some(t), Some(running)) => {
                    // `build()` checked that every target version parses.
                    let want = FirmwareVersion::parse(&t.version)
                        .expect("target versions are checked by the builder");
                    match running.cmp_release(&want) {
                        Ordering::Equal => Compliance::Compliant,
                        Ordering::Less => Compliance::UpgradeNeeded,
                        Ordering::Greater => Compliance::NewerThanTarget,
                    }
                }
            };
            FirmwareEntry {
                device: d.device.clone(),
                platform: s.platform,
                model: s.model.clone(),
                running: s.version.clone(),
                target: target.map(|t| t.version.clone()),
                state,
            }
        })
        .collect();
    FirmwareReport { entries }
}

/// When a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Phase {
    /// Before the window, no impact on traffic (copy, verify, scheduling).
    Stage,
    /// In the window: disruptive (install, reload).
    Window,
    /// After the reload: check the result.
    Verify,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Stage => "stage",
            Phase::Window => "window",
            Phase::Verify => "verify",
        })
    }
}

/// One step of an [`UpgradePlan`]: a command, what its output must show, the answers to its
/// confirmation prompts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradeStep {
    /// When it runs.
    pub phase: Phase,
    /// What it does.
    pub what: String,
    /// The command line, with [`PASSWORD_PLACEHOLDER`] where a password goes inline.
    pub command: String,
    /// Text the output must contain for the step to have succeeded (a checksum, a version).
    pub expect: Option<String>,
    /// Whether it is a configuration-mode line (sent inside `configure terminal` ... `end`).
    pub config: bool,
    password: Option<Secret>,
}

impl UpgradeStep {
    fn exec(phase: Phase, what: impl Into<String>, command: impl Into<String>) -> Self {
        UpgradeStep {
            phase,
            what: what.into(),
            command: command.into(),
            expect: None,
            config: false,
            password: None,
        }
    }

    fn expect(mut self, e: impl Into<String>) -> Self {
        self.expect = Some(e.into());
        self
    }

    /// The command as it must be sent, the password in place of [`PASSWORD_PLACEHOLDER`]. Send it,
    /// never log it.
    pub fn wire_command(&self) -> String {
        match &self.password {
            Some(p) if self.command.contains(PASSWORD_PLACEHOLDER) => {
                self.command.replace(PASSWORD_PLACEHOLDER, p.expose())
            }
            _ => self.command.clone(),
        }
    }

    /// The password to answer at the device's `Password:` prompt (Cisco `copy scp://`), when
    /// the step needs one.
    pub fn prompt_answer(&self) -> Option<&Secret> {
        self.password
            .as_ref()
            .filter(|_| !self.command.contains(PASSWORD_PLACEHOLDER))
    }
}

impl fmt::Display for UpgradeStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}: `{}`", self.phase, self.what, self.command)?;
        if let Some(e) = &self.expect {
            write!(f, " (expect `{e}`)")?;
        }
        if self.prompt_answer().is_some() {
            f.write_str(" (password at the prompt)")?;
        }
        Ok(())
    }
}

/// The ordered steps that bring one device to its target version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpgradePlan {
    /// The device.
    pub device: String,
    /// Its platform.
    pub platform: Platform,
    /// The running version.
    pub from: String,
    /// The target version.
    pub to: String,
    /// The window the disruptive steps are planned in.
    pub window: Option<MaintenanceWindow>,
    /// The steps, in order (empty when the device already runs the target or a newer version).
    pub steps: Vec<UpgradeStep>,
}

impl UpgradePlan {
    /// The command lines in order, passwords as [`PASSWORD_PLACEHOLDER`].
    pub fn commands(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.command.as_str()).collect()
    }
}

impl fmt::Display for UpgradePlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {} → {}",
            self.device,
            platform_name(self.platform),
            self.from,
            self.to
        )?;
        if let Some(w) = &self.window {
            write!(f, ", window {w}")?;
        }
        writeln!(f)?;
        if self.steps.is_empty() {
            writeln!(f, "  nothing to do")?;
        }
        for (i, s) in self.steps.iter().enumerate() {
            writeln!(f, "  {:>2}. {s}", i + 1)?;
        }
        Ok(())
    }
}

/// Plans the upgrade of one device to its target, at time `now` (a window that has ended is an
/// error; one that has started makes the reload immediate).
///
/// Errors ([`NetError::Invalid`], naming the device): no target for its model, an unreadable
/// version, no image server, a Cisco target without checksum, a transfer the platform cannot
/// use, a window that has already ended (or, on IOS, starts more than 24 days ahead).
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use hermes_netdev::{cli::Platform, firmware::*};
/// let start = DateTime::parse_from_rfc3339("2026-12-01T02:00:00+00:00").unwrap();
/// let policy = FirmwarePolicy::builder()
///     .target(FirmwareTarget::new(Platform::Ios, "WS-C3750X-*", "15.2(4)E10",
///         "c3750e-universalk9-mz.152-4.E10.bin").md5("0123456789abcdef0123456789abcdef"))
///     .image_server(ImageServer::new(Transfer::Scp, "10.0.0.9", "/images").user("fw").password("pw"))
///     .window(MaintenanceWindow::new(start, Duration::hours(2)))
///     .build().unwrap();
/// let sw = FirmwareStatus::from_output("sw1", "ios",
///     "Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E9, RELEASE SOFTWARE (fc2)\n\
///      cisco WS-C3750X-48P (PowerPC405) processor (revision A0) with 262144K bytes of memory.\n").unwrap();
/// let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z").unwrap().with_timezone(&Utc);
/// let plan = plan_upgrade(&policy, &sw, now).unwrap();
/// assert_eq!(plan.commands(), [
///     "copy scp://fw@10.0.0.9/images/c3750e-universalk9-mz.152-4.E10.bin flash:c3750e-universalk9-mz.152-4.E10.bin",
///     "verify /md5 flash:c3750e-universalk9-mz.152-4.E10.bin 0123456789abcdef0123456789abcdef",
///     "no boot system",
///     "boot system flash:c3750e-universalk9-mz.152-4.E10.bin",
///     "write memory",
///     "reload at 02:00 1 Dec",
///     "show version",
/// ]);
/// assert!(!plan.to_string().contains("pw@") && !format!("{plan:?}").contains("\"pw\""));
/// ```
pub fn plan_upgrade(
    policy: &FirmwarePolicy,
    device: &FirmwareStatus,
    now: DateTime<Utc>,
) -> Result<UpgradePlan> {
    let s = &device.summary;
    let name = device.device.as_str();
    let invalid = |p: String| NetError::Invalid {
        target: name.to_string(),
        problems: vec![p],
    };
    let model = s.model.as_deref().ok_or_else(|| {
        invalid(format!(
            "the {} output gave no model; check that `{}` prints the hardware section",
            platform_name(s.platform),
            version_command(s.platform)
        ))
    })?;
    let target = policy.target_for(s.platform, model).ok_or_else(|| {
        invalid(format!(
            "no firmware target matches {} model `{model}`; add a FirmwareTarget for it",
            platform_name(s.platform)
        ))
    })?;
    let running = device.running().ok_or_else(|| {
        invalid(format!(
            "no running version in its `{}` output; read it again",
            version_command(s.platform)
        ))
    })?;
    let want = FirmwareVersion::parse(&target.version)
        .expect("target versions are checked by the builder");
    let mut plan = UpgradePlan {
        device: name.to_string(),
        platform: s.platform,
        from: running.to_string(),
        to: target.version.clone(),
        window: policy.window,
        steps: Vec::new(),
    };
    if running.cmp_release(&want) != Ordering::Less {
        return Ok(plan);
    }
    if let Some(w) = &policy.window {
        if w.end().with_timezone(&Utc) <= now {
            return Err(invalid(format!(
                "maintenance window {w} ended before now ({}); give a window that ends in the future",
                now.format("%Y-%m-%d %H:%M UTC")
            )));
        }
    }
    let server = policy.server.as_ref().ok_or_else(|| {
        invalid("the firmware policy has no image server; set one with .image_server(..)".into())
    })?;
    let in_window_now = policy
        .window
        .is_none_or(|w| w.start().with_timezone(&Utc) <= now);
    let image = target.image.as_str();
    let file = target.device_file();
    match s.platform {
        Platform::NxOs | Platform::Ios => {
            let sum = target.checksum.as_ref().ok_or_else(|| {
                invalid(format!(
                    "target `{}` has no checksum, so the copied image cannot be verified; add .md5(..) or .sha512(..)",
                    target.describe()
                ))
            })?;
            let mut copy = UpgradeStep::exec(
                Phase::Stage,
                "copy the image",
                if s.platform == Platform::NxOs {
                    let vrf = server
                        .vrf
                        .as_deref()
                        .map(|v| format!(" vrf {v}"))
                        .unwrap_or_default();
                    format!("copy {} {file}{vrf}", server.url(image))
                } else {
                    format!("copy {} {file}", server.url(image))
                },
            );
            copy.password = server.password.clone();
            plan.steps.push(copy);
            if s.platform == Platform::NxOs {
                plan_nxos(&mut plan, policy.nxos_install, &file, sum, &target.version);
            } else {
                // IOS-XE in install mode boots `packages.conf`: the image is installed, not booted.
                let install_mode = s
                    .image
                    .as_deref()
                    .is_some_and(|i| i.ends_with("packages.conf"));
                if install_mode {
                    plan_iosxe_install(&mut plan, &file, sum);
                } else {
                    plan_ios(&mut plan, policy, &file, sum, in_window_now, now)?;
                }
            }
        }
        Platform::FortiOs => {
            let cmd = match server.transfer {
                Transfer::Ftp => {
                    let user = server.user.as_deref().ok_or_else(|| {
                        invalid("FortiOS FTP restore needs a user; set ImageServer::user".into())
                    })?;
                    if server.password.is_none() {
                        return Err(invalid(
                            "FortiOS FTP restore takes the password on its command line; set ImageServer::password (any text for an anonymous server)"
                                .into(),
                        ));
                    }
                    format!(
                        "execute restore image ftp {} {} {user} {PASSWORD_PLACEHOLDER}",
                        server.path(image),
                        server.host
                    )
                }
                Transfer::Tftp => {
                    format!("execute restore image tftp {} {}", server.path(image), server.host)
                }
                Transfer::Scp => {
                    return Err(invalid(
                        "FortiOS restores images over FTP or TFTP, not SCP; use Transfer::Ftp or Transfer::Tftp"
                            .into(),
                    ))
                }
            };
            let mut restore = UpgradeStep::exec(
                Phase::Window,
                "install the image and reboot (answer `y` to the confirmation)",
                cmd,
            );
            restore.password = server.password.clone();
            plan.steps.push(restore);
            plan.steps.push(
                UpgradeStep::exec(
                    Phase::Verify,
                    "check the running version",
                    "get system status",
                )
                .expect(target.version.clone()),
            );
        }
    }
    Ok(plan)
}

fn plan_nxos(plan: &mut UpgradePlan, how: NxosInstall, file: &str, sum: &Checksum, to: &str) {
    plan.steps.push(
        UpgradeStep::exec(
            Phase::Stage,
            "verify the image checksum",
            format!("show file {file} {}sum", sum.name()),
        )
        .expect(sum.hex()),
    );
    match how {
        NxosInstall::InstallAll => {
            plan.steps.push(UpgradeStep::exec(
                Phase::Stage,
                "check the install impact (no change)",
                format!("show install all impact nxos {file}"),
            ));
            plan.steps.push(UpgradeStep::exec(
                Phase::Window,
                "install, set the boot variable, save and reload (answer `y`)",
                format!("install all nxos {file}"),
            ));
        }
        NxosInstall::BootAndReload => {
            let mut boot = UpgradeStep::exec(
                Phase::Window,
                "set the boot image",
                format!("boot nxos {file}"),
            );
            boot.config = true;
            plan.steps.push(boot);
            plan.steps.push(UpgradeStep::exec(
                Phase::Window,
                "save the configuration",
                "copy running-config startup-config",
            ));
            plan.steps.push(UpgradeStep::exec(
                Phase::Window,
                "reload (answer `y`)",
                "reload",
            ));
        }
    }
    plan.steps.push(
        UpgradeStep::exec(Phase::Verify, "check the running version", "show version")
            .expect(to.split_whitespace().next().unwrap_or(to)),
    );
}

/// IOS-XE in install mode: `install add file flash:X activate commit` (reloads by itself).
fn plan_iosxe_install(plan: &mut UpgradePlan, file: &str, sum: &Checksum) {
    plan.steps.push(
        UpgradeStep::exec(
            Phase::Stage,
            "verify the image checksum",
            format!("verify /{} {file} {}", sum.name(), sum.hex()),
        )
        .expect("Verified"),
    );
    plan.steps.push(UpgradeStep::exec(
        Phase::Stage,
        "remove inactive packages to make room (answer `y`)",
        "install remove inactive",
    ));
    plan.steps.push(UpgradeStep::exec(
        Phase::Window,
        "install (install mode: packages.conf), activate and reload, then commit (answer `y`)",
        format!("install add file {file} activate commit"),
    ));
    plan.steps.push(
        UpgradeStep::exec(Phase::Verify, "check the running version", "show version")
            .expect(plan.to.clone()),
    );
}

/// How far ahead IOS accepts `reload at` / `reload in` (a signed 32-bit millisecond timer).
const IOS_RELOAD_HORIZON_DAYS: i64 = 24;

fn plan_ios(
    plan: &mut UpgradePlan,
    policy: &FirmwarePolicy,
    file: &str,
    sum: &Checksum,
    in_window_now: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if let (Some(w), false) = (policy.window, in_window_now) {
        if w.start().with_timezone(&Utc) - now > Duration::days(IOS_RELOAD_HORIZON_DAYS) {
            return Err(NetError::Invalid {
                target: plan.device.clone(),
                problems: vec![format!(
                    "maintenance window {w} starts more than {IOS_RELOAD_HORIZON_DAYS} days after now ({}), beyond what IOS `reload at` accepts; plan again within {IOS_RELOAD_HORIZON_DAYS} days of the window",
                    now.format("%Y-%m-%d %H:%M UTC")
                )],
            });
        }
    }
    plan.steps.push(
        UpgradeStep::exec(
            Phase::Stage,
            "verify the image checksum",
            format!("verify /{} {file} {}", sum.name(), sum.hex()),
        )
        .expect("Verified"),
    );
    for line in ["no boot system".to_string(), format!("boot system {file}")] {
        let mut s = UpgradeStep::exec(Phase::Stage, "set the boot image", line);
        s.config = true;
        plan.steps.push(s);
    }
    plan.steps.push(UpgradeStep::exec(
        Phase::Stage,
        "save the configuration",
        "write memory",
    ));
    let reload = match (policy.window, in_window_now) {
        (Some(w), false) => match policy.ios_reload {
            IosReload::At => UpgradeStep::exec(
                Phase::Stage,
                "schedule the reload at the window's start (device clock)",
                format!("reload at {}", w.start().format("%H:%M %-d %b")),
            ),
            IosReload::In => {
                let mins = (w.start().with_timezone(&Utc) - now).num_minutes().max(1);
                UpgradeStep::exec(
                    Phase::Stage,
                    "schedule the reload at the window's start",
                    format!("reload in {}:{:02}", mins / 60, mins % 60),
                )
            }
        },
        _ => UpgradeStep::exec(Phase::Window, "reload (confirm)", "reload"),
    };
    plan.steps.push(reload);
    plan.steps.push(
        UpgradeStep::exec(Phase::Verify, "check the running version", "show version")
            .expect(plan.to.clone()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> FirmwareVersion {
        FirmwareVersion::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn versions_order_as_versions() {
        let ordered = [
            "5.2(1)N1(9)",
            "6.1(2)I3(5)",
            "7.0(3)I4(8)",
            "7.0(3)I7(9)",
            "7.0(3)I7(10)",
            "9.3(7)",
            "9.3(7a)",
            "9.3(8)",
            "9.3(10)",
            "10.2(3)",
            "10.4(4) [Maintenance Release]",
        ];
        for w in ordered.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
            assert_eq!(v(w[0]).cmp_release(&v(w[1])), Ordering::Less);
        }
        assert!("9.3(10)" < "9.3(8)", "string compare would get this wrong");
        let ios = [
            "12.2(55)SE9",
            "12.2(55)SE12",
            "15.0(2)SE11",
            "15.2(4)E9",
            "15.2(4)E10",
            "15.2(7)E3",
            "16.6.4",
            "16.12.5",
            "17.3.4a",
            "17.6.5",
        ];
        for w in ios.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        let forti = [
            "v6.4.9,build1966",
            "v7.0.9,build0444",
            "v7.0.12,build0523",
            "v7.0.14,build0601",
            "v7.2.5,build1517",
            "v7.4.3,build2573",
        ];
        for w in forti.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert!(v("17.06.05").same_release(&v("17.6.5")));
        assert!(v("v7.0.12").same_release(&v("v7.0.12,build0523")));
        assert!(!v("v7.0.12,build0523").same_release(&v("v7.0.12,build0524")));
        assert_eq!(v("v7.2.5,build1517,230606 (GA.F)").build(), Some(1517));
        assert!(FirmwareVersion::parse("unknown").is_none());
        assert!(FirmwareVersion::parse("").is_none());
    }

    #[test]
    fn glob_patterns() {
        let glob = glob_ignore_ascii_case;
        assert!(glob("C93180YC-*", "c93180yc-ex"));
        assert!(glob("*", "anything"));
        assert!(glob("WS-C3750?-48P", "WS-C3750X-48P"));
        assert!(!glob("WS-C3750X-*", "WS-C3850-48U"));
        assert!(glob("*-60F", "FortiGate-60F"));
        assert!(!glob("FortiGate-60F", "FortiGate-60F-POE"));
    }

    fn nx(version: &str) -> FirmwareStatus {
        FirmwareStatus::from_output(
            "n3k",
            "nxos",
            &format!(
                "  NXOS: version {version}\n  NXOS image file is: bootflash:///nxos.bin\n\
                 Hardware\n  cisco Nexus3000 C3064PQ Chassis\n  Device name: n3k\n"
            ),
        )
        .unwrap()
    }

    fn nx_policy(window: Option<MaintenanceWindow>, how: NxosInstall) -> FirmwarePolicy {
        let mut b = FirmwarePolicy::builder()
            .target(
                FirmwareTarget::new(Platform::NxOs, "C3064*", "9.3(10)", "nxos.9.3.10.bin")
                    .sha512("ab".repeat(64)),
            )
            .image_server(
                ImageServer::new(Transfer::Scp, "10.0.0.9", "/images/")
                    .user("fw")
                    .password("hunter2")
                    .vrf("management"),
            )
            .nxos_install(how);
        if let Some(w) = window {
            b = b.window(w);
        }
        b.build().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn compliance_report() {
        let policy = nx_policy(None, NxosInstall::InstallAll);
        let mut unknown = nx("9.3(10)");
        unknown.summary.model = Some("C9336C-FX2".into());
        let mut no_version = nx("9.3(10)");
        no_version.summary.version = None;
        let fgt = FirmwareStatus::from_output(
            "fgt",
            "fortios",
            "Version: FortiGate-60F v7.2.5,build1517,230606 (GA.F)\n",
        )
        .unwrap();
        let report = compliance(
            &policy,
            &[
                nx("9.3(8)"),
                nx("9.3(10)"),
                nx("10.2(3)"),
                unknown,
                no_version,
                fgt,
            ],
        );
        let states: Vec<_> = report.entries.iter().map(|e| e.state).collect();
        assert_eq!(
            states,
            [
                Compliance::UpgradeNeeded,
                Compliance::Compliant,
                Compliance::NewerThanTarget,
                Compliance::UnknownModel,
                Compliance::UnknownVersion,
                Compliance::UnknownModel,
            ]
        );
        assert_eq!(report.entries[0].running.as_deref(), Some("9.3(8)"));
        assert_eq!(report.entries[0].target.as_deref(), Some("9.3(10)"));
        assert!(!report.all_compliant());
        assert_eq!(report.in_state(Compliance::UpgradeNeeded).count(), 1);
        assert!(report.to_string().contains("upgrade needed"));
    }

    #[test]
    fn nxos_plans() {
        let now = at("2026-11-30T12:00:00Z");
        let plan = plan_upgrade(
            &nx_policy(None, NxosInstall::InstallAll),
            &nx("9.3(8)"),
            now,
        )
        .unwrap();
        let sum = "ab".repeat(64);
        assert_eq!(
            plan.commands(),
            [
                "copy scp://fw@10.0.0.9/images/nxos.9.3.10.bin bootflash:nxos.9.3.10.bin vrf management",
                "show file bootflash:nxos.9.3.10.bin sha512sum",
                "show install all impact nxos bootflash:nxos.9.3.10.bin",
                "install all nxos bootflash:nxos.9.3.10.bin",
                "show version",
            ]
        );
        assert_eq!(plan.steps[1].expect.as_deref(), Some(sum.as_str()));
        assert_eq!(
            plan.steps[0].prompt_answer().map(|s| s.expose()),
            Some("hunter2")
        );
        assert_eq!(plan.steps[0].wire_command(), plan.steps[0].command);
        for shown in [plan.to_string(), format!("{plan:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        let plan = plan_upgrade(
            &nx_policy(None, NxosInstall::BootAndReload),
            &nx("7.0(3)I7(9)"),
            now,
        )
        .unwrap();
        assert_eq!(
            plan.commands()[2..],
            [
                "boot nxos bootflash:nxos.9.3.10.bin",
                "copy running-config startup-config",
                "reload",
                "show version"
            ]
        );
        assert!(plan.steps[2].config);
        // Already there: nothing to do.
        assert!(plan_upgrade(
            &nx_policy(None, NxosInstall::InstallAll),
            &nx("9.3(10)"),
            now
        )
        .unwrap()
        .steps
        .is_empty());
    }

    #[test]
    fn bad_input_names_device_and_fix() {
        let now = at("2026-11-30T12:00:00Z");
        let past = MaintenanceWindow::new(
            DateTime::parse_from_rfc3339("2026-11-29T02:00:00+00:00").unwrap(),
            Duration::hours(2),
        );
        let err = plan_upgrade(
            &nx_policy(Some(past), NxosInstall::InstallAll),
            &nx("9.3(8)"),
            now,
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("n3k") && msg.contains("ended") && msg.contains("future"),
            "{msg}"
        );
        assert_eq!(
            hermes_core::Classify::kind(&err),
            hermes_core::ErrorKind::InvalidInput
        );

        let no_sum = FirmwarePolicy::builder()
            .target(FirmwareTarget::new(
                Platform::NxOs,
                "*",
                "9.3(10)",
                "nxos.9.3.10.bin",
            ))
            .image_server(ImageServer::new(Transfer::Scp, "h", ""))
            .build()
            .unwrap();
        let msg = plan_upgrade(&no_sum, &nx("9.3(8)"), now)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("n3k") && msg.contains("checksum") && msg.contains(".md5("),
            "{msg}"
        );

        let mut other = nx("9.3(8)");
        other.summary.model = Some("C9508".into());
        let msg = plan_upgrade(&nx_policy(None, NxosInstall::InstallAll), &other, now)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("n3k") && msg.contains("C9508") && msg.contains("add a FirmwareTarget"),
            "{msg}"
        );

        let msg = FirmwarePolicy::builder()
            .target(FirmwareTarget::new(Platform::Ios, "*", "latest", "x.bin").md5("123"))
            .build()
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("latest") && msg.contains("32 hex digits"),
            "{msg}"
        );
        let msg = FirmwareStatus::from_output("mx1", "junos", "")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("mx1") && msg.contains("unknown dialect `junos`"),
            "{msg}"
        );
    }

    #[test]
    fn ios_reload_in_and_immediate() {
        let start = DateTime::parse_from_rfc3339("2026-12-01T02:00:00+01:00").unwrap();
        let policy = |r| {
            FirmwarePolicy::builder()
                .target(
                    FirmwareTarget::new(
                        Platform::Ios,
                        "C9500-*",
                        "17.9.5",
                        "cat9k_iosxe.17.09.05.SPA.bin",
                    )
                    .sha512("cd".repeat(64)),
                )
                .image_server(ImageServer::new(Transfer::Tftp, "10.0.0.9", ""))
                .window(MaintenanceWindow::new(start, Duration::hours(3)))
                .ios_reload(r)
                .build()
                .unwrap()
        };
        let sw = FirmwareStatus::new(
            "core1",
            VersionSummary {
                platform: Platform::Ios,
                hostname: None,
                version: Some("16.12.5".into()),
                model: Some("C9500-24Y4C".into()),
                image: None,
                serial: None,
            },
        );
        let plan = plan_upgrade(&policy(IosReload::In), &sw, at("2026-11-30T23:30:00Z")).unwrap();
        let cmds = plan.commands();
        assert_eq!(
            cmds[0],
            "copy tftp://10.0.0.9/cat9k_iosxe.17.09.05.SPA.bin flash:cat9k_iosxe.17.09.05.SPA.bin"
        );
        assert_eq!(
            cmds[1],
            format!(
                "verify /sha512 flash:cat9k_iosxe.17.09.05.SPA.bin {}",
                "cd".repeat(64)
            )
        );
        assert_eq!(cmds[5], "reload in 1:30");
        let mut asr = policy(IosReload::In);
        asr.targets[0] = asr.targets[0].clone().file_system("bootflash");
        let plan = plan_upgrade(&asr, &sw, at("2026-11-30T23:30:00Z")).unwrap();
        let verify = format!(
            "verify /sha512 bootflash:cat9k_iosxe.17.09.05.SPA.bin {}",
            "cd".repeat(64)
        );
        assert_eq!(
            plan.commands()[..4],
            [
                "copy tftp://10.0.0.9/cat9k_iosxe.17.09.05.SPA.bin bootflash:cat9k_iosxe.17.09.05.SPA.bin",
                verify.as_str(),
                "no boot system",
                "boot system bootflash:cat9k_iosxe.17.09.05.SPA.bin",
            ]
        );
        let plan = plan_upgrade(&policy(IosReload::At), &sw, at("2026-11-30T23:30:00Z")).unwrap();
        assert_eq!(plan.commands()[5], "reload at 02:00 1 Dec");
        // Too far ahead for IOS' reload timer.
        let msg = plan_upgrade(&policy(IosReload::At), &sw, at("2026-11-01T00:00:00Z"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("core1") && msg.contains("24 days"), "{msg}");
        // IOS-XE in install mode installs the image instead of booting it.
        let mut xe = sw.clone();
        xe.summary.image = Some("packages.conf".into());
        let plan = plan_upgrade(&policy(IosReload::At), &xe, at("2026-11-30T23:30:00Z")).unwrap();
        assert_eq!(
            plan.commands()[2..],
            [
                "install remove inactive",
                "install add file flash:cat9k_iosxe.17.09.05.SPA.bin activate commit",
                "show version"
            ]
        );
        assert_eq!(plan.steps[3].phase, Phase::Window);
        // Inside the window: reload now.
        let plan = plan_upgrade(&policy(IosReload::At), &sw, at("2026-12-01T01:30:00Z")).unwrap();
        assert_eq!(plan.steps[5].command, "reload");
        assert_eq!(plan.steps[5].phase, Phase::Window);
    }

    #[test]
    fn fortios_plan_keeps_the_password_out() {
        let policy = FirmwarePolicy::builder()
            .target(FirmwareTarget::new(
                Platform::FortiOs,
                "FortiGate-60F",
                "v7.2.8,build1639",
                "FGT_60F-v7.2.8.M-build1639-FORTINET.out",
            ))
            .image_server(
                ImageServer::new(Transfer::Ftp, "10.0.0.9", "/fw")
                    .user("ftpuser")
                    .password("s3cr3t!"),
            )
            .build()
            .unwrap();
        let fgt = FirmwareStatus::from_output(
            "fgt",
            "fortinet",
            "Version: FortiGate-60F v7.2.5,build1517,230606 (GA.F)\nHostname: fgt\n",
        )
        .unwrap();
        let plan = plan_upgrade(&policy, &fgt, at("2026-11-30T12:00:00Z")).unwrap();
        assert_eq!(
            plan.commands(),
            [
                "execute restore image ftp fw/FGT_60F-v7.2.8.M-build1639-FORTINET.out 10.0.0.9 ftpuser <password>",
                "get system status"
            ]
        );
        assert_eq!(
            plan.steps[0].wire_command(),
            "execute restore image ftp fw/FGT_60F-v7.2.8.M-build1639-FORTINET.out 10.0.0.9 ftpuser s3cr3t!"
        );
        assert!(plan.steps[0].prompt_answer().is_none());
        for shown in [plan.to_string(), format!("{plan:?}"), format!("{policy:?}")] {
            assert!(!shown.contains("s3cr3t"), "{shown}");
        }
        assert_eq!(plan.steps[1].expect.as_deref(), Some("v7.2.8,build1639"));

        let scp = FirmwarePolicy::builder()
            .target(FirmwareTarget::new(
                Platform::FortiOs,
                "*",
                "v7.2.8,build1639",
                "x.out",
            ))
            .image_server(ImageServer::new(Transfer::Scp, "h", ""))
            .build()
            .unwrap();
        let msg = plan_upgrade(&scp, &fgt, at("2026-11-30T12:00:00Z"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("fgt") && msg.contains("FTP or TFTP"), "{msg}");
        let no_password = FirmwarePolicy::builder()
            .target(FirmwareTarget::new(
                Platform::FortiOs,
                "*",
                "v7.2.8,build1639",
                "x.out",
            ))
            .image_server(ImageServer::new(Transfer::Ftp, "h", "").user("u"))
            .build()
            .unwrap();
        let msg = plan_upgrade(&no_password, &fgt, at("2026-11-30T12:00:00Z"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("fgt") && msg.contains("ImageServer::password"),
            "{msg}"
        );
    }
}
