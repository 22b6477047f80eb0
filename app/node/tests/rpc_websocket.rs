//! `/websocket`: methods over websocket, NewBlock and filtered Tx subscriptions (through
//! tendermint-rpc's WebSocketClient and as raw messages), subscription limits, cleanup of closed
//! sockets, and the error a lagging subscriber gets.

mod rpc_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_node::events::NodeEvent;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use futures::{SinkExt as _, StreamExt as _};
use rpc_support::{hex_upper, tx_hash, TestNode};
use serde_json::{json, Value};
use tendermint_rpc::client::CompatMode;
use tendermint_rpc::event::EventData;
use tendermint_rpc::query::{EventType, Query};
use tendermint_rpc::{Client as _, SubscriptionClient as _, WebSocketClient};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(t: &TestNode) -> Socket {
    tokio_tungstenite::connect_async(format!("ws://{}/websocket", t.addr))
        .await
        .unwrap()
        .0
}

async fn send(ws: &mut Socket, request: Value) {
    ws.send(Message::Text(request.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message, within 10 s.
async fn recv(ws: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("the socket is open")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

async fn request(ws: &mut Socket, id: Value, method: &str, params: Value) -> Value {
    send(
        ws,
        json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
    )
    .await;
    recv(ws).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tendermint_rpc_websocket_client_gets_new_blocks_and_filtered_txs() {
    let mut t =
        TestNode::start_with(|c| c.consensus.timeout_commit = Duration::from_millis(100).into())
            .await;
    t.run_engine();
    t.wait_for_height(1).await;
    let url = format!("ws://{}/websocket", t.addr);
    let (client, driver) = WebSocketClient::builder(url.parse().unwrap())
        .compat_mode(CompatMode::V0_38)
        .build()
        .await
        .unwrap();
    let driver = tokio::spawn(driver.run());

    let mut blocks = client.subscribe(EventType::NewBlock.into()).await.unwrap();
    let query = Query::from(EventType::Tx).and_eq("message.sender", t.address(0));
    let mut txs = client.subscribe(query.clone()).await.unwrap();

    let event = tokio::time::timeout(Duration::from_secs(10), blocks.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(event.query, Query::from(EventType::NewBlock).to_string());
    let EventData::NewBlock {
        block: Some(block),
        block_id,
        result_finalize_block: Some(result),
    } = event.data
    else {
        panic!("not a v0.38 NewBlock event: {:?}", event.data);
    };
    let stored = t
        .node
        .blocks
        .block(block.header.height.value())
        .unwrap()
        .unwrap();
    assert_eq!(block.header, stored.header);
    assert_eq!(block_id, agora_node::blockstore::block_id(&stored));
    let stored_results = t
        .node
        .blocks
        .results(block.header.height.value())
        .unwrap()
        .unwrap();
    assert_eq!(result.app_hash.as_bytes(), stored_results.app_hash.as_ref());

    // a (sender 0) and c (sender 0) reach the filtered subscription; b (sender 1) does not.
    let http = t.client();
    let (a, b, c) = (t.send_tx(0, 0, 1), t.send_tx(1, 0, 2), t.send_tx(0, 1, 3));
    http.broadcast_tx_sync(a.clone()).await.unwrap();
    http.broadcast_tx_sync(b.clone()).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(10), txs.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    http.broadcast_tx_sync(c.clone()).await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(10), txs.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    for (event, tx) in [(first, &a), (second, &c)] {
        assert_eq!(event.query, query.to_string());
        let EventData::Tx { tx_result } = event.data else {
            panic!("not a Tx event: {:?}", event.data);
        };
        assert_eq!(&tx_result.tx, tx);
        let stored = t.node.blocks.tx(&tx_hash(tx)).unwrap().unwrap();
        assert_eq!(tx_result.height, stored.height as i64);
        assert!(tx_result.result.events.iter().any(|e| e.kind == "message"));
        let events = event.events.unwrap();
        assert_eq!(events["tx.hash"], vec![hex_upper(&tx_hash(tx))]);
        assert_eq!(events["tm.event"], vec!["Tx".to_string()]);
    }
    assert!(
        t.node.blocks.tx(&tx_hash(&b)).unwrap().is_some(),
        "b was committed, just not sent"
    );

    client.close().unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(5), driver).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_messages_have_cometbft_shapes() {
    let t = TestNode::start().await;
    t.produce().await;
    let mut ws = connect(&t).await;

    // Any method works over the socket.
    let status = request(&mut ws, json!(1), "status", json!({})).await;
    assert_eq!(
        status["result"]["sync_info"]["latest_block_height"], "1",
        "{status}"
    );
    let missing = request(&mut ws, json!(2), "block", json!({"height": "99"})).await;
    assert_eq!(missing["error"]["code"], -32603);
    let malformed = {
        ws.send(Message::Text("{nope".into())).await.unwrap();
        recv(&mut ws).await
    };
    assert_eq!(malformed["error"]["code"], -32700);

    let subscribed = request(
        &mut ws,
        json!(5),
        "subscribe",
        json!({"query": "tm.event='NewBlock'"}),
    )
    .await;
    assert_eq!(subscribed, json!({"jsonrpc": "2.0", "id": 5, "result": {}}));
    let again = request(
        &mut ws,
        json!(6),
        "subscribe",
        json!(["tm.event = 'NewBlock'"]),
    )
    .await;
    assert_eq!(again["error"]["data"], "already subscribed");
    let bad = request(
        &mut ws,
        json!(7),
        "subscribe",
        json!({"query": "tm.event=="}),
    )
    .await;
    assert_eq!(bad["error"]["code"], -32603);
    assert!(
        bad["error"]["data"]
            .as_str()
            .unwrap()
            .starts_with("failed to parse query"),
        "{bad}"
    );
    let sender = t.address(0);
    let filtered = request(
        &mut ws,
        json!("txs"),
        "subscribe",
        json!({"query": format!("tm.event='Tx' AND message.sender='{sender}'")}),
    )
    .await;
    assert_eq!(filtered["result"], json!({}));

    let (ours, theirs) = (t.send_tx(0, 0, 7), t.send_tx(1, 0, 8));
    for tx in [&theirs, &ours] {
        let sync = t
            .call("broadcast_tx_sync", json!({"tx": BASE64.encode(tx)}))
            .await;
        assert_eq!(sync["result"]["code"], 0, "{sync}");
    }
    let height = t.produce().await;

    let block = recv(&mut ws).await;
    assert_eq!(block["id"], 5);
    let result = &block["result"];
    assert_eq!(result["query"], "tm.event = 'NewBlock'");
    assert_eq!(result["data"]["type"], "tendermint/event/NewBlock");
    let value = &result["data"]["value"];
    let stored = t.node.blocks.block(height).unwrap().unwrap();
    assert_eq!(value["block"]["header"]["height"], height.to_string());
    assert_eq!(value["block"]["data"]["txs"].as_array().unwrap().len(), 2);
    assert_eq!(
        value["block_id"]["hash"],
        hex_upper(stored.header.hash().as_bytes())
    );
    let results = t.node.blocks.results(height).unwrap().unwrap();
    assert_eq!(
        value["result_finalize_block"]["app_hash"],
        BASE64.encode(&results.app_hash)
    );
    assert_eq!(
        value["result_finalize_block"]["tx_results"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        value["result_finalize_block"]["validator_updates"],
        json!([])
    );
    assert_eq!(result["events"]["tm.event"], json!(["NewBlock"]));
    assert!(
        result["events"].get("block.height").is_none(),
        "CometBFT does not add block.height"
    );

    let tx = recv(&mut ws).await;
    assert_eq!(tx["id"], "txs", "only the filtered tx follows: {tx}");
    let result = &tx["result"];
    assert_eq!(
        result["query"],
        format!("tm.event = 'Tx' AND message.sender = '{sender}'")
    );
    assert_eq!(result["data"]["type"], "tendermint/event/Tx");
    let tx_result = &result["data"]["value"]["TxResult"];
    assert_eq!(tx_result["height"], height.to_string());
    assert_eq!(tx_result["index"], 1);
    assert_eq!(tx_result["tx"], BASE64.encode(&ours));
    assert!(
        tx_result["result"].get("code").is_none(),
        "a zero code is left out: {tx_result}"
    );
    assert!(tx_result["result"]["gas_used"].is_string());
    assert_eq!(
        result["events"]["tx.hash"],
        json!([hex_upper(&tx_hash(&ours))])
    );
    assert_eq!(result["events"]["tx.height"], json!([height.to_string()]));
    assert_eq!(result["events"]["tm.event"], json!(["Tx"]));
    assert!(result["events"]["message.sender"]
        .as_array()
        .unwrap()
        .contains(&json!(sender)));

    // The next message is the next block: the other sender's tx was never sent.
    t.produce().await;
    let next = recv(&mut ws).await;
    assert_eq!(
        (
            next["id"].clone(),
            next["result"]["data"]["value"]["block"]["header"]["height"].clone()
        ),
        (json!(5), json!((height + 1).to_string()))
    );

    let unsubscribed = request(
        &mut ws,
        json!(8),
        "unsubscribe",
        json!({"query": "tm.event = 'NewBlock'"}),
    )
    .await;
    assert_eq!(unsubscribed["result"], json!({}));
    let unknown = request(
        &mut ws,
        json!(9),
        "unsubscribe",
        json!({"query": "tm.event='NewBlock'"}),
    )
    .await;
    assert_eq!(unknown["error"]["data"], "subscription not found");
    assert_eq!(
        request(&mut ws, json!(10), "unsubscribe_all", json!({})).await["result"],
        json!({})
    );
    let none_left = request(&mut ws, json!(11), "unsubscribe_all", json!({})).await;
    assert_eq!(none_left["error"]["data"], "subscription not found");
    t.produce().await;
    let after = request(&mut ws, json!(12), "health", json!({})).await;
    assert_eq!(
        after,
        json!({"jsonrpc": "2.0", "id": 12, "result": {}}),
        "no events after unsubscribing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_limits_and_cleanup() {
    let t = TestNode::start_with(|c| {
        c.rpc.max_subscription_clients = 1;
        c.rpc.max_subscriptions_per_client = 2;
    })
    .await;
    let mut first = connect(&t).await;
    for (id, query) in [(1, "tm.event='NewBlock'"), (2, "tm.event='Tx'")] {
        let ok = request(&mut first, json!(id), "subscribe", json!({"query": query})).await;
        assert_eq!(ok["result"], json!({}), "{ok}");
    }
    let third = request(
        &mut first,
        json!(3),
        "subscribe",
        json!({"query": "tx.height>1"}),
    )
    .await;
    assert_eq!(
        third["error"]["data"],
        "max_subscriptions_per_client 2 reached"
    );

    let mut second = connect(&t).await;
    let refused = request(
        &mut second,
        json!(1),
        "subscribe",
        json!({"query": "tm.event='NewBlock'"}),
    )
    .await;
    assert_eq!(
        refused["error"]["data"],
        "max_subscription_clients 1 reached"
    );
    let commit = t
        .call(
            "broadcast_tx_commit",
            json!({"tx": BASE64.encode(t.send_tx(0, 0, 1))}),
        )
        .await;
    assert_eq!(
        commit["error"]["data"],
        "max_subscription_clients 1 reached"
    );

    // Closing the first socket frees its place.
    first.close(None).await.unwrap();
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = request(
            &mut second,
            json!(2),
            "subscribe",
            json!({"query": "tm.event='NewBlock'"}),
        )
        .await;
        if answer.get("result").is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed socket kept its subscriptions: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    t.produce().await;
    assert_eq!(recv(&mut second).await["id"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_subscriber_is_told_its_subscription_ended() {
    let t = TestNode::start().await;
    t.produce().await;
    let mut ws = connect(&t).await;
    let ok = request(
        &mut ws,
        json!("blocks"),
        "subscribe",
        json!({"query": "tm.event='NewBlock'"}),
    )
    .await;
    assert_eq!(ok["result"], json!({}));

    // Far more events than the bus and the socket hold, while the client reads nothing.
    let block = Arc::new(t.node.blocks.block(1).unwrap().unwrap());
    let result = Arc::new(t.node.blocks.results(1).unwrap().unwrap());
    let block_id = agora_node::blockstore::block_id(&block);
    const EVENTS: usize = 20_000;
    let node = t.node.clone();
    tokio::task::spawn_blocking(move || {
        for _ in 0..EVENTS {
            node.events.publish(NodeEvent::NewBlock {
                block: block.clone(),
                block_id,
                result: result.clone(),
            });
        }
    })
    .await
    .unwrap();

    let mut delivered = 0;
    loop {
        let message = recv(&mut ws).await;
        assert_eq!(message["id"], "blocks");
        if let Some(error) = message.get("error") {
            assert_eq!(error["code"], -32000, "{message}");
            assert_eq!(
                error["data"],
                "subscription was canceled (reason: client is not pulling messages fast enough)"
            );
            break;
        }
        delivered += 1;
        assert!(delivered < EVENTS, "every event arrived: no lag to report");
    }
    // The socket still works, and the subscription can be made again.
    let again = request(
        &mut ws,
        json!(2),
        "subscribe",
        json!({"query": "tm.event='NewBlock'"}),
    )
    .await;
    assert_eq!(again["result"], json!({}), "{again}");
    assert!(t.client().health().await.is_ok());
}
