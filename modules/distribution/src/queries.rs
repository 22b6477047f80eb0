//! `/cosmos.distribution.v1beta1.Query/...`: every method of the SDK's Query service.
//! Rewards are computed as the SDK's queries compute them: the validator's period is ended
//! in a branch that is dropped, so a query changes nothing.

use agora_core::{
    decode_request, Address, Context, DecCoins, Error, Result, SdkCode, ACCOUNT_PREFIX,
    VALOPER_PREFIX,
};
use agora_proto::cosmos::base::query::v1beta1::PageResponse;
use agora_proto::cosmos::distribution::v1beta1 as pb;
use prost::Message;

use crate::Keeper;

const PARAMS_PATH: &str = "/cosmos.distribution.v1beta1.Query/Params";
const VALIDATOR_INFO_PATH: &str = "/cosmos.distribution.v1beta1.Query/ValidatorDistributionInfo";
const OUTSTANDING_PATH: &str = "/cosmos.distribution.v1beta1.Query/ValidatorOutstandingRewards";
const COMMISSION_PATH: &str = "/cosmos.distribution.v1beta1.Query/ValidatorCommission";
const SLASHES_PATH: &str = "/cosmos.distribution.v1beta1.Query/ValidatorSlashes";
const REWARDS_PATH: &str = "/cosmos.distribution.v1beta1.Query/DelegationRewards";
const TOTAL_REWARDS_PATH: &str = "/cosmos.distribution.v1beta1.Query/DelegationTotalRewards";
const DELEGATOR_VALIDATORS_PATH: &str = "/cosmos.distribution.v1beta1.Query/DelegatorValidators";
const WITHDRAW_ADDRESS_PATH: &str = "/cosmos.distribution.v1beta1.Query/DelegatorWithdrawAddress";
const COMMUNITY_POOL_PATH: &str = "/cosmos.distribution.v1beta1.Query/CommunityPool";

/// The query paths distribution serves.
pub const PATHS: &[&str] = &[
    PARAMS_PATH,
    VALIDATOR_INFO_PATH,
    OUTSTANDING_PATH,
    COMMISSION_PATH,
    SLASHES_PATH,
    REWARDS_PATH,
    TOTAL_REWARDS_PATH,
    DELEGATOR_VALIDATORS_PATH,
    WITHDRAW_ADDRESS_PATH,
    COMMUNITY_POOL_PATH,
];

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail)
}

fn address(field: &str, s: &str, prefix: &str) -> Result<Address> {
    if s.is_empty() {
        return Err(invalid(format!("empty {field} address")));
    }
    Address::from_bech32_with(prefix, s)
}

/// Answers one query.
pub fn handle(keeper: &Keeper, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
    let validator = |s: &str| address("validator", s, VALOPER_PREFIX);
    let delegator = |s: &str| address("delegator", s, ACCOUNT_PREFIX);
    Ok(match path {
        PARAMS_PATH => {
            decode_request::<pb::QueryParamsRequest>(path, data)?;
            pb::QueryParamsResponse {
                params: Some(keeper.params(ctx)?.to_proto()),
            }
            .encode_to_vec()
        }
        VALIDATOR_INFO_PATH => {
            let req: pb::QueryValidatorDistributionInfoRequest = decode_request(path, data)?;
            let operator = validator(&req.validator_address)?;
            keeper.existing_validator(ctx, &operator)?;
            pb::QueryValidatorDistributionInfoResponse {
                operator_address: operator.to_string(),
                self_bond_rewards: keeper
                    .pending_rewards(ctx, &operator, &operator)?
                    .to_proto(),
                commission: keeper.commission(ctx, &operator)?.to_proto(),
            }
            .encode_to_vec()
        }
        OUTSTANDING_PATH => {
            let req: pb::QueryValidatorOutstandingRewardsRequest = decode_request(path, data)?;
            let operator = validator(&req.validator_address)?;
            keeper.existing_validator(ctx, &operator)?;
            let rewards = keeper.outstanding(ctx, &operator)?.to_proto();
            pb::QueryValidatorOutstandingRewardsResponse {
                rewards: Some(pb::ValidatorOutstandingRewards { rewards }),
            }
            .encode_to_vec()
        }
        COMMISSION_PATH => {
            let req: pb::QueryValidatorCommissionRequest = decode_request(path, data)?;
            let operator = validator(&req.validator_address)?;
            keeper.existing_validator(ctx, &operator)?;
            let commission = keeper.commission(ctx, &operator)?.to_proto();
            pb::QueryValidatorCommissionResponse {
                commission: Some(pb::ValidatorAccumulatedCommission { commission }),
            }
            .encode_to_vec()
        }
        SLASHES_PATH => {
            let req: pb::QueryValidatorSlashesRequest = decode_request(path, data)?;
            if req.ending_height < req.starting_height {
                return Err(invalid(format!(
                    "starting height greater than ending height ({} > {})",
                    req.starting_height, req.ending_height
                )));
            }
            let operator = validator(&req.validator_address)?;
            let events =
                keeper.slash_events(ctx, &operator, req.starting_height, req.ending_height)?;
            let (offset, limit, count_total) = match &req.pagination {
                Some(p) if !p.key.is_empty() => {
                    return Err(invalid("slash queries page by offset, not by key"))
                }
                Some(p) => (p.offset as usize, p.limit, p.count_total),
                None => (0, 0, false),
            };
            let limit = match limit {
                0 => agora_core::pagination::DEFAULT_LIMIT,
                l => l.min(agora_core::pagination::MAX_LIMIT),
            } as usize;
            let total = events.len() as u64;
            let slashes = events.into_iter().skip(offset).take(limit);
            pb::QueryValidatorSlashesResponse {
                slashes: slashes
                    .map(|(_, e)| pb::ValidatorSlashEvent {
                        validator_period: e.validator_period,
                        fraction: e.fraction.to_atomics_string(),
                    })
                    .collect(),
                pagination: Some(PageResponse {
                    next_key: Vec::new(),
                    total: if count_total { total } else { 0 },
                }),
            }
            .encode_to_vec()
        }
        REWARDS_PATH => {
            let req: pb::QueryDelegationRewardsRequest = decode_request(path, data)?;
            let delegator = delegator(&req.delegator_address)?;
            let operator = validator(&req.validator_address)?;
            pb::QueryDelegationRewardsResponse {
                rewards: keeper
                    .pending_rewards(ctx, &delegator, &operator)?
                    .to_proto(),
            }
            .encode_to_vec()
        }
        TOTAL_REWARDS_PATH => {
            let req: pb::QueryDelegationTotalRewardsRequest = decode_request(path, data)?;
            let delegator = delegator(&req.delegator_address)?;
            let mut total = DecCoins::empty();
            let mut rewards = Vec::new();
            for d in keeper.staking.delegator_delegations(ctx, &delegator)? {
                let reward = keeper.pending_rewards(ctx, &delegator, &d.validator)?;
                total = total.checked_add(&reward)?;
                rewards.push(pb::DelegationDelegatorReward {
                    validator_address: d.validator.to_bech32_with(VALOPER_PREFIX),
                    reward: reward.to_proto(),
                });
            }
            pb::QueryDelegationTotalRewardsResponse {
                rewards,
                total: total.to_proto(),
            }
            .encode_to_vec()
        }
        DELEGATOR_VALIDATORS_PATH => {
            let req: pb::QueryDelegatorValidatorsRequest = decode_request(path, data)?;
            let delegator = delegator(&req.delegator_address)?;
            let delegations = keeper.staking.delegator_delegations(ctx, &delegator)?;
            pb::QueryDelegatorValidatorsResponse {
                validators: delegations
                    .iter()
                    .map(|d| d.validator.to_bech32_with(VALOPER_PREFIX))
                    .collect(),
            }
            .encode_to_vec()
        }
        WITHDRAW_ADDRESS_PATH => {
            let req: pb::QueryDelegatorWithdrawAddressRequest = decode_request(path, data)?;
            let delegator = delegator(&req.delegator_address)?;
            pb::QueryDelegatorWithdrawAddressResponse {
                withdraw_address: keeper.withdraw_address(ctx, &delegator)?.to_string(),
            }
            .encode_to_vec()
        }
        COMMUNITY_POOL_PATH => {
            decode_request::<pb::QueryCommunityPoolRequest>(path, data)?;
            pb::QueryCommunityPoolResponse {
                pool: keeper.community_pool(ctx)?.to_proto(),
            }
            .encode_to_vec()
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unknown query path {other}"),
            ))
        }
    })
}
