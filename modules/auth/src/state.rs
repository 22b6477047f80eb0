//! Auth state layout (in the `auth` store).

use cw_storage_plus::{Item, Map};

use crate::{Account, Params};

/// Accounts by address bytes.
pub const ACCOUNTS: Map<&[u8], Account> = Map::new("a");
/// The account number the next new account gets.
pub const NEXT_ACCOUNT_NUMBER: Item<u64> = Item::new("n");
/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
