#![doc = include_str!("../README.md")]

pub mod backup;
pub mod baseline;
pub mod cisco;
pub mod cli;
pub mod device;
pub mod error;
pub mod firmware;
pub mod fleet;
pub mod fortios;
pub mod fortirest;
pub mod nxapi;
pub mod remediate;
pub mod show;
pub mod tree;

pub use error::{NetError, Result};
