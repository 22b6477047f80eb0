//! `health`, `status`, `abci_info`, `abci_query`, `genesis`, `genesis_chunked`, `validators`
//! and `consensus_params`, read through tendermint-rpc's client and as raw JSON.

mod rpc_support;

use agora_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use base64::Engine as _;
use prost::Message as _;
use rpc_support::{TestNode, CHAIN_ID};
use serde_json::json;
use tendermint_rpc::Client as _;

/// Equal parameters; CometBFT writes an unset vote-extension height as "0".
fn assert_same_params(
    served: &tendermint::consensus::Params,
    genesis: &tendermint::consensus::Params,
) {
    assert_eq!(served.block, genesis.block);
    assert_eq!(served.evidence, genesis.evidence);
    assert_eq!(served.validator, genesis.validator);
    assert_eq!(served.version, genesis.version);
    let height = |p: &tendermint::consensus::Params| {
        p.abci
            .vote_extensions_enable_height
            .map_or(0, |h| h.value())
    };
    assert_eq!(height(served), height(genesis));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_parses_and_describes_the_node() {
    let t = TestNode::start().await;
    let fresh = t.client().status().await.unwrap();
    assert_eq!(fresh.sync_info.latest_block_height.value(), 0);
    let height = t.produce_n(3).await;

    let status = t.client().status().await.unwrap();
    assert_eq!(status.node_info.network.as_str(), CHAIN_ID);
    assert_eq!(status.node_info.version.to_string(), "0.38.17");
    assert_eq!(status.node_info.moniker.to_string(), "rpc-test-node");
    assert_eq!(status.node_info.id, t.node.node_id);
    assert_eq!(status.node_info.protocol_version.block, 11);
    assert_eq!(status.node_info.protocol_version.app, 1);
    assert_eq!(status.sync_info.latest_block_height.value(), height);
    assert_eq!(status.sync_info.earliest_block_height.value(), 1);
    assert!(!status.sync_info.catching_up);
    let latest = t.node.blocks.block(height).unwrap().unwrap();
    assert_eq!(status.sync_info.latest_block_hash, latest.header.hash());
    assert_eq!(status.sync_info.latest_app_hash, latest.header.app_hash);
    assert_eq!(status.sync_info.latest_block_time, latest.header.time);
    assert_eq!(status.validator_info.address, t.node.validator.address());
    assert_eq!(status.validator_info.pub_key, t.node.validator.public_key());
    assert_eq!(status.validator_info.power.value(), 10);

    let raw = t.call("status", json!({})).await["result"].clone();
    assert_eq!(
        raw["node_info"]["other"],
        json!({"tx_index": "on", "rpc_address": "tcp://127.0.0.1:26657"})
    );
    assert_eq!(
        raw["node_info"]["protocol_version"],
        json!({"p2p": "8", "block": "11", "app": "1"})
    );
    assert_eq!(raw["validator_info"]["voting_power"], "10");
    assert_eq!(
        raw["validator_info"]["pub_key"]["type"],
        "tendermint/PubKeyEd25519"
    );
    assert_eq!(raw["sync_info"]["latest_block_height"], height.to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abci_info_and_query_reach_the_app() {
    let t = TestNode::start().await;
    let height = t.produce_n(2).await;
    let info = t.client().abci_info().await.unwrap();
    assert_eq!(info.last_block_height.value(), height);
    assert_eq!(info.app_version, 1);
    // tendermint-rpc keeps this field's base64 text undecoded, so check the raw JSON.
    let app_hash = t.node.app().info().last_block_app_hash;
    let raw = t.call("abci_info", json!({})).await;
    assert_eq!(
        raw["result"]["response"]["last_block_app_hash"],
        base64::engine::general_purpose::STANDARD.encode(&app_hash)
    );

    let request = QueryBalanceRequest {
        address: t.address(0),
        denom: "uagr".into(),
    }
    .encode_to_vec();
    let path = "/cosmos.bank.v1beta1.Query/Balance";
    let answer = t
        .client()
        .abci_query(Some(path.into()), request.clone(), None, false)
        .await
        .unwrap();
    assert_eq!(answer.code.value(), 0, "{}", answer.log);
    let balance = QueryBalanceResponse::decode(answer.value.as_slice()).unwrap();
    assert_eq!(balance.balance.unwrap().amount, "1000000000");
    assert_eq!(answer.height.value(), height);

    // The URI form: quoted path, 0x-hex data; CometBFT names the proof field `proofOps`.
    let (status, uri) = t
        .get(&format!(
            "/abci_query?path=%22{path}%22&data=0x{}",
            hex::encode(&request)
        ))
        .await;
    assert_eq!(status, 200, "{uri}");
    assert_eq!(uri["id"], -1);
    let response = &uri["result"]["response"];
    assert_eq!(
        response["value"],
        base64::engine::general_purpose::STANDARD.encode(&answer.value)
    );
    assert_eq!(response["code"], 0);
    assert_eq!(response["height"], height.to_string());
    assert!(response.get("proofOps").is_some(), "{response}");

    // An unknown query path is the app's error, not the RPC's.
    let bad = t
        .client()
        .abci_query(Some("/no.Such/Query".into()), vec![], None, false)
        .await
        .unwrap();
    assert_ne!(bad.code.value(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn genesis_and_genesis_chunked() {
    let t = TestNode::start().await;
    let genesis: tendermint::Genesis<serde_json::Value> = t.client().genesis().await.unwrap();
    assert_eq!(genesis.chain_id.as_str(), CHAIN_ID);
    assert_eq!(genesis.validators.len(), 1);
    assert_eq!(genesis.validators[0].pub_key, t.node.validator.public_key());
    assert_eq!(genesis.app_state, t.node.genesis.app_state);
    assert_same_params(&genesis.consensus_params, &t.node.genesis.consensus_params);

    let raw = t.call("genesis", json!({})).await["result"]["genesis"].clone();
    assert_eq!(raw["initial_height"], "1");
    assert_eq!(
        raw["consensus_params"]["block"],
        json!({"max_bytes": "22020096", "max_gas": "-1"})
    );
    assert_eq!(raw["validators"][0]["power"], "10");

    let chunk = t.call("genesis_chunked", json!({"chunk": "0"})).await["result"].clone();
    assert_eq!(
        (chunk["chunk"].as_str(), chunk["total"].as_str()),
        (Some("0"), Some("1"))
    );
    let data = base64::engine::general_purpose::STANDARD
        .decode(chunk["data"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&data).unwrap(),
        raw
    );
    let beyond = t.call("genesis_chunked", json!({"chunk": "1"})).await;
    assert_eq!(beyond["error"]["code"], -32603, "{beyond}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validators_and_consensus_params_at_existing_and_missing_heights() {
    let t = TestNode::start().await;
    let height = t.produce_n(2).await;
    let client = t.client();

    let set = client
        .validators(2u32, tendermint_rpc::Paging::Default)
        .await
        .unwrap();
    assert_eq!(set.block_height.value(), 2);
    assert_eq!(set.total, 1);
    assert_eq!(set.validators[0].address, t.node.validator.address());
    assert_eq!(set.validators[0].power.value(), 10);
    let raw = t.call("validators", json!({"height": "1"})).await["result"].clone();
    assert_eq!(
        (raw["count"].as_str(), raw["total"].as_str()),
        (Some("1"), Some("1"))
    );
    assert_eq!(raw["validators"][0]["proposer_priority"], "0");
    // The next height's set is known too, as in CometBFT.
    assert!(client
        .validators(3u32, tendermint_rpc::Paging::Default)
        .await
        .is_ok());
    let missing = t.call("validators", json!({"height": "99"})).await;
    assert_eq!(missing["error"]["code"], -32603);
    assert_eq!(
        missing["error"]["data"],
        format!(
            "height 99 must be less than or equal to the current blockchain height {}",
            height + 1
        )
    );
    let bad_page = t.call("validators", json!({"page": "2"})).await;
    assert_eq!(
        bad_page["error"]["data"],
        "page should be within [1, 1] range, given 2"
    );

    let params = client.consensus_params(1u32).await.unwrap();
    assert_eq!(params.block_height.value(), 1);
    assert_same_params(&params.consensus_params, &t.node.genesis.consensus_params);
    let raw = t.call("consensus_params", json!({})).await["result"].clone();
    assert_eq!(raw["block_height"], (height + 1).to_string());
    assert_eq!(
        raw["consensus_params"]["abci"],
        json!({"vote_extensions_enable_height": "0"})
    );
    let zero = t.call("consensus_params", json!({"height": "0"})).await;
    assert_eq!(
        zero["error"]["data"],
        "height must be greater than 0, but got 0"
    );
}
