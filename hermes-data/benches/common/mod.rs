//! Shared by the benches: the size flags, the scratch directory and runtime, the mixed dataset generator
//! (seed 42: 60% incompressible files of many sizes, 40% JSON text) and a directory's size.

use std::path::{Path, PathBuf};

/// Total size of the files under `p`.
pub fn du(p: &Path) -> u64 {
    walkdir::WalkDir::new(p)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// Writes about `total` bytes of mixed files under `root`; returns their paths. Log-uniform sizes between
/// 1 KiB and 4 MiB, and a few up to 32 MiB.
pub fn make_dataset(root: &Path, total: u64) -> Vec<PathBuf> {
    let mut rng = fastrand::Rng::with_seed(42);
    let mut files = Vec::new();
    let (mut rand_bytes, mut text_bytes) = (0u64, 0u64);
    let (rand_goal, text_goal) = (total * 6 / 10, total * 4 / 10);
    let mut i = 0;
    while rand_bytes < rand_goal || text_bytes < text_goal {
        // Log-uniform sizes between 1 KiB and 4 MiB, and a few up to 32 MiB.
        let octaves = if rng.u32(..100) < 3 { 15.0 } else { 12.0 };
        let size = (1024f64 * 2f64.powf(rng.f64() * octaves)) as usize;
        let dir = root.join(format!("d{}/s{}", i % 23, i % 7));
        std::fs::create_dir_all(&dir).unwrap();
        let incompressible = rand_bytes * text_goal <= text_bytes * rand_goal;
        let path;
        if incompressible && rand_bytes < rand_goal {
            let mut data = vec![0u8; size];
            rng.fill(&mut data);
            path = dir.join(format!("f{i}.bin"));
            std::fs::write(&path, data).unwrap();
            rand_bytes += size as u64;
        } else {
            let mut s = String::with_capacity(size + 200);
            let mut n = 0;
            while s.len() < size {
                s.push_str(&format!(
                    "{{\"id\":{n},\"user\":\"user{}\",\"amount\":{}.{:02},\"status\":\"{}\",\"ts\":\"2026-11-{:02}T{:02}:{:02}:00Z\"}}\n",
                    rng.u32(..100000), rng.u32(..10000), rng.u32(..100),
                    ["paid", "pending", "refunded", "shipped"][rng.usize(..4)],
                    rng.u32(1..29), rng.u32(..24), rng.u32(..60)
                ));
                n += 1;
            }
            path = dir.join(format!("f{i}.json"));
            std::fs::write(&path, s).unwrap();
            text_bytes += size as u64;
        }
        files.push(path);
        i += 1;
    }
    files
}

/// The value after `flag` in the arguments (`--rounds 3`), parsed; `None` when absent or unparsable.
pub fn flag<T: std::str::FromStr>(args: &[String], flag: &str) -> Option<T> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
}

/// The dataset size in MiB from the flags: `--gib` (1024), `--mib N`, default 256.
pub fn size_mib(args: &[String]) -> u64 {
    if args.iter().any(|a| a == "--gib") {
        return 1024;
    }
    flag(args, "--mib").unwrap_or(256)
}

/// A scratch directory under `$HERMES_BENCH_DIR` (default: the system temp dir), removed on drop.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(
        std::env::var("HERMES_BENCH_DIR")
            .unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .unwrap()
}

/// A multi-threaded tokio runtime for the Hermes side.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}
