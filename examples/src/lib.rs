//! Shared helpers for Hermes' example binaries (logging set-up, output formatting).

/// Sets up `tracing` output for an example: `RUST_LOG` if set, else `info` for Hermes' crates.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,hermes=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Checks a cron expression given as a flag value (`0 2 * * *`, `0 3 * * SUN`, `@daily`), so that a
/// wrong one is refused before anything runs, in clap's error naming the flag. Used as
/// `#[arg(value_parser = hermes_examples::cron_expr)]`.
///
/// ```
/// assert_eq!(hermes_examples::cron_expr("0 2 * * *").unwrap(), "0 2 * * *");
/// assert!(hermes_examples::cron_expr("0 2 * *").unwrap_err().contains("expected 5 fields"));
/// ```
pub fn cron_expr(s: &str) -> Result<String, String> {
    hermes_core::Schedule::parse_utc(s)
        .map(|_| s.to_string())
        .map_err(|e| {
            format!(
                "{}; write e.g. \"0 2 * * *\" (02:00 every day)",
                e.message()
            )
        })
}

/// Like [`cron_expr`], also accepting `off` (the job is not scheduled).
///
/// ```
/// assert_eq!(hermes_examples::cron_or_off("off").unwrap(), "off");
/// assert!(hermes_examples::cron_or_off("never").is_err());
/// ```
pub fn cron_or_off(s: &str) -> Result<String, String> {
    if s == "off" {
        Ok(s.to_string())
    } else {
        cron_expr(s).map_err(|e| format!("{e}, or off"))
    }
}

/// Checks an IANA time zone name given as a flag value (`UTC`, `Europe/Berlin`).
///
/// ```
/// assert_eq!(hermes_examples::time_zone("Europe/Berlin").unwrap(), "Europe/Berlin");
/// assert!(hermes_examples::time_zone("Berlin").unwrap_err().contains("Europe/Berlin"));
/// ```
pub fn time_zone(s: &str) -> Result<String, String> {
    hermes_core::Schedule::parse("@daily", s)
        .map(|_| s.to_string())
        .map_err(|_| {
            format!("unknown time zone {s:?}: write an IANA name such as Europe/Berlin or UTC")
        })
}
