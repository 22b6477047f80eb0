//! The SDK's pagination flags (`--page-key --offset --limit --count-total --reverse --page`) and
//! `pagination` JSON, and following `next_key` through every page.

use agora_core::pagination::DEFAULT_LIMIT;
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use anyhow::{bail, Context as _, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::Serialize;

/// Pagination flags of a list query, as the SDK's `flags.AddPaginationFlagsToCmd`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PageArgs {
    /// Start at this key: a `pagination.next_key` printed by an earlier page (base64).
    #[arg(long)]
    pub page_key: Option<String>,
    /// Skip this many items (instead of --page-key).
    #[arg(long)]
    pub offset: Option<u64>,
    /// Items per page (the node serves at most 1000).
    #[arg(long)]
    pub limit: Option<u64>,
    /// Count every item and print it as `pagination.total` (offset pages only).
    #[arg(long)]
    pub count_total: bool,
    /// Items in descending key order.
    #[arg(long)]
    pub reverse: bool,
    /// Page number, counted from 1, of --limit items (instead of --offset).
    #[arg(long)]
    pub page: Option<u64>,
}

impl PageArgs {
    /// Whether no flag asks for a particular page, so every page is fetched.
    pub fn follows(&self) -> bool {
        self.page_key.is_none()
            && self.offset.is_none()
            && self.limit.is_none()
            && self.page.is_none()
    }

    /// The request for the page the flags name, with the SDK CLI's defaults (limit 100).
    pub fn request(&self) -> Result<PageRequest> {
        let key = match &self.page_key {
            Some(key) => BASE64.decode(key).with_context(|| {
                format!("--page-key {key:?} is not base64 (pass a pagination.next_key as printed)")
            })?,
            None => Vec::new(),
        };
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        let mut offset = self.offset.unwrap_or(0);
        match self.page {
            Some(0) => bail!("--page counts from 1"),
            Some(page) if page > 1 && offset > 0 => {
                bail!("page and offset cannot be used together")
            }
            Some(page) if page > 1 => offset = (page - 1).saturating_mul(limit),
            _ => {}
        }
        Ok(PageRequest {
            key,
            offset,
            limit,
            count_total: self.count_total,
            reverse: self.reverse,
        })
    }
}

/// The items of the page the flags name, or of every page (following `next_key`) when they
/// name none; `fetch` asks the node for one page. Merged pages print the first page's total.
pub fn fetch<T>(
    args: &PageArgs,
    mut one_page: impl FnMut(PageRequest) -> Result<(Vec<T>, Option<PageResponse>)>,
) -> Result<(Vec<T>, PageJson)> {
    if !args.follows() {
        let (items, page) = one_page(args.request()?)?;
        return Ok((items, PageJson::new(page.unwrap_or_default())));
    }
    let mut request = PageRequest {
        count_total: args.count_total,
        reverse: args.reverse,
        ..PageRequest::default()
    };
    let (mut all, page) = one_page(request.clone())?;
    let page = page.unwrap_or_default();
    let total = page.total;
    let mut next_key = page.next_key;
    while !next_key.is_empty() {
        if next_key == request.key {
            bail!("the node answered the same pagination.next_key twice");
        }
        request.key = next_key;
        let (items, page) = one_page(request.clone())?;
        all.extend(items);
        next_key = page.unwrap_or_default().next_key;
    }
    Ok((
        all,
        PageJson::new(PageResponse {
            next_key: Vec::new(),
            total,
        }),
    ))
}

/// `pagination` as the SDK prints it: `next_key` base64 or null, `total` as a string.
#[derive(Debug, Serialize)]
pub struct PageJson {
    next_key: Option<String>,
    total: String,
}

impl PageJson {
    /// The JSON of a page response.
    pub fn new(page: PageResponse) -> Self {
        Self {
            next_key: (!page.next_key.is_empty()).then(|| BASE64.encode(&page.next_key)),
            total: page.total.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_make_the_sdks_request() {
        let args = PageArgs {
            page_key: Some(BASE64.encode(b"ufoo")),
            limit: Some(1),
            reverse: true,
            ..PageArgs::default()
        };
        assert!(!args.follows());
        let req = args.request().unwrap();
        assert_eq!(
            (req.key.as_slice(), req.limit, req.reverse),
            (&b"ufoo"[..], 1, true)
        );
        let page = PageArgs {
            page: Some(3),
            limit: Some(10),
            ..PageArgs::default()
        };
        assert_eq!(page.request().unwrap().offset, 20);
        let first_page = PageArgs {
            page: Some(1),
            offset: Some(4),
            ..PageArgs::default()
        };
        assert_eq!(first_page.request().unwrap().offset, 4);
        assert_eq!(PageArgs::default().request().unwrap().limit, 100);
        assert!(PageArgs::default().follows());
        let both = PageArgs {
            page: Some(2),
            offset: Some(1),
            ..PageArgs::default()
        };
        assert!(both.request().is_err());
        let bad = PageArgs {
            page_key: Some("not base64!".into()),
            ..PageArgs::default()
        };
        assert!(bad
            .request()
            .unwrap_err()
            .to_string()
            .contains("--page-key"));
    }

    #[test]
    fn following_merges_every_page() {
        let pages = [
            (vec![1, 2], b"c".to_vec(), 5),
            (vec![3, 4], b"e".to_vec(), 0),
            (vec![5], vec![], 0),
        ];
        let mut asked = Vec::new();
        let (items, page) = fetch(&PageArgs::default(), |req| {
            let i = asked.len();
            asked.push(req.key);
            let (items, next_key, total) = pages[i].clone();
            Ok((items, Some(PageResponse { next_key, total })))
        })
        .unwrap();
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(asked, [vec![], b"c".to_vec(), b"e".to_vec()]);
        assert_eq!((page.next_key, page.total.as_str()), (None, "5"));
    }

    #[test]
    fn a_node_repeating_its_next_key_is_an_error() {
        let err = fetch(&PageArgs::default(), |_| {
            Ok((
                vec![1],
                Some(PageResponse {
                    next_key: b"k".to_vec(),
                    total: 0,
                }),
            ))
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("same pagination.next_key"),
            "{err}"
        );
    }
}
