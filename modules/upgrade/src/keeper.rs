//! The upgrade keeper: the only way to upgrade's store. The scheduled plan, the upgrades
//! applied, the module version map and the upgraded IBC states, plus this node's
//! [`Upgrades`] (handlers and skipped heights).

use std::sync::atomic::AtomicBool;

use agora_core::{Address, Context, Error, Result, SdkCode, StoreKey, VersionMap};
use cosmwasm_std::{Order, Storage as _};

use crate::state::{self, DONE, PLAN, VERSIONS};
use crate::{Plan, Upgrades};

/// The upgrade keeper.
pub struct Keeper {
    pub(crate) key: StoreKey,
    authority: Address,
    pub(crate) upgrades: Upgrades,
    /// Whether this process checked, at its first block, that it has the handler of the last
    /// applied upgrade (the SDK's `downgradeVerified`).
    pub(crate) downgrade_verified: AtomicBool,
}

impl Keeper {
    /// A keeper over `key`, scheduled by `authority`, running `upgrades` at plan heights.
    pub fn new(key: StoreKey, authority: Address, upgrades: Upgrades) -> Self {
        Self {
            key,
            authority,
            upgrades,
            downgrade_verified: AtomicBool::new(false),
        }
    }

    /// Who may schedule and cancel upgrades.
    pub fn authority(&self) -> &Address {
        &self.authority
    }

    /// The scheduled plan, if any.
    pub fn plan(&self, ctx: &mut Context) -> Result<Option<Plan>> {
        Ok(PLAN.may_load(&ctx.kv(&self.key))?)
    }

    /// Schedules `plan`, replacing any other (the SDK's `ScheduleUpgrade`): not below the
    /// current height, and not under the name of an applied upgrade.
    pub fn schedule(&self, ctx: &mut Context, plan: &Plan) -> Result<()> {
        if plan.height < ctx.block.height {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!(
                    "upgrade cannot be scheduled in the past: height {} is below the current height {}",
                    plan.height, ctx.block.height
                ),
            ));
        }
        if self.done_height(ctx, &plan.name)? != 0 {
            return Err(Error::sdk(
                SdkCode::InvalidRequest,
                format!("upgrade with name {} has already been completed", plan.name),
            ));
        }
        self.clear_plan(ctx)?;
        Ok(PLAN.save(&mut ctx.kv(&self.key), plan)?)
    }

    /// Removes the scheduled plan and the upgraded IBC states stored for it (the SDK's
    /// `ClearUpgradePlan`); nothing to do without one.
    pub fn clear_plan(&self, ctx: &mut Context) -> Result<()> {
        if let Some(old) = self.plan(ctx)? {
            self.clear_ibc_state(ctx, old.height);
            PLAN.remove(&mut ctx.kv(&self.key));
        }
        Ok(())
    }

    /// The height the upgrade `name` was applied at; 0 if it never was.
    pub fn done_height(&self, ctx: &mut Context, name: &str) -> Result<u64> {
        Ok(DONE.may_load(&ctx.kv(&self.key), name)?.unwrap_or(0))
    }

    /// The last applied upgrade and its height, if any.
    pub fn last_applied(&self, ctx: &mut Context) -> Result<Option<(String, u64)>> {
        let kv = ctx.kv(&self.key);
        let mut last: Option<(String, u64)> = None;
        for entry in DONE.range(&kv, None, None, Order::Ascending) {
            let (name, height) = entry?;
            if last.as_ref().is_none_or(|(_, h)| height > *h) {
                last = Some((name, height));
            }
        }
        Ok(last)
    }

    /// The module version map in state.
    pub fn module_versions(&self, ctx: &mut Context) -> Result<VersionMap> {
        let kv = ctx.kv(&self.key);
        VERSIONS
            .range(&kv, None, None, Order::Ascending)
            .map(|entry| Ok(entry?))
            .collect()
    }

    /// One module's version in state, if the map has it.
    pub fn module_version(&self, ctx: &mut Context, module: &str) -> Result<Option<u64>> {
        Ok(VERSIONS.may_load(&ctx.kv(&self.key), module)?)
    }

    /// Writes every entry of `versions` into the version map (others stay, as the SDK's
    /// `SetModuleVersionMap`).
    pub fn set_module_versions(&self, ctx: &mut Context, versions: &VersionMap) -> Result<()> {
        let mut kv = ctx.kv(&self.key);
        for (module, version) in versions {
            VERSIONS.save(&mut kv, module, version)?;
        }
        Ok(())
    }

    /// Stores the client state a counterparty's IBC client upgrades to at the plan at
    /// `plan_height` (what IBC's `MsgIBCSoftwareUpgrade` writes).
    pub fn set_upgraded_client(&self, ctx: &mut Context, plan_height: u64, client: &[u8]) {
        ctx.kv(&self.key)
            .set(&state::upgraded_client_key(plan_height), client);
    }

    /// Stores the consensus state a counterparty's IBC client upgrades to after the last
    /// block before the plan at `plan_height`.
    pub fn set_upgraded_consensus_state(&self, ctx: &mut Context, plan_height: u64, state: &[u8]) {
        ctx.kv(&self.key)
            .set(&state::upgraded_consensus_state_key(plan_height), state);
    }

    /// The upgraded IBC client state stored for the plan at `plan_height`.
    pub fn upgraded_client(&self, ctx: &mut Context, plan_height: u64) -> Option<Vec<u8>> {
        ctx.kv(&self.key)
            .get(&state::upgraded_client_key(plan_height))
    }

    /// The upgraded IBC consensus state stored for the plan at `plan_height`.
    pub fn upgraded_consensus_state(&self, ctx: &mut Context, plan_height: u64) -> Option<Vec<u8>> {
        ctx.kv(&self.key)
            .get(&state::upgraded_consensus_state_key(plan_height))
    }

    /// Removes the upgraded IBC states of the plan at `plan_height`.
    fn clear_ibc_state(&self, ctx: &mut Context, plan_height: u64) {
        let mut kv = ctx.kv(&self.key);
        kv.remove(&state::upgraded_client_key(plan_height));
        kv.remove(&state::upgraded_consensus_state_key(plan_height));
    }

    /// Runs `plan`'s handler on the version map in state and stores the map it returns,
    /// then clears the plan and its IBC states and records the upgrade as applied at this
    /// height (the SDK's `ApplyUpgrade`).
    pub(crate) fn apply(&self, ctx: &mut Context, plan: &Plan) -> Result<()> {
        let handler = self
            .upgrades
            .handler(&plan.name)
            .ok_or_else(|| Error::internal(format!("no handler for upgrade {:?}", plan.name)))?;
        let from = self.module_versions(ctx)?;
        let to = handler(ctx, plan, &from)?;
        self.set_module_versions(ctx, &to)?;
        self.clear_plan(ctx)?;
        let height = ctx.block.height;
        Ok(DONE.save(&mut ctx.kv(&self.key), &plan.name, &height)?)
    }
}
