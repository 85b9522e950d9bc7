//! Against the real HPE iLO 5 capture (`shared/data/redfish/hpe-ilo5`, Redfish Mockup Creator 1.2.0,
//! iLO 5 v2.72 on a ProLiant DL385 Gen10 Plus v2): on disk, and served by sushy-static (peer
//! `sushy-ilo5`). The same code paths as against sushy-emulator: nothing iLO-specific is hard-coded.

mod common;

use std::path::Path;

use hermes_core::{Configurable, Mode};
use hermes_ilo::bios::{BiosAttributes, BiosSettings};
use hermes_ilo::models::{
    parse, Bios, Collection, ComputerSystem, EthernetInterface, Manager, PowerState, SecureBoot,
    ServiceRoot, SessionService, SoftwareInventory, VirtualMedia,
};
use hermes_ilo::system::MediaChange;
use hermes_ilo::SystemSelector;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Object(x), Value::Object(y)) => {
            x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

/// Parses `raw` as `T` and checks that every field at `pointers` that the raw JSON has survives the
/// typed model (re-serialised). Returns how many fields were compared.
fn check<T: DeserializeOwned + Serialize>(path: &str, raw: &Value, pointers: &[&str]) -> usize {
    let bytes = serde_json::to_vec(raw).unwrap();
    let typed: T = parse("ilo5", path, &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    let mut n = 0;
    for p in pointers {
        if let Some(want) = raw.pointer(p) {
            if want.is_null() {
                continue;
            }
            let got = back.pointer(p).unwrap_or(&Value::Null);
            assert!(same(want, got), "{path}{p}: raw {want} but typed {got}");
            n += 1;
        }
    }
    n
}

/// Checks one resource by its `@odata.type`; returns (typed?, fields compared).
fn check_resource(path: &str, raw: &Value) -> (bool, usize) {
    let ty = raw
        .get("@odata.type")
        .and_then(|t| t.as_str())
        .unwrap_or("");
    let kind = ty.trim_start_matches('#').split('.').next().unwrap_or("");
    let n = match kind {
        "ComputerSystem" => check::<ComputerSystem>(
            path,
            raw,
            &[
                "/@odata.id",
                "/Id",
                "/Name",
                "/UUID",
                "/Manufacturer",
                "/Model",
                "/SerialNumber",
                "/SKU",
                "/BiosVersion",
                "/PowerState",
                "/HostName",
                "/Status",
                "/Boot/BootSourceOverrideEnabled",
                "/Boot/BootSourceOverrideTarget",
                "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues",
                "/Boot/BootSourceOverrideMode",
                "/Boot/UefiTargetBootSourceOverride",
                "/Boot/BootOrder",
                "/Boot/BootOptions",
                "/ProcessorSummary/Count",
                "/ProcessorSummary/Model",
                "/ProcessorSummary/LogicalProcessorCount",
                "/MemorySummary/TotalSystemMemoryGiB",
                "/MemorySummary/TotalSystemPersistentMemoryGiB",
                "/Bios",
                "/SecureBoot",
                "/EthernetInterfaces",
                "/VirtualMedia",
                "/Links/ManagedBy",
                "/Links/Chassis",
                "/Actions/#ComputerSystem.Reset/target",
                "/Actions/#ComputerSystem.Reset/ResetType@Redfish.AllowableValues",
                "/Oem/Hpe/PostState",
                "/Oem/Hpe/PowerRegulatorMode",
                "/Oem/Hpe/PowerAutoOn",
                "/Oem/Hpe/CurrentPowerOnTimeSeconds",
                "/Oem/Hpe/IntelligentProvisioningVersion",
                "/Oem/Hpe/ServerFQDN",
                "/Oem/Hpe/AggregateHealthStatus/AggregateServerHealth",
                "/Oem/Hpe/Bios/Current/VersionString",
                "/Oem/Hpe/Bios/Backup/VersionString",
            ],
        ),
        "Manager" => check::<Manager>(
            path,
            raw,
            &[
                "/@odata.id",
                "/Id",
                "/Name",
                "/Model",
                "/ManagerType",
                "/FirmwareVersion",
                "/UUID",
                "/Status",
                "/VirtualMedia",
                "/EthernetInterfaces",
                "/Links/ManagerForServers",
                "/Oem/Hpe/Firmware/Current/VersionString",
                "/Oem/Hpe/Firmware/Current/Date",
                "/Oem/Hpe/License/LicenseString",
                "/Oem/Hpe/License/LicenseType",
            ],
        ),
        "VirtualMedia" => check::<VirtualMedia>(
            path,
            raw,
            &[
                "/@odata.id",
                "/Id",
                "/Name",
                "/Image",
                "/ImageName",
                "/Inserted",
                "/WriteProtected",
                "/MediaTypes",
                "/ConnectedVia",
                "/Actions/#VirtualMedia.InsertMedia/target",
                "/Actions/#VirtualMedia.EjectMedia/target",
                "/Oem/Hpe/BootOnNextServerReset",
            ],
        ),
        "Bios" => check::<Bios>(
            path,
            raw,
            &[
                "/@odata.id",
                "/Id",
                "/AttributeRegistry",
                "/Attributes",
                "/@Redfish.Settings/SettingsObject",
                "/@Redfish.Settings/ETag",
                "/@Redfish.Settings/Time",
            ],
        ),
        "SecureBoot" => check::<SecureBoot>(
            path,
            raw,
            &[
                "/@odata.id",
                "/SecureBootEnable",
                "/SecureBootCurrentBoot",
                "/SecureBootMode",
            ],
        ),
        "SoftwareInventory" => check::<SoftwareInventory>(
            path,
            raw,
            &[
                "/@odata.id",
                "/Id",
                "/Name",
                "/Description",
                "/Version",
                "/Updateable",
                "/Status",
                "/Oem/Hpe/DeviceContext",
            ],
        ),
        "EthernetInterface" => check::<EthernetInterface>(
            path,
            raw,
            &[
                "/@odata.id",
                "/Id",
                "/Name",
                "/MACAddress",
                "/PermanentMACAddress",
                "/SpeedMbps",
                "/LinkStatus",
                "/HostName",
                "/FQDN",
                "/IPv4Addresses",
                "/Status",
            ],
        ),
        "ServiceRoot" => check::<ServiceRoot>(
            path,
            raw,
            &[
                "/RedfishVersion",
                "/UUID",
                "/Systems",
                "/Managers",
                "/Chassis",
                "/SessionService",
                "/UpdateService",
                "/TaskService",
                "/Links/Sessions",
            ],
        ),
        "SessionService" => check::<SessionService>(
            path,
            raw,
            &["/ServiceEnabled", "/SessionTimeout", "/Sessions"],
        ),
        k if k.ends_with("Collection") => {
            check::<Collection>(path, raw, &["/Members", "/Members@odata.count"])
        }
        _ => return (false, 0),
    };
    (true, n)
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.file_name().is_some_and(|n| n == "index.json") {
            out.push(p);
        }
    }
}

fn tree_files() -> Vec<(String, Value)> {
    let root = common::ilo5_tree();
    let mut files = Vec::new();
    walk(&root.join("redfish/v1"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let rel = f.parent().unwrap().strip_prefix(&root).unwrap();
            let raw: Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
            (format!("/{}", rel.display()), raw)
        })
        .collect()
}

#[test]
fn every_typed_resource_of_the_capture_parses_without_losing_fields() {
    let mut typed = std::collections::BTreeMap::<String, usize>::new();
    let mut fields = 0;
    for (path, raw) in tree_files() {
        let (ok, n) = check_resource(&path, &raw);
        if ok {
            let ty = raw["@odata.type"].as_str().unwrap().to_string();
            let kind = ty
                .trim_start_matches('#')
                .split('.')
                .next()
                .unwrap()
                .to_string();
            *typed.entry(kind).or_default() += 1;
            fields += n;
        }
    }
    for kind in [
        "ComputerSystem",
        "Manager",
        "VirtualMedia",
        "Bios",
        "SecureBoot",
        "SoftwareInventory",
        "EthernetInterface",
        "ServiceRoot",
        "SessionService",
    ] {
        assert!(
            typed.get(kind).copied().unwrap_or(0) >= 1,
            "no {kind} checked: {typed:?}"
        );
    }
    assert!(typed["SoftwareInventory"] >= 40, "{typed:?}");
    assert!(fields > 600, "only {fields} fields compared");
}

#[tokio::test]
async fn every_typed_resource_parses_when_served_by_sushy_static() {
    let c = common::ilo5();
    let mut checked = 0;
    for (path, raw) in tree_files() {
        let kind = raw
            .get("@odata.type")
            .and_then(|t| t.as_str())
            .unwrap_or("");
        if ![
            "#ComputerSystem.",
            "#Manager.",
            "#VirtualMedia.",
            "#Bios.",
            "#SecureBoot.",
            "#EthernetInterface.",
        ]
        .iter()
        .any(|k| kind.starts_with(k))
        {
            continue;
        }
        let served: Value = c.get(&path).await.unwrap();
        assert!(check_resource(&path, &served).0);
        assert_eq!(served, raw, "{path}: served differs from disk");
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

#[tokio::test]
async fn the_same_code_finds_ilo_virtual_media_under_the_manager() {
    let c = common::ilo5();
    let s = c.find_system(&SystemSelector::Only).await.unwrap();
    let sys = s.get().await.unwrap();
    assert_eq!(sys.model.as_deref(), Some("ProLiant DL385 Gen10 Plus v2"));
    assert_eq!(sys.power_state, Some(PowerState::On));
    assert_eq!(sys.cpu_model(), Some("AMD EPYC 7763 64-Core Processor"));
    assert!(
        sys.virtual_media.is_none(),
        "iLO 5 has no VirtualMedia on the system"
    );
    let cd = s.cd_media().await.unwrap();
    assert_eq!(cd.odata_id, "/redfish/v1/Managers/1/VirtualMedia/2");
    // sushy-static answers 204 to the action and changes nothing.
    let url = "http://192.0.2.10/esxi.iso";
    assert_eq!(s.insert_media(url).await.unwrap(), MediaChange::Action);
    // One-time boot from CD is validated against iLO's allowable values and PATCHed with If-Match.
    s.set_boot_override(&hermes_ilo::BootOverride::once("Cd"))
        .await
        .unwrap();
    let err = s
        .set_boot_override(&hermes_ilo::BootOverride::once("Floppy"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UefiShell"), "{err}");
}

#[tokio::test]
async fn bios_is_configurable_through_pending_settings() {
    let c = common::ilo5();
    let s = c.find_system(&SystemSelector::Only).await.unwrap();
    let bios = BiosSettings::new(s);
    let live = bios.read().await.unwrap();
    assert_eq!(live.len(), 277);
    let current = bios.current().await.unwrap();
    let workload = current.get("WorkloadProfile").cloned().unwrap();
    // Nothing to do when the wanted attribute already has its value.
    let keep = BiosAttributes::new().set("WorkloadProfile", workload.clone());
    let report = bios.converge(&keep, Mode::Apply).await.unwrap();
    assert!(!report.plan.has_changes());
    // A change: planned, rendered, written to the pending settings object, reboot required.
    let want = BiosAttributes::new().set("WorkloadProfile", "Virtualization-MaxPerformance");
    let plan = bios.plan(&want).await.unwrap();
    assert_eq!(plan.summary().update, 1, "{}", plan.render());
    assert!(plan.render().contains("Virtualization-MaxPerformance"));
    let report = bios.converge(&want, Mode::Apply).await.unwrap();
    let applied = report.applied.unwrap();
    assert!(applied.restart_required);
    assert_eq!(applied.applied, 1);
    assert!(
        applied.output[0].contains("/redfish/v1/systems/1/bios/settings/"),
        "{:?}",
        applied.output
    );
    let dry = bios.converge(&want, Mode::DryRun).await.unwrap();
    assert!(dry.applied.is_none());
}

#[tokio::test]
async fn inventory_report_of_the_ilo() {
    let inv = common::ilo5().inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 1);
    let s = &inv.systems[0];
    assert_eq!(s.system.serial_number.as_deref(), Some("MXQ302099S"));
    assert_eq!(s.nics.len(), 7);
    assert_eq!(
        s.secure_boot.as_ref().unwrap().secure_boot_enable,
        Some(false)
    );
    assert_eq!(
        inv.managers[0].firmware_version.as_deref(),
        Some("iLO 5 v2.72")
    );
    assert!(inv.firmware.len() >= 10, "{}", inv.firmware.len());
    // Processors, storage (17 subsystems, 18 drives) and the chassis: the capture is complete, so
    // the report has no gaps.
    assert_eq!(s.processors.len(), 2);
    assert_eq!(s.processors[0].total_cores, Some(64));
    assert_eq!(s.processors[0].total_threads, Some(128));
    assert_eq!(s.storage.len(), 17);
    assert_eq!(s.drives().count(), 18);
    // The Smart Array's one volume: a RAID 1 on two drives (the other subsystems link none).
    let volumes: Vec<_> = s.storage.iter().flat_map(|st| st.volumes.iter()).collect();
    assert_eq!(volumes.len(), 1);
    let v = volumes[0];
    assert_eq!(
        (
            v.id.as_str(),
            v.raid(),
            v.capacity_bytes,
            v.links.drives.len()
        ),
        ("1", Some("RAID1"), Some(480_070_426_624), 2)
    );
    assert_eq!(inv.chassis.len(), 1);
    assert_eq!(inv.chassis[0].serial_number.as_deref(), Some("MXQ302099S"));
    assert_eq!(inv.chassis[0].chassis_type.as_deref(), Some("RackMount"));
    assert!(inv.gaps.is_empty(), "{:?}", inv.gaps);
    let text = inv.to_string();
    assert!(text.contains("firmware iLO 5: 2.72 Sep 04 2022"), "{text}");
    assert!(text.contains("BIOS A42 v2.60 (08/11/2022)"), "{text}");
    assert!(
        text.contains("volume 1 (SR Volume 1): RAID1 480070426624 bytes on 2 drive(s) OK"),
        "{text}"
    );
}

#[tokio::test]
async fn bios_honours_the_configurable_contract() {
    let c = common::ilo5();
    let s = c.find_system(&SystemSelector::Only).await.unwrap();
    let bios = BiosSettings::new(s);
    let want = BiosAttributes::new().set("WorkloadProfile", "Virtualization-MaxPerformance");
    let report = hermes_core::contract::check_configurable(&bios, &want)
        .await
        .unwrap();
    assert!(report.to_string().contains("restart"), "{report}");
}
