//! Every example binary's command line as a user meets it: `--help` names every flag with what it
//! does and its default (or shows it as required), and a bad flag value is refused before anything
//! runs, with an error naming the flag and what to write. Nothing here reaches a peer: each bad
//! value is refused while the arguments are parsed.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every binary of the crate, with its path.
const BINS: &[(&str, &str)] = &[
    ("anomaly_watch", env!("CARGO_BIN_EXE_anomaly_watch")),
    ("backup", env!("CARGO_BIN_EXE_backup")),
    ("backup_scheduler", env!("CARGO_BIN_EXE_backup_scheduler")),
    ("core_tour", env!("CARGO_BIN_EXE_core_tour")),
    ("deploy_vms", env!("CARGO_BIN_EXE_deploy_vms")),
    ("dr_drill", env!("CARGO_BIN_EXE_dr_drill")),
    ("esxi_install", env!("CARGO_BIN_EXE_esxi_install")),
    ("hermes_secrets", env!("CARGO_BIN_EXE_hermes_secrets")),
    ("ilo_bench", env!("CARGO_BIN_EXE_ilo_bench")),
    ("network_baseline", env!("CARGO_BIN_EXE_network_baseline")),
    ("raid_volumes", env!("CARGO_BIN_EXE_raid_volumes")),
    ("redfish_inventory", env!("CARGO_BIN_EXE_redfish_inventory")),
    ("vm_snapshots", env!("CARGO_BIN_EXE_vm_snapshots")),
];

fn exe(name: &str) -> &'static str {
    BINS.iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no binary {name}"))
        .1
}

fn help(bin: &str, args: &[&str]) -> String {
    let out = Command::new(exe(bin))
        .args(args)
        .arg("--help")
        .env_remove("HERMES_VSPHERE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{bin} --help failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The options of a help text: (flag, whether it takes a value, its description).
fn options(help: &str) -> Vec<(String, bool, String)> {
    let mut out: Vec<(String, bool, String)> = Vec::new();
    let mut in_options = false;
    for line in help.lines() {
        if line.starts_with("Options:") {
            in_options = true;
            continue;
        }
        if !in_options || line.trim().is_empty() {
            continue;
        }
        let t = line.trim_start();
        let indent = line.len() - t.len();
        if indent <= 6 && t.starts_with('-') {
            // `-h, --help  Print help` or `--flag <VALUE>  What it does`.
            let head = t.split("  ").next().unwrap_or(t);
            let flag = head
                .split([' ', ','])
                .find(|w| w.starts_with("--"))
                .unwrap_or(head)
                .to_string();
            let value = head.contains('<');
            let desc = t[head.len()..].trim().to_string();
            out.push((flag, value, desc));
        } else if let Some(last) = out.last_mut() {
            last.2.push(' ');
            last.2.push_str(t);
        }
    }
    out
}

/// The flags the usage line shows as required (outside `[...]`).
fn required(help: &str) -> Vec<String> {
    let usage = help
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .unwrap_or_default();
    let mut depth = 0;
    let mut outside = String::new();
    for c in usage.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    outside
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_flag_of_every_binary_says_what_it_does_and_its_default() {
    let mut problems = Vec::new();
    for (bin, _) in BINS {
        let mut texts = vec![(bin.to_string(), help(bin, &[]))];
        if *bin == "hermes_secrets" {
            for sub in ["encrypt", "decrypt", "list", "get", "set"] {
                texts.push((format!("{bin} {sub}"), help(bin, &[sub])));
            }
        }
        for (what, text) in texts {
            let about = text.lines().next().unwrap_or_default();
            if about.starts_with("Usage:") {
                problems.push(format!("{what}: --help has no description of the binary"));
            }
            let req = required(&text);
            let opts = options(&text);
            assert!(!opts.is_empty(), "{what}: no options read from:\n{text}");
            for (flag, takes_value, desc) in opts {
                if desc.is_empty() {
                    problems.push(format!("{what} {flag}: no description"));
                } else if takes_value
                    && !desc.to_lowercase().contains("default")
                    && !req.contains(&flag)
                {
                    problems.push(format!("{what} {flag}: no default named: {desc:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Runs `bin args` and expects clap's refusal (exit status 2) naming `flag`, with `hint` in it.
/// A value wrongly accepted would start the binary for real: it is stopped after 20 s.
fn refused(bin: &str, args: &[&str], flag: &str, hint: &str) -> Option<String> {
    let mut child = Command::new(exe(bin))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let ok = out.status.code() == Some(2)
        && err.contains(&format!("'{flag}"))
        && err.contains(hint)
        && out.stdout.is_empty();
    (!ok).then(|| {
        format!(
            "{bin} {args:?}: expected a refusal naming {flag} with {hint:?}, got status {:?}\nstdout: {}\nstderr: {err}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// (binary, arguments, the flag the error must name, what the error must say).
#[rustfmt::skip]
const BAD_VALUES: &[(&str, &[&str], &str, &str)] = &[
    ("backup", &["--kind", "weekly"], "--kind", "possible values: full, incremental, auto"),
    ("raid_volumes", &["--volume", "RAID5:0,1"], "--volume", "RAID5 needs at least 3 drives, 2 given"),
    ("raid_volumes", &["--volume", "RAID7:0"], "--volume", "unknown RAID level"),
    ("raid_volumes", &["--volume", "RAID1:"], "--volume", "write LEVEL:DRIVE,DRIVE[:NAME]"),
    ("backup", &["--keep", "daily"], "--keep", "write e.g. daily=7"),
    ("backup", &["--keep", "daily=x"], "--keep", "daily"),
    ("backup", &["--full-cron", "0 3 * *"], "--full-cron", "expected 5 fields"),
    ("backup", &["--tz", "Berlin"], "--tz", "IANA name such as Europe/Berlin"),
    ("backup", &["--pg", "mysql://db/app"], "--pg", "postgres://USER@HOST:PORT/DB"),
    ("backup", &["--pg-cluster", "db:5432"], "--pg-cluster", "postgres://"),
    ("backup", &["--offsite-parallel", "0"], "--offsite-parallel", "0"),
    ("backup", &["--keep-tz", "Berlin"], "--keep-tz", "IANA name such as Europe/Berlin"),
    ("backup", &["--keep", "daily=7,tz=CEST"], "--keep", "Europe/Berlin"),
    ("backup", &["--forget-host", ""], "--forget-host", "write a host name"),
    ("backup", &["--forget-tag", "daily,"], "--forget-tag", "write a tag list"),
    ("backup", &["--forget-source", " "], "--forget-source", "write a source"),
    ("backup_scheduler", &["--purge-cron", "never"], "--purge-cron", "or off"),
    ("backup_scheduler", &["--incremental-cron", "2am"], "--incremental-cron", "0 2 * * *"),
    ("backup_scheduler", &["--assume-last-run", "yesterday"], "--assume-last-run", "3d, 12h or 30m"),
    ("backup_scheduler", &["--assume-last-run", "3w"], "--assume-last-run", "must be d, h or m"),
    ("backup_scheduler", &["--metrics", "9187"], "--metrics", "9187"),
    ("backup_scheduler", &["--keep", "weekly=x"], "--keep", "is not a count"),
    ("vm_snapshots", &["--keep", "weekly"], "--keep", "write e.g. daily=7"),
    ("vm_snapshots", &["--days", "0"], "--days", "1..=3650"),
    ("vm_snapshots", &["--schedule", "0 2 * * * * *"], "--schedule", "expected 5 fields"),
    ("vm_snapshots", &["--tz", "CEST"], "--tz", "Europe/Berlin"),
    ("deploy_vms", &["--cpus", "0"], "--cpus", "1.."),
    ("deploy_vms", &["--memory-mb", "1"], "--memory-mb", "4.."),
    ("deploy_vms", &["--concurrency", "0"], "--concurrency", "1.."),
    ("deploy_vms", &["--ip-start", "10.0.10"], "--ip-start", "invalid IPv4 address"),
    ("dr_drill", &["--pg-scratch", "mysql://db"], "--pg-scratch", "postgres://USER@HOST:PORT"),
    ("dr_drill", &["--rto", "ten"], "--rto", "invalid digit"),
    ("core_tour", &["--forks", "0"], "--forks", "1.."),
    ("esxi_install", &["--count", "0"], "--count", "1..=245"),
    ("esxi_install", &["--count", "300"], "--count", "1..=245"),
    ("esxi_install", &["--serve", "localhost"], "--serve", "invalid socket address"),
    ("ilo_bench", &["--systems", "0"], "--systems", "1.."),
    ("ilo_bench", &["--width", "0"], "--width", "1.."),
    ("anomaly_watch", &["--listen", "19110"], "--listen", "invalid socket address"),
    ("anomaly_watch", &["--threads", "0"], "--threads", "1.."),
];

#[test]
fn a_bad_flag_value_is_refused_naming_the_flag_and_what_to_write() {
    let problems: Vec<String> = BAD_VALUES
        .iter()
        .filter_map(|(bin, args, flag, hint)| refused(bin, args, flag, hint))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
