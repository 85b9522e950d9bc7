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

type BoxError = Box<dyn std::error::Error>;

#[derive(Parser, Debug)]
#[command(
    about = "Read-only Redfish inventory of any BMC: managers, systems, chassis, firmware, the virtual-CD boot path"
)]
struct Args {
    /// The BMC's base URL (`https://host`, `http://127.0.0.1:8002`, or ending in `/redfish/v1`).
    #[arg(long)]
    url: String,
    #[command(flatten)]
    login: hermes_examples::BmcLogin,
    /// Print the inventory as JSON.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    hermes_examples::init_logging();
    let args = Args::parse();
    let bmc = args.login.client(&args.url)?;

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
    if args.login.session {
        bmc.logout().await?;
    }
    Ok(())
}
