//! Cross-crate end-to-end tests of Hermes against the real peers (see `scripts/peers.env`).
//! The tests live in `tests/e2e/*.rs`; this library holds what they share.
