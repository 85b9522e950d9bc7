//! IOS `show interfaces transceiver` (the DOM table) and NX-OS `show interface transceiver
//! [details]` (the transceiver's identity and, with `details`, its DOM readings with thresholds).

use serde::{Deserialize, Serialize};

/// One digital optical monitoring reading as printed: `23.1`, `-40.0` with an alarm flag after it
/// (`--`), or `N/A`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomReading {
    /// The value; `None` for `N/A`.
    pub value: Option<f64>,
    /// The value as printed (`23.10`, `-2.2`, `N/A`).
    pub text: String,
    /// The flag printed after it: `++` high alarm, `+` high warning, `-` low warning, `--` low
    /// alarm.
    pub alarm: Option<String>,
}

impl DomReading {
    /// A reading from its printed value (a number or `N/A`, an alarm flag glued after a number
    /// split off); `None` for anything else.
    fn parse(s: &str) -> Option<DomReading> {
        if s.eq_ignore_ascii_case("N/A") || s.eq_ignore_ascii_case("NA") {
            return Some(DomReading {
                value: None,
                text: s.to_string(),
                alarm: None,
            });
        }
        let body = s.trim_end_matches(['+', '-']);
        let flag = &s[body.len()..];
        let value = body.parse::<f64>().ok().filter(|v| v.is_finite())?;
        if !body.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(DomReading {
            value: Some(value),
            text: body.to_string(),
            alarm: is_flag(flag).then(|| flag.to_string()),
        })
    }

    /// Whether the device flags this reading as beyond an alarm threshold (`++` or `--`).
    pub fn is_alarm(&self) -> bool {
        matches!(self.alarm.as_deref(), Some("++" | "--"))
    }
}

/// Whether `s` is an alarm / warning flag.
fn is_flag(s: &str) -> bool {
    matches!(s, "++" | "+" | "-" | "--")
}

/// One row of IOS / IOS-XE `show interfaces transceiver` (ntc-templates
/// `cisco_ios_show_interface_transceiver` field names). A column the table does not print (older
/// releases have no `Current`) is `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosTransceiverDom {
    /// The port as printed (`Te1/1/1`).
    pub interface: String,
    /// Module temperature, degrees Celsius.
    pub temperature: Option<DomReading>,
    /// Supply voltage, volts.
    pub voltage: Option<DomReading>,
    /// Laser bias current, mA.
    pub current: Option<DomReading>,
    /// Optical transmit power, dBm.
    pub tx_pwr: Option<DomReading>,
    /// Optical receive power, dBm.
    pub rx_pwr: Option<DomReading>,
}

impl IosTransceiverDom {
    /// The readings the device flags as alarms (`++` / `--`), by column name.
    pub fn alarms(&self) -> Vec<(&'static str, &DomReading)> {
        [
            ("temperature", &self.temperature),
            ("voltage", &self.voltage),
            ("current", &self.current),
            ("tx_pwr", &self.tx_pwr),
            ("rx_pwr", &self.rx_pwr),
        ]
        .into_iter()
        .filter_map(|(n, r)| r.as_ref().filter(|r| r.is_alarm()).map(|r| (n, r)))
        .collect()
    }
}

/// The columns of the IOS table, from its header lines.
#[derive(Clone, Copy, PartialEq)]
enum IosColumn {
    Temperature,
    Voltage,
    Current,
    TxPower,
    RxPower,
    Other,
}

/// Parses IOS / IOS-XE `show interfaces transceiver`: one record per port row, the columns taken
/// from the header (`Current` and a trailing `Max Power` printed or not), an alarm flag after a
/// value (`-40.0 --`) kept on its reading. The legend, timestamps and prompts are skipped; a row
/// cut short keeps the readings it has. The ASR 1000's `show interfaces X transceiver` blocks
/// (`Module temperature = +22.214 C`, supply voltage, Tx and Rx power; no bias current, which
/// it prints per lane) give the port's row when the table does not list it.
///
/// ```
/// let rows = hermes_netdev::show::parse_ios_show_interfaces_transceiver(
///     "                                             Optical   Optical\n\
///      \x20            Temperature  Voltage  Current   Tx Power  Rx Power\n\
///      Port         (Celsius)    (Volts)  (mA)      (dBm)     (dBm)\n\
///      ---------    -----------  -------  --------  --------  --------\n\
///      Te1/1/1      33.0       3.32      17.8       0.4      -1.2\n\
///      Te4/0/6      31.7       3.24      38.9      -2.0     -40.0 --\n",
/// );
/// assert_eq!(rows[0].temperature.as_ref().unwrap().value, Some(33.0));
/// assert_eq!(rows[1].rx_pwr.as_ref().unwrap().alarm.as_deref(), Some("--"));
/// assert_eq!(rows[1].alarms()[0].0, "rx_pwr");
/// ```
pub fn parse_ios_show_interfaces_transceiver(text: &str) -> Vec<IosTransceiverDom> {
    let default = [
        IosColumn::Temperature,
        IosColumn::Voltage,
        IosColumn::Current,
        IosColumn::TxPower,
        IosColumn::RxPower,
    ];
    let mut columns: Vec<IosColumn> = default.to_vec();
    let mut out = Vec::new();
    // ASR 1000 blocks (`Module temperature = ...`), kept apart until the table is read.
    let mut blocks: Vec<IosTransceiverDom> = Vec::new();
    // The port the echoed command names (`show interfaces HundredGigE2/0/0 transceiver`).
    let mut echoed: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if asr_block_line(t, &mut echoed, &mut blocks) {
            continue;
        }
        if t.starts_with("Temperature") {
            // `Temperature  Voltage  [Current]  Tx Power  Rx Power  [Max Power]`
            let names = t.replace("Tx Power", "Tx").replace("Rx Power", "Rx");
            columns = names
                .replace("Max Power", "Max")
                .split_whitespace()
                .map(|w| match w {
                    "Temperature" => IosColumn::Temperature,
                    "Voltage" => IosColumn::Voltage,
                    "Current" => IosColumn::Current,
                    "Tx" => IosColumn::TxPower,
                    "Rx" => IosColumn::RxPower,
                    _ => IosColumn::Other,
                })
                .collect();
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        let Some((name, rest)) = w.split_first() else {
            continue;
        };
        if line.starts_with(char::is_whitespace)
            || !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !name.contains('/')
        {
            continue;
        }
        // Readings in order, a flag token attached to the reading before it.
        let mut readings: Vec<DomReading> = Vec::new();
        for tok in rest {
            if is_flag(tok) {
                if let Some(last) = readings.last_mut() {
                    last.alarm = Some(tok.to_string());
                }
            } else if let Some(r) = DomReading::parse(tok) {
                readings.push(r);
            } else if !matches!(*tok, "W" | "C" | "V" | "mA" | "dBm") {
                break;
            }
        }
        if readings.is_empty() {
            continue;
        }
        let mut row = IosTransceiverDom {
            interface: name.to_string(),
            temperature: None,
            voltage: None,
            current: None,
            tx_pwr: None,
            rx_pwr: None,
        };
        for (col, r) in columns.iter().zip(readings) {
            let slot = match col {
                IosColumn::Temperature => &mut row.temperature,
                IosColumn::Voltage => &mut row.voltage,
                IosColumn::Current => &mut row.current,
                IosColumn::TxPower => &mut row.tx_pwr,
                IosColumn::RxPower => &mut row.rx_pwr,
                IosColumn::Other => continue,
            };
            *slot = Some(r);
        }
        out.push(row);
    }
    // A block whose port the table also lists is that row (the table's own reading is kept).
    for b in blocks {
        if !b.interface.is_empty() && !out.iter().any(|r| same_port(&r.interface, &b.interface)) {
            out.push(b);
        }
    }
    out
}

/// `Hu2/0/0` and `HundredGigE2/0/0` name the same port.
fn same_port(a: &str, b: &str) -> bool {
    fn split(s: &str) -> (String, &str) {
        let at = s
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(s.len());
        (s[..at].to_ascii_lowercase(), &s[at..])
    }
    let ((x, n), (y, m)) = (split(a), split(b));
    n == m && !x.is_empty() && !y.is_empty() && (x.starts_with(&y) || y.starts_with(&x))
}

/// Reads a line of the ASR 1000 layout of `show interfaces X transceiver` into `blocks`: `The
/// Transceiver in slot 2 subslot 0 port 0 is enabled.` opens a block for the echoed port,
/// `Module temperature = +22.214 C [Range: ...]`, `Transceiver Tx supply voltage = 3.2405
/// Volts`, `Transceiver Tx power = 6.1 dBm` and `Transceiver Rx optical power = 6.5 dBm` fill
/// it, `IDPROM for transceiver HundredGigE2/0/0:` names it when no command was echoed. Per-lane
/// lines are not read (the bias current is per lane there). True when the line was one of these.
fn asr_block_line(
    t: &str,
    echoed: &mut Option<String>,
    blocks: &mut Vec<IosTransceiverDom>,
) -> bool {
    // The echo, after a prompt or not (`R1#show interfaces Hu2/0/0 transceiver`).
    if let Some(at) = t.find("show interfaces ") {
        let rest = &t[at + "show interfaces ".len()..];
        if let Some(port) = rest.strip_suffix(" transceiver").map(str::trim) {
            if !port.is_empty() && !port.contains(' ') {
                *echoed = Some(port.to_string());
                return true;
            }
        }
    }
    if t.starts_with("The Transceiver in slot ") {
        blocks.push(IosTransceiverDom {
            interface: echoed.take().unwrap_or_default(),
            temperature: None,
            voltage: None,
            current: None,
            tx_pwr: None,
            rx_pwr: None,
        });
        return true;
    }
    if let Some(port) = t
        .strip_prefix("IDPROM for transceiver ")
        .and_then(|p| p.strip_suffix(':'))
    {
        if let Some(b) = blocks.last_mut().filter(|b| b.interface.is_empty()) {
            b.interface = port.trim().to_string();
        }
        return true;
    }
    let Some((name, value)) = t.split_once('=') else {
        return false;
    };
    let Some(b) = blocks.last_mut() else {
        return false;
    };
    let slot = match name.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["Module", "temperature"] => &mut b.temperature,
        ["Transceiver", "Tx", "supply", "voltage"] => &mut b.voltage,
        ["Transceiver", "Tx", "power"] => &mut b.tx_pwr,
        ["Transceiver", "Rx", "optical", "power"] => &mut b.rx_pwr,
        _ => return false,
    };
    let first = value.split_whitespace().next().unwrap_or("");
    *slot = DomReading::parse(first.strip_prefix('+').unwrap_or(first));
    true
}

/// One measurement of NX-OS `show interface transceiver details`: the current reading and the
/// thresholds printed beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomMeasurement {
    /// The current reading, with the flag the switch printed after it.
    pub current: DomReading,
    /// High alarm threshold.
    pub alarm_high: Option<DomReading>,
    /// Low alarm threshold.
    pub alarm_low: Option<DomReading>,
    /// High warning threshold.
    pub warn_high: Option<DomReading>,
    /// Low warning threshold.
    pub warn_low: Option<DomReading>,
}

/// The DOM readings of one lane (or of the whole transceiver when it prints no lanes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NxosDomLane {
    /// `Lane Number:N` of a multi-lane transceiver.
    pub lane: Option<u8>,
    /// Temperature, degrees Celsius.
    pub temperature: Option<DomMeasurement>,
    /// Voltage, volts.
    pub voltage: Option<DomMeasurement>,
    /// Bias current, mA.
    pub current: Option<DomMeasurement>,
    /// Transmit power, dBm.
    pub tx_power: Option<DomMeasurement>,
    /// Receive power, dBm.
    pub rx_power: Option<DomMeasurement>,
}

/// One port of NX-OS `show interface transceiver [details]` (ntc-templates
/// `cisco_nxos_show_interface_transceiver` field names for the identity).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NxosTransceiver {
    /// The port (`Ethernet1/6`, `fc1/48`).
    pub interface: String,
    /// `present`, `not present`, `not applicable` (`transceiver is X`, Fibre Channel `sfp is X`).
    pub status: Option<String>,
    /// `type is X` (`10Gbase-SR`, `QSFP-DD-400G-FR4`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The vendor (`name is X`).
    pub manufacturer: Option<String>,
    /// The vendor's part number.
    pub part_number: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// `cisco product id is X` (`SFP-10G-SR`).
    pub product_id: Option<String>,
    /// DOM readings (`details`): one entry per lane, or one without a lane.
    pub dom: Vec<NxosDomLane>,
}

/// The DOM label a line starts with, and what follows it.
fn dom_label(t: &str) -> Option<(&'static str, &str)> {
    const LABELS: &[(&str, &str)] = &[
        ("Temperature", "temperature"),
        ("Voltage", "voltage"),
        ("Current", "current"),
        ("Optical Tx Power", "tx"),
        ("Optical Rx Power", "rx"),
        ("Tx Power", "tx"),
        ("Rx Power", "rx"),
    ];
    LABELS.iter().find_map(|(label, key)| {
        let rest = t.strip_prefix(label)?;
        rest.starts_with([' ', ':'])
            .then(|| (*key, rest.trim_start().trim_start_matches(':')))
    })
}

/// Parses NX-OS `show interface transceiver` and `show interface transceiver details` (also the
/// Nexus 5000 Fibre Channel layout `fc1/48 sfp is present`): one record per port with the
/// transceiver's identity and, with `details`, the DOM table of each lane (the current value with
/// its flag, alarm and warning thresholds; Fibre Channel ports print current values only). Lines
/// the parser does not use (link lengths, wavelengths, notes) are skipped.
///
/// ```
/// let t = hermes_netdev::show::parse_nxos_show_interface_transceiver(
///     "Ethernet3/1\n\
///      \x20   transceiver is present\n\
///      \x20   type is 10Gbase-SR\n\
///      \x20   name is CISCO-FINISAR\n\
///      \x20   serial number is FNS18510TXL\n\
///      \x20   cisco product id is SFP-10G-SR\n\
///      \x20 Temperature   35.66 C        75.00 C     -5.00 C     70.00 C        0.00 C\n\
///      \x20 Rx Power     -30.45 dBm --    2.00 dBm  -13.90 dBm   -1.00 dBm     -9.90 dBm\n\
///      Ethernet1/9\n\
///      \x20   transceiver is not present\n",
/// );
/// assert_eq!(t[0].product_id.as_deref(), Some("SFP-10G-SR"));
/// let rx = t[0].dom[0].rx_power.as_ref().unwrap();
/// assert!(rx.current.is_alarm());
/// assert_eq!(rx.alarm_low.as_ref().unwrap().value, Some(-13.9));
/// assert_eq!(t[1].status.as_deref(), Some("not present"));
/// ```
pub fn parse_nxos_show_interface_transceiver(text: &str) -> Vec<NxosTransceiver> {
    let mut out: Vec<NxosTransceiver> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            let mut w = t.split_whitespace();
            let first = w.next().unwrap_or_default();
            if first.contains('/')
                && first.starts_with(|c: char| c.is_ascii_alphabetic())
                && !first.contains(':')
            {
                let rest: Vec<&str> = w.collect();
                let status = match rest.as_slice() {
                    [] => None,
                    ["sfp" | "transceiver", "is", s @ ..] if !s.is_empty() => Some(s.join(" ")),
                    _ => continue,
                };
                out.push(NxosTransceiver {
                    interface: first.to_string(),
                    status,
                    ..NxosTransceiver::default()
                });
                continue;
            }
        }
        let Some(port) = out.last_mut() else { continue };
        if let Some(n) = t.strip_prefix("Lane Number:") {
            let lane = n.split_whitespace().next().and_then(|n| n.parse().ok());
            port.dom.push(NxosDomLane {
                lane,
                ..NxosDomLane::default()
            });
            continue;
        }
        let is = |label: &str| -> Option<Option<String>> {
            let lower = t.to_ascii_lowercase();
            let rest = lower.strip_prefix(label)?;
            let value = t[t.len() - rest.len()..].trim();
            Some(super::non_empty(value))
        };
        if let Some(v) = is("transceiver is ") {
            port.status = v;
        } else if let Some(v) = is("type is ") {
            port.kind = v;
        } else if let Some(v) = is("name is ") {
            port.manufacturer = v;
        } else if let Some(v) =
            is("part number is ").or_else(|| is("manufacturer's part number is "))
        {
            port.part_number = v;
        } else if let Some(v) = is("serial number is ") {
            port.serial = v;
        } else if let Some(v) = is("cisco product id is ") {
            port.product_id = v;
        } else if let Some((key, rest)) = dom_label(t) {
            let Some(m) = measurement(rest) else { continue };
            if port.dom.is_empty() {
                port.dom.push(NxosDomLane::default());
            }
            let Some(lane) = port.dom.last_mut() else {
                continue;
            };
            let slot = match key {
                "temperature" => &mut lane.temperature,
                "voltage" => &mut lane.voltage,
                "current" => &mut lane.current,
                "tx" => &mut lane.tx_power,
                _ => &mut lane.rx_power,
            };
            *slot = Some(m);
        }
    }
    out
}

/// The readings of one DOM line after its label: `35.66 C  75.00 C  -5.00 C  70.00 C  0.00 C`,
/// units and flags between them (`-14.05 dBm --  1.69 dBm ...`).
fn measurement(rest: &str) -> Option<DomMeasurement> {
    let mut readings: Vec<DomReading> = Vec::new();
    for tok in rest.split_whitespace() {
        if is_flag(tok) {
            if let Some(last) = readings.last_mut() {
                last.alarm = Some(tok.to_string());
            }
        } else if let Some(r) = DomReading::parse(tok) {
            readings.push(r);
        } else if !matches!(tok, "C" | "V" | "mA" | "dBm" | "mW" | "W" | "uA") {
            break;
        }
    }
    let mut it = readings.into_iter();
    Some(DomMeasurement {
        current: it.next()?,
        alarm_high: it.next(),
        alarm_low: it.next(),
        warn_high: it.next(),
        warn_low: it.next(),
    })
}

/// One port (or lane of a multi-lane port) of IOS / IOS-XE `show interfaces transceiver detail`:
/// each measurement with its thresholds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IosTransceiverDetail {
    /// The port as printed (`Twe2/1/1`).
    pub interface: String,
    /// The lane of the current / power tables (`1`..`4` on a QSFP); `None` for `N/A` or a table
    /// without a `Lane` column.
    pub lane: Option<String>,
    /// Temperature, degrees Celsius.
    pub temperature: Option<DomMeasurement>,
    /// Supply voltage, volts.
    pub voltage: Option<DomMeasurement>,
    /// Laser bias current, mA.
    pub current: Option<DomMeasurement>,
    /// Optical transmit power, dBm.
    pub tx_power: Option<DomMeasurement>,
    /// Optical receive power, dBm.
    pub rx_power: Option<DomMeasurement>,
}

/// The readings of an IOS detail row: the value, then `High Alarm`, `High Warn`, `Low Warn`, `Low
/// Alarm`; flags kept on the reading before them, A2D readouts in parentheses skipped.
fn ios_detail_measurement(values: &[&str]) -> Option<DomMeasurement> {
    let mut readings: Vec<DomReading> = Vec::new();
    for tok in values {
        if is_flag(tok) {
            if let Some(last) = readings.last_mut() {
                last.alarm = Some(tok.to_string());
            }
        } else if tok.starts_with('(') || tok.ends_with(')') {
            continue;
        } else if let Some(r) = DomReading::parse(tok) {
            readings.push(r);
        } else {
            break;
        }
    }
    let mut it = readings.into_iter();
    let current = it.next()?;
    let (alarm_high, warn_high, warn_low, alarm_low) = (it.next(), it.next(), it.next(), it.next());
    Some(DomMeasurement {
        current,
        alarm_high,
        alarm_low,
        warn_high,
        warn_low,
    })
}

/// Parses IOS / IOS-XE `show interfaces transceiver detail`: the Temperature, Voltage, Current,
/// Transmit Power and Receive Power tables, each row's value with its high alarm, high warning,
/// low warning and low alarm thresholds, joined into one record per port and lane (a `Lane`
/// column, where printed, splits a port's current and power readings per lane; `N/A` lanes are
/// the port's). The legend, `ITU Channel` lines, indented captures and prompts are handled; the
/// ASR 1000 `IDPROM` layout gives no record.
///
/// ```
/// let d = hermes_netdev::show::parse_ios_show_interfaces_transceiver_detail(
///     "                                High Alarm  High Warn  Low Warn   Low Alarm\n\
///      \x20            Temperature        Threshold   Threshold  Threshold  Threshold\n\
///      Port         (Celsius)          (Celsius)   (Celsius)  (Celsius)  (Celsius)\n\
///      ---------    -----------------  ----------  ---------  ---------  ---------\n\
///      Te1/1/1      48.5                   75.0       70.0        0.0       -5.0\n\
///      \n\
///      \x20                 Optical          High Alarm  High Warn  Low Warn   Low Alarm\n\
///      \x20                 Receive Power    Threshold   Threshold  Threshold  Threshold\n\
///      Port       Lane  (dBm)            (dBm)       (dBm)      (dBm)      (dBm)\n\
///      ---------  ----  ---------------  ----------  ---------  ---------  ---------\n\
///      Te1/1/1    N/A   -14.2 --              1.0        0.0      -12.1      -13.1\n",
/// );
/// assert_eq!(d.len(), 1);
/// let t = d[0].temperature.as_ref().unwrap();
/// assert_eq!((t.current.value, t.alarm_high.as_ref().unwrap().value), (Some(48.5), Some(75.0)));
/// assert_eq!(t.alarm_low.as_ref().unwrap().value, Some(-5.0));
/// assert!(d[0].rx_power.as_ref().unwrap().current.is_alarm());
/// ```
pub fn parse_ios_show_interfaces_transceiver_detail(text: &str) -> Vec<IosTransceiverDetail> {
    let mut out: Vec<IosTransceiverDetail> = Vec::new();
    let mut measure: Option<&'static str> = None;
    let mut has_lane = false;
    for line in text.lines() {
        let t = line.trim();
        if t.ends_with("Threshold") {
            // `Temperature  Threshold ...`, `Transmit Power  Threshold ...`
            measure = if t.starts_with("Temperature") {
                Some("temperature")
            } else if t.starts_with("Voltage") {
                Some("voltage")
            } else if t.starts_with("Current") {
                Some("current")
            } else if t.starts_with("Transmit Power") {
                Some("tx")
            } else if t.starts_with("Receive Power") {
                Some("rx")
            } else {
                None
            };
            continue;
        }
        if t.starts_with("Port ") {
            has_lane = t.split_whitespace().nth(1) == Some("Lane");
            continue;
        }
        let Some(key) = measure else { continue };
        let w: Vec<&str> = t.split_whitespace().collect();
        let Some((name, rest)) = w.split_first() else {
            continue;
        };
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) || !name.contains('/') {
            continue;
        }
        let (lane, values) = match rest.split_first() {
            Some((l, v)) if has_lane => {
                ((!l.eq_ignore_ascii_case("N/A")).then(|| l.to_string()), v)
            }
            _ => (None, rest),
        };
        let Some(m) = ios_detail_measurement(values) else {
            continue;
        };
        let at = match out
            .iter()
            .position(|r| r.interface == *name && r.lane == lane)
        {
            Some(i) => i,
            None => {
                out.push(IosTransceiverDetail {
                    interface: name.to_string(),
                    lane,
                    ..IosTransceiverDetail::default()
                });
                out.len() - 1
            }
        };
        let row = &mut out[at];
        let slot = match key {
            "temperature" => &mut row.temperature,
            "voltage" => &mut row.voltage,
            "current" => &mut row.current,
            "tx" => &mut row.tx_power,
            _ => &mut row.rx_power,
        };
        *slot = Some(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// genieparser `iosxe/tests/ShowInterfacesTransceiver/cli/equal/golden2_output.txt`
    /// (Apache-2.0): a `Max Power` column after Rx, printed `0.0 W`.
    #[test]
    fn ios_max_power_column_ignored() {
        let r = parse_ios_show_interfaces_transceiver(
            "             Temperature  Voltage  Current   Tx Power  Rx Power  Max Power\n\
             Te1/1/1      37.3       3.30       4.2      -5.7     -40.0       0.0 W",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].rx_pwr.as_ref().unwrap().text, "-40.0");
        assert_eq!(r[0].current.as_ref().unwrap().value, Some(4.2));
    }

    /// genieparser `ios/tests/ShowInterfacesTransceiver/cli/equal/golden1_output.txt`: `N/A`.
    #[test]
    fn ios_not_applicable() {
        let r = parse_ios_show_interfaces_transceiver(
            "         Temperature  Voltage  Current   Tx Power  Rx Power\n\
             Gi1/1      40.6       5.09       0.4     -25.2      N/A\n",
        );
        let rx = r[0].rx_pwr.as_ref().unwrap();
        assert_eq!((rx.value, rx.text.as_str()), (None, "N/A"));
    }

    /// ntc-templates `cisco_nxos_show_interface_transceiver_fc_n5k.raw`: the Fibre Channel
    /// layout (`sfp is present`, `Manufacturer's part number`, `Name is`, current values with a
    /// flag after the unit).
    #[test]
    fn nxos_fibre_channel_port() {
        let t = parse_nxos_show_interface_transceiver(
            "fc1/48 sfp is present \n\
             \x20   Name is CISCO-FINISAR   \n\
             \x20   Manufacturer's part number is FTLF8528P2BCV-CS\n\
             \x20   Cisco part number is \n\
             \x20   SFP Diagnostics Information:\n\
             \x20       Temperature           :  34.63 C  + \n\
             \x20       Optical Rx Power      :  N/A   dBm      --\n",
        );
        assert_eq!(t[0].status.as_deref(), Some("present"));
        assert_eq!(t[0].manufacturer.as_deref(), Some("CISCO-FINISAR"));
        assert_eq!(t[0].part_number.as_deref(), Some("FTLF8528P2BCV-CS"));
        let lane = &t[0].dom[0];
        assert_eq!(
            lane.temperature.as_ref().unwrap().current.alarm.as_deref(),
            Some("+")
        );
        assert_eq!(lane.rx_power.as_ref().unwrap().current.value, None);
        assert_eq!(lane.temperature.as_ref().unwrap().alarm_high, None);
    }

    /// genieparser `nxos/tests/ShowInterfaceTransceiverDetails/cli/equal/golden_output_3_output.txt`:
    /// a 400G transceiver with one DOM table per `Lane Number:N Network Lane`.
    #[test]
    fn nxos_lanes() {
        let t = parse_nxos_show_interface_transceiver(
            "Ethernet1/1\n    transceiver is present\n\
             Lane Number:1 Network Lane\n\
             \x20   Temperature   21.02 C        80.00 C     -5.00 C     75.00 C        0.00 C\n\
             \x20   Tx Power          N/A         6.99 dBm   -6.90 dBm    3.99 dBm     -2.90 dBm\n\
             Lane Number:2 Network Lane\n\
             \x20   Temperature   22.00 C        80.00 C     -5.00 C     75.00 C        0.00 C\n",
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].dom.len(), 2);
        assert_eq!(t[0].dom[1].lane, Some(2));
        assert_eq!(
            t[0].dom[1].temperature.as_ref().unwrap().current.text,
            "22.00"
        );
        let tx = t[0].dom[0].tx_power.as_ref().unwrap();
        assert_eq!(tx.warn_low.as_ref().unwrap().text, "-2.90");
    }

    /// genieparser `iosxe/tests/ShowInterfacesTransceiverDetail/cli/equal/golden1_output.txt`
    /// (Apache-2.0): an indented capture; temperature and voltage without a `Lane` column, current
    /// and power with `N/A` lanes, all joined on the port.
    #[test]
    fn ios_detail_indented_with_lane_columns() {
        let d = parse_ios_show_interfaces_transceiver_detail(
            "ITU Channel not available (Wavelength not available),
                 Transceiver is internally calibrated.
                                                 High Alarm  High Warn  Low Warn   Low Alarm
                              Temperature        Threshold   Threshold  Threshold  Threshold
                 Port         (Celsius)          (Celsius)   (Celsius)  (Celsius)  (Celsius)
                 Twe2/1/1     25.5                   90.0       85.0       -5.0      -10.0
             
                                                   High Alarm  High Warn  Low Warn   Low Alarm
                                  Current          Threshold   Threshold  Threshold  Threshold
                 Port       Lane  (milliamperes)   (mA)        (mA)       (mA)       (mA)
                 Twe2/1/1   N/A    5.7                 50.0       40.0        2.0        1.0
             
                                  Optical          High Alarm  High Warn  Low Warn   Low Alarm
                                  Transmit Power   Threshold   Threshold  Threshold  Threshold
                 Port       Lane  (dBm)            (dBm)       (dBm)      (dBm)      (dBm)
                 Twe2/1/1   N/A   -2.7 (-2.6)           1.0        0.0       -8.3       -9.3
                 Twe2/1/1   2     -2.9                  1.0        0.0       -8.3       -9.3
",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].lane, None);
        let c = d[0].current.as_ref().unwrap();
        assert_eq!(c.current.value, Some(5.7));
        assert_eq!(c.warn_high.as_ref().unwrap().text, "40.0");
        assert_eq!(c.warn_low.as_ref().unwrap().text, "2.0");
        let tx = d[0].tx_power.as_ref().unwrap();
        assert_eq!(tx.current.text, "-2.7");
        assert_eq!(tx.alarm_high.as_ref().unwrap().text, "1.0");
        assert_eq!(
            d[0].temperature
                .as_ref()
                .unwrap()
                .alarm_low
                .as_ref()
                .unwrap()
                .text,
            "-10.0"
        );
        assert_eq!(d[1].lane.as_deref(), Some("2"));
        assert!(d[1].temperature.is_none());
        assert!(parse_ios_show_interfaces_transceiver_detail(
            "IDPROM for transceiver Te0/0/5:
  Description = SFP+ optics (type 130)
"
        )
        .is_empty());
    }

    #[test]
    fn cut_lines_keep_what_is_readable() {
        let t = parse_ios_show_interfaces_transceiver("Te1/49       23.1       3.2\nTe1/50\n");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].voltage.as_ref().unwrap().text, "3.2");
        assert!(t[0].current.is_none());
        let n = parse_nxos_show_interface_transceiver(
            "  Temperature 1.0 C\nEthernet1/1\n  Temperature\n  Voltage 3.2\n",
        );
        assert_eq!(n.len(), 1);
        assert!(n[0].dom[0].temperature.is_none());
        assert!(n[0].dom[0].voltage.is_some());
    }
}
