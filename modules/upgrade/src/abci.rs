//! Upgrade's PreBlock (the SDK's `PreBlocker`), run before every BeginBlock: at a plan's
//! height the node skips it, applies it with its handler, or stops.

use std::sync::atomic::Ordering;

use agora_core::{Context, Error, Result};

use crate::{Keeper, UpgradeNeeded};

impl Keeper {
    /// Runs the block's upgrade step. `Some` means this node must stop before the block: the
    /// plan is due and this binary has no handler for it (the SDK panics there). Errors when
    /// the binary does not match the chain: it already has the handler of a plan not yet due,
    /// or (checked at this process's first block) lacks the handler of the last applied one.
    pub fn pre_block(&self, ctx: &mut Context) -> Result<Option<UpgradeNeeded>> {
        let height = ctx.block.height;
        let plan = self.plan(ctx)?;
        let due = plan.as_ref().is_some_and(|p| p.is_due(height));
        if !self.downgrade_verified.swap(true, Ordering::SeqCst)
            && (!due || self.upgrades.skips(height))
        {
            if let Some((name, at)) = self.last_applied(ctx)? {
                if self.upgrades.handler(&name).is_none() {
                    return Err(Error::internal(format!(
                        "this binary has no handler for the upgrade {name:?} the chain applied at height {at}: it is older than the chain; run the binary that applied it"
                    )));
                }
            }
        }
        let Some(plan) = plan else {
            return Ok(None);
        };
        if !due {
            if self.upgrades.handler(&plan.name).is_some() {
                return Err(Error::internal(format!(
                    "BINARY UPDATED BEFORE TRIGGER! UPGRADE \"{}\" - in binary but not executed on chain. Downgrade your binary",
                    plan.name
                )));
            }
            return Ok(None);
        }
        if self.upgrades.skips(height) {
            tracing::info!(
                "UPGRADE \"{}\" SKIPPED at {}: {}",
                plan.name,
                plan.height,
                plan.info
            );
            return self.clear_plan(ctx).map(|()| None);
        }
        if self.upgrades.handler(&plan.name).is_none() {
            let needed = UpgradeNeeded { plan };
            tracing::error!("{needed}");
            return Ok(Some(needed));
        }
        tracing::info!(
            "applying upgrade \"{}\" at height: {}",
            plan.name,
            plan.height
        );
        self.apply(ctx, &plan)?;
        Ok(None)
    }
}
