#![doc = include_str!("../README.md")]

pub mod baseline;
pub mod cisco;
pub mod cli;
pub mod device;
pub mod error;
pub mod fortios;
pub mod remediate;
pub mod tree;

pub use error::{NetError, Result};
