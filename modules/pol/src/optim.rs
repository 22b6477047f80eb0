//! SGD with momentum and AdamW whose entire state is named tensors, so it lives in checkpoints.
//!
//! State tensor names: `opt.momentum.<param>` (SGD) or `opt.m.<param>` / `opt.v.<param>` (AdamW).
//! AdamW's step counter is the checkpoint's step counter. Bias corrections `1 - beta^t` are
//! computed by repeated f64 multiplication, so they are exact functions of the spec.

use std::collections::BTreeMap;

use candle_core::{backprop::GradStore, Tensor};

use crate::error::{PolError, Result};
use crate::model::Params;
use crate::spec::{OptimizerSpec, Spec};

/// An optimizer with hyperparameters parsed from the spec.
#[derive(Clone, Debug)]
pub enum Optimizer {
    /// `buf = momentum * buf + (g + wd * w); w -= lr * buf`.
    Sgd {
        /// Momentum coefficient.
        momentum: f64,
        /// L2 weight decay.
        weight_decay: f64,
    },
    /// AdamW (Loshchilov & Hutter) with bias correction.
    AdamW {
        /// First-moment decay.
        beta1: f64,
        /// Second-moment decay.
        beta2: f64,
        /// Denominator epsilon.
        eps: f64,
        /// Decoupled weight decay.
        weight_decay: f64,
    },
}

impl Optimizer {
    /// Reads the optimizer section of a validated spec.
    pub fn from_spec(spec: &Spec) -> Result<Self> {
        Ok(match &spec.optimizer {
            OptimizerSpec::Sgd {
                momentum,
                weight_decay,
                ..
            } => Self::Sgd {
                momentum: momentum.value("optimizer.sgd.momentum")?,
                weight_decay: weight_decay.value("optimizer.sgd.weight_decay")?,
            },
            OptimizerSpec::Adamw {
                beta1,
                beta2,
                eps,
                weight_decay,
                ..
            } => Self::AdamW {
                beta1: beta1.value("optimizer.adamw.beta1")?,
                beta2: beta2.value("optimizer.adamw.beta2")?,
                eps: eps.value("optimizer.adamw.eps")?,
                weight_decay: weight_decay.value("optimizer.adamw.weight_decay")?,
            },
        })
    }

    /// Names of the state slots this optimizer keeps per parameter.
    pub fn slots(&self) -> &'static [&'static str] {
        match self {
            Self::Sgd { .. } => &["momentum"],
            Self::AdamW { .. } => &["m", "v"],
        }
    }

    /// Zero state for the given parameters.
    pub fn init_state(&self, params: &Params) -> Result<BTreeMap<String, Tensor>> {
        let mut out = BTreeMap::new();
        for (name, p) in params {
            for slot in self.slots() {
                out.insert(format!("opt.{slot}.{name}"), p.zeros_like()?);
            }
        }
        Ok(out)
    }

    /// Applies step number `step` (1-based) with learning rate `lr`, updating parameters and state.
    pub fn apply(
        &self,
        step: u64,
        lr: f64,
        params: &Params,
        grads: &GradStore,
        state: &mut BTreeMap<String, Tensor>,
    ) -> Result<()> {
        for (name, var) in params {
            // Detached so the stored state never keeps a backprop graph alive across steps.
            let w = &var.as_tensor().detach();
            let g = &grads
                .get(var.as_tensor())
                .ok_or_else(|| {
                    PolError::Checkpoint(format!("parameter `{name}` received no gradient"))
                })?
                .detach();
            let slot = |s: &str| format!("opt.{s}.{name}");
            let take = |state: &BTreeMap<String, Tensor>, s: &str| {
                state.get(&slot(s)).cloned().ok_or_else(|| {
                    PolError::Checkpoint(format!("optimizer state `{}` is missing", slot(s)))
                })
            };
            let new_w = match *self {
                Self::Sgd {
                    momentum,
                    weight_decay,
                } => {
                    let g = if weight_decay != 0.0 {
                        (g + (w * weight_decay)?)?
                    } else {
                        g.clone()
                    };
                    let buf = ((take(state, "momentum")? * momentum)? + g)?;
                    let new_w = (w - (&buf * lr)?)?;
                    state.insert(slot("momentum"), buf);
                    new_w
                }
                Self::AdamW {
                    beta1,
                    beta2,
                    eps,
                    weight_decay,
                } => {
                    let m = ((take(state, "m")? * beta1)? + (g * (1.0 - beta1))?)?;
                    let v = ((take(state, "v")? * beta2)? + (g.sqr()? * (1.0 - beta2))?)?;
                    let c1 = 1.0 - power(beta1, step);
                    let c2 = 1.0 - power(beta2, step);
                    let m_hat = (&m / c1)?;
                    let v_hat = (&v / c2)?;
                    let decayed = (w * (1.0 - lr * weight_decay))?;
                    let new_w = (decayed - ((m_hat / (v_hat.sqrt()? + eps)?)? * lr)?)?;
                    state.insert(slot("m"), m);
                    state.insert(slot("v"), v);
                    new_w
                }
            };
            var.set(&new_w)?;
        }
        Ok(())
    }
}

fn power(base: f64, exp: u64) -> f64 {
    (0..exp).fold(1.0, |acc, _| acc * base)
}
