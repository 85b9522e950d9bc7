//! verify names the damage (flipped byte, deleted pack, truncated pack); forget + prune keep what the
//! policy keeps and restores still work.

mod common;

use std::sync::Arc;

use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::verify::Damage;
use hermes_data::{BackupOptions, InitOptions, Repository};

async fn setup(tmp: &std::path::Path) -> (Repository, std::path::PathBuf, std::path::PathBuf) {
    let src = tmp.join("src");
    common::make_tree(&src, 200, &[3, 2]);
    let root = tmp.join("repo");
    let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&root).unwrap());
    let repo = Repository::init(store, InitOptions::new().pack_size(1 << 20))
        .await
        .unwrap();
    (repo, src, root)
}

fn packs(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = walkdir::WalkDir::new(root.join("data"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_names_flipped_deleted_and_truncated_packs_and_the_files_they_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, src, root) = setup(tmp.path()).await;
    let snap = repo.backup_dir(&src, BackupOptions::full()).await.unwrap();
    let clean = repo.verify(true).await.unwrap();
    assert!(clean.is_ok(), "{}", clean.render());
    assert!(clean.chunks_read > 5);
    let p = packs(&root);
    assert!(p.len() >= 4, "{p:?}");

    // Flip one byte in the middle of the first pack.
    let mut data = std::fs::read(&p[0]).unwrap();
    let mid = data.len() / 2;
    data[mid] ^= 0x01;
    std::fs::write(&p[0], &data).unwrap();
    let pack0 = p[0].file_name().unwrap().to_string_lossy().to_string();
    // A flipped byte keeps the size: the structure check sees it only if the pack holds a tree
    // (which it must read), and then names that pack.
    let structure = repo.verify(false).await.unwrap();
    assert!(
        structure
            .damage
            .iter()
            .all(|d| matches!(d, Damage::CorruptChunk { pack, .. } if *pack == pack0)),
        "{}",
        structure.render()
    );
    let r = repo.verify(true).await.unwrap();
    assert!(
        r.damage
            .iter()
            .any(|d| matches!(d, Damage::CorruptChunk { pack, .. } if *pack == pack0)),
        "{}",
        r.render()
    );
    assert!(!r.affected.is_empty(), "{}", r.render());
    assert!(r.affected.iter().all(|a| a.snapshot == snap.id));
    // The affected file really fails to restore, naming itself.
    let err = repo
        .restore_dir(&snap, tmp.path().join("out"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("damaged"), "{err}");
    std::fs::write(&p[0], {
        data[mid] ^= 0x01;
        &data
    })
    .unwrap();

    // Delete the second pack.
    let pack1 = p[1].file_name().unwrap().to_string_lossy().to_string();
    let saved = std::fs::read(&p[1]).unwrap();
    std::fs::remove_file(&p[1]).unwrap();
    let r = repo.verify(false).await.unwrap();
    assert!(
        r.damage.contains(&Damage::MissingPack {
            pack: pack1.clone()
        }),
        "{}",
        r.render()
    );
    assert!(!r.affected.is_empty());
    std::fs::write(&p[1], &saved).unwrap();

    // Truncate the third.
    let pack2 = p[2].file_name().unwrap().to_string_lossy().to_string();
    let d2 = std::fs::read(&p[2]).unwrap();
    std::fs::write(&p[2], &d2[..d2.len() - 100]).unwrap();
    let r = repo.verify(false).await.unwrap();
    assert!(
        r.damage
            .iter()
            .any(|d| matches!(d, Damage::TruncatedPack { pack, .. } if *pack == pack2)),
        "{}",
        r.render()
    );
    assert!(!r.affected.is_empty());
    std::fs::write(&p[2], &d2).unwrap();
    assert!(repo.verify(true).await.unwrap().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_by_policy_then_prune_frees_space_and_kept_snapshots_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let (repo, src, root) = setup(tmp.path()).await;
    let s1 = repo.backup_dir(&src, BackupOptions::full()).await.unwrap();
    // Replace a large file entirely: s1's version becomes garbage once s1 is forgotten.
    let mut big = vec![0u8; 3 << 20];
    fastrand::Rng::with_seed(99).fill(&mut big);
    std::fs::write(src.join("large0.bin"), &big).unwrap();
    let s2 = repo
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    // An orphan pack, as an interrupted backup leaves.
    std::fs::create_dir_all(root.join("data/ff")).unwrap();
    std::fs::write(root.join("data/ff/ff00"), b"orphan").unwrap();
    let before: u64 = packs(&root)
        .iter()
        .map(|p| p.metadata().unwrap().len())
        .sum();

    let policy: hermes_core::RetentionPolicy = "last=1".parse().unwrap();
    let dry = repo.forget_by_policy(&policy, true).await.unwrap();
    assert_eq!(dry.forget, vec![s1.id.clone()]);
    assert_eq!(
        repo.snapshots().await.unwrap().len(),
        2,
        "dry run deletes nothing"
    );
    let f = repo.forget_by_policy(&policy, false).await.unwrap();
    assert_eq!(f.keep[0].0, s2.id);
    let pr = repo.prune().await.unwrap();
    assert_eq!(pr.orphans_deleted, 1);
    assert!(pr.packs_deleted + pr.packs_repacked >= 1, "{pr:?}");
    let after: u64 = packs(&root)
        .iter()
        .map(|p| p.metadata().unwrap().len())
        .sum();
    assert!(after + (2 << 20) < before, "{before} -> {after}");
    let v = repo.verify(true).await.unwrap();
    assert!(
        v.is_ok() && v.unreferenced_packs.is_empty(),
        "{}",
        v.render()
    );
    let out = tmp.path().join("out");
    repo.restore_dir(&s2, &out).await.unwrap();
    common::assert_same_tree(&src, &out);
}
