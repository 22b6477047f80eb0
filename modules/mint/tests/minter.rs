//! Known answers of the minter's arithmetic: the SDK's own tables (`x/mint/types/minter_test.go`,
//! `TestNextInflation` and `TestBlockProvision`), with the expected values written out as
//! `LegacyDec` computes them (each `Quo`/`Mul` rounded half to even at 18 places).

use agora_core::Dec;
use agora_mint::{Minter, Params};

fn dec(s: &str) -> Dec {
    s.parse().unwrap()
}

fn minter(inflation: &str) -> Minter {
    Minter {
        inflation: dec(inflation),
        annual_provisions: Dec::zero(),
    }
}

#[test]
fn next_inflation_matches_the_sdk_table() {
    let params = Params::default();
    // (bonded ratio, inflation before, inflation after)
    let table = [
        // 0% bonded: up by 0.13 / 6311520 = 0.000000020597257079|1188 (rounded down).
        ("0", "0.07", "0.070000020597257079"),
        // 100% bonded, from 20%: 1 / 0.67 = 1.492537313432835820|9 -> ...821;
        // (1 - 1.492537313432835821) * 0.13 = -0.064029850746268656|73 -> ...657;
        // / 6311520 = -0.000000010144917665|83 -> ...666. (Truncating would give ...335.)
        ("1", "0.20", "0.199999989855082334"),
        // 50% bonded, from 10%: 0.5 / 0.67 -> 0.746268656716417910;
        // 0.253731343283582090 * 0.13 = 0.032985074626865671|7 -> ...672;
        // / 6311520 = 0.000000005226169706|64 -> ...707. (Truncating would give ...706.)
        ("0.5", "0.10", "0.100000005226169707"),
        // The 7% minimum stops the fall (100% bonded).
        ("1", "0.07", "0.070000000000000000"),
        ("1", "0.0700000001", "0.070000000000000000"),
        // The 20% maximum stops the rise (0% bonded).
        ("0", "0.20", "0.200000000000000000"),
        ("0", "0.1999999999", "0.200000000000000000"),
        // At the goal the inflation stays.
        ("0.67", "0.15", "0.150000000000000000"),
    ];
    for (i, (bonded, before, after)) in table.into_iter().enumerate() {
        let next = minter(before)
            .next_inflation_rate(&params, dec(bonded))
            .unwrap();
        assert_eq!(next.to_string(), after, "case {i}");
    }
}

#[test]
fn block_provision_matches_the_sdk_table() {
    let params = Params::default();
    let seconds_per_year: u128 = 60 * 60 * 8766;
    // (annual provisions, block provision): annual / 6311520 blocks, truncated.
    let table = [
        (seconds_per_year / 5, 1),
        (seconds_per_year / 5 + 1, 1),
        (seconds_per_year / 5 * 2, 2),
        (seconds_per_year / 5 / 2, 0),
    ];
    for (annual, expected) in table {
        let m = Minter {
            inflation: dec("0.1"),
            annual_provisions: Dec::from_int(annual).unwrap(),
        };
        let coin = m.block_provision(&params).unwrap();
        assert_eq!((coin.amount, coin.denom.as_str()), (expected, "uagr"));
    }
    // A fractional annual provision: 12623039.999... / 6311520 = 1.999..., truncated to 1.
    let m = Minter {
        inflation: dec("0.1"),
        annual_provisions: dec("12623039.999999999999999999"),
    };
    assert_eq!(m.block_provision(&params).unwrap().amount, 1);
}

#[test]
fn annual_provisions_are_inflation_times_supply_exactly() {
    let m = minter("0.130000008300387181");
    assert_eq!(
        m.next_annual_provisions(1_000_000_000_000_000)
            .unwrap()
            .to_string(),
        "130000008300387.181000000000000000"
    );
    assert!(m.next_annual_provisions(0).unwrap().is_zero());
}

#[test]
fn the_change_follows_the_params() {
    // A fast year (10 blocks) with rate change 1: at 90% bonded, 0.9 / 0.67 -> 1.343283582089552239,
    // so the inflation falls by 0.034328358208955224 (0.0343283582089552239 rounded) a block.
    let params = Params {
        inflation_rate_change: Dec::one(),
        blocks_per_year: 10,
        ..Params::default()
    };
    let next = minter("0.13")
        .next_inflation_rate(&params, dec("0.9"))
        .unwrap();
    assert_eq!(next.to_string(), "0.095671641791044776");
    // Another step would reach 0.0613...: clamped to the minimum.
    let m = Minter {
        inflation: next,
        annual_provisions: Dec::zero(),
    };
    assert_eq!(
        m.next_inflation_rate(&params, dec("0.9")).unwrap(),
        params.inflation_min
    );
}
