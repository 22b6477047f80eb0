//! Staking params, SDK v0.50 defaults, validated; JSON as the SDK writes it.

use agora_core::{validate_denom, Dec, Error, Result, SdkCode, BOND_DENOM};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Duration;
use serde::{Deserialize, Serialize};

/// Staking params.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// How long unbonding takes, in whole seconds (JSON `"1814400s"`).
    #[serde(with = "agora_core::seconds_string")]
    pub unbonding_time: u64,
    /// The most validators in the bonded set.
    pub max_validators: u32,
    /// The most unbonding or redelegation entries per pair.
    pub max_entries: u32,
    /// How many past headers are kept for IBC.
    pub historical_entries: u32,
    /// The staking denom.
    pub bond_denom: String,
    /// The lowest commission rate a validator may set.
    pub min_commission_rate: Dec,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            unbonding_time: 21 * 24 * 3600,
            max_validators: 100,
            max_entries: 7,
            historical_entries: 10_000,
            bond_denom: BOND_DENOM.into(),
            min_commission_rate: Dec::zero(),
        }
    }
}

impl Params {
    /// The SDK's `Params.Validate`; errors name the field.
    pub fn validate(&self) -> Result<()> {
        let invalid = |detail: &str| Error::sdk(SdkCode::InvalidRequest, detail);
        if self.unbonding_time == 0 {
            return Err(invalid("unbonding_time: must be positive"));
        }
        if self.max_validators == 0 {
            return Err(invalid("max_validators: must be positive"));
        }
        if self.max_entries == 0 {
            return Err(invalid("max_entries: must be positive"));
        }
        validate_denom(&self.bond_denom).map_err(|e| invalid(&format!("bond_denom: {}", e.msg)))?;
        if self.min_commission_rate > Dec::one() {
            return Err(invalid("min_commission_rate: cannot be greater than 100%"));
        }
        Ok(())
    }

    /// The params as the protobuf `cosmos.staking.v1beta1.Params`.
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            unbonding_time: Some(Duration {
                seconds: self.unbonding_time as i64,
                nanos: 0,
            }),
            max_validators: self.max_validators,
            max_entries: self.max_entries,
            historical_entries: self.historical_entries,
            bond_denom: self.bond_denom.clone(),
            min_commission_rate: self.min_commission_rate.to_atomics_string(),
        }
    }

    /// The params of a protobuf `Params` (not yet validated); sub-second unbonding times are
    /// refused.
    pub fn from_proto(p: &pb::Params) -> Result<Self> {
        let time = p.unbonding_time.unwrap_or_default();
        if time.nanos != 0 || time.seconds < 0 {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                "unbonding_time: must be a whole number of seconds",
            ));
        }
        Ok(Self {
            unbonding_time: time.seconds as u64,
            max_validators: p.max_validators,
            max_entries: p.max_entries,
            historical_entries: p.historical_entries,
            bond_denom: p.bond_denom.clone(),
            min_commission_rate: Dec::from_atomics_str(&p.min_commission_rate)?,
        })
    }
}
