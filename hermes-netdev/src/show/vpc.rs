//! NX-OS `show vpc`.

use serde::{Deserialize, Serialize};

use super::{field, ntc_opt, ntc_str};

/// NX-OS `show vpc`: the domain's status lines and its two tables (peer-link, vPCs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NxosVpc {
    /// `vPC domain id` (`None` when the device prints `Not configured`).
    #[serde(default)]
    pub domain_id: Option<u32>,
    /// `Peer status`: `peer adjacency formed ok`, `peer link is down`...
    #[serde(default)]
    pub peer_status: Option<String>,
    /// `vPC keep-alive status`: `peer is alive`, `Suspended (Destination IP not reachable)`...
    #[serde(default)]
    pub keepalive_status: Option<String>,
    /// `Configuration consistency status`: `success`, `failed`.
    #[serde(default)]
    pub configuration_consistency_status: Option<String>,
    /// `Per-vlan consistency status`.
    #[serde(default)]
    pub per_vlan_consistency_status: Option<String>,
    /// `Type-2 consistency status` (or the `Type-2 inconsistency reason` printed instead).
    #[serde(default)]
    pub type2_consistency_status: Option<String>,
    /// `Configuration inconsistency reason`, when printed.
    #[serde(default)]
    pub configuration_inconsistency_reason: Option<String>,
    /// `vPC role`: `primary`, `secondary`, `primary, operational secondary`, `none established`.
    #[serde(default)]
    pub role: Option<String>,
    /// `Number of vPCs configured`.
    #[serde(default)]
    pub number_of_vpcs: Option<u32>,
    /// `Peer Gateway`: `Enabled`, `Disabled`.
    #[serde(default)]
    pub peer_gateway: Option<String>,
    /// `Dual-active excluded VLANs` (`-` when none, as printed).
    #[serde(default)]
    pub dual_active_excluded_vlans: Option<String>,
    /// `Graceful Consistency Check`.
    #[serde(default)]
    pub graceful_consistency_check: Option<String>,
    /// `Auto-recovery status`.
    #[serde(default)]
    pub auto_recovery_status: Option<String>,
    /// `Delay-restore status`.
    #[serde(default)]
    pub delay_restore_status: Option<String>,
    /// `Delay-restore SVI status`.
    #[serde(default)]
    pub delay_restore_svi_status: Option<String>,
    /// `Operational Layer3 Peer-router`.
    #[serde(default)]
    pub operational_l3_peer_router: Option<String>,
    /// The `vPC Peer-link status` table.
    #[serde(default)]
    pub peer_links: Vec<VpcPort>,
    /// The `vPC status` table.
    #[serde(default)]
    pub vpcs: Vec<VpcPort>,
}

/// A row of the peer-link or vPC table (ntc-templates `cisco_nxos_show_vpc` reads `id`, `port`,
/// `status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcPort {
    /// The peer-link or vPC number.
    #[serde(with = "ntc_str")]
    pub id: u32,
    /// `Po101`.
    pub port: String,
    /// `up`, `down`, `down*` (down locally, forwarding via the peer-link).
    pub status: String,
    /// `success`, `failed`, `not-applicable` (vPC table only).
    #[serde(default, with = "ntc_opt")]
    pub consistency: Option<String>,
    /// The consistency reason (vPC table only): `success`, `Consistency Check Not Performed`,
    /// `vPC type-1 configuration incompatible - STP interface port type inconsistent`...
    #[serde(default, with = "ntc_opt")]
    pub reason: Option<String>,
    /// Active VLANs as printed (a list wrapped onto the next lines is joined: `1,100-102,200-` +
    /// `202` → `1,100-102,200-202`); `-` when none.
    #[serde(default, with = "ntc_opt")]
    pub active_vlans: Option<String>,
}

/// Whether `w` reads as a VLAN list (`1,100-102,200-`, `10`, `-`).
fn is_vlan_list(w: &str) -> bool {
    !w.is_empty()
        && w.bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'-')
}

/// Parses NX-OS `show vpc`: the `label : value` status lines and the `vPC Peer-link status` and
/// `vPC status` tables (VLAN lists wrapped onto the next lines are joined). Other lines (the
/// legend, the closing advice, prompts) are skipped.
///
/// ```
/// let vpc = hermes_netdev::show::parse_nxos_show_vpc(
///     "vPC domain id                     : 1\n\
///      Peer status                       : peer adjacency formed ok\n\
///      vPC role                          : primary\n\n\
///      vPC Peer-link status\n\
///      id    Port   Status Active vlans\n\
///      --    ----   ------ ----------------\n\
///      1     Po101  up     1,100-102\n\n\
///      vPC status\n\
///      Id    Port          Status Consistency Reason                Active vlans\n\
///      --    ------------  ------ ----------- ------                ---------------\n\
///      10    Po10          down*  failed      Consistency Check Not Performed -\n",
/// );
/// assert_eq!(vpc.domain_id, Some(1));
/// assert_eq!(vpc.peer_links[0].port, "Po101");
/// assert_eq!(vpc.vpcs[0].status, "down*");
/// assert_eq!(vpc.vpcs[0].reason.as_deref(), Some("Consistency Check Not Performed"));
/// ```
pub fn parse_nxos_show_vpc(text: &str) -> NxosVpc {
    #[derive(PartialEq)]
    enum Table {
        None,
        PeerLink,
        Vpc,
    }
    let mut v = NxosVpc::default();
    let mut table = Table::None;
    let mut last_was_row = false;
    for line in text.lines() {
        let t = line.trim();
        let s = |label: &str| field(t, label).filter(|x| !x.is_empty()).map(String::from);
        let labels: [(&str, &mut Option<String>); 14] = [
            ("Peer status", &mut v.peer_status),
            ("vPC keep-alive status", &mut v.keepalive_status),
            (
                "Configuration consistency status",
                &mut v.configuration_consistency_status,
            ),
            (
                "Per-vlan consistency status",
                &mut v.per_vlan_consistency_status,
            ),
            ("Type-2 consistency status", &mut v.type2_consistency_status),
            (
                "Configuration inconsistency reason",
                &mut v.configuration_inconsistency_reason,
            ),
            ("vPC role", &mut v.role),
            ("Peer Gateway", &mut v.peer_gateway),
            (
                "Dual-active excluded VLANs",
                &mut v.dual_active_excluded_vlans,
            ),
            (
                "Graceful Consistency Check",
                &mut v.graceful_consistency_check,
            ),
            ("Auto-recovery status", &mut v.auto_recovery_status),
            ("Delay-restore status", &mut v.delay_restore_status),
            ("Delay-restore SVI status", &mut v.delay_restore_svi_status),
            (
                "Operational Layer3 Peer-router",
                &mut v.operational_l3_peer_router,
            ),
        ];
        let mut matched = false;
        for (label, slot) in labels {
            if let Some(x) = s(label) {
                *slot = Some(x);
                matched = true;
                break;
            }
        }
        if matched {
            last_was_row = false;
            continue;
        }
        if let Some(x) = s("vPC domain id") {
            v.domain_id = x.parse().ok();
            continue;
        }
        // `Number of vPC configured` on older releases.
        if let Some(x) = s("Number of vPCs configured").or_else(|| s("Number of vPC configured")) {
            v.number_of_vpcs = x.parse().ok();
            continue;
        }
        if let Some(x) = s("Type-2 inconsistency reason") {
            v.type2_consistency_status.get_or_insert(x);
            continue;
        }
        let w: Vec<&str> = t.split_whitespace().collect();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("id ") && lower.contains("port") && lower.contains("status") {
            table = if lower.contains("consistency") {
                Table::Vpc
            } else {
                Table::PeerLink
            };
            last_was_row = false;
            continue;
        }
        // A VLAN list wrapped onto its own line.
        if last_was_row && w.len() == 1 && is_vlan_list(w[0]) && !w[0].starts_with("--") {
            let rows = if table == Table::Vpc {
                &mut v.vpcs
            } else {
                &mut v.peer_links
            };
            if let Some(last) = rows.last_mut() {
                last.active_vlans
                    .get_or_insert_with(String::new)
                    .push_str(w[0]);
            }
            continue;
        }
        last_was_row = false;
        let Some(id) = w.first().and_then(|x| x.parse::<u32>().ok()) else {
            continue;
        };
        let (Some(port), Some(status)) = (w.get(1), w.get(2)) else {
            continue;
        };
        let rest = w.get(3..).unwrap_or_default();
        let row = match table {
            Table::None => continue,
            Table::PeerLink => VpcPort {
                id,
                port: port.to_string(),
                status: status.to_string(),
                consistency: None,
                reason: None,
                active_vlans: (!rest.is_empty()).then(|| rest.concat()),
            },
            Table::Vpc => {
                let (vlans, middle) = match rest.split_last() {
                    Some((l, m)) if !m.is_empty() && is_vlan_list(l) => (Some(l.to_string()), m),
                    _ => (None, rest),
                };
                let (consistency, reason) = match middle.split_first() {
                    Some((c, r)) => (Some(c.to_string()), (!r.is_empty()).then(|| r.join(" "))),
                    None => (None, None),
                };
                VpcPort {
                    id,
                    port: port.to_string(),
                    status: status.to_string(),
                    consistency,
                    reason,
                    active_vlans: vlans,
                }
            }
        };
        if table == Table::Vpc {
            v.vpcs.push(row);
        } else {
            v.peer_links.push(row);
        }
        last_was_row = true;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_vlan_lists_joined() {
        // genieparser nxos ShowVpc golden_output_1: VLAN lists wrapped onto tab-indented lines.
        let v = parse_nxos_show_vpc(
            "vPC domain id                     : 1   \n\
             Number of vPCs configured         : 1   \n\
             vPC peer-link status\n\
             id    Port   Status Active vlans    \n\
             --    ----   ------ -------------------------------------------------\n\
             1     Po101  up     1,100-102,200-\n\
             \t\t    202,300-350\n\
             \t \n\
             vPC status\n\
             Id    Port          Status Consistency Reason                Active vlans\n\
             --    ------------  ------ ----------- ------                ---------------\n\
             1     Po1           up     success     success               1,100-102,200-     \n\
             \t\t\t\t\t\t\t    202               \t\t         \n",
        );
        assert_eq!(v.domain_id, Some(1));
        assert_eq!(v.number_of_vpcs, Some(1));
        assert_eq!(
            v.peer_links[0].active_vlans.as_deref(),
            Some("1,100-102,200-202,300-350")
        );
        assert_eq!(v.vpcs[0].consistency.as_deref(), Some("success"));
        assert_eq!(v.vpcs[0].reason.as_deref(), Some("success"));
        assert_eq!(v.vpcs[0].active_vlans.as_deref(), Some("1,100-102,200-202"));
    }

    #[test]
    fn older_singular_label_and_unconfigured_domain() {
        // genieparser nxos ShowVpc golden_output_2 (`Number of vPC configured : 1`) and
        // golden_output_6 (`vPC domain id : Not configured`).
        let v = parse_nxos_show_vpc("vPC domain id : 10\nNumber of vPC configured : 1\n");
        assert_eq!((v.domain_id, v.number_of_vpcs), (Some(10), Some(1)));
        let v = parse_nxos_show_vpc("vPC domain id                     : Not configured\n");
        assert_eq!(v.domain_id, None);
    }
}
