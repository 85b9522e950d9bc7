//! Hermes vs pyvmomi vs govmomi on vcsim, side by side in one run: clone N VMs from the template and
//! power them on, snapshot each, power off and destroy each. Run through `hermes-vsphere/bench/run.sh`,
//! which installs pyvmomi (venv) and builds the Go program, then calls this with their paths.

use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use hermes_core::FanOut;
use hermes_vsphere::fleet::{FleetSpec, VmFleet, VmOutcome};
use hermes_vsphere::{Client, Tls};

#[derive(Debug, Clone, Copy, Default)]
struct Phases {
    clone_power_on: f64,
    snapshot: f64,
    destroy: f64,
}

impl Phases {
    fn total(&self) -> f64 {
        self.clone_power_on + self.snapshot + self.destroy
    }
    fn from_json(s: &str) -> Phases {
        let v: serde_json::Value =
            serde_json::from_str(s.trim().lines().last().unwrap_or_default())
                .unwrap_or_else(|e| panic!("bench output is not JSON ({e}): {s}"));
        let f = |k: &str| v[k].as_f64().unwrap_or_else(|| panic!("no {k} in {s}"));
        Phases {
            clone_power_on: f("clone_power_on"),
            snapshot: f("snapshot"),
            destroy: f("destroy"),
        }
    }
}

fn env(k: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| panic!("{k} is not set: run hermes-vsphere/bench/run.sh"))
}

async fn hermes(count: usize, concurrency: usize) -> Phases {
    let peer = hermes_testkit::peer("vcsim");
    let password = std::fs::read_to_string(peer.setting("PASSWORD_FILE")).unwrap();
    let ca = std::fs::read(peer.setting("CA")).unwrap();
    let client = Client::builder(format!("https://{}/sdk", peer.addr()))
        .credentials(peer.setting("USER"), password.trim())
        .tls(Tls::CaPem(ca))
        .connect()
        .await
        .unwrap();
    let spec = FleetSpec::builder("rsbench", "/DC0/vm/tmpl-linux", "/DC0/host/DC0_C0")
        .count(count)
        // Where pyvmomi and govmomi clone to (the template's datastore); vcsim 0.24 also panics on
        // concurrent clones to different datastores.
        .datastores(["LocalDS_0"])
        .concurrency(concurrency)
        .build()
        .unwrap();
    let fleet = VmFleet::new(client.clone());
    // Leftovers of an interrupted earlier run.
    fleet.teardown(&spec).await.unwrap();
    let t0 = Instant::now();
    let report = fleet.apply(&spec).await.unwrap();
    let clone_power_on = t0.elapsed().as_secs_f64();
    assert_eq!(report.counts()[0], count, "{}", report.summary());
    let vms: Vec<(String, hermes_vsphere::MoRef)> = report
        .vms
        .iter()
        .filter_map(|(n, o)| match o {
            VmOutcome::Created { vm } => Some((n.clone(), vm.clone())),
            _ => None,
        })
        .collect();
    let t0 = Instant::now();
    let c2 = client.clone();
    let snaps = FanOut::new(concurrency)
        .run(vms, move |(_, vm), _| {
            let c = c2.clone();
            async move { Ok(c.create_snapshot(&vm, "bench", "", false, false).await?) }
        })
        .await;
    assert!(snaps.all_ok());
    let snapshot = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let td = fleet.teardown(&spec).await.unwrap();
    assert_eq!(td.counts()[3], count, "{}", td.summary());
    let destroy = t0.elapsed().as_secs_f64();
    client.logout().await.unwrap();
    let _ = Arc::new(());
    Phases {
        clone_power_on,
        snapshot,
        destroy,
    }
}

fn pyvmomi(count: usize, threads: usize) -> Phases {
    let peer = hermes_testkit::peer("vcsim");
    let out = Command::new(env("HERMES_BENCH_PYTHON"))
        .arg(env("HERMES_BENCH_PYVMOMI"))
        .args(["--host", "127.0.0.1", "--port", &peer.port().to_string()])
        .args([
            "--user",
            &peer.setting("USER"),
            "--password-file",
            &peer.setting("PASSWORD_FILE"),
        ])
        .args([
            "--ca",
            &peer.setting("CA"),
            "--count",
            &count.to_string(),
            "--threads",
            &threads.to_string(),
        ])
        .args(["--prefix", &format!("py{threads}")])
        .output()
        .expect("run pyvmomi bench");
    assert!(
        out.status.success(),
        "pyvmomi bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Phases::from_json(&String::from_utf8_lossy(&out.stdout))
}

fn govmomi(count: usize, concurrency: usize) -> Phases {
    let peer = hermes_testkit::peer("vcsim");
    let out = Command::new(env("HERMES_BENCH_GOVMOMI"))
        .args(["-url", &format!("https://{}/sdk", peer.addr())])
        .args([
            "-user",
            &peer.setting("USER"),
            "-password-file",
            &peer.setting("PASSWORD_FILE"),
        ])
        .args([
            "-count",
            &count.to_string(),
            "-concurrency",
            &concurrency.to_string(),
        ])
        .output()
        .expect("run govmomi bench");
    assert!(
        out.status.success(),
        "govmomi bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Phases::from_json(&String::from_utf8_lossy(&out.stdout))
}

fn main() {
    let count: usize = env("HERMES_BENCH_COUNT").parse().unwrap();
    let concurrency: usize = env("HERMES_BENCH_CONCURRENCY").parse().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    println!("{count} VMs on vcsim: clone + power on, snapshot, power off + destroy (concurrency {concurrency})");
    let mut rows: Vec<(String, Phases)> = Vec::new();
    rows.push(("hermes".into(), rt.block_on(hermes(count, concurrency))));
    rows.push(("pyvmomi sequential".into(), pyvmomi(count, 1)));
    rows.push((
        format!("pyvmomi {concurrency} threads"),
        pyvmomi(count, concurrency),
    ));
    rows.push((
        format!("govmomi {concurrency} goroutines"),
        govmomi(count, concurrency),
    ));
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>10}",
        "tool", "clone+on", "snapshot", "destroy", "total s"
    );
    for (name, p) in &rows {
        println!(
            "{name:<26} {:>10.2} {:>10.2} {:>10.2} {:>10.2}",
            p.clone_power_on,
            p.snapshot,
            p.destroy,
            p.total()
        );
    }
    let h = rows[0].1.total();
    for (name, p) in &rows[1..] {
        println!("hermes vs {name}: {:.2}x", p.total() / h);
    }
    let fastest = rows[1..]
        .iter()
        .map(|(_, p)| p.total())
        .fold(f64::INFINITY, f64::min);
    println!(
        "hermes vs the fastest other: {:.2}x (goal >= 2x)",
        fastest / h
    );
}
