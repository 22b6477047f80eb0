//! Subscription messages for the node's events, shaped as CometBFT v0.38 sends them:
//! `{"jsonrpc":"2.0","id":<subscribe id>,"result":{"query":…,"data":{"type":…,"value":…},"events":{…}}}`.
//!
//! An event's query keys are computed once, when the first subscriber matches it; its JSON
//! once, when the first subscription matches it (an event nobody matches is never encoded).

use std::sync::OnceLock;

use serde::Serialize;
use tendermint::block;

use super::blocks::BlockJson;
use super::json::{base64, hex_upper, FinalizeBlockJson, SparseTxResult};
use super::query::{self, EventMap};
use super::{Id, RpcError};
use crate::blockstore::TxRecord;
use crate::events::{NodeEvent, Published};

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

/// An event's encodings, each computed at most once and shared by every subscriber.
#[derive(Debug, Default)]
pub(crate) struct Encodings {
    /// What queries are matched against.
    keys: OnceLock<Keys>,
    /// The `data` and `events` fields, or why the event could not be encoded.
    json: OnceLock<Result<Json, String>>,
}

#[derive(Debug)]
struct Keys {
    /// The `events` field.
    events: EventMap,
    /// `events` plus `block.height` for blocks, which CometBFT matches but does not send.
    matched: EventMap,
}

#[derive(Debug)]
struct Json {
    data: String,
    events: String,
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

fn keys_of(event: &NodeEvent) -> Keys {
    match event {
        NodeEvent::NewBlock { block, result, .. } => {
            let mut events = EventMap::new();
            query::add_events(&mut events, &result.events, false);
            query::add(&mut events, "tm.event", "NewBlock".into());
            let mut matched = events.clone();
            query::add(
                &mut matched,
                "block.height",
                block.header.height.to_string(),
            );
            Keys { events, matched }
        }
        NodeEvent::Tx(record) => {
            let events = tx_keys(record);
            Keys {
                matched: events.clone(),
                events,
            }
        }
    }
}

fn data_of(event: &NodeEvent) -> Result<String, RpcError> {
    match event {
        NodeEvent::NewBlock {
            block,
            block_id,
            result,
        } => super::to_json(&Tagged {
            r#type: "tendermint/event/NewBlock",
            value: NewBlockData {
                block: BlockJson::from(block.as_ref()),
                block_id,
                result_finalize_block: FinalizeBlockJson::from(result.as_ref()),
            },
        }),
        NodeEvent::Tx(record) => super::to_json(&Tagged {
            r#type: "tendermint/event/Tx",
            value: TxData {
                tx_result: TxResultJson {
                    height: record.height.to_string(),
                    index: record.index,
                    tx: base64(&record.tx),
                    result: SparseTxResult::from(&record.result),
                },
            },
        }),
    }
}

impl Published {
    fn keys(&self) -> &Keys {
        self.encoded.keys.get_or_init(|| keys_of(&self.event))
    }

    /// What subscription queries are matched against.
    pub(crate) fn matched_keys(&self) -> &EventMap {
        &self.keys().matched
    }

    /// The message for the subscription with request id `id` and query text `query`; the
    /// event is encoded on the first call only.
    pub(crate) fn message(&self, id: &Id, query: &str) -> Result<String, String> {
        let json = self.encoded.json.get_or_init(|| {
            let data = data_of(&self.event).map_err(|e| e.data.clone())?;
            let events = super::to_json(&self.keys().events).map_err(|e| e.data.clone())?;
            Ok(Json { data, events })
        });
        let json = json.as_ref().map_err(Clone::clone)?;
        let result = format!(
            "{{\"query\":{},\"data\":{},\"events\":{}}}",
            serde_json::Value::String(query.to_string()),
            json.data,
            json.events
        );
        Ok(super::envelope(Some(id), Ok(result)))
    }
}
