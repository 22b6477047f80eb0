//! agora-node: the embedded single-validator engine behind `agorad start`.
//!
//! [`Node`] owns the [`App`](agora_app::App), a [`Mempool`](mempool::Mempool), a
//! [`BlockStore`](blockstore::BlockStore) in RocksDB and an [`EventBus`](events::EventBus).
//! [`engine`] produces CometBFT-format blocks signed with `priv_validator_key.json` (guarded by
//! [`sign_state`] against double signing) and replays stored blocks the app has not committed;
//! [`history`] keeps the validator sets and consensus params the app's answers give each
//! height; [`rpc`] serves the CometBFT JSON-RPC over HTTP and websocket.

pub mod blockstore;
pub mod config;
pub mod engine;
pub mod events;
pub mod files;
pub mod grpc;
pub mod history;
pub mod home;
pub mod mempool;
pub mod metrics;
mod node;
pub mod priority;
pub mod rest;
pub mod rpc;
pub mod setup;
pub mod sign_state;
pub mod validator;

pub use home::Home;
pub use node::{GenesisDoc, Node, BLOCK_PROTOCOL, COMETBFT_VERSION, P2P_PROTOCOL};
