//! Shared test helpers: clients for the harness' Redfish peers (see scripts/peers.d/sushy.sh).
#![allow(dead_code)]

use hermes_core::RetryPolicy;
use hermes_ilo::Client;
use std::time::Duration;

/// A client of sushy-emulator over plain HTTP (peer `sushy`).
pub fn sushy() -> Client {
    let peer = hermes_testkit::peer("sushy");
    Client::builder(format!("http://{}", peer.addr()))
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// The HTTPS + basic auth emulator (peer `sushy-tls`): its address, CA PEM and password.
pub fn sushy_tls() -> (String, Vec<u8>, String, String) {
    let peer = hermes_testkit::peer("sushy-tls");
    let ca = std::fs::read(peer.setting("CA")).unwrap();
    let pw = std::fs::read_to_string(peer.setting("PASSWORD_FILE"))
        .unwrap()
        .trim()
        .to_string();
    (
        format!("https://{}", peer.addr()),
        ca,
        peer.setting("USER"),
        pw,
    )
}

/// A client of sushy-static serving the real HPE iLO 5 capture (peer `sushy-ilo5`).
pub fn ilo5() -> Client {
    let peer = hermes_testkit::peer("sushy-ilo5");
    Client::builder(format!("http://{}", peer.addr()))
        .name("ilo5-mockup")
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// The iLO 5 capture on disk (`shared/data/redfish/hpe-ilo5`).
pub fn ilo5_tree() -> std::path::PathBuf {
    hermes_testkit::shared_data().join("redfish/hpe-ilo5")
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(500))
}
