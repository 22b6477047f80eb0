//! `MsgEditValidator`: a new description, commission rate or (higher) minimum self delegation.

use agora_core::{Address, Context, Result};
use agora_proto::cosmos::staking::v1beta1 as pb;
use agora_proto::Any;

use super::{invalid, MSG_EDIT_VALIDATOR_TYPE_URL};
use crate::errors::StakingCode;
use crate::validator::Description;
use crate::{events, Keeper};

/// A checked `MsgEditValidator`: what to change.
pub(super) struct EditValidator {
    pub(super) operator: Address,
    description: Description,
    commission_rate: Option<agora_core::Dec>,
    min_self_delegation: Option<u128>,
}

/// Decodes and checks a `MsgEditValidator`.
pub(super) fn check(msg: &Any) -> Result<EditValidator> {
    let m: pb::MsgEditValidator = agora_core::decode_any(msg, MSG_EDIT_VALIDATOR_TYPE_URL)?;
    let operator = Address::from_valoper(&m.validator_address)?;
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
pub(super) fn execute(keeper: &Keeper, ctx: &mut Context, edit: &EditValidator) -> Result<()> {
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
