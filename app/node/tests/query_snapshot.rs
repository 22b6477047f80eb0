//! Reads and CheckTx never wait on block execution: with the application lock held (as
//! FinalizeBlock and Commit hold it), `abci_query`, `abci_info` and `status` still answer from
//! the committed snapshot, and `broadcast_tx_sync` runs CheckTx on the mempool's own state.

mod rpc_support;

use std::time::Duration;

use agora_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use prost::Message as _;
use rpc_support::TestNode;
use tendermint_rpc::Client as _;

/// How long a read may take before the test calls it blocked. Far above any real answer: this
/// detects a read that waits for the lock (it would wait forever), it does not time reads.
const BLOCKED: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_answer_while_the_app_lock_is_held() {
    let node = TestNode::start().await;
    let height = node.produce_n(2).await;

    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn({
        let node = node.node.clone();
        move || {
            let _app = node.app();
            locked_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        }
    });
    locked_rx.recv().unwrap();

    let client = node.client();
    let request = QueryBalanceRequest {
        address: node.keys[0].address.to_string(),
        denom: "uagr".into(),
    }
    .encode_to_vec();
    let path = "/cosmos.bank.v1beta1.Query/Balance";
    let answer = tokio::time::timeout(
        BLOCKED,
        client.abci_query(Some(path.into()), request, None, false),
    )
    .await
    .expect("abci_query waited for the app lock")
    .unwrap();
    assert_eq!(answer.code.value(), 0, "{}", answer.log);
    assert_eq!(answer.height.value(), height);
    let balance = QueryBalanceResponse::decode(answer.value.as_slice()).unwrap();
    assert_eq!(balance.balance.unwrap().amount, "1000000000");

    let info = tokio::time::timeout(BLOCKED, client.abci_info())
        .await
        .expect("abci_info waited for the app lock")
        .unwrap();
    assert_eq!(info.last_block_height.value(), height);
    let status = tokio::time::timeout(BLOCKED, client.status())
        .await
        .expect("status waited for the app lock")
        .unwrap();
    assert_eq!(status.sync_info.latest_block_height.value(), height);

    // Two txs of one sender, the second at the sequence the first leaves in the mempool's
    // state: both pass CheckTx while the block lock is held, and both commit afterwards.
    for sequence in [0, 1] {
        let tx = node.send_tx(0, sequence, 7);
        let answer = tokio::time::timeout(BLOCKED, client.broadcast_tx_sync(tx))
            .await
            .expect("broadcast_tx_sync waited for the app lock")
            .unwrap();
        assert_eq!(
            answer.code.value(),
            0,
            "sequence {sequence}: {}",
            answer.log
        );
    }
    let replay = client
        .broadcast_tx_sync(node.send_tx(0, 1, 8))
        .await
        .unwrap();
    assert_eq!(replay.code.value(), 32, "{}", replay.log);

    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let committed = node.produce().await;
    let block = client.block(committed as u32).await.unwrap().block;
    assert_eq!(block.data.len(), 2);
    let next = client
        .broadcast_tx_sync(node.send_tx(0, 2, 9))
        .await
        .unwrap();
    assert_eq!(next.code.value(), 0, "after the commit: {}", next.log);
}
