//! Criterion benches for hermes-core's hot paths: `cargo bench -p hermes-core`. Under `cargo test` each
//! bench runs once as a smoke test.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use criterion::{criterion_group, criterion_main, Criterion};
use hermes_core::plan::{Action, Change, ChangeSet, FieldChange};
use hermes_core::retention::{Dated, RetentionPolicy};
use hermes_core::Inventory;

fn plan_rendering(c: &mut Criterion) {
    let mut cs = ChangeSet::new("n3k-01");
    for i in 0..2_000 {
        cs.push(
            Change::new(
                if i % 3 == 0 {
                    Action::Create
                } else {
                    Action::Update
                },
                format!("vlan {i}"),
            )
            .field(FieldChange::changed(
                "name",
                format!("old-{i}"),
                format!("new-{i}"),
            ))
            .command(format!("vlan {i}"))
            .command(format!("  name new-{i}")),
        );
    }
    c.bench_function("render 2000-change plan", |b| b.iter(|| cs.render().len()));
}

struct Snap(DateTime<FixedOffset>);
impl Dated for Snap {
    fn id(&self) -> String {
        String::new()
    }
    fn time(&self) -> DateTime<FixedOffset> {
        self.0
    }
}

fn retention(c: &mut Criterion) {
    let end = FixedOffset::east_opt(0)
        .unwrap()
        .with_ymd_and_hms(2026, 11, 25, 2, 0, 0)
        .unwrap();
    let snaps: Vec<Snap> = (0..10_000)
        .map(|i| Snap(end - Duration::hours(i * 3)))
        .collect();
    let policy: RetentionPolicy = "last=10,hourly=48,daily=30,weekly=12,monthly=24,yearly=all"
        .parse()
        .unwrap();
    c.bench_function("retention over 10000 snapshots", |b| {
        b.iter(|| policy.apply(&snaps).keep.len())
    });
}

fn inventory(c: &mut Criterion) {
    let mut ini = String::new();
    for g in 0..50 {
        ini.push_str(&format!("[group{g}]\n"));
        for h in 0..40 {
            ini.push_str(&format!(
                "host-{g}-{h} ansible_host=10.{g}.0.{h} ansible_port=22 role=web\n"
            ));
        }
        ini.push_str(&format!("[group{g}:vars]\nntp=10.0.0.1\n"));
    }
    c.bench_function("parse a 2000-host INI inventory", |b| {
        b.iter(|| {
            Inventory::parse_ini(&ini, "bench.ini")
                .unwrap()
                .host_names()
                .len()
        })
    });
}

criterion_group!(benches, plan_rendering, retention, inventory);
criterion_main!(benches);
