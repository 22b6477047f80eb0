//! agora-auth: accounts (public keys, account numbers, sequences), module accounts and the
//! auth params the ante handler reads. Queries answer `/cosmos.auth.v1beta1.Query/...` with the
//! standard protobuf types, so cosmjs and the CLI read accounts unchanged.

mod account;
mod genesis;
pub mod keeper;
mod params;
mod queries;
mod state;

use agora_core::{Context, Module, Result};

pub use account::{
    Account, ModuleAccountInfo, BASE_ACCOUNT_TYPE_URL, MODULE_ACCOUNT_TYPE_URL,
    SECP256K1_PUBKEY_TYPE_URL,
};
pub use params::Params;

/// The module name: store prefix, codespace and genesis key.
pub const MODULE: &str = "auth";
/// The module account that collects tx fees.
pub const FEE_COLLECTOR: &str = "fee_collector";
/// Permission to mint coins (`authtypes.Minter`).
pub const MINTER: &str = "minter";
/// Permission to burn coins (`authtypes.Burner`).
pub const BURNER: &str = "burner";
/// Permission to hold staked coins (`authtypes.Staking`).
pub const STAKING: &str = "staking";

/// The auth module, knowing the app's module accounts and their permissions.
pub struct Auth {
    module_accounts: Vec<(&'static str, &'static [&'static str])>,
}

impl Auth {
    /// An auth module whose module accounts are `(name, permissions)`, as the SDK's `maccPerms`.
    pub fn new(module_accounts: &[(&'static str, &'static [&'static str])]) -> Self {
        Self {
            module_accounts: module_accounts.to_vec(),
        }
    }
}

impl Module for Auth {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn default_genesis(&self) -> serde_json::Value {
        genesis::default_json()
    }

    fn validate_genesis(&self, genesis: &serde_json::Value) -> Result<()> {
        genesis::parse(genesis).map(|_| ())
    }

    fn init_genesis(&self, ctx: &mut Context, genesis: &serde_json::Value) -> Result<()> {
        let state = genesis::parse(genesis)?;
        genesis::init(ctx, &state, &self.module_accounts)
    }

    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value> {
        genesis::export(ctx)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        queries::handle(ctx, path, data)
    }
}
