//! RAID volumes of one server, the way an operator prepares a DL380 Gen10 before installing ESXi:
//! say which volumes a storage subsystem should have (`--volume RAID1:0,1:esxi-boot`), see the
//! plan (create / delete / keep), and, with `--apply`, make it so. Standard Redfish storage
//! (`--storage DE081000`: POST/DELETE on its Volumes collection) or an HPE Smart Array through
//! iLO 5's SmartStorageConfig (`--smart-array "Slot 2"`: drives by location `1I:3:1`, applied at
//! the next reboot). Everything is checked before anything is sent; a second run changes nothing.
//!
//! Without flags it plans against the local `sushy-ilo5` peer (the real iLO 5 v2.72 capture,
//! read-only): its RAID 1 boot mirror is already there, so the plan keeps it.
//!
//! ```text
//! raid_volumes [--url https://ilo-dl380-01.example --user admin --password-env ILO_PASSWORD [--session] --ca-file ca.crt]
//!     [--storage DE081000 | --smart-array "Slot 2"] --volume RAID1:0,1:esxi-boot [--exclusive] [--apply]
//! ```

use clap::Parser;
use hermes_core::{Configurable, Mode};
use hermes_ilo::smartstorage::SmartStorageVolumes;
use hermes_ilo::volumes::{RaidLevel, StorageVolumes, VolumeLayout, VolumeSpec};
use hermes_ilo::SystemSelector;

type BoxError = Box<dyn std::error::Error>;

/// `LEVEL:DRIVE,DRIVE…[:NAME]` → a volume; refused at parse time when the level is unknown or the
/// drive count does not fit it.
fn parse_volume(s: &str) -> Result<VolumeSpec, String> {
    let mut parts = s.splitn(3, ':');
    let level: RaidLevel = parts.next().unwrap_or_default().parse()?;
    let drives: Vec<&str> = parts
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    if drives.is_empty() {
        return Err("no drives: write LEVEL:DRIVE,DRIVE[:NAME], e.g. RAID1:0,1:esxi-boot".into());
    }
    level.check_drive_count(drives.len())?;
    let mut spec = VolumeSpec::new(level, drives);
    if let Some(name) = parts.next().filter(|n| !n.is_empty()) {
        spec = spec.name(name);
    }
    Ok(spec)
}

/// Smart Array drive locations (`1I:3:1`) hold `:`, which `--volume` uses as its separator: they
/// are written with `-` (`RAID1:1I-3-1,1I-3-2:esxi-boot`) and read back as `1I:3:1`.
fn smart_array_drives(spec: VolumeSpec) -> VolumeSpec {
    VolumeSpec {
        drives: spec.drives.iter().map(|d| d.replace('-', ":")).collect(),
        ..spec
    }
}

#[derive(Parser, Debug)]
#[command(
    about = "Plan and apply the RAID volumes of a server's storage (standard Redfish or HPE Smart Array)"
)]
struct Args {
    /// The BMC's base URL (default: the local sushy-ilo5 peer, the real iLO 5 capture).
    #[arg(long, default_value = "http://127.0.0.1:8002")]
    url: String,
    #[command(flatten)]
    login: hermes_examples::BmcLogin,
    /// The system's Id (default: the service's only system).
    #[arg(long)]
    system: Option<String>,
    /// The storage subsystem's Id or path, for standard Redfish volumes (default: DE081000, the
    /// Smart Array of the iLO 5 capture).
    #[arg(long, default_value = "DE081000", conflicts_with = "smart_array")]
    storage: String,
    /// Use iLO 5's SmartStorageConfig for the Smart Array at this location (`Slot 2`; default:
    /// not used). Drives are then locations written with `-` (`1I-3-1`).
    #[arg(long)]
    smart_array: Option<String>,
    /// A volume: LEVEL:DRIVE,DRIVE[:NAME] (`RAID1:0,1:esxi-boot`); repeatable (default: the
    /// capture's mirror, RAID1:0,1).
    #[arg(long = "volume", value_parser = parse_volume)]
    volumes: Vec<VolumeSpec>,
    /// Delete the volumes not listed (their data is lost).
    #[arg(long)]
    exclusive: bool,
    /// Apply the plan (default: only print it).
    #[arg(long)]
    apply: bool,
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    hermes_examples::init_logging();
    let args = Args::parse();
    let bmc = args.login.client(&args.url)?;
    let selector = match &args.system {
        Some(id) => SystemSelector::Id(id.clone()),
        None => SystemSelector::Only,
    };
    let system = bmc.find_system(&selector).await?;

    let mut volumes = args.volumes.clone();
    if volumes.is_empty() {
        volumes.push(VolumeSpec::new(RaidLevel::Raid1, ["0", "1"]));
    }
    let mode = if args.apply {
        Mode::Apply
    } else {
        Mode::DryRun
    };
    let report = match &args.smart_array {
        Some(location) => {
            let want = VolumeLayout {
                volumes: volumes.into_iter().map(smart_array_drives).collect(),
                exclusive: args.exclusive,
                facts: None,
            };
            println!("Smart Array at {location:?} of {}:", system.path());
            SmartStorageVolumes::new(system)
                .at_location(location.clone())
                .converge(&want, mode)
                .await?
        }
        None => {
            let want = VolumeLayout {
                volumes,
                exclusive: args.exclusive,
                facts: None,
            };
            println!("storage {} of {}:", args.storage, system.path());
            StorageVolumes::new(system, args.storage.clone())
                .converge(&want, mode)
                .await?
        }
    };
    print!("{}", report.plan);
    match report.applied {
        Some(applied) => {
            for line in &applied.output {
                println!("  {line}");
            }
            if applied.restart_required {
                println!("restart the server to finish");
            } else if report.verified {
                println!("read back: the storage has the layout");
            }
        }
        None if report.plan.has_changes() => println!("dry run: nothing sent (add --apply)"),
        None => println!("nothing to change"),
    }
    if args.login.session {
        bmc.logout().await?;
    }
    Ok(())
}
