//! Other vendors' Redfish trees (`tests/data/redfish`, sources in its SOURCES.md), each served by its own
//! `sushy-static` (the peer tool behind `sushy-ilo5`) on a free loopback port: the same discovery and
//! inventory code as against iLO 5 and sushy-tools, with nothing vendor-specific. The expected values
//! below were read from the trees' JSON files; each test also checks a few of them against the file
//! on disk, so a changed tree fails here rather than passing silently.
//!
//! sushy-static is read-only (PATCH/POST answer 204 and change nothing), so the write paths are covered
//! by `tests/sushy.rs` and `tests/recorded_ilo.rs`; here they are only *discovered* (which action,
//! which target, which body).

mod common;

use common::{copy_tree, vendor_tree, StaticRedfish};
use hermes_core::{Classify, ErrorKind};
use hermes_ilo::bios::BiosSettings;
use hermes_ilo::models::{ComputerSystem, PowerState};
use hermes_ilo::secureboot::SecureBootSettings;
use hermes_ilo::system::MediaChange;
use hermes_ilo::{BootOverride, Client, IloError, ResetType, SystemSelector};
use serde_json::Value;

fn serve(name: &str) -> StaticRedfish {
    StaticRedfish::serve(vendor_tree(name))
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
        .to_string()
}

fn strings(v: &Value, pointer: &str) -> Vec<String> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no array at {pointer}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn gap_paths(inv: &hermes_ilo::inventory::Inventory) -> Vec<&str> {
    inv.gaps.iter().map(|g| g.path.as_str()).collect()
}

/// What a system's tree says it is (model, maker, serial, SKU, BIOS, CPU model, sockets and
/// threads, memory in GiB), checked on the parsed system, with the model also read from the file on
/// disk, and the system powered on.
struct Identity<'a> {
    model: &'a str,
    manufacturer: &'a str,
    serial: &'a str,
    sku: &'a str,
    bios: &'a str,
    cpu: &'a str,
    sockets_threads: (u32, u32),
    gib: f64,
}

fn assert_identity(sys: &ComputerSystem, disk: &Value, want: Identity<'_>) {
    assert_eq!(sys.model.as_deref(), Some(want.model));
    assert_eq!(sys.model, Some(text(disk, "/Model")));
    assert_eq!(sys.manufacturer.as_deref(), Some(want.manufacturer));
    assert_eq!(sys.serial_number.as_deref(), Some(want.serial));
    assert_eq!(sys.sku.as_deref(), Some(want.sku));
    assert_eq!(sys.bios_version.as_deref(), Some(want.bios));
    assert_eq!(sys.power_state, Some(PowerState::On));
    assert_eq!(sys.cpu_model(), Some(want.cpu));
    let cpus = sys.processor_summary.as_ref().unwrap();
    assert_eq!(
        (cpus.count, cpus.logical_processor_count),
        (Some(want.sockets_threads.0), Some(want.sockets_threads.1))
    );
    assert_eq!(
        sys.memory_summary.as_ref().unwrap().total_gib,
        Some(want.gib)
    );
}

/// The inventory names exactly `gaps` (in order) and its report holds `line`.
fn assert_gaps_and_report(inv: &hermes_ilo::inventory::Inventory, gaps: &[&str], line: &str) {
    assert_eq!(gap_paths(inv), gaps);
    let report = inv.to_string();
    assert!(report.contains(line), "{report}");
}

#[tokio::test]
async fn dell_idrac9_r640_inventory_and_discovery() {
    let srv = serve("dell-idrac9-r640");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.redfish_version.as_deref(), Some("1.4.0"));
    assert_eq!(
        root.product.as_deref(),
        Some("Integrated Dell Remote Access Controller")
    );

    // Enumerated from the collection: Dell's id is System.Embedded.1, not 1.
    let systems = bmc.systems().await.unwrap();
    assert_eq!(systems.len(), 1);
    assert_eq!(systems[0].path(), "/redfish/v1/Systems/System.Embedded.1");
    let by_id = bmc
        .find_system(&SystemSelector::Id("System.Embedded.1".into()))
        .await
        .unwrap();
    let sys = by_id.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/System.Embedded.1");
    assert_identity(
        &sys,
        &disk,
        Identity {
            model: "PowerEdge R640",
            manufacturer: "Dell Inc.",
            serial: "CNIVC000180873",
            sku: "8CYCZ23",
            bios: "2.10.2",
            cpu: "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz",
            sockets_threads: (2, 80),
            gib: 192.0,
        },
    );

    // Boot: the allowable values as iDRAC lists them; `UefiTargetBootSourceOverride: null` is absent.
    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        strings(
            &disk,
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert_eq!(
        boot.targets(),
        [
            "None",
            "Pxe",
            "Floppy",
            "Cd",
            "Hdd",
            "BiosSetup",
            "Utilities",
            "UefiTarget",
            "SDCard",
            "UefiHttp"
        ]
    );
    assert_eq!(boot.uefi_target, None);
    assert_eq!(boot.override_mode.as_deref(), Some("UEFI"));
    assert_eq!(boot.boot_order.len(), 8);
    assert_eq!(by_id.cd_boot_target().await.unwrap(), "Cd");
    assert_eq!(
        sys.reset_types(),
        [
            "On",
            "ForceOff",
            "ForceRestart",
            "GracefulRestart",
            "GracefulShutdown",
            "PushPowerButton",
            "Nmi",
            "PowerCycle"
        ]
    );

    // The manager (iDRAC) is found through the system's Links.ManagedBy.
    let managers = by_id.managers().await.unwrap();
    assert_eq!(managers.len(), 1);
    assert_eq!(managers[0].id, "iDRAC.Embedded.1");
    assert_eq!(managers[0].model.as_deref(), Some("14G Monolithic"));
    assert_eq!(managers[0].firmware_version.as_deref(), Some("3.34.34.34"));

    // Virtual media is linked from the manager (iDRAC keeps it there) but the capture has no reply
    // for it: a typed 404 naming the collection, not a guess.
    assert_eq!(
        by_id.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia"]
    );
    let err = by_id.cd_media().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia answered HTTP 404"),
        "{err}"
    );
    // Likewise the BIOS: the link is followed, the missing reply named.
    let err = BiosSettings::new(by_id.clone())
        .effective()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("/redfish/v1/Systems/System.Embedded.1/Bios"),
        "{err}"
    );

    // The inventory is complete for what the capture holds and names every linked resource it lacks.
    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 1);
    assert_eq!(
        inv.systems[0].system.serial_number.as_deref(),
        Some("CNIVC000180873")
    );
    assert_eq!(inv.managers.len(), 1);
    let gaps = gap_paths(&inv);
    for missing in [
        "/redfish/v1/Systems/System.Embedded.1/EthernetInterfaces",
        "/redfish/v1/Systems/System.Embedded.1/Processors",
        "/redfish/v1/Systems/System.Embedded.1/Storage",
        "/redfish/v1/Systems/System.Embedded.1/SimpleStorage",
        "/redfish/v1/Systems/System.Embedded.1/SecureBoot",
        "/redfish/v1/Chassis",
        "/redfish/v1/UpdateService",
    ] {
        assert!(gaps.contains(&missing), "{missing} not in {gaps:?}");
    }
    assert_eq!(gaps.len(), 7, "{gaps:?}");
    let report = inv.to_string();
    assert!(
        report.contains("Dell Inc. PowerEdge R640 serial CNIVC000180873 BIOS 2.10.2 power On"),
        "{report}"
    );
    assert!(
        report.contains("not read: EthernetInterfaces of /redfish/v1/Systems/System.Embedded.1"),
        "{report}"
    );
}

#[tokio::test]
async fn hpe_ilo5_gen10_v1_15_inventory_and_discovery() {
    let srv = serve("hpe-ilo5-gen10");
    let bmc = srv.client();
    // Every id of this iLO ends in `/`.
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/1/");
    let sys = server.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/1/");
    assert_eq!(sys.model.as_deref(), Some("ProLiant DL180 Gen10"));
    assert_eq!(sys.model, Some(text(&disk, "/Model")));
    assert_eq!(sys.manufacturer.as_deref(), Some("HPE"));
    assert_eq!(sys.bios_version.as_deref(), Some("U31 v1.00 (03/11/2017)"));
    assert_eq!(sys.power_state, Some(PowerState::On));
    assert_eq!(sys.cpu_model(), Some("Intel(R) Genuine processor"));
    assert_eq!(sys.processor_summary.as_ref().unwrap().count, Some(2));
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(8.0));

    // Boot override: iLO lists UefiShell and the UEFI device paths UefiTarget accepts.
    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        [
            "None",
            "Cd",
            "Hdd",
            "Usb",
            "SDCard",
            "Utilities",
            "Diags",
            "BiosSetup",
            "Pxe",
            "UefiShell",
            "UefiHttp",
            "UefiTarget"
        ]
    );
    assert_eq!(
        boot.allowed_uefi_targets,
        strings(
            &disk,
            "/Boot/UefiTargetBootSourceOverride@Redfish.AllowableValues"
        )
    );
    assert_eq!(boot.allowed_uefi_targets.len(), 3);
    assert_eq!(boot.uefi_target.as_deref(), Some("None"));
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    // Validated before anything is sent: this iLO allows no GracefulShutdown and no Floppy.
    let err = server.reset(ResetType::GracefulShutdown).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string()
            .contains("allowed: On, ForceOff, ForceRestart, Nmi, PushPowerButton"),
        "{err}"
    );
    let err = server
        .set_boot_override(&BootOverride::once("Floppy"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UefiShell"), "{err}");
    // UefiTarget: the device path is checked against the paths this iLO lists.
    let err = server
        .set_boot_override(&BootOverride::once("UefiTarget").uefi_target("PciRoot(0x9)"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string()
            .contains("UsbClass(0xFFFF,0xFFFF,0xFF,0xFF,0xFF)"),
        "{err}"
    );
    let err = server
        .set_boot_override(&BootOverride::once("UefiTarget"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("needs a UEFI device path"),
        "{err}"
    );

    // Virtual media: under the manager, `2/` takes CD/DVD; it has only HPE's OEM insert action, so
    // the standard PATCH of Image/Inserted is what the client uses (sushy-static answers 204).
    let cd = server.cd_media().await.unwrap();
    assert_eq!(cd.odata_id, "/redfish/v1/Managers/1/VirtualMedia/2/");
    assert_eq!(cd.media_types, ["CD", "DVD"]);
    assert_eq!(cd.inserted, Some(false));
    assert!(cd.actions.insert.is_none());
    assert_eq!(
        server
            .insert_media("http://192.0.2.10/esxi.iso")
            .await
            .unwrap(),
        MediaChange::Patch
    );
    let mgr = &server.managers().await.unwrap()[0];
    assert_eq!(mgr.firmware_version.as_deref(), Some("iLO 5 v1.15"));

    // BIOS: current attributes at the lower-case link, pending ones at @Redfish.Settings.
    let bios = BiosSettings::new(server.clone());
    let current = bios.current().await.unwrap();
    let bios_disk = srv.json("/redfish/v1/systems/1/bios/");
    assert_eq!(current.len(), 226);
    assert_eq!(
        current.len(),
        bios_disk["Attributes"].as_object().unwrap().len()
    );
    assert_eq!(
        current.get("BootOrderPolicy"),
        Some(&Value::from("RetryIndefinitely"))
    );
    let pending = bios.pending().await.unwrap().unwrap();
    assert_eq!(
        pending.get("BootOrderPolicy"),
        Some(&Value::from("AttemptOnce"))
    );
    let live = bios.effective().await.unwrap();
    assert_eq!(
        live.get("BootOrderPolicy"),
        Some(&Value::from("AttemptOnce"))
    );

    // Secure boot.
    let sb = SecureBootSettings::new(server.clone())
        .status()
        .await
        .unwrap();
    assert!(!sb.enable);
    assert_eq!(sb.mode.as_deref(), Some("UserMode"));
    assert!(sb.can_reset_keys);

    // Inventory: the NIC with its MAC; the firmware inventory the update service links is not in
    // the capture, and is named.
    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.nics.len(), 1);
    assert_eq!(s.nics[0].mac_address.as_deref(), Some("98:f2:b3:2a:0e:3d"));
    assert_eq!(s.nics[0].speed_mbps, None);
    assert_eq!(
        s.secure_boot.as_ref().unwrap().secure_boot_enable,
        Some(false)
    );
    assert_eq!(inv.managers.len(), 1);
    assert!(inv.firmware.is_empty());
    let gaps = gap_paths(&inv);
    assert!(
        gaps.contains(&"/redfish/v1/UpdateService/FirmwareInventory/"),
        "{gaps:?}"
    );
    let report = inv.to_string();
    assert!(report.contains("nic 6: 98:f2:b3:2a:0e:3d"), "{report}");
    // The padded serial number shows as missing, not as blanks.
    assert!(
        report.contains("ProLiant DL180 Gen10 serial - BIOS"),
        "{report}"
    );
}

#[tokio::test]
async fn dmtf_v1_20_media_under_the_system_and_full_inventory() {
    let srv = serve("dmtf-contoso-v1_20");
    let bmc = srv.client();
    // `ProtocolFeaturesSupported.ExpandQuery: false` (a boolean where newer schemas have an object)
    // must not make the service root unreadable.
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.redfish_version.as_deref(), Some("1.0.2"));
    assert_eq!(
        root.uuid.as_deref(),
        Some("92384634-2938-2342-8820-489239905423")
    );

    let server = bmc
        .find_system(&SystemSelector::Name("WebFrontEnd483".into()))
        .await
        .unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/437XR1138R2");
    let sys = server.get().await.unwrap();
    assert_eq!(sys.manufacturer.as_deref(), Some("Contoso"));
    assert_eq!(sys.model.as_deref(), Some("3500"));
    assert_eq!(sys.serial_number.as_deref(), Some("437XR1138R2"));
    assert_eq!(sys.bios_version.as_deref(), Some("P79 v1.45 (12/06/2017)"));
    assert_eq!(
        sys.cpu_model(),
        Some("Multi-Core Intel(R) Xeon(R) processor 7xxx Series")
    );
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(96.0));
    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        strings(
            &srv.json("/redfish/v1/Systems/437XR1138R2"),
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert_eq!(boot.targets().len(), 10);
    assert_eq!(boot.uefi_target.as_deref(), Some("/0x31/0x33/0x01/0x01"));

    // Newer schema: virtual media under the system (the manager has none); CD1 takes CD/DVD, has an
    // image inserted, and no actions, so changes go by PATCH.
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Systems/437XR1138R2/VirtualMedia"]
    );
    let cd = server.cd_media().await.unwrap();
    assert_eq!(cd.id, "CD1");
    assert_eq!(cd.media_types, ["CD", "DVD"]);
    assert_eq!(
        cd.inserted_image(),
        Some("redfish.dmtf.org/freeImages/freeOS.1.1.iso")
    );
    assert!(cd.actions.insert.is_none() && cd.actions.eject.is_none());
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");

    // BIOS through @Redfish.Settings (its own @odata.id says BIOS, the system links Bios).
    let bios = BiosSettings::new(server.clone());
    assert_eq!(bios.current().await.unwrap().len(), 10);
    let live = bios.effective().await.unwrap();
    assert_eq!(live.get("EmbeddedSata"), Some(&Value::from("Ahci")));
    assert_eq!(live.get("ProcCoreDisable"), Some(&Value::from(0)));

    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.nics.len(), 1);
    assert_eq!(s.nics[0].mac_address.as_deref(), Some("12:44:6A:3B:04:11"));
    assert_eq!(s.nics[0].speed_mbps, Some(1000));
    assert_eq!(
        s.nics[0].ipv4_addresses[0].address.as_deref(),
        Some("192.168.0.10")
    );
    assert_eq!(s.processors.len(), 2);
    assert_eq!(s.processors[0].total_cores, Some(8));
    assert_eq!(s.processors[0].total_threads, Some(16));
    assert_eq!(
        s.processors[1].status.as_ref().unwrap().state.as_deref(),
        Some("Absent")
    );
    // v1_20 links no Storage (only SimpleStorage, absent from the mockup).
    assert!(s.storage.is_empty());
    assert_eq!(
        s.secure_boot.as_ref().unwrap().secure_boot_mode.as_deref(),
        Some("DeployedMode")
    );
    assert_eq!(
        inv.managers[0].firmware_version.as_deref(),
        Some("1.45.455b66-rev4")
    );
    assert_eq!(inv.chassis.len(), 1);
    assert_eq!(inv.chassis[0].serial_number.as_deref(), Some("529QB9450R6"));
    assert_eq!(inv.chassis[0].chassis_type.as_deref(), Some("Blade"));
    // What the mockup links but does not hold: the SimpleStorage collection, the three firmware
    // entries its collection lists, four of the five chassis. Each is named; nothing else is.
    let gaps = gap_paths(&inv);
    assert!(gaps.contains(&"/redfish/v1/Systems/437XR1138R2/SimpleStorage"));
    assert!(
        gaps.contains(&"/redfish/v1/UpdateService/FirmwareInventory/Current-101560-25.5.6.0009")
    );
    assert!(gaps.contains(&"/redfish/v1/Chassis/MultiBladeEncl"));
    assert_eq!(gaps.len(), 1 + 3 + 4, "{gaps:?}");
    let report = inv.to_string();
    assert!(report.contains("chassis Blade1: Blade Contoso SX1000 serial 529QB9450R6"));
}

#[tokio::test]
async fn dmtf_v1_10_media_under_the_manager_without_a_cd_is_a_clear_error() {
    let srv = serve("dmtf-contoso-v1_10");
    let bmc = srv.client();
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    let sys = server.get().await.unwrap();
    // v1_10 has ProcessorFamily but no ProcessorSummary.Model; the processors collection has it.
    assert_eq!(sys.cpu_model(), None);
    let boot = sys.boot.clone().unwrap();
    assert!(boot.targets().contains(&"UefiHttp".to_string()));
    assert_eq!(
        boot.http_boot_uri.as_deref(),
        Some("https://Contoso.lan/boot.iso")
    );
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/BMC/VirtualMedia"]
    );
    let media = server.virtual_media().await.unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].media_types, ["Floppy", "USBStick"]);
    assert!(media[0].actions.insert.is_some());
    let err = server.cd_media().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    let msg = err.to_string();
    assert!(
        msg.contains("/redfish/v1/Systems/437XR1138R2 has no CD/DVD virtual media")
            && msg.contains("looked in: /redfish/v1/Managers/BMC/VirtualMedia")
            && msg.contains(
                "found only /redfish/v1/Managers/BMC/VirtualMedia/Floppy1 (Floppy, USBStick)"
            ),
        "{msg}"
    );
    // The install workflow's media step fails with the same message before sending anything.
    let err = server
        .insert_media("http://192.0.2.10/esxi.iso")
        .await
        .unwrap_err();
    assert!(matches!(err, IloError::Unsupported { .. }), "{err}");
    let inv = bmc.inventory().await.unwrap();
    assert_eq!(
        inv.systems[0].processors[0].model.as_deref(),
        Some("Multi-Core Intel(R) Xeon(R) processor 7xxx Series")
    );
    assert!(inv.to_string().contains("cpu 2 x -, memory 96 GiB"));
    // v1_10 links Storage: one subsystem, four drives linked, three recorded.
    let s = &inv.systems[0];
    assert_eq!(s.storage.len(), 1);
    assert_eq!(
        s.storage[0].storage.storage_controllers[0].model.as_deref(),
        Some("12Gbs Integrated RAID")
    );
    let drives: Vec<_> = s.drives().collect();
    assert_eq!(drives.len(), 3);
    assert!(drives.iter().all(
        |d| d.capacity_bytes == Some(899_527_000_000) && d.media_type.as_deref() == Some("HDD")
    ));
    let gaps = gap_paths(&inv);
    assert!(gaps.contains(&"/redfish/v1/Systems/437XR1138R2/Storage/1/Drives/3F5A8C54207B7233"));
    // The storage links a Volumes collection the samples do not hold: named, not fatal.
    assert!(gaps.contains(&"/redfish/v1/Systems/437XR1138R2/Storage/1/Volumes"));
    assert!(s.storage[0].volumes.is_empty());
    assert_eq!(gaps.len(), 1 + 1 + 1 + 3 + 4, "{gaps:?}");
    let report = inv.to_string();
    assert!(
        report.contains("drive 32ADF365C6C1B7BD: HDD C123 899527000000 bytes serial 1234570"),
        "{report}"
    );
}

/// Lenovo XClarity Controller: virtual media under the system *and* the manager (the system's is
/// searched first), ten devices that all take CD/DVD and have no actions (PATCH only), reset types
/// both inline and in an ActionInfo, BIOS with a `Pending` settings object.
#[tokio::test]
async fn lenovo_xcc_sr670v2_inventory_and_discovery() {
    let srv = serve("lenovo-xcc-sr670v2");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.vendor.as_deref(), Some("Lenovo"));
    assert_eq!(root.redfish_version.as_deref(), Some("1.15.0"));

    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/1");
    let sys = server.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/1");
    assert_identity(
        &sys,
        &disk,
        Identity {
            model: "ThinkSystem SR670 V2",
            manufacturer: "Lenovo",
            serial: "J105958B",
            sku: "7Z23CTO1WW",
            bios: "U8E122J",
            cpu: "Intel(R) Xeon(R) Platinum 8362 CPU @ 2.80GHz",
            sockets_threads: (2, 128),
            gib: 1024.0,
        },
    );
    // Found by name as XCC reports it (HostName), too.
    let by_host = bmc
        .find_system(&SystemSelector::Name("XCC-7Z23-J105958B".into()))
        .await
        .unwrap();
    assert_eq!(by_host.path(), "/redfish/v1/Systems/1");

    // Boot: the targets as listed; XCC refuses Continuous, which is checked before sending.
    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        strings(
            &disk,
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert_eq!(
        boot.targets(),
        [
            "None",
            "Pxe",
            "Cd",
            "Usb",
            "Hdd",
            "BiosSetup",
            "Diags",
            "UefiTarget"
        ]
    );
    assert_eq!(boot.allowed_enabled, ["Once", "Disabled"]);
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    let err = server
        .set_boot_override(&BootOverride::continuous("Cd"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains(
            "does not allow BootSourceOverrideEnabled \"Continuous\"; allowed: Once, Disabled"
        ),
        "{err}"
    );
    // Reset types inline and in the ActionInfo: the same values, in another order.
    let info = srv.json("/redfish/v1/Systems/1/ResetActionInfo");
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        sorted(sys.reset_types().to_vec()),
        sorted(strings(&info, "/Parameters/0/AllowableValues"))
    );
    // PowerCycle is in neither: the inline list lacks it, so the ActionInfo is asked, and named.
    let err = server.reset(ResetType::PowerCycle).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains(&format!(
            "allowed: {}",
            strings(&info, "/Parameters/0/AllowableValues").join(", ")
        )),
        "{err}"
    );

    // Virtual media: the system's collection first, then the manager's (the same devices again).
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        [
            "/redfish/v1/Systems/1/VirtualMedia",
            "/redfish/v1/Managers/1/VirtualMedia"
        ]
    );
    let cd = server.cd_media().await.unwrap();
    assert_eq!(cd.odata_id, "/redfish/v1/Systems/1/VirtualMedia/EXT1");
    assert_eq!(cd.media_types, ["CD", "DVD", "Floppy", "USBStick"]);
    assert_eq!(cd.inserted, Some(false));
    assert!(cd.actions.insert.is_none() && cd.actions.eject.is_none());
    let found = server.discover_cd_boot().await.unwrap();
    assert_eq!(
        found.insert,
        hermes_ilo::InsertMethod::Patch {
            path: "/redfish/v1/Systems/1/VirtualMedia/EXT1".into()
        }
    );
    assert_eq!(found.reset_types, sys.reset_types());
    assert_eq!(
        server
            .insert_media("http://192.0.2.10/esxi.iso")
            .await
            .unwrap(),
        MediaChange::Patch
    );
    let mgr = &server.managers().await.unwrap()[0];
    assert_eq!(mgr.model.as_deref(), Some("Lenovo XClarity Controller"));
    assert_eq!(
        mgr.firmware_version.as_deref(),
        Some("TGBT42S 2.83 2023-07-05")
    );

    // BIOS: every attribute, and the pending ones at the settings object (`Bios/Pending`).
    let bios = BiosSettings::new(server.clone());
    let current = bios.current().await.unwrap();
    let bios_disk = srv.json("/redfish/v1/Systems/1/Bios");
    assert_eq!(
        current.len(),
        bios_disk["Attributes"].as_object().unwrap().len()
    );
    assert_eq!(current.len(), 348);
    assert_eq!(
        current.get("OperatingModes_ChooseOperatingMode"),
        bios_disk.pointer("/Attributes/OperatingModes_ChooseOperatingMode")
    );
    let pending = bios.pending().await.unwrap().unwrap();
    assert_eq!(pending.len(), 348);

    let sb = SecureBootSettings::new(server.clone())
        .status()
        .await
        .unwrap();
    assert!(!sb.enable);
    assert_eq!(sb.mode.as_deref(), Some("UserMode"));
    assert!(sb.can_reset_keys);

    // Inventory: NICs, the CPUs and eight GPUs (XCC lists both as Processors), two storage
    // subsystems with two NVMe drives each; the chassis and firmware inventory are not in the tree.
    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.nics.len(), 5);
    assert_eq!(s.nics[1].mac_address.as_deref(), Some("00:62:0B:4C:28:4E"));
    assert_eq!(s.processors.len(), 10);
    assert_eq!(s.processors[0].total_cores, Some(32));
    assert_eq!(
        s.processors
            .iter()
            .filter(|p| p.processor_type.as_deref() == Some("GPU"))
            .count(),
        8
    );
    assert_eq!(s.storage.len(), 2);
    let drives: Vec<_> = s.drives().collect();
    assert_eq!(drives.len(), 4);
    assert!(drives
        .iter()
        .all(|d| d.media_type.as_deref() == Some("SSD")));
    // Both controllers link a Volumes collection, empty on this server (no RAID configured).
    assert!(s
        .storage
        .iter()
        .all(|st| st.storage.volumes.is_some() && st.volumes.is_empty()));
    assert_eq!(
        srv.json("/redfish/v1/Systems/1/Storage/M.2/Volumes")["Members@odata.count"],
        0
    );
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService/FirmwareInventory",
        ],
        "Lenovo ThinkSystem SR670 V2 serial J105958B BIOS U8E122J power On",
    );
}

/// Supermicro X13: the system links its manager's virtual media collection; every device takes
/// CD/DVD and has an `InsertMedia` described only by an ActionInfo; reset types only in an ActionInfo;
/// `Oem: {}` inside `Actions`; `UsbCd` beside `Cd` among the boot targets.
#[tokio::test]
async fn supermicro_x13_sys821ge_inventory_and_discovery() {
    let srv = serve("supermicro-x13-sys821ge");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.vendor, None);
    assert_eq!(root.redfish_version.as_deref(), Some("1.11.0"));
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    let sys = server.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/1");
    assert_eq!(sys.manufacturer.as_deref(), Some("Supermicro"));
    assert_eq!(sys.model.as_deref(), Some("SYS-821GE-TNHR"));
    assert_eq!(sys.serial_number, Some(text(&disk, "/SerialNumber")));
    assert_eq!(sys.bios_version.as_deref(), Some("1.4"));
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(2048.0));

    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        strings(
            &disk,
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert!(boot.targets().contains(&"UsbCd".to_string()));
    // The standard name is preferred over the vendor's other CD-like target.
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");

    // Reset types: none inline, the ActionInfo's are used (and validated against before sending).
    assert!(sys.reset_types().is_empty());
    let info = srv.json("/redfish/v1/Systems/1/ResetActionInfo");
    let allowed = strings(&info, "/Parameters/0/AllowableValues");
    assert_eq!(allowed.len(), 8);
    let err = server.reset(ResetType::PushPowerButton).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains(&allowed.join(", ")), "{err}");
    server.reset(ResetType::ForceRestart).await.unwrap();

    // One collection (the system's link and the manager's are the same), three devices.
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/1/VirtualMedia"]
    );
    assert_eq!(server.virtual_media().await.unwrap().len(), 3);
    let found = server.discover_cd_boot().await.unwrap();
    assert_eq!(found.media.id, "VirtualMedia1");
    let insert = found.media.actions.insert.as_ref().unwrap();
    assert_eq!(
        insert.action_info.as_deref(),
        Some("/redfish/v1/Managers/1/VirtualMedia/VirtualMedia1/InsertMediaActionInfo")
    );
    assert_eq!(
        found.insert,
        hermes_ilo::InsertMethod::Action {
            target:
                "/redfish/v1/Managers/1/VirtualMedia/VirtualMedia1/Actions/VirtualMedia.InsertMedia"
                    .into()
        }
    );
    assert_eq!(found.boot_target, "Cd");
    assert_eq!(found.reset_types, allowed);
    assert_eq!(
        server
            .insert_media("http://192.0.2.10/esxi.iso")
            .await
            .unwrap(),
        MediaChange::Action
    );

    // BIOS: the settings object (`Bios/SD`) holds no pending change.
    let bios = BiosSettings::new(server.clone());
    let current = bios.current().await.unwrap();
    assert_eq!(
        current.len(),
        srv.json("/redfish/v1/Systems/1/Bios")["Attributes"]
            .as_object()
            .unwrap()
            .len()
    );
    assert_eq!(bios.pending().await.unwrap().map(|p| p.len()), Some(0));
    assert_eq!(bios.effective().await.unwrap(), current);
    let sb = SecureBootSettings::new(server.clone())
        .status()
        .await
        .unwrap();
    assert_eq!(sb.mode.as_deref(), Some("SetupMode"));
    assert!(sb.can_reset_keys);

    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.nics.len(), 12);
    assert_eq!(s.processors.len(), 2);
    assert_eq!(
        s.processors[0].model.as_deref(),
        Some("Intel(R) Xeon(R) Platinum 8462Y+")
    );
    assert_eq!(s.storage.len(), 1);
    assert_eq!(s.drives().count(), 8);
    assert!(s
        .drives()
        .all(|d| d.capacity_bytes == Some(7_681_501_126_656)));
    assert_eq!(s.simple_storage.len(), 1);
    assert_eq!(
        inv.managers[0].firmware_version.as_deref(),
        Some("11.01.01")
    );
    assert_eq!(
        gap_paths(&inv),
        [
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService/FirmwareInventory"
        ]
    );
}

/// Supermicro X12 (bmclib's capture): the system lists its reset types inline with the firmware's
/// run-together `GracefulShutdownGracefulRestart`, and links a `ResetActionInfo` the capture lacks.
/// A value the inline list lacks is looked up in the ActionInfo: where that is unreadable, the
/// inline list stands and the reset is refused naming it; where it lists the value (here the
/// X13 capture's ActionInfo, copied beside the X12 replies), the reset is sent.
#[tokio::test]
async fn supermicro_x12_reset_types_fall_back_to_the_action_info() {
    let srv = serve("supermicro-x12-sys510t");
    let bmc = srv.client();
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    let sys = server.get().await.unwrap();
    assert_eq!(sys.model.as_deref(), Some("SYS-510T-MR-EI018"));
    assert!(sys
        .reset_types()
        .contains(&"GracefulShutdownGracefulRestart".to_string()));
    assert_eq!(
        sys.actions.reset.as_ref().unwrap().action_info.as_deref(),
        Some("/redfish/v1/Systems/1/ResetActionInfo")
    );
    // The system links its manager's VirtualMedia; neither the manager nor the collection is in
    // the capture. The system's own link is still searched, and the answer is a typed 404 naming
    // the collection; the managers themselves are a 404 naming the manager.
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/1/VirtualMedia"]
    );
    let err = server.cd_media().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/Managers/1/VirtualMedia answered HTTP 404"),
        "{err}"
    );
    let err = server.managers().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/Managers/1 answered HTTP 404"),
        "{err}"
    );
    let err = server.reset(ResetType::GracefulShutdown).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains(
            "allowed: On, ForceOff, GracefulShutdownGracefulRestart, ForceRestart, Nmi, ForceOn"
        ),
        "{err}"
    );
    // Inline values are still accepted without reading the ActionInfo.
    server.reset(ResetType::ForceRestart).await.unwrap();
    drop(srv);

    let dir = tempfile::tempdir().unwrap();
    copy_tree(&vendor_tree("supermicro-x12-sys510t"), dir.path());
    let info = dir.path().join("redfish/v1/Systems/1/ResetActionInfo");
    std::fs::create_dir_all(&info).unwrap();
    std::fs::copy(
        vendor_tree("supermicro-x13-sys821ge")
            .join("redfish/v1/Systems/1/ResetActionInfo/index.json"),
        info.join("index.json"),
    )
    .unwrap();
    let srv = StaticRedfish::serve(dir.path());
    let server = srv
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap();
    server.reset(ResetType::GracefulShutdown).await.unwrap();
    let err = server.reset(ResetType::PushPowerButton).await.unwrap_err();
    assert!(
        err.to_string().contains(
            "allowed: On, ForceOff, GracefulShutdown, GracefulRestart, ForceRestart, Nmi, ForceOn, PowerCycle"
        ),
        "{err}"
    );
}

/// AMI MegaRAC on a DGX H100: two systems (the host and a GPU baseboard without `Boot`), three
/// managers, no boot target allowable values, and an empty virtual media collection.
#[tokio::test]
async fn ami_dgx_h100_two_systems_and_no_virtual_media() {
    let srv = serve("ami-megarac-dgx-h100");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.vendor.as_deref(), Some("AMI"));
    let err = bmc.find_system(&SystemSelector::Only).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains("the service has 2 systems"),
        "{err}"
    );
    let server = bmc
        .find_system(&SystemSelector::Id("DGX".into()))
        .await
        .unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/DGX");
    let sys = server.get().await.unwrap();
    assert_eq!(sys.model.as_deref(), Some("DGXH100"));
    assert_eq!(sys.serial_number.as_deref(), Some("1662923610124"));
    assert_eq!(sys.bios_version.as_deref(), Some("1.1.3"));
    // `ProcessorSummary.Model: null`.
    assert_eq!(sys.cpu_model(), None);
    // No allowable targets are listed: the standard `Cd` is what is tried.
    let boot = sys.boot.clone().unwrap();
    assert!(boot.targets().is_empty());
    assert_eq!(boot.override_mode, None);
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    let info = srv.json("/redfish/v1/Systems/DGX/ResetActionInfo");
    let err = server.reset(ResetType::Nmi).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&strings(&info, "/Parameters/0/AllowableValues").join(", ")),
        "{err}"
    );

    // Its manager (ManagedBy) has a virtual media collection with no members.
    let managers = server.managers().await.unwrap();
    assert_eq!(managers.len(), 1);
    assert_eq!(managers[0].firmware_version.as_deref(), Some("23.11.20"));
    let err = server.cd_media().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(
        err.to_string().contains(
            "/redfish/v1/Systems/DGX has no CD/DVD virtual media (looked in: /redfish/v1/Managers/BMC/VirtualMedia)"
        ),
        "{err}"
    );

    // The GPU baseboard is a system without Boot or Actions: no boot override, no reset.
    let gpu = bmc
        .find_system(&SystemSelector::Id("HGX_Baseboard_0".into()))
        .await
        .unwrap();
    let err = gpu.cd_boot_target().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(
        err.to_string()
            .contains("/redfish/v1/Systems/HGX_Baseboard_0 has no Boot property"),
        "{err}"
    );
    let err = gpu
        .set_boot_override(&BootOverride::once("Cd"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    let err = gpu.reset(ResetType::On).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("offers no #ComputerSystem.Reset action"),
        "{err}"
    );
    // Its manager is found through ManagedBy too (an OpenBMC inside the AMI service).
    let gpu_bmc = gpu.managers().await.unwrap();
    assert_eq!(gpu_bmc[0].model.as_deref(), Some("OpenBmc"));

    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 2);
    assert_eq!(inv.managers.len(), 3);
    let dgx = &inv.systems[0];
    assert_eq!(dgx.nics.len(), 5);
    assert_eq!(dgx.processors.len(), 2);
    assert_eq!(dgx.processors[0].total_threads, Some(112));
    // The storage collection has no `Members` at all; simple storage has eleven entries.
    assert!(dgx.storage.is_empty());
    assert_eq!(dgx.simple_storage.len(), 11);
    assert_eq!(
        gap_paths(&inv),
        [
            "/redfish/v1/Systems/HGX_Baseboard_0/Processors",
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService/FirmwareInventory"
        ]
    );
}

/// NVIDIA's OpenBMC (bmcweb) on a GH200: two systems, the host with no manufacturer, model, serial
/// or BIOS version; virtual media only under the manager, two devices taking CD or USB stick.
#[tokio::test]
async fn openbmc_gh200_media_under_the_manager_and_firmware_inventory() {
    let srv = serve("openbmc-nvidia-gh200");
    let bmc = srv.client();
    let server = bmc
        .find_system(&SystemSelector::Id("System_0".into()))
        .await
        .unwrap();
    let sys = server.get().await.unwrap();
    assert_eq!(
        (&sys.manufacturer, &sys.model, &sys.serial_number),
        (&None, &None, &None)
    );
    assert_eq!(sys.cpu_model(), Some("ARMv9"));
    let boot = sys.boot.clone().unwrap();
    assert_eq!(boot.allowed_enabled, ["Once", "Continuous", "Disabled"]);
    assert_eq!(
        boot.targets(),
        strings(
            &srv.json("/redfish/v1/Systems/System_0"),
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/BMC_0/VirtualMedia"]
    );
    let found = server.discover_cd_boot().await.unwrap();
    let coll = srv.json("/redfish/v1/Managers/BMC_0/VirtualMedia");
    // The first device of the collection (both take CD images and have InsertMedia).
    assert_eq!(found.media.odata_id, text(&coll, "/Members/0/@odata.id"));
    assert_eq!(found.media.media_types, ["CD", "USBStick"]);
    assert!(matches!(
        found.insert,
        hermes_ilo::InsertMethod::Action { .. }
    ));
    assert_eq!(found.boot_target, "Cd");
    let info = srv.json("/redfish/v1/Systems/System_0/ResetActionInfo");
    assert_eq!(
        found.reset_types,
        strings(&info, "/Parameters/0/AllowableValues")
    );

    let bios = BiosSettings::new(server.clone());
    assert_eq!(bios.current().await.unwrap().len(), 203);
    let sb = SecureBootSettings::new(server.clone())
        .status()
        .await
        .unwrap();
    assert_eq!(sb.mode.as_deref(), Some("SetupMode"));
    assert!(!sb.can_reset_keys);

    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 2);
    let host = &inv.systems[0];
    assert_eq!(host.processors.len(), 2);
    assert_eq!(host.processors[0].model.as_deref(), Some("Grace A02"));
    // The collection lists 20 members, HGX_FW_FPGA_0 twice: it is one entry.
    let fw = srv.json("/redfish/v1/UpdateService/FirmwareInventory");
    assert_eq!(fw["Members"].as_array().unwrap().len(), 20);
    assert_eq!(inv.firmware.len(), 19);
    // OpenBMC names every entry "Software Inventory": the report tells them apart by Id.
    let report = inv.to_string();
    assert!(
        report.contains("firmware Software Inventory (FW_BMC_0): GH200-24.05-2\n"),
        "{report}"
    );
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Systems/HGX_Baseboard_0/Processors",
            "/redfish/v1/Chassis",
        ],
        "system System_0 (System_0): - - serial - BIOS - power On",
    );
}

/// NVIDIA's OpenBMC on a GB200 NVL compute tray (firmware GB200Nvl-24.12-8, Redfish 1.17.0): the
/// host `System_0` beside a GPU baseboard without `Boot` or a reset action, virtual media under the
/// manager `BMC_0`, reset types only in an ActionInfo, nine NVMe drives in a storage subsystem with
/// a `Controllers` collection, and an update service without `SimpleUpdate`.
#[tokio::test]
async fn openbmc_gb200_discovery_inventory_and_no_simple_update() {
    let srv = serve("openbmc-nvidia-gb200");
    let bmc = srv.client();
    let err = bmc.find_system(&SystemSelector::Only).await.unwrap_err();
    assert!(
        err.to_string().contains("the service has 2 systems"),
        "{err}"
    );
    let server = bmc
        .find_system(&SystemSelector::Id("System_0".into()))
        .await
        .unwrap();
    let sys = server.get().await.unwrap();
    assert_eq!(
        (&sys.manufacturer, &sys.model, &sys.serial_number),
        (&None, &None, &None)
    );
    assert_eq!(sys.power_state, Some(PowerState::On));
    assert_eq!(sys.cpu_model(), Some("ARMv9"));
    assert_eq!(sys.processor_summary.as_ref().unwrap().count, Some(2));
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(960.0));
    let disk = srv.json("/redfish/v1/Systems/System_0");
    assert_eq!(
        sys.boot.clone().unwrap().targets(),
        strings(
            &disk,
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );

    // Discovery: the manager's first device (CD or USB stick, standard actions), Cd, the reset
    // types of the ActionInfo; the cycle a restart.
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/BMC_0/VirtualMedia"]
    );
    let found = server.discover_cd_boot().await.unwrap();
    let coll = srv.json("/redfish/v1/Managers/BMC_0/VirtualMedia");
    assert_eq!(found.media.odata_id, text(&coll, "/Members/0/@odata.id"));
    assert_eq!(found.media.media_types, ["CD", "USBStick"]);
    // The collection lists USB2 first.
    assert_eq!(
        found.media.odata_id,
        "/redfish/v1/Managers/BMC_0/VirtualMedia/USB2"
    );
    assert_eq!(
        found.insert,
        hermes_ilo::InsertMethod::Action {
            target: "/redfish/v1/Managers/BMC_0/VirtualMedia/USB2/Actions/VirtualMedia.InsertMedia"
                .into()
        }
    );
    assert_eq!(found.boot_target, "Cd");
    let info = srv.json("/redfish/v1/Systems/System_0/ResetActionInfo");
    assert_eq!(
        found.reset_types,
        strings(&info, "/Parameters/0/AllowableValues")
    );
    assert_eq!(found.reset_types.len(), 8);
    assert_eq!(
        server.power_cycle_method().await.unwrap(),
        hermes_ilo::PowerCycle::Restart {
            reset: ResetType::ForceRestart,
            on: ResetType::On
        }
    );
    assert_eq!(
        server
            .insert_media("http://192.0.2.10/esxi.iso")
            .await
            .unwrap(),
        MediaChange::Action
    );
    server
        .set_boot_override(&BootOverride::once("Cd"))
        .await
        .unwrap();

    // The GPU baseboard has no Boot and no reset action: both say so, nothing is sent.
    let gpu = bmc
        .find_system(&SystemSelector::Id("HGX_Baseboard_0".into()))
        .await
        .unwrap();
    let err = gpu.cd_boot_target().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    let err = gpu.power_cycle_method().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(
        err.to_string()
            .contains("/redfish/v1/Systems/HGX_Baseboard_0 offers no #ComputerSystem.Reset action"),
        "{err}"
    );

    let bios = BiosSettings::new(server.clone());
    assert_eq!(
        bios.current().await.unwrap().len(),
        srv.json("/redfish/v1/Systems/System_0/Bios")["Attributes"]
            .as_object()
            .unwrap()
            .len()
    );
    assert_eq!(bios.current().await.unwrap().len(), 403);

    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 2);
    let host = &inv.systems[0];
    assert_eq!(host.processors.len(), 2);
    assert_eq!(host.storage.len(), 1);
    let drives = &host.storage[0].drives;
    assert_eq!(drives.len(), 9);
    let d200 = srv.json("/redfish/v1/Systems/System_0/Storage/1/Drives/200");
    assert_eq!(drives[0].serial_number, Some(text(&d200, "/SerialNumber")));
    assert_eq!(drives[0].capacity_bytes, Some(3_840_755_982_336));
    assert!(host.storage[0].volumes.is_empty());
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Systems/HGX_Baseboard_0/Processors",
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService/FirmwareInventory",
        ],
        "drive 210: SSD SAMSUNG MZ1L21T9HCLS-00A07 1920383410176 bytes serial S666NN0W314049",
    );
    let report = inv.to_string();
    assert!(
        report.contains("system System_0 (System_0): - - serial - BIOS - power On")
            && report.contains("storage Storage: 9 drive(s), 0 volume(s)")
            && report.contains("manager BMC_0: OpenBmc firmware GB200Nvl-24.12-8"),
        "{report}"
    );

    // No SimpleUpdate (only NVIDIA's OEM actions and HttpPushUri): refused, naming the service.
    let (path, svc) = bmc.update_service().await.unwrap();
    assert_eq!(path, "/redfish/v1/UpdateService");
    assert_eq!(
        svc.http_push_uri.as_deref(),
        Some("/redfish/v1/UpdateService/update")
    );
    let err = bmc
        .simple_update(&hermes_ilo::firmware::SimpleUpdate::new(
            "http://192.0.2.10/bmc.fwpkg",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(
        err.to_string().contains(
            "/redfish/v1/UpdateService offers no #UpdateService.SimpleUpdate action: it takes \
             images pushed to /redfish/v1/UpdateService/update, which Hermes does not do"
        ),
        "{err}"
    );
}

/// Dell iDRAC 9 firmware 6.00 on a PowerEdge R750: virtual media under the system (two devices,
/// each CD/DVD/USB stick) *and* under the manager (a USB device and a CD), all with the standard
/// actions; the system's collection is searched first.
#[tokio::test]
async fn dell_idrac9_r750_media_under_the_system_and_the_manager() {
    let srv = serve("dell-idrac9-r750");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.redfish_version.as_deref(), Some("1.13.1"));
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/System.Embedded.1");
    let sys = server.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/System.Embedded.1");
    assert_eq!(sys.model.as_deref(), Some("PowerEdge R750"));
    assert_eq!(sys.serial_number, Some(text(&disk, "/SerialNumber")));
    assert_eq!(sys.bios_version.as_deref(), Some("1.8.2"));
    assert_eq!(
        sys.reset_types(),
        strings(
            &disk,
            "/Actions/#ComputerSystem.Reset/ResetType@Redfish.AllowableValues"
        )
    );
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        [
            "/redfish/v1/Systems/System.Embedded.1/VirtualMedia",
            "/redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia"
        ]
    );
    let all = server.virtual_media().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "RemovableDisk", "CD"]);
    assert!(!all[2].is_cd() && all[3].is_cd());
    let found = server.discover_cd_boot().await.unwrap();
    assert_eq!(
        found.media.odata_id,
        "/redfish/v1/Systems/System.Embedded.1/VirtualMedia/1"
    );
    assert_eq!(
        found.insert,
        hermes_ilo::InsertMethod::Action {
            target: "/redfish/v1/Systems/System.Embedded.1/VirtualMedia/1/Actions/VirtualMedia.InsertMedia"
                .into()
        }
    );
    assert_eq!(found.boot_target, "Cd");
    assert_eq!(found.reset_types, sys.reset_types());
    assert_eq!(
        server
            .insert_media("http://192.0.2.10/esxi.iso")
            .await
            .unwrap(),
        MediaChange::Action
    );
    let mgr = &server.managers().await.unwrap()[0];
    assert_eq!(mgr.firmware_version.as_deref(), Some("6.00.30.00"));

    let bios = BiosSettings::new(server.clone());
    assert_eq!(
        bios.current().await.unwrap().len(),
        srv.json("/redfish/v1/Systems/System.Embedded.1/Bios")["Attributes"]
            .as_object()
            .unwrap()
            .len()
    );
    assert_eq!(bios.pending().await.unwrap().map(|p| p.len()), Some(0));
    let sb = SecureBootSettings::new(server.clone())
        .status()
        .await
        .unwrap();
    assert_eq!(sb.mode.as_deref(), Some("DeployedMode"));

    // Storage: three controllers; the NVMe one presents each of its three drives as a volume
    // (`RAIDType` null, `VolumeType` `RawDevice`), the AHCI ones have empty volume collections.
    let inv = bmc.inventory().await.unwrap();
    let st = &inv.systems[0].storage;
    let ids: Vec<&str> = st.iter().map(|s| s.storage.id.as_str()).collect();
    assert_eq!(ids, ["CPU.1", "AHCI.Embedded.1-1", "AHCI.Embedded.2-1"]);
    assert_eq!((st[0].drives.len(), st[0].volumes.len()), (3, 3));
    assert!(st[1..]
        .iter()
        .all(|s| s.drives.is_empty() && s.volumes.is_empty()));
    let v = &st[0].volumes[0];
    let disk = srv.json(&v.odata_id);
    assert!(disk["RAIDType"].is_null());
    assert_eq!(v.raid(), Some("RawDevice"));
    assert_eq!(v.capacity_bytes, disk["CapacityBytes"].as_u64());
    assert_eq!(v.links.drives.len(), 1);
    assert!(
        st[0]
            .drives
            .iter()
            .any(|d| d.odata_id == v.links.drives[0].path()),
        "the volume's drive is one of the controller's"
    );
    assert!(inv.to_string().contains("3 drive(s), 3 volume(s)"), "{inv}");
    // NICs, processors and simple storage are not in the tree: the inventory names them.
    assert_eq!(
        gap_paths(&inv),
        [
            "/redfish/v1/Systems/System.Embedded.1/EthernetInterfaces",
            "/redfish/v1/Systems/System.Embedded.1/Processors",
            "/redfish/v1/Systems/System.Embedded.1/SimpleStorage",
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService/FirmwareInventory"
        ]
    );
}

/// NVIDIA's OpenBMC on a BlueField-3 DPU: no CD among the boot targets and no virtual media at all
/// (each a clear Unsupported naming what the service offers), `"Members": null` in its storage
/// collection (no storage, not a gap), reset types only in an ActionInfo.
#[tokio::test]
async fn openbmc_bluefield3_has_no_cd_and_says_so() {
    let srv = serve("openbmc-nvidia-bluefield3");
    let bmc = srv.client();
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/Bluefield");
    let sys = server.get().await.unwrap();
    assert_eq!(sys.model.as_deref(), Some("BlueField-3 SmartNIC Main Card"));
    let boot = sys.boot.clone().unwrap();
    let allowed = strings(
        &srv.json("/redfish/v1/Systems/Bluefield"),
        "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues",
    );
    assert_eq!(boot.targets(), allowed);
    assert_eq!(boot.allowed_modes, ["Legacy", "UEFI"]);
    let err = server.cd_boot_target().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(
        err.to_string().contains(&format!(
            "/redfish/v1/Systems/Bluefield offers no CD/DVD boot override target (allowed: {})",
            allowed.join(", ")
        )),
        "{err}"
    );
    let err = server.cd_media().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("no VirtualMedia link on the system or its managers"),
        "{err}"
    );
    // A target it lists, with a mode it lists, passes validation (sushy-static takes the PATCH).
    server
        .set_boot_override(
            &BootOverride::once("UefiHttp")
                .mode("UEFI")
                .http_boot_uri("http://192.0.2.10/boot.efi"),
        )
        .await
        .unwrap();
    let err = server
        .set_boot_override(&BootOverride::once("Pxe").mode("UEFI-CSM"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("allowed: Legacy, UEFI"), "{err}");
    let info = srv.json("/redfish/v1/Systems/Bluefield/ResetActionInfo");
    let err = server.reset(ResetType::PushPowerButton).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&strings(&info, "/Parameters/0/AllowableValues").join(", ")),
        "{err}"
    );

    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert!(s.storage.is_empty() && s.processors.is_empty());
    assert_eq!(s.nics.len(), 3);
    assert_eq!(s.nics[0].speed_mbps, Some(100_000));
    assert_eq!(
        inv.managers[0].firmware_version.as_deref(),
        Some("BF-24.10-10")
    );
    assert_eq!(
        gap_paths(&inv),
        [
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService/FirmwareInventory"
        ]
    );
}

/// Huawei iBMC 3.12 on a 2288H V5 (python-ibmcclient's replies): storage at `Storages` with its
/// drives under the chassis, managers linked from the system as `Links.Managers` (not `ManagedBy`, so
/// found from the manager's `ManagerForServers`), reset types only in an ActionInfo the replies lack,
/// virtual media under the manager (not recorded: a typed 404 naming it).
#[tokio::test]
async fn huawei_ibmc_2288hv5_inventory_and_discovery() {
    let srv = serve("huawei-ibmc-2288hv5");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.redfish_version.as_deref(), Some("1.0.2"));
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    let sys = server.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/1");
    assert_eq!(sys.model, Some(text(&disk, "/Model")));
    assert_eq!(
        (sys.manufacturer.as_deref(), sys.model.as_deref()),
        (Some("Huawei"), Some("2288H V5"))
    );
    assert_eq!(sys.serial_number.as_deref(), Some("2102311TYBN0J3000293"));
    assert_eq!(sys.bios_version.as_deref(), Some("0.95"));
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(128.0));
    assert_eq!(
        sys.boot.as_ref().unwrap().targets(),
        strings(
            &disk,
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    assert!(sys.links.managed_by.is_empty());
    assert!(disk.pointer("/Links/Managers/0/@odata.id").is_some());
    let managers = server.managers().await.unwrap();
    assert_eq!(managers.len(), 1);
    assert_eq!(
        (
            managers[0].model.as_deref(),
            managers[0].firmware_version.as_deref()
        ),
        (Some("iBMC"), Some("3.12"))
    );
    // No inline reset types, and the ActionInfo is not in the replies: nothing to validate against.
    assert!(sys.reset_types().is_empty());
    assert_eq!(
        sys.actions.reset.as_ref().unwrap().action_info.as_deref(),
        Some("/redfish/v1/Systems/1/ResetActionInfo")
    );
    assert_eq!(
        server.virtual_media_collections().await.unwrap(),
        ["/redfish/v1/Managers/1/VirtualMedia"]
    );
    let err = server.discover_cd_boot().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/Managers/1/VirtualMedia answered HTTP 404"),
        "{err}"
    );

    // BIOS: 756 attributes; the pending settings object it names is not in the replies.
    let bios = BiosSettings::new(server.clone());
    let current = bios.current().await.unwrap();
    assert_eq!(
        current.len(),
        srv.json("/redfish/v1/Systems/1/Bios")["Attributes"]
            .as_object()
            .unwrap()
            .len()
    );
    assert_eq!(current.len(), 756);
    let err = bios.pending().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("/redfish/v1/Systems/1/Bios/Settings"),
        "{err}"
    );
    let err = SecureBootSettings::new(server.clone())
        .status()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("links no SecureBoot"), "{err}");

    // Sessions: the root names no Links.Sessions; its SessionService is not in the replies.
    let err = Client::builder(srv.url())
        .session_auth("Administrator", "not-a-real-password")
        .build()
        .unwrap()
        .systems()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/SessionService answered HTTP 404"),
        "{err}"
    );

    // Inventory: the RAID controller's ten drives, linked under the chassis.
    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.storage.len(), 1);
    assert_eq!(s.storage[0].storage.id, "RAIDStorage0");
    assert_eq!(s.drives().count(), 10);
    assert_eq!(
        s.drives()
            .filter(|d| d.capacity_bytes == Some(3_999_999_721_472))
            .count(),
        8
    );
    // Two volumes (Volume v1.0.1: no RAIDType, the older VolumeType's category), each on one
    // drive; the RAID level is read from Oem.Huawei.VolumeRaidLevel (it used to show NonRedundant).
    let volumes = &s.storage[0].volumes;
    let ids: Vec<&str> = volumes.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["LogicalDrive0", "LogicalDrive1"]);
    for (v, id) in volumes.iter().zip(ids) {
        let disk = srv.json(&format!(
            "/redfish/v1/Systems/1/Storages/RAIDStorage0/Volumes/{id}"
        ));
        assert_eq!(text(&disk, "/VolumeType"), "NonRedundant");
        assert_eq!(
            v.raid(),
            Some(text(&disk, "/Oem/Huawei/VolumeRaidLevel").as_str())
        );
        assert_eq!(v.raid(), Some("RAID0"));
    }
    assert_eq!(volumes[0].capacity_bytes, Some(536_870_912_000));
    assert_eq!(
        volumes[0].links.drives[0].path(),
        "/redfish/v1/Chassis/1/Drives/HDDPlaneDisk0"
    );
    assert_eq!(inv.managers.len(), 1);
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Systems/1/EthernetInterfaces",
            "/redfish/v1/Systems/1/Processors",
            "/redfish/v1/Chassis",
            "/redfish/v1/UpdateService",
        ],
        "volume LogicalDrive1 (LogicalDrive1): RAID0 536870912000 bytes on 1 drive(s) OK",
    );
    assert!(inv
        .to_string()
        .contains("drive HDDPlaneDisk40: HDD HUC101860CSS200 598999040000 bytes serial 0BHDEM3H"));
}

/// A Gigabyte H262-Z63 node (AMI firmware 12.03.3, Redfish 1.6.0, system id `Self`) of an HPE Cray
/// system, from hms-smd's recorded replies: reset types only in an ActionInfo (which is served),
/// virtual media under the manager (not recorded).
#[tokio::test]
async fn gigabyte_h262_inventory_and_discovery() {
    let srv = serve("gigabyte-h262-z63");
    let bmc = srv.client();
    let root = bmc.service_root().await.unwrap();
    assert_eq!(root.product.as_deref(), Some("AMI Redfish Server"));
    let server = bmc.find_system(&SystemSelector::Only).await.unwrap();
    assert_eq!(server.path(), "/redfish/v1/Systems/Self");
    let sys = server.get().await.unwrap();
    let disk = srv.json("/redfish/v1/Systems/Self");
    assert_eq!(sys.model, Some(text(&disk, "/Model")));
    assert_eq!(sys.model.as_deref(), Some("H262-Z63-YF"));
    assert_eq!(sys.manufacturer.as_deref(), Some("Cray Inc."));
    // The padded processor model is trimmed.
    assert_eq!(sys.cpu_model(), Some("AMD EPYC 7542 32-Core Processor"));
    assert_eq!(sys.memory_summary.as_ref().unwrap().total_gib, Some(244.0));
    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        strings(
            &disk,
            "/Boot/BootSourceOverrideTarget@Redfish.AllowableValues"
        )
    );
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    // Reset types from the ActionInfo: a value it lacks is refused before anything is sent.
    assert!(sys.reset_types().is_empty());
    let info = srv.json("/redfish/v1/Systems/Self/ResetActionInfo");
    let allowed = strings(&info, "/Parameters/0/AllowableValues");
    let err = server.reset(ResetType::Nmi).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains(&allowed.join(", ")), "{err}");
    server.reset(ResetType::ForceRestart).await.unwrap();
    let managers = server.managers().await.unwrap();
    assert_eq!(managers[0].firmware_version.as_deref(), Some("12.03.3"));
    let err = server.discover_cd_boot().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/Managers/Self/VirtualMedia answered HTTP 404"),
        "{err}"
    );

    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.nics.len(), 2);
    assert_eq!(s.processors.len(), 2);
    assert_eq!(s.processors[0].total_cores, Some(32));
    assert_eq!(s.storage.len(), 1);
    assert_eq!(inv.chassis.len(), 1);
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Systems/Self/SimpleStorage",
            "/redfish/v1/Systems/Self/SecureBoot",
        ],
        "nic 1: B4:2E:99:B5:D7:11",
    );
}

/// An Intel S2600BPB board (BMC 1.43, Redfish 1.1.0) of an HPE Cray system, from hms-smd's replies:
/// two storage controllers of eight drives each, seven chassis (boards, risers, power supplies) and a
/// chassis collection member that does not exist (the test data's `DeadLink404Test`), named as a gap
/// while the rest is reported; no BIOS or secure boot links.
#[tokio::test]
async fn intel_s2600bpb_inventory_and_discovery() {
    let srv = serve("intel-s2600bpb");
    let bmc = srv.client();
    let server = bmc
        .find_system(&SystemSelector::Id("QSBP74304715".into()))
        .await
        .unwrap();
    let sys = server.get().await.unwrap();
    assert_eq!(sys.model.as_deref(), Some("S2600BPB"));
    assert_eq!(
        sys.bios_version.as_deref(),
        Some("SE5C620.86B.00.01.0013.C0001.030920180427")
    );
    assert_eq!(
        sys.reset_types(),
        [
            "On",
            "ForceOff",
            "GracefulShutdown",
            "GracefulRestart",
            "ForceRestart",
            "Nmi"
        ]
    );
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    let err = BiosSettings::new(server.clone())
        .current()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(err.to_string().contains("has no Bios resource"), "{err}");
    let err = server.discover_cd_boot().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("GET /redfish/v1/Managers/BMC/VirtualMedia answered HTTP 404"),
        "{err}"
    );
    let inv = bmc.inventory().await.unwrap();
    let s = &inv.systems[0];
    assert_eq!(s.storage.len(), 2);
    assert_eq!(s.drives().count(), 16);
    assert_eq!(s.processors.len(), 2);
    assert_eq!(inv.chassis.len(), 7);
    assert_eq!(
        inv.managers[0].firmware_version.as_deref(),
        Some("1.43.660a4315")
    );
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Chassis/DeadLink404Test",
            "/redfish/v1/UpdateService",
        ],
        "chassis PwrSupply2FRU: Card SOLUM CO., LTD. PSSF222201A serial CNS2221A4AHAP0374",
    );
}

/// An HPE Cray EX node card controller (hms-smd's replies): two nodes, no model or serial, no link
/// between the systems and their manager, no virtual media; reset types only in an ActionInfo, which
/// lists a non-standard `Off` and no restart.
#[tokio::test]
async fn cray_ex_node_card_two_nodes_without_virtual_media() {
    let srv = serve("cray-ex-nodecard");
    let bmc = srv.client();
    let systems = bmc.systems().await.unwrap();
    let paths: Vec<&str> = systems.iter().map(|s| s.path()).collect();
    assert_eq!(
        paths,
        ["/redfish/v1/Systems/Node1", "/redfish/v1/Systems/Node0"]
    );
    let err = bmc.find_system(&SystemSelector::Only).await.unwrap_err();
    assert!(
        err.to_string().contains("the service has 2 systems"),
        "{err}"
    );
    let node0 = bmc
        .find_system(&SystemSelector::Id("Node0".into()))
        .await
        .unwrap();
    let sys = node0.get().await.unwrap();
    assert_eq!(
        (sys.model.as_deref(), sys.serial_number.as_deref()),
        (None, None)
    );
    assert_eq!(sys.bios_version.as_deref(), Some("wnc.bios-0.6.0"));
    let err = node0.reset(ResetType::ForceRestart).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(
        err.to_string().contains("allowed: ForceOff, Off, On"),
        "{err}"
    );
    // Two systems and no ManagedBy / ManagerForServers: the manager is not guessed.
    assert!(node0.managers().await.unwrap().is_empty());
    let err = node0.discover_cd_boot().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(
        err.to_string().contains("has no CD/DVD virtual media"),
        "{err}"
    );
    let inv = bmc.inventory().await.unwrap();
    assert_eq!(inv.systems.len(), 2);
    assert!(inv
        .systems
        .iter()
        .all(|s| s.nics.len() == 1 && s.drives().count() == 1));
    assert_eq!(inv.chassis.len(), 3);
    assert_gaps_and_report(
        &inv,
        &[
            "/redfish/v1/Systems/Node1/SimpleStorage",
            "/redfish/v1/Systems/Node1/SecureBoot",
            "/redfish/v1/Systems/Node0/SimpleStorage",
            "/redfish/v1/Systems/Node0/SecureBoot",
            "/redfish/v1/UpdateService",
        ],
        "nic ManagementEthernet: 00:40:a6:82:f5:89",
    );
}

/// Dell iDRAC 9 firmware 7.10 on an R750 (libredfish's `dell_multi_dpu` capture): its firmware
/// inventory lists each component's running image and, under the same name, its rollback image
/// (`Previous-…`). The report tells entries that share a name apart by Id and marks the images that
/// are not running, so "BIOS 1.6.5" is not read as the BIOS of the server.
#[tokio::test]
async fn dell_idrac9_fw7_firmware_inventory_tells_running_from_rollback() {
    let srv = serve("dell-idrac9-r750-fw7");
    let bmc = srv.client();
    let inv = bmc.inventory().await.unwrap();
    let listed = srv.json("/redfish/v1/UpdateService/FirmwareInventory");
    assert_eq!(
        inv.firmware.len(),
        listed["Members"].as_array().unwrap().len()
    );
    assert_eq!(inv.firmware.len(), 23);
    let standby: Vec<&str> = inv
        .firmware
        .iter()
        .filter(|f| f.is_standby())
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        standby,
        [
            "Previous-159-1.6.5__BIOS.Setup.1-1",
            "Previous-25227-6.00.30.00__iDRAC.Embedded.1-1"
        ]
    );
    assert_eq!(
        inv.managers[0].firmware_version.as_deref(),
        Some("7.10.30.00")
    );
    let report = inv.to_string();
    for line in [
        "firmware Integrated Dell Remote Access Controller (Installed-25227-7.10.30.00__iDRAC.Embedded.1-1): 7.10.30.00\n",
        "firmware Integrated Dell Remote Access Controller (Previous-25227-6.00.30.00__iDRAC.Embedded.1-1): 6.00.30.00 (not running: a rollback or staged image)\n",
        "firmware BIOS (Previous-159-1.6.5__BIOS.Setup.1-1): 1.6.5 (not running: a rollback or staged image)\n",
        // A name only one entry has is shown alone.
        "firmware TPM: 7.2.2.0\n",
    ] {
        assert!(report.contains(line), "{line} not in {report}");
    }
    // Only the manager, the system and the update service are in the tree: the rest is named.
    assert!(gap_paths(&inv).contains(&"/redfish/v1/Chassis"));
}

/// Every file of `tests/data/redfish` is listed in SOURCES.md, in its tree's section, by the path it
/// is served at (or, for single replies, by its file name); where a row gives the sha256 of the
/// served bytes, the file on disk has it.
#[test]
fn every_data_file_is_in_sources_md_with_its_sha256() {
    use sha2::{Digest, Sha256};
    let dir = vendor_tree("");
    let sources = std::fs::read_to_string(dir.join("SOURCES.md")).unwrap();
    let mut section = String::new();
    let mut rows: std::collections::BTreeMap<(String, String), Option<String>> = Default::default();
    for line in sources.lines() {
        if let Some(name) = line.strip_prefix("## ") {
            section = name.trim().to_string();
        } else if line.starts_with("| `") {
            let key = line.split('`').nth(1).unwrap().to_string();
            let sha = line
                .trim_end_matches(|c: char| c == '|' || c.is_whitespace())
                .rsplit('`')
                .nth(1)
                .filter(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()))
                .map(String::from);
            rows.insert((section.clone(), key), sha);
        }
    }
    let mut checked = 0;
    for tree in std::fs::read_dir(&dir).unwrap() {
        let tree = tree.unwrap().path();
        if !tree.is_dir() {
            continue;
        }
        let name = tree.file_name().unwrap().to_string_lossy().into_owned();
        let mut stack = vec![tree.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let rel = p
                    .strip_prefix(&tree)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let key = match rel.strip_suffix("/index.json") {
                    Some(served) if served.starts_with("redfish/v1") => format!("/{served}"),
                    _ => rel.clone(),
                };
                let row = rows.get(&(name.clone(), key.clone()));
                let Some(sha) = row else {
                    panic!("{name}/{rel}: not in SOURCES.md (section '## {name}', row `{key}`)")
                };
                if let Some(want) = sha {
                    let got = hex::encode(Sha256::digest(std::fs::read(&p).unwrap()));
                    assert_eq!(&got, want, "{name}/{rel}: sha256 differs from SOURCES.md");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 380, "{checked}");
}

#[tokio::test]
async fn a_base_url_naming_the_service_root_works_too() {
    let srv = serve("hpe-ilo5-gen10");
    for base in [
        format!("{}/redfish/v1", srv.url()),
        format!("{}/redfish/v1/", srv.url()),
    ] {
        let bmc = Client::builder(&base).build().unwrap();
        let systems = bmc.systems().await.unwrap();
        assert_eq!(systems.len(), 1, "{base}");
        assert_eq!(systems[0].path(), "/redfish/v1/Systems/1/");
    }
}

/// Every resource of every tree, on disk, parses as the typed model its `@odata.type` names.
#[test]
fn every_resource_of_every_tree_parses() {
    use hermes_ilo::models::*;
    let mut typed = 0;
    for tree in [
        "dell-idrac9-r640",
        "hpe-ilo5-gen10",
        "dmtf-contoso-v1_20",
        "dmtf-contoso-v1_10",
        "lenovo-xcc-sr670v2",
        "supermicro-x13-sys821ge",
        "supermicro-x12-sys510t",
        "ami-megarac-dgx-h100",
        "openbmc-nvidia-gh200",
        "dell-idrac9-r750",
        "openbmc-nvidia-bluefield3",
        "huawei-ibmc-2288hv5",
        "gigabyte-h262-z63",
        "intel-s2600bpb",
        "cray-ex-nodecard",
        "dell-idrac9-r750-fw7",
        "openbmc-nvidia-gb200",
    ] {
        let root = vendor_tree(tree);
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let bytes = std::fs::read(&p).unwrap();
                let raw: Value = serde_json::from_slice(&bytes).unwrap();
                let ty = raw["@odata.type"].as_str().unwrap_or("").to_string();
                let kind = ty.trim_start_matches('#').split('.').next().unwrap_or("");
                let path = p.display().to_string();
                let ok = match kind {
                    "ServiceRoot" => parse::<ServiceRoot>(tree, &path, &bytes).map(|_| ()),
                    "ComputerSystem" => parse::<ComputerSystem>(tree, &path, &bytes).map(|_| ()),
                    "Manager" => parse::<Manager>(tree, &path, &bytes).map(|_| ()),
                    "VirtualMedia" => parse::<VirtualMedia>(tree, &path, &bytes).map(|_| ()),
                    "Bios" => parse::<Bios>(tree, &path, &bytes).map(|_| ()),
                    "SecureBoot" => parse::<SecureBoot>(tree, &path, &bytes).map(|_| ()),
                    "EthernetInterface" => {
                        parse::<EthernetInterface>(tree, &path, &bytes).map(|_| ())
                    }
                    "Processor" => parse::<Processor>(tree, &path, &bytes).map(|_| ()),
                    "Storage" => parse::<Storage>(tree, &path, &bytes).map(|_| ()),
                    "Drive" => parse::<Drive>(tree, &path, &bytes).map(|_| ()),
                    "Chassis" => parse::<Chassis>(tree, &path, &bytes).map(|_| ()),
                    "SoftwareInventory" => {
                        parse::<SoftwareInventory>(tree, &path, &bytes).map(|_| ())
                    }
                    "UpdateService" => parse::<UpdateService>(tree, &path, &bytes).map(|_| ()),
                    "SessionService" => parse::<SessionService>(tree, &path, &bytes).map(|_| ()),
                    "ActionInfo" => parse::<ActionInfo>(tree, &path, &bytes).map(|_| ()),
                    "SimpleStorage" => parse::<SimpleStorage>(tree, &path, &bytes).map(|_| ()),
                    k if k.ends_with("Collection") => {
                        parse::<Collection>(tree, &path, &bytes).map(|_| ())
                    }
                    _ => continue,
                };
                ok.unwrap_or_else(|e| panic!("{e}"));
                typed += 1;
            }
        }
    }
    assert!(typed >= 330, "{typed}");
}

/// The install workflow's plan discovers, read-only, how each service would take the ISO and boot it
/// (device, method, boot target), or fails naming the server, the step and the missing resource.
#[tokio::test]
async fn the_install_plan_discovers_media_and_boot_per_service() {
    use hermes_core::Provisioner;
    use hermes_ilo::install::{EsxiHost, EsxiInstaller, MediaSource, TcpCheck};
    use hermes_ilo::kickstart::{KickstartSpec, RootPassword};
    use std::sync::Arc;

    let dir = tempfile::tempdir().unwrap();
    let installer = EsxiInstaller::new(dir.path().join("state"), dir.path().join("iso"));
    let iso = "http://192.0.2.10/esxi-01.iso";
    let host_of = |name: &str, bmc: Client, system: SystemSelector| EsxiHost {
        name: name.into(),
        bmc,
        system,
        kickstart: KickstartSpec::builder("esxi-01.lab")
            .ip("10.0.20.1")
            .netmask("255.255.255.0")
            .gateway("10.0.20.254")
            .root_password(RootPassword::plain("test-pw-123"))
            .build()
            .unwrap(),
        media: MediaSource::Url(iso.into()),
        answering: Arc::new(TcpCheck::ssh("127.0.0.1:9")),
    };
    let host = |name: &str, bmc: Client| host_of(name, bmc, SystemSelector::Only);

    // iLO 5 v1.15: no standard InsertMedia on the device, so PATCH; boot target Cd.
    let srv = serve("hpe-ilo5-gen10");
    let plan = installer
        .plan(&host("gen10", srv.client()))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains(&format!(
            "PATCH /redfish/v1/Managers/1/VirtualMedia/2/ Image={iso}"
        )),
        "{plan}"
    );
    assert!(
        plan.contains("PATCH /redfish/v1/Systems/1/ BootSourceOverrideTarget=Cd Once"),
        "{plan}"
    );

    // DMTF v1_20: the device under the system.
    let srv = serve("dmtf-contoso-v1_20");
    let found = srv
        .client()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap()
        .discover_cd_boot()
        .await
        .unwrap();
    assert_eq!(
        found.insert,
        hermes_ilo::InsertMethod::Patch {
            path: "/redfish/v1/Systems/437XR1138R2/VirtualMedia/CD1".into()
        }
    );
    assert_eq!(found.boot_target, "Cd");
    assert_eq!(found.reset_types.len(), 8);
    let plan = installer
        .plan(&host("contoso", srv.client()))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains("PATCH /redfish/v1/Systems/437XR1138R2/VirtualMedia/CD1 Image="),
        "{plan}"
    );

    // DMTF v1_10: only a floppy/USB device; Dell: the virtual media collection is not served.
    let srv = serve("dmtf-contoso-v1_10");
    let err = installer
        .plan(&host("contoso-old", srv.client()))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("server contoso-old: step 'discover virtual media'")
            && text.contains("has no CD/DVD virtual media"),
        "{text}"
    );
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    let srv = serve("dell-idrac9-r640");
    let err = installer
        .plan(&host("r640", srv.client()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string()
            .contains("/redfish/v1/Managers/iDRAC.Embedded.1/VirtualMedia"),
        "{err}"
    );

    // Lenovo XCC: no actions on its devices, so PATCH of the first CD device the system lists.
    let srv = serve("lenovo-xcc-sr670v2");
    let plan = installer
        .plan(&host("sr670", srv.client()))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains(&format!(
            "PATCH /redfish/v1/Systems/1/VirtualMedia/EXT1 Image={iso}"
        )),
        "{plan}"
    );
    // Supermicro X13: the standard action, on the device under the manager.
    let srv = serve("supermicro-x13-sys821ge");
    let plan = installer
        .plan(&host("x13", srv.client()))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains(&format!(
            "POST /redfish/v1/Managers/1/VirtualMedia/VirtualMedia1/Actions/VirtualMedia.InsertMedia InsertMedia {iso}"
        )),
        "{plan}"
    );
    assert!(
        plan.contains("PATCH /redfish/v1/Systems/1 BootSourceOverrideTarget=Cd Once"),
        "{plan}"
    );
    // OpenBMC GH200, two systems: the host named by Id; the AMI DGX: no device in its collection.
    let srv = serve("openbmc-nvidia-gh200");
    let err = installer
        .plan(&host("gh200", srv.client()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("the service has 2 systems"),
        "{err}"
    );
    let plan = installer
        .plan(&host_of(
            "gh200",
            srv.client(),
            SystemSelector::Id("System_0".into()),
        ))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains("PATCH /redfish/v1/Systems/System_0 BootSourceOverrideTarget=Cd Once"),
        "{plan}"
    );
    // OpenBMC GB200: the same shape as the GH200, with a newer firmware.
    let srv = serve("openbmc-nvidia-gb200");
    let plan = installer
        .plan(&host_of(
            "gb200",
            srv.client(),
            SystemSelector::Id("System_0".into()),
        ))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains(&format!(
            "POST /redfish/v1/Managers/BMC_0/VirtualMedia/USB2/Actions/VirtualMedia.InsertMedia InsertMedia {iso}"
        )) && plan.contains("PATCH /redfish/v1/Systems/System_0 BootSourceOverrideTarget=Cd Once")
            && plan.contains("restarts the running server (ForceRestart)"),
        "{plan}"
    );
    // iDRAC 9 on the R750: the first device under the system, by its InsertMedia action.
    let srv = serve("dell-idrac9-r750");
    let plan = installer
        .plan(&host("r750", srv.client()))
        .await
        .unwrap()
        .render();
    assert!(
        plan.contains(&format!(
            "POST /redfish/v1/Systems/System.Embedded.1/VirtualMedia/1/Actions/VirtualMedia.InsertMedia InsertMedia {iso}"
        )),
        "{plan}"
    );
    let srv = serve("ami-megarac-dgx-h100");
    let err = installer
        .plan(&host_of(
            "dgx",
            srv.client(),
            SystemSelector::Id("DGX".into()),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
    assert!(
        err.to_string()
            .contains("server dgx: step 'discover virtual media'"),
        "{err}"
    );
    // The newer trees: each names the server, the step and what its replies lack.
    for (tree, selector, kind, missing) in [
        (
            "huawei-ibmc-2288hv5",
            SystemSelector::Only,
            ErrorKind::NotFound,
            "GET /redfish/v1/Managers/1/VirtualMedia answered HTTP 404",
        ),
        (
            "gigabyte-h262-z63",
            SystemSelector::Only,
            ErrorKind::NotFound,
            "GET /redfish/v1/Managers/Self/VirtualMedia answered HTTP 404",
        ),
        (
            "intel-s2600bpb",
            SystemSelector::Only,
            ErrorKind::NotFound,
            "GET /redfish/v1/Managers/BMC/VirtualMedia answered HTTP 404",
        ),
        (
            "cray-ex-nodecard",
            SystemSelector::Id("Node0".into()),
            ErrorKind::Unsupported,
            "/redfish/v1/Systems/Node0 has no CD/DVD virtual media",
        ),
    ] {
        let srv = serve(tree);
        let err = installer
            .plan(&host_of(tree, srv.client(), selector))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{tree}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("server {tree}: step 'discover virtual media'"))
                && text.contains(missing),
            "{tree}: {text}"
        );
    }
}

/// Session login goes to the sessions collection the service root names (Dell: `/redfish/v1/Sessions`,
/// iLO: `/redfish/v1/SessionService/Sessions/`), never an assumed path. sushy-static answers the login
/// POST with 204 and no token, which the client reports as "no sessions here: use basic auth".
#[tokio::test]
async fn session_login_uses_the_sessions_link_of_each_service() {
    for (tree, sessions) in [
        ("dell-idrac9-r640", "/redfish/v1/Sessions"),
        ("hpe-ilo5-gen10", "/redfish/v1/SessionService/Sessions/"),
        ("dmtf-contoso-v1_20", "/redfish/v1/SessionService/Sessions"),
        ("lenovo-xcc-sr670v2", "/redfish/v1/SessionService/Sessions"),
        (
            "supermicro-x13-sys821ge",
            "/redfish/v1/SessionService/Sessions",
        ),
        (
            "ami-megarac-dgx-h100",
            "/redfish/v1/SessionService/Sessions",
        ),
        (
            "openbmc-nvidia-gh200",
            "/redfish/v1/SessionService/Sessions",
        ),
        ("gigabyte-h262-z63", "/redfish/v1/SessionService/Sessions"),
        ("intel-s2600bpb", "/redfish/v1/SessionService/Sessions"),
        ("cray-ex-nodecard", "/redfish/v1/SessionService/Sessions"),
        (
            "openbmc-nvidia-gb200",
            "/redfish/v1/SessionService/Sessions",
        ),
    ] {
        let srv = serve(tree);
        assert_eq!(
            text(&srv.json("/redfish/v1"), "/Links/Sessions/@odata.id"),
            sessions
        );
        let bmc = Client::builder(srv.url())
            .session_auth("admin", "not-a-real-password")
            .build()
            .unwrap();
        let err = bmc.systems().await.unwrap_err();
        let msg = err.to_string();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{tree}: {msg}");
        assert!(
            msg.contains(&format!(
                "session login at {sessions} answered HTTP 204 without an X-Auth-Token"
            )),
            "{tree}: {msg}"
        );
        assert!(!msg.contains("not-a-real-password"));
    }
}

/// Cisco CIMC's virtual media shape (no licensed capture: the replies below are written here, in
/// the layout CIMC 4.x uses, with other values): the CD under `Managers/CIMC`, `InsertMedia` listing
/// `TransferProtocolType` CIFS, HTTP, HTTPS, NFS inline, and prose as the "allowable values" of
/// `Image`. An `smb://` share is sent as `CIFS` (it was refused as "SMB"), an http URL as `HTTP`,
/// and the prose is not taken as a list of allowed images.
#[tokio::test]
async fn cimc_shaped_insert_media_names_an_smb_share_cifs() {
    use std::sync::{Arc, Mutex};
    let posts: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let log = posts.clone();
    let url = common::serve_http(move |req: hyper::Request<hyper::body::Incoming>| {
        let log = log.clone();
        async move {
            use http_body_util::BodyExt as _;
            let method = req.method().clone();
            let path = req.uri().path().trim_end_matches('/').to_string();
            let body = req.into_body().collect().await.unwrap().to_bytes();
            let sys = "/redfish/v1/Systems/WZP00000001";
            let vm = "/redfish/v1/Managers/CIMC/VirtualMedia";
            let doc = match path.as_str() {
                "/redfish/v1" => serde_json::json!({"@odata.id": "/redfish/v1",
                    "Systems": {"@odata.id": "/redfish/v1/Systems"},
                    "Managers": {"@odata.id": "/redfish/v1/Managers"}}),
                "/redfish/v1/Systems" => serde_json::json!({"Members": [{"@odata.id": sys}]}),
                p if p == sys => serde_json::json!({"@odata.id": sys, "Id": "WZP00000001",
                    "PowerState": "On", "Links": {"ManagedBy": [{"@odata.id": "/redfish/v1/Managers/CIMC"}]},
                    "Boot": {"BootSourceOverrideTarget@Redfish.AllowableValues": ["None", "Pxe", "Floppy", "Cd", "Hdd"]},
                    "Actions": {"#ComputerSystem.Reset": {"target": format!("{sys}/Actions/ComputerSystem.Reset"),
                        "ResetType@Redfish.AllowableValues": ["On", "ForceOff", "ForceRestart"]}}}),
                "/redfish/v1/Managers/CIMC" => serde_json::json!({"@odata.id": "/redfish/v1/Managers/CIMC",
                    "Id": "CIMC", "VirtualMedia": {"@odata.id": vm}}),
                p if p == vm => serde_json::json!({"Members": [{"@odata.id": format!("{vm}/1")}, {"@odata.id": format!("{vm}/0")}]}),
                p if p == format!("{vm}/1") => serde_json::json!({"@odata.id": p, "Id": "1",
                    "MediaTypes": ["Floppy", "USBStick"], "Inserted": false}),
                p if p == format!("{vm}/0") => serde_json::json!({"@odata.id": p, "Id": "0",
                    "MediaTypes": ["CD", "DVD"], "Inserted": false, "Actions": {
                    "#VirtualMedia.InsertMedia": {"target": format!("{p}/Actions/VirtualMedia.InsertMedia"),
                        "Image@Redfish.AllowableValues": ["The URI of the remote media to attach. (Required)"],
                        "TransferMethod@Redfish.AllowableValues": ["Stream"],
                        "TransferProtocolType@Redfish.AllowableValues": ["CIFS", "HTTP", "HTTPS", "NFS"]},
                    "#VirtualMedia.EjectMedia": {"target": format!("{p}/Actions/VirtualMedia.EjectMedia")}}}),
                _ if method == hyper::Method::POST => {
                    log.lock().unwrap().push((path.clone(), serde_json::from_slice(&body).unwrap()));
                    return hyper::Response::builder().status(204)
                        .body(http_body_util::Full::new(bytes::Bytes::new())).unwrap();
                }
                _ => return hyper::Response::builder().status(404)
                    .body(http_body_util::Full::new(bytes::Bytes::new())).unwrap(),
            };
            hyper::Response::builder()
                .header("content-type", "application/json")
                .body(http_body_util::Full::new(bytes::Bytes::from(doc.to_string())))
                .unwrap()
        }
    })
    .await;
    let server = Client::builder(&url)
        .build()
        .unwrap()
        .find_system(&SystemSelector::Only)
        .await
        .unwrap();
    let found = server.discover_cd_boot().await.unwrap();
    assert_eq!(
        found.media.odata_id,
        "/redfish/v1/Managers/CIMC/VirtualMedia/0"
    );
    assert_eq!(found.boot_target, "Cd");
    for (image, protocol) in [
        ("smb://192.0.2.10/isos/esxi.iso", "CIFS"),
        ("http://192.0.2.10/esxi.iso", "HTTP"),
        ("nfs://192.0.2.10/isos/esxi.iso", "NFS"),
    ] {
        assert_eq!(
            server.insert_media(image).await.unwrap(),
            MediaChange::Action
        );
        let (path, body) = posts.lock().unwrap().pop().unwrap();
        assert_eq!(
            path,
            "/redfish/v1/Managers/CIMC/VirtualMedia/0/Actions/VirtualMedia.InsertMedia"
        );
        assert_eq!(body["TransferProtocolType"], protocol, "{image}");
        assert_eq!(body["Image"], image);
    }
}
