//! A fleet of VMs cloned from a template, as a [`hermes_core::Provisioner`].
//!
//! The fleet is named; every VM it creates carries `extraConfig["hermes.fleet"] = NAME`, set atomically
//! by the clone itself. That marker is how a re-run recognises its own VMs (no duplicates after a partial
//! run), and how [`VmFleet::teardown`] removes exactly what the spec created and nothing else. A VM with a
//! fleet name but no marker is never touched: planning fails with a conflict naming it.
//!
//! ```no_run
//! # async fn demo(client: hermes_vsphere::Client) -> hermes_core::Result<()> {
//! use hermes_core::Provisioner;
//! use hermes_vsphere::fleet::{FleetSpec, VmFleet};
//! let spec = FleetSpec::builder("web", "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0")
//!     .count(200)
//!     .name_pattern("web-{n:03}")
//!     .cpus(2)
//!     .memory_mb(2048)
//!     .build()?;
//! let fleet = VmFleet::new(client);
//! println!("{}", fleet.plan(&spec).await?.render());
//! let report = fleet.apply(&spec).await?;
//! println!("{}", report.summary());
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use hermes_core::{
    Action, Change, ChangeSet, FanOut, FieldChange, Plan, ProgressSink, Provisioner,
};

use crate::client::Client;
use crate::error::{Result, VsphereError};
use crate::model::{FromNode, MoRef, ObjectContent, PowerState};
use crate::vm::{CloneSpec, Customization, NetworkBacking, StaticIp};

/// The `extraConfig` key marking a VM as created by a Hermes fleet.
pub const FLEET_KEY: &str = "hermes.fleet";

/// A static IP pool: VM number `i` (0-based within the fleet) gets `start + i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpPool {
    /// The first address.
    pub start: Ipv4Addr,
    /// The prefix length.
    pub prefix: u8,
    /// The gateway.
    pub gateway: Option<Ipv4Addr>,
}

/// What a fleet should be. Build with [`FleetSpec::builder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSpec {
    /// The fleet's name (the `hermes.fleet` marker value).
    pub name: String,
    /// The template: an inventory path (`/DC0/vm/tmpl-linux`) or a VM name.
    pub template: String,
    /// The cluster (or standalone host's compute resource) to place VMs in, as an inventory path.
    pub cluster: String,
    /// The VM folder (default: the datacenter's `vm` folder).
    pub folder: Option<String>,
    /// How many VMs.
    pub count: usize,
    /// The first VM number (default 1).
    pub first: usize,
    /// The name pattern: `{n}` or `{n:03}` is replaced by the VM number.
    pub name_pattern: String,
    /// vCPUs (default: the template's).
    pub cpus: Option<i32>,
    /// Memory in MiB (default: the template's).
    pub memory_mb: Option<i64>,
    /// The port group (standard or distributed) for the VMs' first NIC, by name (default: the template's).
    pub network: Option<String>,
    /// Datastores to spread over, by name (default: every accessible datastore of the cluster).
    pub datastores: Vec<String>,
    /// Guest DNS domain (customization is sent when set).
    pub domain: Option<String>,
    /// Guest DNS servers.
    pub dns_servers: Vec<Ipv4Addr>,
    /// Static IP pool (default: DHCP).
    pub ip_pool: Option<IpPool>,
    /// Power the VMs on.
    pub power_on: bool,
    /// After powering on, wait up to this long for every VM's guest IP (VMware Tools) and report it
    /// per VM in [`FleetReport::guest_ips`] (default: do not wait).
    pub wait_for_ip: Option<Duration>,
    /// How many VMs are worked on at once.
    pub concurrency: usize,
}

/// Builds a [`FleetSpec`].
#[derive(Debug, Clone)]
pub struct FleetSpecBuilder {
    spec: FleetSpec,
}

/// The default number of VMs worked on at once: enough to keep vCenter's task queue busy without
/// flooding it (vCenter runs 8 provisioning operations per host at a time).
pub const DEFAULT_CONCURRENCY: usize = 32;

impl FleetSpec {
    /// A fleet `name` of clones of `template` placed in `cluster` (both inventory paths or names).
    /// Defaults: 1 VM named `{name}-{n:03}` from 1, the template's CPUs, memory and network, every
    /// datastore of the cluster, powered on, [`DEFAULT_CONCURRENCY`] at once.
    /// [`FleetSpecBuilder::build`] checks the spec (a name pattern without `{n}`, CPUs below 1, an IP
    /// pool without a DNS domain...).
    ///
    /// ```
    /// use hermes_vsphere::fleet::{FleetSpec, IpPool};
    /// let spec = FleetSpec::builder("web", "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0")
    ///     .count(3)
    ///     .cpus(2)
    ///     .memory_mb(2048)
    ///     .datastores(["LocalDS_0"])
    ///     .dns("lab.example", vec!["10.0.0.2".parse().unwrap()])
    ///     .ip_pool(IpPool { start: "10.0.10.1".parse().unwrap(), prefix: 24, gateway: None })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(spec.names(), ["web-001", "web-002", "web-003"]);
    /// ```
    pub fn builder(
        name: impl Into<String>,
        template: impl Into<String>,
        cluster: impl Into<String>,
    ) -> FleetSpecBuilder {
        let name = name.into();
        FleetSpecBuilder {
            spec: FleetSpec {
                name_pattern: format!("{name}-{{n:03}}"),
                name,
                template: template.into(),
                cluster: cluster.into(),
                folder: None,
                count: 1,
                first: 1,
                cpus: None,
                memory_mb: None,
                network: None,
                datastores: Vec::new(),
                domain: None,
                dns_servers: Vec::new(),
                ip_pool: None,
                power_on: true,
                wait_for_ip: None,
                concurrency: DEFAULT_CONCURRENCY,
            },
        }
    }

    /// The VM names, in order.
    pub fn names(&self) -> Vec<String> {
        (0..self.count)
            .map(|i| render_name(&self.name_pattern, self.first + i))
            .collect()
    }

    /// The customization for VM number `index` (0-based), if customization is requested.
    pub fn customization(&self, index: usize, name: &str) -> Option<Customization> {
        let domain = self.domain.clone()?;
        let ip = self.ip_pool.map(|p| StaticIp {
            address: Ipv4Addr::from(u32::from(p.start).wrapping_add(index as u32)),
            prefix: p.prefix,
            gateway: p.gateway,
        });
        Some(Customization {
            hostname: name.to_string(),
            domain,
            dns_servers: self.dns_servers.clone(),
            ip,
        })
    }
}

impl FleetSpecBuilder {
    /// How many VMs (default 1).
    pub fn count(mut self, n: usize) -> Self {
        self.spec.count = n;
        self
    }
    /// The first VM number (default 1).
    pub fn first(mut self, n: usize) -> Self {
        self.spec.first = n;
        self
    }
    /// The name pattern (`web-{n:03}` → `web-001`); default `NAME-{n:03}`.
    pub fn name_pattern(mut self, p: impl Into<String>) -> Self {
        self.spec.name_pattern = p.into();
        self
    }
    /// The VM folder (inventory path).
    pub fn folder(mut self, f: impl Into<String>) -> Self {
        self.spec.folder = Some(f.into());
        self
    }
    /// vCPUs.
    pub fn cpus(mut self, n: i32) -> Self {
        self.spec.cpus = Some(n);
        self
    }
    /// Memory in MiB.
    pub fn memory_mb(mut self, mb: i64) -> Self {
        self.spec.memory_mb = Some(mb);
        self
    }
    /// Connects the VMs' first NIC to this port group (name or inventory path).
    pub fn network(mut self, name: impl Into<String>) -> Self {
        self.spec.network = Some(name.into());
        self
    }
    /// Restricts placement to these datastores (names).
    pub fn datastores(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.spec.datastores = names.into_iter().map(Into::into).collect();
        self
    }
    /// Guest customization: DNS domain and servers.
    pub fn dns(mut self, domain: impl Into<String>, servers: Vec<Ipv4Addr>) -> Self {
        self.spec.domain = Some(domain.into());
        self.spec.dns_servers = servers;
        self
    }
    /// Static IPs from a pool (needs [`FleetSpecBuilder::dns`] for the domain).
    pub fn ip_pool(mut self, pool: IpPool) -> Self {
        self.spec.ip_pool = Some(pool);
        self
    }
    /// Power VMs on (default `true`).
    pub fn power_on(mut self, yes: bool) -> Self {
        self.spec.power_on = yes;
        self
    }
    /// After power-on, wait up to `timeout` for the VMs' guest IPs (one `WaitForUpdatesEx` follow
    /// for the whole fleet) and report them per VM.
    pub fn wait_for_ip(mut self, timeout: Duration) -> Self {
        self.spec.wait_for_ip = Some(timeout);
        self
    }
    /// VMs worked on at once (default [`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.spec.concurrency = n.max(1);
        self
    }
    /// Checks the spec and returns it.
    pub fn build(self) -> hermes_core::Result<FleetSpec> {
        let s = self.spec;
        let bad = |m: String| {
            hermes_core::Error::invalid_input(m).with_target(format!("fleet {}", s.name))
        };
        if s.name.is_empty() || s.name.len() > 64 {
            return Err(bad("the fleet name must be 1-64 characters".into()));
        }
        if !s.name_pattern.contains("{n") {
            return Err(bad(format!(
                "name pattern {:?} has no {{n}} placeholder: every VM would get the same name",
                s.name_pattern
            )));
        }
        if s.cpus.is_some_and(|c| c < 1) || s.memory_mb.is_some_and(|m| m < 4) {
            return Err(bad("cpus must be >= 1 and memory_mb >= 4".into()));
        }
        if s.ip_pool.is_some() && s.domain.is_none() {
            return Err(bad(
                "an IP pool needs a DNS domain: call .dns(domain, servers)".into(),
            ));
        }
        if let Some(p) = s.ip_pool {
            if p.prefix > 32 || u64::from(u32::from(p.start)) + s.count as u64 > u64::from(u32::MAX)
            {
                return Err(bad("the IP pool overflows the address space".into()));
            }
        }
        let names = s.names();
        let mut seen = std::collections::HashSet::new();
        for n in &names {
            if n.is_empty() || n.len() > 80 {
                return Err(bad(format!("VM name {n:?} must be 1-80 characters")));
            }
            if !seen.insert(n) {
                return Err(bad(format!("the name pattern gives {n:?} twice")));
            }
        }
        Ok(s)
    }
}

/// `{n}` → `7`, `{n:03}` → `007`.
pub fn render_name(pattern: &str, n: usize) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("{n") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let fmt = &after[..end];
                let width = fmt
                    .strip_prefix(":0")
                    .or_else(|| fmt.strip_prefix(':'))
                    .and_then(|w| w.parse::<usize>().ok())
                    .unwrap_or(0);
                out.push_str(&format!("{n:0width$}"));
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A host or datastore with free capacity, for placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    /// The object.
    pub obj: MoRef,
    /// Its name.
    pub name: String,
    /// Free bytes (memory for hosts, space for datastores).
    pub free: i64,
}

impl Capacity {
    /// A host's free memory (and its name, `name` or `summary.config.name`): `summary.hardware.memorySize` less
    /// `summary.quickStats.overallMemoryUsage` (MiB). Works on those paths read one by one or on a
    /// whole `summary`; a missing or unreadable figure counts as 0.
    pub fn host(h: &ObjectContent) -> Self {
        let total: i64 = h
            .decode("summary.hardware.memorySize")
            .ok()
            .flatten()
            .unwrap_or(0);
        let used_mb: i64 = h
            .decode("summary.quickStats.overallMemoryUsage")
            .ok()
            .flatten()
            .unwrap_or(0);
        Capacity {
            name: h
                .text("name")
                .or_else(|| h.text("summary.config.name"))
                .unwrap_or_default()
                .to_string(),
            obj: h.obj.clone(),
            // Saturating: the figures come from the server, and a wrong one must not overflow.
            free: total.saturating_sub(used_mb.saturating_mul(1024 * 1024)),
        }
    }

    /// A datastore's free space (`summary.freeSpace`) and name (`name` or `summary.name`), read
    /// alone or inside a whole `summary`.
    pub fn datastore(d: &ObjectContent) -> Self {
        Capacity {
            name: d
                .text("name")
                .or_else(|| d.text("summary.name"))
                .unwrap_or_default()
                .to_string(),
            obj: d.obj.clone(),
            free: d.decode("summary.freeSpace").ok().flatten().unwrap_or(0),
        }
    }
}

/// Places `n` VMs, each taking `need` bytes, on the candidates with the most free capacity left at each
/// step (greedy, so the candidates end as balanced as their capacities allow). Pure.
pub fn place(candidates: &[Capacity], n: usize, need: i64) -> Vec<usize> {
    let mut free: Vec<i64> = candidates.iter().map(|c| c.free).collect();
    let mut out = Vec::with_capacity(n);
    if candidates.is_empty() {
        return out;
    }
    for _ in 0..n {
        let (best, _) = free
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| a.cmp(b).then(ib.cmp(ia)))
            .expect("candidates is not empty");
        free[best] = free[best].saturating_sub(need.max(1));
        out.push(best);
    }
    out
}

/// A VM of the fleet as found live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveVm {
    /// The VM.
    pub vm: MoRef,
    /// Its name.
    pub name: String,
    /// Its `hermes.fleet` marker, if any.
    pub fleet: Option<String>,
    /// vCPUs.
    pub cpus: Option<i32>,
    /// Memory in MiB.
    pub memory_mb: Option<i64>,
    /// Power state.
    pub power: Option<PowerState>,
    /// The networks its NICs connect to.
    pub networks: Vec<MoRef>,
}

const VM_PATHS: &[&str] = &[
    "name",
    "config.extraConfig",
    "config.hardware.numCPU",
    "config.hardware.memoryMB",
    "runtime.powerState",
    "network",
];

fn live_vm(o: &ObjectContent) -> std::result::Result<LiveVm, String> {
    let fleet = o.get("config.extraConfig").and_then(|ec| {
        ec.children
            .iter()
            .find(|ov| ov.child_text("key") == Some(FLEET_KEY))
            .and_then(|ov| ov.child_text("value").map(str::to_string))
    });
    Ok(LiveVm {
        vm: o.obj.clone(),
        name: o.text("name").unwrap_or_default().to_string(),
        fleet,
        cpus: o.decode("config.hardware.numCPU")?,
        memory_mb: o.decode("config.hardware.memoryMB")?,
        power: o.text("runtime.powerState").and_then(PowerState::parse),
        networks: o.morefs("network")?,
    })
}

/// What happened to one VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmOutcome {
    /// Cloned (and converged).
    Created {
        /// The new VM.
        vm: MoRef,
    },
    /// Existed and was changed.
    Updated {
        /// The VM.
        vm: MoRef,
    },
    /// Existed and matched.
    Kept {
        /// The VM.
        vm: MoRef,
    },
    /// Removed (scale-down or teardown).
    Deleted,
    /// Failed.
    Failed {
        /// The error, rendered.
        error: String,
        /// Whether the request that failed may have reached vCenter (so the VM may exist).
        maybe_applied: bool,
    },
}

/// The per-VM result of an apply or teardown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetReport {
    /// The fleet.
    pub fleet: String,
    /// One entry per VM, in name order.
    pub vms: BTreeMap<String, VmOutcome>,
    /// With [`FleetSpec::wait_for_ip`]: each powered-on VM's guest IP (`None`: none reported in
    /// time), in name order. Empty otherwise.
    pub guest_ips: BTreeMap<String, Option<String>>,
    /// Why the guest IPs could not be followed, if the wait itself failed.
    pub guest_ip_error: Option<String>,
    /// Wall time.
    pub elapsed: Duration,
}

impl FleetReport {
    /// Counts: created, updated, kept, deleted, failed.
    pub fn counts(&self) -> [usize; 5] {
        let mut c = [0; 5];
        for o in self.vms.values() {
            let i = match o {
                VmOutcome::Created { .. } => 0,
                VmOutcome::Updated { .. } => 1,
                VmOutcome::Kept { .. } => 2,
                VmOutcome::Deleted => 3,
                VmOutcome::Failed { .. } => 4,
            };
            c[i] += 1;
        }
        c
    }
    /// The failed VMs and their errors.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vms.iter().filter_map(|(n, o)| match o {
            VmOutcome::Failed { error, .. } => Some((n.as_str(), error.as_str())),
            _ => None,
        })
    }
    /// One line: `fleet web: 200 created, 0 updated, 0 kept, 0 deleted, 0 failed in 1.2 s`
    /// (and `, 200/200 with a guest IP` when IPs were waited for).
    pub fn summary(&self) -> String {
        let [c, u, k, d, f] = self.counts();
        let ips = if self.guest_ips.is_empty() && self.guest_ip_error.is_none() {
            String::new()
        } else {
            let with = self.guest_ips.values().filter(|i| i.is_some()).count();
            let mut s = format!(", {with}/{} with a guest IP", self.guest_ips.len());
            if let Some(e) = &self.guest_ip_error {
                s.push_str(&format!(" (waiting failed: {e})"));
            }
            s
        };
        format!(
            "fleet {}: {c} created, {u} updated, {k} kept, {d} deleted, {f} failed in {:.1} s{ips}",
            self.fleet,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Drives fleets on one vCenter/ESXi session.
#[derive(Clone)]
pub struct VmFleet {
    client: Client,
    progress: Option<Arc<dyn ProgressSink>>,
}

impl std::fmt::Debug for VmFleet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VmFleet")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// Everything resolved from a spec before planning.
#[derive(Debug, Clone)]
struct Resolved {
    template: MoRef,
    folder: MoRef,
    pool: MoRef,
    datacenter: MoRef,
    hosts: Vec<Capacity>,
    datastores: Vec<Capacity>,
    vm_memory: i64,
    vm_disk: i64,
    /// The wanted network, its NIC backing, and the template's NIC to edit.
    network: Option<Network>,
}

#[derive(Debug, Clone)]
struct Network {
    obj: MoRef,
    name: String,
    backing: NetworkBacking,
    template_nic: Option<crate::xml::Node>,
}

/// One planned VM action.
#[derive(Debug, Clone)]
enum Work {
    Create {
        index: usize,
        name: String,
        host: MoRef,
        datastore: MoRef,
    },
    Update {
        live: LiveVm,
    },
    Keep {
        live: LiveVm,
    },
    Delete {
        live: LiveVm,
    },
}

impl Work {
    fn name(&self) -> &str {
        match self {
            Work::Create { name, .. } => name,
            Work::Update { live } | Work::Keep { live } | Work::Delete { live } => &live.name,
        }
    }
}

impl VmFleet {
    /// A fleet driver on `client`: [`Provisioner::plan`] shows what would be created, changed or
    /// removed, [`Provisioner::provision`] applies it (idempotent, resumable), [`VmFleet::teardown`]
    /// removes the fleet's own VMs.
    ///
    /// ```no_run
    /// # async fn demo(client: hermes_vsphere::Client) -> hermes_core::Result<()> {
    /// use hermes_core::Provisioner;
    /// use hermes_vsphere::fleet::{FleetSpec, VmFleet};
    /// let spec = FleetSpec::builder("web", "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0").count(20).build()?;
    /// let fleet = VmFleet::new(client);
    /// println!("{}", fleet.plan(&spec).await?.render());
    /// let report = fleet.provision(&spec).await?;
    /// println!("{}", report.summary());
    /// # Ok(()) }
    /// ```
    pub fn new(client: Client) -> Self {
        VmFleet {
            client,
            progress: None,
        }
    }

    /// Where progress events go (an [`hermes_core::IndicatifProgress`] in binaries).
    pub fn with_progress(mut self, sink: Arc<dyn ProgressSink>) -> Self {
        self.progress = Some(sink);
        self
    }

    /// The session.
    pub fn client(&self) -> &Client {
        &self.client
    }

    async fn resolve(&self, spec: &FleetSpec) -> Result<Resolved> {
        let c = &self.client;
        let template = c.resolve("VirtualMachine", &spec.template).await?;
        let cluster = c.resolve("ComputeResource", &spec.cluster).await?;
        let cl = c
            .retrieve_one(&cluster, &["resourcePool", "host", "datastore"])
            .await?;
        let pool: MoRef = cl
            .decode("resourcePool")
            .map_err(|e| c.malformed("RetrievePropertiesEx", e))?
            .ok_or_else(|| {
                c.malformed(
                    "RetrievePropertiesEx",
                    format!("{cluster} has no resourcePool"),
                )
            })?;
        let host_refs = cl
            .morefs("host")
            .map_err(|e| c.malformed("RetrievePropertiesEx", e))?;
        let ds_refs = cl
            .morefs("datastore")
            .map_err(|e| c.malformed("RetrievePropertiesEx", e))?;
        // The datacenter: walk up from the cluster.
        let mut datacenter = cluster.clone();
        for _ in 0..32 {
            if datacenter.kind == "Datacenter" {
                break;
            }
            let o = c.retrieve_one(&datacenter, &["parent"]).await?;
            datacenter = o
                .decode("parent")
                .map_err(|e| c.malformed("RetrievePropertiesEx", e))?
                .ok_or_else(|| VsphereError::InvalidInput {
                    target: c.target().to_string(),
                    message: format!("{} is not inside a datacenter", spec.cluster),
                })?;
        }
        let folder = match &spec.folder {
            Some(f) => c.resolve("Folder", f).await?,
            None => {
                let dc = c.retrieve_one(&datacenter, &["vmFolder"]).await?;
                dc.decode("vmFolder")
                    .map_err(|e| c.malformed("RetrievePropertiesEx", e))?
                    .ok_or_else(|| {
                        c.malformed("RetrievePropertiesEx", "datacenter has no vmFolder".into())
                    })?
            }
        };
        let hosts = c
            .retrieve_objects(
                "HostSystem",
                &host_refs,
                &[
                    "name",
                    "summary.hardware.memorySize",
                    "summary.quickStats.overallMemoryUsage",
                    "runtime.inMaintenanceMode",
                    "runtime.connectionState",
                ],
            )
            .await?
            .into_iter()
            .filter(|h| h.text("runtime.inMaintenanceMode") != Some("true"))
            .filter(|h| {
                h.text("runtime.connectionState")
                    .is_none_or(|s| s == "connected")
            })
            .map(|h| Capacity::host(&h))
            .collect::<Vec<_>>();
        let mut datastores = c
            .retrieve_objects(
                "Datastore",
                &ds_refs,
                &["name", "summary.freeSpace", "summary.accessible"],
            )
            .await?
            .into_iter()
            .filter(|d| d.text("summary.accessible") != Some("false"))
            .map(|d| Capacity::datastore(&d))
            .collect::<Vec<_>>();
        if !spec.datastores.is_empty() {
            for want in &spec.datastores {
                if !datastores.iter().any(|d| &d.name == want) {
                    return Err(VsphereError::InvalidInput {
                        target: format!("fleet {}", spec.name),
                        message: format!(
                            "datastore {want:?} is not available to {} (available: {})",
                            spec.cluster,
                            datastores
                                .iter()
                                .map(|d| d.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
            }
            datastores.retain(|d| spec.datastores.contains(&d.name));
        }
        if hosts.is_empty() || datastores.is_empty() {
            return Err(VsphereError::InvalidInput {
                target: format!("fleet {}", spec.name),
                message: format!(
                    "{} has {} usable host(s) and {} usable datastore(s); VMs need at least one of each",
                    spec.cluster,
                    hosts.len(),
                    datastores.len()
                ),
            });
        }
        let t = c
            .retrieve_one(
                &template,
                &[
                    "config.hardware.memoryMB",
                    "summary.storage.committed",
                    "summary.storage.uncommitted",
                ],
            )
            .await?;
        let mem_mb: i64 = t
            .decode("config.hardware.memoryMB")
            .ok()
            .flatten()
            .unwrap_or(0);
        let committed: i64 = t
            .decode("summary.storage.committed")
            .ok()
            .flatten()
            .unwrap_or(0);
        let uncommitted: i64 = t
            .decode("summary.storage.uncommitted")
            .ok()
            .flatten()
            .unwrap_or(0);
        let network = match &spec.network {
            None => None,
            Some(n) => {
                let obj = c.resolve("Network", n).await?;
                let backing = c.network_backing(n).await?;
                let template_nic = c.first_nic(&template).await?;
                Some(Network {
                    obj,
                    name: n.clone(),
                    backing,
                    template_nic,
                })
            }
        };
        Ok(Resolved {
            network,
            template,
            folder,
            pool,
            datacenter,
            hosts,
            datastores,
            vm_memory: spec.memory_mb.unwrap_or(mem_mb) * 1024 * 1024,
            vm_disk: (committed + uncommitted).max(1 << 30),
        })
    }

    /// Every VM in the datacenter named like the spec's VMs or carrying the fleet's marker.
    async fn live(&self, spec: &FleetSpec, datacenter: &MoRef) -> Result<Vec<LiveVm>> {
        let names: std::collections::HashSet<String> = spec.names().into_iter().collect();
        let all = self
            .client
            .retrieve_view_under(datacenter, "VirtualMachine", VM_PATHS)
            .await?;
        let mut out = Vec::new();
        for o in &all {
            let vm = live_vm(o).map_err(|e| self.client.malformed("RetrievePropertiesEx", e))?;
            if names.contains(&vm.name) || vm.fleet.as_deref() == Some(spec.name.as_str()) {
                out.push(vm);
            }
        }
        Ok(out)
    }

    async fn work(&self, spec: &FleetSpec) -> Result<(Resolved, Vec<Work>)> {
        let r = self.resolve(spec).await?;
        let live = self.live(spec, &r.datacenter).await?;
        let mut by_name: HashMap<String, Vec<LiveVm>> = HashMap::new();
        for vm in live {
            by_name.entry(vm.name.clone()).or_default().push(vm);
        }
        let wanted = spec.names();
        let mut work = Vec::new();
        let mut creates = Vec::new();
        for (index, name) in wanted.iter().enumerate() {
            match by_name.remove(name) {
                None => creates.push((index, name.clone())),
                Some(mut vms) => {
                    vms.retain(|v| v.fleet.as_deref() == Some(spec.name.as_str()));
                    let foreign = vms.is_empty();
                    if foreign {
                        return Err(VsphereError::InvalidInput {
                            target: format!("fleet {}", spec.name),
                            message: format!(
                                "a VM named {name:?} exists but was not created by fleet {:?} (no {FLEET_KEY} marker); rename it or change the name pattern",
                                spec.name
                            ),
                        });
                    }
                    // Duplicates with our marker (should not happen): keep the first, delete the rest.
                    let first = vms.remove(0);
                    for extra in vms {
                        work.push(Work::Delete { live: extra });
                    }
                    if drift(spec, &first, r.network.as_ref()).is_empty() {
                        work.push(Work::Keep { live: first });
                    } else {
                        work.push(Work::Update { live: first });
                    }
                }
            }
        }
        // Our marked VMs that the spec no longer names (scale-down).
        for (_, vms) in by_name {
            for v in vms {
                if v.fleet.as_deref() == Some(spec.name.as_str()) {
                    work.push(Work::Delete { live: v });
                }
            }
        }
        let hosts = place(&r.hosts, creates.len(), r.vm_memory);
        let dss = place(&r.datastores, creates.len(), r.vm_disk);
        for (i, (index, name)) in creates.into_iter().enumerate() {
            work.push(Work::Create {
                index,
                name,
                host: r.hosts[hosts[i]].obj.clone(),
                datastore: r.datastores[dss[i]].obj.clone(),
            });
        }
        work.sort_by(|a, b| a.name().cmp(b.name()));
        Ok((r, work))
    }

    fn render(&self, spec: &FleetSpec, r: &Resolved, work: &[Work]) -> Plan {
        let mut plan = ChangeSet::new(format!("fleet {}", spec.name));
        let host_name: HashMap<&MoRef, &str> =
            r.hosts.iter().map(|h| (&h.obj, h.name.as_str())).collect();
        let ds_name: HashMap<&MoRef, &str> = r
            .datastores
            .iter()
            .map(|d| (&d.obj, d.name.as_str()))
            .collect();
        for w in work {
            let change = match w {
                Work::Create {
                    index,
                    name,
                    host,
                    datastore,
                } => {
                    let mut c = Change::new(Action::Create, format!("vm {name}"))
                        .field(FieldChange::added(
                            "host",
                            host_name.get(host).copied().unwrap_or("?"),
                        ))
                        .field(FieldChange::added(
                            "datastore",
                            ds_name.get(datastore).copied().unwrap_or("?"),
                        ));
                    if let Some(n) = spec.cpus {
                        c = c.field(FieldChange::added("cpus", n));
                    }
                    if let Some(m) = spec.memory_mb {
                        c = c.field(FieldChange::added("memory_mb", m));
                    }
                    if let Some(cu) = spec.customization(*index, name) {
                        if let Some(ip) = cu.ip {
                            c = c.field(FieldChange::added(
                                "ip",
                                format!("{}/{}", ip.address, ip.prefix),
                            ));
                        }
                    }
                    if spec.power_on {
                        c = c.field(FieldChange::added("power", "poweredOn"));
                    }
                    c
                }
                Work::Update { live } => Change::new(Action::Update, format!("vm {}", live.name))
                    .fields(drift(spec, live, r.network.as_ref())),
                Work::Keep { live } => Change::new(Action::Keep, format!("vm {}", live.name)),
                Work::Delete { live } => Change::new(Action::Delete, format!("vm {}", live.name))
                    .reason(format!(
                        "carries {FLEET_KEY}={} but is not in the spec",
                        spec.name
                    )),
            };
            plan.push(change);
        }
        plan
    }

    /// Applies the spec: creates, updates and deletes as planned, at most `spec.concurrency` VMs at once,
    /// with a per-VM outcome. Never fails as a whole once planning succeeded.
    pub async fn apply(&self, spec: &FleetSpec) -> Result<FleetReport> {
        let started = Instant::now();
        let (r, work) = self.work(spec).await?;
        let r = Arc::new(r);
        let spec_arc = Arc::new(spec.clone());
        let client = self.client.clone();
        let items: Vec<(String, Work)> = work
            .into_iter()
            .map(|w| (w.name().to_string(), w))
            .collect();
        let mut fan = FanOut::new(spec.concurrency);
        if let Some(p) = &self.progress {
            fan = fan.progress(p.clone());
        }
        let report = fan
            .run(items, move |(_, w), ctx| {
                let client = client.clone();
                let r = r.clone();
                let spec = spec_arc.clone();
                async move {
                    do_work(&client, &spec, &r, w, &ctx)
                        .await
                        .map_err(hermes_core::Error::from)
                }
            })
            .await;
        let mut vms = BTreeMap::new();
        for res in report.results {
            let outcome = match res.outcome {
                hermes_core::fanout::Outcome::Ok(o) => o,
                hermes_core::fanout::Outcome::Failed(e) => VmOutcome::Failed {
                    maybe_applied: e.sent() != hermes_core::Sent::No,
                    error: e.to_string(),
                },
                hermes_core::fanout::Outcome::Skipped(reason) => VmOutcome::Failed {
                    error: format!("skipped: {reason}"),
                    maybe_applied: false,
                },
            };
            vms.insert(res.target, outcome);
        }
        let mut guest_ips = BTreeMap::new();
        let mut guest_ip_error = None;
        if let (true, Some(timeout)) = (spec.power_on, spec.wait_for_ip) {
            let running: Vec<(String, MoRef)> = vms
                .iter()
                .filter_map(|(n, o)| match o {
                    VmOutcome::Created { vm }
                    | VmOutcome::Updated { vm }
                    | VmOutcome::Kept { vm } => Some((n.clone(), vm.clone())),
                    _ => None,
                })
                .collect();
            let refs: Vec<MoRef> = running.iter().map(|(_, v)| v.clone()).collect();
            match self.client.wait_guest_ips(&refs, timeout).await {
                Ok(ips) => {
                    for ((name, _), g) in running.into_iter().zip(ips) {
                        guest_ips.insert(name, g.ip);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, fleet = %spec.name, "waiting for guest IPs failed");
                    for (name, _) in running {
                        guest_ips.insert(name, None);
                    }
                    guest_ip_error = Some(e.to_string());
                }
            }
        }
        Ok(FleetReport {
            fleet: spec.name.clone(),
            vms,
            guest_ips,
            guest_ip_error,
            elapsed: started.elapsed(),
        })
    }

    /// Removes every VM that carries this fleet's marker (powering it off first), and nothing else.
    pub async fn teardown(&self, spec: &FleetSpec) -> Result<FleetReport> {
        let started = Instant::now();
        let r = self.resolve(spec).await?;
        let live = self.live(spec, &r.datacenter).await?;
        let ours: Vec<(String, LiveVm)> = live
            .into_iter()
            .filter(|v| v.fleet.as_deref() == Some(spec.name.as_str()))
            .map(|v| (v.name.clone(), v))
            .collect();
        let client = self.client.clone();
        let mut fan = FanOut::new(spec.concurrency);
        if let Some(p) = &self.progress {
            fan = fan.progress(p.clone());
        }
        let report = fan
            .run(ours, move |(_, v), _ctx| {
                let client = client.clone();
                async move {
                    client
                        .power_off_and_destroy(&v.vm, v.power == Some(PowerState::PoweredOn))
                        .await
                        .map(|_| VmOutcome::Deleted)
                        .map_err(hermes_core::Error::from)
                }
            })
            .await;
        let mut vms = BTreeMap::new();
        for res in report.results {
            let outcome = match res.outcome {
                hermes_core::fanout::Outcome::Ok(o) => o,
                hermes_core::fanout::Outcome::Failed(e) => VmOutcome::Failed {
                    maybe_applied: e.sent() != hermes_core::Sent::No,
                    error: e.to_string(),
                },
                hermes_core::fanout::Outcome::Skipped(reason) => VmOutcome::Failed {
                    error: format!("skipped: {reason}"),
                    maybe_applied: false,
                },
            };
            vms.insert(res.target, outcome);
        }
        Ok(FleetReport {
            fleet: spec.name.clone(),
            vms,
            guest_ips: BTreeMap::new(),
            guest_ip_error: None,
            elapsed: started.elapsed(),
        })
    }
}

/// Field differences between the spec and a live VM (empty: it matches).
fn drift(spec: &FleetSpec, live: &LiveVm, net: Option<&Network>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    if let Some(n) = net {
        if !live.networks.contains(&n.obj) {
            let have: Vec<&str> = live.networks.iter().map(|m| m.value.as_str()).collect();
            out.push(FieldChange::changed("network", have.join(","), &n.name));
        }
    }
    if let Some(want) = spec.cpus {
        if live.cpus != Some(want) {
            out.push(FieldChange::changed("cpus", fmt_opt(live.cpus), want));
        }
    }
    if let Some(want) = spec.memory_mb {
        if live.memory_mb != Some(want) {
            out.push(FieldChange::changed(
                "memory_mb",
                fmt_opt(live.memory_mb),
                want,
            ));
        }
    }
    if spec.power_on && live.power != Some(PowerState::PoweredOn) {
        out.push(FieldChange::changed(
            "power",
            fmt_opt(live.power),
            "poweredOn",
        ));
    }
    out
}

fn fmt_opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string())
        .unwrap_or_else(|| "(unknown)".into())
}

async fn do_work(
    client: &Client,
    spec: &FleetSpec,
    r: &Resolved,
    work: Work,
    ctx: &hermes_core::TaskContext,
) -> Result<VmOutcome> {
    match work {
        Work::Keep { live } => Ok(VmOutcome::Kept { vm: live.vm }),
        Work::Delete { live } => {
            ctx.step("destroying");
            client
                .power_off_and_destroy(&live.vm, live.power == Some(PowerState::PoweredOn))
                .await?;
            Ok(VmOutcome::Deleted)
        }
        Work::Update { live } => {
            converge(client, spec, r, &live, ctx).await?;
            Ok(VmOutcome::Updated { vm: live.vm })
        }
        Work::Create {
            index,
            name,
            host,
            datastore,
        } => {
            ctx.step("cloning");
            let mut cs = CloneSpec::new(r.pool.clone())
                .host(host)
                .datastore(datastore)
                .extra(FLEET_KEY, spec.name.clone())
                .power_on(spec.power_on);
            cs.cpus = spec.cpus;
            cs.memory_mb = spec.memory_mb;
            cs.customization = spec.customization(index, &name);
            if let Some(n) = &r.network {
                if let Some(nic) = &n.template_nic {
                    cs.network = Some((nic.clone(), n.backing.clone()));
                }
            }
            let vm = client.clone_vm(&r.template, &r.folder, &name, &cs).await?;
            // vCenter applies the whole clone spec; some servers (vcsim) ignore parts of it. Read back
            // and converge, so the outcome is the spec whatever the server did with it.
            let o = client.retrieve_one(&vm, VM_PATHS).await?;
            let live = live_vm(&o).map_err(|e| client.malformed("RetrievePropertiesEx", e))?;
            if !drift(spec, &live, r.network.as_ref()).is_empty() {
                converge(client, spec, r, &live, ctx).await?;
            }
            Ok(VmOutcome::Created { vm })
        }
    }
}

async fn converge(
    client: &Client,
    spec: &FleetSpec,
    r: &Resolved,
    live: &LiveVm,
    ctx: &hermes_core::TaskContext,
) -> Result<()> {
    if let Some(n) = &r.network {
        if !live.networks.contains(&n.obj) {
            ctx.step("connecting network");
            let nic =
                client
                    .first_nic(&live.vm)
                    .await?
                    .ok_or_else(|| VsphereError::InvalidInput {
                        target: live.name.clone(),
                        message: format!("the VM has no network card to connect to {:?}", n.name),
                    })?;
            client.reconnect_nic(&live.vm, &nic, &n.backing).await?;
        }
    }
    let cpus = spec.cpus.filter(|c| live.cpus != Some(*c));
    let mem = spec.memory_mb.filter(|m| live.memory_mb != Some(*m));
    if cpus.is_some() || mem.is_some() {
        ctx.step("reconfiguring");
        client.reconfigure(&live.vm, cpus, mem).await?;
    }
    if spec.power_on && live.power != Some(PowerState::PoweredOn) {
        ctx.step("powering on");
        client.power_on(&live.vm).await?;
    }
    Ok(())
}

#[async_trait]
impl Provisioner for VmFleet {
    type Spec = FleetSpec;
    type Resource = FleetReport;

    async fn plan(&self, spec: &FleetSpec) -> hermes_core::Result<Plan> {
        let (r, work) = self.work(spec).await?;
        Ok(self.render(spec, &r, &work))
    }

    /// Applies the spec; fails (listing the failed VMs) if any VM failed — re-running resumes.
    async fn provision(&self, spec: &FleetSpec) -> hermes_core::Result<FleetReport> {
        let report = self.apply(spec).await?;
        let failed: Vec<String> = report
            .failures()
            .map(|(n, e)| format!("{n}: {e}"))
            .collect();
        if failed.is_empty() {
            Ok(report)
        } else {
            let first = self.client.target().to_string();
            Err(hermes_core::Error::new(
                hermes_core::ErrorKind::Transport,
                format!(
                    "{} of {} VMs failed (re-run to resume; VMs already created are kept):\n{}",
                    failed.len(),
                    report.vms.len(),
                    failed.join("\n")
                ),
            )
            .with_target(first)
            .with_sent(hermes_core::Sent::Maybe))
        }
    }
}

impl FromNode for PowerState {
    fn from_node(node: &crate::xml::Node) -> std::result::Result<Self, String> {
        PowerState::parse(&node.text).ok_or_else(|| format!("unknown power state {:?}", node.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_render_with_width() {
        assert_eq!(render_name("web-{n:03}", 7), "web-007");
        assert_eq!(render_name("db{n}", 12), "db12");
        assert_eq!(render_name("x-{n:2}-{n}", 3), "x-03-3");
    }

    #[test]
    fn placement_balances_by_free_capacity() {
        let c = |n: &str, free| Capacity {
            obj: MoRef::new("HostSystem", n),
            name: n.into(),
            free,
        };
        let cands = [c("a", 100), c("b", 300), c("c", 100)];
        let picks = place(&cands, 5, 100);
        let count = |i| picks.iter().filter(|&&p| p == i).count();
        // b has 300 free: it takes 3 (300→0, ties broken by order), a and c one each.
        assert_eq!((count(0), count(1), count(2)), (1, 3, 1), "{picks:?}");
        assert!(place(&[], 3, 1).is_empty());
    }

    #[test]
    fn builder_rejects_bad_specs() {
        assert!(FleetSpec::builder("web", "t", "c")
            .name_pattern("same")
            .count(2)
            .build()
            .is_err());
        let e = FleetSpec::builder("web", "t", "c")
            .ip_pool(IpPool {
                start: Ipv4Addr::new(10, 0, 0, 1),
                prefix: 24,
                gateway: None,
            })
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), hermes_core::ErrorKind::InvalidInput);
        let ok = FleetSpec::builder("web", "t", "c")
            .count(3)
            .dns("lab", vec![])
            .ip_pool(IpPool {
                start: Ipv4Addr::new(10, 0, 0, 254),
                prefix: 23,
                gateway: None,
            })
            .build()
            .unwrap();
        assert_eq!(ok.names(), vec!["web-001", "web-002", "web-003"]);
        assert_eq!(
            ok.customization(2, "web-003").unwrap().ip.unwrap().address,
            Ipv4Addr::new(10, 0, 1, 0)
        );
    }
}
