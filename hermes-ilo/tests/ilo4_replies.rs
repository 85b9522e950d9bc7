//! A real HPE iLO 4 reply (ProLiant BL460c Gen9; `tests/data/redfish/hpe-ilo4-replies`, from the
//! Apache-2.0 proliantutils' iLO 4 test samples, provenance and sha256 in the data directory's
//! SOURCES.md). It is iLO 4's computer system in the shape its `/rest/v1` API (and, with `@odata`
//! annotations added, its Redfish 1.0 service) sends: `Type` instead of `@odata.type`, links as
//! `links.*.href`, `Bios` and `Memory` as objects holding values instead of links, the boot targets
//! in `BootSourceOverrideSupported` and the UEFI device paths in `UefiTargetBootSourceOverrideSupported`.
//! The part of the flow covered: the system model and boot override discovery and validation, and the
//! BIOS, which iLO 4 links only as `Oem.Hp.links.BIOS` and whose `HpBios` resource holds its
//! attributes as its own members, its pending settings linked as `links.Settings.href` (served by a
//! local server answering only those resources, so nothing else can be read by accident).

mod common;

use std::path::PathBuf;

use bytes::Bytes;
use hermes_core::{Classify, ErrorKind};
use std::sync::{Arc, Mutex};

use hermes_core::{Configurable, Mode};
use hermes_ilo::bios::{BiosAttributes, BiosSettings};
use hermes_ilo::models::{parse, ComputerSystem};
use hermes_ilo::secureboot::SecureBootSettings;
use hermes_ilo::{BootOverride, Client, SystemSelector};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};

const SYSTEM: &str = "/redfish/v1/Systems/1";

fn system_bytes() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/redfish/hpe-ilo4-replies/ris-system-bl460c-gen9.json");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const UEFI_PATHS: [&str; 5] = [
    "HD.Emb.1.2",
    "Generic.USB.1.1",
    "NIC.FlexLOM.1.1.IPv4",
    "NIC.FlexLOM.1.1.IPv6",
    "CD.Virtual.2.1",
];

#[test]
fn ilo4_system_shape_is_read() {
    let sys: ComputerSystem = parse("ilo4", SYSTEM, &system_bytes()).unwrap();
    assert_eq!(sys.model.as_deref(), Some("ProLiant BL460c Gen9"));
    assert_eq!(sys.manufacturer.as_deref(), Some("HP"));
    // `Bios` is `{"Current": {"VersionString": …}}`, not a link: the BIOS resource and the secure
    // boot are linked only under `Oem.Hp.links`.
    assert_eq!(sys.bios, None);
    assert_eq!(sys.bios_link().unwrap().path(), "/rest/v1/systems/1/bios");
    assert_eq!(
        sys.secure_boot_link().unwrap().path(),
        "/rest/v1/Systems/1/SecureBoot"
    );
    let boot = sys.boot.clone().unwrap();
    assert_eq!(
        boot.targets(),
        [
            "None",
            "Cd",
            "Hdd",
            "Usb",
            "Utilities",
            "Diags",
            "BiosSetup",
            "Pxe",
            "UefiShell",
            "UefiTarget"
        ]
    );
    assert_eq!(boot.cd_target().as_deref(), Some("Cd"));
    // iLO 4's older name for the UEFI device paths `UefiTarget` accepts.
    assert!(boot.allowed_uefi_targets.is_empty());
    assert_eq!(boot.uefi_targets(), UEFI_PATHS);
    // The power state is in `Power` (no `PowerState`) and the reset in `AvailableActions`: neither is
    // read (see the crate README's gaps).
    assert_eq!(sys.power_state, None);
    assert!(sys.actions.reset.is_none());
}

async fn serve_system() -> String {
    async fn handle(req: Request<Incoming>) -> Response<Full<Bytes>> {
        let (status, body) = match (req.method().as_str(), req.uri().path()) {
            ("GET", SYSTEM) => (200, system_bytes()),
            _ => (418, b"unexpected request".to_vec()),
        };
        Response::builder()
            .status(status)
            .header("Content-Type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .unwrap()
    }
    common::serve_http(handle).await
}

/// A UEFI device path iLO 4 does not list is refused before anything is sent, naming the paths it
/// lists; `UefiTarget` without a path says which paths there are.
#[tokio::test]
async fn uefi_target_is_validated_against_ilo4s_supported_paths() {
    let bmc = Client::builder(serve_system().await)
        .name("ilo4")
        .build()
        .unwrap();
    let server = bmc
        .find_system(&SystemSelector::Path(SYSTEM.into()))
        .await
        .unwrap();
    assert_eq!(server.cd_boot_target().await.unwrap(), "Cd");
    let err = server
        .set_boot_override(&BootOverride::once("UefiTarget").uefi_target("PciRoot(0x9)"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains(&UEFI_PATHS.join(", ")), "{err}");
    let err = server
        .set_boot_override(&BootOverride::once("UefiTarget"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("needs a UEFI device path")
            && err.to_string().contains("CD.Virtual.2.1"),
        "{err}"
    );
}

fn reply(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/redfish/hpe-ilo4-replies")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The system, its BIOS and pending BIOS settings (as recorded), PATCHes of the settings recorded in
/// `patches`; anything else is a 404 (the secure boot resource is not recorded).
async fn serve_system_and_bios(patches: Arc<Mutex<Vec<serde_json::Value>>>) -> String {
    common::serve_http(move |req: Request<Incoming>| {
        let patches = patches.clone();
        async move {
            let method = req.method().as_str().to_string();
            let path = req.uri().path().to_string();
            let body = http_body_util::BodyExt::collect(req.into_body())
                .await
                .unwrap()
                .to_bytes();
            let (status, body) = match (method.as_str(), path.as_str()) {
                ("GET", SYSTEM) => (200, system_bytes()),
                ("GET", "/rest/v1/systems/1/bios") => (200, reply("ris-bios-bl460c-gen9.json")),
                ("GET", "/rest/v1/systems/1/bios/Settings") => {
                    (200, reply("ris-bios-settings-bl460c-gen9.json"))
                }
                ("PATCH", "/rest/v1/systems/1/bios/Settings") => {
                    patches
                        .lock()
                        .unwrap()
                        .push(serde_json::from_slice(&body).unwrap());
                    (200, b"{}".to_vec())
                }
                _ => (404, b"{}".to_vec()),
            };
            Response::builder()
                .status(status)
                .header("Content-Type", "application/json")
                .body(Full::new(Bytes::from(body)))
                .unwrap()
        }
    })
    .await
}

/// iLO 4's BIOS is found through `Oem.Hp.links.BIOS`; its attributes are the resource's own members
/// (less `links`, `Type`, `Name`, `Description`, `AttributeRegistry`, `Modified`, `SettingsResult`),
/// overlaid with the pending settings of `links.Settings.href`; a change is PATCHed there the way iLO 4
/// takes it (attributes as members, no `Attributes` object). The secure boot link is followed too.
#[tokio::test]
async fn ilo4_bios_is_found_under_oem_hp_links_and_written_flat() {
    let patches = Arc::new(Mutex::new(Vec::new()));
    let bmc = Client::builder(serve_system_and_bios(patches.clone()).await)
        .name("ilo4")
        .build()
        .unwrap();
    let server = bmc
        .find_system(&SystemSelector::Path(SYSTEM.into()))
        .await
        .unwrap();
    let bios = BiosSettings::new(server.clone());
    let current = bios.current().await.unwrap();
    assert_eq!(current.len(), 144);
    assert_eq!(current.get("BootMode"), Some(&serde_json::json!("Uefi")));
    assert_eq!(
        current.get("EmbeddedSerialPort"),
        Some(&serde_json::json!("Com2Irq3"))
    );
    for meta in [
        "links",
        "Type",
        "Name",
        "Description",
        "AttributeRegistry",
        "SettingsResult",
    ] {
        assert!(current.get(meta).is_none(), "{meta} is not an attribute");
    }
    let pending = bios.pending().await.unwrap().unwrap();
    assert_eq!(pending.len(), 137);
    let live = bios.read().await.unwrap();
    assert_eq!(live.len(), 155);
    assert_eq!(
        live.get("EmbeddedSerialPort"),
        Some(&serde_json::json!("Com1Irq4"))
    );

    let want = BiosAttributes::new()
        .set("EmbeddedSerialPort", "Com2Irq3")
        .set("BootMode", "Uefi");
    let report = bios.converge(&want, Mode::Apply).await.unwrap();
    assert!(report.applied.unwrap().restart_required);
    assert_eq!(
        *patches.lock().unwrap(),
        [serde_json::json!({"EmbeddedSerialPort": "Com2Irq3"})]
    );

    // Secure boot: linked only as `Oem.Hp.links.SecureBoot`, which is followed (the resource is not
    // recorded, so the answer is a 404 naming it).
    let err = SecureBootSettings::new(server)
        .resource()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("/rest/v1/Systems/1/SecureBoot"),
        "{err}"
    );
}
