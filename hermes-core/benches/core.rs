//! Criterion benches for hermes-core's hot paths. `cargo bench -p hermes-core`; under `cargo test`
#![allow(missing_docs)] // criterion_group! generates undocumented items
//! each bench runs once as a smoke test.
use criterion::{criterion_group, criterion_main, Criterion};
use hermes_core::plan::{Action, Change, ChangeSet, FieldChange};

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

criterion_group!(benches, plan_rendering);
criterion_main!(benches);
