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
