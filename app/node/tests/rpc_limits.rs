//! The RPC's limits over real sockets: batch size and order, CORS, `max_open_connections`,
//! unindexed searches (height bounds, one scan at a time), and websocket clients that are too slow or dead.

mod rpc_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_node::events::NodeEvent;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use futures::{SinkExt as _, StreamExt as _};
use rpc_support::{hex_upper, raw_http_with, tx_hash, TestNode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_run_in_order_up_to_max_request_batch_size() {
    let t = TestNode::start().await;
    t.produce().await;
    // Sequence 1 passes CheckTx only if sequence 0 ran first.
    let (first, second) = (t.send_tx(0, 0, 1), t.send_tx(0, 1, 1));
    let (status, replies) = t
        .post(&json!([
            {"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_sync", "params": {"tx": BASE64.encode(&first)}},
            {"jsonrpc": "2.0", "id": 2, "method": "broadcast_tx_sync", "params": {"tx": BASE64.encode(&second)}},
            {"jsonrpc": "2.0", "id": 3, "method": "num_unconfirmed_txs", "params": {}},
        ]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(replies[0]["result"]["code"], 0, "{replies}");
    assert_eq!(replies[1]["result"]["code"], 0, "{replies}");
    assert_eq!(replies[2]["result"]["n_txs"], "2", "{replies}");

    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "health"}))
        .collect();
    let (status, refused) = t.post(&Value::Array(eleven.clone())).await;
    assert_eq!(status, 500);
    assert_eq!(
        refused["error"],
        json!({"code": -32600, "message": "Invalid Request", "data": "batch request exceeds maximum (10) allowed number of requests"})
    );
    let (status, ten) = t.post(&Value::Array(eleven[..10].to_vec())).await;
    assert_eq!((status, ten.as_array().unwrap().len()), (200, 10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_follows_cors_allowed_origins() {
    let t = TestNode::start_with(|c| {
        c.rpc.cors_allowed_origins = vec!["https://wallet.example".into()];
    })
    .await;
    let header = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (status, headers, _) = raw_http_with(
        t.addr,
        "OPTIONS",
        "/",
        &[
            ("Origin", "https://wallet.example"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(
        header(&headers, "access-control-allow-origin").as_deref(),
        Some("https://wallet.example")
    );
    assert_eq!(
        header(&headers, "access-control-allow-methods").as_deref(),
        Some("POST")
    );
    assert_eq!(
        header(&headers, "access-control-allow-headers").as_deref(),
        Some("content-type")
    );

    let body = br#"{"jsonrpc":"2.0","id":1,"method":"health"}"#;
    let (status, headers, text) = raw_http_with(
        t.addr,
        "POST",
        "/",
        &[("Origin", "https://wallet.example")],
        body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        header(&headers, "access-control-allow-origin").as_deref(),
        Some("https://wallet.example")
    );
    let (_, headers, _) = raw_http_with(
        t.addr,
        "POST",
        "/",
        &[("Origin", "https://evil.example")],
        body,
    )
    .await;
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    let (status, headers, _) = raw_http_with(
        t.addr,
        "OPTIONS",
        "/",
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);

    // CORS is off by default.
    let plain = TestNode::start().await;
    let (_, headers, _) = raw_http_with(
        plain.addr,
        "POST",
        "/",
        &[("Origin", "https://wallet.example")],
        body,
    )
    .await;
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_open_connections_holds_back_further_connections() {
    let t = TestNode::start_with(|c| c.rpc.max_open_connections = 2).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(tokio::net::TcpStream::connect(t.addr).await.unwrap());
    }
    let addr = t.addr;
    let third = tokio::spawn(async move { raw_http_with(addr, "GET", "/health", &[], b"").await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!third.is_finished(), "a third connection was served");
    held.pop();
    let (status, _, body) = tokio::time::timeout(Duration::from_secs(10), third)
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_free_their_slot() {
    let t = TestNode::start_with(|c| {
        c.rpc.max_open_connections = 1;
        c.rpc.timeout_idle = Duration::from_millis(200).into();
        c.rpc.websocket_read_wait = Duration::from_millis(200).into();
        c.rpc.timeout_broadcast_tx_commit = Duration::from_millis(100).into();
    })
    .await;
    let mut idle = tokio::net::TcpStream::connect(t.addr).await.unwrap();
    let started = Instant::now();
    let (status, _, body) = tokio::time::timeout(
        Duration::from_secs(10),
        raw_http_with(t.addr, "GET", "/health", &[], b""),
    )
    .await
    .expect("served once the idle connection was closed");
    assert_eq!(status, 200, "{body}");
    assert!(started.elapsed() >= Duration::from_millis(200));
    let mut byte = [0u8; 1];
    let read = tokio::io::AsyncReadExt::read(&mut idle, &mut byte).await;
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "the idle connection was closed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unindexed_searches_need_height_bounds() {
    let t = TestNode::start_with(|c| c.rpc.max_search_scan = 3).await;
    t.produce().await;
    let tx = t.send_tx(0, 0, 9);
    let sync = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode(&tx)}))
        .await;
    assert_eq!(sync["result"]["code"], 0, "{sync}");
    let height = t.produce().await;
    t.produce_n(3).await;

    let refused = t.call("tx_search", json!({"query": "tm.event='Tx'"})).await;
    let data = refused["error"]["data"].as_str().unwrap_or_default();
    assert!(
        data.starts_with("the query would scan 5 heights (rpc.max_search_scan is 3)")
            && data.contains("add tx.height bounds"),
        "{refused}"
    );
    let bounded = t
        .call(
            "tx_search",
            json!({"query": format!("tm.event='Tx' AND tx.height>={height} AND tx.height<={}", height + 2)}),
        )
        .await;
    assert_eq!(bounded["result"]["total_count"], "1", "{bounded}");
    // Conditions an index answers need no bounds.
    for query in [
        format!("tx.hash='{}'", hex_upper(&tx_hash(&tx))),
        format!("message.sender='{}'", t.address(0)),
    ] {
        let found = t.call("tx_search", json!({"query": query})).await;
        assert_eq!(found["result"]["total_count"], "1", "{found}");
    }
    let blocks = t
        .call("block_search", json!({"query": "block.height>0"}))
        .await;
    assert!(
        blocks["error"]["data"]
            .as_str()
            .unwrap_or_default()
            .contains("add block.height bounds"),
        "{blocks}"
    );
    let blocks = t
        .call(
            "block_search",
            json!({"query": "block.height>=2 AND block.height<=4"}),
        )
        .await;
    assert_eq!(blocks["result"]["total_count"], "3", "{blocks}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unindexed_scans_run_one_at_a_time() {
    let t = TestNode::start_with(|c| c.rpc.timeout_write = Duration::from_secs(1).into()).await;
    let tx = t.send_tx(0, 0, 9);
    let sync = t
        .call("broadcast_tx_sync", json!({"tx": BASE64.encode(&tx)}))
        .await;
    assert_eq!(sync["result"]["code"], 0, "{sync}");
    let height = t.produce().await;
    let scan =
        json!({"query": format!("tm.event='Tx' AND tx.height>={height} AND tx.height<={height}")});

    // Another scan holds the turn: this one waits, and gives up at rpc.timeout_write.
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn({
        let node = t.node.clone();
        move || {
            let _turn = node.scans.lock().unwrap();
            held_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        }
    });
    held_rx.recv().unwrap();
    let waited = t.call("tx_search", scan.clone()).await;
    assert!(
        waited["error"]["data"]
            .as_str()
            .unwrap_or_default()
            .contains("did not finish within"),
        "{waited}"
    );
    let blocks = t
        .call(
            "block_search",
            json!({"query": format!("block.height={height}")}),
        )
        .await;
    assert!(blocks["error"].is_object(), "{blocks}");
    // Searches an index answers do not wait for the turn.
    let by_hash = t
        .call(
            "tx_search",
            json!({"query": format!("tx.hash='{}'", hex_upper(&tx_hash(&tx)))}),
        )
        .await;
    assert_eq!(by_hash["result"]["total_count"], "1", "{by_hash}");

    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let scanned = t.call("tx_search", scan).await;
    assert_eq!(scanned["result"]["total_count"], "1", "{scanned}");
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// A websocket to the node whose socket receive buffer is tiny, so a client that stops
/// reading backs the server up at once.
async fn small_buffer_socket(t: &TestNode) -> Socket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(t.addr).await.unwrap();
    tokio_tungstenite::client_async(format!("ws://{}/websocket", t.addr), stream)
        .await
        .unwrap()
        .0
}

async fn subscribe<S>(ws: &mut tokio_tungstenite::WebSocketStream<S>, query: &str) -> Value
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let request =
        json!({"jsonrpc": "2.0", "id": 1, "method": "subscribe", "params": {"query": query}});
    ws.send(Message::Text(request.to_string().into()))
        .await
        .unwrap();
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("an answer")
            .expect("open")
            .unwrap();
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_websocket_client_is_dropped_while_others_get_every_event() {
    let t = TestNode::start_with(|c| c.rpc.websocket_write_buffer_bytes = 256 << 10).await;
    t.produce().await;
    let mut slow = small_buffer_socket(&t).await;
    assert_eq!(
        subscribe(&mut slow, "tm.event='NewBlock'").await["result"],
        json!({})
    );
    let (mut fast, _) = tokio_tungstenite::connect_async(format!("ws://{}/websocket", t.addr))
        .await
        .unwrap();
    assert_eq!(
        subscribe(&mut fast, "tm.event='NewBlock'").await["result"],
        json!({})
    );

    const EVENTS: usize = 10_000;
    let reader = tokio::spawn(async move {
        let mut seen = 0;
        while seen < EVENTS {
            let message = tokio::time::timeout(Duration::from_secs(30), fast.next())
                .await
                .expect("the fast client keeps getting events")
                .expect("open")
                .unwrap();
            if let Message::Text(text) = message {
                let value: Value = serde_json::from_str(text.as_str()).unwrap();
                assert!(value.get("error").is_none(), "{value}");
                seen += 1;
            }
        }
        seen
    });
    let block = Arc::new(t.node.blocks.block(1).unwrap().unwrap());
    let result = Arc::new(t.node.blocks.results(1).unwrap().unwrap());
    let block_id = agora_node::blockstore::block_id(&block);
    // In bursts well within a client's bound, as blocks come.
    for _ in 0..EVENTS / 20 {
        for _ in 0..20 {
            t.node.events.publish(NodeEvent::NewBlock {
                block: block.clone(),
                block_id,
                result: result.clone(),
            });
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert_eq!(reader.await.unwrap(), EVENTS);

    // The slow client gets what was already on its way, then the connection ends.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut delivered = 0;
    loop {
        assert!(Instant::now() < deadline, "the slow client was not dropped");
        match tokio::time::timeout(Duration::from_secs(30), slow.next()).await {
            Ok(Some(Ok(Message::Text(_)))) => delivered += 1,
            Ok(Some(Ok(Message::Close(_)))) | Ok(Some(Err(_))) | Ok(None) => break,
            Ok(Some(Ok(_))) => {}
            Err(_) => panic!("the slow client was neither served nor dropped"),
        }
    }
    assert!(delivered < EVENTS, "every event reached the slow client");
    t.assert_healthy().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_client_that_stops_answering_pings_is_dropped() {
    let t = TestNode::start_with(|c| {
        c.rpc.websocket_read_wait = Duration::from_millis(400).into();
        c.rpc.max_subscription_clients = 1;
    })
    .await;
    let (mut dead, _) = tokio_tungstenite::connect_async(format!("ws://{}/websocket", t.addr))
        .await
        .unwrap();
    assert_eq!(
        subscribe(&mut dead, "tm.event='NewBlock'").await["result"],
        json!({})
    );
    // `dead` is never read again, so it never answers the server's pings.
    let (mut live, _) = tokio_tungstenite::connect_async(format!("ws://{}/websocket", t.addr))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = subscribe(&mut live, "tm.event='NewBlock'").await;
        if answer.get("result").is_some() {
            break;
        }
        assert_eq!(
            answer["error"]["data"],
            "max_subscription_clients 1 reached"
        );
        assert!(Instant::now() < deadline, "the dead client kept its place");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(dead);
}
