//! agora-evidence: double signs punished (the SDK's x/evidence, v0.50 semantics).
//!
//! Each BeginBlock takes the `misbehavior` consensus reports: evidence of a validator that
//! is bonded or unbonding, within the consensus params' evidence age and not yet
//! tombstoned slashes it by `slash_fraction_double_sign` (with the unbonding delegations
//! and redelegations that left it after the infraction), jails it for ever and tombstones
//! it. The evidence is kept under its hash; queries Evidence and AllEvidence.

pub mod expected;
mod genesis;
mod keeper;
mod queries;

use std::sync::Arc;

use agora_core::{Context, Module, Result, ValidatorUpdate};

pub use keeper::{evidence_hash, Keeper};

/// The module name: store, codespace and genesis key.
pub const MODULE: &str = "evidence";
/// `evidence/4`: no evidence with the hash asked for (the SDK's `ErrNoEvidenceExists`).
pub const NO_EVIDENCE_EXISTS: u32 = 4;

/// The evidence module, over its keeper.
pub struct Evidence {
    keeper: Arc<Keeper>,
}

impl Evidence {
    /// The evidence module of `keeper`.
    pub fn new(keeper: Arc<Keeper>) -> Self {
        Self { keeper }
    }
}

impl Module for Evidence {
    fn name(&self) -> &'static str {
        MODULE
    }

    fn default_genesis(&self) -> serde_json::Value {
        genesis::default_json()
    }

    fn validate_genesis(&self, genesis: &serde_json::Value) -> Result<()> {
        genesis::parse(genesis).map(|_| ())
    }

    fn init_genesis(
        &self,
        ctx: &mut Context,
        genesis: &serde_json::Value,
    ) -> Result<Vec<ValidatorUpdate>> {
        let evidence = genesis::parse(genesis)?;
        genesis::init(&self.keeper, ctx, &evidence)?;
        Ok(Vec::new())
    }

    fn export_genesis(&self, ctx: &mut Context) -> Result<serde_json::Value> {
        genesis::export(&self.keeper, ctx)
    }

    /// Punishes the double signs consensus reports.
    fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        self.keeper.begin_block(ctx)
    }

    fn query_paths(&self) -> &'static [&'static str] {
        queries::PATHS
    }

    fn query(&self, ctx: &mut Context, path: &str, data: &[u8]) -> Result<Vec<u8>> {
        queries::handle(&self.keeper, ctx, path, data)
    }
}
