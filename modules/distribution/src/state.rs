//! Distribution state layout (in the `distribution` store) and the F1 records it holds.

use agora_core::{Dec, DecCoins};
use cw_storage_plus::{Item, Map};
use serde::{Deserialize, Serialize};

use crate::Params;

/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
/// The community pool (its coins sit in the distribution module account).
pub const COMMUNITY_POOL: Item<DecCoins> = Item::new("c");
/// The previous block's proposer (consensus address bytes).
pub const PREVIOUS_PROPOSER: Item<Vec<u8>> = Item::new("x");
/// Where a delegator's rewards go, when not to the delegator itself.
pub const WITHDRAW_ADDRESSES: Map<&[u8], Vec<u8>> = Map::new("w");
/// Rewards a validator was allocated and nobody has withdrawn yet (commission included).
pub const OUTSTANDING: Map<&[u8], DecCoins> = Map::new("o");
/// A validator's commission not yet withdrawn.
pub const COMMISSION: Map<&[u8], DecCoins> = Map::new("m");
/// A validator's cumulative reward ratio at the end of each referenced period.
pub const HISTORICAL: Map<(&[u8], u64), HistoricalRewards> = Map::new("h");
/// A validator's rewards in its current period.
pub const CURRENT: Map<&[u8], CurrentRewards> = Map::new("r");
/// Where each delegation's reward accounting starts: by (validator, delegator).
pub const STARTING_INFO: Map<(&[u8], &[u8]), StartingInfo> = Map::new("s");
/// Slashes of a validator by (validator, height, period).
pub const SLASH_EVENTS: Map<(&[u8], u64, u64), SlashEvent> = Map::new("e");

/// The rewards per token a validator's delegators earned from period 0 to the end of a
/// period, and how many delegations and slash events still refer to that period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoricalRewards {
    /// Cumulative rewards per token of stake.
    pub cumulative_reward_ratio: DecCoins,
    /// How many records refer to this period; at 0 it is deleted.
    pub reference_count: u32,
}

/// A validator's rewards since its current period began.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentRewards {
    /// Rewards for the delegators (after commission) this period.
    pub rewards: DecCoins,
    /// The current period's number.
    pub period: u64,
}

/// Where a delegation's reward accounting starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartingInfo {
    /// The period ended when the delegation was created or last changed.
    pub previous_period: u64,
    /// The delegation's stake in tokens then (truncated).
    pub stake: Dec,
    /// The block height then.
    pub height: u64,
}

/// A slash of a validator: the period it ended and the fraction of stake it took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlashEvent {
    /// The period the slash ended.
    pub validator_period: u64,
    /// The fraction slashed.
    pub fraction: Dec,
}
