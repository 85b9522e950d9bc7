//! Reusable contract tests for the three traits. Every domain crate runs these on its implementations
//! (against the real peer) so that "idempotent", "dry-run touches nothing" and "restore reproduces the
//! source" mean the same everywhere.
//!
//! Each check returns a [`ContractReport`] listing what it verified, or an error of kind
//! [`ErrorKind::VerificationFailed`] naming the broken rule.
//!
//! ```no_run
//! # async fn demo<D: hermes_core::Configurable>(device: D, want: D::Model) -> hermes_core::Result<()> {
//! let report = hermes_core::contract::check_configurable(&device, &want).await?;
//! println!("{report}");
//! # Ok(()) }
//! ```

use std::fmt::{self, Debug};
use std::future::Future;

use crate::checksum::{HashingWriter, Sha256Digest};
use crate::error::{Error, ErrorKind, Result};
use crate::traits::{BackupKind, Backupable, Configurable, Mode, Provisioner, RestoreTarget};

/// What a contract check verified, step by step.
#[derive(Debug, Clone, Default)]
pub struct ContractReport {
    /// The subject (target name or description).
    pub subject: String,
    /// The rules verified, in order.
    pub verified: Vec<String>,
}

impl ContractReport {
    fn ok(&mut self, rule: impl Into<String>) {
        self.verified.push(rule.into());
    }
}

impl fmt::Display for ContractReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "contract verified for {}:", self.subject)?;
        for r in &self.verified {
            writeln!(f, "  ✓ {r}")?;
        }
        Ok(())
    }
}

fn broken(subject: &str, rule: &str, detail: impl fmt::Display) -> Error {
    Error::new(
        ErrorKind::VerificationFailed,
        format!("contract broken: {rule}: {detail}"),
    )
    .with_target(subject.to_string())
}

/// Checks the [`Configurable`] contract, converging `device` to `want` (it changes the device):
/// 1. `diff(live, live)` is empty; 2. a dry run touches nothing; 3. the plan is empty iff live == want;
/// 4. converge applies and verifies; 5. read-back equals `want`; 6. a second converge applies nothing.
pub async fn check_configurable<C: Configurable>(
    device: &C,
    want: &C::Model,
) -> Result<ContractReport> {
    let subject = device.target();
    let mut r = ContractReport {
        subject: subject.clone(),
        ..Default::default()
    };
    let live = device.read().await?;
    let same = device.diff(&live, &live);
    if same.has_changes() {
        return Err(broken(
            &subject,
            "diff(live, live) must be empty",
            same.render(),
        ));
    }
    r.ok("diff of the live state with itself is empty");

    let dry = device.converge(want, Mode::DryRun).await?;
    if dry.applied.is_some() {
        return Err(broken(
            &subject,
            "a dry run must not apply",
            "it reported an apply",
        ));
    }
    let after_dry = device.read().await?;
    if after_dry != live {
        return Err(broken(
            &subject,
            "a dry run must touch nothing",
            format!("live state changed: {live:?} -> {after_dry:?}"),
        ));
    }
    r.ok("dry run returned the plan and touched nothing");

    if (live == *want) == dry.plan.has_changes() {
        return Err(broken(
            &subject,
            "the plan must be empty exactly when live equals desired",
            format!(
                "live == want: {}, plan:\n{}",
                live == *want,
                dry.plan.render()
            ),
        ));
    }
    r.ok(format!(
        "plan matches the difference ({})",
        dry.plan.summary()
    ));

    let applied = device.converge(want, Mode::Apply).await?;
    let restart = applied.applied.as_ref().is_some_and(|a| a.restart_required);
    if !restart {
        if !applied.verified {
            return Err(broken(
                &subject,
                "converge must verify its read-back",
                "verified = false",
            ));
        }
        let back = device.read().await?;
        if back != *want {
            return Err(broken(
                &subject,
                "read-back after apply must equal desired",
                format!("{back:?} != {want:?}"),
            ));
        }
        r.ok("apply then read-back equals the desired model");
        let again = device.converge(want, Mode::Apply).await?;
        if again.plan.has_changes() || again.applied.is_some() {
            return Err(broken(
                &subject,
                "a second converge must apply nothing",
                again.plan.render(),
            ));
        }
        r.ok("a second converge applies nothing");
    } else {
        r.ok("apply reported that a restart is required (read-back deferred)");
    }
    Ok(r)
}

/// Checks the [`Provisioner`] contract with `observe`, a snapshot of the external state the provisioner
/// changes (e.g. the list of VMs): 1. `plan` changes nothing; 2. `provision` makes the plan empty;
/// 3. a second `provision` changes nothing.
pub async fn check_provisioner<P, S, F, Fut>(
    p: &P,
    spec: &P::Spec,
    subject: &str,
    observe: F,
) -> Result<ContractReport>
where
    P: Provisioner,
    S: PartialEq + Debug,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<S>>,
{
    let mut r = ContractReport {
        subject: subject.to_string(),
        ..Default::default()
    };
    let s0 = observe().await?;
    let plan = p.plan(spec).await?;
    let s1 = observe().await?;
    if s0 != s1 {
        return Err(broken(
            subject,
            "plan must change nothing",
            format!("{s0:?} -> {s1:?}"),
        ));
    }
    r.ok(format!("plan changed nothing ({})", plan.summary()));
    p.provision(spec).await?;
    let after = p.plan(spec).await?;
    if after.has_changes() {
        return Err(broken(
            subject,
            "after provision the plan must be empty",
            after.render(),
        ));
    }
    r.ok("after provision, the plan is empty");
    let s2 = observe().await?;
    p.provision(spec).await?;
    let s3 = observe().await?;
    if s2 != s3 {
        return Err(broken(
            subject,
            "a second provision must change nothing",
            format!("{s2:?} -> {s3:?}"),
        ));
    }
    r.ok("a second provision changed nothing");
    Ok(r)
}

/// Checks the [`Backupable`] contract: a full backup's reported size and checksum are those of the bytes
/// written; restoring it into `target` reproduces the source (checked by `same`); after `mutate`
/// changes the source, an incremental backup from the full one's checkpoint, restored on top of the
/// full one into the same target, reproduces the changed source.
pub async fn check_backupable<B, M, MF, V, VF>(
    b: &B,
    subject: &str,
    target: &RestoreTarget,
    mutate: M,
    same: V,
) -> Result<ContractReport>
where
    B: Backupable,
    M: FnOnce() -> MF,
    MF: Future<Output = Result<()>>,
    V: Fn() -> VF,
    VF: Future<Output = Result<()>>,
{
    let mut r = ContractReport {
        subject: subject.to_string(),
        ..Default::default()
    };
    let mut full = HashingWriter::new(Vec::new());
    let info = b.backup(BackupKind::Full, &mut full).await?;
    let digest = full.digest();
    let full = full.into_inner();
    if info.bytes != full.len() as u64 || info.sha256 != digest {
        return Err(broken(
            subject,
            "BackupInfo must describe the bytes written",
            format!(
                "reported {} bytes {:?}, wrote {} bytes {:?}",
                info.bytes,
                info.sha256,
                full.len(),
                digest
            ),
        ));
    }
    r.ok(format!(
        "full backup: {} bytes, sha256 matches the stream",
        info.bytes
    ));
    let restored = b.restore(&mut &full[..], target).await?;
    if restored.sha256 != Sha256Digest::of(&full) || restored.bytes != full.len() as u64 {
        return Err(broken(
            subject,
            "RestoreInfo must describe the bytes read",
            format!("{restored:?}"),
        ));
    }
    same().await.map_err(|e| {
        broken(
            subject,
            "a restored full backup must reproduce the source",
            e,
        )
    })?;
    r.ok("restoring the full backup reproduces the source");
    mutate().await?;
    let mut inc = Vec::new();
    let inc_info = b
        .backup(
            BackupKind::Incremental {
                since: info.checkpoint.clone(),
            },
            &mut inc,
        )
        .await?;
    if inc_info.kind.as_str() != "incremental" {
        return Err(broken(
            subject,
            "an incremental backup must say so",
            format!("{:?}", inc_info.kind),
        ));
    }
    b.restore(&mut &inc[..], target).await?;
    same().await.map_err(|e| {
        broken(
            subject,
            "full + incremental must reproduce the changed source",
            e,
        )
    })?;
    r.ok(format!(
        "incremental ({} bytes) on top of the full reproduces the changed source",
        inc.len()
    ));
    Ok(r)
}
