#![doc = include_str!("../README.md")]

pub mod ansible;
pub mod bios;
pub mod client;
pub mod error;
pub mod fileserver;
pub mod firmware;
pub mod install;
pub mod inventory;
pub mod iso;
pub mod kickstart;
pub mod models;
pub mod power;
pub mod request;
pub mod secureboot;
pub mod smartstorage;
pub mod system;
pub mod volumes;

pub use client::{Client, ClientBuilder, Response};
pub use error::{IloError, RedfishError, Result};
pub use power::PowerCycle;
pub use system::{
    BootOverride, CdBootDiscovery, InsertMethod, OverrideEnabled, ResetType, SystemHandle,
    SystemSelector,
};
