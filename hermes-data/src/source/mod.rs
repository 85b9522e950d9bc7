//! Things that can be backed up: each implements [`hermes_core::Backupable`] (a consistent stream out,
//! a restore into a scratch target) and can be stored in a repository with
//! [`crate::Repository::backup_source`].

pub mod basebackup;
pub mod dir;
pub mod mongo;
pub mod postgres;
pub mod redis;

use std::process::Stdio;
use std::time::Duration;

use hermes_core::checksum::{HashingReader, HashingWriter, Sha256Digest};
use hermes_core::{ArtifactSink, ArtifactSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use crate::error::{DataError, Result};

fn tail(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    let s = s.trim();
    s[s.len().saturating_sub(2000)..].to_string()
}

/// Runs `cmd`, streaming its standard output into `sink`; returns (bytes, sha256).
pub(crate) async fn command_to_sink(
    mut cmd: Command,
    target: &str,
    sink: &mut dyn ArtifactSink,
    limit: Duration,
) -> Result<(u64, Sha256Digest)> {
    let program = cmd.as_std().get_program().to_string_lossy().into_owned();
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| DataError::io("run", &program, e))?;
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let work = async {
        let mut w = HashingWriter::new(sink);
        let copy = tokio::io::copy(&mut out, &mut w);
        let mut stderr = Vec::new();
        let (copied, _) = tokio::join!(copy, err.read_to_end(&mut stderr));
        copied.map_err(|e| DataError::io("stream output of", &program, e))?;
        w.flush()
            .await
            .map_err(|e| DataError::io("write backup of", target, e))?;
        let status = child
            .wait()
            .await
            .map_err(|e| DataError::io("wait for", &program, e))?;
        if !status.success() {
            return Err(DataError::Command {
                program: program.clone(),
                target: target.to_string(),
                status: status.to_string(),
                stderr: tail(&stderr),
            });
        }
        Ok((w.bytes(), w.digest()))
    };
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| DataError::Timeout {
            target: target.to_string(),
            what: format!("running {program}"),
            secs: limit.as_secs(),
        })?
}

/// Runs `cmd` with `source` on its standard input; returns (bytes, sha256) of what was fed.
pub(crate) async fn command_from_source(
    mut cmd: Command,
    target: &str,
    source: &mut dyn ArtifactSource,
    limit: Duration,
) -> Result<(u64, Sha256Digest)> {
    let program = cmd.as_std().get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| DataError::io("run", &program, e))?;
    let mut input = child.stdin.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let work = async {
        let mut r = HashingReader::new(source);
        let feed = async {
            let res = tokio::io::copy(&mut r, &mut input).await;
            drop(input);
            res
        };
        let mut stderr = Vec::new();
        let (fed, _) = tokio::join!(feed, err.read_to_end(&mut stderr));
        let status = child
            .wait()
            .await
            .map_err(|e| DataError::io("wait for", &program, e))?;
        if !status.success() {
            return Err(DataError::Command {
                program: program.clone(),
                target: target.to_string(),
                status: status.to_string(),
                stderr: tail(&stderr),
            });
        }
        fed.map_err(|e| DataError::io("feed", &program, e))?;
        Ok((r.bytes(), r.digest()))
    };
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| DataError::Timeout {
            target: target.to_string(),
            what: format!("running {program}"),
            secs: limit.as_secs(),
        })?
}
