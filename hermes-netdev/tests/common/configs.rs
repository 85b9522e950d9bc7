//! Reading the configurations vendored in `tests/data/configs` (SOURCES.md there) and checking that
//! a model of one round-trips.
#![allow(dead_code)]

use hermes_netdev::cisco::{CiscoConfig, Dialect};
use hermes_netdev::fortios::FortiConfig;

/// The text of `tests/data/configs/<rel>`.
pub fn vendored(rel: &str) -> String {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    std::fs::read_to_string(dir.join("tests/data/configs").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e} (listed in tests/data/configs/SOURCES.md)"))
}

/// Parses a vendored Cisco file; it must re-render to the same model and self-diff to nothing.
pub fn cisco_model(rel: &str, d: Dialect) -> CiscoConfig {
    let m = CiscoConfig::parse(&vendored(rel), d);
    let out = m.render(d);
    assert_eq!(CiscoConfig::parse(&out, d), m, "{rel}\n{out}");
    assert!(m.diff(&m, d, rel).is_empty(), "{rel}");
    m
}

/// parse(render(m)) == m, a stable rendering and no self-diff.
pub fn fortios_round_trip(rel: &str, text: &str) -> FortiConfig {
    let m = FortiConfig::parse(text);
    let out = m.render();
    let again = FortiConfig::parse(&out);
    assert_eq!(again, m, "{rel}: parse(render(m)) != m\n{out}");
    assert_eq!(again.render(), out, "{rel}: the rendering is not stable");
    assert!(m.diff(&m, rel).is_empty(), "{rel}: self-diff not empty");
    m
}

/// The text of the validation error of `m` (which must not validate), checked to contain each of
/// `parts`.
pub fn invalid_with(m: &FortiConfig, parts: &[&str]) -> String {
    let err = m
        .validate("fgt")
        .expect_err("the configuration must not validate")
        .to_string();
    for part in parts {
        assert!(err.contains(part), "{part}: {err}");
    }
    err
}
