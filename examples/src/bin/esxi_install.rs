//! esxi_install: install ESXi on many HPE servers through their iLO (Redfish), the way the proposal's
//! playbook does it, properly: per-host ISO with a kickstart, virtual media, one-time boot from CD,
//! power cycle, wait for the installed host, eject; resumable, idempotent, in parallel.
//!
//! With no flags it runs against the local sushy-tools emulator (`scripts/peers.sh up sushy`):
//! 8 simulated DL380s (dl380-01..08), a stand-in installer ISO (no licensed ESXi ISO here) rewritten
//! with xorriso for each host, served by the embedded file server which the emulator really downloads
//! from. The emulator has no installer, so "host answering" is checked against a real local service
//! (the OpenSSH peer's banner at 127.0.0.1:2222, standing in for each host's port 22).
//!
//! With `--inventory FILE [--limit PATTERN]` the servers come from an Ansible inventory instead: each
//! host's iLO address, credentials (secrets, `{{ lookup('env'|'file', ...) }}` resolved) and TLS trust
//! (`ilo_ca_file`, `ilo_pin_sha256`), and its kickstart settings, from host and group variables (see
//! `hermes_ilo::ansible` for the variable names).
//!
//!   cargo run -p hermes-examples --bin esxi_install -- [--fresh] [--bmc URL] [--count 8]
//!   cargo run -p hermes-examples --bin esxi_install -- --inventory hosts.yml --limit dl380 [--fresh]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use hermes_core::inventory::Inventory;
use hermes_core::{IndicatifProgress, Provisioner};
use hermes_ilo::fileserver::FileServer;
use hermes_ilo::install::{EsxiHost, EsxiInstaller, HostCheck, MediaSource, TcpCheck, Timeouts};
use hermes_ilo::kickstart::{KickstartSpec, RootPassword};
use hermes_ilo::{Client, SystemSelector};

#[derive(Parser, Debug)]
#[command(about = "Install ESXi on servers through iLO/Redfish virtual media")]
struct Args {
    /// The BMC (one Redfish service with many systems, like the emulator).
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    bmc: String,
    /// System name prefix and count: dl380-01 .. dl380-NN.
    #[arg(long, default_value = "dl380-")]
    prefix: String,
    /// How many servers (1-245: they get the addresses 10.0.10.11 and up).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=245))]
    count: u16,
    /// At most this many servers at once (at least 1).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,
    /// The ESXi installer ISO (default: a stand-in ISO built here with xorriso).
    #[arg(long)]
    base_iso: Option<PathBuf>,
    /// Use this ISO URL for every server instead of building per-host ISOs (default: none, per-host
    /// ISOs are built and served).
    #[arg(long)]
    iso_url: Option<String>,
    /// Where ISOs and state files go.
    #[arg(long, default_value = "/tmp/hermes-esxi-install")]
    work_dir: PathBuf,
    /// Where the embedded file server listens (the BMCs must reach it).
    #[arg(long, default_value = "127.0.0.1:8089")]
    serve: std::net::SocketAddr,
    /// "Host answering" check: TCP address whose banner must be SSH (default: the local sshd peer).
    #[arg(long, default_value = "127.0.0.1:2222")]
    answer_addr: String,
    /// Forget earlier runs' state and install again.
    #[arg(long)]
    fresh: bool,
    /// An Ansible inventory (YAML or INI) listing the servers, instead of --bmc/--prefix/--count
    /// (default: none).
    #[arg(long)]
    inventory: Option<PathBuf>,
    /// The inventory host pattern (`all`, `dl380`, `dl380:&dc1:!esxi-03`).
    #[arg(long, default_value = "all")]
    limit: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let iso_dir = args.work_dir.join("iso");
    let state_dir = args.work_dir.join("state");
    std::fs::create_dir_all(&iso_dir)?;

    // 1. The installer ISO every per-host ISO is made from.
    let media_for = |_: &str| -> Result<MediaSource, Box<dyn std::error::Error>> {
        Ok(match (&args.iso_url, &args.base_iso) {
            (Some(url), _) => MediaSource::Url(url.clone()),
            (None, Some(iso)) => MediaSource::Build {
                base_iso: iso.clone(),
            },
            (None, None) => MediaSource::Build {
                base_iso: args.work_dir.join("stand-in-installer.iso"),
            },
        })
    };
    if args.base_iso.is_none() && args.iso_url.is_none() {
        let p = args.work_dir.join("stand-in-installer.iso");
        if !p.exists() {
            hermes_ilo::iso::write_stand_in_installer(&p, "xorriso".as_ref()).await?;
        }
        println!("installer ISO: {} (a stand-in: no licensed ESXi ISO here; it is rewritten with xorriso like a real one)", p.display());
    }

    // 2. Serve the ISOs to the BMCs.
    let server = FileServer::bind(args.serve, &iso_dir).await?;
    let base_url = server.url_for("", None)?;
    println!("serving {} at {base_url}", iso_dir.display());

    // 3. The servers, and one Redfish client per BMC (the emulator hosts them all; a real estate has
    //    one iLO per server), with one kickstart each.
    let check: Arc<dyn HostCheck> = Arc::new(TcpCheck::ssh(&args.answer_addr));
    println!(
        "host answering = {} (the emulator runs no installer: a real local SSH server stands in for each installed host)",
        check.describe()
    );
    let hosts = match &args.inventory {
        Some(path) => hosts_from_inventory(path, &args.limit, &media_for, &check)?,
        None => hosts_from_flags(&args, &media_for, &check)?,
    };
    let installer = EsxiInstaller::new(&state_dir, &iso_dir)
        .iso_base_url(base_url)
        .timeouts(Timeouts {
            power: Duration::from_secs(60),
            answering: Duration::from_secs(120),
            poll: Duration::from_secs(1),
            ..Timeouts::default()
        });
    if args.fresh {
        for h in &hosts {
            installer.reset_state(&h.name).await?;
        }
        println!("--fresh: earlier state forgotten");
    }

    // 4. Plan: what would happen (nothing touched).
    let mut to_change = 0;
    for h in &hosts {
        let plan = installer.plan(h).await?;
        if plan.has_changes() {
            to_change += 1;
        }
    }
    println!("plan: {to_change} of {} servers need work", hosts.len());
    if let Some(h) = hosts.first() {
        print!("{}", installer.plan(h).await?.render());
    }

    // 5. Install, all servers at once (bounded), with a progress bar.
    let report = installer
        .install_all(
            hosts.clone(),
            usize::from(args.concurrency),
            Some(Arc::new(IndicatifProgress::new("esxi"))),
        )
        .await;
    println!("{}", report.summary());
    let mut changed = 0;
    for (name, host) in report.succeeded() {
        if host.changed() {
            changed += 1;
        }
        println!(
            "  {name}: {} | iso {} sha256 {} | answered: {}",
            if host.changed() {
                format!(
                    "ran {}",
                    host.steps_run
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" > ")
                )
            } else {
                "unchanged".into()
            },
            host.iso_url,
            host.iso_sha256.as_deref().map(|s| &s[..16]).unwrap_or("-"),
            host.answered
        );
    }

    // 6. Check the outcome: each BMC fetched its own ISO (on a run that inserted media).
    let served = server.served();
    for (name, host) in report.succeeded() {
        if host
            .steps_run
            .contains(&hermes_ilo::install::Step::MediaInserted)
        {
            let path = url::Url::parse(&host.iso_url)?.path().to_string();
            let n = served.get(&path).copied().unwrap_or(0);
            if n == 0 {
                return Err(format!("{name}: the BMC never fetched {path}").into());
            }
            println!("  {name}: BMC fetched {path} ({n} request(s))");
        }
    }
    if !report.all_ok() {
        return Err("some servers failed: re-run to resume them where they stopped".into());
    }
    if changed == 0 {
        println!("nothing changed: every server was already installed (idempotent re-run)");
    } else {
        println!("{changed} server(s) installed");
    }
    server.shutdown().await;
    Ok(())
}

type MediaFor<'a> = dyn Fn(&str) -> Result<MediaSource, Box<dyn std::error::Error>> + 'a;

/// dl380-01 .. dl380-NN on one BMC (the emulator), with generated kickstarts.
fn hosts_from_flags(
    args: &Args,
    media_for: &MediaFor<'_>,
    check: &Arc<dyn HostCheck>,
) -> Result<Vec<EsxiHost>, Box<dyn std::error::Error>> {
    let bmc = Client::builder(&args.bmc).name(args.bmc.clone()).build()?;
    let mut hosts = Vec::new();
    for i in 1..=args.count {
        let name = format!("{}{i:02}", args.prefix);
        let ks = KickstartSpec::builder(format!("esxi-{i:02}.lab.example"))
            .ip(format!("10.0.10.{}", 10 + i))
            .netmask("255.255.255.0")
            .gateway("10.0.10.1")
            .dns(["10.0.0.53"])
            .vlan(110)
            .ntp(["10.0.0.1"])
            .ssh(true)
            .root_password(RootPassword::plain(format!("Hermes-demo-{i:02}!")))
            .firstboot("esxcli system settings advanced set -o /UserVars/SuppressShellWarning -i 1")
            .build()?;
        hosts.push(EsxiHost {
            name: name.clone(),
            bmc: bmc.clone(),
            system: SystemSelector::Name(name.clone()),
            kickstart: ks,
            media: media_for(&name)?,
            answering: check.clone(),
        });
    }
    Ok(hosts)
}

/// The servers an Ansible inventory lists under `pattern`; servers on the same BMC share one client.
fn hosts_from_inventory(
    path: &std::path::Path,
    pattern: &str,
    media_for: &MediaFor<'_>,
    check: &Arc<dyn HostCheck>,
) -> Result<Vec<EsxiHost>, Box<dyn std::error::Error>> {
    let inv = Inventory::from_path(path)?;
    let servers = hermes_ilo::ansible::servers_from_inventory(&inv, pattern)?;
    println!(
        "inventory {}: pattern {pattern:?} selects {} server(s)",
        path.display(),
        servers.len()
    );
    let mut clients: HashMap<(String, Option<String>), Client> = HashMap::new();
    let mut hosts = Vec::new();
    for s in servers {
        let key = (s.bmc_url.clone(), s.bmc_user.clone());
        let bmc = match clients.get(&key) {
            Some(c) => c.clone(),
            None => {
                let c = s.client()?;
                clients.insert(key, c.clone());
                c
            }
        };
        println!(
            "  {}: BMC {} ({}), {}, installs {} ({})",
            s.name,
            s.bmc_url,
            s.bmc.tls_description(),
            s.system,
            s.kickstart.hostname(),
            s.kickstart.ip()
        );
        let media = match &s.iso_url {
            Some(url) => MediaSource::Url(url.clone()),
            None => media_for(&s.name)?,
        };
        hosts.push(EsxiHost {
            name: s.name.clone(),
            bmc,
            system: s.system.clone(),
            kickstart: s.kickstart.clone(),
            media,
            answering: check.clone(),
        });
    }
    Ok(hosts)
}
