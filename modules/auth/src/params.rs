//! Auth params: tx limits and signature gas costs the ante handler applies.

use agora_core::{Error, Result, SdkCode};
use agora_proto::cosmos::auth::v1beta1 as pb;
use serde::{Deserialize, Serialize};

/// Auth params; defaults are the Cosmos SDK v0.50 ones. JSON writes the u64s as strings, as the SDK does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The longest memo a tx may carry, in characters.
    #[serde(with = "agora_core::u64_string")]
    pub max_memo_characters: u64,
    /// The most signatures a tx may carry.
    #[serde(with = "agora_core::u64_string")]
    pub tx_sig_limit: u64,
    /// Gas charged per byte of tx.
    #[serde(with = "agora_core::u64_string")]
    pub tx_size_cost_per_byte: u64,
    /// Gas charged to verify an ed25519 signature.
    #[serde(with = "agora_core::u64_string")]
    pub sig_verify_cost_ed25519: u64,
    /// Gas charged to verify a secp256k1 signature.
    #[serde(with = "agora_core::u64_string")]
    pub sig_verify_cost_secp256k1: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            max_memo_characters: 256,
            tx_sig_limit: 7,
            tx_size_cost_per_byte: 10,
            sig_verify_cost_ed25519: 590,
            sig_verify_cost_secp256k1: 1000,
        }
    }
}

impl Params {
    /// Every param must be positive, as the SDK requires; the error names the field.
    pub fn validate(&self) -> Result<()> {
        for (field, value) in self.fields() {
            if value == 0 {
                return Err(Error::sdk(
                    SdkCode::InvalidRequest,
                    format!("{field}: must be positive"),
                ));
            }
        }
        Ok(())
    }

    /// `(name, value)` of each param, in protobuf field order.
    pub(crate) fn fields(&self) -> [(&'static str, u64); 5] {
        [
            ("max_memo_characters", self.max_memo_characters),
            ("tx_sig_limit", self.tx_sig_limit),
            ("tx_size_cost_per_byte", self.tx_size_cost_per_byte),
            ("sig_verify_cost_ed25519", self.sig_verify_cost_ed25519),
            ("sig_verify_cost_secp256k1", self.sig_verify_cost_secp256k1),
        ]
    }

    /// The params of a protobuf `cosmos.auth.v1beta1.Params` (not yet validated).
    pub fn from_proto(p: &pb::Params) -> Self {
        Self {
            max_memo_characters: p.max_memo_characters,
            tx_sig_limit: p.tx_sig_limit,
            tx_size_cost_per_byte: p.tx_size_cost_per_byte,
            sig_verify_cost_ed25519: p.sig_verify_cost_ed25519,
            sig_verify_cost_secp256k1: p.sig_verify_cost_secp256k1,
        }
    }

    /// The params as the protobuf `cosmos.auth.v1beta1.Params`.
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            max_memo_characters: self.max_memo_characters,
            tx_sig_limit: self.tx_sig_limit,
            tx_size_cost_per_byte: self.tx_size_cost_per_byte,
            sig_verify_cost_ed25519: self.sig_verify_cost_ed25519,
            sig_verify_cost_secp256k1: self.sig_verify_cost_secp256k1,
        }
    }
}
