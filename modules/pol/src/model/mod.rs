//! Models: a list of named parameters and a loss on a batch of raw examples.
//!
//! Only ops that carry gradients upstream are used (see ARCHITECTURE.md, candle pitfalls):
//! `layer_norm_slow`, `ops::softmax`, `log_softmax`-based cross-entropy, matmul, index_select.

mod mlp;
mod transformer;

use std::collections::BTreeMap;

use candle_core::{Device, Tensor, Var};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::error::Result;
use crate::hash::Hash;
use crate::spec::Architecture;

pub use mlp::Mlp;
pub use transformer::CharTransformer;

/// Trainable parameters by name (sorted, so every iteration order is canonical).
pub type Params = BTreeMap<String, Var>;

/// How a parameter is initialised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Uniform in `[-1/sqrt(fan_in), 1/sqrt(fan_in))`.
    Uniform {
        /// Inputs feeding each output unit.
        fan_in: usize,
    },
    /// All zeros (biases, LayerNorm shifts).
    Zeros,
    /// All ones (LayerNorm gains).
    Ones,
}

/// A parameter's name, shape and initialiser.
#[derive(Clone, Debug)]
pub struct ParamDef {
    /// Canonical name, e.g. `l0.weight`.
    pub name: String,
    /// Tensor shape.
    pub shape: Vec<usize>,
    /// Initialiser.
    pub init: Init,
}

/// A differentiable model over raw example bytes.
pub trait Model: Send + Sync {
    /// The parameters, in any order (they are stored sorted by name).
    fn param_defs(&self) -> Vec<ParamDef>;
    /// Mean loss over the batch; errors if an example does not fit the architecture.
    fn loss(&self, params: &Params, examples: &[Vec<u8>]) -> Result<Tensor>;
}

/// Builds the model an architecture describes.
pub fn build(arch: &Architecture) -> Box<dyn Model> {
    match arch {
        Architecture::Mlp(c) => Box::new(Mlp::new(c)),
        Architecture::CharTransformer(c) => Box::new(CharTransformer::new(c)),
    }
}

/// Initial parameter values. Each tensor draws from its own ChaCha20 stream keyed by
/// `SHA-256("agora-pol/init" || seed || name)`; a uniform value is `(u32 >> 8) * 2^-24` mapped to
/// `[-b, b)`, which uses only exactly rounded f32 operations.
pub fn init_params(model: &dyn Model, seed: u64) -> Result<BTreeMap<String, Tensor>> {
    let mut out = BTreeMap::new();
    for def in model.param_defs() {
        let n: usize = def.shape.iter().product();
        let values: Vec<f32> = match def.init {
            Init::Zeros => vec![0.0; n],
            Init::Ones => vec![1.0; n],
            Init::Uniform { fan_in } => {
                let key =
                    Hash::of_parts(&[b"agora-pol/init", &seed.to_le_bytes(), def.name.as_bytes()]);
                let mut rng = ChaCha20Rng::from_seed(key.0);
                let bound = 1.0f32 / (fan_in as f32).sqrt();
                (0..n)
                    .map(|_| {
                        let u = (rng.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0);
                        (2.0 * u - 1.0) * bound
                    })
                    .collect()
            }
        };
        out.insert(
            def.name.clone(),
            Tensor::from_vec(values, def.shape.clone(), &Device::Cpu)?,
        );
    }
    Ok(out)
}

/// `x @ w^T + b` for a 2-D `x`, `w` of shape (out, in).
fn linear(x: &Tensor, params: &Params, prefix: &str) -> Result<Tensor> {
    let w = param(params, &format!("{prefix}.weight"))?;
    let b = param(params, &format!("{prefix}.bias"))?;
    Ok(x.matmul(&w.t()?)?.broadcast_add(b)?)
}

fn param<'a>(params: &'a Params, name: &str) -> Result<&'a Tensor> {
    params
        .get(name)
        .map(|v| v.as_tensor())
        .ok_or_else(|| crate::error::PolError::Checkpoint(format!("parameter `{name}` is missing")))
}
