//! The gRPC server against a running `agorad start`, with tonic clients (cosmos-sdk-proto's
//! generated ones, as Rust clients and Hermes use): module queries, the x-cosmos-block-height
//! header, the CometBFT and node services, Simulate, BroadcastTx and GetTx of a real signed
//! tx, server reflection, and the errors the SDK gives for bad input.

mod support;

use base64::Engine as _;
use cosmos_sdk_proto::cosmos::auth::v1beta1::{
    query_client::QueryClient as Auth, QueryAccountInfoRequest,
};
use cosmos_sdk_proto::cosmos::bank::v1beta1::{
    query_client::QueryClient as Bank, QueryBalanceRequest,
};
use cosmos_sdk_proto::cosmos::base::node::v1beta1::{
    service_client::ServiceClient as NodeService, ConfigRequest,
};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::{
    service_client::ServiceClient as Comet, GetBlockByHeightRequest, GetLatestBlockRequest,
    GetLatestValidatorSetRequest, GetNodeInfoRequest,
};
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    service_client::ServiceClient as TxService, BroadcastMode, BroadcastTxRequest,
    GetBlockWithTxsRequest, GetTxRequest, GetTxsEventRequest, OrderBy, SimulateRequest,
};
use support::home::Home;
use tonic::transport::Channel;
use tonic::{Code, Request};

const CHAIN: &str = "agora-grpc";
const HEIGHT: &str = "x-cosmos-block-height";

async fn connect(node: &support::node::Node) -> Channel {
    Channel::from_shared(format!("http://{}", node.grpc_addr()))
        .unwrap()
        .connect()
        .await
        .expect("connect to the node's gRPC")
}

/// A signed MsgSend from `validator` to `to`, as the CLI encodes it.
fn signed_send(home: &Home, node: &support::node::Node, to: &str) -> Vec<u8> {
    let file = home.signed_send(node, to, "1234uagr");
    let encoded = home.ok(&["tx", "encode", file.to_str().unwrap()]);
    base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_serves_queries_blocks_txs_and_reflection() {
    let home = Home::new();
    let validator = home.validator(CHAIN, 1_000_000_000);
    let mut node = home.start();
    node.wait_for_height(3);
    let channel = connect(&node).await;

    // A module query, equal to what the CLI reads over the RPC.
    let mut bank = Bank::new(channel.clone());
    let balance = bank
        .balance(QueryBalanceRequest {
            address: validator.clone(),
            denom: "uagr".into(),
        })
        .await
        .unwrap();
    let latest: u64 = balance
        .metadata()
        .get(HEIGHT)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(latest >= 3, "answered at the latest height, {latest}");
    let amount = balance.into_inner().balance.unwrap().amount;
    assert_eq!(
        amount.parse::<u128>().unwrap(),
        home.balance(&node, &validator)
    );

    // A past height through the header, answered at that height.
    let mut past = Request::new(QueryBalanceRequest {
        address: validator.clone(),
        denom: "uagr".into(),
    });
    past.metadata_mut().insert(HEIGHT, "2".parse().unwrap());
    let answer = bank.balance(past).await.unwrap();
    assert_eq!(answer.metadata().get(HEIGHT).unwrap(), "2");
    let mut future = Request::new(QueryBalanceRequest {
        address: validator.clone(),
        denom: "uagr".into(),
    });
    future
        .metadata_mut()
        .insert(HEIGHT, "999999".parse().unwrap());
    assert_eq!(
        bank.balance(future).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let mut bad = Request::new(QueryBalanceRequest {
        address: validator.clone(),
        denom: "uagr".into(),
    });
    bad.metadata_mut().insert(HEIGHT, "tall".parse().unwrap());
    assert_eq!(
        bank.balance(bad).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let error = bank
        .balance(QueryBalanceRequest {
            address: "agora1nope".into(),
            denom: "uagr".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument, "{error}");

    let info = Auth::new(channel.clone())
        .account_info(QueryAccountInfoRequest {
            address: validator.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .info
        .unwrap();
    assert_eq!(info.address, validator);
    assert!(info.pub_key.is_some(), "the validator signed its gentx");

    // CometBFT's service: node info with the versions Hermes checks, blocks, validators.
    let mut comet = Comet::new(channel.clone());
    let node_info = comet
        .get_node_info(GetNodeInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(node_info.default_node_info.unwrap().network, CHAIN);
    let deps = node_info.application_version.unwrap().build_deps;
    assert!(
        deps.iter()
            .any(|d| d.path == "github.com/cosmos/cosmos-sdk" && d.version.starts_with("v0.50")),
        "{deps:?}"
    );
    assert!(
        deps.iter()
            .any(|d| d.path == "github.com/cometbft/cometbft" && d.version.starts_with("v0.38")),
        "{deps:?}"
    );
    let latest = comet
        .get_latest_block(GetLatestBlockRequest {})
        .await
        .unwrap()
        .into_inner();
    let header = latest.sdk_block.unwrap().header.unwrap();
    assert!(header.height >= 3);
    assert!(
        header.proposer_address.starts_with("agoravalcons1"),
        "{}",
        header.proposer_address
    );
    assert_eq!(latest.block.unwrap().header.unwrap().height, header.height);
    let first = comet
        .get_block_by_height(GetBlockByHeightRequest { height: 1 })
        .await
        .unwrap();
    assert_eq!(
        first
            .into_inner()
            .sdk_block
            .unwrap()
            .header
            .unwrap()
            .chain_id,
        CHAIN
    );
    let error = comet
        .get_block_by_height(GetBlockByHeightRequest { height: 1 << 40 })
        .await
        .unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument, "{error}");
    let set = comet
        .get_latest_validator_set(GetLatestValidatorSetRequest { pagination: None })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(set.validators.len(), 1);
    assert_eq!(set.validators[0].address, header.proposer_address);

    let config = NodeService::new(channel.clone())
        .config(ConfigRequest {})
        .await
        .unwrap();
    assert_eq!(config.into_inner().minimum_gas_price, "0uagr");

    // Simulate, broadcast and look up a real signed tx.
    let to = home.add_key("bob");
    let tx_bytes = signed_send(&home, &node, &to);
    let mut txs = TxService::new(channel.clone());
    #[allow(deprecated)]
    let simulated = txs
        .simulate(SimulateRequest {
            tx: None,
            tx_bytes: tx_bytes.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(simulated.gas_info.unwrap().gas_used > 0);
    let sent = txs
        .broadcast_tx(BroadcastTxRequest {
            tx_bytes: tx_bytes.clone(),
            mode: BroadcastMode::Sync as i32,
        })
        .await
        .unwrap()
        .into_inner()
        .tx_response
        .unwrap();
    assert_eq!(sent.code, 0, "{}", sent.raw_log);
    let again = txs
        .broadcast_tx(BroadcastTxRequest {
            tx_bytes,
            mode: BroadcastMode::Sync as i32,
        })
        .await
        .unwrap()
        .into_inner()
        .tx_response
        .unwrap();
    assert_eq!(
        (again.code, again.codespace.as_str()),
        (19, "sdk"),
        "a duplicate is refused: {}",
        again.raw_log
    );
    home.wait_for_tx(&node, &sent.txhash);
    let found = txs
        .get_tx(GetTxRequest {
            hash: sent.txhash.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let response = found.tx_response.unwrap();
    assert_eq!(
        (response.code, response.txhash.as_str()),
        (0, sent.txhash.as_str())
    );
    assert!(response.height > 0 && !response.timestamp.is_empty());
    assert_eq!(
        found.tx.unwrap().body.unwrap().messages[0].type_url,
        "/cosmos.bank.v1beta1.MsgSend"
    );
    // The same tx found by its events, and in its block.
    let by_sender = format!("message.sender='{validator}'");
    #[allow(deprecated)]
    let search = |query: &str, events: Vec<String>, page| GetTxsEventRequest {
        query: query.into(),
        events,
        order_by: OrderBy::Desc as i32,
        page,
        limit: 1,
        ..Default::default()
    };
    let events = txs
        .get_txs_event(search(&by_sender, vec![], 1))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(events.total, 1);
    assert_eq!(events.tx_responses[0].txhash, sent.txhash);
    assert_eq!(events.txs.len(), 1);
    let legacy = txs
        .get_txs_event(search(
            "",
            vec![by_sender.clone(), format!("tx.height={}", response.height)],
            1,
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        legacy.tx_responses[0].txhash, sent.txhash,
        "events= joined with AND"
    );
    let past_the_end = txs
        .get_txs_event(search(&by_sender, vec![], 2))
        .await
        .unwrap_err();
    assert_eq!(past_the_end.code(), Code::InvalidArgument, "{past_the_end}");
    let empty = txs.get_txs_event(search("", vec![], 1)).await.unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument, "{empty}");
    let block = txs
        .get_block_with_txs(GetBlockWithTxsRequest {
            height: response.height,
            pagination: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(block.pagination.unwrap().total, 1);
    assert_eq!(
        block.txs[0].body.as_ref().unwrap().messages[0].type_url,
        "/cosmos.bank.v1beta1.MsgSend"
    );
    assert_eq!(block.block.unwrap().header.unwrap().height, response.height);
    let future = txs
        .get_block_with_txs(GetBlockWithTxsRequest {
            height: response.height + 1000,
            pagination: None,
        })
        .await
        .unwrap_err();
    assert_eq!(future.code(), Code::InvalidArgument, "{future}");
    let missing = txs
        .get_tx(GetTxRequest {
            hash: "00".repeat(32),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound, "{missing}");
    let error = txs
        .broadcast_tx(BroadcastTxRequest {
            tx_bytes: vec![1, 2, 3],
            mode: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);

    // Unknown methods and undecodable requests, over the raw tonic client.
    let mut raw = tonic::client::Grpc::new(channel.clone());
    raw.ready().await.unwrap();
    let path = "/cosmos.bank.v1beta1.Query/NoSuchMethod".parse().unwrap();
    let codec = tonic::codec::ProstCodec::<QueryBalanceRequest, QueryBalanceRequest>::default();
    let error = raw
        .unary(Request::new(QueryBalanceRequest::default()), path, codec)
        .await
        .unwrap_err();
    assert_eq!(error.code(), Code::Unimplemented, "{error}");
    raw.ready().await.unwrap();
    let path = "/cosmos.bank.v1beta1.Query/Balance".parse().unwrap();
    // A varint where Balance's request has its address string: not a valid request.
    let codec = tonic::codec::ProstCodec::<GetBlockByHeightRequest, QueryBalanceRequest>::default();
    let wrong = GetBlockByHeightRequest { height: 5 };
    let error = raw
        .unary(Request::new(wrong), path, codec)
        .await
        .unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument, "{error}");

    // Server reflection lists the services.
    use tonic_reflection::pb::v1::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = ServerReflectionClient::new(channel)
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        stream.message().await.unwrap().unwrap().message_response
    else {
        panic!("not a service list")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    for service in [
        "cosmos.bank.v1beta1.Query",
        "cosmos.tx.v1beta1.Service",
        "cosmos.base.tendermint.v1beta1.Service",
    ] {
        assert!(names.contains(&service), "{names:?}");
    }
    node.assert_running();
}
