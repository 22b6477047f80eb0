//! Supply: conserved by sends, changed by mint and burn, guarded by module permissions.

mod common;

use agora_core::{Address, Coins, SdkCode};
use common::{addr, bank_genesis, Chain, BLOCKED};

fn c(s: &str) -> Coins {
    s.parse().unwrap()
}

#[test]
fn sends_conserve_supply_and_mint_burn_change_it() {
    let (alice, bob) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&alice, "1000uagr"), (&bob, "5uagr,7ufoo")]));
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().total_supply(ctx)),
        c("1005uagr,7ufoo")
    );

    chain
        .run(u64::MAX, |_, ctx| {
            common::bank_keeper().send_coins(ctx, &alice, &bob, &c("300uagr"))?;
            common::bank_keeper().send_coins_from_account_to_module(
                ctx,
                &bob,
                "mint",
                &c("3ufoo"),
            )?;
            common::bank_keeper().send_coins_from_module_to_account(
                ctx,
                "mint",
                &alice,
                &c("1ufoo"),
            )
        })
        .result
        .unwrap();
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().total_supply(ctx)),
        c("1005uagr,7ufoo")
    );
    let mint = Address::module("mint");
    assert_eq!(chain.balance(&mint, "ufoo"), 2);

    let out = chain.run(u64::MAX, |_, ctx| {
        common::bank_keeper().mint_coins(ctx, "mint", &c("100uagr,1unew"))
    });
    out.result.unwrap();
    let kinds: Vec<_> = out.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["coin_received", "coinbase"]);
    assert_eq!(out.events[1].get("minter"), Some(mint.to_string().as_str()));
    assert_eq!(out.events[1].get("amount"), Some("100uagr,1unew"));
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().total_supply(ctx)),
        c("1105uagr,1unew,7ufoo")
    );
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().supply_of(ctx, "unew")),
        1
    );

    // The bonded pool may burn (burner permission); move the coins there first.
    let out = chain.run(u64::MAX, |_, ctx| {
        common::bank_keeper().send_coins_from_module_to_module(
            ctx,
            "mint",
            BLOCKED,
            &c("100uagr,1unew"),
        )?;
        common::bank_keeper().burn_coins(ctx, BLOCKED, &c("40uagr,1unew"))
    });
    out.result.unwrap();
    let burn = out.events.iter().find(|e| e.kind == "burn").unwrap();
    assert_eq!(burn.get("amount"), Some("40uagr,1unew"));
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().total_supply(ctx)),
        c("1065uagr,7ufoo")
    );
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().supply_of(ctx, "unew")),
        0
    );
    assert_eq!(chain.balance(&Address::module(BLOCKED), "uagr"), 60);
}

#[test]
fn mint_and_burn_need_permissions() {
    let mut chain = Chain::new(bank_genesis(&[]));
    let err = chain
        .run(u64::MAX, |_, ctx| {
            common::bank_keeper().mint_coins(ctx, "fee_collector", &c("1uagr"))
        })
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::Unauthorized));
    assert_eq!(
        err.msg,
        "module account fee_collector does not have permissions to mint tokens: unauthorized"
    );
    let err = chain
        .run(u64::MAX, |_, ctx| {
            common::bank_keeper().burn_coins(ctx, "mint", &c("1uagr"))
        })
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::Unauthorized));
    let err = chain
        .run(u64::MAX, |_, ctx| {
            common::bank_keeper().mint_coins(ctx, "nobody", &c("1uagr"))
        })
        .result
        .unwrap_err();
    assert!(err.msg.contains("not registered"), "{}", err.msg);
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().total_supply(ctx)),
        Coins::empty()
    );
}

#[test]
fn burning_more_than_held_is_insufficient_funds() {
    let mut chain = Chain::new(bank_genesis(&[]));
    chain
        .run(u64::MAX, |_, ctx| {
            common::bank_keeper().mint_coins(ctx, "mint", &c("5uagr"))
        })
        .result
        .unwrap();
    let err = chain
        .run(u64::MAX, |_, ctx| {
            common::bank_keeper().send_coins_from_module_to_module(
                ctx,
                "mint",
                BLOCKED,
                &c("5uagr"),
            )?;
            common::bank_keeper().burn_coins(ctx, BLOCKED, &c("6uagr"))
        })
        .result
        .unwrap_err();
    assert!(err.is(SdkCode::InsufficientFunds));
    assert_eq!(
        chain.read(|_, ctx| common::bank_keeper().supply_of(ctx, "uagr")),
        5
    );
}
