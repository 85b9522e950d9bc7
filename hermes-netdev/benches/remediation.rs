//! Benchmark: parse two 10,000-line IOS configurations that differ in 2% of their lines and compute
//! the ordered remediation — Hermes vs hier_config (load + remediation) and ciscoconfparse2's Diff
//! (parse + diff), in one run, ratios printed.
//!
//! Run: `hermes-netdev/bench/run.sh` (installs hier_config and ciscoconfparse2 in a venv and runs
//! `cargo bench -p hermes-netdev --bench remediation`). Without `HERMES_NETBENCH_PYTHON` only the
//! Hermes figure is printed.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use hermes_netdev::remediate::diff_trees;
use hermes_netdev::tree::{ConfigTree, Syntax};

/// A small deterministic generator (xorshift), so both tools see the same inputs on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// An IOS-style configuration of exactly `lines` lines: VLANs, interfaces, ACLs, routes, OSPF.
fn generate(lines: usize, rng: &mut Rng) -> Vec<String> {
    let mut out = vec![
        "hostname bench-sw".to_string(),
        "service timestamps log datetime msec".into(),
    ];
    let mut vlan = 2;
    let mut port = 0;
    let mut acl = 0;
    let mut route = 0;
    while out.len() < lines {
        match rng.below(4) {
            0 => {
                out.push(format!("vlan {vlan}"));
                out.push(format!(" name VLAN_{vlan}"));
                vlan += 1;
            }
            1 => {
                port += 1;
                out.push(format!(
                    "interface GigabitEthernet{}/0/{}",
                    1 + port / 48,
                    1 + port % 48
                ));
                out.push(format!(" description server-{port} uplink"));
                if rng.below(2) == 0 {
                    out.push(" switchport mode access".into());
                    out.push(format!(" switchport access vlan {}", 2 + rng.below(400)));
                    out.push(" spanning-tree portfast".into());
                } else {
                    out.push(" no switchport".into());
                    out.push(format!(
                        " ip address 10.{}.{}.1 255.255.255.0",
                        port / 250,
                        port % 250
                    ));
                    out.push(format!(" ip ospf cost {}", 1 + rng.below(100)));
                }
                out.push(" no shutdown".into());
            }
            2 => {
                acl += 1;
                out.push(format!("ip access-list extended ACL_{acl}"));
                for _ in 0..(3 + rng.below(8)) {
                    out.push(format!(
                        " permit tcp 10.{}.{}.0 0.0.0.255 any eq {}",
                        rng.below(255),
                        rng.below(255),
                        rng.below(65535)
                    ));
                }
                out.push(" deny ip any any".into());
            }
            _ => {
                route += 1;
                out.push(format!(
                    "ip route 172.{}.{}.0 255.255.255.0 10.0.0.{}",
                    16 + route / 250 % 16,
                    route % 250,
                    1 + rng.below(250)
                ));
            }
        }
    }
    out.push("router ospf 1".into());
    out.push(" network 10.0.0.0 0.255.255.255 area 0".into());
    out.truncate(lines);
    out
}

/// Changes `fraction` of the lines: rewritten values, removed lines and added lines.
fn mutate(base: &[String], fraction: f64, rng: &mut Rng) -> Vec<String> {
    let n = (base.len() as f64 * fraction) as usize;
    let mut out: Vec<String> = base.to_vec();
    let mut changed = std::collections::HashSet::new();
    while changed.len() < n {
        let i = 1 + rng.below(out.len() as u64 - 1) as usize;
        if !changed.insert(i) {
            continue;
        }
        let l = out[i].clone();
        out[i] = if l.starts_with(" description") {
            format!(" description changed-{i}")
        } else if l.starts_with(" switchport access vlan") {
            format!(" switchport access vlan {}", 2 + rng.below(400))
        } else if l.starts_with("ip route") {
            format!(
                "ip route 192.168.{}.0 255.255.255.0 10.0.1.{}",
                i % 250,
                1 + rng.below(250)
            )
        } else if l.starts_with(" ip ospf cost") {
            format!(" ip ospf cost {}", 200 + rng.below(100))
        } else if l.starts_with(" name") {
            format!(" name RENAMED_{i}")
        } else if l.starts_with(" permit") {
            format!(" permit udp any any eq {}", rng.below(65535))
        } else {
            format!("{} ! changed {i}", l.trim_end())
        };
    }
    out
}

fn join(lines: &[String]) -> String {
    let mut s = String::with_capacity(lines.len() * 40);
    for l in lines {
        let _ = writeln!(s, "{l}");
    }
    s
}

fn main() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let running = join(&generate(10_000, &mut rng));
    let base: Vec<String> = running.lines().map(String::from).collect();
    let intended = join(&mutate(&base, 0.02, &mut rng));
    let dir = std::env::temp_dir().join(format!("hermes-netbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (rp, ip) = (dir.join("running.cfg"), dir.join("intended.cfg"));
    std::fs::write(&rp, &running).expect("write running");
    std::fs::write(&ip, &intended).expect("write intended");

    // Hermes: parse both + ordered remediation; best of several runs after a warm-up.
    let run = || {
        let r = ConfigTree::parse(&running, Syntax::Cisco);
        let w = ConfigTree::parse(&intended, Syntax::Cisco);
        diff_trees("bench-sw", &r, &w)
    };
    let plan = run();
    let iters = 50;
    let mut best = f64::MAX;
    let mut total = 0.0;
    for _ in 0..iters {
        let t = Instant::now();
        let p = run();
        let s = t.elapsed().as_secs_f64();
        assert_eq!(p.changes.len(), plan.changes.len());
        best = best.min(s);
        total += s;
    }
    let hermes = total / iters as f64;
    println!(
        "inputs: 2 x {} lines, {} lines differ; Hermes remediation: {} changes, {} command lines",
        base.len(),
        running
            .lines()
            .zip(intended.lines())
            .filter(|(a, b)| a != b)
            .count(),
        plan.changes.len(),
        plan.commands().len()
    );
    println!(
        "hermes (parse both + ordered remediation): mean {:.3} ms, best {:.3} ms over {iters} runs",
        hermes * 1e3,
        best * 1e3
    );

    let Ok(py) = std::env::var("HERMES_NETBENCH_PYTHON") else {
        println!("HERMES_NETBENCH_PYTHON not set: run hermes-netdev/bench/run.sh for the side-by-side figures");
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/compare.py");
    let out = Command::new(&py)
        .arg(script)
        .arg(&rp)
        .arg(&ip)
        .output()
        .expect("run the Python tools");
    if !out.status.success() {
        panic!("{script} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fastest = f64::MAX;
    for line in text.lines() {
        // "<tool> <seconds> <lines>"
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() != 3 {
            continue;
        }
        let secs: f64 = f[1].parse().unwrap_or(f64::NAN);
        fastest = fastest.min(secs);
        println!(
            "{:<40} {:>9.1} ms  ({} remediation lines)   Hermes is {:>6.0}x faster",
            f[0],
            secs * 1e3,
            f[2],
            secs / hermes
        );
    }
    println!(
        "goal: Hermes < 10 ms ({}), >= 50x the fastest ({:.0}x: {})",
        if hermes < 0.010 { "met" } else { "NOT met" },
        fastest / hermes,
        if fastest / hermes >= 50.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    let _ = std::fs::remove_dir_all(&dir);
}
