//! Determinism, proofs, genesis export and restart, over real RocksDB stores.

mod common;

use agora_app::testing::{bank_send, Signer, TxSpec};
use agora_app::{App, AppConfig};
use agora_core::store::module_prefix;
use common::{Chain, CHAIN_ID};
use cosmwasm_std::{Order, Storage};
use ics23::HostFunctionsManager;
use prost::Message;
use rand::{Rng, SeedableRng};
use tendermint_proto::v0_38::abci::RequestQuery;

/// 50 blocks of random sends (some failing: overspends, stale sequences) from a seeded RNG.
fn random_blocks(chain: &Chain, seed: u64, blocks: usize) -> Vec<Vec<Vec<u8>>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut sequences = vec![0u64; chain.keys.len()];
    (0..blocks)
        .map(|_| {
            (0..rng.gen_range(0..12))
                .map(|_| {
                    let from = rng.gen_range(0..chain.keys.len());
                    let to = rng.gen_range(0..chain.keys.len());
                    let amount = if rng.gen_bool(0.1) {
                        u128::MAX / 2
                    } else {
                        rng.gen_range(1..10_000)
                    };
                    let stale = rng.gen_bool(0.05) && sequences[from] > 0;
                    let sequence = if stale {
                        sequences[from] - 1
                    } else {
                        sequences[from]
                    };
                    let key = &chain.keys[from];
                    let mut spec = TxSpec::new(
                        CHAIN_ID,
                        vec![bank_send(&key.address, &chain.keys[to].address, amount)],
                        Signer {
                            key,
                            account_number: from as u64,
                            sequence,
                        },
                    );
                    spec.fee = vec![("uagr", rng.gen_range(0..100))];
                    if !stale {
                        sequences[from] += 1;
                    }
                    spec.sign()
                })
                .collect()
        })
        .collect()
}

#[test]
fn two_nodes_fed_the_same_blocks_agree_on_every_app_hash() {
    let mut a = Chain::new(8);
    let mut b = Chain::new(8);
    let blocks = random_blocks(&a, 7, 50);
    let mut failures = 0;
    for (i, txs) in blocks.into_iter().enumerate() {
        let ra = a.block(txs.clone());
        let rb = b.block(txs);
        assert_eq!(
            ra.app_hash,
            rb.app_hash,
            "app hashes diverge at height {}",
            i + 1
        );
        let codes = |r: &tendermint_proto::v0_38::abci::ResponseFinalizeBlock| {
            r.tx_results
                .iter()
                .map(|t| (t.code, t.gas_used))
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&ra), codes(&rb));
        failures += ra.tx_results.iter().filter(|t| t.code != 0).count();
    }
    assert!(failures > 0, "the blocks should include failing txs");
    // and a different history gives a different hash
    let mut c = Chain::new(8);
    for txs in random_blocks(&c, 8, 50) {
        c.block(txs);
    }
    assert_ne!(c.app.store().app_hash(), a.app.store().app_hash());
}

#[test]
fn restart_resumes_at_the_last_commit_with_the_same_hash() {
    let mut chain = Chain::new(4);
    for txs in random_blocks(&chain, 3, 5) {
        chain.block(txs);
    }
    let (height, hash) = (chain.height(), chain.app.store().app_hash());
    let keys = chain.keys.clone();
    let dir = chain.dir;
    drop(chain.app);
    let app = App::open(&common::store_dir(&dir), AppConfig::default()).unwrap();
    let info = app.info();
    assert_eq!(info.last_block_height as u64, height);
    assert_eq!(info.last_block_app_hash.as_ref(), hash);
    // the chain id came back from state: a signed tx still verifies
    let mut chain = Chain::from_app(app, keys, dir);
    let key = &chain.keys[0];
    let (num, seq) = chain.account(&key.address.clone());
    let tx = TxSpec::new(
        CHAIN_ID,
        vec![bank_send(&chain.keys[0].address, &chain.keys[1].address, 1)],
        Signer {
            key: &chain.keys[0],
            account_number: num,
            sequence: seq,
        },
    )
    .sign();
    assert_eq!(chain.deliver(tx).code, 0);
}

fn verify_raw_query_proof(
    chain: &mut Chain,
    module: &str,
    key: &[u8],
    height: u64,
) -> Option<Vec<u8>> {
    let res = chain.app.query(RequestQuery {
        path: format!("store/{module}/key"),
        data: key.to_vec().into(),
        height: height as i64,
        prove: true,
    });
    assert_eq!(res.code, 0, "{}", res.log);
    assert_eq!(res.height as u64, height);
    let ops = res.proof_ops.expect("prove=true returns proof ops").ops;
    assert_eq!(ops.len(), 2);
    let substore = ics23::CommitmentProof::decode(ops[0].data.as_slice()).unwrap();
    let root = ics23::CommitmentProof::decode(ops[1].data.as_slice()).unwrap();
    let spec = jmt::ics23_spec();
    let app_hash = chain.app.store().app_hash_at(height).unwrap();
    // the root proof shows module -> substore root under the app hash
    let Some(ics23::commitment_proof::Proof::Exist(root_exist)) = &root.proof else {
        panic!("module must exist in the root tree")
    };
    let substore_root = root_exist.value.clone();
    assert!(ics23::verify_membership::<HostFunctionsManager>(
        &root,
        &spec,
        &app_hash.to_vec(),
        module.as_bytes(),
        &substore_root
    ));
    assert!(!ics23::verify_membership::<HostFunctionsManager>(
        &root,
        &spec,
        &[0u8; 32].to_vec(),
        module.as_bytes(),
        &substore_root
    ));
    if res.value.is_empty() {
        assert!(ics23::verify_non_membership::<HostFunctionsManager>(
            &substore,
            &spec,
            &substore_root,
            key
        ));
        None
    } else {
        assert!(ics23::verify_membership::<HostFunctionsManager>(
            &substore,
            &spec,
            &substore_root,
            key,
            &res.value
        ));
        let mut forged = res.value.to_vec();
        forged[0] ^= 1;
        assert!(!ics23::verify_membership::<HostFunctionsManager>(
            &substore,
            &spec,
            &substore_root,
            key,
            &forged
        ));
        Some(res.value.to_vec())
    }
}

#[test]
fn past_values_and_absences_are_proven_against_that_heights_app_hash() {
    let mut chain = Chain::new(3);
    let blocks = random_blocks(&chain, 11, 6);
    for txs in blocks {
        chain.block(txs);
    }
    // pick a bank key as it stood at height 2
    let bank_key = {
        let latest = chain.app.store().latest();
        let prefix = module_prefix("bank");
        let (k, _) = latest
            .range(
                Some(&prefix),
                Some(&agora_core::store::prefix_end(&prefix).unwrap()),
                Order::Ascending,
            )
            .next()
            .unwrap();
        k[prefix.len()..].to_vec()
    };
    let then =
        verify_raw_query_proof(&mut chain, "bank", &bank_key, 2).expect("key exists at height 2");
    assert_eq!(
        Some(then),
        chain.app.store().get_at("bank", &bank_key, 2).unwrap()
    );
    assert_eq!(
        verify_raw_query_proof(&mut chain, "bank", b"\x02no such key", 2),
        None
    );
    assert_eq!(
        verify_raw_query_proof(&mut chain, "auth", b"\x09absent", 5),
        None
    );
}

#[test]
fn exported_state_reimports_to_the_same_records() {
    let mut chain = Chain::new(5);
    for txs in random_blocks(&chain, 5, 8) {
        chain.block(txs);
    }
    let exported = chain.app.export_app_state().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = App::open(dir.path(), AppConfig::default()).unwrap();
    fresh
        .init_chain(agora_app::testing::init_chain_request(CHAIN_ID, &exported))
        .unwrap();
    // Block bookkeeping (staking's historical info of each height) is not exported, as in
    // the SDK, so the app hash differs; every exported record comes back the same.
    fresh
        .finalize_block(agora_app::testing::finalize_request(1, vec![]))
        .unwrap();
    fresh.commit().unwrap();
    assert_eq!(fresh.export_app_state().unwrap(), exported);
}

#[test]
fn malformed_genesis_is_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path(), AppConfig::default()).unwrap();
    let bad = serde_json::json!({"bank": {"params": {"send_enabled": [], "default_send_enabled": true},
        "balances": [{"address": "agora1notanaddress", "coins": []}], "supply": [], "denom_metadata": [], "send_enabled": []}});
    let err = app
        .init_chain(agora_app::testing::init_chain_request(CHAIN_ID, &bad))
        .unwrap_err();
    // the error names the JSON path of the bad field and its value
    assert_eq!(
        (err.codespace.as_ref(), err.code),
        ("sdk", 7),
        "{}",
        err.msg
    );
    assert!(
        err.msg.starts_with("app_state.bank.balances[0].address: ")
            && err.msg.contains("\"agora1notanaddress\""),
        "{}",
        err.msg
    );
    let unknown = serde_json::json!({"nosuchmodule": {}});
    let err = app
        .init_chain(agora_app::testing::init_chain_request(CHAIN_ID, &unknown))
        .unwrap_err();
    assert!(err.msg.contains("app_state.nosuchmodule"), "{}", err.msg);
    assert_eq!(app.store().height(), 0);
}
