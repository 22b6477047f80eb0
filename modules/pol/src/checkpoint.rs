//! Canonical checkpoints: safetensors bytes of weights + optimizer state, with the step counter and
//! spec id in the metadata. The checkpoint id is SHA-256 of the bytes.
//!
//! Canonical form: header JSON `{"__metadata__":{"format":..,"spec":..,"step":..},<tensors>}` with
//! tensors sorted by name, all F32, data laid out in the same order, header padded with spaces to
//! a multiple of 8. [`Checkpoint::from_bytes`] rejects anything that does not re-encode to the same
//! bytes.

use std::collections::BTreeMap;

use candle_core::{Device, Tensor};
use safetensors::{Dtype, SafeTensors};

use crate::error::{PolError, Result};
use crate::hash::Hash;

/// Format tag stored in the metadata.
pub const FORMAT: &str = "agora-pol-checkpoint/1";

/// A tensor copied to host memory.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorData {
    /// Shape.
    pub shape: Vec<usize>,
    /// Row-major values.
    pub values: Vec<f32>,
}

impl TensorData {
    /// Copies a candle tensor to the host.
    pub fn from_tensor(t: &Tensor) -> Result<Self> {
        Ok(Self {
            shape: t.dims().to_vec(),
            values: t.flatten_all()?.to_vec1::<f32>()?,
        })
    }

    /// Builds a CPU tensor.
    pub fn to_tensor(&self) -> Result<Tensor> {
        Ok(Tensor::from_vec(
            self.values.clone(),
            self.shape.clone(),
            &Device::Cpu,
        )?)
    }
}

/// Full training state at a step: `param.<name>` weights and `opt.<slot>.<name>` optimizer state.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// Id of the spec this state belongs to.
    pub spec_hash: Hash,
    /// Steps completed.
    pub step: u64,
    /// Tensors by name.
    pub tensors: BTreeMap<String, TensorData>,
}

impl Checkpoint {
    /// Canonical safetensors bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let q = |s: &str| serde_json::to_string(s).expect("string serialises");
        let mut header = format!(
            "{{\"__metadata__\":{{\"format\":{},\"spec\":{},\"step\":{}}}",
            q(FORMAT),
            q(&self.spec_hash.to_hex()),
            q(&self.step.to_string())
        );
        let mut offset = 0usize;
        for (name, t) in &self.tensors {
            let end = offset + 4 * t.values.len();
            let shape: Vec<String> = t.shape.iter().map(|d| d.to_string()).collect();
            header.push_str(&format!(
                ",{}:{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{offset},{end}]}}",
                q(name),
                shape.join(",")
            ));
            offset = end;
        }
        header.push('}');
        while header.len() % 8 != 0 {
            header.push(' ');
        }
        let mut out = Vec::with_capacity(8 + header.len() + offset);
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        for t in self.tensors.values() {
            for v in &t.values {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    /// Checkpoint id: SHA-256 of [`Checkpoint::to_bytes`].
    pub fn hash(&self) -> Hash {
        Hash::of(&self.to_bytes())
    }

    /// Parses canonical checkpoint bytes; corrupted or non-canonical input is an error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bad = |m: String| PolError::Checkpoint(m);
        let st = SafeTensors::deserialize(bytes)
            .map_err(|e| bad(format!("not a safetensors file: {e}")))?;
        let (_, meta) = SafeTensors::read_metadata(bytes)
            .map_err(|e| bad(format!("unreadable safetensors header: {e}")))?;
        let meta = meta.metadata().clone().unwrap_or_default();
        let field = |k: &str| {
            meta.get(k)
                .cloned()
                .ok_or_else(|| bad(format!("metadata field `{k}` is missing")))
        };
        if field("format")? != FORMAT {
            return Err(bad(format!("format is not {FORMAT}")));
        }
        let spec_hash: Hash = field("spec")?
            .parse()
            .map_err(|e| bad(format!("metadata `spec`: {e}")))?;
        let step: u64 = field("step")?
            .parse()
            .map_err(|_| bad("metadata `step` is not an integer".into()))?;
        let mut tensors = BTreeMap::new();
        for (name, view) in st.tensors() {
            if view.dtype() != Dtype::F32 {
                return Err(bad(format!(
                    "tensor `{name}` is {:?}, not F32",
                    view.dtype()
                )));
            }
            let values = view
                .data()
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            tensors.insert(
                name,
                TensorData {
                    shape: view.shape().to_vec(),
                    values,
                },
            );
        }
        let ckpt = Self {
            spec_hash,
            step,
            tensors,
        };
        if ckpt.to_bytes() != bytes {
            return Err(bad(
                "bytes are not in canonical form (tensor order, layout or metadata differ)".into(),
            ));
        }
        Ok(ckpt)
    }
}
