//! Proof-of-learning engine for Agora (off-chain side).
//!
//! A training job is fixed by a [`spec::Spec`]; a worker trains it deterministically with candle on
//! CPU ([`train::Trainer`]), keeps every k-th [`checkpoint::Checkpoint`] in a [`blob::BlobStore`]
//! and publishes an [`attest::AttestationFile`]. A verifier derives a seed, picks segments
//! ([`sample::sample_segments`]), re-executes them ([`verify::verify`]) and returns a
//! [`verify::Verdict`]. [`golden::selftest`] checks that this machine reproduces known hashes, and
//! [`cli::PolCommand`] exposes all of it as `agorad pol ...`.

#![warn(missing_docs)]

pub mod attest;
pub mod blob;
pub mod checkpoint;
pub mod cli;
pub mod data;
pub mod error;
pub mod golden;
pub mod hash;
pub mod merkle;
pub mod model;
pub mod optim;
pub mod sample;
pub mod spec;
pub mod train;
pub mod verify;

pub use error::{PolError, Result};
pub use hash::Hash;
