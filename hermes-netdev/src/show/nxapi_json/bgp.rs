//! `show ip bgp summary [vrf ...]` and `show bgp all summary [vrf all]`.

use serde_json::Value;

use super::{opt, Reply, Row};
use crate::error::Result;
use crate::show::NxosBgpNeighborSummary;

/// Reads NX-OS `show ip bgp summary [vrf NAME|all]` or `show bgp all summary [vrf all]`
/// structured output (`TABLE_vrf` → `TABLE_af` → `TABLE_saf` → `TABLE_neighbor`) into the
/// [`NxosBgpNeighborSummary`] rows the text parser returns, one per neighbor and address
/// family, with the VRF's router ID and local AS.
///
/// Written as the text shows them: `state_pfxrcd` is the prefix count of an `Established`
/// session and the state otherwise; the up/down time that newer releases send as an ISO 8601
/// duration (`P17DT7H42M42S`) is written the way the text table does (`2w3d`, `1d02h`,
/// `07:42:42`). A neighbor row without its address, AS or counters is
/// [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
///
/// ```
/// let body = serde_json::json!({"TABLE_vrf": {"ROW_vrf": {"vrf-name-out": "default",
///     "vrf-router-id": "10.0.0.1", "vrf-local-as": "65000", "TABLE_af": {"ROW_af": {
///     "af-id": "1", "TABLE_saf": {"ROW_saf": {"safi": "1", "af-name": "IPv4 Unicast",
///     "TABLE_neighbor": {"ROW_neighbor": {"neighborid": "10.0.0.2", "neighborversion": "4",
///     "msgrecvd": 10, "msgsent": 11, "neighbortableversion": "5", "inq": "0", "outq": "0",
///     "neighboras": "65001", "time": "P17DT7H42M42S", "state": "Established",
///     "prefixreceived": "13"}}}}}}}}});
/// let n = hermes_netdev::show::parse_nxos_json_show_bgp_summary("n9k1", &body)?;
/// assert_eq!(n[0].state_pfxrcd, "13");
/// assert_eq!(n[0].up_down, "2w3d");
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_bgp_summary(
    target: &str,
    body: &Value,
) -> Result<Vec<NxosBgpNeighborSummary>> {
    let r = Reply {
        target,
        command: "show bgp summary",
    };
    let b = r.body(body)?;
    let mut out = Vec::new();
    for vrf in r.rows(&b, "vrf")? {
        let vrf_name = opt(vrf, "vrf-name-out");
        for af in r.rows(vrf, "af")? {
            // `show ip bgp summary` on some releases puts the neighbors in the family itself.
            let safs = r.rows(af, "saf")?;
            let families: Vec<&Row> = if safs.is_empty() { vec![af] } else { safs };
            for saf in families {
                for n in r.rows(saf, "neighbor")? {
                    out.push(neighbor(&r, vrf, vrf_name.clone(), saf, n)?);
                }
            }
        }
    }
    Ok(out)
}

fn neighbor(
    r: &Reply<'_>,
    vrf: &Row,
    vrf_name: Option<String>,
    saf: &Row,
    n: &Row,
) -> Result<NxosBgpNeighborSummary> {
    let addr = r.req_any(n, &["neighborid", "ipv6neighborid", "neighbor-id"])?;
    let state = r.req(n, "state")?;
    let state_pfxrcd = if state.eq_ignore_ascii_case("established") {
        opt(n, "prefixreceived").unwrap_or(state)
    } else {
        state
    };
    let up_down = r.req(n, "time")?;
    Ok(NxosBgpNeighborSummary {
        router_id: r.req(vrf, "vrf-router-id")?,
        local_as: r.req(vrf, "vrf-local-as")?,
        vrf: vrf_name,
        address_family: opt(saf, "af-name"),
        bgp_neigh: addr
            .trim()
            .parse()
            .map_err(|_| r.malformed(format!("neighbor {addr:?} is not an IP address")))?,
        version: r.req_num(n, "neighborversion")?,
        neigh_as: r.req(n, "neighboras")?,
        msg_rcvd: r.req_num(n, "msgrecvd")?,
        msg_sent: r.req_num(n, "msgsent")?,
        table_version: r.req_num(n, "neighbortableversion")?,
        in_queue: r.req_num(n, "inq")?,
        out_queue: r.req_num(n, "outq")?,
        up_down: super::uptime_text(up_down),
        state_pfxrcd,
    })
}

#[cfg(test)]
mod tests {
    use super::super::iso_duration_as_text as f;

    #[test]
    fn iso_durations_read_as_the_text_table_writes_them() {
        assert_eq!(f("P17DT7H42M42S").as_deref(), Some("2w3d"));
        assert_eq!(f("PT7H2M4S").as_deref(), Some("07:02:04"));
        assert_eq!(f("P1DT2H").as_deref(), Some("1d02h"));
        assert_eq!(f("PT30.5S").as_deref(), Some("00:00:30"));
        assert_eq!(f("6w3d"), None);
        assert_eq!(f("P1X"), None);
        assert_eq!(f("P"), Some("00:00:00".to_string()));
    }
}
