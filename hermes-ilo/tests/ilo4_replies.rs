//! A real HPE iLO 4 reply (ProLiant BL460c Gen9; `tests/data/redfish/hpe-ilo4-replies`, from the
//! Apache-2.0 proliantutils' iLO 4 test samples, provenance and sha256 in the data directory's
//! SOURCES.md). It is iLO 4's computer system in the shape its `/rest/v1` API (and, with `@odata`
//! annotations added, its Redfish 1.0 service) sends: `Type` instead of `@odata.type`, links as
//! `links.*.href`, `Bios` and `Memory` as objects holding values instead of links, the boot targets
//! in `BootSourceOverrideSupported` and the UEFI device paths in `UefiTargetBootSourceOverrideSupported`.
//! The part of the flow covered: the system model and boot override discovery and validation (served
//! by a local server answering only that resource, so nothing else can be read by accident).

mod common;

use std::path::PathBuf;

use bytes::Bytes;
use hermes_core::{Classify, ErrorKind};
use hermes_ilo::models::{parse, ComputerSystem};
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
    // `Bios` is `{"Current": {"VersionString": …}}`, not a link: no BIOS resource is linked.
    assert_eq!(sys.bios, None);
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
