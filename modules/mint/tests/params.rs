//! `MsgUpdateParams` (the authority only, valid params only) and the three queries.

mod common;

use agora_core::authority::gov_authority;
use agora_core::{Dec, Module, SdkCode};
use agora_mint::{Params, MSG_UPDATE_PARAMS_TYPE_URL};
use agora_proto::cosmos::mint::v1beta1 as pb;
use agora_proto::Any;
use common::{addr, Chain, AGR};
use prost::Message;

fn update(authority: &str, params: Option<pb::Params>) -> Any {
    let msg = pb::MsgUpdateParams {
        authority: authority.into(),
        params,
    };
    Any {
        type_url: MSG_UPDATE_PARAMS_TYPE_URL.into(),
        value: msg.encode_to_vec(),
    }
}

fn params_of(chain: &mut Chain) -> Params {
    chain.read(|c, ctx| c.keeper.params(ctx))
}

fn changed() -> Params {
    Params {
        inflation_max: "0.25".parse().unwrap(),
        goal_bonded: "0.5".parse().unwrap(),
        blocks_per_year: 4_000_000,
        ..Params::default()
    }
}

#[test]
fn the_authority_changes_the_params() {
    let mut chain = Chain::new(&[]);
    let msg = update(&gov_authority().to_string(), Some(changed().to_proto()));
    let decoded = chain.mint.decode_msg(&msg).unwrap();
    assert_eq!(decoded.signers(), &[gov_authority()]);
    let response = chain.execute(&msg).result.unwrap();
    pb::MsgUpdateParamsResponse::decode(response.as_slice()).unwrap();
    assert_eq!(params_of(&mut chain), changed());
}

#[test]
fn anyone_else_is_refused_and_nothing_changes() {
    let mut chain = Chain::new(&[]);
    let before = chain.state();
    let outcome = chain.execute(&update(&addr(7).to_string(), Some(changed().to_proto())));
    let err = outcome.result.unwrap_err();
    assert_eq!((err.codespace.as_ref(), err.code), ("gov", 13));
    assert!(
        err.msg.contains(&format!("expected {}", gov_authority())),
        "{}",
        err.msg
    );
    assert_eq!(chain.state(), before);
    assert_eq!(params_of(&mut chain), Params::default());
}

#[test]
fn bad_params_are_refused() {
    let mut chain = Chain::new(&[]);
    let before = chain.state();
    let gov = gov_authority().to_string();
    let mut bad = Params::default().to_proto();
    bad.goal_bonded = "0".into();
    let err = chain.execute(&update(&gov, Some(bad))).result.unwrap_err();
    assert!(err.is(SdkCode::InvalidRequest), "{err:?}");
    assert!(
        err.msg
            .starts_with("goal_bonded: goal bonded must be positive"),
        "{}",
        err.msg
    );
    // Missing params are the zero params, as the SDK's non-nullable field: a blank denom.
    let err = chain.execute(&update(&gov, None)).result.unwrap_err();
    assert!(
        err.msg.contains("mint denom cannot be blank"),
        "{}",
        err.msg
    );
    // A decimal not in the SDK's atomics form does not decode.
    let mut malformed = Params::default().to_proto();
    malformed.inflation_max = "0.2".into();
    assert!(chain
        .mint
        .decode_msg(&update(&gov, Some(malformed)))
        .is_err());
    assert!(chain
        .mint
        .decode_msg(&update("agora1nope", Some(changed().to_proto())))
        .is_err());
    assert_eq!(chain.state(), before);
}

#[test]
fn queries_answer_in_the_sdk_encoding() {
    let mut chain = Chain::new(&[(addr(1), 1000 * AGR)]);
    let params: pb::QueryParamsResponse = chain.query("Params", pb::QueryParamsRequest {}).unwrap();
    assert_eq!(params.params, Some(Params::default().to_proto()));
    let inflation: pb::QueryInflationResponse = chain
        .query("Inflation", pb::QueryInflationRequest {})
        .unwrap();
    assert_eq!(inflation.inflation, b"130000000000000000");
    let provisions: pb::QueryAnnualProvisionsResponse = chain
        .query("AnnualProvisions", pb::QueryAnnualProvisionsRequest {})
        .unwrap();
    assert_eq!(provisions.annual_provisions, b"0");

    chain.next_block();
    let minter = chain.read(|c, ctx| c.keeper.minter(ctx));
    let inflation: pb::QueryInflationResponse = chain
        .query("Inflation", pb::QueryInflationRequest {})
        .unwrap();
    let text = String::from_utf8(inflation.inflation).unwrap();
    assert_eq!(Dec::from_atomics_str(&text).unwrap(), minter.inflation);
    let provisions: pb::QueryAnnualProvisionsResponse = chain
        .query("AnnualProvisions", pb::QueryAnnualProvisionsRequest {})
        .unwrap();
    let text = String::from_utf8(provisions.annual_provisions).unwrap();
    assert_eq!(
        Dec::from_atomics_str(&text).unwrap(),
        minter.annual_provisions
    );
    assert_eq!(text, "130000020597257079000000000");

    assert_eq!(chain.mint.query_paths().len(), 3);
    let err = chain.query::<pb::QueryParamsResponse>("Minter", pb::QueryParamsRequest {});
    assert!(err.unwrap_err().is(SdkCode::UnknownRequest));
}
