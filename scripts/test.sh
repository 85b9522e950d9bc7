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
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo test --workspace --all-targets --no-fail-fast 2>&1 | tee -a "$log"
cargo test --workspace --doc --no-fail-fast 2>&1 | tee -a "$log"

step "no secret in any test output"
# The test inventories carry canary secrets; none may ever be printed, whatever a test does.
if grep -n "HERMES-CANARY-7f3a9c" "$log"; then
    echo "a secret from a test inventory appeared in test output (lines above)" >&2
    exit 1
fi
echo "ok: the canary secrets appear nowhere in $(wc -l < "$log") lines of test output"

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "done"
