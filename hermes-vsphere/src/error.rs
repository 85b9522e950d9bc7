//! The crate's one error type, [`VsphereError`], and how each case maps to hermes-core's kinds.
//!
//! # Error policy
//!
//! * A SOAP fault from vCenter/ESXi becomes [`VsphereError::Fault`] with the fault's type name
//!   (`InvalidLogin`, `DuplicateName`, ...) kept as a typed [`FaultKind`] and its message; the kind decides
//!   the [`ErrorKind`]: `InvalidLogin`/`NoPermission` → `Auth` (never retried), `NotAuthenticated` → `Auth`
//!   (the client re-logs in once on its own before surfacing it), `ManagedObjectNotFound` → `NotFound`,
//!   `DuplicateName`/`InvalidState`/`TaskInProgress` → `Conflict`, `InsufficientResources` → `Conflict`,
//!   a file fault by its type (`FileNotFound` → `NotFound`, `FileLocked`/`FileAlreadyExists` → `Conflict`).
//!   The error also names the object the fault concerns (the fault's own `obj`/`object`/`entity`, else
//!   the object a task ran on), keeps the fault's other fields in its message (`name: web-01`,
//!   `existingState: poweredOn`), and says what to do ([`FaultKind::remedy`]).
//! * A reply that is not a SOAP envelope, or lacks what the method must return, is
//!   [`VsphereError::Malformed`] naming the method and what was missing.
//! * Transport failures say whether the request may have reached the server ([`Sent`]): a connection
//!   refused before sending is `Sent::No`, a reset or timeout after sending is `Sent::Maybe`, so a
//!   `CloneVM_Task` is never blindly sent twice.
//! * Messages never contain passwords or session cookies.

use std::fmt;

use hermes_core::{Classify, ErrorKind, Sent};

use crate::model::MoRef;

/// A vSphere fault type, from the `xsi:type` of a SOAP fault's detail (or of a task's `info.error.fault`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The session is missing or expired.
    NotAuthenticated,
    /// Wrong user name or password.
    InvalidLogin,
    /// The user lacks a privilege.
    NoPermission,
    /// An object of that name already exists in the folder.
    DuplicateName,
    /// The object is in the wrong state for the operation (powered on, ...).
    InvalidState,
    /// The operation is invalid for the power state.
    InvalidPowerState,
    /// Another task is running on the object.
    TaskInProgress,
    /// The managed object reference no longer (or never) exists.
    ManagedObjectNotFound,
    /// An argument of the call is invalid.
    InvalidArgument,
    /// A request element is invalid or missing.
    InvalidRequest,
    /// Not enough CPU, memory or disk for the operation (`InsufficientResourcesFault` and its
    /// subtypes `InsufficientMemoryResourcesFault`, `InsufficientCpuResourcesFault`, ...,
    /// `NoDiskSpace`).
    InsufficientResources,
    /// A datastore file operation failed: `FileFault` or one of its subtypes (`FileNotFound`,
    /// `FileLocked`, `FileAlreadyExists`, `CannotAccessFile`, ...), by the name the server sent.
    File(String),
    /// A name is not a valid name (too long, bad characters).
    InvalidName,
    /// The object is not supported by the server (vcsim's `NotImplemented` too).
    NotSupported,
    /// A host-configuration failure (`HostConfigFault`, `PlatformConfigFault`, `AlreadyExists`).
    HostConfig(String),
    /// The server failed internally (`SystemError`, `RuntimeFault`).
    System,
    /// Any other fault type, by the name the server sent (namespace prefix removed).
    Other(String),
}

impl FaultKind {
    /// The fault type for a vim25 type name (`InvalidLogin`, `InvalidLoginFault`, `vim.fault.InvalidLogin`).
    pub fn from_type_name(name: &str) -> Self {
        let name = name.rsplit(['.', ':']).next().unwrap_or(name);
        let base = name
            .strip_suffix("Fault")
            .filter(|b| !b.is_empty())
            .unwrap_or(name);
        match base {
            "NotAuthenticated" => FaultKind::NotAuthenticated,
            "InvalidLogin" => FaultKind::InvalidLogin,
            "NoPermission" => FaultKind::NoPermission,
            "DuplicateName" => FaultKind::DuplicateName,
            "InvalidState"
            | "InvalidVmState"
            | "InvalidHostState"
            | "InvalidDatastoreState"
            | "InvalidHostConnectionState" => FaultKind::InvalidState,
            "InvalidPowerState" => FaultKind::InvalidPowerState,
            "TaskInProgress" => FaultKind::TaskInProgress,
            "ManagedObjectNotFound" => FaultKind::ManagedObjectNotFound,
            "InvalidArgument" => FaultKind::InvalidArgument,
            "InvalidRequest" => FaultKind::InvalidRequest,
            // `base` has lost the `Fault` suffix these vim25 type names carry.
            "InsufficientResources"
            | "InsufficientMemoryResources"
            | "InsufficientCpuResources"
            | "InsufficientHostCapacity"
            | "InsufficientHostMemoryCapacity"
            | "InsufficientHostCpuCapacity"
            | "InsufficientStorageSpace"
            | "InsufficientFailoverResources"
            | "NoDiskSpace" => FaultKind::InsufficientResources,
            "File"
            | "FileNotFound"
            | "FileLocked"
            | "FileAlreadyExists"
            | "CannotAccessFile"
            | "CannotCreateFile"
            | "CannotDeleteFile"
            | "FileTooLarge"
            | "NotADirectory"
            | "NotAFile"
            | "FileNameTooLong"
            | "FileBackedPortNotSupported" => {
                // Named without the suffix, except the base type itself (`FileFault`).
                FaultKind::File(if base == "File" { "FileFault" } else { base }.to_string())
            }
            "InvalidName" => FaultKind::InvalidName,
            "NotSupported" | "NotImplemented" | "MethodNotFound" => FaultKind::NotSupported,
            "HostConfig" | "PlatformConfig" | "AlreadyExists" | "ResourceInUse" | "NotFound" => {
                FaultKind::HostConfig(base.to_string())
            }
            "SystemError" | "Runtime" | "RuntimeFault" => FaultKind::System,
            // An unknown type keeps the name the server sent (`UnknownLicenseProblemFault`), so the
            // error names the real vim25 type rather than a trimmed one.
            _ => FaultKind::Other(name.to_string()),
        }
    }

    /// The hermes-core kind for this fault.
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            FaultKind::NotAuthenticated | FaultKind::InvalidLogin | FaultKind::NoPermission => {
                ErrorKind::Auth
            }
            FaultKind::ManagedObjectNotFound => ErrorKind::NotFound,
            FaultKind::DuplicateName
            | FaultKind::InvalidState
            | FaultKind::InvalidPowerState
            | FaultKind::TaskInProgress
            | FaultKind::InsufficientResources => ErrorKind::Conflict,
            FaultKind::HostConfig(name) if name == "NotFound" => ErrorKind::NotFound,
            FaultKind::HostConfig(name) if name == "AlreadyExists" || name == "ResourceInUse" => {
                ErrorKind::Conflict
            }
            FaultKind::InvalidArgument | FaultKind::InvalidRequest | FaultKind::InvalidName => {
                ErrorKind::InvalidInput
            }
            FaultKind::File(name) if name == "FileNotFound" => ErrorKind::NotFound,
            FaultKind::File(name) if name == "FileLocked" || name == "FileAlreadyExists" => {
                ErrorKind::Conflict
            }
            FaultKind::NotSupported => ErrorKind::Unsupported,
            FaultKind::HostConfig(_)
            | FaultKind::File(_)
            | FaultKind::System
            | FaultKind::Other(_) => ErrorKind::Internal,
        }
    }

    /// What the caller should do about this fault, if Hermes can say (shown in every
    /// [`VsphereError::Fault`] message).
    ///
    /// ```
    /// use hermes_vsphere::FaultKind;
    /// assert!(FaultKind::from_type_name("DuplicateName").remedy().unwrap().contains("another name"));
    /// assert_eq!(FaultKind::Other("SomethingNew".into()).remedy(), None);
    /// ```
    pub fn remedy(&self) -> Option<&'static str> {
        Some(match self {
            FaultKind::NotAuthenticated => {
                "log in again (the client re-logs in once by itself); check that the session was \
                 not terminated on the server"
            }
            FaultKind::InvalidLogin => "check the user name and password",
            FaultKind::NoPermission => {
                "grant the user the privilege the message names on that object, or use an account \
                 that has it"
            }
            FaultKind::DuplicateName => {
                "choose another name, or reuse or remove the object that already has this name"
            }
            FaultKind::InvalidState | FaultKind::InvalidPowerState => {
                "read the object's current state (a VM's runtime.powerState) and run the operation \
                 only from the state it requires"
            }
            FaultKind::TaskInProgress => {
                "wait for the task already running on the object to finish, then retry"
            }
            FaultKind::ManagedObjectNotFound => {
                "the object was deleted or never existed: look it up again by path or name"
            }
            FaultKind::InvalidArgument | FaultKind::InvalidRequest | FaultKind::InvalidName => {
                "fix the argument the message names"
            }
            FaultKind::InsufficientResources => {
                "free or add CPU, memory or disk space (or choose another host, pool or \
                 datastore), then retry"
            }
            FaultKind::File(name) if name == "FileNotFound" => {
                "check the datastore path: the file does not exist"
            }
            FaultKind::File(_) => {
                "check the datastore path, its free space, and that no other VM or host holds the \
                 file"
            }
            FaultKind::NotSupported => {
                "this server does not support the call or option: use another method or a server \
                 version that has it"
            }
            FaultKind::HostConfig(_) | FaultKind::System | FaultKind::Other(_) => return None,
        })
    }
}

/// The text of a [`VsphereError::Fault`] after its target and method: the fault type, the object it
/// concerns, the message, and what to do.
fn fault_text(fault: &FaultKind, object: Option<&MoRef>, message: &str) -> String {
    let on = object.map(|o| format!(" on {o}")).unwrap_or_default();
    let remedy = fault.remedy().map(|r| format!("; {r}")).unwrap_or_default();
    format!("{fault} fault{on}: {message}{remedy}")
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::HostConfig(n) | FaultKind::File(n) | FaultKind::Other(n) => f.write_str(n),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Everything that can go wrong talking to vSphere.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error)]
pub enum VsphereError {
    /// The server answered with a SOAP fault (or a task ended in error).
    #[error("{target}: {method}: {}", fault_text(.fault, .object.as_deref(), .message))]
    Fault {
        /// The server (`https://vc.example:443/sdk`).
        target: String,
        /// The method called (`CloneVM_Task`), or the task's description.
        method: String,
        /// The fault type.
        fault: FaultKind,
        /// The object the fault concerns: the fault's own `obj`/`object`/`entity` (the missing
        /// object of `ManagedObjectNotFound`, the folder of `DuplicateName`), else the object a
        /// task ran on (the VM of a failed power-on). `None` when neither is known. (Boxed: it
        /// is rare and keeps the error small.)
        object: Option<Box<MoRef>>,
        /// The server's `faultstring` / `localizedMessage`, followed by the fault's other fields
        /// in parentheses (`name: web-01`, `existingState: poweredOn`).
        message: String,
    },
    /// The reply could not be decoded.
    #[error("{target}: {method}: malformed reply: {message}")]
    Malformed {
        /// The server.
        target: String,
        /// The method called.
        method: String,
        /// What was wrong.
        message: String,
    },
    /// The connection failed or broke.
    #[error("{target}: {method}: transport error: {message}")]
    Transport {
        /// The server.
        target: String,
        /// The method called.
        method: String,
        /// What happened.
        message: String,
        /// Whether the request may have reached the server.
        sent: Sent,
    },
    /// The server's TLS certificate was refused (untrusted, or not the pinned one): nothing was sent.
    #[error("{target}: {method}: {message}")]
    Tls {
        /// The server.
        target: String,
        /// The method called.
        method: String,
        /// What was wrong and how to fix it (fingerprints, the openssl command to read the right one).
        message: String,
    },
    /// No reply in time.
    #[error("{target}: {method}: no reply within {secs} s")]
    Timeout {
        /// The server.
        target: String,
        /// The method called.
        method: String,
        /// The timeout.
        secs: u64,
    },
    /// The server answered with an HTTP status and no SOAP body.
    #[error("{target}: {method}: HTTP {status}: {message}")]
    Http {
        /// The server.
        target: String,
        /// The method called.
        method: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body.
        message: String,
    },
    /// Bad input: a spec, a path or a setting.
    #[error("{target}: invalid input: {message}")]
    InvalidInput {
        /// What the input was for.
        target: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// An inventory object that was looked up does not exist.
    #[error("{target}: not found: {what}")]
    NotFound {
        /// The server.
        target: String,
        /// What was looked for (`VirtualMachine /DC0/vm/web-01`).
        what: String,
    },
    /// A check after the work failed.
    #[error("{target}: verification failed: {message}")]
    Verification {
        /// The target.
        target: String,
        /// What differed.
        message: String,
    },
}

impl VsphereError {
    /// The fault type, if this is a SOAP/task fault.
    pub fn fault(&self) -> Option<&FaultKind> {
        match self {
            VsphereError::Fault { fault, .. } => Some(fault),
            _ => None,
        }
    }

    /// The object a SOAP/task fault concerns, if known.
    pub fn fault_object(&self) -> Option<&MoRef> {
        match self {
            VsphereError::Fault { object, .. } => object.as_deref(),
            _ => None,
        }
    }

    /// This error with `object` as the object its fault concerns, unless it already names one
    /// (used for a task: the fault of a failed power-on names no VM, the task ran on one).
    pub fn on_object(self, this: &MoRef) -> Self {
        match self {
            VsphereError::Fault {
                target,
                method,
                fault,
                object: None,
                message,
            } => VsphereError::Fault {
                target,
                method,
                fault,
                object: Some(Box::new(this.clone())),
                message,
            },
            other => other,
        }
    }

    /// The target (server URL, host or VM) the error concerns.
    pub fn target(&self) -> &str {
        match self {
            VsphereError::Fault { target, .. }
            | VsphereError::Malformed { target, .. }
            | VsphereError::Transport { target, .. }
            | VsphereError::Timeout { target, .. }
            | VsphereError::Http { target, .. }
            | VsphereError::InvalidInput { target, .. }
            | VsphereError::NotFound { target, .. }
            | VsphereError::Verification { target, .. }
            | VsphereError::Tls { target, .. } => target,
        }
    }
}

impl Classify for VsphereError {
    fn kind(&self) -> ErrorKind {
        match self {
            VsphereError::Fault { fault, .. } => fault.error_kind(),
            VsphereError::Malformed { .. } => ErrorKind::Malformed,
            VsphereError::Transport { .. } => ErrorKind::Transport,
            VsphereError::Tls { .. } => ErrorKind::VerificationFailed,
            VsphereError::Timeout { .. } => ErrorKind::Timeout,
            VsphereError::Http { status, .. } => match status {
                401 | 403 => ErrorKind::Auth,
                404 => ErrorKind::NotFound,
                429 => ErrorKind::Throttled,
                502..=504 => ErrorKind::Transport,
                _ => ErrorKind::Internal,
            },
            VsphereError::InvalidInput { .. } => ErrorKind::InvalidInput,
            VsphereError::NotFound { .. } => ErrorKind::NotFound,
            VsphereError::Verification { .. } => ErrorKind::VerificationFailed,
        }
    }

    fn sent(&self) -> Sent {
        match self {
            VsphereError::Transport { sent, .. } => *sent,
            VsphereError::Timeout { .. } => Sent::Maybe,
            VsphereError::InvalidInput { .. } | VsphereError::Tls { .. } => Sent::No,
            _ => Sent::Yes,
        }
    }
}

impl From<VsphereError> for hermes_core::Error {
    fn from(err: VsphereError) -> Self {
        let kind = err.kind();
        let sent = err.sent();
        let target = err.target().to_string();
        let message = match &err {
            VsphereError::Fault {
                method,
                fault,
                object,
                message,
                ..
            } => format!(
                "{method}: {}",
                fault_text(fault, object.as_deref(), message)
            ),
            VsphereError::Malformed {
                method, message, ..
            } => format!("{method}: {message}"),
            VsphereError::Transport {
                method, message, ..
            }
            | VsphereError::Tls {
                method, message, ..
            } => format!("{method}: {message}"),
            VsphereError::Timeout { method, secs, .. } => {
                format!("{method}: no reply within {secs} s")
            }
            VsphereError::Http {
                method,
                status,
                message,
                ..
            } => format!("{method}: HTTP {status}: {message}"),
            VsphereError::InvalidInput { message, .. } => message.clone(),
            VsphereError::NotFound { what, .. } => what.clone(),
            VsphereError::Verification { message, .. } => message.clone(),
        };
        hermes_core::Error::new(kind, message)
            .with_target(target)
            .with_sent(sent)
            .with_source(err)
    }
}

/// A `Result` with [`VsphereError`].
pub type Result<T, E = VsphereError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_map_to_kinds() {
        for (name, kind) in [
            ("InvalidLogin", ErrorKind::Auth),
            ("InvalidLoginFault", ErrorKind::Auth),
            ("vim.fault.NotAuthenticated", ErrorKind::Auth),
            ("DuplicateName", ErrorKind::Conflict),
            ("InvalidState", ErrorKind::Conflict),
            ("ManagedObjectNotFound", ErrorKind::NotFound),
            ("InsufficientResourcesFault", ErrorKind::Conflict),
            ("InvalidArgument", ErrorKind::InvalidInput),
            ("NotImplemented", ErrorKind::Unsupported),
            ("SomethingNew", ErrorKind::Internal),
        ] {
            assert_eq!(FaultKind::from_type_name(name).error_kind(), kind, "{name}");
        }
    }

    /// Regression (tests/recorded/pyvmomi-vc5.5sim-QueryAssignedLicenses-UnknownFault.xml): an unknown
    /// type lost its `Fault` suffix (`UnknownLicenseProblem`); known types still match with or
    /// without it.
    #[test]
    fn unknown_fault_types_keep_the_name_sent() {
        assert_eq!(
            FaultKind::from_type_name("UnknownLicenseProblemFault"),
            FaultKind::Other("UnknownLicenseProblemFault".into())
        );
        assert_eq!(
            FaultKind::from_type_name("vim25:SomethingNew"),
            FaultKind::Other("SomethingNew".into())
        );
        assert_eq!(
            FaultKind::from_type_name("InvalidLoginFault"),
            FaultKind::InvalidLogin
        );
        assert_eq!(
            FaultKind::from_type_name("HostConfigFault"),
            FaultKind::HostConfig("HostConfig".into())
        );
    }

    /// Regression: the `Fault`-suffixed subtypes of `InsufficientResourcesFault` lost the suffix
    /// before being matched against names that still had it, so an out-of-memory clone was an
    /// `Other` fault (kind `Internal`) instead of `InsufficientResources` (`Conflict`); and every
    /// `FileFault` (a missing or locked file) was reported as insufficient resources.
    #[test]
    fn resource_and_file_fault_subtypes_map_to_their_kinds() {
        for name in [
            "InsufficientResourcesFault",
            "InsufficientMemoryResourcesFault",
            "InsufficientCpuResourcesFault",
            "InsufficientHostCapacityFault",
            "InsufficientStorageSpace",
            "vim.fault.NoDiskSpace",
        ] {
            assert_eq!(
                FaultKind::from_type_name(name),
                FaultKind::InsufficientResources,
                "{name}"
            );
        }
        for (name, kind, file) in [
            ("FileFault", ErrorKind::Internal, "FileFault"),
            ("FileNotFound", ErrorKind::NotFound, "FileNotFound"),
            ("FileNotFoundFault", ErrorKind::NotFound, "FileNotFound"),
            ("FileLocked", ErrorKind::Conflict, "FileLocked"),
            (
                "FileAlreadyExistsFault",
                ErrorKind::Conflict,
                "FileAlreadyExists",
            ),
            ("CannotAccessFile", ErrorKind::Internal, "CannotAccessFile"),
        ] {
            let fault = FaultKind::from_type_name(name);
            assert_eq!(fault, FaultKind::File(file.into()), "{name}");
            assert_eq!(fault.error_kind(), kind, "{name}");
            assert!(fault.remedy().unwrap().contains("datastore path"), "{name}");
        }
        for name in [
            "InvalidVmState",
            "InvalidHostStateFault",
            "InvalidDatastoreState",
        ] {
            assert_eq!(
                FaultKind::from_type_name(name),
                FaultKind::InvalidState,
                "{name}"
            );
        }
    }

    /// Regression (vcsim 0.24's reply to a method it lacks, `vcsim-0.24-ContinueRetrievePropertiesEx-MethodNotFound.xml`):
    /// `MethodNotFound` was an invalid request (`InvalidInput`: "fix your input") although the
    /// caller's input is fine and the server lacks the method.
    #[test]
    fn method_not_found_is_unsupported() {
        let fault = FaultKind::from_type_name("MethodNotFound");
        assert_eq!(fault, FaultKind::NotSupported);
        assert_eq!(fault.error_kind(), ErrorKind::Unsupported);
    }

    #[test]
    fn a_fault_names_its_object_and_what_to_do() {
        let vm = MoRef::new("VirtualMachine", "vm-7");
        let err = VsphereError::Fault {
            target: "https://vc/sdk".into(),
            method: "PowerOnVM_Task".into(),
            fault: FaultKind::InvalidPowerState,
            object: None,
            message:
                "The attempted operation cannot be performed in the current state (Powered on)."
                    .into(),
        }
        .on_object(&vm);
        assert_eq!(err.fault_object(), Some(&vm));
        let text = err.to_string();
        assert!(
            text.starts_with("https://vc/sdk: PowerOnVM_Task: InvalidPowerState fault on VirtualMachine:vm-7: The attempted"),
            "{text}"
        );
        assert!(text.ends_with("only from the state it requires"), "{text}");
        let core: hermes_core::Error = err.into();
        assert!(
            core.to_string().contains("on VirtualMachine:vm-7"),
            "{core}"
        );
        // An object the fault names itself is kept.
        let folder = MoRef::new("Folder", "group-v3");
        let err = VsphereError::Fault {
            target: "t".into(),
            method: "CreateFolder".into(),
            fault: FaultKind::DuplicateName,
            object: Some(Box::new(folder.clone())),
            message: "m".into(),
        }
        .on_object(&vm);
        assert_eq!(err.fault_object(), Some(&folder));
    }

    #[test]
    fn conversion_keeps_kind_sent_and_target() {
        let err = VsphereError::Transport {
            target: "https://127.0.0.1:8989/sdk".into(),
            method: "CloneVM_Task".into(),
            message: "connection reset".into(),
            sent: Sent::Maybe,
        };
        let core: hermes_core::Error = err.into();
        assert_eq!(core.kind(), ErrorKind::Transport);
        assert_eq!(core.sent(), Sent::Maybe);
        assert_eq!(core.target(), Some("https://127.0.0.1:8989/sdk"));
        assert!(!core.is_safe_to_retry(hermes_core::Idempotency::NonIdempotent));
    }
}
