//! Bank state layout (in the `bank` store).

use cosmwasm_std::Uint128;
use cw_storage_plus::{Item, Map};

use crate::{Metadata, Params};

/// Balances by (address bytes, denom); an address's balances are one prefix range. Zero
/// balances are deleted.
pub const BALANCES: Map<(&[u8], &str), Uint128> = Map::new("b");
/// Total supply by denom.
pub const SUPPLY: Map<&str, Uint128> = Map::new("s");
/// Denom metadata by base denom.
pub const DENOM_METADATA: Map<&str, Metadata> = Map::new("d");
/// Explicit send-enabled flags by denom (others follow `Params::default_send_enabled`).
pub const SEND_ENABLED: Map<&str, bool> = Map::new("e");
/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
