//! The backup engine on a local store: round trips, dedup, incremental skip, encryption, locks.

mod common;

use std::sync::Arc;

use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, Cipher, DataError, InitOptions, Repository, SnapshotKind};

fn store(dir: &std::path::Path) -> Arc<dyn ArtifactStore> {
    Arc::new(LocalStore::new(dir).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_is_exact_and_second_backup_stores_only_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 3000, &[9, 3]);
    let repo = Repository::init(
        store(&tmp.path().join("repo")),
        InitOptions::new().pack_size(4 << 20),
    )
    .await
    .unwrap();

    let s1 = repo
        .backup_dir(&src, BackupOptions::incremental().tag("daily"))
        .await
        .unwrap();
    assert_eq!(s1.kind, SnapshotKind::Incremental);
    assert!(s1.parent.is_none());
    assert_eq!(s1.stats.files, 3000 + 2 + 2);
    assert_eq!(s1.stats.files_read, s1.stats.files);
    let out = tmp.path().join("out1");
    let r = repo.restore_dir(&s1, &out).await.unwrap();
    assert_eq!(r.files, s1.stats.files);
    common::assert_same_tree(&src, &out);

    // Change one 4 KiB block of the large file and one small file; add a file.
    {
        use std::io::{Seek, Write};
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(src.join("large0.bin"))
            .unwrap();
        f.seek(std::io::SeekFrom::Start(5 << 20)).unwrap();
        f.write_all(&[0xAB; 4096]).unwrap();
    }
    std::fs::write(src.join("d03/e3/f3.json"), b"changed").unwrap();
    std::fs::write(src.join("new.txt"), b"new file").unwrap();
    let s2 = repo
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    assert_eq!(s2.parent.as_deref(), Some(s1.id.as_str()));
    assert_eq!(s2.stats.files_read, 3, "{:?}", s2.stats);
    assert!(
        s2.stats.bytes_new < 9 << 20,
        "only the changed chunks: {:?}",
        s2.stats
    );
    assert!(
        s2.stats.bytes_stored < s1.stats.bytes_stored / 2,
        "{:?}",
        s2.stats
    );
    let out2 = tmp.path().join("out2");
    repo.restore_dir(&s2, &out2).await.unwrap();
    common::assert_same_tree(&src, &out2);

    // A full backup reads every file but stores nothing new.
    let s3 = repo.backup_dir(&src, BackupOptions::full()).await.unwrap();
    assert_eq!(s3.stats.files_read, s3.stats.files);
    assert_eq!(s3.stats.chunks_new, 0, "nothing changed: {:?}", s3.stats);
    // The old snapshot still restores the old content.
    let out3 = tmp.path().join("out3");
    repo.restore_dir(&s1, &out3).await.unwrap();
    common::assert_same_tree(&out, &out3);
    assert_eq!(repo.snapshots().await.unwrap().len(), 3);
    assert_eq!(repo.snapshot("latest").await.unwrap().id, s3.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_repository_round_trips_and_refuses_a_wrong_key() {
    for cipher in [Cipher::Xaes256Gcm, Cipher::XChaCha20Poly1305] {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        common::make_tree(&src, 50, &[2]);
        let st = store(&tmp.path().join("repo"));
        let opts = InitOptions::new()
            .passphrase("correct horse")
            .cipher(cipher);
        let repo = Repository::init(st.clone(), opts).await.unwrap();
        assert_eq!(
            repo.config().encryption.as_ref().map(|e| e.cipher),
            Some(cipher)
        );
        let snap = repo.backup_dir(&src, BackupOptions::full()).await.unwrap();
        // Nothing in the store is readable without the key.
        for m in st.list("").await.unwrap() {
            if m.key.starts_with("data/") || m.key.starts_with("snapshots/") {
                let body = st.get_bytes(&m.key).await.unwrap();
                assert!(
                    !body.windows(6).any(|w| w == b"\"name\""),
                    "{cipher:?}: {} leaks plaintext",
                    m.key
                );
            }
        }
        if cipher == Cipher::XChaCha20Poly1305 {
            // A repository written before XAES has no `cipher` in its config: it is XChaCha.
            let body = st.get_bytes("config").await.unwrap();
            let mut config: serde_json::Value = serde_json::from_slice(&body).unwrap();
            config["encryption"]
                .as_object_mut()
                .unwrap()
                .remove("cipher")
                .unwrap();
            let body = serde_json::to_vec(&config).unwrap();
            st.put_bytes("config", body.into()).await.unwrap();
        }
        let before = st.list("").await.unwrap();
        let err = Repository::open(st.clone(), Some(&"wrong".into()))
            .await
            .unwrap_err();
        assert!(matches!(err, DataError::WrongKey { .. }), "{err}");
        assert!(err.to_string().contains("wrong key"), "{err}");
        assert!(!err.to_string().contains("correct horse"));
        assert_eq!(st.list("").await.unwrap(), before, "nothing written");
        let err = Repository::open(st.clone(), None).await.unwrap_err();
        assert!(err.to_string().contains("passphrase"), "{err}");

        let repo = Repository::open(st, Some(&"correct horse".into()))
            .await
            .unwrap();
        let out = tmp.path().join("out");
        repo.restore_dir(&repo.snapshot(&snap.id[..8]).await.unwrap(), &out)
            .await
            .unwrap();
        common::assert_same_tree(&src, &out);
        assert!(repo.verify(true).await.unwrap().is_ok(), "{cipher:?}");
    }
}

#[tokio::test]
async fn streams_round_trip_and_bad_input_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Repository::init(store(tmp.path()), InitOptions::new())
        .await
        .unwrap();
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let snap = repo
        .backup_reader(
            "test:stream",
            "dump.sql",
            std::io::Cursor::new(data.clone()),
            BackupOptions::full(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    let n = repo
        .restore_stream(&snap, "dump.sql", &mut out)
        .await
        .unwrap();
    assert_eq!(n, data.len() as u64);
    assert!(out == data);
    let err = repo
        .restore_stream(&snap, "nope", &mut Vec::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    let err = repo
        .backup_dir(tmp.path().join("missing"), BackupOptions::full())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    let err = Repository::init(store(tmp.path()), InitOptions::new())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_to_another_store_is_incremental_and_the_copy_restores() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::make_tree(&src, 100, &[2]);
    let repo = Repository::init(
        store(&tmp.path().join("a")),
        InitOptions::new().passphrase("pw"),
    )
    .await
    .unwrap();
    repo.backup_dir(&src, BackupOptions::full()).await.unwrap();
    let dest = store(&tmp.path().join("b"));
    let c1 = repo.copy_to(dest.clone(), 4).await.unwrap();
    assert!(c1.objects >= 4 && c1.skipped == 0, "{c1:?}");
    std::fs::write(src.join("more.txt"), b"more").unwrap();
    let s2 = repo
        .backup_dir(&src, BackupOptions::incremental())
        .await
        .unwrap();
    let c2 = repo.copy_to(dest.clone(), 4).await.unwrap();
    assert!(
        c2.skipped >= c1.objects && c2.objects >= 2 && c2.objects < c1.objects + 3,
        "{c2:?}"
    );
    let offsite = Repository::open(dest.clone(), Some(&"pw".into()))
        .await
        .unwrap();
    assert!(offsite.verify(true).await.unwrap().is_ok());
    let out = tmp.path().join("out");
    offsite
        .restore_dir(&offsite.snapshot(&s2.id).await.unwrap(), &out)
        .await
        .unwrap();
    common::assert_same_tree(&src, &out);

    // Another repository's copy is never mixed into: both ways of copying refuse, naming both
    // repositories, and write nothing.
    let other = Repository::init(
        store(&tmp.path().join("other")),
        InitOptions::new().passphrase("pw2"),
    )
    .await
    .unwrap();
    other.backup_dir(&src, BackupOptions::full()).await.unwrap();
    let before = dest.list("").await.unwrap();
    let errs = [
        other.copy_to(dest.clone(), 4).await.unwrap_err(),
        other
            .copy_snapshots_to(dest.clone(), |_| true, 4)
            .await
            .unwrap_err(),
    ];
    for err in errs {
        let msg = err.to_string();
        assert!(
            msg.contains("another repository")
                && msg.contains(&repo.config().id)
                && msg.contains(&other.config().id),
            "{msg}"
        );
    }
    assert_eq!(dest.list("").await.unwrap(), before, "nothing written");

    // A pack damaged on the local disk is not copied offsite, and no snapshot arrives without it.
    let packs = repo.store().list("data/").await.unwrap();
    let victim = tmp.path().join("a").join(&packs[0].key);
    let mut damaged = std::fs::read(&victim).unwrap();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x40;
    std::fs::write(&victim, &damaged).unwrap();
    let fresh = store(&tmp.path().join("c"));
    let err = repo
        .copy_to(fresh.clone(), 4)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&packs[0].key) && err.contains("does not match"),
        "{err}"
    );
    assert!(fresh.head(&packs[0].key).await.unwrap().is_none());
    assert!(fresh.list("snapshots/").await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pack_oriented_restore_writes_shared_chunks_everywhere_and_verify_catches_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("a/b")).unwrap();
    // A file made of one random 1 MiB block repeated (the same chunks many times in one file),
    // two identical copies of it, an empty file, a file sharing a prefix with the others.
    let mut rng = fastrand::Rng::with_seed(7);
    let mut block = vec![0u8; 1 << 20];
    rng.fill(&mut block);
    let repeated: Vec<u8> = block.iter().copied().cycle().take(9 << 20).collect();
    std::fs::write(src.join("repeated.bin"), &repeated).unwrap();
    std::fs::write(src.join("a/copy1.bin"), &repeated).unwrap();
    std::fs::write(src.join("a/b/copy2.bin"), &repeated).unwrap();
    std::fs::write(src.join("a/empty"), b"").unwrap();
    let mut prefix = repeated[..3 << 20].to_vec();
    prefix.extend_from_slice(b"tail");
    std::fs::write(src.join("a/b/prefix.bin"), &prefix).unwrap();
    let repo = Repository::init(
        store(&tmp.path().join("repo")),
        InitOptions::new().passphrase("pw").pack_size(1 << 20),
    )
    .await
    .unwrap();
    let snap = repo.backup_dir(&src, BackupOptions::full()).await.unwrap();
    assert!(
        snap.stats.bytes_new < 3 << 20,
        "repeats deduplicated: {:?}",
        snap.stats
    );
    let out = tmp.path().join("out");
    let r = repo.restore_dir(&snap, &out).await.unwrap();
    assert_eq!(r.bytes, snap.stats.bytes);
    common::assert_same_tree(&src, &out);
    assert_eq!(repo.verify_restored(&snap, &out).await.unwrap(), 5);
    // Restoring over an existing restore gives the same tree (files are truncated first).
    std::fs::write(out.join("a/b/prefix.bin"), vec![1u8; 5 << 20]).unwrap();
    repo.restore_dir(&snap, &out).await.unwrap();
    common::assert_same_tree(&src, &out);
    // A restored file changed afterwards is named by verify_restored, with the first chunk that
    // differs: one byte flipped in the middle of a 9 MiB file, the file cut short, one byte added.
    let victim = out.join("a/copy1.bin");
    let mut flipped = repeated.clone();
    flipped[5 << 20] ^= 1;
    let mut longer = repeated.clone();
    longer.push(0);
    let cut = repeated[..repeated.len() - 1].to_vec();
    for (content, says) in [(flipped, "differs"), (cut, "ends at"), (longer, "longer")] {
        std::fs::write(&victim, &content).unwrap();
        let err = repo.verify_restored(&snap, &out).await.unwrap_err();
        let err = err.to_string();
        assert!(err.contains("copy1.bin") && err.contains(says), "{err}");
        assert!(
            !err.contains("chunk 1 of"),
            "the first chunks are intact: {err}"
        );
    }
    std::fs::write(&victim, &repeated).unwrap();
    assert_eq!(repo.verify_restored(&snap, &out).await.unwrap(), 5);
    std::fs::write(out.join("a/empty"), b"x").unwrap();
    let err = repo
        .verify_restored(&snap, &out)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty") && err.contains("longer"), "{err}");
}
