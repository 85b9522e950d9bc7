//! Malformed, truncated or corrupted replies give a typed error, never a panic: property tests over the
//! real iLO 5 bodies (`shared/data/redfish/hpe-ilo5`) and a sushy-emulator error body.

mod common;

use hermes_core::{Classify, ErrorKind};
use hermes_ilo::models::{
    parse, Bios, Collection, ComputerSystem, Manager, ServiceRoot, SoftwareInventory, Task,
    VirtualMedia,
};
use hermes_ilo::RedfishError;
use proptest::prelude::*;

fn bodies() -> Vec<Vec<u8>> {
    let root = common::ilo5_tree().join("redfish/v1");
    [
        "index.json",
        "Systems/1/index.json",
        "Managers/1/index.json",
        "Managers/1/VirtualMedia/2/index.json",
        "systems/1/bios/index.json",
        "UpdateService/FirmwareInventory/index.json",
        "UpdateService/FirmwareInventory/1/index.json",
    ]
    .iter()
    .map(|p| std::fs::read(root.join(p)).unwrap())
    .chain(std::iter::once(
        br#"{"error":{"code":"Base.1.0.GeneralError","message":"Authorization required","@Message.ExtendedInfo":[{"MessageId":"Base.1.0.GeneralError"}]}}"#.to_vec(),
    ))
    .collect()
}

/// Parses `bytes` as every model; each must give Ok or a Malformed error.
fn parse_all(bytes: &[u8]) -> Vec<bool> {
    fn one<T: serde::de::DeserializeOwned>(b: &[u8]) -> bool {
        match parse::<T>("fuzz", "/redfish/v1/x", b) {
            Ok(_) => true,
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Malformed, "{e}");
                assert!(e.to_string().contains("/redfish/v1/x"));
                false
            }
        }
    }
    let _ = RedfishError::parse(bytes);
    vec![
        one::<ComputerSystem>(bytes),
        one::<Manager>(bytes),
        one::<VirtualMedia>(bytes),
        one::<Bios>(bytes),
        one::<Collection>(bytes),
        one::<ServiceRoot>(bytes),
        one::<SoftwareInventory>(bytes),
        one::<Task>(bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn truncated_bodies_are_malformed_errors(which in 0usize..8, cut in 0.0f64..1.0) {
        let all = bodies();
        let body = &all[which % all.len()];
        let trimmed = body.trim_ascii_end();
        let at = ((trimmed.len() as f64) * cut) as usize;
        let oks = parse_all(&trimmed[..at]);
        // A strict prefix of a JSON object is never a JSON object.
        prop_assert!(oks.iter().all(|ok| !ok));
    }

    #[test]
    fn corrupted_bodies_never_panic(which in 0usize..8, edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)) {
        let all = bodies();
        let mut body = all[which % all.len()].clone();
        for (i, b) in edits {
            let at = i.index(body.len());
            body[at] = b;
        }
        parse_all(&body);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(&bytes);
    }
}

#[test]
fn whole_bodies_parse() {
    for b in bodies().iter().take(7) {
        assert!(parse_all(b).iter().all(|ok| *ok));
    }
    assert_eq!(
        parse::<ComputerSystem>("ilo", "/redfish/v1/Systems/1", b"")
            .unwrap_err()
            .to_string(),
        "ilo: /redfish/v1/Systems/1: malformed reply: empty body where a JSON resource was expected"
    );
    // A wrong type for a typed field is malformed too (not a panic, not a silent default).
    let err = parse::<ComputerSystem>("ilo", "/s", br#"{"PowerState": 5}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Malformed);
}
