//! Auth state layout (under the `auth` module prefix).

use cw_storage_plus::{Item, Map};

use crate::{Account, Params};

/// Accounts by address bytes.
pub const ACCOUNTS: Map<&[u8], Account> = Map::new("a");
/// The account number the next new account gets.
pub const NEXT_ACCOUNT_NUMBER: Item<u64> = Item::new("n");
/// The module params.
pub const PARAMS: Item<Params> = Item::new("p");
/// Permissions of the module accounts the app registered (name -> permissions), written at
/// genesis so [`crate::keeper::module_account`] can create a module account when first used.
pub const MODULE_PERMISSIONS: Map<&str, Vec<String>> = Map::new("m");
