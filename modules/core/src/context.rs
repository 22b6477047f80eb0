//! The context a handler runs in: block info, execution mode, the tx's state, gas and events.

use cosmwasm_std::{Storage, Timestamp};

use crate::events::Event;
use crate::gas::{GasMeter, KvGasConfig};
use crate::store::{CacheStore, GasKv, PrefixStore};
use crate::{Error, MsgRouter, StoreKey};

/// What the chain knows of the block being executed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockInfo {
    /// Block height (the height being executed, or the last committed one for CheckTx and queries).
    pub height: u64,
    /// Block time from the header: the only clock state transitions may read.
    pub time: Timestamp,
    /// The chain id every signature commits to.
    pub chain_id: String,
    /// What consensus decided about the block (FinalizeBlock only; empty elsewhere).
    pub comet: CometInfo,
}

/// What FinalizeBlock tells the app about consensus (the SDK's `CometInfo`): who proposed the
/// block, who signed the previous one, and who misbehaved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CometInfo {
    /// The proposer's consensus address (20 bytes).
    pub proposer: Vec<u8>,
    /// The previous block's validators and whether each signed it (`decided_last_commit`).
    pub last_commit: Vec<VoteInfo>,
    /// Evidence of misbehaviour committed in this block.
    pub misbehavior: Vec<Misbehavior>,
    /// The hash of the validator set of the next block.
    pub next_validators_hash: Vec<u8>,
    /// The app hash of the last committed block (the header's `app_hash`).
    pub last_app_hash: Vec<u8>,
}

/// One validator of the last commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteInfo {
    /// The validator's consensus address.
    pub address: Vec<u8>,
    /// Its voting power at that height.
    pub power: i64,
    /// How it voted.
    pub flag: BlockIdFlag,
}

/// What a validator's vote in a commit was (CometBFT's `BlockIDFlag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockIdFlag {
    /// No vote was received: the validator missed the block.
    Absent,
    /// Voted for the block.
    Commit,
    /// Voted nil.
    Nil,
}

/// Evidence of a validator's misbehaviour (ABCI `Misbehavior`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misbehavior {
    /// Double sign (`DuplicateVote`) or light-client attack.
    pub duplicate_vote: bool,
    /// The misbehaving validator's consensus address.
    pub address: Vec<u8>,
    /// Its power at the infraction height.
    pub power: i64,
    /// The infraction height.
    pub height: u64,
    /// The infraction block's time.
    pub time: Timestamp,
    /// The total voting power at the infraction height.
    pub total_voting_power: i64,
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
/// [`Context::kv`] with a module's [`StoreKey`], which meters every access against the tx's
/// gas meter.
pub struct Context<'a> {
    /// The block being executed.
    pub block: &'a BlockInfo,
    /// Why this tx is running.
    pub mode: ExecMode,
    store: &'a mut dyn Storage,
    gas: &'a GasMeter,
    kv_gas: KvGasConfig,
    events: Vec<Event>,
    router: Option<&'a dyn MsgRouter>,
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
            router: None,
        }
    }

    /// The same context with the app's Msg router, for handlers that run other Msgs.
    pub fn with_router(mut self, router: &'a dyn MsgRouter) -> Self {
        self.router = Some(router);
        self
    }

    /// The app's Msg router; an internal error where the caller gave none (genesis, queries).
    pub fn router(&self) -> crate::Result<&'a dyn MsgRouter> {
        self.router
            .ok_or_else(|| Error::internal("no Msg router in this context"))
    }

    /// The gas-metered state of the module whose key this is.
    pub fn kv<'s>(&'s mut self, key: &'s StoreKey) -> GasKv<'s, PrefixStore<'s>> {
        GasKv::new(
            PrefixStore::new(&mut *self.store, key.prefix()),
            self.gas,
            self.kv_gas,
        )
    }

    /// Runs `f` in a branch of this context's state (the SDK's `CacheContext`): its writes and
    /// events are kept if it returns `Ok` and dropped if it errors. Gas is shared.
    pub fn branch<T>(
        &mut self,
        f: impl FnOnce(&mut Context<'_>) -> crate::Result<T>,
    ) -> crate::Result<T> {
        let mut cache = CacheStore::new(&*self.store);
        let (result, events) = {
            let mut inner = Context {
                block: self.block,
                mode: self.mode,
                store: &mut cache,
                gas: self.gas,
                kv_gas: self.kv_gas,
                events: Vec::new(),
                router: self.router,
            };
            let result = f(&mut inner);
            (result, inner.events)
        };
        if result.is_ok() {
            for (key, value) in cache.into_writes() {
                match value {
                    Some(value) => self.store.set(&key, &value),
                    None => self.store.remove(&key),
                }
            }
            self.events.extend(events);
        }
        result
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

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn a_branch_keeps_its_writes_and_events_only_on_success() {
        let block = BlockInfo {
            height: 1,
            time: Timestamp::from_seconds(1),
            chain_id: "t".into(),
            ..Default::default()
        };
        let key = StoreKey::new("m");
        let mut store = MockStorage::new();
        let gas = GasMeter::infinite();
        let mut ctx = Context::new(&block, ExecMode::Finalize, &mut store, &gas);
        ctx.branch(|c| {
            c.kv(&key).set(b"kept", b"1");
            c.emit(Event::new("kept"));
            Ok(())
        })
        .unwrap();
        let failed: crate::Result<()> = ctx.branch(|c| {
            c.kv(&key).set(b"dropped", b"1");
            c.emit(Event::new("dropped"));
            Err(Error::internal("no"))
        });
        assert!(failed.is_err());
        assert!(ctx.router().is_err(), "no router was given");
        let kinds: Vec<_> = ctx.events().iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["kept"]);
        assert_eq!(ctx.kv(&key).get(b"kept"), Some(b"1".to_vec()));
        assert_eq!(ctx.kv(&key).get(b"dropped"), None);
        assert!(gas.consumed() > 0, "the branch's accesses were charged");
    }
}
