//! The crate's one error type.
//!
//! # Error policy
//!
//! * Bad input (an unreadable NAB file, a label window naming a series that is not there, a query that
//!   Prometheus rejects as `bad_data`) is [`ErrorKind::InvalidInput`] and names the input and what to do.
//! * Network failures talking to Prometheus or Alertmanager are [`ErrorKind::Transport`] /
//!   [`ErrorKind::Timeout`]; the server's own error body is kept typed in [`AnomalyError::Api`].
//! * Every variant converts into [`hermes_core::Error`] keeping its kind, dispatch state and target.

use hermes_core::{Classify, ErrorKind, Sent};
use std::time::Duration;

/// Everything that can go wrong in hermes-anomaly.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum AnomalyError {
    /// The caller's input is unusable (a file, a flag, a series).
    #[error("invalid input {input}: {message}")]
    InvalidInput {
        /// What input (a path, a series name, a flag).
        input: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// Reading or writing a local file failed.
    #[error("{path}: {action} failed: {source}")]
    Io {
        /// The file.
        path: String,
        /// What we were doing ("read", "write").
        action: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A monitoring server answered with an error status and (usually) a typed error body.
    #[error("{target}: HTTP {status}: {error_type}: {message}")]
    Api {
        /// The endpoint (`http://127.0.0.1:9090/api/v1/query`).
        target: String,
        /// The HTTP status.
        status: u16,
        /// The server's error type (`bad_data`, `execution`, `timeout`, ... or the HTTP reason).
        error_type: String,
        /// The server's message.
        message: String,
        /// Retry-After, when the server sent one.
        retry_after: Option<Duration>,
    },
    /// The request did not complete (connection refused, reset, timed out).
    #[error("{target}: {message}")]
    Transport {
        /// The endpoint.
        target: String,
        /// What happened.
        message: String,
        /// Whether the request may have reached the server.
        sent: Sent,
        /// Whether it was a timeout.
        timeout: bool,
    },
    /// A reply could not be understood.
    #[error("{target}: malformed reply: {message}")]
    Malformed {
        /// The endpoint.
        target: String,
        /// What was wrong with it.
        message: String,
    },
}

impl AnomalyError {
    /// An [`AnomalyError::InvalidInput`].
    pub fn invalid(input: impl Into<String>, message: impl Into<String>) -> Self {
        AnomalyError::InvalidInput {
            input: input.into(),
            message: message.into(),
        }
    }

    /// An [`AnomalyError::Io`] for `path`.
    pub fn io(
        path: impl AsRef<std::path::Path>,
        action: &'static str,
        source: std::io::Error,
    ) -> Self {
        AnomalyError::Io {
            path: path.as_ref().display().to_string(),
            action,
            source,
        }
    }

    fn target(&self) -> Option<&str> {
        match self {
            AnomalyError::InvalidInput { input, .. } => Some(input),
            AnomalyError::Io { path, .. } => Some(path),
            AnomalyError::Api { target, .. }
            | AnomalyError::Transport { target, .. }
            | AnomalyError::Malformed { target, .. } => Some(target),
        }
    }
}

impl Classify for AnomalyError {
    fn kind(&self) -> ErrorKind {
        match self {
            AnomalyError::InvalidInput { .. } => ErrorKind::InvalidInput,
            AnomalyError::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => ErrorKind::NotFound,
                std::io::ErrorKind::PermissionDenied => ErrorKind::Auth,
                _ => ErrorKind::Internal,
            },
            AnomalyError::Api {
                status,
                error_type,
                message,
                ..
            } => {
                // Prometheus' error types say more than its statuses (web/api/v1, 2.x and 3.x): a
                // query cut off by its deadline in storage comes back as `execution` (422) like a
                // query that cannot run at all, and one stopped there as `execution` "context
                // canceled" (2.x; 3.x says `canceled`); `canceled` is 503 in 2.x and 499 in 3.x;
                // `unavailable` is sent with 500, for an API switched off ("admin APIs disabled":
                // asking again will not help) and for a TSDB still starting ("TSDB not ready":
                // it will); a Prometheus in agent mode answers queries with `execution`
                // "unavailable with Prometheus Agent"; `not_acceptable` (406, 3.x) is a reply the
                // server cannot encode in the format asked for.
                match error_type.as_str() {
                    "timeout" => return ErrorKind::Timeout,
                    "canceled" => return ErrorKind::Cancelled,
                    "execution"
                        if message.contains("deadline exceeded")
                            || message.contains("timed out") =>
                    {
                        return ErrorKind::Timeout
                    }
                    "execution" if message.contains("context canceled") => {
                        return ErrorKind::Cancelled
                    }
                    "execution" if message.contains("unavailable with Prometheus Agent") => {
                        return ErrorKind::Unsupported
                    }
                    // A TSDB still replaying its WAL: `unavailable` from the wrapped endpoints,
                    // `internal` from the status ones (`status/tsdb`) and in 3.x's OpenAPI
                    // examples; asking again later will work.
                    _ if message.contains("TSDB not ready") => return ErrorKind::Transport,
                    "unavailable" if message.contains("disabled") => return ErrorKind::Unsupported,
                    "unavailable" => return ErrorKind::Transport,
                    "not_acceptable" => return ErrorKind::Unsupported,
                    // Alertmanager 0.25 and earlier answer the expiry of an unknown silence with
                    // 500 "silence not found" (0.26 and later with 404).
                    "alertmanager" if message.contains("silence not found") => {
                        return ErrorKind::NotFound
                    }
                    _ => {}
                }
                match *status {
                    400 | 422 => ErrorKind::InvalidInput,
                    401 | 403 => ErrorKind::Auth,
                    404 => ErrorKind::NotFound,
                    409 => ErrorKind::Conflict,
                    429 => ErrorKind::Throttled,
                    502..=504 => ErrorKind::Transport,
                    _ => ErrorKind::Internal,
                }
            }
            AnomalyError::Transport { timeout, .. } => {
                if *timeout {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Transport
                }
            }
            AnomalyError::Malformed { .. } => ErrorKind::Malformed,
        }
    }

    fn sent(&self) -> Sent {
        match self {
            AnomalyError::Api { .. } | AnomalyError::Malformed { .. } => Sent::Yes,
            AnomalyError::Transport { sent, .. } => *sent,
            _ => Sent::No,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            AnomalyError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl From<AnomalyError> for hermes_core::Error {
    fn from(e: AnomalyError) -> Self {
        let mut err = hermes_core::Error::new(e.kind(), e.to_string()).with_sent(e.sent());
        if let Some(t) = e.target() {
            err = err.with_target(t.to_string());
        }
        if let Some(after) = e.retry_after() {
            err = err.with_retry_after(after);
        }
        err.with_source(e)
    }
}

/// A `Result` with [`AnomalyError`].
pub type Result<T, E = AnomalyError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, error_type: &str, message: &str) -> AnomalyError {
        AnomalyError::Api {
            target: "http://127.0.0.1:9090/api/v1/query".into(),
            status,
            error_type: error_type.into(),
            message: message.into(),
            retry_after: None,
        }
    }

    #[test]
    fn prometheus_error_types_classify_beyond_their_status() {
        // Statuses and messages as Prometheus' web/api/v1 sends them.
        let cases = [
            (
                400,
                "bad_data",
                "invalid parameter \"query\"",
                ErrorKind::InvalidInput,
            ),
            (
                422,
                "execution",
                "many-to-many matching not allowed",
                ErrorKind::InvalidInput,
            ),
            (
                422,
                "execution",
                "expanding series: context deadline exceeded",
                ErrorKind::Timeout,
            ),
            (
                503,
                "timeout",
                "query timed out in expression evaluation",
                ErrorKind::Timeout,
            ),
            (499, "canceled", "context canceled", ErrorKind::Cancelled),
            (
                500,
                "unavailable",
                "admin APIs disabled",
                ErrorKind::Unsupported,
            ),
            // Prometheus sends `unavailable` with 500, never 503 (getDefaultErrorCode).
            (500, "unavailable", "TSDB not ready", ErrorKind::Transport),
            (503, "unavailable", "TSDB not ready", ErrorKind::Transport),
            (
                422,
                "execution",
                "expanding series: context canceled",
                ErrorKind::Cancelled,
            ),
            (503, "canceled", "context canceled", ErrorKind::Cancelled),
            (
                422,
                "execution",
                "unavailable with Prometheus Agent",
                ErrorKind::Unsupported,
            ),
            (
                406,
                "not_acceptable",
                "cannot encode response as application/default-format",
                ErrorKind::Unsupported,
            ),
            (
                500,
                "server_error",
                "invalid logical plan",
                ErrorKind::Internal,
            ),
            (500, "internal", "unexpected error", ErrorKind::Internal),
            // `status/tsdb` and `status/runtimeinfo` send a TSDB still starting as `internal`.
            (500, "internal", "TSDB not ready", ErrorKind::Transport),
            // Alertmanager 0.25 expiring an unknown silence; 0.26 and later say 404.
            (
                500,
                "alertmanager",
                "silence not found",
                ErrorKind::NotFound,
            ),
            (
                404,
                "alertmanager",
                "silence not found",
                ErrorKind::NotFound,
            ),
            (404, "not_found", "not found", ErrorKind::NotFound),
        ];
        for (status, error_type, message, kind) in cases {
            assert_eq!(
                api(status, error_type, message).kind(),
                kind,
                "{error_type}: {message}"
            );
        }
        assert!(api(500, "unavailable", "TSDB not ready")
            .kind()
            .is_transient());
        assert!(!api(500, "unavailable", "admin APIs disabled")
            .kind()
            .is_transient());
    }
}
