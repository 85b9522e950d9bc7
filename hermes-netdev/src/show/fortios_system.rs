//! FortiOS `get system performance status` and `get hardware status`.

use serde::{Deserialize, Serialize};

/// One `CPU states` line: percentages of CPU time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FortiosCpuStates {
    /// The core (`CPU0 states`), `None` for the whole unit (`CPU states`).
    pub core: Option<u16>,
    /// User space (daemons).
    pub user: Option<f64>,
    /// Kernel.
    pub system: Option<f64>,
    /// Niced processes.
    pub nice: Option<f64>,
    /// Idle.
    pub idle: Option<f64>,
    /// Waiting for I/O.
    pub iowait: Option<f64>,
    /// Hardware interrupts.
    pub irq: Option<f64>,
    /// Software interrupts (traffic the NPU does not offload).
    pub softirq: Option<f64>,
}

impl FortiosCpuStates {
    /// Percent busy: `100 - idle`.
    pub fn busy(&self) -> Option<f64> {
        self.idle.map(|i| 100.0 - i)
    }
}

/// A network usage sample over a window: `41 / 28 kbps in 1 minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosNetworkUsage {
    /// The window, minutes.
    pub minutes: u32,
    /// Inbound kbps.
    pub in_kbps: u64,
    /// Outbound kbps.
    pub out_kbps: u64,
}

/// A count over a window: `33 sessions in 1 minute`, `0 sessions per second in last 10 minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosWindowed {
    /// The window, minutes.
    pub minutes: u32,
    /// The count (sessions, or sessions per second for a setup rate).
    pub value: u64,
}

/// FortiOS `get system performance status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FortiosPerformance {
    /// `CPU states`: the whole unit.
    pub cpu: Option<FortiosCpuStates>,
    /// `CPU0 states`, `CPU1 states`...: each core.
    pub cores: Vec<FortiosCpuStates>,
    /// Memory total, KiB.
    pub memory_total_kb: Option<u64>,
    /// Memory used, KiB.
    pub memory_used_kb: Option<u64>,
    /// Memory used, percent (also the older `Memory states: 32% used`).
    pub memory_used_percent: Option<f64>,
    /// Memory free, KiB.
    pub memory_free_kb: Option<u64>,
    /// Cached memory that can be freed, KiB.
    pub memory_freeable_kb: Option<u64>,
    /// `Average network usage` per window.
    pub average_network: Vec<FortiosNetworkUsage>,
    /// `Maximal network usage` per window.
    pub maximal_network: Vec<FortiosNetworkUsage>,
    /// `Average sessions` per window.
    pub average_sessions: Vec<FortiosWindowed>,
    /// `Maximal sessions` per window.
    pub maximal_sessions: Vec<FortiosWindowed>,
    /// `Average session setup rate` (sessions per second) per window.
    pub average_session_setup_rate: Vec<FortiosWindowed>,
    /// `Maximal session setup rate` per window.
    pub maximal_session_setup_rate: Vec<FortiosWindowed>,
    /// `Average NPU sessions` per window.
    pub average_npu_sessions: Vec<FortiosWindowed>,
    /// `Virus caught` in the last minute.
    pub virus_caught: Option<u64>,
    /// `IPS attacks blocked` in the last minute.
    pub ips_attacks_blocked: Option<u64>,
    /// Uptime in seconds (`0 days, 22 hours, 59 minutes`).
    pub uptime_seconds: Option<u64>,
}

impl FortiosPerformance {
    /// The average sessions over the shortest window printed (one minute).
    pub fn sessions(&self) -> Option<u64> {
        self.average_sessions
            .iter()
            .min_by_key(|w| w.minutes)
            .map(|w| w.value)
    }
}

/// `N% word` pairs of a CPU line (`0% user 0% system ...`).
fn cpu_states(rest: &str, core: Option<u16>) -> FortiosCpuStates {
    let mut s = FortiosCpuStates {
        core,
        ..FortiosCpuStates::default()
    };
    let w: Vec<&str> = rest.split_whitespace().collect();
    for pair in w.windows(2) {
        let Some(v) = pair[0]
            .strip_suffix('%')
            .and_then(|v| v.parse::<f64>().ok())
        else {
            continue;
        };
        let slot = match pair[1] {
            "user" => &mut s.user,
            "system" => &mut s.system,
            "nice" => &mut s.nice,
            "idle" => &mut s.idle,
            "iowait" => &mut s.iowait,
            "irq" => &mut s.irq,
            "softirq" => &mut s.softirq,
            _ => continue,
        };
        *slot = Some(v);
    }
    s
}

/// The window of `... in 1 minute` / `in last 10 minutes`, minutes.
fn window(part: &str) -> Option<u32> {
    let w: Vec<&str> = part.split_whitespace().collect();
    let at = w.iter().position(|x| x.starts_with("minute"))?;
    w.get(at.checked_sub(1)?)?.parse().ok()
}

/// `41 / 28 kbps in 1 minute, 54 / 44 kbps in 10 minutes, ...`
fn network_windows(rest: &str) -> Vec<FortiosNetworkUsage> {
    rest.split(',')
        .filter_map(|part| {
            let w: Vec<&str> = part.split_whitespace().collect();
            let slash = w.iter().position(|x| *x == "/")?;
            Some(FortiosNetworkUsage {
                minutes: window(part)?,
                in_kbps: w.get(slash.checked_sub(1)?)?.parse().ok()?,
                out_kbps: w.get(slash + 1)?.parse().ok()?,
            })
        })
        .collect()
}

/// `33 sessions in 1 minute, 48 sessions in 10 minutes, ...`
fn count_windows(rest: &str) -> Vec<FortiosWindowed> {
    rest.split(',')
        .filter_map(|part| {
            Some(FortiosWindowed {
                minutes: window(part)?,
                value: part.split_whitespace().next()?.parse().ok()?,
            })
        })
        .collect()
}

/// `N` of `N total in 1 minute`.
fn first_number(rest: &str) -> Option<u64> {
    rest.split_whitespace().next()?.parse().ok()
}

/// `0 days, 22 hours, 59 minutes` in seconds.
fn uptime(rest: &str) -> Option<u64> {
    let mut total = 0u64;
    let mut any = false;
    for part in rest.split(',') {
        let w: Vec<&str> = part.split_whitespace().collect();
        let [n, unit] = w.as_slice() else { continue };
        let Ok(n) = n.parse::<u64>() else { continue };
        let mult = match unit.trim_end_matches('s') {
            "day" => 86_400,
            "hour" => 3_600,
            "minute" => 60,
            "second" => 1,
            _ => continue,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
        any = true;
    }
    any.then_some(total)
}

/// `4050332k total` → 4050332.
fn kib(s: &str, label: &str) -> Option<u64> {
    s.split(',').find_map(|part| {
        let w: Vec<&str> = part.split_whitespace().collect();
        (w.get(1) == Some(&label))
            .then(|| w[0].strip_suffix('k').or_else(|| w[0].strip_suffix('K')))
            .flatten()
            .and_then(|n| n.parse().ok())
    })
}

/// Parses FortiOS `get system performance status`: the CPU lines (unit and cores), memory
/// (`Memory: 4050332k total, 527148k used (13%), ...` and the older `Memory states: 32% used`),
/// network usage, sessions, setup rates and NPU sessions per window, virus / IPS counts and
/// uptime. Lines the parser does not know (`Average nTurbo sessions`...) are skipped; a value it
/// cannot read is `None` / left out of its list.
///
/// ```
/// let p = hermes_netdev::show::parse_fortios_performance_status(
///     "CPU states: 2% user 1% system 0% nice 96% idle 0% iowait 0% irq 1% softirq\n\
///      CPU0 states: 3% user 1% system 0% nice 95% idle 0% iowait 0% irq 1% softirq\n\
///      Memory: 2039608k total, 1154872k used (56.6%), 571856k free (28.0%), 312880k freeable (15.4%)\n\
///      Average network usage: 120 / 85 kbps in 1 minute, 98 / 60 kbps in 10 minutes\n\
///      Average sessions: 42 sessions in 1 minute, 40 sessions in 10 minutes\n\
///      Uptime: 3 days,  4 hours,  5 minutes\n",
/// );
/// assert_eq!(p.cpu.as_ref().unwrap().busy(), Some(4.0));
/// assert_eq!(p.cores[0].core, Some(0));
/// assert_eq!(p.memory_used_percent, Some(56.6));
/// assert_eq!(p.average_network[1].out_kbps, 60);
/// assert_eq!(p.sessions(), Some(42));
/// assert_eq!(p.uptime_seconds, Some(3 * 86_400 + 4 * 3_600 + 5 * 60));
/// ```
pub fn parse_fortios_performance_status(text: &str) -> FortiosPerformance {
    let mut p = FortiosPerformance::default();
    for line in text.lines() {
        let t = line.trim();
        let Some((label, rest)) = t.split_once(':') else {
            continue;
        };
        let rest = rest.trim();
        if let Some(cpu) = label
            .strip_suffix(" states")
            .and_then(|l| l.strip_prefix("CPU"))
        {
            if cpu.is_empty() {
                p.cpu = Some(cpu_states(rest, None));
            } else if let Ok(n) = cpu.parse() {
                p.cores.push(cpu_states(rest, Some(n)));
            }
            continue;
        }
        match label {
            "Memory" => {
                p.memory_total_kb = kib(rest, "total");
                p.memory_used_kb = kib(rest, "used");
                p.memory_free_kb = kib(rest, "free");
                p.memory_freeable_kb = kib(rest, "freeable");
                p.memory_used_percent = rest.split(',').find_map(|part| {
                    let part = part.trim();
                    let (_, pct) = part.split_once(" used (")?;
                    pct.trim_end_matches(')').trim_end_matches('%').parse().ok()
                });
            }
            "Memory states" => {
                p.memory_used_percent = rest
                    .split_whitespace()
                    .next()
                    .and_then(|v| v.trim_end_matches('%').parse().ok());
            }
            "Average network usage" => p.average_network = network_windows(rest),
            "Maximal network usage" => p.maximal_network = network_windows(rest),
            "Average sessions" => p.average_sessions = count_windows(rest),
            "Maximal sessions" => p.maximal_sessions = count_windows(rest),
            "Average session setup rate" => p.average_session_setup_rate = count_windows(rest),
            "Maximal session setup rate" => p.maximal_session_setup_rate = count_windows(rest),
            "Average NPU sessions" => p.average_npu_sessions = count_windows(rest),
            "Virus caught" => p.virus_caught = first_number(rest),
            "IPS attacks blocked" => p.ips_attacks_blocked = first_number(rest),
            "Uptime" => p.uptime_seconds = uptime(rest),
            _ => {}
        }
    }
    p
}

/// FortiOS `get hardware status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FortiosHardwareStatus {
    /// `Model name` (`FortiGate-60F`).
    pub model_name: Option<String>,
    /// `ASIC version` (`SOC4`, `CP9`).
    pub asic_version: Option<String>,
    /// `CPU` (`ARMv8`, `Intel(R) Xeon(R) ...`).
    pub cpu: Option<String>,
    /// `Number of CPUs`.
    pub cpus: Option<u16>,
    /// `RAM` in MB.
    pub ram_mb: Option<u64>,
    /// `Hard disk` as printed (`122104 MB /dev/sda`, `not available`).
    pub hard_disk: Option<String>,
    /// `Network Card chipset` lines, in order (a unit with several chipsets prints several).
    pub network_card_chipsets: Vec<String>,
    /// Every `label: value` line as printed, in order (`ASIC SRAM`, `EMMC`, `Flash`, `USB Flash`...).
    pub fields: Vec<(String, String)>,
}

/// Parses FortiOS `get hardware status`: every `label: value` line kept in `fields`, the usual
/// ones typed (model, ASIC, CPU, CPU count, RAM in MB, hard disk, network chipsets). Prompts and
/// lines without a label are skipped.
///
/// ```
/// let h = hermes_netdev::show::parse_fortios_hardware_status(
///     "Model name: FortiGate-60F\n\
///      ASIC version: SOC4\n\
///      CPU: ARMv8\n\
///      Number of CPUs: 4\n\
///      RAM: 1824 MB\n\
///      Hard disk: not available\n\
///      Network Card chipset: FortiASIC NP6XLITE Adapter (rev.)\n",
/// );
/// assert_eq!(h.model_name.as_deref(), Some("FortiGate-60F"));
/// assert_eq!((h.cpus, h.ram_mb), (Some(4), Some(1824)));
/// assert_eq!(h.network_card_chipsets.len(), 1);
/// assert_eq!(h.fields.len(), 7);
/// ```
pub fn parse_fortios_hardware_status(text: &str) -> FortiosHardwareStatus {
    let mut h = FortiosHardwareStatus::default();
    for line in text.lines() {
        let t = line.trim();
        let Some((label, value)) = t.split_once(':') else {
            continue;
        };
        let (label, value) = (label.trim(), value.trim());
        if label.is_empty()
            || label.contains(['#', '$'])
            || !label.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            continue;
        }
        let v = super::non_empty(value);
        match label {
            "Model name" => h.model_name = v.clone(),
            "ASIC version" => h.asic_version = v.clone(),
            "CPU" => h.cpu = v.clone(),
            "Number of CPUs" => h.cpus = value.parse().ok(),
            "RAM" => h.ram_mb = value.strip_suffix("MB").and_then(|n| n.trim().parse().ok()),
            "Hard disk" => h.hard_disk = v.clone(),
            "Network Card chipset" => h.network_card_chipsets.extend(v.clone()),
            _ => {}
        }
        h.fields.push((label.to_string(), value.to_string()));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The FortiOS 7.0 layout (with the `Maximal` and `NPU` lines) and the 5.x `Memory states`.
    #[test]
    fn maximal_npu_lines_and_older_memory_line() {
        let p = parse_fortios_performance_status(
            "FGT60F # get system performance status\n\
             CPU states: 0% user 0% system 0% nice 100% idle 0% iowait 0% irq 0% softirq\n\
             CPU1 states: 1% user 0% system 0% nice 99% idle 0% iowait 0% irq 0% softirq\n\
             Maximal network usage: 1 / 0 kbps in 1 minute, 36 / 1630 kbps in 10 minutes\n\
             Maximal sessions: 9 sessions in 1 minute, 13 sessions in 10 minutes\n\
             Average session setup rate: 0 sessions per second in last 1 minute, 5 sessions per second in last 10 minutes\n\
             Average NPU sessions: 0 sessions in last 1 minute, 2 sessions in last 10 minutes\n\
             Average nTurbo sessions: 0 sessions in last 1 minute\n\
             Virus caught: 0 total in 1 minute\n\
             IPS attacks blocked: 3 total in 1 minute\n\
             Memory states: 32% used\n",
        );
        assert_eq!(p.cores[0].core, Some(1));
        assert_eq!(p.cores[0].user, Some(1.0));
        assert_eq!(p.maximal_network[1].out_kbps, 1630);
        assert_eq!(p.maximal_sessions[1].minutes, 10);
        assert_eq!(p.average_session_setup_rate[1].value, 5);
        assert_eq!(p.average_npu_sessions[1].value, 2);
        assert_eq!(p.ips_attacks_blocked, Some(3));
        assert_eq!(p.memory_used_percent, Some(32.0));
        assert_eq!(p.memory_total_kb, None);
        assert_eq!(p.sessions(), None);
    }

    #[test]
    fn cut_lines_give_none() {
        let p = parse_fortios_performance_status(
            "CPU states: 2% us\nMemory: 20396\nAverage network usage: 120 / \nUptime: 3 da\nCPUx states: 1% user\n",
        );
        assert_eq!(p.cpu.as_ref().unwrap().user, None);
        assert!(p.cores.is_empty());
        assert_eq!(p.memory_total_kb, None);
        assert!(p.average_network.is_empty());
        assert_eq!(p.uptime_seconds, None);
        let h = parse_fortios_hardware_status("RAM: 18\nNumber of CPUs: x\nFGT60F # \n: x\n");
        assert_eq!((h.ram_mb, h.cpus), (None, None));
        assert_eq!(h.fields.len(), 2);
    }
}
