//! `agorad tx staking create-validator | delegate | unbond | cancel-unbond | redelegate` and `agorad query staking validators |
//! validator | delegation | delegations | unbonding-delegation | pool | params`, with the
//! SDK's names and JSON (decimals as `"1.000000000000000000"`, times in RFC 3339).

use agora_app::txjson::{dec_json, dec_proto, pubkey_any, PubKeyJson};
use agora_core::{Address, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use anyhow::{anyhow, bail, Context as _, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use prost::Message;
use serde_json::{json, Value};

use super::args::{parse_address, parse_coins, parse_valoper, NodeArg};
use super::query::page::{self, PageArgs};
use super::response::time_json;
use super::rpc::{query_at, Rpc};
use super::tx::{checked, TxFlags};
use crate::{output, Globals};

/// `agorad tx staking` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum StakingTx {
    /// Creates a validator from a JSON file, as the SDK's `create-validator` reads it:
    /// `{"pubkey": <agorad comet show-validator>, "amount": "1000000uagr", "moniker": "...",
    /// "commission-rate": "0.1", "commission-max-rate": "0.2",
    /// "commission-max-change-rate": "0.01", "min-self-delegation": "1"}` (and optional
    /// "identity", "website", "security", "details").
    CreateValidator {
        /// The validator JSON file.
        file: std::path::PathBuf,
        /// The operator's key: the validator is its account's.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Delegates tokens to a validator.
    Delegate {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Undelegates tokens; they return after the unbonding time.
    Unbond {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Delegates back an unbonding entry (named by its creation height) before it completes.
    CancelUnbond {
        /// The validator (agoravaloper1...).
        validator: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The creation height of the unbonding entry.
        creation_height: u64,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
    /// Moves a delegation from one validator to another at once.
    Redelegate {
        /// The validator delegated to now.
        src: String,
        /// The validator to delegate to.
        dst: String,
        /// The amount, e.g. `1000000uagr`.
        amount: String,
        /// The delegator's key.
        #[arg(long)]
        from: String,
        #[command(flatten)]
        tx: TxFlags,
    },
}

/// The SDK's `create-validator` file.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ValidatorFile {
    pubkey: PubKeyJson,
    amount: String,
    moniker: String,
    #[serde(default)]
    identity: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    security: String,
    #[serde(default)]
    details: String,
    #[serde(rename = "commission-rate")]
    commission_rate: String,
    #[serde(rename = "commission-max-rate")]
    commission_max_rate: String,
    #[serde(rename = "commission-max-change-rate")]
    commission_max_change_rate: String,
    #[serde(rename = "min-self-delegation")]
    min_self_delegation: String,
}

/// The MsgCreateValidator of `file` for the operator `operator`.
#[allow(deprecated)] // delegator_address: empty, as the SDK v0.50 leaves it
fn create_validator_msg(file: &std::path::Path, operator: &Address) -> Result<Any> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let v: ValidatorFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a create-validator file", file.display()))?;
    let msg = pb::MsgCreateValidator {
        description: Some(pb::Description {
            moniker: v.moniker,
            identity: v.identity,
            website: v.website,
            security_contact: v.security,
            details: v.details,
        }),
        commission: Some(pb::CommissionRates {
            rate: dec_proto(&v.commission_rate)?,
            max_rate: dec_proto(&v.commission_max_rate)?,
            max_change_rate: dec_proto(&v.commission_max_change_rate)?,
        }),
        min_self_delegation: v.min_self_delegation,
        delegator_address: String::new(),
        validator_address: operator.to_bech32_with(VALOPER_PREFIX),
        pubkey: Some(pubkey_any(v.pubkey)),
        value: Some(one_coin(&v.amount)?),
    };
    Ok(Any::from_msg(&msg)?)
}

/// One coin, e.g. `1000000uagr`.
fn one_coin(s: &str) -> Result<Coin> {
    let coins = parse_coins(s)?.into_vec();
    let [coin] = coins.as_slice() else {
        bail!("{s:?}: give one amount of one denom, e.g. 1000000uagr");
    };
    Ok(Coin {
        denom: coin.denom.clone(),
        amount: coin.amount.to_string(),
    })
}

impl StakingTx {
    /// Builds the Msg, then prints it unsigned or signs and broadcasts it.
    pub fn run(self, globals: &Globals) -> Result<()> {
        match self {
            StakingTx::CreateValidator { file, from, tx } => tx.run(&from, globals, |operator| {
                checked(vec![create_validator_msg(&file, operator)?])
            }),
            StakingTx::CancelUnbond {
                validator,
                amount,
                creation_height,
                from,
                tx,
            } => {
                let (validator, amount) = (parse_valoper(&validator)?, one_coin(&amount)?);
                let creation_height = i64::try_from(creation_height)?;
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgCancelUnbondingDelegation {
                        delegator_address: delegator.to_string(),
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                        creation_height,
                    })?])
                })
            }
            StakingTx::Delegate {
                validator,
                amount,
                from,
                tx,
            } => {
                let (validator, amount) = (parse_valoper(&validator)?, one_coin(&amount)?);
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgDelegate {
                        delegator_address: delegator.to_string(),
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                    })?])
                })
            }
            StakingTx::Unbond {
                validator,
                amount,
                from,
                tx,
            } => {
                let (validator, amount) = (parse_valoper(&validator)?, one_coin(&amount)?);
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgUndelegate {
                        delegator_address: delegator.to_string(),
                        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                    })?])
                })
            }
            StakingTx::Redelegate {
                src,
                dst,
                amount,
                from,
                tx,
            } => {
                let (src, dst, amount) = (
                    parse_valoper(&src)?,
                    parse_valoper(&dst)?,
                    one_coin(&amount)?,
                );
                tx.run(&from, globals, |delegator| {
                    checked(vec![Any::from_msg(&pb::MsgBeginRedelegate {
                        delegator_address: delegator.to_string(),
                        validator_src_address: src.to_bech32_with(VALOPER_PREFIX),
                        validator_dst_address: dst.to_bech32_with(VALOPER_PREFIX),
                        amount: Some(amount.clone()),
                    })?])
                })
            }
        }
    }
}

/// `agorad query staking` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum StakingQuery {
    /// Every validator, by operator address.
    Validators {
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// One validator.
    Validator {
        /// The validator (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A delegator's delegation to a validator, with its balance.
    Delegation {
        /// The delegator's address.
        delegator: String,
        /// The validator (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Every delegation of a delegator.
    Delegations {
        /// The delegator's address.
        delegator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A delegator's unbonding entries from a validator.
    UnbondingDelegation {
        /// The delegator's address.
        delegator: String,
        /// The validator (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The bonded and not-bonded pools.
    Pool {
        #[command(flatten)]
        node: NodeArg,
    },
    /// The staking params.
    Params {
        #[command(flatten)]
        node: NodeArg,
    },
}

/// A staking query `/cosmos.staking.v1beta1.Query/<method>`.
fn query<Req: Message, Res: Message + Default>(rpc: &Rpc, method: &str, req: Req) -> Result<Res> {
    query_at(rpc, &format!("/cosmos.staking.v1beta1.Query/{method}"), req)
}

impl StakingQuery {
    /// Runs the query and prints the answer.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        match self {
            StakingQuery::Validators { page, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let (validators, pagination) = page::fetch(&page, |pagination| {
                    let req = pb::QueryValidatorsRequest {
                        status: String::new(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryValidatorsResponse = query(&rpc, "Validators", req)?;
                    Ok((res.validators, res.pagination))
                })?;
                let validators = validators
                    .iter()
                    .map(validator_json)
                    .collect::<Result<Vec<_>>>()?;
                output::print(
                    &json!({ "validators": validators, "pagination": pagination }),
                    json,
                )
            }
            StakingQuery::Validator { validator, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryValidatorRequest {
                    validator_addr: parse_valoper(&validator)?.to_bech32_with(VALOPER_PREFIX),
                };
                let res: pb::QueryValidatorResponse = query(&rpc, "Validator", req)?;
                let v = res
                    .validator
                    .ok_or_else(|| anyhow!("the node answered no validator"))?;
                output::print(&validator_json(&v)?, json)
            }
            StakingQuery::Delegation {
                delegator,
                validator,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryDelegationRequest {
                    delegator_addr: parse_address(&delegator)?.to_string(),
                    validator_addr: parse_valoper(&validator)?.to_bech32_with(VALOPER_PREFIX),
                };
                let res: pb::QueryDelegationResponse = query(&rpc, "Delegation", req)?;
                let d = res.delegation_response.unwrap_or_default();
                output::print(&delegation_json(&d)?, json)
            }
            StakingQuery::Delegations {
                delegator,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let delegator = parse_address(&delegator)?.to_string();
                let (found, pagination) = page::fetch(&page, |pagination| {
                    let req = pb::QueryDelegatorDelegationsRequest {
                        delegator_addr: delegator.clone(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryDelegatorDelegationsResponse =
                        query(&rpc, "DelegatorDelegations", req)?;
                    Ok((res.delegation_responses, res.pagination))
                })?;
                let found = found
                    .iter()
                    .map(delegation_json)
                    .collect::<Result<Vec<_>>>()?;
                output::print(
                    &json!({ "delegation_responses": found, "pagination": pagination }),
                    json,
                )
            }
            StakingQuery::UnbondingDelegation {
                delegator,
                validator,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryUnbondingDelegationRequest {
                    delegator_addr: parse_address(&delegator)?.to_string(),
                    validator_addr: parse_valoper(&validator)?.to_bech32_with(VALOPER_PREFIX),
                };
                let res: pb::QueryUnbondingDelegationResponse =
                    query(&rpc, "UnbondingDelegation", req)?;
                let u = res.unbond.unwrap_or_default();
                let entries: Vec<Value> = u
                    .entries
                    .iter()
                    .map(|e| {
                        json!({
                            "creation_height": e.creation_height.to_string(),
                            "completion_time": time_json(e.completion_time.as_ref()),
                            "initial_balance": e.initial_balance,
                            "balance": e.balance,
                        })
                    })
                    .collect();
                let out = json!({
                    "delegator_address": u.delegator_address,
                    "validator_address": u.validator_address,
                    "entries": entries,
                });
                output::print(&out, json)
            }
            StakingQuery::Pool { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryPoolResponse = query(&rpc, "Pool", pb::QueryPoolRequest {})?;
                let pool = res.pool.unwrap_or_default();
                let out = json!({
                    "not_bonded_tokens": pool.not_bonded_tokens,
                    "bonded_tokens": pool.bonded_tokens,
                });
                output::print(&out, json)
            }
            StakingQuery::Params { node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let res: pb::QueryParamsResponse =
                    query(&rpc, "Params", pb::QueryParamsRequest {})?;
                let p = res.params.unwrap_or_default();
                let out = json!({
                    "unbonding_time": format!("{}s", p.unbonding_time.unwrap_or_default().seconds),
                    "max_validators": p.max_validators,
                    "max_entries": p.max_entries,
                    "historical_entries": p.historical_entries,
                    "bond_denom": p.bond_denom,
                    "min_commission_rate": dec_json(&p.min_commission_rate)?,
                });
                output::print(&out, json)
            }
        }
    }
}

/// A validator as the SDK's JSON shows it.
fn validator_json(v: &pb::Validator) -> Result<Value> {
    let status = match v.status {
        1 => "BOND_STATUS_UNBONDED",
        2 => "BOND_STATUS_UNBONDING",
        3 => "BOND_STATUS_BONDED",
        _ => "BOND_STATUS_UNSPECIFIED",
    };
    let key = v
        .consensus_pubkey
        .as_ref()
        .map(|k| {
            let raw = agora_proto::cosmos::crypto::ed25519::PubKey::decode(k.value.as_slice())
                .map(|p| p.key)
                .unwrap_or_default();
            json!({ "@type": k.type_url, "key": B64.encode(raw) })
        })
        .unwrap_or(Value::Null);
    let d = v.description.clone().unwrap_or_default();
    let c = v.commission.clone().unwrap_or_default();
    let rates = c.commission_rates.unwrap_or_default();
    Ok(json!({
        "operator_address": v.operator_address,
        "consensus_pubkey": key,
        "jailed": v.jailed,
        "status": status,
        "tokens": v.tokens,
        "delegator_shares": dec_json(&v.delegator_shares)?,
        "description": {
            "moniker": d.moniker,
            "identity": d.identity,
            "website": d.website,
            "security_contact": d.security_contact,
            "details": d.details,
        },
        "unbonding_height": v.unbonding_height.to_string(),
        "unbonding_time": time_json(v.unbonding_time.as_ref()),
        "commission": {
            "commission_rates": {
                "rate": dec_json(&rates.rate)?,
                "max_rate": dec_json(&rates.max_rate)?,
                "max_change_rate": dec_json(&rates.max_change_rate)?,
            },
            "update_time": time_json(c.update_time.as_ref()),
        },
        "min_self_delegation": v.min_self_delegation,
    }))
}

/// A delegation with its balance as the SDK's JSON shows it.
fn delegation_json(d: &pb::DelegationResponse) -> Result<Value> {
    let delegation = d.delegation.clone().unwrap_or_default();
    let balance = d.balance.clone().unwrap_or_default();
    Ok(json!({
        "delegation": {
            "delegator_address": delegation.delegator_address,
            "validator_address": delegation.validator_address,
            "shares": dec_json(&delegation.shares)?,
        },
        "balance": { "denom": balance.denom, "amount": balance.amount },
    }))
}
