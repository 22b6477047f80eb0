//! `agorad tx distribution withdraw-rewards | withdraw-all-rewards | set-withdraw-addr |
//! fund-community-pool`, `agorad query distribution rewards | commission | community-pool |
//! params | validator-outstanding-rewards | slashes | withdraw-addr` and `agorad query mint
//! inflation | annual-provisions | params`, with gaiad's names and the SDK's JSON (DecCoins as
//! `{"denom":"uagr","amount":"882.000000000000000000"}`).

use agora_app::txjson::dec_json;
use agora_core::{Address, DecCoins, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::{Coin, DecCoin};
use agora_proto::cosmos::distribution::v1beta1 as pb;
use agora_proto::cosmos::mint::v1beta1 as mint;
use agora_proto::Any;
use anyhow::{anyhow, bail, Result};
use prost::Message;
use serde_json::{json, Value};

use super::args::{parse_address, parse_coins, parse_valoper, NodeArg};
use super::response::dec_bytes;
use super::rpc::{query_at, Rpc};
use super::tx::{checked, TxFlags};
use crate::{output, Globals};

/// `agorad tx distribution` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DistributionTx {
    /// Withdraws the rewards of a delegation (and, with --commission, the validator's
    /// commission when the signer is its operator).
    WithdrawRewards {
        /// The validator (agoravaloper1...).
        validator: String,
        /// Also withdraw the validator's commission.
        #[arg(long)]
        commission: bool,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Withdraws the rewards of every delegation of the signer.
    WithdrawAllRewards {
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Sets the address rewards are withdrawn to.
    SetWithdrawAddr {
        /// The withdraw address.
        address: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Sends coins to the community pool.
    FundCommunityPool {
        /// Coins, e.g. `1000uagr`.
        amount: String,
        /// The depositor's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
}

fn withdraw_reward(delegator: &Address, validator: &Address) -> Result<Any> {
    Ok(Any::from_msg(&pb::MsgWithdrawDelegatorReward {
        delegator_address: delegator.to_string(),
        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
    })?)
}

impl DistributionTx {
    /// Builds the Msgs, then prints them unsigned or signs and broadcasts them.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            DistributionTx::WithdrawRewards {
                validator,
                commission,
                from,
                tx,
            } => {
                let validator = parse_valoper(&validator)?;
                tx.run(&from, globals, |delegator| {
                    let mut msgs = vec![withdraw_reward(delegator, &validator)?];
                    if commission {
                        msgs.push(Any::from_msg(&pb::MsgWithdrawValidatorCommission {
                            validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        })?);
                    }
                    checked(msgs)
                })
            }
            DistributionTx::WithdrawAllRewards { from, tx } => {
                tx.run(&from, globals, |delegator| {
                    let rpc = tx.rpc(globals)?.ok_or_else(|| {
                        anyhow!("withdraw-all-rewards asks the node for the delegations: not with --offline")
                    })?;
                    let res: pb::QueryDelegatorValidatorsResponse = query(
                        &rpc,
                        "DelegatorValidators",
                        pb::QueryDelegatorValidatorsRequest {
                            delegator_address: delegator.to_string(),
                        },
                    )?;
                    if res.validators.is_empty() {
                        bail!("{delegator} has no delegations");
                    }
                    let msgs = res
                        .validators
                        .iter()
                        .map(|v| withdraw_reward(delegator, &parse_valoper(v)?))
                        .collect::<Result<Vec<_>>>()?;
                    checked(msgs)
                })
            }
            DistributionTx::SetWithdrawAddr {
                address,
                from,
                tx,
            } => {
                let to = parse_address(&address)?;
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgSetWithdrawAddress {
                        delegator_address: delegator.to_string(),
                        withdraw_address: to.to_string(),
                    })?])
                })
            }
            DistributionTx::FundCommunityPool { amount, from, tx } => {
                let amount: Vec<Coin> = parse_coins(&amount)?
                    .into_vec()
                    .into_iter()
                    .map(|c| Coin {
                        denom: c.denom,
                        amount: c.amount.to_string(),
                    })
                    .collect();
                if amount.is_empty() {
                    bail!("give an amount to fund the community pool with, e.g. 1000uagr");
                }
                tx.run(&from, globals, |depositor| {
                    checked(vec![Any::from_msg(&pb::MsgFundCommunityPool {
                        amount: amount.clone(),
                        depositor: depositor.to_string(),
                    })?])
                })
            }
        }
    }
}

/// `agorad query distribution` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DistributionQuery {
    /// A delegator's rewards: of every delegation, or of one validator's.
    Rewards {
        /// The delegator's address.
        delegator: String,
        /// The validator (agoravaloper1...), for one delegation's rewards.
        validator: Option<String>,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A validator's accumulated commission.
    Commission {
        /// The validator (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The community pool.
    CommunityPool {
        #[command(flatten)]
        node: NodeArg,
    },
    /// The distribution params.
    Params {
        #[command(flatten)]
        node: NodeArg,
    },
    /// A validator's outstanding (not yet withdrawn) rewards.
    ValidatorOutstandingRewards {
        /// The validator (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A validator's slashes between two heights.
    Slashes {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The first height.
        start_height: u64,
        /// The last height.
        end_height: u64,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The address a delegator's rewards are withdrawn to.
    WithdrawAddr {
        /// The delegator's address.
        delegator: String,
        #[command(flatten)]
        node: NodeArg,
    },
}

/// A distribution query `/cosmos.distribution.v1beta1.Query/<method>`.
fn query<Req: Message, Res: Message + Default>(rpc: &Rpc, method: &str, req: Req) -> Result<Res> {
    query_at(
        rpc,
        &format!("/cosmos.distribution.v1beta1.Query/{method}"),
        req,
    )
}

/// A decimal that may be empty (zero) in protobuf.
fn dec_or_zero(units: &str) -> Result<String> {
    dec_json(if units.is_empty() { "0" } else { units })
}

/// DecCoins as the SDK's JSON shows them.
fn dec_coins(coins: &[DecCoin]) -> Result<Value> {
    let coins = DecCoins::from_proto(coins).map_err(|e| anyhow!("{}", e.msg))?;
    Ok(serde_json::to_value(&coins)?)
}

impl DistributionQuery {
    /// Runs the query and prints the answer.
    #[allow(deprecated)] // the proposer rewards: printed as the SDK still prints them
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        match self {
            DistributionQuery::Rewards {
                delegator,
                validator,
                node,
            } => {
                let delegator = parse_address(&delegator)?.to_string();
                let validator = validator.as_deref().map(parse_valoper).transpose()?;
                let rpc = Rpc::new(&node.url(globals))?;
                let out = match validator {
                    Some(v) => {
                        let res: pb::QueryDelegationRewardsResponse = query(
                            &rpc,
                            "DelegationRewards",
                            pb::QueryDelegationRewardsRequest {
                                delegator_address: delegator,
                                validator_address: v.to_bech32_with(VALOPER_PREFIX),
                            },
                        )?;
                        json!({ "rewards": dec_coins(&res.rewards)? })
                    }
                    None => {
                        let res: pb::QueryDelegationTotalRewardsResponse = query(
                            &rpc,
                            "DelegationTotalRewards",
                            pb::QueryDelegationTotalRewardsRequest {
                                delegator_address: delegator,
                            },
                        )?;
                        let rewards = res
                            .rewards
                            .iter()
                            .map(|r| {
                                Ok(json!({
                                    "validator_address": r.validator_address,
                                    "reward": dec_coins(&r.reward)?,
                                }))
                            })
                            .collect::<Result<Vec<_>>>()?;
                        json!({ "rewards": rewards, "total": dec_coins(&res.total)? })
                    }
                };
                output::print(&out, json)
            }
            DistributionQuery::Commission { validator, node } => {
                let validator = parse_valoper(&validator)?;
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryValidatorCommissionResponse = query(
                    &rpc,
                    "ValidatorCommission",
                    pb::QueryValidatorCommissionRequest {
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                    },
                )?;
                let c = res.commission.unwrap_or_default();
                output::print(
                    &json!({ "commission": { "commission": dec_coins(&c.commission)? } }),
                    json,
                )
            }
            DistributionQuery::CommunityPool { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryCommunityPoolResponse =
                    query(&rpc, "CommunityPool", pb::QueryCommunityPoolRequest {})?;
                output::print(&json!({ "pool": dec_coins(&res.pool)? }), json)
            }
            DistributionQuery::Params { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryParamsResponse =
                    query(&rpc, "Params", pb::QueryParamsRequest {})?;
                let p = res.params.unwrap_or_default();
                let out = json!({
                    "community_tax": dec_json(&p.community_tax)?,
                    "base_proposer_reward": dec_or_zero(&p.base_proposer_reward)?,
                    "bonus_proposer_reward": dec_or_zero(&p.bonus_proposer_reward)?,
                    "withdraw_addr_enabled": p.withdraw_addr_enabled,
                });
                output::print(&out, json)
            }
            DistributionQuery::ValidatorOutstandingRewards { validator, node } => {
                let validator = parse_valoper(&validator)?;
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryValidatorOutstandingRewardsResponse = query(
                    &rpc,
                    "ValidatorOutstandingRewards",
                    pb::QueryValidatorOutstandingRewardsRequest {
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                    },
                )?;
                let r = res.rewards.unwrap_or_default();
                output::print(
                    &json!({ "rewards": { "rewards": dec_coins(&r.rewards)? } }),
                    json,
                )
            }
            DistributionQuery::Slashes {
                validator,
                start_height,
                end_height,
                node,
            } => {
                let validator = parse_valoper(&validator)?;
                if end_height < start_height {
                    bail!("the start height {start_height} is after the end height {end_height}");
                }
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryValidatorSlashesResponse = query(
                    &rpc,
                    "ValidatorSlashes",
                    pb::QueryValidatorSlashesRequest {
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        starting_height: start_height,
                        ending_height: end_height,
                        pagination: None,
                    },
                )?;
                let slashes = res
                    .slashes
                    .iter()
                    .map(|s| {
                        Ok(json!({
                            "validator_period": s.validator_period.to_string(),
                            "fraction": dec_json(&s.fraction)?,
                        }))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let pagination = res
                    .pagination
                    .map(|p| json!({ "next_key": Value::Null, "total": p.total.to_string() }));
                output::print(
                    &json!({ "slashes": slashes, "pagination": pagination }),
                    json,
                )
            }
            DistributionQuery::WithdrawAddr { delegator, node } => {
                let delegator = parse_address(&delegator)?.to_string();
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryDelegatorWithdrawAddressResponse = query(
                    &rpc,
                    "DelegatorWithdrawAddress",
                    pb::QueryDelegatorWithdrawAddressRequest {
                        delegator_address: delegator,
                    },
                )?;
                output::print(&json!({ "withdraw_address": res.withdraw_address }), json)
            }
        }
    }
}

/// `agorad query mint` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum MintQuery {
    /// The current inflation rate.
    Inflation {
        #[command(flatten)]
        node: NodeArg,
    },
    /// The current annual provisions.
    AnnualProvisions {
        #[command(flatten)]
        node: NodeArg,
    },
    /// The mint params.
    Params {
        #[command(flatten)]
        node: NodeArg,
    },
}

impl MintQuery {
    /// Runs the query and prints the answer; the two decimals print as the SDK prints them.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let path = |m: &str| format!("/cosmos.mint.v1beta1.Query/{m}");
        match self {
            MintQuery::Inflation { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: mint::QueryInflationResponse =
                    query_at(&rpc, &path("Inflation"), mint::QueryInflationRequest {})?;
                print_dec(&dec_bytes(&res.inflation)?, globals.json)
            }
            MintQuery::AnnualProvisions { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: mint::QueryAnnualProvisionsResponse = query_at(
                    &rpc,
                    &path("AnnualProvisions"),
                    mint::QueryAnnualProvisionsRequest {},
                )?;
                print_dec(&dec_bytes(&res.annual_provisions)?, globals.json)
            }
            MintQuery::Params { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: mint::QueryParamsResponse =
                    query_at(&rpc, &path("Params"), mint::QueryParamsRequest {})?;
                let p = res.params.unwrap_or_default();
                let out = json!({
                    "mint_denom": p.mint_denom,
                    "inflation_rate_change": dec_json(&p.inflation_rate_change)?,
                    "inflation_max": dec_json(&p.inflation_max)?,
                    "inflation_min": dec_json(&p.inflation_min)?,
                    "goal_bonded": dec_json(&p.goal_bonded)?,
                    "blocks_per_year": p.blocks_per_year.to_string(),
                });
                output::print(&out, globals.json)
            }
        }
    }
}

/// A decimal answer: the bare decimal as text; with `-o json`, the JSON string (the SDK v0.50
/// prints the bare decimal either way).
fn print_dec(dec: &str, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(dec)?);
    } else {
        println!("{dec}");
    }
    Ok(())
}
