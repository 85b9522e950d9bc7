#!/usr/bin/env bash
# Backups and DR (hermes-data): two backup runs (full, then incremental) of a demo tree, a demo
# PostgreSQL database (and its whole cluster) and a demo MongoDB database (the mongodb peer) into a local
# repository with verify, offsite copy and retention; then a DR drill restoring each into a scratch
# target and writing the RTO/RPO report.
set -euo pipefail
echo "--> backup run 1 (creates the repository; the first backup of each source is full)"
cargo run -q -p hermes-examples --bin backup
echo
echo "--> backup run 2 (daily incremental: unchanged files are skipped, only new chunks stored)"
cargo run -q -p hermes-examples --bin backup -- --verify-data
echo
echo "--> DR drill: restore the latest snapshots into scratch targets, validate, report RTO/RPO"
cargo run -q -p hermes-examples --bin dr_drill
