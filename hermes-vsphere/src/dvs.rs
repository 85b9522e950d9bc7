//! Distributed switch uplink settings: the link discovery protocol (CDP / LLDP) and LACP link
//! aggregation groups (enhanced LACP, `VMwareDvsLacpGroupConfig`) — what the ESXi uplinks towards a
//! switch port-channel need.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> Result<(), hermes_vsphere::VsphereError> {
//! use hermes_vsphere::dvs::{LacpGroup, LacpMode, LacpOp, LinkDiscovery, LdpOperation, LdpProtocol};
//! let dvs = client.find_by_name("DistributedVirtualSwitch", "DC0_DVS").await?;
//! client.set_link_discovery(&dvs, LinkDiscovery { protocol: LdpProtocol::Lldp, operation: LdpOperation::Both }).await?;
//! client.enable_enhanced_lacp(&dvs).await?;
//! client.update_lacp_groups(&dvs, &[(LacpGroup::new("lag-esxi", 2), LacpOp::Add)]).await?;
//! println!("{:?}", client.dvs_uplinks(&dvs).await?);
//! # Ok(()) }
//! ```

use std::fmt;

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::{MoRef, ObjectContent};
use crate::xml::{Node, XmlWriter};

/// The tag vCenter puts on a distributed switch's uplink port group.
pub const UPLINK_PORTGROUP_TAG: &str = "SYSTEM/DVS.UPLINKPG";

/// Whether a distributed port group, read with its `tag` property, is its switch's uplink port
/// group (tagged [`UPLINK_PORTGROUP_TAG`]): it carries the hosts' physical NICs, and a VM NIC
/// cannot be connected to it.
///
/// ```
/// use hermes_vsphere::{dvs::is_uplink_portgroup, model::FromNode, ObjectContent, xml::Node};
/// let xml = br#"<objects><obj type="DistributedVirtualPortgroup">dvportgroup-9</obj><propSet><name>tag</name>
///   <val xsi:type="ArrayOfTag"><Tag xsi:type="Tag"><key>SYSTEM/DVS.UPLINKPG</key></Tag></val></propSet></objects>"#;
/// let pg = ObjectContent::from_node(&Node::parse(xml).unwrap()).unwrap();
/// assert!(is_uplink_portgroup(&pg));
/// ```
pub fn is_uplink_portgroup(pg: &ObjectContent) -> bool {
    pg.get("tag").is_some_and(|tags| {
        tags.children
            .iter()
            .any(|t| t.child_text("key").map(str::trim) == Some(UPLINK_PORTGROUP_TAG))
    })
}

/// CDP or LLDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LdpProtocol {
    /// Cisco Discovery Protocol.
    Cdp,
    /// Link Layer Discovery Protocol.
    Lldp,
}

/// What the switch does with the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LdpOperation {
    /// Off.
    None,
    /// Receive only.
    Listen,
    /// Send only.
    Advertise,
    /// Send and receive.
    Both,
}

/// A link discovery setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkDiscovery {
    /// The protocol.
    pub protocol: LdpProtocol,
    /// The operation.
    pub operation: LdpOperation,
}

impl fmt::Display for LdpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LdpProtocol::Cdp => "cdp",
            LdpProtocol::Lldp => "lldp",
        })
    }
}

impl fmt::Display for LdpOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LdpOperation::None => "none",
            LdpOperation::Listen => "listen",
            LdpOperation::Advertise => "advertise",
            LdpOperation::Both => "both",
        })
    }
}

/// LACP negotiation mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LacpMode {
    /// Sends LACP packets (pairs with `channel-group N mode active|passive` on the switch).
    Active,
    /// Answers LACP packets only (the switch side must be active).
    Passive,
}

impl LacpMode {
    /// The vim25 spelling (`active` / `passive`).
    pub fn as_str(self) -> &'static str {
        match self {
            LacpMode::Active => "active",
            LacpMode::Passive => "passive",
        }
    }
}

/// A link aggregation group on a distributed switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LacpGroup {
    /// The LAG's name.
    pub name: String,
    /// Negotiation mode (default active).
    pub mode: LacpMode,
    /// Number of uplinks in the LAG (2 for two NICs towards a port-channel).
    pub uplinks: u32,
    /// Load balancing (`VMwareDvsLacpLoadBalanceAlgorithm`; default `srcDestIpTcpUdpPortVlan`).
    pub load_balance: String,
    /// LACPDU timeout (`fast` / `slow`; `None`: the server's default).
    pub fast_timeout: Option<bool>,
}

impl LacpGroup {
    /// An active LAG of `uplinks` uplinks with the default load balancing.
    pub fn new(name: &str, uplinks: u32) -> Self {
        LacpGroup {
            name: name.to_string(),
            mode: LacpMode::Active,
            uplinks,
            load_balance: "srcDestIpTcpUdpPortVlan".into(),
            fast_timeout: None,
        }
    }
}

/// What to do with a LAG in [`Client::update_lacp_groups`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LacpOp {
    /// Create it.
    Add,
    /// Change the LAG with this key.
    Edit {
        /// The LAG's key (from [`DvsUplinks::lags`]).
        key: String,
    },
    /// Remove the LAG with this key.
    Remove {
        /// The LAG's key.
        key: String,
    },
}

/// A LAG as read from the switch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LagInfo {
    /// Its key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// `active` / `passive`.
    pub mode: String,
    /// Number of uplinks.
    pub uplinks: u32,
    /// Load balancing algorithm.
    pub load_balance: String,
    /// `fast` / `slow`, if reported (vSphere 6.5 and later).
    pub timeout_mode: Option<String>,
}

impl LagInfo {
    /// Whether this LAG is configured as `g` says (name, mode, uplink count, load balancing, and the
    /// LACPDU timeout when `g` sets one; a switch that does not report its timeout counts as `slow`,
    /// vSphere's default).
    pub fn matches(&self, g: &LacpGroup) -> bool {
        let timeout_ok = g.fast_timeout.is_none_or(|fast| {
            let reported = self.timeout_mode.as_deref().unwrap_or("slow");
            reported == if fast { "fast" } else { "slow" }
        });
        self.name == g.name
            && self.mode == g.mode.as_str()
            && self.uplinks == g.uplinks
            && self.load_balance == g.load_balance
            && timeout_ok
    }
}

/// The most uplinks a LAG may have (vSphere's configuration maximum for a distributed switch LAG).
pub const MAX_LAG_UPLINKS: u32 = 32;

/// A distributed switch's uplink settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DvsUplinks {
    /// `config.configVersion` (needed by every reconfiguration).
    pub config_version: String,
    /// The link discovery setting, if reported (`protocol`, `operation`).
    pub link_discovery: Option<(String, String)>,
    /// `singleLag` (basic LACP) or `multipleLag` (enhanced LACP), if reported.
    pub lacp_api_version: Option<String>,
    /// The LAGs.
    pub lags: Vec<LagInfo>,
}

impl DvsUplinks {
    /// Reads the switch's `config` (`VMwareDVSConfigInfo`).
    pub fn from_config(config: &Node) -> Self {
        DvsUplinks {
            config_version: config
                .child_text("configVersion")
                .unwrap_or_default()
                .to_string(),
            link_discovery: config.child("linkDiscoveryProtocolConfig").map(|l| {
                (
                    l.child_text("protocol").unwrap_or_default().to_string(),
                    l.child_text("operation").unwrap_or_default().to_string(),
                )
            }),
            lacp_api_version: config.child_text("lacpApiVersion").map(str::to_string),
            lags: config
                .children_named("lacpGroupConfig")
                .map(|g| LagInfo {
                    key: g.child_text("key").unwrap_or_default().to_string(),
                    name: g.child_text("name").unwrap_or_default().to_string(),
                    mode: g.child_text("mode").unwrap_or_default().to_string(),
                    uplinks: g
                        .child_text("uplinkNum")
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0),
                    load_balance: g
                        .child_text("loadbalanceAlgorithm")
                        .unwrap_or_default()
                        .to_string(),
                    timeout_mode: g.child_text("timeoutMode").map(str::to_string),
                })
                .collect(),
        }
    }
}

impl DvsUplinks {
    /// The LAG operations that turn this switch's LAGs into exactly `desired` (matched by name):
    /// a missing LAG is added, a LAG that differs is edited in place (its key kept), a LAG not in
    /// `desired` is removed; removals come first, so a name or uplinks they free can be reused.
    /// Empty when the switch already matches. `desired` is refused, naming `target`, if a name is
    /// empty or repeated or an uplink count is outside 2..=[`MAX_LAG_UPLINKS`].
    ///
    /// ```
    /// use hermes_vsphere::dvs::{DvsUplinks, LacpGroup, LacpOp, LagInfo};
    /// let now = DvsUplinks {
    ///     lags: vec![LagInfo { key: "lag-1".into(), name: "old".into(), mode: "active".into(), uplinks: 2,
    ///         load_balance: "srcDestIpTcpUdpPortVlan".into(), timeout_mode: None }],
    ///     ..DvsUplinks::default()
    /// };
    /// let ops = now.lag_changes("dvs DC0_DVS", &[LacpGroup::new("lag-esxi", 2)]).unwrap();
    /// assert_eq!(ops[0].1, LacpOp::Remove { key: "lag-1".into() });
    /// assert_eq!(ops[1].1, LacpOp::Add);
    /// // Already as desired: nothing to do.
    /// let same = DvsUplinks { lags: vec![LagInfo { name: "lag-esxi".into(), ..now.lags[0].clone() }], ..now };
    /// assert!(same.lag_changes("dvs DC0_DVS", &[LacpGroup::new("lag-esxi", 2)]).unwrap().is_empty());
    /// ```
    pub fn lag_changes(
        &self,
        target: &str,
        desired: &[LacpGroup],
    ) -> Result<Vec<(LacpGroup, LacpOp)>> {
        let invalid = |message: String| VsphereError::InvalidInput {
            target: target.to_string(),
            message,
        };
        for (i, g) in desired.iter().enumerate() {
            if g.name.trim().is_empty() {
                return Err(invalid(format!(
                    "LAG #{} has an empty name: name every LAG",
                    i + 1
                )));
            }
            if desired[..i].iter().any(|o| o.name == g.name) {
                return Err(invalid(format!(
                    "LAG {:?} is listed twice: LAG names are unique on a switch",
                    g.name
                )));
            }
            if !(2..=MAX_LAG_UPLINKS).contains(&g.uplinks) {
                return Err(invalid(format!(
                    "LAG {:?} has {} uplinks: give 2 to {MAX_LAG_UPLINKS} (one per NIC in the port-channel)",
                    g.name, g.uplinks
                )));
            }
        }
        let mut ops = Vec::new();
        for lag in &self.lags {
            if !desired.iter().any(|g| g.name == lag.name) {
                let gone = LacpGroup {
                    name: lag.name.clone(),
                    mode: if lag.mode == "passive" {
                        LacpMode::Passive
                    } else {
                        LacpMode::Active
                    },
                    uplinks: lag.uplinks,
                    load_balance: lag.load_balance.clone(),
                    fast_timeout: None,
                };
                ops.push((
                    gone,
                    LacpOp::Remove {
                        key: lag.key.clone(),
                    },
                ));
            }
        }
        for g in desired {
            match self.lags.iter().find(|l| l.name == g.name) {
                None => ops.push((g.clone(), LacpOp::Add)),
                Some(l) if !l.matches(g) => {
                    ops.push((g.clone(), LacpOp::Edit { key: l.key.clone() }))
                }
                Some(_) => {}
            }
        }
        Ok(ops)
    }
}

/// Writes a `ReconfigureDvs_Task` spec (`VMwareDVSConfigSpec`, fields in schema order).
pub fn write_dvs_spec(
    w: &mut XmlWriter,
    config_version: &str,
    ldp: Option<LinkDiscovery>,
    lacp_api_version: Option<&str>,
) {
    w.elem("spec", "VMwareDVSConfigSpec", |w| {
        w.text("configVersion", config_version);
        if let Some(l) = ldp {
            w.elem("linkDiscoveryProtocolConfig", "", |w| {
                w.text("protocol", l.protocol)
                    .text("operation", l.operation);
            });
        }
        w.opt_text("lacpApiVersion", lacp_api_version);
    });
}

/// Writes `UpdateDVSLacpGroupConfig_Task`'s `lacpGroupSpec` list (fields in schema order).
pub fn write_lacp_specs(w: &mut XmlWriter, groups: &[(LacpGroup, LacpOp)]) {
    for (g, op) in groups {
        w.elem("lacpGroupSpec", "", |w| {
            w.elem("lacpGroupConfig", "", |w| {
                match op {
                    LacpOp::Edit { key } | LacpOp::Remove { key } => {
                        w.text("key", key);
                    }
                    LacpOp::Add => {}
                }
                w.text("name", &g.name)
                    .text("mode", g.mode.as_str())
                    .text("uplinkNum", g.uplinks)
                    .text("loadbalanceAlgorithm", &g.load_balance);
                if let Some(fast) = g.fast_timeout {
                    w.text("timeoutMode", if fast { "fast" } else { "slow" });
                }
            });
            w.text(
                "operation",
                match op {
                    LacpOp::Add => "add",
                    LacpOp::Edit { .. } => "edit",
                    LacpOp::Remove { .. } => "remove",
                },
            );
        });
    }
}

impl Client {
    /// The switch's uplink settings (configuration version, link discovery, LACP mode and LAGs).
    pub async fn dvs_uplinks(&self, dvs: &MoRef) -> Result<DvsUplinks> {
        let o = self.retrieve_one(dvs, &["config"]).await?;
        let config = o.get("config").ok_or_else(|| {
            self.malformed("RetrievePropertiesEx", format!("{dvs} has no config"))
        })?;
        Ok(DvsUplinks::from_config(config))
    }

    /// Sets the link discovery protocol (`ReconfigureDvs_Task` with the current `configVersion`).
    pub async fn set_link_discovery(&self, dvs: &MoRef, ldp: LinkDiscovery) -> Result<()> {
        let v = self.dvs_uplinks(dvs).await?.config_version;
        self.run_task("ReconfigureDvs_Task", dvs, |w| {
            write_dvs_spec(w, &v, Some(ldp), None)
        })
        .await
        .map(|_| ())
    }

    /// Switches the switch to enhanced LACP (`lacpApiVersion = multipleLag`), which LAGs need.
    pub async fn enable_enhanced_lacp(&self, dvs: &MoRef) -> Result<()> {
        let v = self.dvs_uplinks(dvs).await?.config_version;
        self.run_task("ReconfigureDvs_Task", dvs, |w| {
            write_dvs_spec(w, &v, None, Some("multipleLag"))
        })
        .await
        .map(|_| ())
    }

    /// Makes the switch's LAGs exactly `desired` ([`DvsUplinks::lag_changes`]): switches it to
    /// enhanced LACP first if it is not (LAGs need it), then sends the changes in one
    /// `UpdateDVSLacpGroupConfig_Task`. Returns what was changed; a second call with the same list
    /// changes nothing and sends nothing. Input is checked before anything is sent.
    pub async fn converge_lags(
        &self,
        dvs: &MoRef,
        desired: &[LacpGroup],
    ) -> Result<Vec<(LacpGroup, LacpOp)>> {
        let now = self.dvs_uplinks(dvs).await?;
        let ops = now.lag_changes(&format!("{} {dvs}", self.target()), desired)?;
        if ops.is_empty() {
            return Ok(ops);
        }
        if !desired.is_empty() && now.lacp_api_version.as_deref() != Some("multipleLag") {
            self.enable_enhanced_lacp(dvs).await?;
        }
        self.update_lacp_groups(dvs, &ops).await?;
        Ok(ops)
    }

    /// Adds, edits or removes LAGs (`UpdateDVSLacpGroupConfig_Task`).
    pub async fn update_lacp_groups(
        &self,
        dvs: &MoRef,
        groups: &[(LacpGroup, LacpOp)],
    ) -> Result<()> {
        self.run_task("UpdateDVSLacpGroupConfig_Task", dvs, |w| {
            write_lacp_specs(w, groups)
        })
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dvs_spec_is_written_in_schema_order() {
        let mut w = XmlWriter::new();
        write_dvs_spec(
            &mut w,
            "3",
            Some(LinkDiscovery {
                protocol: LdpProtocol::Lldp,
                operation: LdpOperation::Both,
            }),
            Some("multipleLag"),
        );
        assert_eq!(
            w.finish(),
            concat!(
                "<spec xsi:type=\"VMwareDVSConfigSpec\"><configVersion>3</configVersion>",
                "<linkDiscoveryProtocolConfig><protocol>lldp</protocol><operation>both</operation></linkDiscoveryProtocolConfig>",
                "<lacpApiVersion>multipleLag</lacpApiVersion></spec>"
            )
        );
    }

    #[test]
    fn lacp_specs_carry_key_and_operation() {
        let mut g = LacpGroup::new("lag-esxi", 2);
        g.fast_timeout = Some(true);
        let mut w = XmlWriter::new();
        write_lacp_specs(
            &mut w,
            &[
                (g.clone(), LacpOp::Add),
                (
                    LacpGroup {
                        mode: LacpMode::Passive,
                        ..g.clone()
                    },
                    LacpOp::Edit {
                        key: "lag-1".into(),
                    },
                ),
            ],
        );
        assert_eq!(
            w.finish(),
            concat!(
                "<lacpGroupSpec><lacpGroupConfig><name>lag-esxi</name><mode>active</mode><uplinkNum>2</uplinkNum>",
                "<loadbalanceAlgorithm>srcDestIpTcpUdpPortVlan</loadbalanceAlgorithm><timeoutMode>fast</timeoutMode>",
                "</lacpGroupConfig><operation>add</operation></lacpGroupSpec>",
                "<lacpGroupSpec><lacpGroupConfig><key>lag-1</key><name>lag-esxi</name><mode>passive</mode><uplinkNum>2</uplinkNum>",
                "<loadbalanceAlgorithm>srcDestIpTcpUdpPortVlan</loadbalanceAlgorithm><timeoutMode>fast</timeoutMode>",
                "</lacpGroupConfig><operation>edit</operation></lacpGroupSpec>"
            )
        );
    }

    #[test]
    fn uplinks_are_read_from_a_config_info() {
        let xml = r#"<val xsi:type="VMwareDVSConfigInfo"><uuid>50 1f</uuid><name>dvs</name><configVersion>7</configVersion>
            <linkDiscoveryProtocolConfig><protocol>cdp</protocol><operation>listen</operation></linkDiscoveryProtocolConfig>
            <lacpGroupConfig><key>lag-1</key><name>lag1</name><mode>active</mode><uplinkNum>2</uplinkNum><loadbalanceAlgorithm>srcDestIp</loadbalanceAlgorithm></lacpGroupConfig>
            <lacpApiVersion>multipleLag</lacpApiVersion></val>"#;
        let n = Node::parse(xml.as_bytes()).unwrap();
        let u = DvsUplinks::from_config(&n);
        assert_eq!(u.config_version, "7");
        assert_eq!(u.link_discovery, Some(("cdp".into(), "listen".into())));
        assert_eq!(u.lacp_api_version.as_deref(), Some("multipleLag"));
        assert_eq!(u.lags.len(), 1);
        assert_eq!(u.lags[0].uplinks, 2);
        assert_eq!(u.lags[0].key, "lag-1");
    }

    fn lag(key: &str, name: &str, uplinks: u32, timeout: Option<&str>) -> LagInfo {
        LagInfo {
            key: key.into(),
            name: name.into(),
            mode: "active".into(),
            uplinks,
            load_balance: "srcDestIpTcpUdpPortVlan".into(),
            timeout_mode: timeout.map(str::to_string),
        }
    }

    #[test]
    fn lag_changes_remove_first_then_edit_in_place_and_add() {
        let now = DvsUplinks {
            lags: vec![
                lag("lag-1", "keep", 2, None),
                lag("lag-2", "grow", 2, None),
                lag("lag-3", "gone", 4, Some("fast")),
            ],
            ..DvsUplinks::default()
        };
        let desired = [
            LacpGroup::new("keep", 2),
            LacpGroup::new("grow", 4),
            LacpGroup::new("new", 2),
        ];
        let ops = now.lag_changes("dvs", &desired).unwrap();
        let summary: Vec<(&str, &LacpOp)> = ops.iter().map(|(g, o)| (g.name.as_str(), o)).collect();
        assert_eq!(
            summary,
            [
                (
                    "gone",
                    &LacpOp::Remove {
                        key: "lag-3".into()
                    }
                ),
                (
                    "grow",
                    &LacpOp::Edit {
                        key: "lag-2".into()
                    }
                ),
                ("new", &LacpOp::Add),
            ]
        );
        assert_eq!(ops[1].0.uplinks, 4);
        // Applied, the same list changes nothing.
        let after = DvsUplinks {
            lags: vec![
                lag("lag-1", "keep", 2, None),
                lag("lag-2", "grow", 4, None),
                lag("lag-4", "new", 2, None),
            ],
            ..DvsUplinks::default()
        };
        assert!(after.lag_changes("dvs", &desired).unwrap().is_empty());
        // An empty list removes every LAG.
        let all = now.lag_changes("dvs", &[]).unwrap();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|(_, o)| matches!(o, LacpOp::Remove { .. })));
    }

    #[test]
    fn lag_changes_compare_mode_balancing_and_a_requested_timeout() {
        let now = DvsUplinks {
            lags: vec![lag("lag-1", "l", 2, None)],
            ..DvsUplinks::default()
        };
        let mut g = LacpGroup::new("l", 2);
        assert!(now.lag_changes("dvs", &[g.clone()]).unwrap().is_empty());
        // Not reported means vSphere's default, slow.
        g.fast_timeout = Some(false);
        assert!(now.lag_changes("dvs", &[g.clone()]).unwrap().is_empty());
        g.fast_timeout = Some(true);
        assert_eq!(now.lag_changes("dvs", &[g.clone()]).unwrap().len(), 1);
        let fast = DvsUplinks {
            lags: vec![lag("lag-1", "l", 2, Some("fast"))],
            ..DvsUplinks::default()
        };
        assert!(fast.lag_changes("dvs", &[g.clone()]).unwrap().is_empty());
        let passive = LacpGroup {
            mode: LacpMode::Passive,
            ..LacpGroup::new("l", 2)
        };
        assert_eq!(now.lag_changes("dvs", &[passive]).unwrap().len(), 1);
        let ip_only = LacpGroup {
            load_balance: "srcDestIp".into(),
            ..LacpGroup::new("l", 2)
        };
        assert_eq!(now.lag_changes("dvs", &[ip_only]).unwrap().len(), 1);
    }

    #[test]
    fn lag_changes_refuse_bad_lists_naming_the_switch_and_the_lag() {
        let now = DvsUplinks::default();
        for (desired, says) in [
            (vec![LacpGroup::new("", 2)], "empty name"),
            (
                vec![LacpGroup::new("a", 2), LacpGroup::new("a", 4)],
                "\"a\" is listed twice",
            ),
            (
                vec![LacpGroup::new("one", 1)],
                "\"one\" has 1 uplinks: give 2 to 32",
            ),
            (vec![LacpGroup::new("big", 33)], "\"big\" has 33 uplinks"),
        ] {
            let e = now.lag_changes("vc dvs-21", &desired).unwrap_err();
            let text = e.to_string();
            assert!(text.contains("vc dvs-21") && text.contains(says), "{text}");
            assert_eq!(
                hermes_core::Classify::kind(&e),
                hermes_core::ErrorKind::InvalidInput
            );
        }
    }
}
