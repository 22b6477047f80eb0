//! The training spec: everything that affects the arithmetic, fixed before training starts.
//!
//! Hashing: the spec id is SHA-256 of `serde_json::to_vec(&spec)`. The structs below have a fixed
//! field order and contain no maps and no floats: every real-valued hyperparameter is a
//! [`Decimal`] string (e.g. `"0.001"`), parsed with Rust's correctly rounded `str::parse::<f64>`.
//! So the canonical bytes, and the numbers they denote, are the same on every machine.

use serde::{Deserialize, Serialize};

use crate::error::{PolError, Result};
use crate::hash::Hash;

/// The runtime this build of the engine implements; a spec naming another runtime is rejected.
pub const RUNTIME_FRAMEWORK: &str = "candle-0.11";

/// A complete, self-describing training job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Model architecture and its sizes.
    pub architecture: Architecture,
    /// Seed of the ChaCha20 RNG that initialises the weights.
    pub init_seed: u64,
    /// Optimizer and its hyperparameters.
    pub optimizer: OptimizerSpec,
    /// Learning-rate schedule (a multiplier on the optimizer's `lr`).
    pub schedule: Schedule,
    /// Examples per step.
    pub batch_size: u32,
    /// Total number of optimizer steps N.
    pub total_steps: u64,
    /// Checkpoint (and verification segment) interval k; must divide N.
    pub checkpoint_interval: u64,
    /// Merkle root of the dataset's examples (see [`crate::data::Dataset::root`]).
    pub dataset_root: Hash,
    /// Seed of the per-epoch example permutation.
    pub data_order_seed: u64,
    /// Framework, dtype and device the numbers are defined on.
    pub runtime: Runtime,
    /// How many segments a verifier samples.
    pub sampling: Sampling,
    /// Thresholds for tolerance-mode verification.
    pub tolerance: Tolerance,
}

/// Supported model architectures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Architecture {
    /// Multi-layer perceptron classifier over i8 feature vectors.
    Mlp(MlpConfig),
    /// Causal character-level transformer over ASCII text windows.
    CharTransformer(TransformerConfig),
}

/// MLP sizes: `input_dim -> hidden[0] -> ... -> classes`, ReLU between layers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpConfig {
    /// Features per example.
    pub input_dim: u32,
    /// Widths of the hidden layers.
    pub hidden: Vec<u32>,
    /// Number of classes.
    pub classes: u32,
}

/// Transformer sizes (pre-norm blocks, learned positions, GELU MLP).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformerConfig {
    /// Vocabulary size (byte values below it).
    pub vocab: u32,
    /// Context length; each example holds `context + 1` bytes.
    pub context: u32,
    /// Model width.
    pub d_model: u32,
    /// Attention heads; must divide `d_model`.
    pub heads: u32,
    /// Number of blocks.
    pub layers: u32,
    /// Hidden width of each block's MLP.
    pub mlp_hidden: u32,
}

/// Optimizers whose full state is checkpointed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OptimizerSpec {
    /// SGD with (PyTorch-style) momentum and L2 weight decay.
    Sgd {
        /// Base learning rate.
        lr: Decimal,
        /// Momentum coefficient in [0, 1).
        momentum: Decimal,
        /// L2 weight decay added to the gradient.
        weight_decay: Decimal,
    },
    /// AdamW with bias correction and decoupled weight decay.
    Adamw {
        /// Base learning rate.
        lr: Decimal,
        /// First-moment decay in [0, 1).
        beta1: Decimal,
        /// Second-moment decay in [0, 1).
        beta2: Decimal,
        /// Denominator epsilon.
        eps: Decimal,
        /// Decoupled weight decay.
        weight_decay: Decimal,
    },
}

/// Learning-rate schedules built from exact arithmetic only (no transcendental functions, whose
/// results differ between libm implementations).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// The base learning rate at every step.
    Constant,
    /// Linear warm-up from 0 over `warmup_steps`, then linear decay to `final_fraction * lr` at N.
    WarmupLinear {
        /// Steps of warm-up.
        warmup_steps: u64,
        /// Fraction of the base rate reached at the last step.
        final_fraction: Decimal,
    },
}

/// Runtime identity: only `candle-0.11` / `f32` / `cpu` is implemented.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// Framework and version line, e.g. `candle-0.11`.
    pub framework: String,
    /// Tensor dtype, `f32`.
    pub dtype: String,
    /// Device, `cpu`.
    pub device: String,
}

impl Default for Runtime {
    fn default() -> Self {
        Self {
            framework: RUNTIME_FRAMEWORK.into(),
            dtype: "f32".into(),
            device: "cpu".into(),
        }
    }
}

/// Verifier sampling parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sampling {
    /// s: segments drawn uniformly (with replacement).
    pub segments: u32,
    /// Q: segments with the largest committed update norm, always checked.
    pub top_q: u32,
}

/// Tolerance-mode thresholds, compared on the segment's end checkpoint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Maximum `||recomputed - committed||_2 / ||committed||_2`.
    pub rel_l2: Decimal,
    /// Maximum `max |recomputed - committed|`.
    pub linf: Decimal,
}

/// A real number written as a decimal string, so the spec hash never depends on float printing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Decimal(pub String);

impl Decimal {
    /// Wraps a decimal literal such as `"0.01"`.
    pub fn new(s: &str) -> Self {
        Self(s.to_string())
    }

    /// Parses the value; `field` names it in the error.
    pub fn value(&self, field: &str) -> Result<f64> {
        match self.0.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(PolError::Spec(format!(
                "{field} = {:?} is not a finite decimal number",
                self.0
            ))),
        }
    }
}

impl Spec {
    /// Parses and validates spec JSON; `origin` (usually the file name) prefixes every error.
    pub fn from_json(bytes: &[u8], origin: &str) -> Result<Self> {
        let spec: Spec =
            serde_json::from_slice(bytes).map_err(|e| PolError::Spec(format!("{origin}: {e}")))?;
        spec.validate().map_err(|e| match e {
            PolError::Spec(m) => PolError::Spec(format!("{origin}: {m}")),
            other => other,
        })?;
        Ok(spec)
    }

    /// Canonical bytes: compact JSON in field order (the blob stored under [`Spec::hash`]).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("spec serialises")
    }

    /// The spec id: SHA-256 of [`Spec::canonical_bytes`].
    pub fn hash(&self) -> Hash {
        Hash::of(&self.canonical_bytes())
    }

    /// Number of verification segments, N / k.
    pub fn segments(&self) -> u64 {
        self.total_steps / self.checkpoint_interval
    }

    /// True when `step` ends a segment, i.e. its checkpoint is kept (k must be non-zero).
    #[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` needs Rust 1.87; the workspace supports 1.85
    pub fn is_boundary(&self, step: u64) -> bool {
        step % self.checkpoint_interval == 0
    }

    /// Checks ranges and consistency; errors name the offending field.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(PolError::Spec(m));
        match &self.architecture {
            Architecture::Mlp(c) => {
                if c.input_dim == 0 || c.classes < 2 || c.hidden.contains(&0) {
                    return bad("architecture.mlp needs input_dim >= 1, classes >= 2 and non-zero hidden widths".into());
                }
                if c.classes > 256 {
                    return bad(
                        "architecture.mlp.classes must be at most 256 (labels are one byte)".into(),
                    );
                }
            }
            Architecture::CharTransformer(c) => {
                if c.vocab < 2
                    || c.vocab > 256
                    || c.context == 0
                    || c.d_model == 0
                    || c.layers == 0
                    || c.mlp_hidden == 0
                {
                    return bad("architecture.char_transformer needs 2 <= vocab <= 256 and non-zero context, d_model, layers, mlp_hidden".into());
                }
                if c.heads == 0 || c.d_model % c.heads != 0 {
                    return bad(format!(
                        "architecture.char_transformer.heads = {} must divide d_model = {}",
                        c.heads, c.d_model
                    ));
                }
            }
        }
        match &self.optimizer {
            OptimizerSpec::Sgd {
                lr,
                momentum,
                weight_decay,
            } => {
                positive(lr, "optimizer.sgd.lr")?;
                unit(momentum, "optimizer.sgd.momentum")?;
                non_negative(weight_decay, "optimizer.sgd.weight_decay")?;
            }
            OptimizerSpec::Adamw {
                lr,
                beta1,
                beta2,
                eps,
                weight_decay,
            } => {
                positive(lr, "optimizer.adamw.lr")?;
                unit(beta1, "optimizer.adamw.beta1")?;
                unit(beta2, "optimizer.adamw.beta2")?;
                positive(eps, "optimizer.adamw.eps")?;
                non_negative(weight_decay, "optimizer.adamw.weight_decay")?;
            }
        }
        if let Schedule::WarmupLinear {
            warmup_steps,
            final_fraction,
        } = &self.schedule
        {
            let f = final_fraction.value("schedule.warmup_linear.final_fraction")?;
            if !(0.0..=1.0).contains(&f) {
                return bad("schedule.warmup_linear.final_fraction must be in [0, 1]".into());
            }
            if *warmup_steps >= self.total_steps {
                return bad("schedule.warmup_linear.warmup_steps must be below total_steps".into());
            }
        }
        if self.batch_size == 0 {
            return bad("batch_size must be at least 1".into());
        }
        if self.total_steps == 0 || self.checkpoint_interval == 0 {
            return bad("total_steps and checkpoint_interval must be at least 1".into());
        }
        if !self.is_boundary(self.total_steps) {
            return bad(format!(
                "checkpoint_interval = {} must divide total_steps = {}",
                self.checkpoint_interval, self.total_steps
            ));
        }
        if self.runtime != Runtime::default() {
            return bad(format!(
                "runtime {}/{}/{} is not supported by this engine (it implements {RUNTIME_FRAMEWORK}/f32/cpu)",
                self.runtime.framework, self.runtime.dtype, self.runtime.device
            ));
        }
        non_negative(&self.tolerance.rel_l2, "tolerance.rel_l2")?;
        non_negative(&self.tolerance.linf, "tolerance.linf")?;
        Ok(())
    }

    /// Learning rate at `step` (1-based): base rate times the schedule's multiplier.
    pub fn learning_rate(&self, step: u64) -> Result<f64> {
        let lr = match &self.optimizer {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::Adamw { lr, .. } => {
                lr.value("optimizer.lr")?
            }
        };
        Ok(match &self.schedule {
            Schedule::Constant => lr,
            Schedule::WarmupLinear {
                warmup_steps,
                final_fraction,
            } => {
                let ff = final_fraction.value("schedule.warmup_linear.final_fraction")?;
                if step <= *warmup_steps {
                    lr * step as f64 / *warmup_steps as f64
                } else {
                    let done =
                        (step - warmup_steps) as f64 / (self.total_steps - warmup_steps) as f64;
                    lr * (1.0 - (1.0 - ff) * done)
                }
            }
        })
    }
}

fn positive(d: &Decimal, field: &str) -> Result<()> {
    if d.value(field)? > 0.0 {
        Ok(())
    } else {
        Err(PolError::Spec(format!("{field} must be positive")))
    }
}

fn non_negative(d: &Decimal, field: &str) -> Result<()> {
    if d.value(field)? >= 0.0 {
        Ok(())
    } else {
        Err(PolError::Spec(format!("{field} must not be negative")))
    }
}

fn unit(d: &Decimal, field: &str) -> Result<()> {
    if (0.0..1.0).contains(&d.value(field)?) {
        Ok(())
    } else {
        Err(PolError::Spec(format!("{field} must be in [0, 1)")))
    }
}
