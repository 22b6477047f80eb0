//! The market's params, with defaults; changed only by `MsgUpdateParams` from the authority.

use agora_core::{validate_denom, Coin, Result};
use agora_proto::agora::market::v1 as pb;
use agora_proto::tendermint::google::protobuf::Duration;

use crate::errors::MarketCode;

/// The market's params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// The least bond a provider locks; its denom is the market's.
    pub min_provider_bond: Coin,
    /// Seconds a deregistering provider's bond stays locked.
    pub provider_unbonding_seconds: u64,
}

impl Default for Params {
    /// 100 AGR of bond, returned 7 days after deregistering.
    fn default() -> Self {
        Self {
            min_provider_bond: Coin::new(100_000_000, "uagr"),
            provider_unbonding_seconds: 7 * 24 * 3600,
        }
    }
}

impl Params {
    /// Params from their proto, validated.
    pub fn from_proto(p: &pb::Params) -> Result<Self> {
        let invalid = |what: &str| MarketCode::InvalidParams.err(what);
        let bond = p
            .min_provider_bond
            .as_ref()
            .ok_or_else(|| invalid("min_provider_bond is required"))?;
        validate_denom(&bond.denom)
            .map_err(|e| invalid(&format!("min_provider_bond: {}", e.msg)))?;
        let amount = bond
            .amount
            .parse()
            .map_err(|_| invalid("min_provider_bond.amount must be a whole number"))?;
        let unbonding = p
            .provider_unbonding_time
            .as_ref()
            .ok_or_else(|| invalid("provider_unbonding_time is required"))?;
        if unbonding.seconds < 0 || unbonding.nanos != 0 {
            return Err(invalid(
                "provider_unbonding_time must be a whole, non-negative number of seconds",
            ));
        }
        Ok(Self {
            min_provider_bond: Coin::new(amount, bond.denom.clone()),
            provider_unbonding_seconds: unbonding.seconds as u64,
        })
    }

    /// The params as their proto.
    pub fn to_proto(&self) -> pb::Params {
        pb::Params {
            min_provider_bond: Some(proto_coin(&self.min_provider_bond)),
            provider_unbonding_time: Some(Duration {
                seconds: self.provider_unbonding_seconds as i64,
                nanos: 0,
            }),
        }
    }

    /// The market's denom: bonds (and, later, prices and escrow) are in it.
    pub fn denom(&self) -> &str {
        &self.min_provider_bond.denom
    }
}

/// `coin` as `cosmos.base.v1beta1.Coin`.
pub(crate) fn proto_coin(coin: &Coin) -> agora_proto::cosmos::base::v1beta1::Coin {
    agora_proto::cosmos::base::v1beta1::Coin {
        denom: coin.denom.clone(),
        amount: coin.amount.to_string(),
    }
}
