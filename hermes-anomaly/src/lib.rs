//! hermes-anomaly: see the crate README (work in progress).
