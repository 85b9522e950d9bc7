//! Hermes vs restic vs borg on one mixed dataset, same machine, one run.
//!
//! `cargo bench -p hermes-data --bench backup` (256 MiB) or `... -- --gib` (1 GiB), `-- --mib N`;
//! `-- --rounds N` repeats every tool's first backup N times (fresh repositories, alternating tools) and
//! keeps the median; `-- --peak-gib 10` measures the peak resident memory of a 10 GiB backup and restore instead.
//! Dataset: 60% incompressible files and 40% text/JSON, sizes from 1 KiB to 4 MiB (3% up to 32 MiB). Steps per tool:
//! first backup, 5% of files changed (one 4 KiB overwrite each), second backup, full restore. All
//! repositories are encrypted (Hermes: XAES-256-GCM where the CPU has AES instructions, else
//! XChaCha20-Poly1305, `HERMES_BENCH_CIPHER=xchacha20-poly1305` to force it; restic: AES-256; borg:
//! repokey-blake2). Before anything is timed it touches some memory once (`-- --prefault-gib N`, see
//! `prefault`).
//! restic and borg are skipped (and said so) when not installed (`apt-get install restic borgbackup`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use hermes_data::artifact::{ArtifactStore, LocalStore};
use hermes_data::{BackupOptions, InitOptions, Repository};

mod common;
use common::{du, make_dataset};

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

/// CPU seconds (user + system) this process has used so far, from `/proc/self/stat` (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at its closing parenthesis:
    // utime and stime are fields 14 and 15, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

/// Flushes dirty pages before a timed step, so that no tool pays for the previous one's writeback
/// (on a VM disk, writers are throttled once dirty data passes the kernel's threshold).
fn settle() {
    let _ = Command::new("sync").status();
}

fn run(cmd: &mut Command) -> f64 {
    settle();
    let t = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed().as_secs_f64()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
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

/// The process's peak resident set (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets the peak resident set to the current one (Linux: `5` into `/proc/self/clear_refs`).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// `--peak-gib N`: N GiB of incompressible 1 GiB files backed up and restored; prints the peak resident
/// memory of each step (the bounded-memory claim, measured).
fn peak_memory(gib: u64, tmp: &Path, rt: &tokio::runtime::Runtime) {
    use std::io::Write;
    let src = tmp.join("big");
    std::fs::create_dir_all(&src).unwrap();
    let mut rng = fastrand::Rng::with_seed(1);
    let mut block = vec![0u8; 4 << 20];
    for i in 0..gib {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(src.join(format!("part{i}.bin"))).unwrap(),
        );
        for _ in 0..256 {
            rng.fill(&mut block);
            f.write_all(&block).unwrap();
        }
    }
    drop(block);
    let repo_dir = tmp.join("big-repo");
    let repo = rt.block_on(async {
        let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&repo_dir).unwrap());
        Repository::init(store, InitOptions::new().passphrase("bench"))
            .await
            .unwrap()
    });
    reset_peak_rss();
    let base = peak_rss_mib();
    settle();
    let t = Instant::now();
    let snap = rt
        .block_on(repo.backup_dir(&src, BackupOptions::full()))
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "backup of {gib} GiB: {secs:.1} s ({:.1} MiB/s), peak resident memory {:.0} MiB (before: {base:.0} MiB)",
        (gib << 10) as f64 / secs,
        peak_rss_mib()
    );
    let out = tmp.join("big-out");
    reset_peak_rss();
    let base = peak_rss_mib();
    settle();
    let t = Instant::now();
    rt.block_on(repo.restore_dir(&snap, &out)).unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "restore of {gib} GiB: {secs:.1} s ({:.1} MiB/s), peak resident memory {:.0} MiB (before: {base:.0} MiB)",
        (gib << 10) as f64 / secs,
        peak_rss_mib()
    );
}

/// `--prefault-gib N`: writes N GiB of anonymous memory once, then frees it, before anything is timed.
/// On a freshly booted VM the hypervisor backs guest memory on first touch, and that cost lands on
/// whichever tool first writes into never-used page cache: measured here, writing 16 MiB files cost 5 ms
/// each until about 640 MiB of new page cache, then 40 ms each, and 5 ms again once the memory had been
/// touched once. Every tool benefits alike. The default covers what the run keeps in the page cache at
/// once (the dataset, three repositories, a restore): `4 + 4 × dataset GiB`, at most the available memory
/// less 2 GiB; `--prefault-gib 0` turns it off.
fn prefault(args: &[String], dataset_mib: u64) {
    let available_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemAvailable:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib >> 20);
    let wanted =
        common::flag::<u64>(args, "--prefault-gib").unwrap_or(4 + 4 * dataset_mib.div_ceil(1024));
    let gib = wanted.min(available_gib.saturating_sub(2));
    if gib == 0 {
        return;
    }
    let t = Instant::now();
    let blocks: Vec<Vec<u8>> = (0..gib).map(|_| vec![1u8; 1 << 30]).collect();
    let touched: usize = blocks.iter().map(|b| b[b.len() / 2] as usize).sum();
    drop(blocks);
    println!(
        "prefaulted {touched} GiB of memory in {:.1} s (first touch of a VM's memory is slow; \
         --prefault-gib 0 skips this)",
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(gib) = common::flag::<u64>(&args, "--peak-gib") {
        let tmp = common::scratch();
        let rt = common::runtime();
        peak_memory(gib, tmp.path(), &rt);
        return;
    }
    let mib = common::size_mib(&args);
    prefault(&args, mib);
    let tmp = common::scratch();
    let src = tmp.path().join("src");
    println!(
        "generating {mib} MiB mixed dataset (60% incompressible, 40% JSON) in {}",
        src.display()
    );
    let files = make_dataset(&src, mib << 20);
    let total = du(&src);
    println!("{} files, {:.1} MiB", files.len(), total as f64 / 1048576.0);
    let rt = common::runtime();

    // First backups: `--rounds N` repeats each tool's first backup N times (alternating tools, each
    // into a fresh repository) and keeps the median, since restic's own time varies run to run here.
    let rounds = common::flag::<usize>(&args, "--rounds").unwrap_or(1).max(1);
    let mut h = Figures::default();
    let hrepo_dir = tmp.path().join("hermes");
    let init_hermes = || {
        let _ = std::fs::remove_dir_all(&hrepo_dir);
        rt.block_on(async {
            let store: Arc<dyn ArtifactStore> = Arc::new(LocalStore::new(&hrepo_dir).unwrap());
            let mut opts = InitOptions::new().passphrase("bench");
            // HERMES_BENCH_CHUNK=MIN,AVG,MAX (KiB) tries other chunk sizes.
            if let Ok(spec) = std::env::var("HERMES_BENCH_CHUNK") {
                let k: Vec<u32> = spec
                    .split(',')
                    .map(|v| v.trim().parse::<u32>().expect("KiB") * 1024)
                    .collect();
                let p = hermes_data::chunker::ChunkerParams {
                    min: k[0],
                    avg: k[1],
                    max: k[2],
                };
                opts = opts.chunker(p);
            }
            // HERMES_BENCH_CIPHER=xchacha20-poly1305|xaes-256-gcm tries the other cipher.
            if let Ok(name) = std::env::var("HERMES_BENCH_CIPHER") {
                let c: hermes_data::Cipher =
                    serde_json::from_value(serde_json::Value::String(name)).expect("cipher name");
                opts = opts.cipher(c);
            }
            // HERMES_BENCH_ZSTD=LEVEL tries another compression level (default 3).
            if let Ok(level) = std::env::var("HERMES_BENCH_ZSTD") {
                opts = opts.compression_level(level.trim().parse().expect("zstd level"));
            }
            Repository::init(store, opts).await.unwrap()
        })
    };

    let restic = have("restic") && !args.iter().any(|a| a == "--hermes-only");
    let borg = have("borg") && !args.iter().any(|a| a == "--hermes-only");
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
    let (mut hs, mut rs, mut bs) = (Vec::new(), Vec::new(), Vec::new());
    let mut hcpu = Vec::new();
    let mut repo = None;
    for _ in 0..rounds {
        let fresh = init_hermes();
        settle();
        let (t, cpu) = (Instant::now(), cpu_seconds());
        rt.block_on(fresh.backup_dir(&src, BackupOptions::incremental()))
            .unwrap();
        hs.push(t.elapsed().as_secs_f64());
        hcpu.push(cpu_seconds() - cpu);
        repo = Some(fresh);
        if restic {
            let _ = std::fs::remove_dir_all(&rrepo);
            let _ = std::fs::remove_dir_all(tmp.path().join("restic-cache"));
            run(&mut restic_cmd(&["init"]));
            rs.push(run(&mut restic_cmd(&["backup", "-q", &src_s])));
        }
        if borg {
            let _ = std::fs::remove_dir_all(&brepo);
            let _ = std::fs::remove_dir_all(tmp.path().join("borg-base"));
            run(&mut borg_cmd(&["init", "-e", "repokey-blake2", &brepo_s]));
            bs.push(run(&mut borg_cmd(&[
                "create",
                &format!("{brepo_s}::one"),
                &src_s,
            ])));
        }
    }
    let repo = repo.expect("at least one round");
    h.first = median(&hs);
    h.size1 = du(&hrepo_dir);
    if rounds > 1 {
        let show = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        println!(
            "first backups over {rounds} rounds (s): hermes {}",
            show(&hs)
        );
        if restic {
            println!("  restic {}", show(&rs));
        }
        if borg {
            println!("  borg {}", show(&bs));
        }
    }
    if args.iter().any(|a| a == "--hermes-only") {
        // For profiling Hermes' own first backup (`perf record` on the bench binary).
        println!(
            "hermes first backup: {:.2} s, {:.2} CPU s (user + system)",
            h.first,
            median(&hcpu)
        );
        return;
    }
    if restic {
        r.first = median(&rs);
        r.size1 = du(&rrepo);
    } else {
        println!("restic not installed: skipped");
    }
    if borg {
        b.first = median(&bs);
        b.size1 = du(&brepo);
    } else {
        println!("borg not installed: skipped");
    }

    let changed = change_five_percent(&files);
    println!("changed {changed} files (a 4 KiB overwrite each)");

    settle();
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
    settle();
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
