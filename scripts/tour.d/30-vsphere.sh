#!/usr/bin/env bash
# hermes-vsphere on the local vcsim: deploy 200 VMs from a template (progress bar, summary), show that a
# re-run is a no-op, take scheduled snapshots with retention on a few of them, then tear the fleet down.
set -euo pipefail
# One datastore: vcsim 0.24 panics on concurrent clones to different datastores (hermes-vsphere/README.md).
echo "--- deploy 200 VMs from /DC0/vm/tmpl-linux across cluster DC0_C0 (bounded concurrency)"
cargo run -q -p hermes-examples --bin deploy_vms -- --name tour --count 200 --datastores LocalDS_0 --network DC0_DVPG1
echo
echo "--- the same spec again: nothing to do"
cargo run -q -p hermes-examples --bin deploy_vms -- --name tour --count 200 --datastores LocalDS_0 --network DC0_DVPG1
echo
echo "--- scheduled snapshots with retention (keep last=2,daily=3,weekly=2) on tour-001..003"
cargo run -q -p hermes-examples --bin vm_snapshots -- --vms tour-001,tour-002,tour-003 --days 21
echo
echo "--- teardown: only VMs marked hermes.fleet=tour are removed"
cargo run -q -p hermes-examples --bin deploy_vms -- --name tour --count 200 --teardown
