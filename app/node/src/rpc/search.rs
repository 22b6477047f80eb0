//! Paging and ordering shared by `tx_search`, `block_search` and `validators`, with CometBFT's
//! defaults and messages.

use std::ops::Range;
use std::sync::MutexGuard;

use super::params::Params;
use super::query::Query;
use super::{methods, RpcError};
use crate::Node;

const DEFAULT_PER_PAGE: usize = 30;
const MAX_PER_PAGE: usize = 100;

/// `per_page`: 30 when absent or below 1, at most 100.
pub(crate) fn per_page(requested: Option<i64>) -> usize {
    match requested {
        Some(n) if n >= 1 => (n as usize).min(MAX_PER_PAGE),
        _ => DEFAULT_PER_PAGE,
    }
}

/// `page` (from 1), which must exist when `total` items are split into pages of `per_page`.
pub(crate) fn page(
    requested: Option<i64>,
    per_page: usize,
    total: usize,
) -> Result<usize, RpcError> {
    let Some(page) = requested else {
        return Ok(1);
    };
    let pages = (total.max(1) - 1) / per_page + 1;
    if page < 1 || page as usize > pages {
        return Err(RpcError::internal(format!(
            "page should be within [1, {pages}] range, given {page}"
        )));
    }
    Ok(page as usize)
}

/// The positions of one page among `total` items.
pub(crate) fn window(page: usize, per_page: usize, total: usize) -> Range<usize> {
    let start = ((page - 1) * per_page).min(total);
    start..(start + per_page).min(total)
}

/// `order_by`: true for `desc`; `default_desc` when empty.
pub(crate) fn descending(p: &Params, default_desc: bool) -> Result<bool, RpcError> {
    match p.string("order_by")?.as_deref() {
        None | Some("") => Ok(default_desc),
        Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(_) => Err(RpcError::internal(
            "expected order_by to be either `asc` or `desc` or empty",
        )),
    }
}

/// Starts a scan of `heights`: conditions no index answers are checked block by block, so a
/// scan wider than `rpc.max_search_scan` is refused (it needs height bounds), and scans run one
/// at a time (each reads and decodes every block in its range: a flood of them would take
/// every core from CheckTx and block execution). Hold the returned turn while scanning; a
/// request that waited past its deadline stops here.
pub(crate) fn start_scan<'a>(
    node: &'a Node,
    heights: std::ops::RangeInclusive<u64>,
    key: &str,
) -> Result<MutexGuard<'a, ()>, RpcError> {
    check_scan(node.config.rpc.max_search_scan, heights, key)?;
    let turn = node
        .scans
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    methods::ensure_live()?;
    Ok(turn)
}

fn check_scan(max: u64, heights: std::ops::RangeInclusive<u64>, key: &str) -> Result<(), RpcError> {
    let n = if heights.is_empty() {
        0
    } else {
        heights.end() - heights.start() + 1
    };
    if max > 0 && n > max {
        return Err(RpcError::internal(format!(
            "the query would scan {n} heights (rpc.max_search_scan is {max}): no index answers \
             its conditions; add {key} bounds (e.g. {key} >= {} AND {key} <= {}), or a \
             condition the index answers (tx.hash, or an indexed event attribute with =)",
            heights.end().saturating_sub(max - 1),
            heights.end()
        )));
    }
    Ok(())
}

/// The `query` parameter, parsed.
pub(crate) fn query(p: &Params) -> Result<Query, RpcError> {
    Query::parse(&p.string("query")?.unwrap_or_default()).map_err(RpcError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_follows_cometbft() {
        assert_eq!(per_page(None), 30);
        assert_eq!(per_page(Some(0)), 30);
        assert_eq!(per_page(Some(500)), 100);
        assert_eq!(per_page(Some(7)), 7);
        assert_eq!(page(None, 30, 0).unwrap(), 1);
        assert_eq!(page(Some(1), 30, 0).unwrap(), 1);
        assert_eq!(page(Some(3), 10, 25).unwrap(), 3);
        assert_eq!(
            page(Some(4), 10, 25).unwrap_err().data,
            "page should be within [1, 3] range, given 4"
        );
        assert!(page(Some(0), 10, 25).is_err());
        assert_eq!(window(3, 10, 25), 20..25);
        assert_eq!(window(1, 30, 0), 0..0);
    }
}
