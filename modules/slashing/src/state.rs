//! Slashing state layout (in the `slashing` store) and the signing info it keeps.

use cw_storage_plus::{Item, Map};
use serde::{Deserialize, Serialize};

use crate::Params;

/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
/// Signing info by consensus address bytes.
pub const SIGNING_INFOS: Map<&[u8], SigningInfo> = Map::new("s");
/// The missed blocks of each validator's window: (consensus address, index in the window);
/// an index not stored was signed.
pub const MISSED: Map<(&[u8], u64), ()> = Map::new("m");

/// A validator's liveness record (the SDK's `ValidatorSigningInfo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningInfo {
    /// The height it last joined the bonded set.
    pub start_height: u64,
    /// How many blocks it should have signed since its window started.
    pub index_offset: u64,
    /// Until when it stays jailed (year 9999 once tombstoned).
    pub jailed_until: tendermint::Time,
    /// Whether it double signed: it can never be unjailed.
    pub tombstoned: bool,
    /// How many blocks of the current window it missed.
    pub missed_blocks_counter: u64,
}

impl SigningInfo {
    /// A fresh record of a validator bonded at `height`.
    pub fn new(height: u64) -> Self {
        Self {
            start_height: height,
            index_offset: 0,
            jailed_until: tendermint::Time::unix_epoch(),
            tombstoned: false,
            missed_blocks_counter: 0,
        }
    }
}
