//! hermes-data's one error type.
//!
//! # Error policy
//!
//! Every fallible operation of this crate returns [`DataError`]; it converts into
//! [`hermes_core::Error`] keeping its [`ErrorKind`], dispatch state and target. Messages name the
//! repository, the object or path, and what to do. Passphrases and keys never appear in messages: the
//! crypto layer only reports "wrong key" without any key material.

use hermes_core::{Classify, ErrorKind, Sent};

/// A `Result` whose error is [`DataError`].
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// What went wrong in the backup engine, a store or a data-service source.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A local file operation failed.
    #[error("cannot {op} {path}: {source}")]
    Io {
        /// What we were doing ("open", "read", "create").
        op: &'static str,
        /// The path concerned.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// An artifact store operation failed (the store's own classified error).
    #[error(transparent)]
    Store(#[from] hermes_core::Error),
    /// The repository's data does not match what its metadata promises (hash mismatch, truncated pack,
    /// undecodable object).
    #[error(
        "{repo}: repository damaged: {detail} (run `verify --read-data` to list affected files)"
    )]
    Corrupt {
        /// The repository.
        repo: String,
        /// What is damaged.
        detail: String,
    },
    /// The passphrase or key does not open the repository.
    #[error(
        "{repo}: wrong key: the passphrase does not open this repository (nothing was written)"
    )]
    WrongKey {
        /// The repository.
        repo: String,
    },
    /// The repository is locked by another operation.
    #[error("{repo}: locked by {holder}; wait for it to finish, or remove the stale lock {lock} if that process is gone")]
    Locked {
        /// The repository.
        repo: String,
        /// Who holds it (host, pid, since).
        holder: String,
        /// The lock object's key.
        lock: String,
    },
    /// A snapshot, object or file that was asked for does not exist.
    #[error("{target}: not found: {what}")]
    NotFound {
        /// Where we looked.
        target: String,
        /// What is missing.
        what: String,
    },
    /// The input is wrong (a flag, a path, a spec).
    #[error("{target}: invalid input: {detail}")]
    InvalidInput {
        /// The input or target concerned.
        target: String,
        /// What is wrong and what to do.
        detail: String,
    },
    /// An external tool (pg_dump, pg_restore, redis-server) failed.
    #[error("{program} failed for {target} ({status}): {stderr}")]
    Command {
        /// The program.
        program: String,
        /// The target it worked on.
        target: String,
        /// Its exit status.
        status: String,
        /// The end of its standard error.
        stderr: String,
    },
    /// A PostgreSQL protocol error.
    #[error("{target}: PostgreSQL: {source}")]
    Postgres {
        /// The server.
        target: String,
        /// The driver's error.
        #[source]
        source: tokio_postgres::Error,
    },
    /// A Redis protocol error.
    #[error("{target}: Redis: {source}")]
    Redis {
        /// The server.
        target: String,
        /// The driver's error.
        #[source]
        source: redis::RedisError,
    },
    /// A MongoDB driver error.
    #[error("{target}: MongoDB: {source}")]
    Mongo {
        /// The deployment (no credentials).
        target: String,
        /// The driver's error.
        #[source]
        source: mongodb::error::Error,
    },
    /// A network operation did not finish in time.
    #[error("{target}: timeout after {secs} s while {what}")]
    Timeout {
        /// The server.
        target: String,
        /// What we waited for.
        what: String,
        /// The limit.
        secs: u64,
    },
    /// A background task panicked or was cancelled.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DataError {
    /// An I/O error on a path.
    pub fn io(op: &'static str, path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        DataError::Io {
            op,
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// Invalid input about `target`.
    pub fn invalid(target: impl Into<String>, detail: impl Into<String>) -> Self {
        DataError::InvalidInput {
            target: target.into(),
            detail: detail.into(),
        }
    }

    /// Damaged repository data.
    pub fn corrupt(repo: impl Into<String>, detail: impl Into<String>) -> Self {
        DataError::Corrupt {
            repo: repo.into(),
            detail: detail.into(),
        }
    }

    fn target(&self) -> Option<String> {
        match self {
            DataError::Io { path, .. } => Some(path.clone()),
            DataError::Store(e) => e.target().map(str::to_string),
            DataError::Corrupt { repo, .. }
            | DataError::WrongKey { repo }
            | DataError::Locked { repo, .. } => Some(repo.clone()),
            DataError::NotFound { target, .. }
            | DataError::InvalidInput { target, .. }
            | DataError::Command { target, .. }
            | DataError::Postgres { target, .. }
            | DataError::Redis { target, .. }
            | DataError::Mongo { target, .. }
            | DataError::Timeout { target, .. } => Some(target.clone()),
            DataError::Internal(_) => None,
        }
    }
}

impl Classify for DataError {
    fn kind(&self) -> ErrorKind {
        match self {
            DataError::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::NotFound => ErrorKind::NotFound,
                std::io::ErrorKind::PermissionDenied => ErrorKind::Auth,
                std::io::ErrorKind::AlreadyExists => ErrorKind::Conflict,
                _ => ErrorKind::Internal,
            },
            DataError::Store(e) => e.kind(),
            DataError::Corrupt { .. } => ErrorKind::VerificationFailed,
            DataError::WrongKey { .. } => ErrorKind::Auth,
            DataError::Locked { .. } => ErrorKind::Conflict,
            DataError::NotFound { .. } => ErrorKind::NotFound,
            DataError::InvalidInput { .. } => ErrorKind::InvalidInput,
            DataError::Command { .. } => ErrorKind::Internal,
            DataError::Postgres { source, .. } => {
                if source.is_closed() || source.as_db_error().is_none() {
                    ErrorKind::Transport
                } else {
                    ErrorKind::Internal
                }
            }
            DataError::Redis { source, .. } => {
                if source.is_io_error() || source.is_connection_dropped() {
                    ErrorKind::Transport
                } else {
                    ErrorKind::Internal
                }
            }
            DataError::Mongo { source, .. } => mongo_kind(source),
            DataError::Timeout { .. } => ErrorKind::Timeout,
            DataError::Internal(_) => ErrorKind::Internal,
        }
    }

    fn sent(&self) -> Sent {
        match self {
            DataError::Store(e) => e.sent(),
            DataError::Io { .. } | DataError::InvalidInput { .. } | DataError::WrongKey { .. } => {
                Sent::No
            }
            DataError::Timeout { .. } => Sent::Maybe,
            _ => Sent::Yes,
        }
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            DataError::Store(e) => e.retry_after(),
            _ => None,
        }
    }
}

impl From<DataError> for hermes_core::Error {
    fn from(err: DataError) -> Self {
        if let DataError::Store(e) = err {
            return e;
        }
        let mut out =
            hermes_core::Error::new(err.kind(), message_without_target(&err)).with_sent(err.sent());
        if let Some(t) = err.target() {
            out = out.with_target(t);
        }
        if let Some(r) = err.retry_after() {
            out = out.with_retry_after(r);
        }
        out.with_source(err)
    }
}

fn message_without_target(err: &DataError) -> String {
    let full = err.to_string();
    match err.target() {
        Some(t) => full
            .strip_prefix(&format!("{t}: "))
            .map(str::to_string)
            .unwrap_or(full),
        None => full,
    }
}

fn mongo_kind(e: &mongodb::error::Error) -> ErrorKind {
    use mongodb::error::ErrorKind as K;
    match e.kind.as_ref() {
        K::Io(_) | K::ConnectionPoolCleared { .. } | K::ServerSelection { .. } => {
            ErrorKind::Transport
        }
        K::Authentication { .. } => ErrorKind::Auth,
        K::InvalidArgument { .. } => ErrorKind::InvalidInput,
        K::Command(c) if c.code == 11000 => ErrorKind::Conflict,
        K::Command(c) if c.code == 13 => ErrorKind::Auth,
        K::Write(mongodb::error::WriteFailure::WriteError(w)) if w.code == 11000 => {
            ErrorKind::Conflict
        }
        _ => ErrorKind::Internal,
    }
}

pub(crate) fn join_error(e: tokio::task::JoinError) -> DataError {
    DataError::Internal(format!("background task failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_keeping_kind_and_target() {
        let e = DataError::WrongKey {
            repo: "local:/r".into(),
        };
        let core: hermes_core::Error = e.into();
        assert_eq!(core.kind(), ErrorKind::Auth);
        assert_eq!(core.target(), Some("local:/r"));
        assert!(
            core.message().starts_with("wrong key"),
            "{}",
            core.message()
        );
        let e = DataError::Locked {
            repo: "r".into(),
            holder: "h".into(),
            lock: "locks/x".into(),
        };
        assert_eq!(hermes_core::Error::from(e).kind(), ErrorKind::Conflict);
    }
}
