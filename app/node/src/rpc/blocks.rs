//! `block`, `block_by_hash`, `block_results`, `block_search`, `blockchain`, `header`,
//! `header_by_hash` and `commit`.

use serde::{Serialize, Serializer};
use tendermint::block::{self, Block, Commit, Header};
use tendermint::{Hash, Time};
use tendermint_proto::v0_38::types::Evidence as RawEvidence;

use super::json::{base64, hex_upper, BlockResults};
use super::methods;
use super::params::Params;
use super::query::{self, EventMap, Query};
use super::{info, search, to_json, RpcError};
use crate::blockstore::block_id;
use crate::Node;

/// CometBFT's `getHeight`: the requested height, or `latest` when none is given.
pub(crate) fn resolve_height(
    node: &Node,
    requested: Option<i64>,
    latest: u64,
) -> Result<u64, RpcError> {
    let Some(height) = requested else {
        return Ok(latest);
    };
    if height <= 0 {
        return Err(RpcError::internal(format!(
            "height must be greater than 0, but got {height}"
        )));
    }
    let height = height as u64;
    if height > latest {
        return Err(RpcError::internal(format!(
            "height {height} must be less than or equal to the current blockchain height {latest}"
        )));
    }
    let base = node.blocks.base();
    if height < base {
        return Err(RpcError::internal(format!(
            "height {height} is not available, lowest height is {base}"
        )));
    }
    Ok(height)
}

/// A block id, or CometBFT's empty one (`{"hash":"","parts":{"total":0,"hash":""}}`).
struct BlockId<'a>(Option<&'a block::Id>);

#[derive(Serialize)]
struct EmptyBlockId {
    hash: &'static str,
    parts: EmptyParts,
}

#[derive(Serialize)]
struct EmptyParts {
    total: u32,
    hash: &'static str,
}

const EMPTY_BLOCK_ID: EmptyBlockId = EmptyBlockId {
    hash: "",
    parts: EmptyParts { total: 0, hash: "" },
};

impl Serialize for BlockId<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(id) => id.serialize(s),
            None => EMPTY_BLOCK_ID.serialize(s),
        }
    }
}

/// A header as CometBFT writes it: hashes in upper-case hex, `""` for none, and the first
/// block's missing `last_block_id` as the empty id.
#[derive(Serialize)]
pub(crate) struct HeaderJson<'a> {
    version: Version,
    chain_id: &'a str,
    height: String,
    time: Time,
    last_block_id: BlockId<'a>,
    last_commit_hash: String,
    data_hash: String,
    validators_hash: String,
    next_validators_hash: String,
    consensus_hash: String,
    app_hash: String,
    last_results_hash: String,
    evidence_hash: String,
    proposer_address: String,
}

#[derive(Serialize)]
struct Version {
    block: String,
    app: String,
}

fn optional_hash(hash: &Option<Hash>) -> String {
    hash.as_ref()
        .map_or_else(String::new, |h| hex_upper(h.as_bytes()))
}

impl<'a> From<&'a Header> for HeaderJson<'a> {
    fn from(h: &'a Header) -> Self {
        Self {
            version: Version {
                block: h.version.block.to_string(),
                app: h.version.app.to_string(),
            },
            chain_id: h.chain_id.as_str(),
            height: h.height.to_string(),
            time: h.time,
            last_block_id: BlockId(h.last_block_id.as_ref()),
            last_commit_hash: optional_hash(&h.last_commit_hash),
            data_hash: optional_hash(&h.data_hash),
            validators_hash: hex_upper(h.validators_hash.as_bytes()),
            next_validators_hash: hex_upper(h.next_validators_hash.as_bytes()),
            consensus_hash: hex_upper(h.consensus_hash.as_bytes()),
            app_hash: hex_upper(h.app_hash.as_bytes()),
            last_results_hash: optional_hash(&h.last_results_hash),
            evidence_hash: optional_hash(&h.evidence_hash),
            proposer_address: hex_upper(h.proposer_address.as_bytes()),
        }
    }
}

/// The first block's last commit, which CometBFT writes as an empty commit.
#[derive(Serialize)]
struct EmptyCommit {
    height: &'static str,
    round: u32,
    block_id: EmptyBlockId,
    signatures: [(); 0],
}

/// A block's last commit, or [`EmptyCommit`].
struct LastCommit<'a>(Option<&'a Commit>);

impl Serialize for LastCommit<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(commit) => commit.serialize(s),
            None => EmptyCommit {
                height: "0",
                round: 0,
                block_id: EMPTY_BLOCK_ID,
                signatures: [],
            }
            .serialize(s),
        }
    }
}

/// A block as CometBFT writes it: txs in base64, evidence and the last commit never `null`.
#[derive(Serialize)]
pub(crate) struct BlockJson<'a> {
    header: HeaderJson<'a>,
    data: Data,
    evidence: EvidenceList,
    last_commit: LastCommit<'a>,
}

#[derive(Serialize)]
struct Data {
    txs: Vec<String>,
}

#[derive(Serialize)]
struct EvidenceList {
    evidence: Vec<RawEvidence>,
}

impl<'a> From<&'a Block> for BlockJson<'a> {
    fn from(block: &'a Block) -> Self {
        Self {
            header: (&block.header).into(),
            data: Data {
                txs: block.data.iter().map(|tx| base64(tx)).collect(),
            },
            evidence: EvidenceList {
                evidence: block.evidence.iter().cloned().map(Into::into).collect(),
            },
            last_commit: LastCommit(block.last_commit.as_ref()),
        }
    }
}

/// `{"block_id":…,"block":…}`, with `null` for no block.
#[derive(Serialize)]
pub(crate) struct BlockResult<'a> {
    block_id: BlockId<'a>,
    block: Option<BlockJson<'a>>,
}

impl<'a> BlockResult<'a> {
    /// The result for `block` with id `id`.
    pub(crate) fn new(id: &'a block::Id, block: &'a Block) -> Self {
        Self {
            block_id: BlockId(Some(id)),
            block: Some(block.into()),
        }
    }
}

fn block_result(block: Option<Block>) -> Result<String, RpcError> {
    match block {
        Some(block) => to_json(&BlockResult::new(&block_id(&block), &block)),
        None => to_json(&BlockResult {
            block_id: BlockId(None),
            block: None,
        }),
    }
}

/// `block` at a height (the latest by default).
pub(crate) fn block(node: &Node, p: &Params) -> Result<String, RpcError> {
    let height = resolve_height(node, p.int("height")?, node.latest_height())?;
    block_result(node.blocks.block(height)?)
}

/// The committed block whose header hash is `hash`, if any.
fn block_by_hash_bytes(node: &Node, hash: Option<Vec<u8>>) -> Result<Option<Block>, RpcError> {
    let height = node
        .blocks
        .height_by_hash(&hash.unwrap_or_default())?
        .filter(|h| *h <= node.latest_height());
    Ok(match height {
        Some(height) => node.blocks.block(height)?,
        None => None,
    })
}

/// `block_by_hash` (the hash in base64, CometBFT's `[]byte`): an unknown hash gives a `null`
/// block, as in CometBFT.
pub(crate) fn block_by_hash(node: &Node, p: &Params) -> Result<String, RpcError> {
    block_result(block_by_hash_bytes(node, p.bytes("hash")?)?)
}

#[derive(Serialize)]
struct HeaderResult<'a> {
    header: Option<HeaderJson<'a>>,
}

fn header_result(block: Option<Block>) -> Result<String, RpcError> {
    to_json(&HeaderResult {
        header: block.as_ref().map(|b| (&b.header).into()),
    })
}

/// `header` at a height (the latest by default).
pub(crate) fn header(node: &Node, p: &Params) -> Result<String, RpcError> {
    let height = resolve_height(node, p.int("height")?, node.latest_height())?;
    header_result(node.blocks.block(height)?)
}

/// `header_by_hash` (the hash in hex, CometBFT's `HexBytes`): an unknown hash gives a `null`
/// header.
pub(crate) fn header_by_hash(node: &Node, p: &Params) -> Result<String, RpcError> {
    header_result(block_by_hash_bytes(node, p.hex_bytes("hash")?)?)
}

#[derive(Serialize)]
struct CommitResult<'a> {
    signed_header: SignedHeader<'a>,
    canonical: bool,
}

#[derive(Serialize)]
struct SignedHeader<'a> {
    header: HeaderJson<'a>,
    commit: &'a Commit,
}

/// `commit`: the header and the commit that finalized it. The latest height's commit is the
/// one this node saw (`canonical: false`), as in CometBFT; older ones are canonical.
pub(crate) fn commit(node: &Node, p: &Params) -> Result<String, RpcError> {
    let latest = node.latest_height();
    let height = resolve_height(node, p.int("height")?, latest)?;
    let (Some(block), Some(commit)) = (node.blocks.block(height)?, node.blocks.commit(height)?)
    else {
        return Ok("null".into());
    };
    to_json(&CommitResult {
        signed_header: SignedHeader {
            header: (&block.header).into(),
            commit: &commit,
        },
        canonical: height < latest,
    })
}

/// `block_results`: the FinalizeBlock results of a height (the latest by default).
pub(crate) fn block_results(node: &Node, p: &Params) -> Result<String, RpcError> {
    let height = resolve_height(node, p.int("height")?, node.latest_height())?;
    let results = node.blocks.results(height)?.ok_or_else(|| {
        RpcError::internal(format!("could not find results for height #{height}"))
    })?;
    to_json(&BlockResults::new(height, &results))
}

#[derive(Serialize)]
struct BlockMeta<'a> {
    block_id: &'a block::Id,
    block_size: String,
    header: HeaderJson<'a>,
    num_txs: String,
}

#[derive(Serialize)]
struct Blockchain<'a> {
    last_height: String,
    block_metas: Vec<BlockMeta<'a>>,
}

/// Most block metas `blockchain` returns at once.
const BLOCKCHAIN_LIMIT: u64 = 20;

/// `blockchain`: metas of at most 20 blocks in `[minHeight, maxHeight]`, highest first.
pub(crate) fn blockchain(node: &Node, p: &Params) -> Result<String, RpcError> {
    let (min, max) = (
        p.int("minHeight")?.unwrap_or(0),
        p.int("maxHeight")?.unwrap_or(0),
    );
    if min < 0 || max < 0 {
        return Err(RpcError::internal("heights must be non-negative"));
    }
    let latest = node.latest_height();
    let max = if max == 0 {
        latest
    } else {
        (max as u64).min(latest)
    };
    let min = (min as u64)
        .max(1)
        .max(node.blocks.base())
        .max((max + 1).saturating_sub(BLOCKCHAIN_LIMIT));
    if min > max {
        return Err(RpcError::internal(format!(
            "min height {min} can't be greater than max height {max}"
        )));
    }
    let metas = (min..=max)
        .rev()
        .map(|h| {
            node.blocks.block_meta(h)?.ok_or_else(|| {
                RpcError::internal(format!("block {h} is missing from the block store"))
            })
        })
        .collect::<Result<Vec<_>, RpcError>>()?;
    to_json(&Blockchain {
        last_height: latest.to_string(),
        block_metas: metas
            .iter()
            .map(|m| BlockMeta {
                block_id: &m.block_id,
                block_size: m.block_size.to_string(),
                header: (&m.header).into(),
                num_txs: m.num_txs.to_string(),
            })
            .collect(),
    })
}

/// What a block's query sees: `block.height`, `tm.event = NewBlock` and its indexed
/// FinalizeBlock event attributes.
fn block_events(node: &Node, height: u64) -> Result<EventMap, RpcError> {
    let mut events = EventMap::new();
    if let Some(results) = node.blocks.results(height)? {
        query::add_events(&mut events, &results.events, true);
    }
    query::add(&mut events, "tm.event", "NewBlock".into());
    query::add(&mut events, "block.height", height.to_string());
    Ok(events)
}

/// The heights whose blocks match `q`, in chain order.
fn matching_heights(node: &Node, q: &Query) -> Result<Vec<u64>, RpcError> {
    let (low, high) = q.height_range("block.height");
    let low = low.max(node.blocks.base()).max(1);
    let high = high.min(node.latest_height());
    let _turn = search::start_scan(node, low..=high, "block.height")?;
    let mut found = Vec::new();
    for height in low..=high {
        methods::ensure_live()?;
        if q.matches(&block_events(node, height)?) {
            found.push(height);
        }
    }
    Ok(found)
}

#[derive(Serialize)]
struct BlockSearch<'a> {
    blocks: Vec<BlockResult<'a>>,
    total_count: String,
}

/// `block_search`: blocks whose height and FinalizeBlock events match `query`, newest first
/// unless `order_by` is `asc`.
pub(crate) fn search(node: &Node, p: &Params) -> Result<String, RpcError> {
    if !info::indexing(node) {
        return Err(RpcError::internal("block indexing is disabled"));
    }
    let q = search::query(p)?;
    let descending = search::descending(p, true)?;
    let mut heights = matching_heights(node, &q)?;
    if descending {
        heights.reverse();
    }
    let per_page = search::per_page(p.int("per_page")?);
    let page = search::page(p.int("page")?, per_page, heights.len())?;
    let blocks = heights[search::window(page, per_page, heights.len())]
        .iter()
        .filter_map(|h| node.blocks.block(*h).transpose())
        .collect::<Result<Vec<Block>, _>>()?;
    let ids: Vec<block::Id> = blocks.iter().map(block_id).collect();
    to_json(&BlockSearch {
        blocks: blocks
            .iter()
            .zip(&ids)
            .map(|(b, id)| BlockResult::new(id, b))
            .collect(),
        total_count: heights.len().to_string(),
    })
}
