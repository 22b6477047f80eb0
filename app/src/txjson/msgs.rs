//! The messages the CLI builds, as the SDK's JSON: MsgSend, MsgMultiSend, MsgCreateValidator,
//! MsgEditValidator, MsgDelegate, MsgUndelegate, MsgCancelUnbondingDelegation, MsgBeginRedelegate, and
//! distribution's MsgSetWithdrawAddress, MsgWithdrawDelegatorReward,
//! MsgWithdrawValidatorCommission, MsgFundCommunityPool, and slashing's MsgUnjail.

use agora_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::distribution::v1beta1::{
    MsgFundCommunityPool, MsgSetWithdrawAddress, MsgWithdrawDelegatorReward,
    MsgWithdrawValidatorCommission,
};
use agora_proto::cosmos::slashing::v1beta1::MsgUnjail;
use agora_proto::cosmos::staking::v1beta1::{
    CommissionRates, Description, MsgBeginRedelegate, MsgCancelUnbondingDelegation,
    MsgCreateValidator, MsgDelegate, MsgEditValidator, MsgUndelegate,
};
use agora_proto::Any;
use anyhow::{anyhow, Result};
use prost::Message;
use serde::{Deserialize, Serialize};

use super::fields::{coins_json, coins_proto, pubkey_any, CoinJson, PubKeyJson};

const MSG_SEND: &str = "/cosmos.bank.v1beta1.MsgSend";
const MSG_MULTI_SEND: &str = "/cosmos.bank.v1beta1.MsgMultiSend";
const MSG_CREATE_VALIDATOR: &str = "/cosmos.staking.v1beta1.MsgCreateValidator";
const MSG_EDIT_VALIDATOR: &str = "/cosmos.staking.v1beta1.MsgEditValidator";
const MSG_DELEGATE: &str = "/cosmos.staking.v1beta1.MsgDelegate";
const MSG_UNDELEGATE: &str = "/cosmos.staking.v1beta1.MsgUndelegate";
const MSG_REDELEGATE: &str = "/cosmos.staking.v1beta1.MsgBeginRedelegate";
const MSG_CANCEL_UNBONDING: &str = "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation";
const MSG_SET_WITHDRAW_ADDRESS: &str = "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress";
const MSG_WITHDRAW_REWARD: &str = "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward";
const MSG_WITHDRAW_COMMISSION: &str = "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission";
const MSG_FUND_COMMUNITY_POOL: &str = "/cosmos.distribution.v1beta1.MsgFundCommunityPool";
const MSG_UNJAIL: &str = "/cosmos.slashing.v1beta1.MsgUnjail";

/// A message of a type this CLI builds, tagged with its type URL.
#[derive(Serialize, Deserialize)]
#[serde(tag = "@type")]
pub(super) enum MsgJson {
    #[serde(rename = "/cosmos.bank.v1beta1.MsgSend")]
    Send {
        from_address: String,
        to_address: String,
        amount: Vec<CoinJson>,
    },
    #[serde(rename = "/cosmos.bank.v1beta1.MsgMultiSend")]
    MultiSend {
        inputs: Vec<InOutJson>,
        outputs: Vec<InOutJson>,
    },
    #[serde(rename = "/cosmos.staking.v1beta1.MsgCreateValidator")]
    CreateValidator(Box<CreateValidatorJson>),
    #[serde(rename = "/cosmos.staking.v1beta1.MsgEditValidator")]
    EditValidator {
        description: DescriptionJson,
        validator_address: String,
        /// `null` keeps the rate (the SDK's nil `LegacyDec`).
        commission_rate: Option<String>,
        /// `null` keeps the minimum (the SDK's nil `Int`).
        min_self_delegation: Option<String>,
    },
    #[serde(rename = "/cosmos.staking.v1beta1.MsgDelegate")]
    Delegate(DelegationJson),
    #[serde(rename = "/cosmos.staking.v1beta1.MsgUndelegate")]
    Undelegate(DelegationJson),
    #[serde(rename = "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation")]
    CancelUnbonding {
        delegator_address: String,
        validator_address: String,
        amount: CoinJson,
        creation_height: String,
    },
    #[serde(rename = "/cosmos.staking.v1beta1.MsgBeginRedelegate")]
    Redelegate {
        delegator_address: String,
        validator_src_address: String,
        validator_dst_address: String,
        amount: CoinJson,
    },
    #[serde(rename = "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress")]
    SetWithdrawAddress {
        delegator_address: String,
        withdraw_address: String,
    },
    #[serde(rename = "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward")]
    WithdrawReward {
        delegator_address: String,
        validator_address: String,
    },
    #[serde(rename = "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission")]
    WithdrawCommission { validator_address: String },
    #[serde(rename = "/cosmos.distribution.v1beta1.MsgFundCommunityPool")]
    FundCommunityPool {
        amount: Vec<CoinJson>,
        depositor: String,
    },
    #[serde(rename = "/cosmos.slashing.v1beta1.MsgUnjail")]
    Unjail { validator_addr: String },
}

/// `MsgDelegate`'s and `MsgUndelegate`'s fields.
#[derive(Serialize, Deserialize)]
pub(super) struct DelegationJson {
    delegator_address: String,
    validator_address: String,
    amount: CoinJson,
}

fn coin_json(coin: Option<Coin>) -> CoinJson {
    let coin = coin.unwrap_or_default();
    CoinJson {
        denom: coin.denom,
        amount: coin.amount,
    }
}

fn coin_proto(coin: CoinJson) -> Option<Coin> {
    Some(Coin {
        denom: coin.denom,
        amount: coin.amount,
    })
}

/// `MsgCreateValidator`'s fields.
#[derive(Serialize, Deserialize)]
pub(super) struct CreateValidatorJson {
    description: DescriptionJson,
    commission: CommissionJson,
    min_self_delegation: String,
    #[serde(default)]
    delegator_address: String,
    validator_address: String,
    pubkey: PubKeyJson,
    value: CoinJson,
}

/// An input or output of `MsgMultiSend`.
#[derive(Serialize, Deserialize)]
pub(super) struct InOutJson {
    address: String,
    coins: Vec<CoinJson>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct DescriptionJson {
    moniker: String,
    #[serde(default)]
    identity: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    security_contact: String,
    #[serde(default)]
    details: String,
}

impl From<Description> for DescriptionJson {
    fn from(d: Description) -> Self {
        Self {
            moniker: d.moniker,
            identity: d.identity,
            website: d.website,
            security_contact: d.security_contact,
            details: d.details,
        }
    }
}

impl From<DescriptionJson> for Description {
    fn from(d: DescriptionJson) -> Self {
        Self {
            moniker: d.moniker,
            identity: d.identity,
            website: d.website,
            security_contact: d.security_contact,
            details: d.details,
        }
    }
}

/// Rates as the SDK's JSON shows `LegacyDec`s: `"0.100000000000000000"`.
#[derive(Serialize, Deserialize)]
struct CommissionJson {
    rate: String,
    max_rate: String,
    max_change_rate: String,
}

/// A message in a tx's JSON: one of the forms above, or any other Msg the chain knows as
/// the descriptor codec ([`agora_proto::json`]) writes it.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum MessageJson {
    /// A Msg with a form above.
    Known(MsgJson),
    /// Any other Msg, with its `@type`.
    Other(serde_json::Value),
}

/// Messages as JSON.
pub(super) fn msgs_from_proto(msgs: &[Any]) -> Result<Vec<MessageJson>> {
    msgs.iter()
        .map(|any| match msg_json(any)? {
            Some(known) => Ok(MessageJson::Known(known)),
            None => agora_proto::json::any_json(any)
                .map(MessageJson::Other)
                .map_err(|e| anyhow!("message {}: {e}", any.type_url)),
        })
        .collect()
}

/// Messages from JSON.
pub(super) fn msgs_proto(msgs: Vec<MessageJson>) -> Result<Vec<Any>> {
    msgs.into_iter()
        .map(|m| match m {
            MessageJson::Known(known) => msg_any(known),
            MessageJson::Other(json) => {
                agora_proto::json::any_from_json(&json).map_err(|e| anyhow!("{e}"))
            }
        })
        .collect()
}

#[allow(deprecated)] // delegator_address: kept in the JSON as the SDK keeps it
fn msg_json(any: &Any) -> Result<Option<MsgJson>> {
    let bytes = any.value.as_slice();
    Ok(Some(match any.type_url.as_str() {
        MSG_SEND => {
            let m = MsgSend::decode(bytes)?;
            MsgJson::Send {
                from_address: m.from_address,
                to_address: m.to_address,
                amount: coins_json(&m.amount),
            }
        }
        MSG_MULTI_SEND => {
            let m = MsgMultiSend::decode(bytes)?;
            let io = |v: Vec<(String, Vec<Coin>)>| {
                v.into_iter()
                    .map(|(address, coins)| InOutJson {
                        address,
                        coins: coins_json(&coins),
                    })
                    .collect()
            };
            MsgJson::MultiSend {
                inputs: io(m.inputs.into_iter().map(|i| (i.address, i.coins)).collect()),
                outputs: io(m
                    .outputs
                    .into_iter()
                    .map(|o| (o.address, o.coins))
                    .collect()),
            }
        }
        MSG_CREATE_VALIDATOR => {
            let m = MsgCreateValidator::decode(bytes)?;
            let c = m.commission.unwrap_or_default();
            let value = m
                .value
                .ok_or_else(|| anyhow!("MsgCreateValidator has no value"))?;
            MsgJson::CreateValidator(Box::new(CreateValidatorJson {
                description: m.description.unwrap_or_default().into(),
                commission: CommissionJson {
                    rate: dec_json(&c.rate)?,
                    max_rate: dec_json(&c.max_rate)?,
                    max_change_rate: dec_json(&c.max_change_rate)?,
                },
                min_self_delegation: m.min_self_delegation,
                delegator_address: m.delegator_address,
                validator_address: m.validator_address,
                pubkey: PubKeyJson::from_any(
                    m.pubkey
                        .as_ref()
                        .ok_or_else(|| anyhow!("MsgCreateValidator has no pubkey"))?,
                )?,
                value: CoinJson {
                    denom: value.denom,
                    amount: value.amount,
                },
            }))
        }
        MSG_EDIT_VALIDATOR => {
            let m = MsgEditValidator::decode(bytes)?;
            MsgJson::EditValidator {
                description: m.description.unwrap_or_default().into(),
                validator_address: m.validator_address,
                commission_rate: (!m.commission_rate.is_empty())
                    .then(|| dec_json(&m.commission_rate))
                    .transpose()?,
                min_self_delegation: (!m.min_self_delegation.is_empty())
                    .then_some(m.min_self_delegation),
            }
        }
        MSG_DELEGATE => {
            let m = MsgDelegate::decode(bytes)?;
            MsgJson::Delegate(DelegationJson {
                delegator_address: m.delegator_address,
                validator_address: m.validator_address,
                amount: coin_json(m.amount),
            })
        }
        MSG_UNDELEGATE => {
            let m = MsgUndelegate::decode(bytes)?;
            MsgJson::Undelegate(DelegationJson {
                delegator_address: m.delegator_address,
                validator_address: m.validator_address,
                amount: coin_json(m.amount),
            })
        }
        MSG_CANCEL_UNBONDING => {
            let m = MsgCancelUnbondingDelegation::decode(bytes)?;
            MsgJson::CancelUnbonding {
                delegator_address: m.delegator_address,
                validator_address: m.validator_address,
                amount: coin_json(m.amount),
                creation_height: m.creation_height.to_string(),
            }
        }
        MSG_REDELEGATE => {
            let m = MsgBeginRedelegate::decode(bytes)?;
            MsgJson::Redelegate {
                delegator_address: m.delegator_address,
                validator_src_address: m.validator_src_address,
                validator_dst_address: m.validator_dst_address,
                amount: coin_json(m.amount),
            }
        }
        MSG_SET_WITHDRAW_ADDRESS => {
            let m = MsgSetWithdrawAddress::decode(bytes)?;
            MsgJson::SetWithdrawAddress {
                delegator_address: m.delegator_address,
                withdraw_address: m.withdraw_address,
            }
        }
        MSG_WITHDRAW_REWARD => {
            let m = MsgWithdrawDelegatorReward::decode(bytes)?;
            MsgJson::WithdrawReward {
                delegator_address: m.delegator_address,
                validator_address: m.validator_address,
            }
        }
        MSG_WITHDRAW_COMMISSION => {
            let m = MsgWithdrawValidatorCommission::decode(bytes)?;
            MsgJson::WithdrawCommission {
                validator_address: m.validator_address,
            }
        }
        MSG_FUND_COMMUNITY_POOL => {
            let m = MsgFundCommunityPool::decode(bytes)?;
            MsgJson::FundCommunityPool {
                amount: coins_json(&m.amount),
                depositor: m.depositor,
            }
        }
        MSG_UNJAIL => MsgJson::Unjail {
            validator_addr: MsgUnjail::decode(bytes)?.validator_addr,
        },
        _ => return Ok(None),
    }))
}

#[allow(deprecated)] // delegator_address: kept in the JSON as the SDK keeps it
fn msg_any(msg: MsgJson) -> Result<Any> {
    Ok(match msg {
        MsgJson::Send {
            from_address,
            to_address,
            amount,
        } => Any::from_msg(&MsgSend {
            from_address,
            to_address,
            amount: coins_proto(amount),
        })?,
        MsgJson::MultiSend { inputs, outputs } => Any::from_msg(&MsgMultiSend {
            inputs: inputs
                .into_iter()
                .map(|i| Input {
                    address: i.address,
                    coins: coins_proto(i.coins),
                })
                .collect(),
            outputs: outputs
                .into_iter()
                .map(|o| Output {
                    address: o.address,
                    coins: coins_proto(o.coins),
                })
                .collect(),
        })?,
        MsgJson::CreateValidator(msg) => {
            let CreateValidatorJson {
                description,
                commission,
                min_self_delegation,
                delegator_address,
                validator_address,
                pubkey,
                value,
            } = *msg;
            Any::from_msg(&MsgCreateValidator {
                description: Some(description.into()),
                commission: Some(CommissionRates {
                    rate: dec_proto(&commission.rate)?,
                    max_rate: dec_proto(&commission.max_rate)?,
                    max_change_rate: dec_proto(&commission.max_change_rate)?,
                }),
                min_self_delegation,
                delegator_address,
                validator_address,
                pubkey: Some(pubkey_any(pubkey)),
                value: Some(Coin {
                    denom: value.denom,
                    amount: value.amount,
                }),
            })?
        }
        MsgJson::EditValidator {
            description,
            validator_address,
            commission_rate,
            min_self_delegation,
        } => Any::from_msg(&MsgEditValidator {
            description: Some(description.into()),
            validator_address,
            commission_rate: commission_rate
                .map(|rate| dec_proto(&rate))
                .transpose()?
                .unwrap_or_default(),
            min_self_delegation: min_self_delegation.unwrap_or_default(),
        })?,
        MsgJson::Delegate(d) => Any::from_msg(&MsgDelegate {
            delegator_address: d.delegator_address,
            validator_address: d.validator_address,
            amount: coin_proto(d.amount),
        })?,
        MsgJson::Undelegate(d) => Any::from_msg(&MsgUndelegate {
            delegator_address: d.delegator_address,
            validator_address: d.validator_address,
            amount: coin_proto(d.amount),
        })?,
        MsgJson::CancelUnbonding {
            delegator_address,
            validator_address,
            amount,
            creation_height,
        } => Any::from_msg(&MsgCancelUnbondingDelegation {
            delegator_address,
            validator_address,
            amount: coin_proto(amount),
            creation_height: creation_height
                .parse()
                .map_err(|_| anyhow!("creation_height {creation_height:?} is not an integer"))?,
        })?,
        MsgJson::Redelegate {
            delegator_address,
            validator_src_address,
            validator_dst_address,
            amount,
        } => Any::from_msg(&MsgBeginRedelegate {
            delegator_address,
            validator_src_address,
            validator_dst_address,
            amount: coin_proto(amount),
        })?,
        MsgJson::SetWithdrawAddress {
            delegator_address,
            withdraw_address,
        } => Any::from_msg(&MsgSetWithdrawAddress {
            delegator_address,
            withdraw_address,
        })?,
        MsgJson::WithdrawReward {
            delegator_address,
            validator_address,
        } => Any::from_msg(&MsgWithdrawDelegatorReward {
            delegator_address,
            validator_address,
        })?,
        MsgJson::WithdrawCommission { validator_address } => {
            Any::from_msg(&MsgWithdrawValidatorCommission { validator_address })?
        }
        MsgJson::FundCommunityPool { amount, depositor } => Any::from_msg(&MsgFundCommunityPool {
            amount: coins_proto(amount),
            depositor,
        })?,
        MsgJson::Unjail { validator_addr } => Any::from_msg(&MsgUnjail { validator_addr })?,
    })
}

/// A `LegacyDec` as protobuf carries it (the integer of 10^-18 units, `"100000000000000000"`)
/// to its JSON form (`"0.100000000000000000"`).
pub fn dec_json(units: &str) -> Result<String> {
    agora_proto::json::legacy_dec_text(units).map_err(|e| anyhow!(e))
}

/// A decimal in JSON (`"0.1"` or `"0.100000000000000000"`) to its protobuf form.
pub fn dec_proto(dec: &str) -> Result<String> {
    agora_proto::json::legacy_dec_atomics(dec).map_err(|e| anyhow!(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_convert_both_ways() {
        assert_eq!(dec_proto("0.1").unwrap(), "100000000000000000");
        assert_eq!(dec_proto("1").unwrap(), "1000000000000000000");
        assert_eq!(dec_proto("0").unwrap(), "0");
        assert_eq!(dec_json("0").unwrap(), "0.000000000000000000");
        assert_eq!(
            dec_json("1500000000000000000").unwrap(),
            "1.500000000000000000"
        );
        assert!(dec_proto("-0.1").is_err());
        assert!(dec_proto("0.1234567890123456789").is_err());
    }
}
