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

/// How an example reaches a BMC (`--user`, `--password-env`, `--session`, `--ca-file`,
/// `--pin-sha256`, `--insecure`): flattened into the Redfish examples' flags, so each takes the
/// same login and trust options and builds its client the same way.
#[derive(clap::Args, Debug, Clone)]
pub struct BmcLogin {
    /// Login user (basic auth, or a session with --session; default: none, for an open service).
    #[arg(long)]
    pub user: Option<String>,
    /// Environment variable holding the password.
    #[arg(long, default_value = "REDFISH_PASSWORD")]
    pub password_env: String,
    /// Log in with a Redfish session (X-Auth-Token) instead of basic auth.
    #[arg(long)]
    pub session: bool,
    /// Trust this CA (PEM) for the BMC's certificate (default: the web PKI roots).
    #[arg(long, conflicts_with_all = ["pin_sha256", "insecure"])]
    pub ca_file: Option<std::path::PathBuf>,
    /// Pin the BMC's certificate by its SHA-256 fingerprint (`AB:CD:...`; default: none).
    #[arg(long, conflicts_with = "insecure")]
    pub pin_sha256: Option<String>,
    /// Accept any certificate (lab only).
    #[arg(long)]
    pub insecure: bool,
}

impl BmcLogin {
    /// A client for the BMC at `url` with these options; the password is read from
    /// `--password-env` only when `--user` is given, and its absence is an error naming both.
    pub fn client(&self, url: &str) -> Result<hermes_ilo::Client, Box<dyn std::error::Error>> {
        let mut builder = hermes_ilo::Client::builder(url).name(url);
        if let Some(user) = &self.user {
            let password = std::env::var(&self.password_env).map_err(|_| {
                format!(
                    "set {} to the password of {user} on {url}",
                    self.password_env
                )
            })?;
            builder = if self.session {
                builder.session_auth(user, password)
            } else {
                builder.basic_auth(user, password)
            };
        }
        if let Some(ca) = &self.ca_file {
            builder = builder.ca_pem_file(ca)?;
        }
        if let Some(pin) = &self.pin_sha256 {
            builder = builder.pin_sha256(pin)?;
        }
        if self.insecure {
            builder = builder.danger_accept_invalid_certs();
        }
        Ok(builder.build()?)
    }
}
