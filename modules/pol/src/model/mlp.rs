//! MLP classifier. An example is `[label: u8, features: input_dim x i8]`; a feature byte `q` is the
//! value `q / 32` (exact in f32).

use candle_core::{Device, Tensor};

use super::{linear, Init, Model, ParamDef, Params};
use crate::error::{PolError, Result};
use crate::spec::MlpConfig;

/// `input_dim -> hidden... -> classes` with ReLU, trained with cross-entropy.
pub struct Mlp {
    dims: Vec<usize>,
}

impl Mlp {
    /// Builds the layer plan from the config.
    pub fn new(c: &MlpConfig) -> Self {
        let mut dims = vec![c.input_dim as usize];
        dims.extend(c.hidden.iter().map(|&h| h as usize));
        dims.push(c.classes as usize);
        Self { dims }
    }
}

impl Model for Mlp {
    fn param_defs(&self) -> Vec<ParamDef> {
        self.dims
            .windows(2)
            .enumerate()
            .flat_map(|(i, w)| {
                [
                    ParamDef {
                        name: format!("l{i}.weight"),
                        shape: vec![w[1], w[0]],
                        init: Init::Uniform { fan_in: w[0] },
                    },
                    ParamDef {
                        name: format!("l{i}.bias"),
                        shape: vec![w[1]],
                        init: Init::Uniform { fan_in: w[0] },
                    },
                ]
            })
            .collect()
    }

    fn loss(&self, params: &Params, examples: &[Vec<u8>]) -> Result<Tensor> {
        let d = self.dims[0];
        let classes = *self.dims.last().expect("non-empty");
        let mut xs = Vec::with_capacity(examples.len() * d);
        let mut ys = Vec::with_capacity(examples.len());
        for (i, e) in examples.iter().enumerate() {
            if e.len() != d + 1 || e[0] as usize >= classes {
                return Err(PolError::Data(format!(
                    "example {i} of the batch has {} bytes and label {}; the MLP expects {} bytes and a label below {classes}",
                    e.len(),
                    e.first().copied().unwrap_or(0),
                    d + 1
                )));
            }
            ys.push(e[0] as u32);
            xs.extend(e[1..].iter().map(|&q| q as i8 as f32 / 32.0));
        }
        let mut h = Tensor::from_vec(xs, (examples.len(), d), &Device::Cpu)?;
        let layers = self.dims.len() - 1;
        for i in 0..layers {
            h = linear(&h, params, &format!("l{i}"))?;
            if i + 1 < layers {
                h = h.relu()?;
            }
        }
        let y = Tensor::from_vec(ys, examples.len(), &Device::Cpu)?;
        Ok(candle_nn::loss::cross_entropy(&h, &y)?)
    }
}
