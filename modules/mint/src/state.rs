//! Mint state layout (in the `mint` store).

use cw_storage_plus::Item;

use crate::{Minter, Params};

/// The minter: current inflation and annual provisions.
pub const MINTER: Item<Minter> = Item::new("m");
/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
