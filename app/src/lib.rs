//! agora-app: Agora's application.
//!
//! [`App`] implements the ABCI 2.0 methods over the RocksDB store (`agora-store`) and the
//! module set ([`modules`]); [`abci`] serves it to CometBFT over a socket; the `agorad`
//! binary is the command line.

pub mod abci;
pub mod aminojson;
mod ante;
mod app;
mod check;
pub mod config;
pub mod genesis;
mod gentx;
pub mod modules;
mod query;
mod results;
mod runner;
pub mod sigverify;
pub mod testing;
pub mod tx;
pub mod txjson;
mod wire;

pub use agora_consensus::ChainParams;
pub use app::{check_mode, App};
pub use check::{CheckGuard, CheckService};
pub use config::AppConfig;
pub use query::{PreparedCheck, QueryService, JMT_PROOF_OP, SIMULATE_PATH};
