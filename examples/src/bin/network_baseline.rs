//! Network baseline: plan, show the diff, apply and verify the proposal's baseline on a Nexus (NX-OS),
//! a Catalyst (IOS) and a FortiGate, then converge again to show that a second run applies nothing.
//!
//! Baseline: VLANs 10/20/30, an LACP port-channel towards two ESXi hosts, the VLAN 10 gateway with VRRP
//! (NX-OS) and HSRP (IOS), a management ACL, a default route and NTP; on the FortiGate a LAN VLAN
//! interface, addresses and groups, a custom service, a site-to-site IPsec tunnel and an ordered
//! policy set.
//!
//! ```text
//! network_baseline --n3k 127.0.0.1:6100 --c3750 127.0.0.1:6101 --fgt 127.0.0.1:6102 \
//!     --user hermes --password-env FAKENOS_PASSWORD --enable-env FAKENOS_ENABLE_SECRET \
//!     --host-key-fp-file ~/.cache/hermes/peers/fakenos/host_key.fp \
//!     --backup-dir /var/backups/network
//! ```
//!
//! With `--backup-dir`, the running configurations are then backed up into that artifact store
//! (versioned per device; an unchanged configuration is not stored again), and each device's change
//! since its previous version is shown as a hierarchical diff.
//!
//! Last, the running firmware of each device is read (`show version` / `get system status`),
//! checked against a firmware policy, and an upgrade plan is printed for each device that is behind
//! (nothing is sent for it: the plan is what an operator reviews before the maintenance window).

use std::net::Ipv4Addr;
use std::time::Duration;

use clap::Parser;
use hermes_core::{plan::RenderOptions, Configurable, Mode};
use hermes_netdev::baseline;
use hermes_netdev::cisco::Dialect;
use hermes_netdev::cli::{CliTarget, Platform};
use hermes_netdev::device::{CiscoDevice, FortiDevice};

type BoxError = Box<dyn std::error::Error>;

#[derive(Parser, Debug)]
#[command(
    about = "Plan, diff, apply and verify the network baseline on an NX-OS switch, an IOS switch and a FortiGate (default: the local FakeNOS devices)"
)]
struct Args {
    /// NX-OS switch (host:port).
    #[arg(long, default_value = "127.0.0.1:6100")]
    n3k: String,
    /// IOS switch (host:port).
    #[arg(long, default_value = "127.0.0.1:6101")]
    c3750: String,
    /// FortiGate (host:port).
    #[arg(long, default_value = "127.0.0.1:6102")]
    fgt: String,
    /// Login user.
    #[arg(long, default_value = "hermes")]
    user: String,
    /// Environment variable holding the login password.
    #[arg(long, default_value = "FAKENOS_PASSWORD")]
    password_env: String,
    /// Environment variable holding the IOS enable secret.
    #[arg(long, default_value = "FAKENOS_ENABLE_SECRET")]
    enable_env: String,
    /// File holding the devices' SSH host key fingerprint (`SHA256:...`; required: the FakeNOS
    /// peer's is $HERMES_PEERS_DIR/fakenos/host_key.fp).
    #[arg(long)]
    host_key_fp_file: std::path::PathBuf,
    /// Only show the plan.
    #[arg(long)]
    dry_run: bool,
    /// Back up the running configurations into this directory (a local artifact store; default: no
    /// backup).
    #[arg(long)]
    backup_dir: Option<std::path::PathBuf>,
}

fn target(args: &Args, name: &str, addr: &str, platform: Platform) -> Result<CliTarget, BoxError> {
    let password = std::env::var(&args.password_env)
        .map_err(|_| format!("set {} to the devices' password", args.password_env))?;
    let fp = std::fs::read_to_string(&args.host_key_fp_file)
        .map_err(|e| format!("{}: {e}", args.host_key_fp_file.display()))?;
    let mut t = CliTarget::new(name, addr, platform)
        .credentials(&args.user, password)
        .host_key_fingerprint(fp.trim())
        .command_timeout(Duration::from_secs(30));
    if let Ok(secret) = std::env::var(&args.enable_env) {
        t = t.enable_secret(secret);
    }
    Ok(t)
}

async fn converge<D: Configurable>(
    dev: &D,
    want: &D::Model,
    dry_run: bool,
) -> Result<(), BoxError> {
    let show = RenderOptions {
        show_commands: true,
        ..RenderOptions::default()
    };
    // 1. Plan: validate the baseline, read the running configuration and diff (nothing is sent).
    let plan = dev.plan(want).await?;
    print!("{}", plan.render_with(show));
    if dry_run {
        return Ok(());
    }
    // 2. Apply and verify: converge applies the plan, reads back and checks no diff is left.
    let report = dev.converge(want, Mode::Apply).await?;
    let applied = report.applied.as_ref().map_or(0, |a| a.applied);
    println!(
        "  applied {applied} change(s); read-back matches the baseline: {}",
        report.verified
    );
    if !report.verified {
        return Err(format!("{}: the read-back differs from the baseline", dev.target()).into());
    }
    // 3. A second run applies nothing.
    let again = dev.converge(want, Mode::Apply).await?;
    if again.plan.has_changes() {
        return Err(format!(
            "{}: second run still has changes:\n{}",
            dev.target(),
            again.plan
        )
        .into());
    }
    println!("  second run: nothing to apply ({}).", again.plan.summary());
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    hermes_examples::init_logging();
    let args = Args::parse();

    println!("== n3k (NX-OS): VLANs, LACP port-channel to esxi-01/02, VRRP gateway, ACL");
    let n3k = CiscoDevice::new(target(&args, "n3k", &args.n3k, Platform::NxOs)?);
    let want = baseline::switch(
        Dialect::NxOs,
        "n3k",
        ["Ethernet1/1", "Ethernet1/2"],
        Ipv4Addr::new(10, 0, 10, 2),
        110,
    );
    converge(&n3k, &want, args.dry_run).await?;

    println!("\n== c3750 (IOS): VLANs, LACP port-channel to esxi-01/02, HSRP gateway, ACL");
    let c3750 = CiscoDevice::new(target(&args, "c3750", &args.c3750, Platform::Ios)?);
    let want = baseline::switch(
        Dialect::Ios,
        "c3750",
        ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2"],
        Ipv4Addr::new(10, 0, 10, 3),
        100,
    );
    converge(&c3750, &want, args.dry_run).await?;

    println!(
        "\n== fgt (FortiOS): addresses, service, IPsec tunnel to the remote site, ordered policies"
    );
    let fgt = FortiDevice::new(target(&args, "fgt", &args.fgt, Platform::FortiOs)?);
    converge(&fgt, &baseline::firewall(), args.dry_run).await?;

    // Fleet compliance: read and diff every device against its baseline (nothing is sent).
    let mut report = hermes_netdev::fleet::DriftReport::default();
    report
        .check(
            &n3k,
            &baseline::switch(
                Dialect::NxOs,
                "n3k",
                ["Ethernet1/1", "Ethernet1/2"],
                Ipv4Addr::new(10, 0, 10, 2),
                110,
            ),
        )
        .await;
    report
        .check(
            &c3750,
            &baseline::switch(
                Dialect::Ios,
                "c3750",
                ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2"],
                Ipv4Addr::new(10, 0, 10, 3),
                100,
            ),
        )
        .await;
    report.check(&fgt, &baseline::firewall()).await;
    println!("\n== fleet compliance\n{report}");
    if !args.dry_run && !report.all_compliant() {
        return Err("the fleet drifted from its baseline".into());
    }
    if let Some(dir) = &args.backup_dir {
        backup(dir, &n3k, &c3750, &fgt).await?;
    }
    firmware(&args).await?;
    println!("\nbaseline applied and verified on n3k, c3750 and fgt");
    Ok(())
}

/// Backs up the three devices' running configurations and shows what changed since each one's
/// previous version.
async fn backup(
    dir: &std::path::Path,
    n3k: &CiscoDevice,
    c3750: &CiscoDevice,
    fgt: &FortiDevice,
) -> Result<(), BoxError> {
    use hermes_netdev::backup::{ConfigBackups, ConfigSource};
    println!("\n== configuration backups in {}", dir.display());
    let backups = ConfigBackups::new(hermes_core::LocalStore::new(dir)?, "configs");
    let fleet: [&dyn ConfigSource; 3] = [n3k, c3750, fgt];
    let report = backups.backup_fleet(&fleet).await;
    println!("{report}");
    for (device, stored) in &report.stored {
        let versions = backups.versions(device).await?;
        if stored.is_new() && versions.len() >= 2 {
            let diff = backups
                .diff(&versions[versions.len() - 2], stored.version())
                .await?;
            println!(
                "  {device}: changes since {}:",
                versions[versions.len() - 2]
                    .taken
                    .format("%Y-%m-%d %H:%M:%S")
            );
            for line in diff.to_string().lines() {
                println!("    {line}");
            }
        }
    }
    if !report.all_ok() {
        return Err("some devices could not be backed up".into());
    }
    Ok(())
}

/// Reads each device's running version over SSH, checks it against a firmware policy and prints the
/// upgrade plan of each device that is behind (read-only: the plan is printed, not run).
async fn firmware(args: &Args) -> Result<(), BoxError> {
    use chrono::{Duration as Span, Timelike, Utc};
    use hermes_netdev::cli::CliSession;
    use hermes_netdev::firmware::{
        compliance, plan_upgrade, Compliance, FirmwarePolicy, FirmwareStatus, FirmwareTarget,
        ImageServer, MaintenanceWindow, Transfer,
    };
    println!("\n== firmware compliance");
    let mut fleet = Vec::new();
    for (name, addr, platform) in [
        ("n3k", &args.n3k, Platform::NxOs),
        ("c3750", &args.c3750, Platform::Ios),
        ("fgt", &args.fgt, Platform::FortiOs),
    ] {
        let mut session = CliSession::open(&target(args, name, addr, platform)?).await?;
        fleet.push(FirmwareStatus::read(&mut session, platform).await?);
    }
    // Tonight's window: 02:00-04:00 UTC on the next day.
    let now = Utc::now();
    let start = (now + Span::days(1))
        .with_hour(2)
        .and_then(|t| t.with_minute(0))
        .ok_or("no 02:00 tomorrow")?;
    let policy = FirmwarePolicy::builder()
        .target(
            FirmwareTarget::new(Platform::NxOs, "C3064PQ", "9.3(10)", "nxos.9.3.10.bin")
                .md5("d1a2e5b4c3f60718293a4b5c6d7e8f90"),
        )
        .target(
            FirmwareTarget::new(
                Platform::Ios,
                "WS-C3750*",
                "15.0(2)SE11",
                "c3750-ipservicesk9-mz.150-2.SE11.bin",
            )
            .md5("0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        )
        .target(FirmwareTarget::new(
            Platform::FortiOs,
            "FortiGate-60F",
            "v7.2.5,build1517",
            "FGT_60F-v7.2.5.F-build1517-FORTINET.out",
        ))
        .image_server(
            ImageServer::new(Transfer::Scp, "192.0.2.10", "/images")
                .user("firmware")
                .vrf("management"),
        )
        .window(MaintenanceWindow::new(start.fixed_offset(), Span::hours(2)))
        .build()?;
    let report = compliance(&policy, &fleet);
    print!("{report}");
    for (status, entry) in fleet.iter().zip(&report.entries) {
        if entry.state == Compliance::UpgradeNeeded {
            println!("\nupgrade plan (printed, not run):");
            print!("{}", plan_upgrade(&policy, status, now)?);
        }
    }
    Ok(())
}
