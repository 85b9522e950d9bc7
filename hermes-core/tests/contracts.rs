//! The three traits' contracts, exercised on implementations written here (a key-value file, a
//! directory-tree provisioner, an append-only log backup), and shown to catch broken implementations.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use chrono::Utc;
use hermes_core::checksum::{HashingReader, HashingWriter};
use hermes_core::contract::{check_backupable, check_configurable, check_provisioner};
use hermes_core::kvfile::KeyValueFile;
use hermes_core::plan::{Action, Change, ChangeSet, FieldChange, Plan};
use hermes_core::{
    ApplyReport, ArtifactSink, ArtifactSource, BackupInfo, BackupKind, Backupable, Configurable,
    Error, ErrorKind, Provisioner, RestoreInfo, RestoreTarget, Result,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn key_value_file_honours_the_configurable_contract() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("postgresql.auto.conf");
    std::fs::write(&path, "# tuned by hermes\nmax_connections = 100\nshared_buffers = '128MB'\nwork_mem = 4MB # per sort\n").unwrap();
    let f = KeyValueFile::new(&path);
    let want = map(&[
        ("max_connections", "200"),
        ("shared_buffers", "'128MB'"),
        ("wal_level", "replica"),
    ]);
    let report = check_configurable(&f, &want).await.unwrap();
    assert_eq!(report.verified.len(), 5, "{report}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "# tuned by hermes\nmax_connections = 200\nshared_buffers = '128MB'\nwal_level = replica\n"
    );
    // Starting from a missing file works too.
    let fresh = KeyValueFile::new(dir.path().join("new/sysctl.conf"));
    check_configurable(&fresh, &map(&[("vm.swappiness", "10")]))
        .await
        .unwrap();
    // A malformed line is an error naming file and line.
    std::fs::write(&path, "ok = 1\nnot a setting\n").unwrap();
    let e = f.read().await.unwrap_err();
    assert!(e.to_string().contains("postgresql.auto.conf:2"), "{e}");
}

/// A Configurable whose "dry run" writes: the contract must catch it.
struct Sneaky(KeyValueFile, AtomicBool);

#[async_trait]
impl Configurable for Sneaky {
    type Model = BTreeMap<String, String>;
    fn target(&self) -> String {
        "sneaky".into()
    }
    async fn read(&self) -> Result<Self::Model> {
        self.0.read().await
    }
    fn diff(&self, live: &Self::Model, want: &Self::Model) -> ChangeSet {
        self.0.diff(live, want)
    }
    async fn apply(&self, c: &ChangeSet) -> Result<ApplyReport> {
        self.0.apply(c).await
    }
    async fn plan(&self, want: &Self::Model) -> Result<ChangeSet> {
        let live = self.read().await?;
        let plan = self.diff(&live, want);
        if !self.1.swap(true, Ordering::SeqCst) {
            self.0.apply(&plan).await?; // applies during planning: a contract violation
        }
        Ok(plan)
    }
}

#[tokio::test]
async fn the_contract_catches_a_dry_run_that_writes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Sneaky(
        KeyValueFile::new(dir.path().join("x.conf")),
        AtomicBool::new(false),
    );
    let e = check_configurable(&s, &map(&[("a", "1")]))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::VerificationFailed);
    assert!(e.to_string().contains("dry run must touch nothing"), "{e}");
}

/// Provisions a directory tree of files with given contents (like Ansible's `file`/`copy`).
struct TreeProvisioner {
    root: PathBuf,
}

#[async_trait]
impl Provisioner for TreeProvisioner {
    type Spec = BTreeMap<String, String>;
    type Resource = Vec<PathBuf>;

    async fn plan(&self, spec: &Self::Spec) -> Result<Plan> {
        let mut plan = Plan::new(self.root.display().to_string());
        for (rel, content) in spec {
            let p = self.root.join(rel);
            match std::fs::read_to_string(&p) {
                Ok(c) if &c == content => plan.push(Change::new(Action::Keep, rel.clone())),
                Ok(c) => plan.push(
                    Change::new(Action::Update, rel.clone())
                        .field(FieldChange::changed("content", c, content)),
                ),
                Err(_) => plan.push(
                    Change::new(Action::Create, rel.clone())
                        .field(FieldChange::added("content", content)),
                ),
            }
        }
        Ok(plan)
    }

    async fn provision(&self, spec: &Self::Spec) -> Result<Self::Resource> {
        let mut out = Vec::new();
        for c in self.plan(spec).await?.changes {
            let p = self.root.join(&c.resource);
            if c.action != Action::Keep {
                hermes_core::artifact::write_atomic(&p, spec[&c.resource].as_bytes(), 0o644)?;
            }
            out.push(p);
        }
        Ok(out)
    }
}

fn snapshot(root: &Path) -> Result<BTreeMap<String, (String, std::time::SystemTime)>> {
    let mut m = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let md = std::fs::metadata(&p)?;
                m.insert(
                    p.display().to_string(),
                    (std::fs::read_to_string(&p)?, md.modified()?),
                );
            }
        }
    }
    Ok(m)
}

#[tokio::test]
async fn tree_provisioner_honours_the_provisioner_contract() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::write(dir.path().join("etc/motd"), "old").unwrap();
    let p = TreeProvisioner {
        root: dir.path().to_path_buf(),
    };
    let spec = map(&[
        ("etc/motd", "welcome"),
        ("etc/hermes/site", "dc1"),
        ("var/lib/x", ""),
    ]);
    let first = p.plan(&spec).await.unwrap();
    assert_eq!((first.summary().create, first.summary().update), (2, 1));
    let root = dir.path().to_path_buf();
    let report = check_provisioner(&p, &spec, "tree", || {
        let root = root.clone();
        async move { snapshot(&root) }
    })
    .await
    .unwrap();
    assert_eq!(report.verified.len(), 3);
}

/// Backs up an append-only log file: a full backup is the whole file, an incremental the bytes after
/// the checkpoint offset. Restore writes (full) or appends (incremental) to `<dir>/app.log`.
struct LogBackup {
    path: PathBuf,
}

#[async_trait]
impl Backupable for LogBackup {
    async fn backup(&self, kind: BackupKind, sink: &mut dyn ArtifactSink) -> Result<BackupInfo> {
        let started = Utc::now();
        let data = tokio::fs::read(&self.path)
            .await
            .map_err(|e| Error::io(&self.path, "read", e))?;
        let from = match &kind {
            BackupKind::Full => 0,
            BackupKind::Incremental { since } => since
                .parse::<usize>()
                .map_err(|_| Error::invalid_input("bad checkpoint"))?,
        };
        if from > data.len() {
            return Err(Error::new(
                ErrorKind::Conflict,
                "the log shrank since the checkpoint: take a full backup",
            ));
        }
        let header = if from == 0 { "F" } else { "I" };
        let mut w = HashingWriter::new(sink);
        w.write_all(header.as_bytes()).await?;
        w.write_all(&data[from..]).await?;
        w.flush().await?;
        Ok(BackupInfo {
            source: self.path.display().to_string(),
            kind,
            bytes: w.bytes(),
            sha256: w.digest(),
            started,
            finished: Utc::now(),
            consistent_at: started,
            checkpoint: data.len().to_string(),
            metadata: BTreeMap::new(),
        })
    }

    async fn restore(
        &self,
        source: &mut dyn ArtifactSource,
        target: &RestoreTarget,
    ) -> Result<RestoreInfo> {
        let t0 = std::time::Instant::now();
        let RestoreTarget::Directory { path } = target else {
            return Err(Error::unsupported("restore goes to a directory"));
        };
        let mut r = HashingReader::new(source);
        let mut buf = Vec::new();
        r.read_to_end(&mut buf).await?;
        let out = path.join("app.log");
        match buf.first() {
            Some(b'F') => tokio::fs::write(&out, &buf[1..]).await?,
            Some(b'I') => {
                let mut f = tokio::fs::OpenOptions::new()
                    .append(true)
                    .open(&out)
                    .await?;
                f.write_all(&buf[1..]).await?;
            }
            _ => return Err(Error::malformed("not a log backup stream")),
        }
        Ok(RestoreInfo {
            target: target.clone(),
            bytes: r.bytes(),
            sha256: r.digest(),
            elapsed: t0.elapsed(),
        })
    }
}

#[tokio::test]
async fn log_backup_honours_the_backupable_contract() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("app.log");
    std::fs::write(&src, "line 1\nline 2\n").unwrap();
    let scratch = dir.path().join("scratch");
    std::fs::create_dir_all(&scratch).unwrap();
    let b = LogBackup { path: src.clone() };
    let (src2, scratch2) = (src.clone(), scratch.clone());
    let report = check_backupable(
        &b,
        "app.log",
        &RestoreTarget::Directory {
            path: scratch.clone(),
        },
        || async move {
            let mut f = tokio::fs::OpenOptions::new()
                .append(true)
                .open(&src2)
                .await?;
            f.write_all(b"line 3\n").await?;
            Ok(())
        },
        || {
            let (a, b) = (src.clone(), scratch2.join("app.log"));
            async move {
                let (x, y) = (tokio::fs::read(&a).await?, tokio::fs::read(&b).await?);
                if x == y {
                    Ok(())
                } else {
                    Err(Error::verification(format!(
                        "{} bytes vs {} bytes",
                        x.len(),
                        y.len()
                    )))
                }
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(report.verified.len(), 3, "{report}");
    assert_eq!(
        std::fs::read_to_string(scratch.join("app.log")).unwrap(),
        "line 1\nline 2\nline 3\n"
    );
}
