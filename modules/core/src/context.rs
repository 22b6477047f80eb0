//! The context a handler runs in: block info, execution mode, the tx's state, gas and events.

use cosmwasm_std::{Storage, Timestamp};

use crate::events::Event;
use crate::gas::{GasMeter, KvGasConfig};
use crate::store::{module_prefix, GasKv, PrefixStore};

/// What the chain knows of the block being executed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockInfo {
    /// Block height (the height being executed, or the last committed one for CheckTx and queries).
    pub height: u64,
    /// Block time from the header: the only clock state transitions may read.
    pub time: Timestamp,
    /// The chain id every signature commits to.
    pub chain_id: String,
}

/// Why a tx is being run; some checks (min gas price) apply only to some modes, as in the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecMode {
    /// A new tx entering the mempool.
    Check,
    /// A mempool tx re-checked after a block.
    ReCheck,
    /// A simulation for gas estimation (signatures not verified).
    Simulate,
    /// Execution in a block (FinalizeBlock).
    Finalize,
}

/// Everything a Msg handler, ante step or keeper call may use. State is reached only through
/// [`Context::kv`], which meters every access against the tx's gas meter.
pub struct Context<'a> {
    /// The block being executed.
    pub block: &'a BlockInfo,
    /// Why this tx is running.
    pub mode: ExecMode,
    store: &'a mut dyn Storage,
    gas: &'a GasMeter,
    kv_gas: KvGasConfig,
    events: Vec<Event>,
}

impl<'a> Context<'a> {
    /// A context over `store` (flat keys) charging `gas`.
    pub fn new(
        block: &'a BlockInfo,
        mode: ExecMode,
        store: &'a mut dyn Storage,
        gas: &'a GasMeter,
    ) -> Self {
        Self {
            block,
            mode,
            store,
            gas,
            kv_gas: KvGasConfig::default(),
            events: Vec::new(),
        }
    }

    /// The gas-metered state of `module`.
    pub fn kv(&mut self, module: &str) -> GasKv<'_, PrefixStore<'_>> {
        GasKv::new(
            PrefixStore::new(&mut *self.store, module_prefix(module)),
            self.gas,
            self.kv_gas,
        )
    }

    /// The tx's gas meter.
    pub fn gas(&self) -> &GasMeter {
        self.gas
    }

    /// Charges gas for work that is not a store access (signature checks, tx bytes).
    pub fn consume_gas(&self, amount: u64, descriptor: &str) -> crate::Result<()> {
        self.gas.consume(amount, descriptor)
    }

    /// Records an event.
    pub fn emit(&mut self, event: Event) {
        self.events.push(event);
    }

    /// The events recorded so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Takes the events recorded so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Whether this runs in the mempool (CheckTx or ReCheck).
    pub fn is_check(&self) -> bool {
        matches!(self.mode, ExecMode::Check | ExecMode::ReCheck)
    }
}
