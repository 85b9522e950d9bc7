#![no_main]
use hermes_netdev::cisco::{CiscoConfig, Dialect};
use hermes_netdev::fortios::FortiConfig;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for d in [Dialect::Ios, Dialect::NxOs] {
            let cfg = CiscoConfig::parse(text, d);
            let _ = cfg.render(d);
        }
        let _ = FortiConfig::parse(text).render();
    }
});
