//! hermes-data: see the crate README (work in progress).
