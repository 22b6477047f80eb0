//! Staking and distribution Msgs as tests and benchmarks send them.

use agora_core::{Address, Dec, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::distribution::v1beta1::MsgWithdrawDelegatorReward;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

fn uagr(amount: u128) -> Option<ProtoCoin> {
    Some(ProtoCoin {
        denom: agora_core::BOND_DENOM.into(),
        amount: amount.to_string(),
    })
}

/// A `MsgCreateValidator` of `operator` with ed25519 consensus key `consensus_key`, a self
/// delegation of `amount` uagr, commission `rate` (also its max rate; max change 0.01) and a
/// minimum self delegation of 1.
pub fn create_validator(operator: &Address, consensus_key: &[u8], amount: u128, rate: Dec) -> Any {
    #[allow(deprecated)] // delegator_address: empty, as the SDK v0.50 leaves it
    let msg = pb::MsgCreateValidator {
        description: Some(pb::Description {
            moniker: format!("validator-{}", &operator.to_string()[6..12]),
            ..Default::default()
        }),
        commission: Some(pb::CommissionRates {
            rate: rate.to_atomics_string(),
            max_rate: rate
                .max(Dec::from_ratio(1, 100).expect("0.01"))
                .to_atomics_string(),
            max_change_rate: Dec::from_ratio(1, 100).expect("0.01").to_atomics_string(),
        }),
        min_self_delegation: "1".into(),
        delegator_address: String::new(),
        validator_address: operator.to_bech32_with(VALOPER_PREFIX),
        pubkey: Some(agora_staking::consensus_pubkey_any(consensus_key)),
        value: uagr(amount),
    };
    Any {
        type_url: agora_staking::MSG_CREATE_VALIDATOR_TYPE_URL.into(),
        value: msg.encode_to_vec(),
    }
}

/// A `MsgDelegate` of `amount` uagr from `delegator` to the validator operated by `operator`.
pub fn delegate(delegator: &Address, operator: &Address, amount: u128) -> Any {
    Any {
        type_url: agora_staking::MSG_DELEGATE_TYPE_URL.into(),
        value: pb::MsgDelegate {
            delegator_address: delegator.to_string(),
            validator_address: operator.to_bech32_with(VALOPER_PREFIX),
            amount: uagr(amount),
        }
        .encode_to_vec(),
    }
}

/// A `MsgWithdrawDelegatorReward` of `delegator`'s rewards from `operator`'s validator.
pub fn withdraw_rewards(delegator: &Address, operator: &Address) -> Any {
    Any {
        type_url: agora_distribution::MSG_WITHDRAW_REWARD_TYPE_URL.into(),
        value: MsgWithdrawDelegatorReward {
            delegator_address: delegator.to_string(),
            validator_address: operator.to_bech32_with(VALOPER_PREFIX),
        }
        .encode_to_vec(),
    }
}

/// A `MsgUndelegate` of `amount` uagr of `delegator`'s delegation to `operator`.
pub fn undelegate(delegator: &Address, operator: &Address, amount: u128) -> Any {
    Any {
        type_url: agora_staking::MSG_UNDELEGATE_TYPE_URL.into(),
        value: pb::MsgUndelegate {
            delegator_address: delegator.to_string(),
            validator_address: operator.to_bech32_with(VALOPER_PREFIX),
            amount: uagr(amount),
        }
        .encode_to_vec(),
    }
}

/// A `MsgBeginRedelegate` of `amount` uagr of `delegator`'s delegation from `src` to `dst`.
pub fn redelegate(delegator: &Address, src: &Address, dst: &Address, amount: u128) -> Any {
    Any {
        type_url: agora_staking::MSG_REDELEGATE_TYPE_URL.into(),
        value: pb::MsgBeginRedelegate {
            delegator_address: delegator.to_string(),
            validator_src_address: src.to_bech32_with(VALOPER_PREFIX),
            validator_dst_address: dst.to_bech32_with(VALOPER_PREFIX),
            amount: uagr(amount),
        }
        .encode_to_vec(),
    }
}

/// A `MsgUnjail` of the validator operated by `operator`.
pub fn unjail(operator: &Address) -> Any {
    Any {
        type_url: agora_slashing::MSG_UNJAIL_TYPE_URL.into(),
        value: agora_proto::cosmos::slashing::v1beta1::MsgUnjail {
            validator_addr: operator.to_bech32_with(VALOPER_PREFIX),
        }
        .encode_to_vec(),
    }
}
