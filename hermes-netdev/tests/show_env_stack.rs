//! IOS `show environment all` (Catalyst 9000 table layouts, RPS table) and `show switch
//! stack-ports [summary|detail]` on real genieparser outputs vendored in `tests/data/show` (each file's
//! source, commit and sha256 in its SOURCES.md, which the first test checks).

use std::path::PathBuf;

use hermes_netdev::show::{
    parse_ios_show_environment_all, parse_ios_show_switch_stack_ports,
    parse_ios_show_switch_stack_ports_detail, parse_ios_show_switch_stack_ports_summary,
};
use sha2::{Digest, Sha256};

#[path = "common/mixed.rs"]
mod mixed;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/show")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_file_is_in_sources_with_its_sha256() {
    let sources = read("SOURCES.md");
    let mut files = 0;
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == "SOURCES.md" || name == "LICENSE" {
            continue;
        }
        files += 1;
        let digest = format!(
            "{:x}",
            Sha256::digest(std::fs::read(dir().join(&name)).unwrap())
        );
        let row = sources
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("{name} is not listed in tests/data/show/SOURCES.md"));
        assert!(
            row.contains(&format!("`{digest}`")),
            "{name}: sha256 differs from SOURCES.md"
        );
    }
    let listed = sources.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(listed, files, "SOURCES.md lists a file that is missing");
    assert!(files >= 11);
}

#[test]
fn catalyst_9200_fan_speed_table() {
    // Before: the `Switch FAN Speed State` rows were not read (no fan at all).
    let env = parse_ios_show_environment_all(&read("c9200_show_environment_all.txt"));
    assert_eq!(env.fans.len(), 2);
    let f = &env.fans[1];
    assert_eq!(
        (f.switch, f.fan.as_deref(), f.speed, f.status.as_str()),
        (Some(1), Some("2"), Some(5100), "OK")
    );
    assert!(f.direction.is_none());
    let t: Vec<_> = env
        .temperatures
        .iter()
        .map(|t| (t.sensor.as_str(), t.value))
        .collect();
    assert_eq!(
        t,
        [
            ("SYSTEM", None),
            ("Inlet", Some(22)),
            ("Outlet", Some(27)),
            ("Hotspot", Some(36))
        ]
    );
    assert_eq!(env.power_supplies.len(), 2);
    assert_eq!(env.power_supplies[0].poe_pwr.as_deref(), Some("n/a"));
    assert!(env.sensors.is_empty());
}

#[test]
fn catalyst_9300_fan_table_per_stack_member() {
    let env = parse_ios_show_environment_all(&read("c9300_show_environment_all.txt"));
    // 3 fans per member from the tables, 2 `FAN PS-N` lines per member.
    assert_eq!(env.fans.len(), 10);
    let table: Vec<_> = env
        .fans
        .iter()
        .filter(|f| f.speed.is_some())
        .map(|f| (f.switch, f.fan.clone().unwrap(), f.speed))
        .collect();
    assert_eq!(table.len(), 6);
    assert_eq!(table[3], (Some(2), "1".to_string(), Some(14240)));
    assert_eq!(env.fans[4].fan.as_deref(), Some("PS-2"));
    assert_eq!(env.fans[4].status, "NOT PRESENT");
    assert_eq!(env.power_supplies.len(), 4);
}

#[test]
fn fan_rows_with_one_blank_before_the_speed() {
    // `  1     1 35840     OK`: the columns are not two blanks apart.
    let env = parse_ios_show_environment_all(&read("iosxe_show_environment_all.txt"));
    let speeds: Vec<_> = env.fans.iter().filter_map(|f| f.speed).collect();
    assert_eq!(speeds, [35840; 5]);
    assert_eq!(env.fans.len(), 7);
    assert_eq!(env.power_supplies[0].status, "No Input Power");
    assert!(!env.all_ok());
}

#[test]
fn catalyst_9300_sensor_list_and_airflow_table() {
    // Before: 0 fans, 0 temperatures, no sensor on this 4-member stack.
    let env = parse_ios_show_environment_all(&read("c9300_show_environment_all_3.txt"));
    // 4 members x (3 supplies x 7 readings + 3 system temperatures).
    assert_eq!(env.sensors.len(), 96);
    let vin = &env.sensors[1];
    assert_eq!(
        (
            vin.sensor.as_str(),
            vin.location.as_str(),
            vin.state.as_str(),
            vin.reading,
            vin.unit.as_deref(),
            vin.range_min,
            vin.range_max
        ),
        (
            "PS1 Vin",
            "1",
            "GOOD",
            Some(200000),
            Some("mV"),
            Some(90),
            Some(264)
        )
    );
    let absent = &env.sensors[7];
    assert_eq!(
        (
            absent.sensor.as_str(),
            absent.state.as_str(),
            absent.reading
        ),
        ("PS2 Vout", "NOT PRESENT", Some(0))
    );
    assert!(!absent.is_ok());
    // ` PS1 Vout   3   GOOD   -  22258 mV`: the sign is not part of the state.
    let signed = env
        .sensors
        .iter()
        .find(|s| s.location == "3" && s.sensor == "PS1 Vout")
        .unwrap();
    assert_eq!(
        (signed.state.as_str(), signed.reading),
        ("GOOD", Some(-22258))
    );
    // The Celsius rows are temperatures too, with the range's top as the red threshold.
    assert_eq!(env.temperatures.len(), 12);
    let inlet = &env.temperatures[0];
    assert_eq!(
        (
            inlet.switch,
            inlet.sensor.as_str(),
            inlet.value,
            inlet.state.as_deref(),
            inlet.red_threshold
        ),
        (Some(1), "SYSTEM INLET", Some(29), Some("GREEN"), Some(56))
    );
    // Tab-separated fan rows, a state of several words before the airflow.
    assert_eq!(env.fans.len(), 12);
    let f = &env.fans[0];
    assert_eq!(
        (f.switch, f.speed, f.status.as_str(), f.direction.as_deref()),
        (
            Some(1),
            Some(0),
            "NOT PRESENT or FAULTY",
            Some("Front to Back")
        )
    );
    // Three bays per member, each member's supply table after its sensors.
    assert_eq!(env.power_supplies.len(), 12);
    assert_eq!(env.power_supplies[8].sw, "3C");
    assert_eq!(
        env.power_supplies[9].pid.as_deref(),
        Some("PWR-C2-1600WAC-I")
    );
    assert!(!env.all_ok());
}

#[test]
fn catalyst_9400_sensor_thresholds_and_chassis_tables_apart() {
    let env = parse_ios_show_environment_all(&read("c9400_show_environment_all.txt"));
    assert_eq!(env.sensors.len(), 58);
    let core = &env.sensors[0];
    assert_eq!(
        (
            core.sensor.as_str(),
            core.location.as_str(),
            core.state.as_str(),
            core.reading,
            core.thresholds.as_slice()
        ),
        (
            "Temp: Coretemp",
            "R0",
            "Normal",
            Some(47),
            &[107, 117, 123, 125][..]
        )
    );
    let volts = env
        .sensors
        .iter()
        .find(|s| s.sensor == "HotSwap: Volts")
        .unwrap();
    assert_eq!(
        (volts.reading, volts.unit.as_deref()),
        (Some(53), Some("V DC"))
    );
    // `Temp:    inlet` keeps its inner blanks; thresholds `(56 ,66 ,96 ,98 )`.
    let inlet = env
        .sensors
        .iter()
        .find(|s| s.sensor == "Temp:    inlet")
        .unwrap();
    assert_eq!(inlet.thresholds, [56, 66, 96, 98]);
    // The chassis supply and fan-tray tables after the blank line are not sensors.
    assert!(env.sensors.iter().all(|s| !s.sensor.starts_with("PS")));
    assert_eq!(env.temperatures.len(), 8);
    // The chassis supply table: `n.a.` capacity of a faulty supply; the single fan tray line.
    let ps: Vec<_> = env
        .chassis_supplies
        .iter()
        .map(|p| (p.slot.as_str(), p.capacity_watts, p.status.as_str()))
        .collect();
    assert_eq!(
        ps,
        [
            ("PS1", Some(3200), "active"),
            ("PS2", None, "faulty"),
            ("PS4", None, "faulty")
        ]
    );
    assert_eq!(
        env.chassis_supplies[0].model.as_deref(),
        Some("C9400-PWR-3200AC")
    );
    assert_eq!(env.chassis_supplies[0].kind.as_deref(), Some("ac"));
    assert_eq!(env.chassis_supplies[0].fan_states, ["good", "good"]);
    assert_eq!(env.fan_trays.len(), 1);
    let tray = &env.fan_trays[0];
    assert_eq!(
        (
            tray.tray.as_str(),
            tray.status.as_str(),
            tray.direction.as_deref()
        ),
        ("Fantray", "good", Some("side-to-side"))
    );
    // The power mode and fan tray lines (before: not read, the 8 values named in the README).
    assert_eq!(
        (
            tray.power_watts,
            tray.beacon_led.as_deref(),
            tray.status_led.as_deref()
        ),
        (Some(540), Some("off"), Some("green"))
    );
    assert_eq!(
        (
            env.ps_config_mode.as_deref(),
            env.ps_operating_state.as_deref(),
            env.supplies_active,
            env.supplies_available,
            env.system_led.as_deref()
        ),
        (
            Some("Combined"),
            Some("Combined"),
            Some(1),
            Some(1),
            Some("GREEN")
        )
    );
    assert_eq!(
        (env.critical_alarms, env.major_alarms, env.minor_alarms),
        (Some(0), Some(0), Some(0))
    );
    // Two faulty supplies.
    assert!(!env.all_ok());
}

#[test]
fn catalyst_9610_chassis_supplies_and_fan_trays() {
    let env = parse_ios_show_environment_all(&read("c9610_show_environment_all.txt"));
    assert_eq!(env.chassis_supplies.len(), 8);
    assert!(env
        .chassis_supplies
        .iter()
        .all(|p| p.capacity_watts == Some(3000) && p.status == "active"));
    let trays: Vec<_> = env
        .fan_trays
        .iter()
        .map(|t| (t.tray.as_str(), t.status.as_str(), t.fan_states.len()))
        .collect();
    assert_eq!(
        trays,
        [
            ("FT1", "active", 6),
            ("FT2", "marginal", 6),
            ("FT3", "marginal", 6),
            ("FT4", "marginal", 6)
        ]
    );
    assert_eq!(env.fan_trays[1].fan_states[0], "bad");
    assert_eq!(env.fan_trays[3].fan_states[5], "bad");
}

#[test]
fn stackwise_virtual_members_chassis_tables() {
    let env = parse_ios_show_environment_all(&read("iosxe_show_environment_status_3.txt"));
    let ps: Vec<_> = env
        .chassis_supplies
        .iter()
        .map(|p| {
            (
                p.switch,
                p.slot.as_str(),
                p.status.as_str(),
                p.capacity_watts,
            )
        })
        .collect();
    assert_eq!(
        ps,
        [
            (Some(1), "PS0", "ok", Some(1600)),
            (Some(1), "PS1", "Not Present", None),
            (Some(2), "PS0", "ok", Some(1600)),
            (Some(2), "PS1", "Not Present", None)
        ]
    );
    assert_eq!(env.chassis_supplies[0].fan_states, ["good", "N/A"]);
    assert_eq!(env.fan_trays.len(), 10);
    assert_eq!(env.fan_trays[5].switch, Some(2));
    assert_eq!(env.fan_trays[5].tray, "FM0");
    assert_eq!(env.fan_trays[9].fan_states, ["good", "good", "N/A", "N/A"]);
    // `N/A` fan positions are no fault; the absent supplies are.
    assert!(env.fan_trays.iter().all(|t| t.status == "ok"));
    assert!(!env.all_ok());
}

#[test]
fn catalyst_9610_ruled_sensor_list_and_sensor_faults() {
    let env = parse_ios_show_environment_all(&read("c9610_show_environment_all.txt"));
    assert_eq!(env.sensors.len(), 178);
    let faults: Vec<_> = env.sensors.iter().filter(|s| !s.is_ok()).collect();
    assert_eq!(faults.len(), 5);
    let f = faults[0];
    assert_eq!(
        (
            f.sensor.as_str(),
            f.state.as_str(),
            f.reading,
            f.unit.as_deref(),
            f.note.as_deref(),
            f.thresholds.as_slice()
        ),
        (
            "Temp: FPIO-1",
            "Normal",
            None,
            None,
            Some("Sensor Fault"),
            &[55, 60, 65, 70][..]
        )
    );
    let p = &env.sensors[0];
    assert_eq!(
        (p.sensor.as_str(), p.reading, p.unit.as_deref()),
        ("HotSwap: P_MB", Some(424), Some("Watts"))
    );
    assert!(!env.all_ok());
}

#[test]
fn rps_table() {
    let env = parse_ios_show_environment_all(&read("iosxe_show_env_rps.txt"));
    assert_eq!(env.rps.len(), 1);
    let r = &env.rps[0];
    assert_eq!((r.sw.as_str(), r.status.as_str()), ("1", "Not Present"));
    assert!(r.name.is_none() && r.serial.is_none() && r.port.is_none());
}

#[test]
fn stack_ports() {
    let rows = parse_ios_show_switch_stack_ports(&read("iosxe_show_switch_stack-ports.txt"));
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.switch, r.port1.as_str(), r.port2.as_str()))
        .collect();
    assert_eq!(got, [(1, "OK", "OK"), (2, "DOWN", "OK"), (3, "OK", "DOWN")]);
    // The summary's rows are not read as this table.
    assert!(
        parse_ios_show_switch_stack_ports(&read("iosxe_show_switch_stack-ports_summary.txt"))
            .is_empty()
    );
}

#[test]
fn stack_ports_detail_blocks() {
    // Before: not read (no parser). Every value below is genieparser's expected result for
    // this output (ShowSwitchStackPortsDetail golden_output_expected.py), 4 ports x 16 values.
    let ports =
        parse_ios_show_switch_stack_ports_detail(&read("iosxe_show_switch_stack-ports_detail.txt"));
    let got: Vec<String> = ports
        .iter()
        .map(|p| {
            let l = &p.link;
            format!(
                "{}/{} {} loop={} cable={} nbr={} ok={} sync={} active={} changes={} \
                 in={:?}/{:?} bytes={:?}/{:?} crc={:?}/{:?}/{:?}/{:?}",
                l.switch,
                l.port,
                l.status,
                l.in_loopback,
                l.cable_length,
                l.neighbor.as_deref().unwrap_or("NONE"),
                l.link_ok,
                l.sync_ok,
                l.link_active,
                l.changes_to_link_ok,
                p.input_rate,
                p.output_rate,
                p.input_bytes,
                p.output_bytes,
                p.data_crc,
                p.ringword_crc,
                p.inv_ringword,
                p.pcs_codeword,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "1/1 DOWN loop=false cable=50cm nbr=NONE ok=true sync=true active=false changes=0 \
             in=Some(0)/Some(0) bytes=Some(0)/Some(0) crc=Some(0)/Some(0)/Some(0)/Some(0)",
            "1/2 OK loop=false cable=50cm nbr=2 ok=true sync=true active=true changes=2 \
             in=Some(18)/Some(0) bytes=Some(10756024)/Some(0) crc=Some(0)/Some(0)/Some(0)/Some(0)",
            "2/1 OK loop=false cable=50cm nbr=1 ok=true sync=true active=true changes=1 \
             in=Some(2489)/Some(15) bytes=Some(817400398)/Some(9071644) crc=Some(0)/Some(0)/Some(0)/Some(0)",
            "2/2 DOWN loop=false cable=50cm nbr=NONE ok=true sync=true active=false changes=0 \
             in=Some(0)/Some(0) bytes=Some(0)/Some(0) crc=Some(0)/Some(0)/Some(0)/Some(0)",
        ]
    );
    assert_eq!(ports.iter().filter(|p| p.link.is_up()).count(), 2);
    // Neither the summary nor the plain table is read as detail blocks, nor the reverse.
    assert!(parse_ios_show_switch_stack_ports_detail(&read(
        "iosxe_show_switch_stack-ports_summary.txt"
    ))
    .is_empty());
    assert!(parse_ios_show_switch_stack_ports_summary(&read(
        "iosxe_show_switch_stack-ports_detail.txt"
    ))
    .is_empty());
}

#[test]
fn stack_ports_summary_layouts() {
    let rows = parse_ios_show_switch_stack_ports_summary(&read(
        "iosxe_show_switch_stack-ports_summary.txt",
    ));
    assert_eq!(rows.len(), 10);
    let r = &rows[0];
    assert_eq!(
        (
            r.switch,
            r.port,
            r.neighbor.as_deref(),
            r.cable_length.as_str()
        ),
        (1, 1, Some("5"), "100cm")
    );
    assert!(rows.iter().all(|r| r.is_up() && r.changes_to_link_ok == 1));

    let indented = parse_ios_show_switch_stack_ports_summary(&read(
        "c9300_show_switch_stack-ports_summary_1.txt",
    ));
    assert_eq!(indented.len(), 6);
    assert_eq!(indented[5].neighbor.as_deref(), Some("2/1"));

    let down = parse_ios_show_switch_stack_ports_summary(&read(
        "c9300_show_switch_stack-ports_summary_2.txt",
    ));
    assert_eq!(down.len(), 6);
    let d = &down[0];
    assert_eq!(
        (
            d.status.as_str(),
            d.neighbor.as_deref(),
            d.cable_length.as_str()
        ),
        ("DOWN", None, "No Cable")
    );
    assert!(d.link_ok && !d.link_active && !d.sync_ok && d.in_loopback);
    assert_eq!(down.iter().filter(|r| r.is_up()).count(), 0);
    assert_eq!(down.iter().filter(|r| r.status == "OK").count(), 4);
}

#[test]
fn nxos_power_detail_dual_inlet_supplies() {
    let d = hermes_netdev::show::parse_nxos_show_environment_power_detail(&read(
        "nxos_show_environment_power_detail_1.txt",
    ));
    // The supply table, not the module table after it.
    assert_eq!(d.power_supplies.len(), 6);
    assert_eq!(d.power_supplies[3].power_supply_status, "Shutdown");
    assert_eq!(
        d.redundancy_configured.as_deref(),
        Some("Non-Redundant(combined)")
    );
    assert_eq!(
        (
            d.total_capacity,
            d.total_output,
            d.total_input,
            d.total_allocated,
            d.total_available
        ),
        (
            Some(15899.0),
            Some(2863.0),
            Some(3110.0),
            Some(6860.0),
            Some(9038.68)
        )
    );
    assert_eq!(d.all_inlet_cords_connected, Some(false));
    assert_eq!(d.details.len(), 6);
    let ps1 = &d.details[0];
    // `Pin total:1249.00W  Pin A:637.35W  Vin:207.00V ...`, then the `Pin B` line (not read).
    assert_eq!(
        (
            ps1.supply,
            ps1.capacity,
            ps1.pin,
            ps1.pout,
            ps1.vin,
            ps1.iin,
            ps1.vout,
            ps1.iout
        ),
        (
            1,
            Some(6300.0),
            Some(1249.0),
            Some(1129.0),
            Some(207.0),
            Some(3.08),
            Some(55.0),
            Some(20.46)
        )
    );
    assert_eq!(ps1.cord.as_deref(), Some("both connected to 220V AC"));
    assert_eq!(ps1.software_alarm, Some(false));
    assert_eq!(d.details[5].cord.as_deref(), Some("not connected"));
    assert_eq!(d.details[5].capacity, Some(0.0));
}

#[test]
fn nxos_power_detail_single_inlet_and_na_budget() {
    let d = hermes_netdev::show::parse_nxos_show_environment_power_detail(&read(
        "nxos_show_environment_power_detail_2.txt",
    ));
    assert_eq!(d.power_supplies.len(), 2);
    assert_eq!(d.power_supplies[1].power_supply_status, "Absent");
    assert_eq!((d.total_output, d.total_input), (Some(548.0), Some(584.0)));
    assert_eq!((d.total_allocated, d.total_available), (None, None));
    assert_eq!(d.details.len(), 1);
    let ps = &d.details[0];
    assert_eq!(
        (ps.pin, ps.vin, ps.iin, ps.pout, ps.vout, ps.iout),
        (
            Some(584.0),
            Some(207.5),
            Some(2.88),
            Some(548.0),
            Some(12.01),
            Some(45.5)
        )
    );
    assert_eq!(ps.cord.as_deref(), Some("connected to 220V AC"));
}

#[test]
fn industrial_alarm_contacts_thresholds_and_typed_supplies() {
    // Before: one temperature, nothing else, on the IE 3x00 layout.
    let env = parse_ios_show_environment_all(&read("ie3k_show_environment_all.txt"));
    assert_eq!(env.alarm_contacts.len(), 2);
    let a = &env.alarm_contacts[1];
    assert_eq!(
        (
            a.contact,
            a.status.as_deref(),
            a.description.as_deref(),
            a.severity.as_deref(),
            a.trigger.as_deref()
        ),
        (
            2,
            Some("not asserted"),
            Some("external alarm contact 2"),
            Some("minor"),
            Some("closed")
        )
    );
    let t = &env.temperatures[0];
    assert_eq!(
        (
            t.sensor.as_str(),
            t.value,
            t.yellow_threshold,
            t.red_threshold
        ),
        ("Supervisor", Some(48), Some(80), Some(90))
    );
    let ps: Vec<_> = env
        .chassis_supplies
        .iter()
        .map(|p| {
            (
                p.slot.as_str(),
                p.kind.as_deref(),
                p.status.as_str(),
                p.voltage.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ps,
        [
            ("POWER SUPPLY-A", Some("DC"), "OK", Some("24V")),
            ("POWER SUPPLY-B", Some("DC"), "OK", Some("54V"))
        ]
    );
    assert!(env.all_ok());
}

#[test]
fn industrial_sensor_readings_and_pid_supplies() {
    let env = parse_ios_show_environment_all(&read("ie3k_show_environment_all_2.txt"));
    assert_eq!(env.alarm_contacts.len(), 4);
    assert!(env.alarm_contacts.iter().all(|a| a.switch == Some(1)));
    let t: Vec<_> = env
        .temperatures
        .iter()
        .filter(|t| t.value.is_some())
        .map(|t| (t.switch, t.sensor.as_str(), t.value, t.red_threshold))
        .collect();
    assert_eq!(t.len(), 5);
    assert_eq!(t[0], (Some(1), "Inlet Temp Sensor", Some(46), Some(96)));
    assert_eq!(t[4], (Some(1), "HotSpot Temp Sensor", Some(37), Some(125)));
    // `Switch:1` inside the supply table does not end it.
    assert_eq!(env.power_supplies.len(), 2);
    assert_eq!(env.power_supplies[0].sw, "POWER SUPPLY-1");
    assert_eq!(env.power_supplies[0].status, "Not Present");
    let p = &env.power_supplies[1];
    assert_eq!(
        (
            p.pid.as_deref(),
            p.serial.as_deref(),
            p.status.as_str(),
            p.sys_pwr.as_deref(),
            p.watts.as_deref()
        ),
        (
            Some("PWR-RGD-AC-DC-250"),
            Some("DTH255202J5"),
            "OK",
            Some("Good"),
            Some("250")
        )
    );
    let s: Vec<_> = env
        .sensors
        .iter()
        .map(|s| {
            (
                s.sensor.as_str(),
                s.state.as_str(),
                s.reading,
                s.unit.as_deref(),
            )
        })
        .collect();
    assert_eq!(s.len(), 8);
    assert_eq!(s[0], ("PS-1 Vout", "Not Present", Some(0), Some("mV")));
    assert_eq!(s[4], ("PS-2 Vout", "Good", Some(55000), Some("mV")));
    assert_eq!(s[7], ("PS-2 Hotspot", "Good", Some(49), Some("C")));
    assert_eq!(env.sensors[4].location, "1");
    assert!(!env.all_ok());
}

mod never_panic {
    //! Whatever the text, the parsers return: lines of the files here cut at any character,
    //! shuffled, with non-ASCII text and tabs spliced in (the column reads cut lines by byte).
    use proptest::prelude::*;

    use super::mixed::mixed_text;

    use hermes_netdev::show::{
        parse_ios_show_environment_all, parse_ios_show_ipv6_route,
        parse_ios_show_switch_stack_ports, parse_ios_show_switch_stack_ports_detail,
        parse_ios_show_switch_stack_ports_summary, parse_nxos_show_environment_power_detail,
        parse_nxos_show_ipv6_route,
    };

    fn lines() -> Vec<String> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(super::dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(path).unwrap();
                all.extend(text.lines().map(String::from));
            }
        }
        all
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn parsers_never_panic(
            picks in prop::collection::vec((any::<prop::sample::Index>(), 0usize..200, any::<bool>()), 1..40),
            junk in "[ -~éß€(),:/\\[\\]\t]{0,12}",
        ) {
            let text = mixed_text(&lines(), &picks, &junk);
            let _ = parse_ios_show_environment_all(&text);
            let _ = parse_ios_show_switch_stack_ports(&text);
            let _ = parse_ios_show_switch_stack_ports_summary(&text);
            let _ = parse_ios_show_switch_stack_ports_detail(&text);
            let _ = parse_nxos_show_environment_power_detail(&text);
            // The IPv6 route tables vendored here too (tests/show_routes.rs).
            let _ = parse_nxos_show_ipv6_route(&text);
            let _ = parse_ios_show_ipv6_route(&text);
        }
    }
}
