//! Deploy a fleet of VMs from a template across a cluster's hosts and datastores, with bounded
//! concurrency and a progress bar; a re-run is a no-op; `--teardown` removes exactly what was created.
//!
//! Without flags it runs against the local vcsim started by `scripts/peers.sh up vcsim`:
//!
//! ```text
//! cargo run -p hermes-examples --bin deploy_vms -- --count 200
//! cargo run -p hermes-examples --bin deploy_vms -- --count 200          # again: nothing to do
//! cargo run -p hermes-examples --bin deploy_vms -- --count 200 --teardown
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use hermes_core::{IndicatifProgress, Provisioner};
use hermes_vsphere::fleet::{FleetSpec, IpPool, VmFleet, VmOutcome};
use hermes_vsphere::{Client, Tls};

#[derive(Parser, Debug)]
#[command(about = "Deploy VMs from a template on vSphere (default: the local vcsim)")]
struct Args {
    /// vCenter/ESXi SDK URL (default: the local vcsim from scripts/peers.env).
    #[arg(long, env = "HERMES_VSPHERE_URL")]
    url: Option<String>,
    /// User name (default: the local vcsim's, hermes).
    #[arg(long, env = "HERMES_VSPHERE_USER")]
    user: Option<String>,
    /// File holding the password (default: the local vcsim's, $HERMES_PEERS_DIR/vcsim/password).
    #[arg(long, env = "HERMES_VSPHERE_PASSWORD_FILE")]
    password_file: Option<PathBuf>,
    /// CA certificate (PEM) to verify the server with (default: the local vcsim's,
    /// $HERMES_PEERS_DIR/vcsim/ca.pem).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Pin the server certificate's SHA-1/SHA-256 thumbprint instead of a CA (default: none, the CA
    /// is used).
    #[arg(long, conflicts_with = "ca")]
    thumbprint: Option<String>,
    /// The fleet's name (VMs are marked with it).
    #[arg(long, default_value = "web")]
    name: String,
    /// How many VMs.
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// Name pattern; {n:03} is the VM number (default: NAME-{n:03}, e.g. web-001).
    #[arg(long)]
    pattern: Option<String>,
    /// The template (inventory path or name).
    #[arg(long, default_value = "/DC0/vm/tmpl-linux")]
    template: String,
    /// The cluster (inventory path).
    #[arg(long, default_value = "/DC0/host/DC0_C0")]
    cluster: String,
    /// vCPUs per VM (at least 1).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(1..))]
    cpus: i32,
    /// Memory per VM in MiB (at least 4).
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(i64).range(4..))]
    memory_mb: i64,
    /// First static IP of the pool (customization), e.g. 10.0.10.1.
    #[arg(long, default_value = "10.0.10.1")]
    ip_start: std::net::Ipv4Addr,
    /// Port group (standard or distributed) for the VMs' first NIC (default: the template's).
    #[arg(long)]
    network: Option<String>,
    /// Datastores to spread the VMs over, by name (default: every datastore of the cluster).
    #[arg(long, value_delimiter = ',')]
    datastores: Vec<String>,
    /// VMs worked on at once (at least 1).
    #[arg(long, default_value_t = hermes_vsphere::fleet::DEFAULT_CONCURRENCY as u16,
        value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// After power-on, wait up to this many seconds for each VM's guest IP (VMware Tools) and
    /// report it per VM (default: no wait).
    #[arg(long)]
    wait_for_ip: Option<u64>,
    /// Only show the plan.
    #[arg(long)]
    dry_run: bool,
    /// Remove the fleet's VMs instead.
    #[arg(long)]
    teardown: bool,
}

fn local_peer(key: &str) -> Option<String> {
    // The local default: scripts/peers.env resolved by the harness layout.
    let dir = std::env::var("HERMES_PEERS_DIR").unwrap_or_else(|_| {
        format!(
            "{}/.cache/hermes/peers",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    match key {
        "url" => Some("https://127.0.0.1:8989/sdk".into()),
        "user" => Some("hermes".into()),
        "password_file" => Some(format!("{dir}/vcsim/password")),
        "ca" => Some(format!("{dir}/vcsim/ca.pem")),
        _ => None,
    }
}

#[tokio::main]
async fn main() -> hermes_core::Result<()> {
    hermes_examples::init_logging();
    let args = Args::parse();
    let url = args
        .url
        .clone()
        .or_else(|| local_peer("url"))
        .unwrap_or_default();
    let user = args
        .user
        .clone()
        .or_else(|| local_peer("user"))
        .unwrap_or_default();
    let pw_file = args
        .password_file
        .clone()
        .or_else(|| local_peer("password_file").map(PathBuf::from))
        .unwrap_or_default();
    let password = std::fs::read_to_string(&pw_file)
        .map_err(|e| hermes_core::Error::io(&pw_file, "read the password file", e))?;
    let tls = match (&args.thumbprint, &args.ca) {
        (Some(t), _) => Tls::Thumbprint(t.clone()),
        (None, Some(ca)) => {
            Tls::CaPem(std::fs::read(ca).map_err(|e| hermes_core::Error::io(ca, "read the CA", e))?)
        }
        (None, None) => {
            let ca = PathBuf::from(local_peer("ca").unwrap_or_default());
            Tls::CaPem(std::fs::read(&ca).map_err(|e| {
                hermes_core::Error::io(
                    &ca,
                    "read the CA (run scripts/peers.sh up vcsim, or pass --ca)",
                    e,
                )
            })?)
        }
    };

    println!("connecting to {url} as {user}");
    let client = Client::builder(&url)
        .credentials(&user, password.trim())
        .tls(tls)
        .connect()
        .await?;
    println!("  {}", client.about());

    let mut spec = FleetSpec::builder(&args.name, &args.template, &args.cluster)
        .count(args.count)
        .cpus(args.cpus)
        .memory_mb(args.memory_mb)
        .dns(
            "lab.hermes.local",
            vec!["10.0.0.2".parse().expect("literal")],
        )
        .ip_pool(IpPool {
            start: args.ip_start,
            prefix: 24,
            gateway: None,
        })
        .datastores(args.datastores.clone())
        .concurrency(usize::from(args.concurrency));
    if let Some(n) = &args.network {
        spec = spec.network(n);
    }
    if let Some(p) = &args.pattern {
        spec = spec.name_pattern(p);
    }
    if let Some(secs) = args.wait_for_ip {
        spec = spec.wait_for_ip(std::time::Duration::from_secs(secs));
    }
    let spec = spec.build()?;

    let progress = Arc::new(IndicatifProgress::new(if args.teardown {
        "teardown"
    } else {
        "deploy"
    }));
    let fleet = VmFleet::new(client.clone()).with_progress(progress);

    if args.teardown {
        println!(
            "tearing down fleet {:?} (only VMs marked hermes.fleet={})",
            args.name, args.name
        );
        let report = fleet.teardown(&spec).await?;
        println!("{}", report.summary());
        client.logout().await?;
        return finish(&report);
    }

    println!(
        "planning fleet {:?}: {} VMs from {} in {}",
        args.name, args.count, args.template, args.cluster
    );
    let plan = fleet.plan(&spec).await?;
    let s = plan.summary();
    if plan.has_changes() {
        // Show the first few changes, then the totals.
        let mut shown = plan.clone();
        shown
            .changes
            .retain(|c| c.action != hermes_core::Action::Keep);
        shown.changes.truncate(5);
        println!("{}", shown.render());
    }
    println!("plan: {s}");
    if args.dry_run || !plan.has_changes() {
        println!(
            "{}",
            if plan.has_changes() {
                "dry run: nothing changed"
            } else {
                "nothing to do: the fleet matches the spec"
            }
        );
        client.logout().await?;
        return Ok(());
    }
    let report = fleet.apply(&spec).await?;
    println!("{}", report.summary());
    let placed = client
        .retrieve_view("VirtualMachine", &["name", "runtime.host"])
        .await?
        .into_iter()
        .filter(|o| {
            o.text("name")
                .is_some_and(|n| spec.names().iter().any(|w| w == n))
        })
        .count();
    println!("{placed} VMs of fleet {:?} now in the inventory", args.name);
    client.logout().await?;
    finish(&report)
}

fn finish(report: &hermes_vsphere::fleet::FleetReport) -> hermes_core::Result<()> {
    if !report.guest_ips.is_empty() {
        println!("  guest IPs:");
        for (vm, ip) in &report.guest_ips {
            println!(
                "    {vm:<16} {}",
                ip.as_deref().unwrap_or("(none reported)")
            );
        }
    }
    let failed: Vec<_> = report.failures().collect();
    for (vm, err) in &failed {
        println!("  FAILED {vm}: {err}");
    }
    if failed.is_empty() {
        Ok(())
    } else {
        let maybe = report
            .vms
            .values()
            .filter(|o| {
                matches!(
                    o,
                    VmOutcome::Failed {
                        maybe_applied: true,
                        ..
                    }
                )
            })
            .count();
        Err(hermes_core::Error::new(
            hermes_core::ErrorKind::Transport,
            format!(
                "{} VM(s) failed ({maybe} may have been created); run again to resume",
                failed.len()
            ),
        ))
    }
}
