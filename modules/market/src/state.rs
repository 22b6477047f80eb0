//! Market state layout (in the `market` store). Records are their protobuf encodings.

use cosmwasm_std::Binary;
use cw_storage_plus::{Item, Map};

/// The params (`agora.market.v1.Params`).
pub const PARAMS: Item<Binary> = Item::new("params");
/// Providers (`agora.market.v1.Provider`) by their owner's address bytes.
pub const PROVIDERS: Map<&[u8], Binary> = Map::new("providers");
/// Deregistering providers by (bond release time in ns, owner): what EndBlock releases.
pub const RELEASES: Map<(u64, &[u8]), bool> = Map::new("releases");
