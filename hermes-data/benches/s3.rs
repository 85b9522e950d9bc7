//! S3 offsite copy of one repository to the local SeaweedFS peer: Hermes `copy_to` vs boto3 (s3transfer's
//! TransferManager, 8 threads, multipart) vs `restic copy`, plus the server's own ceiling. One run, same
//! machine; prints MiB/s for each and the ratios.
//!
//! `scripts/peers.sh up seaweedfs backup-tools && cargo bench -p hermes-data --bench s3` (256 MiB dataset),
//! `-- --gib` (1 GiB), `-- --mib N`.
//!
//! - dataset: the same generator as `benches/backup.rs` (seed 42: 60% incompressible, 40% JSON); backed
//!   up once into an encrypted Hermes repository (and, for restic, an encrypted restic repository);
//! - hermes: `Repository::copy_to(S3Store, 8)`: 8 objects in flight, 16 MiB parts above 32 MiB, a
//!   SHA-256 sent with every request and checked by the server;
//! - boto3: every file of the same Hermes repository directory uploaded by one `TransferManager` with
//!   `max_concurrency=8` (multipart above 8 MiB, `ChecksumAlgorithm=SHA256` like Hermes); timed inside
//!   Python, interpreter start excluded;
//! - restic: `restic copy` of the restic repository to an S3 restic repository (it re-encrypts every
//!   blob: a different job, shown for reference), MiB/s of its own repository size;
//! - ceiling: the bytes of the Hermes repository as 16 MiB in-memory `PutObject`s, 16 in flight, no
//!   checksum and no disk read: what this server ingests at best from one client.

use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures::StreamExt;
use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::s3::{S3Config, S3Store};
use hermes_data::{BackupOptions, InitOptions, Repository};

mod common;
use common::{du, make_dataset};

fn run(cmd: &mut Command) -> (f64, String) {
    let t = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        t.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const BOTO3: &str = r#"
import os, sys, time
import boto3
from boto3.s3.transfer import TransferConfig
from s3transfer.manager import TransferManager
root, bucket, endpoint = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name=os.environ["AWS_REGION"],
                  aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                  config=boto3.session.Config(max_pool_connections=16))
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
files = []
for d, _, names in os.walk(root):
    for n in names:
        p = os.path.join(d, n)
        files.append((p, os.path.relpath(p, root)))
t = time.monotonic()
with TransferManager(s3, TransferConfig(max_concurrency=8)) as tm:
    futs = [tm.upload(p, bucket, k, extra_args={"ChecksumAlgorithm": "SHA256"}) for p, k in files]
    for f in futs:
        f.result()
print(f"{time.monotonic() - t:.3f} {len(files)}")
"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mib = common::size_mib(&args);
    let peer = hermes_testkit::peer("seaweedfs");
    let endpoint = format!("http://{}", peer.addr());
    let (access, secret, region) = (
        peer.setting("ACCESS_KEY"),
        peer.setting("SECRET_KEY"),
        peer.setting("REGION"),
    );
    let tmp = common::scratch();
    let src = tmp.path().join("src");
    println!("generating {mib} MiB mixed dataset in {}", src.display());
    let files = make_dataset(&src, mib << 20);
    println!(
        "{} files, {:.1} MiB",
        files.len(),
        du(&src) as f64 / 1048576.0
    );
    let rt = common::runtime();
    let hrepo_dir = tmp.path().join("hermes");
    let repo = rt.block_on(async {
        let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&hrepo_dir).unwrap());
        let repo = Repository::init(store, InitOptions::new().passphrase("bench"))
            .await
            .unwrap();
        repo.backup_dir(&src, BackupOptions::incremental())
            .await
            .unwrap();
        repo
    });
    let repo_bytes = du(&hrepo_dir);
    let repo_mib = repo_bytes as f64 / 1048576.0;
    println!(
        "hermes repository: {repo_mib:.1} MiB in {} objects",
        walkdir::WalkDir::new(&hrepo_dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .count()
    );
    let run_id = format!("{}-{}", std::process::id(), fastrand::u32(..));
    let cfg = |bucket: &str| {
        S3Config::new(bucket)
            .endpoint(endpoint.clone())
            .region(region.clone())
            .credentials(access.clone(), secret.clone())
    };

    // The server's ceiling from one client.
    let ceiling_bucket = format!("bench-ceiling-{run_id}");
    let ceiling = rt.block_on(async {
        let s = S3Store::new(cfg(&ceiling_bucket)).unwrap();
        s.create_bucket().await.unwrap();
        let body = Bytes::from({
            let mut v = vec![0u8; 16 << 20];
            fastrand::Rng::with_seed(1).fill(&mut v);
            v
        });
        let n = repo_bytes.div_ceil(16 << 20) as usize;
        let t = Instant::now();
        futures::stream::iter((0..n).map(|i| {
            let (s, body) = (s.clone(), body.clone());
            async move {
                s.client()
                    .put_object()
                    .bucket(s.config().bucket())
                    .key(format!("c/{i}"))
                    .body(body.into())
                    .send()
                    .await
                    .unwrap();
            }
        }))
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
        let secs = t.elapsed().as_secs_f64();
        s.destroy().await.unwrap();
        (n as f64 * 16.0) / secs
    });
    println!("server ceiling: {ceiling:.1} MiB/s");

    // Hermes.
    let hermes_bucket = format!("bench-hermes-{run_id}");
    let (hermes_secs, report) = rt.block_on(async {
        let s = S3Store::new(cfg(&hermes_bucket).prefix("repo")).unwrap();
        s.create_bucket().await.unwrap();
        let dest: Arc<dyn ArtifactStore> = Arc::new(s.clone());
        let t = Instant::now();
        let r = repo.copy_to(dest, 8).await.unwrap();
        let secs = t.elapsed().as_secs_f64();
        s.destroy().await.unwrap();
        S3Store::new(cfg(&hermes_bucket))
            .unwrap()
            .destroy()
            .await
            .unwrap();
        (secs, r)
    });
    assert_eq!(report.bytes, repo_bytes);
    let hermes = repo_mib / hermes_secs;
    println!(
        "hermes copy_to: {} objects, {hermes_secs:.2} s, {hermes:.1} MiB/s",
        report.objects
    );

    // boto3.
    let python = peer.setting("PYTHON");
    let boto_bucket = format!("bench-boto3-{run_id}");
    let script = tmp.path().join("boto3_upload.py");
    std::fs::write(&script, BOTO3).unwrap();
    let (_, out) = run(Command::new(&python)
        .arg(&script)
        .arg(&hrepo_dir)
        .arg(&boto_bucket)
        .arg(&endpoint)
        .env("AWS_ACCESS_KEY_ID", &access)
        .env("AWS_SECRET_ACCESS_KEY", &secret)
        .env("AWS_REGION", &region));
    let boto_secs: f64 = out.split_whitespace().next().unwrap().parse().unwrap();
    let boto = repo_mib / boto_secs;
    println!("boto3 (TransferManager, 8 threads): {boto_secs:.2} s, {boto:.1} MiB/s");
    rt.block_on(S3Store::new(cfg(&boto_bucket)).unwrap().destroy())
        .unwrap();

    // restic copy.
    let restic = Command::new("restic")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let mut restic_fig = None;
    if restic {
        let rrepo = tmp.path().join("restic");
        let restic_bucket = format!("bench-restic-{run_id}");
        let dest = format!("s3:{endpoint}/{restic_bucket}/repo");
        let cmd = |args: &[&str]| {
            let mut c = Command::new("restic");
            c.args(args)
                .env("RESTIC_PASSWORD", "bench")
                .env("RESTIC_FROM_PASSWORD", "bench")
                .env("RESTIC_CACHE_DIR", tmp.path().join("restic-cache"))
                .env("AWS_ACCESS_KEY_ID", &access)
                .env("AWS_SECRET_ACCESS_KEY", &secret)
                .env("AWS_DEFAULT_REGION", &region);
            c
        };
        let rrepo_s = rrepo.display().to_string();
        rt.block_on(S3Store::new(cfg(&restic_bucket)).unwrap().create_bucket())
            .unwrap();
        run(&mut cmd(&["-r", &rrepo_s, "init"]));
        run(&mut cmd(&[
            "-r",
            &rrepo_s,
            "backup",
            "-q",
            &src.display().to_string(),
        ]));
        run(&mut cmd(&[
            "-r",
            &dest,
            "init",
            "--from-repo",
            &rrepo_s,
            "--copy-chunker-params",
        ]));
        let (secs, _) = run(&mut cmd(&["-r", &dest, "copy", "--from-repo", &rrepo_s]));
        let size = du(&rrepo) as f64 / 1048576.0;
        restic_fig = Some((secs, size / secs, size));
        println!(
            "restic copy: {size:.1} MiB in {secs:.2} s, {:.1} MiB/s",
            size / secs
        );
        rt.block_on(S3Store::new(cfg(&restic_bucket)).unwrap().destroy())
            .unwrap();
    } else {
        println!("restic not installed (scripts/peers.sh up backup-tools): skipped");
    }

    println!();
    println!("| tool | bytes | time | throughput |");
    println!("|---|---|---|---|");
    println!(
        "| server ceiling (in-memory PutObject ×16) | {repo_mib:.1} MiB | | {ceiling:.1} MiB/s |"
    );
    println!("| hermes copy_to (8 objects in flight) | {repo_mib:.1} MiB | {hermes_secs:.2} s | {hermes:.1} MiB/s |");
    println!("| boto3 TransferManager (8 threads) | {repo_mib:.1} MiB | {boto_secs:.2} s | {boto:.1} MiB/s |");
    if let Some((secs, rate, size)) = restic_fig {
        println!("| restic 0.14 copy | {size:.1} MiB | {secs:.2} s | {rate:.1} MiB/s |");
    }
    println!();
    print!(
        "hermes vs boto3: {:.2}x; hermes at {:.0}% of the server ceiling",
        hermes / boto,
        100.0 * hermes / ceiling
    );
    if let Some((_, rate, _)) = restic_fig {
        print!("; hermes vs restic copy: {:.2}x", hermes / rate);
    }
    println!();
}
