//! Attestations: what a worker commits to after training, and the honest worker loop.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::blob::BlobStore;
use crate::data::Dataset;
use crate::error::{PolError, Result};
use crate::hash::Hash;
use crate::merkle::{leaf_hash, MerkleTree};
use crate::spec::Spec;
use crate::train::{StepOutput, Trainer};

/// Per-step commitment. Loss and update norm are kept as IEEE-754 bit patterns (they come from
/// tensor bytes), so leaves hash and serialise without float formatting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepLeaf {
    /// Step number t (1-based).
    pub step: u64,
    /// Hash of the checkpoint after step t.
    pub checkpoint: Hash,
    /// `f32::to_bits` of `||w_t - w_{t-1}||_2` over all weights.
    pub update_norm_bits: u32,
    /// `f32::to_bits` of the batch loss at `w_{t-1}`.
    pub loss_bits: u32,
}

impl StepLeaf {
    /// Leaf bytes: step (u64 LE) || checkpoint || norm bits (u32 LE) || loss bits (u32 LE).
    pub fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(48);
        b.extend_from_slice(&self.step.to_le_bytes());
        b.extend_from_slice(&self.checkpoint.0);
        b.extend_from_slice(&self.update_norm_bits.to_le_bytes());
        b.extend_from_slice(&self.loss_bits.to_le_bytes());
        b
    }

    /// The update norm as a number.
    pub fn update_norm(&self) -> f32 {
        f32::from_bits(self.update_norm_bits)
    }

    /// The loss as a number.
    pub fn loss(&self) -> f32 {
        f32::from_bits(self.loss_bits)
    }
}

/// Merkle root over step leaves.
pub fn steps_root(leaves: &[StepLeaf]) -> Hash {
    MerkleTree::new(leaves.iter().map(|l| leaf_hash(&l.encode())).collect()).root()
}

/// The on-chain part of an attestation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// Training job id (assigned by the chain).
    pub job_id: String,
    /// Worker address.
    pub worker: String,
    /// Spec id; the spec itself is a blob under this hash.
    pub spec_hash: Hash,
    /// Hash of the state training started from (step 0).
    pub prev_state: Hash,
    /// Dataset root (must equal the spec's).
    pub data_root: Hash,
    /// Blob hash of the dataset's shard manifest.
    pub data_manifest: Hash,
    /// Merkle root over the per-step leaves.
    pub steps_root: Hash,
    /// Hash of the final checkpoint (step N).
    pub final_state: Hash,
}

impl Attestation {
    /// Attestation id: SHA-256 of its compact JSON (fixed field order, strings only).
    pub fn id(&self) -> Hash {
        Hash::of(&serde_json::to_vec(self).expect("attestation serialises"))
    }
}

/// `attestation.json`: the attestation plus the per-step leaves it commits to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationFile {
    /// The commitment.
    pub attestation: Attestation,
    /// All N leaves, in step order.
    pub steps: Vec<StepLeaf>,
}

impl AttestationFile {
    /// Reads and parses a file; errors name the path.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| PolError::io(path, e))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| PolError::Attestation(format!("{}: {e}", path.display())))
    }

    /// Writes pretty JSON.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("attestation serialises");
        std::fs::write(path, json).map_err(|e| PolError::io(path, e))
    }
}

/// Collects leaves and stores step 0 and every k-th checkpoint while a worker trains.
pub struct Recorder<'a> {
    spec: Spec,
    store: &'a dyn BlobStore,
    prev_state: Hash,
    leaves: Vec<StepLeaf>,
}

impl<'a> Recorder<'a> {
    /// Stores the spec and the step-0 checkpoint bytes.
    pub fn new(spec: &Spec, store: &'a dyn BlobStore, initial_checkpoint: &[u8]) -> Result<Self> {
        store.put(&spec.canonical_bytes())?;
        let prev_state = store.put(initial_checkpoint)?;
        Ok(Self {
            spec: spec.clone(),
            store,
            prev_state,
            leaves: Vec::new(),
        })
    }

    /// Records a step; stores its checkpoint when the step is a multiple of k.
    pub fn record(&mut self, out: &StepOutput) -> Result<()> {
        if self.spec.is_boundary(out.leaf.step) {
            self.store.put(&out.checkpoint_bytes)?;
        }
        self.leaves.push(out.leaf);
        Ok(())
    }

    /// Builds the attestation once all N steps are recorded.
    pub fn finish(
        self,
        job_id: &str,
        worker: &str,
        data_manifest: Hash,
    ) -> Result<AttestationFile> {
        let last = self
            .leaves
            .last()
            .filter(|l| l.step == self.spec.total_steps && self.leaves.len() as u64 == l.step);
        let final_state = last.map(|l| l.checkpoint).ok_or_else(|| {
            PolError::Attestation(format!(
                "{} of {} steps recorded",
                self.leaves.len(),
                self.spec.total_steps
            ))
        })?;
        let attestation = Attestation {
            job_id: job_id.to_string(),
            worker: worker.to_string(),
            spec_hash: self.spec.hash(),
            prev_state: self.prev_state,
            data_root: self.spec.dataset_root,
            data_manifest,
            steps_root: steps_root(&self.leaves),
            final_state,
        };
        Ok(AttestationFile {
            attestation,
            steps: self.leaves,
        })
    }
}

/// The honest worker: publishes the dataset, trains all N steps, stores checkpoints and returns
/// the attestation. `progress` is called after every step.
pub fn train(
    spec: &Spec,
    dataset: &Dataset,
    store: &dyn BlobStore,
    job_id: &str,
    worker: &str,
    progress: &mut dyn FnMut(&StepLeaf),
) -> Result<AttestationFile> {
    if dataset.root() != spec.dataset_root {
        return Err(PolError::Spec(format!(
            "dataset_root {} does not match the dataset supplied (root {})",
            spec.dataset_root,
            dataset.root()
        )));
    }
    let manifest = dataset.publish(store)?;
    let mut trainer = Trainer::new(spec)?;
    let mut rec = Recorder::new(spec, store, &trainer.snapshot()?.to_bytes())?;
    for step in 1..=spec.total_steps {
        let out = trainer.train_step(&dataset.batch(
            spec.data_order_seed,
            step,
            spec.batch_size as usize,
        ))?;
        rec.record(&out)?;
        progress(&out.leaf);
    }
    rec.finish(job_id, worker, manifest)
}
