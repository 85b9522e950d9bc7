//! hermes-ilo: see the crate README (work in progress).
