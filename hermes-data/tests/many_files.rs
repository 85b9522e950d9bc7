//! The round-trip acceptance at full size: 100,000 small files and a few large ones, backed up,
//! restored byte for byte with their metadata (kinds, modes, mtimes, symlink targets), verified, and
//! skipped by the next incremental backup.

mod common;

use std::sync::Arc;

use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, InitOptions, Repository};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_small_files_and_a_few_large_ones_round_trip_exactly() {
    const SMALL: usize = 100_000;
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, SMALL, &[16, 5, 1]);
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(tmp.path().join("repo")).unwrap());
    let repo = Repository::init(store, InitOptions::new().passphrase("pw"))
        .await
        .unwrap();

    let s1 = repo
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    // The small files, the three large ones, `empty` and `secret.txt` (symlinks are not files).
    assert_eq!(s1.stats.files, (SMALL + 3 + 2) as u64);
    assert_eq!(s1.stats.files_read, s1.stats.files);

    let out = tmp.path().join("out");
    let r = repo.restore_dir(&s1, &out).await.unwrap();
    assert_eq!(r.files, s1.stats.files);
    common::assert_same_tree(&src, &out);
    assert_eq!(
        repo.verify_restored(&s1, &out).await.unwrap(),
        s1.stats.files
    );
    assert!(repo.verify(true).await.unwrap().is_ok());

    // Nothing changed: the next incremental backup reads no file and stores no new chunk.
    let s2 = repo
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    assert_eq!(s2.parent.as_deref(), Some(s1.id.as_str()));
    assert_eq!(s2.stats.files, s1.stats.files);
    assert_eq!(s2.stats.files_read, 0);
    assert_eq!(s2.stats.chunks_new, 0);
    assert_eq!(s2.stats.bytes_new, 0);
}
