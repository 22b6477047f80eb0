//! A small chain for mint's behaviour tests: auth, bank, consensus, staking and mint wired as
//! the app wires them over a `MockStorage`; each step runs in a cache applied only on success.

#![allow(dead_code)]

use std::sync::Arc;

use agora_auth::{Auth, BURNER, FEE_COLLECTOR, MINTER, STAKING};
use agora_bank::Bank;
use agora_core::authority::gov_authority;
use agora_core::store::CacheStore;
use agora_core::{
    Address, BlockInfo, Context, Event, ExecMode, GasMeter, Module, Result, StoreKey,
};
use agora_mint::{Mint, MINT_MODULE};
use agora_proto::cosmos::staking::v1beta1 as staking_pb;
use agora_proto::Any;
use agora_staking::{Staking, BONDED_POOL, NOT_BONDED_POOL};
use cosmwasm_std::testing::MockStorage;
use cosmwasm_std::{Storage, Timestamp};
use prost::Message;

/// The module accounts the app registers, mint's with the minter permission.
pub const MODULE_ACCOUNTS: &[(&str, &[&str])] = &[
    (FEE_COLLECTOR, &[]),
    (MINT_MODULE, &[MINTER]),
    (BONDED_POOL, &[BURNER, STAKING]),
    (NOT_BONDED_POOL, &[BURNER, STAKING]),
];

/// One AGR in uagr.
pub const AGR: u128 = 1_000_000;

/// Committed state plus the modules, at a block height.
pub struct Chain {
    store: MockStorage,
    pub block: BlockInfo,
    pub mint: Mint,
    pub keeper: Arc<agora_mint::Keeper>,
    pub auth: Arc<agora_auth::Keeper>,
    pub bank: Arc<agora_bank::Keeper>,
    staking: Staking,
}

/// What one step left behind.
pub struct Outcome<R> {
    pub result: Result<R>,
    pub events: Vec<Event>,
}

/// A deterministic account address.
pub fn addr(n: u8) -> Address {
    Address::from_bytes(vec![n; 20]).unwrap()
}

/// Bank genesis where each `(address, amount)` holds `amount` uagr, and the matching supply.
pub fn bank_genesis(balances: &[(Address, u128)]) -> serde_json::Value {
    let supply: u128 = balances.iter().map(|(_, a)| a).sum();
    let balances: Vec<_> = balances
        .iter()
        .map(|(a, n)| serde_json::json!({"address": a.to_string(), "coins": [{"denom": "uagr", "amount": n.to_string()}]}))
        .collect();
    let supply = match supply {
        0 => serde_json::json!([]),
        n => serde_json::json!([{"denom": "uagr", "amount": n.to_string()}]),
    };
    serde_json::json!({
        "params": {"send_enabled": [], "default_send_enabled": true},
        "balances": balances,
        "supply": supply,
        "denom_metadata": [],
        "send_enabled": []
    })
}

impl Chain {
    /// A chain from a bank genesis and a mint genesis (mint's default if `None`), with
    /// `module_accounts` registered with auth.
    pub fn with_genesis(
        bank_genesis: serde_json::Value,
        mint_genesis: Option<serde_json::Value>,
        module_accounts: &'static [(&'static str, &'static [&'static str])],
    ) -> Result<Self> {
        let auth = Arc::new(agora_auth::Keeper::new(
            StoreKey::new(agora_auth::MODULE),
            gov_authority(),
            module_accounts,
        ));
        let blocked = module_accounts
            .iter()
            .map(|(name, _)| Address::module(name))
            .collect();
        let bank = Arc::new(agora_bank::Keeper::new(
            StoreKey::new(agora_bank::MODULE),
            gov_authority(),
            blocked,
            auth.clone(),
        ));
        let consensus = Arc::new(agora_consensus::Keeper::new(
            StoreKey::new(agora_consensus::MODULE),
            gov_authority(),
        ));
        let staking = Arc::new(agora_staking::Keeper::new(
            StoreKey::new(agora_staking::MODULE),
            gov_authority(),
            bank.clone(),
            consensus.clone(),
        ));
        let keeper = Arc::new(agora_mint::Keeper::new(
            StoreKey::new(agora_mint::MODULE),
            gov_authority(),
            auth.clone(),
            bank.clone(),
            staking.clone(),
        ));
        let mut chain = Chain {
            store: MockStorage::new(),
            block: BlockInfo {
                height: 1,
                time: Timestamp::from_seconds(1_700_000_000),
                chain_id: "agora-test".into(),
                ..Default::default()
            },
            mint: Mint::new(keeper.clone()),
            keeper,
            auth: auth.clone(),
            bank: bank.clone(),
            staking: Staking::new(staking),
        };
        let (auth_module, bank_module) = (Auth::new(auth), Bank::new(bank));
        chain
            .run(|c, ctx| {
                consensus.init_chain(ctx, "agora-test", None)?;
                auth_module.init_genesis(ctx, &auth_module.default_genesis())?;
                bank_module.init_genesis(ctx, &bank_genesis)?;
                c.staking.init_genesis(ctx, &c.staking.default_genesis())?;
                let mint_genesis = mint_genesis.unwrap_or_else(|| c.mint.default_genesis());
                c.mint.init_genesis(ctx, &mint_genesis)
            })
            .result?;
        Ok(chain)
    }

    /// A chain of these uagr balances with mint's default genesis.
    pub fn new(balances: &[(Address, u128)]) -> Self {
        Self::with_genesis(bank_genesis(balances), None, MODULE_ACCOUNTS).expect("genesis")
    }

    /// Runs `f` in a cache; keeps its writes only if it returns `Ok`.
    pub fn run<R>(&mut self, f: impl FnOnce(&Chain, &mut Context) -> Result<R>) -> Outcome<R> {
        let gas = GasMeter::infinite();
        let mut cache = CacheStore::new(&self.store);
        let (result, events) = {
            let mut ctx = Context::new(&self.block, ExecMode::Finalize, &mut cache, &gas);
            let result = f(self, &mut ctx);
            (result, ctx.take_events())
        };
        let writes = cache.into_writes();
        if result.is_ok() {
            for (key, value) in writes {
                match value {
                    Some(value) => self.store.set(&key, &value),
                    None => self.store.remove(&key),
                }
            }
        }
        Outcome { result, events }
    }

    /// Reads with `f`, panicking on error.
    pub fn read<R>(&mut self, f: impl FnOnce(&Chain, &mut Context) -> Result<R>) -> R {
        self.run(f).result.expect("read")
    }

    /// Every committed key and value, in key order.
    pub fn state(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.store
            .range(None, None, cosmwasm_std::Order::Ascending)
            .collect()
    }

    /// Runs mint's BeginBlock, then staking's EndBlock, and moves to the next block; returns
    /// BeginBlock's events.
    pub fn next_block(&mut self) -> Vec<Event> {
        let outcome = self.run(|c, ctx| c.mint.begin_block(ctx));
        outcome.result.expect("begin block");
        self.end_block();
        outcome.events
    }

    /// Runs staking's EndBlock (the bonded set follows stake) and moves to the next block.
    pub fn end_block(&mut self) {
        self.run(|c, ctx| c.staking.end_block(ctx))
            .result
            .expect("end block");
        self.block.height += 1;
        self.block.time = self.block.time.plus_seconds(5);
    }

    /// `who`'s uagr.
    pub fn balance(&mut self, who: &Address) -> u128 {
        self.read(|c, ctx| c.bank.balance(ctx, who, "uagr"))
    }

    /// The uagr supply.
    pub fn supply(&mut self) -> u128 {
        self.read(|c, ctx| c.bank.supply_of(ctx, "uagr"))
    }

    /// Decodes and runs a Msg of mint (or, for `MsgCreateValidator`, of staking).
    pub fn execute(&mut self, msg: &Any) -> Outcome<Vec<u8>> {
        self.run(|c, ctx| {
            let module: &dyn Module = match msg.type_url.starts_with("/cosmos.mint.") {
                true => &c.mint,
                false => &c.staking,
            };
            let decoded = module.decode_msg(msg)?;
            module.handle_msg(ctx, &decoded)
        })
    }

    /// Answers a mint query.
    pub fn query<Resp: Message + Default>(
        &mut self,
        method: &str,
        req: impl Message,
    ) -> Result<Resp> {
        let path = format!("/cosmos.mint.v1beta1.Query/{method}");
        let bytes = req.encode_to_vec();
        self.run(|c, ctx| c.mint.query(ctx, &path, &bytes))
            .result
            .map(|b| Resp::decode(b.as_slice()).unwrap())
    }

    /// `operator` creates a validator bonding `amount` uagr of its own; the next EndBlock puts
    /// it in the bonded set (its tokens move to the bonded pool).
    pub fn bond(&mut self, operator: &Address, key: u8, amount: u128) {
        let dec = |s: &str| s.parse::<agora_core::Dec>().unwrap().to_atomics_string();
        #[allow(deprecated)] // delegator_address: empty, as the SDK v0.50 leaves it
        let msg = staking_pb::MsgCreateValidator {
            description: Some(staking_pb::Description {
                moniker: format!("v{key}"),
                ..Default::default()
            }),
            commission: Some(staking_pb::CommissionRates {
                rate: dec("0.1"),
                max_rate: dec("0.2"),
                max_change_rate: dec("0.01"),
            }),
            min_self_delegation: "1".into(),
            delegator_address: String::new(),
            validator_address: operator.to_bech32_with(agora_core::VALOPER_PREFIX),
            pubkey: Some(agora_staking::consensus_pubkey_any(&[key; 32])),
            value: Some(agora_proto::cosmos::base::v1beta1::Coin {
                denom: "uagr".into(),
                amount: amount.to_string(),
            }),
        };
        let any = Any {
            type_url: agora_staking::MSG_CREATE_VALIDATOR_TYPE_URL.into(),
            value: msg.encode_to_vec(),
        };
        self.execute(&any).result.expect("create validator");
        self.end_block();
    }
}
