//! `/cosmos.bank.v1beta1.Query/...`: protobuf requests in, standard protobuf responses out.

mod common;

use agora_core::{Module, SdkCode};
use agora_proto::cosmos::bank::v1beta1 as pb;
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
    assert_eq!((err.codespace.as_ref(), err.code), ("bank", 6));
}
