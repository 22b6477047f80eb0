//! Mint's events, with the SDK's names and attributes.

use agora_core::{Dec, Event};

use crate::Minter;

/// `mint{bonded_ratio, inflation, annual_provisions, amount}`, emitted by each BeginBlock.
pub fn mint(bonded_ratio: Dec, minter: &Minter, amount: u128) -> Event {
    Event::new("mint")
        .attr("bonded_ratio", bonded_ratio.to_string())
        .attr("inflation", minter.inflation.to_string())
        .attr("annual_provisions", minter.annual_provisions.to_string())
        .attr("amount", amount.to_string())
}
