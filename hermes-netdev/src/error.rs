//! The crate's error type.
//!
//! Policy: every failure names the device (`target`) and what was being done. Input problems
//! (validation, a config that cannot be modelled) are [`ErrorKind::InvalidInput`] and are raised before
//! anything is sent. A device error line (`% Invalid input`) is [`NetError::DeviceRejected`]: the
//! command reached the device ([`Sent::Yes`]). A dropped session or a timeout mid-apply may have left
//! commands half-applied ([`Sent::Maybe`]): the apply path rolls back before returning it.

use std::time::Duration;

use hermes_core::{Classify, ErrorKind, Sent};

/// Result with [`NetError`].
pub type Result<T, E = NetError> = std::result::Result<T, E>;

/// What went wrong talking to or configuring a network device.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// The desired model is invalid (unknown VLAN on a trunk, overlapping subnets, duplicate ACL
    /// sequence...). Nothing was sent.
    #[error("{target}: invalid configuration: {}", problems.join("; "))]
    Invalid {
        /// The device.
        target: String,
        /// Every problem found.
        problems: Vec<String>,
    },
    /// A configuration text could not be modelled.
    #[error("{target}: cannot parse {what}: {detail}")]
    Parse {
        /// The device or file.
        target: String,
        /// What was parsed.
        what: String,
        /// Why.
        detail: String,
    },
    /// The device printed an error line for a command.
    #[error("{target}: the device rejected `{line}`: {message}")]
    DeviceRejected {
        /// The device.
        target: String,
        /// The command line it rejected.
        line: String,
        /// The device's error text.
        message: String,
    },
    /// The device asked for a confirmation (`[confirm]`, `(y/n)`) that the command was not sent to
    /// answer; the question was declined, so nothing was confirmed.
    #[error("{target}: `{line}` asks `{question}`; it was declined: send it with CliSession::command_confirm to answer")]
    ConfirmationRequired {
        /// The device.
        target: String,
        /// The command line that asked.
        line: String,
        /// The device's question.
        question: String,
    },
    /// Login was refused.
    #[error("{target}: login refused for user {user}")]
    Auth {
        /// The device.
        target: String,
        /// The user.
        user: String,
    },
    /// The connection failed or dropped.
    #[error("{target}: connection failed: {detail}")]
    Transport {
        /// The device.
        target: String,
        /// What happened.
        detail: String,
        /// Whether commands may have been sent.
        sent: Sent,
    },
    /// No prompt came back in time.
    #[error("{target}: no reply to `{command}` within {timeout:?}")]
    Timeout {
        /// The device.
        target: String,
        /// The command waited for.
        command: String,
        /// How long we waited.
        timeout: Duration,
    },
    /// An HTTP API (NX-API, FortiOS REST) returned an error status or body.
    #[error("{target}: API error {status}: {message}")]
    Api {
        /// The device.
        target: String,
        /// HTTP status (or JSON-RPC error code).
        status: i64,
        /// The server's message.
        message: String,
    },
    /// FortiOS REST refused a request: its `http_status`, FortiOS `error` code and `cli_error` text.
    #[error("{target}: FortiOS REST {method} {path} failed with HTTP {http_status}{}{}; {hint}",
        error.map(|c| format!(", error {c} ({})", crate::fortirest::error_meaning(c))).unwrap_or_default(),
        cli_error.as_deref().map(|c| format!(": {c}")).unwrap_or_default(),
        hint = crate::fortirest::hint(*http_status, *error))]
    FortiOs {
        /// The device.
        target: String,
        /// The HTTP method.
        method: String,
        /// The request path (`/api/v2/cmdb/firewall/address/web`), without the query; when one
        /// VDOM of a multi-VDOM request (`vdom=*`) refused, `?vdom=<that VDOM>` names it.
        path: String,
        /// The HTTP status (from the reply body's `http_status`, else the response line).
        http_status: u16,
        /// FortiOS' internal error code (`-5`: duplicate entry, `-3`: not found...), when given.
        error: Option<i64>,
        /// The CLI error text FortiOS adds for some refusals, when given.
        cli_error: Option<String>,
    },
    /// A reply could not be understood.
    #[error("{target}: malformed reply: {detail}")]
    Malformed {
        /// The device.
        target: String,
        /// What was wrong.
        detail: String,
    },
    /// An apply failed and was rolled back (or the rollback failed too).
    #[error("{target}: apply failed at `{line}` ({cause}); rollback: {rollback}")]
    ApplyFailed {
        /// The device.
        target: String,
        /// The command line being applied.
        line: String,
        /// The original failure.
        cause: Box<NetError>,
        /// What the rollback did.
        rollback: String,
    },
}

impl NetError {
    /// `Ok` when validation found no problem, else [`NetError::Invalid`] listing every one for
    /// `target`.
    ///
    /// ```
    /// use hermes_netdev::NetError;
    /// assert!(NetError::invalid_if_any("sw1", vec![]).is_ok());
    /// let e = NetError::invalid_if_any("sw1", vec!["vlan 5000 is out of range".into()]).unwrap_err();
    /// assert!(e.to_string().contains("vlan 5000"));
    /// ```
    pub fn invalid_if_any(target: &str, problems: Vec<String>) -> Result<(), NetError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(NetError::Invalid {
                target: target.to_string(),
                problems,
            })
        }
    }

    /// The device the error concerns.
    pub fn target(&self) -> &str {
        match self {
            NetError::Invalid { target, .. }
            | NetError::Parse { target, .. }
            | NetError::DeviceRejected { target, .. }
            | NetError::ConfirmationRequired { target, .. }
            | NetError::Auth { target, .. }
            | NetError::Transport { target, .. }
            | NetError::Timeout { target, .. }
            | NetError::Api { target, .. }
            | NetError::Malformed { target, .. }
            | NetError::FortiOs { target, .. }
            | NetError::ApplyFailed { target, .. } => target,
        }
    }
}

impl Classify for NetError {
    fn kind(&self) -> ErrorKind {
        match self {
            NetError::Invalid { .. } | NetError::Parse { .. } => ErrorKind::InvalidInput,
            NetError::DeviceRejected { .. } => ErrorKind::Conflict,
            NetError::ConfirmationRequired { .. } => ErrorKind::InvalidInput,
            NetError::Auth { .. } => ErrorKind::Auth,
            NetError::Transport { .. } => ErrorKind::Transport,
            NetError::Timeout { .. } => ErrorKind::Timeout,
            NetError::Api { status, .. } => match *status {
                401 | 403 => ErrorKind::Auth,
                404 => ErrorKind::NotFound,
                429 => ErrorKind::Throttled,
                400..=499 => ErrorKind::Conflict,
                _ => ErrorKind::Internal,
            },
            NetError::Malformed { .. } => ErrorKind::Malformed,
            NetError::FortiOs {
                http_status, error, ..
            } => match (*http_status, *error) {
                (401 | 403, _) => ErrorKind::Auth,
                (_, Some(-3)) | (404, _) => ErrorKind::NotFound,
                (_, Some(-5 | -23)) => ErrorKind::Conflict,
                (429, _) => ErrorKind::Throttled,
                (_, Some(-1 | -2 | -7 | -8 | -9 | -10 | -651)) => ErrorKind::InvalidInput,
                (400 | 405 | 424, _) => ErrorKind::InvalidInput,
                (503, _) => ErrorKind::Transport,
                _ => ErrorKind::Internal,
            },
            NetError::ApplyFailed { cause, .. } => cause.kind(),
        }
    }
    fn sent(&self) -> Sent {
        match self {
            NetError::Transport { sent, .. } => *sent,
            NetError::DeviceRejected { .. }
            | NetError::ConfirmationRequired { .. }
            | NetError::Api { .. }
            | NetError::FortiOs { .. } => Sent::Yes,
            NetError::ApplyFailed { .. } => Sent::Yes,
            other => match other.kind() {
                ErrorKind::InvalidInput => Sent::No,
                ErrorKind::Timeout => Sent::Maybe,
                _ => Sent::Yes,
            },
        }
    }
}

impl From<NetError> for hermes_core::Error {
    fn from(e: NetError) -> Self {
        let target = e.target().to_string();
        hermes_core::Error::new(e.kind(), e.to_string())
            .with_target(target)
            .with_sent(e.sent())
    }
}
