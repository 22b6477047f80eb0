//! Consensus params: written at InitChain, read by query and by the app, changed only by the
//! authority's `MsgUpdateParams` and only to params CometBFT accepts.

use std::sync::Arc;

use agora_consensus::{
    ChainParams, Consensus, Keeper, MODULE, MSG_UPDATE_PARAMS_TYPE_URL, PARAMS_PATH,
};
use agora_core::authority::gov_authority;
use agora_core::store::CacheStore;
use agora_core::{Address, BlockInfo, Context, ExecMode, GasMeter, Module, SdkCode, StoreKey};
use agora_proto::cosmos_consensus::v1 as pb;
use agora_proto::tendermint::v0_38::types::{BlockParams, ConsensusParams};
use agora_proto::Any;
use cosmwasm_std::testing::MockStorage;
use cosmwasm_std::{Storage, Timestamp};
use prost::Message;

fn block() -> BlockInfo {
    BlockInfo {
        height: 7,
        time: Timestamp::from_seconds(1_700_000_000),
        chain_id: "agora-test".into(),
        ..Default::default()
    }
}

fn module() -> Consensus {
    Consensus::new(Arc::new(Keeper::new(
        StoreKey::new(MODULE),
        gov_authority(),
    )))
}

fn update(authority: &Address, params: &ConsensusParams) -> Any {
    Any {
        type_url: MSG_UPDATE_PARAMS_TYPE_URL.into(),
        value: pb::MsgUpdateParams {
            authority: authority.to_string(),
            block: params.block,
            evidence: params.evidence,
            validator: params.validator.clone(),
            abci: params.abci,
        }
        .encode_to_vec(),
    }
}

fn queried(consensus: &Consensus, ctx: &mut Context) -> ConsensusParams {
    let bytes = consensus
        .query(ctx, PARAMS_PATH, &pb::QueryParamsRequest {}.encode_to_vec())
        .unwrap();
    pb::QueryParamsResponse::decode(bytes.as_slice())
        .unwrap()
        .params
        .unwrap()
}

#[test]
fn params_come_from_init_chain_and_change_only_by_the_authority() {
    let mut store = MockStorage::new();
    let block = block();
    let gas = GasMeter::infinite();
    let consensus = module();
    let keeper = Keeper::new(StoreKey::new(MODULE), gov_authority());
    let mut cache = CacheStore::new(&store);
    {
        let mut ctx = Context::new(&block, ExecMode::Finalize, &mut cache, &gas);
        let given = ConsensusParams {
            block: Some(BlockParams {
                max_bytes: 2_000_000,
                max_gas: 50_000_000,
            }),
            ..Default::default()
        };
        keeper
            .init_chain(&mut ctx, "agora-test", Some(given))
            .unwrap();
        let params = queried(&consensus, &mut ctx);
        assert_eq!(params.block.unwrap().max_gas, 50_000_000);
        assert_eq!(
            params.evidence,
            agora_consensus::default_params().evidence,
            "missing sections take CometBFT's defaults"
        );

        let mut wanted = params.clone();
        wanted.block.as_mut().unwrap().max_gas = 80_000_000;
        let by_other = consensus
            .decode_msg(&update(&Address::module("x"), &wanted))
            .unwrap();
        let err = consensus.handle_msg(&mut ctx, &by_other).unwrap_err();
        assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));

        let mut too_much_evidence = wanted.clone();
        too_much_evidence.evidence.as_mut().unwrap().max_bytes = 3_000_000;
        let bad = consensus
            .decode_msg(&update(&gov_authority(), &too_much_evidence))
            .unwrap();
        let err = consensus.handle_msg(&mut ctx, &bad).unwrap_err();
        assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
        assert!(err.msg.contains("evidence.max_bytes"), "{}", err.msg);
        assert_eq!(
            queried(&consensus, &mut ctx),
            params,
            "refused updates change nothing"
        );

        let by_gov = consensus
            .decode_msg(&update(&gov_authority(), &wanted))
            .unwrap();
        assert_eq!(by_gov.signers(), [gov_authority()]);
        consensus.handle_msg(&mut ctx, &by_gov).unwrap();
        assert_eq!(queried(&consensus, &mut ctx), wanted);
    }
    for (key, value) in cache.into_writes() {
        store.set(&key, &value.unwrap());
    }
    let chain = ChainParams::load(&store).unwrap().unwrap();
    assert_eq!(
        chain,
        ChainParams {
            chain_id: "agora-test".into(),
            max_bytes: 2_000_000,
            max_gas: 80_000_000,
        }
    );
    assert_eq!(chain.tx_gas_cap(), Some(80_000_000));
}

#[test]
fn updates_need_every_section_and_genesis_holds_nothing() {
    let consensus = module();
    let mut partial = agora_consensus::default_params();
    partial.evidence = None;
    let err = consensus
        .decode_msg(&update(&gov_authority(), &partial))
        .unwrap_err();
    assert!(
        err.msg.contains("all parameters must be present"),
        "{}",
        err.msg
    );

    consensus
        .validate_genesis(&consensus.default_genesis())
        .unwrap();
    let err = consensus
        .validate_genesis(&serde_json::json!({"params": {}}))
        .unwrap_err();
    assert!(
        err.msg.contains("top-level consensus_params"),
        "{}",
        err.msg
    );

    let mut store = MockStorage::new();
    let block = block();
    let gas = GasMeter::infinite();
    let mut ctx = Context::new(&block, ExecMode::Finalize, &mut store, &gas);
    let keeper = Keeper::new(StoreKey::new(MODULE), gov_authority());
    let mut zero_block = agora_consensus::default_params();
    zero_block.block.as_mut().unwrap().max_bytes = 0;
    let err = keeper
        .init_chain(&mut ctx, "c", Some(zero_block))
        .unwrap_err();
    assert!(
        err.msg
            .starts_with("genesis consensus_params: block.max_bytes"),
        "{}",
        err.msg
    );
}
