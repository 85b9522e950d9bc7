#![doc = include_str!("../README.md")]

pub mod detect;
pub mod error;
pub mod monitor;
pub mod nab;

pub use error::{AnomalyError, Result};
