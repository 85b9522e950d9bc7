//! The S3 store against the real SeaweedFS peer (`scripts/peers.sh up seaweedfs`): round trips of small
//! and multipart objects, server-checked SHA-256, credentials, a repository copied offsite and restored
//! from S3, and an upload resumed after the S3 server was SIGKILLed mid-upload (a private SeaweedFS this
//! test starts and kills, so the shared peer is never disturbed).

mod common;

use std::future::Future;
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use hermes_core::{ArtifactStore, ErrorKind, RetryPolicy, Secret, Sha256Digest};
use hermes_data::artifact::LocalStore;
use hermes_data::s3::{S3Config, S3Store};
use hermes_data::{BackupOptions, InitOptions, Repository};
use tokio::io::{AsyncRead, ReadBuf};

const MIB: usize = 1 << 20;

static SEQ: AtomicU32 = AtomicU32::new(0);

/// A bucket name of our own: tests never share one.
fn unique_bucket(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "hermes-{what}-{}-{}-{nanos}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

fn peer_config(bucket: &str) -> S3Config {
    let p = hermes_testkit::peer("seaweedfs");
    S3Config::new(bucket)
        .endpoint(format!("http://{}", p.addr()))
        .region(p.setting("REGION"))
        .credentials(p.setting("ACCESS_KEY"), p.setting("SECRET_KEY"))
        // Generous: the machine is small and shared.
        .timeouts(Duration::from_secs(20), Duration::from_secs(180))
}

fn data(len: usize, seed: u64) -> Bytes {
    let mut v = vec![0u8; len];
    fastrand::Rng::with_seed(seed).fill(&mut v);
    Bytes::from(v)
}

async fn new_store(cfg: S3Config) -> S3Store {
    let s = S3Store::new(cfg).unwrap();
    s.create_bucket().await.unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_of_small_and_multipart_objects() {
    let bucket = unique_bucket("rt");
    let s = new_store(
        peer_config(&bucket)
            .part_size(5 * MIB as u64)
            .multipart_threshold(5 * MIB as u64)
            .part_concurrency(4),
    )
    .await;

    // Small, empty and exactly-one-part objects are single PUTs.
    let small = data(1000, 1);
    let m = s.put_bytes("a/small", small.clone()).await.unwrap();
    assert_eq!(m.size, 1000);
    assert_eq!(m.sha256, Some(Sha256Digest::of(&small)));
    s.put_bytes("a/empty", Bytes::new()).await.unwrap();
    let one = data(5 * MIB, 2);
    let r = s.put_report("a/one-part", &mut &one[..]).await.unwrap();
    assert_eq!((r.parts_uploaded, r.resumed), (0, false));

    // 23 MiB in 5 MiB parts: 5 parts, the last one short.
    let big = data(23 * MIB + 17, 3);
    let r = s.put_report("b/big.bin", &mut &big[..]).await.unwrap();
    assert_eq!(r.parts_uploaded, 5, "{r:?}");
    assert_eq!((r.parts_reused, r.resumed), (0, false));
    assert_eq!(r.meta.size, big.len() as u64);
    assert_eq!(r.meta.sha256, Some(Sha256Digest::of(&big)));

    assert_eq!(s.get_bytes("a/small").await.unwrap(), small);
    assert_eq!(s.get_bytes("a/empty").await.unwrap().len(), 0);
    assert_eq!(s.get_bytes("a/one-part").await.unwrap(), one);
    assert!(s.get_bytes("b/big.bin").await.unwrap() == big);
    // Ranges: inside a part, across a part boundary, at the end, past the end.
    for (off, len) in [
        (10u64, 100u64),
        (5 * MIB as u64 - 7, 20),
        (big.len() as u64 - 5, 100),
    ] {
        let got = s.get_range("b/big.bin", off, len).await.unwrap();
        let end = (off + len).min(big.len() as u64) as usize;
        assert_eq!(&got[..], &big[off as usize..end], "range {off}+{len}");
    }
    assert!(s
        .get_range("b/big.bin", big.len() as u64 + 10, 5)
        .await
        .unwrap()
        .is_empty());

    let h = s.head("b/big.bin").await.unwrap().unwrap();
    assert_eq!(h.size, big.len() as u64);
    let h = s.head("a/small").await.unwrap().unwrap();
    assert_eq!(h.size, 1000);
    assert!(s.head("a/none").await.unwrap().is_none());

    let keys: Vec<String> = s
        .list("")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.key)
        .collect();
    assert_eq!(keys, ["a/empty", "a/one-part", "a/small", "b/big.bin"]);
    assert_eq!(s.list("a/").await.unwrap().len(), 3);
    assert_eq!(s.list("b").await.unwrap()[0].size, big.len() as u64);

    let e = s.get("a/none").await.err().unwrap();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains(&bucket), "{e}");
    s.delete("a/small").await.unwrap();
    s.delete("a/small").await.unwrap(); // idempotent
    assert!(s.head("a/small").await.unwrap().is_none());
    // Nothing left half-done on the server.
    assert_eq!(s.abort_uploads("").await.unwrap(), 0);
    s.destroy().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_is_paginated_sorted_and_scoped_to_the_prefix() {
    let bucket = unique_bucket("list");
    let root = new_store(peer_config(&bucket)).await;
    let s = S3Store::new(peer_config(&bucket).prefix("repo/one")).unwrap();
    // More than one page (S3 returns at most 1000 keys per page).
    let n = 1013;
    futures::stream::iter((0..n).map(|i| {
        let s = s.clone();
        async move {
            s.put_bytes(
                &format!("k/{:04}", (i * 7919) % n),
                Bytes::from(vec![1u8; i % 5]),
            )
            .await
        }
    }))
    .buffer_unordered(16)
    .for_each(|r| async move {
        r.unwrap();
    })
    .await;
    root.put_bytes("repo/other", Bytes::from_static(b"x"))
        .await
        .unwrap();
    let listed = s.list("").await.unwrap();
    assert_eq!(listed.len(), n);
    assert!(listed.windows(2).all(|w| w[0].key < w[1].key));
    assert_eq!(listed[0].key, "k/0000");
    assert_eq!(root.list("repo/").await.unwrap().len(), n + 1);
    assert_eq!(s.list("k/100").await.unwrap().len(), 10);
    s.destroy().await.unwrap();
    root.destroy().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_checksum_is_rejected_by_the_server_and_nothing_is_stored() {
    let bucket = unique_bucket("digest");
    let s = new_store(peer_config(&bucket)).await;
    let body = Bytes::from_static(b"the data as it left the source");
    let wrong = Sha256Digest::of(b"something else");
    let e = s
        .put_bytes_checked("x/obj", body.clone(), wrong)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::VerificationFailed, "{e}");
    assert!(e.to_string().contains("x/obj"), "{e}");
    assert!(s.head("x/obj").await.unwrap().is_none());
    // The right one is accepted.
    let m = s
        .put_bytes_checked("x/obj", body.clone(), Sha256Digest::of(&body))
        .await
        .unwrap();
    assert_eq!(m.size, body.len() as u64);
    assert_eq!(s.get_bytes("x/obj").await.unwrap(), body);
    s.destroy().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credentials_are_auth_errors_naming_endpoint_and_bucket_never_the_secret() {
    let bucket = unique_bucket("auth");
    let good = new_store(peer_config(&bucket)).await;
    let p = hermes_testkit::peer("seaweedfs");
    let secret = "wrong-secret-do-not-print-0xC0FFEE";
    for (access, secret) in [
        (p.setting("ACCESS_KEY"), secret),
        ("nobody-here".to_string(), secret),
    ] {
        let bad = S3Store::new(
            S3Config::new(&bucket)
                .endpoint(format!("http://{}", p.addr()))
                .region(p.setting("REGION"))
                .credentials(access.clone(), Secret::new(secret)),
        )
        .unwrap();
        for e in [
            bad.list("").await.unwrap_err(),
            bad.put_bytes("k", Bytes::from_static(b"v"))
                .await
                .unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
            let msg = format!("{e} {e:?}");
            assert!(msg.contains(p.addr()), "endpoint named: {msg}");
            assert!(msg.contains(&bucket), "bucket named: {msg}");
            assert!(msg.contains(&access), "access key named: {msg}");
            assert!(!msg.contains(secret), "secret leaked: {msg}");
        }
    }
    assert!(good.list("").await.unwrap().is_empty());
    good.destroy().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_copied_offsite_opens_from_s3_verifies_and_restores_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 400, &[7, 2]);
    let pass = Secret::new("offsite passphrase");
    let local = Repository::init(
        Arc::new(LocalStore::new(tmp.path().join("repo")).unwrap()),
        InitOptions::new()
            .passphrase(pass.clone())
            .pack_size(4 << 20),
    )
    .await
    .unwrap();
    let s1 = local
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();

    let bucket = unique_bucket("offsite");
    let s3 = new_store(
        peer_config(&bucket)
            .prefix("hermes/repo")
            .part_size(5 * MIB as u64)
            .multipart_threshold(5 * MIB as u64),
    )
    .await;
    let dest: Arc<dyn ArtifactStore> = Arc::new(s3.clone());
    let c1 = local.copy_to(dest.clone(), 4).await.unwrap();
    let local_objects = local.store().list("").await.unwrap();
    assert_eq!(c1.objects, local_objects.len() as u64, "{c1:?}");
    assert_eq!(c1.skipped, 0);
    assert_eq!(
        c1.bytes,
        local_objects.iter().map(|m| m.size).sum::<u64>(),
        "{c1:?}"
    );
    // Same keys, same sizes.
    let remote = s3.list("").await.unwrap();
    assert_eq!(
        remote.iter().map(|m| (&m.key, m.size)).collect::<Vec<_>>(),
        local_objects
            .iter()
            .map(|m| (&m.key, m.size))
            .collect::<Vec<_>>()
    );

    // An incremental backup, then a second copy sends only what is new.
    std::fs::write(src.join("d03/new.txt"), b"a new file after the first copy").unwrap();
    let s2 = local
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    // "New snapshots only": the new snapshot with the packs it needs that are not offsite yet.
    let c2 = local
        .copy_snapshots_to(dest.clone(), |_| true, 4)
        .await
        .unwrap();
    assert_eq!(c2.snapshots, 1, "{c2:?}");
    assert!(
        (2..=5).contains(&c2.objects),
        "new pack(s) + index(es) + snapshot: {c2:?}"
    );
    assert!(
        c2.skipped > 0,
        "the old packs it shares are already there: {c2:?}"
    );
    let again = local
        .copy_snapshots_to(dest.clone(), |_| true, 4)
        .await
        .unwrap();
    assert_eq!((again.objects, again.snapshots), (0, 0), "{again:?}");
    // The whole-repository copy finds everything there.
    let c3 = local.copy_to(dest.clone(), 4).await.unwrap();
    assert_eq!(c3.objects, 0, "{c3:?}");

    // Opened from S3 (wrong passphrase refused), verified reading every chunk, restored byte-exact.
    let e = Repository::open(dest.clone(), Some(&Secret::new("nope")))
        .await
        .unwrap_err();
    assert_eq!(hermes_core::Error::from(e).kind(), ErrorKind::Auth);
    let remote = Repository::open(dest.clone(), Some(&pass)).await.unwrap();
    assert!(remote
        .name()
        .starts_with(&format!("s3://{bucket}/hermes/repo/")));
    assert_eq!(remote.snapshots().await.unwrap().len(), 2);
    let report = remote.verify(true).await.unwrap();
    assert!(report.is_ok(), "{}", report.render());
    for (snap, fresh) in [(&s1, false), (&s2, true)] {
        let out = tmp.path().join(format!("out-{}", snap.short_id()));
        let snap = remote.snapshot(&snap.id).await.unwrap();
        let r = remote.restore_dir(&snap, &out).await.unwrap();
        assert_eq!(r.files, snap.stats.files);
        if fresh {
            common::assert_same_tree(&src, &out);
        }
    }
    s3.destroy().await.unwrap();
}

// ---------------------------------------------------------------------------------------------
// SIGKILL of the S3 server mid-upload, on a private SeaweedFS.

/// A `weed server` of this test's own (same binary as the peer), on free loopback ports.
struct Weed {
    child: Option<Child>,
    dir: std::path::PathBuf,
    ports: [u16; 8],
}

impl Weed {
    fn start(dir: &std::path::Path) -> Weed {
        let ports = [0; 8].map(|_| hermes_testkit::free_port());
        let mut w = Weed {
            child: None,
            dir: dir.to_path_buf(),
            ports,
        };
        w.spawn();
        w
    }

    fn s3_port(&self) -> u16 {
        self.ports[6]
    }

    fn spawn(&mut self) {
        let p = hermes_testkit::peer("seaweedfs");
        let weed = std::path::Path::new(&p.setting("WEED")).to_path_buf();
        assert!(
            weed.is_file(),
            "no {}: run scripts/peers.sh up seaweedfs",
            weed.display()
        );
        let (ak, sk) = (p.setting("ACCESS_KEY"), p.setting("SECRET_KEY"));
        std::fs::create_dir_all(self.dir.join("data")).unwrap();
        std::fs::create_dir_all(self.dir.join("log")).unwrap();
        std::fs::write(
            self.dir.join("s3.json"),
            format!(
                r#"{{"identities":[{{"name":"t","credentials":[{{"accessKey":"{ak}","secretKey":"{sk}"}}],"actions":["Admin","Read","Write","List","Tagging"]}}]}}"#
            ),
        )
        .unwrap();
        let [m, mg, v, vg, f, fg, s, sg] = self.ports;
        let log = std::fs::File::create(self.dir.join("log/weed.out")).unwrap();
        let child = Command::new(weed)
            .arg(format!("-logdir={}", self.dir.join("log").display()))
            .arg("server")
            .arg(format!("-dir={}", self.dir.join("data").display()))
            .args([
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-volume.max=10",
                "-filer",
                "-s3",
            ])
            .arg(format!("-master.port={m}"))
            .arg(format!("-master.port.grpc={mg}"))
            .arg(format!("-volume.port={v}"))
            .arg(format!("-volume.port.grpc={vg}"))
            .arg(format!("-filer.port={f}"))
            .arg(format!("-filer.port.grpc={fg}"))
            .arg(format!("-s3.port={s}"))
            .arg(format!("-s3.port.grpc={sg}"))
            .args([
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.volumeSizeLimitMB=64",
            ])
            .arg(format!("-s3.config={}", self.dir.join("s3.json").display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start weed");
        self.child = Some(child);
    }

    /// SIGKILL (weed ignores SIGTERM), then reap.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Weed {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits (up to 3 min) until the server stores objects in `bucket` (creating it if needed); on
/// failure the panic shows the end of the server's own log.
async fn wait_ready(cfg: &S3Config, weed: &Weed) {
    let s = S3Store::new(cfg.clone().retry(RetryPolicy::none())).unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let r = async {
            s.create_bucket().await?;
            s.put_bytes("probe", Bytes::from_static(b"ok")).await?;
            s.get_bytes("probe").await
        }
        .await;
        match r {
            Ok(b) if b == "ok" => return,
            other => {
                if Instant::now() >= deadline {
                    let log =
                        std::fs::read_to_string(weed.dir.join("log/weed.out")).unwrap_or_default();
                    let tail: Vec<&str> = log.lines().rev().take(30).collect();
                    panic!(
                        "private SeaweedFS (ports {:?}) not ready after 3 min: {other:?}\n\
                         its log ends:\n{}",
                        weed.ports,
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                    );
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// Serves `data`, but stops at `gate` until released (telling the test it got there).
struct Gated {
    data: Bytes,
    pos: usize,
    gate: usize,
    reached: Option<tokio::sync::oneshot::Sender<()>>,
    release: Option<tokio::sync::oneshot::Receiver<()>>,
}

impl AsyncRead for Gated {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if this.pos == this.gate {
            if let Some(tx) = this.reached.take() {
                let _ = tx.send(());
            }
            if let Some(rx) = this.release.as_mut() {
                match Pin::new(rx).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(_) => this.release = None,
                }
            }
        }
        let end = if this.pos < this.gate {
            this.gate
        } else {
            this.data.len()
        };
        let n = (end - this.pos).min(buf.remaining());
        buf.put_slice(&this.data[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_interrupted_by_killing_the_server_resumes_with_only_the_missing_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let mut weed = Weed::start(tmp.path());
    let p = hermes_testkit::peer("seaweedfs");
    let part = 5 * MIB;
    let cfg = S3Config::new("resume")
        .endpoint(format!("http://127.0.0.1:{}", weed.s3_port()))
        .region(p.setting("REGION"))
        .credentials(p.setting("ACCESS_KEY"), p.setting("SECRET_KEY"))
        .timeouts(Duration::from_secs(10), Duration::from_secs(120))
        .part_size(part as u64)
        .multipart_threshold(part as u64)
        .part_concurrency(2)
        .retry(
            RetryPolicy::default()
                .initial_delay(Duration::from_millis(20))
                .max_attempts(3),
        );
    wait_ready(&cfg, &weed).await;

    let body = data(6 * part + 1234, 42);
    let (reached_tx, reached_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel();
    let mut gated = Gated {
        data: body.clone(),
        pos: 0,
        gate: 3 * part,
        reached: Some(reached_tx),
        release: Some(release_rx),
    };
    let store = S3Store::new(cfg.clone()).unwrap();
    let upload = {
        let store = store.clone();
        tokio::spawn(async move { store.put_report("big/object.bin", &mut gated).await })
    };
    // Parts 1-3 are read and sent; the source then holds part 4 back while we wait for the server
    // to have all three, and kill it.
    reached_rx.await.unwrap();
    let full = store.object_key("big/object.bin");
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let uploads = store
            .client()
            .list_multipart_uploads()
            .bucket("resume")
            .send()
            .await
            .unwrap();
        let id = uploads
            .uploads()
            .iter()
            .find(|u| u.key() == Some(full.as_str()))
            .and_then(|u| u.upload_id())
            .map(str::to_string);
        if let Some(id) = id {
            let parts = store
                .client()
                .list_parts()
                .bucket("resume")
                .key(&full)
                .upload_id(id)
                .send()
                .await
                .unwrap();
            if parts.parts().len() >= 3 {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "three parts never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    weed.kill();
    release_tx.send(()).unwrap();
    let e = upload.await.unwrap().unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transport | ErrorKind::Timeout),
        "{e}"
    );
    assert!(e.to_string().contains("resumes"), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("127.0.0.1:{}", weed.s3_port())),
        "{e}"
    );
    assert!(!e.to_string().contains(&p.setting("SECRET_KEY")));

    // The server comes back with its data; the same put resumes and sends only parts 4-7.
    weed.spawn();
    wait_ready(&cfg, &weed).await;
    let store = S3Store::new(cfg.clone()).unwrap();
    let r = store
        .put_report("big/object.bin", &mut &body[..])
        .await
        .unwrap();
    assert!(r.resumed, "{r:?}");
    assert_eq!((r.parts_reused, r.parts_uploaded), (3, 4), "{r:?}");
    assert_eq!(r.meta.sha256, Some(Sha256Digest::of(&body)));
    let back = store.get_bytes("big/object.bin").await.unwrap();
    assert!(back == body, "the resumed object differs");
    assert_eq!(
        store.abort_uploads("").await.unwrap(),
        0,
        "no upload left over"
    );
    weed.kill();
}
