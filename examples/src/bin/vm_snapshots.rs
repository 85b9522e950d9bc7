//! Scheduled VM snapshots with a version history and a retention purge, then a look at the tree,
//! a revert and a subtree removal.
//!
//! A cron schedule (`0 2 * * *` by default) is replayed over the last `--days` days: each scheduled run
//! snapshots every VM (named after its scheduled instant) and purges what the retention policy
//! (`--keep`, restic-style) no longer keeps. Without `--vms` it works on a small fleet `snapdemo` that it
//! deploys on the local vcsim (started by `scripts/peers.sh up vcsim`) and removes at the end.
//!
//! ```text
//! cargo run -p hermes-examples --bin vm_snapshots -- --days 21 --keep last=2,daily=3,weekly=2
//! ```

use std::path::PathBuf;

use chrono::{Timelike, Utc};
use clap::Parser;
use hermes_core::retention::RetentionPolicy;
use hermes_core::schedule::Schedule;
use hermes_core::FanOut;
use hermes_vsphere::fleet::{FleetSpec, VmFleet};
use hermes_vsphere::snapshot::SnapshotPolicy;
use hermes_vsphere::{Client, Tls};

#[derive(Parser, Debug)]
#[command(about = "Scheduled VM snapshots with retention (default: the local vcsim)")]
struct Args {
    /// SDK URL.
    #[arg(long, default_value = "https://127.0.0.1:8989/sdk")]
    url: String,
    /// User name.
    #[arg(long, default_value = "hermes")]
    user: String,
    /// Password file (default: the local vcsim's, $HERMES_PEERS_DIR/vcsim/password).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// CA certificate (PEM) to verify the server with (default: the local vcsim's,
    /// $HERMES_PEERS_DIR/vcsim/ca.pem).
    #[arg(long)]
    ca: Option<PathBuf>,
    /// VMs by name, comma-separated (default: a demo fleet of 3, `snapdemo`, deployed and removed
    /// at the end).
    #[arg(long, value_delimiter = ',')]
    vms: Vec<String>,
    /// Cron schedule of the snapshots (in --tz).
    #[arg(long, default_value = "0 2 * * *", value_parser = hermes_examples::cron_expr)]
    schedule: String,
    /// Time zone of the schedule (IANA name).
    #[arg(long, default_value = "Europe/Berlin", value_parser = hermes_examples::time_zone)]
    tz: String,
    /// Replay the schedule over this many past days (1-3650).
    #[arg(long, default_value_t = 21, value_parser = clap::value_parser!(i64).range(1..=3650))]
    days: i64,
    /// Retention policy (restic-style: last, hourly, daily, weekly, monthly, yearly, within).
    #[arg(long, default_value = "last=2,daily=3,weekly=2")]
    keep: RetentionPolicy,
}

fn peers_dir() -> String {
    std::env::var("HERMES_PEERS_DIR").unwrap_or_else(|_| {
        format!(
            "{}/.cache/hermes/peers",
            std::env::var("HOME").unwrap_or_default()
        )
    })
}

#[tokio::main]
async fn main() -> hermes_core::Result<()> {
    hermes_examples::init_logging();
    let args = Args::parse();
    let pw = args
        .password_file
        .clone()
        .unwrap_or_else(|| format!("{}/vcsim/password", peers_dir()).into());
    let ca = args
        .ca
        .clone()
        .unwrap_or_else(|| format!("{}/vcsim/ca.pem", peers_dir()).into());
    let password = std::fs::read_to_string(&pw)
        .map_err(|e| hermes_core::Error::io(&pw, "read the password file", e))?;
    let ca_pem = std::fs::read(&ca).map_err(|e| hermes_core::Error::io(&ca, "read the CA", e))?;
    let client = Client::builder(&args.url)
        .credentials(&args.user, password.trim())
        .tls(Tls::CaPem(ca_pem))
        .connect()
        .await?;
    println!("connected to {} ({})", args.url, client.about());

    // The VMs: given, or a demo fleet of 3.
    let demo = FleetSpec::builder("snapdemo", "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0")
        .count(3)
        .build()?;
    let names = if args.vms.is_empty() {
        println!("deploying demo fleet snapdemo (3 VMs)");
        let r = VmFleet::new(client.clone()).apply(&demo).await?;
        println!("  {}", r.summary());
        demo.names()
    } else {
        args.vms.clone()
    };
    let mut vms = Vec::new();
    for n in &names {
        vms.push((n.clone(), client.resolve("VirtualMachine", n).await?));
    }

    // Replay the schedule over the past days.
    let schedule = Schedule::parse(&args.schedule, &args.tz)?;
    // Whole seconds, so scheduled instants (and snapshot names) are whole minutes.
    let now = Utc::now()
        .with_nanosecond(0)
        .expect("0 is a valid nanosecond");
    let runs = schedule.missed_between(&(now - chrono::Duration::days(args.days)), &now, 10_000)?;
    let policy = SnapshotPolicy::new("hermes-", args.keep.clone());
    println!(
        "replaying {:?} ({}) over {} days: {} scheduled runs x {} VMs, retention {}",
        args.schedule,
        args.tz,
        args.days,
        runs.len(),
        vms.len(),
        args.keep
    );
    for at in &runs {
        let at = at.fixed_offset();
        let c = client.clone();
        let p = policy.clone();
        let report = FanOut::new(8)
            .run(vms.clone(), move |(_, vm), _| {
                let (c, p) = (c.clone(), p.clone());
                async move { Ok(p.run(&c, &vm, at).await?) }
            })
            .await;
        let removed: usize = report.succeeded().map(|(_, r)| r.removed.len()).sum();
        println!(
            "  {at}: snapshot taken on {} VMs, {removed} purged",
            report.succeeded().count()
        );
        report.into_result()?;
    }

    // The version history of the first VM, with why each snapshot is kept.
    let (first_name, first) = &vms[0];
    let (_, kept) = policy.purge(&client, first).await?;
    println!("\n{first_name}: kept snapshots and why");
    for k in &kept {
        println!("  {k}");
    }
    println!("\n{first_name}: snapshot tree");
    print!("{}", indent(&client.snapshots(first).await?.render()));

    // A manual snapshot pair, a revert, and removing the subtree.
    let before = client
        .create_snapshot(first, "before-upgrade", "manual", false, false)
        .await?;
    client
        .create_snapshot(first, "after-upgrade", "manual", false, false)
        .await?;
    client.revert_snapshot(&before).await?;
    println!("\n{first_name}: after 'before-upgrade' + 'after-upgrade' and a revert to 'before-upgrade' (*)");
    print!("{}", indent(&client.snapshots(first).await?.render()));
    client.remove_snapshot(&before, true).await?;
    let tree = client.snapshots(first).await?;
    assert!(tree.find("after-upgrade").is_none(), "the subtree is gone");
    println!("\n{first_name}: after removing the 'before-upgrade' subtree");
    print!("{}", indent(&tree.render()));

    if args.vms.is_empty() {
        let r = VmFleet::new(client.clone()).teardown(&demo).await?;
        println!("\nremoved the demo fleet: {}", r.summary());
    }
    client.logout().await?;
    Ok(())
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}
