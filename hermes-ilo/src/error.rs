//! hermes-ilo's one error type, [`IloError`], and how it maps onto hermes-core's kinds.
//!
//! # Error policy
//!
//! * An HTTP status from the BMC is an [`IloError::Status`] carrying the Redfish error body
//!   (`error.code`, `@Message.ExtendedInfo[].MessageId`) when the service sent one. The status decides
//!   the kind: 400 → invalid input, 401/403 → auth, 404 → not found, 405/501 → unsupported,
//!   409/412 → conflict, 429 → throttled, 503 → throttled (with `Retry-After`) or transport,
//!   502/504 → transport, any other 5xx → internal.
//! * A request that failed before an answer is an [`IloError::Transport`]; a refused connection was
//!   certainly not sent ([`Sent::No`]), a timeout or a reset may have been ([`Sent::Maybe`]).
//! * 429 and 503 mean the service refused the request before acting on it, so they are
//!   [`Sent::No`] and even a power action may be retried after them; anything else that may have reached
//!   the BMC is only retried for idempotent requests (GET, PATCH, DELETE), never for a reset or an
//!   insert action (see [`hermes_core::RetryPolicy`]).
//! * A refused TLS certificate is an [`IloError::Tls`] (verification failed, never retried): its
//!   message comes from [`hermes_core::http`] and names the expected and presented fingerprints and the
//!   `openssl` command that reads the right one.
//! * A body that is not the JSON we expect is [`IloError::Malformed`], naming the resource and the
//!   serde error (never a panic, whatever the bytes).
//! * Every variant names its target (the BMC, or a local path); the workflow wraps errors in
//!   [`IloError::Step`] to name the server and the installation step. Passwords never appear.

use std::time::Duration;

use hermes_core::{Classify, ErrorKind, Sent};
use serde::{Deserialize, Serialize};

/// A `Result` with [`IloError`].
pub type Result<T, E = IloError> = std::result::Result<T, E>;

/// One message of a Redfish error body (`@Message.ExtendedInfo[]`) or of a task (`Messages[]`).
/// Read leniently, like the resources in [`crate::models`]: a `null` list of arguments is empty and
/// an argument or id sent as a number is kept as its text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtendedInfo {
    /// The registry message id (`Base.1.4.PropertyValueNotInList`, `iLO.2.14.UnauthorizedLoginAttempt`).
    #[serde(default, deserialize_with = "crate::models::lenient::opt_string")]
    pub message_id: Option<String>,
    /// The human message, where the service sends one.
    #[serde(default, deserialize_with = "crate::models::lenient::opt_string")]
    pub message: Option<String>,
    /// The registry message's arguments.
    #[serde(default, deserialize_with = "crate::models::lenient::vec")]
    pub message_args: Vec<serde_json::Value>,
    /// `OK`, `Warning` or `Critical`.
    #[serde(default, deserialize_with = "crate::models::lenient::opt_string")]
    pub severity: Option<String>,
    /// What the service suggests doing.
    #[serde(default, deserialize_with = "crate::models::lenient::opt_string")]
    pub resolution: Option<String>,
}

/// The body of a Redfish error reply: `{"error": {"code", "message", "@Message.ExtendedInfo"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RedfishError {
    /// `error.code` (a message id such as `Base.1.0.GeneralError`).
    #[serde(default, deserialize_with = "crate::models::lenient::opt_string")]
    pub code: Option<String>,
    /// `error.message`.
    #[serde(default, deserialize_with = "crate::models::lenient::opt_string")]
    pub message: Option<String>,
    /// `error.@Message.ExtendedInfo`: a list, or one message object (the shape Huawei's iBMC uses
    /// for a task's `Messages`).
    #[serde(
        default,
        rename = "@Message.ExtendedInfo",
        deserialize_with = "crate::models::lenient::one_or_many"
    )]
    pub extended_info: Vec<ExtendedInfo>,
}

impl RedfishError {
    /// Parses a Redfish error body; `None` when the bytes are not one (HTML, empty, other JSON).
    pub fn parse(body: &[u8]) -> Option<RedfishError> {
        #[derive(Deserialize)]
        struct Envelope {
            error: RedfishError,
        }
        serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|e| e.error)
    }

    /// The message ids of the extended info (what a program matches on).
    pub fn message_ids(&self) -> Vec<&str> {
        self.extended_info
            .iter()
            .filter_map(|m| m.message_id.as_deref())
            .collect()
    }

    /// A one-line summary: the code, the message and each extended message id and text.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.code {
            parts.push(c.clone());
        }
        if let Some(m) = &self.message {
            parts.push(m.clone());
        }
        for info in &self.extended_info {
            match (&info.message_id, &info.message) {
                (Some(id), Some(m)) => parts.push(format!("{id}: {m}")),
                (Some(id), None) => parts.push(id.clone()),
                (None, Some(m)) => parts.push(m.clone()),
                (None, None) => {}
            }
            if let Some(r) = &info.resolution {
                parts.push(format!("resolution: {r}"));
            }
        }
        let mut unique: Vec<String> = Vec::new();
        for p in parts {
            if !unique.contains(&p) {
                unique.push(p);
            }
        }
        unique.join("; ")
    }
}

/// Everything that can go wrong in hermes-ilo.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum IloError {
    /// The BMC answered with an HTTP error status.
    #[error("{target}: {method} {path} answered HTTP {status}{}", detail(.redfish))]
    Status {
        /// The BMC (base URL).
        target: String,
        /// The HTTP method.
        method: String,
        /// The resource path.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The Redfish error body, when the service sent one.
        redfish: Option<Box<RedfishError>>,
        /// The delay the service asked for (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// No answer: connection refused, reset, TLS failure, timeout.
    #[error("{target}: {method} {path}: {message}")]
    Transport {
        /// The BMC (base URL).
        target: String,
        /// The HTTP method.
        method: String,
        /// The resource path.
        path: String,
        /// What failed.
        message: String,
        /// Whether the request may have reached the BMC.
        sent: Sent,
        /// Whether it was a timeout.
        timed_out: bool,
    },
    /// The BMC's TLS certificate was refused (pin mismatch, untrusted issuer, wrong name): the
    /// handshake failed, so nothing was sent, and retrying cannot help until the trust settings change.
    #[error("{target}: {message}")]
    Tls {
        /// The BMC (base URL).
        target: String,
        /// What failed and what to do (fingerprints, the `openssl` command that reads the right one).
        message: String,
    },
    /// A reply (or a file) that is not what Redfish promises.
    #[error("{target}: {path}: malformed reply: {message}")]
    Malformed {
        /// The BMC or file.
        target: String,
        /// The resource path.
        path: String,
        /// What is wrong (the serde error, the missing field).
        message: String,
    },
    /// The caller's input is wrong (a boot target the system does not allow, a bad IP in a kickstart).
    #[error("{target}: {message}")]
    InvalidInput {
        /// The BMC, server or input the error concerns.
        target: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The service does not offer what was asked (no virtual media, no BIOS resource).
    #[error("{target}: {message}")]
    Unsupported {
        /// The BMC.
        target: String,
        /// What is missing.
        message: String,
    },
    /// A wait (power state, task, host answering) did not end in time.
    #[error("{target}: {message}")]
    Timeout {
        /// The BMC or host.
        target: String,
        /// What was awaited, for how long, and the last state seen.
        message: String,
    },
    /// A task the BMC ran ended in an exception, or a read-back differs from what was set.
    #[error("{target}: {message}")]
    Failed {
        /// The BMC.
        target: String,
        /// What failed.
        message: String,
    },
    /// A local operation failed (building an ISO, serving files, state files).
    #[error("{path}: {message}")]
    Local {
        /// The local path or command.
        path: String,
        /// What failed.
        message: String,
        /// Its kind.
        kind: ErrorKind,
    },
    /// A step of the installation workflow failed on a server.
    #[error("server {server}: step '{step}': {source}")]
    Step {
        /// The server's name.
        server: String,
        /// The step that failed.
        step: String,
        /// Why.
        #[source]
        source: Box<IloError>,
    },
}

fn detail(redfish: &Option<Box<RedfishError>>) -> String {
    match redfish {
        Some(r) => {
            let s = r.summary();
            if s.is_empty() {
                String::new()
            } else {
                format!(": {s}")
            }
        }
        None => String::new(),
    }
}

impl IloError {
    /// The kind an HTTP status maps to (see the module's error policy).
    pub fn kind_for_status(status: u16, retry_after: bool) -> ErrorKind {
        match status {
            400 | 422 => ErrorKind::InvalidInput,
            401 | 403 => ErrorKind::Auth,
            404 | 410 => ErrorKind::NotFound,
            405 | 501 => ErrorKind::Unsupported,
            409 | 412 | 428 => ErrorKind::Conflict,
            429 => ErrorKind::Throttled,
            503 if retry_after => ErrorKind::Throttled,
            502..=504 => ErrorKind::Transport,
            408 => ErrorKind::Timeout,
            _ => ErrorKind::Internal,
        }
    }

    /// The HTTP status, for [`IloError::Status`] (through [`IloError::Step`]).
    pub fn status(&self) -> Option<u16> {
        match self {
            IloError::Status { status, .. } => Some(*status),
            IloError::Step { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The Redfish error body, when the service sent one.
    pub fn redfish(&self) -> Option<&RedfishError> {
        match self {
            IloError::Status { redfish, .. } => redfish.as_deref(),
            IloError::Step { source, .. } => source.redfish(),
            _ => None,
        }
    }

    /// The target the error concerns (BMC, server, path).
    pub fn target(&self) -> &str {
        match self {
            IloError::Status { target, .. }
            | IloError::Transport { target, .. }
            | IloError::Tls { target, .. }
            | IloError::Malformed { target, .. }
            | IloError::InvalidInput { target, .. }
            | IloError::Unsupported { target, .. }
            | IloError::Timeout { target, .. }
            | IloError::Failed { target, .. } => target,
            IloError::Local { path, .. } => path,
            IloError::Step { server, .. } => server,
        }
    }

    /// Wraps the error as a failure of `step` on `server` (kind, sent and retry-after are kept).
    pub fn at_step(self, server: impl Into<String>, step: impl Into<String>) -> IloError {
        IloError::Step {
            server: server.into(),
            step: step.into(),
            source: Box::new(self),
        }
    }

    /// A local failure of `kind` on `path`.
    pub fn local(path: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        IloError::Local {
            path: path.into(),
            message: message.into(),
            kind,
        }
    }

    /// An invalid-input error on `target`.
    pub fn invalid(target: impl Into<String>, message: impl Into<String>) -> Self {
        IloError::InvalidInput {
            target: target.into(),
            message: message.into(),
        }
    }
}

impl Classify for IloError {
    fn kind(&self) -> ErrorKind {
        match self {
            IloError::Status {
                status,
                retry_after,
                ..
            } => IloError::kind_for_status(*status, retry_after.is_some()),
            IloError::Transport { timed_out, .. } => {
                if *timed_out {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Transport
                }
            }
            IloError::Tls { .. } => ErrorKind::VerificationFailed,
            IloError::Malformed { .. } => ErrorKind::Malformed,
            IloError::InvalidInput { .. } => ErrorKind::InvalidInput,
            IloError::Unsupported { .. } => ErrorKind::Unsupported,
            IloError::Timeout { .. } => ErrorKind::Timeout,
            IloError::Failed { .. } => ErrorKind::VerificationFailed,
            IloError::Local { kind, .. } => *kind,
            IloError::Step { source, .. } => source.kind(),
        }
    }

    fn is_transient(&self) -> bool {
        match self {
            // A read that answered 500 may succeed again: iLO answers 500 while its management
            // processor resets or is loaded, sushy-emulator while its database is locked. Reads only:
            // whether to repeat a failed write or action is the caller's call.
            IloError::Status {
                status: 500,
                method,
                ..
            } => method == "GET" || method == "HEAD",
            IloError::Step { source, .. } => source.is_transient(),
            _ => self.kind().is_transient(),
        }
    }

    fn sent(&self) -> Sent {
        match self {
            // Refused before acting on it (RFC 6585 / 9110): nothing happened on the BMC.
            IloError::Status {
                status: 429 | 503, ..
            } => Sent::No,
            IloError::Status { .. } => Sent::Yes,
            IloError::Transport { sent, .. } => *sent,
            IloError::InvalidInput { .. } | IloError::Local { .. } | IloError::Tls { .. } => {
                Sent::No
            }
            IloError::Timeout { .. } => Sent::Maybe,
            IloError::Step { source, .. } => source.sent(),
            _ => Sent::Yes,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            IloError::Status { retry_after, .. } => *retry_after,
            IloError::Step { source, .. } => source.retry_after(),
            _ => None,
        }
    }
}

impl From<IloError> for hermes_core::Error {
    fn from(err: IloError) -> Self {
        let kind = err.kind();
        let sent = err.sent();
        let retry_after = err.retry_after();
        let target = err.target().to_string();
        // The Display already starts with the target; the core error prints it again, so strip it.
        let text = err.to_string();
        let message = text
            .strip_prefix(&format!("{target}: "))
            .map(str::to_string)
            .unwrap_or(text);
        let mut out = hermes_core::Error::new(kind, message)
            .with_target(target)
            .with_sent(sent);
        if let Some(after) = retry_after {
            out = out.with_retry_after(after);
        }
        out.with_source(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, retry_after: Option<Duration>) -> IloError {
        IloError::Status {
            target: "https://ilo-01".into(),
            method: "PATCH".into(),
            path: "/redfish/v1/Systems/1".into(),
            status: code,
            redfish: None,
            retry_after,
        }
    }

    #[test]
    fn statuses_map_to_core_kinds() {
        let cases = [
            (400, ErrorKind::InvalidInput),
            (401, ErrorKind::Auth),
            (403, ErrorKind::Auth),
            (404, ErrorKind::NotFound),
            (405, ErrorKind::Unsupported),
            (409, ErrorKind::Conflict),
            (412, ErrorKind::Conflict),
            (429, ErrorKind::Throttled),
            (500, ErrorKind::Internal),
            (502, ErrorKind::Transport),
            (503, ErrorKind::Transport),
            (504, ErrorKind::Transport),
        ];
        for (code, kind) in cases {
            assert_eq!(status(code, None).kind(), kind, "{code}");
        }
        let e = status(503, Some(Duration::from_secs(3)));
        assert_eq!(e.kind(), ErrorKind::Throttled);
        let core: hermes_core::Error = e.into();
        assert_eq!(core.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(core.sent(), Sent::No);
        assert!(core.is_safe_to_retry(hermes_core::Idempotency::NonIdempotent));
        assert_eq!(core.target(), Some("https://ilo-01"));
    }

    #[test]
    fn a_read_that_answered_500_is_retried_and_a_write_is_not() {
        let policy = hermes_core::RetryPolicy::default();
        let patch = status(500, None);
        assert!(!patch.is_transient());
        assert!(!policy.should_retry(&patch, 1, hermes_core::Idempotency::Idempotent));
        let read = |code: u16| IloError::Status {
            target: "https://ilo-01".into(),
            method: "GET".into(),
            path: "/redfish/v1/Systems".into(),
            status: code,
            redfish: None,
            retry_after: None,
        };
        let get = read(500);
        assert_eq!(get.kind(), ErrorKind::Internal);
        assert!(get.is_transient());
        assert!(policy.should_retry(&get, 1, hermes_core::Idempotency::Idempotent));
        let step = get.at_step("dl380-16", "find system");
        assert!(step.is_transient());
        assert!(!read(404).is_transient());
    }

    #[test]
    fn redfish_error_bodies_are_parsed_and_summarised() {
        // Recorded from sushy-emulator 2.2.0 (401 without credentials).
        let body = br#"{"error":{"code":"Base.1.0.GeneralError","message":"Authorization required","@Message.ExtendedInfo":[{"@odata.type":"/redfish/v1/$metadata#Message.1.0.0.Message","MessageId":"Base.1.0.GeneralError"}]}}"#;
        let r = RedfishError::parse(body).unwrap();
        assert_eq!(r.message_ids(), vec!["Base.1.0.GeneralError"]);
        let e = IloError::Status {
            target: "http://127.0.0.1:8001".into(),
            method: "GET".into(),
            path: "/redfish/v1/Systems".into(),
            status: 401,
            redfish: Some(Box::new(r)),
            retry_after: None,
        };
        assert_eq!(
            e.to_string(),
            "http://127.0.0.1:8001: GET /redfish/v1/Systems answered HTTP 401: Base.1.0.GeneralError; Authorization required"
        );
        assert!(RedfishError::parse(b"<html>").is_none());
        assert!(RedfishError::parse(b"").is_none());
    }

    #[test]
    fn step_errors_keep_kind_and_name_server_and_step() {
        let e = status(404, None).at_step("dl380-03", "media inserted");
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(e
            .to_string()
            .starts_with("server dl380-03: step 'media inserted': "));
        let core: hermes_core::Error = e.into();
        assert_eq!(core.target(), Some("dl380-03"));
        assert_eq!(core.kind(), ErrorKind::NotFound);
    }
}
