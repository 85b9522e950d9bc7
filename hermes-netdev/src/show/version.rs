//! `show version` (NX-OS, IOS / IOS-XE) and `get system status` (FortiOS).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{field, field_to_end, non_empty, ntc_opt};
use crate::cli::Platform;

/// NX-OS `show version` (ntc-templates `cisco_nxos_show_version` fields).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NxosVersion {
    /// `Device name:`.
    #[serde(default, with = "ntc_opt")]
    pub hostname: Option<String>,
    /// The running NX-OS version as printed (`NXOS: version` / `system: version`), e.g. `9.3(8)`,
    /// `7.0(3)I7(9)`, `10.4(4) [Maintenance Release]`.
    #[serde(default, with = "ntc_opt")]
    pub os: Option<String>,
    /// `NXOS image file is:` (or the kickstart image of older platforms), e.g.
    /// `bootflash:///nxos.9.3.8.bin`.
    #[serde(default, with = "ntc_opt")]
    pub boot_image: Option<String>,
    /// The chassis model from the `Hardware` section (`C93180YC-EX`, `C9336C-FX2`, `3064`).
    #[serde(default, with = "ntc_opt")]
    pub platform: Option<String>,
    /// `Processor Board ID`.
    #[serde(default, with = "ntc_opt")]
    pub serial: Option<String>,
    /// `BIOS: version`.
    #[serde(default, with = "ntc_opt")]
    pub bios: Option<String>,
    /// `Kernel uptime is ...` (`41 day(s), 2 hour(s), 7 minute(s), 52 second(s)`).
    #[serde(default, with = "ntc_opt")]
    pub uptime: Option<String>,
    /// `Reason:` under `Last reset`.
    #[serde(default, with = "ntc_opt")]
    pub last_reboot_reason: Option<String>,
}

impl NxosVersion {
    /// The version without the release-type suffix: `10.4(4)` for `10.4(4) [Maintenance Release]`.
    pub fn version(&self) -> Option<&str> {
        self.os.as_deref().and_then(|v| v.split_whitespace().next())
    }
}

/// Parses NX-OS `show version`.
///
/// ```
/// let v = hermes_netdev::show::parse_nxos_show_version(
///     "Software\n  NXOS: version 9.3(8)\n  NXOS image file is: bootflash:///nxos.9.3.8.bin\n\
///      Hardware\n  cisco Nexus9000 C93180YC-EX chassis\n  Processor Board ID FDO1234\n\
///      \n  Device name: leaf1\n",
/// );
/// assert_eq!(v.os.as_deref(), Some("9.3(8)"));
/// assert_eq!(v.platform.as_deref(), Some("C93180YC-EX"));
/// assert_eq!(v.hostname.as_deref(), Some("leaf1"));
/// ```
pub fn parse_nxos_show_version(text: &str) -> NxosVersion {
    let mut v = NxosVersion::default();
    for line in text.lines() {
        let t = line.trim();
        // Free-text values keep trailing blanks, as ntc-templates reads them.
        let u = line.trim_start();
        if let Some(x) = field_to_end(u, "BIOS") {
            if let Some(x) = x.strip_prefix("version") {
                v.bios = non_empty(x.trim_start());
            }
        } else if let Some(x) = field_to_end(u, "NXOS").or_else(|| field_to_end(u, "system")) {
            if let Some(x) = x.strip_prefix("version") {
                v.os = non_empty(x.trim_start());
            }
        } else if let Some(x) = field_to_end(u, "NXOS image file is")
            .or_else(|| field_to_end(u, "kickstart image file is"))
        {
            v.boot_image = non_empty(x);
        } else if let Some(x) = field_to_end(u, "Device name") {
            v.hostname = non_empty(x);
        } else if let Some(x) = u.strip_prefix("Reason:") {
            // `Reason:` and one blank, then the reason as printed
            v.last_reboot_reason = non_empty(x.strip_prefix(char::is_whitespace).unwrap_or(x));
        } else if let Some(x) = strip_words(t, &["Processor", "Board", "ID"]) {
            v.serial = x.split(|c: char| !is_word(c)).next().and_then(non_empty);
        } else if let Some(x) = strip_words(t, &["Kernel", "uptime", "is"]) {
            v.uptime = non_empty(x.trim_end());
        } else if let Some(rest) = t.strip_prefix("cisco ") {
            if let Some(p) = nxos_platform(rest) {
                v.platform = Some(p);
            }
        }
    }
    v
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `rest` after its leading words (ASCII case-insensitive); trailing blanks kept.
fn strip_words<'a>(line: &'a str, words: &[&str]) -> Option<&'a str> {
    let mut rest = line.trim_start();
    for w in words {
        let head = rest.get(..w.len())?;
        if !head.eq_ignore_ascii_case(w) {
            return None;
        }
        let after = &rest[w.len()..];
        if !after.is_empty() && !after.starts_with(char::is_whitespace) {
            return None;
        }
        rest = after.trim_start();
    }
    Some(rest)
}

/// The chassis model in the `cisco ...` hardware line of NX-OS `show version`.
pub(super) fn nxos_platform(rest: &str) -> Option<String> {
    let toks: Vec<&str> = rest.split_whitespace().collect();
    let is_chassis = |t: Option<&&str>| t.is_some_and(|t| t.eq_ignore_ascii_case("chassis"));
    let model_tok = |t: &str| {
        let m: String = t.chars().take_while(|c| is_word(*c) || *c == '-').collect();
        non_empty(&m)
    };
    // `cisco Nexus5672 Chassis`
    if is_chassis(toks.get(1)) {
        return model_tok(toks[0]);
    }
    // `cisco Nexus9000 C93180YC-EX Chassis`, `cisco Nexus7000 C7018 (18 Slot) Chassis`
    let family = toks.first()?;
    let nexus_family = family
        .get(..5)
        .is_some_and(|f| f.eq_ignore_ascii_case("nexus"))
        && family.len() > 5
        && family.bytes().skip(5).all(|b| b.is_ascii_digit());
    if nexus_family {
        if let Some(m) = toks.get(1).and_then(|t| model_tok(t)) {
            return Some(m);
        }
    }
    // `cisco Nexus 5672 Chassis`
    if family.eq_ignore_ascii_case("nexus") && is_chassis(toks.get(2)) {
        return model_tok(toks[1]);
    }
    // `cisco N9K-C93108TC ("supervisor")`: the part after the last dash
    let dash = rest.rfind('-')?;
    model_tok(&rest[dash + 1..])
}

/// IOS / IOS-XE `show version` (ntc-templates `cisco_ios_show_version` fields).
///
/// On a stack, `hardware`, `serial` and `mac_address` hold one entry per member, the active one
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IosVersion {
    /// The software image name in parentheses (`C3750-IPSERVICESK9-M`, `CAT9K_IOSXE`).
    #[serde(default, with = "ntc_opt")]
    pub software_image: Option<String>,
    /// The running version (`15.2(4)E10`, `16.9.3`, `03.06.08E`).
    #[serde(default, with = "ntc_opt")]
    pub version: Option<String>,
    /// The release tag (`fc1`), or the special build name.
    #[serde(default, with = "ntc_opt")]
    pub release: Option<String>,
    /// The first word after `ROM:`.
    #[serde(default, with = "ntc_opt")]
    pub rommon: Option<String>,
    /// The name before `uptime is`.
    #[serde(default, with = "ntc_opt")]
    pub hostname: Option<String>,
    /// `2 years, 11 weeks, 3 days, 5 hours, 17 minutes`.
    #[serde(default, with = "ntc_opt")]
    pub uptime: Option<String>,
    /// Years of uptime.
    #[serde(default, with = "ntc_opt")]
    pub uptime_years: Option<u32>,
    /// Weeks of uptime (after the years).
    #[serde(default, with = "ntc_opt")]
    pub uptime_weeks: Option<u32>,
    /// Days of uptime (after the weeks).
    #[serde(default, with = "ntc_opt")]
    pub uptime_days: Option<u32>,
    /// Hours of uptime (after the days).
    #[serde(default, with = "ntc_opt")]
    pub uptime_hours: Option<u32>,
    /// Minutes of uptime (after the hours).
    #[serde(default, with = "ntc_opt")]
    pub uptime_minutes: Option<u32>,
    /// `Last reload reason:` (or `System returned to ROM by ...` when that is all there is).
    #[serde(default, with = "ntc_opt")]
    pub reload_reason: Option<String>,
    /// The running image without its file system (`c3750-ipservicesk9-mz.122-55.SE12.bin`,
    /// `packages.conf`).
    #[serde(default, with = "ntc_opt")]
    pub running_image: Option<String>,
    /// Models (`WS-C3850-24P`), one per stack member.
    #[serde(default)]
    pub hardware: Vec<String>,
    /// Serial numbers, one per stack member.
    #[serde(default)]
    pub serial: Vec<String>,
    /// `Configuration register is`.
    #[serde(default, with = "ntc_opt")]
    pub config_register: Option<String>,
    /// Base Ethernet MAC addresses, one per stack member.
    #[serde(default)]
    pub mac_address: Vec<String>,
    /// `System restarted at`.
    #[serde(default, with = "ntc_opt")]
    pub restarted: Option<String>,
}

impl IosVersion {
    /// Total uptime in seconds (a year counted as 365 days), when the uptime line was seen.
    pub fn uptime_secs(&self) -> Option<u64> {
        self.uptime.as_ref()?;
        let n = |v: Option<u32>| u64::from(v.unwrap_or(0));
        Some(
            ((((n(self.uptime_years) * 365 + n(self.uptime_weeks) * 7 + n(self.uptime_days))
                * 24
                + n(self.uptime_hours))
                * 60)
                + n(self.uptime_minutes))
                * 60,
        )
    }
}

/// Parses IOS / IOS-XE `show version` (stacks included).
///
/// ```
/// let v = hermes_netdev::show::parse_ios_show_version(
///     "Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)\n\
///      sw1 uptime is 1 week, 2 days, 3 hours, 4 minutes\n\
///      System image file is \"flash:c3750-ipservicesk9-mz.122-55.SE12.bin\"\n\
///      cisco WS-C3750X-48P (PowerPC405) processor (revision A0) with 262144K bytes of memory.\n\
///      Processor board ID FDO1234X0AB\n",
/// );
/// assert_eq!(v.version.as_deref(), Some("12.2(55)SE12"));
/// assert_eq!(v.hardware, ["WS-C3750X-48P"]);
/// assert_eq!(v.running_image.as_deref(), Some("c3750-ipservicesk9-mz.122-55.SE12.bin"));
/// assert_eq!(v.uptime_days, Some(2));
/// assert_eq!(v.uptime_secs(), Some(((9 * 24 + 3) * 60 + 4) * 60));
/// ```
pub fn parse_ios_show_version(text: &str) -> IosVersion {
    let mut v = IosVersion::default();
    // After the `Switch Ports Model ...` table or a `Switch 02` header, only the per-member
    // sections follow.
    let mut members = false;
    for line in text.lines() {
        let t = line.trim_end();
        if members {
            if let Some(x) = table_field(t, "System Serial Number") {
                push_word(&mut v.serial, x);
            } else if let Some(x) = table_field(t, "Model Number") {
                if let Some(m) = x.split_whitespace().next() {
                    v.hardware.push(m.to_string());
                }
            } else if let Some(x) = strip_words(t, &["Configuration", "register", "is"]) {
                v.config_register = x.split_whitespace().next().and_then(non_empty);
            } else if let Some(x) = table_field(t, "Base Ethernet MAC Address") {
                push_mac(&mut v.mac_address, x);
            }
            continue;
        }
        if let Some((image, version, release)) = ios_software_line(t) {
            v.software_image = Some(image.to_string());
            v.version = Some(version.to_string());
            v.release = release.map(String::from);
        } else if let Some(x) = t.strip_prefix("ROM:") {
            v.rommon = x.split_whitespace().next().and_then(non_empty);
        } else if let Some((host, up)) = ios_uptime_line(line) {
            v.hostname = host.map(String::from);
            v.uptime = non_empty(up);
            let mut last = None;
            for tok in up.split(|c: char| c == ',' || c.is_whitespace()) {
                if tok.is_empty() {
                    continue;
                }
                if let Ok(n) = tok.parse::<u32>() {
                    last = Some(n);
                    continue;
                }
                let Some(n) = last.take() else { continue };
                let unit = tok.to_ascii_lowercase();
                let slot = if unit.starts_with("year") {
                    &mut v.uptime_years
                } else if unit.starts_with("week") {
                    &mut v.uptime_weeks
                } else if unit.starts_with("day") {
                    &mut v.uptime_days
                } else if unit.starts_with("hour") {
                    &mut v.uptime_hours
                } else if unit.starts_with("minute") {
                    &mut v.uptime_minutes
                } else {
                    continue;
                };
                *slot = Some(n);
            }
        } else if let Some(x) = strip_words(t, &["System", "image", "file", "is"]) {
            // `"flash:/c2900-universalk9-mz.SPA.157-3.M8.bin"` → after the file system
            let q = x.strip_prefix('"').and_then(|x| x.split_once('"'));
            if let Some((path, _)) = q {
                if let Some((_, file)) = path.split_once(':') {
                    if !file.is_empty() && !file.contains(char::is_whitespace) {
                        v.running_image = Some(file.to_string());
                    }
                }
            }
        } else if let Some(x) = field(t, "Last reload reason")
            .filter(|_| !t.starts_with(' '))
            .or_else(|| strip_words(t, &["System", "returned", "to", "ROM", "by"]))
        {
            v.reload_reason = non_empty(x.trim_end());
        } else if let Some(x) = strip_words(t, &["Processor", "board", "ID"]) {
            push_word(&mut v.serial, x);
        } else if let Some(hw) = ios_hardware_line(t) {
            v.hardware.push(hw.to_string());
        } else if let Some(x) = strip_words(t, &["Configuration", "register", "is"]) {
            v.config_register = x.split_whitespace().next().and_then(non_empty);
        } else if let Some(x) = table_field(t, "Base Ethernet MAC Address") {
            push_mac(&mut v.mac_address, x);
        } else if let Some(x) = strip_words(line, &["System", "restarted", "at"]) {
            v.restarted = non_empty(x);
        } else if t.starts_with("Switch Port")
            || t.strip_prefix("Switch ")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        {
            members = true;
        }
    }
    v
}

/// `Label<blanks>: value` as the stack member tables print it (`Model Number   : WS-C3850-24P`):
/// a blank before the colon, as ntc-templates requires (`Base ethernet MAC Address: ...` of older
/// switches is not read, as there).
fn table_field<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let colon = line.find(':')?;
    if !line[..colon].ends_with(char::is_whitespace) {
        return None;
    }
    field(line, label)
}

fn push_word(list: &mut Vec<String>, x: &str) {
    let w: String = x.chars().take_while(|c| is_word(*c)).collect();
    if !w.is_empty() {
        list.push(w);
    }
}

fn push_mac(list: &mut Vec<String>, x: &str) {
    let mac = x.split_whitespace().next().unwrap_or_default();
    let parts: Vec<&str> = mac.split(':').collect();
    if parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        list.push(mac.to_string());
    }
}

/// `Cisco IOS Software, ... Software (IMAGE), Version VERSION, RELEASE SOFTWARE (fc1)` →
/// (image, version, release).
fn ios_software_line(t: &str) -> Option<(&str, &str, Option<&str>)> {
    const MARK: &str = "), Version ";
    let vi = t.find(MARK)?;
    let open = t[..vi].rfind('(')?;
    let image = &t[open + 1..vi];
    let before = &t[..open];
    if image.is_empty()
        || image.contains(char::is_whitespace)
        || !before.ends_with(char::is_whitespace)
        || !before
            .trim_end()
            .trim_end_matches(',')
            .ends_with("Software")
    {
        return None;
    }
    let rest = &t[vi + MARK.len()..];
    // `VERSION[,] RELEASE ... (fc1)`
    let mut search = 0;
    while let Some(p) = rest[search..].find("RELEASE") {
        let at = search + p;
        let head = &rest[..at];
        if head.ends_with(char::is_whitespace) {
            let version = head.trim_end().trim_end_matches(',');
            let tail = &rest[at..];
            if let Some(release) = last_paren_word(tail) {
                if !version.is_empty() {
                    return Some((image, version, Some(release)));
                }
            }
        }
        search = at + 1;
    }
    // `VERSION, CUST-SPECIAL:NAME`
    if let Some(ws) = rest.find(char::is_whitespace) {
        let version = rest[..ws].trim_end_matches(',');
        let tail = rest[ws..].trim_start();
        if !version.is_empty() && !tail.is_empty() {
            if let Some(c) = tail.rfind(':') {
                let release = tail[c + 1..].split_whitespace().next();
                if let Some(r) = release.filter(|r| !r.is_empty() && tail[c + 1..].starts_with(r)) {
                    return Some((image, version, Some(r)));
                }
            }
        }
    }
    // `VERSION, anything`
    let comma = rest.find(',')?;
    let version = &rest[..comma];
    (!version.is_empty()).then_some((image, version, None))
}

/// The word in the last `(word)` of `s`.
fn last_paren_word(s: &str) -> Option<&str> {
    let mut end = s.len();
    while let Some(open) = s[..end].rfind('(') {
        let inner = &s[open + 1..];
        if let Some(close) = inner.find(')') {
            let w = &inner[..close];
            if !w.is_empty() && !w.contains(char::is_whitespace) {
                return Some(w);
            }
        }
        end = open;
    }
    None
}

/// `edge-7 uptime is 2 years, ...` → (hostname when it is a single word, uptime).
fn ios_uptime_line(t: &str) -> Option<(Option<&str>, &str)> {
    let at = t.find(" uptime is ")?;
    let host = t[..at].trim();
    // Trailing blanks are kept, as ntc-templates keeps them.
    let up = t[at + " uptime is ".len()..].trim_start();
    let host = (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host);
    Some((host, up))
}

/// `cisco WS-C3560CX-12PC-S (APM86XXX) processor ...` → `WS-C3560CX-12PC-S`.
fn ios_hardware_line(t: &str) -> Option<&str> {
    let rest = t
        .strip_prefix("cisco ")
        .or_else(|| t.strip_prefix("Cisco "))?
        .trim_start();
    let end = rest.find(char::is_whitespace)?;
    let (hw, after) = (&rest[..end], rest[end..].trim_start());
    let inner = after.strip_prefix('(')?;
    let close = inner.rfind(')')?;
    (close > 0 && close + 1 < inner.len()).then_some(hw)
}

/// FortiOS `get system status` (ntc-templates `fortinet_get_system_status` fields).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)] // one field per `Label:` line, named as ntc-templates names them
pub struct FortiosSystemStatus {
    /// `FortiGate-60F v7.2.5,build1517,230606 (GA.F)`: see [`Self::model`],
    /// [`Self::firmware_version`].
    #[serde(default, with = "ntc_opt")]
    pub version: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub first_ga_patch_build_date: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub security_level: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub firmware_signature: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub virus_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub extended_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub extreme_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub av_ai_ml_model: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ips_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ips_etdb: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub app_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub fmwp_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub industrial_db: Option<String>,
    /// `Serial-Number:`.
    #[serde(default, with = "ntc_opt")]
    pub serial_number: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub license_status: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub evaluation_license_expires: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub vm_resources: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ips_malicious_url_database: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub iot_detect: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ot_detect_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ot_patch_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ot_threat_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub ips_engine: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub botnet_db: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub bios_version: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub system_part_number: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub log_hard_disk: Option<String>,
    /// `Hostname:`.
    #[serde(default, with = "ntc_opt")]
    pub hostname: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub private_encryption: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub operation_mode: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub current_virtual_domain: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub max_number_of_virtual_domains: Option<u32>,
    #[serde(default, with = "ntc_opt")]
    pub virtual_domains_status: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub virtual_domain_configuration: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub fips_cc_mode: Option<String>,
    /// `standalone`, `a-p, primary`...
    #[serde(default, with = "ntc_opt")]
    pub current_ha_mode: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub cluster_uptime: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub cluster_state_change_time: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub branch_point: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub release_version_information: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub fortios_x86_64: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub system_time: Option<String>,
    #[serde(default, with = "ntc_opt")]
    pub last_reboot_reason: Option<String>,
    /// Every `Label: value` line that has no field above (newer FortiOS releases add lines),
    /// keyed by its label as printed.
    #[serde(skip)]
    pub other: BTreeMap<String, String>,
}

impl FortiosSystemStatus {
    /// The model: `FortiGate-60F` in `FortiGate-60F v7.2.5,build1517,230606 (GA.F)`.
    pub fn model(&self) -> Option<&str> {
        let v = self.version.as_deref()?;
        let (model, rest) = v.split_once(char::is_whitespace)?;
        rest.trim_start().starts_with('v').then_some(model)
    }

    /// The firmware version with its build: `v7.2.5,build1517` (what
    /// `crate::firmware::FirmwareVersion` parses).
    pub fn firmware_version(&self) -> Option<&str> {
        let v = self.version.as_deref()?;
        let word = v
            .split_whitespace()
            .find(|w| w.starts_with('v') && w[1..].starts_with(|c: char| c.is_ascii_digit()))?;
        // `v7.2.5,build1517,230606` → keep the version and the build
        match word.match_indices(',').nth(1) {
            Some((i, _)) => Some(&word[..i]),
            None => Some(word),
        }
    }
}

/// Parses FortiOS `get system status`.
///
/// ```
/// let s = hermes_netdev::show::parse_fortios_system_status(
///     "Version: FortiGate-60F v7.2.5,build1517,230606 (GA.F)\nSerial-Number: FGT60FTK00000000\n\
///      Hostname: fgt\nCurrent HA mode: standalone\n",
/// );
/// assert_eq!(s.hostname.as_deref(), Some("fgt"));
/// assert_eq!(s.model(), Some("FortiGate-60F"));
/// assert_eq!(s.firmware_version(), Some("v7.2.5,build1517"));
/// ```
pub fn parse_fortios_system_status(text: &str) -> FortiosSystemStatus {
    let mut s = FortiosSystemStatus::default();
    for line in text.lines() {
        if line.starts_with(char::is_whitespace) {
            continue;
        }
        let Some((label, value)) = line.split_once(':') else {
            continue;
        };
        // `(.*)` values keep trailing blanks and one-word values (`Hostname`, `Serial-Number`...)
        // are the first word, as ntc-templates reads them.
        let value = value.trim_start();
        let key: Vec<String> = label
            .split_whitespace()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let key = key.join(" ");
        let slot = match key.as_str() {
            "version" => &mut s.version,
            "first ga patch build date" => &mut s.first_ga_patch_build_date,
            "security level" | "current security level" => &mut s.security_level,
            "firmware signature" => &mut s.firmware_signature,
            "virus-db" => &mut s.virus_db,
            "extended db" => &mut s.extended_db,
            "extreme db" => &mut s.extreme_db,
            "av ai/ml model" => &mut s.av_ai_ml_model,
            "ips-db" => &mut s.ips_db,
            "ips-etdb" => &mut s.ips_etdb,
            "app-db" => &mut s.app_db,
            "fmwp-db" => &mut s.fmwp_db,
            "industrial-db" => &mut s.industrial_db,
            "serial-number" => &mut s.serial_number,
            "license status" => &mut s.license_status,
            "evaluation license expires" => &mut s.evaluation_license_expires,
            "vm resources" => &mut s.vm_resources,
            "ips malicious url database" => &mut s.ips_malicious_url_database,
            "iot-detect" => &mut s.iot_detect,
            "ot-detect-db" => &mut s.ot_detect_db,
            "ot-patch-db" => &mut s.ot_patch_db,
            "ot-threat-db" => &mut s.ot_threat_db,
            "ips-engine" => &mut s.ips_engine,
            "botnet db" => &mut s.botnet_db,
            "bios version" => &mut s.bios_version,
            "system part-number" => &mut s.system_part_number,
            "log hard disk" => &mut s.log_hard_disk,
            "hostname" => &mut s.hostname,
            "private encryption" => &mut s.private_encryption,
            "operation mode" => &mut s.operation_mode,
            "current virtual domain" => &mut s.current_virtual_domain,
            "max number of virtual domains" => {
                s.max_number_of_virtual_domains =
                    value.split_whitespace().next().and_then(|v| v.parse().ok());
                continue;
            }
            "virtual domains status" => &mut s.virtual_domains_status,
            "virtual domain configuration" => &mut s.virtual_domain_configuration,
            "fips-cc mode" => &mut s.fips_cc_mode,
            "current ha mode" => &mut s.current_ha_mode,
            "cluster uptime" => &mut s.cluster_uptime,
            "cluster state change time" => &mut s.cluster_state_change_time,
            "branch point" => &mut s.branch_point,
            "release version information" => &mut s.release_version_information,
            "fortios x86-64" => &mut s.fortios_x86_64,
            "system time" => &mut s.system_time,
            "last reboot reason" => &mut s.last_reboot_reason,
            _ => {
                if !label.trim().is_empty() {
                    s.other
                        .insert(label.trim().to_string(), value.trim_end().to_string());
                }
                continue;
            }
        };
        const ONE_WORD: [&str; 12] = [
            "hostname",
            "serial-number",
            "bios version",
            "system part-number",
            "private encryption",
            "operation mode",
            "current virtual domain",
            "virtual domain configuration",
            "fips-cc mode",
            "branch point",
            "release version information",
            "fortios x86-64",
        ];
        let value = if ONE_WORD.contains(&key.as_str()) {
            value.split_whitespace().next().unwrap_or_default()
        } else {
            value
        };
        *slot = non_empty(value);
    }
    s
}

/// What every platform's version output says about the running software, for fleet reports and
/// the firmware compliance check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionSummary {
    /// The platform the output came from.
    pub platform: Platform,
    /// The device's own name.
    pub hostname: Option<String>,
    /// The running version: NX-OS `9.3(8)`, IOS `15.2(4)E10`, FortiOS `v7.0.12,build0523`.
    pub version: Option<String>,
    /// The model: NX-OS `C93180YC-EX`, IOS `WS-C3750X-48P` (the active member's on a stack),
    /// FortiOS `FortiGate-60F`.
    pub model: Option<String>,
    /// The image booted from, when the output says (`bootflash:///nxos.9.3.8.bin`,
    /// `c3750-ipservicesk9-mz.122-55.SE12.bin`).
    pub image: Option<String>,
    /// The (active member's) serial number.
    pub serial: Option<String>,
}

impl From<&NxosVersion> for VersionSummary {
    fn from(v: &NxosVersion) -> Self {
        VersionSummary {
            platform: Platform::NxOs,
            hostname: v.hostname.clone(),
            version: v.version().map(String::from),
            model: v.platform.clone(),
            image: v.boot_image.clone(),
            serial: v.serial.clone(),
        }
    }
}

impl From<&IosVersion> for VersionSummary {
    fn from(v: &IosVersion) -> Self {
        VersionSummary {
            platform: Platform::Ios,
            hostname: v.hostname.clone(),
            version: v.version.clone(),
            model: v.hardware.first().cloned(),
            image: v.running_image.clone(),
            serial: v.serial.first().cloned(),
        }
    }
}

impl From<&FortiosSystemStatus> for VersionSummary {
    fn from(s: &FortiosSystemStatus) -> Self {
        VersionSummary {
            platform: Platform::FortiOs,
            hostname: s.hostname.clone(),
            version: s.firmware_version().map(String::from),
            model: s.model().map(String::from),
            image: None,
            serial: s.serial_number.clone(),
        }
    }
}

/// Parses the platform's version output (`show version`, FortiOS `get system status`) into a
/// [`VersionSummary`].
///
/// ```
/// use hermes_netdev::cli::Platform;
/// let s = hermes_netdev::show::parse_version(Platform::NxOs,
///     "  NXOS: version 7.0(3)I7(9)\n  NXOS image file is: bootflash:///nxos.7.0.3.I7.9.bin\n\
///      Hardware\n  cisco Nexus3000 C3064PQ Chassis\n");
/// assert_eq!(s.version.as_deref(), Some("7.0(3)I7(9)"));
/// assert_eq!(s.model.as_deref(), Some("C3064PQ"));
/// ```
pub fn parse_version(platform: Platform, text: &str) -> VersionSummary {
    match platform {
        Platform::NxOs => (&parse_nxos_show_version(text)).into(),
        Platform::Ios => (&parse_ios_show_version(text)).into(),
        Platform::FortiOs => (&parse_fortios_system_status(text)).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ios_stack_member_tables() {
        let v = parse_ios_show_version(
            "Cisco IOS Software, IOS-XE Software, Catalyst L3 Switch Software (CAT3K_CAA-UNIVERSALK9-M), Version 03.06.08E RELEASE SOFTWARE (fc2)\n\
             ROM: IOS-XE ROMMON\n\
             dist-a uptime is 3 weeks, 1 day, 4 hours, 22 minutes\n\
             System image file is \"flash:packages.conf\"\n\
             cisco WS-C3850-24P (MIPS) processor (revision AB0) with 803406K/6147K bytes of memory.\n\
             Processor board ID FOC2033X1AB\n\
             Base Ethernet MAC Address          : 00:5d:73:10:2a:00\n\
             Model Number                       : WS-C3850-24P\n\
             System Serial Number               : FOC2033X1AB\n\
             \n\
             Switch Ports Model              SW Version        SW Image              Mode   \n\
             ------ ----- -----              ----------        ----------            ----   \n\
             *    1 32    WS-C3850-24P       03.06.08E         cat3k_caa-universalk9 INSTALL\n\
             \x20    2 32    WS-C3850-24P       03.06.08E         cat3k_caa-universalk9 INSTALL\n\
             \n\
             Switch 02\n\
             ---------\n\
             Switch uptime                      : 3 weeks, 1 day, 4 hours, 19 minutes\n\
             Base Ethernet MAC Address          : 00:5d:73:10:5e:80\n\
             Model Number                       : WS-C3850-24P\n\
             System Serial Number               : FOC2033X2CD\n\
             \n\
             Configuration register is 0x102\n",
        );
        assert_eq!(v.software_image.as_deref(), Some("CAT3K_CAA-UNIVERSALK9-M"));
        assert_eq!(v.version.as_deref(), Some("03.06.08E"));
        assert_eq!(v.release.as_deref(), Some("fc2"));
        assert_eq!(v.rommon.as_deref(), Some("IOS-XE"));
        assert_eq!(v.hostname.as_deref(), Some("dist-a"));
        assert_eq!(
            (
                v.uptime_weeks,
                v.uptime_days,
                v.uptime_hours,
                v.uptime_minutes
            ),
            (Some(3), Some(1), Some(4), Some(22))
        );
        assert_eq!(v.running_image.as_deref(), Some("packages.conf"));
        assert_eq!(v.hardware, ["WS-C3850-24P", "WS-C3850-24P"]);
        assert_eq!(v.serial, ["FOC2033X1AB", "FOC2033X2CD"]);
        assert_eq!(v.mac_address, ["00:5d:73:10:2a:00", "00:5d:73:10:5e:80"]);
        assert_eq!(v.config_register.as_deref(), Some("0x102"));
    }

    #[test]
    fn ios_table_fields_need_a_blank_before_the_colon() {
        let v = parse_ios_show_version(
            "cisco WS-C2960-24TT-L (PowerPC405) processor (revision B0) with 65536K bytes of memory.\n\
             Processor board ID FOC1712Y0QZ\n\
             Base ethernet MAC Address: 00:22:0d:41:7a:80\n\
             Model number                    : WS-C2960-24TT-L\n",
        );
        assert_eq!(v.hardware, ["WS-C2960-24TT-L"]);
        assert_eq!(v.serial, ["FOC1712Y0QZ"]);
        assert!(v.mac_address.is_empty(), "{:?}", v.mac_address);
    }

    #[test]
    fn nxos_free_text_keeps_trailing_blanks() {
        let v = parse_nxos_show_version(
            "Software\n  BIOS: version 05.47\n  NXOS: version 10.4(4) [Maintenance Release]\n\
             \x20 NXOS image file is: bootflash:///nxos64-cs.10.4.4.M.bin  \n\
             Hardware\n  cisco Nexus9000 C9336C-FX2 Chassis\n  Processor Board ID FDO25110QKJ\n\
             \x20 Device name: spine-2\n\
             Kernel uptime is 41 day(s), 2 hour(s), 7 minute(s), 52 second(s)\n\
             Last reset at 412233 usecs after Tue Mar  4 09:12:40 2025\n  Reason: Reset Requested by CLI command reload \n",
        );
        assert_eq!(v.os.as_deref(), Some("10.4(4) [Maintenance Release]"));
        assert_eq!(v.version(), Some("10.4(4)"));
        assert_eq!(v.bios.as_deref(), Some("05.47"));
        assert_eq!(
            v.boot_image.as_deref(),
            Some("bootflash:///nxos64-cs.10.4.4.M.bin  ")
        );
        assert_eq!(v.platform.as_deref(), Some("C9336C-FX2"));
        assert_eq!(v.serial.as_deref(), Some("FDO25110QKJ"));
        assert_eq!(v.hostname.as_deref(), Some("spine-2"));
        assert_eq!(
            v.uptime.as_deref(),
            Some("41 day(s), 2 hour(s), 7 minute(s), 52 second(s)")
        );
        assert_eq!(
            v.last_reboot_reason.as_deref(),
            Some("Reset Requested by CLI command reload ")
        );
    }

    #[test]
    fn nxos_chassis_lines() {
        for (line, model) in [
            ("cisco Nexus5672 Chassis", "Nexus5672"),
            ("cisco Nexus9000 C93180YC-EX Chassis", "C93180YC-EX"),
            ("cisco Nexus7000 C7018 (18 Slot) Chassis", "C7018"),
            ("cisco Nexus 5672 Chassis", "5672"),
            ("cisco N9K-C93108TC (\"supervisor\")", "C93108TC"),
        ] {
            let v = parse_nxos_show_version(&format!("Hardware\n  {line}\n"));
            assert_eq!(v.platform.as_deref(), Some(model), "{line}");
        }
    }

    #[test]
    fn fortios_one_word_values_and_other_lines() {
        let s = parse_fortios_system_status(
            "Version: FortiGate-100F v7.2.5,build1517,230606 (GA.F)\n\
             Serial-Number: FG100FTK2390XXXX extra\n\
             Hostname: branch-fw-3 \n\
             Operation Mode: NAT\n\
             Current HA mode: a-p, primary\n\
             Max number of virtual domains: 10\n\
             System time: Wed Nov 25 09:14:03 2026  \n\
             Some New Line: a value  \n",
        );
        assert_eq!(s.model(), Some("FortiGate-100F"));
        assert_eq!(s.serial_number.as_deref(), Some("FG100FTK2390XXXX"));
        assert_eq!(s.hostname.as_deref(), Some("branch-fw-3"));
        assert_eq!(s.operation_mode.as_deref(), Some("NAT"));
        assert_eq!(s.current_ha_mode.as_deref(), Some("a-p, primary"));
        assert_eq!(s.max_number_of_virtual_domains, Some(10));
        assert_eq!(s.system_time.as_deref(), Some("Wed Nov 25 09:14:03 2026  "));
        assert_eq!(
            s.other.get("Some New Line").map(String::as_str),
            Some("a value")
        );
    }
}
