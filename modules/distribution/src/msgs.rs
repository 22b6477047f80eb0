//! Distribution's Msgs: decoded and checked once without state, then executed. The SDK v0.50
//! checks addresses and amounts in its Msg server; here they are checked at decode, which
//! also names the signer.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{
    decode_any, Address, Coins, Context, DecCoins, DecodedMsg, Error, Event, Result, SdkCode,
};
use agora_proto::cosmos::distribution::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::errors::DistributionCode;
use crate::{Keeper, Params, DISTRIBUTION_MODULE};

/// Type URL of `MsgSetWithdrawAddress`.
pub const MSG_SET_WITHDRAW_ADDRESS_TYPE_URL: &str =
    "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress";
/// Type URL of `MsgWithdrawDelegatorReward`.
pub const MSG_WITHDRAW_REWARD_TYPE_URL: &str =
    "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward";
/// Type URL of `MsgWithdrawValidatorCommission`.
pub const MSG_WITHDRAW_COMMISSION_TYPE_URL: &str =
    "/cosmos.distribution.v1beta1.MsgWithdrawValidatorCommission";
/// Type URL of `MsgFundCommunityPool`.
pub const MSG_FUND_COMMUNITY_POOL_TYPE_URL: &str =
    "/cosmos.distribution.v1beta1.MsgFundCommunityPool";
/// Type URL of `MsgCommunityPoolSpend`.
pub const MSG_COMMUNITY_POOL_SPEND_TYPE_URL: &str =
    "/cosmos.distribution.v1beta1.MsgCommunityPoolSpend";
/// Type URL of `MsgDepositValidatorRewardsPool`.
pub const MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL: &str =
    "/cosmos.distribution.v1beta1.MsgDepositValidatorRewardsPool";
/// Type URL of distribution's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.distribution.v1beta1.MsgUpdateParams";
/// The Msgs distribution handles.
pub const TYPE_URLS: &[&str] = &[
    MSG_SET_WITHDRAW_ADDRESS_TYPE_URL,
    MSG_WITHDRAW_REWARD_TYPE_URL,
    MSG_WITHDRAW_COMMISSION_TYPE_URL,
    MSG_FUND_COMMUNITY_POOL_TYPE_URL,
    MSG_COMMUNITY_POOL_SPEND_TYPE_URL,
    MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
];

/// A distribution Msg, checked.
enum DistributionMsg {
    SetWithdrawAddress {
        delegator: Address,
        to: Address,
    },
    WithdrawReward {
        delegator: Address,
        validator: Address,
    },
    WithdrawCommission {
        validator: Address,
    },
    FundCommunityPool {
        depositor: Address,
        amount: Coins,
    },
    CommunityPoolSpend {
        authority: String,
        recipient: Address,
        amount: Coins,
    },
    DepositValidatorRewards {
        depositor: Address,
        validator: Address,
        amount: Coins,
    },
    UpdateParams {
        authority: String,
        params: Params,
    },
}

fn account(field: &str, s: &str) -> Result<Address> {
    s.parse::<Address>().map_err(|e| {
        Error::sdk(
            SdkCode::InvalidAddress,
            format!("invalid {field} address: {}", e.msg),
        )
    })
}

/// Decodes a distribution Msg and checks it without state.
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    use DistributionMsg::*;
    let (signer, checked) = match msg.type_url.as_str() {
        MSG_SET_WITHDRAW_ADDRESS_TYPE_URL => {
            let m: pb::MsgSetWithdrawAddress = decode_any(msg, &msg.type_url)?;
            let delegator = account("delegator", &m.delegator_address)?;
            let to = account("withdraw", &m.withdraw_address)?;
            (delegator.clone(), SetWithdrawAddress { delegator, to })
        }
        MSG_WITHDRAW_REWARD_TYPE_URL => {
            let m: pb::MsgWithdrawDelegatorReward = decode_any(msg, &msg.type_url)?;
            let delegator = account("delegator", &m.delegator_address)?;
            let validator = Address::from_valoper(&m.validator_address)?;
            (
                delegator.clone(),
                WithdrawReward {
                    delegator,
                    validator,
                },
            )
        }
        MSG_WITHDRAW_COMMISSION_TYPE_URL => {
            let m: pb::MsgWithdrawValidatorCommission = decode_any(msg, &msg.type_url)?;
            let validator = Address::from_valoper(&m.validator_address)?;
            (validator.clone(), WithdrawCommission { validator })
        }
        MSG_FUND_COMMUNITY_POOL_TYPE_URL => {
            let m: pb::MsgFundCommunityPool = decode_any(msg, &msg.type_url)?;
            let depositor = account("depositor", &m.depositor)?;
            let amount = Coins::from_msg(&m.amount)?;
            (depositor.clone(), FundCommunityPool { depositor, amount })
        }
        MSG_COMMUNITY_POOL_SPEND_TYPE_URL => {
            let m: pb::MsgCommunityPoolSpend = decode_any(msg, &msg.type_url)?;
            let signer = authority_signer(&m.authority)?;
            let recipient = account("recipient", &m.recipient)?;
            let amount = Coins::from_msg(&m.amount)?;
            let spend = CommunityPoolSpend {
                authority: m.authority,
                recipient,
                amount,
            };
            (signer, spend)
        }
        MSG_DEPOSIT_VALIDATOR_REWARDS_TYPE_URL => {
            let m: pb::MsgDepositValidatorRewardsPool = decode_any(msg, &msg.type_url)?;
            let depositor = account("depositor", &m.depositor)?;
            let deposit = DepositValidatorRewards {
                depositor: depositor.clone(),
                validator: Address::from_valoper(&m.validator_address)?,
                amount: Coins::from_msg(&m.amount)?,
            };
            (depositor, deposit)
        }
        MSG_UPDATE_PARAMS_TYPE_URL => {
            let m: pb::MsgUpdateParams = decode_any(msg, &msg.type_url)?;
            let invalid = |detail: &str| Error::sdk(SdkCode::InvalidRequest, detail);
            let params = m
                .params
                .as_ref()
                .ok_or_else(|| invalid("params are required"))?;
            let params = Params::from_proto(params)?;
            if !params.base_proposer_reward.is_zero() || !params.bonus_proposer_reward.is_zero() {
                return Err(invalid(
                    "cannot update base or bonus proposer reward because these are deprecated fields",
                ));
            }
            let signer = authority_signer(&m.authority)?;
            (
                signer,
                UpdateParams {
                    authority: m.authority,
                    params,
                },
            )
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unrecognized distribution message type: {other}"),
            ))
        }
    };
    Ok(DecodedMsg::new(
        msg.type_url.as_str(),
        vec![signer],
        checked,
    ))
}

/// Executes a decoded distribution Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    use DistributionMsg::*;
    match msg.value::<DistributionMsg>()? {
        SetWithdrawAddress { delegator, to } => {
            if keeper.bank.is_blocked(to) {
                return Err(Error::sdk(
                    SdkCode::Unauthorized,
                    format!("{to} is not allowed to receive external funds"),
                ));
            }
            if !keeper.params(ctx)?.withdraw_addr_enabled {
                return Err(DistributionCode::SetWithdrawAddrDisabled.bare());
            }
            ctx.emit(Event::new("set_withdraw_address").attr("withdraw_address", to.to_string()));
            keeper.set_withdraw_address_record(ctx, delegator, to)?;
            Ok(pb::MsgSetWithdrawAddressResponse {}.encode_to_vec())
        }
        WithdrawReward {
            delegator,
            validator,
        } => {
            let amount = keeper.withdraw_rewards(ctx, delegator, validator)?;
            Ok(pb::MsgWithdrawDelegatorRewardResponse {
                amount: amount.to_proto(),
            }
            .encode_to_vec())
        }
        WithdrawCommission { validator } => {
            let amount = keeper.withdraw_commission(ctx, validator)?;
            Ok(pb::MsgWithdrawValidatorCommissionResponse {
                amount: amount.to_proto(),
            }
            .encode_to_vec())
        }
        FundCommunityPool { depositor, amount } => {
            keeper.fund_community_pool(ctx, depositor, amount)?;
            Ok(pb::MsgFundCommunityPoolResponse {}.encode_to_vec())
        }
        CommunityPoolSpend {
            authority,
            recipient,
            amount,
        } => {
            check_authority(keeper.authority(), authority)?;
            if keeper.bank.is_blocked(recipient) {
                return Err(Error::sdk(
                    SdkCode::Unauthorized,
                    format!("{recipient} is not allowed to receive external funds"),
                ));
            }
            let pool = keeper.community_pool(ctx)?;
            let left = pool
                .checked_sub(&DecCoins::from_coins(amount)?)
                .map_err(|_| DistributionCode::BadDistribution.bare())?;
            keeper.set_community_pool(ctx, &left)?;
            keeper.bank.send_coins_from_module_to_account(
                ctx,
                DISTRIBUTION_MODULE,
                recipient,
                amount,
            )?;
            Ok(pb::MsgCommunityPoolSpendResponse {}.encode_to_vec())
        }
        DepositValidatorRewards {
            depositor,
            validator,
            amount,
        } => {
            keeper.bank.send_coins_from_account_to_module(
                ctx,
                depositor,
                DISTRIBUTION_MODULE,
                amount,
            )?;
            let validator = keeper.existing_validator(ctx, validator)?;
            keeper.allocate_to_validator(ctx, &validator, &DecCoins::from_coins(amount)?)?;
            Ok(pb::MsgDepositValidatorRewardsPoolResponse {}.encode_to_vec())
        }
        UpdateParams { authority, params } => {
            check_authority(keeper.authority(), authority)?;
            keeper.set_params(ctx, params)?;
            Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
        }
    }
}
