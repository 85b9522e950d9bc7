//! ilo_bench: 100 power-state reads + 100 boot-override PATCHes against the local Redfish emulator
//! (sushy-tools), Hermes vs DMTF's Python `redfish` library, sequentially and with the same
//! concurrency width (tokio tasks vs a Python thread pool). Prints both figures and the ratio.
//!
//!   cargo run --release -p hermes-examples --bin ilo_bench -- [--bmc URL] [--width 10] [--python PATH]
//!
//! The Python side runs in the harness venv (`scripts/peers.sh up sushy` installs `redfish` there).

use std::time::{Duration, Instant};

use clap::Parser;
use futures::stream::{self, StreamExt};
use hermes_ilo::models::ComputerSystem;
use hermes_ilo::Client;

#[derive(Parser, Debug)]
#[command(
    about = "Benchmark: Redfish power reads + boot PATCHes, Hermes vs Python redfish, on the local emulator"
)]
struct Args {
    /// The Redfish emulator's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    bmc: String,
    /// Systems used (the first N of the service; at least 1).
    #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    systems: usize,
    /// How many power reads, and how many boot PATCHes, each run makes (at least 1).
    #[arg(long, default_value_t = 100, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    ops: usize,
    /// Concurrency width of the parallel runs (tokio tasks / Python threads; at least 1).
    #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    width: usize,
    /// The Python with `redfish` installed (default: the harness venv).
    #[arg(long)]
    python: Option<String>,
}

const PY: &str = r#"
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
import redfish

base, paths, ops, width = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
client = redfish.redfish_client(base_url=base, username="", password="", timeout=30)
targets = ["Pxe", "Hdd"]

def read(i):
    r = client.get(paths[i % len(paths)])
    assert r.status == 200, r.status
    return r.dict["PowerState"]

def patch(i):
    body = {"Boot": {"BootSourceOverrideTarget": targets[i % 2], "BootSourceOverrideEnabled": "Continuous"}}
    r = client.patch(paths[i % len(paths)], body=body)
    assert r.status in (200, 204), r.status

out = {}
t = time.perf_counter()
for i in range(ops): read(i)
for i in range(ops): patch(i)
out["sequential"] = time.perf_counter() - t
with ThreadPoolExecutor(max_workers=width) as pool:
    t = time.perf_counter()
    list(pool.map(read, range(ops)))
    list(pool.map(patch, range(ops)))
    out["parallel"] = time.perf_counter() - t
print(json.dumps(out))
"#;

async fn hermes_run(client: &Client, paths: &[String], ops: usize, width: usize) -> Duration {
    let read = |i: usize| {
        let c = client.clone();
        let p = paths[i % paths.len()].clone();
        async move {
            let s: ComputerSystem = c.get(&p).await.expect("GET system");
            assert!(s.power_state.is_some());
        }
    };
    let patch = |i: usize| {
        let c = client.clone();
        let p = paths[i % paths.len()].clone();
        async move {
            let target = if i % 2 == 0 { "Pxe" } else { "Hdd" };
            let body = serde_json::json!({"Boot": {"BootSourceOverrideTarget": target, "BootSourceOverrideEnabled": "Continuous"}});
            c.patch(&p, body, None).await.expect("PATCH boot");
        }
    };
    let t = Instant::now();
    stream::iter(0..ops)
        .map(read)
        .buffer_unordered(width)
        .collect::<Vec<_>>()
        .await;
    stream::iter(0..ops)
        .map(patch)
        .buffer_unordered(width)
        .collect::<Vec<_>>()
        .await;
    t.elapsed()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let client = Client::builder(&args.bmc)
        .pool_size(args.width.max(1))
        .build()?;
    let mut paths: Vec<String> = client
        .systems()
        .await?
        .iter()
        .map(|s| s.path().to_string())
        .collect();
    paths.truncate(args.systems);
    println!(
        "{} reads + {} boot-override PATCHes over {} systems of {} (width {})",
        args.ops,
        args.ops,
        paths.len(),
        args.bmc,
        args.width
    );
    // Warm up both sides' connections once.
    hermes_run(&client, &paths, paths.len(), 1).await;
    let h_seq = hermes_run(&client, &paths, args.ops, 1).await;
    let h_par = hermes_run(&client, &paths, args.ops, args.width).await;

    let python = args.python.clone().unwrap_or_else(|| {
        let home = std::env::var("HERMES_PEERS_DIR").unwrap_or_else(|_| {
            format!(
                "{}/.cache/hermes/peers",
                std::env::var("HOME").unwrap_or_else(|_| "/root".into())
            )
        });
        format!("{home}/venv/sushy/bin/python")
    });
    let out = tokio::process::Command::new(&python)
        .arg("-c")
        .arg(PY)
        .arg(&args.bmc)
        .arg(serde_json::to_string(&paths)?)
        .arg(args.ops.to_string())
        .arg(args.width.to_string())
        .output()
        .await
        .map_err(|e| format!("cannot run {python}: {e} (run scripts/peers.sh up sushy)"))?;
    if !out.status.success() {
        return Err(format!(
            "python redfish run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let py: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let p_seq = py["sequential"].as_f64().ok_or("no sequential figure")?;
    let p_par = py["parallel"].as_f64().ok_or("no parallel figure")?;

    println!(
        "{:<24} {:>12} {:>16} {:>22}",
        "mode", "hermes (s)", "python redfish (s)", "ratio (python/hermes)"
    );
    for (mode, h, p) in [
        ("sequential".to_string(), h_seq.as_secs_f64(), p_seq),
        (
            format!("parallel (width {})", args.width),
            h_par.as_secs_f64(),
            p_par,
        ),
    ] {
        println!("{mode:<24} {h:>12.3} {p:>16.3} {:>22.2}", p / h);
    }
    let per_req = h_seq.as_secs_f64() / (2 * args.ops) as f64 * 1000.0;
    println!("hermes sequential: {per_req:.1} ms per request (the emulator's own latency bounds both sides)");
    Ok(())
}
