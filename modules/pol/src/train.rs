//! Deterministic training: one [`Trainer::train_step`] turns state S_{t-1} and batch b_t into S_t.

use std::collections::BTreeMap;

use candle_core::{Tensor, Var};

use crate::attest::StepLeaf;
use crate::checkpoint::{Checkpoint, TensorData};
use crate::error::{PolError, Result};
use crate::hash::Hash;
use crate::model::{self, Model, Params};
use crate::optim::Optimizer;
use crate::spec::Spec;

/// Training state of one job: model weights, optimizer state and the step counter.
pub struct Trainer {
    spec: Spec,
    spec_hash: Hash,
    model: Box<dyn Model>,
    optimizer: Optimizer,
    params: Params,
    opt_state: BTreeMap<String, Tensor>,
    step: u64,
}

/// The result of one step: its attestation leaf and the canonical bytes of the new state.
pub struct StepOutput {
    /// Step number, state hash, update norm and loss.
    pub leaf: StepLeaf,
    /// Canonical checkpoint bytes of the state after the step (hash = `leaf.checkpoint`).
    pub checkpoint_bytes: Vec<u8>,
}

impl Trainer {
    /// Step-0 state: weights from the spec's init seed, zero optimizer state.
    pub fn new(spec: &Spec) -> Result<Self> {
        spec.validate()?;
        let model = model::build(&spec.architecture);
        let optimizer = Optimizer::from_spec(spec)?;
        let mut params = Params::new();
        for (name, t) in model::init_params(model.as_ref(), spec.init_seed)? {
            params.insert(name, Var::from_tensor(&t)?);
        }
        let opt_state = optimizer.init_state(&params)?;
        Ok(Self {
            spec: spec.clone(),
            spec_hash: spec.hash(),
            model,
            optimizer,
            params,
            opt_state,
            step: 0,
        })
    }

    /// Resumes from a checkpoint, which must belong to `spec` and hold exactly the expected tensors.
    pub fn from_checkpoint(spec: &Spec, ckpt: &Checkpoint) -> Result<Self> {
        let mut t = Self::new(spec)?;
        if ckpt.spec_hash != t.spec_hash {
            return Err(PolError::Checkpoint(format!(
                "checkpoint belongs to spec {} but this job's spec is {}",
                ckpt.spec_hash, t.spec_hash
            )));
        }
        let expected = t.snapshot()?;
        if expected.tensors.len() != ckpt.tensors.len() {
            return Err(PolError::Checkpoint(format!(
                "checkpoint has {} tensors, the spec's model and optimizer need {}",
                ckpt.tensors.len(),
                expected.tensors.len()
            )));
        }
        for (name, want) in &expected.tensors {
            let got = ckpt
                .tensors
                .get(name)
                .ok_or_else(|| PolError::Checkpoint(format!("tensor `{name}` is missing")))?;
            if got.shape != want.shape || got.values.len() != want.values.len() {
                return Err(PolError::Checkpoint(format!(
                    "tensor `{name}` has shape {:?}, expected {:?}",
                    got.shape, want.shape
                )));
            }
            let tensor = got.to_tensor()?;
            if let Some(p) = name.strip_prefix("param.") {
                t.params[p].set(&tensor)?;
            } else {
                t.opt_state.insert(name.clone(), tensor);
            }
        }
        t.step = ckpt.step;
        Ok(t)
    }

    /// Steps completed so far.
    pub fn step(&self) -> u64 {
        self.step
    }

    /// The spec being trained.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Copies the full state to a [`Checkpoint`].
    pub fn snapshot(&self) -> Result<Checkpoint> {
        let mut tensors = BTreeMap::new();
        for (name, v) in &self.params {
            tensors.insert(
                format!("param.{name}"),
                TensorData::from_tensor(v.as_tensor())?,
            );
        }
        for (name, t) in &self.opt_state {
            tensors.insert(name.clone(), TensorData::from_tensor(t)?);
        }
        Ok(Checkpoint {
            spec_hash: self.spec_hash,
            step: self.step,
            tensors,
        })
    }

    /// Runs step `self.step() + 1` on `examples` (the batch the data order assigns to it).
    pub fn train_step(&mut self, examples: &[Vec<u8>]) -> Result<StepOutput> {
        let step = self.step + 1;
        if step > self.spec.total_steps {
            return Err(PolError::Spec(format!(
                "the job has only {} steps",
                self.spec.total_steps
            )));
        }
        let loss = self.model.loss(&self.params, examples)?;
        let grads = loss.backward()?;
        let before: Vec<Tensor> = self
            .params
            .values()
            .map(|v| v.as_tensor().copy())
            .collect::<candle_core::Result<_>>()?;
        let lr = self.spec.learning_rate(step)?;
        self.optimizer
            .apply(step, lr, &self.params, &grads, &mut self.opt_state)?;
        let mut sq = 0f32;
        for (old, v) in before.iter().zip(self.params.values()) {
            sq += (v.as_tensor() - old)?
                .sqr()?
                .sum_all()?
                .to_scalar::<f32>()?;
        }
        self.step = step;
        let checkpoint_bytes = self.snapshot()?.to_bytes();
        let leaf = StepLeaf {
            step,
            checkpoint: Hash::of(&checkpoint_bytes),
            update_norm_bits: sq.sqrt().to_bits(),
            loss_bits: loss.to_scalar::<f32>()?.to_bits(),
        };
        Ok(StepOutput {
            leaf,
            checkpoint_bytes,
        })
    }
}
