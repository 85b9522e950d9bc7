#!/usr/bin/env bash
# The README's test command: starts every peer (installing what is missing), then runs every test,
# then the lints. Idempotent; safe to run again. Used as-is by CI (.ci/run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck disable=SC1091
source scripts/lib.sh
t0=$(date +%s)
step() { echo; echo "==> $* ($(( $(date +%s) - t0 )) s)"; }

step "peers up"
bash scripts/peers.sh up

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test --workspace"
cargo test --workspace --all-targets --no-fail-fast
cargo test --workspace --doc --no-fail-fast

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "done"
