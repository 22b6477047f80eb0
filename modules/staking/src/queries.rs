//! `/cosmos.staking.v1beta1.Query/...`: every method of the SDK's staking Query service.

use agora_core::{
    decode_request, Address, Coin, Context, Error, Result, SdkCode, ACCOUNT_PREFIX, VALOPER_PREFIX,
};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::tendermint::google::protobuf::Timestamp;
use prost::Message;

use crate::keeper::Delegation;
use crate::{BondStatus, Keeper, RedelegationRecord, UnbondingDelegation};

const PARAMS_PATH: &str = "/cosmos.staking.v1beta1.Query/Params";
const POOL_PATH: &str = "/cosmos.staking.v1beta1.Query/Pool";
const VALIDATOR_PATH: &str = "/cosmos.staking.v1beta1.Query/Validator";
const VALIDATORS_PATH: &str = "/cosmos.staking.v1beta1.Query/Validators";
const DELEGATION_PATH: &str = "/cosmos.staking.v1beta1.Query/Delegation";
const VALIDATOR_DELEGATIONS_PATH: &str = "/cosmos.staking.v1beta1.Query/ValidatorDelegations";
const DELEGATOR_DELEGATIONS_PATH: &str = "/cosmos.staking.v1beta1.Query/DelegatorDelegations";
const UNBONDING_DELEGATION_PATH: &str = "/cosmos.staking.v1beta1.Query/UnbondingDelegation";
const VALIDATOR_UNBONDING_PATH: &str =
    "/cosmos.staking.v1beta1.Query/ValidatorUnbondingDelegations";
const DELEGATOR_UNBONDING_PATH: &str =
    "/cosmos.staking.v1beta1.Query/DelegatorUnbondingDelegations";
const REDELEGATIONS_PATH: &str = "/cosmos.staking.v1beta1.Query/Redelegations";
const DELEGATOR_VALIDATORS_PATH: &str = "/cosmos.staking.v1beta1.Query/DelegatorValidators";
const DELEGATOR_VALIDATOR_PATH: &str = "/cosmos.staking.v1beta1.Query/DelegatorValidator";
const HISTORICAL_INFO_PATH: &str = "/cosmos.staking.v1beta1.Query/HistoricalInfo";

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
    VALIDATOR_UNBONDING_PATH,
    DELEGATOR_UNBONDING_PATH,
    REDELEGATIONS_PATH,
    DELEGATOR_VALIDATORS_PATH,
    DELEGATOR_VALIDATOR_PATH,
    HISTORICAL_INFO_PATH,
];

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
        HISTORICAL_INFO_PATH => {
            let req: pb::QueryHistoricalInfoRequest = decode_request(path, data)?;
            let height = u64::try_from(req.height)
                .map_err(|_| Error::sdk(SdkCode::InvalidRequest, "height cannot be negative"))?;
            let hist = keeper
                .historical_info(ctx, height)?
                .ok_or_else(|| Error::not_found(format!("historical info for height {height}")))?;
            pb::QueryHistoricalInfoResponse { hist: Some(hist) }.encode_to_vec()
        }
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
                .ok_or_else(|| Error::not_found(format!("validator {}", req.validator_addr)))?;
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
            let delegator = address("delegator address", &req.delegator_addr, ACCOUNT_PREFIX)?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let shares = keeper
                .delegation(ctx, &delegator, &validator)?
                .ok_or_else(|| {
                    Error::not_found(format!(
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
            let delegator = address("delegator address", &req.delegator_addr, ACCOUNT_PREFIX)?;
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
            let delegator = address("delegator address", &req.delegator_addr, ACCOUNT_PREFIX)?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let ubd = keeper
                .unbonding_delegation(ctx, &delegator, &validator)?
                .ok_or_else(|| {
                    Error::not_found(format!(
                        "unbonding delegation with delegator {} for validator {}",
                        req.delegator_addr, req.validator_addr
                    ))
                })?;
            pb::QueryUnbondingDelegationResponse {
                unbond: Some(unbonding_proto(&delegator, &validator, &ubd)),
            }
            .encode_to_vec()
        }
        VALIDATOR_UNBONDING_PATH => {
            let req: pb::QueryValidatorUnbondingDelegationsRequest = decode_request(path, data)?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            let (found, page) =
                keeper.validator_unbonding_page(ctx, &validator, req.pagination.as_ref())?;
            pb::QueryValidatorUnbondingDelegationsResponse {
                unbonding_responses: found
                    .iter()
                    .map(|(d, ubd)| unbonding_proto(d, &validator, ubd))
                    .collect(),
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        DELEGATOR_UNBONDING_PATH => {
            let req: pb::QueryDelegatorUnbondingDelegationsRequest = decode_request(path, data)?;
            let delegator = address("delegator address", &req.delegator_addr, ACCOUNT_PREFIX)?;
            let (found, page) =
                keeper.delegator_unbonding_page(ctx, &delegator, req.pagination.as_ref())?;
            pb::QueryDelegatorUnbondingDelegationsResponse {
                unbonding_responses: found
                    .iter()
                    .map(|(v, ubd)| unbonding_proto(&delegator, v, ubd))
                    .collect(),
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        REDELEGATIONS_PATH => {
            let req: pb::QueryRedelegationsRequest = decode_request(path, data)?;
            let optional = |s: &str, prefix: &str| {
                (!s.is_empty())
                    .then(|| Address::from_bech32_with(prefix, s))
                    .transpose()
            };
            let delegator = optional(&req.delegator_addr, ACCOUNT_PREFIX)?;
            let src = optional(&req.src_validator_addr, VALOPER_PREFIX)?;
            let dst = optional(&req.dst_validator_addr, VALOPER_PREFIX)?;
            let (found, page) = keeper.redelegations_page(
                ctx,
                delegator.as_ref(),
                src.as_ref(),
                req.pagination.as_ref(),
            )?;
            let mut responses = Vec::new();
            for record in found {
                if dst.as_ref().is_some_and(|dst| *dst != record.dst) {
                    continue;
                }
                responses.push(redelegation_response(keeper, ctx, &record)?);
            }
            if responses.is_empty() && delegator.is_some() && src.is_some() && dst.is_some() {
                return Err(Error::not_found(format!(
                    "redelegation from {} to {} of {}",
                    req.src_validator_addr, req.dst_validator_addr, req.delegator_addr
                )));
            }
            pb::QueryRedelegationsResponse {
                redelegation_responses: responses,
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        DELEGATOR_VALIDATORS_PATH => {
            let req: pb::QueryDelegatorValidatorsRequest = decode_request(path, data)?;
            let delegator = address("delegator address", &req.delegator_addr, ACCOUNT_PREFIX)?;
            let (delegations, page) =
                keeper.delegator_delegations_page(ctx, &delegator, req.pagination.as_ref())?;
            let validators = delegations
                .iter()
                .map(|d| Ok(keeper.existing_validator(ctx, &d.validator)?.to_proto()))
                .collect::<Result<_>>()?;
            pb::QueryDelegatorValidatorsResponse {
                validators,
                pagination: Some(page),
            }
            .encode_to_vec()
        }
        DELEGATOR_VALIDATOR_PATH => {
            let req: pb::QueryDelegatorValidatorRequest = decode_request(path, data)?;
            let delegator = address("delegator address", &req.delegator_addr, ACCOUNT_PREFIX)?;
            let validator = address("validator address", &req.validator_addr, VALOPER_PREFIX)?;
            if keeper.delegation(ctx, &delegator, &validator)?.is_none() {
                return Err(Error::not_found(format!(
                    "delegation with delegator {} for validator {}",
                    req.delegator_addr, req.validator_addr
                )));
            }
            pb::QueryDelegatorValidatorResponse {
                validator: Some(keeper.existing_validator(ctx, &validator)?.to_proto()),
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

/// A protobuf timestamp of nanoseconds since the epoch.
fn timestamp(nanos: u64) -> Timestamp {
    Timestamp {
        seconds: (nanos / 1_000_000_000) as i64,
        nanos: (nanos % 1_000_000_000) as i32,
    }
}

/// An unbonding delegation in its protobuf form.
fn unbonding_proto(
    delegator: &Address,
    validator: &Address,
    ubd: &UnbondingDelegation,
) -> pb::UnbondingDelegation {
    pb::UnbondingDelegation {
        delegator_address: delegator.to_string(),
        validator_address: validator.to_bech32_with(VALOPER_PREFIX),
        entries: ubd
            .entries
            .iter()
            .map(|e| pb::UnbondingDelegationEntry {
                creation_height: e.creation_height as i64,
                completion_time: Some(timestamp(e.completion_time_nanos)),
                initial_balance: e.initial_balance.to_string(),
                balance: e.balance.to_string(),
                unbonding_id: 0,
                unbonding_on_hold_ref_count: 0,
            })
            .collect(),
    }
}

/// A redelegation with each entry's balance: what its destination shares are worth now.
fn redelegation_response(
    keeper: &Keeper,
    ctx: &mut Context,
    record: &RedelegationRecord,
) -> Result<pb::RedelegationResponse> {
    let (delegator, src, dst, red) = (
        &record.delegator,
        &record.src,
        &record.dst,
        &record.redelegation,
    );
    let destination = keeper.existing_validator(ctx, dst)?;
    let entries: Vec<pb::RedelegationEntry> = red
        .entries
        .iter()
        .map(|e| pb::RedelegationEntry {
            creation_height: e.creation_height as i64,
            completion_time: Some(timestamp(e.completion_time_nanos)),
            initial_balance: e.initial_balance.to_string(),
            shares_dst: e.shares_dst.to_atomics_string(),
            unbonding_id: 0,
            unbonding_on_hold_ref_count: 0,
        })
        .collect();
    let with_balances = red
        .entries
        .iter()
        .zip(&entries)
        .map(|(e, proto)| {
            Ok(pb::RedelegationEntryResponse {
                redelegation_entry: Some(proto.clone()),
                balance: destination.tokens_from_shares(e.shares_dst)?.to_string(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(pb::RedelegationResponse {
        redelegation: Some(pb::Redelegation {
            delegator_address: delegator.to_string(),
            validator_src_address: src.to_bech32_with(VALOPER_PREFIX),
            validator_dst_address: dst.to_bech32_with(VALOPER_PREFIX),
            entries,
        }),
        entries: with_balances,
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
