//! Redfish inventory of any BMC (HPE iLO, Dell iDRAC, Lenovo XCC, Supermicro, the DMTF mockups...):
//! service root, managers, systems (CPUs, memory, NICs, storage and drives), chassis and firmware,
//! then, per system, what booting it from a virtual CD would use (device, insert method, boot target,
//! reset types), all discovered by following the service's links and allowable values. Read-only:
//! nothing is changed on the BMC. What the service links but cannot serve is listed as a gap.
//!
//! ```text
//! redfish_inventory --url https://ilo-dl380-01.example [--user admin --password-env ILO_PASSWORD]
//!     [--ca-file ca.crt | --pin-sha256 AB:CD:... | --insecure] [--json]
//! ```

use clap::Parser;
use hermes_ilo::Client;

type BoxError = Box<dyn std::error::Error>;

#[derive(Parser, Debug)]
#[command(
    about = "Read-only Redfish inventory of any BMC: managers, systems, chassis, firmware, the virtual-CD boot path"
)]
struct Args {
    /// The BMC's base URL (`https://host`, `http://127.0.0.1:8002`, or ending in `/redfish/v1`).
    #[arg(long)]
    url: String,
    /// Login user (basic auth, or a session with --session; default: none, for an open service).
    #[arg(long)]
    user: Option<String>,
    /// Environment variable holding the password.
    #[arg(long, default_value = "REDFISH_PASSWORD")]
    password_env: String,
    /// Log in with a Redfish session (X-Auth-Token) instead of basic auth.
    #[arg(long)]
    session: bool,
    /// Trust this CA (PEM) for the BMC's certificate (default: the web PKI roots).
    #[arg(long, conflicts_with_all = ["pin_sha256", "insecure"])]
    ca_file: Option<std::path::PathBuf>,
    /// Pin the BMC's certificate by its SHA-256 fingerprint (`AB:CD:...`; default: none).
    #[arg(long, conflicts_with = "insecure")]
    pin_sha256: Option<String>,
    /// Accept any certificate (lab only).
    #[arg(long)]
    insecure: bool,
    /// Print the inventory as JSON.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    hermes_examples::init_logging();
    let args = Args::parse();
    let mut builder = Client::builder(&args.url).name(args.url.clone());
    if let Some(user) = &args.user {
        let password = std::env::var(&args.password_env).map_err(|_| {
            format!(
                "set {} to the password of {user} on {}",
                args.password_env, args.url
            )
        })?;
        builder = if args.session {
            builder.session_auth(user, password)
        } else {
            builder.basic_auth(user, password)
        };
    }
    if let Some(ca) = &args.ca_file {
        builder = builder.ca_pem_file(ca)?;
    }
    if let Some(pin) = &args.pin_sha256 {
        builder = builder.pin_sha256(pin)?;
    }
    if args.insecure {
        builder = builder.danger_accept_invalid_certs();
    }
    let bmc = builder.build()?;

    let inventory = bmc.inventory().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&inventory)?);
    } else {
        print!("{inventory}");
    }
    if !args.json {
        println!("\nvirtual CD boot, per system (discovered, nothing sent):");
        for system in bmc.systems().await? {
            match system.discover_cd_boot().await {
                Ok(found) => println!("  {found}"),
                Err(e) => println!("  {}: {e}", system.path()),
            }
        }
    }
    if args.session {
        bmc.logout().await?;
    }
    Ok(())
}
