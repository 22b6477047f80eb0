//! Staking's Msgs so far: `MsgCreateValidator`, `MsgDelegate` and the authority's
//! `MsgUpdateParams`, with the SDK's checks and errors.

use agora_core::authority::{authority_signer, check_authority};
use agora_core::{
    decode_any, Address, Coin, Context, DecodedMsg, Error, Result, SdkCode, VALOPER_PREFIX,
};
use agora_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use agora_proto::cosmos::crypto::ed25519;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use prost::{Message, Name};

use crate::errors::StakingCode;
use crate::keeper::TokenSource;
use crate::validator::{Commission, Description};
use crate::{events, BondStatus, Keeper, Params, Validator};

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

/// A checked `MsgCreateValidator`.
struct CreateValidator {
    operator: Address,
    consensus_pubkey: Vec<u8>,
    description: Description,
    commission: pb::CommissionRates,
    min_self_delegation: u128,
    value: Coin,
}

/// A checked `MsgEditValidator`: what to change.
struct EditValidator {
    operator: Address,
    description: Description,
    commission_rate: Option<agora_core::Dec>,
    min_self_delegation: Option<u128>,
}

/// A checked `MsgDelegate`.
struct Delegate {
    delegator: Address,
    validator: Address,
    amount: Coin,
}

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

fn invalid(detail: impl std::fmt::Display) -> Error {
    Error::sdk(SdkCode::InvalidRequest, detail)
}

/// A valoper address.
fn validator_address(s: &str) -> Result<Address> {
    Address::from_bech32_with(VALOPER_PREFIX, s).map_err(|e| {
        Error::sdk(
            SdkCode::InvalidAddress,
            format!("invalid validator address: {}", e.msg),
        )
    })
}

/// A positive coin with an integer amount (the SDK's "invalid delegation amount").
fn positive_coin(coin: Option<&ProtoCoin>) -> Result<Coin> {
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
            let create = check_create_validator(msg)?;
            (create.operator.clone(), StakingMsg::CreateValidator(create))
        }
        MSG_EDIT_VALIDATOR_TYPE_URL => {
            let edit = check_edit_validator(msg)?;
            (edit.operator.clone(), StakingMsg::EditValidator(edit))
        }
        MSG_DELEGATE_TYPE_URL => {
            let m: pb::MsgDelegate = decode_any(msg, MSG_DELEGATE_TYPE_URL)?;
            let pair = check_pair(
                &m.delegator_address,
                &m.validator_address,
                m.amount.as_ref(),
            )?;
            (pair.delegator.clone(), StakingMsg::Delegate(pair))
        }
        MSG_UNDELEGATE_TYPE_URL => {
            let m: pb::MsgUndelegate = decode_any(msg, MSG_UNDELEGATE_TYPE_URL)?;
            let pair = check_pair(
                &m.delegator_address,
                &m.validator_address,
                m.amount.as_ref(),
            )?;
            (pair.delegator.clone(), StakingMsg::Undelegate(pair))
        }
        MSG_REDELEGATE_TYPE_URL => {
            let m: pb::MsgBeginRedelegate = decode_any(msg, MSG_REDELEGATE_TYPE_URL)?;
            let pair = check_pair(
                &m.delegator_address,
                &m.validator_src_address,
                m.amount.as_ref(),
            )?;
            let dst = validator_address(&m.validator_dst_address)?;
            (pair.delegator.clone(), StakingMsg::Redelegate { pair, dst })
        }
        MSG_CANCEL_UNBONDING_TYPE_URL => {
            let m: pb::MsgCancelUnbondingDelegation =
                decode_any(msg, MSG_CANCEL_UNBONDING_TYPE_URL)?;
            let pair = check_pair(
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

fn check_edit_validator(msg: &Any) -> Result<EditValidator> {
    let m: pb::MsgEditValidator = decode_any(msg, MSG_EDIT_VALIDATOR_TYPE_URL)?;
    let operator = validator_address(&m.validator_address)?;
    let description = Description::from_proto(&m.description.unwrap_or_default());
    if description.is_empty() {
        return Err(invalid("empty description"));
    }
    let commission_rate = match m.commission_rate.as_str() {
        "" => None,
        rate => {
            let rate = agora_core::Dec::from_atomics_str(rate)?;
            if rate > agora_core::Dec::one() {
                return Err(invalid(
                    "commission rate must be between 0 and 1 (inclusive)",
                ));
            }
            Some(rate)
        }
    };
    let min_self_delegation = match m.min_self_delegation.as_str() {
        "" => None,
        n => Some(
            n.parse::<u128>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| invalid("minimum self delegation must be a positive integer"))?,
        ),
    };
    Ok(EditValidator {
        operator,
        description,
        commission_rate,
        min_self_delegation,
    })
}

/// The SDK's `EditValidator`: a new description, rate or (higher) minimum self delegation.
fn edit_validator(keeper: &Keeper, ctx: &mut Context, edit: &EditValidator) -> Result<()> {
    let mut validator = keeper.existing_validator(ctx, &edit.operator)?;
    let description = validator.description.updated(&edit.description);
    description.ensure_length()?;
    validator.description = description;
    if let Some(rate) = edit.commission_rate {
        keeper.each_hook(ctx, |h, ctx| {
            h.before_validator_modified(ctx, &edit.operator)
        })?;
        let min_rate = keeper.params(ctx)?.min_commission_rate;
        validator.commission =
            validator
                .commission
                .with_new_rate(rate, ctx.block.time.nanos(), min_rate)?;
    }
    if let Some(min) = edit.min_self_delegation {
        if min <= validator.min_self_delegation {
            return Err(StakingCode::MinSelfDelegationDecreased.bare());
        }
        if min > validator.tokens {
            return Err(StakingCode::SelfDelegationBelowMinimum.bare());
        }
        validator.min_self_delegation = min;
    }
    keeper.set_validator(ctx, &validator)?;
    ctx.emit(events::edit_validator(&validator));
    Ok(())
}

/// A (delegator, validator, positive amount) triple, checked.
fn check_pair(delegator: &str, validator: &str, amount: Option<&ProtoCoin>) -> Result<Delegate> {
    let delegator = Address::from_bech32(delegator).map_err(|e| {
        Error::sdk(
            SdkCode::InvalidAddress,
            format!("invalid delegator address: {}", e.msg),
        )
    })?;
    Ok(Delegate {
        validator: validator_address(validator)?,
        amount: positive_coin(amount)?,
        delegator,
    })
}

fn check_create_validator(msg: &Any) -> Result<CreateValidator> {
    let m: pb::MsgCreateValidator = decode_any(msg, MSG_CREATE_VALIDATOR_TYPE_URL)?;
    let operator = validator_address(&m.validator_address)?;
    let pubkey = m
        .pubkey
        .as_ref()
        .ok_or_else(|| StakingCode::EmptyValidatorPubKey.bare())?;
    if pubkey.type_url != ed25519::PubKey::type_url() {
        return Err(StakingCode::ValidatorPubKeyTypeNotSupported.err(format!(
            "got: {}, expected: {}",
            pubkey.type_url,
            ed25519::PubKey::type_url()
        )));
    }
    let key = ed25519::PubKey::decode(pubkey.value.as_slice())
        .ok()
        .filter(|k| k.key.len() == 32)
        .ok_or_else(|| {
            Error::sdk(
                SdkCode::InvalidPubKey,
                "an ed25519 consensus key is 32 bytes",
            )
        })?;
    let value = positive_coin(m.value.as_ref())?;
    let description = Description::from_proto(&m.description.unwrap_or_default());
    if description.is_empty() {
        return Err(invalid("empty description"));
    }
    let commission = m.commission.unwrap_or_default();
    if commission == pb::CommissionRates::default() {
        return Err(invalid("empty commission"));
    }
    Commission::from_rates(&commission, 0)?;
    let min_self_delegation: u128 = m
        .min_self_delegation
        .parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| invalid("minimum self delegation must be a positive integer"))?;
    if value.amount < min_self_delegation {
        return Err(StakingCode::SelfDelegationBelowMinimum.bare());
    }
    Ok(CreateValidator {
        operator,
        consensus_pubkey: key.key,
        description,
        commission,
        min_self_delegation,
        value,
    })
}

/// Executes a decoded staking Msg; returns the encoded response.
pub fn handle(keeper: &Keeper, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
    match msg.value::<StakingMsg>()? {
        StakingMsg::CreateValidator(create) => {
            create_validator(keeper, ctx, create)?;
            Ok(pb::MsgCreateValidatorResponse {}.encode_to_vec())
        }
        StakingMsg::EditValidator(edit) => {
            edit_validator(keeper, ctx, edit)?;
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

fn check_bond_denom(keeper: &Keeper, ctx: &mut Context, coin: &Coin) -> Result<()> {
    let bond_denom = keeper.params(ctx)?.bond_denom;
    if coin.denom != bond_denom {
        return Err(invalid(format!(
            "invalid coin denomination: got {}, expected {bond_denom}",
            coin.denom
        )));
    }
    Ok(())
}

/// The SDK's `CreateValidator`: checks against state, then a new unbonded validator that
/// delegates its `value` to itself.
fn create_validator(keeper: &Keeper, ctx: &mut Context, create: &CreateValidator) -> Result<()> {
    let params = keeper.params(ctx)?;
    let commission = Commission::from_rates(&create.commission, ctx.block.time.nanos())?;
    if commission.rate < params.min_commission_rate {
        return Err(StakingCode::CommissionLtMinRate.err(format!(
            "cannot set validator commission to less than minimum rate of {}",
            params.min_commission_rate
        )));
    }
    if keeper.validator(ctx, &create.operator)?.is_some() {
        return Err(StakingCode::ValidatorOwnerExists.bare());
    }
    if keeper.has_consensus_key(ctx, &create.consensus_pubkey) {
        return Err(StakingCode::ValidatorPubKeyExists.bare());
    }
    let accepted = keeper.accepted_key_types(ctx)?;
    if !accepted.iter().any(|t| t == "ed25519") {
        return Err(StakingCode::ValidatorPubKeyTypeNotSupported
            .err(format!("got: ed25519, expected: {}", accepted.join(", "))));
    }
    check_bond_denom(keeper, ctx, &create.value)?;
    create.description.ensure_length()?;
    let mut validator = Validator {
        operator: create.operator.clone(),
        consensus_pubkey: create.consensus_pubkey.clone(),
        jailed: false,
        status: BondStatus::Unbonded,
        tokens: 0,
        delegator_shares: agora_core::Dec::zero(),
        description: create.description.clone(),
        unbonding_height: 0,
        unbonding_time_nanos: 0,
        commission,
        min_self_delegation: create.min_self_delegation,
    };
    keeper.set_validator(ctx, &validator)?;
    keeper.each_hook(ctx, |h, ctx| {
        h.after_validator_created(ctx, &create.operator)
    })?;
    ctx.emit(events::create_validator(&validator, &create.value));
    keeper.delegate(
        ctx,
        &create.operator,
        &mut validator,
        create.value.amount,
        TokenSource::Account,
    )?;
    Ok(())
}
