//! Gov state layout (in the `gov` store). Proposals, deposits and votes are kept as their
//! protobuf encodings, as the SDK stores them: a proposal carries its Msgs as `Any`s.

use cosmwasm_std::Binary;
use cw_storage_plus::{Item, Map};

use crate::Params;

/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
/// The id the next proposal gets.
pub const NEXT_PROPOSAL_ID: Item<u64> = Item::new("n");
/// The chain's constitution (free text set at genesis).
pub const CONSTITUTION: Item<String> = Item::new("c");
/// Proposals by id: `cosmos.gov.v1.Proposal` bytes.
pub const PROPOSALS: Map<u64, Binary> = Map::new("r");
/// Deposits by (proposal id, depositor): `cosmos.gov.v1.Deposit` bytes.
pub const DEPOSITS: Map<(u64, &[u8]), Binary> = Map::new("d");
/// Votes by (proposal id, voter): `cosmos.gov.v1.Vote` bytes.
pub const VOTES: Map<(u64, &[u8]), Binary> = Map::new("v");
/// Proposals waiting for their deposit, by (deposit end time in ns, id).
pub const INACTIVE_QUEUE: Map<(u64, u64), ()> = Map::new("i");
/// Proposals in their voting period, by (voting end time in ns, id).
pub const ACTIVE_QUEUE: Map<(u64, u64), ()> = Map::new("a");
