//! Malformed and refused requests get CometBFT's error codes, and the node keeps answering.

mod rpc_support;

use rpc_support::TestNode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_a_parse_error() {
    let t = TestNode::start().await;
    let (status, body) = t
        .http("POST", "/", b"{\"jsonrpc\": \"2.0\", \"method\": ")
        .await;
    assert_eq!(status, 500);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], -32700, "{body}");
    assert_eq!(body["error"]["message"], "Parse error. Invalid JSON");
    assert!(body["error"]["data"]
        .as_str()
        .unwrap()
        .starts_with("error unmarshaling request"));
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_methods_and_invalid_requests() {
    let t = TestNode::start().await;
    let unknown = t.call("no_such_method", json!({})).await;
    assert_eq!(
        unknown,
        json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "Method not found"}})
    );
    let (status, uri) = t.get("/no_such_method").await;
    assert_eq!((status, uri["error"]["code"].clone()), (404, json!(-32601)));
    // Subscriptions need a websocket.
    let subscribe = t
        .call("subscribe", json!({"query": "tm.event='NewBlock'"}))
        .await;
    assert_eq!(subscribe["error"]["code"], -32601);

    let (_, no_method) = t.post(&json!({"jsonrpc": "2.0", "id": 4})).await;
    assert_eq!(no_method["error"]["code"], -32600, "{no_method}");
    assert_eq!(no_method["id"], 4);
    let (_, not_an_object) = t.post(&json!("status")).await;
    assert_eq!(not_an_object["error"]["code"], -32600);
    let (_, empty_batch) = t.post(&json!([])).await;
    assert_eq!(empty_batch["error"]["code"], -32600);
    let (_, bad_id) = t
        .post(&json!({"jsonrpc": "2.0", "id": [1], "method": "health"}))
        .await;
    assert_eq!(bad_id["error"]["code"], -32600);
    let bad_params = t.call("block", json!("height")).await;
    assert_eq!(bad_params["error"]["code"], -32602);
    let too_many = t.call("block", json!(["1", "2"])).await;
    assert_eq!(too_many["error"]["code"], -32602);

    // A notification (no id) gets no answer.
    let (status, body) = t
        .http(
            "POST",
            "/",
            json!({"jsonrpc": "2.0", "method": "health"})
                .to_string()
                .as_bytes(),
        )
        .await;
    assert_eq!((status, body.as_str()), (200, ""));
    // A string id comes back as it was sent.
    let (_, string_id) = t
        .post(&json!({"jsonrpc": "2.0", "id": "abc", "method": "health"}))
        .await;
    assert_eq!(
        string_id,
        json!({"jsonrpc": "2.0", "id": "abc", "result": {}})
    );
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_answer_each_request() {
    let t = TestNode::start().await;
    t.produce().await;
    let (status, replies) = t
        .post(&json!([
            {"jsonrpc": "2.0", "id": 1, "method": "health"},
            {"jsonrpc": "2.0", "method": "health"},
            {"jsonrpc": "2.0", "id": 2, "method": "block", "params": {"height": "1"}},
            {"jsonrpc": "2.0", "id": 3, "method": "nope"}
        ]))
        .await;
    assert_eq!(status, 200);
    let replies = replies.as_array().unwrap();
    assert_eq!(replies.len(), 3, "the notification gets no answer");
    assert_eq!(replies[0]["result"], json!({}));
    assert_eq!(replies[1]["result"]["block"]["header"]["height"], "1");
    assert_eq!(replies[2]["error"]["code"], -32601);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undecodable_parameters_are_invalid_params() {
    let t = TestNode::start().await;
    let (status, bad_hex) = t
        .get("/abci_query?path=%22/cosmos.bank.v1beta1.Query/Balance%22&data=0xZZ")
        .await;
    assert_eq!(status, 500);
    assert_eq!(bad_hex["error"]["code"], -32602, "{bad_hex}");
    assert_eq!(bad_hex["id"], -1);
    let bad_json_hex = t
        .call("abci_query", json!({"path": "/x", "data": "0q"}))
        .await;
    assert_eq!(bad_json_hex["error"]["code"], -32602);
    let bad_base64 = t
        .call("broadcast_tx_sync", json!({"tx": "not base64!"}))
        .await;
    assert_eq!(bad_base64["error"]["code"], -32602, "{bad_base64}");
    let bad_hash = t.call("tx", json!({"hash": "%%"})).await;
    assert_eq!(bad_hash["error"]["code"], -32602);
    let (_, unquoted_bytes) = t.get("/broadcast_tx_sync?tx=AAAA").await;
    assert_eq!(unquoted_bytes["error"]["code"], -32602);
    let bad_height = t.call("block", json!({"height": "ten"})).await;
    assert_eq!(bad_height["error"]["code"], -32602);
    let bad_bool = t.call("tx", json!({"hash": "", "prove": "maybe"})).await;
    assert_eq!(bad_bool["error"]["code"], -32602);
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused() {
    let t = TestNode::start_with(|c| c.rpc.max_body_bytes = 4096).await;
    let tx = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0u8; 8192]);
    let body =
        json!({"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync", "params": {"tx": tx}})
            .to_string();
    let (status, answer) = t.http("POST", "/", body.as_bytes()).await;
    assert_eq!(status, 400, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    assert!(answer["error"]["data"]
        .as_str()
        .unwrap()
        .contains("request body too large"));
    assert_eq!(t.node.mempool().len(), 0);
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_get_lists_the_methods() {
    let t = TestNode::start().await;
    let (status, page) = t.http("GET", "/", b"").await;
    assert_eq!(status, 200);
    for method in ["/status", "/block?height=_", "/tx_search?query=_"] {
        assert!(page.contains(method), "{method} missing from {page}");
    }
}
