//! BeginBlock through the real keepers: the block provision is minted into the mint module
//! account and paid to the fee collector, the supply grows by exactly it, the `mint` event
//! carries the SDK's attributes, the inflation moves toward the bonded goal within its bounds,
//! and a chain without supply mints nothing. Expected values are the SDK formula worked out
//! with `LegacyDec` rounding.

mod common;

use agora_auth::FEE_COLLECTOR;
use agora_core::authority::gov_authority;
use agora_core::{Address, Event};
use agora_mint::{Params, MINT_MODULE, MSG_UPDATE_PARAMS_TYPE_URL};
use agora_proto::cosmos::mint::v1beta1 as pb;
use agora_proto::Any;
use common::{addr, Chain, AGR};
use prost::Message;

fn mint_event(events: &[Event]) -> &Event {
    let mints: Vec<_> = events.iter().filter(|e| e.kind == "mint").collect();
    assert_eq!(mints.len(), 1, "{events:?}");
    mints[0]
}

fn attrs(event: &Event) -> [&str; 4] {
    ["bonded_ratio", "inflation", "annual_provisions", "amount"].map(|k| event.get(k).unwrap())
}

/// A chain of 1000 uagr-AGR where `bonded` AGR are bonded by one validator.
fn chain_bonding(bonded: u128) -> Chain {
    let (validator, holder) = (addr(1), addr(2));
    let mut chain = Chain::new(&[
        (validator.clone(), bonded * AGR),
        (holder, (1000 - bonded) * AGR),
    ]);
    chain.bond(&validator, 1, bonded * AGR);
    chain
}

/// Blocks of a year of 10 with rate change 1, so the inflation moves fast.
fn fast_params(chain: &mut Chain) {
    let params = Params {
        inflation_rate_change: agora_core::Dec::one(),
        blocks_per_year: 10,
        ..Params::default()
    };
    let msg = pb::MsgUpdateParams {
        authority: gov_authority().to_string(),
        params: Some(params.to_proto()),
    };
    let any = Any {
        type_url: MSG_UPDATE_PARAMS_TYPE_URL.into(),
        value: msg.encode_to_vec(),
    };
    chain.execute(&any).result.unwrap();
}

#[test]
fn the_provision_is_minted_to_the_fee_collector() {
    // 400M of 1000M AGR bonded: ratio 0.4, below the 0.67 goal, so inflation rises.
    let (validator, holder) = (addr(1), addr(2));
    let supply = 1_000_000_000 * AGR;
    let mut chain = Chain::new(&[
        (validator.clone(), supply * 4 / 10),
        (holder, supply * 6 / 10),
    ]);
    chain.bond(&validator, 1, supply * 4 / 10);
    let fee_collector = Address::module(FEE_COLLECTOR);
    assert_eq!(chain.balance(&fee_collector), 0);

    let events = chain.next_block();
    // 0.13 + (1 - 0.4/0.67) * 0.13 / 6311520; provisions = inflation * 10^15 uagr;
    // this block gets floor(provisions / 6311520).
    assert_eq!(
        attrs(mint_event(&events)),
        [
            "0.400000000000000000",
            "0.130000008300387181",
            "130000008300387.181000000000000000",
            "20597258"
        ]
    );
    assert_eq!(chain.supply(), supply + 20_597_258);
    assert_eq!(chain.balance(&fee_collector), 20_597_258);
    assert_eq!(chain.balance(&Address::module(MINT_MODULE)), 0);
    let coinbase = events.iter().find(|e| e.kind == "coinbase").unwrap();
    assert_eq!(coinbase.get("amount"), Some("20597258uagr"));
    assert_eq!(
        coinbase.get("minter"),
        Some(Address::module(MINT_MODULE).to_string().as_str())
    );

    // The next block sees the grown supply: 4e14 / (1e15 + 20597258), truncated.
    let events = chain.next_block();
    assert_eq!(
        attrs(mint_event(&events)),
        [
            "0.399999991761096969",
            "0.130000016600774615",
            "130000019278418.496930437745005670",
            "20597260"
        ]
    );
    assert_eq!(chain.supply(), supply + 20_597_258 + 20_597_260);
    assert_eq!(chain.balance(&fee_collector), 20_597_258 + 20_597_260);
}

#[test]
fn above_the_goal_inflation_falls_to_the_minimum() {
    let mut chain = chain_bonding(900);
    fast_params(&mut chain);
    let fee_collector = Address::module(FEE_COLLECTOR);
    // (bonded ratio, inflation, annual provisions, amount), block by block: the ratio falls
    // as the supply grows, the inflation falls by (ratio/0.67 - 1)/10 and stops at 0.07.
    let expected = [
        [
            "0.900000000000000000",
            "0.095671641791044776",
            "95671641.791044776000000000",
            "9567164",
        ],
        [
            "0.891471149313251634",
            "0.070000000000000000",
            "70669701.480000000000000000",
            "7066970",
        ],
        [
            "0.885274229834191264",
            "0.070000000000000000",
            "71164389.380000000000000000",
            "7116438",
        ],
    ];
    let mut minted = 0;
    for row in expected {
        let events = chain.next_block();
        assert_eq!(attrs(mint_event(&events)), row);
        minted += row[3].parse::<u128>().unwrap();
        assert_eq!(chain.supply(), 1000 * AGR + minted);
        assert_eq!(chain.balance(&fee_collector), minted);
    }
}

#[test]
fn below_the_goal_inflation_rises_to_the_maximum() {
    // Nothing bonded: ratio 0, the inflation would rise by 0.1 a block; clamped to 0.20.
    let mut chain = Chain::new(&[(addr(1), 1000 * AGR)]);
    fast_params(&mut chain);
    let events = chain.next_block();
    assert_eq!(
        attrs(mint_event(&events)),
        [
            "0.000000000000000000",
            "0.200000000000000000",
            "200000000.000000000000000000",
            "20000000"
        ]
    );
    let events = chain.next_block();
    assert_eq!(
        attrs(mint_event(&events)),
        [
            "0.000000000000000000",
            "0.200000000000000000",
            "204000000.000000000000000000",
            "20400000"
        ]
    );
    assert_eq!(chain.supply(), 1000 * AGR + 40_400_000);
}

#[test]
fn at_the_goal_inflation_stays() {
    let mut chain = chain_bonding(670);
    let events = chain.next_block();
    let [ratio, inflation, _, _] = attrs(mint_event(&events));
    assert_eq!(
        (ratio, inflation),
        ("0.670000000000000000", "0.130000000000000000")
    );
}

#[test]
fn without_supply_nothing_is_minted() {
    let mut chain = Chain::new(&[]);
    let before = chain.state();
    let events = chain.next_block();
    // Ratio 0 (no supply): the inflation still moves; provisions and the provision are 0.
    assert_eq!(
        attrs(mint_event(&events)),
        [
            "0.000000000000000000",
            "0.130000020597257079",
            "0.000000000000000000",
            "0"
        ]
    );
    assert_eq!(events.len(), 1, "no coinbase or transfer: {events:?}");
    assert_eq!(chain.supply(), 0);
    assert_eq!(chain.balance(&Address::module(FEE_COLLECTOR)), 0);
    // Only the minter changed.
    let minter = chain.read(|c, ctx| c.keeper.minter(ctx));
    assert_eq!(minter.inflation.to_string(), "0.130000020597257079");
    assert_eq!(chain.state().len(), before.len());
}
