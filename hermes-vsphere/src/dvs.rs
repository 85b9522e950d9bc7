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
use crate::error::Result;
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
}

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
                })
                .collect(),
        }
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
                    .text(
                        "mode",
                        match g.mode {
                            LacpMode::Active => "active",
                            LacpMode::Passive => "passive",
                        },
                    )
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
}
