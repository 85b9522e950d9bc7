//! One error type with kinds a caller can act on.
//!
//! # Error policy
//!
//! * Every fallible Hermes operation returns [`Error`] (or a domain crate's own error that converts into
//!   it without losing its [`ErrorKind`]).
//! * The **kind** says what a caller can do: fix the input ([`ErrorKind::InvalidInput`]), fix
//!   credentials ([`ErrorKind::Auth`]), wait and retry ([`ErrorKind::Transport`], [`ErrorKind::Timeout`],
//!   [`ErrorKind::Throttled`]), or give up ([`ErrorKind::Unsupported`], [`ErrorKind::VerificationFailed`]).
//! * The **dispatch state** ([`Sent`]) says whether the request may have reached the device. A request that
//!   may have been sent is only retried when the operation is idempotent: a power-cycle or a VM clone is
//!   never blindly sent twice (see [`Error::is_safe_to_retry`]).
//! * The **target** names the host, device, file or endpoint; the message says what is wrong and, where we
//!   know it, what to do. Secrets never appear in either: build messages from [`crate::Secret`]-free data.

use std::fmt;
use std::time::Duration;

/// A `Result` whose error is Hermes' [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in terms a caller can act on.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input (a spec, a file, a flag) is wrong: fix it and try again. Never retried.
    InvalidInput,
    /// Credentials were refused or are missing (HTTP 401/403, SSH auth failure). Never retried.
    Auth,
    /// The thing named does not exist on the target (HTTP 404, ManagedObjectNotFound).
    NotFound,
    /// The target's state conflicts with the request (HTTP 409/412, DuplicateName, a held lock).
    Conflict,
    /// The connection failed or broke (refused, reset, TLS failure, HTTP 502/503/504).
    Transport,
    /// No answer in time.
    Timeout,
    /// The target asked us to slow down (HTTP 429, 503 with `Retry-After`).
    Throttled,
    /// The target's reply could not be understood (bad JSON, XML, a truncated body, a missing field).
    Malformed,
    /// A check after the work failed: a checksum mismatch, a read-back that differs from the desired state.
    VerificationFailed,
    /// The target or Hermes does not support what was asked.
    Unsupported,
    /// The operation was cancelled by the caller.
    Cancelled,
    /// The target reported an internal failure (HTTP 500) or Hermes hit a bug; see the message.
    Internal,
}

impl ErrorKind {
    /// Whether an error of this kind is, in itself, worth retrying after a pause.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::Throttled
        )
    }

    /// A short lower-case name, as used in messages and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Throttled => "throttled",
            ErrorKind::Malformed => "malformed reply",
            ErrorKind::VerificationFailed => "verification failed",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Internal => "internal error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a failed request may have reached the target (after smithy's dispatch failure model).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Sent {
    /// The request certainly did not leave (connect refused, DNS failure, invalid input): always safe
    /// to send again.
    No,
    /// The request may have reached the target (a timeout or reset after writing): only an idempotent
    /// operation may be retried.
    #[default]
    Maybe,
    /// The target answered: the request was received and refused or failed.
    Yes,
}

/// Whether an operation may be repeated without changing the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Repeating it is harmless (a GET, a PUT of a whole value, setting a boot target).
    Idempotent,
    /// Repeating it may do the work twice (a power-cycle, a VM clone, a POST creating something).
    NonIdempotent,
}

/// Hermes' error: a kind, a message, the target it concerns and whether the request may have been sent.
///
/// ```
/// use hermes_core::{Error, ErrorKind, Sent};
/// let err = Error::new(ErrorKind::Timeout, "no reply to GET /redfish/v1/Systems within 30 s")
///     .with_target("ilo-dl380-01")
///     .with_sent(Sent::Maybe);
/// assert!(err.is_retryable());
/// assert!(!err.is_safe_to_retry(hermes_core::Idempotency::NonIdempotent));
/// assert_eq!(err.to_string(), "ilo-dl380-01: timeout: no reply to GET /redfish/v1/Systems within 30 s");
/// ```
pub struct Error {
    kind: ErrorKind,
    message: String,
    target: Option<String>,
    sent: Sent,
    retry_after: Option<Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a human message (what is wrong, and what to do where known).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let sent = match kind {
            ErrorKind::InvalidInput | ErrorKind::Cancelled => Sent::No,
            ErrorKind::Transport | ErrorKind::Timeout => Sent::Maybe,
            _ => Sent::Yes,
        };
        Error {
            kind,
            message: message.into(),
            target: None,
            sent,
            retry_after: None,
            source: None,
        }
    }

    /// Shorthand for [`ErrorKind::InvalidInput`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Shorthand for [`ErrorKind::Malformed`].
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Malformed, message)
    }

    /// Shorthand for [`ErrorKind::NotFound`].
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// Shorthand for [`ErrorKind::Unsupported`].
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, message)
    }

    /// Shorthand for [`ErrorKind::VerificationFailed`].
    pub fn verification(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::VerificationFailed, message)
    }

    /// An I/O error on a local path, classified (not found, permission, other) and naming the path.
    pub fn io(path: impl AsRef<std::path::Path>, what: &str, err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            std::io::ErrorKind::PermissionDenied => ErrorKind::Auth,
            std::io::ErrorKind::AlreadyExists => ErrorKind::Conflict,
            std::io::ErrorKind::TimedOut => ErrorKind::Timeout,
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
                ErrorKind::InvalidInput
            }
            _ => ErrorKind::Internal,
        };
        Error::new(
            kind,
            format!("cannot {what} {}: {err}", path.as_ref().display()),
        )
        .with_sent(Sent::No)
        .with_source(err)
    }

    /// Names the target (host, device, file, endpoint) the error concerns.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Sets whether the failed request may have reached the target.
    pub fn with_sent(mut self, sent: Sent) -> Self {
        self.sent = sent;
        self
    }

    /// Records the delay the target asked for (HTTP `Retry-After`).
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }

    /// Keeps the underlying cause (shown by `source()`, never parsed).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Prefixes the message with context ("while inserting virtual media: ...").
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the target.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The target the error concerns, if named.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// Whether the request may have reached the target.
    pub fn sent(&self) -> Sent {
        self.sent
    }

    /// The delay the target asked for before a retry, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the failure is transient (transport, timeout, throttling): the same request might succeed
    /// later. Whether it is *safe* to send again also depends on idempotency: see
    /// [`Error::is_safe_to_retry`].
    pub fn is_retryable(&self) -> bool {
        self.kind.is_transient()
    }

    /// Whether a retry is both useful and safe: the failure is transient, and either the operation is
    /// idempotent or the request certainly never left.
    pub fn is_safe_to_retry(&self, idempotency: Idempotency) -> bool {
        self.is_retryable() && (idempotency == Idempotency::Idempotent || self.sent == Sent::No)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(target) = &self.target {
            write!(f, "{target}: ")?;
        }
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(t) = &self.target {
            d.field("target", t);
        }
        d.field("sent", &self.sent);
        if let Some(r) = &self.retry_after {
            d.field("retry_after", r);
        }
        if let Some(s) = &self.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Implemented by every domain crate's error so that the one retry loop and the fan-out can classify it.
///
/// Domain errors keep their own variants (a Redfish `@Message.ExtendedInfo`, a SOAP fault) and say which
/// [`ErrorKind`] each is.
pub trait Classify {
    /// What kind of failure this is.
    fn kind(&self) -> ErrorKind;
    /// Whether the request may have reached the target.
    fn sent(&self) -> Sent {
        match self.kind() {
            ErrorKind::InvalidInput | ErrorKind::Cancelled => Sent::No,
            ErrorKind::Transport | ErrorKind::Timeout => Sent::Maybe,
            _ => Sent::Yes,
        }
    }
    /// The delay the target asked for, if any.
    fn retry_after(&self) -> Option<Duration> {
        None
    }
    /// Whether the same request might succeed later (default: its kind is transient). A domain may
    /// know more: a BMC's read that answered HTTP 500 is often a passing fault.
    fn is_transient(&self) -> bool {
        self.kind().is_transient()
    }
}

impl Classify for Error {
    fn kind(&self) -> ErrorKind {
        self.kind
    }
    fn sent(&self) -> Sent {
        self.sent
    }
    fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            std::io::ErrorKind::PermissionDenied => ErrorKind::Auth,
            std::io::ErrorKind::TimedOut => ErrorKind::Timeout,
            std::io::ErrorKind::ConnectionRefused => ErrorKind::Transport,
            std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::UnexpectedEof => ErrorKind::Transport,
            std::io::ErrorKind::InvalidData => ErrorKind::Malformed,
            std::io::ErrorKind::InvalidInput => ErrorKind::InvalidInput,
            _ => ErrorKind::Internal,
        };
        let sent = if err.kind() == std::io::ErrorKind::ConnectionRefused {
            Sent::No
        } else {
            Sent::Maybe
        };
        Error::new(kind, err.to_string())
            .with_sent(sent)
            .with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_kinds_are_retryable_others_not() {
        for kind in [
            ErrorKind::Transport,
            ErrorKind::Timeout,
            ErrorKind::Throttled,
        ] {
            assert!(Error::new(kind, "x").is_retryable(), "{kind}");
        }
        for kind in [
            ErrorKind::InvalidInput,
            ErrorKind::Auth,
            ErrorKind::NotFound,
            ErrorKind::Conflict,
            ErrorKind::Malformed,
            ErrorKind::VerificationFailed,
            ErrorKind::Unsupported,
            ErrorKind::Cancelled,
            ErrorKind::Internal,
        ] {
            assert!(!Error::new(kind, "x").is_retryable(), "{kind}");
        }
    }

    #[test]
    fn a_request_that_may_have_been_sent_is_not_retried_unless_idempotent() {
        let maybe = Error::new(ErrorKind::Timeout, "reset after write").with_sent(Sent::Maybe);
        assert!(maybe.is_safe_to_retry(Idempotency::Idempotent));
        assert!(!maybe.is_safe_to_retry(Idempotency::NonIdempotent));
        let refused = Error::new(ErrorKind::Transport, "connection refused").with_sent(Sent::No);
        assert!(refused.is_safe_to_retry(Idempotency::NonIdempotent));
    }

    #[test]
    fn display_names_target_kind_and_message_and_source_is_kept() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = Error::from(io)
            .with_target("10.0.0.1:443")
            .context("connecting");
        assert_eq!(err.kind(), ErrorKind::Transport);
        assert_eq!(err.sent(), Sent::No);
        assert_eq!(
            err.to_string(),
            "10.0.0.1:443: transport error: connecting: refused"
        );
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn io_errors_name_the_path() {
        let err = Error::io(
            "/etc/hermes/inventory.yml",
            "read",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(
            err.to_string().contains("/etc/hermes/inventory.yml"),
            "{err}"
        );
    }
}
