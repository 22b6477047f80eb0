//! Broadcasting real signed txs and finding them again: `broadcast_tx_*`, `tx`, `tx_search`,
//! `unconfirmed_txs`, `num_unconfirmed_txs`, and the mempool's refusals.

mod rpc_support;

use std::time::Duration;

use agora_app::testing::{bank_send, Signer, TxSpec};
use agora_app::tx::DecodedTx;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rpc_support::{hex_upper, tx_hash, TestNode, CHAIN_ID};
use serde_json::json;
use sha2::{Digest, Sha256};
use tendermint::Hash;
use tendermint_rpc::{Client as _, Order};

fn hash(tx: &[u8]) -> Hash {
    Hash::Sha256(tx_hash(tx))
}

/// CometBFT's `computeHashFromAunts`: the root a Merkle proof leads to.
fn proof_root(index: usize, total: usize, leaf: [u8; 32], aunts: &[[u8; 32]]) -> [u8; 32] {
    if total == 1 {
        return leaf;
    }
    let split = 1usize << (usize::BITS - 1 - (total - 1).leading_zeros());
    let (last, rest) = aunts.split_last().expect("an aunt per level");
    let inner =
        |l: &[u8], r: &[u8]| -> [u8; 32] { Sha256::digest([&[1u8][..], l, r].concat()).into() };
    if index < split {
        inner(&proof_root(index, split, leaf, rest), last)
    } else {
        inner(last, &proof_root(index - split, total - split, leaf, rest))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_tx_is_found_by_hash_and_by_search() {
    let t = TestNode::start().await;
    t.produce().await;
    let client = t.client();
    let first = t.send_tx(0, 0, 100);
    let second = t.send_tx(1, 0, 200);
    let sync = client.broadcast_tx_sync(first.clone()).await.unwrap();
    assert_eq!(sync.code.value(), 0, "{}", sync.log);
    assert_eq!(sync.hash, hash(&first));
    let async_ = client.broadcast_tx_async(second.clone()).await.unwrap();
    assert_eq!(async_.hash, hash(&second));

    // Pending: the mempool shows both.
    let pending = t.call("unconfirmed_txs", json!({"limit": "1"})).await["result"].clone();
    assert_eq!(pending["n_txs"], "1");
    assert_eq!(pending["total"], "2");
    assert_eq!(
        pending["total_bytes"],
        (first.len() + second.len()).to_string()
    );
    assert_eq!(pending["txs"], json!([BASE64.encode(&first)]));
    let count = t.call("num_unconfirmed_txs", json!({})).await["result"].clone();
    assert_eq!(
        count,
        json!({"n_txs": "2", "total": "2", "total_bytes": (first.len() + second.len()).to_string(), "txs": null})
    );

    let height = t.produce().await;
    t.produce().await;
    assert_eq!(
        t.call("num_unconfirmed_txs", json!({})).await["result"]["n_txs"],
        "0"
    );

    let found = client.tx(hash(&first), false).await.unwrap();
    assert_eq!(found.height.value(), height);
    assert_eq!(found.index, 0);
    assert_eq!(found.tx, first);
    assert_eq!(found.tx_result.code.value(), 0, "{}", found.tx_result.log);
    assert!(found.tx_result.gas_used > 0);
    assert!(found.proof.is_none());
    let sender_event = found.tx_result.events.iter().find(|e| {
        e.kind == "message"
            && e.attributes
                .iter()
                .any(|a| a.key_str().unwrap() == "sender")
    });
    assert!(sender_event.is_some(), "{:?}", found.tx_result.events);

    // With a proof that leads to the block's data hash.
    let proven = t
        .call(
            "tx",
            json!({"hash": BASE64.encode(tx_hash(&second)), "prove": true}),
        )
        .await["result"]
        .clone();
    assert_eq!(proven["index"], 1);
    let block = t.node.blocks.block(height).unwrap().unwrap();
    let proof = &proven["proof"];
    assert_eq!(
        proof["root_hash"],
        hex_upper(block.header.data_hash.unwrap().as_bytes())
    );
    assert_eq!(proof["data"], BASE64.encode(&second));
    assert_eq!(proof["proof"]["total"], "2");
    let decode = |v: &serde_json::Value| -> [u8; 32] {
        BASE64
            .decode(v.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    let leaf = decode(&proof["proof"]["leaf_hash"]);
    let aunts: Vec<[u8; 32]> = proof["proof"]["aunts"]
        .as_array()
        .unwrap()
        .iter()
        .map(decode)
        .collect();
    assert_eq!(
        proof_root(1, 2, leaf, &aunts).as_slice(),
        block.header.data_hash.unwrap().as_bytes()
    );

    // The same tx through the URI form, by 0x-hex hash.
    let (status, uri) = t
        .get(&format!("/tx?hash=0x{}", hex::encode(tx_hash(&first))))
        .await;
    assert_eq!(status, 200);
    assert_eq!(uri["result"]["hash"], hex_upper(&tx_hash(&first)));
    assert_eq!(uri["result"]["height"], height.to_string());

    // Search by sender (the tx index), by height (a scan), and both.
    let query = format!("message.sender='{}'", t.address(0));
    let by_sender = client
        .tx_search(query.parse().unwrap(), false, 1, 30, Order::Ascending)
        .await
        .unwrap();
    assert_eq!(by_sender.total_count, 1);
    assert_eq!(by_sender.txs[0].hash, hash(&first));
    let by_height = client
        .tx_search(
            format!("tx.height={height}").parse().unwrap(),
            false,
            1,
            30,
            Order::Ascending,
        )
        .await
        .unwrap();
    assert_eq!(by_height.total_count, 2);
    assert_eq!(
        by_height.txs.iter().map(|r| r.index).collect::<Vec<_>>(),
        vec![0, 1]
    );
    let newest_first = client
        .tx_search(
            format!("tx.height>={height}").parse().unwrap(),
            true,
            1,
            1,
            Order::Descending,
        )
        .await
        .unwrap();
    assert_eq!(newest_first.total_count, 2);
    assert_eq!(newest_first.txs.len(), 1);
    assert_eq!(newest_first.txs[0].hash, hash(&second));
    assert!(newest_first.txs[0].proof.is_some());
    let both = format!(
        "tm.event='Tx' AND tx.height={height} AND message.sender='{}'",
        t.address(1)
    );
    let both = client
        .tx_search(both.parse().unwrap(), false, 1, 30, Order::Ascending)
        .await
        .unwrap();
    assert_eq!(
        both.txs.iter().map(|r| r.hash).collect::<Vec<_>>(),
        vec![hash(&second)]
    );
    let none = client
        .tx_search(
            format!("tx.height>{}", height + 1).parse().unwrap(),
            false,
            1,
            30,
            Order::Ascending,
        )
        .await
        .unwrap();
    assert_eq!(none.total_count, 0);
    let by_hash = t
        .call("tx_search", json!({"query": format!("tx.hash='{}'", hex::encode(tx_hash(&second))), "page": "1", "per_page": "5"}))
        .await;
    assert_eq!(by_hash["result"]["total_count"], "1", "{by_hash}");
    let page_two = t
        .call("tx_search", json!({"query": format!("tx.height={height}"), "page": "2", "per_page": "1", "order_by": "asc"}))
        .await;
    assert_eq!(
        page_two["result"]["txs"][0]["hash"],
        hex_upper(&tx_hash(&second)),
        "{page_two}"
    );
    let beyond = t
        .call(
            "tx_search",
            json!({"query": format!("tx.height={height}"), "page": "3", "per_page": "1"}),
        )
        .await;
    assert_eq!(
        beyond["error"]["data"],
        "page should be within [1, 2] range, given 3"
    );
    let bad_query = t.call("tx_search", json!({"query": "tx.height>>1"})).await;
    assert_eq!(bad_query["error"]["code"], -32603, "{bad_query}");
    assert!(bad_query["error"]["data"]
        .as_str()
        .unwrap()
        .starts_with("failed to parse query"));
    let bad_order = t
        .call(
            "tx_search",
            json!({"query": "tx.height=1", "order_by": "up"}),
        )
        .await;
    assert_eq!(
        bad_order["error"]["data"],
        "expected order_by to be either `asc` or `desc` or empty"
    );

    let unknown = t
        .call("tx", json!({"hash": BASE64.encode([7u8; 32])}))
        .await;
    assert_eq!(unknown["error"]["code"], -32603);
    assert_eq!(
        unknown["error"]["data"],
        format!("tx ({}) not found", hex_upper(&[7u8; 32]))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_tx_commit_waits_for_the_block() {
    let mut t =
        TestNode::start_with(|c| c.consensus.timeout_commit = Duration::from_millis(100).into())
            .await;
    t.run_engine();
    t.wait_for_height(1).await;
    let tx = t.send_tx(0, 0, 300);
    let committed = t.client().broadcast_tx_commit(tx.clone()).await.unwrap();
    assert_eq!(
        committed.check_tx.code.value(),
        0,
        "{}",
        committed.check_tx.log
    );
    assert_eq!(
        committed.tx_result.code.value(),
        0,
        "{}",
        committed.tx_result.log
    );
    assert_eq!(committed.hash, hash(&tx));
    assert!(committed.height.value() > 0);
    let stored = t.node.blocks.tx(&tx_hash(&tx)).unwrap().unwrap();
    assert_eq!(stored.height, committed.height.value());

    // A tx CheckTx rejects (a replayed sequence) comes back at once with height 0.
    let stale = t.send_tx(0, 0, 301);
    let raw = t
        .call("broadcast_tx_commit", json!({"tx": BASE64.encode(&stale)}))
        .await["result"]
        .clone();
    assert_ne!(raw["check_tx"]["code"], 0, "{raw}");
    assert_eq!(raw["height"], "0");
    assert_eq!(raw["tx_result"]["code"], 0);
    assert_eq!(raw["tx_result"]["gas_wanted"], "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_tx_commit_times_out_without_blocks() {
    let t = TestNode::start_with(|c| {
        c.rpc.timeout_broadcast_tx_commit = Duration::from_millis(300).into()
    })
    .await;
    // Genesis accounts exist once block 1 commits the genesis state.
    t.produce().await;
    let response = t
        .call(
            "broadcast_tx_commit",
            json!({"tx": BASE64.encode(t.send_tx(0, 0, 5))}),
        )
        .await;
    assert_eq!(response["error"]["code"], -32603, "{response}");
    assert_eq!(
        response["error"]["data"],
        "timed out waiting for tx to be included in a block"
    );
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_txs_are_refused() {
    let t = TestNode::start().await;
    t.produce().await;
    let tx = t.send_tx(0, 0, 100);
    let first = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode(&tx)}))
        .await;
    assert_eq!(first["result"]["code"], 0, "{first}");
    let again = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode(&tx)}))
        .await;
    assert_eq!(
        again["error"],
        json!({"code": -32603, "message": "Internal error", "data": "tx already exists in cache"})
    );
    let (_, uri) = t
        .get(&format!("/broadcast_tx_async?tx=0x{}", hex::encode(&tx)))
        .await;
    assert_eq!(uri["error"]["data"], "tx already exists in cache", "{uri}");
    t.assert_healthy().await;
    // Still refused once committed.
    t.produce().await;
    let committed = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode(&tx)}))
        .await;
    assert_eq!(committed["error"]["data"], "tx already exists in cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_mempool_refuses_more_txs() {
    let t = TestNode::start_with(|c| c.mempool.size = 1).await;
    t.produce().await;
    let accepted = t
        .call(
            "broadcast_tx_sync",
            json!({"tx": BASE64.encode(t.send_tx(0, 0, 1))}),
        )
        .await;
    assert_eq!(accepted["result"]["code"], 0, "{accepted}");
    let refused = t
        .call(
            "broadcast_tx_sync",
            json!({"tx": BASE64.encode(t.send_tx(1, 0, 1))}),
        )
        .await;
    assert_eq!(refused["error"]["code"], -32603, "{refused}");
    assert!(
        refused["error"]["data"]
            .as_str()
            .unwrap()
            .starts_with("mempool is full"),
        "{refused}"
    );
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tx_larger_than_max_tx_bytes_is_refused() {
    let t = TestNode::start_with(|c| c.mempool.max_tx_bytes = 2048).await;
    t.produce().await;
    // A real signed send, valid but for its size: a 3,000-byte memo.
    let key = &t.keys[0];
    let mut spec = TxSpec::new(
        CHAIN_ID,
        vec![bank_send(&key.address, &t.keys[2].address, 5)],
        Signer {
            key,
            account_number: 0,
            sequence: 0,
        },
    );
    spec.memo = "m".repeat(3000);
    let big = spec.sign();
    assert!(DecodedTx::decode(&big).is_ok(), "the oversized tx decodes");
    let refused = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode(&big)}))
        .await;
    assert_eq!(refused["error"]["code"], -32603, "{refused}");
    assert_eq!(
        refused["error"]["data"],
        format!("tx too large. Max size is 2048, but got {}", big.len())
    );
    assert_eq!(
        t.call("num_unconfirmed_txs", json!({})).await["result"]["n_txs"],
        "0"
    );
    // A tx CheckTx rejects is a result with its code, not an error.
    let garbage = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode([1u8; 10])}))
        .await;
    assert_ne!(garbage["result"]["code"], 0, "{garbage}");
    assert_eq!(garbage["result"]["hash"], hex_upper(&tx_hash(&[1u8; 10])));
}
