//! hermes-vsphere: see the crate README (work in progress).
