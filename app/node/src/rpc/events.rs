//! Subscription messages for the node's events, shaped as CometBFT v0.38 sends them:
//! `{"jsonrpc":"2.0","id":<subscribe id>,"result":{"query":…,"data":{"type":…,"value":…},"events":{…}}}`.

use serde::Serialize;
use tendermint::block;

use super::blocks::BlockJson;
use super::json::{base64, hex_upper, FinalizeBlockJson, SparseTxResult};
use super::query::{self, EventMap};
use super::{Id, RpcError};
use crate::blockstore::TxRecord;
use crate::events::NodeEvent;

/// `{"type": …, "value": …}`, how CometBFT tags event data.
#[derive(Serialize)]
struct Tagged<T> {
    r#type: &'static str,
    value: T,
}

#[derive(Serialize)]
struct NewBlockData<'a> {
    block: BlockJson<'a>,
    block_id: &'a block::Id,
    result_finalize_block: FinalizeBlockJson<'a>,
}

#[derive(Serialize)]
struct TxData<'a> {
    #[serde(rename = "TxResult")]
    tx_result: TxResultJson<'a>,
}

/// `abci.TxResult` by reflection: `index` left out when 0.
#[derive(Serialize)]
struct TxResultJson<'a> {
    height: String,
    #[serde(skip_serializing_if = "is_zero")]
    index: u32,
    tx: String,
    result: SparseTxResult<'a>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One event, encoded once and matched against every subscription.
pub(crate) struct Prepared {
    /// The `data` field.
    data: String,
    /// The `events` field.
    events: String,
    /// What queries are matched against: `events`, plus `block.height` for blocks.
    pub(crate) keys: EventMap,
}

/// The keys of a committed tx: its event attributes, `tm.event`, `tx.hash`, `tx.height`.
fn tx_keys(record: &TxRecord) -> EventMap {
    let mut keys = EventMap::new();
    query::add_events(&mut keys, &record.result.events, false);
    query::add(&mut keys, "tm.event", "Tx".into());
    query::add(&mut keys, "tx.hash", hex_upper(&record.hash));
    query::add(&mut keys, "tx.height", record.height.to_string());
    keys
}

impl Prepared {
    /// Encodes `event`.
    pub(crate) fn new(event: &NodeEvent) -> Result<Self, RpcError> {
        match event {
            NodeEvent::NewBlock {
                block,
                block_id,
                result,
            } => {
                let mut keys = EventMap::new();
                query::add_events(&mut keys, &result.events, false);
                query::add(&mut keys, "tm.event", "NewBlock".into());
                let events = super::to_json(&keys)?;
                let data = super::to_json(&Tagged {
                    r#type: "tendermint/event/NewBlock",
                    value: NewBlockData {
                        block: BlockJson::from(block.as_ref()),
                        block_id,
                        result_finalize_block: FinalizeBlockJson::from(result.as_ref()),
                    },
                })?;
                query::add(&mut keys, "block.height", block.header.height.to_string());
                Ok(Self { data, events, keys })
            }
            NodeEvent::Tx(record) => {
                let keys = tx_keys(record);
                let data = super::to_json(&Tagged {
                    r#type: "tendermint/event/Tx",
                    value: TxData {
                        tx_result: TxResultJson {
                            height: record.height.to_string(),
                            index: record.index,
                            tx: base64(&record.tx),
                            result: SparseTxResult::from(&record.result),
                        },
                    },
                })?;
                Ok(Self {
                    data,
                    events: super::to_json(&keys)?,
                    keys,
                })
            }
        }
    }

    /// The message for the subscription with request id `id` and query text `query`.
    pub(crate) fn message(&self, id: &Id, query: &str) -> String {
        let result = format!(
            "{{\"query\":{},\"data\":{},\"events\":{}}}",
            serde_json::Value::String(query.to_string()),
            self.data,
            self.events
        );
        super::envelope(Some(id), Ok(result))
    }
}
