//! Distribution params, SDK v0.50 defaults, validated; JSON as the SDK writes it.

use agora_core::{Dec, Error, Result, SdkCode};
use agora_proto::cosmos::distribution::v1beta1 as pb;
use serde::{Deserialize, Serialize};

/// Distribution params.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// The share of every block's rewards that goes to the community pool.
    pub community_tax: Dec,
    /// Deprecated since SDK v0.50: always zero.
    pub base_proposer_reward: Dec,
    /// Deprecated since SDK v0.50: always zero.
    pub bonus_proposer_reward: Dec,
    /// Whether delegators may send their rewards to another address.
    pub withdraw_addr_enabled: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            community_tax: Dec::from_ratio(2, 100).expect("2% is a decimal"),
            base_proposer_reward: Dec::zero(),
            bonus_proposer_reward: Dec::zero(),
            withdraw_addr_enabled: true,
        }
    }
}

impl Params {
    /// The SDK's `Params.ValidateBasic`; errors name the field.
    pub fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("community_tax", self.community_tax),
            ("base_proposer_reward", self.base_proposer_reward),
            ("bonus_proposer_reward", self.bonus_proposer_reward),
        ] {
            if value > Dec::one() {
                return Err(Error::sdk(
                    SdkCode::InvalidRequest,
                    format!("{field}: must be between 0 and 1, got {value}"),
                ));
            }
        }
        Ok(())
    }

    /// The params as the protobuf `cosmos.distribution.v1beta1.Params` (the deprecated
    /// proposer rewards are still on the wire).
    #[allow(deprecated)]
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            community_tax: self.community_tax.to_atomics_string(),
            base_proposer_reward: self.base_proposer_reward.to_atomics_string(),
            bonus_proposer_reward: self.bonus_proposer_reward.to_atomics_string(),
            withdraw_addr_enabled: self.withdraw_addr_enabled,
        }
    }

    /// Reads and validates the protobuf params.
    #[allow(deprecated)]
    pub fn from_proto(p: &pb::Params) -> Result<Self> {
        let params = Self {
            community_tax: Dec::from_atomics_str(&p.community_tax)?,
            base_proposer_reward: Dec::from_atomics_str(&p.base_proposer_reward)?,
            bonus_proposer_reward: Dec::from_atomics_str(&p.bonus_proposer_reward)?,
            withdraw_addr_enabled: p.withdraw_addr_enabled,
        };
        params.validate()?;
        Ok(params)
    }
}
