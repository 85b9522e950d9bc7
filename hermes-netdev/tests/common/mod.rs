//! Reaching the FakeNOS devices (`scripts/peers.sh up fakenos`) from the tests.

use std::time::Duration;

use hermes_netdev::cli::{CliTarget, Platform};

/// The FakeNOS device `name` (`n3k`, `c3750`, `fgt`): its address, credentials, enable secret and
/// pinned host key, from the peer's settings.
pub fn target(name: &str, platform: Platform) -> CliTarget {
    let peer = hermes_testkit::peer("fakenos");
    let addr = peer.setting(&format!("{}_ADDR", name.to_ascii_uppercase()));
    let fp = std::fs::read_to_string(peer.setting("HOST_KEY_FP_FILE"))
        .expect("fakenos host key fingerprint");
    CliTarget::new(name, addr, platform)
        .credentials(peer.setting("USER"), peer.setting("PASSWORD"))
        .enable_secret(peer.setting("ENABLE_SECRET"))
        .host_key_fingerprint(fp.trim())
        .command_timeout(Duration::from_secs(20))
}
