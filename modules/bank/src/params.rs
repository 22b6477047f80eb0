//! Bank params and send-enabled flags.

use std::collections::BTreeSet;

use agora_core::{validate_denom, Error, Result, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use serde::{Deserialize, Serialize};

/// Bank params (SDK v0.50): `send_enabled` is deprecated and kept empty in state; per-denom flags
/// live in their own store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Deprecated per-denom flags; genesis moves them into the send-enabled store.
    #[serde(default)]
    pub send_enabled: Vec<SendEnabled>,
    /// Whether denoms without an explicit flag may be sent.
    pub default_send_enabled: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            send_enabled: Vec::new(),
            default_send_enabled: true,
        }
    }
}

/// Whether one denom may be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendEnabled {
    /// The denom.
    pub denom: String,
    /// Whether it may be sent.
    pub enabled: bool,
}

impl SendEnabled {
    /// The flag of a protobuf `cosmos.bank.v1beta1.SendEnabled`.
    pub fn from_proto(p: &pb::SendEnabled) -> Self {
        Self {
            denom: p.denom.clone(),
            enabled: p.enabled,
        }
    }

    /// The protobuf `cosmos.bank.v1beta1.SendEnabled`.
    pub fn to_proto(&self) -> pb::SendEnabled {
        pb::SendEnabled {
            denom: self.denom.clone(),
            enabled: self.enabled,
        }
    }
}

/// Checks a list of send-enabled flags at `path`: valid, unique denoms; errors name the entry
/// (`<path>[i].denom`).
pub fn validate_send_enabled(path: &str, entries: &[SendEnabled]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (i, entry) in entries.iter().enumerate() {
        validate_denom(&entry.denom).map_err(crate::errors::at(format!("{path}[{i}].denom")))?;
        if !seen.insert(entry.denom.as_str()) {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!(
                    "{path}[{i}].denom: duplicate send enabled found: {:?}",
                    entry.denom
                ),
            ));
        }
    }
    Ok(())
}

impl Params {
    /// Checks the deprecated per-denom flags: valid, unique denoms.
    pub fn validate(&self) -> Result<()> {
        validate_send_enabled("send_enabled", &self.send_enabled)
    }

    /// The params of a protobuf `cosmos.bank.v1beta1.Params` (not yet validated).
    #[allow(deprecated)]
    pub fn from_proto(p: &pb::Params) -> Self {
        Self {
            send_enabled: p.send_enabled.iter().map(SendEnabled::from_proto).collect(),
            default_send_enabled: p.default_send_enabled,
        }
    }

    /// The protobuf `cosmos.bank.v1beta1.Params` (its `send_enabled` is deprecated, but the SDK
    /// still returns it).
    #[allow(deprecated)]
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            send_enabled: self
                .send_enabled
                .iter()
                .map(SendEnabled::to_proto)
                .collect(),
            default_send_enabled: self.default_send_enabled,
        }
    }
}
