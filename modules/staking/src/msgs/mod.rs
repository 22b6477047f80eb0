//! Staking's Msgs: each decoded and checked once without state (the SDK's `ValidateBasic`),
//! then executed; a file per Msg family, as Penumbra's action handlers. The authority's
//! `MsgUpdateParams` is handled here.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{decode_any, Address, Coin, Context, DecodedMsg, Error, Result, SdkCode};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use prost::Message;

use crate::keeper::TokenSource;
use crate::{Keeper, Params};

mod create_validator;
mod delegation;
mod edit_validator;

use create_validator::CreateValidator;
use delegation::Delegate;
use edit_validator::EditValidator;

/// Type URL of `MsgCreateValidator`.
pub const MSG_CREATE_VALIDATOR_TYPE_URL: &str = "/cosmos.staking.v1beta1.MsgCreateValidator";
/// Type URL of `MsgEditValidator`.
pub const MSG_EDIT_VALIDATOR_TYPE_URL: &str = "/cosmos.staking.v1beta1.MsgEditValidator";
/// Type URL of `MsgDelegate`.
pub const MSG_DELEGATE_TYPE_URL: &str = "/cosmos.staking.v1beta1.MsgDelegate";
/// Type URL of `MsgUndelegate`.
pub const MSG_UNDELEGATE_TYPE_URL: &str = "/cosmos.staking.v1beta1.MsgUndelegate";
/// Type URL of `MsgBeginRedelegate`.
pub const MSG_REDELEGATE_TYPE_URL: &str = "/cosmos.staking.v1beta1.MsgBeginRedelegate";
/// Type URL of `MsgCancelUnbondingDelegation`.
pub const MSG_CANCEL_UNBONDING_TYPE_URL: &str =
    "/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation";
/// Type URL of staking's `MsgUpdateParams`.
pub const MSG_UPDATE_PARAMS_TYPE_URL: &str = "/cosmos.staking.v1beta1.MsgUpdateParams";
/// The Msgs staking handles.
pub const TYPE_URLS: &[&str] = &[
    MSG_CREATE_VALIDATOR_TYPE_URL,
    MSG_EDIT_VALIDATOR_TYPE_URL,
    MSG_DELEGATE_TYPE_URL,
    MSG_UNDELEGATE_TYPE_URL,
    MSG_REDELEGATE_TYPE_URL,
    MSG_CANCEL_UNBONDING_TYPE_URL,
    MSG_UPDATE_PARAMS_TYPE_URL,
];

/// A staking Msg, checked.
enum StakingMsg {
    CreateValidator(CreateValidator),
    EditValidator(EditValidator),
    Delegate(Delegate),
    Undelegate(Delegate),
    Redelegate {
        pair: Delegate,
        dst: Address,
    },
    CancelUnbonding {
        pair: Delegate,
        creation_height: u64,
    },
    UpdateParams {
        authority: String,
        params: Params,
    },
}

pub(crate) fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail)
}

/// A positive coin with an integer amount (the SDK's "invalid delegation amount").
pub(crate) fn positive_coin(coin: Option<&ProtoCoin>) -> Result<Coin> {
    let coin = coin.ok_or_else(|| invalid("invalid delegation amount"))?;
    let amount: u128 = coin
        .amount
        .parse()
        .map_err(|_| invalid("invalid delegation amount"))?;
    let coin = Coin::new(amount, coin.denom.clone());
    if amount == 0 || coin.validate().is_err() {
        return Err(invalid("invalid delegation amount"));
    }
    Ok(coin)
}

/// Decodes a staking Msg and checks it without state (the SDK's `ValidateBasic`).
pub fn decode(msg: &Any) -> Result<DecodedMsg> {
    let (signer, checked) = match msg.type_url.as_str() {
        MSG_CREATE_VALIDATOR_TYPE_URL => {
            let create = create_validator::check(msg)?;
            (create.operator.clone(), StakingMsg::CreateValidator(create))
        }
        MSG_EDIT_VALIDATOR_TYPE_URL => {
            let edit = edit_validator::check(msg)?;
            (edit.operator.clone(), StakingMsg::EditValidator(edit))
        }
        MSG_DELEGATE_TYPE_URL => {
            let m: pb::MsgDelegate = decode_any(msg, MSG_DELEGATE_TYPE_URL)?;
            let pair = delegation::check(
                &m.delegator_address,
                &m.validator_address,
                m.amount.as_ref(),
            )?;
            (pair.delegator.clone(), StakingMsg::Delegate(pair))
        }
        MSG_UNDELEGATE_TYPE_URL => {
            let m: pb::MsgUndelegate = decode_any(msg, MSG_UNDELEGATE_TYPE_URL)?;
            let pair = delegation::check(
                &m.delegator_address,
                &m.validator_address,
                m.amount.as_ref(),
            )?;
            (pair.delegator.clone(), StakingMsg::Undelegate(pair))
        }
        MSG_REDELEGATE_TYPE_URL => {
            let m: pb::MsgBeginRedelegate = decode_any(msg, MSG_REDELEGATE_TYPE_URL)?;
            let pair = delegation::check(
                &m.delegator_address,
                &m.validator_src_address,
                m.amount.as_ref(),
            )?;
            let dst = Address::from_valoper(&m.validator_dst_address)?;
            (pair.delegator.clone(), StakingMsg::Redelegate { pair, dst })
        }
        MSG_CANCEL_UNBONDING_TYPE_URL => {
            let m: pb::MsgCancelUnbondingDelegation =
                decode_any(msg, MSG_CANCEL_UNBONDING_TYPE_URL)?;
            let pair = delegation::check(
                &m.delegator_address,
                &m.validator_address,
                m.amount.as_ref(),
            )?;
            let creation_height = u64::try_from(m.creation_height)
                .ok()
                .filter(|&h| h > 0)
                .ok_or_else(|| invalid("invalid height"))?;
            let signer = pair.delegator.clone();
            (
                signer,
                StakingMsg::CancelUnbonding {
                    pair,
                    creation_height,
                },
            )
        }
        MSG_UPDATE_PARAMS_TYPE_URL => {
            let m: pb::MsgUpdateParams = decode_any(msg, MSG_UPDATE_PARAMS_TYPE_URL)?;
            let params = m
                .params
                .as_ref()
                .ok_or_else(|| invalid("params are required"))
                .and_then(Params::from_proto)?;
            let signer = authority_signer(&m.authority)?;
            let checked = StakingMsg::UpdateParams {
                authority: m.authority,
                params,
            };
            (signer, checked)
        }
        other => {
            return Err(Error::sdk(
                SdkCode::UnknownRequest,
                format!("unrecognized staking message type: {other}"),
            ))
        }
    };
    Ok(DecodedMsg::new(
        msg.type_url.as_str(),
        vec![signer],
        checked,
    ))
}

/// Executes a decoded staking Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    match msg.value::<StakingMsg>()? {
        StakingMsg::CreateValidator(create) => {
            create_validator::execute(keeper, ctx, create)?;
            Ok(pb::MsgCreateValidatorResponse {}.encode_to_vec())
        }
        StakingMsg::EditValidator(edit) => {
            edit_validator::execute(keeper, ctx, edit)?;
            Ok(pb::MsgEditValidatorResponse {}.encode_to_vec())
        }
        StakingMsg::Delegate(d) => {
            let mut validator = keeper.existing_validator(ctx, &d.validator)?;
            check_bond_denom(keeper, ctx, &d.amount)?;
            keeper.delegate(
                ctx,
                &d.delegator,
                &mut validator,
                d.amount.amount,
                TokenSource::Account,
            )?;
            Ok(pb::MsgDelegateResponse {}.encode_to_vec())
        }
        StakingMsg::Undelegate(d) => {
            check_bond_denom(keeper, ctx, &d.amount)?;
            let (completion, tokens) =
                keeper.undelegate(ctx, &d.delegator, &d.validator, d.amount.amount)?;
            Ok(pb::MsgUndelegateResponse {
                completion_time: Some(agora_proto::tendermint::google::protobuf::Timestamp {
                    seconds: (completion / 1_000_000_000) as i64,
                    nanos: (completion % 1_000_000_000) as i32,
                }),
                amount: Some(ProtoCoin {
                    denom: d.amount.denom.clone(),
                    amount: tokens.to_string(),
                }),
            }
            .encode_to_vec())
        }
        StakingMsg::Redelegate { pair, dst } => {
            check_bond_denom(keeper, ctx, &pair.amount)?;
            let completion = keeper.begin_redelegation(
                ctx,
                &pair.delegator,
                &pair.validator,
                dst,
                pair.amount.amount,
            )?;
            Ok(pb::MsgBeginRedelegateResponse {
                completion_time: Some(agora_proto::tendermint::google::protobuf::Timestamp {
                    seconds: (completion / 1_000_000_000) as i64,
                    nanos: (completion % 1_000_000_000) as i32,
                }),
            }
            .encode_to_vec())
        }
        StakingMsg::CancelUnbonding {
            pair,
            creation_height,
        } => {
            check_bond_denom(keeper, ctx, &pair.amount)?;
            keeper.cancel_unbonding(
                ctx,
                &pair.delegator,
                &pair.validator,
                pair.amount.amount,
                *creation_height,
            )?;
            Ok(pb::MsgCancelUnbondingDelegationResponse {}.encode_to_vec())
        }
        StakingMsg::UpdateParams { authority, params } => {
            check_authority(keeper.authority(), authority)?;
            keeper.set_params(ctx, params)?;
            Ok(pb::MsgUpdateParamsResponse {}.encode_to_vec())
        }
    }
}

pub(crate) fn check_bond_denom(keeper: &Keeper, ctx: &mut Context, coin: &Coin) -> Result<()> {
    let bond_denom = keeper.params(ctx)?.bond_denom;
    if coin.denom != bond_denom {
        return Err(invalid(format!(
            "invalid coin denomination: got {}, expected {bond_denom}",
            coin.denom
        )));
    }
    Ok(())
}
