//! What the e2e suites share: running the real `agorad` ([`process`]), a node started on port 0
//! that reports its address ([`node`]), a temporary home with the test keyring ([`home`]), a
//! chain from `scripts/localnet.sh` ([`localnet`]) and an independent JSON-RPC client ([`rpc`]).
#![allow(dead_code)] // each test binary uses a different part

pub mod home;
pub mod localnet;
pub mod node;
pub mod process;
pub mod rpc;
