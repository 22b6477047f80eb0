//! `agorad query staking validators | validator | delegation | delegations | delegations-to |
//! unbonding-delegation | unbonding-delegations | unbonding-delegations-from | redelegation |
//! redelegations | redelegations-from | delegator-validators | delegator-validator | pool |
//! params | historical-info`, with gaiad's names and the SDK's JSON.

use agora_core::VALOPER_PREFIX;
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use agora_proto::cosmos::staking::v1beta1 as pb;
use anyhow::{anyhow, Result};
use prost::Message;
use serde_json::{json, Value};

use super::super::args::{parse_address, parse_valoper, NodeArg};
use super::super::query::page::{self, PageArgs};
use super::super::rpc::{query_at, Rpc};
use super::json::{
    delegation_json, historical_info_json, params_json, redelegation_json, unbonding_json,
    validator_json,
};
use crate::{output, Globals};

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
    /// Every delegation to a validator.
    DelegationsTo {
        /// The validator (agoravaloper1...).
        validator: String,
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
    /// Every unbonding delegation of a delegator.
    UnbondingDelegations {
        /// The delegator's address.
        delegator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Every unbonding delegation from a validator.
    UnbondingDelegationsFrom {
        /// The validator (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A delegator's redelegation from one validator to another.
    Redelegation {
        /// The delegator's address.
        delegator: String,
        /// The validator redelegated from (agoravaloper1...).
        src: String,
        /// The validator redelegated to (agoravaloper1...).
        dst: String,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Every redelegation of a delegator.
    Redelegations {
        /// The delegator's address.
        delegator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// Every redelegation away from a validator.
    RedelegationsFrom {
        /// The validator redelegated from (agoravaloper1...).
        validator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// The validators a delegator delegates to.
    DelegatorValidators {
        /// The delegator's address.
        delegator: String,
        #[command(flatten)]
        page: PageArgs,
        #[command(flatten)]
        node: NodeArg,
    },
    /// A validator the delegator delegates to.
    DelegatorValidator {
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
    /// The header and bonded validators staking recorded at a height (the last
    /// `historical_entries` heights are kept).
    HistoricalInfo {
        /// The block height.
        height: u64,
        #[command(flatten)]
        node: NodeArg,
    },
}

/// A staking query `/cosmos.staking.v1beta1.Query/<method>`.
fn query<Req: Message, Res: Message + Default>(rpc: &Rpc, method: &str, req: Req) -> Result<Res> {
    query_at(rpc, &format!("/cosmos.staking.v1beta1.Query/{method}"), req)
}

/// Prints `{<field>: [...], "pagination": ...}` of the pages `args` name, fetched by
/// `one_page`, each item shown by `item_json`.
fn print_list<T>(
    globals: &Globals,
    args: &PageArgs,
    field: &str,
    one_page: impl FnMut(PageRequest) -> Result<(Vec<T>, Option<PageResponse>)>,
    item_json: impl Fn(&T) -> Result<Value>,
) -> Result<()> {
    let (items, pagination) = page::fetch(args, one_page)?;
    let items = items.iter().map(item_json).collect::<Result<Vec<_>>>()?;
    let mut out = serde_json::Map::new();
    out.insert(field.to_string(), Value::Array(items));
    out.insert("pagination".into(), serde_json::to_value(pagination)?);
    output::print(&Value::Object(out), globals.json)
}

/// A valoper argument in the form requests carry it.
fn valoper(s: &str) -> Result<String> {
    Ok(parse_valoper(s)?.to_bech32_with(VALOPER_PREFIX))
}

/// An account address argument in the form requests carry it.
fn account(s: &str) -> Result<String> {
    Ok(parse_address(s)?.to_string())
}

impl StakingQuery {
    /// Runs the query and prints the answer.
    pub fn run(self, globals: &Globals) -> Result<()> {
        let json = globals.json;
        match self {
            StakingQuery::Validators { page, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let one_page = |pagination| {
                    let req = pb::QueryValidatorsRequest {
                        status: String::new(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryValidatorsResponse = query(&rpc, "Validators", req)?;
                    Ok((res.validators, res.pagination))
                };
                print_list(globals, &page, "validators", one_page, validator_json)
            }
            StakingQuery::Validator { validator, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryValidatorRequest {
                    validator_addr: valoper(&validator)?,
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
                    delegator_addr: account(&delegator)?,
                    validator_addr: valoper(&validator)?,
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
                let delegator = account(&delegator)?;
                let one_page = |pagination| {
                    let req = pb::QueryDelegatorDelegationsRequest {
                        delegator_addr: delegator.clone(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryDelegatorDelegationsResponse =
                        query(&rpc, "DelegatorDelegations", req)?;
                    Ok((res.delegation_responses, res.pagination))
                };
                print_list(
                    globals,
                    &page,
                    "delegation_responses",
                    one_page,
                    delegation_json,
                )
            }
            StakingQuery::DelegationsTo {
                validator,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let validator = valoper(&validator)?;
                let one_page = |pagination| {
                    let req = pb::QueryValidatorDelegationsRequest {
                        validator_addr: validator.clone(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryValidatorDelegationsResponse =
                        query(&rpc, "ValidatorDelegations", req)?;
                    Ok((res.delegation_responses, res.pagination))
                };
                print_list(
                    globals,
                    &page,
                    "delegation_responses",
                    one_page,
                    delegation_json,
                )
            }
            StakingQuery::UnbondingDelegation {
                delegator,
                validator,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryUnbondingDelegationRequest {
                    delegator_addr: account(&delegator)?,
                    validator_addr: valoper(&validator)?,
                };
                let res: pb::QueryUnbondingDelegationResponse =
                    query(&rpc, "UnbondingDelegation", req)?;
                output::print(&unbonding_json(&res.unbond.unwrap_or_default())?, json)
            }
            StakingQuery::UnbondingDelegations {
                delegator,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let delegator = account(&delegator)?;
                let one_page = |pagination| {
                    let req = pb::QueryDelegatorUnbondingDelegationsRequest {
                        delegator_addr: delegator.clone(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryDelegatorUnbondingDelegationsResponse =
                        query(&rpc, "DelegatorUnbondingDelegations", req)?;
                    Ok((res.unbonding_responses, res.pagination))
                };
                print_list(
                    globals,
                    &page,
                    "unbonding_responses",
                    one_page,
                    unbonding_json,
                )
            }
            StakingQuery::UnbondingDelegationsFrom {
                validator,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let validator = valoper(&validator)?;
                let one_page = |pagination| {
                    let req = pb::QueryValidatorUnbondingDelegationsRequest {
                        validator_addr: validator.clone(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryValidatorUnbondingDelegationsResponse =
                        query(&rpc, "ValidatorUnbondingDelegations", req)?;
                    Ok((res.unbonding_responses, res.pagination))
                };
                print_list(
                    globals,
                    &page,
                    "unbonding_responses",
                    one_page,
                    unbonding_json,
                )
            }
            StakingQuery::Redelegation {
                delegator,
                src,
                dst,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryRedelegationsRequest {
                    delegator_addr: account(&delegator)?,
                    src_validator_addr: valoper(&src)?,
                    dst_validator_addr: valoper(&dst)?,
                    pagination: None,
                };
                let res: pb::QueryRedelegationsResponse = query(&rpc, "Redelegations", req)?;
                let found = res
                    .redelegation_responses
                    .iter()
                    .map(redelegation_json)
                    .collect::<Result<Vec<_>>>()?;
                let out = json!({ "redelegation_responses": found, "pagination": null });
                output::print(&out, json)
            }
            StakingQuery::Redelegations {
                delegator,
                page,
                node,
            } => {
                let delegator = account(&delegator)?;
                redelegations(globals, &node, &page, delegator, String::new())
            }
            StakingQuery::RedelegationsFrom {
                validator,
                page,
                node,
            } => redelegations(globals, &node, &page, String::new(), valoper(&validator)?),
            StakingQuery::DelegatorValidators {
                delegator,
                page,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let delegator = account(&delegator)?;
                let one_page = |pagination| {
                    let req = pb::QueryDelegatorValidatorsRequest {
                        delegator_addr: delegator.clone(),
                        pagination: Some(pagination),
                    };
                    let res: pb::QueryDelegatorValidatorsResponse =
                        query(&rpc, "DelegatorValidators", req)?;
                    Ok((res.validators, res.pagination))
                };
                print_list(globals, &page, "validators", one_page, validator_json)
            }
            StakingQuery::DelegatorValidator {
                delegator,
                validator,
                node,
            } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryDelegatorValidatorRequest {
                    delegator_addr: account(&delegator)?,
                    validator_addr: valoper(&validator)?,
                };
                let res: pb::QueryDelegatorValidatorResponse =
                    query(&rpc, "DelegatorValidator", req)?;
                let v = res
                    .validator
                    .ok_or_else(|| anyhow!("the node answered no validator"))?;
                output::print(&validator_json(&v)?, json)
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
                output::print(&params_json(&res.params.unwrap_or_default())?, json)
            }
            StakingQuery::HistoricalInfo { height, node } => {
                let rpc = Rpc::new(&node.url(globals))?;
                let req = pb::QueryHistoricalInfoRequest {
                    height: i64::try_from(height)?,
                };
                let res: pb::QueryHistoricalInfoResponse = query(&rpc, "HistoricalInfo", req)?;
                let hist = res
                    .hist
                    .ok_or_else(|| anyhow!("the node answered no historical info"))?;
                output::print(&json!({ "hist": historical_info_json(&hist)? }), json)
            }
        }
    }
}

/// Prints the redelegations of `delegator` or away from `src` (one of them empty).
fn redelegations(
    globals: &Globals,
    node: &NodeArg,
    page: &PageArgs,
    delegator: String,
    src: String,
) -> Result<()> {
    let rpc = Rpc::new(&node.url(globals))?;
    let one_page = |pagination| {
        let req = pb::QueryRedelegationsRequest {
            delegator_addr: delegator.clone(),
            src_validator_addr: src.clone(),
            dst_validator_addr: String::new(),
            pagination: Some(pagination),
        };
        let res: pb::QueryRedelegationsResponse = query(&rpc, "Redelegations", req)?;
        Ok((res.redelegation_responses, res.pagination))
    };
    print_list(
        globals,
        page,
        "redelegation_responses",
        one_page,
        redelegation_json,
    )
}
