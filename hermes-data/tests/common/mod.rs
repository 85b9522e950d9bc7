//! Shared helpers for hermes-data's integration tests.
#![allow(dead_code)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// Writes a tree: `small` small files in nested dirs, a few large ones, a symlink, odd permissions.
pub fn make_tree(root: &Path, small: usize, large_mib: &[usize]) {
    std::fs::create_dir_all(root).unwrap();
    for i in 0..small {
        let dir = root.join(format!("d{:02}/e{}", i % 37, i % 5));
        std::fs::create_dir_all(&dir).unwrap();
        let body = format!(
            "{{\"id\": {i}, \"name\": \"file {i}\", \"pad\": \"{}\"}}\n",
            "x".repeat(i % 300)
        );
        std::fs::write(dir.join(format!("f{i}.json")), body).unwrap();
    }
    for (k, mib) in large_mib.iter().enumerate() {
        let mut data = vec![0u8; mib << 20];
        let mut rng = fastrand::Rng::with_seed(k as u64 + 7);
        rng.fill(&mut data);
        std::fs::write(root.join(format!("large{k}.bin")), data).unwrap();
    }
    std::fs::write(root.join("empty"), b"").unwrap();
    std::os::unix::fs::symlink("d00/e0/f0.json", root.join("link")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/target", root.join("dangling")).unwrap();
    std::fs::write(root.join("secret.txt"), b"only me").unwrap();
    std::fs::set_permissions(
        root.join("secret.txt"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    std::fs::set_permissions(root.join("d01"), std::fs::Permissions::from_mode(0o750)).unwrap();
}

/// Asserts two trees are identical: content, kinds, permissions, symlink targets and mtimes.
pub fn assert_same_tree(a: &Path, b: &Path) {
    let list = |root: &Path| -> Vec<_> {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.path().strip_prefix(root).unwrap().to_path_buf(),
                    e.path().to_path_buf(),
                )
            })
            .collect()
    };
    let (la, lb) = (list(a), list(b));
    assert_eq!(
        la.iter().map(|x| &x.0).collect::<Vec<_>>(),
        lb.iter().map(|x| &x.0).collect::<Vec<_>>(),
        "same entries"
    );
    for ((rel, pa), (_, pb)) in la.iter().zip(&lb) {
        let (ma, mb) = (
            std::fs::symlink_metadata(pa).unwrap(),
            std::fs::symlink_metadata(pb).unwrap(),
        );
        assert_eq!(ma.file_type(), mb.file_type(), "{rel:?} kind");
        assert_eq!(ma.mode(), mb.mode(), "{rel:?} mode");
        assert_eq!(
            (ma.mtime(), ma.mtime_nsec()),
            (mb.mtime(), mb.mtime_nsec()),
            "{rel:?} mtime"
        );
        if ma.file_type().is_symlink() {
            assert_eq!(
                std::fs::read_link(pa).unwrap(),
                std::fs::read_link(pb).unwrap()
            );
        } else if ma.is_file() {
            assert_eq!(ma.len(), mb.len(), "{rel:?} size");
            assert!(
                std::fs::read(pa).unwrap() == std::fs::read(pb).unwrap(),
                "{rel:?} content"
            );
        }
    }
}
