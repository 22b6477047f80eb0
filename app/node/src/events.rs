//! The node's event bus: what websocket subscribers and `broadcast_tx_commit` wait on.
//!
//! Each event is published once as a shared [`Published`], which also carries its encodings
//! for subscribers: its query keys and JSON are computed at most once, by the first subscriber
//! that needs them, however many subscribers there are.

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

/// An event as subscribers receive it, with its shared, lazily computed encodings.
#[derive(Debug)]
pub struct Published {
    /// The event.
    pub event: NodeEvent,
    pub(crate) encoded: crate::rpc::Encodings,
}

/// Fans committed blocks and txs out to any number of subscribers.
#[derive(Debug, Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<Published>>,
}

impl EventBus {
    /// A bus whose slow subscribers lag (and are told so) beyond `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Self {
            sender: broadcast::channel(capacity.max(1)).0,
        }
    }

    /// A bus that holds two blocks of `max_block_txs` txs each (a block publishes one
    /// NewBlock and one Tx per tx), so a subscriber that keeps up between blocks never lags
    /// within one. Size it from `mempool.size`, the most txs a block can reap.
    pub fn for_block_txs(max_block_txs: usize) -> Self {
        Self::new(2 * (max_block_txs + 1))
    }

    /// A new subscriber, seeing events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.sender.subscribe()
    }

    /// Publishes an event; having no subscribers is fine.
    pub fn publish(&self, event: NodeEvent) {
        let _ = self.sender.send(Arc::new(Published {
            event,
            encoded: Default::default(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bus_sized_for_a_block_holds_a_full_blocks_events() {
        const TXS: usize = 500;
        let bus = EventBus::for_block_txs(TXS);
        let mut subscriber = bus.subscribe();
        let record = Arc::new(TxRecord {
            hash: [0; 32],
            height: 1,
            index: 0,
            tx: Vec::new(),
            result: Default::default(),
        });
        // A block of TXS txs publishes TXS + 1 events (NewBlock first, here left out).
        for _ in 0..=TXS {
            bus.publish(NodeEvent::Tx(record.clone()));
        }
        for _ in 0..=TXS {
            assert!(subscriber.try_recv().is_ok(), "the subscriber lagged");
        }
    }
}
