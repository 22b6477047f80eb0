//! Upgrade state layout (in the `upgrade` store). The upgraded IBC client and consensus
//! states sit under the SDK's raw keys, which IBC counterparties prove against.

use cw_storage_plus::{Item, Map};

use crate::Plan;

/// The scheduled plan, if any.
pub const PLAN: Item<Plan> = Item::new("plan");
/// The height each applied upgrade ran at, by name.
pub const DONE: Map<&str, u64> = Map::new("done");
/// Each module's consensus version in state, by module name.
pub const VERSIONS: Map<&str, u64> = Map::new("versions");

/// The SDK's key of the upgraded IBC client state for a plan at `height`.
pub fn upgraded_client_key(height: u64) -> Vec<u8> {
    format!("upgradedIBCState/{height}/upgradedClient").into_bytes()
}

/// The SDK's key of the upgraded IBC consensus state for a plan at `height`.
pub fn upgraded_consensus_state_key(height: u64) -> Vec<u8> {
    format!("upgradedIBCState/{height}/upgradedConsState").into_bytes()
}
