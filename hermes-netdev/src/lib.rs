#![doc = include_str!("../README.md")]

pub mod cisco;
pub mod error;
pub mod remediate;
pub mod tree;

pub use error::{NetError, Result};
