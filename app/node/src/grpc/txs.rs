//! `cosmos.tx.v1beta1.Service`'s reads of committed txs: GetTx, GetTxsEvent (CometBFT's tx
//! search) and GetBlockWithTxs.

use agora_proto::cosmos::base::abci::v1beta1::TxResponse;
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use agora_proto::cosmos::tx::v1beta1 as tx_pb;
use agora_proto::Any;
use prost::{Message, Name};
use tendermint::block::Block;
use tonic::Status;

use super::services::internal;
use crate::blockstore::TxRecord;
use crate::Node;

/// The SDK's default page size (`query.DefaultLimit`), also CometBFT's largest `per_page`.
const DEFAULT_LIMIT: u64 = 100;

/// The SDK's `TxResponse` of a committed tx, `decoded` from its bytes.
fn tx_response(
    record: &TxRecord,
    decoded: Option<&tx_pb::Tx>,
    block: Option<&Block>,
) -> TxResponse {
    let result = &record.result;
    #[allow(deprecated)]
    TxResponse {
        height: record.height as i64,
        txhash: hex::encode_upper(record.hash),
        codespace: result.codespace.clone(),
        code: result.code,
        data: hex::encode_upper(&result.data),
        raw_log: result.log.clone(),
        logs: vec![],
        info: result.info.clone(),
        gas_wanted: result.gas_wanted,
        gas_used: result.gas_used,
        tx: decoded.map(|tx| Any {
            type_url: tx_pb::Tx::type_url(),
            value: tx.encode_to_vec(),
        }),
        timestamp: block
            .map(|b| b.header.time.to_rfc3339())
            .unwrap_or_default(),
        events: result.events.clone(),
    }
}

/// A committed tx's bytes as the SDK's `Tx` (a `TxRaw`'s bytes decode as one).
fn decode_tx(bytes: &[u8]) -> Option<tx_pb::Tx> {
    tx_pb::Tx::decode(bytes).ok()
}

/// `GetTx`: a committed tx by its hex hash.
pub(super) fn get_tx(
    node: &Node,
    req: tx_pb::GetTxRequest,
) -> Result<tx_pb::GetTxResponse, Status> {
    let hash = hex::decode(&req.hash)
        .ok()
        .filter(|h| h.len() == 32)
        .ok_or_else(|| {
            Status::invalid_argument(format!("tx hash {:?} is not 64 hex digits", req.hash))
        })?;
    let record = node
        .blocks
        .tx(&hash)
        .map_err(internal)?
        .filter(|r| r.height <= node.latest_height())
        .ok_or_else(|| Status::not_found(format!("tx not found: {}", req.hash)))?;
    let block = node.blocks.block(record.height).map_err(internal)?;
    let tx = decode_tx(&record.tx);
    Ok(tx_pb::GetTxResponse {
        tx_response: Some(tx_response(&record, tx.as_ref(), block.as_ref())),
        tx,
    })
}

/// `GetTxsEvent`: a page of the committed txs matching a CometBFT query (`tx.height>=5 AND
/// message.sender='agora1…'`), oldest first unless ORDER_BY_DESC. The deprecated `events`
/// list, joined with AND, stands in for an empty `query` (as SDK v0.47 clients send it).
pub(super) fn get_txs_event(
    node: &Node,
    req: tx_pb::GetTxsEventRequest,
) -> Result<tx_pb::GetTxsEventResponse, Status> {
    #[allow(deprecated)]
    let query = match req.query.trim() {
        "" => req.events.join(" AND "),
        query => query.to_string(),
    };
    if query.trim().is_empty() {
        return Err(Status::invalid_argument(
            "query cannot be empty: give a CometBFT query such as message.sender='agora1…'",
        ));
    }
    let mut positions =
        crate::rpc::search_positions(node, &query).map_err(Status::invalid_argument)?;
    if req.order_by == tx_pb::OrderBy::Desc as i32 {
        positions.reverse();
    }
    let limit = match req.limit {
        0 => DEFAULT_LIMIT,
        n => n.min(DEFAULT_LIMIT),
    };
    let total = positions.len() as u64;
    let pages = (total.max(1) - 1) / limit + 1;
    let page = req.page.max(1);
    if page > pages {
        return Err(Status::invalid_argument(format!(
            "page should be within [1, {pages}] range, given {page}"
        )));
    }
    let start = ((page - 1) * limit) as usize;
    let mut txs = Vec::new();
    let mut tx_responses = Vec::new();
    for (height, index) in positions.iter().skip(start).take(limit as usize) {
        let Some(record) = node.blocks.tx_at(*height, *index).map_err(internal)? else {
            continue;
        };
        let block = node.blocks.block(record.height).map_err(internal)?;
        let tx = decode_tx(&record.tx);
        tx_responses.push(tx_response(&record, tx.as_ref(), block.as_ref()));
        txs.push(tx.unwrap_or_default());
    }
    #[allow(deprecated)]
    Ok(tx_pb::GetTxsEventResponse {
        txs,
        tx_responses,
        pagination: None,
        total,
    })
}

/// `GetBlockWithTxs`: a committed block and a page of its txs decoded (`reverse` pages from
/// the last tx back).
pub(super) fn block_with_txs(
    block_id: Option<tendermint_proto::v0_38::types::BlockId>,
    block: Option<tendermint_proto::v0_38::types::Block>,
    page: Option<PageRequest>,
) -> Result<tx_pb::GetBlockWithTxsResponse, Status> {
    let raw_txs = block
        .as_ref()
        .and_then(|b| b.data.as_ref())
        .map(|d| d.txs.as_slice())
        .unwrap_or_default();
    let page = page.unwrap_or_default();
    let total = raw_txs.len() as u64;
    if page.offset >= total && total != 0 {
        return Err(Status::invalid_argument(format!(
            "out of range: cannot paginate {total} txs with offset {} and limit {}",
            page.offset, page.limit
        )));
    }
    let limit = match page.limit {
        0 => DEFAULT_LIMIT,
        n => n,
    } as usize;
    let ordered: Box<dyn Iterator<Item = &Vec<u8>>> = if page.reverse {
        Box::new(raw_txs.iter().rev())
    } else {
        Box::new(raw_txs.iter())
    };
    let txs = ordered
        .skip(page.offset as usize)
        .take(limit)
        .filter_map(|bytes| decode_tx(bytes))
        .collect();
    Ok(tx_pb::GetBlockWithTxsResponse {
        txs,
        block_id,
        block,
        pagination: Some(PageResponse {
            next_key: vec![],
            total,
        }),
    })
}
