//! The hermes-core tour: read an Ansible inventory, fan out protocol health checks to the hosts in it with
//! a progress bar, run a command over SSH, then show plans the way `terraform plan` does: a config file
//! converged (dry run, apply, second run with no changes), a retention decision and the backup schedule.
//!
//! `cargo run -p hermes-examples --bin core_tour -- --inventory examples/inventory/local.yml`

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{FixedOffset, TimeZone, Utc};
use clap::Parser;
use hermes_core::exec::{Command, Exec, HostKeyPolicy, LocalExec, SshAuth, SshExec};
use hermes_core::kvfile::KeyValueFile;
use hermes_core::probe::{probe, Protocol};
use hermes_core::retention::{Dated, RetentionPolicy};
use hermes_core::{Configurable, FanOut, IndicatifProgress, Inventory, Mode, Schedule};

#[derive(Parser)]
#[command(about = "Tour of hermes-core against the local services")]
struct Args {
    /// Ansible inventory (YAML or INI).
    #[arg(long, default_value = "examples/inventory/local.yml")]
    inventory: PathBuf,
    /// Host pattern to check (Ansible syntax: `all`, `databases`, `databases:!redis`, `web:&dc1`).
    #[arg(long, default_value = "all")]
    limit: String,
    /// Concurrency of the health checks (at least 1).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    forks: u16,
    /// SSH client private key for the inventory's `lab-ssh` host (default: the sshd peer's,
    /// $HERMES_PEERS_DIR/sshd/client_ed25519).
    #[arg(long)]
    ssh_key: Option<PathBuf>,
    /// The SSH server's public host key to pin (default: the sshd peer's,
    /// $HERMES_PEERS_DIR/sshd/ssh_host_ed25519_key.pub).
    #[arg(long)]
    ssh_host_key: Option<PathBuf>,
}

struct Backup(chrono::DateTime<FixedOffset>);
impl Dated for Backup {
    fn id(&self) -> String {
        format!("backup-{}", self.0.format("%Y%m%d"))
    }
    fn time(&self) -> chrono::DateTime<FixedOffset> {
        self.0
    }
}

#[tokio::main]
async fn main() -> anyhow_like::Result {
    hermes_examples::init_logging();
    let args = Args::parse();
    std::env::set_var("HERMES_TOUR_RABBIT_PASSWORD", "guest");

    println!("── 1. inventory: {}", args.inventory.display());
    let inv = Inventory::from_path(&args.inventory)?;
    for g in inv.groups().filter(|g| !g.hosts.is_empty()) {
        println!(
            "   [{}] {}",
            g.name,
            g.hosts.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let hosts = inv.select(&args.limit)?;
    let rabbit = inv.host("rabbit-01");
    if let Some(h) = &rabbit {
        // Debug output of a host never shows its password.
        println!(
            "   rabbit-01 as Debug: user={:?} password={:?}",
            h.user(),
            h.var("ansible_password")
        );
    }

    println!(
        "\n── 2. health checks: {} hosts, {} at a time",
        hosts.len(),
        args.forks
    );
    let bar = Arc::new(IndicatifProgress::new("probe"));
    let targets: Vec<(String, (String, Protocol))> = hosts
        .iter()
        .map(|h| {
            let addr = format!("{}:{}", h.address(), h.port().unwrap_or(22));
            let proto: Protocol = h
                .var_str("probe")
                .unwrap_or("tcp")
                .parse()
                .unwrap_or(Protocol::Tcp);
            (h.name.clone(), (addr, proto))
        })
        .collect();
    let report = FanOut::new(usize::from(args.forks))
        .progress(bar)
        .run(targets, |(_, (addr, proto)), ctx| async move {
            ctx.step(format!("{proto} handshake with {addr}"));
            probe(&addr, proto, Duration::from_secs(5)).await
        })
        .await;
    for r in &report.results {
        match &r.outcome {
            hermes_core::fanout::Outcome::Ok(p) => {
                println!(
                    "   ✓ {:<11} {:<16} {:<9} {:>7.1?}  {}",
                    r.target,
                    p.addr,
                    p.protocol.to_string(),
                    p.elapsed,
                    p.detail
                )
            }
            hermes_core::fanout::Outcome::Failed(e) => println!("   ✗ {:<11} {e}", r.target),
            hermes_core::fanout::Outcome::Skipped(why) => {
                println!("   - {:<11} skipped: {why}", r.target)
            }
        }
    }
    print!("   {}", report.summary());

    println!("\n── 3. exec: the same command locally and over SSH");
    let local = LocalExec
        .run(&Command::new("uname").arg("-sr"))
        .await?
        .check()?;
    println!("   local          → {}", local.stdout_str().trim());
    if let Some(h) = inv.host("lab-ssh") {
        let peers = std::env::var("HERMES_PEERS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/hermes/peers")
            });
        let key = args
            .ssh_key
            .clone()
            .unwrap_or_else(|| peers.join("sshd/client_ed25519"));
        let host_key = args
            .ssh_host_key
            .clone()
            .unwrap_or_else(|| peers.join("sshd/ssh_host_ed25519_key.pub"));
        let ssh = SshExec::new(
            h.address(),
            h.port().unwrap_or(22),
            h.user().unwrap_or("root"),
            SshAuth::KeyFile {
                path: key,
                passphrase: None,
            },
        )
        .host_key(HostKeyPolicy::PublicKeyFile(host_key));
        match ssh
            .run(
                &Command::new("uname")
                    .arg("-sr")
                    .timeout(Duration::from_secs(10)),
            )
            .await
        {
            Ok(out) => println!("   {:<14} → {}", ssh.target(), out.stdout_str().trim()),
            Err(e) => println!("   {:<14} → {e}", ssh.target()),
        }
    }

    println!("\n── 4. plan / apply / verify a configuration file (Configurable)");
    let dir = std::env::temp_dir().join(format!("hermes-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("postgresql.auto.conf");
    std::fs::write(
        &path,
        "# managed by hermes\nmax_connections = 100\nwal_level = minimal\nfsync = off\n",
    )?;
    let conf = KeyValueFile::new(&path);
    let want: BTreeMap<String, String> = [
        ("max_connections", "200"),
        ("wal_level", "replica"),
        ("max_wal_senders", "10"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .into();
    let dry = conf.converge(&want, Mode::DryRun).await?;
    println!("   dry run (nothing written):");
    print!("{}", indent(&dry.plan.render()));
    let applied = conf.converge(&want, Mode::Apply).await?;
    println!(
        "   applied {} change(s); read back verified: {}",
        applied.applied.map(|a| a.applied).unwrap_or(0),
        applied.verified
    );
    let again = conf.converge(&want, Mode::DryRun).await?;
    print!("{}", indent(&again.plan.render()));
    std::fs::remove_dir_all(&dir)?;

    println!("\n── 5. retention (restic forget semantics): 60 nightly backups, keep daily=7,weekly=4,monthly=2");
    let policy: RetentionPolicy = "daily=7,weekly=4,monthly=2".parse()?;
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    let last = utc
        .with_ymd_and_hms(2026, 11, 25, 2, 0, 0)
        .single()
        .expect("valid date");
    let backups: Vec<Backup> = (0..60)
        .map(|i| Backup(last - chrono::Duration::days(i)))
        .collect();
    let decision = policy.apply(&backups);
    for (i, reasons) in &decision.keep {
        let why: Vec<String> = reasons.iter().map(|r| r.to_string()).collect();
        println!("   keep   {}  ({})", backups[*i].id(), why.join(", "));
    }
    println!("   forget {} older backups", decision.forget.len());

    println!("\n── 6. schedules: daily incremental and weekly full");
    for (what, expr) in [("incremental", "0 2 * * *"), ("full", "0 3 * * SUN")] {
        let s = Schedule::parse(expr, "Europe/Berlin")?;
        let next: Vec<String> = s
            .upcoming(&Utc::now(), 3)?
            .iter()
            .map(|t| t.format("%a %d %b %H:%M %Z").to_string())
            .collect();
        println!("   {what:<12} {s:<28} next: {}", next.join(" · "));
    }
    if !report.all_ok() {
        return Err("some health checks failed (see above): run scripts/peers.sh up".into());
    }
    println!("\ncore tour: done");
    Ok(())
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("   {l}\n")).collect()
}

/// `main`'s error type: any error, printed with its message.
mod anyhow_like {
    /// The result of `main`.
    pub type Result = std::result::Result<(), Box<dyn std::error::Error>>;
}
