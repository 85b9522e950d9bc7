//! Hermes vs restic vs borg on one mixed dataset, same machine, one run.
//!
//! `cargo bench -p hermes-data --bench backup` (256 MiB) or `... -- --gib` (1 GiB), `-- --mib N`.
//! Dataset: 60% incompressible files and 40% text/JSON, sizes from 1 KiB to 4 MiB (3% up to 32 MiB). Steps per tool:
//! first backup, 5% of files changed (one 4 KiB overwrite each), second backup, full restore. All
//! repositories are encrypted (Hermes: XChaCha20-Poly1305; restic: AES-256; borg: repokey-blake2).
//! restic and borg are skipped (and said so) when not installed (`apt-get install restic borgbackup`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, InitOptions, Repository};

fn du(p: &Path) -> u64 {
    walkdir::WalkDir::new(p)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

fn make_dataset(root: &Path, total: u64) -> Vec<PathBuf> {
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

fn change_five_percent(files: &[PathBuf]) -> u64 {
    use std::io::{Seek, SeekFrom, Write};
    let mut rng = fastrand::Rng::with_seed(7);
    let mut changed = 0;
    for f in files {
        if rng.u32(..100) >= 5 {
            continue;
        }
        let len = std::fs::metadata(f).unwrap().len();
        let mut h = std::fs::OpenOptions::new().write(true).open(f).unwrap();
        let off = if len > 4096 { rng.u64(..len - 4096) } else { 0 };
        h.seek(SeekFrom::Start(off)).unwrap();
        let mut block = vec![0u8; 4096.min(len as usize)];
        rng.fill(&mut block);
        h.write_all(&block).unwrap();
        changed += 1;
    }
    changed
}

#[derive(Default, Clone)]
struct Figures {
    first: f64,
    second: f64,
    restore: f64,
    size1: u64,
    growth: u64,
}

fn run(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed().as_secs_f64()
}

fn have(tool: &str) -> bool {
    let arg = if tool == "restic" {
        "version"
    } else {
        "--version"
    };
    Command::new(tool)
        .arg(arg)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mib: u64 = if args.iter().any(|a| a == "--gib") {
        1024
    } else {
        args.iter()
            .position(|a| a == "--mib")
            .and_then(|i| args.get(i + 1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(256)
    };
    let tmp = tempfile::tempdir_in(
        std::env::var("HERMES_BENCH_DIR")
            .unwrap_or_else(|_| std::env::temp_dir().display().to_string()),
    )
    .unwrap();
    let src = tmp.path().join("src");
    println!(
        "generating {mib} MiB mixed dataset (60% incompressible, 40% JSON) in {}",
        src.display()
    );
    let files = make_dataset(&src, mib << 20);
    let total = du(&src);
    println!("{} files, {:.1} MiB", files.len(), total as f64 / 1048576.0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();

    // First backups.
    let mut h = Figures::default();
    let hrepo_dir = tmp.path().join("hermes");
    let repo = rt.block_on(async {
        let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&hrepo_dir).unwrap());
        Repository::init(store, InitOptions::new().passphrase("bench"))
            .await
            .unwrap()
    });
    let t = Instant::now();
    rt.block_on(repo.backup_dir(&src, BackupOptions::incremental()))
        .unwrap();
    h.first = t.elapsed().as_secs_f64();
    h.size1 = du(&hrepo_dir);

    let restic = have("restic");
    let borg = have("borg");
    let rrepo = tmp.path().join("restic");
    let brepo = tmp.path().join("borg");
    let restic_cmd = |args: &[&str]| {
        let mut c = Command::new("restic");
        c.args(args)
            .env("RESTIC_REPOSITORY", &rrepo)
            .env("RESTIC_PASSWORD", "bench")
            .env("RESTIC_CACHE_DIR", tmp.path().join("restic-cache"));
        c
    };
    let borg_cmd = |args: &[&str]| {
        let mut c = Command::new("borg");
        c.args(args)
            .env("BORG_PASSPHRASE", "bench")
            .env("BORG_BASE_DIR", tmp.path().join("borg-base"));
        c
    };
    let src_s = src.display().to_string();
    let brepo_s = brepo.display().to_string();
    let mut r = Figures::default();
    let mut b = Figures::default();
    if restic {
        run(&mut restic_cmd(&["init"]));
        r.first = run(&mut restic_cmd(&["backup", "-q", &src_s]));
        r.size1 = du(&rrepo);
    } else {
        println!("restic not installed: skipped");
    }
    if borg {
        run(&mut borg_cmd(&["init", "-e", "repokey-blake2", &brepo_s]));
        b.first = run(&mut borg_cmd(&[
            "create",
            &format!("{brepo_s}::one"),
            &src_s,
        ]));
        b.size1 = du(&brepo);
    } else {
        println!("borg not installed: skipped");
    }

    let changed = change_five_percent(&files);
    println!("changed {changed} files (a 4 KiB overwrite each)");

    let t = Instant::now();
    rt.block_on(repo.backup_dir(&src, BackupOptions::incremental()))
        .unwrap();
    h.second = t.elapsed().as_secs_f64();
    h.growth = du(&hrepo_dir) - h.size1;
    if restic {
        r.second = run(&mut restic_cmd(&["backup", "-q", &src_s]));
        r.growth = du(&rrepo) - r.size1;
    }
    if borg {
        b.second = run(&mut borg_cmd(&[
            "create",
            &format!("{brepo_s}::two"),
            &src_s,
        ]));
        b.growth = du(&brepo) - b.size1;
    }

    // Full restores of the second snapshot.
    let out = tmp.path().join("out-hermes");
    let t = Instant::now();
    rt.block_on(async {
        let snap = repo.snapshot("latest").await.unwrap();
        repo.restore_dir(&snap, &out).await.unwrap();
    });
    h.restore = t.elapsed().as_secs_f64();
    if restic {
        let out = tmp.path().join("out-restic");
        r.restore = run(&mut restic_cmd(&[
            "restore",
            "latest",
            "--target",
            &out.display().to_string(),
        ]));
    }
    if borg {
        let out = tmp.path().join("out-borg");
        std::fs::create_dir_all(&out).unwrap();
        r_borg_extract(&borg_cmd, &brepo_s, &out, &mut b);
    }

    let mibs = |s: f64| total as f64 / 1048576.0 / s;
    println!();
    println!(
        "| tool | first backup | second backup | repo after first | growth on second | restore |"
    );
    println!("|---|---|---|---|---|---|");
    let row = |name: &str, f: &Figures| {
        println!(
            "| {name} | {:.2} s ({:.1} MiB/s) | {:.2} s | {:.1} MiB | {:.2} MiB | {:.2} s ({:.1} MiB/s) |",
            f.first, mibs(f.first), f.second, f.size1 as f64 / 1048576.0, f.growth as f64 / 1048576.0, f.restore, mibs(f.restore)
        )
    };
    row("hermes", &h);
    if restic {
        row("restic 0.14", &r);
    }
    if borg {
        row("borg 1.2", &b);
    }
    println!();
    for (name, f, on) in [("restic", &r, restic), ("borg", &b, borg)] {
        if on {
            println!(
                "hermes vs {name}: first backup {:.2}x faster, second {:.2}x faster, restore {:.2}x faster, growth {:.2}x of {name}'s",
                f.first / h.first, f.second / h.second, f.restore / h.restore, h.growth as f64 / f.growth.max(1) as f64
            );
        }
    }
}

fn r_borg_extract(borg_cmd: &dyn Fn(&[&str]) -> Command, brepo: &str, out: &Path, b: &mut Figures) {
    let mut c = borg_cmd(&["extract", &format!("{brepo}::two")]);
    c.current_dir(out);
    b.restore = run(&mut c);
}
