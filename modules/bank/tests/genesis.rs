//! Bank genesis: validation errors name the field; import then export reproduces the state.

mod common;

use agora_core::{Address, Module};
use common::{addr, bank_genesis, Chain};
use serde_json::json;

fn validate(genesis: &serde_json::Value) -> String {
    common::bank_module()
        .validate_genesis(genesis)
        .unwrap_err()
        .msg
}

#[test]
fn validation_errors_name_the_field() {
    assert_eq!(common::bank_module().default_genesis(), bank_genesis(&[]));
    let (a, b) = (addr(1), addr(2));
    let mut g = bank_genesis(&[(&a, "10uagr"), (&b, "5uagr")]);
    common::bank_module().validate_genesis(&g).unwrap();

    g["balances"][1]["address"] = "agora1bad".into();
    assert!(
        validate(&g).starts_with("app_state.bank.balances[1].address: "),
        "{}",
        validate(&g)
    );

    g["balances"][1]["address"] = a.to_string().into();
    assert!(
        validate(&g).starts_with("app_state.bank.balances[1].address: duplicate balance"),
        "{}",
        validate(&g)
    );

    let mut g = bank_genesis(&[(&a, "10uagr"), (&b, "5uagr")]);
    g["balances"][1]["coins"] = json!([{"denom": "uagr", "amount": "0"}]);
    assert!(
        validate(&g).starts_with("app_state.bank.balances[1].coins: "),
        "{}",
        validate(&g)
    );
    g["balances"][1]["coins"] =
        json!([{"denom": "uzz", "amount": "1"}, {"denom": "uaa", "amount": "1"}]);
    assert!(
        validate(&g).starts_with("app_state.bank.balances[1].coins: "),
        "{}",
        validate(&g)
    );

    let mut g = bank_genesis(&[(&a, "10uagr"), (&b, "5uagr")]);
    g["supply"] = json!([{"denom": "uagr", "amount": "16"}]);
    assert_eq!(validate(&g), "app_state.bank.supply: genesis supply is incorrect, expected 16uagr, got 15uagr: invalid request");

    let mut g = bank_genesis(&[]);
    g["send_enabled"] =
        json!([{"denom": "uagr", "enabled": true}, {"denom": "uagr", "enabled": false}]);
    assert!(
        validate(&g).starts_with("app_state.bank.send_enabled[1].denom: duplicate"),
        "{}",
        validate(&g)
    );

    let mut g = bank_genesis(&[]);
    g["denom_metadata"] =
        json!([{"base": "uagr", "display": "agr", "name": "", "symbol": "AGR", "denom_units": []}]);
    assert!(
        validate(&g).starts_with("app_state.bank.denom_metadata[0]: name field cannot be blank"),
        "{}",
        validate(&g)
    );
}

#[test]
fn empty_supply_is_computed_from_balances() {
    let (a, b) = (addr(1), addr(2));
    let mut chain = Chain::new(bank_genesis(&[(&a, "10uagr,1ufoo"), (&b, "5uagr")]));
    let exported = chain.export_bank();
    assert_eq!(
        exported["supply"],
        json!([{"denom": "uagr", "amount": "15"}, {"denom": "ufoo", "amount": "1"}])
    );
    // genesis balance holders got auth accounts
    assert!(chain.read(|_, ctx| common::auth_keeper().has_account(ctx, &b)));
}

fn metadata() -> serde_json::Value {
    json!({
        "description": "The Agora staking token",
        "denom_units": [
            {"denom": "uagr", "exponent": 0, "aliases": ["microagr"]},
            {"denom": "agr", "exponent": 6, "aliases": []}
        ],
        "base": "uagr",
        "display": "agr",
        "name": "Agora",
        "symbol": "AGR",
        "uri": "",
        "uri_hash": ""
    })
}

#[test]
fn genesis_init_export_round_trips() {
    // Balances in address-byte order, as export writes them.
    let mut holders: Vec<Address> = vec![addr(9), addr(1), Address::module("mint")];
    holders.sort_by(|x, y| x.as_bytes().cmp(y.as_bytes()));
    let mut genesis = bank_genesis(&[
        (&holders[0], "10uagr,3ufoo"),
        (&holders[1], "7uagr"),
        (&holders[2], "1ubar"),
    ]);
    genesis["supply"] = json!([
        {"denom": "uagr", "amount": "17"},
        {"denom": "ubar", "amount": "1"},
        {"denom": "ufoo", "amount": "3"}
    ]);
    genesis["denom_metadata"] = json!([metadata()]);
    genesis["send_enabled"] =
        json!([{"denom": "ubar", "enabled": false}, {"denom": "ufoo", "enabled": true}]);

    let mut chain = Chain::new(genesis.clone());
    let exported = chain.export_bank();
    assert_eq!(exported, genesis);
    let mut again = Chain::new(exported.clone());
    assert_eq!(again.export_bank(), exported);
}

#[test]
fn deprecated_params_send_enabled_moves_to_its_own_list() {
    let mut genesis = bank_genesis(&[]);
    genesis["params"]["send_enabled"] = json!([{"denom": "ufoo", "enabled": false}]);
    let mut chain = Chain::new(genesis);
    let exported = chain.export_bank();
    assert_eq!(
        exported["params"],
        json!({"send_enabled": [], "default_send_enabled": true})
    );
    assert_eq!(
        exported["send_enabled"],
        json!([{"denom": "ufoo", "enabled": false}])
    );
}
