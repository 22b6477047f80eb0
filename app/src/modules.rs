//! Agora's module set: the keepers wired together, the modules in their genesis, BeginBlock
//! and EndBlock orders, and the routes of Msgs (by type URL) and queries (by gRPC path).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use agora_auth::{Auth, BURNER, FEE_COLLECTOR, MINTER, STAKING};
use agora_bank::Bank;
use agora_consensus::Consensus;
use agora_core::authority::{gov_authority, GOV_MODULE};
use agora_core::{
    Address, Context, DecodedMsg, Error, Module, MsgRouter, Result, SdkCode, StoreKey,
    ValidatorUpdate, VersionMap,
};
use agora_distribution::{Distribution, DISTRIBUTION_MODULE};
use agora_evidence::Evidence;
use agora_genutil::Genutil;
use agora_gov::Gov;
use agora_market::{Market, MARKET_MODULE};
use agora_mint::{Mint, MINT_MODULE};
use agora_proto::Any;
use agora_slashing::Slashing;
use agora_staking::{Staking, BONDED_POOL, NOT_BONDED_POOL};
use agora_upgrade::{Upgrade, Upgrades};

/// Module accounts and their permissions (the SDK's `maccPerms`), defined here once: auth
/// creates module accounts from it and bank refuses funds to all of them but gov's.
pub const MODULE_ACCOUNTS: &[(&str, &[&str])] = &[
    (FEE_COLLECTOR, &[]),
    (DISTRIBUTION_MODULE, &[]),
    (MINT_MODULE, &[MINTER]),
    (BONDED_POOL, &[BURNER, STAKING]),
    (NOT_BONDED_POOL, &[BURNER, STAKING]),
    (GOV_MODULE, &[BURNER]),
    (MARKET_MODULE, &[]),
];

/// The order modules' genesis runs in (and is exported in): accounts before balances,
/// balances before stake, distribution's records before staking's hooks start more of them,
/// gentxs last (as the SDK's).
const GENESIS_ORDER: &[&str] = &[
    agora_auth::MODULE,
    agora_bank::MODULE,
    agora_distribution::MODULE,
    agora_staking::MODULE,
    agora_slashing::MODULE,
    agora_gov::MODULE,
    agora_mint::MODULE,
    agora_evidence::MODULE,
    agora_consensus::MODULE,
    agora_upgrade::MODULE,
    agora_market::MODULE,
    agora_genutil::MODULE,
];
/// The order of BeginBlock: inflation is minted, then allocated with the fees to the last
/// commit's validators, before downtime and double signs slash anyone (the SDK's order).
const BEGIN_BLOCK_ORDER: &[&str] = &[
    agora_mint::MODULE,
    agora_distribution::MODULE,
    agora_slashing::MODULE,
    agora_evidence::MODULE,
    agora_staking::MODULE,
    agora_auth::MODULE,
    agora_bank::MODULE,
    agora_gov::MODULE,
    agora_consensus::MODULE,
    agora_upgrade::MODULE,
    agora_market::MODULE,
    agora_genutil::MODULE,
];
/// The order of EndBlock: proposals end (and passed ones execute) before staking computes
/// the block's validator set changes, as the SDK's.
const END_BLOCK_ORDER: &[&str] = &[
    agora_gov::MODULE,
    agora_auth::MODULE,
    agora_bank::MODULE,
    agora_distribution::MODULE,
    agora_staking::MODULE,
    agora_slashing::MODULE,
    agora_mint::MODULE,
    agora_evidence::MODULE,
    agora_consensus::MODULE,
    agora_upgrade::MODULE,
    agora_market::MODULE,
    agora_genutil::MODULE,
];

/// The keepers the app itself calls (the ante handler, InitChain, FinalizeBlock).
pub struct Keepers {
    /// Accounts, sequences, public keys.
    pub auth: Arc<agora_auth::Keeper>,
    /// Balances and fees.
    pub bank: Arc<agora_bank::Keeper>,
    /// Consensus params and the chain id.
    pub consensus: Arc<agora_consensus::Keeper>,
    /// Validators and delegations.
    pub staking: Arc<agora_staking::Keeper>,
    /// Rewards, commission and the community pool.
    pub distribution: Arc<agora_distribution::Keeper>,
    /// Inflation.
    pub mint: Arc<agora_mint::Keeper>,
    /// Liveness, jailing and unjailing.
    pub slashing: Arc<agora_slashing::Keeper>,
    /// Double-sign evidence.
    pub evidence: Arc<agora_evidence::Keeper>,
    /// Proposals, deposits and votes.
    pub gov: Arc<agora_gov::Keeper>,
    /// Upgrade plans, applied upgrades and module versions; its PreBlock runs first.
    pub upgrade: Arc<agora_upgrade::Keeper>,
    /// Compute providers and their bonds.
    pub market: Arc<agora_market::Keeper>,
}

impl Keepers {
    /// Agora's keepers, each over its own store and with the gov module account as authority;
    /// upgrade runs `upgrades` at plan heights.
    fn agora(upgrades: Upgrades) -> Self {
        let authority = gov_authority();
        let auth = Arc::new(agora_auth::Keeper::new(
            StoreKey::new(agora_auth::MODULE),
            authority.clone(),
            MODULE_ACCOUNTS,
        ));
        let bank = Arc::new(agora_bank::Keeper::new(
            StoreKey::new(agora_bank::MODULE),
            authority.clone(),
            blocked_addresses(),
            auth.clone(),
        ));
        let consensus = Arc::new(agora_consensus::Keeper::new(
            StoreKey::new(agora_consensus::MODULE),
            authority.clone(),
        ));
        let staking = Arc::new(agora_staking::Keeper::new(
            StoreKey::new(agora_staking::MODULE),
            authority.clone(),
            bank.clone(),
            consensus.clone(),
        ));
        let distribution = Arc::new(agora_distribution::Keeper::new(
            StoreKey::new(agora_distribution::MODULE),
            authority.clone(),
            bank.clone(),
            staking.clone(),
        ));
        let mint = Arc::new(agora_mint::Keeper::new(
            StoreKey::new(agora_mint::MODULE),
            authority.clone(),
            auth.clone(),
            bank.clone(),
            staking.clone(),
        ));
        let slashing = Arc::new(agora_slashing::Keeper::new(
            StoreKey::new(agora_slashing::MODULE),
            authority.clone(),
            staking.clone(),
        ));
        let upgrade = Arc::new(agora_upgrade::Keeper::new(
            StoreKey::new(agora_upgrade::MODULE),
            authority.clone(),
            upgrades,
        ));
        let market = Arc::new(agora_market::Keeper::new(
            StoreKey::new(agora_market::MODULE),
            authority.clone(),
            bank.clone(),
        ));
        let gov = Arc::new(agora_gov::Keeper::new(
            StoreKey::new(agora_gov::MODULE),
            authority,
            auth.clone(),
            bank.clone(),
            staking.clone(),
            distribution.clone(),
        ));
        let evidence = Arc::new(agora_evidence::Keeper::new(
            StoreKey::new(agora_evidence::MODULE),
            staking.clone(),
            slashing.clone(),
            consensus.clone(),
        ));
        let hooks: Vec<Arc<dyn agora_staking::StakingHooks>> = vec![
            Arc::new(agora_distribution::Hooks::new(distribution.clone())),
            Arc::new(agora_slashing::Hooks::new(slashing.clone())),
        ];
        staking.set_hooks(hooks);
        Self {
            auth,
            bank,
            consensus,
            staking,
            distribution,
            mint,
            slashing,
            evidence,
            gov,
            upgrade,
            market,
        }
    }

    /// Agora's modules over these keepers.
    fn modules(&self) -> Vec<Box<dyn Module>> {
        vec![
            Box::new(Auth::new(self.auth.clone())),
            Box::new(Bank::new(self.bank.clone())),
            Box::new(Distribution::new(self.distribution.clone())),
            Box::new(Staking::new(self.staking.clone())),
            Box::new(Slashing::new(self.slashing.clone())),
            Box::new(Mint::new(self.mint.clone())),
            Box::new(Evidence::new(self.evidence.clone())),
            Box::new(Gov::new(self.gov.clone())),
            Box::new(Consensus::new(self.consensus.clone())),
            Box::new(Upgrade::new(self.upgrade.clone())),
            Box::new(Market::new(self.market.clone())),
            Box::new(Genutil::new(self.staking.clone())),
        ]
    }
}

/// The upgrade handlers of this release of Agora, by upgrade name. None yet: this is the
/// chain's first release. A release that changes state adds its upgrade here (usually with
/// [`agora_upgrade::run_migrations`]) under the name its `MsgSoftwareUpgrade` proposal uses.
pub fn agora_upgrades() -> Upgrades {
    Upgrades::default()
}

/// The addresses bank refuses funds to: every module account but gov's, as the SDK's
/// `BlockedAddresses`.
fn blocked_addresses() -> BTreeSet<Address> {
    MODULE_ACCOUNTS
        .iter()
        .filter(|(name, _)| *name != GOV_MODULE)
        .map(|(name, _)| Address::module(name))
        .collect()
}

/// The modules with their keepers, orders and routes.
pub struct ModuleSet {
    keepers: Keepers,
    modules: Vec<Box<dyn Module>>,
    genesis_order: Vec<usize>,
    begin_block_order: Vec<usize>,
    end_block_order: Vec<usize>,
    msg_routes: BTreeMap<&'static str, usize>,
    query_routes: BTreeMap<&'static str, usize>,
}

/// The three orders a module set runs its modules in.
struct Orders {
    genesis: &'static [&'static str],
    begin_block: &'static [&'static str],
    end_block: &'static [&'static str],
}

impl ModuleSet {
    /// Agora's modules, for what never runs a block (genesis files, decoding Msgs): no
    /// upgrade handlers.
    pub fn agora() -> Self {
        Self::with_upgrades(Upgrades::default())
    }

    /// Agora's modules, running `upgrades` at plan heights: what a node executes blocks with.
    pub fn with_upgrades(upgrades: Upgrades) -> Self {
        let keepers = Keepers::agora(upgrades);
        let modules = keepers.modules();
        Self::wire(
            keepers,
            modules,
            Orders {
                genesis: GENESIS_ORDER,
                begin_block: BEGIN_BLOCK_ORDER,
                end_block: END_BLOCK_ORDER,
            },
        )
    }

    /// Wires `modules`; panics on a wiring bug: two modules with one name, Msg or query, or
    /// an order list that does not name every module exactly once.
    fn wire(keepers: Keepers, modules: Vec<Box<dyn Module>>, orders: Orders) -> Self {
        let mut msg_routes = BTreeMap::new();
        let mut query_routes = BTreeMap::new();
        let mut names = BTreeMap::new();
        for (i, m) in modules.iter().enumerate() {
            assert!(
                names.insert(m.name(), i).is_none(),
                "module {} registered twice",
                m.name()
            );
            for url in m.msg_type_urls() {
                assert!(
                    msg_routes.insert(*url, i).is_none(),
                    "msg {url} routed twice"
                );
            }
            for path in m.query_paths() {
                assert!(
                    query_routes.insert(*path, i).is_none(),
                    "query {path} routed twice"
                );
            }
        }
        let order = |list: &[&str], what: &str| -> Vec<usize> {
            let indices: Vec<usize> = list
                .iter()
                .map(|name| {
                    *names
                        .get(name)
                        .unwrap_or_else(|| panic!("{what} order names unknown module {name}"))
                })
                .collect();
            let distinct: BTreeSet<_> = indices.iter().collect();
            assert!(
                distinct.len() == indices.len() && indices.len() == modules.len(),
                "{what} order must name every module once: {list:?}"
            );
            indices
        };
        Self {
            genesis_order: order(orders.genesis, "genesis"),
            begin_block_order: order(orders.begin_block, "BeginBlock"),
            end_block_order: order(orders.end_block, "EndBlock"),
            keepers,
            modules,
            msg_routes,
            query_routes,
        }
    }

    /// The keepers the app calls.
    pub fn keepers(&self) -> &Keepers {
        &self.keepers
    }

    /// The modules in genesis order (init and export).
    pub fn in_genesis_order(&self) -> impl Iterator<Item = &dyn Module> {
        self.genesis_order.iter().map(|&i| self.modules[i].as_ref())
    }

    /// Whether a module is called `name`.
    pub fn has_module(&self, name: &str) -> bool {
        self.modules.iter().any(|m| m.name() == name)
    }

    /// Runs every module's BeginBlock, in order.
    pub fn begin_block(&self, ctx: &mut Context) -> Result<()> {
        for &i in &self.begin_block_order {
            self.modules[i].begin_block(ctx)?;
        }
        Ok(())
    }

    /// Runs every module's EndBlock, in order; returns the validator updates, which at most
    /// one module may return (as the SDK's module manager requires).
    pub fn end_block(&self, ctx: &mut Context) -> Result<Vec<ValidatorUpdate>> {
        let mut updates = Vec::new();
        for &i in &self.end_block_order {
            let module = self.modules[i].as_ref();
            collect_updates(&mut updates, module, module.end_block(ctx)?)?;
        }
        Ok(updates)
    }

    /// The module handling Msgs of `type_url`.
    pub fn for_msg(&self, type_url: &str) -> Result<&dyn Module> {
        self.msg_routes
            .get(type_url)
            .map(|&i| self.modules[i].as_ref())
            .ok_or_else(|| {
                Error::sdk(
                    SdkCode::UnknownRequest,
                    format!("unrecognized message type {type_url}"),
                )
            })
    }

    /// The module answering the gRPC method `path`.
    pub fn for_query(&self, path: &str) -> Option<&dyn Module> {
        self.query_routes
            .get(path)
            .map(|&i| self.modules[i].as_ref())
    }

    /// Decodes a tx's Msgs, each checked without state by its module, once per tx.
    pub fn decode_msgs(&self, msgs: &[Any]) -> Result<Vec<DecodedMsg>> {
        msgs.iter().map(|msg| self.decode(msg)).collect()
    }

    /// The distinct signers of Msgs, in first-seen order (the SDK's `GetSigners` before it
    /// appends the fee payer), after each Msg's stateless checks: what the CLI signs with.
    pub fn signers(&self, msgs: &[Any]) -> Result<Vec<Address>> {
        let decoded = self.decode_msgs(msgs)?;
        Ok(distinct(
            decoded.iter().flat_map(|m| m.signers().iter().cloned()),
        ))
    }
}

/// Adds `module`'s validator updates to `all`; errors if another module already gave some.
pub(crate) fn collect_updates(
    all: &mut Vec<ValidatorUpdate>,
    module: &dyn Module,
    updates: Vec<ValidatorUpdate>,
) -> Result<()> {
    if updates.is_empty() {
        return Ok(());
    }
    if !all.is_empty() {
        return Err(Error::internal(format!(
            "module {} returned validator updates after another module did",
            module.name()
        )));
    }
    *all = updates;
    Ok(())
}

impl MsgRouter for ModuleSet {
    fn decode(&self, msg: &Any) -> Result<DecodedMsg> {
        self.for_msg(&msg.type_url)?.decode_msg(msg)
    }

    fn dispatch(&self, ctx: &mut Context, msg: &DecodedMsg) -> Result<Any> {
        let value = self.for_msg(msg.type_url())?.handle_msg(ctx, msg)?;
        Ok(Any {
            type_url: format!("{}Response", msg.type_url()),
            value,
        })
    }

    fn deliver_genesis_tx(&self, ctx: &mut Context, tx: &serde_json::Value) -> Result<()> {
        crate::gentx::deliver(self, ctx, tx)
    }

    fn module_versions(&self) -> VersionMap {
        self.modules
            .iter()
            .map(|m| (m.name().to_string(), m.consensus_version()))
            .collect()
    }

    fn run_migrations(&self, ctx: &mut Context, from: &VersionMap) -> Result<VersionMap> {
        for module in self.in_genesis_order() {
            let to = module.consensus_version();
            match from.get(module.name()).copied() {
                Some(version) if version > to => {
                    return Err(Error::internal(format!(
                        "module {} is at version {version} in state but this binary has version {to}: the binary is older than the chain",
                        module.name()
                    )))
                }
                Some(version) => {
                    for step in version..to {
                        tracing::info!(module = module.name(), from = step, to = step + 1, "migrating module state");
                        module.migrate(ctx, step)?;
                    }
                }
                None => {
                    tracing::info!(module = module.name(), version = to, "adding module: default genesis");
                    let updates = module.init_genesis(ctx, &module.default_genesis())?;
                    if !updates.is_empty() {
                        return Err(Error::sdk(
                            SdkCode::Logic,
                            format!("module {} added by an upgrade returned validator updates; only staking may change the validator set", module.name()),
                        ));
                    }
                }
            }
        }
        Ok(self.module_versions())
    }
}

/// `addresses` without repeats, in first-seen order.
pub fn distinct(addresses: impl IntoIterator<Item = Address>) -> Vec<Address> {
    let mut out: Vec<Address> = Vec::new();
    for address in addresses {
        if !out.contains(&address) {
            out.push(address);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use agora_core::store::CacheStore;
    use agora_core::{BlockInfo, ExecMode, GasMeter};
    use agora_proto::tendermint::v0_38::types::ConsensusParams;
    use cosmwasm_std::Timestamp;
    use prost::Message;

    use super::*;

    const RELAY_URL: &str = "/agora.test.v1.MsgRelay";

    /// Runs the Msg its own Msg carries through the app's router with the gov authority as
    /// signer, in a branch: what gov does with a passed proposal.
    struct Relay;

    impl Module for Relay {
        fn name(&self) -> &'static str {
            "relay"
        }
        fn default_genesis(&self) -> serde_json::Value {
            serde_json::json!({})
        }
        fn validate_genesis(&self, _: &serde_json::Value) -> Result<()> {
            Ok(())
        }
        fn init_genesis(
            &self,
            _: &mut Context,
            _: &serde_json::Value,
        ) -> Result<Vec<ValidatorUpdate>> {
            Ok(Vec::new())
        }
        fn export_genesis(&self, _: &mut Context) -> Result<serde_json::Value> {
            Ok(self.default_genesis())
        }
        fn msg_type_urls(&self) -> &'static [&'static str] {
            &[RELAY_URL]
        }
        fn decode_msg(&self, msg: &Any) -> Result<DecodedMsg> {
            let inner = Any::decode(msg.value.as_slice())?;
            Ok(DecodedMsg::new(RELAY_URL, vec![gov_authority()], inner))
        }
        fn handle_msg(&self, ctx: &mut Context, msg: &DecodedMsg) -> Result<Vec<u8>> {
            let router = ctx.router()?;
            let inner = router.decode(msg.value::<Any>()?)?;
            if inner.signers() != [gov_authority()] {
                return Err(Error::sdk(SdkCode::Unauthorized, "not signed by gov"));
            }
            let response = ctx.branch(|branch| router.dispatch(branch, &inner))?;
            Ok(response.encode_to_vec())
        }
    }

    fn with_relay() -> ModuleSet {
        with_extra(Box::new(Relay))
    }

    /// Agora's modules and `extra`, which runs last in every order.
    fn with_extra(extra: Box<dyn Module>) -> ModuleSet {
        let keepers = Keepers::agora(Upgrades::default());
        let mut modules = keepers.modules();
        let name = extra.name();
        modules.push(extra);
        let order: Vec<&str> = GENESIS_ORDER.iter().copied().chain([name]).collect();
        let order: &'static [&'static str] = Vec::leak(order);
        ModuleSet::wire(
            keepers,
            modules,
            Orders {
                genesis: order,
                begin_block: order,
                end_block: order,
            },
        )
    }

    fn relay(inner: Any) -> Any {
        Any {
            type_url: RELAY_URL.into(),
            value: inner.encode_to_vec(),
        }
    }

    #[test]
    fn handlers_run_msgs_through_the_router_as_the_authority() {
        let set = with_relay();
        let block = BlockInfo {
            height: 1,
            time: Timestamp::from_seconds(1),
            chain_id: "agora-test".into(),
            ..Default::default()
        };
        let base = cosmwasm_std::testing::MockStorage::new();
        let mut state = CacheStore::new(&base);
        crate::genesis::init(&set, &block, &mut state, None, b"").unwrap();
        let gas = GasMeter::infinite();
        let mut ctx = Context::new(&block, ExecMode::Finalize, &mut state, &gas).with_router(&set);

        let mut params = set.keepers().consensus.params(&mut ctx).unwrap();
        params.block.as_mut().unwrap().max_gas = 1234;
        let update = agora_proto::cosmos_consensus::v1::MsgUpdateParams {
            authority: gov_authority().to_string(),
            block: params.block,
            evidence: params.evidence,
            validator: params.validator.clone(),
            abci: params.abci,
        };
        let update = Any {
            type_url: agora_consensus::MSG_UPDATE_PARAMS_TYPE_URL.into(),
            value: update.encode_to_vec(),
        };
        let msg = set.decode(&relay(update)).unwrap();
        let response = set.dispatch(&mut ctx, &msg).unwrap();
        assert_eq!(response.type_url, format!("{RELAY_URL}Response"));
        let inner = Any::decode(response.value.as_slice()).unwrap();
        assert_eq!(
            inner.type_url,
            "/cosmos.consensus.v1.MsgUpdateParamsResponse"
        );
        let stored: ConsensusParams = set.keepers().consensus.params(&mut ctx).unwrap();
        assert_eq!(stored.block.unwrap().max_gas, 1234);

        // A Msg whose signer is not the authority is refused by the relaying handler.
        let alice = Address::from_bytes(vec![1; 20]).unwrap();
        let send = agora_proto::cosmos::bank::v1beta1::MsgSend {
            from_address: alice.to_string(),
            to_address: gov_authority().to_string(),
            amount: vec![],
        };
        let send = Any {
            type_url: agora_bank::MSG_SEND_TYPE_URL.into(),
            value: send.encode_to_vec(),
        };
        let msg = set.decode(&relay(send)).unwrap();
        assert!(set.dispatch(&mut ctx, &msg).is_err());
        drop(ctx);
        // The app reads the new limit from state as it does after a commit.
        let chain = agora_consensus::ChainParams::load(&state).unwrap().unwrap();
        assert_eq!(chain.max_gas, 1234);
    }

    #[test]
    fn the_authority_spends_the_community_pool_but_not_more_than_it_holds() {
        use agora_proto::cosmos::distribution::v1beta1 as pb;
        let set = with_relay();
        let block = BlockInfo {
            height: 1,
            time: Timestamp::from_seconds(1),
            chain_id: "agora-test".into(),
            ..Default::default()
        };
        let base = cosmwasm_std::testing::MockStorage::new();
        let mut state = CacheStore::new(&base);
        crate::genesis::init(&set, &block, &mut state, None, b"").unwrap();
        let gas = GasMeter::infinite();
        let mut ctx = Context::new(&block, ExecMode::Finalize, &mut state, &gas).with_router(&set);
        let coins = |n: u128| agora_core::Coins::from(agora_core::Coin::new(n, "uagr"));
        let bank = &set.keepers().bank;
        bank.mint_coins(&mut ctx, MINT_MODULE, &coins(1_000))
            .unwrap();
        bank.send_coins_from_module_to_module(&mut ctx, MINT_MODULE, GOV_MODULE, &coins(1_000))
            .unwrap();
        let gov = gov_authority().to_string();
        let run = |ctx: &mut Context, url: &str, msg: Vec<u8>| {
            let inner = Any {
                type_url: url.into(),
                value: msg,
            };
            let decoded = set.decode(&relay(inner))?;
            set.dispatch(ctx, &decoded)
        };
        let fund = pb::MsgFundCommunityPool {
            amount: coins(1_000).to_proto(),
            depositor: gov.clone(),
        };
        run(
            &mut ctx,
            agora_distribution::MSG_FUND_COMMUNITY_POOL_TYPE_URL,
            fund.encode_to_vec(),
        )
        .unwrap();
        let alice = Address::from_bytes(vec![1; 20]).unwrap();
        let spend = |amount: u128, to: &Address| {
            pb::MsgCommunityPoolSpend {
                authority: gov.clone(),
                recipient: to.to_string(),
                amount: coins(amount).to_proto(),
            }
            .encode_to_vec()
        };
        let url = agora_distribution::MSG_COMMUNITY_POOL_SPEND_TYPE_URL;
        let err = run(&mut ctx, url, spend(1_001, &alice)).unwrap_err();
        assert_eq!((err.codespace.as_ref(), err.code), ("distribution", 9));
        let fee_collector = Address::module(FEE_COLLECTOR);
        let err = run(&mut ctx, url, spend(1, &fee_collector)).unwrap_err();
        assert_eq!(err.code, SdkCode::Unauthorized as u32, "{}", err.msg);
        run(&mut ctx, url, spend(600, &alice)).unwrap();
        assert_eq!(bank.balance(&mut ctx, &alice, "uagr").unwrap(), 600);
        let pool = set.keepers().distribution.community_pool(&mut ctx).unwrap();
        assert_eq!(pool.amount_of("uagr").truncate().unwrap(), 400);
    }

    /// A module at version 3 that records each migration step and its genesis in its store.
    struct Counter {
        key: StoreKey,
    }

    /// What a [`Counter`] recorded, in key order.
    fn marks(ctx: &mut Context) -> Vec<String> {
        use cosmwasm_std::Storage as _;
        let key = StoreKey::new("counter");
        let kv = ctx.kv(&key);
        kv.range(None, None, cosmwasm_std::Order::Ascending)
            .map(|(k, _)| String::from_utf8(k).unwrap())
            .collect()
    }

    impl Counter {
        fn mark(&self, ctx: &mut Context, mark: &str) {
            use cosmwasm_std::Storage as _;
            ctx.kv(&self.key).set(mark.as_bytes(), b"1");
        }
    }

    impl Module for Counter {
        fn name(&self) -> &'static str {
            "counter"
        }
        fn default_genesis(&self) -> serde_json::Value {
            serde_json::json!({})
        }
        fn validate_genesis(&self, _: &serde_json::Value) -> Result<()> {
            Ok(())
        }
        fn init_genesis(
            &self,
            ctx: &mut Context,
            _: &serde_json::Value,
        ) -> Result<Vec<ValidatorUpdate>> {
            self.mark(ctx, "genesis");
            Ok(Vec::new())
        }
        fn export_genesis(&self, _: &mut Context) -> Result<serde_json::Value> {
            Ok(self.default_genesis())
        }
        fn consensus_version(&self) -> u64 {
            3
        }
        fn migrate(&self, ctx: &mut Context, from_version: u64) -> Result<()> {
            self.mark(ctx, &format!("v{from_version}"));
            Ok(())
        }
    }

    #[test]
    fn migrations_run_each_step_up_to_the_binarys_version_and_new_modules_get_genesis() {
        let set = with_extra(Box::new(Counter {
            key: StoreKey::new("counter"),
        }));
        let block = BlockInfo::default();
        let base = cosmwasm_std::testing::MockStorage::new();
        let gas = GasMeter::infinite();
        let current = set.module_versions();
        assert_eq!((current["counter"], current["bank"]), (3, 1));

        let mut state = CacheStore::new(&base);
        let mut ctx = Context::new(&block, ExecMode::Finalize, &mut state, &gas);
        let mut from = current.clone();
        from.insert("counter".into(), 1);
        assert_eq!(set.run_migrations(&mut ctx, &from).unwrap(), current);
        assert_eq!(marks(&mut ctx), ["v1", "v2"]);

        let mut state = CacheStore::new(&base);
        let mut ctx = Context::new(&block, ExecMode::Finalize, &mut state, &gas);
        let mut from = current.clone();
        from.remove("counter");
        set.run_migrations(&mut ctx, &from).unwrap();
        assert_eq!(marks(&mut ctx), ["genesis"]);

        let mut from = current.clone();
        from.insert("counter".into(), 4);
        let err = set.run_migrations(&mut ctx, &from).unwrap_err();
        assert!(
            err.msg.contains("binary is older than the chain"),
            "{}",
            err.msg
        );
        from.insert("counter".into(), 3);
        from.insert("bank".into(), 0);
        let err = set.run_migrations(&mut ctx, &from).unwrap_err();
        assert!(
            err.msg
                .contains("module bank has no migration from version 0"),
            "{}",
            err.msg
        );
    }

    #[test]
    #[should_panic(expected = "EndBlock order must name every module once")]
    fn an_order_missing_a_module_is_a_wiring_bug() {
        let keepers = Keepers::agora(Upgrades::default());
        let modules = keepers.modules();
        ModuleSet::wire(
            keepers,
            modules,
            Orders {
                genesis: GENESIS_ORDER,
                begin_block: BEGIN_BLOCK_ORDER,
                end_block: &["auth", "bank", "staking"],
            },
        );
    }

    #[test]
    fn every_module_account_but_gov_is_blocked() {
        let blocked = blocked_addresses();
        assert!(blocked.contains(&Address::module(FEE_COLLECTOR)));
        assert!(!blocked.contains(&gov_authority()));
    }
}
