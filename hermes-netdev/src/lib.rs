//! hermes-netdev: see the crate README (work in progress).
