//! A small chain for behaviour tests: a committed `MemoryStorage`, auth and bank wired as the app
//! wires them, and txs run in a child `CacheStore` that is applied on success and dropped on error.

#![allow(dead_code)]

use std::sync::Arc;

use agora_auth::{Auth, BURNER, FEE_COLLECTOR, MINTER, STAKING};
use agora_bank::{Bank, MODULE};
use agora_core::authority::gov_authority;
use agora_core::store::CacheStore;
use agora_core::{
    Address, BlockInfo, Context, Event, ExecMode, GasMeter, Module, Result, StoreKey,
};
use agora_proto::Any;
use cosmwasm_std::testing::MockStorage as MemoryStorage;
use cosmwasm_std::{Storage, Timestamp};

/// The module accounts of the test app.
pub const MODULE_ACCOUNTS: &[(&str, &[&str])] = &[
    (FEE_COLLECTOR, &[]),
    ("mint", &[MINTER]),
    ("bonded_tokens_pool", &[BURNER, STAKING]),
];
/// The module account bank refuses to send to.
pub const BLOCKED: &str = "bonded_tokens_pool";

/// An auth keeper as the app wires one (keepers hold no state of their own, so every one made
/// here reaches the same store).
pub fn auth_keeper() -> agora_auth::Keeper {
    agora_auth::Keeper::new(
        StoreKey::new(agora_auth::MODULE),
        gov_authority(),
        MODULE_ACCOUNTS,
    )
}

/// A bank keeper as the app wires one, refusing funds to [`BLOCKED`].
pub fn bank_keeper() -> agora_bank::Keeper {
    agora_bank::Keeper::new(
        StoreKey::new(MODULE),
        gov_authority(),
        [Address::module(BLOCKED)].into(),
        Arc::new(auth_keeper()),
    )
}

/// The bank module over [`bank_keeper`].
pub fn bank_module() -> Bank {
    Bank::new(Arc::new(bank_keeper()))
}

/// What one tx left behind.
pub struct Outcome<R> {
    pub result: Result<R>,
    pub events: Vec<Event>,
    pub gas_used: u64,
    pub out_of_gas: bool,
}

/// Committed state plus the modules.
pub struct Chain {
    pub store: MemoryStorage,
    pub auth: Auth,
    pub bank: Bank,
    block: BlockInfo,
}

/// A deterministic test address.
pub fn addr(n: u8) -> Address {
    Address::from_bytes(vec![n; 20]).unwrap()
}

impl Chain {
    /// A chain whose genesis is the default auth genesis and `bank_genesis`.
    pub fn new(bank_genesis: serde_json::Value) -> Self {
        let mut chain = Chain {
            store: MemoryStorage::new(),
            auth: Auth::new(Arc::new(auth_keeper())),
            bank: bank_module(),
            block: BlockInfo {
                height: 1,
                time: Timestamp::from_seconds(1_700_000_000),
                chain_id: "agora-test".into(),
                ..Default::default()
            },
        };
        let auth_genesis = chain.auth.default_genesis();
        chain
            .run(u64::MAX, |c, ctx| {
                c.auth.init_genesis(ctx, &auth_genesis)?;
                c.bank.init_genesis(ctx, &bank_genesis)
            })
            .result
            .expect("genesis");
        chain
    }

    /// Runs `f` in a tx cache with a gas limit; commits its writes only if it returns `Ok` and
    /// stayed within the gas limit, as the app does.
    pub fn run<R>(
        &mut self,
        gas_limit: u64,
        f: impl FnOnce(&Modules, &mut Context) -> Result<R>,
    ) -> Outcome<R> {
        let gas = GasMeter::new(gas_limit);
        let modules = Modules {
            auth: &self.auth,
            bank: &self.bank,
        };
        let mut cache = CacheStore::new(&self.store);
        let (result, events) = {
            let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut cache, &gas);
            let result = f(&modules, &mut ctx);
            (result, ctx.take_events())
        };
        let writes = cache.into_writes();
        if result.is_ok() && !gas.is_out_of_gas() {
            for (key, value) in writes {
                match value {
                    Some(value) => self.store.set(&key, &value),
                    None => self.store.remove(&key),
                }
            }
        }
        Outcome {
            result,
            events,
            gas_used: gas.consumed(),
            out_of_gas: gas.is_out_of_gas(),
        }
    }

    /// Runs `f` with unlimited gas and returns its value, panicking on error.
    pub fn read<R>(&mut self, f: impl FnOnce(&Modules, &mut Context) -> Result<R>) -> R {
        self.run(u64::MAX, f).result.expect("read")
    }

    /// `addr`'s balance of `denom`.
    pub fn balance(&mut self, who: &Address, denom: &str) -> u128 {
        self.read(|_, ctx| bank_keeper().balance(ctx, who, denom))
    }

    /// The whole bank state as genesis JSON.
    pub fn export_bank(&mut self) -> serde_json::Value {
        self.read(|m, ctx| m.bank.export_genesis(ctx))
    }
}

/// The modules, lent to a tx closure.
pub struct Modules<'a> {
    pub auth: &'a Auth,
    pub bank: &'a Bank,
}

impl Modules<'_> {
    /// Decodes `msg` with bank and runs it, as the app's router does.
    pub fn execute(&self, ctx: &mut Context, msg: &Any) -> Result<Vec<u8>> {
        let decoded = self.bank.decode_msg(msg)?;
        self.bank.handle_msg(ctx, &decoded)
    }
}

/// Bank genesis JSON giving each `(address, coins)` its balance.
pub fn bank_genesis(balances: &[(&Address, &str)]) -> serde_json::Value {
    let balances: Vec<_> = balances
        .iter()
        .map(|(a, coins)| {
            let coins: agora_core::Coins = coins.parse().unwrap();
            serde_json::json!({"address": a.to_string(), "coins": coins})
        })
        .collect();
    serde_json::json!({
        "params": {"send_enabled": [], "default_send_enabled": true},
        "balances": balances,
        "supply": [],
        "denom_metadata": [],
        "send_enabled": []
    })
}

/// The signers bank names for `msg`, after decoding and checking it.
pub fn signers(bank: &Bank, msg: &Any) -> Result<Vec<Address>> {
    Ok(bank.decode_msg(msg)?.signers().to_vec())
}
