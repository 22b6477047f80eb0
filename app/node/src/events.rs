//! The node's event bus: what websocket subscribers and `broadcast_tx_commit` wait on.

use std::sync::Arc;

use tendermint::block::{self, Block};
use tendermint_proto::v0_38::abci::ResponseFinalizeBlock;
use tokio::sync::broadcast;

use crate::blockstore::TxRecord;

/// Something that happened on chain, published after the block is committed.
#[derive(Debug, Clone)]
pub enum NodeEvent {
    /// A block was committed (`tm.event='NewBlock'`).
    NewBlock {
        /// The block.
        block: Arc<Block>,
        /// Its id (hash and part set header).
        block_id: block::Id,
        /// Its FinalizeBlock result.
        result: Arc<ResponseFinalizeBlock>,
    },
    /// A tx was committed in a block (`tm.event='Tx'`), published after its block's NewBlock.
    Tx(Arc<TxRecord>),
}

/// Fans committed blocks and txs out to any number of subscribers.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<NodeEvent>,
}

impl EventBus {
    /// A bus whose slow subscribers lag (and are told so) beyond `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity).0,
        }
    }

    /// A new subscriber, seeing events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<NodeEvent> {
        self.sender.subscribe()
    }

    /// Publishes an event; having no subscribers is fine.
    pub fn publish(&self, event: NodeEvent) {
        let _ = self.sender.send(event);
    }
}
