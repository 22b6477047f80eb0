//! Staking state layout (in the `staking` store).

use agora_core::Dec;
use cw_storage_plus::{Item, Map};

use crate::redelegation::Redelegation;
use crate::unbonding::UnbondingDelegation;
use crate::{Params, Validator};

/// Validators by operator address bytes.
pub const VALIDATORS: Map<&[u8], Validator> = Map::new("v");
/// Operator address bytes by consensus public key, so one key serves one validator.
pub const BY_CONSENSUS_KEY: Map<&[u8], Vec<u8>> = Map::new("k");
/// Operator address bytes by consensus address, to find the validator of a vote or evidence.
pub const BY_CONSENSUS_ADDRESS: Map<&[u8], Vec<u8>> = Map::new("c");
/// Delegation shares by (delegator, validator) address bytes.
pub const DELEGATIONS: Map<(&[u8], &[u8]), Dec> = Map::new("d");
/// The same delegations by (validator, delegator), for a validator's delegations.
pub const BY_VALIDATOR: Map<(&[u8], &[u8]), ()> = Map::new("w");
/// The power each bonded validator had in the last validator set sent to the engine.
pub const LAST_POWER: Map<&[u8], i64> = Map::new("l");
/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
/// Unbonding delegations by (delegator, validator).
pub const UNBONDING: Map<(&[u8], &[u8]), UnbondingDelegation> = Map::new("u");
/// The same pairs by (validator, delegator), for a validator's unbonding delegations.
pub const UNBONDING_BY_VALIDATOR: Map<(&[u8], &[u8]), ()> = Map::new("x");
/// The pairs with an entry completing at a time: (completion nanos, delegator, validator).
pub const UNBONDING_QUEUE: Map<(u64, &[u8], &[u8]), ()> = Map::new("q");
/// A key of three addresses' bytes.
type ThreeAddresses<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// Redelegations by (delegator, source, destination).
pub const REDELEGATIONS: Map<ThreeAddresses, Redelegation> = Map::new("r");
/// The same by (delegator, destination, source): whether a delegator is still redelegating
/// into a validator.
pub const REDELEGATIONS_BY_DST: Map<ThreeAddresses, ()> = Map::new("s");
/// Redelegations by (source, delegator, destination), for a source's redelegations.
pub const REDELEGATIONS_BY_SRC: Map<ThreeAddresses, ()> = Map::new("y");
/// Redelegations with an entry completing at a time: (completion nanos, delegator, the
/// source and destination joined by [`crate::redelegation::joined`]).
pub const REDELEGATION_QUEUE: Map<(u64, &[u8], &[u8]), ()> = Map::new("t");
/// Encoded `HistoricalInfo` by block height, the last `historical_entries` of them.
pub const HISTORICAL_INFO: Map<u64, Vec<u8>> = Map::new("i");
