//! `/cosmos.bank.v1beta1.Query/...`: protobuf requests in, standard protobuf responses out.

mod common;

use agora_core::pagination::{DEFAULT_LIMIT, MAX_LIMIT};
use agora_core::{Module, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
use agora_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use common::{addr, bank_genesis, Chain};
use prost::Message;

fn query<Req: Message, Resp: Message + Default>(
    chain: &mut Chain,
    method: &str,
    req: Req,
) -> agora_core::Result<Resp> {
    let path = format!("/cosmos.bank.v1beta1.Query/{method}");
    assert!(
        chain.bank.query_paths().contains(&path.as_str()),
        "{path} not served"
    );
    chain
        .run(u64::MAX, |m, ctx| {
            m.bank.query(ctx, &path, &req.encode_to_vec())
        })
        .result
        .map(|bytes| Resp::decode(bytes.as_slice()).expect("response decodes"))
}

#[test]
fn balances_and_supply() {
    let (a, b) = (addr(1), addr(2));
    let mut genesis = bank_genesis(&[(&a, "10uagr,3ufoo"), (&b, "5uagr")]);
    genesis["send_enabled"] = serde_json::json!([{"denom": "ufoo", "enabled": false}]);
    let mut chain = Chain::new(genesis);

    let resp: pb::QueryBalanceResponse = query(
        &mut chain,
        "Balance",
        pb::QueryBalanceRequest {
            address: a.to_string(),
            denom: "ufoo".into(),
        },
    )
    .unwrap();
    assert_eq!(resp.balance.unwrap().amount, "3");
    let resp: pb::QueryBalanceResponse = query(
        &mut chain,
        "Balance",
        pb::QueryBalanceRequest {
            address: b.to_string(),
            denom: "ufoo".into(),
        },
    )
    .unwrap();
    assert_eq!(resp.balance.unwrap().amount, "0");

    let req = pb::QueryAllBalancesRequest {
        address: a.to_string(),
        ..Default::default()
    };
    let resp: pb::QueryAllBalancesResponse = query(&mut chain, "AllBalances", req).unwrap();
    let shown: Vec<_> = resp
        .balances
        .iter()
        .map(|c| format!("{}{}", c.amount, c.denom))
        .collect();
    assert_eq!(shown, ["10uagr", "3ufoo"]);
    assert_eq!(resp.pagination.unwrap().total, 2);

    let req = pb::QuerySpendableBalancesRequest {
        address: a.to_string(),
        ..Default::default()
    };
    let resp: pb::QuerySpendableBalancesResponse =
        query(&mut chain, "SpendableBalances", req).unwrap();
    assert_eq!(resp.balances.len(), 2);

    let resp: pb::QueryTotalSupplyResponse = query(
        &mut chain,
        "TotalSupply",
        pb::QueryTotalSupplyRequest::default(),
    )
    .unwrap();
    assert_eq!(resp.supply[0].amount, "15");
    let resp: pb::QuerySupplyOfResponse = query(
        &mut chain,
        "SupplyOf",
        pb::QuerySupplyOfRequest {
            denom: "ufoo".into(),
        },
    )
    .unwrap();
    assert_eq!(resp.amount.unwrap().amount, "3");

    let resp: pb::QueryParamsResponse =
        query(&mut chain, "Params", pb::QueryParamsRequest {}).unwrap();
    assert!(resp.params.unwrap().default_send_enabled);
    let resp: pb::QuerySendEnabledResponse = query(
        &mut chain,
        "SendEnabled",
        pb::QuerySendEnabledRequest::default(),
    )
    .unwrap();
    assert_eq!(
        resp.send_enabled,
        vec![pb::SendEnabled {
            denom: "ufoo".into(),
            enabled: false
        }]
    );

    let err = query::<_, pb::QueryBalanceResponse>(
        &mut chain,
        "Balance",
        pb::QueryBalanceRequest {
            address: "cosmos1bad".into(),
            denom: "uagr".into(),
        },
    )
    .unwrap_err();
    assert!(err.is(SdkCode::InvalidAddress));
}

#[test]
fn denom_metadata() {
    let mut genesis = bank_genesis(&[]);
    genesis["denom_metadata"] = serde_json::json!([{
        "denom_units": [{"denom": "uagr", "exponent": 0}, {"denom": "agr", "exponent": 6}],
        "base": "uagr", "display": "agr", "name": "Agora", "symbol": "AGR"
    }]);
    let mut chain = Chain::new(genesis);
    let resp: pb::QueryDenomMetadataResponse = query(
        &mut chain,
        "DenomMetadata",
        pb::QueryDenomMetadataRequest {
            denom: "uagr".into(),
        },
    )
    .unwrap();
    let metadata = resp.metadata.unwrap();
    assert_eq!(
        (metadata.display.as_str(), metadata.denom_units[1].exponent),
        ("agr", 6)
    );
    let resp: pb::QueryDenomsMetadataResponse = query(
        &mut chain,
        "DenomsMetadata",
        pb::QueryDenomsMetadataRequest::default(),
    )
    .unwrap();
    assert_eq!(resp.metadatas.len(), 1);
    let err = query::<_, pb::QueryDenomMetadataResponse>(
        &mut chain,
        "DenomMetadata",
        pb::QueryDenomMetadataRequest {
            denom: "ufoo".into(),
        },
    )
    .unwrap_err();
    // the SDK's handler answers gRPC NotFound, which reaches ABCI as sdk's ErrKeyNotFound
    assert_eq!((err.codespace.as_ref(), err.code), ("sdk", 22));
    assert!(
        err.msg.contains("client metadata for denom ufoo"),
        "{}",
        err.msg
    );
}

/// `n` denoms `d0000`.. held by one account, with metadata and send-enabled flags for each.
fn many_denoms(n: u32) -> (Chain, String) {
    let a = addr(1);
    let coins: Vec<_> = (0..n).map(|i| format!("7d{i:04}")).collect();
    let mut genesis = bank_genesis(&[(&a, &coins.join(","))]);
    genesis["denom_metadata"] = (0..n)
        .map(|i| {
            let base = format!("d{i:04}");
            serde_json::json!({
                "denom_units": [{"denom": base, "exponent": 0}],
                "base": base, "display": base, "name": base, "symbol": "D"
            })
        })
        .collect();
    genesis["send_enabled"] = (0..n)
        .map(|i| serde_json::json!({"denom": format!("d{i:04}"), "enabled": i % 2 == 0}))
        .collect();
    (Chain::new(genesis), a.to_string())
}

fn page(key: &[u8], offset: u64, limit: u64, reverse: bool) -> Option<PageRequest> {
    Some(PageRequest {
        key: key.to_vec(),
        offset,
        limit,
        count_total: false,
        reverse,
    })
}

/// One page of each list query, as denoms (or base denoms), with its response.
fn list(
    chain: &mut Chain,
    owner: &str,
    method: &str,
    pagination: Option<PageRequest>,
) -> agora_core::Result<(Vec<String>, PageResponse)> {
    let denoms = |coins: Vec<agora_proto::cosmos::base::v1beta1::Coin>| {
        coins.into_iter().map(|c| c.denom).collect::<Vec<_>>()
    };
    Ok(match method {
        "AllBalances" => {
            let req = pb::QueryAllBalancesRequest {
                address: owner.into(),
                pagination,
                resolve_denom: false,
            };
            let res: pb::QueryAllBalancesResponse = query(chain, method, req)?;
            (denoms(res.balances), res.pagination.unwrap())
        }
        "SpendableBalances" => {
            let req = pb::QuerySpendableBalancesRequest {
                address: owner.into(),
                pagination,
            };
            let res: pb::QuerySpendableBalancesResponse = query(chain, method, req)?;
            (denoms(res.balances), res.pagination.unwrap())
        }
        "TotalSupply" => {
            let req = pb::QueryTotalSupplyRequest { pagination };
            let res: pb::QueryTotalSupplyResponse = query(chain, method, req)?;
            (denoms(res.supply), res.pagination.unwrap())
        }
        "DenomsMetadata" => {
            let req = pb::QueryDenomsMetadataRequest { pagination };
            let res: pb::QueryDenomsMetadataResponse = query(chain, method, req)?;
            let bases = res.metadatas.into_iter().map(|m| m.base).collect();
            (bases, res.pagination.unwrap())
        }
        "SendEnabled" => {
            let req = pb::QuerySendEnabledRequest {
                denoms: vec![],
                pagination,
            };
            let res: pb::QuerySendEnabledResponse = query(chain, method, req)?;
            let denoms = res.send_enabled.into_iter().map(|s| s.denom).collect();
            (denoms, res.pagination.unwrap())
        }
        other => panic!("no list query {other}"),
    })
}

const LISTS: [&str; 5] = [
    "AllBalances",
    "SpendableBalances",
    "TotalSupply",
    "DenomsMetadata",
    "SendEnabled",
];

#[test]
fn every_list_query_pages_with_next_key_in_both_orders() {
    let (mut chain, owner) = many_denoms(5);
    let all: Vec<String> = (0..5).map(|i| format!("d{i:04}")).collect();
    for method in LISTS {
        for limit in [1, 2, 5] {
            for reverse in [false, true] {
                let (mut seen, mut key, mut pages) = (Vec::new(), Vec::new(), 0);
                loop {
                    let (items, res) =
                        list(&mut chain, &owner, method, page(&key, 0, limit, reverse)).unwrap();
                    assert!(items.len() as u64 <= limit, "{method}");
                    seen.extend(items);
                    pages += 1;
                    if res.next_key.is_empty() {
                        break;
                    }
                    key = res.next_key;
                }
                let mut expected = all.clone();
                if reverse {
                    expected.reverse();
                }
                assert_eq!(seen, expected, "{method} limit {limit} reverse {reverse}");
                assert_eq!(pages, 5_u64.div_ceil(limit), "{method} limit {limit}");
            }
        }
        // next_key is the next denom; offset and count_total as the SDK's.
        let (items, res) = list(&mut chain, &owner, method, page(b"", 0, 2, false)).unwrap();
        assert_eq!(
            (items, res.next_key.as_slice()),
            (vec!["d0000".into(), "d0001".into()], &b"d0002"[..])
        );
        let counted = Some(PageRequest {
            count_total: true,
            ..page(b"", 3, 1, false).unwrap()
        });
        let (items, res) = list(&mut chain, &owner, method, counted).unwrap();
        assert_eq!(
            (items, res.total),
            (vec!["d0003".to_string()], 5),
            "{method}"
        );
        let (items, res) = list(&mut chain, &owner, method, None).unwrap();
        assert_eq!(
            (items, res),
            (
                all.clone(),
                PageResponse {
                    next_key: vec![],
                    total: 5
                }
            )
        );
        let err = list(&mut chain, &owner, method, page(b"d0001", 1, 1, false)).unwrap_err();
        assert!(err.is(SdkCode::InvalidRequest), "{method}: {err:?}");
        assert!(err
            .msg
            .contains("either offset or key is expected, got both"));
    }
}

#[test]
fn pages_default_to_100_items_and_are_capped_at_1000() {
    let (mut chain, owner) = many_denoms(1005);
    for method in LISTS {
        let (items, res) = list(&mut chain, &owner, method, None).unwrap();
        assert_eq!(
            (items.len() as u64, res.total),
            (DEFAULT_LIMIT, 1005),
            "{method}"
        );
        assert_eq!(res.next_key, b"d0100");
        let (items, res) = list(&mut chain, &owner, method, page(b"", 0, 5000, false)).unwrap();
        assert_eq!(items.len() as u64, MAX_LIMIT, "{method}");
        assert_eq!(res.next_key, b"d1000");
    }
}

#[test]
fn a_page_costs_gas_for_its_items_only() {
    let (mut chain, owner) = many_denoms(200);
    let gas = |chain: &mut Chain, pagination| {
        let req = pb::QueryAllBalancesRequest {
            address: owner.clone(),
            pagination,
            resolve_denom: false,
        };
        chain
            .run(u64::MAX, |m, ctx| {
                m.bank.query(
                    ctx,
                    "/cosmos.bank.v1beta1.Query/AllBalances",
                    &req.encode_to_vec(),
                )
            })
            .gas_used
    };
    let one = gas(&mut chain, page(b"", 0, 1, false));
    let fifty = gas(&mut chain, page(b"", 0, 50, false));
    let from_key = gas(&mut chain, page(b"d0150", 0, 1, false));
    assert!(one * 10 < fifty, "{one} vs {fifty}");
    assert_eq!(one, from_key, "a keyed page reads only its items");
}

#[test]
fn send_enabled_of_listed_denoms_has_no_pagination() {
    let (mut chain, _) = many_denoms(3);
    let req = pb::QuerySendEnabledRequest {
        denoms: vec!["d0001".into(), "nope".into()],
        pagination: page(b"", 0, 1, false),
    };
    let res: pb::QuerySendEnabledResponse = query(&mut chain, "SendEnabled", req).unwrap();
    assert_eq!(
        res.send_enabled,
        vec![pb::SendEnabled {
            denom: "d0001".into(),
            enabled: false
        }]
    );
    assert_eq!(res.pagination, None);
}
