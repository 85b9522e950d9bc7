//! `show interface` and `show ip interface brief`.

use serde_json::Value;

use super::{opt, opt_any, Reply, Row};
use crate::error::Result;
use crate::show::{NxosInterface, NxosIpInterfaceBrief};

/// Reads NX-OS `show interface` structured output (`TABLE_interface`) into the
/// [`NxosInterface`] rows the text parser returns.
///
/// Physical, port-channel, management and loopback rows carry `eth_*` keys, SVIs `svi_*` keys;
/// both are read. Values are written as the text shows them: `link_status` is the state with
/// its reason (`down (Administratively down)`), duplex `full-duplex`, bandwidth `1000000
/// Kbit`, delay `10 usec`, rates the last load interval's bits and packets per second; the
/// encapsulation (`ARPA`) from `eth_encap`, or `encapsulation` as NX-OS 9.3 names it. A row
/// without `interface`, or without any state (`state`, `admin_state`, `svi_admin_state`), is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_interface": {"ROW_interface": {
///     "interface": "Ethernet1/1", "state": "down", "state_rsn_desc": "Link not connected",
///     "admin_state": "up", "eth_mtu": "9216", "eth_bw": 10000000, "eth_duplex": "auto",
///     "eth_speed": "auto-speed", "eth_mode": "trunk", "eth_crc": "3"}}});
/// let i = hermes_netdev::show::parse_nxos_json_show_interface("n9k1", &body)?;
/// assert_eq!(i[0].link_status, "down (Link not connected)");
/// assert_eq!(i[0].mtu, Some(9216));
/// assert_eq!(i[0].duplex.as_deref(), Some("auto-duplex"));
/// assert_eq!(i[0].crc, Some(3));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_interface(target: &str, body: &Value) -> Result<Vec<NxosInterface>> {
    let r = Reply {
        target,
        command: "show interface",
    };
    let b = r.body(body)?;
    r.rows(&b, "interface")?
        .into_iter()
        .map(|row| interface(&r, row))
        .collect()
}

fn interface(r: &Reply<'_>, row: &Row) -> Result<NxosInterface> {
    let name = r.req(row, "interface")?;
    let svi = row.contains_key("svi_admin_state") || row.contains_key("svi_line_proto");
    let (state, reason, admin) = if svi {
        (
            r.req(row, "svi_admin_state")?,
            opt(row, "svi_rsn_desc"),
            opt(row, "svi_line_proto"),
        )
    } else {
        // Rows some interface kinds send without `state` (an administrative state only) read
        // that; a row with neither is refused.
        (
            r.req_any(row, &["state", "admin_state"])?,
            opt(row, "state_rsn_desc"),
            opt(row, "admin_state"),
        )
    };
    let link_status = match reason {
        Some(why) if !why.eq_ignore_ascii_case("none") => format!("{state} ({why})"),
        _ => state,
    };
    let pick = |eth: &str, svi_key: &str| {
        if svi {
            opt(row, svi_key)
        } else {
            opt(row, eth)
        }
    };
    let n = |k: &str| r.num::<u64>(row, k);
    let (ip, len) = if svi {
        (opt(row, "svi_ip_addr"), r.num::<u8>(row, "svi_ip_mask")?)
    } else {
        (opt(row, "eth_ip_addr"), r.num::<u8>(row, "eth_ip_mask")?)
    };
    let ip_address = match ip {
        Some(a) => Some(a.parse().map_err(|_| {
            r.malformed(format!("interface {name}: the address {a:?} is not IPv4"))
        })?),
        None => None,
    };
    let last_interval = |two: &str, one: &str| opt(row, two).or_else(|| opt(row, one));
    Ok(NxosInterface {
        link_status,
        admin_state: admin,
        hardware_type: opt(row, "eth_hw_desc"),
        mac_address: pick("eth_hw_addr", "svi_mac"),
        bia: opt(row, "eth_bia_addr"),
        description: opt_any(row, &["desc", "svi_desc", "eth_desc"]).map(|d| d.trim().to_string()),
        ip_address,
        prefix_length: ip_address.and(len),
        mtu: r.num(row, if svi { "svi_mtu" } else { "eth_mtu" })?,
        mode: opt(row, "eth_mode"),
        duplex: opt(row, "eth_duplex").map(|d| format!("{d}-duplex")),
        speed: opt(row, "eth_speed"),
        input_packets: n("eth_inpkts")?,
        output_packets: n("eth_outpkts")?,
        input_errors: n("eth_inerr")?,
        output_errors: n("eth_outerr")?,
        bandwidth: r
            .num::<u64>(row, if svi { "svi_bw" } else { "eth_bw" })?
            .map(|b| format!("{b} Kbit")),
        delay: r
            .num::<u64>(row, if svi { "svi_delay" } else { "eth_dly" })?
            .map(|d| format!("{d} usec")),
        // `eth_encap` on 7.x, `encapsulation` on 9.3 and later.
        encapsulation: opt_any(row, &["eth_encap", "encapsulation"])
            .and_then(|e| e.split_whitespace().next().map(String::from)),
        last_link_flapped: opt(row, "eth_link_flapped"),
        vlan_id: if svi { None } else { r.num(row, "eth_vlanid")? },
        packet_input_rate: last_interval("eth_inrate2_pkts", "eth_inrate1_pkts"),
        packet_output_rate: last_interval("eth_outrate2_pkts", "eth_outrate1_pkts"),
        bandwidth_input_rate: last_interval("eth_inrate2_bits", "eth_inrate1_bits"),
        bandwidth_output_rate: last_interval("eth_outrate2_bits", "eth_outrate1_bits"),
        media_type: opt(row, "eth_media"),
        short_frame: n("eth_frame")?,
        overrun: n("eth_overrun")?,
        underrun: n("eth_underrun")?,
        ignored: n("eth_ignored")?,
        watchdog: n("eth_watchdog")?,
        bad_etype_drop: n("eth_bad_eth")?,
        bad_proto_drop: n("eth_bad_proto")?,
        interface_down_drop: n("eth_in_ifdown_drops")?,
        dribble: n("eth_dribble")?,
        input_discards: n("eth_indiscard")?,
        rx_pause: n("eth_inpause")?,
        stomped_crc: n("eth_stomped_crc")?,
        rx_jumbo_packets: n("eth_jumbo_inpkts")?,
        storm_suppression_bytes: n("eth_storm_supp")?,
        runts: n("eth_runts")?,
        giants: n("eth_giants")?,
        crc: n("eth_crc")?,
        no_buffer: n("eth_nobuf")?,
        tx_jumbo_packets: n("eth_jumbo_outpkts")?,
        collisions: n("eth_coll")?,
        deferred: n("eth_deferred")?,
        late_collisions: n("eth_latecoll")?,
        lost_carrier: n("eth_lostcarrier")?,
        no_carrier: n("eth_nocarrier")?,
        babble: n("eth_babbles")?,
        output_discards: n("eth_outdiscard")?,
        tx_pause: n("eth_outpause")?,
        interface: name,
    })
}

/// Reads NX-OS `show ip interface brief [vrf NAME|all]` structured output into the
/// [`NxosIpInterfaceBrief`] rows the text parser returns (states written as the text shows
/// them: `admin-up`, `link-up`, `protocol-up`).
///
/// NX-OS sends the VRFs two ways: `TABLE_vrf` rows holding their own `TABLE_intf`, or (7.x)
/// `TABLE_intf` and `TABLE_vrf` side by side, the n-th VRF row naming the n-th interface's
/// VRF (one VRF row for all when a single VRF was asked for); an interface row naming its own
/// `vrf-name-out` is in that VRF. Side-by-side tables of other
/// lengths are [`NetError::Malformed`](crate::NetError::Malformed); so is a row without
/// `intf-name`, or without an address that is not `unnumbered`.
///
/// ```
/// let body = serde_json::json!({
///     "TABLE_intf": {"ROW_intf": {"intf-name": "mgmt0", "prefix": "10.0.0.71",
///         "admin-state": "up", "link-state": "up", "proto-state": "up"}},
///     "TABLE_vrf": {"ROW_vrf": {"vrf-name-out": "management"}}});
/// let rows = hermes_netdev::show::parse_nxos_json_show_ip_interface_brief("n9k1", &body)?;
/// assert_eq!(rows[0].vrf, "management");
/// assert_eq!(rows[0].status, "admin-up");
/// assert!(rows[0].is_up());
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_ip_interface_brief(
    target: &str,
    body: &Value,
) -> Result<Vec<NxosIpInterfaceBrief>> {
    let r = Reply {
        target,
        command: "show ip interface brief",
    };
    let b = r.body(body)?;
    let vrfs = r.rows(&b, "vrf")?;
    let mut out = Vec::new();
    if vrfs.iter().any(|v| v.contains_key("TABLE_intf")) {
        for v in vrfs {
            let vrf = r.req(v, "vrf-name-out")?;
            for i in r.rows(v, "intf")? {
                out.push(ip_brief(&r, &vrf, i)?);
            }
        }
        return Ok(out);
    }
    let intfs = r.rows(&b, "intf")?;
    let names: Vec<String> = vrfs
        .iter()
        .map(|v| r.req(v, "vrf-name-out"))
        .collect::<Result<_>>()?;
    for (n, i) in intfs.iter().enumerate() {
        // Some releases name the VRF in each interface row.
        if let Some(own) = opt(i, "vrf-name-out") {
            out.push(ip_brief(&r, &own, i)?);
            continue;
        }
        let vrf = match names.as_slice() {
            [] => "default",
            [one] => one.as_str(),
            many if many.len() == intfs.len() => many[n].as_str(),
            many => {
                return Err(r.malformed(format!(
                    "{} interface rows but {} VRF rows: cannot tell which VRF each is in",
                    intfs.len(),
                    many.len()
                )))
            }
        };
        out.push(ip_brief(&r, vrf, i)?);
    }
    Ok(out)
}

fn ip_brief(r: &Reply<'_>, vrf: &str, row: &Row) -> Result<NxosIpInterfaceBrief> {
    let interface = r.req(row, "intf-name")?;
    let state = |key: &str, prefix: &str| -> Result<String> {
        let s = r.req(row, key)?;
        Ok(if s.starts_with(prefix) {
            s
        } else {
            format!("{prefix}-{s}")
        })
    };
    let unnumbered_from = opt_any(row, &["unnum-intf", "unnum-intf-name"]);
    let ip_address = match (opt(row, "prefix"), &unnumbered_from) {
        (Some(p), _) => p,
        (None, Some(_)) => "unnumbered".to_string(),
        (None, None) => {
            return Err(r.malformed(format!(
                "interface {interface}: no `prefix` and no `unnum-intf`"
            )))
        }
    };
    Ok(NxosIpInterfaceBrief {
        vrf: vrf.to_string(),
        ip_address,
        status: state("admin-state", "admin")?,
        link: state("link-state", "link")?,
        proto: state("proto-state", "protocol")?,
        unnumbered_from,
        interface,
    })
}
