//! Causal character-level transformer. An example is `context + 1` bytes; the model predicts
//! bytes 1..=context from bytes 0..context. Pre-norm blocks with `layer_norm_slow`, multi-head
//! attention with an additive causal mask and `ops::softmax`, GELU MLP, learned positions.

use candle_core::{Device, Tensor, D};
use candle_nn::ops;

use super::{linear, param, Init, Model, ParamDef, Params};
use crate::error::{PolError, Result};
use crate::spec::TransformerConfig;

const LN_EPS: f32 = 1e-5;

/// Model built from a [`TransformerConfig`].
pub struct CharTransformer {
    c: TransformerConfig,
}

impl CharTransformer {
    /// Wraps the config.
    pub fn new(c: &TransformerConfig) -> Self {
        Self { c: c.clone() }
    }
}

fn lin(name: String, out: usize, inp: usize) -> [ParamDef; 2] {
    [
        ParamDef {
            name: format!("{name}.weight"),
            shape: vec![out, inp],
            init: Init::Uniform { fan_in: inp },
        },
        ParamDef {
            name: format!("{name}.bias"),
            shape: vec![out],
            init: Init::Zeros,
        },
    ]
}

fn norm(name: String, d: usize) -> [ParamDef; 2] {
    [
        ParamDef {
            name: format!("{name}.gain"),
            shape: vec![d],
            init: Init::Ones,
        },
        ParamDef {
            name: format!("{name}.shift"),
            shape: vec![d],
            init: Init::Zeros,
        },
    ]
}

fn layer_norm(x: &Tensor, p: &Params, name: &str) -> Result<Tensor> {
    let g = param(p, &format!("{name}.gain"))?;
    let b = param(p, &format!("{name}.shift"))?;
    Ok(ops::layer_norm_slow(x, g, b, LN_EPS)?)
}

impl Model for CharTransformer {
    fn param_defs(&self) -> Vec<ParamDef> {
        let (v, t, d, m) = (
            self.c.vocab as usize,
            self.c.context as usize,
            self.c.d_model as usize,
            self.c.mlp_hidden as usize,
        );
        let mut defs = vec![
            ParamDef {
                name: "tok_emb".into(),
                shape: vec![v, d],
                init: Init::Uniform { fan_in: 1 },
            },
            ParamDef {
                name: "pos_emb".into(),
                shape: vec![t, d],
                init: Init::Uniform { fan_in: d },
            },
        ];
        for l in 0..self.c.layers {
            defs.extend(norm(format!("b{l}.ln1"), d));
            defs.extend(lin(format!("b{l}.qkv"), 3 * d, d));
            defs.extend(lin(format!("b{l}.proj"), d, d));
            defs.extend(norm(format!("b{l}.ln2"), d));
            defs.extend(lin(format!("b{l}.fc1"), m, d));
            defs.extend(lin(format!("b{l}.fc2"), d, m));
        }
        defs.extend(norm("ln_f".into(), d));
        defs.extend(lin("head".into(), v, d));
        defs
    }

    fn loss(&self, p: &Params, examples: &[Vec<u8>]) -> Result<Tensor> {
        let (v, t, d) = (
            self.c.vocab as usize,
            self.c.context as usize,
            self.c.d_model as usize,
        );
        let (h, hd, b) = (
            self.c.heads as usize,
            d / self.c.heads as usize,
            examples.len(),
        );
        let mut inputs = Vec::with_capacity(b * t);
        let mut targets = Vec::with_capacity(b * t);
        for (i, e) in examples.iter().enumerate() {
            if e.len() != t + 1 || e.iter().any(|&c| c as usize >= v) {
                return Err(PolError::Data(format!(
                    "example {i} of the batch has {} bytes; the transformer expects {} bytes below {v}",
                    e.len(),
                    t + 1
                )));
            }
            inputs.extend(e[..t].iter().map(|&c| c as u32));
            targets.extend(e[1..].iter().map(|&c| c as u32));
        }
        let dev = &Device::Cpu;
        let ids = Tensor::from_vec(inputs, b * t, dev)?;
        let pos = param(p, "pos_emb")?;
        let mut x = param(p, "tok_emb")?
            .index_select(&ids, 0)?
            .reshape((b, t, d))?
            .broadcast_add(pos)?;
        let mask: Vec<f32> = (0..t * t)
            .map(|i| if i % t > i / t { -1e9 } else { 0.0 })
            .collect();
        let mask = Tensor::from_vec(mask, (t, t), dev)?;
        let scale = 1.0 / (hd as f64).sqrt();
        for l in 0..self.c.layers {
            let a = layer_norm(&x, p, &format!("b{l}.ln1"))?.reshape((b * t, d))?;
            let qkv = linear(&a, p, &format!("b{l}.qkv"))?.reshape((b, t, 3, h, hd))?;
            let head = |i: usize| -> Result<Tensor> {
                Ok(qkv
                    .narrow(2, i, 1)?
                    .squeeze(2)?
                    .transpose(1, 2)?
                    .contiguous()?)
            };
            let (q, k, vv) = (head(0)?, head(1)?, head(2)?);
            let att = (q.matmul(&k.t()?.contiguous()?)? * scale)?.broadcast_add(&mask)?;
            let att = ops::softmax(&att, D::Minus1)?;
            let y = att
                .matmul(&vv)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((b * t, d))?;
            x = (x + linear(&y, p, &format!("b{l}.proj"))?.reshape((b, t, d))?)?;
            let m = layer_norm(&x, p, &format!("b{l}.ln2"))?.reshape((b * t, d))?;
            let m = linear(
                &linear(&m, p, &format!("b{l}.fc1"))?.gelu()?,
                p,
                &format!("b{l}.fc2"),
            )?;
            x = (x + m.reshape((b, t, d))?)?;
        }
        let x = layer_norm(&x, p, "ln_f")?.reshape((b * t, d))?;
        let logits = linear(&x, p, "head")?;
        let y = Tensor::from_vec(targets, b * t, dev)?;
        Ok(candle_nn::loss::cross_entropy(&logits, &y)?)
    }
}
