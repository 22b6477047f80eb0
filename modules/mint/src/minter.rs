//! The minter and its arithmetic, as the SDK's `x/mint/types/minter.go`, with `LegacyDec`'s
//! operation order and rounding so every result matches the SDK's to the last digit.

use agora_core::{Coin, Dec, Result};
use serde::{Deserialize, Serialize};

use crate::Params;

/// The minter's state: the current annual inflation rate and the annual provisions it gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minter {
    /// The current annual inflation rate.
    pub inflation: Dec,
    /// The current annual expected provisions, in the mint denom.
    pub annual_provisions: Dec,
}

impl Default for Minter {
    /// The SDK's `DefaultInitialMinter`: inflation 0.13, no provisions yet.
    fn default() -> Self {
        Self {
            inflation: "0.13".parse().expect("a constant decimal"),
            annual_provisions: Dec::zero(),
        }
    }
}

impl Minter {
    /// The SDK's `NextInflationRate`: the inflation moves by
    /// `(1 - bonded_ratio / goal_bonded) * inflation_rate_change / blocks_per_year` (each step
    /// a `LegacyDec` `Quo` or `Mul`, rounded half to even), then is clamped to
    /// `[inflation_min, inflation_max]` (max checked first, as the SDK). The change is negative
    /// above the goal; it is carried as a magnitude and a sign, which rounds the same as the
    /// SDK's symmetric rounding of negative decimals.
    pub fn next_inflation_rate(&self, params: &Params, bonded_ratio: Dec) -> Result<Dec> {
        let ratio = bonded_ratio.quo_round(params.goal_bonded)?;
        let one = Dec::one();
        let (gap, below_goal) = if ratio <= one {
            (one.checked_sub(ratio)?, true)
        } else {
            (ratio.checked_sub(one)?, false)
        };
        let per_year = gap.mul_round(params.inflation_rate_change)?;
        let blocks = Dec::from_int(u128::from(params.blocks_per_year))?;
        let change = per_year.quo_round(blocks)?;
        let inflation = if below_goal {
            self.inflation.checked_add(change)?
        } else {
            // Below zero is below any minimum (>= 0), so zero clamps the same.
            self.inflation.checked_sub(change).unwrap_or_default()
        };
        Ok(inflation
            .min(params.inflation_max)
            .max(params.inflation_min))
    }

    /// The SDK's `NextAnnualProvisions`: `inflation * total_supply`, exact.
    pub fn next_annual_provisions(&self, total_supply: u128) -> Result<Dec> {
        self.inflation.mul_int_quo_int(total_supply, 1)
    }

    /// The SDK's `BlockProvision`: `annual_provisions / blocks_per_year` (`QuoInt`, truncated),
    /// truncated to a whole coin of the mint denom.
    pub fn block_provision(&self, params: &Params) -> Result<Coin> {
        let per_block = self
            .annual_provisions
            .mul_int_quo_int(1, u128::from(params.blocks_per_year))?;
        Ok(Coin::new(per_block.truncate()?, params.mint_denom.clone()))
    }
}
