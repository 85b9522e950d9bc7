//! NX-OS `show environment` (power supplies, fans, temperature sensors), `show environment power
//! detail`, and IOS `show environment all` of Catalyst switches (`FAN` / `TEMPERATURE` / `POWER` /
//! `RPS` lines, readings, supplies, the Catalyst 9000 tables).

use serde::{Deserialize, Serialize};

/// NX-OS `show environment`, its three tables. ntc-templates' `cisco_nxos_show_environment`
/// mixes them into one record list; here each is its own list, with ntc's field names.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NxosEnvironment {
    /// The `Power Supply:` table, in the order printed.
    pub power_supplies: Vec<NxosPowerSupply>,
    /// The `Fan:` table.
    pub fans: Vec<NxosFan>,
    /// The `Temperature:` table.
    pub temperatures: Vec<NxosTemperature>,
}

impl NxosEnvironment {
    /// Whether every power supply, fan and sensor reports `Ok` (`Absent` power supplies and fans
    /// included as not ok: an empty slot is a lost redundancy).
    pub fn all_ok(&self) -> bool {
        self.power_supplies
            .iter()
            .all(|p| p.power_supply_status == "Ok")
            && self.fans.iter().all(|f| f.fan_status == "Ok")
            && self
                .temperatures
                .iter()
                .all(|t| t.temperature_status == "Ok")
    }
}

/// One power supply row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NxosPowerSupply {
    /// Slot number.
    pub power_supply: u32,
    /// Model (`N9K-PAC-650W`; `------------` for an empty slot).
    pub power_supply_model: String,
    /// Actual output, watts.
    pub power_supply_output: f64,
    /// Actual input, watts (only on platforms that print an input column).
    pub power_supply_input: Option<f64>,
    /// Total capacity, watts.
    pub power_supply_capacity: f64,
    /// `Ok`, `Absent`, `Shutdown`, `Fail/Shutdown`...
    pub power_supply_status: String,
}

/// One fan row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NxosFan {
    /// Fan name (`Fan1(sys_fan1)`, `Fan_in_PS1`).
    pub fan: String,
    /// Model (`N9K-C9300-FAN2`; `--` or nothing for a power supply's fan).
    pub fan_model: Option<String>,
    /// Hardware version (`1.0`, `--`).
    pub fan_hw: String,
    /// Air flow (`front-to-back`), when the table has a `Direction` column.
    pub fan_direction: Option<String>,
    /// `Ok`, `Absent`, `Shutdown`, `Failure`...
    pub fan_status: String,
}

/// One temperature sensor row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NxosTemperature {
    /// Module number.
    pub temperature_module: u32,
    /// Sensor name (`Inlet`, `FRONT`, `MAC0-Buf0`), its `(sN)` suffix apart.
    pub temperature_sensor: String,
    /// The sensor number in parentheses after the name (`s1`), when printed.
    pub temperature_sensor_id: Option<String>,
    /// Major threshold, °C.
    pub temperature_major_thresh: i32,
    /// Minor threshold, °C.
    pub temperature_minor_thresh: i32,
    /// Current temperature, °C.
    pub temperature_current: i32,
    /// `Ok`, `Minor`, `Major`...
    pub temperature_status: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Table {
    None,
    Power,
    Fan { direction: bool },
    Temperature,
}

/// `407 W` / `597.00 W` pairs after the model: the watt values in order, and the words after them.
fn watts(words: &[&str]) -> (Vec<f64>, String) {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < words.len() && words[i + 1] == "W" {
        match words[i].parse::<f64>() {
            Ok(v) => out.push(v),
            Err(_) => break,
        }
        i += 2;
    }
    (out, words[i.min(words.len())..].join(" "))
}

/// Parses NX-OS `show environment` (also `show environment fan`, `power`, `temperature`, which
/// print one of the tables). The module power table and the summaries are skipped; rows that fit
/// no table are ignored.
///
/// ```
/// use hermes_netdev::show::parse_nxos_show_environment;
/// let env = parse_nxos_show_environment("Fan:\n------\nFan             Model                Hw     Direction       Status\n------\nFan1(sys_fan1)  N9K-C9300-FAN2       --     front-to-back   Ok\n");
/// assert_eq!(env.fans[0].fan, "Fan1(sys_fan1)");
/// assert_eq!(env.fans[0].fan_direction.as_deref(), Some("front-to-back"));
/// assert!(env.all_ok());
/// ```
pub fn parse_nxos_show_environment(output: &str) -> NxosEnvironment {
    let mut env = NxosEnvironment::default();
    let mut table = Table::None;
    for line in output.lines() {
        let t = line.trim();
        match t {
            "Power Supply:" => {
                table = Table::Power;
                continue;
            }
            "Fan:" => {
                table = Table::Fan { direction: false };
                continue;
            }
            "Temperature:" => {
                table = Table::Temperature;
                continue;
            }
            _ => {}
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.first() == Some(&"Module") && words.get(1) == Some(&"Model") {
            // The per-module power table that follows the power supplies.
            table = Table::None;
            continue;
        }
        if t.ends_with(':') && !t.contains(' ') || t.starts_with("Power Usage Summary") {
            table = Table::None;
            continue;
        }
        match table {
            Table::None => {}
            Table::Power => {
                let Some(slot) = words.first().and_then(|w| w.parse::<u32>().ok()) else {
                    continue;
                };
                if words.len() < 5 {
                    continue;
                }
                let model = words[1];
                let (w, status) = watts(&words[2..]);
                let (output, input, capacity) = match w.as_slice() {
                    [o, c] => (*o, None, *c),
                    [o, i, c] => (*o, Some(*i), *c),
                    _ => continue,
                };
                env.power_supplies.push(NxosPowerSupply {
                    power_supply: slot,
                    power_supply_model: model.to_string(),
                    power_supply_output: output,
                    power_supply_input: input,
                    power_supply_capacity: capacity,
                    power_supply_status: status,
                });
            }
            Table::Fan { .. }
                if words.first() == Some(&"Fan") && words.get(1) == Some(&"Model") =>
            {
                table = Table::Fan {
                    direction: words.contains(&"Direction"),
                };
            }
            Table::Fan { direction } => {
                // name [model] hw [direction] status, read from the right: the model may be blank.
                let fixed = if direction { 4 } else { 3 };
                if words.len() < fixed
                    || t.starts_with("Fan Zone")
                    || t.starts_with("Fan Air Filter")
                    || t.starts_with('-')
                {
                    continue;
                }
                let n = words.len();
                let status = words[n - 1];
                let dir = direction.then(|| words[n - 2].to_string());
                let hw = words[n - fixed + 1];
                let model = words[1..n - fixed + 1].join(" ");
                env.fans.push(NxosFan {
                    fan: words[0].to_string(),
                    fan_model: (!model.is_empty()).then_some(model),
                    fan_hw: hw.to_string(),
                    fan_direction: dir,
                    fan_status: status.to_string(),
                });
            }
            Table::Temperature => {
                let Some(module) = words.first().and_then(|w| w.parse::<u32>().ok()) else {
                    continue;
                };
                let n = words.len();
                if n < 6 {
                    continue;
                }
                let nums: Vec<Option<i32>> =
                    words[n - 4..n - 1].iter().map(|w| w.parse().ok()).collect();
                let (Some(major), Some(minor), Some(cur)) = (nums[0], nums[1], nums[2]) else {
                    continue;
                };
                let name = words[1..n - 4].join(" ");
                let (sensor, id) = match name.split_once('(') {
                    Some((s, rest)) => (
                        s.trim().to_string(),
                        Some(rest.trim_end_matches(')').to_string()),
                    ),
                    None => (name.clone(), None),
                };
                env.temperatures.push(NxosTemperature {
                    temperature_module: module,
                    temperature_sensor: sensor,
                    temperature_sensor_id: id,
                    temperature_major_thresh: major,
                    temperature_minor_thresh: minor,
                    temperature_current: cur,
                    temperature_status: words[n - 1].to_string(),
                });
            }
        }
    }
    env
}

/// NX-OS `show environment power detail`: the power supply table, the `Power Usage Summary`
/// and the per-supply readings of `Power supply details`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NxosPowerDetail {
    /// The `Power Supply:` table (as [`parse_nxos_show_environment`] reads it).
    pub power_supplies: Vec<NxosPowerSupply>,
    /// `Power Supply redundancy mode (configured)` (`Non-Redundant(combined)`, `PS-Redundant`...).
    pub redundancy_configured: Option<String>,
    /// `Power Supply redundancy mode (operational)`.
    pub redundancy_operational: Option<String>,
    /// `Total Power Capacity (based on configured mode)`, watts.
    pub total_capacity: Option<f64>,
    /// `Total Power Output (actual draw)`, watts.
    pub total_output: Option<f64>,
    /// `Total Power Input (actual draw)`, watts.
    pub total_input: Option<f64>,
    /// `Total Power Allocated (budget)`, watts (`None` when printed `N/A`).
    pub total_allocated: Option<f64>,
    /// `Total Power Available for additional modules`, watts.
    pub total_available: Option<f64>,
    /// `Are all inlet cords connected: Yes|No`.
    pub all_inlet_cords_connected: Option<bool>,
    /// One entry per `PS_N total capacity:` block.
    pub details: Vec<NxosSupplyDetail>,
}

/// One `PS_N` block of `Power supply details`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NxosSupplyDetail {
    /// Supply number (`1` of `PS_1`).
    pub supply: u32,
    /// `total capacity`, watts.
    pub capacity: Option<f64>,
    /// Total input power (`Pin total:` or `Pin:`), watts.
    pub pin: Option<f64>,
    /// Output power (`Pout:`), watts.
    pub pout: Option<f64>,
    /// Input voltage of the first inlet (`Vin:`), volts.
    pub vin: Option<f64>,
    /// Output voltage (`Vout:`), volts.
    pub vout: Option<f64>,
    /// Input current of the first inlet (`Iin:`), amperes.
    pub iin: Option<f64>,
    /// Output current (`Iout:`), amperes.
    pub iout: Option<f64>,
    /// The cord line after `Cord` (`connected to 220V AC`, `not connected`).
    pub cord: Option<String>,
    /// `Software-Alarm: Yes|No`.
    pub software_alarm: Option<bool>,
}

/// `1249.00W` / `207.00V` / `3.08A` → the number.
fn measure(v: &str) -> Option<f64> {
    v.trim()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .trim()
        .parse()
        .ok()
}

/// `... 15899.00 W` → 15899.0; `N/A` → `None`.
fn trailing_watts(words: &[&str]) -> Option<f64> {
    match words {
        [.., v, "W"] => v.parse().ok(),
        [.., v] => measure(v),
        [] => None,
    }
}

/// Parses NX-OS `show environment power detail` (also the summary and detail blocks printed by
/// `show environment power`). Lines of other layouts are ignored.
///
/// ```
/// use hermes_netdev::show::parse_nxos_show_environment_power_detail;
/// let d = parse_nxos_show_environment_power_detail(
///     "Power Supply redundancy mode (operational)   Non-Redundant(combined)\n\
///      Total Power Output (actual draw)             548.00 W\n\
///      Total Power Allocated (budget)               N/A\n\
///      PS_1 total capacity:    1500 W   Voltage:12V\n\
///      Pin:584.00W  Vin:207.50V    Iin:2.88A    Pout:548.00W    Vout:12.01V    Iout:45.50A\n\
///      Cord connected to 220V AC\n",
/// );
/// assert_eq!(d.redundancy_operational.as_deref(), Some("Non-Redundant(combined)"));
/// assert_eq!((d.total_output, d.total_allocated), (Some(548.0), None));
/// assert_eq!((d.details[0].pin, d.details[0].iout), (Some(584.0), Some(45.5)));
/// ```
pub fn parse_nxos_show_environment_power_detail(output: &str) -> NxosPowerDetail {
    let mut d = NxosPowerDetail {
        power_supplies: parse_nxos_show_environment(output).power_supplies,
        ..NxosPowerDetail::default()
    };
    for line in output.lines() {
        let t = line.trim();
        let words: Vec<&str> = t.split_whitespace().collect();
        if let Some(mode) = t.strip_prefix("Power Supply redundancy mode (configured)") {
            d.redundancy_configured = Some(mode.trim().to_string());
        } else if let Some(mode) = t.strip_prefix("Power Supply redundancy mode (operational)") {
            d.redundancy_operational = Some(mode.trim().to_string());
        } else if t.starts_with("Total Power Capacity") {
            d.total_capacity = trailing_watts(&words);
        } else if t.starts_with("Total Power Output") {
            d.total_output = trailing_watts(&words);
        } else if t.starts_with("Total Power Input") {
            d.total_input = trailing_watts(&words);
        } else if t.starts_with("Total Power Allocated") {
            d.total_allocated = trailing_watts(&words);
        } else if t.starts_with("Total Power Available") {
            d.total_available = trailing_watts(&words);
        } else if let Some(v) = t.strip_prefix("Are all inlet cords connected:") {
            d.all_inlet_cords_connected = Some(v.trim().eq_ignore_ascii_case("yes"));
        } else if let Some((n, rest)) = t
            .strip_prefix("PS_")
            .and_then(|r| r.split_once(" total capacity:"))
        {
            let Ok(supply) = n.parse() else { continue };
            let cap: Vec<&str> = rest.split_whitespace().take(2).collect();
            d.details.push(NxosSupplyDetail {
                supply,
                capacity: trailing_watts(&cap),
                ..NxosSupplyDetail::default()
            });
        } else if let Some(ps) = d.details.last_mut() {
            if let Some(cord) = t.strip_prefix("Cord ") {
                ps.cord = Some(cord.trim().to_string());
            } else if let Some(v) = t.strip_prefix("Software-Alarm:") {
                ps.software_alarm = Some(v.trim().eq_ignore_ascii_case("yes"));
            } else if t.starts_with("Pin") || t.starts_with("Pout") {
                for cell in t.split("  ").map(str::trim).filter(|c| !c.is_empty()) {
                    let Some((key, value)) = cell.split_once(':') else {
                        continue;
                    };
                    let slot = match key.trim() {
                        "Pin total" | "Pin" => &mut ps.pin,
                        "Pout" => &mut ps.pout,
                        "Vin" => &mut ps.vin,
                        "Vout" => &mut ps.vout,
                        "Iin" => &mut ps.iin,
                        "Iout" => &mut ps.iout,
                        _ => continue,
                    };
                    *slot = measure(value);
                }
            }
        }
    }
    d
}

/// IOS `show environment all` of a Catalyst switch (3750, 3750-X, 3850, 9200, 9300, and the
/// 9400 / 9500 / 9600 chassis): the `FAN`, `TEMPERATURE`, `POWER` and `RPS` status lines, the
/// temperature readings, the power supply and RPS tables, the 9000 fan table and sensor list,
/// the chassis supply and fan tray tables. No ntc-templates template reads this command.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IosEnvironment {
    /// Fan status lines (`FAN is OK`, `Switch 1 FAN 2 is OK`, `FAN PS-1 is NOT PRESENT`).
    pub fans: Vec<IosFan>,
    /// Temperature status lines and readings, in the order printed.
    pub temperatures: Vec<IosTemperature>,
    /// `POWER is OK` (the Catalyst 3750's single status line).
    pub power_status: Option<String>,
    /// `RPS is NOT PRESENT`: the redundant power system.
    pub rps_status: Option<String>,
    /// The `SW PID Serial# Status Sys Pwr PoE Pwr Watts` table.
    pub power_supplies: Vec<IosPowerSupply>,
    /// The `SW Status RPS Name RPS Serial# RPS Port#` table (redundant power system per member).
    #[serde(default)]
    pub rps: Vec<IosRps>,
    /// The Catalyst 9000 `Sensor List: Environmental Monitoring` table, every row (voltages,
    /// currents, power, fan speeds, temperatures); its temperature rows are also in
    /// `temperatures`.
    #[serde(default)]
    pub sensors: Vec<IosSensor>,
    /// The modular chassis' (Catalyst 9400 / 9500 / 9600) `Power Supply Model No Type Capacity
    /// Status Fan States` table.
    #[serde(default)]
    pub chassis_supplies: Vec<IosChassisSupply>,
    /// The chassis' `Fan Tray Status Fan States` table, or the 9400's `Fantray : good` line.
    #[serde(default)]
    pub fan_trays: Vec<IosFanTray>,
    /// `Number of Critical alarms:  0`.
    #[serde(default)]
    pub critical_alarms: Option<u32>,
    /// `Number of Major alarms:  0`.
    #[serde(default)]
    pub major_alarms: Option<u32>,
    /// `Number of Minor alarms:  0`.
    #[serde(default)]
    pub minor_alarms: Option<u32>,
    /// The industrial switches' (IE 3x00) `ALARM CONTACT N` blocks.
    #[serde(default)]
    pub alarm_contacts: Vec<IosAlarmContact>,
    /// The Catalyst 9400's power mode: `PS Current Configuration Mode : Combined` (`Combined`,
    /// `N+1 Redundant`, `N+N Redundant`).
    #[serde(default)]
    pub ps_config_mode: Option<String>,
    /// `PS Current Operating State : Combined` (the mode in force, which differs from the
    /// configured one when too few supplies are up).
    #[serde(default)]
    pub ps_operating_state: Option<String>,
    /// `Power supplies currently active : N`.
    #[serde(default)]
    pub supplies_active: Option<u32>,
    /// `Power supplies currently available : N`.
    #[serde(default)]
    pub supplies_available: Option<u32>,
    /// The chassis' system LED (`SYSTEM : GREEN`).
    #[serde(default)]
    pub system_led: Option<String>,
}

/// One `ALARM CONTACT N` block of an industrial Catalyst (IE 3x00).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IosAlarmContact {
    /// Stack member (`Switch: 1` before the blocks), when printed.
    pub switch: Option<u32>,
    /// Contact number.
    pub contact: u32,
    /// `not asserted` / `asserted`.
    pub status: Option<String>,
    /// `Description:`.
    pub description: Option<String>,
    /// `minor`, `major`...
    pub severity: Option<String>,
    /// `closed` / `open`.
    pub trigger: Option<String>,
}

impl IosEnvironment {
    /// Whether every fan, temperature and power status printed is `OK` (an absent supply or fan
    /// is not).
    pub fn all_ok(&self) -> bool {
        self.fans.iter().all(|f| f.status == "OK")
            && self
                .temperatures
                .iter()
                .all(|t| t.status.as_deref().is_none_or(|s| s == "OK"))
            && self.power_status.as_deref().is_none_or(|s| s == "OK")
            && self.power_supplies.iter().all(|p| p.status == "OK")
            && self
                .rps
                .iter()
                .all(|r| r.status != "Faulty" && r.status != "FAULTY")
            && self.sensors.iter().all(IosSensor::is_ok)
            && self.chassis_supplies.iter().all(|p| {
                ["active", "ok"]
                    .iter()
                    .any(|g| p.status.eq_ignore_ascii_case(g))
                    && p.fan_states.iter().all(|f| fan_state_ok(f))
            })
            && self.fan_trays.iter().all(|t| {
                ["active", "ok", "good"]
                    .iter()
                    .any(|g| t.status.eq_ignore_ascii_case(g))
                    && t.fan_states.iter().all(|f| fan_state_ok(f))
            })
            && self
                .alarm_contacts
                .iter()
                .all(|a| a.status.as_deref().is_none_or(|s| s == "not asserted"))
            && self.critical_alarms.unwrap_or(0) == 0
            && self.major_alarms.unwrap_or(0) == 0
    }
}

/// A fan state of a chassis table that is not a fault: `good`, or `N/A` / `n.a.` for a position
/// without a fan.
fn fan_state_ok(state: &str) -> bool {
    ["good", "n/a", "n.a."]
        .iter()
        .any(|g| state.eq_ignore_ascii_case(g))
}

/// One row of a modular chassis' power supply table (`PS1  C9400-PWR-3200AC  ac  3200 W
/// active  good  good`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosChassisSupply {
    /// The member of a StackWise Virtual pair (`Switch:1` before the table), when printed.
    pub switch: Option<u32>,
    /// Slot (`PS1`, `PS0`).
    pub slot: String,
    /// Model, `None` for `Not Present`.
    pub model: Option<String>,
    /// `ac`, `AC`, `dc`; `None` when printed `N/A`.
    pub kind: Option<String>,
    /// Capacity in watts; `None` when printed `n.a.` / `N/A` (a faulty or absent supply).
    pub capacity_watts: Option<u32>,
    /// `active`, `ok`, `faulty`, `bad-input`, `fail`, `Not Present`...
    pub status: String,
    /// The supply's fan states in column order (`good`, `bad`, `N/A`).
    pub fan_states: Vec<String>,
    /// Voltage (`24V`) of an industrial switch's `Pwr Supply Type Status Voltage` row.
    #[serde(default)]
    pub voltage: Option<String>,
}

/// One fan tray of a modular chassis (`FT2  marginal  bad  good ...`, `Fantray : good`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosFanTray {
    /// The member of a StackWise Virtual pair (`Switch:1` before the table), when printed.
    pub switch: Option<u32>,
    /// Tray (`FT1`, `FM0`; `Fantray` for the 9400's single tray line).
    pub tray: String,
    /// `active`, `ok`, `marginal`, `good`...
    pub status: String,
    /// Each fan's state in column order.
    pub fan_states: Vec<String>,
    /// `Fantray airflow direction : side-to-side`, when printed.
    pub direction: Option<String>,
    /// `Power consumed by Fantray : 540 Watts`, in watts, when printed.
    #[serde(default)]
    pub power_watts: Option<u32>,
    /// `Fantray beacon LED: off`, when printed.
    #[serde(default)]
    pub beacon_led: Option<String>,
    /// `Fantray status LED: green`, when printed.
    #[serde(default)]
    pub status_led: Option<String>,
}

/// One row of the RPS table (`1   Not Present     <>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosRps {
    /// Stack member.
    pub sw: String,
    /// `Not Present`, `Active`, `Standby`...
    pub status: String,
    /// RPS name (`None` when printed as `<>` or blank).
    pub name: Option<String>,
    /// RPS serial number.
    pub serial: Option<String>,
    /// RPS port number.
    pub port: Option<String>,
}

/// One row of the Catalyst 9000 `Sensor List: Environmental Monitoring` table
/// (` PS1 Vin   1   GOOD   206750 mV   90 - 264`, ` Temp: UADP  R0  Normal  56 Celsius
/// (107,117,123,125)(Celsius)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosSensor {
    /// Sensor (`PS1 Vout`, `SYSTEM INLET`, `Temp: Coretemp`).
    pub sensor: String,
    /// Location: the stack member (`1`) or slot (`R0`, `1/0`, `P0`).
    pub location: String,
    /// `GOOD`, `GREEN`, `Normal`, `NOT PRESENT`...
    pub state: String,
    /// The reading (`206750`), when a number is printed.
    pub reading: Option<i64>,
    /// Its unit (`mV`, `mA`, `mW`, `rpm`, `Celsius`, `Watts`, `V DC`).
    pub unit: Option<String>,
    /// Why no reading is given (`Sensor Fault` after `NA`).
    #[serde(default)]
    pub note: Option<String>,
    /// `Range(min-max)` lower bound (`90 - 264`), when printed.
    pub range_min: Option<i64>,
    /// `Range(min-max)` upper bound.
    pub range_max: Option<i64>,
    /// `Threshold(Minor,Major,Critical,Shutdown)` values in that order, when printed.
    pub thresholds: Vec<i64>,
}

impl IosSensor {
    /// Whether the state is a good one (`GOOD`, `GREEN`, `Normal`, `OK`, the ASR 1000 fan
    /// controller's `Fan Speed 65%`) and the sensor could be read: an absent supply's sensors
    /// (`NOT PRESENT`) and a `Sensor Fault` are not.
    pub fn is_ok(&self) -> bool {
        self.note.is_none()
            && (self.state.starts_with("Fan Speed ")
                || ["GOOD", "GREEN", "NORMAL", "OK"]
                    .iter()
                    .any(|g| self.state.eq_ignore_ascii_case(g)))
    }
}

/// One fan status line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosFan {
    /// Stack member (`Switch 1 FAN 2 ...`), when printed.
    pub switch: Option<u32>,
    /// Fan (`1`, `PS-1`), `None` on a switch with one fan status (`FAN is OK`).
    pub fan: Option<String>,
    /// `OK`, `NOT PRESENT`, `FAULTY`...
    pub status: String,
    /// Air flow (`Front to Back`) from its `direction is` line or the `Airflow direction` column.
    pub direction: Option<String>,
    /// Speed (RPM) from the Catalyst 9000 `Switch FAN Speed State` table.
    #[serde(default)]
    pub speed: Option<u32>,
}

/// One temperature status line or reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosTemperature {
    /// Stack member (`Switch 1: SYSTEM TEMPERATURE is OK`), when printed.
    pub switch: Option<u32>,
    /// `SYSTEM`, `Inlet`, `ASIC`, `POWER SUPPLY 1A`; empty for the 3750's `TEMPERATURE is OK`.
    pub sensor: String,
    /// `OK`, `Not Present`, `FAULTY`... from a status line.
    pub status: Option<String>,
    /// `... Temperature Value: 31 Degree Celsius`.
    pub value: Option<i32>,
    /// `GREEN`, `YELLOW`, `RED`.
    pub state: Option<String>,
    /// Yellow threshold, °C.
    pub yellow_threshold: Option<i32>,
    /// Red threshold, °C.
    pub red_threshold: Option<i32>,
}

/// One row of the power supply table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IosPowerSupply {
    /// Supply (`1A`: switch 1, bay A).
    pub sw: String,
    /// Product ID, `None` for an empty bay.
    pub pid: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// `OK`, `Not Present`, `No Input Power`...
    pub status: String,
    /// `Good` / `Bad`: system power.
    pub sys_pwr: Option<String>,
    /// `Good` / `Bad` / `n/a`: PoE power.
    pub poe_pwr: Option<String>,
    /// Watts as printed (`750`, `250/775`).
    pub watts: Option<String>,
}

/// `31 Degree Celsius` → 31.
fn celsius(v: &str) -> Option<i32> {
    v.split_whitespace().next()?.parse().ok()
}

/// The table of `show environment all` the lines being read belong to.
#[derive(Clone, Copy)]
enum IosTable {
    None,
    Supplies,
    Rps(RpsColumns),
    /// `Sensor List`: the byte offset of the `Location` column.
    Sensors {
        location: usize,
    },
    /// `Switch FAN Speed State [Airflow direction]`.
    Fans {
        direction: bool,
    },
    /// `Supply Model No Type Capacity Status Fan States`.
    ChassisSupplies,
    /// `Tray Status Fan States`.
    FanTrays,
    /// The industrial switches' `Pwr Supply Type Status [Voltage]`.
    IndustrialSupplies,
    /// The industrial switches' `Pwr Supply PID Serial# Status Sys Pwr Watts`.
    IndustrialPidSupplies,
    /// The industrial switches' `Sensor Name Status Reading`.
    IndustrialSensors,
}

/// Where the RPS table's columns start, from its header.
#[derive(Clone, Copy)]
struct RpsColumns {
    status: usize,
    name: usize,
    serial: usize,
    port: usize,
}

impl RpsColumns {
    fn of(header: &str) -> Self {
        let at = |w: &str| header.find(w).unwrap_or(header.len());
        RpsColumns {
            status: at("Status"),
            name: at("RPS Name"),
            serial: at("RPS Serial#"),
            port: at("RPS Port#"),
        }
    }
}

/// The text of `line` from byte `a` to byte `b` (or its end), trimmed; empty when out of range.
fn column(line: &str, a: usize, b: usize) -> &str {
    let b = b.min(line.len());
    line.get(a.min(b)..b).unwrap_or("").trim()
}

/// `1A  PWR-C1-350WAC-P  DCC2337B0K5  OK  Good  n/a  350` or `1B  Not Present`.
fn supply_row(words: &[&str], env: &mut IosEnvironment) -> bool {
    if words.len() >= 2 && words[1..].join(" ") == "Not Present" {
        env.power_supplies.push(IosPowerSupply {
            sw: words[0].to_string(),
            pid: None,
            serial: None,
            status: "Not Present".into(),
            sys_pwr: None,
            poe_pwr: None,
            watts: None,
        });
        return true;
    }
    if words.len() < 7 {
        return false;
    }
    let n = words.len();
    env.power_supplies.push(IosPowerSupply {
        sw: words[0].to_string(),
        pid: Some(words[1].to_string()),
        serial: Some(words[2].to_string()),
        status: words[3..n - 3].join(" "),
        sys_pwr: Some(words[n - 3].to_string()),
        poe_pwr: Some(words[n - 2].to_string()),
        watts: Some(words[n - 1].to_string()),
    });
    true
}

/// `1   Not Present     <>`, cut at the header's column starts.
fn rps_row(line: &str, words: &[&str], cols: RpsColumns, env: &mut IosEnvironment) -> bool {
    let Some(sw) = words.first().filter(|w| w.parse::<u32>().is_ok()) else {
        return false;
    };
    let opt = |v: &str| (!v.is_empty() && v != "<>").then(|| v.to_string());
    env.rps.push(IosRps {
        sw: sw.to_string(),
        status: column(line, cols.status, cols.name).to_string(),
        name: opt(column(line, cols.name, cols.serial)),
        serial: opt(column(line, cols.serial, cols.port)),
        port: opt(column(line, cols.port, line.len())),
    });
    true
}

/// A `Sensor List` row: the name up to the `Location` column, then location, state, reading,
/// unit and a range (`90 - 264`), thresholds (`(107,117,123,125)(Celsius)`) or `na`. A
/// temperature row is also added to `temperatures`.
fn sensor_row(line: &str, location: usize, env: &mut IosEnvironment) -> bool {
    let aligned = location > 0
        && line.is_char_boundary(location)
        && line[..location].ends_with(char::is_whitespace)
        && !line[location..].starts_with(char::is_whitespace)
        && !line[..location].trim().is_empty();
    let (name, rest) = if aligned {
        (line[..location].trim(), &line[location..])
    } else {
        // Misaligned: the name is the first cell of two-blank-separated cells.
        match line.trim().split_once("  ") {
            Some((n, r)) => (n.trim(), r),
            None => return false,
        }
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    if words.len() < 2 {
        return false;
    }
    // The state runs to the reading: a number, or `NA` when the sensor cannot be read.
    let number = words
        .iter()
        .skip(2)
        .position(|w| *w == "NA" || w.parse::<i64>().is_ok())
        .map(|i| i + 2);
    let (state, reading, after) = match number {
        // `GOOD   -  22258 mV`: a sign printed apart from its digits.
        Some(i) if i > 2 && words[i - 1] == "-" => (
            words[1..i - 1].join(" "),
            words[i].parse::<i64>().ok().map(|r| -r),
            i + 1,
        ),
        Some(i) => (words[1..i].join(" "), words[i].parse().ok(), i + 1),
        None => (words[1..].join(" "), None, words.len()),
    };
    let unit_end = words[after..]
        .iter()
        .position(|w| *w == "na" || w.starts_with('(') || w.parse::<i64>().is_ok())
        .map_or(words.len(), |i| i + after);
    let unit = words[after..unit_end].join(" ");
    // Words after `NA` (`Sensor Fault`) say why there is no reading.
    let (unit, note) = match reading {
        None if !unit.is_empty() => (String::new(), Some(unit)),
        _ => (unit, None),
    };
    let tail = words[unit_end..].join(" ");
    let (mut range_min, mut range_max, mut thresholds) = (None, None, Vec::new());
    if let Some(inner) = tail
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map(|(i, _)| i)
    {
        thresholds = inner
            .split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect();
    } else if let Some((a, b)) = tail.split_once('-') {
        range_min = a.trim().parse().ok();
        range_max = b.trim().parse().ok();
    }
    let sensor = IosSensor {
        sensor: name.to_string(),
        location: words[0].to_string(),
        state,
        reading,
        unit: (!unit.is_empty()).then_some(unit),
        note,
        range_min,
        range_max,
        thresholds,
    };
    if sensor.unit.as_deref() == Some("Celsius") {
        env.temperatures.push(IosTemperature {
            switch: sensor.location.parse().ok(),
            sensor: sensor.sensor.clone(),
            status: None,
            value: sensor.reading.and_then(|r| i32::try_from(r).ok()),
            state: Some(sensor.state.clone()),
            yellow_threshold: None,
            red_threshold: sensor.range_max.and_then(|r| i32::try_from(r).ok()),
        });
    }
    env.sensors.push(sensor);
    true
}

/// `PS1  C9400-PWR-3200AC  ac  3200 W  active  good  good`, `PS2  ...  ac  n.a.  faulty ...`,
/// `PS1  Not Present  N/A  N/A  N/A  N/A  N/A`.
fn chassis_supply_row(words: &[&str], switch: Option<u32>, env: &mut IosEnvironment) -> bool {
    if words.len() < 3 || !words[0].starts_with("PS") {
        return false;
    }
    let given = |w: &str| (!w.eq_ignore_ascii_case("n/a") && w != "n.a.").then(|| w.to_string());
    if words[1..3] == ["Not", "Present"] {
        env.chassis_supplies.push(IosChassisSupply {
            switch,
            slot: words[0].to_string(),
            model: None,
            kind: None,
            capacity_watts: None,
            status: "Not Present".into(),
            fan_states: Vec::new(),
            voltage: None,
        });
        return true;
    }
    if words.len() < 5 {
        return false;
    }
    // Capacity: `3200 W`, or one `n.a.` / `N/A`.
    let (capacity_watts, next) = match words.get(4) {
        Some(&"W") => (words[3].parse().ok(), 5),
        _ => (None, 4),
    };
    let Some(status) = words.get(next) else {
        return false;
    };
    env.chassis_supplies.push(IosChassisSupply {
        switch,
        slot: words[0].to_string(),
        model: given(words[1]),
        kind: given(words[2]),
        capacity_watts,
        status: status.to_string(),
        fan_states: words[next + 1..].iter().map(|w| w.to_string()).collect(),
        voltage: None,
    });
    true
}

/// `POWER SUPPLY-2  PWR-RGD-AC-DC-250  DTH255202J5  OK  Good  250`, `POWER SUPPLY-1  Not Present`.
fn industrial_pid_supply_row(words: &[&str], env: &mut IosEnvironment) -> bool {
    let name_len = if words.first() == Some(&"POWER") {
        2
    } else {
        1
    };
    if words.len() <= name_len {
        return false;
    }
    let (name, rest) = (words[..name_len].join(" "), &words[name_len..]);
    if rest == ["Not", "Present"] {
        env.power_supplies.push(IosPowerSupply {
            sw: name,
            pid: None,
            serial: None,
            status: "Not Present".into(),
            sys_pwr: None,
            poe_pwr: None,
            watts: None,
        });
        return true;
    }
    let n = rest.len();
    if n < 5 {
        return false;
    }
    env.power_supplies.push(IosPowerSupply {
        sw: name,
        pid: Some(rest[0].to_string()),
        serial: Some(rest[1].to_string()),
        status: rest[2..n - 2].join(" "),
        sys_pwr: Some(rest[n - 2].to_string()),
        poe_pwr: None,
        watts: Some(rest[n - 1].to_string()),
    });
    true
}

/// `PS-2 Vout     Good          55000mV`, `PS-1 Hotspot  Not Present     0 C`: the reading last
/// (`49 C` or digits with their unit), the state (`Not Present` or one word) before it.
fn industrial_sensor_row(words: &[&str], member: Option<u32>, env: &mut IosEnvironment) -> bool {
    let (value, unit, end) = match words {
        [.., v, "C"] => (v.parse::<i64>().ok(), "C".to_string(), words.len() - 2),
        [.., last] => {
            let digits = last.trim_end_matches(|c: char| !c.is_ascii_digit());
            (
                digits.parse().ok(),
                last[digits.len()..].to_string(),
                words.len() - 1,
            )
        }
        [] => return false,
    };
    let Some(reading) = value else {
        return false;
    };
    let state_len = if end >= 2 && words[end - 2..end] == ["Not", "Present"] {
        2
    } else {
        1
    };
    if end <= state_len {
        return false;
    }
    let sensor = IosSensor {
        sensor: words[..end - state_len].join(" "),
        location: member.map(|m| m.to_string()).unwrap_or_default(),
        state: words[end - state_len..end].join(" "),
        reading: Some(reading),
        unit: (!unit.is_empty()).then_some(unit),
        note: None,
        range_min: None,
        range_max: None,
        thresholds: Vec::new(),
    };
    env.sensors.push(sensor);
    true
}

/// `POWER SUPPLY-A      DC      OK      24V`: the name runs to the type (`AC` / `DC`).
fn industrial_supply_row(words: &[&str], switch: Option<u32>, env: &mut IosEnvironment) -> bool {
    let Some(i) = words
        .iter()
        .skip(1)
        .position(|w| w.eq_ignore_ascii_case("ac") || w.eq_ignore_ascii_case("dc"))
        .map(|i| i + 1)
    else {
        return false;
    };
    let Some(status) = words.get(i + 1) else {
        return false;
    };
    env.chassis_supplies.push(IosChassisSupply {
        switch,
        slot: words[..i].join(" "),
        model: None,
        kind: Some(words[i].to_string()),
        capacity_watts: None,
        status: status.to_string(),
        fan_states: Vec::new(),
        voltage: words.get(i + 2).map(|v| v.to_string()),
    });
    true
}

/// `FT2  marginal  bad  good  good ...`.
fn fan_tray_row(words: &[&str], switch: Option<u32>, env: &mut IosEnvironment) -> bool {
    if words.len() < 2 || words.iter().any(|w| w.contains(':')) {
        return false;
    }
    env.fan_trays.push(IosFanTray {
        switch,
        tray: words[0].to_string(),
        status: words[1].to_string(),
        fan_states: words[2..].iter().map(|w| w.to_string()).collect(),
        direction: None,
        power_watts: None,
        beacon_led: None,
        status_led: None,
    });
    true
}

/// `1  1  5440  OK  Front to Back` (switch, fan, speed, state, airflow when the header has it).
fn fan_row(words: &[&str], direction: bool, env: &mut IosEnvironment) -> bool {
    let (Some(switch), Some(fan), Some(speed)) = (
        words.first().and_then(|w| w.parse::<u32>().ok()),
        words.get(1),
        words.get(2).and_then(|w| w.parse::<u32>().ok()),
    ) else {
        return false;
    };
    let n = words.len();
    if n < 4 {
        return false;
    }
    // The airflow is the last `X to Y`; the state before it may be several words.
    let (status, dir) = if direction && n >= 6 && words[n - 2] == "to" {
        (words[3..n - 3].join(" "), Some(words[n - 3..].join(" ")))
    } else {
        (words[3..].join(" "), None)
    };
    env.fans.push(IosFan {
        switch: Some(switch),
        fan: Some(fan.to_string()),
        status,
        direction: dir,
        speed: Some(speed),
    });
    true
}

/// Parses IOS / IOS-XE `show environment all` (also `show env all`, `show env rps`, and the
/// chassis tables of `show environment status` / `show power`) of a Catalyst switch. Lines of
/// other layouts are ignored.
///
/// ```
/// use hermes_netdev::show::parse_ios_show_environment_all;
/// let env = parse_ios_show_environment_all("FAN is OK\nTEMPERATURE is OK\nTemperature Value: 28 Degree Celsius\nTemperature State: GREEN\nPOWER is OK\nRPS is NOT PRESENT\n");
/// assert_eq!(env.fans[0].status, "OK");
/// assert_eq!(env.temperatures[0].value, Some(28));
/// assert_eq!(env.rps_status.as_deref(), Some("NOT PRESENT"));
/// assert!(env.all_ok());
/// ```
pub fn parse_ios_show_environment_all(output: &str) -> IosEnvironment {
    let mut env = IosEnvironment::default();
    let mut table = IosTable::None;
    // `Switch:1` before a StackWise Virtual member's chassis tables.
    let mut member = None;
    // Inside an `ALARM CONTACT N` block (its `Status:` ... lines).
    let mut in_contact = false;
    for line in output.lines() {
        let t = line.trim();
        if t.is_empty() {
            in_contact = false;
            // The sensor list and the chassis tables are one block each; what follows the
            // blank line is not theirs.
            if matches!(
                table,
                IosTable::Sensors { .. } | IosTable::ChassisSupplies | IosTable::FanTrays
            ) {
                table = IosTable::None;
            }
            continue;
        }
        // `Switch 1 ` / `Switch 1: ` before the subject.
        let (switch, rest) = match t.strip_prefix("Switch ") {
            Some(r) => {
                let (n, r) = r.split_once(' ').unwrap_or((r, ""));
                match n.trim_end_matches(':').parse::<u32>() {
                    Ok(n) => (Some(n), r.trim()),
                    Err(_) => (None, t),
                }
            }
            None => (None, t),
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        match words.as_slice() {
            ["SW", "PID", ..] => {
                table = IosTable::Supplies;
                continue;
            }
            ["SW", "Status", "RPS", ..] => {
                table = IosTable::Rps(RpsColumns::of(line));
                continue;
            }
            ["Sensor", "Location", ..] => {
                table = IosTable::Sensors {
                    location: line.find("Location").unwrap_or(0),
                };
                continue;
            }
            ["Switch", "FAN", "Speed", ..] => {
                table = IosTable::Fans {
                    direction: t.contains("Airflow"),
                };
                continue;
            }
            ["Supply", "Model", "No", ..] => {
                table = IosTable::ChassisSupplies;
                continue;
            }
            ["Tray", "Status", ..] => {
                table = IosTable::FanTrays;
                continue;
            }
            ["Pwr", "Supply", "PID", ..] => {
                table = IosTable::IndustrialPidSupplies;
                continue;
            }
            ["Sensor", "Name", "Status", "Reading", ..] => {
                table = IosTable::IndustrialSensors;
                continue;
            }
            ["Pwr", "Supply", "Type", "Status", ..] => {
                table = IosTable::IndustrialSupplies;
                continue;
            }
            ["SW", ..] => {
                // Another table's header.
                table = IosTable::None;
                continue;
            }
            _ if t.starts_with('-') => continue,
            _ => {}
        }
        if let Some(n) = t
            .strip_prefix("Switch:")
            .and_then(|n| n.trim().parse().ok())
        {
            // A member's tables follow (`Switch:1`, `Switch: 1`), also inside a table.
            member = Some(n);
            continue;
        }
        let read = match table {
            IosTable::None => false,
            IosTable::Supplies => supply_row(&words, &mut env),
            IosTable::Rps(cols) => rps_row(line, &words, cols, &mut env),
            IosTable::Sensors { location } => sensor_row(line, location, &mut env),
            IosTable::Fans { direction } => fan_row(&words, direction, &mut env),
            IosTable::ChassisSupplies => chassis_supply_row(&words, member, &mut env),
            IosTable::FanTrays => fan_tray_row(&words, member, &mut env),
            IosTable::IndustrialSupplies => industrial_supply_row(&words, member, &mut env),
            IosTable::IndustrialPidSupplies => industrial_pid_supply_row(&words, &mut env),
            IosTable::IndustrialSensors => industrial_sensor_row(&words, member, &mut env),
        };
        if read {
            continue;
        }
        table = IosTable::None;
        if let Some(n) = t
            .strip_prefix("Switch:")
            .and_then(|n| n.trim().parse().ok())
        {
            member = Some(n);
            continue;
        }
        if let Some(n) = t
            .strip_prefix("ALARM CONTACT ")
            .and_then(|n| n.trim().parse().ok())
        {
            env.alarm_contacts.push(IosAlarmContact {
                switch: member,
                contact: n,
                ..IosAlarmContact::default()
            });
            in_contact = true;
            continue;
        }
        if in_contact {
            if let (Some((key, value)), Some(c)) =
                (t.split_once(':'), env.alarm_contacts.last_mut())
            {
                let value = Some(value.trim().to_string());
                match key.trim() {
                    "Status" => c.status = value,
                    "Description" => c.description = value,
                    "Severity" => c.severity = value,
                    "Trigger" => c.trigger = value,
                    _ => {}
                }
                continue;
            }
            in_contact = false;
        }
        // `Switch 1 - Inlet Temp Sensor 45 C` (industrial switches).
        if let Some(sensor) = rest.strip_prefix("- ") {
            let w: Vec<&str> = sensor.split_whitespace().collect();
            if let [name @ .., v, "C"] = w.as_slice() {
                if let (Ok(v), false) = (v.parse::<i32>(), name.is_empty()) {
                    env.temperatures.push(IosTemperature {
                        switch,
                        sensor: name.join(" "),
                        status: None,
                        value: Some(v),
                        state: None,
                        yellow_threshold: None,
                        red_threshold: None,
                    });
                    continue;
                }
            }
        }
        if let Some((kind, n)) = t
            .strip_prefix("Number of ")
            .and_then(|r| r.split_once(" alarms:"))
        {
            let n = n.trim().parse().ok();
            match kind {
                "Critical" => env.critical_alarms = n,
                "Major" => env.major_alarms = n,
                "Minor" => env.minor_alarms = n,
                _ => {}
            }
            continue;
        }
        if let Some((key, value)) = t.split_once(':') {
            let (key, value) = (key.trim(), value.trim().to_string());
            if key == "Fantray" {
                env.fan_trays.push(IosFanTray {
                    switch: member,
                    tray: key.to_string(),
                    status: value,
                    fan_states: Vec::new(),
                    direction: None,
                    power_watts: None,
                    beacon_led: None,
                    status_led: None,
                });
                continue;
            }
            // The 9400's lines after its supply table and `Fantray` line.
            let tray = env.fan_trays.last_mut();
            let number = || value.split_whitespace().next().and_then(|n| n.parse().ok());
            match key.to_ascii_lowercase().as_str() {
                "fantray airflow direction" => {
                    if let Some(tray) = tray {
                        tray.direction = Some(value);
                    }
                    continue;
                }
                "power consumed by fantray" => {
                    if let Some(tray) = tray {
                        tray.power_watts = number();
                    }
                    continue;
                }
                "fantray beacon led" | "fantray beacon led status" => {
                    if let Some(tray) = tray {
                        tray.beacon_led = super::non_empty(&value);
                    }
                    continue;
                }
                "fantray status led" => {
                    if let Some(tray) = tray {
                        tray.status_led = super::non_empty(&value);
                    }
                    continue;
                }
                "ps current configuration mode" => {
                    env.ps_config_mode = super::non_empty(&value);
                    continue;
                }
                "ps current operating state" => {
                    env.ps_operating_state = super::non_empty(&value);
                    continue;
                }
                "power supplies currently active" => {
                    env.supplies_active = number();
                    continue;
                }
                "power supplies currently available" => {
                    env.supplies_available = number();
                    continue;
                }
                _ if key == "SYSTEM" => {
                    env.system_led = super::non_empty(&value);
                    continue;
                }
                _ => {}
            }
        }
        if let Some(r) = rest.strip_prefix("FAN") {
            let r = r.trim();
            if let Some((fan, dir)) = r.split_once(" direction is ") {
                if let Some(f) = env
                    .fans
                    .iter_mut()
                    .find(|f| f.switch == switch && f.fan.as_deref() == Some(fan.trim()))
                {
                    f.direction = Some(dir.trim().to_string());
                }
                continue;
            }
            let (fan, status) = match r.strip_prefix("is ") {
                Some(s) => (None, s),
                None => match r.split_once(" is ") {
                    Some((f, s)) => (Some(f.trim().to_string()), s),
                    None => continue,
                },
            };
            env.fans.push(IosFan {
                switch,
                fan,
                status: status.trim().to_string(),
                direction: None,
                speed: None,
            });
            continue;
        }
        if let Some(s) = rest.strip_prefix("POWER is ") {
            env.power_status = Some(s.trim().to_string());
            continue;
        }
        if let Some(s) = rest.strip_prefix("RPS is ") {
            env.rps_status = Some(s.trim().to_string());
            continue;
        }
        // `SYSTEM TEMPERATURE is OK`, `TEMPERATURE is OK`, `POWER SUPPLY 1A TEMPERATURE: OK`.
        let status_line = rest
            .split_once("TEMPERATURE is ")
            .or_else(|| rest.split_once("TEMPERATURE: "));
        if let Some((sensor, status)) = status_line {
            env.temperatures.push(IosTemperature {
                switch,
                sensor: sensor.trim().to_string(),
                status: Some(status.trim().to_string()),
                value: None,
                state: None,
                yellow_threshold: None,
                red_threshold: None,
            });
            continue;
        }
        let Some((key, value)) = t.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if let Some(sensor) = key.strip_suffix("Temperature Value") {
            let sensor = sensor.trim();
            // The reading of the status line just before it (`SYSTEM TEMPERATURE is OK` then
            // `System Temperature Value`), or a sensor of its own (`Inlet`, `ASIC`).
            let last = env.temperatures.last_mut().filter(|l| {
                l.value.is_none() && (l.sensor.is_empty() || l.sensor.eq_ignore_ascii_case(sensor))
            });
            match last {
                Some(l) => l.value = celsius(value),
                None => env.temperatures.push(IosTemperature {
                    switch: None,
                    sensor: sensor.to_string(),
                    status: None,
                    value: celsius(value),
                    state: None,
                    yellow_threshold: None,
                    red_threshold: None,
                }),
            }
        } else if let Some(l) = env.temperatures.last_mut() {
            if key.ends_with("Temperature State") {
                l.state = Some(value.to_string());
            } else if key == "Yellow Threshold" || key == "Minor Threshold" {
                l.yellow_threshold = celsius(value);
            } else if key == "Red Threshold" || key == "Major Threshold" {
                l.red_threshold = celsius(value);
            }
        }
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalyst_3850_stack_member_lines_and_supply_table() {
        // genieparser iosxe cat3k/c3850 ShowEnvironmentAll golden_output1 and iosxe ShowEnvAll
        // golden_output: `Switch N` prefixes, power-supply fans, fan directions, readings of
        // several sensors, the supply table with an empty bay, the RPS table after it.
        let env = parse_ios_show_environment_all(
            "show environment all\n\
             Switch 1 FAN 1 is OK\n\
             Switch 1 FAN 2 is OK\n\
             FAN PS-1 is OK\n\
             FAN PS-2 is NOT PRESENT\n\
             Switch 1: SYSTEM TEMPERATURE is OK\n\
             Inlet Temperature Value: 31 Degree Celsius\n\
             Temperature State: GREEN\n\
             Yellow Threshold : 46 Degree Celsius\n\
             Red Threshold    : 56 Degree Celsius\n\
             \n\
             ASIC Temperature Value: 36 Degree Celsius\n\
             Temperature State: GREEN\n\
             Yellow Threshold : 105 Degree Celsius\n\
             Red Threshold    : 125 Degree Celsius\n\
             Switch 1 FAN 1 direction is Front to Back\n\
             POWER SUPPLY 1B TEMPERATURE: Not Present\n\
             SW  PID                 Serial#     Status           Sys Pwr  PoE Pwr  Watts\n\
             --  ------------------  ----------  ---------------  -------  -------  -----\n\
             1A  PWR-C3-750WAC-R     QCS22123Y8E  OK              Good     Good     750\n\
             1B  Not Present\n\
             SW   Status          RPS Name          RPS Serial#  RPS Port#\n\
             --   -------------   ----------------  -----------  ---------\n\
             1    Not Present     <>\n",
        );
        assert_eq!(env.fans.len(), 4);
        assert_eq!(env.fans[0].switch, Some(1));
        assert_eq!(env.fans[0].fan.as_deref(), Some("1"));
        assert_eq!(env.fans[0].direction.as_deref(), Some("Front to Back"));
        assert_eq!(env.fans[3].fan.as_deref(), Some("PS-2"));
        assert_eq!(env.fans[3].status, "NOT PRESENT");
        let t = &env.temperatures;
        assert_eq!(t.len(), 4);
        assert_eq!((t[0].sensor.as_str(), t[0].switch), ("SYSTEM", Some(1)));
        assert_eq!(t[1].sensor, "Inlet");
        assert_eq!(
            (t[1].value, t[1].yellow_threshold, t[1].red_threshold),
            (Some(31), Some(46), Some(56))
        );
        assert_eq!((t[2].sensor.as_str(), t[2].value), ("ASIC", Some(36)));
        assert_eq!(t[3].sensor, "POWER SUPPLY 1B");
        assert_eq!(t[3].status.as_deref(), Some("Not Present"));
        assert_eq!(env.power_supplies.len(), 2);
        assert_eq!(
            env.power_supplies[0].pid.as_deref(),
            Some("PWR-C3-750WAC-R")
        );
        assert_eq!(env.power_supplies[0].watts.as_deref(), Some("750"));
        assert_eq!(env.power_supplies[1].status, "Not Present");
        assert!(!env.all_ok());
    }

    #[test]
    fn sensor_row_out_of_its_column_and_the_block_end() {
        // genieparser iosxe asr1k ShowEnvironmentAllasr1k golden_output: a capture indented by
        // four blanks whose last row is not (the name ran into the location before), the ASR
        // fan controller's `Fan Speed 65%` state; a blank line ends the list, so the chassis
        // supply table after it (genieparser cat9k c9400 ShowEnvironmentAll) is not sensors.
        let env = parse_ios_show_environment_all(
            "    Sensor List: Environmental Monitoring\n\
             \x20   Sensor           Location          State             Reading\n\
             \x20   Temp: FC         P0                Fan Speed 65%     27 Celsius\n\
             \x20   Temp: C2D C0     R0                Normal            38 Celsius\n\
             Temp: C2D C1     R0                Normal            34 Celsius\n\
             \n\
             Power                                                       Fan States\n\
             Supply  Model No              Type  Capacity  Status        1     2\n\
             PS1     C9400-PWR-3200AC      ac    3200 W    active        good  good\n",
        );
        let s: Vec<_> = env
            .sensors
            .iter()
            .map(|s| {
                (
                    s.sensor.as_str(),
                    s.location.as_str(),
                    s.state.as_str(),
                    s.reading,
                )
            })
            .collect();
        assert_eq!(
            s,
            [
                ("Temp: FC", "P0", "Fan Speed 65%", Some(27)),
                ("Temp: C2D C0", "R0", "Normal", Some(38)),
                ("Temp: C2D C1", "R0", "Normal", Some(34)),
            ]
        );
        assert_eq!(env.temperatures.len(), 3);
        assert!(env.temperatures[2].switch.is_none());
        assert!(env.all_ok());
    }

    #[test]
    fn catalyst_3750_single_status_lines() {
        // The Catalyst 3750 layout: one FAN / TEMPERATURE / POWER / RPS line, the system reading
        // under `TEMPERATURE is OK`. Written by hand after that layout: no capture under a
        // licence allowing redistribution was found (ntc-templates has no template for it).
        let env = parse_ios_show_environment_all(
            "FAN is OK\nTEMPERATURE is OK\nTemperature Value: 33 Degree Celsius\nTemperature State: GREEN\nYellow Threshold : 54 Degree Celsius\nRed Threshold    : 64 Degree Celsius\nPOWER is OK\nRPS is NOT PRESENT\n",
        );
        assert_eq!(env.fans.len(), 1);
        assert!(env.fans[0].fan.is_none() && env.fans[0].switch.is_none());
        assert_eq!(env.temperatures.len(), 1);
        let t = &env.temperatures[0];
        assert_eq!(
            (t.value, t.state.as_deref(), t.red_threshold),
            (Some(33), Some("GREEN"), Some(64))
        );
        assert_eq!(env.power_status.as_deref(), Some("OK"));
        assert_eq!(env.rps_status.as_deref(), Some("NOT PRESENT"));
        assert!(env.all_ok());
    }

    #[test]
    fn nexus_9800_absent_supplies_and_modelless_fans() {
        // genieparser nxos ShowEnvironment golden1: power-supply fans printed without a model
        // (the hardware version was taken for it), empty slots (`------------`, `Absent`), and the
        // module power table, with decimal watts, after the supplies (not supplies).
        let env = parse_nxos_show_environment(
            "Fan:\n\
             ---------------------------------------------------------------------------\n\
             Fan             Model                Hw     Direction       Status\n\
             ---------------------------------------------------------------------------\n\
             Fan1(sys_fan1)  N9K-C9808-FAN-A      1.0    front-to-back   Ok\n\
             Fan_in_PS1                           --     front-to-back   Absent\n\
             Fan_in_PS6                           --     front-to-back   Shutdown\n\
             Fan Zone Speed: Zone 1: 0x80\n\
             Fan Air Filter : NotSupported\n\
             \n\
             \n\
             Power Supply:\n\
             Voltage: 54 Volts\n\
             Power                      Actual             Actual        Total\n\
             Supply    Model            Output             Input        Capacity     Status\n\
             \x20                          (Watts )           (Watts )     (Watts )\n\
             -------  ----------  ---------------  ------  ----------  --------------------\n\
             1        ------------            0 W                0 W         0 W   Absent\n\
             4        NXK-HV-6.3KW20A-A     429 W              475 W      3150 W      Ok\n\
             \n\
             \n\
             \x20                                 Actual        Power\n\
             Module    Model                     Draw    Allocated    Status\n\
             \x20                                (Watts )     (Watts )\n\
             -------  -------------------  -----------  -----------  --------------\n\
             1        N9K-X9836DM-A           597.00 W     2435.94 W    Powered-Up\n\
             27       N9K-C9800-SUP-A          75.00 W      94.50 W    Powered-Up\n",
        );
        assert_eq!(env.fans.len(), 3);
        assert_eq!(env.fans[0].fan_model.as_deref(), Some("N9K-C9808-FAN-A"));
        assert_eq!(env.fans[0].fan_hw, "1.0");
        assert!(env.fans[1].fan_model.is_none());
        assert_eq!(env.fans[1].fan_hw, "--");
        assert_eq!(env.fans[2].fan_status, "Shutdown");
        assert_eq!(env.power_supplies.len(), 2);
        assert_eq!(env.power_supplies[0].power_supply_status, "Absent");
        let p = &env.power_supplies[1];
        assert_eq!(
            (
                p.power_supply_output,
                p.power_supply_input,
                p.power_supply_capacity
            ),
            (429.0, Some(475.0), 3150.0)
        );
        assert!(env.temperatures.is_empty());
        assert!(!env.all_ok());
    }
}
