//! `show vpc`.

use serde_json::Value;

use super::{abbreviate, opt, text, Reply, Row};
use crate::error::Result;
use crate::show::{NxosVpc, VpcPort};

/// Reads NX-OS `show vpc` structured output into the [`NxosVpc`] the text parser returns.
///
/// JSON sends some states as codes where the text prints phrases; the known ones are written as
/// the text does (`peer-ok` → `peer adjacency formed ok`, `peer-alive` → `peer is alive`,
/// `SUCCESS` → `success`, `consistent` → `success`, role `secondary-primary` → `secondary,
/// operational primary`, peer gateway `1` → `Enabled`, port state `1` / `0` → `up` / `down`, and
/// `down*` for a vPC forwarding through the peer-link), others kept as sent. The peer-link
/// (`TABLE_peerlink`) and vPC (`TABLE_vpc`) tables give [`VpcPort`]s; a row of them without its
/// id or port is [`NetError::Malformed`](crate::NetError::Malformed) naming the key. A switch
/// without vPC sends no domain, and one with `feature vpc` but no domain sends `vpc-domain-id`
/// `not configured`: the domain is then `None` (as the text parser gives for `Not
/// configured`), and so is every field the reply leaves out.
///
/// ```
/// let body = serde_json::json!({"vpc-domain-id": "10", "vpc-peer-status": "peer-ok",
///     "vpc-peer-keepalive-status": "peer-alive", "vpc-role": "primary", "num-of-vpcs": "1",
///     "TABLE_peerlink": {"ROW_peerlink": {"peer-link-id": "1", "peerlink-ifindex": "Po1",
///         "peer-link-port-state": "1", "peer-up-vlan-bitset": "1,10-20"}},
///     "TABLE_vpc": {"ROW_vpc": {"vpc-id": "20", "vpc-ifindex": "Po20", "vpc-port-state": "1",
///         "vpc-consistency": "consistent", "vpc-consistency-status": "SUCCESS",
///         "up-vlan-bitset": "10"}}});
/// let v = hermes_netdev::show::parse_nxos_json_show_vpc("n9k1", &body)?;
/// assert_eq!(v.domain_id, Some(10));
/// assert_eq!(v.peer_status.as_deref(), Some("peer adjacency formed ok"));
/// assert_eq!(v.vpcs[0].status, "up");
/// assert_eq!(v.vpcs[0].consistency.as_deref(), Some("success"));
/// # Ok::<(), hermes_netdev::NetError>(())
/// ```
pub fn parse_nxos_json_show_vpc(target: &str, body: &Value) -> Result<NxosVpc> {
    let r = Reply {
        target,
        command: "show vpc",
    };
    let b = r.body(body)?;
    let o = |k: &str| opt(&b, k).map(|s| phrase(s.trim()));
    let mut v = NxosVpc {
        domain_id: domain_id(&r, &b)?,
        peer_status: o("vpc-peer-status"),
        keepalive_status: o("vpc-peer-keepalive-status"),
        configuration_consistency_status: o("vpc-peer-consistency-status")
            .or_else(|| o("vpc-peer-consistency")),
        per_vlan_consistency_status: o("vpc-per-vlan-peer-consistency"),
        type2_consistency_status: o("vpc-type-2-consistency-status")
            .or_else(|| o("vpc-type-2-inconsistency-reason")),
        configuration_inconsistency_reason: o("vpc-peer-consistency-reason")
            .filter(|s| s != "success"),
        role: opt(&b, "vpc-role").map(|s| role(s.trim())),
        number_of_vpcs: r.num(&b, "num-of-vpcs")?,
        peer_gateway: opt(&b, "peer-gateway").map(|s| enabled(s.trim())),
        dual_active_excluded_vlans: o("dual-active-excluded-vlans"),
        graceful_consistency_check: opt(&b, "vpc-graceful-consistency-check-status")
            .map(|s| enabled(s.trim())),
        auto_recovery_status: o("vpc-auto-recovery-status"),
        delay_restore_status: o("vpc-delay-restore-status"),
        delay_restore_svi_status: o("vpc-delay-restore-svi-status"),
        operational_l3_peer_router: o("operational-l3-peer"),
        ..Default::default()
    };
    for row in r.rows(&b, "peerlink")? {
        v.peer_links.push(VpcPort {
            id: r.req_num(row, "peer-link-id")?,
            port: abbreviate(r.req(row, "peerlink-ifindex")?.trim()),
            status: port_state(row, "peer-link-port-state"),
            consistency: None,
            reason: None,
            active_vlans: Some(vlans(row, "peer-up-vlan-bitset")),
        });
    }
    for row in r.rows(&b, "vpc")? {
        let mut status = port_state(row, "vpc-port-state");
        if status == "down" && text(row, "vpc-thru-peerlink").as_deref() == Some("1") {
            status = "down*".to_string();
        }
        v.vpcs.push(VpcPort {
            id: r.req_num(row, "vpc-id")?,
            port: abbreviate(r.req(row, "vpc-ifindex")?.trim()),
            status,
            consistency: opt(row, "vpc-consistency").map(|s| phrase(s.trim())),
            reason: opt(row, "vpc-consistency-status").map(|s| phrase(s.trim())),
            active_vlans: Some(vlans(row, "up-vlan-bitset")),
        });
    }
    Ok(v)
}

/// `vpc-domain-id`: a number, or `not configured` (a switch with `feature vpc` and no domain,
/// which the text prints as `vPC domain id : Not configured`) → `None`, as the text parser gives.
/// Other text is [`NetError::Malformed`](crate::NetError::Malformed) naming the key.
fn domain_id(r: &Reply<'_>, b: &Row) -> Result<Option<u32>> {
    match opt(b, "vpc-domain-id") {
        Some(s) if s.eq_ignore_ascii_case("not configured") => Ok(None),
        _ => r.num(b, "vpc-domain-id"),
    }
}

/// `vpc-role` as the text prints it: `secondary-primary` → `secondary, operational primary`.
fn role(code: &str) -> String {
    match code {
        "primary-secondary" => "primary, operational secondary".to_string(),
        "secondary-primary" => "secondary, operational primary".to_string(),
        "none-established" => "none established".to_string(),
        other => other.to_string(),
    }
}

/// `1` / `0` / `enabled` / `disabled` as the text's `Enabled` / `Disabled`.
fn enabled(code: &str) -> String {
    match code {
        "1" | "enabled" | "Enabled" => "Enabled".to_string(),
        "0" | "disabled" | "Disabled" => "Disabled".to_string(),
        other => other.to_string(),
    }
}

/// A port state code as the text prints it.
fn port_state(row: &Row, key: &str) -> String {
    match text(row, key).as_deref().map(str::trim) {
        Some("1") => "up".to_string(),
        Some("0") | None => "down".to_string(),
        Some(other) => other.to_string(),
    }
}

/// The active VLAN list as the text prints it: `-` when none.
fn vlans(row: &Row, key: &str) -> String {
    opt(row, key)
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "-".to_string())
}

/// A JSON state code as the text's phrase; unknown codes as sent.
fn phrase(code: &str) -> String {
    match code {
        "peer-ok" => "peer adjacency formed ok",
        "peer-link-down" => "peer link is down",
        "peer-alive" => "peer is alive",
        "SUCCESS" | "consistent" | "success" => "success",
        "FAILED" | "inconsistent" | "failed" => "failed",
        other => other,
    }
    .to_string()
}
