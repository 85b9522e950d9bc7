//! `show` layouts read since the README listed them as not read, on real genieparser outputs
//! vendored in `tests/data/show` (listed with their sha256 in its SOURCES.md, which
//! `show_env_stack` checks).

use std::path::PathBuf;

use hermes_netdev::show::parse_ios_show_interfaces_transceiver;

fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/show")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn values(r: &hermes_netdev::show::IosTransceiverDom) -> [Option<f64>; 5] {
    [&r.temperature, &r.voltage, &r.current, &r.tx_pwr, &r.rx_pwr].map(|x| x.as_ref()?.value)
}

#[test]
fn asr_1000_transceiver_block_and_table() {
    // genieparser iosxe/rv1 ShowInterfacesTransceiver golden_output1: the ASR 1000 prints a
    // `Module temperature = ...` block for the port, then the DOM table. The table's row is
    // the port's row (the values genieparser's expected result gives: temp 22.1, voltage 3.24,
    // current 7.4, Tx 0.09, Rx 0.44); the block is not a second row.
    let text = read("asr1k_show_interfaces_transceiver.txt");
    let rows = parse_ios_show_interfaces_transceiver(&text);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].interface, "Hu2/0/0");
    assert_eq!(
        values(&rows[0]),
        [Some(22.1), Some(3.24), Some(7.4), Some(0.09), Some(0.44)]
    );
    // The block alone (the output cut before its table): before, no row; now the port with the
    // block's readings (genieparser's `details`: 22.214, 3.2405, Tx 6.1, Rx 6.5; the bias
    // current is per lane there).
    let block: String = text
        .lines()
        .take_while(|l| !l.starts_with("Transceiver is internally"))
        .map(|l| format!("{l}\n"))
        .collect();
    let rows = parse_ios_show_interfaces_transceiver(&block);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].interface, "HundredGigE2/0/0");
    assert_eq!(
        values(&rows[0]),
        [Some(22.214), Some(3.2405), None, Some(6.1), Some(6.5)]
    );
    // Without the echoed command, the IDPROM line names the port.
    let unechoed: String = block.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let rows = parse_ios_show_interfaces_transceiver(&unechoed);
    assert_eq!(rows[0].interface, "HundredGigE2/0/0");
}
