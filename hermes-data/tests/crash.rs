//! Fault test: a backup SIGKILLed at random points leaves a repository that verifies, and the next
//! backup completes and restores exactly. (Custom harness: the same binary is the child that is killed.)

mod common;

use std::sync::Arc;
use std::time::Duration;

use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, InitOptions, Repository};

const CHILD: &str = "HERMES_DATA_CRASH_CHILD";

fn open(root: &std::path::Path) -> Arc<dyn ArtifactStore> {
    Arc::new(LocalStore::new(root).unwrap())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if let Ok(spec) = std::env::var(CHILD) {
        // The child: one backup, killed by the parent at some point.
        let (repo, src) = spec.split_once('|').unwrap();
        rt.block_on(async {
            let repo = Repository::open(open(repo.as_ref()), None).await.unwrap();
            repo.backup_dir(src, BackupOptions::full()).await.unwrap();
        });
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        println!("sigkill_at_random_points_leaves_a_consistent_repository: test");
        return;
    }
    rt.block_on(parent());
    println!("test sigkill_at_random_points_leaves_a_consistent_repository ... ok");
}

async fn parent() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 2000, &[24, 16, 8]);
    let root = tmp.path().join("repo");
    let repo = Repository::init(open(&root), InitOptions::new().pack_size(2 << 20))
        .await
        .unwrap();
    // One uninterrupted child backup stores everything; a second one, timed, is what the killed
    // rounds are like (every file read, little new data): kills land at random points within it.
    let mut full_ms = 0;
    for _ in 0..2 {
        let started = std::time::Instant::now();
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .env(CHILD, format!("{}|{}", root.display(), src.display()))
            .status()
            .unwrap();
        assert!(status.success());
        full_ms = started.elapsed().as_millis() as u64;
    }
    let mut killed_mid_way = 0;
    for round in 0..8 {
        // Vary the content so each round has new data to write.
        std::fs::write(
            src.join(format!("round{round}.bin")),
            vec![round as u8 + 1; 3 << 20],
        )
        .unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .env(CHILD, format!("{}|{}", root.display(), src.display()))
            .spawn()
            .unwrap();
        let wait = Duration::from_millis(fastrand::u64(full_ms / 20..full_ms * 9 / 10));
        std::thread::sleep(wait);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        if !finished {
            killed_mid_way += 1;
        }
        let report = repo.verify(true).await.unwrap();
        assert!(
            report.is_ok(),
            "round {round} (killed after {wait:?}): {}",
            report.render()
        );
        for s in repo.snapshots().await.unwrap() {
            // Every visible snapshot is whole: its tree reads and every chunk is indexed.
            repo.read_tree(&s).await.unwrap();
        }
    }
    assert!(
        killed_mid_way >= 4,
        "only {killed_mid_way} kills landed mid-backup"
    );
    // The next backup completes and restores exactly; prune removes what the kills left behind.
    let snap = repo
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    let pr = repo.prune().await.unwrap();
    let report = repo.verify(true).await.unwrap();
    assert!(
        report.is_ok() && report.unreferenced_packs.is_empty(),
        "{pr:?} {}",
        report.render()
    );
    let out = tmp.path().join("out");
    repo.restore_dir(&snap, &out).await.unwrap();
    common::assert_same_tree(&src, &out);
}
