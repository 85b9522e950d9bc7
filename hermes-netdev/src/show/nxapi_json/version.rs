//! `show version`.

use serde_json::Value;

use super::{opt, opt_any, Reply};
use crate::error::Result;
use crate::show::NxosVersion;

/// Reads NX-OS `show version` structured output into the [`NxosVersion`] the text parser
/// returns.
///
/// The version is `nxos_ver_str` (7.0(3)I and later) or `sys_ver_str` (older releases and
/// NX-OSv), the image `nxos_file_name` or the kickstart image (`kick_file_name`), the platform
/// the model in `chassis_id` as in the text's `cisco ... Chassis` line, the uptime written from
/// `kern_uptm_*` as the text prints it. A reply with no version at all is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the keys looked for.
///
/// ```
/// let body = serde_json::json!({
///     "host_name": "n9k1", "nxos_ver_str": "9.3(8)",
///     "nxos_file_name": "bootflash:///nxos.9.3.8.bin",
///     "chassis_id": "Nexus9000 C93180YC-EX chassis", "proc_board_id": "FDO21120U5D",
///     "kern_uptm_days": 41, "kern_uptm_hrs": "2", "kern_uptm_mins": 7, "kern_uptm_secs": 52,
/// });
/// let v = hermes_netdev::show::parse_nxos_json_show_version("n9k1", &body)?;
/// assert_eq!(v.version(), Some("9.3(8)"));
/// assert_eq!(v.platform.as_deref(), Some("C93180YC-EX"));
/// assert_eq!(v.uptime.as_deref(), Some("41 day(s), 2 hour(s), 7 minute(s), 52 second(s)"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_version(target: &str, body: &Value) -> Result<NxosVersion> {
    let r = Reply {
        target,
        command: "show version",
    };
    let b = r.body(body)?;
    let os = r.req_any(&b, &["nxos_ver_str", "sys_ver_str", "kickstart_ver_str"])?;
    let up: Vec<Option<u64>> = [
        "kern_uptm_days",
        "kern_uptm_hrs",
        "kern_uptm_mins",
        "kern_uptm_secs",
    ]
    .iter()
    .map(|k| r.num(&b, k))
    .collect::<Result<_>>()?;
    let uptime = match up.as_slice() {
        [Some(d), Some(h), Some(m), Some(s)] => Some(format!(
            "{d} day(s), {h} hour(s), {m} minute(s), {s} second(s)"
        )),
        _ => None,
    };
    Ok(NxosVersion {
        hostname: opt(&b, "host_name"),
        os: Some(os.trim().to_string()),
        boot_image: opt_any(&b, &["nxos_file_name", "kick_file_name", "isan_file_name"]),
        platform: opt(&b, "chassis_id").and_then(|c| crate::show::version::nxos_platform(&c)),
        serial: opt(&b, "proc_board_id"),
        bios: opt(&b, "bios_ver_str"),
        uptime,
        last_reboot_reason: opt(&b, "rr_reason"),
    })
}
