//! ESXi host configuration as a [`hermes_core::Configurable`]: NTP, DNS, standard vSwitches (uplinks,
//! MTU, teaming), port groups (VLAN), datastores and services (SSH).
//!
//! The desired model lists what it manages: a vSwitch, port group or datastore mapped to `None` must be
//! absent; anything not listed is left alone (so the management network is never removed by accident).
//! The change set carries, in each change's `commands`, the exact vim25 calls `apply` makes (one JSON
//! line each), in a safe order: datastores, vSwitches, port groups, removals (port groups before their
//! vSwitch), DNS, NTP, then services.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> hermes_core::Result<()> {
//! use hermes_core::{Configurable, Mode};
//! use hermes_vsphere::host::{HostConfig, HostModel, PortGroup, VSwitch};
//! let host = HostConfig::by_path(client, "/DC0/host/DC0_C0/DC0_C0_H0").await?;
//! let mut want = HostModel::default();
//! want.ntp_servers = Some(vec!["0.pool.ntp.org".into()]);
//! want.vswitches.insert("vSwitch1".into(), Some(VSwitch::default()));
//! want.portgroups.insert("web".into(), Some(PortGroup { vswitch: "vSwitch1".into(), vlan: 30 }));
//! let report = host.converge(&want, Mode::Apply).await?;
//! println!("{}", report.plan.render());
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use async_trait::async_trait;
use hermes_core::{Action, ApplyReport, Change, ChangeSet, Configurable, FieldChange};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::MoRef;
use crate::xml::{Node, XmlWriter};

/// DNS settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dns {
    /// The host name.
    pub host_name: String,
    /// The domain.
    pub domain_name: String,
    /// DNS servers.
    pub servers: Vec<String>,
    /// Search domains.
    pub search: Vec<String>,
}

/// A standard vSwitch. `None` fields are not managed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VSwitch {
    /// MTU (1500, 9000).
    pub mtu: Option<i32>,
    /// Uplinks (`vmnic0`, `vmnic1`), active in this order.
    pub uplinks: Option<Vec<String>>,
    /// Teaming policy (`loadbalance_srcid`, `loadbalance_ip` for LACP/static EtherChannel,
    /// `loadbalance_srcmac`, `failover_explicit`).
    pub teaming: Option<String>,
}

/// A port group on a standard vSwitch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortGroup {
    /// The vSwitch.
    pub vswitch: String,
    /// VLAN id (0: none, 4095: trunk).
    pub vlan: i32,
}

/// A datastore to create. Read-back gives [`DatastoreSpec::Observed`], which matches any desired spec
/// of the same name (datastores are never re-created to change their backing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DatastoreSpec {
    /// A local directory datastore.
    Local {
        /// The path on the host.
        path: String,
    },
    /// An NFS mount.
    Nfs {
        /// The NFS server.
        remote_host: String,
        /// The export.
        remote_path: String,
    },
    /// As read from the host.
    Observed {
        /// The file system type (`VMFS`, `NFS`, `OTHER`).
        fs_type: String,
        /// The datastore URL.
        url: String,
    },
}

/// A service's desired state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Running now.
    pub running: bool,
    /// Start-up policy: `on`, `off` or `automatic` (`None`: not managed).
    pub policy: Option<String>,
}

/// A host's configuration (live, or desired: `None`/absent entries are not managed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostModel {
    /// NTP servers.
    pub ntp_servers: Option<Vec<String>>,
    /// DNS.
    pub dns: Option<Dns>,
    /// vSwitches by name (`None`: must be absent).
    pub vswitches: BTreeMap<String, Option<VSwitch>>,
    /// Port groups by name (`None`: must be absent).
    pub portgroups: BTreeMap<String, Option<PortGroup>>,
    /// Datastores by name (`None`: must be absent).
    pub datastores: BTreeMap<String, Option<DatastoreSpec>>,
    /// Services by key (`TSM-SSH`, `ntpd`).
    pub services: BTreeMap<String, Service>,
}

impl HostModel {
    /// The model of a host's whole `config` (`HostConfigInfo`): NTP servers (`dateTimeInfo`),
    /// DNS, vSwitches and port groups (`network`) and services (`service`). Datastores are separate
    /// objects (the host's `datastore` property) and are left empty here.
    pub fn from_config(config: &Node) -> Self {
        let mut model = HostModel::default();
        if let Some(dt) = config.child("dateTimeInfo") {
            model.read_date_time(dt);
        }
        if let Some(net) = config.child("network") {
            model.read_network(net);
        }
        if let Some(svc) = config.child("service") {
            model.read_services(svc);
        }
        model
    }

    /// NTP servers from a `HostDateTimeInfo`.
    fn read_date_time(&mut self, dt: &Node) {
        self.ntp_servers = Some(
            dt.child("ntpConfig")
                .map(|n| n.children_named("server").map(|s| s.text.clone()).collect())
                .unwrap_or_default(),
        );
    }

    /// DNS from a `HostDnsConfig`.
    fn read_dns(&mut self, d: &Node) {
        self.dns = Some(Dns {
            host_name: d.child_text("hostName").unwrap_or_default().to_string(),
            domain_name: d.child_text("domainName").unwrap_or_default().to_string(),
            servers: d
                .children_named("address")
                .map(|a| a.text.clone())
                .collect(),
            search: d
                .children_named("searchDomain")
                .map(|a| a.text.clone())
                .collect(),
        });
    }

    /// vSwitches, port groups and DNS from a `HostNetworkInfo`.
    fn read_network(&mut self, info: &Node) {
        for vs in info.children_named("vswitch") {
            let (name, spec) = vswitch_from(vs);
            self.vswitches.insert(name, Some(spec));
        }
        for pg in info.children_named("portgroup") {
            if let Some(spec) = pg.child("spec") {
                let name = spec.child_text("name").unwrap_or_default().to_string();
                let vlan = spec
                    .child_text("vlanId")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                let vswitch = spec
                    .child_text("vswitchName")
                    .unwrap_or_default()
                    .to_string();
                self.portgroups
                    .insert(name, Some(PortGroup { vswitch, vlan }));
            }
        }
        if let Some(d) = info.child("dnsConfig") {
            self.read_dns(d);
        }
    }

    /// Services from a `HostServiceInfo`.
    fn read_services(&mut self, svc: &Node) {
        for s in svc.children_named("service") {
            let key = s.child_text("key").unwrap_or_default().to_string();
            let running = s.child_text("running").map(str::trim) == Some("true");
            let policy = s.child_text("policy").map(|p| p.trim().to_string());
            self.services.insert(key, Service { running, policy });
        }
    }
}

/// One vim25 call of a host change, as recorded in a change's `commands`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call")]
pub enum HostOp {
    /// `HostDatastoreSystem.CreateLocalDatastore`.
    CreateLocalDatastore {
        /// Name.
        name: String,
        /// Path.
        path: String,
    },
    /// `HostDatastoreSystem.CreateNasDatastore`.
    CreateNasDatastore {
        /// Name.
        name: String,
        /// Server.
        remote_host: String,
        /// Export.
        remote_path: String,
    },
    /// `HostDatastoreSystem.RemoveDatastore`.
    RemoveDatastore {
        /// Name.
        name: String,
    },
    /// `HostNetworkSystem.AddVirtualSwitch`.
    AddVirtualSwitch {
        /// Name.
        name: String,
        /// Settings.
        spec: VSwitch,
    },
    /// `HostNetworkSystem.UpdateVirtualSwitch`.
    UpdateVirtualSwitch {
        /// Name.
        name: String,
        /// Settings.
        spec: VSwitch,
    },
    /// `HostNetworkSystem.RemoveVirtualSwitch`.
    RemoveVirtualSwitch {
        /// Name.
        name: String,
    },
    /// `HostNetworkSystem.AddPortGroup`.
    AddPortGroup {
        /// Name.
        name: String,
        /// Settings.
        spec: PortGroup,
    },
    /// `HostNetworkSystem.UpdatePortGroup`.
    UpdatePortGroup {
        /// Name.
        name: String,
        /// Settings.
        spec: PortGroup,
    },
    /// `HostNetworkSystem.RemovePortGroup`.
    RemovePortGroup {
        /// Name.
        name: String,
    },
    /// `HostNetworkSystem.UpdateDnsConfig`.
    UpdateDnsConfig {
        /// Settings.
        dns: Dns,
    },
    /// `HostDateTimeSystem.UpdateDateTimeConfig`.
    UpdateDateTimeConfig {
        /// NTP servers.
        ntp_servers: Vec<String>,
    },
    /// `HostServiceSystem.UpdateServicePolicy`.
    UpdateServicePolicy {
        /// Service key.
        key: String,
        /// `on`, `off`, `automatic`.
        policy: String,
    },
    /// `HostServiceSystem.StartService`.
    StartService {
        /// Service key.
        key: String,
    },
    /// `HostServiceSystem.StopService`.
    StopService {
        /// Service key.
        key: String,
    },
}

impl HostOp {
    /// Which manager of the host receives the call.
    fn manager(&self) -> Manager {
        use HostOp::*;
        match self {
            CreateLocalDatastore { .. } | CreateNasDatastore { .. } | RemoveDatastore { .. } => {
                Manager::Datastore
            }
            UpdateDateTimeConfig { .. } => Manager::DateTime,
            UpdateServicePolicy { .. } | StartService { .. } | StopService { .. } => {
                Manager::Service
            }
            _ => Manager::Network,
        }
    }

    fn method(&self) -> &'static str {
        use HostOp::*;
        match self {
            CreateLocalDatastore { .. } => "CreateLocalDatastore",
            CreateNasDatastore { .. } => "CreateNasDatastore",
            RemoveDatastore { .. } => "RemoveDatastore",
            AddVirtualSwitch { .. } => "AddVirtualSwitch",
            UpdateVirtualSwitch { .. } => "UpdateVirtualSwitch",
            RemoveVirtualSwitch { .. } => "RemoveVirtualSwitch",
            AddPortGroup { .. } => "AddPortGroup",
            UpdatePortGroup { .. } => "UpdatePortGroup",
            RemovePortGroup { .. } => "RemovePortGroup",
            UpdateDnsConfig { .. } => "UpdateDnsConfig",
            UpdateDateTimeConfig { .. } => "UpdateDateTimeConfig",
            UpdateServicePolicy { .. } => "UpdateServicePolicy",
            StartService { .. } => "StartService",
            StopService { .. } => "StopService",
        }
    }

    /// Writes the call's parameters (after `_this`) in schema order. `datastore` resolves a datastore
    /// name for `RemoveDatastore`.
    pub fn write(&self, w: &mut XmlWriter, datastore: Option<&MoRef>) {
        use HostOp::*;
        match self {
            CreateLocalDatastore { name, path } => {
                w.text("name", name).text("path", path);
            }
            CreateNasDatastore {
                name,
                remote_host,
                remote_path,
            } => {
                w.elem("spec", "", |w| {
                    w.text("remoteHost", remote_host)
                        .text("remotePath", remote_path)
                        .text("localPath", name)
                        .text("accessMode", "readWrite");
                });
            }
            RemoveDatastore { .. } => {
                if let Some(ds) = datastore {
                    w.moref("datastore", ds);
                }
            }
            AddVirtualSwitch { name, spec } | UpdateVirtualSwitch { name, spec } => {
                w.text("vswitchName", name);
                w.elem("spec", "", |w| write_vswitch_spec(w, spec));
            }
            RemoveVirtualSwitch { name } => {
                w.text("vswitchName", name);
            }
            AddPortGroup { name, spec } => {
                w.elem("portgrp", "", |w| write_pg_spec(w, name, spec));
            }
            UpdatePortGroup { name, spec } => {
                w.text("pgName", name);
                w.elem("portgrp", "", |w| write_pg_spec(w, name, spec));
            }
            RemovePortGroup { name } => {
                w.text("pgName", name);
            }
            UpdateDnsConfig { dns } => {
                w.elem("config", "HostDnsConfig", |w| {
                    w.text("dhcp", "false")
                        .text("hostName", &dns.host_name)
                        .text("domainName", &dns.domain_name);
                    for a in &dns.servers {
                        w.text("address", a);
                    }
                    for s in &dns.search {
                        w.text("searchDomain", s);
                    }
                });
            }
            UpdateDateTimeConfig { ntp_servers } => {
                w.elem("config", "", |w| {
                    w.elem("ntpConfig", "", |w| {
                        for s in ntp_servers {
                            w.text("server", s);
                        }
                    });
                });
            }
            UpdateServicePolicy { key, policy } => {
                w.text("id", key).text("policy", policy);
            }
            StartService { key } | StopService { key } => {
                w.text("id", key);
            }
        }
    }
}

fn write_vswitch_spec(w: &mut XmlWriter, spec: &VSwitch) {
    w.text("numPorts", 128);
    if let Some(up) = &spec.uplinks {
        if !up.is_empty() {
            w.elem("bridge", "HostVirtualSwitchBondBridge", |w| {
                for n in up {
                    w.text("nicDevice", n);
                }
            });
        }
    }
    if spec.teaming.is_some() || spec.uplinks.as_ref().is_some_and(|u| !u.is_empty()) {
        w.elem("policy", "", |w| {
            w.elem("nicTeaming", "", |w| {
                w.opt_text("policy", spec.teaming.as_ref());
                if let Some(up) = &spec.uplinks {
                    w.elem("nicOrder", "", |w| {
                        for n in up {
                            w.text("activeNic", n);
                        }
                    });
                }
            });
        });
    }
    w.opt_text("mtu", spec.mtu);
}

fn write_pg_spec(w: &mut XmlWriter, name: &str, spec: &PortGroup) {
    w.text("name", name)
        .text("vlanId", spec.vlan)
        .text("vswitchName", &spec.vswitch);
    w.elem("policy", "", |_| {});
}

#[derive(Debug, Clone, Copy)]
enum Manager {
    Network,
    DateTime,
    Service,
    Datastore,
}

/// One ESXi host's configuration, read and changed through its configuration managers.
///
/// A [`Configurable`]: fields of the desired [`HostModel`] left `None` (or absent from its maps)
/// are not managed.
///
/// ```no_run
/// # async fn demo(client: hermes_vsphere::Client) -> hermes_core::Result<()> {
/// use hermes_core::{Configurable, Mode};
/// use hermes_vsphere::host::{HostConfig, HostModel, PortGroup};
/// let host = HostConfig::by_path(client, "/DC0/host/DC0_C0/DC0_C0_H0").await?;
/// let mut want = HostModel::default();
/// want.ntp_servers = Some(vec!["10.0.0.1".into()]);
/// want.portgroups.insert(
///     "vlan-110".into(),
///     Some(PortGroup { vswitch: "vSwitch0".into(), vlan: 110 }),
/// );
/// println!("{}", host.converge(&want, Mode::DryRun).await?.plan); // nothing is changed
/// assert!(host.converge(&want, Mode::Apply).await?.verified);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct HostConfig {
    client: Client,
    host: MoRef,
    name: String,
}

fn vswitch_from(node: &Node) -> (String, VSwitch) {
    let name = node.child_text("name").unwrap_or_default().to_string();
    let spec = node.child("spec");
    let mtu = node
        .child_text("mtu")
        .or_else(|| spec.and_then(|s| s.child_text("mtu")))
        .and_then(|m| m.trim().parse().ok());
    let bridge: Vec<String> = spec
        .and_then(|s| s.child("bridge"))
        .map(|b| {
            b.children_named("nicDevice")
                .map(|n| n.text.clone())
                .collect()
        })
        .unwrap_or_default();
    let teaming_node = spec.and_then(|s| s.path(&["policy", "nicTeaming"]));
    let active: Vec<String> = teaming_node
        .and_then(|t| t.child("nicOrder"))
        .map(|o| {
            o.children_named("activeNic")
                .map(|n| n.text.clone())
                .collect()
        })
        .unwrap_or_default();
    let uplinks = if !active.is_empty() { active } else { bridge };
    let teaming = teaming_node
        .and_then(|t| t.child_text("policy"))
        .map(str::to_string);
    (
        name,
        VSwitch {
            mtu,
            uplinks: Some(uplinks),
            teaming,
        },
    )
}

impl HostConfig {
    /// The host `host` on `client`.
    pub async fn new(client: Client, host: MoRef) -> Result<Self> {
        let o = client.retrieve_one(&host, &["name"]).await?;
        let name = o.text("name").unwrap_or_default().to_string();
        Ok(HostConfig { client, host, name })
    }

    /// The host at an inventory path (`/DC0/host/DC0_C0/DC0_C0_H0`) or with that name.
    pub async fn by_path(client: Client, what: &str) -> Result<Self> {
        let host = client.resolve("HostSystem", what).await?;
        Self::new(client, host).await
    }

    async fn manager(&self, m: Manager) -> Result<MoRef> {
        let path = match m {
            Manager::Network => "configManager.networkSystem",
            Manager::DateTime => "configManager.dateTimeSystem",
            Manager::Service => "configManager.serviceSystem",
            Manager::Datastore => "configManager.datastoreSystem",
        };
        let o = self.client.retrieve_one(&self.host, &[path]).await?;
        o.decode::<MoRef>(path)
            .map_err(|e| self.client.malformed("RetrievePropertiesEx", e))?
            .ok_or_else(|| VsphereError::Fault {
                target: self.name.clone(),
                method: path.to_string(),
                fault: crate::FaultKind::NotSupported,
                object: Some(Box::new(self.host.clone())),
                message: format!("host {} has no {path}", self.name),
            })
    }

    /// Reads the live configuration.
    pub async fn read_model(&self) -> Result<HostModel> {
        let c = &self.client;
        let o = c
            .retrieve_one(
                &self.host,
                &[
                    "configManager.networkSystem",
                    "config.dateTimeInfo",
                    "config.network.dnsConfig",
                    "config.service",
                    "datastore",
                ],
            )
            .await?;
        let mut model = HostModel::default();
        if let Some(dt) = o.get("config.dateTimeInfo") {
            model.read_date_time(dt);
        }
        if let Some(dns) = o.get("config.network.dnsConfig") {
            model.read_dns(dns);
        }
        if let Some(ns) = o
            .decode::<MoRef>("configManager.networkSystem")
            .map_err(|e| c.malformed("RetrievePropertiesEx", e))?
        {
            let n = c.retrieve_one(&ns, &["networkInfo"]).await?;
            if let Some(info) = n.get("networkInfo") {
                model.read_network(info);
            }
        }
        if let Some(svc) = o.get("config.service") {
            model.read_services(svc);
        }
        let ds_refs = o
            .morefs("datastore")
            .map_err(|e| c.malformed("RetrievePropertiesEx", e))?;
        for d in c
            .retrieve_objects(
                "Datastore",
                &ds_refs,
                &["name", "summary.type", "summary.url"],
            )
            .await?
        {
            model.datastores.insert(
                d.text("name").unwrap_or_default().to_string(),
                Some(DatastoreSpec::Observed {
                    fs_type: d.text("summary.type").unwrap_or_default().to_string(),
                    url: d.text("summary.url").unwrap_or_default().to_string(),
                }),
            );
        }
        Ok(model)
    }

    async fn run_op(&self, op: &HostOp) -> Result<()> {
        let mgr = self.manager(op.manager()).await?;
        let ds = match op {
            HostOp::RemoveDatastore { name } => {
                Some(self.client.resolve_datastore_on(&self.host, name).await?)
            }
            _ => None,
        };
        self.client
            .call(op.method(), &mgr, |w| op.write(w, ds.as_ref()))
            .await
            .map(|_| ())
            .map_err(|e| match e {
                VsphereError::Fault {
                    method,
                    fault,
                    object,
                    message,
                    ..
                } => VsphereError::Fault {
                    target: self.name.clone(),
                    method,
                    fault,
                    object: object.or_else(|| Some(Box::new(mgr.clone()))),
                    message,
                },
                other => other,
            })
    }
}

impl Client {
    async fn resolve_datastore_on(&self, host: &MoRef, name: &str) -> Result<MoRef> {
        let o = self.retrieve_one(host, &["datastore"]).await?;
        let refs = o
            .morefs("datastore")
            .map_err(|e| self.malformed("RetrievePropertiesEx", e))?;
        self.retrieve_objects("Datastore", &refs, &["name"])
            .await?
            .into_iter()
            .find(|d| d.text("name") == Some(name))
            .map(|d| d.obj)
            .ok_or_else(|| VsphereError::NotFound {
                target: self.target().to_string(),
                what: format!("datastore {name:?} on {host}"),
            })
    }
}

fn op_change(action: Action, resource: String, fields: Vec<FieldChange>, ops: &[HostOp]) -> Change {
    let mut c = Change::new(action, resource).fields(fields);
    for op in ops {
        c = c.command(serde_json::to_string(op).expect("host ops serialise"));
    }
    c
}

fn list(v: &[String]) -> String {
    v.join(",")
}

/// The ordered change set turning `live` into `want`. Pure.
pub fn diff(target: &str, live: &HostModel, want: &HostModel) -> ChangeSet {
    let mut cs = ChangeSet::new(target.to_string());
    // 1. datastores to create
    for (name, spec) in &want.datastores {
        if let (Some(spec), None | Some(None)) = (spec, live.datastores.get(name)) {
            let op = match spec {
                DatastoreSpec::Local { path } => HostOp::CreateLocalDatastore {
                    name: name.clone(),
                    path: path.clone(),
                },
                DatastoreSpec::Nfs {
                    remote_host,
                    remote_path,
                } => HostOp::CreateNasDatastore {
                    name: name.clone(),
                    remote_host: remote_host.clone(),
                    remote_path: remote_path.clone(),
                },
                DatastoreSpec::Observed { .. } => continue,
            };
            cs.push(op_change(
                Action::Create,
                format!("datastore {name}"),
                vec![],
                &[op],
            ));
        }
    }
    // 2. vSwitches to create or update
    for (name, spec) in &want.vswitches {
        let Some(spec) = spec else { continue };
        match live.vswitches.get(name) {
            None | Some(None) => {
                let mut f = Vec::new();
                if let Some(m) = spec.mtu {
                    f.push(FieldChange::added("mtu", m));
                }
                if let Some(u) = &spec.uplinks {
                    f.push(FieldChange::added("uplinks", list(u)));
                }
                if let Some(t) = &spec.teaming {
                    f.push(FieldChange::added("teaming", t));
                }
                cs.push(op_change(
                    Action::Create,
                    format!("vswitch {name}"),
                    f,
                    &[HostOp::AddVirtualSwitch {
                        name: name.clone(),
                        spec: spec.clone(),
                    }],
                ));
            }
            Some(Some(have)) => {
                let mut f = Vec::new();
                if spec.mtu.is_some() && spec.mtu != have.mtu {
                    f.push(FieldChange::changed(
                        "mtu",
                        fmt_opt(have.mtu),
                        fmt_opt(spec.mtu),
                    ));
                }
                if let Some(u) = &spec.uplinks {
                    if have.uplinks.as_ref() != Some(u) {
                        f.push(FieldChange::changed(
                            "uplinks",
                            have.uplinks.as_deref().map(list).unwrap_or_default(),
                            list(u),
                        ));
                    }
                }
                if spec.teaming.is_some() && spec.teaming != have.teaming {
                    f.push(FieldChange::changed(
                        "teaming",
                        fmt_opt(have.teaming.clone()),
                        fmt_opt(spec.teaming.clone()),
                    ));
                }
                if !f.is_empty() {
                    // Keep what is not managed as it is.
                    let merged = VSwitch {
                        mtu: spec.mtu.or(have.mtu),
                        uplinks: spec.uplinks.clone().or_else(|| have.uplinks.clone()),
                        teaming: spec.teaming.clone().or_else(|| have.teaming.clone()),
                    };
                    cs.push(op_change(
                        Action::Update,
                        format!("vswitch {name}"),
                        f,
                        &[HostOp::UpdateVirtualSwitch {
                            name: name.clone(),
                            spec: merged,
                        }],
                    ));
                }
            }
        }
    }
    // 3. port groups to create or update
    for (name, spec) in &want.portgroups {
        let Some(spec) = spec else { continue };
        match live.portgroups.get(name) {
            None | Some(None) => cs.push(op_change(
                Action::Create,
                format!("portgroup {name}"),
                vec![
                    FieldChange::added("vswitch", &spec.vswitch),
                    FieldChange::added("vlan", spec.vlan),
                ],
                &[HostOp::AddPortGroup {
                    name: name.clone(),
                    spec: spec.clone(),
                }],
            )),
            Some(Some(have)) if have != spec => {
                let mut f = Vec::new();
                if have.vswitch != spec.vswitch {
                    f.push(FieldChange::changed(
                        "vswitch",
                        &have.vswitch,
                        &spec.vswitch,
                    ));
                }
                if have.vlan != spec.vlan {
                    f.push(FieldChange::changed("vlan", have.vlan, spec.vlan));
                }
                cs.push(op_change(
                    Action::Update,
                    format!("portgroup {name}"),
                    f,
                    &[HostOp::UpdatePortGroup {
                        name: name.clone(),
                        spec: spec.clone(),
                    }],
                ));
            }
            _ => {}
        }
    }
    // 4. removals: port groups, then vSwitches, then datastores
    for (name, spec) in &want.portgroups {
        if spec.is_none() && matches!(live.portgroups.get(name), Some(Some(_))) {
            cs.push(op_change(
                Action::Delete,
                format!("portgroup {name}"),
                vec![],
                &[HostOp::RemovePortGroup { name: name.clone() }],
            ));
        }
    }
    for (name, spec) in &want.vswitches {
        if spec.is_none() && matches!(live.vswitches.get(name), Some(Some(_))) {
            let mut c = op_change(
                Action::Delete,
                format!("vswitch {name}"),
                vec![],
                &[HostOp::RemoveVirtualSwitch { name: name.clone() }],
            );
            // Port groups still on it go first (they are removed with it on ESXi; say so).
            let on_it: Vec<&String> = live
                .portgroups
                .iter()
                .filter(|(_, p)| p.as_ref().is_some_and(|p| &p.vswitch == name))
                .map(|(n, _)| n)
                .collect();
            if !on_it.is_empty() {
                c = c.reason(format!(
                    "its port groups ({}) go with it",
                    on_it
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            cs.push(c);
        }
    }
    for (name, spec) in &want.datastores {
        if spec.is_none() && matches!(live.datastores.get(name), Some(Some(_))) {
            cs.push(op_change(
                Action::Delete,
                format!("datastore {name}"),
                vec![],
                &[HostOp::RemoveDatastore { name: name.clone() }],
            ));
        }
    }
    // 5. DNS
    if let Some(dns) = &want.dns {
        let have = live.dns.clone().unwrap_or_default();
        let f: Vec<FieldChange> = [
            FieldChange::between("host_name", Some(&have.host_name), Some(&dns.host_name)),
            FieldChange::between(
                "domain_name",
                Some(&have.domain_name),
                Some(&dns.domain_name),
            ),
            FieldChange::between(
                "servers",
                Some(list(&have.servers)),
                Some(list(&dns.servers)),
            ),
            FieldChange::between("search", Some(list(&have.search)), Some(list(&dns.search))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !f.is_empty() {
            cs.push(op_change(
                Action::Update,
                "dns".into(),
                f,
                &[HostOp::UpdateDnsConfig { dns: dns.clone() }],
            ));
        }
    }
    // 6. NTP
    if let Some(ntp) = &want.ntp_servers {
        let have = live.ntp_servers.clone().unwrap_or_default();
        if &have != ntp {
            cs.push(op_change(
                Action::Update,
                "ntp".into(),
                vec![FieldChange::changed("servers", list(&have), list(ntp))],
                &[HostOp::UpdateDateTimeConfig {
                    ntp_servers: ntp.clone(),
                }],
            ));
        }
    }
    // 7. services
    for (key, want_s) in &want.services {
        let have = live.services.get(key);
        let mut ops = Vec::new();
        let mut f = Vec::new();
        if let Some(p) = &want_s.policy {
            if have.and_then(|h| h.policy.as_ref()) != Some(p) {
                f.push(FieldChange::changed(
                    "policy",
                    have.and_then(|h| h.policy.clone()).unwrap_or_default(),
                    p,
                ));
                ops.push(HostOp::UpdateServicePolicy {
                    key: key.clone(),
                    policy: p.clone(),
                });
            }
        }
        let running = have.is_some_and(|h| h.running);
        if running != want_s.running {
            f.push(FieldChange::changed("running", running, want_s.running));
            ops.push(if want_s.running {
                HostOp::StartService { key: key.clone() }
            } else {
                HostOp::StopService { key: key.clone() }
            });
        }
        if !ops.is_empty() {
            cs.push(op_change(Action::Update, format!("service {key}"), f, &ops));
        }
    }
    cs
}

fn fmt_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "(unset)".into())
}

#[async_trait]
impl Configurable for HostConfig {
    type Model = HostModel;

    fn target(&self) -> String {
        self.name.clone()
    }

    async fn read(&self) -> hermes_core::Result<HostModel> {
        Ok(self.read_model().await?)
    }

    fn diff(&self, live: &HostModel, want: &HostModel) -> ChangeSet {
        diff(&self.name, live, want)
    }

    async fn apply(&self, changes: &ChangeSet) -> hermes_core::Result<ApplyReport> {
        let mut report = ApplyReport {
            target: self.name.clone(),
            ..ApplyReport::default()
        };
        for change in &changes.changes {
            for line in &change.commands {
                let op: HostOp = serde_json::from_str(line).map_err(|e| {
                    hermes_core::Error::invalid_input(format!(
                        "change {:?} has a command that is not a host operation ({e}): {line}",
                        change.resource
                    ))
                    .with_target(self.name.clone())
                })?;
                self.run_op(&op).await.map_err(|e| {
                    hermes_core::Error::from(e).context(format!(
                        "applying {} {}",
                        change.action.sign(),
                        change.resource
                    ))
                })?;
            }
            report.applied += 1;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> HostModel {
        let mut m = HostModel {
            ntp_servers: Some(vec![]),
            ..HostModel::default()
        };
        m.vswitches.insert(
            "vSwitch0".into(),
            Some(VSwitch {
                mtu: Some(1500),
                uplinks: Some(vec!["vmnic0".into()]),
                teaming: None,
            }),
        );
        m.portgroups.insert(
            "Management Network".into(),
            Some(PortGroup {
                vswitch: "vSwitch0".into(),
                vlan: 0,
            }),
        );
        m.portgroups.insert(
            "old".into(),
            Some(PortGroup {
                vswitch: "vSwitch9".into(),
                vlan: 9,
            }),
        );
        m.vswitches
            .insert("vSwitch9".into(), Some(VSwitch::default()));
        m.services.insert(
            "TSM-SSH".into(),
            Service {
                running: false,
                policy: Some("off".into()),
            },
        );
        m
    }

    #[test]
    fn diff_is_ordered_minimal_and_empty_when_equal() {
        let mut want = HostModel {
            ntp_servers: Some(vec!["0.pool.ntp.org".into()]),
            ..HostModel::default()
        };
        want.vswitches.insert(
            "vSwitch1".into(),
            Some(VSwitch {
                mtu: Some(9000),
                uplinks: Some(vec!["vmnic1".into(), "vmnic2".into()]),
                teaming: Some("loadbalance_ip".into()),
            }),
        );
        want.vswitches.insert("vSwitch9".into(), None);
        want.portgroups.insert(
            "web".into(),
            Some(PortGroup {
                vswitch: "vSwitch1".into(),
                vlan: 30,
            }),
        );
        want.portgroups.insert("old".into(), None);
        want.services.insert(
            "TSM-SSH".into(),
            Service {
                running: true,
                policy: Some("on".into()),
            },
        );
        let cs = diff("esxi-01", &live(), &want);
        let order: Vec<&str> = cs.changes.iter().map(|c| c.resource.as_str()).collect();
        assert_eq!(
            order,
            [
                "vswitch vSwitch1",
                "portgroup web",
                "portgroup old",
                "vswitch vSwitch9",
                "ntp",
                "service TSM-SSH"
            ]
        );
        assert!(cs.changes[0].commands[0].contains("\"call\":\"AddVirtualSwitch\""));
        // Management Network is not listed: untouched.
        assert!(!cs.render().contains("Management"));
        let same = diff("esxi-01", &live(), &live());
        assert!(same.changes.is_empty(), "{}", same.render());
    }

    #[test]
    fn vswitch_and_dns_specs_encode_in_schema_order() {
        let op = HostOp::AddVirtualSwitch {
            name: "vSwitch1".into(),
            spec: VSwitch {
                mtu: Some(9000),
                uplinks: Some(vec!["vmnic1".into()]),
                teaming: Some("loadbalance_ip".into()),
            },
        };
        let mut w = XmlWriter::new();
        op.write(&mut w, None);
        assert_eq!(
            w.finish(),
            "<vswitchName>vSwitch1</vswitchName><spec><numPorts>128</numPorts><bridge xsi:type=\"HostVirtualSwitchBondBridge\"><nicDevice>vmnic1</nicDevice></bridge><policy><nicTeaming><policy>loadbalance_ip</policy><nicOrder><activeNic>vmnic1</activeNic></nicOrder></nicTeaming></policy><mtu>9000</mtu></spec>"
        );
        let op = HostOp::UpdateDnsConfig {
            dns: Dns {
                host_name: "esxi-01".into(),
                domain_name: "lab".into(),
                servers: vec!["10.0.0.2".into()],
                search: vec!["lab".into()],
            },
        };
        let mut w = XmlWriter::new();
        op.write(&mut w, None);
        assert_eq!(
            w.finish(),
            "<config xsi:type=\"HostDnsConfig\"><dhcp>false</dhcp><hostName>esxi-01</hostName><domainName>lab</domainName><address>10.0.0.2</address><searchDomain>lab</searchDomain></config>"
        );
    }
}
