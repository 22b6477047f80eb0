//! Staking's events, with the SDK's names and attributes.

use agora_core::{Address, Coin, Dec, Event};

use crate::Validator;

/// `create_validator{validator, amount}`.
pub fn create_validator(validator: &Validator, amount: &Coin) -> Event {
    Event::new("create_validator")
        .attr("validator", validator.operator_address())
        .attr("amount", amount.to_string())
}

/// `delegate{validator, delegator, amount, new_shares}`.
pub fn delegate(validator: &Validator, delegator: &Address, amount: &Coin, shares: Dec) -> Event {
    Event::new("delegate")
        .attr("validator", validator.operator_address())
        .attr("delegator", delegator.to_string())
        .attr("amount", amount.to_string())
        .attr("new_shares", shares.to_string())
}

/// `unbond{validator, delegator, amount, completion_time}`.
pub fn unbond(
    validator: &Validator,
    delegator: &Address,
    amount: &Coin,
    completion_nanos: u64,
) -> Event {
    Event::new("unbond")
        .attr("validator", validator.operator_address())
        .attr("delegator", delegator.to_string())
        .attr("amount", amount.to_string())
        .attr("completion_time", rfc3339(completion_nanos))
}

/// `complete_unbonding{amount, validator, delegator}`.
pub fn complete_unbonding(operator: &Address, delegator: &Address, amount: &Coin) -> Event {
    Event::new("complete_unbonding")
        .attr("amount", amount.to_string())
        .attr(
            "validator",
            operator.to_bech32_with(agora_core::VALOPER_PREFIX),
        )
        .attr("delegator", delegator.to_string())
}

/// A time as the SDK's events write it (Go's `time.RFC3339`: UTC, whole seconds).
fn rfc3339(nanos: u64) -> String {
    let secs = (nanos / 1_000_000_000) as i64;
    tendermint::Time::from_unix_timestamp(secs, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|_| secs.to_string())
}

/// `redelegate{source_validator, destination_validator, amount, completion_time}`.
pub fn redelegate(src: &Address, dst: &Address, amount: &Coin, completion_nanos: u64) -> Event {
    Event::new("redelegate")
        .attr(
            "source_validator",
            src.to_bech32_with(agora_core::VALOPER_PREFIX),
        )
        .attr(
            "destination_validator",
            dst.to_bech32_with(agora_core::VALOPER_PREFIX),
        )
        .attr("amount", amount.to_string())
        .attr("completion_time", rfc3339(completion_nanos))
}

/// `complete_redelegation{delegator, source_validator, destination_validator}`.
pub fn complete_redelegation(delegator: &Address, src: &Address, dst: &Address) -> Event {
    Event::new("complete_redelegation")
        .attr("delegator", delegator.to_string())
        .attr(
            "source_validator",
            src.to_bech32_with(agora_core::VALOPER_PREFIX),
        )
        .attr(
            "destination_validator",
            dst.to_bech32_with(agora_core::VALOPER_PREFIX),
        )
}

/// `edit_validator{commission_rate, min_self_delegation}`.
pub fn edit_validator(validator: &Validator) -> Event {
    Event::new("edit_validator")
        .attr("commission_rate", validator.commission.rate.to_string())
        .attr(
            "min_self_delegation",
            validator.min_self_delegation.to_string(),
        )
}
