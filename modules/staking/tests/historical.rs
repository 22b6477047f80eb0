//! Historical info: each BeginBlock stores the header and the bonded set by power; only the
//! last `historical_entries` heights are kept; the HistoricalInfo query reads them.

mod common;

use agora_proto::cosmos::staking::v1beta1 as pb;
use common::{addr, create_validator, Chain, AGR};

fn begin_block(chain: &mut Chain) {
    chain.read(|c, ctx| agora_core::Module::begin_block(&c.staking, ctx));
}

fn historical(
    chain: &mut Chain,
    height: i64,
) -> agora_core::Result<pb::QueryHistoricalInfoResponse> {
    chain.query("HistoricalInfo", pb::QueryHistoricalInfoRequest { height })
}

#[test]
fn each_block_keeps_its_header_and_bonded_set_for_historical_entries_blocks() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(&[alice.clone(), bob.clone()], 100 * AGR);
    chain.update_params(|p| p.historical_entries = 2);
    chain.create_validator(create_validator(&alice, 1, 10 * AGR));
    chain.create_validator(create_validator(&bob, 2, 20 * AGR));
    chain.end_block();
    let first = chain.block.height;
    for _ in 0..3 {
        begin_block(&mut chain);
        chain.end_block();
    }
    let last = (first + 2) as i64;
    let hist = historical(&mut chain, last).unwrap().hist.unwrap();
    let header = hist.header.unwrap();
    assert_eq!(
        (header.height, header.chain_id.as_str()),
        (last, "agora-test")
    );
    // Sorted by power: bob (20) before alice (10).
    let monikers: Vec<_> = hist
        .valset
        .iter()
        .map(|v| v.description.as_ref().unwrap().moniker.clone())
        .collect();
    assert_eq!(monikers, ["v2", "v1"]);
    assert!(historical(&mut chain, last - 1).is_ok());
    // Two entries kept: the first block's was pruned.
    let err = historical(&mut chain, first as i64).unwrap_err();
    assert!(err.msg.contains("not found"), "{}", err.msg);
    let err = historical(&mut chain, -1).unwrap_err();
    assert!(err.msg.contains("height cannot be negative"), "{}", err.msg);
}
