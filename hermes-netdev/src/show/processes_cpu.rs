//! IOS `show processes cpu` (also `sorted`).

use serde::{Deserialize, Serialize};

use super::ntc_str;

/// IOS `show processes cpu`: the `CPU utilization` line and the process table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IosProcessesCpu {
    /// Total CPU use over five seconds, percent.
    #[serde(default)]
    pub cpu_usage_5_sec: Option<u32>,
    /// The part of it spent at interrupt level, percent.
    #[serde(default)]
    pub cpu_interruption_5_sec: Option<u32>,
    /// Over one minute, percent.
    #[serde(default)]
    pub cpu_usage_1_min: Option<u32>,
    /// Over five minutes, percent.
    #[serde(default)]
    pub cpu_usage_5_min: Option<u32>,
    /// The process rows, in the order printed.
    #[serde(default)]
    pub processes: Vec<IosProcessCpu>,
}

/// One process row (ntc-templates `cisco_ios_show_processes_cpu` `process_*` fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosProcessCpu {
    /// `PID`.
    #[serde(with = "ntc_str")]
    pub process_pid: u32,
    /// `Runtime(ms)`.
    #[serde(with = "ntc_str")]
    pub process_runtime: u64,
    /// `Invoked`.
    #[serde(with = "ntc_str")]
    pub process_invoked: u64,
    /// `uSecs` per invocation.
    #[serde(with = "ntc_str")]
    pub process_cpu_time_for_invocation: u64,
    /// `5Sec`, percent.
    #[serde(with = "pct")]
    pub process_cpu_usage_5_sec: f64,
    /// `1Min`, percent.
    #[serde(with = "pct")]
    pub process_cpu_usage_1_min: f64,
    /// `5Min`, percent.
    #[serde(with = "pct")]
    pub process_cpu_usage_5_min: f64,
    /// `TTY`.
    #[serde(with = "ntc_str")]
    pub process_tty: u32,
    /// The process name (IOS cuts it to 16 characters).
    pub process_name: String,
}

/// A percentage written as IOS prints it (`1.18`, two decimals).
mod pct {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{v:.2}"))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// `4%/0%;` → (4, Some(0)); `6%;` → (6, None).
fn percents(w: &str) -> Option<(u32, Option<u32>)> {
    let w = w.trim_end_matches(';');
    let (a, b) = match w.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (w, None),
    };
    let a = a.strip_suffix('%')?.parse().ok()?;
    let b = match b {
        Some(b) => Some(b.strip_suffix('%')?.parse().ok()?),
        None => None,
    };
    Some((a, b))
}

/// Parses IOS / IOS-XE `show processes cpu [sorted]`: the `CPU utilization for five seconds:
/// X%/Y%; one minute: Z%; five minutes: W%` line and the `PID Runtime(ms) Invoked uSecs 5Sec 1Min
/// 5Min TTY Process` rows (percentages with or without `%`: IOS-XE's per-core table prints them
/// bare, under `Core N: CPU utilization ...` lines, which are not read). Other lines are skipped.
///
/// ```
/// let cpu = hermes_netdev::show::parse_ios_show_processes_cpu(
///     "CPU utilization for five seconds: 4%/0%; one minute: 6%; five minutes: 5%\n\
///      \x20PID Runtime(ms)   Invoked      uSecs   5Sec   1Min   5Min TTY Process\n\
///      \x20  4    12798734    606112      21116  0.00%  1.18%  0.92%   0 Check heaps\n",
/// );
/// assert_eq!(cpu.cpu_usage_5_sec, Some(4));
/// assert_eq!(cpu.cpu_usage_5_min, Some(5));
/// assert_eq!(cpu.processes[0].process_name, "Check heaps");
/// assert_eq!(cpu.processes[0].process_cpu_usage_1_min, 1.18);
/// ```
pub fn parse_ios_show_processes_cpu(text: &str) -> IosProcessesCpu {
    let mut out = IosProcessesCpu::default();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if let ["CPU", "utilization", "for", "five", "seconds:", a, "one", "minute:", b, "five", "minutes:", c, ..] =
            w.as_slice()
        {
            if let Some((five, irq)) = percents(a) {
                out.cpu_usage_5_sec = Some(five);
                out.cpu_interruption_5_sec = irq;
            }
            out.cpu_usage_1_min = percents(b).map(|p| p.0);
            out.cpu_usage_5_min = percents(c).map(|p| p.0);
            continue;
        }
        if let Some(p) = process_row(&w) {
            out.processes.push(p);
        }
    }
    out
}

fn process_row(w: &[&str]) -> Option<IosProcessCpu> {
    if w.len() < 9 {
        return None;
    }
    // IOS prints `0.00%`; IOS-XE's per-core `sorted` table prints `0.00`.
    let pct = |s: &str| s.strip_suffix('%').unwrap_or(s).parse::<f64>().ok();
    Some(IosProcessCpu {
        process_pid: w[0].parse().ok()?,
        process_runtime: w[1].parse().ok()?,
        process_invoked: w[2].parse().ok()?,
        process_cpu_time_for_invocation: w[3].parse().ok()?,
        process_cpu_usage_5_sec: pct(w[4])?,
        process_cpu_usage_1_min: pct(w[5])?,
        process_cpu_usage_5_min: pct(w[6])?,
        process_tty: w[7].parse().ok()?,
        process_name: w[8..].join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_core_table_without_percent_signs() {
        // genieparser iosxe ShowProcessesCpuSorted golden_output_2: all 201 rows were lost.
        let cpu = parse_ios_show_processes_cpu(
            "Core 0: CPU utilization for five seconds: 6%; one minute: 8%;  five minutes: 7%\n\
             PID    Runtime(ms) Invoked  uSecs  5Sec     1Min     5Min     TTY   Process\n\
             5782   2045595     13521147 208    4.52     6.10     5.85     0     iosd               \n\
             22     1520051     62763660 24     0.02     0.02     0.02     0     sirq-net-rx/1      \n",
        );
        assert_eq!(
            cpu.cpu_usage_5_sec, None,
            "a core's figure is not the total"
        );
        assert_eq!(cpu.processes.len(), 2);
        assert_eq!(cpu.processes[0].process_cpu_usage_1_min, 6.10);
        assert_eq!(cpu.processes[1].process_name, "sirq-net-rx/1");
    }

    #[test]
    fn utilisation_line() {
        let cpu = parse_ios_show_processes_cpu(
            "CPU utilization for five seconds: 13%/2%; one minute: 9%; five minutes: 8%\n",
        );
        assert_eq!(
            (cpu.cpu_usage_5_sec, cpu.cpu_interruption_5_sec),
            (Some(13), Some(2))
        );
        assert_eq!(
            (cpu.cpu_usage_1_min, cpu.cpu_usage_5_min),
            (Some(9), Some(8))
        );
        assert!(cpu.processes.is_empty());
    }
}
