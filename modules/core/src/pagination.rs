//! `cosmos.base.query.v1beta1` pagination over a store range, with the semantics of the Cosmos
//! SDK's `query.Paginate`: a page starts at `key` (inclusive) or after `offset` items, holds at
//! most `limit` items (default [`DEFAULT_LIMIT`], capped at [`MAX_LIMIT`]) in key order or
//! `reverse`d, and answers the key of the next item as `next_key` (empty after the last page).
//! `total` is counted only for offset pages when `count_total` is set or `limit` is 0.
//!
//! Only the items up to the page's end are read (and charged gas), unless a total is counted.

use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmwasm_std::{Order, Storage};
use cw_storage_plus::{Bound, KeyDeserialize, Prefix, PrimaryKey};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Error, Result, SdkCode};

/// The page size when a request gives no `limit` (the SDK's `query.DefaultLimit`).
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest page served; a larger `limit` is lowered to it, and `next_key` leads on.
pub const MAX_LIMIT: u64 = 1000;

/// Pages through a cw-storage-plus [`Prefix`] (a `Map`'s `prefix(..)`; `prefix(())` for a whole
/// map with a one-part key), turning each record of the page (its raw key under the prefix, its
/// decoded value) into an item with `item`, in page order. Errors with `sdk/18` if the request
/// sets both `key` and `offset`.
pub fn paginate<'s, 'b, K, T, B, U>(
    store: &'s dyn Storage,
    prefix: &Prefix<K, T, B>,
    page: Option<&PageRequest>,
    mut item: impl FnMut(&[u8], T) -> Result<U>,
) -> Result<(Vec<U>, PageResponse)>
where
    K: KeyDeserialize,
    T: Serialize + DeserializeOwned + 's,
    B: PrimaryKey<'b>,
{
    paginate_filtered(store, prefix, page, |key, value| item(key, value).map(Some))
}

/// [`paginate`] over only the records `item` keeps (it answers `None` for the others), as
/// the SDK's `query.FilteredPaginate`: offset, limit and total count kept records, so a page
/// is full whenever enough records match.
pub fn paginate_filtered<'s, 'b, K, T, B, U>(
    store: &'s dyn Storage,
    prefix: &Prefix<K, T, B>,
    page: Option<&PageRequest>,
    mut item: impl FnMut(&[u8], T) -> Result<Option<U>>,
) -> Result<(Vec<U>, PageResponse)>
where
    K: KeyDeserialize,
    T: Serialize + DeserializeOwned + 's,
    B: PrimaryKey<'b>,
{
    let default = PageRequest::default();
    let page = page.unwrap_or(&default);
    if page.offset > 0 && !page.key.is_empty() {
        return Err(Error::sdk(
            SdkCode::InvalidRequest,
            "either offset or key is expected, got both",
        ));
    }
    let (limit, count_total) = match page.limit {
        0 => (DEFAULT_LIMIT, true),
        limit => (limit.min(MAX_LIMIT), page.count_total),
    };
    // A page starts at its key (inclusive) in either direction.
    let start = (!page.key.is_empty()).then(|| Bound::InclusiveRaw(page.key.clone()));
    let (order, min, max) = if page.reverse {
        (Order::Descending, None, start)
    } else {
        (Order::Ascending, start, None)
    };
    let records = prefix.range_raw(store, min, max, order);
    let by_key = !page.key.is_empty();
    let (offset, end) = if by_key {
        (0, limit)
    } else {
        (page.offset, page.offset.saturating_add(limit))
    };
    let mut items = Vec::new();
    let mut count: u64 = 0;
    let mut next_key = Vec::new();
    for record in records {
        let (key, value) = record?;
        if count == end {
            // The page is full: this record (kept or not) is where the next page starts.
            if next_key.is_empty() {
                next_key = key.clone();
            }
            if by_key || !count_total {
                break;
            }
        }
        let Some(kept) = item(&key, value)? else {
            continue;
        };
        count += 1;
        if count > offset && count <= end {
            items.push(kept);
        }
    }
    let total = if count_total && !by_key { count } else { 0 };
    Ok((items, response(next_key, total)))
}

fn response(next_key: Vec<u8>, total: u64) -> PageResponse {
    PageResponse { next_key, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;
    use cw_storage_plus::Map;

    const ITEMS: Map<&str, u32> = Map::new("i");
    const OTHER: Map<&str, u32> = Map::new("j");

    /// A store with items `k0000`, `k0001`, ... (values 0..n) between neighbouring keys.
    fn store(n: u32) -> MockStorage {
        let mut store = MockStorage::new();
        for i in 0..n {
            ITEMS.save(&mut store, &format!("k{i:04}"), &i).unwrap();
        }
        OTHER.save(&mut store, "a", &1000).unwrap();
        store.set(b"\x00\x01h", b"outside");
        store
    }

    #[test]
    fn filtered_pages_are_full_and_count_only_kept_items() {
        let store = store(10);
        let even = |req: PageRequest| {
            let keep = |_: &[u8], v: u32| Ok(v.is_multiple_of(2).then_some(v));
            paginate_filtered(&store, &ITEMS.prefix(()), Some(&req), keep).unwrap()
        };
        let (first, res) = even(request(b"", 0, 3, false));
        assert_eq!(first, [0, 2, 4]);
        let (second, res) = even(request(&res.next_key, 0, 3, false));
        assert_eq!(second, [6, 8]);
        assert!(res.next_key.is_empty());
        let counted = PageRequest {
            offset: 1,
            limit: 2,
            count_total: true,
            ..Default::default()
        };
        let (items, res) = even(counted);
        assert_eq!((items, res.total), (vec![2, 4], 5));
    }

    fn page_of(store: &MockStorage, req: PageRequest) -> Result<(Vec<u32>, PageResponse)> {
        paginate(store, &ITEMS.prefix(()), Some(&req), |_, v: u32| Ok(v))
    }

    fn request(key: &[u8], offset: u64, limit: u64, reverse: bool) -> PageRequest {
        PageRequest {
            key: key.to_vec(),
            offset,
            limit,
            count_total: false,
            reverse,
        }
    }

    /// Follows `next_key` from the first page to the last, returning every item and the page count.
    fn follow(store: &MockStorage, limit: u64, reverse: bool) -> (Vec<u32>, usize) {
        let (mut all, mut pages, mut key) = (Vec::new(), 0, Vec::new());
        loop {
            let (items, res) = page_of(store, request(&key, 0, limit, reverse)).unwrap();
            assert!(items.len() as u64 <= limit.min(MAX_LIMIT));
            all.extend(items);
            pages += 1;
            if res.next_key.is_empty() {
                return (all, pages);
            }
            key = res.next_key;
        }
    }

    #[test]
    fn next_key_chains_visit_every_item_once_in_both_orders() {
        let store = store(7);
        let ascending: Vec<u32> = (0..7).collect();
        let descending: Vec<u32> = (0..7).rev().collect();
        for (limit, pages) in [(1, 7), (2, 4), (3, 3), (7, 1), (8, 1)] {
            assert_eq!(follow(&store, limit, false), (ascending.clone(), pages));
            assert_eq!(follow(&store, limit, true), (descending.clone(), pages));
        }
    }

    #[test]
    fn next_key_is_the_raw_key_of_the_next_item() {
        let store = store(3);
        let (items, res) = page_of(&store, request(b"", 0, 1, false)).unwrap();
        assert_eq!((items, res.next_key.as_slice()), (vec![0], &b"k0001"[..]));
        let (items, res) = page_of(&store, request(b"k0001", 0, 1, true)).unwrap();
        assert_eq!((items, res.next_key.as_slice()), (vec![1], &b"k0000"[..]));
        let (items, res) = page_of(&store, request(b"k0000", 0, 5, true)).unwrap();
        assert_eq!((items, res), (vec![0], response(Vec::new(), 0)));
        // A key between two items starts at the next one in the page's direction.
        let (items, _) = page_of(&store, request(b"k00005", 0, 1, false)).unwrap();
        assert_eq!(items, vec![1]);
        let (items, _) = page_of(&store, request(b"k00005", 0, 1, true)).unwrap();
        assert_eq!(items, vec![0]);
    }

    #[test]
    fn offset_skips_items_and_counts_the_total_when_asked() {
        let store = store(10);
        let (items, res) = page_of(&store, request(b"", 3, 2, false)).unwrap();
        assert_eq!((items, res), (vec![3, 4], response(b"k0005".to_vec(), 0)));
        let (items, res) = page_of(&store, request(b"", 3, 2, true)).unwrap();
        assert_eq!((items, res), (vec![6, 5], response(b"k0004".to_vec(), 0)));
        let counted = PageRequest {
            count_total: true,
            ..request(b"", 3, 2, false)
        };
        assert_eq!(page_of(&store, counted).unwrap().1.total, 10);
        let past_the_end = page_of(&store, request(b"", 20, 2, false)).unwrap();
        assert_eq!(past_the_end, (vec![], response(Vec::new(), 0)));
        // count_total is ignored with a key, as the SDK ignores it.
        let keyed = PageRequest {
            count_total: true,
            ..request(b"k0002", 0, 2, false)
        };
        assert_eq!(page_of(&store, keyed).unwrap().1.total, 0);
    }

    #[test]
    fn no_limit_is_the_default_limit_with_a_total() {
        let store = store(150);
        let (items, res) = page_of(&store, PageRequest::default()).unwrap();
        assert_eq!(items.len() as u64, DEFAULT_LIMIT);
        assert_eq!(res, response(b"k0100".to_vec(), 150));
        let (items, res) = paginate(&store, &ITEMS.prefix(()), None, |_, v: u32| Ok(v)).unwrap();
        assert_eq!((items.len(), res.total), (100, 150));
    }

    #[test]
    fn a_limit_above_the_cap_is_lowered_to_it() {
        let store = store(MAX_LIMIT as u32 + 5);
        let (items, res) = page_of(&store, request(b"", 0, u64::MAX, false)).unwrap();
        assert_eq!(items.len() as u64, MAX_LIMIT);
        assert_eq!(res.next_key, format!("k{MAX_LIMIT:04}").into_bytes());
        assert_eq!(follow(&store, u64::MAX, true).1, 2);
    }

    #[test]
    fn key_and_offset_together_are_refused() {
        let store = store(3);
        let err = page_of(&store, request(b"k0001", 1, 1, false)).unwrap_err();
        assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
        assert_eq!(
            err.msg,
            "either offset or key is expected, got both: invalid request"
        );
    }

    #[test]
    fn an_empty_range_is_one_empty_page() {
        let store = store(0);
        assert_eq!(
            page_of(&store, PageRequest::default()).unwrap(),
            (vec![], response(Vec::new(), 0))
        );
        assert_eq!(follow(&store, 1, true), (vec![], 1));
    }

    #[test]
    fn items_see_their_raw_keys_and_errors_stop_the_page() {
        let store = store(3);
        let (keys, _) =
            paginate(&store, &ITEMS.prefix(()), None, |k, _: u32| Ok(k.to_vec())).unwrap();
        assert_eq!(
            keys,
            [b"k0000".to_vec(), b"k0001".to_vec(), b"k0002".to_vec()]
        );
        let err = paginate(&store, &ITEMS.prefix(()), None, |_, v: u32| {
            if v == 1 {
                Err(Error::internal("bad item"))
            } else {
                Ok(v)
            }
        })
        .unwrap_err();
        assert_eq!(err.msg, "bad item: internal");
    }
}
