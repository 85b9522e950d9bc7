#![doc = include_str!("../README.md")]

pub mod client;
pub mod dvs;
pub mod error;
pub mod fleet;
pub mod guest;
pub mod host;
pub mod inventory;
pub mod model;
pub mod property;
pub mod snapshot;
pub mod snapshot_backup;
pub mod soap;
pub mod tasks;
pub mod tls;
pub mod updates;
pub mod vm;
pub mod xml;

pub use client::{Client, ClientBuilder};
pub use error::{FaultKind, Result, VsphereError};
pub use model::{MoRef, ObjectContent, PowerState};
pub use tasks::TaskResult;
pub use tls::Tls;
