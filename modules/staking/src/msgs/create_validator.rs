//! `MsgCreateValidator`: a new unbonded validator delegating its `value` to itself.

use agora_core::{Address, Coin, Context, Error, Result, SdkCode};
use agora_proto::cosmos::crypto::ed25519;
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;
use prost::{Message, Name};

use super::{check_bond_denom, invalid, positive_coin, MSG_CREATE_VALIDATOR_TYPE_URL};
use crate::errors::StakingCode;
use crate::keeper::TokenSource;
use crate::validator::{Commission, Description};
use crate::{events, BondStatus, Keeper, Validator};

/// A checked `MsgCreateValidator`.
pub(super) struct CreateValidator {
    pub(super) operator: Address,
    consensus_pubkey: Vec<u8>,
    description: Description,
    commission: pb::CommissionRates,
    min_self_delegation: u128,
    value: Coin,
}

/// Decodes and checks a `MsgCreateValidator`.
pub(super) fn check(msg: &Any) -> Result<CreateValidator> {
    let m: pb::MsgCreateValidator = agora_core::decode_any(msg, MSG_CREATE_VALIDATOR_TYPE_URL)?;
    let operator = Address::from_valoper(&m.validator_address)?;
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

/// The SDK's `CreateValidator`: checks against state, then a new unbonded validator that
/// delegates its `value` to itself.
pub(super) fn execute(keeper: &Keeper, ctx: &mut Context, create: &CreateValidator) -> Result<()> {
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
    keeper.add_validator(ctx, &validator)?;
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
