//! `block`, `block_by_hash`, `block_results`, `block_search`, `blockchain`, `header`,
//! `header_by_hash` and `commit`, at existing and missing heights.

mod rpc_support;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rpc_support::{hex_upper, TestNode};
use serde_json::json;
use tendermint_rpc::{Client as _, Order};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_headers_and_commits() {
    let t = TestNode::start().await;
    let client = t.client();
    t.produce().await;
    client.broadcast_tx_sync(t.send_tx(0, 0, 10)).await.unwrap();
    let tx_height = t.produce().await;
    let latest = t.produce_n(2).await;
    let stored = t.node.blocks.block(tx_height).unwrap().unwrap();

    let block = client.block(tx_height as u32).await.unwrap();
    assert_eq!(block.block.header, stored.header);
    assert_eq!(block.block.data, stored.data);
    assert_eq!(block.block_id, agora_node::blockstore::block_id(&stored));
    assert_eq!(
        client
            .latest_block()
            .await
            .unwrap()
            .block
            .header
            .height
            .value(),
        latest
    );
    let by_hash = client.block_by_hash(stored.header.hash()).await.unwrap();
    assert_eq!(by_hash.block.unwrap().header, stored.header);
    let header = client.header(tx_height as u32).await.unwrap();
    assert_eq!(header.header, stored.header);
    let header = client.header_by_hash(stored.header.hash()).await.unwrap();
    assert_eq!(header.header.unwrap(), stored.header);

    // CometBFT's shape for the first block: an empty last commit and last block id, not null.
    let first = t.call("block", json!({"height": "1"})).await["result"].clone();
    let empty_id = json!({"hash": "", "parts": {"total": 0, "hash": ""}});
    assert_eq!(
        first["block"]["last_commit"]["block_id"], empty_id,
        "{first}"
    );
    assert_eq!(first["block"]["last_commit"]["height"], "0");
    assert_eq!(first["block"]["last_commit"]["signatures"], json!([]));
    assert_eq!(first["block"]["header"]["last_block_id"], empty_id);
    assert_eq!(first["block"]["evidence"], json!({"evidence": []}));
    assert_eq!(first["block"]["data"], json!({"txs": []}));
    let with_tx = t
        .call("block", json!({"height": tx_height.to_string()}))
        .await["result"]
        .clone();
    assert_eq!(
        with_tx["block"]["data"]["txs"][0],
        BASE64.encode(&stored.data[0])
    );
    assert_eq!(
        with_tx["block_id"]["hash"],
        hex_upper(stored.header.hash().as_bytes())
    );

    // An unknown hash is a null block, as in CometBFT.
    let unknown = t
        .call("block_by_hash", json!({"hash": BASE64.encode([9u8; 32])}))
        .await["result"]
        .clone();
    assert_eq!(unknown, json!({"block_id": empty_id, "block": null}));
    // header_by_hash takes CometBFT's HexBytes (hex), block_by_hash a []byte (base64).
    let unknown = t
        .call("header_by_hash", json!({"hash": hex::encode([9u8; 32])}))
        .await["result"]
        .clone();
    assert_eq!(unknown, json!({"header": null}));

    // Commits: canonical below the tip, the node's own (non-canonical) at the tip.
    let commit = client.commit(tx_height as u32).await.unwrap();
    assert!(commit.canonical);
    assert_eq!(commit.signed_header.header, stored.header);
    assert_eq!(
        commit.signed_header.commit.block_id.hash,
        stored.header.hash()
    );
    assert_eq!(commit.signed_header.commit.signatures.len(), 1);
    let next = t.node.blocks.block(tx_height + 1).unwrap().unwrap();
    assert_eq!(Some(commit.signed_header.commit), next.last_commit);
    let tip = client.latest_commit().await.unwrap();
    assert!(!tip.canonical);
    assert_eq!(tip.signed_header.header.height.value(), latest);

    for method in ["block", "header", "commit", "block_results"] {
        let missing = t.call(method, json!({"height": "99"})).await;
        assert_eq!(missing["error"]["code"], -32603, "{method}: {missing}");
        assert_eq!(
            missing["error"]["data"],
            format!(
                "height 99 must be less than or equal to the current blockchain height {latest}"
            ),
            "{method}"
        );
        let zero = t.call(method, json!({"height": "0"})).await;
        assert_eq!(
            zero["error"]["data"], "height must be greater than 0, but got 0",
            "{method}"
        );
        let (status, bad) = t.get(&format!("/{method}?height=abc")).await;
        assert_eq!(
            (status, bad["error"]["code"].clone()),
            (500, json!(-32602)),
            "{method}: {bad}"
        );
    }
    let (status, uri) = t.get(&format!("/header?height={tx_height}")).await;
    assert_eq!(status, 200);
    assert_eq!(uri["id"], -1);
    assert_eq!(uri["result"]["header"]["height"], tx_height.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_results_have_the_v0_38_shape() {
    let t = TestNode::start().await;
    let client = t.client();
    t.produce().await;
    let tx = t.send_tx(0, 0, 10);
    client.broadcast_tx_sync(tx.clone()).await.unwrap();
    let height = t.produce().await;
    t.produce().await;

    let results = client.block_results(height as u32).await.unwrap();
    assert_eq!(results.height.value(), height);
    let txs = results.txs_results.unwrap();
    assert_eq!(txs.len(), 1);
    assert_eq!(txs[0].code.value(), 0, "{}", txs[0].log);
    let stored = t.node.blocks.results(height).unwrap().unwrap();
    assert_eq!(results.app_hash.as_bytes(), stored.app_hash.as_ref());
    let next = t.node.blocks.block(height + 1).unwrap().unwrap();
    assert_eq!(results.app_hash, next.header.app_hash);

    let raw = t
        .call("block_results", json!({"height": height.to_string()}))
        .await["result"]
        .clone();
    let keys: Vec<&str> = raw
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "app_hash",
        "consensus_param_updates",
        "finalize_block_events",
        "height",
        "txs_results",
        "validator_updates",
    ];
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(raw["app_hash"], BASE64.encode(&stored.app_hash));
    let result = &raw["txs_results"][0];
    assert_eq!(result["code"], 0);
    assert_eq!(result["log"], "");
    assert!(
        result["gas_wanted"].is_string() && result["gas_used"].is_string(),
        "{result}"
    );
    assert_eq!(result["data"], BASE64.encode(&stored.tx_results[0].data));
    let attribute = &result["events"][0]["attributes"][0];
    assert!(
        attribute["key"].is_string() && attribute["value"].is_string(),
        "plain strings: {attribute}"
    );
    assert_eq!(attribute["index"], true);
    assert_eq!(raw["validator_updates"], json!(null));
    let empty = t.call("block_results", json!({"height": "1"})).await["result"].clone();
    assert_eq!(empty["txs_results"], json!(null));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blockchain_lists_at_most_twenty_metas_newest_first() {
    let t = TestNode::start().await;
    let latest = t.produce_n(23).await;
    let client = t.client();
    let all = client.blockchain(1u32, latest as u32).await.unwrap();
    assert_eq!(all.last_height.value(), latest);
    let heights: Vec<u64> = all
        .block_metas
        .iter()
        .map(|m| m.header.height.value())
        .collect();
    assert_eq!(heights, (4..=23).rev().collect::<Vec<_>>());
    let some = client.blockchain(2u32, 5u32).await.unwrap();
    assert_eq!(
        some.block_metas
            .iter()
            .map(|m| m.header.height.value())
            .collect::<Vec<_>>(),
        vec![5, 4, 3, 2]
    );
    let meta = &some.block_metas[0];
    let stored = t.node.blocks.block(5).unwrap().unwrap();
    assert_eq!(meta.block_id, agora_node::blockstore::block_id(&stored));
    assert_eq!(meta.num_txs, 0);
    let raw = t
        .call("blockchain", json!({"minHeight": "5", "maxHeight": "5"}))
        .await["result"]
        .clone();
    assert_eq!(raw["block_metas"][0]["num_txs"], "0");
    assert!(
        raw["block_metas"][0]["block_size"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    let backwards = t
        .call("blockchain", json!({"minHeight": "9", "maxHeight": "3"}))
        .await;
    assert_eq!(
        backwards["error"]["data"],
        "min height 9 can't be greater than max height 3"
    );
    let negative = t.call("blockchain", json!(["-1", "3"])).await;
    assert_eq!(
        negative["error"]["data"], "heights must be non-negative",
        "{negative}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn block_search_matches_heights() {
    let t = TestNode::start().await;
    t.produce_n(6).await;
    let client = t.client();
    let found = client
        .block_search(
            "block.height>2 AND block.height<=4".parse().unwrap(),
            1,
            30,
            Order::Descending,
        )
        .await
        .unwrap();
    assert_eq!(found.total_count, 2);
    let heights: Vec<u64> = found
        .blocks
        .iter()
        .map(|b| b.block.header.height.value())
        .collect();
    assert_eq!(heights, vec![4, 3]);
    let raw = t
        .call(
            "block_search",
            json!({"query": "block.height >= 5", "order_by": "asc"}),
        )
        .await["result"]
        .clone();
    assert_eq!(raw["total_count"], "2");
    assert_eq!(raw["blocks"][0]["block"]["header"]["height"], "5");
    let newest = t
        .call(
            "block_search",
            json!({"query": "tm.event='NewBlock'", "per_page": "2"}),
        )
        .await["result"]
        .clone();
    assert_eq!(newest["total_count"], "6");
    assert_eq!(
        newest["blocks"][0]["block"]["header"]["height"], "6",
        "newest first by default"
    );
    assert_eq!(newest["blocks"].as_array().unwrap().len(), 2);
}
