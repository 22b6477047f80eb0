//! A small chain for staking's behaviour tests: auth, bank, consensus and staking wired as
//! the app wires them over a `MockStorage`; each tx runs in a cache applied only on success.

#![allow(dead_code)]

use std::sync::Arc;

use agora_auth::{Auth, BURNER, FEE_COLLECTOR, STAKING};
use agora_bank::Bank;
use agora_core::authority::gov_authority;
use agora_core::store::CacheStore;
use agora_core::{
    Address, BlockInfo, Context, Event, ExecMode, GasMeter, Module, Result, StoreKey,
    ValidatorUpdate,
};
use agora_proto::Any;
use agora_staking::{Keeper, Staking, BONDED_POOL, NOT_BONDED_POOL};
use cosmwasm_std::testing::MockStorage;
use cosmwasm_std::{Storage, Timestamp};

const MODULE_ACCOUNTS: &[(&str, &[&str])] = &[
    (FEE_COLLECTOR, &[]),
    (BONDED_POOL, &[BURNER, STAKING]),
    (NOT_BONDED_POOL, &[BURNER, STAKING]),
];

/// Committed state plus the modules, at a block height and time.
pub struct Chain {
    store: MockStorage,
    pub block: BlockInfo,
    pub staking: Staking,
    pub keeper: Arc<Keeper>,
    pub bank: Arc<agora_bank::Keeper>,
    bank_module: Bank,
}

/// What one tx left behind.
pub struct Outcome<R> {
    pub result: Result<R>,
    pub events: Vec<Event>,
}

/// A deterministic account address.
pub fn addr(n: u8) -> Address {
    Address::from_bytes(vec![n; 20]).unwrap()
}

impl Chain {
    /// A chain where each of `funded` holds `balance` uagr.
    pub fn new(funded: &[Address], balance: u128) -> Self {
        let balances: Vec<_> = funded
            .iter()
            .map(|a| serde_json::json!({"address": a.to_string(), "coins": [{"denom": "uagr", "amount": balance.to_string()}]}))
            .collect();
        let bank_genesis = serde_json::json!({
            "params": {"send_enabled": [], "default_send_enabled": true},
            "balances": balances,
            "supply": [{"denom": "uagr", "amount": (balance * funded.len() as u128).to_string()}],
            "denom_metadata": [],
            "send_enabled": []
        });
        Self::with_genesis(bank_genesis, None).expect("genesis").0
    }

    /// A chain from bank and staking genesis states (staking's default if `None`); also the
    /// genesis validator set staking returned.
    pub fn with_genesis(
        bank_genesis: serde_json::Value,
        staking_genesis: Option<serde_json::Value>,
    ) -> Result<(Self, Vec<ValidatorUpdate>)> {
        let auth = Arc::new(agora_auth::Keeper::new(
            StoreKey::new(agora_auth::MODULE),
            gov_authority(),
            MODULE_ACCOUNTS,
        ));
        let blocked = MODULE_ACCOUNTS
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
        let keeper = Arc::new(Keeper::new(
            StoreKey::new(agora_staking::MODULE),
            gov_authority(),
            bank.clone(),
            consensus.clone(),
        ));
        let mut chain = Chain {
            store: MockStorage::new(),
            block: BlockInfo {
                height: 1,
                time: Timestamp::from_seconds(1_700_000_000),
                chain_id: "agora-test".into(),
                ..Default::default()
            },
            staking: Staking::new(keeper.clone()),
            keeper,
            bank: bank.clone(),
            bank_module: Bank::new(bank),
        };
        let auth_module = Auth::new(auth);
        let updates = chain
            .run(|c, ctx| {
                consensus.init_chain(ctx, "agora-test", None)?;
                auth_module.init_genesis(ctx, &auth_module.default_genesis())?;
                c.bank_module.init_genesis(ctx, &bank_genesis)?;
                let staking_genesis =
                    staking_genesis.unwrap_or_else(|| c.staking.default_genesis());
                c.staking.init_genesis(ctx, &staking_genesis)
            })
            .result?;
        Ok((chain, updates))
    }

    /// Bank's and staking's state as genesis JSON.
    pub fn export(&mut self) -> (serde_json::Value, serde_json::Value) {
        self.read(|c, ctx| {
            Ok((
                c.bank_module.export_genesis(ctx)?,
                c.staking.export_genesis(ctx)?,
            ))
        })
    }

    /// Runs `f` in a tx cache; keeps its writes only if it returns `Ok`.
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

    /// Every committed key and value, in key order: two chains fed the same txs must agree.
    pub fn state(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.store
            .range(None, None, cosmwasm_std::Order::Ascending)
            .collect()
    }

    /// Decodes and runs a staking Msg as a tx; returns its signers' check too.
    pub fn execute(&mut self, msg: &Any) -> Outcome<Vec<u8>> {
        self.run(|c, ctx| {
            let decoded = c.staking.decode_msg(msg)?;
            c.staking.handle_msg(ctx, &decoded)
        })
    }

    /// Ends the block: the validator set updates; then moves to the next block, 5 s later.
    pub fn end_block(&mut self) -> Vec<ValidatorUpdate> {
        let updates = self
            .run(|c, ctx| c.staking.end_block(ctx))
            .result
            .expect("end block");
        self.block.height += 1;
        self.block.time = self.block.time.plus_seconds(5);
        updates
    }

    /// Reads with `f`, panicking on error.
    pub fn read<R>(&mut self, f: impl FnOnce(&Chain, &mut Context) -> Result<R>) -> R {
        self.run(f).result.expect("read")
    }

    /// `who`'s uagr.
    pub fn balance(&mut self, who: &Address) -> u128 {
        self.read(|c, ctx| c.bank.balance(ctx, who, "uagr"))
    }

    /// Answers a staking query.
    pub fn query<Resp: prost::Message + Default>(
        &mut self,
        method: &str,
        req: impl prost::Message,
    ) -> Result<Resp> {
        let path = format!("/cosmos.staking.v1beta1.Query/{method}");
        let bytes = req.encode_to_vec();
        self.run(|c, ctx| c.staking.query(ctx, &path, &bytes))
            .result
            .map(|b| Resp::decode(b.as_slice()).unwrap())
    }
}

impl Chain {
    /// Changes the params as the authority does (a gov-passed `MsgUpdateParams`).
    pub fn update_params(
        &mut self,
        edit: impl FnOnce(&mut agora_proto::cosmos::staking::v1beta1::Params),
    ) {
        use prost::Message;
        let mut params = self.read(|c, ctx| c.keeper.params(ctx)).to_proto();
        edit(&mut params);
        let msg = agora_proto::cosmos::staking::v1beta1::MsgUpdateParams {
            authority: gov_authority().to_string(),
            params: Some(params),
        };
        let any = Any {
            type_url: agora_staking::MSG_UPDATE_PARAMS_TYPE_URL.into(),
            value: msg.encode_to_vec(),
        };
        self.execute(&any).result.expect("params update");
    }
}

/// One AGR in uagr.
pub const AGR: u128 = 1_000_000;

/// `msg` in an `Any` of `type_url`.
pub fn any(type_url: &str, msg: impl prost::Message) -> Any {
    Any {
        type_url: type_url.into(),
        value: msg.encode_to_vec(),
    }
}

/// `amount` uagr as a Msg's coin.
pub fn coin(amount: u128) -> Option<agora_proto::cosmos::base::v1beta1::Coin> {
    Some(agora_proto::cosmos::base::v1beta1::Coin {
        denom: "uagr".into(),
        amount: amount.to_string(),
    })
}

/// An account's validator operator address (`agoravaloper1...`).
pub fn valoper(a: &Address) -> String {
    a.to_bech32_with(agora_core::VALOPER_PREFIX)
}

/// A decimal as a Msg carries it (`"0.1"` -> its 10^18-scaled integer).
pub fn dec(s: &str) -> String {
    s.parse::<agora_core::Dec>().unwrap().to_atomics_string()
}

/// A `MsgCreateValidator` of `operator` with consensus key `[key; 32]`, moniker `v<key>`,
/// commission 0.1 (max 0.2, max daily change 0.01), minimum self delegation 1 and a self
/// delegation of `amount` uagr; tests change what they need.
#[allow(deprecated)] // delegator_address: empty, as the SDK v0.50 leaves it
pub fn create_validator(
    operator: &Address,
    key: u8,
    amount: u128,
) -> agora_proto::cosmos::staking::v1beta1::MsgCreateValidator {
    use agora_proto::cosmos::staking::v1beta1 as pb;
    pb::MsgCreateValidator {
        description: Some(pb::Description {
            moniker: format!("v{key}"),
            ..Default::default()
        }),
        commission: Some(pb::CommissionRates {
            rate: dec("0.1"),
            max_rate: dec("0.2"),
            max_change_rate: dec("0.01"),
        }),
        min_self_delegation: "1".into(),
        delegator_address: String::new(),
        validator_address: valoper(operator),
        pubkey: Some(agora_staking::consensus_pubkey_any(&[key; 32])),
        value: coin(amount),
    }
}

/// A `MsgDelegate` of `amount` uagr from `delegator` to `validator`.
pub fn delegate(delegator: &Address, validator: &Address, amount: u128) -> Any {
    any(
        agora_staking::MSG_DELEGATE_TYPE_URL,
        agora_proto::cosmos::staking::v1beta1::MsgDelegate {
            delegator_address: delegator.to_string(),
            validator_address: valoper(validator),
            amount: coin(amount),
        },
    )
}

impl Chain {
    /// Runs `msg` as a `MsgCreateValidator` tx, panicking if it fails.
    pub fn create_validator(
        &mut self,
        msg: agora_proto::cosmos::staking::v1beta1::MsgCreateValidator,
    ) {
        let msg = any(agora_staking::MSG_CREATE_VALIDATOR_TYPE_URL, msg);
        self.execute(&msg).result.expect("create validator");
    }
}
