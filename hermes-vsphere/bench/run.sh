#!/usr/bin/env bash
# The hermes-vsphere benchmark: Hermes vs pyvmomi (sequential and thread pool) vs a Go program on
# Debian's govmomi, each cloning 200 VMs from the template and powering them on, snapshotting each, then
# destroying them, against the local vcsim, in one run; prints each figure and the ratios.
#   hermes-vsphere/bench/run.sh [COUNT] [CONCURRENCY]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export HERMES_PEERS_DIR="${HERMES_PEERS_DIR:-$HOME/.cache/hermes/peers}"
set -a
# shellcheck disable=SC1091
source scripts/peers.env
set +a
# shellcheck disable=SC1091
source scripts/lib.sh
bash scripts/peers.sh up vcsim >&2

# pyvmomi in a venv of the harness.
PYBIN="$(venv_install pyvmomi 'pyvmomi>=8,<10')"
# The Go side, built in GOPATH mode against Debian's govmomi (like the vcsim launcher).
src="$ROOT/hermes-vsphere/bench/govmomi-bench/main.go"
dir="$VCSIM_DIR"
stamp="$(sha256sum "$src" | cut -c1-16)"
if [ ! -x "$dir/bin/govmomi-bench" ] || [ "$(cat "$dir/bin/govmomi-bench.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "building govmomi-bench (about 1 min)" >&2
    mkdir -p "$dir/go/src/govmomi-bench" "$dir/gocache" "$dir/bin"
    cp "$src" "$dir/go/src/govmomi-bench/main.go"
    (cd "$dir/go/src/govmomi-bench" && GO111MODULE=off GOPATH="/usr/share/gocode:$dir/go" \
        GOCACHE="$dir/gocache" GOPROXY=off go build -o "$dir/bin/govmomi-bench" .)
    echo "$stamp" > "$dir/bin/govmomi-bench.stamp"
fi

export HERMES_BENCH_PYTHON="$PYBIN/python"
export HERMES_BENCH_PYVMOMI="$ROOT/hermes-vsphere/bench/pyvmomi_bench.py"
export HERMES_BENCH_GOVMOMI="$dir/bin/govmomi-bench"
export HERMES_BENCH_COUNT="${1:-200}"
export HERMES_BENCH_CONCURRENCY="${2:-32}"
cargo bench -q -p hermes-vsphere --bench fleet_vs_peers
