//! `/cosmos.staking.v1beta1.Query/...` handlers so far: Params, Pool, Validator, Validators,
//! Delegation, ValidatorDelegations, DelegatorDelegations.

use agora_core::{decode_request, Address, Coin, Context, Error, Result, SdkCode, VALOPER_PREFIX};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use prost::Message;

use crate::keeper::Delegation;
use crate::{BondStatus, Keeper};

const PARAMS_PATH: &str = "/cosmos.staking.v1beta1.Query/Params";
const POOL_PATH: &str = "/cosmos.staking.v1beta1.Query/Pool";
const VALIDATOR_PATH: &str = "/cosmos.staking.v1beta1.Query/Validator";
const VALIDATORS_PATH: &str = "/cosmos.staking.v1beta1.Query/Validators";
const DELEGATION_PATH: &str = "/cosmos.staking.v1beta1.Query/Delegation";
const VALIDATOR_DELEGATIONS_PATH: &str = "/cosmos.staking.v1beta1.Query/ValidatorDelegations";
const DELEGATOR_DELEGATIONS_PATH: &str = "/cosmos.staking.v1beta1.Query/DelegatorDelegations";
const UNBONDING_DELEGATION_PATH: &str = "/cosmos.staking.v1beta1.Query/UnbondingDelegation";

/// The query paths staking serves.
pub const PATHS: &[&str] = &[
    PARAMS_PATH,
    POOL_PATH,
    VALIDATOR_PATH,
    VALIDATORS_PATH,
    DELEGATION_PATH,
    VALIDATOR_DELEGATIONS_PATH,
    DELEGATOR_DELEGATIONS_PATH,
    UNBONDING_DELEGATION_PATH,
];

/// A gRPC `NotFound` as the SDK's ABCI query reports it (see auth's account query).
fn not_found(what: impl std::fmt::Display) -> Error {
    Error::sdk(
        SdkCode::KeyNotFound,
        format!("rpc error: code = NotFound desc = {what} not found"),
    )
}

fn address(field: &str, s: &str, prefix: &str) -> Result<Address> {
    if s.is_empty() {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            format!("{field} cannot be empty"),
        ));
    }
    Address::from_bech32_with(prefix, s)
}

fn status_filter(status: &str) -> Result<Option<BondStatus>> {
    use BondStatus::*;
    match status {
        "" => Ok(None),
        s => [Unbonded, Unbonding, Bonded]
            .into_iter()
            .find(|b| b.name() == s)
            .map(Some)
            .ok_or_else(|| {
                Error::sdk(
                    SdkCode::InvalidRequest,
                    format!("invalid validator status {s}"),
                )
            }),
    }
}

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match path {
        PARAMS_PATH => {
            decode_request::<pb::QueryParamsRequest>(path, data)?;
            pb::QueryParamsResponse {
                params: Some(keeper.params(ctx)?.to_proto()),
            }
            .encode_to_vec()
        }
        POOL_PATH => {
            decode_request::<pb::QueryPoolRequest>(path, data)?;
            let (not_bonded, bonded) = keeper.pool(ctx)?;
            pb::QueryPoolResponse {
                pool: Some(pb::Pool {
                    not_bonded_tokens: not_bonded.to_string(),
                    bonded_tokens: bonded.to_string(),
                }),
            }
            .encode_to_vec()
        }
        VALIDATOR_PATH => {
            let req: pb::QueryValidatorRequest = decode_request(path, data)?;
            let operator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let validator = keeper
                .validator(ctx, &operator)?
                .ok_or_else(|| not_found(format!("validator {}", req.validator_addr)))?;
            pb::QueryValidatorResponse {
                validator: Some(validator.to_proto()),
            }
            .encode_to_vec()
        }
        VALIDATORS_PATH => {
            let req: pb::QueryValidatorsRequest = decode_request(path, data)?;
            let status = status_filter(&req.status)?;
            let (validators, page) =
                keeper.validators_page(ctx, status, req.pagination.as_ref())?;
            pb::QueryValidatorsResponse {
                validators: validators.iter().map(|v| v.to_proto()).collect(),
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        DELEGATION_PATH => {
            let req: pb::QueryDelegationRequest = decode_request(path, data)?;
            let delegator = address(
                "delegator address",
                &req.delegator_addr,
                agora_core::ACCOUNT_PREFIX,
            )?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let shares = keeper
                .delegation(ctx, &delegator, &validator)?
                .ok_or_else(|| {
                    not_found(format!(
                        "delegation with delegator {} for validator {}",
                        req.delegator_addr, req.validator_addr
                    ))
                })?;
            let delegation = Delegation {
                delegator,
                validator,
                shares,
            };
            pb::QueryDelegationResponse {
                delegation_response: Some(delegation_response(keeper, ctx, &delegation)?),
            }
            .encode_to_vec()
        }
        VALIDATOR_DELEGATIONS_PATH => {
            let req: pb::QueryValidatorDelegationsRequest = decode_request(path, data)?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let (delegations, page) =
                keeper.validator_delegations_page(ctx, &validator, req.pagination.as_ref())?;
            pb::QueryValidatorDelegationsResponse {
                delegation_responses: responses(keeper, ctx, &delegations)?,
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        DELEGATOR_DELEGATIONS_PATH => {
            let req: pb::QueryDelegatorDelegationsRequest = decode_request(path, data)?;
            let delegator = address(
                "delegator address",
                &req.delegator_addr,
                agora_core::ACCOUNT_PREFIX,
            )?;
            let (delegations, page) =
                keeper.delegator_delegations_page(ctx, &delegator, req.pagination.as_ref())?;
            pb::QueryDelegatorDelegationsResponse {
                delegation_responses: responses(keeper, ctx, &delegations)?,
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        UNBONDING_DELEGATION_PATH => {
            let req: pb::QueryUnbondingDelegationRequest = decode_request(path, data)?;
            let delegator = address(
                "delegator address",
                &req.delegator_addr,
                agora_core::ACCOUNT_PREFIX,
            )?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let ubd = keeper
                .unbonding_delegation(ctx, &delegator, &validator)?
                .ok_or_else(|| {
                    not_found(format!(
                        "unbonding delegation with delegator {} for validator {}",
                        req.delegator_addr, req.validator_addr
                    ))
                })?;
            let entries = ubd
                .entries
                .iter()
                .map(|e| pb::UnbondingDelegationEntry {
                    creation_height: e.creation_height as i64,
                    completion_time: Some(agora_proto::tendermint::google::protobuf::Timestamp {
                        seconds: (e.completion_time_nanos / 1_000_000_000) as i64,
                        nanos: (e.completion_time_nanos % 1_000_000_000) as i32,
                    }),
                    initial_balance: e.initial_balance.to_string(),
                    balance: e.balance.to_string(),
                    unbonding_id: 0,
                    unbonding_on_hold_ref_count: 0,
                })
                .collect();
            pb::QueryUnbondingDelegationResponse {
                unbond: Some(pb::UnbondingDelegation {
                    delegator_address: req.delegator_addr,
                    validator_address: req.validator_addr,
                    entries,
                }),
            }
            .encode_to_vec()
        }
        _ => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {path}"),
            ))
        }
    })
}

fn responses(
    keeper: &Keeper,
    ctx: &mut Context,
    delegations: &[Delegation],
) -> Result<Vec<pb::DelegationResponse>> {
    delegations
        .iter()
        .map(|d| delegation_response(keeper, ctx, d))
        .collect()
}

/// A delegation with its balance: the tokens its shares are worth now.
fn delegation_response(
    keeper: &Keeper,
    ctx: &mut Context,
    d: &Delegation,
) -> Result<pb::DelegationResponse> {
    let validator = keeper.existing_validator(ctx, &d.validator)?;
    let balance = Coin::new(
        validator.tokens_from_shares(d.shares)?,
        keeper.params(ctx)?.bond_denom,
    );
    Ok(pb::DelegationResponse {
        delegation: Some(pb::Delegation {
            delegator_address: d.delegator.to_string(),
            validator_address: validator.operator_address(),
            shares: d.shares.to_atomics_string(),
        }),
        balance: Some(ProtoCoin {
            denom: balance.denom,
            amount: balance.amount.to_string(),
        }),
    })
}
