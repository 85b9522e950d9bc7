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
